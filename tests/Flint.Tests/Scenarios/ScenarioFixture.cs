using System.Text.Json;

namespace Flint.Tests.Scenarios;

/// <summary>Reads tests/fixtures/scenarios/NAME.json, written by tests/parity/scenarios.py from PyTorch.</summary>
internal static class ScenarioFixture
{
    public static JsonElement Load(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "scenarios", name + ".json"))).RootElement;

    /// <summary>A nested JSON array of numbers, flattened in row-major order.</summary>
    public static double[] Flat(JsonElement e)
    {
        var r = new List<double>();
        void Walk(JsonElement x)
        {
            if (x.ValueKind == JsonValueKind.Array)
                foreach (var c in x.EnumerateArray()) Walk(c);
            else r.Add(x.GetDouble());
        }
        Walk(e);
        return r.ToArray();
    }
}
