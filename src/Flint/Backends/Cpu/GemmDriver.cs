using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Backends.Cpu;

/// <summary>Which micro-kernel family the GEMM uses: the widest vectors the machine accelerates.</summary>
internal enum GemmTier
{
    /// <summary>128-bit vectors: the portable tier (SSE, NEON).</summary>
    Vector128,
    /// <summary>256-bit vectors (AVX2 + FMA).</summary>
    Vector256,
    /// <summary>512-bit vectors (AVX-512F).</summary>
    Avx512,
}

/// <summary>
/// A batched product C[b] = alpha * A[b] @ B[b] + beta * C[b] over raw storage: the address of element 0 and the
/// element strides (batch, row, column) of each operand, which may be anything (0 along broadcast dims).
/// </summary>
internal struct GemmProblem
{
    public nint A, B, C;
    public long Abs, Ars, Acs;
    public long Bbs, Brs, Bcs;
    public long Cbs, Crs, Ccs;
    public long Batch, M, N, K;
}

/// <summary>
/// Work fused into a packed product (<see cref="GemmDriver.RunPacked{T, TA, TB, TE}"/>): it gets each block of rows of C
/// (the rows of one packed block of A) as soon as they hold their final values, on the thread that computed them, while
/// they are still in its cache (a convolution's col2im fold, which read them back from memory when it ran after the
/// whole product).
/// </summary>
internal interface IGemmEpilogue
{
    /// <summary>Rows [r0, r1) of C are final. Blocks and the threads' shares of rows are multiples of <see cref="RowAlign"/>.</summary>
    void Done(long r0, long r1);

    /// <summary>The rows the epilogue needs together (a fold: all the rows of one input channel).</summary>
    long RowAlign { get; }
}

/// <summary>No fused work: the product alone.</summary>
internal readonly struct NoEpilogue : IGemmEpilogue
{
    public void Done(long r0, long r1) { }

    public long RowAlign => 1;
}

/// <summary>
/// The float GEMM of the CPU backend, in the BLIS design: B is packed into NR-column panels (a KC x NC block,
/// kept in L3), A into MR-row panels (an MC x KC block, kept in L2), and a register-blocked micro-kernel computes
/// each MR x NR tile of C from one B micro-panel (in L1) and one A micro-panel. Packing reads any strides and
/// converts float16/bfloat16 to float, so every transpose and view costs the same. Products with one column or one
/// row go to a matrix-vector path instead. Work is split over threads by batch entries and by blocks of rows or
/// columns; small products stay on the calling thread.
/// </summary>
[SkipLocalsInit]
internal static unsafe class GemmDriver
{
    // Cache budgets, tuned on a Zen 5 core (48 KiB L1d, 1 MiB L2, 32 MiB shared L3): KC = 256 steps per pass (the
    // B micro-panel, 32 KiB, stays in L1 beside the A micro-panel), or 384 when C is larger than L3 can hold
    // (KcLargeOutput: fewer passes, each loading and storing every C tile from memory; measured: 4096^3 8% faster
    // with 384, 1024-2048 and ResNet's convolutions 3-8% faster with 256); the MC x KC block of A about 384 KiB of
    // L2, the KC x NC block of B a few MiB of L3.
    internal const int Kc = 256;
    private const int KcLargeOutput = 384;
    private const long LargeOutputBytes = 16L << 20;
    private const int L2BlockBytes = 384 << 10;
    private const int L3BlockBytes = 4 << 20;
    private const long L2Bytes = 1 << 20;

    /// <summary>Rows of A packed per block (a multiple of MR).</summary>
    internal static int Mc(int elementSize, int mr, int kc = Kc) => Math.Max(mr, L2BlockBytes / (kc * elementSize) / mr * mr);

    /// <summary>Columns of B packed per block (a multiple of NR).</summary>
    internal static int Nc(int elementSize, int nr, int kc = Kc) => Math.Max(nr, L3BlockBytes / (kc * elementSize) / nr * nr);

    /// <summary>
    /// Multiply-adds each thread must get before a product is split (128K, about 1 us of one core's arithmetic): a fork
    /// and join costs about a microsecond on an idle machine, so even a 64 x 64 x 64 product gains from two threads.
    /// Measured in one process, 16 products a sample, against 1M (the earlier value): 64^3 6.1-6.3 -> 4.7-4.9 us, 80^3
    /// 12.6-13.0 -> 7.7-9.3 us, 96^3 17.6-18.0 -> 10.7-11.2 us, 112^3 30-31 -> 19.5-22 us; 48^3 (110K) stays on one
    /// thread. Tests lower it to exercise the split on small products.
    /// </summary>
    internal static long ParallelGrain { get; set; } = DefaultParallelGrain;

    /// <summary>The value of <see cref="ParallelGrain"/> outside tests.</summary>
    internal const long DefaultParallelGrain = 1L << 17;

    /// <summary>
    /// Operands this small (A and B together, in bytes of the compute type) stay in L2 for the whole product, so
    /// they are read in place wherever their layout allows (a column-major A, a row-major B) instead of packed:
    /// for small products packing costs as much as the arithmetic.
    /// </summary>
    internal const long SmallBytes = 512 << 10;

    /// <summary>The same for matrix-vector products, which are bound by memory rather than arithmetic.</summary>
    private const long VectorGrain = 1L << 18;

    /// <summary>The kernel family in use: the widest this machine accelerates.</summary>
    public static readonly GemmTier Tier = Best();

    /// <summary>The widest tier this machine accelerates.</summary>
    public static GemmTier Best() =>
        Vector512.IsHardwareAccelerated ? GemmTier.Avx512 : Vector256.IsHardwareAccelerated ? GemmTier.Vector256 : GemmTier.Vector128;

    /// <summary>True if this machine runs <paramref name="tier"/>'s kernels at hardware speed.</summary>
    public static bool IsSupported(GemmTier tier) => tier switch
    {
        GemmTier.Avx512 => Vector512.IsHardwareAccelerated,
        GemmTier.Vector256 => Vector256.IsHardwareAccelerated,
        _ => true,
    };

    /// <summary>Runs the product for storage type TS (float, double, Half, BFloat16) with the machine's best kernels.</summary>
    public static void Run<TS>(in GemmProblem p, double alpha, double beta) where TS : unmanaged => Run<TS>(p, alpha, beta, Tier);

    /// <summary>Runs the product with the kernels of <paramref name="tier"/> (tests check every tier the machine has).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TS>(in GemmProblem p, double alpha, double beta, GemmTier tier) where TS : unmanaged
    {
        if (typeof(TS) == typeof(double))
        {
            switch (tier)
            {
                case GemmTier.Avx512: Batched<double, double, Avx512Kernel<double>>(p, alpha, beta); break;
                case GemmTier.Vector256: Batched<double, double, Vec256F64Kernel>(p, alpha, beta); break;
                default: Batched<double, double, Vec128F64Kernel>(p, alpha, beta); break;
            }
            return;
        }
        float a = (float)alpha, b = (float)beta;
        switch (tier)
        {
            case GemmTier.Avx512: Batched<TS, float, Avx512Kernel<float>>(p, a, b); break;
            case GemmTier.Vector256: Batched<TS, float, Vec256F32Kernel>(p, a, b); break;
            default: Batched<TS, float, Vec128F32Kernel>(p, a, b); break;
        }
    }

    /// <summary>
    /// C [m, n] = A @ B (+ C when <paramref name="accumulate"/>) for float or double T, each operand packed by its source
    /// (A's lanes are rows, B's columns; either may be computed on the way, as a convolution's im2col columns), C of row
    /// stride <paramref name="crs"/> and unit column stride. Threads split the rows, sharing one packing of B, when the
    /// row panels divide evenly among them or outnumber the columns; else the columns, each thread packing its own.
    /// </summary>
    public static void RunPacked<T, TA, TB>(TA a, TB b, T* c, long crs, long m, long n, long k, bool accumulate = false)
        where T : unmanaged, INumber<T> where TA : struct, IGemmOperand<TA> where TB : struct, IGemmOperand<TB> =>
        RunPacked(a, b, c, crs, m, n, k, default(NoEpilogue), accumulate);

    /// <summary>
    /// <see cref="RunPacked{T, TA, TB}"/> with <paramref name="epilogue"/> run on each block of rows of C once it is final;
    /// where the threads split the columns, it runs after them.
    /// </summary>
    public static void RunPacked<T, TA, TB, TE>(TA a, TB b, T* c, long crs, long m, long n, long k, TE epilogue, bool accumulate = false)
        where T : unmanaged, INumber<T> where TA : struct, IGemmOperand<TA> where TB : struct, IGemmOperand<TB> where TE : struct, IGemmEpilogue
    {
        if (typeof(T) == typeof(float))
        {
            switch (Tier)
            {
                case GemmTier.Avx512: Split<float, Avx512Kernel<float>, TA, TB, TE>(a, b, (float*)c, crs, m, n, k, accumulate, epilogue); break;
                case GemmTier.Vector256: Split<float, Vec256F32Kernel, TA, TB, TE>(a, b, (float*)c, crs, m, n, k, accumulate, epilogue); break;
                default: Split<float, Vec128F32Kernel, TA, TB, TE>(a, b, (float*)c, crs, m, n, k, accumulate, epilogue); break;
            }
            return;
        }
        if (typeof(T) != typeof(double)) throw new NotSupportedException($"no packed-operand GEMM for {typeof(T).Name}");
        switch (Tier)
        {
            case GemmTier.Avx512: Split<double, Avx512Kernel<double>, TA, TB, TE>(a, b, (double*)c, crs, m, n, k, accumulate, epilogue); break;
            case GemmTier.Vector256: Split<double, Vec256F64Kernel, TA, TB, TE>(a, b, (double*)c, crs, m, n, k, accumulate, epilogue); break;
            default: Split<double, Vec128F64Kernel, TA, TB, TE>(a, b, (double*)c, crs, m, n, k, accumulate, epilogue); break;
        }
    }

    private static void Split<T, TK, TA, TB, TE>(TA a, TB b, T* c, long crs, long m, long n, long k, bool accumulate, TE epilogue)
        where T : unmanaged, INumber<T> where TK : struct, IGemmKernel<T> where TA : struct, IGemmOperand<TA> where TB : struct, IGemmOperand<TB>
        where TE : struct, IGemmEpilogue
    {
        if (m == 0 || n == 0) return;
        var beta = accumulate ? T.One : T.Zero;
        bool fused = typeof(TE) != typeof(NoEpilogue);
        if (k == 0)
        {
            Scale<T, T>(c, crs, 1, m, n, beta);
            if (fused) epilogue.Done(0, m);
            return;
        }
        int threads = Parallelism.ThreadsFor(m * n * k, ParallelGrain);
        bool rows = threads == 1 || m >= n || (m + TK.MR - 1) / TK.MR % threads == 0;
        if (fused && !rows)
        {
            // Few rows and many columns: the threads split the columns, and the rows are final only once all are done.
            Split<T, TK, TA, TB, NoEpilogue>(a, b, c, crs, m, n, k, accumulate, default);
            long share = RoundUp((m + threads - 1) / threads, epilogue.RowAlign);
            Parallelism.For(threads, (t, count) =>
            {
                long lo = Math.Min(m, t * share), hi = Math.Min(m, lo + share);
                if (lo < hi) epilogue.Done(lo, hi);
            });
            return;
        }
        long chunk = RoundUp(Share<T, TK>(rows ? m : n, threads, rows), rows ? epilogue.RowAlign : 1);
        var blocks = rows ? Blocking.For<T>(chunk, n, k, TK.MR, TK.NR) : Blocking.For<T>(m, chunk, k, TK.MR, TK.NR);
        if (fused)
        {
            // Blocks of whole aligned units: a channel's rows, and whole tiles where they fit.
            long unit = Lcm(epilogue.RowAlign, TK.MR);
            blocks = blocks with { Rows = (int)Math.Max(unit, blocks.Rows / unit * unit) };
        }
        nint ac = (nint)c, ap = rows ? (nint)PackB<T, TB>(b, n, k, TK.NR, blocks) : 0;
        Parallelism.For(threads, (t, count) =>
        {
            long lo = Math.Min(rows ? m : n, t * chunk), hi = Math.Min(rows ? m : n, lo + chunk);
            if (lo >= hi) return;
            if (rows) Loops<T, TK, TA, TB, TE>(a.From(lo), b, (T*)ac + lo * crs, crs, 1, hi - lo, n, k, T.One, beta, blocks, (T*)ap, epilogue, lo);
            else Loops<T, TK, TA, TB, TE>(a, b.From(lo), (T*)ac + lo, crs, 1, m, hi - lo, k, T.One, beta, blocks, null, epilogue, 0);
        });
    }

    /// <summary>
    /// A thread's share when <paramref name="extent"/> rows (or columns) are split in <paramref name="parts"/>: whole
    /// tiles (panels), except rows with a kernel whose partial tiles take only their rows' time, where equal shares
    /// finish together (1024 rows on two threads: 512 each, 36 tiles and 8 rows, instead of 518 and 506 rows, 37 tiles
    /// each).
    /// </summary>
    private static long Share<T, TK>(long extent, long parts, bool rows) where T : unmanaged where TK : struct, IGemmKernel<T>
    {
        long share = (extent + parts - 1) / parts;
        return rows && TK.PartialRows ? share : RoundUp(share, rows ? TK.MR : TK.NR);
    }

    /// <summary>Block sizes of one product: steps per pass over K, rows of A and columns of B per packed block.</summary>
    private readonly record struct Blocking(int Steps, int Rows, int Columns)
    {
        public static Blocking For<T>(long m, long n, long k, int mr, int nr) where T : unmanaged
        {
            // Every pass over K but the first loads and stores each tile of C again. When C is too large to stay in L2
            // between passes, a K of up to two passes takes one (ResNet's 512-channel weight gradient reduces over 392
            // positions: 6.6 -> 5.7 ms), and a remainder under a quarter of KC joins the pass before it (the 256-channel
            // one over 1568 = 6 x 256 + 32: six passes, not seven). A small C keeps the L1-sized passes.
            int kc0 = m * n * sizeof(T) > LargeOutputBytes ? KcLargeOutput : GemmDriver.Kc;
            bool largeC = m * n * sizeof(T) > L2Bytes;
            int kc = largeC && k <= 2 * kc0 ? (int)k : largeC && k % kc0 != 0 && k % kc0 < kc0 / 4 ? kc0 + (int)(k % kc0) : kc0;
            return new Blocking(kc, GemmDriver.Mc(sizeof(T), mr, kc0), GemmDriver.Nc(sizeof(T), nr, kc0));
        }
    }

    /// <summary>
    /// All of B [k, n] packed as <see cref="Loops"/> packs it block by block, the blocks one after another (block (jc, pc)
    /// at jc·k + pc·RoundUp(nc, NR)), into the calling thread's shared slot; the panels are packed by all threads.
    /// Each thread packs a panel's passes one after another, so that the lanes of a convolution's weights [O, K] are
    /// read as long runs rather than 1 KB pieces 18 KB apart (ResNet's 512-channel 3x3 forward: packing 10.8% -> 8% of
    /// its CPU).
    /// </summary>
    private static T* PackB<T, TB>(TB b, long n, long k, int nr, Blocking blocks) where T : unmanaged where TB : struct, IGemmOperand<TB>
    {
        T* dst = GemmWorkspace.Get<T>(GemmWorkspace.SharedB, RoundUp(n, nr) * k);
        long panels = (n + nr - 1) / nr, passes = (k + blocks.Steps - 1) / blocks.Steps;
        nint ad = (nint)dst;
        Parallelism.For(Parallelism.ThreadsFor(n * k), (t, count) =>
        {
            for (long u = panels * passes * t / count; u < panels * passes * (t + 1) / count; u++)
            {
                long pc = u % passes * blocks.Steps, j = u / passes * nr, jc = j / blocks.Columns * blocks.Columns;
                int kc = (int)Math.Min(blocks.Steps, k - pc), nc = (int)Math.Min(blocks.Columns, n - jc);
                T* block = (T*)ad + jc * k + pc * RoundUp(nc, nr);
                b.Pack(j, (int)Math.Min(nr, n - j), pc, kc, nr, block + (j - jc) * kc);
            }
        });
        return dst;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Batched<TS, T, TK>(GemmProblem p, T alpha, T beta)
        where TS : unmanaged where T : unmanaged, INumber<T> where TK : struct, IGemmKernel<T>
    {
        if (p.Batch == 0 || p.M == 0 || p.N == 0) return;
        bool vector = p.M == 1 || p.N == 1;
        long macs = p.Batch * p.M * p.N * Math.Max(p.K, 1);
        int threads = Parallelism.ThreadsFor(macs, vector ? VectorGrain : ParallelGrain);
        if (threads <= 1)
        {
            for (long b = 0; b < p.Batch; b++) One<TS, T, TK>(Slice(p, b, 0, p.M, 0, p.N), alpha, beta);
            return;
        }
        // Units of work: batch entries, each cut into `parts` blocks of rows or columns so that the units divide
        // evenly among the threads (many entries need no cut).
        long parts = p.Batch % threads == 0 || p.Batch >= 8L * threads ? 1 : threads / Gcd(p.Batch, threads);
        long units = p.Batch * parts;
        int count = (int)Math.Min(threads, units);
        bool splitRows = p.M >= p.N;
        long extent = splitRows ? p.M : p.N;
        long chunk = Share<T, TK>(extent, parts, splitRows);
        var problem = p;
        Parallelism.For(count, (t, n) =>
        {
            for (long u = units * t / n; u < units * (t + 1) / n; u++)
            {
                long b = u / parts, part = u % parts;
                long lo = Math.Min(extent, part * chunk), hi = Math.Min(extent, lo + chunk);
                if (lo >= hi) continue;
                var s = splitRows ? Slice(problem, b, lo, hi, 0, problem.N) : Slice(problem, b, 0, problem.M, lo, hi);
                One<TS, T, TK>(s, alpha, beta);
            }
        });
    }

    /// <summary>Batch entry <paramref name="b"/>, rows [r0, r1) and columns [c0, c1) of C, as a one-entry problem.</summary>
    private static GemmProblem Slice(in GemmProblem p, long b, long r0, long r1, long c0, long c1)
    {
        return p with
        {
            Batch = 1,
            M = r1 - r0,
            N = c1 - c0,
            Abs = b * p.Abs + r0 * p.Ars,
            Bbs = b * p.Bbs + c0 * p.Bcs,
            Cbs = b * p.Cbs + r0 * p.Crs + c0 * p.Ccs,
        };
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    private static long Lcm(long a, long b) => a / Gcd(a, b) * b;

    private static long RoundUp(long x, long m) => (x + m - 1) / m * m;

    // One product (Batch == 1): the element offsets of its operands are in Abs/Bbs/Cbs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void One<TS, T, TK>(GemmProblem p, T alpha, T beta)
        where TS : unmanaged where T : unmanaged, INumber<T> where TK : struct, IGemmKernel<T>
    {
        TS* a = (TS*)p.A + p.Abs, b = (TS*)p.B + p.Bbs, c = (TS*)p.C + p.Cbs;
        if (p.K == 0)
        {
            Scale<TS, T>(c, p.Crs, p.Ccs, p.M, p.N, beta);
            return;
        }
        if (p.N == 1 || p.M == 1)
        {
            // Matrix-vector: make the vector the right-hand side (y = A x), transposing a row-vector product.
            if (p.N != 1)
                GemmVector.Run(b, p.Bcs, p.Brs, a, p.Acs, c, p.Ccs, p.N, p.K, alpha, beta);
            else
                GemmVector.Run(a, p.Ars, p.Acs, b, p.Brs, c, p.Crs, p.M, p.K, alpha, beta);
            return;
        }
        // The kernel stores rows of C with unit column stride; a column-major C is the row-major C^T = B^T A^T.
        if (p.Ccs != 1 && p.Crs == 1)
        {
            Blocked<TS, T, TK>(new StridedOperand<TS>(b, p.Bcs, p.Brs), new StridedOperand<TS>(a, p.Ars, p.Acs), c, p.Ccs, p.Crs, p.N, p.M, p.K, alpha, beta);
            return;
        }
        Blocked<TS, T, TK>(new StridedOperand<TS>(a, p.Ars, p.Acs), new StridedOperand<TS>(b, p.Bcs, p.Brs), c, p.Crs, p.Ccs, p.M, p.N, p.K, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocked<TS, T, TK>(StridedOperand<TS> a, StridedOperand<TS> b, TS* c, long crs, long ccs,
        long m, long n, long k, T alpha, T beta)
        where TS : unmanaged where T : unmanaged, INumber<T> where TK : struct, IGemmKernel<T>
    {
        if (typeof(TS) == typeof(T))
        {
            Loops<T, TK, StridedOperand<TS>, StridedOperand<TS>, NoEpilogue>(a, b, (T*)c, crs, ccs, m, n, k, alpha, beta, Blocking.For<T>(m, n, k, TK.MR, TK.NR));
            return;
        }
        // Half precision: accumulate the whole product in a float workspace, then round once into C.
        T* w = GemmWorkspace.Get<T>(GemmWorkspace.Output, m * n);
        Loops<T, TK, StridedOperand<TS>, StridedOperand<TS>, NoEpilogue>(a, b, w, n, 1, m, n, k, T.One, T.Zero, Blocking.For<T>(m, n, k, TK.MR, TK.NR));
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++)
            {
                TS* ci = c + i * crs + j * ccs;
                var v = alpha * w[i * n + j];
                *ci = Cvt.To<T, TS>(beta == T.Zero ? v : v + beta * Cvt.To<TS, T>(*ci));
            }
    }

    // The five BLIS loops: columns of C by NC, the K dimension by KC (B block packed), rows by MC (A block packed),
    // then NR-column and MR-row micro-tiles. Tiles short of rows store only theirs; tiles short of columns (or with
    // a strided C) go through a register-sized scratch tile.
    // B comes packed in `packedB` when the caller shared one packing of it among threads (PackB, with the same
    // `blocks`), else each block is packed here. The epilogue gets each block of rows (numbered from `row0`) after the
    // last pass of the last column block has written it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Loops<T, TK, TA, TB, TE>(TA a, TB b, T* c, long crs, long ccs,
        long m, long n, long k, T alpha, T beta, Blocking blocks, T* packedB = null, TE epilogue = default, long row0 = 0)
        where T : unmanaged, INumber<T> where TK : struct, IGemmKernel<T> where TA : struct, IGemmOperand<TA> where TB : struct, IGemmOperand<TB>
        where TE : struct, IGemmEpilogue
    {
        int mr = TK.MR, nr = TK.NR;
        var (kcMax, mcMax, ncMax) = blocks;
        int kcUse = (int)Math.Min(kcMax, k);
        long mcUse = Math.Min(mcMax, RoundUp(m, mr));
        long ncUse = Math.Min(ncMax, RoundUp(n, nr));
        T* pa = GemmWorkspace.Get<T>(GemmWorkspace.PackedA, mcUse * kcUse);
        T* pb = packedB != null ? null : GemmWorkspace.Get<T>(GemmWorkspace.PackedB, ncUse * kcUse);
        T* tile = stackalloc T[mr * nr];
        // With one or two row tiles a packed B panel would be read once or twice, and small operands stay in cache
        // anyway: copying them would cost as much as the arithmetic, so a row-major B and a column-major A of the
        // compute type are read in place (partial edge panels still pack).
        bool small = (m * k + k * n) * sizeof(T) <= SmallBytes;
        bool inPlaceB = packedB == null && b.LanesContiguous<T>() && (m <= 2 * mr || small);
        bool inPlaceA = a.LanesContiguous<T>() && small;
        for (long jc = 0; jc < n; jc += ncMax)
        {
            int nc = (int)Math.Min(ncMax, n - jc);
            for (long pc = 0; pc < k; pc += kcMax)
            {
                int kc = (int)Math.Min(kcMax, k - pc);
                var betaK = pc == 0 ? beta : T.One;
                if (packedB != null) pb = packedB + jc * k + pc * RoundUp(nc, nr);
                else if (!inPlaceB) b.Pack(jc, nc, pc, kc, nr, pb);
                for (long ic = 0; ic < m; ic += mcMax)
                {
                    int mc = (int)Math.Min(mcMax, m - ic);
                    if (!inPlaceA) a.Pack(ic, mc, pc, kc, mr, pa);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nt = Math.Min(nr, nc - jr);
                        T* bp = pb + (long)jr * kc;
                        long ldb = nr;
                        if (inPlaceB && nt == nr)
                        {
                            bp = b.At<T>(jc + jr, pc);
                            ldb = b.StepStride;
                        }
                        else if (inPlaceB)
                        {
                            bp = pb;
                            b.Pack(jc + jr, nt, pc, kc, nr, pb);
                        }
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int mt = Math.Min(mr, mc - ir);
                            T* ap = pa + (long)ir * kc;
                            long lda = mr;
                            if (inPlaceA && mt == mr)
                            {
                                ap = a.At<T>(ic + ir, pc);
                                lda = a.StepStride;
                            }
                            else if (inPlaceA)
                            {
                                ap = pa;
                                a.Pack(ic + ir, mt, pc, kc, mr, pa);
                            }
                            T* cp = c + (ic + ir) * crs + (jc + jr) * ccs;
                            if (nt == nr && ccs == 1)
                                TK.Run(kc, ap, lda, bp, ldb, cp, crs, alpha, betaK, mt, nr);
                            else
                            {
                                TK.Run(kc, ap, lda, bp, ldb, tile, nr, T.One, T.Zero, mt, nt);
                                Scatter(tile, nr, mt, nt, cp, crs, ccs, alpha, betaK);
                            }
                        }
                    }
                    if (typeof(TE) != typeof(NoEpilogue) && jc + nc >= n && pc + kc >= k) epilogue.Done(row0 + ic, row0 + ic + mc);
                }
            }
        }
    }

    // A scratch tile into C: whole vectors where C's columns are contiguous (a last panel of 16 columns, as ResNet's
    // 784-position planes leave, is one vector a row), the rest one element at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scatter<T>(T* tile, int ldt, int mt, int nt, T* c, long crs, long ccs, T alpha, T beta)
        where T : unmanaged, INumber<T>
    {
        int lanes = ccs == 1 && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported ? Vector512<T>.Count : nt + 1;
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        for (int i = 0; i < mt; i++)
        {
            T* ci = c + i * crs, ti = tile + i * ldt;
            int j = 0;
            for (; j + lanes <= nt; j += lanes)
            {
                var v = va * Vector512.Load(ti + j);
                Vector512.Store(beta == T.Zero ? v : v + vb * Vector512.Load(ci + j), ci + j);
            }
            for (; j < nt; j++)
            {
                var v = alpha * ti[j];
                ci[j * ccs] = beta == T.Zero ? v : v + beta * ci[j * ccs];
            }
        }
    }

    // C = beta * C (the product of an empty K); beta == 0 writes zeros without reading C.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scale<TS, T>(TS* c, long crs, long ccs, long m, long n, T beta)
        where TS : unmanaged where T : unmanaged, INumber<T>
    {
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++)
            {
                TS* ci = c + i * crs + j * ccs;
                *ci = beta == T.Zero ? default : Cvt.To<T, TS>(beta * Cvt.To<TS, T>(*ci));
            }
    }
}
