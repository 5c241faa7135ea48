using System.Runtime.Intrinsics;
using Flint.Kernels;

namespace Flint.Tests.Kernels;

/// <summary>
/// The float exp/log/tanh/sigmoid at each vector width against correctly rounded double results, over the whole float
/// range, in every lane position.
/// </summary>
public class VectorMathTests
{
    public static TheoryData<int> Widths => [256, 512];

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

    private readonly struct ExpF : IFloatFunction
    {
        public TV Invoke<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct => VectorMath.Exp<TL, TV>(x);
    }

    private readonly struct ExpOfNonPositiveF : IFloatFunction
    {
        public TV Invoke<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct => VectorMath.ExpOfNonPositive<TL, TV>(x);
    }

    private readonly struct LogF : IFloatFunction
    {
        public TV Invoke<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct => VectorMath.Log<TL, TV>(x);
    }

    private readonly struct TanhF : IFloatFunction
    {
        public TV Invoke<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct => VectorMath.Tanh<TL, TV>(x);
    }

    private readonly struct SigmoidF : IFloatFunction
    {
        public TV Invoke<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct => VectorMath.Sigmoid<TL, TV>(x);
    }

    // xs through the function one vector of the given width at a time (the last one padded with 1).
    private static float[] At<TF>(int width, float[] xs) where TF : struct, IFloatFunction
    {
        Skip.If(width == 512 && !Vector512.IsHardwareAccelerated, "no 512-bit vectors on this machine");
        int lanes = width / 32;
        var ys = new float[xs.Length];
        var chunk = new float[lanes];
        for (int i = 0; i < xs.Length; i += lanes)
        {
            Array.Fill(chunk, 1f);
            Array.Copy(xs, i, chunk, 0, Math.Min(lanes, xs.Length - i));
            if (width == 512) default(TF).Invoke<FloatLanes512, Vector512<float>>(Vector512.Create(chunk)).CopyTo(chunk);
            else default(TF).Invoke<FloatLanes256, Vector256<float>>(Vector256.Create(chunk)).CopyTo(chunk);
            Array.Copy(chunk, 0, ys, i, Math.Min(lanes, xs.Length - i));
        }
        return ys;
    }

    [SkippableTheory]
    [MemberData(nameof(Widths))]
    public void ExpIsWithinTwoUlpsIncludingSubnormalResultsAndSpecials(int width)
    {
        var xs = Sweep(-104.5f, 89.5f, 200_003).Concat([0f, -0f, 1e-30f, -1e-30f, 88.7f, 88.72283935546875f, 88.7228470f,
            88.73f, -87.5f, -103.9f, -103.972f, -103.9721f, -104f, float.PositiveInfinity, float.NegativeInfinity, float.NaN]).ToArray();
        var r = At<ExpF>(width, xs);
        for (int i = 0; i < xs.Length; i++)
        {
            var exact = Math.Exp(xs[i]);
            // Subnormal results carry fewer significant bits: compare them absolutely.
            if (exact < 1.17549435e-38 && exact > 0)
                Assert.True(Math.Abs(r[i] - exact) <= 2 * float.Epsilon, $"exp({xs[i]:R}) = {r[i]:R}, exact {exact:R}");
            else
                Assert.True(Ulps(r[i], exact) <= 2, $"exp({xs[i]:R}) = {r[i]:R}, exact {exact:R}");
        }
    }

    /// <summary>Softmax's shorter exp gives Exp's bits on every input it is used for: x ≤ 0 and −∞.</summary>
    [SkippableTheory]
    [MemberData(nameof(Widths))]
    public void ExpOfNonPositiveEqualsExpOnNonPositiveInputs(int width)
    {
        var xs = Sweep(-120f, 0f, 100_003).Concat([-0f, -1e-30f, -87.5f, -103.9f, -103.972f, -104f, -104.5f, -1e30f,
            float.NegativeInfinity, -float.Epsilon]).ToArray();
        var expected = At<ExpF>(width, xs);
        var actual = At<ExpOfNonPositiveF>(width, xs);
        for (int i = 0; i < xs.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"exp({xs[i]:R}): {actual[i]:R} against {expected[i]:R}");
    }

    [SkippableTheory]
    [MemberData(nameof(Widths))]
    public void LogIsWithinTwoUlpsIncludingSubnormalInputsAndSpecials(int width)
    {
        var xs = Sweep(-20f, 20f, 100_001).Select(MathF.Exp)
            .Concat([1f, 2f, 0.5f, 1e-40f, 1e-45f, 3e-39f, float.MaxValue, 0f, -0f, -1f, -1e-40f, float.NegativeInfinity,
                float.PositiveInfinity, float.NaN])
            .ToArray();
        var r = At<LogF>(width, xs);
        for (int i = 0; i < xs.Length; i++)
            Assert.True(Ulps(r[i], Math.Log(xs[i])) <= 2, $"log({xs[i]:R}) = {r[i]:R}, exact {Math.Log(xs[i]):R}");
    }

    [SkippableTheory]
    [MemberData(nameof(Widths))]
    public void TanhIsWithinTwoUlpsAndSigmoidWithinFour(int width)
    {
        var xs = Sweep(-20f, 20f, 100_001).Concat([0f, -0f, 0.625f, -0.625f, 1e-30f, 100f, -100f, float.PositiveInfinity,
            float.NegativeInfinity, float.NaN]).ToArray();
        var t = At<TanhF>(width, xs);
        var s = At<SigmoidF>(width, xs);
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.True(Ulps(t[i], Math.Tanh(xs[i])) <= 2, $"tanh({xs[i]:R}) = {t[i]:R}, exact {Math.Tanh(xs[i]):R}");
            // Where e^-x overflows float, PyTorch's 1 / (1 + e^-x) is 0 too.
            var sig = xs[i] < -88.8f ? 0 : 1 / (1 + Math.Exp(-(double)xs[i]));
            // exp's 2 ulp, then the rounding of 1 + e and of the quotient.
            Assert.True(Ulps(s[i], sig) <= 4, $"sigmoid({xs[i]:R}) = {s[i]:R}, exact {sig:R}");
        }
    }

    [Fact]
    public void ALargeOutputIsStreamedWithEveryElementWritten()
    {
        // Past MathLoops.StreamingBytes the kernel stores around the vector alignment of y: one unaligned head vector,
        // aligned streaming stores, a padded tail. Offsets 1 and 3 put x and y on different alignments.
        int n = (int)(MathLoops.StreamingBytes / sizeof(float)) + 37;
        var x = new float[n + 1];
        var y = new float[n + 3];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 20011) * 0.01f - 100f;
        new ExpKernel().Apply(x.AsSpan(1), y.AsSpan(3));
        for (int i = 0; i < n; i++)
        {
            var exact = Math.Exp(x[i + 1]);
            Assert.True(exact < 1.17549435e-38 ? Math.Abs(y[i + 3] - exact) <= 2 * float.Epsilon : Ulps(y[i + 3], exact) <= 2,
                $"exp({x[i + 1]:R}) at {i} = {y[i + 3]:R}, exact {exact:R}");
        }
        Assert.Equal(0f, y[0]);
        Assert.Equal(0f, y[2]);
    }
}
