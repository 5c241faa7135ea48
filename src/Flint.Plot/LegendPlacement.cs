using ScottPlot;
using SkiaSharp;

namespace Flint.Plot;

/// <summary>
/// Where a legend goes: matplotlib's location codes, and <c>loc='best'</c> as <c>Legend._find_best_position</c>
/// chooses it — of the nine places inside the axes (inset by <c>borderaxespad</c>), the first in code order that
/// covers the fewest line vertices and scatter points plus lines crossing it.
/// </summary>
internal static class LegendPlacement
{
    /// <summary>The location names in code order (<c>Legend.codes</c>, 1 to 10).</summary>
    public static readonly string[] Codes =
    [
        "upper right", "upper left", "lower left", "lower right", "right", "center left", "center right",
        "lower center", "upper center", "center",
    ];

    /// <summary>The ScottPlot alignment of a location name, or null when it is not one.</summary>
    public static Alignment? Alignment(string loc) => loc switch
    {
        "upper right" => ScottPlot.Alignment.UpperRight,
        "upper left" => ScottPlot.Alignment.UpperLeft,
        "lower left" => ScottPlot.Alignment.LowerLeft,
        "lower right" => ScottPlot.Alignment.LowerRight,
        "right" or "center right" => ScottPlot.Alignment.MiddleRight,
        "center left" => ScottPlot.Alignment.MiddleLeft,
        "lower center" => ScottPlot.Alignment.LowerCenter,
        "upper center" => ScottPlot.Alignment.UpperCenter,
        "center" => ScottPlot.Alignment.MiddleCenter,
        _ => null,
    };

    /// <summary>
    /// The best location for a legend of <paramref name="labels"/> at <paramref name="fontSize"/> in the data area
    /// <paramref name="rect"/> (points, y down): its size is matplotlib's (<c>borderpad</c> 0.4, <c>handlelength</c> 2,
    /// <c>handletextpad</c> 0.8, <c>labelspacing</c> 0.5 font sizes) with the labels measured in the figure font.
    /// </summary>
    public static string Best(Axes axes, string[] labels, double fontSize, PixelRect rect, (double, double) xl, (double, double) yl)
    {
        using var typeface = SKTypeface.FromFamilyName(Style.FontName);
        using var font = new SKFont(typeface, (float)fontSize);
        // Text.get_window_extent: the advance width; the height of the ink, at least that of "lp".
        double textW = labels.Max(l => (double)font.MeasureText(l));
        font.MeasureText("lp", out var lp);
        double textH = labels.Max(l =>
        {
            font.MeasureText(l, out var ink);
            return (double)Math.Max(ink.Height, lp.Height);
        });
        double w = 2 * 0.4 * fontSize + 2 * fontSize + 0.8 * fontSize + textW;
        double h = 2 * 0.4 * fontSize + labels.Length * textH + (labels.Length - 1) * 0.5 * fontSize;
        double pad = 0.5 * fontSize;
        double cl = rect.Left + pad, cr = rect.Right - pad, ct = rect.Top + pad, cb = rect.Bottom - pad;
        var (lines, points) = axes.DisplayData(rect, xl, yl);
        int bestCode = 0, bestBadness = int.MaxValue;
        for (int code = 0; code < Codes.Length; code++)
        {
            var (hx, vy) = Anchor(Codes[code]);
            double x0 = hx switch { 'W' => cl, 'E' => cr - w, _ => (cl + cr - w) / 2 };
            double y0 = vy switch { 'N' => ct, 'S' => cb - h, _ => (ct + cb - h) / 2 };
            double x1 = x0 + w, y1 = y0 + h;
            int badness = points.Count(p => Inside(p, x0, y0, x1, y1));
            foreach (var line in lines)
            {
                badness += line.Count(p => Inside(p, x0, y0, x1, y1));
                if (Crosses(line, x0, y0, x1, y1)) badness++;
            }
            if (badness == 0) return Codes[code];
            if (badness < bestBadness) (bestCode, bestBadness) = (code, badness);
        }
        return Codes[bestCode];
    }

    /// <summary>The horizontal (W, C, E) and vertical (N, C, S) anchor of a location.</summary>
    private static (char H, char V) Anchor(string loc) => loc switch
    {
        "upper right" => ('E', 'N'),
        "upper left" => ('W', 'N'),
        "lower left" => ('W', 'S'),
        "lower right" => ('E', 'S'),
        "right" or "center right" => ('E', 'C'),
        "center left" => ('W', 'C'),
        "lower center" => ('C', 'S'),
        "upper center" => ('C', 'N'),
        _ => ('C', 'C'),
    };

    /// <summary><c>Bbox.count_contains</c>: strictly inside.</summary>
    private static bool Inside((float X, float Y) p, double x0, double y0, double x1, double y1) =>
        p.X > x0 && p.X < x1 && p.Y > y0 && p.Y < y1;

    /// <summary><c>Path.intersects_bbox(bbox, filled=False)</c> for a polyline: a segment meets the box.</summary>
    private static bool Crosses((float X, float Y)[] line, double x0, double y0, double x1, double y1)
    {
        if (line.Length == 1) return Inside(line[0], x0, y0, x1, y1);
        for (int i = 1; i < line.Length; i++)
            if (SegmentMeets(line[i - 1], line[i], x0, y0, x1, y1)) return true;
        return false;
    }

    /// <summary>Whether the segment a–b meets the closed box (Liang–Barsky clipping).</summary>
    private static bool SegmentMeets((float X, float Y) a, (float X, float Y) b, double x0, double y0, double x1, double y1)
    {
        double t0 = 0, t1 = 1, dx = b.X - a.X, dy = b.Y - a.Y;
        bool Clip(double p, double q)
        {
            if (p == 0) return q >= 0;
            double r = q / p;
            if (p < 0) { if (r > t1) return false; if (r > t0) t0 = r; }
            else { if (r < t0) return false; if (r < t1) t1 = r; }
            return true;
        }
        return Clip(-dx, a.X - x0) && Clip(dx, x1 - a.X) && Clip(-dy, a.Y - y0) && Clip(dy, y1 - a.Y);
    }
}
