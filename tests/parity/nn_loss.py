"""Parity fixtures for every loss of torch.nn.functional: values, input gradients and (where PyTorch differentiates
it) target gradients, for each reduction and option, in float32 and float64 (float64 cases also run Flint's numerical
gradcheck). Each case records PyTorch's grad_fn name in kwargs["grad_fn"].

Run with Debian's torch: /usr/bin/python3 tests/parity/nn_loss.py
"""
import warnings

import torch
import torch.nn.functional as F

from fixture import rand, positive
from nn_loss_common import LossFixture, signs

warnings.simplefilter("ignore")
F32, F64 = torch.float32, torch.float64
DT = ((F32, "f32"), (F64, "f64"))
RED = ("none", "mean", "sum")

f = LossFixture("nn_loss")

# ---- elementwise regression losses ----
for dt, dn in DT:
    x, t = rand(3, 5, dtype=dt), rand(3, 5, dtype=dt)
    for r in RED:
        f.loss(f"l1_{r}_{dn}", "l1_loss", [x, t], lambda a, b: F.l1_loss(a, b, reduction=r), {"reduction": r})
        f.loss(f"mse_{r}_{dn}", "mse_loss", [x, t], lambda a, b: F.mse_loss(a, b, reduction=r), {"reduction": r})
        for beta in (1.0, 0.5, 0.0):
            f.loss(f"smooth_l1_{r}_b{beta}_{dn}", "smooth_l1_loss", [x, t],
                   lambda a, b: F.smooth_l1_loss(a, b, reduction=r, beta=beta), {"reduction": r, "beta": beta})
        for delta in (1.0, 0.3, 2.5):
            f.loss(f"huber_{r}_d{delta}_{dn}", "huber_loss", [x, t],
                   lambda a, b: F.huber_loss(a, b, reduction=r, delta=delta), {"reduction": r, "delta": delta})
    # broadcasting target, transposed input view
    tb = rand(5, dtype=dt)
    for name, fn in (("l1_loss", F.l1_loss), ("mse_loss", F.mse_loss), ("smooth_l1_loss", F.smooth_l1_loss),
                     ("huber_loss", F.huber_loss)):
        f.loss(f"{name}_bcast_{dn}", name, [x, tb], lambda a, b: fn(a, b), {"reduction": "mean"})
        f.loss(f"{name}_view_{dn}", name, [rand(5, 3, dtype=dt), t], lambda a, b: fn(a, b, reduction="none"),
               {"reduction": "none"}, views=["t", None])
# mixed dtypes: float32 input, float64 target (huber keeps the input's dtype); integer target
x32, t64 = rand(3, 4), rand(3, 4, dtype=F64)
for name, fn in (("l1_loss", F.l1_loss), ("mse_loss", F.mse_loss), ("smooth_l1_loss", F.smooth_l1_loss),
                 ("huber_loss", F.huber_loss)):
    # PyTorch 1.13's mse and huber backward kernels refuse mixed dtypes ("Found dtype Double but expected Float"):
    # their forward values are compared only
    f.loss(f"{name}_mixed", name, [x32, t64], lambda a, b: fn(a, b, reduction="none"), {"reduction": "none"},
           gradcheck=False, nograd={0, 1} if name in ("mse_loss", "huber_loss") else ())
    f.loss(f"{name}_int_target", name, [x32, torch.randint(-2, 3, (3, 4))], lambda a, b: fn(a, b), {"reduction": "mean"},
           nograd={0} if name in ("mse_loss", "huber_loss") else ())

# ---- binary cross entropy ----
for dt, dn in DT:
    p, t = rand(3, 4, dtype=dt, low=0.05, high=0.95), rand(3, 4, dtype=dt, low=0.0, high=1.0)
    for r in RED:
        f.loss(f"bce_{r}_{dn}", "bce", [p, t], lambda a, b: F.binary_cross_entropy(a, b, reduction=r), {"reduction": r})
        f.loss(f"bce_w_{r}_{dn}", "bce", [p, t, positive(4, dtype=dt)],
               lambda a, b, w: F.binary_cross_entropy(a, b, weight=w, reduction=r), {"reduction": r}, nograd={2})
        f.loss(f"bce_notgrad_{r}_{dn}", "bce", [p, t], lambda a, b: F.binary_cross_entropy(a, b, reduction=r),
               {"reduction": r}, nograd={1})
    f.loss(f"bce_wfull_{dn}", "bce", [p, t, positive(3, 4, dtype=dt)],
           lambda a, b, w: F.binary_cross_entropy(a, b, weight=w), {"reduction": "mean"}, nograd={2})
    # inputs at 0 and 1: each log clamps at -100, the input gradient divides by 1e-12, the target gradient is infinite
    edge = torch.tensor([[0.0, 1.0, 0.5], [1.0, 0.0, 0.25]], dtype=dt)
    f.loss(f"bce_edges_{dn}", "bce", [edge, torch.tensor([[0.3, 0.7, 1.0], [0.0, 1.0, 0.5]], dtype=dt)],
           lambda a, b: F.binary_cross_entropy(a, b, reduction="none"), {"reduction": "none"}, gradcheck=False)
    f.loss(f"bce_view_{dn}", "bce", [rand(4, 3, dtype=dt, low=0.1, high=0.9), t],
           lambda a, b: F.binary_cross_entropy(a, b), {"reduction": "mean"}, views=["t", None])

    x, t = rand(3, 4, dtype=dt, low=-3, high=3), rand(3, 4, dtype=dt, low=0.0, high=1.0)
    w, pw = positive(3, 4, dtype=dt), positive(4, dtype=dt)
    for r in RED:
        f.loss(f"bcel_{r}_{dn}", "bce_logits", [x, t], lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=r),
               {"reduction": r})
        f.loss(f"bcel_w_{r}_{dn}", "bce_logits", [x, t, w],
               lambda a, b, c: F.binary_cross_entropy_with_logits(a, b, weight=c, reduction=r),
               {"reduction": r, "weight": True}, nograd={2})
        f.loss(f"bcel_pw_{r}_{dn}", "bce_logits", [x, t, pw],
               lambda a, b, c: F.binary_cross_entropy_with_logits(a, b, pos_weight=c, reduction=r),
               {"reduction": r, "pos_weight": True}, nograd={2})
        f.loss(f"bcel_w_pw_{r}_{dn}", "bce_logits", [x, t, positive(4, dtype=dt), pw],
               lambda a, b, c, d: F.binary_cross_entropy_with_logits(a, b, weight=c, pos_weight=d, reduction=r),
               {"reduction": r, "weight": True, "pos_weight": True}, nograd={2, 3})
    # large logits: the stable form stays finite where log(sigmoid(x)) would not
    big = torch.tensor([[-80.0, -30.0, 0.0, 30.0, 80.0]], dtype=dt)
    f.loss(f"bcel_large_{dn}", "bce_logits", [big, torch.tensor([[1.0, 0.0, 0.5, 1.0, 0.0]], dtype=dt)],
           lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction="none"), {"reduction": "none"})
    f.loss(f"bcel_large_pw_{dn}", "bce_logits", [big, torch.tensor([[1.0, 0.0, 0.5, 1.0, 0.0]], dtype=dt), positive(5, dtype=dt)],
           lambda a, b, c: F.binary_cross_entropy_with_logits(a, b, pos_weight=c, reduction="sum"),
           {"reduction": "sum", "pos_weight": True}, nograd={2})

# ---- soft margin, hinge embedding, margin ranking, cosine embedding ----
for dt, dn in DT:
    x = rand(3, 4, dtype=dt)
    y = signs(3, 4, dtype=dt)
    for r in RED:
        f.loss(f"soft_margin_{r}_{dn}", "soft_margin", [x, y], lambda a, b: F.soft_margin_loss(a, b, reduction=r),
               {"reduction": r}, nograd={1})
        for margin in (1.0, 0.5):
            f.loss(f"hinge_{r}_m{margin}_{dn}", "hinge_embedding", [x, y],
                   lambda a, b: F.hinge_embedding_loss(a, b, margin=margin, reduction=r), {"reduction": r, "margin": margin},
                   nograd={1})
        for margin in (0.0, 0.5):
            f.loss(f"margin_ranking_{r}_m{margin}_{dn}", "margin_ranking", [rand(6, dtype=dt), rand(6, dtype=dt), signs(6, dtype=dt)],
                   lambda a, b, c: F.margin_ranking_loss(a, b, c, margin=margin, reduction=r),
                   {"reduction": r, "margin": margin}, nograd={2})
            f.loss(f"cosine_emb_{r}_m{margin}_{dn}", "cosine_embedding", [rand(4, 5, dtype=dt), rand(4, 5, dtype=dt),
                                                                           torch.tensor([1, -1, 1, -1])],
                   lambda a, b, c: F.cosine_embedding_loss(a, b, c, margin=margin, reduction=r),
                   {"reduction": r, "margin": margin})
    f.loss(f"soft_margin_bcast_{dn}", "soft_margin", [x, signs(4, dtype=dt)], lambda a, b: F.soft_margin_loss(a, b),
           {"reduction": "mean"}, nograd={1})
    f.loss(f"hinge_other_targets_{dn}", "hinge_embedding", [x, torch.tensor([1.0, -1.0, 0.0, 2.0], dtype=dt)],
           lambda a, b: F.hinge_embedding_loss(a, b, reduction="none"), {"reduction": "none", "margin": 1.0}, nograd={1})
    f.loss(f"margin_ranking_bcast_{dn}", "margin_ranking", [rand(3, 1, dtype=dt), rand(3, 4, dtype=dt), signs(1, 4, dtype=dt)],
           lambda a, b, c: F.margin_ranking_loss(a, b, c, margin=0.2, reduction="none"), {"reduction": "none", "margin": 0.2},
           nograd={2})
    f.loss(f"cosine_emb_1d_{dn}", "cosine_embedding", [rand(5, dtype=dt), rand(5, dtype=dt), torch.tensor(-1)],
           lambda a, b, c: F.cosine_embedding_loss(a, b, c, margin=-0.5, reduction="none"), {"reduction": "none", "margin": -0.5})
    f.loss(f"cosine_emb_1d_pos_{dn}", "cosine_embedding", [rand(5, dtype=dt), rand(5, dtype=dt), torch.tensor(1)],
           lambda a, b, c: F.cosine_embedding_loss(a, b, c), {"reduction": "mean", "margin": 0.0})

# ---- poisson, gaussian, kl ----
for dt, dn in DT:
    x, t = rand(3, 4, dtype=dt), positive(3, 4, dtype=dt, low=0.0, high=4.0)
    for r in RED:
        for log_input in (True, False):
            for full in (False, True):
                xi = x if log_input else positive(3, 4, dtype=dt)
                f.loss(f"poisson_{r}_log{int(log_input)}_full{int(full)}_{dn}", "poisson_nll", [xi, t],
                       lambda a, b: F.poisson_nll_loss(a, b, log_input=log_input, full=full, reduction=r),
                       {"reduction": r, "log_input": log_input, "full": full, "eps": 1e-8})
        for full in (False, True):
            f.loss(f"gaussian_{r}_full{int(full)}_{dn}", "gaussian_nll", [x, rand(3, 4, dtype=dt), positive(3, 4, dtype=dt)],
                   lambda a, b, v: F.gaussian_nll_loss(a, b, v, full=full, reduction=r),
                   {"reduction": r, "full": full, "eps": 1e-6})
        for log_target in (False, True):
            lp = torch.log_softmax(rand(3, 4, dtype=dt), 1)
            tt = torch.log_softmax(rand(3, 4, dtype=dt), 1) if log_target else torch.softmax(rand(3, 4, dtype=dt), 1)
            f.loss(f"kl_{r}_log{int(log_target)}_{dn}", "kl_div", [lp, tt],
                   lambda a, b: F.kl_div(a, b, reduction=r, log_target=log_target), {"reduction": r, "log_target": log_target})
    f.loss(f"poisson_eps_{dn}", "poisson_nll", [positive(3, 4, dtype=dt, low=0.0, high=0.5), t],
           lambda a, b: F.poisson_nll_loss(a, b, log_input=False, eps=0.1), {"reduction": "mean", "log_input": False,
                                                                             "full": False, "eps": 0.1})
    f.loss(f"gaussian_homo_{dn}", "gaussian_nll", [x, rand(3, 4, dtype=dt), positive(3, dtype=dt)],
           lambda a, b, v: F.gaussian_nll_loss(a, b, v, reduction="none"), {"reduction": "none", "full": False, "eps": 1e-6})
    f.loss(f"gaussian_last1_{dn}", "gaussian_nll", [x, rand(3, 4, dtype=dt), positive(3, 1, dtype=dt)],
           lambda a, b, v: F.gaussian_nll_loss(a, b, v, reduction="sum"), {"reduction": "sum", "full": False, "eps": 1e-6})
    # variances below eps are clamped outside autograd: the gradient still flows to them as if unclamped
    f.loss(f"gaussian_clamp_{dn}", "gaussian_nll", [x, rand(3, 4, dtype=dt), torch.full((3, 4), 1e-3, dtype=dt)],
           lambda a, b, v: F.gaussian_nll_loss(a, b, v, eps=0.01, reduction="none"),
           {"reduction": "none", "full": False, "eps": 0.01}, gradcheck=False)
    f.loss(f"kl_batchmean_{dn}", "kl_div", [torch.log_softmax(rand(3, 4, dtype=dt), 1), torch.softmax(rand(3, 4, dtype=dt), 1)],
           lambda a, b: F.kl_div(a, b, reduction="batchmean"), {"reduction": "batchmean", "log_target": False})
    f.loss(f"kl_batchmean_log_{dn}", "kl_div", [torch.log_softmax(rand(3, 4, dtype=dt), 1),
                                                 torch.log_softmax(rand(3, 4, dtype=dt), 1)],
           lambda a, b: F.kl_div(a, b, reduction="batchmean", log_target=True), {"reduction": "batchmean", "log_target": True})
    f.loss(f"kl_zero_target_{dn}", "kl_div", [torch.log_softmax(rand(2, 3, dtype=dt), 1),
                                               torch.tensor([[0.0, 0.4, 0.6], [1.0, 0.0, 0.0]], dtype=dt)],
           lambda a, b: F.kl_div(a, b, reduction="none"), {"reduction": "none", "log_target": False}, nograd={1})

# ---- class-index losses ----
for dt, dn in DT:
    for r in RED:
        x, c = rand(4, 5, dtype=dt), torch.tensor([1, 0, 4, 2])
        w = positive(5, dtype=dt)
        f.loss(f"nll_{r}_{dn}", "nll_loss", [x, c], lambda a, b: F.nll_loss(a, b, reduction=r), {"reduction": r})
        f.loss(f"nll_w_{r}_{dn}", "nll_loss", [x, c, w], lambda a, b, d: F.nll_loss(a, b, weight=d, reduction=r),
               {"reduction": r, "weight": True}, nograd={2})
        f.loss(f"nll_ignore_{r}_{dn}", "nll_loss", [x, torch.tensor([1, -100, 4, -100]), w],
               lambda a, b, d: F.nll_loss(a, b, weight=d, reduction=r), {"reduction": r, "weight": True}, nograd={2})
        f.loss(f"nll_ignore2_{r}_{dn}", "nll_loss", [x, c], lambda a, b: F.nll_loss(a, b, ignore_index=2, reduction=r),
               {"reduction": r, "ignore_index": 2})
        f.loss(f"nll_1d_{r}_{dn}", "nll_loss", [rand(5, dtype=dt), torch.tensor(3)],
               lambda a, b: F.nll_loss(a, b, reduction=r), {"reduction": r})
        f.loss(f"nll_3d_{r}_{dn}", "nll_loss", [rand(2, 4, 3, dtype=dt), torch.tensor([[0, 3, 1], [2, 2, -100]])],
               lambda a, b: F.nll_loss(a, b, reduction=r), {"reduction": r})
        f.loss(f"nll_4d_{r}_{dn}", "nll_loss", [rand(2, 3, 2, 2, dtype=dt), torch.tensor([[[0, 2], [1, 1]], [[2, 0], [0, 1]]]),
                                                 positive(3, dtype=dt)],
               lambda a, b, d: F.nll_loss(a, b, weight=d, reduction=r), {"reduction": r, "weight": True}, nograd={2})
        f.loss(f"nll_5d_{r}_{dn}", "nll_loss", [rand(2, 3, 2, 1, 2, dtype=dt), torch.randint(0, 3, (2, 2, 1, 2))],
               lambda a, b: F.nll_loss(a, b, reduction=r, ignore_index=1), {"reduction": r, "ignore_index": 1})
        f.loss(f"nll_allignored_{r}_{dn}", "nll_loss", [x, torch.tensor([2, 2, 2, 2])],
               lambda a, b: F.nll_loss(a, b, ignore_index=2, reduction=r), {"reduction": r, "ignore_index": 2},
               gradcheck=False)
    f.loss(f"nll_view_{dn}", "nll_loss", [rand(5, 4, dtype=dt), torch.tensor([1, 0, 4, 2])], lambda a, b: F.nll_loss(a, b),
           {"reduction": "mean"}, views=["t", None])
    f.loss(f"nll_uint8_{dn}", "nll_loss", [rand(3, 4, dtype=dt), torch.tensor([3, 0, 1], dtype=torch.uint8)],
           lambda a, b: F.nll_loss(a, b), {"reduction": "mean"})

    for r in ("none", "mean", "sum"):
        for p in (1, 2):
            for margin in (1.0, 0.4):
                x = rand(4, 5, dtype=dt, low=-1, high=1)
                f.loss(f"multi_margin_{r}_p{p}_m{margin}_{dn}", "multi_margin", [x, torch.tensor([1, 0, 4, 2])],
                       lambda a, b: F.multi_margin_loss(a, b, p=p, margin=margin, reduction=r),
                       {"reduction": r, "p": p, "margin": margin})
            f.loss(f"multi_margin_w_{r}_p{p}_{dn}", "multi_margin", [x, torch.tensor([3, 3, 0, 1]), positive(5, dtype=dt)],
                   lambda a, b, w: F.multi_margin_loss(a, b, p=p, weight=w, reduction=r),
                   {"reduction": r, "p": p, "margin": 1.0, "weight": True}, nograd={2})
        f.loss(f"multi_margin_1d_{r}_{dn}", "multi_margin", [rand(5, dtype=dt, low=-1, high=1), torch.tensor([2])],
               lambda a, b: F.multi_margin_loss(a, b, reduction=r), {"reduction": r, "p": 1, "margin": 1.0})
        f.loss(f"multi_margin_1d0_{r}_{dn}", "multi_margin", [rand(5, dtype=dt, low=-1, high=1), torch.tensor(4)],
               lambda a, b: F.multi_margin_loss(a, b, p=2, reduction=r), {"reduction": r, "p": 2, "margin": 1.0})

        tgt = torch.tensor([[3, 0, -1, 1, 2], [1, 1, 4, -1, -1], [0, 1, 2, 3, 4], [-1, 2, 3, 0, 0]])
        f.loss(f"multilabel_margin_{r}_{dn}", "multilabel_margin", [rand(4, 5, dtype=dt, low=-1, high=1), tgt],
               lambda a, b: F.multilabel_margin_loss(a, b, reduction=r), {"reduction": r})
        f.loss(f"multilabel_margin_1d_{r}_{dn}", "multilabel_margin", [rand(5, dtype=dt, low=-1, high=1),
                                                                       torch.tensor([4, 1, -1, 0, 0])],
               lambda a, b: F.multilabel_margin_loss(a, b, reduction=r), {"reduction": r})

# ---- cross entropy: class indices (weights, ignore_index, label smoothing, K dims) and class probabilities ----
for dt, dn in DT:
    x, w = rand(4, 5, dtype=dt), positive(5, dtype=dt)
    c, ci = torch.tensor([1, 0, 4, 2]), torch.tensor([1, -100, 4, 3])
    probs = torch.softmax(rand(4, 5, dtype=dt), 1)
    for r in RED:
        f.loss(f"ce_{r}_{dn}", "cross_entropy", [x, c], lambda a, b: F.cross_entropy(a, b, reduction=r), {"reduction": r})
        f.loss(f"ce_w_ignore_{r}_{dn}", "cross_entropy", [x, ci, w],
               lambda a, b, d: F.cross_entropy(a, b, weight=d, reduction=r), {"reduction": r, "weight": True}, nograd={2})
        f.loss(f"ce_ignore3_{r}_{dn}", "cross_entropy", [x, torch.tensor([1, 3, 4, 3])], lambda a, b: F.cross_entropy(a, b, ignore_index=3, reduction=r),
               {"reduction": r, "ignore_index": 3})
        for ls in (0.1, 1.0):
            f.loss(f"ce_ls{ls}_{r}_{dn}", "cross_entropy", [x, c],
                   lambda a, b: F.cross_entropy(a, b, label_smoothing=ls, reduction=r), {"reduction": r, "label_smoothing": ls})
        f.loss(f"ce_ls_w_ignore_{r}_{dn}", "cross_entropy", [x, ci, w],
               lambda a, b, d: F.cross_entropy(a, b, weight=d, label_smoothing=0.2, reduction=r),
               {"reduction": r, "weight": True, "label_smoothing": 0.2}, nograd={2})
        f.loss(f"ce_1d_{r}_{dn}", "cross_entropy", [rand(5, dtype=dt), torch.tensor(2)],
               lambda a, b: F.cross_entropy(a, b, reduction=r), {"reduction": r})
        f.loss(f"ce_3d_{r}_{dn}", "cross_entropy", [rand(2, 4, 3, dtype=dt), torch.tensor([[0, 3, 1], [2, 2, -100]])],
               lambda a, b: F.cross_entropy(a, b, reduction=r), {"reduction": r})
        f.loss(f"ce_4d_ls_w_{r}_{dn}", "cross_entropy", [rand(2, 3, 2, 2, dtype=dt), torch.tensor([[[0, 2], [1, 1]], [[2, 0], [0, 1]]]),
                                                          positive(3, dtype=dt)],
               lambda a, b, d: F.cross_entropy(a, b, weight=d, label_smoothing=0.3, ignore_index=1, reduction=r),
               {"reduction": r, "weight": True, "label_smoothing": 0.3, "ignore_index": 1}, nograd={2})
        f.loss(f"ce_prob_{r}_{dn}", "cross_entropy", [x, probs], lambda a, b: F.cross_entropy(a, b, reduction=r),
               {"reduction": r})
        f.loss(f"ce_prob_w_ls_{r}_{dn}", "cross_entropy", [x, probs, w],
               lambda a, b, d: F.cross_entropy(a, b, weight=d, label_smoothing=0.25, reduction=r),
               {"reduction": r, "weight": True, "label_smoothing": 0.25}, nograd={2})
        f.loss(f"ce_prob_4d_w_{r}_{dn}", "cross_entropy", [rand(2, 3, 2, 2, dtype=dt), torch.softmax(rand(2, 3, 2, 2, dtype=dt), 1),
                                                            positive(3, dtype=dt)],
               lambda a, b, d: F.cross_entropy(a, b, weight=d, reduction=r), {"reduction": r, "weight": True}, nograd={2})
        f.loss(f"ce_prob_1d_{r}_{dn}", "cross_entropy", [rand(5, dtype=dt), torch.softmax(rand(5, dtype=dt), 0)],
               lambda a, b: F.cross_entropy(a, b, reduction=r), {"reduction": r})
        f.loss(f"ce_ls_allignored_{r}_{dn}", "cross_entropy", [x, torch.tensor([2, 2, 2, 2])],
               lambda a, b: F.cross_entropy(a, b, ignore_index=2, label_smoothing=0.1, reduction=r),
               {"reduction": r, "ignore_index": 2, "label_smoothing": 0.1}, gradcheck=False)
    f.loss(f"ce_view_{dn}", "cross_entropy", [rand(5, 4, dtype=dt), c], lambda a, b: F.cross_entropy(a, b),
           {"reduction": "mean"}, views=["t", None])

    # multilabel soft margin: per-class logistic losses averaged over classes
    for r in RED:
        t01 = torch.randint(0, 2, (3, 4)).to(dt)
        f.loss(f"mlsm_{r}_{dn}", "multilabel_soft_margin", [rand(3, 4, dtype=dt), t01],
               lambda a, b: F.multilabel_soft_margin_loss(a, b, reduction=r), {"reduction": r})
        f.loss(f"mlsm_w_{r}_{dn}", "multilabel_soft_margin", [rand(3, 4, dtype=dt), rand(3, 4, dtype=dt, low=0, high=1),
                                                               positive(4, dtype=dt)],
               lambda a, b, w: F.multilabel_soft_margin_loss(a, b, weight=w, reduction=r),
               {"reduction": r, "weight": True}, nograd={2})
        f.loss(f"mlsm_3d_{r}_{dn}", "multilabel_soft_margin", [rand(2, 3, 4, dtype=dt), t01.expand(2, 3, 4).clone()],
               lambda a, b: F.multilabel_soft_margin_loss(a, b, reduction=r), {"reduction": r})

# wide enough that the multilabel margin kernel splits frames over threads
for dt, dn in DT:
    wide = torch.randint(-1, 40, (64, 40))
    f.loss(f"multilabel_margin_wide_{dn}", "multilabel_margin", [rand(64, 40, dtype=dt, low=-1, high=1), wide],
           lambda a, b: F.multilabel_margin_loss(a, b, reduction="none"), {"reduction": "none"}, gradcheck=False)

# ---- triplet losses ----
for dt, dn in DT:
    a, pos, neg = rand(4, 6, dtype=dt), rand(4, 6, dtype=dt), rand(4, 6, dtype=dt)
    for r in RED:
        for p in (2.0, 1.0, 3.0):
            for swap in (False, True):
                f.loss(f"triplet_{r}_p{p}_s{int(swap)}_{dn}", "triplet", [a, pos, neg],
                       lambda x, y, z: F.triplet_margin_loss(x, y, z, margin=1.5, p=p, swap=swap, reduction=r),
                       {"reduction": r, "margin": 1.5, "p": p, "eps": 1e-6, "swap": swap})
        for dist in ("default", "l1"):
            for swap in (False, True):
                fn = None if dist == "default" else (lambda u, v: (u - v).abs().sum(-1))
                f.loss(f"triplet_dist_{r}_{dist}_s{int(swap)}_{dn}", "triplet_distance", [a, pos, neg],
                       lambda x, y, z: F.triplet_margin_with_distance_loss(x, y, z, distance_function=fn, margin=2.0,
                                                                           swap=swap, reduction=r),
                       {"reduction": r, "distance": dist, "margin": 2.0, "swap": swap},
                       tol=1e-5 if dist == "l1" and dt == F32 else None)
    f.loss(f"triplet_1d_{dn}", "triplet", [rand(6, dtype=dt), rand(6, dtype=dt), rand(6, dtype=dt)],
           lambda x, y, z: F.triplet_margin_loss(x, y, z, eps=0.1, reduction="none"),
           {"reduction": "none", "margin": 1.0, "p": 2.0, "eps": 0.1, "swap": False})

# ---- CTC: padded and concatenated targets, lengths, blank, zero_infinity (through log_softmax: PyTorch's gradient
# is the one for log_softmax outputs) ----
for dt, dn in DT:
    logits = rand(6, 3, 5, dtype=dt)
    padded = torch.tensor([[1, 2, 2, 4], [3, 1, 0, 0], [4, 4, 4, 0]])
    il, tl = [6, 5, 6], [4, 2, 3]
    concat = torch.cat([padded[b, :tl[b]] for b in range(3)])
    for r in RED:
        for tname, tg in (("padded", padded), ("concat", concat)):
            f.loss(f"ctc_{tname}_{r}_{dn}", "ctc", [logits, tg],
                   lambda x, t: F.ctc_loss(x.log_softmax(2), t, il, tl, reduction=r),
                   {"reduction": r, "input_lengths": il, "target_lengths": tl, "blank": 0, "zero_infinity": False})
        f.loss(f"ctc_blank_{r}_{dn}", "ctc", [logits, torch.tensor([[0, 1, 1, 3], [2, 0, 0, 0], [3, 3, 2, 1]])],
               lambda x, t: F.ctc_loss(x.log_softmax(2), t, torch.tensor(il), torch.tensor([4, 1, 4]), blank=4, reduction=r),
               {"reduction": r, "input_lengths": il, "target_lengths": [4, 1, 4], "blank": 4, "zero_infinity": False,
                "tensor_lengths": True})
        # sequence 0 cannot be aligned (3 repeats need 5 frames, it has 3): infinite loss, zeroed with zero_infinity
        for zi in (False, True):
            f.loss(f"ctc_inf_{r}_zi{int(zi)}_{dn}", "ctc", [logits, torch.tensor([[2, 2, 2], [1, 3, 0], [1, 2, 3]])],
                   lambda x, t: F.ctc_loss(x.log_softmax(2), t, [3, 6, 4], [3, 2, 0], reduction=r, zero_infinity=zi),
                   {"reduction": r, "input_lengths": [3, 6, 4], "target_lengths": [3, 2, 0], "blank": 0,
                    "zero_infinity": zi}, gradcheck=zi and dt == F64)
    f.loss(f"ctc_unbatched_{dn}", "ctc", [rand(5, 4, dtype=dt), torch.tensor([1, 3, 3])],
           lambda x, t: F.ctc_loss(x.log_softmax(1), t, [5], [3], reduction="none"),
           {"reduction": "none", "input_lengths": [5], "target_lengths": [3], "blank": 0, "zero_infinity": False})
    f.loss(f"ctc_unbatched_mean_{dn}", "ctc", [rand(5, 4, dtype=dt), torch.tensor([2, 1])],
           lambda x, t: F.ctc_loss(x.log_softmax(1), t, torch.tensor(5), torch.tensor(2)),
           {"reduction": "mean", "input_lengths": [5], "target_lengths": [2], "blank": 0, "zero_infinity": False,
            "tensor_lengths": True})
    # enough sequences that the CPU kernel splits them over threads; in float32 the 40-step recursions leave ~1e-5
    # relative noise in the gradient (exp(log_alpha + log_beta + nll - lp) cancels two numbers near 60)
    wide_targets = torch.randint(1, 7, (8, 15))
    wide_lengths = [40, 38, 40, 31, 40, 36, 29, 40]
    wide_target_lengths = [15, 12, 14, 9, 15, 1, 0, 11]
    f.loss(f"ctc_wide_{dn}", "ctc", [rand(40, 8, 7, dtype=dt), wide_targets],
           lambda x, t: F.ctc_loss(x.log_softmax(2), t, wide_lengths, wide_target_lengths, reduction="none"),
           {"reduction": "none", "input_lengths": wide_lengths, "target_lengths": wide_target_lengths, "blank": 0,
            "zero_infinity": False}, gradcheck=False, tol=1e-4 if dt == F32 else None)
    long_logits = rand(30, 2, 6, dtype=dt)
    f.loss(f"ctc_long_{dn}", "ctc", [long_logits, torch.randint(1, 6, (2, 12))],
           lambda x, t: F.ctc_loss(x.log_softmax(2), t, [30, 25], [12, 9], reduction="sum"),
           {"reduction": "sum", "input_lengths": [30, 25], "target_lengths": [12, 9], "blank": 0, "zero_infinity": False},
           gradcheck=False)

# ---- second derivatives: the first derivative d loss / d input (create_graph) is the output, so the fixture's
# backward gives PyTorch's second derivatives with respect to input and target (PyTorch 1.13 has none for
# multi_margin_loss and multilabel_margin_loss; Flint's are checked numerically in LossTests) ----
def first_derivative(loss_fn):
    def fn(*args):
        out = loss_fn(*args)
        return torch.autograd.grad(out, args[0], torch.ones_like(out), create_graph=True)[0]
    return fn


GG = (
    ("mse_loss", lambda a, b: F.mse_loss(a, b, reduction="sum"), {"reduction": "sum"}, ()),
    ("smooth_l1_loss", lambda a, b: F.smooth_l1_loss(a, b, beta=2.0), {"reduction": "mean", "beta": 2.0}, ()),
    ("huber_loss", lambda a, b: F.huber_loss(a, b, reduction="none", delta=1.5), {"reduction": "none", "delta": 1.5}, ()),
    ("bce", lambda a, b: F.binary_cross_entropy(a, b), {"reduction": "mean"}, ()),
    ("bce_logits", lambda a, b, c: F.binary_cross_entropy_with_logits(a, b, pos_weight=c, reduction="sum"),
     {"reduction": "sum", "pos_weight": True}, (2,)),
    ("soft_margin", lambda a, b: F.soft_margin_loss(a, b), {"reduction": "mean"}, (1,)),
    ("cross_entropy", lambda a, b: F.cross_entropy(a, b, label_smoothing=0.1), {"reduction": "mean", "label_smoothing": 0.1}, ()),
    ("kl_div", lambda a, b: F.kl_div(a, b, reduction="batchmean"), {"reduction": "batchmean", "log_target": False}, ()),
    ("gaussian_nll", lambda a, b, v: F.gaussian_nll_loss(a, b, v), {"reduction": "mean", "full": False, "eps": 1e-6}, ()),
)
for dt, dn in DT:
    for name, loss_fn, kw, nograd in GG:
        if name == "bce":
            ins = [rand(3, 4, dtype=dt, low=0.1, high=0.9), rand(3, 4, dtype=dt, low=0, high=1)]
        elif name == "bce_logits":
            ins = [rand(3, 4, dtype=dt), rand(3, 4, dtype=dt, low=0, high=1), positive(4, dtype=dt)]
        elif name == "soft_margin":
            ins = [rand(3, 4, dtype=dt), signs(3, 4, dtype=dt)]
        elif name == "cross_entropy":
            ins = [rand(3, 4, dtype=dt, low=-1, high=1), torch.tensor([2, 0, 3])]
        elif name == "kl_div":
            ins = [torch.log_softmax(rand(3, 4, dtype=dt), 1), torch.softmax(rand(3, 4, dtype=dt), 1)]
        elif name == "gaussian_nll":
            ins = [rand(3, 4, dtype=dt), rand(3, 4, dtype=dt), positive(3, 4, dtype=dt)]
        else:
            ins = [rand(3, 4, dtype=dt), rand(3, 4, dtype=dt)]
        kwargs = dict(kw, loss=name)
        f.loss(f"gg_{name}_{dn}", "first_derivative", ins, first_derivative(loss_fn), kwargs, nograd=set(nograd))
        del f.cases[-1]["kwargs"]["grad_fn"]

f.save()
