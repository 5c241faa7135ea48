"""Shared helpers for the optimizer and scheduler parity scripts (optim.py, optim_sched.py).

Values are written as JSON with tensors in the .npz: a tensor becomes {"key", "dtype", "shape"}, a tuple
{"tuple": [...]}, a non-finite float {"float": "inf"}; ints stay ints and floats keep their ".0" so the C# side can
tell Python's int from float.
"""
import math

import torch

from fixture import Fixture


class OptimFixture(Fixture):
    def enc(self, key, v):
        if isinstance(v, torch.Tensor):
            return self._store(key, v)
        if isinstance(v, bool) or v is None or isinstance(v, str) or isinstance(v, int):
            return v
        if isinstance(v, float):
            return v if math.isfinite(v) else {"float": repr(v)}
        if isinstance(v, tuple):
            return {"tuple": [self.enc(f"{key}/{i}", x) for i, x in enumerate(v)]}
        if isinstance(v, list):
            return [self.enc(f"{key}/{i}", x) for i, x in enumerate(v)]
        if isinstance(v, dict):
            return {"dict": [[self.enc(f"{key}/k{i}", k), self.enc(f"{key}/{i}", x)] for i, (k, x) in enumerate(v.items())]}
        raise TypeError(type(v))
