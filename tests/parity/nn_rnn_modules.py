"""Module parity cases shared by nn_rnn.py, nn_attention.py and zoo.py.

A module case records the settings a test needs to build the module, its weights and buffers by PyTorch's names
(the C# side loads them with LoadStateDict), the inputs, PyTorch's outputs, a random gradient for each floating
output and the resulting gradients of every floating input and weight.
"""
import torch


def module_case(f, id, kind, kwargs, module, inputs, run, dtype=torch.float32, train=True, grad=True, call=None,
                store_params=True, grad_names=None):
    """inputs: dict name -> tensor; run(module, leaves) -> list of output tensors (None entries are skipped).

    store_params=False leaves the weights out (the C# side recreates them); grad_names limits the recorded weight
    gradients to those names.
    """
    module = module.to(dtype)
    module.train(train)
    leaves = {}
    for k, v in inputs.items():
        leaf = v.detach().clone()
        if leaf.is_floating_point():
            leaf = leaf.to(dtype).requires_grad_(grad)
        leaves[k] = leaf
    outs = run(module, leaves)
    case = {"id": id, "module": kind, "kwargs": kwargs, "call": call or {}, "train": train,
            "dtype": str(dtype).replace("torch.", ""),
            "params": {n: f._store(f"{id}/p/{n}", p) for n, p in module.state_dict().items()} if store_params else {},
            "inputs": {k: f._store(f"{id}/in/{k}", v) for k, v in leaves.items()},
            "outputs": [f._store(f"{id}/out{k}", o) if o is not None else None for k, o in enumerate(outs)]}
    if grad:
        gouts = [torch.randn_like(o) if o is not None and o.requires_grad else None for o in outs]
        sum((o * g).sum() for o, g in zip(outs, gouts) if g is not None).backward()
        case["grad_outputs"] = [f._store(f"{id}/gout{k}", g) if g is not None else None for k, g in enumerate(gouts)]
        case["grads"] = {n: f._store(f"{id}/gp/{n}", p.grad) for n, p in module.named_parameters()
                         if p.grad is not None and (grad_names is None or n in grad_names)}
        for k, v in leaves.items():
            if v.grad is not None:
                case["grads"]["in:" + k] = f._store(f"{id}/gin/{k}", v.grad)
    f.cases.append(case)
