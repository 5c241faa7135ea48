"""Parity fixtures for Flint.Board: event files written by PyTorch's own torch.utils.tensorboard.SummaryWriter.

Writes tests/fixtures/board/inputs.{json,npz} (the data each case logs) and, per case, the log directory that
PyTorch wrote under tests/fixtures/board/torch/<case>/ (event files renamed to events.out.tfevents.torch so the
fixtures stay stable). BoardParityTests replays every case through Flint's SummaryWriter and compares the
decoded protos field by field (wall times aside), the projector files byte for byte and images pixel for pixel.

Needs the `tensorboard` package beside Debian's torch. Debian has none; it can be built from TensorBoard's
source: copy the `tensorboard/` folder of github.com/tensorflow/tensorboard somewhere, run
`protoc --python_out=. $(find tensorboard -name '*.proto')` there (Debian's protobuf-compiler and
python3-protobuf, python3-six, python3-absl), then:
    PYTHONPATH=<that folder> /usr/bin/python3 tests/parity/board.py
"""
import json
import os
import shutil

import numpy as np
import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter
from torch.utils.tensorboard import summary as _summary


class _NumpyShim:
    """PyTorch 1.13's make_histogram calls np.greater(counts, 0, dtype=np.int32), which numpy 1.24 refuses
    ("No loop matching the specified signature"); PyTorch 2.x calls np.greater(counts, 0) instead. This shim
    gives summary.py that later behaviour (the same counts) and leaves the rest of numpy as it is."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def greater(a, b, dtype=None):
        r = np.greater(a, b)
        return r if dtype is None else r.astype(dtype)


_summary.np = _NumpyShim()

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "board")
OUT = os.path.join(ROOT, "torch")
rng = np.random.default_rng(0)
arrays = {}
cases = {}


def spec(key, a):
    """Stores a numpy array under key; returns the {key, dtype, shape} spec FixtureSet reads."""
    a = np.ascontiguousarray(a)
    arrays[key] = a
    return {"key": key, "dtype": {"float32": "float32", "float64": "float64", "int64": "int64",
                                  "uint8": "uint8", "bool": "bool", "int32": "int32"}[str(a.dtype)],
            "shape": list(a.shape)}


def writer(case, **kwargs):
    return SummaryWriter(os.path.join(OUT, case), **kwargs)


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def scalars():
    w = writer("scalars")
    loss = spec("scalars/loss", rng.standard_normal(6).astype(np.float32))
    for i, v in enumerate(arrays["scalars/loss"]):
        w.add_scalar("Loss/train", float(v), i)
    w.add_scalar("Accuracy/test", 0.1, 7)                      # a double rounded to float32
    w.add_scalar("Accuracy/test", t(np.array([0.75], np.float32)), 8)  # a one-element tensor
    w.add_scalar("int", 3)                                     # no step
    w.add_scalar("new_style", 1.0 / 3.0, 2, new_style=True)
    w.add_scalar("new_style_double", 1.0 / 3.0, 2, new_style=True, double_precision=True)
    w.close()
    cases["scalars"] = {"loss": loss}


def scalars_multi():
    w = writer("scalars_multi")
    values = [[float(i * np.sin(i / 5.0)), float(i * np.cos(i / 5.0))] for i in range(3)]
    for i, (s, c) in enumerate(values):
        w.add_scalars("run/14h", {"xsinx": s, "xcosx": c}, i)
    w.add_scalar("plain", 2.5, 1)
    w.close()
    cases["scalars_multi"] = {"values": values}


def histograms():
    w = writer("histograms")
    normal = spec("hist/normal", rng.standard_normal(1000).astype(np.float32))
    ints = spec("hist/ints", rng.integers(-5, 20, size=(7, 9)).astype(np.int64))
    wide = spec("hist/wide", (rng.standard_normal(300) * 1e6).astype(np.float64))
    same = spec("hist/same", np.full(10, 2.5, np.float32))
    zero = spec("hist/zero", np.zeros(4, np.float32))
    w.add_histogram("normal", t(arrays["hist/normal"]), 0)
    w.add_histogram("ints", t(arrays["hist/ints"]), 1)
    w.add_histogram("wide", t(arrays["hist/wide"]), 2)
    w.add_histogram("same", t(arrays["hist/same"]), 3)
    w.add_histogram("zero", t(arrays["hist/zero"]), 4)
    w.add_histogram("bins10", t(arrays["hist/normal"]), 5, bins=10)
    w.add_histogram("bins_same", t(arrays["hist/same"]), 6, bins=4)
    w.add_histogram("edges", t(arrays["hist/normal"]), 7, bins=[-1.0, -0.5, 0.0, 0.25, 3.0])
    w.add_histogram("max_bins", t(arrays["hist/normal"]), 8, bins=25, max_bins=4)
    w.add_histogram("tf_max_bins", t(arrays["hist/normal"]), 9, max_bins=30)
    w.add_histogram_raw("raw", min=-1.0, max=3.0, num=6, sum=5.0, sum_squares=13.0,
                        bucket_limits=[0.0, 1.0, 3.0], bucket_counts=[1, 2, 3], global_step=10)
    w.close()
    cases["histograms"] = {"normal": normal, "ints": ints, "wide": wide, "same": same, "zero": zero}


def images():
    w = writer("images")
    chw = spec("img/chw", rng.random((3, 8, 10)).astype(np.float32))
    hwc = spec("img/hwc_u8", rng.integers(0, 256, size=(6, 5, 3)).astype(np.uint8))
    hw = spec("img/hw", rng.random((4, 7)).astype(np.float64))
    gray = spec("img/gray", rng.random((1, 5, 5)).astype(np.float32))
    rgba = spec("img/rgba", rng.random((4, 3, 3)).astype(np.float32))
    wild = spec("img/wild", (rng.standard_normal((3, 4, 4)) * 2).astype(np.float32))
    batch = spec("img/batch", rng.random((5, 3, 4, 6)).astype(np.float32))
    batch1 = spec("img/batch1", rng.random((10, 1, 3, 3)).astype(np.float32))
    nhwc = spec("img/nhwc", rng.integers(0, 256, size=(2, 4, 4, 3)).astype(np.uint8))
    w.add_image("chw", t(arrays["img/chw"]), 0)
    w.add_image("hwc_u8", t(arrays["img/hwc_u8"]), 1, dataformats="HWC")
    w.add_image("hw", t(arrays["img/hw"]), 2, dataformats="HW")
    w.add_image("gray", t(arrays["img/gray"]), 3)
    w.add_image("rgba", t(arrays["img/rgba"]), 4)
    w.add_image("wild", t(arrays["img/wild"]), 5)
    w.add_images("batch", t(arrays["img/batch"]), 6)
    w.add_images("batch1", t(arrays["img/batch1"]), 7)
    w.add_images("nhwc", t(arrays["img/nhwc"]), 8, dataformats="NHWC")
    w.close()
    cases["images"] = {"chw": chw, "hwc_u8": hwc, "hw": hw, "gray": gray, "rgba": rgba, "wild": wild,
                       "batch": batch, "batch1": batch1, "nhwc": nhwc}


def text():
    w = writer("text")
    w.add_text("note", "hello **world**", 0)
    w.add_text("unicode", "Grüße, 世界\nline two", 3)
    w.close()
    cases["text"] = {}


def pr_curves():
    w = writer("pr_curves")
    labels = spec("pr/labels", rng.integers(0, 2, size=50).astype(np.int64))
    preds = spec("pr/preds", rng.random(50).astype(np.float32))
    weights = spec("pr/weights", rng.random(50).astype(np.float64))
    preds64 = spec("pr/preds64", np.concatenate([rng.random(18), [0.0, 1.0]]).astype(np.float64))
    labels_b = spec("pr/labels_b", rng.integers(0, 2, size=20).astype(np.bool_))
    w.add_pr_curve("pr", t(arrays["pr/labels"]), t(arrays["pr/preds"]), 0)
    w.add_pr_curve("pr10", t(arrays["pr/labels"]), t(arrays["pr/preds"]), 1, num_thresholds=10)
    w.add_pr_curve("pr_weighted", t(arrays["pr/labels"]), t(arrays["pr/preds"]), 2, num_thresholds=20,
                   weights=arrays["pr/weights"])
    w.add_pr_curve("pr_bool", t(arrays["pr/labels_b"]), t(arrays["pr/preds64"]), 3, num_thresholds=500)
    w.add_pr_curve_raw("raw", [5, 3, 1], [4, 2, 0], [0, 2, 4], [0, 2, 4], [0.55, 0.6, 1.0], [1.0, 0.6, 0.2],
                       4, num_thresholds=3)
    w.close()
    cases["pr_curves"] = {"labels": labels, "preds": preds, "weights": weights, "preds64": preds64,
                          "labels_b": labels_b}


def hparams():
    w = writer("hparams")
    w.add_hparams({"lr": 0.1, "bsize": 4, "optimizer": "adam", "nesterov": True, "skip": None,
                   "t": torch.tensor([0.5, 2.0])},
                  {"hparam/accuracy": 0.875, "hparam/loss": 2}, run_name="run0")
    w.add_hparams({"lr": 0.01, "opt": "sgd", "depth": 3},
                  {"hparam/accuracy": 0.5},
                  hparam_domain_discrete={"opt": ["sgd", "adam"], "depth": [2, 3, True]}, run_name="run1")
    w.close()
    cases["hparams"] = {}


def embeddings():
    w = writer("embedding")
    mat = spec("emb/mat", rng.standard_normal((6, 3)).astype(np.float32))
    imgs = spec("emb/imgs", rng.random((6, 1, 3, 5)).astype(np.float32))
    mat64 = spec("emb/mat64", np.array([[1e-5, 1.5e16, -0.0], [123.25, 1e16, 0.1], [3.0, -2.5e-7, 12345.678]]))
    imgs3 = spec("emb/imgs3", rng.random((3, 3, 2, 2)).astype(np.float64))
    mat_i = spec("emb/mat_int", rng.integers(-9, 9, size=(4, 2)).astype(np.int64))
    labels = ["cat", "dog", "cat", "bird", "dog", "fish"]
    w.add_embedding(t(arrays["emb/mat"]), metadata=labels, label_img=t(arrays["emb/imgs"]))
    w.add_embedding(t(arrays["emb/mat64"]), metadata=[["a", 1], ["b", 2], ["c", 3]], label_img=t(arrays["emb/imgs3"]),
                    global_step=3, tag="feat/x%y", metadata_header=["name", "id"])
    w.add_embedding(t(arrays["emb/mat_int"]), global_step=12, tag="ints")
    w.close()
    cases["embedding"] = {"mat": mat, "imgs": imgs, "mat64": mat64, "imgs3": imgs3, "mat_int": mat_i,
                          "labels": labels}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 2, 3)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        return self.fc(x.view(-1, 8))


def graph():
    from tensorboard.compat.proto.graph_pb2 import GraphDef
    torch.manual_seed(0)
    w = writer("graph")
    w.add_graph(Net(), torch.zeros(1, 1, 6, 6))
    w.close()
    # The node list PyTorch's tracer produced, for Flint's ModelGraph (the tracer's output format).
    nodes = []
    for path in os.listdir(os.path.join(OUT, "graph")):
        from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
        for ev in EventFileLoader(os.path.join(OUT, "graph", path)).Load():
            if ev.HasField("graph_def"):
                g = GraphDef.FromString(ev.graph_def)
                for n in g.node:
                    shape = None
                    if "_output_shapes" in n.attr:
                        shape = [d.size for d in n.attr["_output_shapes"].list.shape[0].dim]
                    nodes.append({"name": n.name, "op": n.op, "inputs": list(n.input), "shape": shape,
                                  "attributes": n.attr["attr"].s.decode("utf-8")})
    cases["graph"] = {"nodes": nodes}


def custom_scalars():
    w = writer("custom_scalars")
    w.add_custom_scalars({"Taiwan": {"twse": ["Multiline", ["twse/0050", "twse/2330"]]},
                          "USA": {"dow": ["Margin", ["dow/aaa", "dow/bbb", "dow/ccc"]],
                                  "nasdaq": ["Multiline", ["nasdaq/aaa"]]}})
    w.add_custom_scalars_multilinechart(["a", "b"], category="cat", title="lines")
    w.add_custom_scalars_marginchart(["v", "lo", "hi"])
    w.close()
    cases["custom_scalars"] = {}


def purge():
    w = writer("purge", purge_step=5, filename_suffix=".sfx")
    w.add_scalar("x", 1.0, 5)
    w.close()
    cases["purge"] = {}


def normalize():
    """Renames every event file to events.out.tfevents.torch (one per directory)."""
    for d, _, files in os.walk(OUT):
        events = [f for f in files if f.startswith("events.out.tfevents.")]
        assert len(events) <= 1, (d, events)
        for f in events:
            os.rename(os.path.join(d, f), os.path.join(d, "events.out.tfevents.torch"))


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    for fn in (scalars, scalars_multi, histograms, images, text, pr_curves, hparams, embeddings, graph,
               custom_scalars, purge):
        fn()
    normalize()
    np.savez_compressed(os.path.join(ROOT, "inputs.npz"), **arrays)
    with open(os.path.join(ROOT, "inputs.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": [dict(id=k, **v) for k, v in cases.items()]}, f, indent=1)
    print(f"board: {len(cases)} cases")
