using Flint.Backends.Cuda.Native;

namespace Flint.Backends.Cuda;

/// <summary>
/// The process's view of CUDA, found lazily: the driver (and its device count) the first time anything asks, the
/// toolkit libraries (NVRTC, cuBLAS) the first time availability is asked or a device is used. Nothing is loaded at
/// type load, so CPU-only programs never touch CUDA. Every failure becomes PyTorch's error for it, naming what was
/// looked for.
/// </summary>
internal static class CudaRuntime
{
    private sealed class DriverState
    {
        public CudaDriverApi? Api;
        public string? Error;
        public int Count;
        public CudaDevice?[] Devices = [];
    }

    private sealed class ToolkitState
    {
        public NvrtcApi? Nvrtc;
        public CublasApi? Cublas;
        public string? NvrtcError, CublasError;
    }

    private static readonly Lazy<DriverState> Driver = new(LoadDriver);
    private static readonly Lazy<ToolkitState> Toolkit = new(LoadToolkit);
    private static readonly Lock DeviceSync = new();

    /// <summary>PyTorch's message when the driver library cannot be loaded.</summary>
    public static readonly string NoDriverMessage =
        "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver from " +
        $"http://www.nvidia.com/Download/index.aspx (looked for {string.Join(", ", CudaDriverApi.LibraryNames)})";

    private static DriverState LoadDriver()
    {
        var s = new DriverState();
        CudaVisibleDevices.PublishToNativeEnvironment();
        CudaDriverApi? api;
        try
        {
            api = CudaDriverApi.TryLoad();
        }
        catch (InvalidOperationException e)
        {
            s.Error = e.Message;
            return s;
        }
        if (api is null)
        {
            s.Error = NoDriverMessage;
            return s;
        }
        s.Api = api;
        unsafe
        {
            var r = api.cuInit(0);
            if (r == CudaDriverApi.ErrorNoDevice) return s;
            if (r != CudaDriverApi.Success)
            {
                s.Error = $"CUDA driver initialization failed: {api.Describe(r)}";
                return s;
            }
            int count = 0;
            api.Check(api.cuDeviceGetCount(&count), "cuDeviceGetCount");
            s.Count = count;
            s.Devices = new CudaDevice?[count];
        }
        return s;
    }

    // A library that loads but lacks an entry point Flint needs is reported as too old, not thrown at every question.
    private static ToolkitState LoadToolkit()
    {
        var t = new ToolkitState();
        try
        {
            t.Nvrtc = NvrtcApi.TryLoad();
        }
        catch (InvalidOperationException e)
        {
            t.NvrtcError = e.Message;
        }
        try
        {
            t.Cublas = CublasApi.TryLoad();
        }
        catch (InvalidOperationException e)
        {
            t.CublasError = e.Message;
        }
        return t;
    }

    /// <summary>The number of visible devices; 0 without a driver (<c>torch.cuda.device_count()</c>, never throws).</summary>
    public static int DeviceCount => Driver.Value.Count;

    /// <summary>True when a device is visible and the driver, NVRTC and cuBLAS all load.</summary>
    public static bool IsAvailable => DeviceCount > 0 && Toolkit.Value is { Nvrtc: not null, Cublas: not null };

    /// <summary>True once the driver has been looked for (so asking memory statistics does not initialise CUDA).</summary>
    public static bool IsInitialized => Driver.IsValueCreated && Driver.Value.Count > 0;

    /// <summary>Why CUDA cannot be used, or null when it can.</summary>
    public static string? UnavailableReason()
    {
        var d = Driver.Value;
        if (d.Error is not null) return d.Error;
        if (d.Count == 0)
            return "No CUDA GPUs are available" + (CudaVisibleDevices.ExplainNoDevice() is { } why ? $" ({why})" : "");
        var t = Toolkit.Value;
        if (t.NvrtcError is not null) return t.NvrtcError;
        if (t.CublasError is not null) return t.CublasError;
        if (t.Nvrtc is null)
            return "CUDA kernels are compiled with NVRTC, but it could not be loaded (looked for " +
                   string.Join(", ", NvrtcApi.LibraryNames) + "); install the CUDA toolkit's NVRTC or add its folder to " +
                   (OperatingSystem.IsWindows() ? "PATH" : "LD_LIBRARY_PATH");
        if (t.Cublas is null)
            return "CUDA matrix products use cuBLAS, but it could not be loaded (looked for " +
                   string.Join(", ", CublasApi.LibraryNames) + "); install the CUDA toolkit's cuBLAS or add its folder to " +
                   (OperatingSystem.IsWindows() ? "PATH" : "LD_LIBRARY_PATH");
        return null;
    }

    /// <summary>Throws PyTorch's error unless CUDA is usable.</summary>
    public static void EnsureAvailable()
    {
        if (UnavailableReason() is { } reason) throw new InvalidOperationException(reason);
    }

    /// <summary>The driver API (CUDA must be usable).</summary>
    public static CudaDriverApi Api
    {
        get
        {
            EnsureAvailable();
            return Driver.Value.Api!;
        }
    }

    /// <summary>NVRTC (CUDA must be usable).</summary>
    public static NvrtcApi Nvrtc
    {
        get
        {
            EnsureAvailable();
            return Toolkit.Value.Nvrtc!;
        }
    }

    /// <summary>cuBLAS (CUDA must be usable).</summary>
    public static CublasApi Cublas
    {
        get
        {
            EnsureAvailable();
            return Toolkit.Value.Cublas!;
        }
    }

    /// <summary>NVRTC if it loads, whether or not a GPU is present (NVRTC compiles without one).</summary>
    public static NvrtcApi? NvrtcIfPresent => Toolkit.Value.Nvrtc;

    /// <summary>Device <paramref name="index"/>, its primary context retained on first use.</summary>
    public static CudaDevice Device(int index)
    {
        EnsureAvailable();
        var d = Driver.Value;
        if (index < 0 || index >= d.Count)
            throw new InvalidOperationException(
                $"CUDA error: invalid device ordinal (device {index} requested, {d.Count} visible)");
        if (d.Devices[index] is { } existing) return existing;
        lock (DeviceSync) return d.Devices[index] ??= new CudaDevice(d.Api!, index);
    }

    /// <summary>The devices made so far (for cache statistics and emptying without creating contexts).</summary>
    public static IEnumerable<CudaDevice> CreatedDevices()
    {
        if (!Driver.IsValueCreated) yield break;
        foreach (var d in Driver.Value.Devices)
            if (d is not null) yield return d;
    }

    /// <summary>The device if it was made already, else null (never initialises anything).</summary>
    public static CudaDevice? CreatedDevice(int index) =>
        Driver.IsValueCreated && index >= 0 && index < Driver.Value.Devices.Length ? Driver.Value.Devices[index] : null;
}
