using System.Numerics;
using System.Numerics.Tensors;

namespace Flint.Kernels;

/// <summary>c = a + alpha * b (<c>torch.add</c>).</summary>
public readonly struct AddKernel(double alpha) : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "add";
    /// <inheritdoc/>
    public static string Cuda => "a + (T)alpha * b";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (alpha == 1) TensorPrimitives.Add(a, b, c);
        else TensorPrimitives.MultiplyAdd(b, T.CreateTruncating(alpha), a, c);
    }

    static bool IBinaryKernel.HasFloatLanes => true;

    TV IBinaryKernel.FloatLanes<TL, TV>(TV a, TV b) => alpha == 1 ? TL.Add(a, b) : TL.Add(TL.Multiply(b, TL.Splat((float)alpha)), a);
}

/// <summary>c = a - alpha * b (<c>torch.sub</c>).</summary>
public readonly struct SubKernel(double alpha) : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "sub";
    /// <inheritdoc/>
    public static string Cuda => "a - (T)alpha * b";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (alpha == 1) TensorPrimitives.Subtract(a, b, c);
        else TensorPrimitives.MultiplyAdd(b, -T.CreateTruncating(alpha), a, c);
    }

    static bool IBinaryKernel.HasFloatLanes => true;

    TV IBinaryKernel.FloatLanes<TL, TV>(TV a, TV b) => alpha == 1 ? TL.Subtract(a, b) : TL.Add(TL.Multiply(b, TL.Splat(-(float)alpha)), a);
}

/// <summary>c = a * b (<c>torch.mul</c>).</summary>
public readonly struct MulKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "mul";
    /// <inheritdoc/>
    public static string Cuda => "a * b";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        TensorPrimitives.Multiply(a, b, c);

    static bool IBinaryKernel.HasFloatLanes => true;

    TV IBinaryKernel.FloatLanes<TL, TV>(TV a, TV b) => TL.Multiply(a, b);
}

/// <summary>c = a / b, true division on floats (<c>torch.div</c>); integer operands are promoted before this runs.</summary>
public readonly struct DivKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "div";
    /// <inheritdoc/>
    public static string Cuda => "a / b";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
        {
            TensorPrimitives.Divide(a, b, c);
            return;
        }
        // Integer division by zero raises in PyTorch ("ZeroDivisionError").
        for (int i = 0; i < c.Length; i++)
        {
            if (b[i] == T.Zero) throw new DivideByZeroException("ZeroDivisionError");
            c[i] = a[i] / b[i];
        }
    }

    static bool IBinaryKernel.HasFloatLanes => true;

    TV IBinaryKernel.FloatLanes<TL, TV>(TV a, TV b) => TL.Divide(a, b);
}

/// <summary>y = -x (<c>torch.neg</c>).</summary>
public readonly struct NegKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "neg";
    /// <inheritdoc/>
    public static string Cuda => "-x";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Negate(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Negate(x, y);
    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T> => TensorPrimitives.Negate(x, y);
}
