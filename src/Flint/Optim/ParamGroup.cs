using System.Collections;

namespace Flint.Optim;

/// <summary>
/// One parameter group of an optimizer (an entry of PyTorch's <c>optimizer.param_groups</c>): the tensors it
/// updates and its options by name. Options read and write through the indexer (<c>group["lr"]</c>, as the Python
/// dict) or the typed properties (<see cref="Lr"/>, <see cref="Momentum"/>, ...); a change takes effect at the next
/// <c>Step()</c>. Enumerating yields <c>params</c> first, then the options in insertion order, as the Python dict.
/// </summary>
/// <example>
/// <code>
/// var opt = new SGD([new ParamGroup(model.Base.Parameters()),
///                    new ParamGroup(model.Classifier.Parameters()) { Lr = 1e-3 }], lr: 1e-2, momentum: 0.9);
/// </code>
/// </example>
public sealed class ParamGroup : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly OrderedDictionary<string, object?> options = new();

    /// <summary>A group of <paramref name="params"/> with no options of its own: the optimizer's defaults fill them in.</summary>
    public ParamGroup(IEnumerable<Tensor> @params)
    {
        ArgumentNullException.ThrowIfNull(@params);
        if (@params is ISet<Tensor> or IReadOnlySet<Tensor>)
            throw new ArgumentException(
                "optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets " +
                "will change between runs. Please use a list instead.");
        Params = [.. @params];
    }

    /// <summary>A group with options given as name/value pairs (<c>{'params': ..., 'lr': 0.1}</c>).</summary>
    public ParamGroup(IEnumerable<Tensor> @params, IEnumerable<KeyValuePair<string, object?>> options) : this(@params)
    {
        foreach (var kv in options) this[kv.Key] = kv.Value;
    }

    /// <summary>The tensors this group updates (<c>group['params']</c>).</summary>
    public List<Tensor> Params { get; set; }

    /// <summary>
    /// An option by name (<c>group['lr']</c>), or <c>params</c> (the list of tensors). Reading a missing name throws
    /// <see cref="KeyNotFoundException"/> (Python's <c>KeyError</c>).
    /// </summary>
    public object? this[string key]
    {
        get
        {
            if (key == "params") return Params;
            return options.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"The given key '{key}' was not present in the parameter group.");
        }
        set
        {
            if (key == "params")
            {
                Params = value switch
                {
                    Tensor t => [t],
                    IEnumerable<Tensor> ts => [.. ts],
                    _ => throw new ArgumentException($"params must be tensors, but got {PyValues.TypeName(value)}"),
                };
                return;
            }
            options[key] = value;
        }
    }

    /// <summary>Adds an option (collection initializer form: <c>new ParamGroup(ps) { { "lr", 0.1 } }</c>).</summary>
    public void Add(string key, object? value) => this[key] = value;

    /// <summary>True if the group has the option (or <c>params</c>) (<c>key in group</c>).</summary>
    public bool ContainsKey(string key) => key == "params" || options.ContainsKey(key);

    /// <summary>Reads an option if present (<c>group.get(key)</c>).</summary>
    public bool TryGetValue(string key, out object? value)
    {
        if (key == "params") { value = Params; return true; }
        return options.TryGetValue(key, out value);
    }

    /// <summary>Removes an option (<c>del group[key]</c>); true if it was there.</summary>
    public bool Remove(string key) => options.Remove(key);

    /// <summary>Sets an option only if the group lacks it, and returns its value (<c>group.setdefault(key, value)</c>).</summary>
    public object? SetDefault(string key, object? value)
    {
        if (options.TryGetValue(key, out var v)) return v;
        options[key] = value;
        return value;
    }

    /// <summary>The option names, without <c>params</c>, in insertion order.</summary>
    public IEnumerable<string> OptionKeys => options.Keys;

    /// <summary>All names, <c>params</c> first (<c>group.keys()</c>).</summary>
    public IEnumerable<string> Keys => options.Keys.Prepend("params");

    /// <summary>The learning rate (<c>group['lr']</c>).</summary>
    public double Lr { get => GetDouble("lr"); set => options["lr"] = value; }

    /// <summary>The momentum factor of SGD and RMSprop (<c>group['momentum']</c>).</summary>
    public double Momentum { get => GetDouble("momentum"); set => options["momentum"] = value; }

    /// <summary>The weight decay (<c>group['weight_decay']</c>).</summary>
    public double WeightDecay { get => GetDouble("weight_decay"); set => options["weight_decay"] = value; }

    /// <summary>The Adam family's averaging coefficients (<c>group['betas']</c>).</summary>
    public (double Beta1, double Beta2) Betas { get => PyValues.ToPair(this["betas"], "betas"); set => options["betas"] = value; }

    /// <summary>The term added to denominators for stability (<c>group['eps']</c>).</summary>
    public double Eps { get => GetDouble("eps"); set => options["eps"] = value; }

    /// <summary>The learning rate a scheduler started from (<c>group['initial_lr']</c>).</summary>
    public double InitialLr { get => GetDouble("initial_lr"); set => options["initial_lr"] = value; }

    /// <summary>An option as a double (Python int or float).</summary>
    public double GetDouble(string key) => PyValues.ToDouble(this[key], key);

    /// <summary>An option as a bool.</summary>
    public bool GetBool(string key) => PyValues.ToBool(this[key], key);

    /// <summary>An option as an integer.</summary>
    public long GetLong(string key) => PyValues.ToLong(this[key], key);

    /// <summary>A pair option such as <c>betas</c>, <c>etas</c> or <c>step_sizes</c>.</summary>
    public (double, double) GetPair(string key) => PyValues.ToPair(this[key], key);

    /// <summary>Yields <c>params</c> and then each option, as iterating the Python dict's items.</summary>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return new("params", Params);
        foreach (var kv in options) yield return kv;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
