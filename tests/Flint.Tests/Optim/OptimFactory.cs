using System.Reflection;
using System.Text;
using System.Text.Json;
using Flint.Optim;
using Flint.Tests.Parity;

namespace Flint.Tests.Optim;

/// <summary>
/// Builds a Flint optimizer from a PyTorch class name and keyword arguments, by reflection: each snake_case keyword
/// must be a camelCase constructor parameter (so this also checks that Flint kept PyTorch's names), and the others
/// take the C# defaults, which must be PyTorch's.
/// </summary>
public static class OptimFactory
{
    public static Type TypeOf(string name) =>
        typeof(Optimizer).Assembly.GetType("Flint.Optim." + name) ?? throw new NotSupportedException(name);

    public static Optimizer Create(string name, IReadOnlyList<Tensor> ps, JsonElement kwargs, JsonElement? groups, FixtureSet fx)
    {
        object first;
        if (groups is { ValueKind: JsonValueKind.Array } gs)
        {
            var list = new List<ParamGroup>();
            foreach (var g in gs.EnumerateArray())
            {
                var group = new ParamGroup(g.GetProperty("params").EnumerateArray().Select(i => ps[i.GetInt32()]));
                foreach (var kv in g.EnumerateObject())
                    if (kv.Name != "params") group[kv.Name] = ToOption(OptimValues.Decode(fx, kv.Value));
                list.Add(group);
            }
            first = list;
        }
        else first = ps.ToList();
        var type = TypeOf(name);
        var firstType = first is List<ParamGroup> ? typeof(IEnumerable<ParamGroup>) : typeof(IEnumerable<Tensor>);
        var ctor = type.GetConstructors().Single(c => c.GetParameters()[0].ParameterType == firstType);
        var args = Bind(ctor, kwargs, fx);
        args[0] = first;
        try
        {
            return (Optimizer)ctor.Invoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>Arguments for a constructor or method from snake_case kwargs (slot 0 left for the caller).</summary>
    public static object?[] Bind(MethodBase method, JsonElement kwargs, FixtureSet fx, int skip = 1)
    {
        var ps = method.GetParameters();
        var args = new object?[ps.Length];
        for (int i = skip; i < ps.Length; i++) args[i] = ps[i].HasDefaultValue ? ps[i].DefaultValue : Type.Missing;
        foreach (var kv in kwargs.EnumerateObject())
        {
            var camel = Camel(kv.Name);
            int idx = Array.FindIndex(ps, p => p.Name == camel || p.Name == "@" + camel);
            Assert.True(idx >= skip, $"{method.DeclaringType!.Name} has no parameter {camel} for PyTorch's {kv.Name}");
            args[idx] = Convert(OptimValues.Decode(fx, kv.Value), ps[idx].ParameterType);
        }
        for (int i = skip; i < ps.Length; i++)
            Assert.False(args[i] == Type.Missing, $"{method.DeclaringType!.Name}: required parameter {ps[i].Name} not given");
        return args;
    }

    public static string Camel(string snake)
    {
        var sb = new StringBuilder();
        bool up = false;
        foreach (var ch in snake)
        {
            if (ch == '_') { up = true; continue; }
            sb.Append(up ? char.ToUpperInvariant(ch) : ch);
            up = false;
        }
        return sb.ToString();
    }

    private static object? ToOption(object? v) =>
        v is List<object?> { Count: 2 } l && l.All(x => x is double or long)
            ? (System.Convert.ToDouble(l[0]), System.Convert.ToDouble(l[1]))
            : v;

    public static object? Convert(object? v, Type t)
    {
        var u = Nullable.GetUnderlyingType(t) ?? t;
        if (v is null) return null;
        if (u == typeof(double)) return System.Convert.ToDouble(v);
        if (u == typeof(long)) return System.Convert.ToInt64(v);
        if (u == typeof(int)) return System.Convert.ToInt32(v);
        if (u == typeof(bool)) return (bool)v;
        if (u == typeof(string)) return (string)v;
        if (u == typeof(ValueTuple<double, double>) && v is List<object?> l)
            return (System.Convert.ToDouble(l[0]), System.Convert.ToDouble(l[1]));
        if (u == typeof(double[]) && v is List<object?> ld) return ld.Select(System.Convert.ToDouble).ToArray();
        if (u == typeof(long[]) && v is List<object?> ll) return ll.Select(System.Convert.ToInt64).ToArray();
        if (u.IsInstanceOfType(v)) return v;
        throw new NotSupportedException($"{v.GetType().Name} -> {t.Name}");
    }
}
