"""torchvision 0.14 transform fixtures on fixed images: each case stores the input image (as a PNG written here),
the deterministic call with its parameters, and torchvision's output on the PIL image and on the uint8 / float
tensor. Run with Debian's torch: /usr/bin/python3 tests/parity/transforms.py
-> tests/fixtures/transforms/cases.json, cases.npz, rgb.png, grey.png
"""
import json
import os

import numpy as np
import torch
from PIL import Image
import torchvision.transforms as T
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode as IM

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "transforms")
os.makedirs(OUT, exist_ok=True)
rng = np.random.RandomState(0)
# A smooth gradient plus noise, so that resampling differences show.
yy, xx = np.mgrid[0:37, 0:45]
rgb = np.stack([(xx * 5) % 256, (yy * 7) % 256, (xx * yy) % 256], -1).astype(np.int64) + rng.randint(0, 40, (37, 45, 3))
rgb = np.clip(rgb, 0, 255).astype(np.uint8)
Image.fromarray(rgb, "RGB").save(os.path.join(OUT, "rgb.png"))
grey = np.clip((xx * 3 + yy * 2) % 256 + rng.randint(0, 30, (37, 45)), 0, 255).astype(np.uint8)
Image.fromarray(grey, "L").save(os.path.join(OUT, "grey.png"))
images = {"rgb": Image.open(os.path.join(OUT, "rgb.png")).convert("RGB"), "grey": Image.open(os.path.join(OUT, "grey.png"))}

cases, arrays = [], {}


def store(key, x):
    if isinstance(x, Image.Image):
        arr = np.asarray(x)
        if arr.ndim == 2:
            arr = arr[None]
        else:
            arr = arr.transpose(2, 0, 1)
        x = torch.from_numpy(np.ascontiguousarray(arr))
    arrays[key] = x.contiguous().numpy()
    return {"key": key, "dtype": str(x.dtype).replace("torch.", ""), "shape": list(x.shape)}


def case(id, op, args, fn, image="rgb", pil=True, tensor=True, float_tensor=False):
    img = images[image]
    c = {"id": id, "op": op, "args": args, "image": image}
    if pil:
        c["pil"] = store(id + ".pil", fn(img))
    t = F.pil_to_tensor(img)
    if tensor:
        c["tensor"] = store(id + ".tensor", fn(t))
    if float_tensor:
        c["float"] = store(id + ".float", fn(t.float() / 255))
    cases.append(c)


for name in ["rgb", "grey"]:
    case(f"to_tensor_{name}", "to_tensor", {}, lambda i: F.to_tensor(i), name, tensor=False)
    case(f"grayscale1_{name}", "grayscale", {"n": 1}, lambda i: F.rgb_to_grayscale(i, 1), name, tensor=(name == "rgb"))
case("grayscale3", "grayscale", {"n": 3}, lambda i: F.rgb_to_grayscale(i, 3))
case("hflip", "hflip", {}, F.hflip, float_tensor=True)
case("vflip", "vflip", {}, F.vflip)
for (t, l, h, w) in [(3, 5, 20, 17), (-4, 30, 12, 20)]:
    case(f"crop_{t}_{l}_{h}_{w}", "crop", {"top": t, "left": l, "height": h, "width": w}, lambda i: F.crop(i, t, l, h, w))
for (h, w) in [(20, 21), (50, 40), (36, 44)]:
    case(f"center_crop_{h}_{w}", "center_crop", {"height": h, "width": w}, lambda i: F.center_crop(i, [h, w]))
for pad, mode in [([3], "constant"), ([2, 5], "edge"), ([1, 2, 3, 4], "reflect"), ([4, 1, 0, 2], "symmetric"), ([-2, 3, 1, -1], "constant")]:
    case(f"pad_{mode}_{len(pad)}", "pad", {"padding": pad, "mode": mode, "fill": 7}, lambda i: F.pad(i, pad, 7, mode))
case("five_crop", "five_crop", {"height": 10, "width": 12}, lambda i: torch.stack([F.pil_to_tensor(c) if isinstance(c, Image.Image) else c for c in F.five_crop(i, [10, 12])]))
for size, interp in [([20, 30], IM.BILINEAR), ([24], IM.BILINEAR), ([70, 90], IM.BILINEAR), ([11, 13], IM.NEAREST), ([74, 50], IM.NEAREST), ([15, 19], IM.BICUBIC)]:
    tag = f"resize_{interp.value}_{'x'.join(map(str, size))}"
    tens = interp != IM.BICUBIC
    case(tag, "resize", {"size": size, "interpolation": interp.value}, lambda i: F.resize(i, size, interp), tensor=tens, float_tensor=tens)
    if interp == IM.BILINEAR:
        case(tag + "_aa", "resize_aa", {"size": size, "interpolation": interp.value}, lambda i: F.resize(i, size, interp, antialias=True), pil=False)
case("resize_grey", "resize", {"size": [16, 20], "interpolation": "bilinear"}, lambda i: F.resize(i, [16, 20]), "grey")
for angle, interp, expand in [(30.0, IM.NEAREST, False), (-17.5, IM.BILINEAR, False), (90.0, IM.NEAREST, False), (45.0, IM.NEAREST, True), (180.0, IM.NEAREST, False)]:
    case(f"rotate_{angle}_{interp.value}_{int(expand)}", "rotate", {"angle": angle, "interpolation": interp.value, "expand": expand},
         lambda i: F.rotate(i, angle, interp, expand, fill=[0.0] * (3 if isinstance(i, torch.Tensor) else 1) if isinstance(i, torch.Tensor) else 0))
for angle, tr, sc, sh, interp in [(10.0, [2, -3], 1.1, [5.0, 0.0], IM.NEAREST), (-25.0, [0, 4], 0.8, [0.0, 10.0], IM.BILINEAR)]:
    case(f"affine_{angle}_{interp.value}", "affine", {"angle": angle, "translate": tr, "scale": sc, "shear": sh, "interpolation": interp.value},
         lambda i: F.affine(i, angle, tr, sc, sh, interp, fill=[0.0] * 3 if isinstance(i, torch.Tensor) else 0))
for fn, fac in [("brightness", 1.4), ("brightness", 0.6), ("contrast", 1.5), ("contrast", 0.5), ("saturation", 1.7), ("saturation", 0.3), ("hue", 0.2), ("hue", -0.35)]:
    f = getattr(F, "adjust_" + fn)
    case(f"adjust_{fn}_{fac}", "adjust_" + fn, {"factor": fac}, lambda i: f(i, fac), float_tensor=True)
case("gaussian_blur", "gaussian_blur", {"kx": 5, "ky": 3, "sx": 1.3, "sy": 0.7}, lambda i: F.gaussian_blur(i, [5, 3], [1.3, 0.7]), float_tensor=True)
case("normalize", "normalize", {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
     lambda i: F.normalize(F.to_tensor(i), [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]), tensor=False)
case("convert_float_to_uint8", "convert_dtype", {}, lambda i: F.convert_image_dtype(F.to_tensor(i), torch.uint8), tensor=False)
case("to_pil_float", "to_pil", {}, lambda i: F.pil_to_tensor(F.to_pil_image(F.to_tensor(i) * 0.7)), tensor=False)
case("erase", "erase", {"i": 3, "j": 4, "h": 10, "w": 6, "v": 0.5}, lambda i: F.erase(i, 3, 4, 10, 6, torch.tensor(0.5)), pil=False, float_tensor=True)

# Random parameters drawn from the global generator after torch.manual_seed, in torchvision's order.
params = []
torch.manual_seed(3)
params.append({"id": "rrc", "value": list(T.RandomResizedCrop.get_params(images["rgb"], (0.08, 1.0), (3 / 4, 4 / 3)))})
torch.manual_seed(4)
params.append({"id": "random_crop", "value": list(T.RandomCrop.get_params(images["rgb"], (20, 30)))})
torch.manual_seed(5)
a, t, s, sh = T.RandomAffine.get_params((-30.0, 30.0), (0.1, 0.2), (0.8, 1.2), [-5.0, 5.0, -3.0, 3.0], [45, 37])
params.append({"id": "affine", "value": [a, t[0], t[1], s, sh[0], sh[1]]})
torch.manual_seed(6)
order, b, c, sat, h = T.ColorJitter.get_params((0.6, 1.4), (0.7, 1.3), (0.5, 1.5), (-0.1, 0.1))
params.append({"id": "jitter", "value": [int(v) for v in order] + [b, c, sat, h]})
torch.manual_seed(7)
flips = [bool(torch.rand(1) < 0.5) for _ in range(8)]
params.append({"id": "flips", "value": flips})
torch.manual_seed(8)
params.append({"id": "rotation", "value": [T.RandomRotation.get_params([-40.0, 25.0])]})
torch.manual_seed(9)
er = T.RandomErasing.get_params(torch.zeros(3, 37, 45), (0.02, 0.33), (0.3, 3.3), [0.0])
params.append({"id": "erasing", "value": list(er[:4])})

np.savez_compressed(os.path.join(OUT, "cases.npz"), **arrays)
with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump({"torchvision": "0.14", "cases": cases, "params": params}, f, indent=1)
print(len(cases), "cases,", len(params), "parameter draws ->", OUT)
