using System.Collections;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Flint.Tests.Parity;

namespace Flint.Tests.Optim;

/// <summary>
/// Reads the values tests/parity/optim_common.py writes (tensors, tuples, dicts, Python ints and floats) into the
/// objects a PyTorch checkpoint would bring, and compares Flint's values with them.
/// </summary>
public static class OptimValues
{
    public static object? Decode(FixtureSet fx, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null: return null;
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.String: return e.GetString();
            case JsonValueKind.Number:
                return e.TryGetInt64(out var l) && !e.GetRawText().Contains('.') && !e.GetRawText().Contains('e') ? (object)l : e.GetDouble();
            case JsonValueKind.Array: return e.EnumerateArray().Select(x => Decode(fx, x)).ToList();
            case JsonValueKind.Object:
                if (e.TryGetProperty("key", out _)) return fx.Tensor(e);
                if (e.TryGetProperty("tuple", out var t)) return t.EnumerateArray().Select(x => Decode(fx, x)).ToArray();
                if (e.TryGetProperty("float", out var fl)) return double.Parse(fl.GetString()!.Replace("inf", "Infinity"), System.Globalization.CultureInfo.InvariantCulture);
                if (e.TryGetProperty("dict", out var d))
                {
                    var r = new Dictionary<object, object?>();
                    foreach (var kv in d.EnumerateArray())
                        r[Decode(fx, kv[0])!] = Decode(fx, kv[1]);
                    return r;
                }
                throw new InvalidDataException(e.GetRawText());
            default: throw new InvalidDataException(e.GetRawText());
        }
    }

    /// <summary>Tolerance for a dtype name: 1e-6 for float32, 1e-10 for float64 (relative above 1).</summary>
    public static double Tol(string dtype) => dtype == "f32" || dtype == "float32" ? 1e-6 : 1e-10;

    public static void AssertTensorClose(Tensor expected, Tensor actual, double tol, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        for (int i = 0; i < e.Length; i++)
        {
            var ok = double.IsNaN(e[i]) ? double.IsNaN(a[i]) : Math.Abs(e[i] - a[i]) <= tol * Math.Max(1, Math.Abs(e[i]));
            Assert.True(ok, $"{what}: element {i} is {a[i]:R}, PyTorch has {e[i]:R} (diff {Math.Abs(e[i] - a[i]):E2})");
        }
    }

    /// <summary>
    /// Structural equality of a Flint state-dict value with PyTorch's: same container kinds (dict, list, tuple), same
    /// keys, ints as ints and floats as floats, tensors of the same dtype and shape within tolerance.
    /// </summary>
    public static void AssertSame(object? expected, object? actual, double tol, string path)
    {
        switch (expected)
        {
            case null: Assert.True(actual is null, $"{path}: expected None, got {actual}"); return;
            case Tensor te:
                var ta = Assert.IsAssignableFrom<Tensor>(actual);
                Assert.True(te.DType == ta.DType, $"{path}: dtype {ta.DType}, PyTorch has {te.DType}");
                AssertTensorClose(te, ta, tol, path);
                return;
            case bool b: Assert.True(actual is bool ab && ab == b, $"{path}: expected {b}, got {actual}"); return;
            case long l: Assert.True(actual is long al && al == l, $"{path}: expected int {l}, got {actual} ({actual?.GetType().Name})"); return;
            case double d:
                Assert.True(actual is double ad, $"{path}: expected float {d}, got {actual} ({actual?.GetType().Name})");
                Assert.True(d == (double)actual! || Math.Abs(d - (double)actual!) <= tol * Math.Max(1, Math.Abs(d)), $"{path}: expected {d:R}, got {actual:R}");
                return;
            case string s: Assert.Equal(s, actual); return;
            case object?[] tuple:
                var items = actual switch
                {
                    ITuple t => Enumerable.Range(0, t.Length).Select(i => t[i]).ToArray(),
                    object?[] arr => arr,
                    _ => throw new Xunit.Sdk.XunitException($"{path}: expected a tuple, got {actual?.GetType().Name}"),
                };
                Assert.True(tuple.Length == items.Length, $"{path}: tuple length");
                for (int i = 0; i < tuple.Length; i++) AssertSame(tuple[i], items[i], tol, $"{path}[{i}]");
                return;
            case IDictionary de:
                var da = Assert.IsAssignableFrom<IDictionary>(actual);
                var ek = de.Keys.Cast<object>().Select(k => k.ToString()).ToList();
                var ak = da.Keys.Cast<object>().Select(k => k.ToString()).ToList();
                Assert.True(ek.SequenceEqual(ak), $"{path}: keys [{string.Join(", ", ak)}], PyTorch has [{string.Join(", ", ek)}]");
                foreach (DictionaryEntry kv in de)
                {
                    var key = da.Contains(kv.Key) ? kv.Key : da.Keys.Cast<object>().First(k => k.ToString() == kv.Key.ToString());
                    Assert.True(key.GetType() == kv.Key.GetType(), $"{path}: key {kv.Key} is a {key.GetType().Name}");
                    AssertSame(kv.Value, da[key], tol, $"{path}.{kv.Key}");
                }
                return;
            case IList le:
                var la = Assert.IsAssignableFrom<IList>(actual);
                Assert.False(actual is object?[], $"{path}: expected a list, got a tuple");
                Assert.True(le.Count == la.Count, $"{path}: length {la.Count}, PyTorch has {le.Count}");
                for (int i = 0; i < le.Count; i++) AssertSame(le[i], la[i], tol, $"{path}[{i}]");
                return;
            default: throw new InvalidDataException(expected.GetType().Name);
        }
    }
}
