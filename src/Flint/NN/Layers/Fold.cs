using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>
/// Extracts sliding local blocks into columns (<c>torch.nn.Unfold(kernel_size, dilation=1, padding=0, stride=1)</c>),
/// im2col.
/// </summary>
public sealed class Unfold(IntTuple kernelSize, IntTuple dilation = default, IntTuple padding = default, IntTuple stride = default)
    : Module<Tensor, Tensor>
{
    /// <summary><c>kernel_size</c>.</summary>
    public IntTuple KernelSize { get; } = kernelSize;

    /// <summary><c>dilation</c>.</summary>
    public IntTuple Dilation { get; } = dilation.IsNone ? 1 : dilation;

    /// <summary><c>padding</c>.</summary>
    public IntTuple Padding { get; } = padding.IsNone ? 0 : padding;

    /// <summary><c>stride</c>.</summary>
    public IntTuple Stride { get; } = stride.IsNone ? 1 : stride;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Unfold(input, KernelSize, Dilation, Padding, Stride);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={KernelSize}, dilation={Dilation}, padding={Padding}, stride={Stride}";
}

/// <summary>
/// Sums columns of sliding blocks back into an image (<c>torch.nn.Fold(output_size, kernel_size, dilation=1, padding=0,
/// stride=1)</c>), col2im.
/// </summary>
public sealed class Fold(IntTuple outputSize, IntTuple kernelSize, IntTuple dilation = default, IntTuple padding = default,
    IntTuple stride = default) : Module<Tensor, Tensor>
{
    /// <summary><c>output_size</c>.</summary>
    public IntTuple OutputSize { get; } = outputSize;

    /// <summary><c>kernel_size</c>.</summary>
    public IntTuple KernelSize { get; } = kernelSize;

    /// <summary><c>dilation</c>.</summary>
    public IntTuple Dilation { get; } = dilation.IsNone ? 1 : dilation;

    /// <summary><c>padding</c>.</summary>
    public IntTuple Padding { get; } = padding.IsNone ? 0 : padding;

    /// <summary><c>stride</c>.</summary>
    public IntTuple Stride { get; } = stride.IsNone ? 1 : stride;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Fold(input, OutputSize, KernelSize, Dilation, Padding, Stride);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"output_size={OutputSize}, kernel_size={KernelSize}, dilation={Dilation}, padding={Padding}, stride={Stride}";
}
