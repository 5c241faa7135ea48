using System.Collections;
using System.Numerics;

namespace Flint.Serialization;

/// <summary>
/// Turns the raw graph an <see cref="Unpickler"/> built into the public object model of <see cref="Torch.Load(string, Device?, bool)"/>,
/// keeping shared references shared (an object met twice converts once) and cycles intact, and capping nesting depth.
/// A dict becomes <c>Dictionary&lt;string, object?&gt;</c> when every key is a str (or it is empty),
/// <c>Dictionary&lt;long, object?&gt;</c> when every key is an int, else <c>Dictionary&lt;object, object?&gt;</c>;
/// an <c>OrderedDict</c> becomes <c>OrderedDictionary</c> with the same key rule.
/// </summary>
internal sealed class PickleConverter
{
    private readonly Dictionary<object, object> done = new(ReferenceEqualityComparer.Instance);

    public object? Convert(object? raw) => Convert(raw, 0);

    private object? Convert(object? raw, int depth)
    {
        switch (raw)
        {
            case null or bool or long or BigInteger or double or string or byte[] or Tensor or Size or Device or Complex or DType:
                return raw;
        }
        if (depth > Unpickler.MaxDepth)
            throw new UnpicklingException($"the checkpoint's objects nest deeper than {Unpickler.MaxDepth} levels");
        if (done.TryGetValue(raw, out var converted)) return converted;
        switch (raw)
        {
            case List<object?> list:
                done[list] = list;
                for (int i = 0; i < list.Count; i++) list[i] = Convert(list[i], depth + 1);
                return list;
            case object?[] tuple:
                done[tuple] = tuple;
                for (int i = 0; i < tuple.Length; i++) tuple[i] = Convert(tuple[i], depth + 1);
                return tuple;
            case PyDict dict:
                return ConvertDict(dict, depth);
            case PySet pySet:
                var set = new HashSet<object?>();
                done[pySet] = set;
                foreach (var item in pySet.Items) set.Add(Hashable(Convert(item, depth + 1)));
                return set;
            case PyGlobal { Kind: GlobalKind.DTypeValue, DType: { } dt }:
                return dt;
            case PyGlobal g:
                throw new UnpicklingException($"the checkpoint holds a bare reference to {g.FullName}, which is code, not data");
            case StorageRef:
                throw new UnpicklingException(
                    "the checkpoint holds a bare torch storage (torch.save(t.storage()) or t.untyped_storage()); Flint loads tensors, not storages");
            default:
                throw new UnpicklingException($"the checkpoint holds an unexpected {PyTypes.Name(raw)}");
        }
    }

    private static object? Hashable(object? key) => key switch
    {
        List<object?> or IDictionary or HashSet<object?> =>
            throw new UnpicklingException($"unhashable type: '{(key is List<object?> ? "list" : key is HashSet<object?> ? "set" : "dict")}' used as a dict key or set item"),
        _ => key,
    };

    private object ConvertDict(PyDict dict, int depth)
    {
        var keys = new object?[dict.Items.Count];
        bool allStrings = true, allInts = keys.Length > 0;
        for (int i = 0; i < keys.Length; i++)
        {
            var k = Hashable(Convert(dict.Items[i].Key, depth + 1))
                ?? throw new UnpicklingException("a dict in the checkpoint has None as a key, which Flint's dictionaries cannot hold");
            keys[i] = k;
            allStrings &= k is string;
            allInts &= k is long;
        }
        IDictionary result = (dict.Ordered, allStrings, allInts) switch
        {
            (true, true, _) => new OrderedDictionary<string, object?>(keys.Length),
            (true, false, true) => new OrderedDictionary<long, object?>(keys.Length),
            (true, false, false) => new OrderedDictionary<object, object?>(keys.Length),
            (false, true, _) => new Dictionary<string, object?>(keys.Length),
            (false, false, true) => new Dictionary<long, object?>(keys.Length),
            _ => new Dictionary<object, object?>(keys.Length),
        };
        done[dict] = result;
        for (int i = 0; i < keys.Length; i++) result[keys[i]!] = Convert(dict.Items[i].Value, depth + 1);
        return result;
    }
}
