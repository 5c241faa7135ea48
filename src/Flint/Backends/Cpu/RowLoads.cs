using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// AVX-512 loads of the first n (at most 16) elements of a row of float32, at unit stride or every other element (a
/// stride-2 window's inputs), for kernels that ignore the lanes past n. Masked loads cost about three times plain ones
/// on the machine measured (Zen 5: ResNet's 3x3/2 max pool 7.3 -> 1.8 ms with plain loads), so these read whole vectors
/// and mask only where a vector would run past the end of the buffer; lanes past n hold whatever follows (zero there).
/// Also the store that interleaves a row's even and odd elements back together.
/// </summary>
internal static unsafe class RowLoads
{
    /// <summary>Lane indices 0, 2, ..., 30: the even elements of two vectors.</summary>
    internal static readonly Vector512<int> Even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);

    // Lane indices 0, 16, 1, 17, ..., 7, 23 (and 8, 24, ..., 15, 31): two vectors' first (second) halves interleaved.
    private static readonly Vector512<int> InterleaveLow = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    private static readonly Vector512<int> InterleaveHigh = InterleaveLow + Vector512.Create(8);

    /// <summary>
    /// The load masks of n elements at <paramref name="stride"/> 1 (the first n lanes of one vector) or 2 (the 2n - 1
    /// elements of two vectors whose even ones they are).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector512<float> Low, Vector512<float> High) Masks(int n, long stride) =>
        stride == 1
            ? (Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n)).AsSingle(), default)
            : (Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(2 * n - 1)).AsSingle(),
               Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(2 * n - 17)).AsSingle());

    /// <summary>The elements src[0], src[stride], ... (stride 1 or 2) with the masks of <see cref="Masks"/>, reading nothing at or past <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Load(float* src, long stride, Vector512<float> low, Vector512<float> high, float* end) =>
        stride == 1 ? First(src, low, end)
        : src + 32 <= end ? Avx512F.PermuteVar16x32x2(Vector512.Load(src), Even, Vector512.Load(src + 16))
        : Avx512F.PermuteVar16x32x2(Avx512F.MaskLoad(src, low, Vector512<float>.Zero), Even, Avx512F.MaskLoad(src + 16, high, Vector512<float>.Zero));

    /// <summary>src[0..16) where it ends before <paramref name="end"/>, else its lanes of <paramref name="mask"/> (zero elsewhere).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> First(float* src, Vector512<float> mask, float* end) =>
        src + 16 <= end ? Vector512.Load(src) : Avx512F.MaskLoad(src, mask, Vector512<float>.Zero);

    /// <summary>
    /// The even and odd elements of 32 values, interleaved and stored at <paramref name="d"/>, nothing at or past
    /// <paramref name="end"/>: the stride-2 backward kernels build their rows from even and odd halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreInterleaved(float* d, float* end, Vector512<float> even, Vector512<float> odd)
    {
        var first = Avx512F.PermuteVar16x32x2(even, InterleaveLow, odd);
        var second = Avx512F.PermuteVar16x32x2(even, InterleaveHigh, odd);
        long room = end - d;
        if (room >= 32)
        {
            first.Store(d);
            second.Store(d + 16);
            return;
        }
        Avx512F.MaskStore(d, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create((int)room)).AsSingle(), first);
        if (room > 16) Avx512F.MaskStore(d + 16, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create((int)room - 16)).AsSingle(), second);
    }
}
