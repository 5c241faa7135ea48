using Flint.Autograd;
using static Flint.NN.LossSupport;

namespace Flint.NN;

public static partial class Functional
{
    /// <summary>
    /// The multi-class hinge loss: for each frame, Σ_{d ≠ y} w[y]·max(0, margin - x[y] + x[d])^p / C, for input (C) or
    /// (N, C) and class indices y (<c>torch.nn.functional.multi_margin_loss(input, target, p=1, margin=1.0,
    /// weight=None, reduction='mean')</c>); p is 1 or 2.
    /// </summary>
    public static Tensor MultiMarginLoss(Tensor input, Tensor target, long p = 1, double margin = 1.0, Tensor? weight = null,
        string reduction = "mean")
    {
        var r = Parse(reduction);
        if (p != 1 && p != 2) throw new ArgumentException("only p == 1 and p == 2 supported");
        if (weight is not null && weight.Dim() != 1) throw new ArgumentException("weight must be one-dimensional");
        CheckNotRequiringGrad("multi_margin_loss", "weight", weight);
        var (nframe, dim) = MarginFrames(input);
        if (!(target.Dim() <= 1 && target.Numel() == nframe))
            throw new ArgumentException($"inconsistent target size, got: {Shapes.Format(target.shape)}");
        if (input.DType is not (DType.Float32 or DType.Float64)) throw NotImplemented("multi_margin_loss_cpu_kernel", input.DType);
        CheckLongTarget(target);
        if (weight is not null && weight.Numel() != dim)
            throw new ArgumentException($"inconsistent weight size, expected {dim} but got {Shapes.Format(weight.shape)}");
        Tensor index, onehot, frameWeight;
        using (Torch.NoGrad())
        {
            if (target.Lt(0).LogicalOr(target.Ge(dim)).Any().Item<bool>()) throw new ArgumentException("target out of range");
            index = target.Reshape(nframe, 1);
            onehot = Torch.Zeros([nframe, dim], input.DType, input.Device).Scatter(1, index, 1.0);
            frameWeight = weight is null
                ? Torch.Ones([nframe, 1], input.DType, input.Device)
                : weight.IndexSelect(0, index.Flatten()).View(nframe, 1);
        }
        long[] outShape = r == LossReduction.None && target.Dim() > 0 ? [nframe] : [];
        return Fused(() =>
        {
            var (z, active) = MarginTerms(input, index, onehot, margin, nframe, dim);
            var h = Torch.Where(active, p == 1 ? z : z.Mul(z), 0.0).Mul(frameWeight);
            var perFrame = h.Sum(1).Div(dim);
            return r switch
            {
                LossReduction.Sum => perFrame.Sum(),
                LossReduction.Mean => perFrame.Sum().Div(nframe),
                _ => perFrame.Reshape(outShape),
            };
        }, "MultiMarginLossBackward0", [input], [input, index, onehot, frameWeight], n =>
        {
            var (z, active) = MarginTerms(n.Saved(0), n.Saved(1), n.Saved(2), margin, nframe, dim);
            var slope = Torch.Where(active, p == 1 ? Torch.OnesLike(z) : z.Mul(2), 0.0).Mul(n.Saved(3)).Div(dim);
            var g = slope.Sub(n.Saved(2).Mul(slope.Sum(1, keepdim: true)));
            return [g.Mul(FrameGrad(n.Grad, r, nframe)).Reshape(input.shape)];
        });
    }

    /// <summary>
    /// The multi-label hinge loss: for each frame, Σ_{j} Σ_{d not a target} max(0, 1 - x[y_j] + x[d]) / C, the targets
    /// y being class indices listed first in each target row and ended by -1
    /// (<c>torch.nn.functional.multilabel_margin_loss(input, target, reduction='mean')</c>).
    /// </summary>
    public static Tensor MultilabelMarginLoss(Tensor input, Tensor target, string reduction = "mean")
    {
        var r = Parse(reduction);
        var (nframe, dim) = MarginFrames(input);
        bool sizeOk = input.Dim() <= 1
            ? target.Dim() <= 1 && target.Numel() == dim
            : target.Dim() == 2 && target.Size(0) == nframe && target.Size(1) == dim;
        if (!sizeOk) throw new ArgumentException($"inconsistent size {Shapes.Format(target.shape)} for argument #2 'target'");
        if (input.DType is not (DType.Float32 or DType.Float64))
            throw NotImplemented("multilabel_margin_loss_forward_out_frame", input.DType);
        CheckLongTarget(target);
        var needsGrad = Graph.Needs(input);
        Tensor perFrame, result;
        Tensor? coef = null;
        using (Torch.NoGrad())
        {
            if (target.Numel() > 0 && (target.Min().Item<long>() < -1 || target.Max().Item<long>() >= dim))
                throw new ArgumentException("argument #2 'target' is out of range");
            var x = input.Contiguous().Reshape(nframe, dim);
            var t = target.Contiguous().Reshape(nframe, dim);
            perFrame = Torch.Empty([nframe], input.DType, input.Device);
            if (needsGrad) coef = Torch.Empty([nframe, dim], input.DType, input.Device);
            if (nframe > 0) input.Backend.MultilabelMarginLoss(x, t, perFrame, coef);
            result = r switch
            {
                LossReduction.Sum => perFrame.Sum(),
                LossReduction.Mean => perFrame.Sum().Div(nframe),
                _ => target.Dim() <= 1 ? perFrame.Reshape() : perFrame,
            };
        }
        if (needsGrad)
            Graph.Record(result, "MultilabelMarginLossBackward0", [input], [coef], n =>
                [n.Saved(0).Mul(FrameGrad(n.Grad, r, nframe)).Reshape(input.shape)]);
        return result;
    }

    /// <summary>
    /// The triplet loss max(0, margin + d(a, p) - d(a, n)) with d the p-norm pairwise distance
    /// (<c>torch.nn.functional.triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
    /// reduction='mean')</c>); swap uses min(d(a, n), d(p, n)).
    /// </summary>
    public static Tensor TripletMarginLoss(Tensor anchor, Tensor positive, Tensor negative, double margin = 1.0,
        double p = 2, double eps = 1e-6, bool swap = false, string reduction = "mean")
    {
        var r = Parse(reduction);
        if (anchor.Dim() != positive.Dim() || positive.Dim() != negative.Dim())
            throw new ArgumentException(
                $"All inputs should have same dimension but got {anchor.Dim()}D, {positive.Dim()}D and {negative.Dim()}D inputs.");
        var distPos = PairwiseDistance(anchor, positive, p, eps);
        var distNeg = PairwiseDistance(anchor, negative, p, eps);
        if (swap) distNeg = Torch.Minimum(distNeg, PairwiseDistance(positive, negative, p, eps));
        return Apply(distPos.Add(margin).Sub(distNeg).ClampMin(0), r);
    }

    /// <summary>
    /// The triplet loss max(0, d(a, p) - d(a, n) + margin) with any distance function (default
    /// <see cref="PairwiseDistance"/>) (<c>torch.nn.functional.triplet_margin_with_distance_loss(anchor, positive,
    /// negative, *, distance_function=None, margin=1.0, swap=False, reduction='mean')</c>).
    /// </summary>
    public static Tensor TripletMarginWithDistanceLoss(Tensor anchor, Tensor positive, Tensor negative,
        Func<Tensor, Tensor, Tensor>? distanceFunction = null, double margin = 1.0, bool swap = false,
        string reduction = "mean")
    {
        var distance = distanceFunction ?? ((a, b) => PairwiseDistance(a, b));
        var positiveDist = distance(anchor, positive);
        var negativeDist = distance(anchor, negative);
        if (swap) negativeDist = Torch.Minimum(negativeDist, distance(positive, negative));
        var output = positiveDist.Sub(negativeDist).Add(margin).Clamp(min: 0.0);
        return Apply(output, Parse(reduction));
    }

    // ATen's shape check for the margin losses: (nframe, dim) of a 0-, 1- or 2-D input.
    private static (long Frames, long Dim) MarginFrames(Tensor input)
    {
        int nd = input.Dim();
        if (!((nd == 2 && input.Size(1) != 0) || (nd == 1 && input.Size(0) != 0) || nd == 0))
            throw new ArgumentException(
                $"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {Shapes.Format(input.shape)}");
        return nd <= 1 ? (1, nd == 0 ? 1 : input.Size(0)) : (input.Size(0), input.Size(1));
    }

    // z = margin - x[y] + x[d] for every class d, and where it counts (z > 0, d ≠ y).
    private static (Tensor Z, Tensor Active) MarginTerms(Tensor input, Tensor index, Tensor onehot, double margin,
        long nframe, long dim)
    {
        var x = input.Reshape(nframe, dim);
        var z = x.Gather(1, index).Rsub(margin).Add(x);
        return (z, z.Gt(0).LogicalAnd(onehot.Eq(0)));
    }

    // The output gradient per frame, shaped (nframe, 1): each frame's own for 'none', the scalar (over nframe for 'mean').
    private static Tensor FrameGrad(Tensor grad, LossReduction r, long nframe) => r switch
    {
        LossReduction.None => grad.Reshape(nframe, 1),
        LossReduction.Mean => grad.Div(nframe),
        _ => grad,
    };
}
