using System.Collections.Concurrent;
using Flint.Backends.Cuda;

namespace Flint;

/// <summary>
/// <c>torch.cuda</c>: whether CUDA can be used, the visible devices and the current one, synchronisation, the
/// per-device random generators and the caching allocator's statistics. Nothing here loads CUDA until it is asked
/// something only CUDA can answer; without CUDA, <see cref="IsAvailable"/> is false, <see cref="DeviceCount"/> is 0,
/// the memory statistics are 0, seeding is remembered, and the calls that need a device throw PyTorch's error
/// ("Found no NVIDIA driver on your system..." or "No CUDA GPUs are available"). Devices are the ones the driver
/// exposes, so <c>CUDA_VISIBLE_DEVICES</c> selects and orders them (set it before CUDA is first used; setting it with
/// <c>Environment.SetEnvironmentVariable</c> works).
/// </summary>
public static class Cuda
{
    [ThreadStatic] private static int currentDevice;
    private static readonly ConcurrentDictionary<int, Generator> Generators = new();
    private static long? seedAll;

    /// <summary>True when a CUDA device can be used: a driver, a visible GPU, NVRTC and cuBLAS (<c>torch.cuda.is_available()</c>).</summary>
    public static bool IsAvailable() => CudaRuntime.IsAvailable;

    /// <summary>The number of visible GPUs, 0 without a driver (<c>torch.cuda.device_count()</c>).</summary>
    public static int DeviceCount() => CudaRuntime.DeviceCount;

    /// <summary>True once CUDA has been initialised in this process (<c>torch.cuda.is_initialized()</c>).</summary>
    public static bool IsInitialized() => CudaRuntime.IsInitialized && CudaRuntime.CreatedDevices().Any();

    /// <summary>The index of the current device of this thread; 0 until <see cref="SetDevice(int)"/> (<c>torch.cuda.current_device()</c>).</summary>
    public static int CurrentDevice()
    {
        CudaRuntime.EnsureAvailable();
        return currentDevice;
    }

    /// <summary>
    /// Makes <paramref name="device"/> the current device of this thread: where "cuda" tensors are made
    /// (<c>torch.cuda.set_device(device)</c>). A negative index is ignored, as in PyTorch.
    /// </summary>
    public static void SetDevice(int device)
    {
        if (device < 0) return;
        CudaRuntime.Device(device);
        currentDevice = device;
    }

    /// <summary>Makes a CUDA device current (<c>torch.cuda.set_device(torch.device("cuda:1"))</c>).</summary>
    public static void SetDevice(Device device) => SetDevice(Index(device));

    /// <summary>The product name of a device, the current one by default (<c>torch.cuda.get_device_name()</c>).</summary>
    public static string GetDeviceName(int? device = null) => Resolve(device).Name;

    /// <summary>The product name of a device (<c>torch.cuda.get_device_name(torch.device("cuda:0"))</c>).</summary>
    public static string GetDeviceName(Device device) => GetDeviceName(Index(device));

    /// <summary>The compute capability (major, minor) of a device (<c>torch.cuda.get_device_capability()</c>).</summary>
    public static (int Major, int Minor) GetDeviceCapability(int? device = null) => Resolve(device).Capability;

    /// <summary>Total memory of a device in bytes (<c>torch.cuda.get_device_properties(d).total_memory</c>).</summary>
    public static long GetTotalMemory(int? device = null) => Resolve(device).TotalMemory;

    /// <summary>Waits until all work queued on a device has finished (<c>torch.cuda.synchronize()</c>).</summary>
    public static void Synchronize(int? device = null) => Resolve(device).Synchronize();

    /// <summary>
    /// Seeds the random generator of the current device (<c>torch.cuda.manual_seed(seed)</c>). CUDA tensors are filled
    /// from per-device generators of the same kind as the CPU's (values are drawn on the host and copied), so a seed
    /// makes CUDA random tensors reproducible; their values differ from PyTorch's CUDA generator (Philox).
    /// </summary>
    public static void ManualSeed(long seed) => GeneratorFor(currentDevice).ManualSeed(seed);

    /// <summary>Seeds the generators of all devices (<c>torch.cuda.manual_seed_all(seed)</c>); <c>Torch.ManualSeed</c> does this too.</summary>
    public static void ManualSeedAll(long seed)
    {
        seedAll = seed;
        foreach (var g in Generators.Values) g.ManualSeed(seed);
    }

    /// <summary>The seed of the current device's generator (<c>torch.cuda.initial_seed()</c>).</summary>
    public static ulong InitialSeed() => GeneratorFor(CurrentDevice()).InitialSeed();

    /// <summary>The default generator of a device (<c>torch.cuda.default_generators[i]</c>).</summary>
    public static Generator DefaultGenerator(int device) => GeneratorFor(device);

    /// <summary>
    /// Releases the blocks the caching allocator holds unused back to the driver, so other processes can use them
    /// (<c>torch.cuda.empty_cache()</c>); tensors that are unreachable but not yet collected are collected first.
    /// Does nothing if CUDA was never used.
    /// </summary>
    public static void EmptyCache()
    {
        if (!CudaRuntime.IsInitialized) return;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        foreach (var d in CudaRuntime.CreatedDevices()) d.Allocator.EmptyCache();
    }

    /// <summary>Bytes held by tensors on a device (<c>torch.cuda.memory_allocated()</c>); 0 if CUDA was never used.</summary>
    public static long MemoryAllocated(int? device = null) => Stat(device, a => a.Allocated);

    /// <summary>Bytes the caching allocator holds on a device, used or cached (<c>torch.cuda.memory_reserved()</c>).</summary>
    public static long MemoryReserved(int? device = null) => Stat(device, a => a.Reserved);

    /// <summary>The peak of <see cref="MemoryAllocated"/> (<c>torch.cuda.max_memory_allocated()</c>).</summary>
    public static long MaxMemoryAllocated(int? device = null) => Stat(device, a => a.PeakAllocated);

    /// <summary>Starts peak tracking anew (<c>torch.cuda.reset_peak_memory_stats()</c>).</summary>
    public static void ResetPeakMemoryStats(int? device = null)
    {
        if (CudaRuntime.CreatedDevice(device ?? currentDevice) is { } d) d.Allocator.ResetPeak();
    }

    private static long Stat(int? device, Func<CachingAllocator, long> read) =>
        CudaRuntime.CreatedDevice(device ?? currentDevice) is { } d ? read(d.Allocator) : 0;

    private static CudaDevice Resolve(int? device) => CudaRuntime.Device(device ?? CurrentDevice());

    private static int Index(Device device)
    {
        if (!device.IsCuda) throw new ArgumentException($"Expected a cuda device, but got: {device}");
        return device.Index < 0 ? CurrentDevice() : device.Index;
    }

    private static Generator GeneratorFor(int device) => Generators.GetOrAdd(device, _ =>
    {
        var g = new Generator();
        if (seedAll is { } s) g.ManualSeed(s);
        return g;
    });

    /// <summary>The generator random functions use for a device when none is given: the CPU's, or the CUDA device's.</summary>
    internal static Generator DefaultGeneratorFor(Device device) =>
        device.IsCpu ? Generator.Default : GeneratorFor(device.Index < 0 ? currentDevice : device.Index);

    /// <summary>The device a tensor made "on" <paramref name="device"/> lives on: "cuda" is the current device.</summary>
    internal static Device Concrete(Device device) =>
        device.IsCuda ? (device.Index < 0 ? new Device(DeviceType.Cuda, currentDevice) : device) : Device.CPU;
}
