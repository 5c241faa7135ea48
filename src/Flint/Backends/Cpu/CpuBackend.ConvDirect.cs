using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// Direct unit-stride convolution for few channels (LeNet-sized layers), where an im2col GEMM would be a handful of
/// rows long and the unrolling would cost more than the arithmetic. A block of 1 to 8 output channels x 1 to 6 vectors
/// is summed in registers, each loaded input vector feeding every channel of the block. With a vector of images per
/// thread, a vector holds one position of as many images (bordered planes [channel][row][column][image]); otherwise
/// each image's bordered planes are read as one flat run of positions across row ends. The input gradient is the same
/// correlation of the bordered output gradient with the flipped, channel-swapped kernel.
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
        var (c0, c1, start, end) = BorderColumns(inCols, width, left);
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

    // Input columns [c0, c1) land at bordered columns [start, end) of a row `width` wide with `left` zero columns before
    // the input (negative: input columns dropped).
    private static (long C0, long C1, long Start, long End) BorderColumns(long inCols, long width, long left)
    {
        long c0 = Math.Max(0, -left), c1 = Math.Min(inCols, width - left);
        long start = Math.Max(0, left + c0);
        return (c0, c1, start, Math.Max(start, left + c1));
    }

    /// <summary>
    /// The correlation one pass computes. Forward: in = x (C planes IH x IW), out = y (O planes OH x OW), bordered at
    /// (PH, PW). Backward: in = gy (O planes), out = gx (C planes), bordered at ((KH-1)·DH - PH, (KW-1)·DW - PW) with the
    /// flipped kernel. The bordered planes are rows x width, so that output position (r, col) reads rows r.. and
    /// columns col.. of them.
    /// </summary>
    private readonly struct Sides
    {
        public readonly long Cin, Cout, InH, InW, OutH, OutW, Top, Left, Width, Rows;

        public Sides(ConvGeometry g, bool backward)
        {
            Cin = backward ? g.O : g.C;
            Cout = backward ? g.C : g.O;
            InH = backward ? g.OH : g.IH;
            InW = backward ? g.OW : g.IW;
            OutH = backward ? g.IH : g.OH;
            OutW = backward ? g.IW : g.OW;
            Top = backward ? (g.KH - 1) * g.DH - g.PH : g.PH;
            Left = backward ? (g.KW - 1) * g.DW - g.PW : g.PW;
            Width = OutW + (g.KW - 1) * g.DW;
            Rows = OutH + (g.KH - 1) * g.DH;
        }
    }

    private static class Impl<TS, TV> where TS : struct, ISimd<T, TV> where TV : unmanaged
    {
        /// <summary>
        /// The pass <see cref="Sides"/> describes. Each image's bordered planes are read as one flat run of positions
        /// r·width + col (columns past the output width are computed and dropped), so a block of several vectors of
        /// positions spans row ends; the block's sums for a few output channels stay in registers over every tap and go
        /// to a staging buffer, whose valid columns are then copied out row by row.
        /// </summary>
        public static void Run(T* input, T* w, T* b, T* output, ConvGeometry g, bool backward)
        {
            var sides = new Sides(g, backward);
            long cin = sides.Cin, cout = sides.Cout, inH = sides.InH, inW = sides.InW, outH = sides.OutH, outW = sides.OutW;
            long top = sides.Top, left = sides.Left, width = sides.Width, rows = sides.Rows, plane = rows * width;
            long taps = g.KH * g.KW, steps = cin * taps;
            int ob = Channels(cout), pv = Vectors(ob);
            long block = pv * TS.Count, blocks = (cout + ob - 1) / ob;
            long span = outH * width, spanPad = (span + block - 1) / block * block;
            // The last block reads up to this far past the bordered planes (into zeros).
            long slack = spanPad - span + (g.KW - 1) * g.DW;
            // Weights as [block][cin][kh][kw][ob], zero past cout; the backward kernel is flipped and channel-swapped.
            var wt = new T[blocks * steps * ob];
            for (long o = 0; o < cout; o++)
            {
                // This runs before the threads start: no division per element.
                long at = o / ob * steps * ob + o % ob;
                for (long c = 0; c < cin; c++)
                {
                    T* src = backward ? w + (c * g.C + o) * taps + taps - 1 : w + (o * g.C + c) * taps;
                    for (long t = 0; t < taps; t++, at += ob) wt[at] = backward ? src[-t] : src[t];
                }
            }
            var bias = new T[blocks * ob];
            if (b is not null)
                for (long o = 0; o < cout; o++) bias[o] = b[o];
            int threads = (int)Math.Max(1, Math.Min(g.N, Parallelism.ThreadsFor(g.N * cout * cin * outH * outW * taps, 1L << 18)));
            // Images in lanes when every thread gets a full vector of them (and an image's output fits the int strides of
            // the transposes).
            if (g.N >= TS.Count * threads && cout * outH * outW <= int.MaxValue)
            {
                RunImages(input, output, g, sides, ob, wt, bias, threads);
                return;
            }
            var offsets = Offsets(g, cin, rows, width, 1);
            long planes = cin * plane;
            nint ai = (nint)input, ao = (nint)output;
            Parallelism.For(threads, (t, count) =>
            {
                T* buf = ConvWorkspace.Get<T>(ConvWorkspace.Plane, planes + slack + ob * spanPad);
                T* stage = buf + planes + slack;
                Vec<T>.Clear(buf + planes, slack);
                fixed (T* pw = wt)
                fixed (T* pb = bias)
                fixed (long* po = offsets)
                    for (long n = g.N * t / count; n < g.N * (t + 1) / count; n++)
                    {
                        for (long c = 0; c < cin; c++)
                            Border((T*)ai + (n * cin + c) * inH * inW, inH, inW, buf + c * plane, rows, width, top, left);
                        T* outN = (T*)ao + n * cout * outH * outW;
                        for (long blk = 0; blk < blocks; blk++)
                        {
                            long o0 = blk * ob, valid = Math.Min(ob, cout - o0);
                            T* wb = pw + blk * steps * ob;
                            for (long p = 0; p < span; p += block)
                                Block(ob, pv, buf + p, po, steps, wb, pb + o0, stage + p, spanPad);
                            for (long o = 0; o < valid; o++)
                                for (long r = 0; r < outH; r++)
                                    Vec<T>.Copy(outN + ((o0 + o) * outH + r) * outW, stage + o * spanPad + r * width, outW);
                        }
                    }
            });
        }

        /// <summary>
        /// <see cref="Run"/> with the images in vector lanes, for batches of at least a vector of images per thread:
        /// each group of TS.Count images is transposed into bordered planes [cin][rows][width][image], where one vector
        /// holds a position of every image, so a register block of consecutive positions of one output row wastes no
        /// lanes on the columns past a row's end (LeNet's second layer computed 14-wide rows for 10 outputs in the flat
        /// layout). The [cout][position][image] sums are transposed back into the output planes.
        /// </summary>
        private static void RunImages(T* input, T* output, ConvGeometry g, Sides sides, int ob, T[] wt, T[] bias, int threads)
        {
            long V = TS.Count;
            long cin = sides.Cin, cout = sides.Cout, inH = sides.InH, inW = sides.InW, outH = sides.OutH, outW = sides.OutW, L = outH * outW;
            long top = sides.Top, width = sides.Width, rows = sides.Rows, plane = rows * width;
            long steps = cin * g.KH * g.KW, blocks = (cout + ob - 1) / ob, groups = (g.N + V - 1) / V;
            var (c0, c1, start, end) = BorderColumns(inW, width, sides.Left);
            // A row's register blocks differ by at most one position (10 = 3 + 3 + 2 + 2, not 3 + 3 + 3 + 1).
            long perRow = (outW + Vectors(ob) - 1) / Vectors(ob);
            var offsets = Offsets(g, cin, rows, width, V);
            nint ai = (nint)input, ao = (nint)output;
            Parallelism.For((int)Math.Min(threads, groups), (t, count) =>
            {
                T* xt = ConvWorkspace.Get<T>(ConvWorkspace.Plane, (cin * plane + blocks * ob * L) * V);
                T* stage = xt + cin * plane * V;
                fixed (T* pw = wt)
                fixed (T* pb = bias)
                fixed (long* po = offsets)
                    for (long grp = groups * t / count; grp < groups * (t + 1) / count; grp++)
                    {
                        long n0 = grp * V, images = Math.Min(V, g.N - n0);
                        // Lanes of missing images hold zeros (stale values could be denormals, slow in every multiply).
                        if (images < V) Vec<T>.Clear(xt, cin * plane * V);
                        for (long c = 0; c < cin; c++)
                            for (long br = 0; br < rows; br++)
                            {
                                T* row = xt + (c * rows + br) * width * V;
                                long r = br - top;
                                if ((ulong)r >= (ulong)inH || c1 <= c0)
                                {
                                    Vec<T>.Clear(row, width * V);
                                    continue;
                                }
                                Vec<T>.Clear(row, start * V);
                                Vec<T>.Clear(row + end * V, (width - end) * V);
                                T* src = (T*)ai + (n0 * cin + c) * inH * inW + r * inW + c0;
                                if (typeof(T) == typeof(float) && V == 16) TransposeImages((float*)src, cin * inH * inW, (float*)row + start * V, images, end - start);
                                else LaneWeightKernels<T>.TransposeMatrix(src, cin * inH * inW, row + start * V, V, images, end - start);
                            }
                        for (long blk = 0; blk < blocks; blk++)
                        {
                            long o0 = blk * ob;
                            for (long oh = 0; oh < outH; oh++)
                                for (long q = 0, ow = 0; q < perRow; q++)
                                {
                                    long k = outW / perRow + (q < outW % perRow ? 1 : 0);
                                    Block(ob, (int)k, xt + (oh * width + ow) * V, po, steps, pw + blk * steps * ob, pb + o0,
                                        stage + (o0 * L + oh * outW + ow) * V, L * V);
                                    ow += k;
                                }
                        }
                        for (long o = 0; o < cout; o++)
                        {
                            T* so = stage + o * L * V, yo = (T*)ao + (n0 * cout + o) * L;
                            long p = typeof(T) == typeof(float) && V == 16 ? UntransposeImages((float*)so, (float*)yo, cout * L, L, images) : 0;
                            LaneWeightKernels<T>.TransposeMatrix(so + p * V, V, yo + p, cout * L, L - p, images);
                        }
                    }
            });
        }

        /// <summary>
        /// d[col·16 + i] = s[i·ls + col] for col &lt; cols and i &lt; 16 (zero for i ≥ images): a row of each of 16 images into
        /// 16-image vectors, 16 columns per in-register transpose (scalar 8 x 8 edges cost a fifth of LeNet's layer).
        /// </summary>
        private static void TransposeImages(float* s, long ls, float* d, long images, long cols)
        {
            for (long c = 0; c < cols; c += 16)
            {
                int k = (int)Math.Min(16, cols - c);
                var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(k)).AsSingle();
                float* p = s + c;
                Vector512<float> Row(long i) => i >= images ? Vector512<float>.Zero
                    : k == 16 ? Vector512.Load(p + i * ls) : Avx512F.MaskLoad(p + i * ls, mask, Vector512<float>.Zero);
                GemmPacking.StoreTransposed(Row(0), Row(1), Row(2), Row(3), Row(4), Row(5), Row(6), Row(7),
                    Row(8), Row(9), Row(10), Row(11), Row(12), Row(13), Row(14), Row(15), d + c * 16, 16, k);
            }
        }

        /// <summary>
        /// y[i·ld + p] = s[p·16 + i] for i &lt; images and p in whole blocks of 16 positions; returns the positions done.
        /// </summary>
        private static long UntransposeImages(float* s, float* y, long ld, long positions, long images)
        {
            long p = 0;
            for (; p + 16 <= positions; p += 16) GemmPacking.Transpose16x16(s + p * 16, 16, y + p, (int)ld, (int)images);
            return p;
        }

        /// <summary>The offset of each (c, i, j) tap within bordered planes of rows x width positions, each <paramref name="unit"/> elements.</summary>
        private static long[] Offsets(ConvGeometry g, long cin, long rows, long width, long unit)
        {
            var offsets = new long[cin * g.KH * g.KW];
            for (long c = 0; c < cin; c++)
                for (long i = 0; i < g.KH; i++)
                    for (long j = 0; j < g.KW; j++)
                        offsets[(c * g.KH + i) * g.KW + j] = ((c * rows + i * g.DH) * width + j * g.DW) * unit;
            return offsets;
        }

        // Output channels per register block: the size among 1, 2, 4, 6, 8 that wastes fewest channels (larger on ties).
        private static int Channels(long cout)
        {
            int best = 8;
            foreach (int c in (ReadOnlySpan<int>)[8, 6, 4, 2, 1])
                if ((cout + c - 1) / c * c < (cout + best - 1) / best * best) best = c;
            return best;
        }

        // Vectors of positions per register block: at most 24 sums, plus the loaded vectors, within 32 registers.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Vectors(int channels) => channels >= 8 ? 3 : channels >= 6 ? 4 : 6;

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

        /// <summary>Runs <see cref="Block{TC, TP}"/> for ob channels (1, 2, 4, 6 or 8) and pv vectors (1 to 6).</summary>
        private static void Block(int ob, int pv, T* src, long* offsets, long steps, T* w, T* bias, T* dst, long ld)
        {
            switch (ob)
            {
                case 1: Block<Count1>(pv, src, offsets, steps, w, bias, dst, ld); break;
                case 2: Block<Count2>(pv, src, offsets, steps, w, bias, dst, ld); break;
                case 4: Block<Count4>(pv, src, offsets, steps, w, bias, dst, ld); break;
                case 6: Block<Count6>(pv, src, offsets, steps, w, bias, dst, ld); break;
                default: Block<Count8>(pv, src, offsets, steps, w, bias, dst, ld); break;
            }
        }

        private static void Block<TC>(int pv, T* src, long* offsets, long steps, T* w, T* bias, T* dst, long ld) where TC : struct, ICount
        {
            switch (pv)
            {
                case 1: Block<TC, Count1>(src, offsets, steps, w, bias, dst, ld); break;
                case 2: Block<TC, Count2>(src, offsets, steps, w, bias, dst, ld); break;
                case 3: Block<TC, Count3>(src, offsets, steps, w, bias, dst, ld); break;
                case 4: Block<TC, Count4>(src, offsets, steps, w, bias, dst, ld); break;
                case 5: Block<TC, Count5>(src, offsets, steps, w, bias, dst, ld); break;
                default: Block<TC, Count6>(src, offsets, steps, w, bias, dst, ld); break;
            }
        }

        /// <summary>
        /// One block of <typeparamref name="TP"/> vectors x <typeparamref name="TC"/> output channels: sums start from the bias, every step adds
        /// the channel's weight times the input vectors at the step's offset, and the sums are stored to
        /// <paramref name="dst"/> (channel rows <paramref name="ld"/> apart).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Block<TC, TP>(T* src, long* offsets, long steps, T* w, T* bias, T* dst, long ld) where TC : struct, ICount where TP : struct, ICount
        {
            int oc = TC.Value, pv = TP.Value;
            long V = TS.Count;
            TV a00 = oc > 0 ? TS.Splat(bias[0]) : TS.Zero, a01 = oc > 0 ? TS.Splat(bias[0]) : TS.Zero, a02 = oc > 0 ? TS.Splat(bias[0]) : TS.Zero, a03 = oc > 0 ? TS.Splat(bias[0]) : TS.Zero, a04 = oc > 0 ? TS.Splat(bias[0]) : TS.Zero, a05 = oc > 0 ? TS.Splat(bias[0]) : TS.Zero;
            TV a10 = oc > 1 ? TS.Splat(bias[1]) : TS.Zero, a11 = oc > 1 ? TS.Splat(bias[1]) : TS.Zero, a12 = oc > 1 ? TS.Splat(bias[1]) : TS.Zero, a13 = oc > 1 ? TS.Splat(bias[1]) : TS.Zero, a14 = oc > 1 ? TS.Splat(bias[1]) : TS.Zero, a15 = oc > 1 ? TS.Splat(bias[1]) : TS.Zero;
            TV a20 = oc > 2 ? TS.Splat(bias[2]) : TS.Zero, a21 = oc > 2 ? TS.Splat(bias[2]) : TS.Zero, a22 = oc > 2 ? TS.Splat(bias[2]) : TS.Zero, a23 = oc > 2 ? TS.Splat(bias[2]) : TS.Zero, a24 = oc > 2 ? TS.Splat(bias[2]) : TS.Zero, a25 = oc > 2 ? TS.Splat(bias[2]) : TS.Zero;
            TV a30 = oc > 3 ? TS.Splat(bias[3]) : TS.Zero, a31 = oc > 3 ? TS.Splat(bias[3]) : TS.Zero, a32 = oc > 3 ? TS.Splat(bias[3]) : TS.Zero, a33 = oc > 3 ? TS.Splat(bias[3]) : TS.Zero, a34 = oc > 3 ? TS.Splat(bias[3]) : TS.Zero, a35 = oc > 3 ? TS.Splat(bias[3]) : TS.Zero;
            TV a40 = oc > 4 ? TS.Splat(bias[4]) : TS.Zero, a41 = oc > 4 ? TS.Splat(bias[4]) : TS.Zero, a42 = oc > 4 ? TS.Splat(bias[4]) : TS.Zero, a43 = oc > 4 ? TS.Splat(bias[4]) : TS.Zero, a44 = oc > 4 ? TS.Splat(bias[4]) : TS.Zero, a45 = oc > 4 ? TS.Splat(bias[4]) : TS.Zero;
            TV a50 = oc > 5 ? TS.Splat(bias[5]) : TS.Zero, a51 = oc > 5 ? TS.Splat(bias[5]) : TS.Zero, a52 = oc > 5 ? TS.Splat(bias[5]) : TS.Zero, a53 = oc > 5 ? TS.Splat(bias[5]) : TS.Zero, a54 = oc > 5 ? TS.Splat(bias[5]) : TS.Zero, a55 = oc > 5 ? TS.Splat(bias[5]) : TS.Zero;
            TV a60 = oc > 6 ? TS.Splat(bias[6]) : TS.Zero, a61 = oc > 6 ? TS.Splat(bias[6]) : TS.Zero, a62 = oc > 6 ? TS.Splat(bias[6]) : TS.Zero, a63 = oc > 6 ? TS.Splat(bias[6]) : TS.Zero, a64 = oc > 6 ? TS.Splat(bias[6]) : TS.Zero, a65 = oc > 6 ? TS.Splat(bias[6]) : TS.Zero;
            TV a70 = oc > 7 ? TS.Splat(bias[7]) : TS.Zero, a71 = oc > 7 ? TS.Splat(bias[7]) : TS.Zero, a72 = oc > 7 ? TS.Splat(bias[7]) : TS.Zero, a73 = oc > 7 ? TS.Splat(bias[7]) : TS.Zero, a74 = oc > 7 ? TS.Splat(bias[7]) : TS.Zero, a75 = oc > 7 ? TS.Splat(bias[7]) : TS.Zero;
            TV x0 = TS.Zero, x1 = TS.Zero, x2 = TS.Zero, x3 = TS.Zero, x4 = TS.Zero, x5 = TS.Zero;
            for (long t = 0; t < steps; t++, w += oc)
            {
                T* p = src + offsets[t];
                if (pv > 0) x0 = TS.Load(p + 0 * V);
                if (pv > 1) x1 = TS.Load(p + 1 * V);
                if (pv > 2) x2 = TS.Load(p + 2 * V);
                if (pv > 3) x3 = TS.Load(p + 3 * V);
                if (pv > 4) x4 = TS.Load(p + 4 * V);
                if (pv > 5) x5 = TS.Load(p + 5 * V);
                if (oc > 0)
                {
                    TV wv = TS.Splat(w[0]);
                    if (pv > 0) a00 = TS.Fma(wv, x0, a00);
                    if (pv > 1) a01 = TS.Fma(wv, x1, a01);
                    if (pv > 2) a02 = TS.Fma(wv, x2, a02);
                    if (pv > 3) a03 = TS.Fma(wv, x3, a03);
                    if (pv > 4) a04 = TS.Fma(wv, x4, a04);
                    if (pv > 5) a05 = TS.Fma(wv, x5, a05);
                }
                if (oc > 1)
                {
                    TV wv = TS.Splat(w[1]);
                    if (pv > 0) a10 = TS.Fma(wv, x0, a10);
                    if (pv > 1) a11 = TS.Fma(wv, x1, a11);
                    if (pv > 2) a12 = TS.Fma(wv, x2, a12);
                    if (pv > 3) a13 = TS.Fma(wv, x3, a13);
                    if (pv > 4) a14 = TS.Fma(wv, x4, a14);
                    if (pv > 5) a15 = TS.Fma(wv, x5, a15);
                }
                if (oc > 2)
                {
                    TV wv = TS.Splat(w[2]);
                    if (pv > 0) a20 = TS.Fma(wv, x0, a20);
                    if (pv > 1) a21 = TS.Fma(wv, x1, a21);
                    if (pv > 2) a22 = TS.Fma(wv, x2, a22);
                    if (pv > 3) a23 = TS.Fma(wv, x3, a23);
                    if (pv > 4) a24 = TS.Fma(wv, x4, a24);
                    if (pv > 5) a25 = TS.Fma(wv, x5, a25);
                }
                if (oc > 3)
                {
                    TV wv = TS.Splat(w[3]);
                    if (pv > 0) a30 = TS.Fma(wv, x0, a30);
                    if (pv > 1) a31 = TS.Fma(wv, x1, a31);
                    if (pv > 2) a32 = TS.Fma(wv, x2, a32);
                    if (pv > 3) a33 = TS.Fma(wv, x3, a33);
                    if (pv > 4) a34 = TS.Fma(wv, x4, a34);
                    if (pv > 5) a35 = TS.Fma(wv, x5, a35);
                }
                if (oc > 4)
                {
                    TV wv = TS.Splat(w[4]);
                    if (pv > 0) a40 = TS.Fma(wv, x0, a40);
                    if (pv > 1) a41 = TS.Fma(wv, x1, a41);
                    if (pv > 2) a42 = TS.Fma(wv, x2, a42);
                    if (pv > 3) a43 = TS.Fma(wv, x3, a43);
                    if (pv > 4) a44 = TS.Fma(wv, x4, a44);
                    if (pv > 5) a45 = TS.Fma(wv, x5, a45);
                }
                if (oc > 5)
                {
                    TV wv = TS.Splat(w[5]);
                    if (pv > 0) a50 = TS.Fma(wv, x0, a50);
                    if (pv > 1) a51 = TS.Fma(wv, x1, a51);
                    if (pv > 2) a52 = TS.Fma(wv, x2, a52);
                    if (pv > 3) a53 = TS.Fma(wv, x3, a53);
                    if (pv > 4) a54 = TS.Fma(wv, x4, a54);
                    if (pv > 5) a55 = TS.Fma(wv, x5, a55);
                }
                if (oc > 6)
                {
                    TV wv = TS.Splat(w[6]);
                    if (pv > 0) a60 = TS.Fma(wv, x0, a60);
                    if (pv > 1) a61 = TS.Fma(wv, x1, a61);
                    if (pv > 2) a62 = TS.Fma(wv, x2, a62);
                    if (pv > 3) a63 = TS.Fma(wv, x3, a63);
                    if (pv > 4) a64 = TS.Fma(wv, x4, a64);
                    if (pv > 5) a65 = TS.Fma(wv, x5, a65);
                }
                if (oc > 7)
                {
                    TV wv = TS.Splat(w[7]);
                    if (pv > 0) a70 = TS.Fma(wv, x0, a70);
                    if (pv > 1) a71 = TS.Fma(wv, x1, a71);
                    if (pv > 2) a72 = TS.Fma(wv, x2, a72);
                    if (pv > 3) a73 = TS.Fma(wv, x3, a73);
                    if (pv > 4) a74 = TS.Fma(wv, x4, a74);
                    if (pv > 5) a75 = TS.Fma(wv, x5, a75);
                }
            }
            if (oc > 0)
            {
                if (pv > 0) TS.Store(a00, dst + 0 * ld + 0 * V);
                if (pv > 1) TS.Store(a01, dst + 0 * ld + 1 * V);
                if (pv > 2) TS.Store(a02, dst + 0 * ld + 2 * V);
                if (pv > 3) TS.Store(a03, dst + 0 * ld + 3 * V);
                if (pv > 4) TS.Store(a04, dst + 0 * ld + 4 * V);
                if (pv > 5) TS.Store(a05, dst + 0 * ld + 5 * V);
            }
            if (oc > 1)
            {
                if (pv > 0) TS.Store(a10, dst + 1 * ld + 0 * V);
                if (pv > 1) TS.Store(a11, dst + 1 * ld + 1 * V);
                if (pv > 2) TS.Store(a12, dst + 1 * ld + 2 * V);
                if (pv > 3) TS.Store(a13, dst + 1 * ld + 3 * V);
                if (pv > 4) TS.Store(a14, dst + 1 * ld + 4 * V);
                if (pv > 5) TS.Store(a15, dst + 1 * ld + 5 * V);
            }
            if (oc > 2)
            {
                if (pv > 0) TS.Store(a20, dst + 2 * ld + 0 * V);
                if (pv > 1) TS.Store(a21, dst + 2 * ld + 1 * V);
                if (pv > 2) TS.Store(a22, dst + 2 * ld + 2 * V);
                if (pv > 3) TS.Store(a23, dst + 2 * ld + 3 * V);
                if (pv > 4) TS.Store(a24, dst + 2 * ld + 4 * V);
                if (pv > 5) TS.Store(a25, dst + 2 * ld + 5 * V);
            }
            if (oc > 3)
            {
                if (pv > 0) TS.Store(a30, dst + 3 * ld + 0 * V);
                if (pv > 1) TS.Store(a31, dst + 3 * ld + 1 * V);
                if (pv > 2) TS.Store(a32, dst + 3 * ld + 2 * V);
                if (pv > 3) TS.Store(a33, dst + 3 * ld + 3 * V);
                if (pv > 4) TS.Store(a34, dst + 3 * ld + 4 * V);
                if (pv > 5) TS.Store(a35, dst + 3 * ld + 5 * V);
            }
            if (oc > 4)
            {
                if (pv > 0) TS.Store(a40, dst + 4 * ld + 0 * V);
                if (pv > 1) TS.Store(a41, dst + 4 * ld + 1 * V);
                if (pv > 2) TS.Store(a42, dst + 4 * ld + 2 * V);
                if (pv > 3) TS.Store(a43, dst + 4 * ld + 3 * V);
                if (pv > 4) TS.Store(a44, dst + 4 * ld + 4 * V);
                if (pv > 5) TS.Store(a45, dst + 4 * ld + 5 * V);
            }
            if (oc > 5)
            {
                if (pv > 0) TS.Store(a50, dst + 5 * ld + 0 * V);
                if (pv > 1) TS.Store(a51, dst + 5 * ld + 1 * V);
                if (pv > 2) TS.Store(a52, dst + 5 * ld + 2 * V);
                if (pv > 3) TS.Store(a53, dst + 5 * ld + 3 * V);
                if (pv > 4) TS.Store(a54, dst + 5 * ld + 4 * V);
                if (pv > 5) TS.Store(a55, dst + 5 * ld + 5 * V);
            }
            if (oc > 6)
            {
                if (pv > 0) TS.Store(a60, dst + 6 * ld + 0 * V);
                if (pv > 1) TS.Store(a61, dst + 6 * ld + 1 * V);
                if (pv > 2) TS.Store(a62, dst + 6 * ld + 2 * V);
                if (pv > 3) TS.Store(a63, dst + 6 * ld + 3 * V);
                if (pv > 4) TS.Store(a64, dst + 6 * ld + 4 * V);
                if (pv > 5) TS.Store(a65, dst + 6 * ld + 5 * V);
            }
            if (oc > 7)
            {
                if (pv > 0) TS.Store(a70, dst + 7 * ld + 0 * V);
                if (pv > 1) TS.Store(a71, dst + 7 * ld + 1 * V);
                if (pv > 2) TS.Store(a72, dst + 7 * ld + 2 * V);
                if (pv > 3) TS.Store(a73, dst + 7 * ld + 3 * V);
                if (pv > 4) TS.Store(a74, dst + 7 * ld + 4 * V);
                if (pv > 5) TS.Store(a75, dst + 7 * ld + 5 * V);
            }
        }
    }
}
