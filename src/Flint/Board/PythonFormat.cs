using System.Globalization;
using System.Text;

namespace Flint.Board;

/// <summary>
/// Python's text forms of numbers where PyTorch's writer puts them into files and names: <c>repr(float)</c>
/// (shortest round-trip digits, exponent form below 1e-4 and from 1e16), <c>str(x)</c> and <c>str.zfill</c>.
/// </summary>
internal static class PythonFormat
{
    /// <summary><c>repr(x)</c> of a Python float: <c>0.1</c>, <c>1.0</c>, <c>1e-05</c>, <c>1.5e+16</c>, <c>-0.0</c>, <c>nan</c>, <c>inf</c>.</summary>
    public static string Repr(double x)
    {
        if (double.IsNaN(x)) return "nan";
        if (double.IsInfinity(x)) return x > 0 ? "inf" : "-inf";
        var sb = new StringBuilder();
        if (double.IsNegative(x)) sb.Append('-');
        if (x == 0) return sb.Append("0.0").ToString();
        var (digits, decpt) = ShortestDigits(Math.Abs(x));
        if (decpt <= -4 || decpt > 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            int e = decpt - 1;
            sb.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decpt <= 0)
            sb.Append("0.").Append('0', -decpt).Append(digits);
        else if (decpt >= digits.Length)
            sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
        else
            sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
        return sb.ToString();
    }

    /// <summary>
    /// The shortest digit string that round-trips <paramref name="x"/> (positive, finite, non-zero) and the decimal
    /// point's position: <c>x = 0.digits × 10^decpt</c>.
    /// </summary>
    private static (string Digits, int DecPt) ShortestDigits(double x)
    {
        var r = x.ToString("R", CultureInfo.InvariantCulture);
        int exp = 0;
        int ei = r.IndexOf('E');
        if (ei >= 0)
        {
            exp = int.Parse(r.AsSpan(ei + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..ei];
        }
        int dot = r.IndexOf('.');
        string intPart = dot < 0 ? r : r[..dot], frac = dot < 0 ? "" : r[(dot + 1)..];
        string all = intPart + frac;
        int lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0') lead++;
        string digits = all[lead..].TrimEnd('0');
        return (digits, intPart.Length - lead + exp);
    }

    /// <summary>
    /// <c>str(x)</c>: strings as they are, <c>True</c>/<c>False</c>, <c>None</c>, floats as <see cref="Repr"/>,
    /// integers in decimal, anything else through its invariant <c>ToString()</c>.
    /// </summary>
    public static string Str(object? x) => x switch
    {
        null => "None",
        string s => s,
        bool b => b ? "True" : "False",
        double d => Repr(d),
        float f => Repr(f),
        Half h => Repr((double)h),
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => x.ToString() ?? "",
    };

    /// <summary><c>s.zfill(width)</c>: pads with zeros on the left to <paramref name="width"/>, after a leading sign.</summary>
    public static string ZFill(string s, int width)
    {
        if (s.Length >= width) return s;
        int sign = s.Length > 0 && (s[0] == '-' || s[0] == '+') ? 1 : 0;
        return string.Concat(s.AsSpan(0, sign), new string('0', width - s.Length), s.AsSpan(sign));
    }
}
