using Flint.Backends.Cpu;
using Flint.Kernels;

namespace Flint.Backends;

/// <summary>
/// The primitives a device provides; everything else is built from them by ops. All take preallocated outputs on
/// the backend's device. Operands of elementwise primitives already have the output's shape (broadcast dims carry
/// stride 0) and the compute dtype; the op layer does promotion, broadcasting and autograd. Further primitive
/// families (reductions, GEMM, convolution, indexing) extend this partial interface in their own files.
/// </summary>
internal partial interface IBackend
{
    Device Device { get; }

    Storage Allocate(long byteCount, bool zeroed);

    /// <summary>dst = src converted to dst's dtype (src may be on the host; same shape, any strides).</summary>
    void Copy(Tensor src, Tensor dst);

    /// <summary>Every element of dst = value.</summary>
    void Fill(Tensor dst, Scalar value);

    /// <summary>y = op(x), float dtypes (and integers when the kernel supports them).</summary>
    void Unary<TOp>(TOp op, Tensor x, Tensor y) where TOp : struct, IUnaryKernel;

    /// <summary>c = op(a, b), all of c's dtype.</summary>
    void Binary<TOp>(TOp op, Tensor a, Tensor b, Tensor c) where TOp : struct, IBinaryKernel;

    /// <summary>c = op(a, b) with a and b of one dtype and c bool.</summary>
    void Compare<TOp>(TOp op, Tensor a, Tensor b, Tensor c) where TOp : struct, ICompareKernel;
}

/// <summary>Finds the backend of a device. CUDA loads on first use, so CPU-only machines never touch it.</summary>
internal static class Backend
{
    public static IBackend For(Device device) => device.IsCpu ? CpuBackend.Instance : CudaBackends.For(device);
}

/// <summary>
/// The hook to the CUDA backends (Backends/Cuda), one per device, created on first use: asking for one loads CUDA, and
/// throws PyTorch's error when it cannot be used.
/// </summary>
internal static class CudaBackends
{
    /// <summary>
    /// The CUDA backend factory when CUDA is available, null otherwise. Reading it asks whether CUDA is available
    /// (loading the driver, as <c>torch.cuda.is_available()</c> does).
    /// </summary>
    internal static Func<Device, IBackend>? Factory => Flint.Cuda.IsAvailable() ? Cuda.CudaBackend.For : null;

    public static IBackend For(Device device) => Cuda.CudaBackend.For(device);
}
