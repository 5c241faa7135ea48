using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// Convolution on the CPU. One-group 3x3 layers at unit stride with 32 or more channels run as Winograd's F(2x2, 3x3) in
/// float32 on AVX-512 (<see cref="WinogradConvKernels"/>): their forward, their input gradient (a flipped convolution)
/// and, where enough tiles pay for the transforms, their weight gradient. Other one-group layers run as one GEMM per tile of whole images with the output positions as its
/// rows, the im2col columns packed straight from the input as the GEMM asks for them (<see cref="ImplicitColumns{T}"/>):
/// the forward pass and the flipped-kernel input gradient of every such layer of 128 or more output channels or of a
/// small output plane, and the weight gradient of the small planes. Depthwise convolutions (one input channel per
/// group) use direct vector loops, since their GEMMs would be a single row; few-channel layers use the direct kernels
/// (<see cref="DirectConvKernels{T}"/>), and the other layers of up to 128 channels per group the kernels with channels
/// in vector lanes (<see cref="LaneConvKernels{T}"/>, <see cref="LaneWeightKernels{T}"/>). What remains (grouped layers
/// the lanes do not fit, integer types, strided input gradients) runs per image as im2col tiles feeding the packed
/// GEMM: a tile is a band of output rows unrolled into a [K, rows·OW] matrix small enough to stay in cache. Pointwise
/// (1x1, stride 1, unpadded) convolutions hand the input to the GEMM as it is. Batches split over threads by images
/// (each thread with its own buffers and, for the weight gradient, its own partial sum); a batch smaller than the
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

    /// <summary>
    /// Bytes of a whole-batch im2col tile of a small-plane convolution at most (the GEMM packs it block by block, so it
    /// need not fit in a cache). Tests lower it to run several tiles on small inputs.
    /// </summary>
    internal static long BatchTileBytes { get; set; } = DefaultBatchTileBytes;

    /// <summary>The value of <see cref="BatchTileBytes"/> outside tests.</summary>
    internal const long DefaultBatchTileBytes = 16 << 20;

    /// <summary>
    /// Bytes of an im2col tile of the image-by-image paths at most (about L2: measured best among 128 KiB to 2 MiB).
    /// Tests lower it to cut images into bands of output rows.
    /// </summary>
    internal static long ImageTileBytes { get; set; } = DefaultImageTileBytes;

    /// <summary>The value of <see cref="ImageTileBytes"/> outside tests.</summary>
    internal const long DefaultImageTileBytes = 1 << 20;

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
    public const int Columns = 0, Staging = 1, Plane = 2, Transformed = 3, Packed = 4, GatherTerms = 5;
    private const int Slots = 6;

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
    // Below this many multiply-adds a convolution stays on the calling thread.
    private const long Grain = 1L << 19;

    private static bool IsDepthwise(ConvGeometry g) =>
        (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && g.Groups > 1 && g.Cg == 1 && g.KD == 1 && g.ID == 1;

    /// <summary>
    /// How the im2col matrix is cut into column tiles: several whole images side by side when one image's matrix is
    /// small (the GEMM then sees one wide product instead of many narrow ones), else bands of output rows of one image.
    /// </summary>
    private readonly struct Tiling
    {
        public readonly long Images, Rows;

        /// <summary>The tiling of a layer; with <paramref name="wholeImages"/>, bands are whole images however large.</summary>
        public Tiling(ConvGeometry g, bool wholeImages = false)
        {
            long perImage = Math.Max(1, g.K * g.L * sizeof(T));
            long tile = CpuBackend.ImageTileBytes;
            Images = perImage * 2 <= tile ? Math.Max(1, tile / perImage) : 1;
            Rows = Images > 1 || wholeImages ? g.OD * g.OH : Math.Max(1, tile / Math.Max(1, g.K * g.OW * sizeof(T)));
        }

        public bool Batched => Images > 1;

        /// <summary>Elements of the im2col buffer one tile needs.</summary>
        public long ColumnElements(ConvGeometry g) => g.K * (Batched ? Images * g.L : Math.Min(Rows, g.OD * g.OH) * g.OW);

        /// <summary>Elements of the [O / groups, columns] staging buffer of a batched tile.</summary>
        public long StagingElements(ConvGeometry g) => Batched ? g.Og * Images * g.L : 0;
    }

    // Output planes of at most this many positions (16x16) give each image's GEMM too few columns to fill the
    // micro-kernel's panels and to pay for packing the weights: such layers run on whole-batch tiles instead.
    private const long SmallPlane = 256;

    // One-group layers (not 1x1 at unit stride, which need no columns), which can run as GEMMs over every position of
    // a batch tile with the im2col columns packed straight from the input.
    private static bool OneGroup(ConvGeometry g) =>
        (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && g.Groups == 1 && !g.IsPointwise;

    /// <summary>
    /// Whether <see cref="Forward"/> runs this geometry on <see cref="ForwardPositions"/>: one-group layers, but for those
    /// the direct kernels take (few channels) and those the lane kernels take (up to 128 output channels; 32 for strided
    /// 1x1 kernels). Measured on ResNet-18: its 64-channel 3x3 layers take 20% less CPU on the lane kernels, and since
    /// their output rows are cut into equal register blocks its 128-channel 3x3 layer too (3.88 -> 3.65 ms forward,
    /// 3.9 -> 3.7 ms input gradient); its layers of 256 channels and more and its downsamples run here.
    /// </summary>
    private static bool ForwardTakesPositions(ConvGeometry g) =>
        OneGroup(g) && !DirectConvKernels<T>.Applies(g) && !LaneConvKernels<T>.Applies(g);

    private static bool SmallPlanes(ConvGeometry g) => OneGroup(g) && g.L <= SmallPlane;

    /// <summary>
    /// Images per whole-batch tile of a small-plane layer whose buffers take <paramref name="perImage"/> elements per
    /// image (the batch cut into tiles of equal size).
    /// </summary>
    private static long BatchTileImages(ConvGeometry g, long perImage)
    {
        long most = Math.Clamp(CpuBackend.BatchTileBytes / (perImage * sizeof(T)), 1, g.N);
        long tiles = (g.N + most - 1) / most;
        return (g.N + tiles - 1) / tiles;
    }

    /// <summary>
    /// Forward of a one-group layer, positions as the GEMM's rows: stage [count·L, O] = col^T @ w^T for a tile of
    /// whole images, so the rows of many (small) images fill the micro-kernel's tiles, the output channels fill its
    /// panels, and the weights are packed once per tile instead of once per image; then transposed into y, block by
    /// block on the GEMM's threads (<see cref="UntransposeRows"/>). col^T is
    /// packed straight from x (<see cref="ImplicitColumns{T}"/>); the right operand w^T [K, O] is packed by <paramref name="w"/>
    /// (a weight [O, K] read with strides, or a flipped kernel).
    /// </summary>
    private static void ForwardPositions<TW>(T* x, TW w, T* b, T* y, ConvGeometry g) where TW : struct, IGemmOperand<TW>
    {
        long K = g.K, L = g.L, O = g.O, nb = BatchTileImages(g, O * L + PaddedElements(g, 1));
        T* stage = ConvWorkspace.Get<T>(ConvWorkspace.Staging, nb * L * O);
        for (long i0 = 0; i0 < g.N; i0 += nb)
        {
            long count = Math.Min(nb, g.N - i0);
            T* xi = Padded(x, g, i0, count, nb, out T* end);
            GemmDriver.RunPacked(ImplicitColumns<T>.ByPosition(xi, end, g), w, stage, O, count * L, O, K, new UntransposeRows(stage, y + i0 * O * L, b, L, O));
        }
    }

    /// <summary>
    /// The forward's transpose fused into its GEMM: each block of stage's rows (positions of consecutive images, any
    /// range) goes into y's channel planes, plus the bias, while the block is in cache; no pass of its own, and no images
    /// split unevenly between threads (ResNet's 14 -> 7 layer, in one process: 4.81 -> 4.79 ms, the 28 -> 14
    /// downsample 0.680 -> 0.664 ms).
    /// </summary>
    private readonly struct UntransposeRows(T* stage, T* y, T* b, long L, long O) : IGemmEpilogue
    {
        public long RowAlign => 1;

        public void Done(long first, long last)
        {
            for (long i = first / L; i * L < last; i++)
            {
                long l0 = Math.Max(first, i * L) - i * L, l1 = Math.Min(last, (i + 1) * L) - i * L;
                T* yi = y + i * O * L + l0;
                LaneConvKernels<T>.Untranspose(stage + (i * L + l0) * O, l1 - l0, yi, 1, l1 - l0, O, O, L);
                if (b != null)
                    for (long o = 0; o < O; o++) Vec<T>.AddScalar(yi + o * L, yi + o * L, b[o], l1 - l0);
            }
        }
    }

    /// <summary>
    /// Input gradient of a small-plane layer that is no forward convolution of gy (strided): col [K, count·L] =
    /// w^T @ gy for a tile of whole images side by side (<see cref="ImageColumns{T}"/>), one GEMM with the weights packed once and wide panels,
    /// then folded back into each image (<see cref="FoldRows"/>, by the GEMM's threads as their blocks of rows are done).
    /// Planes of a full 16x16 stay on the per-image path (measured faster there: each image's columns stay in L2
    /// between its GEMM and the fold).
    /// </summary>
    private static void BackwardInputPositions(T* gy, T* w, T* gx, ConvGeometry g)
    {
        long K = g.K, L = g.L, O = g.O, nb = BatchTileImages(g, K * L);
        T* col = ConvWorkspace.Get<T>(ConvWorkspace.Columns, K * nb * L);
        for (long i0 = 0; i0 < g.N; i0 += nb)
        {
            long count = Math.Min(nb, g.N - i0), ld = count * L;
            var fold = new FoldRows(col, ld, gx + i0 * g.C * g.InPlane, g, count, !WritesOnce(g));
            GemmDriver.RunPacked(new StridedOperand<T>(w, 1, K), new ImageColumns<T>(gy + i0 * O * L, O, L), col, ld, K, ld, O, fold);
        }
    }

    /// <summary>
    /// col2im fused into an input gradient's GEMM (col [K, images·L] = w^T @ gy): each block of col's rows, whole input
    /// channels, is folded into gx (cleared first with <paramref name="clear"/>) by the thread that computed it, while
    /// the block is in its cache. A fold after the whole GEMM, split by images, read col back from memory and half of
    /// each image's rows from the other core (ResNet's 28 -> 14 input gradient, in one process: 4.72-4.82 ->
    /// 4.63-4.72 ms; 14 -> 7: 5.46 -> 4.67-5.03 ms).
    /// </summary>
    private readonly struct FoldRows(T* col, long ld, T* gx, ConvGeometry g, long images, bool clear) : IGemmEpilogue
    {
        public long RowAlign => g.KD * g.KH * g.KW;

        public void Done(long first, long last)
        {
            long taps = RowAlign, c0 = first / taps, c1 = last / taps;
            for (long i = 0; i < images; i++)
            {
                T* xi = gx + (i * g.C + c0) * g.InPlane;
                if (clear) Fill(xi, (c1 - c0) * g.InPlane, T.Zero);
                RollOrSpread(col + first * ld + i * g.L, ld, xi, g, c1 - c0, 0, g.OD * g.OH);
            }
        }
    }

    /// <summary>
    /// Whether <see cref="BackwardInputSpread"/> takes a layer: one-group <see cref="Spreads"/> layers whose input channels
    /// fill the micro-kernels' column panels (32 floats, 16 doubles).
    /// </summary>
    private static bool SpreadsByPosition(ConvGeometry g) => OneGroup(g) && Spreads(g) && g.C % 32 == 0;

    /// <summary>
    /// Input gradient of a <see cref="SpreadsByPosition"/> layer: colT [count·L, C] = gy^T @ w for a tile of whole images,
    /// positions as the GEMM's rows, then each image's rows transposed back to channel planes and spread. ResNet's
    /// downsamples' 7x7, 14x14 and 28x28 planes fill the 14-row tiles exactly, where col [C, L] left partial tiles of
    /// its 64-512 channels and threads of unequal shares (56 -> 28 layer 0.40 -> 0.36 ms, 14 -> 7 0.31 -> 0.27 ms).
    /// </summary>
    private static void BackwardInputSpread(T* gy, T* w, T* gx, ConvGeometry g)
    {
        long C = g.C, L = g.L, O = g.O, rows = g.OD * g.OH, nb = BatchTileImages(g, C * L);
        T* col = ConvWorkspace.Get<T>(ConvWorkspace.Columns, nb * L * C);
        nint acol = (nint)col, agx = (nint)gx;
        for (long i0 = 0; i0 < g.N; i0 += nb)
        {
            long count = Math.Min(nb, g.N - i0), first = i0;
            GemmDriver.RunPacked(new ImageColumns<T>(gy + i0 * O * L, O, L), new StridedOperand<T>(w, 1, C), col, C, count * L, C, O);
            int threads = (int)Math.Min(count, Parallelism.ThreadsFor(count * C * L));
            Parallelism.For(threads, (t, n) =>
            {
                T* planes = ConvWorkspace.Get<T>(ConvWorkspace.Staging, C * L);
                for (long i = count * t / n; i < count * (t + 1) / n; i++)
                {
                    LaneConvKernels<T>.Untranspose((T*)acol + i * L * C, L, planes, 1, L, C, C, L);
                    Spread(planes, L, (T*)agx + (first + i) * C * g.InPlane, g, C, 0, rows);
                }
            });
        }
    }

    /// <summary>
    /// Weight gradient of a small-plane layer: gw = Σ over whole-batch tiles of gy [O, count·L] @ col^T, one GEMM per
    /// tile with a long reduction (instead of one short one per image, each re-reading all of gw), threaded by the GEMM.
    /// Both operands are packed straight from gy and x (<see cref="ImagePlanes{T}"/>, <see cref="ImplicitColumns{T}.ByTap"/>).
    /// </summary>
    private static void BackwardWeightPositions(T* x, T* gy, T* gw, ConvGeometry g)
    {
        long K = g.K, L = g.L, O = g.O, nb = BatchTileImages(g, K * L + PaddedElements(g, 1));
        for (long i0 = 0; i0 < g.N; i0 += nb)
        {
            long count = Math.Min(nb, g.N - i0);
            T* xi = Padded(x, g, i0, count, nb, out T* end);
            var columns = ImplicitColumns<T>.ByTap(xi, end, g);
            GemmDriver.RunPacked(new ImagePlanes<T>(gy + i0 * O * L, O, L), columns, gw, K, O, K, count * L, i0 > 0);
        }
    }

    // Elements per image of the padded input copy of a layer that pads, else 0.
    private static long PaddedElements(ConvGeometry g, long images) =>
        ImplicitColumns<T>.NeedsPad(g) ? ImplicitColumns<T>.PaddedElements(g, images) : 0;

    // Images [i0, i0 + count) of x as the implicit columns read them, and the end of their buffer: copied with zero
    // borders into this thread's columns buffer (sized for `tile` images) when the layer pads, else in place.
    private static T* Padded(T* x, ConvGeometry g, long i0, long count, long tile, out T* end)
    {
        T* xi = x + i0 * g.C * g.InPlane;
        if (!ImplicitColumns<T>.NeedsPad(g))
        {
            end = x + g.N * g.C * g.InPlane;
            return xi;
        }
        T* padded = ConvWorkspace.Get<T>(ConvWorkspace.Columns, PaddedElements(g, tile));
        ImplicitColumns<T>.Pad(xi, padded, g, count);
        end = padded + PaddedElements(g, count);
        return padded;
    }

    /// <summary>Threads over images when the batch covers them, else 1 (the GEMM then threads itself).</summary>
    private static int ImageThreads(ConvGeometry g)
    {
        int threads = Parallelism.ThreadsFor(g.N * g.O * g.K * g.L, Grain);
        return threads > 1 && g.N >= threads ? threads : 1;
    }

    public static void Forward(Tensor x, Tensor w, Tensor? bias, Tensor y, ConvGeometry g)
    {
        if (g.N == 0 || g.O == 0 || g.L == 0) return;
        T* px = (T*)x.Ptr, pw = (T*)w.Ptr, py = (T*)y.Ptr, pb = bias is null ? null : (T*)bias.Ptr;
        if (IsDepthwise(g)) DepthwiseKernels<T>.Forward(px, pw, pb, py, g);
        else if (typeof(T) == typeof(float) && WinogradConvKernels.Applies(g))
            WinogradConvKernels.Forward((float*)px, WinogradConvKernels.Taps.Of((float*)pw, g), (float*)pb, (float*)py, g);
        else if (DirectConvKernels<T>.Applies(g)) DirectConvKernels<T>.Forward(px, pw, pb, py, g);
        else if (ForwardTakesPositions(g)) ForwardPositions(px, new StridedOperand<T>(pw, g.K, 1), pb, py, g);
        else if (LaneConvKernels<T>.Applies(g)) LaneConvKernels<T>.Forward(px, pw, pb, py, g);
        else if (g.IsPointwise && g.Groups == 1)
        {
            // y[n] = W @ x[n] for every image in one batched GEMM (the GEMM splits the batch over threads).
            if (pb is not null) FillBias(py, pb, g.N, g.O, g.L);
            Gemm.Run(pw, 0, g.K, 1, px, g.C * g.L, g.L, 1, py, g.O * g.L, g.L, g.N, g.O, g.L, g.C, pb is not null);
        }
        else
        {
            nint ax = (nint)px, aw = (nint)pw, ay = (nint)py, ab = (nint)pb;
            Parallelism.For(ImageThreads(g), (t, count) =>
                ForwardImages((T*)ax, (T*)aw, (T*)ab, (T*)ay, g, g.N * t / count, g.N * (t + 1) / count));
        }
        GC.KeepAlive(x); GC.KeepAlive(w); GC.KeepAlive(bias); GC.KeepAlive(y);
    }

    private static void FillBias(T* y, T* b, long n, long o, long l)
    {
        for (long i = 0; i < n; i++)
            for (long c = 0; c < o; c++)
                Fill(y + (i * o + c) * l, l, b[c]);
    }

    internal static void Fill(T* p, long count, T value)
    {
        for (long done = 0; done < count; done += int.MaxValue)
            new Span<T>(p + done, (int)Math.Min(int.MaxValue, count - done)).Fill(value);
    }

    private static void Copy(T* dst, T* src, long count) =>
        Buffer.MemoryCopy(src, dst, count * sizeof(T), count * sizeof(T));

    private static void ForwardImages(T* x, T* w, T* b, T* y, ConvGeometry g, long n0, long n1)
    {
        long K = g.K, L = g.L, Og = g.Og, Cg = g.Cg, rows = g.OD * g.OH;
        var tiling = new Tiling(g);
        T* col = g.IsPointwise ? null : ConvWorkspace.Get<T>(ConvWorkspace.Columns, tiling.ColumnElements(g));
        if (tiling.Batched && !g.IsPointwise)
        {
            // Several images side by side: col [K, nb·L], one GEMM into a staging buffer, then rows out to y (+ bias).
            T* stage = ConvWorkspace.Get<T>(ConvWorkspace.Staging, tiling.StagingElements(g));
            for (long i0 = n0; i0 < n1; i0 += tiling.Images)
            {
                long nb = Math.Min(tiling.Images, n1 - i0), ld = nb * L;
                for (long gr = 0; gr < g.Groups; gr++)
                {
                    for (long i = 0; i < nb; i++) Unroll(x + ((i0 + i) * g.C + gr * Cg) * g.InPlane, col + i * L, ld, g, Cg, 0, rows);
                    Gemm.Run(w + gr * Og * K, 0, K, 1, col, 0, ld, 1, stage, 0, ld, 1, Og, ld, K, false);
                    for (long i = 0; i < nb; i++)
                        for (long o = 0; o < Og; o++)
                        {
                            T* dst = y + ((i0 + i) * g.O + gr * Og + o) * L;
                            T* src = stage + o * ld + i * L;
                            if (b is null) Copy(dst, src, L);
                            else Vec<T>.AddScalar(dst, src, b[gr * Og + o], L);
                        }
                }
            }
            return;
        }
        for (long n = n0; n < n1; n++)
        {
            T* xn = x + n * g.C * g.InPlane, yn = y + n * g.O * L;
            if (b is not null) FillBias(yn, b, 1, g.O, L);
            bool acc = b is not null;
            for (long gr = 0; gr < g.Groups; gr++)
            {
                T* wg = w + gr * Og * K, xg = xn + gr * Cg * g.InPlane, yg = yn + gr * Og * L;
                if (g.IsPointwise)
                {
                    Gemm.Run(wg, 0, K, 1, xg, 0, L, 1, yg, 0, L, 1, Og, L, K, acc);
                    continue;
                }
                for (long r0 = 0; r0 < rows; r0 += tiling.Rows)
                {
                    long r1 = Math.Min(rows, r0 + tiling.Rows), lt = (r1 - r0) * g.OW;
                    Unroll(xg, col, lt, g, Cg, r0, r1);
                    Gemm.Run(wg, 0, K, 1, col, 0, lt, 1, yg + r0 * g.OW, 0, L, 1, Og, lt, K, acc);
                }
            }
        }
    }

    public static void BackwardInput(Tensor gy, Tensor w, Tensor gx, ConvGeometry g)
    {
        T* pgy = (T*)gy.Ptr, pw = (T*)w.Ptr, pgx = (T*)gx.Ptr;
        if (g.N == 0 || g.C == 0 || g.InPlane == 0) return;
        if (g.O == 0 || g.L == 0) Fill(pgx, g.N * g.C * g.InPlane, T.Zero);
        else if (IsDepthwise(g)) DepthwiseKernels<T>.BackwardInput(pgy, pw, pgx, g);
        else if (DirectConvKernels<T>.AppliesBackward(g)) DirectConvKernels<T>.BackwardInput(pgy, pw, pgx, g);
        else if (g.IsPointwise && g.Groups == 1)
            Gemm.Run(pw, 0, 1, g.K, pgy, g.O * g.L, g.L, 1, pgx, g.C * g.L, g.L, g.N, g.C, g.L, g.O, false);
        else if (FlippedGeometry(g) is { } flipped)
        {
            if (typeof(T) == typeof(float) && WinogradConvKernels.Applies(flipped))
                WinogradConvKernels.Forward((float*)pgy, WinogradConvKernels.Taps.FlippedOf((float*)pw, flipped), null, (float*)pgx, flipped);
            else if (ForwardTakesPositions(flipped)) ForwardPositions(pgy, new FlippedKernel(pw, g), null, pgx, flipped);
            else Forward(gy, FlippedWeight(w, g), null, gx, flipped);
        }
        else if (SpreadsByPosition(g)) BackwardInputSpread(pgy, pw, pgx, g);
        else if (SmallPlanes(g) && g.L < SmallPlane) BackwardInputPositions(pgy, pw, pgx, g);
        else
        {
            nint agy = (nint)pgy, aw = (nint)pw, agx = (nint)pgx;
            Parallelism.For(ImageThreads(g), (t, count) =>
                BackwardInputImages((T*)agy, (T*)aw, (T*)agx, g, g.N * t / count, g.N * (t + 1) / count));
        }
        GC.KeepAlive(gy); GC.KeepAlive(w); GC.KeepAlive(gx);
    }

    /// <summary>
    /// With unit stride and padding at most d·(k - 1), the input gradient is a forward convolution of gy with the flipped,
    /// channel-swapped kernel and padding d·(k - 1) - p: its im2col GEMM skips col2im's scattered accumulation. Null
    /// where that does not hold.
    /// </summary>
    private static ConvGeometry? FlippedGeometry(ConvGeometry g)
    {
        if (g.SD != 1 || g.SH != 1 || g.SW != 1) return null;
        long pd = g.DD * (g.KD - 1) - g.PD, ph = g.DH * (g.KH - 1) - g.PH, pw = g.DW * (g.KW - 1) - g.PW;
        if (pd < 0 || ph < 0 || pw < 0) return null;
        var f = new ConvGeometry
        {
            N = g.N, C = g.O, O = g.C, Groups = g.Groups, Dims = g.Dims,
            ID = g.OD, IH = g.OH, IW = g.OW, KD = g.KD, KH = g.KH, KW = g.KW,
            OD = g.ID, OH = g.IH, OW = g.IW, PD = pd, PH = ph, PW = pw, DD = g.DD, DH = g.DH, DW = g.DW,
        };
        return f;
    }

    // w [O, C / groups, k] as the kernel of the flipped convolution: [C, O / groups, k] reversed along every spatial dim.
    private static Tensor FlippedWeight(Tensor w, ConvGeometry g)
    {
        long taps = g.KD * g.KH * g.KW, og = g.Og, cg = g.Cg, rows = g.Groups * cg;
        var f = Tensor.Allocate([g.C, og, g.KD, g.KH, g.KW], w.dtype, w.Device);
        nint asrc = (nint)w.Ptr, adst = (nint)f.Ptr;
        // Written in order, one destination row (group, c) per step; a large kernel (ResNet's 512x512x3x3) is
        // split over threads, since it is redone at every backward pass.
        Parallelism.For(Parallelism.ThreadsFor(rows * og * taps), (t, n) =>
        {
            for (long row = rows * t / n; row < rows * (t + 1) / n; row++)
            {
                long gr = row / cg, c = row % cg;
                T* d = (T*)adst + row * og * taps;
                if (typeof(T) == typeof(float) && Avx512F.IsSupported && taps <= 16)
                {
                    // A kernel of up to 16 taps reversed in one register: masked load, permute, masked store.
                    var lanes = Vector512<int>.Indices;
                    var mask = Vector512.LessThan(lanes, Vector512.Create((int)taps)).AsSingle();
                    var reverse = Vector512.Create((int)taps - 1) - lanes;
                    for (long o = 0; o < og; o++, d += taps)
                    {
                        var v = Avx512F.MaskLoad((float*)asrc + ((gr * og + o) * cg + c) * taps, mask, Vector512<float>.Zero);
                        Avx512F.MaskStore((float*)d, mask, Avx512F.PermuteVar16x32(v, reverse));
                    }
                    continue;
                }
                for (long o = 0; o < og; o++, d += taps)
                {
                    T* s = (T*)asrc + ((gr * og + o) * cg + c) * taps + taps - 1;
                    for (long k = 0; k < taps; k++) d[k] = s[-k];
                }
            }
        });
        GC.KeepAlive(w);
        return f;
    }

    /// <summary>
    /// The flipped kernel of a one-group convolution as the right operand [K', O'] of <see cref="ForwardPositions"/>,
    /// packed straight from w [O, C, taps]: lane c (an input channel, the flipped convolution's output channel), step
    /// o·taps + t (an output channel and tap, the flipped convolution's input channel and tap) is w[o, c, taps - 1 - t].
    /// Each output channel's taps of eight input channels are one 8 x 8 transpose (taps in reverse order), so the kernel
    /// is never rewritten whole.
    /// </summary>
    private readonly struct FlippedKernel(T* w, ConvGeometry g, long first = 0) : IGemmOperand<FlippedKernel>
    {
        public void Pack<TC>(long i, int lanes, long p, int kc, int nr, TC* dst) where TC : unmanaged
        {
            if (typeof(TC) != typeof(T)) throw new NotSupportedException("a flipped kernel packs in its own type");
            long taps = g.KD * g.KH * g.KW, C = g.C;
            bool vector = typeof(T) == typeof(float) && Avx.IsSupported;
            for (int p0 = 0; p0 < lanes; p0 += nr)
            {
                int n = Math.Min(nr, lanes - p0);
                T* panel = (T*)dst + (long)p0 * kc;
                GemmPacking.ClearLanes(panel, kc, nr, n);
                // Steps [p, p + kc) by output channel o: flipped taps [ta, tb) are w's taps [taps - tb, taps - ta), and w's
                // tap u lands on panel row o·taps + taps - 1 - u - p.
                for (long s = p; s < p + kc;)
                {
                    long o = s / taps, ta = s % taps, tb = Math.Min(taps, ta + p + kc - s);
                    T* src = w + (o * C + first + i + p0) * taps;
                    T* row = panel + (o * taps + taps - 1 - p) * nr;
                    long u = taps - tb, c = 0;
                    if (vector)
                        for (; c + 8 <= n; c += 8)
                        {
                            long v = u;
                            for (; v + 8 <= taps - ta; v += 8)
                                LaneWeightKernels<T>.Transpose8x8((float*)src + c * taps + v, taps, (float*)row - v * nr + c, -nr);
                            for (; v < taps - ta; v++)
                                for (long j = 0; j < 8; j++) row[-v * nr + c + j] = src[(c + j) * taps + v];
                        }
                    for (; c < n; c++)
                        for (long v = u; v < taps - ta; v++) row[-v * nr + c] = src[c * taps + v];
                    s += tb - ta;
                }
            }
        }

        public bool LanesContiguous<TC>() where TC : unmanaged => false;

        public TC* At<TC>(long i, long p) where TC : unmanaged => throw new NotSupportedException("a flipped kernel is packed, never read in place");

        public long StepStride => 0;

        public FlippedKernel From(long lane) => new(w, g, first + lane);
    }

    // Gathers gy[n0 + i, o0 + o, :] for i < nb, o < og into a contiguous [og, nb·L] block, on both threads (on one, the
    // other waited through a tenth of ResNet's strided 1x1 input gradients).
    private static void Stage(T* gy, T* stage, ConvGeometry g, long n0, long nb, long o0, long og)
    {
        long L = g.L, ld = nb * L, planes = nb * og;
        nint agy = (nint)gy, astage = (nint)stage;
        Parallelism.For(Parallelism.ThreadsFor(planes * L), (t, count) =>
        {
            for (long u = planes * t / count; u < planes * (t + 1) / count; u++)
            {
                long i = u / og, o = u % og;
                Copy((T*)astage + o * ld + i * L, (T*)agy + ((n0 + i) * g.O + o0 + o) * L, L);
            }
        });
    }

    private static void BackwardInputImages(T* gy, T* w, T* gx, ConvGeometry g, long n0, long n1)
    {
        long K = g.K, L = g.L, Og = g.Og, Cg = g.Cg, rows = g.OD * g.OH;
        var tiling = new Tiling(g, wholeImages: Gathers(g));
        T* col = g.IsPointwise ? null : ConvWorkspace.Get<T>(ConvWorkspace.Columns, tiling.ColumnElements(g));
        if (!g.IsPointwise && !WritesOnce(g)) Fill(gx + n0 * g.C * g.InPlane, (n1 - n0) * g.C * g.InPlane, T.Zero);
        if (tiling.Batched && !g.IsPointwise)
        {
            T* stage = ConvWorkspace.Get<T>(ConvWorkspace.Staging, tiling.StagingElements(g));
            for (long i0 = n0; i0 < n1; i0 += tiling.Images)
            {
                long nb = Math.Min(tiling.Images, n1 - i0), ld = nb * L;
                for (long gr = 0; gr < g.Groups; gr++)
                {
                    Stage(gy, stage, g, i0, nb, gr * Og, Og);
                    Gemm.Run(w + gr * Og * K, 0, 1, K, stage, 0, ld, 1, col, 0, ld, 1, K, ld, Og, false);
                    for (long i = 0; i < nb; i++) RollOrSpread(col + i * L, ld, gx + ((i0 + i) * g.C + gr * Cg) * g.InPlane, g, Cg, 0, rows);
                }
            }
            return;
        }
        for (long n = n0; n < n1; n++)
        {
            T* gyn = gy + n * g.O * L, gxn = gx + n * g.C * g.InPlane;
            for (long gr = 0; gr < g.Groups; gr++)
            {
                T* wg = w + gr * Og * K, gyg = gyn + gr * Og * L, gxg = gxn + gr * Cg * g.InPlane;
                if (g.IsPointwise)
                {
                    Gemm.Run(wg, 0, 1, K, gyg, 0, L, 1, gxg, 0, L, 1, K, L, Og, false);
                    continue;
                }
                for (long r0 = 0; r0 < rows; r0 += tiling.Rows)
                {
                    long r1 = Math.Min(rows, r0 + tiling.Rows), lt = (r1 - r0) * g.OW;
                    Gemm.Run(wg, 0, 1, K, gyg + r0 * g.OW, 0, L, 1, col, 0, lt, 1, K, lt, Og, false);
                    RollOrSpread(col, lt, gxg, g, Cg, r0, r1);
                }
            }
        }
    }

    public static void BackwardWeight(Tensor x, Tensor gy, Tensor gw, ConvGeometry g)
    {
        T* px = (T*)x.Ptr, pgy = (T*)gy.Ptr, pgw = (T*)gw.Ptr;
        long size = g.O * g.K;
        if (size == 0) return;
        if (g.N == 0 || g.L == 0) Fill(pgw, size, T.Zero);
        else if (IsDepthwise(g)) DepthwiseKernels<T>.BackwardWeight(px, pgy, pgw, g);
        else if (typeof(T) == typeof(float) && WinogradConvKernels.AppliesWeight(g))
            WinogradConvKernels.BackwardWeight((float*)px, (float*)pgy, (float*)pgw, g);
        else if (DirectConvKernels<T>.AppliesWeight(g)) DirectConvKernels<T>.BackwardWeight(px, pgy, pgw, g);
        else if (LaneWeightKernels<T>.Applies(g)) LaneWeightKernels<T>.BackwardWeight(px, pgy, pgw, g);
        else if (SmallPlanes(g)) BackwardWeightPositions(px, pgy, pgw, g);
        else
        {
            int threads = ImageThreads(g);
            if (threads <= 1)
            {
                Fill(pgw, size, T.Zero);
                BackwardWeightImages(px, pgy, pgw, g, 0, g.N);
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
                    BackwardWeightImages((T*)ax, (T*)agy, part, g, g.N * t / count, g.N * (t + 1) / count);
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

    // gw (zeroed by the caller) += the weight gradient of images [n0, n1).
    private static void BackwardWeightImages(T* x, T* gy, T* gw, ConvGeometry g, long n0, long n1)
    {
        long K = g.K, L = g.L, Og = g.Og, Cg = g.Cg, rows = g.OD * g.OH;
        var tiling = new Tiling(g);
        T* col = g.IsPointwise ? null : ConvWorkspace.Get<T>(ConvWorkspace.Columns, tiling.ColumnElements(g));
        if (tiling.Batched && !g.IsPointwise)
        {
            T* stage = ConvWorkspace.Get<T>(ConvWorkspace.Staging, tiling.StagingElements(g));
            for (long i0 = n0; i0 < n1; i0 += tiling.Images)
            {
                long nb = Math.Min(tiling.Images, n1 - i0), ld = nb * L;
                for (long gr = 0; gr < g.Groups; gr++)
                {
                    for (long i = 0; i < nb; i++) Unroll(x + ((i0 + i) * g.C + gr * Cg) * g.InPlane, col + i * L, ld, g, Cg, 0, rows);
                    Stage(gy, stage, g, i0, nb, gr * Og, Og);
                    // gw[g] += stage [Og, nb·L] @ col^T [nb·L, K]
                    Gemm.Run(stage, 0, ld, 1, col, 0, 1, ld, gw + gr * Og * K, 0, K, 1, Og, K, ld, true);
                }
            }
            return;
        }
        for (long n = n0; n < n1; n++)
        {
            T* xn = x + n * g.C * g.InPlane, gyn = gy + n * g.O * L;
            for (long gr = 0; gr < g.Groups; gr++)
            {
                T* gwg = gw + gr * Og * K, gyg = gyn + gr * Og * L, xg = xn + gr * Cg * g.InPlane;
                if (g.IsPointwise)
                {
                    // gw[g] += gy[n, g] [Og, L] @ x[n, g]^T [L, Cg]
                    Gemm.Run(gyg, 0, L, 1, xg, 0, 1, L, gwg, 0, K, 1, Og, K, L, true);
                    continue;
                }
                for (long r0 = 0; r0 < rows; r0 += tiling.Rows)
                {
                    long r1 = Math.Min(rows, r0 + tiling.Rows), lt = (r1 - r0) * g.OW;
                    Unroll(xg, col, lt, g, Cg, r0, r1);
                    Gemm.Run(gyg + r0 * g.OW, 0, L, 1, col, 0, 1, lt, gwg, 0, K, 1, Og, K, lt, true);
                }
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
                Unroll((T*)ax + n * g.C * g.InPlane, (T*)ac + n * perImage, g.L, g, g.C, 0, rows);
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
                if (g.L > 0) Roll((T*)ac + n * perImage, g.L, xn, g, g.C, 0, rows);
            }
        });
        GC.KeepAlive(x); GC.KeepAlive(col);
    }

    // The first output column ow whose input column ow*s - p + k*d is >= 0, and one past the last that is < size.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (long Lo, long Hi) ValidRange(long outSize, long inSize, long stride, long pad, long offset)
    {
        long shift = pad - offset; // iw = ow*s - shift
        long lo = shift <= 0 ? 0 : (shift + stride - 1) / stride;
        long top = inSize - 1 + shift;
        long hi = top < 0 ? 0 : top / stride + 1;
        return (Math.Min(lo, outSize), Math.Clamp(hi, 0, outSize));
    }

    /// <summary>
    /// im2col of output rows [r0, r1) (row r = od·OH + oh) of <paramref name="channels"/> input channels at
    /// <paramref name="x"/>: col[(c, kd, kh, kw) · ld + (r - r0)·OW + ow] = x[c, id, ih, iw], or 0 in the padding.
    /// </summary>
    private static void Unroll(T* x, T* col, long ld, ConvGeometry g, long channels, long r0, long r1)
    {
        // Geometry in locals: the JIT cannot keep fields of the class in registers across the pointer stores.
        long OW = g.OW, OH = g.OH, IW = g.IW, IH = g.IH, ID = g.ID, SW = g.SW, SH = g.SH, SD = g.SD;
        long PW = g.PW, PH = g.PH, PD = g.PD, DW = g.DW, DH = g.DH, DD = g.DD, KD = g.KD, KH = g.KH, KW = g.KW;
        T* dst = col;
        for (long c = 0; c < channels; c++)
            for (long kd = 0; kd < KD; kd++)
                for (long kh = 0; kh < KH; kh++)
                {
                    // Output rows oh whose input row oh·SH - PH + kh·DH lies inside the image.
                    var (hlo, hhi) = ValidRange(OH, IH, SH, PH, kh * DH);
                    for (long kw = 0; kw < KW; kw++, dst += ld)
                    {
                        var (lo, hi) = ValidRange(OW, IW, SW, PW, kw * DW);
                        long iw0 = lo * SW - PW + kw * DW, n = hi - lo;
                        T* plane = x + c * ID * IH * IW + iw0;
                        T* drow = dst;
                        for (long r = r0; r < r1;)
                        {
                            long od = r / OH, oh = r % OH, id = od * SD - PD + kd * DD;
                            long end = Math.Min(r1, r - oh + OH);
                            if ((ulong)id >= (ulong)ID || n <= 0)
                            {
                                Vec<T>.Clear(drow, (end - r) * OW);
                                drow += (end - r) * OW;
                                r = end;
                                continue;
                            }
                            long a = Math.Clamp(hlo, oh, oh + end - r), e = Math.Clamp(hhi, a, oh + end - r);
                            if (a > oh) Vec<T>.Clear(drow, (a - oh) * OW);
                            drow += (a - oh) * OW;
                            T* src = plane + (id * IH + a * SH - PH + kh * DH) * IW;
                            for (long h = a; h < e; h++, drow += OW, src += SH * IW)
                            {
                                if (lo > 0) Vec<T>.Clear(drow, lo);
                                if (SW == 1) Vec<T>.Copy(drow + lo, src, n);
                                else if (SW == 2 && typeof(T) == typeof(float) && Avx512F.IsSupported)
                                    EvenElements((float*)drow + lo, (float*)src, n, (float*)x + channels * g.InPlane);
                                else
                                {
                                    T* sp = src;
                                    for (long ow = lo; ow < hi; ow++, sp += SW) drow[ow] = *sp;
                                }
                                if (hi < OW) Vec<T>.Clear(drow + hi, OW - hi);
                            }
                            long rest = oh + end - r - e;
                            if (rest > 0) Vec<T>.Clear(drow, rest * OW);
                            drow += rest * OW;
                            r = end;
                        }
                    }
                }
    }

    // dst[j] = src[2j] for j < n: the stride-2 row gather of im2col (ResNet's 7x7 and 3x3 stride-2 layers), sixteen
    // at a time from two loads, whole vectors but at the end of the image (`end`), past which nothing is read.
    internal static void EvenElements(float* dst, float* src, long n, float* end)
    {
        var lanes = Vector512<int>.Indices;
        for (long j = 0; j < n; j += 16, src += 32, dst += 16)
        {
            int m = (int)Math.Min(16, n - j);
            var (low, high) = RowLoads.Masks(m, 2);
            var v = RowLoads.Load(src, 2, low, high, end);
            if (m == 16) v.Store(dst);
            else Avx512F.MaskStore(dst, Vector512.LessThan(lanes, Vector512.Create(m)).AsSingle(), v);
        }
    }

    // Permutations that spread sixteen values over the even lanes of two vectors (index 16: a zero operand's lane).
    private static readonly Vector512<int> SpreadLow = Vector512.Create(0, 16, 1, 16, 2, 16, 3, 16, 4, 16, 5, 16, 6, 16, 7, 16);
    private static readonly Vector512<int> SpreadHigh = Vector512.Create(8, 16, 9, 16, 10, 16, 11, 16, 12, 16, 13, 16, 14, 16, 15, 16);

    // dst[2j] += src[j] for j < n: the stride-2 row scatter of col2im, sixteen at a time spread over two vectors (odd
    // lanes add zero); masked only in the row's last partial step, which must not write past its last element.
    private static void AddToEvenElements(float* dst, float* src, long n)
    {
        Vector512<int> low = SpreadLow, high = SpreadHigh;
        var zero = Vector512<float>.Zero;
        long j = 0;
        for (; j + 16 <= n; j += 16, src += 16, dst += 32)
        {
            var v = Vector512.Load(src);
            (Vector512.Load(dst) + Avx512F.PermuteVar16x32x2(v, low, zero)).Store(dst);
            (Vector512.Load(dst + 16) + Avx512F.PermuteVar16x32x2(v, high, zero)).Store(dst + 16);
        }
        if (j == n) return;
        int m = (int)(n - j);
        var (first, second) = RowLoads.Masks(m, 2);
        var t = Avx512F.MaskLoad(src, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(m)).AsSingle(), zero);
        Avx512F.MaskStore(dst, first, Avx512F.MaskLoad(dst, first, zero) + Avx512F.PermuteVar16x32x2(t, low, zero));
        if (m > 8) Avx512F.MaskStore(dst + 16, second, Avx512F.MaskLoad(dst + 16, second, zero) + Avx512F.PermuteVar16x32x2(t, high, zero));
    }

    // A strided 1x1 layer without padding (ResNet's downsamples): each input element receives at most one column
    // entry, so its input gradient is written row by row (Spread), with no clearing pass and no additions.
    private static bool Spreads(ConvGeometry g) =>
        g is { KD: 1, KH: 1, KW: 1, PD: 0, PH: 0, PW: 0, ID: 1, OD: 1 } && !g.IsPointwise;

    /// <summary>
    /// A 2-D float layer of column stride 2 and unit column dilation (ResNet's 3x3/2), but for <see cref="Spreads"/>
    /// layers: its col2im writes each input element once (<see cref="Gather"/>), from the columns of a whole image
    /// (at most <see cref="GatherColumnBytes"/>).
    /// </summary>
    private static bool Gathers(ConvGeometry g) =>
        typeof(T) == typeof(float) && Avx512F.IsSupported && g is { SW: 2, DW: 1, KD: 1, ID: 1, OD: 1 } && !Spreads(g)
        && g.K * g.L * sizeof(T) <= GatherColumnBytes;

    // The whole-image columns of a Gathers layer at most (ResNet's 56 -> 28 layer has 1.8 MB; bands of 1 MB were no faster).
    private const long GatherColumnBytes = 4 << 20;

    // Layers whose col2im writes every input element itself, so the input gradient needs no clearing first.
    private static bool WritesOnce(ConvGeometry g) => Spreads(g) || Gathers(g);

    // col2im of output rows [r0, r1) into input planes that BackwardInputImages cleared, or written whole (WritesOnce).
    private static void RollOrSpread(T* col, long ld, T* x, ConvGeometry g, long channels, long r0, long r1)
    {
        if (Spreads(g)) Spread(col, ld, x, g, channels, r0, r1);
        else if (Gathers(g)) Gather((float*)col, ld, (float*)x, g, channels);
        else Roll(col, ld, x, g, channels, r0, r1);
    }

    /// <summary>
    /// col2im of a whole image of a <see cref="Gathers"/> layer, each input row written once. Which taps reach an input
    /// element depends only on its row and on its column's parity, so each row's even and odd columns are summed in
    /// registers, sixteen of each at a time, from the column rows of those taps (shifted by whole positions), then
    /// interleaved and stored: no clearing pass and no read-modify-write of x, where <see cref="Roll"/> added each
    /// tap's row into every other element in turn.
    /// </summary>
    private static void Gather(float* col, long ld, float* x, ConvGeometry g, long channels)
    {
        long OW = g.OW, OH = g.OH, IW = g.IW, IH = g.IH, SH = g.SH, PH = g.PH, PW = g.PW, DH = g.DH, KH = g.KH, KW = g.KW;
        // Per input row and column parity q, the terms it sums: the column row of each tap (kh, kw) that reaches it
        // (output row (ih + PH - kh·DH) / SH; x column 2j + q takes col column j + shift). Made once per call as flat
        // lists, not per channel: the divisions, and the accumulators spilled around nested loops over stack arrays,
        // took most of a small layer's fold.
        long most = KH * ((KW + 1) / 2);
        long* terms = ConvWorkspace.Get<long>(ConvWorkspace.GatherTerms, IH * 2 * (2 * most + 1));
        for (long ih = 0; ih < IH; ih++)
            for (int q = 0; q < 2; q++)
            {
                long* list = terms + (ih * 2 + q) * (2 * most + 1);
                long n = 0;
                for (long kh = 0; kh < KH; kh++)
                {
                    long t = ih + PH - kh * DH;
                    if (t < 0 || t % SH != 0 || t / SH >= OH) continue;
                    for (long kw = 0; kw < KW; kw++)
                    {
                        long u = q + PW - kw;
                        if ((u & 1) != 0) continue;
                        list[1 + 2 * n] = (kh * KW + kw) * ld + t / SH * OW;
                        list[2 + 2 * n++] = u / 2;
                    }
                }
                list[0] = n;
            }
        long half = (IW + 1) / 2;
        float* colEnd = col + (channels * KH * KW - 1) * ld + OH * OW;
        for (long c = 0; c < channels; c++)
        {
            float* plane = x + c * IH * IW, planeEnd = plane + IH * IW, cc = col + c * KH * KW * ld;
            for (long ih = 0; ih < IH; ih++)
            {
                long* even = terms + ih * 2 * (2 * most + 1), odd = even + 2 * most + 1;
                float* dst = plane + ih * IW;
                for (long j0 = 0; j0 < half; j0 += 16)
                    // A row's last block runs into the rows after it, written later, but never past the plane.
                    RowLoads.StoreInterleaved(dst + 2 * j0, planeEnd, Sum(cc, even, j0, OW, col, colEnd), Sum(cc, odd, j0, OW, col, colEnd));
            }
        }
    }

    // Columns [j0, j0 + 16) of the terms' column rows (a count, then offset and shift pairs) summed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Sum(float* cc, long* list, long j0, long OW, float* start, float* end)
    {
        var sum = Vector512<float>.Zero;
        for (long n = list[0], e = 0; e < n; e++)
            sum += Shifted(cc + list[1 + 2 * e], j0 + list[2 + 2 * e], OW, start, end);
        return sum;
    }

    // Columns [j, j + 16) of a column row of OW positions, zero outside [0, OW); loads stay inside [start, end).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Shifted(float* row, long j, long OW, float* start, float* end)
    {
        if (j >= 0 && j + 16 <= OW) return Vector512.Load(row + j);
        var lanes = Vector512<int>.Indices + Vector512.Create((int)j);
        var valid = (Vector512.GreaterThanOrEqual(lanes, Vector512<int>.Zero) & Vector512.LessThan(lanes, Vector512.Create((int)OW))).AsSingle();
        float* p = row + j;
        return p >= start && p + 16 <= end
            ? Vector512.ConditionalSelect(valid, Vector512.Load(p), Vector512<float>.Zero)
            : Avx512F.MaskLoad(p, valid, Vector512<float>.Zero);
    }

    /// <summary>
    /// The input rows of output rows [r0, r1) of a <see cref="Spreads"/> layer (rows [r0·SH, r1·SH), the last output row's
    /// ending at the bottom of the image): x[c, oh·SH, ow·SW] = col[c·ld + (oh - r0)·OW + ow], every other element zero.
    /// </summary>
    private static void Spread(T* col, long ld, T* x, ConvGeometry g, long channels, long r0, long r1)
    {
        long OW = g.OW, IW = g.IW, SH = g.SH, SW = g.SW, ih1 = Math.Min(g.IH, r1 * SH);
        T* srcEnd = col + (channels - 1) * ld + (r1 - r0) * OW;
        for (long c = 0; c < channels; c++)
        {
            // A row's spill stays inside its plane: rows below this band are written by a later call.
            T* src = col + c * ld, plane = x + c * g.InPlane, dstEnd = plane + g.InPlane;
            for (long ih = r0 * SH; ih < ih1; ih++)
            {
                T* dst = plane + ih * IW;
                long oh = ih / SH;
                if (ih % SH != 0) Vec<T>.Clear(dst, IW);
                else if (SW == 2 && typeof(T) == typeof(float) && Avx512F.IsSupported)
                    ToEvenElements((float*)dst, IW, (float*)src + (oh - r0) * OW, OW, (float*)srcEnd, (float*)dstEnd);
                else
                {
                    Vec<T>.Clear(dst, IW);
                    for (long ow = 0; ow < OW; ow++) dst[ow * SW] = src[(oh - r0) * OW + ow];
                }
            }
        }
    }

    // dst[2j] = src[j] for j < n and every other element of dst[0, width) zero (width is 2n - 1 or 2n). A row's last,
    // partial step loads and stores whole vectors where they stay before srcEnd and dstEnd (masked accesses cost about
    // three times plain ones here); what it writes past the row lands on rows of its plane written after it.
    private static void ToEvenElements(float* dst, long width, float* src, long n, float* srcEnd, float* dstEnd)
    {
        Vector512<int> low = SpreadLow, high = SpreadHigh;
        var zero = Vector512<float>.Zero;
        long j = 0;
        for (; j + 16 <= n; j += 16)
        {
            var v = Vector512.Load(src + j);
            Avx512F.PermuteVar16x32x2(v, low, zero).Store(dst + 2 * j);
            Avx512F.PermuteVar16x32x2(v, high, zero).Store(dst + 2 * j + 16);
        }
        if (j == n) return;
        int m = (int)(n - j), w = (int)(width - 2 * j);
        var t = RowLoads.First(src + j, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(m)).AsSingle(), srcEnd);
        if (dst + 2 * j + 32 <= dstEnd)
        {
            Avx512F.PermuteVar16x32x2(t, low, zero).Store(dst + 2 * j);
            Avx512F.PermuteVar16x32x2(t, high, zero).Store(dst + 2 * j + 16);
            return;
        }
        Avx512F.MaskStore(dst + 2 * j, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(w)).AsSingle(),
            Avx512F.PermuteVar16x32x2(t, low, zero));
        if (w > 16)
            Avx512F.MaskStore(dst + 2 * j + 16, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(w - 16)).AsSingle(),
                Avx512F.PermuteVar16x32x2(t, high, zero));
    }

    /// <summary>col2im of output rows [r0, r1) (column rows <paramref name="ld"/> apart): adds each entry back into the input element it came from.</summary>
    private static void Roll(T* col, long ld, T* x, ConvGeometry g, long channels, long r0, long r1)
    {
        // Geometry in locals and rows walked as in Unroll: a division per row and tap cost a stride-2 layer's 16-wide
        // rows more than their additions.
        long OW = g.OW, OH = g.OH, IW = g.IW, IH = g.IH, ID = g.ID, SW = g.SW, SH = g.SH, SD = g.SD;
        long PW = g.PW, PH = g.PH, PD = g.PD, DW = g.DW, DH = g.DH, DD = g.DD, KD = g.KD, KH = g.KH, KW = g.KW;
        T* src = col;
        for (long c = 0; c < channels; c++)
            for (long kd = 0; kd < KD; kd++)
                for (long kh = 0; kh < KH; kh++)
                {
                    var (hlo, hhi) = ValidRange(OH, IH, SH, PH, kh * DH);
                    for (long kw = 0; kw < KW; kw++, src += ld)
                    {
                        var (lo, hi) = ValidRange(OW, IW, SW, PW, kw * DW);
                        if (lo >= hi) continue;
                        long n = hi - lo;
                        T* plane = x + c * ID * IH * IW + lo * SW - PW + kw * DW;
                        for (long r = r0; r < r1;)
                        {
                            long od = r / OH, oh = r % OH, id = od * SD - PD + kd * DD;
                            long end = Math.Min(r1, r - oh + OH);
                            if ((ulong)id < (ulong)ID)
                            {
                                long a = Math.Clamp(hlo, oh, oh + end - r), e = Math.Clamp(hhi, a, oh + end - r);
                                T* srow = src + (r - r0 + a - oh) * OW + lo;
                                T* dst = plane + (id * IH + a * SH - PH + kh * DH) * IW;
                                for (long h = a; h < e; h++, srow += OW, dst += SH * IW)
                                {
                                    if (SW == 1) Vec<T>.Add(dst, srow, n);
                                    else if (SW == 2 && typeof(T) == typeof(float) && Avx512F.IsSupported)
                                        AddToEvenElements((float*)dst, (float*)srow, n);
                                    else
                                        for (long j = 0; j < n; j++) dst[j * SW] += srow[j];
                                }
                            }
                            r = end;
                        }
                    }
                }
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

    /// <summary>y[i] = 0 for i in [0, n) (short rows with overlapping vector stores, no scalar tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(T* y, long n)
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            long i = 0;
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count) Vector512.Store(Vector512<T>.Zero, y + i);
            if (i < n) Vector512.Store(Vector512<T>.Zero, y + n - Vector512<T>.Count);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            long i = 0;
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) Vector256.Store(Vector256<T>.Zero, y + i);
            if (i < n) Vector256.Store(Vector256<T>.Zero, y + n - Vector256<T>.Count);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count)
        {
            Vector128.Store(Vector128<T>.Zero, y);
            for (long i = Vector128<T>.Count; i < n; i += Vector128<T>.Count)
                Vector128.Store(Vector128<T>.Zero, y + Math.Min(i, n - Vector128<T>.Count));
        }
        else
            for (long i = 0; i < n; i++) y[i] = T.Zero;
    }

    /// <summary>y[i] = x[i] for i in [0, n), non-overlapping (short rows with overlapping vector stores, no scalar tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(T* y, T* x, long n)
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            long i = 0;
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count) Vector512.Store(Vector512.Load(x + i), y + i);
            if (i < n) Vector512.Store(Vector512.Load(x + n - Vector512<T>.Count), y + n - Vector512<T>.Count);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            long i = 0;
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) Vector256.Store(Vector256.Load(x + i), y + i);
            if (i < n) Vector256.Store(Vector256.Load(x + n - Vector256<T>.Count), y + n - Vector256<T>.Count);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count)
        {
            for (long i = 0; i < n; i += Vector128<T>.Count)
            {
                long j = Math.Min(i, n - Vector128<T>.Count);
                Vector128.Store(Vector128.Load(x + j), y + j);
            }
        }
        else
            for (long i = 0; i < n; i++) y[i] = x[i];
    }

    /// <summary>y[i] = x[i] + a for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScalar(T* y, T* x, T a, long n)
    {
        long i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count) Vector512.Store(Vector512.Load(x + i) + va, y + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) Vector256.Store(Vector256.Load(x + i) + va, y + i);
        }
        for (; i < n; i++) y[i] = x[i] + a;
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
