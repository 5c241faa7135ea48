"""Writes PyTorch checkpoints for Flint's serialization tests into tests/fixtures/serialization/.

For each checkpoint NAME.<ext> it writes NAME.expected.json: the saved object in the typed JSON of
serialization_common.py (exact float bits, tensor bytes, strides, storage sharing, object identity). The C# tests
(tests/Flint.Tests/Serialization) load every checkpoint with Torch.Load and compare every value.

Also written: a legacy-format (pre-1.6) checkpoint, a protocol-4 pickle, a 2.x-style archive (archive/ folder,
byteorder, .data/serialization_id, .format_version, .storage_alignment) built with torch's own zip writer, a
big-endian variant, files Flint must refuse (a pickled nn.Module, a TorchScript archive, a complex tensor), and
safetensors files written byte for byte as huggingface safetensors writes them.

Run with Debian's torch: /usr/bin/python3 tests/parity/serialization.py
"""
import collections
import io
import json
import os
import pickle
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serialization_common import FIXTURES, DTYPE_NAMES, st_serialize, st_load, write_expected  # noqa: E402


class Net(nn.Module):
    """The LeNet of the seeds (SCENARIOS.md M1)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, 16 * 5 * 5)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class MiniResNet(nn.Module):
    """torchvision's resnet layout (conv1, bn1, layerN.M.{conv,bn,downsample}, fc) at a small width."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.layer1 = nn.Sequential(BasicBlock(8, 8), BasicBlock(8, 8))
        self.layer2 = nn.Sequential(BasicBlock(8, 16, 2))
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.layer2(self.layer1(F.relu(self.bn1(self.conv1(x)))))
        return self.fc(x.mean((2, 3)))


def path(name):
    return os.path.join(FIXTURES, name)


def save(name, obj, **kwargs):
    torch.save(obj, path(name), **kwargs)
    base = name.rsplit(".", 1)[0]
    write_expected(base, obj)
    print(f"{name}: {os.path.getsize(path(name))} bytes")


def lenet_state():
    torch.manual_seed(1)
    return Net().state_dict()


def resnet_state():
    torch.manual_seed(2)
    m = MiniResNet()
    m.train()
    for _ in range(3):
        m(torch.randn(4, 3, 8, 8))
    sd = m.state_dict()
    assert sd["bn1.num_batches_tracked"].dtype == torch.int64 and sd["bn1.num_batches_tracked"].item() == 3
    assert hasattr(sd, "_metadata")
    return sd


def dtype_dict():
    inf, nan = float("inf"), float("nan")
    return {
        "float32": torch.tensor([0.0, -0.0, 1.5, -2.25, 3.4028235e38, 1.4e-45, inf, -inf, nan], dtype=torch.float32),
        "float64": torch.tensor([0.0, -0.0, 0.1, -1e-308, 1.7976931348623157e308, 5e-324, inf, -inf, nan], dtype=torch.float64),
        "float16": torch.tensor([0.0, -0.0, 1.0, 65504.0, 6e-8, -3.5, inf, nan], dtype=torch.float16),
        "bfloat16": torch.tensor([0.0, -0.0, 1.0, 3.3895e38, 1e-38, -3.5, inf, nan], dtype=torch.bfloat16),
        "int64": torch.tensor([0, 1, -1, 2 ** 63 - 1, -2 ** 63], dtype=torch.int64),
        "int32": torch.tensor([0, 1, -1, 2 ** 31 - 1, -2 ** 31], dtype=torch.int32),
        "int16": torch.tensor([0, 1, -1, 2 ** 15 - 1, -2 ** 15], dtype=torch.int16),
        "int8": torch.tensor([0, 1, -1, 127, -128], dtype=torch.int8),
        "uint8": torch.tensor([0, 1, 127, 128, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True, True], dtype=torch.bool),
        "matrix": torch.arange(12, dtype=torch.float64).reshape(3, 4) / 7,
        "scalar": torch.tensor(3.5),
        "int_scalar": torch.tensor(7),
        "empty": torch.zeros(0, 3),
        "empty_int": torch.zeros(2, 0, dtype=torch.int32),
    }


def views_dict():
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    twice = torch.linspace(-1, 1, 5)
    shorts = torch.arange(10, dtype=torch.int16)
    return {
        "base": base,
        "row": base[1],
        "col": base[:, 2],
        "t": base.t(),
        "block": base[1:3, 2:5],
        "step": base[::2, ::3],
        "flat": base.view(-1)[5:11],
        "expanded": torch.arange(3.0).expand(4, 3),
        "noncontig_alone": torch.arange(12.0).reshape(3, 4).t(),
        "offset_only": torch.arange(10)[7:],
        "permuted": torch.arange(24, dtype=torch.int32).reshape(2, 3, 4).permute(2, 0, 1),
        "twice_a": twice,
        "twice_b": twice,
        "shorts": (shorts, shorts[2:5], shorts[::3]),
    }


def adam_state():
    torch.manual_seed(3)
    net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for _ in range(3):
        opt.zero_grad()
        loss = net(torch.randn(5, 4)).pow(2).mean()
        loss.backward()
        opt.step()
    sd = opt.state_dict()
    assert sd["state"][0]["step"].item() == 3.0
    return sd


def nested_obj():
    shared = [1, 2, 3]
    recursive = []
    recursive.append(recursive)
    return {
        "ints": [0, 1, 255, 256, 65535, 65536, -1, -129, 2 ** 31 - 1, -2 ** 31, 2 ** 31, 2 ** 63 - 1, -2 ** 63, 2 ** 64,
                 2 ** 70, -2 ** 100, 10 ** 40],
        "floats": [0.0, -0.0, 1.5, 1e-300, 1e300, float("inf"), float("-inf"), float("nan"), 0.1],
        "bools": (True, False),
        "none": None,
        "str": "h\u00e9llo \u2713 \U0001d11e",
        "empty_str": "",
        "bytes": b"\x00\x01\xffabc",
        "empty_bytes": b"",
        "tuple0": (),
        "tuple1": (1,),
        "tuple5": (1, 2, 3, 4, "five"),
        "size": torch.Size([2, 3]),
        "size0": torch.Size([]),
        "dev_cpu": torch.device("cpu"),
        "dev_cuda": torch.device("cuda", 1),
        "dev_cuda0": torch.device("cuda:0"),
        "dtype": torch.float16,
        "dtypes": [torch.float32, torch.int64, torch.bool, torch.bfloat16, torch.uint8],
        "set": {1, 2, "a"},
        "frozenset": frozenset([3]),
        "complex": 1.5 - 2j,
        "int_keys": {1: "a", -5: "b", 2 ** 40: "c"},
        "mixed_keys": {1: "x", "k": "y", (1, 2): "z"},
        "odict_int": collections.OrderedDict([(3, "c"), (1, "a")]),
        "empty_dict": {},
        "empty_list": [],
        "empty_odict": collections.OrderedDict(),
        "shared_a": shared,
        "shared_b": shared,
        "recursive": recursive,
        "nested": {"a": {"b": {"c": [{"d": (1, [2, {"e": None}])}]}}},
        "tensors": [torch.arange(3), torch.tensor(2.5)],
        "big_list": list(range(2500)),
        "big_dict": {f"k{i}": i for i in range(1200)},
    }


def params_obj():
    torch.manual_seed(4)
    x = torch.ones(2, requires_grad=True)
    return {
        "param": nn.Parameter(torch.randn(3)),
        "frozen": nn.Parameter(torch.ones(2), requires_grad=False),
        "leaf": torch.full((2,), 0.5, requires_grad=True),
        "nonleaf": x * 2,
        "plain": torch.zeros(2),
    }


def legacy_obj():
    base = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    return {
        "state_dict": resnet_state(),
        "views": {"base": base, "col": base[:, 1], "t": base.t()},
        "meta": {"epoch": 3, "lr": 0.1, "names": ["a", "b"], "flag": True},
        "param": nn.Parameter(torch.tensor([1.0, 2.0])),
        "ints": torch.tensor([1, -2, 3], dtype=torch.int8),
    }


class _StoragePickler(pickle.Pickler):
    """torch.serialization._save's persistent_id, kept here to lay out a 2.x-style archive by hand."""

    def __init__(self, f, protocol):
        super().__init__(f, protocol=protocol)
        self.keys, self.storages = {}, {}

    def persistent_id(self, obj):
        if isinstance(obj, torch.storage.TypedStorage):
            key = self.keys.setdefault(obj._cdata, str(len(self.keys)))
            self.storages[key] = obj
            return ("storage", getattr(torch, obj.pickle_storage_type()), key, "cpu", obj.size())
        return None


def write_2x_style(name, obj, byteorder="little"):
    """An archive laid out as PyTorch 2.x writes it: top folder archive/, data.pkl, .format_version,
    .storage_alignment, byteorder, data/N, version, .data/serialization_id (torch's own zip writer)."""
    buf = io.BytesIO()
    p = _StoragePickler(buf, 2)
    p.dump(obj)
    out = io.BytesIO()
    w = torch._C.PyTorchFileWriter(out)
    data = buf.getvalue()
    w.write_record("data.pkl", data, len(data))
    w.write_record(".format_version", b"1", 1)
    w.write_record(".storage_alignment", b"64", 2)
    w.write_record("byteorder", byteorder.encode(), len(byteorder))
    for key in sorted(p.storages, key=int):
        s = p.storages[key]
        t = torch.empty(0, dtype=s.dtype).set_(s)
        raw = bytearray(t.contiguous().view(torch.uint8).numpy().tobytes() if t.dtype != torch.bool
                        else t.to(torch.uint8).numpy().tobytes())
        if byteorder == "big" and t.element_size() > 1:
            k = t.element_size()
            for i in range(0, len(raw), k):
                raw[i:i + k] = raw[i:i + k][::-1]
        w.write_record(f"data/{key}", bytes(raw), len(raw))
    sid = b"0636457737946401051300000027264370494161"
    w.write_record(".data/serialization_id", sid, len(sid))
    w.write_end_of_file()
    with open(path(name), "wb") as f:
        f.write(out.getvalue())
    loaded = torch.load(path(name))
    if byteorder == "little":
        for k, v in obj.items():
            if isinstance(v, torch.Tensor):
                assert torch.equal(loaded[k], v) or torch.isnan(v).any(), k
    write_expected(name.rsplit(".", 1)[0], obj)
    print(f"{name}: {os.path.getsize(path(name))} bytes")


def safetensors_files():
    torch.manual_seed(5)
    tensors = {
        "conv1.weight": torch.randn(6, 1, 5, 5),
        "conv1.bias": torch.randn(6),
        "fc.weight": torch.randn(10, 16, dtype=torch.float64),
        "embed": torch.randn(4, 3).to(torch.bfloat16),
        "half": torch.tensor([1.0, -2.5, 65504.0], dtype=torch.float16),
        "steps": torch.tensor([1, 2, 3], dtype=torch.int64),
        "idx": torch.tensor([[1, -2], [3, -4]], dtype=torch.int32),
        "short": torch.tensor([-7, 7], dtype=torch.int16),
        "bytes": torch.tensor([0, 200, 255], dtype=torch.uint8),
        "signed": torch.tensor([-128, 127], dtype=torch.int8),
        "mask": torch.tensor([True, False, True]),
        "scalar": torch.tensor(1.25),
        "empty": torch.zeros(0, 4),
        "\u00e9t\u00e9 \"quoted\"\n": torch.tensor([9.0]),
    }
    meta = {"format": "pt", "note": "line\nbreak \"quoted\" \u2713"}
    blob = st_serialize(tensors, meta)
    with open(path("reference.safetensors"), "wb") as f:
        f.write(blob)
    back, m = st_load(blob)
    assert m == meta and all(torch.equal(back[k].view(-1).to(torch.float64), tensors[k].view(-1).to(torch.float64))
                             for k in tensors)
    write_expected("reference", collections.OrderedDict(sorted(tensors.items(), key=lambda kv: kv[0].encode())),
                   {"metadata": meta})
    print(f"reference.safetensors: {len(blob)} bytes")
    plain = st_serialize({"a": torch.arange(4, dtype=torch.float32)})
    with open(path("nometa.safetensors"), "wb") as f:
        f.write(plain)
    write_expected("nometa", {"a": torch.arange(4, dtype=torch.float32)})
    with open(path("empty.safetensors"), "wb") as f:
        f.write(st_serialize({}))
    u16 = st_serialize({"a": torch.zeros(2)}, raw={"u": ("U16", [2], b"\x01\x00\x02\x00")})
    with open(path("u16.safetensors"), "wb") as f:
        f.write(u16)


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    save("lenet.pth", lenet_state())
    save("resnet.pt", resnet_state())
    save("dtypes.pkl", dtype_dict())
    save("views.pt", views_dict())
    save("adam.bin", adam_state())
    save("nested.pt", nested_obj())
    save("params.pt", params_obj())
    save("legacy.pt", legacy_obj(), _use_new_zipfile_serialization=False)
    save("proto4.pt", {"sd": resnet_state(), "nested": {"a": [1, 2.5, "x", (3, None)], "t": torch.arange(5)}},
         pickle_protocol=4)
    write_2x_style("v2x.pt", {"w": torch.randn(3, 4), "i": torch.arange(6, dtype=torch.int64), "h": torch.ones(2, dtype=torch.float16),
                              "steps": 7, "view": None})
    be = {"f32": torch.tensor([1.5, -2.0, 3.25]), "f64": torch.tensor([1e100, -0.5], dtype=torch.float64),
          "i16": torch.tensor([1, -300], dtype=torch.int16), "u8": torch.tensor([1, 2], dtype=torch.uint8),
          "bf16": torch.tensor([1.0, -7.5], dtype=torch.bfloat16)}
    write_2x_style("bigendian.pt", be, byteorder="big")
    torch.manual_seed(6)
    torch.save(Net(), path("model_pickle.pt"))
    torch.jit.save(torch.jit.script(nn.Linear(2, 2)), path("torchscript.pt"))
    torch.save({"z": torch.tensor([1 + 2j, 3 - 4j])}, path("complex.pt"))
    safetensors_files()


if __name__ == "__main__":
    main()
