using System.Collections;
using System.Globalization;

namespace Flint.NN;

/// <summary>Parameters in a list, each registered as "0", "1", ... (<c>nn.ParameterList</c>).</summary>
public sealed class ParameterList : Module, IEnumerable<Parameter>
{
    private List<Parameter> items = [];

    /// <summary>A list of the given parameters (<c>nn.ParameterList(params)</c>).</summary>
    public ParameterList(params Parameter[] parameters) => Extend(parameters);

    /// <summary>A list of the given parameters.</summary>
    public ParameterList(IEnumerable<Parameter> parameters) => Extend(parameters);

    /// <summary>Adds a parameter at the end (<c>append</c>).</summary>
    public ParameterList Append(Parameter parameter)
    {
        items.Add(parameter);
        RegisterParameter((items.Count - 1).ToString(CultureInfo.InvariantCulture), parameter);
        return this;
    }

    /// <summary>Adds parameters at the end (<c>extend</c>).</summary>
    public ParameterList Extend(IEnumerable<Parameter> parameters)
    {
        foreach (var p in parameters) Append(p);
        return this;
    }

    /// <summary>Number of parameters.</summary>
    public int Count => items.Count;

    /// <summary>The parameter at a position, negative from the end; setting replaces it.</summary>
    public Parameter this[int index]
    {
        get => items[Containers.Wrap(index, items.Count, "ParameterList")];
        set
        {
            var i = Containers.Wrap(index, items.Count, "ParameterList");
            items[i] = value;
            RegisterParameter(i.ToString(CultureInfo.InvariantCulture), value);
        }
    }

    /// <summary>Each parameter's dtype and size, as PyTorch 1.13 prints them.</summary>
    public override string ExtraRepr() =>
        string.Join("\n", items.Select((p, k) =>
            $"  ({k}): Parameter containing: [{p.DType.TorchName()} of size {string.Join("x", p.Shape)}{(p.IsCuda ? $" (GPU {p.Device.Index})" : "")}]"));

    /// <inheritdoc/>
    public IEnumerator<Parameter> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private protected override void OnDeepCopied(Dictionary<object, object> memo) =>
        items = items.Select(p => (Parameter)CopyTensor(p, memo)).ToList();
}

/// <summary>Parameters by string key, in insertion order (<c>nn.ParameterDict</c>).</summary>
public sealed class ParameterDict : Module, IEnumerable<KeyValuePair<string, Parameter>>
{
    private OrderedDictionary<string, Parameter> items = new();

    /// <summary>An empty dict (<c>nn.ParameterDict()</c>).</summary>
    public ParameterDict() { }

    /// <summary>A dict of the given pairs, in order.</summary>
    public ParameterDict(IEnumerable<KeyValuePair<string, Parameter>> parameters)
    {
        foreach (var kv in parameters) this[kv.Key] = kv.Value;
    }

    /// <summary>The parameter under a key; setting adds or replaces it.</summary>
    public Parameter this[string key]
    {
        get => items.TryGetValue(key, out var p) ? p : throw new KeyNotFoundException($"'{key}'");
        set
        {
            RegisterParameter(key, value);
            items[key] = value;
        }
    }

    /// <summary>True if the key is present.</summary>
    public bool ContainsKey(string key) => items.ContainsKey(key);

    /// <summary>Removes a key and returns its parameter (<c>pop</c>).</summary>
    public Parameter Pop(string key)
    {
        var p = this[key];
        items.Remove(key);
        Unregister(key);
        return p;
    }

    /// <summary>Number of parameters.</summary>
    public int Count => items.Count;

    /// <summary>The keys in order.</summary>
    public IEnumerable<string> Keys => items.Keys;

    /// <summary>The parameters in order.</summary>
    public IEnumerable<Parameter> Values => items.Values;

    /// <summary>Each parameter's type and size, as PyTorch 1.13 prints them.</summary>
    public override string ExtraRepr() =>
        string.Join("\n", items.Select(kv =>
            $"  ({kv.Key}): Parameter containing: [{kv.Value.DType.TensorTypeName()} of size {string.Join("x", kv.Value.Shape)}{(kv.Value.IsCuda ? $" (GPU {kv.Value.Device.Index})" : "")}]"));

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Parameter>> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private protected override void OnDeepCopied(Dictionary<object, object> memo)
    {
        var copy = new OrderedDictionary<string, Parameter>();
        foreach (var (k, p) in items) copy[k] = (Parameter)CopyTensor(p, memo);
        items = copy;
    }
}
