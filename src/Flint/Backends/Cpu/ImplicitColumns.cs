using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// The transposed im2col matrix of a one-group convolution, col^T [N·L, K] (row = an output position of one image,
/// step = an input channel and kernel tap), as the GEMM's left operand, packed straight from the input: the columns
/// matrix never exists, so a small-plane layer's forward skips writing it and reading it back (together a fifth of
/// ResNet's 256- and 512-channel 3x3 layers). The input is given already padded (<see cref="Pad"/>), so a panel's rows,
/// runs of consecutive output columns of one output row, read one input row segment per step with no bounds to test.
/// </summary>
[SkipLocalsInit]
internal readonly unsafe struct ImplicitColumns<T> : IGemmOperand<ImplicitColumns<T>> where T : unmanaged, INumber<T>
{
    private readonly T* x;
    private readonly ConvGeometry g;
    private readonly long first;

    /// <summary>
    /// The columns of the convolution <paramref name="g"/> (one group) over the input at <paramref name="x"/>, laid out
    /// as <see cref="Pad"/> writes it: each plane grown by the padding on both sides, which is then read as data.
    /// </summary>
    public ImplicitColumns(T* x, ConvGeometry g) : this(x, g, 0) { }

    private ImplicitColumns(T* x, ConvGeometry g, long first)
    {
        this.x = x;
        this.g = g;
        this.first = first;
    }

    /// <summary>True if the input must be copied into a padded buffer first (the layer pads).</summary>
    public static bool NeedsPad(ConvGeometry g) => g.PD != 0 || g.PH != 0 || g.PW != 0;

    /// <summary>Elements of the padded copy of images [0, <paramref name="images"/>).</summary>
    public static long PaddedElements(ConvGeometry g, long images) =>
        images * g.C * (g.ID + 2 * g.PD) * (g.IH + 2 * g.PH) * (g.IW + 2 * g.PW);

    /// <summary>Copies images [0, <paramref name="images"/>) of <paramref name="x"/> into <paramref name="xp"/> with zero borders of the padding's width.</summary>
    public static void Pad(T* x, T* xp, ConvGeometry g, long images)
    {
        long planes = images * g.C;
        nint ax = (nint)x, axp = (nint)xp;
        Parallelism.For(Parallelism.ThreadsFor(PaddedElements(g, images)), (t, n) =>
        {
            long IW = g.IW, IH = g.IH, ID = g.ID, PW = g.PW, PH = g.PH, PD = g.PD;
            long W = IW + 2 * PW, H = IH + 2 * PH, D = ID + 2 * PD;
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
                        Vec<T>.Clear(dst, PW);
                        Vec<T>.Copy(dst + PW, src, IW);
                        Vec<T>.Clear(dst + PW + IW, PW);
                        src += IW;
                    }
            }
        });
    }

    public bool LanesContiguous<TC>() where TC : unmanaged => false;

    public TC* At<TC>(long i, long p) where TC : unmanaged => throw new NotSupportedException("implicit columns are packed, never read in place");

    public long StepStride => 0;

    public ImplicitColumns<T> From(long row) => new(x, g, first + row);

    public void Pack<TC>(long i, int rows, long p, int kc, int mr, TC* dst) where TC : unmanaged
    {
        if (typeof(TC) != typeof(T)) throw new NotSupportedException("implicit columns pack in their own type");
        Pack(i, rows, p, kc, mr, (T*)dst);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Pack(long i, int rows, long p, int kc, int mr, T* dst)
    {
        long L = g.L, OW = g.OW, OH = g.OH, W = g.IW + 2 * g.PW, H = g.IH + 2 * g.PH, image = g.C * (g.ID + 2 * g.PD) * H * W;
        i += first;
        for (int p0 = 0; p0 < rows; p0 += mr)
        {
            int lanes = Math.Min(mr, rows - p0);
            T* d = dst + (long)p0 * kc;
            if (lanes < mr)
                for (int k = 0; k < kc; k++) Vec<T>.Clear(d + (long)k * mr + lanes, mr - lanes);
            // The panel's rows as runs along output rows: each run is one contiguous (or evenly strided) input row segment per step.
            for (long r = i + p0, end = r + lanes; r < end;)
            {
                long n = r / L, l = r % L, ow = l % OW, row = l / OW;
                int len = (int)Math.Min(end - r, OW - ow);
                T* origin = x + n * image + ((row / OH * g.SD * H) + row % OH * g.SH) * W + ow * g.SW;
                Run(d + (r - i - p0), mr, p, kc, origin, len);
                r += len;
            }
        }
    }

    // One run of `len` positions whose first receptive field starts at `origin`, for steps [p, p + kc).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run(T* dst, int ld, long p, int kc, T* origin, int len)
    {
        // Geometry in locals: the JIT cannot keep the class's fields in registers across the stores.
        long KW = g.KW, KH = g.KH, KD = g.KD, W = g.IW + 2 * g.PW, H = g.IH + 2 * g.PH, SW = g.SW;
        long plane = (g.ID + 2 * g.PD) * H * W, taps = KD * KH * KW;
        long tw = g.DW, th = g.DH * W - KW * g.DW, td = g.DD * H * W - KH * g.DH * W, tc = plane - KD * g.DD * H * W;
        long c = p / taps, t = p % taps, kd = t / (KH * KW), kh = t / KW % KH, kw = t % KW;
        T* src = origin + c * plane + kd * g.DD * H * W + kh * g.DH * W + kw * g.DW;
        bool vector = typeof(T) == typeof(float) && Avx512F.IsSupported && len <= 16 && SW <= 2;
        var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(len)).AsSingle();
        var (low, high) = MaxPool2x2F32.EvenMasks(len);
        for (int s = 0; s < kc; s++, dst += ld)
        {
            if (vector)
            {
                var v = SW == 1 ? Avx512F.MaskLoad((float*)src, mask, Vector512<float>.Zero) : MaxPool2x2F32.LoadEven((float*)src, low, high, Vector512<float>.Zero);
                Avx512F.MaskStore((float*)dst, mask, v);
            }
            else if (SW == 1) Vec<T>.Copy(dst, src, len);
            else
                for (int j = 0; j < len; j++) dst[j] = src[j * SW];
            // Next tap: along the kernel row, then down its rows, its depth, and on to the next channel.
            src += tw;
            if (++kw < KW) continue;
            kw = 0;
            src += th;
            if (++kh < KH) continue;
            kh = 0;
            src += td;
            if (++kd < KD) continue;
            kd = 0;
            src += tc;
        }
    }
}
