using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>Shared repr pieces of the activation modules.</summary>
internal static class ActivationRepr
{
    public static string Bool(bool b) => b ? "True" : "False";

    /// <summary>", inplace=True" when in place, else "" (the suffix most activations print).</summary>
    public static string InplaceSuffix(bool inplace) => inplace ? ", inplace=True" : "";

    /// <summary>"inplace=True" when in place, else "" (ReLU, ReLU6, SiLU, Mish, SELU).</summary>
    public static string Inplace(bool inplace) => inplace ? "inplace=True" : "";

    /// <summary>A number as Python prints the value a user passed: integers without a decimal point.</summary>
    public static string Number(Scalar s) => s.IsFloatingPoint ? F.Py(s.ToDouble()) : s.ToString();

    public static string Dim(long? dim) => dim is { } d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None";
}

/// <summary>
/// <c>value</c> where x ≤ <c>threshold</c>, else x (<c>nn.Threshold(threshold, value, inplace=False)</c>). The numbers
/// print as given: <c>Threshold(0.1, 20)</c> shows <c>threshold=0.1, value=20</c>.
/// </summary>
public sealed class Threshold(Scalar threshold, Scalar value, bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>The threshold (<c>threshold</c>).</summary>
    public Scalar ThresholdValue { get; } = threshold;

    /// <summary>The replacement value (<c>value</c>).</summary>
    public Scalar Value { get; } = value;

    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Threshold(input, ThresholdValue.ToDouble(), Value.ToDouble(), Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"threshold={ActivationRepr.Number(ThresholdValue)}, value={ActivationRepr.Number(Value)}{ActivationRepr.InplaceSuffix(Inplace)}";
}

/// <summary>max(x, 0) (<c>nn.ReLU(inplace=False)</c>).</summary>
public sealed class ReLU(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Relu(input, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => ActivationRepr.Inplace(Inplace);
}

/// <summary>
/// Randomized leaky ReLU (<c>nn.RReLU(lower=1/8, upper=1/3, inplace=False)</c>): random negative slopes in training,
/// their mean (lower + upper) / 2 in evaluation.
/// </summary>
public sealed class RReLU(double lower = 1.0 / 8, double upper = 1.0 / 3, bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Lower bound of the slope (<c>lower</c>).</summary>
    public double Lower { get; } = lower;

    /// <summary>Upper bound of the slope (<c>upper</c>).</summary>
    public double Upper { get; } = upper;

    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Rrelu(input, Lower, Upper, Training, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"lower={F.Py(Lower)}, upper={F.Py(Upper)}{ActivationRepr.InplaceSuffix(Inplace)}";
}

/// <summary>x clamped to [min_val, max_val] (<c>nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)</c>).</summary>
public class Hardtanh : Module<Tensor, Tensor>
{
    /// <summary><c>nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)</c>; max_val must exceed min_val.</summary>
    public Hardtanh(double minVal = -1.0, double maxVal = 1.0, bool inplace = false)
    {
        if (!(maxVal > minVal)) throw new ArgumentException($"Hardtanh needs max_val > min_val, got min_val={F.Py(minVal)} and max_val={F.Py(maxVal)}");
        MinVal = minVal;
        MaxVal = maxVal;
        Inplace = inplace;
    }

    /// <summary>Lower end of the linear region (<c>min_val</c>).</summary>
    public double MinVal { get; }

    /// <summary>Upper end of the linear region (<c>max_val</c>).</summary>
    public double MaxVal { get; }

    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Hardtanh(input, MinVal, MaxVal, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"min_val={F.Py(MinVal)}, max_val={F.Py(MaxVal)}{ActivationRepr.InplaceSuffix(Inplace)}";
}

/// <summary>min(max(x, 0), 6) (<c>nn.ReLU6(inplace=False)</c>), a Hardtanh(0, 6).</summary>
public sealed class ReLU6(bool inplace = false) : Hardtanh(0, 6, inplace)
{
    /// <inheritdoc/>
    public override string ExtraRepr() => ActivationRepr.Inplace(Inplace);
}

/// <summary>σ(x) (<c>nn.Sigmoid()</c>).</summary>
public sealed class Sigmoid : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary>min(max(x + 3, 0), 6) / 6 (<c>nn.Hardsigmoid(inplace=False)</c>).</summary>
public sealed class Hardsigmoid(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Hardsigmoid(input, Inplace);
}

/// <summary>tanh(x) (<c>nn.Tanh()</c>).</summary>
public sealed class Tanh : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary>x · σ(x) (<c>nn.SiLU(inplace=False)</c>).</summary>
public sealed class SiLU(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Silu(input, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => ActivationRepr.Inplace(Inplace);
}

/// <summary>x · tanh(softplus(x)) (<c>nn.Mish(inplace=False)</c>).</summary>
public sealed class Mish(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Mish(input, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => ActivationRepr.Inplace(Inplace);
}

/// <summary>x · min(max(x + 3, 0), 6) / 6 (<c>nn.Hardswish(inplace=False)</c>).</summary>
public sealed class Hardswish(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Hardswish(input, Inplace);
}

/// <summary>x where x &gt; 0, else α(exp(x) − 1) (<c>nn.ELU(alpha=1.0, inplace=False)</c>).</summary>
public sealed class ELU(double alpha = 1.0, bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>The negative saturation (<c>alpha</c>).</summary>
    public double Alpha { get; } = alpha;

    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Elu(input, Alpha, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"alpha={F.Py(Alpha)}{ActivationRepr.InplaceSuffix(Inplace)}";
}

/// <summary>max(0, x) + min(0, α(exp(x/α) − 1)) (<c>nn.CELU(alpha=1.0, inplace=False)</c>).</summary>
public sealed class CELU(double alpha = 1.0, bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>The <c>alpha</c> of the formula.</summary>
    public double Alpha { get; } = alpha;

    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Celu(input, Alpha, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"alpha={F.Py(Alpha)}{ActivationRepr.InplaceSuffix(Inplace)}";
}

/// <summary>Scaled ELU with PyTorch's fixed constants (<c>nn.SELU(inplace=False)</c>).</summary>
public sealed class SELU(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Selu(input, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => ActivationRepr.Inplace(Inplace);
}

/// <summary>The gated linear unit over two halves of <c>dim</c> (<c>nn.GLU(dim=-1)</c>).</summary>
public sealed class GLU(long dim = -1) : Module<Tensor, Tensor>
{
    /// <summary>The dim split in half (<c>dim</c>).</summary>
    public long Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Glu(input, Dim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>x · Φ(x), exact or with the tanh approximation (<c>nn.GELU(approximate='none')</c>).</summary>
public sealed class GELU : Module<Tensor, Tensor>
{
    /// <summary><c>nn.GELU(approximate='none')</c>; "none" or "tanh".</summary>
    public GELU(string approximate = "none") => Approximate = approximate;

    /// <summary>"none" or "tanh" (<c>approximate</c>).</summary>
    public string Approximate { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Gelu(input, Approximate);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"approximate='{Approximate}'";
}

/// <summary>0 where −λ ≤ x ≤ λ, else x (<c>nn.Hardshrink(lambd=0.5)</c>).</summary>
public sealed class Hardshrink(double lambd = 0.5) : Module<Tensor, Tensor>
{
    /// <summary>The λ of the formula (<c>lambd</c>).</summary>
    public double Lambd { get; } = lambd;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Hardshrink(input, Lambd);

    /// <inheritdoc/>
    public override string ExtraRepr() => F.Py(Lambd);
}

/// <summary>x where x &gt; 0, else negative_slope · x (<c>nn.LeakyReLU(negative_slope=0.01, inplace=False)</c>).</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01, bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>The slope for negative inputs (<c>negative_slope</c>).</summary>
    public double NegativeSlope { get; } = negativeSlope;

    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LeakyRelu(input, NegativeSlope, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"negative_slope={F.Py(NegativeSlope)}{ActivationRepr.InplaceSuffix(Inplace)}";
}

/// <summary>log σ(x) (<c>nn.LogSigmoid()</c>).</summary>
public sealed class LogSigmoid : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Logsigmoid(input);
}

/// <summary>
/// log(1 + exp(βx)) / β, linear above the threshold (<c>nn.Softplus(beta=1, threshold=20)</c>); the numbers print as
/// given, so the default shows <c>beta=1, threshold=20</c>.
/// </summary>
public sealed class Softplus : Module<Tensor, Tensor>
{
    /// <summary><c>nn.Softplus(beta=1, threshold=20)</c>.</summary>
    public Softplus(Scalar? beta = null, Scalar? threshold = null)
    {
        Beta = beta ?? 1;
        ThresholdValue = threshold ?? 20;
    }

    /// <summary>The β of the formula (<c>beta</c>).</summary>
    public Scalar Beta { get; }

    /// <summary>Above this value of βx the function is linear (<c>threshold</c>).</summary>
    public Scalar ThresholdValue { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softplus(input, Beta.ToDouble(), ThresholdValue.ToDouble());

    /// <inheritdoc/>
    public override string ExtraRepr() => $"beta={ActivationRepr.Number(Beta)}, threshold={ActivationRepr.Number(ThresholdValue)}";
}

/// <summary>x − λ above λ, x + λ below −λ, else 0 (<c>nn.Softshrink(lambd=0.5)</c>).</summary>
public sealed class Softshrink(double lambd = 0.5) : Module<Tensor, Tensor>
{
    /// <summary>The λ of the formula (<c>lambd</c>).</summary>
    public double Lambd { get; } = lambd;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softshrink(input, Lambd);

    /// <inheritdoc/>
    public override string ExtraRepr() => F.Py(Lambd);
}

/// <summary>
/// x where x &gt; 0, else a · x with a learnable slope <c>weight</c>, one or one per channel
/// (<c>nn.PReLU(num_parameters=1, init=0.25)</c>).
/// </summary>
public sealed class PReLU : Module<Tensor, Tensor>
{
    /// <summary>The slopes [num_parameters] (<c>prelu.weight</c>).</summary>
    public Parameter Weight;

    /// <summary><c>nn.PReLU(num_parameters=1, init=0.25, device=None, dtype=None)</c>.</summary>
    public PReLU(long numParameters = 1, double init = 0.25, Device? device = null, DType? dtype = null)
    {
        NumParameters = numParameters;
        InitValue = init;
        Weight = new Parameter(Torch.Empty([numParameters], dtype: dtype, device: device).Fill_(init));
    }

    /// <summary>Number of slopes (<c>num_parameters</c>).</summary>
    public long NumParameters { get; }

    /// <summary>Initial slope (<c>init</c>).</summary>
    public double InitValue { get; }

    /// <summary>Refills the slopes with the initial value (<c>reset_parameters()</c>).</summary>
    public void ResetParameters() => Init.Constant_(Weight, InitValue);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Prelu(input, Weight);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"num_parameters={NumParameters}";
}

/// <summary>x / (1 + |x|) (<c>nn.Softsign()</c>).</summary>
public sealed class Softsign : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softsign(input);
}

/// <summary>x − tanh(x) (<c>nn.Tanhshrink()</c>).</summary>
public sealed class Tanhshrink : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Tanhshrink(input);
}

/// <summary>softmax(−x) along <c>dim</c> (<c>nn.Softmin(dim=None)</c>).</summary>
public sealed class Softmin(long? dim = null) : Module<Tensor, Tensor>
{
    /// <summary>The dim normalised over, or null for PyTorch's implicit choice (<c>dim</c>).</summary>
    public long? Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softmin(input, Dim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={ActivationRepr.Dim(Dim)}";
}

/// <summary>softmax along <c>dim</c> (<c>nn.Softmax(dim=None)</c>).</summary>
public sealed class Softmax(long? dim = null) : Module<Tensor, Tensor>
{
    /// <summary>The dim normalised over, or null for PyTorch's implicit choice (<c>dim</c>).</summary>
    public long? Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softmax(input, Dim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={ActivationRepr.Dim(Dim)}";
}

/// <summary>softmax over the channels of a (N, C, H, W) or (C, H, W) input (<c>nn.Softmax2d()</c>).</summary>
public sealed class Softmax2d : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Dim() is not (3 or 4)) throw new ArgumentException("Softmax2d requires a 3D or 4D tensor as input");
        return F.Softmax(input, -3);
    }
}

/// <summary>log(softmax) along <c>dim</c> (<c>nn.LogSoftmax(dim=None)</c>).</summary>
public sealed class LogSoftmax(long? dim = null) : Module<Tensor, Tensor>
{
    /// <summary>The dim normalised over, or null for PyTorch's implicit choice (<c>dim</c>).</summary>
    public long? Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LogSoftmax(input, Dim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={ActivationRepr.Dim(Dim)}";
}
