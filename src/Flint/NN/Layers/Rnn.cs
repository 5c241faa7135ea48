namespace Flint.NN;

/// <summary>
/// A multi-layer Elman RNN (<c>torch.nn.RNN</c>): h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh), or ReLU with
/// <c>nonlinearity: "relu"</c>. Call it with a padded batch or a <see cref="PackedSequence"/>:
/// <c>var (output, hn) = rnn.Call(x, h0);</c>.
/// </summary>
public sealed class RNN : RNNBase
{
    /// <summary>
    /// An Elman RNN (<c>nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    /// batch_first=False, dropout=0, bidirectional=False)</c>) with weights drawn from
    /// U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
    /// </summary>
    public RNN(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = false,
        double dropout = 0.0, bool bidirectional = false, string nonlinearity = "tanh", Device? device = null, DType? dtype = null)
        : base(ModeOf(nonlinearity), inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, 0, device, dtype)
    {
        Nonlinearity = nonlinearity;
    }

    private static string ModeOf(string nonlinearity) => nonlinearity switch
    {
        "tanh" => "RNN_TANH",
        "relu" => "RNN_RELU",
        _ => throw new ArgumentException($"Unknown nonlinearity '{nonlinearity}'"),
    };

    /// <summary>"tanh" or "relu" (<c>nonlinearity</c>).</summary>
    public string Nonlinearity { get; }

    /// <summary>
    /// Runs the RNN over a padded batch from h0 (zeros when null) (<c>forward(input, hx)</c>); returns the last layer's
    /// output and the final hidden state of every layer and direction.
    /// </summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? hx = null) =>
        RnnModules.Forward(this, input, hx, (x, h) => Mode == "RNN_TANH"
            ? Torch.RnnTanh(x, h, FlatWeights, Bias, NumLayers, Dropout, Training, Bidirectional, BatchFirst)
            : Torch.RnnRelu(x, h, FlatWeights, Bias, NumLayers, Dropout, Training, Bidirectional, BatchFirst));

    /// <summary>Runs the RNN over a packed batch (<c>forward(packed, hx)</c>).</summary>
    public (PackedSequence Output, Tensor H) Forward(PackedSequence input, Tensor? hx = null) =>
        RnnModules.Forward(this, input, hx, (x, bs, h) => Mode == "RNN_TANH"
            ? Torch.RnnTanh(x, bs, h, FlatWeights, Bias, NumLayers, Dropout, Training, Bidirectional)
            : Torch.RnnRelu(x, bs, h, FlatWeights, Bias, NumLayers, Dropout, Training, Bidirectional));

    /// <summary>Runs forward hooks and <see cref="Forward(Tensor, Tensor?)"/> (<c>rnn(input, hx)</c>).</summary>
    public (Tensor Output, Tensor H) Call(Tensor input, Tensor? hx = null) =>
        HasCallHooks ? Invoke([input, hx], a => Forward((Tensor)a[0]!, (Tensor?)a[1])) : Forward(input, hx);

    /// <summary>Runs forward hooks and the packed <see cref="Forward(PackedSequence, Tensor?)"/>.</summary>
    public (PackedSequence Output, Tensor H) Call(PackedSequence input, Tensor? hx = null) =>
        HasCallHooks ? Invoke([input, hx], a => Forward((PackedSequence)a[0]!, (Tensor?)a[1])) : Forward(input, hx);
}

/// <summary>The forward of the one-state layers (RNN, GRU) as PyTorch's: batching, zero state, checks, permutation.</summary>
internal static class RnnModules
{
    public static (Tensor, Tensor) Forward(RNNBase m, Tensor input, Tensor? hx, Func<Tensor, Tensor, (Tensor, Tensor)> run)
    {
        bool batched = input.Dim() == 3;
        int batchDim = m.BatchFirst ? 0 : 1;
        if (!batched)
        {
            input = input.Unsqueeze(batchDim);
            if (hx is not null)
            {
                if (hx.Dim() != 2)
                    throw new ArgumentException($"For unbatched 2-D input, hx should also be 2-D but got {hx.Dim()}-D tensor");
                hx = hx.Unsqueeze(1);
            }
        }
        else if (hx is not null && hx.Dim() != 3)
            throw new ArgumentException($"For batched 3-D input, hx should also be 3-D but got {hx.Dim()}-D tensor");
        hx ??= m.ZeroStateFor(input, input.Dim() > batchDim ? input.Size(batchDim) : 0);
        m.CheckArgs(input, hx, null);
        var (output, hn) = run(input, hx);
        return batched ? (output, hn) : (output.Squeeze(batchDim), hn.Squeeze(1));
    }

    public static (PackedSequence, Tensor) Forward(RNNBase m, PackedSequence input, Tensor? hx, Func<Tensor, Tensor, Tensor, (Tensor, Tensor)> run)
    {
        var data = input.Data;
        hx = hx is null ? m.ZeroStateFor(data, m.BatchOf(data, input)) : hx.IndexSelectIf(input.SortedIndices);
        m.CheckArgs(data, hx, input);
        var (output, hn) = run(data, input.BatchSizes, hx);
        return (new PackedSequence(output, input.BatchSizes, input.SortedIndices, input.UnsortedIndices), hn.IndexSelectIf(input.UnsortedIndices));
    }

    private static Tensor IndexSelectIf(this Tensor t, Tensor? permutation) => permutation is null ? t : t.IndexSelect(1, permutation);
}
