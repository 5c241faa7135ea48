using Flint.Autograd;

namespace Flint.NN;

/// <summary>How a loss reduces its per-element values (ATen's <c>at::Reduction</c>).</summary>
internal enum LossReduction
{
    None,
    Mean,
    Sum,
}

/// <summary>The pieces every loss shares: reduction names, the reduction itself, and fused nodes.</summary>
internal static class LossSupport
{
    /// <summary>
    /// Reads a reduction name as <c>torch.nn._reduction.get_enum</c> does ('elementwise_mean' is PyTorch's old name
    /// for 'mean').
    /// </summary>
    public static LossReduction Parse(string reduction) => reduction switch
    {
        "none" => LossReduction.None,
        "mean" or "elementwise_mean" => LossReduction.Mean,
        "sum" => LossReduction.Sum,
        _ => throw new ArgumentException($"{reduction} is not a valid value for reduction"),
    };

    /// <summary>
    /// The check that poisson_nll_loss, gaussian_nll_loss and multilabel_soft_margin_loss make in Python, with its
    /// shorter message.
    /// </summary>
    public static LossReduction ParseStrict(string reduction) => reduction switch
    {
        "none" => LossReduction.None,
        "mean" => LossReduction.Mean,
        "sum" => LossReduction.Sum,
        _ => throw new ArgumentException($"{reduction} is not valid"),
    };

    /// <summary>ATen's <c>apply_loss_reduction</c>: the mean or sum of all elements, or the elements themselves.</summary>
    public static Tensor Apply(Tensor loss, LossReduction reduction) => reduction switch
    {
        LossReduction.Mean => loss.Mean(),
        LossReduction.Sum => loss.Sum(),
        _ => loss,
    };

    /// <summary>
    /// PyTorch's refusal of an input its derivative formulas do not cover, raised while grad mode is on:
    /// <c>The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'. ...</c>
    /// </summary>
    public static void CheckNotRequiringGrad(string function, string argument, Tensor? t)
    {
        if (t is not null && GradMode.IsEnabled && t.RequiresGrad)
            throw new InvalidOperationException(
                $"The function '{function}' is not differentiable with respect to argument '{argument}'. " +
                "This input cannot have requires_grad True.");
    }

    /// <summary>
    /// Runs a loss's forward without recording its inner ops and records one node with PyTorch's name and a
    /// backward written in differentiable tensor ops (so create_graph still gives second derivatives).
    /// </summary>
    public static Tensor Fused(Func<Tensor> forward, string node, Tensor?[] inputs, Tensor?[] saved,
        Func<FunctionNode, Tensor?[]> backward)
    {
        Tensor r;
        using (Torch.NoGrad()) r = forward();
        if (Graph.Needs(inputs)) Graph.Record(r, node, inputs, saved, backward);
        return r;
    }

    /// <summary>
    /// x / number as ATen's C++ writes it (the <c>div.Scalar</c> overload), recorded as PyTorch records it there:
    /// <c>DivBackward1</c>.
    /// </summary>
    public static Tensor DivByNumber(Tensor x, double divisor) =>
        Fused(() => x.Div(divisor), "DivBackward1", [x], [], n => [n.Grad.Div(divisor)]);

    /// <summary>The factor a mean reduction puts on every element's gradient: 1/numel for mean, 1 otherwise.</summary>
    public static double Norm(LossReduction reduction, long numel) => reduction == LossReduction.Mean ? 1.0 / numel : 1.0;

    /// <summary>The broadcast shape of two operands, with PyTorch's error when they do not broadcast.</summary>
    public static long[] BroadcastShape(Tensor a, Tensor b) => Shapes.Broadcast(a.shape, b.shape);

    /// <summary>True for the int64 and uint8 class-index tensors the NLL kernels read.</summary>
    public static void CheckLongTarget(Tensor target, bool allowByte = false)
    {
        if (target.DType == DType.Int64 || (allowByte && target.DType == DType.UInt8)) return;
        throw new ArgumentException($"expected scalar type Long but found {target.DType.ScalarTypeName()}");
    }

    /// <summary>A kernel's refusal of a dtype it has no form for: <c>"nll_loss_out_frame" not implemented for 'Long'</c>.</summary>
    public static NotSupportedException NotImplemented(string kernel, DType dtype) =>
        new($"\"{kernel}\" not implemented for '{dtype.ScalarTypeName()}'");
}
