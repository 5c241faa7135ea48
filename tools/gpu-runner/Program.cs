using System.Diagnostics;
using System.Reflection;
using Xunit;
using Xunit.Sdk;

// Runs Flint's xunit tests on a machine with only the .NET runtime (the device machines lent to sessions have no SDK,
// so no `dotnet test`): every [Fact]/[Theory] row whose name, with its arguments, contains one of the arguments runs
// on a fresh instance of its class. Prints FAIL with the stack, SKIP with the reason, SLOW above 2 s; exits 1 on any
// failure. See README.md here.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: dotnet GpuRunner.dll NAME_PART [NAME_PART ...]   e.g. Flint.Tests.Gpu \"EveryGeneratedKernelCompiles(unary)\"");
    return 2;
}
int pass = 0, fail = 0, skip = 0;
var total = Stopwatch.StartNew();
var assembly = typeof(Flint.Tests.Gpu.GpuParityTests).Assembly;
foreach (var type in assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && t.IsPublic).OrderBy(t => t.FullName))
    foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).OrderBy(m => m.Name))
    {
        if (method.GetCustomAttribute<FactAttribute>(true) is not { } fact) continue;
        var name = type.FullName + "." + method.Name;
        if (!args.Any(a => (name + "(").Contains(a.Split('(')[0]))) continue;
        if (fact.Skip != null) { skip++; continue; }
        var rows = fact is TheoryAttribute
            ? method.GetCustomAttributes<DataAttribute>(true).SelectMany(d => d.GetData(method)).ToList()
            : [[]];
        foreach (var row in rows)
        {
            var label = name + (row.Length > 0 ? "(" + string.Join(", ", row.Select(a => a?.ToString() ?? "null")) + ")" : "");
            if (!args.Any(label.Contains)) continue;
            var clock = Stopwatch.StartNew();
            try
            {
                Run(type, method, row);
                pass++;
                if (clock.ElapsedMilliseconds > 2000) Console.WriteLine($"SLOW {clock.ElapsedMilliseconds} ms {label}");
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
                if (inner.GetType().Name == "SkipException")
                {
                    skip++;
                    Console.WriteLine($"SKIP {label}: {inner.Message}");
                    continue;
                }
                fail++;
                Console.WriteLine($"FAIL {label}\n  {inner.GetType().Name}: {inner.Message}\n{inner.StackTrace}");
            }
        }
    }
Console.WriteLine($"passed {pass}, failed {fail}, skipped {skip} in {total.Elapsed.TotalSeconds:F1} s");
return fail == 0 ? 0 : 1;

// Invokes one test row, converting InlineData's numbers to the parameter types as xunit does.
static void Run(Type type, MethodInfo method, object?[] row)
{
    var parameters = method.GetParameters();
    var call = new object?[parameters.Length];
    for (int i = 0; i < parameters.Length; i++)
    {
        var value = i < row.Length ? row[i] : parameters[i].DefaultValue;
        var target = Nullable.GetUnderlyingType(parameters[i].ParameterType) ?? parameters[i].ParameterType;
        if (value != null && !target.IsInstanceOfType(value))
            value = target.IsEnum ? Enum.ToObject(target, value) : Convert.ChangeType(value, target);
        call[i] = value;
    }
    var instance = Activator.CreateInstance(type);
    try
    {
        if (method.Invoke(instance, call) is Task task) task.GetAwaiter().GetResult();
    }
    finally
    {
        (instance as IDisposable)?.Dispose();
    }
}
