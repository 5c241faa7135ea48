using Flint.Ops;
using static Flint.NN.LossSupport;

namespace Flint.NN;

public static partial class Functional
{
    /// <summary>
    /// The negative log likelihood of class indices: -weight[t]·input[n, t] for input (C), (N, C) or
    /// (N, C, d1, ..., dK) and target (), (N) or (N, d1, ..., dK); targets equal to ignore_index count nothing, and
    /// 'mean' divides by the summed weights of the others
    /// (<c>torch.nn.functional.nll_loss(input, target, weight=None, ignore_index=-100, reduction='mean')</c>).
    /// </summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
        string reduction = "mean")
    {
        var r = Parse(reduction);
        if (input.Dim() < 1) throw new ArgumentException($"Expected 1 or more dimensions (got {input.Dim()})");
        if (input.Dim() != 1 && target.Dim() >= 1 && input.Size(0) != target.Size(0))
            throw new ArgumentException(
                $"Expected input batch_size ({input.Size(0)}) to match target batch_size ({target.Size(0)}).");
        if (input.Dim() <= 2) return Nll(input, target, weight, ignoreIndex, r, "NllLossBackward0", "nll_loss_forward");
        if (input.Dim() == 4) return Nll2d(input, target, weight, ignoreIndex, r);
        // 3 or more than 4 dims: PyTorch views as (N, C, 1, rest) and runs the 2D kernel.
        var n = input.Size(0);
        var outSize = new long[input.Dim() - 1];
        outSize[0] = n;
        Array.Copy(input.shape, 2, outSize, 1, outSize.Length - 1);
        if (!target.shape.AsSpan(Math.Min(1, target.Dim())).SequenceEqual(input.shape.AsSpan(2)))
            throw new ArgumentException($"Expected target size {Shapes.Format(outSize)}, got {Shapes.Format(target.shape)}");
        var empty = input.Numel() == 0;
        var x = input.Contiguous().View(empty ? [n, input.Size(1), 0, 0] : [n, input.Size(1), 1, -1]);
        var t = target.Contiguous().View(empty ? [n, 0, 0] : [n, 1, -1]);
        var loss = Nll2d(x, t, weight, ignoreIndex, r);
        return r != LossReduction.None || empty ? loss : loss.View(outSize);
    }

    /// <summary>
    /// Cross entropy of logits: log_softmax over the class dim followed by <see cref="NllLoss"/> for class indices,
    /// or -Σ target·log_softmax(input) when the target holds class probabilities (same shape as the input)
    /// (<c>torch.nn.functional.cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean',
    /// label_smoothing=0.0)</c>). Label smoothing mixes the target with the uniform distribution over the C classes.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
        string reduction = "mean", double labelSmoothing = 0.0)
    {
        var r = Parse(reduction);
        int classDim = input.Dim() == 1 ? 0 : 1;
        if (input.Shape == target.Shape)
        {
            if (!target.IsFloatingPoint())
                throw new ArgumentException(
                    $"Expected floating point type for target with class probabilities, got {target.DType.ScalarTypeName()}");
            if (ignoreIndex >= 0) throw new ArgumentException("ignore_index is not supported for floating point target");
            return CrossEntropyProbabilities(input, target, weight, r, labelSmoothing, classDim);
        }
        if (labelSmoothing > 0)
        {
            CheckLabelSmoothing(labelSmoothing);
            return CrossEntropyLabelSmoothing(input, target, weight, ignoreIndex, r, labelSmoothing, classDim);
        }
        return NllLoss(LogSoftmax(input, classDim), target, weight, ignoreIndex, reduction);
    }

    private static void CheckLabelSmoothing(double labelSmoothing)
    {
        if (labelSmoothing > 1.0)
            throw new ArgumentException($"label_smoothing must be between 0.0 and 1.0. Got: {CppDouble(labelSmoothing)}");
    }

    // cross_entropy_loss_prob_target: -Σ_c w[c]·t[c]·log_softmax(x)[c], averaged over the N·d1·…·dK positions.
    private static Tensor CrossEntropyProbabilities(Tensor input, Tensor target, Tensor? weight, LossReduction r,
        double labelSmoothing, int classDim)
    {
        var classes = input.Size(classDim);
        if (weight is not null && (weight.Dim() != 1 || weight.Numel() != classes))
            throw new ArgumentException(
                $"cross_entropy: weight tensor should be defined either for all {classes} classes or no classes but got " +
                $"weight tensor of shape: {Shapes.Format(weight.shape)}");
        var logp = LogSoftmax(input, classDim);
        if (labelSmoothing > 0)
        {
            CheckLabelSmoothing(labelSmoothing);
            target = target.Mul(1 - labelSmoothing).Add(labelSmoothing / classes);
        }
        var prod = logp.Mul(target);
        if (weight is not null) prod = prod.Mul(input.Dim() > 1 ? ClassView(weight, input.Dim()) : weight);
        return r switch
        {
            LossReduction.Mean => input.Numel() == 0
                ? prod.Sum().Neg().Mul(double.NaN)
                : DivByNumber(prod.Sum().Neg(), input.Numel() / classes),
            LossReduction.Sum => prod.Sum().Neg(),
            _ => prod.Sum(classDim).Neg(),
        };
    }

    // cross_entropy_loss_label_smoothing: (1 - ε)·nll + ε/C · Σ_c -w[c]·log_softmax(x)[c], ignored positions dropped.
    private static Tensor CrossEntropyLabelSmoothing(Tensor input, Tensor target, Tensor? weight, long ignoreIndex,
        LossReduction r, double labelSmoothing, int classDim)
    {
        var classes = input.Size(classDim);
        var logp = LogSoftmax(input, classDim);
        var nll = NllLoss(logp, target, weight, ignoreIndex, ReductionName(r));
        var ignoreMask = target.Eq(ignoreIndex);
        var smooth = (weight is null ? logp : logp.Mul(ClassView(weight, logp.Dim(), classDim))).Sum(classDim).Neg();
        smooth = smooth.MaskedFill(ignoreMask, 0.0);
        Tensor ret = r switch
        {
            LossReduction.Mean when weight is not null =>
                smooth.Sum().Div(weight.Gather(0, target.MaskedSelect(ignoreMask.LogicalNot()).Flatten()).Sum()),
            LossReduction.Mean => smooth.Sum().Div(ignoreMask.LogicalNot().Sum()),
            LossReduction.Sum => smooth.Sum(),
            _ => smooth,
        };
        return nll.Mul(1 - labelSmoothing).Add(ret.Mul(labelSmoothing / classes));
    }

    // The weight (C) viewed to broadcast along the class dim of a tensor with `dims` dims.
    private static Tensor ClassView(Tensor weight, int dims, int classDim = 1)
    {
        var shape = Enumerable.Repeat(1L, dims).ToArray();
        shape[classDim] = weight.Size(0);
        return weight.View(shape);
    }

    private static string ReductionName(LossReduction r) => r switch
    {
        LossReduction.Mean => "mean",
        LossReduction.Sum => "sum",
        _ => "none",
    };

    // A double as C++'s ostream prints it in ATen's messages (%g: 1.5, 2, 1e-05).
    private static string CppDouble(double v) =>
        v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture).Replace('E', 'e');

    // nll_loss2d: a 4D input (N, C, H, W) and 3D target (N, H, W).
    private static Tensor Nll2d(Tensor input, Tensor target, Tensor? weight, long ignoreIndex, LossReduction r)
    {
        if (target.Dim() != 3)
            throw new ArgumentException(
                $"only batches of spatial targets supported (3D tensors) but got targets of dimension: {target.Dim()}");
        if (weight is not null && weight.Numel() != input.Size(1))
            throw new ArgumentException("weight tensor should be defined either for all or no classes");
        if (input.Size(0) != target.Size(0) || input.Size(2) != target.Size(1) || input.Size(3) != target.Size(2))
            throw new ArgumentException(
                $"size mismatch (got input: {Shapes.Format(input.shape)} , target: {Shapes.Format(target.shape)}");
        return Nll(input, target, weight, ignoreIndex, r, "NllLoss2DBackward0", "nll_loss2d_forward");
    }

    // The shared kernel: picks input[n, target[n, ...], ...] along the class dim, weighs it, masks ignored targets.
    private static Tensor Nll(Tensor input, Tensor target, Tensor? weight, long ignoreIndex, LossReduction r,
        string node, string function)
    {
        int classDim = input.Dim() == 1 ? 0 : 1;
        var classes = input.Size(classDim);
        if (input.Dim() <= 2)
        {
            if (target.Dim() > 1)
                throw new ArgumentException("0D or 1D target tensor expected, multi-target not supported");
            if (!(input.Dim() == 1 && target.Dim() == 0) && input.Size(0) != target.Size(0))
                throw new ArgumentException(
                    $"size mismatch (got input: {Shapes.Format(input.shape)}, target: {Shapes.Format(target.shape)})");
            if (weight is not null && (weight.Dim() != 1 || weight.Numel() != classes))
                throw new ArgumentException(
                    $"weight tensor should be defined either for all {classes} classes or no classes but got weight tensor " +
                    $"of shape: {Shapes.Format(weight.shape)}");
        }
        CheckNotRequiringGrad(function, "weight", weight);
        MathCommon.CheckFloat(input, input.Dim() <= 2 ? "nll_loss_out_frame" : "nll_loss2d_forward_out_frame");
        CheckLongTarget(target, allowByte: true);
        if (weight is not null && weight.DType != input.DType)
            throw new ArgumentException(
                $"expected scalar type {input.DType.ScalarTypeName()} but found {weight.DType.ScalarTypeName()}");
        CheckTargetsInRange(target, classes, ignoreIndex);

        Tensor index, w, ignored;
        using (Torch.NoGrad())
        {
            var t = target.Long();
            ignored = t.Eq(ignoreIndex);
            var safe = t.MaskedFill(ignored, 0);
            index = safe.Unsqueeze(classDim);
            w = weight is null ? Torch.OnesLike(t, input.DType) : weight.IndexSelect(0, safe.Flatten()).View(t.shape);
            w = w.MaskedFill(ignored, 0);
        }
        return Fused(() =>
        {
            var loss = input.Gather(classDim, index).Squeeze(classDim).Mul(w).Neg().MaskedFill(ignored, 0);
            return r switch
            {
                LossReduction.Sum => loss.Sum(),
                LossReduction.Mean => loss.Sum().Div(w.Sum()),
                _ => loss,
            };
        }, node, [input], [index, w, ignored], n =>
        {
            var (idx, wt) = (n.Saved(0), n.Saved(1));
            var g = r == LossReduction.Mean ? n.Grad.Div(wt.Sum()) : n.Grad;
            // Ignored positions get no gradient even when the total weight is zero (no 0·inf).
            var coef = wt.Mul(g).Neg().MaskedFill(n.Saved(2), 0).Unsqueeze(classDim);
            // Scattered into the fresh zeros in place, as PyTorch's nll_loss_backward does: a copying scatter made
            // one more pass over the [N, C] gradient.
            return [Torch.Zeros(input.Shape, coef.DType, input.Device).Scatter_(classDim, idx, coef)];
        });
    }

    // PyTorch checks each class index as its kernel reads it: "Target 5 is out of bounds."
    private static void CheckTargetsInRange(Tensor target, long classes, long ignoreIndex)
    {
        using var _ = Torch.NoGrad();
        var t = target.Long();
        var bad = t.Ne(ignoreIndex).LogicalAnd(t.Lt(0).LogicalOr(t.Ge(classes)));
        if (!bad.Any().Item<bool>()) return;
        var first = t.MaskedSelect(bad).Flatten()[0].Item<long>();
        throw new IndexOutOfRangeException($"Target {first} is out of bounds.");
    }
}
