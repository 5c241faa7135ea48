using System.Numerics;

namespace Flint.Kernels;

/// <summary>
/// The math of an elementwise unary op, once: span forms for the CPU (float and double; half types compute in
/// float) and a CUDA C expression over <c>x</c> for the GPU. A struct implementing this is a type argument of the
/// backend's generic drivers, so the JIT specialises each loop with no call per element. Fields of the struct carry
/// parameters (an exponent, a slope); stateless kernels are used as <c>default(TOp)</c>.
/// </summary>
public interface IUnaryKernel
{
    /// <summary>The op's name for error messages, e.g. "exp".</summary>
    static abstract string Name { get; }

    /// <summary>CUDA C expression computing the result from <c>x</c>. Besides the operands it may name <c>T</c> (the compute type), the struct's fields (as their values) and the functions of Backends/Cuda/CudaPrelude.cs.</summary>
    static abstract string Cuda { get; }

    /// <summary>float32 span form.</summary>
    void Apply(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>float64 span form.</summary>
    void Apply(ReadOnlySpan<double> x, Span<double> y);

    /// <summary>True if <see cref="ApplyInteger"/> is implemented (neg, abs, sign ...).</summary>
    static virtual bool SupportsIntegers => false;

    /// <summary>Integer span form for ops defined on integers.</summary>
    void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T> =>
        throw new NotSupportedException("integer form not defined");
}

/// <summary>The math of an elementwise binary op over two same-typed spans, for every numeric storage type.</summary>
public interface IBinaryKernel
{
    /// <summary>The op's name for error messages.</summary>
    static abstract string Name { get; }

    /// <summary>CUDA C expression computing the result from <c>a</c> and <c>b</c>. Besides the operands it may name <c>T</c> (the compute type), the struct's fields (as their values) and the functions of Backends/Cuda/CudaPrelude.cs.</summary>
    static abstract string Cuda { get; }

    /// <summary>Computes <c>c[i] = op(a[i], b[i])</c>. T is float, double or an integer type.</summary>
    void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>;

    /// <summary>True if <see cref="FloatLanes"/> is implemented (add, sub, mul, div).</summary>
    internal static virtual bool HasFloatLanes => false;

    /// <summary>
    /// The float op on vector lanes, the same operations in the same order as the float <see cref="Apply"/>: lets a
    /// row with a broadcast operand run straight from memory to the output instead of through chunk buffers.
    /// </summary>
    internal TV FloatLanes<TL, TV>(TV a, TV b) where TL : IFloatLanes<TV> where TV : struct =>
        throw new NotSupportedException("float lane form not defined");
}

/// <summary>An elementwise predicate of two values: comparisons, giving bool.</summary>
public interface ICompareKernel
{
    /// <summary>The op's name for error messages.</summary>
    static abstract string Name { get; }

    /// <summary>CUDA C expression over <c>a</c> and <c>b</c> giving a bool. Besides the operands it may name <c>T</c> (the compute type), the struct's fields (as their values) and the functions of Backends/Cuda/CudaPrelude.cs.</summary>
    static abstract string Cuda { get; }

    /// <summary>Computes <c>c[i] = op(a[i], b[i])</c>.</summary>
    void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>;
}
