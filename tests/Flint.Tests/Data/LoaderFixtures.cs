using System.Text.Json;

namespace Flint.Tests.Data;

/// <summary>Cases of tests/fixtures/data/loader.json, written by tests/parity/data_loader.py with PyTorch.</summary>
internal static class LoaderFixtures
{
    private static readonly Lazy<List<JsonElement>> Cases = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "data", "loader.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToList();
    });

    public static IEnumerable<JsonElement> OfKind(string kind) => Cases.Value.Where(c => c.GetProperty("kind").GetString() == kind);

    public static JsonElement Case(string id) => Cases.Value.First(c => c.GetProperty("id").GetString() == id);

    public static IEnumerable<object[]> Ids(string kind) => OfKind(kind).Select(c => new object[] { c.GetProperty("id").GetString()! });

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();
}
