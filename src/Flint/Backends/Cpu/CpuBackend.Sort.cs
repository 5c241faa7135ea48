using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void ArgReduce(bool max, Tensor x, DimLayout layout, Tensor? values, Tensor indices)
    {
        if (x.dtype == DType.Bool) throw NotImplementedFor(max ? "argmax" : "argmin", x.dtype);
        var v = new ArgReduceVisitor(max, x, layout, values, indices);
        Lanes.OnKey(x.dtype, ref v);
    }

    // Row-wise over runs of lanes: best[i] is replaced by a strictly better element, or by the first NaN.
    private readonly struct ArgReduceVisitor(bool max, Tensor x, DimLayout l, Tensor? values, Tensor indices) : IKeyVisitor
    {
        public unsafe void Visit<TS, TK>() where TS : unmanaged where TK : unmanaged, INumber<TK>
        {
            nint px = (nint)x.Ptr, pv = values is null ? 0 : (nint)values.Ptr, pi = (nint)indices.Ptr;
            bool isMax = max;
            var layout = l;
            if (layout.Inner == 1 && typeof(TS) == typeof(TK))
            {
                // Contiguous lanes: vectorised passes (see FirstExtreme).
                Lanes.For(layout, (begin, end) =>
                {
                    for (long lane = begin; lane < end; lane++)
                    {
                        var span = new ReadOnlySpan<TK>((TK*)px + lane * layout.Size, checked((int)layout.Size));
                        int at = FirstExtreme(span, isMax);
                        ((long*)pi)[lane] = at;
                        if (pv != 0) ((TS*)pv)[lane] = Cvt.To<TK, TS>(span[at]);
                    }
                });
                return;
            }
            Lanes.For(layout, (begin, end) =>
            {
                var best = new TK[Math.Min(layout.Inner, end - begin)];
                Lanes.Runs(layout, begin, end, (o, i0, i1) =>
                {
                    int m = (int)(i1 - i0);
                    long baseOff = o * layout.Size * layout.Inner + i0, outOff = o * layout.Inner + i0;
                    var where = (long*)pi + outOff;
                    var first = (TS*)px + baseOff;
                    for (int i = 0; i < m; i++) { best[i] = Cvt.To<TS, TK>(first[i]); where[i] = 0; }
                    for (long k = 1; k < layout.Size; k++)
                    {
                        var xr = (TS*)px + baseOff + k * layout.Inner;
                        for (int i = 0; i < m; i++)
                        {
                            var e = Cvt.To<TS, TK>(xr[i]);
                            var b = best[i];
                            if (TK.IsNaN(b)) continue;
                            if (TK.IsNaN(e) || (isMax ? e > b : e < b))
                            {
                                best[i] = e;
                                where[i] = k;
                            }
                        }
                    }
                    if (pv != 0)
                        for (int i = 0; i < m; i++) ((TS*)pv)[outOff + i] = Cvt.To<TK, TS>(best[i]);
                });
            });
        }
    }

    // The index of the first maximum (minimum) of a span, or of its first NaN: the NaN-propagating TensorPrimitives
    // extreme, then a vectorised search for its bit pattern (for zero, for either +0 or -0, which ATen sees as equal).
    private static int FirstExtreme<T>(ReadOnlySpan<T> span, bool max) where T : unmanaged, INumber<T>
    {
        T m = max ? TensorPrimitives.Max(span) : TensorPrimitives.Min(span);
        if (T.IsNaN(m))
        {
            for (int j = 0; j < span.Length; j++) if (T.IsNaN(span[j])) return j;
        }
        if (typeof(T) == typeof(float))
        {
            var bits = MemoryMarshal.Cast<T, int>(span);
            float f = float.CreateTruncating(m);
            return f == 0 ? bits.IndexOfAny(0, int.MinValue) : bits.IndexOf(BitConverter.SingleToInt32Bits(f));
        }
        if (typeof(T) == typeof(double))
        {
            var bits = MemoryMarshal.Cast<T, long>(span);
            double d = double.CreateTruncating(m);
            return d == 0 ? bits.IndexOfAny(0L, long.MinValue) : bits.IndexOf(BitConverter.DoubleToInt64Bits(d));
        }
        return span.IndexOf(m);
    }

    public void GatherLanes(Tensor x, DimLayout layout, Tensor index, long k, Tensor output)
    {
        var v = new GatherVisitor(x, layout, index, k, output, false);
        Dispatch.On(x.dtype, ref v);
    }

    public void ScatterAddLanes(Tensor src, DimLayout layout, Tensor index, long k, Tensor output)
    {
        var v = new GatherVisitor(output, layout, index, k, src, true);
        Dispatch.On(src.dtype, ref v);
    }

    // Gather: small[o, j, i] = big[o, index[o, j, i], i]. Scatter-add: big[o, index[o, j, i], i] += small[o, j, i].
    private readonly struct GatherVisitor(Tensor big, DimLayout l, Tensor index, long k, Tensor small, bool scatter) : ITypeVisitor
    {
        public unsafe void Visit<T>() where T : unmanaged
        {
            var pb = (T*)big.Ptr;
            var ps = (T*)small.Ptr;
            var pi = (long*)index.Ptr;
            long n = l.Size, inner = l.Inner;
            for (long o = 0; o < l.Outer; o++)
                for (long j = 0; j < k; j++)
                {
                    long row = (o * k + j) * inner;
                    for (long i = 0; i < inner; i++)
                    {
                        long at = pi[row + i];
                        if (at < 0 || at >= n)
                            throw new IndexOutOfRangeException($"index {at} is out of bounds for dimension with size {n}");
                        long bigAt = (o * n + at) * inner + i;
                        if (!scatter) ps[row + i] = pb[bigAt];
                        else pb[bigAt] = Cvt.FromDouble<T>(Cvt.ToDouble(pb[bigAt]) + Cvt.ToDouble(ps[row + i]));
                    }
                }
        }
    }

    public void Sort(Tensor x, DimLayout layout, bool descending, Tensor values, Tensor indices)
    {
        var v = new LaneVisitor(LaneOp.Sort, x, layout, descending ? 1 : 0, values, indices);
        Lanes.OnKey(x.dtype, ref v);
    }

    public void TopK(Tensor x, DimLayout layout, long k, bool largest, bool sorted, Tensor values, Tensor indices)
    {
        var v = new LaneVisitor(largest ? LaneOp.TopLargest : LaneOp.TopSmallest, x, layout, k, values, indices, sorted);
        Lanes.OnKey(x.dtype, ref v);
    }

    public void KthValue(Tensor x, DimLayout layout, long k, Tensor values, Tensor indices)
    {
        var v = new LaneVisitor(LaneOp.Kth, x, layout, k, values, indices);
        Lanes.OnKey(x.dtype, ref v);
    }

    public void Median(Tensor x, DimLayout layout, bool ignoreNan, Tensor values, Tensor indices)
    {
        if (x.dtype == DType.Bool) throw NotImplementedFor("median", x.dtype);
        var v = new LaneVisitor(ignoreNan ? LaneOp.NanMedian : LaneOp.Median, x, layout, 0, values, indices);
        Lanes.OnKey(x.dtype, ref v);
    }

    public void Mode(Tensor x, DimLayout layout, Tensor values, Tensor indices)
    {
        var v = new LaneVisitor(LaneOp.Mode, x, layout, 0, values, indices);
        Lanes.OnKey(x.dtype, ref v);
    }

    private enum LaneOp { Sort, TopLargest, TopSmallest, Kth, Median, NanMedian, Mode }

    // Lane at a time: the lane's elements become order-preserving integer keys with their positions in a per-thread
    // buffer, are sorted or selected there, and the chosen positions are written out with the original values found
    // at them (so values come back bit for bit, -0 and NaN payloads included).
    private readonly struct LaneVisitor(LaneOp op, Tensor x, DimLayout l, long arg, Tensor values, Tensor indices, bool sorted = true) : IKeyVisitor
    {
        public unsafe void Visit<TS, TK>() where TS : unmanaged where TK : unmanaged, INumber<TK>
        {
            nint px = (nint)x.Ptr, pv = (nint)values.Ptr, pi = (nint)indices.Ptr;
            var layout = l;
            var kind = op;
            long a = arg;
            bool sort = sorted;
            // Outputs are [O, K, I]: K = N for sort, k for topk, 1 for the selections.
            long outK = kind switch { LaneOp.Sort => layout.Size, LaneOp.TopLargest or LaneOp.TopSmallest => a, _ => 1 };
            Lanes.For(layout, (begin, end) =>
            {
                int n = checked((int)layout.Size);
                var e = kind == LaneOp.Sort ? [] : new Entry<ulong>[n];
                var keys = kind == LaneOp.Sort ? new ulong[n] : [];
                var order = kind == LaneOp.Sort ? new int[n] : [];
                for (long lane = begin; lane < end; lane++)
                {
                    long o = lane / layout.Inner, i = lane % layout.Inner;
                    var xs = (TS*)px + Lanes.Start(layout, lane);
                    var outV = (TS*)pv + o * outK * layout.Inner + i;
                    var outI = (long*)pi + o * outK * layout.Inner + i;
                    if (kind == LaneOp.Sort)
                    {
                        Lanes.StableSort(xs, layout.Inner, a != 0, keys, order);
                        for (int j = 0; j < n; j++)
                        {
                            outV[j * layout.Inner] = xs[order[j] * layout.Inner];
                            outI[j * layout.Inner] = order[j];
                        }
                        continue;
                    }
                    Lanes.Load(xs, layout.Inner, e, descending: kind == LaneOp.TopLargest);
                    long count = Select<TS>(kind, e, a, sort, out int from);
                    for (long j = 0; j < count; j++)
                    {
                        long at = e[from + j].Index;
                        outV[j * layout.Inner] = xs[at * layout.Inner];
                        outI[j * layout.Inner] = at;
                    }
                }
            });
        }

        // Leaves the results in e[from .. from + count).
        private static long Select<TS>(LaneOp kind, Span<Entry<ulong>> e, long a, bool sorted, out int from) where TS : unmanaged
        {
            from = 0;
            switch (kind)
            {
                case LaneOp.TopLargest:
                case LaneOp.TopSmallest:
                {
                    // ATen's topk: a heap partial sort when k is small next to n, else nth_element and a sort of the
                    // first k - 1 (largest uses complemented keys), so that ties come out in the same order.
                    int k = (int)a;
                    if ((long)k * 64 <= e.Length) StdSort.PartialSort(e, k, new KeyLess());
                    else
                    {
                        StdSort.NthElement(e, k - 1, new KeyLess());
                        if (sorted) StdSort.Sort(e[..(k - 1)], new KeyLess());
                    }
                    return k;
                }
                case LaneOp.Kth:
                    Lanes.QuickSelect(e, a - 1, new KeyLess());
                    from = (int)(a - 1);
                    return 1;
                case LaneOp.Median:
                    for (int j = 0; j < e.Length; j++)
                        if (Lanes.IsNaNKey<TS>(e[j].Key)) { from = j; return 1; }
                    from = (e.Length - 1) / 2;
                    Lanes.QuickSelect(e, from, new KeyThenIndex());
                    return 1;
                case LaneOp.NanMedian:
                {
                    int nans = 0;
                    foreach (var v in e) if (Lanes.IsNaNKey<TS>(v.Key)) nans++;
                    from = (e.Length - nans - 1) / 2;
                    Lanes.QuickSelect(e, from, new KeyThenIndex());
                    return 1;
                }
                default:
                {
                    // ATen sorts the lane with std::sort (unstable) and reports the last entry of the longest run.
                    StdSort.Sort(e, new KeyLess());
                    int best = 0, bestLen = 0, runStart = 0;
                    for (int j = 0; j < e.Length; j++)
                    {
                        if (j + 1 < e.Length && e[j + 1].Key == e[j].Key) continue;
                        int len = j + 1 - runStart;
                        if (len > bestLen) { bestLen = len; best = j; }
                        runStart = j + 1;
                    }
                    from = best;
                    return 1;
                }
            }
        }
    }

    public (Tensor Values, Tensor? Inverse, Tensor? Counts) Unique(Tensor x, bool consecutive, bool inverse, bool counts)
    {
        var v = new UniqueVisitor(x, consecutive, inverse, counts);
        Dispatch.On(x.dtype, ref v);
        return v.Result.Value;
    }

    private sealed class UniqueResult
    {
        public (Tensor, Tensor?, Tensor?) Value;
    }

    // Sorted (or consecutive) runs of equal keys; NaN equals nothing, so each NaN is a value of its own.
    private readonly struct UniqueVisitor(Tensor x, bool consecutive, bool wantInverse, bool wantCounts) : ITypeVisitor
    {
        public readonly UniqueResult Result = new();

        public unsafe void Visit<TS>() where TS : unmanaged
        {
            int n = checked((int)x.Numel());
            var xs = (TS*)x.Ptr;
            if (!consecutive && Hashed(xs, n)) return;
            var order = new int[n];
            var keys = new ulong[n];
            if (consecutive)
                for (int k = 0; k < n; k++) { order[k] = k; keys[k] = Lanes.Key(xs[k]); }
            else
            {
                Lanes.StableSort(xs, 1, false, keys, order);
                for (int k = 0; k < n; k++) keys[k] = Lanes.Key(xs[order[k]]);
            }
            var inverse = wantInverse ? new long[n] : null;
            var firsts = new List<int>();
            var lengths = new List<long>();
            for (int j = 0; j < n; j++)
            {
                if (j == 0 || keys[j] != keys[j - 1] || Lanes.IsNaNKey<TS>(keys[j]))
                {
                    firsts.Add(order[j]);
                    lengths.Add(0);
                }
                lengths[^1]++;
                if (inverse is not null) inverse[order[j]] = firsts.Count - 1;
            }
            var vals = new TS[firsts.Count];
            for (int j = 0; j < vals.Length; j++) vals[j] = xs[firsts[j]];
            Result.Value = (Tensor.FromSpan<TS>(vals, [vals.Length], Device.CPU),
                inverse is null ? null : Tensor.FromSpan<long>(inverse, [n], Device.CPU),
                wantCounts ? Tensor.FromSpan<long>(lengths.ToArray(), [lengths.Count], Device.CPU) : null);
        }

        // Distinct keys gathered in an open-addressing table, as ATen's CPU unique collects them in a hash set, and only
        // those sorted: 1M int64 of 1000 values 82 -> a few ms against the sort of every element. Each NaN is a value of
        // its own (it equals nothing), placed by its key and then its position, as the sort places it. Gives up (false)
        // once the distinct values pass an eighth of the elements, where sorting them all is as cheap.
        private unsafe bool Hashed<TS>(TS* xs, int n) where TS : unmanaged
        {
            int limit = Math.Max(16, n / 8), capacity = 64;
            var table = new int[capacity];
            var keys = new ulong[16];
            var firsts = new int[16];
            var counts = new long[16];
            var ids = wantInverse ? new int[n] : null;
            int distinct = 0;
            for (int k = 0; k < n; k++)
            {
                ulong key = Lanes.Key(xs[k]);
                int id = -1;
                if (!Lanes.IsNaNKey<TS>(key))
                    for (int h = Slot(key, capacity); ; h = (h + 1) & (capacity - 1))
                    {
                        int at = table[h] - 1;
                        if (at < 0)
                        {
                            table[h] = distinct + 1;
                            break;
                        }
                        if (keys[at] == key)
                        {
                            id = at;
                            break;
                        }
                    }
                if (id < 0)
                {
                    if (distinct == limit) return false;
                    if (distinct == keys.Length)
                    {
                        Array.Resize(ref keys, 2 * distinct);
                        Array.Resize(ref firsts, 2 * distinct);
                        Array.Resize(ref counts, 2 * distinct);
                    }
                    id = distinct++;
                    (keys[id], firsts[id], counts[id]) = (key, k, 0);
                    // Kept at most half full: grown and refilled from the distinct keys (NaNs stay out of it).
                    if (2 * distinct > capacity)
                    {
                        capacity *= 2;
                        table = new int[capacity];
                        for (int j = 0; j < distinct; j++)
                        {
                            if (Lanes.IsNaNKey<TS>(keys[j])) continue;
                            int h = Slot(keys[j], capacity);
                            while (table[h] != 0) h = (h + 1) & (capacity - 1);
                            table[h] = j + 1;
                        }
                    }
                }
                counts[id]++;
                if (ids is not null) ids[k] = id;
            }
            var rankOf = new int[distinct];
            var sorted = new int[distinct];
            for (int j = 0; j < distinct; j++) sorted[j] = j;
            var (ks, fs) = (keys, firsts);
            Array.Sort(sorted, (a, b) => ks[a] != ks[b] ? ks[a].CompareTo(ks[b]) : fs[a].CompareTo(fs[b]));
            var vals = new TS[distinct];
            var lengths = wantCounts ? new long[distinct] : null;
            for (int j = 0; j < distinct; j++)
            {
                rankOf[sorted[j]] = j;
                vals[j] = xs[firsts[sorted[j]]];
                if (lengths is not null) lengths[j] = counts[sorted[j]];
            }
            long[]? inverse = null;
            if (ids is not null)
            {
                inverse = new long[n];
                for (int k = 0; k < n; k++) inverse[k] = rankOf[ids[k]];
            }
            Result.Value = (Tensor.FromSpan<TS>(vals, [distinct], Device.CPU),
                inverse is null ? null : Tensor.FromSpan<long>(inverse, [n], Device.CPU),
                lengths is null ? null : Tensor.FromSpan<long>(lengths, [distinct], Device.CPU));
            return true;
        }

        private static int Slot(ulong key, int capacity) => (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - BitOperations.Log2((uint)capacity)));
    }

    public void SearchSorted(Tensor sorted, Tensor values, long rows, bool right, Tensor? sorter, Tensor output)
    {
        var v = new SearchVisitor(sorted, values, rows, right, sorter, output);
        Lanes.OnKey(sorted.dtype, ref v);
    }

    // ATen's lower/upper bound: the comparisons are written so that a NaN value lands after every boundary.
    private readonly struct SearchVisitor(Tensor sorted, Tensor values, long rows, bool right, Tensor? sorter, Tensor output) : IKeyVisitor
    {
        public unsafe void Visit<TS, TK>() where TS : unmanaged where TK : unmanaged, INumber<TK>
        {
            var bd = (TS*)sorted.Ptr;
            var vs = (TS*)values.Ptr;
            var srt = sorter is null ? null : (long*)sorter.Ptr;
            long m = sorted.shape[^1];
            long vRows = rows == 1 ? 1 : rows;
            long per = values.Numel() / Math.Max(vRows, 1);
            bool i32 = output.dtype == DType.Int32;
            var po = output.Ptr;
            for (long r = 0; r < vRows; r++)
            {
                long seq = rows == 1 ? 0 : r * m;
                for (long j = 0; j < per; j++)
                {
                    var val = Cvt.To<TS, TK>(vs[r * per + j]);
                    long lo = 0, hi = m;
                    while (lo < hi)
                    {
                        long mid = lo + ((hi - lo) >> 1);
                        var mv = Cvt.To<TS, TK>(bd[seq + (srt is null ? mid : srt[seq + mid])]);
                        bool before = right ? !(mv > val) : !(mv >= val);
                        if (before) lo = mid + 1;
                        else hi = mid;
                    }
                    if (i32) ((int*)po)[r * per + j] = (int)lo;
                    else ((long*)po)[r * per + j] = lo;
                }
            }
        }
    }
}
