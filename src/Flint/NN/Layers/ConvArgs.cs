using System.Collections;
using System.Runtime.CompilerServices;

namespace Flint.NN;

/// <summary>
/// An int or a tuple of ints, as PyTorch's convolution, pooling and resampling arguments take them
/// (<c>_size_2_t = Union[int, Tuple[int, int]]</c>): <c>2</c>, <c>(2, 3)</c> or <c>[2, 3]</c>. A single value stands
/// for every spatial dim. <c>default</c> means "not given" (PyTorch's <c>None</c>).
/// </summary>
[CollectionBuilder(typeof(IntTuple), nameof(Create))]
public readonly struct IntTuple : IEnumerable<long>
{
    private readonly long[]? values;

    /// <summary>Wraps the given values.</summary>
    public IntTuple(params long[] values) => this.values = values;

    /// <summary>Builds the tuple from a collection expression such as <c>[2, 3]</c>.</summary>
    public static IntTuple Create(ReadOnlySpan<long> values) => new(values.ToArray());

    /// <summary>True when no value was given (PyTorch's <c>None</c>).</summary>
    public bool IsNone => values is null;

    /// <summary>The values as given (empty when none).</summary>
    public long[] ToArray() => values is null ? [] : (long[])values.Clone();

    /// <summary>One int.</summary>
    public static implicit operator IntTuple(long value) => new([value]);

    /// <summary>A list of ints.</summary>
    public static implicit operator IntTuple(long[] values) => new((long[])values.Clone());

    /// <summary>A pair.</summary>
    public static implicit operator IntTuple((long, long) v) => new([v.Item1, v.Item2]);

    /// <summary>A triple.</summary>
    public static implicit operator IntTuple((long, long, long) v) => new([v.Item1, v.Item2, v.Item3]);

    /// <summary>
    /// The values for <paramref name="dims"/> spatial dims: one value repeated, or exactly <paramref name="dims"/>
    /// values; <paramref name="fallback"/> when none was given.
    /// </summary>
    internal long[] Expand(int dims, long fallback)
    {
        if (values is null) return Enumerable.Repeat(fallback, dims).ToArray();
        if (values.Length == 1) return Enumerable.Repeat(values[0], dims).ToArray();
        return (long[])values.Clone();
    }

    /// <inheritdoc/>
    public IEnumerator<long> GetEnumerator() => ((IEnumerable<long>)(values ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Prints as Python prints the value: <c>2</c>, <c>(2, 3)</c> or <c>None</c>.</summary>
    public override string ToString() =>
        values is null ? "None" : values.Length == 1 ? values[0].ToString() : PyTuple(values);

    /// <summary>Formats a tuple as Python does: <c>(5, 5)</c>, <c>(3,)</c>.</summary>
    internal static string PyTuple(long[] v) => v.Length == 1 ? $"({v[0]},)" : "(" + string.Join(", ", v) + ")";

    /// <summary>Formats a list as Python does: <c>[5, 5]</c>.</summary>
    internal static string PyList(long[] v) => "[" + string.Join(", ", v) + "]";
}

/// <summary>
/// A convolution's <c>padding</c> argument: an int, a tuple of ints, or one of the strings <c>"valid"</c> (no padding)
/// and <c>"same"</c> (the output keeps the input's size; stride 1 only).
/// </summary>
public readonly struct ConvPadding
{
    /// <summary>The amounts, when given as numbers.</summary>
    public IntTuple Amounts { get; }

    /// <summary>"valid" or "same" when given as a string, else null.</summary>
    public string? Mode { get; }

    private ConvPadding(IntTuple amounts, string? mode)
    {
        Amounts = amounts;
        Mode = mode;
    }

    /// <summary>One amount for every dim.</summary>
    public static implicit operator ConvPadding(long value) => new(value, null);

    /// <summary>Amounts per dim.</summary>
    public static implicit operator ConvPadding(long[] values) => new(values, null);

    /// <summary>Amounts per dim.</summary>
    public static implicit operator ConvPadding(IntTuple values) => new(values, null);

    /// <summary>A pair of amounts.</summary>
    public static implicit operator ConvPadding((long, long) v) => new(v, null);

    /// <summary>A triple of amounts.</summary>
    public static implicit operator ConvPadding((long, long, long) v) => new(v, null);

    /// <summary>"valid" or "same".</summary>
    public static implicit operator ConvPadding(string mode) => new(default, mode);
}

/// <summary>
/// A float or a tuple of floats (the scale factors of <c>F.interpolate</c> and <c>nn.Upsample</c>): <c>2</c>,
/// <c>(2, 1.5)</c> or <c>[2.0, 1.5]</c>. <c>default</c> means "not given" (PyTorch's <c>None</c>).
/// </summary>
public readonly struct FloatTuple
{
    private readonly double[]? values;

    /// <summary>Wraps the given values.</summary>
    public FloatTuple(params double[] values) => this.values = values;

    /// <summary>True when no value was given (PyTorch's <c>None</c>).</summary>
    public bool IsNone => values is null;

    /// <summary>True when given as a single number rather than a tuple.</summary>
    internal bool IsSingle => values is { Length: 1 };

    /// <summary>The values as given (empty when none).</summary>
    public double[] ToArray() => values is null ? [] : (double[])values.Clone();

    /// <summary>One factor for every dim.</summary>
    public static implicit operator FloatTuple(double value) => new([value]);

    /// <summary>Factors per dim.</summary>
    public static implicit operator FloatTuple(double[] values) => new((double[])values.Clone());

    /// <summary>A pair.</summary>
    public static implicit operator FloatTuple((double, double) v) => new([v.Item1, v.Item2]);

    /// <summary>A triple.</summary>
    public static implicit operator FloatTuple((double, double, double) v) => new([v.Item1, v.Item2, v.Item3]);

    /// <summary>Prints as Python prints the value: <c>2.0</c>, <c>(2.0, 1.5)</c> or <c>None</c>.</summary>
    public override string ToString() =>
        values is null ? "None"
        : values.Length == 1 ? Board.PythonFormat.Repr(values[0])
        : "(" + string.Join(", ", values.Select(Board.PythonFormat.Repr)) + (values.Length == 1 ? ",)" : ")");
}
