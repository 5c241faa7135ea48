using System.Globalization;

namespace Flint.Plot;

/// <summary>
/// matplotlib's default ticks on a linear axis: <c>AutoLocator</c> (<c>MaxNLocator(nbins='auto', steps=[1, 2, 2.5,
/// 5, 10])</c>) places them, <c>ScalarFormatter</c> writes them with as many decimals as the spacing needs and a
/// minus sign (U+2212). Not carried over: the formatter's offset and scientific notation (matplotlib switches to
/// them beyond 1e6 and below 1e-5, or for a span tiny next to its values); such labels are written out in full.
/// </summary>
internal static class Ticks
{
    private static readonly double[] ExtendedSteps = [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20];

    /// <summary>
    /// How many tick intervals fit (<c>Axis.get_tick_space</c>, clipped to [1, 9] by <c>MaxNLocator</c>): the axis
    /// length in points over three times the label font size for x, twice for y.
    /// </summary>
    public static int TickSpace(double lengthPoints, double fontSize, bool isX)
    {
        double space = Math.Floor(lengthPoints / (fontSize * (isX ? 3 : 2)));
        return (int)Math.Clamp(space, 1, 9);
    }

    /// <summary>
    /// The ticks drawn on an axis showing [<paramref name="vmin"/>, <paramref name="vmax"/>] and their labels: all of
    /// <c>MaxNLocator.tick_values</c> are formatted together (<c>ScalarFormatter.set_locs</c>), then those inside the
    /// view interval (within a relative 1e-10) are kept, as <c>Axis._update_ticks</c> does.
    /// </summary>
    public static (double[] Locs, string[] Labels) Make(double vmin, double vmax, int nbins)
    {
        if (vmin > vmax) (vmin, vmax) = (vmax, vmin);
        var (lo, hi) = Nonsingular(vmin, vmax, 1e-13, 1e-14);
        var raw = RawTicks(lo, hi, nbins);
        var labels = Format(raw, vmin, vmax);
        double tol = (vmax - vmin) * 1e-10;
        var keep = Enumerable.Range(0, raw.Length).Where(i => raw[i] >= vmin - tol && raw[i] <= vmax + tol).ToArray();
        // A tick within the tolerance outside the interval is drawn at its edge (ScottPlot skips ticks outside it).
        return ([.. keep.Select(i => Math.Clamp(raw[i], vmin, vmax))], [.. keep.Select(i => labels[i])]);
    }

    /// <summary><c>MaxNLocator._raw_ticks</c> with <c>min_n_ticks=2</c>.</summary>
    private static double[] RawTicks(double vmin, double vmax, int nbins)
    {
        var (scale, offset) = ScaleRange(vmin, vmax, nbins);
        double lo = vmin - offset, hi = vmax - offset;
        double rawStep = (hi - lo) / nbins;
        int istep = 0;
        while (istep < ExtendedSteps.Length - 1 && ExtendedSteps[istep] * scale < rawStep) istep++;
        double[] ticks = [];
        for (; istep >= 0; istep--)
        {
            double step = ExtendedSteps[istep] * scale;
            double bestVmin = DivMod(lo, step).D * step;
            double low = EdgeLe(lo - bestVmin, step, offset);
            double high = EdgeGe(hi - bestVmin, step, offset);
            int count = (int)(high - low) + 1;
            ticks = new double[Math.Max(count, 0)];
            for (int i = 0; i < ticks.Length; i++) ticks[i] = (low + i) * step + bestVmin;
            int shown = ticks.Count(t => t <= hi && t >= lo);
            if (shown >= 2) break;
        }
        for (int i = 0; i < ticks.Length; i++) ticks[i] += offset;
        return ticks;
    }

    /// <summary><c>scale_range(vmin, vmax, n)</c>.</summary>
    private static (double Scale, double Offset) ScaleRange(double vmin, double vmax, int n)
    {
        double dv = Math.Abs(vmax - vmin);
        double meanv = (vmax + vmin) / 2;
        double offset = Math.Abs(meanv) / dv < 100 ? 0 : Math.CopySign(Math.Pow(10, PyFloorDiv(Math.Log10(Math.Abs(meanv)), 1)), meanv);
        double scale = Math.Pow(10, PyFloorDiv(Math.Log10(dv / n), 1));
        return (scale, offset);
    }

    private static double PyFloorDiv(double a, double b) => Math.Floor(a / b);

    /// <summary>Python's <c>divmod</c> for floats (<c>float_divmod</c>): the floor quotient and a remainder with the divisor's sign.</summary>
    private static (double D, double M) DivMod(double x, double step)
    {
        double mod = x % step;
        double div = (x - mod) / step;
        if (mod != 0)
        {
            if ((step < 0) != (mod < 0)) { mod += step; div -= 1; }
        }
        else mod = Math.CopySign(0, step);
        double floorDiv;
        if (div != 0)
        {
            floorDiv = Math.Floor(div);
            if (div - floorDiv > 0.5) floorDiv += 1;
        }
        else floorDiv = Math.CopySign(0, x / step);
        return (floorDiv, mod);
    }

    private static bool CloseTo(double ms, double edge, double step, double offset)
    {
        double tol = 1e-10;
        if (offset != 0)
            tol = Math.Min(0.4999, Math.Max(1e-10, Math.Pow(10, Math.Log10(Math.Abs(offset) / step) - 12)));
        return Math.Abs(ms - edge) < tol;
    }

    /// <summary><c>_Edge_integer.le</c>.</summary>
    private static double EdgeLe(double x, double step, double offset)
    {
        var (d, m) = DivMod(x, step);
        return CloseTo(m / step, 1, step, offset) ? d + 1 : d;
    }

    /// <summary><c>_Edge_integer.ge</c>.</summary>
    private static double EdgeGe(double x, double step, double offset)
    {
        var (d, m) = DivMod(x, step);
        return CloseTo(m / step, 0, step, offset) ? d : d + 1;
    }

    /// <summary><c>matplotlib.transforms.nonsingular</c> for an ordered interval: a (near-)empty one is widened.</summary>
    public static (double, double) Nonsingular(double vmin, double vmax, double expander = 0.001, double tiny = 1e-15)
    {
        if (!double.IsFinite(vmin) || !double.IsFinite(vmax)) return (-expander, expander);
        double maxabs = Math.Max(Math.Abs(vmin), Math.Abs(vmax));
        if (maxabs < 1e6 / tiny * MinPositive) return (-expander, expander);
        if (vmax - vmin <= maxabs * tiny)
        {
            if (vmax == 0 && vmin == 0) return (-expander, expander);
            return (vmin - expander * Math.Abs(vmin), vmax + expander * Math.Abs(vmax));
        }
        return (vmin, vmax);
    }

    /// <summary><c>np.finfo(float).tiny</c>, the smallest normal float64.</summary>
    private const double MinPositive = 2.2250738585072014e-308;

    /// <summary><c>ScalarFormatter</c> labels for <paramref name="locs"/> (no offset, no scientific notation).</summary>
    public static string[] Format(double[] locs, double viewMin, double viewMax)
    {
        if (locs.Length == 0) return [];
        double[] all = locs.Length < 2 ? [.. locs, viewMin, viewMax] : locs;
        double range = all.Max() - all.Min();
        if (range == 0) range = all.Max(Math.Abs);
        if (range == 0) range = 1;
        int oom = (int)Math.Floor(Math.Log10(range));
        int sigfigs = Math.Max(0, 3 - oom);
        double thresh = 1e-3 * Math.Pow(10, oom);
        while (sigfigs >= 0)
        {
            int s = sigfigs;
            if (locs.Max(l => Math.Abs(l - RoundHalfEven(l, s))) < thresh) sigfigs--;
            else break;
        }
        sigfigs++;
        return [.. locs.Select(l => FormatFixed(l, sigfigs))];
    }

    /// <summary><c>np.round(x, decimals)</c>: half to even on the scaled value.</summary>
    private static double RoundHalfEven(double x, int decimals)
    {
        double p = Math.Pow(10, decimals);
        return Math.Round(x * p, MidpointRounding.ToEven) / p;
    }

    /// <summary><c>'%1.Nf' % x</c> with matplotlib's minus sign; values within 1e-8 of zero print as zero.</summary>
    private static string FormatFixed(double x, int decimals)
    {
        if (Math.Abs(x) < 1e-8) x = 0;
        var s = x.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return s.Replace('-', '\u2212');
    }
}
