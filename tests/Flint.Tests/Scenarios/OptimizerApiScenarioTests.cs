using Flint.Examples.Scenarios;
using Flint.Optim;

namespace Flint.Tests.Scenarios;

/// <summary>SCENARIOS.md O2: the Optimizer API walk-through gives PyTorch's parameters at every step.</summary>
public class OptimizerApiScenarioTests
{
    [Fact]
    public void O2_WalkThroughEqualsPyTorch()
    {
        var fx = ScenarioFixture.Load("o2");
        var path = Path.Combine(Path.GetTempPath(), $"flint-o2-test-{Guid.NewGuid():N}.pt");
        O2OptimizerApi.Trace trace;
        try
        {
            trace = O2OptimizerApi.Run(TextWriter.Null, path);
        }
        finally
        {
            File.Delete(path);
        }
        var expected = fx.GetProperty("trace").EnumerateArray().ToList();
        Assert.Equal(expected.Count, trace.Steps.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            ParityAssert.Close(ScenarioFixture.Flat(expected[i].GetProperty("w1")), trace.Steps[i].W1, 1e-12);
            ParityAssert.Close(ScenarioFixture.Flat(expected[i].GetProperty("w2")), trace.Steps[i].W2, 1e-12);
        }
        ParityAssert.Close(ScenarioFixture.Flat(fx.GetProperty("lrs")), trace.Optimizer.ParamGroups.Select(g => g.Lr).ToArray(), 1e-12);
        foreach (var kv in fx.GetProperty("defaults").EnumerateObject())
        {
            var v = trace.Optimizer.Defaults[kv.Name];
            if (kv.Value.ValueKind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)
                Assert.Equal(kv.Value.GetBoolean(), Assert.IsType<bool>(v));
            else Assert.Equal(kv.Value.GetDouble(), Convert.ToDouble(v), 12);
        }
        Assert.IsType<SGD>(trace.Optimizer);
    }
}
