using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Flint.Autograd;
using Flint.Backends.Cpu;

namespace Flint.Optim;

/// <summary>
/// One-pass CPU updates for the hot optimizers (SGD, Adam/AdamW, RMSprop, Adagrad): each parameter's new value and
/// state are computed element by element in a single sweep over the parameter, its gradient and its state, instead of
/// a chain of tensor ops that each read and write all of memory and allocate temporaries. Every element follows
/// PyTorch's single-tensor update in the same order and precision (each op rounded to the tensor's dtype, the
/// scalars cast to it, <c>add(x, alpha)</c> as a fused multiply-add as ATen's vectorised kernel computes it), so the
/// results are those of the op path. It covers contiguous float32/float64 CPU tensors with dense gradients while
/// autograd is off; everything else keeps the op path. Tensors written are version-bumped as the in-place ops of
/// the op path would bump them.
/// </summary>
internal static unsafe class FusedStep
{
    /// <summary>
    /// True if the update of <paramref name="p"/> can run fused: CPU, float32/float64, contiguous, dense, the gradient
    /// and every state tensor of the same dtype and shape, no autograd history to record, and 512-bit vectors in
    /// hardware (elsewhere the op path's vectorised kernels are the faster route).
    /// </summary>
    public static bool Applies(Tensor p, Tensor grad, params ReadOnlySpan<Tensor?> state)
    {
        if (!Vector512.IsHardwareAccelerated || GradMode.IsEnabled || grad.IsSparse || p.storage is not CpuStorage) return false;
        if (p.dtype is not (DType.Float32 or DType.Float64) || !p.IsContiguous()) return false;
        if (!Same(p, grad)) return false;
        foreach (var s in state)
            if (s is not null && !Same(p, s)) return false;
        return true;
    }

    private static bool Same(Tensor p, Tensor t) =>
        t.dtype == p.dtype && t.storage is CpuStorage && !t.IsSparse && t.IsContiguous() && t.shape.AsSpan().SequenceEqual(p.shape);

    private static void Bump(Tensor t, int times)
    {
        for (int i = 0; i < times; i++) t.BumpVersion();
    }

    /// <summary>
    /// Elements each thread must get before an update is split (256K, a megabyte or more of every stream): the
    /// update is a few operations per element, and a fork and join costs about as much as 64K elements of it on a
    /// busy machine.
    /// </summary>
    private const long SplitGrain = 1L << 18;

    // Splits [0, n) over threads in chunks of whole cache lines (16 elements) and runs body(begin, end) on each.
    private static void Split(long n, Action<long, long> body)
    {
        int threads = Parallelism.ThreadsFor(n, SplitGrain);
        if (threads <= 1)
        {
            body(0, n);
            return;
        }
        Parallelism.For(threads, (t, count) =>
        {
            long lo = Math.Min(n, (n * t / count + 15) & ~15L), hi = t == count - 1 ? n : Math.Min(n, (n * (t + 1) / count + 15) & ~15L);
            if (lo < hi) body(lo, hi);
        });
    }

    // ---------------------------------------------------------------- SGD

    /// <summary>
    /// SGD's update (<c>_single_tensor_sgd</c>): <c>d = ±g + wd·p; b = μ·b + (1−τ)·d (b = d when <paramref name="buf"/>
    /// is new); d = d + μ·b (Nesterov) or b; p += −lr·d</c>. <paramref name="buf"/> is null without momentum;
    /// <paramref name="newBuf"/> says it was just created (empty) and takes d.
    /// </summary>
    public static void Sgd(Tensor p, Tensor grad, Tensor? buf, bool newBuf, double lr, double momentum, double dampening,
        double weightDecay, bool nesterov, bool maximize)
    {
        var a = new SgdArgs((nint)p.Ptr, (nint)grad.Ptr, buf is null ? 0 : (nint)buf.Ptr, newBuf, lr, momentum, dampening,
            weightDecay, nesterov, maximize);
        if (p.dtype == DType.Float32) Split(p.Numel(), (lo, hi) => SgdRange<float>(a, lo, hi));
        else Split(p.Numel(), (lo, hi) => SgdRange<double>(a, lo, hi));
        Bump(p, 1);
        if (buf is not null && !newBuf) Bump(buf, 2);
    }

    private readonly record struct SgdArgs(nint P, nint G, nint B, bool NewBuf, double Lr, double Momentum, double Dampening,
        double WeightDecay, bool Nesterov, bool Maximize);

    private static void SgdRange<T>(SgdArgs a, long lo, long hi) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* p = (T*)a.P + lo, g = (T*)a.G + lo, b = a.B == 0 ? null : (T*)a.B + lo;
        long n = hi - lo, i = 0;
        T wd = T.CreateTruncating(a.WeightDecay), mom = T.CreateTruncating(a.Momentum);
        T keep = T.CreateTruncating(1 - a.Dampening), negLr = T.CreateTruncating(-a.Lr);
        bool decay = a.WeightDecay != 0, momentum = b is not null;
        // Whole vectors, then the tail one element at a time.
        var vwd = Vector512.Create(wd);
        var vmom = Vector512.Create(mom);
        var vkeep = Vector512.Create(keep);
        var vlr = Vector512.Create(negLr);
        for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var d = Vector512.Load(g + i);
            if (a.Maximize) d = -d;
            var pv = Vector512.Load(p + i);
            if (decay) d = Fma(pv, vwd, d);
            if (momentum)
            {
                var bv = a.NewBuf ? d : Fma(d, vkeep, Vector512.Load(b + i) * vmom);
                Vector512.Store(bv, b + i);
                d = a.Nesterov ? Fma(bv, vmom, d) : bv;
            }
            Vector512.Store(Fma(d, vlr, pv), p + i);
        }
        for (; i < n; i++)
        {
            var d = a.Maximize ? -g[i] : g[i];
            if (decay) d = T.FusedMultiplyAdd(p[i], wd, d);
            if (momentum)
            {
                var bv = a.NewBuf ? d : T.FusedMultiplyAdd(d, keep, b[i] * mom);
                b[i] = bv;
                d = a.Nesterov ? T.FusedMultiplyAdd(bv, mom, d) : bv;
            }
            p[i] = T.FusedMultiplyAdd(d, negLr, p[i]);
        }
    }

    // ---------------------------------------------------------------- Adam / AdamW

    /// <summary>
    /// Adam's update with float bias corrections (<c>_single_tensor_adam</c>/<c>_single_tensor_adamw</c>, not
    /// capturable): <c>d = ±g (+ wd·p for Adam; p *= 1 − lr·wd for AdamW); m = β1·m + (1−β1)·d; v = β2·v + (1−β2)·d·d;
    /// v̂ = max(v̂, v) (AMSGrad); p += −stepSize·m / (√v̂ / √bc2 + ε)</c>.
    /// </summary>
    public static void Adam(Tensor p, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq, bool decoupled,
        double lr, double beta1, double beta2, double eps, double weightDecay, bool maximize, double stepSize,
        double biasCorrection2Sqrt)
    {
        var a = new AdamArgs((nint)p.Ptr, (nint)grad.Ptr, (nint)expAvg.Ptr, (nint)expAvgSq.Ptr,
            maxExpAvgSq is null ? 0 : (nint)maxExpAvgSq.Ptr, decoupled, lr, beta1, beta2, eps, weightDecay, maximize, stepSize,
            biasCorrection2Sqrt);
        if (p.dtype == DType.Float32) Split(p.Numel(), (lo, hi) => AdamRange<float>(a, lo, hi));
        else Split(p.Numel(), (lo, hi) => AdamRange<double>(a, lo, hi));
        Bump(p, decoupled ? 2 : 1);
        Bump(expAvg, 2);
        Bump(expAvgSq, 2);
        if (maxExpAvgSq is not null) Bump(maxExpAvgSq, 1);
    }

    private readonly record struct AdamArgs(nint P, nint G, nint M, nint V, nint VMax, bool Decoupled, double Lr, double Beta1,
        double Beta2, double Eps, double WeightDecay, bool Maximize, double StepSize, double BiasCorrection2Sqrt);

    private static void AdamRange<T>(AdamArgs a, long lo, long hi) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* p = (T*)a.P + lo, g = (T*)a.G + lo, m = (T*)a.M + lo, v = (T*)a.V + lo;
        T* vmax = a.VMax == 0 ? null : (T*)a.VMax + lo;
        long n = hi - lo, i = 0;
        bool l2 = !a.Decoupled && a.WeightDecay != 0, amsgrad = vmax is not null;
        T wd = T.CreateTruncating(a.WeightDecay), shrink = T.CreateTruncating(1 - a.Lr * a.WeightDecay);
        T b1 = T.CreateTruncating(a.Beta1), omb1 = T.CreateTruncating(1 - a.Beta1);
        T b2 = T.CreateTruncating(a.Beta2), omb2 = T.CreateTruncating(1 - a.Beta2);
        T bc2 = T.CreateTruncating(a.BiasCorrection2Sqrt), eps = T.CreateTruncating(a.Eps), negStep = T.CreateTruncating(-a.StepSize);
        // Whole vectors, then the tail one element at a time.
        var vwd = Vector512.Create(wd);
        var vshrink = Vector512.Create(shrink);
        var vb1 = Vector512.Create(b1);
        var vomb1 = Vector512.Create(omb1);
        var vb2 = Vector512.Create(b2);
        var vomb2 = Vector512.Create(omb2);
        var vbc2 = Vector512.Create(bc2);
        var veps = Vector512.Create(eps);
        var vstep = Vector512.Create(negStep);
        for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var d = Vector512.Load(g + i);
            if (a.Maximize) d = -d;
            var pv = Vector512.Load(p + i);
            if (l2) d = Fma(pv, vwd, d);
            if (a.Decoupled) pv *= vshrink;
            var mv = Fma(d, vomb1, Vector512.Load(m + i) * vb1);
            var vv = Vector512.Load(v + i) * vb2 + vomb2 * d * d;
            Vector512.Store(mv, m + i);
            Vector512.Store(vv, v + i);
            if (amsgrad)
            {
                vv = Vector512.Max(Vector512.Load(vmax + i), vv);
                Vector512.Store(vv, vmax + i);
            }
            var denom = Vector512.Sqrt(vv) / vbc2 + veps;
            Vector512.Store(pv + vstep * mv / denom, p + i);
        }
        for (; i < n; i++)
        {
            var d = a.Maximize ? -g[i] : g[i];
            var pv = p[i];
            if (l2) d = T.FusedMultiplyAdd(pv, wd, d);
            if (a.Decoupled) pv *= shrink;
            var mv = T.FusedMultiplyAdd(d, omb1, m[i] * b1);
            var vv = v[i] * b2 + omb2 * d * d;
            m[i] = mv;
            v[i] = vv;
            if (amsgrad)
            {
                vv = T.Max(vmax[i], vv);
                vmax[i] = vv;
            }
            var denom = T.Sqrt(vv) / bc2 + eps;
            p[i] = pv + negStep * mv / denom;
        }
    }

    // ---------------------------------------------------------------- RMSprop

    /// <summary>
    /// RMSprop's update (<c>_single_tensor_rmsprop</c>): <c>d = ±g + wd·p; s = α·s + (1−α)·d·d; c = α·c + (1−α)·d
    /// (centered); avg = √(s − c·c) or √s, + ε; b = μ·b + d/avg, p += −lr·b (momentum) or p += −lr·d/avg</c>.
    /// </summary>
    public static void RmsProp(Tensor p, Tensor grad, Tensor squareAvg, Tensor? gradAvg, Tensor? buf, double lr, double alpha,
        double eps, double weightDecay, double momentum, bool maximize)
    {
        var a = new RmsArgs((nint)p.Ptr, (nint)grad.Ptr, (nint)squareAvg.Ptr, gradAvg is null ? 0 : (nint)gradAvg.Ptr,
            buf is null ? 0 : (nint)buf.Ptr, lr, alpha, eps, weightDecay, momentum, maximize);
        if (p.dtype == DType.Float32) Split(p.Numel(), (lo, hi) => RmsRange<float>(a, lo, hi));
        else Split(p.Numel(), (lo, hi) => RmsRange<double>(a, lo, hi));
        Bump(p, 1);
        Bump(squareAvg, 2);
        if (gradAvg is not null) Bump(gradAvg, 2);
        if (buf is not null) Bump(buf, 2);
    }

    private readonly record struct RmsArgs(nint P, nint G, nint S, nint C, nint B, double Lr, double Alpha, double Eps,
        double WeightDecay, double Momentum, bool Maximize);

    private static void RmsRange<T>(RmsArgs a, long lo, long hi) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* p = (T*)a.P + lo, g = (T*)a.G + lo, s = (T*)a.S + lo;
        T* c = a.C == 0 ? null : (T*)a.C + lo, b = a.B == 0 ? null : (T*)a.B + lo;
        long n = hi - lo, i = 0;
        bool decay = a.WeightDecay != 0, centered = c is not null, momentum = b is not null;
        T wd = T.CreateTruncating(a.WeightDecay), al = T.CreateTruncating(a.Alpha), oma = T.CreateTruncating(1 - a.Alpha);
        T eps = T.CreateTruncating(a.Eps), mom = T.CreateTruncating(a.Momentum), negLr = T.CreateTruncating(-a.Lr);
        // Whole vectors, then the tail one element at a time.
        var vwd = Vector512.Create(wd);
        var val = Vector512.Create(al);
        var voma = Vector512.Create(oma);
        var veps = Vector512.Create(eps);
        var vmom = Vector512.Create(mom);
        var vlr = Vector512.Create(negLr);
        var vneg1 = Vector512.Create(-T.One);
        for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var d = Vector512.Load(g + i);
            if (a.Maximize) d = -d;
            var pv = Vector512.Load(p + i);
            if (decay) d = Fma(pv, vwd, d);
            var sv = Vector512.Load(s + i) * val + voma * d * d;
            Vector512.Store(sv, s + i);
            Vector512<T> avg;
            if (centered)
            {
                var cv = Fma(d, voma, Vector512.Load(c + i) * val);
                Vector512.Store(cv, c + i);
                avg = Vector512.Sqrt(sv + vneg1 * cv * cv);
            }
            else avg = Vector512.Sqrt(sv);
            avg += veps;
            if (momentum)
            {
                var bv = Vector512.Load(b + i) * vmom + d / avg;
                Vector512.Store(bv, b + i);
                Vector512.Store(Fma(bv, vlr, pv), p + i);
            }
            else Vector512.Store(pv + vlr * d / avg, p + i);
        }
        for (; i < n; i++)
        {
            var d = a.Maximize ? -g[i] : g[i];
            var pv = p[i];
            if (decay) d = T.FusedMultiplyAdd(pv, wd, d);
            var sv = s[i] * al + oma * d * d;
            s[i] = sv;
            T avg;
            if (centered)
            {
                var cv = T.FusedMultiplyAdd(d, oma, c[i] * al);
                c[i] = cv;
                avg = T.Sqrt(sv + -T.One * cv * cv);
            }
            else avg = T.Sqrt(sv);
            avg += eps;
            if (momentum)
            {
                var bv = b[i] * mom + d / avg;
                b[i] = bv;
                p[i] = T.FusedMultiplyAdd(bv, negLr, pv);
            }
            else p[i] = pv + negLr * d / avg;
        }
    }

    // ---------------------------------------------------------------- Adagrad

    /// <summary>
    /// Adagrad's dense update (<c>_single_tensor_adagrad</c>): <c>d = ±g + wd·p; s = s + d·d; p += −clr·d / (√s + ε)</c>.
    /// </summary>
    public static void Adagrad(Tensor p, Tensor grad, Tensor stateSum, double clr, double eps, double weightDecay, bool maximize)
    {
        var a = new AdagradArgs((nint)p.Ptr, (nint)grad.Ptr, (nint)stateSum.Ptr, clr, eps, weightDecay, maximize);
        if (p.dtype == DType.Float32) Split(p.Numel(), (lo, hi) => AdagradRange<float>(a, lo, hi));
        else Split(p.Numel(), (lo, hi) => AdagradRange<double>(a, lo, hi));
        Bump(p, 1);
        Bump(stateSum, 1);
    }

    private readonly record struct AdagradArgs(nint P, nint G, nint S, double Clr, double Eps, double WeightDecay, bool Maximize);

    private static void AdagradRange<T>(AdagradArgs a, long lo, long hi) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* p = (T*)a.P + lo, g = (T*)a.G + lo, s = (T*)a.S + lo;
        long n = hi - lo, i = 0;
        bool decay = a.WeightDecay != 0;
        T wd = T.CreateTruncating(a.WeightDecay), eps = T.CreateTruncating(a.Eps), negClr = T.CreateTruncating(-a.Clr);
        // Whole vectors, then the tail one element at a time.
        var vwd = Vector512.Create(wd);
        var veps = Vector512.Create(eps);
        var vclr = Vector512.Create(negClr);
        for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var d = Vector512.Load(g + i);
            if (a.Maximize) d = -d;
            var pv = Vector512.Load(p + i);
            if (decay) d = Fma(pv, vwd, d);
            var sv = Vector512.Load(s + i) + d * d;
            Vector512.Store(sv, s + i);
            Vector512.Store(pv + vclr * d / (Vector512.Sqrt(sv) + veps), p + i);
        }
        for (; i < n; i++)
        {
            var d = a.Maximize ? -g[i] : g[i];
            var pv = p[i];
            if (decay) d = T.FusedMultiplyAdd(pv, wd, d);
            var sv = s[i] + d * d;
            s[i] = sv;
            p[i] = pv + negClr * d / (T.Sqrt(sv) + eps);
        }
    }

    // x * y + z with one rounding (ATen's vectorised add(x, other, alpha) is fmadd(other, alpha, x)).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> z) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
    }
}
