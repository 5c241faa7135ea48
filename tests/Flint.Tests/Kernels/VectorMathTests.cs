using System.Runtime.Intrinsics;
using Flint.Kernels;

namespace Flint.Tests.Kernels;

/// <summary>The 8-lane float exp/log against correctly rounded double results, over the whole float range.</summary>
public class VectorMathTests
{
    private static float Ulps(float actual, double exact)
    {
        var e = (float)exact;
        if (float.IsNaN(e)) return float.IsNaN(actual) ? 0 : float.PositiveInfinity;
        if (float.IsInfinity(e) || e == 0) return actual == e ? 0 : float.PositiveInfinity;
        var ulp = MathF.BitIncrement(MathF.Abs(e)) - MathF.Abs(e);
        return (float)(Math.Abs(actual - exact) / ulp);
    }

    private static IEnumerable<float> Sweep(float lo, float hi, int n)
    {
        for (int i = 0; i < n; i++) yield return lo + (hi - lo) * i / (n - 1);
    }

    [Fact]
    public void ExpIsWithinTwoUlpsIncludingSubnormalResultsAndSpecials()
    {
        var xs = Sweep(-104.5f, 89.5f, 200_003).Concat([0f, -0f, 1e-30f, -1e-30f, 88.7f, 88.73f, -87.5f, -103.9f, -104f,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN]).ToArray();
        for (int i = 0; i < xs.Length; i += 8)
        {
            var chunk = new float[8];
            Array.Copy(xs, i, chunk, 0, Math.Min(8, xs.Length - i));
            var r = VectorMath.Exp(Vector256.Create(chunk));
            for (int k = 0; k < 8 && i + k < xs.Length; k++)
            {
                var exact = Math.Exp(chunk[k]);
                // Subnormal results carry fewer significant bits: compare them absolutely.
                if (exact < 1.17549435e-38 && exact > 0)
                    Assert.True(Math.Abs(r[k] - exact) <= 2 * float.Epsilon, $"exp({chunk[k]:R}) = {r[k]:R}, exact {exact:R}");
                else
                    Assert.True(Ulps(r[k], exact) <= 2, $"exp({chunk[k]:R}) = {r[k]:R}, exact {exact:R}");
            }
        }
    }

    [Fact]
    public void LogIsWithinTwoUlpsIncludingSubnormalInputsAndSpecials()
    {
        var xs = Sweep(-20f, 20f, 100_001).Select(MathF.Exp)
            .Concat([1f, 2f, 0.5f, 1e-40f, 1e-45f, 3e-39f, float.MaxValue, 0f, -0f, -1f, float.PositiveInfinity, float.NaN])
            .ToArray();
        for (int i = 0; i < xs.Length; i += 8)
        {
            var chunk = new float[8];
            Array.Fill(chunk, 1f);
            Array.Copy(xs, i, chunk, 0, Math.Min(8, xs.Length - i));
            var r = VectorMath.Log(Vector256.Create(chunk));
            for (int k = 0; k < 8 && i + k < xs.Length; k++)
                Assert.True(Ulps(r[k], Math.Log(chunk[k])) <= 2, $"log({chunk[k]:R}) = {r[k]:R}, exact {Math.Log(chunk[k]):R}");
        }
    }
}
