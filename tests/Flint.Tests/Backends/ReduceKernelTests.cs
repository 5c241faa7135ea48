namespace Flint.Tests.Backends;

/// <summary>
/// The CPU reduction paths (SIMD rows along the contiguous last dim, full reductions split over threads, column
/// blocks, strided views) against float64 sums and scalar max/min of the same data computed here: lengths around the
/// vector widths and unroll steps, empty and single-element rows, NaN at the head, middle and tail, and inputs long
/// enough for the thread split.
/// </summary>
public class ReduceKernelTests
{
    private static readonly int[] Lengths = [1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 127, 129, 1000, 1031];

    private static float[] Data(int n, int seed)
    {
        var rng = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(rng.NextDouble() * 4 - 1.5);
        return v;
    }

    private static double RefSum(float[] v, int start, int n, Func<double, double> map)
    {
        double s = 0;
        for (int i = start; i < start + n; i++) s += map(v[i]);
        return s;
    }

    private static double RefExtreme(float[] v, int start, int n, bool max)
    {
        double r = max ? double.NegativeInfinity : double.PositiveInfinity;
        for (int i = start; i < start + n; i++)
        {
            if (float.IsNaN(v[i])) return double.NaN;
            r = max ? Math.Max(r, v[i]) : Math.Min(r, v[i]);
        }
        return r;
    }

    private static void Close(double expected, double actual, double scale, double rel)
    {
        if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual), $"expected NaN, got {actual}");
        else Assert.True(Math.Abs(expected - actual) <= rel * Math.Max(1, scale), $"expected {expected}, got {actual}");
    }

    public static IEnumerable<object[]> Types() => [[DType.Float32], [DType.Float64]];

    [Theory]
    [MemberData(nameof(Types))]
    public void LastDimReductionsMatchReference(DType dt)
    {
        double rel = dt == DType.Float32 ? 1e-6 : 1e-12;
        foreach (var n in Lengths)
            foreach (var rows in new[] { 1, 3, 37 })
            {
                var v = Data(rows * n, n * 31 + rows);
                var x = Torch.Tensor(v).To(dt).View(rows, n);
                var sum = x.Sum(1).To(DType.Float64).ToArray<double>();
                var mean = x.Mean(1).To(DType.Float64).ToArray<double>();
                var norm = x.Norm(2, 1).To(DType.Float64).ToArray<double>();
                var l1 = x.Norm(1, 1).To(DType.Float64).ToArray<double>();
                var amax = x.Amax(1).To(DType.Float64).ToArray<double>();
                var amin = x.Amin(1).To(DType.Float64).ToArray<double>();
                for (int r = 0; r < rows; r++)
                {
                    double abs = RefSum(v, r * n, n, Math.Abs);
                    Close(RefSum(v, r * n, n, a => a), sum[r], abs, rel);
                    Close(RefSum(v, r * n, n, a => a) / n, mean[r], abs / n, rel);
                    Close(Math.Sqrt(RefSum(v, r * n, n, a => a * a)), norm[r], Math.Sqrt(RefSum(v, r * n, n, a => a * a)), rel);
                    Close(abs, l1[r], abs, rel);
                    Assert.Equal(RefExtreme(v, r * n, n, true), amax[r]);
                    Assert.Equal(RefExtreme(v, r * n, n, false), amin[r]);
                }
            }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void NanPropagatesThroughMaxAndMinAndIsSkippedByNansum(DType dt)
    {
        foreach (var n in new[] { 1, 5, 16, 17, 64, 65, 200, 1000 })
            foreach (var at in new[] { 0, n / 2, n - 1 })
            {
                var v = Data(n, n + at);
                v[at] = float.NaN;
                var x = Torch.Tensor(v).To(dt);
                Assert.True(double.IsNaN(x.Amax().Item<double>()), $"amax n={n} NaN at {at}");
                Assert.True(double.IsNaN(x.Amin().Item<double>()), $"amin n={n} NaN at {at}");
                Assert.True(double.IsNaN(x.Sum().Item<double>()), $"sum n={n} NaN at {at}");
                double expected = RefSum(v, 0, n, a => double.IsNaN(a) ? 0 : a);
                Close(expected, x.Nansum().Item<double>(), RefSum(v, 0, n, a => double.IsNaN(a) ? 0 : Math.Abs(a)), 1e-6);
            }
    }

    /// <summary>Rows summed sixteen at a time (up to 256 values): NaN in some rows, skipped by nansum, kept by sum.</summary>
    [Theory]
    [InlineData(100)]
    [InlineData(256)]
    [InlineData(5)]
    public void RowsWithNanInSixteenRowBatches(int n)
    {
        const int rows = 35;
        var v = Data(rows * n, n);
        foreach (var r in new[] { 0, 7, 16, 33 }) v[r * n + r % n] = float.NaN;
        var x = Torch.Tensor(v).View(rows, n);
        var sum = x.Sum(1).To(DType.Float64).ToArray<double>();
        var nansum = x.Nansum(1).To(DType.Float64).ToArray<double>();
        for (int r = 0; r < rows; r++)
        {
            double abs = RefSum(v, r * n, n, a => double.IsNaN(a) ? 0 : Math.Abs(a));
            Close(RefSum(v, r * n, n, a => a), sum[r], abs, 1e-6);
            Close(RefSum(v, r * n, n, a => double.IsNaN(a) ? 0 : a), nansum[r], abs, 1e-6);
        }
    }

    [Fact]
    public void InfinitiesAreExtremes()
    {
        var x = Torch.Tensor(new float[] { 1, float.PositiveInfinity, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, float.NegativeInfinity, 0 });
        Assert.Equal(float.PositiveInfinity, x.Amax().Item<float>());
        Assert.Equal(float.NegativeInfinity, x.Amin().Item<float>());
        Assert.True(double.IsNaN(x.Sum().Item<float>()));
    }

    [Fact]
    public void EmptyRowsGiveIdentities()
    {
        var x = Torch.Zeros([3L, 0L]);
        Assert.Equal(new float[] { 0, 0, 0 }, x.Sum(1).ToArray<float>());
        Assert.Equal(0f, Torch.Zeros([0L]).Sum().Item<float>());
        Assert.Throws<IndexOutOfRangeException>(() => x.Amax(1));
    }

    [Fact]
    public void LongFullReductionSplitOverThreadsMatchesFloat64Sum()
    {
        const int n = 100_003;
        var v = Data(n, 5);
        v[n - 3] = 1000;
        var x = Torch.Tensor(v);
        double abs = RefSum(v, 0, n, Math.Abs);
        Close(RefSum(v, 0, n, a => a), x.Sum().Item<double>(), abs, 1e-7);
        Close(RefSum(v, 0, n, a => a) / n, x.Mean().Item<double>(), abs / n, 1e-7);
        Assert.Equal(1000f, x.Amax().Item<float>());
        Assert.Equal(RefExtreme(v, 0, n, false), x.Amin().Item<float>());
        v[n / 2 + 1] = float.NaN;
        Assert.True(float.IsNaN(Torch.Tensor(v).Amax().Item<float>()));
    }

    [Fact]
    public void ManyRowsSplitOverThreadsAndStridedViewsMatchReference()
    {
        const int rows = 300, n = 257;
        var v = Data(rows * n, 9);
        var x = Torch.Tensor(v).View(rows, n);
        var sum = x.Sum(1).ToArray<float>();
        var amax = x.Amax(1).ToArray<float>();
        for (int r = 0; r < rows; r++)
        {
            Close(RefSum(v, r * n, n, a => a), sum[r], RefSum(v, r * n, n, Math.Abs), 1e-6);
            Assert.Equal(RefExtreme(v, r * n, n, true), (double)amax[r]);
        }
        // Columns (a strided reduction) and a sliced, non-contiguous view.
        var cols = x.Sum(0).ToArray<float>();
        for (int c = 0; c < n; c++)
        {
            double s = 0, a = 0;
            for (int r = 0; r < rows; r++) { s += v[r * n + c]; a += Math.Abs(v[r * n + c]); }
            Close(s, cols[c], a, 1e-6);
        }
        var sliced = x.Narrow(1, 3, 200);
        var ss = sliced.Sum(1).ToArray<float>();
        var sm = sliced.Amin(1).ToArray<float>();
        for (int r = 0; r < rows; r++)
        {
            Close(RefSum(v, r * n + 3, 200, a => a), ss[r], RefSum(v, r * n + 3, 200, Math.Abs), 1e-6);
            Assert.Equal(RefExtreme(v, r * n + 3, 200, false), (double)sm[r]);
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void MiddleDimReductionsMatchReference(DType dt)
    {
        double rel = dt == DType.Float32 ? 1e-6 : 1e-12;
        // The last three are big enough for two threads: one block whose rows the threads split (each into its own
        // partial sums), one block split into column chunks, and blocks wider than a chunk.
        foreach (var (outer, rows, inner) in new[] { (2, 7, 9), (3, 5, 600), (1, 13, 1031), (2, 4, 16), (1, 203, 3001), (1, 23, 9000), (2, 6, 9000) })
        {
            var v = Data(outer * rows * inner, rows * inner);
            v[inner + 3] = float.NaN;
            var x = Torch.Tensor(v).To(dt).View(outer, rows, inner);
            var nansum = x.Nansum(1).To(DType.Float64).ToArray<double>();
            var sum = x.Sum(1).To(DType.Float64).ToArray<double>();
            var x2 = x.NanToNum(0.0);
            var norm = x2.Norm(2, 1).To(DType.Float64).ToArray<double>();
            var l1 = x2.Norm(1, 1).To(DType.Float64).ToArray<double>();
            for (int a = 0; a < outer; a++)
                for (int c = 0; c < inner; c++)
                {
                    double s = 0, abs = 0, sq = 0;
                    bool nan = false;
                    for (int r = 0; r < rows; r++)
                    {
                        double e = v[(a * rows + r) * inner + c];
                        if (double.IsNaN(e)) { nan = true; continue; }
                        s += e; abs += Math.Abs(e); sq += e * e;
                    }
                    int o = a * inner + c;
                    Close(s, nansum[o], abs, rel);
                    Close(nan ? double.NaN : s, sum[o], abs, rel);
                    Close(Math.Sqrt(sq), norm[o], Math.Sqrt(sq), rel);
                    Close(abs, l1[o], abs, rel);
                }
        }
    }
}
