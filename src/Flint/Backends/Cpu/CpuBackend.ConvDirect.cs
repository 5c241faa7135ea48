using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Backends.Cpu;

/// <summary>
/// Direct unit-stride convolution for few channels (LeNet-sized layers), where an im2col GEMM would be a handful of
/// rows long and the unrolling would cost more than the arithmetic. Each image's input planes are copied into
/// zero-bordered buffers; every output row is computed in vector registers for a block of output channels (8 channels
/// x 1 vector, or 4 channels x 2 vectors for wider rows), each loaded input vector feeding every channel of the block.
/// The input gradient is the same correlation of the bordered output gradient with the flipped, channel-swapped kernel.
/// </summary>
internal static unsafe class DirectConvKernels<T> where T : unmanaged, INumber<T>
{
    /// <summary>Whether the direct kernels take this convolution: float types, unit stride, 1-D/2-D, one group, few channels.</summary>
    public static bool Applies(ConvGeometry g) =>
        (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && (Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated)
        && g.Groups == 1 && g.SH == 1 && g.SW == 1 && g.KD == 1 && g.ID == 1 && !g.IsPointwise && g.O <= 32 && g.C <= 16;

    /// <summary>
    /// Whether the weight gradient goes through the direct kernels: when the gradient itself is small, the GEMM would be
    /// a few rows by a few columns (measured: LeNet's first layer 4x faster direct, its second faster as a GEMM).
    /// </summary>
    public static bool AppliesWeight(ConvGeometry g) => Applies(g) && g.O * g.K <= 1024;

    /// <summary>Whether the input gradient goes through the direct kernels (enough input channels to fill a block).</summary>
    public static bool AppliesBackward(ConvGeometry g) => Applies(g) && g.C >= 4;

    public static void Forward(T* x, T* w, T* b, T* y, ConvGeometry g)
    {
        if (Vector512.IsHardwareAccelerated) Impl<V512<T>, Vector512<T>>.Run(x, w, b, y, g, backward: false);
        else Impl<V256<T>, Vector256<T>>.Run(x, w, b, y, g, backward: false);
    }

    public static void BackwardInput(T* gy, T* w, T* gx, ConvGeometry g)
    {
        if (Vector512.IsHardwareAccelerated) Impl<V512<T>, Vector512<T>>.Run(gy, w, null, gx, g, backward: true);
        else Impl<V256<T>, Vector256<T>>.Run(gy, w, null, gx, g, backward: true);
    }

    public static void BackwardWeight(T* x, T* gy, T* gw, ConvGeometry g)
    {
        if (Vector512.IsHardwareAccelerated) Impl<V512<T>, Vector512<T>>.Weight(x, gy, gw, g);
        else Impl<V256<T>, Vector256<T>>.Weight(x, gy, gw, g);
    }

    /// <summary>Copies a plane into a zero-bordered buffer at (top, left); parts falling outside the buffer are dropped.</summary>
    internal static void Border(T* src, long inRows, long inCols, T* buf, long rows, long width, long top, long left)
    {
        long c0 = Math.Max(0, -left), c1 = Math.Min(inCols, width - left);
        long start = Math.Max(0, left + c0), end = Math.Max(start, left + c1);
        for (long br = 0; br < rows; br++)
        {
            T* row = buf + br * width;
            long r = br - top;
            if ((ulong)r >= (ulong)inRows || c1 <= c0)
            {
                Vec<T>.Clear(row, width);
                continue;
            }
            if (start > 0) Vec<T>.Clear(row, start);
            Vec<T>.Copy(row + start, src + r * inCols + c0, end - start);
            if (end < width) Vec<T>.Clear(row + end, width - end);
        }
    }

    private static class Impl<TS, TV> where TS : struct, ISimd<T, TV> where TV : unmanaged
    {
        /// <summary>
        /// Forward: in = x (C planes IH x IW), out = y (O planes OH x OW), bordered at (PH, PW). Backward: in = gy
        /// (O planes), out = gx (C planes), bordered at ((KH-1)·DH - PH, (KW-1)·DW - PW) with the flipped kernel.
        /// </summary>
        public static void Run(T* input, T* w, T* b, T* output, ConvGeometry g, bool backward)
        {
            long cin = backward ? g.O : g.C, cout = backward ? g.C : g.O;
            long inH = backward ? g.OH : g.IH, inW = backward ? g.OW : g.IW;
            long outH = backward ? g.IH : g.OH, outW = backward ? g.IW : g.OW;
            long top = backward ? (g.KH - 1) * g.DH - g.PH : g.PH, left = backward ? (g.KW - 1) * g.DW - g.PW : g.PW;
            long kh = g.KH, kw = g.KW, taps = kh * kw;
            // 8 channels x 1 vector for rows that fit a vector, else 4 channels x 2 vectors.
            int vb = outW <= TS.Count ? 1 : 2, ob = vb == 1 ? 8 : 4;
            long chunk = vb * TS.Count, blocks = (cout + ob - 1) / ob;
            long width = (outW + chunk - 1) / chunk * chunk + (kw - 1) * g.DW, rows = outH + (kh - 1) * g.DH;
            // Weights as [block][cin][kh][kw][ob], zero past cout; the backward kernel is flipped and channel-swapped.
            var wt = new T[blocks * cin * taps * ob];
            for (long o = 0; o < cout; o++)
                for (long c = 0; c < cin; c++)
                    for (long t = 0; t < taps; t++)
                    {
                        T v = backward ? w[(c * g.C + o) * taps + taps - 1 - t] : w[(o * g.C + c) * taps + t];
                        wt[((o / ob * cin + c) * taps + t) * ob + o % ob] = v;
                    }
            var bias = new T[blocks * ob];
            if (b is not null)
                for (long o = 0; o < cout; o++) bias[o] = b[o];
            long planes = cin * rows * width;
            int threads = (int)Math.Min(g.N, Parallelism.ThreadsFor(g.N * cout * cin * outH * outW * taps, 1L << 18));
            nint ai = (nint)input, ao = (nint)output;
            Parallelism.For(Math.Max(threads, 1), (t, count) =>
            {
                T* buf = ConvWorkspace.Get<T>(ConvWorkspace.Plane, planes + chunk * ob);
                T* scratch = buf + planes;
                fixed (T* pw = wt)
                fixed (T* pb = bias)
                    for (long n = g.N * t / count; n < g.N * (t + 1) / count; n++)
                    {
                        for (long c = 0; c < cin; c++)
                            Border((T*)ai + (n * cin + c) * inH * inW, inH, inW, buf + c * rows * width, rows, width, top, left);
                        T* outN = (T*)ao + n * cout * outH * outW;
                        for (long blk = 0; blk < blocks; blk++)
                        {
                            long o0 = blk * ob, valid = Math.Min(ob, cout - o0);
                            T* wb = pw + blk * cin * taps * ob;
                            for (long r = 0; r < outH; r++)
                                for (long col = 0; col < outW; col += chunk)
                                {
                                    long cols = Math.Min(chunk, outW - col);
                                    T* src = buf + r * width + col;
                                    T* dst = outN + (o0 * outH + r) * outW + col;
                                    long dstStride = outH * outW;
                                    if (vb == 1)
                                        Block8(src, rows * width, width, cin, kh, kw, g.DH, g.DW, wb, pb + o0, dst, dstStride, valid, cols, scratch);
                                    else
                                        Block4x2(src, rows * width, width, cin, kh, kw, g.DH, g.DW, wb, pb + o0, dst, dstStride, valid, cols, scratch);
                                }
                        }
                    }
            });
        }

        /// <summary>
        /// gw[o, c, kh, kw] = Σ_n Σ_rows gy[n, o] · x[n, c] shifted by the tap. Per image, the input planes go into
        /// bordered buffers and the output-gradient rows into zero-padded ones; each pass of the rows accumulates a block
        /// of 4 output channels x 2 horizontal taps in eight vector registers (six loads per eight multiply-adds). Threads
        /// split the images, each summing into its own partial.
        /// </summary>
        public static void Weight(T* x, T* gy, T* gw, ConvGeometry g)
        {
            long C = g.C, O = g.O, KH = g.KH, KW = g.KW, taps = KH * KW, size = O * C * taps;
            long gwid = (g.OW + TS.Count - 1) / TS.Count * TS.Count;
            long width = gwid + KW * g.DW, rows = g.OH + (KH - 1) * g.DH, oPad = (O + 3) / 4 * 4;
            long xImage = C * rows * width, gImage = oPad * g.OH * gwid;
            // Images are bordered in groups of about 40 KiB of buffers (within L1), so each tap pass runs over several images.
            long group = Math.Max(1, (40 << 10) / ((xImage + gImage) * sizeof(T)));
            int threads = (int)Math.Max(1, Math.Min(g.N, Parallelism.ThreadsFor(g.N * size * g.L, 1L << 18)));
            // Per thread, one vector accumulator per weight entry; summed across lanes and threads at the end.
            var partials = new T[threads * size * TS.Count];
            nint ax = (nint)x, agy = (nint)gy;
            Parallelism.For(threads, (t, count) =>
            {
                long n0 = g.N * t / count, n1 = g.N * (t + 1) / count;
                long nb = Math.Min(group, Math.Max(1, n1 - n0));
                T* buf = ConvWorkspace.Get<T>(ConvWorkspace.Plane, nb * (xImage + gImage));
                T* gbuf = buf + nb * xImage;
                fixed (T* part0 = partials)
                {
                    T* part = part0 + t * size * TS.Count;
                    for (long i0 = n0; i0 < n1; i0 += nb)
                    {
                        long m = Math.Min(nb, n1 - i0);
                        for (long i = 0; i < m; i++)
                        {
                            long n = i0 + i;
                            for (long c = 0; c < C; c++)
                                Border((T*)ax + (n * C + c) * g.InPlane, g.IH, g.IW, buf + i * xImage + c * rows * width, rows, width, g.PH, g.PW);
                            for (long o = 0; o < O; o++)
                                Border((T*)agy + (n * O + o) * g.L, g.OH, g.OW, gbuf + i * gImage + o * g.OH * gwid, g.OH, gwid, 0, 0);
                            Vec<T>.Clear(gbuf + i * gImage + O * g.OH * gwid, (oPad - O) * g.OH * gwid);
                        }
                        for (long c = 0; c < C; c++)
                            for (long kh = 0; kh < KH; kh++)
                                for (long kw = 0; kw < KW; kw += 2)
                                    for (long o0 = 0; o0 < O; o0 += 4)
                                        Taps4x2(buf + c * rows * width + kh * g.DH * width + kw * g.DW, xImage, width, g.DW,
                                            gbuf + o0 * g.OH * gwid, gImage, g.OH * gwid, gwid, g.OH, m, part, o0, c, kh, kw, C, KW, taps,
                                            Math.Min(4, O - o0), Math.Min(2, KW - kw));
                    }
                }
            });
            fixed (T* pp = partials)
                for (long i = 0; i < size; i++)
                {
                    TV acc = TS.Load(pp + i * TS.Count);
                    for (long t = 1; t < threads; t++) acc = TS.Add(acc, TS.Load(pp + (t * size + i) * TS.Count));
                    gw[i] = TS.Sum(acc);
                }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Taps4x2(T* xs, long xImage, long width, long dw, T* gs, long gImage, long gPlane, long gwid, long rows, long images,
            T* part, long o0, long c, long kh, long kw, long C, long KW, long taps, long validO, long validW)
        {
            // Accumulators of the valid entries start from their stored partial sums (invalid ones are discarded).
            long V = TS.Count;
            T* p0 = part + ((o0 * C + c) * taps + kh * KW + kw) * V;
            long step = C * taps * V;
            TV a0 = TS.Load(p0), b0 = validW > 1 ? TS.Load(p0 + V) : TS.Zero;
            TV a1 = validO > 1 ? TS.Load(p0 + step) : TS.Zero, b1 = validO > 1 && validW > 1 ? TS.Load(p0 + step + V) : TS.Zero;
            TV a2 = validO > 2 ? TS.Load(p0 + 2 * step) : TS.Zero, b2 = validO > 2 && validW > 1 ? TS.Load(p0 + 2 * step + V) : TS.Zero;
            TV a3 = validO > 3 ? TS.Load(p0 + 3 * step) : TS.Zero, b3 = validO > 3 && validW > 1 ? TS.Load(p0 + 3 * step + V) : TS.Zero;
            for (long i = 0; i < images; i++)
            for (long r = 0; r < rows; r++)
            {
                T* xr = xs + i * xImage + r * width, g0 = gs + i * gImage + r * gwid;
                for (long v = 0; v < gwid; v += TS.Count)
                {
                    TV x0 = TS.Load(xr + v), x1 = TS.Load(xr + dw + v);
                    TV q0 = TS.Load(g0 + v), q1 = TS.Load(g0 + gPlane + v), q2 = TS.Load(g0 + 2 * gPlane + v), q3 = TS.Load(g0 + 3 * gPlane + v);
                    a0 = TS.Fma(q0, x0, a0);
                    b0 = TS.Fma(q0, x1, b0);
                    a1 = TS.Fma(q1, x0, a1);
                    b1 = TS.Fma(q1, x1, b1);
                    a2 = TS.Fma(q2, x0, a2);
                    b2 = TS.Fma(q2, x1, b2);
                    a3 = TS.Fma(q3, x0, a3);
                    b3 = TS.Fma(q3, x1, b3);
                }
            }
            for (long k = 0; k < validO; k++)
            {
                var (first, second) = k switch { 0 => (a0, b0), 1 => (a1, b1), 2 => (a2, b2), _ => (a3, b3) };
                TS.Store(first, p0 + k * step);
                if (validW > 1) TS.Store(second, p0 + k * step + V);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Put(TV v, T* dst, long cols, T* scratch)
        {
            if (cols == TS.Count) TS.Store(v, dst);
            else
            {
                TS.Store(v, scratch);
                Vec<T>.Copy(dst, scratch, cols);
            }
        }

        // 8 output channels x one vector of columns: per tap, one input load feeds eight fused multiply-adds.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Block8(T* src, long plane, long width, long cin, long kh, long kw, long dh, long dw, T* w, T* bias,
            T* dst, long dstStride, long valid, long cols, T* scratch)
        {
            TV a0 = TS.Splat(bias[0]), a1 = TS.Splat(bias[1]), a2 = TS.Splat(bias[2]), a3 = TS.Splat(bias[3]);
            TV a4 = TS.Splat(bias[4]), a5 = TS.Splat(bias[5]), a6 = TS.Splat(bias[6]), a7 = TS.Splat(bias[7]);
            for (long c = 0; c < cin; c++)
                for (long i = 0; i < kh; i++)
                {
                    T* p = src + c * plane + i * dh * width;
                    for (long j = 0; j < kw; j++, w += 8)
                    {
                        TV v = TS.Load(p + j * dw);
                        a0 = TS.Fma(TS.Splat(w[0]), v, a0);
                        a1 = TS.Fma(TS.Splat(w[1]), v, a1);
                        a2 = TS.Fma(TS.Splat(w[2]), v, a2);
                        a3 = TS.Fma(TS.Splat(w[3]), v, a3);
                        a4 = TS.Fma(TS.Splat(w[4]), v, a4);
                        a5 = TS.Fma(TS.Splat(w[5]), v, a5);
                        a6 = TS.Fma(TS.Splat(w[6]), v, a6);
                        a7 = TS.Fma(TS.Splat(w[7]), v, a7);
                    }
                }
            Put(a0, dst, cols, scratch);
            if (valid > 1) Put(a1, dst + dstStride, cols, scratch);
            if (valid > 2) Put(a2, dst + 2 * dstStride, cols, scratch);
            if (valid > 3) Put(a3, dst + 3 * dstStride, cols, scratch);
            if (valid > 4) Put(a4, dst + 4 * dstStride, cols, scratch);
            if (valid > 5) Put(a5, dst + 5 * dstStride, cols, scratch);
            if (valid > 6) Put(a6, dst + 6 * dstStride, cols, scratch);
            if (valid > 7) Put(a7, dst + 7 * dstStride, cols, scratch);
        }

        // 4 output channels x two vectors of columns: per tap, two input loads feed eight fused multiply-adds.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Block4x2(T* src, long plane, long width, long cin, long kh, long kw, long dh, long dw, T* w, T* bias,
            T* dst, long dstStride, long valid, long cols, T* scratch)
        {
            TV a0 = TS.Splat(bias[0]), a1 = TS.Splat(bias[1]), a2 = TS.Splat(bias[2]), a3 = TS.Splat(bias[3]);
            TV b0 = a0, b1 = a1, b2 = a2, b3 = a3;
            for (long c = 0; c < cin; c++)
                for (long i = 0; i < kh; i++)
                {
                    T* p = src + c * plane + i * dh * width;
                    for (long j = 0; j < kw; j++, w += 4)
                    {
                        TV u = TS.Load(p + j * dw), v = TS.Load(p + j * dw + TS.Count);
                        TV w0 = TS.Splat(w[0]), w1 = TS.Splat(w[1]), w2 = TS.Splat(w[2]), w3 = TS.Splat(w[3]);
                        a0 = TS.Fma(w0, u, a0);
                        b0 = TS.Fma(w0, v, b0);
                        a1 = TS.Fma(w1, u, a1);
                        b1 = TS.Fma(w1, v, b1);
                        a2 = TS.Fma(w2, u, a2);
                        b2 = TS.Fma(w2, v, b2);
                        a3 = TS.Fma(w3, u, a3);
                        b3 = TS.Fma(w3, v, b3);
                    }
                }
            long first = Math.Min(cols, TS.Count), second = cols - first;
            for (long k = 0; k < valid; k++)
            {
                var (lo, hi) = k switch { 0 => (a0, b0), 1 => (a1, b1), 2 => (a2, b2), _ => (a3, b3) };
                T* d = dst + k * dstStride;
                Put(lo, d, first, scratch);
                if (second > 0) Put(hi, d + TS.Count, second, scratch);
            }
        }
    }
}
