using Flint.Autograd;
using Flint.Backends;
using Flint.Ops;

namespace Flint;

/// <summary>cumsum, cumprod, cummax, cummin, logcumsumexp.</summary>
public partial class Tensor
{
    /// <summary>
    /// Running sums along <paramref name="dim"/> (<c>x.cumsum(dim, dtype)</c>); integers and bool sum in int64, floats
    /// accumulate in float64.
    /// </summary>
    public Tensor Cumsum(long dim, DType? dtype = null) => ScanOps.Cumulative(this, ScanKind.Sum, dim, dtype, reverse: false);

    /// <summary>
    /// Running products along <paramref name="dim"/> (<c>x.cumprod(dim, dtype)</c>); the gradient is exact when the
    /// input holds zeros.
    /// </summary>
    public Tensor Cumprod(long dim, DType? dtype = null) => ScanOps.Cumulative(this, ScanKind.Prod, dim, dtype, reverse: false);

    /// <summary>In-place <see cref="Cumsum"/> (<c>x.cumsum_(dim, dtype)</c>): the running sums written back into x.</summary>
    public Tensor Cumsum_(long dim, DType? dtype = null) => InPlace.Apply(this, s => s.Cumsum(dim, dtype));

    /// <summary>In-place <see cref="Cumprod"/> (<c>x.cumprod_(dim, dtype)</c>): the running products written back into x.</summary>
    public Tensor Cumprod_(long dim, DType? dtype = null) => InPlace.Apply(this, s => s.Cumprod(dim, dtype));

    /// <summary>
    /// The running maximum along <paramref name="dim"/> and where it was reached (<c>x.cummax(dim)</c>); ties take the
    /// later index, and a NaN, once reached, stays.
    /// </summary>
    public (Tensor Values, Tensor Indices) Cummax(long dim) => ScanOps.CumExtreme(this, true, dim);

    /// <summary>The running minimum along <paramref name="dim"/> and where it was reached (<c>x.cummin(dim)</c>).</summary>
    public (Tensor Values, Tensor Indices) Cummin(long dim) => ScanOps.CumExtreme(this, false, dim);

    /// <summary>
    /// log(cumsum(exp(x))) along <paramref name="dim"/>, computed stably (<c>x.logcumsumexp(dim)</c>); floats only.
    /// </summary>
    public Tensor Logcumsumexp(long dim) => ScanOps.Cumulative(this, ScanKind.LogSumExp, dim, null, reverse: false);
}

public static partial class Torch
{
    /// <summary><c>torch.cumsum(x, dim, dtype)</c>.</summary>
    public static Tensor Cumsum(Tensor x, long dim, DType? dtype = null) => x.Cumsum(dim, dtype);
    /// <summary><c>torch.cumprod(x, dim, dtype)</c>.</summary>
    public static Tensor Cumprod(Tensor x, long dim, DType? dtype = null) => x.Cumprod(dim, dtype);
    /// <summary><c>torch.cummax(x, dim)</c>.</summary>
    public static (Tensor Values, Tensor Indices) Cummax(Tensor x, long dim) => x.Cummax(dim);
    /// <summary><c>torch.cummin(x, dim)</c>.</summary>
    public static (Tensor Values, Tensor Indices) Cummin(Tensor x, long dim) => x.Cummin(dim);
    /// <summary><c>torch.logcumsumexp(x, dim)</c>.</summary>
    public static Tensor Logcumsumexp(Tensor x, long dim) => x.Logcumsumexp(dim);
}

/// <summary>The implementations of the scans, with their derivatives.</summary>
internal static class ScanOps
{
    /// <summary>
    /// A running sum, product or log-sum-exp along dim, from the end when <paramref name="reverse"/> (the form the
    /// derivatives use; PyTorch writes it as flip, scan, flip).
    /// </summary>
    public static Tensor Cumulative(Tensor x, ScanKind kind, long dim, DType? dtype, bool reverse)
    {
        int d = Shapes.WrapDim(dim, x.Dim());
        var outType = dtype ?? (kind != ScanKind.LogSumExp && x.dtype.IsIntegral(includeBool: true) ? DType.Int64 : x.dtype);
        if (kind == ScanKind.LogSumExp && !outType.IsFloatingPoint())
            throw new NotSupportedException($"\"logcumsumexp_out_cpu\" not implemented for '{outType.ScalarTypeName()}'");
        var src = Reduction.Dense(x, outType);
        var r = Tensor.Allocate((long[])x.shape.Clone(), outType, x.Device);
        if (r.Numel() > 0) x.Backend.Scan(kind, src, Reduction.Layout(src, d), reverse, r);
        if (Graph.Needs(x))
        {
            var node = kind switch { ScanKind.Sum => "CumsumBackward0", ScanKind.Prod => "CumprodBackward0", _ => "LogcumsumexpBackward0" };
            Graph.Record(r, node, [x], [x, r], n => [kind switch
            {
                ScanKind.Sum => CumsumGrad(n.Grad, d, reverse),
                ScanKind.Prod => CumprodGrad(n.Grad, n.Saved(0), d, n.Saved(1), reverse),
                _ => LogcumsumexpGrad(n.Grad, n.Saved(0), n.Saved(1), d, reverse),
            }]);
        }
        return r;
    }

    private static Tensor CumsumGrad(Tensor grad, int dim, bool reverse)
    {
        if (grad.Numel() <= 1 || grad.Dim() == 0 || grad.shape[dim] == 1) return grad;
        return Cumulative(grad, ScanKind.Sum, dim, null, !reverse);
    }

    // PyTorch's cumprod_backward: without zeros, the reversed cumsum of output * grad over the input; with zeros, a
    // linear-time kernel, or with history wanted (a higher derivative) the quadratic form written in ops.
    private static Tensor CumprodGrad(Tensor grad, Tensor input, int dim, Tensor output, bool reverse)
    {
        if (input.Numel() <= 1 || input.Dim() == 0 || input.shape[dim] == 1) return grad;
        grad = grad.To(input.dtype);
        if (input.Eq(0).Sum().Item<long>() == 0)
            return Cumulative(output.Mul(grad), ScanKind.Sum, dim, null, !reverse).Div(input);
        if (!GradMode.IsEnabled || !(input.RequiresGrad || grad.RequiresGrad))
        {
            var x = Reduction.Dense(input);
            var g = Reduction.Dense(grad);
            if (reverse)
            {
                x = Flip(x, dim);
                g = Flip(g, dim);
            }
            var r = Tensor.Allocate((long[])x.shape.Clone(), x.dtype, x.Device);
            r.Backend.CumprodGrad(x, g, Reduction.Layout(x, dim), r);
            return reverse ? Flip(r, dim) : r;
        }
        // grad_k = sum_{j >= k} grad_j * prod_{i <= j, i != k} x_i: row k of a matrix whose diagonal is set to one,
        // scanned, weighted by grad and summed over j >= k (j <= k when reversed).
        long n = input.shape[dim];
        var last = input.Transpose(dim, -1);
        var rows = (last.Unsqueeze(-2).Expand([.. last.shape[..^1], n, n])).MaskedFill(Torch.Eye(n, dtype: DType.Bool, device: input.Device), 1);
        var scanned = Cumulative(rows, ScanKind.Prod, -1, null, reverse);
        var outside = Triangle(n, lower: !reverse, input.Device);
        var weighted = scanned.Mul(grad.Transpose(dim, -1).Unsqueeze(-2));
        return weighted.MaskedFill(outside, 0).Sum(-1).Transpose(dim, -1);
    }

    // An n x n bool mask of the strictly lower (or strictly upper) triangle.
    private static Tensor Triangle(long n, bool lower, Device device)
    {
        var m = new bool[n * n];
        for (long k = 0; k < n; k++)
            for (long j = 0; j < n; j++)
                m[k * n + j] = lower ? j < k : j > k;
        return Torch.FromArray(m, n, n).To(device: device);
    }

    // The elements of a contiguous tensor in reverse order along dim (no history).
    private static Tensor Flip(Tensor x, int dim)
    {
        var l = Reduction.Layout(x, dim);
        var index = new long[x.Numel()];
        for (long o = 0; o < l.Outer; o++)
            for (long k = 0; k < l.Size; k++)
                for (long i = 0; i < l.Inner; i++)
                    index[(o * l.Size + k) * l.Inner + i] = l.Size - 1 - k;
        var r = Tensor.Allocate((long[])x.shape.Clone(), x.dtype, x.Device);
        var idx = Torch.FromArray(index, (long[])x.shape.Clone()).To(device: x.Device);
        x.Backend.GatherLanes(x, l, idx, l.Size, r);
        return r;
    }

    // PyTorch's logcumsumexp_backward: the positive and negative parts of grad are carried in log space through a
    // scan in the opposite direction, so that nothing overflows.
    private static Tensor LogcumsumexpGrad(Tensor grad, Tensor self, Tensor result, int dim, bool reverse)
    {
        if (grad.Dim() == 0 || grad.Numel() == 0) return grad;
        double lowest = grad.dtype switch
        {
            DType.Float64 => double.MinValue,
            DType.Float16 => (double)System.Half.MinValue,
            DType.BFloat16 => -3.3895313892515355e38,
            _ => float.MinValue,
        };
        var logAbs = grad.Abs().Log();
        var logPos = logAbs.MaskedFill(grad.Gt(0).LogicalNot(), lowest);
        var logNeg = logAbs.MaskedFill(grad.Lt(0).LogicalNot(), lowest);
        var pos = (Cumulative(logPos.Sub(result), ScanKind.LogSumExp, dim, null, !reverse).Add(self)).Exp();
        var neg = (Cumulative(logNeg.Sub(result), ScanKind.LogSumExp, dim, null, !reverse).Add(self)).Exp();
        return pos.Sub(neg);
    }

    public static (Tensor Values, Tensor Indices) CumExtreme(Tensor x, bool max, long dim)
    {
        int d = Shapes.WrapDim(dim, x.Dim());
        var src = Reduction.Dense(x);
        var values = Tensor.Allocate((long[])x.shape.Clone(), x.dtype, x.Device);
        var indices = Tensor.Allocate((long[])x.shape.Clone(), DType.Int64, x.Device);
        if (x.Numel() > 0) x.Backend.CumExtreme(max, src, Reduction.Layout(src, d), values, indices);
        if (Graph.Needs(x))
        {
            var inShape = x.shape;
            Graph.Record([values, indices], max ? "CummaxBackward0" : "CumminBackward0", [x], [indices], n =>
                [inShape.Length == 0 || Shapes.Numel(inShape) == 0 ? n.Grad : Torch.Zeros(inShape, n.Grad.dtype, n.Grad.Device).ScatterAdd(d, n.Saved(0), n.Grad)]);
        }
        return (values, indices);
    }
}
