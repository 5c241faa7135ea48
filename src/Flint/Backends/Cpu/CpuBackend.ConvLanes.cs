using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// Forward convolution with the output channels of a group in vector lanes (8 to 128 per group in float32):
/// y[n, o, oh, ow] = b[o] + Σ_(c, kh, kw) w[o, c, kh, kw] · x[n, c, oh·SH - PH + kh·DH, ow·SW - PW + kw·DW]. Per image the
/// input planes are copied into zero-bordered buffers; a block of consecutive output positions of one row keeps its
/// sums (one or two vectors of channels at a time) in registers over every tap, each tap one load of the weights' channel
/// vector and one broadcast input value per multiply-add, read straight from the bordered planes (no im2col). The
/// [position, channel] sums are transposed into the output. Any stride, padding and dilation; used where the
/// channels per group fill most of the lanes: grouped layers, whose im2col GEMMs have few rows, and one-group layers
/// of fewer than 128 output channels, whose GEMMs would pack each im2col panel for only one or two weight panels.
/// </summary>
internal static unsafe class LaneConvKernels<T> where T : unmanaged, INumber<T>
{
    // Vectors of output channels per group at most (register blocks take one or two at a time): 8, strided layers too
    // since rows are cut into equal register blocks (the 32x32 3x3/2 layer of 128 channels 2.8 -> 2.5 ms, ResNet's
    // 56 -> 28 one 2.05 -> 1.95 ms; they had run faster as a GEMM while blocks ran across row ends); 2 for strided 1x1
    // kernels, which use each input once (ResNet's 128-channel downsample: 0.31 ms as a GEMM, 0.40 here).
    private static int MaxVectors(ConvGeometry g) => g.KH * g.KW > 1 ? 8 : 2;

    /// <summary>
    /// Whether this forward convolution can run here: 1-D/2-D, at most 2048 taps per output (a 3x3 kernel over 128
    /// channels has 1152), 8 or more channels per group filling most of the lanes of up to 8 vectors. Other one-group
    /// layers run as an implicit-column GEMM (<c>ConvKernels.ForwardTakesPositions</c>).
    /// </summary>

    public static bool Applies(ConvGeometry g) =>
        (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && g.KD == 1 && g.ID == 1 && !g.IsPointwise
        && g.Og >= 8 && g.Cg >= 4 && g.K <= 2048 && LaneWeightKernels<T>.Lanes(g.Og, MaxVectors(g)) > 0;

    public static void Forward(T* x, T* w, T* b, T* y, ConvGeometry g)
    {
        if (Vector512.IsHardwareAccelerated && LaneWeightKernels<T>.Lanes(g.Og, MaxVectors(g)) == Vector512<T>.Count) Impl<V512<T>, Vector512<T>>.Run(x, w, b, y, g);
        else Impl<V256<T>, Vector256<T>>.Run(x, w, b, y, g);
    }

    /// <summary>
    /// stage [OH rows <paramref name="ld"/> positions apart, position, <paramref name="ogPad"/>] into y [Og, OH, OW], its
    /// channel planes <paramref name="L"/> apart (positions-major sums back to channel planes; OH·OW where y is whole
    /// planes, more where it is a range of their positions).
    /// </summary>
    internal static void Untranspose(T* stage, long ld, T* y, long OH, long OW, long Og, long ogPad, long L)
    {
        for (long oh = 0; oh < OH; oh++)
        {
            T* srow = stage + oh * ld * ogPad, yrow = y + oh * OW;
            long o = 0;
            if (typeof(T) == typeof(float) && Avx512F.IsSupported && L <= int.MaxValue)
                for (; o + 16 <= Og; o += 16)
                {
                    // Sixteen channels by sixteen positions per transpose: the 32x32 64-channel forward spent 11.5% of
                    // its CPU in 8 x 8 ones, 8.8% in these.
                    float* s = (float*)srow + o, d = (float*)yrow + o * L;
                    long p = 0;
                    for (; p + 16 <= OW; p += 16) GemmPacking.Transpose16x16(s + p * ogPad, ogPad, d + p, (int)L, 16);
                    LaneWeightKernels<T>.TransposeMatrix(srow + o + p * ogPad, ogPad, yrow + o * L + p, L, OW - p, 16);
                }
            LaneWeightKernels<T>.TransposeMatrix(srow + o, ogPad, yrow + o * L, L, OW, Og - o);
        }
    }

    /// <summary>The horizontal stride of a register block, as a type so that unit stride compiles to constant offsets.</summary>
    private interface IStride
    {
        static abstract long Of(long sw);
    }

    private struct UnitStride : IStride { public static long Of(long sw) => 1; }
    private struct AnyStride : IStride { public static long Of(long sw) => sw; }

    private static class Impl<TS, TV> where TS : struct, ISimd<T, TV> where TV : unmanaged
    {
        // Positions per register block: 24 with one vector of channels, 14 with two (28 accumulators, two weight vectors
        // and a broadcast: 31 of AVX-512's 32 registers).
        private const int Wide = 24, Narrow = 14;

        public static void Run(T* x, T* w, T* b, T* y, ConvGeometry g)
        {
            long V = TS.Count, G = g.Groups, Cg = g.Cg, Og = g.Og, OH = g.OH, OW = g.OW, L = g.L;
            long ogPad = (Og + V - 1) / V * V, taps = Cg * g.KH * g.KW;
            int P = ogPad > V ? Narrow : Wide;
            long rows = g.IH + 2 * g.PH, width = g.IW + 2 * g.PW, plane = rows * width, xImage = g.C * plane;
            // A flat run's last block computes up to 23 positions past the planes' rows: reads past the planes, writes
            // past L.
            long slack = Wide + (g.KW - 1) * g.DW + width;
            // Each output row is cut into blocks of near-equal size (32 = 11 + 11 + 10 two-vector blocks, 16 + 16 one-vector
            // ones): no sums for the border columns that a flat run computes and drops (6% of the 32x32 64-channel
            // layer's), nor for a last partial block. Unit-stride rows narrower than a block run flat instead, across row
            // ends.
            bool flat = g.SH == 1 && g.SW == 1 && OW < P;
            long ld = flat ? width : OW;
            long stageRows = OH * ld + Wide;
            // Weights as [group][tap][ogPad] and bias as [group][ogPad], zero in the padding lanes.
            // Pooled (a managed array this size would land on the large-object heap at every call).
            var wtensor = Tensor.Allocate([G * taps * ogPad], DTypes.Of<T>(), Device.CPU);
            T* wt = (T*)wtensor.Ptr;
            Vec<T>.Clear(wt, G * taps * ogPad);
            var bias = new T[G * ogPad];
            for (long gr = 0; gr < G; gr++)
            {
                LaneWeightKernels<T>.TransposeMatrix(w + gr * Og * taps, taps, wt + gr * taps * ogPad, ogPad, Og, taps);
                if (b is not null)
                    for (long o = 0; o < Og; o++) bias[gr * ogPad + o] = b[gr * Og + o];
            }
            var offsets = new long[taps];
            for (long c = 0; c < Cg; c++)
                for (long i = 0; i < g.KH; i++)
                    for (long j = 0; j < g.KW; j++)
                        offsets[(c * g.KH + i) * g.KW + j] = c * plane + i * g.DH * width + j * g.DW;
            int threads = (int)Math.Max(1, Math.Min(g.N, Parallelism.ThreadsFor(g.N * g.O * g.K * L, 1L << 18)));
            nint ax = (nint)x, ay = (nint)y, awt = (nint)wt;
            // Images are handed out one at a time rather than in fixed halves: a thread that starts late (woken from
            // the pool) or is descheduled leaves its share to the other instead of making it wait.
            long next = -1;
            Parallelism.For(threads, (t, count) =>
            {
                T* xbuf = ConvWorkspace.Get<T>(ConvWorkspace.Plane, xImage + slack + stageRows * ogPad);
                T* stage = xbuf + xImage + slack;
                Vec<T>.Clear(xbuf + xImage, slack);
                T* pw = (T*)awt;
                fixed (T* pb = bias)
                fixed (long* po = offsets)
                    for (long n = Interlocked.Increment(ref next); n < g.N; n = Interlocked.Increment(ref next))
                    {
                        for (long c = 0; c < g.C; c++)
                            DirectConvKernels<T>.Border((T*)ax + (n * g.C + c) * g.InPlane, g.IH, g.IW, xbuf + c * plane, rows, width, g.PH, g.PW);
                        for (long gr = 0; gr < G; gr++)
                        {
                            T* xg = xbuf + gr * Cg * plane, wg = pw + gr * taps * ogPad, bg = pb + gr * ogPad;
                            for (long ob = 0; ob < ogPad; ob += 2 * V)
                            {
                                bool two = ogPad - ob >= 2 * V;
                                T* wo = wg + ob, bo = bg + ob, so = stage + ob;
                                if (flat)
                                {
                                    // Positions p = oh·width + ow run on across row ends (columns past OW dropped).
                                    for (long p = 0; p < OH * width; p += P)
                                        Block(xg + p, 1, po, taps, wo, bo, so + p * ogPad, ogPad, two, P);
                                }
                                else
                                    for (long oh = 0; oh < OH; oh++)
                                    {
                                        long blocks = (OW + P - 1) / P;
                                        for (long k = 0, ow = 0; k < blocks; k++)
                                        {
                                            int positions = (int)(OW * (k + 1) / blocks - ow);
                                            Block(xg + oh * g.SH * width + ow * g.SW, g.SW, po, taps, wo, bo, so + (oh * OW + ow) * ogPad, ogPad, two, positions);
                                            ow += positions;
                                        }
                                    }
                            }
                            Untranspose(stage, ld, (T*)ay + (n * g.O + gr * Og) * L, OH, OW, Og, ogPad, L);
                        }
                    }
            });
            GC.KeepAlive(wtensor);
        }

        // One block of `positions` positions: two vectors of channels (up to 14 positions) or one (up to 24).
        private static void Block(T* src, long sw, long* offsets, long taps, T* w, T* bias, T* dst, long ld, bool two, int positions)
        {
            if (two && sw == 1) Counted<TwoVectors, UnitStride>(src, sw, offsets, taps, w, bias, dst, ld, positions);
            else if (two) Counted<TwoVectors, AnyStride>(src, sw, offsets, taps, w, bias, dst, ld, positions);
            else if (sw == 1) Counted<OneVector, UnitStride>(src, sw, offsets, taps, w, bias, dst, ld, positions);
            else Counted<OneVector, AnyStride>(src, sw, offsets, taps, w, bias, dst, ld, positions);
        }

        /// <summary>A register block kernel, generic over its horizontal stride and its count of positions.</summary>
        private interface IBlock
        {
            static abstract void Run<TW, TP>(T* src, long sw, long* offsets, long taps, T* w, T* bias, T* dst, long ld)
                where TW : struct, IStride where TP : struct, ICount;
        }

        private struct OneVector : IBlock
        {
            public static void Run<TW, TP>(T* src, long sw, long* offsets, long taps, T* w, T* bias, T* dst, long ld)
                where TW : struct, IStride where TP : struct, ICount => Block1<TW, TP>(src, sw, offsets, taps, w, bias, dst, ld);
        }

        private struct TwoVectors : IBlock
        {
            public static void Run<TW, TP>(T* src, long sw, long* offsets, long taps, T* w, T* bias, T* dst, long ld)
                where TW : struct, IStride where TP : struct, ICount => Block2<TW, TP>(src, sw, offsets, taps, w, bias, dst, ld);
        }

        // The block kernel compiled for `positions` (1 to 24; the two-vector kernel takes up to 14).
        private static void Counted<TB, TW>(T* src, long sw, long* offsets, long taps, T* w, T* bias, T* dst, long ld, int positions)
            where TB : struct, IBlock where TW : struct, IStride
        {
            switch (positions)
            {
                case 1: TB.Run<TW, Count1>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 2: TB.Run<TW, Count2>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 3: TB.Run<TW, Count3>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 4: TB.Run<TW, Count4>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 5: TB.Run<TW, Count5>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 6: TB.Run<TW, Count6>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 7: TB.Run<TW, Count7>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 8: TB.Run<TW, Count8>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 9: TB.Run<TW, Count9>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 10: TB.Run<TW, Count10>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 11: TB.Run<TW, Count11>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 12: TB.Run<TW, Count12>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 13: TB.Run<TW, Count13>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 14: TB.Run<TW, Count14>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 15: TB.Run<TW, Count15>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 16: TB.Run<TW, Count16>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 17: TB.Run<TW, Count17>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 18: TB.Run<TW, Count18>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 19: TB.Run<TW, Count19>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 20: TB.Run<TW, Count20>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 21: TB.Run<TW, Count21>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 22: TB.Run<TW, Count22>(src, sw, offsets, taps, w, bias, dst, ld); break;
                case 23: TB.Run<TW, Count23>(src, sw, offsets, taps, w, bias, dst, ld); break;
                default: TB.Run<TW, Count24>(src, sw, offsets, taps, w, bias, dst, ld); break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Tap<TW>(T* p, int j, long sw, TV wv, TV a) where TW : struct, IStride => TS.Fma(TS.Splat(p[j * TW.Of(sw)]), wv, a);

        /// <summary><typeparamref name="TP"/> positions (src + j·sw, up to 24) x one vector of channels, stored to dst [positions, V].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Block1<TW, TP>(T* src, long sw, long* offsets, long taps, T* w, T* bias, T* dst, long ld) where TW : struct, IStride where TP : struct, ICount
        {
            int n = TP.Value;
            TV bv = TS.Load(bias);
            TV a0 = bv, a1 = bv, a2 = bv, a3 = bv, a4 = bv, a5 = bv, a6 = bv, a7 = bv, a8 = bv, a9 = bv, a10 = bv, a11 = bv;
            TV a12 = bv, a13 = bv, a14 = bv, a15 = bv, a16 = bv, a17 = bv, a18 = bv, a19 = bv, a20 = bv, a21 = bv, a22 = bv, a23 = bv;
            for (long t = 0; t < taps; t++, w += ld)
            {
                T* p = src + offsets[t];
                TV wv = TS.Load(w);
                a0 = Tap<TW>(p, 0, sw, wv, a0);
                if (n > 1) a1 = Tap<TW>(p, 1, sw, wv, a1);
                if (n > 2) a2 = Tap<TW>(p, 2, sw, wv, a2);
                if (n > 3) a3 = Tap<TW>(p, 3, sw, wv, a3);
                if (n > 4) a4 = Tap<TW>(p, 4, sw, wv, a4);
                if (n > 5) a5 = Tap<TW>(p, 5, sw, wv, a5);
                if (n > 6) a6 = Tap<TW>(p, 6, sw, wv, a6);
                if (n > 7) a7 = Tap<TW>(p, 7, sw, wv, a7);
                if (n > 8) a8 = Tap<TW>(p, 8, sw, wv, a8);
                if (n > 9) a9 = Tap<TW>(p, 9, sw, wv, a9);
                if (n > 10) a10 = Tap<TW>(p, 10, sw, wv, a10);
                if (n > 11) a11 = Tap<TW>(p, 11, sw, wv, a11);
                if (n > 12) a12 = Tap<TW>(p, 12, sw, wv, a12);
                if (n > 13) a13 = Tap<TW>(p, 13, sw, wv, a13);
                if (n > 14) a14 = Tap<TW>(p, 14, sw, wv, a14);
                if (n > 15) a15 = Tap<TW>(p, 15, sw, wv, a15);
                if (n > 16) a16 = Tap<TW>(p, 16, sw, wv, a16);
                if (n > 17) a17 = Tap<TW>(p, 17, sw, wv, a17);
                if (n > 18) a18 = Tap<TW>(p, 18, sw, wv, a18);
                if (n > 19) a19 = Tap<TW>(p, 19, sw, wv, a19);
                if (n > 20) a20 = Tap<TW>(p, 20, sw, wv, a20);
                if (n > 21) a21 = Tap<TW>(p, 21, sw, wv, a21);
                if (n > 22) a22 = Tap<TW>(p, 22, sw, wv, a22);
                if (n > 23) a23 = Tap<TW>(p, 23, sw, wv, a23);
            }
            TS.Store(a0, dst);
            if (n > 1) TS.Store(a1, dst + 1 * ld);
            if (n > 2) TS.Store(a2, dst + 2 * ld);
            if (n > 3) TS.Store(a3, dst + 3 * ld);
            if (n > 4) TS.Store(a4, dst + 4 * ld);
            if (n > 5) TS.Store(a5, dst + 5 * ld);
            if (n > 6) TS.Store(a6, dst + 6 * ld);
            if (n > 7) TS.Store(a7, dst + 7 * ld);
            if (n > 8) TS.Store(a8, dst + 8 * ld);
            if (n > 9) TS.Store(a9, dst + 9 * ld);
            if (n > 10) TS.Store(a10, dst + 10 * ld);
            if (n > 11) TS.Store(a11, dst + 11 * ld);
            if (n > 12) TS.Store(a12, dst + 12 * ld);
            if (n > 13) TS.Store(a13, dst + 13 * ld);
            if (n > 14) TS.Store(a14, dst + 14 * ld);
            if (n > 15) TS.Store(a15, dst + 15 * ld);
            if (n > 16) TS.Store(a16, dst + 16 * ld);
            if (n > 17) TS.Store(a17, dst + 17 * ld);
            if (n > 18) TS.Store(a18, dst + 18 * ld);
            if (n > 19) TS.Store(a19, dst + 19 * ld);
            if (n > 20) TS.Store(a20, dst + 20 * ld);
            if (n > 21) TS.Store(a21, dst + 21 * ld);
            if (n > 22) TS.Store(a22, dst + 22 * ld);
            if (n > 23) TS.Store(a23, dst + 23 * ld);
        }

        /// <summary>
        /// <typeparamref name="TP"/> positions (src + j·sw, up to 14) x two vectors of channels, stored to dst [positions, 2V].
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Block2<TW, TP>(T* src, long sw, long* offsets, long taps, T* w, T* bias, T* dst, long ld) where TW : struct, IStride where TP : struct, ICount
        {
            long V = TS.Count;
            int n = TP.Value;
            TV bu = TS.Load(bias), bv = TS.Load(bias + V);
            TV a0 = bu, a1 = bu, a2 = bu, a3 = bu, a4 = bu, a5 = bu, a6 = bu, a7 = bu, a8 = bu, a9 = bu, a10 = bu, a11 = bu, a12 = bu, a13 = bu;
            TV c0 = bv, c1 = bv, c2 = bv, c3 = bv, c4 = bv, c5 = bv, c6 = bv, c7 = bv, c8 = bv, c9 = bv, c10 = bv, c11 = bv, c12 = bv, c13 = bv;
            for (long t = 0; t < taps; t++, w += ld)
            {
                T* p = src + offsets[t];
                TV wu = TS.Load(w), wv = TS.Load(w + V);
                sw = TW.Of(sw);
                TV s;
                s = TS.Splat(p[0]); a0 = TS.Fma(s, wu, a0); c0 = TS.Fma(s, wv, c0);
                if (n > 1) { s = TS.Splat(p[sw]); a1 = TS.Fma(s, wu, a1); c1 = TS.Fma(s, wv, c1); }
                if (n > 2) { s = TS.Splat(p[2 * sw]); a2 = TS.Fma(s, wu, a2); c2 = TS.Fma(s, wv, c2); }
                if (n > 3) { s = TS.Splat(p[3 * sw]); a3 = TS.Fma(s, wu, a3); c3 = TS.Fma(s, wv, c3); }
                if (n > 4) { s = TS.Splat(p[4 * sw]); a4 = TS.Fma(s, wu, a4); c4 = TS.Fma(s, wv, c4); }
                if (n > 5) { s = TS.Splat(p[5 * sw]); a5 = TS.Fma(s, wu, a5); c5 = TS.Fma(s, wv, c5); }
                if (n > 6) { s = TS.Splat(p[6 * sw]); a6 = TS.Fma(s, wu, a6); c6 = TS.Fma(s, wv, c6); }
                if (n > 7) { s = TS.Splat(p[7 * sw]); a7 = TS.Fma(s, wu, a7); c7 = TS.Fma(s, wv, c7); }
                if (n > 8) { s = TS.Splat(p[8 * sw]); a8 = TS.Fma(s, wu, a8); c8 = TS.Fma(s, wv, c8); }
                if (n > 9) { s = TS.Splat(p[9 * sw]); a9 = TS.Fma(s, wu, a9); c9 = TS.Fma(s, wv, c9); }
                if (n > 10) { s = TS.Splat(p[10 * sw]); a10 = TS.Fma(s, wu, a10); c10 = TS.Fma(s, wv, c10); }
                if (n > 11) { s = TS.Splat(p[11 * sw]); a11 = TS.Fma(s, wu, a11); c11 = TS.Fma(s, wv, c11); }
                if (n > 12) { s = TS.Splat(p[12 * sw]); a12 = TS.Fma(s, wu, a12); c12 = TS.Fma(s, wv, c12); }
                if (n > 13) { s = TS.Splat(p[13 * sw]); a13 = TS.Fma(s, wu, a13); c13 = TS.Fma(s, wv, c13); }
            }
            TS.Store(a0, dst); TS.Store(c0, dst + V);
            if (n > 1) { TS.Store(a1, dst + 1 * ld); TS.Store(c1, dst + 1 * ld + V); }
            if (n > 2) { TS.Store(a2, dst + 2 * ld); TS.Store(c2, dst + 2 * ld + V); }
            if (n > 3) { TS.Store(a3, dst + 3 * ld); TS.Store(c3, dst + 3 * ld + V); }
            if (n > 4) { TS.Store(a4, dst + 4 * ld); TS.Store(c4, dst + 4 * ld + V); }
            if (n > 5) { TS.Store(a5, dst + 5 * ld); TS.Store(c5, dst + 5 * ld + V); }
            if (n > 6) { TS.Store(a6, dst + 6 * ld); TS.Store(c6, dst + 6 * ld + V); }
            if (n > 7) { TS.Store(a7, dst + 7 * ld); TS.Store(c7, dst + 7 * ld + V); }
            if (n > 8) { TS.Store(a8, dst + 8 * ld); TS.Store(c8, dst + 8 * ld + V); }
            if (n > 9) { TS.Store(a9, dst + 9 * ld); TS.Store(c9, dst + 9 * ld + V); }
            if (n > 10) { TS.Store(a10, dst + 10 * ld); TS.Store(c10, dst + 10 * ld + V); }
            if (n > 11) { TS.Store(a11, dst + 11 * ld); TS.Store(c11, dst + 11 * ld + V); }
            if (n > 12) { TS.Store(a12, dst + 12 * ld); TS.Store(c12, dst + 12 * ld + V); }
            if (n > 13) { TS.Store(a13, dst + 13 * ld); TS.Store(c13, dst + 13 * ld + V); }
        }
    }
}
