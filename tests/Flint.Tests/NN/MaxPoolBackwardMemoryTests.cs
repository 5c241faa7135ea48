using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

/// <summary>
/// The 2x2 max-pool backward writes every element of the input gradient, whatever the memory held before: its buffer
/// comes from the pool, here filled with NaN first. The expected gradient of sum(max_pool2d(x, 2)) is 1 at each window's
/// first maximum in window order and 0 elsewhere (the odd last row and column are in no window), computed here from x.
/// </summary>
public class MaxPoolBackwardMemoryTests
{
    [Theory]
    [InlineData(5, 33)]
    [InlineData(8, 130)]
    [InlineData(7, 17)]
    public void EveryElementIsWrittenOverStaleMemory(int ih, int iw)
    {
        long[] shape = [2, 3, ih, iw];
        for (int rep = 0; rep < 3; rep++)
        {
            DropNaNBuffers(shape);
            var x = Torch.Randn(shape).RequiresGrad_();
            F.MaxPool2d(x, 2).Sum().Backward();
            var xs = x.Detach().ToArray<float>();
            var gs = x.Grad!.ToArray<float>();
            var expected = new float[xs.Length];
            for (int p = 0; p < 6; p++)
                for (int r = 0; r < ih / 2; r++)
                    for (int c = 0; c < iw / 2; c++)
                    {
                        int best = p * ih * iw + 2 * r * iw + 2 * c;
                        foreach (int at in new[] { best + 1, best + iw, best + iw + 1 })
                            if (xs[at] > xs[best]) best = at;
                        expected[best] = 1;
                    }
            Assert.Equal(expected, gs);
        }
    }

    // Tensors of the gradient's size, filled with NaN and dropped: their arrays go back to the pool once collected.
    private static void DropNaNBuffers(long[] shape)
    {
        for (int i = 0; i < 16; i++) Torch.Full(shape, float.NaN);
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}
