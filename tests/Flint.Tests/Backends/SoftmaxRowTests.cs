namespace Flint.Tests.Backends;

/// <summary>
/// The fused float32 softmax / log_softmax row kernel against float64 formulas on the same data: lengths around the
/// 16-lane step (the -inf padded tail), -inf entries, a NaN row and a single element.
/// </summary>
public class SoftmaxRowTests
{
    [Fact]
    public void RowsMatchFloat64Formula()
    {
        var rng = new Random(3);
        foreach (var n in new[] { 1, 2, 7, 15, 16, 17, 31, 33, 100, 1000 })
        {
            const int rows = 3;
            var v = new float[rows * n];
            for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 20 - 10);
            if (n > 2) v[n + 1] = float.NegativeInfinity;
            v[2 * n] = float.NaN;
            var x = Torch.Tensor(v).View(rows, n);
            var sm = x.Softmax(1).ToArray<float>();
            var lsm = x.LogSoftmax(1).ToArray<float>();
            for (int r = 0; r < rows; r++)
            {
                double max = double.NegativeInfinity, sum = 0;
                bool nan = false;
                for (int i = 0; i < n; i++) { nan |= float.IsNaN(v[r * n + i]); max = Math.Max(max, v[r * n + i]); }
                for (int i = 0; i < n; i++) sum += Math.Exp(v[r * n + i] - max);
                for (int i = 0; i < n; i++)
                {
                    int k = r * n + i;
                    if (nan)
                    {
                        Assert.True(float.IsNaN(sm[k]) && float.IsNaN(lsm[k]), $"n={n} row {r}: NaN row gives NaN");
                        continue;
                    }
                    double e = Math.Exp(v[k] - max) / sum, l = v[k] - max - Math.Log(sum);
                    Assert.True(Math.Abs(sm[k] - e) <= 1e-5 * e + 1e-37, $"n={n} [{r},{i}] softmax {sm[k]} vs {e}");
                    if (double.IsNegativeInfinity(l)) Assert.Equal(float.NegativeInfinity, lsm[k]);
                    else Assert.True(Math.Abs(lsm[k] - l) <= 1e-6 * Math.Max(1, Math.Abs(l)), $"n={n} [{r},{i}] log_softmax {lsm[k]} vs {l}");
                }
            }
        }
    }
}
