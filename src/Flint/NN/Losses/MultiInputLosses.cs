using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>
/// Ranking loss for pairs of inputs with ±1 targets (<c>torch.nn.MarginRankingLoss(margin=0.0, reduction='mean')</c>);
/// see <see cref="F.MarginRankingLoss"/>.
/// </summary>
public class MarginRankingLoss(double margin = 0.0, string reduction = "mean") : Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>The margin (<c>loss.margin</c>).</summary>
    public double Margin { get; set; } = margin;

    /// <summary>'none', 'mean' or 'sum' (<c>loss.reduction</c>).</summary>
    public string Reduction { get; set; } = reduction;

    /// <summary>The loss of the pair against <paramref name="target"/> (<c>forward(input1, input2, target)</c>).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor target) =>
        F.MarginRankingLoss(input1, input2, target, Margin, Reduction);
}

/// <summary>
/// Cosine similarity loss for pairs with ±1 targets (<c>torch.nn.CosineEmbeddingLoss(margin=0.0,
/// reduction='mean')</c>); see <see cref="F.CosineEmbeddingLoss"/>.
/// </summary>
public class CosineEmbeddingLoss(double margin = 0.0, string reduction = "mean") : Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>The margin for dissimilar pairs (<c>loss.margin</c>).</summary>
    public double Margin { get; set; } = margin;

    /// <summary>'none', 'mean' or 'sum' (<c>loss.reduction</c>).</summary>
    public string Reduction { get; set; } = reduction;

    /// <summary>The loss of the pair against <paramref name="target"/> (<c>forward(input1, input2, target)</c>).</summary>
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor target) =>
        F.CosineEmbeddingLoss(input1, input2, target, Margin, Reduction);
}

/// <summary>
/// Gaussian negative log likelihood with a predicted variance (<c>torch.nn.GaussianNLLLoss(*, full=False, eps=1e-6,
/// reduction='mean')</c>); see <see cref="F.GaussianNllLoss"/>.
/// </summary>
public class GaussianNLLLoss(bool full = false, double eps = 1e-6, string reduction = "mean")
    : Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>Whether the constant 0.5·log(2π) is added (<c>loss.full</c>).</summary>
    public bool Full { get; set; } = full;

    /// <summary>The floor the variance is clamped to (<c>loss.eps</c>).</summary>
    public double Eps { get; set; } = eps;

    /// <summary>'none', 'mean' or 'sum' (<c>loss.reduction</c>).</summary>
    public string Reduction { get; set; } = reduction;

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target, var)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target, Tensor var) =>
        F.GaussianNllLoss(input, target, var, Full, Eps, Reduction);
}

/// <summary>
/// Triplet loss with the p-norm distance (<c>torch.nn.TripletMarginLoss(margin=1.0, p=2.0, eps=1e-6, swap=False,
/// reduction='mean')</c>); see <see cref="F.TripletMarginLoss"/>.
/// </summary>
public class TripletMarginLoss(double margin = 1.0, double p = 2.0, double eps = 1e-6, bool swap = false,
    string reduction = "mean") : Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>The margin (<c>loss.margin</c>).</summary>
    public double Margin { get; set; } = margin;

    /// <summary>The norm degree of the distance (<c>loss.p</c>).</summary>
    public double P { get; set; } = p;

    /// <summary>Added to the differences before the norm (<c>loss.eps</c>).</summary>
    public double Eps { get; set; } = eps;

    /// <summary>Whether the positive-negative distance may stand in for the anchor-negative one (<c>loss.swap</c>).</summary>
    public bool Swap { get; set; } = swap;

    /// <summary>'none', 'mean' or 'sum' (<c>loss.reduction</c>).</summary>
    public string Reduction { get; set; } = reduction;

    /// <summary>The loss of a triplet (<c>forward(anchor, positive, negative)</c>).</summary>
    public override Tensor Forward(Tensor anchor, Tensor positive, Tensor negative) =>
        F.TripletMarginLoss(anchor, positive, negative, Margin, P, Eps, Swap, Reduction);
}

/// <summary>
/// Triplet loss with any distance function (<c>torch.nn.TripletMarginWithDistanceLoss(*, distance_function=None,
/// margin=1.0, swap=False, reduction='mean')</c>); see <see cref="F.TripletMarginWithDistanceLoss"/>. A distance given
/// as a module is registered (and printed) as the child <c>distance_function</c>, as in PyTorch.
/// </summary>
public class TripletMarginWithDistanceLoss : Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor, Tensor>? distance;

    /// <summary>Makes the loss with a distance function (null: the 2-norm pairwise distance).</summary>
    public TripletMarginWithDistanceLoss(Func<Tensor, Tensor, Tensor>? distanceFunction = null, double margin = 1.0,
        bool swap = false, string reduction = "mean")
    {
        distance = distanceFunction;
        Margin = margin;
        Swap = swap;
        Reduction = reduction;
    }

    /// <summary>Makes the loss with a distance module, registered as the child <c>distance_function</c>.</summary>
    public TripletMarginWithDistanceLoss(Module<Tensor, Tensor, Tensor> distanceFunction, double margin = 1.0,
        bool swap = false, string reduction = "mean")
        : this(distanceFunction.Call, margin, swap, reduction) => RegisterModule("distance_function", distanceFunction);

    /// <summary>The margin (<c>loss.margin</c>).</summary>
    public double Margin { get; set; }

    /// <summary>Whether the positive-negative distance may stand in for the anchor-negative one (<c>loss.swap</c>).</summary>
    public bool Swap { get; set; }

    /// <summary>'none', 'mean' or 'sum' (<c>loss.reduction</c>).</summary>
    public string Reduction { get; set; }

    /// <summary>The loss of a triplet (<c>forward(anchor, positive, negative)</c>).</summary>
    public override Tensor Forward(Tensor anchor, Tensor positive, Tensor negative) =>
        F.TripletMarginWithDistanceLoss(anchor, positive, negative, distance, Margin, Swap, Reduction);
}

/// <summary>
/// Connectionist Temporal Classification loss (<c>torch.nn.CTCLoss(blank=0, reduction='mean', zero_infinity=False)</c>);
/// see <see cref="F.CtcLoss(Tensor, Tensor, Tensor, Tensor, long, string, bool)"/>.
/// </summary>
public class CTCLoss(long blank = 0, string reduction = "mean", bool zeroInfinity = false) : Module
{
    /// <summary>The blank label (<c>loss.blank</c>).</summary>
    public long Blank { get; set; } = blank;

    /// <summary>'none', 'mean' or 'sum' (<c>loss.reduction</c>).</summary>
    public string Reduction { get; set; } = reduction;

    /// <summary>Whether infinite losses (and their gradients) are zeroed (<c>loss.zero_infinity</c>).</summary>
    public bool ZeroInfinity { get; set; } = zeroInfinity;

    /// <summary>The loss (<c>forward(log_probs, targets, input_lengths, target_lengths)</c>).</summary>
    public virtual Tensor Forward(Tensor logProbs, Tensor targets, Tensor inputLengths, Tensor targetLengths) =>
        F.CtcLoss(logProbs, targets, inputLengths, targetLengths, Blank, Reduction, ZeroInfinity);

    /// <summary>The loss with the lengths as numbers (<c>forward(log_probs, targets, [..], [..])</c>).</summary>
    public virtual Tensor Forward(Tensor logProbs, Tensor targets, long[] inputLengths, long[] targetLengths) =>
        F.CtcLoss(logProbs, targets, inputLengths, targetLengths, Blank, Reduction, ZeroInfinity);

    /// <summary>Runs forward hooks and <see cref="Forward(Tensor, Tensor, Tensor, Tensor)"/> (<c>loss(...)</c>).</summary>
    public Tensor Call(Tensor logProbs, Tensor targets, Tensor inputLengths, Tensor targetLengths) =>
        HasCallHooks
            ? Invoke([logProbs, targets, inputLengths, targetLengths],
                a => Forward((Tensor)a[0]!, (Tensor)a[1]!, (Tensor)a[2]!, (Tensor)a[3]!))
            : Forward(logProbs, targets, inputLengths, targetLengths);

    /// <summary>Runs forward hooks and <see cref="Forward(Tensor, Tensor, long[], long[])"/> (<c>loss(...)</c>).</summary>
    public Tensor Call(Tensor logProbs, Tensor targets, long[] inputLengths, long[] targetLengths) =>
        HasCallHooks
            ? Invoke([logProbs, targets, inputLengths, targetLengths],
                a => Forward((Tensor)a[0]!, (Tensor)a[1]!, (long[])a[2]!, (long[])a[3]!))
            : Forward(logProbs, targets, inputLengths, targetLengths);
}
