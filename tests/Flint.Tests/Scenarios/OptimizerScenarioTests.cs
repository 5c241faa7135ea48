using Flint.Examples.Scenarios;

namespace Flint.Tests.Scenarios;

/// <summary>SCENARIOS.md O1: each optimizer's steps equal PyTorch's on the same numbers.</summary>
public class OptimizerScenarioTests
{
    public static IEnumerable<object[]> Names => O1Optimizers.Optimizers.Select(o => new object[] { o.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void O1_StepsEqualPyTorch(string name)
    {
        var expected = ScenarioFixture.Load("o1").GetProperty(name);
        var (losses, w) = O1Optimizers.Run(name);
        ParityAssert.Close(ScenarioFixture.Flat(expected.GetProperty("losses")), losses, 1e-10);
        ParityAssert.Close(ScenarioFixture.Flat(expected.GetProperty("weight")), w.ToArray<double>(), 1e-10);
    }

    [Fact]
    public void O1_CoversEveryOptimizerOfTheScenario()
    {
        var names = O1Optimizers.Optimizers.Select(o => o.Name.Split('(')[0]).ToHashSet();
        foreach (var n in new[] { "ASGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "LBFGS", "RMSprop", "Rprop", "SGD", "SparseAdam" })
            Assert.Contains(n, names);
    }
}
