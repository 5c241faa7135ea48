using System.Collections;

namespace Flint.NN;

/// <summary>
/// Modules applied one after another (<c>nn.Sequential</c>): positional (named "0", "1", ...) or from ordered
/// name/module pairs (PyTorch's <c>Sequential(OrderedDict(...))</c>), printed with those names.
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>, IEnumerable<Module>
{
    private List<(string Name, Module Module)> items = [];

    /// <summary>Positional children named "0", "1", ... (<c>nn.Sequential(*modules)</c>).</summary>
    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Append(m);
    }

    /// <summary>Named children in order (<c>nn.Sequential(OrderedDict([...]))</c>).</summary>
    public Sequential(IEnumerable<(string Name, Module Module)> modules)
    {
        foreach (var (n, m) in modules) Add(n, m);
    }

    /// <summary>Named children in order, from key/value pairs such as an OrderedDictionary.</summary>
    public Sequential(IEnumerable<KeyValuePair<string, Module>> modules)
    {
        foreach (var kv in modules) Add(kv.Key, kv.Value);
    }

    private void Add(string name, Module m)
    {
        RegisterModule(name, m);
        items.RemoveAll(x => x.Name == name);
        items.Add((name, m));
    }

    /// <summary>Adds a module at the end, named by its position (<c>append</c>).</summary>
    public Sequential Append(Module module)
    {
        Add(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        return this;
    }

    /// <summary>Number of children (<c>len(seq)</c>).</summary>
    public int Count => items.Count;

    /// <summary>The child at a position; negative counts from the end (<c>seq[i]</c>).</summary>
    public Module this[int index] => items[Containers.Wrap(index, items.Count, "Sequential")].Module;

    /// <summary>A new Sequential of a range of children, keeping their names (<c>seq[a:b]</c>).</summary>
    public Sequential this[Range range]
    {
        get
        {
            var (off, len) = range.GetOffsetAndLength(items.Count);
            return new Sequential(items.GetRange(off, len));
        }
    }

    /// <summary>Applies each child in order (<c>forward</c>).</summary>
    public override Tensor Forward(Tensor input)
    {
        foreach (var (name, m) in items)
            input = m is Module<Tensor, Tensor> f
                ? f.Call(input)
                : throw new InvalidOperationException($"Sequential child '{name}' ({m.GetName()}) does not map a Tensor to a Tensor");
        return input;
    }

    /// <inheritdoc/>
    public IEnumerator<Module> GetEnumerator() => items.Select(x => x.Module).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private protected override void OnDeepCopied(Dictionary<object, object> memo)
    {
        items = items.Select(x => (x.Name, CopyModule(x.Module, memo))).ToList();
    }
}

/// <summary>Shared index checks for the containers.</summary>
internal static class Containers
{
    public static int Wrap(int index, int count, string what)
    {
        if (index < -count || index >= count) throw new IndexOutOfRangeException($"index {index} is out of range");
        return index < 0 ? index + count : index;
    }
}
