using Flint;

namespace Flint.Tests;

public class SmokeTests
{
    [Fact]
    public void AddMulBackward()
    {
        var x = Torch.Tensor(new float[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true);
        var y = x * x * 3 + 1;
        var o = y.Mean();
        Assert.Equal("MeanBackward0", o.GradFn!.Name);
        o.Backward();
        Assert.Equal(new float[] { 1.5f, 3f, 4.5f, 6f }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void ViewsShareMemory()
    {
        var x = Torch.Zeros(3, 4);
        var v = x.View(12);
        v.Select(0, 5).Fill_(7);
        Assert.Equal(7f, x.ToArray<float>()[5]);
        var t = x.T().Contiguous();
        Assert.Equal(7f, t.ToArray<float>()[1 * 3 + 1]);
        var s = x.Sum(0);
        Assert.Equal(new float[] { 0, 7, 0, 0 }, s.ToArray<float>());
        Assert.Equal(7f, x.Sum().Item<float>());
    }

    [Fact]
    public void InPlaceOnViewOfNonLeaf()
    {
        var a = Torch.Ones(2, 3, requiresGrad: true);
        var b = a * 2;
        b.Select(0, 1).Mul_(5);
        Assert.Equal("CopySlices", b.GradFn!.Name);
        b.Sum().Backward();
        Assert.Equal(new float[] { 2, 2, 2, 10, 10, 10 }, a.Grad!.ToArray<float>());
    }
}
