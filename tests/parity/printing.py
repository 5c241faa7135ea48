"""Parity fixtures for tensor printing: repr(tensor) as PyTorch 1.13 prints it, compared exactly.

Each case stores the tensor's data, how to rebuild it in Flint (a view, requires_grad, a grad_fn-making op) and
the print options in force, and PyTorch's string.
Run with Debian's torch: /usr/bin/python3 tests/parity/printing.py
"""
import math

import torch

from fixture import Fixture

f = Fixture("printing")
DEFAULT = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)


def case(id, t, view=None, grad=None, **opts):
    """Records repr of t (after `view` and `grad` as the C# side rebuilds them) under the given print options."""
    assert all(c["id"] != id for c in f.cases), id
    spec = f._store(f"{id}/in", t)
    x = t.clone()
    if grad is not None:
        x.requires_grad_(True)
    if view == "t":
        x = x.t()
    elif view == "s":
        x = x[::2]
    if grad == "mul":
        x = x * x
    elif grad == "sum":
        x = x.sum()
    options = dict(DEFAULT, **opts)
    torch.set_printoptions(**{k: v for k, v in options.items() if k != "profile"})
    if "profile" in opts:
        torch.set_printoptions(profile=opts["profile"])
    text = repr(x)
    torch.set_printoptions(profile="default")
    if isinstance(options.get("threshold"), float) and math.isinf(options["threshold"]):
        options["threshold"] = "inf"
    f.cases.append({"id": id, "input": spec, "view": view, "grad": grad, "options": options, "expected": text})


T = torch.tensor
# zero-dim
case("scalar/float", T(3.5))
case("scalar/int_valued", T(3.))
case("scalar/neg_zero", T(-0.))
case("scalar/small", T(1e-5))
case("scalar/big", T(1.5e10))
case("scalar/nan", T(float("nan")))
case("scalar/inf", T(float("-inf")))
case("scalar/int64", T(42))
case("scalar/bool", T(True))
case("scalar/float64", T(2.25, dtype=torch.float64))
case("scalar/float16", T(0.1, dtype=torch.float16))
case("scalar/int8", T(-7, dtype=torch.int8))
# 1-D floats: notation choice and widths
case("vec/basic", T([1.5, -2.25, 3.0]))
case("vec/int_valued", T([1., -2., 30.]))
case("vec/int_valued_sci", T([1., 2000.]))
case("vec/int_valued_big", T([123456789., 1.]))
case("vec/ratio_sci", T([0.5, 600.]))
case("vec/tiny", T([1e-5, 0.5]))
case("vec/huge", T([1e20, -1.]))
case("vec/zeros", torch.zeros(4))
case("vec/neg_zero", T([-0., 1.]))
case("vec/nonfinite", T([1.5, float("inf"), float("nan"), -float("inf")]))
case("vec/nonfinite_int", T([1., float("inf"), float("nan")]))
case("vec/only_nonfinite", T([0., float("inf"), float("nan")]))
case("vec/point_one", T([0.1, 0.2, 0.3]))
case("vec/ties", T([1.03125, 0.03125, 2.5, -1.00005]))
case("vec/rounding_up", T([0.99996, 9.99995]))
case("vec/float64", T([1.5, 2.0, 1e-3], dtype=torch.float64))
case("vec/float64_tiny", T([1e-300, 1.0], dtype=torch.float64))
case("vec/float64_huge", T([1e300, -1e-300], dtype=torch.float64))
case("vec/float16", T([0.1, 1000., -2.5], dtype=torch.float16))
case("vec/bfloat16", T([0.1, 3.0, -2.5], dtype=torch.bfloat16))
case("vec/randn", torch.randn(12))
case("vec/wrap_float", torch.arange(30.) * 1.5)
case("vec/wrap_randn", torch.randn(40))
case("vec/wrap_sci", torch.randn(25) * 1e-6)
# integers and bools
case("vec/int64", T([1, -20, 300]))
case("vec/int64_big", T([2 ** 62, -5]))
case("vec/int32", T([1, -20, 300], dtype=torch.int32))
case("vec/int16", T([1, -20], dtype=torch.int16))
case("vec/uint8", T([0, 255, 7], dtype=torch.uint8))
case("vec/bool", T([True, False, True]))
case("vec/wrap_int", torch.arange(100))
case("vec/wrap_bool", torch.rand(40) > 0.5)
# N-D
case("mat/basic", T([[1., 2.], [3., 4.]]))
case("mat/randn", torch.randn(3, 4))
case("mat/int", torch.arange(12).reshape(3, 4))
case("mat/bool", torch.rand(3, 3) > 0.5)
case("mat/transposed", torch.randn(3, 5), view="t")
case("mat/strided", torch.randn(6, 3), view="s")
case("mat/wide", torch.randn(3, 30))
case("mat/float64", torch.randn(2, 3, dtype=torch.float64))
case("cube/int", torch.arange(24).reshape(2, 3, 4))
case("cube/randn", torch.randn(2, 2, 3))
case("4d/randn", torch.randn(2, 1, 2, 3))
case("4d/int", torch.arange(16).reshape(2, 2, 2, 2))
case("mat/one_row", torch.randn(1, 4))
case("mat/one_col", torch.randn(4, 1))
# summarization
case("sum/vec", torch.arange(2000))
case("sum/vec_float", torch.randn(1500))
case("sum/mat", torch.randn(40, 40))
case("sum/rows", torch.randn(1000, 2))
case("sum/cols", torch.randn(2, 1000))
case("sum/cube", torch.randn(10, 10, 20))
case("sum/sci", torch.randn(1200) * 1e5)
case("sum/int_valued", torch.arange(1200.) - 600)
# empty
case("empty/1d", torch.zeros(0))
case("empty/2d", torch.zeros(0, 3))
case("empty/3d", torch.zeros(2, 0, 4))
case("empty/int64", torch.zeros(0, dtype=torch.int64))
case("empty/bool2d", torch.zeros(3, 0, dtype=torch.bool))
case("empty/float64", torch.zeros(0, dtype=torch.float64))
# autograd suffixes
case("grad/leaf", torch.randn(3), grad="leaf")
case("grad/mul", torch.randn(2, 3), grad="mul")
case("grad/sum", torch.randn(4), grad="sum")
case("grad/float64_wrap", torch.randn(6, dtype=torch.float64) * 100, grad="mul")
case("grad/long_line", torch.randn(7) * 1000, grad="mul")
case("grad/float64_leaf", torch.randn(2, 2, dtype=torch.float64), grad="leaf")
# print options
case("opt/precision2", torch.randn(5), precision=2)
case("opt/precision8_f64", torch.randn(3, dtype=torch.float64), precision=8)
case("opt/precision0", T([1.5, 2.25, 3.75]), precision=0)
case("opt/sci_on", torch.randn(4), sci_mode=True)
case("opt/sci_off", T([1e-6, 1.0]), sci_mode=False)
case("opt/sci_off_int", T([1e20, 1.]), sci_mode=False)
case("opt/sci_on_int", T([2., 3.]), sci_mode=True)
case("opt/sci_on_zeros", torch.zeros(3), sci_mode=True)
case("opt/threshold5", torch.arange(10), threshold=5)
case("opt/edgeitems2", torch.arange(10), threshold=5, edgeitems=2)
case("opt/edgeitems1_mat", torch.randn(5, 5), threshold=5, edgeitems=1)
case("opt/linewidth40", torch.randn(20), linewidth=40)
case("opt/linewidth10", torch.arange(10), linewidth=10)
case("opt/profile_short", torch.randn(10, 10) * 3, profile="short")
case("opt/profile_full", torch.arange(1200), profile="full")
# many magnitudes and dtypes, to exercise the notation choice and column widths
for i, scale in enumerate([1e-5, 1e-3, 0.05, 1.0, 37.0, 999.0, 5e4, 3e7, 2e9]):
    case(f"scale/{i}/vec", torch.randn(7) * scale)
    case(f"scale/{i}/mat64", torch.randn(3, 4, dtype=torch.float64) * scale, grad="leaf")
    case(f"scale/{i}/half", (torch.randn(5) * min(scale, 6e4)).half())
    case(f"scale/{i}/rounded", torch.round(torch.randn(6) * scale))
case("scale/int_neg_zero", T([-0., 2., -3.]))
case("scale/ints_wide", torch.randint(-10 ** 9, 10 ** 9, (25,)))
case("scale/int8_mat", torch.randint(-128, 127, (4, 9), dtype=torch.int8))
f.save()
