namespace Flint.Backends.Cuda.Native;

/// <summary>
/// The cuBLAS GEMMs Flint uses (<c>cublas_api.h</c>, CUDA 11+) as unmanaged function pointers. cuBLAS is
/// column-major; <see cref="CudaBackend"/> maps row-major products onto it by swapping operands. Handles are
/// <c>nint</c>, statuses <c>int</c> (0 = CUBLAS_STATUS_SUCCESS), enums <c>int</c>; strides are <c>long long</c>.
/// </summary>
internal sealed unsafe class CublasApi
{
    /// <summary>The names cuBLAS is looked for under, newest first.</summary>
    public static readonly IReadOnlyList<string> LibraryNames = NativeLibraries.ToolkitCandidates(
        ["libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"],
        ["cublas64_13.dll", "cublas64_12.dll", "cublas64_11.dll"]);

    /// <summary>CUBLAS_OP_N.</summary>
    public const int OpN = 0;
    /// <summary>CUBLAS_OP_T.</summary>
    public const int OpT = 1;
    /// <summary>cudaDataType CUDA_R_16F.</summary>
    public const int DataR16F = 2;
    /// <summary>cudaDataType CUDA_R_16BF.</summary>
    public const int DataR16BF = 14;
    /// <summary>cublasComputeType_t CUBLAS_COMPUTE_32F (float accumulation, no TF32: PyTorch's default).</summary>
    public const int Compute32F = 68;
    /// <summary>cublasGemmAlgo_t CUBLAS_GEMM_DEFAULT.</summary>
    public const int GemmDefault = -1;

    public readonly delegate* unmanaged<nint*, int> cublasCreate;
    public readonly delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, long, ulong, int, long, float*, ulong, int, long, int, int> cublasSgemmStridedBatched;
    public readonly delegate* unmanaged<nint, int, int, int, int, int, double*, ulong, int, long, ulong, int, long, double*, ulong, int, long, int, int> cublasDgemmStridedBatched;
    public readonly delegate* unmanaged<nint, int, int, int, int, int, void*, ulong, int, int, long, ulong, int, int, long, void*, ulong, int, int, long, int, int, int, int> cublasGemmStridedBatchedEx;

    private CublasApi(nint lib)
    {
        const string L = "libcublas";
        cublasCreate = (delegate* unmanaged<nint*, int>)NativeLibraries.Export(lib, L, "cublasCreate_v2");
        cublasSgemmStridedBatched = (delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, long, ulong, int, long, float*, ulong, int, long, int, int>)
            NativeLibraries.Export(lib, L, "cublasSgemmStridedBatched");
        cublasDgemmStridedBatched = (delegate* unmanaged<nint, int, int, int, int, int, double*, ulong, int, long, ulong, int, long, double*, ulong, int, long, int, int>)
            NativeLibraries.Export(lib, L, "cublasDgemmStridedBatched");
        cublasGemmStridedBatchedEx = (delegate* unmanaged<nint, int, int, int, int, int, void*, ulong, int, int, long, ulong, int, int, long, void*, ulong, int, int, long, int, int, int, int>)
            NativeLibraries.Export(lib, L, "cublasGemmStridedBatchedEx");
    }

    /// <summary>Binds cuBLAS, or returns null when no candidate loads.</summary>
    public static CublasApi? TryLoad() => NativeLibraries.TryLoad(LibraryNames) is { } lib ? new CublasApi(lib) : null;

    /// <summary>Throws with the cuBLAS status's name for a failed call (PyTorch: "CUDA error: CUBLAS_STATUS_...").</summary>
    public static void Check(int status, string call)
    {
        if (status == 0) return;
        var name = status switch
        {
            1 => "CUBLAS_STATUS_NOT_INITIALIZED",
            3 => "CUBLAS_STATUS_ALLOC_FAILED",
            7 => "CUBLAS_STATUS_INVALID_VALUE",
            8 => "CUBLAS_STATUS_ARCH_MISMATCH",
            11 => "CUBLAS_STATUS_MAPPING_ERROR",
            13 => "CUBLAS_STATUS_EXECUTION_FAILED",
            14 => "CUBLAS_STATUS_INTERNAL_ERROR",
            15 => "CUBLAS_STATUS_NOT_SUPPORTED",
            16 => "CUBLAS_STATUS_LICENSE_ERROR",
            _ => $"cuBLAS status {status}",
        };
        if (status == 3) throw new OutOfMemoryException($"CUDA error: {name} when calling `{call}`");
        throw new InvalidOperationException($"CUDA error: {name} when calling `{call}`");
    }
}
