using System.Text.Json;
using Flint.Tests.Parity;

namespace Flint.Tests.Tensors;

/// <summary>
/// Seeded sampling against tests/parity/random_sampling.py: for the same seed Flint's CPU generator must give
/// PyTorch's numbers exactly; plus state round trips, errors and thread safety.
/// </summary>
[Collection("DefaultGenerator")]
public class RandomTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("random");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id)
    {
        var fx = FixtureSet.Load("random");
        var c = fx.Case(id);
        var k = new Kwargs(c.GetProperty("kwargs"));
        var inputs = c.GetProperty("inputs").EnumerateArray().Select(fx.Tensor).ToArray();
        Torch.ManualSeed(c.GetProperty("seed").GetInt64());
        var outs = Run(c.GetProperty("op").GetString()!, k, inputs);
        var expected = c.GetProperty("outputs").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, outs.Length);
        for (int i = 0; i < outs.Length; i++) AssertExact(fx.Tensor(expected[i]), outs[i], $"{id} output {i}");
    }

    private static Tensor[] Run(string op, Kwargs k, Tensor[] x)
    {
        Size size = k.Longs("size") ?? [];
        DType dtype = k.String("dtype") is { } d ? DTypes.Parse(d) : DType.Float32;
        switch (op)
        {
            case "rand": return [Torch.Rand(size, dtype: dtype)];
            case "randn": return [Torch.Randn(size, dtype: dtype)];
            case "generator_explicit":
            {
                var g = new Generator().ManualSeed(11);
                return [Torch.Rand(4, g), Torch.Randn(20, g), Torch.Rand(3)];
            }
            case "generator_default_seed": return [Torch.Rand(3, new Generator())];
            case "randn_cache":
                return [Torch.Randn(1), Torch.Randn(3), Torch.Randn(1, dtype: DType.Float64), Torch.Randn(2, dtype: DType.Float64)];
            case "like":
            {
                var z = Torch.Zeros(2, 3, dtype: DType.Float64);
                return [Torch.RandLike(z), Torch.RandnLike(z), Torch.RandintLike(z, 10), Torch.RandintLike(z, -5, 5),
                    Torch.RandnLike(z, dtype: DType.Float32)];
            }
            case "normal_": return [Torch.Empty(size, dtype).Normal_(k.Double("mean"), k.Double("std"))];
            case "normal_size": return [Torch.Normal(k.Double("mean"), k.Double("std"), size)];
            case "normal_tt": return [Torch.Normal(x[0], x[1])];
            case "normal_tf": return [Torch.Normal(x[0], k.Double("std"))];
            case "normal_ft": return [Torch.Normal(k.Double("mean"), x[0])];
            case "uniform_": return [Torch.Empty(size, dtype).Uniform_(k.Double("low"), k.Double("high"))];
            case "uniform_t": return [Torch.Zeros(size).T().Uniform_()];
            case "normal_t": return [Torch.Zeros(size).T().Normal_()];
            case "normal_s": return [Torch.Zeros(size).Slice(0, null, null, 2).Normal_()];
            case "randint": return [Torch.Randint(k.Long("low"), k.Long("high"), size, dtype: dtype)];
            case "random_": return [Torch.Empty(size, dtype).Random_()];
            case "random_to": return [Torch.Empty(size, dtype).Random_(k.Long("to"))];
            case "random_from": return [Torch.Empty(size, dtype).Random_(k.Long("low"), null)];
            case "random_full": return [Torch.Empty(size, dtype).Random_(long.MinValue, null)];
            case "random_from_to": return [Torch.Empty(size, dtype).Random_(k.Long("low"), k.Long("high"))];
            case "randperm": return [Torch.Randperm(k.Long("n"), dtype: dtype)];
            case "bernoulli": return [Torch.Bernoulli(k.Bool("t") ? x[0].T() : x[0])];
            case "bernoulli_p": return [Torch.Bernoulli(x[0], k.Double("p"))];
            case "bernoulli_s": return [Torch.Empty(size, dtype).Bernoulli_(k.Double("p"))];
            case "bernoulli_t": return [Torch.Empty(size).Bernoulli_(x[0])];
            case "multinomial": return [Torch.Multinomial(x[0], k.Long("n"), k.Bool("replacement"))];
            case "exponential_": return [Torch.Empty(size, dtype).Exponential_(k.Double("lambd"))];
            case "log_normal_": return [Torch.Empty(size, dtype).LogNormal_(k.Double("mean"), k.Double("std"))];
            case "cauchy_": return [Torch.Empty(size, dtype).Cauchy_(k.Double("median"), k.Double("sigma"))];
            case "geometric_": return [Torch.Empty(size, dtype).Geometric_(k.Double("p"))];
            case "state_plain":
                Torch.Rand(10);
                return [Torch.GetRngState()];
            case "state_cached":
                Torch.Randn(3, dtype: DType.Float64);
                return [Torch.GetRngState()];
            case "state_resume":
            {
                var g = new Generator().ManualSeed(99);
                Torch.Randn(1, g);
                var s = g.GetState();
                return [s, Torch.Randn(3, g), Torch.Rand(700, g)];
            }
            default: throw new NotSupportedException(op);
        }
    }

    [Fact]
    public void SetStateResumesPyTorchsStream()
    {
        var fx = FixtureSet.Load("random");
        var outs = fx.Case("state/resume").GetProperty("outputs").EnumerateArray().Select(fx.Tensor).ToArray();
        var g = new Generator().SetState(outs[0]);
        AssertExact(outs[1], Torch.Randn(3, g), "randn after set_state");
        AssertExact(outs[2], Torch.Rand(700, g), "rand after set_state");
        // The state round-trips, cached normal sample included.
        var h = new Generator().SetState(outs[0]);
        Assert.Equal(outs[0].ToArray<byte>(), h.GetState().ToArray<byte>());
    }

    [Fact]
    public void LegacyStateLayoutIsAccepted()
    {
        var fx = FixtureSet.Load("random");
        var full = fx.Tensor(fx.Case("state/plain").GetProperty("outputs")[0]);
        var legacy = Torch.FromArray(full.ToArray<byte>()[..5048]);
        var a = Torch.Rand(20, new Generator().SetState(full));
        var b = Torch.Rand(20, new Generator().SetState(legacy));
        AssertExact(a, b, "legacy state");
    }

    [Fact]
    public void SetStateErrorsAsPyTorch()
    {
        var g = new Generator();
        Assert.Equal("Expected either a CPUGeneratorImplStateLegacy of size 5048 or a CPUGeneratorImplState of size 5056 but found the input RNG state size to be 10",
            Assert.Throws<ArgumentException>(() => g.SetState(Torch.Zeros(10, dtype: DType.UInt8))).Message);
        Assert.Equal("RNG state must be a torch.ByteTensor", Assert.Throws<ArgumentException>(() => g.SetState(Torch.Zeros(5056))).Message);
        Assert.Equal("Invalid mt19937 state", Assert.Throws<ArgumentException>(() => g.SetState(Torch.Zeros(5056, dtype: DType.UInt8))).Message);
    }

    [Fact]
    public void SeedsFollowPyTorch()
    {
        Assert.Equal(Generator.DefaultSeed, new Generator().InitialSeed());
        Assert.Equal(67280421310721UL, new Generator().InitialSeed());
        Assert.Equal(ulong.MaxValue, new Generator().ManualSeed(-1).InitialSeed());
        Assert.Same(Generator.Default, Torch.ManualSeed(5));
        Assert.Equal(5UL, Torch.InitialSeed());
        var s = Torch.Seed();
        Assert.Equal(s, Torch.InitialSeed());
        var state = Torch.GetRngState();
        var a = Torch.Rand(5);
        Torch.SetRngState(state);
        AssertExact(a, Torch.Rand(5), "rand after set_rng_state");
    }

    [Fact]
    public void SharedGeneratorStaysConsistentUnderConcurrentUse()
    {
        const int threads = 4, draws = 25, n = 1000;
        var shared = new Generator().ManualSeed(42);
        var results = new float[threads][];
        Parallel.For(0, threads, t =>
        {
            var mine = new List<float>();
            for (int i = 0; i < draws; i++) mine.AddRange(Torch.Rand(n, shared).ToArray<float>());
            results[t] = mine.ToArray();
        });
        // Each fill is atomic: together the threads drew exactly the serial stream's values, and the state moved on as far.
        var serial = new Generator().ManualSeed(42);
        var expected = Torch.Rand(threads * draws * n, serial).ToArray<float>();
        var got = results.SelectMany(r => r).ToArray();
        Array.Sort(expected);
        Array.Sort(got);
        Assert.Equal(expected, got);
        Assert.Equal(serial.GetState().ToArray<byte>(), shared.GetState().ToArray<byte>());
    }

    [Fact]
    public void SampleStatisticsAreSound()
    {
        var g = new Generator().ManualSeed(1234);
        var n = Torch.Randn(100000, g).ToArray<float>();
        Assert.InRange(n.Average(), -0.02, 0.02);
        Assert.InRange(Math.Sqrt(n.Select(v => (double)v * v).Average()), 0.98, 1.02);
        var u = Torch.Rand(100000, g, DType.Float64).ToArray<double>();
        Assert.True(u.Min() >= 0 && u.Max() < 1);
        Assert.InRange(u.Average(), 0.49, 0.51);
        var e = Torch.Empty(100000, DType.Float64).Exponential_(4, g).ToArray<double>();
        Assert.InRange(e.Average(), 0.24, 0.26);
        var counts = new int[4];
        foreach (var k in Torch.Multinomial(Torch.Tensor(new[] { 1.0, 2.0, 3.0, 4.0 }), 100000, true, g).ToArray<long>()) counts[k]++;
        for (int i = 0; i < 4; i++) Assert.InRange(counts[i] / 100000.0, (i + 1) / 10.0 - 0.01, (i + 1) / 10.0 + 0.01);
        var r = Torch.Randint(-3, 4, [100000], g).ToArray<long>();
        Assert.Equal(-3, r.Min());
        Assert.Equal(3, r.Max());
        var perm = Torch.Randperm(1000, g).ToArray<long>();
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), perm.Order());
    }

    [Theory]
    [InlineData("uniform_range", "uniform_ expects to return a [from, to) range, but found from=3 > to=1")]
    [InlineData("uniform_bounds", "from is out of bounds for float")]
    [InlineData("uniform_span", "uniform_ expects to-from <= std::numeric_limits<Float>::max(), but found to=3e+38 and from=-3e+38 which result in to-from to exceed the limit")]
    [InlineData("normal_std", "normal expects std >= 0.0, but found std -1")]
    [InlineData("normal_std_small", "normal expects std >= 0.0, but found std -1e-07")]
    [InlineData("normal_tensor_std", "normal expects all elements of std >= 0.0")]
    [InlineData("bernoulli_p", "bernoulli_ expects p to be in [0, 1], but got p=1.5")]
    [InlineData("exponential", "exponential_ expects lambda >= 0.0, but found lambda=-1")]
    [InlineData("geometric", "geometric_ expects p to be in (0, 1), but got p=0")]
    [InlineData("log_normal", "log_normal_ expects std > 0.0, but found std=0")]
    [InlineData("random_from_to", "random_ expects 'from' to be less than 'to', but got from=5 >= to=5")]
    [InlineData("random_u8_from", "from is out of bounds for unsigned char")]
    [InlineData("random_i8_to", "to - 1 is out of bounds for signed char")]
    [InlineData("random_half_to", "to - 1 is out of bounds for c10::Half")]
    [InlineData("random_int_to", "to - 1 is out of bounds for int")]
    [InlineData("randint_empty", "random_ expects 'from' to be less than 'to', but got from=5 >= to=3")]
    [InlineData("rand_long", "\"check_uniform_bounds\" not implemented for 'Long'")]
    [InlineData("randn_long", "\"normal_kernel_cpu\" not implemented for 'Long'")]
    [InlineData("exponential_long", "\"exponential_cpu\" not implemented for 'Long'")]
    [InlineData("bernoulli_long_p", "\"bernoulli_tensor_cpu_p_\" not implemented for 'Long'")]
    [InlineData("randperm_bool", "\"randperm\" not implemented for 'Bool'")]
    [InlineData("randperm_neg", "Trying to create tensor with negative dimension -1: [-1]")]
    [InlineData("multinomial_many", "cannot sample n_sample > prob_dist.size(-1) samples without replacement")]
    [InlineData("multinomial_neg", "probability tensor contains either `inf`, `nan` or element < 0")]
    [InlineData("multinomial_neg_repl", "invalid multinomial distribution (encountering probability entry < 0)")]
    [InlineData("multinomial_zero", "invalid multinomial distribution (sum of probabilities <= 0)")]
    [InlineData("multinomial_long", "multinomial only supports floating-point dtypes for input, got: Long")]
    [InlineData("multinomial_3d", "prob_dist must be 1 or 2 dim")]
    [InlineData("multinomial_n0", "cannot sample n_sample <= 0 samples")]
    [InlineData("multinomial_inf", "invalid multinomial distribution (encountering probability entry = infinity or NaN)")]
    [InlineData("normal_shapes", "The size of tensor a (6) must match the size of tensor b (3) at non-singleton dimension 1")]
    [InlineData("leaf_inplace", "a leaf Variable that requires grad is being used in an in-place operation.")]
    [InlineData("bernoulli_half", "\"bernoulli_scalar_cpu_\" not implemented for 'Half'")]
    [InlineData("randperm_half", "n cannot be greater than 2049 for Half type.")]
    [InlineData("randperm_int8", "value cannot be converted to type int8_t without overflow")]
    [InlineData("multinomial_half", "multinomial is not implemented for half on CPU")]
    public void ErrorsAsPyTorch(string what, string message)
    {
        var x = Torch.Empty(3);
        Action act = what switch
        {
            "uniform_range" => () => x.Uniform_(3, 1),
            "uniform_bounds" => () => x.Uniform_(-1e39, 1),
            "uniform_span" => () => x.Uniform_(-3e38, 3e38),
            "normal_std" => () => x.Normal_(0, -1),
            "normal_std_small" => () => Torch.Normal(0, -1e-7, [2]),
            "normal_tensor_std" => () => Torch.Normal(Torch.Zeros(2), Torch.Tensor(new[] { 1f, -1f })),
            "bernoulli_p" => () => x.Bernoulli_(1.5),
            "exponential" => () => x.Exponential_(-1),
            "geometric" => () => x.Geometric_(0),
            "log_normal" => () => x.LogNormal_(0, 0),
            "random_from_to" => () => x.Random_(5, 5),
            "random_u8_from" => () => Torch.Empty(3, DType.UInt8).Random_(-1, 5),
            "random_i8_to" => () => Torch.Empty(3, DType.Int8).Random_(0, 300),
            "random_half_to" => () => Torch.Empty(3, DType.Float16).Random_(0, 70000),
            "random_int_to" => () => Torch.Empty(3, DType.Int32).Random_(0, 1L << 40),
            "randint_empty" => () => Torch.Randint(5, 3, [3]),
            "rand_long" => () => Torch.Rand(3, dtype: DType.Int64),
            "randn_long" => () => Torch.RandnLike(Torch.Zeros(2, dtype: DType.Int64)),
            "exponential_long" => () => Torch.Empty(3, DType.Int64).Exponential_(),
            "bernoulli_long_p" => () => Torch.Bernoulli(Torch.Tensor(new long[] { 1, 0 })),
            "randperm_bool" => () => Torch.Randperm(5, dtype: DType.Bool),
            "randperm_neg" => () => Torch.Randperm(-1),
            "multinomial_many" => () => Torch.Multinomial(Torch.Tensor(new[] { 1f, 2f }), 3),
            "multinomial_neg" => () => Torch.Multinomial(Torch.Tensor(new[] { 1f, -2f }), 1),
            "multinomial_neg_repl" => () => Torch.Multinomial(Torch.Tensor(new[] { 1f, -2f }), 1, true),
            "multinomial_zero" => () => Torch.Multinomial(Torch.Zeros(2), 1, true),
            "multinomial_long" => () => Torch.Multinomial(Torch.Tensor(new long[] { 1, 2 }), 1),
            "multinomial_3d" => () => Torch.Multinomial(Torch.Ones(2, 2, 2), 1),
            "multinomial_n0" => () => Torch.Multinomial(Torch.Ones(2), 0),
            "multinomial_inf" => () => Torch.Multinomial(Torch.Tensor(new[] { 1f, float.PositiveInfinity }), 1, true),
            "normal_shapes" => () => Torch.Normal(Torch.Zeros(6), Torch.Ones(2, 3)),
            "leaf_inplace" => () => Torch.Ones(3, requiresGrad: true).Uniform_(),
            "bernoulli_half" => () => Torch.Empty(3, DType.Float16).Bernoulli_(0.5),
            "randperm_half" => () => Torch.Randperm(3000, dtype: DType.Float16),
            "randperm_int8" => () => Torch.Randperm(129, dtype: DType.Int8),
            "multinomial_half" => () => Torch.Multinomial(Torch.Ones(5, dtype: DType.Float16), 3, true),
            _ => throw new NotSupportedException(what),
        };
        var ex = Assert.ThrowsAny<Exception>(act);
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void SamplingRecordsZeroGradientsAsPyTorch()
    {
        var x = Torch.Ones(3, requiresGrad: true);
        var y = x * x;
        y.Normal_();
        Assert.Equal("NormalBackward0", y.GradFn!.Name);
        var z = x * x;
        z.Random_(1, 5);
        Assert.Equal("RandomBackward0", z.GradFn!.Name);
        var w = x * x;
        w.Bernoulli_(Torch.Full([3], 0.5));
        Assert.Equal("BernoulliBackward1", w.GradFn!.Name);
        var n = Torch.Normal(x, x);
        Assert.Equal("NormalBackward3", n.GradFn!.Name);
        n.Sum().Backward();
        Assert.Equal(new float[] { 0, 0, 0 }, x.Grad!.ToArray<float>());
        Assert.Equal("NormalBackward1", Torch.Normal(x, 1.0).GradFn!.Name);
        Assert.Equal("NormalBackward2", Torch.Normal(1.0, x).GradFn!.Name);
        Assert.Equal("BernoulliBackward0", Torch.Bernoulli(x * 0.5).GradFn!.Name);
        Assert.Null(Torch.Bernoulli(x * 0.5, 0.3).GradFn);
        var r = Torch.Rand(2, requiresGrad: true);
        Assert.True(r.IsLeaf && r.RequiresGrad);
        Assert.Throws<InvalidOperationException>(() => Torch.Randint(0, 3, [2], requiresGrad: true));
    }

    /// <summary>Same dtype, shape and values bit for bit (NaN equal to NaN).</summary>
    private static void AssertExact(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.DType == actual.DType, $"{what}: dtype {actual.DType}, expected {expected.DType}");
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}");
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        for (int i = 0; i < e.Length; i++)
            Assert.True(e[i].Equals(a[i]), $"{what}: element {i} is {a[i]:R}, PyTorch gives {e[i]:R}");
    }
}

/// <summary>Tests that seed and draw from the default generator run alone, so no other test draws in between.</summary>
[CollectionDefinition("DefaultGenerator", DisableParallelization = true)]
public class DefaultGeneratorCollection;
