using System.Text;
using Flint.Backends.Cuda.Native;

namespace Flint.Backends.Cuda;

/// <summary>
/// One visible GPU: its primary context (made current on the calling thread before every driver call, since CUDA
/// contexts are per thread), its properties, caching allocator, compiled kernels, cuBLAS handle and pinned staging
/// buffer. All work is issued on the context's legacy default stream, so kernels, copies and cuBLAS calls run in issue
/// order and a freed block can be reused by the next allocation without waiting.
/// </summary>
internal sealed unsafe class CudaDevice : IDeviceMemory
{
    /// <summary>Copies at least this large go through the pinned staging buffer.</summary>
    private const int StagingThreshold = 64 << 10;
    private const int StagingBytes = 4 << 20;

    [ThreadStatic] private static nint currentContext;

    private readonly CudaDriverApi api;
    private readonly int handle;
    private readonly Lock stagingSync = new();
    private readonly Lock blasSync = new();
    private byte* staging;
    private nint blas;

    /// <summary>The ordinal among visible devices.</summary>
    public int Index { get; }

    /// <summary>The primary context.</summary>
    public nint Context { get; }

    /// <summary>The product name (<c>torch.cuda.get_device_name</c>).</summary>
    public string Name { get; }

    /// <summary>Compute capability, e.g. (9, 0) for an H100.</summary>
    public (int Major, int Minor) Capability { get; }

    /// <summary>Number of streaming multiprocessors (sizes kernel grids).</summary>
    public int MultiprocessorCount { get; }

    /// <summary>Total device memory in bytes.</summary>
    public long TotalMemory { get; }

    /// <summary>The device's caching allocator.</summary>
    public CachingAllocator Allocator { get; }

    /// <summary>Kernels compiled for this device.</summary>
    public KernelCache Kernels { get; }

    /// <summary>True when CUDA_LAUNCH_BLOCKING=1: every launch is waited for, so errors surface where they happen.</summary>
    private static readonly bool LaunchBlocking = Environment.GetEnvironmentVariable("CUDA_LAUNCH_BLOCKING") == "1";

    public CudaDevice(CudaDriverApi api, int index)
    {
        this.api = api;
        Index = index;
        int dev, major = 0, minor = 0, sms = 0;
        api.Check(api.cuDeviceGet(&dev, index), "cuDeviceGet");
        handle = dev;
        var name = stackalloc byte[256];
        api.Check(api.cuDeviceGetName(name, 256, dev), "cuDeviceGetName");
        Name = NativeLibraries.Utf8(name);
        api.Check(api.cuDeviceGetAttribute(&major, CudaDriverApi.AttributeComputeCapabilityMajor, dev), "cuDeviceGetAttribute");
        api.Check(api.cuDeviceGetAttribute(&minor, CudaDriverApi.AttributeComputeCapabilityMinor, dev), "cuDeviceGetAttribute");
        api.Check(api.cuDeviceGetAttribute(&sms, CudaDriverApi.AttributeMultiprocessorCount, dev), "cuDeviceGetAttribute");
        Capability = (major, minor);
        MultiprocessorCount = sms;
        nuint total;
        api.Check(api.cuDeviceTotalMem(&total, dev), "cuDeviceTotalMem");
        TotalMemory = (long)total;
        nint ctx;
        api.Check(api.cuDevicePrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
        Context = ctx;
        Allocator = new CachingAllocator(this);
        Kernels = new KernelCache(this);
    }

    /// <summary>The driver API.</summary>
    public CudaDriverApi Api => api;

    /// <summary>The flint device for tensors stored here.</summary>
    public Device Device => new(DeviceType.Cuda, Index);

    /// <summary>Makes this device's context current on the calling thread.</summary>
    public void MakeCurrent()
    {
        if (currentContext == Context) return;
        api.Check(api.cuCtxSetCurrent(Context), "cuCtxSetCurrent");
        currentContext = Context;
    }

    /// <summary>Waits for all work queued on the device (<c>torch.cuda.synchronize</c>).</summary>
    public void Synchronize()
    {
        MakeCurrent();
        api.Check(api.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    int IDeviceMemory.DeviceIndex => Index;

    ulong IDeviceMemory.Allocate(long bytes)
    {
        MakeCurrent();
        ulong p;
        var r = api.cuMemAlloc(&p, (nuint)bytes);
        if (r == CudaDriverApi.ErrorOutOfMemory) return 0;
        api.Check(r, "cuMemAlloc");
        return p;
    }

    void IDeviceMemory.Free(ulong pointer)
    {
        MakeCurrent();
        api.Check(api.cuMemFree(pointer), "cuMemFree");
    }

    (long Free, long Total) IDeviceMemory.MemoryInfo()
    {
        MakeCurrent();
        nuint free, total;
        api.Check(api.cuMemGetInfo(&free, &total), "cuMemGetInfo");
        return ((long)free, (long)total);
    }

    /// <summary>Launches a kernel on the legacy default stream with a 1-D grid.</summary>
    public void Launch(nint function, uint grid, uint block, uint sharedBytes, void** args)
    {
        MakeCurrent();
        api.Check(api.cuLaunchKernel(function, grid, 1, 1, block, 1, 1, sharedBytes, 0, args, null), "cuLaunchKernel");
        if (LaunchBlocking) api.Check(api.cuCtxSynchronize(), "cuCtxSynchronize after kernel launch");
    }

    /// <summary>Copies host bytes to device memory (synchronously), large copies through pinned staging.</summary>
    public void CopyToDevice(ulong destination, ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty) return;
        MakeCurrent();
        if (source.Length < StagingThreshold)
        {
            fixed (byte* p = source) api.Check(api.cuMemcpyHtoD(destination, p, (nuint)source.Length), "cuMemcpyHtoD");
            return;
        }
        lock (stagingSync)
        {
            var stage = Staging();
            for (int off = 0; off < source.Length; off += StagingBytes)
            {
                int n = Math.Min(StagingBytes, source.Length - off);
                source.Slice(off, n).CopyTo(new Span<byte>(stage, n));
                api.Check(api.cuMemcpyHtoD(destination + (ulong)off, stage, (nuint)n), "cuMemcpyHtoD");
            }
        }
    }

    /// <summary>Copies device memory to host bytes (synchronously, after the work queued before it).</summary>
    public void CopyToHost(ulong source, Span<byte> destination)
    {
        if (destination.IsEmpty) return;
        MakeCurrent();
        if (destination.Length < StagingThreshold)
        {
            fixed (byte* p = destination) api.Check(api.cuMemcpyDtoH(p, source, (nuint)destination.Length), "cuMemcpyDtoH");
            return;
        }
        lock (stagingSync)
        {
            var stage = Staging();
            for (int off = 0; off < destination.Length; off += StagingBytes)
            {
                int n = Math.Min(StagingBytes, destination.Length - off);
                api.Check(api.cuMemcpyDtoH(stage, source + (ulong)off, (nuint)n), "cuMemcpyDtoH");
                new ReadOnlySpan<byte>(stage, n).CopyTo(destination.Slice(off, n));
            }
        }
    }

    /// <summary>Copies between two allocations of this device.</summary>
    public void CopyOnDevice(ulong destination, ulong source, long bytes)
    {
        if (bytes == 0) return;
        MakeCurrent();
        api.Check(api.cuMemcpyDtoD(destination, source, (nuint)bytes), "cuMemcpyDtoD");
    }

    /// <summary>Copies from another device's memory into this device's.</summary>
    public void CopyFromPeer(ulong destination, CudaDevice sourceDevice, ulong source, long bytes)
    {
        if (bytes == 0) return;
        MakeCurrent();
        api.Check(api.cuMemcpyPeer(destination, Context, source, sourceDevice.Context, (nuint)bytes), "cuMemcpyPeer");
    }

    /// <summary>Sets <paramref name="count"/> elements of 1, 2 or 4 bytes to a bit pattern.</summary>
    public void Memset(ulong destination, int elementSize, uint bits, long count)
    {
        if (count == 0) return;
        MakeCurrent();
        switch (elementSize)
        {
            case 1: api.Check(api.cuMemsetD8(destination, (byte)bits, (nuint)count), "cuMemsetD8"); break;
            case 2: api.Check(api.cuMemsetD16(destination, (ushort)bits, (nuint)count), "cuMemsetD16"); break;
            case 4: api.Check(api.cuMemsetD32(destination, bits, (nuint)count), "cuMemsetD32"); break;
            default: throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize, "memset takes 1, 2 or 4 byte elements");
        }
    }

    // The pinned staging buffer, allocated on first large copy and kept for the process's life.
    private byte* Staging()
    {
        if (staging is null)
        {
            void* p;
            api.Check(api.cuMemAllocHost(&p, StagingBytes), "cuMemAllocHost");
            staging = (byte*)p;
        }
        return staging;
    }

    /// <summary>Runs a cuBLAS call with this device's handle (made on first use), one call at a time.</summary>
    public void WithBlas(Action<nint> call)
    {
        lock (blasSync)
        {
            MakeCurrent();
            if (blas == 0)
            {
                nint h;
                CublasApi.Check(CudaRuntime.Cublas.cublasCreate(&h), "cublasCreate");
                blas = h;
            }
            call(blas);
        }
    }

    /// <summary>A kernel function from a loaded module image (CUBIN or PTX).</summary>
    public (nint Module, nint Function) LoadFunction(byte[] image, string name)
    {
        MakeCurrent();
        nint module, function;
        fixed (byte* p = image) api.Check(api.cuModuleLoadData(&module, p), "cuModuleLoadData");
        var utf8 = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* n = utf8) api.Check(api.cuModuleGetFunction(&function, module, n), "cuModuleGetFunction");
        return (module, function);
    }

    /// <summary>"sm_90"-style name of the device's architecture.</summary>
    public int Architecture => Capability.Major * 10 + Capability.Minor;
}
