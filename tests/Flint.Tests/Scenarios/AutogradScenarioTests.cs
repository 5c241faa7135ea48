namespace Flint.Tests.Scenarios;

/// <summary>SCENARIOS.md A1-A5 as assertions.</summary>
public class AutogradScenarioTests
{
    [Fact]
    public void A1_GradFnAndAnalyticGradient()
    {
        var x = Torch.Randn(3, 3, dtype: Torch.Double, requiresGrad: true);
        Assert.Null(x.GradFn);
        var y = x.Pow(2);
        Assert.Equal("PowBackward0", y.GradFn!.Name);
        var gy = Torch.Randn(3, 3, dtype: Torch.Double);
        y.Backward(gy);
        ParityAssert.Close((2 * x.Detach() * gy).ToArray<double>(), x.Grad!.ToArray<double>(), 1e-12);
        x.Grad = null;
        var outp = (x.Pow(2) * x.Pow(2) * 3).Mean();
        outp.Backward();
        ParityAssert.Close((x.Detach().Pow(3) * 12 / 9).ToArray<double>(), x.Grad!.ToArray<double>(), 1e-12);
    }

    [Fact]
    public void A2_AccumulateAndZero()
    {
        var x = Torch.Ones(2, 2, requiresGrad: true);
        Assert.Null(x.Grad);
        x.Sum().Backward();
        x.Sum().Backward();
        Assert.All(x.Grad!.ToArray<float>(), v => Assert.Equal(2f, v));
        x.Grad!.Data.Zero_();
        x.Sum().Backward();
        Assert.All(x.Grad!.ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void A3_NoGradAndSetGradEnabled()
    {
        var x = Torch.Ones(3, requiresGrad: true);
        using (Torch.NoGrad()) Assert.False(x.Pow(2).RequiresGrad);
        using (Torch.SetGradEnabled(false)) Assert.False((x * 2).RequiresGrad);
        Assert.True((x * 2).RequiresGrad);
        var t = new Thread(() => Assert.True(Torch.IsGradEnabled()));
        using (Torch.NoGrad())
        {
            t.Start();
            t.Join();
        }
    }

    [Fact]
    public void A4_DataChangesAreNotRecorded()
    {
        var x = Torch.Ones(1, requiresGrad: true);
        Assert.False(x.Data.RequiresGrad);
        var y = 2 * x;
        x.Data *= 100;
        y.Backward();
        Assert.Equal(100f, x.Item<float>());
        Assert.Equal(2f, x.Grad!.Item<float>());
    }

    [Fact]
    public void A5_DetachAndHessian()
    {
        var x = Torch.Tensor(new double[] { 1, 2, 3 }).RequiresGrad_();
        var d = (x * 2).Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
        var f = x.Pow(3).Sum() + x[0] * x[1];
        var g = Torch.Autograd.Grad(f, [x], createGraph: true)[0]!;
        var h = Torch.Stack(Enumerable.Range(0, 3).Select(i => Torch.Autograd.Grad(g[i], [x], retainGraph: true)[0]!).ToArray());
        Assert.Equal(new double[] { 6, 1, 0, 1, 12, 0, 0, 0, 18 }, h.ToArray<double>());
    }
}

internal static class ParityAssert
{
    public static void Close(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: {actual[i]} vs {expected[i]}");
    }
}
