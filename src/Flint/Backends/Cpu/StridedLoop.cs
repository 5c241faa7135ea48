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
/// outer dims and hands the innermost one to the kernel. Large loops are split over threads by element range.
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
