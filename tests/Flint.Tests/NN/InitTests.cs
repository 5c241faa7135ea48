using Flint.NN;
using Flint.Tests.Parity;

namespace Flint.Tests.NN;

/// <summary>torch.nn.init against tests/parity/nn_init.py (fixed-seed values), plus statistics over large draws.</summary>
[Collection("DefaultGenerator")]
public class InitTests
{
    public static IEnumerable<object[]> Cases =>
        FixtureSet.Load("nn_init").Cases.Where(c => c.TryGetProperty("seed", out _)).Select(c => new object[] { c.GetProperty("id").GetString()! });

    private static Tensor Run(string op, Tensor t, Kwargs k, Generator? g = null) => op switch
    {
        "uniform_" => Init.Uniform_(t, k.Double("a", 0), k.Double("b", 1), g),
        "normal_" => Init.Normal_(t, k.Double("mean", 0), k.Double("std", 1), g),
        "trunc_normal_" => Init.TruncNormal_(t, k.Double("mean", 0), k.Double("std", 1), k.Double("a", -2), k.Double("b", 2), g),
        "xavier_uniform_" => Init.XavierUniform_(t, k.Double("gain", 1), g),
        "xavier_normal_" => Init.XavierNormal_(t, k.Double("gain", 1), g),
        "kaiming_uniform_" => Init.KaimingUniform_(t, k.Double("a", 0), k.String("mode") ?? "fan_in", k.String("nonlinearity") ?? "leaky_relu", g),
        "kaiming_normal_" => Init.KaimingNormal_(t, k.Double("a", 0), k.String("mode") ?? "fan_in", k.String("nonlinearity") ?? "leaky_relu", g),
        "orthogonal_" => Init.Orthogonal_(t, k.Double("gain", 1), g),
        "sparse_" => Init.Sparse_(t, k.Double("sparsity"), k.Double("std", 0.01), g),
        "constant_" => Init.Constant_(t, k.Double("val")),
        "ones_" => Init.Ones_(t),
        "zeros_" => Init.Zeros_(t),
        "eye_" => Init.Eye_(t),
        "dirac_" => Init.Dirac_(t, k.Long("groups", 1)),
        _ => throw new NotSupportedException(op),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorchForTheSameSeed(string id)
    {
        var fx = FixtureSet.Load("nn_init");
        var c = fx.Case(id);
        var op = c.GetProperty("op").GetString()!;
        var shape = c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var dtype = DTypes.Parse(c.GetProperty("dtype").GetString()!);
        var k = new Kwargs(c.GetProperty("kwargs"));
        var expected = fx.Tensor(c.GetProperty("outputs")[0]);
        // Orthogonal goes through a QR factorisation whose rounding differs from LAPACK's.
        double? tol = op == "orthogonal_" ? (dtype == DType.Float32 ? 1e-5 : 1e-12) : null;

        Torch.ManualSeed(c.GetProperty("seed").GetInt64());
        var w = new Parameter(Torch.Empty(shape, dtype: dtype));
        var r = Run(op, w, k);
        Assert.Same(w, r);
        Assert.True(w.IsLeaf && w.GradFn is null && w.RequiresGrad);
        ParityRunner.AssertClose(expected, w, id, tol);

        // The same stream from a generator object, leaving the default generator alone.
        var g = new Generator().ManualSeed(c.GetProperty("seed").GetInt64());
        var before = Torch.GetRngState();
        var t = Run(op, Torch.Empty(shape, dtype: dtype), k, g);
        ParityRunner.AssertClose(expected, t, id + " (generator)", tol);
        Assert.True(before.Equal(Torch.GetRngState()), $"{id}: the default generator moved");
    }

    [Fact]
    public void GainsMatchPyTorch()
    {
        foreach (var v in FixtureSet.Load("nn_init").Case("gains").GetProperty("values").EnumerateArray())
        {
            var name = v[0].GetString()!;
            double? p = v[1].ValueKind == System.Text.Json.JsonValueKind.Null ? null : v[1].GetDouble();
            Assert.Equal(v[2].GetDouble(), Init.CalculateGain(name, p), 15);
        }
        var e = Assert.Throws<ArgumentException>(() => Init.CalculateGain("softplus"));
        Assert.Equal("Unsupported nonlinearity softplus", e.Message);
    }

    [Fact]
    public void FansMatchPyTorch()
    {
        foreach (var v in FixtureSet.Load("nn_init").Case("fans").GetProperty("values").EnumerateArray())
        {
            var shape = v[0].EnumerateArray().Select(x => x.GetInt64()).ToArray();
            var (fanIn, fanOut) = Init.CalculateFanInAndFanOut(Torch.Empty(shape));
            Assert.Equal(v[1][0].GetInt64(), fanIn);
            Assert.Equal(v[1][1].GetInt64(), fanOut);
        }
    }

    [Fact]
    public void ErrorsUsePyTorchsWording()
    {
        Assert.Equal("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions",
            Assert.Throws<ArgumentException>(() => Init.XavierUniform_(Torch.Empty(3))).Message);
        Assert.Equal("Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']",
            Assert.Throws<ArgumentException>(() => Init.KaimingNormal_(Torch.Empty(3, 3), mode: "fan_avg")).Message);
        Assert.Equal("Only tensors with 2 dimensions are supported",
            Assert.Throws<ArgumentException>(() => Init.Eye_(Torch.Empty(2, 2, 2))).Message);
        Assert.Equal("Only tensors with 3, 4, or 5 dimensions are supported",
            Assert.Throws<ArgumentException>(() => Init.Dirac_(Torch.Empty(2, 2))).Message);
        Assert.Equal("dim 0 must be divisible by groups",
            Assert.Throws<ArgumentException>(() => Init.Dirac_(Torch.Empty(3, 2, 3), 2)).Message);
        Assert.Equal("Only tensors with 2 or more dimensions are supported",
            Assert.Throws<ArgumentException>(() => Init.Orthogonal_(Torch.Empty(4))).Message);
        Assert.Equal("Only tensors with 2 dimensions are supported",
            Assert.Throws<ArgumentException>(() => Init.Sparse_(Torch.Empty(4), 0.1)).Message);
    }

    [Fact]
    public void ZeroElementTensorsAreLeftAlone()
    {
        var t = Torch.Empty(0, 3);
        Assert.Same(t, Init.KaimingUniform_(t));
        Assert.Same(t, Init.KaimingNormal_(t));
        Assert.Same(t, Init.Orthogonal_(t));
    }

    [Fact]
    public void StatisticsOverLargeDraws()
    {
        var g = new Generator().ManualSeed(1234);
        // kaiming_normal_, fan_in 500, relu: std = sqrt(2/500).
        var k = Init.KaimingNormal_(Torch.Empty(400, 500), nonlinearity: "relu", generator: g);
        Assert.Equal(0, k.Mean().Item<float>(), 0.002);
        Assert.Equal(Math.Sqrt(2.0 / 500), k.Std().Item<float>(), 0.001);

        // kaiming_uniform_ with a = sqrt(5) (Linear's default): bound = 1/sqrt(fan_in).
        var u = Init.KaimingUniform_(Torch.Empty(300, 400), a: Math.Sqrt(5), generator: g);
        var bound = 1 / Math.Sqrt(400);
        Assert.True(u.Max().Item<float>() <= bound && u.Min().Item<float>() >= -bound);
        Assert.Equal(bound / Math.Sqrt(3), u.Std().Item<float>(), 0.0005);

        // xavier_uniform_: std = sqrt(2/(fan_in+fan_out)).
        var x = Init.XavierUniform_(Torch.Empty(200, 600), generator: g);
        Assert.Equal(Math.Sqrt(2.0 / 800), x.Std().Item<float>(), 0.0005);

        // trunc_normal_ over [-1, 2]: inside the bounds, with the truncated normal's mean and variance.
        var t = Init.TruncNormal_(Torch.Empty(200000, dtype: DType.Float64), a: -1, b: 2, generator: g);
        Assert.True(t.Min().Item<double>() >= -1 && t.Max().Item<double>() <= 2);
        double Phi(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));
        double pdf(double z) => Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI);
        var zmass = Phi(2) - Phi(-1);
        var mean = (pdf(-1) - pdf(2)) / zmass;
        var variance = 1 + (-1 * pdf(-1) - 2 * pdf(2)) / zmass - mean * mean;
        Assert.Equal(mean, t.Mean().Item<double>(), 0.01);
        Assert.Equal(variance, t.Var().Item<double>(), 0.01);

        // orthogonal_: QᵀQ = gain² I for a tall matrix, QQᵀ for a wide one.
        var q = Init.Orthogonal_(Torch.Empty(50, 20, dtype: DType.Float64), gain: 3, generator: g);
        Assert.True(q.T().MatMul(q).AllClose(Torch.Eye(20, dtype: DType.Float64) * 9, atol: 1e-10));
        var w = Init.Orthogonal_(Torch.Empty(10, 3, 4, dtype: DType.Float64), generator: g).View(10, 12);
        Assert.True(w.MatMul(w.T()).AllClose(Torch.Eye(10, dtype: DType.Float64), atol: 1e-10));

        // sparse_: exactly ceil(0.25 * rows) zeros in every column.
        var s = Init.Sparse_(Torch.Empty(30, 40), 0.25, generator: g);
        Assert.All(s.Eq(0).Sum(0, dtype: DType.Int64).ToArray<long>(), n => Assert.Equal(8L, n));
    }

    private static double Erf(double x) => Torch.Tensor(x, DType.Float64).Erf().Item<double>();
}
