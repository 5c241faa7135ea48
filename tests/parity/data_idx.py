"""Counts, label histograms and pixel checksums of the Fashion-MNIST IDX files as NumPy reads them (the full
dataset in /usr/share/datasets/fashion-mnist and the shipped subset), for the IDX reader tests.
Run: /usr/bin/python3 tests/parity/data_idx.py -> tests/fixtures/data/idx.json
"""
import gzip
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "data", "idx.json")
sets = {"full": "/usr/share/datasets/fashion-mnist", "subset": os.path.join(HERE, "..", "..", "data", "fashion-mnist-subset")}
result = {}
for name, root in sets.items():
    for split in ["train", "t10k"]:
        with gzip.open(os.path.join(root, f"{split}-images-idx3-ubyte.gz")) as f:
            images = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 28, 28)
        with gzip.open(os.path.join(root, f"{split}-labels-idx1-ubyte.gz")) as f:
            labels = np.frombuffer(f.read()[8:], dtype=np.uint8)
        result[f"{name}_{split}"] = {
            "count": int(len(labels)),
            "histogram": np.bincount(labels, minlength=10).tolist(),
            "first_labels": labels[:10].tolist(),
            "first_image_sum": int(images[0].astype(np.int64).sum()),
            "last_image_sum": int(images[-1].astype(np.int64).sum()),
            "pixel_sum": int(images.astype(np.int64).sum()),
        }
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(result, f, indent=1)
print(json.dumps(result)[:400])
