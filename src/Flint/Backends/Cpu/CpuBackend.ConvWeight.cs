using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// Weight gradient of convolutions with few output channels per group, with the output channels in vector lanes:
/// gw[o, c, kh, kw] = Σ_n Σ_(oh, ow) gy[n, o, oh, ow] · x[n, c, oh·SH - PH + kh·DH, ow·SW - PW + kw]. Per group of images
/// the input planes are copied into zero-bordered buffers and the output gradient is transposed to [position, channel];
/// a pass then keeps a block of up to 24 taps (up to 8 kernel rows, each of KW taps) in vector accumulators and walks every
/// position once: one load of the position's output-gradient channels and one broadcast input value per multiply-add,
/// read straight from the bordered input (no im2col). Threads split the images, each summing into its own partial.
/// </summary>
internal static unsafe class LaneWeightKernels<T> where T : unmanaged, INumber<T>
{
    // Bordered images and transposed gradients of one group of images take about this many bytes (L2-resident).
    private const long GroupBytes = 192 << 10;

    // Vectors of output channels per group at most (one pass over the positions for each); 2 for 1x1 kernels, whose
    // passes hold few sums.
    private const int WeightVectors = 8;

    private static int MaxVectors(ConvGeometry g) => g.KH * g.KW > 1 ? WeightVectors : 2;

    /// <summary>
    /// Whether this weight gradient runs here: float types, 1-D/2-D, unit horizontal dilation, kernel rows of at most
    /// 8 taps, at most 2048 taps per output (as the forward's), and output channels per group that fill most of at
    /// most <see cref="WeightVectors"/> vectors (of 512 or 256 bits).
    /// </summary>

    public static bool Applies(ConvGeometry g) =>
        (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && Lanes(g.Og, MaxVectors(g)) > 0
        && g.KD == 1 && g.ID == 1 && g.DW == 1 && g.KW <= 8 && !g.IsPointwise && g.Cg * g.KH * g.KW <= 2048;

    // The vector width (in elements) whose lanes the output channels per group fill best, or 0 when none fills 3/4
    // of at most `vectors` vectors.
    internal static int Lanes(long og, int vectors = 2)
    {
        foreach (int v in (ReadOnlySpan<int>)[Vector512.IsHardwareAccelerated ? Vector512<T>.Count : 0, Vector256.IsHardwareAccelerated ? Vector256<T>.Count : 0])
        {
            long lanes = (og + v - 1) / Math.Max(v, 1) * v;
            if (v > 0 && og <= vectors * v && og * 4 >= lanes * 3) return v;
        }
        return 0;
    }

    public static void BackwardWeight(T* x, T* gy, T* gw, ConvGeometry g)
    {
        if (Vector512.IsHardwareAccelerated && Lanes(g.Og, MaxVectors(g)) == Vector512<T>.Count) Impl<V512<T>, Vector512<T>>.Run(x, gy, gw, g);
        else Impl<V256<T>, Vector256<T>>.Run(x, gy, gw, g);
    }

    /// <summary>The 8 x 8 float block at s (rows ls apart) transposed into d (rows ld apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(float* s, long ls, float* d, long ld)
    {
        var r0 = Avx.LoadVector256(s); var r1 = Avx.LoadVector256(s + ls);
        var r2 = Avx.LoadVector256(s + 2 * ls); var r3 = Avx.LoadVector256(s + 3 * ls);
        var r4 = Avx.LoadVector256(s + 4 * ls); var r5 = Avx.LoadVector256(s + 5 * ls);
        var r6 = Avx.LoadVector256(s + 6 * ls); var r7 = Avx.LoadVector256(s + 7 * ls);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + ld, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * ld, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * ld, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * ld, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * ld, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * ld, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * ld, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>d[c·ld + r] = s[r·ls + c] for r &lt; rows, c &lt; cols: 8 x 8 blocks in registers (float), the edges scalar.</summary>
    internal static void TransposeMatrix(T* s, long ls, T* d, long ld, long rows, long cols)
    {
        long r = 0;
        if (typeof(T) == typeof(float) && Avx.IsSupported)
            for (; r + 8 <= rows; r += 8)
            {
                long c = 0;
                for (; c + 8 <= cols; c += 8) Transpose8x8((float*)s + r * ls + c, ls, (float*)d + c * ld + r, ld);
                for (; c < cols; c++)
                    for (long i = r; i < r + 8; i++) d[c * ld + i] = s[i * ls + c];
            }
        for (; r < rows; r++)
            for (long c = 0; c < cols; c++) d[c * ld + r] = s[r * ls + c];
    }

    private static class Impl<TS, TV> where TS : struct, ISimd<T, TV> where TV : unmanaged
    {
        public static void Run(T* x, T* gy, T* gw, ConvGeometry g)
        {
            long V = TS.Count, G = g.Groups, Cg = g.Cg, Og = g.Og, KH = g.KH, KW = g.KW, OH = g.OH, OW = g.OW, L = g.L;
            long ogPad = (Og + V - 1) / V * V, lanes = G * ogPad, taps = Cg * KH * KW;
            long rows = g.IH + 2 * g.PH, width = g.IW + 2 * g.PW, plane = rows * width;
            long xImage = g.C * plane, gImage = L * lanes;
            long group = Math.Max(1, GroupBytes / ((xImage + gImage) * sizeof(T)));
            long size = G * taps * ogPad;
            int threads = (int)Math.Max(1, Math.Min(g.N, Parallelism.ThreadsFor(g.N * g.O * g.K * L, 1L << 18)));
            // Pooled (a managed array this size would land on the large-object heap at every call).
            var partials = Tensor.Allocate([threads, size], DTypes.Of<T>(), Device.CPU);
            nint ax = (nint)x, agy = (nint)gy, ap = (nint)partials.Ptr;
            Parallelism.For(threads, (t, count) =>
            {
                long n0 = g.N * t / count, n1 = g.N * (t + 1) / count;
                long nb = Math.Min(group, Math.Max(1, n1 - n0));
                T* xbuf = ConvWorkspace.Get<T>(ConvWorkspace.Plane, nb * (xImage + gImage));
                T* gbuf = xbuf + nb * xImage;
                {
                    T* part = (T*)ap + t * size;
                    Vec<T>.Clear(part, size);
                    for (long i0 = n0; i0 < n1; i0 += nb)
                    {
                        long m = Math.Min(nb, n1 - i0);
                        for (long i = 0; i < m; i++)
                        {
                            long n = i0 + i;
                            for (long c = 0; c < g.C; c++)
                                DirectConvKernels<T>.Border((T*)ax + (n * g.C + c) * g.InPlane, g.IH, g.IW, xbuf + i * xImage + c * plane,
                                    rows, width, g.PH, g.PW);
                            Transpose((T*)agy + n * g.O * L, gbuf + i * gImage, g, ogPad);
                        }
                        for (long gr = 0; gr < G; gr++)
                            for (long ob = 0; ob < ogPad;)
                            {
                                // Two vectors of channels per pass while two remain.
                                bool two = ob + 2 * V <= ogPad;
                                Passes(xbuf + gr * Cg * plane, xImage, plane, width, gbuf + gr * L * ogPad + ob, gImage, ogPad, m, g,
                                    part + gr * taps * ogPad + ob, ogPad, two);
                                ob += two ? 2 * V : V;
                            }
                    }
                }
            });
            // The threads' partials summed into the first, then transposed from [group][tap][ogPad] into gw, each pass
            // split over the threads (done on one thread, strided and scalar, it left the other thread idle for a
            // tenth of ResNet's 128-channel weight gradient).
            nint agw = (nint)gw;
            Parallelism.For(threads, (t, count) =>
            {
                long a = size * t / count, b = size * (t + 1) / count;
                for (int u = 1; u < threads; u++) Vec<T>.Add((T*)ap + a, (T*)ap + u * size + a, b - a);
            });
            long perGroup = (Og + 7) / 8, blocks = G * perGroup;
            Parallelism.For((int)Math.Min(threads, blocks), (t, count) =>
            {
                for (long u = blocks * t / count; u < blocks * (t + 1) / count; u++)
                {
                    long gr = u / perGroup, o0 = u % perGroup * 8;
                    TransposeMatrix((T*)ap + gr * taps * ogPad + o0, ogPad, (T*)agw + (gr * Og + o0) * taps, taps, taps, Math.Min(8, Og - o0));
                }
            });
            GC.KeepAlive(partials);
        }

        // gy[n] [O, L] into [groups, L, ogPad]: channel o of group gr at position p in lane o of row gr · L + p, padding lanes zero.
        private static void Transpose(T* gy, T* dst, ConvGeometry g, long ogPad)
        {
            long L = g.L, Og = g.Og, G = g.Groups;
            if (ogPad != Og) Vec<T>.Clear(dst, G * L * ogPad);
            for (long gr = 0; gr < G; gr++) TransposeMatrix(gy + gr * Og * L, L, dst + gr * L * ogPad, ogPad, Og, L);
        }

        // Every tap of one group and one vector of its output channels (two with `two`), in blocks of kernel rows (row = c · KH + kh).
        private static void Passes(T* x, long xImage, long plane, long width, T* gyT, long gImage, long lanes, long images,
            ConvGeometry g, T* part, long ogPad, bool two)
        {
            switch (g.KW)
            {
                case 1: Rows<Count1>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad, two); break;
                case 2: Rows<Count2>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad, two); break;
                case 3: Rows<Count3>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad, two); break;
                case 4: Rows<Count4>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad, two); break;
                case 5: Rows<Count5>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad, two); break;
                case 6: Rows<Count6>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad, two); break;
                case 7: Rows<Count7>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad, two); break;
                default: Rows<Count8>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad, two); break;
            }
        }

        // Kernel rows per pass: at most 24 accumulators (8 rows of up to 3 taps, 4 rows of up to 6, 3 rows of 7 or 8);
        // with two vectors of channels, 12 taps of each (4 rows of up to 3 taps, 2 of up to 6, 1 of 7 or 8).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int RowsPerPass<TW>() where TW : struct, ICount => TW.Value <= 3 ? 8 : TW.Value <= 6 ? 4 : 3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int RowsPerPairPass<TW>() where TW : struct, ICount => TW.Value <= 3 ? 4 : TW.Value <= 6 ? 2 : 1;

        private static void Rows<TW>(T* x, long xImage, long plane, long width, T* gyT, long gImage, long lanes, long images,
            ConvGeometry g, T* part, long ogPad, bool two) where TW : struct, ICount
        {
            long KH = g.KH, total = g.Cg * KH, R = two ? RowsPerPairPass<TW>() : RowsPerPass<TW>();
            long rowStep = g.SH * width, dh = g.DH * width;
            for (long r0 = 0; r0 < total; r0 += R)
            {
                long valid = Math.Min(R, total - r0);
                // Rows past the last one repeat row r0 (their sums are dropped).
                T* x0 = x + (r0 / KH) * plane + (r0 % KH) * dh;
                T* x1 = Row(x, x0, r0 + 1, valid > 1, KH, plane, dh), x2 = Row(x, x0, r0 + 2, valid > 2, KH, plane, dh);
                T* x3 = Row(x, x0, r0 + 3, valid > 3, KH, plane, dh), x4 = Row(x, x0, r0 + 4, valid > 4, KH, plane, dh);
                T* x5 = Row(x, x0, r0 + 5, valid > 5, KH, plane, dh), x6 = Row(x, x0, r0 + 6, valid > 6, KH, plane, dh);
                T* x7 = Row(x, x0, r0 + 7, valid > 7, KH, plane, dh);
                if (two)
                {
                    PairPass<TW>(x0, x1, x2, x3, xImage, rowStep, g.SW, g.OH, g.OW, gyT, gImage, lanes, images,
                        part + r0 * TW.Value * ogPad, ogPad, valid * TW.Value);
                    continue;
                }
                Pass<TW>(x0, x1, x2, x3, x4, x5, x6, x7, xImage, rowStep, g.SW, g.OH, g.OW, gyT, gImage, lanes, images,
                    part + r0 * TW.Value * ogPad, ogPad, valid * TW.Value);
            }
        }

        // Adds accumulator i to its partial sums when the pass used it.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Flush(int i, TV a, T* part, long ogPad, long used)
        {
            if (i >= used) return;
            T* p = part + i * ogPad;
            TS.Store(TS.Add(TS.Load(p), a), p);
        }

        // Kernel row `row` (c · KH + kh) of the bordered planes at x, or `first` when it is past the pass's valid rows.
        private static T* Row(T* x, T* first, long row, bool valid, long KH, long plane, long dh) =>
            valid ? x + (row / KH) * plane + (row % KH) * dh : first;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Step<TW>(int i, T* q0, T* q1, T* q2, T* q3, T* q4, T* q5, T* q6, T* q7, TV gv, TV a) where TW : struct, ICount
        {
            int w = TW.Value;
            if (i >= RowsPerPass<TW>() * w) return a;
            int r = i / w;
            T* q = r switch { 0 => q0, 1 => q1, 2 => q2, 3 => q3, 4 => q4, 5 => q5, 6 => q6, _ => q7 };
            return TS.Fma(TS.Splat(q[i % w]), gv, a);
        }

        // Tap i of rows q0..q3 broadcast, for the pair passes (which hold at most 12 taps).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Tap<TW>(int i, T* q0, T* q1, T* q2, T* q3) where TW : struct, ICount
        {
            int w = TW.Value, r = i / w;
            T* q = r switch { 0 => q0, 1 => q1, 2 => q2, _ => q3 };
            return TS.Splat(q[i % w]);
        }

        // Tap i into accumulators a (channels gv0) and b (channels gv1), when the pair pass holds it.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void PairStep<TW>(int i, T* q0, T* q1, T* q2, T* q3, TV gv0, TV gv1, ref TV a, ref TV b) where TW : struct, ICount
        {
            if (i >= RowsPerPairPass<TW>() * TW.Value) return;
            var s = Tap<TW>(i, q0, q1, q2, q3);
            a = TS.Fma(s, gv0, a);
            b = TS.Fma(s, gv1, b);
        }

        /// <summary>
        /// <see cref="Pass{TW}"/> for two vectors of output channels at once: each broadcast input value feeds two
        /// multiply-adds (14 loads per 24 of them instead of 25: the single-vector passes ran ResNet's 128-channel
        /// weight gradient at about 82% of the FMA peak, bound by loads).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void PairPass<TW>(T* x0, T* x1, T* x2, T* x3, long xImage, long rowStep, long sw, long oh, long ow,
            T* gyT, long gImage, long lanes, long images, T* part, long ogPad, long used) where TW : struct, ICount
        {
            TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero;
            TV a6 = TS.Zero, a7 = TS.Zero, a8 = TS.Zero, a9 = TS.Zero, a10 = TS.Zero, a11 = TS.Zero;
            TV b0 = TS.Zero, b1 = TS.Zero, b2 = TS.Zero, b3 = TS.Zero, b4 = TS.Zero, b5 = TS.Zero;
            TV b6 = TS.Zero, b7 = TS.Zero, b8 = TS.Zero, b9 = TS.Zero, b10 = TS.Zero, b11 = TS.Zero;
            long v = TS.Count;
            for (long n = 0; n < images; n++)
                for (long r = 0; r < oh; r++)
                {
                    long off = n * xImage + r * rowStep;
                    T* q0 = x0 + off, q1 = x1 + off, q2 = x2 + off, q3 = x3 + off;
                    T* gp = gyT + n * gImage + r * ow * lanes;
                    for (long c = 0; c < ow; c++, q0 += sw, q1 += sw, q2 += sw, q3 += sw, gp += lanes)
                    {
                        TV g0 = TS.Load(gp), g1 = TS.Load(gp + v);
                        PairStep<TW>(0, q0, q1, q2, q3, g0, g1, ref a0, ref b0);
                        PairStep<TW>(1, q0, q1, q2, q3, g0, g1, ref a1, ref b1);
                        PairStep<TW>(2, q0, q1, q2, q3, g0, g1, ref a2, ref b2);
                        PairStep<TW>(3, q0, q1, q2, q3, g0, g1, ref a3, ref b3);
                        PairStep<TW>(4, q0, q1, q2, q3, g0, g1, ref a4, ref b4);
                        PairStep<TW>(5, q0, q1, q2, q3, g0, g1, ref a5, ref b5);
                        PairStep<TW>(6, q0, q1, q2, q3, g0, g1, ref a6, ref b6);
                        PairStep<TW>(7, q0, q1, q2, q3, g0, g1, ref a7, ref b7);
                        PairStep<TW>(8, q0, q1, q2, q3, g0, g1, ref a8, ref b8);
                        PairStep<TW>(9, q0, q1, q2, q3, g0, g1, ref a9, ref b9);
                        PairStep<TW>(10, q0, q1, q2, q3, g0, g1, ref a10, ref b10);
                        PairStep<TW>(11, q0, q1, q2, q3, g0, g1, ref a11, ref b11);
                    }
                }
            T* second = part + v;
            Flush(0, a0, part, ogPad, used); Flush(1, a1, part, ogPad, used); Flush(2, a2, part, ogPad, used);
            Flush(3, a3, part, ogPad, used); Flush(4, a4, part, ogPad, used); Flush(5, a5, part, ogPad, used);
            Flush(6, a6, part, ogPad, used); Flush(7, a7, part, ogPad, used); Flush(8, a8, part, ogPad, used);
            Flush(9, a9, part, ogPad, used); Flush(10, a10, part, ogPad, used); Flush(11, a11, part, ogPad, used);
            Flush(0, b0, second, ogPad, used); Flush(1, b1, second, ogPad, used); Flush(2, b2, second, ogPad, used);
            Flush(3, b3, second, ogPad, used); Flush(4, b4, second, ogPad, used); Flush(5, b5, second, ogPad, used);
            Flush(6, b6, second, ogPad, used); Flush(7, b7, second, ogPad, used); Flush(8, b8, second, ogPad, used);
            Flush(9, b9, second, ogPad, used); Flush(10, b10, second, ogPad, used); Flush(11, b11, second, ogPad, used);
        }

        /// <summary>
        /// Accumulates taps [0, used) of the rows at x0..x3 (tap i = row i / KW, column i % KW) over every position of
        /// every image, adding the sums to part[i · ogPad .. + V].
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Pass<TW>(T* x0, T* x1, T* x2, T* x3, T* x4, T* x5, T* x6, T* x7, long xImage, long rowStep, long sw, long oh, long ow,
            T* gyT, long gImage, long lanes, long images, T* part, long ogPad, long used) where TW : struct, ICount
        {
            TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero, a6 = TS.Zero, a7 = TS.Zero;
            TV a8 = TS.Zero, a9 = TS.Zero, a10 = TS.Zero, a11 = TS.Zero, a12 = TS.Zero, a13 = TS.Zero, a14 = TS.Zero, a15 = TS.Zero;
            TV a16 = TS.Zero, a17 = TS.Zero, a18 = TS.Zero, a19 = TS.Zero, a20 = TS.Zero, a21 = TS.Zero, a22 = TS.Zero, a23 = TS.Zero;
            for (long n = 0; n < images; n++)
                for (long r = 0; r < oh; r++)
                {
                    long off = n * xImage + r * rowStep;
                    T* q0 = x0 + off, q1 = x1 + off, q2 = x2 + off, q3 = x3 + off, q4 = x4 + off, q5 = x5 + off, q6 = x6 + off, q7 = x7 + off;
                    T* gp = gyT + n * gImage + r * ow * lanes;
                    for (long c = 0; c < ow; c++, q0 += sw, q1 += sw, q2 += sw, q3 += sw, q4 += sw, q5 += sw, q6 += sw, q7 += sw, gp += lanes)
                    {
                        TV gv = TS.Load(gp);
                        a0 = Step<TW>(0, q0, q1, q2, q3, q4, q5, q6, q7, gv, a0);
                        a1 = Step<TW>(1, q0, q1, q2, q3, q4, q5, q6, q7, gv, a1);
                        a2 = Step<TW>(2, q0, q1, q2, q3, q4, q5, q6, q7, gv, a2);
                        a3 = Step<TW>(3, q0, q1, q2, q3, q4, q5, q6, q7, gv, a3);
                        a4 = Step<TW>(4, q0, q1, q2, q3, q4, q5, q6, q7, gv, a4);
                        a5 = Step<TW>(5, q0, q1, q2, q3, q4, q5, q6, q7, gv, a5);
                        a6 = Step<TW>(6, q0, q1, q2, q3, q4, q5, q6, q7, gv, a6);
                        a7 = Step<TW>(7, q0, q1, q2, q3, q4, q5, q6, q7, gv, a7);
                        a8 = Step<TW>(8, q0, q1, q2, q3, q4, q5, q6, q7, gv, a8);
                        a9 = Step<TW>(9, q0, q1, q2, q3, q4, q5, q6, q7, gv, a9);
                        a10 = Step<TW>(10, q0, q1, q2, q3, q4, q5, q6, q7, gv, a10);
                        a11 = Step<TW>(11, q0, q1, q2, q3, q4, q5, q6, q7, gv, a11);
                        a12 = Step<TW>(12, q0, q1, q2, q3, q4, q5, q6, q7, gv, a12);
                        a13 = Step<TW>(13, q0, q1, q2, q3, q4, q5, q6, q7, gv, a13);
                        a14 = Step<TW>(14, q0, q1, q2, q3, q4, q5, q6, q7, gv, a14);
                        a15 = Step<TW>(15, q0, q1, q2, q3, q4, q5, q6, q7, gv, a15);
                        a16 = Step<TW>(16, q0, q1, q2, q3, q4, q5, q6, q7, gv, a16);
                        a17 = Step<TW>(17, q0, q1, q2, q3, q4, q5, q6, q7, gv, a17);
                        a18 = Step<TW>(18, q0, q1, q2, q3, q4, q5, q6, q7, gv, a18);
                        a19 = Step<TW>(19, q0, q1, q2, q3, q4, q5, q6, q7, gv, a19);
                        a20 = Step<TW>(20, q0, q1, q2, q3, q4, q5, q6, q7, gv, a20);
                        a21 = Step<TW>(21, q0, q1, q2, q3, q4, q5, q6, q7, gv, a21);
                        a22 = Step<TW>(22, q0, q1, q2, q3, q4, q5, q6, q7, gv, a22);
                        a23 = Step<TW>(23, q0, q1, q2, q3, q4, q5, q6, q7, gv, a23);
                    }
                }
            Flush(0, a0, part, ogPad, used); Flush(1, a1, part, ogPad, used); Flush(2, a2, part, ogPad, used);
            Flush(3, a3, part, ogPad, used); Flush(4, a4, part, ogPad, used); Flush(5, a5, part, ogPad, used);
            Flush(6, a6, part, ogPad, used); Flush(7, a7, part, ogPad, used); Flush(8, a8, part, ogPad, used);
            Flush(9, a9, part, ogPad, used); Flush(10, a10, part, ogPad, used); Flush(11, a11, part, ogPad, used);
            Flush(12, a12, part, ogPad, used); Flush(13, a13, part, ogPad, used); Flush(14, a14, part, ogPad, used);
            Flush(15, a15, part, ogPad, used); Flush(16, a16, part, ogPad, used); Flush(17, a17, part, ogPad, used);
            Flush(18, a18, part, ogPad, used); Flush(19, a19, part, ogPad, used); Flush(20, a20, part, ogPad, used);
            Flush(21, a21, part, ogPad, used); Flush(22, a22, part, ogPad, used); Flush(23, a23, part, ogPad, used);
        }
    }
}
