using System.Text;
using Flint.Optim;

namespace Flint;

/// <summary>
/// A dictionary that keeps insertion order and prints as Python's <c>collections.OrderedDict</c>:
/// <c>OrderedDict([('weight', tensor([[2.0023]])), ('bias', tensor([0.9952]))])</c>. It is what
/// <see cref="NN.Module.StateDict"/> returns, so printing a state dict looks as it does in PyTorch, and
/// <c>Torch.Save</c> writes it as an <c>OrderedDict</c>.
/// </summary>
/// <typeparam name="TKey">The key type (a string for state dicts).</typeparam>
/// <typeparam name="TValue">The value type (a tensor for state dicts).</typeparam>
public class OrderedDict<TKey, TValue> : OrderedDictionary<TKey, TValue> where TKey : notnull
{
    /// <summary>An empty dict (<c>OrderedDict()</c>).</summary>
    public OrderedDict() { }

    /// <summary>A dict of the given pairs, in order (<c>OrderedDict(pairs)</c>).</summary>
    public OrderedDict(IEnumerable<KeyValuePair<TKey, TValue>> pairs) : base(pairs) { }

    /// <summary>Python's <c>repr</c>: <c>OrderedDict([(key, value), ...])</c>, or <c>OrderedDict()</c> when empty.</summary>
    public override string ToString()
    {
        if (Count == 0) return "OrderedDict()";
        var sb = new StringBuilder("OrderedDict([");
        bool first = true;
        foreach (var (k, v) in this)
        {
            if (!first) sb.Append(", ");
            first = false;
            sb.Append('(').Append(PyValues.Repr(k)).Append(", ").Append(PyValues.Repr(v)).Append(')');
        }
        return sb.Append("])").ToString();
    }
}
