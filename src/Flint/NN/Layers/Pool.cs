using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>
/// 1-D max pooling (<c>torch.nn.MaxPool1d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
/// ceil_mode=False)</c>). <see cref="Forward"/> returns the values; <see cref="ForwardWithIndices"/> also the indices
/// (PyTorch's <c>return_indices=True</c> result).
/// </summary>
public sealed class MaxPool1d(IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default, IntTuple dilation = default,
    bool returnIndices = false, bool ceilMode = false) : Module<Tensor, Tensor>
{
    /// <summary><c>kernel_size</c>.</summary>
    public IntTuple KernelSize { get; } = kernelSize;

    /// <summary><c>stride</c> (the kernel size when not given).</summary>
    public IntTuple Stride { get; } = stride.IsNone ? kernelSize : stride;

    /// <summary><c>padding</c>.</summary>
    public IntTuple Padding { get; } = padding.IsNone ? 0 : padding;

    /// <summary><c>dilation</c>.</summary>
    public IntTuple Dilation { get; } = dilation.IsNone ? 1 : dilation;

    /// <summary><c>return_indices</c>.</summary>
    public bool ReturnIndices { get; } = returnIndices;

    /// <summary><c>ceil_mode</c>.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.MaxPool1d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <summary>The values and the positions of the maxima (the module's output with <c>return_indices=True</c>).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        F.MaxPool1dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, ceil_mode={(CeilMode ? "True" : "False")}";
}

/// <summary>
/// 2-D max pooling (<c>torch.nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
/// ceil_mode=False)</c>). <see cref="Forward"/> returns the values; <see cref="ForwardWithIndices"/> also the indices.
/// </summary>
public sealed class MaxPool2d(IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default, IntTuple dilation = default,
    bool returnIndices = false, bool ceilMode = false) : Module<Tensor, Tensor>
{
    /// <summary><c>kernel_size</c>.</summary>
    public IntTuple KernelSize { get; } = kernelSize;

    /// <summary><c>stride</c> (the kernel size when not given).</summary>
    public IntTuple Stride { get; } = stride.IsNone ? kernelSize : stride;

    /// <summary><c>padding</c>.</summary>
    public IntTuple Padding { get; } = padding.IsNone ? 0 : padding;

    /// <summary><c>dilation</c>.</summary>
    public IntTuple Dilation { get; } = dilation.IsNone ? 1 : dilation;

    /// <summary><c>return_indices</c>.</summary>
    public bool ReturnIndices { get; } = returnIndices;

    /// <summary><c>ceil_mode</c>.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <summary>The values and the flat positions of the maxima (the module's output with <c>return_indices=True</c>).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        F.MaxPool2dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, ceil_mode={(CeilMode ? "True" : "False")}";
}

/// <summary>
/// 1-D average pooling (<c>torch.nn.AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False,
/// count_include_pad=True)</c>).
/// </summary>
public sealed class AvgPool1d(IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default, bool ceilMode = false,
    bool countIncludePad = true) : Module<Tensor, Tensor>
{
    /// <summary><c>kernel_size</c>, as a 1-tuple.</summary>
    public long[] KernelSize { get; } = kernelSize.Expand(1, 0);

    /// <summary><c>stride</c>, as a 1-tuple (the kernel size when not given).</summary>
    public long[] Stride { get; } = (stride.IsNone ? kernelSize : stride).Expand(1, 0);

    /// <summary><c>padding</c>, as a 1-tuple.</summary>
    public long[] Padding { get; } = padding.Expand(1, 0);

    /// <summary><c>ceil_mode</c>.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <summary><c>count_include_pad</c>.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AvgPool1d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size={IntTuple.PyTuple(KernelSize)}, stride={IntTuple.PyTuple(Stride)}, padding={IntTuple.PyTuple(Padding)}";
}

/// <summary>
/// 2-D average pooling (<c>torch.nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False,
/// count_include_pad=True, divisor_override=None)</c>).
/// </summary>
public sealed class AvgPool2d(IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default, bool ceilMode = false,
    bool countIncludePad = true, long? divisorOverride = null) : Module<Tensor, Tensor>
{
    /// <summary><c>kernel_size</c>.</summary>
    public IntTuple KernelSize { get; } = kernelSize;

    /// <summary><c>stride</c> (the kernel size when not given).</summary>
    public IntTuple Stride { get; } = stride.IsNone ? kernelSize : stride;

    /// <summary><c>padding</c>.</summary>
    public IntTuple Padding { get; } = padding.IsNone ? 0 : padding;

    /// <summary><c>ceil_mode</c>.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <summary><c>count_include_pad</c>.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <summary><c>divisor_override</c>.</summary>
    public long? DivisorOverride { get; } = divisorOverride;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        F.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

/// <summary>1-D adaptive average pooling to a fixed length (<c>torch.nn.AdaptiveAvgPool1d(output_size)</c>).</summary>
public sealed class AdaptiveAvgPool1d(IntTuple outputSize) : Module<Tensor, Tensor>
{
    /// <summary><c>output_size</c>.</summary>
    public IntTuple OutputSize { get; } = outputSize;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool1d(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={OutputSize}";
}

/// <summary>2-D adaptive average pooling to a fixed size (<c>torch.nn.AdaptiveAvgPool2d(output_size)</c>).</summary>
public sealed class AdaptiveAvgPool2d(IntTuple outputSize) : Module<Tensor, Tensor>
{
    /// <summary><c>output_size</c>.</summary>
    public IntTuple OutputSize { get; } = outputSize;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool2d(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={OutputSize}";
}

/// <summary>1-D adaptive max pooling (<c>torch.nn.AdaptiveMaxPool1d(output_size, return_indices=False)</c>).</summary>
public sealed class AdaptiveMaxPool1d(IntTuple outputSize, bool returnIndices = false) : Module<Tensor, Tensor>
{
    /// <summary><c>output_size</c>.</summary>
    public IntTuple OutputSize { get; } = outputSize;

    /// <summary><c>return_indices</c>.</summary>
    public bool ReturnIndices { get; } = returnIndices;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveMaxPool1d(input, OutputSize);

    /// <summary>The values and the positions of the maxima (the module's output with <c>return_indices=True</c>).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.AdaptiveMaxPool1dWithIndices(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={OutputSize}";
}

/// <summary>2-D adaptive max pooling (<c>torch.nn.AdaptiveMaxPool2d(output_size, return_indices=False)</c>).</summary>
public sealed class AdaptiveMaxPool2d(IntTuple outputSize, bool returnIndices = false) : Module<Tensor, Tensor>
{
    /// <summary><c>output_size</c>.</summary>
    public IntTuple OutputSize { get; } = outputSize;

    /// <summary><c>return_indices</c>.</summary>
    public bool ReturnIndices { get; } = returnIndices;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveMaxPool2d(input, OutputSize);

    /// <summary>The values and the flat positions of the maxima (the module's output with <c>return_indices=True</c>).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.AdaptiveMaxPool2dWithIndices(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={OutputSize}";
}

/// <summary>
/// The partial inverse of MaxPool1d (<c>torch.nn.MaxUnpool1d(kernel_size, stride=None, padding=0)</c>):
/// <c>Forward(input, indices)</c>, with an optional output size.
/// </summary>
public sealed class MaxUnpool1d(IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default) : Module<Tensor, Tensor, Tensor>
{
    /// <summary><c>kernel_size</c>, as a 1-tuple.</summary>
    public long[] KernelSize { get; } = kernelSize.Expand(1, 0);

    /// <summary><c>stride</c>, as a 1-tuple (the kernel size when not given).</summary>
    public long[] Stride { get; } = (stride.IsNone ? kernelSize : stride).Expand(1, 0);

    /// <summary><c>padding</c>, as a 1-tuple.</summary>
    public long[] Padding { get; } = padding.Expand(1, 0);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor indices) => Forward(input, indices, null);

    /// <summary>Unpools to <paramref name="outputSize"/> (<c>forward(input, indices, output_size)</c>).</summary>
    public Tensor Forward(Tensor input, Tensor indices, long[]? outputSize) =>
        F.MaxUnpool1d(input, indices, KernelSize, Stride, Padding, outputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size={IntTuple.PyTuple(KernelSize)}, stride={IntTuple.PyTuple(Stride)}, padding={IntTuple.PyTuple(Padding)}";
}

/// <summary>
/// The partial inverse of MaxPool2d (<c>torch.nn.MaxUnpool2d(kernel_size, stride=None, padding=0)</c>):
/// <c>Forward(input, indices)</c>, with an optional output size.
/// </summary>
public sealed class MaxUnpool2d(IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default) : Module<Tensor, Tensor, Tensor>
{
    /// <summary><c>kernel_size</c>, as a pair.</summary>
    public long[] KernelSize { get; } = kernelSize.Expand(2, 0);

    /// <summary><c>stride</c>, as a pair (the kernel size when not given).</summary>
    public long[] Stride { get; } = (stride.IsNone ? kernelSize : stride).Expand(2, 0);

    /// <summary><c>padding</c>, as a pair.</summary>
    public long[] Padding { get; } = padding.Expand(2, 0);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor indices) => Forward(input, indices, null);

    /// <summary>Unpools to <paramref name="outputSize"/> (<c>forward(input, indices, output_size)</c>).</summary>
    public Tensor Forward(Tensor input, Tensor indices, long[]? outputSize) =>
        F.MaxUnpool2d(input, indices, KernelSize, Stride, Padding, outputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size={IntTuple.PyTuple(KernelSize)}, stride={IntTuple.PyTuple(Stride)}, padding={IntTuple.PyTuple(Padding)}";
}
