using Flint.Autograd;
using Flint.Kernels;
using Flint.Ops;

namespace Flint;

/// <summary>
/// Elementwise float math of one tensor (exp, log, trig, sigmoid, erf, rounding, relu, abs, sign ...): integers and
/// bool give the default float dtype where PyTorch's do, in-place forms, and derivatives from derivatives.yaml.
/// </summary>
public partial class Tensor
{
    private const double Ln2 = 0.6931471805599453;
    private const double Ln10 = 2.302585092994046;
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double HalfSqrtPi = 0.886226925452758;

    // The forward of a float op: integers and bool are promoted to the default float dtype first. The derivative
    // gets the incoming gradient, self (if saveSelf) and the result (if saveResult).
    private Tensor FloatUnary<TOp>(TOp op, string node, bool saveSelf, bool saveResult, Func<Tensor, Tensor?, Tensor?, Tensor> backward)
        where TOp : struct, IUnaryKernel
    {
        var r = Elementwise.Unary(op, this, MathCommon.FloatType(dtype));
        if (Graph.Needs(this))
            Graph.Record(r, node, [this], [saveSelf ? this : null, saveResult ? r : null],
                n => [backward(n.Grad, n.SavedOrNull(0), n.SavedOrNull(1))]);
        return r;
    }

    private Tensor FloatUnary_<TOp>(TOp op, Func<Tensor, Tensor> outOfPlace) where TOp : struct, IUnaryKernel =>
        MathCommon.Unary_(this, op, MathCommon.FloatType(dtype), outOfPlace);

    /// <summary>e^x (<c>torch.exp</c>).</summary>
    public Tensor Exp() => FloatUnary(new ExpKernel(), "ExpBackward0", false, true, static (g, _, r) => g.Mul(r!));
    /// <summary>In-place <see cref="Exp"/> (<c>x.exp_()</c>).</summary>
    public Tensor Exp_() => FloatUnary_(new ExpKernel(), static s => s.Exp());

    /// <summary>2^x (<c>torch.exp2</c>).</summary>
    public Tensor Exp2() => FloatUnary(new Exp2Kernel(), "Exp2Backward0", false, true, static (g, _, r) => g.Mul(r!).Mul(Ln2));
    /// <summary>In-place <see cref="Exp2"/> (<c>x.exp2_()</c>).</summary>
    public Tensor Exp2_() => FloatUnary_(new Exp2Kernel(), static s => s.Exp2());

    /// <summary>e^x - 1, accurate near 0 (<c>torch.expm1</c>).</summary>
    public Tensor Expm1() => FloatUnary(new Expm1Kernel(), "Expm1Backward0", false, true, static (g, _, r) => g.Mul(r!.Add(1)));
    /// <summary>In-place <see cref="Expm1"/> (<c>x.expm1_()</c>).</summary>
    public Tensor Expm1_() => FloatUnary_(new Expm1Kernel(), static s => s.Expm1());

    /// <summary>Natural logarithm (<c>torch.log</c>).</summary>
    public Tensor Log() => FloatUnary(new LogKernel(), "LogBackward0", true, false, static (g, x, _) => g.Div(x!));
    /// <summary>In-place <see cref="Log"/> (<c>x.log_()</c>).</summary>
    public Tensor Log_() => FloatUnary_(new LogKernel(), static s => s.Log());

    /// <summary>Base-2 logarithm (<c>torch.log2</c>).</summary>
    public Tensor Log2() => FloatUnary(new Log2Kernel(), "Log2Backward0", true, false, static (g, x, _) => g.Div(x!.Mul(Ln2)));
    /// <summary>In-place <see cref="Log2"/> (<c>x.log2_()</c>).</summary>
    public Tensor Log2_() => FloatUnary_(new Log2Kernel(), static s => s.Log2());

    /// <summary>Base-10 logarithm (<c>torch.log10</c>).</summary>
    public Tensor Log10() => FloatUnary(new Log10Kernel(), "Log10Backward0", true, false, static (g, x, _) => g.Div(x!.Mul(Ln10)));
    /// <summary>In-place <see cref="Log10"/> (<c>x.log10_()</c>).</summary>
    public Tensor Log10_() => FloatUnary_(new Log10Kernel(), static s => s.Log10());

    /// <summary>log(1 + x), accurate near 0 (<c>torch.log1p</c>).</summary>
    public Tensor Log1p() => FloatUnary(new Log1pKernel(), "Log1PBackward0", true, false, static (g, x, _) => g.Div(x!.Add(1)));
    /// <summary>In-place <see cref="Log1p"/> (<c>x.log1p_()</c>).</summary>
    public Tensor Log1p_() => FloatUnary_(new Log1pKernel(), static s => s.Log1p());

    /// <summary>Square root (<c>torch.sqrt</c>).</summary>
    public Tensor Sqrt() => FloatUnary(new SqrtKernel(), "SqrtBackward0", false, true, static (g, _, r) => g.Div(r!.Mul(2)));
    /// <summary>In-place <see cref="Sqrt"/> (<c>x.sqrt_()</c>).</summary>
    public Tensor Sqrt_() => FloatUnary_(new SqrtKernel(), static s => s.Sqrt());

    /// <summary>1 / sqrt(x) (<c>torch.rsqrt</c>).</summary>
    public Tensor Rsqrt() => FloatUnary(new RsqrtKernel(), "RsqrtBackward0", false, true, static (g, _, r) => g.Mul(-0.5).Mul(r!.Pow(3)));
    /// <summary>In-place <see cref="Rsqrt"/> (<c>x.rsqrt_()</c>).</summary>
    public Tensor Rsqrt_() => FloatUnary_(new RsqrtKernel(), static s => s.Rsqrt());

    /// <summary>Sine (<c>torch.sin</c>).</summary>
    public Tensor Sin() => FloatUnary(new SinKernel(), "SinBackward0", true, false, static (g, x, _) => g.Mul(x!.Cos()));
    /// <summary>In-place <see cref="Sin"/> (<c>x.sin_()</c>).</summary>
    public Tensor Sin_() => FloatUnary_(new SinKernel(), static s => s.Sin());

    /// <summary>Cosine (<c>torch.cos</c>).</summary>
    public Tensor Cos() => FloatUnary(new CosKernel(), "CosBackward0", true, false, static (g, x, _) => g.Mul(x!.Sin().Neg()));
    /// <summary>In-place <see cref="Cos"/> (<c>x.cos_()</c>).</summary>
    public Tensor Cos_() => FloatUnary_(new CosKernel(), static s => s.Cos());

    /// <summary>Tangent (<c>torch.tan</c>).</summary>
    public Tensor Tan() => FloatUnary(new TanKernel(), "TanBackward0", false, true, static (g, _, r) => g.Mul(r!.Pow(2).Add(1)));
    /// <summary>In-place <see cref="Tan"/> (<c>x.tan_()</c>).</summary>
    public Tensor Tan_() => FloatUnary_(new TanKernel(), static s => s.Tan());

    /// <summary>Arcsine (<c>torch.asin</c>).</summary>
    public Tensor Asin() => FloatUnary(new AsinKernel(), "AsinBackward0", true, false,
        static (g, x, _) => g.Mul(x!.Neg().Mul(x!).Add(1).Rsqrt()));
    /// <summary>In-place <see cref="Asin"/> (<c>x.asin_()</c>).</summary>
    public Tensor Asin_() => FloatUnary_(new AsinKernel(), static s => s.Asin());

    /// <summary>Arccosine (<c>torch.acos</c>).</summary>
    public Tensor Acos() => FloatUnary(new AcosKernel(), "AcosBackward0", true, false,
        static (g, x, _) => g.Mul(x!.Neg().Mul(x!).Add(1).Rsqrt().Neg()));
    /// <summary>In-place <see cref="Acos"/> (<c>x.acos_()</c>).</summary>
    public Tensor Acos_() => FloatUnary_(new AcosKernel(), static s => s.Acos());

    /// <summary>Arctangent (<c>torch.atan</c>).</summary>
    public Tensor Atan() => FloatUnary(new AtanKernel(), "AtanBackward0", true, false, static (g, x, _) => g.Div(x!.Mul(x!).Add(1)));
    /// <summary>In-place <see cref="Atan"/> (<c>x.atan_()</c>).</summary>
    public Tensor Atan_() => FloatUnary_(new AtanKernel(), static s => s.Atan());

    /// <summary>Hyperbolic sine (<c>torch.sinh</c>).</summary>
    public Tensor Sinh() => FloatUnary(new SinhKernel(), "SinhBackward0", true, false, static (g, x, _) => g.Mul(x!.Cosh()));
    /// <summary>In-place <see cref="Sinh"/> (<c>x.sinh_()</c>).</summary>
    public Tensor Sinh_() => FloatUnary_(new SinhKernel(), static s => s.Sinh());

    /// <summary>Hyperbolic cosine (<c>torch.cosh</c>).</summary>
    public Tensor Cosh() => FloatUnary(new CoshKernel(), "CoshBackward0", true, false, static (g, x, _) => g.Mul(x!.Sinh()));
    /// <summary>In-place <see cref="Cosh"/> (<c>x.cosh_()</c>).</summary>
    public Tensor Cosh_() => FloatUnary_(new CoshKernel(), static s => s.Cosh());

    /// <summary>Hyperbolic tangent (<c>torch.tanh</c>).</summary>
    public Tensor Tanh() => FloatUnary(new TanhKernel(), "TanhBackward0", false, true, static (g, _, r) => TanhBackward(g, r!));
    /// <summary>In-place <see cref="Tanh"/> (<c>x.tanh_()</c>).</summary>
    public Tensor Tanh_() => FloatUnary_(new TanhKernel(), static s => s.Tanh());

    /// <summary>Inverse hyperbolic sine (<c>torch.asinh</c>).</summary>
    public Tensor Asinh() => FloatUnary(new AsinhKernel(), "AsinhBackward0", true, false,
        static (g, x, _) => g.Mul(x!.Pow(2).Add(1).Rsqrt()));
    /// <summary>In-place <see cref="Asinh"/> (<c>x.asinh_()</c>).</summary>
    public Tensor Asinh_() => FloatUnary_(new AsinhKernel(), static s => s.Asinh());

    /// <summary>Inverse hyperbolic cosine (<c>torch.acosh</c>).</summary>
    public Tensor Acosh() => FloatUnary(new AcoshKernel(), "AcoshBackward0", true, false,
        static (g, x, _) => g.Mul(x!.Pow(2).Sub(1).Rsqrt()));
    /// <summary>In-place <see cref="Acosh"/> (<c>x.acosh_()</c>).</summary>
    public Tensor Acosh_() => FloatUnary_(new AcoshKernel(), static s => s.Acosh());

    /// <summary>Inverse hyperbolic tangent (<c>torch.atanh</c>).</summary>
    public Tensor Atanh() => FloatUnary(new AtanhKernel(), "AtanhBackward0", true, false,
        static (g, x, _) => g.Div(x!.Pow(2).Rsub(1)));
    /// <summary>In-place <see cref="Atanh"/> (<c>x.atanh_()</c>).</summary>
    public Tensor Atanh_() => FloatUnary_(new AtanhKernel(), static s => s.Atanh());

    /// <summary>1 / (1 + e^-x) (<c>torch.sigmoid</c>).</summary>
    public Tensor Sigmoid() => FloatUnary(new SigmoidKernel(), "SigmoidBackward0", false, true, static (g, _, r) => SigmoidBackward(g, r!));
    /// <summary>In-place <see cref="Sigmoid"/> (<c>x.sigmoid_()</c>).</summary>
    public Tensor Sigmoid_() => FloatUnary_(new SigmoidKernel(), static s => s.Sigmoid());

    /// <summary>
    /// log(x / (1 - x)), with x first clamped to [eps, 1 - eps] when <paramref name="eps"/> is given
    /// (<c>torch.logit(x, eps=None)</c>).
    /// </summary>
    public Tensor Logit(double? eps = null)
    {
        var e = eps ?? -1.0;
        return FloatUnary(new LogitKernel(e), "LogitBackward0", true, false, (g, x, _) =>
        {
            // infinitely_differentiable_logit_backward: outside the (clamped) domain the gradient is 0 (eps) or NaN.
            var lo = e >= 0 ? e : 0.0;
            var hi = e >= 0 ? 1 - e : 1.0;
            var inside = x!.Ge(lo).LogicalAnd(x!.Le(hi));
            var d = g.Div(x!.Mul(x!.Rsub(1)));
            return Torch.Where(inside, d, e >= 0 ? 0.0 : double.NaN);
        });
    }

    /// <summary>In-place <see cref="Logit"/> (<c>x.logit_(eps)</c>).</summary>
    public Tensor Logit_(double? eps = null) => FloatUnary_(new LogitKernel(eps ?? -1.0), s => s.Logit(eps));

    /// <summary>The error function (<c>torch.erf</c>).</summary>
    public Tensor Erf() => FloatUnary(new ErfKernel(), "ErfBackward0", true, false,
        static (g, x, _) => x!.Pow(2).Neg().Exp().Mul(TwoOverSqrtPi).Mul(g));
    /// <summary>In-place <see cref="Erf"/> (<c>x.erf_()</c>).</summary>
    public Tensor Erf_() => FloatUnary_(new ErfKernel(), static s => s.Erf());

    /// <summary>The complementary error function 1 - erf(x) (<c>torch.erfc</c>).</summary>
    public Tensor Erfc() => FloatUnary(new ErfcKernel(), "ErfcBackward0", true, false,
        static (g, x, _) => x!.Pow(2).Neg().Exp().Mul(-TwoOverSqrtPi).Mul(g));
    /// <summary>In-place <see cref="Erfc"/> (<c>x.erfc_()</c>).</summary>
    public Tensor Erfc_() => FloatUnary_(new ErfcKernel(), static s => s.Erfc());

    /// <summary>The inverse error function (<c>torch.erfinv</c>).</summary>
    public Tensor Erfinv() => FloatUnary(new ErfinvKernel(), "ErfinvBackward0", false, true,
        static (g, _, r) => r!.Pow(2).Exp().Mul(HalfSqrtPi).Mul(g));
    /// <summary>In-place <see cref="Erfinv"/> (<c>x.erfinv_()</c>).</summary>
    public Tensor Erfinv_() => FloatUnary_(new ErfinvKernel(), static s => s.Erfinv());

    /// <summary>1 / x (<c>torch.reciprocal</c>); integers give the default float dtype.</summary>
    public Tensor Reciprocal() => FloatUnary(new ReciprocalKernel(), "ReciprocalBackward0", false, true,
        static (g, _, r) => g.Neg().Mul(r!.Mul(r!)));
    /// <summary>In-place <see cref="Reciprocal"/> (<c>x.reciprocal_()</c>).</summary>
    public Tensor Reciprocal_() => FloatUnary_(new ReciprocalKernel(), static s => s.Reciprocal());

    /// <summary>x² (<c>torch.square</c>), computed as <c>pow(x, 2)</c>: integers stay integral, bool gives int64.</summary>
    public Tensor Square() => Pow(2);
    /// <summary>In-place <see cref="Square"/> (<c>x.square_()</c>).</summary>
    public Tensor Square_() => Pow_(2);

    /// <summary>x - trunc(x) (<c>torch.frac</c>); floats only.</summary>
    public Tensor Frac()
    {
        if (!dtype.IsFloatingPoint()) throw MathCommon.NotImplemented("frac_cpu", dtype);
        return FloatUnary(new FracKernel(), "FracBackward0", false, false, static (g, _, _) => g);
    }

    /// <summary>In-place <see cref="Frac"/> (<c>x.frac_()</c>).</summary>
    public Tensor Frac_()
    {
        if (!dtype.IsFloatingPoint()) throw MathCommon.NotImplemented("frac_cpu", dtype);
        return FloatUnary_(new FracKernel(), static s => s.Frac());
    }

    // Rounding and other ops that keep integer dtypes (integers pass through the kernel's integer form).
    private Tensor KeepType<TOp>(TOp op, string node, string boolKernel, Func<Tensor, Tensor?, Tensor?, Tensor> backward, bool saveSelf = false)
        where TOp : struct, IUnaryKernel
    {
        if (dtype == DType.Bool) throw MathCommon.NotImplemented(boolKernel, dtype);
        var r = Elementwise.Unary(op, this, dtype);
        if (Graph.Needs(this))
            Graph.Record(r, node, [this], [saveSelf ? this : null, null], n => [backward(n.Grad, n.SavedOrNull(0), null)]);
        return r;
    }

    private Tensor KeepType_<TOp>(TOp op, string boolKernel, Func<Tensor, Tensor> outOfPlace) where TOp : struct, IUnaryKernel
    {
        if (dtype == DType.Bool) throw MathCommon.NotImplemented(boolKernel, dtype);
        return MathCommon.Unary_(this, op, dtype, outOfPlace);
    }

    private static Tensor ZeroGrad(Tensor g, Tensor? x, Tensor? r) => Torch.ZerosLike(g);

    /// <summary>Round down (<c>torch.floor</c>); integers are returned unchanged (as a copy).</summary>
    public Tensor Floor() => KeepType(new FloorKernel(), "FloorBackward0", "floor_vml_cpu", ZeroGrad);
    /// <summary>In-place <see cref="Floor"/> (<c>x.floor_()</c>).</summary>
    public Tensor Floor_() => KeepType_(new FloorKernel(), "floor_vml_cpu", static s => s.Floor());

    /// <summary>Round up (<c>torch.ceil</c>); integers are returned unchanged (as a copy).</summary>
    public Tensor Ceil() => KeepType(new CeilKernel(), "CeilBackward0", "ceil_vml_cpu", ZeroGrad);
    /// <summary>In-place <see cref="Ceil"/> (<c>x.ceil_()</c>).</summary>
    public Tensor Ceil_() => KeepType_(new CeilKernel(), "ceil_vml_cpu", static s => s.Ceil());

    /// <summary>Round toward zero (<c>torch.trunc</c>); integers are returned unchanged (as a copy).</summary>
    public Tensor Trunc() => KeepType(new TruncKernel(), "TruncBackward0", "trunc_vml_cpu", ZeroGrad);
    /// <summary>In-place <see cref="Trunc"/> (<c>x.trunc_()</c>).</summary>
    public Tensor Trunc_() => KeepType_(new TruncKernel(), "trunc_vml_cpu", static s => s.Trunc());

    /// <summary>Round half to even (<c>torch.round</c>); integers are returned unchanged (as a copy).</summary>
    public Tensor Round() => KeepType(new RoundKernel(), "RoundBackward0", "round_vml_cpu", ZeroGrad);
    /// <summary>In-place <see cref="Round()"/> (<c>x.round_()</c>).</summary>
    public Tensor Round_() => KeepType_(new RoundKernel(), "round_vml_cpu", static s => s.Round());

    /// <summary>Round half to even at a number of decimal digits, negative for tens, hundreds ... (<c>torch.round(x, decimals=d)</c>).</summary>
    public Tensor Round(long decimals)
    {
        CheckRoundDecimals(decimals);
        var r = Elementwise.Unary(new RoundDecimalsKernel(decimals), this, dtype);
        if (Graph.Needs(this)) Graph.Record(r, "RoundBackward1", [this], [], static n => [Torch.ZerosLike(n.Grad)]);
        return r;
    }

    /// <summary>In-place <see cref="Round(long)"/> (<c>x.round_(decimals=d)</c>).</summary>
    public Tensor Round_(long decimals)
    {
        CheckRoundDecimals(decimals);
        return MathCommon.Unary_(this, new RoundDecimalsKernel(decimals), dtype, s => s.Round(decimals));
    }

    private void CheckRoundDecimals(long decimals)
    {
        if (!dtype.IsFloatingPoint()) throw MathCommon.NotImplemented(decimals == 0 ? "round_vml_cpu" : "round_cpu", dtype);
    }

    /// <summary>max(x, 0) (<c>torch.relu</c>, <c>x.relu()</c>); integers stay integral, bool is refused.</summary>
    public Tensor Relu()
    {
        if (dtype == DType.Bool) throw new NotSupportedException("Boolean inputs not supported for relu");
        var r = Elementwise.Unary(new ReluKernel(), this, dtype);
        if (Graph.Needs(this)) RecordRelu(r, this);
        return r;
    }

    // Relu's derivative needs only its result, so relu_ records on x itself.
    private static void RecordRelu(Tensor r, Tensor input) =>
        Graph.Record(r, "ReluBackward0", [input], [r], static n => [ThresholdBackward(n.Grad, n.Saved(0))]);

    /// <summary>In-place <see cref="Relu"/> (<c>x.relu_()</c>).</summary>
    public Tensor Relu_()
    {
        if (dtype == DType.Bool) throw new NotSupportedException("Boolean inputs not supported for relu");
        return InPlace.ApplyOnResult(this, static s => s.Relu(), s => Elementwise.UnaryInto(new ReluKernel(), s, s),
            static s => RecordRelu(s, s));
    }

    // The gradients of relu, sigmoid and tanh as single fused passes (PyTorch's threshold_backward, sigmoid_backward
    // and tanh_backward), themselves differentiable with PyTorch's double-backward formulas.

    /// <summary>threshold_backward(grad, result, 0): the gradient where the result is positive, 0 elsewhere.</summary>
    internal static Tensor ThresholdBackward(Tensor grad, Tensor result)
    {
        var r = Elementwise.Binary(new ReluBackwardKernel(), grad, result, ResultTypeState.Of(grad, result));
        if (Graph.Needs(grad, result))
            Graph.Record(r, "ThresholdBackwardBackward0", [grad, result], [result], static n =>
                [n.NeedsInputGrad(0) ? ThresholdBackward(n.Grad, n.Saved(0)) : null,
                 n.NeedsInputGrad(1) ? Torch.ZerosLike(n.Grad) : null]);
        return r;
    }

    /// <summary>sigmoid_backward(grad, output) = grad * (1 - output) * output.</summary>
    internal static Tensor SigmoidBackward(Tensor grad, Tensor output)
    {
        var r = Elementwise.Binary(new SigmoidBackwardKernel(), grad, output, ResultTypeState.Of(grad, output));
        if (Graph.Needs(grad, output))
            Graph.Record(r, "SigmoidBackwardBackward0", [grad, output], [grad, output], static n =>
            {
                Tensor g = n.Saved(0), y = n.Saved(1);
                return [n.NeedsInputGrad(0) ? SigmoidBackward(n.Grad, y) : null,
                        n.NeedsInputGrad(1) ? n.Grad.Mul(g).Mul(y.Mul(-2).Add(1)) : null];
            });
        return r;
    }

    /// <summary>tanh_backward(grad, output) = grad * (1 - output²).</summary>
    internal static Tensor TanhBackward(Tensor grad, Tensor output)
    {
        var r = Elementwise.Binary(new TanhBackwardKernel(), grad, output, ResultTypeState.Of(grad, output));
        if (Graph.Needs(grad, output))
            Graph.Record(r, "TanhBackwardBackward0", [grad, output], [grad, output], static n =>
            {
                Tensor g = n.Saved(0), y = n.Saved(1);
                return [n.NeedsInputGrad(0) ? TanhBackward(n.Grad, y) : null,
                        n.NeedsInputGrad(1) ? n.Grad.Mul(y.Mul(-2).Mul(g)) : null];
            });
        return r;
    }

    /// <summary>|x| (<c>torch.abs</c>); integers stay integral, bool is refused.</summary>
    public Tensor Abs() => KeepType(new AbsKernel(), "AbsBackward0", "abs_cpu", static (g, x, _) => g.Mul(x!.Sgn()), saveSelf: true);
    /// <summary>In-place <see cref="Abs"/> (<c>x.abs_()</c>).</summary>
    public Tensor Abs_() => KeepType_(new AbsKernel(), "abs_cpu", static s => s.Abs());

    /// <summary>-1, 0 or 1 by sign (<c>torch.sign</c>); NaN gives 0, integers stay integral, bool is unchanged.</summary>
    public Tensor Sign() => SignOp("SignBackward0");
    /// <summary>In-place <see cref="Sign"/> (<c>x.sign_()</c>).</summary>
    public Tensor Sign_() => SignOp_(static s => s.Sign());

    /// <summary>The sign for real tensors, x / |x| (<c>torch.sgn</c>); the same values as <see cref="Sign"/>.</summary>
    public Tensor Sgn() => SignOp("SgnBackward0");
    /// <summary>In-place <see cref="Sgn"/> (<c>x.sgn_()</c>).</summary>
    public Tensor Sgn_() => SignOp_(static s => s.Sgn());

    private Tensor SignOp(string node)
    {
        var r = dtype == DType.Bool ? CloneData() : Elementwise.Unary(new SignKernel(), this, dtype);
        if (Graph.Needs(this)) Graph.Record(r, node, [this], [], static n => [Torch.ZerosLike(n.Grad)]);
        return r;
    }

    private Tensor SignOp_(Func<Tensor, Tensor> outOfPlace)
    {
        if (dtype == DType.Bool) return InPlace.Apply(this, outOfPlace, static _ => { });
        return MathCommon.Unary_(this, new SignKernel(), dtype, outOfPlace);
    }

    // A copy of the data without history (bool sign is the identity).
    private Tensor CloneData()
    {
        var r = EmptyLikeDense();
        r.Backend.Copy(this, r);
        return r;
    }

    /// <summary>
    /// Replaces NaN with <paramref name="nan"/>, +inf with <paramref name="posinf"/> and -inf with
    /// <paramref name="neginf"/>, by default the dtype's largest and lowest finite values (<c>torch.nan_to_num</c>);
    /// integers and bool are returned unchanged (as a copy).
    /// </summary>
    public Tensor NanToNum(double? nan = 0.0, double? posinf = null, double? neginf = null)
    {
        if (!dtype.IsFloatingPoint()) return CloneData();
        var r = Elementwise.Unary(NanToNumKernelFor(nan, posinf, neginf), this, dtype);
        if (Graph.Needs(this))
            Graph.Record(r, "NanToNumBackward0", [this], [this], static n => [n.Grad.Mul(n.Saved(0).IsFinite())]);
        return r;
    }

    /// <summary>In-place <see cref="NanToNum"/> (<c>x.nan_to_num_(nan, posinf, neginf)</c>).</summary>
    public Tensor NanToNum_(double? nan = 0.0, double? posinf = null, double? neginf = null)
    {
        if (!dtype.IsFloatingPoint()) return InPlace.Apply(this, s => s.NanToNum(nan, posinf, neginf), static _ => { });
        return MathCommon.Unary_(this, NanToNumKernelFor(nan, posinf, neginf), dtype, s => s.NanToNum(nan, posinf, neginf));
    }

    private NanToNumKernel NanToNumKernelFor(double? nan, double? posinf, double? neginf)
    {
        var (lowest, highest) = dtype switch
        {
            DType.Float64 => (double.MinValue, double.MaxValue),
            DType.Float16 => ((double)System.Half.MinValue, (double)System.Half.MaxValue),
            DType.BFloat16 => (-3.3895313892515355e+38, 3.3895313892515355e+38),
            _ => ((double)float.MinValue, (double)float.MaxValue),
        };
        return new NanToNumKernel(nan ?? 0.0, posinf ?? highest, neginf ?? lowest);
    }
}

public static partial class Torch
{
    /// <summary><c>torch.exp(x)</c>.</summary>
    public static Tensor Exp(Tensor input) => input.Exp();
    /// <summary><c>torch.exp_(x)</c>.</summary>
    public static Tensor Exp_(Tensor input) => input.Exp_();
    /// <summary><c>torch.exp2(x)</c>.</summary>
    public static Tensor Exp2(Tensor input) => input.Exp2();
    /// <summary><c>torch.exp2_(x)</c>.</summary>
    public static Tensor Exp2_(Tensor input) => input.Exp2_();
    /// <summary><c>torch.expm1(x)</c>.</summary>
    public static Tensor Expm1(Tensor input) => input.Expm1();
    /// <summary><c>torch.expm1_(x)</c>.</summary>
    public static Tensor Expm1_(Tensor input) => input.Expm1_();
    /// <summary><c>torch.log(x)</c>.</summary>
    public static Tensor Log(Tensor input) => input.Log();
    /// <summary><c>torch.log_(x)</c>.</summary>
    public static Tensor Log_(Tensor input) => input.Log_();
    /// <summary><c>torch.log2(x)</c>.</summary>
    public static Tensor Log2(Tensor input) => input.Log2();
    /// <summary><c>torch.log2_(x)</c>.</summary>
    public static Tensor Log2_(Tensor input) => input.Log2_();
    /// <summary><c>torch.log10(x)</c>.</summary>
    public static Tensor Log10(Tensor input) => input.Log10();
    /// <summary><c>torch.log10_(x)</c>.</summary>
    public static Tensor Log10_(Tensor input) => input.Log10_();
    /// <summary><c>torch.log1p(x)</c>.</summary>
    public static Tensor Log1p(Tensor input) => input.Log1p();
    /// <summary><c>torch.log1p_(x)</c>.</summary>
    public static Tensor Log1p_(Tensor input) => input.Log1p_();
    /// <summary><c>torch.sqrt(x)</c>.</summary>
    public static Tensor Sqrt(Tensor input) => input.Sqrt();
    /// <summary><c>torch.sqrt_(x)</c>.</summary>
    public static Tensor Sqrt_(Tensor input) => input.Sqrt_();
    /// <summary><c>torch.rsqrt(x)</c>.</summary>
    public static Tensor Rsqrt(Tensor input) => input.Rsqrt();
    /// <summary><c>torch.rsqrt_(x)</c>.</summary>
    public static Tensor Rsqrt_(Tensor input) => input.Rsqrt_();
    /// <summary><c>torch.sin(x)</c>.</summary>
    public static Tensor Sin(Tensor input) => input.Sin();
    /// <summary><c>torch.sin_(x)</c>.</summary>
    public static Tensor Sin_(Tensor input) => input.Sin_();
    /// <summary><c>torch.cos(x)</c>.</summary>
    public static Tensor Cos(Tensor input) => input.Cos();
    /// <summary><c>torch.cos_(x)</c>.</summary>
    public static Tensor Cos_(Tensor input) => input.Cos_();
    /// <summary><c>torch.tan(x)</c>.</summary>
    public static Tensor Tan(Tensor input) => input.Tan();
    /// <summary><c>torch.tan_(x)</c>.</summary>
    public static Tensor Tan_(Tensor input) => input.Tan_();
    /// <summary><c>torch.asin(x)</c>.</summary>
    public static Tensor Asin(Tensor input) => input.Asin();
    /// <summary><c>torch.asin_(x)</c>.</summary>
    public static Tensor Asin_(Tensor input) => input.Asin_();
    /// <summary><c>torch.acos(x)</c>.</summary>
    public static Tensor Acos(Tensor input) => input.Acos();
    /// <summary><c>torch.acos_(x)</c>.</summary>
    public static Tensor Acos_(Tensor input) => input.Acos_();
    /// <summary><c>torch.atan(x)</c>.</summary>
    public static Tensor Atan(Tensor input) => input.Atan();
    /// <summary><c>torch.atan_(x)</c>.</summary>
    public static Tensor Atan_(Tensor input) => input.Atan_();
    /// <summary><c>torch.sinh(x)</c>.</summary>
    public static Tensor Sinh(Tensor input) => input.Sinh();
    /// <summary><c>torch.sinh_(x)</c>.</summary>
    public static Tensor Sinh_(Tensor input) => input.Sinh_();
    /// <summary><c>torch.cosh(x)</c>.</summary>
    public static Tensor Cosh(Tensor input) => input.Cosh();
    /// <summary><c>torch.cosh_(x)</c>.</summary>
    public static Tensor Cosh_(Tensor input) => input.Cosh_();
    /// <summary><c>torch.tanh(x)</c>.</summary>
    public static Tensor Tanh(Tensor input) => input.Tanh();
    /// <summary><c>torch.tanh_(x)</c>.</summary>
    public static Tensor Tanh_(Tensor input) => input.Tanh_();
    /// <summary><c>torch.asinh(x)</c>.</summary>
    public static Tensor Asinh(Tensor input) => input.Asinh();
    /// <summary><c>torch.asinh_(x)</c>.</summary>
    public static Tensor Asinh_(Tensor input) => input.Asinh_();
    /// <summary><c>torch.acosh(x)</c>.</summary>
    public static Tensor Acosh(Tensor input) => input.Acosh();
    /// <summary><c>torch.acosh_(x)</c>.</summary>
    public static Tensor Acosh_(Tensor input) => input.Acosh_();
    /// <summary><c>torch.atanh(x)</c>.</summary>
    public static Tensor Atanh(Tensor input) => input.Atanh();
    /// <summary><c>torch.atanh_(x)</c>.</summary>
    public static Tensor Atanh_(Tensor input) => input.Atanh_();
    /// <summary><c>torch.sigmoid(x)</c>.</summary>
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();
    /// <summary><c>torch.sigmoid_(x)</c>.</summary>
    public static Tensor Sigmoid_(Tensor input) => input.Sigmoid_();
    /// <summary><c>torch.logit(x, eps=None)</c>.</summary>
    public static Tensor Logit(Tensor input, double? eps = null) => input.Logit(eps);
    /// <summary><c>torch.logit_(x, eps=None)</c>.</summary>
    public static Tensor Logit_(Tensor input, double? eps = null) => input.Logit_(eps);
    /// <summary><c>torch.erf(x)</c>.</summary>
    public static Tensor Erf(Tensor input) => input.Erf();
    /// <summary><c>torch.erf_(x)</c>.</summary>
    public static Tensor Erf_(Tensor input) => input.Erf_();
    /// <summary><c>torch.erfc(x)</c>.</summary>
    public static Tensor Erfc(Tensor input) => input.Erfc();
    /// <summary><c>torch.erfc_(x)</c>.</summary>
    public static Tensor Erfc_(Tensor input) => input.Erfc_();
    /// <summary><c>torch.erfinv(x)</c>.</summary>
    public static Tensor Erfinv(Tensor input) => input.Erfinv();
    /// <summary><c>torch.reciprocal(x)</c>.</summary>
    public static Tensor Reciprocal(Tensor input) => input.Reciprocal();
    /// <summary><c>torch.reciprocal_(x)</c>.</summary>
    public static Tensor Reciprocal_(Tensor input) => input.Reciprocal_();
    /// <summary><c>torch.square(x)</c>.</summary>
    public static Tensor Square(Tensor input) => input.Square();
    /// <summary><c>torch.square_(x)</c>.</summary>
    public static Tensor Square_(Tensor input) => input.Square_();
    /// <summary><c>torch.frac(x)</c>.</summary>
    public static Tensor Frac(Tensor input) => input.Frac();
    /// <summary><c>torch.frac_(x)</c>.</summary>
    public static Tensor Frac_(Tensor input) => input.Frac_();
    /// <summary><c>torch.floor(x)</c>.</summary>
    public static Tensor Floor(Tensor input) => input.Floor();
    /// <summary><c>torch.floor_(x)</c>.</summary>
    public static Tensor Floor_(Tensor input) => input.Floor_();
    /// <summary><c>torch.ceil(x)</c>.</summary>
    public static Tensor Ceil(Tensor input) => input.Ceil();
    /// <summary><c>torch.ceil_(x)</c>.</summary>
    public static Tensor Ceil_(Tensor input) => input.Ceil_();
    /// <summary><c>torch.trunc(x)</c>.</summary>
    public static Tensor Trunc(Tensor input) => input.Trunc();
    /// <summary><c>torch.trunc_(x)</c>.</summary>
    public static Tensor Trunc_(Tensor input) => input.Trunc_();
    /// <summary><c>torch.round(x)</c>.</summary>
    public static Tensor Round(Tensor input) => input.Round();
    /// <summary><c>torch.round(x, decimals=d)</c>.</summary>
    public static Tensor Round(Tensor input, long decimals) => input.Round(decimals);
    /// <summary><c>torch.round_(x)</c>.</summary>
    public static Tensor Round_(Tensor input) => input.Round_();
    /// <summary><c>torch.round_(x, decimals=d)</c>.</summary>
    public static Tensor Round_(Tensor input, long decimals) => input.Round_(decimals);
    /// <summary><c>torch.relu(x)</c>.</summary>
    public static Tensor Relu(Tensor input) => input.Relu();
    /// <summary><c>torch.relu_(x)</c>.</summary>
    public static Tensor Relu_(Tensor input) => input.Relu_();
    /// <summary><c>torch.abs(x)</c>.</summary>
    public static Tensor Abs(Tensor input) => input.Abs();
    /// <summary><c>torch.abs_(x)</c>.</summary>
    public static Tensor Abs_(Tensor input) => input.Abs_();
    /// <summary><c>torch.sign(x)</c>.</summary>
    public static Tensor Sign(Tensor input) => input.Sign();
    /// <summary><c>torch.sgn(x)</c>.</summary>
    public static Tensor Sgn(Tensor input) => input.Sgn();
    /// <summary><c>torch.nan_to_num(x, nan=0.0, posinf=None, neginf=None)</c>.</summary>
    public static Tensor NanToNum(Tensor input, double? nan = 0.0, double? posinf = null, double? neginf = null) =>
        input.NanToNum(nan, posinf, neginf);
    /// <summary><c>torch.nan_to_num_(x, nan=0.0, posinf=None, neginf=None)</c>.</summary>
    public static Tensor NanToNum_(Tensor input, double? nan = 0.0, double? posinf = null, double? neginf = null) =>
        input.NanToNum_(nan, posinf, neginf);
}
