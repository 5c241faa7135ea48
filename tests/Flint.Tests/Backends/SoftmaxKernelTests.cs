using Flint.Kernels;

namespace Flint.Tests.Backends;

/// <summary>
/// The float32 softmax / log_softmax kernels against float64 formulas on the same data. Rows: lengths around the
/// vector step (the -inf padded tail) and whole pairs of vectors (the pipelined rows when streamed), -inf entries, a
/// NaN row and a single element. Columns (a dim other than the
/// last): chunks with and without a tail narrower than a vector, a dim long enough to be packed in several bands,
/// maxima that rise from block to block of rows, and short dims over whole pairs of vectors (the pipelined chunks: one
/// chunk, chunks of unequal widths, the longest dim they take).
/// The float backward over a non-last dim: several 2048-column chunks, tails, a chunk narrower than a vector. Each runs
/// with the stores cached and streamed (<see cref="MathLoops.StreamingBytes"/> at 0).
/// </summary>
[Collection("Streaming stores")]
public class SoftmaxKernelTests
{
    public static TheoryData<bool> Streams => [false, true];

    private static void Check(float[] v, long outer, long size, long inner, bool stream)
    {
        var saved = MathLoops.StreamingBytes;
        MathLoops.StreamingBytes = stream ? 0 : long.MaxValue;
        float[] sm, lsm;
        try
        {
            var x = Torch.Tensor(v).View(outer, size, inner);
            sm = x.Softmax(1).ToArray<float>();
            lsm = x.LogSoftmax(1).ToArray<float>();
        }
        finally
        {
            MathLoops.StreamingBytes = saved;
        }
        for (long o = 0; o < outer; o++)
            for (long c = 0; c < inner; c++)
            {
                long at(long r) => (o * size + r) * inner + c;
                double max = double.NegativeInfinity, sum = 0;
                bool nan = false;
                for (long r = 0; r < size; r++) { nan |= float.IsNaN(v[at(r)]); max = Math.Max(max, v[at(r)]); }
                for (long r = 0; r < size; r++) sum += Math.Exp(v[at(r)] - max);
                // A column all -inf: exp(-inf - -inf) is NaN, as in PyTorch.
                nan |= double.IsNaN(sum);
                // A float32 sum of `size` terms: its rounding grows about as the square root of their number.
                double grow = Math.Max(1, Math.Sqrt(size / 100.0));
                for (long r = 0; r < size; r++)
                {
                    long k = at(r);
                    string where = $"[{outer}, {size}, {inner}] at ({o}, {r}, {c}), stream {stream}";
                    if (nan)
                    {
                        Assert.True(float.IsNaN(sm[k]) && float.IsNaN(lsm[k]), $"{where}: NaN (or a column all -inf) gives NaN");
                        continue;
                    }
                    double e = Math.Exp(v[k] - max) / sum, l = v[k] - max - Math.Log(sum);
                    Assert.True(Math.Abs(sm[k] - e) <= 1e-5 * grow * e + 1e-37, $"{where}: softmax {sm[k]} vs {e}");
                    if (double.IsNegativeInfinity(l)) Assert.Equal(float.NegativeInfinity, lsm[k]);
                    else Assert.True(Math.Abs(lsm[k] - l) <= 1e-6 * grow * Math.Max(1, Math.Abs(l)), $"{where}: log_softmax {lsm[k]} vs {l}");
                }
            }
    }

    private static float[] Data(long n, int seed)
    {
        var rng = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 20 - 10);
        return v;
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void RowsMatchFloat64Formula(bool stream)
    {
        // Streamed rows of whole pairs of vectors (32, 64, 1024) take the pipelined loop.
        foreach (var n in new[] { 1, 2, 7, 15, 16, 17, 31, 32, 33, 64, 100, 1000, 1024 })
        {
            const int rows = 3;
            var v = Data(rows * n, n);
            if (n > 2) v[n + 1] = float.NegativeInfinity;
            v[2 * n] = float.NaN;
            Check(v, rows, n, 1, stream);
        }
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void ColumnsMatchFloat64Formula(bool stream)
    {
        foreach (var (outer, size, inner) in new (long, long, long)[]
                 { (1, 7, 40), (2, 9, 48), (3, 4, 16), (1, 33, 300), (2, 5, 7), (1, 5000, 256), (2, 9, 64), (3, 21, 544), (2, 128, 512), (5, 1, 32) })
        {
            var v = Data(outer * size * inner, (int)(size + inner));
            v[inner + 3] = float.NegativeInfinity;
            v[2 * inner + 5] = float.NaN;
            Check(v, outer, size, inner, stream);
        }
        // The maxima rising along the dim, so that every block of rows raises them and rescales the sums so far, and a
        // column that is -inf through the first block.
        var rising = Data(50 * 48, 3);
        for (int r = 0; r < 50; r++)
            for (int c = 0; c < 48; c++) rising[r * 48 + c] += c == 5 && r < 20 ? float.NegativeInfinity : r * 2;
        Check(rising, 1, 50, 48, stream);
        // A short dim (pipelined) with a column that is -inf throughout, one with -inf in some rows, and one with NaN.
        var marked = Data(2 * 12 * 64, 4);
        for (int r = 0; r < 12; r++) marked[r * 64 + 7] = float.NegativeInfinity;
        marked[3 * 64 + 40] = float.NegativeInfinity;
        marked[12 * 64 + 5 * 64 + 33] = float.NaN;
        Check(marked, 2, 12, 64, stream);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void ColumnGradientsMatchFloat64Formula(bool stream)
    {
        // The float backward over a non-last dim in chunks of 2048 columns: two chunks and a 52-column tail (vectors and
        // four), three rows of 4100 (a last chunk narrower than a vector), and rows a multiple of 16 wide (streamed).
        foreach (var (outer, size, inner) in new (long, long, long)[] { (2, 5, 2100), (1, 3, 4100), (2, 3, 2064) })
        {
            var v = Data(outer * size * inner, (int)(size + inner));
            var gv = Data(outer * size * inner, (int)(size * inner));
            float[] gs, gl;
            var saved = MathLoops.StreamingBytes;
            MathLoops.StreamingBytes = stream ? 0 : long.MaxValue;
            try
            {
                var x = Torch.Tensor(v).View(outer, size, inner).RequiresGrad_();
                var g = Torch.Tensor(gv).View(outer, size, inner);
                gs = Torch.Autograd.Grad([x.Softmax(1)], [x], [g])[0]!.ToArray<float>();
                gl = Torch.Autograd.Grad([x.LogSoftmax(1)], [x], [g])[0]!.ToArray<float>();
            }
            finally
            {
                MathLoops.StreamingBytes = saved;
            }
            for (long o = 0; o < outer; o++)
                for (long c = 0; c < inner; c++)
                {
                    long at(long r) => (o * size + r) * inner + c;
                    double max = double.NegativeInfinity, sum = 0, gsum = 0, gabs = 0, dot = 0, dotAbs = 0;
                    for (long r = 0; r < size; r++) max = Math.Max(max, v[at(r)]);
                    for (long r = 0; r < size; r++) sum += Math.Exp(v[at(r)] - max);
                    for (long r = 0; r < size; r++)
                    {
                        double p = Math.Exp(v[at(r)] - max) / sum;
                        gsum += gv[at(r)];
                        gabs += Math.Abs(gv[at(r)]);
                        dot += gv[at(r)] * p;
                        dotAbs += Math.Abs(gv[at(r)] * p);
                    }
                    for (long r = 0; r < size; r++)
                    {
                        long k = at(r);
                        double p = Math.Exp(v[k] - max) / sum, el = gv[k] - p * gsum, es = (gv[k] - dot) * p;
                        string where = $"[{outer}, {size}, {inner}] at ({o}, {r}, {c}), stream {stream}";
                        Assert.True(Math.Abs(gl[k] - el) <= 1e-5 * (Math.Abs(gv[k]) + p * gabs) + 1e-6, $"{where}: log_softmax {gl[k]} vs {el}");
                        Assert.True(Math.Abs(gs[k] - es) <= 1e-5 * (Math.Abs(gv[k]) + dotAbs) * p + 1e-7, $"{where}: softmax {gs[k]} vs {es}");
                    }
                }
        }
    }
}

[CollectionDefinition("Streaming stores", DisableParallelization = true)]
public class StreamingStoresCollection;
