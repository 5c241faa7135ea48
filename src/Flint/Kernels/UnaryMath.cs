using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Flint.Kernels;

/// <summary>e^x (<c>torch.exp</c>): float in vectors (VectorMath), double per element (faster here than the vector library).</summary>
public readonly struct ExpKernel : IUnaryKernel, IScalarFunction, IFloatFunction
{
    /// <inheritdoc/>
    public static string Name => "exp";
    /// <inheritdoc/>
    public static string Cuda => "exp(x)";
    double IScalarFunction.Invoke(double x) => Math.Exp(x);
    TV IFloatFunction.Invoke<TL, TV>(TV x) => VectorMath.Exp<TL, TV>(x);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Lanes(this, x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Map(this, x, y);
}

/// <summary>2^x (<c>torch.exp2</c>); float computes in double, where TensorPrimitives is accurate.</summary>
public readonly struct Exp2Kernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "exp2";
    /// <inheritdoc/>
    public static string Cuda => "exp2(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.ViaDouble(this, x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Exp2(x, y);
}

/// <summary>e^x - 1, accurate near 0 (<c>torch.expm1</c>).</summary>
public readonly struct Expm1Kernel : IUnaryKernel, IScalarFunction
{
    /// <inheritdoc/>
    public static string Name => "expm1";
    /// <inheritdoc/>
    public static string Cuda => "expm1(x)";
    double IScalarFunction.Invoke(double x) => ErrorFunction.Expm1(x);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Map(this, x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Map(this, x, y);
}

/// <summary>Natural log (<c>torch.log</c>): float in vectors (VectorMath), double per element.</summary>
public readonly struct LogKernel : IUnaryKernel, IScalarFunction, IFloatFunction
{
    /// <inheritdoc/>
    public static string Name => "log";
    /// <inheritdoc/>
    public static string Cuda => "log(x)";
    double IScalarFunction.Invoke(double x) => Math.Log(x);
    TV IFloatFunction.Invoke<TL, TV>(TV x) => VectorMath.Log<TL, TV>(x);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Lanes(this, x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Map(this, x, y);
}

/// <summary>Base-2 logarithm (<c>torch.log2</c>).</summary>
public readonly struct Log2Kernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "log2";
    /// <inheritdoc/>
    public static string Cuda => "log2(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Log2(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Log2(x, y);
}

/// <summary>Base-10 logarithm (<c>torch.log10</c>).</summary>
public readonly struct Log10Kernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "log10";
    /// <inheritdoc/>
    public static string Cuda => "log10(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Log10(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Log10(x, y);
}

/// <summary>log(1 + x), accurate near 0 (<c>torch.log1p</c>).</summary>
public readonly struct Log1pKernel : IUnaryKernel, IScalarFunction
{
    /// <inheritdoc/>
    public static string Name => "log1p";
    /// <inheritdoc/>
    public static string Cuda => "log1p(x)";
    double IScalarFunction.Invoke(double x) => ErrorFunction.Log1p(x);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Map(this, x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Map(this, x, y);
}

/// <summary>Square root (<c>torch.sqrt</c>).</summary>
public readonly struct SqrtKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "sqrt";
    /// <inheritdoc/>
    public static string Cuda => "sqrt(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sqrt(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Sqrt(x, y);
}

/// <summary>1 / sqrt(x) (<c>torch.rsqrt</c>).</summary>
public readonly struct RsqrtKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "rsqrt";
    /// <inheritdoc/>
    public static string Cuda => "rsqrt(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.ReciprocalSqrt(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.ReciprocalSqrt(x, y);
}

/// <summary>Sine (<c>torch.sin</c>).</summary>
public readonly struct SinKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "sin";
    /// <inheritdoc/>
    public static string Cuda => "sin(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sin(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Sin(x, y);
}

/// <summary>Cosine (<c>torch.cos</c>).</summary>
public readonly struct CosKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "cos";
    /// <inheritdoc/>
    public static string Cuda => "cos(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Cos(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Cos(x, y);
}

/// <summary>Tangent (<c>torch.tan</c>).</summary>
public readonly struct TanKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "tan";
    /// <inheritdoc/>
    public static string Cuda => "tan(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tan(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Tan(x, y);
}

/// <summary>Arcsine (<c>torch.asin</c>).</summary>
public readonly struct AsinKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "asin";
    /// <inheritdoc/>
    public static string Cuda => "asin(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Asin(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Asin(x, y);
}

/// <summary>Arccosine (<c>torch.acos</c>).</summary>
public readonly struct AcosKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "acos";
    /// <inheritdoc/>
    public static string Cuda => "acos(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Acos(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Acos(x, y);
}

/// <summary>Arctangent (<c>torch.atan</c>).</summary>
public readonly struct AtanKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "atan";
    /// <inheritdoc/>
    public static string Cuda => "atan(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Atan(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Atan(x, y);
}

/// <summary>Hyperbolic sine (<c>torch.sinh</c>); per element, as TensorPrimitives loses precision near 0.</summary>
public readonly struct SinhKernel : IUnaryKernel, IScalarFunction
{
    /// <inheritdoc/>
    public static string Name => "sinh";
    /// <inheritdoc/>
    public static string Cuda => "sinh(x)";
    double IScalarFunction.Invoke(double x) => Math.Sinh(x);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Map(this, x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Map(this, x, y);
}

/// <summary>Hyperbolic cosine (<c>torch.cosh</c>).</summary>
public readonly struct CoshKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "cosh";
    /// <inheritdoc/>
    public static string Cuda => "cosh(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Cosh(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Cosh(x, y);
}

/// <summary>
/// Hyperbolic tangent (<c>torch.tanh</c>). Float is vectorised: an odd polynomial below |x| = 0.625 (Cephes'
/// tanhf) and 1 - 2/(e^{2|x|} + 1) above, both within 2 ulp; double is per element.
/// </summary>
public readonly struct TanhKernel : IUnaryKernel, IScalarFunction, IFloatFunction
{
    /// <inheritdoc/>
    public static string Name => "tanh";
    /// <inheritdoc/>
    public static string Cuda => "tanh(x)";
    double IScalarFunction.Invoke(double x) => Math.Tanh(x);

    TV IFloatFunction.Invoke<TL, TV>(TV x) => VectorMath.Tanh<TL, TV>(x);

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Lanes(this, x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Map(this, x, y);
}

/// <summary>Inverse hyperbolic sine (<c>torch.asinh</c>).</summary>
public readonly struct AsinhKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "asinh";
    /// <inheritdoc/>
    public static string Cuda => "asinh(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Asinh(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Asinh(x, y);
}

/// <summary>Inverse hyperbolic cosine (<c>torch.acosh</c>).</summary>
public readonly struct AcoshKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "acosh";
    /// <inheritdoc/>
    public static string Cuda => "acosh(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Acosh(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Acosh(x, y);
}

/// <summary>Inverse hyperbolic tangent (<c>torch.atanh</c>).</summary>
public readonly struct AtanhKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "atanh";
    /// <inheritdoc/>
    public static string Cuda => "atanh(x)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Atanh(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Atanh(x, y);
}

/// <summary>1 / (1 + e^-x) (<c>torch.sigmoid</c>): float in vectors, double per element.</summary>
public readonly struct SigmoidKernel : IUnaryKernel, IScalarFunction, IFloatFunction
{
    /// <inheritdoc/>
    public static string Name => "sigmoid";
    /// <inheritdoc/>
    public static string Cuda => "1 / (1 + exp(-x))";
    double IScalarFunction.Invoke(double x) => 1 / (1 + Math.Exp(-x));
    TV IFloatFunction.Invoke<TL, TV>(TV x) => VectorMath.Sigmoid<TL, TV>(x);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Lanes(this, x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Map(this, x, y);
}

/// <summary>
/// log(x / (1 - x)) with x first clamped to [eps, 1 - eps] when <paramref name="eps"/> is not negative
/// (<c>torch.logit(x, eps)</c>); x = 1 gives +inf.
/// </summary>
public readonly struct LogitKernel(double eps) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "logit";
    /// <inheritdoc/>
    public static string Cuda => "logit(x, eps)";

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        float lo = (float)eps, hi = 1 - (float)eps;
        for (int i = 0; i < x.Length; i++)
        {
            var v = x[i];
            if (eps >= 0) v = v < lo ? lo : (v > hi ? hi : v);
            y[i] = v == 1f ? float.PositiveInfinity : MathF.Log(v / (1f - v));
        }
    }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        double lo = eps, hi = 1 - eps;
        for (int i = 0; i < x.Length; i++)
        {
            var v = x[i];
            if (eps >= 0) v = v < lo ? lo : (v > hi ? hi : v);
            y[i] = v == 1 ? double.PositiveInfinity : Math.Log(v / (1 - v));
        }
    }
}

/// <summary>The error function (<c>torch.erf</c>).</summary>
public readonly struct ErfKernel : IUnaryKernel, IScalarFunction
{
    /// <inheritdoc/>
    public static string Name => "erf";
    /// <inheritdoc/>
    public static string Cuda => "erf(x)";
    double IScalarFunction.Invoke(double x) => ErrorFunction.Erf(x);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Map(this, x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Map(this, x, y);
}

/// <summary>The complementary error function 1 - erf(x) (<c>torch.erfc</c>).</summary>
public readonly struct ErfcKernel : IUnaryKernel, IScalarFunction
{
    /// <inheritdoc/>
    public static string Name => "erfc";
    /// <inheritdoc/>
    public static string Cuda => "erfc(x)";
    double IScalarFunction.Invoke(double x) => ErrorFunction.Erfc(x);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Map(this, x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Map(this, x, y);
}

/// <summary>The inverse error function (<c>torch.erfinv</c>).</summary>
public readonly struct ErfinvKernel : IUnaryKernel, IScalarFunction
{
    /// <inheritdoc/>
    public static string Name => "erfinv";
    /// <inheritdoc/>
    public static string Cuda => "erfinv(x)";
    double IScalarFunction.Invoke(double x) => ErrorFunction.Erfinv(x);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Map(this, x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Map(this, x, y);
}

/// <summary>1 / x (<c>torch.reciprocal</c>).</summary>
public readonly struct ReciprocalKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "reciprocal";
    /// <inheritdoc/>
    public static string Cuda => "1 / x";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Reciprocal(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Reciprocal(x, y);
}

/// <summary>x - trunc(x) (<c>torch.frac</c>).</summary>
public readonly struct FracKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "frac";
    /// <inheritdoc/>
    public static string Cuda => "x - trunc(x)";

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        TensorPrimitives.Truncate(x, y);
        TensorPrimitives.Subtract(x, y, y);
    }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        TensorPrimitives.Truncate(x, y);
        TensorPrimitives.Subtract(x, y, y);
    }
}

/// <summary>Round down (<c>torch.floor</c>); integers are unchanged.</summary>
public readonly struct FloorKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "floor";
    /// <inheritdoc/>
    public static string Cuda => "floor(x)";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Floor(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Floor(x, y);
    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T> => x.CopyTo(y);
}

/// <summary>Round up (<c>torch.ceil</c>); integers are unchanged.</summary>
public readonly struct CeilKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "ceil";
    /// <inheritdoc/>
    public static string Cuda => "ceil(x)";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Ceiling(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Ceiling(x, y);
    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T> => x.CopyTo(y);
}

/// <summary>Round toward zero (<c>torch.trunc</c>); integers are unchanged.</summary>
public readonly struct TruncKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "trunc";
    /// <inheritdoc/>
    public static string Cuda => "trunc(x)";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Truncate(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Truncate(x, y);
    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T> => x.CopyTo(y);
}

/// <summary>Round half to even (<c>torch.round</c>, C's nearbyint); integers are unchanged.</summary>
public readonly struct RoundKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "round";
    /// <inheritdoc/>
    public static string Cuda => "nearbyint(x)";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Round(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Round(x, y);
    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T> => x.CopyTo(y);
}

/// <summary>
/// Round half to even at <paramref name="decimals"/> decimal digits (<c>torch.round(x, decimals=d)</c>), computed
/// as PyTorch does: nearbyint(x * 10^d) / 10^d, or nearbyint(x / 10^-d) * 10^-d for negative d.
/// </summary>
public readonly struct RoundDecimalsKernel(long decimals) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "round";
    /// <inheritdoc/>
    public static string Cuda => "round_decimals(x, decimals)";

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        var p = (float)Math.Pow(10, Math.Abs(decimals));
        if (decimals < 0)
            for (int i = 0; i < x.Length; i++) y[i] = MathF.Round(x[i] / p) * p;
        else
            for (int i = 0; i < x.Length; i++) y[i] = MathF.Round(x[i] * p) / p;
    }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        var p = Math.Pow(10, Math.Abs(decimals));
        if (decimals < 0)
            for (int i = 0; i < x.Length; i++) y[i] = Math.Round(x[i] / p) * p;
        else
            for (int i = 0; i < x.Length; i++) y[i] = Math.Round(x[i] * p) / p;
    }
}

/// <summary>max(x, 0), keeping NaN (<c>torch.relu</c>).</summary>
public readonly struct ReluKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "relu";
    /// <inheritdoc/>
    public static string Cuda => "x < 0 ? 0 : x";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => Run(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => Run(x, y);
    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T> => Run(x, y);

    private static void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T> =>
        MathLoops.Vectorized<ReluVector<T>, T>(default, x, y);

    private readonly struct ReluVector<T> : IVectorFunction<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x) =>
            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<T>.Zero), Vector256<T>.Zero, x);
    }
}

/// <summary>|x| (<c>torch.abs</c>); integer minimums wrap as in C++.</summary>
public readonly struct AbsKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "abs";
    /// <inheritdoc/>
    public static string Cuda => "abs(x)";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Abs(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Abs(x, y);

    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T> =>
        MathLoops.Vectorized<AbsVector<T>, T>(default, x, y);

    private readonly struct AbsVector<T> : IVectorFunction<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x) =>
            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<T>.Zero), -x, x);
    }
}

/// <summary>
/// The sign, -1, 0 or 1 (<c>torch.sign</c>, and <c>torch.sgn</c> for real types), computed as PyTorch's
/// (0 &lt; x) - (x &lt; 0): NaN and -0 give 0.
/// </summary>
public readonly struct SignKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "sign";
    /// <inheritdoc/>
    public static string Cuda => "(0 < x) - (x < 0)";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Vectorized<SignVector<float>, float>(default, x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Vectorized<SignVector<double>, double>(default, x, y);
    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T> =>
        MathLoops.Vectorized<SignVector<T>, T>(default, x, y);

    private readonly struct SignVector<T> : IVectorFunction<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x)
        {
            var one = Vector256<T>.One;
            var zero = Vector256<T>.Zero;
            return (Vector256.GreaterThan(x, zero) & one) - (Vector256.LessThan(x, zero) & one);
        }
    }
}

/// <summary>
/// x raised to a fixed exponent (<c>torch.pow(x, exponent)</c>) with PyTorch's fast paths for 2, 3, 0.5, -0.5, -1
/// and -2; integers use exact repeated squaring (the exponent must be a non-negative integer there).
/// </summary>
public readonly struct PowScalarKernel(double exponent) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "pow";
    /// <inheritdoc/>
    public static string Cuda => "pow_scalar(x, exponent)";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        switch (exponent)
        {
            case 2: TensorPrimitives.Multiply(x, x, y); break;
            case 3: TensorPrimitives.Multiply(x, x, y); TensorPrimitives.Multiply(y, x, y); break;
            case 0.5: TensorPrimitives.Sqrt(x, y); break;
            case -0.5: TensorPrimitives.ReciprocalSqrt(x, y); break;
            case -1: TensorPrimitives.Reciprocal(x, y); break;
            case -2: TensorPrimitives.Multiply(x, x, y); TensorPrimitives.Reciprocal(y, y); break;
            default: TensorPrimitives.Pow(x, (float)exponent, y); break;
        }
    }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        switch (exponent)
        {
            case 2: TensorPrimitives.Multiply(x, x, y); break;
            case 3: TensorPrimitives.Multiply(x, x, y); TensorPrimitives.Multiply(y, x, y); break;
            case 0.5: TensorPrimitives.Sqrt(x, y); break;
            case -0.5: TensorPrimitives.ReciprocalSqrt(x, y); break;
            case -1: TensorPrimitives.Reciprocal(x, y); break;
            case -2: TensorPrimitives.Multiply(x, x, y); TensorPrimitives.Reciprocal(y, y); break;
            default: TensorPrimitives.Pow(x, exponent, y); break;
        }
    }

    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T>
    {
        var e = T.CreateTruncating((long)exponent);
        if (exponent == 2)
        {
            TensorPrimitives.Multiply(x, x, y);
            return;
        }
        for (int i = 0; i < x.Length; i++) y[i] = IntegerMath.Pow(x[i], e);
    }
}

/// <summary>
/// Replaces NaN, +inf and -inf with given finite values (<c>torch.nan_to_num</c>); the op layer passes the
/// dtype's largest and lowest values as the defaults.
/// </summary>
public readonly struct NanToNumKernel(double nan, double posinf, double neginf) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "nan_to_num";
    /// <inheritdoc/>
    public static string Cuda => "isnan(x) ? (T)nan : (isinf(x) ? (x > 0 ? (T)posinf : (T)neginf) : x)";

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        float n = (float)nan, p = (float)posinf, m = (float)neginf;
        for (int i = 0; i < x.Length; i++)
        {
            var v = x[i];
            y[i] = float.IsNaN(v) ? n : v == float.PositiveInfinity ? p : v == float.NegativeInfinity ? m : v;
        }
    }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            var v = x[i];
            y[i] = double.IsNaN(v) ? nan : v == double.PositiveInfinity ? posinf : v == double.NegativeInfinity ? neginf : v;
        }
    }
}

/// <summary>
/// x clamped to [min, max] as PyTorch's <c>std::min(std::max(x, min), max)</c> (<c>torch.clamp</c> with number
/// bounds): a NaN x stays NaN, and min &gt; max gives max. A missing bound is ±inf (or the integer extreme).
/// </summary>
public readonly struct ClampScalarKernel(double min, double max, bool hasMin, bool hasMax) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "clamp";
    /// <inheritdoc/>
    public static string Cuda => "clamp_scalar(x, min, max, hasMin, hasMax)";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => Run(x, y, (float)min, (float)max);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => Run(x, y, min, max);

    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T> =>
        Run(x, y, T.CreateTruncating((long)min), T.CreateTruncating((long)max));

    private void Run<T>(ReadOnlySpan<T> x, Span<T> y, T lo, T hi) where T : unmanaged, INumber<T>
    {
        if (hasMin && hasMax) MathLoops.Vectorized<ClampVector<T>, T>(new(lo, hi, true, true), x, y);
        else if (hasMin) MathLoops.Vectorized<ClampVector<T>, T>(new(lo, hi, true, false), x, y);
        else MathLoops.Vectorized<ClampVector<T>, T>(new(lo, hi, false, true), x, y);
    }

    private readonly struct ClampVector<T>(T lo, T hi, bool useLo, bool useHi) : IVectorFunction<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x)
        {
            if (useLo)
            {
                var l = Vector256.Create(lo);
                x = Vector256.ConditionalSelect(Vector256.LessThan(x, l), l, x);
            }
            if (useHi)
            {
                var h = Vector256.Create(hi);
                x = Vector256.ConditionalSelect(Vector256.LessThan(h, x), h, x);
            }
            return x;
        }
    }
}

/// <summary>~x, bitwise complement of integers (<c>torch.bitwise_not</c>); bool is handled as logical not.</summary>
public readonly struct BitwiseNotKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "bitwise_not";
    /// <inheritdoc/>
    public static string Cuda => "~x";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => throw MathLoops.Unsupported<float>("bitwise_not");
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => throw MathLoops.Unsupported<double>("bitwise_not");
    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T> => TensorPrimitives.OnesComplement(x, y);
}
