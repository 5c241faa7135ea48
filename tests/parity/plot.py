"""Fixtures for Flint.Plot and Flint.Vision.Utils, written by torchvision 0.14 and matplotlib.

- plot/make_grid.{json,npz}: torchvision.utils.make_grid outputs and gradients (read by ParityRunner).
- plot/save_image.{json,npz}: the pixels torchvision.utils.save_image writes (the PNG decoded by PIL).
- plot/matplotlib.json: matplotlib's colormap entries, AutoLocator ticks with ScalarFormatter labels,
  autoscaled view limits and the place legend(loc='best') picks, for the scenarios' plots.

Run with Debian's torch: /usr/bin/python3 tests/parity/plot.py
"""
import io
import json
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from PIL import Image  # noqa: E402
from torchvision.utils import make_grid, save_image  # noqa: E402

from fixture import FIXTURES, Fixture, rand  # noqa: E402

OUT = os.path.join(FIXTURES, "plot")


def grid_cases():
    f = Fixture("plot/make_grid", seed=0)

    def case(id, x, grad=True, gradcheck=None, **kw):
        args = dict(kw)
        if "value_range" in args:
            args["value_range"] = tuple(args["value_range"])
        f.op(id, "make_grid", [x], lambda t: make_grid(t, **args), kwargs=kw, grad=grad, gradcheck=gradcheck)

    case("batch_default", rand(5, 3, 4, 5))
    case("batch_nrow2_pad1", rand(5, 3, 4, 5), nrow=2, padding=1)
    case("batch_pad_value", rand(3, 3, 2, 3), nrow=2, pad_value=0.5)
    case("batch_no_padding", rand(4, 3, 3, 3), nrow=3, padding=0)
    case("batch_full_rows", rand(4, 3, 2, 2), nrow=2, padding=3)
    case("gray_batch", rand(3, 1, 4, 4), nrow=2)
    case("rgba_batch", rand(3, 4, 2, 3), nrow=3)
    case("single_chw", rand(3, 4, 5))
    case("single_gray_chw", rand(1, 4, 5))
    case("single_hw", rand(4, 5))
    case("batch_of_one", rand(1, 3, 4, 4))
    case("normalize", rand(4, 3, 3, 3, low=-3.0, high=5.0), gradcheck=False, normalize=True)
    case("normalize_range", rand(4, 3, 3, 3, low=-3.0, high=3.0), normalize=True, value_range=[-1.0, 2.0])
    case("normalize_each", rand(3, 3, 3, 3, low=-4.0, high=4.0), gradcheck=False, normalize=True, scale_each=True)
    case("normalize_constant", torch.full((2, 3, 2, 2), 0.25), gradcheck=False, normalize=True)
    case("float64_batch", rand(5, 3, 3, 4, dtype=torch.float64), nrow=3, pad_value=1.0)
    case("float64_normalize", rand(3, 1, 3, 3, dtype=torch.float64), gradcheck=False, normalize=True, nrow=2)
    case("uint8_batch", torch.randint(0, 256, (5, 3, 3, 3), dtype=torch.uint8), grad=False, nrow=2, pad_value=255)
    case("int64_gray", torch.randint(-5, 5, (3, 1, 2, 2)), grad=False, pad_value=7)
    f.save()


def save_cases():
    f = Fixture("plot/save_image", seed=1)

    def case(id, x, **kw):
        def fn(t):
            args = dict(kw)
            if "value_range" in args:
                args["value_range"] = tuple(args["value_range"])
            buf = io.BytesIO()
            save_image(t, buf, format="png", **args)
            buf.seek(0)
            img = Image.open(buf)
            assert img.mode in ("RGB", "RGBA"), img.mode
            return torch.from_numpy(np.array(img))
        f.op(id, "save_image", [x], fn, kwargs=kw, grad=False)

    x = rand(5, 3, 6, 7, low=-0.1, high=1.1)
    x[0, 0, 0, 0] = 0.5 / 255  # rounds up to 1
    x[0, 0, 0, 1] = 1.5 / 255 - 1e-4
    case("batch", x, nrow=3)
    case("gray_single", rand(1, 8, 9, low=0.0, high=1.0))
    case("hw_single", rand(5, 6, low=0.0, high=1.0))
    case("rgba", rand(2, 4, 5, 5, low=0.0, high=1.0), padding=1)
    case("normalize", rand(4, 3, 5, 5, low=-2.0, high=2.0), normalize=True, nrow=2, pad_value=1.0)
    case("float64", rand(3, 3, 4, 4, dtype=torch.float64, low=0.0, high=1.0), padding=0)
    f.save()


def colormaps():
    xs = [0.0, 1e-9, 0.1, 0.25, 0.3, 0.5, 0.5 / 256, 1.0 / 256, 0.7, 0.9999, 1.0, -0.5, 1.5]
    out = {}
    for name in ["viridis", "viridis_r", "gray", "gray_r", "RdYlGn", "RdYlGn_r"]:
        cm = matplotlib.colormaps[name]
        out[name] = {"x": xs,
                     "bytes": [list(map(int, cm(x, bytes=True))) for x in xs],
                     "float": [list(map(float, cm(x))) for x in xs]}
    return out


def ticks():
    """AutoLocator ticks and ScalarFormatter labels on axes of several sizes and limits."""
    cases = []
    for figsize, grid, lims in [
        ((6.4, 4.8), 111, [(0, 1), (-5.5, 5.5), (-1.1, 1.1), (-0.2, 1.2), (-1, 5), (0.001, 0.0031), (3, 3.0001),
                           (-1234.5, 9876.0), (1e-3, 5e-2), (-4.5, 5.8), (2.0, 2.5), (100, 101)]),
        ((8, 6), 221, [(-0.2, 6), (-1.2, 1.2), (-5.5, 5.5), (0, 7.25), (-0.05, 0.05), (10, 250)]),
        ((3, 2), 111, [(0, 1), (-5.5, 5.5), (-0.2, 1.2), (0, 1000)]),
    ]:
        for lo, hi in lims:
            fig = plt.figure(figsize=figsize)
            ax = fig.add_subplot(grid)
            ax.set_xlim(lo, hi)
            ax.set_ylim(lo, hi)
            fig.canvas.draw()
            bbox = ax.get_window_extent().transformed(fig.dpi_scale_trans.inverted())
            for axis, length in ((ax.xaxis, bbox.width * 72), (ax.yaxis, bbox.height * 72)):
                shown = axis._update_ticks()
                cases.append({"vmin": lo, "vmax": hi, "length": length, "is_x": axis is ax.xaxis,
                              "ticks": [float(t.get_loc()) for t in shown],
                              "labels": [t.label1.get_text() for t in shown],
                              "offset": axis.get_major_formatter().get_offset()})
            plt.close(fig)
    return cases


def best_location(ax, leg):
    renderer = ax.figure.canvas.get_renderer()
    bbox = leg.get_window_extent(renderer)
    for name, code in leg.codes.items():
        if code == 0:
            continue
        x, y = leg._get_anchored_bbox(code, bbox, leg.get_bbox_to_anchor(), renderer)
        if abs(x - bbox.x0) < 0.5 and abs(y - bbox.y0) < 0.5:
            return name
    raise AssertionError("legend is at no location code")


def scenes():
    """The scenarios' plots: view limits after autoscaling and where 'best' legends went."""
    out = {}
    torch.manual_seed(0)
    x = torch.linspace(-5, 5, 200)
    fig = plt.figure(figsize=(8, 6))
    p8 = []
    for i, (fn, name, ylim) in enumerate([(torch.relu, "relu", (-1, 5)), (torch.sigmoid, "sigmoid", (-0.2, 1.2)),
                                         (torch.tanh, "tanh", (-1.2, 1.2)), (F.softplus, "softplus", (-0.2, 6))]):
        ax = plt.subplot(221 + i)
        plt.plot(x.numpy(), fn(x).numpy(), c="red", label=name)
        plt.ylim(ylim)
        leg = plt.legend(loc="best")
        fig.canvas.draw()
        p8.append({"name": name, "xlim": list(ax.get_xlim()), "ylim": list(ax.get_ylim()),
                   "legend": best_location(ax, leg)})
    plt.close(fig)
    out["p8"] = p8

    xs = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)
    ys = xs.pow(2) + 0.2 * torch.rand(xs.size())
    fig = plt.figure()
    plt.scatter(xs.numpy(), ys.numpy())
    ax = plt.gca()
    out["p2"] = {"x": xs.flatten().tolist(), "y": ys.flatten().tolist(),
                 "xlim": list(ax.get_xlim()), "ylim": list(ax.get_ylim())}
    plt.close(fig)

    img = np.zeros((6, 9, 3))
    fig = plt.figure()
    plt.imshow(img)
    plt.plot([0, 3], [1, 2])
    ax = plt.gca()
    out["imshow"] = {"h": 6, "w": 9, "line": [[0, 3], [1, 2]], "xlim": list(ax.get_xlim()), "ylim": list(ax.get_ylim())}
    plt.close(fig)
    return out


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    grid_cases()
    save_cases()
    with open(os.path.join(OUT, "matplotlib.json"), "w") as fh:
        json.dump({"matplotlib": matplotlib.__version__, "colormaps": colormaps(), "ticks": ticks(), "scenes": scenes()},
                  fh, indent=1, ensure_ascii=False)
    print("plot/matplotlib.json written")
