using System.Text.Json;
using Flint.NN;
using Flint.Tests.Parity;

namespace Flint.Tests.NN;

/// <summary>
/// The torch.nn layers against tests/parity/nn_layers.py: for a fixed seed, the default initialisation (the whole
/// state dict), the printed text, and over train/eval steps the outputs, input and parameter gradients (accumulating as
/// in PyTorch) and the buffers (running statistics, num_batches_tracked).
/// </summary>
[Collection("DefaultGenerator")]
public class LayerParityTests
{
    public static IEnumerable<object[]> Cases =>
        FixtureSet.Load("nn_layers").Cases.Where(c => c.TryGetProperty("module", out _)).Select(c => new object[] { c.GetProperty("id").GetString()! });

    /// <summary>The Flint layer for a PyTorch class name and its constructor kwargs.</summary>
    internal static Module Build(string cls, JsonElement args)
    {
        var k = new Kwargs(args);
        double? momentum = args.TryGetProperty("momentum", out var m) ? (m.ValueKind == JsonValueKind.Null ? null : m.GetDouble()) : 0.1;
        long? Opt(string name) => k.Has(name) ? k.Long(name) : null;
        // A number as the user wrote it in Python: integers stay integers (they print without a decimal point).
        Scalar Num(string name) => args.GetProperty(name).GetRawText().Contains('.') ? (Scalar)args.GetProperty(name).GetDouble() : (Scalar)args.GetProperty(name).GetInt64();
        return cls switch
        {
            "Linear" => new Linear(k.Long("in_features"), k.Long("out_features"), k.Bool("bias", true)),
            "Bilinear" => new Bilinear(k.Long("in1_features"), k.Long("in2_features"), k.Long("out_features"), k.Bool("bias", true)),
            "Identity" => new Identity(),
            "Flatten" => new Flatten(k.Long("start_dim", 1), k.Long("end_dim", -1)),
            "Unflatten" => new Unflatten(k.Long("dim"), k.Longs("unflattened_size")!),
            "ReLU" => new ReLU(),
            "ReLU6" => new ReLU6(),
            "LeakyReLU" => new LeakyReLU(k.Double("negative_slope", 0.01)),
            "ELU" => new ELU(k.Double("alpha", 1)),
            "SELU" => new SELU(),
            "CELU" => new CELU(k.Double("alpha", 1)),
            "GELU" => new GELU(k.String("approximate") ?? "none"),
            "SiLU" => new SiLU(),
            "Mish" => new Mish(),
            "Sigmoid" => new Sigmoid(),
            "Tanh" => new Tanh(),
            "Softplus" => k.Has("beta") ? new Softplus(Num("beta"), Num("threshold")) : new Softplus(),
            "Softsign" => new Softsign(),
            "Softshrink" => new Softshrink(k.Double("lambd", 0.5)),
            "Hardshrink" => new Hardshrink(k.Double("lambd", 0.5)),
            "Tanhshrink" => new Tanhshrink(),
            "Hardtanh" => new Hardtanh(k.Double("min_val", -1), k.Double("max_val", 1)),
            "Hardsigmoid" => new Hardsigmoid(),
            "Hardswish" => new Hardswish(),
            "LogSigmoid" => new LogSigmoid(),
            "Softmax" => new Softmax(Opt("dim")),
            "LogSoftmax" => new LogSoftmax(Opt("dim")),
            "Softmin" => new Softmin(Opt("dim")),
            "Softmax2d" => new Softmax2d(),
            "Threshold" => new Threshold(Num("threshold"), Num("value")),
            "GLU" => new GLU(k.Long("dim", -1)),
            "PReLU" => new PReLU(k.Long("num_parameters", 1), k.Double("init", 0.25)),
            "RReLU" => new RReLU(k.Double("lower", 1.0 / 8), k.Double("upper", 1.0 / 3)),
            "BatchNorm1d" => new BatchNorm1d(k.Long("num_features"), k.Double("eps", 1e-5), momentum, k.Bool("affine", true), k.Bool("track_running_stats", true)),
            "BatchNorm2d" => new BatchNorm2d(k.Long("num_features"), k.Double("eps", 1e-5), momentum, k.Bool("affine", true), k.Bool("track_running_stats", true)),
            "BatchNorm3d" => new BatchNorm3d(k.Long("num_features"), k.Double("eps", 1e-5), momentum, k.Bool("affine", true), k.Bool("track_running_stats", true)),
            "InstanceNorm1d" => new InstanceNorm1d(k.Long("num_features"), k.Double("eps", 1e-5), momentum, k.Bool("affine"), k.Bool("track_running_stats")),
            "InstanceNorm2d" => new InstanceNorm2d(k.Long("num_features"), k.Double("eps", 1e-5), momentum, k.Bool("affine"), k.Bool("track_running_stats")),
            "LayerNorm" => new LayerNorm(k.Longs("normalized_shape")!, k.Double("eps", 1e-5), k.Bool("elementwise_affine", true)),
            "GroupNorm" => new GroupNorm(k.Long("num_groups"), k.Long("num_channels"), k.Double("eps", 1e-5), k.Bool("affine", true)),
            "LocalResponseNorm" => new LocalResponseNorm(k.Long("size"), k.Double("alpha", 1e-4), k.Double("beta", 0.75), k.Double("k", 1)),
            "Dropout" => new Dropout(k.Double("p", 0.5)),
            "Dropout1d" => new Dropout1d(k.Double("p", 0.5)),
            "Dropout2d" => new Dropout2d(k.Double("p", 0.5)),
            "Dropout3d" => new Dropout3d(k.Double("p", 0.5)),
            "AlphaDropout" => new AlphaDropout(k.Double("p", 0.5)),
            "FeatureAlphaDropout" => new FeatureAlphaDropout(k.Double("p", 0.5)),
            "Embedding" => new Embedding(k.Long("num_embeddings"), k.Long("embedding_dim"), Opt("padding_idx"),
                k.Has("max_norm") ? k.Double("max_norm") : null),
            "EmbeddingBag" => new EmbeddingBag(k.Long("num_embeddings"), k.Long("embedding_dim"), mode: k.String("mode") ?? "mean",
                paddingIdx: Opt("padding_idx")),
            _ => throw new NotSupportedException(cls),
        };
    }

    private static Tensor Call(Module m, Tensor[] x) => m switch
    {
        Bilinear b => b.Call(x[0], x[1]),
        EmbeddingBag e => x.Length > 1 ? e.Call(x[0], x[1]) : e.Call(x[0]),
        Module<Tensor, Tensor> f => f.Call(x[0]),
        _ => throw new NotSupportedException(m.GetName()),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id)
    {
        var fx = FixtureSet.Load("nn_layers");
        var c = fx.Case(id);
        var dtype = DTypes.Parse(c.GetProperty("dtype").GetString()!);
        Torch.ManualSeed(c.GetProperty("seed").GetInt64());
        var m = Build(c.GetProperty("module").GetString()!, c.GetProperty("args")).To(dtype);
        Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());

        var state = m.StateDict();
        var expectedState = c.GetProperty("state").EnumerateArray().ToArray();
        Assert.Equal(expectedState.Select(s => s.GetProperty("name").GetString()), state.Keys);
        foreach (var s in expectedState)
            ParityRunner.AssertClose(fx.Tensor(s), state[s.GetProperty("name").GetString()!], $"{id} initial {s.GetProperty("name").GetString()}");

        var steps = c.GetProperty("steps").EnumerateArray().ToArray();
        for (int si = 0; si < steps.Length; si++)
        {
            var st = steps[si];
            m.Train(st.GetProperty("mode").GetString() == "train");
            var inputs = st.GetProperty("inputs").EnumerateArray().Select(e =>
            {
                var t = fx.Tensor(e);
                return t.IsFloatingPoint() ? t.RequiresGrad_() : t;
            }).ToArray();
            Torch.ManualSeed(st.GetProperty("seed").GetInt64());
            var output = Call(m, inputs);
            var what = $"{id} step {si}";
            ParityRunner.AssertClose(fx.Tensor(st.GetProperty("output")), output, $"{what} output");
            if (st.TryGetProperty("gout", out var gout))
            {
                output.Mul(fx.Tensor(gout)).Sum().Backward();
                var inputGrads = st.GetProperty("input_grads").EnumerateArray().ToArray();
                for (int i = 0; i < inputGrads.Length; i++)
                    if (inputGrads[i].ValueKind != JsonValueKind.Null)
                        ParityRunner.AssertClose(fx.Tensor(inputGrads[i]), inputs[i].Grad!, $"{what} grad of input {i}");
                var named = m.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
                foreach (var g in st.GetProperty("param_grads").EnumerateArray())
                {
                    var name = g.GetProperty("name").GetString()!;
                    Assert.True(named[name].Grad is not null, $"{what}: {name} got no gradient");
                    ParityRunner.AssertClose(fx.Tensor(g), named[name].Grad!, $"{what} grad of {name}");
                }
            }
            var buffers = m.NamedBuffers().ToDictionary(b => b.Name, b => b.Buffer);
            var expectedBuffers = st.GetProperty("buffers").EnumerateArray().ToArray();
            Assert.Equal(expectedBuffers.Select(b => b.GetProperty("name").GetString()), buffers.Keys);
            foreach (var b in expectedBuffers)
                ParityRunner.AssertClose(fx.Tensor(b), buffers[b.GetProperty("name").GetString()!], $"{what} buffer {b.GetProperty("name").GetString()}");
        }
    }
}
