using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Flint.Kernels;

/// <summary>
/// The math of a reduction, once: an element map (identity for most), a combine of two values, its identity, a
/// span-to-value form for reducing along memory, a span accumulate for reducing across rows
/// (<c>acc[i] = combine(acc[i], map(x[i]))</c>) and a merge of partial results (<c>acc[i] = combine(acc[i], p[i])</c>).
/// </summary>
public interface IReduceKernel
{
    /// <summary>The op's name for errors.</summary>
    static abstract string Name { get; }

    /// <summary>CUDA C combine over <c>a</c>, <c>b</c> (of the accumulator type). Besides the operands it may name <c>T</c> (the compute type), the struct's fields (as their values) and the functions of Backends/Cuda/CudaPrelude.cs.</summary>
    static abstract string Cuda { get; }

    /// <summary>CUDA C map applied to each element <c>x</c> before it is combined. Besides the operands it may name <c>T</c> (the compute type), the struct's fields (as their values) and the functions of Backends/Cuda/CudaPrelude.cs.</summary>
    static virtual string CudaMap => "x";

    /// <summary>
    /// True for sums: float32 input then accumulates in float64 (PyTorch sums float32 with a cascade; a double
    /// accumulator gives the same accuracy without its tree).
    /// </summary>
    static virtual bool Widens => false;

    /// <summary>The value of an empty reduction.</summary>
    T Identity<T>() where T : unmanaged, INumber<T>;

    /// <summary>Reduces a span: combine over map(x[i]).</summary>
    T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>;

    /// <summary>Combines two partial results.</summary>
    T Combine<T>(T a, T b) where T : unmanaged, INumber<T>;

    /// <summary>acc[i] = combine(acc[i], map(x[i])).</summary>
    void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>;

    /// <summary>acc[i] = combine(acc[i], partial[i]): merges partial results of the same reduction.</summary>
    void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T>;
}

/// <summary>Sum (<c>torch.sum</c>).</summary>
public readonly struct SumKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "sum";
    /// <inheritdoc/>
    public static string Cuda => "a + b";
    /// <inheritdoc/>
    public static bool Widens => true;
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => T.Zero;
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.Sum(x);
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => a + b;
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.Add(acc, x, acc);
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => TensorPrimitives.Add(acc, partial, acc);
}

/// <summary>Sum that treats NaN as zero (<c>torch.nansum</c>).</summary>
public readonly struct NanSumKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "nansum";
    /// <inheritdoc/>
    public static string Cuda => "a + b";
    /// <inheritdoc/>
    public static string CudaMap => "(isnan(x) ? 0 : x)";
    /// <inheritdoc/>
    public static bool Widens => true;
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => T.Zero;
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double)) return TensorPrimitives.Sum(x);
        var vs = Vector<T>.Zero;
        ref T px = ref MemoryMarshal.GetReference(x);
        int i = 0;
        for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
        {
            var v = Vector.LoadUnsafe(ref px, (nuint)i);
            vs += Vector.ConditionalSelect(Vector.Equals(v, v), v, Vector<T>.Zero);
        }
        var s = Vector.Sum(vs);
        for (; i < x.Length; i++) if (!T.IsNaN(x[i])) s += x[i];
        return s;
    }
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => a + b;
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            TensorPrimitives.Add(acc, x, acc);
            return;
        }
        ref T px = ref MemoryMarshal.GetReference(x);
        ref T pa = ref MemoryMarshal.GetReference(acc);
        int i = 0;
        for (; i <= acc.Length - Vector<T>.Count; i += Vector<T>.Count)
        {
            var v = Vector.LoadUnsafe(ref px, (nuint)i);
            (Vector.LoadUnsafe(ref pa, (nuint)i) + Vector.ConditionalSelect(Vector.Equals(v, v), v, Vector<T>.Zero)).StoreUnsafe(ref pa, (nuint)i);
        }
        for (; i < acc.Length; i++) if (!T.IsNaN(x[i])) acc[i] += x[i];
    }
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => TensorPrimitives.Add(acc, partial, acc);
}

/// <summary>Product (<c>torch.prod</c>).</summary>
public readonly struct ProdKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "prod";
    /// <inheritdoc/>
    public static string Cuda => "a * b";
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => T.One;
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => x.IsEmpty ? T.One : TensorPrimitives.Product(x);
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => a * b;
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(acc, x, acc);
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(acc, partial, acc);
}

/// <summary>Maximum, NaN-propagating (<c>torch.amax</c>).</summary>
public readonly struct MaxKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "max";
    /// <inheritdoc/>
    public static string Cuda => "fmax_nan(a, b)";
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => Limits.Lowest<T>();
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => x.IsEmpty ? Limits.Lowest<T>() : TensorPrimitives.Max(x);
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => T.Max(a, b);
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.Max(acc, x, acc);
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => TensorPrimitives.Max(acc, partial, acc);
}

/// <summary>Minimum, NaN-propagating (<c>torch.amin</c>).</summary>
public readonly struct MinKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "min";
    /// <inheritdoc/>
    public static string Cuda => "fmin_nan(a, b)";
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => Limits.Highest<T>();
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => x.IsEmpty ? Limits.Highest<T>() : TensorPrimitives.Min(x);
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => T.Min(a, b);
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.Min(acc, x, acc);
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => TensorPrimitives.Min(acc, partial, acc);
}

/// <summary>True (1) if any element is non-zero; NaN counts as non-zero (<c>torch.any</c>).</summary>
public readonly struct AnyKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "any";
    /// <inheritdoc/>
    public static string Cuda => "(a || b)";
    /// <inheritdoc/>
    public static string CudaMap => "(x != 0)";
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => T.Zero;
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        foreach (var v in x) if (v != T.Zero) return T.One;
        return T.Zero;
    }
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => a != T.Zero || b != T.Zero ? T.One : T.Zero;
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < acc.Length; i++) if (x[i] != T.Zero) acc[i] = T.One;
    }
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => Accumulate(acc, partial);
}

/// <summary>True (1) if every element is non-zero; NaN counts as non-zero (<c>torch.all</c>).</summary>
public readonly struct AllKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "all";
    /// <inheritdoc/>
    public static string Cuda => "(a && b)";
    /// <inheritdoc/>
    public static string CudaMap => "(x != 0)";
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => T.One;
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        foreach (var v in x) if (v == T.Zero) return T.Zero;
        return T.One;
    }
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => a != T.Zero && b != T.Zero ? T.One : T.Zero;
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < acc.Length; i++) if (x[i] == T.Zero) acc[i] = T.Zero;
    }
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => Accumulate(acc, partial);
}

/// <summary>Count of non-zero elements, in the accumulator's type (the 0-"norm" of <c>torch.norm(x, 0)</c>).</summary>
public readonly struct NonzeroCountKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "count_nonzero";
    /// <inheritdoc/>
    public static string Cuda => "a + b";
    /// <inheritdoc/>
    public static string CudaMap => "(x != 0)";
    /// <inheritdoc/>
    public static bool Widens => true;
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => T.Zero;
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        long n = 0;
        foreach (var v in x) if (v != T.Zero) n++;
        return T.CreateTruncating(n);
    }
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => a + b;
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < acc.Length; i++) if (x[i] != T.Zero) acc[i] += T.One;
    }
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => TensorPrimitives.Add(acc, partial, acc);
}

/// <summary>Sum of absolute values (the 1-norm).</summary>
public readonly struct SumAbsKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "norm";
    /// <inheritdoc/>
    public static string Cuda => "a + b";
    /// <inheritdoc/>
    public static string CudaMap => "fabs(x)";
    /// <inheritdoc/>
    public static bool Widens => true;
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => T.Zero;
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.SumOfMagnitudes(x);
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => a + b;
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < acc.Length; i++) acc[i] += T.Abs(x[i]);
    }
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => TensorPrimitives.Add(acc, partial, acc);
}

/// <summary>Sum of squares (the 2-norm before its square root; also the variance's sum).</summary>
public readonly struct SumSquaresKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "norm";
    /// <inheritdoc/>
    public static string Cuda => "a + b";
    /// <inheritdoc/>
    public static string CudaMap => "(x * x)";
    /// <inheritdoc/>
    public static bool Widens => true;
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => T.Zero;
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.SumOfSquares(x);
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => a + b;
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.MultiplyAdd(x, x, acc, acc);
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => TensorPrimitives.Add(acc, partial, acc);
}

/// <summary>Sum of |x|^p (the p-norm before its 1/p power).</summary>
public readonly struct SumPowAbsKernel(double p) : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "norm";
    /// <inheritdoc/>
    public static string Cuda => "a + b";
    /// <inheritdoc/>
    public static string CudaMap => "(T)pow((double)fabs(x), p)";
    /// <inheritdoc/>
    public static bool Widens => true;
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => T.Zero;
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        var s = T.Zero;
        foreach (var v in x) s += Map(v);
        return s;
    }
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => a + b;
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < acc.Length; i++) acc[i] += Map(x[i]);
    }
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => TensorPrimitives.Add(acc, partial, acc);

    private T Map<T>(T v) where T : unmanaged, INumber<T> => T.CreateTruncating(Math.Pow(Math.Abs(double.CreateTruncating(v)), p));
}

/// <summary>Largest absolute value, NaN-propagating (the inf-norm).</summary>
public readonly struct MaxAbsKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "norm";
    /// <inheritdoc/>
    public static string Cuda => "fmax_nan(a, b)";
    /// <inheritdoc/>
    public static string CudaMap => "fabs(x)";
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => T.Zero;
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => x.IsEmpty ? T.Zero : T.Abs(TensorPrimitives.MaxMagnitude(x));
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => T.Max(a, b);
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < acc.Length; i++) acc[i] = T.Max(acc[i], T.Abs(x[i]));
    }
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => TensorPrimitives.Max(acc, partial, acc);
}

/// <summary>Smallest absolute value, NaN-propagating (the -inf-norm).</summary>
public readonly struct MinAbsKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "norm";
    /// <inheritdoc/>
    public static string Cuda => "fmin_nan(a, b)";
    /// <inheritdoc/>
    public static string CudaMap => "fabs(x)";
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => Limits.Highest<T>();
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => x.IsEmpty ? Limits.Highest<T>() : T.Abs(TensorPrimitives.MinMagnitude(x));
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => T.Min(a, b);
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < acc.Length; i++) acc[i] = T.Min(acc[i], T.Abs(x[i]));
    }
    /// <inheritdoc/>
    public void Merge<T>(Span<T> acc, ReadOnlySpan<T> partial) where T : unmanaged, INumber<T> => TensorPrimitives.Min(acc, partial, acc);
}

/// <summary>The extreme values of each numeric type, as identities for max and min.</summary>
public static class Limits
{
    /// <summary>-inf for floats, MinValue for integers.</summary>
    public static T Lowest<T>() where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) return T.CreateTruncating(float.NegativeInfinity);
        if (typeof(T) == typeof(double)) return T.CreateTruncating(double.NegativeInfinity);
        if (typeof(T) == typeof(long)) return T.CreateTruncating(long.MinValue);
        if (typeof(T) == typeof(int)) return T.CreateTruncating(int.MinValue);
        if (typeof(T) == typeof(short)) return T.CreateTruncating(short.MinValue);
        if (typeof(T) == typeof(sbyte)) return T.CreateTruncating(sbyte.MinValue);
        return T.Zero;
    }

    /// <summary>+inf for floats, MaxValue for integers.</summary>
    public static T Highest<T>() where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) return T.CreateTruncating(float.PositiveInfinity);
        if (typeof(T) == typeof(double)) return T.CreateTruncating(double.PositiveInfinity);
        if (typeof(T) == typeof(long)) return T.CreateTruncating(long.MaxValue);
        if (typeof(T) == typeof(int)) return T.CreateTruncating(int.MaxValue);
        if (typeof(T) == typeof(short)) return T.CreateTruncating(short.MaxValue);
        if (typeof(T) == typeof(sbyte)) return T.CreateTruncating(sbyte.MaxValue);
        if (typeof(T) == typeof(byte)) return T.CreateTruncating(byte.MaxValue);
        return T.One;
    }
}
