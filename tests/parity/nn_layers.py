"""Parity fixtures for the torch.nn layers (everything but convolution, pooling, padding, upsampling and losses).

A case builds a module from its class name and constructor kwargs after torch.manual_seed(seed) and records:
  repr       str(module)
  state      the state_dict right after construction (default initialisation for that seed)
  steps      forward passes in train or eval mode, each after torch.manual_seed(step seed): inputs, output, the
             gradients of sum(output * gout) for float inputs and every parameter, and the buffers afterwards.
Gradients accumulate over steps as they do in PyTorch (no zero_grad), so each step's "param_grads" is the .grad after
that step. "reprs" holds the printed text of layers built with other arguments, and of models made of containers.

Run with Debian's torch: /usr/bin/python3 tests/parity/nn_layers.py
"""
from collections import OrderedDict

import torch
import torch.nn as nn

from fixture import Fixture, DTYPES, rand

f = Fixture("nn_layers")
F32, F64 = torch.float32, torch.float64


def store(key, t):
    return f._store(key, t)


def layer(id, cls, args, steps, dtype=F32, seed=0, kwargs_py=None):
    """args: JSON kwargs for the C# side; kwargs_py: the Python constructor kwargs (default: args)."""
    assert all(c["id"] != id for c in f.cases), id
    torch.manual_seed(seed)
    kw = dict(args if kwargs_py is None else kwargs_py)
    m = getattr(nn, cls)(**kw)
    m = m.to(dtype)
    case = {"id": id, "module": cls, "args": args, "dtype": DTYPES[dtype], "seed": seed, "repr": repr(m),
            "state": [{"name": k, **store(f"{id}/state/{k}", v)} for k, v in m.state_dict().items()], "steps": []}
    for s, (mode, step_seed, inputs) in enumerate(steps):
        m.train(mode == "train")
        leaves = []
        for i, x in enumerate(inputs):
            leaf = x.detach().clone()
            if leaf.is_floating_point():
                leaf = leaf.to(dtype).requires_grad_(True)
            leaves.append(leaf)
        torch.manual_seed(step_seed)
        out = m(*leaves)
        st = {"mode": mode, "seed": step_seed,
              "inputs": [store(f"{id}/{s}/in{i}", x) for i, x in enumerate(leaves)],
              "output": store(f"{id}/{s}/out", out)}
        if out.requires_grad:
            gout = torch.randn_like(out)
            (out * gout).sum().backward()
            st["gout"] = store(f"{id}/{s}/gout", gout)
            st["input_grads"] = [store(f"{id}/{s}/gin{i}", x.grad) if x.grad is not None else None for i, x in enumerate(leaves)]
            st["param_grads"] = [{"name": n, **store(f"{id}/{s}/g/{n}", p.grad)} for n, p in m.named_parameters() if p.grad is not None]
        st["buffers"] = [{"name": n, **store(f"{id}/{s}/b/{n}", b)} for n, b in m.named_buffers()]
        case["steps"].append(st)
    f.cases.append(case)


def x(*shape, low=-2.0, high=2.0):
    return rand(*shape, dtype=F64, low=low, high=high)


for dt, tag in ((F32, "f32"), (F64, "f64")):
    L = lambda id, cls, args, steps, **kw: layer(f"{id}_{tag}", cls, args, steps, dtype=dt, **kw)
    # ---- linear family ----
    L("linear", "Linear", {"in_features": 5, "out_features": 3}, [("train", 0, [x(4, 5)])], seed=1)
    L("linear_nobias", "Linear", {"in_features": 5, "out_features": 3, "bias": False}, [("train", 0, [x(2, 3, 5)])], seed=2)
    L("linear_big", "Linear", {"in_features": 40, "out_features": 30}, [("train", 0, [x(8, 40)])], seed=3)
    L("bilinear", "Bilinear", {"in1_features": 3, "in2_features": 4, "out_features": 2}, [("train", 0, [x(5, 3), x(5, 4)])], seed=4)
    L("identity", "Identity", {}, [("train", 0, [x(2, 3)])])
    L("flatten", "Flatten", {}, [("train", 0, [x(2, 3, 4)])])
    L("flatten_0_1", "Flatten", {"start_dim": 0, "end_dim": 1}, [("train", 0, [x(2, 3, 4)])])
    L("unflatten", "Unflatten", {"dim": 1, "unflattened_size": [2, 3]}, [("train", 0, [x(4, 6)])],
      kwargs_py={"dim": 1, "unflattened_size": (2, 3)})
    # ---- activations ----
    for cls, args in [("ReLU", {}), ("ReLU6", {}), ("LeakyReLU", {"negative_slope": 0.2}), ("ELU", {"alpha": 0.5}), ("SELU", {}),
                      ("CELU", {"alpha": 2.0}), ("GELU", {}), ("GELU", {"approximate": "tanh"}), ("SiLU", {}), ("Mish", {}),
                      ("Sigmoid", {}), ("Tanh", {}), ("Softplus", {}), ("Softplus", {"beta": 2, "threshold": 5}), ("Softsign", {}),
                      ("Softshrink", {}), ("Hardshrink", {"lambd": 1.0}), ("Tanhshrink", {}), ("Hardtanh", {"min_val": -2.0, "max_val": 2.0}),
                      ("Hardsigmoid", {}), ("Hardswish", {}), ("LogSigmoid", {}), ("Softmax", {"dim": 1}), ("LogSoftmax", {"dim": -1}),
                      ("Softmin", {"dim": 0}), ("Softmax2d", {}), ("Threshold", {"threshold": 0.1, "value": 20}), ("GLU", {}),
                      ("PReLU", {}), ("PReLU", {"num_parameters": 3, "init": 0.1})]:
        name = cls.lower() + "".join(f"_{k}" for k in args)
        shape = (2, 3, 2, 2) if cls in ("Softmax2d",) else (4, 3, 2) if cls == "PReLU" else (4, 6)
        L(name, cls, args, [("train", 0, [x(*shape, low=-4, high=4)])])
    L("rrelu", "RReLU", {}, [("train", 11, [x(4, 5)]), ("eval", 12, [x(4, 5)])])
    L("rrelu_bounds", "RReLU", {"lower": 0.2, "upper": 0.6}, [("train", 13, [x(3, 7)])])
    # ---- normalisation ----
    L("batchnorm1d", "BatchNorm1d", {"num_features": 3},
      [("train", 0, [x(4, 3)]), ("train", 0, [x(5, 3, low=0, high=3)]), ("eval", 0, [x(2, 3)])], seed=5)
    L("batchnorm1d_3d", "BatchNorm1d", {"num_features": 3, "momentum": 0.5, "eps": 1e-3},
      [("train", 0, [x(2, 3, 4)]), ("eval", 0, [x(2, 3, 4)])])
    L("batchnorm1d_cumulative", "BatchNorm1d", {"num_features": 2, "momentum": None},
      [("train", 0, [x(3, 2)]), ("train", 0, [x(4, 2, low=1, high=5)]), ("train", 0, [x(3, 2)]), ("eval", 0, [x(2, 2)])])
    L("batchnorm1d_noaffine", "BatchNorm1d", {"num_features": 3, "affine": False}, [("train", 0, [x(4, 3)]), ("eval", 0, [x(4, 3)])])
    L("batchnorm1d_notrack", "BatchNorm1d", {"num_features": 3, "track_running_stats": False},
      [("train", 0, [x(4, 3)]), ("eval", 0, [x(4, 3)])])
    L("batchnorm2d", "BatchNorm2d", {"num_features": 2}, [("train", 0, [x(3, 2, 3, 3)]), ("eval", 0, [x(1, 2, 3, 3)])])
    L("batchnorm3d", "BatchNorm3d", {"num_features": 2}, [("train", 0, [x(2, 2, 2, 2, 3)])])
    L("layernorm", "LayerNorm", {"normalized_shape": [5]}, [("train", 0, [x(3, 4, 5)])], kwargs_py={"normalized_shape": 5})
    L("layernorm_2d_noaffine", "LayerNorm", {"normalized_shape": [4, 5], "elementwise_affine": False}, [("train", 0, [x(3, 4, 5)])],
      kwargs_py={"normalized_shape": [4, 5], "elementwise_affine": False})
    L("groupnorm", "GroupNorm", {"num_groups": 2, "num_channels": 4}, [("train", 0, [x(3, 4, 5)])])
    L("groupnorm_noaffine", "GroupNorm", {"num_groups": 3, "num_channels": 6, "affine": False, "eps": 1e-3},
      [("train", 0, [x(2, 6, 2, 2)])])
    L("instancenorm2d", "InstanceNorm2d", {"num_features": 3}, [("train", 0, [x(2, 3, 3, 4)]), ("eval", 0, [x(2, 3, 3, 4)])])
    L("instancenorm2d_tracked", "InstanceNorm2d", {"num_features": 3, "affine": True, "track_running_stats": True},
      [("train", 0, [x(2, 3, 3, 4)]), ("eval", 0, [x(1, 3, 2, 2)])])
    L("instancenorm2d_unbatched", "InstanceNorm2d", {"num_features": 2}, [("train", 0, [x(2, 3, 3)])])
    L("instancenorm1d", "InstanceNorm1d", {"num_features": 2, "affine": True}, [("train", 0, [x(3, 2, 5)])])
    L("localresponsenorm", "LocalResponseNorm", {"size": 2}, [("train", 0, [x(2, 4, 3)])])
    # ---- dropout ----
    L("dropout", "Dropout", {"p": 0.3}, [("train", 21, [x(5, 6)]), ("eval", 22, [x(5, 6)])])
    L("dropout_default", "Dropout", {}, [("train", 23, [x(20, 10)])])
    L("dropout1d", "Dropout1d", {"p": 0.4}, [("train", 24, [x(3, 4, 5)])])
    L("dropout2d", "Dropout2d", {"p": 0.5}, [("train", 25, [x(2, 4, 2, 3)]), ("eval", 26, [x(2, 4, 2, 3)])])
    L("dropout3d", "Dropout3d", {}, [("train", 27, [x(2, 3, 2, 2, 2)])])
    L("alphadropout", "AlphaDropout", {"p": 0.2}, [("train", 28, [x(6, 5)]), ("eval", 29, [x(6, 5)])])
    L("featurealphadropout", "FeatureAlphaDropout", {"p": 0.2}, [("train", 30, [x(3, 4, 5)])])
    # ---- embeddings ----
    ids = torch.tensor([[1, 2, 4, 0], [4, 3, 2, 9]])
    L("embedding", "Embedding", {"num_embeddings": 10, "embedding_dim": 3}, [("train", 0, [ids])], seed=6)
    L("embedding_pad", "Embedding", {"num_embeddings": 10, "embedding_dim": 3, "padding_idx": 4}, [("train", 0, [ids])], seed=7)
    L("embedding_pad_neg", "Embedding", {"num_embeddings": 10, "embedding_dim": 3, "padding_idx": -1}, [("train", 0, [ids])], seed=8)
    L("embedding_max_norm", "Embedding", {"num_embeddings": 10, "embedding_dim": 3, "max_norm": 1.0}, [("train", 0, [ids])], seed=9)
    bag = torch.tensor([1, 2, 4, 4, 3, 0, 2])
    offs = torch.tensor([0, 3, 3, 5])
    L("embeddingbag_sum", "EmbeddingBag", {"num_embeddings": 10, "embedding_dim": 3, "mode": "sum"}, [("train", 0, [bag, offs])], seed=10)
    L("embeddingbag_mean_2d", "EmbeddingBag", {"num_embeddings": 10, "embedding_dim": 3}, [("train", 0, [ids])], seed=11)
    L("embeddingbag_max_pad", "EmbeddingBag", {"num_embeddings": 10, "embedding_dim": 3, "mode": "max", "padding_idx": 2},
      [("train", 0, [bag, offs])], seed=12)

# ---- printed text of other constructions and of container models ----
reprs = {
    "linear_nobias": nn.Linear(400, 120, bias=False),
    "dropout_inplace": nn.Dropout(p=0.25, inplace=True),
    "dropout2d": nn.Dropout2d(),
    "relu_inplace": nn.ReLU(inplace=True),
    "relu6_inplace": nn.ReLU6(inplace=True),
    "leaky_inplace": nn.LeakyReLU(0.1, inplace=True),
    "elu_inplace": nn.ELU(inplace=True),
    "hardtanh_inplace": nn.Hardtanh(inplace=True),
    "threshold_inplace": nn.Threshold(0.5, 0.0, inplace=True),
    "rrelu_default": nn.RReLU(),
    "gelu_tanh": nn.GELU("tanh"),
    "softplus_float": nn.Softplus(beta=0.5, threshold=10.0),
    "softmax_none": nn.Softmax(),
    "softmin_none": nn.Softmin(),
    "log_softmax_none": nn.LogSoftmax(),
    "silu_inplace": nn.SiLU(inplace=True),
    "mish_inplace": nn.Mish(inplace=True),
    "selu_inplace": nn.SELU(inplace=True),
    "celu_inplace": nn.CELU(0.5, inplace=True),
    "hardshrink_default": nn.Hardshrink(),
    "softshrink_value": nn.Softshrink(0.25),
    "glu_dim": nn.GLU(dim=1),
    "prelu_channels": nn.PReLU(64),
    "batchnorm_momentum_none": nn.BatchNorm1d(10, momentum=None),
    "batchnorm_all": nn.BatchNorm2d(16, eps=0.001, momentum=0.01, affine=False, track_running_stats=False),
    "instancenorm_affine": nn.InstanceNorm2d(8, affine=True, track_running_stats=True),
    "instancenorm3d": nn.InstanceNorm3d(4),
    "layernorm_shape": nn.LayerNorm([4, 5], eps=1e-6, elementwise_affine=False),
    "groupnorm_eps": nn.GroupNorm(4, 8, eps=0.01, affine=False),
    "lrn_args": nn.LocalResponseNorm(5, alpha=0.001, beta=0.5, k=2.0),
    "embedding_all": nn.Embedding(20, 5, padding_idx=3, max_norm=2.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True),
    "embedding_bag_all": nn.EmbeddingBag(20, 5, max_norm=2.0, norm_type=3.0, scale_grad_by_freq=True, mode="sum", padding_idx=1),
    "flatten_args": nn.Flatten(0, 2),
    "unflatten_one": nn.Unflatten(0, (6,)),
    "alpha_dropout": nn.AlphaDropout(0.1),
    "bilinear_nobias": nn.Bilinear(2, 3, 4, bias=False),
    "identity": nn.Identity(),
    "sequential_dict": nn.Sequential(OrderedDict([("fc1", nn.Linear(784, 256)), ("relu1", nn.ReLU()), ("fc2", nn.Linear(256, 10))])),
    "sequential_positional": nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 10)),
    "module_list": nn.ModuleList([nn.Linear(10, 10) for _ in range(3)] + [nn.BatchNorm1d(10)]),
    "module_dict": nn.ModuleDict({"act": nn.LeakyReLU(), "norm": nn.LayerNorm(10), "drop": nn.Dropout()}),
    "nested": nn.Sequential(nn.Sequential(nn.Linear(2, 10), nn.ReLU()), nn.ModuleList([nn.Linear(10, 10), nn.Tanh()]),
                            nn.ModuleDict({"head": nn.Linear(10, 2)})),
}


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(20, 256)
        self.act = nn.ReLU()
        self.norm = nn.BatchNorm1d(256)
        self.drop = nn.Dropout(0.5)
        self.blocks = nn.ModuleList([nn.Sequential(nn.Linear(256, 256), nn.GELU()) for _ in range(2)])
        self.out = nn.Linear(256, 10)


reprs["mlp"] = MLP()
f.cases.append({"id": "reprs", "reprs": {k: repr(v) for k, v in reprs.items()}})

f.save()
