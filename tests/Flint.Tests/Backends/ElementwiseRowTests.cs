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

    // Rows with a broadcast operand: float add, sub, mul and div on vector lanes (a number on either side, a row or a
    // column, alpha, in place, a padded tail), and the chunked path for the rest: half, double and int32 with a broadcast
    // number (written once over the buffers' moving positions) and a transposed operand; rows of one chunk, of several
    // and a partial last one.
    [Theory]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(1000)]
    [InlineData(4099)]
    public void BroadcastAndStridedOperandsGiveTheElementwiseResult(int n)
    {
        var v = Values(5)[..n];
        var w = Values(6)[..n];
        var x = Torch.Tensor(v);
        var left = Torch.Tensor(1.25f).Expand(n).Sub(x).ToArray<float>();
        var right = x.Mul(Torch.Tensor(-0.75f).Expand(n)).ToArray<float>();
        var number = x.Div(3).ToArray<float>();
        var halves = x.To(DType.Float16).Add(Torch.Tensor(0.5f).To(DType.Float16).Expand(n)).ToArray<Half>();
        var doubles = x.To(DType.Float64).Sub(2.5).ToArray<double>();
        var ints = x.To(DType.Int32).Mul(Torch.Tensor(3).Expand(n)).ToArray<int>();
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(1.25f - v[i], left[i]);
            Assert.Equal(v[i] * -0.75f, right[i]);
            Assert.Equal(v[i] / 3, number[i]);
            Assert.Equal((Half)((float)(Half)v[i] + 0.5f), halves[i]);
            Assert.Equal((double)v[i] - 2.5, doubles[i]);
            Assert.Equal((int)v[i] * 3, ints[i]);
        }

        // Rows of n against a column, a row and a transposed square's strided reads.
        int rows = 3;
        var m = Torch.Tensor(Values(7)[..(rows * n)]).View(rows, n);
        var flat = m.ToArray<float>();
        var byColumn = m.Add(Torch.Tensor(new[] { 1f, -2f, 0.5f }).View(rows, 1)).ToArray<float>();
        var byRow = m.Sub(Torch.Tensor(w)).ToArray<float>();
        var scaledRow = m.Add(Torch.Tensor(w), 0.5).ToArray<float>();
        var scaledColumn = m.Sub(Torch.Tensor(new[] { 1f, -2f, 0.5f }).View(rows, 1), 3).ToArray<float>();
        var inPlace = m.Clone();
        inPlace.Mul_(Torch.Tensor(w));
        var product = inPlace.ToArray<float>();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < n; c++)
            {
                float e = flat[r * n + c], col = new[] { 1f, -2f, 0.5f }[r];
                Assert.Equal(e + col, byColumn[r * n + c]);
                Assert.Equal(e - w[c], byRow[r * n + c]);
                Assert.Equal(w[c] * 0.5f + e, scaledRow[r * n + c]);
                Assert.Equal(col * -3f + e, scaledColumn[r * n + c]);
                Assert.Equal(e * w[c], product[r * n + c]);
            }
        var t = m.T().Add(Torch.Tensor(0.25f)).ToArray<float>();
        for (int c = 0; c < n; c++)
            for (int r = 0; r < rows; r++) Assert.Equal(flat[r * n + c] + 0.25f, t[c * rows + r]);
    }

    // torch.where on 4- and 8-byte values takes vector selects (the condition's bytes widened to lanes), a number on
    // either side splatted, the tail element by element; half precision keeps the chunked loop.
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(1000)]
    public void WhereSelectsEachElementByItsCondition(int n)
    {
        var v = Values(8)[..n];
        var w = Values(9)[..n];
        var x = Torch.Tensor(v);
        var y = Torch.Tensor(w);
        var mask = x.Gt(y);
        var floats = Torch.Where(mask, x, y).ToArray<float>();
        var numberElse = Torch.Where(mask, x, -0.5).ToArray<float>();
        var numberThen = Torch.Where(mask, 2.0, y).ToArray<float>();
        var doubles = Torch.Where(mask, x.To(DType.Float64), y.To(DType.Float64)).ToArray<double>();
        var longs = Torch.Where(mask, x.To(DType.Int64), 7).ToArray<long>();
        var ints = Torch.Where(mask, x.To(DType.Int32), y.To(DType.Int32)).ToArray<int>();
        var halves = Torch.Where(mask, x.To(DType.Float16), y.To(DType.Float16)).ToArray<Half>();
        for (int i = 0; i < n; i++)
        {
            bool c = v[i] > w[i];
            Assert.Equal(c ? v[i] : w[i], floats[i]);
            Assert.Equal(c ? v[i] : -0.5f, numberElse[i]);
            Assert.Equal(c ? 2f : w[i], numberThen[i]);
            Assert.Equal(c ? v[i] : (double)w[i], doubles[i]);
            Assert.Equal(c ? (long)v[i] : 7, longs[i]);
            Assert.Equal(c ? (int)v[i] : (int)w[i], ints[i]);
            Assert.Equal(c ? (Half)v[i] : (Half)w[i], halves[i]);
        }
    }
}
