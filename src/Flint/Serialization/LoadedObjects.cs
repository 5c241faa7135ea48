using System.Collections;
using System.Globalization;
using System.Numerics;

namespace Flint.Serialization;

/// <summary>
/// Converts what <see cref="Torch.Load(string, Device?, bool)"/> returns into a caller's static type, for
/// <see cref="Torch.Load{T}(string, Device?, bool?)"/>: dictionaries into <c>Dictionary</c>, <c>OrderedDictionary</c>,
/// <c>IDictionary</c> or <c>IReadOnlyDictionary</c> of any key and value types, lists and tuples into <c>List</c>,
/// <c>IList</c>, <c>IReadOnlyList</c>, <c>IEnumerable</c> or arrays, ints into any integer or floating type (checked
/// for overflow) and floats into floating types, recursively.
/// </summary>
internal static class LoadedObjects
{
    public static T Convert<T>(object? value) => (T)Convert(value, typeof(T), "the loaded object")!;

    private static readonly HashSet<Type> DictionaryTypes =
        [typeof(Dictionary<,>), typeof(OrderedDictionary<,>), typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>)];

    private static readonly HashSet<Type> ListTypes =
        [typeof(List<>), typeof(IList<>), typeof(IReadOnlyList<>), typeof(ICollection<>), typeof(IReadOnlyCollection<>), typeof(IEnumerable<>)];

    private static object? Convert(object? value, Type target, string path)
    {
        if (value is null)
        {
            if (!target.IsValueType || Nullable.GetUnderlyingType(target) is not null) return null;
            throw new InvalidCastException($"{path} is None, which cannot be converted to {target.Name}");
        }
        if (target.IsInstanceOfType(value)) return value;
        var type = Nullable.GetUnderlyingType(target) ?? target;
        bool integralTarget = type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(sbyte)
            || type == typeof(ulong) || type == typeof(uint) || type == typeof(ushort) || type == typeof(byte);
        bool realTarget = type == typeof(double) || type == typeof(float) || type == typeof(decimal);
        if ((integralTarget && value is long or BigInteger) || (realTarget && value is long or BigInteger or double))
        {
            try
            {
                return System.Convert.ChangeType(value is BigInteger big ? (object)(decimal)big : value, type, CultureInfo.InvariantCulture);
            }
            catch (OverflowException e)
            {
                throw new InvalidCastException($"{path} = {value} does not fit in {type.Name}", e);
            }
        }
        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            var args = type.GetGenericArguments();
            if (value is IDictionary source && DictionaryTypes.Contains(definition))
            {
                var concrete = !definition.IsInterface ? definition
                    : value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(OrderedDictionary<,>)
                        ? typeof(OrderedDictionary<,>) : typeof(Dictionary<,>);
                var result = (IDictionary)Activator.CreateInstance(concrete.MakeGenericType(args))!;
                foreach (DictionaryEntry e in source)
                {
                    var key = Convert(e.Key, args[0], $"a key of {path}")!;
                    result[key] = Convert(e.Value, args[1], $"{path}[{e.Key}]");
                }
                return result;
            }
            if (value is IList items && value is not byte[] && ListTypes.Contains(definition))
            {
                var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(args))!;
                for (int i = 0; i < items.Count; i++) list.Add(Convert(items[i], args[0], $"{path}[{i}]"));
                return list;
            }
        }
        if (type.IsArray && type.GetArrayRank() == 1 && value is IList elements && value is not byte[])
        {
            var element = type.GetElementType()!;
            var array = Array.CreateInstance(element, elements.Count);
            for (int i = 0; i < elements.Count; i++) array.SetValue(Convert(elements[i], element, $"{path}[{i}]"), i);
            return array;
        }
        throw new InvalidCastException($"{path} is a {value.GetType().Name}, which cannot be converted to {type}");
    }
}
