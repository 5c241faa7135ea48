namespace Flint.Tests.Parity;

/// <summary>
/// Unary float math, numeric ops, pow/remainder/division, atan2/maximum/hypot/xlogy, lerp/addcmul/addcdiv, clamp
/// and where against tests/parity/math.py, including PyTorch's grad_fn names.
/// </summary>
public class MathParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("math");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("math", id, name => WithGradFn(Op(name)));

    /// <summary>Wraps an op so that its first output's grad_fn is checked against PyTorch's recorded name.</summary>
    internal static ParityRunner.OpFn WithGradFn(ParityRunner.OpFn fn) => (x, k) =>
    {
        var outs = fn(x, k);
        var expected = k.String("grad_fn");
        if (expected is not null && Torch.IsGradEnabled() && x.Any(t => t.RequiresGrad))
            Assert.Equal(expected, outs[0].GradFn?.Name);
        return outs;
    };

    private static ParityRunner.OpFn Op(string name) => name switch
    {
        "exp" => (x, k) => [x[0].Exp()],
        "exp2" => (x, k) => [x[0].Exp2()],
        "expm1" => (x, k) => [x[0].Expm1()],
        "log" => (x, k) => [x[0].Log()],
        "log2" => (x, k) => [x[0].Log2()],
        "log10" => (x, k) => [x[0].Log10()],
        "log1p" => (x, k) => [x[0].Log1p()],
        "sqrt" => (x, k) => [x[0].Sqrt()],
        "rsqrt" => (x, k) => [x[0].Rsqrt()],
        "sin" => (x, k) => [x[0].Sin()],
        "cos" => (x, k) => [x[0].Cos()],
        "tan" => (x, k) => [x[0].Tan()],
        "asin" => (x, k) => [x[0].Asin()],
        "acos" => (x, k) => [x[0].Acos()],
        "atan" => (x, k) => [x[0].Atan()],
        "sinh" => (x, k) => [x[0].Sinh()],
        "cosh" => (x, k) => [x[0].Cosh()],
        "tanh" => (x, k) => [x[0].Tanh()],
        "asinh" => (x, k) => [x[0].Asinh()],
        "acosh" => (x, k) => [x[0].Acosh()],
        "atanh" => (x, k) => [x[0].Atanh()],
        "sigmoid" => (x, k) => [x[0].Sigmoid()],
        "logit" => (x, k) => [Torch.Logit(x[0])],
        "logit_eps" => (x, k) => [x[0].Logit(k.Double("eps"))],
        "erf" => (x, k) => [x[0].Erf()],
        "erfc" => (x, k) => [x[0].Erfc()],
        "erfinv" => (x, k) => [x[0].Erfinv()],
        "reciprocal" => (x, k) => [x[0].Reciprocal()],
        "square" => (x, k) => [Torch.Square(x[0])],
        "frac" => (x, k) => [x[0].Frac()],
        "floor" => (x, k) => [x[0].Floor()],
        "ceil" => (x, k) => [x[0].Ceil()],
        "round" => (x, k) => [x[0].Round()],
        "round_decimals" => (x, k) => [x[0].Round(k.Long("decimals"))],
        "trunc" => (x, k) => [x[0].Trunc()],
        "relu" => (x, k) => [Torch.Relu(x[0])],
        "abs" => (x, k) => [x[0].Abs()],
        "sign" => (x, k) => [x[0].Sign()],
        "sgn" => (x, k) => [x[0].Sgn()],
        "neg" => (x, k) => [x[0].Neg()],
        "nan_to_num" => (x, k) => [k.Has("nan")
            ? x[0].NanToNum(k.Double("nan"), k.Double("posinf"), k.Double("neginf"))
            : x[0].NanToNum()],
        "exp_" => (x, k) => [x[0].Mul(1).Exp_()],
        "sigmoid_" => (x, k) => [x[0].Mul(1).Sigmoid_()],
        "tanh_" => (x, k) => [x[0].Mul(1).Tanh_()],
        "relu_" => (x, k) => [x[0].Mul(1).Relu_()],
        "sqrt_" => (x, k) => [x[0].Mul(1).Sqrt_()],
        "abs_" => (x, k) => [x[0].Mul(1).Abs_()],
        "floor_" => (x, k) => [x[0].Mul(1).Floor_()],
        "log1p_" => (x, k) => [x[0].Mul(1).Log1p_()],
        "erf_" => (x, k) => [x[0].Mul(1).Erf_()],
        "reciprocal_" => (x, k) => [x[0].Mul(1).Reciprocal_()],

        "pow" => (x, k) => [x[0].Pow(x[1])],
        "pow_scalar" => (x, k) => [x[0].Pow(k.Scalar(0))],
        "rpow" => (x, k) => [Torch.Pow(k.Scalar(0), x[0])],
        "pow_" => (x, k) => [x[0].Mul(1).Pow_(x[1])],
        "pow_scalar_" => (x, k) => [x[0].Mul(1).Pow_(k.Scalar(0))],
        "remainder" => (x, k) => [x[0] % x[1]],
        "remainder_scalar" => (x, k) => [x[0].Remainder(k.Scalar(0))],
        "rremainder" => (x, k) => [k.Scalar(0) % x[0]],
        "remainder_" => (x, k) => [x[0].Mul(1).Remainder_(x[1])],
        "fmod" => (x, k) => [x[0].Fmod(x[1])],
        "fmod_scalar" => (x, k) => [Torch.Fmod(x[0], k.Scalar(0))],
        "floor_divide" => (x, k) => [x[0].FloorDivide(x[1])],
        "floor_divide_scalar" => (x, k) => [Torch.FloorDivide(x[0], k.Scalar(0))],
        "div_mode" => (x, k) => [x[0].Div(x[1], k.String("mode"))],
        "div_mode_scalar" => (x, k) => [Torch.Div(x[0], k.Scalar(0), k.String("mode"))],
        "div_mode_" => (x, k) => [x[0].Mul(1).Div_(x[1], k.String("mode"))],
        "atan2" => (x, k) => [Torch.Atan2(x[0], x[1])],
        "atan2_" => (x, k) => [x[0].Mul(1).Atan2_(x[1])],
        "maximum" => (x, k) => [Torch.Maximum(x[0], x[1])],
        "minimum" => (x, k) => [x[0].Minimum(x[1])],
        "fmax" => (x, k) => [x[0].Fmax(x[1])],
        "fmin" => (x, k) => [Torch.Fmin(x[0], x[1])],
        "hypot" => (x, k) => [x[0].Hypot(x[1])],
        "hypot_" => (x, k) => [x[0].Mul(1).Hypot_(x[1])],
        "xlogy" => (x, k) => [Torch.Xlogy(x[0], x[1])],
        "xlogy_" => (x, k) => [x[0].Mul(1).Xlogy_(x[1])],
        "xlogy_scalar" => (x, k) => [x[0].Xlogy(k.Scalar(0))],
        "rxlogy" => (x, k) => [Torch.Xlogy(k.Scalar(0), x[0])],

        "lerp" => (x, k) => [x[0].Lerp(x[1], k.Scalar(0))],
        "lerp_tensor" => (x, k) => [Torch.Lerp(x[0], x[1], x[2])],
        "lerp_" => (x, k) => [x[0].Mul(1).Lerp_(x[1], k.Scalar(0))],
        "lerp_tensor_" => (x, k) => [x[0].Mul(1).Lerp_(x[1], x[2])],
        "addcmul" => (x, k) => [k.Has("value") ? x[0].Addcmul(x[1], x[2], k.Double("value")) : Torch.Addcmul(x[0], x[1], x[2])],
        "addcdiv" => (x, k) => [k.Has("value") ? x[0].Addcdiv(x[1], x[2], k.Double("value")) : Torch.Addcdiv(x[0], x[1], x[2])],
        "addcmul_" => (x, k) => [x[0].Mul(1).Addcmul_(x[1], x[2], k.Double("value"))],
        "addcdiv_" => (x, k) => [x[0].Mul(1).Addcdiv_(x[1], x[2], k.Double("value"))],
        "clamp" => (x, k) => [x[0].Clamp(k.Scalar(0), k.Scalar(1))],
        "clamp_lo" => (x, k) => [x[0].Clamp(min: k.Scalar(0))],
        "clamp_hi" => (x, k) => [Torch.Clamp(x[0], max: k.Scalar(0))],
        "clip" => (x, k) => [Torch.Clip(x[0], k.Scalar(0), k.Scalar(1))],
        "clamp_" => (x, k) => [x[0].Mul(1).Clamp_(k.Scalar(0), k.Scalar(1))],
        "clamp_tensor" => (x, k) => [x[0].Clamp(x[1], x[2])],
        "clamp_tensor_lo" => (x, k) => [x[0].Clamp(min: x[1])],
        "clamp_tensor_hi" => (x, k) => [Torch.Clamp(x[0], max: x[1])],
        "clamp_tensor_" => (x, k) => [x[0].Mul(1).Clamp_(x[1], x[2])],
        "clamp_min" => (x, k) => [x[0].ClampMin(k.Scalar(0))],
        "clamp_max" => (x, k) => [Torch.ClampMax(x[0], k.Scalar(0))],
        "clamp_min_tensor" => (x, k) => [Torch.ClampMin(x[0], x[1])],
        "clamp_max_tensor" => (x, k) => [x[0].ClampMax(x[1])],
        "clamp_min_" => (x, k) => [x[0].Mul(1).ClampMin_(k.Scalar(0))],
        "where" => (x, k) => [Torch.Where(x[0], x[1], x[2])],
        "where_scalar_other" => (x, k) => [Torch.Where(x[0], x[1], k.Scalar(0))],
        "where_scalar_input" => (x, k) => [Torch.Where(x[0], k.Scalar(0), x[1])],
        "where_method" => (x, k) => [x[0].Where(x[1], x[2])],
        "where_scalars" => (x, k) => [Torch.Where(x[0], k.Scalar(0), k.Scalar(1))],
        _ => throw new NotSupportedException(name),
    };
}
