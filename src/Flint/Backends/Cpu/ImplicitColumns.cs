using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// The im2col matrix col [K, N·L] of a one-group convolution (row = an input channel and kernel tap, column = an output
/// position of one image) as a GEMM operand packed straight from the input, so that it never exists whole: a layer
/// skips writing it and reading it back (together a fifth of ResNet's 256- and 512-channel 3x3 layers). Its lanes
/// are either positions (<see cref="ByPosition"/>: col^T, the forward's left operand, steps = taps) or taps
/// (<see cref="ByTap"/>: the weight gradient's right operand col^T, steps = positions). The input is given already padded
/// (<see cref="Pad"/>), so a run of consecutive output columns of one output row reads one input row segment per tap,
/// with no bounds to test; at column stride 2 the copy holds each row's even columns before its odd ones, so that the
/// segment is contiguous there too (ResNet's stride-2 forwards 2-9% faster than reading every other element).
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct ImplicitColumns<T> : IGemmOperand<ImplicitColumns<T>> where T : unmanaged, INumber<T>
{
    private readonly T* x, end;
    private readonly ConvGeometry g;
    private readonly bool tapLanes;
    private readonly long first;

    private ImplicitColumns(T* x, T* end, ConvGeometry g, bool tapLanes, long first)
    {
        this.x = x;
        this.end = end;
        this.g = g;
        this.tapLanes = tapLanes;
        this.first = first;
    }

    /// <summary>
    /// col^T of the convolution <paramref name="g"/> (one group) over the input at <paramref name="x"/>, laid out as
    /// <see cref="Pad"/> writes it (each plane grown by the padding on both sides) and ending at <paramref name="end"/>
    /// (vector loads read up to there): lanes = positions, steps = taps.
    /// </summary>
    public static ImplicitColumns<T> ByPosition(T* x, T* end, ConvGeometry g) => new(x, end, g, false, 0);

    /// <summary>The same columns with lanes = taps and steps = positions.</summary>
    public static ImplicitColumns<T> ByTap(T* x, T* end, ConvGeometry g) => new(x, end, g, true, 0);

    /// <summary>True if the input must be copied into a padded buffer first (the layer pads, or has column stride 2).</summary>
    public static bool NeedsPad(ConvGeometry g) => g.PD != 0 || g.PH != 0 || g.PW != 0 || SplitsColumns(g);

    /// <summary>
    /// Whether the padded copy holds each row as its even columns followed by its odd ones (column stride 2 and kernel
    /// rows of several taps): a run of output columns then reads consecutive elements of one half for every tap, one
    /// load a step instead of two and a permute. A 1x1 layer reads each input element once at most: there the copy
    /// costs more than it saves (ResNet's 14->7 downsample 0.35 -> 0.50 ms), and an unpadded input is read in place.
    /// </summary>
    public static bool SplitsColumns(ConvGeometry g) => g.SW == 2 && g.KW > 1;

    /// <summary>Elements of the padded copy of images [0, <paramref name="images"/>).</summary>
    public static long PaddedElements(ConvGeometry g, long images) =>
        images * g.C * (g.ID + 2 * g.PD) * (g.IH + 2 * g.PH) * (g.IW + 2 * g.PW);

    /// <summary>
    /// Copies images [0, <paramref name="images"/>) of <paramref name="x"/> into <paramref name="xp"/> with zero borders of
    /// the padding's width, each row split into its even and odd columns where <see cref="SplitsColumns"/>.
    /// </summary>
    public static void Pad(T* x, T* xp, ConvGeometry g, long images)
    {
        long planes = images * g.C;
        nint ax = (nint)x, axp = (nint)xp;
        T* xEnd = x + planes * g.InPlane;
        bool split = SplitsColumns(g);
        Parallelism.For(Parallelism.ThreadsFor(PaddedElements(g, images)), (t, n) =>
        {
            long IW = g.IW, IH = g.IH, ID = g.ID, PW = g.PW, PH = g.PH, PD = g.PD;
            long W = IW + 2 * PW, H = IH + 2 * PH, D = ID + 2 * PD, even = (W + 1) / 2;
            for (long q = planes * t / n; q < planes * (t + 1) / n; q++)
            {
                T* src = (T*)ax + q * g.InPlane, dst = (T*)axp + q * D * H * W;
                for (long d = 0; d < D; d++)
                    for (long h = 0; h < H; h++, dst += W)
                    {
                        if ((ulong)(d - PD) >= (ulong)ID || (ulong)(h - PH) >= (ulong)IH)
                        {
                            Vec<T>.Clear(dst, W);
                            continue;
                        }
                        if (split)
                        {
                            // Padded column j = PW + iw lands at j / 2 in the even half or even + j / 2 in the odd half;
                            // each half is its zero border, its inputs, and zeros to its end.
                            long first = PW % 2;
                            SplitHalf(dst, (PW + first) / 2, src + first, (IW - first + 1) / 2, even, xEnd);
                            SplitHalf(dst + even, (PW + 1 - first) / 2, src + 1 - first, (IW + first) / 2, W - even, xEnd);
                        }
                        else
                        {
                            Vec<T>.Clear(dst, PW);
                            Vec<T>.Copy(dst + PW, src, IW);
                            Vec<T>.Clear(dst + PW + IW, PW);
                        }
                        src += IW;
                    }
            }
        });
    }

    // One half of a split row of `size` elements: `border` zeros, src[2m] for m < count (reading nothing at or past
    // `end`), zeros after them.
    private static void SplitHalf(T* dst, long border, T* src, long count, long size, T* end)
    {
        count = Math.Max(0, count);
        for (long m = 0; m < border; m++) dst[m] = T.Zero;
        if (typeof(T) == typeof(float) && Avx512F.IsSupported) ConvKernels<float>.EvenElements((float*)dst + border, (float*)src, count, (float*)end);
        else
            for (long m = 0; m < count; m++) dst[border + m] = src[2 * m];
        for (long m = border + count; m < size; m++) dst[m] = T.Zero;
    }

    public bool LanesContiguous<TC>() where TC : unmanaged => false;

    public TC* At<TC>(long i, long p) where TC : unmanaged => throw new NotSupportedException("implicit columns are packed, never read in place");

    public long StepStride => 0;

    public ImplicitColumns<T> From(long lane) => new(x, end, g, tapLanes, first + lane);

    public void Pack<TC>(long i, int lanes, long p, int kc, int w, TC* dst) where TC : unmanaged
    {
        if (typeof(TC) != typeof(T) || w > 64) throw new NotSupportedException("implicit columns pack in their own type, panels of up to 64 lanes");
        if (tapLanes) PackTaps(i + first, lanes, p, kc, w, (T*)dst);
        else PackPositions(i + first, lanes, p, kc, w, (T*)dst);
    }

    // Elements between consecutive output columns' receptive fields in the padded copy (1 where it splits columns).
    private long ColumnStride => SplitsColumns(g) ? 1 : g.SW;

    // The first element of output position s's receptive field in the padded input.
    private T* Origin(long s)
    {
        long W = g.IW + 2 * g.PW, H = g.IH + 2 * g.PH, l = s % g.L, row = l / g.OW;
        return x + s / g.L * g.C * (g.ID + 2 * g.PD) * H * W + (row / g.OH * g.SD * H + row % g.OH * g.SH) * W + l % g.OW * ColumnStride;
    }

    // The offset of kernel column kw from a receptive field's origin within its row: kw·DW, or in a split row that
    // column's place in the even or the odd half.
    private long ColumnOffset(long kw)
    {
        long j = kw * g.DW;
        return !SplitsColumns(g) ? j : j % 2 == 0 ? j / 2 : (g.IW + 2 * g.PW + 1) / 2 + j / 2;
    }

    // The offset of tap k = (c, kd, kh, kw) from a receptive field's origin in the padded input.
    private long TapOffset(long k)
    {
        long W = g.IW + 2 * g.PW, H = g.IH + 2 * g.PH, taps = g.KD * g.KH * g.KW, t = k % taps;
        return (k / taps * (g.ID + 2 * g.PD) + t / (g.KH * g.KW) * g.DD) * H * W + t / g.KW % g.KH * g.DH * W + ColumnOffset(t % g.KW);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackPositions(long i, int rows, long p, int kc, int mr, T* dst)
    {
        long OW = g.OW;
        // Each step's tap offset once for the whole block (a tight copy loop per run, no tap counters in it).
        long* taps = stackalloc long[kc];
        Offsets(p, kc, taps);
        for (int p0 = 0; p0 < rows; p0 += mr)
        {
            int lanes = Math.Min(mr, rows - p0);
            T* d = dst + (long)p0 * kc;
            GemmPacking.ClearLanes(d, kc, mr, lanes);
            // The panel's rows as runs along output rows: each run is one contiguous (or evenly strided) input row segment per step.
            for (long r = i + p0, last = r + lanes; r < last;)
            {
                int len = (int)Math.Min(last - r, OW - r % g.L % OW);
                Run(d + (r - i - p0), mr, kc, Origin(r), len, taps);
                r += len;
            }
        }
    }

    // The offsets of taps [p, p + kc) from a receptive field's origin: along the kernel row, then down its rows, its
    // depth, and on to the next channel.
    private void Offsets(long p, int kc, long* taps)
    {
        long KW = g.KW, KH = g.KH, KD = g.KD, W = g.IW + 2 * g.PW, H = g.IH + 2 * g.PH;
        long plane = (g.ID + 2 * g.PD) * H * W, t = p % (KD * KH * KW), kd = t / (KH * KW), kh = t / KW % KH, kw = t % KW;
        long th = g.DH * W, td = g.DD * H * W - KH * g.DH * W, tc = plane - KD * g.DD * H * W;
        long* column = stackalloc long[(int)KW];
        for (long j = 0; j < KW; j++) column[j] = ColumnOffset(j);
        // `at` is the offset of the tap's kernel row; its column's offset is added per step.
        long at = TapOffset(p) - column[kw];
        for (int s = 0; s < kc; s++)
        {
            taps[s] = at + column[kw];
            if (++kw < KW) continue;
            kw = 0;
            at += th;
            if (++kh < KH) continue;
            kh = 0;
            at += td;
            if (++kd < KD) continue;
            kd = 0;
            at += tc;
        }
    }

    // One run of `len` positions whose first receptive field starts at `origin`, step s reading at origin + taps[s].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run(T* dst, int ld, int kc, T* origin, int len, long* taps)
    {
        long SW = ColumnStride;
        if (typeof(T) == typeof(float) && Avx512F.IsSupported && len <= 16 && SW <= 2)
        {
            var store = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(len)).AsSingle();
            var (low, high) = RowLoads.Masks(len, SW);
            float* o = (float*)origin, d = (float*)dst, e = (float*)end;
            // The stride as a constant in each loop: a stride test per step made this loop a third slower.
            if (SW == 1)
                for (int s = 0; s < kc; s++, d += ld) Avx512F.MaskStore(d, store, RowLoads.First(o + taps[s], low, e));
            else
                for (int s = 0; s < kc; s++, d += ld) Avx512F.MaskStore(d, store, RowLoads.Load(o + taps[s], 2, low, high, e));
        }
        else
            for (int s = 0; s < kc; s++, dst += ld)
            {
                T* src = origin + taps[s];
                if (SW == 1) Vec<T>.Copy(dst, src, len);
                else
                    for (int j = 0; j < len; j++) dst[j] = src[j * SW];
            }
    }

    // Taps as lanes: steps run along output rows, where each tap reads consecutive input elements, so sixteen taps' runs
    // are loaded and transposed into the panel in registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackTaps(long i, int lanes, long p, int kc, int w, T* dst)
    {
        long L = g.L, OW = g.OW, SW = ColumnStride;
        bool vector = typeof(T) == typeof(float) && Avx512F.IsSupported && SW <= 2;
        long* off = stackalloc long[64];
        for (int p0 = 0; p0 < lanes; p0 += w)
        {
            int n = Math.Min(w, lanes - p0);
            T* panel = dst + (long)p0 * kc;
            // Lane q reads tap k = (c, kd, kh, kw) at this offset from a position's receptive field.
            for (int q = 0; q < n; q++) off[q] = TapOffset(i + p0 + q);
            // Steps as runs of up to 16 positions along one output row.
            for (long s = p; s < p + kc;)
            {
                int r = (int)Math.Min(Math.Min(OW - s % L % OW, p + kc - s), 16);
                T* origin = Origin(s);
                T* ds = panel + (s - p) * w;
                if (vector)
                {
                    var (low, high) = RowLoads.Masks(r, SW);
                    float* o = (float*)origin, e = (float*)end;
                    for (int g0 = 0; g0 < w; g0 += 16)
                    {
                        long* lo = off + g0;
                        int m = n - g0;
                        GemmPacking.StoreTransposed(
                            TapRun(o, lo, 0, m, SW, low, high, e), TapRun(o, lo, 1, m, SW, low, high, e), TapRun(o, lo, 2, m, SW, low, high, e),
                            TapRun(o, lo, 3, m, SW, low, high, e), TapRun(o, lo, 4, m, SW, low, high, e), TapRun(o, lo, 5, m, SW, low, high, e),
                            TapRun(o, lo, 6, m, SW, low, high, e), TapRun(o, lo, 7, m, SW, low, high, e), TapRun(o, lo, 8, m, SW, low, high, e),
                            TapRun(o, lo, 9, m, SW, low, high, e), TapRun(o, lo, 10, m, SW, low, high, e), TapRun(o, lo, 11, m, SW, low, high, e),
                            TapRun(o, lo, 12, m, SW, low, high, e), TapRun(o, lo, 13, m, SW, low, high, e), TapRun(o, lo, 14, m, SW, low, high, e),
                            TapRun(o, lo, 15, m, SW, low, high, e), (float*)ds + g0, w, r);
                    }
                }
                else
                    for (int t = 0; t < r; t++)
                        for (int q = 0; q < w; q++) ds[t * w + q] = q < n ? origin[off[q] + t * SW] : T.Zero;
                s += r;
            }
        }
    }

    // Lane q's run of positions (zero past the panel's `lanes` lanes), at unit stride or every other element.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TapRun(float* origin, long* off, int q, int lanes, long sw, Vector512<float> low, Vector512<float> high,
        float* end) =>
        q >= lanes ? Vector512<float>.Zero : RowLoads.Load(origin + off[q], sw, low, high, end);
}

/// <summary>
/// A batch of [O, L] planes (a convolution's output gradient gy [N, O, L]) as one GEMM operand [O, N·L] with lanes =
/// channels and steps = positions of every image in turn: the left operand of the weight gradient, read in place of a
/// staged copy.
/// </summary>
internal readonly unsafe struct ImagePlanes<T>(T* y, long channels, long positions, long first = 0) : IGemmOperand<ImagePlanes<T>> where T : unmanaged
{
    public void Pack<TC>(long i, int lanes, long p, int kc, int w, TC* dst) where TC : unmanaged
    {
        i += first;
        for (int p0 = 0; p0 < lanes; p0 += w)
        {
            int n = Math.Min(w, lanes - p0);
            TC* panel = dst + (long)p0 * kc;
            for (long s = p; s < p + kc;)
            {
                long l = s % positions;
                int run = (int)Math.Min(positions - l, p + kc - s);
                GemmPacking.Pack(y + (s / positions * channels + i + p0) * positions + l, positions, 1, n, run, w, panel + (s - p) * w);
                s += run;
            }
        }
    }

    public bool LanesContiguous<TC>() where TC : unmanaged => false;

    public TC* At<TC>(long i, long p) where TC : unmanaged => throw new NotSupportedException("image planes are packed, never read in place");

    public long StepStride => 0;

    public ImagePlanes<T> From(long lane) => new(y, channels, positions, first + lane);
}

/// <summary>
/// A batch of [O, L] planes (a convolution's output gradient gy [N, O, L]) as one GEMM operand [O, N·L] with lanes =
/// positions of every image in turn and steps = channels: the right operand of a small-plane input gradient, packed
/// straight from gy rather than from a staged copy (a tenth of ResNet's 7x7 strided 1x1 input gradient was that copy).
/// </summary>
internal readonly unsafe struct ImageColumns<T>(T* y, long channels, long positions, long first = 0) : IGemmOperand<ImageColumns<T>>
    where T : unmanaged, INumber<T>
{
    public void Pack<TC>(long i, int lanes, long p, int kc, int w, TC* dst) where TC : unmanaged
    {
        if (typeof(TC) != typeof(T)) throw new NotSupportedException("image columns pack in their own type");
        i += first;
        for (int p0 = 0; p0 < lanes; p0 += w)
        {
            int n = Math.Min(w, lanes - p0);
            T* panel = (T*)dst + (long)p0 * kc;
            GemmPacking.ClearLanes(panel, kc, w, n);
            // The panel's lanes as runs that each stay within one image.
            for (long j = i + p0, last = j + n; j < last;)
            {
                long image = j / positions, l = j % positions, len = Math.Min(last - j, positions - l);
                T* src = y + (image * channels + p) * positions + l, d = panel + (j - i - p0);
                if (typeof(T) == typeof(float) && Avx512F.IsSupported && len <= 32)
                    CopyRuns((float*)d, w, (float*)src, positions, (int)len, kc);
                else
                    for (int s = 0; s < kc; s++) Vec<T>.Copy(d + (long)s * w, src + s * positions, len);
                j += len;
            }
        }
    }

    // kc runs of len <= 32 floats, src's `stride` apart, into the panel's steps `w` apart, with masked vector copies: a
    // copy call per step cost more than its 14 to 32 floats (a seventh of ResNet's 56 -> 28 downsample input gradient).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRuns(float* d, int w, float* src, long stride, int len, int kc)
    {
        var low = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(len)).AsSingle();
        var high = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(len - 16)).AsSingle();
        for (int s = 0; s < kc; s++, d += w, src += stride)
        {
            Avx512F.MaskStore(d, low, Avx512F.MaskLoad(src, low, Vector512<float>.Zero));
            if (len > 16) Avx512F.MaskStore(d + 16, high, Avx512F.MaskLoad(src + 16, high, Vector512<float>.Zero));
        }
    }

    public bool LanesContiguous<TC>() where TC : unmanaged => false;

    public TC* At<TC>(long i, long p) where TC : unmanaged => throw new NotSupportedException("image columns are packed, never read in place");

    public long StepStride => 0;

    public ImageColumns<T> From(long lane) => new(y, channels, positions, first + lane);
}
