"""Parity fixtures for shaping and joining: views, flatten, movedim, repeat, cat/stack, splits, flip, roll, rot90,
tril/triu, diag, diagonal, diag_embed, unfold."""
import torch

from fixture import Fixture, rand

f = Fixture("shaping")
for dt in (torch.float32, torch.float64):
    n = "f32" if dt == torch.float32 else "f64"
    x234 = rand(2, 3, 4, dtype=dt)
    x34 = rand(3, 4, dtype=dt)
    # Views (Ops/Views.cs).
    f.op(f"view/{n}", "view", [x234], lambda x: x.view(6, -1), kwargs={"shape": [6, -1]})
    f.op(f"reshape_t/{n}", "reshape", [x34], lambda x: x.reshape(-1), kwargs={"shape": [-1]}, views=["t"])
    f.op(f"permute/{n}", "permute", [x234], lambda x: x.permute(2, 0, 1), kwargs={"dims": [2, 0, 1]})
    f.op(f"transpose/{n}", "transpose", [x234], lambda x: x.transpose(0, 2), kwargs={"dim0": 0, "dim1": 2})
    f.op(f"expand/{n}", "expand", [rand(3, 1, dtype=dt)], lambda x: x.expand(2, 3, 4), kwargs={"sizes": [2, 3, 4]})
    f.op(f"squeeze/{n}", "squeeze", [rand(3, 1, 2, 1, dtype=dt)], lambda x: x.squeeze())
    f.op(f"squeeze_dim/{n}", "squeeze", [rand(3, 1, 2, dtype=dt)], lambda x: x.squeeze(1), kwargs={"dim": 1})
    f.op(f"unsqueeze/{n}", "unsqueeze", [x34], lambda x: x.unsqueeze(-1), kwargs={"dim": -1})
    f.op(f"select/{n}", "select", [x234], lambda x: x.select(1, -1), kwargs={"dim": 1, "index": -1})
    f.op(f"narrow/{n}", "narrow", [x234], lambda x: x.narrow(2, 1, 2), kwargs={"dim": 2, "start": 1, "length": 2})
    f.op(f"as_strided/{n}", "as_strided", [rand(10, dtype=dt)], lambda x: x.as_strided((3, 3), (2, 1), 1),
         kwargs={"size": [3, 3], "stride": [2, 1], "offset": 1})
    # flatten / unflatten / movedim.
    f.op(f"flatten/{n}", "flatten", [x234], lambda x: x.flatten())
    f.op(f"flatten_1/{n}", "flatten", [x234], lambda x: x.flatten(1), kwargs={"start": 1})
    f.op(f"flatten_01_t/{n}", "flatten", [rand(4, 3, 2, dtype=dt)], lambda x: x.flatten(0, 1), kwargs={"start": 0, "end": 1},
         views=["t"])
    f.op(f"unflatten/{n}", "unflatten", [rand(2, 6, dtype=dt)], lambda x: x.unflatten(1, (2, 3)), kwargs={"dim": 1, "sizes": [2, 3]})
    f.op(f"unflatten_infer/{n}", "unflatten", [rand(2, 6, dtype=dt)], lambda x: x.unflatten(1, (-1, 3)),
         kwargs={"dim": 1, "sizes": [-1, 3]})
    f.op(f"movedim/{n}", "movedim", [x234], lambda x: x.movedim(0, 2), kwargs={"src": [0], "dst": [2]})
    f.op(f"movedim_multi/{n}", "movedim", [x234], lambda x: x.movedim((0, 1), (2, 0)), kwargs={"src": [0, 1], "dst": [2, 0]})
    # repeat / tile / repeat_interleave.
    f.op(f"repeat/{n}", "repeat", [rand(2, 3, dtype=dt)], lambda x: x.repeat(2, 1, 2), kwargs={"repeats": [2, 1, 2]})
    f.op(f"repeat_t/{n}", "repeat", [rand(3, 2, dtype=dt)], lambda x: x.repeat(1, 3), kwargs={"repeats": [1, 3]}, views=["t"])
    f.op(f"tile/{n}", "tile", [rand(2, 3, dtype=dt)], lambda x: x.tile((2,)), kwargs={"dims": [2]})
    f.op(f"repeat_interleave/{n}", "repeat_interleave", [rand(2, 3, dtype=dt)], lambda x: x.repeat_interleave(2, dim=1),
         kwargs={"repeats": 2, "dim": 1})
    f.op(f"repeat_interleave_flat/{n}", "repeat_interleave", [rand(2, 2, dtype=dt)], lambda x: x.repeat_interleave(3),
         kwargs={"repeats": 3})
    f.op(f"repeat_interleave_t/{n}", "repeat_interleave_t", [rand(3, 2, dtype=dt), torch.tensor([1, 0, 2])],
         lambda x, r: x.repeat_interleave(r, dim=0), kwargs={"dim": 0})
    # cat / stack and friends.
    f.op(f"cat/{n}", "cat", [rand(2, 3, dtype=dt), rand(1, 3, dtype=dt)], lambda a, b: torch.cat([a, b]))
    f.op(f"cat_dim1_t/{n}", "cat", [rand(3, 2, dtype=dt), rand(2, 3, dtype=dt)], lambda a, b: torch.cat([a, b], 1),
         kwargs={"dim": 1}, views=["t", None])
    f.op(f"cat_legacy_empty/{n}", "cat", [rand(2, 3, dtype=dt), torch.zeros(0, dtype=dt), rand(2, 3, dtype=dt)],
         lambda a, e, b: torch.cat([a, e, b], 1), kwargs={"dim": 1})
    f.op(f"stack/{n}", "stack", [rand(2, 3, dtype=dt), rand(2, 3, dtype=dt)], lambda a, b: torch.stack([a, b], -1),
         kwargs={"dim": -1})
    f.op(f"hstack/{n}", "hstack", [rand(2, 3, dtype=dt), rand(2, 1, dtype=dt)], lambda a, b: torch.hstack([a, b]))
    f.op(f"hstack_1d/{n}", "hstack", [rand(3, dtype=dt), rand(2, dtype=dt)], lambda a, b: torch.hstack([a, b]))
    f.op(f"vstack/{n}", "vstack", [rand(3, dtype=dt), rand(2, 3, dtype=dt)], lambda a, b: torch.vstack([a, b]))
    f.op(f"dstack/{n}", "dstack", [rand(3, dtype=dt), rand(3, dtype=dt)], lambda a, b: torch.dstack([a, b]))
    # Splits (several outputs).
    f.op(f"split/{n}", "split", [rand(5, 2, dtype=dt)], lambda x: x.split(2), kwargs={"size": 2})
    f.op(f"split_sizes/{n}", "split_sizes", [rand(2, 6, dtype=dt)], lambda x: x.split([1, 3, 2], 1), kwargs={"sizes": [1, 3, 2], "dim": 1})
    f.op(f"chunk/{n}", "chunk", [rand(6, 2, dtype=dt)], lambda x: x.chunk(4), kwargs={"chunks": 4})
    f.op(f"tensor_split/{n}", "tensor_split", [rand(7, dtype=dt)], lambda x: x.tensor_split(3), kwargs={"sections": 3})
    f.op(f"tensor_split_idx/{n}", "tensor_split_idx", [rand(2, 7, dtype=dt)], lambda x: x.tensor_split([1, 5, 10], 1),
         kwargs={"indices": [1, 5, 10], "dim": 1})
    f.op(f"unbind/{n}", "unbind", [rand(2, 3, dtype=dt)], lambda x: x.unbind(1), kwargs={"dim": 1})
    # flip / roll / rot90.
    f.op(f"flip/{n}", "flip", [x234], lambda x: x.flip(0, 2), kwargs={"dims": [0, 2]})
    f.op(f"flip_t/{n}", "flip", [x34], lambda x: x.flip(-1), kwargs={"dims": [-1]}, views=["t"])
    f.op(f"fliplr/{n}", "fliplr", [x34], lambda x: x.fliplr())
    f.op(f"flipud/{n}", "flipud", [x34], lambda x: x.flipud())
    f.op(f"roll/{n}", "roll", [x34], lambda x: x.roll(1, 0), kwargs={"shifts": [1], "dims": [0]})
    f.op(f"roll_multi/{n}", "roll", [x234], lambda x: x.roll((-1, 5), (2, 1)), kwargs={"shifts": [-1, 5], "dims": [2, 1]})
    f.op(f"roll_flat/{n}", "roll", [x34], lambda x: x.roll(5), kwargs={"shifts": [5]}, views=["t"])
    for k in (1, 2, 3, -1):
        f.op(f"rot90_{k}/{n}", "rot90", [x234], lambda x, k=k: x.rot90(k, (2, 0)), kwargs={"k": k, "dims": [2, 0]})
    # tril / triu.
    for d in (-1, 0, 2):
        f.op(f"tril_{d}/{n}", "tril", [x234], lambda x, d=d: x.tril(d), kwargs={"diagonal": d})
        f.op(f"triu_{d}/{n}", "triu", [x34], lambda x, d=d: x.triu(d), kwargs={"diagonal": d}, views=["t"])
    # diag / diagonal / diag_embed / unfold.
    f.op(f"diag_vec/{n}", "diag", [rand(3, dtype=dt)], lambda x: x.diag(1), kwargs={"diagonal": 1})
    f.op(f"diag_vec_neg/{n}", "diag", [rand(3, dtype=dt)], lambda x: x.diag(-2), kwargs={"diagonal": -2})
    f.op(f"diag_mat/{n}", "diag", [x34], lambda x: x.diag(-1), kwargs={"diagonal": -1})
    f.op(f"diagonal/{n}", "diagonal", [x234], lambda x: x.diagonal(1, 2, 0), kwargs={"offset": 1, "dim1": 2, "dim2": 0})
    f.op(f"diagonal_neg/{n}", "diagonal", [x34], lambda x: x.diagonal(-1), kwargs={"offset": -1})
    f.op(f"diag_embed/{n}", "diag_embed", [rand(2, 3, dtype=dt)], lambda x: x.diag_embed())
    f.op(f"diag_embed_off/{n}", "diag_embed", [rand(2, 3, dtype=dt)], lambda x: x.diag_embed(-1, 0, 2),
         kwargs={"offset": -1, "dim1": 0, "dim2": 2})
    f.op(f"unfold/{n}", "unfold", [x234], lambda x: x.unfold(2, 2, 1), kwargs={"dim": 2, "size": 2, "step": 1})
    f.op(f"unfold_step/{n}", "unfold", [rand(7, 2, dtype=dt)], lambda x: x.unfold(0, 3, 2), kwargs={"dim": 0, "size": 3, "step": 2})

# Integer and bool data, promotion in cat.
i = torch.randint(-5, 5, (3, 4))
f.op("cat/promote", "cat", [i.int(), rand(2, 4, dtype=torch.float64)], lambda a, b: torch.cat([a, b]), grad=False)
f.op("cat/bool_u8", "cat", [i > 0, torch.randint(0, 9, (1, 4), dtype=torch.uint8)], lambda a, b: torch.cat([a, b]), grad=False)
f.op("stack/int", "stack", [i, i], lambda a, b: torch.stack([a, b], 1), kwargs={"dim": 1}, grad=False)
f.op("flip/int", "flip", [i], lambda x: x.flip(1), kwargs={"dims": [1]}, grad=False)
f.op("roll/bool", "roll", [i > 0], lambda x: x.roll(-2, 1), kwargs={"shifts": [-2], "dims": [1]}, grad=False)
f.op("repeat/int", "repeat", [i], lambda x: x.repeat(2, 2), kwargs={"repeats": [2, 2]}, grad=False)
f.op("tril/int", "tril", [i], lambda x: x.tril(), grad=False)
f.op("triu/half", "triu", [rand(3, 3, dtype=torch.float16)], lambda x: x.triu(), grad=False)
f.op("diag/int", "diag", [i[0]], lambda x: x.diag(), grad=False)
f.op("rot90/int", "rot90", [i], lambda x: x.rot90(1, (0, 1)), kwargs={"k": 1, "dims": [0, 1]}, grad=False)
f.op("cat/all_empty", "cat", [torch.zeros(0), torch.zeros(0, dtype=torch.float64)], lambda a, b: torch.cat([a, b], 1), kwargs={"dim": 1},
     grad=False)
f.op("chunk/empty", "chunk", [torch.zeros(0, 2)], lambda x: x.chunk(3), kwargs={"chunks": 3}, grad=False)
f.op("split/zero", "split", [torch.zeros(0, 2)], lambda x: x.split(0), kwargs={"size": 0}, grad=False)
f.op("flatten/0d", "flatten", [torch.tensor(3.0)], lambda x: x.flatten(), grad=False)
f.op("unfold/0d", "unfold", [torch.tensor(3.0)], lambda x: x.unfold(0, 1, 1), kwargs={"dim": 0, "size": 1, "step": 1}, grad=False)
f.op("repeat/0d", "repeat", [torch.tensor(3.0)], lambda x: x.repeat(2, 3), kwargs={"repeats": [2, 3]}, grad=False)
f.save()
