"""Parity fixtures for the elementwise math family: unary float math, numeric ops, pow/remainder/division,
atan2/maximum/hypot/xlogy, lerp/addcmul/addcdiv, clamp and where.

Every case also records PyTorch's grad_fn name (kwargs["grad_fn"]), which the C# side checks.
"""
import numpy as np

import torch

from fixture import Fixture, apply_view, rand, positive

f = Fixture("math")
F32, F64 = torch.float32, torch.float64
DT = ((F32, "f32"), (F64, "f64"))


def grad_fn_name(inputs, fn, views):
    views = views or [None] * len(inputs)
    args = []
    for x, v in zip(inputs, views):
        if isinstance(x, torch.Tensor):
            leaf = x.detach().clone()
            if leaf.is_floating_point():
                leaf.requires_grad_(True)
            args.append(apply_view(leaf, v))
        else:
            args.append(x)
    out = fn(*args)
    out = out[0] if isinstance(out, (tuple, list)) else out
    if isinstance(out, torch.Tensor) and out.grad_fn is not None:
        return out.grad_fn.name()
    return None


def op(id, name, inputs, fn, kwargs=None, grad=True, views=None, **kw):
    kwargs = dict(kwargs or {})
    if grad:
        kwargs["grad_fn"] = grad_fn_name(inputs, fn, views)
    f.op(id, name, inputs, fn, kwargs=kwargs, grad=grad, views=views, **kw)
    if name == "sgn" and grad:
        # PyTorch 1.13 returns sgn's (zero) gradient of real tensors as a ZeroTensor whose .numpy() reads
        # uninitialised memory; its gradient is zero (gradcheck agrees).
        key = f"{id}/grad0"
        f.arrays[key] = np.zeros_like(f.arrays[key])


def between(lo, hi):
    return lambda *shape, dtype=F32: rand(*shape, dtype=dtype, low=lo, high=hi)


def away_from_zero(*shape, dtype=F32):
    x = rand(*shape, dtype=dtype, low=0.3, high=2.0)
    return x * torch.where(torch.rand(*shape) < 0.5, -1.0, 1.0).to(dtype)


# ---- unary float math: (op, torch function, domain) ----
UNARY = [
    ("exp", torch.exp, rand), ("exp2", torch.exp2, rand), ("expm1", torch.expm1, rand),
    ("log", torch.log, positive), ("log2", torch.log2, positive), ("log10", torch.log10, positive),
    ("log1p", torch.log1p, between(-0.9, 3.0)), ("sqrt", torch.sqrt, positive), ("rsqrt", torch.rsqrt, positive),
    ("sin", torch.sin, rand), ("cos", torch.cos, rand), ("tan", torch.tan, between(-1.2, 1.2)),
    ("asin", torch.asin, between(-0.9, 0.9)), ("acos", torch.acos, between(-0.9, 0.9)), ("atan", torch.atan, rand),
    ("sinh", torch.sinh, rand), ("cosh", torch.cosh, rand), ("tanh", torch.tanh, rand),
    ("asinh", torch.asinh, rand), ("acosh", torch.acosh, between(1.1, 4.0)), ("atanh", torch.atanh, between(-0.9, 0.9)),
    ("sigmoid", torch.sigmoid, between(-5.0, 5.0)), ("logit", torch.logit, between(0.05, 0.95)),
    ("erf", torch.erf, rand), ("erfc", torch.erfc, rand), ("erfinv", torch.erfinv, between(-0.9, 0.9)),
    ("reciprocal", torch.reciprocal, away_from_zero), ("square", torch.square, rand), ("frac", torch.frac, between(-3.0, 3.0)),
    ("floor", torch.floor, between(-3.0, 3.0)), ("ceil", torch.ceil, between(-3.0, 3.0)),
    ("round", torch.round, between(-3.0, 3.0)), ("trunc", torch.trunc, between(-3.0, 3.0)),
    ("relu", torch.relu, rand), ("abs", torch.abs, away_from_zero), ("sign", torch.sign, rand), ("sgn", torch.sgn, rand),
    ("neg", torch.neg, rand), ("nan_to_num", torch.nan_to_num, rand),
]
for name, fn, dom in UNARY:
    for dt, n in DT:
        op(f"{name}/{n}", name, [dom(3, 4, dtype=dt)], fn)
    op(f"{name}/t_f32", name, [dom(5, 3, dtype=F32)], fn, views=["t"])
    op(f"{name}/s_f64", name, [dom(6, 2, 3, dtype=F64)], fn, views=["s"])
    # integer and bool inputs: float math gives the default dtype, the rest keep or promote as PyTorch does
    if name not in ("frac", "logit", "erfinv", "acosh", "sqrt", "rsqrt", "log", "log2", "log10"):
        op(f"{name}/int64", name, [torch.randint(-3, 4, (2, 3))], fn, grad=False)
    if name not in ("frac", "floor", "ceil", "round", "trunc", "relu", "abs", "neg"):
        op(f"{name}/bool", name, [torch.rand(5) > 0.5], fn, grad=False)
    if name in ("exp", "sqrt", "tanh", "sigmoid", "abs", "floor", "relu", "square", "sign", "erf"):
        op(f"{name}/uint8", name, [torch.randint(0, 6, (4,), dtype=torch.uint8)], fn, grad=False)
        op(f"{name}/int8", name, [torch.randint(-5, 6, (4,), dtype=torch.int8)], fn, grad=False)
    # PyTorch 1.13 has CPU half kernels only for some ops; record those it computes.
    for half in (torch.float16, torch.bfloat16):
        x = positive(5, dtype=half)
        try:
            fn(x)
        except RuntimeError:
            continue
        op(f"{name}/{str(half)[6:]}", name, [x], fn, grad=False)

# In-place forms through autograd (history rebased onto the op's node).
for name in ("exp", "sigmoid", "tanh", "relu", "sqrt", "abs", "floor", "log1p", "erf", "reciprocal"):
    dom = dict((u[0], u[2]) for u in UNARY)[name]
    op(f"{name}_/f64", name + "_", [dom(3, 4, dtype=F64)], lambda x, name=name: getattr(x * 1, name + "_")())
    op(f"{name}_/f32_t", name + "_", [dom(4, 3, dtype=F32)], lambda x, name=name: getattr(x * 1, name + "_")(), views=["t"])

# Special values and accuracy corners.
special = torch.tensor([0.0, -0.0, 1e-10, -1e-10, 1e-5, 0.3, -0.7, 2.5, -6.0, 6.5, 30.0, -30.0, 90.0, -90.0,
                        float("inf"), float("-inf"), float("nan")], dtype=F64)
for name in ("exp", "exp2", "expm1", "log1p", "sin", "cos", "atan", "sinh", "cosh", "tanh", "asinh", "sigmoid", "erf",
             "erfc", "sign", "sgn", "relu", "abs", "floor", "ceil", "trunc", "round", "frac", "square", "reciprocal",
             "nan_to_num"):
    fn = getattr(torch, name)
    op(f"{name}/special_f64", name, [special], fn, grad=False)
    op(f"{name}/special_f32", name, [special.float()], fn, grad=False)
small = torch.tensor([1e-30, -1e-20, 3e-12, -2e-9, 1e-6, -4e-5, 1e-3, -0.02, 0.1, 0.45, -0.6, 0.62, 0.63, -0.9], dtype=F64)
for name in ("tanh", "sinh", "expm1", "log1p", "erf", "erfinv", "asinh", "atanh", "sigmoid", "logit"):
    fn = getattr(torch, name)
    x = small.abs() if name == "logit" else small
    op(f"{name}/small_f64", name, [x], fn, grad=False)
    op(f"{name}/small_f32", name, [x.float()], fn, grad=False)
erfinv_edges = torch.tensor([-1.0, -0.999999, -0.99, -0.7, -0.69, 0.0, 0.2, 0.7, 0.71, 0.9999, 1.0, 1.5, float("nan")], dtype=F64)
op("erfinv/edges_f64", "erfinv", [erfinv_edges], torch.erfinv, grad=False)
op("erfinv/edges_f32", "erfinv", [erfinv_edges.float()], torch.erfinv, grad=False)
wide = torch.linspace(-7, 7, 57, dtype=F64)
for name in ("erf", "erfc", "tanh", "sigmoid"):
    op(f"{name}/wide_f64", name, [wide], getattr(torch, name), grad=False)
    op(f"{name}/wide_f32", name, [wide.float()], getattr(torch, name), grad=False)
halves = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1.2345, 1234.5, 1250.0, -0.04, 0.05, 2.675], dtype=F64)
for d in (0, 1, 2, 3, -1, -2):
    op(f"round_decimals/{d}_f64", "round_decimals", [halves], lambda x, d=d: torch.round(x, decimals=d), kwargs={"decimals": d},
       grad=False)
    op(f"round_decimals/{d}_f32", "round_decimals", [halves.float()], lambda x, d=d: torch.round(x, decimals=d),
       kwargs={"decimals": d}, grad=False)
op("round_decimals/grad_f64", "round_decimals", [rand(3, 4, dtype=F64)], lambda x: torch.round(x, decimals=2), kwargs={"decimals": 2})
for e in (0.1, 0.3):
    op(f"logit_eps/{e}_f64", "logit_eps", [rand(3, 4, dtype=F64, low=-0.1, high=1.1)], lambda x, e=e: torch.logit(x, eps=e),
       kwargs={"eps": e}, gradcheck=False)
    op(f"logit_eps/{e}_f32", "logit_eps", [between(0.0, 1.0)(3, 4)], lambda x, e=e: torch.logit(x, eps=e), kwargs={"eps": e})
op("logit_eps/inside_f64", "logit_eps", [between(0.2, 0.8)(3, 4, dtype=F64)], lambda x: torch.logit(x, eps=0.1), kwargs={"eps": 0.1})
op("logit/edges", "logit", [torch.tensor([-0.5, 0.0, 0.5, 1.0, 1.5], dtype=F64)], torch.logit, grad=False)
nan_inf = torch.tensor([float("nan"), float("inf"), float("-inf"), 1.5, -2.0], dtype=F64)
for dt, n in DT:
    op(f"nan_to_num/values_{n}", "nan_to_num", [nan_inf.to(dt)], lambda x: torch.nan_to_num(x, nan=2.0, posinf=3.0, neginf=-4.0),
       kwargs={"nan": 2.0, "posinf": 3.0, "neginf": -4.0}, grad=False)
    op(f"nan_to_num/grad_{n}", "nan_to_num", [nan_inf.to(dt)], lambda x: torch.nan_to_num(x), gradcheck=False)
op("nan_to_num/f16", "nan_to_num", [nan_inf.half()], torch.nan_to_num, grad=False)
op("nan_to_num/bf16", "nan_to_num", [nan_inf.bfloat16()], torch.nan_to_num, grad=False)
op("sign/int_extremes", "sign", [torch.tensor([-(2 ** 63), -5, 0, 7, 2 ** 63 - 1])], torch.sign, grad=False)
op("abs/int_extremes", "abs", [torch.tensor([-(2 ** 63), -5, 0, 7, 2 ** 63 - 1])], torch.abs, grad=False)
op("abs/int8_extremes", "abs", [torch.tensor([-128, -5, 0, 127], dtype=torch.int8)], torch.abs, grad=False)

# ---- pow ----
for dt, n in DT:
    op(f"pow/{n}", "pow", [positive(3, 4, dtype=dt), rand(3, 4, dtype=dt)], torch.pow)
    op(f"pow_bcast/{n}", "pow", [positive(3, 1, dtype=dt), rand(4, dtype=dt)], torch.pow)
    op(f"pow_t/{n}", "pow", [positive(4, 3, dtype=dt), rand(3, 4, dtype=dt)], torch.pow, views=["t", None])
    for e in (2, 3, 0.5, -0.5, -1, -2, 2.5, 0, 1, -1.5):
        op(f"pow_scalar/{e}_{n}", "pow_scalar", [positive(3, 4, dtype=dt), e], lambda x, s: torch.pow(x, s))
    op(f"pow_scalar/negbase_{n}", "pow_scalar", [rand(3, 4, dtype=dt), 3], lambda x, s: torch.pow(x, s))
    op(f"rpow/{n}", "rpow", [2.5, rand(3, 4, dtype=dt)], lambda s, x: torch.pow(s, x))
    op(f"rpow_zero/{n}", "rpow", [0.0, torch.tensor([0.0, 1.0, 2.0, -1.0], dtype=dt)], lambda s, x: torch.pow(s, x), gradcheck=False)
    op(f"pow_/{n}", "pow_", [positive(3, 4, dtype=dt), rand(4, dtype=dt)], lambda x, y: (x * 1).pow_(y))
    op(f"pow_scalar_/{n}", "pow_scalar_", [positive(3, 4, dtype=dt), 1.5], lambda x, s: (x * 1).pow_(s))
op("pow/zero_base_f64", "pow", [torch.tensor([0.0, 0.0, 2.0, 0.0], dtype=F64), torch.tensor([0.0, 2.0, 1.0, 0.5], dtype=F64)],
   torch.pow, gradcheck=False)
op("pow/special_f64", "pow", [torch.tensor([-2.0, -2.0, 0.0, -8.0, float("nan"), 1.0, -0.0, float("inf")], dtype=F64),
                              torch.tensor([2.0, 3.0, -1.0, 1 / 3, 0.0, float("nan"), -1.0, -2.0], dtype=F64)], torch.pow, grad=False)
ia, ib = torch.tensor([[2, -3, 0, 5], [1, -1, 7, -2]]), torch.tensor([[3, 2, 4, 0], [-3, -3, 2, 5]])
op("pow/int64", "pow", [ia, ib], torch.pow, grad=False)
op("pow/int32_bcast", "pow", [ia.int(), torch.tensor([2, 3, 1, 0], dtype=torch.int32)], torch.pow, grad=False)
op("pow/int8_wrap", "pow", [torch.tensor([3, -5, 2], dtype=torch.int8), torch.tensor([5, 3, 9], dtype=torch.int8)], torch.pow, grad=False)
op("pow/int_float", "pow", [ia, rand(2, 4)], torch.pow, grad=False)
# the exponent gradient multiplies a float32 log (as PyTorch 1.13 does) into a float64 result
op("pow/f32_f64", "pow", [positive(3, 4), rand(3, 4, dtype=F64)], torch.pow, tol=1e-6)
op("pow_scalar/int_int", "pow_scalar", [ia, 3], lambda x, s: torch.pow(x, s), grad=False)
op("pow_scalar/int_float", "pow_scalar", [ia, 2.5], lambda x, s: torch.pow(x, s), grad=False)
op("pow_scalar/bool_int", "pow_scalar", [torch.tensor([True, False]), 2], lambda x, s: torch.pow(x, s), grad=False)
op("pow_scalar/uint8", "pow_scalar", [torch.tensor([3, 200, 7], dtype=torch.uint8), 2], lambda x, s: torch.pow(x, s), grad=False)
op("rpow/int", "rpow", [2, torch.tensor([0, 3, -1, 10])], lambda s, x: torch.pow(s, x), grad=False)
op("rpow/int_float_base", "rpow", [2.5, torch.tensor([0, 3, -1])], lambda s, x: torch.pow(s, x), grad=False)
op("square/int", "square", [ia], torch.square, grad=False)

# ---- remainder, fmod, floor_divide, rounding division ----
for dt, n in DT:
    a, b = rand(3, 4, dtype=dt, low=-5, high=5), away_from_zero(3, 4, dtype=dt)
    op(f"remainder/{n}", "remainder", [a, b], torch.remainder)
    op(f"remainder_bcast/{n}", "remainder", [rand(3, 1, dtype=dt, low=-5, high=5), away_from_zero(4, dtype=dt)], torch.remainder)
    op(f"remainder_scalar/{n}", "remainder_scalar", [a, -1.5], lambda x, s: torch.remainder(x, s))
    op(f"remainder_op/{n}", "remainder", [a, b], lambda x, y: x % y, views=["t", "t"])
    op(f"fmod/{n}", "fmod", [a, b], torch.fmod)
    op(f"fmod_bcast/{n}", "fmod", [rand(4, 1, dtype=dt, low=-5, high=5), away_from_zero(3, dtype=dt)], torch.fmod)
    op(f"fmod_scalar/{n}", "fmod_scalar", [a, -1.5], lambda x, s: torch.fmod(x, s))
    op(f"floor_divide/{n}", "floor_divide", [a, b], torch.floor_divide, grad=False)
    op(f"floor_divide_scalar/{n}", "floor_divide_scalar", [a, -1.5], lambda x, s: torch.floor_divide(x, s), grad=False)
    for mode in ("trunc", "floor"):
        op(f"div_{mode}/{n}", "div_mode", [a, b], lambda x, y, mode=mode: torch.div(x, y, rounding_mode=mode), kwargs={"mode": mode})
        op(f"div_{mode}_scalar/{n}", "div_mode_scalar", [a, 0.7], lambda x, s, mode=mode: torch.div(x, s, rounding_mode=mode),
           kwargs={"mode": mode})
        op(f"div_{mode}_/{n}", "div_mode_", [a, b], lambda x, y, mode=mode: (x * 1).div_(y, rounding_mode=mode),
           kwargs={"mode": mode})
    op(f"div_none/{n}", "div_mode", [a, b], lambda x, y: torch.div(x, y, rounding_mode=None), kwargs={"mode": None})
    op(f"div_none_scalar/{n}", "div_mode_scalar", [a, 0.7], lambda x, s: torch.div(x, s, rounding_mode=None), kwargs={"mode": None})
    op(f"remainder_/{n}", "remainder_", [a, b], lambda x, y: (x * 1).remainder_(y))
signs = torch.tensor([5.0, -5.0, 5.0, -5.0, 5.5, -5.5, 0.0, -0.0, 7.0, 1e-20, float("inf"), 3.0], dtype=F64)
divs = torch.tensor([3.0, 3.0, -3.0, -3.0, -2.0, 2.0, 2.0, -2.0, 0.0, 3.0, 2.0, float("inf")], dtype=F64)
for dt, n in DT:
    for name, fn in (("remainder", torch.remainder), ("fmod", torch.fmod), ("floor_divide", torch.floor_divide)):
        op(f"{name}/signs_{n}", name, [signs.to(dt), divs.to(dt)], fn, grad=False)
    for mode in ("trunc", "floor"):
        op(f"div_{mode}/signs_{n}", "div_mode", [signs.to(dt), divs.to(dt)], lambda x, y, mode=mode: torch.div(x, y, rounding_mode=mode),
           kwargs={"mode": mode}, grad=False)
ix, iy = torch.tensor([7, -7, 7, -7, 0, 9, -9, 3]), torch.tensor([3, 3, -3, -3, 5, 4, 4, -8])
for name, fn in (("remainder", torch.remainder), ("fmod", torch.fmod), ("floor_divide", torch.floor_divide)):
    op(f"{name}/int64", name, [ix, iy], fn, grad=False)
    op(f"{name}/int16", name, [ix.short(), iy.short()], fn, grad=False)
    op(f"{name}/uint8", name, [ix.abs().byte(), iy.abs().byte()], fn, grad=False)
    op(f"{name}/int_float", name, [ix, away_from_zero(8)], fn, grad=False)
for mode in ("trunc", "floor"):
    op(f"div_{mode}/int64", "div_mode", [ix, iy], lambda x, y, mode=mode: torch.div(x, y, rounding_mode=mode), kwargs={"mode": mode},
       grad=False)
    op(f"div_{mode}/int_scalar", "div_mode_scalar", [ix, 2], lambda x, s, mode=mode: torch.div(x, s, rounding_mode=mode),
       kwargs={"mode": mode}, grad=False)
    op(f"div_{mode}/int_float_scalar", "div_mode_scalar", [ix, 2.5],
       lambda x, s, mode=mode: torch.div(x, s, rounding_mode=mode), kwargs={"mode": mode}, grad=False)
op("div_none/int", "div_mode", [ix, iy], lambda x, y: torch.div(x, y, rounding_mode=None), kwargs={"mode": None}, grad=False)
op("remainder_scalar/int", "remainder_scalar", [ix, 3], lambda x, s: torch.remainder(x, s), grad=False)
op("rremainder/int", "rremainder", [5, torch.tensor([3, -3, 2, -4])], lambda s, x: torch.remainder(s, x), grad=False)
op("rremainder/float", "rremainder", [5.5, away_from_zero(4)], lambda s, x: torch.remainder(s, x), grad=False)
op("fmod_scalar/int", "fmod_scalar", [ix, -3], lambda x, s: torch.fmod(x, s), grad=False)
op("fmod_scalar/int_float", "fmod_scalar", [ix, 2.5], lambda x, s: torch.fmod(x, s), grad=False)

# ---- atan2, maximum/minimum, fmax/fmin, hypot, xlogy ----
for dt, n in DT:
    a, b = rand(3, 4, dtype=dt), rand(3, 4, dtype=dt)
    op(f"atan2/{n}", "atan2", [a, b], torch.atan2)
    op(f"atan2_bcast/{n}", "atan2", [rand(3, 1, dtype=dt), rand(4, dtype=dt)], torch.atan2)
    op(f"atan2_t/{n}", "atan2", [a, b], torch.atan2, views=["t", "t"])
    for name in ("maximum", "minimum", "fmax", "fmin"):
        fn = getattr(torch, name)
        op(f"{name}/{n}", name, [a, b], fn)
        op(f"{name}_bcast/{n}", name, [rand(2, 1, 3, dtype=dt), rand(4, 1, dtype=dt)], fn)
        op(f"{name}_s/{n}", name, [rand(6, 4, dtype=dt), rand(3, 4, dtype=dt)], fn, views=["s", None])
        ties = torch.tensor([1.0, 2.0, 3.0, 0.5], dtype=dt)
        op(f"{name}_ties/{n}", name, [ties, torch.tensor([1.0, 1.0, 3.0, 2.0], dtype=dt)], fn, gradcheck=False)
        op(f"{name}_nan/{n}", name, [torch.tensor([float("nan"), 1.0, float("nan"), 2.0], dtype=dt),
                                     torch.tensor([1.0, float("nan"), float("nan"), -2.0], dtype=dt)], fn, gradcheck=False)
    op(f"hypot/{n}", "hypot", [a, b], torch.hypot)
    op(f"hypot_bcast/{n}", "hypot", [rand(3, 1, dtype=dt), rand(1, 4, dtype=dt)], torch.hypot)
    op(f"xlogy/{n}", "xlogy", [a, positive(3, 4, dtype=dt)], torch.xlogy)
    op(f"xlogy_bcast/{n}", "xlogy", [rand(4, 1, dtype=dt), positive(3, dtype=dt)], torch.xlogy, views=[None, None])
    op(f"xlogy_zero/{n}", "xlogy", [torch.tensor([0.0, 0.0, 1.0, 2.0, 0.0], dtype=dt),
                                    torch.tensor([0.0, -1.0, 0.0, 3.0, float("nan")], dtype=dt)], torch.xlogy, gradcheck=False)
    op(f"xlogy_scalar/{n}", "xlogy_scalar", [a, 2.5], lambda x, s: torch.xlogy(x, s))
    op(f"xlogy_scalar_zero/{n}", "xlogy_scalar", [torch.tensor([0.0, 1.0, -2.0], dtype=dt), 0.0], lambda x, s: torch.xlogy(x, s),
       gradcheck=False)
    op(f"rxlogy/{n}", "rxlogy", [2.5, positive(3, 4, dtype=dt)], lambda s, x: torch.xlogy(s, x))
    op(f"atan2_/{n}", "atan2_", [a, b], lambda x, y: (x * 1).atan2_(y))
    op(f"hypot_/{n}", "hypot_", [a, b], lambda x, y: (x * 1).hypot_(y))
    op(f"xlogy_/{n}", "xlogy_", [a, positive(4, dtype=dt)], lambda x, y: (x * 1).xlogy_(y))
op("atan2/int", "atan2", [ix, iy], torch.atan2, grad=False)
op("atan2/int_f64", "atan2", [ix, rand(8, dtype=F64)], torch.atan2)
op("atan2/bool", "atan2", [torch.tensor([True, False, True]), torch.tensor([True, True, False])], torch.atan2, grad=False)
op("atan2/special", "atan2", [torch.tensor([0.0, -0.0, 0.0, -0.0, 1.0, float("inf")], dtype=F64),
                              torch.tensor([0.0, 0.0, -0.0, -1.0, 0.0, float("inf")], dtype=F64)], torch.atan2, grad=False)
for name in ("maximum", "minimum", "fmax", "fmin"):
    fn = getattr(torch, name)
    op(f"{name}/int64", name, [ix, iy], fn, grad=False)
    op(f"{name}/bool", name, [torch.tensor([True, False, False]), torch.tensor([False, False, True])], fn, grad=False)
    op(f"{name}/uint8_int8", name, [ix.abs().byte(), iy.to(torch.int8)], fn, grad=False)
    op(f"{name}/int_f32", name, [ix, rand(8)], fn)
op("hypot/int_f32", "hypot", [ix, rand(8)], torch.hypot)
op("xlogy/int", "xlogy", [ix, iy.abs() + 1], torch.xlogy, grad=False)
op("xlogy/bool", "xlogy", [torch.tensor([True, False]), torch.tensor([True, True])], torch.xlogy, grad=False)

# ---- lerp, addcmul, addcdiv ----
for dt, n in DT:
    a, b = rand(3, 4, dtype=dt), rand(3, 4, dtype=dt)
    for w in (0.3, 0.75, -0.6, 1.5):
        op(f"lerp/{w}_{n}", "lerp", [a, b, w], lambda x, y, s: torch.lerp(x, y, s))
    op(f"lerp_bcast/{n}", "lerp", [rand(3, 1, dtype=dt), rand(4, dtype=dt), 0.4], lambda x, y, s: torch.lerp(x, y, s))
    op(f"lerp_t/{n}", "lerp", [a, b, 0.6], lambda x, y, s: torch.lerp(x, y, s), views=["t", "t", None])
    op(f"lerp_tensor/{n}", "lerp_tensor", [a, b, rand(3, 4, dtype=dt, low=-0.5, high=1.5)], torch.lerp)
    op(f"lerp_tensor_bcast/{n}", "lerp_tensor", [rand(3, 1, dtype=dt), rand(1, 4, dtype=dt), rand(4, dtype=dt, low=0, high=1)], torch.lerp)
    op(f"lerp_tensor_s/{n}", "lerp_tensor", [rand(6, 4, dtype=dt), b, rand(3, 4, dtype=dt, low=0, high=1)], torch.lerp,
       views=["s", None, None])
    op(f"lerp_/{n}", "lerp_", [a, b, 0.3], lambda x, y, s: (x * 1).lerp_(y, s))
    op(f"lerp_tensor_/{n}", "lerp_tensor_", [a, rand(4, dtype=dt), rand(3, 1, dtype=dt, low=0, high=1)],
       lambda x, y, w: (x * 1).lerp_(y, w))
    c = away_from_zero(3, 4, dtype=dt)
    op(f"addcmul/{n}", "addcmul", [a, b, c], torch.addcmul)
    op(f"addcmul_value/{n}", "addcmul", [a, b, c], lambda x, y, z: torch.addcmul(x, y, z, value=-0.5), kwargs={"value": -0.5})
    op(f"addcmul_bcast/{n}", "addcmul", [rand(4, dtype=dt), rand(3, 1, dtype=dt), rand(2, 1, 1, dtype=dt)], torch.addcmul)
    op(f"addcmul_t/{n}", "addcmul", [rand(4, 3, dtype=dt), b, away_from_zero(4, 3, dtype=dt)], torch.addcmul, views=["t", None, "t"])
    op(f"addcdiv/{n}", "addcdiv", [a, b, c], torch.addcdiv)
    op(f"addcdiv_value/{n}", "addcdiv", [a, b, c], lambda x, y, z: torch.addcdiv(x, y, z, value=2.5), kwargs={"value": 2.5})
    op(f"addcdiv_bcast/{n}", "addcdiv", [rand(1, 4, dtype=dt), rand(3, 1, dtype=dt), away_from_zero(4, dtype=dt)], torch.addcdiv)
    op(f"addcmul_/{n}", "addcmul_", [a, b, c], lambda x, y, z: (x * 1).addcmul_(y, z, value=0.1), kwargs={"value": 0.1})
    op(f"addcdiv_/{n}", "addcdiv_", [a, rand(4, dtype=dt), c], lambda x, y, z: (x * 1).addcdiv_(y, z, value=-0.3), kwargs={"value": -0.3})
op("addcmul/int", "addcmul", [ix, iy, ix], torch.addcmul, grad=False)
op("addcmul/int_value", "addcmul", [ix, iy, ix], lambda x, y, z: torch.addcmul(x, y, z, value=2), kwargs={"value": 2}, grad=False)
op("addcmul/mixed", "addcmul", [rand(8), ix, iy], torch.addcmul, grad=False)
op("addcdiv/mixed", "addcdiv", [rand(8), rand(8), iy], torch.addcdiv, grad=False)
op("addcmul/f32_f64", "addcmul", [rand(3), rand(3, dtype=F64), rand(3)], torch.addcmul)
op("addcmul/bf16", "addcmul", [rand(5, dtype=torch.bfloat16), rand(5, dtype=torch.bfloat16), rand(5, dtype=torch.bfloat16)],
   torch.addcmul, grad=False)

# ---- clamp (number bounds are scalar inputs: "clamp" both, "clamp_lo" min only, "clamp_hi" max only) ----
for dt, n in DT:
    a = rand(3, 4, dtype=dt)
    op(f"clamp/{n}", "clamp", [a, -0.5, 0.8], lambda x, lo, hi: torch.clamp(x, lo, hi))
    op(f"clamp_min/{n}", "clamp_lo", [a, -0.5], lambda x, lo: torch.clamp(x, min=lo))
    op(f"clamp_max/{n}", "clamp_hi", [a, 0.3], lambda x, hi: torch.clamp(x, max=hi))
    op(f"clamp_inverted/{n}", "clamp", [a, 1.0, -1.0], lambda x, lo, hi: torch.clamp(x, lo, hi))
    op(f"clamp_t/{n}", "clamp", [rand(4, 3, dtype=dt), -0.5, 0.8], lambda x, lo, hi: torch.clamp(x, lo, hi), views=["t", None, None])
    op(f"clip/{n}", "clip", [a, -0.5, 0.8], lambda x, lo, hi: torch.clip(x, lo, hi))
    lo, hi = rand(3, 4, dtype=dt, low=-2, high=0), rand(4, dtype=dt, low=0, high=2)
    op(f"clamp_tensor/{n}", "clamp_tensor", [a, lo, hi], lambda x, l, h: torch.clamp(x, l, h))
    op(f"clamp_tensor_min/{n}", "clamp_tensor_lo", [a, rand(3, 1, dtype=dt)], lambda x, l: torch.clamp(x, min=l))
    op(f"clamp_tensor_max/{n}", "clamp_tensor_hi", [a, rand(4, dtype=dt)], lambda x, h: torch.clamp(x, max=h))
    op(f"clamp_tensor_crossed/{n}", "clamp_tensor",
       [torch.tensor([-1.0, 0.0, 0.5, 1.0, 2.0], dtype=dt), torch.tensor([0.0, 0.1, 0.2, 3.0, 0.0], dtype=dt),
        torch.tensor([1.0, 1.0, 1.0, 1.0, 2.5], dtype=dt)], lambda x, l, h: torch.clamp(x, l, h), gradcheck=False)
    op(f"clamp_min_fn/{n}", "clamp_min", [a, 0.1], torch.clamp_min)
    op(f"clamp_max_fn/{n}", "clamp_max", [a, 0.1], torch.clamp_max)
    op(f"clamp_min_tensor/{n}", "clamp_min_tensor", [a, rand(4, dtype=dt)], torch.clamp_min)
    op(f"clamp_max_tensor/{n}", "clamp_max_tensor", [a, rand(3, 1, dtype=dt)], torch.clamp_max)
    op(f"clamp_/{n}", "clamp_", [a, -0.5, 0.5], lambda x, lo, hi: (x * 1).clamp_(lo, hi))
    op(f"clamp_tensor_/{n}", "clamp_tensor_", [a, lo, hi], lambda x, l, h: (x * 1).clamp_(l, h))
    op(f"clamp_min_/{n}", "clamp_min_", [a, 0.2], lambda x, lo: (x * 1).clamp_min_(lo))
    nanv = torch.tensor([float("nan"), 1.0, -3.0, 0.2], dtype=dt)
    op(f"clamp_nan/{n}", "clamp", [nanv, -1.0, 0.5], lambda x, lo, hi: torch.clamp(x, lo, hi), grad=False)
    op(f"clamp_tensor_nan/{n}", "clamp_tensor", [nanv, torch.tensor([0.0, float("nan"), -1.0, 0.0], dtype=dt),
                                                 torch.tensor([1.0, 2.0, float("nan"), 1.0], dtype=dt)],
       lambda x, l, h: torch.clamp(x, l, h), grad=False)
op("clamp/int", "clamp", [ix, -2, 5], lambda x, lo, hi: torch.clamp(x, lo, hi), grad=False)
op("clamp/int_float_bounds", "clamp", [ix, -2.5, 5.5], lambda x, lo, hi: torch.clamp(x, lo, hi), grad=False)
op("clamp/bool_int_bounds", "clamp", [torch.tensor([True, False]), 0, 1], lambda x, lo, hi: torch.clamp(x, lo, hi), grad=False)
op("clamp/uint8", "clamp", [ix.abs().byte(), 2, 6], lambda x, lo, hi: torch.clamp(x, lo, hi), grad=False)
op("clamp_lo/int8", "clamp_lo", [iy.to(torch.int8), 0], lambda x, lo: torch.clamp(x, min=lo), grad=False)
op("clamp_tensor/int", "clamp_tensor", [ix, iy, iy + 3], lambda x, l, h: torch.clamp(x, l, h), grad=False)
op("clamp_tensor/int_float", "clamp_tensor", [ix, rand(8), rand(8, low=2, high=4)], lambda x, l, h: torch.clamp(x, l, h))
op("clamp/bf16", "clamp", [rand(5, dtype=torch.bfloat16), -0.5, 0.5], lambda x, lo, hi: torch.clamp(x, lo, hi), grad=False)

# ---- where ----
for dt, n in DT:
    cond = torch.rand(3, 4) > 0.5
    a, b = rand(3, 4, dtype=dt), rand(3, 4, dtype=dt)
    op(f"where/{n}", "where", [cond, a, b], torch.where)
    op(f"where_bcast/{n}", "where", [torch.rand(3, 1) > 0.5, rand(4, dtype=dt), rand(2, 1, 1, dtype=dt)], torch.where)
    op(f"where_t/{n}", "where", [torch.rand(4, 3) > 0.5, rand(4, 3, dtype=dt), b], torch.where, views=["t", "t", None])
    op(f"where_scalar_other/{n}", "where_scalar_other", [cond, a, -1.5], lambda c, x, s: torch.where(c, x, s))
    op(f"where_scalar_input/{n}", "where_scalar_input", [cond, 2.5, b], lambda c, s, y: torch.where(c, s, y))
    op(f"where_method/{n}", "where_method", [a, cond, b], lambda x, c, y: x.where(c, y))
op("where/mixed", "where", [torch.tensor([True, False, True]), torch.tensor([1, 2, 3]), rand(3)], torch.where)
op("where/int", "where", [torch.tensor([True, False, True]), torch.tensor([1, 2, 3]), torch.tensor([-1, -2, -3], dtype=torch.int8)],
   torch.where, grad=False)
op("where/uint8_int8", "where", [torch.tensor([True, False]), torch.tensor([1, 200], dtype=torch.uint8),
                                 torch.tensor([-1, -2], dtype=torch.int8)], torch.where, grad=False)
op("where/bool", "where", [torch.tensor([True, False]), torch.tensor([True, True]), torch.tensor([False, False])], torch.where,
   grad=False)
op("where/scalars_float", "where_scalars", [torch.tensor([True, False, True]), 1.0, 0], lambda c, s, t: torch.where(c, s, t),
   grad=False)
op("where/scalars_int", "where_scalars", [torch.tensor([True, False, True]), 1, 0], lambda c, s, t: torch.where(c, s, t), grad=False)
op("where/scalars_bool", "where_scalars", [torch.tensor([True, False]), True, False], lambda c, s, t: torch.where(c, s, t), grad=False)
op("where/int_scalar_float", "where_scalar_other", [torch.tensor([True, False]), torch.tensor([1, 2], dtype=torch.int32), 3.5],
   lambda c, x, s: torch.where(c, x, s), grad=False)
op("where/int_scalar_int", "where_scalar_other", [torch.tensor([True, False]), torch.tensor([1, 2], dtype=torch.int32), 3],
   lambda c, x, s: torch.where(c, x, s), grad=False)
op("where/zero_dim_f64", "where_scalar_other", [torch.tensor([True, False]), torch.tensor(1.5, dtype=F64), 2],
   lambda c, x, s: torch.where(c, x, s))
f.save()
