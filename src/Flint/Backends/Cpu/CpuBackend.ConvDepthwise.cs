using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Backends.Cpu;

/// <summary>
/// Depthwise convolution (one input channel per group; output channel o reads input channel o / m, m = O / C) as
/// direct loops, one plane per task. Unit-stride convolutions copy each plane into a zero-bordered buffer and keep
/// output vectors in registers across all kernel taps, four rows at a time for 3x3 kernels (forward, and the input
/// gradient as the forward pass of the flipped kernel over the bordered output gradient); the weight gradient sums over
/// vector rows, the nine taps of a 3x3 kernel in one sweep and other kernels one tap at a time.
/// Strided ones use per-row loops over the valid column range.
/// </summary>
internal static unsafe class DepthwiseKernels<T> where T : unmanaged, INumber<T>
{
    private static int Threads(long planes, long work) => (int)Math.Min(Math.Max(planes, 1), Parallelism.ThreadsFor(work, 1L << 16));

    public static void Forward(T* x, T* w, T* b, T* y, ConvGeometry g)
    {
        if (g.SH != 1 || g.SW != 1) StridedForward(x, w, b, y, g);
        else if (Vector512.IsHardwareAccelerated) Direct<V512<T>, Vector512<T>>.Forward(x, w, b, y, g);
        else if (Vector256.IsHardwareAccelerated) Direct<V256<T>, Vector256<T>>.Forward(x, w, b, y, g);
        else StridedForward(x, w, b, y, g);
    }

    public static void BackwardInput(T* gy, T* w, T* gx, ConvGeometry g)
    {
        if (g.SH != 1 || g.SW != 1) StridedBackwardInput(gy, w, gx, g);
        else if (Vector512.IsHardwareAccelerated) Direct<V512<T>, Vector512<T>>.BackwardInput(gy, w, gx, g);
        else if (Vector256.IsHardwareAccelerated) Direct<V256<T>, Vector256<T>>.BackwardInput(gy, w, gx, g);
        else StridedBackwardInput(gy, w, gx, g);
    }

    public static void BackwardWeight(T* x, T* gy, T* gw, ConvGeometry g)
    {
        if (g.SH != 1 || g.SW != 1) StridedBackwardWeight(x, gy, gw, g);
        else if (Vector512.IsHardwareAccelerated) Direct<V512<T>, Vector512<T>>.BackwardWeight(x, gy, gw, g);
        else if (Vector256.IsHardwareAccelerated) Direct<V256<T>, Vector256<T>>.BackwardWeight(x, gy, gw, g);
        else StridedBackwardWeight(x, gy, gw, g);
    }

    /// <summary>The unit-stride kernels for one vector width.</summary>
    private static class Direct<TS, TV> where TS : struct, ISimd<T, TV> where TV : unmanaged
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static long RoundUp(long n) => (n + TS.Count - 1) / TS.Count * TS.Count;

        /// <summary>
        /// out[r, c] (= or +=) Σ_taps wt[kh, kw] · buf[r + kh·dh, c + kw·dw] for r &lt; rows, c &lt; cols, one register per
        /// output vector; a partial last vector goes through a scratch row.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Correlate(T* buf, long width, TV* wt, long kh, long kw, long dh, long dw, T* output, long rows, long cols,
            TV init, bool accumulate, T* scratch)
        {
            long full = cols / TS.Count * TS.Count, end = RoundUp(cols);
            // Rows below `blocked` have their whole vectors done by the 3x3 kernel; the loop below does the rest.
            long blocked = kh == 3 && kw == 3 && dh == 1 && dw == 1 && full > 0 ? Correlate3x3(buf, width, wt, output, rows, cols, full, init, accumulate) : 0;
            for (long r = 0; r < rows; r++)
            {
                T* orow = output + r * cols;
                T* brow = buf + r * width;
                for (long c = r < blocked ? full : 0; c < end; c += TS.Count)
                {
                    bool partial = c >= full;
                    TV acc = accumulate ? (partial ? Load(orow + c, scratch, cols - c) : TS.Load(orow + c)) : init;
                    T* p = brow + c;
                    for (long i = 0; i < kh; i++, p += dh * width)
                        for (long j = 0; j < kw; j++) acc = TS.Fma(wt[i * kw + j], TS.Load(p + j * dw), acc);
                    if (!partial) TS.Store(acc, orow + c);
                    else
                    {
                        TS.Store(acc, scratch);
                        Vec<T>.Copy(orow + c, scratch, cols - c);
                    }
                }
            }
        }

        /// <summary>
        /// The whole vectors of <see cref="Correlate"/> for a 3x3 kernel at unit dilation, four output rows at a time:
        /// each of the six input rows they read loads its three shifted vectors once for every output row it feeds, and
        /// the four sums are independent chains. One output vector at a time, its nine dependent multiply-adds left the
        /// core waiting on their latency (about 32 cycles a vector on Zen 4). Returns the rows done (a multiple of 4).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static long Correlate3x3(T* buf, long width, TV* wt, T* output, long rows, long cols, long full, TV init, bool accumulate)
        {
            TV w0 = wt[0], w1 = wt[1], w2 = wt[2], w3 = wt[3], w4 = wt[4], w5 = wt[5], w6 = wt[6], w7 = wt[7], w8 = wt[8];
            long blocked = rows / 4 * 4;
            for (long r = 0; r < blocked; r += 4)
                for (long c = 0; c < full; c += TS.Count)
                {
                    T* o = output + r * cols + c, p = buf + r * width + c;
                    TV a0 = init, a1 = init, a2 = init, a3 = init;
                    if (accumulate)
                    {
                        a0 = TS.Load(o);
                        a1 = TS.Load(o + cols);
                        a2 = TS.Load(o + 2 * cols);
                        a3 = TS.Load(o + 3 * cols);
                    }
                    // Input row i feeds output row q through kernel row i - q.
                    TV x0 = TS.Load(p), x1 = TS.Load(p + 1), x2 = TS.Load(p + 2);
                    a0 = Taps(a0, w0, w1, w2, x0, x1, x2);
                    p += width;
                    x0 = TS.Load(p); x1 = TS.Load(p + 1); x2 = TS.Load(p + 2);
                    a0 = Taps(a0, w3, w4, w5, x0, x1, x2);
                    a1 = Taps(a1, w0, w1, w2, x0, x1, x2);
                    p += width;
                    x0 = TS.Load(p); x1 = TS.Load(p + 1); x2 = TS.Load(p + 2);
                    a0 = Taps(a0, w6, w7, w8, x0, x1, x2);
                    a1 = Taps(a1, w3, w4, w5, x0, x1, x2);
                    a2 = Taps(a2, w0, w1, w2, x0, x1, x2);
                    p += width;
                    x0 = TS.Load(p); x1 = TS.Load(p + 1); x2 = TS.Load(p + 2);
                    a1 = Taps(a1, w6, w7, w8, x0, x1, x2);
                    a2 = Taps(a2, w3, w4, w5, x0, x1, x2);
                    a3 = Taps(a3, w0, w1, w2, x0, x1, x2);
                    p += width;
                    x0 = TS.Load(p); x1 = TS.Load(p + 1); x2 = TS.Load(p + 2);
                    a2 = Taps(a2, w6, w7, w8, x0, x1, x2);
                    a3 = Taps(a3, w3, w4, w5, x0, x1, x2);
                    p += width;
                    x0 = TS.Load(p); x1 = TS.Load(p + 1); x2 = TS.Load(p + 2);
                    a3 = Taps(a3, w6, w7, w8, x0, x1, x2);
                    TS.Store(a0, o);
                    TS.Store(a1, o + cols);
                    TS.Store(a2, o + 2 * cols);
                    TS.Store(a3, o + 3 * cols);
                }
            return blocked;
        }

        // acc + one kernel row's three taps, in the order the one-vector loop adds them.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Taps(TV acc, TV wa, TV wb, TV wc, TV xa, TV xb, TV xc) => TS.Fma(wc, xc, TS.Fma(wb, xb, TS.Fma(wa, xa, acc)));

        private static TV Load(T* src, T* scratch, long n)
        {
            Vec<T>.Clear(scratch, TS.Count);
            Vec<T>.Copy(scratch, src, n);
            return TS.Load(scratch);
        }

        public static void Forward(T* x, T* w, T* b, T* y, ConvGeometry g)
        {
            long planes = g.N * g.O, mult = g.O / g.C, taps = g.KH * g.KW;
            long width = RoundUp(g.OW) + (g.KW - 1) * g.DW, rows = g.OH + (g.KH - 1) * g.DH;
            nint ax = (nint)x, aw = (nint)w, ab = (nint)b, ay = (nint)y;
            Parallelism.For(Threads(planes, planes * g.L * taps), (t, count) =>
            {
                T* buf = ConvWorkspace.Get<T>(ConvWorkspace.Plane, rows * width + 2 * TS.Count);
                T* scratch = buf + rows * width;
                TV* wt = stackalloc TV[(int)taps];
                long last = -1;
                for (long pl = planes * t / count; pl < planes * (t + 1) / count; pl++)
                {
                    long n = pl / g.O, o = pl % g.O, c = o / mult;
                    if (n * g.C + c != last)
                    {
                        DirectConvKernels<T>.Border((T*)ax + (n * g.C + c) * g.InPlane, g.IH, g.IW, buf, rows, width, g.PH, g.PW);
                        last = n * g.C + c;
                    }
                    for (long i = 0; i < taps; i++) wt[i] = TS.Splat(((T*)aw)[o * taps + i]);
                    var init = TS.Splat(ab == 0 ? T.Zero : ((T*)ab)[o]);
                    Correlate(buf, width, wt, g.KH, g.KW, g.DH, g.DW, (T*)ay + pl * g.L, g.OH, g.OW, init, false, scratch);
                }
            });
        }

        // gx[ih, iw] = Σ w[kh, kw] gy[ih + p - kh·d, iw + p - kw·d]: the forward correlation of the flipped kernel over gy
        // placed in a buffer at row (KH - 1)·DH - PH and column (KW - 1)·DW - PW.
        public static void BackwardInput(T* gy, T* w, T* gx, ConvGeometry g)
        {
            long planes = g.N * g.C, mult = g.O / g.C, taps = g.KH * g.KW;
            long top = (g.KH - 1) * g.DH - g.PH, left = (g.KW - 1) * g.DW - g.PW;
            long width = RoundUp(g.IW) + (g.KW - 1) * g.DW, rows = g.IH + (g.KH - 1) * g.DH;
            nint agy = (nint)gy, aw = (nint)w, agx = (nint)gx;
            Parallelism.For(Threads(planes, planes * mult * g.L * taps), (t, count) =>
            {
                T* buf = ConvWorkspace.Get<T>(ConvWorkspace.Plane, rows * width + 2 * TS.Count);
                T* scratch = buf + rows * width;
                TV* wt = stackalloc TV[(int)taps];
                for (long pl = planes * t / count; pl < planes * (t + 1) / count; pl++)
                {
                    long n = pl / g.C, c = pl % g.C;
                    for (long j = 0; j < mult; j++)
                    {
                        long o = c * mult + j;
                        DirectConvKernels<T>.Border((T*)agy + (n * g.O + o) * g.L, g.OH, g.OW, buf, rows, width, top, left);
                        for (long i = 0; i < taps; i++) wt[i] = TS.Splat(((T*)aw)[o * taps + taps - 1 - i]);
                        Correlate(buf, width, wt, g.KH, g.KW, g.DH, g.DW, (T*)agx + pl * g.InPlane, g.IH, g.IW, TS.Zero, j > 0, scratch);
                    }
                }
            });
        }

        /// <summary>
        /// The nine taps of a 3x3 kernel at unit dilation in one sweep over a plane (rows of <paramref name="ow"/>
        /// floats, a whole number of vectors): each gy vector is loaded once for all nine, and the nine sums are
        /// independent chains. Tap by tap, gy was loaded nine times and two chains waited on multiply-add latency.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void WeightTaps3x3(T* grad, long ow, T* buf, long width, long rows, T* wp)
        {
            TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero, a6 = TS.Zero, a7 = TS.Zero, a8 = TS.Zero;
            for (long r = 0; r < rows; r++)
            {
                T* gr = grad + r * ow, x0 = buf + r * width, x1 = x0 + width, x2 = x1 + width;
                for (long c = 0; c < ow; c += TS.Count)
                {
                    var gv = TS.Load(gr + c);
                    a0 = TS.Fma(gv, TS.Load(x0 + c), a0);
                    a1 = TS.Fma(gv, TS.Load(x0 + c + 1), a1);
                    a2 = TS.Fma(gv, TS.Load(x0 + c + 2), a2);
                    a3 = TS.Fma(gv, TS.Load(x1 + c), a3);
                    a4 = TS.Fma(gv, TS.Load(x1 + c + 1), a4);
                    a5 = TS.Fma(gv, TS.Load(x1 + c + 2), a5);
                    a6 = TS.Fma(gv, TS.Load(x2 + c), a6);
                    a7 = TS.Fma(gv, TS.Load(x2 + c + 1), a7);
                    a8 = TS.Fma(gv, TS.Load(x2 + c + 2), a8);
                }
            }
            wp[0] += TS.Sum(a0);
            wp[1] += TS.Sum(a1);
            wp[2] += TS.Sum(a2);
            wp[3] += TS.Sum(a3);
            wp[4] += TS.Sum(a4);
            wp[5] += TS.Sum(a5);
            wp[6] += TS.Sum(a6);
            wp[7] += TS.Sum(a7);
            wp[8] += TS.Sum(a8);
        }

        // gw[o, kh, kw] = Σ_n Σ_rows gy[n, o] · x[n, o / m] shifted by the tap, one tap at a time over whole vector rows
        // (gy rows are copied into a zero-padded buffer so that partial vectors read zeros).
        public static void BackwardWeight(T* x, T* gy, T* gw, ConvGeometry g)
        {
            long mult = g.O / g.C, taps = g.KH * g.KW, ow = RoundUp(g.OW);
            long width = ow + (g.KW - 1) * g.DW, rows = g.OH + (g.KH - 1) * g.DH;
            nint ax = (nint)x, agy = (nint)gy, agw = (nint)gw;
            Parallelism.For(Threads(g.O, g.N * g.O * g.L * taps), (t, count) =>
            {
                T* buf = ConvWorkspace.Get<T>(ConvWorkspace.Plane, rows * width + g.OH * ow);
                T* grad = buf + rows * width;
                for (long o = g.O * t / count; o < g.O * (t + 1) / count; o++)
                {
                    T* wp = (T*)agw + o * taps;
                    ConvKernels<T>.Fill(wp, taps, T.Zero);
                    for (long n = 0; n < g.N; n++)
                    {
                        DirectConvKernels<T>.Border((T*)ax + (n * g.C + o / mult) * g.InPlane, g.IH, g.IW, buf, rows, width, g.PH, g.PW);
                        DirectConvKernels<T>.Border((T*)agy + (n * g.O + o) * g.L, g.OH, g.OW, grad, g.OH, ow, 0, 0);
                        if (g is { KH: 3, KW: 3, DH: 1, DW: 1 })
                        {
                            WeightTaps3x3(grad, ow, buf, width, g.OH, wp);
                            continue;
                        }
                        for (long i = 0; i < g.KH; i++)
                            for (long j = 0; j < g.KW; j++)
                            {
                                TV a0 = TS.Zero, a1 = TS.Zero;
                                for (long r = 0; r < g.OH; r++)
                                {
                                    T* gr = grad + r * ow, xr = buf + (r + i * g.DH) * width + j * g.DW;
                                    long c = 0;
                                    for (; c + 2 * TS.Count <= ow; c += 2 * TS.Count)
                                    {
                                        a0 = TS.Fma(TS.Load(gr + c), TS.Load(xr + c), a0);
                                        a1 = TS.Fma(TS.Load(gr + c + TS.Count), TS.Load(xr + c + TS.Count), a1);
                                    }
                                    if (c < ow) a0 = TS.Fma(TS.Load(gr + c), TS.Load(xr + c), a0);
                                }
                                wp[i * g.KW + j] += TS.Sum(TS.Add(a0, a1));
                            }
                    }
                }
            });
        }
    }

    private static void StridedForward(T* x, T* w, T* b, T* y, ConvGeometry g)
    {
        long planes = g.N * g.O, mult = g.O / g.C, taps = g.KH * g.KW;
        int threads = (int)Math.Min(planes, Parallelism.ThreadsFor(planes * g.L * taps, 1L << 16));
        nint ax = (nint)x, aw = (nint)w, ab = (nint)b, ay = (nint)y;
        Parallelism.For(threads, (t, count) =>
        {
            for (long pl = planes * t / count; pl < planes * (t + 1) / count; pl++)
            {
                long n = pl / g.O, o = pl % g.O;
                T* xp = (T*)ax + (n * g.C + o / mult) * g.InPlane, wp = (T*)aw + o * taps, yp = (T*)ay + pl * g.L;
                ConvKernels<T>.Fill(yp, g.L, ab == 0 ? T.Zero : ((T*)ab)[o]);
                for (long kw = 0; kw < g.KW; kw++)
                {
                    var (lo, hi) = ConvKernels<T>.ValidRange(g.OW, g.IW, g.SW, g.PW, kw * g.DW);
                    if (lo >= hi) continue;
                    long iw0 = lo * g.SW - g.PW + kw * g.DW;
                    for (long oh = 0; oh < g.OH; oh++)
                    {
                        T* yrow = yp + oh * g.OW + lo;
                        for (long kh = 0; kh < g.KH; kh++)
                        {
                            long ih = oh * g.SH - g.PH + kh * g.DH;
                            if ((ulong)ih >= (ulong)g.IH) continue;
                            T* xrow = xp + ih * g.IW + iw0;
                            T wv = wp[kh * g.KW + kw];
                            if (g.SW == 1) Vec<T>.Axpy(yrow, xrow, wv, hi - lo);
                            else
                                for (long i = 0, s = g.SW; i < hi - lo; i++) yrow[i] += wv * xrow[i * s];
                        }
                    }
                }
            }
        });
    }

    private static void StridedBackwardInput(T* gy, T* w, T* gx, ConvGeometry g)
    {
        long planes = g.N * g.C, mult = g.O / g.C, taps = g.KH * g.KW;
        int threads = (int)Math.Min(planes, Parallelism.ThreadsFor(planes * mult * g.L * taps, 1L << 16));
        nint agy = (nint)gy, aw = (nint)w, agx = (nint)gx;
        Parallelism.For(threads, (t, count) =>
        {
            for (long pl = planes * t / count; pl < planes * (t + 1) / count; pl++)
            {
                long n = pl / g.C, c = pl % g.C;
                T* gxp = (T*)agx + pl * g.InPlane;
                ConvKernels<T>.Fill(gxp, g.InPlane, T.Zero);
                for (long j = 0; j < mult; j++)
                {
                    long o = c * mult + j;
                    T* gyp = (T*)agy + (n * g.O + o) * g.L, wp = (T*)aw + o * taps;
                    for (long kw = 0; kw < g.KW; kw++)
                    {
                        var (lo, hi) = ConvKernels<T>.ValidRange(g.OW, g.IW, g.SW, g.PW, kw * g.DW);
                        if (lo >= hi) continue;
                        long iw0 = lo * g.SW - g.PW + kw * g.DW;
                        for (long oh = 0; oh < g.OH; oh++)
                        {
                            T* gyrow = gyp + oh * g.OW + lo;
                            for (long kh = 0; kh < g.KH; kh++)
                            {
                                long ih = oh * g.SH - g.PH + kh * g.DH;
                                if ((ulong)ih >= (ulong)g.IH) continue;
                                T* gxrow = gxp + ih * g.IW + iw0;
                                T wv = wp[kh * g.KW + kw];
                                if (g.SW == 1) Vec<T>.Axpy(gxrow, gyrow, wv, hi - lo);
                                else
                                    for (long i = 0, s = g.SW; i < hi - lo; i++) gxrow[i * s] += wv * gyrow[i];
                            }
                        }
                    }
                }
            }
        });
    }

    private static void StridedBackwardWeight(T* x, T* gy, T* gw, ConvGeometry g)
    {
        long mult = g.O / g.C, taps = g.KH * g.KW;
        int threads = (int)Math.Min(g.O, Parallelism.ThreadsFor(g.N * g.O * g.L * taps, 1L << 16));
        nint ax = (nint)x, agy = (nint)gy, agw = (nint)gw;
        Parallelism.For(threads, (t, count) =>
        {
            for (long o = g.O * t / count; o < g.O * (t + 1) / count; o++)
            {
                T* wp = (T*)agw + o * taps;
                for (long kh = 0; kh < g.KH; kh++)
                    for (long kw = 0; kw < g.KW; kw++)
                    {
                        var (lo, hi) = ConvKernels<T>.ValidRange(g.OW, g.IW, g.SW, g.PW, kw * g.DW);
                        long iw0 = lo * g.SW - g.PW + kw * g.DW;
                        T sum = T.Zero;
                        if (lo < hi)
                            for (long n = 0; n < g.N; n++)
                            {
                                T* xp = (T*)ax + (n * g.C + o / mult) * g.InPlane, gyp = (T*)agy + (n * g.O + o) * g.L;
                                for (long oh = 0; oh < g.OH; oh++)
                                {
                                    long ih = oh * g.SH - g.PH + kh * g.DH;
                                    if ((ulong)ih >= (ulong)g.IH) continue;
                                    T* xrow = xp + ih * g.IW + iw0, gyrow = gyp + oh * g.OW + lo;
                                    if (g.SW == 1) sum += Vec<T>.Dot(gyrow, xrow, hi - lo);
                                    else
                                        for (long i = 0, s = g.SW; i < hi - lo; i++) sum += gyrow[i] * xrow[i * s];
                                }
                            }
                        wp[kh * g.KW + kw] = sum;
                    }
            }
        });
    }
}

/// <summary>The vector operations the depthwise kernels need, for one vector width (the JIT specialises each).</summary>
internal unsafe interface ISimd<T, TV> where T : unmanaged where TV : unmanaged
{
    static abstract int Count { get; }

    static abstract TV Zero { get; }

    static abstract TV Load(T* p);

    static abstract void Store(TV v, T* p);

    static abstract TV Splat(T v);

    /// <summary>a · b + c.</summary>
    static abstract TV Fma(TV a, TV b, TV c);

    static abstract TV Add(TV a, TV b);

    static abstract T Sum(TV v);
}

/// <summary>512-bit vectors.</summary>
internal readonly unsafe struct V512<T> : ISimd<T, Vector512<T>> where T : unmanaged, INumber<T>
{
    public static int Count => Vector512<T>.Count;

    public static Vector512<T> Zero => Vector512<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(T* p) => Vector512.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> v, T* p) => Vector512.Store(v, p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Splat(T v) => Vector512.Create(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> v) => Vector512.Sum(v);
}

/// <summary>256-bit vectors.</summary>
internal readonly unsafe struct V256<T> : ISimd<T, Vector256<T>> where T : unmanaged, INumber<T>
{
    public static int Count => Vector256<T>.Count;

    public static Vector256<T> Zero => Vector256<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(T* p) => Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> v, T* p) => Vector256.Store(v, p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Splat(T v) => Vector256.Create(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> v) => Vector256.Sum(v);
}
