namespace Flint.Backends;

internal partial interface IBackend
{
    /// <summary>
    /// One LSTM step for <c>n</c> rows, in one pass: <paramref name="gates"/> [n, 4H] holds the pre-activations
    /// (i|f|g|o, input and hidden products and both biases summed) and is overwritten with the activations
    /// (sigmoid, sigmoid, tanh, sigmoid); then <c>c = f * cPrev + i * g</c> and <c>h = o * tanh(c)</c>.
    /// All operands are 2-D of one float dtype with unit column stride (rows may be strided).
    /// </summary>
    void LstmCell(Tensor gates, Tensor cPrev, Tensor c, Tensor h);

    /// <summary>
    /// The backward of <see cref="LstmCell"/> from its activated <paramref name="gates"/>, <paramref name="cPrev"/> and
    /// <paramref name="c"/>: given the gradients of h (<paramref name="dh"/>) and of c from later steps
    /// (<paramref name="dc"/>), writes the pre-activation gradients [n, 4H] and the gradient of cPrev.
    /// </summary>
    void LstmCellBackward(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates, Tensor dcPrev);

    /// <summary>
    /// One GRU step: <paramref name="inputGates"/> [n, 3H] = x W_ih^T + b_ih (r|z|n) and
    /// <paramref name="hiddenGates"/> [n, 3H] = hPrev W_hh^T, to which <paramref name="hiddenBias"/> (b_hh, or null)
    /// is added in place; <c>r, z = sigmoid</c>, <c>n = tanh(in + r * hn)</c>, <c>h = (1 - z) * n + z * hPrev</c>.
    /// The activations r|z|n go to <paramref name="gates"/> [n, 3H] for the backward.
    /// </summary>
    void GruCell(Tensor inputGates, Tensor hiddenGates, Tensor? hiddenBias, Tensor hPrev, Tensor gates, Tensor h);

    /// <summary>
    /// The backward of <see cref="GruCell"/>: from the activations, the biased hidden products and hPrev, and the
    /// gradient of h, writes the gradients of the input products [n, 3H], of the hidden products [n, 3H] and the
    /// direct part <c>dh * z</c> of hPrev's gradient (the caller adds the part through W_hh).
    /// </summary>
    void GruCellBackward(Tensor gates, Tensor hiddenGates, Tensor hPrev, Tensor dh, Tensor dInputGates,
        Tensor dHiddenGates, Tensor dhPrev);

    /// <summary>One Elman RNN step: <c>h = tanh(pre)</c>, or <c>relu(pre)</c> when <paramref name="relu"/>.</summary>
    void RnnCell(Tensor pre, Tensor h, bool relu);

    /// <summary>The backward of <see cref="RnnCell"/> from its output: <c>dPre = dh * act'(h)</c>.</summary>
    void RnnCellBackward(Tensor h, Tensor dh, Tensor dPre, bool relu);
}
