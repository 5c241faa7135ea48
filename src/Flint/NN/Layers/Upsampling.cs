using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>
/// Upsamples 1-D, 2-D or 3-D data (<c>torch.nn.Upsample(size=None, scale_factor=None, mode="nearest",
/// align_corners=None, recompute_scale_factor=None)</c>) through <see cref="F.Interpolate"/>.
/// </summary>
public class Upsample(IntTuple size = default, FloatTuple scaleFactor = default, string mode = "nearest", bool? alignCorners = null,
    bool? recomputeScaleFactor = null) : Module<Tensor, Tensor>
{
    /// <summary><c>size</c>, or none.</summary>
    public IntTuple Size { get; } = size;

    /// <summary><c>scale_factor</c>, or none.</summary>
    public FloatTuple ScaleFactor { get; } = scaleFactor;

    /// <summary><c>mode</c>.</summary>
    public string Mode { get; } = mode;

    /// <summary><c>align_corners</c>.</summary>
    public bool? AlignCorners { get; } = alignCorners;

    /// <summary><c>recompute_scale_factor</c>.</summary>
    public bool? RecomputeScaleFactor { get; } = recomputeScaleFactor;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Interpolate(input, Size, ScaleFactor, Mode, AlignCorners, RecomputeScaleFactor);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        (ScaleFactor.IsNone ? $"size={Size}" : $"scale_factor={ScaleFactor}") + $", mode={Mode}";
}

/// <summary>2-D nearest-neighbour upsampling (<c>torch.nn.UpsamplingNearest2d(size=None, scale_factor=None)</c>).</summary>
public sealed class UpsamplingNearest2d(IntTuple size = default, FloatTuple scaleFactor = default) : Upsample(size, scaleFactor, "nearest");

/// <summary>2-D bilinear upsampling with aligned corners (<c>torch.nn.UpsamplingBilinear2d(size=None, scale_factor=None)</c>).</summary>
public sealed class UpsamplingBilinear2d(IntTuple size = default, FloatTuple scaleFactor = default)
    : Upsample(size, scaleFactor, "bilinear", alignCorners: true);
