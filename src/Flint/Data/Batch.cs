using System.Collections;
using System.Globalization;
using System.Text;

namespace Flint.Data;

/// <summary>
/// What the default collate function makes of a batch: a tree whose leaves are tensors (or, where PyTorch keeps
/// the Python object, plain values such as strings) and whose inner nodes are lists (PyTorch collates tuples and
/// lists into lists) or dictionaries (dicts, and C# records by property name). A tensor leaf converts to
/// <see cref="Flint.Tensor"/> implicitly, and a list deconstructs into tensors:
/// <c>foreach (var (data, target) in loader)</c>.
/// </summary>
public sealed class Batch : IReadOnlyList<Batch>
{
    private readonly Tensor? tensor;
    private readonly object? value;
    private readonly Batch[]? items;
    private readonly string[]? keys;

    private Batch(Tensor? tensor, object? value, Batch[]? items, string[]? keys)
    {
        this.tensor = tensor;
        this.value = value;
        this.items = items;
        this.keys = keys;
    }

    /// <summary>A tensor leaf.</summary>
    public static Batch FromTensor(Tensor tensor) => new(tensor ?? throw new ArgumentNullException(nameof(tensor)), null, null, null);

    /// <summary>A leaf holding a value that is not collated (a string, or a number under <c>default_convert</c>).</summary>
    public static Batch FromValue(object? value) => new(null, value, null, null);

    /// <summary>A list node (what PyTorch makes of tuples and lists).</summary>
    public static Batch FromList(IReadOnlyList<Batch> items) => new(null, null, items.ToArray(), null);

    /// <summary>A dictionary node with keys in order (what PyTorch makes of a dict).</summary>
    public static Batch FromDictionary(IReadOnlyList<string> keys, IReadOnlyList<Batch> values)
    {
        if (keys.Count != values.Count) throw new ArgumentException("keys and values differ in number");
        return new(null, null, values.ToArray(), keys.ToArray());
    }

    /// <summary>Whether this node is a tensor.</summary>
    public bool IsTensor => tensor is not null;

    /// <summary>Whether this node is a list.</summary>
    public bool IsList => items is not null && keys is null;

    /// <summary>Whether this node is a dictionary.</summary>
    public bool IsDictionary => keys is not null;

    /// <summary>The tensor of a tensor leaf.</summary>
    public Tensor Tensor => tensor ?? throw new InvalidOperationException($"this part of the batch is {KindName}, not a tensor");

    /// <summary>The value of a non-tensor leaf (a string, or a number left as it was).</summary>
    public object? Value => items is null && tensor is null ? value
        : throw new InvalidOperationException($"this part of the batch is {KindName}, not a plain value");

    /// <summary>The keys of a dictionary node, in order.</summary>
    public IReadOnlyList<string> Keys => keys ?? throw new InvalidOperationException($"this part of the batch is {KindName}, not a dictionary");

    /// <summary>The number of children of a list or dictionary node.</summary>
    public int Count => Children.Length;

    /// <summary>The child at <paramref name="index"/> of a list (or, by position, of a dictionary).</summary>
    public Batch this[int index] => Children[index];

    /// <summary>The child under <paramref name="key"/> of a dictionary node.</summary>
    public Batch this[string key]
    {
        get
        {
            int i = Array.IndexOf(keys ?? throw new InvalidOperationException($"this part of the batch is {KindName}, not a dictionary"), key);
            return i >= 0 ? items![i] : throw new KeyNotFoundException($"'{key}'");
        }
    }

    private Batch[] Children => items ?? throw new InvalidOperationException($"this part of the batch is {KindName}, not a list or dictionary");

    private string KindName => tensor is not null ? "a tensor" : keys is not null ? "a dictionary" : items is not null ? "a list" : "a plain value";

    /// <summary>The tensor of a tensor leaf.</summary>
    public static implicit operator Tensor(Batch batch) => batch.Tensor;

    /// <summary>The two tensors of a two-item list (<c>data, target = batch</c>).</summary>
    public void Deconstruct(out Tensor first, out Tensor second)
    {
        CheckArity(2);
        first = items![0].Tensor;
        second = items[1].Tensor;
    }

    /// <summary>The three tensors of a three-item list.</summary>
    public void Deconstruct(out Tensor first, out Tensor second, out Tensor third)
    {
        CheckArity(3);
        (first, second, third) = (items![0].Tensor, items[1].Tensor, items[2].Tensor);
    }

    /// <summary>The four tensors of a four-item list.</summary>
    public void Deconstruct(out Tensor first, out Tensor second, out Tensor third, out Tensor fourth)
    {
        CheckArity(4);
        (first, second, third, fourth) = (items![0].Tensor, items[1].Tensor, items[2].Tensor, items[3].Tensor);
    }

    private void CheckArity(int n)
    {
        int have = Children.Length;
        if (have < n) throw new InvalidOperationException($"not enough values to unpack (expected {n}, got {have})");
        if (have > n) throw new InvalidOperationException($"too many values to unpack (expected {n})");
    }

    /// <summary>The children of a list or dictionary node.</summary>
    public IEnumerator<Batch> GetEnumerator() => ((IEnumerable<Batch>)Children).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Python's repr of the collated structure: tensors as PyTorch prints them, lists, dicts and strings.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Write(sb);
        return sb.ToString();
    }

    private void Write(StringBuilder sb)
    {
        if (tensor is not null) { sb.Append(tensor.ToString()); return; }
        if (items is null)
        {
            sb.Append(value switch
            {
                null => "None",
                string s => "'" + s + "'",
                bool b => b ? "True" : "False",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            });
            return;
        }
        sb.Append(keys is null ? '[' : '{');
        for (int i = 0; i < items.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            if (keys is not null) sb.Append('\'').Append(keys[i]).Append("': ");
            items[i].Write(sb);
        }
        sb.Append(keys is null ? ']' : '}');
    }
}
