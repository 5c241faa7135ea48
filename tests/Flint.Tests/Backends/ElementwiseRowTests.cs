namespace Flint.Tests.Backends;

/// <summary>
/// In-place binary ops on contiguous tensors run in pieces below TensorPrimitives' streaming-store threshold: every
/// element of both threads' ranges, the pieces' boundaries and the last partial piece must come out as the element-wise
/// IEEE result (each a single rounded operation, so the expectation is exact).
/// </summary>
public class ElementwiseRowTests
{
    // Not a multiple of the 64 KB pieces, and large enough to split over threads.
    private const int N = 200_003;

    private static float[] Values(int seed)
    {
        var random = new Random(seed);
        var v = new float[N];
        for (int i = 0; i < N; i++) v[i] = (float)(random.NextDouble() * 8 - 4);
        return v;
    }

    [Fact]
    public void InPlaceAddSubMulMatchElementwiseArithmetic()
    {
        float[] a = Values(1), b = Values(2);
        var x = Torch.Tensor(a);
        var y = Torch.Tensor(b);

        x.Add_(y);
        var sum = x.ToArray<float>();
        for (int i = 0; i < N; i++) Assert.Equal(a[i] + b[i], sum[i]);

        x.Sub_(y, 2);
        var diff = x.ToArray<float>();
        for (int i = 0; i < N; i++) Assert.Equal(sum[i] - 2 * b[i], diff[i]);

        x.Mul_(x);
        var square = x.ToArray<float>();
        for (int i = 0; i < N; i++) Assert.Equal(diff[i] * diff[i], square[i]);
    }

    [Fact]
    public void InPlaceAddInDouble()
    {
        float[] a = Values(3), b = Values(4);
        var x = Torch.Tensor(a).To(DType.Float64);
        x.Add_(Torch.Tensor(b).To(DType.Float64));
        var sum = x.ToArray<double>();
        for (int i = 0; i < N; i++) Assert.Equal((double)a[i] + b[i], sum[i]);
    }
}
