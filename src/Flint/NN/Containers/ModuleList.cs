using System.Collections;
using System.Globalization;

namespace Flint.NN;

/// <summary>
/// A list of sub-modules that registers each one (<c>nn.ModuleList</c>): Append, Extend, Insert, indexing with
/// negative indices, slicing, iteration. Use it instead of a C# list field, which Flint refuses.
/// </summary>
public sealed class ModuleList : Module, IEnumerable<Module>
{
    private List<Module> items = [];

    /// <summary>A list of the given modules (<c>nn.ModuleList(modules)</c>).</summary>
    public ModuleList(params Module[] modules) => Extend(modules);

    /// <summary>A list of the given modules.</summary>
    public ModuleList(IEnumerable<Module> modules) => Extend(modules);

    private void Renumber()
    {
        for (int i = 0; ; i++)
            if (!Unregister(i.ToString(CultureInfo.InvariantCulture)) && i >= items.Count) break;
        for (int i = 0; i < items.Count; i++) RegisterModule(i.ToString(CultureInfo.InvariantCulture), items[i]);
    }

    /// <summary>Adds a module at the end (<c>append</c>).</summary>
    public ModuleList Append(Module module)
    {
        items.Add(module);
        RegisterModule((items.Count - 1).ToString(CultureInfo.InvariantCulture), module);
        return this;
    }

    /// <summary>Adds modules at the end (<c>extend</c>).</summary>
    public ModuleList Extend(IEnumerable<Module> modules)
    {
        foreach (var m in modules) Append(m);
        return this;
    }

    /// <summary>Inserts a module before <paramref name="index"/> (<c>insert</c>).</summary>
    public void Insert(int index, Module module)
    {
        var i = index < 0 ? Math.Max(0, index + items.Count) : Math.Min(index, items.Count);
        items.Insert(i, module);
        Renumber();
    }

    /// <summary>Removes the module at <paramref name="index"/> (<c>del list[i]</c>).</summary>
    public void RemoveAt(int index)
    {
        items.RemoveAt(Containers.Wrap(index, items.Count, "ModuleList"));
        Renumber();
    }

    /// <summary>Removes and returns the module at <paramref name="index"/> (<c>pop</c>).</summary>
    public Module Pop(int index = -1)
    {
        var m = this[index];
        RemoveAt(index);
        return m;
    }

    /// <summary>Number of modules (<c>len(list)</c>).</summary>
    public int Count => items.Count;

    /// <summary>The module at a position, negative from the end (<c>list[i]</c>); setting replaces it.</summary>
    public Module this[int index]
    {
        get => items[Containers.Wrap(index, items.Count, "ModuleList")];
        set
        {
            var i = Containers.Wrap(index, items.Count, "ModuleList");
            items[i] = value;
            RegisterModule(i.ToString(CultureInfo.InvariantCulture), value);
        }
    }

    /// <summary>A new ModuleList of a range (<c>list[a:b]</c>).</summary>
    public ModuleList this[Range range]
    {
        get
        {
            var (off, len) = range.GetOffsetAndLength(items.Count);
            return new ModuleList(items.GetRange(off, len));
        }
    }

    /// <inheritdoc/>
    public IEnumerator<Module> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private protected override void OnDeepCopied(Dictionary<object, object> memo) =>
        items = items.Select(m => CopyModule(m, memo)).ToList();
}

/// <summary>
/// Sub-modules by string key, in insertion order (<c>nn.ModuleDict</c>): access by key, add, update, pop,
/// keys/values/items.
/// </summary>
public sealed class ModuleDict : Module, IEnumerable<KeyValuePair<string, Module>>
{
    private OrderedDictionary<string, Module> items = new();

    /// <summary>An empty dict (<c>nn.ModuleDict()</c>).</summary>
    public ModuleDict() { }

    /// <summary>A dict of the given pairs, in order (<c>nn.ModuleDict({...})</c>).</summary>
    public ModuleDict(IEnumerable<KeyValuePair<string, Module>> modules) => Update(modules);

    /// <summary>A dict of the given pairs, in order.</summary>
    public ModuleDict(IEnumerable<(string Key, Module Module)> modules)
    {
        foreach (var (k, m) in modules) this[k] = m;
    }

    /// <summary>The module under a key (<c>dict[key]</c>); setting adds or replaces it.</summary>
    public Module this[string key]
    {
        get => items.TryGetValue(key, out var m) ? m : throw new KeyNotFoundException($"'{key}'");
        set
        {
            RegisterModule(key, value);
            items[key] = value;
        }
    }

    /// <summary>Adds or replaces the given pairs (<c>update</c>).</summary>
    public void Update(IEnumerable<KeyValuePair<string, Module>> modules)
    {
        foreach (var kv in modules) this[kv.Key] = kv.Value;
    }

    /// <summary>Removes a key and returns its module (<c>pop</c>).</summary>
    public Module Pop(string key)
    {
        var m = this[key];
        items.Remove(key);
        Unregister(key);
        return m;
    }

    /// <summary>Removes every module (<c>clear</c>).</summary>
    public void Clear()
    {
        foreach (var k in items.Keys.ToList()) Unregister(k);
        items.Clear();
    }

    /// <summary>True if the key is present (<c>key in dict</c>).</summary>
    public bool ContainsKey(string key) => items.ContainsKey(key);

    /// <summary>Number of modules (<c>len(dict)</c>).</summary>
    public int Count => items.Count;

    /// <summary>The keys in order (<c>keys()</c>).</summary>
    public IEnumerable<string> Keys => items.Keys;

    /// <summary>The modules in order (<c>values()</c>).</summary>
    public IEnumerable<Module> Values => items.Values;

    /// <summary>Key/module pairs in order (<c>items()</c>).</summary>
    public IEnumerable<KeyValuePair<string, Module>> Items() => items;

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private protected override void OnDeepCopied(Dictionary<object, object> memo)
    {
        var copy = new OrderedDictionary<string, Module>();
        foreach (var (k, m) in items) copy[k] = CopyModule(m, memo);
        items = copy;
    }
}
