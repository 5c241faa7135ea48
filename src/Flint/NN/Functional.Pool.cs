using Flint.Autograd;
using Flint.Backends;
using Flint.Ops;

namespace Flint.NN;

public static partial class Functional
{
    /// <summary>
    /// 1-D max pooling over [N, C, L] or [C, L] (<c>F.max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1,
    /// ceil_mode=False)</c>); stride defaults to the kernel size.
    /// </summary>
    public static Tensor MaxPool1d(Tensor input, IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default,
        IntTuple dilation = default, bool ceilMode = false) =>
        MaxPool1dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Output;

    /// <summary>1-D max pooling returning the values and the int64 positions of the maxima (<c>F.max_pool1d_with_indices</c>).</summary>
    public static (Tensor Output, Tensor Indices) MaxPool1dWithIndices(Tensor input, IntTuple kernelSize, IntTuple stride = default,
        IntTuple padding = default, IntTuple dilation = default, bool ceilMode = false)
    {
        Pooling.Check1d(input, "max_pool1d");
        var k = Pooling.Lift1d(kernelSize, 1, 0, Pooling.MaxPool1dArg("kernel_size", false));
        var s = Pooling.Lift1d(stride, 1, k[1], Pooling.MaxPool1dArg("stride", true));
        var p = Pooling.Lift1d(padding, 0, 0, Pooling.MaxPool1dArg("padding", false));
        var d = Pooling.Lift1d(dilation, 1, 1, Pooling.MaxPool1dArg("dilation", false));
        var (y, i) = Pooling.MaxPool2d(input.Unsqueeze(-2), k, s, p, d, ceilMode);
        return (y.Squeeze(-2), i.Squeeze(-2));
    }

    /// <summary>
    /// 2-D max pooling over [N, C, H, W] or [C, H, W] (<c>F.max_pool2d(input, kernel_size, stride=None, padding=0,
    /// dilation=1, ceil_mode=False)</c>): <c>F.MaxPool2d(x, 2)</c>, <c>F.MaxPool2d(x, (2, 2))</c>.
    /// </summary>
    public static Tensor MaxPool2d(Tensor input, IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default,
        IntTuple dilation = default, bool ceilMode = false) =>
        MaxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Output;

    /// <summary>2-D max pooling returning the values and the flat int64 positions (h·W + w) of the maxima (<c>F.max_pool2d_with_indices</c>).</summary>
    public static (Tensor Output, Tensor Indices) MaxPool2dWithIndices(Tensor input, IntTuple kernelSize, IntTuple stride = default,
        IntTuple padding = default, IntTuple dilation = default, bool ceilMode = false)
    {
        var k = Pooling.Pair(kernelSize, "max_pool2d", "kernel_size must either be a single int, or a tuple of two ints");
        var s = stride.IsNone || stride.ToArray().Length == 0
            ? k
            : Pooling.Pair(stride, "max_pool2d", "stride must either be omitted, a single int, or a tuple of two ints");
        var p = padding.IsNone ? [0L, 0L] : Pooling.Pair(padding, "max_pool2d", "padding must either be a single int, or a tuple of two ints");
        var d = dilation.IsNone ? [1L, 1L] : Pooling.Pair(dilation, "max_pool2d", "dilation must be either a single int, or a tuple of two ints");
        return Pooling.MaxPool2d(input, k, s, p, d, ceilMode);
    }

    /// <summary>
    /// 1-D average pooling (<c>F.avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
    /// count_include_pad=True)</c>).
    /// </summary>
    public static Tensor AvgPool1d(Tensor input, IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default,
        bool ceilMode = false, bool countIncludePad = true)
    {
        if (input.Dim() is not (2 or 3))
            throw new ArgumentException(
                $"Expected 2 to 3 dimensions, but got {input.Dim()}-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)");
        var k = Pooling.Lift1d(kernelSize, 1, 0, Pooling.AvgPool1dArg("kernel_size"));
        var y = Pooling.AvgPool2d(input.Unsqueeze(-2), k, Pooling.Lift1d(stride, 1, k[1], Pooling.AvgPool1dArg("stride")),
            Pooling.Lift1d(padding, 0, 0, Pooling.AvgPool1dArg("padding")), ceilMode, countIncludePad, null);
        return y.Squeeze(-2);
    }

    /// <summary>
    /// 2-D average pooling (<c>F.avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
    /// count_include_pad=True, divisor_override=None)</c>).
    /// </summary>
    public static Tensor AvgPool2d(Tensor input, IntTuple kernelSize, IntTuple stride = default, IntTuple padding = default,
        bool ceilMode = false, bool countIncludePad = true, long? divisorOverride = null)
    {
        var k = Pooling.Pair(kernelSize, "avg_pool2d", "kernel_size must either be a single int, or a tuple of two ints");
        var s = stride.IsNone || stride.ToArray().Length == 0
            ? k
            : Pooling.Pair(stride, "avg_pool2d", "stride must either be omitted, a single int, or a tuple of two ints");
        var p = padding.IsNone ? [0L, 0L] : Pooling.Pair(padding, "avg_pool2d", "padding must either be a single int, or a tuple of two ints");
        if (divisorOverride == 0) throw new ArgumentException("divisor must be not zero");
        return Pooling.AvgPool2d(input, k, s, p, ceilMode, countIncludePad, divisorOverride);
    }

    /// <summary>1-D adaptive average pooling to <paramref name="outputSize"/> positions (<c>F.adaptive_avg_pool1d(input, output_size)</c>).</summary>
    public static Tensor AdaptiveAvgPool1d(Tensor input, IntTuple outputSize)
    {
        Pooling.CheckAdaptive1d(input, "adaptive_avg_pool1d");
        return AdaptiveAvgPool2d(input.Unsqueeze(-2), [1, Pooling.Single(outputSize, "adaptive_avg_pool1d", "output_size")]).Squeeze(-2);
    }

    /// <summary>2-D adaptive average pooling to an output size (<c>F.adaptive_avg_pool2d(input, output_size)</c>).</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, IntTuple outputSize) => Pooling.AdaptiveAvgPool2d(input, outputSize.Expand(2, 0));

    /// <summary>1-D adaptive max pooling (<c>F.adaptive_max_pool1d(input, output_size)</c>).</summary>
    public static Tensor AdaptiveMaxPool1d(Tensor input, IntTuple outputSize) => AdaptiveMaxPool1dWithIndices(input, outputSize).Output;

    /// <summary>1-D adaptive max pooling with the positions of the maxima (<c>F.adaptive_max_pool1d_with_indices</c>).</summary>
    public static (Tensor Output, Tensor Indices) AdaptiveMaxPool1dWithIndices(Tensor input, IntTuple outputSize)
    {
        Pooling.CheckAdaptive1d(input, "adaptive_max_pool1d");
        var (y, i) = AdaptiveMaxPool2dWithIndices(input.Unsqueeze(-2), [1, Pooling.Single(outputSize, "adaptive_max_pool1d", "output_size")]);
        return (y.Squeeze(-2), i.Squeeze(-2));
    }

    /// <summary>2-D adaptive max pooling (<c>F.adaptive_max_pool2d(input, output_size)</c>).</summary>
    public static Tensor AdaptiveMaxPool2d(Tensor input, IntTuple outputSize) => AdaptiveMaxPool2dWithIndices(input, outputSize).Output;

    /// <summary>2-D adaptive max pooling with the flat positions of the maxima (<c>F.adaptive_max_pool2d_with_indices</c>).</summary>
    public static (Tensor Output, Tensor Indices) AdaptiveMaxPool2dWithIndices(Tensor input, IntTuple outputSize) =>
        Pooling.AdaptiveMaxPool2d(input, outputSize.Expand(2, 0));

    /// <summary>
    /// The partial inverse of 1-D max pooling: each value goes to the position its index names, zeros elsewhere
    /// (<c>F.max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None)</c>).
    /// </summary>
    public static Tensor MaxUnpool1d(Tensor input, Tensor indices, IntTuple kernelSize, IntTuple stride = default,
        IntTuple padding = default, long[]? outputSize = null)
    {
        var k = kernelSize.Expand(1, 0);
        var s = stride.IsNone ? k : stride.Expand(1, 0);
        var size = Pooling.UnpoolOutputSize(input, k, s, padding.Expand(1, 0), outputSize);
        return Pooling.MaxUnpool2d(input.Unsqueeze(-1), indices.Unsqueeze(-1), [size[0], 1]).Squeeze(-1);
    }

    /// <summary>
    /// The partial inverse of 2-D max pooling (<c>F.max_unpool2d(input, indices, kernel_size, stride=None, padding=0,
    /// output_size=None)</c>); output_size may name the last two sizes or all four.
    /// </summary>
    public static Tensor MaxUnpool2d(Tensor input, Tensor indices, IntTuple kernelSize, IntTuple stride = default,
        IntTuple padding = default, long[]? outputSize = null)
    {
        var k = kernelSize.Expand(2, 0);
        var s = stride.IsNone ? k : stride.Expand(2, 0);
        var size = Pooling.UnpoolOutputSize(input, k, s, padding.Expand(2, 0), outputSize);
        return Pooling.MaxUnpool2d(input, indices, size);
    }
}

/// <summary>
/// A linear op and its adjoint recorded as each other's derivative: pooling and resampling backward passes are linear
/// in the output gradient, so the derivative of each is the other, to any order.
/// </summary>
internal static class LinearOp
{
    /// <summary>
    /// Computes <paramref name="compute"/>(x) without history and records node <paramref name="name"/> whose backward is
    /// <paramref name="adjoint"/>(grad, saved tensors).
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor[] saved, Func<Tensor, Tensor> compute, string name, Func<Tensor, Tensor[], Tensor> adjoint)
    {
        Tensor y;
        using (Torch.NoGrad()) y = compute(x);
        if (Graph.Needs(x))
            Graph.Record(y, name, [x], saved, n =>
            {
                var s = new Tensor[saved.Length];
                for (int i = 0; i < s.Length; i++) s[i] = n.Saved(i);
                return [adjoint(n.Grad, s)];
            });
        return y;
    }

    /// <summary>A contiguous tensor viewed with another shape of the same size, without history (for backend calls).</summary>
    public static Tensor Raw(Tensor contiguous, params long[] shape) =>
        new(contiguous.storage, shape, Shapes.ContiguousStrides(shape), contiguous.offset, contiguous.dtype, contiguous.version);
}

/// <summary>The pooling ops: PyTorch's checks and shape rules, the backend calls and the derivatives.</summary>
internal static class Pooling
{
    public static long[] Pair(IntTuple v, string op, string message)
    {
        var a = v.ToArray();
        if (a.Length is not (1 or 2)) throw new ArgumentException($"{op}: {message}");
        return a.Length == 1 ? [a[0], a[0]] : a;
    }

    // A one-int argument of a 1-D op, with the argument parser's message otherwise.
    public static long Single(IntTuple v, string op, string arg)
    {
        var a = v.ToArray();
        if (a.Length != 1) throw new ArgumentException($"{op}() argument '{arg}' should contain one int (got {a.Length})");
        return a[0];
    }

    // A 1-D pool runs as a 2-D one of height 1: each argument gains a leading neutral entry.
    public static long[] Lift1d(IntTuple v, long neutral, long whenNone, Func<int, string> message)
    {
        var a = v.ToArray();
        if (a.Length > 1) throw new ArgumentException(message(a.Length));
        return [neutral, a.Length == 0 ? whenNone : a[0]];
    }

    public static Func<int, string> MaxPool1dArg(string arg, bool optional) => n =>
        optional
            ? $"max_pool1d() {arg} must be None, an int, list of ints, or tuple of ints of size 1 but got size {n}"
            : $"max_pool1d() {arg} must be an int, list of ints or tuple of ints of size 1 but got size {n}";

    public static Func<int, string> AvgPool1dArg(string arg) => n => $"avg_pool1d() argument '{arg}' should contain one int (got {n})";

    public static void Check1d(Tensor input, string name)
    {
        if (input.Dim() is not (2 or 3))
            throw new ArgumentException(
                $"{name}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:{Shapes.Format(input.shape)}");
    }

    public static void CheckAdaptive1d(Tensor input, string name)
    {
        if (input.Dim() is not (2 or 3))
            throw new ArgumentException(
                $"Expected 2 to 3 dimensions, but got {input.Dim()}-dimensional tensor for argument #1 'self' (while checking arguments for {name})");
    }

    // ATen's pooling_output_shape with its checks.
    private static long OutputSize(long input, long kernel, long pad, long stride, long dilation, bool ceil)
    {
        if (stride == 0) throw new ArgumentException("stride should not be zero");
        if (pad < 0) throw new ArgumentException($"pad must be non-negative, but got pad: {pad}");
        if (pad > kernel / 2) throw new ArgumentException($"pad should be at most half of kernel size, but got pad={pad} and kernel_size={kernel}");
        long num = input + 2 * pad - dilation * (kernel - 1) - 1 + (ceil ? stride - 1 : 0);
        long output = (long)Math.Floor((double)num / stride) + 1;
        if (ceil && (output - 1) * stride >= input + pad) output--;
        return output;
    }

    private static PoolGeometry Geometry(Tensor x, long[] k, long[] s, long[] p, long[] d, bool ceil)
    {
        if (x.Dim() is not (3 or 4)) throw new ArgumentException("non-empty 3D or 4D (batch mode) tensor expected for input");
        long ih = x.shape[^2], iw = x.shape[^1];
        long oh = OutputSize(ih, k[0], p[0], s[0], d[0], ceil), ow = OutputSize(iw, k[1], p[1], s[1], d[1], ceil);
        if (k[0] <= 0 || k[1] <= 0) throw new ArgumentException($"kernel size should be greater than zero, but got kH: {k[0]} kW: {k[1]}");
        if (s[0] <= 0 || s[1] <= 0) throw new ArgumentException($"stride should be greater than zero, but got dH: {s[0]} dW: {s[1]}");
        if (d[0] <= 0 || d[1] <= 0)
            throw new ArgumentException($"dilation should be greater than zero, but got dilationH: {d[0]} dilationW: {d[1]}");
        bool valid = x.shape[1] != 0 && x.shape[2] != 0 && (x.Dim() == 3 ? x.shape[0] != 0 : x.shape[3] != 0);
        if (!valid)
            throw new ArgumentException(
                $"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:{Shapes.Format(x.shape)}");
        if (oh < 1 || ow < 1)
            throw new ArgumentException(
                $"Given input size: ({x.shape[^3]}x{ih}x{iw}). Calculated output size: ({x.shape[^3]}x{oh}x{ow}). Output size is too small");
        return new PoolGeometry
        {
            Planes = x.Numel() / Math.Max(1, ih * iw), IH = ih, IW = iw, OH = oh, OW = ow,
            KH = k[0], KW = k[1], SH = s[0], SW = s[1], PH = p[0], PW = p[1], DH = d[0], DW = d[1],
        };
    }

    private static long[] WithSpatial(long[] shape, long h, long w) => [.. shape[..^2], h, w];

    public static (Tensor, Tensor) MaxPool2d(Tensor x, long[] k, long[] s, long[] p, long[] d, bool ceil)
    {
        var g = Geometry(x, k, s, p, d, ceil);
        MathCommon.CheckFloat(x, "max_pool2d");
        var outShape = WithSpatial(x.shape, g.OH, g.OW);
        var indices = Tensor.Allocate(outShape, DType.Int64, x.Device);
        var y = Tensor.Allocate(outShape, x.dtype, x.Device);
        if (y.Numel() > 0) x.Backend.MaxPool2d(x.Contiguous(), y, indices, g);
        var inShape = x.shape;
        if (Graph.Needs(x))
            Graph.Record(y, "MaxPool2DWithIndicesBackward0", [x], [indices], n =>
                [ScatterPlanes(n.Grad, n.Saved(0), inShape, "MaxPool2DWithIndicesBackwardBackward0", "MaxPool2DWithIndicesBackward0", g)]);
        return (y, indices);
    }

    /// <summary>
    /// dst [*, S] (shape <paramref name="dstShape"/>) = Σ of src values at their plane index; records <paramref name="name"/>.
    /// Given the max pool's geometry <paramref name="pool"/> (its own indices), the backend's max-pool backward runs it.
    /// </summary>
    public static Tensor ScatterPlanes(Tensor src, Tensor indices, long[] dstShape, string name, string adjointName, PoolGeometry? pool = null) =>
        LinearOp.Apply(src, [indices], t =>
        {
            var dst = Tensor.Allocate((long[])dstShape.Clone(), t.dtype, t.Device);
            var (src, index, planes) = (Planes(t.Contiguous(), indices), Planes(indices.Contiguous(), indices), Planes(dst, indices));
            Func<long, Exception> outOfRange = i => new ArgumentException($"Found an invalid max index: {i}");
            if (pool is not null) t.Backend.MaxPool2dBackward(src, index, planes, pool, outOfRange);
            else t.Backend.PlaneScatter(src, index, planes, true, outOfRange);
            return dst;
        }, name, (g, saved) => GatherPlanes(g, saved[0], adjointName, name));

    /// <summary>dst[p, t] = src[p, index[p, t]]; records <paramref name="name"/> (adjoint: the scatter).</summary>
    public static Tensor GatherPlanes(Tensor src, Tensor indices, string name, string adjointName)
    {
        var srcShape = src.shape;
        return LinearOp.Apply(src, [indices], t =>
        {
            var dst = Tensor.Allocate((long[])indices.shape.Clone(), t.dtype, t.Device);
            t.Backend.PlaneGather(Planes(t.Contiguous(), indices), Planes(indices.Contiguous(), indices), Planes(dst, indices),
                i => new ArgumentException($"Found an invalid max index: {i}"));
            return dst;
        }, name, (g, saved) => ScatterPlanes(g, saved[0], srcShape, adjointName, name));
    }

    // A tensor as [planes, per-plane] where the planes are the leading dims shared with the index tensor (all but the last two).
    private static Tensor Planes(Tensor contiguous, Tensor index)
    {
        long planes = 1;
        for (int i = 0; i < index.Dim() - 2; i++) planes *= index.shape[i];
        return LinearOp.Raw(contiguous, planes, planes == 0 ? 0 : contiguous.Numel() / planes);
    }

    public static Tensor AvgPool2d(Tensor x, long[] k, long[] s, long[] p, bool ceil, bool countIncludePad, long? divisor)
    {
        var g = Geometry(x, k, s, p, [1, 1], ceil);
        g.CountIncludePad = countIncludePad;
        g.Divisor = divisor;
        if (x.dtype is not (DType.Float32 or DType.Float64 or DType.BFloat16 or DType.Int64) && !MathCommon.IsCudaFloat(x))
            throw new NotSupportedException($"\"avg_pool2d\" not implemented for '{x.dtype.ScalarTypeName()}'");
        return AvgForward(x, g, WithSpatial(x.shape, g.OH, g.OW));
    }

    private static Tensor AvgForward(Tensor x, PoolGeometry g, long[] outShape)
    {
        var inShape = x.shape;
        return LinearOp.Apply(x, [], t =>
        {
            var y = Tensor.Allocate((long[])outShape.Clone(), t.dtype, t.Device);
            if (y.Numel() > 0) t.Backend.AvgPool2d(t.Contiguous(), y, g);
            return y;
        }, "AvgPool2DBackward0", (gy, _) => AvgBackward(gy, g, inShape));
    }

    private static Tensor AvgBackward(Tensor gy, PoolGeometry g, long[] inShape)
    {
        var outShape = gy.shape;
        return LinearOp.Apply(gy, [], t =>
        {
            var gx = Tensor.Allocate((long[])inShape.Clone(), t.dtype, t.Device);
            if (gx.Numel() > 0) t.Backend.AvgPool2dBackward(t.Contiguous(), gx, g);
            return gx;
        }, "AvgPool2DBackwardBackward0", (ggx, _) => AvgForward(ggx, g, outShape));
    }

    private static PoolGeometry AdaptiveGeometry(Tensor x, long[] size, string name, string colon)
    {
        if (size.Length != 2) throw new ArgumentException($"{name}: output_size must be 2");
        if (x.Dim() is not (3 or 4)) throw new ArgumentException($"{name}(): Expected 3D or 4D tensor, but got{colon} {Shapes.Format(x.shape)}");
        for (int i = 1; i < x.Dim(); i++)
            if (x.shape[i] == 0)
                throw new ArgumentException(
                    $"{name}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes {Shapes.Format(x.shape)} with dimension {i} being empty");
        foreach (var v in size)
            if (v < 0)
                throw new ArgumentException(
                    $"Trying to create tensor with negative dimension {v}: {Shapes.Format(WithSpatial(x.shape, size[0], size[1]))}");
        long ih = x.shape[^2], iw = x.shape[^1];
        return new PoolGeometry { Planes = x.Numel() / (ih * iw), IH = ih, IW = iw, OH = size[0], OW = size[1] };
    }

    public static Tensor AdaptiveAvgPool2d(Tensor x, long[] size)
    {
        var g = AdaptiveGeometry(x, size, "adaptive_avg_pool2d", "");
        MathCommon.CheckFloat(x, "adaptive_avg_pool2d");
        if (size[0] == 1 && size[1] == 1) return x.Mean([-1, -2], keepdim: true);
        return AdaptiveForward(x, g, WithSpatial(x.shape, g.OH, g.OW));
    }

    private static Tensor AdaptiveForward(Tensor x, PoolGeometry g, long[] outShape)
    {
        var inShape = x.shape;
        return LinearOp.Apply(x, [], t =>
        {
            var y = Tensor.Allocate((long[])outShape.Clone(), t.dtype, t.Device);
            if (y.Numel() > 0) t.Backend.AdaptiveAvgPool2d(t.Contiguous(), y, g);
            return y;
        }, "AdaptiveAvgPool2DBackward0", (gy, _) => AdaptiveBackward(gy, g, inShape));
    }

    private static Tensor AdaptiveBackward(Tensor gy, PoolGeometry g, long[] inShape)
    {
        var outShape = gy.shape;
        return LinearOp.Apply(gy, [], t =>
        {
            var gx = Tensor.Allocate((long[])inShape.Clone(), t.dtype, t.Device);
            if (gx.Numel() > 0) t.Backend.AdaptiveAvgPool2dBackward(t.Contiguous(), gx, g);
            return gx;
        }, "AdaptiveAvgPool2DBackwardBackward0", (ggx, _) => AdaptiveForward(ggx, g, outShape));
    }

    public static (Tensor, Tensor) AdaptiveMaxPool2d(Tensor x, long[] size)
    {
        var g = AdaptiveGeometry(x, size, "adaptive_max_pool2d", ":");
        MathCommon.CheckFloat(x, "adaptive_max_pool2d");
        var outShape = WithSpatial(x.shape, g.OH, g.OW);
        var indices = Tensor.Allocate(outShape, DType.Int64, x.Device);
        var y = Tensor.Allocate(outShape, x.dtype, x.Device);
        if (y.Numel() > 0) x.Backend.AdaptiveMaxPool2d(x.Contiguous(), y, indices, g);
        var inShape = x.shape;
        if (Graph.Needs(x))
            Graph.Record(y, "AdaptiveMaxPool2DBackward0", [x], [indices], n =>
                [ScatterPlanes(n.Grad, n.Saved(0), inShape, "AdaptiveMaxPool2DBackwardBackward0", "AdaptiveMaxPool2DBackward0")]);
        return (y, indices);
    }

    // Python's _unpool_output_size: the default size, or the requested one checked to lie strictly within a stride of it.
    public static long[] UnpoolOutputSize(Tensor input, long[] k, long[] s, long[] p, long[]? outputSize)
    {
        int n = k.Length;
        var def = new long[n];
        for (int d = 0; d < n; d++) def[d] = (input.shape[input.Dim() - n + d] - 1) * s[d] + k[d] - 2 * p[d];
        if (outputSize is null) return def;
        var o = outputSize.Length == n + 2 ? outputSize[2..] : outputSize;
        if (o.Length != n)
            throw new ArgumentException(
                $"output_size should be a sequence containing {n} or {n + 2} elements, but it has a length of '{o.Length}'");
        for (int d = 0; d < n; d++)
        {
            long min = def[d] - s[d], max = def[d] + s[d];
            if (!(min < o[d] && o[d] < max))
                throw new ArgumentException($"invalid output_size \"{IntTuple.PyTuple(o)}\" (dim {d} must be between {min} and {max})");
        }
        return o;
    }

    public static Tensor MaxUnpool2d(Tensor x, Tensor indices, long[] size)
    {
        if (indices.dtype != DType.Int64)
            throw new ArgumentException($"elements in indices should be type int64 but got: {indices.dtype.ScalarTypeName()}");
        if (size.Length != 2)
            throw new ArgumentException($"There should be exactly two elements (height, width) in output_size, but got {size.Length} elements.");
        if (x.Dim() is not (3 or 4))
            throw new ArgumentException($"Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with {x.Dim()} dimensions.");
        if (!x.shape.AsSpan().SequenceEqual(indices.shape))
            throw new ArgumentException(
                $"Expected shape of indices to be same as that of the input tensor ({Shapes.Format(x.shape)}) but got indices tensor with shape: {Shapes.Format(indices.shape)}");
        for (int i = 1; i < x.Dim(); i++)
            if (x.shape[i] == 0)
                throw new ArgumentException(
                    $"max_unpooling2d_forward_out_cpu(): Expected input to have non-zero size for non-batch dimensions, but got {Shapes.Format(x.shape)} with dimension {i} being empty.");
        if (x.dtype is not (DType.Float32 or DType.Float64))
            throw new NotSupportedException($"\"max_unpool2d\" not implemented for '{x.dtype.ScalarTypeName()}'");
        var outShape = WithSpatial(x.shape, size[0], size[1]);
        return LinearOp.Apply(x, [indices], t =>
        {
            var dst = Tensor.Allocate(outShape, t.dtype, t.Device);
            t.Backend.PlaneScatter(Planes(t.Contiguous(), indices), Planes(indices.Contiguous(), indices), Planes(dst, indices), false,
                i => new ArgumentException($"Found an invalid max index: {i} (output volumes are of size {size[0]}x{size[1]}"));
            return dst;
        }, "MaxUnpool2DBackward0", (g, saved) => GatherPlanes(g, saved[0], "MaxUnpool2DBackwardBackward0", "MaxUnpool2DBackward0"));
    }
}
