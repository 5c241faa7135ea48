"""Loads Flint's event files with TensorBoard itself and checks that it shows what it shows for PyTorch's.

Usage (TensorBoard importable as described in board.py, plus Debian's python3-werkzeug, python3-markdown,
python3-bleach, python3-grpcio and the gRPC stubs of tensorboard/data/proto/data_provider.proto):
    FLINT_BOARD_OUT=/tmp/flint_board dotnet test tests/Flint.Tests --filter BoardParity
    PYTHONPATH=<tensorboard folder> /usr/bin/python3 tests/parity/board_load.py /tmp/flint_board

1. Every event file Flint wrote goes through TensorBoard's EventFileLoader (its own record reader and CRC check)
   and EventAccumulator; the tags and values it reports must equal those for PyTorch's files.
2. Two `tensorboard --logdir` servers (loopback only, stopped at the end), one over Flint's runs and one over
   PyTorch's, answer the same HTTP API calls of the scalars, histograms, distributions, images, text, pr_curves,
   hparams, graphs and custom_scalars plugins; the answers must be equal once wall times are left out (images
   compared as decoded pixels).
3. projector_config.pbtxt parses with protobuf's text format into TensorBoard's ProjectorConfig, equal to PyTorch's.
"""
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
from PIL import Image

from google.protobuf import text_format
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig

TORCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "board", "torch")
failures = []
checks = 0


def check(ok, what):
    global checks
    checks += 1
    if not ok:
        failures.append(what)
        print("FAIL", what)


def runs(root):
    return sorted(os.path.relpath(d, root) for d, _, fs in os.walk(root) if any(f.startswith("events.out") for f in fs))


def accumulate(path):
    acc = event_accumulator.EventAccumulator(path, size_guidance={k: 0 for k in event_accumulator.DEFAULT_SIZE_GUIDANCE})
    acc.Reload()
    tags = acc.Tags()
    out = {"tags": {k: sorted(v) if isinstance(v, list) else v for k, v in tags.items()}}
    out["scalars"] = {t: [(e.step, e.value) for e in acc.Scalars(t)] for t in tags["scalars"]}
    out["histograms"] = {t: [(e.step, e.histogram_value.num, list(e.histogram_value.bucket)) for e in acc.Histograms(t)]
                         for t in tags["histograms"]}
    out["images"] = {t: [(e.step, e.width, e.height) for e in acc.Images(t)] for t in tags["images"]}
    out["tensors"] = {t: [(e.step, e.tensor_proto.SerializeToString()) for e in acc.Tensors(t)] for t in tags["tensors"]}
    out["graph"] = acc.Graph() if tags["graph"] else None  # a message: map entries compare in any order
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, logdir):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tensorboard.main", "--logdir", logdir, "--host", "127.0.0.1", "--port", str(self.port),
             "--load_fast=false", "--reload_interval", "0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if json.loads(self.get("/data/runs")):
                    time.sleep(2)  # let the first load finish
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("tensorboard did not start")

    def get(self, path, body=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}",
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"X-TensorBoard-Feature-Flags": "{}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read()

    def json(self, path, body=None):
        return json.loads(self.get(path, body))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


WALL = {"wall_time", "wallTime", "startTimeSecs", "endTimeSecs", "wall_time_secs", "wallTimeSecs"}


def strip(x):
    """Leaves out wall times: dict keys naming them, and the first element of [wall, step, value] rows."""
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in WALL}
    if isinstance(x, list):
        if len(x) == 3 and isinstance(x[0], float) and x[0] > 1e9 and isinstance(x[1], int):
            return [None] + [strip(v) for v in x[1:]]
        return [strip(v) for v in x]
    return x


def q(**kw):
    return "?" + urllib.parse.urlencode(kw)


def same(flint, torch, path, what, body=None):
    """Checks that both servers answer path with the same JSON, wall times aside; returns Flint's answer."""
    try:
        a, b = flint.json(path, body), torch.json(path, body)
    except urllib.error.HTTPError as e:
        check(False, f"{what}: {e}")
        return None
    check(strip(a) == strip(b), f"{what}:\n  flint {json.dumps(strip(a))[:400]}\n  torch {json.dumps(strip(b))[:400]}")
    return a


def compare_servers(flint, torch):
    for path in ["/data/runs", "/data/plugins_listing"]:
        a, b = flint.json(path), torch.json(path)
        if path == "/data/runs":
            a, b = sorted(a), sorted(b)
        check(a == b, f"{path}: {a} != {b}")
    simple = {"scalars": "scalars", "histograms": "histograms", "distributions": "distributions", "text": "text"}
    for plugin, route in simple.items():
        tags = flint.json(f"/data/plugin/{plugin}/tags")
        check(strip(tags) == strip(torch.json(f"/data/plugin/{plugin}/tags")), f"{plugin} tags")
        for run, run_tags in tags.items():
            for tag in run_tags:
                same(flint, torch, f"/data/plugin/{plugin}/{route}" + q(run=run, tag=tag), f"{plugin} {run} {tag}")
    tags = flint.json("/data/plugin/pr_curves/tags")
    check(strip(tags) == strip(torch.json("/data/plugin/pr_curves/tags")), "pr_curves tags")
    for run, run_tags in tags.items():
        for tag in run_tags:
            same(flint, torch, "/data/plugin/pr_curves/pr_curves" + q(run=run, tag=tag), f"pr_curves {run} {tag}")
    tags = flint.json("/data/plugin/images/tags")
    check(strip(tags) == strip(torch.json("/data/plugin/images/tags")), "images tags")
    for run, run_tags in tags.items():
        for tag in run_tags:
            p = "/data/plugin/images/images" + q(run=run, tag=tag, sample=0)
            fa = same(flint, torch, p, f"images {run} {tag}")
            if fa is None:
                continue
            for ea, eb in zip(fa, torch.json(p)):
                pa = np.asarray(Image.open(io.BytesIO(flint.get("/data/plugin/images/individualImage?" + ea["query"]))))
                pb = np.asarray(Image.open(io.BytesIO(torch.get("/data/plugin/images/individualImage?" + eb["query"]))))
                check(pa.shape == pb.shape and (pa == pb).all(), f"image pixels {run} {tag}")
    info = flint.json("/data/plugin/graphs/info")
    check(strip(info) == strip(torch.json("/data/plugin/graphs/info")), "graphs info")
    for run in info:
        for p in ["/data/plugin/graphs/graph" + q(run=run, conceal_large_attrs="true"),
                  "/data/plugin/graphs/run_metadata" + q(run=run, tag="step1")]:
            try:
                check(flint.get(p) == torch.get(p), f"{p}")
            except urllib.error.HTTPError as e:
                check(False, f"{p}: {e}")
    check(flint.json("/data/plugin/custom_scalars/layout") == torch.json("/data/plugin/custom_scalars/layout"),
          "custom_scalars layout")
    exp = {"experimentName": ""}
    same(flint, torch, "/data/plugin/hparams/experiment", "hparams experiment", exp)
    groups = {"experimentName": "", "allowedStatuses": ["STATUS_SUCCESS", "STATUS_UNKNOWN"], "colParams": [],
              "startIndex": 0, "sliceSize": 100}
    same(flint, torch, "/data/plugin/hparams/session_groups", "hparams session groups", groups)


def main(flint_out):
    # Flint's test folders are parity_<case>; serve them under the case names PyTorch's folders have.
    tmp = tempfile.mkdtemp(prefix="flint_board_load_")
    flint_root = os.path.join(tmp, "flint")
    os.makedirs(flint_root)
    for d in os.listdir(flint_out):
        if d.startswith("parity_"):
            shutil.copytree(os.path.join(flint_out, d), os.path.join(flint_root, d[len("parity_"):]))
    fr, tr = runs(flint_root), runs(TORCH)
    check(fr == tr, f"runs {fr} != {tr}")
    for run in fr:
        for f in os.listdir(os.path.join(flint_root, run)):
            if f.startswith("events.out"):
                n = sum(1 for _ in EventFileLoader(os.path.join(flint_root, run, f)).Load())
                check(n > 0, f"EventFileLoader read nothing from {run}")
        a, b = accumulate(os.path.join(flint_root, run)), accumulate(os.path.join(TORCH, run))
        check(a == b, f"EventAccumulator differs for {run}")
    fa = text_format.Parse(open(os.path.join(flint_root, "embedding", "projector_config.pbtxt")).read(), ProjectorConfig())
    ta = text_format.Parse(open(os.path.join(TORCH, "embedding", "projector_config.pbtxt")).read(), ProjectorConfig())
    check(fa == ta, "projector config")
    for e in fa.embeddings:
        m = np.loadtxt(os.path.join(flint_root, "embedding", e.tensor_path), delimiter="\t", ndmin=2)
        check(m.ndim == 2 and m.shape[0] > 0, f"projector tensors {e.tensor_path}")
    flint, torch = Server(flint_root), Server(TORCH)
    try:
        compare_servers(flint, torch)
    finally:
        flint.stop()
        torch.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
