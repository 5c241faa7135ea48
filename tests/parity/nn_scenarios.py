"""Fixtures for the model scenarios of SCENARIOS.md that the nn layers carry (M2 parameters, M4 initialisers,
M5 train/eval), written from PyTorch with fixed seeds.

Run with Debian's torch: /usr/bin/python3 tests/parity/nn_scenarios.py
"""
import torch
import torch.nn as nn

from fixture import Fixture

f = Fixture("nn_scenarios")


def tensors(prefix, named):
    return [{"name": n, **f._store(f"{prefix}/{n}", t)} for n, t in named]


# ---- M2: parameters(), named_parameters(), Parameter registered by assignment, ParameterList, ParameterDict ----
class MyModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1))
        self.fc = nn.Linear(4, 3)
        self.weights = nn.ParameterList([nn.Parameter(torch.randn(3, 3)) for _ in range(2)])
        self.extra = nn.ParameterDict({"left": nn.Parameter(torch.randn(3)), "right": nn.Parameter(torch.zeros(2, 3))})
        self.register_buffer("steps", torch.zeros(1))

    def forward(self, x):
        x = self.fc(x) * self.scale
        for w in self.weights:
            x = torch.relu(x @ w)
        return x + self.extra["left"]


torch.manual_seed(0)
m2 = MyModel()
x = torch.randn(2, 4)
out = m2(x)
out.sum().backward()
f.cases.append({
    "id": "m2",
    "named_parameters": tensors("m2/p", m2.named_parameters()),
    "grads": tensors("m2/g", [(n, p.grad if p.grad is not None else torch.zeros_like(p)) for n, p in m2.named_parameters()]),
    "has_grad": [p.grad is not None for p in m2.parameters()],
    "state_dict": list(m2.state_dict().keys()),
    "num_parameters": sum(p.numel() for p in m2.parameters()),
    "input": f._store("m2/x", x),
    "output": f._store("m2/out", out),
    "repr": repr(m2),
})

# ---- M4: kaiming_normal_ on a convolution weight's data, constant_ on a linear weight's data ----
torch.manual_seed(42)
conv_weight = torch.empty(16, 6, 5, 5)
torch.nn.init.kaiming_normal_(conv_weight.data)
linear = nn.Linear(120, 84)
torch.nn.init.constant_(linear.weight.data, 0.3)
f.cases.append({
    "id": "m4",
    "conv_weight": f._store("m4/conv", conv_weight),
    "linear_weight": f._store("m4/linear_w", linear.weight),
    "linear_bias": f._store("m4/linear_b", linear.bias),
})

# ---- M5: train() / eval() switch Dropout and BatchNorm ----
torch.manual_seed(5)
model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2))
x = torch.randn(6, 4)
steps = []
for mode, seed in (("train", 100), ("train", 101), ("eval", 102), ("eval", 103), ("train", 104)):
    model.train(mode == "train")
    torch.manual_seed(seed)
    with torch.set_grad_enabled(mode == "train"):
        y = model(x)
    steps.append({"mode": mode, "seed": seed, "output": f._store(f"m5/{len(steps)}/out", y),
                  "buffers": tensors(f"m5/{len(steps)}/b", model.named_buffers()),
                  "training": [m.training for m in model.modules()]})
f.cases.append({"id": "m5", "input": f._store("m5/x", x), "steps": steps,
                "state": tensors("m5/state", model.state_dict().items())})

f.save()
