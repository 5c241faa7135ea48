using Flint.Kernels;

namespace Flint.Tests.Backends;

/// <summary>
/// The float32 softmax / log_softmax kernels against float64 formulas on the same data. Rows: lengths around the
/// vector step (the -inf padded tail) and whole pairs of vectors (the pipelined rows when streamed), -inf entries, a
/// NaN row and a single element. Columns (a dim other than the
/// last): chunks with and without a tail narrower than a vector, and a dim long enough to be packed in several bands.
/// Each runs with the stores cached and streamed (<see cref="MathLoops.StreamingBytes"/> at 0).
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
                // A float32 sum of `size` terms: its rounding grows about as the square root of their number.
                double grow = Math.Max(1, Math.Sqrt(size / 100.0));
                for (long r = 0; r < size; r++)
                {
                    long k = at(r);
                    string where = $"[{outer}, {size}, {inner}] at ({o}, {r}, {c}), stream {stream}";
                    if (nan)
                    {
                        Assert.True(float.IsNaN(sm[k]) && float.IsNaN(lsm[k]), $"{where}: NaN gives NaN");
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
        foreach (var (outer, size, inner) in new (long, long, long)[] { (1, 7, 40), (2, 9, 48), (3, 4, 16), (1, 33, 300), (2, 5, 7), (1, 5000, 256) })
        {
            var v = Data(outer * size * inner, (int)(size + inner));
            v[inner + 3] = float.NegativeInfinity;
            v[2 * inner + 5] = float.NaN;
            Check(v, outer, size, inner, stream);
        }
    }
}

[CollectionDefinition("Streaming stores", DisableParallelization = true)]
public class StreamingStoresCollection;
