using System.Collections;
using System.Numerics;
using Flint.NN;

namespace Flint.Serialization;

/// <summary>
/// Turns modules into the plain dicts <see cref="ModuleSerialization"/> describes, for the pickler. One writer serves
/// one <c>Torch.Save</c> call, so that an object met twice becomes one dict the pickle refers to twice.
/// </summary>
internal sealed class ModuleWriter
{
    private readonly Dictionary<object, object> memo = new(ReferenceEqualityComparer.Instance);

    /// <summary>The dict for a module handed to <c>Torch.Save</c> (with its state dict).</summary>
    public Dictionary<string, object?> Describe(Module module)
    {
        var d = Module(module, module.GetName());
        d.TryAdd("state_dict", module.StateDict());
        return d;
    }

    private Dictionary<string, object?> Module(Module module, string path)
    {
        if (memo.TryGetValue(module, out var done)) return (Dictionary<string, object?>)done;
        var type = module.GetType();
        if (ModuleSerialization.Unsavable(type) is { } why)
            throw new ArgumentException($"Torch.Save cannot save {path} ({type.FullName}): it is {why}");
        if (type.IsGenericTypeDefinition || type.ContainsGenericParameters)
            throw new ArgumentException($"Torch.Save cannot save {path}: its type {type} is an open generic type");
        var d = new Dictionary<string, object?>
        {
            [ModuleSerialization.MarkerKey] = ModuleSerialization.FormatVersion,
            ["type"] = type.FullName,
            ["assembly"] = type.Assembly.GetName().Name,
        };
        memo[module] = d;
        d["fields"] = Fields(module, type, path);
        return d;
    }

    private Dictionary<string, object?> Fields(object obj, Type type, string path)
    {
        var fields = new Dictionary<string, object?>();
        foreach (var (key, f) in ModuleSerialization.FieldsOf(type))
            fields[key] = Encode(f.GetValue(obj), f.FieldType, $"{path}.{f.Name}");
        return fields;
    }

    private object? Encode(object? value, Type declared, string path)
    {
        if (value is null) return null;
        var type = value.GetType();
        if (ModuleSerialization.Unsavable(type) is { } why)
            throw new ArgumentException(
                $"Torch.Save cannot save the whole model: {path} holds {type.Name}, {why}. Mark the field [NonSerialized] and " +
                "rebuild it in IDeserializationCallback.OnDeserialization, or save the state dict (model.StateDict()) instead");
        switch (value)
        {
            case Module m: return Module(m, path);
            case Parameter p:
                if (memo.TryGetValue(p, out var doneP)) return doneP;
                var pd = new Dictionary<string, object?> { [ModuleSerialization.ParameterKey] = true, ["data"] = p, ["requires_grad"] = p.RequiresGrad };
                memo[p] = pd;
                return pd;
            case Tensor t: return t;
        }
        if (ModuleSerialization.IsOpen(declared) && ModuleSerialization.IsCollection(type) && ModuleSerialization.SafeElements(type))
            return new Dictionary<string, object?> { [ModuleSerialization.CollectionKey] = type.AssemblyQualifiedName, ["items"] = Encode(value, type, path) };
        if (ModuleSerialization.IsOpen(declared) && value is not string)
            throw new ArgumentException(
                $"Torch.Save cannot save the whole model: {path} is declared {declared.Name} and holds a {type.Name}; a field of an " +
                "interface, abstract or object type may hold only a module, a tensor, a string, an array or collection of these or of numbers, or null");
        if (type != declared && Nullable.GetUnderlyingType(declared) != type && !ModuleSerialization.IsOpen(declared))
            throw new ArgumentException(
                $"Torch.Save cannot save the whole model: {path} is declared {declared.Name} but holds a {type.Name}; only modules may " +
                "be of a type derived from the field's");
        switch (value)
        {
            case string or bool or double or long or BigInteger: return value;
            case Enum e: return Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture);
            case float or Half or BFloat16: return Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
            case ulong u: return u <= long.MaxValue ? (long)u : (BigInteger)u;
            case char c: return (long)c;
            case sbyte or byte or short or ushort or int or uint: return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
            case Device or DType or Size or Complex or byte[]: return value;
        }
        if (type.IsPrimitive)
            throw new ArgumentException($"Torch.Save cannot save the whole model: {path} holds a {type.Name}");
        if (memo.TryGetValue(value, out var done)) return done;
        if (type.IsArray)
        {
            if (type.GetArrayRank() != 1)
                throw new ArgumentException($"Torch.Save cannot save the whole model: {path} is a multi-dimensional array; use a tensor");
            var items = new List<object?>();
            memo[value] = items;
            var element = type.GetElementType()!;
            int i = 0;
            foreach (var x in (Array)value) items.Add(Encode(x, element, $"{path}[{i++}]"));
            return items;
        }
        if (type.IsGenericType && ModuleSerialization.ListDefinitions.Contains(type.GetGenericTypeDefinition()))
        {
            var items = new List<object?>();
            memo[value] = items;
            var element = type.GetGenericArguments()[0];
            int i = 0;
            foreach (var x in (IEnumerable)value) items.Add(Encode(x, element, $"{path}[{i++}]"));
            return items;
        }
        if (type.IsGenericType && ModuleSerialization.DictionaryDefinitions.Contains(type.GetGenericTypeDefinition()))
        {
            var pairs = new List<object?>();
            memo[value] = pairs;
            var args = type.GetGenericArguments();
            foreach (DictionaryEntry e in (IDictionary)value)
                pairs.Add(new List<object?> { Encode(e.Key, args[0], $"{path} key"), Encode(e.Value, args[1], $"{path}[{e.Key}]") });
            return pairs;
        }
        if (type.IsGenericType && type.Namespace == "System.Collections.Generic" || typeof(IEnumerable).IsAssignableFrom(type) && !type.IsValueType)
            throw new ArgumentException(
                $"Torch.Save cannot save the whole model: {path} is a {type.Name}; whole-model save keeps arrays, List, HashSet, " +
                "Dictionary and OrderedDictionary fields (use ModuleList or ModuleDict for modules)");
        var obj = new Dictionary<string, object?> { [ModuleSerialization.ObjectKey] = true };
        if (!type.IsValueType) memo[value] = obj;
        obj["fields"] = Fields(value, type, path);
        return obj;
    }
}
