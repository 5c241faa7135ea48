using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>
/// safetensors: files written as huggingface safetensors writes them (tests/parity/serialization.py) load with every
/// value; Flint writes the same bytes for the same tensors; every validation rule of the reference reader holds.
/// </summary>
public class SafeTensorsTests
{
    private static readonly KeyValuePair<string, string>[] ReferenceMetadata =
        [new("format", "pt"), new("note", "line\nbreak \"quoted\" \u2713")];

    [Fact]
    public void LoadsTheReferenceFileByMemoryMapping()
    {
        var expected = TypedJson.Expected("reference");
        var tensors = SafeTensors.Load(TypedJson.Fixture("reference.safetensors"));
        TypedJson.Match(expected.GetProperty("value"), tensors);
        var metadata = SafeTensors.LoadMetadata(TypedJson.Fixture("reference.safetensors"))!;
        Assert.Equal(ReferenceMetadata, metadata.OrderBy(kv => kv.Key));
        Assert.Equal(DType.BFloat16, tensors["embed"].DType);
        Assert.Equal(0, tensors["scalar"].Dim());

        var fromMemory = SafeTensors.Load(File.ReadAllBytes(TypedJson.Fixture("reference.safetensors")));
        TypedJson.Match(expected.GetProperty("value"), fromMemory);
    }

    [Fact]
    public void WritesTheReferenceBytes()
    {
        var tensors = SafeTensors.Load(TypedJson.Fixture("reference.safetensors"));
        using var ms = new MemoryStream();
        SafeTensors.Save(tensors.Reverse(), ms, ReferenceMetadata);
        Assert.Equal(File.ReadAllBytes(TypedJson.Fixture("reference.safetensors")), ms.ToArray());

        using var plain = new MemoryStream();
        SafeTensors.Save(SafeTensors.Load(TypedJson.Fixture("nometa.safetensors")), plain);
        Assert.Equal(File.ReadAllBytes(TypedJson.Fixture("nometa.safetensors")), plain.ToArray());
        Assert.Null(SafeTensors.LoadMetadata(TypedJson.Fixture("nometa.safetensors")));

        using var empty = new MemoryStream();
        SafeTensors.Save(new Dictionary<string, Tensor>(), empty);
        Assert.Equal(File.ReadAllBytes(TypedJson.Fixture("empty.safetensors")), empty.ToArray());
        Assert.Empty(SafeTensors.Load(TypedJson.Fixture("empty.safetensors")));
    }

    /// <summary>The Flint-written file that verify_flint_checkpoints.py checks with the reference reader.</summary>
    private static OrderedDictionary<string, Tensor> FlintTensors()
    {
        var w = FlintCheckpoints.Values(40, DType.Float32, 3, 5);
        return new()
        {
            ["weight"] = w,
            ["weight_t"] = w.T(),
            ["row"] = w.Select(0, 1),
            ["ids"] = FlintCheckpoints.Values(41, DType.Int64, 4),
            ["half"] = FlintCheckpoints.Values(42, DType.Float16, 2, 2),
            ["bf"] = FlintCheckpoints.Values(43, DType.BFloat16, 3),
            ["mask"] = Torch.FromArray([true, false]),
            ["bytes"] = Torch.FromArray(new byte[] { 1, 2, 250 }),
        };
    }

    [Fact]
    public void WritesFlintFixtureAndReadsItBack()
    {
        var tensors = FlintTensors();
        var metadata = new Dictionary<string, string> { ["framework"] = "flint", ["epoch"] = "3" };
        using var ms = new MemoryStream();
        SafeTensors.Save(tensors, ms, metadata);
        var sorted = new OrderedDictionary<string, Tensor>();
        foreach (var kv in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sorted.Add(kv.Key, kv.Value.Contiguous().Clone());
        var description = new JsonObject
        {
            ["writer"] = "Flint", ["value"] = TypedJson.Encode(sorted),
            ["metadata"] = new JsonObject { ["framework"] = "flint", ["epoch"] = "3" },
        }.ToJsonString();
        var regenerate = Environment.GetEnvironmentVariable("FLINT_SERIALIZATION_FIXTURES");
        if (!string.IsNullOrEmpty(regenerate))
        {
            File.WriteAllBytes(Path.Combine(regenerate, "flint.safetensors"), ms.ToArray());
            File.WriteAllText(Path.Combine(regenerate, "flint.expected.json"), description);
        }
        else
        {
            Assert.Equal(File.ReadAllBytes(TypedJson.Fixture("flint.safetensors")), ms.ToArray());
            Assert.Equal(File.ReadAllText(TypedJson.Fixture("flint.expected.json")), description);
        }
        var back = SafeTensors.Load(ms.ToArray());
        Assert.Equal(sorted.Keys, back.Keys);
        foreach (var (name, t) in tensors)
            Assert.Equal(t.Contiguous().ToHostBytes(), back[name].ToHostBytes());
        Assert.Equal([5L, 3L], back["weight_t"].Shape.ToArray());
    }

    [Fact]
    public void SavesToAFileAtomically()
    {
        var dir = Directory.CreateTempSubdirectory("flint-st-");
        try
        {
            var path = Path.Combine(dir.FullName, "model.safetensors");
            SafeTensors.Save(FlintTensors(), path, new Dictionary<string, string> { ["k"] = "v" });
            Assert.Equal("v", SafeTensors.LoadMetadata(path)!["k"]);
            Assert.Equal(8, SafeTensors.Load(path).Count);
            Assert.Single(Directory.GetFiles(dir.FullName));
            Assert.Throws<ArgumentException>(() => SafeTensors.Save(
                [new("a", Torch.Zeros(1)), new("a", Torch.Zeros(2))], path));
            Assert.Equal(8, SafeTensors.Load(path).Count);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static byte[] Blob(string header, int dataBytes = 0, int? declared = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var b = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)(declared ?? h.Length));
        h.CopyTo(b, 8);
        return b;
    }

    public static IEnumerable<object[]> Invalid() =>
    [
        [new byte[] { 1, 2, 3 }, "fewer than the 8-byte"],
        [Blob("{}", declared: 100_000_001), "100 MB"],
        [Blob("{}", declared: 50), "runs past the end"],
        [Blob(" {}"), "does not start with '{'"],
        [new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, (byte)'{', 0xFF }, "not valid UTF-8"],
        [Blob("{\"a\":"), "not valid JSON"],
        [Blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", 4), "not valid JSON"],
        [Blob("{} x"), "not valid JSON"],
        [Blob("{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unknown dtype 'F33'"],
        [Blob("{\"a\":{\"dtype\":\"U32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "dtype U32, which Flint does not support"],
        [Blob("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "lacks shape"],
        [Blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8), "must be [begin, end]"],
        [Blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "non-negative integer"],
        [Blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4), "non-negative integer"],
        [Blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "no gap or overlap"],
        [Blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", 8),
            "no gap or overlap"],
        [Blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12),
            "no gap or overlap"],
        [Blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "needs 8 bytes"],
        [Blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 6), "holds 6 bytes of data"],
        [Blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 2), "holds 2 bytes of data"],
        [Blob("{\"a\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", 4), "overflows"],
        [Blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
            "names 'a' twice"],
        [Blob("{\"__metadata__\":{\"k\":1}}"), "should be a JSON String"],
        [Blob("{\"a\":[1]}"), "should be a JSON StartObject"],
        [Blob("[]"), "does not start with '{'"],
    ];

    [Theory]
    [MemberData(nameof(Invalid))]
    public void RejectsEveryInvalidFile(byte[] data, string message)
    {
        var e = Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(data));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void RejectsInvalidFilesOnDisk()
    {
        var e = Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(TypedJson.Fixture("u16.safetensors")));
        Assert.Contains("U16", e.Message);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [1, 2]);
            Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(path));
            File.WriteAllBytes(path, []);
            Assert.Throws<CheckpointFormatException>(() => SafeTensors.LoadMetadata(path));
            var e2 = Assert.Throws<CheckpointFormatException>(() => Torch.Load(TypedJson.Fixture("reference.safetensors")));
            Assert.Contains("SafeTensors.Load", e2.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AcceptsPaddingUnknownFieldsAndNullMetadata()
    {
        var data = Blob("{\"__metadata__\":null,\"a\":{\"extra\":{\"x\":[1,{}]},\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]}}   \n", 4);
        data[^4] = 7;
        var t = Assert.Single(SafeTensors.Load(data));
        Assert.Equal(7, t.Value.Item<int>());
    }
}
