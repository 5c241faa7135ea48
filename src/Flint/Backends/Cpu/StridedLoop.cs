using System.Buffers;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// The inner loop of an elementwise kernel: <c>n</c> elements starting at <c>p[k]</c>, operand k advancing
/// <c>s[k]</c> bytes per element. Operand 0 is the output. Implemented by structs so that the JIT specialises the
/// strided driver for each kernel.
/// </summary>
internal unsafe interface IRowKernel
{
    void Run(byte** p, long* s, long n);
}

/// <summary>
/// Drives a row kernel over tensors of one shape with arbitrary strides (0 for broadcast dims): drops size-1
/// dims, orders dims by the output's strides, merges dims that are contiguous for every operand, then walks the
/// outer dims and hands the innermost one to the kernel. Large loops are split over threads by element range; a loop
/// with an input read across the output's rows (a transpose) goes by tiles instead (<see cref="LoopPlan.Transposing"/>).
/// </summary>
internal static unsafe class StridedLoop
{
    /// <summary>Runs <paramref name="row"/> over operands (output first) that all have the shape of operand 0.</summary>
    public static void Run<TRow>(TRow row, ReadOnlySpan<Tensor> ops, long grain = 0)
        where TRow : struct, IRowKernel
    {
        if (AllContiguous(ops))
        {
            RunFlat(row, ops, grain);
            return;
        }
        var plan = new LoopPlan(ops);
        if (plan.Numel == 0) return;
        var threads = Parallelism.ThreadsFor(plan.Numel, grain);
        if (plan.Transposing)
        {
            long tiles = plan.Tiles;
            threads = (int)Math.Min(threads, tiles);
            if (threads <= 1) plan.RunTiles(ref row, 0, tiles);
            else
                Parallelism.For(threads, (t, count) =>
                {
                    var r = row;
                    plan.RunTiles(ref r, tiles * t / count, tiles * (t + 1) / count);
                });
            GC.KeepAlive(plan);
            return;
        }
        if (threads <= 1) plan.RunRange(ref row, 0, plan.Numel);
        else
            Parallelism.For(threads, (t, count) =>
            {
                var r = row;
                long begin = plan.Numel * t / count, end = plan.Numel * (t + 1) / count;
                plan.RunRange(ref r, begin, end);
            });
        GC.KeepAlive(plan);
    }

    private static bool AllContiguous(ReadOnlySpan<Tensor> ops)
    {
        foreach (var t in ops)
            if (!t.IsContiguous()) return false;
        return true;
    }

    // The common case (same-shape contiguous operands): one flat row, no plan to build.
    private static void RunFlat<TRow>(TRow row, ReadOnlySpan<Tensor> ops, long grain) where TRow : struct, IRowKernel
    {
        long n = ops[0].Numel();
        if (n == 0) return;
        int nops = ops.Length;
        var threads = Parallelism.ThreadsFor(n, grain);
        if (threads <= 1)
        {
            byte** p = stackalloc byte*[nops];
            long* s = stackalloc long[nops];
            for (int k = 0; k < nops; k++)
            {
                p[k] = ops[k].Ptr;
                s[k] = ops[k].dtype.ElementSize();
            }
            row.Run(p, s, n);
            foreach (var t in ops) GC.KeepAlive(t);
            return;
        }
        var tensors = ops.ToArray();
        Parallelism.For(threads, (t, count) =>
        {
            long begin = n * t / count, end = n * (t + 1) / count;
            byte** p = stackalloc byte*[nops];
            long* s = stackalloc long[nops];
            for (int k = 0; k < nops; k++)
            {
                s[k] = tensors[k].dtype.ElementSize();
                p[k] = tensors[k].Ptr + begin * s[k];
            }
            var r = row;
            r.Run(p, s, end - begin);
        });
        GC.KeepAlive(tensors);
    }
}

/// <summary>
/// The loop structure of one elementwise pass: merged dims (innermost first) with per-operand byte strides.
/// Dims are ordered by the strides of operand <c>orderBy</c>: the output for maps, the input for reductions (so
/// that the innermost loop walks the input's memory in order).
/// </summary>
internal sealed unsafe class LoopPlan
{
    private readonly int nops;
    private readonly int ndim;
    private readonly long[] sizes;       // innermost first
    private readonly long[] byteStrides; // [op * ndim + d]
    private readonly nint[] bases;
    // The storages behind the raw base pointers: kept reachable for as long as the plan is (see GC.KeepAlive calls).
    private readonly Storage[] storages;
    public readonly long Numel;

    public LoopPlan(ReadOnlySpan<Tensor> ops, int orderBy = 0)
    {
        nops = ops.Length;
        var shape = ops[0].shape;
        Numel = Shapes.Numel(shape);
        bases = new nint[nops];
        storages = new Storage[nops];
        for (int k = 0; k < nops; k++)
        {
            bases[k] = (nint)ops[k].Ptr;
            storages[k] = ops[k].storage;
        }

        // Keep non-trivial dims, outermost first, ordered by the output's stride (stable).
        var dims = new List<int>(shape.Length);
        for (int d = 0; d < shape.Length; d++)
            if (shape[d] != 1) dims.Add(d);
                    for (int i = 1; i < dims.Count; i++)
        {
            var d = dims[i];
            int j = i - 1;
            while (j >= 0 && Math.Abs(ops[orderBy].strides[dims[j]]) < Math.Abs(ops[orderBy].strides[d])) { dims[j + 1] = dims[j]; j--; }
            dims[j + 1] = d;
        }

        var mSizes = new List<long>();
        var mStrides = new List<long[]>();
        foreach (var d in dims)
        {
            var st = new long[nops];
            for (int k = 0; k < nops; k++) st[k] = ops[k].strides[d];
            if (mSizes.Count > 0)
            {
                var prev = mStrides[^1];
                bool merge = true;
                for (int k = 0; k < nops && merge; k++) merge = prev[k] == st[k] * shape[d];
                if (merge)
                {
                    mSizes[^1] *= shape[d];
                    mStrides[^1] = st;
                    continue;
                }
            }
            mSizes.Add(shape[d]);
            mStrides.Add(st);
        }
        if (mSizes.Count == 0) { mSizes.Add(1); mStrides.Add(new long[nops]); }

        ndim = mSizes.Count;
        sizes = new long[ndim];
        byteStrides = new long[nops * ndim];
        for (int d = 0; d < ndim; d++)
        {
            var src = ndim - 1 - d; // reverse: innermost first
            sizes[d] = mSizes[src];
            for (int k = 0; k < nops; k++)
                byteStrides[k * ndim + d] = mStrides[src][k] * ops[k].dtype.ElementSize();
        }
        if (ndim >= 2 && sizes[0] >= 16 && sizes[1] >= 16)
        {
            across = new bool[nops];
            elementSizes = new int[nops];
            for (int k = 1; k < nops; k++)
            {
                long step = Math.Abs(byteStrides[k * ndim]), next = Math.Abs(byteStrides[k * ndim + 1]);
                elementSizes[k] = ops[k].dtype.ElementSize();
                across[k] = step >= 64 && next < step && next != 0;
                Transposing |= across[k];
            }
        }
    }

    // Tiles of the two inner dims when an input runs across the output's rows (see Transposing): TileRows rows of
    // TileBytes of the widest such input's elements. Each such input's part of a tile is first copied into a scratch
    // tile laid out as the output, reading its memory in order; the row kernel then runs on rows of the scratch. Over
    // 4096 x 4096 floats, 64 rows of 256 measured best (x.T().contiguous() 7.5 ms; 64 x 64 9.4, 32 x 64 12.3).
    private const int TileRows = 64, TileBytes = 1024;

    /// <summary>
    /// Whether an input steps a cache line or more along the output's inner dim and less along the next (a transposed
    /// read, as <c>x.T().contiguous()</c>): walked along the output's rows, each of its lines would be loaded once per
    /// element and, at a power-of-two stride, evicted before the next row used its neighbour (4096 x 4096: 58 ms, against
    /// 1.8 for a copy in order).
    /// </summary>
    public readonly bool Transposing;

    // Per operand: whether it is read through a scratch tile, and its element size.
    private readonly bool[] across = [];
    private readonly int[] elementSizes = [];

    /// <summary>Tiles for <see cref="RunTiles{TRow}"/>: blocks of TileRows rows of the second dim, times the outer dims.</summary>
    public long Tiles => Numel / (sizes[0] * sizes[1]) * ((sizes[1] + TileRows - 1) / TileRows);

    /// <summary>Runs tiles [first, last): for each, its block of rows in strips of a scratch tile's width.</summary>
    public void RunTiles<TRow>(ref TRow row, long first, long last) where TRow : struct, IRowKernel
    {
        byte** p = stackalloc byte*[nops];
        byte** q = stackalloc byte*[nops];
        long* inner = stackalloc long[nops];
        byte** scratch = stackalloc byte*[nops];
        int widest = 1, count = 0;
        for (int k = 0; k < nops; k++)
            if (across[k])
            {
                widest = Math.Max(widest, elementSizes[k]);
                count++;
            }
        int columns = TileBytes / widest, tile = TileRows * TileBytes;
        var space = ArrayPool<byte>.Shared.Rent(count * tile);
        fixed (byte* sp = space)
        {
            for (int k = 0, a = 0; k < nops; k++)
            {
                scratch[k] = across[k] ? sp + a++ * tile : null;
                inner[k] = across[k] ? elementSizes[k] : byteStrides[k * ndim];
            }
            long blocks = (sizes[1] + TileRows - 1) / TileRows;
            for (long t = first; t < last; t++)
            {
                long rem = t / blocks, j0 = t % blocks * TileRows;
                int rows = (int)Math.Min(TileRows, sizes[1] - j0);
                for (int k = 0; k < nops; k++) q[k] = (byte*)bases[k] + j0 * byteStrides[k * ndim + 1];
                for (int d = 2; d < ndim; d++)
                {
                    long i = rem % sizes[d];
                    rem /= sizes[d];
                    for (int k = 0; k < nops; k++) q[k] += i * byteStrides[k * ndim + d];
                }
                for (long c = 0; c < sizes[0]; c += columns)
                {
                    int n = (int)Math.Min(columns, sizes[0] - c);
                    for (int k = 1; k < nops; k++)
                        if (across[k])
                            Gather(q[k] + c * byteStrides[k * ndim], byteStrides[k * ndim], byteStrides[k * ndim + 1], elementSizes[k], rows, n,
                                scratch[k], columns);
                    for (int j = 0; j < rows; j++)
                    {
                        for (int k = 0; k < nops; k++)
                            p[k] = across[k] ? scratch[k] + j * columns * elementSizes[k] : q[k] + j * byteStrides[k * ndim + 1] + c * inner[k];
                        row.Run(p, inner, n);
                    }
                }
            }
        }
        ArrayPool<byte>.Shared.Return(space);
    }

    // An operand's part of a tile into scratch rows of `columns` elements: element (j, i) of the tile from src + i·si +
    // j·sj, read along j (the operand's short stride) for each i, the next rows prefetched (the hardware prefetchers do
    // not follow a column of short runs). Floats contiguous along j go by 8 x 8 register transposes.
    private static void Gather(byte* src, long si, long sj, int size, int rows, int n, byte* dst, int columns)
    {
        if (size == 4 && sj == 4 && si % 4 == 0 && rows % 8 == 0 && n % 8 == 0 && Avx.IsSupported)
        {
            for (int i = 0; i < n; i += 8)
            {
                for (int r = 0; r < 8; r++)
                    for (int b = 0; b < rows * 4; b += 64) Sse.Prefetch0(src + (i + 8 + r) * si + b);
                for (int j = 0; j < rows; j += 8)
                    LaneWeightKernels<float>.Transpose8x8((float*)(src + i * si) + j, si / 4, (float*)dst + j * columns + i, columns);
            }
            return;
        }
        switch (size)
        {
            case 4: Gather<uint>(src, si, sj, rows, n, (uint*)dst, columns); break;
            case 8: Gather<ulong>(src, si, sj, rows, n, (ulong*)dst, columns); break;
            case 2: Gather<ushort>(src, si, sj, rows, n, (ushort*)dst, columns); break;
            default: Gather<byte>(src, si, sj, rows, n, dst, columns); break;
        }
    }

    private static void Gather<T>(byte* src, long si, long sj, int rows, int n, T* dst, int columns) where T : unmanaged
    {
        for (int i = 0; i < n; i++)
        {
            byte* s = src + i * si;
            if (Sse.IsSupported)
                for (long b = 0; b < rows * sj; b += 64) Sse.Prefetch0(s + 8 * si + b);
            for (int j = 0; j < rows; j++) dst[j * columns + i] = *(T*)(s + j * sj);
        }
    }

    /// <summary>Runs elements [begin, end); <paramref name="output"/> replaces operand 0's base address when given.</summary>
    public void RunRange<TRow>(ref TRow row, long begin, long end, byte* output = null) where TRow : struct, IRowKernel
    {
        if (begin >= end) return;
        long* idx = stackalloc long[ndim];
        byte** p = stackalloc byte*[nops];
        long* inner = stackalloc long[nops];
        long rem = begin;
        for (int d = 0; d < ndim; d++) { idx[d] = rem % sizes[d]; rem /= sizes[d]; }
        for (int k = 0; k < nops; k++)
        {
            var q = k == 0 && output != null ? output : (byte*)bases[k];
            for (int d = 0; d < ndim; d++) q += idx[d] * byteStrides[k * ndim + d];
            p[k] = q;
            inner[k] = byteStrides[k * ndim];
        }
        long cur = begin, size0 = sizes[0];
        while (cur < end)
        {
            long n = Math.Min(size0 - idx[0], end - cur);
            row.Run(p, inner, n);
            cur += n;
            idx[0] += n;
            for (int k = 0; k < nops; k++) p[k] += n * inner[k];
            if (idx[0] < size0 || cur >= end) continue;
            // Carry into the outer dims.
            for (int k = 0; k < nops; k++) p[k] -= size0 * inner[k];
            idx[0] = 0;
            for (int d = 1; d < ndim; d++)
            {
                idx[d]++;
                for (int k = 0; k < nops; k++) p[k] += byteStrides[k * ndim + d];
                if (idx[d] < sizes[d]) break;
                for (int k = 0; k < nops; k++) p[k] -= sizes[d] * byteStrides[k * ndim + d];
                idx[d] = 0;
            }
        }
    }
}
