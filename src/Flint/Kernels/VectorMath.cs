using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels;

/// <summary>
/// Single-precision exp and log on 8 lanes (Cephes' expf/logf polynomials with FMA, within 1-2 ulp over the whole
/// range including subnormal results and inputs, inf and NaN). They exist because TensorPrimitives' and
/// Vector256's float Exp/Log compute through double and measured 10-20x slower here than these, and exp/log sit
/// under softmax, cross entropy, sigmoid and tanh.
/// </summary>
internal static class VectorMath
{
    /// <summary>y = exp(x) for float (8 lanes) or double (per element, faster here than the vector library).</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) new ExpKernel().Apply(MathLoops.As<T, float>(x), MathLoops.As<T, float>(y));
        else if (typeof(T) == typeof(double)) new ExpKernel().Apply(MathLoops.As<T, double>(x), MathLoops.As<T, double>(y));
        else throw MathLoops.Unsupported<T>("exp");
    }

    /// <summary>y = log(x) for float (8 lanes) or double (per element).</summary>
    public static void Log<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) new LogKernel().Apply(MathLoops.As<T, float>(x), MathLoops.As<T, float>(y));
        else if (typeof(T) == typeof(double)) new LogKernel().Apply(MathLoops.As<T, double>(x), MathLoops.As<T, double>(y));
        else throw MathLoops.Unsupported<T>("log");
    }

    /// <summary>y = tanh(x) for float (8 lanes) or double (per element).</summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) new TanhKernel().Apply(MathLoops.As<T, float>(x), MathLoops.As<T, float>(y));
        else if (typeof(T) == typeof(double)) new TanhKernel().Apply(MathLoops.As<T, double>(x), MathLoops.As<T, double>(y));
        else throw MathLoops.Unsupported<T>("tanh");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var clamped = Vector256.Min(Vector256.Max(x, Vector256.Create(-104f)), Vector256.Create(89f));
        var fx = Vector256.Floor(Vector256.FusedMultiplyAdd(clamped, Vector256.Create(1.44269504088896341f), Vector256.Create(0.5f)));
        var r = Vector256.FusedMultiplyAdd(fx, Vector256.Create(-0.693359375f), clamped);
        r = Vector256.FusedMultiplyAdd(fx, Vector256.Create(2.12194440e-4f), r);
        var z = r * r;
        var p = Vector256.Create(1.9875691500E-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507E-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073E-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894E-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459E-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201E-1f));
        p = Vector256.FusedMultiplyAdd(p, z, r + Vector256<float>.One);
        // 2^n as two factors so that results down to the subnormal range stay exact in the exponent.
        var n = Vector256.ConvertToInt32(fx);
        var n1 = Vector256.ShiftRightArithmetic(n, 1);
        var n2 = n - n1;
        var s1 = Vector256.ShiftLeft(n1 + Vector256.Create(127), 23).AsSingle();
        var s2 = Vector256.ShiftLeft(n2 + Vector256.Create(127), 23).AsSingle();
        var result = p * s1 * s2;
        result = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(88.72283935546875f)),
            Vector256.Create(float.PositiveInfinity), result);
        result = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-103.97208f)), Vector256<float>.Zero, result);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log(Vector256<float> x)
    {
        // Scale subnormals into the normal range first.
        var tiny = Vector256.LessThan(x, Vector256.Create(1.17549435e-38f));
        var xs = Vector256.ConditionalSelect(tiny, x * Vector256.Create(8388608f), x);
        var bits = xs.AsInt32();
        var e = Vector256.ShiftRightLogical(bits, 23) - Vector256.Create(126);
        e = Vector256.ConditionalSelect(tiny.AsInt32(), e - Vector256.Create(23), e);
        // Mantissa in [0.5, 1).
        var m = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F000000)).AsSingle();
        var ef = Vector256.ConvertToSingle(e);
        var small = Vector256.LessThan(m, Vector256.Create(0.707106781186547524f));
        ef = Vector256.ConditionalSelect(small, ef - Vector256<float>.One, ef);
        var t = Vector256.ConditionalSelect(small, m + m, m) - Vector256<float>.One;
        var z = t * t;
        var p = Vector256.Create(7.0376836292E-2f);
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-1.1514610310E-1f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(1.1676998740E-1f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-1.2420140846E-1f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(1.4249322787E-1f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-1.6668057665E-1f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(2.0000714765E-1f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-2.4999993993E-1f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(3.3333331174E-1f));
        var y = p * t * z;
        y = Vector256.FusedMultiplyAdd(ef, Vector256.Create(-2.12194440e-4f), y);
        y = Vector256.FusedMultiplyAdd(z, Vector256.Create(-0.5f), y);
        var result = t + y;
        result = Vector256.FusedMultiplyAdd(ef, Vector256.Create(0.693359375f), result);
        // Special values: log(0) = -inf, log(negative) = NaN, log(inf) = inf, NaN stays NaN.
        result = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256<float>.Zero), Vector256.Create(float.NegativeInfinity), result);
        result = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256.Create(float.NaN), result);
        result = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256.Create(float.PositiveInfinity)), x, result);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }
}
