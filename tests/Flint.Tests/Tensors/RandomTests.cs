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
