using Flint.NN;
using Flint.Tests.Parity;

namespace Flint.Tests.NN;

/// <summary>Printed text of layers with non-default arguments and of container models, against PyTorch 1.13's repr().</summary>
[Collection("DefaultGenerator")]
public class ReprTests
{
    private sealed class MLP : Module<Tensor, Tensor>
    {
        public Linear hidden = new(20, 256);
        public ReLU act = new();
        public BatchNorm1d norm = new(256);
        public Dropout drop = new(0.5);
        public ModuleList blocks = new(Enumerable.Range(0, 2).Select(_ => (Module)new Sequential(new Linear(256, 256), new GELU())));
        public Linear @out = new(256, 10);

        public override Tensor Forward(Tensor x)
        {
            x = drop.Call(norm.Call(act.Call(hidden.Call(x))));
            foreach (var b in blocks) x = ((Sequential)b).Call(x);
            return @out.Call(x);
        }
    }

    private static readonly Dictionary<string, Func<Module>> Models = new()
    {
        ["linear_nobias"] = () => new Linear(400, 120, bias: false),
        ["dropout_inplace"] = () => new Dropout(p: 0.25, inplace: true),
        ["dropout2d"] = () => new Dropout2d(),
        ["relu_inplace"] = () => new ReLU(inplace: true),
        ["relu6_inplace"] = () => new ReLU6(inplace: true),
        ["leaky_inplace"] = () => new LeakyReLU(0.1, inplace: true),
        ["elu_inplace"] = () => new ELU(inplace: true),
        ["hardtanh_inplace"] = () => new Hardtanh(inplace: true),
        ["threshold_inplace"] = () => new Threshold(0.5, 0.0, inplace: true),
        ["rrelu_default"] = () => new RReLU(),
        ["gelu_tanh"] = () => new GELU("tanh"),
        ["softplus_float"] = () => new Softplus(beta: 0.5, threshold: 10.0),
        ["softmax_none"] = () => new Softmax(),
        ["softmin_none"] = () => new Softmin(),
        ["log_softmax_none"] = () => new LogSoftmax(),
        ["silu_inplace"] = () => new SiLU(inplace: true),
        ["mish_inplace"] = () => new Mish(inplace: true),
        ["selu_inplace"] = () => new SELU(inplace: true),
        ["celu_inplace"] = () => new CELU(0.5, inplace: true),
        ["hardshrink_default"] = () => new Hardshrink(),
        ["softshrink_value"] = () => new Softshrink(0.25),
        ["glu_dim"] = () => new GLU(dim: 1),
        ["prelu_channels"] = () => new PReLU(64),
        ["batchnorm_momentum_none"] = () => new BatchNorm1d(10, momentum: null),
        ["batchnorm_all"] = () => new BatchNorm2d(16, eps: 0.001, momentum: 0.01, affine: false, trackRunningStats: false),
        ["instancenorm_affine"] = () => new InstanceNorm2d(8, affine: true, trackRunningStats: true),
        ["instancenorm3d"] = () => new InstanceNorm3d(4),
        ["layernorm_shape"] = () => new LayerNorm([4, 5], eps: 1e-6, elementwiseAffine: false),
        ["groupnorm_eps"] = () => new GroupNorm(4, 8, eps: 0.01, affine: false),
        ["lrn_args"] = () => new LocalResponseNorm(5, alpha: 0.001, beta: 0.5, k: 2.0),
        ["embedding_all"] = () => new Embedding(20, 5, paddingIdx: 3, maxNorm: 2.0, normType: 1.0, scaleGradByFreq: true, sparse: true),
        ["embedding_bag_all"] = () => new EmbeddingBag(20, 5, maxNorm: 2.0, normType: 3.0, scaleGradByFreq: true, mode: "sum", paddingIdx: 1),
        ["flatten_args"] = () => new Flatten(0, 2),
        ["unflatten_one"] = () => new Unflatten(0, 6),
        ["alpha_dropout"] = () => new AlphaDropout(0.1),
        ["bilinear_nobias"] = () => new Bilinear(2, 3, 4, bias: false),
        ["identity"] = () => new Identity(),
        ["sequential_dict"] = () => new Sequential([("fc1", (Module)new Linear(784, 256)), ("relu1", new ReLU()), ("fc2", new Linear(256, 10))]),
        ["sequential_positional"] = () => new Sequential(new Linear(784, 256), new ReLU(), new Dropout(0.2), new Linear(256, 10)),
        ["module_list"] = () => new ModuleList(new Linear(10, 10), new Linear(10, 10), new Linear(10, 10), new BatchNorm1d(10)),
        ["module_dict"] = () => new ModuleDict([("act", (Module)new LeakyReLU()), ("norm", new LayerNorm(10)), ("drop", new Dropout())]),
        ["nested"] = () => new Sequential(new Sequential(new Linear(2, 10), new ReLU()), new ModuleList(new Linear(10, 10), new Tanh()),
            new ModuleDict([("head", (Module)new Linear(10, 2))])),
        ["mlp"] = () => new MLP(),
    };

    public static IEnumerable<object[]> Keys =>
        FixtureSet.Load("nn_layers").Case("reprs").GetProperty("reprs").EnumerateObject().Select(p => new object[] { p.Name });

    [Theory]
    [MemberData(nameof(Keys))]
    public void PrintsAsPyTorch(string key)
    {
        var expected = FixtureSet.Load("nn_layers").Case("reprs").GetProperty("reprs").GetProperty(key).GetString();
        Assert.Equal(expected, Models[key]().ToString());
    }

    [Fact]
    public void EveryFixtureModelIsBuilt() =>
        Assert.Equal(FixtureSet.Load("nn_layers").Case("reprs").GetProperty("reprs").EnumerateObject().Select(p => p.Name).Order(), Models.Keys.Order());
}
