namespace Flint.Backends;

internal partial interface IBackend
{
    /// <summary>
    /// Batched matrix product <c>c[i] = alpha * a[i] @ b[i] + beta * c[i]</c> for 3-D <c>a [B, M, K]</c>,
    /// <c>b [B, K, N]</c> and <c>c [B, M, N]</c> of one dtype, with any strides (0 along a broadcast batch or dim).
    /// With beta == 0, c is only written (NaN in it is ignored, as in BLAS). float16 and bfloat16 are computed in
    /// float and rounded once; integer types wrap; alpha and beta convert to the dtype as PyTorch's scalars do.
    /// c must not overlap a or b. The backbone of mm, bmm, mv, dot, addmm, baddbmm and everything built on them.
    /// </summary>
    void Gemm(Tensor a, Tensor b, Tensor c, Scalar alpha, Scalar beta);
}
