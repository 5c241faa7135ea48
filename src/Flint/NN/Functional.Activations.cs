using Flint.Autograd;
using Flint.Kernels;
using Flint.Ops;

namespace Flint.NN;

public static partial class Functional
{
    private const double SeluAlpha = 1.6732632423543772848170429916717;
    private const double SeluScale = 1.0507009873554804934193349852946;

    // A float activation: one fused forward kernel, one fused backward kernel over (grad, input), and the composite
    // form that a create_graph backward differentiates. In-place forms write through the same kernel.
    // PyTorch names the node of some in-place forms differently (EluBackward1 saves the result): inplaceNode.
    private static Tensor Activate<TF, TB>(Tensor x, string kernel, TF forward, TB backward, string node,
        Func<Tensor, Tensor> composite, bool inplace, bool bfloat16 = true, string? inplaceNode = null)
        where TF : struct, IUnaryKernel where TB : struct, IBinaryKernel
    {
        MathCommon.CheckFloat(x, kernel, bfloat16);
        if (inplace)
            return MathCommon.Unary_(x, forward, x.DType, s => Activate(s, kernel, forward, backward, inplaceNode ?? node, composite, false, bfloat16));
        var r = Elementwise.Unary(forward, x, x.DType);
        if (Graph.Needs(x))
            Graph.Record(r, node, [x], [x], n => CreatingGraph
                ? CompositeGrads(n, [n.Saved(0)], xs => composite(xs[0]!))
                : [Elementwise.Binary(backward, n.Grad, n.Saved(0), ResultTypeState.Of(n.Grad, n.Saved(0)))]);
        return r;
    }

    /// <summary>max(x, 0) elementwise (<c>F.relu(input, inplace)</c>).</summary>
    public static Tensor Relu(Tensor input, bool inplace = false) => inplace ? input.Relu_() : input.Relu();

    /// <summary>min(max(x, 0), 6) (<c>F.relu6(input, inplace)</c>), PyTorch's hardtanh(x, 0, 6).</summary>
    public static Tensor Relu6(Tensor input, bool inplace = false) => Hardtanh(input, 0, 6, inplace);

    /// <summary>
    /// x clamped to [<paramref name="minVal"/>, <paramref name="maxVal"/>] (<c>F.hardtanh(input, min_val, max_val,
    /// inplace)</c>); the gradient is zero outside the open interval. Integer tensors are clamped too.
    /// </summary>
    public static Tensor Hardtanh(Tensor input, double minVal = -1, double maxVal = 1, bool inplace = false)
    {
        if (input.DType == DType.Bool) throw new NotSupportedException("Bool inputs not supported for hardtanh");
        if (input.DType == DType.Float16 && !input.IsCuda) throw MathCommon.NotImplemented("clamp_scalar_cpu", input.DType);
        var forward = new HardtanhKernel(minVal, maxVal);
        if (inplace) return MathCommon.Unary_(input, forward, input.DType, s => Hardtanh(s, minVal, maxVal));
        var r = Elementwise.Unary(forward, input, input.DType);
        if (Graph.Needs(input))
            Graph.Record(r, "HardtanhBackward0", [input], [input], n => CreatingGraph
                ? CompositeGrads(n, [n.Saved(0)], xs => Torch.Where(xs[0]!.Gt(minVal).LogicalAnd(xs[0]!.Lt(maxVal)), xs[0]!,
                    xs[0]!.Detach().Clamp(minVal, maxVal)))
                : [Elementwise.Binary(new HardtanhBackwardKernel(minVal, maxVal), n.Grad, n.Saved(0), ResultTypeState.Of(n.Grad, n.Saved(0)))]);
        return r;
    }

    /// <summary>x where x &gt; 0, else x · <paramref name="negativeSlope"/> (<c>F.leaky_relu(input, negative_slope, inplace)</c>).</summary>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01, bool inplace = false) =>
        Activate(input, "leaky_relu_cpu", new LeakyReluKernel(negativeSlope), new LeakyReluBackwardKernel(negativeSlope),
            "LeakyReluBackward0", x => Torch.Where(x.Gt(0), x, x.Mul(negativeSlope)), inplace, inplaceNode: "LeakyReluBackward1");

    private static Tensor EluComposite(Tensor x, double alpha, double scale, double inputScale) =>
        Torch.Where(x.Gt(0), x.Mul(scale), x.ClampMax(0).Mul(inputScale).Exp().Sub(1).Mul(alpha * scale));

    /// <summary>x where x &gt; 0, else α · (exp(x) − 1) (<c>F.elu(input, alpha, inplace)</c>).</summary>
    public static Tensor Elu(Tensor input, double alpha = 1.0, bool inplace = false) =>
        Activate(input, "elu_cpu", new EluKernel(alpha, 1, 1), new EluBackwardKernel(alpha, 1, 1, false), "EluBackward0",
            x => EluComposite(x, alpha, 1, 1), inplace, inplaceNode: "EluBackward1");

    /// <summary>
    /// scale · elu(x, α) with PyTorch's fixed α ≈ 1.6733 and scale ≈ 1.0507 (<c>F.selu(input, inplace)</c>).
    /// </summary>
    public static Tensor Selu(Tensor input, bool inplace = false) =>
        Activate(input, "elu_cpu", new EluKernel(SeluAlpha, SeluScale, 1), new EluBackwardKernel(SeluAlpha, SeluScale, 1, false),
            "EluBackward0", x => EluComposite(x, SeluAlpha, SeluScale, 1), inplace, inplaceNode: "EluBackward1");

    /// <summary>max(0, x) + min(0, α · (exp(x/α) − 1)) (<c>F.celu(input, alpha, inplace)</c>).</summary>
    public static Tensor Celu(Tensor input, double alpha = 1.0, bool inplace = false)
    {
        if (alpha == 0) throw new ArgumentException("ZeroDivisionError: alpha cannot be 0 for CELU");
        var inv = 1.0 / alpha;
        return Activate(input, "elu_cpu", new EluKernel(alpha, 1, inv), new EluBackwardKernel(alpha, 1, inv, false), "CeluBackward0",
            x => EluComposite(x, alpha, 1, inv), inplace, inplaceNode: "CeluBackward1");
    }

    /// <summary>
    /// x · Φ(x) with Φ the standard normal CDF (<c>F.gelu(input, approximate)</c>); <paramref name="approximate"/>
    /// "tanh" uses ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    /// </summary>
    public static Tensor Gelu(Tensor input, string approximate = "none")
    {
        var tanh = approximate switch
        {
            "none" => false,
            "tanh" => true,
            _ => throw new ArgumentException("approximate argument must be either none or tanh."),
        };
        return Activate(input, "GeluKernelImpl", new GeluKernel(tanh), new GeluBackwardKernel(tanh), "GeluBackward0",
            x => tanh
                ? x.Mul(0.5).Mul(x.Pow(3).Mul(GeluMath.TanhKappa).Add(x).Mul(GeluMath.TanhBeta).Tanh().Add(1))
                : x.Mul(0.5).Mul(x.Mul(GeluMath.SqrtHalf).Erf().Add(1)), false);
    }

    /// <summary>x · σ(x) (<c>F.silu(input, inplace)</c>, also called swish).</summary>
    public static Tensor Silu(Tensor input, bool inplace = false) =>
        Activate(input, "silu_cpu", new SiluKernel(), new SiluBackwardKernel(), "SiluBackward0", x => x.Mul(x.Sigmoid()), inplace);

    private static Tensor SoftplusComposite(Tensor x, double beta, double threshold)
    {
        var bx = x.Mul(beta);
        return Torch.Where(bx.Gt(threshold), x, bx.ClampMax(threshold).Exp().Log1p().Div(beta));
    }

    /// <summary>x · tanh(softplus(x)) (<c>F.mish(input, inplace)</c>).</summary>
    public static Tensor Mish(Tensor input, bool inplace = false) =>
        Activate(input, "mish_cpu", new MishKernel(), new MishBackwardKernel(), "MishBackward0",
            x => x.Mul(SoftplusComposite(x, 1, 20).Tanh()), inplace, bfloat16: false);

    /// <summary>
    /// log(1 + exp(β·x)) / β, and x itself where β·x &gt; <paramref name="threshold"/> (<c>F.softplus(input, beta,
    /// threshold)</c>).
    /// </summary>
    public static Tensor Softplus(Tensor input, double beta = 1, double threshold = 20) =>
        Activate(input, "softplus_cpu", new SoftplusKernel(beta, threshold), new SoftplusBackwardKernel(beta, threshold),
            "SoftplusBackward0", x => SoftplusComposite(x, beta, threshold), false);

    /// <summary>x − λ above λ, x + λ below −λ, 0 between (<c>F.softshrink(input, lambd)</c>); λ must not be negative.</summary>
    public static Tensor Softshrink(Tensor input, double lambd = 0.5)
    {
        if (lambd < 0)
            throw new ArgumentException($"lambda must be greater or equal to 0, but found to be {Sampling.Num(lambd)}.");
        return Activate(input, "softshrink_cpu", new SoftshrinkKernel(lambd), new ShrinkBackwardKernel(lambd), "SoftshrinkBackward0",
            x => Torch.Where(x.Gt(lambd), x.Sub(lambd), Torch.Where(x.Lt(-lambd), x.Add(lambd), x.Mul(0))), false);
    }

    /// <summary>0 where −λ ≤ x ≤ λ, else x (<c>F.hardshrink(input, lambd)</c>).</summary>
    public static Tensor Hardshrink(Tensor input, double lambd = 0.5) =>
        Activate(input, "hardshrink_cpu", new HardshrinkKernel(lambd), new ShrinkBackwardKernel(lambd), "HardshrinkBackward0",
            x => Torch.Where(x.Ge(-lambd).LogicalAnd(x.Le(lambd)), x.Mul(0), x), false);

    /// <summary>x − tanh(x) (<c>F.tanhshrink(input)</c>).</summary>
    public static Tensor Tanhshrink(Tensor input) => input.Sub(input.Tanh());

    /// <summary>x / (1 + |x|) (<c>F.softsign(input)</c>).</summary>
    public static Tensor Softsign(Tensor input) => input.Div(input.Abs().Add(1));

    /// <summary>min(max(x + 3, 0), 6) / 6 (<c>F.hardsigmoid(input, inplace)</c>).</summary>
    public static Tensor Hardsigmoid(Tensor input, bool inplace = false) =>
        Activate(input, "hardsigmoid_cpu", new HardsigmoidKernel(), new HardsigmoidBackwardKernel(), "HardsigmoidBackward0",
            x => Torch.Where(x.Gt(-3).LogicalAnd(x.Lt(3)), x.Mul((double)(1.0f / 6.0f)).Add(0.5), x.Detach().Add(3).Clamp(0, 6).Div(6)), inplace);

    /// <summary>x · min(max(x + 3, 0), 6) / 6 (<c>F.hardswish(input, inplace)</c>).</summary>
    public static Tensor Hardswish(Tensor input, bool inplace = false) =>
        Activate(input, "hardswish_cpu", new HardswishKernel(), new HardswishBackwardKernel(), "HardswishBackward0",
            x => Torch.Where(x.Lt(-3), x.Mul(0), Torch.Where(x.Le(3), x.Mul(x.Add(3)).Div(6), x)), inplace);

    /// <summary>log σ(x) = min(x, 0) − log(1 + exp(−|x|)) (<c>F.logsigmoid(input)</c>).</summary>
    public static Tensor Logsigmoid(Tensor input) =>
        Activate(input, "log_sigmoid_cpu", new LogSigmoidKernel(), new LogSigmoidBackwardKernel(), "LogSigmoidBackward0",
            x => SoftplusComposite(x.Neg(), 1, 20).Neg(), false);

    /// <summary>
    /// <paramref name="value"/> where x ≤ <paramref name="threshold"/>, else x (<c>F.threshold(input, threshold, value,
    /// inplace)</c>); integer tensors too.
    /// </summary>
    public static Tensor Threshold(Tensor input, double threshold, double value, bool inplace = false)
    {
        if (input.DType == DType.Bool || (input.DType == DType.Float16 && !input.IsCuda))
            throw MathCommon.NotImplemented("threshold_cpu", input.DType);
        var forward = new ThresholdKernel(threshold, value);
        if (inplace) return MathCommon.Unary_(input, forward, input.DType, s => ThresholdCore(s, threshold, value, "ThresholdBackward1"));
        return ThresholdCore(input, threshold, value, "ThresholdBackward0");
    }

    private static Tensor ThresholdCore(Tensor input, double threshold, double value, string node)
    {
        var r = Elementwise.Unary(new ThresholdKernel(threshold, value), input, input.DType);
        if (Graph.Needs(input))
            Graph.Record(r, node, [input], [input], n => CreatingGraph
                ? CompositeGrads(n, [n.Saved(0)], xs => Torch.Where(xs[0]!.Le(threshold), xs[0]!.Detach().Mul(0).Add(value), xs[0]!))
                : [Elementwise.Binary(new ThresholdBackwardKernel(threshold), n.Grad, n.Saved(0), ResultTypeState.Of(n.Grad, n.Saved(0)))]);
        return r;
    }

    /// <summary>σ(x) (<c>F.sigmoid</c>, deprecated in PyTorch in favour of <c>torch.sigmoid</c>).</summary>
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();

    /// <summary>tanh(x) (<c>F.tanh</c>, deprecated in PyTorch in favour of <c>torch.tanh</c>).</summary>
    public static Tensor Tanh(Tensor input) => input.Tanh();

    /// <summary>
    /// The gated linear unit a ⊗ σ(b), where a and b are the two halves of the input along <paramref name="dim"/>
    /// (<c>F.glu(input, dim)</c>).
    /// </summary>
    public static Tensor Glu(Tensor input, long dim = -1)
    {
        if (input.Dim() == 0) throw new ArgumentException("glu does not support scalars because halving size must be even");
        MathCommon.CheckFloat(input, "glu_cpu");
        var d = Shapes.WrapDim(dim, input.Dim());
        var size = input.Size(d);
        if (size % 2 != 0) throw new ArgumentException($"Halving dimension must be even, but dimension {d} is size {size}");
        var half = size / 2;
        Tensor a = input.Narrow(d, 0, half), b = input.Narrow(d, half, half);
        Tensor r;
        using (Torch.NoGrad()) r = Elementwise.Binary(new GluKernel(), a, b, input.DType);
        if (Graph.Needs(input))
            Graph.Record(r, "GluBackward0", [input], [input], n =>
            {
                var x = n.Saved(0);
                if (CreatingGraph)
                    return CompositeGrads(n, [x], xs => xs[0]!.Narrow(d, 0, half).Mul(xs[0]!.Narrow(d, half, half).Sigmoid()));
                Tensor xa = x.Narrow(d, 0, half), sig = x.Narrow(d, half, half).Sigmoid(), g = n.Grad;
                return [Torch.Cat([g.Mul(sig), sig.Rsub(1).Mul(sig).Mul(xa).Mul(g)], d)];
            });
        return r;
    }

    /// <summary>
    /// x where x &gt; 0, else weight · x, with one learnable slope or one per channel (dim 1)
    /// (<c>F.prelu(input, weight)</c>).
    /// </summary>
    public static Tensor Prelu(Tensor input, Tensor weight)
    {
        MathCommon.CheckFloat(input, "prelu_cpu");
        var num = weight.Numel();
        if (num != 1)
        {
            if (input.Dim() == 0) throw new ArgumentException("Not allow zero-dim input tensor.");
            var channels = input.Dim() > 1 ? input.Size(1) : 1;
            if (channels != num)
                throw new ArgumentException(
                    $"Mismatch of parameter numbers and input channel size. Found parameter numbers = {num} and channel size = {channels}.");
        }
        if (weight.Dim() > 1)
            throw new ArgumentException($"prelu: Expected `weight` to be a scalar or 1D tensor, but got ndim = {weight.Dim()}");
        var w = PreluWeightView(input, weight);
        Tensor r;
        using (Torch.NoGrad()) r = Elementwise.Binary(new PreluKernel(), input, w, ResultTypeState.Of(input, w));
        if (Graph.Needs(input, weight))
            Graph.Record(r, "PreluBackward0", [input, weight], [input, weight], n =>
            {
                Tensor x = n.Saved(0), wt = n.Saved(1);
                if (CreatingGraph)
                    return CompositeGrads(n, [x, wt], xs => Torch.Where(xs[0]!.Gt(0), xs[0]!, PreluWeightView(xs[0]!, xs[1]!).Mul(xs[0]!)));
                var g = n.Grad;
                var positive = x.Gt(0);
                var gi = n.NeedsInputGrad(0) ? Torch.Where(positive, g, PreluWeightView(x, wt).Mul(g)) : null;
                Tensor? gw = null;
                if (n.NeedsInputGrad(1))
                {
                    var contrib = Torch.Where(positive, 0.0, x.Mul(g));
                    gw = num == 1 ? contrib.Sum().Reshape(wt.Shape) : contrib.SumToSize(PreluWeightView(x, wt).Shape).Reshape(wt.Shape);
                }
                return [gi, gw];
            });
        return r;
    }

    // The weight of prelu shaped to broadcast over the input: one value, or [C, 1, ..., 1] along dim 1.
    private static Tensor PreluWeightView(Tensor input, Tensor weight)
    {
        if (weight.Numel() == 1 || input.Dim() < 2) return weight.Reshape(weight.Numel() == 1 ? [] : [weight.Numel()]);
        var shape = new long[input.Dim() - 1];
        Array.Fill(shape, 1);
        shape[0] = weight.Numel();
        return weight.Reshape(shape);
    }

    /// <summary>
    /// Randomized leaky ReLU (<c>F.rrelu(input, lower, upper, training, inplace)</c>): in training each non-positive
    /// element is multiplied by a slope drawn uniformly from [lower, upper] (from the default generator, in element
    /// order, as PyTorch's CPU kernel); in evaluation the slope is (lower + upper) / 2.
    /// </summary>
    public static Tensor Rrelu(Tensor input, double lower = 1.0 / 8, double upper = 1.0 / 3, bool training = false, bool inplace = false)
    {
        if (lower > upper) throw new ArgumentException("Lower bound should be less than or equal to the upper bound");
        if (!training)
        {
            var slope = (lower + upper) / 2;
            MathCommon.CheckFloat(input, "leaky_relu_cpu");
            if (inplace)
                return MathCommon.Unary_(input, new LeakyReluKernel(slope), input.DType, s => RreluEval(s, slope, "RreluWithNoiseBackward1"));
            return RreluEval(input, slope, "RreluWithNoiseBackward0");
        }
        MathCommon.CheckFloat(input, "rrelu_with_noise_out_cpu");
        var noise = RreluNoise(input, lower, upper);
        if (inplace)
            return InPlace.Apply(input, s => RreluTrain(s, noise, lower, upper, "RreluWithNoiseBackward1"), s =>
            {
                using (Torch.NoGrad()) InPlace.CopyData(s.Mul(noise), s);
            });
        return RreluTrain(input, noise, lower, upper, "RreluWithNoiseBackward0");
    }

    // Evaluation-mode rrelu: leaky_relu with the mean slope, recorded under PyTorch's rrelu node.
    private static Tensor RreluEval(Tensor input, double slope, string node)
    {
        var r = Elementwise.Unary(new LeakyReluKernel(slope), input, input.DType);
        if (Graph.Needs(input))
            Graph.Record(r, node, [input], [input], n => CreatingGraph
                ? CompositeGrads(n, [n.Saved(0)], xs => Torch.Where(xs[0]!.Gt(0), xs[0]!, xs[0]!.Mul(slope)))
                : [Elementwise.Binary(new LeakyReluBackwardKernel(slope), n.Grad, n.Saved(0), ResultTypeState.Of(n.Grad, n.Saved(0)))]);
        return r;
    }

    // Training-mode rrelu: input · noise; the gradient is grad · noise (or leaky_relu's when lower ≈ upper, as PyTorch).
    private static Tensor RreluTrain(Tensor input, Tensor noise, double lower, double upper, string node)
    {
        Tensor r;
        using (Torch.NoGrad()) r = input.Mul(noise);
        var useNoise = (float)upper - (float)lower > 1e-6f;
        var slope = (lower + upper) / 2;
        if (Graph.Needs(input))
            Graph.Record(r, node, [input], [input, noise], n => useNoise
                ? [n.Grad.Mul(n.Saved(1))]
                : CreatingGraph
                    ? CompositeGrads(n, [n.Saved(0)], xs => Torch.Where(xs[0]!.Gt(0), xs[0]!, xs[0]!.Mul(slope)))
                    : [Elementwise.Binary(new LeakyReluBackwardKernel(slope), n.Grad, n.Saved(0), ResultTypeState.Of(n.Grad, n.Saved(0)))]);
        return r;
    }

    // One slope per element, drawn in order for the non-positive ones (PyTorch's _rrelu_with_noise_train).
    private static Tensor RreluNoise(Tensor input, double lower, double upper)
    {
        var x = input.Detach().Contiguous().Cpu();
        var n = (int)x.Numel();
        var gen = Generator.Default;
        if (input.DType == DType.Float64)
        {
            var xs = x.ToArray<double>();
            var noise = new double[n];
            lock (gen.Sync)
                for (int i = 0; i < n; i++)
                    noise[i] = xs[i] <= 0 ? gen.NextDouble() * (upper - lower) + lower : 1;
            return Torch.FromArray(noise, input.shape).To(input.Device);
        }
        var xf = x.ToArray<float>();
        var nf = new float[n];
        double lo = (float)lower, hi = (float)upper;
        lock (gen.Sync)
            for (int i = 0; i < n; i++)
                nf[i] = xf[i] <= 0 ? (float)(gen.NextDouble() * (hi - lo) + lo) : 1;
        return Torch.FromArray(nf, input.shape).To(input.DType).To(input.Device);
    }

    /// <summary>In-place <see cref="Relu"/> (<c>F.relu_(input)</c>).</summary>
    public static Tensor Relu_(Tensor input) => Relu(input, inplace: true);

    /// <summary>In-place <see cref="Hardtanh"/> (<c>F.hardtanh_(input, min_val, max_val)</c>).</summary>
    public static Tensor Hardtanh_(Tensor input, double minVal = -1, double maxVal = 1) => Hardtanh(input, minVal, maxVal, inplace: true);

    /// <summary>In-place <see cref="LeakyRelu"/> (<c>F.leaky_relu_(input, negative_slope)</c>).</summary>
    public static Tensor LeakyRelu_(Tensor input, double negativeSlope = 0.01) => LeakyRelu(input, negativeSlope, inplace: true);

    /// <summary>In-place <see cref="Elu"/> (<c>F.elu_(input, alpha)</c>).</summary>
    public static Tensor Elu_(Tensor input, double alpha = 1.0) => Elu(input, alpha, inplace: true);

    /// <summary>In-place <see cref="Selu"/> (<c>F.selu_(input)</c>).</summary>
    public static Tensor Selu_(Tensor input) => Selu(input, inplace: true);

    /// <summary>In-place <see cref="Celu"/> (<c>F.celu_(input, alpha)</c>).</summary>
    public static Tensor Celu_(Tensor input, double alpha = 1.0) => Celu(input, alpha, inplace: true);

    /// <summary>In-place <see cref="Threshold"/> (<c>F.threshold_(input, threshold, value)</c>).</summary>
    public static Tensor Threshold_(Tensor input, double threshold, double value) => Threshold(input, threshold, value, inplace: true);

    /// <summary>In-place <see cref="Rrelu"/> (<c>F.rrelu_(input, lower, upper, training)</c>).</summary>
    public static Tensor Rrelu_(Tensor input, double lower = 1.0 / 8, double upper = 1.0 / 3, bool training = false) =>
        Rrelu(input, lower, upper, training, inplace: true);
}
