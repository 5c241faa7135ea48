using Flint.NN;
using RnnUtils = Flint.NN.Utils.Rnn;

namespace Flint.Tests.NN;

/// <summary>
/// Behaviour of the recurrent layers beyond the parity fixtures: PyTorch's error messages, dropout between layers,
/// module plumbing (names, hooks, copies, dtype moves) and the packed-sequence helpers' edge cases.
/// </summary>
[Collection("DefaultGenerator")]
public class RnnTests
{
    private static bool Close(Tensor a, Tensor b, double atol = 1e-6) => a.IsClose(b, atol: atol).All().Item<bool>();

    [Fact]
    public void ErrorsUsePyTorchsWording()
    {
        var lstm = new LSTM(3, 4);
        Assert.Equal("input.size(-1) must be equal to input_size. Expected 3, got 4",
            Assert.Throws<ArgumentException>(() => lstm.Call(Torch.Randn(5, 2, 4))).Message);
        Assert.Equal("Expected hidden[0] size (1, 2, 4), got [1, 3, 4]",
            Assert.Throws<ArgumentException>(() => lstm.Call(Torch.Randn(5, 2, 3), (Torch.Zeros(1, 3, 4), Torch.Zeros(1, 2, 4)))).Message);
        Assert.Equal("Expected hidden[1] size (1, 2, 4), got [1, 2, 5]",
            Assert.Throws<ArgumentException>(() => lstm.Call(Torch.Randn(5, 2, 3), (Torch.Zeros(1, 2, 4), Torch.Zeros(1, 2, 5)))).Message);
        Assert.Equal("input must have 3 dimensions, got 5",
            Assert.Throws<ArgumentException>(() => lstm.Call(Torch.Randn(2, 5, 2, 3))).Message);
        Assert.Equal("Expected sequence length to be larger than 0 in RNN",
            Assert.Throws<ArgumentException>(() => lstm.Call(Torch.Randn(0, 2, 3))).Message);
        Assert.Equal("For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 2-D) tensors",
            Assert.Throws<ArgumentException>(() => lstm.Call(Torch.Randn(5, 3), (Torch.Zeros(1, 1, 4), Torch.Zeros(1, 4)))).Message);
        Assert.Equal("For batched 3-D input, hx should also be 3-D but got 4-D tensor",
            Assert.Throws<ArgumentException>(() => new GRU(3, 4).Call(Torch.Randn(5, 2, 3), Torch.Zeros(1, 2, 4, 1))).Message);
        Assert.Equal("For unbatched 2-D input, hx should also be 2-D but got 3-D tensor",
            Assert.Throws<ArgumentException>(() => new GRU(3, 4).Call(Torch.Randn(5, 3), Torch.Zeros(1, 2, 4))).Message);
        Assert.Equal("mat1 and mat2 must have the same dtype",
            Assert.Throws<ArgumentException>(() => lstm.Call(Torch.Randn(5, 2, 3, dtype: DType.Float64))).Message);
        Assert.Equal("Unknown nonlinearity 'x'", Assert.Throws<ArgumentException>(() => new RNN(3, 4, nonlinearity: "x")).Message);
        Assert.Equal("proj_size has to be smaller than hidden_size", Assert.Throws<ArgumentException>(() => new LSTM(3, 4, projSize: 4)).Message);
        Assert.StartsWith("dropout should be a number in range [0, 1]", Assert.Throws<ArgumentException>(() => new LSTM(3, 4, dropout: 1.5)).Message);
    }

    [Fact]
    public void CellErrorsUsePyTorchsWording()
    {
        var cell = new LSTMCell(3, 4);
        Assert.Equal("input has inconsistent input_size: got 5 expected 3",
            Assert.Throws<ArgumentException>(() => cell.Call(Torch.Randn(2, 5))).Message);
        Assert.Equal("Input batch size 2 doesn't match hidden0 batch size 3",
            Assert.Throws<ArgumentException>(() => cell.Call(Torch.Randn(2, 3), (Torch.Zeros(3, 4), Torch.Zeros(3, 4)))).Message);
        Assert.Equal("hidden0 has inconsistent hidden_size: got 5, expected 4",
            Assert.Throws<ArgumentException>(() => new GRUCell(3, 4).Call(Torch.Randn(2, 3), Torch.Zeros(2, 5))).Message);
        Assert.Equal("LSTMCell: Expected input to be 1-D or 2-D but received 3-D tensor",
            Assert.Throws<ArgumentException>(() => cell.Call(Torch.Randn(2, 2, 3))).Message);
    }

    // Dropout with p = 1 zeroes the first layer's output in training, which is the same as a second layer whose
    // input weights are zero; in eval mode no dropout happens.
    [Fact]
    public void DropoutActsBetweenLayersInTrainingOnly()
    {
        Torch.ManualSeed(0);
        var lstm = new LSTM(3, 4, 2, dropout: 1.0);
        var x = Torch.Randn(5, 2, 3);
        var (train, _) = lstm.Call(x);
        var zeroed = (LSTM)lstm.DeepCopy();
        using (Torch.NoGrad()) zeroed.GetParameter("weight_ih_l1").Zero_();
        zeroed.Eval();
        var (expected, _) = zeroed.Call(x);
        Assert.True(Close(train, expected));
        lstm.Eval();
        var (eval, _) = lstm.Call(x);
        Assert.False(Close(eval, expected));
        var dropoutHalf = new GRU(3, 4, 2, dropout: 0.5);
        var (a, _) = dropoutHalf.Call(x);
        var (b, _) = dropoutHalf.Call(x);
        Assert.False(a.Equal(b));
    }

    [Fact]
    public void ModulePlumbing()
    {
        var lstm = new LSTM(3, 4, 2, bidirectional: true);
        Assert.Equal(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"],
            lstm.StateDict().Keys);
        Assert.Equal(4, lstm.AllWeights.Count);
        Assert.Equal([16L, 8L], lstm.AllWeights[2][0].Shape.ToArray()); // weight_ih_l1: (4*hidden, 2*hidden)
        Assert.Equal(lstm.FlatWeightsNames, lstm.NamedParameters().Select(p => p.Name));
        // Every weight is drawn from U(-1/sqrt(hidden), 1/sqrt(hidden)).
        Assert.All(lstm.Parameters(), p => Assert.True(p.Abs().Max().Item<float>() <= 0.5f));

        int calls = 0;
        lstm.RegisterForwardHook((m, args, output) => { calls++; return null; });
        lstm.Call(Torch.Randn(2, 1, 3));
        Assert.Equal(1, calls);

        var copy = (LSTM)lstm.DeepCopy();
        using (Torch.NoGrad()) copy.GetParameter("weight_hh_l1").Fill_(0);
        Assert.False(lstm.GetParameter("weight_hh_l1").Equal(copy.GetParameter("weight_hh_l1")));

        lstm.Double();
        var (o, (h, c)) = lstm.Call(Torch.Randn(2, 1, 3, dtype: DType.Float64));
        Assert.Equal(DType.Float64, o.DType);
        Assert.Equal([4L, 1, 4], h.Shape.ToArray());
        Assert.Equal([4L, 1, 4], c.Shape.ToArray());
    }

    // The first element of a batch_first output is the first sequence, as a transposed view; states stay [L*D, N, H].
    [Fact]
    public void BatchFirstAndUnbatchedShapes()
    {
        var gru = new GRU(3, 5, 2, batchFirst: true, bidirectional: true);
        var (o, h) = gru.Call(Torch.Randn(4, 7, 3));
        Assert.Equal([4L, 7, 10], o.Shape.ToArray());
        Assert.Equal([4L, 4, 5], h.Shape.ToArray());
        var (ou, hu) = gru.Call(Torch.Randn(7, 3));
        Assert.Equal([7L, 10], ou.Shape.ToArray());
        Assert.Equal([4L, 5], hu.Shape.ToArray());
        var lstm = new LSTM(3, 5, projSize: 2);
        var (lo, (lh, lc)) = lstm.Call(Torch.Randn(6, 2, 3));
        Assert.Equal([6L, 2, 2], lo.Shape.ToArray());
        Assert.Equal([1L, 2, 2], lh.Shape.ToArray());
        Assert.Equal([1L, 2, 5], lc.Shape.ToArray());
    }

    // A packed batch gives each sequence's final state at its own last step, in the caller's order, and the padded
    // outputs equal running each sequence alone.
    [Fact]
    public void PackedSequencesMatchSeparateRuns()
    {
        Torch.ManualSeed(1);
        var lstm = new LSTM(2, 3, bidirectional: true);
        var seqs = new[] { Torch.Randn(2, 2), Torch.Randn(4, 2), Torch.Randn(1, 2) };
        var packed = RnnUtils.PackSequence(seqs, enforceSorted: false);
        var (output, (h, _)) = lstm.Call(packed);
        var (padded, lengths) = RnnUtils.PadPackedSequence(output);
        Assert.Equal([2L, 4, 1], lengths.ToArray<long>());
        for (int i = 0; i < seqs.Length; i++)
        {
            var (alone, (ha, _)) = lstm.Call(seqs[i].Unsqueeze(1));
            Assert.True(Close(padded[..(int)seqs[i].Size(0), i], alone[.., 0]));
            Assert.True(Close(h[.., i], ha[.., 0]));
        }
        var (data, batchSizes, sorted, unsorted) = packed;
        Assert.Equal([3L, 2, 1, 1], batchSizes.ToArray<long>());
        Assert.Equal([1L, 0, 2], sorted!.ToArray<long>());
        Assert.Equal([1L, 0, 2], unsorted!.ToArray<long>());
        Assert.Equal(DType.Float64, packed.Double().Data.DType);
        Assert.Same(packed, packed.Float());
        Assert.Equal(7, data.Size(0));
    }

    [Fact]
    public void PackingErrorsUsePyTorchsWording()
    {
        var x = Torch.Randn(4, 3, 2);
        Assert.StartsWith("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True.",
            Assert.Throws<ArgumentException>(() => RnnUtils.PackPaddedSequence(x, [4L, 2, 3])).Message);
        Assert.Equal("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0",
            Assert.Throws<ArgumentException>(() => RnnUtils.PackPaddedSequence(x, [4L, 2, 0])).Message);
        Assert.Equal("Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)",
            Assert.Throws<ArgumentException>(() => RnnUtils.PackPaddedSequence(x, [4L, 2])).Message);
        Assert.Equal("Expected total_length to be at least the length of the longest sequence in input, but got total_length=3 and max sequence length being 4",
            Assert.Throws<ArgumentException>(() => RnnUtils.PadPackedSequence(RnnUtils.PackPaddedSequence(x, [4L, 2, 1]), totalLength: 3)).Message);
        Assert.Equal("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
            Assert.Throws<ArgumentException>(() => RnnUtils.PadSequence([Torch.Zeros(2, 3), Torch.Zeros(2, 4)])).Message);
        Assert.Null(RnnUtils.InvertPermutation(null));
        Assert.Equal([2L, 0, 1], RnnUtils.InvertPermutation(Torch.Tensor(new long[] { 1, 2, 0 }))!.ToArray<long>());
    }
}
