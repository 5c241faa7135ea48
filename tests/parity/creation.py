"""Parity fixtures for creation ops: arange, linspace, logspace, eye, full, zeros/ones, tensor from nested data,
new_* and *_like, compared exactly (dtype, shape and every bit of every value).
Run with Debian's torch: /usr/bin/python3 tests/parity/creation.py
"""
import random

import torch

from fixture import Fixture, DTYPES

f = Fixture("creation")
NAMES = {v: k for k, v in DTYPES.items()}


def case(id, op, fn, **kwargs):
    assert all(c["id"] != id for c in f.cases), id
    out = fn()
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    f.cases.append({"id": id, "op": op, "kwargs": kwargs,
                    "outputs": [f._store(f"{id}/out{k}", o) for k, o in enumerate(outs)],
                    "strides": [list(o.stride()) for o in outs]})


def dt(name):
    return None if name is None else NAMES[name]


# arange: dtype inference, lengths, the kernel's float arithmetic
ar = [((10,), None), ((0, 10, 3), None), ((10, 0, -3), None), ((0, 5, 0.5), None), ((1, 2.5, 0.5), None),
      ((-1.5, 2.5), None), ((0.1, 10.3, 0.37), None), ((0.1, 10.3, 0.37), "float64"),
      ((-3.3, 7.9, 0.013), None), ((-3.3, 7.9, 0.013), "float64"), ((-1000, 1000, 3.3), None),
      ((-1000, 1000, 3.3), "float64"), ((0.5, 5.9, 1.7), "int64"), ((0.5, 5.9, 1.7), "int32"), ((10,), "float16"),
      ((0, 3, 0.1), "float16"), ((0, 3, 0.1), "bfloat16"), ((1, 4), "float64"), ((5, 2, -0.25), None),
      ((0, 100, 7), "uint8"), ((-20, 20, 3), "int8"), ((0, 0), None), ((3, 3, 1.0), None)]
for i, (args, d) in enumerate(ar):
    case(f"arange/{i}", "arange", lambda: torch.arange(*args, dtype=dt(d)), args=list(args), dtype=d)
random.seed(0)
for i in range(20):
    s = round(random.uniform(-500, 500), 3)
    st = random.choice([1, -1]) * round(10 ** random.uniform(-2, 1.5), 4)
    e = round(s + st * random.randint(1, 300), 3)
    for d in ("float32", "float64"):
        case(f"arange/rand{i}/{d}", "arange", lambda: torch.arange(s, e, st, dtype=dt(d)), args=[s, e, st], dtype=d)

# linspace
for i in range(20):
    s, e, n = round(random.uniform(-100, 100), 3), round(random.uniform(-100, 100), 3), random.randint(2, 70)
    for d in ("float32", "float64", "float16", "bfloat16"):
        case(f"linspace/rand{i}/{d}", "linspace", lambda: torch.linspace(s, e, n, dtype=dt(d)), start=s, end=e,
             steps=n, dtype=d)
for i in range(8):
    s, e, n = random.randint(-100, 100), random.randint(-100, 100), random.randint(2, 90)
    for d in ("int64", "int32", "int16", "int8"):
        case(f"linspace/int{i}/{d}", "linspace", lambda: torch.linspace(s, e, n, dtype=dt(d)), start=s, end=e,
             steps=n, dtype=d)
for i, (s, e, n) in enumerate([(0, 1, 5), (3, 1, 1), (0, 1, 0), (-1, 1, 2), (0, 10, 11)]):
    case(f"linspace/fixed{i}", "linspace", lambda: torch.linspace(s, e, n), start=s, end=e, steps=n, dtype=None)

# logspace
for i in range(12):
    s, e, n = round(random.uniform(-5, 5), 3), round(random.uniform(-5, 5), 3), random.randint(2, 50)
    b = random.choice([10.0, 2.0, 3.7])
    for d in ("float32", "float64", "bfloat16"):
        case(f"logspace/rand{i}/{d}", "logspace", lambda: torch.logspace(s, e, n, base=b, dtype=dt(d)), start=s,
             end=e, steps=n, base=b, dtype=d)
for i, (s, e, n, b, d) in enumerate([(0, 3, 4, 10.0, "int64"), (0, 10, 11, 2.0, "int32"), (0, 2, 1, 2.0, None),
                                     (1, 1, 3, 10.0, None), (-2, 2, 0, 10.0, None)]):
    case(f"logspace/fixed{i}", "logspace", lambda: torch.logspace(s, e, n, base=b, dtype=dt(d)), start=s, end=e,
         steps=n, base=b, dtype=d)

# eye, full, zeros, ones
for i, (n, m, d) in enumerate([(3, None, None), (2, 4, None), (4, 2, "int64"), (3, 2, "bool"), (0, None, None),
                               (1, 3, "float16")]):
    case(f"eye/{i}", "eye", lambda: torch.eye(n, m if m is not None else n, dtype=dt(d)), n=n, m=m, dtype=d)
for i, (shape, v, d) in enumerate([((2, 3), 7, None), ((2,), 2.5, None), ((2,), True, None), ((2, 2), 3, "float16"),
                                   ((3,), -1, "uint8"), ((2,), 2.7, "int32"), ((1, 2, 3), 1.5, "float64"),
                                   ((0, 2), 4, None)]):
    case(f"full/{i}", "full", lambda: torch.full(shape, v, dtype=dt(d)), shape=list(shape), value=v, dtype=d)
for d in [None] + list(DTYPES.values()):
    case(f"zeros/{d}", "zeros", lambda: torch.zeros(2, 3, dtype=dt(d)), shape=[2, 3], dtype=d)
    case(f"ones/{d}", "ones", lambda: torch.ones(3, 1, 2, dtype=dt(d)), shape=[3, 1, 2], dtype=d)

# tensor from nested data, by element type (the C# side builds a rank-k array of that type)
data = [([1.5, -2.0, 3.25], "float32"), ([[1, 2], [3, 4]], "int64"), ([[[1.0, 2.0]], [[3.0, 4.0]]], "float64"),
        ([[[[1, 0]], [[0, 1]]]], "uint8"), ([[True, False], [False, True]], "bool"), ([[1, -2, 3]], "int32"),
        ([7, 8], "int16"), ([-7, 8], "int8"), ([0.5, 1.5], "float16")]
for i, (d, typ) in enumerate(data):
    case(f"tensor/{i}", "tensor", lambda: torch.tensor(d, dtype=dt(typ)), data=d, dtype=typ)
    case(f"tensor_convert/{i}", "tensor_convert", lambda: torch.tensor(d, dtype=dt(typ)).to(torch.float64),
         data=d, dtype=typ)
for i, (v, d) in enumerate([(3.5, None), (3, None), (True, None), (2.5, "float64"), (3.7, "int64"),
                            (-3.7, "int64"), (1, "float32")]):
    case(f"scalar/{i}", "scalar", lambda: torch.tensor(v, dtype=dt(d)), value=v, dtype=d)

# new_* and *_like
x32 = torch.ones(2, dtype=torch.int32)
case("new/ones", "new_ones", lambda: (x32.new_ones(4, 3), x32.new_ones(2, dtype=torch.float64)), base="int32")
case("new/zeros", "new_zeros", lambda: (x32.new_zeros(2, 3, 4), x32.new_zeros(1, 2, 1, 2, dtype=torch.bool)),
     base="int32")
case("new/full", "new_full", lambda: (x32.new_full((2, 2), 7), x32.new_full((3,), 2.9)), base="int32")
case("new/tensor", "new_tensor", lambda: (x32.new_tensor([1.7, -2.2]), x32.new_tensor(3.5),
                                          x32.new_tensor([1.5], dtype=torch.float64)), base="int32")
xt = torch.zeros(3, 2, dtype=torch.float64).t()
case("like/zeros", "zeros_like", lambda: (torch.zeros_like(xt), torch.zeros_like(xt, dtype=torch.int32)))
case("like/ones", "ones_like", lambda: (torch.ones_like(xt), torch.ones_like(xt, dtype=torch.bool)))
case("like/full", "full_like", lambda: (torch.full_like(xt, 7), torch.full_like(xt.int(), 2.7)))
f.save()
