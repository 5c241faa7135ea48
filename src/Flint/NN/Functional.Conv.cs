using Flint.Autograd;
using Flint.Backends;
using Flint.Ops;

namespace Flint.NN;

// Convolutions of torch.nn.functional; pooling is in Functional.Pool.cs, padding and resampling in Functional.Resample.cs.
public static partial class Functional
{
    /// <summary>
    /// A 1-D convolution over [N, C, L] (or unbatched [C, L]) input with weight [O, C / groups, k]
    /// (<c>F.conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)</c>); padding may be an amount
    /// or "valid" / "same".
    /// </summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, IntTuple stride = default,
        ConvPadding padding = default, IntTuple dilation = default, long groups = 1) =>
        Convolutions.ConvNd(1, "conv1d", input, weight, bias, stride, padding, dilation, groups);

    /// <summary>
    /// A 2-D convolution over [N, C, H, W] (or unbatched [C, H, W]) input with weight [O, C / groups, kH, kW]
    /// (<c>F.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)</c>); padding may be an
    /// amount, a pair, or "valid" / "same".
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, IntTuple stride = default,
        ConvPadding padding = default, IntTuple dilation = default, long groups = 1) =>
        Convolutions.ConvNd(2, "conv2d", input, weight, bias, stride, padding, dilation, groups);

    /// <summary>
    /// A 3-D convolution over [N, C, D, H, W] (or unbatched [C, D, H, W]) input with weight [O, C / groups, kD, kH, kW]
    /// (<c>F.conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)</c>).
    /// </summary>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias = null, IntTuple stride = default,
        ConvPadding padding = default, IntTuple dilation = default, long groups = 1) =>
        Convolutions.ConvNd(3, "conv3d", input, weight, bias, stride, padding, dilation, groups);

    /// <summary>
    /// The 1-D transposed convolution ("deconvolution") with weight [C_in, C_out / groups, k]
    /// (<c>F.conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1)</c>).
    /// </summary>
    public static Tensor ConvTranspose1d(Tensor input, Tensor weight, Tensor? bias = null, IntTuple stride = default,
        IntTuple padding = default, IntTuple outputPadding = default, long groups = 1, IntTuple dilation = default) =>
        Convolutions.ConvTransposeNd(1, "conv_transpose1d", input, weight, bias, stride, padding, outputPadding, groups, dilation);

    /// <summary>
    /// The 2-D transposed convolution with weight [C_in, C_out / groups, kH, kW]
    /// (<c>F.conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1)</c>).
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, IntTuple stride = default,
        IntTuple padding = default, IntTuple outputPadding = default, long groups = 1, IntTuple dilation = default) =>
        Convolutions.ConvTransposeNd(2, "conv_transpose2d", input, weight, bias, stride, padding, outputPadding, groups, dilation);

    /// <summary>
    /// The 3-D transposed convolution with weight [C_in, C_out / groups, kD, kH, kW]
    /// (<c>F.conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1)</c>).
    /// </summary>
    public static Tensor ConvTranspose3d(Tensor input, Tensor weight, Tensor? bias = null, IntTuple stride = default,
        IntTuple padding = default, IntTuple outputPadding = default, long groups = 1, IntTuple dilation = default) =>
        Convolutions.ConvTransposeNd(3, "conv_transpose3d", input, weight, bias, stride, padding, outputPadding, groups, dilation);

    /// <summary>
    /// Extracts sliding local blocks (im2col): [N, C, H, W] (or [C, H, W]) into [N, C·kH·kW, L], L the number of
    /// blocks (<c>F.unfold(input, kernel_size, dilation=1, padding=0, stride=1)</c>).
    /// </summary>
    public static Tensor Unfold(Tensor input, IntTuple kernelSize, IntTuple dilation = default, IntTuple padding = default,
        IntTuple stride = default) => Folding.Unfold(input, kernelSize, dilation, padding, stride);

    /// <summary>
    /// Sums sliding local blocks back into an image (col2im), the adjoint of <see cref="Unfold"/>: [N, C·kH·kW, L] (or
    /// [C·kH·kW, L]) into [N, C, *output_size] (<c>F.fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1)</c>).
    /// </summary>
    public static Tensor Fold(Tensor input, IntTuple outputSize, IntTuple kernelSize, IntTuple dilation = default,
        IntTuple padding = default, IntTuple stride = default) => Folding.Fold(input, outputSize, kernelSize, dilation, padding, stride);
}

/// <summary>The settings of one convolution (ATen's <c>ConvParams</c>), per spatial dim.</summary>
internal sealed record ConvSettings(long[] Stride, long[] Padding, long[] Dilation, bool Transposed, long[] OutputPadding, long Groups);

/// <summary>
/// The convolution op (ATen's <c>convolution</c>) and its derivative. Its backward is itself a differentiable op
/// (<c>ConvolutionBackwardBackward0</c>), so gradients of gradients work to any order.
/// </summary>
internal static class Convolutions
{
    public static Tensor ConvNd(int dims, string name, Tensor input, Tensor weight, Tensor? bias, IntTuple stride,
        ConvPadding padding, IntTuple dilation, long groups)
    {
        var x = Batched(dims, name, input);
        var st = stride.Expand(dims, 1);
        var dl = dilation.Expand(dims, 1);
        Tensor y;
        if (padding.Mode is { } mode)
        {
            if (mode == "valid") y = Convolution(x, weight, bias, st, new long[dims], dl, false, new long[dims], groups);
            else if (mode == "same") y = SameConvolution(x, weight, bias, st, dl, groups);
            else throw new ArgumentException($"Invalid padding string: '{mode}'");
        }
        else y = Convolution(x, weight, bias, st, padding.Amounts.Expand(dims, 0), dl, false, new long[dims], groups);
        return ReferenceEquals(x, input) ? y : y.Squeeze(0);
    }

    public static Tensor ConvTransposeNd(int dims, string name, Tensor input, Tensor weight, Tensor? bias, IntTuple stride,
        IntTuple padding, IntTuple outputPadding, long groups, IntTuple dilation)
    {
        var x = Batched(dims, name, input);
        var y = Convolution(x, weight, bias, stride.Expand(dims, 1), padding.Expand(dims, 0), dilation.Expand(dims, 1), true,
            outputPadding.Expand(dims, 0), groups);
        return ReferenceEquals(x, input) ? y : y.Squeeze(0);
    }

    private static Tensor Batched(int dims, string name, Tensor input)
    {
        int d = input.Dim();
        if (d == dims + 2) return input;
        if (d == dims + 1) return input.Unsqueeze(0);
        throw new ArgumentException(
            $"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got input of size: {Shapes.Format(input.shape)}");
    }

    // padding="same" (ATen's _convolution_mode): d·(k - 1) split in half per dim; an odd total pads one more on the right,
    // which takes an explicit constant pad of the input first.
    private static Tensor SameConvolution(Tensor x, Tensor w, Tensor? b, long[] stride, long[] dilation, long groups)
    {
        foreach (var s in stride)
            if (s != 1) throw new ArgumentException("padding='same' is not supported for strided convolutions");
        int dims = stride.Length;
        if (w.Dim() != dims + 2) return Convolution(x, w, b, stride, new long[dims], dilation, false, new long[dims], groups);
        var left = new long[dims];
        var pad = new long[2 * dims];
        bool symmetric = true;
        for (int i = 0; i < dims; i++)
        {
            long d = dilation.Length == 1 ? dilation[0] : dilation[i];
            long total = d * (w.shape[i + 2] - 1);
            left[i] = total / 2;
            long extra = total - 2 * left[i];
            if (extra != 0) symmetric = false;
            pad[2 * (dims - 1 - i) + 1] = extra;
        }
        var input = symmetric ? x : Functional.Pad(x, pad);
        return Convolution(input, w, b, stride, left, dilation, false, new long[dims], groups);
    }

    /// <summary>
    /// The convolution of batched input x [N, C, *s] with weight w (ATen's <c>convolution</c>), checked as PyTorch checks
    /// it; records <c>ConvolutionBackward0</c>.
    /// </summary>
    public static Tensor Convolution(Tensor x, Tensor w, Tensor? b, long[] stride, long[] padding, long[] dilation,
        bool transposed, long[] outputPadding, long groups)
    {
        var p = Check(x, w, b, stride, padding, dilation, transposed, outputPadding, groups);
        var g = Geometry(x.shape, w.shape, p);
        var backend = x.Backend;
        var xc = x.Contiguous();
        var wc = w.Contiguous();
        Tensor y;
        if (!transposed)
        {
            y = Tensor.Allocate(OutShape(g, g.O), x.dtype, x.Device);
            backend.ConvForward(xc, wc, b?.Contiguous(), y, g);
        }
        else
        {
            y = Tensor.Allocate(InShape(g), x.dtype, x.Device);
            backend.ConvBackwardInput(xc, wc, y, g);
            if (b is not null)
                using (Torch.NoGrad()) y.Add_(b.View(BiasView(b.shape[0], stride.Length)));
        }
        if (Graph.Needs([x, w, b]))
        {
            bool hasBias = b is not null;
            Graph.Record(y, "ConvolutionBackward0", [x, w, b], [x, w], n =>
                Backward(n.Grad, n.Saved(0), n.Saved(1), p, n.NeedsInputGrad(0), n.NeedsInputGrad(1), hasBias && n.NeedsInputGrad(2)));
        }
        return y;
    }

    private static long[] BiasView(long channels, int dims)
    {
        var v = new long[dims + 2];
        Array.Fill(v, 1);
        v[1] = channels;
        return v;
    }

    /// <summary>
    /// The three gradients of a convolution given the output gradient gy (ATen's <c>convolution_backward</c>): input,
    /// weight and bias gradient, each only when asked for. Records <c>ConvolutionBackwardBackward0</c>.
    /// </summary>
    public static Tensor?[] Backward(Tensor gy, Tensor x, Tensor w, ConvSettings p, bool needX, bool needW, bool needB)
    {
        var g = Geometry(x.shape, w.shape, p);
        var backend = gy.Backend;
        var gyc = gy.Contiguous();
        Tensor? gx = null, gw = null, gb = null;
        if (needX)
        {
            gx = Tensor.Allocate((long[])x.shape.Clone(), x.dtype, x.Device);
            if (p.Transposed) backend.ConvForward(gyc, w.Contiguous(), null, gx, g);
            else backend.ConvBackwardInput(gyc, w.Contiguous(), gx, g);
        }
        if (needW)
        {
            gw = Tensor.Allocate((long[])w.shape.Clone(), w.dtype, w.Device);
            if (p.Transposed) backend.ConvBackwardWeight(gyc, x.Contiguous(), gw, g);
            else backend.ConvBackwardWeight(x.Contiguous(), gyc, gw, g);
        }
        if (needB)
        {
            var dims = new long[gy.Dim() - 1];
            dims[0] = 0;
            for (int i = 1; i < dims.Length; i++) dims[i] = i + 1;
            using (Torch.NoGrad()) gb = gy.Sum(dims);
        }
        var outputs = new List<Tensor>();
        var slots = new List<int>();
        foreach (var (t, slot) in new[] { (gx, 0), (gw, 1), (gb, 2) })
            if (t is not null) { outputs.Add(t); slots.Add(slot); }
        if (outputs.Count > 0 && Graph.Needs([gy, x, w]))
        {
            var which = slots.ToArray();
            Graph.Record(outputs.ToArray(), "ConvolutionBackwardBackward0", [gy, x, w], [gy, x, w], n =>
            {
                Tensor? ggx = null, ggw = null, ggb = null;
                for (int i = 0; i < which.Length; i++)
                {
                    var gi = n.Grads[i];
                    if (which[i] == 0) ggx = gi;
                    else if (which[i] == 1) ggw = gi;
                    else ggb = gi;
                }
                return DoubleBackward(n.Saved(0), n.Saved(1), n.Saved(2), ggx, ggw, ggb, p,
                    n.NeedsInputGrad(0), n.NeedsInputGrad(1), n.NeedsInputGrad(2));
            });
        }
        return [gx, gw, gb];
    }

    // With gx = A_w^T gy, gw = W(x, gy) and gb = Σ gy (A_w the convolution by w; the transposed case swaps A and A^T and
    // the same expressions hold): d/dgy = A_w ggx + A_ggw x + ggb, d/dx = A_ggw^T gy, d/dw = W(ggx, gy).
    private static Tensor?[] DoubleBackward(Tensor gy, Tensor x, Tensor w, Tensor? ggx, Tensor? ggw, Tensor? ggb, ConvSettings p,
        bool needGy, bool needX, bool needW)
    {
        Tensor? dgy = null, dx = null, dw = null;
        if (needGy)
        {
            if (ggx is not null) dgy = Apply(ggx, w, p);
            if (ggw is not null) dgy = Sum(dgy, Apply(x, ggw, p));
            if (ggb is not null) dgy = Sum(dgy, ggb.View(BiasView(ggb.shape[0], p.Stride.Length)).ExpandAs(gy));
        }
        if (needX && ggw is not null) dx = Backward(gy, x, ggw, p, true, false, false)[0];
        if (needW && ggx is not null) dw = Backward(gy, ggx, w, p, false, true, false)[1];
        return [dgy, dx, dw];
    }

    private static Tensor Sum(Tensor? a, Tensor b) => a is null ? b : a.Add(b);

    private static Tensor Apply(Tensor x, Tensor w, ConvSettings p) =>
        Convolution(x, w, null, p.Stride, p.Padding, p.Dilation, p.Transposed, p.OutputPadding, p.Groups);

    /// <summary>The geometry of the underlying (non-transposed) convolution: for a transposed one, its output is the input.</summary>
    public static ConvGeometry Geometry(long[] xShape, long[] wShape, ConvSettings p)
    {
        int dims = xShape.Length - 2;
        var kernel = wShape[2..];
        var spatial = xShape[2..];
        if (!p.Transposed)
            return ConvGeometry.Of(xShape[0], xShape[1], wShape[0], p.Groups, spatial, kernel, p.Stride, p.Padding, p.Dilation);
        var outSize = new long[dims];
        for (int i = 0; i < dims; i++)
            outSize[i] = (spatial[i] - 1) * p.Stride[i] - 2 * p.Padding[i] + p.Dilation[i] * (kernel[i] - 1) + p.OutputPadding[i] + 1;
        return ConvGeometry.Of(xShape[0], wShape[1] * p.Groups, wShape[0], p.Groups, outSize, kernel, p.Stride, p.Padding, p.Dilation);
    }

    private static long[] OutShape(ConvGeometry g, long channels) => [g.N, channels, .. g.OutSizes];

    private static long[] InShape(ConvGeometry g) => [g.N, g.C, .. g.InSizes];

    // ATen's checks in _convolution and check_shape_forward, in its order, with its wording.
    private static ConvSettings Check(Tensor x, Tensor w, Tensor? b, long[] stride, long[] padding, long[] dilation,
        bool transposed, long[] outputPadding, long groups)
    {
        int k = w.Dim();
        if (k < 3) throw new ArgumentException("weight should have at least three dimensions");
        int dims = k - 2;
        stride = ExpandParam(stride, "stride", dims);
        padding = ExpandParam(padding, "padding", dims);
        dilation = ExpandParam(dilation, "dilation", dims);
        outputPadding = ExpandParam(outputPadding, "output_padding", dims);
        if (b is not null && b.dtype != x.dtype)
            throw new ArgumentException($"Input type ({CppName(x.dtype)}) and bias type ({CppName(b.dtype)}) should be the same");
        if (padding.Any(v => v < 0)) throw new ArgumentException("negative padding is not supported");
        if (outputPadding.Any(v => v < 0)) throw new ArgumentException("negative output_padding is not supported");
        if (stride.Any(v => v <= 0)) throw new ArgumentException("non-positive stride is not supported");
        if (groups <= 0) throw new ArgumentException("non-positive groups is not supported");
        if (dilation.Any(v => v <= 0)) throw new ArgumentException("non-positive dilation is not supported");
        if (x.Dim() != k)
            throw new ArgumentException(
                $"Expected {k}-dimensional input for {k}-dimensional weight {Shapes.Format(w.shape)}, but got {x.Dim()}-dimensional input of size {Shapes.Format(x.shape)} instead");
        var ws = Shapes.Format(w.shape);
        var xs = Shapes.Format(x.shape);
        if (w.shape[0] < groups)
            throw new ArgumentException($"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got weight of size {ws} instead");
        if (w.shape[0] % groups != 0)
            throw new ArgumentException($"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size [{ws}] instead");
        if (!transposed)
        {
            if (x.shape[1] != w.shape[1] * groups)
                throw new ArgumentException(
                    $"Given groups={groups}, weight of size {ws}, expected input{xs} to have {w.shape[1] * groups} channels, but got {x.shape[1]} channels instead");
            if (b is not null && (b.Dim() != 1 || b.shape[0] != w.shape[0]))
                throw new ArgumentException(
                    $"Given weight of size {ws}, expected bias to be 1-dimensional with {w.shape[0]} elements, but got bias of size {Shapes.Format(b.shape)} instead");
            var padded = new long[dims];
            var kernel = new long[dims];
            for (int i = 0; i < dims; i++)
            {
                padded[i] = x.shape[i + 2] + 2 * padding[i];
                kernel[i] = dilation[i] * (w.shape[i + 2] - 1) + 1;
            }
            for (int i = 0; i < dims; i++)
                if (padded[i] < kernel[i])
                    throw new ArgumentException(
                        $"Calculated padded input size per channel: ({string.Join(" x ", padded)}). Kernel size: ({string.Join(" x ", kernel)}). " +
                        "Kernel size can't be greater than actual input size");
        }
        else
        {
            if (x.shape[1] != w.shape[0])
                throw new ArgumentException(
                    $"Given transposed=1, weight of size {ws}, expected input{xs} to have {w.shape[0]} channels, but got {x.shape[1]} channels instead");
            if (b is not null && (b.Dim() != 1 || b.shape[0] != w.shape[1] * groups))
                throw new ArgumentException(
                    $"Given transposed=1, weight of size {ws}, expected bias to be 1-dimensional with {w.shape[1] * groups} elements, but got bias of size {Shapes.Format(b.shape)} instead");
            var outSize = new long[dims];
            for (int i = 0; i < dims; i++)
                outSize[i] = (x.shape[i + 2] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (w.shape[i + 2] - 1) + outputPadding[i] + 1;
            if (outSize.Any(v => v < 1))
                throw new ArgumentException(
                    $"Given input size per channel: ({string.Join(" x ", x.shape[2..])}). Calculated output size per channel: " +
                    $"({string.Join(" x ", outSize)}). Output size is too small");
            for (int i = 0; i < dims; i++)
                if (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i])
                    throw new ArgumentException(OutputPaddingMessage(outputPadding, stride, dilation));
        }
        CheckTypes(x, w, transposed, dims);
        return new ConvSettings(stride, padding, dilation, transposed, outputPadding, groups);
    }

    private static long[] ExpandParam(long[] values, string name, int dims)
    {
        if (values.Length == 1) return Enumerable.Repeat(values[0], dims).ToArray();
        if (values.Length != dims)
            throw new ArgumentException(
                $"expected {name} to be a single integer value or a list of {dims} values to match the convolution dimensions, but got {name}={IntTuple.PyList(values)}");
        return values;
    }

    private static string OutputPaddingMessage(long[] op, long[] stride, long[] dilation)
    {
        // 1-D transposed convolutions run as 2-D ones with a height of 1.
        string[] names = op.Length == 3 ? ["depth", "height", "width"] : ["height", "width"];
        long[] Lift(long[] v, long fill) => op.Length == 1 ? [fill, v[0]] : v;
        var o = Lift(op, 0);
        var s = Lift(stride, 1);
        var d = Lift(dilation, 1);
        string Part(string what, long[] v) => string.Join(" ", names.Select((n, i) => $"{what}_{n}: {v[i]}"));
        return $"output padding must be smaller than either stride or dilation, but got {Part("output_padding", o)} {Part("stride", s)} {Part("dilation", d)}";
    }

    // The dtype checks of the kernels: oneDNN's wording for float and bfloat16 inputs where oneDNN would run, the slow
    // kernels' otherwise; then the dtypes the CPU kernels implement (CUDA takes every float dtype, as cuDNN does).
    private static void CheckTypes(Tensor x, Tensor w, bool transposed, int dims)
    {
        if (x.dtype != w.dtype)
        {
            bool pointwise = w.shape.Skip(2).All(v => v == 1);
            if (x.dtype is DType.Float32 or DType.BFloat16 && !transposed && !pointwise)
                throw new ArgumentException(
                    $"Input type ({LegacyName(x.dtype)}) and weight type ({LegacyName(w.dtype)}) should be the same or input should be a MKLDNN tensor and weight is a dense tensor");
            throw new ArgumentException($"expected scalar type {x.dtype.ScalarTypeName()} but found {w.dtype.ScalarTypeName()}");
        }
        var d = x.dtype;
        if (MathCommon.IsCudaFloat(x)) return;
        if (!transposed && d is DType.Float16 or DType.Bool)
            throw new NotSupportedException(
                $"\"{(dims == 3 ? "compute_columns3d" : "slow_conv2d_cpu")}\" not implemented for '{d.ScalarTypeName()}'");
        if (transposed && d is not (DType.Float32 or DType.Float64 or DType.BFloat16 or DType.Int64))
            throw new NotSupportedException(
                $"\"{(dims == 3 ? "slow_conv_transpose3d_out_cpu" : "slow_conv_transpose2d_out_cpu")}\" not implemented for '{d.ScalarTypeName()}'");
    }

    private static string LegacyName(DType d) => d switch
    {
        DType.BFloat16 => "CPUBFloat16Type",
        _ => d.TensorTypeName(),
    };

    /// <summary>The C++ type name PyTorch prints for a dtype (<c>float</c>, <c>long int</c>, <c>c10::BFloat16</c>).</summary>
    internal static string CppName(DType d) => d switch
    {
        DType.Float32 => "float",
        DType.Float64 => "double",
        DType.Float16 => "c10::Half",
        DType.BFloat16 => "c10::BFloat16",
        DType.Int64 => "long int",
        DType.Int32 => "int",
        DType.Int16 => "short int",
        DType.Int8 => "signed char",
        DType.UInt8 => "unsigned char",
        _ => "bool",
    };
}

/// <summary>Unfold (im2col) and fold (col2im): PyTorch's shape checks and the two as each other's derivative.</summary>
internal static class Folding
{
    private static long[] Two(IntTuple v, string name, long fallback)
    {
        var a = v.IsNone ? [fallback] : v.ToArray();
        if (a.Length == 1) return [a[0], a[0]];
        if (a.Length != 2) throw new ArgumentException($"It is expected {name} equals to 2, but got size {a.Length}");
        return a;
    }

    private static (long[] K, long[] D, long[] P, long[] S) Args(IntTuple kernelSize, IntTuple dilation, IntTuple padding, IntTuple stride)
    {
        var k = Two(kernelSize, "kernel_size", 0);
        var d = Two(dilation, "dilation", 1);
        var p = Two(padding, "padding", 0);
        var s = Two(stride, "stride", 1);
        if (k[0] <= 0 || k[1] <= 0)
            throw new ArgumentException($"kernel size should be greater than zero, but got kernel_height: {k[0]} kernel_width: {k[1]}");
        if (s[0] <= 0 || s[1] <= 0)
            throw new ArgumentException($"stride should be greater than zero, but got stride_height: {s[0]} stride_width: {s[1]}");
        if (d[0] <= 0 || d[1] <= 0)
            throw new ArgumentException($"dilation should be greater than zero, but got dilation_height: {d[0]} dilation_width: {d[1]}");
        if (p[0] < 0 || p[1] < 0)
            throw new ArgumentException($"padding should be non-negative, but got pad_height: {p[0]} pad_width: {p[1]}");
        return (k, d, p, s);
    }

    private static string Pair(long[] v) => $"({v[0]}, {v[1]})";

    private static void CheckType(Tensor x, string name)
    {
        if (!x.dtype.IsFloatingPoint()) throw new NotSupportedException($"\"{name}\" not implemented for '{x.dtype.ScalarTypeName()}'");
    }

    public static Tensor Unfold(Tensor input, IntTuple kernelSize, IntTuple dilation, IntTuple padding, IntTuple stride)
    {
        var (k, d, p, s) = Args(kernelSize, dilation, padding, stride);
        int nd = input.Dim();
        if (nd < 3) throw new IndexOutOfRangeException($"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got 2)");
        bool valid = input.shape[^3] != 0 && input.shape[^2] != 0 && input.shape[^1] != 0;
        if (nd > 4 || !valid)
            throw new ArgumentException(
                $"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {Shapes.Format(input.shape)}");
        var x = nd == 3 ? input.Unsqueeze(0) : input;
        long ih = x.shape[2], iw = x.shape[3];
        var g = ConvGeometry.Of(x.shape[0], x.shape[1], 1, 1, [ih, iw], k, s, p, d);
        if (g.OH < 1 || g.OW < 1)
            throw new ArgumentException(
                $"Given input with spatial size ({ih}, {ih}), kernel_size={Pair(k)}, dilation={Pair(d)}, padding={Pair(p)}, " +
                $"calculated shape of the array of sliding blocks as ({g.OH}, {g.OW}), but its components must be at least one.");
        CheckType(x, "im2col_out_cpu");
        var y = Im2Col(x, g);
        return nd == 3 ? y.Squeeze(0) : y;
    }

    public static Tensor Fold(Tensor input, IntTuple outputSize, IntTuple kernelSize, IntTuple dilation, IntTuple padding, IntTuple stride)
    {
        var o = Two(outputSize, "output_size", 0);
        var (k, d, p, s) = Args(kernelSize, dilation, padding, stride);
        int nd = input.Dim();
        bool valid = nd is 2 or 3 && input.shape[^2] != 0 && input.shape[^1] != 0;
        if (!valid)
            throw new ArgumentException(
                $"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: {Shapes.Format(input.shape)}");
        var x = nd == 2 ? input.Unsqueeze(0) : input;
        long ck = x.shape[1], l = x.shape[2];
        if (ck % (k[0] * k[1]) != 0)
            throw new ArgumentException(
                $"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)={ck} and kernel_size={Pair(k)}.");
        var g = ConvGeometry.Of(x.shape[0], ck / (k[0] * k[1]), 1, 1, o, k, s, p, d);
        if (g.OH < 1 || g.OW < 1)
            throw new ArgumentException(
                $"Given output_size={Pair(o)}, kernel_size={Pair(k)}, dilation={Pair(d)}, padding={Pair(p)}, stride={Pair(s)}, " +
                $"calculated shape of the array of sliding blocks as ({g.OH}, {g.OW}), but its components must be at least one.");
        if (g.L != l)
            throw new ArgumentException(
                $"Given output_size={Pair(o)}, kernel_size={Pair(k)}, dilation={Pair(d)}, padding={Pair(p)}, stride={Pair(s)}, " +
                $"expected size of input's dimension 2 to match the calculated number of sliding blocks {g.OH} * {g.OW} = {g.L}, but got input.size(2)={l}.");
        CheckType(x, "col2im_out_cpu");
        var y = Col2Im(x, g);
        return nd == 2 ? y.Squeeze(0) : y;
    }

    private static Tensor Im2Col(Tensor x, ConvGeometry g) =>
        LinearOp.Apply(x, [], t =>
        {
            var col = Tensor.Allocate([g.N, g.K, g.L], t.dtype, t.Device);
            t.Backend.Im2Col(t.Contiguous(), col, g);
            return col;
        }, "Im2ColBackward0", (gy, _) => Col2Im(gy, g));

    private static Tensor Col2Im(Tensor col, ConvGeometry g) =>
        LinearOp.Apply(col, [], t =>
        {
            var x = Tensor.Allocate([g.N, g.C, g.IH, g.IW], t.dtype, t.Device);
            t.Backend.Col2Im(t.Contiguous(), x, g);
            return x;
        }, "Col2ImBackward0", (gx, _) => Im2Col(gx, g));
}
