using System.Globalization;

namespace Flint.NN;

/// <summary>
/// The common part of <see cref="RNN"/>, <see cref="LSTM"/> and <see cref="GRU"/> (<c>torch.nn.RNNBase</c>): the
/// settings, the weights registered under PyTorch's names (<c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>,
/// <c>bias_hh_l0</c>, <c>weight_hr_l0</c>, <c>..._reverse</c>) so that state dicts move between the two, their
/// initialisation and the checks of a forward call.
/// </summary>
public abstract class RNNBase : Module
{
    private readonly string[] flatWeightsNames;
    private readonly string[][] allWeightsNames;

    /// <summary>The recurrence: "RNN_TANH", "RNN_RELU", "LSTM" or "GRU" (<c>mode</c>).</summary>
    public string Mode { get; }

    /// <summary>Features of the input (<c>input_size</c>).</summary>
    public long InputSize { get; }

    /// <summary>Features of the hidden state (<c>hidden_size</c>).</summary>
    public long HiddenSize { get; }

    /// <summary>Stacked layers (<c>num_layers</c>).</summary>
    public long NumLayers { get; }

    /// <summary>Whether the layers have the biases b_ih and b_hh (<c>bias</c>).</summary>
    public bool Bias { get; }

    /// <summary>Whether input and output are [batch, seq, feature] rather than [seq, batch, feature] (<c>batch_first</c>).</summary>
    public bool BatchFirst { get; }

    /// <summary>Probability of dropout on the outputs of every layer but the last, in training (<c>dropout</c>).</summary>
    public double Dropout { get; }

    /// <summary>Whether each layer also runs backwards over the sequence (<c>bidirectional</c>).</summary>
    public bool Bidirectional { get; }

    /// <summary>Size of LSTM's projected hidden state, 0 for none (<c>proj_size</c>).</summary>
    public long ProjSize { get; }

    internal RNNBase(string mode, long inputSize, long hiddenSize, long numLayers, bool bias, bool batchFirst,
        double dropout, bool bidirectional, long projSize, Device? device, DType? dtype)
    {
        if (double.IsNaN(dropout) || dropout < 0 || dropout > 1)
            throw new ArgumentException(
                "dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
        if (projSize < 0) throw new ArgumentException("proj_size should be a positive integer or zero to disable projections");
        if (projSize >= hiddenSize && projSize != 0) throw new ArgumentException("proj_size has to be smaller than hidden_size");
        Mode = mode;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        Bias = bias;
        BatchFirst = batchFirst;
        Dropout = dropout;
        Bidirectional = bidirectional;
        ProjSize = projSize;
        long gateSize = mode switch
        {
            "LSTM" => 4 * hiddenSize,
            "GRU" => 3 * hiddenSize,
            "RNN_TANH" or "RNN_RELU" => hiddenSize,
            _ => throw new ArgumentException("Unrecognized RNN mode: " + mode),
        };
        int dirs = bidirectional ? 2 : 1;
        long realHidden = projSize > 0 ? projSize : hiddenSize;
        var flat = new List<string>();
        var all = new List<string[]>();
        for (long layer = 0; layer < numLayers; layer++)
            for (int direction = 0; direction < dirs; direction++)
            {
                long layerInput = layer == 0 ? inputSize : realHidden * dirs;
                var suffix = (direction == 1 ? "_reverse" : "");
                var l = layer.ToString(CultureInfo.InvariantCulture);
                var names = new List<string> { $"weight_ih_l{l}{suffix}", $"weight_hh_l{l}{suffix}" };
                var shapes = new List<long[]> { new[] { gateSize, layerInput }, new[] { gateSize, realHidden } };
                if (bias)
                {
                    names.Add($"bias_ih_l{l}{suffix}");
                    names.Add($"bias_hh_l{l}{suffix}");
                    shapes.Add([gateSize]);
                    shapes.Add([gateSize]);
                }
                if (projSize > 0)
                {
                    names.Add($"weight_hr_l{l}{suffix}");
                    shapes.Add([projSize, hiddenSize]);
                }
                for (int i = 0; i < names.Count; i++)
                    RegisterParameter(names[i], new Parameter(Torch.Empty(new Size(shapes[i]), dtype, device)));
                flat.AddRange(names);
                all.Add(names.ToArray());
            }
        flatWeightsNames = flat.ToArray();
        allWeightsNames = all.ToArray();
        ResetParameters();
    }

    /// <summary>
    /// Draws every weight from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in registration order, as PyTorch does
    /// (<c>reset_parameters()</c>), so a fixed seed gives PyTorch's initial weights.
    /// </summary>
    public void ResetParameters()
    {
        double stdv = HiddenSize > 0 ? 1.0 / Math.Sqrt(HiddenSize) : 0;
        foreach (var w in Parameters()) Init.Uniform_(w, -stdv, stdv);
    }

    /// <summary>
    /// Arranges the weights for a fused GPU kernel (<c>flatten_parameters()</c>); like PyTorch away from cuDNN, there is
    /// nothing to arrange: the CPU kernels read the weights where they are.
    /// </summary>
    public void FlattenParameters() { }

    /// <summary>The weights in PyTorch's order: per layer and direction w_ih, w_hh, b_ih, b_hh, w_hr (<c>_flat_weights</c>).</summary>
    public IReadOnlyList<Parameter> FlatWeights => flatWeightsNames.Select(GetParameter).ToArray();

    /// <summary>The weight names in that order (<c>_flat_weights_names</c>).</summary>
    public IReadOnlyList<string> FlatWeightsNames => flatWeightsNames;

    /// <summary>The weights grouped per layer and direction (<c>all_weights</c>).</summary>
    public IReadOnlyList<IReadOnlyList<Parameter>> AllWeights =>
        allWeightsNames.Select(g => (IReadOnlyList<Parameter>)g.Select(GetParameter).ToArray()).ToArray();

    internal int NumDirections => Bidirectional ? 2 : 1;

    internal long RealHiddenSize => ProjSize > 0 ? ProjSize : HiddenSize;

    /// <summary>PyTorch's <c>check_input</c>.</summary>
    internal void CheckInput(Tensor input, bool packed)
    {
        int expected = packed ? 2 : 3;
        if (input.Dim() != expected) throw new ArgumentException($"input must have {expected} dimensions, got {input.Dim()}");
        if (InputSize != input.Size(-1))
            throw new ArgumentException(
                $"input.size(-1) must be equal to input_size. Expected {InputSize}, got {input.Size(-1)}");
    }

    /// <summary>PyTorch's <c>check_forward_args</c> for the one-state layers (RNN, GRU).</summary>
    internal void CheckArgs(Tensor input, Tensor hx, PackedSequence? packed)
    {
        CheckInput(input, packed is not null);
        CheckHiddenSize(hx, [NumLayers * NumDirections, MiniBatch(input, packed), HiddenSize]);
    }

    /// <summary>The zero initial state of a one-state layer.</summary>
    internal Tensor ZeroStateFor(Tensor input, long batch) => ZeroState(input, batch, HiddenSize);

    /// <summary>PyTorch's <c>check_hidden_size</c>: the shape as a Python tuple, the actual one as a list.</summary>
    internal static void CheckHiddenSize(Tensor hx, long[] expected, string what = "hidden")
    {
        if (hx.shape.AsSpan().SequenceEqual(expected)) return;
        var e = "(" + string.Join(", ", expected) + ")";
        var g = "[" + string.Join(", ", hx.shape) + "]";
        throw new ArgumentException($"Expected {what} size {e}, got {g}");
    }

    /// <summary>The batch size of an input: the first batch size of a packed one.</summary>
    internal long BatchOf(Tensor input, PackedSequence? packed) => MiniBatch(input, packed);

    internal long MiniBatch(Tensor input, PackedSequence? packed) =>
        packed is not null ? RnnStack.BatchSizes(packed.BatchSizes)[0] : input.Size(BatchFirst ? 0 : 1);

    /// <summary>Zeros of shape [layers * directions, batch, size] like the input (<c>torch.zeros(..., dtype, device)</c>).</summary>
    internal Tensor ZeroState(Tensor input, long batch, long size) =>
        Torch.Zeros(new Size([NumLayers * NumDirections, batch, size]), input.DType, input.Device);

    /// <summary>Reorders the batch of a state as PyTorch's <c>permute_hidden</c> (index_select along dim 1).</summary>
    internal static Tensor Permute(Tensor hx, Tensor? permutation) => permutation is null ? hx : hx.IndexSelect(1, permutation);

    /// <summary>Prints the settings as PyTorch's <c>extra_repr</c>, e.g. <c>10, 20, num_layers=2, batch_first=True</c>.</summary>
    public override string ExtraRepr()
    {
        var s = $"{InputSize}, {HiddenSize}";
        if (ProjSize != 0) s += $", proj_size={ProjSize}";
        if (NumLayers != 1) s += $", num_layers={NumLayers}";
        if (!Bias) s += ", bias=False";
        if (BatchFirst) s += ", batch_first=True";
        if (Dropout != 0) s += ", dropout=" + Functional.Py(Dropout);
        if (Bidirectional) s += ", bidirectional=True";
        return s;
    }
}
