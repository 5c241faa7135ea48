using Flint.Examples;

namespace Flint.Tests.Examples;

/// <summary>Every example in examples/ runs to completion (at small size where it takes arguments).</summary>
public class ExampleSmokeTests
{
    // Examples that train for long take a size argument here; the rest run as a user would run them.
    private static readonly Dictionary<string, string[]> SmallArgs = new()
    {
        ["p5"] = ["5"],
        ["p6"] = ["--epochs", "1", "--size", "32", "--images", "4"],
        ["m6"] = ["2", "32"],
        ["m8"] = ["resnet18", "alexnet"],
        ["text"] = ["1"],
    };

    public static IEnumerable<object[]> Names => Catalog.All.Select(e => new object[] { e.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void Runs(string name)
    {
        var e = Catalog.All.Single(x => x.Name == name);
        var output = new StringWriter();
        Assert.Equal(0, e.Run(SmallArgs.GetValueOrDefault(name, []), output));
        Assert.NotEmpty(output.ToString());
    }
}
