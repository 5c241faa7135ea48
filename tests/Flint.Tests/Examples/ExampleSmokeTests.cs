using Flint.Examples;

namespace Flint.Tests.Examples;

/// <summary>Every example in examples/ runs to completion (at small size where it takes arguments).</summary>
public class ExampleSmokeTests
{
    private static readonly string Scratch = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"flint-smoke-{Environment.ProcessId}")).FullName;

    // Examples that train for long take a size argument here, and those that write files a folder; the rest run as a
    // user would run them.
    private static readonly Dictionary<string, string[]> SmallArgs = new()
    {
        ["v1"] = [Path.Combine(Scratch, "v1")],
        ["p2"] = [Path.Combine(Scratch, "p2.png")],
        ["p3"] = [Path.Combine(Scratch, "p3.png")],
        ["p4"] = ["5"],
        ["p8"] = [Path.Combine(Scratch, "p8.png")],
        ["v2"] = [Path.Combine(Scratch, "v2")],
        ["v3"] = [Path.Combine(Scratch, "v3")],
        ["v4"] = [Path.Combine(Scratch, "v4.png")],
        ["fashion-mnist"] = ["--subset", "--epochs", "1", "--limit", "256", "--batch-size", "32", "--workers", "1", "--log-dir", Scratch, "--plain"],
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
