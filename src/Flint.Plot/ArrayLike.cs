namespace Flint.Plot;

/// <summary>
/// The data a plotting call takes, as matplotlib's <c>array_like</c>: a Flint <see cref="Tensor"/> (any dtype and
/// device; detached and read as float64, as <c>x.data.numpy()</c> would give) or a C# array. Converted implicitly, so
/// <c>ax.Plot(x, y)</c> accepts tensors and arrays alike.
/// </summary>
public readonly struct ArrayLike
{
    private readonly double[]? values;
    private readonly long[]? shape;

    private ArrayLike(double[] values, long[] shape)
    {
        this.values = values;
        this.shape = shape;
    }

    /// <summary>The values in row-major order.</summary>
    public double[] Values => values ?? [];

    /// <summary>The shape (numpy's <c>shape</c>): a tensor's own, or <c>[Length]</c> for an array.</summary>
    public long[] Shape => shape ?? [0];

    /// <summary>Takes a tensor's values (<c>tensor.detach().cpu().double()</c>) and shape.</summary>
    public static implicit operator ArrayLike(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var t = tensor.Detach();
        return new ArrayLike(t.ToArray<double>(), t.Shape.ToArray());
    }

    /// <summary>Takes a copy of the values.</summary>
    public static implicit operator ArrayLike(double[] values) => new((double[])values.Clone(), [values.LongLength]);

    /// <summary>Takes the values as float64.</summary>
    public static implicit operator ArrayLike(float[] values) => new([.. values.Select(v => (double)v)], [values.LongLength]);

    /// <summary>Takes the values as float64.</summary>
    public static implicit operator ArrayLike(int[] values) => new([.. values.Select(v => (double)v)], [values.LongLength]);

    /// <summary>Takes the values as float64.</summary>
    public static implicit operator ArrayLike(long[] values) => new([.. values.Select(v => (double)v)], [values.LongLength]);

    /// <summary>numpy's text form of the shape: <c>(100,)</c>, <c>(100, 1)</c>.</summary>
    internal string ShapeText => Shape.Length == 1 ? $"({Shape[0]},)" : "(" + string.Join(", ", Shape) + ")";

    /// <summary>
    /// The values of a 1-D array or of a single column (<c>N × 1</c>, as <c>x.unsqueeze(1)</c>), the shapes a single line
    /// of <c>plot</c> takes.
    /// </summary>
    internal double[] Column(string what)
    {
        var s = Shape;
        if (s.Length == 1 || (s.Length == 2 && s[1] == 1) || s.Length == 0)
            return Values;
        throw new ArgumentException(
            $"{what} must be 1-D or a single column (N x 1) to be drawn as one line, got shape {ShapeText}");
    }
}
