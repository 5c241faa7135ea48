"""PyTorch's side of the benchmark: the same workloads and names as bench/Workloads.cs, one JSON row per line.

Fair settings: 2 threads (Debian's default here is 1) and OpenBLAS with pthreads
(apt-get install libopenblas0-pthread; without it torch falls back to reference BLAS).
"""
import json
import statistics
import sys
import time

import torch

torch.set_num_threads(2)
filters = sys.argv[1:]


def run(name, body, work=0.0, unit=""):
    if filters and not any(f in name for f in filters):
        return
    body()
    body()
    times, start = [], time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < 0.5 and len(times) < 50):
        t = time.perf_counter()
        body()
        times.append(time.perf_counter() - t)
    print(json.dumps({"name": name, "seconds": statistics.median(times), "work": work, "unit": unit}), flush=True)


n = 16 << 20
a = torch.ones(n)
b = torch.ones(n)
sq = torch.ones(4096, 4096)
sqT = sq.t()
run("elementwise/add_16M", lambda: a.add(b), 3.0 * n * 4, "byte")
run("elementwise/mul_16M", lambda: a.mul(b), 3.0 * n * 4, "byte")
run("elementwise/add_transposed_4096", lambda: sqT.add(sqT), 3.0 * sq.numel() * 4, "byte")
run("reduction/sum_rows_4096", lambda: sq.sum(1), sq.numel() * 4.0, "byte")
run("reduction/sum_cols_4096", lambda: sq.sum(0), sq.numel() * 4.0, "byte")
run("reduction/sum_all_16M", lambda: a.sum(), n * 4.0, "byte")

for size in (256, 1024, 2048):
    m1 = torch.randn(size, size)
    m2 = torch.randn(size, size)
    run(f"matmul/fp32_{size}", lambda: m1.matmul(m2), 2.0 * size ** 3, "flop")

one = torch.ones(1)


def thousand_adds():
    for _ in range(1000):
        one.add(one)


run("overhead/add_1elem", thousand_adds, 1000, "op")


# Convolutions: forward, input gradient and weight gradient of LeNet's layers and of typical CNN blocks.
conv_shapes = [
    ("lenet_conv1", (64, 1, 32, 32), (6, 1, 5, 5), 1, 0, 1),
    ("lenet_conv2", (64, 6, 14, 14), (16, 6, 5, 5), 1, 0, 1),
    ("3x3_64_32x64x32x32", (32, 64, 32, 32), (64, 64, 3, 3), 1, 1, 1),
    ("1x1_64to128_32x64x32x32", (32, 64, 32, 32), (128, 64, 1, 1), 1, 0, 1),
    ("3x3s2_64to128_32x64x32x32", (32, 64, 32, 32), (128, 64, 3, 3), 2, 1, 1),
    ("depthwise3x3_32x64x32x32", (32, 64, 32, 32), (64, 1, 3, 3), 1, 1, 64),
]
for name, xs, ws, stride, padding, groups in conv_shapes:
    x = torch.randn(xs)
    w = torch.randn(ws)
    conv = lambda x, w: torch.nn.functional.conv2d(x, w, None, stride, padding, 1, groups)
    y = conv(x, w)
    flops = 2.0 * y.numel() * ws[1] * ws[2] * ws[3]
    gy = torch.randn_like(y)
    run(f"conv/{name}/forward", lambda: conv(x, w), flops, "flop")
    xg = x.detach().requires_grad_()
    yx = conv(xg, w)
    run(f"conv/{name}/input_grad", lambda: torch.autograd.grad([yx], [xg], [gy], retain_graph=True), flops, "flop")
    wg = w.detach().requires_grad_()
    yw = conv(x, wg)
    run(f"conv/{name}/weight_grad", lambda: torch.autograd.grad([yw], [wg], [gy], retain_graph=True), flops, "flop")

# ---- Data loading (issue 5): one epoch of Fashion-MNIST's test split (10,000 images) with ToTensor + Normalize,
# batch 64, shuffled, with 0 and 2 workers; work is the number of samples. torchvision wants the IDX files
# unpacked under <root>/FashionMNIST/raw, so they are unpacked once into a cache folder.
def fashion_mnist_root():
    import gzip
    import os
    import shutil
    src = "/usr/share/datasets/fashion-mnist"
    if not os.path.exists(os.path.join(src, "t10k-images-idx3-ubyte.gz")):
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "fashion-mnist-subset")
    root = os.path.join("/tmp", "flint-bench-fashion-mnist", os.path.basename(os.path.normpath(src)))
    raw = os.path.join(root, "FashionMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for f in os.listdir(src):
        if f.endswith(".gz") and not os.path.exists(os.path.join(raw, f[:-3])):
            with gzip.open(os.path.join(src, f)) as i, open(os.path.join(raw, f[:-3]), "wb") as o:
                shutil.copyfileobj(i, o)
    return root


if not filters or any(f in "dataloader/fashion_mnist_workers" for f in filters):
    import torchvision
    from torchvision import transforms

    ds = torchvision.datasets.FashionMNIST(fashion_mnist_root(), train=False, transform=transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize((0.2860,), (0.3530,))]))
    for workers in (0, 2):
        loader = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True, num_workers=workers)

        def epoch(loader=loader):
            for _ in loader:
                pass

        run(f"dataloader/fashion_mnist_workers{workers}", epoch, len(ds), "op")
