"""DataLoader, sampler and collate fixtures from PyTorch: shuffled orders for seeded generators (and for the
global seed), samplers, random_split, worker seeds and default_collate's structure and dtypes.

Run with Debian's torch: /usr/bin/python3 tests/parity/data_loader.py  -> tests/fixtures/data/loader.json
"""
import json
import os

import torch
from torch.utils.data import (DataLoader, BatchSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler,
                              SequentialSampler, random_split, get_worker_info, default_collate)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "data", "loader.json")
cases = []


def batches(loader):
    return [b.tolist() for b in loader]


for n, bs, drop, seed in [(10, 3, False, 0), (10, 3, True, 0), (17, 4, False, 7), (64, 8, False, 123), (5, 8, False, 3)]:
    g = torch.Generator().manual_seed(seed)
    two_epochs = [batches(DataLoader(list(range(n)), batch_size=bs, shuffle=True, drop_last=drop, generator=g)) for _ in range(2)]
    cases.append({"id": f"shuffle_gen_n{n}_bs{bs}_drop{int(drop)}_s{seed}", "kind": "shuffle_generator", "n": n,
                  "batch_size": bs, "drop_last": drop, "seed": seed, "epochs": two_epochs})

for seed in [0, 42]:
    torch.manual_seed(seed)
    loader = DataLoader(list(range(12)), batch_size=5, shuffle=True)
    cases.append({"id": f"shuffle_global_s{seed}", "kind": "shuffle_global", "n": 12, "batch_size": 5, "seed": seed,
                  "epochs": [batches(loader), batches(loader)]})

for n, num, seed in [(10, 40, 1), (7, 5, 2), (100, 70, 3)]:
    g = torch.Generator().manual_seed(seed)
    cases.append({"id": f"random_replacement_n{n}_k{num}", "kind": "random_replacement", "n": n, "num_samples": num,
                  "seed": seed, "order": list(RandomSampler(range(n), replacement=True, num_samples=num, generator=g))})
for n, num, seed in [(10, 25, 4), (10, 4, 5)]:
    g = torch.Generator().manual_seed(seed)
    cases.append({"id": f"random_numsamples_n{n}_k{num}", "kind": "random_numsamples", "n": n, "num_samples": num,
                  "seed": seed, "order": list(RandomSampler(range(n), num_samples=num, generator=g))})

g = torch.Generator().manual_seed(11)
idx = [3, 9, 4, 20, 7, 1]
cases.append({"id": "subset_random", "kind": "subset_random", "indices": idx, "seed": 11,
              "order": list(SubsetRandomSampler(idx, generator=g))})

for w, num, repl, seed in [([0.1, 0.9, 0.4, 0.7, 3.0], 12, True, 8), ([1, 2, 3, 4, 5, 6], 4, False, 9)]:
    g = torch.Generator().manual_seed(seed)
    cases.append({"id": f"weighted_{int(repl)}", "kind": "weighted", "weights": w, "num_samples": num, "replacement": repl,
                  "seed": seed, "order": list(WeightedRandomSampler(w, num, replacement=repl, generator=g))})

for lengths, seed in [([3, 7], 0), ([0.5, 0.3, 0.2], 1), ([0.34, 0.33, 0.33], 2)]:
    g = torch.Generator().manual_seed(seed)
    parts = random_split(range(10) if seed else list(range(10)), lengths, generator=g)
    cases.append({"id": f"random_split_{seed}", "kind": "random_split", "n": 10, "lengths": lengths, "seed": seed,
                  "parts": [list(p.indices) for p in parts]})

cases.append({"id": "batch_sampler", "kind": "batch_sampler",
              "keep": list(BatchSampler(SequentialSampler(range(10)), 3, False)),
              "drop": list(BatchSampler(SequentialSampler(range(10)), 3, True))})


class Seeds(torch.utils.data.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = get_worker_info()
        return torch.tensor([i, info.id, info.seed])


# Persistent workers draw the base seed once, so later epochs' shuffles differ from non-persistent loaders'.
g = torch.Generator().manual_seed(6)
loader = DataLoader(list(range(9)), batch_size=4, shuffle=True, num_workers=2, persistent_workers=True, generator=g)
cases.append({"id": "persistent_shuffle", "kind": "persistent_shuffle", "n": 9, "batch_size": 4, "seed": 6,
              "epochs": [batches(loader) for _ in range(3)]})

g = torch.Generator().manual_seed(5)
rows = [b.tolist() for b in DataLoader(Seeds(), batch_size=2, num_workers=2, generator=g)]
cases.append({"id": "worker_seeds", "kind": "worker_seeds", "seed": 5, "batch_size": 2, "num_workers": 2, "batches": rows})


def describe(x):
    if isinstance(x, torch.Tensor):
        return {"tensor": str(x.dtype).replace("torch.", ""), "shape": list(x.shape), "values": x.flatten().tolist()}
    if isinstance(x, dict):
        return {"dict": {k: describe(v) for k, v in x.items()}}
    if isinstance(x, (list, tuple)):
        return {"list": [describe(v) for v in x]}
    return {"value": x}


batch = [(torch.full((2, 3), float(i)), i, 0.5 * i, True, "s%d" % i, {"a": torch.tensor([i, i]), "b": [i, float(i)]})
         for i in range(4)]
cases.append({"id": "collate_nested", "kind": "collate", "result": describe(default_collate(batch))})
OUT_DIR = os.path.dirname(OUT)
os.makedirs(OUT_DIR, exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
print(len(cases), "cases ->", OUT)
