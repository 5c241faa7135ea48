namespace Flint.Backends;

/// <summary>
/// Linear interpolation along one dim: output index o reads input indices I0[o] and I1[o] with weights L0[o] and
/// L1[o] (PyTorch's compute_indices_weights_linear).
/// </summary>
internal sealed class LinearMap(long[] i0, long[] i1, double[] l0, double[] l1)
{
    public readonly long[] I0 = i0, I1 = i1;
    public readonly double[] L0 = l0, L1 = l1;

    /// <summary>The identity along a dim of size 1 (for the leading dims of 1-D and 2-D ops).</summary>
    public static LinearMap Unit => new([0], [0], [1], [0]);
}

internal partial interface IBackend
{
    /// <summary>
    /// y[p, d, h, w] = x[p, maps[0][d], maps[1][h], maps[2][w]] for contiguous x [P, ID, IH, IW] and y [P, OD, OH, OW]
    /// (three maps, both operands 4-D; leading dims of size 1 for 1-D and 2-D ops): nearest upsampling and reflection/replication padding.
    /// </summary>
    void GatherMapped(Tensor x, Tensor y, long[][] maps);

    /// <summary>The adjoint of <see cref="GatherMapped"/>: gx (overwritten) gets the sum of gy over every output reading it.</summary>
    void ScatterMapped(Tensor gy, Tensor gx, long[][] maps);

    /// <summary>Linear, bilinear or trilinear interpolation of contiguous x [P, ID, IH, IW] into y [P, OD, OH, OW] (three maps).</summary>
    void Interpolate(Tensor x, Tensor y, LinearMap[] maps);

    /// <summary>The adjoint of <see cref="Interpolate"/>: gx (overwritten) from gy.</summary>
    void InterpolateBackward(Tensor gy, Tensor gx, LinearMap[] maps);
}
