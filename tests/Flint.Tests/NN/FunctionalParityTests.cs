using Flint.Tests.Parity;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

/// <summary>
/// torch.nn.functional against tests/parity/nn_functional.py: outputs, input gradients, grad_fn names and (float64)
/// numerical gradchecks for the activations, softmax family, linear/bilinear, norms, distances, embeddings and dropout.
/// </summary>
[Collection("DefaultGenerator")]
public class FunctionalParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("nn_functional");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("nn_functional", id, name => MathParityTests.WithGradFn(Op(name)));

    private static Tensor Seeded(Kwargs k, Func<Tensor> fn)
    {
        Torch.ManualSeed(k.Long("seed"));
        return fn();
    }

    private static DType? DTypeOf(Kwargs k) => k.String("dtype") is { } s ? DTypes.Parse(s) : null;

    private static ParityRunner.OpFn Op(string name) => name switch
    {
        "relu" => (x, k) => [F.Relu(x[0])],
        "relu6" => (x, k) => [F.Relu6(x[0])],
        "hardtanh" => (x, k) => [F.Hardtanh(x[0], k.Double("min_val", -1), k.Double("max_val", 1))],
        "leaky_relu" => (x, k) => [F.LeakyRelu(x[0], k.Double("negative_slope", 0.01))],
        "elu" => (x, k) => [F.Elu(x[0], k.Double("alpha", 1))],
        "selu" => (x, k) => [F.Selu(x[0])],
        "celu" => (x, k) => [F.Celu(x[0], k.Double("alpha", 1))],
        "gelu" => (x, k) => [F.Gelu(x[0], k.String("approximate") ?? "none")],
        "silu" => (x, k) => [F.Silu(x[0])],
        "mish" => (x, k) => [F.Mish(x[0])],
        "softplus" => (x, k) => [F.Softplus(x[0], k.Double("beta", 1), k.Double("threshold", 20))],
        "softshrink" => (x, k) => [F.Softshrink(x[0], k.Double("lambd", 0.5))],
        "hardshrink" => (x, k) => [F.Hardshrink(x[0], k.Double("lambd", 0.5))],
        "tanhshrink" => (x, k) => [F.Tanhshrink(x[0])],
        "softsign" => (x, k) => [F.Softsign(x[0])],
        "hardsigmoid" => (x, k) => [F.Hardsigmoid(x[0])],
        "hardswish" => (x, k) => [F.Hardswish(x[0])],
        "logsigmoid" => (x, k) => [F.Logsigmoid(x[0])],
        "threshold" => (x, k) => [F.Threshold(x[0], k.Double("threshold"), k.Double("value"))],
        "sigmoid" => (x, k) => [F.Sigmoid(x[0])],
        "tanh" => (x, k) => [F.Tanh(x[0])],
        "rrelu_eval" => (x, k) => [F.Rrelu(x[0], k.Double("lower", 1.0 / 8), k.Double("upper", 1.0 / 3))],
        "rrelu_train" => (x, k) => [Seeded(k, () => F.Rrelu(x[0], k.Double("lower", 1.0 / 8), k.Double("upper", 1.0 / 3), training: true))],
        "glu" => (x, k) => [F.Glu(x[0], k.Long("dim", -1))],
        "prelu" => (x, k) => [F.Prelu(x[0], x[1])],
        "softmax" => (x, k) => [F.Softmax(x[0], k.Has("dim") ? k.Long("dim") : null, DTypeOf(k))],
        "log_softmax" => (x, k) => [F.LogSoftmax(x[0], k.Has("dim") ? k.Long("dim") : null, DTypeOf(k))],
        "softmin" => (x, k) => [F.Softmin(x[0], k.Has("dim") ? k.Long("dim") : null, DTypeOf(k))],
        "linear" => (x, k) => [F.Linear(x[0], x[1], x.Length > 2 ? x[2] : null)],
        "bilinear" => (x, k) => [F.Bilinear(x[0], x[1], x[2], x.Length > 3 ? x[3] : null)],
        "normalize" => (x, k) => [F.Normalize(x[0], k.Double("p", 2), k.Long("dim", 1))],
        "cosine_similarity" => (x, k) => [F.CosineSimilarity(x[0], x[1], k.Long("dim", 1))],
        "pairwise_distance" => (x, k) => [F.PairwiseDistance(x[0], x[1], k.Double("p", 2), keepdim: k.Bool("keepdim"))],
        "layer_norm" => (x, k) => [F.LayerNorm(x[0], k.Longs("shape")!, x.Length > 1 ? x[1] : null, x.Length > 2 ? x[2] : null, k.Double("eps", 1e-5))],
        "group_norm" => (x, k) => [F.GroupNorm(x[0], k.Long("groups"), x.Length > 1 ? x[1] : null, x.Length > 2 ? x[2] : null, k.Double("eps", 1e-5))],
        "batch_norm_train" => (x, k) =>
        {
            var c = x[0].Size(1);
            Tensor rm = Torch.Linspace(-1, 1, c, dtype: x[0].DType), rv = Torch.Linspace(0.5, 2, c, dtype: x[0].DType);
            return [F.BatchNorm(x[0], rm, rv, x[1], x[2], training: true, momentum: k.Double("momentum")), rm, rv];
        },
        "batch_norm_eval" => (x, k) =>
        {
            var c = x[0].Size(1);
            return [F.BatchNorm(x[0], Torch.Linspace(-1, 1, c, dtype: x[0].DType), Torch.Linspace(0.5, 2, c, dtype: x[0].DType), x[1], x[2])];
        },
        "batch_norm_nostats" => (x, k) => [F.BatchNorm(x[0], null, null, training: true)],
        "instance_norm" => (x, k) => [F.InstanceNorm(x[0])],
        "instance_norm_stats" => (x, k) =>
        {
            Tensor rm = Torch.Linspace(-1, 1, 3, dtype: x[0].DType), rv = Torch.Linspace(0.5, 2, 3, dtype: x[0].DType);
            return [F.InstanceNorm(x[0], rm, rv, x[1], x[2], momentum: k.Double("momentum")), rm, rv];
        },
        "local_response_norm" => (x, k) => [F.LocalResponseNorm(x[0], k.Long("size"), k.Double("alpha", 1e-4), k.Double("beta", 0.75), k.Double("k", 1))],
        "embedding" => (x, k) => [F.Embedding(x[0], x[1], k.Has("padding_idx") ? k.Long("padding_idx") : null, scaleGradByFreq: k.Bool("scale_grad_by_freq"))],
        "embedding_max_norm" => (x, k) =>
        {
            var w = x[1].Detach().Clone();
            return [F.Embedding(x[0], w, maxNorm: k.Double("max_norm"), normType: k.Double("norm_type", 2)), w];
        },
        "embedding_bag" => (x, k) => [F.EmbeddingBag(x[0], x[1], x.Length > 2 ? x[2] : null, mode: k.String("mode")!,
            perSampleWeights: x.Length > 3 ? x[3] : null, includeLastOffset: k.Bool("include_last_offset"),
            scaleGradByFreq: k.Bool("scale_grad_by_freq"), paddingIdx: k.Has("padding_idx") ? k.Long("padding_idx") : null)],
        "one_hot" => (x, k) => [F.OneHot(x[0], k.Long("num_classes", -1))],
        "dropout" => (x, k) => k.Bool("times_one")
            ? [F.Dropout(x[0], k.Double("p"), training: k.Bool("training", true)).Mul(1)]
            : [Seeded(k, () => F.Dropout(x[0], k.Double("p"), training: k.Bool("training", true)))],
        "dropout1d" => (x, k) => [Seeded(k, () => F.Dropout1d(x[0], k.Double("p")))],
        "dropout2d" => (x, k) => [Seeded(k, () => F.Dropout2d(x[0], k.Double("p")))],
        "dropout3d" => (x, k) => [Seeded(k, () => F.Dropout3d(x[0], k.Double("p")))],
        "alpha_dropout" => (x, k) => [Seeded(k, () => F.AlphaDropout(x[0], k.Double("p"), training: true))],
        "feature_alpha_dropout" => (x, k) => [Seeded(k, () => F.FeatureAlphaDropout(x[0], k.Double("p"), training: true))],
        "inplace" => (x, k) =>
        {
            var y = x[0].Mul(1);
            var r = InPlace(k.String("act")!, y, k);
            Assert.Same(y, r);
            return [r];
        },
        _ => throw new NotSupportedException(name),
    };

    // The in-place form of an activation or dropout, applied to a non-leaf.
    private static Tensor InPlace(string act, Tensor y, Kwargs k) => act switch
    {
        "relu" => F.Relu(y, inplace: true),
        "relu6" => F.Relu6(y, inplace: true),
        "hardtanh" => F.Hardtanh(y, k.Double("min_val"), k.Double("max_val"), inplace: true),
        "leaky_relu" => F.LeakyRelu(y, k.Double("negative_slope"), inplace: true),
        "elu" => F.Elu(y, k.Double("alpha"), inplace: true),
        "selu" => F.Selu(y, inplace: true),
        "celu" => F.Celu(y, k.Double("alpha"), inplace: true),
        "silu" => F.Silu(y, inplace: true),
        "mish" => F.Mish(y, inplace: true),
        "hardsigmoid" => F.Hardsigmoid(y, inplace: true),
        "hardswish" => F.Hardswish(y, inplace: true),
        "threshold" => F.Threshold(y, k.Double("threshold"), k.Double("value"), inplace: true),
        "rrelu_eval" => F.Rrelu(y, inplace: true),
        "rrelu_train" => Seeded(k, () => F.Rrelu(y, training: true, inplace: true)),
        "dropout" => Seeded(k, () => F.Dropout(y, k.Double("p"), inplace: true)),
        "alpha_dropout" => Seeded(k, () => F.AlphaDropout(y, k.Double("p"), training: true, inplace: true)),
        _ => throw new NotSupportedException(act),
    };
}
