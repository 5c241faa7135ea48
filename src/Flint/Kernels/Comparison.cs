using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels;

/// <summary>A vector predicate of two operands: all-ones lanes where it holds.</summary>
internal interface IVectorPredicate<T> where T : unmanaged
{
    Vector256<T> Invoke(Vector256<T> a, Vector256<T> b);
}

/// <summary>
/// The loop of the comparison kernels: compare a <see cref="Vector256{T}"/> at a time, take the lane mask's sign bits
/// and spread them to bools eight at a time (pdep, or a table without BMI2). The tail is padded into a vector.
/// </summary>
internal static class CompareLoop
{
    // Byte b -> eight bools, bool j being bit j of b.
    private static readonly ulong[] Spread = BuildSpread();

    private static ulong[] BuildSpread()
    {
        var t = new ulong[256];
        for (int b = 0; b < 256; b++)
            for (int j = 0; j < 8; j++)
                if ((b >> j & 1) != 0) t[b] |= 1UL << (8 * j);
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(uint bits, int count, ref byte dst)
    {
        for (int k = 0; k < count; k += 8)
        {
            // pdep puts bit j of the byte into bit 8j: no table load or bounds check per eight elements.
            var v = Bmi2.X64.IsSupported ? Bmi2.X64.ParallelBitDeposit((bits >> k) & 0xFF, 0x0101010101010101UL) : Spread[(bits >> k) & 0xFF];
            if (count - k >= 8) Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, k), v);
            else
                for (int j = 0; j < count - k; j++) Unsafe.Add(ref dst, k + j) = (byte)(v >> (8 * j));
        }
    }

    public static void Run<TV, T>(TV f, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c)
        where TV : struct, IVectorPredicate<T> where T : unmanaged
    {
        int n = c.Length, step = Vector256<T>.Count, i = 0;
        ref T pa = ref MemoryMarshal.GetReference(a);
        ref T pb = ref MemoryMarshal.GetReference(b);
        ref byte pc = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(c));
        for (; i <= n - step; i += step)
        {
            var m = f.Invoke(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i));
            Store(m.ExtractMostSignificantBits(), step, ref Unsafe.Add(ref pc, i));
        }
        if (i == n) return;
        Span<T> ta = stackalloc T[step], tb = stackalloc T[step];
        ta.Clear();
        tb.Clear();
        a[i..n].CopyTo(ta);
        b[i..n].CopyTo(tb);
        var r = f.Invoke(Vector256.Create<T>(ta), Vector256.Create<T>(tb));
        Store(r.ExtractMostSignificantBits(), n - i, ref Unsafe.Add(ref pc, i));
    }
}

/// <summary>a == b (<c>torch.eq</c>); NaN equals nothing.</summary>
public readonly struct EqKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "eq";
    /// <inheritdoc/>
    public static string Cuda => "a == b";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => Vector256.Equals(a, b);
    }
}

/// <summary>a != b (<c>torch.ne</c>); NaN differs from everything.</summary>
public readonly struct NeKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "ne";
    /// <inheritdoc/>
    public static string Cuda => "a != b";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => ~Vector256.Equals(a, b);
    }
}

/// <summary>a &lt; b (<c>torch.lt</c>).</summary>
public readonly struct LtKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "lt";
    /// <inheritdoc/>
    public static string Cuda => "a < b";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => Vector256.LessThan(a, b);
    }
}

/// <summary>a &lt;= b (<c>torch.le</c>).</summary>
public readonly struct LeKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "le";
    /// <inheritdoc/>
    public static string Cuda => "a <= b";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => Vector256.LessThanOrEqual(a, b);
    }
}

/// <summary>a &gt; b (<c>torch.gt</c>).</summary>
public readonly struct GtKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "gt";
    /// <inheritdoc/>
    public static string Cuda => "a > b";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => Vector256.GreaterThan(a, b);
    }
}

/// <summary>a &gt;= b (<c>torch.ge</c>).</summary>
public readonly struct GeKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "ge";
    /// <inheritdoc/>
    public static string Cuda => "a >= b";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => Vector256.GreaterThanOrEqual(a, b);
    }
}

/// <summary>Both non-zero (<c>torch.logical_and</c>).</summary>
public readonly struct LogicalAndKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "logical_and";
    /// <inheritdoc/>
    public static string Cuda => "a != 0 && b != 0";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => ~(Vector256.Equals(a, Vector256<T>.Zero) | Vector256.Equals(b, Vector256<T>.Zero));
    }
}

/// <summary>Either non-zero (<c>torch.logical_or</c>).</summary>
public readonly struct LogicalOrKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "logical_or";
    /// <inheritdoc/>
    public static string Cuda => "a != 0 || b != 0";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => ~(Vector256.Equals(a, Vector256<T>.Zero) & Vector256.Equals(b, Vector256<T>.Zero));
    }
}

/// <summary>Exactly one non-zero (<c>torch.logical_xor</c>).</summary>
public readonly struct LogicalXorKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "logical_xor";
    /// <inheritdoc/>
    public static string Cuda => "(a != 0) != (b != 0)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => Vector256.Equals(a, Vector256<T>.Zero) ^ Vector256.Equals(b, Vector256<T>.Zero);
    }
}

/// <summary>
/// |a - b| &lt;= atol + rtol * |b|, or a == b, or both NaN when <paramref name="equalNan"/> (<c>torch.isclose</c>),
/// computed in the operands' type as PyTorch's composite does; integers compare their difference in double.
/// </summary>
public readonly struct IsCloseKernel(double rtol, double atol, bool equalNan) : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "isclose";
    /// <inheritdoc/>
    public static string Cuda => "isclose(a, b, rtol, atol, equalNan)";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) Floating(MathLoops.As<T, float>(a), MathLoops.As<T, float>(b), c);
        else if (typeof(T) == typeof(double)) Floating(MathLoops.As<T, double>(a), MathLoops.As<T, double>(b), c);
        else
            for (int i = 0; i < c.Length; i++)
            {
                T x = a[i], y = b[i];
                var diff = x - y;
                var err = double.CreateTruncating(T.IsNegative(diff) ? -diff : diff);
                c[i] = x == y || err <= atol + Math.Abs(rtol * double.CreateTruncating(y));
            }
    }

    private void Floating<TF>(ReadOnlySpan<TF> a, ReadOnlySpan<TF> b, Span<bool> c) where TF : unmanaged, IFloatingPointIeee754<TF>
    {
        TF rt = TF.CreateTruncating(rtol), at = TF.CreateTruncating(atol);
        for (int i = 0; i < c.Length; i++)
        {
            TF x = a[i], y = b[i];
            if (x == y || (equalNan && TF.IsNaN(x) && TF.IsNaN(y)))
            {
                c[i] = true;
                continue;
            }
            var err = TF.Abs(x - y);
            c[i] = TF.IsFinite(err) && err <= at + TF.Abs(rt * y);
        }
    }
}

/// <summary>x is NaN (<c>torch.isnan</c>). A predicate: ops pass x as both operands and b is not read.</summary>
public readonly struct IsNanKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "isnan";
    /// <inheritdoc/>
    public static string Cuda => "isnan(a)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => ~Vector256.Equals(a, a);
    }
}

/// <summary>x is ±inf (<c>torch.isinf</c>). A predicate: ops pass x as both operands and b is not read.</summary>
public readonly struct IsInfKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "isinf";
    /// <inheritdoc/>
    public static string Cuda => "isinf(a)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = T.IsInfinity(a[i]);
    }
}

/// <summary>x is +inf (<c>torch.isposinf</c>). A predicate: ops pass x as both operands and b is not read.</summary>
public readonly struct IsPosInfKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "isposinf";
    /// <inheritdoc/>
    public static string Cuda => "a == INFINITY";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = T.IsPositiveInfinity(a[i]);
    }
}

/// <summary>x is -inf (<c>torch.isneginf</c>). A predicate: ops pass x as both operands and b is not read.</summary>
public readonly struct IsNegInfKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "isneginf";
    /// <inheritdoc/>
    public static string Cuda => "a == -INFINITY";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = T.IsNegativeInfinity(a[i]);
    }
}

/// <summary>x is neither NaN nor ±inf (<c>torch.isfinite</c>). A predicate: ops pass x twice; b is not read.</summary>
public readonly struct IsFiniteKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "isfinite";
    /// <inheritdoc/>
    public static string Cuda => "isfinite(a)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => Vector256.Equals(a - a, Vector256<T>.Zero);
    }
}

/// <summary>The sign bit is set, so -0.0 counts (<c>torch.signbit</c>). A predicate: ops pass x twice; b is not read.</summary>
public readonly struct SignBitKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "signbit";
    /// <inheritdoc/>
    public static string Cuda => "signbit(a)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        // The loop reads each lane's top bit, which is the sign bit itself.
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a;
    }
}

/// <summary>x is zero (<c>torch.logical_not</c>). A predicate: ops pass x twice; b is not read.</summary>
public readonly struct LogicalNotKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "logical_not";
    /// <inheritdoc/>
    public static string Cuda => "a == 0";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T> =>
        CompareLoop.Run<Op<T>, T>(default, a, b, c);

    private readonly struct Op<T> : IVectorPredicate<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => Vector256.Equals(a, Vector256<T>.Zero);
    }
}
