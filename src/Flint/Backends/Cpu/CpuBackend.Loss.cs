using System.Numerics;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void MultilabelMarginLoss(Tensor input, Tensor target, Tensor loss, Tensor? gradient)
    {
        switch (input.dtype)
        {
            case DType.Float32: LossKernels.MultilabelMargin<float>(input, target, loss, gradient); break;
            case DType.Float64: LossKernels.MultilabelMargin<double>(input, target, loss, gradient); break;
            default: throw NotImplementedFor("multilabel_margin_loss_forward_out_frame", input.dtype);
        }
    }

    public void CtcLoss(Tensor logProbs, Tensor targets, CtcLayout layout, Tensor negLogLikelihood, Tensor logAlpha)
    {
        switch (logProbs.dtype)
        {
            case DType.Float32: LossKernels.CtcForward<float>(logProbs, targets, layout, negLogLikelihood, logAlpha); break;
            case DType.Float64: LossKernels.CtcForward<double>(logProbs, targets, layout, negLogLikelihood, logAlpha); break;
            default: throw NotImplementedFor("ctc_loss_cpu", logProbs.dtype);
        }
    }

    public void CtcLossBackward(Tensor gradOut, Tensor logProbs, Tensor targets, CtcLayout layout, Tensor negLogLikelihood,
        Tensor logAlpha, bool zeroInfinity, Tensor grad)
    {
        switch (logProbs.dtype)
        {
            case DType.Float32:
                LossKernels.CtcBackward<float>(gradOut, logProbs, targets, layout, negLogLikelihood, logAlpha, zeroInfinity, grad);
                break;
            case DType.Float64:
                LossKernels.CtcBackward<double>(gradOut, logProbs, targets, layout, negLogLikelihood, logAlpha, zeroInfinity, grad);
                break;
            default: throw NotImplementedFor("ctc_loss_backward_cpu", logProbs.dtype);
        }
    }
}

/// <summary>
/// The CPU loops of the loss kernels. Operands are contiguous; work splits over frames (multilabel margin) or
/// sequences (CTC), each thread owning its rows, so no output is shared.
/// </summary>
internal static unsafe class LossKernels
{
    public static void MultilabelMargin<T>(Tensor input, Tensor target, Tensor loss, Tensor? gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long frames = input.shape[0], dim = input.shape[1];
        nint px = (nint)input.Ptr, pt = (nint)target.Ptr, pl = (nint)loss.Ptr, pg = gradient is null ? 0 : (nint)gradient.Ptr;
        int threads = (int)Math.Min(Parallelism.ThreadsFor(frames * dim * dim), Math.Max(frames, 1));
        Parallelism.For(threads, (th, count) =>
        {
            var isTarget = new bool[dim];
            var invDim = 1.0 / dim;
            for (long n = frames * th / count; n < frames * (th + 1) / count; n++)
            {
                var x = (T*)px + n * dim;
                var t = (long*)pt + n * dim;
                var g = pg == 0 ? null : (T*)pg + n * dim;
                Array.Clear(isTarget);
                long valid = 0;
                while (valid < dim && t[valid] >= 0) isTarget[t[valid++]] = true;
                if (g is not null) new Span<T>(g, (int)dim).Clear();
                double sum = 0;
                for (long j = 0; j < valid; j++)
                {
                    long tj = t[j];
                    for (long d = 0; d < dim; d++)
                    {
                        if (isTarget[d]) continue;
                        // z is formed in T, as ATen's kernel does, before it is accumulated.
                        var z = T.One - x[tj] + x[d];
                        if (z <= T.Zero) continue;
                        sum += double.CreateTruncating(z);
                        if (g is null) continue;
                        g[tj] -= T.CreateTruncating(invDim);
                        g[d] += T.CreateTruncating(invDim);
                    }
                }
                ((T*)pl)[n] = T.CreateTruncating(sum / dim);
            }
        });
        GC.KeepAlive(input);
        GC.KeepAlive(target);
        GC.KeepAlive(loss);
        GC.KeepAlive(gradient);
    }

    // The s-th label of the extended target (blank, l1, blank, l2, ..., blank).
    private static long Prime(long* targets, long offset, long stride, long s, long blank) =>
        (s & 1) == 0 ? blank : targets[offset + stride * (s / 2)];

    // log(exp(a) + exp(b) + exp(c)) the way ATen's kernel forms it: shifted by the largest, with -inf kept finite.
    private static T LogAdd3<T>(T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var max = a;
        if (b > max) max = b;
        if (c > max) max = c;
        if (max == T.NegativeInfinity) max = T.Zero;
        return T.Log(T.Exp(a - max) + T.Exp(b - max) + T.Exp(c - max)) + max;
    }

    public static void CtcForward<T>(Tensor logProbs, Tensor targets, CtcLayout layout, Tensor negLogLikelihood,
        Tensor logAlpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long maxT = logProbs.shape[0], batch = logProbs.shape[1], classes = logProbs.shape[2];
        long states = logAlpha.shape[2];
        nint plp = (nint)logProbs.Ptr, ptg = (nint)targets.Ptr, pnll = (nint)negLogLikelihood.Ptr, pla = (nint)logAlpha.Ptr;
        int threads = (int)Math.Min(Parallelism.ThreadsFor(batch * maxT * states, 1 << 12), Math.Max(batch, 1));
        Parallelism.For(threads, (th, count) =>
        {
            var tg = (long*)ptg;
            for (long b = batch * th / count; b < batch * (th + 1) / count; b++)
            {
                long il = layout.InputLengths[b], tl = layout.TargetLengths[b], off = layout.TargetOffsets[b];
                long stride = layout.TargetStride, blank = layout.Blank;
                var lp = (T*)plp + b * classes;                 // lp[t * batch * classes + c]
                var la = (T*)pla + b * maxT * states;           // la[t * states + s]
                long rowLp = batch * classes;
                new Span<T>(la, (int)states).Fill(T.NegativeInfinity);
                if (il == 0)
                {
                    ((T*)pnll)[b] = tl == 0 ? T.Zero : T.PositiveInfinity;
                    continue;
                }
                la[0] = lp[blank];
                if (tl > 0) la[1] = lp[Prime(tg, off, stride, 1, blank)];
                for (long t = 1; t < il; t++)
                {
                    var prev = la + (t - 1) * states;
                    var cur = la + t * states;
                    var lpt = lp + t * rowLp;
                    for (long s = 0; s < 2 * tl + 1; s++)
                    {
                        var label = Prime(tg, off, stride, s, blank);
                        var a2 = s > 0 ? prev[s - 1] : T.NegativeInfinity;
                        var a3 = s > 1 && Prime(tg, off, stride, s - 2, blank) != label ? prev[s - 2] : T.NegativeInfinity;
                        cur[s] = LogAdd3(prev[s], a2, a3) + lpt[label];
                    }
                }
                var last = la + (il - 1) * states;
                T nll;
                if (tl == 0) nll = -last[0];
                else
                {
                    T l1 = last[2 * tl], l2 = last[2 * tl - 1];
                    var m = T.Max(l1, l2);
                    if (m == T.NegativeInfinity) m = T.Zero;
                    nll = -(T.Log(T.Exp(l1 - m) + T.Exp(l2 - m)) + m);
                }
                ((T*)pnll)[b] = nll;
            }
        });
        GC.KeepAlive(logProbs);
        GC.KeepAlive(targets);
        GC.KeepAlive(negLogLikelihood);
        GC.KeepAlive(logAlpha);
    }

    public static void CtcBackward<T>(Tensor gradOut, Tensor logProbs, Tensor targets, CtcLayout layout,
        Tensor negLogLikelihood, Tensor logAlpha, bool zeroInfinity, Tensor grad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long maxT = logProbs.shape[0], batch = logProbs.shape[1], classes = logProbs.shape[2];
        long states = logAlpha.shape[2];
        nint plp = (nint)logProbs.Ptr, ptg = (nint)targets.Ptr, pnll = (nint)negLogLikelihood.Ptr, pla = (nint)logAlpha.Ptr;
        nint pgo = (nint)gradOut.Ptr, pg = (nint)grad.Ptr;
        long gradOutStride = gradOut.strides.Length == 0 ? 0 : gradOut.strides[0];
        int threads = (int)Math.Min(Parallelism.ThreadsFor(batch * maxT * states, 1 << 12), Math.Max(batch, 1));
        Parallelism.For(threads, (th, count) =>
        {
            var tg = (long*)ptg;
            var beta = new T[maxT * states];
            long rowLp = batch * classes;
            for (long b = batch * th / count; b < batch * (th + 1) / count; b++)
            {
                var lp = (T*)plp + b * classes;                 // lp[t * rowLp + c]
                var gr = (T*)pg + b * classes;                  // gr[t * rowLp + c], the same layout
                var la = (T*)pla + b * maxT * states;
                var nll = ((T*)pnll)[b];
                if (zeroInfinity && nll == T.PositiveInfinity)
                {
                    for (long t = 0; t < maxT; t++) new Span<T>(gr + t * rowLp, (int)classes).Clear();
                    continue;
                }
                long il = layout.InputLengths[b], tl = layout.TargetLengths[b], off = layout.TargetOffsets[b];
                long stride = layout.TargetStride, blank = layout.Blank;
                for (long t = 0; t < il; t++) new Span<T>(gr + t * rowLp, (int)classes).Fill(T.NegativeInfinity);
                fixed (T* lb = beta)
                {
                    if (il > 0)
                    {
                        var lastB = lb + (il - 1) * states;
                        var lastA = la + (il - 1) * states;
                        var lpLast = lp + (il - 1) * rowLp;
                        var gLast = gr + (il - 1) * rowLp;
                        new Span<T>(lastB, (int)states).Fill(T.NegativeInfinity);
                        lastB[2 * tl] = lpLast[blank];
                        gLast[blank] = lastA[2 * tl] + lastB[2 * tl];
                        if (tl > 0)
                        {
                            var label = Prime(tg, off, stride, 2 * tl - 1, blank);
                            lastB[2 * tl - 1] = lpLast[label];
                            gLast[label] = lastA[2 * tl - 1] + lastB[2 * tl - 1];
                        }
                    }
                    for (long t = il - 2; t >= 0; t--)
                    {
                        var next = lb + (t + 1) * states;
                        var cur = lb + t * states;
                        var curA = la + t * states;
                        var lpt = lp + t * rowLp;
                        var gt = gr + t * rowLp;
                        for (long s = 2 * tl; s >= 0; s--)
                        {
                            var label = Prime(tg, off, stride, s, blank);
                            var b2 = s < 2 * tl ? next[s + 1] : T.NegativeInfinity;
                            var b3 = s < 2 * tl - 1 && Prime(tg, off, stride, s + 2, blank) != label ? next[s + 2] : T.NegativeInfinity;
                            cur[s] = LogAdd3(next[s], b2, b3) + lpt[label];
                            // Collect alpha·beta per label, in log space: grad[t, label] log+= alpha[t, s] + beta[t, s].
                            var ab = curA[s] + cur[s];
                            ref var acc = ref gt[label];
                            if (acc == T.NegativeInfinity) acc = ab;
                            else
                            {
                                var max = T.Max(acc, ab);
                                acc = T.Log(T.Exp(acc - max) + T.Exp(ab - max)) + max;
                            }
                        }
                    }
                }
                var go = ((T*)pgo)[b * gradOutStride];
                for (long t = 0; t < il; t++)
                {
                    var lpt = lp + t * rowLp;
                    var gt = gr + t * rowLp;
                    for (long c = 0; c < classes; c++)
                        gt[c] = (T.Exp(lpt[c]) - T.Exp(gt[c] + nll - lpt[c])) * go;
                }
                for (long t = il; t < maxT; t++) new Span<T>(gr + t * rowLp, (int)classes).Clear();
            }
        });
        GC.KeepAlive(gradOut);
        GC.KeepAlive(logProbs);
        GC.KeepAlive(targets);
        GC.KeepAlive(negLogLikelihood);
        GC.KeepAlive(logAlpha);
        GC.KeepAlive(grad);
    }
}
