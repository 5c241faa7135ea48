"""PyTorch's side of the benchmark: the same workloads and names as bench/Workloads.cs, one JSON row per line.

Fair settings: 2 threads (Debian's default here is 1) and OpenBLAS with pthreads
(apt-get install libopenblas0-pthread; without it torch falls back to reference BLAS). OpenBLAS's own thread
count follows OPENBLAS_NUM_THREADS (bench/compare.py sets it to 2) and its kernel OPENBLAS_CORETYPE (compare.py
leaves the machine's setting).
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
filters = sys.argv[1:]


def wanted(name):
    return not filters or any(f in name for f in filters)


def run(name, body, work=0.0, unit=""):
    if not wanted(name):
        return
    t = time.perf_counter()
    body()
    slow = time.perf_counter() - t > 1
    if not slow:
        body()
    times, start = [], time.perf_counter()
    while len(times) < (3 if slow else 5) or (time.perf_counter() - start < 0.5 and len(times) < 50):
        t = time.perf_counter()
        body()
        times.append(time.perf_counter() - t)
    print(json.dumps({"name": name, "seconds": statistics.median(times), "work": work, "unit": unit}), flush=True)


# ---- 1. GEMM
def product(name, m, k, n, dtype, ta=False, tb=False, batch=0):
    if not wanted(name):
        return

    def operand(r, c, t, bt):
        if bt:
            return torch.randn(bt, c, r, dtype=dtype).transpose(1, 2) if t else torch.randn(bt, r, c, dtype=dtype)
        return torch.randn(c, r, dtype=dtype).t() if t else torch.randn(r, c, dtype=dtype)

    a, b = operand(m, k, ta, batch), operand(k, n, tb, batch)
    # Products under 2^22 multiply-adds run several times per timed sample, as in Workloads.cs.
    macs = max(batch, 1) * m * n * k
    reps = max(1, (1 << 22) // macs)

    def body():
        for _ in range(reps):
            a.matmul(b)

    run(name, body, 2.0 * macs * reps, "flop64" if dtype == torch.float64 else "flop")


for s in (32, 64, 128, 256, 512, 1024, 2048, 4096):
    product(f"gemm/fp32_nn_{s}", s, s, s, torch.float32)
for tag, ta, tb in (("nt", False, True), ("tn", True, False), ("tt", True, True)):
    for s in (256, 1024):
        product(f"gemm/fp32_{tag}_{s}", s, s, s, torch.float32, ta, tb)
for s in (256, 1024, 2048):
    product(f"gemm/fp64_nn_{s}", s, s, s, torch.float64)
product("gemm/fp64_tn_1024", 1024, 1024, 1024, torch.float64, ta=True)
product("gemm/fp32_odd_257", 257, 257, 257, torch.float32)
product("gemm/fp32_odd_1000x999x1001", 1000, 999, 1001, torch.float32)
product("gemm/fp32_skinny_64x784x256", 64, 784, 256, torch.float32, tb=True)
product("gemm/fp32_skinny_4096x4096x64", 4096, 4096, 64, torch.float32)
product("gemm/fp32_skinny_64x4096x4096", 64, 4096, 4096, torch.float32)
product("gemm/fp32_skinny_4096x64x4096", 4096, 64, 4096, torch.float32)
product("gemm/fp32_gemv_1x4096x4096", 1, 4096, 4096, torch.float32)
product("gemm/fp32_bmm_64x128x128x128", 128, 128, 128, torch.float32, batch=64)
product("gemm/fp32_bmm_512x32x64x32", 32, 64, 32, torch.float32, batch=512)
product("gemm/fp64_bmm_64x128x128x128", 128, 128, 128, torch.float64, batch=64)

# ---- 2. Convolutions: forward, input gradient and weight gradient of LeNet's layers and of typical CNN blocks.
conv_shapes = [
    ("lenet_conv1", (64, 1, 32, 32), (6, 1, 5, 5), 1, 0, 1),
    ("lenet_conv1_pad2", (64, 1, 28, 28), (6, 1, 5, 5), 1, 2, 1),
    ("lenet_conv2", (64, 6, 14, 14), (16, 6, 5, 5), 1, 0, 1),
    ("3x3_64_32x64x32x32", (32, 64, 32, 32), (64, 64, 3, 3), 1, 1, 1),
    ("1x1_64to128_32x64x32x32", (32, 64, 32, 32), (128, 64, 1, 1), 1, 0, 1),
    ("3x3s2_64to128_32x64x32x32", (32, 64, 32, 32), (128, 64, 3, 3), 2, 1, 1),
    ("grouped3x3_g8_32x64x32x32", (32, 64, 32, 32), (64, 8, 3, 3), 1, 1, 8),
    ("depthwise3x3_32x64x32x32", (32, 64, 32, 32), (64, 1, 3, 3), 1, 1, 64),
    # ResNet-18's convolutions at batch 8 on 224x224 (seq/resnet18_b8_224_fwd_bwd, layer by layer).
    ("resnet18_conv1_7x7s2", (8, 3, 224, 224), (64, 3, 7, 7), 2, 3, 1),
    ("resnet18_l1_3x3_64", (8, 64, 56, 56), (64, 64, 3, 3), 1, 1, 1),
    ("resnet18_l2_3x3s2_64to128", (8, 64, 56, 56), (128, 64, 3, 3), 2, 1, 1),
    ("resnet18_l2_3x3_128", (8, 128, 28, 28), (128, 128, 3, 3), 1, 1, 1),
    ("resnet18_l2_down_1x1s2", (8, 64, 56, 56), (128, 64, 1, 1), 2, 0, 1),
    ("resnet18_l3_3x3s2_128to256", (8, 128, 28, 28), (256, 128, 3, 3), 2, 1, 1),
    ("resnet18_l3_3x3_256", (8, 256, 14, 14), (256, 256, 3, 3), 1, 1, 1),
    ("resnet18_l3_down_1x1s2", (8, 128, 28, 28), (256, 128, 1, 1), 2, 0, 1),
    ("resnet18_l4_3x3s2_256to512", (8, 256, 14, 14), (512, 256, 3, 3), 2, 1, 1),
    ("resnet18_l4_3x3_512", (8, 512, 7, 7), (512, 512, 3, 3), 1, 1, 1),
    ("resnet18_l4_down_1x1s2", (8, 256, 14, 14), (512, 256, 1, 1), 2, 0, 1),
]
for name, xs, ws, stride, padding, groups in conv_shapes:
    if not any(wanted(f"conv/{name}/{part}") for part in ("forward", "input_grad", "weight_grad")):
        continue
    x = torch.randn(xs)
    w = torch.randn(ws)
    conv = lambda x, w, s=stride, p=padding, g=groups: F.conv2d(x, w, None, s, p, 1, g)
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
for name, shape in (("lenet1", (64, 6, 28, 28)), ("lenet2", (64, 16, 10, 10))):
    x = torch.randn(shape)
    xg = x.detach().requires_grad_()
    p = F.max_pool2d(F.relu(xg), 2)
    gp = torch.randn_like(p)
    run(f"pool/relu_maxpool2_{name}/forward", lambda: F.max_pool2d(F.relu(x), 2), x.numel() * 4.0 * 1.25, "byte")
    run(f"pool/relu_maxpool2_{name}/backward", lambda: torch.autograd.grad([p], [xg], [gp], retain_graph=True),
        x.numel() * 4.0 * 2.25, "byte")

# ---- 3. Memory-bound ops
n = 16 << 20
a = torch.randn(n)
b = torch.randn(n)
sq = torch.randn(4096, 4096)
sqT = sq.t()
row = torch.randn(4096)
col = torch.randn(4096, 1)
cube = torch.randn(256, 256, 256)
run("memory/clone_16M", lambda: a.clone(), 2.0 * n * 4, "byte")
run("elementwise/add_16M", lambda: a.add(b), 3.0 * n * 4, "byte")
run("elementwise/mul_16M", lambda: a.mul(b), 3.0 * n * 4, "byte")
run("elementwise/add_scalar_16M", lambda: a.add(1.5), 2.0 * n * 4, "byte")
run("elementwise/relu_16M", lambda: a.relu(), 2.0 * n * 4, "byte")
run("elementwise/exp_16M", lambda: a.exp(), 2.0 * n * 4, "byte")
run("elementwise/add_inplace_16M", lambda: a.add_(b), 3.0 * n * 4, "byte")
run("elementwise/add_transposed_4096", lambda: sqT.add(sqT), 3.0 * sq.numel() * 4, "byte")
run("elementwise/add_rowbroadcast_4096", lambda: sq.add(row), 2.0 * sq.numel() * 4, "byte")
run("elementwise/add_colbroadcast_4096", lambda: sq.add(col), 2.0 * sq.numel() * 4, "byte")
mask = a.gt(0)
run("elementwise/where_scalar_16M", lambda: torch.where(mask, a, 0.0), n * (1 + 4 + 4.0), "byte")
run("reduction/sum_all_16M", lambda: a.sum(), n * 4.0, "byte")
run("reduction/sum_rows_4096", lambda: sq.sum(1), sq.numel() * 4.0, "byte")
run("reduction/sum_cols_4096", lambda: sq.sum(0), sq.numel() * 4.0, "byte")
for dim in range(3):
    run(f"reduction/sum_dim{dim}_256x256x256", lambda d=dim: cube.sum(d), cube.numel() * 4.0, "byte")
run("reduction/amax_rows_4096", lambda: sq.amax(1), sq.numel() * 4.0, "byte")
run("reduction/mean_cols_4096", lambda: sq.mean(0), sq.numel() * 4.0, "byte")
run("softmax/last_4096x4096", lambda: sq.softmax(1), 2.0 * sq.numel() * 4, "byte")
run("softmax/first_4096x4096", lambda: sq.softmax(0), 2.0 * sq.numel() * 4, "byte")
run("softmax/log_softmax_last_4096x4096", lambda: sq.log_softmax(1), 2.0 * sq.numel() * 4, "byte")
seg = torch.randn(32, 21, 128, 128)
run("softmax/log_softmax_dim1_32x21x128x128", lambda: seg.log_softmax(1), 2.0 * seg.numel() * 4, "byte")
segx = seg.detach().requires_grad_()
segy = segx.log_softmax(1)
segg = torch.randn_like(segy)
run("softmax/log_softmax_dim1_backward_32x21x128x128", lambda: torch.autograd.grad([segy], [segx], [segg], retain_graph=True),
    3.0 * seg.numel() * 4, "byte")
lnw, lnb = torch.randn(4096), torch.randn(4096)
run("norm/layer_norm_4096x4096", lambda: F.layer_norm(sq, [4096], lnw, lnb), 2.0 * sq.numel() * 4, "byte")
img = torch.randn(32, 64, 64, 64)
rm, rv, bnw, bnb = torch.zeros(64), torch.ones(64), torch.randn(64), torch.randn(64)
run("norm/batch_norm_train_32x64x64x64", lambda: F.batch_norm(img, rm, rv, bnw, bnb, training=True),
    2.0 * img.numel() * 4, "byte")
run("norm/batch_norm_eval_32x64x64x64", lambda: F.batch_norm(img, rm, rv, bnw, bnb, training=False),
    2.0 * img.numel() * 4, "byte")
flat = torch.randn(4096, 1024)
rm1, rv1, bnw1, bnb1 = torch.zeros(1024), torch.ones(1024), torch.randn(1024), torch.randn(1024)
run("norm/batch_norm1d_train_4096x1024", lambda: F.batch_norm(flat, rm1, rv1, bnw1, bnb1, training=True), 2.0 * flat.numel() * 4, "byte")
flatx = flat.detach().requires_grad_()
flaty = F.batch_norm(flatx, rm1, rv1, bnw1, bnb1, training=True)
flatg = torch.randn_like(flaty)
run("norm/batch_norm1d_backward_4096x1024", lambda: torch.autograd.grad([flaty], [flatx], [flatg], retain_graph=True),
    3.0 * flat.numel() * 4, "byte")
xl = torch.randn(8192, 1024).requires_grad_()
wl = torch.ones(1024).requires_grad_()
bl = torch.zeros(1024).requires_grad_()
yl = F.layer_norm(xl, [1024], wl, bl)
gl = torch.randn_like(yl)
run("norm/layer_norm_backward_8192x1024", lambda: torch.autograd.grad([yl], [xl, wl, bl], [gl], retain_graph=True),
    3.0 * xl.numel() * 4, "byte")
for name, make, tensors in (("sgd_1M", lambda p: torch.optim.SGD([p], lr=0.01), 3),
                            ("sgd_momentum_1M", lambda p: torch.optim.SGD([p], lr=0.01, momentum=0.9), 5),
                            ("adam_1M", lambda p: torch.optim.Adam([p], lr=1e-3), 7)):
    p = torch.randn(1 << 20).requires_grad_()
    p.grad = torch.randn(1 << 20)
    opt = make(p)
    run(f"optim/{name}", opt.step, tensors * (1 << 20) * 4.0, "byte")
run("memory/transpose_copy_4096", lambda: sq.t().contiguous(), 2.0 * sq.numel() * 4, "byte")
table = torch.randn(50000, 256).requires_grad_()
tokens = torch.randint(0, 50000, (64, 128))
looked = F.embedding(tokens, table)
looked_grad = torch.randn_like(looked)
run("memory/embedding_64x128x256", lambda: F.embedding(tokens, table.detach()), 2.0 * looked.numel() * 4, "byte")
run("memory/embedding_backward_64x128x256", lambda: torch.autograd.grad([looked], [table], [looked_grad], retain_graph=True),
    2.0 * looked.numel() * 4, "byte")
drawn = torch.empty(4 << 20)
run("random/bernoulli_4M", lambda: drawn.bernoulli_(0.9), drawn.numel() * 4.0, "byte")
run("random/normal_4M", lambda: drawn.normal_(), drawn.numel() * 4.0, "byte")
run("random/dropout_4M", lambda: F.dropout(drawn, 0.1, True), 2.0 * drawn.numel() * 4, "byte")

# ---- 3b. Operators outside the hot paths above (same names and bytes in bench/Workloads.cs)
om = torch.randn(4096, 1024)
ox = torch.randn(4 << 20)
omask = ox.gt(0.5)
ocolumns = torch.randint(0, 1024, (4096, 100))
run("ops/gather_4096x100", lambda: om.gather(1, ocolumns), ocolumns.numel() * 4.0, "byte")
orows = torch.randint(0, 1024, (4096,))
run("ops/index_add_4096x1024", lambda: torch.zeros(1024, 1024).index_add(0, orows, om), om.numel() * 4.0, "byte")
olabels = torch.randint(0, 1000, (1 << 20,))
run("ops/unique_1M", lambda: olabels.unique(), olabels.numel() * 8.0, "byte")
run("ops/topk10_4096x1024", lambda: om.topk(10, 1), om.numel() * 4.0, "byte")
run("ops/nonzero_4M", lambda: omask.nonzero(), omask.numel() * 1.0, "byte")
run("ops/masked_fill_4M", lambda: ox.masked_fill(omask, 0.0), 2.0 * ox.numel() * 4, "byte")
run("ops/cumsum_4096x1024", lambda: om.cumsum(1), 2.0 * om.numel() * 4, "byte")
run("ops/remainder_4M", lambda: ox.remainder(0.7), 2.0 * ox.numel() * 4, "byte")
oplanes = torch.randn(8, 64, 64, 64)
run("ops/upsample_bilinear_8x64x64_to_128", lambda: F.interpolate(oplanes, size=(128, 128), mode="bilinear", align_corners=False),
    8.0 * 64 * 128 * 128 * 4, "byte")
ologits = torch.randn(4096, 1000).requires_grad_()
oclasses = torch.randint(0, 1000, (4096,))
run("ops/cross_entropy_fwd_bwd_4096x1000", lambda: torch.autograd.grad([F.cross_entropy(ologits, oclasses)], [ologits]),
    2.0 * ologits.numel() * 4, "byte")
opredicted = torch.randn(4096, 1024).requires_grad_()
run("ops/mse_fwd_bwd_4096x1024", lambda: torch.autograd.grad([F.mse_loss(opredicted, om)], [opredicted]), 3.0 * om.numel() * 4, "byte")

# ---- 4. Small tensors
one = torch.ones(1)
leaf = torch.ones(1).requires_grad_()
small = torch.ones(4, 4)


def loop(f):
    def body():
        for _ in range(1000):
            f()
    return body


run("overhead/add_1elem", loop(lambda: one.add(one)), 1000, "op")
run("overhead/add_1elem_autograd", loop(lambda: leaf.add(leaf)), 1000, "op")
run("overhead/matmul_4x4", loop(lambda: small.matmul(small)), 1000, "op")
run("overhead/sum_16elem", loop(lambda: small.sum()), 1000, "op")

torch.manual_seed(0)
model = torch.nn.Linear(1, 1)
adam = torch.optim.Adam(model.parameters(), lr=0.01)
xs = torch.randn(16, 1)
ys = xs * 2 + 1


def seed_steps():
    for _ in range(100):
        adam.zero_grad()
        F.mse_loss(model(xs), ys).backward()
        adam.step()


run("small/linear1_adam_mse_step", seed_steps, 100, "op")
parts = [torch.randn(1, 28, 28) for _ in range(64)]
run("small/stack_64x1x28x28", lambda: torch.stack(parts), 64, "sample")

# ---- 5. Thread scaling
def openblas_threads():
    """OpenBLAS's own thread-count setter: torch.set_num_threads does not reach OpenBLAS's pthreads, so without it the
    one-thread matmul ran on two cores (measured: CPU time twice the wall time)."""
    import ctypes
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line and ".so" in line}
    for path in paths:
        lib = ctypes.CDLL(path)
        if hasattr(lib, "openblas_set_num_threads"):
            return lib.openblas_set_num_threads
    return lambda n: None


set_blas_threads = openblas_threads()
m1, m2 = torch.randn(2048, 2048), torch.randn(2048, 2048)
big = torch.randn(16 << 20)
tx, tw = torch.randn(32, 64, 32, 32), torch.randn(64, 64, 3, 3)
for threads in (1, 2):
    s = "1thread" if threads == 1 else "2threads"

    def on(f, t=threads):
        def body():
            torch.set_num_threads(t)
            set_blas_threads(t)
            try:
                f()
            finally:
                torch.set_num_threads(2)
                set_blas_threads(2)
        return body

    unit = "flop1" if threads == 1 else "flop"
    run(f"threads/matmul_2048_{s}", on(lambda: m1.matmul(m2)), 2.0 * 2048 ** 3, unit)
    run(f"threads/conv3x3_64_forward_{s}", on(lambda: F.conv2d(tx, tw, None, 1, 1)), 2.0 * 32 * 64 * 32 * 32 * 64 * 9, unit)
    run(f"threads/exp_16M_{s}", on(lambda: big.exp()), 2.0 * big.numel() * 4, "byte")
    run(f"threads/softmax_4096x4096_{s}", on(lambda: sq.softmax(1)), 2.0 * sq.numel() * 4, "byte")


# ---- 6. Training steps and a Fashion-MNIST epoch
def lenet():
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


torch.manual_seed(0)
mlp = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
mlp_opt = torch.optim.SGD(mlp.parameters(), lr=0.01, momentum=0.9)
xm, ym = torch.randn(64, 784), torch.randint(0, 10, (64,))


def mlp_step():
    mlp_opt.zero_grad()
    F.cross_entropy(mlp(xm), ym).backward()
    mlp_opt.step()


run("train/mlp_784_256_10_b64_step", mlp_step, 1, "op")
net = lenet()
net_opt = torch.optim.Adam(net.parameters(), lr=0.002)
xn, yn = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))


def lenet_step():
    net_opt.zero_grad()
    F.cross_entropy(net(xn), yn).backward()
    net_opt.step()


run("train/lenet_b64_step", lenet_step, 1, "op")

fm = "/usr/share/datasets/fashion-mnist"
if wanted("train/lenet_fashion_mnist_epoch") and os.path.exists(os.path.join(fm, "train-images-idx3-ubyte.gz")):
    import gzip

    import numpy as np

    with gzip.open(os.path.join(fm, "train-images-idx3-ubyte.gz")) as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(os.path.join(fm, "train-labels-idx1-ubyte.gz")) as f:
        targets = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64))
    images = torch.from_numpy(raw.copy()).float().div(255).sub(0.2860).div(0.3530).unsqueeze(1)
    count = images.shape[0]
    model = lenet()
    epoch_opt = torch.optim.Adam(model.parameters(), lr=0.002)

    def epoch():
        perm = torch.randperm(count)
        for i in range(0, count, 64):
            idx = perm[i:i + 64]
            epoch_opt.zero_grad()
            F.cross_entropy(model(images.index_select(0, idx)), targets.index_select(0, idx)).backward()
            epoch_opt.step()

    run("train/lenet_fashion_mnist_epoch", epoch, count, "sample")


# ---- Data loading (issue 5): one epoch of Fashion-MNIST's test split (10,000 images) with ToTensor + Normalize,
# batch 64, shuffled, with 0 and 2 workers; work is the number of samples. torchvision wants the IDX files
# unpacked under <root>/FashionMNIST/raw, so they are unpacked once into a cache folder.
def fashion_mnist_root():
    import gzip
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


if wanted("dataloader/fashion_mnist_workers"):
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


# ---- sequence models: recurrent layers, attention, the vision zoo (same names in bench/Workloads.cs) ----
torch.manual_seed(0)
lstm = torch.nn.LSTM(128, 256)
xs = torch.randn(35, 20, 128)


def lstm_step():
    lstm.zero_grad()
    o, _ = lstm(xs)
    o.sum().backward()


run("seq/lstm_128x256_b20_t35_fwd_bwd", lstm_step, 3 * 2.0 * 35 * 20 * (128 + 256) * 4 * 256, "flop")

layer = torch.nn.TransformerEncoderLayer(256, 8)
src = torch.randn(128, 16, 256)
enc_flops = 2.0 * 128 * 16 * (4 * 256 * 256 + 2 * 256 * 2048 + 2 * 128 * 256)


def encoder_step():
    layer.zero_grad()
    layer(src).sum().backward()


def encoder_eval():
    layer.eval()
    with torch.no_grad():
        layer(src)
    layer.train()


run("seq/transformer_encoder_layer_d256_h8_s128_b16_fwd_bwd", encoder_step, 3 * enc_flops, "flop")
run("seq/transformer_encoder_layer_d256_h8_s128_b16_eval", encoder_eval, enc_flops, "flop")

import torchvision  # noqa: E402

resnet = torchvision.models.resnet18()
images = torch.randn(8, 3, 224, 224)


def resnet_step():
    resnet.zero_grad()
    resnet(images).sum().backward()


run("seq/resnet18_b8_224_fwd_only", lambda: resnet(images), 8 * 1.82e9, "flop")
run("seq/resnet18_b8_224_fwd_bwd", resnet_step, 3 * 8 * 1.82e9, "flop")


# ---- Serialization (issue 6): torch.save and torch.load of a 100 MB state dict (same as bench/Workloads.cs).
if not filters or any(f in "serialization/save_100MB serialization/load_100MB" for f in filters):
    import tempfile
    state = {f"layer{i}.weight": torch.randn(1024, 1024) for i in range(25)}
    path = os.path.join(tempfile.gettempdir(), f"torch-bench-{os.getpid()}.pt")
    # Written once up front (as bench/Workloads.cs does), so that a run filtered to the load row has a file to read.
    torch.save(state, path)
    run("serialization/save_100MB", lambda: torch.save(state, path), 25.0 * 1024 * 1024 * 4, "byte")
    run("serialization/load_100MB", lambda: torch.load(path), 25.0 * 1024 * 1024 * 4, "byte")
    os.remove(path)
