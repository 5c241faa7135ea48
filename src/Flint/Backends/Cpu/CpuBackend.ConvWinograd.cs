using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// 3x3 convolutions at unit stride (one group, no dilation, float32 on AVX-512) by Winograd's minimal filtering
/// F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015). Each 2x2 block of output
/// positions (a tile) is <c>Aᵀ [U ⊙ V] A</c> with <c>U = G g Gᵀ</c> the 4x4 transform of a 3x3 kernel and
/// <c>V = Bᵀ d B</c> that of the tile's 4x4 input patch, so a tile's 36 multiply-adds per input channel become 16, summed
/// over input channels as 16 GEMMs, one per element ξ of the transformed tile, on the packed GEMM's micro-kernel. The
/// forward at stride 2 runs the same way with other transforms (<see cref="StrideTwo"/>): 25 elements per tile.
/// </summary>
/// <remarks>
/// Tiles go in blocks of 32 (the micro-kernel's columns), in raster order over (image, tile row, tile column). A
/// block's transformed input [16, C, 32] stays in L2 while the output channels multiply it 14 at a time (the
/// micro-kernel's rows), and their [16, 14, 32] products are transformed back into y while in L1. The transforms'
/// coefficients are 0, ±1 and ±1/2, so the rounding is that of a direct sum of similar length. The kernel transform is
/// redone at every call (weights change at every step), split over threads by panels of 14 output channels.
/// </remarks>
internal static unsafe class WinogradConvKernels
{
    // Tiles per block: the micro-kernel's NR.
    private const int Block = 32;

    // Output channels per GEMM panel: the micro-kernel's MR.
    private const int Panel = 14;

    // Elements of a transformed tile at unit stride (the weight gradient's transforms are those of F(2x2, 3x3) only).
    private const int Xi = 16;

    // Floats between consecutive ξ of a buffer of transforms beyond its size: 16 rows a power of two apart would share
    // one set of L1 (the transforms of ResNet's 128-channel weight gradient took 5.7 ms of CPU without, 4.1 with).
    private const int Skew = 16;

    /// <summary>
    /// Fewest input and output channels: the transforms cost the same per channel whatever the layer, the GEMMs less
    /// with fewer channels. At 32 channels the forward measured 2.3-3.1 ms against 3.1-4.6 on the channels-in-lanes
    /// kernels (32x32x32x32 and 8x32x56x56 inputs); from 64 (ResNet-18's layers) it is 0.6-0.9 of PyTorch's oneDNN.
    /// </summary>
    internal const long MinChannels = 32;

    /// <summary>
    /// Whether a layer's forward (or the flipped convolution of an input gradient) runs here: at unit stride, or at
    /// stride 2 where it pays (<see cref="StrideTwoPays"/>).
    /// </summary>
    public static bool Applies(ConvGeometry g) =>
        Avx512F.IsSupported && g.Groups == 1 && g.KD == 1 && g.ID == 1 && g.KH == 3 && g.KW == 3
        && (g.SH == 1 && g.SW == 1 || g.SH == 2 && g.SW == 2 && StrideTwoPays(g)) && g.DH == 1 && g.DW == 1
        && g.C >= MinChannels && g.O >= MinChannels;

    /// <summary>
    /// Whether a stride-2 layer's 25 products per tile, counting the tiles that overhang an odd output plane, are at
    /// most three quarters of the direct 36 per four outputs: its transforms cost about a quarter of what the GEMMs
    /// save. ResNet-18's 14 x 14 and 28 x 28 outputs (0.69) measured 4.5-4.9 -> 4.1-4.5 ms; its 7 x 7 one (0.91, a
    /// third of its tiles' outputs outside the plane) 4.7-5.3 -> 5.5-5.7 ms.
    /// </summary>
    private static bool StrideTwoPays(ConvGeometry g) =>
        100 * ((g.OH + 1) / 2) * ((g.OW + 1) / 2) <= 27 * g.OH * g.OW;

    /// <summary>
    /// Where tap t of kernel (k, c) is: <c>w + k·KStride + c·CStride + (Flipped ? 8 - t : t)</c>. A layer's own weight
    /// [O, C, 3, 3], or, for an input gradient run as the flipped convolution, the layer's weight read with output and
    /// input channels swapped and taps reversed.
    /// </summary>
    public readonly struct Taps(float* w, long kStride, long cStride, bool flipped)
    {
        public readonly float* W = w;
        public readonly long KStride = kStride, CStride = cStride;
        public readonly bool Flipped = flipped;

        /// <summary>The weight [O, C, 3, 3] of a forward convolution.</summary>
        public static Taps Of(float* w, ConvGeometry g) => new(w, g.C * 9, 9, false);

        /// <summary>
        /// The kernel of the flipped convolution <paramref name="f"/> (its input channels are the layer's output channels)
        /// read from the layer's weight [f.C, f.O, 3, 3].
        /// </summary>
        public static Taps FlippedOf(float* w, ConvGeometry f) => new(w, 9, f.O * 9, true);
    }

    /// <summary>y [N, O, OH, OW] = conv(x [N, C, IH, IW], w) + b, the padding of <paramref name="g"/> read as zeros.</summary>
    public static void Forward(float* x, Taps w, float* b, float* y, ConvGeometry g)
    {
        if (g.SH == 2) Forward<StrideTwo>(x, w, b, y, g);
        else Forward<UnitStride>(x, w, b, y, g);
    }

    private static void Forward<TT>(float* x, Taps w, float* b, float* y, ConvGeometry g) where TT : struct, ITileTransforms
    {
        long C = g.C, K = g.O, panels = (K + Panel - 1) / Panel;
        long th = (g.OH + 1) / 2, tw = (g.OW + 1) / 2, tiles = g.N * th * tw;
        float* u = ConvWorkspace.Get<float>(ConvWorkspace.Transformed, TT.Xi * panels * C * Panel);
        nint au = (nint)u, ax = (nint)x, ay = (nint)y, ab = (nint)b;
        Parallelism.For(Parallelism.ThreadsFor(panels * C * TT.Xi * Panel), (t, n) =>
            TransformKernels<TT>(w, (float*)au, C, K, panels, panels * t / n, panels * (t + 1) / n));
        long blocks = (tiles + Block - 1) / Block;
        int threads = (int)Math.Min(blocks, Parallelism.ThreadsFor(2 * K * C * tiles * TT.Xi, 1L << 19));
        Parallelism.For(threads, (t, n) =>
        {
            // Slack past the ends: the transforms load whole vectors at a block's last tiles.
            float* v = ConvWorkspace.Get<float>(ConvWorkspace.Columns, TT.Xi * (C * Block + Skew) + Block);
            float* m = ConvWorkspace.Get<float>(ConvWorkspace.Staging, TT.Xi * Panel * Block + Block);
            for (long blk = blocks * t / n; blk < blocks * (t + 1) / n; blk++)
                RunBlock<TT>((float*)ax, (float*)au, (float*)ab, (float*)ay, v, m, g, blk * Block, Math.Min(Block, tiles - blk * Block), th, tw);
        });
    }

    /// <summary>
    /// gw [O, C, 3, 3] = Gᵀ [Σ over tiles (A dY Aᵀ) ⊙ (Bᵀ d B)] G: the derivative of the forward's transforms, with the
    /// tile sums as 16 GEMMs (one per ξ) whose reductions run over tiles, added into dU [16, O, C].
    /// </summary>
    /// <remarks>
    /// Tiles go in blocks whose transforms take <see cref="WeightBlockBytes"/> at most. The threads transform a block
    /// 32 tiles at a time into the micro-kernel's packed layouts, where the steps are tiles (14 output channels of
    /// A dY Aᵀ, 32 input channels of Bᵀ d B per step: the tile-contiguous transforms turned by 8 x 8 transposes), then
    /// split the block's GEMMs by ξ, so each thread adds into its own slices of dU.
    /// </remarks>
    public static void BackwardWeight(float* x, float* gy, float* gw, ConvGeometry g)
    {
        long C = g.C, K = g.O, kPanels = (K + Panel - 1) / Panel, cPanels = (C + Block - 1) / Block;
        long Kp = kPanels * Panel, Cp = cPanels * Block;
        long th = (g.OH + 1) / 2, tw = (g.OW + 1) / 2, tiles = g.N * th * tw, chunksAll = (tiles + Block - 1) / Block;
        long steps = Math.Clamp(WeightBlockBytes / (Xi * (Kp + Cp) * sizeof(float)) / Block, 1, chunksAll) * Block;
        float* du = ConvWorkspace.Get<float>(ConvWorkspace.Transformed, Xi * (Kp * Cp + Skew));
        float* a = ConvWorkspace.Get<float>(ConvWorkspace.Packed, Xi * (Kp + Cp) * steps);
        float* b = a + Xi * Kp * steps;
        nint ax = (nint)x, agy = (nint)gy, aa = (nint)a, ab = (nint)b, adu = (nint)du;
        int threads = Parallelism.ThreadsFor(2 * K * C * tiles * Xi, 1L << 19);
        for (long s0 = 0; s0 < tiles; s0 += steps)
        {
            long count = Math.Min(steps, tiles - s0), chunks = (count + Block - 1) / Block, first = s0;
            Parallelism.For((int)Math.Min(threads, chunks), (t, n) =>
            {
                float* v = ConvWorkspace.Get<float>(ConvWorkspace.Columns, Xi * (Cp * Block + Skew) + Block);
                float* m = ConvWorkspace.Get<float>(ConvWorkspace.Staging, Xi * (Kp * Block + Skew) + Block);
                for (long ch = chunks * t / n; ch < chunks * (t + 1) / n; ch++)
                    PackChunk((float*)ax, (float*)agy, g, first + ch * Block, Math.Min(Block, count - ch * Block), ch * Block,
                        steps, v, m, (float*)aa, (float*)ab, th, tw);
            });
            Parallelism.For(Math.Min(threads, Xi), (t, n) =>
                TileSums((float*)aa, (float*)ab, (float*)adu, K, Kp, Cp, steps, chunks * Block, first == 0, Xi * t / n, Xi * (t + 1) / n));
        }
        nint agw = (nint)gw;
        Parallelism.For(Parallelism.ThreadsFor(K * C * Xi), (t, n) =>
            InverseKernels((float*)adu, (float*)agw, C, K, Kp, Cp, K * t / n, K * (t + 1) / n));
    }

    /// <summary>
    /// Whether <see cref="BackwardWeight"/> takes a layer: one <see cref="Applies"/> takes, with <see cref="WeightMinTiles"/>
    /// tiles or more and at most 1000 input and output channels together (a block of the default size then holds 128
    /// tiles or more). Below those, the transforms, dU [16, O, C] and its inverse cost more than the GEMMs save:
    /// ResNet-18's 512-channel layer (128 tiles of 7x7 planes, 96 per block) took 8.2-11.2 ms against 8.7-9.1 on the
    /// GEMM kernels; its 64-256-channel layers 5.4-7.7 ms against 8.4-8.8.
    /// </summary>
    public static bool AppliesWeight(ConvGeometry g) =>
        Applies(g) && g.SH == 1 && g.C + g.O <= 1000 && g.N * ((g.OH + 1) / 2) * ((g.OW + 1) / 2) >= WeightMinTiles;

    /// <summary>Fewest tiles of a weight gradient taken here; tests lower it to run small layers through.</summary>
    internal static long WeightMinTiles { get; set; } = DefaultWeightMinTiles;

    /// <summary>The value of <see cref="WeightMinTiles"/> outside tests.</summary>
    internal const long DefaultWeightMinTiles = 256;

    /// <summary>
    /// Bytes of the packed transforms of a weight gradient's block of tiles at most (L3-resident); tests lower it to sum
    /// over several blocks.
    /// </summary>
    internal static long WeightBlockBytes { get; set; } = DefaultWeightBlockBytes;

    /// <summary>The value of <see cref="WeightBlockBytes"/> outside tests.</summary>
    internal const long DefaultWeightBlockBytes = 8 << 20;

    // Steps (tiles) per micro-kernel call of the weight gradient's GEMMs: a 32-channel panel of them stays in L1.
    private const long WeightSteps = 256;

    // Tiles [t0, t0 + count) (count <= 32) transformed and packed at steps [s, s + 32) of a block of `steps`: a gets A dY Aᵀ
    // as [ξ, kPanel, step, 14], b gets Bᵀ d B as [ξ, cPanel, step, 32]; channels and tiles past the ends are zero.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackChunk(float* x, float* gy, ConvGeometry g, long t0, long count, long s, long steps, float* v,
        float* m, float* a, float* b, long th, long tw)
    {
        long C = g.C, K = g.O, kPanels = (K + Panel - 1) / Panel, cPanels = (C + Block - 1) / Block;
        long Kp = kPanels * Panel, Cp = cPanels * Block, plane = th * tw, inPlane = g.IH * g.IW, outPlane = g.OH * g.OW;
        for (long xi = 0; xi < Xi; xi++)
        {
            ClearRows(v + xi * (Cp * Block + Skew), C, Cp, count);
            ClearRows(m + xi * (Kp * Block + Skew), K, Kp, count);
        }
        for (long t = t0; t < t0 + count;)
        {
            long n = t / plane, ty = t % plane / tw, tx = t % tw, nt = Math.Min(tw - tx, t0 + count - t);
            for (long c = 0; c < C; c++)
                TransformInput(x + (n * C + c) * inPlane, g, ty, tx, nt, v + c * Block + (t - t0), Cp * Block + Skew);
            for (long k = 0; k < K; k++)
                TransformGradient(gy + (n * K + k) * outPlane, g, ty, tx, nt, m + k * Block + (t - t0), Kp * Block + Skew);
            t += nt;
        }
        for (long xi = 0; xi < Xi; xi++)
        {
            for (long p = 0; p < cPanels; p++)
            {
                float* src = v + xi * (Cp * Block + Skew) + p * Block * Block, dst = b + ((xi * cPanels + p) * steps + s) * Block;
                for (int r = 0; r < Block; r += 8)
                    for (int c = 0; c < Block; c += 8)
                        LaneWeightKernels<float>.Transpose8x8(src + r * Block + c, Block, dst + c * Block + r, Block);
            }
            for (long p = 0; p < kPanels; p++)
            {
                // Rows [0, 8) and [6, 14) of the panel: the two rows they share are written twice, alike.
                float* src = m + xi * (Kp * Block + Skew) + p * Panel * Block, dst = a + ((xi * kPanels + p) * steps + s) * Panel;
                for (int c = 0; c < Block; c += 8)
                {
                    LaneWeightKernels<float>.Transpose8x8(src + c, Block, dst + c * Panel, Panel);
                    LaneWeightKernels<float>.Transpose8x8(src + 6 * Block + c, Block, dst + c * Panel + 6, Panel);
                }
            }
        }
    }

    // Rows [rows, padded) of a [padded, 32] block of transforms, and columns [count, 32) of the rows before them.
    private static void ClearRows(float* p, long rows, long padded, long count)
    {
        if (count < Block)
            for (long r = 0; r < rows; r++) new Span<float>(p + r * Block + count, (int)(Block - count)).Clear();
        new Span<float>(p + rows * Block, (int)((padded - rows) * Block)).Clear();
    }

    /// <summary>
    /// A dY Aᵀ of the tiles [tx0, tx0 + nt) of tile row <paramref name="ty"/> of one output channel's gradient, element ξ of
    /// tile i stored at <c>dst[ξ·stride + i]</c>: a tile's 2x2 gradient (zero past the plane's edges) spread over its 4x4
    /// transformed positions.
    /// </summary>
    private static void TransformGradient(float* plane, ConvGeometry g, long ty, long tx0, long nt, float* dst, long stride)
    {
        long OH = g.OH, OW = g.OW, y0 = 2 * ty;
        for (long j = 0; j < nt; j += 16)
        {
            long col0 = 2 * (tx0 + j);
            var store = LanesBelow(nt - j);
            var m0 = InRow(col0, OW);
            var m1 = InRow(col0 + 16, OW);
            float* row = plane + y0 * OW + col0;
            var lo = Avx512F.MaskLoad(row, m0, Vector512<float>.Zero);
            var hi = Avx512F.MaskLoad(row + 16, m1, Vector512<float>.Zero);
            var a0 = Avx512F.PermuteVar16x32x2(lo, Evens, hi);
            var b0 = Avx512F.PermuteVar16x32x2(lo, Odds, hi);
            Vector512<float> a1 = default, b1 = default;
            if (y0 + 1 < OH)
            {
                lo = Avx512F.MaskLoad(row + OW, m0, Vector512<float>.Zero);
                hi = Avx512F.MaskLoad(row + OW + 16, m1, Vector512<float>.Zero);
                a1 = Avx512F.PermuteVar16x32x2(lo, Evens, hi);
                b1 = Avx512F.PermuteVar16x32x2(lo, Odds, hi);
            }
            // Rows of A dY: y0, y0 + y1, y0 - y1, -y1; each row (p, q) times Aᵀ is (p, p + q, p - q, -q).
            float* o = dst + j;
            GradientRow(a0, b0, o, stride, store);
            GradientRow(a0 + a1, b0 + b1, o + 4 * stride, stride, store);
            GradientRow(a0 - a1, b0 - b1, o + 8 * stride, stride, store);
            GradientRow(-a1, -b1, o + 12 * stride, stride, store);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientRow(Vector512<float> p, Vector512<float> q, float* dst, long stride, Vector512<float> store)
    {
        Avx512F.MaskStore(dst, store, p);
        Avx512F.MaskStore(dst + stride, store, p + q);
        Avx512F.MaskStore(dst + 2 * stride, store, p - q);
        Avx512F.MaskStore(dst + 3 * stride, store, -q);
    }

    // dU[ξ] (+)= Σ over the block's `count` steps of a[ξ]ᵀ b[ξ] for ξ in [xi0, xi1), in sub-blocks of WeightSteps steps.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileSums(float* a, float* b, float* du, long K, long Kp, long Cp, long steps, long count, bool first,
        long xi0, long xi1)
    {
        long kPanels = Kp / Panel, cPanels = Cp / Block;
        for (long xi = xi0; xi < xi1; xi++)
            for (long s = 0; s < count; s += WeightSteps)
            {
                long kc = Math.Min(WeightSteps, count - s);
                float beta = first && s == 0 ? 0 : 1;
                for (long cp = 0; cp < cPanels; cp++)
                {
                    float* bp = b + ((xi * cPanels + cp) * steps + s) * Block;
                    for (long kp = 0; kp < kPanels; kp++)
                        Avx512Kernel<float>.Run(kc, a + ((xi * kPanels + kp) * steps + s) * Panel, Panel, bp, Block,
                            du + xi * (Kp * Cp + Skew) + kp * Panel * Cp + cp * Block, Cp, 1, beta, (int)Math.Min(Panel, K - kp * Panel), Block);
                }
            }
    }

    // gw[k, c] = Gᵀ dU[:, k, c] G for k in [k0, k1): vectorised over 16 input channels, their taps then transposed out.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InverseKernels(float* du, float* gw, long C, long K, long Kp, long Cp, long k0, long k1)
    {
        float* rows = stackalloc float[12 * 16];
        float* taps = stackalloc float[9 * 16];
        var half = Vector512.Create(0.5f);
        long xiStride = Kp * Cp + Skew;
        for (long k = k0; k < k1; k++)
            for (long c0 = 0; c0 < C; c0 += 16)
            {
                float* d = du + k * Cp + c0;
                // Gᵀ D: rows D0 + (D1 + D2) / 2, (D1 - D2) / 2, (D1 + D2) / 2 + D3, column by column.
                for (int j = 0; j < 4; j++)
                {
                    var d0 = Vector512.Load(d + j * xiStride);
                    var d1 = Vector512.Load(d + (4 + j) * xiStride);
                    var d2 = Vector512.Load(d + (8 + j) * xiStride);
                    var d3 = Vector512.Load(d + (12 + j) * xiStride);
                    var sum = (d1 + d2) * half;
                    (d0 + sum).Store(rows + j * 16);
                    ((d1 - d2) * half).Store(rows + (4 + j) * 16);
                    (sum + d3).Store(rows + (8 + j) * 16);
                }
                // (Gᵀ D) G: the same along each row, written as taps 3i .. 3i + 2 of each channel.
                int lanes = (int)Math.Min(16, C - c0);
                float* o = gw + (k * C + c0) * 9;
                for (int i = 0; i < 3; i++)
                {
                    var r0 = Vector512.Load(rows + 4 * i * 16);
                    var r1 = Vector512.Load(rows + (4 * i + 1) * 16);
                    var r2 = Vector512.Load(rows + (4 * i + 2) * 16);
                    var r3 = Vector512.Load(rows + (4 * i + 3) * 16);
                    var sum = (r1 + r2) * half;
                    (r0 + sum).Store(taps + 3 * i * 16);
                    ((r1 - r2) * half).Store(taps + (3 * i + 1) * 16);
                    (sum + r3).Store(taps + (3 * i + 2) * 16);
                }
                LaneWeightKernels<float>.TransposeMatrix(taps, 16, o, 9, 9, lanes);
            }
    }

    // One block of tiles [t0, t0 + count) (count <= 32): its input transform, then per panel of output channels the
    // GEMMs, one per ξ, and the output transform.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlock<TT>(float* x, float* u, float* b, float* y, float* v, float* m, ConvGeometry g, long t0,
        long count, long th, long tw) where TT : struct, ITileTransforms
    {
        long C = g.C, K = g.O, panels = (K + Panel - 1) / Panel, plane = th * tw;
        long inPlane = g.IH * g.IW, outPlane = g.OH * g.OW, vStride = C * Block + Skew;
        if (count < Block)
            for (long xi = 0; xi < TT.Xi; xi++)
                for (long c = 0; c < C; c++) new Span<float>(v + xi * vStride + c * Block + count, (int)(Block - count)).Clear();
        for (long t = t0; t < t0 + count;)
        {
            long n = t / plane, ty = t % plane / tw, tx = t % tw, nt = Math.Min(tw - tx, t0 + count - t);
            for (long c = 0; c < C; c++)
                TT.TransformInput(x + (n * C + c) * inPlane, g, ty, tx, nt, v + c * Block + (t - t0), vStride);
            t += nt;
        }
        for (long p = 0; p < panels; p++)
        {
            long k0 = p * Panel;
            int rows = (int)Math.Min(Panel, K - k0);
            for (int xi = 0; xi < TT.Xi; xi++)
                Avx512Kernel<float>.Run(C, u + (xi * panels + p) * C * Panel, Panel, v + xi * vStride, Block,
                    m + xi * Panel * Block, Block, 1, 0, rows, Block);
            for (long t = t0; t < t0 + count;)
            {
                long n = t / plane, ty = t % plane / tw, tx = t % tw, nt = Math.Min(tw - tx, t0 + count - t);
                for (int r = 0; r < rows; r++)
                    TransformOutput<TT>(m + r * Block + (t - t0), Panel * Block, y + (n * K + k0 + r) * outPlane, g, ty, tx, nt,
                        b is null ? 0 : b[k0 + r]);
                t += nt;
            }
        }
    }

    private static readonly Vector512<int> Evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> Odds = Evens + Vector512<int>.One;
    private static readonly Vector512<int> InterleaveLow = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    private static readonly Vector512<int> InterleaveHigh = InterleaveLow + Vector512.Create(8);

    /// <summary>
    /// Bᵀ d B of the tiles [tx0, tx0 + nt) of tile row <paramref name="ty"/> of one input channel's plane, element ξ of
    /// tile i stored at <c>dst[ξ·stride + i]</c>. Sixteen tiles per step, vectorised over tiles: the vertical transform
    /// on input rows (loaded with the padding masked off), then the horizontal one on their even and odd columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInput(float* plane, ConvGeometry g, long ty, long tx0, long nt, float* dst, long stride)
    {
        long IH = g.IH, IW = g.IW, row0 = 2 * ty - g.PH;
        for (long j = 0; j < nt; j += 16)
        {
            long col0 = 2 * (tx0 + j) - g.PW;
            var store = LanesBelow(nt - j);
            // Columns col0 + [0, 34) as two pairs of vectors: at col0 and at col0 + 2.
            var m0 = InRow(col0, IW);
            var m1 = InRow(col0 + 16, IW);
            var m2 = InRow(col0 + 2, IW);
            var m3 = InRow(col0 + 18, IW);
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
            Vector512<float> d0 = default, d1 = default, d2 = default, d3 = default;
            if ((ulong)row0 < (ulong)IH) Load(plane + row0 * IW + col0, m0, m1, m2, m3, out a0, out a1, out a2, out a3);
            if ((ulong)(row0 + 1) < (ulong)IH) Load(plane + (row0 + 1) * IW + col0, m0, m1, m2, m3, out b0, out b1, out b2, out b3);
            if ((ulong)(row0 + 2) < (ulong)IH) Load(plane + (row0 + 2) * IW + col0, m0, m1, m2, m3, out c0, out c1, out c2, out c3);
            if ((ulong)(row0 + 3) < (ulong)IH) Load(plane + (row0 + 3) * IW + col0, m0, m1, m2, m3, out d0, out d1, out d2, out d3);
            float* o = dst + j;
            Horizontal(a0 - c0, a1 - c1, a2 - c2, a3 - c3, o, stride, store);
            Horizontal(b0 + c0, b1 + c1, b2 + c2, b3 + c3, o + 4 * stride, stride, store);
            Horizontal(c0 - b0, c1 - b1, c2 - b2, c3 - b3, o + 8 * stride, stride, store);
            Horizontal(b0 - d0, b1 - d1, b2 - d2, b3 - d3, o + 12 * stride, stride, store);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> LanesBelow(long count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create((int)Math.Min(count, 16))).AsSingle();

    // Lanes whose column col0 + lane lies in [0, width).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> InRow(long col0, long width)
    {
        var cols = Vector512<int>.Indices + Vector512.Create((int)col0);
        return (Vector512.GreaterThanOrEqual(cols, Vector512<int>.Zero) & Vector512.LessThan(cols, Vector512.Create((int)width))).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load(float* p, Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3,
        out Vector512<float> v0, out Vector512<float> v1, out Vector512<float> v2, out Vector512<float> v3)
    {
        v0 = Avx512F.MaskLoad(p, m0, Vector512<float>.Zero);
        v1 = Avx512F.MaskLoad(p + 16, m1, Vector512<float>.Zero);
        v2 = Avx512F.MaskLoad(p + 2, m2, Vector512<float>.Zero);
        v3 = Avx512F.MaskLoad(p + 18, m3, Vector512<float>.Zero);
    }

    // The horizontal transform of one row s of the vertical one, given as columns [0, 32) in (lo, hi) and [2, 34) in
    // (lo2, hi2): tile i's columns 2i .. 2i + 3 are E_i, O_i, E_i+1, O_i+1 (even and odd elements).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Horizontal(Vector512<float> lo, Vector512<float> hi, Vector512<float> lo2, Vector512<float> hi2,
        float* dst, long stride, Vector512<float> store)
    {
        var e = Avx512F.PermuteVar16x32x2(lo, Evens, hi);
        var o = Avx512F.PermuteVar16x32x2(lo, Odds, hi);
        var e1 = Avx512F.PermuteVar16x32x2(lo2, Evens, hi2);
        var o1 = Avx512F.PermuteVar16x32x2(lo2, Odds, hi2);
        Avx512F.MaskStore(dst, store, e - e1);
        Avx512F.MaskStore(dst + stride, store, o + e1);
        Avx512F.MaskStore(dst + 2 * stride, store, e1 - o);
        Avx512F.MaskStore(dst + 3 * stride, store, o - o1);
    }

    /// <summary>
    /// Aᵀ M A (+ bias) of the tiles [tx0, tx0 + nt) of tile row <paramref name="ty"/> into one output channel's plane,
    /// element ξ of tile i read at <c>m[ξ·stride + i]</c>; output columns past the plane's edge (odd sizes) are not stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformOutput<TT>(float* m, long stride, float* plane, ConvGeometry g, long ty, long tx0, long nt, float bias)
        where TT : struct, ITileTransforms
    {
        long OH = g.OH, OW = g.OW, y0 = 2 * ty;
        var vb = Vector512.Create(bias);
        for (long j = 0; j < nt; j += 16)
        {
            TT.Outputs(m + j, stride, out var e0, out var o0, out var e1, out var o1);
            long col0 = 2 * (tx0 + j), valid = Math.Min(2 * (nt - j), OW - col0);
            var low = LanesBelow(valid);
            var high = LanesBelow(valid - 16);
            float* row = plane + y0 * OW + col0;
            StoreRow(e0 + vb, o0 + vb, row, low, high);
            if (y0 + 1 < OH) StoreRow(e1 + vb, o1 + vb, row + OW, low, high);
        }
    }

    // Output columns 2i and 2i + 1 of tiles i in [0, 16): the two vectors interleaved.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(Vector512<float> even, Vector512<float> odd, float* row, Vector512<float> low, Vector512<float> high)
    {
        Avx512F.MaskStore(row, low, Avx512F.PermuteVar16x32x2(even, InterleaveLow, odd));
        Avx512F.MaskStore(row + 16, high, Avx512F.PermuteVar16x32x2(even, InterleaveHigh, odd));
    }

    /// <summary>
    /// U = G g Gᵀ of the kernels of panels [p0, p1), written as the micro-kernel's left operand: for each ξ and panel,
    /// C steps of 14 output channels (<c>u[((ξ·panels + p)·C + c)·14 + r]</c>, zero past the last channel). Vectorised
    /// over the panel's 14 channels, their taps staged by 8 x 8 transposes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformKernels<TT>(Taps w, float* u, long C, long K, long panels, long p0, long p1) where TT : struct, ITileTransforms
    {
        // All C channels' taps are staged before any is transformed: loaded right after the staging's narrower stores,
        // which could not forward to them, each kernel's taps waited on the transformed stores before them, and the
        // kernel transform took a fifth of a stride-2 layer's time. Lanes past a panel's channels stay zero.
        float* staged = ConvWorkspace.Get<float>(ConvWorkspace.Staging, C * 9 * 16);
        var store = LanesBelow(Panel);
        new Span<float>(staged, (int)(C * 9 * 16)).Clear();
        for (long p = p0; p < p1; p++)
        {
            long k0 = p * Panel;
            int rows = (int)Math.Min(Panel, K - k0);
            if (rows < Panel && p > p0) new Span<float>(staged, (int)(C * 9 * 16)).Clear();
            for (long c = 0; c < C; c++)
            {
                float* src = w.W + k0 * w.KStride + c * w.CStride, taps = staged + c * 9 * 16;
                if (rows >= 8)
                {
                    // Eight channels' taps per 8 x 8 transpose (the second block overlaps the first when rows < 16), the
                    // ninth tap one at a time; a flipped kernel's taps 1-8 land reversed on staged taps 7-0.
                    StageEight(src, w, taps);
                    StageEight(src + (rows - 8) * w.KStride, w, taps + rows - 8);
                    for (int r = 0; r < rows; r++) taps[128 + r] = src[r * w.KStride + (w.Flipped ? 0 : 8)];
                }
                else
                    for (int r = 0; r < rows; r++)
                        for (int t = 0; t < 9; t++) taps[t * 16 + r] = src[r * w.KStride + (w.Flipped ? 8 - t : t)];
            }
            for (long c = 0; c < C; c++) TT.TransformKernel(staged + c * 9 * 16, u + (p * C + c) * Panel, panels * C * Panel, store);
        }
    }

    // Taps 0-7 of eight kernels (rows KStride apart) into staged rows t·16 + [0, 8), reversed for a flipped kernel.
    private static void StageEight(float* src, Taps w, float* taps)
    {
        if (w.Flipped) LaneWeightKernels<float>.Transpose8x8(src + 1, w.KStride, taps + 7 * 16, -16);
        else LaneWeightKernels<float>.Transpose8x8(src, w.KStride, taps, 16);
    }

    /// <summary>The transforms of one tiling: 2x2 output tiles at unit stride, or at stride 2.</summary>
    private interface ITileTransforms
    {
        /// <summary>Elements ξ of a transformed tile (and GEMMs per block and panel).</summary>
        static abstract int Xi { get; }

        /// <summary>
        /// Bᵀ d B of the tiles [tx0, tx0 + nt) of tile row <paramref name="ty"/> of one input channel's plane, element ξ of
        /// tile i stored at <c>dst[ξ·stride + i]</c>, sixteen tiles per step.
        /// </summary>
        static abstract void TransformInput(float* plane, ConvGeometry g, long ty, long tx0, long nt, float* dst, long stride);

        /// <summary>
        /// Aᵀ M A of sixteen tiles, element ξ of tile i at <c>m[ξ·stride + i]</c>: their output rows 0 and 1, each as the
        /// even and the odd column.
        /// </summary>
        static abstract void Outputs(float* m, long stride, out Vector512<float> even0, out Vector512<float> odd0,
            out Vector512<float> even1, out Vector512<float> odd1);

        /// <summary>
        /// U = G g Gᵀ of up to sixteen kernels, tap t of kernel r staged at <c>taps[t·16 + r]</c>, element ξ stored at
        /// <c>d[ξ·stride]</c> under <paramref name="store"/>.
        /// </summary>
        static abstract void TransformKernel(float* taps, float* d, long stride, Vector512<float> store);
    }

    /// <summary>F(2x2, 3x3): 4x4 input patches two apart, 16 elements.</summary>
    private readonly struct UnitStride : ITileTransforms
    {
        public static int Xi => WinogradConvKernels.Xi;

        public static void TransformInput(float* plane, ConvGeometry g, long ty, long tx0, long nt, float* dst, long stride) =>
            WinogradConvKernels.TransformInput(plane, g, ty, tx0, nt, dst, stride);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Outputs(float* s, long stride, out Vector512<float> even0, out Vector512<float> odd0,
            out Vector512<float> even1, out Vector512<float> odd1)
        {
            var m00 = Vector512.Load(s); var m01 = Vector512.Load(s + stride);
            var m02 = Vector512.Load(s + 2 * stride); var m03 = Vector512.Load(s + 3 * stride);
            var m10 = Vector512.Load(s + 4 * stride); var m11 = Vector512.Load(s + 5 * stride);
            var m12 = Vector512.Load(s + 6 * stride); var m13 = Vector512.Load(s + 7 * stride);
            var m20 = Vector512.Load(s + 8 * stride); var m21 = Vector512.Load(s + 9 * stride);
            var m22 = Vector512.Load(s + 10 * stride); var m23 = Vector512.Load(s + 11 * stride);
            var m30 = Vector512.Load(s + 12 * stride); var m31 = Vector512.Load(s + 13 * stride);
            var m32 = Vector512.Load(s + 14 * stride); var m33 = Vector512.Load(s + 15 * stride);
            var u00 = m00 + m10 + m20; var u01 = m01 + m11 + m21; var u02 = m02 + m12 + m22; var u03 = m03 + m13 + m23;
            var u10 = m10 - m20 - m30; var u11 = m11 - m21 - m31; var u12 = m12 - m22 - m32; var u13 = m13 - m23 - m33;
            even0 = u00 + u01 + u02;
            odd0 = u01 - u02 - u03;
            even1 = u10 + u11 + u12;
            odd1 = u11 - u12 - u13;
        }

        // G g: rows g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2 of the kernel (each a row of three taps), then
        // (G g) Gᵀ: the same along each of those rows.
        public static void TransformKernel(float* taps, float* d, long stride, Vector512<float> store)
        {
            var half = Vector512.Create(0.5f);
            Vector512<float> g00 = Vector512.Load(taps), g01 = Vector512.Load(taps + 16), g02 = Vector512.Load(taps + 32);
            Vector512<float> g10 = Vector512.Load(taps + 48), g11 = Vector512.Load(taps + 64), g12 = Vector512.Load(taps + 80);
            Vector512<float> g20 = Vector512.Load(taps + 96), g21 = Vector512.Load(taps + 112), g22 = Vector512.Load(taps + 128);
            KernelRow(g00, g01, g02, d, stride, store);
            KernelRow((g00 + g10 + g20) * half, (g01 + g11 + g21) * half, (g02 + g12 + g22) * half, d + 4 * stride, stride, store);
            KernelRow((g00 - g10 + g20) * half, (g01 - g11 + g21) * half, (g02 - g12 + g22) * half, d + 8 * stride, stride, store);
            KernelRow(g20, g21, g22, d + 12 * stride, stride, store);
        }

        // Row i of U from row i of G g: r0, (r0 + r1 + r2) / 2, (r0 - r1 + r2) / 2, r2.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void KernelRow(Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, float* d, long stride, Vector512<float> store)
        {
            var half = Vector512.Create(0.5f);
            Avx512F.MaskStore(d, store, r0);
            Avx512F.MaskStore(d + stride, store, (r0 + r1 + r2) * half);
            Avx512F.MaskStore(d + 2 * stride, store, (r0 - r1 + r2) * half);
            Avx512F.MaskStore(d + 3 * stride, store, r2);
        }
    }

    /// <summary>
    /// 3x3 at stride 2 by its polyphase split. Along one dim two outputs read inputs d0 .. d4: the even taps (w0, w2) on
    /// d0, d2, d4 are F(2, 2) (three products: w0 (d0 − d2), (w0 + w2) d2 and w2 (d4 − d2)), the odd tap w1 on d1 and d3
    /// two more, so five products instead of six. In 2-D a tile's 5x5 input patch (four apart) becomes 25 elements ξ for
    /// the 36 products of its 2x2 outputs; the coefficients are 0 and ±1.
    /// </summary>
    private readonly struct StrideTwo : ITileTransforms
    {
        public static int Xi => 25;

        // Lanes of two vectors (columns [0, 32)) picking columns 4i and 4i + 2 of tiles i in [0, 8), and 4i + 1, 4i + 3.
        private static readonly Vector512<int> Quads02 = Vector512.Create(0, 4, 8, 12, 16, 20, 24, 28, 2, 6, 10, 14, 18, 22, 26, 30);
        private static readonly Vector512<int> Quads13 = Quads02 + Vector512<int>.One;
        private static readonly Vector512<int> LowHalves = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        private static readonly Vector512<int> HighHalves = LowHalves + Vector512.Create(8);
        private static readonly Vector512<int> Next = Vector512<int>.Indices + Vector512<int>.One;

        // Input rows 4·ty − PH + [0, 5); of each, columns col0 + [0, 65) as five vectors, the padding masked off. The
        // vertical transform (rows r0 − r2, r2, r4 − r2, r1, r3) keeps r2 and one other row live.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void TransformInput(float* plane, ConvGeometry g, long ty, long tx0, long nt, float* dst, long stride)
        {
            long IH = g.IH, IW = g.IW, row0 = 4 * ty - g.PH;
            for (long j = 0; j < nt; j += 16)
            {
                long col0 = 4 * (tx0 + j) - g.PW;
                var store = LanesBelow(nt - j);
                var masks = new Masks(InRow(col0, IW), InRow(col0 + 16, IW), InRow(col0 + 32, IW), InRow(col0 + 48, IW), InRow(col0 + 64, IW));
                float* o = dst + j;
                var r2 = Row.Load(plane, row0 + 2, IH, IW, col0, masks);
                Horizontal(Row.Load(plane, row0, IH, IW, col0, masks) - r2, o, stride, store);
                Horizontal(r2, o + 5 * stride, stride, store);
                Horizontal(Row.Load(plane, row0 + 4, IH, IW, col0, masks) - r2, o + 10 * stride, stride, store);
                Horizontal(Row.Load(plane, row0 + 1, IH, IW, col0, masks), o + 15 * stride, stride, store);
                Horizontal(Row.Load(plane, row0 + 3, IH, IW, col0, masks), o + 20 * stride, stride, store);
            }
        }

        private readonly record struct Masks(Vector512<float> M0, Vector512<float> M1, Vector512<float> M2, Vector512<float> M3, Vector512<float> M4);

        // Sixty-five columns of one input row (zero outside the plane) as five vectors; column 64 is lane 0 of the last.
        private readonly record struct Row(Vector512<float> V0, Vector512<float> V1, Vector512<float> V2, Vector512<float> V3, Vector512<float> V4)
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Row Load(float* plane, long row, long ih, long iw, long col0, Masks m)
            {
                if ((ulong)row >= (ulong)ih) return default;
                float* p = plane + row * iw + col0;
                var zero = Vector512<float>.Zero;
                return new Row(Avx512F.MaskLoad(p, m.M0, zero), Avx512F.MaskLoad(p + 16, m.M1, zero), Avx512F.MaskLoad(p + 32, m.M2, zero),
                    Avx512F.MaskLoad(p + 48, m.M3, zero), Avx512F.MaskLoad(p + 64, m.M4, zero));
            }

            public static Row operator -(Row a, Row b) => new(a.V0 - b.V0, a.V1 - b.V1, a.V2 - b.V2, a.V3 - b.V3, a.V4 - b.V4);
        }

        // The horizontal transform of one row of the vertical one: tile i's columns 4i .. 4i + 4 are c0 .. c4, and its
        // elements c0 − c2, c2, c4 − c2, c1, c3.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Horizontal(Row r, float* dst, long stride, Vector512<float> store)
        {
            var evenLow = Avx512F.PermuteVar16x32x2(r.V0, Quads02, r.V1);
            var evenHigh = Avx512F.PermuteVar16x32x2(r.V2, Quads02, r.V3);
            var oddLow = Avx512F.PermuteVar16x32x2(r.V0, Quads13, r.V1);
            var oddHigh = Avx512F.PermuteVar16x32x2(r.V2, Quads13, r.V3);
            var c0 = Avx512F.PermuteVar16x32x2(evenLow, LowHalves, evenHigh);
            var c2 = Avx512F.PermuteVar16x32x2(evenLow, HighHalves, evenHigh);
            var c1 = Avx512F.PermuteVar16x32x2(oddLow, LowHalves, oddHigh);
            var c3 = Avx512F.PermuteVar16x32x2(oddLow, HighHalves, oddHigh);
            var c4 = Avx512F.PermuteVar16x32x2(c0, Next, r.V4);
            Avx512F.MaskStore(dst, store, c0 - c2);
            Avx512F.MaskStore(dst + stride, store, c2);
            Avx512F.MaskStore(dst + 2 * stride, store, c4 - c2);
            Avx512F.MaskStore(dst + 3 * stride, store, c1);
            Avx512F.MaskStore(dst + 4 * stride, store, c3);
        }

        // Along each dim: output 0 = m0 + m1 + m3, output 1 = m1 + m2 + m4.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Outputs(float* s, long stride, out Vector512<float> even0, out Vector512<float> odd0,
            out Vector512<float> even1, out Vector512<float> odd1)
        {
            Vector512<float> u00 = default, u01 = default, u02 = default, u03 = default, u04 = default;
            Vector512<float> u10 = default, u11 = default, u12 = default, u13 = default, u14 = default;
            Column(s, stride, 0, ref u00, ref u10);
            Column(s, stride, 1, ref u01, ref u11);
            Column(s, stride, 2, ref u02, ref u12);
            Column(s, stride, 3, ref u03, ref u13);
            Column(s, stride, 4, ref u04, ref u14);
            even0 = u00 + u01 + u03;
            odd0 = u01 + u02 + u04;
            even1 = u10 + u11 + u13;
            odd1 = u11 + u12 + u14;
        }

        // The vertical sums of column b of M: rows 0, 1, 3 and rows 1, 2, 4.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Column(float* s, long stride, int b, ref Vector512<float> top, ref Vector512<float> bottom)
        {
            var m1 = Vector512.Load(s + (5 + b) * stride);
            top = Vector512.Load(s + b * stride) + m1 + Vector512.Load(s + (15 + b) * stride);
            bottom = m1 + Vector512.Load(s + (10 + b) * stride) + Vector512.Load(s + (20 + b) * stride);
        }

        // G g: rows g0, g0 + g2, g2, g1, g1 of the kernel, then the same along each of those rows.
        public static void TransformKernel(float* taps, float* d, long stride, Vector512<float> store)
        {
            Vector512<float> g00 = Vector512.Load(taps), g01 = Vector512.Load(taps + 16), g02 = Vector512.Load(taps + 32);
            Vector512<float> g10 = Vector512.Load(taps + 48), g11 = Vector512.Load(taps + 64), g12 = Vector512.Load(taps + 80);
            Vector512<float> g20 = Vector512.Load(taps + 96), g21 = Vector512.Load(taps + 112), g22 = Vector512.Load(taps + 128);
            KernelRow(g00, g01, g02, d, stride, store);
            KernelRow(g00 + g20, g01 + g21, g02 + g22, d + 5 * stride, stride, store);
            KernelRow(g20, g21, g22, d + 10 * stride, stride, store);
            KernelRow(g10, g11, g12, d + 15 * stride, stride, store);
            KernelRow(g10, g11, g12, d + 20 * stride, stride, store);
        }

        // Row a of U from row a of G g: r0, r0 + r2, r2, r1, r1.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void KernelRow(Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, float* d, long stride, Vector512<float> store)
        {
            Avx512F.MaskStore(d, store, r0);
            Avx512F.MaskStore(d + stride, store, r0 + r2);
            Avx512F.MaskStore(d + 2 * stride, store, r2);
            Avx512F.MaskStore(d + 3 * stride, store, r1);
            Avx512F.MaskStore(d + 4 * stride, store, r1);
        }
    }
}
