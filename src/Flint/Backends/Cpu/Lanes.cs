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
/// dtype dispatch to a comparable type, the split of lanes over threads, order-preserving integer keys, and sorting
/// and selection over (key, index) entries specialised per comparison struct.
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

    /// <summary>
    /// An order-preserving unsigned key for a value: comparing keys as integers orders the values ascending, with
    /// every NaN equal to every other and above all numbers, and -0 equal to +0 (as ATen's comparisons see them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Key<TS>(TS v) where TS : unmanaged
    {
        if (typeof(TS) == typeof(double))
        {
            double d = Cvt.ToDouble(v);
            if (double.IsNaN(d)) return ulong.MaxValue;
            ulong b = BitConverter.DoubleToUInt64Bits(d == 0 ? 0.0 : d);
            // Negative: all bits flipped; positive: the sign bit set. Without a branch on the sign, which random data
            // mispredicts half the time (topk over 4096 rows of 1024 floats: 16 -> 6.7 ms).
            return b ^ ((ulong)((long)b >> 63) | 0x8000_0000_0000_0000UL);
        }
        if (typeof(TS) == typeof(long)) return (ulong)Cvt.ToLong(v) ^ 0x8000_0000_0000_0000UL;
        return Key32(v);
    }

    /// <summary>The order-preserving key of a value whose type is at most 32 bits wide, as a uint.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Key32<TS>(TS v) where TS : unmanaged
    {
        if (Cvt.IsFloat<TS>())
        {
            float f = Cvt.ToFloat(v);
            if (float.IsNaN(f)) return uint.MaxValue;
            uint b = BitConverter.SingleToUInt32Bits(f == 0 ? 0f : f);
            return b ^ ((uint)((int)b >> 31) | 0x8000_0000u);
        }
        if (typeof(TS) == typeof(byte) || typeof(TS) == typeof(bool)) return (uint)Cvt.ToLong(v);
        return (uint)(int)Cvt.ToLong(v) ^ 0x8000_0000u;
    }

    /// <summary>True if TS's keys fit in 32 bits (every type but float64 and int64).</summary>
    public static bool Narrow<TS>() where TS : unmanaged => typeof(TS) != typeof(double) && typeof(TS) != typeof(long);

    /// <summary>True if the key is NaN's (only float storage types have one).</summary>
    public static bool IsNaNKey<TS>(ulong key) where TS : unmanaged =>
        Cvt.IsFloat<TS>() && key == (Narrow<TS>() ? uint.MaxValue : ulong.MaxValue);

    /// <summary>Reads lane elements into (key, position) entries; descending keys are complemented.</summary>
    public static void Load<TS>(TS* x, long stride, Span<Entry<ulong>> e, bool descending) where TS : unmanaged
    {
        ulong flip = descending ? ulong.MaxValue : 0;
        for (int k = 0; k < e.Length; k++) e[k] = new Entry<ulong>(Key(x[k * stride]) ^ flip, k);
    }

    /// <summary>
    /// Sorts a lane stably by key into <paramref name="order"/> (positions): narrow keys are packed with the position
    /// into one ulong and sorted as numbers; wide keys sort with their positions, then each run of equal keys is put
    /// back in position order.
    /// </summary>
    public static void StableSort<TS>(TS* x, long stride, bool descending, Span<ulong> keys, Span<int> order) where TS : unmanaged
    {
        int n = order.Length;
        if (Narrow<TS>())
        {
            uint flip = descending ? uint.MaxValue : 0;
            for (int k = 0; k < n; k++) keys[k] = (ulong)(Key32(x[k * stride]) ^ flip) << 32 | (uint)k;
            keys[..n].Sort();
            for (int k = 0; k < n; k++) order[k] = (int)(uint)keys[k];
            return;
        }
        ulong wflip = descending ? ulong.MaxValue : 0;
        for (int k = 0; k < n; k++)
        {
            keys[k] = Key(x[k * stride]) ^ wflip;
            order[k] = k;
        }
        keys[..n].Sort(order);
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            if (end - start > 1) order[start..end].Sort();
            start = end;
        }
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

/// <summary>Entries by key (keys from <see cref="Lanes.Key{TS}"/> already encode the order and NaN).</summary>
internal readonly struct KeyLess : ILess<ulong>, IGreater<ulong>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Less(Entry<ulong> a, Entry<ulong> b) => a.Key < b.Key;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Greater(Entry<ulong> a, Entry<ulong> b) => a.Key > b.Key;
}

/// <summary>
/// A total order for selection: by key, then by index, so that the element of a rank is the one a stable sort puts
/// there (ATen's median comparison).
/// </summary>
internal readonly struct KeyThenIndex : IGreater<ulong>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Greater(Entry<ulong> a, Entry<ulong> b) => a.Key > b.Key || (a.Key == b.Key && a.Index > b.Index);
}
