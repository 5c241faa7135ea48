"""Scenario L1 of SCENARIOS.md: every loss module of torch.nn, built with its defaults, on small inputs; PyTorch's value
and gradients for each (float32, and float64 with gradcheck). Writes tests/fixtures/nn_loss_l1.{json,npz}.

Run with Debian's torch: /usr/bin/python3 tests/parity/nn_loss_scenario.py
"""
import warnings

import torch
import torch.nn as nn

from fixture import rand, positive
from nn_loss_common import LossFixture, signs

warnings.simplefilter("ignore")
f = LossFixture("nn_loss_l1", seed=1)
for dt, dn in ((torch.float32, "f32"), (torch.float64, "f64")):
    x, y = rand(4, 5, dtype=dt), rand(4, 5, dtype=dt)
    probs, labels = rand(4, 5, dtype=dt, low=0.05, high=0.95), torch.randint(0, 2, (4, 5)).to(dt)
    classes = torch.tensor([4, 0, 2, 2])
    pm = signs(4, dtype=dt)
    cases = (
        ("BCELoss", [probs, labels], ()),
        ("BCEWithLogitsLoss", [x, labels], ()),
        ("CrossEntropyLoss", [x, classes], ()),
        ("NLLLoss", [torch.log_softmax(x, 1), classes], ()),
        ("L1Loss", [x, y], ()),
        ("MSELoss", [x, y], ()),
        ("SmoothL1Loss", [x, y], ()),
        ("HuberLoss", [x.mul(2), y], ()),
        ("PoissonNLLLoss", [x, positive(4, 5, dtype=dt, low=0, high=3)], ()),
        ("GaussianNLLLoss", [x, y, positive(4, 5, dtype=dt)], ()),
        ("KLDivLoss", [torch.log_softmax(x, 1), torch.softmax(y, 1)], ()),
        ("MarginRankingLoss", [rand(4, dtype=dt), rand(4, dtype=dt), pm], (2,)),
        ("MultiLabelMarginLoss", [x, torch.tensor([[3, 0, -1, 1, 1], [1, 2, 4, -1, 0], [0, 1, 2, 3, 4], [-1, 0, 0, 0, 0]])], ()),
        ("MultiLabelSoftMarginLoss", [x, labels], ()),
        ("SoftMarginLoss", [x, signs(4, 5, dtype=dt)], (1,)),
        ("MultiMarginLoss", [x, classes], ()),
        ("TripletMarginLoss", [x, y, rand(4, 5, dtype=dt)], ()),
        ("TripletMarginWithDistanceLoss", [x, y, rand(4, 5, dtype=dt)], ()),
        ("HingeEmbeddingLoss", [x, signs(4, 5, dtype=dt)], (1,)),
        ("CosineEmbeddingLoss", [x, y, pm.long()], ()),
        # CTC's gradient is the one for log_softmax outputs (as PyTorch's), so the leaf is the logits
        ("CTCLoss", [rand(8, 4, 5, dtype=dt), torch.tensor([[1, 2, 2], [4, 3, 0], [1, 0, 0], [2, 4, 1]])],
         ()),
    )
    for name, inputs, nograd in cases:
        module = getattr(nn, name)()
        if name == "CTCLoss":
            fn = lambda a, b, m=module: m(a.log_softmax(2), b, [8, 7, 8, 5], [3, 2, 1, 3])
            kw = {"input_lengths": [8, 7, 8, 5], "target_lengths": [3, 2, 1, 3]}
        else:
            fn = lambda *a, m=module: m(*a)
            kw = {}
        f.loss(f"{name}_{dn}", name, inputs, fn, kw, nograd=set(nograd))
f.save()
