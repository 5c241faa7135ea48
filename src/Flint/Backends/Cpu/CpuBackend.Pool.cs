using System.Numerics;

namespace Flint.Backends.Cpu;

/// <summary>
/// Pooling on the CPU: direct loops over each output element's window, one plane (image and channel) per task, planes
/// split over threads. bfloat16 and float16 run in float32 and are rounded once.
/// </summary>
internal sealed partial class CpuBackend
{
    public void MaxPool2d(Tensor x, Tensor y, Tensor indices, PoolGeometry g)
    {
        if (NeedsFloat(y.dtype))
        {
            var yf = FloatLike(y);
            MaxPool2d(ToFloat(x), yf, indices, g);
            Dispatch.Copy(yf, y);
            return;
        }
        switch (y.dtype)
        {
            case DType.Float32: PoolKernels<float>.Max(x, y, indices, g, adaptive: false); break;
            case DType.Float64: PoolKernels<double>.Max(x, y, indices, g, adaptive: false); break;
            default: throw new NotSupportedException($"\"max_pool2d\" not implemented for '{y.dtype.ScalarTypeName()}'");
        }
    }

    public void AdaptiveMaxPool2d(Tensor x, Tensor y, Tensor indices, PoolGeometry g)
    {
        if (NeedsFloat(y.dtype))
        {
            var yf = FloatLike(y);
            AdaptiveMaxPool2d(ToFloat(x), yf, indices, g);
            Dispatch.Copy(yf, y);
            return;
        }
        switch (y.dtype)
        {
            case DType.Float32: PoolKernels<float>.Max(x, y, indices, g, adaptive: true); break;
            case DType.Float64: PoolKernels<double>.Max(x, y, indices, g, adaptive: true); break;
            default: throw new NotSupportedException($"\"adaptive_max_pool2d\" not implemented for '{y.dtype.ScalarTypeName()}'");
        }
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
        Parallelism.For(Threads(g, g.Planes * outPlane * g.KH * g.KW), (t, count) =>
        {
            for (long p = g.Planes * t / count; p < g.Planes * (t + 1) / count; p++)
            {
                T* xp = (T*)ax + p * inPlane, yp = (T*)ay + p * outPlane;
                long* ip = (long*)ai + p * outPlane;
                for (long oh = 0; oh < g.OH; oh++)
                    for (long ow = 0; ow < g.OW; ow++)
                    {
                        long h0, h1, w0, w1, dh, dw;
                        if (adaptive)
                        {
                            (h0, h1, dh) = (Start(oh, g.OH, g.IH), End(oh, g.OH, g.IH), 1);
                            (w0, w1, dw) = (Start(ow, g.OW, g.IW), End(ow, g.OW, g.IW), 1);
                        }
                        else
                        {
                            dh = g.DH;
                            dw = g.DW;
                            h0 = oh * g.SH - g.PH;
                            w0 = ow * g.SW - g.PW;
                            h1 = Math.Min(h0 + (g.KH - 1) * dh + 1, g.IH);
                            w1 = Math.Min(w0 + (g.KW - 1) * dw + 1, g.IW);
                            while (h0 < 0) h0 += dh;
                            while (w0 < 0) w0 += dw;
                        }
                        long best = h0 * g.IW + w0;
                        T max = T.CreateTruncating(double.NegativeInfinity);
                        for (long ih = h0; ih < h1; ih += dh)
                            for (long iw = w0; iw < w1; iw += dw)
                            {
                                long i = ih * g.IW + iw;
                                T v = xp[i];
                                if (v > max || T.IsNaN(v))
                                {
                                    max = v;
                                    best = i;
                                }
                            }
                        yp[oh * g.OW + ow] = max;
                        ip[oh * g.OW + ow] = best;
                    }
            }
        });
        GC.KeepAlive(x); GC.KeepAlive(y); GC.KeepAlive(indices);
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
        new Span<TN>((TN*)b, checked((int)dst.Numel())).Clear();
        Exception? error = null;
        Parallelism.For((int)Math.Min(Math.Max(planes, 1), Parallelism.ThreadsFor(planes * per)), (t, count) =>
        {
            TN* s = (TN*)a, d = (TN*)b;
            long* ix = (long*)c;
            for (long p = planes * t / count; p < planes * (t + 1) / count; p++)
                for (long i = 0; i < per; i++)
                {
                    long k = ix[p * per + i];
                    if ((ulong)k >= (ulong)size)
                    {
                        error = outOfRange(k);
                        return;
                    }
                    d[p * size + k] += s[p * per + i];
                }
        });
        GC.KeepAlive(src); GC.KeepAlive(index); GC.KeepAlive(dst);
        if (error is not null) throw error;
    }
}
