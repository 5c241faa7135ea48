namespace Flint.NN;

/// <summary>
/// A multi-layer gated recurrent unit RNN (<c>torch.nn.GRU</c>): r, z = σ(x W_i^T + b_i + h W_h^T + b_h),
/// n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)), h' = (1 - z) n + z h. Call it with a padded batch or a
/// <see cref="PackedSequence"/>: <c>var (output, hn) = gru.Call(x, h0);</c>.
/// </summary>
public sealed class GRU : RNNBase
{
    /// <summary>
    /// A GRU (<c>nn.GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0,
    /// bidirectional=False)</c>) with weights drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
    /// </summary>
    public GRU(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = false,
        double dropout = 0.0, bool bidirectional = false, Device? device = null, DType? dtype = null)
        : base("GRU", inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, 0, device, dtype)
    {
    }

    /// <summary>
    /// Runs the GRU over a padded batch from h0 (zeros when null) (<c>forward(input, hx)</c>); returns the last layer's
    /// output and the final hidden state of every layer and direction.
    /// </summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? hx = null) =>
        RnnModules.Forward(this, input, hx, (x, h) => Torch.Gru(x, h, FlatWeights, Bias, NumLayers, Dropout, Training, Bidirectional, BatchFirst));

    /// <summary>Runs the GRU over a packed batch (<c>forward(packed, hx)</c>).</summary>
    public (PackedSequence Output, Tensor H) Forward(PackedSequence input, Tensor? hx = null) =>
        RnnModules.Forward(this, input, hx, (x, bs, h) => Torch.Gru(x, bs, h, FlatWeights, Bias, NumLayers, Dropout, Training, Bidirectional));

    /// <summary>Runs forward hooks and <see cref="Forward(Tensor, Tensor?)"/> (<c>gru(input, hx)</c>).</summary>
    public (Tensor Output, Tensor H) Call(Tensor input, Tensor? hx = null) =>
        HasCallHooks ? Invoke([input, hx], a => Forward((Tensor)a[0]!, (Tensor?)a[1])) : Forward(input, hx);

    /// <summary>Runs forward hooks and the packed <see cref="Forward(PackedSequence, Tensor?)"/>.</summary>
    public (PackedSequence Output, Tensor H) Call(PackedSequence input, Tensor? hx = null) =>
        HasCallHooks ? Invoke([input, hx], a => Forward((PackedSequence)a[0]!, (Tensor?)a[1])) : Forward(input, hx);
}
