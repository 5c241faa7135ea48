using System.Collections;

namespace Flint.Optim;

/// <summary>
/// The per-parameter state of an optimizer (PyTorch's <c>optimizer.state</c>, a <c>defaultdict(dict)</c> keyed by
/// tensor): <c>state[p]</c> is a name-to-value dictionary (<c>"exp_avg"</c>, <c>"step"</c>, ...) that is created
/// empty on first access. Keys compare by reference, as Python compares tensors by identity.
/// </summary>
public sealed class OptimizerState : IEnumerable<KeyValuePair<Tensor, Dictionary<string, object?>>>
{
    private readonly Dictionary<Tensor, Dictionary<string, object?>> map = new(ReferenceEqualityComparer.Instance);

    /// <summary>The state of <paramref name="param"/>, created empty if absent (<c>optimizer.state[p]</c>).</summary>
    public Dictionary<string, object?> this[Tensor param]
    {
        get
        {
            if (!map.TryGetValue(param, out var s)) map[param] = s = [];
            return s;
        }
        set => map[param] = value;
    }

    /// <summary>
    /// Entries a loaded state dict held for keys that name no parameter, kept as PyTorch keeps them and written back
    /// by <c>StateDict()</c>.
    /// </summary>
    internal Dictionary<object, object?> Unmapped { get; } = [];

    /// <summary>The number of parameters with state (<c>len(optimizer.state)</c>).</summary>
    public int Count => map.Count;

    /// <summary>True if <paramref name="param"/> has state, without creating it (<c>p in optimizer.state</c>).</summary>
    public bool ContainsKey(Tensor param) => map.ContainsKey(param);

    /// <summary>The state of <paramref name="param"/> if present.</summary>
    public bool TryGetValue(Tensor param, out Dictionary<string, object?> state) => map.TryGetValue(param, out state!);

    /// <summary>The parameters with state.</summary>
    public IEnumerable<Tensor> Keys => map.Keys;

    /// <summary>Removes all state.</summary>
    public void Clear()
    {
        map.Clear();
        Unmapped.Clear();
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<Tensor, Dictionary<string, object?>>> GetEnumerator() => map.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
