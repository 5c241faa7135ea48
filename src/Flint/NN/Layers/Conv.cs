using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>
/// The common part of the convolution layers (<c>torch.nn.modules.conv._ConvNd</c>): the weight and optional bias,
/// the settings PyTorch prints, and its default initialisation (Kaiming-uniform weight with a = √5, bias uniform in
/// ±1/√fan_in).
/// </summary>
public abstract class ConvNd : Module<Tensor, Tensor>
{
    private readonly int dims;

    /// <summary>
    /// The learnable kernel (<c>conv.weight</c>): [out, in / groups, *k], or [in, out / groups, *k] when transposed.
    /// Lower-case as in Linear, so that the field's name is the state-dict key.
    /// </summary>
    public Parameter Weight;

    /// <summary>The learnable bias [out] (<c>conv.bias</c>), or null when built with bias: false.</summary>
    public Parameter? Bias;

    /// <summary>Input channels (<c>in_channels</c>).</summary>
    public long InChannels { get; }

    /// <summary>Output channels (<c>out_channels</c>).</summary>
    public long OutChannels { get; }

    /// <summary>The kernel size per spatial dim (<c>kernel_size</c>).</summary>
    public long[] KernelSize { get; }

    /// <summary>The stride per spatial dim (<c>stride</c>).</summary>
    public long[] Stride { get; }

    /// <summary>The zero padding per spatial dim (<c>padding</c>); all zeros when <see cref="PaddingString"/> is set.</summary>
    public long[] Padding { get; }

    /// <summary>"same" or "valid" when the padding was given as a string (<c>padding</c>), else null.</summary>
    public string? PaddingString { get; }

    /// <summary>The dilation per spatial dim (<c>dilation</c>).</summary>
    public long[] Dilation { get; }

    /// <summary>True for the transposed convolutions (<c>transposed</c>).</summary>
    public bool Transposed { get; }

    /// <summary>The extra size added to one side of a transposed convolution's output (<c>output_padding</c>).</summary>
    public long[] OutputPadding { get; }

    /// <summary>The number of blocked connections from input to output channels (<c>groups</c>).</summary>
    public long Groups { get; }

    /// <summary>"zeros", "reflect", "replicate" or "circular" (<c>padding_mode</c>).</summary>
    public string PaddingMode { get; }

    /// <summary>The padding F.pad applies for a non-zeros padding mode (<c>_reversed_padding_repeated_twice</c>).</summary>
    private protected long[] ReversedPaddingRepeatedTwice { get; }

    private protected ConvNd(int dims, long inChannels, long outChannels, IntTuple kernelSize, IntTuple stride, ConvPadding padding,
        IntTuple dilation, bool transposed, IntTuple outputPadding, long groups, bool bias, string paddingMode, Device? device,
        DType? dtype)
    {
        this.dims = dims;
        if (groups <= 0) throw new ArgumentException("groups must be a positive integer");
        if (inChannels % groups != 0) throw new ArgumentException("in_channels must be divisible by groups");
        if (outChannels % groups != 0) throw new ArgumentException("out_channels must be divisible by groups");
        var st = Tuple(stride, 1, "stride");
        if (padding.Mode is { } mode)
        {
            if (mode is not ("same" or "valid"))
                throw new ArgumentException($"Invalid padding string '{mode}', should be one of {{'valid', 'same'}}");
            if (mode == "same" && st.Any(s => s != 1))
                throw new ArgumentException("padding='same' is not supported for strided convolutions");
        }
        if (paddingMode is not ("zeros" or "reflect" or "replicate" or "circular"))
            throw new ArgumentException(
                $"padding_mode must be one of {{'circular', 'replicate', 'reflect', 'zeros'}}, but got padding_mode='{paddingMode}'");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = Tuple(kernelSize, 1, "kernel_size");
        Stride = st;
        PaddingString = padding.Mode;
        Padding = padding.Mode is null ? Tuple(padding.Amounts, 0, "padding") : new long[dims];
        Dilation = Tuple(dilation, 1, "dilation");
        Transposed = transposed;
        OutputPadding = Tuple(outputPadding, 0, "output_padding");
        Groups = groups;
        PaddingMode = paddingMode;
        var rev = new long[2 * dims];
        for (int i = 0; i < dims; i++)
        {
            long left = Padding[dims - 1 - i], right = left;
            if (padding.Mode == "same")
            {
                long total = Dilation[dims - 1 - i] * (KernelSize[dims - 1 - i] - 1);
                left = total / 2;
                right = total - left;
            }
            rev[2 * i] = left;
            rev[2 * i + 1] = right;
        }
        ReversedPaddingRepeatedTwice = rev;
        long[] shape = transposed
            ? [inChannels, outChannels / groups, .. KernelSize]
            : [outChannels, inChannels / groups, .. KernelSize];
        Weight = new Parameter(Torch.Empty(new Size(shape), dtype, device));
        this.Bias = bias ? new Parameter(Torch.Empty(outChannels, dtype, device)) : null;
        ResetParameters();
    }

    private long[] Tuple(IntTuple v, long fallback, string name)
    {
        var a = v.Expand(dims, fallback);
        if (a.Length != dims)
            throw new ArgumentException($"{name} must be an int or a tuple of {dims} ints, but got {IntTuple.PyTuple(a)}");
        return a;
    }

    /// <summary>Re-draws the weight and bias as PyTorch initialises them (<c>reset_parameters()</c>).</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform_(Weight, a: Math.Sqrt(5));
        if (Bias is null) return;
        var (fanIn, _) = Init.CalculateFanInAndFanOut(Weight);
        if (fanIn == 0) return;
        var bound = 1 / Math.Sqrt(fanIn);
        Init.Uniform_(Bias, -bound, bound);
    }

    /// <summary>PyTorch's <c>extra_repr</c>: <c>1, 6, kernel_size=(5, 5), stride=(1, 1)</c> and the settings that differ from their defaults.</summary>
    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={IntTuple.PyTuple(KernelSize)}, stride={IntTuple.PyTuple(Stride)}";
        if (PaddingString is not null) s += $", padding={PaddingString}";
        else if (Padding.Any(p => p != 0)) s += $", padding={IntTuple.PyTuple(Padding)}";
        if (Dilation.Any(d => d != 1)) s += $", dilation={IntTuple.PyTuple(Dilation)}";
        if (OutputPadding.Any(p => p != 0)) s += $", output_padding={IntTuple.PyTuple(OutputPadding)}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        if (PaddingMode != "zeros") s += $", padding_mode={PaddingMode}";
        return s;
    }

    /// <summary>The convolution with this layer's settings; a non-zeros padding mode pads with F.pad first.</summary>
    private protected Tensor ConvForward(Tensor input, Func<Tensor, ConvPadding, Tensor> conv)
    {
        if (PaddingMode != "zeros") return conv(F.Pad(input, ReversedPaddingRepeatedTwice, PaddingMode), 0L);
        return conv(input, PaddingString is { } p ? (ConvPadding)p : (ConvPadding)Padding);
    }
}

/// <summary>A 1-D convolution layer (<c>torch.nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode="zeros")</c>).</summary>
public sealed class Conv1d(long inChannels, long outChannels, IntTuple kernelSize, IntTuple stride = default, ConvPadding padding = default,
    IntTuple dilation = default, long groups = 1, bool bias = true, string paddingMode = "zeros", Device? device = null, DType? dtype = null)
    : ConvNd(1, inChannels, outChannels, kernelSize, stride, padding, dilation, false, default, groups, bias, paddingMode, device, dtype)
{
    /// <summary>Convolves [N, C_in, L] (or [C_in, L]) input.</summary>
    public override Tensor Forward(Tensor input) =>
        ConvForward(input, (x, p) => F.Conv1d(x, this.Weight, this.Bias, Stride, p, Dilation, Groups));
}

/// <summary>
/// A 2-D convolution layer (<c>torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
/// groups=1, bias=True, padding_mode="zeros")</c>): <c>new Conv2d(1, 6, 5)</c>.
/// </summary>
public sealed class Conv2d(long inChannels, long outChannels, IntTuple kernelSize, IntTuple stride = default, ConvPadding padding = default,
    IntTuple dilation = default, long groups = 1, bool bias = true, string paddingMode = "zeros", Device? device = null, DType? dtype = null)
    : ConvNd(2, inChannels, outChannels, kernelSize, stride, padding, dilation, false, default, groups, bias, paddingMode, device, dtype)
{
    /// <summary>Convolves [N, C_in, H, W] (or [C_in, H, W]) input.</summary>
    public override Tensor Forward(Tensor input) =>
        ConvForward(input, (x, p) => F.Conv2d(x, this.Weight, this.Bias, Stride, p, Dilation, Groups));
}

/// <summary>A 3-D convolution layer (<c>torch.nn.Conv3d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode="zeros")</c>).</summary>
public sealed class Conv3d(long inChannels, long outChannels, IntTuple kernelSize, IntTuple stride = default, ConvPadding padding = default,
    IntTuple dilation = default, long groups = 1, bool bias = true, string paddingMode = "zeros", Device? device = null, DType? dtype = null)
    : ConvNd(3, inChannels, outChannels, kernelSize, stride, padding, dilation, false, default, groups, bias, paddingMode, device, dtype)
{
    /// <summary>Convolves [N, C_in, D, H, W] (or [C_in, D, H, W]) input.</summary>
    public override Tensor Forward(Tensor input) =>
        ConvForward(input, (x, p) => F.Conv3d(x, this.Weight, this.Bias, Stride, p, Dilation, Groups));
}

/// <summary>The common part of the transposed convolution layers (<c>torch.nn.modules.conv._ConvTransposeNd</c>).</summary>
public abstract class ConvTransposeNd : ConvNd
{
    private readonly int spatialDims;

    private protected ConvTransposeNd(int dims, long inChannels, long outChannels, IntTuple kernelSize, IntTuple stride, IntTuple padding,
        IntTuple outputPadding, long groups, bool bias, IntTuple dilation, string paddingMode, Device? device, DType? dtype)
        : base(dims, inChannels, outChannels, kernelSize, stride, padding, dilation, true, outputPadding, groups, bias,
            CheckMode(paddingMode, dims), device, dtype)
    {
        spatialDims = dims;
    }

    private static string CheckMode(string paddingMode, int dims) =>
        paddingMode == "zeros" ? paddingMode : throw new ArgumentException($"Only \"zeros\" padding mode is supported for ConvTranspose{dims}d");

    /// <summary>
    /// The output padding that makes the output <paramref name="outputSize"/> (spatial sizes, or with the batch and
    /// channel sizes in front), checked to be reachable (<c>_output_padding</c>); the layer's own when null.
    /// </summary>
    private protected long[] OutputPaddingFor(Tensor input, long[]? outputSize)
    {
        if (outputSize is null) return OutputPadding;
        int n = spatialDims, nonSpatial = input.Dim() == n + 2 ? 2 : 1;
        var size = outputSize.Length == nonSpatial + n ? outputSize[nonSpatial..] : outputSize;
        if (size.Length != n)
            throw new ArgumentException(
                $"ConvTranspose{n}D: for {input.Dim()}D input, output_size must have {n} or {nonSpatial + n} elements (got {size.Length})");
        var min = new long[n];
        var max = new long[n];
        for (int d = 0; d < n; d++)
        {
            min[d] = (input.Size(d + nonSpatial) - 1) * Stride[d] - 2 * Padding[d] + Dilation[d] * (KernelSize[d] - 1) + 1;
            max[d] = min[d] + Stride[d] - 1;
        }
        for (int d = 0; d < n; d++)
            if (size[d] < min[d] || size[d] > max[d])
                throw new ArgumentException(
                    $"requested an output size of {IntTuple.PyTuple(size)}, but valid sizes range from {IntTuple.PyList(min)} to " +
                    $"{IntTuple.PyList(max)} (for an input of torch.Size({IntTuple.PyList(input.shape[2..])}))");
        return size.Select((s, d) => s - min[d]).ToArray();
    }

    /// <summary>Runs the transposed convolution with an output size to reach (<c>forward(input, output_size)</c>).</summary>
    public abstract Tensor Forward(Tensor input, long[]? outputSize);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);
}

/// <summary>
/// A 1-D transposed convolution layer (<c>torch.nn.ConvTranspose1d(in_channels, out_channels, kernel_size, stride=1, padding=0,
/// output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros")</c>).
/// </summary>
public sealed class ConvTranspose1d(long inChannels, long outChannels, IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default,
    IntTuple outputPadding = default, long groups = 1, bool bias = true, IntTuple dilation = default, string paddingMode = "zeros",
    Device? device = null, DType? dtype = null)
    : ConvTransposeNd(1, inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode, device, dtype)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, long[]? outputSize) =>
        F.ConvTranspose1d(input, this.Weight, this.Bias, Stride, Padding, OutputPaddingFor(input, outputSize), Groups, Dilation);
}

/// <summary>
/// A 2-D transposed convolution layer (<c>torch.nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
/// output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros")</c>).
/// </summary>
public sealed class ConvTranspose2d(long inChannels, long outChannels, IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default,
    IntTuple outputPadding = default, long groups = 1, bool bias = true, IntTuple dilation = default, string paddingMode = "zeros",
    Device? device = null, DType? dtype = null)
    : ConvTransposeNd(2, inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode, device, dtype)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, long[]? outputSize) =>
        F.ConvTranspose2d(input, this.Weight, this.Bias, Stride, Padding, OutputPaddingFor(input, outputSize), Groups, Dilation);
}

/// <summary>
/// A 3-D transposed convolution layer (<c>torch.nn.ConvTranspose3d(in_channels, out_channels, kernel_size, stride=1, padding=0,
/// output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros")</c>).
/// </summary>
public sealed class ConvTranspose3d(long inChannels, long outChannels, IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default,
    IntTuple outputPadding = default, long groups = 1, bool bias = true, IntTuple dilation = default, string paddingMode = "zeros",
    Device? device = null, DType? dtype = null)
    : ConvTransposeNd(3, inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode, device, dtype)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, long[]? outputSize) =>
        F.ConvTranspose3d(input, this.Weight, this.Bias, Stride, Padding, OutputPaddingFor(input, outputSize), Groups, Dilation);
}
