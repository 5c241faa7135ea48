using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Flint.Kernels;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Reduce<TOp>(TOp op, Tensor x, Tensor output) where TOp : struct, IReduceKernel
    {
        var v = new ReduceVisitor<TOp>(op, x, output);
        Dispatch.On(x.dtype, ref v);
    }

    // The storage type of x is chosen by Dispatch, the accumulator type by the output's dtype.
    private readonly struct ReduceVisitor<TOp>(TOp op, Tensor x, Tensor output) : ITypeVisitor where TOp : struct, IReduceKernel
    {
        public void Visit<TS>() where TS : unmanaged
        {
            switch (output.dtype)
            {
                case DType.Float32: ReduceImpl<TOp, TS, float>(op, x, output); break;
                case DType.Float64: ReduceImpl<TOp, TS, double>(op, x, output); break;
                case DType.Int64: ReduceImpl<TOp, TS, long>(op, x, output); break;
                case DType.Int32: ReduceImpl<TOp, TS, int>(op, x, output); break;
                case DType.Int16: ReduceImpl<TOp, TS, short>(op, x, output); break;
                case DType.Int8: ReduceImpl<TOp, TS, sbyte>(op, x, output); break;
                case DType.UInt8: ReduceImpl<TOp, TS, byte>(op, x, output); break;
                default: throw new InvalidOperationException($"a reduction cannot accumulate in {output.dtype.TorchName()}");
            }
        }
    }

    // output has x's rank with size 1 on reduced dims and the accumulator type; it is viewed with stride 0 there so the
    // reduction becomes an elementwise pass that combines into the output. Threads get private partial outputs
    // when the output is small next to the input; otherwise the pass runs on one thread.
    private static unsafe void ReduceImpl<TOp, TS, TC>(TOp op, Tensor x, Tensor output)
        where TOp : struct, IReduceKernel where TS : unmanaged where TC : unmanaged, INumber<TC>
    {
        var outView = new Tensor(output.storage, (long[])x.shape.Clone(),
            Shapes.ExpandStrides(output.shape, output.strides, x.shape), output.offset, output.dtype);
        var identity = op.Identity<TC>();
        long outN = output.Numel();
        var span = new Span<TC>(output.Ptr, checked((int)outN));
        span.Fill(identity);
        if (x.Numel() == 0) return;
        if (x.IsContiguous() && output.IsContiguous() && ReducedBlock(output.shape, x.shape) is var (outer, rows, inner)
            && (inner > 1 || ReduceSimd.Serves<TOp, TS, TC>()))
        {
            if (inner > 1) AccumulateRows<TOp, TS, TC>(op, (TS*)x.Ptr, (TC*)output.Ptr, outer, rows, inner);
            else ReduceLastRows<TOp, TS, TC>(op, (TS*)x.Ptr, (TC*)output.Ptr, outer, rows);
            GC.KeepAlive(x);
            GC.KeepAlive(output);
            return;
        }
        var plan = new LoopPlan([outView, x], orderBy: 1);
        var row = new ReduceRow<TOp, TS, TC> { Op = op };
        var threads = Parallelism.ThreadsFor(plan.Numel);
        if (threads <= 1 || outN * threads * 8 > plan.Numel || !output.IsContiguous())
        {
            plan.RunRange(ref row, 0, plan.Numel);
            GC.KeepAlive(plan);
            return;
        }
        var partials = new TC[threads][];
        Parallelism.For(threads, (t, count) =>
        {
            var part = GC.AllocateUninitializedArray<TC>((int)outN, pinned: true);
            part.AsSpan().Fill(identity);
            var r = row;
            fixed (TC* pp = part)
                plan.RunRange(ref r, plan.Numel * t / count, plan.Numel * (t + 1) / count, (byte*)pp);
            partials[t] = part;
        });
        foreach (var part in partials) op.Merge<TC>(span, part);
        GC.KeepAlive(plan);
    }

    // When the reduced dims of a contiguous input form one block, x is [outer, rows, inner] and the output [outer, inner]:
    // the (outer, rows, inner) sizes, else null.
    private static (long, long, long)? ReducedBlock(long[] outShape, long[] inShape)
    {
        int first = -1, last = -1;
        for (int d = 0; d < inShape.Length; d++)
        {
            if (outShape[d] == inShape[d] || inShape[d] == 1) continue;
            if (first < 0) first = d;
            else if (last != d - 1) return null;
            last = d;
        }
        if (first < 0) return null;
        long outer = 1, rows = 1, inner = 1;
        for (int d = 0; d < inShape.Length; d++)
        {
            if (d < first) outer *= inShape[d];
            else if (d <= last) rows *= inShape[d];
            else inner *= inShape[d];
        }
        return (outer, rows, inner);
    }

    // Reduces each of the outer contiguous rows of x to one output value with the SIMD row kernels. Rows are split over
    // threads; fewer rows than threads (a full reduction) split each row into one segment per thread instead, whose
    // results are combined in order.
    private static unsafe void ReduceLastRows<TOp, TS, TC>(TOp op, TS* x, TC* output, long outer, long rows)
        where TOp : struct, IReduceKernel where TS : unmanaged where TC : unmanaged, INumber<TC>
    {
        int threads = Parallelism.ThreadsFor(outer * rows);
        bool batched = ReduceSimd.ServesRowSums<TOp, TS, TC>(rows);
        if (threads <= 1)
        {
            if (batched) ReduceSimd.RowSums<TOp, TS, TC>(x, rows, output, outer);
            else
                for (long a = 0; a < outer; a++) output[a] = ReduceSimd.Row<TOp, TS, TC>(x + a * rows, rows);
            return;
        }
        nint px = (nint)x, po = (nint)output;
        if (outer >= threads)
        {
            Parallelism.For(threads, (t, count) =>
            {
                long a0 = outer * t / count, a1 = outer * (t + 1) / count;
                if (batched) ReduceSimd.RowSums<TOp, TS, TC>((TS*)px + a0 * rows, rows, (TC*)po + a0, a1 - a0);
                else
                    for (long a = a0; a < a1; a++) ((TC*)po)[a] = ReduceSimd.Row<TOp, TS, TC>((TS*)px + a * rows, rows);
            });
            return;
        }
        var parts = new TC[threads];
        for (long a = 0; a < outer; a++)
        {
            var row = (TS*)px + a * rows;
            Parallelism.For(threads, (t, count) =>
            {
                long b = rows * t / count;
                parts[t] = ReduceSimd.Row<TOp, TS, TC>(row + b, rows * (t + 1) / count - b);
            });
            var r = parts[0];
            for (int t = 1; t < threads; t++) r = op.Combine(r, parts[t]);
            output[a] = r;
        }
    }

    // Reduces the rows of each [rows, inner] block into its output row, a column chunk at a time so that the
    // accumulator stays in L1 (32 KB of it); chunks are split over threads (no shared outputs), narrowed so that few
    // split evenly. Wide chunks matter: rows read in strips of a few KB, a jump apart, run at half the memory's speed
    // on hosts whose prefetchers lose such short streams. Sums of float32 or float64 into float64 take the SIMD column
    // kernel (four rows per accumulator update); other inputs of another type than the accumulator are converted a row
    // at a time (float32 into float64 widened per element, as PyTorch's accuracy needs no float32 partial sums).
    private static unsafe void AccumulateRows<TOp, TS, TC>(TOp op, TS* x, TC* output, long outer, long rows, long inner)
        where TOp : struct, IReduceKernel where TS : unmanaged where TC : unmanaged, INumber<TC>
    {
        int threads = Parallelism.ThreadsFor(outer * rows * inner);
        if (ReduceSimd.ServesColumns<TOp, TS, TC>() && outer == 1 && threads > 1 && inner <= 32768 / sizeof(TC) && rows >= 4 * threads)
        {
            SplitRows<TOp, TS>(x, (double*)output, rows, (int)inner, threads);
            return;
        }
        long chunk = Parallelism.ChunkWidth(outer, inner, 32768 / sizeof(TC), threads);
        long chunksPerRow = (inner + chunk - 1) / chunk, tasks = outer * chunksPerRow;
        nint px = (nint)x, po = (nint)output;
        threads = (int)Math.Min(threads, tasks);
        Parallelism.For(threads, (t, count) =>
        {
            TC[]? conv = null;
            for (long task = tasks * t / count; task < tasks * (t + 1) / count; task++)
            {
                long a = task / chunksPerRow, c0 = task % chunksPerRow * chunk;
                int m = (int)Math.Min(chunk, inner - c0);
                var o = new Span<TC>((TC*)po + a * inner + c0, m);
                o.Fill(op.Identity<TC>());
                var src = (TS*)px + a * rows * inner + c0;
                if (ReduceSimd.ServesColumns<TOp, TS, TC>())
                    ReduceSimd.Columns<TOp, TS>((double*)((TC*)po + a * inner + c0), src, inner, rows, m);
                else if (typeof(TS) == typeof(TC))
                {
                    for (long r = 0; r < rows; r++) op.Accumulate(o, new ReadOnlySpan<TC>(src + r * inner, m));
                }
                else
                {
                    conv ??= new TC[chunk];
                    var cs = conv.AsSpan(0, m);
                    for (long r = 0; r < rows; r++)
                    {
                        var row = src + r * inner;
                        if (typeof(TS) == typeof(float) && typeof(TC) == typeof(double))
                            TensorPrimitives.ConvertChecked<float, double>(new ReadOnlySpan<float>(row, m), MemoryMarshal.Cast<TC, double>(cs));
                        else
                            for (int i = 0; i < m; i++) conv[i] = Cvt.To<TS, TC>(row[i]);
                        op.Accumulate(o, cs);
                    }
                }
            }
        });
    }

    // One block of rows no wider than an accumulator row: the threads split its rows, each summing whole rows (read as
    // one sequential stream each) into its own row of float64 partial sums, added into the output after the join. Split
    // by columns, each thread read every row in strips of half its width a row apart: sum over dim 0 of 4096 x 4096 ran
    // at half the speed of the sum over dim 1.
    private static unsafe void SplitRows<TOp, TS>(TS* x, double* output, long rows, int inner, int threads)
        where TOp : struct, IReduceKernel where TS : unmanaged
    {
        var partials = ArrayPool<double>.Shared.Rent((threads - 1) * inner);
        nint px = (nint)x, po = (nint)output;
        fixed (double* pp = partials)
        {
            nint ppart = (nint)pp;
            Parallelism.For(threads, (t, count) =>
            {
                long r0 = rows * t / count, r1 = rows * (t + 1) / count;
                double* acc = t == 0 ? (double*)po : (double*)ppart + (t - 1) * inner;
                if (t > 0) new Span<double>(acc, inner).Clear();
                ReduceSimd.Columns<TOp, TS>(acc, (TS*)px + r0 * inner, inner, r1 - r0, inner);
            });
            for (int t = 1; t < threads; t++)
                TensorPrimitives.Add(new ReadOnlySpan<double>(output, inner), new ReadOnlySpan<double>(pp + (t - 1) * inner, inner), new Span<double>(output, inner));
        }
        ArrayPool<double>.Shared.Return(partials);
    }
}

/// <summary>
/// Combines a row of input into the output: along a reduced dim (output stride 0) it reduces the row to one value;
/// along a kept dim it accumulates the row into the output row. Contiguous rows the SIMD row kernels serve go to
/// them; other rows are read (converted to the accumulator type per element) a chunk at a time.
/// </summary>
internal unsafe struct ReduceRow<TOp, TS, TC> : IRowKernel
    where TOp : struct, IReduceKernel where TS : unmanaged where TC : unmanaged, INumber<TC>
{
    public TOp Op;

    [SkipLocalsInit]
    public void Run(byte** p, long* s, long n)
    {
        TC* bx = stackalloc TC[Rows.Chunk];
        if (s[0] == 0)
        {
            var acc = Op.Identity<TC>();
            if (ReduceSimd.Serves<TOp, TS, TC>() && s[1] == sizeof(TS)) acc = ReduceSimd.Row<TOp, TS, TC>((TS*)p[1], n);
            else if (Rows.IsDirect<TS, TC>(s[1]))
            {
                for (long i = 0; i < n; i += int.MaxValue)
                    acc = Op.Combine(acc, Op.Reduce(new ReadOnlySpan<TC>(p[1] + i * sizeof(TC), (int)Math.Min(int.MaxValue, n - i))));
            }
            else
            {
                for (long i = 0; i < n; i += Rows.Chunk)
                {
                    int m = (int)Math.Min(Rows.Chunk, n - i);
                    acc = Op.Combine(acc, Op.Reduce(Read(p[1] + i * s[1], s[1], m, bx)));
                }
            }
            *(TC*)p[0] = Op.Combine(*(TC*)p[0], acc);
            return;
        }
        TC* bo = stackalloc TC[Rows.Chunk];
        bool direct = s[0] == sizeof(TC);
        for (long i = 0; i < n; i += Rows.Chunk)
        {
            int m = (int)Math.Min(Rows.Chunk, n - i);
            var x = Read(p[1] + i * s[1], s[1], m, bx);
            Span<TC> o;
            if (direct) o = new Span<TC>(p[0] + i * s[0], m);
            else
            {
                o = new Span<TC>(bo, m);
                for (int k = 0; k < m; k++) bo[k] = *(TC*)(p[0] + (i + k) * s[0]);
            }
            Op.Accumulate(o, x);
            if (!direct) Rows.Write<TC, TC>(bo, p[0] + i * s[0], s[0], m);
        }
    }

    // Rows.Read, with a vectorised widening for contiguous float32 into float64.
    private static ReadOnlySpan<TC> Read(byte* p, long stride, int m, TC* buf)
    {
        if (typeof(TS) == typeof(float) && typeof(TC) == typeof(double) && stride == sizeof(float))
        {
            TensorPrimitives.ConvertChecked<float, double>(new ReadOnlySpan<float>(p, m), new Span<double>(buf, m));
            return new ReadOnlySpan<TC>(buf, m);
        }
        return Rows.Read<TS, TC>(p, stride, m, buf);
    }
}
