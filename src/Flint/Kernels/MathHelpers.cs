using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels;

/// <summary>
/// A function of one double evaluated per element, for math that TensorPrimitives lacks or computes imprecisely.
/// Float spans are widened to double, so float results are correctly rounded wherever the double function is.
/// </summary>
internal interface IScalarFunction
{
    double Invoke(double x);
}

/// <summary>Loops and span reinterpretation shared by the math kernels.</summary>
internal static class MathLoops
{
    /// <summary>y[i] = f(x[i]) in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Map<TF>(TF f, ReadOnlySpan<double> x, Span<double> y) where TF : struct, IScalarFunction
    {
        for (int i = 0; i < x.Length; i++) y[i] = f.Invoke(x[i]);
    }

    /// <summary>y[i] = (float)f(x[i]) computed in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Map<TF>(TF f, ReadOnlySpan<float> x, Span<float> y) where TF : struct, IScalarFunction
    {
        for (int i = 0; i < x.Length; i++) y[i] = (float)f.Invoke(x[i]);
    }

    /// <summary>Float form of a unary kernel computed by its double form (widen, apply, round once).</summary>
    public static void ViaDouble<TOp>(TOp op, ReadOnlySpan<float> x, Span<float> y) where TOp : struct, IUnaryKernel
    {
        Span<double> bx = stackalloc double[256];
        Span<double> by = stackalloc double[256];
        for (int i = 0; i < x.Length; i += 256)
        {
            int m = Math.Min(256, x.Length - i);
            var xs = x.Slice(i, m);
            var dx = bx[..m];
            for (int k = 0; k < m; k++) dx[k] = xs[k];
            op.Apply(dx, by[..m]);
            var ys = y.Slice(i, m);
            for (int k = 0; k < m; k++) ys[k] = (float)by[k];
        }
    }

    /// <summary>The same memory as another element type (callers have checked that <typeparamref name="TTo"/> is T).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<TTo> As<TFrom, TTo>(ReadOnlySpan<TFrom> s) where TFrom : struct where TTo : struct =>
        MemoryMarshal.Cast<TFrom, TTo>(s);

    /// <summary>The same memory as another element type (callers have checked that <typeparamref name="TTo"/> is T).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<TTo> As<TFrom, TTo>(Span<TFrom> s) where TFrom : struct where TTo : struct =>
        MemoryMarshal.Cast<TFrom, TTo>(s);

    /// <summary>True for the float storage types the binary kernels compute in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsFloat<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    /// <summary>PyTorch's error for a kernel reached with a storage type it has no form for (the op layer checks first).</summary>
    public static NotSupportedException Unsupported<T>(string op) where T : unmanaged =>
        new($"\"{op}_cpu\" not implemented for '{DTypes.Of<T>().ScalarTypeName()}'");

    /// <summary>
    /// Bytes of output one thread writes in one call past which its stores bypass the caches: with two threads, an
    /// output of half the last-level cache here (32 MB) or more. Outputs land in pooled buffers that are cold in cache,
    /// whose lines would otherwise each be read from memory before being overwritten (BatchNorm1d's 16 MB input
    /// gradient: 1.86 -> 1.54 ms against 16 MB a thread, alternating processes). Settable so that tests can stream
    /// every output (0); results do not depend on it.
    /// </summary>
    public static long StreamingBytes = 8 << 20;

    /// <summary>Whether an output of <paramref name="bytes"/> split over <paramref name="threads"/> threads streams.</summary>
    public static bool Streams(long bytes, int threads) => bytes / Math.Max(threads, 1) >= StreamingBytes;

    /// <summary>
    /// Runs a float function over a span in the widest accelerated vectors, streaming the stores of an output past
    /// <see cref="StreamingBytes"/>; the tail is padded into a vector so every element takes the same path.
    /// </summary>
    public static void Lanes<TF>(TF f, ReadOnlySpan<float> x, Span<float> y) where TF : struct, IFloatFunction =>
        Lanes(f, x, y, Streams(x.Length * (long)sizeof(float), 1));

    /// <summary>As <see cref="Lanes{TF}(TF, ReadOnlySpan{float}, Span{float})"/>, streaming when <paramref name="stream"/>
    /// (and x does not overlap y).</summary>
    public static void Lanes<TF>(TF f, ReadOnlySpan<float> x, Span<float> y, bool stream) where TF : struct, IFloatFunction
    {
        if (Vector512.IsHardwareAccelerated) Lanes<TF, FloatLanes512, Vector512<float>>(f, x, y, stream);
        else Lanes<TF, FloatLanes256, Vector256<float>>(f, x, y, stream);
    }

    /// <summary>The loop of <see cref="Lanes{TF}(TF, ReadOnlySpan{float}, Span{float}, bool)"/> at one width.</summary>
    public static unsafe void Lanes<TF, TL, TV>(TF f, ReadOnlySpan<float> x, Span<float> y, bool stream)
        where TF : struct, IFloatFunction where TL : IFloatLanes<TV> where TV : struct
    {
        int n = x.Length, step = TL.Count, i = 0;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        if (stream && n >= step && !x.Overlaps(y))
        {
            // Unaligned, one ordinary vector store first, then aligned streaming stores from the first vector boundary
            // (the overlap is computed twice, from input that is not being overwritten).
            int first = FirstAligned(ref py, step);
            if (first > 0) TL.Store(f.Invoke<TL, TV>(TL.Load(in px, 0)), ref py, 0);
            for (i = first; i <= n - step; i += step)
                TL.StoreStreaming(f.Invoke<TL, TV>(TL.Load(in px, (nuint)i)), ref py, (nuint)i);
            if (Sse.IsSupported) Sse.StoreFence();
        }
        for (; i <= n - step; i += step) TL.Store(f.Invoke<TL, TV>(TL.Load(in px, (nuint)i)), ref py, (nuint)i);
        if (i == n) return;
        Span<float> tail = stackalloc float[step];
        tail.Clear();
        x[i..].CopyTo(tail);
        TL.Store(f.Invoke<TL, TV>(TL.Load(in tail[0], 0)), ref tail[0], 0);
        tail[..(n - i)].CopyTo(y[i..]);
    }

    /// <summary>The index of the first element of <paramref name="y"/> on a boundary of a vector of <paramref name="lanes"/> elements.</summary>
    private static unsafe int FirstAligned<T>(ref T y, int lanes) where T : unmanaged
    {
        nuint bytes = (nuint)(lanes * sizeof(T));
        return (int)((bytes - (nuint)Unsafe.AsPointer(ref y) % bytes) % bytes / (nuint)sizeof(T));
    }

    /// <summary>
    /// Runs a vector form over a span in <see cref="Vector256{T}"/> steps, streaming the stores of an output past
    /// <see cref="StreamingBytes"/> (as <see cref="Lanes{TF}(TF, ReadOnlySpan{float}, Span{float})"/>); the tail is
    /// padded into a vector so every element takes the same path (results do not depend on alignment or length).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Vectorized<TV, T>(TV f, ReadOnlySpan<T> x, Span<T> y)
        where TV : struct, IVectorFunction<T> where T : unmanaged
    {
        int n = x.Length, step = Vector256<T>.Count, i = 0;
        ref T px = ref MemoryMarshal.GetReference(x);
        ref T py = ref MemoryMarshal.GetReference(y);
        if (n >= step && Streams((long)n * sizeof(T), 1) && !x.Overlaps(y))
        {
            int first = FirstAligned(ref py, step);
            if (first > 0) f.Invoke(Vector256.LoadUnsafe(ref px)).StoreUnsafe(ref py);
            for (i = first; i <= n - step; i += step)
                f.Invoke(Vector256.LoadUnsafe(ref px, (nuint)i)).StoreAlignedNonTemporal((T*)Unsafe.AsPointer(ref Unsafe.Add(ref py, i)));
            if (Sse.IsSupported) Sse.StoreFence();
        }
        for (; i <= n - step; i += step)
            f.Invoke(Vector256.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        if (i == n) return;
        Span<T> tail = stackalloc T[step];
        tail.Clear();
        x[i..].CopyTo(tail);
        var r = f.Invoke(Vector256.Create<T>(tail));
        for (int k = 0; i + k < n; k++) y[i + k] = r.GetElement(k);
    }
}

/// <summary>A float function written once over vector width, for <see cref="MathLoops.Lanes{TF}(TF, ReadOnlySpan{float}, Span{float})"/>.</summary>
internal interface IFloatFunction
{
    TV Invoke<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct;
}

/// <summary>x itself: with streaming stores, a copy past the caches (the lanes' bits pass through unchanged).</summary>
internal readonly struct Copied : IFloatFunction
{
    public TV Invoke<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct => x;
}

/// <summary>x · k.</summary>
internal readonly struct ScaleBy(float k) : IFloatFunction
{
    public TV Invoke<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct => TL.Multiply(x, TL.Splat(k));
}

/// <summary>x - c.</summary>
internal readonly struct ShiftBy(float c) : IFloatFunction
{
    public TV Invoke<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct => TL.Subtract(x, TL.Splat(c));
}

/// <summary>A vector form of an elementwise function, for <see cref="MathLoops.Vectorized{TV, T}"/>.</summary>
internal interface IVectorFunction<T> where T : unmanaged
{
    Vector256<T> Invoke(Vector256<T> x);
}

/// <summary>
/// The error function and its relatives in double precision. erf and erfc follow the rational approximations of
/// FreeBSD's msun (fdlibm) <c>s_erf.c</c>, accurate to under one ulp, which is what glibc's (and so PyTorch's CPU)
/// <c>std::erf</c>/<c>std::erfc</c> compute.
/// </summary>
internal static class ErrorFunction
{
    private const double Erx = 8.45062911510467529297e-01;
    private const double Efx = 1.28379167095512586316e-01;
    private const double Efx8 = 1.02703333676410069053e+00;
    private const double Pp0 = 1.28379167095512558561e-01, Pp1 = -3.25042107247001499370e-01,
        Pp2 = -2.84817495755985104766e-02, Pp3 = -5.77027029648944159157e-03, Pp4 = -2.37630166566501626084e-05;
    private const double Qq1 = 3.97917223959155352819e-01, Qq2 = 6.50222499887672944485e-02,
        Qq3 = 5.08130628187576562776e-03, Qq4 = 1.32494738004321644526e-04, Qq5 = -3.96022827877536812320e-06;
    private const double Pa0 = -2.36211856075265944077e-03, Pa1 = 4.14856118683748331666e-01,
        Pa2 = -3.72207876035701323847e-01, Pa3 = 3.18346619901161753674e-01, Pa4 = -1.10894694282396677476e-01,
        Pa5 = 3.54783043256182359371e-02, Pa6 = -2.16637559486879084300e-03;
    private const double Qa1 = 1.06420880400844228286e-01, Qa2 = 5.40397917702171048937e-01,
        Qa3 = 7.18286544141962662868e-02, Qa4 = 1.26171219808761642112e-01, Qa5 = 1.36370839120290507362e-02,
        Qa6 = 1.19844998467991074170e-02;
    private const double Ra0 = -9.86494403484714822705e-03, Ra1 = -6.93858572707181764372e-01,
        Ra2 = -1.05586262253232909814e+01, Ra3 = -6.23753324503260060396e+01, Ra4 = -1.62396669462573470355e+02,
        Ra5 = -1.84605092906711035994e+02, Ra6 = -8.12874355063065934246e+01, Ra7 = -9.81432934416914548592e+00;
    private const double Sa1 = 1.96512716674392571292e+01, Sa2 = 1.37657754143519042600e+02,
        Sa3 = 4.34565877475229228821e+02, Sa4 = 6.45387271733267880336e+02, Sa5 = 4.29008140027567833386e+02,
        Sa6 = 1.08635005541779435134e+02, Sa7 = 6.57024977031928170135e+00, Sa8 = -6.04244152148580987438e-02;
    private const double Rb0 = -9.86494292470009928597e-03, Rb1 = -7.99283237680523006574e-01,
        Rb2 = -1.77579549177547519889e+01, Rb3 = -1.60636384855821916062e+02, Rb4 = -6.37566443368389627722e+02,
        Rb5 = -1.02509513161107724954e+03, Rb6 = -4.83519191608651397019e+02;
    private const double Sb1 = 3.03380607434824582924e+01, Sb2 = 3.25792512996573918826e+02,
        Sb3 = 1.53672958608443695994e+03, Sb4 = 3.19985821950859553908e+03, Sb5 = 2.55305040643316442583e+03,
        Sb6 = 4.74528541206955367215e+02, Sb7 = -2.24409524465858183362e+01;
    private const double Tiny = 1e-300;

    private static int HighWord(double x) => (int)(BitConverter.DoubleToInt64Bits(x) >> 32);

    private static double ClearLowWord(double x) =>
        BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(x) & unchecked((long)0xFFFFFFFF00000000UL));

    // erfc(|x|) * |x| for 1.25 <= |x| < 28 (the shared tail of erf and erfc).
    private static double Tail(double ax, int ix)
    {
        double s = 1 / (ax * ax), r, q;
        if (ix < 0x4006DB6E)
        {
            r = Ra0 + s * (Ra1 + s * (Ra2 + s * (Ra3 + s * (Ra4 + s * (Ra5 + s * (Ra6 + s * Ra7))))));
            q = 1 + s * (Sa1 + s * (Sa2 + s * (Sa3 + s * (Sa4 + s * (Sa5 + s * (Sa6 + s * (Sa7 + s * Sa8)))))));
        }
        else
        {
            r = Rb0 + s * (Rb1 + s * (Rb2 + s * (Rb3 + s * (Rb4 + s * (Rb5 + s * Rb6)))));
            q = 1 + s * (Sb1 + s * (Sb2 + s * (Sb3 + s * (Sb4 + s * (Sb5 + s * (Sb6 + s * Sb7))))));
        }
        var z = ClearLowWord(ax);
        return Math.Exp(-z * z - 0.5625) * Math.Exp((z - ax) * (z + ax) + r / q);
    }

    private static double SmallRatio(double z) =>
        (Pp0 + z * (Pp1 + z * (Pp2 + z * (Pp3 + z * Pp4)))) / (1 + z * (Qq1 + z * (Qq2 + z * (Qq3 + z * (Qq4 + z * Qq5)))));

    private static double MidRatio(double s) =>
        (Pa0 + s * (Pa1 + s * (Pa2 + s * (Pa3 + s * (Pa4 + s * (Pa5 + s * Pa6)))))) /
        (1 + s * (Qa1 + s * (Qa2 + s * (Qa3 + s * (Qa4 + s * (Qa5 + s * Qa6))))));

    /// <summary>erf(x).</summary>
    public static double Erf(double x)
    {
        int hx = HighWord(x), ix = hx & 0x7fffffff;
        if (ix >= 0x7ff00000) return double.IsNaN(x) ? x : (hx >= 0 ? 1 : -1);
        if (ix < 0x3feb0000)
        {
            if (ix < 0x3e300000) return ix < 0x00800000 ? 0.125 * (8.0 * x + Efx8 * x) : x + Efx * x;
            return x + x * SmallRatio(x * x);
        }
        if (ix < 0x3ff40000)
        {
            var pq = MidRatio(Math.Abs(x) - 1);
            return hx >= 0 ? Erx + pq : -Erx - pq;
        }
        if (ix >= 0x40180000) return hx >= 0 ? 1 - Tiny : Tiny - 1;
        var ax = Math.Abs(x);
        var t = Tail(ax, ix);
        return hx >= 0 ? 1 - t / ax : t / ax - 1;
    }

    /// <summary>erfc(x) = 1 - erf(x) without cancellation.</summary>
    public static double Erfc(double x)
    {
        int hx = HighWord(x), ix = hx & 0x7fffffff;
        if (ix >= 0x7ff00000) return double.IsNaN(x) ? x : (hx >= 0 ? 0 : 2);
        if (ix < 0x3feb0000)
        {
            if (ix < 0x3c700000) return 1 - x;
            var y = SmallRatio(x * x);
            if (hx < 0x3fd00000) return 1 - (x + x * y);
            var r = x * y + (x - 0.5);
            return 0.5 - r;
        }
        if (ix < 0x3ff40000)
        {
            var pq = MidRatio(Math.Abs(x) - 1);
            return hx >= 0 ? 1 - Erx - pq : 1 + (Erx + pq);
        }
        if (ix < 0x403c0000)
        {
            if (hx < 0 && ix >= 0x40180000) return 2 - Tiny;
            var ax = Math.Abs(x);
            var t = Tail(ax, ix);
            return hx > 0 ? t / ax : 2 - t / ax;
        }
        return hx > 0 ? Tiny * Tiny : 2 - Tiny;
    }

    /// <summary>
    /// The inverse error function as PyTorch's <c>calc_erfinv</c> computes it: a rational first guess (the MATLAB
    /// erfinv of G. L. Pavlis) refined by two Newton steps.
    /// </summary>
    public static double Erfinv(double y)
    {
        var ay = Math.Abs(y);
        if (ay > 1) return double.NaN;
        if (ay == 1) return Math.CopySign(double.PositiveInfinity, y);
        double x;
        if (ay <= 0.7)
        {
            var z = y * y;
            var num = ((-0.140543331 * z + 0.914624893) * z - 1.645349621) * z + 0.886226899;
            var dem = (((0.012229801 * z - 0.329097515) * z + 1.442710462) * z - 2.118377725) * z + 1.0;
            x = y * num / dem;
        }
        else
        {
            var z = Math.Sqrt(-Math.Log((1.0 - ay) / 2.0));
            var num = ((1.641345311 * z + 3.429567803) * z - 1.624906493) * z - 1.970840454;
            var dem = (1.637067800 * z + 3.543889200) * z + 1.0;
            x = Math.CopySign(num, y) / dem;
        }
        const double twoOverSqrtPi = 1.1283791670955126;
        x -= (Erf(x) - y) / (twoOverSqrtPi * Math.Exp(-x * x));
        x -= (Erf(x) - y) / (twoOverSqrtPi * Math.Exp(-x * x));
        return x;
    }

    /// <summary>exp(x) - 1 without cancellation near 0 (Kahan's correction of exp(x) - 1).</summary>
    public static double Expm1(double x)
    {
        if (Math.Abs(x) >= 0.5) return Math.Exp(x) - 1;
        var u = Math.Exp(x);
        if (u == 1.0) return x;
        var um1 = u - 1.0;
        if (um1 == -1.0) return -1.0;
        return um1 * x / Math.Log(u);
    }

    /// <summary>log(1 + x) without cancellation near 0 (Goldberg's correction).</summary>
    public static double Log1p(double x)
    {
        var u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsInfinity(u) || u <= 0) return Math.Log(u);
        return Math.Log(u) * x / (u - 1.0);
    }
}

/// <summary>Scalar helpers for integer kernels.</summary>
internal static class IntegerMath
{
    /// <summary>a to the power b with wrap-around, as PyTorch's <c>powi</c> (negative b: 1, ±1 or 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Pow<T>(T a, T b) where T : IBinaryInteger<T>
    {
        if (T.IsNegative(b))
        {
            if (a == T.One) return T.One;
            if (a == -T.One) return T.IsOddInteger(b) ? -T.One : T.One;
            return T.Zero;
        }
        var r = T.One;
        while (b != T.Zero)
        {
            if (T.IsOddInteger(b)) r *= a;
            b >>>= 1;
            a *= a;
        }
        return r;
    }
}
