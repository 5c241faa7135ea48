"""Second derivatives of the fused nn ops (their create_graph backward) and the row-sparse Embedding gradient.

gradgrad cases: with g = d/dx Σ f(x)·gout (create_graph=True), records h_i = d/dx_i Σ g_j·v_j for every float input
x_i (j over the inputs that get a gradient), so both the gradient-of-gradient in x and the dependence on gout are
covered (gout requires grad too; its h is recorded as the last entry). float64 only.

sparse cases: Embedding(sparse=True) gradient (PyTorch's uncoalesced indices and values) and one SparseAdam step.

Run with Debian's torch: /usr/bin/python3 tests/parity/nn_gradgrad.py
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture import Fixture, rand

f = Fixture("nn_gradgrad")
F64 = torch.float64


def gg(id, op, inputs, fn, kwargs=None):
    leaves = [x.detach().clone().requires_grad_(x.is_floating_point()) for x in inputs]
    out = fn(*leaves)
    gout = torch.randn_like(out).requires_grad_(True)
    wrt = [l for l in leaves if l.requires_grad]
    grads = torch.autograd.grad((out * gout).sum(), wrt, create_graph=True)
    vs = [torch.randn_like(g) for g in grads]
    total = sum((g * v).sum() for g, v in zip(grads, vs))
    hs = torch.autograd.grad(total, wrt + [gout], allow_unused=True)
    hs = [h if h is not None else torch.zeros_like(w) for h, w in zip(hs, wrt + [gout])]
    f.cases.append({"id": id, "op": op, "kwargs": kwargs or {},
                    "inputs": [f._store(f"{id}/in{i}", x) for i, x in enumerate(leaves)],
                    "gout": f._store(f"{id}/gout", gout),
                    "vs": [f._store(f"{id}/v{i}", v) for i, v in enumerate(vs)],
                    "grads": [f._store(f"{id}/g{i}", g) for i, g in enumerate(grads)],
                    "hs": [f._store(f"{id}/h{i}", h) for i, h in enumerate(hs)]})


def act(*shape):
    x = rand(*shape, dtype=F64, low=-3, high=3)
    return torch.where(x.abs() < 0.05, x + 0.1, x)


for name, fn in [("leaky_relu", lambda x: F.leaky_relu(x, 0.2)), ("elu", F.elu), ("selu", F.selu), ("celu", lambda x: F.celu(x, 2.0)),
                 ("gelu", F.gelu), ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh")), ("silu", F.silu), ("mish", F.mish),
                 ("softplus", lambda x: F.softplus(x, 2.0, 3.0)), ("logsigmoid", F.logsigmoid), ("hardswish", F.hardswish),
                 ("hardtanh", F.hardtanh), ("softshrink", F.softshrink), ("hardshrink", F.hardshrink),
                 ("threshold", lambda x: F.threshold(x, 0.5, -1.0)), ("glu", F.glu), ("rrelu_eval", F.rrelu),
                 ("softmax", lambda x: F.softmax(x, 1)), ("log_softmax", lambda x: F.log_softmax(x, 0)),
                 ("softmax_mid", lambda x: F.softmax(x.view(2, 3, 2), 1)), ("log_softmax_mid", lambda x: F.log_softmax(x.view(2, 3, 2), 1))]:
    gg(name, name, [act(4, 6) if name == "glu" else act(4, 3)], fn)
gg("prelu", "prelu", [act(2, 3, 2), rand(3, dtype=F64, low=0.1, high=0.9)], lambda x, w: F.prelu(x, w))
gg("layer_norm", "layer_norm", [rand(3, 4, dtype=F64), rand(4, dtype=F64), rand(4, dtype=F64)], lambda x, w, b: F.layer_norm(x, (4,), w, b))
gg("group_norm", "group_norm", [rand(2, 4, 3, dtype=F64), rand(4, dtype=F64), rand(4, dtype=F64)], lambda x, w, b: F.group_norm(x, 2, w, b))
gg("batch_norm", "batch_norm", [rand(4, 3, 2, dtype=F64), rand(3, dtype=F64), rand(3, dtype=F64)],
   lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True))
gg("batch_norm_eval", "batch_norm_eval", [rand(4, 3, dtype=F64), rand(3, dtype=F64), rand(3, dtype=F64)],
   lambda x, w, b: F.batch_norm(x, torch.linspace(-1, 1, 3, dtype=F64), torch.linspace(0.5, 2, 3, dtype=F64), w, b))
gg("embedding", "embedding", [torch.tensor([[1, 2], [2, 0]]), rand(3, 2, dtype=F64)], lambda i, w: F.embedding(i, w) ** 2)

# ---- sparse Embedding gradient and a SparseAdam step ----
torch.manual_seed(3)
emb = nn.Embedding(6, 3, padding_idx=1, sparse=True)
ids = torch.tensor([[0, 2, 1], [2, 5, 0]])
out = emb(ids)
gout = torch.randn_like(out)
(out * gout).sum().backward()
grad = emb.weight.grad
opt = torch.optim.SparseAdam(emb.parameters(), lr=0.1)
before = emb.weight.detach().clone()
opt.step()
f.cases.append({"id": "sparse_embedding", "weight": f._store("sparse/w", before), "ids": f._store("sparse/ids", ids),
                "gout": f._store("sparse/gout", gout), "indices": f._store("sparse/indices", grad._indices()),
                "values": f._store("sparse/values", grad._values()), "dense": f._store("sparse/dense", grad.to_dense()),
                "after_step": f._store("sparse/after", emb.weight.detach())})

f.save()
