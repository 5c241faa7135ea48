"""Parity fixtures for padding and resampling: F.pad (constant with negative amounts on any number of dims, reflect,
replicate and circular on 1-3 dims), F.interpolate (nearest, nearest-exact, linear, bilinear with and without
align_corners, trilinear, area; size or scale_factor, recompute_scale_factor), F.pixel_shuffle/pixel_unshuffle,
second derivatives, uint8 and bfloat16 inputs.
"""
import torch
import torch.nn.functional as F

from fixture import Fixture, rand

f = Fixture("nn_resample")

for dt in (torch.float32, torch.float64):
    n = "f32" if dt == torch.float32 else "f64"

    def r(*shape):
        return rand(*shape, dtype=dt)

    def case(id, op, fn, inputs, kwargs, views=None):
        f.op(f"{id}/{n}", op, inputs, lambda *a: fn(*a, **kwargs), kwargs=kwargs, views=views)

    case("pad_constant", "pad", F.pad, [r(2, 3, 4)], {"pad": [1, 2]})
    case("pad_constant_value", "pad", F.pad, [r(2, 3, 4)], {"pad": [1, 0, 2, 1], "value": 1.5})
    case("pad_constant_negative", "pad", F.pad, [r(2, 3, 5, 4)], {"pad": [-1, 2, 1, -2]})
    case("pad_constant_crop", "pad", F.pad, [r(2, 3, 5, 4)], {"pad": [-1, -1, 0, -2]})
    case("pad_constant_4dims", "pad", F.pad, [r(2, 3, 2, 2)], {"pad": [1, 0, 0, 1, 1, 1, 0, 1]})
    case("pad_constant_view", "pad", F.pad, [r(2, 3, 4)], {"pad": [1, 1, 1, 1]}, views=["t"])
    for mode in ("reflect", "replicate", "circular"):
        case(f"pad_{mode}_1d", "pad", F.pad, [r(2, 3, 5)], {"pad": [2, 1], "mode": mode})
        if mode != "circular":
            case(f"pad_{mode}_1d_unbatched", "pad", F.pad, [r(3, 5)], {"pad": [1, 3], "mode": mode})
            case(f"pad_{mode}_2d_unbatched", "pad", F.pad, [r(2, 4, 3)], {"pad": [2, 2, 1, 1], "mode": mode})
        case(f"pad_{mode}_2d", "pad", F.pad, [r(2, 2, 4, 5)], {"pad": [1, 2, 3, 0], "mode": mode})
        case(f"pad_{mode}_3d", "pad", F.pad, [r(1, 2, 3, 4, 3)], {"pad": [1, 1, 2, 0, 1, 2], "mode": mode})
        case(f"pad_{mode}_2d_negative", "pad", F.pad, [r(1, 2, 4, 5)], {"pad": [-1, 2, 1, -1], "mode": mode})
    case("pad_reflect_2d_view", "pad", F.pad, [r(2, 2, 5, 4)], {"pad": [1, 2, 2, 1], "mode": "reflect"}, views=["t"])

    case("nearest_1d", "interpolate", F.interpolate, [r(2, 3, 5)], {"scale_factor": 2})
    case("nearest_1d_size", "interpolate", F.interpolate, [r(2, 3, 5)], {"size": 7})
    case("nearest_2d", "interpolate", F.interpolate, [r(2, 2, 3, 4)], {"scale_factor": 2})
    case("nearest_2d_size", "interpolate", F.interpolate, [r(2, 2, 5, 4)], {"size": [3, 7]})
    case("nearest_2d_scale", "interpolate", F.interpolate, [r(1, 2, 5, 4)], {"scale_factor": [1.7, 0.5]})
    case("nearest_2d_recompute", "interpolate", F.interpolate, [r(1, 2, 5, 4)], {"scale_factor": 1.7, "recompute_scale_factor": True})
    case("nearest_3d", "interpolate", F.interpolate, [r(1, 2, 2, 3, 2)], {"scale_factor": [2, 1, 3]})
    case("nearest_exact_2d", "interpolate", F.interpolate, [r(1, 2, 5, 4)], {"size": [7, 3], "mode": "nearest-exact"})
    case("nearest_exact_1d", "interpolate", F.interpolate, [r(1, 2, 5)], {"scale_factor": 1.5, "mode": "nearest-exact"})
    case("linear", "interpolate", F.interpolate, [r(2, 3, 5)], {"scale_factor": 2, "mode": "linear"})
    case("linear_align", "interpolate", F.interpolate, [r(2, 3, 5)], {"size": 8, "mode": "linear", "align_corners": True})
    case("bilinear", "interpolate", F.interpolate, [r(2, 2, 4, 5)], {"scale_factor": 2, "mode": "bilinear"})
    case("bilinear_size", "interpolate", F.interpolate, [r(2, 2, 4, 5)], {"size": [7, 3], "mode": "bilinear"})
    case("bilinear_align", "interpolate", F.interpolate, [r(2, 2, 4, 5)], {"size": [7, 9], "mode": "bilinear", "align_corners": True})
    case("bilinear_scale", "interpolate", F.interpolate, [r(1, 2, 5, 6)], {"scale_factor": [1.5, 0.6], "mode": "bilinear"})
    case("bilinear_align_down", "interpolate", F.interpolate, [r(1, 2, 6, 6)],
         {"scale_factor": 0.5, "mode": "bilinear", "align_corners": True})
    case("bilinear_view", "interpolate", F.interpolate, [r(1, 2, 4, 3)], {"scale_factor": 2, "mode": "bilinear"}, views=["t"])
    case("trilinear", "interpolate", F.interpolate, [r(1, 2, 2, 3, 2)], {"scale_factor": 2, "mode": "trilinear"})
    case("trilinear_align", "interpolate", F.interpolate, [r(1, 1, 3, 2, 3)], {"size": [4, 3, 2], "mode": "trilinear", "align_corners": True})
    case("area_2d", "interpolate", F.interpolate, [r(1, 2, 6, 5)], {"size": [3, 2], "mode": "area"})
    case("area_1d_scale", "interpolate", F.interpolate, [r(1, 2, 9)], {"scale_factor": 0.5, "mode": "area"})

    case("pixel_shuffle", "pixel_shuffle", F.pixel_shuffle, [r(2, 8, 3, 2)], {"upscale_factor": 2})
    case("pixel_shuffle_batch", "pixel_shuffle", F.pixel_shuffle, [r(2, 1, 9, 2, 2)], {"upscale_factor": 3})
    case("pixel_unshuffle", "pixel_unshuffle", F.pixel_unshuffle, [r(2, 2, 4, 6)], {"downscale_factor": 2})
    case("pixel_unshuffle_unbatched", "pixel_unshuffle", F.pixel_unshuffle, [r(1, 6, 3)], {"downscale_factor": 3})

    def double(fn, **kw):
        def g(x):
            y = fn(x, **kw)
            return torch.autograd.grad((y * y).sum(), x, create_graph=True)[0]
        return g

    f.op(f"double_pad_reflect/{n}", "double_pad", [r(1, 2, 4, 4)], double(F.pad, pad=[1, 2, 2, 1], mode="reflect"),
         kwargs={"pad": [1, 2, 2, 1], "mode": "reflect"})
    f.op(f"double_pad_constant/{n}", "double_pad", [r(1, 2, 4, 4)], double(F.pad, pad=[1, -1, 2, 1]),
         kwargs={"pad": [1, -1, 2, 1]})
    f.op(f"double_bilinear/{n}", "double_interpolate", [r(1, 2, 3, 4)],
         double(F.interpolate, scale_factor=2, mode="bilinear"), kwargs={"scale_factor": 2, "mode": "bilinear"})
    f.op(f"double_nearest/{n}", "double_interpolate", [r(1, 2, 3, 4)],
         double(F.interpolate, size=[5, 7]), kwargs={"size": [5, 7]})
    f.op(f"double_pixel_shuffle/{n}", "double_pixel_shuffle", [r(1, 4, 2, 3)],
         double(F.pixel_shuffle, upscale_factor=2), kwargs={"upscale_factor": 2})

f.op("nearest_2d/uint8", "interpolate", [torch.randint(0, 255, (1, 2, 3, 4), dtype=torch.uint8)],
     lambda x: F.interpolate(x, scale_factor=[1.5, 2]), kwargs={"scale_factor": [1.5, 2]}, grad=False)
f.op("bilinear/bf16", "interpolate", [rand(1, 2, 3, 4, dtype=torch.bfloat16)],
     lambda x: F.interpolate(x, size=[5, 7], mode="bilinear"), kwargs={"size": [5, 7], "mode": "bilinear"}, tol=0.02)
f.op("pad_constant/int64", "pad", [torch.randint(-5, 5, (2, 3))], lambda x: F.pad(x, [1, 2], value=7.9),
     kwargs={"pad": [1, 2], "value": 7.9}, grad=False)
f.op("pad_circular/int64", "pad", [torch.randint(-5, 5, (1, 2, 3))], lambda x: F.pad(x, [2, 1], mode="circular"),
     kwargs={"pad": [2, 1], "mode": "circular"}, grad=False)
f.op("pixel_shuffle/bool", "pixel_shuffle", [torch.rand(1, 4, 2, 2) > 0.5], lambda x: F.pixel_shuffle(x, 2),
     kwargs={"upscale_factor": 2}, grad=False)

f.save()
