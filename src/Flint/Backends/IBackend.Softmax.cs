namespace Flint.Backends;

internal partial interface IBackend
{
    /// <summary>
    /// y = softmax(x) along <paramref name="dim"/>, or log_softmax when <paramref name="log"/>: each slice is shifted by
    /// its maximum, exponentiated and normalised in one fused pass per slice. x and y are contiguous, of one float
    /// dtype (float32 or float64) and the same shape.
    /// </summary>
    void Softmax(Tensor x, Tensor y, int dim, bool log);

    /// <summary>
    /// The input gradient of softmax, <c>y · (g − Σ g·y)</c>, or of log_softmax, <c>g − exp(y) · Σ g</c>, from the output
    /// gradient <paramref name="grad"/> and the forward output <paramref name="output"/>; all contiguous, one float dtype.
    /// </summary>
    void SoftmaxBackward(Tensor grad, Tensor output, Tensor gradInput, int dim, bool log);
}
