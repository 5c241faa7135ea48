"""Parity fixtures for torch.nn.init: the values each initialiser writes for a fixed seed, calculate_gain and the
fan computation.

A case: {"id", "op", "kwargs", "shape", "dtype", "seed", "outputs": [the initialised tensor]}. The C# side seeds
Flint's default generator with "seed", makes an empty tensor of "shape"/"dtype", runs the initialiser and compares.

Run with Debian's torch: /usr/bin/python3 tests/parity/nn_init.py
"""
import math

import torch
import torch.nn.init as init

from fixture import Fixture, DTYPES

f = Fixture("nn_init")
F32, F64 = torch.float32, torch.float64


def case(id, op, shape, fn, dtype=F32, seed=0, **kwargs):
    assert all(c["id"] != id for c in f.cases), id
    torch.manual_seed(seed)
    t = torch.empty(*shape, dtype=dtype)
    out = fn(t, **kwargs)
    assert out is t
    f.cases.append({"id": id, "op": op, "kwargs": kwargs, "shape": list(shape), "dtype": DTYPES[dtype], "seed": seed,
                    "outputs": [f._store(f"{id}/out0", t)]})


for dt, tag in ((F32, "f32"), (F64, "f64")):
    case(f"uniform_small_{tag}", "uniform_", (3, 4), init.uniform_, dt, seed=1)
    case(f"uniform_ab_{tag}", "uniform_", (20, 30), init.uniform_, dt, seed=2, a=-1.5, b=3.0)
    case(f"normal_small_{tag}", "normal_", (3, 4), init.normal_, dt, seed=3)
    case(f"normal_big_{tag}", "normal_", (20, 30), init.normal_, dt, seed=4, mean=0.5, std=2.0)
    case(f"trunc_normal_{tag}", "trunc_normal_", (40, 25), init.trunc_normal_, dt, seed=5)
    case(f"trunc_normal_args_{tag}", "trunc_normal_", (7, 3), init.trunc_normal_, dt, seed=6, mean=1.0, std=0.5, a=0.0, b=1.5)
    case(f"xavier_uniform_{tag}", "xavier_uniform_", (16, 8, 3, 3), init.xavier_uniform_, dt, seed=7)
    case(f"xavier_uniform_gain_{tag}", "xavier_uniform_", (10, 20), init.xavier_uniform_, dt, seed=8,
         gain=init.calculate_gain("relu"))
    case(f"xavier_normal_{tag}", "xavier_normal_", (12, 5), init.xavier_normal_, dt, seed=9, gain=2.0)
    case(f"kaiming_uniform_{tag}", "kaiming_uniform_", (16, 8, 3, 3), init.kaiming_uniform_, dt, seed=10)
    case(f"kaiming_uniform_linear_{tag}", "kaiming_uniform_", (7, 13), init.kaiming_uniform_, dt, seed=11, a=math.sqrt(5))
    case(f"kaiming_uniform_fanout_relu_{tag}", "kaiming_uniform_", (6, 4, 5), init.kaiming_uniform_, dt, seed=12,
         mode="fan_out", nonlinearity="relu")
    case(f"kaiming_normal_{tag}", "kaiming_normal_", (6, 1, 5, 5), init.kaiming_normal_, dt, seed=13)
    case(f"kaiming_normal_fanout_{tag}", "kaiming_normal_", (32, 16), init.kaiming_normal_, dt, seed=14,
         a=0.2, mode="fan_out")
    case(f"kaiming_normal_tanh_{tag}", "kaiming_normal_", (3, 2), init.kaiming_normal_, dt, seed=15,
         mode="FAN_IN", nonlinearity="tanh")
    case(f"orthogonal_tall_{tag}", "orthogonal_", (9, 4), init.orthogonal_, dt, seed=16)
    case(f"orthogonal_wide_{tag}", "orthogonal_", (3, 8), init.orthogonal_, dt, seed=17, gain=2.0)
    case(f"orthogonal_conv_{tag}", "orthogonal_", (5, 2, 2, 2), init.orthogonal_, dt, seed=18)
    case(f"orthogonal_big_{tag}", "orthogonal_", (40, 40), init.orthogonal_, dt, seed=19)
    case(f"sparse_{tag}", "sparse_", (10, 6), init.sparse_, dt, seed=20, sparsity=0.3)
    case(f"sparse_std_{tag}", "sparse_", (7, 3), init.sparse_, dt, seed=21, sparsity=0.5, std=1.0)
    case(f"constant_{tag}", "constant_", (2, 3), init.constant_, dt, val=0.3)
    case(f"ones_{tag}", "ones_", (4,), init.ones_, dt)
    case(f"zeros_{tag}", "zeros_", (2, 2, 2), init.zeros_, dt)
    case(f"eye_{tag}", "eye_", (3, 5), init.eye_, dt)
    case(f"eye_tall_{tag}", "eye_", (4, 2), init.eye_, dt)
    case(f"dirac3_{tag}", "dirac_", (4, 2, 3), init.dirac_, dt)
    case(f"dirac4_groups_{tag}", "dirac_", (6, 2, 3, 4), init.dirac_, dt, groups=2)
    case(f"dirac5_{tag}", "dirac_", (2, 3, 3, 3, 2), init.dirac_, dt)

# Gains and fans as plain numbers.
gains = [[n, p, init.calculate_gain(n, p)] for n, p in [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None), ("conv_transpose1d", None),
    ("conv_transpose2d", None), ("conv_transpose3d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
    ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None)]]
fans = [[list(s), list(init._calculate_fan_in_and_fan_out(torch.empty(*s)))] for s in
        [(3, 4), (6, 1, 5, 5), (16, 8, 3, 3), (2, 3, 4), (1, 0), (5, 2, 1, 2, 3)]]
f.cases.append({"id": "gains", "op": "calculate_gain", "values": gains})
f.cases.append({"id": "fans", "op": "fan_in_and_fan_out", "values": fans})

f.save()
