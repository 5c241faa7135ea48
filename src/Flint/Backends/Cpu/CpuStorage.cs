using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu;

/// <summary>
/// Host memory for tensors: a pinned managed array, so kernels take raw pointers while the GC still accounts
/// for (and frees) the memory; no tensor ever needs Dispose to avoid running out of memory.
/// </summary>
internal sealed unsafe class CpuStorage : Storage
{
    // Keeps the pinned array alive; the GC frees it when the last tensor viewing it is gone.
    private readonly byte[] array;

    /// <summary>Address of byte 0; stable because the array lives on the pinned object heap.</summary>
    public readonly byte* Pointer;

    public CpuStorage(long byteCount, bool zeroed)
        : base(byteCount)
    {
        if (byteCount > Array.MaxLength)
            throw new OutOfMemoryException(
                $"CPU storage of {byteCount} bytes is larger than the largest managed array ({Array.MaxLength} bytes)");
        // Always allocate at least one 64-byte line so that the pointer is valid and vector loads near
        // the end of small storages stay inside the array.
        var n = (int)Math.Max(byteCount, 64);
        array = zeroed ? GC.AllocateArray<byte>(n, pinned: true) : GC.AllocateUninitializedArray<byte>(n, pinned: true);
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
