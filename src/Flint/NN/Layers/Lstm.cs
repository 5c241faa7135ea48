namespace Flint.NN;

/// <summary>
/// A multi-layer long short-term memory RNN (<c>torch.nn.LSTM</c>):
/// i, f, g, o = σ, σ, tanh, σ of (x W_ih^T + b_ih + h W_hh^T + b_hh); c' = f c + i g; h' = o tanh(c'), projected by
/// W_hr when <c>projSize</c> &gt; 0. Call it with a padded batch or a <see cref="PackedSequence"/>:
/// <c>var (output, (hn, cn)) = lstm.Call(x, (h0, c0));</c>.
/// </summary>
public sealed class LSTM : RNNBase
{
    /// <summary>
    /// An LSTM (<c>nn.LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0,
    /// bidirectional=False, proj_size=0)</c>) with weights drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
    /// </summary>
    public LSTM(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = false,
        double dropout = 0.0, bool bidirectional = false, long projSize = 0, Device? device = null, DType? dtype = null)
        : base("LSTM", inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize, device, dtype)
    {
    }

    /// <summary>
    /// Runs the LSTM over a padded batch [L, N, H_in] ([N, L, H_in] with batch_first, or [L, H_in] unbatched) from
    /// (h0, c0), zeros when null (<c>forward(input, hx)</c>); returns the last layer's output [L, N, D * H_out] and the
    /// final (h_n, c_n) of every layer and direction.
    /// </summary>
    public (Tensor Output, (Tensor H, Tensor C) Hidden) Forward(Tensor input, (Tensor H, Tensor C)? hx = null)
    {
        bool batched = input.Dim() == 3;
        int batchDim = BatchFirst ? 0 : 1;
        if (!batched) input = input.Unsqueeze(batchDim);
        Tensor h0, c0;
        if (hx is { } given)
        {
            (h0, c0) = given;
            if (batched && (h0.Dim() != 3 || c0.Dim() != 3))
                throw new ArgumentException(
                    $"For batched 3-D input, hx and cx should also be 3-D but got ({h0.Dim()}-D, {c0.Dim()}-D) tensors");
            if (!batched)
            {
                if (h0.Dim() != 2 || c0.Dim() != 2)
                    throw new ArgumentException(
                        $"For unbatched 2-D input, hx and cx should also be 2-D but got ({h0.Dim()}-D, {c0.Dim()}-D) tensors");
                h0 = h0.Unsqueeze(1);
                c0 = c0.Unsqueeze(1);
            }
        }
        else
        {
            long batch = input.Dim() > batchDim ? input.Size(batchDim) : 0;
            h0 = ZeroState(input, batch, RealHiddenSize);
            c0 = ZeroState(input, batch, HiddenSize);
        }
        CheckForwardArgs(input, h0, c0, null);
        var (output, hn, cn) = Torch.Lstm(input, (h0, c0), FlatWeights, Bias, NumLayers, Dropout, Training, Bidirectional, BatchFirst);
        if (!batched) return (output.Squeeze(batchDim), (hn.Squeeze(1), cn.Squeeze(1)));
        return (output, (hn, cn));
    }

    /// <summary>
    /// Runs the LSTM over a packed batch (<c>forward(packed, hx)</c>); the output is packed the same way and the final
    /// states are in the caller's batch order.
    /// </summary>
    public (PackedSequence Output, (Tensor H, Tensor C) Hidden) Forward(PackedSequence input, (Tensor H, Tensor C)? hx = null)
    {
        var data = input.Data;
        long batch = MiniBatch(data, input);
        Tensor h0, c0;
        if (hx is { } given) (h0, c0) = (Permute(given.H, input.SortedIndices), Permute(given.C, input.SortedIndices));
        else
        {
            h0 = ZeroState(data, batch, RealHiddenSize);
            c0 = ZeroState(data, batch, HiddenSize);
        }
        CheckForwardArgs(data, h0, c0, input);
        var (output, hn, cn) = Torch.Lstm(data, input.BatchSizes, (h0, c0), FlatWeights, Bias, NumLayers, Dropout, Training, Bidirectional);
        return (new PackedSequence(output, input.BatchSizes, input.SortedIndices, input.UnsortedIndices),
            (Permute(hn, input.UnsortedIndices), Permute(cn, input.UnsortedIndices)));
    }

    /// <summary>Runs forward hooks and <see cref="Forward(Tensor, ValueTuple{Tensor, Tensor}?)"/> (<c>lstm(input, hx)</c>).</summary>
    public (Tensor Output, (Tensor H, Tensor C) Hidden) Call(Tensor input, (Tensor H, Tensor C)? hx = null) =>
        HasCallHooks ? Invoke([input, hx], a => Forward((Tensor)a[0]!, ((Tensor, Tensor)?)a[1])) : Forward(input, hx);

    /// <summary>Runs forward hooks and the packed <see cref="Forward(PackedSequence, ValueTuple{Tensor, Tensor}?)"/>.</summary>
    public (PackedSequence Output, (Tensor H, Tensor C) Hidden) Call(PackedSequence input, (Tensor H, Tensor C)? hx = null) =>
        HasCallHooks ? Invoke([input, hx], a => Forward((PackedSequence)a[0]!, ((Tensor, Tensor)?)a[1])) : Forward(input, hx);

    private void CheckForwardArgs(Tensor input, Tensor h0, Tensor c0, PackedSequence? packed)
    {
        CheckInput(input, packed is not null);
        long batch = MiniBatch(input, packed);
        CheckHiddenSize(h0, [NumLayers * NumDirections, batch, RealHiddenSize], "hidden[0]");
        CheckHiddenSize(c0, [NumLayers * NumDirections, batch, HiddenSize], "hidden[1]");
    }
}
