using Flint.Kernels;
using F = Flint.NN.Functional;

namespace Flint.Tests.Backends;

/// <summary>
/// The float32 row loops of layer norm (forward and gradients) and of batch norm's channel map against float64
/// formulas on the same data: rows that are whole vectors and rows with a tail, with and without weight and bias,
/// each with the stores cached and streamed (<see cref="MathLoops.StreamingBytes"/> at 0).
/// </summary>
[Collection("Streaming stores")]
public class NormRowKernelTests
{
    public static TheoryData<bool> Streams => [false, true];

    private static float[] Data(long n, int seed, double scale = 4)
    {
        var rng = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < v.Length; i++) v[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return v;
    }

    private static T WithStreaming<T>(bool stream, Func<T> body)
    {
        var saved = MathLoops.StreamingBytes;
        MathLoops.StreamingBytes = stream ? 0 : long.MaxValue;
        try
        {
            return body();
        }
        finally
        {
            MathLoops.StreamingBytes = saved;
        }
    }

    private static void Near(double expected, float actual, double tol, string where) =>
        Assert.True(Math.Abs(actual - expected) <= tol * Math.Max(1, Math.Abs(expected)), $"{where}: {actual} vs {expected}");

    [Theory]
    [MemberData(nameof(Streams))]
    public void LayerNormRowsMatchFloat64Formula(bool stream)
    {
        const double eps = 1e-5;
        // 70 x 1000 takes two threads, whose weight and bias sums are merged.
        foreach (var (m, n, affine) in new (int, int, bool)[] { (5, 48, true), (4, 37, true), (3, 64, false), (6, 1000, true), (70, 1000, true) })
        {
            var xv = Data(m * n, n);
            var wv = Data(n, n + 1, 1);
            var bv = Data(n, n + 2, 1);
            var gv = Data(m * n, n + 3, 1);
            var x = Torch.Tensor(xv).View(m, n).RequiresGrad_();
            var w = affine ? Torch.Tensor(wv).RequiresGrad_() : null;
            var b = affine ? Torch.Tensor(bv).RequiresGrad_() : null;
            var (y, grads) = WithStreaming(stream, () =>
            {
                var yt = F.LayerNorm(x, [n], w, b, eps);
                var gs = Torch.Autograd.Grad([yt], affine ? [x, w!, b!] : [x], [Torch.Tensor(gv).View(m, n)]);
                return (yt.Detach().ToArray<float>(), gs.Select(t => t!.ToArray<float>()).ToArray());
            });
            var dx = grads[0];
            var dw = new double[n];
            var db = new double[n];
            for (int r = 0; r < m; r++)
            {
                double mean = 0, var = 0, gm = 0, gxm = 0;
                for (int i = 0; i < n; i++) mean += xv[r * n + i];
                mean /= n;
                for (int i = 0; i < n; i++) var += (xv[r * n + i] - mean) * (xv[r * n + i] - mean);
                double rstd = 1 / Math.Sqrt(var / n + eps);
                double Gw(int i) => gv[r * n + i] * (affine ? wv[i] : 1);
                double Xhat(int i) => (xv[r * n + i] - mean) * rstd;
                for (int i = 0; i < n; i++) { gm += Gw(i) / n; gxm += Gw(i) * Xhat(i) / n; }
                for (int i = 0; i < n; i++)
                {
                    string where = $"[{m}, {n}] affine {affine} stream {stream} at ({r}, {i})";
                    Near(Xhat(i) * (affine ? wv[i] : 1) + (affine ? bv[i] : 0), y[r * n + i], 2e-5, where + " y");
                    Near(rstd * (Gw(i) - gm - Xhat(i) * gxm), dx[r * n + i], 2e-4, where + " dx");
                    dw[i] += gv[r * n + i] * Xhat(i);
                    db[i] += gv[r * n + i];
                }
            }
            if (!affine) continue;
            for (int i = 0; i < n; i++)
            {
                Near(dw[i], grads[1][i], 2e-5, $"[{m}, {n}] stream {stream} dweight {i}");
                Near(db[i], grads[2][i], 2e-5, $"[{m}, {n}] stream {stream} dbias {i}");
            }
        }
    }

    [Fact]
    public void LayerNormWeightGradientsWithoutAnInputGradient()
    {
        // x does not require grad: the backward row pass accumulates dweight and dbias only.
        const int m = 6, n = 40;
        const double eps = 1e-5;
        var xv = Data(m * n, 7);
        var gv = Data(m * n, 8, 1);
        var w = Torch.Tensor(Data(n, 9, 1)).RequiresGrad_();
        var b = Torch.Tensor(Data(n, 10, 1)).RequiresGrad_();
        var y = F.LayerNorm(Torch.Tensor(xv).View(m, n), [n], w, b, eps);
        var grads = Torch.Autograd.Grad([y], [w, b], [Torch.Tensor(gv).View(m, n)]);
        var dw = grads[0]!.ToArray<float>();
        var db = grads[1]!.ToArray<float>();
        for (int i = 0; i < n; i++)
        {
            double ew = 0, eb = 0;
            for (int r = 0; r < m; r++)
            {
                double mean = 0, var = 0;
                for (int k = 0; k < n; k++) mean += xv[r * n + k];
                mean /= n;
                for (int k = 0; k < n; k++) var += (xv[r * n + k] - mean) * (xv[r * n + k] - mean);
                ew += gv[r * n + i] * (xv[r * n + i] - mean) / Math.Sqrt(var / n + eps);
                eb += gv[r * n + i];
            }
            Near(ew, dw[i], 2e-5, $"dweight {i}");
            Near(eb, db[i], 2e-5, $"dbias {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void BatchNormChannelMapMatchesFloat64Formula(bool stream)
    {
        const double eps = 1e-5;
        foreach (var (nb, c, s) in new (int, int, int)[] { (2, 3, 16), (3, 2, 37), (2, 2, 1024) })
        {
            var xv = Data(nb * c * s, s);
            var wv = Data(c, s + 1, 1);
            var bv = Data(c, s + 2, 1);
            var y = WithStreaming(stream, () =>
                F.BatchNorm(Torch.Tensor(xv).View(nb, c, s), null, null, Torch.Tensor(wv), Torch.Tensor(bv), training: true, eps: eps)
                    .ToArray<float>());
            for (int ch = 0; ch < c; ch++)
            {
                double mean = 0, var = 0;
                for (int k = 0; k < nb; k++)
                    for (int i = 0; i < s; i++) mean += xv[(k * c + ch) * s + i];
                mean /= nb * s;
                for (int k = 0; k < nb; k++)
                    for (int i = 0; i < s; i++) var += Math.Pow(xv[(k * c + ch) * s + i] - mean, 2);
                double rstd = 1 / Math.Sqrt(var / (nb * s) + eps);
                for (int k = 0; k < nb; k++)
                    for (int i = 0; i < s; i++)
                    {
                        int at = (k * c + ch) * s + i;
                        Near((xv[at] - mean) * rstd * wv[ch] + bv[ch], y[at], 2e-5, $"[{nb}, {c}, {s}] stream {stream} at {at}");
                    }
            }
        }
    }

    // Columns holding ±∞ or NaN get PyTorch's statistics: the mean of the plain sum (±∞, or NaN where +∞ meets −∞ or
    // a NaN) and a NaN variance, wherever in the column (the first row, a later block, the other thread's rows) the value is.
    [Fact]
    public void BatchNormColumnStatisticsOfNonFiniteColumns()
    {
        const int n = 3000, c = 6;
        var xv = Data(n * c, 7);
        xv[0 * c + 0] = float.PositiveInfinity;
        xv[2000 * c + 1] = float.PositiveInfinity;
        xv[10 * c + 2] = float.NegativeInfinity;
        xv[2900 * c + 2] = float.PositiveInfinity;
        xv[5 * c + 3] = float.NaN;
        xv[1600 * c + 4] = float.NegativeInfinity;
        var (rm, rv) = (Torch.Zeros(c), Torch.Ones(c));
        F.BatchNorm(Torch.Tensor(xv).View(n, c), rm, rv, null, null, training: true, momentum: 1);
        var (mean, var) = (rm.ToArray<float>(), rv.ToArray<float>());
        Assert.Equal([float.PositiveInfinity, float.PositiveInfinity, float.NaN, float.NaN, float.NegativeInfinity], mean[..5]);
        Assert.All(var[..5], v => Assert.True(float.IsNaN(v)));
        double m5 = 0;
        for (int r = 0; r < n; r++) m5 += xv[r * c + 5];
        Near(m5 / n, mean[5], 1e-6, "finite column's mean");
        Assert.True(float.IsFinite(var[5]));
    }

    // Batch norm over [N, C] takes its column statistics in blocks of rows merged pairwise (ColumnMoments), and the
    // backward's two column sums in one pass (ColumnGradientSums): several blocks per thread, two column chunks, and
    // columns whose mean is far from zero, against float64 formulas.
    [Fact]
    public void BatchNormColumnStatisticsMatchFloat64Formula()
    {
        const double eps = 1e-5;
        foreach (var (n, c) in new (int, int)[] { (1000, 300), (150, 2100), (7, 5) })
        {
            var xv = Data(n * c, c);
            for (int i = 0; i < xv.Length; i++) xv[i] += 50 + i % c;
            var wv = Data(c, c + 1, 1);
            var bv = Data(c, c + 2, 1);
            var gv = Data(n * c, c + 3, 1);
            var x = Torch.Tensor(xv).View(n, c).RequiresGrad_();
            var (w, b) = (Torch.Tensor(wv).RequiresGrad_(), Torch.Tensor(bv).RequiresGrad_());
            var (rm, rv) = (Torch.Zeros(c), Torch.Ones(c));
            var yt = F.BatchNorm(x, rm, rv, w, b, training: true, momentum: 1, eps: eps);
            var y = yt.Detach().ToArray<float>();
            var grads = Torch.Autograd.Grad([yt], [x, w, b], [Torch.Tensor(gv).View(n, c)]).Select(t => t!.ToArray<float>()).ToArray();
            var (runMean, runVar) = (rm.ToArray<float>(), rv.ToArray<float>());
            for (int j = 0; j < c; j++)
            {
                double mean = 0, var = 0, sumG = 0, sumGh = 0;
                for (int r = 0; r < n; r++) mean += xv[r * c + j];
                mean /= n;
                for (int r = 0; r < n; r++) var += Math.Pow(xv[r * c + j] - mean, 2);
                double rstd = 1 / Math.Sqrt(var / n + eps);
                for (int r = 0; r < n; r++)
                {
                    sumG += gv[r * c + j];
                    sumGh += gv[r * c + j] * (xv[r * c + j] - mean) * rstd;
                }
                string where = $"[{n}, {c}] column {j}";
                Near(mean, runMean[j], 1e-6, where + " running mean");
                Near(var / (n - 1), runVar[j], 2e-5, where + " running var");
                Near(sumGh, grads[1][j], 2e-5 * Math.Sqrt(n), where + " weight gradient");
                Near(sumG, grads[2][j], 2e-5 * Math.Sqrt(n), where + " bias gradient");
                for (int r = 0; r < n; r++)
                {
                    int at = r * c + j;
                    double xhat = (xv[at] - mean) * rstd;
                    // Both maps are a x + b in float, with |a x| far above the result: allow a few ulps of a x.
                    double ax = Math.Abs(xv[at] * rstd * wv[j]), gx = Math.Abs(xv[at] * rstd * rstd * wv[j] * sumGh / n);
                    Near(xhat * wv[j] + bv[j], y[at], 2e-5 + 3e-7 * ax, $"{where} row {r}");
                    Near(wv[j] * rstd * (gv[at] - sumG / n - xhat * sumGh / n), grads[0][at], 2e-5 + 3e-7 * gx, $"{where} row {r} input gradient");
                }
            }
        }
    }
}
