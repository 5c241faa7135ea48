using System.Text.Json;
using Flint.NN;
using Flint.Tests.Parity;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

/// <summary>
/// Attention and the Transformer layers against PyTorch (tests/parity/nn_attention.py): scaled dot-product attention,
/// MultiheadAttention with every option and mask kind, the encoder/decoder layers and stacks and the whole
/// Transformer, in training (no dropout) and eval mode, outputs and all gradients, weights loaded by PyTorch's names.
/// </summary>
public class AttentionParityTests
{
    private const string Set = "nn_attention";

    private static bool Printed(JsonElement c) => c.GetProperty("id").GetString()!.StartsWith("repr/", StringComparison.Ordinal);

    public static IEnumerable<object[]> Ids => ModuleCases.Ids(Set, c => !Printed(c));

    public static IEnumerable<object[]> PrintedIds => ModuleCases.Ids(Set, Printed);

    public static IEnumerable<object[]> DoubleIds => ModuleCases.Ids(Set, c => !Printed(c) && c.GetProperty("dtype").GetString() == "float64");

    [Theory]
    [MemberData(nameof(Ids))]
    public void MatchesPyTorch(string id) => ModuleCases.Run(Set, id, Make, Forward);

    [Theory]
    [MemberData(nameof(PrintedIds))]
    public void PrintsAsPyTorch(string id)
    {
        var c = FixtureSet.Load(Set).Case(id);
        Assert.Equal(c.GetProperty("repr").GetString(), Make(c, new Kwargs(c.GetProperty("kwargs")))!.ToString());
    }

    [Theory]
    [MemberData(nameof(DoubleIds))]
    public void GradientsPassGradcheck(string id)
    {
        var fx = FixtureSet.Load(Set);
        var c = fx.Case(id);
        var module = ModuleCases.Build(c, fx, Make);
        var inputs = ModuleCases.Inputs(c, fx);
        var names = inputs.Where(kv => kv.Value.IsFloatingPoint()).Select(kv => kv.Key).ToArray();
        Assert.True(Torch.Autograd.GradCheck(xs =>
        {
            var map = new Dictionary<string, Tensor>(inputs);
            for (int i = 0; i < names.Length; i++) map[names[i]] = xs[i];
            return Forward(c, module, n => map.GetValueOrDefault(n)).Where(o => o is not null).Select(o => o!).ToArray();
        }, names.Select(n => inputs[n]).ToArray()));
    }

    private static Module? Make(JsonElement c, Kwargs kw)
    {
        long d = kw.Long("d_model"), h = kw.Long("nhead"), ff = kw.Long("dim_feedforward");
        double dropout = kw.Double("dropout");
        bool bf = kw.Bool("batch_first"), nf = kw.Bool("norm_first");
        TransformerActivation act = kw.String("activation") ?? "relu";
        return c.GetProperty("module").GetString() switch
        {
            "sdpa" => null,
            "MultiheadAttention" => new MultiheadAttention(kw.Long("embed_dim"), kw.Long("num_heads"), dropout, kw.Bool("bias", true),
                kw.Bool("add_bias_kv"), kw.Bool("add_zero_attn"), kw.Has("kdim") ? kw.Long("kdim") : null,
                kw.Has("vdim") ? kw.Long("vdim") : null, bf),
            "TransformerEncoderLayer" => new TransformerEncoderLayer(d, h, ff, dropout, act, batchFirst: bf, normFirst: nf),
            "TransformerDecoderLayer" => new TransformerDecoderLayer(d, h, ff, dropout, act, batchFirst: bf, normFirst: nf),
            "TransformerEncoder" => new TransformerEncoder(new TransformerEncoderLayer(d, h, ff, dropout, act, batchFirst: bf, normFirst: nf),
                kw.Long("num_layers"), kw.Bool("norm") ? new LayerNorm(d) : null),
            "TransformerDecoder" => new TransformerDecoder(new TransformerDecoderLayer(d, h, ff, dropout, act, batchFirst: bf, normFirst: nf),
                kw.Long("num_layers"), kw.Bool("norm") ? new LayerNorm(d) : null),
            "Transformer" => new Transformer(d, h, kw.Long("num_encoder_layers"), kw.Long("num_decoder_layers"), ff, dropout,
                batchFirst: bf, normFirst: nf),
            var k => throw new NotSupportedException(k),
        };
    }

    private static Tensor?[] Forward(JsonElement c, Module? m, Func<string, Tensor?> In)
    {
        var kw = new Kwargs(c.GetProperty("kwargs"));
        var call = new Kwargs(c.GetProperty("call"));
        switch (m)
        {
            case null:
                return [F.ScaledDotProductAttention(In("query")!, In("key")!, In("value")!, In("mask"), 0.0, kw.Bool("is_causal"),
                    kw.Has("scale") ? kw.Double("scale") : null)];
            case MultiheadAttention mha:
            {
                var q = In("query")!;
                var k = kw.String("relation") == "self" ? q : In("key")!;
                var v = kw.String("relation") == "separate" ? In("value")! : k;
                var (o, w) = mha.Call(q, k, v, In("key_padding_mask"), call.Bool("need_weights", true), In("attn_mask"),
                    call.Bool("average_attn_weights", true));
                return [o, w];
            }
            case TransformerEncoderLayer l:
                return [l.Call(In("src")!, In("src_mask"), In("src_key_padding_mask"))];
            case TransformerDecoderLayer l:
                return [l.Call(In("tgt")!, In("memory")!, In("tgt_mask"), In("memory_mask"), In("tgt_key_padding_mask"),
                    In("memory_key_padding_mask"))];
            case TransformerEncoder e:
                return [e.Call(In("src")!, In("mask"), In("src_key_padding_mask"))];
            case TransformerDecoder d:
                return [d.Call(In("tgt")!, In("memory")!, In("tgt_mask"), null, null, In("memory_key_padding_mask"))];
            case Transformer t:
                return [t.Call(In("src")!, In("tgt")!, null, In("tgt_mask"), null, In("src_key_padding_mask"), null,
                    In("memory_key_padding_mask"))];
            default:
                throw new NotSupportedException(m.GetName());
        }
    }
}
