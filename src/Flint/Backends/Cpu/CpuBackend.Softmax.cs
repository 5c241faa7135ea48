using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Flint.Kernels;

namespace Flint.Backends.Cpu;

/// <summary>
/// Softmax and log_softmax as PyTorch's vectorised CPU kernels compute them. Along the last dim each row is one fused
/// pass (maximum, exp and sum, scale); along another dim the [size, inner] block of each outer index is swept by
/// column chunks that stay in L1. Work is split over rows or column chunks; no thread shares an output.
/// </summary>
internal sealed partial class CpuBackend
{
    private const int SoftmaxColumns = 256;

    private static (long Outer, long Size, long Inner) SoftmaxGeometry(long[] shape, int dim)
    {
        long outer = 1, inner = 1;
        for (int d = 0; d < dim; d++) outer *= shape[d];
        for (int d = dim + 1; d < shape.Length; d++) inner *= shape[d];
        return (outer, shape.Length == 0 ? 1 : shape[dim], inner);
    }

    public unsafe void Softmax(Tensor x, Tensor y, int dim, bool log)
    {
        var (outer, size, inner) = SoftmaxGeometry(x.shape, dim);
        if (x.Numel() == 0) return;
        if (x.dtype == DType.Float32) SoftmaxForward((float*)x.Ptr, (float*)y.Ptr, outer, size, inner, log);
        else SoftmaxForward((double*)x.Ptr, (double*)y.Ptr, outer, size, inner, log);
        GC.KeepAlive(x);
        GC.KeepAlive(y);
    }

    public unsafe void SoftmaxBackward(Tensor grad, Tensor output, Tensor gradInput, int dim, bool log)
    {
        var (outer, size, inner) = SoftmaxGeometry(output.shape, dim);
        if (output.Numel() == 0) return;
        if (output.dtype == DType.Float32)
            SoftmaxGrad((float*)grad.Ptr, (float*)output.Ptr, (float*)gradInput.Ptr, outer, size, inner, log);
        else
            SoftmaxGrad((double*)grad.Ptr, (double*)output.Ptr, (double*)gradInput.Ptr, outer, size, inner, log);
        GC.KeepAlive(grad);
        GC.KeepAlive(output);
        GC.KeepAlive(gradInput);
    }

    // Columns per chunk of the float backward over a non-last dim: its two passes read each row's chunk as one strip,
    // and strips of 1 KB (SoftmaxColumns) ran at a fraction of the memory's speed (see AccumulateRows). The forward
    // keeps SoftmaxColumns: its exponentials bound it (a 2048-column chunk measured no different over 21 classes).
    private const int SoftmaxGradColumns = 2048;

    private static long SoftmaxTasks(long outer, long inner, int columns = SoftmaxColumns) =>
        outer * (inner == 1 ? 1 : (inner + columns - 1) / columns);

    private static int SoftmaxThreads(long outer, long size, long inner, int columns = SoftmaxColumns) =>
        (int)Math.Min(Parallelism.ThreadsFor(outer * size * inner, 1 << 14), SoftmaxTasks(outer, inner, columns));

    // Tasks: rows when inner == 1, else (outer index, chunk of `columns` columns) pairs.
    private static void ForSoftmaxTasks(long outer, long size, long inner, Action<long, long> body, int columns = SoftmaxColumns)
    {
        long chunks = inner == 1 ? 1 : (inner + columns - 1) / columns, tasks = outer * chunks;
        Parallelism.For(SoftmaxThreads(outer, size, inner, columns), (t, count) =>
        {
            for (long task = tasks * t / count; task < tasks * (t + 1) / count; task++) body(task / chunks, task % chunks * columns);
        });
    }

    private static unsafe void SoftmaxForward<T>(T* x, T* y, long outer, long size, long inner, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated)
        {
            SoftmaxFloat<FloatLanes512, Vector512<float>>((float*)x, (float*)y, outer, size, inner, log);
            return;
        }
        if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated)
        {
            SoftmaxFloat<FloatLanes256, Vector256<float>>((float*)x, (float*)y, outer, size, inner, log);
            return;
        }
        nint px = (nint)x, py = (nint)y;
        int n = checked((int)size);
        if (inner == 1)
        {
            ForSoftmaxTasks(outer, size, inner, (row, _) =>
            {
                var xs = new ReadOnlySpan<T>((T*)px + row * size, n);
                var ys = new Span<T>((T*)py + row * size, n);
                var max = TensorPrimitives.Max(xs);
                TensorPrimitives.Subtract(xs, max, ys);
                if (log)
                {
                    Span<T> tmp = stackalloc T[SoftmaxColumns];
                    var sum = T.Zero;
                    for (int i = 0; i < n; i += SoftmaxColumns)
                    {
                        var part = tmp[..Math.Min(SoftmaxColumns, n - i)];
                        VectorMath.Exp(ys.Slice(i, part.Length), part);
                        sum += TensorPrimitives.Sum<T>(part);
                    }
                    TensorPrimitives.Subtract(ys, T.Log(sum), ys);
                }
                else
                {
                    VectorMath.Exp(ys, ys);
                    TensorPrimitives.Multiply(ys, T.One / TensorPrimitives.Sum<T>(ys), ys);
                }
            });
            return;
        }
        ForSoftmaxTasks(outer, size, inner, (o, c0) =>
            SoftmaxColumnsOf((T*)px + o * size * inner + c0, (T*)py + o * size * inner + c0, size, inner,
                (int)Math.Min(SoftmaxColumns, inner - c0), log));
    }

    // A chunk of w columns of every row along the softmax dim, a row of the chunk at a time.
    private static unsafe void SoftmaxColumnsOf<T>(T* bx, T* by, long size, long inner, int w, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> max = stackalloc T[w], sum = stackalloc T[w], tmp = stackalloc T[w];
        new ReadOnlySpan<T>(bx, w).CopyTo(max);
        for (long r = 1; r < size; r++) TensorPrimitives.Max(max, new ReadOnlySpan<T>(bx + r * inner, w), max);
        sum.Clear();
        for (long r = 0; r < size; r++)
        {
            var xs = new ReadOnlySpan<T>(bx + r * inner, w);
            var ys = new Span<T>(by + r * inner, w);
            TensorPrimitives.Subtract(xs, max, ys);
            if (log)
            {
                VectorMath.Exp(ys, tmp);
                TensorPrimitives.Add(sum, tmp, sum);
            }
            else
            {
                VectorMath.Exp(ys, ys);
                TensorPrimitives.Add(sum, ys, sum);
            }
        }
        if (log) VectorMath.Log(sum, sum);
        for (long r = 0; r < size; r++)
        {
            var ys = new Span<T>(by + r * inner, w);
            if (log) TensorPrimitives.Subtract(ys, sum, ys);
            else TensorPrimitives.Divide(ys, sum, ys);
        }
    }

    // Rows of at most this many floats are streamed through two stack scratch rows (softmax stores exp(x - max)
    // there, not in y, so that y's lines are written once, past the caches): 128 KB at most.
    private const int SoftmaxScratchRow = 16 << 10;

    private static unsafe void SoftmaxFloat<TL, TV>(float* x, float* y, long outer, long size, long inner, bool log)
        where TL : IFloatLanes<TV> where TV : struct
    {
        nint px = (nint)x, py = (nint)y;
        bool stream = MathLoops.Streams(outer * size * inner * sizeof(float), SoftmaxThreads(outer, size, inner));
        if (inner == 1)
        {
            int n = checked((int)size);
            stream &= log || n <= SoftmaxScratchRow;
            // Streamed rows that are whole pairs of vectors (so every row of y is aligned) run pipelined.
            if (stream && n % (2 * TL.Count) == 0 && py % 64 == 0)
            {
                Parallelism.For(SoftmaxThreads(outer, size, inner), (t, count) =>
                    SoftmaxRowsPipelined<TL, TV>((float*)px, (float*)py, outer * t / count, outer * (t + 1) / count, n, log));
                return;
            }
            ForSoftmaxTasks(outer, size, inner, (row, _) => SoftmaxRow<TL, TV>((float*)px + row * size, (float*)py + row * size, n, log));
            return;
        }
        // Streaming needs every row of a chunk aligned to the vector.
        stream &= inner % TL.Count == 0 && py % (TL.Count * sizeof(float)) == 0;
        if (inner % (2 * TL.Count) == 0 && size * SoftmaxColumns * sizeof(float) <= SoftmaxPipelineBytes)
        {
            long tasks = SoftmaxTasks(outer, inner);
            Parallelism.For(SoftmaxThreads(outer, size, inner), (t, count) =>
                SoftmaxChunksPipelined<TL, TV>((float*)px, (float*)py, tasks * t / count, tasks * (t + 1) / count, size, inner, log, stream));
            return;
        }
        ForSoftmaxTasks(outer, size, inner, (o, c0) =>
        {
            int w = (int)Math.Min(SoftmaxColumns, inner - c0), wv = w / TL.Count * TL.Count;
            float* bx = (float*)px + o * size * inner + c0, by = (float*)py + o * size * inner + c0;
            if (wv > 0) SoftmaxColumnsOf<TL, TV>(bx, by, size, inner, wv, log, stream);
            if (wv < w) SoftmaxColumnsOf(bx + wv, by + wv, size, inner, w - wv, log);
        });
    }

    // One float32 row in three passes, its stores cached: the maximum, exp(x - max) summed as it is stored in y
    // (softmax) or only summed (log_softmax), then the scale by 1/sum or the shift by max + log(sum).
    [SkipLocalsInit]
    private static unsafe void SoftmaxRow<TL, TV>(float* x, float* y, int n, bool log)
        where TL : IFloatLanes<TV> where TV : struct
    {
        float max = ReduceSimd.Serves<MaxKernel, float, float>() ? ReduceSimd.Row<MaxKernel, float, float>(x, n)
            : TensorPrimitives.Max(new ReadOnlySpan<float>(x, n));
        var m = TL.Splat(max);
        TV s0 = TL.Splat(0f), s1 = s0;
        int step = TL.Count, i = 0;
        for (; i + 2 * step <= n; i += 2 * step)
        {
            // The exponentials are compute-bound: meanwhile the next row comes into L2 for the next maximum.
            if (Sse.IsSupported)
                for (int k = 0; k < 2 * step; k += 16) Sse.Prefetch1(x + n + i + k);
            ExpPair<TL, TV>(x + i, log ? null : y + i, m, float.IsFinite(max), ref s0, ref s1);
        }
        // The tail, padded with -inf (whose exp is 0), in two vectors.
        if (i < n)
        {
            var pad = stackalloc float[2 * step];
            for (int k = 0; k < 2 * step; k++) pad[k] = i + k < n ? x[i + k] : float.NegativeInfinity;
            ExpPair<TL, TV>(pad, log ? null : pad, m, float.IsFinite(max), ref s0, ref s1);
            if (!log)
                for (int k = 0; i + k < n; k++) y[i + k] = pad[k];
        }
        float sum = TL.Sum(TL.Add(s0, s1));
        if (log) MathLoops.Lanes<ShiftBy, TL, TV>(new(max + MathF.Log(sum)), new(x, n), new(y, n), false);
        else MathLoops.Lanes<ScaleBy, TL, TV>(new(1 / sum), new(y, n), new(y, n), false);
    }

    // exp(x − m) for two vectors at x, added to the two sums and stored at e unless e is null (log_softmax only sums).
    // With a finite row maximum m, x − m is at most 0 and never NaN, and the shorter exp gives the same bits (softmax
    // 7.3-7.5 -> 6.4-6.6 ms on one thread where 512-bit operations run at half rate).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void ExpPair<TL, TV>(float* x, float* e, TV m, bool finite, ref TV s0, ref TV s1)
        where TL : IFloatLanes<TV> where TV : struct
    {
        var d0 = TL.Subtract(TL.Load(in x[0], 0), m);
        var d1 = TL.Subtract(TL.Load(in x[0], (nuint)TL.Count), m);
        var e0 = finite ? VectorMath.ExpOfNonPositive<TL, TV>(d0) : VectorMath.Exp<TL, TV>(d0);
        var e1 = finite ? VectorMath.ExpOfNonPositive<TL, TV>(d1) : VectorMath.Exp<TL, TV>(d1);
        if (e != null)
        {
            TL.Store(e0, ref e[0], 0);
            TL.Store(e1, ref e[0], (nuint)TL.Count);
        }
        s0 = TL.Add(s0, e0);
        s1 = TL.Add(s1, e1);
    }

    // Rows [lo, hi) of n floats (a multiple of two vectors), y aligned and streamed. Each row's exponentials are
    // computed while the previous row's last pass (its scale or shift, from the other of two scratch rows or from x)
    // streams out, and the next row is prefetched: memory reads, exponentials and stores overlap instead of taking
    // turns.
    [SkipLocalsInit]
    private static unsafe void SoftmaxRowsPipelined<TL, TV>(float* x, float* y, long lo, long hi, int n, bool log)
        where TL : IFloatLanes<TV> where TV : struct
    {
        int step = TL.Count;
        // The two scratch rows away from x's 4 KB phase (see PagePhases): at some offsets of a thread's stack, each load of
        // x waited on the store to the scratch row before it.
        Span<nint> rows = stackalloc nint[2];
        float* raw = stackalloc float[log ? 0 : PagePhases.Length<float>(2, n)];
        if (!log) PagePhases.Place(raw, rows, n, (nint)x);
        // The row whose last pass is pending: y = src · value (softmax) or src − value (log_softmax).
        float* src = null, dst = null;
        float value = 0;
        for (long row = lo; row < hi; row++)
        {
            float* xr = x + row * n, e = (float*)rows[(int)(row & 1)];
            float max = ReduceSimd.Serves<MaxKernel, float, float>() ? ReduceSimd.Row<MaxKernel, float, float>(xr, n)
                : TensorPrimitives.Max(new ReadOnlySpan<float>(xr, n));
            TV m = TL.Splat(max), s0 = TL.Splat(0f), s1 = s0, v = TL.Splat(value);
            for (int i = 0; i < n; i += 2 * step)
            {
                if (Sse.IsSupported)
                    for (int k = 0; k < 2 * step; k += 16) Sse.Prefetch1(xr + n + i + k);
                ExpPair<TL, TV>(xr + i, log ? null : e + i, m, float.IsFinite(max), ref s0, ref s1);
                if (src == null) continue;
                var p0 = TL.Load(in src[i], 0);
                var p1 = TL.Load(in src[i], (nuint)step);
                TL.StoreStreaming(log ? TL.Subtract(p0, v) : TL.Multiply(p0, v), ref dst[i], 0);
                TL.StoreStreaming(log ? TL.Subtract(p1, v) : TL.Multiply(p1, v), ref dst[i], (nuint)step);
            }
            float sum = TL.Sum(TL.Add(s0, s1));
            src = log ? xr : e;
            dst = y + row * n;
            value = log ? max + MathF.Log(sum) : 1 / sum;
        }
        if (src == null) return;
        if (log) MathLoops.Lanes<ShiftBy, TL, TV>(new(value), new(src, n), new(dst, n), true);
        else MathLoops.Lanes<ScaleBy, TL, TV>(new(value), new(src, n), new(dst, n), true);
        if (Sse.IsSupported) Sse.StoreFence();
    }

    // Dims whose chunk of SoftmaxColumns columns is at most this many bytes run pipelined (SoftmaxChunksPipelined). Past
    // it a chunk, the next one and softmax's two scratch blocks outgrow L2, and the packed bands were faster (256
    // classes about equal, 400 classes 3.0 against 3.5 ms).
    private const long SoftmaxPipelineBytes = 128 << 10;

    // Chunks [lo, hi) of a short softmax dim, the chunks of SoftmaxColumns columns (the last of an outer index narrower,
    // whole pairs of vectors), each in two passes down its columns: the maxima, then exp(x - max) summed (softmax keeps
    // them in one of two scratch blocks). The second pass also writes the previous chunk's output (the exponentials
    // times 1/sum, or (x - max) - log(sum)) and prefetches the next chunk into L2, so that memory reads, exponentials
    // and stores overlap, and each element's exponential is taken once. Over the 21 classes of 32 x 21 x 128 x 128,
    // log_softmax 4.2 -> 2.7 ms and softmax 4.4 -> 3.1 ms against the packed bands (one process, alternating); writing
    // the previous chunk in a pass of its own was 3.2 ms.
    [SkipLocalsInit]
    private static unsafe void SoftmaxChunksPipelined<TL, TV>(float* x, float* y, long lo, long hi, long size, long inner, bool log, bool stream)
        where TL : IFloatLanes<TV> where TV : struct
    {
        const int w = SoftmaxColumns;
        int step = TL.Count, pair = 2 * step, n = (int)size;
        long chunks = (inner + w - 1) / w;
        // Per chunk parity: the column maxima, then 1/sum (softmax) or log(sum).
        float* stats = stackalloc float[4 * w];
        bool* finite = stackalloc bool[w / pair];
        var zero = TL.Splat(0f);
        var scratch = ArrayPool<float>.Shared.Rent(log ? 0 : 2 * n * w);
        fixed (float* sp = scratch)
        {
            // The chunk whose output is pending: its source (softmax's exponentials or log_softmax's x) and row stride.
            float* src = null, dst = null;
            long srcStride = log ? inner : w;
            int pw = 0;
            for (long task = lo; task < hi; task++)
            {
                long at = task / chunks * size * inner + task % chunks * w, next = task + 1;
                int cw = (int)Math.Min(w, inner - task % chunks * w), par = (int)(task & 1);
                float* xc = x + at, m = stats + par * 2 * w, f = m + w, pm = stats + (1 - par) * 2 * w, pf = pm + w;
                float* ahead = next < hi ? x + next / chunks * size * inner + next % chunks * w : null;
                float* e = log ? null : sp + par * n * w;
                // The pending chunk's columns are written alongside this one's only where both are as wide.
                if (src != null && pw != cw)
                {
                    SoftmaxChunkOut<TL, TV>(src, srcStride, dst, inner, n, pw, pm, pf, log, stream);
                    src = null;
                }
                for (int c = 0; c < cw; c += pair)
                {
                    // x·0 summed down the column stays 0 unless an entry is NaN or infinite; then the column takes the
                    // full exp (a column all -inf ends NaN, as in PyTorch: exp(-inf - -inf)).
                    TV a0 = TL.Load(in xc[c], 0), a1 = TL.Load(in xc[c], (nuint)step);
                    TV z0 = TL.Multiply(a0, zero), z1 = TL.Multiply(a1, zero);
                    for (long r = 1; r < n; r++)
                    {
                        TV v0 = TL.Load(in xc[r * inner + c], 0), v1 = TL.Load(in xc[r * inner + c], (nuint)step);
                        a0 = TL.Max(a0, v0);
                        a1 = TL.Max(a1, v1);
                        z0 = TL.Fma(v0, zero, z0);
                        z1 = TL.Fma(v1, zero, z1);
                    }
                    finite[c / pair] = TL.Sum(TL.Add(z0, z1)) == 0;
                    TL.Store(a0, ref m[c], 0);
                    TL.Store(a1, ref m[c], (nuint)step);
                }
                for (int c = 0; c < cw; c += pair)
                {
                    TV m0 = TL.Load(in m[c], 0), m1 = TL.Load(in m[c], (nuint)step), s0 = zero, s1 = zero;
                    bool fin = finite[c / pair];
                    // The pending chunk's column pair half a chunk away, so that its stores stay off the page phases
                    // of this pair's loads.
                    int q = (c + cw / pair / 2 * pair) % cw;
                    TV f0 = TL.Load(in pf[q], 0), f1 = TL.Load(in pf[q], (nuint)step);
                    TV g0 = TL.Load(in pm[q], 0), g1 = TL.Load(in pm[q], (nuint)step);
                    for (long r = 0; r < n; r++)
                    {
                        if (ahead != null && Sse.IsSupported)
                            for (int j = 0; j < pair; j += 16) Sse.Prefetch1(ahead + r * inner + c + j);
                        float* xr = xc + r * inner + c;
                        TV d0 = TL.Subtract(TL.Load(in xr[0], 0), m0), d1 = TL.Subtract(TL.Load(in xr[0], (nuint)step), m1);
                        TV e0 = fin ? VectorMath.ExpOfNonPositive<TL, TV>(d0) : VectorMath.Exp<TL, TV>(d0);
                        TV e1 = fin ? VectorMath.ExpOfNonPositive<TL, TV>(d1) : VectorMath.Exp<TL, TV>(d1);
                        s0 = TL.Add(s0, e0);
                        s1 = TL.Add(s1, e1);
                        if (!log)
                        {
                            TL.Store(e0, ref e[r * w + c], 0);
                            TL.Store(e1, ref e[r * w + c], (nuint)step);
                        }
                        if (src != null) SoftmaxOut<TL, TV>(src + r * srcStride + q, dst + r * inner + q, f0, f1, g0, g1, log, stream);
                    }
                    TL.Store(log ? VectorMath.Log<TL, TV>(s0) : TL.Divide(TL.Splat(1f), s0), ref f[c], 0);
                    TL.Store(log ? VectorMath.Log<TL, TV>(s1) : TL.Divide(TL.Splat(1f), s1), ref f[c], (nuint)step);
                }
                src = log ? xc : e;
                dst = y + at;
                pw = cw;
                if (next == hi) SoftmaxChunkOut<TL, TV>(src, srcStride, dst, inner, n, cw, m, f, log, stream);
            }
        }
        if (stream && Sse.IsSupported) Sse.StoreFence();
        ArrayPool<float>.Shared.Return(scratch);
    }

    // A chunk's output on its own: w columns of n rows (see SoftmaxOut), m the maxima and f 1/sum or log(sum).
    private static unsafe void SoftmaxChunkOut<TL, TV>(float* src, long srcStride, float* dst, long inner, int n, int w, float* m, float* f, bool log, bool stream)
        where TL : IFloatLanes<TV> where TV : struct
    {
        int step = TL.Count;
        for (int c = 0; c < w; c += 2 * step)
        {
            TV f0 = TL.Load(in f[c], 0), f1 = TL.Load(in f[c], (nuint)step);
            TV g0 = TL.Load(in m[c], 0), g1 = TL.Load(in m[c], (nuint)step);
            for (long r = 0; r < n; r++) SoftmaxOut<TL, TV>(src + r * srcStride + c, dst + r * inner + c, f0, f1, g0, g1, log, stream);
        }
    }

    // Two vectors of output: softmax's exponentials times 1/sum (f), or log_softmax's (x - max) - log(sum) (g the max, f
    // the log), in that order as PyTorch computes it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void SoftmaxOut<TL, TV>(float* src, float* dst, TV f0, TV f1, TV g0, TV g1, bool log, bool stream)
        where TL : IFloatLanes<TV> where TV : struct
    {
        nuint step = (nuint)TL.Count;
        TV p0 = TL.Load(in src[0], 0), p1 = TL.Load(in src[0], step);
        p0 = log ? TL.Subtract(TL.Subtract(p0, g0), f0) : TL.Multiply(p0, f0);
        p1 = log ? TL.Subtract(TL.Subtract(p1, g1), f1) : TL.Multiply(p1, f1);
        if (stream)
        {
            TL.StoreStreaming(p0, ref dst[0], 0);
            TL.StoreStreaming(p1, ref dst[0], step);
        }
        else
        {
            TL.Store(p0, ref dst[0], 0);
            TL.Store(p1, ref dst[0], step);
        }
    }

    // A band of columns of every row along the softmax dim is packed into a contiguous block of at most this many
    // bytes, which stays in L2 (1 MB and up) for the second and third passes. Read in place, rows a power-of-two stride
    // apart fall into a few cache sets and evict each other, so that every pass would go to memory. A 4 MB pack, left
    // to L3, was 18% slower over the first dim of 4096 x 4096 (9.9 against 8.1 ms, alternating; narrower bands of 512
    // KB were slower still, their rows' strips too short for the memory).
    private const long SoftmaxPackBytes = 1 << 20;

    // The first pass prefetches this many rows ahead: the hardware prefetchers do not follow a band's short rows
    // across their stride, and without it the pass reads memory at a fifth of the copy bandwidth.
    private const int SoftmaxPrefetchRows = 16;

    // A band (or a backward chunk) of at most this many bytes has the next one's rows prefetched while its exponentials
    // are computed, so that the memory reads overlap that arithmetic instead of taking their own pass: over the 21
    // classes of 32 x 21 x 128 x 128, log_softmax 6.0 -> 4.3 ms and its backward 5.5 -> 4.0 ms (one process,
    // alternating). A 1 MB band over 4096 rows was slower so (8.2 -> 9.3 ms): two of them do not fit in L2.
    private const long SoftmaxAheadBytes = 256 << 10;

    // Rows per block of the forward's first pass: each block's maxima are found first, then its exponentials are taken
    // against the running maxima while its rows are still in L1.
    private const int SoftmaxBlockRows = 16;

    // A chunk of w columns (a multiple of the vector) of every row along the softmax dim, in bands of columns, each in
    // two passes over its rows. The first reads the band from memory into a contiguous pack in blocks of rows: a
    // block's column maxima raise the running ones, the running sums are rescaled to them, and the block's
    // exp(x - max) are added to the sums (softmax stores them into the pack, in place of x). The second writes y: the
    // pack times exp(block max - max) / sum, or (x - max) - log(sum). The exponentials are thus computed while the
    // band is read from memory, not in a pass of their own over the pack (4096 x 4096 over dim 0: 7.7-8.3 -> 6.6-7.6 ms
    // in 6 alternating processes).
    [SkipLocalsInit]
    private static unsafe void SoftmaxColumnsOf<TL, TV>(float* x, float* y, long size, long inner, int w, bool log, bool stream)
        where TL : IFloatLanes<TV> where TV : struct
    {
        int step = TL.Count, band = (int)Math.Clamp(SoftmaxPackBytes / sizeof(float) / size / step * step, step, w);
        long blocks = (size + SoftmaxBlockRows - 1) / SoftmaxBlockRows;
        float* m = stackalloc float[band], s = stackalloc float[band], top = stackalloc float[band];
        var pack = ArrayPool<float>.Shared.Rent(checked((int)(size * band)));
        // Softmax keeps the maxima each block's exponentials were taken against.
        var maxima = ArrayPool<float>.Shared.Rent(log ? 0 : checked((int)(blocks * band)));
        fixed (float* p = pack, bm = maxima)
            for (int c0 = 0; c0 < w; c0 += band)
            {
                int bw = Math.Min(band, w - c0);
                float* bx = x + c0, by = y + c0;
                // The band after this one, in this chunk or (for the last band) the next chunk of these rows.
                bool ahead = size * bw * sizeof(float) <= SoftmaxAheadBytes;
                new Span<float>(m, bw).Fill(float.NegativeInfinity);
                new Span<float>(s, bw).Clear();
                for (long b = 0; b < blocks; b++)
                {
                    long r0 = b * SoftmaxBlockRows, r1 = Math.Min(r0 + SoftmaxBlockRows, size);
                    new ReadOnlySpan<float>(bx + r0 * inner, bw).CopyTo(new Span<float>(top, bw));
                    for (long r = r0 + 1; r < r1; r++)
                        for (int c = 0; c < bw; c += step)
                        {
                            if (!ahead && Sse.IsSupported && c % 16 == 0) Sse.Prefetch0(bx + (r + SoftmaxPrefetchRows) * inner + c);
                            TL.Store(TL.Max(TL.Load(in top[c], 0), TL.Load(in bx[r * inner + c], 0)), ref top[c], 0);
                        }
                    for (int c = 0; c < bw; c += step)
                    {
                        // The sums so far, taken against the old maxima, rescaled to the new (kept as they are where the
                        // maximum did not move, -inf included).
                        TV old = TL.Load(in m[c], 0), now = TL.Max(old, TL.Load(in top[c], 0));
                        var keep = TL.Equal(old, now);
                        var scale = TL.Select(keep, TL.Splat(1f), VectorMath.Exp<TL, TV>(TL.Subtract(old, now)));
                        TL.Store(TL.Multiply(TL.Load(in s[c], 0), scale), ref s[c], 0);
                        TL.Store(now, ref m[c], 0);
                        if (!log) TL.Store(now, ref bm[b * bw + c], 0);
                        // The exponentials' reference: 0 where every entry so far is -inf, so that they come out 0,
                        // not NaN (an all -inf column still ends NaN, through its factor or its log(sum)).
                        TL.Store(TL.Select(TL.Equal(now, TL.Splat(float.NegativeInfinity)), TL.Splat(0f), now), ref top[c], 0);
                    }
                    for (long r = r0; r < r1; r++)
                        for (int c = 0; c < bw; c += step)
                        {
                            if (ahead && Sse.IsSupported && c % 16 == 0) Sse.Prefetch0(bx + bw + r * inner + c);
                            var v = TL.Load(in bx[r * inner + c], 0);
                            var ev = VectorMath.Exp<TL, TV>(TL.Subtract(v, TL.Load(in top[c], 0)));
                            TL.Store(log ? v : ev, ref p[r * bw + c], 0);
                            TL.Store(TL.Add(TL.Load(in s[c], 0), ev), ref s[c], 0);
                        }
                }
                for (int c = 0; c < bw; c += step)
                {
                    var sv = TL.Load(in s[c], 0);
                    TL.Store(log ? VectorMath.Log<TL, TV>(sv) : TL.Divide(TL.Splat(1f), sv), ref s[c], 0);
                }
                for (long b = 0; b < blocks; b++)
                {
                    long r0 = b * SoftmaxBlockRows, r1 = Math.Min(r0 + SoftmaxBlockRows, size);
                    // Softmax: each block's factor exp(block max - max) / sum.
                    if (!log)
                        for (int c = 0; c < bw; c += step)
                            TL.Store(TL.Multiply(VectorMath.Exp<TL, TV>(TL.Subtract(TL.Load(in bm[b * bw + c], 0), TL.Load(in m[c], 0))), TL.Load(in s[c], 0)), ref top[c], 0);
                    for (long r = r0; r < r1; r++)
                        for (int c = 0; c < bw; c += step)
                        {
                            var v = TL.Load(in p[r * bw + c], 0);
                            v = log ? TL.Subtract(TL.Subtract(v, TL.Load(in m[c], 0)), TL.Load(in s[c], 0)) : TL.Multiply(v, TL.Load(in top[c], 0));
                            if (stream) TL.StoreStreaming(v, ref by[r * inner + c], 0);
                            else TL.Store(v, ref by[r * inner + c], 0);
                        }
                }
            }
        if (stream && Sse.IsSupported) Sse.StoreFence();
        ArrayPool<float>.Shared.Return(pack);
        ArrayPool<float>.Shared.Return(maxima);
    }

    private static unsafe void SoftmaxGrad<T>(T* g, T* y, T* gi, long outer, long size, long inner, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint pg = (nint)g, py = (nint)y, pgi = (nint)gi;
        int n = checked((int)size);
        if (inner == 1)
        {
            ForSoftmaxTasks(outer, size, inner, (row, _) =>
            {
                var gs = new ReadOnlySpan<T>((T*)pg + row * size, n);
                var ys = new ReadOnlySpan<T>((T*)py + row * size, n);
                var gis = new Span<T>((T*)pgi + row * size, n);
                if (log)
                {
                    // g − exp(y) · Σg
                    var sum = TensorPrimitives.Sum(gs);
                    VectorMath.Exp(ys, gis);
                    TensorPrimitives.MultiplyAdd(gis, -sum, gs, gis);
                }
                else
                {
                    // (g − Σ g·y) · y
                    var dot = TensorPrimitives.Dot(gs, ys);
                    TensorPrimitives.Subtract(gs, dot, gis);
                    TensorPrimitives.Multiply(gis, ys, gis);
                }
            });
            return;
        }
        if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated)
        {
            // Streaming needs every row of a chunk aligned to the vector.
            bool stream = inner % 16 == 0 && pgi % 64 == 0
                && MathLoops.Streams(outer * size * inner * sizeof(float), SoftmaxThreads(outer, size, inner, SoftmaxGradColumns));
            ForSoftmaxTasks(outer, size, inner, (o, c0) =>
            {
                long b = o * size * inner + c0;
                int w = (int)Math.Min(SoftmaxGradColumns, inner - c0);
                if (Vector512.IsHardwareAccelerated)
                    SoftmaxGradColumnsOf<FloatLanes512, Vector512<float>>((float*)pg + b, (float*)py + b, (float*)pgi + b, size, inner, w, log, stream);
                else SoftmaxGradColumnsOf<FloatLanes256, Vector256<float>>((float*)pg + b, (float*)py + b, (float*)pgi + b, size, inner, w, log, stream);
            }, SoftmaxGradColumns);
            return;
        }
        ForSoftmaxTasks(outer, size, inner, (o, c0) =>
        {
            int w = (int)Math.Min(SoftmaxColumns, inner - c0);
            Span<T> acc = stackalloc T[w], tmp = stackalloc T[w];
            long b = o * size * inner + c0;
            acc.Clear();
            for (long r = 0; r < size; r++)
            {
                var gs = new ReadOnlySpan<T>((T*)pg + b + r * inner, w);
                if (log) TensorPrimitives.Add(acc, gs, acc);
                else
                {
                    TensorPrimitives.Multiply(gs, new ReadOnlySpan<T>((T*)py + b + r * inner, w), tmp);
                    TensorPrimitives.Add(acc, tmp, acc);
                }
            }
            for (long r = 0; r < size; r++)
            {
                var gs = new ReadOnlySpan<T>((T*)pg + b + r * inner, w);
                var ys = new ReadOnlySpan<T>((T*)py + b + r * inner, w);
                var gis = new Span<T>((T*)pgi + b + r * inner, w);
                if (log)
                {
                    VectorMath.Exp(ys, tmp);
                    TensorPrimitives.Multiply(tmp, acc, tmp);
                    TensorPrimitives.Subtract(gs, tmp, gis);
                }
                else
                {
                    TensorPrimitives.Subtract(gs, acc, tmp);
                    TensorPrimitives.Multiply(tmp, ys, gis);
                }
            }
        });
    }

    // A chunk of w columns of every row along the dim, float: Σ over rows of g (log_softmax) or g · y (softmax), then
    // gi = g − exp(y) · Σ or (g − Σ) · y, each pass one vector loop per row: the same operations in the same order as
    // the generic chunks' library calls, whose call per 256 columns took more time than the arithmetic. The next chunk's
    // g and y are prefetched into L2 during the second pass (for a chunk larger than SoftmaxAheadBytes, the first pass
    // of log_softmax prefetches this chunk's y instead), and a large gi is streamed (log_softmax over dim 1
    // of 32 x 21 x 128 x 128: 8.1-8.2 -> 4.4-5.1 ms, the benchmark's row in alternating processes).
    [SkipLocalsInit]
    private static unsafe void SoftmaxGradColumnsOf<TL, TV>(float* g, float* y, float* gi, long size, long inner, int w, bool log, bool stream)
        where TL : IFloatLanes<TV> where TV : struct
    {
        int step = TL.Count, wv = w / step * step;
        // Whether the next chunk of these rows (the next task's, or the next rows' starts after the last chunk) is
        // prefetched while the second pass computes.
        bool ahead = size * w * sizeof(float) <= SoftmaxAheadBytes;
        float* acc = stackalloc float[w];
        float* pad = stackalloc float[3 * step];
        new Span<float>(acc, w).Clear();
        for (long r = 0; r < size; r++)
        {
            float* gr = g + r * inner, yr = y + r * inner;
            int c = 0;
            for (; c < wv; c += step)
            {
                var v = TL.Load(in gr[c], 0);
                if (!log) v = TL.Multiply(v, TL.Load(in yr[c], 0));
                else if (!ahead && Sse.IsSupported && c % 16 == 0) Sse.Prefetch1(yr + c);
                TL.Store(TL.Add(TL.Load(in acc[c], 0), v), ref acc[c], 0);
            }
            for (; c < w; c++) acc[c] += log ? gr[c] : gr[c] * yr[c];
        }
        for (long r = 0; r < size; r++)
        {
            float* gr = g + r * inner, yr = y + r * inner, ir = gi + r * inner;
            for (int c = 0; c < wv; c += step)
            {
                if (ahead && Sse.IsSupported && c % 16 == 0)
                {
                    Sse.Prefetch1(gr + w + c);
                    Sse.Prefetch1(yr + w + c);
                }
                var o = GradOf<TL, TV>(TL.Load(in gr[c], 0), TL.Load(in yr[c], 0), TL.Load(in acc[c], 0), log);
                if (stream) TL.StoreStreaming(o, ref ir[c], 0);
                else TL.Store(o, ref ir[c], 0);
            }
            if (wv == w) continue;
            // The tail through the same vector formula (exp included), padded.
            int n = w - wv;
            for (int k = 0; k < step; k++)
            {
                pad[k] = k < n ? gr[wv + k] : 0;
                pad[step + k] = k < n ? yr[wv + k] : 0;
                pad[2 * step + k] = k < n ? acc[wv + k] : 0;
            }
            TL.Store(GradOf<TL, TV>(TL.Load(in pad[0], 0), TL.Load(in pad[step], 0), TL.Load(in pad[2 * step], 0), log), ref pad[0], 0);
            for (int k = 0; k < n; k++) ir[wv + k] = pad[k];
        }
        if (stream && Sse.IsSupported) Sse.StoreFence();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV GradOf<TL, TV>(TV g, TV y, TV sum, bool log) where TL : IFloatLanes<TV> where TV : struct =>
        log ? TL.Subtract(g, TL.Multiply(VectorMath.Exp<TL, TV>(y), sum)) : TL.Multiply(TL.Subtract(g, sum), y);
}
