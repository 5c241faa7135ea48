using Flint.Backends;

namespace Flint;

/// <summary>
/// Queries about CUDA devices (<c>torch.cuda</c>). Asking never loads CUDA: on a machine where no CUDA backend has
/// registered itself, <see cref="IsAvailable"/> is false, as on a PyTorch build without CUDA.
/// </summary>
public static class Cuda
{
    /// <summary>Whether CUDA tensors can be made here (<c>torch.cuda.is_available()</c>).</summary>
    public static bool IsAvailable() => CudaBackends.Factory is not null;
}
