using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// Pooling on the CPU: direct loops over each output element's window, one plane (image and channel) per task, planes
/// split over threads. bfloat16 and float16 run in float32 and are rounded once.
/// </summary>
internal sealed partial class CpuBackend
{
    public void MaxPool2d(Tensor x, Tensor y, Tensor indices, PoolGeometry g) => MaxPool(x, y, indices, g, adaptive: false);

    public void AdaptiveMaxPool2d(Tensor x, Tensor y, Tensor indices, PoolGeometry g) => MaxPool(x, y, indices, g, adaptive: true);

    private void MaxPool(Tensor x, Tensor y, Tensor indices, PoolGeometry g, bool adaptive)
    {
        if (NeedsFloat(y.dtype))
        {
            var yf = FloatLike(y);
            MaxPool(ToFloat(x), yf, indices, g, adaptive);
            Dispatch.Copy(yf, y);
            return;
        }
        switch (y.dtype)
        {
            case DType.Float32: PoolKernels<float>.Max(x, y, indices, g, adaptive); break;
            case DType.Float64: PoolKernels<double>.Max(x, y, indices, g, adaptive); break;
            default:
                throw new NotSupportedException(
                    $"\"{(adaptive ? "adaptive_max_pool2d" : "max_pool2d")}\" not implemented for '{y.dtype.ScalarTypeName()}'");
        }
    }

    public void MaxPool2dBackward(Tensor gy, Tensor indices, Tensor gx, PoolGeometry g, Func<long, Exception> outOfRange)
    {
        if (gx.dtype == DType.Float32 && MaxPool2x2BackwardF32.Applies(g)) MaxPool2x2BackwardF32.Run(gy, indices, gx, g);
        else PlaneScatter(gy, indices, gx, true, outOfRange);
    }

    public void AvgPool2d(Tensor x, Tensor y, PoolGeometry g) => Average(x, y, g, adaptive: false, backward: false);

    public void AvgPool2dBackward(Tensor gy, Tensor gx, PoolGeometry g) => Average(gy, gx, g, adaptive: false, backward: true);

    public void AdaptiveAvgPool2d(Tensor x, Tensor y, PoolGeometry g) => Average(x, y, g, adaptive: true, backward: false);

    public void AdaptiveAvgPool2dBackward(Tensor gy, Tensor gx, PoolGeometry g) => Average(gy, gx, g, adaptive: true, backward: true);

    private static void Average(Tensor src, Tensor dst, PoolGeometry g, bool adaptive, bool backward)
    {
        if (NeedsFloat(dst.dtype))
        {
            var df = FloatLike(dst);
            Average(ToFloat(src), df, g, adaptive, backward);
            Dispatch.Copy(df, dst);
            return;
        }
        switch (dst.dtype)
        {
            case DType.Float32: PoolKernels<float>.Average(src, dst, g, adaptive, backward); break;
            case DType.Float64: PoolKernels<double>.Average(src, dst, g, adaptive, backward); break;
            case DType.Int64 when !adaptive: PoolKernels<long>.Average(src, dst, g, adaptive, backward); break;
            default:
                throw new NotSupportedException(
                    $"\"{(adaptive ? "adaptive_avg_pool2d" : "avg_pool2d")}{(backward ? "_backward" : "")}\" not implemented for '{dst.dtype.ScalarTypeName()}'");
        }
    }

    public void PlaneGather(Tensor src, Tensor index, Tensor dst, Func<long, Exception> outOfRange)
    {
        switch (dst.dtype.ElementSize())
        {
            case 1: PlaneIndex<byte>.Gather(src, index, dst, outOfRange); break;
            case 2: PlaneIndex<short>.Gather(src, index, dst, outOfRange); break;
            case 4: PlaneIndex<int>.Gather(src, index, dst, outOfRange); break;
            default: PlaneIndex<long>.Gather(src, index, dst, outOfRange); break;
        }
    }

    public void PlaneScatter(Tensor src, Tensor index, Tensor dst, bool accumulate, Func<long, Exception> outOfRange)
    {
        if (accumulate && NeedsFloat(dst.dtype))
        {
            var df = FloatLike(dst);
            PlaneScatter(ToFloat(src), index, df, true, outOfRange);
            Dispatch.Copy(df, dst);
            return;
        }
        if (accumulate)
        {
            switch (dst.dtype)
            {
                case DType.Float32: PlaneIndex<float>.ScatterAdd<float>(src, index, dst, outOfRange); break;
                case DType.Float64: PlaneIndex<double>.ScatterAdd<double>(src, index, dst, outOfRange); break;
                default: throw new NotSupportedException($"\"max_pool2d_with_indices_backward\" not implemented for '{dst.dtype.ScalarTypeName()}'");
            }
            return;
        }
        switch (dst.dtype.ElementSize())
        {
            case 1: PlaneIndex<byte>.Scatter(src, index, dst, outOfRange); break;
            case 2: PlaneIndex<short>.Scatter(src, index, dst, outOfRange); break;
            case 4: PlaneIndex<int>.Scatter(src, index, dst, outOfRange); break;
            default: PlaneIndex<long>.Scatter(src, index, dst, outOfRange); break;
        }
    }
}

/// <summary>The pooling loops for one compute type.</summary>
internal static unsafe class PoolKernels<T> where T : unmanaged, INumber<T>
{
    private static int Threads(PoolGeometry g, long work) =>
        (int)Math.Min(Math.Max(g.Planes, 1), Parallelism.ThreadsFor(work));

    // Adaptive windows: [floor(o·I/O), ceil((o+1)·I/O)).
    private static long Start(long o, long outSize, long inSize) => o * inSize / outSize;

    private static long End(long o, long outSize, long inSize) => ((o + 1) * inSize + outSize - 1) / outSize;

    public static void Max(Tensor x, Tensor y, Tensor indices, PoolGeometry g, bool adaptive)
    {
        nint ax = (nint)x.Ptr, ay = (nint)y.Ptr, ai = (nint)indices.Ptr;
        long inPlane = g.IH * g.IW, outPlane = g.OH * g.OW;
        bool pairs = !adaptive && MaxPool2x2F32.Pairs(g);
        Parallelism.For(Threads(g, g.Planes * outPlane * g.KH * g.KW), (t, count) =>
        {
            for (long p = g.Planes * t / count; p < g.Planes * (t + 1) / count; p++)
            {
                T* xp = (T*)ax + p * inPlane, yp = (T*)ay + p * outPlane;
                long* ip = (long*)ai + p * outPlane;
                if (pairs && typeof(T) == typeof(float) && Avx512F.IsSupported && inPlane <= int.MaxValue)
                    MaxPool2x2F32.Plane((float*)xp, (float*)yp, ip, (int)g.IW, (int)g.OH, (int)g.OW);
                else if (!adaptive && typeof(T) == typeof(float) && MaxPoolRowsF32.Applies(g))
                    MaxPoolRowsF32.Plane((float*)xp, (float*)yp, ip, g);
                else MaxPlane(xp, yp, ip, g, adaptive);
            }
        });
        GC.KeepAlive(x); GC.KeepAlive(y); GC.KeepAlive(indices);
    }

    // PyTorch's rule, in window order: a value wins when greater than the best so far or NaN; the first index of
    // the window stands when nothing wins (all -inf).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer(T v, long i, ref T max, ref long best)
    {
        if (v > max || T.IsNaN(v))
        {
            max = v;
            best = i;
        }
    }

    private static void MaxPlane(T* xp, T* yp, long* ip, PoolGeometry g, bool adaptive)
    {
        for (long r = 0; r < g.OH; r++) MaxRow(xp, yp, ip, g, adaptive, r, 0, g.OW);
    }

    /// <summary>
    /// The input range [lo, hi) of output o's window along one dim (the first in-range tap and one past the last):
    /// adaptive windows [floor(o·I/O), ceil((o+1)·I/O)), else o·s - p + k·d for taps k in range.
    /// </summary>
    internal static (long Lo, long Hi) Window(long o, long outSize, long inSize, long k, long s, long p, long d, bool adaptive)
    {
        if (adaptive) return (Start(o, outSize, inSize), End(o, outSize, inSize));
        long lo = o * s - p, hi = Math.Min(lo + (k - 1) * d + 1, inSize);
        while (lo < 0) lo += d;
        return (lo, hi);
    }

    /// <summary>Outputs [c0, c1) of output row r, one window at a time.</summary>
    internal static void MaxRow(T* xp, T* yp, long* ip, PoolGeometry g, bool adaptive, long r, long c0, long c1)
    {
        // Locals, not the geometry's fields: stores through the output pointers would force the JIT to reload them.
        long iw = g.IW, ow = g.OW, dh = adaptive ? 1 : g.DH, dw = adaptive ? 1 : g.DW;
        T negInf = T.CreateTruncating(double.NegativeInfinity);
        var (h0, h1) = Window(r, g.OH, g.IH, g.KH, g.SH, g.PH, dh, adaptive);
        for (long c = c0; c < c1; c++)
        {
            var (w0, w1) = Window(c, ow, iw, g.KW, g.SW, g.PW, dw, adaptive);
            long best = h0 * iw + w0;
            T max = negInf;
            for (long y = h0; y < h1; y += dh)
                for (long x = w0; x < w1; x += dw)
                    Offer(xp[y * iw + x], y * iw + x, ref max, ref best);
            yp[r * ow + c] = max;
            ip[r * ow + c] = best;
        }
    }

    /// <summary>
    /// Average pooling (or its adjoint when <paramref name="backward"/>: src is then the output gradient and dst the
    /// input gradient). Each output's window and divisor follow PyTorch's cpu_avg_pool / cpu_adaptive_avg_pool.
    /// </summary>
    public static void Average(Tensor src, Tensor dst, PoolGeometry g, bool adaptive, bool backward)
    {
        nint a = (nint)src.Ptr, b = (nint)dst.Ptr;
        long inPlane = g.IH * g.IW, outPlane = g.OH * g.OW;
        Parallelism.For(Threads(g, g.Planes * outPlane * g.KH * g.KW), (t, count) =>
        {
            for (long p = g.Planes * t / count; p < g.Planes * (t + 1) / count; p++)
            {
                T* xp = backward ? (T*)b + p * inPlane : (T*)a + p * inPlane;
                T* yp = backward ? (T*)a + p * outPlane : (T*)b + p * outPlane;
                if (backward) new Span<T>(xp, checked((int)inPlane)).Clear();
                for (long oh = 0; oh < g.OH; oh++)
                    for (long ow = 0; ow < g.OW; ow++)
                    {
                        long h0, h1, w0, w1;
                        T scale;
                        if (adaptive)
                        {
                            (h0, h1) = (Start(oh, g.OH, g.IH), End(oh, g.OH, g.IH));
                            (w0, w1) = (Start(ow, g.OW, g.IW), End(ow, g.OW, g.IW));
                            scale = T.Zero;
                        }
                        else
                        {
                            h0 = oh * g.SH - g.PH;
                            w0 = ow * g.SW - g.PW;
                            h1 = Math.Min(h0 + g.KH, g.IH + g.PH);
                            w1 = Math.Min(w0 + g.KW, g.IW + g.PW);
                            long poolSize = (h1 - h0) * (w1 - w0);
                            h0 = Math.Max(h0, 0);
                            w0 = Math.Max(w0, 0);
                            h1 = Math.Min(h1, g.IH);
                            w1 = Math.Min(w1, g.IW);
                            long divide = g.Divisor ?? (g.CountIncludePad ? poolSize : (h1 - h0) * (w1 - w0));
                            scale = T.CreateTruncating(divide);
                        }
                        long o = oh * g.OW + ow;
                        if (h0 >= h1 || w0 >= w1)
                        {
                            if (!backward) yp[o] = T.Zero;
                            continue;
                        }
                        if (backward)
                        {
                            T delta = adaptive ? yp[o] / T.CreateTruncating(h1 - h0) / T.CreateTruncating(w1 - w0) : yp[o] / scale;
                            for (long ih = h0; ih < h1; ih++)
                                for (long iw = w0; iw < w1; iw++) xp[ih * g.IW + iw] += delta;
                            continue;
                        }
                        T sum = T.Zero;
                        for (long ih = h0; ih < h1; ih++)
                            for (long iw = w0; iw < w1; iw++) sum += xp[ih * g.IW + iw];
                        yp[o] = adaptive ? sum / T.CreateTruncating(h1 - h0) / T.CreateTruncating(w1 - w0) : sum / scale;
                    }
            }
        });
        GC.KeepAlive(src); GC.KeepAlive(dst);
    }
}

/// <summary>Gathers and scatters within planes by int64 indices (max pooling's backward, max unpooling).</summary>
internal static unsafe class PlaneIndex<T> where T : unmanaged
{
    private static (long Planes, long Src, long Idx) Sizes(Tensor plane, Tensor index)
    {
        long planes = index.shape.Length == 0 ? 1 : index.shape[0];
        long per = planes == 0 ? 0 : index.Numel() / planes;
        long src = planes == 0 ? 0 : plane.Numel() / planes;
        return (planes, src, per);
    }

    public static void Gather(Tensor src, Tensor index, Tensor dst, Func<long, Exception> outOfRange)
    {
        var (planes, size, per) = Sizes(src, index);
        T* s = (T*)src.Ptr, d = (T*)dst.Ptr;
        long* ix = (long*)index.Ptr;
        for (long p = 0; p < planes; p++)
            for (long i = 0; i < per; i++)
            {
                long k = ix[p * per + i];
                if ((ulong)k >= (ulong)size) throw outOfRange(k);
                d[p * per + i] = s[p * size + k];
            }
        GC.KeepAlive(src); GC.KeepAlive(index); GC.KeepAlive(dst);
    }

    public static void Scatter(Tensor src, Tensor index, Tensor dst, Func<long, Exception> outOfRange)
    {
        var (planes, size, per) = Sizes(dst, index);
        T* s = (T*)src.Ptr, d = (T*)dst.Ptr;
        long* ix = (long*)index.Ptr;
        new Span<byte>(d, checked((int)(dst.Numel() * sizeof(T)))).Clear();
        for (long p = 0; p < planes; p++)
            for (long i = 0; i < per; i++)
            {
                long k = ix[p * per + i];
                if ((ulong)k >= (ulong)size) throw outOfRange(k);
                d[p * size + k] = s[p * per + i];
            }
        GC.KeepAlive(src); GC.KeepAlive(index); GC.KeepAlive(dst);
    }

    public static void ScatterAdd<TN>(Tensor src, Tensor index, Tensor dst, Func<long, Exception> outOfRange) where TN : unmanaged, INumber<TN>
    {
        var (planes, size, per) = Sizes(dst, index);
        nint a = (nint)src.Ptr, b = (nint)dst.Ptr, c = (nint)index.Ptr;
        Exception? error = null;
        // Each thread clears its own planes before scattering into them (a single-threaded clear of ResNet's 26 MB
        // pool input took as long as the scatter).
        Parallelism.For((int)Math.Min(Math.Max(planes, 1), Parallelism.ThreadsFor(planes * Math.Max(size, per))), (t, count) =>
        {
            long p0 = planes * t / count, p1 = planes * (t + 1) / count;
            ConvKernels<TN>.Fill((TN*)b + p0 * size, (p1 - p0) * size, TN.Zero);
            if (!AddPlanes((TN*)a + p0 * per, (long*)c + p0 * per, (TN*)b + p0 * size, p1 - p0, size, per, out long bad))
                error = outOfRange(bad);
        });
        GC.KeepAlive(src); GC.KeepAlive(index); GC.KeepAlive(dst);
        if (error is not null) throw error;
    }

    // d[p, ix[p, i]] += s[p, i] over `planes` planes; false at the first index out of [0, size) (in `bad`). Its own method,
    // so that sizes and pointers are locals in registers (in the closure they were reloaded per element: LeNet's pool
    // backward ran ten instructions an element).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AddPlanes<TN>(TN* s, long* ix, TN* d, long planes, long size, long per, out long bad) where TN : unmanaged, INumber<TN>
    {
        for (long p = 0; p < planes; p++, s += per, ix += per, d += size)
            for (long i = 0; i < per; i++)
            {
                long k = ix[i];
                if ((ulong)k >= (ulong)size)
                {
                    bad = k;
                    return false;
                }
                d[k] += s[i];
            }
        bad = 0;
        return true;
    }
}

/// <summary>
/// The 2x2, stride-2 max pool of float32 with AVX-512, sixteen outputs of a row at once: the window's four values
/// are deinterleaved from the two input rows and offered in window order with PyTorch's rule (greater, or NaN), as
/// selects rather than branches (on real data the comparisons are coin flips, and mispredictions cost more than
/// the arithmetic). A row's last (or only: LeNet's rows are 14 and 5 wide) partial block uses masked stores, which
/// write nothing past the row, and reads whole vectors but at the plane's end.
/// </summary>
internal static unsafe class MaxPool2x2F32
{
    private static readonly Vector512<int> Even = RowLoads.Even, Odd = Even + Vector512<int>.One;

    /// <summary>A 2x2 window, stride 2, no padding or dilation, windows inside the input (LeNet's and most CNNs' pooling).</summary>
    public static bool Pairs(PoolGeometry g) =>
        g is { KH: 2, KW: 2, SH: 2, SW: 2, PH: 0, PW: 0, DH: 1, DW: 1 } && 2 * g.OH <= g.IH && 2 * g.OW <= g.IW;

    public static void Plane(float* xp, float* yp, long* ip, int iw, int oh, int ow)
    {
        float* end = xp + 2 * oh * iw;
        for (int r = 0; r < oh; r++)
        {
            int topBase = 2 * r * iw, bottomBase = topBase + iw;
            for (int c = 0; c < ow; c += 16)
                Block(xp + topBase + 2 * c, xp + bottomBase + 2 * c, end, yp + r * ow + c, ip + r * ow + c, topBase, bottomBase, c,
                    Math.Min(16, ow - c));
        }
    }

    // Outputs c..c+n-1 of one row from 2n values of each input row (read as whole vectors up to `end`, the values past
    // them unused); indices are flat within the plane.
    private static void Block(float* top, float* bottom, float* end, float* y, long* ip, int topBase, int bottomBase, int c, int n)
    {
        var lanes = Vector512<int>.Indices;
        var low = Vector512.LessThan(lanes, Vector512.Create(2 * n)).AsSingle();
        var high = Vector512.LessThan(lanes, Vector512.Create(2 * n - 16)).AsSingle();
        var negInf = Vector512.Create(float.NegativeInfinity);
        Vector512<float> t0 = RowLoads.First(top, low, end), t1 = RowLoads.First(top + 16, high, end);
        Vector512<float> b0 = RowLoads.First(bottom, low, end), b1 = RowLoads.First(bottom + 16, high, end);
        var max = negInf;
        var which = Vector512<int>.Zero;
        Offer(Avx512F.PermuteVar16x32x2(t0, Even, t1), 0, ref max, ref which);
        Offer(Avx512F.PermuteVar16x32x2(t0, Odd, t1), 1, ref max, ref which);
        Offer(Avx512F.PermuteVar16x32x2(b0, Even, b1), 2, ref max, ref which);
        Offer(Avx512F.PermuteVar16x32x2(b0, Odd, b1), 3, ref max, ref which);
        // Row base by window row, then column 2(c + lane) plus the window column.
        var rowBase = Vector512.ConditionalSelect(Vector512.GreaterThan(which, Vector512<int>.One),
            Vector512.Create(bottomBase), Vector512.Create(topBase));
        Store(y, ip, max, rowBase + Even + Vector512.Create(2 * c) + (which & Vector512<int>.One), n);
    }

    /// <summary>The first n of sixteen maxima and their int64 indices (masked stores for a partial block).</summary>
    internal static void Store(float* y, long* ip, Vector512<float> max, Vector512<int> index, int n)
    {
        Vector512<long> i0 = Avx512F.ConvertToVector512Int64(index.GetLower()), i1 = Avx512F.ConvertToVector512Int64(index.GetUpper());
        if (n == 16)
        {
            max.Store(y);
            i0.Store(ip);
            i1.Store(ip + 8);
            return;
        }
        Avx512F.MaskStore(y, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n)).AsSingle(), max);
        Avx512F.MaskStore(ip, Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)n)), i0);
        Avx512F.MaskStore(ip + 8, Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)n - 8)), i1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer(Vector512<float> v, int position, ref Vector512<float> max, ref Vector512<int> which)
    {
        var wins = Vector512.GreaterThan(v, max) | ~Vector512.Equals(v, v);
        max = Vector512.ConditionalSelect(wins, v, max);
        which = Vector512.ConditionalSelect(wins.AsInt32(), Vector512.Create(position), which);
    }
}

/// <summary>
/// The backward of the 2x2, stride-2 max pool of float32 with AVX-512: each input position lies in at most one window,
/// so each pair of input rows is written once, whole, from sixteen windows' gradients and indices at a time (each value
/// goes to the window position its index names, zeros elsewhere), with no clearing pass and no scalar scatter. Rows are
/// written in address order and a row's last vectors may run past its end into rows written after it (LeNet's rows are
/// 28 and 10 wide), but never past the end of the thread's planes.
/// </summary>
internal static unsafe class MaxPool2x2BackwardF32
{
    /// <summary>
    /// Whether this pool's backward runs here: rows of 16 or more (each row's 32-value stores rewrite narrower rows
    /// several times over: LeNet's 10-wide ones took 0.031 -> 0.05-0.07 ms, its 28-wide ones 8% less).
    /// </summary>
    public static bool Applies(PoolGeometry g) =>
        Avx512F.IsSupported && MaxPool2x2F32.Pairs(g) && g.IW >= 16 && g.IH * g.IW <= int.MaxValue;

    public static void Run(Tensor gy, Tensor indices, Tensor gx, PoolGeometry g)
    {
        nint ay = (nint)gy.Ptr, ai = (nint)indices.Ptr, ax = (nint)gx.Ptr;
        long inPlane = g.IH * g.IW, outPlane = g.OH * g.OW;
        Parallelism.For((int)Math.Min(Math.Max(g.Planes, 1), Parallelism.ThreadsFor(g.Planes * inPlane)), (t, count) =>
        {
            long p0 = g.Planes * t / count, p1 = g.Planes * (t + 1) / count;
            float* end = (float*)ax + p1 * inPlane;
            for (long p = p0; p < p1; p++)
                Plane((float*)ay + p * outPlane, (long*)ai + p * outPlane, (float*)ax + p * inPlane, end, (int)g.IH, (int)g.IW, (int)g.OH, (int)g.OW);
        });
        GC.KeepAlive(gy); GC.KeepAlive(indices); GC.KeepAlive(gx);
    }

    private static void Plane(float* gy, long* ip, float* gx, float* end, int ih, int iw, int oh, int ow)
    {
        for (int r = 0; r < oh; r++)
        {
            float* top = gx + 2 * r * iw;
            // The top row whole, then the bottom one: a row's last vectors run into the rows after it.
            for (int half = 0; half < 2; half++)
                for (int c = 0; c < ow; c += 16)
                {
                    int n = Math.Min(16, ow - c);
                    var valid = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n));
                    var g = n == 16 ? Vector512.Load(gy + r * ow + c) : Avx512F.MaskLoad(gy + r * ow + c, valid.AsSingle(), Vector512<float>.Zero);
                    // Plus zero: a -0 gradient lands as +0, as PyTorch's zero-fill-and-add gives.
                    g += Vector512<float>.Zero;
                    // Each window's index minus this row's position at the window's left column: 0 or 1 when its maximum is on this row.
                    var at = Indices(ip + r * ow + c, n) - Vector512.Create((2 * r + half) * iw + 2 * c) - RowLoads.Even;
                    RowLoads.StoreInterleaved(top + half * iw + 2 * c, end, Vector512.ConditionalSelect(Vector512.Equals(at, Vector512<int>.Zero).AsSingle(), g, default),
                        Vector512.ConditionalSelect(Vector512.Equals(at, Vector512<int>.One).AsSingle(), g, default));
                }
            // An odd last column is in no window (whole-vector stores leave it zero only when the row's last block is partial).
            if ((iw & 1) != 0)
            {
                top[iw - 1] = 0;
                top[2 * iw - 1] = 0;
            }
        }
        // An odd last row is in no window.
        if (2 * oh < ih) new Span<float>(gx + 2 * oh * iw, iw).Clear();
    }

    // Sixteen windows' int64 indices narrowed to int32 (the plane fits in int); lanes past n are not read.
    private static Vector512<int> Indices(long* ip, int n)
    {
        if (n == 16)
            return Vector512.Create(Avx512F.ConvertToVector256Int32(Vector512.Load(ip)), Avx512F.ConvertToVector256Int32(Vector512.Load(ip + 8)));
        var zero = Vector512<long>.Zero;
        var lo = Avx512F.MaskLoad(ip, Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)n)), zero);
        var hi = Avx512F.MaskLoad(ip + 8, Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)n - 8)), zero);
        return Vector512.Create(Avx512F.ConvertToVector256Int32(lo), Avx512F.ConvertToVector256Int32(hi));
    }

}

/// <summary>
/// Max pooling of float32 with AVX-512 for any window at column stride 1 or 2 (ResNet's 3x3, stride 2, padding 1):
/// sixteen outputs of a row at once, each window position offered in window order with PyTorch's rule (greater, or
/// NaN) as selects, the winner's flat index carried along. Columns whose window crosses the left or right border
/// take the scalar loop; a row's last partial block stores masked (loads are whole vectors but at the plane's end).
/// </summary>
internal static unsafe class MaxPoolRowsF32
{
    public static bool Applies(PoolGeometry g) =>
        Avx512F.IsSupported && g.SW is 1 or 2 && g.IH * g.IW <= int.MaxValue && g.OW >= 16;

    public static void Plane(float* xp, float* yp, long* ip, PoolGeometry g)
    {
        long iw = g.IW, ow = g.OW, sw = g.SW, pw = g.PW, dw = g.DW, kw = g.KW;
        // Outputs whose whole window lies inside the row: c·sw - pw >= 0 and c·sw - pw + (kw - 1)·dw < iw.
        long lo = Math.Min(ow, (pw + sw - 1) / sw);
        long last = iw - 1 - (kw - 1) * dw + pw;
        long hi = last < 0 ? lo : Math.Clamp(last / sw + 1, lo, ow);
        var laneColumns = sw == 1 ? Vector512<int>.Indices : RowLoads.Even;
        var negInf = Vector512.Create(float.NegativeInfinity);
        float* end = xp + g.IH * iw;
        for (long r = 0; r < g.OH; r++)
        {
            PoolKernels<float>.MaxRow(xp, yp, ip, g, false, r, 0, lo);
            var (h0, h1) = PoolKernels<float>.Window(r, g.OH, g.IH, g.KH, g.SH, g.PH, g.DH, false);
            for (long c = lo; c < hi; c += 16)
            {
                int n = (int)Math.Min(16, hi - c);
                var (low, high) = RowLoads.Masks(n, sw);
                int column = (int)(c * sw - pw);
                var max = negInf;
                var best = Vector512.Create((int)(h0 * iw) + column) + laneColumns;
                for (long y = h0; y < h1; y += g.DH)
                    for (long k = 0; k < kw; k++)
                    {
                        int at = (int)(y * iw + column + k * dw);
                        float* src = xp + at;
                        var v = RowLoads.Load(src, sw, low, high, end);
                        var wins = Vector512.GreaterThan(v, max) | ~Vector512.Equals(v, v);
                        max = Vector512.ConditionalSelect(wins, v, max);
                        best = Vector512.ConditionalSelect(wins.AsInt32(), Vector512.Create(at) + laneColumns, best);
                    }
                MaxPool2x2F32.Store(yp + r * ow + c, ip + r * ow + c, max, best, n);
            }
            PoolKernels<float>.MaxRow(xp, yp, ip, g, false, r, hi, ow);
        }
    }
}
