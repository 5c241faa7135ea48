"""Measures torch.save / torch.load of a 100 MB state dict (25 float32 tensors of 1024x1024) on this machine, for
comparison with Flint's LargeCheckpointTests (same shapes). Prints MB/s; the best of 5 runs of each.

Run with Debian's torch: /usr/bin/python3 tests/parity/serialization_bench.py
"""
import collections
import os
import tempfile
import time

import torch


def main():
    sd = collections.OrderedDict((f"layer{i}.weight", torch.full((1024, 1024), i + 0.5)) for i in range(25))
    mb = sum(t.numel() * t.element_size() for t in sd.values()) / 1e6
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "large.pt")
        saves, loads = [], []
        for _ in range(5):
            t0 = time.perf_counter()
            torch.save(sd, path)
            saves.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            back = torch.load(path)
            loads.append(time.perf_counter() - t0)
            assert torch.equal(back["layer24.weight"], sd["layer24.weight"])
    print(f"torch {torch.__version__}: save {mb:.0f} MB best {min(saves) * 1e3:.0f} ms ({mb / min(saves):.0f} MB/s), "
          f"load best {min(loads) * 1e3:.0f} ms ({mb / min(loads):.0f} MB/s)")


if __name__ == "__main__":
    main()
