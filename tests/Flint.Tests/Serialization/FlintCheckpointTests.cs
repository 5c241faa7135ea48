using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>
/// Checkpoints Flint writes: byte-identical to the committed fixtures that tests/parity/verify_flint_checkpoints.py
/// checked in PyTorch (set FLINT_SERIALIZATION_FIXTURES to the fixture folder to rewrite them), and loadable by Flint
/// with every value, storage share and identity intact.
/// </summary>
public class FlintCheckpointTests
{
    public static IEnumerable<object[]> Names => FlintCheckpoints.All.Select(x => new object[] { x.Name });

    private static byte[] SaveToBytes(object? obj)
    {
        using var ms = new MemoryStream();
        Torch.Save(obj, ms);
        return ms.ToArray();
    }

    private static void CheckFixture(string name, byte[] checkpoint, string expectedJson)
    {
        var regenerate = Environment.GetEnvironmentVariable("FLINT_SERIALIZATION_FIXTURES");
        if (!string.IsNullOrEmpty(regenerate))
        {
            File.WriteAllBytes(Path.Combine(regenerate, name + ".pt"), checkpoint);
            File.WriteAllText(Path.Combine(regenerate, name + ".expected.json"), expectedJson);
            return;
        }
        Assert.True(checkpoint.AsSpan().SequenceEqual(File.ReadAllBytes(TypedJson.Fixture(name + ".pt"))),
            $"{name}.pt: Flint's output differs from the fixture PyTorch verified");
        Assert.Equal(File.ReadAllText(TypedJson.Fixture(name + ".expected.json")), expectedJson);
    }

    private static string Describe(object? obj) =>
        new JsonObject { ["writer"] = "Flint", ["value"] = TypedJson.Encode(obj) }.ToJsonString();

    [Theory]
    [MemberData(nameof(Names))]
    public void WritesTheVerifiedBytesAndReadsThemBack(string name)
    {
        var obj = FlintCheckpoints.All.Single(x => x.Name == name).Build();
        var bytes = SaveToBytes(obj);
        var description = Describe(obj);
        CheckFixture(name, bytes, description);
        using var doc = JsonDocument.Parse(description);
        TypedJson.Match(doc.RootElement.GetProperty("value"), Torch.Load(new MemoryStream(bytes)));
    }

    [Fact]
    public void WritesZip64Records()
    {
        var previous = TorchZipWriter.Zip64Threshold;
        TorchZipWriter.Zip64Threshold = 0;
        byte[] bytes;
        try
        {
            bytes = SaveToBytes(FlintCheckpoints.Zip64());
        }
        finally
        {
            TorchZipWriter.Zip64Threshold = previous;
        }
        var description = Describe(FlintCheckpoints.Zip64());
        CheckFixture("flint_zip64", bytes, description);
        using var doc = JsonDocument.Parse(description);
        TypedJson.Match(doc.RootElement.GetProperty("value"), Torch.Load(new MemoryStream(bytes)));
    }

    [Fact]
    public void SavesToAFileUnderAnyExtension()
    {
        var dir = Directory.CreateTempSubdirectory("flint-save-");
        try
        {
            var sd = FlintCheckpoints.LeNet();
            foreach (var ext in new[] { ".pt", ".pth", ".pkl", ".bin", "" })
            {
                var path = Path.Combine(dir.FullName, "model" + ext);
                Torch.Save(sd, path);
                var back = Torch.Load<OrderedDictionary<string, Tensor>>(path);
                Assert.Equal(sd.Keys, back.Keys);
                Assert.Equal(sd["fc1.weight"].ToArray<float>(), back["fc1.weight"].ToArray<float>());
            }
            Assert.Equal(5, Directory.GetFiles(dir.FullName).Length);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void ArchiveLayoutIsPyTorchs()
    {
        var bytes = SaveToBytes(FlintCheckpoints.Zip64());
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(bytes));
        Assert.Equal(["archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/data/1", "archive/version"],
            zip.Entries.Select(e => e.FullName));
        using (var reader = new StreamReader(zip.GetEntry("archive/version")!.Open()))
            Assert.Equal("3\n", reader.ReadToEnd());
        // Every record's data starts at a 64-byte aligned offset, as torch's reader expects for mmap loading.
        var source = new ByteSource.MemorySource(bytes);
        var reader2 = new TorchZipReader(source);
        Assert.All(reader2.Entries, e => Assert.Equal(0, reader2.DataOffset(e) % 64));
    }

    [Fact]
    public void RefusesWhatItCannotPickle()
    {
        var e = Assert.Throws<ArgumentException>(() => SaveToBytes(new Dictionary<string, object?> { ["x"] = new object() }));
        Assert.Contains("System.Object", e.Message);
        var t = FlintCheckpoints.Values(0, DType.Float32, 4);
        var cyclic = new object?[1];
        cyclic[0] = cyclic;
        Assert.Throws<ArgumentException>(() => SaveToBytes(cyclic));
        Assert.Equal(4, t.Numel());
    }

    [Fact]
    public void TypedLoadReportsWhatDoesNotFit()
    {
        var bytes = SaveToBytes(new Dictionary<string, object?> { ["a"] = 1L, ["b"] = "text" });
        var ints = Torch.Load<Dictionary<string, object>>(new MemoryStream(bytes));
        Assert.Equal(1L, ints["a"]);
        var e = Assert.Throws<InvalidCastException>(() => Torch.Load<Dictionary<string, int>>(new MemoryStream(bytes)));
        Assert.Contains("[b]", e.Message);
        var big = SaveToBytes(new List<object?> { 1L, 300L });
        Assert.Throws<InvalidCastException>(() => Torch.Load<byte[]>(new MemoryStream(big)));
        Assert.Equal([1, 300], Torch.Load<int[]>(new MemoryStream(big)));
        Assert.Equal(Encoding.UTF8.GetBytes("abc"), Torch.Load<byte[]>(new MemoryStream(SaveToBytes(Encoding.UTF8.GetBytes("abc")))));
        var real = SaveToBytes(new List<object?> { 2.5, 1L });
        Assert.Throws<InvalidCastException>(() => Torch.Load<List<long>>(new MemoryStream(real)));
        Assert.Equal([2.5f, 1f], Torch.Load<float[]>(new MemoryStream(real)));
        Assert.Throws<InvalidCastException>(() => Torch.Load<List<bool>>(new MemoryStream(real)));
    }
}
