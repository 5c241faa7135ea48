"""Parity fixtures for the recurrent layers: RNN (tanh, relu), LSTM (with projections), GRU, their cells, packed
sequences and the torch.nn.utils.rnn helpers.

Each module case records the constructor settings, the weights by PyTorch's names (so the C# side loads them with
LoadStateDict), the inputs, PyTorch's outputs, a random gradient for each output and the gradients of every input
and weight. Run with Debian's torch: /usr/bin/python3 tests/parity/nn_rnn.py
"""
import itertools

import torch
from torch import nn
from torch.nn.utils import rnn as rnn_utils

import nn_rnn_modules
from fixture import Fixture, rand

f = Fixture("nn_rnn")

T, B, I, H, P = 3, 2, 3, 4, 2


def store(key, t):
    return f._store(key, t)


def module_case(id, kind, kwargs, module, inputs, run, dtype=torch.float32, train=True):
    nn_rnn_modules.module_case(f, id, kind, kwargs, module, inputs, run, dtype, train)


def make(kind, kw):
    if kind == "RNN_TANH":
        return nn.RNN(I, H, **kw)
    if kind == "RNN_RELU":
        return nn.RNN(I, H, nonlinearity="relu", **kw)
    if kind == "LSTM":
        return nn.LSTM(I, H, **kw)
    return nn.GRU(I, H, **kw)


def padded_case(kind, kw, with_hx, dtype=torch.float32, suffix="", batched=True, train=True):
    m = make(kind, kw)
    dirs = 2 if kw.get("bidirectional") else 1
    layers = kw.get("num_layers", 1)
    hout = kw.get("proj_size", 0) or H
    if batched:
        x = rand(B, T, I) if kw.get("batch_first") else rand(T, B, I)
        hshape, cshape = (layers * dirs, B, hout), (layers * dirs, B, H)
    else:
        x = rand(T, I)
        hshape, cshape = (layers * dirs, hout), (layers * dirs, H)
    inputs = {"input": x}
    if with_hx:
        inputs["h0"] = rand(*hshape, low=-1, high=1)
        if kind == "LSTM":
            inputs["c0"] = rand(*cshape, low=-1, high=1)

    def run(mod, lv):
        if kind == "LSTM":
            hx = (lv["h0"], lv["c0"]) if with_hx else None
            o, (h, c) = mod(lv["input"], hx)
            return [o, h, c]
        o, h = mod(lv["input"], lv.get("h0"))
        return [o, h]

    name = "_".join(f"{k}={int(v) if isinstance(v, bool) else v}" for k, v in kw.items())
    id = f"{kind}/{name}/hx={int(with_hx)}{suffix}"
    module_case(id, kind, dict(kw), m, inputs, run, dtype, train)


# Every option combination of every recurrent layer.
for kind in ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]:
    projs = [0, P] if kind == "LSTM" else [0]
    for layers, bias, batch_first, bidir, proj, with_hx in itertools.product([1, 2], [True, False], [False, True],
                                                                             [False, True], projs, [False, True]):
        kw = {"num_layers": layers, "bias": bias, "batch_first": batch_first, "bidirectional": bidir}
        if proj:
            kw["proj_size"] = proj
        padded_case(kind, kw, with_hx)

# Double precision (also checked numerically on the C# side), unbatched input, eval mode with dropout set.
for kind in ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]:
    padded_case(kind, {"num_layers": 2, "bidirectional": True}, True, torch.float64, "/f64")
    padded_case(kind, {"num_layers": 2}, True, suffix="/unbatched", batched=False)
    padded_case(kind, {"num_layers": 2, "dropout": 0.5}, True, suffix="/eval", train=False)
padded_case("LSTM", {"num_layers": 2, "bidirectional": True, "proj_size": P}, True, torch.float64, "/f64")
padded_case("LSTM", {"num_layers": 1, "proj_size": P}, False, suffix="/unbatched", batched=False)

# Wider layers (hidden 11: one 8-lane vector and a tail) over a longer sequence: the vectorised cell kernels.
for kind in ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]:
    for proj in ([0, 9] if kind == "LSTM" else [0]):
        kw = {"num_layers": 2, "batch_first": True, "bidirectional": True}
        if proj:
            kw["proj_size"] = proj
        m = {"RNN_TANH": lambda: nn.RNN(5, 11, **kw), "RNN_RELU": lambda: nn.RNN(5, 11, nonlinearity="relu", **kw),
             "LSTM": lambda: nn.LSTM(5, 11, **kw), "GRU": lambda: nn.GRU(5, 11, **kw)}[kind]()
        hout = proj or 11
        inputs = {"input": rand(3, 6, 5), "h0": rand(4, 3, hout, low=-1, high=1)}
        if kind == "LSTM":
            inputs["c0"] = rand(4, 3, 11, low=-1, high=1)

        def run_wide(mod, lv, kind=kind):
            if kind == "LSTM":
                o, (h, c) = mod(lv["input"], (lv["h0"], lv["c0"]))
                return [o, h, c]
            o, h = mod(lv["input"], lv["h0"])
            return [o, h]

        module_case(f"{kind}/wide/proj={proj}", kind, kw, m, inputs, run_wide)


# Packed sequences: sorted and unsorted lengths, both directions, two layers.
def packed_case(kind, kw, lengths, enforce_sorted, with_hx, dtype=torch.float32, suffix=""):
    m = make(kind, kw)
    dirs = 2 if kw.get("bidirectional") else 1
    layers = kw.get("num_layers", 1)
    hout = kw.get("proj_size", 0) or H
    nb = len(lengths)
    inputs = {"input": rand(max(lengths), nb, I)}
    if with_hx:
        inputs["h0"] = rand(layers * dirs, nb, hout, low=-1, high=1)
        if kind == "LSTM":
            inputs["c0"] = rand(layers * dirs, nb, H, low=-1, high=1)

    def run(mod, lv):
        packed = rnn_utils.pack_padded_sequence(lv["input"], torch.tensor(lengths), enforce_sorted=enforce_sorted)
        if kind == "LSTM":
            o, (h, c) = mod(packed, (lv["h0"], lv["c0"]) if with_hx else None)
            padded, _ = rnn_utils.pad_packed_sequence(o)
            return [o.data, padded, h, c]
        o, h = mod(packed, lv.get("h0"))
        padded, _ = rnn_utils.pad_packed_sequence(o)
        return [o.data, padded, h]

    name = "_".join(f"{k}={int(v) if isinstance(v, bool) else v}" for k, v in kw.items())
    kwargs = dict(kw)
    kwargs["lengths"] = lengths
    kwargs["enforce_sorted"] = enforce_sorted
    module_case(f"packed/{kind}/{name}/{'-'.join(map(str, lengths))}/hx={int(with_hx)}{suffix}", kind, kwargs, m,
                inputs, run, dtype)


for kind in ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]:
    for bidir, with_hx in itertools.product([False, True], [False, True]):
        packed_case(kind, {"num_layers": 2, "bidirectional": bidir}, [4, 3, 3, 1], True, with_hx)
        packed_case(kind, {"num_layers": 1, "bidirectional": bidir}, [2, 4, 1, 3], False, with_hx)
    packed_case(kind, {"num_layers": 2, "bidirectional": True}, [3, 1, 2], False, True, torch.float64, "/f64")
packed_case("LSTM", {"num_layers": 2, "bidirectional": True, "proj_size": P}, [3, 4, 1], False, True)
H = 11  # wider packed cases for the vectorised kernels
for kind in ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]:
    packed_case(kind, {"num_layers": 2, "bidirectional": True}, [2, 5, 1, 4], False, True, suffix="/wide")
H = 4


# Second order: the gradient of sum(out * w) with respect to the input, made differentiable (create_graph), then
# the backward of its squared norm.
def second_order_case(kind, kw, packed=False):
    m = make(kind, kw).double()
    x = rand(T, B, I, dtype=torch.float64).requires_grad_()

    def outputs(x):
        if packed:
            inp = rnn_utils.pack_padded_sequence(x, torch.tensor([3, 2]))
            o, hid = m(inp)
            return [o.data, rnn_utils.pad_packed_sequence(o)[0]] + (list(hid) if kind == "LSTM" else [hid])
        o, hid = m(x)
        return [o] + (list(hid) if kind == "LSTM" else [hid])

    outs = outputs(x)
    ws = [torch.randn_like(o) for o in outs]
    total = sum((o * w).sum() for o, w in zip(outs, ws))
    gx, = torch.autograd.grad(total, x, create_graph=True)
    (gx * gx).sum().backward()
    id = f"second/{kind}/" + "_".join(f"{k}={int(v) if isinstance(v, bool) else v}" for k, v in kw.items()) + \
         ("/packed" if packed else "")
    kwargs = dict(kw)
    if packed:
        kwargs["lengths"] = [3, 2]
        kwargs["enforce_sorted"] = True
    case = {"id": id, "module": kind, "kwargs": kwargs, "call": {}, "train": True, "dtype": "float64",
            "params": {n: store(f"{id}/p/{n}", p.detach()) for n, p in m.named_parameters()},
            "inputs": {"input": store(f"{id}/in/input", x)},
            "outputs": [store(f"{id}/out{k}", o) for k, o in enumerate(outs)],
            "grad_outputs": [store(f"{id}/gout{k}", w) for k, w in enumerate(ws)],
            "grads": {n: store(f"{id}/gp/{n}", p.grad) for n, p in m.named_parameters() if p.grad is not None}}
    case["grads"]["in:input"] = store(f"{id}/gin/input", x.grad)
    f.cases.append(case)


for kind in ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]:
    second_order_case(kind, {"num_layers": 2, "bidirectional": True})
    second_order_case(kind, {"num_layers": 1, "bidirectional": True}, packed=True)
second_order_case("LSTM", {"num_layers": 1, "proj_size": P})


# Cells.
def cell_case(kind, bias, with_hx, batched=True, dtype=torch.float32):
    cls = {"RNNCell_tanh": lambda: nn.RNNCell(I, H, bias=bias), "RNNCell_relu": lambda: nn.RNNCell(I, H, bias=bias, nonlinearity="relu"),
           "LSTMCell": lambda: nn.LSTMCell(I, H, bias=bias), "GRUCell": lambda: nn.GRUCell(I, H, bias=bias)}[kind]
    m = cls()
    shape = (B,) if batched else ()
    inputs = {"input": rand(*shape, I)}
    if with_hx:
        inputs["h0"] = rand(*shape, H, low=-1, high=1)
        if kind == "LSTMCell":
            inputs["c0"] = rand(*shape, H, low=-1, high=1)

    def run(mod, lv):
        if kind == "LSTMCell":
            h, c = mod(lv["input"], (lv["h0"], lv["c0"]) if with_hx else None)
            return [h, c]
        return [mod(lv["input"], lv.get("h0"))]

    id = f"cell/{kind}/bias={int(bias)}/hx={int(with_hx)}" + ("" if batched else "/unbatched") + \
         ("/f64" if dtype == torch.float64 else "")
    module_case(id, kind, {"bias": bias}, m, inputs, run, dtype)


for kind in ["RNNCell_tanh", "RNNCell_relu", "LSTMCell", "GRUCell"]:
    for bias, with_hx in itertools.product([True, False], [True, False]):
        cell_case(kind, bias, with_hx)
    cell_case(kind, True, True, batched=False)
    cell_case(kind, True, True, dtype=torch.float64)


# torch.nn.utils.rnn functions (no module): recorded as plain op cases.
def utils_case(id, fn, inputs, kwargs):
    leaves = [x.detach().clone().requires_grad_(True) for x in inputs]
    outs = fn(*leaves)
    case = {"id": id, "module": "utils", "kwargs": kwargs, "call": {}, "train": True, "dtype": "float32", "params": {},
            "inputs": {f"x{i}": store(f"{id}/in/x{i}", v) for i, v in enumerate(leaves)},
            "outputs": [store(f"{id}/out{k}", o) for k, o in enumerate(outs)]}
    gouts = [torch.randn_like(o) if o.is_floating_point() else None for o in outs]
    sum((o * g).sum() for o, g in zip(outs, gouts) if g is not None).backward()
    case["grad_outputs"] = [store(f"{id}/gout{k}", g) if g is not None else None for k, g in enumerate(gouts)]
    case["grads"] = {f"in:x{i}": store(f"{id}/gin/x{i}", v.grad) for i, v in enumerate(leaves)}
    f.cases.append(case)


for bf, es, tl in itertools.product([False, True], [True, False], [None, 6]):
    lengths = [5, 3, 3, 1] if es else [3, 5, 1, 3]
    x = rand(4, 5, 2) if bf else rand(5, 4, 2)

    def pack_pad(x, bf=bf, es=es, tl=tl, lengths=lengths):
        p = rnn_utils.pack_padded_sequence(x, torch.tensor(lengths), batch_first=bf, enforce_sorted=es)
        padded, lens = rnn_utils.pad_packed_sequence(p, batch_first=bf, padding_value=-1.5, total_length=tl)
        return [p.data, p.batch_sizes, padded, lens]

    utils_case(f"utils/pack_pad/bf={int(bf)}/sorted={int(es)}/total={tl}", pack_pad, [x],
               {"batch_first": bf, "enforce_sorted": es, "total_length": tl, "lengths": lengths, "padding_value": -1.5})

for bf in [False, True]:
    def pad_seq(a, b, c, bf=bf):
        return [rnn_utils.pad_sequence([a, b, c], batch_first=bf, padding_value=2.0)]

    utils_case(f"utils/pad_sequence/bf={int(bf)}", pad_seq, [rand(3, 2), rand(5, 2), rand(1, 2)],
               {"batch_first": bf, "padding_value": 2.0})


def pack_seq(a, b, c):
    p = rnn_utils.pack_sequence([a, b, c], enforce_sorted=False)
    return [p.data, p.batch_sizes, p.sorted_indices, p.unsorted_indices]


utils_case("utils/pack_sequence", pack_seq, [rand(2, 3), rand(4, 3), rand(1, 3)], {})

# Printed forms.
for id, kind, kw, m in [
        ("lstm", "LSTM", {}, nn.LSTM(I, H)),
        ("lstm_all", "LSTM", {"num_layers": 2, "bias": False, "batch_first": True, "dropout": 0.5, "bidirectional": True,
                              "proj_size": P}, nn.LSTM(I, H, 2, bias=False, batch_first=True, dropout=0.5, bidirectional=True,
                                                       proj_size=P)),
        ("gru", "GRU", {"num_layers": 3, "dropout": 0.25}, nn.GRU(I, H, 3, dropout=0.25)),
        ("rnn_relu", "RNN_RELU", {"bidirectional": True}, nn.RNN(I, H, nonlinearity="relu", bidirectional=True)),
        ("rnncell_relu", "RNNCell_relu", {"bias": False}, nn.RNNCell(I, H, bias=False, nonlinearity="relu")),
        ("lstmcell", "LSTMCell", {}, nn.LSTMCell(I, H)),
        ("grucell", "GRUCell", {"bias": False}, nn.GRUCell(I, H, bias=False))]:
    f.cases.append({"id": f"repr/{id}", "module": kind, "kwargs": dict(kw, input_size=I, hidden_size=H), "repr": repr(m)})

f.save()
