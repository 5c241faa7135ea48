namespace Flint.Backends;

/// <summary>
/// A contiguous tensor seen around one dim as <c>[Outer, Size, Inner]</c>: element (o, k, i) lives at
/// <c>(o * Size + k) * Inner + i</c>. The primitives of the scan, sort and index-reduction families take their
/// operands in this layout; the op layer makes inputs contiguous first.
/// </summary>
internal readonly record struct DimLayout(long Outer, long Size, long Inner)
{
    /// <summary>The layout of a contiguous tensor of <paramref name="shape"/> around <paramref name="dim"/> (0-dim: 1, 1, 1).</summary>
    public static DimLayout Of(ReadOnlySpan<long> shape, int dim)
    {
        if (shape.Length == 0) return new DimLayout(1, 1, 1);
        long outer = 1, inner = 1;
        for (int i = 0; i < dim; i++) outer *= shape[i];
        for (int i = dim + 1; i < shape.Length; i++) inner *= shape[i];
        return new DimLayout(outer, shape[dim], inner);
    }

    /// <summary>The number of lanes (1-D slices along the dim).</summary>
    public long Lanes => Outer * Inner;
}

/// <summary>The running combination a scan computes.</summary>
internal enum ScanKind
{
    /// <summary>Running sum (<c>torch.cumsum</c>).</summary>
    Sum,
    /// <summary>Running product (<c>torch.cumprod</c>).</summary>
    Prod,
    /// <summary>Running log-sum-exp (<c>torch.logcumsumexp</c>).</summary>
    LogSumExp,
}

internal partial interface IBackend
{
    /// <summary>
    /// output = the running <paramref name="kind"/> of x along the layout's dim, from the end when
    /// <paramref name="reverse"/>. x and output are contiguous and of one dtype; floats accumulate in float64.
    /// </summary>
    void Scan(ScanKind kind, Tensor x, DimLayout layout, bool reverse, Tensor output);

    /// <summary>
    /// Running maximum (or minimum) with the index where it was reached (<c>torch.cummax</c>): ties move the index
    /// to the later element, and a NaN, once seen, stays (each new NaN moving the index).
    /// </summary>
    void CumExtreme(bool max, Tensor x, DimLayout layout, Tensor values, Tensor indices);

    /// <summary>output[k] = the product of the other elements of x's lane (exact when the lane holds zeros).</summary>
    void ProdOthers(Tensor x, DimLayout layout, Tensor output);

    /// <summary>
    /// The gradient of <c>cumprod</c> with respect to x for an output gradient, exact with zeros in x:
    /// <c>sum_{j >= k} grad[j] * prod_{i &lt;= j, i != k} x[i]</c>, in O(n) per lane. All of one float dtype.
    /// </summary>
    void CumprodGrad(Tensor x, Tensor grad, DimLayout layout, Tensor output);
}
