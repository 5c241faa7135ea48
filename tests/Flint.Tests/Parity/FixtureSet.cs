using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Flint.Tests.Parity;

/// <summary>
/// A fixture set written by tests/parity/*.py with PyTorch: NAME.json (cases) and NAME.npz (tensors).
/// Loaded once per name and shared by the tests that read it.
/// </summary>
public sealed class FixtureSet
{
    private static readonly Dictionary<string, FixtureSet> Cache = [];
    private readonly Dictionary<string, (string Descr, long[] Shape, byte[] Data)> arrays = [];

    public IReadOnlyList<JsonElement> Cases { get; }

    private FixtureSet(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "fixtures");
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, name + ".json"))))
            Cases = doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToList();
        using var zip = ZipFile.OpenRead(Path.Combine(dir, name + ".npz"));
        foreach (var e in zip.Entries)
        {
            using var s = e.Open();
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            arrays[e.FullName[..^4]] = ParseNpy(ms.ToArray());
        }
    }

    public static FixtureSet Load(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var f)) Cache[name] = f = new FixtureSet(name);
            return f;
        }
    }

    /// <summary>Case ids for xunit's MemberData.</summary>
    public static IEnumerable<object[]> Ids(string name) => Load(name).Cases.Select(c => new object[] { c.GetProperty("id").GetString()! });

    public JsonElement Case(string id) => Cases.First(c => c.GetProperty("id").GetString() == id);

    /// <summary>The tensor a spec ({key, dtype, shape}) names, in its dtype.</summary>
    public Tensor Tensor(JsonElement spec)
    {
        var (descr, shape, data) = arrays[spec.GetProperty("key").GetString()!];
        var dtype = DTypes.Parse(spec.GetProperty("dtype").GetString()!);
        Tensor t = descr switch
        {
            "<f4" => Torch.FromArray(Cast<float>(data), shape),
            "<f8" => Torch.FromArray(Cast<double>(data), shape),
            "<i8" => Torch.FromArray(Cast<long>(data), shape),
            "<i4" => Torch.FromArray(Cast<int>(data), shape),
            "<i2" => Torch.FromArray(Cast<short>(data), shape),
            "|i1" => Torch.FromArray(Cast<sbyte>(data), shape),
            "|u1" => Torch.FromArray(data, shape),
            "|b1" => Torch.FromArray(Cast<bool>(data), shape),
            _ => throw new NotSupportedException(descr),
        };
        var specShape = spec.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        return t.Reshape(specShape).To(dtype);
    }

    private static T[] Cast<T>(byte[] data) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(data).ToArray();

    private static (string, long[], byte[]) ParseNpy(byte[] b)
    {
        if (b[0] != 0x93 || Encoding.ASCII.GetString(b, 1, 5) != "NUMPY") throw new InvalidDataException("not npy");
        int major = b[6];
        int headerLen = major == 1 ? BitConverter.ToUInt16(b, 8) : BitConverter.ToInt32(b, 8);
        int start = major == 1 ? 10 : 12;
        var header = Encoding.ASCII.GetString(b, start, headerLen);
        var descr = Between(header, "'descr': '", "'");
        if (header.Contains("'fortran_order': True")) throw new NotSupportedException("fortran order");
        var shapeText = Between(header, "'shape': (", ")");
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(long.Parse).ToArray();
        return (descr, shape, b[(start + headerLen)..]);
    }

    private static string Between(string s, string a, string b)
    {
        int i = s.IndexOf(a, StringComparison.Ordinal) + a.Length;
        return s[i..s.IndexOf(b, i, StringComparison.Ordinal)];
    }
}
