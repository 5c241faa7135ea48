using Flint.NN;

namespace Flint.Tests.NN;

/// <summary>
/// Layer behaviour beyond the fixtures: pretrained embeddings, re-initialisation in PyTorch's draw order, running-stat
/// buffers through state dicts, dtype moves and deep copies, and hooks on multi-input forwards.
/// </summary>
[Collection("DefaultGenerator")]
public class LayerBehaviourTests
{
    [Fact]
    public void FromPretrainedSharesTheTensorAndFreezesByDefault()
    {
        var table = Torch.Tensor(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var frozen = Embedding.FromPretrained(table);
        Assert.False(frozen.Weight.RequiresGrad);
        Assert.Equal([3f, 4f, 1f, 2f], frozen.Call(Torch.Tensor(new long[] { 1, 0 })).ToArray<float>());
        using (Torch.NoGrad()) table[0, 0].Fill_(9);
        Assert.Equal(9f, frozen.Weight[0, 0].Item<float>());
        Assert.Equal("Embedding(3, 2)", frozen.ToString());

        var trainable = Embedding.FromPretrained(table, freeze: false, paddingIdx: -1);
        Assert.True(trainable.Weight.RequiresGrad);
        Assert.Equal(2, trainable.PaddingIdx);
        trainable.Call(Torch.Tensor(new long[] { 2, 1 })).Sum().Backward();
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f], trainable.Weight.Grad!.ToArray<float>());

        var bag = EmbeddingBag.FromPretrained(table, mode: "sum");
        Assert.False(bag.Weight.RequiresGrad);
        Assert.Equal([8f, 10f], bag.Call(Torch.Tensor(new long[] { 1, 2 }), Torch.Tensor(new long[] { 0 })).ToArray<float>());
        Assert.Throws<ArgumentException>(() => Embedding.FromPretrained(Torch.Ones(3)));
        Assert.Throws<ArgumentException>(() => new Embedding(4, 2, weight: Torch.Ones(3, 2)));
    }

    [Fact]
    public void ResetParametersDrawsAsTheConstructor()
    {
        Torch.ManualSeed(7);
        var a = new Linear(6, 4);
        var b = new Linear(6, 4);
        Torch.ManualSeed(7);
        b.ResetParameters();
        Assert.True(a.Weight.Equal(b.Weight) && a.Bias!.Equal(b.Bias!));

        Torch.ManualSeed(3);
        var e = new Embedding(5, 2, paddingIdx: 0);
        Torch.ManualSeed(3);
        var f = new Embedding(5, 2, paddingIdx: 0);
        f.ResetParameters();
        Assert.False(e.Weight.Equal(f.Weight));
        Torch.ManualSeed(3);
        f.ResetParameters();
        Assert.True(e.Weight.Equal(f.Weight));
        Assert.Equal([0f, 0f], e.Weight[0].ToArray<float>());
    }

    [Fact]
    public void BatchNormBuffersTravelThroughStateDictsCopiesAndDtypes()
    {
        var bn = new BatchNorm1d(3);
        bn.Call(Torch.Randn(4, 3));
        bn.Call(Torch.Randn(4, 3));
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], bn.StateDict().Keys);
        Assert.Equal(2L, bn.NumBatchesTracked!.Item<long>());

        var copy = (BatchNorm1d)bn.DeepCopy();
        Assert.True(copy.RunningMean!.Equal(bn.RunningMean!));
        copy.Call(Torch.Randn(4, 3));
        Assert.Equal(2L, bn.NumBatchesTracked.Item<long>());
        Assert.Equal(3L, copy.NumBatchesTracked!.Item<long>());

        var fresh = new BatchNorm1d(3);
        fresh.LoadStateDict(bn.StateDict());
        Assert.True(fresh.RunningVar!.Equal(bn.RunningVar!));
        Assert.Equal(2L, fresh.NumBatchesTracked!.Item<long>());

        fresh.Double();
        Assert.Equal(DType.Float64, fresh.RunningMean!.DType);
        Assert.Equal(DType.Float64, fresh.Weight!.DType);
        Assert.Equal(DType.Int64, fresh.NumBatchesTracked.DType);
        Assert.Equal(DType.Float64, fresh.Call(Torch.Randn(2, 3, dtype: DType.Float64)).DType);

        var untracked = new BatchNorm2d(2, affine: false, trackRunningStats: false);
        Assert.Empty(untracked.StateDict());
        Assert.Empty(untracked.Parameters());
    }

    [Fact]
    public void HooksSeeEveryInputOfAMultiInputForward()
    {
        var bag = new EmbeddingBag(4, 2, mode: "max");
        var seen = new List<int>();
        bag.RegisterForwardPreHook((m, args) => { seen.Add(args.Length); return null; });
        bag.Call(Torch.Tensor(new long[] { 0, 1, 2 }), Torch.Tensor(new long[] { 0, 2 }));
        var bilinear = new Bilinear(2, 3, 1);
        bilinear.RegisterForwardPreHook((m, args) => { seen.Add(args.Length); return null; });
        bilinear.Call(Torch.Randn(5, 2), Torch.Randn(5, 3));
        Assert.Equal([3, 2], seen);
    }

    [Fact]
    public void ShapeLayers()
    {
        var x = Torch.Randn(2, 3, 4);
        Assert.Same(x, new Identity(54, "unused").Call(x));
        Assert.Equal(new long[] { 2, 12 }, new Flatten().Call(x).Shape.ToArray());
        Assert.Equal(new long[] { 24 }, new Flatten(0).Call(x).Shape.ToArray());
        Assert.Equal(new long[] { 2, 3, 2, 2 }, new Unflatten(2, 2, 2).Call(x).Shape.ToArray());
        var s = new Softmax2d().Call(Torch.Randn(2, 3, 2, 2));
        Assert.True(s.Sum(1).AllClose(Torch.Ones(2, 2, 2)));
        Assert.Throws<ArgumentException>(() => new Softmax2d().Call(Torch.Randn(2, 3)));
        var ln = new LayerNorm(4);
        Assert.Equal(new long[] { 4 }, ln.Weight!.Shape.ToArray());
        Assert.Equal("LayerNorm((4,), eps=1e-05, elementwise_affine=True)", ln.ToString());
    }

    [Fact]
    public void FunctionalInPlaceAliasesWriteIntoTheirInput()
    {
        var x = Torch.Linspace(-2, 2, 9);
        (Func<Tensor, Tensor> inplace, Func<Tensor, Tensor> outOfPlace)[] pairs =
        [
            (t => Flint.NN.Functional.Relu_(t), t => Flint.NN.Functional.Relu(t)),
            (t => Flint.NN.Functional.Hardtanh_(t, -0.5, 0.5), t => Flint.NN.Functional.Hardtanh(t, -0.5, 0.5)),
            (t => Flint.NN.Functional.LeakyRelu_(t, 0.3), t => Flint.NN.Functional.LeakyRelu(t, 0.3)),
            (t => Flint.NN.Functional.Elu_(t, 0.7), t => Flint.NN.Functional.Elu(t, 0.7)),
            (t => Flint.NN.Functional.Selu_(t), t => Flint.NN.Functional.Selu(t)),
            (t => Flint.NN.Functional.Celu_(t, 1.5), t => Flint.NN.Functional.Celu(t, 1.5)),
            (t => Flint.NN.Functional.Threshold_(t, 0.5, 9), t => Flint.NN.Functional.Threshold(t, 0.5, 9)),
            (t => Flint.NN.Functional.Rrelu_(t), t => Flint.NN.Functional.Rrelu(t)),
        ];
        foreach (var (inplace, outOfPlace) in pairs)
        {
            var y = x.Clone();
            Assert.Same(y, inplace(y));
            Assert.True(outOfPlace(x).Equal(y));
        }
        var leaf = Torch.Ones(3).RequiresGrad_();
        Assert.Equal("a leaf Variable that requires grad is being used in an in-place operation.",
            Assert.Throws<InvalidOperationException>(() => Flint.NN.Functional.Elu_(leaf)).Message);
    }
}
