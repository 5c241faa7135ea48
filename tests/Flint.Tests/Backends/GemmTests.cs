using Flint.Backends.Cpu;

namespace Flint.Tests.Backends;

/// <summary>
/// The CPU GEMM against a naive triple loop in double: every size 1..67 and some primes, all transpose layouts,
/// strided and offset views, batches (broadcast batch strides included), alpha and beta, the cache-blocking edges,
/// the thread split, matrix-vector shapes, half precision and integer products, for every kernel tier the machine
/// accelerates (each tier's partial-tile edges included).
/// </summary>
public class GemmTests
{
    public static IEnumerable<object[]> Tiers() =>
        from tier in new[] { nameof(GemmTier.Avx512), nameof(GemmTier.Vector256), nameof(GemmTier.Vector128) }
        from dt in new[] { DType.Float32, DType.Float64 }
        select new object[] { tier, dt };

    private static readonly (double Alpha, double Beta)[] Scales = [(1, 0), (2.5, 0), (1, 1), (-0.5, 2)];

    [Theory]
    [MemberData(nameof(Tiers))]
    public void EverySizeAndLayoutMatchesNaiveProduct(string tierName, DType dt)
    {
        var tier = Enum.Parse<GemmTier>(tierName);
        if (!GemmDriver.IsSupported(tier)) return; // the machine cannot run this tier's vectors
        var rng = new Random(7);
        for (int s = 1; s <= 67; s++)
        {
            int m = s, n = 1 + s * 7 % 67, k = 1 + s * 13 % 67;
            var (alpha, beta) = Scales[s % Scales.Length];
            Check(rng, tier, dt, 1, m, n, k, s % 4, s / 4 % 4, s % 3, alpha, beta);
            Check(rng, tier, dt, 1, n, k, m, s / 2 % 4, s % 4, (s + 1) % 3, alpha, beta);
        }
        int[] primes = [2, 13, 31, 61];
        foreach (var m in primes)
            foreach (var n in primes)
                foreach (var k in primes)
                    Check(rng, tier, dt, 1, m, n, k, (m + k) % 4, (n + k) % 4, (m + n) % 3, 1.5, m % 2);
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void MicroKernelTilesAndTheirEdges(string tierName, DType dt)
    {
        var tier = Enum.Parse<GemmTier>(tierName);
        if (!GemmDriver.IsSupported(tier)) return;
        var rng = new Random(11);
        // Exact multiples of every tier's tiles (MR in {4, 6, 14}, NR in {4, 8, 16, 32}), one over and one under.
        foreach (var m in new[] { 4, 6, 14, 28, 84, 83, 85 })
            foreach (var n in new[] { 8, 16, 32, 64, 63, 65 })
                Check(rng, tier, dt, 1, m, n, 9, 0, 0, 0, 1, 0);
        // A last tile of every count of rows short of 14 (the float kernel runs those of up to 7 on their own), storing
        // and accumulating, with and without a partial last panel.
        for (int m = 15; m <= 27; m++)
            foreach (var n in new[] { 32, 45 })
                Check(rng, tier, dt, 1, m, n, 11, 0, 0, 0, m % 2 == 0 ? 1 : -2, n == 32 ? 0 : 0.5);
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void CacheBlockEdges(string tierName, DType dt)
    {
        var tier = Enum.Parse<GemmTier>(tierName);
        if (!GemmDriver.IsSupported(tier)) return;
        var rng = new Random(3);
        int size = dt == DType.Float64 ? 8 : 4;
        int kc = GemmDriver.Kc, mc = GemmDriver.Mc(size, 1), nc = GemmDriver.Nc(size, 1);
        Check(rng, tier, dt, 1, 9, 7, kc + kc / 2, 0, 1, 0, 1, 1);          // K crosses the KC block: the second block adds
        Check(rng, tier, dt, 1, 600, 520, 2 * kc + 16, 0, 1, 0, 1, 1);     // C past L2 (per thread): a short remainder joins the block before
        Check(rng, tier, dt, 1, 600, 520, kc + 100, 1, 0, 0, 1, 1);         // and a K of under two blocks takes one
        Check(rng, tier, dt, 1, mc + 20, 20, 30, 1, 0, 0, 2, 0);            // M crosses the MC block
        Check(rng, tier, dt, 1, 3, nc + 40, 5, 0, 0, 0, 1, -1);             // N crosses the NC block
        Check(rng, tier, dt, 1, mc + 3, 45, 2 * kc + 40, 2, 3, 1, -1, 0.5); // all of them strided, K blocks with a short tail
        Check(rng, tier, dt, 1, mc + 3, 45, 2 * kc + 150, 3, 2, 1, 1, 0.5); // and with a tail block of its own
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void MatrixVectorShapes(string tierName, DType dt)
    {
        var tier = Enum.Parse<GemmTier>(tierName);
        if (!GemmDriver.IsSupported(tier)) return;
        var rng = new Random(5);
        for (int layout = 0; layout < 4; layout++)
        {
            Check(rng, tier, dt, 1, 1, 37, 29, layout, 3 - layout, layout % 3, 1, 0);
            Check(rng, tier, dt, 1, 37, 1, 29, layout, 3 - layout, layout % 3, 2, 1);
            Check(rng, tier, dt, 1, 1, 1, 41, layout, layout, 0, -1, 0.5);
            Check(rng, tier, dt, 2, 5, 1, 300, layout, (layout + 1) % 4, 0, 1, 0);
        }
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void BatchesAndThreadSplits(string tierName, DType dt)
    {
        var tier = Enum.Parse<GemmTier>(tierName);
        if (!GemmDriver.IsSupported(tier)) return;
        var rng = new Random(9);
        int saved = Torch.GetNumThreads();
        try
        {
            Torch.SetNumThreads(2);
            // Past 2^18 multiply-adds (with the grain lowered from 2^24 per thread to 2^17) a product takes both threads.
            GemmDriver.ParallelGrain = 1L << 17;
            Check(rng, tier, dt, 4, 6, 5, 7, 1, 2, 0, 1, 0);                        // small: one thread
            Check(rng, tier, dt, 3, 110, 100, 70, 0, 1, 0, 1, 1);                   // odd batch: entries cut in two
            Check(rng, tier, dt, 1, 260, 100, 90, 2, 0, 1, 0.5, 0);                 // one product cut by rows
            Check(rng, tier, dt, 1, 50, 500, 90, 0, 3, 0, 1, 0);                    // one product cut by columns
            Check(rng, tier, dt, 4, 90, 90, 70, 0, 0, 0, 1, 0, broadcastB: true);   // B shared by every entry
            Check(rng, tier, dt, 3, 1, 200, 600, 0, 1, 0, 1, 0);                    // matrix-vector, split by rows
        }
        finally
        {
            Torch.SetNumThreads(saved);
            GemmDriver.ParallelGrain = GemmDriver.DefaultParallelGrain;
        }
    }

    [Theory]
    [InlineData(1, 131 * 9, 150)]
    [InlineData(9, 131 * 9, 150)]
    [InlineData(1, 36, 600)]
    [InlineData(9, 36, 600)]
    public unsafe void AnEpilogueGetsEachBlockOfRowsOnceItIsFinal(int align, int m, int n)
    {
        // Two passes over K (the first pass's partial sums must not reach the epilogue) and both threads, splitting the
        // rows (in blocks, the last one short) or, for three row tiles and many columns, the columns; rows in units of
        // `align`.
        int k = GemmDriver.Kc + 40;
        var rng = new Random(5);
        var a = new double[m * k];
        var b = new double[k * n];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble() - 0.5;
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() - 0.5;
        var c = new double[m * n];
        var seen = new double[m * n];
        var blocks = new System.Collections.Concurrent.ConcurrentBag<(long, long)>();
        int saved = Torch.GetNumThreads();
        try
        {
            Torch.SetNumThreads(2);
            fixed (double* pa = a, pb = b, pc = c, ps = seen)
                GemmDriver.RunPacked(new StridedOperand<double>(pa, k, 1), new StridedOperand<double>(pb, 1, n), pc, n, m, n, k,
                    new Snapshot(pc, ps, n, align, blocks));
        }
        finally
        {
            Torch.SetNumThreads(saved);
        }
        long next = 0;
        foreach (var (r0, r1) in blocks.OrderBy(x => x.Item1))
        {
            Assert.Equal(next, r0);
            Assert.True(r1 > r0 && (r1 % align == 0 || r1 == m), $"block [{r0}, {r1}) is not in units of {align}");
            next = r1;
        }
        Assert.Equal(m, next);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double want = 0;
                for (int p = 0; p < k; p++) want += a[i * k + p] * b[p * n + j];
                Assert.True(Math.Abs(seen[i * n + j] - want) <= 1e-12 * k, $"row {i}, column {j}: {seen[i * n + j]} at the epilogue, {want} in the end");
            }
    }

    // Copies each block of rows the moment the epilogue gets it, and records the block.
    private readonly unsafe struct Snapshot(double* c, double* seen, int n, int align, System.Collections.Concurrent.ConcurrentBag<(long, long)> blocks)
        : IGemmEpilogue
    {
        public long RowAlign => align;

        public void Done(long r0, long r1)
        {
            new ReadOnlySpan<double>(c + r0 * n, (int)((r1 - r0) * n)).CopyTo(new Span<double>(seen + r0 * n, (int)((r1 - r0) * n)));
            blocks.Add((r0, r1));
        }
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void SmallProductsReadOperandsInPlace(string tierName, DType dt)
    {
        var tier = Enum.Parse<GemmTier>(tierName);
        if (!GemmDriver.IsSupported(tier)) return;
        var rng = new Random(13);
        // Small operands: a column-major A and a row-major B are read in place, partial edge tiles packed; odd sizes,
        // exact tiles and one-step products, in all four transpose layouts (and the strided ones) with alpha and beta.
        foreach (var (m, n, k) in new[] { (29, 33, 31), (14, 32, 17), (28, 64, 1), (15, 31, 2), (57, 97, 83), (127, 129, 65) })
            for (int layout = 0; layout < 16; layout++)
                Check(rng, tier, dt, 1, m, n, k, layout % 4, layout / 4, layout % 3, layout % 2 == 0 ? 1 : -1.5, layout % 3 == 0 ? 0 : 0.5);
        // Either side of the size where operands stop being read in place (A and B together SmallBytes).
        int size = dt == DType.Float64 ? 8 : 4;
        int edge = (int)(GemmDriver.SmallBytes / size / 64) - 32;
        foreach (var m in new[] { edge, edge + 1 })
        {
            Check(rng, tier, dt, 1, m, 32, 64, 1, 0, 0, 1, 0);
            Check(rng, tier, dt, 1, m, 32, 64, 0, 1, 0, 1, 1);
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void BetaZeroNeverReadsTheOutput(DType dt)
    {
        var a = Random(new Random(1), 1, 20, 30, 0, dt);
        var b = Random(new Random(2), 1, 30, 40, 0, dt);
        foreach (var (m, n) in new[] { (20, 40), (1, 40), (20, 1) })
        {
            var c = Torch.Full([1, m, n], double.NaN, dt);
            CpuBackend.Instance.Gemm(a.Narrow(1, 0, m), b.Narrow(2, 0, n), c, 1, 0);
            Assert.All(c.ToArray<double>(), v => Assert.False(double.IsNaN(v)));
        }
    }

    [Fact]
    public void EmptyDimensions()
    {
        // K == 0: C = beta * C (zeros when beta == 0, even over NaN); M, N or batch 0: nothing to do.
        var c = Torch.Full([2, 3, 4], 2.0);
        CpuBackend.Instance.Gemm(Torch.Zeros([2, 3, 0]), Torch.Zeros([2, 0, 4]), c, 1, 0.5);
        Assert.All(c.ToArray<float>(), v => Assert.Equal(1f, v));
        var nan = Torch.Full([1, 3, 4], double.NaN, DType.Float64);
        CpuBackend.Instance.Gemm(Torch.Zeros([1, 3, 0], DType.Float64), Torch.Zeros([1, 0, 4], DType.Float64), nan, 1, 0);
        Assert.All(nan.ToArray<double>(), v => Assert.Equal(0.0, v));
        CpuBackend.Instance.Gemm(Torch.Zeros([1, 0, 5]), Torch.Zeros([1, 5, 4]), Torch.Zeros([1, 0, 4]), 1, 0);
        CpuBackend.Instance.Gemm(Torch.Zeros([0, 3, 5]), Torch.Zeros([0, 5, 4]), Torch.Zeros([0, 3, 4]), 1, 0);
    }

    [Theory]
    [InlineData(DType.Float16, nameof(GemmTier.Avx512))]
    [InlineData(DType.Float16, nameof(GemmTier.Vector256))]
    [InlineData(DType.BFloat16, nameof(GemmTier.Avx512))]
    [InlineData(DType.BFloat16, nameof(GemmTier.Vector128))]
    public void HalfPrecisionComputesInFloat(DType dt, string tierName)
    {
        var tier = Enum.Parse<GemmTier>(tierName);
        if (!GemmDriver.IsSupported(tier)) return;
        var rng = new Random(4);
        foreach (var (m, n, k) in new[] { (17, 33, 70), (1, 19, 40), (23, 1, 40), (30, 20, GemmDriver.Kc + 20) })
            for (int layout = 0; layout < 4; layout++)
                Check(rng, tier, dt, 1, m, n, k, layout, (layout + 2) % 4, layout % 3, 0.5, layout % 2);
    }

    [Theory]
    [InlineData(DType.Int64)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int16)]
    [InlineData(DType.Int8)]
    [InlineData(DType.UInt8)]
    public void IntegerProductsWrapLikeCpp(DType dt)
    {
        var rng = new Random(6);
        foreach (var (batch, m, n, k) in new[] { (1, 7, 9, 13), (2, 1, 5, 40), (3, 6, 1, 11), (1, 33, 35, 37) })
            for (int layout = 0; layout < 4; layout++)
            {
                var a = RandomInts(rng, batch, m, k, layout, dt);
                var b = RandomInts(rng, batch, k, n, (layout + 1) % 4, dt);
                var c0 = RandomInts(rng, batch, m, n, 0, dt);
                var c = c0.Clone();
                long alpha = layout + 1, beta = layout % 2 == 0 ? 0 : -2;
                CpuBackend.Instance.Gemm(a, b, c, alpha, beta);
                var av = a.ToArray<long>();
                var bv = b.ToArray<long>();
                var cv = c0.ToArray<long>();
                var expected = new long[batch * m * n];
                for (int e = 0; e < batch; e++)
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                        {
                            long sum = 0;
                            for (int p = 0; p < k; p++) sum += av[(e * m + i) * k + p] * bv[(e * k + p) * n + j];
                            long v = alpha * sum + (beta == 0 ? 0 : beta * cv[(e * m + i) * n + j]);
                            expected[(e * m + i) * n + j] = Wrap(v, dt);
                        }
                Assert.Equal(expected, c.ToArray<long>());
            }
    }

    [Fact]
    public void RefusesBool()
    {
        var t = Torch.Zeros([1, 2, 2], DType.Bool);
        var e = Assert.Throws<NotSupportedException>(() => CpuBackend.Instance.Gemm(t, t, Torch.Zeros([1, 2, 2], DType.Bool), 1, 0));
        Assert.Equal("\"addmm_impl_cpu_\" not implemented for 'Bool'", e.Message);
    }

    // ---- helpers ----

    private static long Wrap(long v, DType dt) => dt switch
    {
        DType.Int32 => (int)v,
        DType.Int16 => (short)v,
        DType.Int8 => (sbyte)v,
        DType.UInt8 => (byte)v,
        _ => v,
    };

    /// <summary>Runs one product with the given tier and layouts and compares it with the naive reference.</summary>
    private static void Check(Random rng, GemmTier tier, DType dt, int batch, int m, int n, int k, int layoutA, int layoutB,
        int layoutC, double alpha, double beta, bool broadcastB = false)
    {
        var a = Random(rng, batch, m, k, layoutA, dt);
        var b = broadcastB ? Random(rng, 1, k, n, layoutB, dt).Expand(batch, k, n) : Random(rng, batch, k, n, layoutB, dt);
        var c = OutputView(rng, batch, m, n, layoutC, dt);
        var c0 = c.Clone();
        var p = CpuBackend.Problem(a, b, c);
        switch (dt)
        {
            case DType.Float32: GemmDriver.Run<float>(p, alpha, beta, tier); break;
            case DType.Float64: GemmDriver.Run<double>(p, alpha, beta, tier); break;
            case DType.Float16: GemmDriver.Run<Half>(p, alpha, beta, tier); break;
            default: GemmDriver.Run<BFloat16>(p, alpha, beta, tier); break;
        }
        var av = a.ToArray<double>();
        var bv = b.ToArray<double>();
        var cv = c0.ToArray<double>();
        var got = c.ToArray<double>();
        double eps = dt switch { DType.Float64 => 1e-15, DType.Float32 => 2e-7, DType.Float16 => 1e-3, _ => 8e-3 };
        for (int e = 0; e < batch; e++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0, abs = 0;
                    for (int q = 0; q < k; q++)
                    {
                        double x = av[(e * m + i) * k + q] * bv[(e * k + q) * n + j];
                        sum += x;
                        abs += Math.Abs(x);
                    }
                    int at = (e * m + i) * n + j;
                    double expected = alpha * sum + (beta == 0 ? 0 : beta * cv[at]);
                    double bound = Math.Abs(alpha) * abs + Math.Abs(beta * cv[at]);
                    // Accumulation error grows with k in the compute type; half types add one rounding of the result.
                    double tol = dt is DType.Float16 or DType.BFloat16
                        ? eps * Math.Abs(expected) + 1e-6 * (k + 4) * bound + 1e-6
                        : eps * (k + 4) * bound + 1e-30;
                    Assert.True(Math.Abs(got[at] - expected) <= tol,
                        $"{tier} {dt} batch {batch} {m}x{n}x{k} layouts {layoutA}{layoutB}{layoutC} alpha {alpha} beta {beta}: " +
                        $"C[{e},{i},{j}] = {got[at]}, expected {expected}");
                }
    }

    /// <summary>
    /// A [batch, rows, cols] operand in one of four layouts: 0 row-major, 1 column-major (a transposed view),
    /// 2 every second row of a wider buffer at an offset, 3 column-major with padding at an offset.
    /// </summary>
    private static Tensor Random(Random rng, int batch, int rows, int cols, int layout, DType dt)
    {
        Tensor Fill(params long[] shape)
        {
            var d = new double[Shapes(shape)];
            for (int i = 0; i < d.Length; i++) d[i] = rng.NextDouble() * 2 - 1;
            return Torch.FromArray(d, shape).To(dt);
        }
        return layout switch
        {
            0 => Fill(batch, rows, cols),
            1 => Fill(batch, cols, rows).Transpose(1, 2),
            2 => Fill(batch, 2 * rows + 1, cols + 3).Slice(1, 1, null, 2).Narrow(2, 2, cols),
            _ => Fill(batch, cols + 2, rows + 5).Narrow(1, 1, cols).Narrow(2, 3, rows).Transpose(1, 2),
        };
    }

    private static Tensor RandomInts(Random rng, int batch, int rows, int cols, int layout, DType dt)
    {
        int side = 2 * Math.Max(rows, cols) + 2;
        var d = new long[batch * side * side];
        for (int i = 0; i < d.Length; i++) d[i] = dt == DType.UInt8 ? rng.Next(0, 256) : rng.Next(-128, 128);
        var t = Torch.FromArray(d, batch, side, side).To(dt);
        return layout switch
        {
            0 => t.Narrow(1, 0, rows).Narrow(2, 0, cols).Contiguous(),
            1 => t.Narrow(1, 0, cols).Narrow(2, 0, rows).Contiguous().Transpose(1, 2),
            2 => t.Slice(1, 1, null, 2).Narrow(1, 0, rows).Narrow(2, 1, cols),
            _ => t.Narrow(1, 1, cols).Narrow(2, 0, rows).Transpose(1, 2),
        };
    }

    /// <summary>The output: 0 contiguous, 1 column-major (the driver transposes the problem), 2 strided at an offset.</summary>
    private static Tensor OutputView(Random rng, int batch, int rows, int cols, int layout, DType dt) => layout switch
    {
        0 => Random(rng, batch, rows, cols, 0, dt),
        1 => Random(rng, batch, rows, cols, 1, dt),
        _ => Random(rng, batch, rows, cols, 2, dt),
    };

    private static int Shapes(long[] shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return checked((int)n);
    }
}
