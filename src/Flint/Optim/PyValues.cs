using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Flint.Optim;

/// <summary>
/// Helpers for option and state values, which hold what a Python dict would: numbers (<see cref="double"/>,
/// <see cref="long"/>), bools, strings, null, tuples, lists, dicts and tensors. Reads accept any numeric boxing
/// (a checkpoint written by PyTorch brings Python ints as <see cref="long"/>); <see cref="Repr"/> prints as Python's
/// <c>str()</c> does, for optimizer and scheduler printouts.
/// </summary>
internal static class PyValues
{
    public static bool IsNumber(object? v) => v is double or float or long or int or short or byte or sbyte or decimal;

    public static double ToDouble(object? v, string name) => v switch
    {
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        short s => s,
        byte b => b,
        sbyte sb => sb,
        bool b => b ? 1 : 0,
        decimal m => (double)m,
        Tensor t when t.Numel() == 1 => t.Item<double>(),
        _ => throw new ArgumentException($"expected a number for '{name}', but got {TypeName(v)}"),
    };

    public static long ToLong(object? v, string name) => v switch
    {
        long l => l,
        int i => i,
        short s => s,
        byte b => b,
        sbyte sb => sb,
        double d when d == Math.Floor(d) => (long)d,
        float f when f == MathF.Floor(f) => (long)f,
        Tensor t when t.Numel() == 1 => t.Item<long>(),
        _ => throw new ArgumentException($"expected an integer for '{name}', but got {TypeName(v)}"),
    };

    public static bool ToBool(object? v, string name) => v switch
    {
        bool b => b,
        null => false,
        _ when IsNumber(v) => ToDouble(v, name) != 0,
        _ => throw new ArgumentException($"expected a bool for '{name}', but got {TypeName(v)}"),
    };

    /// <summary>The two numbers of a pair option such as <c>betas</c>: a C# tuple, an array or a list.</summary>
    public static (double, double) ToPair(object? v, string name)
    {
        var items = Items(v) ?? throw new ArgumentException($"expected a pair of numbers for '{name}', but got {TypeName(v)}");
        if (items.Count != 2) throw new ArgumentException($"expected a pair of numbers for '{name}', but got {items.Count} values");
        return (ToDouble(items[0], name), ToDouble(items[1], name));
    }

    /// <summary>The elements of a tuple or list value, or null if it is neither.</summary>
    public static IReadOnlyList<object?>? Items(object? v)
    {
        switch (v)
        {
            case null or string or Tensor: return null;
            case ITuple t:
                var r = new object?[t.Length];
                for (int i = 0; i < t.Length; i++) r[i] = t[i];
                return r;
            case IList l:
                var list = new object?[l.Count];
                for (int i = 0; i < l.Count; i++) list[i] = l[i];
                return list;
            default: return null;
        }
    }

    public static string TypeName(object? v) => v switch
    {
        null => "None",
        double or float => "float",
        long or int or short or byte or sbyte => "int",
        bool => "bool",
        string => "str",
        Tensor t => t.Type(),
        ITuple => "tuple",
        IDictionary => "dict",
        IList => "list",
        _ => v.GetType().Name,
    };

    /// <summary>A value as Python's <c>str()</c> prints it (strings bare at the top level, quoted inside containers).</summary>
    public static string Str(object? v) => v is string s ? s : Repr(v);

    /// <summary>A value as Python's <c>repr()</c> prints it.</summary>
    public static string Repr(object? v)
    {
        switch (v)
        {
            case null: return "None";
            case bool b: return b ? "True" : "False";
            case double d: return FloatRepr(d);
            case float f: return FloatRepr(f);
            case string s: return "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
            case Tensor t: return t.ToString() ?? "";
            case IDictionary dict:
                {
                    var sb = new StringBuilder("{");
                    bool first = true;
                    foreach (DictionaryEntry e in dict)
                    {
                        if (!first) sb.Append(", ");
                        first = false;
                        sb.Append(Repr(e.Key)).Append(": ").Append(Repr(e.Value));
                    }
                    return sb.Append('}').ToString();
                }
            case ITuple t:
                {
                    var parts = new string[t.Length];
                    for (int i = 0; i < t.Length; i++) parts[i] = Repr(t[i]);
                    return "(" + string.Join(", ", parts) + (t.Length == 1 ? ",)" : ")");
                }
            case IList l:
                {
                    var parts = new string[l.Count];
                    for (int i = 0; i < l.Count; i++) parts[i] = Repr(l[i]);
                    return "[" + string.Join(", ", parts) + "]";
                }
            case IFormattable f: return f.ToString(null, CultureInfo.InvariantCulture);
            default: return v.ToString() ?? "";
        }
    }

    /// <summary>Python's <c>repr(float)</c>: the shortest round-trip digits, exponent form below 1e-4 and from 1e16.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";
        var r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        int exp = 0;
        int e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exp = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
            r = r[..e];
        }
        int point = r.IndexOf('.');
        string digits = point >= 0 ? r.Remove(point, 1) : r;
        int intLen = point >= 0 ? point : r.Length;
        // value = 0.DIGITS * 10^decpt once leading zeros are stripped
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') lead++;
        digits = digits[lead..].TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        int decpt = intLen - lead + exp;
        var sb = new StringBuilder();
        if (d < 0) sb.Append('-');
        if (decpt <= -4 || decpt > 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            int x = decpt - 1;
            sb.Append('e').Append(x < 0 ? '-' : '+').Append(Math.Abs(x).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decpt <= 0)
        {
            sb.Append("0.").Append('0', -decpt).Append(digits);
        }
        else if (decpt >= digits.Length)
        {
            sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
        }
        else
        {
            sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
        }
        return sb.ToString();
    }
}

/// <summary>Builds an optimizer's defaults the way its Python constructor does.</summary>
internal static class OptionBuilder
{
    /// <summary>
    /// A number option as Python would hold it: options whose PyTorch default is an int (<c>momentum=0</c>,
    /// <c>weight_decay=0</c>) keep whole values as ints, so state dicts and printouts match PyTorch's for the usual
    /// spellings; the others are floats.
    /// </summary>
    public static object IntLike(double v) => v == Math.Floor(v) && Math.Abs(v) < 1e15 ? (object)(long)v : v;

    /// <summary>PyTorch's range check on an option: <c>ValueError("Invalid {what}: {value}")</c>.</summary>
    public static void Check(bool ok, string what, double value)
    {
        if (!ok) throw new ArgumentException($"Invalid {what}: {PyValues.FloatRepr(value)}");
    }

    /// <summary>The same check for options whose value prints as an int in PyTorch's message.</summary>
    public static void Check(bool ok, string what, object value)
    {
        if (!ok) throw new ArgumentException($"Invalid {what}: {PyValues.Str(value)}");
    }
}
