"""Parity fixtures for pooling: F.max_pool1d/2d (with indices, padding, dilation, ceil_mode), F.avg_pool1d/2d
(count_include_pad, ceil_mode, divisor_override), F.adaptive_avg_pool1d/2d, F.adaptive_max_pool1d/2d (with indices),
F.max_unpool1d/2d, second derivatives, NaN propagation, int64 and bfloat16 inputs.
"""
import torch
import torch.nn.functional as F

from fixture import Fixture, rand

f = Fixture("nn_pool")

for dt in (torch.float32, torch.float64):
    n = "f32" if dt == torch.float32 else "f64"

    def r(*shape):
        return rand(*shape, dtype=dt)

    def pool(id, op, fn, inputs, kwargs, views=None, grad=True, gradcheck=None):
        f.op(f"{id}/{n}", op, inputs, lambda *a: fn(*a, **kwargs), kwargs=kwargs, views=views, grad=grad, gradcheck=gradcheck)

    pool("max_pool2d_lenet", "max_pool2d", F.max_pool2d, [r(2, 3, 8, 8)], {"kernel_size": 2})
    pool("max_pool2d_tuple", "max_pool2d", F.max_pool2d, [r(2, 2, 7, 9)], {"kernel_size": [2, 3]})
    pool("max_pool2d_pad", "max_pool2d", F.max_pool2d, [r(2, 2, 7, 6)], {"kernel_size": 3, "stride": 2, "padding": 1})
    pool("max_pool2d_dilation", "max_pool2d", F.max_pool2d, [r(1, 2, 9, 8)], {"kernel_size": 2, "stride": 1, "dilation": 2, "padding": 1})
    pool("max_pool2d_ceil", "max_pool2d", F.max_pool2d, [r(2, 2, 7, 7)], {"kernel_size": 2, "ceil_mode": True})
    pool("max_pool2d_ceil_pad", "max_pool2d", F.max_pool2d, [r(1, 2, 6, 7)],
         {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True})
    pool("max_pool2d_unbatched", "max_pool2d", F.max_pool2d, [r(3, 6, 5)], {"kernel_size": 2, "stride": [1, 2]})
    pool("max_pool2d_view", "max_pool2d", F.max_pool2d, [r(2, 2, 5, 8)], {"kernel_size": 2}, views=["t"])
    pool("max_pool2d_indices", "max_pool2d_with_indices", F.max_pool2d, [r(2, 2, 6, 7)],
         {"kernel_size": 3, "stride": 2, "padding": 1, "return_indices": True})
    # The vectorised 2x2 path: rows of a full block of 16 outputs and a partial one, ties, all -inf windows, NaN.
    wide = (r(2, 2, 7, 41) * 4).round()
    wide[0, 0, 0, 5] = float("nan")
    wide[1, 1, 3, 20] = float("nan")
    wide[0, 1, 2:4, 10:12] = float("-inf")
    pool("max_pool2d_wide", "max_pool2d_with_indices", F.max_pool2d, [wide], {"kernel_size": 2, "return_indices": True},
         gradcheck=False)  # NaN and -inf inputs have no finite differences
    # The 2x2 backward written row pair by row pair: a full last block of 16 windows beside an odd column and an odd
    # row; planes split over two threads whose rows' last vectors would run into the other thread's first plane.
    pool("max_pool2d_2x2_odd_full", "max_pool2d", F.max_pool2d, [r(2, 3, 5, 33)], {"kernel_size": 2}, gradcheck=False)
    if dt == torch.float32:
        pool("max_pool2d_2x2_threads", "max_pool2d", F.max_pool2d, [r(8, 8, 8, 130)], {"kernel_size": 2}, gradcheck=False)
    # The vectorised row path (float32): ResNet's 3x3 / 2 / 1 on rows of two full blocks and a partial one, plus
    # stride 1 with dilation and a 2-row window, with ties, all -inf windows and NaN.
    rows = (r(2, 2, 9, 75) * 4).round()
    rows[0, 0, 1, 7] = float("nan")
    rows[1, 0, 4, 60] = float("nan")
    rows[0, 1, 3:6, 20:26] = float("-inf")
    pool("max_pool2d_rows_s2", "max_pool2d_with_indices", F.max_pool2d, [rows],
         {"kernel_size": 3, "stride": 2, "padding": 1, "return_indices": True}, gradcheck=False)
    pool("max_pool2d_rows_s1", "max_pool2d_with_indices", F.max_pool2d, [rows],
         {"kernel_size": [2, 3], "stride": [2, 1], "padding": [1, 1], "dilation": [1, 2], "return_indices": True},
         gradcheck=False)
    pool("max_pool2d_rows_s2_ceil", "max_pool2d", F.max_pool2d, [r(1, 2, 6, 36)],
         {"kernel_size": 3, "stride": 2, "ceil_mode": True})
    pool("max_pool1d", "max_pool1d", F.max_pool1d, [r(2, 3, 9)], {"kernel_size": 3, "stride": 2, "padding": 1})
    pool("max_pool1d_ceil", "max_pool1d", F.max_pool1d, [r(2, 3, 8)], {"kernel_size": 3, "ceil_mode": True, "dilation": 2})
    pool("max_pool1d_indices", "max_pool1d_with_indices", F.max_pool1d, [r(3, 10)],
         {"kernel_size": 2, "return_indices": True})

    pool("avg_pool2d", "avg_pool2d", F.avg_pool2d, [r(2, 3, 6, 6)], {"kernel_size": 2})
    pool("avg_pool2d_pad", "avg_pool2d", F.avg_pool2d, [r(2, 2, 7, 6)], {"kernel_size": 3, "stride": 2, "padding": 1})
    pool("avg_pool2d_nopad_count", "avg_pool2d", F.avg_pool2d, [r(2, 2, 7, 6)],
         {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False})
    pool("avg_pool2d_ceil", "avg_pool2d", F.avg_pool2d, [r(1, 2, 7, 8)], {"kernel_size": [3, 2], "stride": 2, "ceil_mode": True})
    pool("avg_pool2d_ceil_nocount", "avg_pool2d", F.avg_pool2d, [r(1, 2, 7, 8)],
         {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False})
    pool("avg_pool2d_divisor", "avg_pool2d", F.avg_pool2d, [r(2, 2, 6, 5)], {"kernel_size": 2, "padding": 1, "divisor_override": 3})
    pool("avg_pool2d_unbatched", "avg_pool2d", F.avg_pool2d, [r(2, 5, 5)], {"kernel_size": 2, "stride": 1})
    pool("avg_pool1d", "avg_pool1d", F.avg_pool1d, [r(2, 3, 9)], {"kernel_size": 3, "stride": 2, "padding": 1})
    pool("avg_pool1d_opts", "avg_pool1d", F.avg_pool1d, [r(3, 8)],
         {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False})

    pool("adaptive_avg_pool2d", "adaptive_avg_pool2d", F.adaptive_avg_pool2d, [r(2, 3, 7, 7)], {"output_size": 3})
    pool("adaptive_avg_pool2d_rect", "adaptive_avg_pool2d", F.adaptive_avg_pool2d, [r(2, 2, 5, 9)], {"output_size": [2, 4]})
    pool("adaptive_avg_pool2d_up", "adaptive_avg_pool2d", F.adaptive_avg_pool2d, [r(1, 2, 3, 2)], {"output_size": [5, 3]})
    pool("adaptive_avg_pool2d_one", "adaptive_avg_pool2d", F.adaptive_avg_pool2d, [r(2, 3, 4, 5)], {"output_size": 1})
    pool("adaptive_avg_pool2d_unbatched", "adaptive_avg_pool2d", F.adaptive_avg_pool2d, [r(3, 6, 4)], {"output_size": [4, 3]})
    pool("adaptive_avg_pool1d", "adaptive_avg_pool1d", F.adaptive_avg_pool1d, [r(2, 3, 10)], {"output_size": 4})
    pool("adaptive_max_pool2d", "adaptive_max_pool2d", F.adaptive_max_pool2d, [r(2, 3, 7, 6)], {"output_size": 3})
    pool("adaptive_max_pool2d_indices", "adaptive_max_pool2d_with_indices", F.adaptive_max_pool2d, [r(2, 2, 5, 9)],
         {"output_size": [2, 4], "return_indices": True})
    pool("adaptive_max_pool1d", "adaptive_max_pool1d", F.adaptive_max_pool1d, [r(2, 3, 10)], {"output_size": 3})

    y, idx = F.max_pool2d(r(2, 2, 6, 4), 2, return_indices=True)
    pool("max_unpool2d", "max_unpool2d", F.max_unpool2d, [y, idx], {"kernel_size": 2})
    y, idx = F.max_pool2d(r(2, 2, 6, 5), 2, return_indices=True)
    pool("max_unpool2d_size", "max_unpool2d", F.max_unpool2d, [y, idx], {"kernel_size": 2, "output_size": [6, 5]})
    y, idx = F.max_pool1d(r(2, 3, 9), 3, stride=3, return_indices=True)
    pool("max_unpool1d", "max_unpool1d", F.max_unpool1d, [y, idx], {"kernel_size": 3, "output_size": [10]})

    def double(fn, **kw):
        def g(x):
            y = fn(x, **kw)
            return torch.autograd.grad((y * y).sum(), x, create_graph=True)[0]
        return g

    f.op(f"double_max_pool2d/{n}", "double_max_pool2d", [r(1, 2, 6, 6)], double(F.max_pool2d, kernel_size=3, stride=2, padding=1),
         kwargs={"kernel_size": 3, "stride": 2, "padding": 1})
    f.op(f"double_avg_pool2d/{n}", "double_avg_pool2d", [r(1, 2, 6, 6)], double(F.avg_pool2d, kernel_size=3, stride=2, padding=1),
         kwargs={"kernel_size": 3, "stride": 2, "padding": 1})
    f.op(f"double_adaptive_avg_pool2d/{n}", "double_adaptive_avg_pool2d", [r(1, 2, 5, 7)],
         double(F.adaptive_avg_pool2d, output_size=[2, 3]), kwargs={"output_size": [2, 3]})
    f.op(f"double_adaptive_max_pool2d/{n}", "double_adaptive_max_pool2d", [r(1, 2, 5, 7)],
         double(F.adaptive_max_pool2d, output_size=[2, 3]), kwargs={"output_size": [2, 3]})

nan = rand(1, 1, 4, 4)
nan[0, 0, 1, 1] = float("nan")
nan[0, 0, 2, 3] = float("nan")
f.op("max_pool2d_nan/f32", "max_pool2d_with_indices", [nan], lambda x: F.max_pool2d(x, 2, return_indices=True),
     kwargs={"kernel_size": 2}, grad=False)
f.op("avg_pool2d/int64", "avg_pool2d", [torch.randint(-9, 10, (1, 2, 5, 5))], lambda x: F.avg_pool2d(x, 2, padding=1),
     kwargs={"kernel_size": 2, "padding": 1}, grad=False)
f.op("max_pool2d/bf16", "max_pool2d", [rand(1, 2, 6, 6, dtype=torch.bfloat16)], lambda x: F.max_pool2d(x, 2),
     kwargs={"kernel_size": 2})
f.op("avg_pool2d/bf16", "avg_pool2d", [rand(1, 2, 6, 6, dtype=torch.bfloat16)], lambda x: F.avg_pool2d(x, 3, padding=1),
     kwargs={"kernel_size": 3, "padding": 1})
f.op("adaptive_avg_pool2d/bf16", "adaptive_avg_pool2d", [rand(1, 2, 6, 5, dtype=torch.bfloat16)],
     lambda x: F.adaptive_avg_pool2d(x, [4, 3]), kwargs={"output_size": [4, 3]})

f.save()
