"""Loads every checkpoint Flint wrote (tests/fixtures/serialization/flint_*.pt, flint*.safetensors) in real PyTorch
and checks every value against the description Flint wrote beside it (flint_*.expected.json, typed JSON of
serialization_common.py): dtype, shape, strides, storage offset, storage sharing, requires_grad, exact bytes,
exact float bits, big ints, container types, dict order and object identity.

Checkpoints are loaded with torch.load(weights_only=True). PyTorch 1.13's weights_only unpickler lacks opcodes and
globals that PyTorch 2.x's has (BINFLOAT, so any Python float; torch.device; sets; bytes; complex) and fails on
PyTorch's own files holding them; for those files this script checks every opcode and GLOBAL against what 2.x's
weights_only unpickler accepts, then loads with weights_only=False. It prints which path each file took.

State dicts are also loaded into the PyTorch modules and optimizer they belong to (load_state_dict, strict).

Run with Debian's torch: /usr/bin/python3 tests/parity/verify_flint_checkpoints.py
"""
import base64
import collections
import glob
import json
import os
import pickletools
import struct
import sys
import zipfile

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serialization_common import FIXTURES, DTYPES_BY_NAME, float_bits, st_load, st_serialize, tensor_bytes  # noqa: E402
from serialization import Net, MiniResNet  # noqa: E402

# What torch/_weights_only_unpickler.py of PyTorch 2.x handles.
OPCODES_2X = {"PROTO", "STOP", "MARK", "GLOBAL", "NEWOBJ", "REDUCE", "BUILD", "APPEND", "APPENDS", "SETITEM", "SETITEMS",
              "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "NONE", "NEWTRUE", "NEWFALSE", "EMPTY_TUPLE", "EMPTY_LIST",
              "EMPTY_DICT", "EMPTY_SET", "BININT", "BININT1", "BININT2", "BINFLOAT", "BINUNICODE", "SHORT_BINSTRING",
              "BINPERSID", "BINGET", "LONG_BINGET", "BINPUT", "LONG_BINPUT", "LONG1"}
STORAGES = {"torch." + n + "Storage" for n in ["Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool"]}
DTYPES = {"torch." + n for n in ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool"]}
GLOBALS_2X = {"collections OrderedDict", "torch._utils _rebuild_tensor_v2", "torch._utils _rebuild_parameter", "torch Size",
              "torch device", "_codecs encode", "__builtin__ set", "__builtin__ complex"} | \
             {s.replace(".", " ", 1) for s in STORAGES | DTYPES}


def check_2x_compatible(data_pkl):
    ops = set()
    for op, arg, _ in pickletools.genops(data_pkl):
        ops.add(op.name)
        if op.name == "GLOBAL":
            assert arg in GLOBALS_2X, f"GLOBAL {arg} is not allowed by weights_only"
    bad = ops - OPCODES_2X
    assert not bad, f"opcodes outside 2.x's weights_only unpickler: {bad}"


def load(path):
    try:
        return torch.load(path, weights_only=True), "weights_only=True"
    except Exception as e:  # noqa: BLE001 - the message decides
        msg = str(e)
        lacks = ["Unsupported operand 71", "Unsupported class torch.device", "Unsupported class __builtin__.set",
                 "Unsupported class _codecs.encode", "Unsupported class __builtin__.complex"]
        if not any(x in msg for x in lacks):
            raise
        z = zipfile.ZipFile(path)
        root = z.namelist()[0].split("/")[0]
        check_2x_compatible(z.read(root + "/data.pkl"))
        return torch.load(path, weights_only=False), "1.13 weights_only lacks an opcode/global of 2.x; 2.x allow-list checked"


class Matcher:
    def __init__(self):
        self.refs, self.storages, self.storage_ids = {}, {}, {}

    def register(self, e, o):
        if e.get("id") is not None:
            self.refs[e["id"]] = o

    def match(self, e, o, path):
        t = e["t"]
        if t == "ref":
            assert self.refs[e["id"]] is o, f"{path}: not the shared object"
        elif t == "none":
            assert o is None, path
        elif t == "bool":
            assert o is e["v"], path
        elif t == "int":
            assert type(o) is int and o == int(e["v"]), (path, o)
        elif t == "float":
            assert type(o) is float and float_bits(o) == e["v"], (path, o)
        elif t == "complex":
            assert type(o) is complex and float_bits(o.real) == e["re"] and float_bits(o.imag) == e["im"], path
        elif t == "str":
            assert type(o) is str and o == e["v"], path
        elif t == "bytes":
            assert type(o) is bytes and o == base64.b64decode(e["v"]), path
        elif t == "size":
            assert type(o) is torch.Size and list(o) == e["v"], path
        elif t == "device":
            assert type(o) is torch.device and str(o) == e["v"], path
        elif t == "dtype":
            assert o is DTYPES_BY_NAME[e["v"]], path
        elif t == "tensor":
            self.register(e, o)
            assert isinstance(o, torch.Tensor), path
            assert o.dtype is DTYPES_BY_NAME[e["dtype"]], path
            assert list(o.shape) == e["shape"] and list(o.stride()) == e["stride"], path
            assert o.storage_offset() == e["offset"], path
            assert o.requires_grad == e["requires_grad"], path
            key = o.storage()._cdata
            if e["storage"] in self.storages:
                assert self.storages[e["storage"]] == key, f"{path}: should share a storage"
            else:
                assert key not in self.storage_ids, f"{path}: shares a storage it should not"
                self.storages[e["storage"]] = key
                self.storage_ids[key] = e["storage"]
            assert tensor_bytes(o) == base64.b64decode(e["data"]), f"{path}: data differs"
        elif t == "tuple":
            assert type(o) is tuple and len(o) == len(e["items"]), path
            self.register(e, o)
            for i, (x, y) in enumerate(zip(e["items"], o)):
                self.match(x, y, f"{path}[{i}]")
        elif t == "list":
            assert type(o) is list and len(o) == len(e["items"]), path
            self.register(e, o)
            for i, (x, y) in enumerate(zip(e["items"], o)):
                self.match(x, y, f"{path}[{i}]")
        elif t == "dict":
            assert type(o) is (collections.OrderedDict if e["ordered"] else dict), (path, type(o))
            self.register(e, o)
            items = list(o.items())
            assert len(items) == len(e["items"]), path
            for i, ((ek, ev), (k, v)) in enumerate(zip(e["items"], items)):
                self.match(ek, k, f"{path}.key{i}")
                self.match(ev, v, f"{path}[{k!r}]")
        elif t == "set":
            assert type(o) is set and len(o) == len(e["items"]), path
            self.register(e, o)
            for x in e["items"]:
                v = {"int": lambda: int(x["v"]), "str": lambda: x["v"]}[x["t"]]()
                assert v in o, path
        else:
            raise AssertionError(f"{path}: unknown kind {t}")


def main():
    files = sorted(glob.glob(os.path.join(FIXTURES, "flint_*.pt")))
    assert files, "no Flint checkpoints found"
    for path in files:
        name = os.path.basename(path)[:-3]
        with open(os.path.join(FIXTURES, name + ".expected.json")) as f:
            expected = json.load(f)
        obj, how = load(path)
        Matcher().match(expected["value"], obj, "$")
        print(f"{name}.pt: every value matches ({how})")

    net = Net()
    net.load_state_dict(torch.load(os.path.join(FIXTURES, "flint_lenet.pt"), weights_only=True))
    assert net.fc1.weight.shape == (120, 400)
    MiniResNet().load_state_dict(torch.load(os.path.join(FIXTURES, "flint_resnet_resaved.pt"), weights_only=True))
    for adam in ["flint_adam.pt", "flint_optimizer_resaved.pt"]:
        model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        opt.load_state_dict(torch.load(os.path.join(FIXTURES, adam)))
        model(torch.randn(2, 4)).sum().backward()
        opt.step()
        assert opt.state_dict()["state"][0]["step"].item() == 4.0
    print("flint_lenet / flint_resnet_resaved: load_state_dict(strict=True) into the PyTorch modules works")
    print("flint_adam / flint_optimizer_resaved: Adam.load_state_dict works and the next step() runs from step 3")

    for st in sorted(glob.glob(os.path.join(FIXTURES, "flint*.safetensors"))):
        name = os.path.basename(st)[:-len(".safetensors")]
        with open(st, "rb") as f:
            blob = f.read()
        tensors, metadata = st_load(blob)
        with open(os.path.join(FIXTURES, name + ".expected.json")) as f:
            expected = json.load(f)
        assert metadata == expected.get("metadata"), name
        Matcher().match(expected["value"], collections.OrderedDict(sorted(tensors.items(), key=lambda kv: kv[0].encode())), "$")
        assert st_serialize(tensors, metadata) == blob, f"{name}: bytes differ from the reference writer's"
        print(f"{name}.safetensors: every check of the reference reader passes, every value matches, "
              "and the bytes equal the reference writer's")


if __name__ == "__main__":
    main()
