"""Parity fixtures for convolutions: F.conv1d/2d/3d (stride, padding incl. "same"/"valid", dilation, groups,
depthwise, pointwise, unbatched and transposed-view inputs), F.conv_transpose1d/2d/3d (output_padding, groups,
dilation), F.unfold/F.fold, second derivatives through ConvolutionBackward, integer and bfloat16 convolutions.
float32 and float64 with input, weight and bias gradients; float64 cases also pass Flint's gradcheck.
"""
import torch
import torch.nn.functional as F

from fixture import Fixture, rand

f = Fixture("nn_conv")

# float32 convolutions sum in another order than oneDNN; a looser bound keeps near-zero outputs comparable.
TOL32 = 2e-5

for dt in (torch.float32, torch.float64):
    n = "f32" if dt == torch.float32 else "f64"
    tol = TOL32 if dt == torch.float32 else None

    def r(*shape):
        return rand(*shape, dtype=dt)

    def conv(id, op, fn, inputs, kwargs, views=None):
        f.op(f"{id}/{n}", op, inputs, lambda *a: fn(*a, **kwargs), kwargs=kwargs, views=views, tol=tol)

    # conv1d
    conv("conv1d", "conv1d", F.conv1d, [r(2, 3, 9), r(4, 3, 3), r(4)], {})
    conv("conv1d_args", "conv1d", F.conv1d, [r(2, 4, 11), r(6, 2, 3), r(6)],
         {"stride": 2, "padding": 2, "dilation": 2, "groups": 2})
    conv("conv1d_same", "conv1d", F.conv1d, [r(2, 3, 8), r(4, 3, 4)], {"padding": "same"})
    conv("conv1d_same_dil", "conv1d", F.conv1d, [r(2, 3, 8), r(4, 3, 3), r(4)], {"padding": "same", "dilation": 3})
    conv("conv1d_valid", "conv1d", F.conv1d, [r(2, 3, 8), r(4, 3, 3)], {"padding": "valid"})
    conv("conv1d_unbatched", "conv1d", F.conv1d, [r(3, 7), r(2, 3, 2), r(2)], {"padding": 1})
    conv("conv1d_depthwise", "conv1d", F.conv1d, [r(2, 3, 10), r(6, 1, 3), r(6)], {"padding": 1, "groups": 3})

    # conv2d: LeNet's first layer, padded, strided, dilated, grouped, depthwise, pointwise, odd sizes
    conv("conv2d_lenet", "conv2d", F.conv2d, [r(2, 1, 12, 12), r(6, 1, 5, 5), r(6)], {})
    conv("conv2d_pad", "conv2d", F.conv2d, [r(2, 3, 7, 6), r(4, 3, 3, 3), r(4)], {"padding": 1})
    conv("conv2d_stride", "conv2d", F.conv2d, [r(2, 3, 9, 8), r(4, 3, 3, 3), r(4)], {"stride": 2, "padding": 1})
    conv("conv2d_mixed", "conv2d", F.conv2d, [r(1, 2, 9, 10), r(3, 2, 3, 2), r(3)],
         {"stride": [2, 1], "padding": [1, 2], "dilation": [2, 1]})
    conv("conv2d_dilation", "conv2d", F.conv2d, [r(2, 2, 9, 9), r(3, 2, 3, 3)], {"dilation": 2, "padding": 2})
    conv("conv2d_groups", "conv2d", F.conv2d, [r(2, 4, 6, 5), r(6, 2, 3, 3), r(6)], {"groups": 2, "padding": 1})
    conv("conv2d_depthwise", "conv2d", F.conv2d, [r(2, 3, 7, 7), r(3, 1, 3, 3), r(3)], {"groups": 3, "padding": 1})
    conv("conv2d_depthwise_mult", "conv2d", F.conv2d, [r(2, 2, 7, 6), r(4, 1, 3, 3), r(4)], {"groups": 2, "padding": 1})
    conv("conv2d_depthwise_stride", "conv2d", F.conv2d, [r(2, 3, 9, 9), r(3, 1, 3, 3)], {"groups": 3, "stride": 2, "padding": 1})
    conv("conv2d_depthwise_dil", "conv2d", F.conv2d, [r(1, 2, 8, 9), r(2, 1, 3, 2)], {"groups": 2, "dilation": 2})
    conv("conv2d_pointwise", "conv2d", F.conv2d, [r(2, 5, 4, 3), r(3, 5, 1, 1), r(3)], {})
    conv("conv2d_pointwise_stride", "conv2d", F.conv2d, [r(2, 5, 5, 5), r(3, 5, 1, 1), r(3)], {"stride": 2})
    conv("conv2d_pointwise_groups", "conv2d", F.conv2d, [r(2, 4, 3, 3), r(6, 2, 1, 1)], {"groups": 2})
    conv("conv2d_same_even", "conv2d", F.conv2d, [r(2, 2, 6, 5), r(3, 2, 4, 2), r(3)], {"padding": "same"})
    conv("conv2d_valid", "conv2d", F.conv2d, [r(2, 2, 6, 5), r(3, 2, 3, 3)], {"padding": "valid"})
    conv("conv2d_unbatched", "conv2d", F.conv2d, [r(3, 6, 5), r(2, 3, 3, 3), r(2)], {"padding": 1})
    conv("conv2d_transposed_view", "conv2d", F.conv2d, [r(2, 3, 5, 7), r(4, 3, 3, 3), r(4)], {"padding": 1},
         views=["t", None, None])
    conv("conv2d_weight_view", "conv2d", F.conv2d, [r(2, 3, 6, 6), r(4, 3, 3, 2), r(4)], {}, views=[None, "t", None])
    conv("conv2d_strided_batch", "conv2d", F.conv2d, [r(4, 2, 5, 5), r(3, 2, 2, 2), r(3)], {}, views=["s", None, None])

    # conv3d
    conv("conv3d", "conv3d", F.conv3d, [r(2, 2, 4, 5, 4), r(3, 2, 2, 3, 2), r(3)], {"padding": 1, "stride": [1, 2, 1]})
    conv("conv3d_groups", "conv3d", F.conv3d, [r(1, 4, 4, 4, 3), r(4, 2, 3, 3, 3)], {"groups": 2, "padding": 1})

    # transposed convolutions
    conv("conv_transpose1d", "conv_transpose1d", F.conv_transpose1d, [r(2, 3, 5), r(3, 4, 3), r(4)],
         {"stride": 2, "padding": 1, "output_padding": 1})
    conv("conv_transpose1d_groups", "conv_transpose1d", F.conv_transpose1d, [r(2, 4, 5), r(4, 3, 3), r(6)],
         {"groups": 2, "dilation": 2})
    conv("conv_transpose2d", "conv_transpose2d", F.conv_transpose2d, [r(2, 3, 4, 5), r(3, 2, 3, 3), r(2)],
         {"stride": 2, "padding": 1, "output_padding": 1})
    conv("conv_transpose2d_plain", "conv_transpose2d", F.conv_transpose2d, [r(2, 3, 4, 4), r(3, 5, 2, 2)], {})
    conv("conv_transpose2d_args", "conv_transpose2d", F.conv_transpose2d, [r(1, 4, 3, 4), r(4, 3, 3, 2), r(6)],
         {"stride": [2, 3], "padding": [1, 0], "output_padding": [0, 2], "groups": 2, "dilation": [2, 1]})
    conv("conv_transpose2d_unbatched", "conv_transpose2d", F.conv_transpose2d, [r(2, 3, 3), r(2, 2, 3, 3), r(2)], {"stride": 2})
    conv("conv_transpose3d", "conv_transpose3d", F.conv_transpose3d, [r(1, 2, 3, 2, 3), r(2, 2, 2, 2, 2), r(2)],
         {"stride": 2, "output_padding": 1})

    # unfold / fold
    conv("unfold", "unfold", F.unfold, [r(2, 3, 5, 6)], {"kernel_size": [2, 3], "padding": 1, "stride": [2, 1], "dilation": [1, 2]})
    conv("unfold_unbatched", "unfold", F.unfold, [r(2, 4, 4)], {"kernel_size": 2})
    conv("fold", "fold", F.fold, [r(2, 12, 15)], {"output_size": [4, 5], "kernel_size": 2, "padding": 1, "stride": [1, 2]})
    conv("fold_unbatched", "fold", F.fold, [r(8, 9)], {"output_size": 4, "kernel_size": 2})

    # second derivatives: the runner backpropagates through the gradient (ConvolutionBackwardBackward0)
    def double_conv(which, **kw):
        def fn(x, w, b):
            y = F.conv2d(x, w, b, **kw)
            g = torch.autograd.grad((y * y).sum(), [x, w, b][which], create_graph=True)[0]
            return g
        return fn

    for which, name in ((0, "x"), (1, "w"), (2, "b")):
        f.op(f"double_conv2d_{name}/{n}", f"double_conv2d_{name}", [r(2, 2, 5, 5), r(3, 2, 3, 3), r(3)],
             double_conv(which, stride=2, padding=1), kwargs={"stride": 2, "padding": 1}, tol=tol)

    def double_convT(x, w):
        y = F.conv_transpose2d(x, w, stride=2, output_padding=1)
        return torch.autograd.grad((y * y).sum(), w, create_graph=True)[0]

    f.op(f"double_conv_transpose2d_w/{n}", "double_conv_transpose2d_w", [r(1, 2, 3, 3), r(2, 2, 3, 3)], double_convT,
         kwargs={"stride": 2, "output_padding": 1}, tol=tol)

# Integer convolutions (no gradients) and bfloat16.
ints = lambda *s, dtype=torch.int64: torch.randint(-3, 4, s, dtype=dtype)
f.op("conv2d/int64", "conv2d", [ints(2, 3, 5, 5), ints(4, 3, 3, 3), ints(4)], lambda x, w, b: F.conv2d(x, w, b, padding=1),
     kwargs={"padding": 1}, grad=False)
f.op("conv2d/int32", "conv2d", [ints(1, 2, 4, 4, dtype=torch.int32), ints(3, 2, 2, 2, dtype=torch.int32)],
     lambda x, w: F.conv2d(x, w, stride=2), kwargs={"stride": 2}, grad=False)
f.op("conv1d/uint8", "conv1d", [torch.randint(0, 4, (1, 2, 6), dtype=torch.uint8), torch.randint(0, 3, (2, 2, 2), dtype=torch.uint8)],
     lambda x, w: F.conv1d(x, w), kwargs={}, grad=False)
f.op("conv_transpose2d/int64", "conv_transpose2d", [ints(1, 2, 3, 3), ints(2, 3, 2, 2)],
     lambda x, w: F.conv_transpose2d(x, w, stride=2), kwargs={"stride": 2}, grad=False)
f.op("conv2d/bf16", "conv2d", [rand(2, 3, 6, 6, dtype=torch.bfloat16), rand(4, 3, 3, 3, dtype=torch.bfloat16),
                               rand(4, dtype=torch.bfloat16)],
     lambda x, w, b: F.conv2d(x, w, b, padding=1), kwargs={"padding": 1}, tol=0.05)
f.op("conv2d_depthwise/bf16", "conv2d", [rand(2, 3, 6, 6, dtype=torch.bfloat16), rand(3, 1, 3, 3, dtype=torch.bfloat16)],
     lambda x, w: F.conv2d(x, w, groups=3), kwargs={"groups": 3}, tol=0.05)

# Depthwise 3x3 planes wide enough for whole vectors (the kernel that blocks four output rows), with rows and columns
# left over, and a channel multiplier (whose input gradient adds up the outputs of each input channel).
for dt, n in ((torch.float32, "f32"), (torch.float64, "f64")):
    for id, xs, ws, kw in (("conv2d_depthwise_wide", (2, 3, 10, 37), (3, 1, 3, 3), {"groups": 3, "padding": 1}),
                           ("conv2d_depthwise_wide_mult", (1, 2, 9, 35), (4, 1, 3, 3), {"groups": 2, "padding": 1}),
                           ("conv2d_depthwise_wide_valid", (1, 2, 14, 34), (2, 1, 3, 3), {"groups": 2})):
        f.op(f"{id}/{n}", "conv2d", [rand(*xs, dtype=dt), rand(*ws, dtype=dt), rand(ws[0], dtype=dt)],
             lambda x, w, b, kw=kw: F.conv2d(x, w, b, **kw), kwargs=kw, tol=TOL32 if dt == torch.float32 else None)

f.save()
