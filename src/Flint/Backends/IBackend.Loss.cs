namespace Flint.Backends;

/// <summary>
/// The layout of a CTC problem, read once on the host: each sequence's input and target length and where its
/// targets start in the (padded or concatenated) target tensor.
/// </summary>
internal sealed record CtcLayout(long[] InputLengths, long[] TargetLengths, long[] TargetOffsets, long TargetStride,
    long MaxTargetLength, long Blank);

/// <summary>Loss kernels whose recursions have no form in elementwise ops (the ones PyTorch writes as loops).</summary>
internal partial interface IBackend
{
    /// <summary>
    /// multilabel_margin_loss over frames: input and target contiguous (N, C), the target int64 class lists ended by
    /// -1. Writes each frame's Σ_j Σ_{d not a target} max(0, 1 - x[t_j] + x[d]) / C into <paramref name="loss"/> (N);
    /// with <paramref name="gradient"/> (N, C) also d loss[n] / d x[n, :].
    /// </summary>
    void MultilabelMarginLoss(Tensor input, Tensor target, Tensor loss, Tensor? gradient);

    /// <summary>
    /// CTC forward (the alpha recursion in log space): log_probs contiguous (T, N, C) float, targets contiguous int64.
    /// Writes the negative log likelihood (N) and log alpha (N, T, 2·maxTargetLength + 1).
    /// </summary>
    void CtcLoss(Tensor logProbs, Tensor targets, CtcLayout layout, Tensor negLogLikelihood, Tensor logAlpha);

    /// <summary>
    /// CTC backward (the beta recursion): the gradient (T, N, C) of the losses scaled by <paramref name="gradOut"/> (N)
    /// with respect to the activations before log_softmax, as PyTorch's kernel returns it; sequences with an infinite
    /// loss get zeros when <paramref name="zeroInfinity"/>.
    /// </summary>
    void CtcLossBackward(Tensor gradOut, Tensor logProbs, Tensor targets, CtcLayout layout, Tensor negLogLikelihood,
        Tensor logAlpha, bool zeroInfinity, Tensor grad);
}
