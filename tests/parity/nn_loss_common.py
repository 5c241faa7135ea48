"""Shared by the loss fixture scripts: a Fixture with per-input control of requires_grad, and ±1 targets."""
import torch

from fixture import Fixture, apply_view

F64 = torch.float64


class LossFixture(Fixture):
    """Fixture.op with per-input control of requires_grad (targets, weights and variances often must not have it)."""

    def loss(self, id, op, inputs, fn, kwargs=None, nograd=(), views=None, gradcheck=None, tol=None):
        assert all(c["id"] != id for c in self.cases), id
        kwargs = dict(kwargs or {})
        views = views or [None] * len(inputs)
        leaves, args, specs = [], [], []
        for i, x in enumerate(inputs):
            leaf = x.detach().clone()
            if leaf.is_floating_point() and i not in nograd:
                leaf.requires_grad_(True)
            leaves.append(leaf)
            args.append(apply_view(leaf, views[i]))
            spec = self._store(f"{id}/in{i}", leaf)
            spec["view"] = views[i]
            spec["requires_grad"] = leaf.requires_grad
            specs.append(spec)
        out = fn(*args)
        kwargs["grad_fn"] = out.grad_fn.name() if out.grad_fn is not None else None
        case = {"id": id, "op": op, "kwargs": kwargs, "inputs": specs, "outputs": [self._store(f"{id}/out0", out)]}
        if tol is not None:
            case["tol"] = tol
        if out.requires_grad:
            gout = torch.randn_like(out)
            (out * gout).sum().backward()
            case["grad_outputs"] = [self._store(f"{id}/gout0", gout)]
            case["grads"] = [self._store(f"{id}/grad{i}", l.grad) if l.grad is not None else None for i, l in enumerate(leaves)]
            if gradcheck is None:
                gradcheck = all(not l.is_floating_point() or l.dtype == F64 for l in leaves)
            case["gradcheck"] = bool(gradcheck)
        self.cases.append(case)


def signs(*shape, dtype):
    return torch.randint(0, 2, shape).to(dtype) * 2 - 1
