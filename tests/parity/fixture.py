"""Writes parity fixtures: PyTorch's own outputs and gradients, read back by tests/Flint.Tests/Parity.

A fixture set is two files under tests/fixtures/: NAME.json (the cases) and NAME.npz (their tensors).
Each case names an op (the C# side maps the name to a Flint call), its tensor inputs (with an optional
view applied to the leaf: "t" transposes the last two dims, "s" takes every second row of dim 0), its
keyword arguments, PyTorch's outputs, a random output gradient and the resulting input gradients.

Run with Debian's torch: /usr/bin/python3 tests/parity/<script>.py
"""
import json
import os

import numpy as np
import torch

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
DTYPES = {
    torch.float32: "float32", torch.float64: "float64", torch.float16: "float16", torch.bfloat16: "bfloat16",
    torch.int64: "int64", torch.int32: "int32", torch.int16: "int16", torch.int8: "int8", torch.uint8: "uint8",
    torch.bool: "bool",
}


def apply_view(t, view):
    if view is None:
        return t
    if view == "t":
        return t.transpose(-2, -1)
    if view == "s":
        return t[::2]
    raise ValueError(view)


class Fixture:
    def __init__(self, name, seed=0):
        self.name = name
        self.arrays = {}
        self.cases = []
        torch.manual_seed(seed)

    def _store(self, key, t):
        t = t.detach()
        arr = t.float().numpy() if t.dtype in (torch.bfloat16, torch.float16) else t.numpy()
        self.arrays[key] = np.array(arr, order="C", copy=True)
        return {"key": key, "dtype": DTYPES[t.dtype], "shape": list(t.shape)}

    def op(self, id, op, inputs, fn, kwargs=None, grad=True, views=None, gradcheck=None, tol=None):
        """Records fn(*inputs) and, when grad, the gradients of sum(out * gout) w.r.t. float inputs.

        inputs: tensors (leaves, before views) or plain numbers (passed through as scalars).
        views: per input, None / "t" / "s" as in apply_view.
        gradcheck: run Flint's numerical gradcheck on this case (default: float64 cases with grad).
        """
        assert all(c["id"] != id for c in self.cases), id
        views = views or [None] * len(inputs)
        leaves, args, specs = [], [], []
        for i, x in enumerate(inputs):
            if isinstance(x, torch.Tensor):
                leaf = x.detach().clone()
                if grad and leaf.is_floating_point():
                    leaf.requires_grad_(True)
                leaves.append(leaf)
                args.append(apply_view(leaf, views[i]))
                spec = self._store(f"{id}/in{i}", leaf)
                spec["view"] = views[i]
                spec["requires_grad"] = leaf.requires_grad
                specs.append(spec)
            else:
                leaves.append(None)
                args.append(x)
                specs.append({"scalar": x})
        out = fn(*args)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        case = {"id": id, "op": op, "kwargs": kwargs or {}, "inputs": specs,
                "outputs": [self._store(f"{id}/out{k}", o) for k, o in enumerate(outs)]}
        if tol is not None:
            case["tol"] = tol
        diff = [o for o in outs if isinstance(o, torch.Tensor) and o.requires_grad]
        if grad and diff:
            gouts = [torch.randn_like(o) if (isinstance(o, torch.Tensor) and o.requires_grad) else None for o in outs]
            total = sum((o * g).sum() for o, g in zip(outs, gouts) if g is not None)
            total.backward()
            case["grad_outputs"] = [self._store(f"{id}/gout{k}", g) if g is not None else None for k, g in enumerate(gouts)]
            case["grads"] = [self._store(f"{id}/grad{i}", l.grad) if l is not None and l.grad is not None else None
                             for i, l in enumerate(leaves)]
            if gradcheck is None:
                gradcheck = all(l is None or not l.is_floating_point() or l.dtype == torch.float64 for l in leaves)
            case["gradcheck"] = bool(gradcheck)
        self.cases.append(case)

    def save(self):
        os.makedirs(FIXTURES, exist_ok=True)
        np.savez_compressed(os.path.join(FIXTURES, self.name + ".npz"), **self.arrays)
        with open(os.path.join(FIXTURES, self.name + ".json"), "w") as f:
            json.dump({"torch": torch.__version__, "cases": self.cases}, f, separators=(",", ":"))
        print(f"{self.name}: {len(self.cases)} cases")


def rand(*shape, dtype=torch.float32, low=-2.0, high=2.0):
    return (torch.rand(*shape, dtype=torch.float64) * (high - low) + low).to(dtype)


def positive(*shape, dtype=torch.float32, low=0.1, high=3.0):
    return rand(*shape, dtype=dtype, low=low, high=high)
