"""Loads the main job's checkpoint in PyTorch and runs the model: the checkpoint is PyTorch's format.

The checkpoint (runs/<name>/checkpoint.pt, written by `dotnet run -c Release --project examples -- fashion-mnist`) is
PyTorch's "general checkpoint": {'epoch', 'model_state_dict', 'optimizer_state_dict', 'loss', ...}. This script builds
the same LeNet in PyTorch, loads the weights with strict key matching, loads the optimizer state into torch.optim.Adam
(or SGD), evaluates the test split and compares the accuracy with --expect (what Flint printed), then takes one
training step to show that training resumes.

Run with Debian's torch:
  /usr/bin/python3 tests/parity/verify_mainjob_checkpoint.py runs/<name>/checkpoint.pt [--data-dir DIR] [--expect 0.8957]
"""
import argparse
import gzip
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fashion_mnist_torch import Net  # noqa: E402


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    nd = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(nd)]
    return torch.from_numpy(np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims).copy())


def find(data_dir, name):
    for candidate in (os.path.join(data_dir, name + ".gz"), os.path.join(data_dir, name)):
        if os.path.exists(candidate):
            return candidate
    raise FileNotFoundError(os.path.join(data_dir, name))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("checkpoint")
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--expect", type=float, help="the test accuracy Flint printed (checked to 0.2%)")
    p.add_argument("--limit", type=int, default=0, help="evaluate only the first N test images (as --limit N*5 did)")
    a = p.parse_args()

    ckpt = torch.load(a.checkpoint, map_location="cpu")
    print(f"checkpoint keys: {sorted(ckpt.keys())}; epoch {ckpt['epoch']}, loss {ckpt['loss']:.4f}")
    model = Net()
    print(model.load_state_dict(ckpt["model_state_dict"], strict=True))
    opts = ckpt.get("options", {})
    if opts.get("optimizer", "adam") == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=opts.get("lr", 2e-3))
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=opts.get("lr", 2e-3), momentum=0.9)
    optimizer.load_state_dict(ckpt["optimizer_state_dict"])
    print(f"optimizer state loaded into {type(optimizer).__name__}: {len(optimizer.state)} parameter states")

    images = idx(find(a.data_dir, "t10k-images-idx3-ubyte")).float().div(255).sub(0.5).div(0.5).unsqueeze(1)
    labels = idx(find(a.data_dir, "t10k-labels-idx1-ubyte")).long()
    if a.limit:
        images, labels = images[:a.limit], labels[:a.limit]
    model.eval()
    with torch.no_grad():
        accuracy = (model(images).argmax(1) == labels).float().mean().item()
    print(f"test accuracy in PyTorch: {accuracy:.4f} ({len(labels)} images)")
    if a.expect is not None and abs(accuracy - a.expect) > 0.002:
        sys.exit(f"PyTorch's accuracy {accuracy:.4f} differs from Flint's {a.expect:.4f}")

    model.train()
    optimizer.zero_grad()
    loss = nn.CrossEntropyLoss()(model(images[:64]), labels[:64])
    loss.backward()
    optimizer.step()
    print(f"one more training step in PyTorch: loss {loss.item():.4f}; the checkpoint resumes")


if __name__ == "__main__":
    main()
