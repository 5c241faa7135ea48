namespace Flint.Backends;

/// <summary>How an index scatter combines a value with the element already at its destination.</summary>
internal enum ScatterMode
{
    /// <summary>dst = value (scatter, index_put_, index_copy_, put_).</summary>
    Assign,
    /// <summary>dst += value (scatter_add, index_add_, accumulate=True).</summary>
    Add,
    /// <summary>dst *= value (scatter(reduce="multiply"), scatter_reduce "prod").</summary>
    Multiply,
    /// <summary>dst = max(dst, value), NaN propagating (scatter_reduce "amax").</summary>
    Max,
    /// <summary>dst = min(dst, value), NaN propagating (scatter_reduce "amin").</summary>
    Min,
}

/// <summary>
/// Builds the exception for an index outside [-size, size): the offending value, which index operand held it and
/// that operand's size. Each op words it as PyTorch does.
/// </summary>
internal delegate Exception IndexOutOfBounds(long index, int operand, long size);

internal partial interface IBackend
{
    /// <summary>
    /// The advanced-indexing gather (ATen's <c>index</c> kernel): for every element e of <paramref name="output"/>,
    /// <c>output[e] = src[e + Σk wrap(indices[k][e]) * indexStrides[k]]</c>. <paramref name="src"/> is restrided to
    /// the output's shape (stride 0 along the dims the indices replace) and every index tensor is int64 and broadcast
    /// to the output's shape. With <paramref name="negativeWraps"/> negative indices count from the end of their dim
    /// (<paramref name="indexSizes"/>); otherwise they are out of bounds, as in gather and index_select.
    /// </summary>
    void IndexGather(Tensor output, Tensor src, Tensor[] indices, long[] indexSizes, long[] indexStrides, bool negativeWraps,
        IndexOutOfBounds error);

    /// <summary>
    /// The advanced-indexing scatter: for every element e of <paramref name="values"/>,
    /// <c>dst[e + Σk wrap(indices[k][e]) * indexStrides[k]] ⊕= values[e]</c>, in order, on one thread (so duplicate
    /// indices accumulate deterministically). <paramref name="dst"/> is restrided to the values' shape.
    /// </summary>
    void IndexScatter(Tensor dst, Tensor values, Tensor[] indices, long[] indexSizes, long[] indexStrides, ScatterMode mode,
        bool negativeWraps, IndexOutOfBounds error);

    /// <summary>The coordinates of the non-zero elements of x in row-major order, as an int64 tensor (n, x.dim()).</summary>
    Tensor Nonzero(Tensor x);

    /// <summary>dst[e] = value where the bool <paramref name="mask"/> (of dst's shape, maybe broadcast) is true.</summary>
    void MaskedFill(Tensor dst, Tensor mask, Scalar value);

    /// <summary>
    /// Copies the lower (<c>tril</c>) or upper (<c>triu</c>) triangle of the last two dims of src into dst (same
    /// shape) and zeros the rest; element (i, j) is kept when j - i &lt;= diagonal (lower) or j - i &gt;= diagonal (upper).
    /// </summary>
    void Triangle(Tensor src, Tensor dst, long diagonal, bool upper);
}
