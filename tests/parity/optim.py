"""Parity fixtures for torch.optim: every optimizer and its main option combinations.

Each case runs 10 steps of an optimizer on fixed parameters (a 3x4 matrix, a 5-vector and, when asked, a transposed
4x2 leaf) with a fixed sequence of gradients (the second parameter gets no gradient at step 4, so it is skipped),
and records the parameters after every step, the state dict after step 5 (to resume from, as a PyTorch checkpoint
would) and after step 10. LBFGS cases minimise the Rosenbrock function with a closure; SparseAdam cases use
row-sparse gradients as Embedding(sparse=True) makes them. Error cases record PyTorch's message.

Run with Debian's torch: /usr/bin/python3 tests/parity/optim.py
"""
import os

import torch

from optim_common import OptimFixture

STEPS = 10
RESUME = 5
f = OptimFixture("optim", seed=1)
cases = []
# Checkpoints written by torch.save after step 5 (after step 2 for L-BFGS), which Flint loads with Torch.Load.
PT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "optim_checkpoints", "pytorch")
PT_CASES = {"SGD/momentum/f64", "SGD/groups/f64", "Adam/amsgrad/f64", "Adam/groups/f64", "AdamW/amsgrad/f64",
            "Adamax/default/f64", "NAdam/default/f64", "RAdam/default/f64", "Adagrad/default/f64", "Adadelta/default/f64",
            "RMSprop/all/f64", "Rprop/default/f64", "ASGD/t0/f64", "LBFGS/strong_wolfe/f64", "SparseAdam/default/f64"}
os.makedirs(PT_DIR, exist_ok=True)


def save_pt(cid, opt):
    if cid in PT_CASES:
        torch.save(opt.state_dict(), os.path.join(PT_DIR, cid.replace("/", "_") + ".pt"))


def dt_name(dt):
    return "f32" if dt == torch.float32 else "f64"


def make_params(dt, strided):
    g = torch.Generator().manual_seed(7)
    ps = [torch.randn(3, 4, generator=g, dtype=torch.float64).to(dt),
          torch.randn(5, generator=g, dtype=torch.float64).to(dt)]
    if strided:
        ps.append(torch.randn(2, 4, generator=g, dtype=torch.float64).to(dt).t())
    return ps


def make_grads(ps, dt):
    g = torch.Generator().manual_seed(11)
    seq = []
    for step in range(STEPS):
        row = []
        for i, p in enumerate(ps):
            if i == 1 and step == 3:
                row.append(None)
            else:
                row.append(torch.randn(p.shape, generator=g, dtype=torch.float64).to(dt))
        seq.append(row)
    return seq


def build(opt_name, params, kwargs, groups):
    cls = getattr(torch.optim, opt_name)
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    if groups is None:
        return cls(params, **kw)
    gs = []
    for g in groups:
        d = {k: tuple(v) if isinstance(v, list) else v for k, v in g.items() if k != "params"}
        d["params"] = [params[i] for i in g["params"]]
        gs.append(d)
    return cls(gs, **kw)


def run(opt_name, kwargs, tag, groups=None, strided=False, set_lr=None, requires_grad=True):
    for dt in (torch.float32, torch.float64):
        cid = f"{opt_name}/{tag}/{dt_name(dt)}"
        init = make_params(dt, strided)
        # clone() keeps the third parameter's transposed layout (strides (1, 4)).
        params = [p.clone().requires_grad_(requires_grad) for p in init]
        grads = make_grads(params, dt)
        opt = build(opt_name, params, kwargs, groups)
        expected, resume = [], None
        for step in range(STEPS):
            if set_lr is not None and step == set_lr[0]:
                for g, lr in zip(opt.param_groups, set_lr[1]):
                    g["lr"] = lr
            for p, gr in zip(params, grads[step]):
                p.grad = None if gr is None else gr.clone()
            opt.step()
            expected.append([f.enc(f"{cid}/p{step}/{i}", p) for i, p in enumerate(params)])
            if step == RESUME - 1:
                resume = f.enc(f"{cid}/resume", opt.state_dict())
                save_pt(cid, opt)
        case = {"id": cid, "kind": "optim", "optimizer": opt_name, "kwargs": kwargs, "groups": groups, "dtype": dt_name(dt),
                "requires_grad": requires_grad, "set_lr": set_lr,
                "params": [f.enc(f"{cid}/init/{i}", p) for i, p in enumerate(init)],
                "grads": [[f.enc(f"{cid}/g{s}/{i}", g) for i, g in enumerate(row)] for s, row in enumerate(grads)],
                "expected": expected, "resume": resume, "final": f.enc(f"{cid}/final", opt.state_dict()),
                "repr": repr(opt)}
        cases.append(case)


# SGD
run("SGD", {"lr": 0.1}, "plain")
run("SGD", {"lr": 0.1, "momentum": 0.9}, "momentum", strided=True)
run("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}, "dampening")
run("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True}, "nesterov")
run("SGD", {"lr": 0.1, "weight_decay": 0.01}, "weight_decay")
run("SGD", {"lr": 0.1, "maximize": True}, "maximize")
run("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1, "maximize": True, "nesterov": True}, "all")
run("SGD", {"lr": 0.1}, "groups", groups=[{"params": [0], "lr": 0.01, "momentum": 0.9}, {"params": [1]}])
run("SGD", {"lr": 0.1, "momentum": 0.5}, "set_lr", set_lr=[6, [0.02]])
run("SGD", {"lr": 0.1, "momentum": 0.9, "differentiable": True}, "differentiable", requires_grad=False)
# Adam family
run("Adam", {}, "default", strided=True)
run("Adam", {"lr": 0.01, "amsgrad": True}, "amsgrad")
run("Adam", {"lr": 0.01, "weight_decay": 0.1}, "weight_decay")
run("Adam", {"lr": 0.01, "maximize": True}, "maximize")
run("Adam", {"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6, "amsgrad": True, "weight_decay": 0.05, "maximize": True}, "all")
run("Adam", {"lr": 0.01}, "groups", groups=[{"params": [0], "betas": [0.5, 0.9]}, {"params": [1], "lr": 0.1, "amsgrad": True}])
run("Adam", {"lr": 0.01, "differentiable": True}, "differentiable", requires_grad=False)
run("Adam", {"lr": 0.01, "amsgrad": True, "differentiable": True}, "differentiable_amsgrad", requires_grad=False)
run("AdamW", {}, "default")
run("AdamW", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}, "amsgrad")
run("AdamW", {"lr": 0.01, "maximize": True}, "maximize")
run("Adamax", {}, "default")
run("Adamax", {"lr": 0.01, "weight_decay": 0.1, "betas": [0.8, 0.9]}, "weight_decay")
run("Adamax", {"lr": 0.01, "maximize": True}, "maximize")
run("NAdam", {}, "default")
run("NAdam", {"lr": 0.01, "weight_decay": 0.1, "momentum_decay": 0.01}, "weight_decay")
run("RAdam", {}, "default")
run("RAdam", {"lr": 0.01, "weight_decay": 0.1, "betas": [0.8, 0.99]}, "weight_decay")
# Adagrad, Adadelta, RMSprop, Rprop, ASGD
run("Adagrad", {}, "default", strided=True)
run("Adagrad", {"lr": 0.1, "lr_decay": 0.01}, "lr_decay")
run("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6}, "initial_accumulator")
run("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "maximize": True}, "weight_decay")
run("Adadelta", {}, "default")
run("Adadelta", {"lr": 0.5, "rho": 0.5, "eps": 1e-4}, "rho")
run("Adadelta", {"lr": 0.5, "weight_decay": 0.1, "maximize": True}, "weight_decay")
run("RMSprop", {}, "default", strided=True)
run("RMSprop", {"lr": 0.01, "centered": True}, "centered")
run("RMSprop", {"lr": 0.01, "momentum": 0.9}, "momentum")
run("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5, "weight_decay": 0.1, "maximize": True}, "all")
run("RMSprop", {"lr": 0.01, "momentum": 0.9, "differentiable": True}, "differentiable", requires_grad=False)
run("Rprop", {}, "default")
run("Rprop", {"lr": 0.05, "etas": [0.3, 1.5], "step_sizes": [0.01, 0.2]}, "etas")
run("Rprop", {"lr": 0.05, "maximize": True}, "maximize")
run("ASGD", {}, "default")
run("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 3.0}, "t0")
run("ASGD", {"lr": 0.05, "weight_decay": 0.1, "maximize": True, "t0": 5.0}, "weight_decay")


# LBFGS with a closure. On the Rosenbrock function from x0 = (-1.5, 2, -0.5, 1.2) (float64: L-BFGS on Rosenbrock
# amplifies last-bit differences of dot products from iteration to iteration, so runs stay within ~20 iterations, where
# they hold to 1e-10) and on a separable quadratic (float32 and float64; it converges, ending steps by the gradient
# and change tolerances).
def rosenbrock(x):
    a = x[1:] - x[:-1] * x[:-1]
    b = 1 - x[:-1]
    return (100 * (a * a) + b * b).sum()


QUAD_SCALE = [1.0, 4.0, 0.5, 9.0]
QUAD_CENTER = [0.3, -1.2, 2.0, 0.7]


def quadratic(x):
    c = torch.tensor(QUAD_SCALE, dtype=x.dtype)
    m = torch.tensor(QUAD_CENTER, dtype=x.dtype)
    e = x - m
    return (c * (e * e)).sum()


def run_lbfgs(kwargs, tag, steps, fn="rosenbrock", dtypes=(torch.float64,)):
    for dt in dtypes:
        cid = f"LBFGS/{tag}/{dt_name(dt)}"
        init = torch.tensor([-1.5, 2.0, -0.5, 1.2], dtype=dt)
        x = init.clone().requires_grad_(True)
        opt = torch.optim.LBFGS([x], **kwargs)
        evals = [0]
        f_ = rosenbrock if fn == "rosenbrock" else quadratic

        def closure():
            evals[0] += 1
            opt.zero_grad()
            loss = f_(x)
            loss.backward()
            return loss

        expected, losses, counts = [], [], []
        for step in range(steps):
            loss = opt.step(closure)
            if step == 1:
                save_pt(cid, opt)
            losses.append(loss.item())
            counts.append(evals[0])
            expected.append([f.enc(f"{cid}/p{step}/0", x)])
        st = opt.state[x]
        cases.append({"id": cid, "kind": "lbfgs", "optimizer": "LBFGS", "function": fn, "kwargs": kwargs, "dtype": dt_name(dt),
                      "params": [f.enc(f"{cid}/init/0", init)], "expected": expected, "losses": losses,
                      "evals": counts, "func_evals": st["func_evals"], "n_iter": st["n_iter"],
                      "d": f.enc(f"{cid}/d", st["d"]), "H_diag": float(st["H_diag"]),
                      "history": len(st["old_dirs"]), "repr": repr(opt)})


run_lbfgs({}, "default", steps=1)
run_lbfgs({"max_iter": 5}, "max_iter", steps=4)
run_lbfgs({"line_search_fn": "strong_wolfe", "max_iter": 5}, "strong_wolfe", steps=4)
run_lbfgs({"history_size": 3, "max_iter": 5, "lr": 0.5}, "history", steps=6)
both = (torch.float32, torch.float64)
run_lbfgs({"max_iter": 6, "history_size": 2}, "quadratic", steps=4, fn="quadratic", dtypes=both)
run_lbfgs({"line_search_fn": "strong_wolfe", "max_iter": 50, "tolerance_grad": 1e-5, "tolerance_change": 1e-7}, "quadratic_wolfe",
          steps=3, fn="quadratic", dtypes=both)


# SparseAdam over row-sparse gradients (embedding table 6x3; indices repeat, as Embedding(sparse=True) emits them).
def run_sparse(kwargs, tag, name="SparseAdam"):
    for dt in (torch.float32, torch.float64):
        cid = f"{name}/{tag}/{dt_name(dt)}"
        g = torch.Generator().manual_seed(5)
        init = torch.randn(6, 3, generator=g, dtype=torch.float64).to(dt)
        w = init.clone().requires_grad_(True)
        opt = getattr(torch.optim, name)([w], **{k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()})
        grads, expected = [], []
        for step in range(STEPS):
            idx = torch.randint(0, 6, (1, 4), generator=g)
            val = torch.randn(4, 3, generator=g, dtype=torch.float64).to(dt)
            w.grad = torch.sparse_coo_tensor(idx, val, (6, 3))
            opt.step()
            if step == RESUME - 1:
                save_pt(cid, opt)
            grads.append({"indices": f.enc(f"{cid}/gi{step}", idx), "values": f.enc(f"{cid}/gv{step}", val)})
            expected.append([f.enc(f"{cid}/p{step}/0", w)])
        cases.append({"id": cid, "kind": "sparse", "optimizer": name, "kwargs": kwargs, "dtype": dt_name(dt),
                      "params": [f.enc(f"{cid}/init/0", init)], "sparse_grads": grads, "expected": expected,
                      "final": f.enc(f"{cid}/final", opt.state_dict()), "repr": repr(opt)})


run_sparse({}, "default")
run_sparse({"lr": 0.01, "betas": [0.8, 0.9], "eps": 1e-6, "maximize": True}, "options")
run_sparse({"lr": 0.1}, "sparse", name="Adagrad")
run_sparse({"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.2, "maximize": True}, "sparse_options", name="Adagrad")
run_sparse({"lr": 0.1}, "sparse", name="SGD")
run_sparse({"lr": 0.1, "maximize": True}, "sparse_maximize", name="SGD")


# Errors: PyTorch's message for bad options and bad parameters.
def error(cid, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        cases.append({"id": cid, "kind": "error", "type": type(e).__name__, "message": str(e)})
        return
    raise AssertionError(cid + " did not fail")


def leaf():
    return torch.randn(3, requires_grad=True)


error("error/sgd_lr", lambda: torch.optim.SGD([leaf()], lr=-0.1))
error("error/sgd_momentum", lambda: torch.optim.SGD([leaf()], lr=0.1, momentum=-0.5))
error("error/sgd_nesterov", lambda: torch.optim.SGD([leaf()], lr=0.1, nesterov=True))
error("error/sgd_required_lr", lambda: torch.optim.SGD([leaf()]))
error("error/adam_beta0", lambda: torch.optim.Adam([leaf()], betas=(1.0, 0.999)))
error("error/adam_beta1", lambda: torch.optim.Adam([leaf()], betas=(0.9, -0.1)))
error("error/adam_eps", lambda: torch.optim.Adam([leaf()], eps=-1e-8))
error("error/adam_fused_cpu", lambda: torch.optim.Adam([leaf()], fused=True))
error("error/adagrad_lr_decay", lambda: torch.optim.Adagrad([leaf()], lr_decay=-0.5))
error("error/adadelta_rho", lambda: torch.optim.Adadelta([leaf()], rho=1.5))
error("error/rmsprop_alpha", lambda: torch.optim.RMSprop([leaf()], alpha=-0.5))
error("error/rprop_etas", lambda: torch.optim.Rprop([leaf()], etas=(1.5, 1.2)))
error("error/nadam_momentum_decay", lambda: torch.optim.NAdam([leaf()], momentum_decay=-0.5))
error("error/sparse_adam_lr", lambda: torch.optim.SparseAdam([leaf()], lr=0.0))
error("error/empty", lambda: torch.optim.SGD([], lr=0.1))
error("error/non_leaf", lambda: torch.optim.SGD([leaf() * 2], lr=0.1))
error("error/two_groups", lambda: (lambda p: torch.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1))(leaf()))
error("error/lbfgs_groups", lambda: torch.optim.LBFGS([{"params": [leaf()]}, {"params": [leaf()]}]))


def dense_to_sparse_adam():
    p = leaf()
    p.grad = torch.randn(3)
    torch.optim.SparseAdam([p]).step()


def sparse_to_adam():
    p = torch.randn(4, 2, requires_grad=True)
    p.grad = torch.sparse_coo_tensor(torch.tensor([[1]]), torch.randn(1, 2), (4, 2))
    torch.optim.Adam([p]).step()


def lbfgs_line_search():
    p = leaf()
    opt = torch.optim.LBFGS([p], line_search_fn="backtracking")

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss
    opt.step(closure)


def capturable_cpu():
    p = leaf()
    p.grad = torch.randn(3)
    torch.optim.Adam([p], capturable=True).step()


def load_groups():
    a = torch.optim.SGD([leaf()], lr=0.1)
    b = torch.optim.SGD([{"params": [leaf()]}, {"params": [leaf()]}], lr=0.1)
    a.load_state_dict(b.state_dict())


def load_sizes():
    a = torch.optim.SGD([leaf()], lr=0.1)
    b = torch.optim.SGD([leaf(), leaf()], lr=0.1)
    a.load_state_dict(b.state_dict())


error("error/sparse_adam_dense", dense_to_sparse_adam)
error("error/adam_sparse", sparse_to_adam)
error("error/lbfgs_line_search", lbfgs_line_search)
error("error/adam_capturable_cpu", capturable_cpu)
error("error/load_groups", load_groups)
error("error/load_sizes", load_sizes)

f.cases = cases
f.save()
