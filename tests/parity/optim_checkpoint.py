"""Loads Flint's optimizer checkpoints in PyTorch and resumes training from them.

tests/fixtures/optim_checkpoints/<case>.pt are written by Flint (Torch.Save(optimizer.StateDict())) after the first
five steps of an optim.py case (the C# test CheckpointForPyTorchTests keeps them current). For each, this script
loads the file with torch.load (1.13's weights_only unpickler lacks BINFLOAT, so it cannot read any optimizer
state dict, PyTorch's own included; 2.x's can), checks it has the structure of PyTorch's own state dict after the
same steps (keys, int/float/bool/None/tuple/list types, tensor dtypes and values), loads it into a fresh PyTorch
optimizer whose parameters hold the step-5 values, runs steps 6-10 with the case's gradients and checks the
parameters against PyTorch's uninterrupted run. Exits non-zero on any mismatch.

Run with Debian's torch: /usr/bin/python3 tests/parity/optim_checkpoint.py
"""
import glob
import json
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")


def load_fixture(name):
    with open(os.path.join(FIXTURES, name + ".json")) as f:
        cases = {c["id"]: c for c in json.load(f)["cases"]}
    return cases, np.load(os.path.join(FIXTURES, name + ".npz"))


CASES, ARRAYS = load_fixture("optim")
DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64}


def tensor(spec):
    return torch.from_numpy(np.array(ARRAYS[spec["key"]])).to(DTYPES[spec["dtype"]]).reshape(spec["shape"])


def decode(v):
    if isinstance(v, dict):
        if "key" in v:
            return tensor(v)
        if "tuple" in v:
            return tuple(decode(x) for x in v["tuple"])
        if "float" in v:
            return float(v["float"])
        if "dict" in v:
            return {decode(k): decode(x) for k, x in v["dict"]}
    if isinstance(v, list):
        return [decode(x) for x in v]
    return v


def same(expected, actual, tol, path):
    if isinstance(expected, torch.Tensor):
        assert isinstance(actual, torch.Tensor), f"{path}: expected a tensor, got {type(actual).__name__}"
        assert actual.dtype == expected.dtype and actual.shape == expected.shape, f"{path}: {actual.dtype}{tuple(actual.shape)}"
        assert torch.allclose(actual.double(), expected.double(), rtol=tol, atol=tol), f"{path}: values differ"
        return
    assert type(actual) is type(expected), f"{path}: expected {type(expected).__name__}, got {type(actual).__name__}"
    if isinstance(expected, dict):
        assert list(expected.keys()) == list(actual.keys()), f"{path}: keys {list(actual.keys())} != {list(expected.keys())}"
        for k in expected:
            same(expected[k], actual[k], tol, f"{path}.{k}")
    elif isinstance(expected, (list, tuple)):
        assert len(expected) == len(actual), f"{path}: length"
        for i, (e, a) in enumerate(zip(expected, actual)):
            same(e, a, tol, f"{path}[{i}]")
    elif isinstance(expected, float):
        assert math.isclose(expected, actual, rel_tol=tol, abs_tol=tol), f"{path}: {actual} != {expected}"
    else:
        assert expected == actual, f"{path}: {actual!r} != {expected!r}"


def build(case, params):
    cls = getattr(torch.optim, case["optimizer"])
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in case["kwargs"].items()}
    if case.get("groups") is None:
        return cls(params, **kw)
    groups = []
    for g in case["groups"]:
        d = {k: tuple(v) if isinstance(v, list) else v for k, v in g.items() if k != "params"}
        d["params"] = [params[i] for i in g["params"]]
        groups.append(d)
    return cls(groups, **kw)


def check(path):
    cid = os.path.basename(path)[:-3].replace("_", "/", 1)
    cid = cid[::-1].replace("_", "/", 1)[::-1]
    case = CASES[cid]
    tol = 1e-10 if case["dtype"] == "f64" else 1e-6
    sd = torch.load(path)
    same(decode(case["resume"]), sd, tol, cid)
    params = []
    for i, spec in enumerate(case["expected"][4]):
        p = tensor(spec)
        p = p.t().contiguous().t() if i == 2 else p.clone()
        params.append(p.requires_grad_(case["requires_grad"]))
    opt = build(case, params)
    opt.load_state_dict(sd)
    for step in range(5, 10):
        if case["set_lr"] is not None and case["set_lr"][0] == step:
            for g, lr in zip(opt.param_groups, case["set_lr"][1]):
                g["lr"] = lr
        for p, g in zip(params, case["grads"][step]):
            p.grad = None if g is None else tensor(g)
        opt.step()
        for i, (p, spec) in enumerate(zip(params, case["expected"][step])):
            e = tensor(spec)
            assert torch.allclose(p.detach(), e, rtol=tol, atol=tol), f"{cid} step {step + 1} param {i}"
    return cid


files = sorted(glob.glob(os.path.join(FIXTURES, "optim_checkpoints", "*.pt")))
failed = 0
for f in files:
    try:
        check(f)
    except AssertionError as e:  # noqa: PERF203
        failed += 1
        print("FAIL", os.path.basename(f), e)
print(f"optim_checkpoint: {len(files) - failed} of {len(files)} Flint checkpoints load and resume in PyTorch")
sys.exit(1 if failed or not files else 0)
