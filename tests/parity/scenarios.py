"""Expected outcomes of the scenario examples (SCENARIOS.md) that PyTorch can state exactly.

Writes tests/fixtures/scenarios/NAME.json, read by tests/Flint.Tests/Scenarios. Each function mirrors one example in
examples/Scenarios with the same numbers.

Run with Debian's torch: /usr/bin/python3 tests/parity/scenarios.py
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "scenarios")


def write(name, obj):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(obj, f, indent=1)


# O1: every optimizer, 5 steps on the same float64 problem (examples/Scenarios/O1Optimizers.cs).
W0 = [[1.0, -1.5], [0.5, 2.0], [-0.3, 0.8]]
T = [[0.5, 0.0], [1.0, -1.0], [0.0, 0.5]]
C = [[1.0, 2.0], [3.0, 0.5], [1.0, 1.0]]
STEPS = 5


def o1_loss(w):
    t = torch.tensor(T, dtype=torch.float64)
    c = torch.tensor(C, dtype=torch.float64)
    return ((w - t).pow(2) * c).sum() + 0.1 * w.pow(4).sum()


def o1():
    makers = {
        "SGD": lambda p: torch.optim.SGD(p, lr=0.05),
        "SGD(momentum)": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
        "ASGD": lambda p: torch.optim.ASGD(p, lr=0.05, t0=2),
        "Adadelta": lambda p: torch.optim.Adadelta(p, lr=1.0),
        "Adagrad": lambda p: torch.optim.Adagrad(p, lr=0.1),
        "Adam": lambda p: torch.optim.Adam(p, lr=0.1),
        "AdamW": lambda p: torch.optim.AdamW(p, lr=0.1, weight_decay=0.1),
        "Adamax": lambda p: torch.optim.Adamax(p, lr=0.1),
        "LBFGS": lambda p: torch.optim.LBFGS(p, lr=1, max_iter=4, line_search_fn="strong_wolfe"),
        "NAdam": lambda p: torch.optim.NAdam(p, lr=0.1),
        "RAdam": lambda p: torch.optim.RAdam(p, lr=0.1),
        "RMSprop": lambda p: torch.optim.RMSprop(p, lr=0.01),
        "Rprop": lambda p: torch.optim.Rprop(p, lr=0.05),
        "SparseAdam": lambda p: torch.optim.SparseAdam(p, lr=0.1),
    }
    result = {}
    for name, make in makers.items():
        w = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
        opt = make([w])
        losses = []
        for _ in range(STEPS):
            def closure():
                opt.zero_grad()
                loss = o1_loss(w)
                loss.backward()
                if name == "SparseAdam":
                    # Rows 0 and 2 only, as an Embedding(sparse=True) looking up ids [0, 2] would give.
                    rows = torch.tensor([[0, 2]])
                    w.grad = torch.sparse_coo_tensor(rows, w.grad[[0, 2]], w.shape)
                return loss
            losses.append(float(opt.step(closure) if name == "LBFGS" else closure()))
            if name != "LBFGS":
                opt.step()
        result[name] = {"losses": losses, "weight": w.detach().tolist()}
    write("o1", result)



# O2: the Optimizer API on SGD (examples/Scenarios/O2OptimizerApi.cs).
def o2():
    w1 = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor([0.5, -0.5], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w1], lr=0.1, momentum=0.9, weight_decay=0.01)
    trace = []

    def step(loss_fn):
        opt.zero_grad()
        loss_fn().backward()
        opt.step()
        trace.append({"w1": w1.detach().tolist(), "w2": w2.detach().tolist()})

    step(lambda: (w1 ** 2).sum())
    opt.add_param_group({"params": [w2], "lr": 0.01})
    step(lambda: (w1 ** 2).sum() + (w2 ** 3).sum())
    # Save and resume: a new optimizer over the same parameters continues where the first left off.
    sd = opt.state_dict()
    opt = torch.optim.SGD([w1], lr=0.1, momentum=0.9, weight_decay=0.01)
    opt.add_param_group({"params": [w2], "lr": 0.01})
    opt.load_state_dict(sd)
    step(lambda: (w1 ** 2).sum() + (w2 ** 3).sum())
    for g in opt.param_groups:
        g["lr"] *= 0.5
    step(lambda: (w1 ** 2).sum() + (w2 ** 3).sum())
    # Weight decay alone: a zero loss gradient still shrinks the weights (and momentum carries on).
    step(lambda: (w1 * 0).sum() + (w2 * 0).sum())
    scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.1)
    scheduler.step()
    write("o2", {"trace": trace, "lrs": [g["lr"] for g in opt.param_groups],
                 "defaults": {k: v for k, v in opt.defaults.items() if isinstance(v, (int, float, bool))}})


# P1: Linear(1, 1) from weight 0.5, bias -0.3; Adam lr 0.01; MSELoss to 3.0 at x = 1; 100 steps
# (examples/Scenarios/P1FitLine.cs).
def p1():
    model = torch.nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(0.5)
        model.bias.fill_(-0.3)
    x = torch.tensor([1.0], requires_grad=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    criterion = torch.nn.MSELoss()
    losses = []
    for _ in range(100):
        optimizer.zero_grad()
        loss = criterion(model(x), torch.tensor([3.0]))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    sd = model.state_dict()
    write("p1", {"weight": sd["weight"].item(), "bias": sd["bias"].item(), "losses": losses, "repr": repr(sd)})


# S3: a state dict PyTorch wrote with torch.save, under the three names (examples/Scenarios/S3FileNames.cs).
def s3():
    torch.manual_seed(5)
    net = torch.nn.Sequential(torch.nn.Linear(1, 10), torch.nn.ReLU(), torch.nn.Linear(10, 1))
    for ext in ("pt", "pth", "pkl"):
        torch.save(net.state_dict(), os.path.join(OUT, "s3_net_params." + ext))
    x = torch.linspace(-1, 1, 5).unsqueeze(1)
    write("s3", {"x": x.tolist(), "y": net(x).detach().tolist()})


if __name__ == "__main__":
    o1()
    o2()
    p1()
    s3()
