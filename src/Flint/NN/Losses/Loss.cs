using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>
/// The base of the two-input losses (<c>torch.nn.modules.loss._Loss</c>): a module whose forward takes an input and a
/// target and reduces the per-element losses as <see cref="Reduction"/> says ('none', 'mean' or 'sum').
/// </summary>
public abstract class Loss(string reduction) : Module<Tensor, Tensor, Tensor>
{
    /// <summary>How the per-element losses are reduced: 'none', 'mean' or 'sum' (<c>loss.reduction</c>).</summary>
    public string Reduction { get; set; } = reduction;
}

/// <summary>
/// A loss with an optional per-class rescaling weight, registered as the buffer <c>weight</c>
/// (<c>torch.nn.modules.loss._WeightedLoss</c>).
/// </summary>
public abstract class WeightedLoss(Tensor? weight, string reduction) : Loss(reduction)
{
    [Buffer] private Tensor? weight = weight;

    /// <summary>The per-class weight, or null (<c>loss.weight</c>, a buffer).</summary>
    public Tensor? Weight
    {
        get => weight;
        set => weight = value;
    }
}

/// <summary>Mean absolute error (<c>torch.nn.L1Loss(reduction='mean')</c>); see <see cref="F.L1Loss"/>.</summary>
public class L1Loss(string reduction = "mean") : Loss(reduction)
{
    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) => F.L1Loss(input, target, Reduction);
}

/// <summary>Mean squared error (<c>torch.nn.MSELoss(reduction='mean')</c>); see <see cref="F.MseLoss"/>.</summary>
public class MSELoss(string reduction = "mean") : Loss(reduction)
{
    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) => F.MseLoss(input, target, Reduction);
}

/// <summary>
/// Smooth L1 loss, quadratic below <see cref="Beta"/> (<c>torch.nn.SmoothL1Loss(reduction='mean', beta=1.0)</c>); see
/// <see cref="F.SmoothL1Loss"/>.
/// </summary>
public class SmoothL1Loss(string reduction = "mean", double beta = 1.0) : Loss(reduction)
{
    /// <summary>Where the loss turns from quadratic to linear (<c>loss.beta</c>).</summary>
    public double Beta { get; set; } = beta;

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) => F.SmoothL1Loss(input, target, Reduction, Beta);
}

/// <summary>
/// Huber loss, quadratic below <see cref="Delta"/> (<c>torch.nn.HuberLoss(reduction='mean', delta=1.0)</c>); see
/// <see cref="F.HuberLoss"/>.
/// </summary>
public class HuberLoss(string reduction = "mean", double delta = 1.0) : Loss(reduction)
{
    /// <summary>Where the loss turns from quadratic to linear (<c>loss.delta</c>).</summary>
    public double Delta { get; set; } = delta;

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) => F.HuberLoss(input, target, Reduction, Delta);
}

/// <summary>
/// Two-class logistic loss for ±1 targets (<c>torch.nn.SoftMarginLoss(reduction='mean')</c>); see
/// <see cref="F.SoftMarginLoss"/>.
/// </summary>
public class SoftMarginLoss(string reduction = "mean") : Loss(reduction)
{
    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) => F.SoftMarginLoss(input, target, Reduction);
}

/// <summary>
/// Hinge embedding loss for ±1 targets (<c>torch.nn.HingeEmbeddingLoss(margin=1.0, reduction='mean')</c>); see
/// <see cref="F.HingeEmbeddingLoss"/>.
/// </summary>
public class HingeEmbeddingLoss(double margin = 1.0, string reduction = "mean") : Loss(reduction)
{
    /// <summary>The margin for dissimilar pairs (<c>loss.margin</c>).</summary>
    public double Margin { get; set; } = margin;

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) => F.HingeEmbeddingLoss(input, target, Margin, Reduction);
}

/// <summary>
/// Poisson negative log likelihood (<c>torch.nn.PoissonNLLLoss(log_input=True, full=False, eps=1e-8,
/// reduction='mean')</c>); see <see cref="F.PoissonNllLoss"/>.
/// </summary>
public class PoissonNLLLoss(bool logInput = true, bool full = false, double eps = 1e-8, string reduction = "mean")
    : Loss(reduction)
{
    /// <summary>Whether the input is the log of the rate (<c>loss.log_input</c>).</summary>
    public bool LogInput { get; set; } = logInput;

    /// <summary>Whether Stirling's term is added (<c>loss.full</c>).</summary>
    public bool Full { get; set; } = full;

    /// <summary>Added to the input before its log when not <see cref="LogInput"/> (<c>loss.eps</c>).</summary>
    public double Eps { get; set; } = eps;

    /// <summary>The loss of <paramref name="logInput"/> against <paramref name="target"/> (<c>forward(log_input, target)</c>).</summary>
    public override Tensor Forward(Tensor logInput, Tensor target) =>
        F.PoissonNllLoss(logInput, target, LogInput, Full, Eps, Reduction);
}

/// <summary>
/// Kullback-Leibler divergence (<c>torch.nn.KLDivLoss(reduction='mean', log_target=False)</c>); 'batchmean' divides
/// by the batch size. See <see cref="F.KlDiv"/>.
/// </summary>
public class KLDivLoss(string reduction = "mean", bool logTarget = false) : Loss(reduction)
{
    /// <summary>Whether the target is given as log-probabilities (<c>loss.log_target</c>).</summary>
    public bool LogTarget { get; set; } = logTarget;

    /// <summary>The divergence of <paramref name="input"/> from <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) => F.KlDiv(input, target, Reduction, LogTarget);
}

/// <summary>
/// Binary cross entropy of probabilities (<c>torch.nn.BCELoss(weight=None, reduction='mean')</c>); see
/// <see cref="F.BinaryCrossEntropy"/>.
/// </summary>
public class BCELoss(Tensor? weight = null, string reduction = "mean") : WeightedLoss(weight, reduction)
{
    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) => F.BinaryCrossEntropy(input, target, Weight, Reduction);
}

/// <summary>
/// Binary cross entropy on logits, numerically stable (<c>torch.nn.BCEWithLogitsLoss(weight=None, reduction='mean',
/// pos_weight=None)</c>); weight and pos_weight are buffers. See <see cref="F.BinaryCrossEntropyWithLogits"/>.
/// </summary>
public class BCEWithLogitsLoss(Tensor? weight = null, string reduction = "mean", Tensor? posWeight = null) : Loss(reduction)
{
    [Buffer] private Tensor? weight = weight;
    [Buffer] private Tensor? pos_weight = posWeight;

    /// <summary>The per-element rescaling weight, or null (<c>loss.weight</c>, a buffer).</summary>
    public Tensor? Weight
    {
        get => weight;
        set => weight = value;
    }

    /// <summary>The weight of positive examples per class, or null (<c>loss.pos_weight</c>, a buffer).</summary>
    public Tensor? PosWeight
    {
        get => pos_weight;
        set => pos_weight = value;
    }

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) =>
        F.BinaryCrossEntropyWithLogits(input, target, Weight, Reduction, PosWeight);
}

/// <summary>
/// Negative log likelihood of class indices (<c>torch.nn.NLLLoss(weight=None, ignore_index=-100,
/// reduction='mean')</c>); see <see cref="F.NllLoss"/>.
/// </summary>
public class NLLLoss(Tensor? weight = null, long ignoreIndex = -100, string reduction = "mean") : WeightedLoss(weight, reduction)
{
    /// <summary>The target value that is ignored (<c>loss.ignore_index</c>).</summary>
    public long IgnoreIndex { get; set; } = ignoreIndex;

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) => F.NllLoss(input, target, Weight, IgnoreIndex, Reduction);
}

/// <summary>
/// The deprecated name of <see cref="NLLLoss"/> for 4-D inputs (<c>torch.nn.NLLLoss2d</c>); it behaves as NLLLoss.
/// </summary>
[Obsolete("NLLLoss2d has been deprecated. Please use NLLLoss instead as a drop-in replacement and see " +
          "https://pytorch.org/docs/master/nn.html#torch.nn.NLLLoss for more details.")]
public class NLLLoss2d(Tensor? weight = null, long ignoreIndex = -100, string reduction = "mean")
    : NLLLoss(weight, ignoreIndex, reduction);

/// <summary>
/// Cross entropy of logits with class indices or class probabilities (<c>torch.nn.CrossEntropyLoss(weight=None,
/// ignore_index=-100, reduction='mean', label_smoothing=0.0)</c>); see <see cref="F.CrossEntropy"/>.
/// </summary>
public class CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, string reduction = "mean",
    double labelSmoothing = 0.0) : WeightedLoss(weight, reduction)
{
    /// <summary>The target value that is ignored (<c>loss.ignore_index</c>).</summary>
    public long IgnoreIndex { get; set; } = ignoreIndex;

    /// <summary>The amount of smoothing towards the uniform distribution (<c>loss.label_smoothing</c>).</summary>
    public double LabelSmoothing { get; set; } = labelSmoothing;

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) =>
        F.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction, LabelSmoothing);
}

/// <summary>
/// Multi-label one-versus-all logistic loss (<c>torch.nn.MultiLabelSoftMarginLoss(weight=None, reduction='mean')</c>);
/// see <see cref="F.MultilabelSoftMarginLoss"/>.
/// </summary>
public class MultiLabelSoftMarginLoss(Tensor? weight = null, string reduction = "mean") : WeightedLoss(weight, reduction)
{
    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) =>
        F.MultilabelSoftMarginLoss(input, target, Weight, Reduction);
}

/// <summary>
/// Multi-label hinge loss over -1-terminated class lists (<c>torch.nn.MultiLabelMarginLoss(reduction='mean')</c>); see
/// <see cref="F.MultilabelMarginLoss"/>.
/// </summary>
public class MultiLabelMarginLoss(string reduction = "mean") : Loss(reduction)
{
    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) => F.MultilabelMarginLoss(input, target, Reduction);
}

/// <summary>
/// Multi-class hinge loss (<c>torch.nn.MultiMarginLoss(p=1, margin=1.0, weight=None, reduction='mean')</c>); see
/// <see cref="F.MultiMarginLoss"/>.
/// </summary>
public class MultiMarginLoss : WeightedLoss
{
    /// <summary>Makes the loss; <paramref name="p"/> must be 1 or 2 and a weight one-dimensional.</summary>
    public MultiMarginLoss(long p = 1, double margin = 1.0, Tensor? weight = null, string reduction = "mean")
        : base(weight, reduction)
    {
        if (p != 1 && p != 2) throw new ArgumentException("only p == 1 and p == 2 supported");
        if (weight is not null && weight.Dim() != 1) throw new ArgumentException("weight must be one-dimensional");
        P = p;
        Margin = margin;
    }

    /// <summary>The exponent of each hinge term, 1 or 2 (<c>loss.p</c>).</summary>
    public long P { get; set; }

    /// <summary>The margin (<c>loss.margin</c>).</summary>
    public double Margin { get; set; }

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>forward(input, target)</c>).</summary>
    public override Tensor Forward(Tensor input, Tensor target) =>
        F.MultiMarginLoss(input, target, P, Margin, Weight, Reduction);
}
