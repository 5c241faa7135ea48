using Flint.Kernels;

namespace Flint.Backends;

internal partial interface IBackend
{
    /// <summary>
    /// Reduces x into <paramref name="output"/>, which has x's rank with size 1 on the reduced dims and is of the
    /// accumulation dtype (float for half types, x's dtype otherwise; byte-valued bool is stored as bool).
    /// </summary>
    void Reduce<TOp>(TOp op, Tensor x, Tensor output) where TOp : struct, IReduceKernel;
}
