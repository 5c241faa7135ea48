namespace Flint.Backends;

/// <summary>
/// The sizes of a 2-D pooling over planes: input [Planes, IH, IW], output [Planes, OH, OW] (1-D pools have height 1),
/// kernel, stride, padding and dilation per dim, and for average pooling whether padding counts and an explicit
/// divisor.
/// </summary>
internal sealed class PoolGeometry
{
    public long Planes;
    public long IH, IW, OH, OW;
    public long KH = 1, KW = 1, SH = 1, SW = 1, PH, PW, DH = 1, DW = 1;
    public bool CountIncludePad = true;
    public long? Divisor;
}

internal partial interface IBackend
{
    /// <summary>
    /// Max pooling of contiguous x [P, IH, IW] into y [P, OH, OW] and int64 indices (flat ih·IW + iw within the plane),
    /// NaN winning as in PyTorch. Float dtypes.
    /// </summary>
    void MaxPool2d(Tensor x, Tensor y, Tensor indices, PoolGeometry g);

    /// <summary>
    /// The adjoint of <see cref="MaxPool2d"/>: <see cref="PlaneScatter"/> with accumulation of gy [P, OH·OW] at the
    /// pool's indices into gx [P, IH·IW], where the pool's geometry <paramref name="g"/> may allow a faster kernel.
    /// </summary>
    void MaxPool2dBackward(Tensor gy, Tensor indices, Tensor gx, PoolGeometry g, Func<long, Exception> outOfRange);

    /// <summary>Average pooling of contiguous x [P, IH, IW] into y [P, OH, OW] (PyTorch's divisor rules).</summary>
    void AvgPool2d(Tensor x, Tensor y, PoolGeometry g);

    /// <summary>The adjoint of <see cref="AvgPool2d"/>: gx [P, IH, IW] (overwritten) from gy [P, OH, OW].</summary>
    void AvgPool2dBackward(Tensor gy, Tensor gx, PoolGeometry g);

    /// <summary>Adaptive average pooling of contiguous x [P, IH, IW] into y [P, OH, OW] (windows floor(o·I/O) to ceil((o+1)·I/O)).</summary>
    void AdaptiveAvgPool2d(Tensor x, Tensor y, PoolGeometry g);

    /// <summary>The adjoint of <see cref="AdaptiveAvgPool2d"/>: gx (overwritten) from gy.</summary>
    void AdaptiveAvgPool2dBackward(Tensor gy, Tensor gx, PoolGeometry g);

    /// <summary>Adaptive max pooling into values and int64 plane indices.</summary>
    void AdaptiveMaxPool2d(Tensor x, Tensor y, Tensor indices, PoolGeometry g);

    /// <summary>
    /// dst[p, t] = src[p, index[p, t]] for contiguous src [P, S], int64 index [P, T] and dst [P, T]; an index outside
    /// [0, S) throws the exception <paramref name="outOfRange"/> makes of it.
    /// </summary>
    void PlaneGather(Tensor src, Tensor index, Tensor dst, Func<long, Exception> outOfRange);

    /// <summary>
    /// dst [P, S] is zeroed, then dst[p, index[p, t]] = src[p, t] (or += with <paramref name="accumulate"/>) for contiguous
    /// src and int64 index [P, T]; an index outside [0, S) throws the exception <paramref name="outOfRange"/> makes of it.
    /// </summary>
    void PlaneScatter(Tensor src, Tensor index, Tensor dst, bool accumulate, Func<long, Exception> outOfRange);
}
