using Flint.Kernels;

namespace Flint.Backends;

/// <summary>Elementwise primitives of three operands: fused ternary math and selection by a condition.</summary>
internal partial interface IBackend
{
    /// <summary>d = op(a, b, c), all of d's dtype (computed in float for half types).</summary>
    void Ternary<TOp>(TOp op, Tensor a, Tensor b, Tensor c, Tensor d) where TOp : struct, ITernaryKernel;

    /// <summary>output = condition ? x : y, with condition bool and x, y of output's dtype (<c>torch.where</c>).</summary>
    void Where(Tensor condition, Tensor x, Tensor y, Tensor output);
}
