using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>Rearranges [*, C·r², H, W] into [*, C, H·r, W·r] (<c>torch.nn.PixelShuffle(upscale_factor)</c>).</summary>
public sealed class PixelShuffle(long upscaleFactor) : Module<Tensor, Tensor>
{
    /// <summary><c>upscale_factor</c>.</summary>
    public long UpscaleFactor { get; } = upscaleFactor;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.PixelShuffle(input, UpscaleFactor);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"upscale_factor={UpscaleFactor}";
}

/// <summary>Rearranges [*, C, H·r, W·r] into [*, C·r², H, W] (<c>torch.nn.PixelUnshuffle(downscale_factor)</c>).</summary>
public sealed class PixelUnshuffle(long downscaleFactor) : Module<Tensor, Tensor>
{
    /// <summary><c>downscale_factor</c>.</summary>
    public long DownscaleFactor { get; } = downscaleFactor;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.PixelUnshuffle(input, DownscaleFactor);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"downscale_factor={DownscaleFactor}";
}
