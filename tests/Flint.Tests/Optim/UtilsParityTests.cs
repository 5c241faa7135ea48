using System.Text.Json;
using Flint.NN;
using Flint.Tests.Parity;

namespace Flint.Tests.Optim;

/// <summary>torch.nn.utils clipping and parameter/vector conversion against tests/parity/optim_utils.py.</summary>
public class UtilsParityTests
{
    private static FixtureSet Fx => FixtureSet.Load("optim_utils");

    public static IEnumerable<object[]> Cases =>
        Fx.Cases.Where(c => c.GetProperty("kind").GetString() is not ("error" or "no_grads"))
            .Select(c => new object[] { c.GetProperty("id").GetString()! });

    private static List<Tensor> Params(JsonElement specs)
    {
        var ps = new List<Tensor>();
        foreach (var s in specs.EnumerateArray())
        {
            var p = Fx.Tensor(s.GetProperty("value")).Clone().RequiresGrad_();
            if (s.GetProperty("grad").ValueKind != JsonValueKind.Null) p.Grad = Fx.Tensor(s.GetProperty("grad"));
            ps.Add(p);
        }
        return ps;
    }

    private static void CheckAfter(JsonElement c, List<Tensor> ps, double tol)
    {
        var after = c.GetProperty("after").EnumerateArray().ToArray();
        for (int i = 0; i < ps.Count; i++)
        {
            OptimValues.AssertTensorClose(Fx.Tensor(after[i].GetProperty("value")), ps[i], tol, $"param {i}");
            if (after[i].GetProperty("grad").ValueKind == JsonValueKind.Null) Assert.Null(ps[i].Grad);
            else OptimValues.AssertTensorClose(Fx.Tensor(after[i].GetProperty("grad")), ps[i].Grad!, tol, $"grad {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id)
    {
        var c = Fx.Case(id);
        double tol = OptimValues.Tol(id[^3..]);
        var ps = Params(c.GetProperty("params"));
        switch (c.GetProperty("kind").GetString())
        {
            case "clip_norm":
            case "clip_norm_single":
                {
                    double maxNorm = c.GetProperty("max_norm").GetDouble();
                    double normType = Convert.ToDouble(OptimValues.Decode(Fx, c.GetProperty("norm_type")));
                    var total = c.GetProperty("kind").GetString() == "clip_norm_single"
                        ? Utils.ClipGradNorm_(ps[0], maxNorm, normType)
                        : Utils.ClipGradNorm_(ps, maxNorm, normType);
                    var expected = Fx.Tensor(c.GetProperty("total"));
                    Assert.Equal(expected.DType, total.DType);
                    OptimValues.AssertTensorClose(expected, total, tol, "total norm");
                    break;
                }
            case "clip_value":
                Utils.ClipGradValue_(ps, c.GetProperty("clip_value").GetDouble());
                break;
            case "vector":
                {
                    var vec = Utils.ParametersToVector(ps);
                    OptimValues.AssertTensorClose(Fx.Tensor(c.GetProperty("vector")), vec, tol, "vector");
                    Assert.True(vec.RequiresGrad);
                    var fresh = Fx.Tensor(c.GetProperty("new"));
                    Utils.VectorToParameters(fresh, ps);
                    // The parameters now view the vector's memory.
                    using (Torch.NoGrad()) fresh.Select(0, 0).Fill_(0.25);
                    Assert.Equal(0.25, ps[0].Detach().Reshape(-1).Select(0, 0).Item<double>());
                    fresh.Select(0, 0).Fill_(0);
                    break;
                }
        }
        CheckAfter(c, ps, tol);
    }

    [Fact]
    public void NoGradientsGiveZero()
    {
        var total = Utils.ClipGradNorm_([Torch.Zeros(2).RequiresGrad_()], 1.0);
        OptimValues.AssertTensorClose(Fx.Tensor(Fx.Case("clip_norm/no_grads").GetProperty("total")), total, 0, "total");
        Assert.Equal(DType.Float32, total.DType);
    }

    [Theory]
    [InlineData("error/nonfinite", 2.0)]
    [InlineData("error/nonfinite_inf", double.PositiveInfinity)]
    public void NonFiniteNormThrowsWhenAsked(string id, double normType)
    {
        var p = Torch.Randn(5, dtype: DType.Float64).RequiresGrad_();
        p.Grad = Torch.Randn(5, dtype: DType.Float64);
        p.Grad.Select(0, 2).Fill_(double.NaN);
        var ex = Assert.Throws<InvalidOperationException>(() => Utils.ClipGradNorm_([p], 1.0, normType, errorIfNonfinite: true));
        Assert.Equal(Fx.Case(id).GetProperty("message").GetString(), ex.Message);
    }

    [Fact]
    public void ParametersToVectorKeepsOrder()
    {
        var a = Torch.Ones(2, 3);
        var b = Torch.Zeros(4);
        var v = Utils.ParametersToVector([a, b]);
        Assert.Equal(new long[] { 10 }, v.Shape.ToArray());
        Assert.Equal([1, 1, 1, 1, 1, 1, 0, 0, 0, 0], v.ToArray<float>());
    }
}
