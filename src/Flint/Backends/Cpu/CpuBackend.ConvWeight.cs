using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Backends.Cpu;

/// <summary>
/// Weight gradient of convolutions with few output channels per group, with the output channels in vector lanes:
/// gw[o, c, kh, kw] = Σ_n Σ_(oh, ow) gy[n, o, oh, ow] · x[n, c, oh·SH - PH + kh·DH, ow·SW - PW + kw]. Per group of images
/// the input planes are copied into zero-bordered buffers and the output gradient is transposed to [position, channel];
/// a pass then keeps a block of up to 24 taps (a few kernel rows, each of KW taps) in vector accumulators and walks every
/// position once: one load of the position's output-gradient channels and one broadcast input value per multiply-add,
/// read straight from the bordered input (no im2col). Threads split the images, each summing into its own partial.
/// </summary>
internal static unsafe class LaneWeightKernels<T> where T : unmanaged, INumber<T>
{
    // Bordered images and transposed gradients of one group of images take about this many bytes (L2-resident).
    private const long GroupBytes = 192 << 10;

    /// <summary>
    /// Whether this weight gradient runs here: float types, 1-D/2-D, unit horizontal dilation, kernel rows of at most
    /// 8 taps, and output channels per group that fill most of at most two vectors.
    /// </summary>
    public static bool Applies(ConvGeometry g)
    {
        if (!(typeof(T) == typeof(float) || typeof(T) == typeof(double))) return false;
        if (!(Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated)) return false;
        int v = Vector512.IsHardwareAccelerated ? Vector512<T>.Count : Vector256<T>.Count;
        long og = g.Og, lanes = (og + v - 1) / v * v;
        return g.KD == 1 && g.ID == 1 && g.DW == 1 && g.KW <= 8 && !g.IsPointwise
            && og <= 2 * v && og * 4 >= lanes * 3 && g.Cg * g.KH * g.KW <= 1024;
    }

    public static void BackwardWeight(T* x, T* gy, T* gw, ConvGeometry g)
    {
        if (Vector512.IsHardwareAccelerated) Impl<V512<T>, Vector512<T>>.Run(x, gy, gw, g);
        else Impl<V256<T>, Vector256<T>>.Run(x, gy, gw, g);
    }

    private interface IWidth
    {
        static abstract int Value { get; }
    }

    private struct W1 : IWidth { public static int Value => 1; }
    private struct W2 : IWidth { public static int Value => 2; }
    private struct W3 : IWidth { public static int Value => 3; }
    private struct W4 : IWidth { public static int Value => 4; }
    private struct W5 : IWidth { public static int Value => 5; }
    private struct W6 : IWidth { public static int Value => 6; }
    private struct W7 : IWidth { public static int Value => 7; }
    private struct W8 : IWidth { public static int Value => 8; }

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
            var partials = new T[threads * size];
            nint ax = (nint)x, agy = (nint)gy;
            Parallelism.For(threads, (t, count) =>
            {
                long n0 = g.N * t / count, n1 = g.N * (t + 1) / count;
                long nb = Math.Min(group, Math.Max(1, n1 - n0));
                T* xbuf = ConvWorkspace.Get<T>(ConvWorkspace.Plane, nb * (xImage + gImage));
                T* gbuf = xbuf + nb * xImage;
                fixed (T* part0 = partials)
                {
                    T* part = part0 + t * size;
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
                            for (long ob = 0; ob < ogPad; ob += V)
                                Passes(xbuf + gr * Cg * plane, xImage, plane, width, gbuf + gr * ogPad + ob, gImage, lanes, m, g,
                                    part + gr * taps * ogPad + ob, ogPad);
                    }
                }
            });
            fixed (T* pp = partials)
                for (long gr = 0; gr < G; gr++)
                    for (long o = 0; o < Og; o++)
                        for (long k = 0; k < taps; k++)
                        {
                            long at = (gr * taps + k) * ogPad + o;
                            T sum = pp[at];
                            for (long t = 1; t < threads; t++) sum += pp[t * size + at];
                            gw[((gr * Og + o) * taps) + k] = sum;
                        }
        }

        // gy[n] [O, L] into [L, groups · ogPad], channel o of group gr in lane gr · ogPad + o, padding lanes zero.
        private static void Transpose(T* gy, T* dst, ConvGeometry g, long ogPad)
        {
            long L = g.L, Og = g.Og, G = g.Groups, lanes = G * ogPad;
            if (ogPad != Og) Vec<T>.Clear(dst, L * lanes);
            for (long gr = 0; gr < G; gr++)
                for (long o = 0; o < Og; o++)
                {
                    T* s = gy + (gr * Og + o) * L, d = dst + gr * ogPad + o;
                    for (long p = 0; p < L; p++, d += lanes) *d = s[p];
                }
        }

        // Every tap of one group and one vector of its output channels, in blocks of kernel rows (row = c · KH + kh).
        private static void Passes(T* x, long xImage, long plane, long width, T* gyT, long gImage, long lanes, long images,
            ConvGeometry g, T* part, long ogPad)
        {
            switch (g.KW)
            {
                case 1: Rows<W1>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad); break;
                case 2: Rows<W2>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad); break;
                case 3: Rows<W3>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad); break;
                case 4: Rows<W4>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad); break;
                case 5: Rows<W5>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad); break;
                case 6: Rows<W6>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad); break;
                case 7: Rows<W7>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad); break;
                default: Rows<W8>(x, xImage, plane, width, gyT, gImage, lanes, images, g, part, ogPad); break;
            }
        }

        // Kernel rows per pass: at most 24 accumulators (4 rows of up to 6 taps, 3 rows of 7 or 8).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int RowsPerPass<TW>() where TW : struct, IWidth => TW.Value <= 6 ? 4 : 3;

        private static void Rows<TW>(T* x, long xImage, long plane, long width, T* gyT, long gImage, long lanes, long images,
            ConvGeometry g, T* part, long ogPad) where TW : struct, IWidth
        {
            long KH = g.KH, total = g.Cg * KH, R = RowsPerPass<TW>();
            long rowStep = g.SH * width, dh = g.DH * width;
            for (long r0 = 0; r0 < total; r0 += R)
            {
                long valid = Math.Min(R, total - r0);
                // Rows past the last one repeat row r0 (their sums are dropped).
                T* x0 = x + (r0 / KH) * plane + (r0 % KH) * dh;
                T* x1 = valid > 1 ? x + ((r0 + 1) / KH) * plane + ((r0 + 1) % KH) * dh : x0;
                T* x2 = valid > 2 ? x + ((r0 + 2) / KH) * plane + ((r0 + 2) % KH) * dh : x0;
                T* x3 = valid > 3 ? x + ((r0 + 3) / KH) * plane + ((r0 + 3) % KH) * dh : x0;
                Pass<TW>(x0, x1, x2, x3, xImage, rowStep, g.SW, g.OH, g.OW, gyT, gImage, lanes, images,
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

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Step<TW>(int i, T* q0, T* q1, T* q2, T* q3, TV gv, TV a) where TW : struct, IWidth
        {
            int w = TW.Value;
            if (i >= RowsPerPass<TW>() * w) return a;
            int r = i / w;
            T* q = r == 0 ? q0 : r == 1 ? q1 : r == 2 ? q2 : q3;
            return TS.Fma(TS.Splat(q[i % w]), gv, a);
        }

        /// <summary>
        /// Accumulates taps [0, used) of the rows at x0..x3 (tap i = row i / KW, column i % KW) over every position of
        /// every image, adding the sums to part[i · ogPad .. + V].
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Pass<TW>(T* x0, T* x1, T* x2, T* x3, long xImage, long rowStep, long sw, long oh, long ow,
            T* gyT, long gImage, long lanes, long images, T* part, long ogPad, long used) where TW : struct, IWidth
        {
            TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero, a6 = TS.Zero, a7 = TS.Zero;
            TV a8 = TS.Zero, a9 = TS.Zero, a10 = TS.Zero, a11 = TS.Zero, a12 = TS.Zero, a13 = TS.Zero, a14 = TS.Zero, a15 = TS.Zero;
            TV a16 = TS.Zero, a17 = TS.Zero, a18 = TS.Zero, a19 = TS.Zero, a20 = TS.Zero, a21 = TS.Zero, a22 = TS.Zero, a23 = TS.Zero;
            for (long n = 0; n < images; n++)
                for (long r = 0; r < oh; r++)
                {
                    long off = n * xImage + r * rowStep;
                    T* q0 = x0 + off, q1 = x1 + off, q2 = x2 + off, q3 = x3 + off;
                    T* gp = gyT + n * gImage + r * ow * lanes;
                    for (long c = 0; c < ow; c++, q0 += sw, q1 += sw, q2 += sw, q3 += sw, gp += lanes)
                    {
                        TV gv = TS.Load(gp);
                        a0 = Step<TW>(0, q0, q1, q2, q3, gv, a0);
                        a1 = Step<TW>(1, q0, q1, q2, q3, gv, a1);
                        a2 = Step<TW>(2, q0, q1, q2, q3, gv, a2);
                        a3 = Step<TW>(3, q0, q1, q2, q3, gv, a3);
                        a4 = Step<TW>(4, q0, q1, q2, q3, gv, a4);
                        a5 = Step<TW>(5, q0, q1, q2, q3, gv, a5);
                        a6 = Step<TW>(6, q0, q1, q2, q3, gv, a6);
                        a7 = Step<TW>(7, q0, q1, q2, q3, gv, a7);
                        a8 = Step<TW>(8, q0, q1, q2, q3, gv, a8);
                        a9 = Step<TW>(9, q0, q1, q2, q3, gv, a9);
                        a10 = Step<TW>(10, q0, q1, q2, q3, gv, a10);
                        a11 = Step<TW>(11, q0, q1, q2, q3, gv, a11);
                        a12 = Step<TW>(12, q0, q1, q2, q3, gv, a12);
                        a13 = Step<TW>(13, q0, q1, q2, q3, gv, a13);
                        a14 = Step<TW>(14, q0, q1, q2, q3, gv, a14);
                        a15 = Step<TW>(15, q0, q1, q2, q3, gv, a15);
                        a16 = Step<TW>(16, q0, q1, q2, q3, gv, a16);
                        a17 = Step<TW>(17, q0, q1, q2, q3, gv, a17);
                        a18 = Step<TW>(18, q0, q1, q2, q3, gv, a18);
                        a19 = Step<TW>(19, q0, q1, q2, q3, gv, a19);
                        a20 = Step<TW>(20, q0, q1, q2, q3, gv, a20);
                        a21 = Step<TW>(21, q0, q1, q2, q3, gv, a21);
                        a22 = Step<TW>(22, q0, q1, q2, q3, gv, a22);
                        a23 = Step<TW>(23, q0, q1, q2, q3, gv, a23);
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
