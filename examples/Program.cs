using Flint.Examples;

// Runs one example by name: dotnet run --project examples -- <name> [args]. No name lists them.
var all = Catalog.All;
if (args.Length == 0 || args[0] is "-h" or "--help" or "list")
{
    Console.WriteLine("Flint examples: dotnet run -c Release --project examples -- <name> [args]\n");
    foreach (var e in all) Console.WriteLine($"  {e.Name,-22} {e.Summary}");
    return 0;
}
var example = all.FirstOrDefault(e => string.Equals(e.Name, args[0], StringComparison.OrdinalIgnoreCase));
if (example is null)
{
    Console.Error.WriteLine($"unknown example '{args[0]}'; run without arguments to list them");
    return 2;
}
return example.Run(args[1..], Console.Out);
