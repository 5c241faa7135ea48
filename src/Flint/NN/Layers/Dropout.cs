using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>The common part of the dropout layers (<c>_DropoutNd</c>): the probability and the in-place flag.</summary>
public abstract class DropoutBase : Module<Tensor, Tensor>
{
    /// <summary>Checks <paramref name="p"/> as PyTorch does.</summary>
    protected DropoutBase(double p, bool inplace)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {F.Py(p)}");
        P = p;
        Inplace = inplace;
    }

    /// <summary>Probability of an element (or channel) being zeroed (<c>p</c>).</summary>
    public double P { get; }

    /// <summary>Whether the input is overwritten (<c>inplace</c>).</summary>
    public bool Inplace { get; }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"p={F.Py(P)}, inplace={ActivationRepr.Bool(Inplace)}";
}

/// <summary>
/// Zeroes elements with probability p and scales the rest by 1/(1 − p) in training; the identity after <c>Eval()</c>
/// (<c>nn.Dropout(p=0.5, inplace=False)</c>).
/// </summary>
public sealed class Dropout(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout(input, P, Training, Inplace);
}

/// <summary>Zeroes whole channels of (N, C, L) input in training (<c>nn.Dropout1d(p=0.5, inplace=False)</c>).</summary>
public sealed class Dropout1d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout1d(input, P, Training, Inplace);
}

/// <summary>Zeroes whole channels of (N, C, H, W) input in training (<c>nn.Dropout2d(p=0.5, inplace=False)</c>).</summary>
public sealed class Dropout2d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout2d(input, P, Training, Inplace);
}

/// <summary>Zeroes whole channels of (N, C, D, H, W) input in training (<c>nn.Dropout3d(p=0.5, inplace=False)</c>).</summary>
public sealed class Dropout3d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout3d(input, P, Training, Inplace);
}

/// <summary>
/// Dropout that keeps SELU's self-normalisation, active in training (<c>nn.AlphaDropout(p=0.5, inplace=False)</c>).
/// As in PyTorch the forward never works in place.
/// </summary>
public sealed class AlphaDropout(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AlphaDropout(input, P, Training);
}

/// <summary>Alpha dropout of whole channels (<c>nn.FeatureAlphaDropout(p=0.5, inplace=False)</c>).</summary>
public sealed class FeatureAlphaDropout(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.FeatureAlphaDropout(input, P, Training);
}
