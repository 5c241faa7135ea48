using Flint.NN;
using Flint.Optim;
using Flint.Tests.Parity;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

/// <summary>
/// Second derivatives through the fused nn ops (their create_graph backward) and the row-sparse Embedding gradient with
/// a SparseAdam step, against tests/parity/nn_gradgrad.py.
/// </summary>
[Collection("DefaultGenerator")]
public class GradGradTests
{
    private static FixtureSet Fx => FixtureSet.Load("nn_gradgrad");

    public static IEnumerable<object[]> Cases =>
        Fx.Cases.Where(c => c.TryGetProperty("op", out _)).Select(c => new object[] { c.GetProperty("id").GetString()! });

    private static Tensor Op(string name, Tensor[] x) => name switch
    {
        "leaky_relu" => F.LeakyRelu(x[0], 0.2),
        "elu" => F.Elu(x[0]),
        "selu" => F.Selu(x[0]),
        "celu" => F.Celu(x[0], 2.0),
        "gelu" => F.Gelu(x[0]),
        "gelu_tanh" => F.Gelu(x[0], "tanh"),
        "silu" => F.Silu(x[0]),
        "mish" => F.Mish(x[0]),
        "softplus" => F.Softplus(x[0], 2.0, 3.0),
        "logsigmoid" => F.Logsigmoid(x[0]),
        "hardswish" => F.Hardswish(x[0]),
        "hardtanh" => F.Hardtanh(x[0]),
        "softshrink" => F.Softshrink(x[0]),
        "hardshrink" => F.Hardshrink(x[0]),
        "threshold" => F.Threshold(x[0], 0.5, -1.0),
        "glu" => F.Glu(x[0]),
        "rrelu_eval" => F.Rrelu(x[0]),
        "softmax" => F.Softmax(x[0], 1),
        "log_softmax" => F.LogSoftmax(x[0], 0),
        "softmax_mid" => F.Softmax(x[0].View(2, 3, 2), 1),
        "log_softmax_mid" => F.LogSoftmax(x[0].View(2, 3, 2), 1),
        "prelu" => F.Prelu(x[0], x[1]),
        "layer_norm" => F.LayerNorm(x[0], [4], x[1], x[2]),
        "group_norm" => F.GroupNorm(x[0], 2, x[1], x[2]),
        "batch_norm" => F.BatchNorm(x[0], null, null, x[1], x[2], training: true),
        "batch_norm_eval" => F.BatchNorm(x[0], Torch.Linspace(-1, 1, 3, dtype: DType.Float64), Torch.Linspace(0.5, 2, 3, dtype: DType.Float64), x[1], x[2]),
        "embedding" => F.Embedding(x[0], x[1]).Pow(2),
        _ => throw new NotSupportedException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SecondDerivativesMatchPyTorch(string id)
    {
        var c = Fx.Case(id);
        var inputs = c.GetProperty("inputs").EnumerateArray().Select(e =>
        {
            var t = Fx.Tensor(e);
            return t.IsFloatingPoint() ? t.RequiresGrad_() : t;
        }).ToArray();
        var output = Op(c.GetProperty("op").GetString()!, inputs);
        var gout = Fx.Tensor(c.GetProperty("gout")).RequiresGrad_();
        var wrt = inputs.Where(t => t.RequiresGrad).ToArray();
        var grads = Torch.Autograd.Grad(output.Mul(gout).Sum(), wrt, createGraph: true);
        var expectedGrads = c.GetProperty("grads").EnumerateArray().ToArray();
        for (int i = 0; i < wrt.Length; i++) ParityRunner.AssertClose(Fx.Tensor(expectedGrads[i]), grads[i]!, $"{id} grad {i}");
        var vs = c.GetProperty("vs").EnumerateArray().Select(Fx.Tensor).ToArray();
        Tensor total = grads[0]!.Mul(vs[0]).Sum();
        for (int i = 1; i < wrt.Length; i++) total = total.Add(grads[i]!.Mul(vs[i]).Sum());
        var hs = Torch.Autograd.Grad(total, [.. wrt, gout], allowUnused: true);
        var expected = c.GetProperty("hs").EnumerateArray().ToArray();
        for (int i = 0; i < expected.Length; i++)
            ParityRunner.AssertClose(Fx.Tensor(expected[i]), hs[i] ?? Torch.ZerosLike(i < wrt.Length ? wrt[i] : gout), $"{id} second derivative {i}");
    }

    [Fact]
    public void SparseEmbeddingGradientIsPyTorchsRowSparseTensor()
    {
        var c = Fx.Case("sparse_embedding");
        var emb = new Embedding(6, 3, paddingIdx: 1, sparse: true);
        using (Torch.NoGrad()) emb.Weight.Copy_(Fx.Tensor(c.GetProperty("weight")));
        var output = emb.Call(Fx.Tensor(c.GetProperty("ids")));
        output.Mul(Fx.Tensor(c.GetProperty("gout"))).Sum().Backward();
        var grad = emb.Weight.Grad!;
        Assert.True(grad.IsSparse);
        Assert.False(grad.IsCoalesced());
        Assert.Equal(new long[] { 6, 3 }, grad.Shape.ToArray());
        Assert.Equal(Fx.Tensor(c.GetProperty("indices")).ToArray<long>(), grad.sparse!.Indices.ToArray<long>());
        ParityRunner.AssertClose(Fx.Tensor(c.GetProperty("values")), grad.sparse.Values, "sparse values");
        ParityRunner.AssertClose(Fx.Tensor(c.GetProperty("dense")), grad.ToDense(), "sparse to_dense");

        new SparseAdam(emb.Parameters(), lr: 0.1).Step();
        ParityRunner.AssertClose(Fx.Tensor(c.GetProperty("after_step")), emb.Weight, "weight after SparseAdam");

        // A second backward accumulates: the stored rows are concatenated, as PyTorch's sparse add.
        var nnz = grad.Nnz();
        emb.Call(Fx.Tensor(c.GetProperty("ids"))).Sum().Backward();
        Assert.Equal(2 * nnz, emb.Weight.Grad!.Nnz());
        emb.ZeroGrad(setToNone: false);
        Assert.Equal(0, emb.Weight.Grad!.Nnz());
    }

    [Fact]
    public void SparseGradientMeetsADenseOneOnTheSameWeight()
    {
        var w = Torch.Randn(5, 2).RequiresGrad_();
        var ids = Torch.Tensor(new long[] { 0, 3, 3 });
        var total = F.Embedding(ids, w, sparse: true).Sum().Add(w.Mul(2).Sum());
        total.Backward();
        Assert.False(w.Grad!.IsSparse);
        var expected = Torch.Full([5, 2], 2.0f);
        expected[0].Add_(1);
        expected[3].Add_(2);
        Assert.True(expected.Equal(w.Grad));
    }
}
