using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
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

    // Tasks: rows when inner == 1, else (outer index, column chunk) pairs.
    private static void ForSoftmaxTasks(long outer, long size, long inner, Action<long, long> body)
    {
        long chunks = inner == 1 ? 1 : (inner + SoftmaxColumns - 1) / SoftmaxColumns, tasks = outer * chunks;
        int threads = (int)Math.Min(Parallelism.ThreadsFor(outer * size * inner, 1 << 14), tasks);
        Parallelism.For(threads, (t, count) =>
        {
            for (long task = tasks * t / count; task < tasks * (t + 1) / count; task++) body(task / chunks, task % chunks * SoftmaxColumns);
        });
    }

    private static unsafe void SoftmaxForward<T>(T* x, T* y, long outer, long size, long inner, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint px = (nint)x, py = (nint)y;
        int n = checked((int)size);
        if (inner == 1)
        {
            ForSoftmaxTasks(outer, size, inner, (row, _) =>
            {
                if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated)
                {
                    SoftmaxRow((float*)px + row * size, (float*)py + row * size, n, log);
                    return;
                }
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
        {
            int w = (int)Math.Min(SoftmaxColumns, inner - c0);
            Span<T> max = stackalloc T[w], sum = stackalloc T[w], tmp = stackalloc T[w];
            T* bx = (T*)px + o * size * inner + c0, by = (T*)py + o * size * inner + c0;
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
        });
    }

    // One float32 row in three passes: the maximum, exp(x - max) summed as it is stored (softmax) or only summed
    // (log_softmax), then the scale by 1/sum or the shift by max + log(sum).
    private static unsafe void SoftmaxRow(float* x, float* y, int n, bool log)
    {
        if (Vector512.IsHardwareAccelerated) SoftmaxRow<FloatLanes512, Vector512<float>>(x, y, n, log);
        else SoftmaxRow<FloatLanes256, Vector256<float>>(x, y, n, log);
    }

    private static unsafe void SoftmaxRow<TL, TV>(float* x, float* y, int n, bool log) where TL : IFloatLanes<TV> where TV : struct
    {
        float max = ReduceSimd.Serves<MaxKernel, float, float>() ? ReduceSimd.Row<MaxKernel, float, float>(x, n)
            : TensorPrimitives.Max(new ReadOnlySpan<float>(x, n));
        var m = TL.Splat(max);
        TV s0 = TL.Splat(0f), s1 = s0;
        int step = TL.Count, i = 0;
        for (; i + 2 * step <= n; i += 2 * step)
        {
            var e0 = VectorMath.Exp<TL, TV>(TL.Subtract(TL.Load(in x[i], 0), m));
            var e1 = VectorMath.Exp<TL, TV>(TL.Subtract(TL.Load(in x[i], (nuint)step), m));
            if (!log)
            {
                TL.Store(e0, ref y[i], 0);
                TL.Store(e1, ref y[i], (nuint)step);
            }
            s0 = TL.Add(s0, e0);
            s1 = TL.Add(s1, e1);
        }
        // The tail, padded with -inf (whose exp is 0), in two vectors.
        if (i < n)
        {
            var pad = stackalloc float[2 * step];
            for (int k = 0; k < 2 * step; k++) pad[k] = i + k < n ? x[i + k] : float.NegativeInfinity;
            var e0 = VectorMath.Exp<TL, TV>(TL.Subtract(TL.Load(in pad[0], 0), m));
            var e1 = VectorMath.Exp<TL, TV>(TL.Subtract(TL.Load(in pad[0], (nuint)step), m));
            s0 = TL.Add(s0, e0);
            s1 = TL.Add(s1, e1);
            if (!log)
            {
                TL.Store(e0, ref pad[0], 0);
                TL.Store(e1, ref pad[0], (nuint)step);
                for (int k = 0; i + k < n; k++) y[i + k] = pad[k];
            }
        }
        float sum = TL.Sum(TL.Add(s0, s1));
        if (log) TensorPrimitives.Subtract(new ReadOnlySpan<float>(x, n), max + MathF.Log(sum), new Span<float>(y, n));
        else TensorPrimitives.Multiply(new ReadOnlySpan<float>(y, n), 1 / sum, new Span<float>(y, n));
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
}
