using System.Text;

namespace Flint.Tests.Serialization;

/// <summary>The rarer forms PyTorch 2.x and pickle protocols 3-5 use, built byte by byte.</summary>
public class PickleFeatureTests
{
    private static readonly byte[] Data = [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40];

    private static byte[] Storage(string cls = "FloatStorage") =>
        Pk.Cat('(', Pk.Str("storage"), Pk.Global("torch", cls), Pk.Str("0"), Pk.Str("cpu"), Pk.Int(4), 't', 'Q');

    private static object? LoadPickle(params object[] body) => Pk.Load(Pk.Zip(Pk.Pickle(body), ("0", Data)));

    [Fact]
    public void RebuildFromTypeV2WrapsTheTensorRebuild()
    {
        var t = Assert.IsType<Tensor>(LoadPickle(
            Pk.Global("torch._tensor", "_rebuild_from_type_v2"),
            '(', Pk.Global("torch._utils", "_rebuild_tensor_v2"), Pk.Global("torch", "Tensor"),
            '(', Storage(), Pk.Int(1), Pk.Ints(3), Pk.Ints(1), 0x89, Pk.Global("collections", "OrderedDict"), ')', 'R', 't',
            '}', 't', 'R'));
        Assert.Equal([2f, 3f, 4f], t.ToArray<float>());
    }

    [Fact]
    public void RebuildTensorV3ChecksTheDType()
    {
        var t = Assert.IsType<Tensor>(LoadPickle(
            Pk.Global("torch._utils", "_rebuild_tensor_v3"),
            '(', Storage(), Pk.Int(0), Pk.Ints(2, 2), Pk.Ints(2, 1), 0x89, Pk.Global("collections", "OrderedDict"), ')', 'R',
            Pk.Global("torch", "float32"), 't', 'R'));
        Assert.Equal([2L, 2L], t.Shape.ToArray());
        var e = Assert.ThrowsAny<Flint.Serialization.CheckpointFormatException>(() => LoadPickle(
            Pk.Global("torch._utils", "_rebuild_tensor_v3"),
            '(', Storage(), Pk.Int(0), Pk.Ints(4), Pk.Ints(1), 0x89, Pk.Global("collections", "OrderedDict"), ')', 'R',
            Pk.Global("torch", "int32"), 't', 'R'));
        Assert.Contains("torch.int32", e.Message);
    }

    [Fact]
    public void ParametersFromEveryRebuildPath()
    {
        byte[] Tensor() => Pk.Cat(Pk.Global("torch._utils", "_rebuild_tensor_v2"),
            '(', Storage(), Pk.Int(0), Pk.Ints(4), Pk.Ints(1), 0x89, Pk.Global("collections", "OrderedDict"), ')', 'R', 't', 'R');
        var withState = Assert.IsType<Tensor>(LoadPickle(Pk.Global("torch._utils", "_rebuild_parameter_with_state"),
            '(', Tensor(), 0x88, Pk.Global("collections", "OrderedDict"), ')', 'R', '}', 't', 'R'));
        Assert.True(withState.RequiresGrad);
        var newObj = Assert.IsType<Tensor>(LoadPickle(Pk.Global("torch.nn.parameter", "Parameter"), Tensor(), 0x89, 0x86, 0x81));
        Assert.False(newObj.RequiresGrad);
        Assert.Equal([1f, 2f, 3f, 4f], newObj.ToArray<float>());
    }

    [Fact]
    public void ProtocolFourSetsAndBytes()
    {
        var set = Assert.IsType<HashSet<object?>>(Pk.Load(Pk.Zip(Pk.Cat(0x80, 4, 0x8f, 0x94, '(', 'K', 1, 'K', 2, 0x90, '.'))));
        Assert.Equal([1L, 2L], set.Order());
        var frozen = Assert.IsType<HashSet<object?>>(Pk.Load(Pk.Zip(Pk.Cat(0x80, 4, '(', 'K', 3, 0x91, 0x94, '.'))));
        Assert.Equal([3L], frozen);
        Assert.Equal("abc"u8.ToArray(), Pk.Load(Pk.Zip(Pk.Cat(0x80, 3, 'C', 3, "abc", '.'))));
        Assert.Equal("xy"u8.ToArray(), Pk.Load(Pk.Zip(Pk.Cat(0x80, 2, Pk.Global("__builtin__", "bytearray"),
            Pk.Str("xy"), Pk.Str("latin-1"), 0x86, 'R', '.'))));
        Assert.Equal("\u00e9", Pk.Load(Pk.Zip(Pk.Cat(0x80, 2, 'U', 2, Encoding.UTF8.GetBytes("\u00e9"), '.'))));
        Assert.Equal(new object?[] { 1L, 1L }, Pk.Load(Pk.Zip(Pk.Cat(0x80, 2, 'K', 1, '2', 0x86, '.'))));
    }
}
