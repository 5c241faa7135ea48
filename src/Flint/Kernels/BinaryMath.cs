using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels;

/// <summary>An integer-only binary span form, reached from a generic kernel through <see cref="IntegerDispatch"/>.</summary>
internal interface IIntegerBinary
{
    void Apply<TI>(ReadOnlySpan<TI> a, ReadOnlySpan<TI> b, Span<TI> c) where TI : unmanaged, IBinaryInteger<TI>;
}

/// <summary>Routes a generic INumber span call to an integer form with the concrete integer type.</summary>
internal static class IntegerDispatch
{
    public static void Run<TOp, T>(TOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, string name)
        where TOp : struct, IIntegerBinary where T : unmanaged
    {
        if (typeof(T) == typeof(long)) op.Apply(MathLoops.As<T, long>(a), MathLoops.As<T, long>(b), MathLoops.As<T, long>(c));
        else if (typeof(T) == typeof(int)) op.Apply(MathLoops.As<T, int>(a), MathLoops.As<T, int>(b), MathLoops.As<T, int>(c));
        else if (typeof(T) == typeof(short)) op.Apply(MathLoops.As<T, short>(a), MathLoops.As<T, short>(b), MathLoops.As<T, short>(c));
        else if (typeof(T) == typeof(sbyte)) op.Apply(MathLoops.As<T, sbyte>(a), MathLoops.As<T, sbyte>(b), MathLoops.As<T, sbyte>(c));
        else if (typeof(T) == typeof(byte)) op.Apply(MathLoops.As<T, byte>(a), MathLoops.As<T, byte>(b), MathLoops.As<T, byte>(c));
        else throw MathLoops.Unsupported<T>(name);
    }

    /// <summary>PyTorch's error for integer division by zero.</summary>
    public static void CheckNoZero<T>(ReadOnlySpan<T> b) where T : unmanaged, INumber<T>
    {
        if (b.Contains(T.Zero)) throw new DivideByZeroException("ZeroDivisionError");
    }
}

/// <summary>
/// a to the power b (<c>torch.pow</c> of two tensors): floats through TensorPrimitives (C's pow), integers by exact
/// repeated squaring with wrap-around, where negative exponents give 1, ±1 or 0 as in PyTorch's <c>powi</c>.
/// </summary>
public readonly struct PowKernel : IBinaryKernel, IIntegerBinary
{
    /// <inheritdoc/>
    public static string Name => "pow";
    /// <inheritdoc/>
    public static string Cuda => "pow(a, b)";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) TensorPrimitives.Pow(MathLoops.As<T, float>(a), MathLoops.As<T, float>(b), MathLoops.As<T, float>(c));
        else if (typeof(T) == typeof(double)) TensorPrimitives.Pow(MathLoops.As<T, double>(a), MathLoops.As<T, double>(b), MathLoops.As<T, double>(c));
        else IntegerDispatch.Run(this, a, b, c, Name);
    }

    void IIntegerBinary.Apply<TI>(ReadOnlySpan<TI> a, ReadOnlySpan<TI> b, Span<TI> c)
    {
        for (int i = 0; i < c.Length; i++) c[i] = IntegerMath.Pow(a[i], b[i]);
    }
}

/// <summary>
/// Python's modulus, with the sign of the divisor (<c>torch.remainder</c>): fmod(a, b) + b when the signs differ.
/// Integer division by zero raises, as in PyTorch.
/// </summary>
public readonly struct RemainderKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "remainder";
    /// <inheritdoc/>
    public static string Cuda => "remainder(a, b)";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (!MathLoops.IsFloat<T>()) IntegerDispatch.CheckNoZero(b);
        int i = typeof(T) == typeof(float) ? Floats(MathLoops.As<T, float>(a), MathLoops.As<T, float>(b), MathLoops.As<T, float>(c)) : 0;
        for (; i < c.Length; i++) c[i] = Of(a[i], b[i]);
    }

    // fmod (C's, exact) moved to the divisor's sign, as PyTorch's kernel does.
    private static T Of<T>(T x, T y) where T : unmanaged, INumber<T>
    {
        T m = x % y;
        if (m != T.Zero && (y < T.Zero) != (m < T.Zero)) m += y;
        return m;
    }

    // Eight floats a step through doubles: for a finite divisor and a quotient under 2^29, trunc(a / b) in double is the
    // exact quotient's integer part (a float quotient is at least 2^-24 from any integer it is not, and the double's
    // error is under that), and a − n·b is exact in double, so fmod comes out exact; a step with any other lane takes
    // the scalar fmod. The scalar fmod per element took 36 ms over 4M floats; this, 2.0 (PyTorch, vectorised: 2.8).
    private static int Floats(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c)
    {
        if (!Vector256.IsHardwareAccelerated) return 0;
        int i = 0;
        var limit = Vector256.Create(536870912.0);
        var huge = Vector256.Create(float.MaxValue);
        for (; i + 8 <= c.Length; i += 8)
        {
            var x = Vector256.Create(a.Slice(i, 8));
            var y = Vector256.Create(b.Slice(i, 8));
            var (xl, xh) = Vector256.Widen(x);
            var (yl, yh) = Vector256.Widen(y);
            var ql = xl / yl;
            var qh = xh / yh;
            if (!Vector256.LessThanAll(Vector256.Abs(ql), limit) || !Vector256.LessThanAll(Vector256.Abs(qh), limit)
                || !Vector256.LessThanOrEqualAll(Vector256.Abs(y), huge))
            {
                for (int k = i; k < i + 8; k++) c[k] = Of(a[k], b[k]);
                continue;
            }
            var rl = xl - Vector256.Truncate(ql) * yl;
            var rh = xh - Vector256.Truncate(qh) * yh;
            // fmod's result, zero included, has the dividend's sign.
            var m = Vector256.CopySign(Vector256.Narrow(rl, rh), x);
            var zero = Vector256<float>.Zero;
            var shift = ~Vector256.Equals(m, zero) & (Vector256.LessThan(y, zero) ^ Vector256.LessThan(m, zero));
            Vector256.ConditionalSelect(shift, m + y, m).CopyTo(c.Slice(i, 8));
        }
        return i;
    }
}

/// <summary>C's fmod, with the sign of the dividend (<c>torch.fmod</c>); integer division by zero raises.</summary>
public readonly struct FmodKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "fmod";
    /// <inheritdoc/>
    public static string Cuda => "fmod(a, b)";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        // C#'s % is C's fmod for floats (exact, x for infinite y); TensorPrimitives' vector form is not.
        if (!MathLoops.IsFloat<T>()) IntegerDispatch.CheckNoZero(b);
        for (int i = 0; i < c.Length; i++) c[i] = a[i] % b[i];
    }
}

/// <summary>
/// Division rounded toward negative infinity (<c>torch.div(rounding_mode='floor')</c>, <c>torch.floor_divide</c>).
/// Floats follow PyTorch's <c>div_floor_floating</c> (fmod-based, IEEE result for division by zero); integer
/// division by zero raises.
/// </summary>
public readonly struct DivFloorKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "div_floor";
    /// <inheritdoc/>
    public static string Cuda => "div_floor(a, b)";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) Floating(MathLoops.As<T, float>(a), MathLoops.As<T, float>(b), MathLoops.As<T, float>(c));
        else if (typeof(T) == typeof(double)) Floating(MathLoops.As<T, double>(a), MathLoops.As<T, double>(b), MathLoops.As<T, double>(c));
        else
        {
            IntegerDispatch.CheckNoZero(b);
            for (int i = 0; i < c.Length; i++)
            {
                T x = a[i], y = b[i], q = x / y;
                if ((x < T.Zero) != (y < T.Zero) && x % y != T.Zero) q -= T.One;
                c[i] = q;
            }
        }
    }

    private static void Floating<TF>(ReadOnlySpan<TF> a, ReadOnlySpan<TF> b, Span<TF> c) where TF : unmanaged, IFloatingPointIeee754<TF>
    {
        var half = TF.CreateTruncating(0.5);
        for (int i = 0; i < c.Length; i++)
        {
            TF x = a[i], y = b[i];
            if (y == TF.Zero)
            {
                c[i] = x / y;
                continue;
            }
            var mod = x % y;
            var div = (x - mod) / y;
            if (mod != TF.Zero && (y < TF.Zero) != (mod < TF.Zero)) div -= TF.One;
            TF q;
            if (div != TF.Zero)
            {
                q = TF.Floor(div);
                if (div - q > half) q += TF.One;
            }
            else q = TF.CopySign(TF.Zero, x / y);
            c[i] = q;
        }
    }
}

/// <summary>Division rounded toward zero (<c>torch.div(rounding_mode='trunc')</c>); integer division by zero raises.</summary>
public readonly struct DivTruncKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "div_trunc";
    /// <inheritdoc/>
    public static string Cuda => "trunc(a / b)";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            var cf = MathLoops.As<T, float>(c);
            TensorPrimitives.Divide(MathLoops.As<T, float>(a), MathLoops.As<T, float>(b), cf);
            TensorPrimitives.Truncate(cf, cf);
        }
        else if (typeof(T) == typeof(double))
        {
            var cd = MathLoops.As<T, double>(c);
            TensorPrimitives.Divide(MathLoops.As<T, double>(a), MathLoops.As<T, double>(b), cd);
            TensorPrimitives.Truncate(cd, cd);
        }
        else
        {
            IntegerDispatch.CheckNoZero(b);
            TensorPrimitives.Divide(a, b, c);
        }
    }
}

/// <summary>Elementwise maximum, NaN-propagating (<c>torch.maximum</c>).</summary>
public readonly struct MaximumKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "maximum";
    /// <inheritdoc/>
    public static string Cuda => "fmax_nan(a, b)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> => TensorPrimitives.Max(a, b, c);
}

/// <summary>Elementwise minimum, NaN-propagating (<c>torch.minimum</c>).</summary>
public readonly struct MinimumKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "minimum";
    /// <inheritdoc/>
    public static string Cuda => "fmin_nan(a, b)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> => TensorPrimitives.Min(a, b, c);
}

/// <summary>Elementwise maximum ignoring NaN, as C's fmax (<c>torch.fmax</c>).</summary>
public readonly struct FmaxKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "fmax";
    /// <inheritdoc/>
    public static string Cuda => "fmax(a, b)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> => TensorPrimitives.MaxNumber(a, b, c);
}

/// <summary>Elementwise minimum ignoring NaN, as C's fmin (<c>torch.fmin</c>).</summary>
public readonly struct FminKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "fmin";
    /// <inheritdoc/>
    public static string Cuda => "fmin(a, b)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> => TensorPrimitives.MinNumber(a, b, c);
}

/// <summary>The angle of the point (b, a), atan2(a, b) (<c>torch.atan2</c>); floats only.</summary>
public readonly struct Atan2Kernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "atan2";
    /// <inheritdoc/>
    public static string Cuda => "atan2(a, b)";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) TensorPrimitives.Atan2(MathLoops.As<T, float>(a), MathLoops.As<T, float>(b), MathLoops.As<T, float>(c));
        else if (typeof(T) == typeof(double)) TensorPrimitives.Atan2(MathLoops.As<T, double>(a), MathLoops.As<T, double>(b), MathLoops.As<T, double>(c));
        else throw MathLoops.Unsupported<T>(Name);
    }
}

/// <summary>sqrt(a² + b²) without overflow (<c>torch.hypot</c>); floats only.</summary>
public readonly struct HypotKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "hypot";
    /// <inheritdoc/>
    public static string Cuda => "hypot(a, b)";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) TensorPrimitives.Hypot(MathLoops.As<T, float>(a), MathLoops.As<T, float>(b), MathLoops.As<T, float>(c));
        else if (typeof(T) == typeof(double)) TensorPrimitives.Hypot(MathLoops.As<T, double>(a), MathLoops.As<T, double>(b), MathLoops.As<T, double>(c));
        else throw MathLoops.Unsupported<T>(Name);
    }
}

/// <summary>a * log(b), with 0 where a is 0 and NaN where b is NaN (<c>torch.xlogy</c>); floats only.</summary>
public readonly struct XlogyKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "xlogy";
    /// <inheritdoc/>
    public static string Cuda => "isnan(b) ? b : (a == 0 ? 0 : a * log(b))";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) Run(MathLoops.As<T, float>(a), MathLoops.As<T, float>(b), MathLoops.As<T, float>(c));
        else if (typeof(T) == typeof(double)) Run(MathLoops.As<T, double>(a), MathLoops.As<T, double>(b), MathLoops.As<T, double>(c));
        else throw MathLoops.Unsupported<T>(Name);
    }

    private static void Run<TF>(ReadOnlySpan<TF> a, ReadOnlySpan<TF> b, Span<TF> c) where TF : unmanaged, IFloatingPointIeee754<TF>
    {
        for (int i = 0; i < c.Length; i++)
        {
            TF x = a[i], y = b[i];
            c[i] = TF.IsNaN(y) ? y : x == TF.Zero ? TF.Zero : x * TF.Log(y);
        }
    }
}

/// <summary>
/// a + weight * (b - a) with a fixed weight (<c>torch.lerp(a, b, weight)</c>), in PyTorch's two-sided form: for
/// |weight| &gt;= 0.5 it is computed from b as b - (b - a) * (1 - weight); floats only.
/// </summary>
public readonly struct LerpScalarKernel(double weight) : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "lerp_kernel_scalar";
    /// <inheritdoc/>
    public static string Cuda => "lerp(a, b, (T)weight)";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) Run(MathLoops.As<T, float>(a), MathLoops.As<T, float>(b), MathLoops.As<T, float>(c), (float)weight);
        else if (typeof(T) == typeof(double)) Run(MathLoops.As<T, double>(a), MathLoops.As<T, double>(b), MathLoops.As<T, double>(c), weight);
        else throw MathLoops.Unsupported<T>(Name);
    }

    private static void Run<TF>(ReadOnlySpan<TF> a, ReadOnlySpan<TF> b, Span<TF> c, TF w) where TF : unmanaged, IFloatingPointIeee754<TF>
    {
        var half = TF.CreateTruncating(0.5);
        if (TF.Abs(w) < half)
            for (int i = 0; i < c.Length; i++) c[i] = a[i] + w * (b[i] - a[i]);
        else
        {
            var v = TF.One - w;
            for (int i = 0; i < c.Length; i++) c[i] = b[i] - (b[i] - a[i]) * v;
        }
    }
}

/// <summary>a AND b bit by bit (<c>torch.bitwise_and</c>); integers and bool only.</summary>
public readonly struct BitwiseAndKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "bitwise_and";
    /// <inheritdoc/>
    public static string Cuda => "bitwise_and(a, b)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        TensorPrimitives.BitwiseAnd(MemoryMarshal.AsBytes(a), MemoryMarshal.AsBytes(b), MemoryMarshal.AsBytes(c));
}

/// <summary>a OR b bit by bit (<c>torch.bitwise_or</c>); integers and bool only.</summary>
public readonly struct BitwiseOrKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "bitwise_or";
    /// <inheritdoc/>
    public static string Cuda => "bitwise_or(a, b)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        TensorPrimitives.BitwiseOr(MemoryMarshal.AsBytes(a), MemoryMarshal.AsBytes(b), MemoryMarshal.AsBytes(c));
}

/// <summary>a XOR b bit by bit (<c>torch.bitwise_xor</c>); integers and bool only.</summary>
public readonly struct BitwiseXorKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "bitwise_xor";
    /// <inheritdoc/>
    public static string Cuda => "bitwise_xor(a, b)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        TensorPrimitives.Xor(MemoryMarshal.AsBytes(a), MemoryMarshal.AsBytes(b), MemoryMarshal.AsBytes(c));
}

/// <summary>
/// ReLU's gradient, <c>threshold_backward(grad, result, 0)</c>: a (the incoming gradient) where b (the result) is
/// above 0, else 0; a NaN result passes the gradient, as PyTorch's <c>x &lt;= threshold ? 0 : grad</c>.
/// </summary>
public readonly struct ReluBackwardKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "threshold_backward";
    /// <inheritdoc/>
    public static string Cuda => "b <= 0 ? 0 : a";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        BinaryLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) =>
            Vector256.ConditionalSelect(Vector256.LessThanOrEqual(b, Vector256<T>.Zero), Vector256<T>.Zero, a);
    }
}

/// <summary>Sigmoid's gradient, <c>sigmoid_backward(grad, output)</c> = a * (1 - b) * b, as PyTorch's CPU kernel.</summary>
public readonly struct SigmoidBackwardKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "sigmoid_backward";
    /// <inheritdoc/>
    public static string Cuda => "a * (1 - b) * b";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        BinaryLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a * (Vector256<T>.One - b) * b;
    }
}

/// <summary>Tanh's gradient, <c>tanh_backward(grad, output)</c> = a * (1 - b²), as PyTorch's CPU kernel.</summary>
public readonly struct TanhBackwardKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "tanh_backward";
    /// <inheritdoc/>
    public static string Cuda => "a * (1 - b * b)";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        BinaryLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a * (Vector256<T>.One - b * b);
    }
}

/// <summary>A vector form of a binary function, for <see cref="BinaryLoop"/>.</summary>
internal interface IBinaryVector<T> where T : unmanaged
{
    Vector256<T> Invoke(Vector256<T> a, Vector256<T> b);
}

/// <summary>Runs a binary vector form over spans in <see cref="Vector256{T}"/> steps with a padded tail.</summary>
internal static class BinaryLoop
{
    public static void Run<TV, T>(TV f, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c)
        where TV : struct, IBinaryVector<T> where T : unmanaged
    {
        int n = c.Length, step = Vector256<T>.Count, i = 0;
        ref T pa = ref MemoryMarshal.GetReference(a);
        ref T pb = ref MemoryMarshal.GetReference(b);
        ref T pc = ref MemoryMarshal.GetReference(c);
        for (; i <= n - step; i += step)
            f.Invoke(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref pc, (nuint)i);
        if (i == n) return;
        Span<T> ta = stackalloc T[step], tb = stackalloc T[step];
        ta.Clear();
        tb.Clear();
        a[i..n].CopyTo(ta);
        b[i..n].CopyTo(tb);
        var r = f.Invoke(Vector256.Create<T>(ta), Vector256.Create<T>(tb));
        for (int k = 0; i + k < n; k++) c[i + k] = r.GetElement(k);
    }
}
