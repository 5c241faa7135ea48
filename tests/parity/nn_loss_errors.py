"""PyTorch 1.13's error messages for wrong calls of the losses, and the repr and state_dict keys of the loss modules.

Writes tests/fixtures/nn_loss_errors.json: {"errors": {id: {"type", "message"}}, "modules": {id: {"repr", "keys"}}}.
The C# side (tests/Flint.Tests/NN/LossTests.cs) makes the same call by id and compares the first line of the message.

Run with Debian's torch: /usr/bin/python3 tests/parity/nn_loss_errors.py
"""
import json
import os
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.simplefilter("ignore")
torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "nn_loss_errors.json")

x = torch.randn(3, 4, requires_grad=True)
p = torch.rand(3, 4)
t = torch.rand(3, 4)
c = torch.tensor([1, 0, 3])
lp = torch.randn(6, 2, 5).log_softmax(2)
tg = torch.tensor([[1, 2, 2], [3, 1, 0]])
L = torch.long

CASES = {
    "reduction": lambda: F.mse_loss(x, t, reduction="foo"),
    "reduction_l1": lambda: F.l1_loss(x, t, reduction="avg"),
    "reduction_poisson": lambda: F.poisson_nll_loss(x, t, reduction="foo"),
    "reduction_gaussian": lambda: F.gaussian_nll_loss(x, t, torch.ones(3, 4), reduction="foo"),
    "reduction_mlsm": lambda: F.multilabel_soft_margin_loss(x, t, reduction="foo"),
    "reduction_kl": lambda: F.kl_div(x, t, reduction="foo"),
    "reduction_ctc": lambda: F.ctc_loss(lp, tg, [6, 5], [3, 2], reduction="foo"),
    "broadcast_mse": lambda: F.mse_loss(x, torch.ones(3)),
    "mse_int": lambda: F.mse_loss(torch.ones(3, dtype=L), torch.ones(3, dtype=L)),
    "smooth_l1_beta": lambda: F.smooth_l1_loss(x, t, beta=-1.0),
    "smooth_l1_int": lambda: F.smooth_l1_loss(torch.ones(3, dtype=L), torch.ones(3, dtype=L)),
    "huber_delta": lambda: F.huber_loss(x, t, delta=0.0),
    "huber_int": lambda: F.huber_loss(torch.ones(3, dtype=L), torch.ones(3, dtype=L)),
    "bce_size": lambda: F.binary_cross_entropy(p, torch.rand(3, 1)),
    "bce_range": lambda: F.binary_cross_entropy(p * 2, t),
    "bce_weight_bcast": lambda: F.binary_cross_entropy(p, t, weight=torch.rand(3)),
    "bce_weight_grad": lambda: F.binary_cross_entropy(p, t, weight=torch.rand(4, requires_grad=True)),
    "bce_int": lambda: F.binary_cross_entropy(torch.ones(3, 4, dtype=L), torch.ones(3, 4, dtype=L)),
    "bce_half": lambda: F.binary_cross_entropy(p.half(), t.half()),
    "bce_mixed": lambda: F.binary_cross_entropy(p, t.double()),
    "bcel_size": lambda: F.binary_cross_entropy_with_logits(x, torch.rand(3, 1)),
    "bcel_weight_grad": lambda: F.binary_cross_entropy_with_logits(x, t, weight=torch.rand(4, requires_grad=True)),
    "bcel_pos_weight_grad": lambda: F.binary_cross_entropy_with_logits(x, t, pos_weight=torch.rand(4, requires_grad=True)),
    "bcel_pos_weight_bcast": lambda: F.binary_cross_entropy_with_logits(x, t, pos_weight=torch.rand(3)),
    "bcel_int_target": lambda: F.binary_cross_entropy_with_logits(x, torch.ones(3, 4, dtype=L)),
    "soft_margin_target_grad": lambda: F.soft_margin_loss(x, t.clone().requires_grad_()),
    "gaussian_var_size": lambda: F.gaussian_nll_loss(x, t, torch.ones(2)),
    "gaussian_var_negative": lambda: F.gaussian_nll_loss(x, t, -torch.ones(3, 4)),
    "kl_integral": lambda: F.kl_div(x, torch.ones(3, 4, dtype=L)),
    "margin_ranking_dims": lambda: F.margin_ranking_loss(torch.randn(3), torch.randn(3), torch.ones(3, 1)),
    "cosine_target_2d": lambda: F.cosine_embedding_loss(x, x, torch.ones(3, 1)),
    "cosine_1d_target_1d_inputs": lambda: F.cosine_embedding_loss(torch.randn(4), torch.randn(4), torch.ones(3)),
    "cosine_0d_target_2d_inputs": lambda: F.cosine_embedding_loss(x, x, torch.tensor(1.0)),
    "nll_out_of_bounds": lambda: F.nll_loss(x, torch.tensor([1, 5, 2])),
    "nll_negative_target": lambda: F.nll_loss(x, torch.tensor([1, -1, 2])),
    "nll_int32_target": lambda: F.nll_loss(x, torch.tensor([1, 2, 2], dtype=torch.int32)),
    "nll_float_target": lambda: F.nll_loss(x, torch.tensor([1.0, 2.0, 2.0])),
    "nll_batch": lambda: F.nll_loss(x, torch.tensor([1, 2])),
    "nll_0d": lambda: F.nll_loss(torch.tensor(1.0), torch.tensor(1)),
    "nll_1d_target_1d": lambda: F.nll_loss(torch.randn(4), torch.tensor([1])),
    "nll_target_2d": lambda: F.nll_loss(x, torch.tensor([[1], [2], [3]])),
    "nll_weight_size": lambda: F.nll_loss(x, c, weight=torch.ones(3)),
    "nll_weight_2d": lambda: F.nll_loss(x, c, weight=torch.ones(2, 2)),
    "nll_weight_grad": lambda: F.nll_loss(x, c, weight=torch.ones(4, requires_grad=True)),
    "nll_weight_dtype": lambda: F.nll_loss(x, c, weight=torch.ones(4, dtype=torch.double)),
    "nll_int_input": lambda: F.nll_loss(torch.ones(3, 4, dtype=L), c),
    "nll_3d_target": lambda: F.nll_loss(torch.randn(2, 3, 4), torch.zeros(2, 5, dtype=L)),
    "nll_4d_target": lambda: F.nll_loss(torch.randn(2, 3, 4, 5), torch.zeros(2, 4, 6, dtype=L)),
    "nll_4d_target_dims": lambda: F.nll_loss(torch.randn(2, 3, 4, 5), torch.zeros(2, 4, dtype=L)),
    "nll_4d_out_of_bounds": lambda: F.nll_loss(torch.randn(2, 3, 4, 5), torch.full((2, 4, 5), 7, dtype=L)),
    "nll_4d_weight": lambda: F.nll_loss(torch.randn(2, 3, 4, 5), torch.zeros(2, 4, 5, dtype=L), weight=torch.ones(4)),
    "nll_4d_weight_grad": lambda: F.nll_loss(torch.randn(2, 3, 4, 5), torch.zeros(2, 4, 5, dtype=L),
                                             weight=torch.ones(3, requires_grad=True)),
    "ce_prob_int_target": lambda: F.cross_entropy(x, torch.ones(3, 4, dtype=L)),
    "ce_prob_ignore_index": lambda: F.cross_entropy(x, t, ignore_index=1),
    "ce_prob_weight": lambda: F.cross_entropy(x, t, weight=torch.ones(3)),
    "ce_label_smoothing": lambda: F.cross_entropy(x, c, label_smoothing=1.5),
    "ce_prob_label_smoothing": lambda: F.cross_entropy(x, t, label_smoothing=1.25),
    "ce_0d": lambda: F.cross_entropy(torch.tensor(1.0), torch.tensor(0)),
    "ce_out_of_bounds": lambda: F.cross_entropy(x, torch.tensor([1, 9, 1])),
    "ce_ls_out_of_bounds": lambda: F.cross_entropy(x, torch.tensor([1, 9, 1]), label_smoothing=0.2),
    "ce_ls_weight_size": lambda: F.cross_entropy(x, c, label_smoothing=0.2, weight=torch.rand(5)),
    "multi_margin_p": lambda: F.multi_margin_loss(x, c, p=3),
    "multi_margin_weight_dim": lambda: F.multi_margin_loss(x, c, weight=torch.ones(2, 2)),
    "multi_margin_out_of_range": lambda: F.multi_margin_loss(x, torch.tensor([1, 2, 4])),
    "multi_margin_target_size": lambda: F.multi_margin_loss(x, torch.tensor([1, 2])),
    "multi_margin_target_2d": lambda: F.multi_margin_loss(x, torch.tensor([[1, 2, 1]])),
    "multi_margin_3d": lambda: F.multi_margin_loss(torch.randn(2, 3, 4), torch.tensor([1, 2])),
    "multi_margin_empty": lambda: F.multi_margin_loss(torch.randn(3, 0), torch.tensor([1, 2, 0])),
    "multi_margin_int32": lambda: F.multi_margin_loss(x, torch.tensor([1, 2, 3], dtype=torch.int32)),
    "multi_margin_weight_grad": lambda: F.multi_margin_loss(x, c, weight=torch.ones(4, requires_grad=True)),
    "multi_margin_half": lambda: F.multi_margin_loss(x.detach().half(), c),
    "multilabel_margin_out_of_range": lambda: F.multilabel_margin_loss(x, torch.tensor([[1, 5, -1, 0], [0, 1, -1, 1],
                                                                                         [0, 1, 2, 3]])),
    "multilabel_margin_below_minus_one": lambda: F.multilabel_margin_loss(x, torch.tensor([[1, -2, -1, 0], [0, 1, -1, 1],
                                                                                            [0, 1, 2, 3]])),
    "multilabel_margin_size": lambda: F.multilabel_margin_loss(x, torch.zeros(3, 3, dtype=L)),
    "multilabel_margin_1d_size": lambda: F.multilabel_margin_loss(torch.randn(4), torch.tensor([3, 0, -1])),
    "multilabel_margin_3d": lambda: F.multilabel_margin_loss(torch.randn(2, 3, 4), torch.zeros(2, 3, 4, dtype=L)),
    "multilabel_margin_int32": lambda: F.multilabel_margin_loss(x, torch.zeros(3, 4, dtype=torch.int32)),
    "triplet_dims": lambda: F.triplet_margin_loss(x, x, torch.randn(4)),
    "ctc_float_lengths": lambda: F.ctc_loss(lp, tg, torch.tensor([6.0, 5.0]), torch.tensor([3, 2])),
    "ctc_float_target_lengths": lambda: F.ctc_loss(lp, tg, torch.tensor([6, 5]), torch.tensor([3.0, 2.0])),
    "ctc_concat_size": lambda: F.ctc_loss(lp, torch.tensor([1, 2, 2, 3]), [6, 5], [3, 2]),
    "ctc_blank": lambda: F.ctc_loss(lp, tg, [6, 5], [3, 2], blank=5),
    "ctc_blank_negative": lambda: F.ctc_loss(lp, tg, [6, 5], [3, 2], blank=-1),
    "ctc_input_length": lambda: F.ctc_loss(lp, tg, [7, 5], [3, 2]),
    "ctc_input_lengths_size": lambda: F.ctc_loss(lp, tg, [6, 5, 5], [3, 2]),
    "ctc_target_lengths_size": lambda: F.ctc_loss(lp, tg, [6, 5], [3, 2, 1]),
    "ctc_target_length": lambda: F.ctc_loss(lp, tg, [6, 5], [4, 2]),
    "ctc_target_rows": lambda: F.ctc_loss(lp, tg[:1], [6, 5], [3, 2]),
    "ctc_log_probs_4d": lambda: F.ctc_loss(lp[None], tg, [6, 5], [3, 2]),
    "ctc_targets_3d": lambda: F.ctc_loss(lp, tg[None], [6, 5], [3, 2]),
    "ctc_half": lambda: F.ctc_loss(lp.half(), tg, [6, 5], [3, 2]),
    "module_multi_margin_p": lambda: nn.MultiMarginLoss(p=3),
}


def first_line(e):
    return str(e).split("\n")[0]


errors = {}
for name, fn in CASES.items():
    try:
        fn()
    except (ValueError, RuntimeError, IndexError) as e:
        errors[name] = {"type": type(e).__name__, "message": first_line(e)}
        continue
    raise AssertionError(f"{name} did not raise")

w = torch.tensor([1.0, 2.0, 0.5])
MODULES = {
    "L1Loss": nn.L1Loss(), "MSELoss": nn.MSELoss(reduction="sum"), "SmoothL1Loss": nn.SmoothL1Loss(beta=0.5),
    "HuberLoss": nn.HuberLoss(delta=2.0), "SoftMarginLoss": nn.SoftMarginLoss(),
    "HingeEmbeddingLoss": nn.HingeEmbeddingLoss(margin=2.0), "PoissonNLLLoss": nn.PoissonNLLLoss(log_input=False, full=True),
    "KLDivLoss": nn.KLDivLoss(reduction="batchmean", log_target=True), "BCELoss": nn.BCELoss(),
    "BCELoss_weight": nn.BCELoss(weight=w), "BCEWithLogitsLoss": nn.BCEWithLogitsLoss(),
    "BCEWithLogitsLoss_pos_weight": nn.BCEWithLogitsLoss(pos_weight=w),
    "BCEWithLogitsLoss_both": nn.BCEWithLogitsLoss(weight=w, pos_weight=w), "NLLLoss": nn.NLLLoss(),
    "NLLLoss_weight": nn.NLLLoss(weight=w, ignore_index=1), "CrossEntropyLoss": nn.CrossEntropyLoss(),
    "CrossEntropyLoss_all": nn.CrossEntropyLoss(weight=w, ignore_index=2, reduction="sum", label_smoothing=0.1),
    "MultiLabelSoftMarginLoss": nn.MultiLabelSoftMarginLoss(weight=w), "MultiLabelMarginLoss": nn.MultiLabelMarginLoss(),
    "MultiMarginLoss": nn.MultiMarginLoss(p=2, margin=0.5, weight=w), "MarginRankingLoss": nn.MarginRankingLoss(margin=0.1),
    "CosineEmbeddingLoss": nn.CosineEmbeddingLoss(margin=0.2), "GaussianNLLLoss": nn.GaussianNLLLoss(full=True),
    "TripletMarginLoss": nn.TripletMarginLoss(margin=2.0, p=1.0, swap=True),
    "TripletMarginWithDistanceLoss": nn.TripletMarginWithDistanceLoss(),
    "TripletMarginWithDistanceLoss_lambda": nn.TripletMarginWithDistanceLoss(distance_function=lambda a, b: (a - b).abs()),
    "CTCLoss": nn.CTCLoss(blank=3, zero_infinity=True),
    "Sequential": nn.Sequential(nn.CrossEntropyLoss(weight=w), nn.MSELoss()),
}
modules = {k: {"repr": repr(m), "keys": list(m.state_dict().keys())} for k, m in MODULES.items()}

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "errors": errors, "modules": modules}, f, indent=1)
print(f"nn_loss_errors: {len(errors)} errors, {len(modules)} modules")
