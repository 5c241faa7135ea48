using Flint.Autograd;
using Flint.Kernels;
using Flint.Ops;

namespace Flint;

/// <summary>var, std, var_mean, std_mean and norm.</summary>
public partial class Tensor
{
    /// <summary>The variance of all elements, with Bessel's correction when <paramref name="unbiased"/> (<c>x.var(unbiased)</c>).</summary>
    public Tensor Var(bool unbiased) => Var(null, unbiased, false, null);

    /// <summary>
    /// The variance over <paramref name="dim"/> (all dims when null): the sum of squared deviations divided by
    /// N - correction (<c>x.var(dim, unbiased, keepdim)</c>, <c>x.var(dim, correction=, keepdim=)</c>); the default
    /// correction is 1.
    /// </summary>
    public Tensor Var(long[]? dim = null, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
        ReductionOps.Moments(this, dim, unbiased, keepdim, correction, std: false, withMean: false).Item1;

    /// <summary>The variance along one dim (<c>x.var(dim, unbiased, keepdim)</c>).</summary>
    public Tensor Var(long dim, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
        Var([dim], unbiased, keepdim, correction);

    /// <summary>The standard deviation of all elements (<c>x.std(unbiased)</c>).</summary>
    public Tensor Std(bool unbiased) => Std(null, unbiased, false, null);

    /// <summary>
    /// The standard deviation over <paramref name="dim"/> (all dims when null), the square root of
    /// <see cref="Var(long[], bool?, bool, double?)"/> (<c>x.std(dim, unbiased, keepdim)</c>, <c>x.std(dim, correction=)</c>).
    /// </summary>
    public Tensor Std(long[]? dim = null, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
        ReductionOps.Moments(this, dim, unbiased, keepdim, correction, std: true, withMean: false).Item1;

    /// <summary>The standard deviation along one dim (<c>x.std(dim, unbiased, keepdim)</c>).</summary>
    public Tensor Std(long dim, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
        Std([dim], unbiased, keepdim, correction);

    /// <summary>
    /// The p-norm over <paramref name="dim"/> (all elements when null): p = 2 (default), 1, any real, +inf (largest
    /// |x|), -inf (smallest |x|) or 0 (the count of non-zeros) (<c>x.norm(p, dim, keepdim, dtype)</c>).
    /// </summary>
    public Tensor Norm(double p = 2, long[]? dim = null, bool keepdim = false, DType? dtype = null) => ReductionOps.Norm(this, p, dim ?? [], keepdim, dtype);

    /// <summary>The p-norm along one dim (<c>x.norm(p, dim, keepdim, dtype)</c>).</summary>
    public Tensor Norm(double p, long dim, bool keepdim = false, DType? dtype = null) => Norm(p, [dim], keepdim, dtype);

    /// <summary>
    /// The Frobenius norm, "fro" (<c>x.norm("fro", dim, keepdim)</c>): the 2-norm over at most two dims, or over all
    /// elements. The nuclear norm ("nuc") is a matrix decomposition and is not provided here.
    /// </summary>
    public Tensor Norm(string p, long[]? dim = null, bool keepdim = false, DType? dtype = null)
    {
        if (p == "nuc")
            throw new NotSupportedException("norm(p='nuc'): the nuclear norm is not provided by Tensor.Norm");
        if (p != "fro") throw new ArgumentException($"only valid string values are 'fro' and 'nuc', found {p}");
        if (dim is { Length: > 2 })
            throw new ArgumentException($"Expected at most 2 dimensions, but got {dim.Length} dimensions instead.");
        return Norm(2, dim, keepdim, dtype);
    }
}

public static partial class Torch
{
    /// <summary><c>torch.var(x, unbiased)</c>.</summary>
    public static Tensor Var(Tensor x, bool unbiased) => x.Var(unbiased);
    /// <summary><c>torch.var(x, dim, unbiased, keepdim)</c>, <c>torch.var(x, dim, correction=, keepdim=)</c>.</summary>
    public static Tensor Var(Tensor x, long[]? dim = null, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
        x.Var(dim, unbiased, keepdim, correction);
    /// <summary><c>torch.var(x, dim, ...)</c> for one dim.</summary>
    public static Tensor Var(Tensor x, long dim, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
        x.Var(dim, unbiased, keepdim, correction);
    /// <summary><c>torch.std(x, unbiased)</c>.</summary>
    public static Tensor Std(Tensor x, bool unbiased) => x.Std(unbiased);
    /// <summary><c>torch.std(x, dim, unbiased, keepdim)</c>, <c>torch.std(x, dim, correction=, keepdim=)</c>.</summary>
    public static Tensor Std(Tensor x, long[]? dim = null, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
        x.Std(dim, unbiased, keepdim, correction);
    /// <summary><c>torch.std(x, dim, ...)</c> for one dim.</summary>
    public static Tensor Std(Tensor x, long dim, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
        x.Std(dim, unbiased, keepdim, correction);

    /// <summary>The variance and the mean in one pass over the data (<c>torch.var_mean(x, dim, unbiased, keepdim)</c>).</summary>
    public static (Tensor Var, Tensor Mean) VarMean(Tensor x, long[]? dim = null, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
        ReductionOps.Moments(x, dim, unbiased, keepdim, correction, std: false, withMean: true);
    /// <summary><c>torch.var_mean(x, dim, ...)</c> for one dim.</summary>
    public static (Tensor Var, Tensor Mean) VarMean(Tensor x, long dim, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
        VarMean(x, [dim], unbiased, keepdim, correction);
    /// <summary><c>torch.var_mean(x, unbiased)</c>.</summary>
    public static (Tensor Var, Tensor Mean) VarMean(Tensor x, bool unbiased) => VarMean(x, null, unbiased);

    /// <summary>The standard deviation and the mean (<c>torch.std_mean(x, dim, unbiased, keepdim)</c>).</summary>
    public static (Tensor Std, Tensor Mean) StdMean(Tensor x, long[]? dim = null, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
        ReductionOps.Moments(x, dim, unbiased, keepdim, correction, std: true, withMean: true);
    /// <summary><c>torch.std_mean(x, dim, ...)</c> for one dim.</summary>
    public static (Tensor Std, Tensor Mean) StdMean(Tensor x, long dim, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
        StdMean(x, [dim], unbiased, keepdim, correction);
    /// <summary><c>torch.std_mean(x, unbiased)</c>.</summary>
    public static (Tensor Std, Tensor Mean) StdMean(Tensor x, bool unbiased) => StdMean(x, null, unbiased);

    /// <summary><c>torch.norm(x, p, dim, keepdim, dtype)</c>.</summary>
    public static Tensor Norm(Tensor x, double p = 2, long[]? dim = null, bool keepdim = false, DType? dtype = null) => x.Norm(p, dim, keepdim, dtype);
    /// <summary><c>torch.norm(x, p, dim, keepdim, dtype)</c> for one dim.</summary>
    public static Tensor Norm(Tensor x, double p, long dim, bool keepdim = false, DType? dtype = null) => x.Norm(p, dim, keepdim, dtype);
    /// <summary><c>torch.norm(x, "fro", dim, keepdim, dtype)</c>.</summary>
    public static Tensor Norm(Tensor x, string p, long[]? dim = null, bool keepdim = false, DType? dtype = null) => x.Norm(p, dim, keepdim, dtype);
}

/// <summary>The implementations of var, std and norm, with their derivatives.</summary>
internal static partial class ReductionOps
{
    // Two passes: the mean (accumulated in float64 for float32), then the sum of squared deviations from it.
    public static (Tensor, Tensor) Moments(Tensor x, long[]? dim, bool? unbiased, bool keepdim, double? correction, bool std, bool withMean)
    {
        if (unbiased is not null && correction is not null)
            throw new ArgumentException("std and var take either unbiased or correction, not both");
        if (!x.IsFloatingPoint())
            throw new InvalidOperationException("std and var only support floating point and complex dtypes");
        double c = correction ?? (unbiased == false ? 0 : 1);
        var mask = Reduction.Mask(x, dim ?? []);
        long count = Reduction.Count(x, mask);
        var acc = Reduction.AccumulateType<SumKernel>(x.dtype);
        Tensor result, mean;
        using (Torch.NoGrad())
        {
            var m = Reduction.Run(new SumKernel(), x, mask, true, acc, acc).Div_(count);
            var dev = x.Sub(Elementwise.Cast(m, x.dtype, x.Device));
            var v = Reduction.Run(new SumSquaresKernel(), dev, mask, keepdim, acc, acc).Div_(Math.Max(count - c, 0));
            result = Elementwise.Cast(std ? v.Sqrt() : v, x.dtype, x.Device);
            mean = withMean ? Elementwise.Cast(keepdim ? m : m.Reshape(result.shape), x.dtype, x.Device) : result;
        }
        if (Graph.Needs(x))
        {
            var node = (std, withMean) switch
            {
                (false, false) => "VarBackward0",
                (true, false) => "StdBackward0",
                (false, true) => "VarMeanBackward0",
                _ => "StdMeanBackward0",
            };
            var inShape = x.shape;
            var reduced = ReducedDims(mask);
            Graph.Record(withMean ? [result, mean] : [result], node, [x], [x, result], n =>
            {
                var self = n.Saved(0);
                Tensor? g = null;
                if (n.Grads[0] is { } gr)
                {
                    var gv = Reduction.Restore(gr, mask, keepdim);
                    if (std)
                    {
                        var r = Reduction.Restore(n.Saved(1), mask, keepdim);
                        gv = gv.Div(r.Mul(2)).MaskedFill(r.Eq(0), 0);
                    }
                    g = gv.Mul(2.0 / (count - c)).Mul(self.Sub(self.Mean(reduced, keepdim: true)));
                }
                if (withMean && n.Grads[1] is { } gm)
                {
                    var term = Reduction.ExpandGrad(gm, mask, keepdim, inShape).Div(count);
                    g = g is null ? term : g.Add(term);
                }
                return [g];
            });
        }
        return (result, mean);
    }

    public static Tensor Norm(Tensor x, double p, long[] dim, bool keepdim, DType? dtype)
    {
        if (!x.IsFloatingPoint() && !(dtype?.IsFloatingPoint() ?? false))
            throw new InvalidOperationException(
                $"norm(): input dtype should be either floating point or complex. Got {x.dtype.ScalarTypeName()} instead.");
        var self = dtype is { } dt && dt != x.dtype ? x.To(dt) : x;
        var mask = Reduction.Mask(self, dim);
        var type = self.dtype;
        Tensor r;
        using (Torch.NoGrad())
        {
            if (p == 2) r = (Reduction.Run(new SumSquaresKernel(), self, mask, keepdim, Reduction.AccumulateType<SumSquaresKernel>(type), Reduction.AccumulateType<SumSquaresKernel>(type))).Sqrt();
            else if (p == 1) r = Reduction.Run(new SumAbsKernel(), self, mask, keepdim, type, Reduction.AccumulateType<SumAbsKernel>(type));
            else if (double.IsPositiveInfinity(p)) r = Reduction.Run(new MaxAbsKernel(), self, mask, keepdim, type);
            else if (double.IsNegativeInfinity(p)) r = Reduction.Run(new MinAbsKernel(), self, mask, keepdim, type);
            else if (p == 0) r = Reduction.Run(new NonzeroCountKernel(), self, mask, keepdim, type, Reduction.AccumulateType<NonzeroCountKernel>(type));
            else
            {
                var acc = Reduction.AccumulateType<SumPowAbsKernel>(type);
                r = (Reduction.Run(new SumPowAbsKernel(p), self, mask, keepdim, acc, acc)).Pow(1 / p);
            }
            r = Elementwise.Cast(r, type, x.Device);
        }
        if (Graph.Needs(self))
        {
            var reduced = ReducedDims(mask);
            Graph.Record(r, "NormBackward1", [self], [self, r], n =>
                [NormGrad(Reduction.Restore(n.Grad, mask, keepdim), n.Saved(0), Reduction.Restore(n.Saved(1), mask, keepdim), p, reduced)]);
        }
        return r;
    }

    // PyTorch's norm_backward, with grad and norm already carrying the reduced dims.
    private static Tensor NormGrad(Tensor grad, Tensor self, Tensor norm, double p, long[] dims)
    {
        if (p == 0) return Torch.ZerosLike(self);
        if (p == 1) return self.Sgn().Mul(grad);
        if (p == 2) return grad.Mul(self.Div(norm).MaskedFill(norm.Eq(0), 0));
        if (double.IsInfinity(p))
        {
            var selfAbs = self.Abs();
            var mask = selfAbs.Eq(norm).LogicalOr(selfAbs.IsNan());
            return self.Sgn().Mul(grad.Div(mask.Sum(dims, keepdim: true)).Mul(mask));
        }
        if (p < 1)
        {
            var scaled = self.Sgn().Mul((self.Abs().Pow(p - 1)).MaskedFill(self.Eq(0), 0));
            return scaled.Mul(grad).Mul(norm.Pow(1 - p));
        }
        var selfScaled = p < 2 ? self.Sgn().Mul(self.Abs().Pow(p - 1)) : self.Mul(self.Abs().Pow(p - 2));
        var scale = (grad.Div(norm.Pow(p - 1))).MaskedFill(norm.Eq(0), 0);
        return selfScaled.Mul(scale);
    }
}
