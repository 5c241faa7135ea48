using System.Text.Json;
using Flint.NN;
using Flint.Tests.Parity;

namespace Flint.Tests.NN;

/// <summary>
/// The recurrent layers against PyTorch (tests/parity/nn_rnn.py): every option combination of RNN/LSTM/GRU, packed
/// sequences, the cells and the packing helpers; outputs and the gradients of every input and weight, with PyTorch's
/// weights loaded through LoadStateDict under PyTorch's names. The fused CPU path runs every case; the op-built path
/// (used off the CPU and for create_graph) runs them too.
/// </summary>
public class RnnParityTests
{
    private const string Set = "nn_rnn";

    private static IEnumerable<object[]> Select(Func<JsonElement, bool> keep) => FixtureSet.Load(Set).Cases
        .Where(keep).Select(c => new object[] { c.GetProperty("id").GetString()! });

    private static bool SecondOrder(JsonElement c) => c.GetProperty("id").GetString()!.StartsWith("second/", StringComparison.Ordinal);

    private static bool Printed(JsonElement c) => c.GetProperty("id").GetString()!.StartsWith("repr/", StringComparison.Ordinal);

    public static IEnumerable<object[]> Ids => Select(c => !SecondOrder(c) && !Printed(c));

    public static IEnumerable<object[]> PrintedIds => Select(Printed);

    public static IEnumerable<object[]> LayerIds =>
        Select(c => !SecondOrder(c) && !Printed(c) && c.GetProperty("module").GetString() is "LSTM" or "GRU" or "RNN_TANH" or "RNN_RELU");

    public static IEnumerable<object[]> DoubleIds => Select(c =>
        !SecondOrder(c) && !Printed(c) && c.GetProperty("dtype").GetString() == "float64" && c.GetProperty("module").GetString() != "utils");

    public static IEnumerable<object[]> SecondOrderIds => Select(SecondOrder);

    [Theory]
    [MemberData(nameof(Ids))]
    public void MatchesPyTorch(string id) => Run(id);

    [Theory]
    [MemberData(nameof(LayerIds))]
    public void OpBuiltPathMatchesPyTorch(string id)
    {
        RnnLayer.ForceComposite = true;
        try { Run(id); }
        finally { RnnLayer.ForceComposite = false; }
    }

    [Theory]
    [MemberData(nameof(DoubleIds))]
    public void GradientsPassGradcheck(string id)
    {
        var fx = FixtureSet.Load(Set);
        var c = fx.Case(id);
        var module = ModuleCases.Build(c, fx, Make);
        var inputs = ModuleCases.Inputs(c, fx);
        var names = inputs.Keys.ToArray();
        Assert.True(Torch.Autograd.GradCheck(xs => Forward(c, module, n => Array.IndexOf(names, n) is var i and >= 0 ? xs[i] : null),
            names.Select(n => inputs[n]).ToArray()));
    }

    [Theory]
    [MemberData(nameof(PrintedIds))]
    public void PrintsAsPyTorch(string id)
    {
        var c = FixtureSet.Load(Set).Case(id);
        Assert.Equal(c.GetProperty("repr").GetString(), Make(c, new Kwargs(c.GetProperty("kwargs")))!.ToString());
    }

    [Theory]
    [MemberData(nameof(SecondOrderIds))]
    public void SecondDerivativesMatchPyTorch(string id) => RunSecondOrder(id);

    [Theory]
    [MemberData(nameof(SecondOrderIds))]
    public void OpBuiltSecondDerivativesMatchPyTorch(string id)
    {
        RnnLayer.ForceComposite = true;
        try { RunSecondOrder(id); }
        finally { RnnLayer.ForceComposite = false; }
    }

    // grad of sum(out * w) with respect to the input, with create_graph, then backward of its squared norm.
    private static void RunSecondOrder(string id)
    {
        var fx = FixtureSet.Load(Set);
        var c = fx.Case(id);
        var module = ModuleCases.Build(c, fx, Make)!;
        var x = fx.Tensor(c.GetProperty("inputs").GetProperty("input")).RequiresGrad_();
        var outs = Forward(c, module, n => n == "input" ? x : null);
        var ws = c.GetProperty("grad_outputs").EnumerateArray().Select(fx.Tensor).ToArray();
        Tensor total = outs[0].Mul(ws[0]).Sum();
        for (int k = 1; k < outs.Length; k++) total = total.Add(outs[k].Mul(ws[k]).Sum());
        var gx = Torch.Autograd.Grad([total], [x], createGraph: true)[0]!;
        gx.Mul(gx).Sum().Backward();
        var ps = module.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var g in c.GetProperty("grads").EnumerateObject())
        {
            var actual = g.Name == "in:input" ? x.Grad : ps[g.Name].Grad;
            Assert.True(actual is not null, $"{id}: {g.Name} got no gradient");
            ParityRunner.AssertClose(fx.Tensor(g.Value), actual!, $"{id} second-order grad of {g.Name}", 1e-9);
        }
    }

    private static void Run(string id) => ModuleCases.Run(Set, id, Make, (c, m, In) => Forward(c, m, In));

    /// <summary>The module a case describes (null for the utils cases); ModuleCases loads PyTorch's weights into it.</summary>
    private static Module? Make(JsonElement c, Kwargs kw)
    {
        var kind = c.GetProperty("module").GetString()!;
        if (kind == "utils") return null;
        var fx = FixtureSet.Load(Set);
        var p = c.TryGetProperty("params", out var ps) ? ps.EnumerateObject().ToDictionary(x => x.Name, x => fx.Tensor(x.Value)) : [];
        long layers = kw.Long("num_layers", 1), proj = kw.Long("proj_size", 0);
        bool bias = kw.Bool("bias", true), batchFirst = kw.Bool("batch_first"), bidir = kw.Bool("bidirectional");
        double dropout = kw.Double("dropout");
        if (kind.Contains("Cell", StringComparison.Ordinal))
        {
            long inSize = kw.Long("input_size", p.GetValueOrDefault("weight_ih")?.Size(1) ?? 0);
            long hidden = kw.Long("hidden_size", p.GetValueOrDefault("weight_hh")?.Size(1) ?? 0);
            return kind switch
            {
                "RNNCell_tanh" => new RNNCell(inSize, hidden, bias),
                "RNNCell_relu" => new RNNCell(inSize, hidden, bias, "relu"),
                "LSTMCell" => new LSTMCell(inSize, hidden, bias),
                _ => new GRUCell(inSize, hidden, bias),
            };
        }
        long input = kw.Long("input_size", p.GetValueOrDefault("weight_ih_l0")?.Size(1) ?? 0);
        long size = kw.Long("hidden_size", (proj > 0 ? p.GetValueOrDefault("weight_hr_l0") : p.GetValueOrDefault("weight_hh_l0"))?.Size(1) ?? 0);
        return kind switch
        {
            "LSTM" => new LSTM(input, size, layers, bias, batchFirst, dropout, bidir, proj),
            "GRU" => new GRU(input, size, layers, bias, batchFirst, dropout, bidir),
            "RNN_TANH" => new RNN(input, size, layers, bias, batchFirst, dropout, bidir),
            _ => new RNN(input, size, layers, bias, batchFirst, dropout, bidir, nonlinearity: "relu"),
        };
    }

    private static Tensor[] Forward(JsonElement c, Module? m, Func<string, Tensor?> In)
    {
        var kw = new Kwargs(c.GetProperty("kwargs"));
        var x = In("input") ?? In("x0")!;
        switch (m)
        {
            case null:
                return Utils(c, kw, c.GetProperty("inputs").EnumerateObject().Select(p => In(p.Name)!).ToArray());
            case RNNBase rnn when kw.Has("lengths"):
            {
                var packed = Flint.NN.Utils.Rnn.PackPaddedSequence(x, kw.Longs("lengths")!, enforceSorted: kw.Bool("enforce_sorted"));
                if (rnn is LSTM lstm)
                {
                    (Tensor, Tensor)? hx = In("h0") is { } h0 ? (h0, In("c0")!) : null;
                    var (o, (h, cc)) = lstm.Call(packed, hx);
                    return [o.Data, Flint.NN.Utils.Rnn.PadPackedSequence(o).Padded, h, cc];
                }
                var (po, ph) = rnn is GRU gru ? gru.Call(packed, In("h0")) : ((RNN)rnn).Call(packed, In("h0"));
                return [po.Data, Flint.NN.Utils.Rnn.PadPackedSequence(po).Padded, ph];
            }
            case LSTM lstm:
            {
                (Tensor, Tensor)? hx = In("h0") is { } h0 ? (h0, In("c0")!) : null;
                var (o, (h, cc)) = lstm.Call(x, hx);
                return [o, h, cc];
            }
            case GRU gru:
            {
                var (o, h) = gru.Call(x, In("h0"));
                return [o, h];
            }
            case RNN rnn:
            {
                var (o, h) = rnn.Call(x, In("h0"));
                return [o, h];
            }
            case LSTMCell cell:
            {
                (Tensor, Tensor)? hx = In("h0") is { } h0 ? (h0, In("c0")!) : null;
                var (h, cc) = cell.Call(x, hx);
                return [h, cc];
            }
            case GRUCell cell:
                return [cell.Call(x, In("h0"))];
            case RNNCell cell:
                return [cell.Call(x, In("h0"))];
            default:
                throw new NotSupportedException(m.GetName());
        }
    }

    private static Tensor[] Utils(JsonElement c, Kwargs kw, Tensor[] xs)
    {
        var id = c.GetProperty("id").GetString()!;
        if (id.StartsWith("utils/pack_pad", StringComparison.Ordinal))
        {
            bool bf = kw.Bool("batch_first");
            var p = Flint.NN.Utils.Rnn.PackPaddedSequence(xs[0], kw.Longs("lengths")!, bf, kw.Bool("enforce_sorted"));
            var (padded, lens) = Flint.NN.Utils.Rnn.PadPackedSequence(p, bf, kw.Double("padding_value"),
                kw.Has("total_length") ? kw.Long("total_length") : null);
            return [p.Data, p.BatchSizes, padded, lens];
        }
        if (id.StartsWith("utils/pad_sequence", StringComparison.Ordinal))
            return [Flint.NN.Utils.Rnn.PadSequence(xs, kw.Bool("batch_first"), kw.Double("padding_value"))];
        var ps = Flint.NN.Utils.Rnn.PackSequence(xs, enforceSorted: false);
        return [ps.Data, ps.BatchSizes, ps.SortedIndices!, ps.UnsortedIndices!];
    }
}
