using System.Numerics;
using System.Numerics.Tensors;

namespace Flint.Kernels;

/// <summary>
/// The math of a reduction, once: its identity, a span-to-value form for reducing along memory, a combine of two
/// partial values, and a span accumulate for reducing across rows (acc[i] = combine(acc[i], x[i])).
/// </summary>
public interface IReduceKernel
{
    /// <summary>The op's name for errors.</summary>
    static abstract string Name { get; }

    /// <summary>CUDA C combine over <c>a</c>, <c>b</c>.</summary>
    static abstract string Cuda { get; }

    /// <summary>The value of an empty reduction.</summary>
    T Identity<T>() where T : unmanaged, INumber<T>;

    /// <summary>Reduces a span.</summary>
    T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>;

    /// <summary>Combines two partial results.</summary>
    T Combine<T>(T a, T b) where T : unmanaged, INumber<T>;

    /// <summary>acc[i] = combine(acc[i], x[i]).</summary>
    void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>;
}

/// <summary>Sum (<c>torch.sum</c>).</summary>
public readonly struct SumKernel : IReduceKernel
{
    /// <inheritdoc/>
    public static string Name => "sum";
    /// <inheritdoc/>
    public static string Cuda => "a + b";
    /// <inheritdoc/>
    public T Identity<T>() where T : unmanaged, INumber<T> => T.Zero;
    /// <inheritdoc/>
    public T Reduce<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.Sum(x);
    /// <inheritdoc/>
    public T Combine<T>(T a, T b) where T : unmanaged, INumber<T> => a + b;
    /// <inheritdoc/>
    public void Accumulate<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.Add(acc, x, acc);
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
