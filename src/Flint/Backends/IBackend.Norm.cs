namespace Flint.Backends;

internal partial interface IBackend
{
    /// <summary>
    /// Per-channel statistics of x viewed as [N, C, S] (contiguous, float32 or float64): the mean over N and S, rounded to
    /// x's dtype, and the biased variance about that rounded mean, both written as float64 into <paramref name="mean"/>
    /// and <paramref name="var"/> ([C]). Sums accumulate in float64, as PyTorch's CPU batch norm does. Batch norm uses C =
    /// channels; group and layer norm use N = 1 and C = rows. With a <paramref name="map"/> (batch norm in training) each
    /// channel is also mapped into map.Output as its statistics are done, while its rows are in cache.
    /// </summary>
    void NormStats(Tensor x, Tensor mean, Tensor var, ChannelMap? map = null);

    /// <summary>
    /// Per-channel sums over N and S of dy and of dy · (x − mean[c]) for dy and x viewed as [N, C, S] (contiguous, one
    /// float dtype); <paramref name="mean"/> ([C], float64) may be null for plain Σ dy · x. Results are float64 [C].
    /// </summary>
    void NormSums(Tensor dy, Tensor x, Tensor? mean, Tensor sumDy, Tensor sumDyX);

    /// <summary>
    /// y = a · ca[c] + b · cb[c] + cc[c] for a, b and y viewed as [N, C, S] (contiguous, one float dtype) and coefficient
    /// vectors [C] of the same dtype; <paramref name="b"/> and <paramref name="cb"/> may be null. y may be a.
    /// </summary>
    void ChannelAffine(Tensor a, Tensor? b, Tensor ca, Tensor? cb, Tensor cc, Tensor y);

    /// <summary>
    /// layer_norm over the rows of x [M, N] (contiguous, float32 or float64): mean[M], rstd[M] = 1/√(var + eps) and
    /// y = (x · rstd − mean · rstd) · weight + bias, weight and bias [N] optional.
    /// </summary>
    void LayerNorm(Tensor x, Tensor? weight, Tensor? bias, double eps, Tensor y, Tensor mean, Tensor rstd);

    /// <summary>
    /// The gradients of layer_norm from dy [M, N]: dx (same shape), dweight and dbias ([N]); each output may be null when
    /// not wanted. mean and rstd are the forward's.
    /// </summary>
    void LayerNormBackward(Tensor dy, Tensor x, Tensor mean, Tensor rstd, Tensor? weight, Tensor? dx, Tensor? dweight, Tensor? dbias);
}

/// <summary>
/// A per-channel map for <see cref="IBackend.NormStats"/>: Output = x · scale + shift (a product then a sum, in x's dtype),
/// with (scale, shift) from the channel's index, mean and variance as NormStats writes them.
/// </summary>
internal sealed record ChannelMap(Func<long, double, double, (double Scale, double Shift)> Coefficients, Tensor Output);
