using Flint.Ops;

namespace Flint.NN;

public static partial class Functional
{
    private const double SeluAlphaDropout = 1.7580993408473766;

    private static void CheckDropoutP(double p)
    {
        if (p < 0.0 || p > 1.0) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {Py(p)}");
    }

    // PyTorch's _dropout_impl: the input itself when nothing is dropped, input · 0 when everything is, else the input
    // times a Bernoulli(1 − p) mask (per element, or per channel for feature dropout) scaled by 1/(1 − p); alpha dropout
    // keeps SELU's self-normalisation with an affine correction. The mask is drawn in element order from the default
    // generator, so a seeded program sees PyTorch's masks.
    private static Tensor DropoutImpl(Tensor input, double p, bool train, bool inplace, bool feature, bool alpha)
    {
        if (p == 0 || !train || input.Numel() == 0) return input;
        if (p == 1)
        {
            var zero = Torch.Zeros([], dtype: input.DType, device: input.Device);
            return inplace ? input.Mul_(zero) : input.Mul(zero);
        }
        Tensor noise;
        if (feature)
        {
            if (input.Dim() < 2)
                throw new ArgumentException("Feature dropout requires at least 2 dimensions in the input");
            var shape = new long[input.Dim()];
            Array.Fill(shape, 1);
            shape[0] = input.Size(0);
            shape[1] = input.Size(1);
            noise = Torch.Empty(shape, dtype: input.DType, device: input.Device);
        }
        else noise = Torch.Empty(input.Shape, dtype: input.DType, device: input.Device);
        noise.Bernoulli_(1 - p);
        if (!alpha)
        {
            noise.Div_(1 - p);
            return inplace ? input.Mul_(noise) : input.Mul(noise);
        }
        var a = 1.0 / Math.Sqrt((SeluAlphaDropout * SeluAlphaDropout * p + 1) * (1 - p));
        var b = noise.Add(-1).Mul_(SeluAlphaDropout * a).Add_(SeluAlphaDropout * a * p);
        noise.Mul_(a);
        return inplace ? input.Mul_(noise).Add_(b) : input.Mul(noise).Add(b);
    }

    /// <summary>
    /// Zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1 − p) while
    /// <paramref name="training"/> (<c>F.dropout(input, p, training, inplace)</c>); otherwise returns the input itself.
    /// </summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        CheckDropoutP(p);
        return DropoutImpl(input, p, training, inplace, feature: false, alpha: false);
    }

    /// <summary>
    /// Zeroes whole channels of a (N, C, L) or (C, L) input (<c>F.dropout1d(input, p, training, inplace)</c>).
    /// </summary>
    public static Tensor Dropout1d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        CheckDropoutP(p);
        var dim = input.Dim();
        if (dim is not (2 or 3))
            throw new ArgumentException($"dropout1d: Expected 2D or 3D input, but received a {dim}D input. Note that dropout1d exists to provide " +
                                        "channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch " +
                                        "dimension (i.e. 2D or 3D inputs).");
        return FeatureDropoutBatched(input, p, training, inplace, batched: dim == 3);
    }

    /// <summary>
    /// Zeroes whole channels (dim 1) of a (N, C, H, W) input (<c>F.dropout2d(input, p, training, inplace)</c>). As in
    /// PyTorch 1.13, a 3-D input is taken as (N, C, L).
    /// </summary>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        CheckDropoutP(p);
        return DropoutImpl(input, p, training, inplace, feature: true, alpha: false);
    }

    /// <summary>
    /// Zeroes whole channels of a (N, C, D, H, W) or (C, D, H, W) input (<c>F.dropout3d(input, p, training, inplace)</c>).
    /// </summary>
    public static Tensor Dropout3d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        CheckDropoutP(p);
        return FeatureDropoutBatched(input, p, training, inplace, batched: input.Dim() == 5);
    }

    // Feature dropout with an optional missing batch dim added for the call and removed after, as dropout1d/3d do.
    private static Tensor FeatureDropoutBatched(Tensor input, double p, bool training, bool inplace, bool batched)
    {
        if (batched) return DropoutImpl(input, p, training, inplace, feature: true, alpha: false);
        if (inplace)
        {
            DropoutImpl(input.Unsqueeze(0), p, training, true, feature: true, alpha: false);
            return input;
        }
        return DropoutImpl(input.Unsqueeze(0), p, training, false, feature: true, alpha: false).Squeeze(0);
    }

    /// <summary>
    /// Dropout that keeps the mean and variance of SELU activations (<c>F.alpha_dropout(input, p, training, inplace)</c>):
    /// dropped elements are set to SELU's negative saturation and the result is rescaled.
    /// </summary>
    public static Tensor AlphaDropout(Tensor input, double p = 0.5, bool training = false, bool inplace = false)
    {
        CheckDropoutP(p);
        return DropoutImpl(input, p, training, inplace, feature: false, alpha: true);
    }

    /// <summary>Alpha dropout of whole channels (<c>F.feature_alpha_dropout(input, p, training, inplace)</c>).</summary>
    public static Tensor FeatureAlphaDropout(Tensor input, double p = 0.5, bool training = false, bool inplace = false)
    {
        CheckDropoutP(p);
        return DropoutImpl(input, p, training, inplace, feature: true, alpha: true);
    }
}
