"""Shared helpers of the serialization parity scripts: a typed-JSON description of any checkpoint object, and a
reference safetensors writer/reader written from huggingface safetensors' Rust source (safetensors/src/tensor.rs),
used because the `safetensors` Python package is not installed here.

The typed JSON describes a value exactly (float bits, big ints, tensor bytes, strides, storage sharing, object
identity) so the C# tests can compare what Flint loads against what PyTorch saved, and so that
verify_flint_checkpoints.py can compare what PyTorch loads against what Flint meant to save.
"""
import base64
import collections
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "serialization")

DTYPE_NAMES = {
    torch.float32: "float32", torch.float64: "float64", torch.float16: "float16", torch.bfloat16: "bfloat16",
    torch.int64: "int64", torch.int32: "int32", torch.int16: "int16", torch.int8: "int8", torch.uint8: "uint8",
    torch.bool: "bool",
}
DTYPES_BY_NAME = {v: k for k, v in DTYPE_NAMES.items()}


def tensor_bytes(t):
    """The tensor's elements in row-major order, as little-endian bytes."""
    t = t.detach().contiguous().reshape(-1)
    if t.dtype == torch.bool:
        t = t.to(torch.uint8)
    elif t.element_size() > 1:
        t = t.view(torch.uint8)
    return t.numpy().tobytes()


def float_bits(x):
    return struct.pack(">d", x).hex()


class Encoder:
    """Encodes an object tree; shared lists, dicts, sets, non-empty tuples and tensors become {"t": "ref"}."""

    def __init__(self):
        self.ids = {}
        self.storages = {}

    def storage_index(self, t):
        key = t.storage()._cdata
        return self.storages.setdefault(key, len(self.storages))

    def encode(self, o):
        tracked = isinstance(o, (list, dict, set, frozenset, torch.Tensor)) or (isinstance(o, tuple) and len(o) > 0 and not isinstance(o, torch.Size))
        if tracked:
            if id(o) in self.ids:
                return {"t": "ref", "id": self.ids[id(o)]}
            self.ids[id(o)] = len(self.ids)
            rid = self.ids[id(o)]
        if o is None:
            return {"t": "none"}
        if isinstance(o, bool):
            return {"t": "bool", "v": o}
        if isinstance(o, int):
            return {"t": "int", "v": str(o)}
        if isinstance(o, float):
            return {"t": "float", "v": float_bits(o)}
        if isinstance(o, complex):
            return {"t": "complex", "re": float_bits(o.real), "im": float_bits(o.imag)}
        if isinstance(o, str):
            return {"t": "str", "v": o}
        if isinstance(o, (bytes, bytearray)):
            return {"t": "bytes", "v": base64.b64encode(bytes(o)).decode()}
        if isinstance(o, torch.Size):
            return {"t": "size", "v": list(o)}
        if isinstance(o, torch.device):
            return {"t": "device", "v": str(o)}
        if isinstance(o, torch.dtype):
            return {"t": "dtype", "v": DTYPE_NAMES[o]}
        if isinstance(o, torch.Tensor):
            return {"t": "tensor", "id": rid, "dtype": DTYPE_NAMES[o.dtype], "shape": list(o.shape),
                    "stride": list(o.stride()), "offset": o.storage_offset(), "storage": self.storage_index(o),
                    "requires_grad": o.requires_grad, "data": base64.b64encode(tensor_bytes(o)).decode()}
        if isinstance(o, tuple):
            return {"t": "tuple", "id": rid if len(o) > 0 else None, "items": [self.encode(x) for x in o]}
        if isinstance(o, list):
            r = {"t": "list", "id": rid, "items": []}
            r["items"] = [self.encode(x) for x in o]
            return r
        if isinstance(o, dict):
            r = {"t": "dict", "id": rid, "ordered": isinstance(o, collections.OrderedDict), "items": []}
            r["items"] = [[self.encode(k), self.encode(v)] for k, v in o.items()]
            return r
        if isinstance(o, (set, frozenset)):
            return {"t": "set", "id": rid, "frozen": isinstance(o, frozenset), "items": [self.encode(x) for x in o]}
        raise TypeError(type(o))


def write_expected(name, obj, extra=None):
    doc = {"torch": torch.__version__, "value": Encoder().encode(obj)}
    if extra:
        doc.update(extra)
    with open(os.path.join(FIXTURES, name + ".expected.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))


# ---- safetensors, as safetensors/src/tensor.rs writes and checks it ----

ST_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
ST_NAMES = {torch.bool: "BOOL", torch.uint8: "U8", torch.int8: "I8", torch.int16: "I16", torch.float16: "F16",
            torch.bfloat16: "BF16", torch.int32: "I32", torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
ST_SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
            "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8}


def st_json_string(s):
    # serde_json: escape quote, backslash and control characters (short forms where they exist); rest as UTF-8.
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif c < 0x20:
            out.append("\\u%04x" % c)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def st_serialize(tensors, metadata=None, raw=None):
    """safetensors.torch.save: tensors sorted by dtype alignment (descending) then name; header padded to 8 bytes.
    raw: optional {name: (dtype_name, shape, bytes)} for dtypes torch 1.13 lacks."""
    items = [(name, ST_NAMES[t.dtype], list(t.shape), tensor_bytes(t)) for name, t in tensors.items()]
    for name, (dt, shape, data) in (raw or {}).items():
        items.append((name, dt, shape, data))
    items.sort(key=lambda x: (-ST_ORDER.index(x[1]), x[0].encode("utf-8")))
    parts, offset = [], 0
    if metadata is not None:
        parts.append(st_json_string("__metadata__") + ":{" +
                     ",".join(st_json_string(k) + ":" + st_json_string(v) for k, v in metadata.items()) + "}")
    for name, dt, shape, data in items:
        parts.append(st_json_string(name) + ':{"dtype":"%s","shape":[%s],"data_offsets":[%d,%d]}'
                     % (dt, ",".join(str(d) for d in shape), offset, offset + len(data)))
        offset += len(data)
    header = ("{" + ",".join(parts) + "}").encode("utf-8")
    header += b" " * ((8 - len(header) % 8) % 8)
    return struct.pack("<Q", len(header)) + header + b"".join(x[3] for x in items)


def st_load(buf):
    """SafeTensors::deserialize with every check of read_metadata/validate; returns ({name: tensor}, metadata)."""
    if len(buf) < 8:
        raise ValueError("HeaderTooSmall")
    n = struct.unpack("<Q", buf[:8])[0]
    if n > 100_000_000:
        raise ValueError("HeaderTooLarge")
    if 8 + n > len(buf):
        raise ValueError("InvalidHeaderLength")
    text = buf[8:8 + n].decode("utf-8")
    if not text.startswith("{"):
        raise ValueError("InvalidHeaderStart")
    header = json.loads(text)
    metadata = header.pop("__metadata__", None)
    if metadata is not None:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    start = 0
    for name, info in entries:
        s, e = info["data_offsets"]
        if s != start or e < s:
            raise ValueError("InvalidOffset(%s)" % name)
        start = e
        numel = 1
        for d in info["shape"]:
            numel *= d
        if numel * ST_SIZES[info["dtype"]] != e - s:
            raise ValueError("TensorInvalidInfo")
    if start + 8 + n != len(buf):
        raise ValueError("MetadataIncompleteBuffer")
    data = buf[8 + n:]
    by_name = {v: k for k, v in ST_NAMES.items()}
    out = {}
    for name, info in entries:
        s, e = info["data_offsets"]
        dt = by_name[info["dtype"]]
        raw = bytearray(data[s:e])
        t = torch.frombuffer(raw, dtype=torch.uint8) if len(raw) else torch.empty(0, dtype=torch.uint8)
        t = t.view(dt) if dt != torch.bool else t.to(torch.bool)
        out[name] = t.reshape(info["shape"])
    return out, metadata
