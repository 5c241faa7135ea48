using System.Globalization;
using SPColor = ScottPlot.Color;

namespace Flint.Plot;

/// <summary>
/// matplotlib's colour specifications (<c>matplotlib.colors.to_rgba</c>): the one-letter base colours
/// (<c>b g r c m y k w</c>), the cycle colours <c>C0</c>–<c>C9</c> and <c>tab:</c> names, CSS4 names (<c>red</c>,
/// <c>grey</c>), <c>#rgb</c>/<c>#rrggbb</c>/<c>#rrggbbaa</c> hex, a gray level as a string in [0, 1] (<c>"0.8"</c>)
/// and <c>none</c>.
/// </summary>
internal static class PlotColors
{
    /// <summary>The default property cycle (<c>axes.prop_cycle</c>, the tab10 palette).</summary>
    public static readonly SPColor[] Cycle =
    [
        Hex(0x1f77b4), Hex(0xff7f0e), Hex(0x2ca02c), Hex(0xd62728), Hex(0x9467bd),
        Hex(0x8c564b), Hex(0xe377c2), Hex(0x7f7f7f), Hex(0xbcbd22), Hex(0x17becf),
    ];

    private static readonly string[] TabNames = ["blue", "orange", "green", "red", "purple", "brown", "pink", "gray", "olive", "cyan"];

    /// <summary>The base colours (<c>matplotlib.colors.BASE_COLORS</c>), as floats scaled to bytes.</summary>
    private static readonly Dictionary<char, SPColor> Base = new()
    {
        ['b'] = Rgb(0, 0, 1), ['g'] = Rgb(0, 0.5, 0), ['r'] = Rgb(1, 0, 0), ['c'] = Rgb(0, 0.75, 0.75),
        ['m'] = Rgb(0.75, 0, 0.75), ['y'] = Rgb(0.75, 0.75, 0), ['k'] = Rgb(0, 0, 0), ['w'] = Rgb(1, 1, 1),
    };

    /// <summary>Whether <paramref name="c"/> is one of the base colour letters of a format string.</summary>
    public static bool IsBaseLetter(char c) => Base.ContainsKey(c);

    /// <summary>The colour <paramref name="spec"/> names, with matplotlib's error for one it does not know.</summary>
    public static SPColor Parse(string spec)
    {
        if (TryParse(spec, out var color)) return color;
        throw new ArgumentException($"Invalid RGBA argument: '{spec}'");
    }

    /// <summary>Parses a colour specification; false when it is none.</summary>
    public static bool TryParse(string spec, out SPColor color)
    {
        color = default;
        if (string.IsNullOrEmpty(spec)) return false;
        if (spec.Length == 1 && Base.TryGetValue(spec[0], out color)) return true;
        var lower = spec.ToLowerInvariant();
        if (lower == "none") { color = SPColor.FromARGB(0); return true; }
        if (spec.Length == 2 && spec[0] == 'C' && char.IsAsciiDigit(spec[1])) { color = Cycle[spec[1] - '0']; return true; }
        if (lower.StartsWith("tab:", StringComparison.Ordinal))
        {
            int i = Array.IndexOf(TabNames, lower[4..] == "grey" ? "gray" : lower[4..]);
            if (i >= 0) { color = Cycle[i]; return true; }
            return false;
        }
        if (spec[0] == '#') return TryHex(spec.AsSpan(1), out color);
        if (double.TryParse(spec, NumberStyles.Float, CultureInfo.InvariantCulture, out double gray))
        {
            if (gray < 0 || gray > 1) return false;
            color = Rgb(gray, gray, gray);
            return true;
        }
        var known = System.Drawing.Color.FromName(lower.Replace("grey", "gray", StringComparison.Ordinal));
        if (!known.IsKnownColor || known.IsSystemColor || lower == "transparent") return false;
        color = new SPColor(known.R, known.G, known.B, known.A);
        return true;
    }

    private static bool TryHex(ReadOnlySpan<char> hex, out SPColor color)
    {
        color = default;
        if (!uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint v)) return false;
        switch (hex.Length)
        {
            case 3:
                color = new SPColor((byte)((v >> 8 & 0xF) * 17), (byte)((v >> 4 & 0xF) * 17), (byte)((v & 0xF) * 17));
                return true;
            case 6:
                color = Hex(v);
                return true;
            case 8:
                color = new SPColor((byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v);
                return true;
            default:
                return false;
        }
    }

    /// <summary>An opaque colour from <c>0xRRGGBB</c>.</summary>
    public static SPColor Hex(uint rgb) => new((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);

    /// <summary>An opaque colour from float channels in [0, 1], rounded to bytes as Agg does.</summary>
    public static SPColor Rgb(double r, double g, double b) => new(ToByte(r), ToByte(g), ToByte(b));

    /// <summary>A channel in [0, 1] as a byte (<c>round(v * 255)</c>).</summary>
    public static byte ToByte(double v) => (byte)Math.Round(Math.Clamp(v, 0, 1) * 255, MidpointRounding.AwayFromZero);
}
