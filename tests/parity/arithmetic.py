"""Parity fixtures for + - * / neg, sum and mean (the spine's first ops)."""
import torch

from fixture import Fixture, rand, positive

f = Fixture("arithmetic")
for dt in (torch.float32, torch.float64):
    n = "f32" if dt == torch.float32 else "f64"
    a, b = rand(3, 4, dtype=dt), rand(3, 4, dtype=dt)
    f.op(f"add/{n}", "add", [a, b], lambda x, y: x + y)
    f.op(f"add_alpha/{n}", "add", [a, b], lambda x, y: torch.add(x, y, alpha=2.5), kwargs={"alpha": 2.5})
    f.op(f"add_bcast/{n}", "add", [rand(3, 1, dtype=dt), rand(4, dtype=dt)], lambda x, y: x + y)
    f.op(f"add_t/{n}", "add", [a, b], lambda x, y: x + y, views=["t", "t"])
    f.op(f"add_scalar/{n}", "add_scalar", [a, 1.5], lambda x, s: x + s)
    f.op(f"sub/{n}", "sub", [a, rand(4, dtype=dt)], lambda x, y: x - y)
    f.op(f"sub_alpha/{n}", "sub", [a, b], lambda x, y: torch.sub(x, y, alpha=0.5), kwargs={"alpha": 0.5})
    f.op(f"rsub_scalar/{n}", "rsub_scalar", [a, 2.0], lambda x, s: s - x)
    # In place on a non-leaf (x * 1), through autograd: the node is recorded on x itself; a broadcast other, alpha,
    # and a later op that uses the result (so the rebased history is what backward walks).
    f.op(f"add_inplace/{n}", "add_", [a, rand(4, dtype=dt)], lambda x, y: (x * 1).add_(y, alpha=1.5).mul(x),
         kwargs={"alpha": 1.5})
    f.op(f"sub_inplace/{n}", "sub_", [a, b], lambda x, y: (x * 1).sub_(y, alpha=0.5).exp(), kwargs={"alpha": 0.5})
    f.op(f"mul/{n}", "mul", [a, b], lambda x, y: x * y)
    f.op(f"mul_bcast/{n}", "mul", [rand(2, 3, 1, dtype=dt), rand(1, 4, dtype=dt)], lambda x, y: x * y)
    f.op(f"mul_strided/{n}", "mul", [rand(6, 4, dtype=dt), rand(3, 4, dtype=dt)], lambda x, y: x * y, views=["s", None])
    f.op(f"mul_scalar/{n}", "mul_scalar", [a, -3.0], lambda x, s: x * s)
    f.op(f"div/{n}", "div", [a, positive(3, 4, dtype=dt)], lambda x, y: x / y)
    f.op(f"div_bcast/{n}", "div", [rand(4, 1, dtype=dt), positive(3, dtype=dt)], lambda x, y: x / y)
    f.op(f"div_scalar/{n}", "div_scalar", [a, 4.0], lambda x, s: x / s)
    f.op(f"neg/{n}", "neg", [a], lambda x: -x, views=["t"])
    f.op(f"sum/{n}", "sum", [rand(3, 4, 5, dtype=dt)], lambda x: x.sum())
    f.op(f"sum_dim/{n}", "sum", [rand(3, 4, 5, dtype=dt)], lambda x: x.sum(1), kwargs={"dim": [1]})
    f.op(f"sum_dims_keep/{n}", "sum", [rand(3, 4, 5, dtype=dt)], lambda x: x.sum((0, 2), keepdim=True),
         kwargs={"dim": [0, 2], "keepdim": True})
    f.op(f"sum_t/{n}", "sum", [rand(5, 7, dtype=dt)], lambda x: x.sum(0), kwargs={"dim": [0]}, views=["t"])
    f.op(f"mean/{n}", "mean", [rand(3, 4, 5, dtype=dt)], lambda x: x.mean())
    f.op(f"mean_dim/{n}", "mean", [rand(3, 4, 5, dtype=dt)], lambda x: x.mean(-1, keepdim=True),
         kwargs={"dim": [-1], "keepdim": True})

# Type promotion: int tensors with floats and scalars.
i = torch.randint(-5, 5, (3, 4))
f.op("add/int_float", "add", [i, rand(3, 4)], lambda x, y: x + y, grad=False)
f.op("add/int_scalar_int", "add_scalar", [i, 3], lambda x, s: x + s, grad=False)
f.op("mul/int_scalar_float", "mul_scalar", [i, 2.5], lambda x, s: x * s, grad=False)
f.op("div/int_int", "div", [i, torch.randint(1, 5, (3, 4))], lambda x, y: x / y, grad=False)
f.op("sum/int32", "sum", [i.int()], lambda x: x.sum(), grad=False)
f.op("sum/bool", "sum", [i > 0], lambda x: x.sum(), grad=False)
f.op("add/half", "add", [rand(5, dtype=torch.float16), rand(5, dtype=torch.float16)], lambda x, y: x + y, grad=False)
f.op("mul/bf16_f32", "mul", [rand(5, dtype=torch.bfloat16), rand(5)], lambda x, y: x * y, grad=False)
f.op("add/u8_i8", "add", [torch.randint(0, 100, (4,), dtype=torch.uint8), torch.randint(-100, 100, (4,), dtype=torch.int8)],
     lambda x, y: x + y, grad=False)
f.save()
