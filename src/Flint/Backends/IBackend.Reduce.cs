using Flint.Kernels;

namespace Flint.Backends;

internal partial interface IBackend
{
    /// <summary>
    /// Reduces x into <paramref name="output"/>, which has x's rank with size 1 on the reduced dims. x may be of any
    /// dtype and layout; output is contiguous and of the accumulation dtype the op chose (float32, float64 or an
    /// integer type), elements converted into it before the kernel's map and combine.
    /// </summary>
    void Reduce<TOp>(TOp op, Tensor x, Tensor output) where TOp : struct, IReduceKernel;
}
