using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint;

public static partial class Torch
{
    /// <summary>
    /// A multi-layer LSTM over a padded batch (<c>torch.lstm(input, hx, params, has_biases, num_layers, dropout, train,
    /// bidirectional, batch_first)</c>, what <c>nn.LSTM</c> calls). <paramref name="hx"/> is (h0, c0) of shapes
    /// [layers * directions, B, H_out] and [layers * directions, B, H]; <paramref name="params"/> holds per layer and
    /// direction w_ih, w_hh, then b_ih, b_hh when <paramref name="hasBiases"/>, then w_hr when projecting.
    /// Returns the last layer's output and the final hidden and cell states.
    /// </summary>
    public static (Tensor Output, Tensor HN, Tensor CN) Lstm(Tensor input, (Tensor H, Tensor C) hx, IReadOnlyList<Tensor> @params,
        bool hasBiases, long numLayers, double dropout, bool train, bool bidirectional, bool batchFirst)
    {
        var (o, h, c) = RnnStack.Padded(RnnMode.Lstm, input, hx.H, hx.C, @params, hasBiases, numLayers, dropout, train, bidirectional, batchFirst);
        return (o, h, c!);
    }

    /// <summary>A multi-layer LSTM over packed data (<c>torch.lstm(data, batch_sizes, hx, params, ...)</c>).</summary>
    public static (Tensor Output, Tensor HN, Tensor CN) Lstm(Tensor data, Tensor batchSizes, (Tensor H, Tensor C) hx,
        IReadOnlyList<Tensor> @params, bool hasBiases, long numLayers, double dropout, bool train, bool bidirectional)
    {
        var (o, h, c) = RnnStack.Packed(RnnMode.Lstm, data, batchSizes, hx.H, hx.C, @params, hasBiases, numLayers, dropout, train, bidirectional);
        return (o, h, c!);
    }

    /// <summary>A multi-layer GRU over a padded batch (<c>torch.gru(input, hx, params, ...)</c>, what <c>nn.GRU</c> calls).</summary>
    public static (Tensor Output, Tensor HN) Gru(Tensor input, Tensor hx, IReadOnlyList<Tensor> @params, bool hasBiases,
        long numLayers, double dropout, bool train, bool bidirectional, bool batchFirst)
    {
        var (o, h, _) = RnnStack.Padded(RnnMode.Gru, input, hx, null, @params, hasBiases, numLayers, dropout, train, bidirectional, batchFirst);
        return (o, h);
    }

    /// <summary>A multi-layer GRU over packed data (<c>torch.gru(data, batch_sizes, hx, params, ...)</c>).</summary>
    public static (Tensor Output, Tensor HN) Gru(Tensor data, Tensor batchSizes, Tensor hx, IReadOnlyList<Tensor> @params,
        bool hasBiases, long numLayers, double dropout, bool train, bool bidirectional)
    {
        var (o, h, _) = RnnStack.Packed(RnnMode.Gru, data, batchSizes, hx, null, @params, hasBiases, numLayers, dropout, train, bidirectional);
        return (o, h);
    }

    /// <summary>A multi-layer Elman RNN with tanh over a padded batch (<c>torch.rnn_tanh(input, hx, params, ...)</c>).</summary>
    public static (Tensor Output, Tensor HN) RnnTanh(Tensor input, Tensor hx, IReadOnlyList<Tensor> @params, bool hasBiases,
        long numLayers, double dropout, bool train, bool bidirectional, bool batchFirst)
    {
        var (o, h, _) = RnnStack.Padded(RnnMode.RnnTanh, input, hx, null, @params, hasBiases, numLayers, dropout, train, bidirectional, batchFirst);
        return (o, h);
    }

    /// <summary>A multi-layer Elman RNN with tanh over packed data (<c>torch.rnn_tanh(data, batch_sizes, hx, ...)</c>).</summary>
    public static (Tensor Output, Tensor HN) RnnTanh(Tensor data, Tensor batchSizes, Tensor hx, IReadOnlyList<Tensor> @params,
        bool hasBiases, long numLayers, double dropout, bool train, bool bidirectional)
    {
        var (o, h, _) = RnnStack.Packed(RnnMode.RnnTanh, data, batchSizes, hx, null, @params, hasBiases, numLayers, dropout, train, bidirectional);
        return (o, h);
    }

    /// <summary>A multi-layer Elman RNN with ReLU over a padded batch (<c>torch.rnn_relu(input, hx, params, ...)</c>).</summary>
    public static (Tensor Output, Tensor HN) RnnRelu(Tensor input, Tensor hx, IReadOnlyList<Tensor> @params, bool hasBiases,
        long numLayers, double dropout, bool train, bool bidirectional, bool batchFirst)
    {
        var (o, h, _) = RnnStack.Padded(RnnMode.RnnRelu, input, hx, null, @params, hasBiases, numLayers, dropout, train, bidirectional, batchFirst);
        return (o, h);
    }

    /// <summary>A multi-layer Elman RNN with ReLU over packed data (<c>torch.rnn_relu(data, batch_sizes, hx, ...)</c>).</summary>
    public static (Tensor Output, Tensor HN) RnnRelu(Tensor data, Tensor batchSizes, Tensor hx, IReadOnlyList<Tensor> @params,
        bool hasBiases, long numLayers, double dropout, bool train, bool bidirectional)
    {
        var (o, h, _) = RnnStack.Packed(RnnMode.RnnRelu, data, batchSizes, hx, null, @params, hasBiases, numLayers, dropout, train, bidirectional);
        return (o, h);
    }

    /// <summary>
    /// One LSTM step (<c>torch.lstm_cell(input, hx, w_ih, w_hh, b_ih, b_hh)</c>): input [B, I], hx = (h, c) of
    /// [B, H]; returns (h', c').
    /// </summary>
    public static (Tensor H, Tensor C) LstmCell(Tensor input, (Tensor H, Tensor C) hx, Tensor wIh, Tensor wHh, Tensor? bIh = null, Tensor? bHh = null)
    {
        var w = RnnStack.CellWeights(input, hx.H, wIh, wHh, bIh, bHh, 4);
        var (h, c) = RnnLayer.Cell(RnnMode.Lstm, CellInput(input, w), hx.H, hx.C, w);
        return (h, c!);
    }

    /// <summary>One GRU step (<c>torch.gru_cell(input, hx, w_ih, w_hh, b_ih, b_hh)</c>).</summary>
    public static Tensor GruCell(Tensor input, Tensor hx, Tensor wIh, Tensor wHh, Tensor? bIh = null, Tensor? bHh = null)
    {
        var w = RnnStack.CellWeights(input, hx, wIh, wHh, bIh, bHh, 3);
        return RnnLayer.Cell(RnnMode.Gru, CellInput(input, w), hx, null, w).H;
    }

    /// <summary>One Elman step with tanh (<c>torch.rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih, b_hh)</c>).</summary>
    public static Tensor RnnTanhCell(Tensor input, Tensor hx, Tensor wIh, Tensor wHh, Tensor? bIh = null, Tensor? bHh = null)
    {
        var w = RnnStack.CellWeights(input, hx, wIh, wHh, bIh, bHh, 1);
        return RnnLayer.Cell(RnnMode.RnnTanh, CellInput(input, w), hx, null, w).H;
    }

    /// <summary>One Elman step with ReLU (<c>torch.rnn_relu_cell(input, hx, w_ih, w_hh, b_ih, b_hh)</c>).</summary>
    public static Tensor RnnReluCell(Tensor input, Tensor hx, Tensor wIh, Tensor wHh, Tensor? bIh = null, Tensor? bHh = null)
    {
        var w = RnnStack.CellWeights(input, hx, wIh, wHh, bIh, bHh, 1);
        return RnnLayer.Cell(RnnMode.RnnRelu, CellInput(input, w), hx, null, w).H;
    }

    private static Tensor CellInput(Tensor input, RnnWeights w) => F.Linear(input, w.WIh, w.BIh);
}

/// <summary>Stacks recurrent layers and directions (ATen's <c>_rnn_impl</c>): checks, splits the weights, runs each layer.</summary>
internal static class RnnStack
{
    public static (Tensor Output, Tensor H, Tensor? C) Padded(RnnMode mode, Tensor input, Tensor hx, Tensor? cx,
        IReadOnlyList<Tensor> @params, bool hasBiases, long numLayers, double dropout, bool train, bool bidirectional, bool batchFirst)
    {
        if (input.Dim() != 3) throw new ArgumentException($"input must have 3 dimensions, got {input.Dim()}");
        var x = batchFirst ? input.Transpose(0, 1) : input;
        long steps = x.shape[0], batch = x.shape[1];
        if (steps == 0) throw new ArgumentException("Expected sequence length to be larger than 0 in RNN");
        var bs = new long[steps];
        Array.Fill(bs, batch);
        var data = x.Reshape(steps * batch, x.shape[2]);
        var (o, h, c) = Run(mode, data, new RnnSteps(bs), hx, cx, @params, hasBiases, numLayers, dropout, train, bidirectional);
        var output = o.View(steps, batch, o.shape[1]);
        return (batchFirst ? output.Transpose(0, 1) : output, h, c);
    }

    public static (Tensor Output, Tensor H, Tensor? C) Packed(RnnMode mode, Tensor data, Tensor batchSizes, Tensor hx, Tensor? cx,
        IReadOnlyList<Tensor> @params, bool hasBiases, long numLayers, double dropout, bool train, bool bidirectional)
    {
        if (data.Dim() != 2) throw new ArgumentException($"input must have 2 dimensions, got {data.Dim()}");
        var bs = BatchSizes(batchSizes);
        var s = new RnnSteps(bs);
        if (s.Rows != data.shape[0])
            throw new ArgumentException($"the batch sizes add up to {s.Rows} but the packed data has {data.shape[0]} rows");
        return Run(mode, data, s, hx, cx, @params, hasBiases, numLayers, dropout, train, bidirectional);
    }

    /// <summary>The batch sizes of a packed sequence as numbers: 1-D int64 on the CPU, positive and non-increasing.</summary>
    internal static long[] BatchSizes(Tensor batchSizes)
    {
        if (batchSizes.Dim() != 1 || !batchSizes.Device.IsCpu || batchSizes.DType != DType.Int64)
            throw new ArgumentException(
                $"batch_sizes should be a 1D CPU int64 tensor, but got {batchSizes.Dim()}D {batchSizes.Device} {batchSizes.DType.TorchName()} tensor");
        var bs = batchSizes.ToArray<long>();
        if (bs.Length == 0) throw new ArgumentException("Expected sequence length to be larger than 0 in RNN");
        for (int t = 0; t < bs.Length; t++)
            if (bs[t] <= 0 || (t > 0 && bs[t] > bs[t - 1]))
                throw new ArgumentException("batch_sizes must be positive and non-increasing");
        return bs;
    }

    private static (Tensor Output, Tensor H, Tensor? C) Run(RnnMode mode, Tensor data, RnnSteps s, Tensor hx, Tensor? cx,
        IReadOnlyList<Tensor> @params, bool hasBiases, long numLayers, double dropout, bool train, bool bidirectional)
    {
        int dirs = bidirectional ? 2 : 1;
        bool proj = cx is not null && hx.Dim() == 3 && cx.Dim() == 3 && hx.shape[2] != cx.shape[2];
        int per = 2 + (hasBiases ? 2 : 0) + (proj ? 1 : 0);
        if (@params.Count != per * numLayers * dirs)
            throw new ArgumentException(
                $"expected {per * numLayers * dirs} parameters ({numLayers} layers, {dirs} directions, {per} each), got {@params.Count}");
        var layerInput = data;
        var hs = new List<Tensor>();
        var cs = new List<Tensor>();
        for (int l = 0; l < numLayers; l++)
        {
            var outs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++)
            {
                int idx = l * dirs + d, p = idx * per;
                var w = new RnnWeights(@params[p], @params[p + 1], hasBiases ? @params[p + 2] : null, hasBiases ? @params[p + 3] : null,
                    proj ? @params[p + per - 1] : null);
                var (o, h, c) = RnnLayer.Run(mode, layerInput, s, d == 1, hx[idx], cx?[idx], w);
                outs[d] = o;
                hs.Add(h);
                if (c is not null) cs.Add(c);
            }
            layerInput = dirs == 1 ? outs[0] : Torch.Cat(outs, 1);
            if (dropout != 0 && train && l < numLayers - 1) layerInput = F.Dropout(layerInput, dropout, true);
        }
        return (layerInput, Torch.Stack(hs), cx is null ? null : Torch.Stack(cs));
    }

    /// <summary>Checks a cell's operands as ATen's <c>check_rnn_cell_forward_*</c> and gathers its weights.</summary>
    internal static RnnWeights CellWeights(Tensor input, Tensor hx, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh, int chunks)
    {
        if (input.shape[^1] != wIh.shape[1])
            throw new ArgumentException($"input has inconsistent input_size: got {input.shape[^1]} expected {wIh.shape[1]}");
        if (input.shape[0] != hx.shape[0])
            throw new ArgumentException($"Input batch size {input.shape[0]} doesn't match hidden0 batch size {hx.shape[0]}");
        if (hx.shape[^1] != wHh.shape[1])
            throw new ArgumentException($"hidden0 has inconsistent hidden_size: got {hx.shape[^1]}, expected {wHh.shape[1]}");
        if (wIh.shape[0] != chunks * wHh.shape[1])
            throw new ArgumentException($"expected w_ih of {chunks * wHh.shape[1]} rows, got {wIh.shape[0]}");
        return new RnnWeights(wIh, wHh, bIh, bHh, null);
    }
}
