using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.Serialization;
using Flint.NN;
using Module = Flint.NN.Module;

namespace Flint.Serialization;

/// <summary>
/// Rebuilds the modules <see cref="ModuleWriter"/> described, from what <c>Torch.Load</c> read: classes found by name
/// (modules only), instances made without constructors, fields set, shared objects shared again, then the outermost
/// module's state dict loaded and <see cref="IDeserializationCallback"/> called.
/// </summary>
internal sealed class ModuleReader
{
    private readonly Dictionary<object, object?> memo = new(ReferenceEqualityComparer.Instance);
    private readonly List<object> rebuilt = [];

    /// <summary>Walks the loaded graph, rebuilding saved modules wherever they are.</summary>
    public object? RestoreAll(object? loaded)
    {
        var result = Walk(loaded, 0);
        for (int i = rebuilt.Count - 1; i >= 0; i--)
            if (rebuilt[i] is IDeserializationCallback callback) callback.OnDeserialization(null);
        return result;
    }

    private static bool IsModule(object? v) => v is IDictionary<string, object?> d && d.ContainsKey(ModuleSerialization.MarkerKey);

    /// <summary>The class name of the first saved module in a loaded object graph, or null if it holds none.</summary>
    public static string? FirstModuleType(object? v, int depth = 0)
    {
        if (depth > Unpickler.MaxDepth) return null;
        switch (v)
        {
            case IDictionary<string, object?> d when IsModule(d):
                return d.TryGetValue("type", out var t) ? t as string ?? "a module" : "a module";
            case IDictionary dict:
                foreach (var value in dict.Values)
                    if (FirstModuleType(value, depth + 1) is { } found) return found;
                return null;
            case List<object?> list:
                foreach (var item in list)
                    if (FirstModuleType(item, depth + 1) is { } found) return found;
                return null;
            case object?[] tuple:
                foreach (var item in tuple)
                    if (FirstModuleType(item, depth + 1) is { } found) return found;
                return null;
            default:
                return null;
        }
    }

    private object? Walk(object? v, int depth)
    {
        if (depth > Unpickler.MaxDepth) return v;
        switch (v)
        {
            case IDictionary<string, object?> d when IsModule(d):
                var module = Module(d, "the model");
                if (d.TryGetValue("state_dict", out var sd) && sd is IDictionary state)
                    LoadState(module, state);
                return module;
            case IDictionary dict:
                foreach (var key in dict.Keys.Cast<object>().ToList())
                    if (Contains(dict[key])) dict[key] = Walk(dict[key], depth + 1);
                return dict;
            case List<object?> list:
                for (int i = 0; i < list.Count; i++)
                    if (Contains(list[i])) list[i] = Walk(list[i], depth + 1);
                return list;
            case object?[] tuple:
                for (int i = 0; i < tuple.Length; i++)
                    if (Contains(tuple[i])) tuple[i] = Walk(tuple[i], depth + 1);
                return tuple;
            default:
                return v;
        }
    }

    private static bool Contains(object? v) => v is IDictionary or List<object?> or object?[];

    private static void LoadState(Module module, IDictionary state)
    {
        var entries = new List<KeyValuePair<string, Tensor>>();
        foreach (DictionaryEntry e in state)
        {
            if (e.Key is not string key || e.Value is not Tensor t)
                throw new CheckpointFormatException("the saved model's state_dict must map names to tensors");
            entries.Add(new(key, t));
        }
        module.LoadStateDict(entries);
    }

    private static Type ResolveModuleType(string typeName, string assemblyName)
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == assemblyName);
        if (assembly is null)
        {
            try
            {
                assembly = Assembly.Load(new AssemblyName(assemblyName));
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                throw new CheckpointFormatException(
                    $"the saved model needs the assembly '{assemblyName}' (for {typeName}), which this program does not have", e);
            }
        }
        var type = assembly.GetType(typeName)
            ?? throw new CheckpointFormatException($"the saved model's class {typeName} is not in assembly '{assemblyName}' any more");
        if (!typeof(Module).IsAssignableFrom(type) || type.IsAbstract || type.ContainsGenericParameters)
            throw new CheckpointFormatException($"the checkpoint names {typeName} as a module class, but it is not a concrete Module");
        if (ModuleSerialization.Unsavable(type) is { } why)
            throw new CheckpointFormatException($"the checkpoint names {typeName} as a module class, but it is {why}");
        return type;
    }

    private Module Module(IDictionary<string, object?> d, string path)
    {
        if (memo.TryGetValue(d, out var done)) return (Module)done!;
        if (d[ModuleSerialization.MarkerKey] is not long version || version > ModuleSerialization.FormatVersion)
            throw new CheckpointFormatException(
                $"{path} was saved in whole-model format {d[ModuleSerialization.MarkerKey]}, newer than this Flint reads ({ModuleSerialization.FormatVersion})");
        if (d.TryGetValue("type", out var tn) is false || tn is not string typeName ||
            d.TryGetValue("assembly", out var an) is false || an is not string assemblyName)
            throw new CheckpointFormatException($"{path} is a saved module without its type and assembly names");
        var type = ResolveModuleType(typeName, assemblyName);
        var module = (Module)ModuleSerialization.Uninitialized(type)!;
        memo[d] = module;
        rebuilt.Add(module);
        SetFields(module, type, d, path);
        return module;
    }

    private void SetFields(object target, Type type, IDictionary<string, object?> d, string path)
    {
        if (!d.TryGetValue("fields", out var f) || f is not IDictionary<string, object?> fields)
            throw new CheckpointFormatException($"{path} has no fields in the checkpoint");
        foreach (var (key, field) in ModuleSerialization.FieldsOf(type))
        {
            var fieldPath = $"{path}.{field.Name}";
            if (!fields.TryGetValue(key, out var raw))
                throw new CheckpointFormatException(
                    $"the checkpoint has no value for {fieldPath} ({type.Name} changed since it was saved?); load the state dict into a new {type.Name} instead");
            field.SetValue(target, Decode(raw, field.FieldType, fieldPath));
        }
    }

    private object? Decode(object? raw, Type declared, string path)
    {
        if (raw is null)
        {
            if (declared.IsValueType && Nullable.GetUnderlyingType(declared) is null)
                throw new CheckpointFormatException($"{path} is None in the checkpoint but is a {declared.Name}");
            return null;
        }
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        if (IsModule(raw)) return Check(Module((IDictionary<string, object?>)raw, path), type, path);
        if (raw is IDictionary<string, object?> pd && pd.ContainsKey(ModuleSerialization.ParameterKey))
        {
            if (memo.TryGetValue(pd, out var doneP)) return Check(doneP!, type, path);
            if (pd.TryGetValue("data", out var data) is false || data is not Tensor t)
                throw new CheckpointFormatException($"{path} is a parameter without data in the checkpoint");
            var p = new Parameter(t, pd.TryGetValue("requires_grad", out var rg) && rg is true);
            memo[pd] = p;
            return Check(p, type, path);
        }
        if (raw is Tensor tensor) return Check(tensor, type, path);
        if (raw is IDictionary<string, object?> cd && cd.TryGetValue(ModuleSerialization.CollectionKey, out var cn))
        {
            var concrete = (cn is string name ? Type.GetType(name, throwOnError: false) : null) is { } c
                && ModuleSerialization.IsCollection(c) && ModuleSerialization.SafeElements(c)
                ? c
                : throw new CheckpointFormatException($"{path} names {cn} as its collection type, which a checkpoint cannot choose");
            return Check(Decode(cd.TryGetValue("items", out var items) ? items : null, concrete, path)!, type, path);
        }
        if (ModuleSerialization.IsOpen(type))
            return raw is string ? raw : throw new CheckpointFormatException($"{path} holds a {PyTypes.Name(raw)} where only modules, tensors and strings are kept");
        try
        {
            if (type.IsEnum) return Enum.ToObject(type, raw is long l ? l : throw Bad(raw, type, path));
            if (type == typeof(bool)) return raw is bool b ? b : throw Bad(raw, type, path);
            if (type == typeof(string)) return raw as string ?? throw Bad(raw, type, path);
            if (type == typeof(char)) return raw is long c ? (char)c : throw Bad(raw, type, path);
            if (type == typeof(Half)) return raw is double h ? (Half)h : throw Bad(raw, type, path);
            if (type == typeof(BFloat16)) return raw is double bf ? (BFloat16)(float)bf : throw Bad(raw, type, path);
            if (type == typeof(BigInteger)) return raw is long bl ? new BigInteger(bl) : raw is BigInteger bb ? bb : throw Bad(raw, type, path);
            if (type.IsPrimitive)
            {
                if (raw is not (long or double or BigInteger)) throw Bad(raw, type, path);
                return Convert.ChangeType(raw is BigInteger big ? (decimal)big : raw, type, CultureInfo.InvariantCulture);
            }
        }
        catch (OverflowException e)
        {
            throw new CheckpointFormatException($"{path} = {raw} does not fit in {type.Name}", e);
        }
        if (type == typeof(Device) || type == typeof(DType) || type == typeof(Size) || type == typeof(Complex) || type == typeof(byte[]))
            return type.IsInstanceOfType(raw) ? raw : throw Bad(raw, type, path);
        if (memo.TryGetValue(raw, out var done)) return Check(done!, type, path);
        if (type.IsArray)
        {
            var items = raw as List<object?> ?? throw Bad(raw, type, path);
            var element = type.GetElementType()!;
            var array = Array.CreateInstance(element, items.Count);
            memo[raw] = array;
            for (int i = 0; i < items.Count; i++) array.SetValue(Decode(items[i], element, $"{path}[{i}]"), i);
            return array;
        }
        if (type.IsGenericType && ModuleSerialization.ListDefinitions.Contains(type.GetGenericTypeDefinition()))
        {
            var items = raw as List<object?> ?? throw Bad(raw, type, path);
            var collection = Activator.CreateInstance(type)!;
            memo[raw] = collection;
            var element = type.GetGenericArguments()[0];
            var add = type.GetMethod("Add", [element])!;
            for (int i = 0; i < items.Count; i++) add.Invoke(collection, [Decode(items[i], element, $"{path}[{i}]")]);
            return collection;
        }
        if (type.IsGenericType && ModuleSerialization.DictionaryDefinitions.Contains(type.GetGenericTypeDefinition()))
        {
            var pairs = raw as List<object?> ?? throw Bad(raw, type, path);
            var dict = (IDictionary)Activator.CreateInstance(type)!;
            memo[raw] = dict;
            var args = type.GetGenericArguments();
            foreach (var pair in pairs)
            {
                if (pair is not List<object?> { Count: 2 } kv) throw Bad(pair, type, path);
                var key = Decode(kv[0], args[0], $"{path} key") ?? throw new CheckpointFormatException($"{path} has a None key");
                dict[key] = Decode(kv[1], args[1], $"{path}[{key}]");
            }
            return dict;
        }
        if (raw is not IDictionary<string, object?> od || !od.ContainsKey(ModuleSerialization.ObjectKey))
            throw Bad(raw, type, path);
        if (ModuleSerialization.Unsavable(type) is { } why || ModuleSerialization.IsCollection(type))
            throw new CheckpointFormatException($"{path} is a {type.Name} in this program, which a checkpoint cannot fill in");
        var obj = ModuleSerialization.Uninitialized(type)!;
        if (!type.IsValueType)
        {
            memo[raw] = obj;
            rebuilt.Add(obj);
        }
        SetFields(obj, type, od, path);
        return obj;
    }

    private static object Check(object value, Type type, string path) =>
        type.IsInstanceOfType(value)
            ? value
            : throw new CheckpointFormatException($"{path} is a {type.Name} in this program but the checkpoint holds a {value.GetType().Name}");

    private static CheckpointFormatException Bad(object? raw, Type type, string path) =>
        new($"{path} is a {type.Name} in this program but the checkpoint holds a {PyTypes.Name(raw)}");
}
