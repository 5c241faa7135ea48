"""Parity fixtures for reductions and scans: prod, max/min, amax/amin, aminmax, argmax/argmin, std/var (and _mean),
norm, logsumexp, all/any, count_nonzero, nansum/nanmean, cumsum, cumprod, cummax/cummin, logcumsumexp."""
import torch

from fixture import Fixture, rand, positive

nan, inf = float("nan"), float("inf")
f = Fixture("reductions")


def ties(dt):
    # Repeated values in every row and column, so that max/min and their gradients meet ties.
    return torch.tensor([[1., 3., 3., 0.], [2., 2., -1., 2.], [0.5, -1., 4., 4.]], dtype=dt)


for dt in (torch.float32, torch.float64):
    n = "f32" if dt == torch.float32 else "f64"
    x = rand(3, 4, 5, dtype=dt)
    m = rand(4, 6, dtype=dt)

    # prod, with zeros for the gradient
    f.op(f"prod/{n}", "prod", [positive(3, 4, dtype=dt, low=0.5, high=1.5)], lambda a: a.prod())
    f.op(f"prod_dim/{n}", "prod", [x], lambda a: a.prod(1), kwargs={"dim": 1})
    f.op(f"prod_dim_keep_neg/{n}", "prod", [x], lambda a: a.prod(-1, keepdim=True), kwargs={"dim": -1, "keepdim": True})
    f.op(f"prod_t/{n}", "prod", [m], lambda a: a.prod(0), kwargs={"dim": 0}, views=["t"])
    z1 = rand(3, 4, dtype=dt); z1[1, 2] = 0
    f.op(f"prod_one_zero/{n}", "prod", [z1], lambda a: a.prod())
    f.op(f"prod_one_zero_dim/{n}", "prod", [z1], lambda a: a.prod(1), kwargs={"dim": 1})
    z2 = rand(3, 4, dtype=dt); z2[1, 2] = 0; z2[1, 0] = 0; z2[2, 3] = 0
    f.op(f"prod_two_zeros/{n}", "prod", [z2], lambda a: a.prod(), gradcheck=False)
    f.op(f"prod_two_zeros_dim/{n}", "prod", [z2], lambda a: a.prod(1), kwargs={"dim": 1})
    f.op(f"prod_two_zeros_dim0/{n}", "prod", [z2], lambda a: a.prod(0), kwargs={"dim": 0})

    # max / min: full, along a dim (values, indices), ties, NaN
    f.op(f"max/{n}", "max", [x], lambda a: a.max())
    f.op(f"min/{n}", "min", [x], lambda a: a.min())
    f.op(f"max_ties/{n}", "max", [ties(dt)], lambda a: a.max(), gradcheck=False)
    f.op(f"min_ties/{n}", "min", [ties(dt)], lambda a: a.min(), gradcheck=False)
    f.op(f"max_dim/{n}", "max_dim", [x], lambda a: tuple(a.max(1)), kwargs={"dim": 1})
    f.op(f"min_dim_keep/{n}", "min_dim", [x], lambda a: tuple(a.min(-1, keepdim=True)), kwargs={"dim": -1, "keepdim": True})
    f.op(f"max_dim_ties/{n}", "max_dim", [ties(dt)], lambda a: tuple(a.max(1)), kwargs={"dim": 1}, gradcheck=False)
    f.op(f"min_dim_ties0/{n}", "min_dim", [ties(dt)], lambda a: tuple(a.min(0)), kwargs={"dim": 0}, gradcheck=False)
    f.op(f"max_dim_t/{n}", "max_dim", [m], lambda a: tuple(a.max(0)), kwargs={"dim": 0}, views=["t"])
    f.op(f"max_dim_s/{n}", "max_dim", [m], lambda a: tuple(a.max(1)), kwargs={"dim": 1}, views=["s"])
    withnan = torch.tensor([[1., nan, 3., nan], [2., 2., 1., 2.]], dtype=dt)
    f.op(f"max_nan/{n}", "max", [withnan], lambda a: a.max(), gradcheck=False)
    f.op(f"max_dim_nan/{n}", "max_dim", [withnan], lambda a: tuple(a.max(1)), kwargs={"dim": 1}, gradcheck=False)
    f.op(f"min_dim_nan/{n}", "min_dim", [withnan], lambda a: tuple(a.min(1)), kwargs={"dim": 1}, gradcheck=False)

    # amax / amin: dim lists, ties share the gradient
    f.op(f"amax/{n}", "amax", [x], lambda a: a.amax())
    f.op(f"amax_dims/{n}", "amax", [x], lambda a: a.amax((0, 2)), kwargs={"dim": [0, 2]})
    f.op(f"amin_dims_keep/{n}", "amin", [x], lambda a: a.amin((-1, 0), keepdim=True), kwargs={"dim": [-1, 0], "keepdim": True})
    f.op(f"amax_ties/{n}", "amax", [ties(dt)], lambda a: a.amax(1), kwargs={"dim": [1]}, gradcheck=False)
    f.op(f"amin_ties/{n}", "amin", [ties(dt)], lambda a: a.amin(), gradcheck=False)
    f.op(f"amax_t/{n}", "amax", [m], lambda a: a.amax(0), kwargs={"dim": [0]}, views=["t"])
    f.op(f"amax_nan/{n}", "amax", [withnan], lambda a: a.amax(1), kwargs={"dim": [1]}, gradcheck=False)
    f.op(f"aminmax/{n}", "aminmax", [x], lambda a: tuple(torch.aminmax(a)), grad=False)
    f.op(f"aminmax_dim/{n}", "aminmax", [x], lambda a: tuple(torch.aminmax(a, dim=1, keepdim=True)),
         kwargs={"dim": 1, "keepdim": True}, grad=False)

    # argmax / argmin
    f.op(f"argmax/{n}", "argmax", [x], lambda a: a.argmax(), grad=False)
    f.op(f"argmin_keep/{n}", "argmin", [x], lambda a: a.argmin(keepdim=True), kwargs={"keepdim": True}, grad=False)
    f.op(f"argmax_dim/{n}", "argmax", [x], lambda a: a.argmax(1), kwargs={"dim": 1}, grad=False)
    f.op(f"argmin_dim_keep/{n}", "argmin", [x], lambda a: a.argmin(-1, keepdim=True), kwargs={"dim": -1, "keepdim": True}, grad=False)
    f.op(f"argmax_ties/{n}", "argmax", [ties(dt)], lambda a: a.argmax(1), kwargs={"dim": 1}, grad=False)
    f.op(f"argmin_ties/{n}", "argmin", [ties(dt)], lambda a: a.argmin(0), kwargs={"dim": 0}, grad=False)
    f.op(f"argmax_nan/{n}", "argmax", [withnan], lambda a: a.argmax(1), kwargs={"dim": 1}, grad=False)
    f.op(f"argmax_t/{n}", "argmax", [m], lambda a: a.argmax(0), kwargs={"dim": 0}, views=["t"], grad=False)

    # var / std and their _mean forms
    f.op(f"var/{n}", "var", [x], lambda a: a.var())
    f.op(f"var_dim/{n}", "var", [x], lambda a: a.var(1), kwargs={"dim": [1]})
    f.op(f"var_dims_keep_biased/{n}", "var", [x], lambda a: a.var((0, 2), unbiased=False, keepdim=True),
         kwargs={"dim": [0, 2], "unbiased": False, "keepdim": True})
    f.op(f"var_correction2/{n}", "var", [x], lambda a: torch.var(a, -1, correction=2), kwargs={"dim": [-1], "correction": 2})
    f.op(f"std/{n}", "std", [x], lambda a: a.std())
    f.op(f"std_unbiased_false/{n}", "std", [x], lambda a: a.std(unbiased=False), kwargs={"unbiased": False})
    f.op(f"std_dims/{n}", "std", [x], lambda a: a.std((1, 2)), kwargs={"dim": [1, 2]})
    f.op(f"std_t/{n}", "std", [m], lambda a: a.std(0, keepdim=True), kwargs={"dim": [0], "keepdim": True}, views=["t"])
    f.op(f"var_mean/{n}", "var_mean", [x], lambda a: tuple(torch.var_mean(a, 1)), kwargs={"dim": [1]})
    f.op(f"std_mean/{n}", "std_mean", [x], lambda a: tuple(torch.std_mean(a, (0, 2), keepdim=True)),
         kwargs={"dim": [0, 2], "keepdim": True})
    f.op(f"std_mean_all/{n}", "std_mean", [x], lambda a: tuple(torch.std_mean(a, unbiased=False)), kwargs={"unbiased": False})

    # norm
    for p, tag in ((2, "2"), (1, "1"), (inf, "inf"), (-inf, "ninf"), (0, "0"), (3, "3"), (1.5, "1.5"), (0.5, "0.5")):
        f.op(f"norm_p{tag}/{n}", "norm", [x], lambda a, p=p: a.norm(p), kwargs={"p": str(p)})
        f.op(f"norm_p{tag}_dim/{n}", "norm", [x], lambda a, p=p: a.norm(p, dim=1), kwargs={"p": str(p), "dim": [1]})
    f.op(f"norm_dims_keep/{n}", "norm", [x], lambda a: a.norm(dim=(0, 2), keepdim=True), kwargs={"dim": [0, 2], "keepdim": True})
    f.op(f"norm_fro/{n}", "norm_fro", [m], lambda a: a.norm("fro"), views=["t"])
    f.op(f"norm_fro_dim/{n}", "norm_fro", [x], lambda a: a.norm("fro", dim=(1, 2)), kwargs={"dim": [1, 2]})
    zrow = rand(3, 4, dtype=dt); zrow[1] = 0
    f.op(f"norm_zero_row/{n}", "norm", [zrow], lambda a: a.norm(dim=1), kwargs={"dim": [1]}, gradcheck=False)
    f.op(f"norm_inf_ties/{n}", "norm", [ties(dt)], lambda a: a.norm(inf, dim=1), kwargs={"p": "inf", "dim": [1]}, gradcheck=False)

    # logsumexp
    f.op(f"logsumexp/{n}", "logsumexp", [x], lambda a: a.logsumexp(1), kwargs={"dim": [1]})
    f.op(f"logsumexp_dims_keep/{n}", "logsumexp", [x], lambda a: a.logsumexp((0, -1), keepdim=True),
         kwargs={"dim": [0, -1], "keepdim": True})
    f.op(f"logsumexp_t/{n}", "logsumexp", [m], lambda a: a.logsumexp(0), kwargs={"dim": [0]}, views=["t"])
    f.op(f"logsumexp_big/{n}", "logsumexp", [rand(3, 4, dtype=dt) * 500], lambda a: a.logsumexp(1), kwargs={"dim": [1]})
    f.op(f"logsumexp_inf/{n}", "logsumexp", [torch.tensor([[-inf, -inf, 1.], [inf, 1., 2.], [-inf, -inf, -inf]], dtype=dt)],
         lambda a: a.logsumexp(1), kwargs={"dim": [1]}, grad=False)

    # nansum / nanmean
    xn = rand(3, 4, dtype=dt); xn[0, 1] = nan; xn[2, 0] = nan; xn[2, 3] = nan
    f.op(f"nansum/{n}", "nansum", [xn], lambda a: a.nansum(), gradcheck=False)
    f.op(f"nansum_dim/{n}", "nansum", [xn], lambda a: a.nansum(1, keepdim=True), kwargs={"dim": [1], "keepdim": True}, gradcheck=False)
    f.op(f"nanmean/{n}", "nanmean", [xn], lambda a: a.nanmean(), gradcheck=False)
    f.op(f"nanmean_dim/{n}", "nanmean", [xn], lambda a: a.nanmean(0), kwargs={"dim": [0]}, gradcheck=False)
    f.op(f"nansum_clean/{n}", "nansum", [x], lambda a: a.nansum((0, 1)), kwargs={"dim": [0, 1]})

    # scans
    f.op(f"cumsum/{n}", "cumsum", [x], lambda a: a.cumsum(1), kwargs={"dim": 1})
    f.op(f"cumsum_neg/{n}", "cumsum", [x], lambda a: a.cumsum(-1), kwargs={"dim": -1})
    f.op(f"cumsum_t/{n}", "cumsum", [m], lambda a: a.cumsum(0), kwargs={"dim": 0}, views=["t"])
    f.op(f"cumsum_s/{n}", "cumsum", [m], lambda a: a.cumsum(1), kwargs={"dim": 1}, views=["s"])
    f.op(f"cumprod/{n}", "cumprod", [x], lambda a: a.cumprod(1), kwargs={"dim": 1})
    f.op(f"cumprod_t/{n}", "cumprod", [m], lambda a: a.cumprod(1), kwargs={"dim": 1}, views=["t"])
    cz = torch.tensor([[1., 0., 3., 2.], [0., 0., 2., -1.], [2., 0.5, -1., 0.], [1.5, 2., 0.5, -2.]], dtype=dt)
    f.op(f"cumprod_zeros/{n}", "cumprod", [cz], lambda a: a.cumprod(1), kwargs={"dim": 1})
    f.op(f"cumprod_zeros0/{n}", "cumprod", [cz], lambda a: a.cumprod(0), kwargs={"dim": 0})
    f.op(f"cummax/{n}", "cummax", [x], lambda a: tuple(a.cummax(1)), kwargs={"dim": 1})
    f.op(f"cummin/{n}", "cummin", [x], lambda a: tuple(a.cummin(-1)), kwargs={"dim": -1})
    f.op(f"cummax_ties/{n}", "cummax", [ties(dt)], lambda a: tuple(a.cummax(1)), kwargs={"dim": 1}, gradcheck=False)
    f.op(f"cummin_ties0/{n}", "cummin", [ties(dt)], lambda a: tuple(a.cummin(0)), kwargs={"dim": 0}, gradcheck=False)
    f.op(f"cummax_nan/{n}", "cummax", [torch.tensor([1., nan, 3., nan, 0.], dtype=dt)], lambda a: tuple(a.cummax(0)),
         kwargs={"dim": 0}, gradcheck=False)
    f.op(f"cummin_nan/{n}", "cummin", [torch.tensor([1., nan, 3., nan, 0.], dtype=dt)], lambda a: tuple(a.cummin(0)),
         kwargs={"dim": 0}, gradcheck=False)
    f.op(f"cummax_t/{n}", "cummax", [m], lambda a: tuple(a.cummax(0)), kwargs={"dim": 0}, views=["t"])
    f.op(f"logcumsumexp/{n}", "logcumsumexp", [x], lambda a: a.logcumsumexp(1), kwargs={"dim": 1})
    f.op(f"logcumsumexp_t/{n}", "logcumsumexp", [m], lambda a: a.logcumsumexp(0), kwargs={"dim": 0}, views=["t"])
    f.op(f"logcumsumexp_big/{n}", "logcumsumexp", [rand(2, 6, dtype=dt) * 300], lambda a: a.logcumsumexp(1), kwargs={"dim": 1})
    f.op(f"logcumsumexp_inf/{n}", "logcumsumexp", [torch.tensor([1., -inf, inf, 2., -inf], dtype=dt)],
         lambda a: a.logcumsumexp(0), kwargs={"dim": 0}, grad=False)

# Integer, bool and half dtypes: PyTorch's result dtypes.
i = torch.randint(-4, 5, (3, 4))
b = i > 0
u = torch.randint(0, 3, (3, 4), dtype=torch.uint8)
f.op("prod/int64", "prod", [torch.randint(1, 4, (3, 4))], lambda a: a.prod(), grad=False)
f.op("prod/int32_dim", "prod", [i.int()], lambda a: a.prod(1), kwargs={"dim": 1}, grad=False)
f.op("prod/bool", "prod", [b], lambda a: a.prod(0), kwargs={"dim": 0}, grad=False)
f.op("prod/f32_as_f64", "prod", [rand(3, 4)], lambda a: a.prod(1, dtype=torch.float64), kwargs={"dim": 1, "dtype": "float64"}, grad=False)
f.op("sum/uint8_dims", "sum", [u], lambda a: a.sum((0, 1)), kwargs={"dim": [0, 1]}, grad=False)
f.op("sum/int16_dim", "sum", [i.short()], lambda a: a.sum(0), kwargs={"dim": [0]}, grad=False)
f.op("sum/f32_to_f64", "sum", [rand(3, 4)], lambda a: a.sum(1, dtype=torch.float64), kwargs={"dim": [1], "dtype": "float64"}, grad=False)
f.op("mean/f16", "mean", [rand(3, 4, dtype=torch.float16)], lambda a: a.mean(1), kwargs={"dim": [1]}, grad=False)
f.op("max/int8", "max", [i.to(torch.int8)], lambda a: a.max(), grad=False)
f.op("max_dim/int32", "max_dim", [i.int()], lambda a: tuple(a.max(1)), kwargs={"dim": 1}, grad=False)
f.op("min_dim/bool", "min_dim", [b], lambda a: tuple(a.min(0)), kwargs={"dim": 0}, grad=False)
f.op("max_dim/uint8", "max_dim", [u], lambda a: tuple(a.max(0, keepdim=True)), kwargs={"dim": 0, "keepdim": True}, grad=False)
f.op("amax/int16", "amax", [i.short()], lambda a: a.amax(0), kwargs={"dim": [0]}, grad=False)
f.op("amin/bool", "amin", [b], lambda a: a.amin(1), kwargs={"dim": [1]}, grad=False)
f.op("amax/f16", "amax", [rand(3, 4, dtype=torch.float16)], lambda a: a.amax(1), kwargs={"dim": [1]}, grad=False)
f.op("argmax/int64", "argmax", [i], lambda a: a.argmax(0), kwargs={"dim": 0}, grad=False)
f.op("argmin/uint8", "argmin", [u], lambda a: a.argmin(), grad=False)
f.op("aminmax/int32", "aminmax", [i.int()], lambda a: tuple(torch.aminmax(a, dim=0)), kwargs={"dim": 0}, grad=False)
f.op("all/bool", "all", [b], lambda a: a.all())
f.op("all/bool_dim", "all", [b], lambda a: a.all(1), kwargs={"dim": [1]})
f.op("any/bool_dim_keep", "any", [b], lambda a: a.any(0, keepdim=True), kwargs={"dim": [0], "keepdim": True})
f.op("all/float", "all", [torch.tensor([[1.5, nan, 2.], [0., 1., 1.]])], lambda a: a.all(1), kwargs={"dim": [1]}, grad=False)
f.op("any/float", "any", [torch.tensor([[0., -0., 0.], [0., 1e-30, 0.]])], lambda a: a.any(1), kwargs={"dim": [1]}, grad=False)
f.op("any/uint8", "any", [u], lambda a: a.any(1), kwargs={"dim": [1]})
f.op("all/uint8", "all", [u], lambda a: a.all())
f.op("any/int64", "any", [i], lambda a: a.any())
f.op("count_nonzero/int", "count_nonzero", [i], lambda a: torch.count_nonzero(a))
f.op("count_nonzero/float_dims", "count_nonzero", [torch.tensor([[0.5, 0., nan], [0., -0., 3.]])],
     lambda a: torch.count_nonzero(a, dim=(0, 1)), kwargs={"dim": [0, 1]}, grad=False)
f.op("count_nonzero/bool_dim", "count_nonzero", [b], lambda a: torch.count_nonzero(a, dim=1), kwargs={"dim": [1]})
f.op("nansum/int", "nansum", [i], lambda a: a.nansum(1), kwargs={"dim": [1]})
f.op("logsumexp/int", "logsumexp", [i], lambda a: a.logsumexp(1), kwargs={"dim": [1]})
f.op("cumsum/int32", "cumsum", [i.int()], lambda a: a.cumsum(1), kwargs={"dim": 1})
f.op("cumsum/bool", "cumsum", [b], lambda a: a.cumsum(0), kwargs={"dim": 0})
f.op("cumsum/int_to_f32", "cumsum", [i], lambda a: a.cumsum(1, dtype=torch.float32), kwargs={"dim": 1, "dtype": "float32"}, grad=False)
f.op("cumprod/int16", "cumprod", [i.short()], lambda a: a.cumprod(0), kwargs={"dim": 0})
f.op("cummax/int64", "cummax", [i], lambda a: tuple(a.cummax(1)), kwargs={"dim": 1})
f.op("cummin/bool", "cummin", [b], lambda a: tuple(a.cummin(1)), kwargs={"dim": 1})
f.op("cumsum/f32_long", "cumsum", [rand(2, 3000)], lambda a: a.cumsum(1), kwargs={"dim": 1}, grad=False)
f.op("sum/f32_long_rows", "sum", [rand(3000, 3)], lambda a: a.sum(0), kwargs={"dim": [0]}, grad=False)
f.op("sum/f32_long", "sum", [rand(5000)], lambda a: a.sum(), grad=False)
f.save()
