using System.Numerics;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>Checkpoints written by PyTorch 1.13 (tests/parity/serialization.py) load with every value intact.</summary>
public class PyTorchCheckpointTests
{
    [Theory]
    [InlineData("lenet.pth")]
    [InlineData("resnet.pt")]
    [InlineData("dtypes.pkl")]
    [InlineData("views.pt")]
    [InlineData("adam.bin")]
    [InlineData("nested.pt")]
    [InlineData("params.pt")]
    [InlineData("legacy.pt")]
    [InlineData("proto4.pt")]
    [InlineData("v2x.pt")]
    [InlineData("bigendian.pt")]
    public void LoadsEveryValue(string file)
    {
        var loaded = Torch.Load(TypedJson.Fixture(file));
        TypedJson.Match(TypedJson.Expected(file[..file.LastIndexOf('.')]).GetProperty("value"), loaded);
    }

    [Theory]
    [InlineData("offset", "1")]
    [InlineData("storage", "9")]
    [InlineData("data", "\"AAAAAA==\"")]
    [InlineData("stride", "[6]")]
    public void ComparisonCatchesEveryDifference(string field, string replacement)
    {
        var loaded = Torch.Load(TypedJson.Fixture("views.pt"));
        var doc = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(TypedJson.Fixture("views.expected.json")))!;
        var row = doc["value"]!["items"]![1]![1]!;
        row[field] = System.Text.Json.Nodes.JsonNode.Parse(replacement);
        using var mutated = System.Text.Json.JsonDocument.Parse(doc.ToJsonString());
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => TypedJson.Match(mutated.RootElement.GetProperty("value"), loaded));
    }

    [Fact]
    public void LoadsFromStreams()
    {
        var bytes = File.ReadAllBytes(TypedJson.Fixture("views.pt"));
        var expected = TypedJson.Expected("views").GetProperty("value");
        using (var seekable = new MemoryStream(bytes)) TypedJson.Match(expected, Torch.Load(seekable));
        using var forwardOnly = new ForwardOnlyStream(bytes);
        TypedJson.Match(expected, Torch.Load(forwardOnly));
    }

    [Fact]
    public void StateDictIsAnOrderedDictionaryOfTensors()
    {
        var sd = Assert.IsType<OrderedDictionary<string, object?>>(Torch.Load(TypedJson.Fixture("lenet.pth")));
        Assert.Equal(["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight",
            "fc2.bias", "fc3.weight", "fc3.bias"], sd.Keys);
        Assert.Equal([16, 6, 5, 5], Assert.IsType<Tensor>(sd["conv2.weight"]).Shape.ToArray());

        var typed = Torch.Load<OrderedDictionary<string, Tensor>>(TypedJson.Fixture("lenet.pth"));
        Assert.Equal(sd.Keys, typed.Keys);
        Assert.Equal([120, 400], typed["fc1.weight"].Shape.ToArray());
        var plain = Torch.Load<IReadOnlyDictionary<string, Tensor>>(TypedJson.Fixture("lenet.pth"));
        Assert.IsType<OrderedDictionary<string, Tensor>>(plain);
    }

    [Fact]
    public void ResNetBuffersKeepTheirDTypes()
    {
        var sd = Torch.Load<OrderedDictionary<string, Tensor>>(TypedJson.Fixture("resnet.pt"));
        var tracked = sd["layer2.0.downsample.1.num_batches_tracked"];
        Assert.Equal(DType.Int64, tracked.DType);
        Assert.Equal(0, tracked.Dim());
        Assert.Equal(3L, tracked.Item<long>());
        Assert.Equal(DType.Float32, sd["bn1.running_var"].DType);
        Assert.False(sd["bn1.weight"].RequiresGrad);
    }

    [Fact]
    public void OptimizerStateHasIntKeys()
    {
        var state = Assert.IsType<Dictionary<string, object?>>(Torch.Load(TypedJson.Fixture("adam.bin")));
        var perParam = Assert.IsType<Dictionary<long, object?>>(state["state"]);
        Assert.Equal([0L, 1L, 2L, 3L], perParam.Keys);
        var first = Assert.IsType<Dictionary<string, object?>>(perParam[0]);
        Assert.Equal(3f, Assert.IsType<Tensor>(first["step"]).Item<float>());
        var group = Assert.IsType<Dictionary<string, object?>>(Assert.Single(Assert.IsType<List<object?>>(state["param_groups"])));
        Assert.Equal(0.001, group["lr"]);
        Assert.Equal(new object?[] { 0.9, 0.999 }, Assert.IsType<object?[]>(group["betas"]));
        Assert.Equal(0L, group["weight_decay"]);
        Assert.Null(group["foreach"]);
        Assert.Equal(new List<object?> { 0L, 1L, 2L, 3L }, group["params"]);

        var typed = Torch.Load<Dictionary<string, object?>>(TypedJson.Fixture("adam.bin"));
        var states = Torch.Load<Dictionary<string, Dictionary<long, Dictionary<string, Tensor>>>>(
            new MemoryStream(Serialize(new Dictionary<string, object?> { ["s"] = typed["state"] })));
        Assert.Equal([2, 3], states["s"][2]["exp_avg"].Shape.ToArray());
    }

    private static byte[] Serialize(object? obj)
    {
        using var ms = new MemoryStream();
        Torch.Save(obj, ms);
        return ms.ToArray();
    }

    [Fact]
    public void ViewsShareOneStorage()
    {
        var v = Assert.IsType<Dictionary<string, object?>>(Torch.Load(TypedJson.Fixture("views.pt")));
        var baseT = (Tensor)v["base"]!;
        var col = (Tensor)v["col"]!;
        Assert.Same(baseT.UntypedStorage(), col.UntypedStorage());
        Assert.Same(v["twice_a"], v["twice_b"]);
        baseT.Select(0, 3).Select(0, 2).Fill_(-1);
        Assert.Equal(-1f, col.ToArray<float>()[3]);
        Assert.Equal([0L, 1L], ((Tensor)v["expanded"]!).Stride());
    }

    [Fact]
    public void ParametersLoadAsTensorsRequiringGrad()
    {
        var p = Assert.IsType<Dictionary<string, object?>>(Torch.Load(TypedJson.Fixture("params.pt")));
        Assert.True(((Tensor)p["param"]!).RequiresGrad);
        Assert.True(((Tensor)p["param"]!).IsLeaf);
        Assert.False(((Tensor)p["frozen"]!).RequiresGrad);
        Assert.True(((Tensor)p["nonleaf"]!).IsLeaf);
        Assert.True(((Tensor)p["nonleaf"]!).RequiresGrad);
        var leaf = (Tensor)p["leaf"]!;
        leaf.Sum().Backward();
        Assert.Equal([1f, 1f], leaf.Grad!.ToArray<float>());
    }

    [Fact]
    public void NestedContainersKeepTheirTypesAndIdentity()
    {
        var n = Assert.IsType<Dictionary<string, object?>>(Torch.Load(TypedJson.Fixture("nested.pt")));
        Assert.Same(n["shared_a"], n["shared_b"]);
        var rec = Assert.IsType<List<object?>>(n["recursive"]);
        Assert.Same(rec, rec[0]);
        Assert.Equal(BigInteger.Pow(2, 70), ((List<object?>)n["ints"]!)[14]);
        Assert.IsType<Dictionary<object, object?>>(n["mixed_keys"]);
        Assert.IsType<OrderedDictionary<long, object?>>(n["odict_int"]);
        Assert.IsType<OrderedDictionary<string, object?>>(n["empty_odict"]);
        Assert.Equal(new Device(DeviceType.Cuda, 1), n["dev_cuda"]);
        Assert.Equal(DType.Float16, n["dtype"]);
        Assert.Equal(new Complex(1.5, -2), n["complex"]);
        Assert.Equal(2500, ((List<object?>)n["big_list"]!).Count);
    }

    [Fact]
    public void MapLocationPlacesStoragesOnTheCpu()
    {
        var sd = Torch.Load<OrderedDictionary<string, Tensor>>(TypedJson.Fixture("resnet.pt"), mapLocation: "cpu");
        Assert.All(sd.Values, t => Assert.True(t.Device.IsCpu));
    }

    [Theory]
    [InlineData("model_pickle.pt", "Unsupported global")]
    [InlineData("torchscript.pt", "TorchScript")]
    [InlineData("complex.pt", "ComplexFloatStorage")]
    public void RefusesWhatItCannotRepresent(string file, string message)
    {
        var e = Assert.ThrowsAny<CheckpointFormatException>(() => Torch.Load(TypedJson.Fixture(file)));
        Assert.Contains(message, e.Message);
    }

    /// <summary>A stream that cannot seek, as a network or pipe stream.</summary>
    internal sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 1000));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
