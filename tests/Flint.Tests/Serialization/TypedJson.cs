using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flint.Tests.Serialization;

/// <summary>
/// The typed JSON of tests/parity/serialization_common.py: an exact description of a checkpoint object (float bits,
/// big ints, tensor bytes, strides, storage sharing, object identity). <see cref="Match"/> checks a loaded object
/// against a description PyTorch wrote; <see cref="Encode"/> describes an object Flint saves, for
/// verify_flint_checkpoints.py (and for Flint-to-Flint round trips).
/// </summary>
internal static class TypedJson
{
    public static string FixtureDir => Path.Combine(AppContext.BaseDirectory, "fixtures", "serialization");

    public static string Fixture(string name) => Path.Combine(FixtureDir, name);

    public static JsonElement Expected(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Fixture(name + ".expected.json")));
        return doc.RootElement.Clone();
    }

    // Python's struct.pack(">d", x).hex(): the IEEE bits, most significant byte first.
    private static string Bits(double d) => BitConverter.DoubleToInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture);

    private static double FromBits(string hex) => BitConverter.Int64BitsToDouble(long.Parse(hex, NumberStyles.HexNumber));

    /// <summary>Asserts that <paramref name="actual"/> is what <paramref name="expected"/> describes.</summary>
    public static void Match(JsonElement expected, object? actual) => new Matcher().Match(expected, actual, "$");

    private sealed class Matcher
    {
        private readonly Dictionary<int, object> refs = [];
        private readonly Dictionary<int, Storage> storages = [];
        private readonly Dictionary<Storage, int> storageIds = new(ReferenceEqualityComparer.Instance);

        private static void Fail(string path, string message) => Assert.Fail($"{path}: {message}");

        private T As<T>(object? actual, string path)
        {
            if (actual is not T t)
            {
                Fail(path, $"expected {typeof(T).Name}, got {actual?.GetType().Name ?? "null"}");
                throw new InvalidOperationException();
            }
            return t;
        }

        private void Register(JsonElement e, object actual)
        {
            if (e.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number) refs[id.GetInt32()] = actual;
        }

        public void Match(JsonElement e, object? actual, string path)
        {
            var t = e.GetProperty("t").GetString();
            switch (t)
            {
                case "ref":
                    Assert.True(ReferenceEquals(refs[e.GetProperty("id").GetInt32()], actual), $"{path}: not the shared object it was in the file");
                    return;
                case "none":
                    Assert.True(actual is null, $"{path}: expected null, got {actual}");
                    return;
                case "bool":
                    Assert.Equal(e.GetProperty("v").GetBoolean(), As<bool>(actual, path));
                    return;
                case "int":
                    var big = BigInteger.Parse(e.GetProperty("v").GetString()!, CultureInfo.InvariantCulture);
                    if (big >= long.MinValue && big <= long.MaxValue) Assert.Equal((long)big, As<long>(actual, path));
                    else Assert.Equal(big, As<BigInteger>(actual, path));
                    return;
                case "float":
                    Assert.Equal(e.GetProperty("v").GetString(), Bits(As<double>(actual, path)));
                    return;
                case "complex":
                    var c = As<Complex>(actual, path);
                    Assert.Equal(e.GetProperty("re").GetString(), Bits(c.Real));
                    Assert.Equal(e.GetProperty("im").GetString(), Bits(c.Imaginary));
                    return;
                case "str":
                    Assert.Equal(e.GetProperty("v").GetString(), As<string>(actual, path));
                    return;
                case "bytes":
                    Assert.Equal(Convert.FromBase64String(e.GetProperty("v").GetString()!), As<byte[]>(actual, path));
                    return;
                case "size":
                    Assert.Equal(e.GetProperty("v").EnumerateArray().Select(x => x.GetInt64()).ToArray(), As<Size>(actual, path).ToArray());
                    return;
                case "device":
                    Assert.Equal(e.GetProperty("v").GetString(), As<Device>(actual, path).ToString());
                    return;
                case "dtype":
                    Assert.Equal(DTypes.Parse(e.GetProperty("v").GetString()!), As<DType>(actual, path));
                    return;
                case "tensor":
                    MatchTensor(e, As<Tensor>(actual, path), path);
                    return;
                case "tuple":
                {
                    var items = As<object?[]>(actual, path);
                    Register(e, items);
                    MatchItems(e, items, path);
                    return;
                }
                case "list":
                {
                    var list = As<List<object?>>(actual, path);
                    Register(e, list);
                    MatchItems(e, list, path);
                    return;
                }
                case "dict":
                    MatchDict(e, As<IDictionary>(actual, path), path);
                    return;
                case "set":
                {
                    var set = As<HashSet<object?>>(actual, path);
                    Register(e, set);
                    var items = e.GetProperty("items").EnumerateArray().ToList();
                    Assert.Equal(items.Count, set.Count);
                    foreach (var item in items) Assert.Contains(Atom(item), set);
                    return;
                }
                default:
                    Fail(path, $"unknown kind {t}");
                    return;
            }
        }

        private static object? Atom(JsonElement e) => e.GetProperty("t").GetString() switch
        {
            "int" => BigInteger.Parse(e.GetProperty("v").GetString()!, CultureInfo.InvariantCulture) is var b && b >= long.MinValue && b <= long.MaxValue ? (object)(long)b : b,
            "str" => e.GetProperty("v").GetString(),
            "bool" => e.GetProperty("v").GetBoolean(),
            "float" => FromBits(e.GetProperty("v").GetString()!),
            "none" => null,
            var k => throw new NotSupportedException($"set item of kind {k}"),
        };

        private void MatchItems(JsonElement e, IList actual, string path)
        {
            var items = e.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count == actual.Count, $"{path}: expected {items.Count} items, got {actual.Count}");
            for (int i = 0; i < items.Count; i++) Match(items[i], actual[i], $"{path}[{i}]");
        }

        private void MatchDict(JsonElement e, IDictionary dict, string path)
        {
            Register(e, dict);
            var type = dict.GetType();
            Assert.True(type.IsGenericType, $"{path}: {type} is not a generic dictionary");
            var def = type.GetGenericTypeDefinition();
            Assert.Equal(e.GetProperty("ordered").GetBoolean() ? typeof(OrderedDictionary<,>) : typeof(Dictionary<,>), def);
            var items = e.GetProperty("items").EnumerateArray().ToList();
            var kinds = items.Select(i => i[0].GetProperty("t").GetString()).Distinct().ToList();
            var keyType = type.GetGenericArguments()[0];
            var expectedKeyType = kinds.Count == 0 || kinds.All(k => k == "str") ? typeof(string)
                : kinds.All(k => k == "int") && items.All(i => Atom(i[0]) is long) ? typeof(long) : typeof(object);
            Assert.True(expectedKeyType == keyType, $"{path}: keys should be {expectedKeyType.Name}, are {keyType.Name}");
            var entries = new List<DictionaryEntry>();
            foreach (DictionaryEntry entry in dict) entries.Add(entry);
            Assert.True(items.Count == entries.Count, $"{path}: expected {items.Count} entries, got {entries.Count}");
            for (int i = 0; i < items.Count; i++)
            {
                Match(items[i][0], entries[i].Key, $"{path}.key{i}");
                Match(items[i][1], entries[i].Value, $"{path}[{entries[i].Key}]");
            }
        }

        private void MatchTensor(JsonElement e, Tensor t, string path)
        {
            Register(e, t);
            Assert.Equal(DTypes.Parse(e.GetProperty("dtype").GetString()!), t.DType);
            Assert.Equal(e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray(), t.Shape.ToArray());
            Assert.Equal(e.GetProperty("stride").EnumerateArray().Select(x => x.GetInt64()).ToArray(), t.Stride());
            Assert.Equal(e.GetProperty("offset").GetInt64(), t.StorageOffset());
            Assert.True(e.GetProperty("requires_grad").GetBoolean() == t.RequiresGrad, $"{path}: requires_grad");
            int sid = e.GetProperty("storage").GetInt32();
            var storage = t.UntypedStorage();
            if (storages.TryGetValue(sid, out var s))
                Assert.True(ReferenceEquals(s, storage), $"{path}: should share storage {sid} with an earlier tensor");
            else
            {
                Assert.False(storageIds.ContainsKey(storage), $"{path}: shares a storage it did not share in the file");
                storages[sid] = storage;
                storageIds[storage] = sid;
            }
            var bytes = Convert.FromBase64String(e.GetProperty("data").GetString()!);
            Assert.True(bytes.AsSpan().SequenceEqual(t.ToHostBytes()), $"{path}: tensor data differs");
        }
    }

    /// <summary>Describes an object in the typed JSON (what Flint saves, for PyTorch to check).</summary>
    public static JsonNode Encode(object? value) => new Encoder().Encode(value);

    private sealed class Encoder
    {
        private readonly Dictionary<object, int> ids = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<Storage, int> storages = new(ReferenceEqualityComparer.Instance);
        private int next;

        private int? Track(object o, out JsonNode? reference)
        {
            reference = null;
            if (ids.TryGetValue(o, out var id))
            {
                reference = new JsonObject { ["t"] = "ref", ["id"] = id };
                return null;
            }
            ids[o] = next;
            return next++;
        }

        public JsonNode Encode(object? o)
        {
            switch (o)
            {
                case null: return new JsonObject { ["t"] = "none" };
                case bool b: return new JsonObject { ["t"] = "bool", ["v"] = b };
                case sbyte or byte or short or ushort or int or uint or long or ulong or BigInteger:
                    return new JsonObject { ["t"] = "int", ["v"] = Convert.ToString(o, CultureInfo.InvariantCulture) };
                case double d: return new JsonObject { ["t"] = "float", ["v"] = Bits(d) };
                case float f: return new JsonObject { ["t"] = "float", ["v"] = Bits(f) };
                case Half h: return new JsonObject { ["t"] = "float", ["v"] = Bits((double)h) };
                case Complex c: return new JsonObject { ["t"] = "complex", ["re"] = Bits(c.Real), ["im"] = Bits(c.Imaginary) };
                case string s: return new JsonObject { ["t"] = "str", ["v"] = s };
                case byte[] bytes: return new JsonObject { ["t"] = "bytes", ["v"] = Convert.ToBase64String(bytes) };
                case Size size: return new JsonObject { ["t"] = "size", ["v"] = new JsonArray(size.Select(x => (JsonNode)x).ToArray()) };
                case Device device: return new JsonObject { ["t"] = "device", ["v"] = device.ToString() };
                case DType dtype: return new JsonObject { ["t"] = "dtype", ["v"] = dtype.ShortName() };
                case Tensor t:
                {
                    if (Track(t, out var r) is not { } id) return r!;
                    if (!storages.TryGetValue(t.UntypedStorage(), out var sid)) storages[t.UntypedStorage()] = sid = storages.Count;
                    return new JsonObject
                    {
                        ["t"] = "tensor", ["id"] = id, ["dtype"] = t.DType.ShortName(),
                        ["shape"] = new JsonArray(t.Shape.Select(x => (JsonNode)x).ToArray()),
                        ["stride"] = new JsonArray(t.Stride().Select(x => (JsonNode)x).ToArray()),
                        ["offset"] = t.StorageOffset(), ["storage"] = sid, ["requires_grad"] = t.RequiresGrad,
                        ["data"] = Convert.ToBase64String(t.ToHostBytes()),
                    };
                }
                case IDictionary dict:
                {
                    if (Track(dict, out var r) is not { } id) return r!;
                    var ordered = dict.GetType().IsGenericType && dict.GetType().GetGenericTypeDefinition() == typeof(OrderedDictionary<,>);
                    var items = new JsonArray();
                    foreach (DictionaryEntry entry in dict) items.Add(new JsonArray(Encode(entry.Key), Encode(entry.Value)));
                    return new JsonObject { ["t"] = "dict", ["id"] = id, ["ordered"] = ordered, ["items"] = items };
                }
                case System.Runtime.CompilerServices.ITuple tuple:
                    return Tuple(Enumerable.Range(0, tuple.Length).Select(i => tuple[i]).ToList(), null);
                case Array array:
                    return Tuple(array.Cast<object?>().ToList(), array);
                case IList list:
                {
                    if (Track(list, out var r) is not { } id) return r!;
                    var items = new JsonArray();
                    foreach (var item in list) items.Add(Encode(item));
                    return new JsonObject { ["t"] = "list", ["id"] = id, ["items"] = items };
                }
                case IEnumerable set:
                {
                    if (Track(set, out var r) is not { } id) return r!;
                    var items = new JsonArray();
                    foreach (var item in set) items.Add(Encode(item));
                    return new JsonObject { ["t"] = "set", ["id"] = id, ["frozen"] = false, ["items"] = items };
                }
                default:
                    throw new NotSupportedException(o.GetType().Name);
            }
        }

        private JsonNode Tuple(List<object?> items, object? identity)
        {
            int? id = null;
            if (identity is not null && items.Count > 0)
            {
                if (Track(identity, out var r) is not { } tracked) return r!;
                id = tracked;
            }
            else if (items.Count > 0)
            {
                id = next++;
            }
            var array = new JsonArray();
            foreach (var item in items) array.Add(Encode(item));
            return new JsonObject { ["t"] = "tuple", ["id"] = id, ["items"] = array };
        }
    }
}
