using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Flint.Kernels;

// The activation functions of torch.nn.functional and their gradients, each as PyTorch's CPU kernels
// (aten/src/ATen/native/cpu/Activation.cpp) evaluate them: the same formulas, constants and order of operations in
// the tensor's own precision. Transcendental steps run over L1-sized chunks with TensorPrimitives; the rest is
// Vector256 code. Every kernel reads an element before writing it, so input and output may be the same memory
// (in-place activations).

/// <summary>A float binary kernel body written once for float and double.</summary>
internal interface IFloatBinaryMath
{
    void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>Dispatch and shared steps of the activation kernels.</summary>
internal static class ActivationLoops
{
    /// <summary>Elements per chunk of the multi-step kernels: their temporaries stay in L1.</summary>
    public const int Chunk = 256;

    public static T C<T>(double v) where T : INumberBase<T> => T.CreateTruncating(v);

    public static void Binary<TM, T>(TM m, string name, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c)
        where TM : struct, IFloatBinaryMath where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) m.Run(MathLoops.As<T, float>(a), MathLoops.As<T, float>(b), MathLoops.As<T, float>(c));
        else if (typeof(T) == typeof(double)) m.Run(MathLoops.As<T, double>(a), MathLoops.As<T, double>(b), MathLoops.As<T, double>(c));
        else throw MathLoops.Unsupported<T>(name);
    }

    /// <summary>
    /// dst = log(1 + e) without cancellation for small e (Goldberg's correction, as log1p): with u = 1 + e, the result
    /// is log(u) · e / (u − 1), or e where u rounds to 1. <paramref name="dst"/> may be <paramref name="e"/>;
    /// <paramref name="u"/> is scratch of the same length.
    /// </summary>
    public static void Log1p<T>(ReadOnlySpan<T> e, Span<T> dst, Span<T> u) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Add(e, T.One, u);
        BinaryLoop.Run(new Ratio<T>(), e, u, dst);
        VectorMath.Log(u, u);
        BinaryLoop.Run(new Scale<T>(), dst, u, dst);
    }

    // e / (u − 1), or e itself where u == 1.
    private readonly struct Ratio<T> : IBinaryVector<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Vector256<T> Invoke(Vector256<T> e, Vector256<T> u) =>
            Vector256.ConditionalSelect(Vector256.Equals(u, Vector256<T>.One), e, e / (u - Vector256<T>.One));
    }

    // log(u) · ratio; where log(u) is 0 (u == 1) the ratio is e itself; where log(u) is not finite it is the answer.
    private readonly struct Scale<T> : IBinaryVector<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Vector256<T> Invoke(Vector256<T> ratio, Vector256<T> logU)
        {
            var finite = Vector256.LessThan(Vector256.Abs(logU), Vector256.Create(T.PositiveInfinity));
            return Vector256.ConditionalSelect(Vector256.Equals(logU, Vector256<T>.Zero), ratio,
                Vector256.ConditionalSelect(finite, logU * ratio, logU));
        }
    }
}

/// <summary>leaky_relu: x where x &gt; 0, else x · negative_slope (<c>F.leaky_relu</c>).</summary>
public readonly struct LeakyReluKernel(double negativeSlope) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "leaky_relu";
    /// <inheritdoc/>
    public static string Cuda => "x > 0 ? x : x * (T)negativeSlope";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Vectorized(new V<float>((float)negativeSlope), x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Vectorized(new V<double>(negativeSlope), x, y);

    private readonly struct V<T>(T slope) : IVectorFunction<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x) =>
            x * Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), Vector256<T>.One, Vector256.Create(slope));
    }
}

/// <summary>leaky_relu_backward(grad a, self b): a where b &gt; 0, else a · negative_slope.</summary>
public readonly struct LeakyReluBackwardKernel(double negativeSlope) : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "leaky_relu_backward";
    /// <inheritdoc/>
    public static string Cuda => "b > 0 ? a : a * (T)negativeSlope";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        BinaryLoop.Run(new V<T>(T.CreateTruncating(negativeSlope)), a, b, c);

    private readonly struct V<T>(T slope) : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) =>
            a * Vector256.ConditionalSelect(Vector256.GreaterThan(b, Vector256<T>.Zero), Vector256<T>.One, Vector256.Create(slope));
    }
}

/// <summary>
/// elu(x, alpha, scale, input_scale): x · scale where x &gt; 0, else (exp(x · input_scale) − 1) · alpha · scale
/// (<c>F.elu</c>, and with fixed constants <c>F.selu</c> and <c>F.celu</c>).
/// </summary>
public readonly struct EluKernel(double alpha, double scale, double inputScale) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "elu";
    /// <inheritdoc/>
    public static string Cuda => "x > 0 ? x * (T)scale : (exp(x * (T)inputScale) - 1) * ((T)alpha * (T)scale)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => Run(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => Run(x, y);

    private void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T negcoef = ActivationLoops.C<T>(alpha) * ActivationLoops.C<T>(scale), poscoef = ActivationLoops.C<T>(scale), negip = ActivationLoops.C<T>(inputScale);
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < x.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, x.Length - i);
            var xs = x.Slice(i, m);
            var ts = t[..m];
            TensorPrimitives.Multiply(xs, negip, ts);
            VectorMath.Exp(ts, ts);
            BinaryLoop.Run(new Select<T>(negcoef, poscoef), xs, ts, y.Slice(i, m));
        }
    }

    private readonly struct Select<T>(T negcoef, T poscoef) : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> e) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), x * Vector256.Create(poscoef),
                (e - Vector256<T>.One) * Vector256.Create(negcoef));
    }
}

/// <summary>
/// elu_backward(grad a, b): a · scale where b &gt; 0, else a · input_scale · (b + alpha · scale) when b is the result,
/// or a · input_scale · alpha · scale · exp(b · input_scale) when b is the input.
/// </summary>
public readonly struct EluBackwardKernel(double alpha, double scale, double inputScale, bool isResult) : IBinaryKernel, IFloatBinaryMath
{
    /// <inheritdoc/>
    public static string Name => "elu_backward";
    /// <inheritdoc/>
    public static string Cuda => "b > 0 ? a * (T)scale : (isResult ? a * (T)inputScale * (b + (T)alpha * (T)scale) : a * (T)inputScale * ((T)alpha * (T)scale) * exp(b * (T)inputScale))";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        ActivationLoops.Binary(this, Name, a, b, c);

    void IFloatBinaryMath.Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c)
    {
        T negcoef = ActivationLoops.C<T>(alpha) * ActivationLoops.C<T>(scale), poscoef = ActivationLoops.C<T>(scale), negip = ActivationLoops.C<T>(inputScale);
        if (isResult)
        {
            BinaryLoop.Run(new FromResult<T>(negcoef, poscoef, negip), a, b, c);
            return;
        }
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < a.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, a.Length - i);
            var bs = b.Slice(i, m);
            var ts = t[..m];
            TensorPrimitives.Multiply(bs, negip, ts);
            VectorMath.Exp(ts, ts);
            TernaryLoop.Run(new FromInput<T>(negcoef, poscoef, negip), a.Slice(i, m), bs, ts, c.Slice(i, m));
        }
    }

    private readonly struct FromResult<T>(T negcoef, T poscoef, T negip) : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(b, Vector256<T>.Zero), a * Vector256.Create(poscoef),
                a * Vector256.Create(negip) * (b + Vector256.Create(negcoef)));
    }

    private readonly struct FromInput<T>(T negcoef, T poscoef, T negip) : ITernaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b, Vector256<T> e) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(b, Vector256<T>.Zero), a * Vector256.Create(poscoef),
                a * Vector256.Create(negip) * Vector256.Create(negcoef) * e);
    }
}

/// <summary>Constants and the float erf of PyTorch's GELU kernels.</summary>
internal static class GeluMath
{
    public const double SqrtHalf = 0.70710678118654752440;            // M_SQRT1_2
    public const double PdfScale = 1.12837916709551257390 * SqrtHalf * 0.5; // M_2_SQRTPI * M_SQRT1_2 * 0.5
    public const double TanhBeta = 1.41421356237309504880 * 1.12837916709551257390 * 0.5; // M_SQRT2 * M_2_SQRTPI * 0.5
    public const double TanhKappa = 0.044715;

    /// <summary>
    /// erf(z) for float vectors as PyTorch's AVX2 <c>Vectorized&lt;float&gt;::erf</c>: Abramowitz and Stegun 7.1.26,
    /// sign(z) · (1 − r(t) · t · exp(−z²)) with t = 1 / (1 + p|z|); <paramref name="expNegZ2"/> is exp(−z²).
    /// </summary>
    public static Vector256<float> Erf(Vector256<float> z, Vector256<float> expNegZ2)
    {
        var one = Vector256<float>.One;
        var sign = z & Vector256.Create(-0f);
        var az = z ^ sign;
        var t = one / Vector256.FusedMultiplyAdd(Vector256.Create(0.3275911f), az, one);
        var r = Vector256.FusedMultiplyAdd(Vector256.Create(1.061405429f), t, Vector256.Create(-1.453152027f));
        r = Vector256.FusedMultiplyAdd(r, t, Vector256.Create(1.421413741f));
        r = Vector256.FusedMultiplyAdd(r, t, Vector256.Create(-0.284496736f));
        r = Vector256.FusedMultiplyAdd(r, t, Vector256.Create(0.254829592f));
        var v = Vector256.FusedMultiplyAdd(-expNegZ2 * t, r, one);
        return v ^ sign;
    }

    /// <summary>exp(−(x·√½)²) for a float chunk, the input of <see cref="Erf"/>.</summary>
    public static void ExpNegHalfSquare(ReadOnlySpan<float> x, Span<float> dst)
    {
        TensorPrimitives.Multiply(x, (float)SqrtHalf, dst);
        TensorPrimitives.Multiply(dst, dst, dst);
        TensorPrimitives.Negate(dst, dst);
        VectorMath.Exp(dst, dst);
    }
}

/// <summary>
/// gelu: x · Φ(x) = x · ½ · (1 + erf(x/√2)), or with <c>approximate="tanh"</c> ½ · x · (1 + tanh(√(2/π) · (x + 0.044715 x³)))
/// (<c>F.gelu</c>).
/// </summary>
public readonly struct GeluKernel(bool tanh) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "GeluKernelImpl";
    /// <inheritdoc/>
    public static string Cuda => "gelu(x, tanh)";

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        if (tanh)
        {
            TanhForm(x, y);
            return;
        }
        Span<float> t = stackalloc float[ActivationLoops.Chunk];
        for (int i = 0; i < x.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, x.Length - i);
            var xs = x.Slice(i, m);
            GeluMath.ExpNegHalfSquare(xs, t[..m]);
            BinaryLoop.Run(new ErfForm(), xs, t[..m], y.Slice(i, m));
        }
    }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        if (tanh)
        {
            TanhForm(x, y);
            return;
        }
        for (int i = 0; i < x.Length; i++)
        {
            var v = x[i];
            y[i] = v * 0.5 * (1 + ErrorFunction.Erf(v * GeluMath.SqrtHalf));
        }
    }

    private static void TanhForm<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < x.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, x.Length - i);
            var xs = x.Slice(i, m);
            var ts = t[..m];
            MathLoops.Vectorized(new Inner<T>(), xs, ts);
            VectorMath.Tanh(ts, ts);
            BinaryLoop.Run(new TanhOut<T>(), xs, ts, y.Slice(i, m));
        }
    }

    private readonly struct ErfForm : IBinaryVector<float>
    {
        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> e) =>
            x * Vector256.Create(0.5f) * (Vector256<float>.One + GeluMath.Erf(x * Vector256.Create((float)GeluMath.SqrtHalf), e));
    }

    internal readonly struct Inner<T> : IVectorFunction<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x) =>
            Vector256.Create(T.CreateTruncating(GeluMath.TanhBeta)) * (x + Vector256.Create(T.CreateTruncating(GeluMath.TanhKappa)) * (x * x * x));
    }

    private readonly struct TanhOut<T> : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> th) =>
            Vector256.Create(T.CreateTruncating(0.5)) * x * (Vector256<T>.One + th);
    }
}

/// <summary>gelu_backward(grad a, self b) for both forms, as PyTorch's <c>GeluBackwardKernelImpl</c>.</summary>
public readonly struct GeluBackwardKernel(bool tanh) : IBinaryKernel, IFloatBinaryMath
{
    /// <inheritdoc/>
    public static string Name => "GeluBackwardKernelImpl";
    /// <inheritdoc/>
    public static string Cuda => "gelu_backward(a, b, tanh)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        ActivationLoops.Binary(this, Name, a, b, c);

    void IFloatBinaryMath.Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c)
    {
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        Span<T> u = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < a.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, a.Length - i);
            ReadOnlySpan<T> dy = a.Slice(i, m), x = b.Slice(i, m);
            Span<T> ts = t[..m], us = u[..m], cs = c.Slice(i, m);
            if (tanh)
            {
                MathLoops.Vectorized(new GeluKernel.Inner<T>(), x, ts);
                VectorMath.Tanh(ts, ts);
                TernaryLoop.Run(new TanhGrad<T>(), dy, x, ts, cs);
            }
            else if (typeof(T) == typeof(float))
            {
                var xf = MathLoops.As<T, float>(x);
                var tf = MathLoops.As<T, float>(ts);
                var uf = MathLoops.As<T, float>(us);
                GeluMath.ExpNegHalfSquare(xf, tf);
                BinaryLoop.Run(new Cdf(), xf, tf, tf);
                // x · pdf, pdf = β · exp(x · x · −½).
                TensorPrimitives.Multiply(xf, xf, uf);
                TensorPrimitives.Multiply(uf, -0.5f, uf);
                VectorMath.Exp(uf, uf);
                TensorPrimitives.Multiply(uf, (float)GeluMath.PdfScale, uf);
                TensorPrimitives.Multiply(xf, uf, uf);
                TensorPrimitives.Add(tf, uf, tf);
                TensorPrimitives.Multiply(MathLoops.As<T, float>(dy), tf, MathLoops.As<T, float>(cs));
            }
            else
            {
                var xd = MathLoops.As<T, double>(x);
                var dyd = MathLoops.As<T, double>(dy);
                var cd = MathLoops.As<T, double>(cs);
                for (int k = 0; k < m; k++)
                {
                    var v = xd[k];
                    var cdf = 0.5 * (1 + ErrorFunction.Erf(v * GeluMath.SqrtHalf));
                    var pdf = GeluMath.PdfScale * Math.Exp(v * v * -0.5);
                    cd[k] = dyd[k] * (cdf + v * pdf);
                }
            }
        }
    }

    private readonly struct Cdf : IBinaryVector<float>
    {
        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> e) =>
            Vector256.Create(0.5f) * (Vector256<float>.One + GeluMath.Erf(x * Vector256.Create((float)GeluMath.SqrtHalf), e));
    }

    private readonly struct TanhGrad<T> : ITernaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> dy, Vector256<T> x, Vector256<T> th)
        {
            var one = Vector256<T>.One;
            var half = Vector256.Create(T.CreateTruncating(0.5));
            var beta = Vector256.Create(T.CreateTruncating(GeluMath.TanhBeta));
            var kappa = Vector256.Create(T.CreateTruncating(GeluMath.TanhKappa));
            var left = half * x;
            var leftDerivative = half * (one + th);
            var tanhDerivative = one - th * th;
            var innerDerivative = beta * (one + Vector256.Create(T.CreateTruncating(3.0)) * kappa * (x * x));
            var rightDerivative = left * tanhDerivative * innerDerivative;
            return dy * (leftDerivative + rightDerivative);
        }
    }
}

/// <summary>silu (swish): x / (1 + exp(−x)) (<c>F.silu</c>).</summary>
public readonly struct SiluKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "silu";
    /// <inheritdoc/>
    public static string Cuda => "x / (1 + exp(-x))";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => Run(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => Run(x, y);

    private void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < x.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, x.Length - i);
            var xs = x.Slice(i, m);
            TensorPrimitives.Negate(xs, t[..m]);
            VectorMath.Exp(t[..m], t[..m]);
            BinaryLoop.Run(new Out<T>(), xs, t[..m], y.Slice(i, m));
        }
    }

    private readonly struct Out<T> : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> e) => x / (Vector256<T>.One + e);
    }
}

/// <summary>silu_backward(grad a, self b) = a · σ(b) · (1 + b · (1 − σ(b))).</summary>
public readonly struct SiluBackwardKernel : IBinaryKernel, IFloatBinaryMath
{
    /// <inheritdoc/>
    public static string Name => "silu_backward";
    /// <inheritdoc/>
    public static string Cuda => "a * (1 / (1 + exp(-b))) * (1 + b * (1 - 1 / (1 + exp(-b))))";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        ActivationLoops.Binary(this, Name, a, b, c);

    void IFloatBinaryMath.Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c)
    {
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < a.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, a.Length - i);
            var bs = b.Slice(i, m);
            var ts = t[..m];
            TensorPrimitives.Negate(bs, ts);
            VectorMath.Exp(ts, ts);
            TernaryLoop.Run(new Grad<T>(), a.Slice(i, m), bs, ts, c.Slice(i, m));
        }
    }

    private readonly struct Grad<T> : ITernaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> dy, Vector256<T> x, Vector256<T> e)
        {
            var one = Vector256<T>.One;
            var sigmoid = one / (one + e);
            return dy * sigmoid * (one + x * (one - sigmoid));
        }
    }
}

/// <summary>mish: x · tanh(softplus(x)) = x · tanh(log1p(exp(x))) (<c>F.mish</c>).</summary>
public readonly struct MishKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "mish";
    /// <inheritdoc/>
    public static string Cuda => "x * tanh(log1p(exp(x)))";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => Run(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => Run(x, y);

    private void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        Span<T> u = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < x.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, x.Length - i);
            var xs = x.Slice(i, m);
            var ts = t[..m];
            VectorMath.Exp(xs, ts);
            ActivationLoops.Log1p<T>(ts, ts, u[..m]);
            VectorMath.Tanh(ts, ts);
            TensorPrimitives.Multiply(xs, ts, y.Slice(i, m));
        }
    }
}

/// <summary>mish_backward(grad a, self b) = a · (tsp + b · σ(b) · (1 − tsp²)), tsp = tanh(softplus(b)).</summary>
public readonly struct MishBackwardKernel : IBinaryKernel, IFloatBinaryMath
{
    /// <inheritdoc/>
    public static string Name => "mish_backward";
    /// <inheritdoc/>
    public static string Cuda => "a * (tanh(log1p(exp(b))) + b * (1 / (1 + exp(-b))) * (1 - tanh(log1p(exp(b))) * tanh(log1p(exp(b)))))";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        ActivationLoops.Binary(this, Name, a, b, c);

    void IFloatBinaryMath.Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c)
    {
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        Span<T> s = stackalloc T[ActivationLoops.Chunk];
        Span<T> u = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < a.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, a.Length - i);
            var x = b.Slice(i, m);
            Span<T> ts = t[..m], ss = s[..m];
            TensorPrimitives.Negate(x, ss);
            VectorMath.Exp(ss, ss);
            TensorPrimitives.Add(ss, T.One, ss);
            TensorPrimitives.Reciprocal(ss, ss);
            TensorPrimitives.Multiply(x, ss, ss);
            VectorMath.Exp(x, ts);
            ActivationLoops.Log1p<T>(ts, ts, u[..m]);
            VectorMath.Tanh(ts, ts);
            TernaryLoop.Run(new Grad<T>(), a.Slice(i, m), ss, ts, c.Slice(i, m));
        }
    }

    private readonly struct Grad<T> : ITernaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> dy, Vector256<T> xSigmoid, Vector256<T> tsp) =>
            dy * (tsp + xSigmoid * (Vector256<T>.One - tsp * tsp));
    }
}

/// <summary>softplus: log1p(exp(β·x)) / β, or x where β·x &gt; threshold (<c>F.softplus</c>).</summary>
public readonly struct SoftplusKernel(double beta, double threshold) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "softplus";
    /// <inheritdoc/>
    public static string Cuda => "x * (T)beta > (T)threshold ? x : log1p(exp(x * (T)beta)) / (T)beta";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => Run(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => Run(x, y);

    private void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b = ActivationLoops.C<T>(beta), th = ActivationLoops.C<T>(threshold);
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        Span<T> u = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < x.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, x.Length - i);
            var xs = x.Slice(i, m);
            var ts = t[..m];
            TensorPrimitives.Multiply(xs, b, ts);
            VectorMath.Exp(ts, ts);
            ActivationLoops.Log1p<T>(ts, ts, u[..m]);
            BinaryLoop.Run(new Out<T>(b, th), xs, ts, y.Slice(i, m));
        }
    }

    private readonly struct Out<T>(T beta, T threshold) : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> lp)
        {
            var vb = Vector256.Create(beta);
            return Vector256.ConditionalSelect(Vector256.GreaterThan(x * vb, Vector256.Create(threshold)), x, lp / vb);
        }
    }
}

/// <summary>softplus_backward(grad a, self b): a where β·b &gt; threshold, else a · z / (z + 1) with z = exp(β·b).</summary>
public readonly struct SoftplusBackwardKernel(double beta, double threshold) : IBinaryKernel, IFloatBinaryMath
{
    /// <inheritdoc/>
    public static string Name => "softplus_backward";
    /// <inheritdoc/>
    public static string Cuda => "b * (T)beta > (T)threshold ? a : a * exp(b * (T)beta) / (exp(b * (T)beta) + 1)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        ActivationLoops.Binary(this, Name, a, b, c);

    void IFloatBinaryMath.Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c)
    {
        T bt = ActivationLoops.C<T>(beta), th = ActivationLoops.C<T>(threshold);
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < a.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, a.Length - i);
            var bs = b.Slice(i, m);
            var ts = t[..m];
            TensorPrimitives.Multiply(bs, bt, ts);
            VectorMath.Exp(ts, ts);
            TernaryLoop.Run(new Grad<T>(bt, th), a.Slice(i, m), bs, ts, c.Slice(i, m));
        }
    }

    private readonly struct Grad<T>(T beta, T threshold) : ITernaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b, Vector256<T> z) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(b * Vector256.Create(beta), Vector256.Create(threshold)), a,
                a * z / (z + Vector256<T>.One));
    }
}

/// <summary>hardtanh: x clamped to [min_val, max_val], NaN kept (<c>F.hardtanh</c>, <c>F.relu6</c>).</summary>
public readonly struct HardtanhKernel(double minVal, double maxVal) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "clamp";
    /// <inheritdoc/>
    public static string Cuda => "isnan(x) ? x : std_min(std_max(x, (T)minVal), (T)maxVal)";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Vectorized(new V<float>((float)minVal, (float)maxVal), x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Vectorized(new V<double>(minVal, maxVal), x, y);

    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T>
    {
        T lo = T.CreateTruncating(minVal), hi = T.CreateTruncating(maxVal);
        for (int i = 0; i < x.Length; i++) y[i] = T.Min(T.Max(x[i], lo), hi);
    }

    private readonly struct V<T>(T lo, T hi) : IVectorFunction<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x) =>
            Vector256.ConditionalSelect(Vector256.Equals(x, x),
                Vector256.Min(Vector256.Max(x, Vector256.Create(lo)), Vector256.Create(hi)), x);
    }
}

/// <summary>hardtanh_backward(grad a, self b): a where min_val &lt; b &lt; max_val, else 0.</summary>
public readonly struct HardtanhBackwardKernel(double minVal, double maxVal) : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "hardtanh_backward";
    /// <inheritdoc/>
    public static string Cuda => "(b <= (T)minVal || b >= (T)maxVal) ? 0 : a";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        BinaryLoop.Run(new V<T>(T.CreateTruncating(minVal), T.CreateTruncating(maxVal)), a, b, c);

    private readonly struct V<T>(T lo, T hi) : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(b, Vector256.Create(lo)) & Vector256.LessThan(b, Vector256.Create(hi)),
                a, Vector256<T>.Zero);
    }
}

/// <summary>hardsigmoid: min(max(x + 3, 0), 6) / 6 (<c>F.hardsigmoid</c>).</summary>
public readonly struct HardsigmoidKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "hardsigmoid";
    /// <inheritdoc/>
    public static string Cuda => "std_min(std_max(x + 3, 0), 6) / 6";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Vectorized(new V<float>(), x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Vectorized(new V<double>(), x, y);

    private readonly struct V<T> : IVectorFunction<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x)
        {
            var six = Vector256.Create(T.CreateTruncating(6));
            return Vector256.Min(Vector256.Max(x + Vector256.Create(T.CreateTruncating(3)), Vector256<T>.Zero), six) / six;
        }
    }
}

/// <summary>
/// hardsigmoid_backward(grad a, self b): a / 6 where −3 &lt; b &lt; 3, else 0. As in PyTorch, the factor is the float
/// 1/6 in either precision.
/// </summary>
public readonly struct HardsigmoidBackwardKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "hardsigmoid_backward";
    /// <inheritdoc/>
    public static string Cuda => "(b > -3 && b < 3) ? a * (1.0f / 6.0f) : 0";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        BinaryLoop.Run(new V<T>(), a, b, c);

    private readonly struct V<T> : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b)
        {
            var inside = Vector256.GreaterThan(b, Vector256.Create(T.CreateTruncating(-3))) & Vector256.LessThan(b, Vector256.Create(T.CreateTruncating(3)));
            return Vector256.ConditionalSelect(inside, a * Vector256.Create(T.CreateTruncating(1.0f / 6.0f)), Vector256<T>.Zero);
        }
    }
}

/// <summary>hardswish: x · min(max(x + 3, 0), 6) / 6 (<c>F.hardswish</c>).</summary>
public readonly struct HardswishKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "hardswish";
    /// <inheritdoc/>
    public static string Cuda => "x * std_min(std_max(x + 3, 0), 6) / 6";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Vectorized(new V<float>(), x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Vectorized(new V<double>(), x, y);

    private readonly struct V<T> : IVectorFunction<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x)
        {
            var six = Vector256.Create(T.CreateTruncating(6));
            return x * Vector256.Min(Vector256.Max(x + Vector256.Create(T.CreateTruncating(3)), Vector256<T>.Zero), six) / six;
        }
    }
}

/// <summary>hardswish_backward(grad a, self b): 0 below −3, a · (b/3 + ½) up to 3, a above.</summary>
public readonly struct HardswishBackwardKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "hardswish_backward";
    /// <inheritdoc/>
    public static string Cuda => "b < -3 ? 0 : (b <= 3 ? a * (b / 3 + (T)0.5) : a)";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        BinaryLoop.Run(new V<T>(), a, b, c);

    private readonly struct V<T> : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b)
        {
            var three = Vector256.Create(T.CreateTruncating(3));
            var mid = a * (b / three + Vector256.Create(T.CreateTruncating(0.5)));
            return Vector256.ConditionalSelect(Vector256.LessThan(b, -three), Vector256<T>.Zero,
                Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(b, three), a, mid));
        }
    }
}

/// <summary>log_sigmoid: min(x, 0) − log1p(exp(−|x|)) (<c>F.logsigmoid</c>).</summary>
public readonly struct LogSigmoidKernel : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "log_sigmoid_cpu";
    /// <inheritdoc/>
    public static string Cuda => "std_min(x, 0) - log1p(exp(-abs(x)))";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => Run(x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => Run(x, y);

    private void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        Span<T> u = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < x.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, x.Length - i);
            var xs = x.Slice(i, m);
            var ts = t[..m];
            TensorPrimitives.Abs(xs, ts);
            TensorPrimitives.Negate(ts, ts);
            VectorMath.Exp(ts, ts);
            ActivationLoops.Log1p<T>(ts, ts, u[..m]);
            BinaryLoop.Run(new Out<T>(), xs, ts, y.Slice(i, m));
        }
    }

    private readonly struct Out<T> : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> lp) => Vector256.Min(x, Vector256<T>.Zero) - lp;
    }
}

/// <summary>
/// log_sigmoid_backward(grad a, self b) = a · (m − s · z / (1 + z)) with z = exp(−|b|), m = 1 and s = 1 where b &lt; 0,
/// m = 0 and s = −1 elsewhere.
/// </summary>
public readonly struct LogSigmoidBackwardKernel : IBinaryKernel, IFloatBinaryMath
{
    /// <inheritdoc/>
    public static string Name => "log_sigmoid_backward_cpu";
    /// <inheritdoc/>
    public static string Cuda => "a * ((b < 0 ? 1 : 0) - (b < 0 ? 1 : -1) * exp(-abs(b)) / (1 + exp(-abs(b))))";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        ActivationLoops.Binary(this, Name, a, b, c);

    void IFloatBinaryMath.Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c)
    {
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < a.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, a.Length - i);
            var bs = b.Slice(i, m);
            var ts = t[..m];
            TensorPrimitives.Abs(bs, ts);
            TensorPrimitives.Negate(ts, ts);
            VectorMath.Exp(ts, ts);
            TernaryLoop.Run(new Grad<T>(), bs, ts, a.Slice(i, m), c.Slice(i, m));
        }
    }

    private readonly struct Grad<T> : ITernaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> z, Vector256<T> g)
        {
            var one = Vector256<T>.One;
            var negative = Vector256.LessThan(x, Vector256<T>.Zero);
            var maxDeriv = Vector256.ConditionalSelect(negative, one, Vector256<T>.Zero);
            var sign = Vector256.ConditionalSelect(negative, one, -one);
            return (maxDeriv - sign * (z / (one + z))) * g;
        }
    }
}

/// <summary>softshrink: x − λ above λ, x + λ below −λ, 0 between (<c>F.softshrink</c>).</summary>
public readonly struct SoftshrinkKernel(double lambd) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "softshrink";
    /// <inheritdoc/>
    public static string Cuda => "x > (T)lambd ? x - (T)lambd : (x < -(T)lambd ? x + (T)lambd : 0)";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Vectorized(new V<float>((float)lambd), x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Vectorized(new V<double>(lambd), x, y);

    private readonly struct V<T>(T lambd) : IVectorFunction<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x)
        {
            var l = Vector256.Create(lambd);
            return Vector256.ConditionalSelect(Vector256.GreaterThan(x, l), x - l,
                Vector256.ConditionalSelect(Vector256.LessThan(x, -l), x + l, Vector256<T>.Zero));
        }
    }
}

/// <summary>hardshrink: 0 where −λ ≤ x ≤ λ, else x (<c>F.hardshrink</c>).</summary>
public readonly struct HardshrinkKernel(double lambd) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "hardshrink";
    /// <inheritdoc/>
    public static string Cuda => "(x >= -(T)lambd && x <= (T)lambd) ? 0 : x";
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Vectorized(new V<float>((float)lambd), x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Vectorized(new V<double>(lambd), x, y);

    private readonly struct V<T>(T lambd) : IVectorFunction<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x)
        {
            var l = Vector256.Create(lambd);
            return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, -l) & Vector256.LessThanOrEqual(x, l), Vector256<T>.Zero, x);
        }
    }
}

/// <summary>shrink_backward(grad a, self b): 0 where −λ ≤ b ≤ λ, else a (soft- and hardshrink).</summary>
public readonly struct ShrinkBackwardKernel(double lambd) : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "shrink_backward";
    /// <inheritdoc/>
    public static string Cuda => "(b >= -(T)lambd && b <= (T)lambd) ? 0 : a";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        BinaryLoop.Run(new V<T>(T.CreateTruncating(lambd)), a, b, c);

    private readonly struct V<T>(T lambd) : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b)
        {
            var l = Vector256.Create(lambd);
            return Vector256.ConditionalSelect(Vector256.LessThan(b, -l) | Vector256.GreaterThan(b, l), a, Vector256<T>.Zero);
        }
    }
}

/// <summary>threshold: value where x ≤ threshold, else x (<c>F.threshold</c>); integers too.</summary>
public readonly struct ThresholdKernel(double threshold, double value) : IUnaryKernel
{
    /// <inheritdoc/>
    public static string Name => "threshold";
    /// <inheritdoc/>
    public static string Cuda => "x <= (T)threshold ? (T)value : x";
    /// <inheritdoc/>
    public static bool SupportsIntegers => true;
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => MathLoops.Vectorized(new V<float>((float)threshold, (float)value), x, y);
    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> x, Span<double> y) => MathLoops.Vectorized(new V<double>(threshold, value), x, y);

    /// <inheritdoc/>
    public void ApplyInteger<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryInteger<T>
    {
        T th = T.CreateTruncating(threshold), v = T.CreateTruncating(value);
        for (int i = 0; i < x.Length; i++) y[i] = x[i] <= th ? v : x[i];
    }

    private readonly struct V<T>(T threshold, T value) : IVectorFunction<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> x) =>
            Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256.Create(threshold)), Vector256.Create(value), x);
    }
}

/// <summary>threshold_backward(grad a, self b, threshold): 0 where b ≤ threshold, else a.</summary>
public readonly struct ThresholdBackwardKernel(double threshold) : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "threshold_backward";
    /// <inheritdoc/>
    public static string Cuda => "b <= (T)threshold ? 0 : a";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        BinaryLoop.Run(new V<T>(T.CreateTruncating(threshold)), a, b, c);

    private readonly struct V<T>(T threshold) : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) =>
            Vector256.ConditionalSelect(Vector256.LessThanOrEqual(b, Vector256.Create(threshold)), Vector256<T>.Zero, a);
    }
}

/// <summary>prelu(x a, weight b): a where a &gt; 0, else b · a (<c>F.prelu</c>, weight broadcast over channels).</summary>
public readonly struct PreluKernel : IBinaryKernel
{
    /// <inheritdoc/>
    public static string Name => "prelu_cpu";
    /// <inheritdoc/>
    public static string Cuda => "a > 0 ? a : b * a";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        BinaryLoop.Run(new V<T>(), a, b, c);

    private readonly struct V<T> : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256<T>.Zero), a, b * a);
    }
}

/// <summary>glu's product a · σ(b) = a · (1 / (1 + exp(−b))) of the two halves (<c>F.glu</c>).</summary>
public readonly struct GluKernel : IBinaryKernel, IFloatBinaryMath
{
    /// <inheritdoc/>
    public static string Name => "glu_cpu";
    /// <inheritdoc/>
    public static string Cuda => "a * (1 / (1 + exp(-b)))";
    /// <inheritdoc/>
    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T> =>
        ActivationLoops.Binary(this, Name, a, b, c);

    void IFloatBinaryMath.Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c)
    {
        Span<T> t = stackalloc T[ActivationLoops.Chunk];
        for (int i = 0; i < a.Length; i += ActivationLoops.Chunk)
        {
            int m = Math.Min(ActivationLoops.Chunk, a.Length - i);
            var ts = t[..m];
            TensorPrimitives.Negate(b.Slice(i, m), ts);
            VectorMath.Exp(ts, ts);
            BinaryLoop.Run(new Out<T>(), a.Slice(i, m), ts, c.Slice(i, m));
        }
    }

    private readonly struct Out<T> : IBinaryVector<T> where T : unmanaged, INumber<T>
    {
        public Vector256<T> Invoke(Vector256<T> a, Vector256<T> e) => a * (Vector256<T>.One / (Vector256<T>.One + e));
    }
}
