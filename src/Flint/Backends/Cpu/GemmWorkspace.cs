using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu;

/// <summary>
/// Per-thread scratch memory for GEMM: packed panels and vector buffers. Each slot is a pinned managed array that
/// grows to the largest size asked of it and is then reused, so steady-state matrix products allocate nothing; the
/// GC frees the arrays with their thread. Pointers are aligned to 64 bytes (one cache line, one zmm load).
/// </summary>
internal static unsafe class GemmWorkspace
{
    public const int PackedA = 0, PackedB = 1, Vector = 2, Row = 3, Accumulator = 4, Output = 5, SharedB = 6;
    private const int Slots = 7;

    [ThreadStatic] private static byte[]?[]? arrays;
    [ThreadStatic] private static nint[]? aligned;

    /// <summary>
    /// A 64-byte-aligned buffer of at least <paramref name="count"/> elements plus at least 64 bytes of slack (packing may
    /// write one vector past its panels), private to this thread.
    /// </summary>
    public static T* Get<T>(int slot, long count) where T : unmanaged
    {
        arrays ??= new byte[]?[Slots];
        aligned ??= new nint[Slots];
        long bytes = Math.Max(count, 1) * sizeof(T) + 128;
        var arr = arrays[slot];
        if (arr is null || arr.LongLength < bytes)
        {
            if (bytes > Array.MaxLength)
                throw new OutOfMemoryException($"GEMM workspace of {bytes} bytes is larger than the largest managed array");
            // Grow geometrically so that a slowly growing sequence of shapes does not reallocate every call.
            long size = Math.Min(Array.MaxLength, Math.Max(bytes, (arr?.LongLength ?? 0) * 3 / 2));
            arr = GC.AllocateUninitializedArray<byte>((int)size, pinned: true);
            arrays[slot] = arr;
            var p = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(arr));
            aligned[slot] = (p + 63) & ~(nint)63;
        }
        return (T*)aligned[slot];
    }
}
