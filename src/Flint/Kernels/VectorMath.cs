using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels;

/// <summary>
/// Single-precision exp, log, tanh and sigmoid on vectors of any width (Cephes' expf/logf polynomials with FMA,
/// within 1-2 ulp over the whole range including subnormal results and inputs, inf and NaN). They exist because
/// TensorPrimitives' and Vector256's float Exp/Log compute through double and measured 10-20x slower here than these,
/// and exp/log sit under softmax, cross entropy, sigmoid and tanh. Each is written once over
/// <see cref="IFloatLanes{TV}"/>; the JIT compiles one copy per width.
/// </summary>
internal static class VectorMath
{
    /// <summary>y = exp(x) for float (vectors) or double (per element, faster here than the vector library).</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) new ExpKernel().Apply(MathLoops.As<T, float>(x), MathLoops.As<T, float>(y));
        else if (typeof(T) == typeof(double)) new ExpKernel().Apply(MathLoops.As<T, double>(x), MathLoops.As<T, double>(y));
        else throw MathLoops.Unsupported<T>("exp");
    }

    /// <summary>y = log(x) for float (vectors) or double (per element).</summary>
    public static void Log<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) new LogKernel().Apply(MathLoops.As<T, float>(x), MathLoops.As<T, float>(y));
        else if (typeof(T) == typeof(double)) new LogKernel().Apply(MathLoops.As<T, double>(x), MathLoops.As<T, double>(y));
        else throw MathLoops.Unsupported<T>("log");
    }

    /// <summary>y = tanh(x) for float (vectors) or double (per element).</summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) new TanhKernel().Apply(MathLoops.As<T, float>(x), MathLoops.As<T, float>(y));
        else if (typeof(T) == typeof(double)) new TanhKernel().Apply(MathLoops.As<T, double>(x), MathLoops.As<T, double>(y));
        else throw MathLoops.Unsupported<T>("tanh");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct =>
        // Past the clamps the result has overflowed to inf or underflowed to 0 in ScaleB; NaN is restored last.
        TL.Select(TL.Equal(x, x), ExpOfClamped<TL, TV>(TL.Min(TL.Max(x, TL.Splat(-104f)), TL.Splat(89f))), x);

    /// <summary>
    /// <see cref="Exp{TL, TV}"/> of x ≤ 0 or −∞, never NaN (softmax's x − max on a row whose max is finite), without the
    /// upper clamp and the NaN select: the same bits on those inputs, three operations of seventeen fewer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpOfNonPositive<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct =>
        ExpOfClamped<TL, TV>(TL.Max(x, TL.Splat(-104f)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpOfClamped<TL, TV>(TV clamped) where TL : IFloatLanes<TV> where TV : struct
    {
        var fx = TL.Floor(TL.Fma(clamped, TL.Splat(1.44269504088896341f), TL.Splat(0.5f)));
        var r = TL.Fma(fx, TL.Splat(-0.693359375f), clamped);
        r = TL.Fma(fx, TL.Splat(2.12194440e-4f), r);
        var z = TL.Multiply(r, r);
        var p = TL.Splat(1.9875691500E-4f);
        p = TL.Fma(p, r, TL.Splat(1.3981999507E-3f));
        p = TL.Fma(p, r, TL.Splat(8.3334519073E-3f));
        p = TL.Fma(p, r, TL.Splat(4.1665795894E-2f));
        p = TL.Fma(p, r, TL.Splat(1.6666665459E-1f));
        p = TL.Fma(p, r, TL.Splat(5.0000001201E-1f));
        p = TL.Fma(p, z, TL.Add(r, TL.Splat(1f)));
        return TL.ScaleB(p, fx);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct
    {
        var m = TL.Frexp(x, out var ef);
        var small = TL.LessThan(m, TL.Splat(0.707106781186547524f));
        ef = TL.Select(small, TL.Subtract(ef, TL.Splat(1f)), ef);
        var t = TL.Subtract(TL.Select(small, TL.Add(m, m), m), TL.Splat(1f));
        var z = TL.Multiply(t, t);
        var p = TL.Splat(7.0376836292E-2f);
        p = TL.Fma(p, t, TL.Splat(-1.1514610310E-1f));
        p = TL.Fma(p, t, TL.Splat(1.1676998740E-1f));
        p = TL.Fma(p, t, TL.Splat(-1.2420140846E-1f));
        p = TL.Fma(p, t, TL.Splat(1.4249322787E-1f));
        p = TL.Fma(p, t, TL.Splat(-1.6668057665E-1f));
        p = TL.Fma(p, t, TL.Splat(2.0000714765E-1f));
        p = TL.Fma(p, t, TL.Splat(-2.4999993993E-1f));
        p = TL.Fma(p, t, TL.Splat(3.3333331174E-1f));
        var y = TL.Multiply(TL.Multiply(p, t), z);
        y = TL.Fma(ef, TL.Splat(-2.12194440e-4f), y);
        y = TL.Fma(z, TL.Splat(-0.5f), y);
        var result = TL.Fma(ef, TL.Splat(0.693359375f), TL.Add(t, y));
        // Special values: log(0) = -inf, log(negative) = NaN, log(inf) = inf, NaN stays NaN.
        result = TL.Select(TL.Equal(x, TL.Splat(0f)), TL.Splat(float.NegativeInfinity), result);
        result = TL.Select(TL.LessThan(x, TL.Splat(0f)), TL.Splat(float.NaN), result);
        result = TL.Select(TL.Equal(x, TL.Splat(float.PositiveInfinity)), x, result);
        return TL.Select(TL.Equal(x, x), result, x);
    }

    /// <summary>
    /// An odd polynomial below |x| = 0.625 (Cephes' tanhf) and 1 - 2/(e^{2|x|} + 1) above, both within 2 ulp.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Tanh<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct
    {
        var ax = TL.Abs(x);
        var s = TL.Multiply(x, x);
        var poly = TL.Fma(TL.Splat(-5.70498872745E-3f), s, TL.Splat(2.06390887954E-2f));
        poly = TL.Fma(poly, s, TL.Splat(-5.37397155531E-2f));
        poly = TL.Fma(poly, s, TL.Splat(1.33314422036E-1f));
        poly = TL.Fma(poly, s, TL.Splat(-3.33332819422E-1f));
        poly = TL.Fma(TL.Multiply(poly, s), x, x);
        var e = Exp<TL, TV>(TL.Add(ax, ax));
        var big = TL.Subtract(TL.Splat(1f), TL.Divide(TL.Splat(2f), TL.Add(e, TL.Splat(1f))));
        return TL.Select(TL.LessThan(ax, TL.Splat(0.625f)), poly, TL.CopySign(big, x));
    }

    /// <summary>1 / (1 + e^-x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct =>
        TL.Divide(TL.Splat(1f), TL.Add(TL.Splat(1f), Exp<TL, TV>(TL.Subtract(TL.Splat(0f), x))));
}

/// <summary>
/// The float vector operations the math kernels need, for one vector width. Comparisons return all-ones lanes where
/// they hold, for <see cref="Select"/>.
/// </summary>
internal interface IFloatLanes<TV> where TV : struct
{
    static abstract int Count { get; }

    static abstract TV Splat(float v);

    static abstract TV Load(ref readonly float p, nuint i);

    static abstract void Store(TV v, ref float p, nuint i);

    /// <summary>A non-temporal store (bypassing the caches) to an address aligned to the vector's size.</summary>
    static abstract void StoreStreaming(TV v, ref float p, nuint i);

    static abstract TV Add(TV a, TV b);

    static abstract TV Subtract(TV a, TV b);

    static abstract TV Multiply(TV a, TV b);

    static abstract TV Divide(TV a, TV b);

    /// <summary>a · b + c, rounded once.</summary>
    static abstract TV Fma(TV a, TV b, TV c);

    /// <summary>The smaller lane; either operand when one is NaN.</summary>
    static abstract TV Min(TV a, TV b);

    /// <summary>The larger lane; either operand when one is NaN.</summary>
    static abstract TV Max(TV a, TV b);

    static abstract TV Floor(TV a);

    static abstract TV Abs(TV a);

    static abstract TV CopySign(TV magnitude, TV sign);

    static abstract TV LessThan(TV a, TV b);

    static abstract TV Equal(TV a, TV b);

    /// <summary>Lanes of <paramref name="a"/> where <paramref name="mask"/> is set, else of <paramref name="b"/>.</summary>
    static abstract TV Select(TV mask, TV a, TV b);

    /// <summary>p · 2^n for integral n in [-150, 128], rounded once (overflow to inf, underflow through subnormals to 0).</summary>
    static abstract TV ScaleB(TV p, TV n);

    /// <summary>For positive finite x (subnormals too): m in [0.5, 1) and the exponent e with x = m · 2^e.</summary>
    static abstract TV Frexp(TV x, out TV exponent);

    static abstract float Sum(TV v);
}

/// <summary>512-bit float vectors (AVX-512: scalef and getmant/getexp do ScaleB and Frexp in one instruction each).</summary>
internal readonly struct FloatLanes512 : IFloatLanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Splat(float v) => Vector512.Create(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref readonly float p, nuint i) => Vector512.LoadUnsafe(in p, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> v, ref float p, nuint i) => v.StoreUnsafe(ref p, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreStreaming(Vector512<float> v, ref float p, nuint i) =>
        v.StoreAlignedNonTemporal((float*)Unsafe.AsPointer(ref Unsafe.Add(ref p, i)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Floor(Vector512<float> a) => Vector512.Floor(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> a) => Vector512.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> CopySign(Vector512<float> magnitude, Vector512<float> sign) => Vector512.CopySign(magnitude, sign);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LessThan(Vector512<float> a, Vector512<float> b) => Vector512.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Equal(Vector512<float> a, Vector512<float> b) => Vector512.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Select(Vector512<float> mask, Vector512<float> a, Vector512<float> b) => Vector512.ConditionalSelect(mask, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ScaleB(Vector512<float> p, Vector512<float> n) => Avx512F.Scale(p, n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Frexp(Vector512<float> x, out Vector512<float> exponent)
    {
        exponent = Avx512F.GetExponent(x) + Vector512<float>.One;
        return Avx512F.GetMantissa(x, 0b0010);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> v) => Vector512.Sum(v);
}

/// <summary>256-bit float vectors (AVX2; the exponent is built and read with integer shifts).</summary>
internal readonly struct FloatLanes256 : IFloatLanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Splat(float v) => Vector256.Create(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref readonly float p, nuint i) => Vector256.LoadUnsafe(in p, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> v, ref float p, nuint i) => v.StoreUnsafe(ref p, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreStreaming(Vector256<float> v, ref float p, nuint i) =>
        v.StoreAlignedNonTemporal((float*)Unsafe.AsPointer(ref Unsafe.Add(ref p, i)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Floor(Vector256<float> a) => Vector256.Floor(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> a) => Vector256.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> CopySign(Vector256<float> magnitude, Vector256<float> sign) => Vector256.CopySign(magnitude, sign);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LessThan(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Equal(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(mask, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ScaleB(Vector256<float> p, Vector256<float> n)
    {
        // 2^n as two factors, each a normal float, so that one rounding (the last multiply) takes results through the
        // subnormal range.
        var ni = Vector256.ConvertToInt32(n);
        var n1 = Vector256.ShiftRightArithmetic(ni, 1);
        var s1 = Vector256.ShiftLeft(n1 + Vector256.Create(127), 23).AsSingle();
        var s2 = Vector256.ShiftLeft(ni - n1 + Vector256.Create(127), 23).AsSingle();
        return p * s1 * s2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Frexp(Vector256<float> x, out Vector256<float> exponent)
    {
        // Subnormals are scaled into the normal range first.
        var tiny = Vector256.LessThan(x, Vector256.Create(1.17549435e-38f));
        var bits = Vector256.ConditionalSelect(tiny, x * Vector256.Create(8388608f), x).AsInt32();
        var e = Vector256.ShiftRightLogical(bits, 23) - Vector256.Create(126);
        exponent = Vector256.ConvertToSingle(Vector256.ConditionalSelect(tiny.AsInt32(), e - Vector256.Create(23), e));
        return ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F000000)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> v) => Vector256.Sum(v);
}
