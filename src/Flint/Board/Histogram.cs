using Flint.Board.Proto;

namespace Flint.Board;

/// <summary>
/// How <see cref="SummaryWriter.AddHistogram"/> bins values, as PyTorch's <c>bins</c> argument: the name
/// <c>"tensorflow"</c> (the default: <see cref="SummaryWriter.DefaultBins"/>), a number of equal-width bins between
/// the smallest and largest value, or explicit bin edges (increasing), as <c>numpy.histogram</c> takes them.
/// </summary>
public readonly struct HistogramBins
{
    internal string? Name { get; }
    internal int Count { get; }
    internal double[]? Edges { get; }

    private HistogramBins(string? name, int count, double[]? edges) => (Name, Count, Edges) = (name, count, edges);

    /// <summary>A named binning; only <c>"tensorflow"</c> (PyTorch's default) is known.</summary>
    public static implicit operator HistogramBins(string name) => new(name, 0, null);

    /// <summary><paramref name="count"/> equal-width bins spanning the values (<c>bins=10</c>).</summary>
    public static implicit operator HistogramBins(int count) => new(null, count, null);

    /// <summary>Explicit bin edges; the last bin includes its right edge (<c>bins=[0, 0.5, 1]</c>).</summary>
    public static implicit operator HistogramBins(double[] edges) => new(null, 0, edges);

    /// <summary>True for the default value, which means <c>"tensorflow"</c>.</summary>
    internal bool IsDefault => Name is null && Count == 0 && Edges is null;
}

/// <summary>The histogram summary PyTorch writes (<c>summary.make_histogram</c> over <c>numpy.histogram</c>).</summary>
internal static class Histogram
{
    /// <summary>
    /// PyTorch's <c>default_bins</c>: <c>±1e-12 · 1.1^k</c> below 1e20 and 0, increasing (1549 edges).
    /// </summary>
    public static readonly double[] DefaultBins = MakeDefaultBins();

    private static double[] MakeDefaultBins()
    {
        var buckets = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1) buckets.Add(v);
        var edges = new double[buckets.Count * 2 + 1];
        for (int i = 0; i < buckets.Count; i++)
        {
            edges[buckets.Count - 1 - i] = -buckets[i];
            edges[buckets.Count + 1 + i] = buckets[i];
        }
        return edges;
    }

    /// <summary>
    /// <c>make_histogram(values, bins, max_bins)</c>: counts per bin, merged <paramref name="maxBins"/>-wise when
    /// there are more bins, then trimmed to the run from the bin before the first non-empty one to the last
    /// non-empty one. <c>bucket_limit</c> holds each kept bin's right edge.
    /// </summary>
    public static HistogramProto Make(double[] values, HistogramBins bins, int? maxBins)
    {
        if (values.Length == 0) throw new ArgumentException("The input has no element.");
        var (counts, limits) = bins.IsDefault || bins.Name == "tensorflow" ? CountEdges(values, DefaultBins)
            : bins.Name is { } name ? throw new ArgumentException(
                $"bins '{name}' is not supported: use \"tensorflow\", a number of bins or an array of bin edges")
            : bins.Edges is { } edges ? CountEdges(values, CheckEdges(edges))
            : CountUniform(values, bins.Count);

        if (maxBins is { } mb && counts.Length > mb)
        {
            if (mb < 1) throw new ArgumentException($"max_bins must be positive, got {mb}");
            int sub = counts.Length / mb;
            int merged = (counts.Length + sub - 1) / sub;
            var c2 = new long[merged];
            for (int i = 0; i < counts.Length; i++) c2[i / sub] += counts[i];
            var l2 = new double[merged + 1];
            for (int i = 0; i < merged; i++) l2[i] = limits[i * sub];
            l2[merged] = limits[^1];
            (counts, limits) = (c2, l2);
        }

        // start = the number of leading empty bins, end = one past the last non-empty bin (numpy's searchsorted on
        // the cumulative count of non-empty bins).
        int nonEmpty = 0;
        foreach (var c in counts) if (c > 0) nonEmpty++;
        int start = 0;
        while (start < counts.Length && counts[start] == 0) start++;
        int end;
        if (nonEmpty == 0) end = 1;
        else
        {
            end = counts.Length - 1;
            while (counts[end] == 0) end--;
            end++;
        }
        var keptCounts = new List<double>();
        if (start > 0) { for (int i = start - 1; i < Math.Min(end, counts.Length); i++) keptCounts.Add(counts[i]); }
        else { keptCounts.Add(0); for (int i = 0; i < Math.Min(end, counts.Length); i++) keptCounts.Add(counts[i]); }
        var keptLimits = new List<double>();
        for (int i = start; i < Math.Min(end + 1, limits.Length); i++) keptLimits.Add(limits[i]);
        if (keptCounts.Count == 0 || keptLimits.Count == 0)
            throw new ArgumentException("The histogram is empty, please file a bug report.");

        double min = values[0], max = values[0];
        foreach (var v in values) { min = Math.Min(min, v); max = Math.Max(max, v); }
        var h = new HistogramProto
        {
            Min = min,
            Max = max,
            Num = values.Length,
            Sum = PairwiseSum(values, 0, values.Length),
            SumSquares = Dot(values),
        };
        h.BucketLimit.AddRange(keptLimits);
        h.Bucket.AddRange(keptCounts);
        return h;
    }

    private static double[] CheckEdges(double[] edges)
    {
        for (int i = 1; i < edges.Length; i++)
            if (edges[i - 1] > edges[i]) throw new ArgumentException("`bins` must increase monotonically, when an array");
        if (edges.Length < 2) throw new ArgumentException("`bins` must have at least two edges");
        return edges;
    }

    /// <summary>numpy's counting over explicit edges: bin i holds <c>edges[i] &lt;= v &lt; edges[i+1]</c>, the last bin also its right edge; NaN and values outside are dropped.</summary>
    private static (long[] Counts, double[] Edges) CountEdges(double[] values, double[] edges)
    {
        var counts = new long[edges.Length - 1];
        double last = edges[^1];
        foreach (var v in values)
        {
            if (!(v >= edges[0] && v <= last)) continue;
            if (v == last) { counts[^1]++; continue; }
            // The largest i with edges[i] <= v.
            int lo = 0, hi = edges.Length - 1;
            while (hi - lo > 1)
            {
                int mid = (lo + hi) >>> 1;
                if (edges[mid] <= v) lo = mid; else hi = mid;
            }
            counts[lo]++;
        }
        return (counts, edges);
    }

    /// <summary>numpy's equal-width path: edges from <c>linspace(min, max, n + 1)</c> (±0.5 when all values are equal).</summary>
    private static (long[] Counts, double[] Edges) CountUniform(double[] values, int n)
    {
        if (n < 1) throw new ArgumentException("`bins` must be positive, when an integer");
        double first = values[0], last = values[0];
        foreach (var v in values) { first = Math.Min(first, v); last = Math.Max(last, v); }
        if (!double.IsFinite(first) || !double.IsFinite(last))
            throw new ArgumentException($"autodetected range of [{PythonFormat.Repr(first)}, {PythonFormat.Repr(last)}] is not finite");
        if (first == last) { first -= 0.5; last += 0.5; }
        var sums = Uniform(values, first, last, n, null, out var edges);
        return (Array.ConvertAll(sums, c => (long)c), edges);
    }

    /// <summary><c>numpy.linspace(start, stop, num)</c> with its float64 arithmetic (<c>i * step + start</c>, last = stop).</summary>
    private static double[] Linspace(double start, double stop, int num)
    {
        var y = new double[num];
        int div = num - 1;
        double delta = stop - start;
        double step = delta / div;
        for (int i = 0; i < num; i++)
            y[i] = (step == 0 ? i / (double)div * delta : i * step) + start;
        if (num > 1) y[^1] = stop;
        return y;
    }

    /// <summary>
    /// <c>numpy.histogram(values, bins=n, range=(first, last), weights=weights)</c>: edges from <see cref="Linspace"/>,
    /// each value's bin from <c>(v - first) * (n / (last - first))</c> truncated and corrected by one against the
    /// edges; values outside [first, last] (and NaN) are dropped. Returns the count, or the sum of the weights (added
    /// in element order, as <c>np.bincount</c>), per bin.
    /// </summary>
    internal static double[] Uniform(double[] values, double first, double last, int n, double[]? weights, out double[] edges)
    {
        edges = Linspace(first, last, n + 1);
        var sums = new double[n];
        double norm = n / (last - first);
        for (int k = 0; k < values.Length; k++)
        {
            double v = values[k];
            if (!(v >= first && v <= last)) continue;
            long idx = (long)((v - first) * norm);
            if (idx == n) idx--;
            if (v < edges[idx]) idx--;
            if (idx != n - 1 && v >= edges[idx + 1]) idx++;
            sums[idx] += weights is null ? 1 : weights[k];
        }
        return sums;
    }

    /// <summary>numpy's pairwise summation of float64 (blocks of 128 with eight partial sums, halves above).</summary>
    internal static double PairwiseSum(double[] a, int start, int n)
    {
        if (n < 8)
        {
            double res = 0;
            for (int i = 0; i < n; i++) res += a[start + i];
            return res;
        }
        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            for (int j = 0; j < 8; j++) r[j] = a[start + j];
            int i = 8;
            for (; i < n - n % 8; i += 8)
                for (int j = 0; j < 8; j++) r[j] += a[start + i + j];
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) res += a[start + i];
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return PairwiseSum(a, start, n2) + PairwiseSum(a, start + n2, n - n2);
    }

    private static double Dot(double[] a)
    {
        double s = 0;
        foreach (var v in a) s += v * v;
        return s;
    }
}
