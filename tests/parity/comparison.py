"""Parity fixtures for comparisons, logical and bitwise ops, float predicates, isclose/allclose/equal and the
in-place comparison forms."""
import torch

from fixture import Fixture, apply_view, rand

f = Fixture("comparison", seed=1)


def with_grad_fn(id, name, inputs, fn, views=None):
    """A float case with gradients, recording PyTorch's grad_fn name for the C# side to check."""
    args = [apply_view(x.detach().clone().requires_grad_(x.is_floating_point()), v) if isinstance(x, torch.Tensor) else x
            for x, v in zip(inputs, views or [None] * len(inputs))]
    f.op(id, name, inputs, fn, kwargs={"grad_fn": fn(*args).grad_fn.name()}, views=views)

F32, F64 = torch.float32, torch.float64
NAN, INF = float("nan"), float("inf")

special = torch.tensor([0.0, -0.0, 1.0, -1.0, 2.5, INF, -INF, NAN, 1e-30, -1e-30], dtype=F64)
other = torch.tensor([0.0, 0.0, 2.0, -1.0, NAN, INF, INF, NAN, 0.0, -1e-30], dtype=F64)
ints = torch.tensor([[-3, 0, 2, 7], [5, -1, 0, 4]])
ints2 = torch.tensor([[-3, 1, 2, 8], [4, -1, 1, 4]])
bools = torch.tensor([True, False, True, False])
bools2 = torch.tensor([True, True, False, False])

CMP = ("eq", "ne", "lt", "le", "gt", "ge")
for name in CMP:
    fn = getattr(torch, name)
    for dt, n in ((F32, "f32"), (F64, "f64")):
        a, b = rand(3, 4, dtype=dt), rand(3, 4, dtype=dt)
        b[0] = a[0]  # some ties
        f.op(f"{name}/{n}", name, [a, b], fn, grad=False)
        f.op(f"{name}/bcast_{n}", name, [rand(3, 1, dtype=dt), rand(4, dtype=dt)], fn, grad=False)
        f.op(f"{name}/t_{n}", name, [a, b], fn, views=["t", "t"], grad=False)
        f.op(f"{name}/special_{n}", name, [special.to(dt), other.to(dt)], fn, grad=False)
        f.op(f"{name}/scalar_{n}", name + "_scalar", [a, 0.5], fn, grad=False)
    f.op(f"{name}/int64", name, [ints, ints2], fn, grad=False)
    f.op(f"{name}/int_float", name, [ints, rand(2, 4, low=-3, high=7)], fn, grad=False)
    f.op(f"{name}/int_scalar_float", name + "_scalar", [ints, 1.5], fn, grad=False)
    f.op(f"{name}/int_scalar_int", name + "_scalar", [ints, 2], fn, grad=False)
    f.op(f"{name}/bool", name, [bools, bools2], fn, grad=False)
    f.op(f"{name}/bool_int", name, [bools, torch.tensor([1, 0, 2, -1])], fn, grad=False)
    f.op(f"{name}/uint8_int8", name, [torch.tensor([200, 3, 0], dtype=torch.uint8), torch.tensor([-56, 3, 1], dtype=torch.int8)], fn,
         grad=False)
    f.op(f"{name}/f16", name, [rand(5, dtype=torch.float16), rand(5, dtype=torch.float16)], fn, grad=False)
    f.op(f"{name}/zero_dim", name, [rand(3, 4), torch.tensor(0.25, dtype=F64)], fn, grad=False)
    # in-place: the result written back in self's dtype; a float self with grad records a zero-gradient node
    with_grad_fn(f"{name}_/f64", name + "_", [rand(3, 4, dtype=F64), rand(4, dtype=F64)],
                 lambda x, y, name=name: getattr(x * 1, name + "_")(y))
    with_grad_fn(f"{name}_/scalar_f32", name + "_scalar_", [rand(3, 4), 0.0], lambda x, s, name=name: getattr(x * 1, name + "_")(s))
    f.op(f"{name}_/int", name + "_", [ints, ints2], lambda x, y, name=name: getattr(x.clone(), name + "_")(y), grad=False)
    f.op(f"{name}_/bool_float", name + "_", [bools, rand(4)], lambda x, y, name=name: getattr(x.clone(), name + "_")(y), grad=False)

# Longer inputs: full vectors of every lane width (32 bytes of bool/uint8, 16 int16, 8 float, 4 double) plus tails.
f.op("eq/long_uint8", "eq", [torch.randint(0, 3, (70,), dtype=torch.uint8), torch.randint(0, 3, (70,), dtype=torch.uint8)], torch.eq,
     grad=False)
f.op("lt/long_int16", "lt", [torch.randint(-3, 3, (40,), dtype=torch.int16), torch.randint(-3, 3, (40,), dtype=torch.int16)], torch.lt,
     grad=False)
f.op("ge/long_f32", "ge", [rand(37), rand(37)], torch.ge, grad=False)
f.op("ne/long_f64", "ne", [rand(37, dtype=F64), rand(37, dtype=F64)], torch.ne, grad=False)
f.op("logical_and/long_bool", "logical_and", [torch.rand(70) > 0.5, torch.rand(70) > 0.5], torch.logical_and, grad=False)
f.op("logical_xor/long_int8", "logical_xor", [torch.randint(-1, 2, (70,), dtype=torch.int8), torch.randint(-1, 2, (70,), dtype=torch.int8)],
     torch.logical_xor, grad=False)
long_special = special.repeat(4)
f.op("isnan/long_f32", "isnan", [long_special.float()], torch.isnan, grad=False)
f.op("isfinite/long_f64", "isfinite", [long_special], torch.isfinite, grad=False)
f.op("signbit/long_f64", "signbit", [long_special], torch.signbit, grad=False)
f.op("signbit/long_int16", "signbit", [torch.randint(-3, 3, (40,), dtype=torch.int16)], torch.signbit, grad=False)
f.op("logical_not/long_bool", "logical_not", [torch.rand(70) > 0.5], torch.logical_not, grad=False)

# C# operators < <= > >= with a number on the left.
f.op("rlt/f32", "rlt", [0.5, rand(3, 4)], lambda s, x: s < x, grad=False)
f.op("rge/int", "rge", [2, ints], lambda s, x: s >= x, grad=False)

for name in ("logical_and", "logical_or", "logical_xor"):
    fn = getattr(torch, name)
    f.op(f"{name}/bool", name, [bools, bools2], fn, grad=False)
    f.op(f"{name}/int", name, [ints, ints2], fn, grad=False)
    f.op(f"{name}/float", name, [special, other], fn, grad=False)
    f.op(f"{name}/mixed_bcast", name, [torch.tensor([[0.0], [2.0]]), torch.tensor([0, 3, -1])], fn, grad=False)
    f.op(f"{name}_/int", name + "_", [ints, ints2], lambda x, y, name=name: getattr(x.clone(), name + "_")(y), grad=False)
    f.op(f"{name}_/float_bool", name + "_", [rand(4), bools], lambda x, y, name=name: getattr(x.clone(), name + "_")(y), grad=False)
f.op("logical_not/float", "logical_not", [special], torch.logical_not, grad=False)
f.op("logical_not/int", "logical_not", [ints], torch.logical_not, grad=False)
f.op("logical_not/bool_t", "logical_not", [torch.rand(3, 4) > 0.5], torch.logical_not, views=["t"], grad=False)
f.op("logical_not_/float", "logical_not_", [special], lambda x: x.clone().logical_not_(), grad=False)
f.op("logical_not_/int", "logical_not_", [ints], lambda x: x.clone().logical_not_(), grad=False)

u8 = torch.tensor([0b1010, 255, 7, 0], dtype=torch.uint8)
i8 = torch.tensor([-1, 5, -128, 127], dtype=torch.int8)
for name, op_ in (("bitwise_and", lambda x, y: x & y), ("bitwise_or", lambda x, y: x | y), ("bitwise_xor", lambda x, y: x ^ y)):
    fn = getattr(torch, name)
    f.op(f"{name}/int64", name, [ints, ints2], op_, grad=False)
    f.op(f"{name}/bool", name, [bools, bools2], op_, grad=False)
    f.op(f"{name}/uint8_int8", name, [u8, i8], op_, grad=False)
    f.op(f"{name}/int32_bcast", name, [ints.int(), torch.tensor([1, 2, 4, 8], dtype=torch.int32)], fn, grad=False)
    f.op(f"{name}/bool_int", name, [bools, torch.tensor([3, 2, 5, 0])], op_, grad=False)
    f.op(f"{name}/scalar", name + "_scalar", [ints, 6], op_, grad=False)
    f.op(f"{name}/bool_scalar", name + "_scalar", [bools, True], op_, grad=False)
    f.op(f"{name}/rscalar", "r" + name, [6, ints], lambda s, x, op_=op_: op_(s, x), grad=False)
    f.op(f"{name}_/int", name + "_", [ints, ints2], lambda x, y, name=name: getattr(x.clone(), name + "_")(y), grad=False)
    f.op(f"{name}_/int_bool", name + "_", [ints, torch.tensor([True, False, True, True])],
         lambda x, y, name=name: getattr(x.clone(), name + "_")(y), grad=False)
f.op("bitwise_not/int64", "bitwise_not", [ints], lambda x: ~x, grad=False)
f.op("bitwise_not/uint8", "bitwise_not", [u8], lambda x: ~x, grad=False)
f.op("bitwise_not/int8", "bitwise_not", [i8], torch.bitwise_not, grad=False)
f.op("bitwise_not/bool", "bitwise_not", [bools], lambda x: ~x, grad=False)
f.op("bitwise_not_/int16", "bitwise_not_", [ints.short()], lambda x: x.clone().bitwise_not_(), grad=False)

for name in ("isnan", "isinf", "isposinf", "isneginf", "isfinite", "signbit"):
    fn = getattr(torch, name)
    for dt, n in ((F32, "f32"), (F64, "f64"), (torch.float16, "f16"), (torch.bfloat16, "bf16")):
        f.op(f"{name}/{n}", name, [special.to(dt)], fn, grad=False)
    f.op(f"{name}/t", name, [torch.tensor([[NAN, 1.0], [-INF, -0.0], [INF, 3.0]])], fn, views=["t"], grad=False)
    f.op(f"{name}/int", name, [ints], fn, grad=False)
    f.op(f"{name}/uint8", name, [u8], fn, grad=False)
    f.op(f"{name}/bool", name, [bools], fn, grad=False)

close_a = torch.tensor([1.0, 1.0, 1.0, NAN, NAN, INF, INF, -INF, 0.0, 1e-9, 100.0, 100.0], dtype=F64)
close_b = torch.tensor([1.0 + 1e-6, 1.0 + 1e-4, 1.1, NAN, 1.0, INF, -INF, -INF, 1e-9, 0.0, 100.001, 100.1], dtype=F64)
for dt, n in ((F32, "f32"), (F64, "f64")):
    a, b = close_a.to(dt), close_b.to(dt)
    f.op(f"isclose/{n}", "isclose", [a, b], torch.isclose, grad=False)
    f.op(f"isclose/equal_nan_{n}", "isclose", [a, b], lambda x, y: torch.isclose(x, y, equal_nan=True), kwargs={"equal_nan": True},
         grad=False)
    f.op(f"isclose/tols_{n}", "isclose", [a, b], lambda x, y: torch.isclose(x, y, rtol=1e-3, atol=1e-2),
         kwargs={"rtol": 1e-3, "atol": 1e-2}, grad=False)
    f.op(f"isclose/zero_tol_{n}", "isclose", [a, b], lambda x, y: torch.isclose(x, y, rtol=0.0, atol=0.0),
         kwargs={"rtol": 0.0, "atol": 0.0}, grad=False)
    f.op(f"isclose/bcast_{n}", "isclose", [rand(3, 1, dtype=dt), rand(4, dtype=dt)],
         lambda x, y: torch.isclose(x, y, atol=0.5), kwargs={"atol": 0.5}, grad=False)
f.op("isclose/int", "isclose", [ints, ints2], lambda x, y: torch.isclose(x, y, rtol=0.0, atol=1.0), kwargs={"rtol": 0.0, "atol": 1.0},
     grad=False)
f.op("isclose/int_default", "isclose", [ints, ints2], torch.isclose, grad=False)
f.op("isclose/bool", "isclose", [bools, bools2], torch.isclose, grad=False)
f.op("isclose/bool_atol", "isclose", [bools, bools2], lambda x, y: torch.isclose(x, y, atol=1.0), kwargs={"atol": 1.0}, grad=False)

near = rand(3, 4, dtype=F64)
for name, a, b, kw in (("allclose/true", near, near + 1e-9, {}), ("allclose/false", near, near + 1e-3, {}),
                       ("allclose/tols", near, near + 1e-3, {"atol": 1e-2}), ("allclose/nan", close_a, close_a, {}),
                       ("allclose/nan_equal", close_a, close_a, {"equal_nan": True}),
                       ("allclose/bcast", near[:1], near, {})):
    f.op(name, "allclose", [a, b], lambda x, y, kw=kw: torch.tensor(torch.allclose(x, y, **kw)), kwargs=kw, grad=False)
for name, a, b in (("equal/same", ints, ints.clone()), ("equal/diff", ints, ints2), ("equal/shape", ints, ints[:1]),
                   ("equal/dtype", ints, ints.double()), ("equal/nan", special, special), ("equal/t", near, near.t().contiguous().t()),
                   ("equal/bcast_shape", near[:1], near)):
    f.op(name, "equal", [a, b], lambda x, y: torch.tensor(torch.equal(x, y)), grad=False)
f.save()
