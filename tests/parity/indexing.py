"""Parity fixtures for subscripts (__getitem__/__setitem__), index_put and the index ops: gather, scatter and its
reductions, index_select/add/copy/fill, masked_fill/select/scatter, nonzero, take, take_along_dim, put."""
import torch

from fixture import Fixture, rand, positive

f = Fixture("indexing")


def build(spec, tensors):
    """A Python subscript from a JSON spec: ["i", n], ["s", start, stop, step], ["e"], ["n"], ["b", v], ["t", k]."""
    out = []
    for item in spec:
        kind = item[0]
        if kind == "i":
            out.append(item[1])
        elif kind == "s":
            out.append(slice(item[1], item[2], item[3]))
        elif kind == "e":
            out.append(Ellipsis)
        elif kind == "n":
            out.append(None)
        elif kind == "b":
            out.append(item[1])
        else:
            out.append(tensors[item[1]])
    return tuple(out)


def getitem(id, x, spec, *idx, view=None, grad=True):
    f.op(id, "getitem", [x, *idx], lambda x, *t: x[build(spec, t)], kwargs={"spec": spec},
         views=[view] + [None] * len(idx), grad=grad)


def setitem(id, x, value, spec, *idx, grad=True):
    def fn(x, v, *t):
        y = x.clone()
        y[build(spec, t)] = v
        return y
    f.op(id, "setitem", [x, value, *idx], fn, kwargs={"spec": spec, "scalar_value": not isinstance(value, torch.Tensor)}, grad=grad)


L = lambda *v: torch.tensor(v, dtype=torch.long)
B = lambda *v: torch.tensor(v, dtype=torch.bool)

for dt in (torch.float32, torch.float64):
    n = "f32" if dt == torch.float32 else "f64"
    x = rand(2, 3, 4, dtype=dt)
    # Basic subscripts (views).
    getitem(f"get_int/{n}", x, [["i", -1]])
    getitem(f"get_int_slice/{n}", x, [["i", 1], ["s", 1, None, None]])
    getitem(f"get_step/{n}", x, [["s", None, None, None], ["s", None, None, 2], ["s", 1, None, 3]])
    getitem(f"get_neg_slice/{n}", x, [["e"], ["s", -3, -1, None]])
    getitem(f"get_none/{n}", x, [["n"], ["i", 0], ["e"], ["n"]])
    getitem(f"get_t/{n}", rand(4, 3, dtype=dt), [["s", 1, None, None], ["i", 2]], view="t")
    # Advanced subscripts (copies).
    getitem(f"get_adv/{n}", x, [["t", 0]], L(1, 0, 1))
    getitem(f"get_adv_adjacent/{n}", x, [["s", None, None, None], ["t", 0], ["t", 1]], L(0, 2, 1), L(3, 0, 3))
    getitem(f"get_adv_separated/{n}", x, [["t", 0], ["s", None, None, None], ["t", 1]], L(1, 0), L(3, 1))
    getitem(f"get_adv_bcast/{n}", x, [["t", 0], ["i", 1], ["t", 1]], L(0, 1).view(2, 1), L(0, 3, 2))
    getitem(f"get_adv_2d/{n}", x, [["e"], ["t", 0]], L(0, 3, 3, 1).view(2, 2))
    getitem(f"get_adv_neg/{n}", x, [["t", 0], ["s", 0, 2, None]], L(-1, -2))
    getitem(f"get_mask/{n}", x, [["t", 0]], rand(2, 3, 4) > 0)
    getitem(f"get_mask_rows/{n}", x, [["s", None, None, None], ["t", 0]], B(True, False, True))
    getitem(f"get_mask_and_adv/{n}", x, [["t", 0], ["t", 1]], B(False, True), L(2, 0))
    getitem(f"get_bool_true/{n}", x, [["b", True], ["t", 0]], L(1))
    getitem(f"get_t_adv/{n}", rand(4, 3, dtype=dt), [["t", 0], ["t", 1]], L(0, 2, 1), L(1, 3, 3), view="t")
    # Assignment.
    setitem(f"set_row/{n}", rand(3, 4, dtype=dt), rand(4, dtype=dt), [["i", 1]])
    setitem(f"set_slice_bcast/{n}", rand(3, 4, dtype=dt), rand(3, 1, dtype=dt), [["s", None, None, None], ["s", 1, 3, None]])
    setitem(f"set_number/{n}", rand(3, 4, dtype=dt), 2.5, [["e"], ["i", 0]])
    setitem(f"set_adv/{n}", rand(3, 4, dtype=dt), rand(2, 4, dtype=dt), [["t", 0]], L(2, 0))
    setitem(f"set_adv_bcast/{n}", rand(3, 4, dtype=dt), rand(4, dtype=dt), [["t", 0]], L(2, 0))
    setitem(f"set_adv_slice/{n}", rand(3, 4, dtype=dt), rand(3, 2, dtype=dt), [["s", None, None, None], ["t", 0]], L(3, 1))
    setitem(f"set_mask/{n}", rand(3, 4, dtype=dt), -1.5, [["t", 0]], rand(3, 4) > 0)
    setitem(f"set_mask_tensor/{n}", rand(3, 4, dtype=dt), rand(1, dtype=dt), [["t", 0]], rand(3, 4) > 0)
    f.op(f"index_put_acc/{n}", "index_put", [rand(3, 4, dtype=dt), L(0, 2, 0), L(1, 1, 1), rand(3, dtype=dt)],
         lambda x, i, j, v: x.index_put((i, j), v, accumulate=True), kwargs={"accumulate": True})
    f.op(f"index_put/{n}", "index_put", [rand(3, 4, dtype=dt), L(0, 2), rand(4, dtype=dt)],
         lambda x, i, v: x.index_put((i,), v))
    # gather / scatter.
    x34 = rand(3, 4, dtype=dt)
    gidx = torch.tensor([[0, 3], [3, 1], [2, 0]])
    f.op(f"gather/{n}", "gather", [x34, gidx], lambda x, i: x.gather(1, i), kwargs={"dim": 1})
    f.op(f"gather_dim0/{n}", "gather", [x34, torch.tensor([[2, 0, 1], [1, 1, 0]])], lambda x, i: x.gather(0, i), kwargs={"dim": 0})
    f.op(f"gather_t/{n}", "gather", [rand(4, 3, dtype=dt), torch.tensor([[1], [0], [2]])], lambda x, i: x.gather(1, i),
         kwargs={"dim": 1}, views=["t", None])
    sidx = torch.tensor([[1, 3], [0, 2], [3, 0]])
    f.op(f"scatter/{n}", "scatter", [x34, sidx, rand(3, 2, dtype=dt)], lambda x, i, s: x.scatter(1, i, s), kwargs={"dim": 1})
    f.op(f"scatter_value/{n}", "scatter_value", [x34, sidx, 1.5], lambda x, i, v: x.scatter(1, i, v), kwargs={"dim": 1})
    f.op(f"scatter_src_big/{n}", "scatter", [x34, torch.tensor([[2, 0, 1]]), rand(2, 5, dtype=dt)],
         lambda x, i, s: x.scatter(0, i, s), kwargs={"dim": 0}, grad=False)
    dup = torch.tensor([[1, 1, 3], [0, 0, 0], [2, 3, 2]])
    f.op(f"scatter_add/{n}", "scatter_add", [x34, dup, rand(3, 3, dtype=dt)], lambda x, i, s: x.scatter_add(1, i, s), kwargs={"dim": 1})
    for red in ("sum", "prod", "mean", "amax", "amin"):
        for inc in (True, False):
            src = positive(3, 3, dtype=dt) if red == "prod" else rand(3, 3, dtype=dt)
            f.op(f"scatter_reduce_{red}_{inc}/{n}", "scatter_reduce", [positive(3, 4, dtype=dt) if red == "prod" else x34, dup, src],
                 lambda x, i, s, red=red, inc=inc: x.scatter_reduce(1, i, s, red, include_self=inc),
                 kwargs={"dim": 1, "reduce": red, "include_self": inc})
    # index_select / index_add / index_copy / index_fill.
    f.op(f"index_select/{n}", "index_select", [x34, L(3, 0, 3)], lambda x, i: x.index_select(1, i), kwargs={"dim": 1})
    f.op(f"index_select_t/{n}", "index_select", [rand(4, 3, dtype=dt), L(2, 0)], lambda x, i: x.index_select(0, i),
         kwargs={"dim": 0}, views=["t", None])
    f.op(f"index_add/{n}", "index_add", [x34, L(2, 0, 2), rand(3, 3, dtype=dt)], lambda x, i, s: x.index_add(1, i, s, alpha=2.0),
         kwargs={"dim": 1, "alpha": 2.0})
    f.op(f"index_copy/{n}", "index_copy", [x34, L(2, 0), rand(2, 4, dtype=dt)], lambda x, i, s: x.index_copy(0, i, s), kwargs={"dim": 0})
    f.op(f"index_fill/{n}", "index_fill", [x34, L(1, 3)], lambda x, i: x.index_fill(1, i, -2.0), kwargs={"dim": 1, "value": -2.0})
    f.op(f"index_fill_t/{n}", "index_fill_t", [x34, L(1, 3, 1), torch.tensor(0.5, dtype=dt)], lambda x, i, v: x.index_fill(1, i, v),
         kwargs={"dim": 1})
    # masked ops.
    m = rand(3, 4) > 0
    f.op(f"masked_fill/{n}", "masked_fill", [x34, m], lambda x, m: x.masked_fill(m, 3.0), kwargs={"value": 3.0})
    f.op(f"masked_fill_bcast/{n}", "masked_fill", [x34, rand(2, 1, 4) > 0], lambda x, m: x.masked_fill(m, 3.0), kwargs={"value": 3.0})
    f.op(f"masked_fill_t/{n}", "masked_fill_t", [x34, m, torch.tensor(-1.0, dtype=dt)], lambda x, m, v: x.masked_fill(m, v))
    f.op(f"masked_select/{n}", "masked_select", [x34, m], lambda x, m: x.masked_select(m))
    f.op(f"masked_select_bcast/{n}", "masked_select", [rand(4, dtype=dt), m], lambda x, m: x.masked_select(m))
    f.op(f"masked_scatter/{n}", "masked_scatter", [x34, m, rand(14, dtype=dt)], lambda x, m, s: x.masked_scatter(m, s))
    f.op(f"masked_scatter_bcast/{n}", "masked_scatter", [rand(4, dtype=dt), m, rand(3, 5, dtype=dt)], lambda x, m, s: x.masked_scatter(m, s))
    # take / take_along_dim / put.
    f.op(f"take/{n}", "take", [x34, torch.tensor([[0, 11], [-1, 5]])], lambda x, i: x.take(i))
    f.op(f"take_t/{n}", "take", [rand(4, 3, dtype=dt), L(1, 2, 7)], lambda x, i: x.take(i), views=["t", None])
    f.op(f"take_along_dim/{n}", "take_along_dim", [x34, torch.tensor([[3], [0], [1]])], lambda x, i: torch.take_along_dim(x, i, 1),
         kwargs={"dim": 1})
    f.op(f"take_along_dim_bcast/{n}", "take_along_dim", [x34, torch.tensor([[2, 0, 1, 1]])], lambda x, i: torch.take_along_dim(x, i, 0),
         kwargs={"dim": 0})
    f.op(f"take_along_dim_flat/{n}", "take_along_dim", [x34, L(3, 7, 0)], lambda x, i: torch.take_along_dim(x, i))
    f.op(f"put/{n}", "put", [x34, L(1, 7, 10), rand(3, dtype=dt)], lambda x, i, s: x.put(i, s))
    f.op(f"put_acc/{n}", "put", [x34, L(1, 7, 1), rand(3, dtype=dt)], lambda x, i, s: x.put(i, s, accumulate=True),
         kwargs={"accumulate": True})

    # Edge cases: negative fill index, zero-dim operands, zero-dim tensor subscripts, transposed self.
    f.op(f"index_fill_neg/{n}", "index_fill", [x34, L(-1, 0)], lambda x, i: x.index_fill(1, i, 2.0), kwargs={"dim": 1, "value": 2.0})
    f.op(f"gather_0d/{n}", "gather", [torch.tensor(1.5, dtype=dt), torch.tensor(0)], lambda x, i: x.gather(0, i), kwargs={"dim": 0})
    f.op(f"index_add_0d_idx/{n}", "index_add", [x34, torch.tensor(1), rand(1, 4, dtype=dt)], lambda x, i, s: x.index_add(0, i, s),
         kwargs={"dim": 0})
    getitem(f"get_0d_long/{n}", x, [["i", 0], ["t", 0]], torch.tensor(2))
    getitem(f"get_0d_bool/{n}", x, [["t", 0], ["i", 1]], torch.tensor(True))
    f.op(f"put_t/{n}", "put", [rand(4, 3, dtype=dt), L(0, 5), rand(2, dtype=dt)], lambda x, i, s: x.put(i, s), views=["t", None, None])
    f.op(f"masked_fill_tview/{n}", "masked_fill", [rand(4, 3, dtype=dt), m], lambda x, m: x.masked_fill(m, 0.0), kwargs={"value": 0.0},
         views=["t", None])

# Integer dtypes, nonzero, argwhere (no gradients).
i34 = torch.randint(-3, 4, (3, 4))
f.op("nonzero/int", "nonzero", [i34], lambda x: x.nonzero(), grad=False)
f.op("nonzero/bool3d", "nonzero", [rand(2, 3, 2) > 0], lambda x: x.nonzero(), grad=False)
f.op("nonzero_tuple/float", "nonzero_tuple", [rand(3, 4) > 0.5], lambda x: x.nonzero(as_tuple=True), grad=False)
f.op("argwhere/float", "argwhere", [(rand(3, 4) > 0).float()], lambda x: torch.argwhere(x), grad=False)
f.op("gather/int", "gather", [i34, torch.tensor([[0, 3], [3, 1], [2, 0]])], lambda x, i: x.gather(1, i), kwargs={"dim": 1}, grad=False)
f.op("scatter_add/int", "scatter_add", [i34, torch.tensor([[1, 1, 3], [0, 0, 0], [2, 3, 2]]), torch.randint(-3, 4, (3, 3))],
     lambda x, i, s: x.scatter_add(1, i, s), kwargs={"dim": 1}, grad=False)
f.op("scatter_multiply/float", "scatter_reduce_legacy", [rand(3, 4), torch.tensor([[1, 1, 3], [0, 0, 0], [2, 3, 2]]), rand(3, 3)],
     lambda x, i, s: x.scatter(1, i, s, reduce="multiply"), kwargs={"dim": 1, "reduce": "multiply"}, grad=False)
for red in ("sum", "prod", "mean", "amax", "amin"):
    f.op(f"scatter_reduce_int_{red}", "scatter_reduce", [i34, torch.tensor([[1, 1, 3], [0, 0, 0], [2, 3, 2]]), torch.randint(-9, 9, (3, 3))],
         lambda x, i, s, red=red: x.scatter_reduce(1, i, s, red, include_self=False), kwargs={"dim": 1, "reduce": red, "include_self": False},
         grad=False)
f.op("index_select/int32_index", "index_select", [i34, torch.tensor([2, 0], dtype=torch.int32)], lambda x, i: x.index_select(0, i),
     kwargs={"dim": 0}, grad=False)
f.op("masked_fill/bool", "masked_fill", [i34 > 0, i34 < 2], lambda x, m: x.masked_fill(m, True), kwargs={"value": True}, grad=False)
f.op("index_put_acc/int", "index_put", [i34, L(0, 0, 2), L(1, 1, 3), L(5, 6, 7)],
     lambda x, i, j, v: x.index_put((i, j), v, accumulate=True), kwargs={"accumulate": True}, grad=False)
f.op("getitem/half_mask", "getitem", [rand(3, 4, dtype=torch.float16), rand(3, 4) > 0], lambda x, m: x[m], kwargs={"spec": [["t", 0]]},
     grad=False)
setitem("setitem/int_number", i34, 2.7, [["t", 0]], rand(3, 4) > 0, grad=False)
f.save()
