namespace Flint.Tests.Scenarios;

/// <summary>SCENARIOS.md T1-T5 as assertions (the examples t1-t5 print the same things).</summary>
public class TensorScenarioTests
{
    [Fact]
    public void T1_DtypesAreHonouredAndConverted()
    {
        var y = Torch.Zeros(4, 3, dtype: Torch.Long);
        Assert.Equal(DType.Int64, y.DType);
        var x = Torch.Rand(4, 3);
        Assert.Same(x, Torch.Zero_(x));
        Assert.Equal(0f, x.Sum().Item<float>());
        Assert.Equal(DType.Float32, Torch.Tensor(1.0, dtype: Torch.Float).DType);
        Assert.Equal(DType.Float64, Torch.Tensor(1, dtype: Torch.Double).DType);
        var n = Torch.Tensor(new long[] { 5, 6 }).NewOnes([4, 3], dtype: Torch.Double);
        Assert.Equal(DType.Float64, n.DType);
        Assert.Equal(DType.Float32, Torch.RandnLike(n, dtype: Torch.Float).DType);
        Assert.Equal(new long[] { 0, 2, 4, 6, 8 }, Torch.Arange(0, 10, 2).ToArray<long>());
        Assert.Equal(new float[] { 0, 0.25f, 0.5f, 0.75f, 1 }, Torch.Linspace(0, 1, 5).ToArray<float>());
        Assert.Equal(new float[] { 1, 0, 0, 1 }, Torch.Eye(2).ToArray<float>());
        var perm = Torch.Randperm(10).ToArray<long>();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), perm.Order());
    }

    [Fact]
    public void T2_HostArraysBothWays()
    {
        var h = Torch.Tensor(new long[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal(DType.Int64, h.DType);
        Assert.Equal(new Size(2, 3), h.Shape);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, h.ToArray<long>());
        var f = Torch.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        f.Data<float>()[3] = 9;
        Assert.Equal(9f, f[1, 1].Item<float>());
        Assert.Equal("torch.LongTensor", f.Type(Torch.Long).Type());
        Assert.Equal(DType.Float64, h.Double().DType);
        Assert.Equal(2.5, Torch.Tensor(2.5).Item<double>());
    }

    [Fact]
    public void T4_ShapesAndViews()
    {
        var x = Torch.Randn(4, 4);
        Assert.Equal(new Size(16), x.View(16).Size());
        Assert.Equal(new Size(2, 8), x.View(-1, 8).Size());
        var a = Torch.Ones(2, 3);
        Assert.Equal(new Size(2, 1, 3), a.Unsqueeze(1).Shape);
        Assert.Equal(new Size(2, 1, 3), a.Unsqueeze(1).Squeeze(0).Shape);
        Assert.Equal(new Size(2, 3), a.Unsqueeze(1).Squeeze(1).Shape);
        Assert.Equal(new Size(3, 2), a.Transpose(0, 1).Shape);
    }

    [Fact]
    public void T5_IndexingSharesMemoryCloneDoesNot()
    {
        var x = Torch.Zeros(2, 3);
        x[0].Fill_(1);
        x.View(6)[5] = 7;
        Assert.Equal(new float[] { 1, 1, 1, 0, 0, 7 }, x.ToArray<float>());
        x.Clone().Fill_(-1);
        Assert.Equal(10f, x.Sum().Item<float>());
        var s = Torch.Arange(1, 3).View(1, 2) + Torch.Arange(1, 4).View(3, 1);
        Assert.Equal(new long[] { 2, 3, 3, 4, 4, 5 }, s.ToArray<long>());
    }
}

public class TensorOpsScenarioTests
{
    [Fact]
    public void T3_OpsAsTheSeedsUseThem()
    {
        var x = Torch.Tensor(new float[,] { { 1, 5, 2 }, { 7, 0, 3 } });
        var y = Torch.Ones(2, 3);
        Assert.Equal((x + y).ToArray<float>(), Torch.Add(x, y).ToArray<float>());
        var y2 = y.Clone();
        Assert.Same(y2, y2.Add_(x));
        Assert.Equal(new float[] { 2, 6, 3, 8, 1, 4 }, y2.ToArray<float>());
        Assert.Equal(new float[] { 2, 50, 8, 98, 0, 18 }, (x.Pow(2) * 2).ToArray<float>());
        Assert.Equal(new Size(4, 3), Torch.Cat([x, y], 0).Shape);
        var (values, indices) = Torch.Max(x, 1);
        Assert.Equal(new float[] { 5, 7 }, values.ToArray<float>());
        Assert.Equal(new long[] { 1, 0 }, indices.ToArray<long>());
        Assert.Equal(new long[] { 1, 0 }, Torch.Argmax(x, 1).ToArray<long>());
        Assert.Equal(18f, x.Sum().Item<float>());
        Assert.Equal(3f, x.Mean().Item<float>());
        var eq = Torch.Tensor(new long[] { 1, 0, 2 }).Eq(Torch.Tensor(new long[] { 1, 1, 2 }));
        Assert.Equal(DType.Bool, eq.DType);
        Assert.Equal(2L, eq.Sum().Item<long>());
    }
}
