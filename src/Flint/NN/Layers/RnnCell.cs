namespace Flint.NN;

/// <summary>
/// The common part of <see cref="RNNCell"/>, <see cref="LSTMCell"/> and <see cref="GRUCell"/>
/// (<c>torch.nn.RNNCellBase</c>): the weights <c>weight_ih</c> [chunks * hidden, input], <c>weight_hh</c>
/// [chunks * hidden, hidden] and, with bias, <c>bias_ih</c> and <c>bias_hh</c>, drawn from
/// U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
/// </summary>
public abstract class RNNCellBase : Module
{
    /// <summary>The input-hidden weights [chunks * hidden, input] (<c>weight_ih</c>).</summary>
    public Parameter WeightIh;

    /// <summary>The hidden-hidden weights [chunks * hidden, hidden] (<c>weight_hh</c>).</summary>
    public Parameter WeightHh;

    /// <summary>The input-hidden bias, or null without bias (<c>bias_ih</c>).</summary>
    public Parameter? BiasIh;

    /// <summary>The hidden-hidden bias, or null without bias (<c>bias_hh</c>).</summary>
    public Parameter? BiasHh;

    /// <summary>Features of the input (<c>input_size</c>).</summary>
    public long InputSize { get; }

    /// <summary>Features of the hidden state (<c>hidden_size</c>).</summary>
    public long HiddenSize { get; }

    /// <summary>Whether the cell has the biases (<c>bias</c>).</summary>
    public bool Bias { get; }

    internal RNNCellBase(long inputSize, long hiddenSize, bool bias, int numChunks, Device? device, DType? dtype)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        Bias = bias;
        WeightIh = new Parameter(Torch.Empty(new Size(numChunks * hiddenSize, inputSize), dtype, device));
        WeightHh = new Parameter(Torch.Empty(new Size(numChunks * hiddenSize, hiddenSize), dtype, device));
        if (bias)
        {
            BiasIh = new Parameter(Torch.Empty(new Size(numChunks * hiddenSize), dtype, device));
            BiasHh = new Parameter(Torch.Empty(new Size(numChunks * hiddenSize), dtype, device));
        }
        ResetParameters();
    }

    /// <summary>Redraws every weight from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in order (<c>reset_parameters()</c>).</summary>
    public void ResetParameters()
    {
        double stdv = HiddenSize > 0 ? 1.0 / Math.Sqrt(HiddenSize) : 0;
        foreach (var w in Parameters()) Init.Uniform_(w, -stdv, stdv);
    }

    /// <summary>Prints the sizes, and bias/nonlinearity when not the default, as PyTorch's <c>extra_repr</c>.</summary>
    public override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (Bias ? "" : ", bias=False");

    /// <summary>Checks the input's rank (1-D unbatched or 2-D) and adds the batch dim to an unbatched one.</summary>
    internal Tensor Batched(Tensor input, out bool batched)
    {
        if (input.Dim() is not (1 or 2))
            throw new ArgumentException($"{GetName()}: Expected input to be 1-D or 2-D but received {input.Dim()}-D tensor");
        batched = input.Dim() == 2;
        return batched ? input : input.Unsqueeze(0);
    }

    /// <summary>A zero state [batch, hidden] like the input.</summary>
    internal Tensor Zeros(Tensor input) => Torch.Zeros(new Size(input.Size(0), HiddenSize), input.DType, input.Device);
}

/// <summary>
/// An Elman RNN cell (<c>torch.nn.RNNCell</c>): h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh), or ReLU.
/// </summary>
public sealed class RNNCell : RNNCellBase
{
    /// <summary>An RNN cell (<c>nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')</c>).</summary>
    public RNNCell(long inputSize, long hiddenSize, bool bias = true, string nonlinearity = "tanh", Device? device = null, DType? dtype = null)
        : base(inputSize, hiddenSize, bias, 1, device, dtype)
    {
        Nonlinearity = nonlinearity;
    }

    /// <summary>"tanh" or "relu" (<c>nonlinearity</c>).</summary>
    public string Nonlinearity { get; }

    /// <summary>The next hidden state from input [N, H_in] (or [H_in]) and hx (zeros when null) (<c>forward(input, hx)</c>).</summary>
    public Tensor Forward(Tensor input, Tensor? hx = null)
    {
        var x = Batched(input, out bool batched);
        var h = hx is null ? Zeros(x) : batched ? hx : hx.Unsqueeze(0);
        var ret = Nonlinearity switch
        {
            "tanh" => Torch.RnnTanhCell(x, h, WeightIh, WeightHh, BiasIh, BiasHh),
            "relu" => Torch.RnnReluCell(x, h, WeightIh, WeightHh, BiasIh, BiasHh),
            _ => throw new ArgumentException($"Unknown nonlinearity: {Nonlinearity}"),
        };
        return batched ? ret : ret.Squeeze(0);
    }

    /// <summary>Runs forward hooks and <see cref="Forward"/> (<c>cell(input, hx)</c>).</summary>
    public Tensor Call(Tensor input, Tensor? hx = null) =>
        HasCallHooks ? Invoke([input, hx], a => Forward((Tensor)a[0]!, (Tensor?)a[1])) : Forward(input, hx);

    /// <inheritdoc/>
    public override string ExtraRepr() => base.ExtraRepr() + (Nonlinearity != "tanh" ? $", nonlinearity={Nonlinearity}" : "");
}

/// <summary>
/// A long short-term memory cell (<c>torch.nn.LSTMCell</c>): one step of <see cref="LSTM"/>.
/// </summary>
public sealed class LSTMCell : RNNCellBase
{
    /// <summary>An LSTM cell (<c>nn.LSTMCell(input_size, hidden_size, bias=True)</c>).</summary>
    public LSTMCell(long inputSize, long hiddenSize, bool bias = true, Device? device = null, DType? dtype = null)
        : base(inputSize, hiddenSize, bias, 4, device, dtype)
    {
    }

    /// <summary>The next (h, c) from input [N, H_in] (or [H_in]) and (h, c) (zeros when null) (<c>forward(input, hx)</c>).</summary>
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? hx = null)
    {
        var x = Batched(input, out bool batched);
        (Tensor H, Tensor C) state;
        if (hx is { } given) state = batched ? given : (given.H.Unsqueeze(0), given.C.Unsqueeze(0));
        else
        {
            var z = Zeros(x);
            state = (z, z);
        }
        var (h, c) = Torch.LstmCell(x, state, WeightIh, WeightHh, BiasIh, BiasHh);
        return batched ? (h, c) : (h.Squeeze(0), c.Squeeze(0));
    }

    /// <summary>Runs forward hooks and <see cref="Forward"/> (<c>cell(input, hx)</c>).</summary>
    public (Tensor H, Tensor C) Call(Tensor input, (Tensor H, Tensor C)? hx = null) =>
        HasCallHooks ? Invoke([input, hx], a => Forward((Tensor)a[0]!, ((Tensor, Tensor)?)a[1])) : Forward(input, hx);
}

/// <summary>A gated recurrent unit cell (<c>torch.nn.GRUCell</c>): one step of <see cref="GRU"/>.</summary>
public sealed class GRUCell : RNNCellBase
{
    /// <summary>A GRU cell (<c>nn.GRUCell(input_size, hidden_size, bias=True)</c>).</summary>
    public GRUCell(long inputSize, long hiddenSize, bool bias = true, Device? device = null, DType? dtype = null)
        : base(inputSize, hiddenSize, bias, 3, device, dtype)
    {
    }

    /// <summary>The next hidden state from input [N, H_in] (or [H_in]) and hx (zeros when null) (<c>forward(input, hx)</c>).</summary>
    public Tensor Forward(Tensor input, Tensor? hx = null)
    {
        var x = Batched(input, out bool batched);
        var h = hx is null ? Zeros(x) : batched ? hx : hx.Unsqueeze(0);
        var ret = Torch.GruCell(x, h, WeightIh, WeightHh, BiasIh, BiasHh);
        return batched ? ret : ret.Squeeze(0);
    }

    /// <summary>Runs forward hooks and <see cref="Forward"/> (<c>cell(input, hx)</c>).</summary>
    public Tensor Call(Tensor input, Tensor? hx = null) =>
        HasCallHooks ? Invoke([input, hx], a => Forward((Tensor)a[0]!, (Tensor?)a[1])) : Forward(input, hx);
}
