namespace Flint.Examples;

/// <summary>One runnable program of SCENARIOS.md.</summary>
public interface IExample
{
    /// <summary>The name it is run by (the scenario id in lower case, or the main job's name).</summary>
    string Name { get; }

    /// <summary>One line saying what it shows.</summary>
    string Summary { get; }

    /// <summary>Runs it, writing to <paramref name="output"/>; returns the exit code.</summary>
    int Run(string[] args, TextWriter output);
}

/// <summary>Every example, found by reflection so that adding one is adding a file.</summary>
public static class Catalog
{
    public static IReadOnlyList<IExample> All { get; } = typeof(Catalog).Assembly.GetTypes()
        .Where(t => typeof(IExample).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
        .Select(t => (IExample)Activator.CreateInstance(t)!)
        .OrderBy(e => e.Name, StringComparer.Ordinal)
        .ToList();
}
