using System.Numerics;

namespace Flint.Kernels;

/// <summary>a == b (<c>torch.eq</c>); NaN equals nothing.</summary>
public readonly struct EqKernel : ICompareKernel
{
    /// <inheritdoc/>
    public static string Name => "eq";
    /// <inheritdoc/>
    public static string Cuda => "a == b";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = a[i] == b[i];
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
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = a[i] != b[i];
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
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = a[i] < b[i];
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
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = a[i] <= b[i];
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
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = a[i] > b[i];
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
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = a[i] >= b[i];
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
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = (a[i] != T.Zero) & (b[i] != T.Zero);
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
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = (a[i] != T.Zero) | (b[i] != T.Zero);
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
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = (a[i] != T.Zero) ^ (b[i] != T.Zero);
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
    public static string Cuda => "a == b || (equal_nan && isnan(a) && isnan(b)) || (isfinite(a - b) && abs(a - b) <= atol + abs(rtol * b))";

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
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = T.IsNaN(a[i]);
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
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = T.IsFinite(a[i]);
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
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = T.IsNegative(a[i]);
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
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < c.Length; i++) c[i] = a[i] == T.Zero;
    }
}
