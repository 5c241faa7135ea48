using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

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
        for (int p0 = 0; p0 < width; p0 += w)
        {
            int lanes = Math.Min(w, width - p0);
            T* d = dst + (long)p0 * kc;
            TS* s = src + p0 * laneStride;
            int k0 = 0;
            if (typeof(TS) == typeof(T) && laneStride == 1 && lanes == w)
            {
                CopyRows((byte*)s, kStride * sizeof(T), (byte*)d, w * sizeof(T), kc);
                continue;
            }
            if (typeof(TS) == typeof(float) && typeof(T) == typeof(float) && kStride == 1 && (w is >= 8 and <= 16 || w % 16 == 0) && Avx512F.IsSupported)
                k0 = Transpose16((float*)s, laneStride, lanes, kc, w, (float*)d);
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
            if (lanes < w)
                for (int k = k0; k < kc; k++)
                    new Span<T>(d + (long)k * w + lanes, w - lanes).Clear();
        }
    }

    /// <summary>
    /// Float lanes with contiguous steps (row-major A, column-major B) into panels, 16 steps and 16 lanes at a time:
    /// 16 runs of 16 floats (lanes past <paramref name="lanes"/> read as zero) are transposed in registers and each
    /// step stored as one vector. When the panel is narrower than 16 (MR = 14) a store writes past the step's w
    /// lanes into the next step's slot, which the next store overwrites (past the last step it spills into the next
    /// panel, packed later, or the workspace's slack). Returns how many steps it packed; the caller packs the rest.
    /// </summary>
    private static int Transpose16(float* s, long rowStride, int lanes, int kc, int w, float* d)
    {
        var r = stackalloc Vector512<float>[16];
        var t = stackalloc Vector512<float>[16];
        var o = stackalloc Vector512<float>[16];
        int k = 0;
        for (; k + 16 <= kc; k += 16)
        {
            for (int g0 = 0; g0 < w; g0 += 16)
            {
                float* sg = s + g0 * rowStride + k;
                int rows = Math.Min(16, lanes - g0);
                for (int i = 0; i < 16; i++) r[i] = i < rows ? Vector512.Load(sg + i * rowStride) : Vector512<float>.Zero;
                // Pairs of rows interleaved, then pairs of pairs: t[4g + c] holds rows 4g..4g+3 at columns c, c+4, c+8, c+12.
                for (int g = 0; g < 16; g += 4)
                {
                    var lo01 = Avx512F.UnpackLow(r[g], r[g + 1]).AsDouble();
                    var hi01 = Avx512F.UnpackHigh(r[g], r[g + 1]).AsDouble();
                    var lo23 = Avx512F.UnpackLow(r[g + 2], r[g + 3]).AsDouble();
                    var hi23 = Avx512F.UnpackHigh(r[g + 2], r[g + 3]).AsDouble();
                    t[g] = Avx512F.UnpackLow(lo01, lo23).AsSingle();
                    t[g + 1] = Avx512F.UnpackHigh(lo01, lo23).AsSingle();
                    t[g + 2] = Avx512F.UnpackLow(hi01, hi23).AsSingle();
                    t[g + 3] = Avx512F.UnpackHigh(hi01, hi23).AsSingle();
                }
                // Column c + 4L gathers 128-bit lane L of t[c], t[4 + c], t[8 + c], t[12 + c].
                for (int c = 0; c < 4; c++)
                {
                    var v0 = Avx512F.Shuffle4x128(t[c], t[4 + c], 0x44);
                    var v1 = Avx512F.Shuffle4x128(t[c], t[4 + c], 0xEE);
                    var v2 = Avx512F.Shuffle4x128(t[8 + c], t[12 + c], 0x44);
                    var v3 = Avx512F.Shuffle4x128(t[8 + c], t[12 + c], 0xEE);
                    o[c] = Avx512F.Shuffle4x128(v0, v2, 0x88);
                    o[c + 4] = Avx512F.Shuffle4x128(v0, v2, 0xDD);
                    o[c + 8] = Avx512F.Shuffle4x128(v1, v3, 0x88);
                    o[c + 12] = Avx512F.Shuffle4x128(v1, v3, 0xDD);
                }
                // Ascending, so that each store's spill into the next step's slot is overwritten by that step.
                float* dk = d + (long)k * w + g0;
                for (int j = 0; j < 16; j++) Vector512.Store(o[j], dk + j * w);
            }
        }
        return k;
    }

    // Lanes contiguous and of the compute type (B row-major, A column-major): one row of `bytes` per step, copied
    // with whole vectors (panel rows are multiples of 16 bytes for every kernel).
    private static void CopyRows(byte* s, long sStride, byte* d, int bytes, int kc)
    {
        if (Vector512.IsHardwareAccelerated && bytes % 64 == 0)
        {
            for (int k = 0; k < kc; k++, s += sStride, d += bytes)
                for (int o = 0; o < bytes; o += 64)
                    Vector512.Store(Vector512.Load(s + o), d + o);
        }
        else if (Vector256.IsHardwareAccelerated && bytes % 32 == 0)
        {
            for (int k = 0; k < kc; k++, s += sStride, d += bytes)
                for (int o = 0; o < bytes; o += 32)
                    Vector256.Store(Vector256.Load(s + o), d + o);
        }
        else
        {
            for (int k = 0; k < kc; k++, s += sStride, d += bytes)
                Unsafe.CopyBlockUnaligned(d, s, (uint)bytes);
        }
    }
}
