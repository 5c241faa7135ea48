using System.Runtime.Serialization;
using Flint.NN;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>Whole-model save and load (SCENARIOS.md S2): structure, weights, sharing and the limits.</summary>
[Collection("DefaultGenerator")]
public class ModuleSerializationTests
{
    public enum Activation { Relu, Tanh }

    public struct Options
    {
        public int Width;
        public double Scale;
        public (string Name, long[] Shape) Tag;
    }

    /// <summary>An affine layer written with parameters, as a user would.</summary>
    public sealed class Affine : Module<Tensor, Tensor>
    {
        public Parameter weight;
        public Parameter? bias;

        public Affine(int inputs, int outputs, bool bias = true)
        {
            weight = new Parameter(Torch.Randn(outputs, inputs) * 0.3);
            this.bias = bias ? new Parameter(Torch.Zeros(outputs)) : null;
        }

        public override Tensor Forward(Tensor x)
        {
            var y = x.MatMul(weight.T());
            return bias is null ? y : y + bias;
        }

        public override string ExtraRepr() => $"in={weight.Shape[1]}, out={weight.Shape[0]}";
    }

    public sealed class Net : Module<Tensor, Tensor>, IDeserializationCallback
    {
        public readonly Sequential body;
        public readonly ModuleList heads = new();
        public readonly ModuleDict extra = new();
        public Affine tiedA, tiedB;
        [Buffer] public Tensor runningMean = Torch.Zeros(3);
        public Activation activation;
        public int[] sizes;
        public Options options;
        public List<string> notes = ["a", "b"];
        public Dictionary<string, double> table = new() { ["x"] = 1.5 };
        [NonSerialized] public Func<Tensor, Tensor> act;
        public int rebuilt;

        public Net(Activation activation)
        {
            this.activation = activation;
            body = new Sequential(new Affine(4, 6), new Affine(6, 3));
            heads.Append(new Affine(3, 2)).Append(new Affine(3, 2, bias: false));
            extra["scale"] = new Affine(2, 2);
            tiedA = new Affine(2, 2);
            tiedB = tiedA;
            sizes = [4, 6, 3];
            options = new Options { Width = 7, Scale = 0.25, Tag = ("t", [1, 2]) };
            act = Pick(activation);
        }

        private static Func<Tensor, Tensor> Pick(Activation a) => a == Activation.Relu ? t => t.Relu() : t => t.Tanh();

        public void OnDeserialization(object? sender)
        {
            act = Pick(activation);
            rebuilt++;
        }

        public override Tensor Forward(Tensor x)
        {
            var h = act(body.Call(x)) + runningMean;
            var y = ((Affine)heads[0]).Call(h) + ((Affine)heads[-1]).Call(h);
            return tiedB.Call(((Affine)extra["scale"]).Call(y)) * options.Scale;
        }
    }

    public sealed class WithDelegate : Module<Tensor, Tensor>
    {
        public Func<Tensor, Tensor> act = t => t.Relu();

        public override Tensor Forward(Tensor x) => act(x);
    }

    private static string TempFile(string name) => Path.Combine(Path.GetTempPath(), $"flint-modser-{Guid.NewGuid():N}-{name}");

    [Fact]
    public void WholeModelRoundTrip()
    {
        Torch.ManualSeed(3);
        var net = new Net(Activation.Tanh);
        net.Eval();
        var x = Torch.Randn(5, 4);
        var expected = net.Call(x);
        var path = TempFile("net.pt");
        try
        {
            Torch.Save(net, path);
            var loaded = Torch.Load<Net>(path);
            Assert.NotSame(net, loaded);
            Assert.Equal(net.ToString(), loaded.ToString());
            Assert.False(loaded.Training);
            Assert.Equal(1, loaded.rebuilt);
            Assert.Equal(expected.ToArray<float>(), loaded.Call(x).ToArray<float>());
            Assert.Same(loaded.tiedA, loaded.tiedB);
            Assert.Null(((Affine)loaded.heads[1]).bias);
            Assert.Equal(net.StateDict().Keys, loaded.StateDict().Keys);
            Assert.Equal(net.Parameters().Count(), loaded.Parameters().Count());
            Assert.All(loaded.Parameters(), p => Assert.True(p.RequiresGrad && p.IsLeaf));
            Assert.Equal([4, 6, 3], loaded.sizes);
            Assert.Equal((7, 0.25, "t"), (loaded.options.Width, loaded.options.Scale, loaded.options.Tag.Name));
            Assert.Equal([1L, 2L], loaded.options.Tag.Shape);
            Assert.Equal(["a", "b"], loaded.notes);
            Assert.Equal(1.5, loaded.table["x"]);
            Assert.Equal(Activation.Tanh, loaded.activation);
            // The loaded model trains: gradients reach its own parameters.
            loaded.Call(x).Sum().Backward();
            Assert.All(loaded.Parameters(), p => Assert.NotNull(p.Grad));
            Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UntypedLoadAndModelsInsideContainers()
    {
        var net = new Net(Activation.Relu);
        var path = TempFile("ckpt.pth");
        try
        {
            Torch.Save(new Dictionary<string, object?> { ["model"] = net, ["again"] = net, ["epoch"] = 3 }, path);
            Assert.Contains("Weights only load failed", Assert.Throws<CheckpointFormatException>(() => Torch.Load(path)).Message);
            var d = Torch.Load<Dictionary<string, object?>>(path, weightsOnly: false);
            var model = Assert.IsType<Net>(d["model"]);
            Assert.Same(model, d["again"]);
            Assert.Equal(3L, d["epoch"]);
            Torch.Save(net, path);
            Assert.IsType<Net>(Torch.Load(path, weightsOnly: false));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FileHoldsPyTorchsStateDict()
    {
        var net = new Net(Activation.Relu);
        var path = TempFile("net.pkl");
        try
        {
            Torch.Save(net, path);
            using var source = ByteSource.OpenFile(path);
            var raw = Assert.IsType<Dictionary<string, object?>>(CheckpointReader.Load(source, null));
            Assert.Equal(ModuleSerialization.FormatVersion, raw[ModuleSerialization.MarkerKey]);
            Assert.Equal(typeof(Net).FullName, raw["type"]);
            var sd = Assert.IsType<OrderedDictionary<string, object?>>(raw["state_dict"]);
            Assert.Equal(net.StateDict().Keys, sd.Keys);
            foreach (var (k, v) in net.StateDict())
            {
                var t = Assert.IsType<Tensor>(sd[k]);
                Assert.False(t.RequiresGrad);
                Assert.Equal(v.ToArray<float>(), t.ToArray<float>());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void StateDictInTheFileWins()
    {
        // A file whose state_dict was replaced (as a PyTorch user editing the checkpoint would) loads those weights.
        var net = new Net(Activation.Relu);
        var path = TempFile("edited.pt");
        try
        {
            Torch.Save(net, path);
            Dictionary<string, object?> raw;
            using (var source = ByteSource.OpenFile(path)) raw = (Dictionary<string, object?>)CheckpointReader.Load(source, null)!;
            var sd = (OrderedDictionary<string, object?>)raw["state_dict"]!;
            sd["body.0.weight"] = Torch.Ones(6, 4);
            Torch.Save(raw, path);
            var loaded = Torch.Load<Net>(path);
            Assert.All(((Affine)loaded.body[0]).weight.ToArray<float>(), v => Assert.Equal(1f, v));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DataParallelWholeModel()
    {
        var dp = new DataParallel(new Affine(3, 2));
        var path = TempFile("dp.pt");
        try
        {
            Torch.Save(dp, path);
            var loaded = Torch.Load<DataParallel>(path);
            Assert.Equal(["module.weight", "module.bias"], loaded.StateDict().Keys);
            var x = Torch.Randn(2, 3);
            Assert.Equal(dp.Call(x).ToArray<float>(), loaded.Call(x).ToArray<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DelegateFieldIsRefusedNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.Save(new WithDelegate(), new MemoryStream()));
        Assert.Contains("WithDelegate.act", e.Message);
        Assert.Contains("[NonSerialized]", e.Message);
    }

    [Fact]
    public void FileCannotNameANonModuleClass()
    {
        var raw = new Dictionary<string, object?>
        {
            [ModuleSerialization.MarkerKey] = 1L, ["type"] = typeof(FileStream).FullName, ["assembly"] = "System.Private.CoreLib",
            ["fields"] = new Dictionary<string, object?>(),
        };
        var stream = new MemoryStream();
        Torch.Save(raw, stream);
        stream.Position = 0;
        var e = Assert.Throws<CheckpointFormatException>(() => Torch.Load(stream, weightsOnly: false));
        Assert.Contains("not a concrete Module", e.Message);
    }
}
