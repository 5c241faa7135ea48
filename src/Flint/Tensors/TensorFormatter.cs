using System.Globalization;
using System.Numerics;
using System.Text;
using Flint.Backends.Cpu;

namespace Flint;

/// <summary>
/// The options tensor printing follows (<c>torch._tensor_str.PRINT_OPTS</c>), set with
/// <see cref="Torch.SetPrintOptions"/>.
/// </summary>
/// <param name="Precision">Digits after the decimal point of floats (default 4).</param>
/// <param name="Threshold">Element count above which a tensor is summarized with "..." (default 1000).</param>
/// <param name="EdgeItems">Items kept at each end of a summarized dimension (default 3).</param>
/// <param name="Linewidth">Characters per line before wrapping (default 80).</param>
/// <param name="SciMode">Forces scientific notation on (true) or off (false); null lets the formatter choose.</param>
public sealed record PrintOptions(int Precision = 4, double Threshold = 1000, int EdgeItems = 3, int Linewidth = 80, bool? SciMode = null);

/// <summary>
/// Formats tensors exactly as PyTorch 1.13's <c>torch/_tensor_str.py</c> does: the float formatter's choice of
/// integer, fixed or scientific notation and its column width, summarization with "...", line wrapping and the
/// dtype/device/grad_fn suffixes. Float digits are rounded from the exact binary value, half to even, as Python's
/// format() does.
/// </summary>
internal static class TensorFormatter
{
    private static volatile PrintOptions options = new();

    public static PrintOptions Options
    {
        get => options;
        set => options = value;
    }

    /// <summary>The text of <c>repr(tensor)</c>.</summary>
    public static string Format(Tensor t)
    {
        var o = options;
        const string prefix = "tensor(";
        int indent = prefix.Length;
        var suffixes = new List<string>();
        if (!t.Device.IsCpu)
        {
            var d = t.Device;
            suffixes.Add($"device='{(d.Index >= 0 ? d : new Device(d.Type, 0))}'");
        }
        string body;
        if (t.Numel() == 0)
        {
            // The shape is shown when not (0,), and the dtype whenever it is not the default float.
            if (t.Dim() != 1) suffixes.Add("size=" + Tuple(t.shape));
            if (t.DType != DTypes.Default) suffixes.Add("dtype=" + t.DType.TorchName());
            body = "[]";
        }
        else
        {
            if (t.DType != DTypes.Default && t.DType != DType.Int64 && t.DType != DType.Bool)
                suffixes.Add("dtype=" + t.DType.TorchName());
            body = TensorStr(t, indent, o);
        }
        if (t.GradFn is { } fn) suffixes.Add($"grad_fn=<{fn.Name}>");
        else if (t.RequiresGrad) suffixes.Add("requires_grad=True");
        return AddSuffixes(prefix + body, suffixes, indent, o.Linewidth);
    }

    private static string Tuple(long[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    private static string AddSuffixes(string tensorStr, List<string> suffixes, int indent, int linewidth)
    {
        var sb = new StringBuilder(tensorStr);
        int lastLineLen = tensorStr.Length - tensorStr.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (lastLineLen + suffix.Length + 2 > linewidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLen = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLen += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    /// <summary>
    /// The printed elements of a non-empty tensor: for each dim, the indices shown (all, or the edge items of a
    /// summarized dim), and the values at their Cartesian product in row-major order.
    /// </summary>
    private sealed class Printed
    {
        public required long[][] Indices;
        public required bool[] Summarized;
        public double[]? Floats;
        public long[]? Ints;
        public bool[]? Bools;
        public long Count => Floats?.Length ?? Ints?.Length ?? Bools!.Length;
    }

    private static string TensorStr(Tensor t, int indent, PrintOptions o)
    {
        bool summarize = t.Numel() > o.Threshold;
        var src = t.Device.IsCpu ? t : t.Cpu();
        int nd = src.Dim();
        var indices = new long[nd][];
        var summarized = new bool[nd];
        for (int d = 0; d < nd; d++)
        {
            long n = src.shape[d];
            summarized[d] = summarize && n > 2L * o.EdgeItems;
            indices[d] = summarized[d]
                ? [.. Enumerable.Range(0, o.EdgeItems).Select(i => (long)i), .. Enumerable.Range(0, o.EdgeItems).Select(i => n - o.EdgeItems + i)]
                : [.. Enumerable.Range(0, (int)n).Select(i => (long)i)];
        }
        var p = new Printed { Indices = indices, Summarized = summarized };
        var offsets = Offsets(src, indices);
        var reader = new Reader(src, offsets, p);
        Dispatch.On(src.dtype, ref reader);
        var f = new Formatter(p, src.DType.IsFloatingPoint(), o);
        var sb = new StringBuilder();
        long pos = 0;
        Write(sb, p, f, 0, indent, ref pos, o);
        return sb.ToString();
    }

    private static long[] Offsets(Tensor t, long[][] indices)
    {
        long count = 1;
        foreach (var ix in indices) count *= ix.Length;
        var r = new long[count];
        var idx = new int[indices.Length];
        for (long k = 0; k < count; k++)
        {
            long off = t.offset;
            for (int d = 0; d < indices.Length; d++) off += indices[d][idx[d]] * t.strides[d];
            r[k] = off;
            for (int d = indices.Length - 1; d >= 0; d--)
            {
                if (++idx[d] < indices[d].Length) break;
                idx[d] = 0;
            }
        }
        return r;
    }

    private readonly unsafe struct Reader(Tensor t, long[] offsets, Printed p) : ITypeVisitor
    {
        public void Visit<T>() where T : unmanaged
        {
            var cs = (CpuStorage)t.storage;
            var basePtr = (T*)cs.Pointer;
            if (typeof(T) == typeof(bool))
            {
                var b = new bool[offsets.Length];
                for (int i = 0; i < b.Length; i++) b[i] = *(bool*)(basePtr + offsets[i]);
                p.Bools = b;
            }
            else if (Cvt.IsFloat<T>())
            {
                var f = new double[offsets.Length];
                for (int i = 0; i < f.Length; i++) f[i] = Cvt.ToDouble(basePtr[offsets[i]]);
                p.Floats = f;
            }
            else
            {
                var l = new long[offsets.Length];
                for (int i = 0; i < l.Length; i++) l[i] = Cvt.ToLong(basePtr[offsets[i]]);
                p.Ints = l;
            }
        }
    }

    /// <summary>Writes the sub-tensor at dim <paramref name="dim"/> whose first element is printed element <paramref name="pos"/>.</summary>
    private static void Write(StringBuilder sb, Printed p, Formatter f, int dim, int indent, ref long pos, PrintOptions o)
    {
        int nd = p.Indices.Length;
        if (nd == 0)
        {
            sb.Append(f.Format(p, pos++));
            return;
        }
        int n = p.Indices[dim].Length;
        int edge = p.Summarized[dim] ? o.EdgeItems : -1;
        if (dim == nd - 1)
        {
            int elementLength = f.MaxWidth + 2;
            int perLine = Math.Max(1, (int)Math.Floor((o.Linewidth - indent) / (double)elementLength));
            var items = new List<string>(n + 1);
            for (int i = 0; i < n; i++)
            {
                if (i == edge) items.Add(" ...");
                items.Add(f.Format(p, pos++));
            }
            sb.Append('[');
            for (int i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    if (i % perLine == 0) sb.Append(",\n").Append(' ', indent + 1);
                    else sb.Append(", ");
                }
                sb.Append(items[i]);
            }
            sb.Append(']');
            return;
        }
        var sep = "," + new string('\n', nd - dim - 1) + new string(' ', indent + 1);
        sb.Append('[');
        for (int i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(sep);
            if (i == edge) sb.Append("...").Append(sep);
            Write(sb, p, f, dim + 1, indent + 1, ref pos, o);
        }
        sb.Append(']');
    }

    /// <summary>PyTorch's <c>_Formatter</c>: one notation and width for all printed elements.</summary>
    private sealed class Formatter
    {
        private readonly bool floating;
        private readonly bool intMode = true;
        private readonly bool sciMode;
        private readonly int precision;
        public readonly int MaxWidth = 1;

        public Formatter(Printed p, bool floating, PrintOptions o)
        {
            this.floating = floating;
            precision = o.Precision;
            if (!floating)
            {
                for (long i = 0; i < p.Count; i++) MaxWidth = Math.Max(MaxWidth, Plain(p, i).Length);
                return;
            }
            var vals = p.Floats!;
            var nz = vals.Where(v => double.IsFinite(v) && v != 0).ToArray();
            if (nz.Length == 0) return; // PyTorch returns before applying a forced sci_mode here
            double min = nz.Min(Math.Abs), max = nz.Max(Math.Abs);
            foreach (var v in nz)
                if (v != Math.Ceiling(v)) { intMode = false; break; }
            if (intMode)
            {
                if (max / min > 1000.0 || max > 1.0e8)
                {
                    sciMode = true;
                    foreach (var v in nz) MaxWidth = Math.Max(MaxWidth, Exp(v, precision).Length);
                }
                else
                    foreach (var v in nz) MaxWidth = Math.Max(MaxWidth, Fixed(v, 0).Length + 1);
            }
            else if (max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4)
            {
                sciMode = true;
                foreach (var v in nz) MaxWidth = Math.Max(MaxWidth, Exp(v, precision).Length);
            }
            else
                foreach (var v in nz) MaxWidth = Math.Max(MaxWidth, Fixed(v, precision).Length);
            if (o.SciMode is { } forced) sciMode = forced;
        }

        public string Format(Printed p, long i)
        {
            string s;
            if (floating)
            {
                double v = p.Floats![i];
                if (sciMode) s = Exp(v, precision);
                else if (intMode) s = double.IsFinite(v) ? Fixed(v, 0) + "." : Fixed(v, 0);
                else s = Fixed(v, precision);
            }
            else s = Plain(p, i);
            return s.Length >= MaxWidth ? s : new string(' ', MaxWidth - s.Length) + s;
        }

        private static string Plain(Printed p, long i) =>
            p.Bools is { } b ? (b[i] ? "True" : "False") : p.Ints![i].ToString(CultureInfo.InvariantCulture);
    }

    // ---- Python's float formatting: exact decimal expansion, rounded half to even ----

    /// <summary>|v| = mantissa * 2^exponent exactly (v finite).</summary>
    private static (BigInteger Mantissa, int Exponent) Decompose(double v)
    {
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(v));
        int e = (int)(bits >> 52);
        long m = bits & ((1L << 52) - 1);
        if (e == 0) e = 1;
        else m |= 1L << 52;
        return (m, e - 1075);
    }

    private static BigInteger RoundHalfEven(BigInteger num, BigInteger den)
    {
        var q = BigInteger.DivRem(num, den, out var r);
        var twice = r * 2;
        if (twice > den || (twice == den && !q.IsEven)) q += 1;
        return q;
    }

    /// <summary>Python's <c>"{:.Nf}".format(v)</c>.</summary>
    internal static string Fixed(double v, int decimals)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        var (m, e) = Decompose(v);
        var num = m * BigInteger.Pow(10, decimals);
        BigInteger q = e >= 0 ? num << e : RoundHalfEven(num, BigInteger.One << -e);
        var digits = q.ToString(CultureInfo.InvariantCulture);
        if (decimals > 0)
        {
            if (digits.Length <= decimals) digits = new string('0', decimals + 1 - digits.Length) + digits;
            digits = digits[..^decimals] + "." + digits[^decimals..];
        }
        return (double.IsNegative(v) ? "-" : "") + digits;
    }

    /// <summary>Python's <c>"{:.Ne}".format(v)</c>.</summary>
    internal static string Exp(double v, int decimals)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        var sign = double.IsNegative(v) ? "-" : "";
        BigInteger q;
        int k;
        if (v == 0)
        {
            q = 0;
            k = 0;
        }
        else
        {
            var (m, e) = Decompose(v);
            k = (int)Math.Floor(Math.Log10(Math.Abs(v)));
            var lo = BigInteger.Pow(10, decimals);
            var hi = lo * 10;
            while (true)
            {
                // q = round(|v| / 10^(k - decimals)); adjust k until 10^decimals <= |v| / 10^(k - decimals) < 10^(decimals+1).
                int s = k - decimals;
                BigInteger num = e >= 0 ? m << e : m, den = e >= 0 ? BigInteger.One : BigInteger.One << -e;
                if (s >= 0) den *= BigInteger.Pow(10, s);
                else num *= BigInteger.Pow(10, -s);
                var floor = BigInteger.Divide(num, den);
                if (floor >= hi) { k++; continue; }
                if (floor < lo) { k--; continue; }
                q = RoundHalfEven(num, den);
                if (q == hi) { q = lo; k++; }
                break;
            }
        }
        var digits = q.ToString(CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        var mantissa = decimals > 0 ? digits[..1] + "." + digits[1..] : digits;
        return sign + mantissa + "e" + (k < 0 ? "-" : "+") + Math.Abs(k).ToString("00", CultureInfo.InvariantCulture);
    }
}
