using System.Numerics;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cuda;

/// <summary>Raw device memory under the caching allocator: the driver's cuMemAlloc / cuMemFree for one device.</summary>
internal interface IDeviceMemory
{
    /// <summary>The device ordinal (for messages).</summary>
    int DeviceIndex { get; }

    /// <summary>Allocates <paramref name="bytes"/> bytes; 0 when the device is out of memory.</summary>
    ulong Allocate(long bytes);

    /// <summary>Returns an allocation to the driver.</summary>
    void Free(ulong pointer);

    /// <summary>Free and total bytes of the device, as the driver reports them.</summary>
    (long Free, long Total) MemoryInfo();
}

/// <summary>
/// A caching allocator in the spirit of PyTorch's CUDACachingAllocator: device memory freed by a tensor goes to a
/// per-device free list keyed by its size class instead of back to the driver, so a training loop that allocates the
/// same sizes every step stops calling cuMemAlloc (which is slow and synchronising) after its first step. Sizes round
/// up to 512 bytes below 1 MiB and to eighths of a power of two above (at most 12.5% wasted); a block is reused only
/// for its own size class. When the device is out of memory, tensors the GC has not collected yet are collected
/// (their blocks return here), then every cached block is released to the driver before giving up with PyTorch's
/// "CUDA out of memory" error. Blocks return from SafeHandle release, on the finalizer thread, with no driver call.
/// </summary>
internal sealed class CachingAllocator(IDeviceMemory memory)
{
    /// <summary>Granularity of small blocks (PyTorch's kMinBlockSize).</summary>
    public const long MinBlock = 512;

    /// <summary>Blocks up to this size round to <see cref="MinBlock"/>; larger ones to eighths of a power of two.</summary>
    public const long SmallLimit = 1 << 20;

    private readonly Lock sync = new();
    private readonly Dictionary<long, Stack<ulong>> free = [];
    private long allocated, reserved, peakAllocated;

    /// <summary>Bytes held by live tensors (<c>torch.cuda.memory_allocated</c>), counted in size classes.</summary>
    public long Allocated { get { lock (sync) return allocated; } }

    /// <summary>Bytes taken from the driver, cached or in use (<c>torch.cuda.memory_reserved</c>).</summary>
    public long Reserved { get { lock (sync) return reserved; } }

    /// <summary>The highest <see cref="Allocated"/> since start or the last reset (<c>torch.cuda.max_memory_allocated</c>).</summary>
    public long PeakAllocated { get { lock (sync) return peakAllocated; } }

    /// <summary>The size class of a request: 512-byte steps up to 1 MiB, eighths of a power of two above.</summary>
    public static long SizeClass(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes <= SmallLimit) return Math.Max(MinBlock, (bytes + MinBlock - 1) / MinBlock * MinBlock);
        var step = 1L << (63 - BitOperations.LeadingZeroCount((ulong)(bytes - 1)) - 3);
        return (bytes + step - 1) / step * step;
    }

    /// <summary>A block of at least <paramref name="bytes"/> bytes, owned by the returned handle.</summary>
    public DeviceBlock Allocate(long bytes)
    {
        var size = SizeClass(bytes);
        var pointer = TakeCached(size);
        if (pointer == 0) pointer = AllocateFresh(size);
        if (pointer == 0)
        {
            // Out of memory: blocks of tensors that are unreachable but not yet collected come back first.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            pointer = TakeCached(size);
            if (pointer == 0)
            {
                EmptyCache();
                pointer = AllocateFresh(size);
                if (pointer == 0) throw OutOfMemory(size);
            }
        }
        lock (sync)
        {
            allocated += size;
            peakAllocated = Math.Max(peakAllocated, allocated);
        }
        return new DeviceBlock(this, pointer, size);
    }

    private ulong AllocateFresh(long size)
    {
        var p = memory.Allocate(size);
        if (p != 0)
            lock (sync) reserved += size;
        return p;
    }

    private ulong TakeCached(long size)
    {
        lock (sync) return free.TryGetValue(size, out var stack) && stack.Count > 0 ? stack.Pop() : 0;
    }

    /// <summary>Gives a block back to its free list (called when its handle is released).</summary>
    internal void Return(ulong pointer, long size)
    {
        lock (sync)
        {
            allocated -= size;
            if (!free.TryGetValue(size, out var stack)) free[size] = stack = new Stack<ulong>();
            stack.Push(pointer);
        }
    }

    /// <summary>Releases every cached block to the driver (<c>torch.cuda.empty_cache</c>); blocks in use stay.</summary>
    public void EmptyCache()
    {
        List<(ulong, long)> release = [];
        lock (sync)
        {
            foreach (var (size, stack) in free)
                while (stack.Count > 0) release.Add((stack.Pop(), size));
            free.Clear();
        }
        foreach (var (p, size) in release)
        {
            memory.Free(p);
            lock (sync) reserved -= size;
        }
    }

    /// <summary>Resets <see cref="PeakAllocated"/> to the current <see cref="Allocated"/> (<c>reset_peak_memory_stats</c>).</summary>
    public void ResetPeak()
    {
        lock (sync) peakAllocated = allocated;
    }

    /// <summary>Bytes in the free lists.</summary>
    public long Cached
    {
        get
        {
            lock (sync)
            {
                long n = 0;
                foreach (var (size, stack) in free) n += size * stack.Count;
                return n;
            }
        }
    }

    private OutOfMemoryException OutOfMemory(long size)
    {
        var (freeBytes, total) = memory.MemoryInfo();
        return new OutOfMemoryException(
            $"CUDA out of memory. Tried to allocate {Format(size)} (GPU {memory.DeviceIndex}; {Format(total)} total capacity; " +
            $"{Format(Allocated)} already allocated; {Format(freeBytes)} free; {Format(Reserved)} reserved in total by Flint)");
    }

    /// <summary>Bytes as PyTorch's out-of-memory message prints them ("20.00 MiB", "1.50 GiB").</summary>
    public static string Format(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1 << 20 => $"{bytes / 1024.0:F2} KiB",
        < 1 << 30 => $"{bytes / (double)(1 << 20):F2} MiB",
        _ => $"{bytes / (double)(1 << 30):F2} GiB",
    };
}

/// <summary>
/// Ownership of one block of device memory: when the last tensor viewing it is gone, the GC runs this handle's
/// release, which returns the block to its allocator's cache. The block's size is added to the GC's memory pressure
/// while it lives, so allocating many device tensors makes the GC collect dead ones sooner.
/// </summary>
internal sealed class DeviceBlock : SafeHandle
{
    private readonly CachingAllocator owner;

    /// <summary>Bytes in the block (its size class).</summary>
    public long Size { get; }

    public DeviceBlock(CachingAllocator owner, ulong pointer, long size)
        : base(0, ownsHandle: true)
    {
        this.owner = owner;
        Size = size;
        SetHandle((nint)pointer);
        GC.AddMemoryPressure(size);
    }

    /// <summary>The device address of byte 0.</summary>
    public ulong Pointer => (ulong)handle;

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        owner.Return((ulong)handle, Size);
        GC.RemoveMemoryPressure(Size);
        return true;
    }
}
