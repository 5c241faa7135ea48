namespace Flint.Tests.Ops;

/// <summary>
/// PyTorch's error messages and dtype rules for the math, comparison and logic family (each expectation checked
/// against PyTorch 1.13), and second derivatives through the recorded backward formulas.
/// </summary>
public class MathTests
{
    private static readonly Tensor F = Torch.Tensor(new float[] { 0.5f, -1.5f, 2f });
    private static readonly Tensor I = Torch.Tensor(new long[] { 1, -2, 3 });
    private static readonly Tensor B = Torch.Tensor(new[] { true, false, true });

    private static void Throws<TE>(string message, Action act) where TE : Exception =>
        Assert.Equal(message, Assert.Throws<TE>(act).Message);

    [Fact]
    public void PowErrors()
    {
        Throws<ArgumentException>("Integers to negative integer powers are not allowed.", () => I.Pow(-1));
        Throws<ArgumentException>("Integers to negative integer powers are not allowed.", () => Torch.Tensor(2L).Pow(-2));
        Throws<ArgumentException>("Integers to negative integer powers are not allowed.", () => I.Clone().Pow_(-2));
        Throws<NotSupportedException>("\"pow\" not implemented for 'Bool'", () => B.Pow(B));
        Throws<NotSupportedException>("\"pow\" not implemented for 'Bool'", () => B.Pow(true));
        Throws<NotSupportedException>("\"pow\" not implemented for 'Bool'", () => Torch.Pow(true, B));
        Throws<InvalidOperationException>("Found dtype Long but expected Float", () => I.Clone().Pow_(2.5));
        // A tensor exponent may be negative: 2^-1 truncates to 0, 1^-1 is 1, (-1)^-1 is -1.
        Assert.Equal(new long[] { 0, 1, -1 },
            Torch.Tensor(new long[] { 2, 1, -1 }).Pow(Torch.Tensor(new long[] { -1, -1, -1 })).ToArray<long>());
    }

    [Fact]
    public void PowDtypes()
    {
        Assert.Equal(DType.Int64, B.Square().DType);
        Assert.Equal(DType.Float32, B.Pow(2.5).DType);
        Assert.Equal(DType.Int64, Torch.Pow(2, B).DType);
        Assert.Equal(DType.Int32, I.Int().Pow(2).DType);
        Assert.Equal(DType.Float32, I.Pow(0.5).DType);
        Assert.Equal(DType.Float32, Torch.Pow(2.5, I).DType);
    }

    [Fact]
    public void UnaryDtypeErrors()
    {
        Throws<InvalidOperationException>("result type Float can't be cast to the desired output type Long", () => I.Clone().Exp_());
        Throws<InvalidOperationException>("result type Float can't be cast to the desired output type Long", () => I.Clone().Sqrt_());
        Throws<NotSupportedException>("\"frac_cpu\" not implemented for 'Long'", () => I.Frac());
        Throws<NotSupportedException>("\"frac_cpu\" not implemented for 'Bool'", () => B.Frac());
        Throws<NotSupportedException>("\"floor_vml_cpu\" not implemented for 'Bool'", () => B.Floor());
        Throws<NotSupportedException>("\"ceil_vml_cpu\" not implemented for 'Bool'", () => B.Ceil());
        Throws<NotSupportedException>("\"round_vml_cpu\" not implemented for 'Bool'", () => B.Round());
        Throws<NotSupportedException>("\"trunc_vml_cpu\" not implemented for 'Bool'", () => B.Trunc());
        Throws<NotSupportedException>("\"abs_cpu\" not implemented for 'Bool'", () => B.Abs());
        Throws<NotSupportedException>("\"abs_cpu\" not implemented for 'Bool'", () => B.Clone().Abs_());
        Throws<NotSupportedException>("Boolean inputs not supported for relu", () => B.Relu());
        Throws<NotSupportedException>("Boolean inputs not supported for relu", () => B.Clone().Relu_());
        Throws<NotSupportedException>("\"round_cpu\" not implemented for 'Long'", () => I.Round(1));
        Throws<NotSupportedException>("\"round_vml_cpu\" not implemented for 'Long'", () => I.Round(0));
    }

    [Fact]
    public void UnaryDtypeRules()
    {
        Assert.Equal(DType.Float32, I.Exp().DType);
        Assert.Equal(DType.Float32, B.Sigmoid().DType);
        Assert.Equal(DType.Float32, I.Byte().Tanh().DType);
        Assert.Equal(DType.Float64, F.Double().Erf().DType);
        Assert.Equal(DType.Float16, F.Half().Sqrt().DType);
        Assert.Equal(DType.Int8, I.Char().Abs().DType);
        Assert.Equal(DType.Bool, B.Sign().DType);
        Assert.Equal(DType.Int64, I.Relu().DType);
        var floored = I.Floor();
        Assert.Equal(DType.Int64, floored.DType);
        Assert.NotSame(I, floored);
        floored.Fill_(0);
        Assert.Equal(new long[] { 1, -2, 3 }, I.ToArray<long>());
        Assert.Equal(DType.Int64, I.NanToNum().DType);
        var signed = B.Clone().Sign_();
        Assert.Equal(new[] { true, false, true }, signed.ToArray<bool>());
    }

    [Fact]
    public void DivisionErrors()
    {
        Throws<DivideByZeroException>("ZeroDivisionError", () => I.Remainder(0));
        Throws<DivideByZeroException>("ZeroDivisionError", () => I.Fmod(Torch.Tensor(new long[] { 1, 0, 1 })));
        Throws<DivideByZeroException>("ZeroDivisionError", () => I.FloorDivide(0));
        Throws<DivideByZeroException>("ZeroDivisionError", () => I.Div(0, "trunc"));
        // Large enough to run on several threads: the error still surfaces as PyTorch's, not wrapped.
        var big = Torch.Arange(100_000);
        Throws<DivideByZeroException>("ZeroDivisionError", () => big.Remainder(big.Mul(0)));
        Throws<DivideByZeroException>("ZeroDivisionError", () => big.Clone().FloorDivide_(big.Sub(50_000)));
        // A number that wraps to zero in the tensor's type divides by zero too.
        Throws<DivideByZeroException>("ZeroDivisionError", () => Torch.Tensor(new sbyte[] { 5 }).Remainder(256));
        Throws<NotSupportedException>("\"remainder_cpu\" not implemented for 'Bool'", () => B.Remainder(B));
        Throws<NotSupportedException>("\"fmod_cpu\" not implemented for 'Bool'", () => B.Fmod(B));
        Throws<NotSupportedException>("\"div_floor_cpu\" not implemented for 'Bool'", () => B.FloorDivide(B));
        Throws<NotSupportedException>("\"div_trunc_cpu\" not implemented for 'Bool'", () => B.Div(B, "trunc"));
        Throws<NotSupportedException>("\"div_floor_cpu\" not implemented for 'Bool'", () => B.Div(B, "floor"));
        Throws<ArgumentException>("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'bad'", () => I.Div(2, "bad"));
        Throws<InvalidOperationException>("result type Float can't be cast to the desired output type Long", () => I.Clone().Div_(2, null));
        Throws<InvalidOperationException>("result type Float can't be cast to the desired output type Long",
            () => I.Clone().Div_(2.5, "floor"));
        Throws<InvalidOperationException>("result type Float can't be cast to the desired output type Long",
            () => I.Clone().Remainder_(1.5));
        Assert.Equal(new long[] { 0, -1, 1 }, I.Clone().Div_(2, "trunc").ToArray<long>());
        Assert.Equal(DType.Float32, I.FloorDivide(2.5).DType);
        // Float division by zero follows IEEE.
        Assert.Equal(new[] { float.PositiveInfinity, float.NegativeInfinity },
            Torch.Tensor(new[] { 5f, -5f }).FloorDivide(Torch.Zeros(2)).ToArray<float>());
    }

    [Fact]
    public void FloatRemainderIsExactFmodMovedToTheDivisorsSign()
    {
        // Random signs and magnitudes (quotients up to 2^40, past the vector steps' 2^29), exact multiples (zero
        // remainders of either sign), and divisors of 0, inf and NaN among them; against C#'s float % (C's fmod).
        var random = new Random(11);
        int n = 4099;
        var a = new float[n];
        var b = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-10, 40)));
            b[i] = (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-10, 12)));
            if (i % 7 == 0) a[i] = b[i] * random.Next(-50, 50);
        }
        (b[100], b[200], b[300], a[400]) = (0, float.PositiveInfinity, float.NaN, float.NegativeInfinity);
        Check(a, b);
        // Infinite divisors among ordinary lanes (fmod(x, ±inf) is x).
        var c = new float[16];
        var d = new float[16];
        for (int i = 0; i < 16; i++) (c[i], d[i]) = (i - 7.5f, 0.75f);
        (d[3], d[11]) = (float.PositiveInfinity, float.NegativeInfinity);
        Check(c, d);

        static void Check(float[] a, float[] b)
        {
            var got = Torch.Tensor(a).Remainder(Torch.Tensor(b)).ToArray<float>();
            for (int i = 0; i < a.Length; i++)
            {
                float m = a[i] % b[i];
                if (m != 0 && (b[i] < 0) != (m < 0)) m += b[i];
                Assert.True(m.Equals(got[i]) && float.IsNegative(m) == float.IsNegative(got[i]), $"{a[i]:R} remainder {b[i]:R}: {got[i]:R}, expected {m:R}");
            }
        }
    }

    [Fact]
    public void NoDerivativeOps()
    {
        var x = Torch.Tensor(new[] { 1.5, 2.5 }, requiresGrad: true);
        var fd = x.FloorDivide(2.0);
        Assert.Equal("torch::autograd::NotImplemented", fd.GradFn!.Name);
        Throws<InvalidOperationException>("derivative for aten::floor_divide is not implemented", () => fd.Sum().Backward());
        var rem = Torch.Remainder(1.5, x);
        Assert.Equal("torch::autograd::NotImplemented", rem.GradFn!.Name);
        Throws<InvalidOperationException>("derivative for aten::remainder is not implemented", () => rem.Sum().Backward());
    }

    [Fact]
    public void BinaryDtypeRules()
    {
        Throws<NotSupportedException>("\"hypot_cpu\" not implemented for 'Long'", () => I.Hypot(I));
        Throws<NotSupportedException>("\"hypot_cpu\" not implemented for 'Bool'", () => B.Hypot(B));
        Throws<InvalidOperationException>("result type Float can't be cast to the desired output type Long", () => I.Clone().Atan2_(I));
        Throws<InvalidOperationException>("result type Float can't be cast to the desired output type Long", () => I.Clone().Xlogy_(I));
        Assert.Equal(DType.Float32, I.Hypot(F).DType);
        Assert.Equal(DType.Float32, I.Atan2(I).DType);
        Assert.Equal(DType.Float64, I.Atan2(F.Double()).DType);
        Assert.Equal(DType.Float32, I.Xlogy(I).DType);
        Assert.Equal(DType.Float32, B.Xlogy(B).DType);
        Assert.Equal(DType.Int64, B.Maximum(I).DType);
        Assert.Equal(DType.Bool, B.Fmin(B).DType);
        Assert.Equal(DType.Int64, I.Remainder(2).DType);
        Assert.Equal(DType.Float32, I.Fmod(2.5).DType);
    }

    [Fact]
    public void LerpErrors()
    {
        Throws<ArgumentException>("expected dtype float for `end` but got dtype double", () => F.Lerp(F.Double(), 0.5));
        Throws<ArgumentException>("expected dtype float for `end` but got dtype long int", () => F.Lerp(I, 0.5));
        Throws<ArgumentException>("expected dtype float for `weight` but got dtype long int", () => F.Lerp(F, I));
        Throws<ArgumentException>("expected dtype float for `weight` but got dtype c10::Half", () => F.Lerp(F, F.Half()));
        Throws<NotSupportedException>("\"lerp_kernel_scalar\" not implemented for 'Long'", () => I.Lerp(I, 0.5));
        Throws<NotSupportedException>("\"lerp_kernel_tensor\" not implemented for 'Long'", () => I.Lerp(I, I));
        Throws<ArgumentException>("output with shape [3] doesn't match the broadcast shape [2, 3]", () => F.Clone().Lerp_(Torch.Ones(2, 3), 0.5));
    }

    [Fact]
    public void AddcmulAddcdivErrors()
    {
        Throws<NotSupportedException>("\"addcmul_cpu_out\" not implemented for 'Bool'", () => B.Addcmul(B, B));
        Throws<ArgumentException>("output with shape [3] doesn't match the broadcast shape [2, 3]", () => F.Clone().Addcmul_(Torch.Ones(2, 3), F));
        var msg = "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true " +
                  "division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * " +
                  "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) " +
                  "for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / " +
                  "tensor2), for all dtypes.";
        Throws<ArgumentException>(msg, () => F.Addcdiv(I, I));
        Throws<ArgumentException>(msg, () => F.Clone().Addcdiv_(I, B));
        // An integer result truncates a float value, as PyTorch's value.to<int64_t>().
        Assert.Equal(new long[] { 1, -2, 3 }, I.Addcmul(I, I, 0.5).ToArray<long>());
        Assert.Equal(new long[] { 3, 6, 21 }, I.Addcmul(I, I, 2).ToArray<long>());
    }

    [Fact]
    public void ClampErrorsAndRules()
    {
        Throws<ArgumentException>("torch.clamp: At least one of 'min' or 'max' must not be None", () => F.Clamp(min: (Scalar?)null));
        Throws<ArgumentException>("torch.clamp: At least one of 'min' or 'max' must not be None", () => F.Clamp((Tensor?)null, null));
        Throws<NotSupportedException>("\"clamp_scalar_cpu\" not implemented for 'Bool'", () => B.Clamp(true, true));
        Throws<NotSupportedException>("\"clamp_min_cpu\" not implemented for 'Bool'", () => B.Clamp(min: true));
        Throws<NotSupportedException>("\"clamp_max_scalar_cpu\" not implemented for 'Bool'", () => B.Clamp(max: true));
        Throws<NotSupportedException>("\"clamp_cpu\" not implemented for 'Bool'", () => B.Clamp(B, B));
        Throws<InvalidOperationException>("result type Float can't be cast to the desired output type long int", () => I.Clone().Clamp_(0.5));
        Throws<InvalidOperationException>("result type Float can't be cast to the desired output type Long", () => I.Clone().Clamp_(F));
        Assert.Equal(DType.Int64, B.Clamp(0, 1).DType);
        Assert.Equal(DType.Float32, I.Clamp(0.5, 2).DType);
        Assert.Equal(new float[] { 1, 0.5f, 2 }, I.Clamp(0.5, 2).ToArray<float>());
        Assert.Equal(DType.Float32, I.Clamp(min: F).DType);
        // PyTorch: with both bounds a NaN bound makes every element NaN; a single NaN bound leaves x as it is.
        var v = Torch.Tensor(new[] { float.NaN, 1f, -3f, 0.2f });
        Assert.All(v.Clamp(float.NaN, 0.5).ToArray<float>(), e => Assert.True(float.IsNaN(e)));
        Assert.Equal(v.ToArray<float>(), v.Clamp(min: float.NaN).ToArray<float>());
        Assert.Equal(v.ToArray<float>(), v.Clamp(max: float.NaN).ToArray<float>());
        Assert.All(v.Clone().Clamp_(0.0, float.NaN).ToArray<float>(), e => Assert.True(float.IsNaN(e)));
    }

    [Fact]
    public void WhereErrorsAndRules()
    {
        Throws<ArgumentException>("where expected condition to be a boolean tensor, but got a tensor with dtype Long", () => Torch.Where(I, F, F));
        Throws<ArgumentException>("The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0",
            () => Torch.Where(B, F, Torch.Ones(2)));
        Assert.Equal(DType.Int64, Torch.Where(B, 1, 0).DType);
        Assert.Equal(DType.Float32, Torch.Where(B, 1.0, 0).DType);
        Assert.Equal(DType.Bool, Torch.Where(B, true, false).DType);
        Assert.Equal(DType.Float32, Torch.Where(B, I.Int(), 3.5).DType);
        Assert.Equal(DType.Int32, Torch.Where(B, I.Int(), 3).DType);
        Assert.Equal(DType.Float64, Torch.Where(B, Torch.Tensor(1.5, DType.Float64), 2).DType);
        // A uint8 condition is accepted (deprecated in PyTorch) and read as bool.
        Assert.Equal(new float[] { 0.5f, 0, 2f }, Torch.Where(B.Byte(), F, 0.0).ToArray<float>());
    }

    [Fact]
    public void ComparisonAndLogicErrors()
    {
        Throws<NotSupportedException>("\"bitwise_and_cpu\" not implemented for 'Float'", () => F.BitwiseAnd(I));
        Throws<NotSupportedException>("\"bitwise_or_cpu\" not implemented for 'Float'", () => _ = F | F);
        Throws<NotSupportedException>("\"bitwise_xor_cpu\" not implemented for 'Float'", () => _ = I ^ 1.5);
        Throws<NotSupportedException>("\"bitwise_not_cpu\" not implemented for 'Float'", () => F.BitwiseNot());
        Throws<ArgumentException>("~ (operator.invert) is only implemented on integer and Boolean-type tensors", () => _ = ~F);
        Throws<InvalidOperationException>("result type Long can't be cast to the desired output type Bool", () => B.Clone().BitwiseAnd_(I));
        Throws<ArgumentException>("output with shape [3] doesn't match the broadcast shape [2, 3]", () => F.Clone().Eq_(Torch.Ones(2, 3)));
        Throws<ArgumentException>("Float did not match Double", () => F.IsClose(F.Double()));
        Throws<ArgumentException>("Long did not match Float", () => I.IsClose(F));
        Throws<ArgumentException>("rtol must be greater than or equal to zero, but got -1", () => F.IsClose(F, rtol: -1));
        Throws<ArgumentException>("atol must be greater than or equal to zero, but got -0.5", () => F.IsClose(F, atol: -0.5));
        Throws<ArgumentException>("Float did not match Double", () => F.AllClose(F.Double()));
    }

    [Fact]
    public void ComparisonAndLogicRules()
    {
        Assert.Equal(DType.Bool, (I < 1.5).DType);
        Assert.Equal(new[] { true, false, true }, (I > F).ToArray<bool>());
        Assert.Equal(DType.Int64, I.Clone().LogicalAnd_(B).DType);
        Assert.Equal(DType.Float32, F.Clone().LogicalNot_().DType);
        Assert.Equal(DType.Int64, I.Clone().Eq_(1).DType);
        Assert.Equal(DType.Int16, (Torch.Tensor(new byte[] { 3 }) & Torch.Tensor(new sbyte[] { 5 })).DType);
        Assert.Equal(new[] { false, true, false }, (~B).ToArray<bool>());
        Assert.True(F.AllClose(F.Add(1e-9)));
        Assert.False(F.AllClose(F.Add(1e-3)));
        Assert.True(F.Equal(F.Clone()));
        Assert.True(I.Equal(I.Double()));
        Assert.False(F.Equal(F.Unsqueeze(0)));
        Assert.False(Torch.Equal(Torch.Tensor(new[] { double.NaN }), Torch.Tensor(new[] { double.NaN })));
        Assert.Equal(new[] { false, false, false }, I.IsNan().ToArray<bool>());
        Assert.Equal(new[] { true, true, true }, I.IsFinite().ToArray<bool>());
        Assert.Equal(new[] { false, true, false }, I.Signbit().ToArray<bool>());
        // == stays reference equality (API.md); element comparison is Eq.
        var same = F;
        Assert.True(same == F);
        Assert.False(F.Clone() == F);
    }

    [Fact]
    public void InPlaceComparisonRecordsZeroGradient()
    {
        var x = Torch.Tensor(new[] { 1.0, 2.0, 3.0 }, requiresGrad: true);
        var y = x.Mul(2);
        y.Lt_(4.0);
        Assert.Equal("LtBackward0", y.GradFn!.Name);
        Assert.Equal(new[] { 1.0, 0.0, 0.0 }, y.ToArray<double>());
        y.Sum().Backward();
        Assert.Equal(new[] { 0.0, 0.0, 0.0 }, x.Grad!.ToArray<double>());
    }

    /// <summary>Large enough for several threads and every vector tail: results match plain C# per element.</summary>
    [Fact]
    public void LargeTensorsMatchScalarMath()
    {
        const int n = 100_003;
        var xs = new float[n];
        var ys = new float[n];
        for (int k = 0; k < n; k++)
        {
            xs[k] = MathF.Sin(k * 0.37f) * 3;
            ys[k] = MathF.Cos(k * 0.11f) * 2;
        }
        var x = Torch.FromArray(xs);
        var y = Torch.FromArray(ys);
        var tanh = x.Tanh().ToArray<float>();
        var gt = x.Gt(y).ToArray<bool>();
        var where = Torch.Where(x.Gt(y), x, 0.5).ToArray<float>();
        var addcmul = x.Addcmul(y, x, 0.25).ToArray<float>();
        var clamp = x.Clamp(-1, 2).ToArray<float>();
        var relu = x.Relu().ToArray<float>();
        for (int k = 0; k < n; k++)
        {
            var t = (float)Math.Tanh(xs[k]);
            Assert.True(Math.Abs(tanh[k] - t) <= 2.5e-7 * Math.Abs(t), $"tanh at {k}");
            Assert.Equal(xs[k] > ys[k], gt[k]);
            Assert.Equal(xs[k] > ys[k] ? xs[k] : 0.5f, where[k]);
            Assert.Equal(xs[k] + 0.25f * ys[k] * xs[k], addcmul[k]);
            Assert.Equal(Math.Min(Math.Max(xs[k], -1f), 2f), clamp[k]);
            Assert.Equal(Math.Max(xs[k], 0f), relu[k]);
        }
    }

    [Fact]
    public void AliasesCallTheirOps()
    {
        var x = Torch.Tensor(new[] { -0.5, 0.25, 0.75 });
        var y = Torch.Tensor(new[] { 0.5, 0.25, -0.75 });
        void Same(Tensor expected, Tensor actual) => Assert.Equal(expected.ToArray<double>(), actual.ToArray<double>());
        Same(x.Abs(), Torch.Absolute(x));
        Same(x.Asin(), x.Arcsin());
        Same(x.Acos(), Torch.Arccos(x));
        Same(x.Atan(), x.Arctan());
        Same(x.Asinh(), Torch.Arcsinh(x));
        Same(x.Add(2).Acosh(), x.Add(2).Arccosh());
        Same(x.Atanh(), Torch.Arctanh(x));
        Same(x.Atan2(y), Torch.Arctan2(x, y));
        Same(Torch.Tensor(new[] { -0.0, 0.0, 0.0 }), x.Fix());
        Same(x.Neg(), Torch.Negative(x));
        Assert.Equal(new[] { false, false, true }, Torch.Greater(x, y).ToArray<bool>());
        Assert.Equal(new[] { false, true, true }, x.GreaterEqual(y).ToArray<bool>());
        Assert.Equal(new[] { true, false, false }, Torch.Less(x, y).ToArray<bool>());
        Assert.Equal(new[] { true, true, false }, x.LessEqual(y).ToArray<bool>());
        Assert.Equal(new[] { true, false, true }, Torch.NotEqual(x, y).ToArray<bool>());
        Assert.Equal(new[] { false, false, true }, x.Greater(0.5).ToArray<bool>());
    }

    [Fact]
    public void ActivationGradientsAreDifferentiableNodes()
    {
        var x = Torch.Tensor(new[] { -0.5, 0.25, 1.5 }, requiresGrad: true);
        Assert.Equal("TanhBackwardBackward0", Torch.Autograd.Grad(x.Tanh().Sum(), [x], createGraph: true)[0]!.GradFn!.Name);
        Assert.Equal("SigmoidBackwardBackward0", Torch.Autograd.Grad(x.Sigmoid().Sum(), [x], createGraph: true)[0]!.GradFn!.Name);
        Assert.Equal("ThresholdBackwardBackward0", Torch.Autograd.Grad(x.Relu().Sum(), [x], createGraph: true)[0]!.GradFn!.Name);
    }

    public static IEnumerable<object[]> SecondOrderCases =>
        new[]
        {
            "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos",
            "atan", "sinh", "cosh", "tanh", "relu", "asinh", "acosh", "atanh", "sigmoid", "logit", "erf", "erfc", "erfinv",
            "reciprocal", "square", "abs", "pow_scalar", "pow", "rpow", "atan2", "hypot", "xlogy", "lerp", "lerp_tensor",
            "addcmul", "addcdiv", "clamp", "maximum", "where", "remainder",
        }.Select(n => new object[] { n });

    // A second operand that depends on x, positive and never equal to it at the test points.
    private static Tensor Other(Tensor x) => x.Mul(-0.5).Add(2);

    /// <summary>Double backward: the first derivative, built with createGraph, passes a numerical gradcheck.</summary>
    [Theory]
    [MemberData(nameof(SecondOrderCases))]
    public void SecondDerivatives(string op)
    {
        Func<Tensor, Tensor> f = op switch
        {
            "exp" => x => x.Exp(),
            "exp2" => x => x.Exp2(),
            "expm1" => x => x.Expm1(),
            "log" => x => x.Log(),
            "log2" => x => x.Log2(),
            "log10" => x => x.Log10(),
            "log1p" => x => x.Log1p(),
            "sqrt" => x => x.Sqrt(),
            "rsqrt" => x => x.Rsqrt(),
            "sin" => x => x.Sin(),
            "cos" => x => x.Cos(),
            "tan" => x => x.Tan(),
            "asin" => x => x.Mul(0.4).Asin(),
            "acos" => x => x.Mul(0.4).Acos(),
            "atan" => x => x.Atan(),
            "sinh" => x => x.Sinh(),
            "cosh" => x => x.Cosh(),
            "tanh" => x => x.Tanh(),
            "relu" => x => x.Sub(1).Relu().Mul(x),
            "asinh" => x => x.Asinh(),
            "acosh" => x => x.Add(1).Acosh(),
            "atanh" => x => x.Mul(0.4).Atanh(),
            "sigmoid" => x => x.Sigmoid(),
            "logit" => x => x.Mul(0.4).Logit(),
            "erf" => x => x.Erf(),
            "erfc" => x => x.Erfc(),
            "erfinv" => x => x.Mul(0.4).Erfinv(),
            "reciprocal" => x => x.Reciprocal(),
            "square" => x => x.Square(),
            "abs" => x => x.Sub(1).Abs().Mul(x),
            "pow_scalar" => x => x.Pow(2.5),
            "pow" => x => x.Pow(Other(x)),
            "rpow" => x => Torch.Pow(1.7, x),
            "atan2" => x => x.Atan2(Other(x)),
            "hypot" => x => x.Hypot(Other(x)),
            "xlogy" => x => x.Xlogy(Other(x)),
            "lerp" => x => x.Lerp(Other(x).Mul(x), 0.3),
            "lerp_tensor" => x => x.Lerp(Other(x), x.Mul(0.2)),
            "addcmul" => x => x.Addcmul(x, Other(x), 0.5),
            "addcdiv" => x => x.Addcdiv(x.Mul(x), Other(x), 0.5),
            "clamp" => x => x.Clamp(0.6, 1.3).Mul(x),
            "maximum" => x => x.Maximum(Other(x)).Mul(x),
            "where" => x => Torch.Where(x.Gt(0.9), x.Mul(x), x.Exp()),
            "remainder" => x => x.Mul(3).Remainder(Other(x)).Mul(x),
            _ => throw new NotSupportedException(op),
        };
        var input = Torch.Tensor(new[] { 0.3, 0.75, 1.2, 1.45 }, requiresGrad: true);
        // The gradcheck perturbs under no_grad; the first derivative needs its graph, so it re-enables grad.
        Assert.True(Torch.Autograd.GradCheck(xs =>
        {
            using var mode = Torch.EnableGrad();
            return Torch.Autograd.Grad(f(xs[0]).Sum(), [xs[0]], createGraph: true)[0]!;
        }, [input]));
    }
}

/// <summary>Runs alone: it changes the process-wide default dtype.</summary>
[CollectionDefinition("Math default dtype", DisableParallelization = true)]
public class MathDefaultDtypeCollection;

/// <summary>Integer and bool inputs to float math take the default dtype, whatever it is set to.</summary>
[Collection("Math default dtype")]
public class MathDefaultDtypeTests
{
    [Fact]
    public void FloatMathFollowsTheDefaultDtype()
    {
        var i = Torch.Tensor(new long[] { 1, 2 });
        var b = Torch.Tensor(new[] { true, false });
        Torch.SetDefaultDtype(DType.Float64);
        try
        {
            Assert.Equal(DType.Float64, i.Exp().DType);
            Assert.Equal(DType.Float64, b.Sigmoid().DType);
            Assert.Equal(DType.Float64, i.Atan2(i).DType);
            Assert.Equal(DType.Float64, i.Xlogy(i).DType);
            Assert.Equal(DType.Float64, i.Div(i, null).DType);
            Assert.Equal(DType.Float64, i.Pow(0.5).DType);
            Assert.Equal(DType.Float64, Torch.Where(b, 1.0, 0).DType);
            Assert.Equal(DType.Float64, i.Clamp(0.5, 1.5).DType);
            Assert.Equal(DType.Float32, i.Float().Exp().DType);
        }
        finally
        {
            Torch.SetDefaultDtype(DType.Float32);
        }
    }
}
