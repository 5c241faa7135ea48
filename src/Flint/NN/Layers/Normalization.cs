using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>
/// The common part of batch and instance norm (PyTorch's <c>_NormBase</c>): the affine parameters <c>weight</c> and
/// <c>bias</c> [num_features] (ones and zeros), and when tracking the buffers <c>running_mean</c> (zeros),
/// <c>running_var</c> (ones) and <c>num_batches_tracked</c> (an int64 scalar), in PyTorch's state-dict order.
/// </summary>
public abstract class NormBase : Module<Tensor, Tensor>
{
    /// <summary>The scale [num_features], or null without <c>affine</c>.</summary>
    public Parameter? Weight;

    /// <summary>The shift [num_features], or null without <c>affine</c>.</summary>
    public Parameter? Bias;

    /// <summary>The running mean [num_features], or null without <c>track_running_stats</c>.</summary>
    [Buffer] public Tensor? RunningMean;

    /// <summary>The running variance [num_features], or null without <c>track_running_stats</c>.</summary>
    [Buffer] public Tensor? RunningVar;

    /// <summary>How many training batches updated the running statistics (int64 scalar), or null.</summary>
    [Buffer] public Tensor? NumBatchesTracked;

    /// <summary>The shared constructor of <c>_NormBase(num_features, eps, momentum, affine, track_running_stats)</c>.</summary>
    protected NormBase(long numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, Device? device, DType? dtype)
    {
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        if (affine)
        {
            Weight = new Parameter(Torch.Empty([numFeatures], dtype: dtype, device: device));
            Bias = new Parameter(Torch.Empty([numFeatures], dtype: dtype, device: device));
        }
        if (trackRunningStats)
        {
            RunningMean = Torch.Zeros([numFeatures], dtype: dtype, device: device);
            RunningVar = Torch.Ones([numFeatures], dtype: dtype, device: device);
            NumBatchesTracked = Torch.Tensor(0L, dtype: DType.Int64, device: device);
        }
        ResetParameters();
    }

    /// <summary>Number of channels C (<c>num_features</c>).</summary>
    public long NumFeatures { get; }

    /// <summary>Added to the variance for stability (<c>eps</c>).</summary>
    public double Eps { get; }

    /// <summary>Weight of the new batch in the running statistics; null for a cumulative average (<c>momentum</c>).</summary>
    public double? Momentum { get; }

    /// <summary>Whether there are learnable <c>weight</c> and <c>bias</c> (<c>affine</c>).</summary>
    public bool Affine { get; }

    /// <summary>Whether running statistics are kept (<c>track_running_stats</c>).</summary>
    public bool TrackRunningStats { get; }

    /// <summary>Zeroes the running mean and batch count and sets the running variance to one (<c>reset_running_stats()</c>).</summary>
    public void ResetRunningStats()
    {
        if (!TrackRunningStats) return;
        using (Torch.NoGrad())
        {
            RunningMean!.Zero_();
            RunningVar!.Fill_(1);
            NumBatchesTracked!.Zero_();
        }
    }

    /// <summary>Resets the running statistics and the affine parameters to ones and zeros (<c>reset_parameters()</c>).</summary>
    public void ResetParameters()
    {
        ResetRunningStats();
        if (!Affine) return;
        Init.Ones_(Weight!);
        Init.Zeros_(Bias!);
    }

    /// <summary>Throws PyTorch's error if the input has the wrong number of dims for this layer.</summary>
    protected abstract void CheckInputDim(Tensor input);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"{NumFeatures}, eps={F.Py(Eps)}, momentum={(Momentum is { } m ? F.Py(m) : "None")}, affine={ActivationRepr.Bool(Affine)}, " +
        $"track_running_stats={ActivationRepr.Bool(TrackRunningStats)}";
}

/// <summary>
/// Batch normalisation over dim 1 (<c>_BatchNorm</c>): batch statistics in training (updating the running statistics
/// and <c>num_batches_tracked</c>), running statistics in evaluation.
/// </summary>
public abstract class BatchNormBase(long numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, Device? device, DType? dtype)
    : NormBase(numFeatures, eps, momentum, affine, trackRunningStats, device, dtype)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        CheckInputDim(input);
        var factor = Momentum ?? 0.0;
        if (Training && TrackRunningStats && NumBatchesTracked is not null)
        {
            using (Torch.NoGrad()) NumBatchesTracked.Add_(1);
            if (Momentum is null) factor = 1.0 / NumBatchesTracked.Item<long>();
        }
        var bnTraining = Training || (RunningMean is null && RunningVar is null);
        var useStats = !Training || TrackRunningStats;
        return F.BatchNorm(input, useStats ? RunningMean : null, useStats ? RunningVar : null, Weight, Bias, bnTraining, factor, Eps);
    }
}

/// <summary>Batch norm of (N, C) or (N, C, L) input (<c>nn.BatchNorm1d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)</c>).</summary>
public sealed class BatchNorm1d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    Device? device = null, DType? dtype = null) : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, device, dtype)
{
    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim() is not (2 or 3)) throw new ArgumentException($"expected 2D or 3D input (got {input.Dim()}D input)");
    }
}

/// <summary>Batch norm of (N, C, H, W) input (<c>nn.BatchNorm2d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)</c>).</summary>
public sealed class BatchNorm2d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    Device? device = null, DType? dtype = null) : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, device, dtype)
{
    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim() != 4) throw new ArgumentException($"expected 4D input (got {input.Dim()}D input)");
    }
}

/// <summary>Batch norm of (N, C, D, H, W) input (<c>nn.BatchNorm3d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)</c>).</summary>
public sealed class BatchNorm3d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    Device? device = null, DType? dtype = null) : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, device, dtype)
{
    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim() != 5) throw new ArgumentException($"expected 5D input (got {input.Dim()}D input)");
    }
}

/// <summary>
/// Instance normalisation (<c>_InstanceNorm</c>): each sample's channels normalised by their own statistics; by default
/// without affine parameters or running statistics. An input without the batch dim is handled as a batch of one.
/// </summary>
public abstract class InstanceNormBase(long numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, Device? device, DType? dtype)
    : NormBase(numFeatures, eps, momentum, affine, trackRunningStats, device, dtype)
{
    /// <summary>The dim count of an input without a batch dim.</summary>
    private protected abstract int NoBatchDim { get; }

    private Tensor Apply(Tensor input) =>
        F.InstanceNorm(input, RunningMean, RunningVar, Weight, Bias, Training || !TrackRunningStats, Momentum ?? 0.0, Eps);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        CheckInputDim(input);
        return input.Dim() == NoBatchDim ? Apply(input.Unsqueeze(0)).Squeeze(0) : Apply(input);
    }
}

/// <summary>Instance norm of (N, C, L) or (C, L) input (<c>nn.InstanceNorm1d(num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)</c>).</summary>
public sealed class InstanceNorm1d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool trackRunningStats = false,
    Device? device = null, DType? dtype = null) : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats, device, dtype)
{
    private protected override int NoBatchDim => 2;

    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim() is not (2 or 3)) throw new ArgumentException($"expected 2D or 3D input (got {input.Dim()}D input)");
    }
}

/// <summary>Instance norm of (N, C, H, W) or (C, H, W) input (<c>nn.InstanceNorm2d(num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)</c>).</summary>
public sealed class InstanceNorm2d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool trackRunningStats = false,
    Device? device = null, DType? dtype = null) : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats, device, dtype)
{
    private protected override int NoBatchDim => 3;

    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim() is not (3 or 4)) throw new ArgumentException($"expected 3D or 4D input (got {input.Dim()}D input)");
    }
}

/// <summary>Instance norm of (N, C, D, H, W) or (C, D, H, W) input (<c>nn.InstanceNorm3d(num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)</c>).</summary>
public sealed class InstanceNorm3d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = false, bool trackRunningStats = false,
    Device? device = null, DType? dtype = null) : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats, device, dtype)
{
    private protected override int NoBatchDim => 4;

    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim() is not (4 or 5)) throw new ArgumentException($"expected 4D or 5D input (got {input.Dim()}D input)");
    }
}

/// <summary>
/// Layer normalisation over the trailing <c>normalized_shape</c> dims (<c>nn.LayerNorm(normalized_shape, eps=1e-05,
/// elementwise_affine=True)</c>), with elementwise <c>weight</c> (ones) and <c>bias</c> (zeros) of that shape.
/// </summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    /// <summary>The elementwise scale, or null without <c>elementwise_affine</c>.</summary>
    public Parameter? Weight;

    /// <summary>The elementwise shift, or null without <c>elementwise_affine</c>.</summary>
    public Parameter? Bias;

    /// <summary><c>nn.LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True, device=None, dtype=None)</c> for one trailing dim.</summary>
    public LayerNorm(long normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, Device? device = null, DType? dtype = null)
        : this([normalizedShape], eps, elementwiseAffine, device, dtype) { }

    /// <summary><c>nn.LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True, device=None, dtype=None)</c>.</summary>
    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, Device? device = null, DType? dtype = null)
    {
        NormalizedShape = (long[])normalizedShape.Clone();
        Eps = eps;
        ElementwiseAffine = elementwiseAffine;
        if (elementwiseAffine)
        {
            Weight = new Parameter(Torch.Empty(normalizedShape, dtype: dtype, device: device));
            Bias = new Parameter(Torch.Empty(normalizedShape, dtype: dtype, device: device));
        }
        ResetParameters();
    }

    /// <summary>The trailing shape normalised over (<c>normalized_shape</c>).</summary>
    public IReadOnlyList<long> NormalizedShape { get; }

    /// <summary>Added to the variance for stability (<c>eps</c>).</summary>
    public double Eps { get; }

    /// <summary>Whether there are elementwise <c>weight</c> and <c>bias</c> (<c>elementwise_affine</c>).</summary>
    public bool ElementwiseAffine { get; }

    /// <summary>Sets the weight to ones and the bias to zeros (<c>reset_parameters()</c>).</summary>
    public void ResetParameters()
    {
        if (!ElementwiseAffine) return;
        Init.Ones_(Weight!);
        Init.Zeros_(Bias!);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LayerNorm(input, [.. NormalizedShape], Weight, Bias, Eps);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"({string.Join(", ", NormalizedShape)}{(NormalizedShape.Count == 1 ? "," : "")}), eps={F.Py(Eps)}, elementwise_affine={ActivationRepr.Bool(ElementwiseAffine)}";
}

/// <summary>
/// Group normalisation (<c>nn.GroupNorm(num_groups, num_channels, eps=1e-05, affine=True)</c>) with per-channel
/// <c>weight</c> (ones) and <c>bias</c> (zeros).
/// </summary>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    /// <summary>The per-channel scale, or null without <c>affine</c>.</summary>
    public Parameter? Weight;

    /// <summary>The per-channel shift, or null without <c>affine</c>.</summary>
    public Parameter? Bias;

    /// <summary><c>nn.GroupNorm(num_groups, num_channels, eps=1e-05, affine=True, device=None, dtype=None)</c>.</summary>
    public GroupNorm(long numGroups, long numChannels, double eps = 1e-5, bool affine = true, Device? device = null, DType? dtype = null)
    {
        if (numChannels % numGroups != 0) throw new ArgumentException("num_channels must be divisible by num_groups");
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        Affine = affine;
        if (affine)
        {
            Weight = new Parameter(Torch.Empty([numChannels], dtype: dtype, device: device));
            Bias = new Parameter(Torch.Empty([numChannels], dtype: dtype, device: device));
        }
        ResetParameters();
    }

    /// <summary>Number of channel groups (<c>num_groups</c>).</summary>
    public long NumGroups { get; }

    /// <summary>Number of channels (<c>num_channels</c>).</summary>
    public long NumChannels { get; }

    /// <summary>Added to the variance for stability (<c>eps</c>).</summary>
    public double Eps { get; }

    /// <summary>Whether there are per-channel <c>weight</c> and <c>bias</c> (<c>affine</c>).</summary>
    public bool Affine { get; }

    /// <summary>Sets the weight to ones and the bias to zeros (<c>reset_parameters()</c>).</summary>
    public void ResetParameters()
    {
        if (!Affine) return;
        Init.Ones_(Weight!);
        Init.Zeros_(Bias!);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.GroupNorm(input, NumGroups, Weight, Bias, Eps);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={F.Py(Eps)}, affine={ActivationRepr.Bool(Affine)}";
}

/// <summary>
/// Local response normalisation across channels (<c>nn.LocalResponseNorm(size, alpha=0.0001, beta=0.75, k=1.0)</c>).
/// </summary>
public sealed class LocalResponseNorm(long size, double alpha = 1e-4, double beta = 0.75, double k = 1.0) : Module<Tensor, Tensor>
{
    /// <summary>Number of neighbouring channels (<c>size</c>).</summary>
    public long Size { get; } = size;

    /// <summary>Multiplicative factor (<c>alpha</c>).</summary>
    public double Alpha { get; } = alpha;

    /// <summary>Exponent (<c>beta</c>).</summary>
    public double Beta { get; } = beta;

    /// <summary>Additive factor (<c>k</c>).</summary>
    public double K { get; } = k;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LocalResponseNorm(input, Size, Alpha, Beta, K);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"{Size}, alpha={F.Py(Alpha)}, beta={F.Py(Beta)}, k={F.Py(K)}";
}
