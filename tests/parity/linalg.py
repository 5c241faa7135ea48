"""Parity fixtures for matrix products: mm, bmm, mv, dot, vdot, matmul (every rank pairing and batch broadcasting),
addmm, addmv, addr, addbmm, baddbmm, outer/ger, inner, tensordot, kron and einsum; float32 and float64 with
gradients (float64 cases also pass Flint's gradcheck), transposed and strided views, integer and bfloat16 products.
"""
import torch

from fixture import Fixture, rand

f = Fixture("linalg")


def ints(*shape, dtype=torch.int64):
    return torch.randint(-4, 5, shape, dtype=dtype)


for dt in (torch.float32, torch.float64):
    n = "f32" if dt == torch.float32 else "f64"

    def r(*shape):
        return rand(shape, dtype=dt)

    # mm in all four transpose layouts and with a strided (every second row) operand.
    f.op(f"mm/{n}", "mm", [r(3, 4), r(4, 5)], torch.mm)
    f.op(f"mm_tn/{n}", "mm", [r(4, 3), r(4, 5)], torch.mm, views=["t", None])
    f.op(f"mm_nt/{n}", "mm", [r(3, 4), r(5, 4)], torch.mm, views=[None, "t"])
    f.op(f"mm_tt/{n}", "mm", [r(4, 3), r(5, 4)], torch.mm, views=["t", "t"])
    f.op(f"mm_strided/{n}", "mm", [r(6, 4), r(4, 5)], torch.mm, views=["s", None])
    f.op(f"mm_row/{n}", "mm", [r(1, 4), r(4, 5)], torch.mm)
    f.op(f"mm_col/{n}", "mm", [r(3, 4), r(4, 1)], torch.mm)
    f.op(f"bmm/{n}", "bmm", [r(2, 3, 4), r(2, 4, 5)], torch.bmm)
    f.op(f"bmm_t/{n}", "bmm", [r(2, 4, 3), r(2, 5, 4)], torch.bmm, views=["t", "t"])
    f.op(f"bmm_strided/{n}", "bmm", [r(4, 3, 4), r(2, 4, 2)], torch.bmm, views=["s", None])
    f.op(f"mv/{n}", "mv", [r(3, 4), r(4)], torch.mv)
    f.op(f"mv_t/{n}", "mv", [r(4, 3), r(4)], torch.mv, views=["t", None])
    f.op(f"mv_strided/{n}", "mv", [r(3, 4), r(8)], torch.mv, views=[None, "s"])
    f.op(f"dot/{n}", "dot", [r(5), r(5)], torch.dot)
    f.op(f"dot_strided/{n}", "dot", [r(10), r(5)], torch.dot, views=["s", None])
    f.op(f"vdot/{n}", "vdot", [r(5), r(5)], torch.vdot)
    f.op(f"outer/{n}", "outer", [r(3), r(4)], torch.outer)
    f.op(f"ger/{n}", "ger", [r(3), r(4)], torch.ger)
    f.op(f"inner/{n}", "inner", [r(3, 4), r(2, 4)], torch.inner)
    f.op(f"inner_1d/{n}", "inner", [r(4), r(4)], torch.inner)
    f.op(f"inner_3d/{n}", "inner", [r(2, 2, 3), r(3)], torch.inner)
    f.op(f"inner_scalar/{n}", "inner", [r(), r(2, 3)], torch.inner)

    # Fused products: beta * input + alpha * product, broadcast inputs, beta == 0 ignoring the input.
    f.op(f"addmm/{n}", "addmm", [r(3, 5), r(3, 4), r(4, 5)], torch.addmm)
    f.op(f"addmm_ab/{n}", "addmm", [r(3, 5), r(3, 4), r(4, 5)], lambda x, a, b: torch.addmm(x, a, b, beta=0.5, alpha=-2.0),
         kwargs={"beta": 0.5, "alpha": -2.0})
    f.op(f"addmm_bcast/{n}", "addmm", [r(5), r(3, 4), r(5, 4)], lambda x, a, b: torch.addmm(x, a, b, alpha=1.5),
         kwargs={"alpha": 1.5}, views=[None, None, "t"])
    f.op(f"addmm_beta0/{n}", "addmm", [r(3, 5), r(3, 4), r(4, 5)], lambda x, a, b: torch.addmm(x, a, b, beta=0.0),
         kwargs={"beta": 0.0})
    f.op(f"addmv/{n}", "addmv", [r(3), r(3, 4), r(4)], lambda x, m, v: torch.addmv(x, m, v, beta=2.0, alpha=0.5),
         kwargs={"beta": 2.0, "alpha": 0.5})
    f.op(f"addmv_bcast/{n}", "addmv", [r(1), r(4, 3), r(4)], torch.addmv, views=[None, "t", None])
    f.op(f"addr/{n}", "addr", [r(3, 4), r(3), r(4)], lambda x, a, b: torch.addr(x, a, b, beta=-1.0, alpha=3.0),
         kwargs={"beta": -1.0, "alpha": 3.0})
    f.op(f"addr_bcast/{n}", "addr", [r(4), r(3), r(4)], torch.addr)
    f.op(f"addbmm/{n}", "addbmm", [r(3, 5), r(2, 3, 4), r(2, 4, 5)], lambda x, a, b: torch.addbmm(x, a, b, beta=0.5, alpha=2.0),
         kwargs={"beta": 0.5, "alpha": 2.0})
    f.op(f"addbmm_bcast/{n}", "addbmm", [r(1, 5), r(3, 3, 4), r(3, 5, 4)], torch.addbmm, views=[None, None, "t"])
    f.op(f"baddbmm/{n}", "baddbmm", [r(2, 3, 5), r(2, 3, 4), r(2, 4, 5)],
         lambda x, a, b: torch.baddbmm(x, a, b, beta=-0.5, alpha=1.5), kwargs={"beta": -0.5, "alpha": 1.5})
    f.op(f"baddbmm_bcast/{n}", "baddbmm", [r(5), r(2, 4, 3), r(2, 4, 5)], torch.baddbmm, views=[None, "t", None])

    # matmul: every rank pairing, folding and batch broadcasting.
    f.op(f"matmul_1d1d/{n}", "matmul", [r(4), r(4)], torch.matmul)
    f.op(f"matmul_2d1d/{n}", "matmul", [r(3, 4), r(4)], torch.matmul)
    f.op(f"matmul_1d2d/{n}", "matmul", [r(4), r(4, 3)], torch.matmul)
    f.op(f"matmul_2d2d/{n}", "matmul", [r(3, 4), r(4, 2)], torch.matmul)
    f.op(f"matmul_3d1d/{n}", "matmul", [r(2, 3, 4), r(4)], torch.matmul)
    f.op(f"matmul_3d2d/{n}", "matmul", [r(2, 3, 4), r(4, 2)], torch.matmul)
    f.op(f"matmul_3d2d_t/{n}", "matmul", [r(2, 4, 3), r(4, 2)], torch.matmul, views=["t", None])
    f.op(f"matmul_1d3d/{n}", "matmul", [r(3), r(2, 3, 4)], torch.matmul)
    f.op(f"matmul_2d3d/{n}", "matmul", [r(2, 3), r(2, 3, 4)], torch.matmul)
    f.op(f"matmul_3d3d/{n}", "matmul", [r(2, 3, 4), r(2, 4, 2)], torch.matmul)
    f.op(f"matmul_bcast/{n}", "matmul", [r(2, 1, 3, 4), r(3, 4, 2)], torch.matmul)
    f.op(f"matmul_4d1d/{n}", "matmul", [r(2, 2, 3, 4), r(4)], torch.matmul)
    f.op(f"matmul_1d4d/{n}", "matmul", [r(3), r(2, 1, 3, 2)], torch.matmul)
    f.op(f"matmul_4d4d_t/{n}", "matmul", [r(2, 2, 3, 4), r(2, 2, 3, 4)], torch.matmul, views=[None, "t"])

    # tensordot and kron.
    f.op(f"tensordot/{n}", "tensordot", [r(2, 3, 4), r(3, 4, 2)], lambda a, b: torch.tensordot(a, b, dims=2),
         kwargs={"dims": 2})
    f.op(f"tensordot_lists/{n}", "tensordot", [r(2, 3, 4), r(4, 3, 2)],
         lambda a, b: torch.tensordot(a, b, dims=([1, 2], [1, 0])), kwargs={"dims_a": [1, 2], "dims_b": [1, 0]})
    f.op(f"tensordot_0/{n}", "tensordot", [r(2, 3), r(3)], lambda a, b: torch.tensordot(a, b, dims=0), kwargs={"dims": 0})
    f.op(f"tensordot_bcast/{n}", "tensordot", [r(2, 1, 4), r(3, 4)],
         lambda a, b: torch.tensordot(a, b, dims=([1, 2], [0, 1])), kwargs={"dims_a": [1, 2], "dims_b": [0, 1]})
    f.op(f"kron/{n}", "kron", [r(2, 3), r(3, 2)], torch.kron)
    f.op(f"kron_ranks/{n}", "kron", [r(3), r(2, 2)], torch.kron)
    f.op(f"kron_3d/{n}", "kron", [r(2, 1, 2), r(2, 2, 1)], torch.kron)

    # einsum: products, traces and diagonals, transposes, ellipses, implicit outputs, chains.
    for i, (eq, shapes) in enumerate([
        ("ij,jk->ik", [(3, 4), (4, 2)]),
        ("ij,jk", [(3, 4), (4, 2)]),
        ("ii", [(3, 3)]),
        ("ii->i", [(3, 3)]),
        ("iij->j", [(2, 2, 3)]),
        ("ij->ji", [(2, 3)]),
        ("ij->", [(2, 3)]),
        ("ij->j", [(2, 3)]),
        ("i,i->", [(4,), (4,)]),
        ("i,j->ij", [(2,), (3,)]),
        ("ij,ij->ij", [(2, 3), (2, 3)]),
        ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
        ("bij,bkj->bik", [(2, 3, 4), (2, 2, 4)]),
        ("...ij,...jk", [(2, 3, 4), (4, 2)]),
        ("...ij,...jk->...ik", [(2, 1, 3, 4), (3, 4, 2)]),
        ("i...->...", [(2, 3, 4)]),
        ("...,...->...", [(2, 3), (3,)]),
        ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
        ("aab,bc->ac", [(3, 3, 4), (4, 2)]),
        ("Ab,bC->AC", [(2, 3), (3, 2)]),
        ("b i j , b j k -> b k i", [(2, 3, 4), (2, 4, 2)]),
        ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
        ("ijk,ikl->j", [(2, 3, 4), (2, 4, 2)]),
    ]):
        f.op(f"einsum{i}/{n}", "einsum", [r(*s) for s in shapes], lambda *xs, eq=eq: torch.einsum(eq, *xs),
             kwargs={"equation": eq})

    # Second derivatives: the gradient of sum((a @ b)^2) with respect to a, taken with create_graph, then
    # differentiated again through the backward formulas.
    def double(product):
        def fn(a, b):
            out = product(a, b)
            return torch.autograd.grad((out * out).sum(), a, create_graph=True)[0]
        return fn

    f.op(f"double_mm/{n}", "double_mm", [r(3, 4), r(4, 2)], double(torch.mm))
    f.op(f"double_bmm/{n}", "double_bmm", [r(2, 3, 4), r(2, 4, 2)], double(torch.bmm))
    f.op(f"double_mv/{n}", "double_mv", [r(3, 4), r(4)], double(torch.mv))
    f.op(f"double_dot/{n}", "double_dot", [r(4), r(4)], double(torch.dot))
    f.op(f"double_matmul/{n}", "double_matmul", [r(2, 1, 3, 4), r(3, 4, 2)], double(torch.matmul))
    f.op(f"double_addmm/{n}", "double_addmm", [r(3, 4), r(4, 2)],
         double(lambda a, b: torch.addmm(b[0], a, b, beta=0.5, alpha=2.0)))
    f.op(f"double_einsum/{n}", "double_einsum", [r(3, 3, 4), r(4, 2)],
         double(lambda a, b: torch.einsum("iij,jk->ik", a, b)))

# Integer products (PyTorch supports them on the CPU).
f.op("mm/int64", "mm", [ints(3, 4), ints(4, 5)], torch.mm, grad=False)
f.op("mm/int32_t", "mm", [ints(4, 3, dtype=torch.int32), ints(4, 5, dtype=torch.int32)], torch.mm, grad=False,
     views=["t", None])
f.op("mm/int8_wrap", "mm", [torch.randint(-100, 100, (3, 8), dtype=torch.int8),
                            torch.randint(-100, 100, (8, 2), dtype=torch.int8)], torch.mm, grad=False)
f.op("mm/uint8", "mm", [torch.randint(0, 30, (3, 8), dtype=torch.uint8),
                        torch.randint(0, 30, (8, 2), dtype=torch.uint8)], torch.mm, grad=False)
f.op("bmm/int16", "bmm", [ints(2, 3, 4, dtype=torch.int16), ints(2, 4, 2, dtype=torch.int16)], torch.bmm, grad=False)
f.op("dot/int64", "dot", [ints(7), ints(7)], torch.dot, grad=False)
f.op("mv/int64", "mv", [ints(3, 4), ints(4)], torch.mv, grad=False)
f.op("matmul_3d2d/int64", "matmul", [ints(2, 3, 4), ints(4, 2)], torch.matmul, grad=False)
f.op("addmm/int64", "addmm", [ints(2, 3), ints(2, 4), ints(4, 3)],
     lambda x, a, b: torch.addmm(x, a, b, beta=2, alpha=3), kwargs={"beta": 2, "alpha": 3}, grad=False)
f.op("addmm/int64_fbeta", "addmm", [ints(2, 3), ints(2, 4), ints(4, 3)],
     lambda x, a, b: torch.addmm(x, a, b, beta=0.5, alpha=2.7), kwargs={"beta": 0.5, "alpha": 2.7}, grad=False)
f.op("kron/int64", "kron", [ints(2, 2), ints(2, 3)], torch.kron, grad=False)
f.op("outer/int_float", "outer", [ints(3), rand(2)], torch.outer, grad=False)
f.op("einsum/int64", "einsum", [ints(2, 3), ints(3, 2)], lambda a, b: torch.einsum("ij,jk->ik", a, b),
     kwargs={"equation": "ij,jk->ik"}, grad=False)
# float16/bfloat16 products compute in float and round once, as PyTorch 2.x does on the CPU (1.13 here refuses
# float16 and accumulates bfloat16 in bfloat16), so the expected values are PyTorch's float product rounded.
for half, hn in ((torch.bfloat16, "bf16"), (torch.float16, "f16")):
    def h(*shape):
        return rand(shape, dtype=half)

    def in_float(fn):
        return lambda *xs: fn(*[x.float() for x in xs]).to(half)

    f.op(f"mm/{hn}", "mm", [h(5, 16), h(16, 3)], in_float(torch.mm), grad=False)
    f.op(f"mm_t/{hn}", "mm", [h(16, 5), h(3, 16)], in_float(torch.mm), grad=False, views=["t", "t"])
    f.op(f"bmm/{hn}", "bmm", [h(2, 3, 8), h(2, 8, 4)], in_float(torch.bmm), grad=False)
    f.op(f"mv/{hn}", "mv", [h(3, 8), h(8)], in_float(torch.mv), grad=False)
    f.op(f"mv_t/{hn}", "mv", [h(8, 3), h(8)], in_float(torch.mv), grad=False, views=["t", None])
    f.op(f"dot/{hn}", "dot", [h(9), h(9)], in_float(torch.dot), grad=False)
    f.op(f"addmm/{hn}", "addmm", [h(5, 3), h(5, 16), h(16, 3)],
         in_float(lambda x, a, b: torch.addmm(x, a, b, beta=0.5, alpha=2.0)), kwargs={"beta": 0.5, "alpha": 2.0},
         grad=False)
    f.op(f"matmul_3d2d/{hn}", "matmul", [h(2, 3, 8), h(8, 2)], in_float(torch.matmul), grad=False)

# A larger product that crosses the micro-kernel's tiles and the K blocking (KC = 384).
f.op("mm_large/f32", "mm", [rand(16, 400), rand(400, 33)], torch.mm, grad=False, tol=1e-4)
f.save()
