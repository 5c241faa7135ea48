using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;

namespace Flint.Tabular;

/// <summary>
/// The pandas steps of tabular preprocessing on Microsoft.Data.Analysis's <see cref="DataFrame"/>:
/// <c>pd.read_csv</c> with pandas' missing-value markers, <c>iloc</c> and selection by name,
/// <c>fillna(df.mean())</c>, <c>pd.get_dummies(df, dummy_na=True)</c>, and <c>torch.tensor(df.values)</c> with the
/// dtypes pandas would give. Missing values are the DataFrame's nulls (pandas' NaN).
/// </summary>
public static class Pandas
{
    /// <summary>pandas' default missing-value strings (<c>read_csv</c>'s <c>na_values</c> defaults).</summary>
    public static readonly IReadOnlySet<string> DefaultNaValues = new HashSet<string>(StringComparer.Ordinal)
    {
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",
        "NULL", "NaN", "n/a", "nan", "null",
    };

    /// <summary>
    /// Reads a comma-separated file with a header row (<c>pd.read_csv(path)</c>). Each column's type is inferred as
    /// pandas infers it: integers give int64 (float64 when a value is missing), numbers float64, True/False bool,
    /// anything else strings; the markers of <see cref="DefaultNaValues"/> are missing.
    /// </summary>
    public static DataFrame ReadCsv(string path, char separator = ',')
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"[Errno 2] No such file or directory: '{path}'", path);
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0) throw new InvalidDataException("No columns to parse from file");
        var header = SplitLine(lines[0], separator);
        var cells = lines.Skip(1).Select(l => SplitLine(l, separator)).ToList();
        foreach (var (row, i) in cells.Select((r, i) => (r, i)))
            if (row.Count != header.Count)
                throw new InvalidDataException($"Error tokenizing data. C error: Expected {header.Count} fields in line {i + 2}, saw {row.Count}");
        var columns = new List<DataFrameColumn>();
        for (int c = 0; c < header.Count; c++)
        {
            var raw = cells.Select(r => DefaultNaValues.Contains(r[c]) ? null : r[c]).ToArray();
            columns.Add(Infer(header[c], raw));
        }
        return new DataFrame(columns);
    }

    private static DataFrameColumn Infer(string name, string?[] raw)
    {
        var present = raw.Where(v => v is not null).ToArray();
        bool anyMissing = present.Length != raw.Length;
        if (present.Length > 0 && present.All(v => long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
        {
            if (!anyMissing) return new Int64DataFrameColumn(name, raw.Select(v => long.Parse(v!, CultureInfo.InvariantCulture)));
            return new DoubleDataFrameColumn(name, raw.Select(v => v is null ? (double?)null : long.Parse(v, CultureInfo.InvariantCulture)));
        }
        if (present.Length == 0 || present.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            return new DoubleDataFrameColumn(name, raw.Select(v => v is null ? (double?)null : double.Parse(v, CultureInfo.InvariantCulture)));
        if (!anyMissing && present.All(v => v is "True" or "False" or "TRUE" or "FALSE" or "true" or "false"))
            return new BooleanDataFrameColumn(name, raw.Select(v => (bool?)string.Equals(v, "true", StringComparison.OrdinalIgnoreCase)));
        return new StringDataFrameColumn(name, raw);
    }

    // One CSV line: separators outside double quotes split fields; "" inside quotes is a quote.
    private static List<string> SplitLine(string line, char sep)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else sb.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == sep) { fields.Add(sb.ToString()); sb.Clear(); }
            else if (ch != '\r') sb.Append(ch);
        }
        fields.Add(sb.ToString());
        return fields;
    }

    /// <summary>Rows and columns by position (<c>df.iloc[rows, columns]</c>), e.g. <c>df.ILoc(.., 0..2)</c>.</summary>
    public static DataFrame ILoc(this DataFrame df, Range rows, Range columns)
    {
        var (r0, rn) = rows.GetOffsetAndLength((int)df.Rows.Count);
        var (c0, cn) = columns.GetOffsetAndLength(df.Columns.Count);
        var cols = Enumerable.Range(c0, cn).Select(c => TakeRows(df.Columns[c], r0, rn));
        return new DataFrame(cols);
    }

    /// <summary>One column by position (<c>df.iloc[rows, column]</c>, a Series); a negative index counts from the end.</summary>
    public static DataFrameColumn ILoc(this DataFrame df, Range rows, int column)
    {
        var (r0, rn) = rows.GetOffsetAndLength((int)df.Rows.Count);
        int c = column < 0 ? column + df.Columns.Count : column;
        if (c < 0 || c >= df.Columns.Count) throw new IndexOutOfRangeException("single positional indexer is out-of-bounds");
        return TakeRows(df.Columns[c], r0, rn);
    }

    /// <summary>Columns by name (<c>df[["a", "b"]]</c>).</summary>
    public static DataFrame Loc(this DataFrame df, params string[] columns)
    {
        foreach (var c in columns)
            if (df.Columns.IndexOf(c) < 0) throw new KeyNotFoundException($"\"['{c}'] not in index\"");
        return new DataFrame(columns.Select(c => df.Columns[c].Clone()));
    }

    private static DataFrameColumn TakeRows(DataFrameColumn col, int start, int count)
    {
        if (start == 0 && count == col.Length) return col.Clone();
        return col.Clone(new Int64DataFrameColumn("index", Enumerable.Range(start, count).Select(i => (long)i)));
    }

    /// <summary>
    /// The mean of each numeric column, skipping missing values (<c>df.mean(numeric_only=True)</c>); non-numeric
    /// columns are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Mean(this DataFrame df)
    {
        var r = new Dictionary<string, double>();
        foreach (var col in df.Columns)
        {
            if (!IsNumeric(col)) continue;
            double sum = 0;
            long n = 0;
            for (long i = 0; i < col.Length; i++)
                if (col[i] is { } v) { sum += System.Convert.ToDouble(v, CultureInfo.InvariantCulture); n++; }
            r[col.Name] = n == 0 ? double.NaN : sum / n;
        }
        return r;
    }

    private static bool IsNumeric(DataFrameColumn c) => c.DataType != typeof(string) && c.DataType != typeof(bool) && c.DataType != typeof(char);

    /// <summary>
    /// Missing values of the named columns replaced by the given values (<c>df.fillna(values)</c>); other columns
    /// are kept as they are. <c>df.FillNa(df.Mean())</c> is the seeds' <c>inputs.fillna(inputs.mean())</c>.
    /// </summary>
    public static DataFrame FillNa(this DataFrame df, IReadOnlyDictionary<string, double> values)
    {
        var cols = new List<DataFrameColumn>();
        foreach (var col in df.Columns)
        {
            var c = col.Clone();
            if (values.TryGetValue(col.Name, out var v) && !double.IsNaN(v))
            {
                if (c is DoubleDataFrameColumn d) d.FillNulls(v, inPlace: true);
                else if (c is SingleDataFrameColumn s) s.FillNulls((float)v, inPlace: true);
                else if (c.NullCount > 0)
                {
                    var asDouble = new DoubleDataFrameColumn(c.Name, Enumerable.Range(0, (int)c.Length)
                        .Select(i => c[i] is { } x ? System.Convert.ToDouble(x, CultureInfo.InvariantCulture) : (double?)v));
                    c = asDouble;
                }
            }
            cols.Add(c);
        }
        return new DataFrame(cols);
    }

    /// <summary>
    /// One-hot columns for every string or bool column (<c>pd.get_dummies(df, dummy_na=False)</c>): for each column
    /// <c>col</c>, a uint8 column <c>col_value</c> per distinct value in sorted order, plus <c>col_nan</c> for
    /// missing values when <paramref name="dummyNa"/>; numeric columns are kept first, in order, as pandas puts them.
    /// </summary>
    public static DataFrame GetDummies(DataFrame df, bool dummyNa = false, string prefixSeparator = "_")
    {
        var keep = new List<DataFrameColumn>();
        var dummies = new List<DataFrameColumn>();
        foreach (var col in df.Columns)
        {
            if (IsNumeric(col)) { keep.Add(col.Clone()); continue; }
            var values = Enumerable.Range(0, (int)col.Length).Select(i => col[i]?.ToString()).ToArray();
            foreach (var level in values.OfType<string>().Distinct().Order(StringComparer.Ordinal))
                dummies.Add(new ByteDataFrameColumn(col.Name + prefixSeparator + level, values.Select(v => (byte?)(v == level ? 1 : 0))));
            if (dummyNa)
                dummies.Add(new ByteDataFrameColumn(col.Name + prefixSeparator + "nan", values.Select(v => (byte?)(v is null ? 1 : 0))));
        }
        return new DataFrame(keep.Concat(dummies));
    }

    /// <summary>
    /// The frame's values as a 2-D tensor (<c>torch.tensor(df.values)</c>): NumPy's common type of the columns
    /// (float64 if any column is floating or has missing values, else int64, uint8 when all are one-hot, bool when
    /// all are bool). Missing values become NaN; string columns cannot be converted.
    /// </summary>
    public static Tensor ToTensor(this DataFrame df)
    {
        var cols = df.Columns.ToArray();
        var dtype = CommonType(cols);
        int rows = (int)df.Rows.Count, n = cols.Length;
        var data = new double[rows * n];
        for (int c = 0; c < n; c++)
            for (int r = 0; r < rows; r++) data[r * n + c] = Value(cols[c], r);
        return Torch.FromArray(data, rows, n).To(dtype);
    }

    /// <summary>A column's values as a 1-D tensor (<c>torch.tensor(series.values)</c>) with pandas' dtype.</summary>
    public static Tensor ToTensor(this DataFrameColumn column)
    {
        var dtype = CommonType([column]);
        var data = new double[column.Length];
        for (int r = 0; r < data.Length; r++) data[r] = Value(column, r);
        if (dtype == DType.Int64)
        {
            var l = new long[column.Length];
            for (int r = 0; r < l.Length; r++) l[r] = System.Convert.ToInt64(column[r], CultureInfo.InvariantCulture);
            return Torch.FromArray(l);
        }
        return Torch.FromArray(data).To(dtype);
    }

    private static double Value(DataFrameColumn c, int r) => c[r] switch
    {
        null => double.NaN,
        bool b => b ? 1 : 0,
        string s => throw new ArgumentException($"can't convert np.ndarray of type numpy.object_ (column '{c.Name}' holds '{s}')"),
        var v => System.Convert.ToDouble(v, CultureInfo.InvariantCulture),
    };

    private static DType Of(DataFrameColumn c)
    {
        var t = c.DataType;
        if (t == typeof(string)) throw new ArgumentException($"can't convert np.ndarray of type numpy.object_ (column '{c.Name}' holds strings)");
        if (t == typeof(double) || c.NullCount > 0) return DType.Float64;
        if (t == typeof(float)) return DType.Float32;
        if (t == typeof(bool)) return DType.Bool;
        if (t == typeof(byte)) return DType.UInt8;
        if (t == typeof(sbyte)) return DType.Int8;
        if (t == typeof(short)) return DType.Int16;
        if (t == typeof(int)) return DType.Int32;
        return DType.Int64;
    }

    // NumPy's result type of the columns as DataFrame.values forms it.
    private static DType CommonType(IReadOnlyList<DataFrameColumn> cols)
    {
        var dt = Of(cols[0]);
        foreach (var c in cols.Skip(1)) dt = Torch.PromoteTypes(dt, Of(c));
        return dt;
    }
}
