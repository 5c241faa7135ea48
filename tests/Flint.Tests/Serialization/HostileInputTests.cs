using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>
/// The unpickler is safe by construction: it never names code outside the allow-list, bounds every length and
/// nesting, and turns each malformed or hostile input into <see cref="CheckpointFormatException"/> naming the problem.
/// </summary>
public class HostileInputTests
{
    private static readonly byte[] FourFloats = new byte[16];

    public static IEnumerable<object[]> BadPickles() =>
    [
        [Pk.Pickle(Pk.Global("os", "system"), Pk.Str("echo pwned"), 0x85, 'R'), "GLOBAL os.system is not on the allow-list"],
        [Pk.Pickle(Pk.Str("builtins"), Pk.Str("eval"), 0x93, Pk.Str("1"), 0x85, 'R'), "GLOBAL builtins.eval"],
        [Pk.Pickle(Pk.Global("__builtin__", "getattr")), "GLOBAL builtins.getattr"],
        [Pk.Pickle(Pk.Global("__torch__.Net", "Net")), "TorchScript"],
        [Pk.Pickle(Pk.Global("torch.nn.modules.linear", "Linear")), "model.state_dict()"],
        [Pk.Pickle('X', 0xFF, 0xFF, 0xFF, 0xFF, "abc"), "needs 4294967295 bytes"],
        [Pk.Pickle(0x8d, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F), "runs past the end of the pickle"],
        [Pk.Pickle(0x95, 0, 0, 0, 0, 0, 0, 1, 0, 'N'), "FRAME of"],
        [Pk.Pickle(Enumerable.Repeat((object)'(', 1001).ToArray()), "nests deeper than 1000 levels"],
        [Pk.Pickle(Pk.Cat('N', Pk.Cat(Enumerable.Repeat((object)0x85, 5000).ToArray()))), "nest deeper than 1000 levels"],
        [Pk.Pickle('h', 7), "memo entry 7, which was never stored"],
        [Pk.Pickle('0'), "pops from an empty stack"],
        [Pk.Pickle('N', 'N'), "stops with 2 objects on the stack"],
        [Pk.Cat(0x80, 2, 'N'), "needs 1 bytes"],
        [Pk.Pickle(']', ')', 'R'), "REDUCE calls a list"],
        [Pk.Pickle('}', 'N', 'a'), "APPEND(S) is only allowed on a list"],
        [Pk.Pickle(']', 'N', 'N', 's'), "SETITEM(S) is only allowed on a dict"],
        [Pk.Pickle(']', '}', 'b'), "BUILD is only allowed on an OrderedDict"],
        [Pk.Pickle(0xFE), "unsupported pickle opcode 0xFE"],
        [Cat(0x80, 6, 'N', '.'), "unsupported pickle protocol 6"],
        [Pk.Pickle(Pk.Global("collections", "OrderedDict"), 'N', 0x85, 'R'), "takes 0 arguments"],
        [Pk.Pickle(Pk.Global("_codecs", "encode"), Pk.Str("a"), Pk.Str("utf-16"), 0x86, 'R'), "only the latin1 encoding"],
        [Pk.Pickle(Pk.Global("torch", "device"), Pk.Str("mps"), 0x85, 'R'), "torch.device"],
        [Pk.Pickle('}', ']', 'N', 's'), "unhashable type: 'list'"],
        [Pk.Pickle(Pk.Global("collections", "OrderedDict")), "bare reference to collections.OrderedDict"],
        [Pk.Pickle('(', 't', 'Q'), "persistent ids must be"],
        [Pk.Pickle('X', 2, 0, 0, 0, 0xC3, 0x28), "not valid UTF-8"],
        [Pk.Pickle(Pk.Global("torch._utils", "_rebuild_tensor_v2"), ')', 'R'), "takes 6 to 7 arguments"],
    ];

    private static byte[] Cat(params object[] parts) => Pk.Cat(parts);

    [Theory]
    [MemberData(nameof(BadPickles))]
    public void RefusesHostilePickles(byte[] pickle, string message)
    {
        var e = Assert.Throws<UnpicklingException>(() => Pk.Load(Pk.Zip(pickle)));
        Assert.Contains(message, e.Message);
    }

    public static IEnumerable<object[]> BadTensors() =>
    [
        [Pk.Tensor(1, [4], [1]), "reaches element 4, but its storage has 4 elements"],
        [Pk.Tensor(0, [2, 3], [3, 1]), "reaches element 5"],
        [Pk.Tensor(0, [2], [-1]), "stride must not be negative"],
        [Pk.Tensor(-1, [1], [1]), "storage_offset must not be negative"],
        [Pk.Tensor(0, [2, 2], [2]), "size has 2 dims but stride has 1"],
        [Pk.Tensor(0, [65536, 65536, 65536, 65536], [1, 1, 1, 1]), "overflow"],
        [Pk.Tensor(0, [4], [1], storage: "IntStorage", requiresGrad: true), "floating point"],
        [Pk.Tensor(0, [2], [1], key: "7"), "has no record 'archive/data/7'"],
        [Pk.Tensor(0, [2], [1], numel: 5), "holds 16 bytes, but data.pkl declares 5 float32 elements (20 bytes)"],
        [Pk.Tensor(0, [2], [1], storage: "ComplexFloatStorage"), "ComplexFloatStorage, a dtype Flint does not support"],
        [Pk.Tensor(0, [2], [1], location: "tpu"), "'tpu'"],
    ];

    [Theory]
    [MemberData(nameof(BadTensors))]
    public void ValidatesEveryTensor(byte[] tensor, string message)
    {
        var e = Assert.ThrowsAny<CheckpointFormatException>(() => Pk.Load(Pk.Zip(Pk.Pickle(tensor), ("0", FourFloats))));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void HandBuiltTensorLoads()
    {
        var data = new byte[16];
        BitConverter.GetBytes(2.5f).CopyTo(data, 4);
        var t = Assert.IsType<Tensor>(Pk.Load(Pk.Zip(Pk.Pickle(Pk.Tensor(1, [3], [1], requiresGrad: true)), ("0", data))));
        Assert.Equal([2.5f, 0f, 0f], t.ToArray<float>());
        Assert.True(t.RequiresGrad);
        Assert.Equal(1, t.StorageOffset());
    }

    [Fact]
    public void CudaStoragesNeedCudaOrAMapLocation()
    {
        var ckpt = Pk.Zip(Pk.Pickle(Pk.Tensor(0, [4], [1], location: "cuda:0")), ("0", FourFloats));
        if (!Flint.Backends.CudaBackends.Factory.HasValue())
        {
            var e = Assert.Throws<InvalidOperationException>(() => Pk.Load(ckpt));
            Assert.Contains("map_location=torch.device('cpu')", e.Message);
        }
        var t = Assert.IsType<Tensor>(Torch.Load(new MemoryStream(ckpt), mapLocation: Device.CPU));
        Assert.True(t.Device.IsCpu);
    }

    [Fact]
    public void CombinesCrc32sOfConcatenatedParts()
    {
        var data = new byte[3_000_017];
        new Random(5).NextBytes(data);
        foreach (var (a, b) in new[] { (0, 10), (10, 0), (1, 1), (7, 1000), (1_500_008, 1_500_009), (3, 3_000_014) })
        {
            var whole = System.IO.Hashing.Crc32.HashToUInt32(data.AsSpan(0, a + b));
            var head = System.IO.Hashing.Crc32.HashToUInt32(data.AsSpan(0, a));
            var tail = System.IO.Hashing.Crc32.HashToUInt32(data.AsSpan(a, b));
            Assert.Equal(whole, TorchZipReader.Crc32Combine(head, tail, b));
        }
    }

    [Fact]
    public void DetectsCorruptionInEachThreadsPartOfALargeTensor()
    {
        // 4 MB of data: read in parts by several threads, each part's CRC combined into the entry's.
        var t = Torch.Arange(1 << 20, dtype: DType.Float32);
        var path = Path.Combine(Path.GetTempPath(), $"flint-crc-{Environment.ProcessId}.pt");
        try
        {
            Torch.Save(t, path);
            Assert.True(Torch.Equal(t, Assert.IsType<Tensor>(Torch.Load(path))));
            var clean = File.ReadAllBytes(path);
            var data = new TorchZipReader(new ByteSource.MemorySource(clean)).Find("data/0")!;
            foreach (var at in new[] { 5L, (1 << 22) - 5 })
            {
                var corrupt = (byte[])clean.Clone();
                corrupt[new TorchZipReader(new ByteSource.MemorySource(clean)).DataOffset(data) + at] ^= 0x10;
                File.WriteAllBytes(path, corrupt);
                Assert.Contains("CRC-32 mismatch", Assert.Throws<CheckpointFormatException>(() => Torch.Load(path)).Message);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DetectsCorruptArchives()
    {
        var ckpt = Pk.Zip(Pk.Pickle(Pk.Tensor(0, [4], [1])), ("0", FourFloats));
        var reader = new TorchZipReader(new ByteSource.MemorySource(ckpt));
        var data = reader.Find("data/0")!;
        var corrupt = (byte[])ckpt.Clone();
        corrupt[reader.DataOffset(data) + 3] ^= 0x40;
        Assert.Contains("CRC-32 mismatch in zip entry 'archive/data/0'",
            Assert.Throws<CheckpointFormatException>(() => Pk.Load(corrupt)).Message);
        Assert.Contains("end-of-central-directory", Assert.Throws<CheckpointFormatException>(() => Pk.Load(ckpt[..^30])).Message);
        Assert.Contains("is empty", Assert.Throws<CheckpointFormatException>(() => Pk.Load([])).Message);
        Assert.Contains("not a PyTorch checkpoint", Assert.Throws<CheckpointFormatException>(() => Pk.Load([1, 2, 3, 4, 5])).Message);
        Assert.Contains("preview release", Assert.Throws<CheckpointFormatException>(() => Pk.Load("PYTORCH1xxxxxxxx"u8.ToArray())).Message);
        var tar = new byte[600];
        "ustar"u8.CopyTo(tar.AsSpan(257));
        Assert.Contains("tar-based format", Assert.Throws<CheckpointFormatException>(() => Pk.Load(tar)).Message);
        var noVersion = (byte[])ckpt.Clone();
        var v = System.Text.Encoding.ASCII.GetBytes("archive/version");
        var at = noVersion.AsSpan().LastIndexOf(v);
        noVersion[at + 8] = (byte)'V';
        Assert.Contains("no 'archive/version' record", Assert.Throws<CheckpointFormatException>(() => Pk.Load(noVersion)).Message);
        Assert.Contains("Invalid magic number", Assert.Throws<CheckpointFormatException>(() => Pk.Load(Pk.Pickle('N'))).Message);
    }
}

internal static class FactoryExtensions
{
    public static bool HasValue(this Func<Device, Flint.Backends.IBackend>? factory) => factory is not null;
}
