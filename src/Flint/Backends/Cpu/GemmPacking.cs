using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// An operand of a product as the GEMM driver consumes it: packed block by block into panels of <c>w</c> lanes, for A
/// lanes = rows (w = MR) and for B lanes = columns (w = NR), each panel step after step along K. It is read from
/// memory (<see cref="StridedOperand{TS}"/>) or computed on the way (a convolution's im2col columns or flipped kernel,
/// which then never exist as whole matrices).
/// </summary>
internal unsafe interface IGemmOperand<TSelf> where TSelf : struct, IGemmOperand<TSelf>
{
    /// <summary>
    /// Packs lanes [i, i + lanes) and steps [p, p + kc) into panels of <paramref name="w"/> lanes of the compute type T
    /// (zero past the last lane), as <see cref="GemmPacking.Pack{TS, T}"/>.
    /// </summary>
    void Pack<T>(long i, int lanes, long p, int kc, int w, T* dst) where T : unmanaged;

    /// <summary>True if the operand is stored in the compute type T with contiguous lanes, which small products read in place.</summary>
    bool LanesContiguous<T>() where T : unmanaged;

    /// <summary>The address of lane i, step p of an operand with contiguous lanes.</summary>
    T* At<T>(long i, long p) where T : unmanaged;

    /// <summary>The distance between steps of an operand with contiguous lanes.</summary>
    long StepStride { get; }

    /// <summary>The operand's lanes from <paramref name="first"/> on (a thread's share).</summary>
    TSelf From(long first);
}

/// <summary>An operand in memory: lane i, step p at <c>a[i * ls + p * ps]</c>, of storage type TS.</summary>
internal readonly unsafe struct StridedOperand<TS>(TS* a, long ls, long ps) : IGemmOperand<StridedOperand<TS>> where TS : unmanaged
{
    public void Pack<T>(long i, int lanes, long p, int kc, int w, T* dst) where T : unmanaged =>
        GemmPacking.Pack(a + i * ls + p * ps, ls, ps, lanes, kc, w, dst);

    public bool LanesContiguous<T>() where T : unmanaged => typeof(TS) == typeof(T) && ls == 1 && ps != 1;

    public T* At<T>(long i, long p) where T : unmanaged => (T*)(a + i * ls + p * ps);

    public long StepStride => ps;

    public StridedOperand<TS> From(long first) => new(a + first * ls, ls, ps);
}

/// <summary>
/// Packing for the GEMM driver: copies a block of A or B into the panel order the micro-kernel streams through,
/// converting the storage type to the compute type on the way (float16/bfloat16 become float here). Packing reads
/// any strides (transposed, sliced, broadcast with stride 0), so the kernel only ever sees one layout and every
/// transpose combination costs the same.
/// </summary>
[SkipLocalsInit]
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs the <paramref name="width"/> x <paramref name="kc"/> block at <paramref name="src"/> into panels of
    /// <paramref name="w"/> lanes: panel p stores, for each k, the w values at lanes p*w .. p*w+w-1 (zero past the
    /// block's edge). Lane i, step k lives at <c>src[i * laneStride + k * kStride]</c>. A block of A packs with
    /// lanes = rows (w = MR); a block of B with lanes = columns (w = NR).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack<TS, T>(TS* src, long laneStride, long kStride, int width, int kc, int w, T* dst)
        where TS : unmanaged where T : unmanaged
    {
        int p0 = 0;
        if (typeof(TS) == typeof(T) && laneStride == 1)
        {
            // Whole panels of contiguous lanes, a group at a time: each step's lanes of the group are one run of the
            // source row, about 1 KB, where one panel's run is 56-128 bytes. Rows of a large B lie 16 KB apart, and
            // 256 interleaved runs of two lines each defeat the prefetchers: every line waited on memory.
            int whole = width / w * w, group = Math.Max(1, PanelGroupBytes / (w * sizeof(T)));
            for (; p0 < whole; p0 += group * w)
                CopyPanels((byte*)(src + p0), kStride * sizeof(T), (byte*)(dst + (long)p0 * kc), w * sizeof(T), kc,
                    Math.Min(group, (whole - p0) / w), (long)kc * w * sizeof(T));
            p0 = whole;
        }
        for (; p0 < width; p0 += w)
        {
            int lanes = Math.Min(w, width - p0);
            T* d = dst + (long)p0 * kc;
            TS* s = src + p0 * laneStride;
            int k0 = 0;
            if (typeof(TS) == typeof(float) && typeof(T) == typeof(float) && kStride == 1 && (w is >= 8 and <= 16 || w % 16 == 0) && Avx512F.IsSupported)
                k0 = Transpose16((float*)s, laneStride, lanes, kc, w, (float*)d);
            if (typeof(TS) == typeof(double) && typeof(T) == typeof(double) && kStride == 1 && w >= 8 && Avx512F.IsSupported)
                k0 = Transpose8((double*)s, laneStride, lanes, kc, w, (double*)d);
            if (kStride == 1 || (laneStride != 1 && Math.Abs(kStride) < Math.Abs(laneStride)))
            {
                // Steps contiguous (A row-major, B column-major): read each lane's run, write it strided.
                for (int i = 0; i < lanes; i++)
                {
                    TS* sp = s + i * laneStride + k0;
                    T* dp = d + (long)k0 * w + i;
                    for (int k = k0; k < kc; k++)
                    {
                        *dp = Cvt.To<TS, T>(*sp);
                        sp += kStride;
                        dp += w;
                    }
                }
            }
            else
            {
                for (int k = 0; k < kc; k++)
                {
                    TS* sp = s + k * kStride;
                    T* dp = d + (long)k * w;
                    for (int i = 0; i < lanes; i++)
                    {
                        dp[i] = Cvt.To<TS, T>(*sp);
                        sp += laneStride;
                    }
                }
            }
            ClearLanes(d + (long)k0 * w, kc - k0, w, lanes);
        }
    }

    /// <summary>Zeroes lanes [<paramref name="lanes"/>, <paramref name="w"/>) of each of <paramref name="steps"/> steps of a panel (a partial panel's padding).</summary>
    public static void ClearLanes<T>(T* panel, int steps, int w, int lanes) where T : unmanaged
    {
        if (lanes >= w) return;
        for (int k = 0; k < steps; k++) new Span<T>(panel + (long)k * w + lanes, w - lanes).Clear();
    }

    /// <summary>
    /// Float lanes with contiguous steps (row-major A, column-major B) into panels, 16 steps and 16 lanes at a time:
    /// 16 runs of 16 floats (lanes past <paramref name="lanes"/> read as zero) are transposed in registers and each
    /// step stored as one vector. When the panel is narrower than 16 (MR = 14) a store writes past the step's w
    /// lanes into the next step's slot, which the next store overwrites (past the last step it spills into the next
    /// panel, packed later, or the workspace's slack). Returns how many steps it packed; the caller packs the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Transpose16(float* s, long rowStride, int lanes, int kc, int w, float* d)
    {
        int k = 0;
        for (; k + 16 <= kc; k += 16)
        {
            for (int g0 = 0; g0 < w; g0 += 16)
            {
                float* sg = s + g0 * rowStride + k;
                int rows = Math.Min(16, lanes - g0);
                // In locals, so the whole 16 x 16 block stays in registers.
                var r0 = Row(sg, rowStride, 0, rows); var r1 = Row(sg, rowStride, 1, rows);
                var r2 = Row(sg, rowStride, 2, rows); var r3 = Row(sg, rowStride, 3, rows);
                var r4 = Row(sg, rowStride, 4, rows); var r5 = Row(sg, rowStride, 5, rows);
                var r6 = Row(sg, rowStride, 6, rows); var r7 = Row(sg, rowStride, 7, rows);
                var r8 = Row(sg, rowStride, 8, rows); var r9 = Row(sg, rowStride, 9, rows);
                var r10 = Row(sg, rowStride, 10, rows); var r11 = Row(sg, rowStride, 11, rows);
                var r12 = Row(sg, rowStride, 12, rows); var r13 = Row(sg, rowStride, 13, rows);
                var r14 = Row(sg, rowStride, 14, rows); var r15 = Row(sg, rowStride, 15, rows);
                StoreTransposed(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15, d + (long)k * w + g0, w, 16);
            }
        }
        return k;
    }

    /// <summary>
    /// The double counterpart of <see cref="Transpose16"/>: 8 runs of 8 doubles transposed in registers, 8 steps at a
    /// time, for panels of at least 8 lanes (MR = 14, NR = 16). Groups of 8 lanes go from the last to the first, so
    /// that a group's spill past the panel's w lanes (into the next step's first lanes) is overwritten by the first
    /// group's stores. The scalar loop it replaces packed a row-major A at a quarter of the speed of copying it
    /// (fp64 nn 1024: 4% of the product's CPU).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Transpose8(double* s, long rowStride, int lanes, int kc, int w, double* d)
    {
        int k = 0;
        int last = (w - 1) / 8 * 8;
        for (; k + 8 <= kc; k += 8)
        {
            for (int g0 = last; g0 >= 0; g0 -= 8)
            {
                double* sg = s + g0 * rowStride + k;
                int rows = Math.Min(8, lanes - g0);
                var r0 = Row(sg, rowStride, 0, rows); var r1 = Row(sg, rowStride, 1, rows);
                var r2 = Row(sg, rowStride, 2, rows); var r3 = Row(sg, rowStride, 3, rows);
                var r4 = Row(sg, rowStride, 4, rows); var r5 = Row(sg, rowStride, 5, rows);
                var r6 = Row(sg, rowStride, 6, rows); var r7 = Row(sg, rowStride, 7, rows);
                // Pairs of rows interleaved: t0 holds rows 0 and 1 at even columns, t1 at odd ones.
                var t0 = Avx512F.UnpackLow(r0, r1); var t1 = Avx512F.UnpackHigh(r0, r1);
                var t2 = Avx512F.UnpackLow(r2, r3); var t3 = Avx512F.UnpackHigh(r2, r3);
                var t4 = Avx512F.UnpackLow(r4, r5); var t5 = Avx512F.UnpackHigh(r4, r5);
                var t6 = Avx512F.UnpackLow(r6, r7); var t7 = Avx512F.UnpackHigh(r6, r7);
                // 128-bit lanes regrouped: u0 holds rows 0-3 at columns 0 and 4, u1 at 2 and 6, and so on.
                var u0 = Avx512F.Shuffle4x128(t0, t2, 0x88); var u1 = Avx512F.Shuffle4x128(t0, t2, 0xDD);
                var u2 = Avx512F.Shuffle4x128(t1, t3, 0x88); var u3 = Avx512F.Shuffle4x128(t1, t3, 0xDD);
                var u4 = Avx512F.Shuffle4x128(t4, t6, 0x88); var u5 = Avx512F.Shuffle4x128(t4, t6, 0xDD);
                var u6 = Avx512F.Shuffle4x128(t5, t7, 0x88); var u7 = Avx512F.Shuffle4x128(t5, t7, 0xDD);
                double* dp = d + (long)k * w + g0;
                Vector512.Store(Avx512F.Shuffle4x128(u0, u4, 0x88), dp);
                Vector512.Store(Avx512F.Shuffle4x128(u2, u6, 0x88), dp + w);
                Vector512.Store(Avx512F.Shuffle4x128(u1, u5, 0x88), dp + 2 * w);
                Vector512.Store(Avx512F.Shuffle4x128(u3, u7, 0x88), dp + 3 * w);
                Vector512.Store(Avx512F.Shuffle4x128(u0, u4, 0xDD), dp + 4 * w);
                Vector512.Store(Avx512F.Shuffle4x128(u2, u6, 0xDD), dp + 5 * w);
                Vector512.Store(Avx512F.Shuffle4x128(u1, u5, 0xDD), dp + 6 * w);
                Vector512.Store(Avx512F.Shuffle4x128(u3, u7, 0xDD), dp + 7 * w);
            }
        }
        return k;
    }

    /// <summary>The 16 x 16 block at s (rows ld apart) transposed: its first <paramref name="steps"/> columns stored at d + t·w.</summary>
    internal static void Transpose16x16(float* s, long ld, float* d, int w, int steps) =>
        StoreTransposed(
            Vector512.Load(s), Vector512.Load(s + ld), Vector512.Load(s + 2 * ld), Vector512.Load(s + 3 * ld),
            Vector512.Load(s + 4 * ld), Vector512.Load(s + 5 * ld), Vector512.Load(s + 6 * ld), Vector512.Load(s + 7 * ld),
            Vector512.Load(s + 8 * ld), Vector512.Load(s + 9 * ld), Vector512.Load(s + 10 * ld), Vector512.Load(s + 11 * ld),
            Vector512.Load(s + 12 * ld), Vector512.Load(s + 13 * ld), Vector512.Load(s + 14 * ld), Vector512.Load(s + 15 * ld),
            d, w, steps);

    /// <summary>
    /// The 16 x 16 block whose row i is r_i, transposed: its first <paramref name="steps"/> columns stored as steps of a
    /// panel, column t at d + t·w. Stores ascend, so that where the panel is narrower than 16 (w = 14) each store's spill
    /// into the next step's slot is overwritten by that step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreTransposed(Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, Vector512<float> r3,
        Vector512<float> r4, Vector512<float> r5, Vector512<float> r6, Vector512<float> r7, Vector512<float> r8, Vector512<float> r9,
        Vector512<float> r10, Vector512<float> r11, Vector512<float> r12, Vector512<float> r13, Vector512<float> r14, Vector512<float> r15,
        float* d, int w, int steps)
    {
        // Pairs of rows interleaved, then pairs of pairs: group g (rows 4g..4g+3) gives t[4g + c], which holds those rows
        // at columns c, c+4, c+8, c+12; column c + 4L gathers 128-bit lane L of t[c], t[4 + c], t[8 + c], t[12 + c].
        Interleave4(r0, r1, r2, r3, out var t0, out var t1, out var t2, out var t3);
        Interleave4(r4, r5, r6, r7, out var t4, out var t5, out var t6, out var t7);
        Interleave4(r8, r9, r10, r11, out var t8, out var t9, out var t10, out var t11);
        Interleave4(r12, r13, r14, r15, out var t12, out var t13, out var t14, out var t15);
        Gather4(t0, t4, t8, t12, out var o0, out var o4, out var o8, out var o12);
        Gather4(t1, t5, t9, t13, out var o1, out var o5, out var o9, out var o13);
        Gather4(t2, t6, t10, t14, out var o2, out var o6, out var o10, out var o14);
        Gather4(t3, t7, t11, t15, out var o3, out var o7, out var o11, out var o15);
        if (steps == 16)
        {
            Vector512.Store(o0, d); Vector512.Store(o1, d + w); Vector512.Store(o2, d + 2 * w); Vector512.Store(o3, d + 3 * w);
            Vector512.Store(o4, d + 4 * w); Vector512.Store(o5, d + 5 * w); Vector512.Store(o6, d + 6 * w); Vector512.Store(o7, d + 7 * w);
            Vector512.Store(o8, d + 8 * w); Vector512.Store(o9, d + 9 * w); Vector512.Store(o10, d + 10 * w); Vector512.Store(o11, d + 11 * w);
            Vector512.Store(o12, d + 12 * w); Vector512.Store(o13, d + 13 * w); Vector512.Store(o14, d + 14 * w); Vector512.Store(o15, d + 15 * w);
            return;
        }
        Vector512.Store(o0, d); if (steps == 1) return; Vector512.Store(o1, d + w); if (steps == 2) return;
        Vector512.Store(o2, d + 2 * w); if (steps == 3) return; Vector512.Store(o3, d + 3 * w); if (steps == 4) return;
        Vector512.Store(o4, d + 4 * w); if (steps == 5) return; Vector512.Store(o5, d + 5 * w); if (steps == 6) return;
        Vector512.Store(o6, d + 6 * w); if (steps == 7) return; Vector512.Store(o7, d + 7 * w); if (steps == 8) return;
        Vector512.Store(o8, d + 8 * w); if (steps == 9) return; Vector512.Store(o9, d + 9 * w); if (steps == 10) return;
        Vector512.Store(o10, d + 10 * w); if (steps == 11) return; Vector512.Store(o11, d + 11 * w); if (steps == 12) return;
        Vector512.Store(o12, d + 12 * w); if (steps == 13) return; Vector512.Store(o13, d + 13 * w); if (steps == 14) return;
        Vector512.Store(o14, d + 14 * w);
    }

    // Row i of a block, or zeros past the block's last row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Row<T>(T* s, long rowStride, int i, int rows) where T : unmanaged =>
        i < rows ? Vector512.Load(s + i * rowStride) : Vector512<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> e,
        out Vector512<float> t0, out Vector512<float> t1, out Vector512<float> t2, out Vector512<float> t3)
    {
        var lo01 = Avx512F.UnpackLow(a, b).AsDouble();
        var hi01 = Avx512F.UnpackHigh(a, b).AsDouble();
        var lo23 = Avx512F.UnpackLow(c, e).AsDouble();
        var hi23 = Avx512F.UnpackHigh(c, e).AsDouble();
        t0 = Avx512F.UnpackLow(lo01, lo23).AsSingle();
        t1 = Avx512F.UnpackHigh(lo01, lo23).AsSingle();
        t2 = Avx512F.UnpackLow(hi01, hi23).AsSingle();
        t3 = Avx512F.UnpackHigh(hi01, hi23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> e,
        out Vector512<float> o0, out Vector512<float> o4, out Vector512<float> o8, out Vector512<float> o12)
    {
        var v0 = Avx512F.Shuffle4x128(a, b, 0x44);
        var v1 = Avx512F.Shuffle4x128(a, b, 0xEE);
        var v2 = Avx512F.Shuffle4x128(c, e, 0x44);
        var v3 = Avx512F.Shuffle4x128(c, e, 0xEE);
        o0 = Avx512F.Shuffle4x128(v0, v2, 0x88);
        o4 = Avx512F.Shuffle4x128(v0, v2, 0xDD);
        o8 = Avx512F.Shuffle4x128(v1, v3, 0x88);
        o12 = Avx512F.Shuffle4x128(v1, v3, 0xDD);
    }

    /// <summary>Bytes of each source row that <see cref="Pack{TS, T}"/> copies into a group of whole panels at a time.</summary>
    private const int PanelGroupBytes = 1024;

    // Lanes contiguous and of the compute type (B row-major, A column-major): `panels` panels side by side, `panel`
    // bytes apart, each taking a row of `bytes` per step; step k's rows of all of them are one run of the source.
    // Copied with whole vectors (panel rows are multiples of 16 bytes for every kernel).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyPanels(byte* s, long sStride, byte* d, int bytes, int kc, int panels, long panel)
    {
        for (int k = 0; k < kc; k++, s += sStride, d += bytes)
            for (int q = 0; q < panels; q++)
                CopyRow(s + q * bytes, d + q * panel, bytes);
    }

    // Rows of any length from vectors only: the last vector of a row overlaps the one before it (a 14-float row of A
    // is 56 bytes; a call into memmove per row would cost more than the copy).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(byte* s, byte* d, int bytes)
    {
        if (Vector512.IsHardwareAccelerated && bytes >= 64)
        {
            for (int o = 0; o < bytes - 64; o += 64)
                Vector512.Store(Vector512.Load(s + o), d + o);
            Vector512.Store(Vector512.Load(s + bytes - 64), d + bytes - 64);
        }
        else if (Vector256.IsHardwareAccelerated && bytes >= 32)
        {
            for (int o = 0; o < bytes - 32; o += 32)
                Vector256.Store(Vector256.Load(s + o), d + o);
            Vector256.Store(Vector256.Load(s + bytes - 32), d + bytes - 32);
        }
        else
            Unsafe.CopyBlockUnaligned(d, s, (uint)bytes);
    }
}
