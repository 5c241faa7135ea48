"""Parity fixtures for the convolution, pooling, padding and resampling layers: each case builds the layer after
torch.manual_seed(seed) (so its default initialisation is compared), records its repr, its output for an input, and
the gradients of the input, weight and bias.
"""
import torch
import torch.nn as nn

from fixture import Fixture, rand

f = Fixture("nn_conv_layers")


def layer(id, ctor, args, kwargs, input_shape, dtype=torch.float32, seed=0, forward_kwargs=None, extra_inputs=None):
    """Outputs: the layer's output, then its parameters (so default initialisation is compared)."""
    tup = lambda v: tuple(v) if isinstance(v, list) else v
    targs = [tup(a) for a in args]
    tkw = {k: tup(v) for k, v in kwargs.items()}
    torch.manual_seed(seed)
    m = getattr(nn, ctor)(*targs, **tkw)
    if dtype != torch.float32:
        torch.manual_seed(seed)
        m = getattr(nn, ctor)(*targs, **tkw, dtype=dtype)
    params = [p for _, p in m.named_parameters()]
    fk = forward_kwargs or {}

    def run(x, *rest):
        y = m(x, *rest, **fk)
        y = y[0] if isinstance(y, tuple) else y
        return (y, *params)

    inputs = [rand(*input_shape, dtype=dtype)] + (extra_inputs or [])
    spec = {"ctor": ctor, "args": list(args), "kwargs": kwargs, "seed": seed, "repr": repr(m),
            "dtype": "float64" if dtype == torch.float64 else "float32", "forward": fk}
    f.op(id, ctor, inputs, run, kwargs=spec, tol=2e-5 if dtype == torch.float32 else None)


layer("conv2d_lenet", "Conv2d", [1, 6, 5], {}, [2, 1, 12, 12])
layer("conv2d_lenet2", "Conv2d", [6, 16, 5], {}, [1, 6, 9, 9], seed=1)
layer("conv1d_reflect", "Conv1d", [3, 4, 3], {"stride": 2, "padding": 1, "padding_mode": "reflect"}, [2, 3, 7])
layer("conv2d_same_circular", "Conv2d", [3, 4, [3, 2]], {"padding": "same", "padding_mode": "circular", "bias": False}, [2, 3, 5, 6])
layer("conv2d_depthwise_replicate", "Conv2d", [4, 4, 3], {"groups": 4, "padding": 1, "padding_mode": "replicate"}, [2, 4, 5, 5])
layer("conv2d_args", "Conv2d", [4, 6, [3, 2]], {"stride": [2, 1], "padding": [1, 0], "dilation": [1, 2], "groups": 2}, [1, 4, 7, 8])
layer("conv2d_valid_f64", "Conv2d", [2, 3, 3], {"padding": "valid"}, [2, 2, 5, 4], dtype=torch.float64, seed=3)
layer("conv3d", "Conv3d", [2, 3, 2], {"stride": [1, 2, 1]}, [1, 2, 3, 4, 3])
layer("conv_transpose1d", "ConvTranspose1d", [3, 2, 3], {"stride": 2, "output_padding": 1}, [2, 3, 4])
layer("conv_transpose2d", "ConvTranspose2d", [4, 2, 3], {"stride": 2, "padding": 1, "groups": 2}, [1, 4, 3, 4],
      forward_kwargs={"output_size": [6, 8]})
layer("conv_transpose2d_nobias", "ConvTranspose2d", [2, 3, [2, 3]], {"dilation": 2, "bias": False}, [2, 2, 3, 3])
layer("conv_transpose3d", "ConvTranspose3d", [2, 2, 2], {"stride": 2}, [1, 2, 2, 2, 2])
layer("max_pool2d", "MaxPool2d", [3], {"stride": 2, "padding": 1, "ceil_mode": True}, [2, 2, 6, 7])
layer("max_pool2d_indices", "MaxPool2d", [2], {"return_indices": True}, [1, 2, 4, 4])
layer("max_pool1d", "MaxPool1d", [3], {"stride": 1, "dilation": 2}, [2, 3, 8])
layer("avg_pool1d", "AvgPool1d", [3], {"stride": 2, "padding": 1, "count_include_pad": False}, [2, 3, 8])
layer("avg_pool2d", "AvgPool2d", [[2, 3]], {"stride": 1, "padding": 1, "divisor_override": 4}, [1, 2, 4, 5])
layer("adaptive_avg_pool2d", "AdaptiveAvgPool2d", [[2, 3]], {}, [2, 2, 5, 7])
layer("adaptive_avg_pool1d", "AdaptiveAvgPool1d", [3], {}, [2, 2, 7])
layer("adaptive_max_pool2d", "AdaptiveMaxPool2d", [3], {}, [2, 2, 5, 7])
layer("adaptive_max_pool1d", "AdaptiveMaxPool1d", [4], {"return_indices": True}, [2, 2, 9])
y, idx = nn.functional.max_pool2d(rand(1, 2, 4, 6), 2, return_indices=True)
layer("max_unpool2d", "MaxUnpool2d", [2], {}, [1, 2, 2, 3], extra_inputs=[idx])
layer("zero_pad2d", "ZeroPad2d", [[1, 2, 0, 1]], {}, [2, 3, 3])
layer("constant_pad1d", "ConstantPad1d", [2, 3.5], {}, [2, 3, 4])
layer("constant_pad3d", "ConstantPad3d", [1, 2], {}, [1, 1, 2, 2, 2])
layer("reflection_pad1d", "ReflectionPad1d", [[2, 1]], {}, [2, 3, 4])
layer("reflection_pad2d", "ReflectionPad2d", [1], {}, [1, 2, 3, 4])
layer("reflection_pad3d", "ReflectionPad3d", [1], {}, [1, 1, 2, 3, 2])
layer("replication_pad1d", "ReplicationPad1d", [[1, 3]], {}, [2, 3, 4])
layer("replication_pad2d", "ReplicationPad2d", [[1, 0, 2, 1]], {}, [1, 2, 3, 3])
layer("replication_pad3d", "ReplicationPad3d", [1], {}, [1, 1, 2, 2, 3])
layer("upsample_bilinear", "Upsample", [], {"scale_factor": 2, "mode": "bilinear"}, [1, 2, 3, 4])
layer("upsample_size", "Upsample", [], {"size": [5, 3]}, [1, 2, 3, 4])
layer("upsample_third", "Upsample", [], {"scale_factor": 1 / 3, "mode": "nearest"}, [1, 2, 7])
layer("upsample_tuple", "Upsample", [], {"scale_factor": [2, 1.5], "mode": "bilinear", "align_corners": True}, [1, 1, 3, 4])
layer("upsampling_nearest2d", "UpsamplingNearest2d", [], {"size": [5, 7]}, [1, 2, 3, 4])
layer("upsampling_bilinear2d", "UpsamplingBilinear2d", [], {"scale_factor": 2}, [1, 2, 3, 4])
layer("pixel_shuffle", "PixelShuffle", [2], {}, [1, 8, 2, 3])
layer("pixel_unshuffle", "PixelUnshuffle", [2], {}, [1, 2, 4, 6])
layer("unfold", "Unfold", [2], {"padding": 1}, [1, 2, 3, 4])
layer("unfold_args", "Unfold", [[2, 3]], {"dilation": 2, "padding": 1, "stride": [1, 2]}, [1, 2, 5, 6])
layer("fold", "Fold", [[4, 5], 2], {}, [1, 8, 12])

f.save()
