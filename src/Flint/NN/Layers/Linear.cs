using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>Returns its input unchanged (<c>nn.Identity</c>); a placeholder when replacing a layer.</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    /// <summary><c>nn.Identity(*args, **kwargs)</c>: the arguments are ignored.</summary>
    public Identity(params object?[] args) { }

    /// <summary>Returns <paramref name="input"/> itself.</summary>
    public override Tensor Forward(Tensor input) => input;
}

/// <summary>
/// y = x Wᵀ + b (<c>nn.Linear(in_features, out_features, bias=True)</c>). Parameters <c>weight</c> [out, in] and
/// <c>bias</c> [out] are initialised as PyTorch does: kaiming_uniform_(a=√5) for the weight, then U(−1/√in, 1/√in)
/// for the bias, drawn in that order.
/// </summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>The weight [out_features, in_features] (<c>linear.weight</c>).</summary>
    public Parameter Weight;

    /// <summary>The bias [out_features], or null when built with <c>bias: false</c> (<c>linear.bias</c>).</summary>
    public Parameter? Bias;

    /// <summary><c>nn.Linear(in_features, out_features, bias=True, device=None, dtype=None)</c>.</summary>
    public Linear(long inFeatures, long outFeatures, bool bias = true, Device? device = null, DType? dtype = null)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = new Parameter(Torch.Empty([outFeatures, inFeatures], dtype: dtype, device: device));
        this.Bias = bias ? new Parameter(Torch.Empty([outFeatures], dtype: dtype, device: device)) : null;
        ResetParameters();
    }

    /// <summary>Size of each input sample (<c>in_features</c>).</summary>
    public long InFeatures { get; }

    /// <summary>Size of each output sample (<c>out_features</c>).</summary>
    public long OutFeatures { get; }

    /// <summary>Re-draws the weight and bias as the constructor does (<c>reset_parameters()</c>).</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform_(Weight, a: Math.Sqrt(5));
        if (Bias is null) return;
        var (fanIn, _) = Init.CalculateFanInAndFanOut(Weight);
        var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        Init.Uniform_(Bias, -bound, bound);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Linear(input, Weight, Bias);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")}";
}

/// <summary>
/// y = x1ᵀ A x2 + b (<c>nn.Bilinear(in1_features, in2_features, out_features, bias=True)</c>); weight
/// [out, in1, in2] and bias [out] drawn from U(−1/√in1, 1/√in1).
/// </summary>
public sealed class Bilinear : Module<Tensor, Tensor, Tensor>
{
    /// <summary>The weight [out_features, in1_features, in2_features].</summary>
    public Parameter Weight;

    /// <summary>The bias [out_features], or null.</summary>
    public Parameter? Bias;

    /// <summary><c>nn.Bilinear(in1_features, in2_features, out_features, bias=True, device=None, dtype=None)</c>.</summary>
    public Bilinear(long in1Features, long in2Features, long outFeatures, bool bias = true, Device? device = null, DType? dtype = null)
    {
        In1Features = in1Features;
        In2Features = in2Features;
        OutFeatures = outFeatures;
        Weight = new Parameter(Torch.Empty([outFeatures, in1Features, in2Features], dtype: dtype, device: device));
        this.Bias = bias ? new Parameter(Torch.Empty([outFeatures], dtype: dtype, device: device)) : null;
        ResetParameters();
    }

    /// <summary>Size of each first input sample (<c>in1_features</c>).</summary>
    public long In1Features { get; }

    /// <summary>Size of each second input sample (<c>in2_features</c>).</summary>
    public long In2Features { get; }

    /// <summary>Size of each output sample (<c>out_features</c>).</summary>
    public long OutFeatures { get; }

    /// <summary>Re-draws the weight and bias from U(−1/√in1, 1/√in1) (<c>reset_parameters()</c>).</summary>
    public void ResetParameters()
    {
        var bound = 1 / Math.Sqrt(Weight.Size(1));
        Init.Uniform_(Weight, -bound, bound);
        if (Bias is not null) Init.Uniform_(Bias, -bound, bound);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.Bilinear(input1, input2, Weight, Bias);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"in1_features={In1Features}, in2_features={In2Features}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")}";
}

/// <summary>Flattens dims <c>start_dim</c>..<c>end_dim</c> into one (<c>nn.Flatten(start_dim=1, end_dim=-1)</c>).</summary>
public sealed class Flatten(long startDim = 1, long endDim = -1) : Module<Tensor, Tensor>
{
    /// <summary>First dim to flatten (<c>start_dim</c>).</summary>
    public long StartDim { get; } = startDim;

    /// <summary>Last dim to flatten (<c>end_dim</c>).</summary>
    public long EndDim { get; } = endDim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}

/// <summary>Expands one dim into several (<c>nn.Unflatten(dim, unflattened_size)</c>).</summary>
public sealed class Unflatten : Module<Tensor, Tensor>
{
    /// <summary><c>nn.Unflatten(dim, unflattened_size)</c>.</summary>
    public Unflatten(long dim, params long[] unflattenedSize)
    {
        Dim = dim;
        UnflattenedSize = (long[])unflattenedSize.Clone();
    }

    /// <summary>The dim to expand (<c>dim</c>).</summary>
    public long Dim { get; }

    /// <summary>The sizes it expands into (<c>unflattened_size</c>).</summary>
    public IReadOnlyList<long> UnflattenedSize { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Unflatten(Dim, [.. UnflattenedSize]);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"dim={Dim}, unflattened_size=({string.Join(", ", UnflattenedSize)}{(UnflattenedSize.Count == 1 ? "," : "")})";
}
