namespace Flint.Backends;

internal partial interface IBackend
{
    /// <summary>
    /// The maximum (or minimum) of each lane and the index of its first occurrence; a NaN beats everything (the first
    /// NaN's index). x is [O, N, I] with N &gt; 0; values (x's dtype, may be null) and indices (int64) are [O, I].
    /// </summary>
    void ArgReduce(bool max, Tensor x, DimLayout layout, Tensor? values, Tensor indices);

    /// <summary>output[o, j, i] = x[o, index[o, j, i], i]; index and output are [O, K, I], x is [O, N, I].</summary>
    void GatherLanes(Tensor x, DimLayout layout, Tensor index, long k, Tensor output);

    /// <summary>output[o, index[o, j, i], i] += src[o, j, i]; output ([O, N, I], src's dtype) holds the starting values.</summary>
    void ScatterAddLanes(Tensor src, DimLayout layout, Tensor index, long k, Tensor output);

    /// <summary>Stable sort of each lane; NaN sorts above every number (last ascending, first descending).</summary>
    void Sort(Tensor x, DimLayout layout, bool descending, Tensor values, Tensor indices);

    /// <summary>
    /// The k largest (or smallest) of each lane, NaN above every number; values/indices are [O, k, I]. Sorted unless
    /// <paramref name="sorted"/> is false and k is not small next to the lane (then in selection order), ties placed
    /// as ATen's CPU kernel places them.
    /// </summary>
    void TopK(Tensor x, DimLayout layout, long k, bool largest, bool sorted, Tensor values, Tensor indices);

    /// <summary>The k-th smallest (1-based) of each lane by PyTorch's quickselect, so that ties pick PyTorch's index.</summary>
    void KthValue(Tensor x, DimLayout layout, long k, Tensor values, Tensor indices);

    /// <summary>
    /// The lower median of each lane and its index (the element at position (n - 1) / 2 of a stable sort). Without
    /// <paramref name="ignoreNan"/> a lane holding NaN gives its first NaN; with it, NaNs are left out (nanmedian).
    /// </summary>
    void Median(Tensor x, DimLayout layout, bool ignoreNan, Tensor values, Tensor indices);

    /// <summary>The most frequent value of each lane (the smallest among equally frequent) and its last index.</summary>
    void Mode(Tensor x, DimLayout layout, Tensor values, Tensor indices);

    /// <summary>
    /// The sorted distinct values of a contiguous tensor (or its runs of equal values when
    /// <paramref name="consecutive"/>), with each element's position among them and each value's count on request.
    /// </summary>
    (Tensor Values, Tensor? Inverse, Tensor? Counts) Unique(Tensor x, bool consecutive, bool inverse, bool counts);

    /// <summary>
    /// For each of a row's values, the insertion point in that row's sorted sequence (lower bound, or upper bound when
    /// <paramref name="right"/>). sorted is [R, M] (R = 1 shares one sequence), values [R', V] of sorted's dtype, output
    /// int64 or int32 [R', V]; sorter, when given, is int64 [R, M] and orders each row of sorted.
    /// </summary>
    void SearchSorted(Tensor sorted, Tensor values, long rows, bool right, Tensor? sorter, Tensor output);
}
