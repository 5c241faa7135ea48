using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu;

/// <summary>
/// Host memory for tensors: a pinned managed array, so kernels take raw pointers while the GC still accounts
/// for (and frees) the memory; no tensor ever needs Dispose to avoid running out of memory. Arrays come from
/// <see cref="BufferPool"/> (small storages share a pooled slab), so a training loop that allocates the same
/// sizes every step reuses memory that is already mapped instead of paying page faults for fresh pages.
/// </summary>
internal sealed unsafe class CpuStorage : Storage
{
    // Keeps the pinned array alive; the GC frees it (or the lease returns it to the pool) when the last tensor
    // viewing this storage is gone.
    private readonly byte[] array;
    private readonly BufferPool.Lease lease;

    /// <summary>Address of byte 0; stable because the array lives on the pinned object heap.</summary>
    public readonly byte* Pointer;

    public CpuStorage(long byteCount, bool zeroed)
        : base(byteCount)
    {
        if (byteCount > Array.MaxLength - BufferPool.AlignmentSlack)
            throw new OutOfMemoryException(
                $"CPU storage of {byteCount} bytes is larger than the largest managed array ({Array.MaxLength} bytes)");
        int offset;
        if (byteCount <= SmallSlab.MaxBytes) (array, offset, lease) = SmallSlab.Take(byteCount);
        else
        {
            // Data on a cache-line boundary: an array's data starts 16 bytes into the object, and a 64-byte vector
            // load or store that spans two lines costs two (a 16M-element float sum ran 25% slower misaligned).
            array = BufferPool.Rent(byteCount);
            offset = AlignmentOffset(array);
            lease = new BufferPool.Lease(array);
        }
        Pointer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array)) + offset;
        if (zeroed) new Span<byte>(Pointer, (int)byteCount).Clear();
    }

    /// <summary>Bytes from the start of a pinned array's data to its first 64-byte boundary.</summary>
    internal static int AlignmentOffset(byte[] pinned) =>
        (int)((64 - ((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)) & 63)) & 63);

    public override Device Device => Device.CPU;

    /// <summary>The bytes as a span (the first <see cref="Storage.ByteCount"/> of them).</summary>
    public Span<byte> Bytes => new(Pointer, checked((int)ByteCount));

    public override void CopyToHost(long byteOffset, Span<byte> destination) =>
        new ReadOnlySpan<byte>(Pointer + byteOffset, destination.Length).CopyTo(destination);

    public override void CopyFromHost(ReadOnlySpan<byte> source, long byteOffset) =>
        source.CopyTo(new Span<byte>(Pointer + byteOffset, source.Length));
}

/// <summary>
/// Small storages (scalars, biases, per-op temporaries) carved from per-thread pooled slabs: renting a buffer
/// costs far more than a bump of an offset, and small-tensor op overhead is dominated by it. Every storage carved
/// from a slab holds the slab's lease, so the slab goes back to the pool once none of them is alive.
/// </summary>
internal static unsafe class SmallSlab
{
    public const int MaxBytes = 2048;
    private const int SlabBytes = 32 << 10;
    [ThreadStatic] private static byte[]? slab;
    [ThreadStatic] private static BufferPool.Lease? slabLease;
    [ThreadStatic] private static int used;

    public static (byte[] Slab, int Offset, BufferPool.Lease Lease) Take(long byteCount)
    {
        // 64-byte aligned slots, at least one line so that empty tensors still get a valid pointer.
        var size = (int)((Math.Max(byteCount, 1) + 63) & ~63L);
        if (slab is null || slabLease is null || used + size > SlabBytes)
        {
            slab = BufferPool.Rent(SlabBytes);
            slabLease = new BufferPool.Lease(slab);
            used = CpuStorage.AlignmentOffset(slab);
        }
        var offset = used;
        used += size;
        return (slab, offset, slabLease);
    }
}

/// <summary>
/// A cache of pinned arrays by size class (sizes rounded up to eighths of a power of two, so at most 12.5%
/// is wasted). Arrays return when their storage is collected; the cache keeps at most a bounded number of bytes,
/// beyond which returned arrays are left to the GC. Pinned arrays live on the pinned object heap, which only a
/// full collection frees, and the leases that return them are collected only when small-object allocation
/// triggers a GC: so when the pool misses after <see cref="InducedCollectionBytes"/> were handed out since the
/// last collection, it asks for a gen-1 collection and waits for its finalizers, which return the dead storages'
/// arrays. Storages that lived through two collections (a large model's activations, kept for the backward pass
/// while the forward pass induces collections) are in gen 2 by the time they die, which a gen-1 collection does
/// not look at: a miss that the gen-1 collection did not cure, after <see cref="InducedFullCollectionBytes"/> since
/// the last full collection, asks for a full one. Without the collections a training step of tensors under 1 MB
/// (an MLP's) spends a third of its time zeroing fresh pages, and a ResNet-18 step over a tenth.
/// </summary>
internal static class BufferPool
{
    private const long InducedCollectionBytes = 32L << 20;
    private const long InducedFullCollectionBytes = 256L << 20;
    private static long rentedSinceFullCollection;
    private static int lastFullCollectionCount;
    private static readonly long Capacity = Math.Min(4L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);
    private static long rentedSinceCollection;
    private static int lastCollectionCount;
    // One queue per size class, indexed by (power of two, eighth): arrays are returned on the finalizer thread and
    // taken on the workers', which a queue serves without locks (a bag would steal across threads under a lock).
    private static readonly ConcurrentQueue<byte[]>?[] Free = new ConcurrentQueue<byte[]>?[64 * 8];
    private static long cachedBytes;

    public static long SizeClass(long bytes)
    {
        var e = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)bytes);
        var step = 1L << Math.Max(e - 3, 0);
        return (bytes + step - 1) / step * step;
    }

    // The queue index of a size class: its power of two and which eighth above it.
    private static int ClassIndex(long size)
    {
        var e = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)size);
        return e * 8 + (int)((size >> Math.Max(e - 3, 0)) & 7);
    }

    /// <summary>Bytes past its size class that every array has, so that its data can start on a cache line.</summary>
    public const int AlignmentSlack = 64;

    /// <summary>A pinned array of at least <paramref name="bytes"/> + <see cref="AlignmentSlack"/> bytes.</summary>
    public static byte[] Rent(long bytes)
    {
        var size = SizeClass(bytes);
        Interlocked.Add(ref rentedSinceCollection, size);
        Interlocked.Add(ref rentedSinceFullCollection, size);
        int index = ClassIndex(size);
        if (TryTake(index, out var a) || (MaybeCollect(1) && TryTake(index, out a)) || (MaybeCollect(2) && TryTake(index, out a)))
            return a;
        return GC.AllocateUninitializedArray<byte>((int)Math.Min(size + AlignmentSlack, Array.MaxLength), pinned: true);
    }

    private static bool TryTake(int index, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? a)
    {
        if (Free[index] is { } queue && queue.TryDequeue(out a))
        {
            Interlocked.Add(ref cachedBytes, -a.LongLength);
            return true;
        }
        a = null;
        return false;
    }

    // A miss after more than the generation's budget was handed out since its last collection (the GC's own or
    // ours): most of those storages are dead by now, and a collection sends their arrays back.
    private static bool MaybeCollect(int generation)
    {
        ref long rented = ref generation == 1 ? ref rentedSinceCollection : ref rentedSinceFullCollection;
        ref int last = ref generation == 1 ? ref lastCollectionCount : ref lastFullCollectionCount;
        int count = GC.CollectionCount(generation);
        if (count != Volatile.Read(ref last))
        {
            Volatile.Write(ref last, count);
            Interlocked.Exchange(ref rented, 0);
            return false;
        }
        if (Volatile.Read(ref rented) <= (generation == 1 ? InducedCollectionBytes : InducedFullCollectionBytes)) return false;
        Interlocked.Exchange(ref rented, 0);
        GC.Collect(generation, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        Volatile.Write(ref last, GC.CollectionCount(generation));
        return true;
    }

    private static void Return(byte[] a)
    {
        // Only arrays of a size class plus the slack (one capped at Array.MaxLength is left to the GC).
        long size = a.LongLength - AlignmentSlack;
        if (size != SizeClass(size)) return;
        if (Interlocked.Add(ref cachedBytes, a.LongLength) > Capacity)
        {
            Interlocked.Add(ref cachedBytes, -a.LongLength);
            return;
        }
        ref var queue = ref Free[ClassIndex(size)];
        if (queue is null) Interlocked.CompareExchange(ref queue, new ConcurrentQueue<byte[]>(), null);
        queue.Enqueue(a);
    }

    /// <summary>Gives the array back to the pool when the storage holding it is collected.</summary>
    public sealed class Lease(byte[] array)
    {
        ~Lease() => Return(array);
    }
}
