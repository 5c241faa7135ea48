"""Parity fixtures for attention and the Transformer layers: scaled dot-product attention, MultiheadAttention (every
option), TransformerEncoderLayer/DecoderLayer, TransformerEncoder/Decoder and Transformer, in training mode without
dropout and in eval mode, with masks. Run with Debian's torch: /usr/bin/python3 tests/parity/nn_attention.py
"""
import itertools
import math

import torch
from torch import nn

import nn_rnn_modules
from fixture import Fixture, rand

f = Fixture("nn_attention")


def case(id, kind, kwargs, module, inputs, run, dtype=torch.float32, train=True, grad=True, call=None):
    nn_rnn_modules.module_case(f, id, kind, kwargs, module, inputs, run, dtype, train, grad, call)


# ---- scaled dot-product attention: PyTorch 2's documented reference, checked against 1.13's kernel ----
def sdpa_reference(q, k, v, attn_mask=None, is_causal=False, scale=None):
    L, S = q.size(-2), k.size(-2)
    factor = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * factor
    if is_causal:
        scores = scores.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    return torch.softmax(scores, dim=-1) @ v


class Sdpa(nn.Module):
    def __init__(self, causal, scale):
        super().__init__()
        self.causal, self.scale = causal, scale

    def forward(self, q, k, v, mask=None):
        return sdpa_reference(q, k, v, mask, self.causal, self.scale)


for dtype, (mask_kind, causal, scale, L) in itertools.product(
        [torch.float32, torch.float64],
        [(None, False, None, 4), ("bool", False, None, 4), ("float", False, None, 4), (None, True, None, 6),
         (None, True, None, 4), (None, False, 0.3, 4), ("bool", False, 0.5, 4)]):
    inputs = {"query": rand(2, 3, L, 5), "key": rand(2, 3, 6, 5), "value": rand(2, 3, 6, 7)}
    if mask_kind == "bool":
        m = torch.rand(L, 6) > 0.3
        m[:, 0] = True  # every query attends to something
        inputs["mask"] = m
    elif mask_kind == "float":
        inputs["mask"] = rand(2, 1, L, 6, low=-3, high=1)
    if scale is None and not causal:
        q, k, v = inputs["query"], inputs["key"], inputs["value"]
        mk = inputs.get("mask")
        if mk is None or mk.dtype == torch.bool:
            ref = torch._C._nn._scaled_dot_product_attention(q, k, v, mk, 0.0, False, False)[0]
            assert torch.allclose(ref, sdpa_reference(q, k, v, mk), atol=1e-6)
    id = f"sdpa/mask={mask_kind}/causal={int(causal)}/scale={scale}/L={L}/{str(dtype)[6:]}"
    case(id, "sdpa", {"is_causal": causal, "scale": scale}, Sdpa(causal, scale), inputs,
         lambda m, lv: [m(lv["query"], lv["key"], lv["value"], lv.get("mask"))], dtype)


# ---- MultiheadAttention ----
E, NH, L, S, N = 8, 2, 4, 5, 3


def mha_case(name, kw, call, relation="self", batched=True, train=True, dtype=torch.float32, masks=()):
    m = nn.MultiheadAttention(E, NH, **kw)
    bf = kw.get("batch_first", False)
    kdim, vdim = kw.get("kdim") or E, kw.get("vdim") or E
    tgt = S if relation == "self" else L

    def shape(seq, feat):
        if not batched:
            return (seq, feat)
        return (N, seq, feat) if bf else (seq, N, feat)

    inputs = {"query": rand(*shape(tgt, E))}
    if relation != "self":
        inputs["key"] = rand(*shape(S, kdim))
        if relation == "separate":
            inputs["value"] = rand(*shape(S, vdim))
    src = S + (1 if kw.get("add_bias_kv") else 0) + (1 if kw.get("add_zero_attn") else 0)
    for mk in masks:
        if mk == "kpm_bool":
            kpm = torch.zeros(N, S, dtype=torch.bool) if batched else torch.zeros(S, dtype=torch.bool)
            kpm[..., -2:] = True
            inputs["key_padding_mask"] = kpm
        elif mk == "kpm_float":
            inputs["key_padding_mask"] = rand(*((N, S) if batched else (S,)), low=-2, high=0)
        elif mk == "attn_bool":
            am = torch.rand(tgt, S) > 0.7
            am[:, 0] = False
            inputs["attn_mask"] = am
        elif mk == "attn_float3":
            inputs["attn_mask"] = rand(N * NH if batched else NH, tgt, S, low=-2, high=1)
        elif mk == "attn_float":
            inputs["attn_mask"] = rand(tgt, S, low=-2, high=1)

    def run(mod, lv):
        q = lv["query"]
        k = lv.get("key", q)
        v = lv.get("value", k)
        o, w = mod(q, k, v, key_padding_mask=lv.get("key_padding_mask"), attn_mask=lv.get("attn_mask"), **call)
        return [o, w]

    kwargs = dict(kw)
    kwargs.update({"embed_dim": E, "num_heads": NH, "relation": relation})
    case(f"mha/{name}", "MultiheadAttention", kwargs, m, inputs, run, dtype, train, call=call)


mha_case("plain", {}, {})
mha_case("no_weights", {}, {"need_weights": False})
mha_case("per_head_weights", {}, {"average_attn_weights": False})
mha_case("batch_first", {"batch_first": True}, {})
mha_case("no_bias", {"bias": False}, {})
mha_case("bias_kv", {"add_bias_kv": True}, {}, masks=["kpm_bool", "attn_float"])
mha_case("zero_attn", {"add_zero_attn": True}, {}, masks=["kpm_bool", "attn_bool"])
mha_case("bias_kv_zero_attn", {"add_bias_kv": True, "add_zero_attn": True}, {}, relation="kv")
mha_case("cross", {}, {}, relation="kv")
mha_case("separate_values", {}, {}, relation="separate")
mha_case("kdim_vdim", {"kdim": 6, "vdim": 3}, {}, relation="separate")
mha_case("kdim_vdim_batch_first", {"kdim": 6, "vdim": 3, "batch_first": True}, {"average_attn_weights": False},
         relation="separate", masks=["kpm_bool"])
mha_case("kpm_bool", {}, {}, masks=["kpm_bool"])
mha_case("kpm_float", {}, {}, masks=["kpm_float"])
mha_case("attn_bool", {}, {}, masks=["attn_bool"])
mha_case("attn_float3", {}, {}, masks=["attn_float3"])
mha_case("attn_bool_kpm_bool", {}, {}, masks=["attn_bool", "kpm_bool"])
mha_case("attn_float_kpm_bool", {"batch_first": True}, {}, relation="kv", masks=["attn_float", "kpm_bool"])
mha_case("unbatched", {}, {}, batched=False, masks=["kpm_bool", "attn_bool"])
mha_case("unbatched_attn3", {}, {"average_attn_weights": False}, batched=False, relation="kv", masks=["attn_float3"])
mha_case("eval_dropout", {"dropout": 0.5}, {}, train=False, masks=["kpm_bool"])
mha_case("f64", {"add_bias_kv": True}, {}, relation="separate", dtype=torch.float64, masks=["kpm_bool", "attn_float"])


# ---- Transformer layers ----
D, H, FF = 8, 2, 16


def layer_inputs(bf, seq, batched=True):
    if not batched:
        return rand(seq, D)
    return rand(N, seq, D) if bf else rand(seq, N, D)


def padding_mask(seq, batched=True):
    m = torch.zeros(N, seq, dtype=torch.bool) if batched else torch.zeros(seq, dtype=torch.bool)
    m[..., -1] = True
    if batched:
        m[0, -2] = True
    return m


def causal(seq):
    return nn.Transformer.generate_square_subsequent_mask(seq)


for norm_first, act, bf, masks, train in [(False, "relu", False, False, True), (True, "gelu", True, True, True),
                                          (False, "gelu", True, True, False), (True, "relu", False, True, False),
                                          (False, "relu", True, False, False)]:
    kw = {"d_model": D, "nhead": H, "dim_feedforward": FF, "dropout": 0.0 if train else 0.3, "activation": act,
          "batch_first": bf, "norm_first": norm_first}
    name = f"nf={int(norm_first)}/{act}/bf={int(bf)}/masks={int(masks)}/train={int(train)}"

    enc = nn.TransformerEncoderLayer(**kw)
    inputs = {"src": layer_inputs(bf, S)}
    if masks:
        inputs["src_mask"] = causal(S)
        inputs["src_key_padding_mask"] = padding_mask(S)
    case(f"encoder_layer/{name}", "TransformerEncoderLayer", kw, enc, inputs,
         lambda m, lv: [m(lv["src"], lv.get("src_mask"), lv.get("src_key_padding_mask"))], train=train)

    dec = nn.TransformerDecoderLayer(**kw)
    inputs = {"tgt": layer_inputs(bf, L), "memory": layer_inputs(bf, S)}
    if masks:
        inputs["tgt_mask"] = causal(L)
        inputs["memory_mask"] = torch.rand(L, S) > 0.8
        inputs["tgt_key_padding_mask"] = padding_mask(L)
        inputs["memory_key_padding_mask"] = padding_mask(S)
    case(f"decoder_layer/{name}", "TransformerDecoderLayer", kw, dec, inputs,
         lambda m, lv: [m(lv["tgt"], lv["memory"], lv.get("tgt_mask"), lv.get("memory_mask"), lv.get("tgt_key_padding_mask"),
                          lv.get("memory_key_padding_mask"))], train=train)

# Unbatched layers.
kw = {"d_model": D, "nhead": H, "dim_feedforward": FF, "dropout": 0.0}
case("encoder_layer/unbatched", "TransformerEncoderLayer", kw, nn.TransformerEncoderLayer(**kw),
     {"src": layer_inputs(False, S, False), "src_key_padding_mask": padding_mask(S, False)},
     lambda m, lv: [m(lv["src"], None, lv["src_key_padding_mask"])])
case("decoder_layer/unbatched", "TransformerDecoderLayer", kw, nn.TransformerDecoderLayer(**kw),
     {"tgt": layer_inputs(False, L, False), "memory": layer_inputs(False, S, False), "tgt_mask": causal(L)},
     lambda m, lv: [m(lv["tgt"], lv["memory"], lv["tgt_mask"])])

# Stacks and the whole Transformer.
for bf, norm_first, train in [(False, False, True), (True, True, True), (True, False, False)]:
    kw = {"d_model": D, "nhead": H, "dim_feedforward": FF, "dropout": 0.0 if train else 0.2, "batch_first": bf,
          "norm_first": norm_first}
    name = f"bf={int(bf)}/nf={int(norm_first)}/train={int(train)}"
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(**kw), 2, nn.LayerNorm(D))
    case(f"encoder/{name}", "TransformerEncoder", dict(kw, num_layers=2, norm=True), enc,
         {"src": layer_inputs(bf, S), "mask": causal(S), "src_key_padding_mask": padding_mask(S)},
         lambda m, lv: [m(lv["src"], lv["mask"], lv["src_key_padding_mask"])], train=train)
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(**kw), 2)
    case(f"decoder/{name}", "TransformerDecoder", dict(kw, num_layers=2, norm=False), dec,
         {"tgt": layer_inputs(bf, L), "memory": layer_inputs(bf, S), "tgt_mask": causal(L),
          "memory_key_padding_mask": padding_mask(S)},
         lambda m, lv: [m(lv["tgt"], lv["memory"], lv["tgt_mask"], None, None, lv["memory_key_padding_mask"])], train=train)
    tr = nn.Transformer(D, H, 2, 1, FF, kw["dropout"], batch_first=bf, norm_first=norm_first)
    case(f"transformer/{name}", "Transformer", dict(kw, num_encoder_layers=2, num_decoder_layers=1), tr,
         {"src": layer_inputs(bf, S), "tgt": layer_inputs(bf, L), "tgt_mask": causal(L),
          "src_key_padding_mask": padding_mask(S), "memory_key_padding_mask": padding_mask(S)},
         lambda m, lv: [m(lv["src"], lv["tgt"], tgt_mask=lv["tgt_mask"], src_key_padding_mask=lv["src_key_padding_mask"],
                          memory_key_padding_mask=lv["memory_key_padding_mask"])], train=train)

# Inference without autograd: PyTorch 1.13's encoder runs padded batches as nested tensors (zeros at the padding).
kw = {"d_model": D, "nhead": H, "dim_feedforward": FF, "dropout": 0.1, "batch_first": True}
enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(**kw), 2, nn.LayerNorm(D))
src, kpm = layer_inputs(True, S), padding_mask(S)


def nested_run(m, lv):
    with torch.no_grad():
        return [m(lv["src"], src_key_padding_mask=lv["src_key_padding_mask"])]


case("encoder/nested_fast_path", "TransformerEncoder", dict(kw, num_layers=2, norm=True), enc,
     {"src": src, "src_key_padding_mask": kpm}, nested_run, train=False, grad=False, call={"no_grad": True})
case("encoder_layer/fast_path", "TransformerEncoderLayer", kw, nn.TransformerEncoderLayer(**kw),
     {"src": src, "src_key_padding_mask": kpm},
     lambda m, lv: nested_run(m, lv), train=False, grad=False, call={"no_grad": True})

# Printed forms.
def repr_case(id, kind, kwargs, module):
    f.cases.append({"id": f"repr/{id}", "module": kind, "kwargs": kwargs, "repr": repr(module)})


repr_case("mha", "MultiheadAttention", {"embed_dim": 8, "num_heads": 2}, nn.MultiheadAttention(8, 2))
repr_case("mha_kdim", "MultiheadAttention", {"embed_dim": 8, "num_heads": 2, "kdim": 6, "vdim": 3, "bias": False},
          nn.MultiheadAttention(8, 2, kdim=6, vdim=3, bias=False))
kw = {"d_model": D, "nhead": H, "dim_feedforward": FF, "dropout": 0.2, "activation": "gelu"}
repr_case("encoder_layer", "TransformerEncoderLayer", kw, nn.TransformerEncoderLayer(**kw))
repr_case("decoder_layer", "TransformerDecoderLayer", kw, nn.TransformerDecoderLayer(**kw))
repr_case("encoder", "TransformerEncoder", dict(kw, num_layers=2), nn.TransformerEncoder(nn.TransformerEncoderLayer(**kw), 2))
repr_case("decoder_norm", "TransformerDecoder", dict(kw, num_layers=1, norm=True),
          nn.TransformerDecoder(nn.TransformerDecoderLayer(**kw), 1, nn.LayerNorm(D)))
repr_case("transformer", "Transformer", {"d_model": D, "nhead": H, "dim_feedforward": FF, "num_encoder_layers": 1,
                                         "num_decoder_layers": 2, "dropout": 0.1},
          nn.Transformer(D, H, 1, 2, FF))

f.save()
