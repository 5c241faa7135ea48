using System.Runtime.CompilerServices;

namespace Flint.Backends.Cpu;

/// <summary>
/// Packing for the GEMM driver: copies a block of A or B into the panel order the micro-kernel streams through,
/// converting the storage type to the compute type on the way (float16/bfloat16 become float here). Packing reads
/// any strides (transposed, sliced, broadcast with stride 0), so the kernel only ever sees one layout and every
/// transpose combination costs the same.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs the <paramref name="width"/> x <paramref name="kc"/> block at <paramref name="src"/> into panels of
    /// <paramref name="w"/> lanes: panel p stores, for each k, the w values at lanes p*w .. p*w+w-1 (zero past the
    /// block's edge). Lane i, step k lives at <c>src[i * laneStride + k * kStride]</c>. A block of A packs with
    /// lanes = rows (w = MR); a block of B with lanes = columns (w = NR).
    /// </summary>
    public static void Pack<TS, T>(TS* src, long laneStride, long kStride, int width, int kc, int w, T* dst)
        where TS : unmanaged where T : unmanaged
    {
        for (int p0 = 0; p0 < width; p0 += w)
        {
            int lanes = Math.Min(w, width - p0);
            T* d = dst + (long)p0 * kc;
            TS* s = src + p0 * laneStride;
            if (typeof(TS) == typeof(T) && laneStride == 1 && lanes == w)
            {
                // Lanes contiguous: one block copy per step (B row-major, A column-major).
                uint bytes = (uint)(w * sizeof(T));
                for (int k = 0; k < kc; k++)
                    Unsafe.CopyBlockUnaligned(d + (long)k * w, s + k * kStride, bytes);
                continue;
            }
            if (kStride == 1 || (laneStride != 1 && Math.Abs(kStride) < Math.Abs(laneStride)))
            {
                // Steps contiguous (A row-major, B column-major): read each lane's run, write it strided.
                for (int i = 0; i < lanes; i++)
                {
                    TS* si = s + i * laneStride;
                    T* di = d + i;
                    for (int k = 0; k < kc; k++)
                        di[(long)k * w] = Cvt.To<TS, T>(si[k * kStride]);
                }
            }
            else
            {
                for (int k = 0; k < kc; k++)
                {
                    TS* sk = s + k * kStride;
                    T* dk = d + (long)k * w;
                    for (int i = 0; i < lanes; i++) dk[i] = Cvt.To<TS, T>(sk[i * laneStride]);
                }
            }
            if (lanes < w)
                for (int k = 0; k < kc; k++)
                    new Span<T>(d + (long)k * w + lanes, w - lanes).Clear();
        }
    }
}
