using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Flint.Data;

/// <summary>
/// The collate functions of <c>torch.utils.data</c>: <see cref="Default{T}"/> (<c>default_collate</c>) turns a list
/// of samples into one batch, <see cref="Convert{T}"/> (<c>default_convert</c>) turns a single sample into tensors
/// where automatic batching is off.
/// </summary>
public static class Collate
{
    private const string ErrorFormat = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {0}";

    /// <summary>
    /// <c>torch.utils.data.default_collate(batch)</c>: tensors are stacked along a new first dim
    /// (<c>torch.stack</c>); numbers become a 1-D tensor (C# <c>double</c> as Python's float gives float64,
    /// <c>int</c> and <c>long</c> as Python's int give int64, <c>bool</c> gives bool, <c>float</c>, <c>short</c>,
    /// <c>byte</c> and <c>sbyte</c> keep their width as NumPy scalars do); strings stay a list; tuples, arrays and
    /// lists are collated position by position into a list; dictionaries and C# records key by key into a
    /// dictionary. Anything else is PyTorch's <c>TypeError</c>, here an <see cref="ArgumentException"/>.
    /// </summary>
    public static Batch Default<T>(IReadOnlyList<T> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) throw new ArgumentException("default_collate: the batch is empty");
        if (typeof(T) == typeof(Tensor)) return Batch.FromTensor(Torch.Stack((IReadOnlyList<Tensor>)batch));
        var objects = new object?[batch.Count];
        for (int i = 0; i < objects.Length; i++) objects[i] = batch[i];
        return Objects(objects);
    }

    /// <summary>
    /// <c>torch.utils.data.default_convert(data)</c>: a sample as a <see cref="Batch"/> without a batch dim; tensors
    /// stay as they are, numbers and strings stay plain values, and containers are converted item by item.
    /// </summary>
    public static Batch Convert<T>(T sample) => ConvertObject(sample);

    private static Batch ConvertObject(object? o)
    {
        switch (o)
        {
            case Tensor t: return Batch.FromTensor(t);
            case Batch b: return b;
            case null or string: return Batch.FromValue(o);
            case IDictionary d:
            {
                var keys = new List<string>();
                var values = new List<Batch>();
                foreach (DictionaryEntry e in d)
                {
                    keys.Add(KeyName(e.Key));
                    values.Add(ConvertObject(e.Value));
                }
                return Batch.FromDictionary(keys, values);
            }
            case ITuple tuple:
            {
                var r = new Batch[tuple.Length];
                for (int i = 0; i < r.Length; i++) r[i] = ConvertObject(tuple[i]);
                return Batch.FromList(r);
            }
            case IList list:
            {
                var r = new Batch[list.Count];
                for (int i = 0; i < r.Length; i++) r[i] = ConvertObject(list[i]);
                return Batch.FromList(r);
            }
        }
        var props = RecordProperties(o.GetType());
        if (props is null) return Batch.FromValue(o);
        var vals = new Batch[props.Length];
        for (int i = 0; i < props.Length; i++) vals[i] = ConvertObject(props[i].GetValue(o));
        return Batch.FromDictionary(props.Select(p => p.Name).ToArray(), vals);
    }

    private static Batch Objects(object?[] batch)
    {
        var elem = batch[0];
        switch (elem)
        {
            case Tensor:
            {
                var ts = new Tensor[batch.Length];
                for (int i = 0; i < ts.Length; i++)
                    ts[i] = batch[i] as Tensor ?? throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, ErrorFormat, TypeName(batch[i])));
                return Batch.FromTensor(Torch.Stack(ts));
            }
            case Batch:
                throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, ErrorFormat, "Flint.Data.Batch"));
            case double or float or long or int or short or sbyte or byte or bool:
                return Batch.FromTensor(Numbers(batch, elem.GetType()));
            case string:
            {
                var r = new Batch[batch.Length];
                for (int i = 0; i < r.Length; i++) r[i] = Batch.FromValue(batch[i]);
                return Batch.FromList(r);
            }
            case IDictionary first:
            {
                var keys = new List<string>();
                var values = new List<Batch>();
                foreach (DictionaryEntry e in first)
                {
                    var column = new object?[batch.Length];
                    for (int i = 0; i < batch.Length; i++)
                    {
                        var d = batch[i] as IDictionary ?? throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, ErrorFormat, TypeName(batch[i])));
                        if (!d.Contains(e.Key)) throw new KeyNotFoundException($"{KeyName(e.Key)}");
                        column[i] = d[e.Key];
                    }
                    keys.Add(KeyName(e.Key));
                    values.Add(Objects(column));
                }
                return Batch.FromDictionary(keys, values);
            }
            case ITuple t0:
                return Transposed(batch, t0.Length, o => o is ITuple t ? t.Length : -1, (o, j) => ((ITuple)o!)[j]);
            case IList l0:
                return Transposed(batch, l0.Count, o => o is IList l ? l.Count : -1, (o, j) => ((IList)o!)[j]);
            case null:
                throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, ErrorFormat, "<class 'NoneType'>"));
        }
        var props = RecordProperties(elem.GetType())
            ?? throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, ErrorFormat, TypeName(elem)));
        var vals = new Batch[props.Length];
        for (int j = 0; j < props.Length; j++)
        {
            var column = new object?[batch.Length];
            for (int i = 0; i < batch.Length; i++) column[i] = props[j].GetValue(batch[i]);
            vals[j] = Objects(column);
        }
        return Batch.FromDictionary(props.Select(p => p.Name).ToArray(), vals);
    }

    private static Batch Transposed(object?[] batch, int size, Func<object?, int> length, Func<object?, int, object?> item)
    {
        for (int i = 1; i < batch.Length; i++)
            if (length(batch[i]) != size) throw new InvalidOperationException("each element in list of batch should be of equal size");
        var r = new Batch[size];
        var column = new object?[batch.Length];
        for (int j = 0; j < size; j++)
        {
            for (int i = 0; i < batch.Length; i++) column[i] = item(batch[i], j);
            r[j] = Objects(column);
        }
        return Batch.FromList(r);
    }

    private static Tensor Numbers(object?[] batch, Type type)
    {
        int n = batch.Length;
        if (type == typeof(double) || type == typeof(float))
        {
            if (type == typeof(float) && Array.TrueForAll(batch, o => o is float))
            {
                var f = new float[n];
                for (int i = 0; i < n; i++) f[i] = (float)batch[i]!;
                return Torch.FromArray(f);
            }
            var d = new double[n];
            for (int i = 0; i < n; i++) d[i] = System.Convert.ToDouble(batch[i] ?? throw NoneInBatch(), CultureInfo.InvariantCulture);
            return Torch.FromArray(d);
        }
        if (type == typeof(bool))
        {
            if (Array.TrueForAll(batch, o => o is bool))
            {
                var b = new bool[n];
                for (int i = 0; i < n; i++) b[i] = (bool)batch[i]!;
                return Torch.FromArray(b);
            }
            type = typeof(long);
        }
        if (type == typeof(byte) || type == typeof(sbyte) || type == typeof(short))
        {
            var dt = type == typeof(byte) ? DType.UInt8 : type == typeof(sbyte) ? DType.Int8 : DType.Int16;
            if (Array.TrueForAll(batch, o => o?.GetType() == type))
            {
                var v = new long[n];
                for (int i = 0; i < n; i++) v[i] = System.Convert.ToInt64(batch[i], CultureInfo.InvariantCulture);
                return Torch.FromArray(v).To(dt);
            }
        }
        var l = new long[n];
        for (int i = 0; i < n; i++)
        {
            var o = batch[i] ?? throw NoneInBatch();
            if (o is double or float)
            {
                // Python's torch.tensor([1, 2.5]) infers the default float dtype for a mixed list.
                var d = new double[n];
                for (int k = 0; k < n; k++) d[k] = System.Convert.ToDouble(batch[k] ?? throw NoneInBatch(), CultureInfo.InvariantCulture);
                return Torch.FromArray(d).To(Torch.GetDefaultDtype());
            }
            l[i] = System.Convert.ToInt64(o, CultureInfo.InvariantCulture);
        }
        return Torch.FromArray(l);
    }

    private static ArgumentException NoneInBatch() =>
        new("Could not infer dtype of NoneType");

    private static string KeyName(object key) => System.Convert.ToString(key, CultureInfo.InvariantCulture) ?? "";

    private static string TypeName(object? o) => o is null ? "<class 'NoneType'>" : $"<class '{o.GetType().FullName}'>";

    private static readonly ConditionalWeakTable<Type, PropertyInfo[]?> RecordCache = [];

    // C# records (class or struct) have a compiler-made PrintMembers(StringBuilder); their public instance
    // properties, in declaration order, are collated by name like a namedtuple's fields.
    private static PropertyInfo[]? RecordProperties(Type type) => RecordCache.GetValue(type, static t =>
    {
        var print = t.GetMethod("PrintMembers", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public,
            [typeof(System.Text.StringBuilder)]);
        if (print is null) return null;
        return t.GetProperties(BindingFlags.Instance | BindingFlags.Public)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken)
            .ToArray();
    });
}
