using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Backends.Cpu;

/// <summary>A generic action over a storage type and the type its values are compared and combined in.</summary>
internal interface IKeyVisitor
{
    /// <summary>TS is the storage type; TK is float for half types, byte for bool, TS otherwise.</summary>
    void Visit<TS, TK>() where TS : unmanaged where TK : unmanaged, INumber<TK>;
}

/// <summary>
/// The shared machinery of the lane primitives (scans, sorts, index reductions) over <see cref="DimLayout"/>: the
/// dtype dispatch to a comparable key type, the split of lanes over threads, and sorting and selection over
/// (key, index) entries specialised per comparison struct.
/// </summary>
internal static unsafe class Lanes
{
    public static void OnKey<TV>(DType dtype, ref TV v) where TV : struct, IKeyVisitor
    {
        switch (dtype)
        {
            case DType.Float32: v.Visit<float, float>(); break;
            case DType.Float64: v.Visit<double, double>(); break;
            case DType.Float16: v.Visit<Half, float>(); break;
            case DType.BFloat16: v.Visit<BFloat16, float>(); break;
            case DType.Int64: v.Visit<long, long>(); break;
            case DType.Int32: v.Visit<int, int>(); break;
            case DType.Int16: v.Visit<short, short>(); break;
            case DType.Int8: v.Visit<sbyte, sbyte>(); break;
            case DType.UInt8: v.Visit<byte, byte>(); break;
            default: v.Visit<bool, byte>(); break;
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>(begin, end) over ranges of lanes [0, layout.Lanes), split over threads when the
    /// lanes hold enough elements in all.
    /// </summary>
    public static void For(DimLayout layout, Action<long, long> body)
    {
        long lanes = layout.Lanes;
        if (lanes == 0) return;
        int threads = (int)Math.Min(Parallelism.ThreadsFor(lanes * Math.Max(layout.Size, 1)), lanes);
        if (threads <= 1)
        {
            body(0, lanes);
            return;
        }
        Parallelism.For(threads, (t, count) => body(lanes * t / count, lanes * (t + 1) / count));
    }

    /// <summary>
    /// Calls <paramref name="run"/>(o, i0, i1) for the runs of lanes in [begin, end) that share an outer index: their
    /// elements at one position along the dim are contiguous (i0 .. i1), so row-wise kernels can vectorise.
    /// </summary>
    public static void Runs(DimLayout layout, long begin, long end, Action<long, long, long> run)
    {
        long lane = begin;
        while (lane < end)
        {
            long o = lane / layout.Inner, i0 = lane % layout.Inner;
            long i1 = Math.Min(layout.Inner, i0 + (end - lane));
            run(o, i0, i1);
            lane += i1 - i0;
        }
    }

    /// <summary>The element offset of lane <paramref name="lane"/>'s first element; its elements step by Inner.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Start(DimLayout layout, long lane) =>
        lane / layout.Inner * layout.Size * layout.Inner + lane % layout.Inner;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNaN<T>(T v) where T : unmanaged, INumber<T> => T.IsNaN(v);

    /// <summary>Reads lane elements into entries (key, position).</summary>
    public static void Load<TS, TK>(TS* x, long stride, Span<Entry<TK>> e) where TS : unmanaged where TK : unmanaged
    {
        for (int k = 0; k < e.Length; k++) e[k] = new Entry<TK>(Cvt.To<TS, TK>(x[k * stride]), k);
    }

    /// <summary>
    /// Stable merge sort of entries by <typeparamref name="TLess"/> (insertion-sorted runs of 16, then merge passes
    /// between <paramref name="a"/> and <paramref name="tmp"/>); the result ends in <paramref name="a"/>.
    /// </summary>
    public static void MergeSort<T, TLess>(Span<Entry<T>> a, Span<Entry<T>> tmp, TLess less)
        where T : unmanaged where TLess : struct, ILess<T>
    {
        const int Run = 16;
        int n = a.Length;
        for (int s = 0; s < n; s += Run)
        {
            int e = Math.Min(s + Run, n);
            for (int i = s + 1; i < e; i++)
            {
                var v = a[i];
                int j = i - 1;
                while (j >= s && less.Less(v, a[j])) { a[j + 1] = a[j]; j--; }
                a[j + 1] = v;
            }
        }
        if (n <= Run) return;
        var src = a;
        var dst = tmp[..n];
        for (int width = Run; width < n; width *= 2)
        {
            for (int lo = 0; lo < n; lo += 2 * width)
            {
                int mid = Math.Min(lo + width, n), hi = Math.Min(lo + 2 * width, n);
                int i = lo, j = mid, k = lo;
                while (i < mid && j < hi) dst[k++] = less.Less(src[j], src[i]) ? src[j++] : src[i++];
                while (i < mid) dst[k++] = src[i++];
                while (j < hi) dst[k++] = src[j++];
            }
            var t = src;
            src = dst;
            dst = t;
        }
        if (src != a) src.CopyTo(a);
    }

    /// <summary>
    /// Moves the entry of rank <paramref name="k"/> under <typeparamref name="TGt"/> to position k, smaller ones before
    /// it and larger after: Sedgewick's quickselect with median-of-three pivots, the algorithm ATen uses, so that with
    /// ATen's comparison ties resolve to the same entries.
    /// </summary>
    public static void QuickSelect<T, TGt>(Span<Entry<T>> arr, long k, TGt gt)
        where T : unmanaged where TGt : struct, IGreater<T>
    {
        int L = 0, R = arr.Length - 1;
        while (true)
        {
            if (R <= L) return;
            if (R == L + 1)
            {
                if (gt.Greater(arr[L], arr[R])) Swap(arr, L, R);
                return;
            }
            int P = (L + R) >> 1;
            Swap(arr, P, L + 1);
            if (gt.Greater(arr[L + 1], arr[R])) Swap(arr, L + 1, R);
            if (gt.Greater(arr[L], arr[R])) Swap(arr, L, R);
            if (gt.Greater(arr[L + 1], arr[L])) Swap(arr, L + 1, L);
            int i = L + 1, j = R;
            var piv = arr[L];
            while (true)
            {
                do i++; while (gt.Greater(piv, arr[i]));
                do j--; while (gt.Greater(arr[j], piv));
                if (j < i) break;
                Swap(arr, i, j);
            }
            Swap(arr, L, j);
            if (j <= k) L = i;
            if (j >= k) R = j - 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap<T>(Span<Entry<T>> a, int i, int j) where T : unmanaged => (a[i], a[j]) = (a[j], a[i]);
}

/// <summary>A lane element and its position along the dim.</summary>
internal struct Entry<T>(T key, long index) where T : unmanaged
{
    public T Key = key;
    public long Index = index;
}

/// <summary>A strict ordering of entries, specialised per struct.</summary>
internal interface ILess<T> where T : unmanaged
{
    bool Less(Entry<T> a, Entry<T> b);
}

/// <summary>A "greater than" of entries for <see cref="Lanes.QuickSelect"/>.</summary>
internal interface IGreater<T> where T : unmanaged
{
    bool Greater(Entry<T> a, Entry<T> b);
}

/// <summary>Ascending by key, NaN above every number; a stable sort keeps equal keys in order.</summary>
internal readonly struct AscendingKey<T> : ILess<T> where T : unmanaged, INumber<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Less(Entry<T> a, Entry<T> b) => a.Key < b.Key || (T.IsNaN(b.Key) && !T.IsNaN(a.Key));
}

/// <summary>Descending by key, NaN above every number (so first).</summary>
internal readonly struct DescendingKey<T> : ILess<T> where T : unmanaged, INumber<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Less(Entry<T> a, Entry<T> b) => a.Key > b.Key || (T.IsNaN(a.Key) && !T.IsNaN(b.Key));
}

/// <summary>A total order: by key (ascending or descending, NaN above numbers), then by lower index.</summary>
internal readonly struct KeyThenIndex<T>(bool descending) : ILess<T>, IGreater<T> where T : unmanaged, INumber<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Less(Entry<T> a, Entry<T> b)
    {
        bool na = T.IsNaN(a.Key), nb = T.IsNaN(b.Key);
        if (na || nb)
        {
            if (na && nb) return a.Index < b.Index;
            return descending ? na : nb;
        }
        if (a.Key != b.Key) return descending ? a.Key > b.Key : a.Key < b.Key;
        return a.Index < b.Index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Greater(Entry<T> a, Entry<T> b) => Less(b, a);
}

/// <summary>ATen's <c>gt_or_nan</c> on keys only (kthvalue's comparison).</summary>
internal readonly struct GreaterOrNaN<T> : IGreater<T> where T : unmanaged, INumber<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Greater(Entry<T> a, Entry<T> b) => (T.IsNaN(a.Key) && !T.IsNaN(b.Key)) || a.Key > b.Key;
}
