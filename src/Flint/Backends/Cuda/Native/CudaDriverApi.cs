namespace Flint.Backends.Cuda.Native;

/// <summary>
/// The CUDA driver API (<c>cuda.h</c>, libcuda) as unmanaged function pointers, bound once when CUDA is first needed.
/// Handles are <c>nint</c> (CUcontext, CUmodule, CUfunction, CUstream), device pointers <c>ulong</c> (CUdeviceptr),
/// devices <c>int</c> (CUdevice), results <c>int</c> (CUresult, 0 = CUDA_SUCCESS). The <c>_v2</c> entry points are
/// the ones cuda.h maps the plain names to (64-bit sizes and device pointers).
/// </summary>
internal sealed unsafe class CudaDriverApi
{
    /// <summary>The names the driver library is looked for under.</summary>
    public static readonly string[] LibraryNames = OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"];

    public const int Success = 0;
    /// <summary>CUDA_ERROR_OUT_OF_MEMORY.</summary>
    public const int ErrorOutOfMemory = 2;
    /// <summary>CUDA_ERROR_NO_DEVICE: no CUDA-capable device (or CUDA_VISIBLE_DEVICES hides them all).</summary>
    public const int ErrorNoDevice = 100;
    /// <summary>CUDA_ERROR_INVALID_DEVICE: "invalid device ordinal".</summary>
    public const int ErrorInvalidDevice = 101;

    /// <summary>CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT.</summary>
    public const int AttributeMultiprocessorCount = 16;
    /// <summary>CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR.</summary>
    public const int AttributeComputeCapabilityMajor = 75;
    /// <summary>CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR.</summary>
    public const int AttributeComputeCapabilityMinor = 76;

    public readonly delegate* unmanaged<uint, int> cuInit;
    public readonly delegate* unmanaged<int*, int> cuDriverGetVersion;
    public readonly delegate* unmanaged<int*, int> cuDeviceGetCount;
    public readonly delegate* unmanaged<int*, int, int> cuDeviceGet;
    public readonly delegate* unmanaged<byte*, int, int, int> cuDeviceGetName;
    public readonly delegate* unmanaged<nuint*, int, int> cuDeviceTotalMem;
    public readonly delegate* unmanaged<int*, int, int, int> cuDeviceGetAttribute;
    public readonly delegate* unmanaged<nint*, int, int> cuDevicePrimaryCtxRetain;
    public readonly delegate* unmanaged<nint, int> cuCtxSetCurrent;
    public readonly delegate* unmanaged<int> cuCtxSynchronize;
    public readonly delegate* unmanaged<nuint*, nuint*, int> cuMemGetInfo;
    public readonly delegate* unmanaged<ulong*, nuint, int> cuMemAlloc;
    public readonly delegate* unmanaged<ulong, int> cuMemFree;
    public readonly delegate* unmanaged<void**, nuint, int> cuMemAllocHost;
    public readonly delegate* unmanaged<void*, int> cuMemFreeHost;
    public readonly delegate* unmanaged<ulong, void*, nuint, int> cuMemcpyHtoD;
    public readonly delegate* unmanaged<void*, ulong, nuint, int> cuMemcpyDtoH;
    public readonly delegate* unmanaged<ulong, ulong, nuint, int> cuMemcpyDtoD;
    public readonly delegate* unmanaged<ulong, nint, ulong, nint, nuint, int> cuMemcpyPeer;
    public readonly delegate* unmanaged<ulong, byte, nuint, int> cuMemsetD8;
    public readonly delegate* unmanaged<ulong, ushort, nuint, int> cuMemsetD16;
    public readonly delegate* unmanaged<ulong, uint, nuint, int> cuMemsetD32;
    public readonly delegate* unmanaged<nint*, void*, int> cuModuleLoadData;
    public readonly delegate* unmanaged<nint*, nint, byte*, int> cuModuleGetFunction;
    public readonly delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int> cuLaunchKernel;
    public readonly delegate* unmanaged<int, byte**, int> cuGetErrorName;
    public readonly delegate* unmanaged<int, byte**, int> cuGetErrorString;

    private CudaDriverApi(nint lib)
    {
        const string L = "libcuda";
        cuInit = (delegate* unmanaged<uint, int>)NativeLibraries.Export(lib, L, "cuInit");
        cuDriverGetVersion = (delegate* unmanaged<int*, int>)NativeLibraries.Export(lib, L, "cuDriverGetVersion");
        cuDeviceGetCount = (delegate* unmanaged<int*, int>)NativeLibraries.Export(lib, L, "cuDeviceGetCount");
        cuDeviceGet = (delegate* unmanaged<int*, int, int>)NativeLibraries.Export(lib, L, "cuDeviceGet");
        cuDeviceGetName = (delegate* unmanaged<byte*, int, int, int>)NativeLibraries.Export(lib, L, "cuDeviceGetName");
        cuDeviceTotalMem = (delegate* unmanaged<nuint*, int, int>)NativeLibraries.Export(lib, L, "cuDeviceTotalMem_v2");
        cuDeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)NativeLibraries.Export(lib, L, "cuDeviceGetAttribute");
        cuDevicePrimaryCtxRetain = (delegate* unmanaged<nint*, int, int>)NativeLibraries.Export(lib, L, "cuDevicePrimaryCtxRetain");
        cuCtxSetCurrent = (delegate* unmanaged<nint, int>)NativeLibraries.Export(lib, L, "cuCtxSetCurrent");
        cuCtxSynchronize = (delegate* unmanaged<int>)NativeLibraries.Export(lib, L, "cuCtxSynchronize");
        cuMemGetInfo = (delegate* unmanaged<nuint*, nuint*, int>)NativeLibraries.Export(lib, L, "cuMemGetInfo_v2");
        cuMemAlloc = (delegate* unmanaged<ulong*, nuint, int>)NativeLibraries.Export(lib, L, "cuMemAlloc_v2");
        cuMemFree = (delegate* unmanaged<ulong, int>)NativeLibraries.Export(lib, L, "cuMemFree_v2");
        cuMemAllocHost = (delegate* unmanaged<void**, nuint, int>)NativeLibraries.Export(lib, L, "cuMemAllocHost_v2");
        cuMemFreeHost = (delegate* unmanaged<void*, int>)NativeLibraries.Export(lib, L, "cuMemFreeHost");
        cuMemcpyHtoD = (delegate* unmanaged<ulong, void*, nuint, int>)NativeLibraries.Export(lib, L, "cuMemcpyHtoD_v2");
        cuMemcpyDtoH = (delegate* unmanaged<void*, ulong, nuint, int>)NativeLibraries.Export(lib, L, "cuMemcpyDtoH_v2");
        cuMemcpyDtoD = (delegate* unmanaged<ulong, ulong, nuint, int>)NativeLibraries.Export(lib, L, "cuMemcpyDtoD_v2");
        cuMemcpyPeer = (delegate* unmanaged<ulong, nint, ulong, nint, nuint, int>)NativeLibraries.Export(lib, L, "cuMemcpyPeer");
        cuMemsetD8 = (delegate* unmanaged<ulong, byte, nuint, int>)NativeLibraries.Export(lib, L, "cuMemsetD8_v2");
        cuMemsetD16 = (delegate* unmanaged<ulong, ushort, nuint, int>)NativeLibraries.Export(lib, L, "cuMemsetD16_v2");
        cuMemsetD32 = (delegate* unmanaged<ulong, uint, nuint, int>)NativeLibraries.Export(lib, L, "cuMemsetD32_v2");
        cuModuleLoadData = (delegate* unmanaged<nint*, void*, int>)NativeLibraries.Export(lib, L, "cuModuleLoadData");
        cuModuleGetFunction = (delegate* unmanaged<nint*, nint, byte*, int>)NativeLibraries.Export(lib, L, "cuModuleGetFunction");
        cuLaunchKernel = (delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int>)
            NativeLibraries.Export(lib, L, "cuLaunchKernel");
        cuGetErrorName = (delegate* unmanaged<int, byte**, int>)NativeLibraries.Export(lib, L, "cuGetErrorName");
        cuGetErrorString = (delegate* unmanaged<int, byte**, int>)NativeLibraries.Export(lib, L, "cuGetErrorString");
    }

    /// <summary>Binds the driver library, or returns null when it cannot be loaded (no NVIDIA driver installed).</summary>
    public static CudaDriverApi? TryLoad() => NativeLibraries.TryLoad(LibraryNames) is { } lib ? new CudaDriverApi(lib) : null;

    /// <summary>"CUDA error: {description}" as PyTorch words a failed driver call, with the CUresult's name.</summary>
    public string Describe(int result)
    {
        byte* name = null, text = null;
        var known = cuGetErrorName(result, &name) == Success;
        cuGetErrorString(result, &text);
        return known
            ? $"{NativeLibraries.Utf8(text)} ({NativeLibraries.Utf8(name)})"
            : $"unknown CUDA driver error {result}";
    }

    /// <summary>Throws PyTorch's "CUDA error: ..." for a failed call.</summary>
    public void Check(int result, string call)
    {
        if (result == Success) return;
        if (result == ErrorOutOfMemory)
            throw new OutOfMemoryException($"CUDA error: out of memory (in {call})");
        throw new InvalidOperationException($"CUDA error: {Describe(result)} (in {call})");
    }
}
