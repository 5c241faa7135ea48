"""Parity fixtures for torch.optim.lr_scheduler: each scheduler's learning rates (and cycled momentum) over 100 steps.

The optimizer is SGD with two parameter groups (lr 0.1 with momentum 0.9, lr 0.01 with momentum 0.5), or Adam for
the beta1-cycling OneCycleLR case. Each case records get_last_lr() after construction and after every step, the
groups' momentum (or beta1), and the optimizer's and scheduler's state dicts after step 50, from which the C# test
resumes. Scheduler state dicts are recorded as PyTorch 2.x writes them: CyclicLR without its weakref
'_scale_fn_ref', OneCycleLR with '_anneal_func_type' in place of the bound method 'anneal_func' (1.13 cannot pickle
either). Lambdas are named: the C# test maps each name to the same function.

Run with Debian's torch: /usr/bin/python3 tests/parity/optim_sched.py
"""
import warnings

import torch
from torch.optim import lr_scheduler as L

from optim_common import OptimFixture

warnings.simplefilter("ignore")
f = OptimFixture("optim_sched", seed=3)
cases = []
STEPS = 100
RESUME = 50

LAMBDAS = {
    "pow095": lambda e: 0.95 ** e,
    "const095": lambda e: 0.95,
    "warmup10": lambda e: min(1.0, (e + 1) / 10),
    "inv_sqrt": lambda e: 1.0 / (1 + e) ** 0.5,
}


def make_optimizer(kind):
    a = torch.zeros(2, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    if kind == "adam":
        return torch.optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.01, "betas": (0.8, 0.99)}], lr=0.1)
    return torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.01, "momentum": 0.5}], lr=0.1, momentum=0.9)


def build(spec, opt):
    kw = dict(spec.get("kwargs", {}))
    for k, v in list(kw.items()):
        if isinstance(v, str) and v in LAMBDAS:
            kw[k] = LAMBDAS[v]
        elif isinstance(v, list) and v and isinstance(v[0], str) and v[0] in LAMBDAS:
            kw[k] = [LAMBDAS[x] for x in v]
    if "schedulers" in spec:
        subs = [build(s, opt) for s in spec["schedulers"]]
        if spec["name"] == "ChainedScheduler":
            return L.ChainedScheduler(subs)
        return getattr(L, spec["name"])(opt, subs, **kw)
    return getattr(L, spec["name"])(opt, **kw)


def state_of(s):
    sd = s.state_dict()

    def norm(d):
        d = dict(d)
        d.pop("_scale_fn_ref", None)
        if "anneal_func" in d:
            fn = d["anneal_func"]
            d = {("_anneal_func_type" if k == "anneal_func" else k): (("cos" if fn.__name__ == "_annealing_cos" else "linear")
                 if k == "anneal_func" else v) for k, v in d.items()}
        if "_schedulers" in d:
            d["_schedulers"] = [norm(x) for x in d["_schedulers"]]
        if "milestones" in d and hasattr(d["milestones"], "elements"):
            d["milestones"] = dict(d["milestones"])
        return d
    return norm(sd)


def momentum_of(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def run(cid, spec, opt_kind="sgd", metrics=None, epochs=None):
    opt = make_optimizer(opt_kind)
    s = build(spec, opt)
    lrs, moms = [list(s.get_last_lr()) if metrics is None else [g["lr"] for g in opt.param_groups]], [momentum_of(opt)]
    resume = None
    for i in range(STEPS):
        opt.step()
        if metrics is not None:
            s.step(metrics[i])
        elif epochs is not None:
            s.step(epochs[i])
        else:
            s.step()
        lrs.append(list(s.get_last_lr()) if metrics is None else [g["lr"] for g in opt.param_groups])
        moms.append(momentum_of(opt))
        if i == RESUME - 1:
            resume = {"optimizer": f.enc(f"{cid}/ro", opt.state_dict()), "scheduler": f.enc(f"{cid}/rs", state_of(s))}
    cases.append({"id": cid, "kind": "sched", "spec": spec, "optimizer": opt_kind, "metrics": metrics, "epochs": epochs,
                  "lrs": lrs, "momentums": moms, "resume": resume, "final": f.enc(f"{cid}/fs", state_of(s))})


run("LambdaLR/pow", {"name": "LambdaLR", "kwargs": {"lr_lambda": "pow095"}})
run("LambdaLR/per_group", {"name": "LambdaLR", "kwargs": {"lr_lambda": ["warmup10", "inv_sqrt"]}})
run("MultiplicativeLR/const", {"name": "MultiplicativeLR", "kwargs": {"lr_lambda": "const095"}})
run("StepLR/default", {"name": "StepLR", "kwargs": {"step_size": 7}})
run("StepLR/gamma", {"name": "StepLR", "kwargs": {"step_size": 3, "gamma": 0.5}})
run("StepLR/epochs", {"name": "StepLR", "kwargs": {"step_size": 4, "gamma": 0.5}}, epochs=[i + i // 10 for i in range(1, STEPS + 1)])
run("MultiStepLR/default", {"name": "MultiStepLR", "kwargs": {"milestones": [10, 30, 30, 80], "gamma": 0.3}})
run("MultiStepLR/epochs", {"name": "MultiStepLR", "kwargs": {"milestones": [10, 30, 30, 80], "gamma": 0.3}},
    epochs=[(i * 7) % 97 for i in range(1, STEPS + 1)])
run("ConstantLR/default", {"name": "ConstantLR", "kwargs": {}})
run("ConstantLR/factor", {"name": "ConstantLR", "kwargs": {"factor": 0.25, "total_iters": 40}})
run("LinearLR/default", {"name": "LinearLR", "kwargs": {}})
run("LinearLR/decay", {"name": "LinearLR", "kwargs": {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 60}})
run("ExponentialLR/default", {"name": "ExponentialLR", "kwargs": {"gamma": 0.95}})
run("PolynomialLR/default", {"name": "PolynomialLR", "kwargs": {}})
run("PolynomialLR/power", {"name": "PolynomialLR", "kwargs": {"total_iters": 80, "power": 2.0}})
run("CosineAnnealingLR/default", {"name": "CosineAnnealingLR", "kwargs": {"T_max": 30}})
run("CosineAnnealingLR/eta_min", {"name": "CosineAnnealingLR", "kwargs": {"T_max": 25, "eta_min": 0.001}})
run("CosineAnnealingWarmRestarts/default", {"name": "CosineAnnealingWarmRestarts", "kwargs": {"T_0": 10}})
run("CosineAnnealingWarmRestarts/mult", {"name": "CosineAnnealingWarmRestarts", "kwargs": {"T_0": 5, "T_mult": 2, "eta_min": 0.001}})
run("CosineAnnealingWarmRestarts/fractional", {"name": "CosineAnnealingWarmRestarts", "kwargs": {"T_0": 3, "T_mult": 2}},
    epochs=[i / 8 for i in range(1, STEPS + 1)])
run("CosineAnnealingWarmRestarts/int_epochs", {"name": "CosineAnnealingWarmRestarts", "kwargs": {"T_0": 4}},
    epochs=[(i * 3) % 50 for i in range(1, STEPS + 1)])
run("CyclicLR/triangular", {"name": "CyclicLR", "kwargs": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 10}})
run("CyclicLR/triangular2", {"name": "CyclicLR", "kwargs": {"base_lr": [0.01, 0.001], "max_lr": [0.1, 0.05],
                                                              "step_size_up": 7, "step_size_down": 13, "mode": "triangular2"}})
run("CyclicLR/exp_range", {"name": "CyclicLR", "kwargs": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5, "mode": "exp_range",
                                                            "gamma": 0.97, "base_momentum": 0.7, "max_momentum": [0.95, 0.9]}})
run("CyclicLR/no_momentum", {"name": "CyclicLR", "kwargs": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 10,
                                                              "cycle_momentum": False}}, opt_kind="adam")
run("OneCycleLR/cos", {"name": "OneCycleLR", "kwargs": {"max_lr": 0.1, "total_steps": 100}})
run("OneCycleLR/linear", {"name": "OneCycleLR", "kwargs": {"max_lr": [0.1, 0.05], "epochs": 10, "steps_per_epoch": 10,
                                                             "anneal_strategy": "linear", "pct_start": 0.25}})
run("OneCycleLR/three_phase", {"name": "OneCycleLR", "kwargs": {"max_lr": 0.2, "total_steps": 120, "three_phase": True,
                                                                  "div_factor": 10.0, "final_div_factor": 100.0}})
run("OneCycleLR/adam", {"name": "OneCycleLR", "kwargs": {"max_lr": 0.01, "total_steps": 100, "base_momentum": 0.8,
                                                           "max_momentum": 0.9}}, opt_kind="adam")
run("SequentialLR/default", {"name": "SequentialLR", "kwargs": {"milestones": [5]},
                             "schedulers": [{"name": "ConstantLR", "kwargs": {"factor": 0.1, "total_iters": 5}},
                                            {"name": "ExponentialLR", "kwargs": {"gamma": 0.9}}]})
run("SequentialLR/three", {"name": "SequentialLR", "kwargs": {"milestones": [10, 40]},
                           "schedulers": [{"name": "LinearLR", "kwargs": {"start_factor": 0.1, "total_iters": 10}},
                                          {"name": "CosineAnnealingLR", "kwargs": {"T_max": 30}},
                                          {"name": "StepLR", "kwargs": {"step_size": 10, "gamma": 0.5}}]})
run("ChainedScheduler/default", {"name": "ChainedScheduler",
                                 "schedulers": [{"name": "ConstantLR", "kwargs": {"factor": 0.1, "total_iters": 20}},
                                                {"name": "ExponentialLR", "kwargs": {"gamma": 0.9}}]})
plateau = [1.0 / (1 + i // 7) if i < 60 else 0.2 + 0.001 * (i % 3) for i in range(STEPS)]
run("ReduceLROnPlateau/min", {"name": "ReduceLROnPlateau", "kwargs": {"patience": 3}}, metrics=plateau)
run("ReduceLROnPlateau/max_abs", {"name": "ReduceLROnPlateau", "kwargs": {"mode": "max", "threshold_mode": "abs", "threshold": 0.01,
                                                                           "patience": 2, "cooldown": 3, "factor": 0.5,
                                                                           "min_lr": [0.01, 0.0005]}},
    metrics=[-x for x in plateau])
run("ReduceLROnPlateau/min_abs", {"name": "ReduceLROnPlateau", "kwargs": {"threshold_mode": "abs", "patience": 1, "eps": 0.001,
                                                                           "factor": 0.7, "min_lr": 0.002}}, metrics=plateau)


def error(cid, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        cases.append({"id": cid, "kind": "error", "type": type(e).__name__, "message": str(e)})
        return
    raise AssertionError(cid + " did not fail")


def onecycle_past_end():
    opt = make_optimizer("sgd")
    s = L.OneCycleLR(opt, 0.1, total_steps=5)
    for _ in range(6):
        s.step()


error("error/plateau_mode", lambda: L.ReduceLROnPlateau(make_optimizer("sgd"), mode="foo"))
error("error/plateau_threshold_mode", lambda: L.ReduceLROnPlateau(make_optimizer("sgd"), threshold_mode="bar"))
error("error/plateau_factor", lambda: L.ReduceLROnPlateau(make_optimizer("sgd"), factor=1.0))
error("error/plateau_min_lrs", lambda: L.ReduceLROnPlateau(make_optimizer("sgd"), min_lr=[0.1]))
error("error/cyclic_mode", lambda: L.CyclicLR(make_optimizer("sgd"), 0.01, 0.1, mode="square"))
error("error/cyclic_momentum", lambda: L.CyclicLR(make_optimizer("adam"), 0.01, 0.1))
error("error/cyclic_max_lr", lambda: L.CyclicLR(make_optimizer("sgd"), 0.01, [0.1, 0.2, 0.3]))
error("error/onecycle_anneal", lambda: L.OneCycleLR(make_optimizer("sgd"), 0.1, total_steps=10, anneal_strategy="exp"))
error("error/onecycle_totals", lambda: L.OneCycleLR(make_optimizer("sgd"), 0.1))
error("error/onecycle_total_steps", lambda: L.OneCycleLR(make_optimizer("sgd"), 0.1, total_steps=-3))
error("error/onecycle_pct", lambda: L.OneCycleLR(make_optimizer("sgd"), 0.1, total_steps=10, pct_start=1.5))
error("error/onecycle_past_end", onecycle_past_end)
error("error/constant_factor", lambda: L.ConstantLR(make_optimizer("sgd"), factor=2.0))
error("error/linear_start", lambda: L.LinearLR(make_optimizer("sgd"), start_factor=1.5))
error("error/linear_end", lambda: L.LinearLR(make_optimizer("sgd"), end_factor=-0.5))
error("error/cawr_t0", lambda: L.CosineAnnealingWarmRestarts(make_optimizer("sgd"), 0))
error("error/cawr_tmult", lambda: L.CosineAnnealingWarmRestarts(make_optimizer("sgd"), 10, T_mult=0))
error("error/lambda_count", lambda: L.LambdaLR(make_optimizer("sgd"), [LAMBDAS["pow095"]]))
error("error/resume_no_initial_lr", lambda: L.StepLR(make_optimizer("sgd"), 3, last_epoch=5))


def sequential_milestones():
    opt = make_optimizer("sgd")
    L.SequentialLR(opt, [L.ConstantLR(opt), L.ExponentialLR(opt, 0.9)], milestones=[2, 4])


def sequential_other_optimizer():
    opt = make_optimizer("sgd")
    L.SequentialLR(opt, [L.ConstantLR(opt), L.ExponentialLR(make_optimizer("sgd"), 0.9)], milestones=[2])


error("error/sequential_milestones", sequential_milestones)
error("error/sequential_optimizer", sequential_other_optimizer)

f.cases = cases
f.save()
