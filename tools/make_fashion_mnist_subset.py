"""Draws the Fashion-MNIST subset shipped in data/fashion-mnist-subset/ from the full dataset.

Stratified by class with a fixed seed: 1,000 training images per class (10,000) and 200 test images per class
(2,000), each class's picks in their original order, written as gzipped IDX files with the original names.
Source: /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist). Run: python3 tools/make_fashion_mnist_subset.py
"""
import gzip
import os
import struct

import numpy as np

SRC = "/usr/share/datasets/fashion-mnist"
DST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "fashion-mnist-subset")
SEED = 20240501


def read(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    dims = [struct.unpack(">I", data[4 + 4 * i:8 + 4 * i])[0] for i in range(magic & 0xFF)]
    return dims, np.frombuffer(data[4 + 4 * len(dims):], dtype=np.uint8).reshape(dims)


def write(path, arr):
    header = struct.pack(">I", 0x0800 | arr.ndim) + b"".join(struct.pack(">I", d) for d in arr.shape)
    # mtime=0 keeps the files byte-identical between runs.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as f:
        f.write(header + arr.tobytes())


rng = np.random.RandomState(SEED)
os.makedirs(DST, exist_ok=True)
for split, per_class in [("train", 1000), ("t10k", 200)]:
    _, images = read(os.path.join(SRC, f"{split}-images-idx3-ubyte.gz"))
    _, labels = read(os.path.join(SRC, f"{split}-labels-idx1-ubyte.gz"))
    picks = np.sort(np.concatenate([rng.choice(np.flatnonzero(labels == c), per_class, replace=False) for c in range(10)]))
    write(os.path.join(DST, f"{split}-images-idx3-ubyte.gz"), images[picks])
    write(os.path.join(DST, f"{split}-labels-idx1-ubyte.gz"), labels[picks])
    print(split, len(picks), np.bincount(labels[picks]).tolist())
