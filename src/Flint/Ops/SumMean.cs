using Flint.Autograd;
using Flint.Kernels;
using Flint.Ops;

namespace Flint;

/// <summary>sum, mean and sum_to_size.</summary>
public partial class Tensor
{

    /// <summary>Sum over <paramref name="dim"/> (<c>x.sum(dim, keepdim)</c>).</summary>
    public Tensor Sum(long dim, bool keepdim = false, DType? dtype = null) => Sum([dim], keepdim, dtype, "SumBackward1");

    /// <summary>
    /// Sum over several dims, or of all elements when <paramref name="dim"/> is null (<c>x.sum()</c>,
    /// <c>x.sum((0, 1), keepdim)</c>); integers and bool sum to int64.
    /// </summary>
    public Tensor Sum(long[]? dim = null, bool keepdim = false, DType? dtype = null) =>
        Sum(dim ?? [], keepdim, dtype, dim is null ? "SumBackward0" : "SumBackward1");

    private Tensor Sum(long[] dims, bool keepdim, DType? dtype, string node)
    {
        var outType = dtype ?? (this.dtype.IsIntegral(includeBool: true) ? DType.Int64 : this.dtype);
        var mask = Reduction.Mask(this, dims);
        // Integers and bool accumulate straight into int64; an explicit dtype converts the input first, as PyTorch.
        var src = dtype is null ? this : Elementwise.Cast(this, outType, Device);
        var r = Reduction.Run(new SumKernel(), src, mask, keepdim, outType, Reduction.AccumulateType<SumKernel>(outType));
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, node, [this], [], n => [Reduction.ExpandGrad(n.Grad, mask, keepdim, inShape)]);
        }
        return r;
    }

    /// <summary>Mean over <paramref name="dim"/> (<c>x.mean(dim, keepdim)</c>).</summary>
    public Tensor Mean(long dim, bool keepdim = false, DType? dtype = null) => Mean([dim], keepdim, dtype, "MeanBackward1");

    /// <summary>Mean over several dims, or of all elements when <paramref name="dim"/> is null (<c>x.mean()</c>).</summary>
    public Tensor Mean(long[]? dim = null, bool keepdim = false, DType? dtype = null) =>
        Mean(dim ?? [], keepdim, dtype, dim is null ? "MeanBackward0" : "MeanBackward1");

    private Tensor Mean(long[] dims, bool keepdim, DType? dtype, string node)
    {
        var outType = dtype ?? this.dtype;
        if (!outType.IsFloatingPoint())
            throw new InvalidOperationException(
                $"mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {this.dtype.ScalarTypeName()}");
        var mask = Reduction.Mask(this, dims);
        long count = Reduction.Count(this, mask);
        Tensor r;
        using (Torch.NoGrad())
        {
            // Divide in the accumulator (float64 for float32) before rounding to the result type.
            var src = Elementwise.Cast(this, outType, Device);
            var acc = Reduction.AccumulateType<SumKernel>(outType);
            var s = Reduction.Run(new SumKernel(), src, mask, keepdim, acc, acc);
            r = Elementwise.Cast(s.Div_(count), outType, Device);
        }
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, node, [this], [], n => [Reduction.ExpandGrad(n.Grad, mask, keepdim, inShape).Div(count)]);
        }
        return r;
    }

    /// <summary>Sums broadcast dims so the result has <paramref name="size"/> (<c>x.sum_to_size(size)</c>).</summary>
    public Tensor SumToSize(params long[] size)
    {
        if (shape.AsSpan().SequenceEqual(size)) return this;
        int lead = shape.Length - size.Length;
        if (lead < 0) throw new ArgumentException($"size {{{string.Join(", ", size)}}} is not expandable to size {{{string.Join(", ", shape)}}}.");
        var dims = new List<long>();
        for (int i = 0; i < shape.Length; i++)
        {
            if (i < lead) { dims.Add(i); continue; }
            var target = size[i - lead];
            if (target == 1 && shape[i] != 1) dims.Add(i);
            else if (target != shape[i])
                throw new ArgumentException($"size {{{string.Join(", ", size)}}} is not expandable to size {{{string.Join(", ", shape)}}}.");
        }
        var r = dims.Count > 0 ? Sum(dims.ToArray(), keepdim: true) : this;
        return lead > 0 ? r.View(size) : r;
    }
}

public static partial class Torch
{
    /// <summary><c>torch.sum(x, dim, keepdim)</c>.</summary>
    public static Tensor Sum(Tensor x, long dim, bool keepdim = false, DType? dtype = null) => x.Sum(dim, keepdim, dtype);
    /// <summary><c>torch.sum(x)</c>, <c>torch.sum(x, dims, keepdim)</c>.</summary>
    public static Tensor Sum(Tensor x, long[]? dim = null, bool keepdim = false, DType? dtype = null) => x.Sum(dim, keepdim, dtype);
    /// <summary><c>torch.mean(x, dim, keepdim)</c>.</summary>
    public static Tensor Mean(Tensor x, long dim, bool keepdim = false, DType? dtype = null) => x.Mean(dim, keepdim, dtype);
    /// <summary><c>torch.mean(x)</c>, <c>torch.mean(x, dims, keepdim)</c>.</summary>
    public static Tensor Mean(Tensor x, long[]? dim = null, bool keepdim = false, DType? dtype = null) => x.Mean(dim, keepdim, dtype);
}
