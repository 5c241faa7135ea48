"""Parity fixtures for torch.nn.utils clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters.

Parameters: a 3x4 matrix, a 5-vector and a 2x2 matrix with gradients, plus a 3-vector without one. Each clip case
records the returned total norm and the gradients after clipping; error cases record PyTorch's message.

Run with Debian's torch: /usr/bin/python3 tests/parity/optim_utils.py
"""
import torch
from torch.nn import utils

from optim_common import OptimFixture

f = OptimFixture("optim_utils", seed=4)
cases = []


def params(dt, scale=1.0, nan=False):
    g = torch.Generator().manual_seed(21)
    ps, grads = [], []
    for shape in [(3, 4), (5,), (2, 2)]:
        p = torch.randn(shape, generator=g, dtype=torch.float64).to(dt).requires_grad_()
        p.grad = (torch.randn(shape, generator=g, dtype=torch.float64) * scale).to(dt)
        ps.append(p)
    if nan:
        ps[1].grad[2] = float("nan")
    ps.append(torch.randn(3, generator=g, dtype=torch.float64).to(dt).requires_grad_())
    return ps


def dt_name(dt):
    return "f32" if dt == torch.float32 else "f64"


def store_params(cid, ps):
    return [{"value": f.enc(f"{cid}/p{i}", p), "grad": None if p.grad is None else f.enc(f"{cid}/g{i}", p.grad)}
            for i, p in enumerate(ps)]


for dt in (torch.float32, torch.float64):
    for norm_type in (2.0, 1.0, 3.5, float("inf")):
        for max_norm, scale in ((1.0, 1.0), (100.0, 1.0), (0.5, 1e-3)):
            cid = f"clip_norm/{norm_type}/{max_norm}/{scale}/{dt_name(dt)}"
            ps = params(dt, scale)
            before = store_params(cid + "/before", ps)
            total = utils.clip_grad_norm_(ps, max_norm, norm_type)
            cases.append({"id": cid, "kind": "clip_norm", "max_norm": max_norm, "norm_type": {"float": repr(norm_type)},
                          "params": before, "total": f.enc(cid + "/total", total), "after": store_params(cid + "/after", ps)})
    cid = f"clip_norm/single/{dt_name(dt)}"
    ps = params(dt)[:1]
    before = store_params(cid + "/before", ps)
    total = utils.clip_grad_norm_(ps[0], 0.3)
    cases.append({"id": cid, "kind": "clip_norm_single", "max_norm": 0.3, "norm_type": 2.0,
                  "params": before, "total": f.enc(cid + "/total", total), "after": store_params(cid + "/after", ps)})
    cid = f"clip_norm/nan/{dt_name(dt)}"
    ps = params(dt, nan=True)
    before = store_params(cid + "/before", ps)
    total = utils.clip_grad_norm_(ps, 1.0)
    cases.append({"id": cid, "kind": "clip_norm", "max_norm": 1.0, "norm_type": 2.0,
                  "params": before, "total": f.enc(cid + "/total", total), "after": store_params(cid + "/after", ps)})
    for clip in (0.5, 2.0):
        cid = f"clip_value/{clip}/{dt_name(dt)}"
        ps = params(dt)
        before = store_params(cid + "/before", ps)
        utils.clip_grad_value_(ps, clip)
        cases.append({"id": cid, "kind": "clip_value", "clip_value": clip, "params": before, "after": store_params(cid + "/after", ps)})
    cid = f"vector/{dt_name(dt)}"
    ps = params(dt)
    before = store_params(cid + "/before", ps)
    vec = utils.parameters_to_vector(ps)
    new = torch.arange(vec.numel(), dtype=dt) / 7
    utils.vector_to_parameters(new, ps)
    cases.append({"id": cid, "kind": "vector", "params": before, "vector": f.enc(cid + "/vec", vec),
                  "new": f.enc(cid + "/new", new), "after": store_params(cid + "/after", ps)})

try:
    utils.clip_grad_norm_(params(torch.float64, nan=True), 1.0, error_if_nonfinite=True)
except RuntimeError as e:
    cases.append({"id": "error/nonfinite", "kind": "error", "type": "RuntimeError", "message": str(e)})
try:
    utils.clip_grad_norm_(params(torch.float64, nan=True), 1.0, norm_type=float("inf"), error_if_nonfinite=True)
except RuntimeError as e:
    cases.append({"id": "error/nonfinite_inf", "kind": "error", "type": "RuntimeError", "message": str(e)})
empty = utils.clip_grad_norm_([torch.zeros(2, requires_grad=True)], 1.0)
cases.append({"id": "clip_norm/no_grads", "kind": "no_grads", "total": f.enc("no_grads/total", empty)})

f.cases = cases
f.save()
