using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels;

/// <summary>The math of an elementwise op of three same-typed spans (addcmul, addcdiv, lerp, clamp with tensors).</summary>
public interface ITernaryKernel
{
    /// <summary>The op's name for error messages.</summary>
    static abstract string Name { get; }

    /// <summary>CUDA C expression computing the result from <c>a</c>, <c>b</c> and <c>c</c>. Besides the operands it may name <c>T</c> (the compute type), the struct's fields (as their values) and the functions of Backends/Cuda/CudaPrelude.cs.</summary>
    static abstract string Cuda { get; }

    /// <summary>Computes <c>d[i] = op(a[i], b[i], c[i])</c>. T is float, double or an integer type.</summary>
    void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d) where T : unmanaged, INumber<T>;
}

/// <summary>Shared vector loop of the ternary kernels: three inputs, one output, padded tail.</summary>
internal interface ITernaryVector<T> where T : unmanaged
{
    Vector256<T> Invoke(Vector256<T> a, Vector256<T> b, Vector256<T> c);
}

internal static class TernaryLoop
{
    public static void Run<TV, T>(TV f, ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d)
        where TV : struct, ITernaryVector<T> where T : unmanaged
    {
        int n = d.Length, step = Vector256<T>.Count, i = 0;
        ref T pa = ref MemoryMarshal.GetReference(a);
        ref T pb = ref MemoryMarshal.GetReference(b);
        ref T pc = ref MemoryMarshal.GetReference(c);
        ref T pd = ref MemoryMarshal.GetReference(d);
        for (; i <= n - step; i += step)
            f.Invoke(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), Vector256.LoadUnsafe(ref pc, (nuint)i))
                .StoreUnsafe(ref pd, (nuint)i);
        if (i == n) return;
        Span<T> ta = stackalloc T[step], tb = stackalloc T[step], tc = stackalloc T[step];
        ta.Clear();
        tb.Clear();
        tc.Clear();
        a[i..n].CopyTo(ta);
        b[i..n].CopyTo(tb);
        c[i..n].CopyTo(tc);
        var r = f.Invoke(Vector256.Create<T>(ta), Vector256.Create<T>(tb), Vector256.Create<T>(tc));
        for (int k = 0; i + k < n; k++) d[i + k] = r.GetElement(k);
    }
}

/// <summary>a + value * b * c (<c>torch.addcmul</c>), evaluated as PyTorch does: a + (value * b) * c.</summary>
public readonly struct AddcmulKernel(double value) : ITernaryKernel
{
    /// <inheritdoc/>
    public static string Name => "addcmul";
    /// <inheritdoc/>
    public static string Cuda => "a + (T)value * b * c";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d) where T : unmanaged, INumber<T> =>
        TernaryLoop.Run<Op<T>, T>(new(T.CreateTruncating(value)), a, b, c, d);

    private readonly struct Op<T>(T value) : ITernaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b, Vector256<T> c) => a + Vector256.Create(value) * b * c;
    }
}

/// <summary>a + value * b / c (<c>torch.addcdiv</c>), evaluated as PyTorch does: a + (value * b) / c; floats only.</summary>
public readonly struct AddcdivKernel(double value) : ITernaryKernel
{
    /// <inheritdoc/>
    public static string Name => "addcdiv";
    /// <inheritdoc/>
    public static string Cuda => "a + (T)value * b / c";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d) where T : unmanaged, INumber<T>
    {
        if (!MathLoops.IsFloat<T>()) throw MathLoops.Unsupported<T>(Name);
        TernaryLoop.Run<Op<T>, T>(new(T.CreateTruncating(value)), a, b, c, d);
    }

    private readonly struct Op<T>(T value) : ITernaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b, Vector256<T> c) => a + Vector256.Create(value) * b / c;
    }
}

/// <summary>
/// a + w * (b - a) with a tensor weight (<c>torch.lerp(a, b, weight)</c>), in PyTorch's two-sided form
/// (b - (b - a) * (1 - w) for |w| &gt;= 0.5); floats only.
/// </summary>
public readonly struct LerpKernel : ITernaryKernel
{
    /// <inheritdoc/>
    public static string Name => "lerp_kernel_tensor";
    /// <inheritdoc/>
    public static string Cuda => "lerp(a, b, c)";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d) where T : unmanaged, INumber<T>
    {
        if (!MathLoops.IsFloat<T>()) throw MathLoops.Unsupported<T>(Name);
        TernaryLoop.Run<Op<T>, T>(default, a, b, c, d);
    }

    private readonly struct Op<T> : ITernaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b, Vector256<T> w)
        {
            var diff = b - a;
            var low = a + w * diff;
            var high = b - diff * (Vector256<T>.One - w);
            var half = Vector256.Create(T.CreateTruncating(0.5));
            return Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(w), half), low, high);
        }
    }
}

/// <summary>
/// a clamped to [b, c] with tensor bounds (<c>torch.clamp(x, min, max)</c>): NaN where a bound is NaN, otherwise
/// min(max(a, b), c) keeping a NaN a, so b &gt; c gives c.
/// </summary>
public readonly struct ClampKernel : ITernaryKernel
{
    /// <inheritdoc/>
    public static string Name => "clamp";
    /// <inheritdoc/>
    public static string Cuda => "clamp3(a, b, c)";

    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d) where T : unmanaged, INumber<T> =>
        TernaryLoop.Run<Op<T>, T>(default, a, b, c, d);

    private readonly struct Op<T> : ITernaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> lo, Vector256<T> hi)
        {
            var r = Vector256.ConditionalSelect(Vector256.LessThan(a, lo), lo, a);
            r = Vector256.ConditionalSelect(Vector256.LessThan(hi, r), hi, r);
            // A NaN bound gives NaN (integers never compare unequal to themselves).
            var nanBound = ~(Vector256.Equals(lo, lo) & Vector256.Equals(hi, hi));
            return Vector256.ConditionalSelect(nanBound, lo + hi, r);
        }
    }
}
