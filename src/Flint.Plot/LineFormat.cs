using ScottPlot;
using SPColor = ScottPlot.Color;

namespace Flint.Plot;

/// <summary>
/// A line's style, marker and colour from a MATLAB-style format string (<c>'r-'</c>, <c>'ko'</c>, <c>'C2--'</c>), parsed
/// as <c>matplotlib.axes._base._process_plot_format</c> does. Line styles: <c>-</c>, <c>--</c>, <c>-.</c>, <c>:</c>.
/// Markers: <c>. , o v ^ s D d + x * | _</c> (matplotlib's others are refused by name).
/// </summary>
internal readonly record struct LineFormat(string? LineStyle, char? Marker, SPColor? Color)
{
    private const string KnownMarkers = ".,ov^<>12348spP*hHxXDd|_";
    private const string DrawnMarkers = ".,ov^sDd+x*|_";

    /// <summary>Parses <paramref name="fmt"/> with matplotlib's errors.</summary>
    public static LineFormat Parse(string fmt)
    {
        if (string.IsNullOrEmpty(fmt)) return new LineFormat("-", null, null);
        if (PlotColors.TryParse(fmt, out var whole) && !(fmt.Length == 1 && char.IsAsciiDigit(fmt[0])))
            return new LineFormat("-", null, whole);
        string? style = null;
        char? marker = null;
        SPColor? color = null;
        int i = 0;
        while (i < fmt.Length)
        {
            char c = fmt[i];
            string two = i + 1 < fmt.Length ? fmt.Substring(i, 2) : "";
            if (two is "--" or "-.")
            {
                if (style is not null) throw Bad(fmt, "two linestyle symbols");
                style = two;
                i += 2;
            }
            else if (c is '-' or ':')
            {
                if (style is not null) throw Bad(fmt, "two linestyle symbols");
                style = c.ToString();
                i++;
            }
            else if (KnownMarkers.Contains(c) || c == '+')
            {
                if (marker is not null) throw Bad(fmt, "two marker symbols");
                if (!DrawnMarkers.Contains(c))
                    throw new ArgumentException(
                        $"marker '{c}' of format string '{fmt}' is not drawn by Flint.Plot (it draws '{string.Join("', '", DrawnMarkers.ToCharArray())}')");
                marker = c;
                i++;
            }
            else if (PlotColors.IsBaseLetter(c))
            {
                if (color is not null) throw Bad(fmt, "two color symbols");
                color = PlotColors.Parse(c.ToString());
                i++;
            }
            else if (c == 'C' && i < fmt.Length - 1 && char.IsAsciiDigit(fmt[i + 1]))
            {
                color = PlotColors.Cycle[fmt[i + 1] - '0'];
                i += 2;
            }
            else throw Bad(fmt, $"unrecognized character '{c}'");
        }
        if (style is null && marker is null) style = "-";
        return new LineFormat(style, marker, color);
    }

    private static ArgumentException Bad(string fmt, string why) => new($"'{fmt}' is not a valid format string ({why})");

    /// <summary>A line style name (<c>-</c>, <c>--</c>, <c>-.</c>, <c>:</c>, <c>solid</c>, <c>dashed</c>, <c>dashdot</c>,
    /// <c>dotted</c>, <c>None</c>) in its short form, or null for none.</summary>
    public static string? NormalizeStyle(string linestyle) => linestyle switch
    {
        "-" or "solid" => "-",
        "--" or "dashed" => "--",
        "-." or "dashdot" => "-.",
        ":" or "dotted" => ":",
        "None" or "none" or " " or "" => null,
        _ => throw new ArgumentException(
            $"'{linestyle}' is not a valid value for ls; supported values are '-', '--', '-.', ':', 'None', ' ', '', 'solid', 'dashed', 'dashdot', 'dotted'"),
    };

    /// <summary>The dash pattern of a style at a line width (<c>lines.*_pattern</c> scaled by the width), in points.</summary>
    public static LinePattern Pattern(string style, double linewidth)
    {
        double[] on = style switch
        {
            "--" => [3.7, 1.6],
            "-." => [6.4, 1.6, 1.0, 1.6],
            ":" => [1.0, 1.65],
            _ => [],
        };
        if (on.Length == 0) return LinePattern.Solid;
        return new LinePattern([.. on.Select(v => (float)(v * linewidth))], 0, style);
    }

    /// <summary>The ScottPlot shape of a marker symbol.</summary>
    public static MarkerShape Shape(char marker) => marker switch
    {
        '.' or ',' or 'o' => MarkerShape.FilledCircle,
        'v' => MarkerShape.FilledTriangleDown,
        '^' => MarkerShape.FilledTriangleUp,
        's' => MarkerShape.FilledSquare,
        'D' or 'd' => MarkerShape.FilledDiamond,
        '+' => MarkerShape.Cross,
        'x' => MarkerShape.Eks,
        '*' => MarkerShape.Asterisk,
        '|' => MarkerShape.VerticalBar,
        '_' => MarkerShape.HorizontalBar,
        _ => throw new ArgumentException($"marker '{marker}' is not drawn by Flint.Plot"),
    };

    /// <summary>Whether a marker is a filled shape (its edge adds to its size) rather than strokes or a pixel.</summary>
    public static bool IsFilled(char marker) => marker is '.' or 'o' or 'v' or '^' or 's' or 'D' or 'd';

    /// <summary>
    /// The drawn size in points of a marker of <paramref name="markersize"/> (<c>lines.markersize</c>, 6): <c>.</c> is
    /// half of it, <c>,</c> one pixel.
    /// </summary>
    public static double Size(char marker, double markersize, double dpi) => marker switch
    {
        '.' => markersize / 2,
        ',' => 72.0 / dpi,
        _ => markersize,
    };
}
