using Flint.Autograd;
using Flint.NN;
using Flint.Ops;

namespace Flint;

public partial class Tensor
{
    /// <summary>
    /// exp(x) / Σ exp(x) along <paramref name="dim"/> (<c>x.softmax(dim, dtype)</c>); with <paramref name="dtype"/> the input
    /// is converted first. One fused pass per slice forward and backward.
    /// </summary>
    public Tensor Softmax(long dim, DType? dtype = null) => SoftmaxOps.Forward(this, dim, dtype, log: false);

    /// <summary>log(softmax(x)) computed stably along <paramref name="dim"/> (<c>x.log_softmax(dim, dtype)</c>).</summary>
    public Tensor LogSoftmax(long dim, DType? dtype = null) => SoftmaxOps.Forward(this, dim, dtype, log: true);
}

public static partial class Torch
{
    /// <summary><c>torch.softmax(input, dim, dtype)</c>.</summary>
    public static Tensor Softmax(Tensor input, long dim, DType? dtype = null) => input.Softmax(dim, dtype);

    /// <summary><c>torch.log_softmax(input, dim, dtype)</c>.</summary>
    public static Tensor LogSoftmax(Tensor input, long dim, DType? dtype = null) => input.LogSoftmax(dim, dtype);
}

/// <summary>The forward and backward of softmax and log_softmax over the backend's fused kernels.</summary>
internal static class SoftmaxOps
{
    public static Tensor Forward(Tensor input, long dim, DType? dtype, bool log)
    {
        var x = dtype is { } dt ? input.To(dt) : input;
        var d = Shapes.WrapDim(dim, x.Dim());
        var lastDim = x.Dim() == 0 || d == x.Dim() - 1;
        var kernel = (log ? "log_" : "") + (lastDim ? "softmax_lastdim_kernel_impl" : "softmax_kernel_impl");
        MathCommon.CheckFloat(x, kernel);
        Tensor y;
        using (Torch.NoGrad()) y = Run(x, d, log);
        if (Graph.Needs(x))
            Graph.Record(y, log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", [x], [y], n =>
            {
                if (Functional.CreatingGraph)
                {
                    // Differentiable form over the saved output: d softmax = y·(g − Σg·y), d log_softmax = g − exp(y)·Σg.
                    Tensor g = n.Grad, yv = n.Saved(0);
                    return [log
                        ? g.Sub(yv.Exp().Mul(g.Sum(d, keepdim: true)))
                        : yv.Mul(g.Sub(g.Mul(yv).Sum(d, keepdim: true)))];
                }
                return [Backward(n.Grad, n.Saved(0), d, log)];
            });
        return y;
    }

    private static Tensor Run(Tensor x, int dim, bool log)
    {
        var compute = ComputeType(x.DType);
        var xc = Elementwise.Cast(x, compute, x.Device);
        if (!xc.IsContiguous()) xc = xc.Contiguous();
        var y = Tensor.Allocate((long[])x.shape.Clone(), compute, x.Device);
        y.Backend.Softmax(xc, y, dim, log);
        return compute == x.DType ? y : Elementwise.Cast(y, x.DType, x.Device);
    }

    // bfloat16 (and float16, which only CUDA takes) compute in float32.
    private static DType ComputeType(DType t) => t is DType.BFloat16 or DType.Float16 ? DType.Float32 : t;

    private static Tensor Backward(Tensor grad, Tensor output, int dim, bool log)
    {
        var compute = ComputeType(output.DType);
        var g = Elementwise.Cast(grad, compute, output.Device);
        var y = Elementwise.Cast(output, compute, output.Device);
        if (!g.IsContiguous()) g = g.Contiguous();
        if (!y.IsContiguous()) y = y.Contiguous();
        var gi = Tensor.Allocate((long[])output.shape.Clone(), compute, output.Device);
        gi.Backend.SoftmaxBackward(g, y, gi, dim, log);
        return compute == output.DType ? gi : Elementwise.Cast(gi, output.DType, output.Device);
    }
}
