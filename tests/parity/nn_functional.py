"""Parity fixtures for torch.nn.functional (activations, softmax family, linear/bilinear, norms, distances,
embeddings, dropout): outputs, input gradients and PyTorch's grad_fn names, float32 and float64 (float64 cases are
gradchecked on the C# side). Random ops (dropout, rrelu) seed the default generator inside the call ("seed" kwarg),
so every evaluation sees the same mask.

Run with Debian's torch: /usr/bin/python3 tests/parity/nn_functional.py
"""
import torch
import torch.nn.functional as F

from fixture import Fixture, apply_view, rand, positive

f = Fixture("nn_functional")
F32, F64 = torch.float32, torch.float64
DT = ((F32, "f32"), (F64, "f64"))


def grad_fn_name(inputs, fn, views):
    views = views or [None] * len(inputs)
    args = []
    for x, v in zip(inputs, views):
        if isinstance(x, torch.Tensor):
            leaf = x.detach().clone()
            if leaf.is_floating_point():
                leaf.requires_grad_(True)
            args.append(apply_view(leaf, v))
        else:
            args.append(x)
    out = fn(*args)
    out = out[0] if isinstance(out, (tuple, list)) else out
    if isinstance(out, torch.Tensor) and out.grad_fn is not None:
        return out.grad_fn.name()
    return None


def op(id, name, inputs, fn, kwargs=None, grad=True, views=None, **kw):
    kwargs = dict(kwargs or {})
    if grad:
        kwargs["grad_fn"] = grad_fn_name(inputs, fn, views)
    f.op(id, name, inputs, fn, kwargs=kwargs, grad=grad, views=views, **kw)


# gradcheck=False marks cases whose defined gradient is not the numerical derivative: outputs that are running
# statistics, the padding row of an embedding, and scale_grad_by_freq.


def seeded(seed, fn):
    def run(*args):
        torch.manual_seed(seed)
        return fn(*args)
    return run


# ---- activations: (op, fn(x, **kw), kwargs variants) ----
ACTS = [
    ("relu", lambda x: F.relu(x), [{}]),
    ("relu6", lambda x: F.relu6(x), [{}]),
    ("hardtanh", lambda x, **k: F.hardtanh(x, **k), [{}, {"min_val": -0.5, "max_val": 1.5}]),
    ("leaky_relu", lambda x, **k: F.leaky_relu(x, **k), [{}, {"negative_slope": 0.2}]),
    ("elu", lambda x, **k: F.elu(x, **k), [{}, {"alpha": 0.5}]),
    ("selu", lambda x: F.selu(x), [{}]),
    ("celu", lambda x, **k: F.celu(x, **k), [{}, {"alpha": 2.0}]),
    ("gelu", lambda x, **k: F.gelu(x, **k), [{}, {"approximate": "tanh"}]),
    ("silu", lambda x: F.silu(x), [{}]),
    ("mish", lambda x: F.mish(x), [{}]),
    ("softplus", lambda x, **k: F.softplus(x, **k), [{}, {"beta": 2.0, "threshold": 1.5}]),
    ("softshrink", lambda x, **k: F.softshrink(x, **k), [{}, {"lambd": 1.0}]),
    ("hardshrink", lambda x, **k: F.hardshrink(x, **k), [{}, {"lambd": 1.0}]),
    ("tanhshrink", lambda x: F.tanhshrink(x), [{}]),
    ("softsign", lambda x: F.softsign(x), [{}]),
    ("hardsigmoid", lambda x: F.hardsigmoid(x), [{}]),
    ("hardswish", lambda x: F.hardswish(x), [{}]),
    ("logsigmoid", lambda x: F.logsigmoid(x), [{}]),
    ("threshold", lambda x, **k: F.threshold(x, **k), [{"threshold": 0.3, "value": -2.0}]),
    ("sigmoid", lambda x: torch.sigmoid(x), [{}]),
    ("tanh", lambda x: torch.tanh(x), [{}]),
    ("rrelu_eval", lambda x, **k: F.rrelu(x, **k), [{}, {"lower": 0.1, "upper": 0.5}]),
]


def act_input(dt, shape=(4, 5), scale=4.0):
    # Keep elements away from the kinks at 0, ±0.5, ±1, ±3 so that gradchecks see smooth pieces.
    x = rand(*shape, dtype=F64, low=-scale, high=scale)
    for k in (0.0, 0.3, 0.5, 1.0, 1.5, 3.0):
        for s in (1, -1):
            near = (x - s * k).abs() < 0.05
            x = torch.where(near, x + 0.1, x)
    return x.to(dt)


for dt, tag in DT:
    for name, fn, variants in ACTS:
        for i, kw in enumerate(variants):
            op(f"{name}_{i}_{tag}", name, [act_input(dt)], lambda x, fn=fn, kw=kw: fn(x, **kw), kwargs=kw)
    op(f"gelu_view_{tag}", "gelu", [act_input(dt, (5, 4))], lambda x: F.gelu(x), views=["t"])
    op(f"silu_large_{tag}", "silu", [act_input(dt, (3, 300))], lambda x: F.silu(x))
    op(f"softplus_large_{tag}", "softplus", [act_input(dt, (2, 700), scale=30.0)], lambda x: F.softplus(x))
    op(f"logsigmoid_wide_{tag}", "logsigmoid", [act_input(dt, (2, 50), scale=40.0)], lambda x: F.logsigmoid(x))
    op(f"mish_large_{tag}", "mish", [act_input(dt, (3, 300))], lambda x: F.mish(x))
    op(f"glu_{tag}", "glu", [rand(4, 6, dtype=dt)], lambda x: F.glu(x))
    op(f"glu_dim0_{tag}", "glu", [rand(4, 3, dtype=dt)], lambda x: F.glu(x, 0), kwargs={"dim": 0})
    op(f"prelu_scalar_{tag}", "prelu", [act_input(dt, (2, 3, 4)), torch.tensor([0.25], dtype=dt)], lambda x, w: F.prelu(x, w))
    op(f"prelu_channels_{tag}", "prelu", [act_input(dt, (2, 3, 4)), rand(3, dtype=dt, low=0.1, high=0.9)], lambda x, w: F.prelu(x, w))
    op(f"prelu_1d_{tag}", "prelu", [act_input(dt, (5,)), rand(1, dtype=dt, low=0.1, high=0.9)], lambda x, w: F.prelu(x, w))
    op(f"rrelu_train_{tag}", "rrelu_train", [act_input(dt)],
       seeded(7, lambda x: F.rrelu(x, training=True)), kwargs={"seed": 7})
    op(f"rrelu_train_bounds_{tag}", "rrelu_train", [act_input(dt, (3, 7))],
       seeded(8, lambda x: F.rrelu(x, 0.2, 0.4, training=True)), kwargs={"seed": 8, "lower": 0.2, "upper": 0.4})

# ---- in-place forms, on a non-leaf (x * 1) so that autograd rebases its history ----
INPLACE = [
    ("relu", lambda x, **k: F.relu(x, inplace=True), {}), ("relu6", lambda x, **k: F.relu6(x, inplace=True), {}),
    ("hardtanh", lambda x, **k: F.hardtanh(x, -0.5, 1.5, inplace=True), {"min_val": -0.5, "max_val": 1.5}),
    ("leaky_relu", lambda x, **k: F.leaky_relu(x, 0.2, inplace=True), {"negative_slope": 0.2}),
    ("elu", lambda x, **k: F.elu(x, 0.5, inplace=True), {"alpha": 0.5}), ("selu", lambda x, **k: F.selu(x, inplace=True), {}),
    ("celu", lambda x, **k: F.celu(x, 2.0, inplace=True), {"alpha": 2.0}), ("silu", lambda x, **k: F.silu(x, inplace=True), {}),
    ("mish", lambda x, **k: F.mish(x, inplace=True), {}), ("hardsigmoid", lambda x, **k: F.hardsigmoid(x, inplace=True), {}),
    ("hardswish", lambda x, **k: F.hardswish(x, inplace=True), {}),
    ("threshold", lambda x, **k: F.threshold(x, 0.3, -2.0, inplace=True), {"threshold": 0.3, "value": -2.0}),
    ("rrelu_eval", lambda x, **k: F.rrelu(x, inplace=True), {}),
]
for dt, tag in DT:
    for name, fn, kw in INPLACE:
        op(f"{name}_inplace_{tag}", "inplace", [act_input(dt)], lambda x, fn=fn: fn(x * 1), kwargs={"act": name, **kw})
    op(f"rrelu_train_inplace_{tag}", "inplace", [act_input(dt)], seeded(9, lambda x: F.rrelu(x * 1, training=True, inplace=True)),
       kwargs={"act": "rrelu_train", "seed": 9})
    op(f"dropout_inplace_{tag}", "inplace", [rand(5, 6, dtype=dt)], seeded(10, lambda x: F.dropout(x * 1, 0.3, inplace=True)),
       kwargs={"act": "dropout", "seed": 10, "p": 0.3})
    op(f"alpha_dropout_inplace_{tag}", "inplace", [rand(5, 6, dtype=dt)],
       seeded(11, lambda x: F.alpha_dropout(x * 1, 0.3, training=True, inplace=True)), kwargs={"act": "alpha_dropout", "seed": 11, "p": 0.3})

# ---- softmax family ----
for dt, tag in DT:
    for name, fn in (("softmax", F.softmax), ("log_softmax", F.log_softmax), ("softmin", F.softmin)):
        op(f"{name}_last_{tag}", name, [rand(3, 7, dtype=dt, low=-4, high=4)], lambda x, fn=fn: fn(x, dim=1), kwargs={"dim": 1})
        op(f"{name}_first_{tag}", name, [rand(5, 4, dtype=dt, low=-4, high=4)], lambda x, fn=fn: fn(x, dim=0), kwargs={"dim": 0})
        op(f"{name}_mid_{tag}", name, [rand(2, 6, 3, 4, dtype=dt, low=-4, high=4)], lambda x, fn=fn: fn(x, dim=1), kwargs={"dim": 1})
        op(f"{name}_neg_{tag}", name, [rand(2, 3, 5, dtype=dt, low=-4, high=4)], lambda x, fn=fn: fn(x, dim=-2), kwargs={"dim": -2})
        op(f"{name}_view_{tag}", name, [rand(6, 4, dtype=dt, low=-4, high=4)], lambda x, fn=fn: fn(x, dim=1), kwargs={"dim": 1}, views=["t"])
        op(f"{name}_long_{tag}", name, [rand(2, 600, dtype=dt, low=-20, high=20)], lambda x, fn=fn: fn(x, dim=-1), kwargs={"dim": -1})
        op(f"{name}_implicit_{tag}", name, [rand(3, 4, dtype=dt)], lambda x, fn=fn: fn(x), kwargs={})
    op(f"softmax_scalar_{tag}", "softmax", [torch.tensor(0.7, dtype=dt)], lambda x: F.softmax(x, 0), kwargs={"dim": 0})
op("softmax_dtype", "softmax", [rand(3, 4)], lambda x: F.softmax(x, 1, dtype=torch.float64), kwargs={"dim": 1, "dtype": "float64"})
op("log_softmax_dtype", "log_softmax", [rand(3, 4)], lambda x: F.log_softmax(x, 0, dtype=torch.float64), kwargs={"dim": 0, "dtype": "float64"})
op("softmax_bf16", "softmax", [rand(3, 9).bfloat16()], lambda x: F.softmax(x, 1), kwargs={"dim": 1}, grad=False)
# bfloat16: PyTorch's CPU kernels compute in float and round once; gradients too.
BF = torch.bfloat16
op("softmax_bf16_grad", "softmax", [rand(3, 9).to(BF)], lambda x: F.softmax(x, 1), kwargs={"dim": 1})
op("log_softmax_bf16_grad", "log_softmax", [rand(4, 3).to(BF)], lambda x: F.log_softmax(x, 0), kwargs={"dim": 0})
op("gelu_bf16", "gelu", [act_input(BF)], lambda x: F.gelu(x))
op("silu_bf16", "silu", [act_input(BF)], lambda x: F.silu(x))
op("elu_bf16", "elu", [act_input(BF)], lambda x: F.elu(x))
op("layer_norm_bf16", "layer_norm", [rand(3, 8).to(BF), rand(8).to(BF), rand(8).to(BF)],
   lambda x, w, b: F.layer_norm(x, (8,), w, b), kwargs={"shape": [8]})
op("batch_norm_bf16", "batch_norm_nostats", [rand(6, 3, 2).to(BF)], lambda x: F.batch_norm(x, None, None, training=True))

# ---- linear, bilinear ----
for dt, tag in DT:
    op(f"linear_{tag}", "linear", [rand(4, 5, dtype=dt), rand(3, 5, dtype=dt), rand(3, dtype=dt)], lambda x, w, b: F.linear(x, w, b))
    op(f"linear_nobias_{tag}", "linear", [rand(4, 5, dtype=dt), rand(3, 5, dtype=dt)], lambda x, w: F.linear(x, w))
    op(f"linear_3d_{tag}", "linear", [rand(2, 4, 5, dtype=dt), rand(3, 5, dtype=dt), rand(3, dtype=dt)], lambda x, w, b: F.linear(x, w, b))
    op(f"linear_3d_view_{tag}", "linear", [rand(2, 5, 4, dtype=dt), rand(3, 5, dtype=dt), rand(3, dtype=dt)],
       lambda x, w, b: F.linear(x, w, b), views=["t", None, None])
    op(f"linear_1d_{tag}", "linear", [rand(5, dtype=dt), rand(3, 5, dtype=dt), rand(3, dtype=dt)], lambda x, w, b: F.linear(x, w, b))
    op(f"linear_4d_{tag}", "linear", [rand(2, 2, 3, 5, dtype=dt), rand(4, 5, dtype=dt), rand(4, dtype=dt)], lambda x, w, b: F.linear(x, w, b))
    op(f"bilinear_{tag}", "bilinear", [rand(4, 3, dtype=dt), rand(4, 5, dtype=dt), rand(2, 3, 5, dtype=dt), rand(2, dtype=dt)],
       lambda a, b, w, bias: F.bilinear(a, b, w, bias))
    op(f"bilinear_nobias_3d_{tag}", "bilinear", [rand(2, 3, 3, dtype=dt), rand(2, 3, 2, dtype=dt), rand(4, 3, 2, dtype=dt)],
       lambda a, b, w: F.bilinear(a, b, w))

# ---- distances ----
for dt, tag in DT:
    op(f"normalize_{tag}", "normalize", [rand(4, 5, dtype=dt)], lambda x: F.normalize(x))
    op(f"normalize_p1_dim0_{tag}", "normalize", [rand(4, 5, dtype=dt)], lambda x: F.normalize(x, p=1.0, dim=0), kwargs={"p": 1.0, "dim": 0})
    op(f"cosine_similarity_{tag}", "cosine_similarity", [rand(4, 5, dtype=dt), rand(4, 5, dtype=dt)], lambda a, b: F.cosine_similarity(a, b))
    op(f"cosine_similarity_bcast_{tag}", "cosine_similarity", [rand(3, 1, 4, dtype=dt), rand(2, 4, dtype=dt)],
       lambda a, b: F.cosine_similarity(a, b, dim=-1), kwargs={"dim": -1})
    op(f"pairwise_distance_{tag}", "pairwise_distance", [rand(4, 5, dtype=dt), rand(4, 5, dtype=dt)], lambda a, b: F.pairwise_distance(a, b))
    op(f"pairwise_distance_p1_{tag}", "pairwise_distance", [rand(4, 5, dtype=dt), rand(5, dtype=dt)],
       lambda a, b: F.pairwise_distance(a, b, p=1.0, keepdim=True), kwargs={"p": 1.0, "keepdim": True})

# ---- norms ----
for dt, tag in DT:
    op(f"layer_norm_{tag}", "layer_norm", [rand(3, 4, 5, dtype=dt)], lambda x: F.layer_norm(x, (5,)), kwargs={"shape": [5]})
    op(f"layer_norm_affine_{tag}", "layer_norm", [rand(3, 4, 5, dtype=dt), rand(4, 5, dtype=dt), rand(4, 5, dtype=dt)],
       lambda x, w, b: F.layer_norm(x, (4, 5), w, b, eps=1e-3), kwargs={"shape": [4, 5], "eps": 1e-3})
    op(f"layer_norm_weight_{tag}", "layer_norm", [rand(2, 6, dtype=dt), rand(6, dtype=dt)],
       lambda x, w: F.layer_norm(x, (6,), w), kwargs={"shape": [6]})
    op(f"layer_norm_view_{tag}", "layer_norm", [rand(6, 4, dtype=dt), rand(6, dtype=dt), rand(6, dtype=dt)],
       lambda x, w, b: F.layer_norm(x, (6,), w, b), kwargs={"shape": [6]}, views=["t", None, None])
    op(f"group_norm_{tag}", "group_norm", [rand(2, 6, 5, dtype=dt)], lambda x: F.group_norm(x, 3), kwargs={"groups": 3})
    op(f"group_norm_affine_{tag}", "group_norm", [rand(2, 4, 3, 3, dtype=dt), rand(4, dtype=dt), rand(4, dtype=dt)],
       lambda x, w, b: F.group_norm(x, 2, w, b, eps=1e-3), kwargs={"groups": 2, "eps": 1e-3})
    op(f"group_norm_2d_{tag}", "group_norm", [rand(3, 12, dtype=dt), rand(12, dtype=dt), rand(12, dtype=dt)],
       lambda x, w, b: F.group_norm(x, 2, w, b), kwargs={"groups": 2})
    for C, shape in ((3, (4, 3)), (3, (4, 3, 5)), (2, (3, 2, 3, 4))):
        sid = "x".join(map(str, shape))
        op(f"batch_norm_train_{sid}_{tag}", "batch_norm_train", [rand(*shape, dtype=dt), rand(C, dtype=dt), rand(C, dtype=dt)],
           lambda x, w, b, C=C: (lambda rm, rv: (F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.3), rm, rv))(
               torch.linspace(-1, 1, C, dtype=x.dtype), torch.linspace(0.5, 2, C, dtype=x.dtype)),
           kwargs={"momentum": 0.3}, gradcheck=False)
        op(f"batch_norm_eval_{sid}_{tag}", "batch_norm_eval", [rand(*shape, dtype=dt), rand(C, dtype=dt), rand(C, dtype=dt)],
           lambda x, w, b, C=C: F.batch_norm(x, torch.linspace(-1, 1, C, dtype=x.dtype), torch.linspace(0.5, 2, C, dtype=x.dtype), w, b,
                                             training=False))
    op(f"batch_norm_nostats_{tag}", "batch_norm_nostats", [rand(5, 3, 2, dtype=dt)], lambda x: F.batch_norm(x, None, None, training=True))
    op(f"batch_norm_view_{tag}", "batch_norm_nostats", [rand(3, 6, dtype=dt)], lambda x: F.batch_norm(x, None, None, training=True),
       views=["t"])
    op(f"instance_norm_{tag}", "instance_norm", [rand(2, 3, 5, dtype=dt)], lambda x: F.instance_norm(x))
    op(f"instance_norm_affine_{tag}", "instance_norm_stats", [rand(2, 3, 2, 3, dtype=dt), rand(3, dtype=dt), rand(3, dtype=dt)],
       lambda x, w, b: (lambda rm, rv: (F.instance_norm(x, rm, rv, w, b, use_input_stats=True, momentum=0.2), rm, rv))(
           torch.linspace(-1, 1, 3, dtype=x.dtype), torch.linspace(0.5, 2, 3, dtype=x.dtype)), kwargs={"momentum": 0.2}, gradcheck=False)
    op(f"local_response_norm_{tag}", "local_response_norm", [rand(2, 5, 3, dtype=dt)], lambda x: F.local_response_norm(x, 3),
       kwargs={"size": 3})
    op(f"local_response_norm_4d_{tag}", "local_response_norm", [rand(2, 6, 2, 3, dtype=dt)],
       lambda x: F.local_response_norm(x, 2, alpha=0.1, beta=0.5, k=2.0), kwargs={"size": 2, "alpha": 0.1, "beta": 0.5, "k": 2.0})

# ---- embeddings ----
idx = torch.tensor([[1, 2, 4], [4, 3, 1]])
for dt, tag in DT:
    op(f"embedding_{tag}", "embedding", [idx, rand(5, 3, dtype=dt)], lambda i, w: F.embedding(i, w))
    op(f"embedding_pad_{tag}", "embedding", [idx, rand(5, 3, dtype=dt)], lambda i, w: F.embedding(i, w, padding_idx=4),
       kwargs={"padding_idx": 4}, gradcheck=False)
    op(f"embedding_freq_{tag}", "embedding", [idx, rand(5, 3, dtype=dt)], lambda i, w: F.embedding(i, w, scale_grad_by_freq=True),
       kwargs={"scale_grad_by_freq": True}, gradcheck=False)
    bag = torch.tensor([1, 2, 4, 4, 3, 0, 2])
    offs = torch.tensor([0, 3, 3, 5])
    for mode in ("sum", "mean", "max"):
        op(f"embedding_bag_{mode}_{tag}", "embedding_bag", [bag, rand(5, 3, dtype=dt), offs],
           lambda i, w, o, mode=mode: F.embedding_bag(i, w, o, mode=mode), kwargs={"mode": mode})
        op(f"embedding_bag_{mode}_pad_{tag}", "embedding_bag", [bag, rand(5, 3, dtype=dt), offs],
           lambda i, w, o, mode=mode: F.embedding_bag(i, w, o, mode=mode, padding_idx=4), kwargs={"mode": mode, "padding_idx": 4}, gradcheck=False)
    op(f"embedding_bag_2d_{tag}", "embedding_bag", [idx, rand(5, 3, dtype=dt)], lambda i, w: F.embedding_bag(i, w, mode="mean"),
       kwargs={"mode": "mean"})
    op(f"embedding_bag_psw_{tag}", "embedding_bag", [bag, rand(5, 3, dtype=dt), offs, rand(7, dtype=dt)],
       lambda i, w, o, p: F.embedding_bag(i, w, o, mode="sum", per_sample_weights=p), kwargs={"mode": "sum"})
    op(f"embedding_bag_last_{tag}", "embedding_bag", [bag, rand(5, 3, dtype=dt), torch.tensor([0, 3, 3, 7])],
       lambda i, w, o: F.embedding_bag(i, w, o, mode="sum", include_last_offset=True),
       kwargs={"mode": "sum", "include_last_offset": True})
    op(f"embedding_bag_freq_{tag}", "embedding_bag", [bag, rand(5, 3, dtype=dt), offs],
       lambda i, w, o: F.embedding_bag(i, w, o, mode="mean", scale_grad_by_freq=True), kwargs={"mode": "mean", "scale_grad_by_freq": True}, gradcheck=False)
op("embedding_max_norm", "embedding_max_norm", [idx, rand(5, 3, low=-3, high=3)],
   lambda i, w: (lambda wc: (F.embedding(i, wc, max_norm=1.5), wc))(w.detach().clone()), kwargs={"max_norm": 1.5}, grad=False)
op("embedding_max_norm_p1", "embedding_max_norm", [idx, rand(5, 3, low=-3, high=3)],
   lambda i, w: (lambda wc: (F.embedding(i, wc, max_norm=2.0, norm_type=1.0), wc))(w.detach().clone()),
   kwargs={"max_norm": 2.0, "norm_type": 1.0}, grad=False)
op("one_hot", "one_hot", [torch.tensor([[0, 3], [2, 1]])], lambda t: F.one_hot(t), grad=False)
op("one_hot_classes", "one_hot", [torch.tensor([0, 2, 1])], lambda t: F.one_hot(t, 5), kwargs={"num_classes": 5}, grad=False)

# ---- dropout family (seeded) ----
for dt, tag in DT:
    op(f"dropout_{tag}", "dropout", [rand(6, 7, dtype=dt)], seeded(3, lambda x: F.dropout(x, 0.4)), kwargs={"seed": 3, "p": 0.4})
    op(f"dropout_big_{tag}", "dropout", [rand(40, 30, dtype=dt)], seeded(4, lambda x: F.dropout(x)), kwargs={"seed": 4, "p": 0.5})
    op(f"dropout_p1_{tag}", "dropout", [rand(3, 4, dtype=dt)], seeded(5, lambda x: F.dropout(x, 1.0)), kwargs={"seed": 5, "p": 1.0})
    op(f"dropout_eval_{tag}", "dropout", [rand(3, 4, dtype=dt)], lambda x: F.dropout(x, 0.5, training=False) * 1,
       kwargs={"seed": 5, "p": 0.5, "training": False, "times_one": True})
    op(f"dropout1d_{tag}", "dropout1d", [rand(3, 4, 5, dtype=dt)], seeded(6, lambda x: F.dropout1d(x, 0.5)), kwargs={"seed": 6, "p": 0.5})
    op(f"dropout1d_unbatched_{tag}", "dropout1d", [rand(4, 5, dtype=dt)], seeded(6, lambda x: F.dropout1d(x, 0.3)),
       kwargs={"seed": 6, "p": 0.3})
    op(f"dropout2d_{tag}", "dropout2d", [rand(2, 5, 3, 3, dtype=dt)], seeded(7, lambda x: F.dropout2d(x, 0.5)), kwargs={"seed": 7, "p": 0.5})
    op(f"dropout3d_{tag}", "dropout3d", [rand(2, 3, 2, 2, 2, dtype=dt)], seeded(8, lambda x: F.dropout3d(x, 0.5)),
       kwargs={"seed": 8, "p": 0.5})
    op(f"alpha_dropout_{tag}", "alpha_dropout", [rand(6, 7, dtype=dt)], seeded(9, lambda x: F.alpha_dropout(x, 0.3, training=True)),
       kwargs={"seed": 9, "p": 0.3})
    op(f"feature_alpha_dropout_{tag}", "feature_alpha_dropout", [rand(3, 4, 5, dtype=dt)],
       seeded(10, lambda x: F.feature_alpha_dropout(x, 0.5, training=True)), kwargs={"seed": 10, "p": 0.5})

# ---- softmax along a leading dim with at least one full vector of columns (the vector column kernels) and a tail ----
for dt, tag in DT:
    for name, fn in (("softmax", F.softmax), ("log_softmax", F.log_softmax)):
        op(f"{name}_columns_{tag}", name, [rand(7, 40, dtype=dt, low=-6, high=6)], lambda x, fn=fn: fn(x, dim=0), kwargs={"dim": 0})
        op(f"{name}_columns_mid_{tag}", name, [rand(2, 9, 48, dtype=dt, low=-6, high=6)], lambda x, fn=fn: fn(x, dim=1),
           kwargs={"dim": 1})

# ---- norms over rows long enough for the vector row sums: pairs of vectors, blocks of 256 (centred sums) and tails ----
for dt, tag in DT:
    op(f"layer_norm_wide_{tag}", "layer_norm", [rand(3, 600, dtype=dt), rand(600, dtype=dt), rand(600, dtype=dt)],
       lambda x, w, b: F.layer_norm(x, (600,), w, b), kwargs={"shape": [600]})
    op(f"batch_norm_train_wide_{tag}", "batch_norm_train", [rand(2, 3, 15, 20, dtype=dt), rand(3, dtype=dt), rand(3, dtype=dt)],
       lambda x, w, b: (lambda rm, rv: (F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.3), rm, rv))(
           torch.linspace(-1, 1, 3, dtype=x.dtype), torch.linspace(0.5, 2, 3, dtype=x.dtype)),
       kwargs={"momentum": 0.3}, gradcheck=False)

# ---- batch norm over [N, C] (channels as columns), float: the vector column sums with a tail of 8, rows split over two
# threads (70 x 1000), and two column chunks (2100 channels). The weight gradient sums 70 terms of about 1 to results
# near 0.2: PyTorch's own error there is 2e-6 against float64, so the tolerance is 1e-5 absolute ----
for shape in ((70, 1000), (9, 2100)):
    C = shape[1]
    op(f"batch_norm_train_{shape[0]}x{C}_f32", "batch_norm_train", [rand(*shape, dtype=F32), rand(C, dtype=F32), rand(C, dtype=F32)],
       lambda x, w, b, C=C: (lambda rm, rv: (F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.3), rm, rv))(
           torch.linspace(-1, 1, C, dtype=x.dtype), torch.linspace(0.5, 2, C, dtype=x.dtype)),
       kwargs={"momentum": 0.3}, gradcheck=False, tol=1e-5)

# ---- softmax's float backward over a leading dim, in chunks of 2048 columns: two chunks and a tail of 52 (three vectors
# and four), and three rows of 4100 (two chunks and a 4-column chunk, narrower than a vector) ----
for name, fn in (("softmax", F.softmax), ("log_softmax", F.log_softmax)):
    op(f"{name}_wide_columns_f32", name, [rand(2, 5, 2100, dtype=F32, low=-6, high=6)], lambda x, fn=fn: fn(x, dim=1),
       kwargs={"dim": 1})
    op(f"{name}_wide_first_f32", name, [rand(3, 4100, dtype=F32, low=-6, high=6)], lambda x, fn=fn: fn(x, dim=0),
       kwargs={"dim": 0})

f.save()
