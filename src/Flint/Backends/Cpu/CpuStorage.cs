using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu;

/// <summary>
/// Host memory for tensors: a pinned managed array, so kernels take raw pointers while the GC still accounts
/// for (and frees) the memory; no tensor ever needs Dispose to avoid running out of memory. Large arrays come
/// from <see cref="BufferPool"/>, so a training loop that allocates the same sizes every step reuses memory that
/// is already mapped instead of paying page faults for fresh pages.
/// </summary>
internal sealed unsafe class CpuStorage : Storage
{
    // Keeps the pinned array alive; the GC frees it (or the lease returns it to the pool) when the last tensor
    // viewing this storage is gone.
    private readonly byte[] array;
    private readonly BufferPool.Lease? lease;

    /// <summary>Address of byte 0; stable because the array lives on the pinned object heap.</summary>
    public readonly byte* Pointer;

    public CpuStorage(long byteCount, bool zeroed)
        : base(byteCount)
    {
        if (byteCount > Array.MaxLength)
            throw new OutOfMemoryException(
                $"CPU storage of {byteCount} bytes is larger than the largest managed array ({Array.MaxLength} bytes)");
        if (byteCount >= BufferPool.MinBytes)
        {
            array = BufferPool.Rent(byteCount);
            lease = new BufferPool.Lease(array);
            if (zeroed) Array.Clear(array, 0, (int)byteCount);
        }
        else if (byteCount <= SmallSlab.MaxBytes)
        {
            (array, var offset) = SmallSlab.Take(byteCount);
            Pointer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array)) + offset;
            if (zeroed) new Span<byte>(Pointer, (int)byteCount).Clear();
            return;
        }
        else
        {
            array = zeroed
                ? GC.AllocateArray<byte>((int)byteCount, pinned: true)
                : GC.AllocateUninitializedArray<byte>((int)byteCount, pinned: true);
        }
        Pointer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
    }

    public override Device Device => Device.CPU;

    /// <summary>The bytes as a span (the first <see cref="Storage.ByteCount"/> of them).</summary>
    public Span<byte> Bytes => new(Pointer, checked((int)ByteCount));

    public override void CopyToHost(long byteOffset, Span<byte> destination) =>
        new ReadOnlySpan<byte>(Pointer + byteOffset, destination.Length).CopyTo(destination);

    public override void CopyFromHost(ReadOnlySpan<byte> source, long byteOffset) =>
        source.CopyTo(new Span<byte>(Pointer + byteOffset, source.Length));
}

/// <summary>
/// Small storages (scalars, biases, per-op temporaries) carved from per-thread pinned slabs: a pinned allocation
/// costs far more than a bump of an offset, and small-tensor op overhead is dominated by it. A slab is freed by the
/// GC once no storage carved from it is alive.
/// </summary>
internal static unsafe class SmallSlab
{
    public const int MaxBytes = 2048;
    private const int SlabBytes = 32 << 10;
    [ThreadStatic] private static byte[]? slab;
    [ThreadStatic] private static int used;

    public static (byte[] Slab, int Offset) Take(long byteCount)
    {
        // 64-byte aligned slots, at least one line so that empty tensors still get a valid pointer.
        var size = (int)((Math.Max(byteCount, 1) + 63) & ~63L);
        if (slab is null || used + size > SlabBytes)
        {
            slab = GC.AllocateUninitializedArray<byte>(SlabBytes + 64, pinned: true);
            // Start on a 64-byte boundary of the pinned array.
            used = (int)((64 - ((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(slab)) & 63)) & 63);
        }
        var offset = used;
        used += size;
        return (slab, offset);
    }
}

/// <summary>
/// A cache of large pinned arrays by size class (sizes rounded up to eighths of a power of two, so at most 12.5%
/// is wasted). Arrays return when their storage is collected; the cache keeps at most a bounded number of bytes,
/// beyond which returned arrays are left to the GC.
/// </summary>
internal static class BufferPool
{
    public const long MinBytes = 1 << 20;
    private static readonly long Capacity = Math.Min(4L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);
    private static readonly ConcurrentDictionary<long, ConcurrentBag<byte[]>> Free = new();
    private static long cachedBytes;

    public static long SizeClass(long bytes)
    {
        var e = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)bytes);
        var step = 1L << Math.Max(e - 3, 0);
        return (bytes + step - 1) / step * step;
    }

    public static byte[] Rent(long bytes)
    {
        var size = SizeClass(bytes);
        if (Free.TryGetValue(size, out var bag) && bag.TryTake(out var a))
        {
            Interlocked.Add(ref cachedBytes, -a.LongLength);
            return a;
        }
        return GC.AllocateUninitializedArray<byte>((int)Math.Min(size, Array.MaxLength), pinned: true);
    }

    private static void Return(byte[] a)
    {
        if (Interlocked.Add(ref cachedBytes, a.LongLength) > Capacity)
        {
            Interlocked.Add(ref cachedBytes, -a.LongLength);
            return;
        }
        Free.GetOrAdd(a.LongLength, _ => new ConcurrentBag<byte[]>()).Add(a);
    }

    /// <summary>Gives the array back to the pool when the storage holding it is collected.</summary>
    public sealed class Lease(byte[] array)
    {
        ~Lease() => Return(array);
    }
}
