using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Flint.Backends.Cpu;

/// <summary>
/// Convolution on the CPU. Every pass runs per image (and per group) as im2col tiles feeding the packed GEMM: a tile
/// is a band of output rows whose receptive fields are unrolled into a [K, rows·OW] matrix small enough to stay in
/// cache, so memory stays bounded for any image size. Pointwise (1x1, stride 1, unpadded) convolutions skip the
/// unrolling and hand the input to the GEMM as it is. Depthwise convolutions (one input channel per group) use
/// direct vector loops instead, since their GEMMs would be a single row. Batches split over threads by images (each
/// thread with its own im2col buffer and, for the weight gradient, its own partial sum); a batch smaller than the
/// thread count runs image by image with the GEMM itself threaded.
/// </summary>
internal sealed partial class CpuBackend
{
    public void ConvForward(Tensor x, Tensor w, Tensor? bias, Tensor y, ConvGeometry g)
    {
        if (NeedsFloat(y.dtype))
        {
            var yf = FloatLike(y);
            ConvForward(ToFloat(x), ToFloat(w), bias is null ? null : ToFloat(bias), yf, g);
            Dispatch.Copy(yf, y);
            return;
        }
        switch (y.dtype)
        {
            case DType.Float32: ConvKernels<float>.Forward(x, w, bias, y, g); break;
            case DType.Float64: ConvKernels<double>.Forward(x, w, bias, y, g); break;
            case DType.Int64: ConvKernels<long>.Forward(x, w, bias, y, g); break;
            case DType.Int32: ConvKernels<int>.Forward(x, w, bias, y, g); break;
            case DType.Int16: ConvKernels<short>.Forward(x, w, bias, y, g); break;
            case DType.Int8: ConvKernels<sbyte>.Forward(x, w, bias, y, g); break;
            case DType.UInt8: ConvKernels<byte>.Forward(x, w, bias, y, g); break;
            default: throw new NotSupportedException($"\"slow_conv2d_cpu\" not implemented for '{y.dtype.ScalarTypeName()}'");
        }
    }

    public void ConvBackwardInput(Tensor gy, Tensor w, Tensor gx, ConvGeometry g)
    {
        if (NeedsFloat(gx.dtype))
        {
            var gf = FloatLike(gx);
            ConvBackwardInput(ToFloat(gy), ToFloat(w), gf, g);
            Dispatch.Copy(gf, gx);
            return;
        }
        switch (gx.dtype)
        {
            case DType.Float32: ConvKernels<float>.BackwardInput(gy, w, gx, g); break;
            case DType.Float64: ConvKernels<double>.BackwardInput(gy, w, gx, g); break;
            case DType.Int64: ConvKernels<long>.BackwardInput(gy, w, gx, g); break;
            case DType.Int32: ConvKernels<int>.BackwardInput(gy, w, gx, g); break;
            case DType.Int16: ConvKernels<short>.BackwardInput(gy, w, gx, g); break;
            case DType.Int8: ConvKernels<sbyte>.BackwardInput(gy, w, gx, g); break;
            case DType.UInt8: ConvKernels<byte>.BackwardInput(gy, w, gx, g); break;
            default: throw new NotSupportedException($"\"slow_conv_transpose2d_out_cpu\" not implemented for '{gx.dtype.ScalarTypeName()}'");
        }
    }

    public void ConvBackwardWeight(Tensor x, Tensor gy, Tensor gw, ConvGeometry g)
    {
        if (NeedsFloat(gw.dtype))
        {
            var gf = FloatLike(gw);
            ConvBackwardWeight(ToFloat(x), ToFloat(gy), gf, g);
            Dispatch.Copy(gf, gw);
            return;
        }
        switch (gw.dtype)
        {
            case DType.Float32: ConvKernels<float>.BackwardWeight(x, gy, gw, g); break;
            case DType.Float64: ConvKernels<double>.BackwardWeight(x, gy, gw, g); break;
            default: throw new NotSupportedException($"\"slow_conv2d_backward_cpu\" not implemented for '{gw.dtype.ScalarTypeName()}'");
        }
    }

    public void Im2Col(Tensor x, Tensor col, ConvGeometry g)
    {
        if (NeedsFloat(col.dtype))
        {
            var cf = FloatLike(col);
            Im2Col(ToFloat(x), cf, g);
            Dispatch.Copy(cf, col);
            return;
        }
        switch (col.dtype)
        {
            case DType.Float32: ConvKernels<float>.Unfold(x, col, g); break;
            case DType.Float64: ConvKernels<double>.Unfold(x, col, g); break;
            default: throw new NotSupportedException($"\"im2col_out_cpu\" not implemented for '{col.dtype.ScalarTypeName()}'");
        }
    }

    public void Col2Im(Tensor col, Tensor x, ConvGeometry g)
    {
        if (NeedsFloat(x.dtype))
        {
            var xf = FloatLike(x);
            Col2Im(ToFloat(col), xf, g);
            Dispatch.Copy(xf, x);
            return;
        }
        switch (x.dtype)
        {
            case DType.Float32: ConvKernels<float>.Fold(col, x, g); break;
            case DType.Float64: ConvKernels<double>.Fold(col, x, g); break;
            default: throw new NotSupportedException($"\"col2im_out_cpu\" not implemented for '{x.dtype.ScalarTypeName()}'");
        }
    }

    /// <summary>bfloat16 and float16 are computed in float32 and rounded once, as PyTorch's CPU kernels accumulate them.</summary>
    internal static bool NeedsFloat(DType d) => d is DType.BFloat16 or DType.Float16;

    /// <summary>A contiguous float32 copy of a half-precision tensor.</summary>
    internal static Tensor ToFloat(Tensor t)
    {
        var f = Tensor.Allocate((long[])t.shape.Clone(), DType.Float32, Device.CPU);
        Dispatch.Copy(t, f);
        return f;
    }

    /// <summary>An uninitialised contiguous float32 tensor of <paramref name="t"/>'s shape.</summary>
    internal static Tensor FloatLike(Tensor t) => Tensor.Allocate((long[])t.shape.Clone(), DType.Float32, Device.CPU);
}

/// <summary>Per-thread scratch buffers of the convolution and pooling kernels, grown as needed and then reused.</summary>
internal static unsafe class ConvWorkspace
{
    public const int Columns = 0, Plane = 1;
    private const int Slots = 2;

    [ThreadStatic] private static byte[]?[]? arrays;
    [ThreadStatic] private static nint[]? aligned;

    /// <summary>A 64-byte-aligned buffer of at least <paramref name="count"/> elements, private to this thread.</summary>
    public static T* Get<T>(int slot, long count) where T : unmanaged
    {
        arrays ??= new byte[]?[Slots];
        aligned ??= new nint[Slots];
        long bytes = Math.Max(count, 1) * sizeof(T) + 64;
        var arr = arrays[slot];
        if (arr is null || arr.LongLength < bytes)
        {
            if (bytes > Array.MaxLength)
                throw new OutOfMemoryException($"convolution workspace of {bytes} bytes is larger than the largest managed array");
            arr = GC.AllocateUninitializedArray<byte>((int)bytes, pinned: true);
            arrays[slot] = arr;
            var p = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(arr));
            aligned[slot] = (p + 63) & ~(nint)63;
        }
        return (T*)aligned[slot];
    }
}

/// <summary>The convolution loops for one storage type (float, double or an integer type).</summary>
internal static unsafe class ConvKernels<T> where T : unmanaged, INumber<T>
{
    // An im2col tile holds at most this many bytes (an L2-to-L3-sized block).
    private const long TileBytes = 2 << 20;

    // Below this many multiply-adds a convolution stays on the calling thread.
    private const long Grain = 1L << 19;

    private static bool IsDepthwise(ConvGeometry g) =>
        (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && g.Groups > 1 && g.Cg == 1 && g.KD == 1 && g.ID == 1;

    // Output rows (od, oh) per im2col tile.
    private static long TileRows(ConvGeometry g) => Math.Max(1, TileBytes / Math.Max(1, g.K * g.OW * sizeof(T)));

    /// <summary>Work splitting: threads over images when the batch covers them, else null (image by image).</summary>
    private static int ImageThreads(ConvGeometry g)
    {
        int threads = Parallelism.ThreadsFor(g.N * g.O * g.K * g.L, Grain);
        return threads > 1 && g.N >= threads ? threads : 1;
    }

    public static void Forward(Tensor x, Tensor w, Tensor? bias, Tensor y, ConvGeometry g)
    {
        if (g.N == 0 || g.O == 0 || g.L == 0) return;
        T* px = (T*)x.Ptr, pw = (T*)w.Ptr, py = (T*)y.Ptr, pb = bias is null ? null : (T*)bias.Ptr;
        if (IsDepthwise(g)) DepthwiseForward(px, pw, pb, py, g);
        else if (g.IsPointwise && g.Groups == 1)
        {
            // y[n] = W @ x[n] for every image in one batched GEMM (the GEMM splits the batch over threads).
            if (pb is not null) FillBias(py, pb, g.N, g.O, g.L);
            Gemm.Run(pw, 0, g.K, 1, px, g.C * g.L, g.L, 1, py, g.O * g.L, g.L, g.N, g.O, g.L, g.C, pb is not null);
        }
        else
        {
            int threads = ImageThreads(g);
            nint ax = (nint)px, aw = (nint)pw, ay = (nint)py, ab = (nint)pb;
            Parallelism.For(threads, (t, count) =>
            {
                for (long n = g.N * t / count; n < g.N * (t + 1) / count; n++)
                    ForwardImage((T*)ax, (T*)aw, (T*)ab, (T*)ay, g, n);
            });
        }
        GC.KeepAlive(x); GC.KeepAlive(w); GC.KeepAlive(bias); GC.KeepAlive(y);
    }

    private static void FillBias(T* y, T* b, long n, long o, long l)
    {
        for (long i = 0; i < n; i++)
            for (long c = 0; c < o; c++)
                Fill(y + (i * o + c) * l, l, b[c]);
    }

    private static void Fill(T* p, long count, T value)
    {
        for (long done = 0; done < count; done += int.MaxValue)
            new Span<T>(p + done, (int)Math.Min(int.MaxValue, count - done)).Fill(value);
    }

    private static void ForwardImage(T* x, T* w, T* b, T* y, ConvGeometry g, long n)
    {
        long K = g.K, L = g.L, Og = g.Og, Cg = g.Cg;
        T* xn = x + n * g.C * g.InPlane, yn = y + n * g.O * L;
        if (b is not null) FillBias(yn, b, 1, g.O, L);
        bool acc = b is not null;
        long rows = g.OD * g.OH, tile = TileRows(g);
        T* col = g.IsPointwise ? null : ConvWorkspace.Get<T>(ConvWorkspace.Columns, K * Math.Min(rows, tile) * g.OW);
        for (long gr = 0; gr < g.Groups; gr++)
        {
            T* wg = w + gr * Og * K, xg = xn + gr * Cg * g.InPlane, yg = yn + gr * Og * L;
            if (g.IsPointwise)
            {
                Gemm.Run(wg, 0, K, 1, xg, 0, L, 1, yg, 0, L, 1, Og, L, K, acc);
                continue;
            }
            for (long r0 = 0; r0 < rows; r0 += tile)
            {
                long r1 = Math.Min(rows, r0 + tile), lt = (r1 - r0) * g.OW;
                Unroll(xg, col, g, Cg, r0, r1);
                Gemm.Run(wg, 0, K, 1, col, 0, lt, 1, yg + r0 * g.OW, 0, L, 1, Og, lt, K, acc);
            }
        }
    }

    public static void BackwardInput(Tensor gy, Tensor w, Tensor gx, ConvGeometry g)
    {
        T* pgy = (T*)gy.Ptr, pw = (T*)w.Ptr, pgx = (T*)gx.Ptr;
        if (g.N == 0 || g.C == 0 || g.InPlane == 0) return;
        if (g.O == 0 || g.L == 0) Fill(pgx, g.N * g.C * g.InPlane, T.Zero);
        else if (IsDepthwise(g)) DepthwiseBackwardInput(pgy, pw, pgx, g);
        else if (g.IsPointwise && g.Groups == 1)
            Gemm.Run(pw, 0, 1, g.K, pgy, g.O * g.L, g.L, 1, pgx, g.C * g.L, g.L, g.N, g.C, g.L, g.O, false);
        else
        {
            int threads = ImageThreads(g);
            nint agy = (nint)pgy, aw = (nint)pw, agx = (nint)pgx;
            Parallelism.For(threads, (t, count) =>
            {
                for (long n = g.N * t / count; n < g.N * (t + 1) / count; n++)
                    BackwardInputImage((T*)agy, (T*)aw, (T*)agx, g, n);
            });
        }
        GC.KeepAlive(gy); GC.KeepAlive(w); GC.KeepAlive(gx);
    }

    private static void BackwardInputImage(T* gy, T* w, T* gx, ConvGeometry g, long n)
    {
        long K = g.K, L = g.L, Og = g.Og, Cg = g.Cg;
        T* gyn = gy + n * g.O * L, gxn = gx + n * g.C * g.InPlane;
        long rows = g.OD * g.OH, tile = TileRows(g);
        if (!g.IsPointwise) Fill(gxn, g.C * g.InPlane, T.Zero);
        T* col = g.IsPointwise ? null : ConvWorkspace.Get<T>(ConvWorkspace.Columns, K * Math.Min(rows, tile) * g.OW);
        for (long gr = 0; gr < g.Groups; gr++)
        {
            T* wg = w + gr * Og * K, gyg = gyn + gr * Og * L, gxg = gxn + gr * Cg * g.InPlane;
            if (g.IsPointwise)
            {
                Gemm.Run(wg, 0, 1, K, gyg, 0, L, 1, gxg, 0, L, 1, K, L, Og, false);
                continue;
            }
            for (long r0 = 0; r0 < rows; r0 += tile)
            {
                long r1 = Math.Min(rows, r0 + tile), lt = (r1 - r0) * g.OW;
                Gemm.Run(wg, 0, 1, K, gyg + r0 * g.OW, 0, L, 1, col, 0, lt, 1, K, lt, Og, false);
                Roll(col, gxg, g, Cg, r0, r1);
            }
        }
    }

    public static void BackwardWeight(Tensor x, Tensor gy, Tensor gw, ConvGeometry g)
    {
        T* px = (T*)x.Ptr, pgy = (T*)gy.Ptr, pgw = (T*)gw.Ptr;
        long size = g.O * g.K;
        if (size == 0) return;
        if (g.N == 0 || g.L == 0) Fill(pgw, size, T.Zero);
        else if (IsDepthwise(g)) DepthwiseBackwardWeight(px, pgy, pgw, g);
        else
        {
            int threads = ImageThreads(g);
            if (threads <= 1)
            {
                Fill(pgw, size, T.Zero);
                for (long n = 0; n < g.N; n++) BackwardWeightImage(px, pgy, pgw, g, n);
            }
            else
            {
                // Each thread sums its images into a private partial; the partials are added up afterwards.
                var partials = Tensor.Allocate([threads, size], DTypes.Of<T>(), Device.CPU);
                nint ax = (nint)px, agy = (nint)pgy, ap = (nint)partials.Ptr;
                Parallelism.For(threads, (t, count) =>
                {
                    T* part = (T*)ap + t * size;
                    Fill(part, size, T.Zero);
                    for (long n = g.N * t / count; n < g.N * (t + 1) / count; n++) BackwardWeightImage((T*)ax, (T*)agy, part, g, n);
                });
                T* pp = (T*)partials.Ptr;
                var dst = new Span<T>(pgw, checked((int)size));
                new ReadOnlySpan<T>(pp, (int)size).CopyTo(dst);
                for (int t = 1; t < threads; t++) Add(dst, new ReadOnlySpan<T>(pp + t * size, (int)size));
                GC.KeepAlive(partials);
            }
        }
        GC.KeepAlive(x); GC.KeepAlive(gy); GC.KeepAlive(gw);
    }

    private static void Add(Span<T> dst, ReadOnlySpan<T> src)
    {
        if (typeof(T) == typeof(float))
            System.Numerics.Tensors.TensorPrimitives.Add(MemoryMarshal.Cast<T, float>(dst), MemoryMarshal.Cast<T, float>(src), MemoryMarshal.Cast<T, float>(dst));
        else if (typeof(T) == typeof(double))
            System.Numerics.Tensors.TensorPrimitives.Add(MemoryMarshal.Cast<T, double>(dst), MemoryMarshal.Cast<T, double>(src), MemoryMarshal.Cast<T, double>(dst));
        else
            for (int i = 0; i < dst.Length; i++) dst[i] += src[i];
    }

    private static void BackwardWeightImage(T* x, T* gy, T* gw, ConvGeometry g, long n)
    {
        long K = g.K, L = g.L, Og = g.Og, Cg = g.Cg;
        T* xn = x + n * g.C * g.InPlane, gyn = gy + n * g.O * L;
        long rows = g.OD * g.OH, tile = TileRows(g);
        T* col = g.IsPointwise ? null : ConvWorkspace.Get<T>(ConvWorkspace.Columns, K * Math.Min(rows, tile) * g.OW);
        for (long gr = 0; gr < g.Groups; gr++)
        {
            T* gwg = gw + gr * Og * K, gyg = gyn + gr * Og * L, xg = xn + gr * Cg * g.InPlane;
            if (g.IsPointwise)
            {
                // gw[g] += gy[n, g] [Og, L] @ x[n, g]^T [L, Cg]
                Gemm.Run(gyg, 0, L, 1, xg, 0, 1, L, gwg, 0, K, 1, Og, K, L, true);
                continue;
            }
            for (long r0 = 0; r0 < rows; r0 += tile)
            {
                long r1 = Math.Min(rows, r0 + tile), lt = (r1 - r0) * g.OW;
                Unroll(xg, col, g, Cg, r0, r1);
                Gemm.Run(gyg + r0 * g.OW, 0, L, 1, col, 0, 1, lt, gwg, 0, K, 1, Og, K, lt, true);
            }
        }
    }

    public static void Unfold(Tensor x, Tensor col, ConvGeometry g)
    {
        if (g.N == 0 || g.K == 0 || g.L == 0) return;
        nint ax = (nint)x.Ptr, ac = (nint)col.Ptr;
        long perImage = g.K * g.L, rows = g.OD * g.OH;
        int threads = g.N > 1 ? (int)Math.Min(g.N, Parallelism.ThreadsFor(g.N * perImage)) : 1;
        Parallelism.For(threads, (t, count) =>
        {
            for (long n = g.N * t / count; n < g.N * (t + 1) / count; n++)
                Unroll((T*)ax + n * g.C * g.InPlane, (T*)ac + n * perImage, g, g.C, 0, rows);
        });
        GC.KeepAlive(x); GC.KeepAlive(col);
    }

    public static void Fold(Tensor col, Tensor x, ConvGeometry g)
    {
        if (g.N == 0 || g.C == 0 || g.InPlane == 0) return;
        nint ax = (nint)x.Ptr, ac = (nint)col.Ptr;
        long perImage = g.K * g.L, rows = g.OD * g.OH;
        int threads = g.N > 1 ? (int)Math.Min(g.N, Parallelism.ThreadsFor(g.N * perImage)) : 1;
        Parallelism.For(threads, (t, count) =>
        {
            for (long n = g.N * t / count; n < g.N * (t + 1) / count; n++)
            {
                T* xn = (T*)ax + n * g.C * g.InPlane;
                Fill(xn, g.C * g.InPlane, T.Zero);
                if (g.L > 0) Roll((T*)ac + n * perImage, xn, g, g.C, 0, rows);
            }
        });
        GC.KeepAlive(x); GC.KeepAlive(col);
    }

    // The first output column ow whose input column ow*s - p + k*d is >= 0, and one past the last that is < size.
    private static (long Lo, long Hi) ValidRange(long outSize, long inSize, long stride, long pad, long offset)
    {
        long shift = pad - offset; // iw = ow*s - shift
        long lo = shift <= 0 ? 0 : (shift + stride - 1) / stride;
        long top = inSize - 1 + shift;
        long hi = top < 0 ? 0 : top / stride + 1;
        return (Math.Min(lo, outSize), Math.Clamp(hi, 0, outSize));
    }

    /// <summary>
    /// im2col of output rows [r0, r1) (row r = od·OH + oh) of <paramref name="channels"/> input channels at
    /// <paramref name="x"/>: col[(c, kd, kh, kw), (r - r0)·OW + ow] = x[c, id, ih, iw] or 0 in the padding.
    /// </summary>
    private static void Unroll(T* x, T* col, ConvGeometry g, long channels, long r0, long r1)
    {
        long lt = (r1 - r0) * g.OW, OW = g.OW;
        T* dst = col;
        for (long c = 0; c < channels; c++)
            for (long kd = 0; kd < g.KD; kd++)
                for (long kh = 0; kh < g.KH; kh++)
                    for (long kw = 0; kw < g.KW; kw++, dst += lt)
                    {
                        var (lo, hi) = ValidRange(OW, g.IW, g.SW, g.PW, kw * g.DW);
                        long iw0 = lo * g.SW - g.PW + kw * g.DW;
                        for (long r = r0; r < r1; r++)
                        {
                            long od = r / g.OH, oh = r % g.OH;
                            long id = od * g.SD - g.PD + kd * g.DD, ih = oh * g.SH - g.PH + kh * g.DH;
                            T* drow = dst + (r - r0) * OW;
                            if ((ulong)id >= (ulong)g.ID || (ulong)ih >= (ulong)g.IH || lo >= hi)
                            {
                                new Span<T>(drow, (int)OW).Clear();
                                continue;
                            }
                            if (lo > 0) new Span<T>(drow, (int)lo).Clear();
                            if (hi < OW) new Span<T>(drow + hi, (int)(OW - hi)).Clear();
                            T* src = x + ((c * g.ID + id) * g.IH + ih) * g.IW + iw0;
                            if (g.SW == 1) new ReadOnlySpan<T>(src, (int)(hi - lo)).CopyTo(new Span<T>(drow + lo, (int)(hi - lo)));
                            else
                            {
                                long s = g.SW;
                                for (long ow = lo; ow < hi; ow++, src += s) drow[ow] = *src;
                            }
                        }
                    }
    }

    /// <summary>col2im of output rows [r0, r1): adds each column entry back into the input element it came from.</summary>
    private static void Roll(T* col, T* x, ConvGeometry g, long channels, long r0, long r1)
    {
        long lt = (r1 - r0) * g.OW, OW = g.OW;
        T* src = col;
        for (long c = 0; c < channels; c++)
            for (long kd = 0; kd < g.KD; kd++)
                for (long kh = 0; kh < g.KH; kh++)
                    for (long kw = 0; kw < g.KW; kw++, src += lt)
                    {
                        var (lo, hi) = ValidRange(OW, g.IW, g.SW, g.PW, kw * g.DW);
                        if (lo >= hi) continue;
                        long iw0 = lo * g.SW - g.PW + kw * g.DW;
                        for (long r = r0; r < r1; r++)
                        {
                            long od = r / g.OH, oh = r % g.OH;
                            long id = od * g.SD - g.PD + kd * g.DD, ih = oh * g.SH - g.PH + kh * g.DH;
                            if ((ulong)id >= (ulong)g.ID || (ulong)ih >= (ulong)g.IH) continue;
                            T* srow = src + (r - r0) * OW;
                            T* dst = x + ((c * g.ID + id) * g.IH + ih) * g.IW + iw0;
                            if (g.SW == 1) Vec<T>.Add(dst, srow + lo, hi - lo);
                            else
                            {
                                long s = g.SW;
                                for (long ow = lo; ow < hi; ow++, dst += s) *dst += srow[ow];
                            }
                        }
                    }
    }

    // Depthwise: output channel o reads input channel o / m (m = O / C), one plane at a time with vector rows.
    private static void DepthwiseForward(T* x, T* w, T* b, T* y, ConvGeometry g)
    {
        long planes = g.N * g.O, mult = g.O / g.C, taps = g.KH * g.KW;
        int threads = (int)Math.Min(planes, Parallelism.ThreadsFor(planes * g.L * taps, 1L << 16));
        nint ax = (nint)x, aw = (nint)w, ab = (nint)b, ay = (nint)y;
        Parallelism.For(threads, (t, count) =>
        {
            for (long pl = planes * t / count; pl < planes * (t + 1) / count; pl++)
            {
                long n = pl / g.O, o = pl % g.O;
                T* xp = (T*)ax + (n * g.C + o / mult) * g.InPlane, wp = (T*)aw + o * taps, yp = (T*)ay + pl * g.L;
                Fill(yp, g.L, ab == 0 ? T.Zero : ((T*)ab)[o]);
                for (long kw = 0; kw < g.KW; kw++)
                {
                    var (lo, hi) = ValidRange(g.OW, g.IW, g.SW, g.PW, kw * g.DW);
                    if (lo >= hi) continue;
                    long iw0 = lo * g.SW - g.PW + kw * g.DW;
                    for (long oh = 0; oh < g.OH; oh++)
                    {
                        T* yrow = yp + oh * g.OW + lo;
                        for (long kh = 0; kh < g.KH; kh++)
                        {
                            long ih = oh * g.SH - g.PH + kh * g.DH;
                            if ((ulong)ih >= (ulong)g.IH) continue;
                            T* xrow = xp + ih * g.IW + iw0;
                            T wv = wp[kh * g.KW + kw];
                            if (g.SW == 1) Vec<T>.Axpy(yrow, xrow, wv, hi - lo);
                            else
                                for (long i = 0, s = g.SW; i < hi - lo; i++) yrow[i] += wv * xrow[i * s];
                        }
                    }
                }
            }
        });
    }

    private static void DepthwiseBackwardInput(T* gy, T* w, T* gx, ConvGeometry g)
    {
        long planes = g.N * g.C, mult = g.O / g.C, taps = g.KH * g.KW;
        int threads = (int)Math.Min(planes, Parallelism.ThreadsFor(planes * mult * g.L * taps, 1L << 16));
        nint agy = (nint)gy, aw = (nint)w, agx = (nint)gx;
        Parallelism.For(threads, (t, count) =>
        {
            for (long pl = planes * t / count; pl < planes * (t + 1) / count; pl++)
            {
                long n = pl / g.C, c = pl % g.C;
                T* gxp = (T*)agx + pl * g.InPlane;
                Fill(gxp, g.InPlane, T.Zero);
                for (long j = 0; j < mult; j++)
                {
                    long o = c * mult + j;
                    T* gyp = (T*)agy + (n * g.O + o) * g.L, wp = (T*)aw + o * taps;
                    for (long kw = 0; kw < g.KW; kw++)
                    {
                        var (lo, hi) = ValidRange(g.OW, g.IW, g.SW, g.PW, kw * g.DW);
                        if (lo >= hi) continue;
                        long iw0 = lo * g.SW - g.PW + kw * g.DW;
                        for (long oh = 0; oh < g.OH; oh++)
                        {
                            T* gyrow = gyp + oh * g.OW + lo;
                            for (long kh = 0; kh < g.KH; kh++)
                            {
                                long ih = oh * g.SH - g.PH + kh * g.DH;
                                if ((ulong)ih >= (ulong)g.IH) continue;
                                T* gxrow = gxp + ih * g.IW + iw0;
                                T wv = wp[kh * g.KW + kw];
                                if (g.SW == 1) Vec<T>.Axpy(gxrow, gyrow, wv, hi - lo);
                                else
                                    for (long i = 0, s = g.SW; i < hi - lo; i++) gxrow[i * s] += wv * gyrow[i];
                            }
                        }
                    }
                }
            }
        });
    }

    private static void DepthwiseBackwardWeight(T* x, T* gy, T* gw, ConvGeometry g)
    {
        long mult = g.O / g.C, taps = g.KH * g.KW;
        int threads = (int)Math.Min(g.O, Parallelism.ThreadsFor(g.N * g.O * g.L * taps, 1L << 16));
        nint ax = (nint)x, agy = (nint)gy, agw = (nint)gw;
        Parallelism.For(threads, (t, count) =>
        {
            for (long o = g.O * t / count; o < g.O * (t + 1) / count; o++)
            {
                T* wp = (T*)agw + o * taps;
                for (long kh = 0; kh < g.KH; kh++)
                    for (long kw = 0; kw < g.KW; kw++)
                    {
                        var (lo, hi) = ValidRange(g.OW, g.IW, g.SW, g.PW, kw * g.DW);
                        long iw0 = lo * g.SW - g.PW + kw * g.DW;
                        T sum = T.Zero;
                        if (lo < hi)
                            for (long n = 0; n < g.N; n++)
                            {
                                T* xp = (T*)ax + (n * g.C + o / mult) * g.InPlane, gyp = (T*)agy + (n * g.O + o) * g.L;
                                for (long oh = 0; oh < g.OH; oh++)
                                {
                                    long ih = oh * g.SH - g.PH + kh * g.DH;
                                    if ((ulong)ih >= (ulong)g.IH) continue;
                                    T* xrow = xp + ih * g.IW + iw0, gyrow = gyp + oh * g.OW + lo;
                                    if (g.SW == 1) sum += Vec<T>.Dot(gyrow, xrow, hi - lo);
                                    else
                                        for (long i = 0, s = g.SW; i < hi - lo; i++) sum += gyrow[i] * xrow[i * s];
                                }
                            }
                        wp[kh * g.KW + kw] = sum;
                    }
            }
        });
    }
}

/// <summary>Small vector loops over raw rows (axpy, add, dot) with the widest vectors the machine accelerates.</summary>
internal static unsafe class Vec<T> where T : unmanaged, INumber<T>
{
    /// <summary>y[i] += a * x[i] for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(T* y, T* x, T a, long n)
    {
        long i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            var va = Vector512.Create(a);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                Vector512.Store(Vector512.Load(y + i) + va * Vector512.Load(x + i), y + i);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            var va = Vector256.Create(a);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                Vector256.Store(Vector256.Load(y + i) + va * Vector256.Load(x + i), y + i);
        }
        for (; i < n; i++) y[i] += a * x[i];
    }

    /// <summary>y[i] += x[i] for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(T* y, T* x, long n)
    {
        long i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                Vector512.Store(Vector512.Load(y + i) + Vector512.Load(x + i), y + i);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                Vector256.Store(Vector256.Load(y + i) + Vector256.Load(x + i), y + i);
        for (; i < n; i++) y[i] += x[i];
    }

    /// <summary>Σ a[i] * b[i] for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot(T* a, T* b, long n)
    {
        long i = 0;
        T sum = T.Zero;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            var acc = Vector512<T>.Zero;
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count) acc += Vector512.Load(a + i) * Vector512.Load(b + i);
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            var acc = Vector256<T>.Zero;
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) acc += Vector256.Load(a + i) * Vector256.Load(b + i);
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }
}

/// <summary>The GEMM of <see cref="CpuBackend.Gemm"/> over raw pointers, for kernels that multiply their own buffers.</summary>
internal static unsafe class Gemm
{
    /// <summary>
    /// C[b] = A[b] @ B[b] (+ C[b] when <paramref name="accumulate"/>) for b in [0, batch): A is m x k, B k x n and C
    /// m x n (unit column stride), each given by its batch, row and column strides in elements.
    /// </summary>
    public static void Run<T>(T* a, long abs, long ars, long acs, T* b, long bbs, long brs, long bcs, T* c, long cbs, long crs,
        long batch, long m, long n, long k, bool accumulate) where T : unmanaged
    {
        var p = new GemmProblem
        {
            A = (nint)a, Abs = abs, Ars = ars, Acs = acs,
            B = (nint)b, Bbs = bbs, Brs = brs, Bcs = bcs,
            C = (nint)c, Cbs = cbs, Crs = crs, Ccs = 1,
            Batch = batch, M = m, N = n, K = k,
        };
        double beta = accumulate ? 1 : 0;
        if (typeof(T) == typeof(float)) GemmDriver.Run<float>(p, 1, beta);
        else if (typeof(T) == typeof(double)) GemmDriver.Run<double>(p, 1, beta);
        else if (typeof(T) == typeof(long)) GemmInteger.Run<long>(p, 1, (long)beta);
        else if (typeof(T) == typeof(int)) GemmInteger.Run<int>(p, 1, (long)beta);
        else if (typeof(T) == typeof(short)) GemmInteger.Run<short>(p, 1, (long)beta);
        else if (typeof(T) == typeof(sbyte)) GemmInteger.Run<sbyte>(p, 1, (long)beta);
        else if (typeof(T) == typeof(byte)) GemmInteger.Run<byte>(p, 1, (long)beta);
        else throw new NotSupportedException($"no GEMM for {typeof(T).Name}");
    }
}
