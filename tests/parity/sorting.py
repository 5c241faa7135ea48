"""Parity fixtures for sorting and selection: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, unique,
unique_consecutive, searchsorted, bucketize."""
import torch

from fixture import Fixture, rand

nan, inf = float("nan"), float("inf")
f = Fixture("sorting", seed=1)


def ties(dt):
    return torch.tensor([[3., 1., 3., 2., 1., 3., 2.], [0., 0., 5., -1., 5., 0., 2.], [4., 4., 4., 4., 4., 4., 4.]], dtype=dt)


withnan = torch.tensor([[1., nan, 3., nan, -2.], [2., 2., 1., 2., 0.]])

for dt in (torch.float32, torch.float64):
    n = "f32" if dt == torch.float32 else "f64"
    x = rand(3, 4, 5, dtype=dt)
    m = rand(4, 6, dtype=dt)
    wn = withnan.to(dt)

    f.op(f"sort/{n}", "sort", [x], lambda a: tuple(a.sort()))
    f.op(f"sort_dim/{n}", "sort", [x], lambda a: tuple(a.sort(1)), kwargs={"dim": 1})
    f.op(f"sort_desc/{n}", "sort", [x], lambda a: tuple(a.sort(0, descending=True)), kwargs={"dim": 0, "descending": True})
    f.op(f"sort_t/{n}", "sort", [m], lambda a: tuple(a.sort(0)), kwargs={"dim": 0}, views=["t"])
    f.op(f"sort_s/{n}", "sort", [m], lambda a: tuple(a.sort(-1, descending=True)), kwargs={"dim": -1, "descending": True}, views=["s"])
    f.op(f"sort_ties_stable/{n}", "sort", [ties(dt)], lambda a: tuple(a.sort(dim=1, stable=True)), kwargs={"dim": 1, "stable": True}, gradcheck=False)
    f.op(f"sort_ties_desc/{n}", "sort", [ties(dt)], lambda a: tuple(a.sort(1, descending=True)), kwargs={"dim": 1, "descending": True}, gradcheck=False)
    f.op(f"sort_ties_dim0/{n}", "sort", [ties(dt)], lambda a: tuple(a.sort(0)), kwargs={"dim": 0}, gradcheck=False)
    f.op(f"sort_nan/{n}", "sort", [wn], lambda a: tuple(a.sort(1)), kwargs={"dim": 1}, gradcheck=False)
    f.op(f"sort_nan_desc/{n}", "sort", [wn], lambda a: tuple(a.sort(1, descending=True)), kwargs={"dim": 1, "descending": True}, gradcheck=False)
    f.op(f"argsort/{n}", "argsort", [x], lambda a: a.argsort(1), kwargs={"dim": 1}, grad=False)
    f.op(f"argsort_desc_ties/{n}", "argsort", [ties(dt)], lambda a: a.argsort(-1, descending=True), kwargs={"dim": -1, "descending": True}, grad=False)
    f.op(f"msort/{n}", "msort", [m], lambda a: a.msort(), views=["t"])

    f.op(f"topk/{n}", "topk", [x], lambda a: tuple(a.topk(2)), kwargs={"k": 2})
    f.op(f"topk_small_dim0/{n}", "topk", [x], lambda a: tuple(a.topk(2, 0, largest=False)), kwargs={"k": 2, "dim": 0, "largest": False})
    f.op(f"topk_all/{n}", "topk", [m], lambda a: tuple(a.topk(6, 1)), kwargs={"k": 6, "dim": 1}, views=["s"])
    f.op(f"topk_t/{n}", "topk", [m], lambda a: tuple(a.topk(3, 0)), kwargs={"k": 3, "dim": 0}, views=["t"])
    f.op(f"topk_zero/{n}", "topk", [m], lambda a: tuple(a.topk(0)), kwargs={"k": 0})
    f.op(f"topk_nan/{n}", "topk", [wn], lambda a: tuple(a.topk(3)), kwargs={"k": 3}, gradcheck=False)
    f.op(f"topk_nan_small/{n}", "topk", [wn], lambda a: tuple(a.topk(4, largest=False)), kwargs={"k": 4, "largest": False}, gradcheck=False)
    many = torch.randint(0, 4, (3, 40)).to(dt)
    f.op(f"topk_many_ties/{n}", "topk", [many], lambda a: tuple(a.topk(10)), kwargs={"k": 10}, gradcheck=False)
    f.op(f"topk_many_ties_small/{n}", "topk", [many], lambda a: tuple(a.topk(25, largest=False)), kwargs={"k": 25, "largest": False}, gradcheck=False)
    f.op(f"topk_unsorted/{n}", "topk", [many], lambda a: tuple(a.topk(7, sorted=False)), kwargs={"k": 7, "sorted": False}, gradcheck=False)
    f.op(f"topk_unsorted_distinct/{n}", "topk", [rand(3, 30, dtype=dt)], lambda a: tuple(a.topk(9, sorted=False)), kwargs={"k": 9, "sorted": False})
    f.op(f"mode_long/{n}", "mode", [torch.randint(0, 5, (3, 50)).to(dt)], lambda a: tuple(a.mode(1)), kwargs={"dim": 1}, gradcheck=False)
    f.op(f"topk_long/{n}", "topk", [rand(2, 300, dtype=dt)], lambda a: tuple(a.topk(3)), kwargs={"k": 3}, gradcheck=False)

    f.op(f"kthvalue/{n}", "kthvalue", [x], lambda a: tuple(a.kthvalue(3)), kwargs={"k": 3})
    f.op(f"kthvalue_dim_keep/{n}", "kthvalue", [x], lambda a: tuple(a.kthvalue(2, 1, keepdim=True)), kwargs={"k": 2, "dim": 1, "keepdim": True})
    f.op(f"kthvalue_t/{n}", "kthvalue", [m], lambda a: tuple(a.kthvalue(4, 0)), kwargs={"k": 4, "dim": 0}, views=["t"])
    for k in range(1, 8):
        f.op(f"kthvalue_ties_k{k}/{n}", "kthvalue", [ties(dt)], lambda a, k=k: tuple(a.kthvalue(k)), kwargs={"k": k}, gradcheck=False)
    f.op(f"kthvalue_nan/{n}", "kthvalue", [wn], lambda a: tuple(a.kthvalue(4)), kwargs={"k": 4}, gradcheck=False)

    f.op(f"median/{n}", "median", [x], lambda a: a.median())
    f.op(f"median_even/{n}", "median", [m], lambda a: a.median())
    f.op(f"median_dim/{n}", "median_dim", [x], lambda a: tuple(a.median(1)), kwargs={"dim": 1})
    f.op(f"median_dim_keep_t/{n}", "median_dim", [m], lambda a: tuple(a.median(0, keepdim=True)), kwargs={"dim": 0, "keepdim": True}, views=["t"])
    f.op(f"median_ties/{n}", "median_dim", [ties(dt)], lambda a: tuple(a.median(1)), kwargs={"dim": 1}, gradcheck=False)
    f.op(f"median_ties_all/{n}", "median", [ties(dt)], lambda a: a.median(), gradcheck=False)
    f.op(f"median_nan/{n}", "median_dim", [wn], lambda a: tuple(a.median(1)), kwargs={"dim": 1}, gradcheck=False)
    f.op(f"median_nan_all/{n}", "median", [wn], lambda a: a.median(), gradcheck=False)
    f.op(f"nanmedian/{n}", "nanmedian", [wn], lambda a: a.nanmedian(), gradcheck=False)
    f.op(f"nanmedian_dim/{n}", "nanmedian_dim", [wn], lambda a: tuple(a.nanmedian(1)), kwargs={"dim": 1}, gradcheck=False)
    f.op(f"nanmedian_allnan/{n}", "nanmedian_dim", [torch.tensor([[nan, nan, nan], [1., nan, 0.]], dtype=dt)],
         lambda a: tuple(a.nanmedian(1)), kwargs={"dim": 1}, gradcheck=False)
    f.op(f"nanmedian_clean/{n}", "nanmedian_dim", [x], lambda a: tuple(a.nanmedian(2, keepdim=True)), kwargs={"dim": 2, "keepdim": True})

    f.op(f"mode/{n}", "mode", [ties(dt)], lambda a: tuple(a.mode()), gradcheck=False)
    f.op(f"mode_dim0/{n}", "mode", [ties(dt)], lambda a: tuple(a.mode(0, keepdim=True)), kwargs={"dim": 0, "keepdim": True}, gradcheck=False)
    f.op(f"mode_distinct/{n}", "mode", [x], lambda a: tuple(a.mode(1)), kwargs={"dim": 1})
    f.op(f"mode_t/{n}", "mode", [torch.tensor([[1., 2., 2.], [1., 1., 3.], [2., 2., 3.]], dtype=dt)], lambda a: tuple(a.mode(1)),
         kwargs={"dim": 1}, views=["t"], gradcheck=False)

    u = torch.tensor([[2., -1., 3.], [2., 0.5, -1.], [3., 3., 0.5]], dtype=dt)
    f.op(f"unique/{n}", "unique", [u], lambda a: a.unique(), grad=False)
    f.op(f"unique_all/{n}", "unique", [u], lambda a: tuple(a.unique(return_inverse=True, return_counts=True)),
         kwargs={"return_inverse": True, "return_counts": True}, grad=False)
    f.op(f"unique_t/{n}", "unique", [u], lambda a: tuple(a.unique(return_inverse=True)), kwargs={"return_inverse": True}, views=["t"], grad=False)
    f.op(f"unique_consecutive/{n}", "unique_consecutive", [torch.tensor([1., 1., 2., 2., 3., 1., 1., 2.], dtype=dt)],
         lambda a: tuple(a.unique_consecutive(return_inverse=True, return_counts=True)),
         kwargs={"return_inverse": True, "return_counts": True}, grad=False)

    s = torch.tensor([1., 3., 5., 7., 9.], dtype=dt)
    v = torch.tensor([[3., 6., 9.], [0., 10., 5.]], dtype=dt)
    f.op(f"searchsorted/{n}", "searchsorted", [s, v], lambda a, b: torch.searchsorted(a, b), grad=False)
    f.op(f"searchsorted_right/{n}", "searchsorted", [s, v], lambda a, b: torch.searchsorted(a, b, right=True), kwargs={"right": True}, grad=False)
    f.op(f"searchsorted_side/{n}", "searchsorted", [s, v], lambda a, b: torch.searchsorted(a, b, side="right"), kwargs={"side": "right"}, grad=False)
    f.op(f"searchsorted_nd/{n}", "searchsorted", [torch.tensor([[1., 3., 5.], [2., 4., 6.]], dtype=dt), torch.tensor([[3., 6.], [1., 7.]], dtype=dt)],
         lambda a, b: torch.searchsorted(a, b), grad=False)
    f.op(f"searchsorted_nan/{n}", "searchsorted", [s, torch.tensor([nan, -inf, inf], dtype=dt)], lambda a, b: torch.searchsorted(a, b), grad=False)
    f.op(f"searchsorted_sorter/{n}", "searchsorted_sorter", [torch.tensor([5., 1., 3.], dtype=dt), torch.tensor([2., 4., 5.], dtype=dt), torch.tensor([1, 2, 0])],
         lambda a, b, c: torch.searchsorted(a, b, sorter=c, right=True), kwargs={"right": True}, grad=False)
    f.op(f"bucketize/{n}", "bucketize", [v, s], lambda a, b: torch.bucketize(a, b), grad=False)
    f.op(f"bucketize_right_int32/{n}", "bucketize", [v, s], lambda a, b: torch.bucketize(a, b, right=True, out_int32=True),
         kwargs={"right": True, "out_int32": True}, grad=False)

# Integer, bool and half dtypes.
i = torch.randint(-3, 4, (3, 5))
f.op("sort/int64", "sort", [i], lambda a: tuple(a.sort(1)), kwargs={"dim": 1})
f.op("sort/int32_desc", "sort", [i.int()], lambda a: tuple(a.sort(0, descending=True)), kwargs={"dim": 0, "descending": True})
f.op("sort/bool", "sort", [i > 0], lambda a: tuple(a.sort(1)), kwargs={"dim": 1})
f.op("sort/uint8", "sort", [torch.randint(0, 5, (3, 5), dtype=torch.uint8)], lambda a: tuple(a.sort(1)), kwargs={"dim": 1})
f.op("sort/f16", "sort", [rand(3, 5, dtype=torch.float16)], lambda a: tuple(a.sort(1)), kwargs={"dim": 1}, grad=False)
f.op("argsort/int8", "argsort", [i.to(torch.int8)], lambda a: a.argsort(1, descending=True), kwargs={"dim": 1, "descending": True})
f.op("topk/int16", "topk", [i.short()], lambda a: tuple(a.topk(2, largest=False)), kwargs={"k": 2, "largest": False})
f.op("kthvalue/int64", "kthvalue", [i], lambda a: tuple(a.kthvalue(2, 0)), kwargs={"k": 2, "dim": 0})
f.op("median/int32", "median", [i.int()], lambda a: a.median())
f.op("median_dim/int64", "median_dim", [i], lambda a: tuple(a.median(1)), kwargs={"dim": 1})
f.op("nanmedian/uint8", "nanmedian", [torch.randint(0, 5, (3, 5), dtype=torch.uint8)], lambda a: a.nanmedian())
f.op("mode/int64", "mode", [i], lambda a: tuple(a.mode(1)), kwargs={"dim": 1})
f.op("mode/bool", "mode", [i > 0], lambda a: tuple(a.mode(0)), kwargs={"dim": 0})
f.op("unique/int64", "unique", [i], lambda a: tuple(a.unique(return_inverse=True, return_counts=True)),
     kwargs={"return_inverse": True, "return_counts": True})
f.op("unique/bool", "unique", [i > 0], lambda a: tuple(a.unique(return_counts=True)), kwargs={"return_counts": True})
# Past the small cases: many repeats of a few hundred values (a table that grows), mostly distinct values (past the
# point where every element is sorted instead), and floats. Not NaN: 1.13's unique leaves NaNs unsorted in the middle
# of its output, with counts of 0.
f.op("unique/int64_repeats", "unique", [torch.randint(-150, 150, (5000,))],
     lambda a: tuple(a.unique(return_inverse=True, return_counts=True)), kwargs={"return_inverse": True, "return_counts": True}, grad=False)
f.op("unique/int64_distinct", "unique", [torch.randperm(1000) * 7 - 3000],
     lambda a: tuple(a.unique(return_inverse=True, return_counts=True)), kwargs={"return_inverse": True, "return_counts": True}, grad=False)
quarters = torch.randint(1, 40, (600,)).float() / 4
f.op("unique/float_repeats", "unique", [quarters], lambda a: tuple(a.unique(return_inverse=True, return_counts=True)),
     kwargs={"return_inverse": True, "return_counts": True}, grad=False)
f.op("unique_consecutive/int32", "unique_consecutive", [torch.tensor([[1, 1], [2, 1]], dtype=torch.int32)],
     lambda a: tuple(a.unique_consecutive(return_inverse=True)), kwargs={"return_inverse": True})
f.op("searchsorted/int_float", "searchsorted", [torch.tensor([1, 3, 5]), torch.tensor([2.5, 3.0, 6.0])], lambda a, b: torch.searchsorted(a, b))
f.op("searchsorted/float_int", "searchsorted", [torch.tensor([1., 3., 5.]), torch.tensor([[3, 0], [5, 6]])], lambda a, b: torch.searchsorted(a, b))
f.op("bucketize/int", "bucketize", [torch.tensor([[1, 5], [2, 4]]), torch.tensor([2, 4])], lambda a, b: torch.bucketize(a, b))
f.save()
