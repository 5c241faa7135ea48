using Flint.Autograd;
using Flint.Backends;
using Flint.Ops;

namespace Flint;

/// <summary>
/// Index ops along one dim or over flat positions: gather, scatter (and its reductions), index_select, index_add,
/// index_copy, index_fill, masked_fill / masked_select / masked_scatter, nonzero, take, take_along_dim, put. Every one
/// is a restriding of its operands onto the backend's two index primitives (<c>IndexGather</c>, <c>IndexScatter</c>),
/// with derivatives as in PyTorch's derivatives.yaml.
/// </summary>
public partial class Tensor
{
    /// <summary>
    /// Values along <paramref name="dim"/> picked by <paramref name="index"/>: <c>out[i][j] = self[i][index[i][j]]</c>
    /// for dim 1 (<c>torch.gather(input, dim, index)</c>). <paramref name="sparseGrad"/> is accepted for
    /// compatibility; gradients are always dense.
    /// </summary>
    public Tensor Gather(long dim, Tensor index, bool sparseGrad = false)
    {
        int d = Shapes.WrapDim(dim, Dim());
        if (index.dtype != DType.Int64) throw new ArgumentException("gather(): Expected dtype int64 for index");
        IndexOps.CheckGatherShape(this, d, index);
        var r = Allocate((long[])index.shape.Clone(), dtype, Device);
        IndexOps.GatherInto(r, this, d, index);
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, "GatherBackward0", [this], [index],
                n => [Torch.Zeros(inShape, n.Grad.dtype, n.Grad.Device).ScatterAdd(d, n.Saved(0), n.Grad)]);
        }
        return r;
    }

    /// <summary>
    /// A copy with <paramref name="src"/> written at the positions <paramref name="index"/> names along
    /// <paramref name="dim"/>: <c>out[i][index[i][j]] = src[i][j]</c> (<c>x.scatter(dim, index, src, reduce=None)</c>).
    /// <paramref name="reduce"/> "add" or "multiply" combines instead of overwriting.
    /// </summary>
    public Tensor Scatter(long dim, Tensor index, Tensor src, string? reduce = null)
    {
        int d = Shapes.WrapDim(dim, Dim());
        var mode = IndexOps.ScatterModeOf(reduce);
        IndexOps.CheckScatter(this, d, index, src);
        var r = IndexOps.DenseCopy(this);
        IndexOps.ScatterInto(r, d, index, src, mode);
        if (Graph.Needs(this, src))
        {
            if (reduce is null)
                Graph.Record(r, "ScatterBackward0", [this, src], [index], n =>
                    [n.NeedsInputGrad(0) ? n.Grad.Scatter(d, n.Saved(0), 0) : null,
                     n.NeedsInputGrad(1) ? n.Grad.Gather(d, n.Saved(0)) : null]);
            else
                IndexOps.RecordNotImplemented(r, "aten::scatter", this, src);
        }
        return r;
    }

    /// <summary>A copy with a number written at the positions <paramref name="index"/> names along <paramref name="dim"/> (<c>x.scatter(dim, index, value)</c>).</summary>
    public Tensor Scatter(long dim, Tensor index, Scalar value, string? reduce = null)
    {
        int d = Shapes.WrapDim(dim, Dim());
        var mode = IndexOps.ScatterModeOf(reduce);
        IndexOps.CheckScatter(this, d, index, null);
        var r = IndexOps.DenseCopy(this);
        IndexOps.ScatterInto(r, d, index, Elementwise.Wrap(value, dtype, Device), mode);
        if (Graph.Needs(this))
        {
            if (reduce is null)
                Graph.Record(r, "ScatterBackward1", [this], [index], n => [n.Grad.Scatter(d, n.Saved(0), 0)]);
            else
                IndexOps.RecordNotImplemented(r, "aten::scatter", this, null);
        }
        return r;
    }

    /// <summary>In-place <see cref="Scatter(long, Tensor, Tensor, string?)"/> (<c>x.scatter_(dim, index, src, reduce)</c>).</summary>
    public Tensor Scatter_(long dim, Tensor index, Tensor src, string? reduce = null) =>
        InPlace.Apply(this, s => s.Scatter(dim, index, src, reduce), self =>
        {
            int d = Shapes.WrapDim(dim, self.Dim());
            var mode = IndexOps.ScatterModeOf(reduce);
            IndexOps.CheckScatter(self, d, index, src);
            IndexOps.ScatterInto(self, d, index, src, mode);
        }, src);

    /// <summary>In-place <see cref="Scatter(long, Tensor, Scalar, string?)"/> (<c>x.scatter_(dim, index, value)</c>).</summary>
    public Tensor Scatter_(long dim, Tensor index, Scalar value, string? reduce = null) =>
        InPlace.Apply(this, s => s.Scatter(dim, index, value, reduce), self =>
        {
            int d = Shapes.WrapDim(dim, self.Dim());
            var mode = IndexOps.ScatterModeOf(reduce);
            IndexOps.CheckScatter(self, d, index, null);
            IndexOps.ScatterInto(self, d, index, Elementwise.Wrap(value, self.dtype, self.Device), mode);
        });

    /// <summary>A copy with <paramref name="src"/> added at the positions <paramref name="index"/> names (<c>x.scatter_add(dim, index, src)</c>).</summary>
    public Tensor ScatterAdd(long dim, Tensor index, Tensor src)
    {
        int d = Shapes.WrapDim(dim, Dim());
        IndexOps.CheckScatter(this, d, index, src);
        var r = IndexOps.DenseCopy(this);
        IndexOps.ScatterInto(r, d, index, src, ScatterMode.Add);
        if (Graph.Needs(this, src))
            Graph.Record(r, "ScatterAddBackward0", [this, src], [index], n =>
                [n.Grad, n.NeedsInputGrad(1) ? n.Grad.Gather(d, n.Saved(0)) : null]);
        return r;
    }

    /// <summary>In-place <see cref="ScatterAdd"/> (<c>x.scatter_add_(dim, index, src)</c>).</summary>
    public Tensor ScatterAdd_(long dim, Tensor index, Tensor src) =>
        InPlace.Apply(this, s => s.ScatterAdd(dim, index, src), self =>
        {
            int d = Shapes.WrapDim(dim, self.Dim());
            IndexOps.CheckScatter(self, d, index, src);
            IndexOps.ScatterInto(self, d, index, src, ScatterMode.Add);
        }, src);

    /// <summary>
    /// A copy where the values of <paramref name="src"/> scattered to each position are reduced with
    /// <paramref name="reduce"/> ("sum", "prod", "mean", "amax" or "amin"), together with the original value unless
    /// <paramref name="includeSelf"/> is false (<c>x.scatter_reduce(dim, index, src, reduce, include_self=True)</c>).
    /// </summary>
    public Tensor ScatterReduce(long dim, Tensor index, Tensor src, string reduce, bool includeSelf = true)
    {
        int d = Shapes.WrapDim(dim, Dim());
        IndexOps.CheckScatterReduce(reduce);
        IndexOps.CheckScatter(this, d, index, src);
        var r = IndexOps.DenseCopy(this);
        IndexOps.ScatterReduceInto(r, d, index, src, reduce, includeSelf);
        if (Graph.Needs(this, src))
            Graph.Record(r, "ScatterReduceBackward0", [this, src], [this, src, index, r], n =>
            {
                var (gs, gsrc) = IndexOps.ScatterReduceBackward(n.Grad, n.Saved(0), d, n.Saved(2), n.Saved(1), reduce, includeSelf, n.Saved(3));
                return [n.NeedsInputGrad(0) ? gs : null, n.NeedsInputGrad(1) ? gsrc : null];
            });
        return r;
    }

    /// <summary>In-place <see cref="ScatterReduce"/> (<c>x.scatter_reduce_(dim, index, src, reduce, include_self=True)</c>).</summary>
    public Tensor ScatterReduce_(long dim, Tensor index, Tensor src, string reduce, bool includeSelf = true) =>
        InPlace.Apply(this, s => s.ScatterReduce(dim, index, src, reduce, includeSelf), self =>
        {
            int d = Shapes.WrapDim(dim, self.Dim());
            IndexOps.CheckScatterReduce(reduce);
            IndexOps.CheckScatter(self, d, index, src);
            IndexOps.ScatterReduceInto(self, d, index, src, reduce, includeSelf);
        }, src);

    /// <summary>The slices along <paramref name="dim"/> at the positions in the 1-D <paramref name="index"/> (<c>x.index_select(dim, index)</c>).</summary>
    public Tensor IndexSelect(long dim, Tensor index)
    {
        int d = Shapes.WrapDim(dim, Dim());
        if (index.dtype is not (DType.Int64 or DType.Int32))
            throw new ArgumentException("index_select(): Expected dtype int32 or int64 for index");
        if (index.Dim() > 1) throw new IndexOutOfRangeException("index_select(): Index is supposed to be a vector");
        var idx = IndexOps.AsLongVector(index);
        var outShape = IndexOps.WithDim(this, d, idx.shape[0]);
        var r = Allocate(outShape, dtype, Device);
        IndexOps.IndexSelectInto(r, this, d, idx);
        if (Dim() == 0) r = r.AliasNoGrad([]);
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, "IndexSelectBackward0", [this], [idx],
                n => [Torch.Zeros(inShape, n.Grad.dtype, n.Grad.Device).IndexAdd(d, n.Saved(0), n.Grad)]);
        }
        return r;
    }

    /// <summary>
    /// A copy with <paramref name="alpha"/> * <paramref name="source"/> added to the slices along <paramref name="dim"/>
    /// named by <paramref name="index"/> (<c>x.index_add(dim, index, source, alpha=1)</c>).
    /// </summary>
    public Tensor IndexAdd(long dim, Tensor index, Tensor source, Scalar? alpha = null)
    {
        int d = Shapes.WrapDim(dim, Dim());
        var idx = IndexOps.CheckIndexAdd(this, d, index, source);
        var r = IndexOps.DenseCopy(this);
        IndexOps.IndexAddInto(r, d, idx, source, alpha);
        if (Graph.Needs(this, source))
        {
            var a = alpha;
            Graph.Record(r, "IndexAddBackward0", [this, source], [idx], n =>
            {
                Tensor? gs = null;
                if (n.NeedsInputGrad(1))
                {
                    gs = n.Grad.Dim() > 0 ? n.Grad.IndexSelect(d, n.Saved(0)) : n.Grad;
                    if (a is { } al && al.ToDouble() != 1) gs = gs.Mul(al);
                }
                return [n.Grad, gs];
            });
        }
        return r;
    }

    /// <summary>In-place <see cref="IndexAdd"/> (<c>x.index_add_(dim, index, source, alpha=1)</c>).</summary>
    public Tensor IndexAdd_(long dim, Tensor index, Tensor source, Scalar? alpha = null) =>
        InPlace.Apply(this, s => s.IndexAdd(dim, index, source, alpha), self =>
        {
            int d = Shapes.WrapDim(dim, self.Dim());
            IndexOps.IndexAddInto(self, d, IndexOps.CheckIndexAdd(self, d, index, source), source, alpha);
        }, source);

    /// <summary>A copy with the slices along <paramref name="dim"/> named by <paramref name="index"/> replaced by those of <paramref name="source"/> (<c>x.index_copy(dim, index, source)</c>).</summary>
    public Tensor IndexCopy(long dim, Tensor index, Tensor source)
    {
        int d = Shapes.WrapDim(dim, Dim());
        IndexOps.CheckIndexCopy(this, d, index, source);
        var r = IndexOps.DenseCopy(this);
        IndexOps.IndexCopyInto(r, d, index, source);
        if (Graph.Needs(this, source))
            Graph.Record(r, "IndexCopyBackward0", [this, source], [index], n =>
                [n.NeedsInputGrad(0) ? n.Grad.IndexFill(d, n.Saved(0), 0) : null,
                 n.NeedsInputGrad(1) ? (n.Grad.Dim() > 0 ? n.Grad.IndexSelect(d, n.Saved(0)) : n.Grad) : null]);
        return r;
    }

    /// <summary>In-place <see cref="IndexCopy"/> (<c>x.index_copy_(dim, index, source)</c>).</summary>
    public Tensor IndexCopy_(long dim, Tensor index, Tensor source) =>
        InPlace.Apply(this, s => s.IndexCopy(dim, index, source), self =>
        {
            int d = Shapes.WrapDim(dim, self.Dim());
            IndexOps.CheckIndexCopy(self, d, index, source);
            IndexOps.IndexCopyInto(self, d, index, source);
        }, source);

    /// <summary>A copy with the slices along <paramref name="dim"/> named by <paramref name="index"/> set to a number (<c>x.index_fill(dim, index, value)</c>).</summary>
    public Tensor IndexFill(long dim, Tensor index, Scalar value)
    {
        int d = Shapes.WrapDim(dim, Dim());
        IndexOps.CheckIndexFill(index);
        var r = IndexOps.DenseCopy(this);
        IndexOps.IndexFillInto(r, d, index, value);
        if (Graph.Needs(this))
            Graph.Record(r, "IndexFillBackward0", [this], [index], n => [n.Grad.IndexFill(d, n.Saved(0), 0)]);
        return r;
    }

    /// <summary>
    /// A copy with the slices named by <paramref name="index"/> set to a zero-dim tensor's value, differentiable in it
    /// (<c>x.index_fill(dim, index, value_tensor)</c>).
    /// </summary>
    public Tensor IndexFill(long dim, Tensor index, Tensor value)
    {
        int d = Shapes.WrapDim(dim, Dim());
        IndexOps.CheckIndexFill(index);
        if (value.Dim() != 0)
            throw new ArgumentException(
                $"index_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.Dim()} dimension(s).");
        var r = IndexOps.DenseCopy(this);
        IndexOps.IndexFillInto(r, d, index, value.Item());
        if (Graph.Needs(this, value))
            Graph.Record(r, "IndexFillBackward1", [this, value], [index], n =>
                [n.NeedsInputGrad(0) ? n.Grad.IndexFill(d, n.Saved(0), 0) : null,
                 n.NeedsInputGrad(1) ? n.Grad.IndexSelect(d, IndexOps.Unique(n.Saved(0))).Sum() : null]);
        return r;
    }

    /// <summary>In-place <see cref="IndexFill(long, Tensor, Scalar)"/> (<c>x.index_fill_(dim, index, value)</c>).</summary>
    public Tensor IndexFill_(long dim, Tensor index, Scalar value) =>
        InPlace.Apply(this, s => s.IndexFill(dim, index, value), self =>
        {
            int d = Shapes.WrapDim(dim, self.Dim());
            IndexOps.CheckIndexFill(index);
            IndexOps.IndexFillInto(self, d, index, value);
        });

    /// <summary>In-place <see cref="IndexFill(long, Tensor, Tensor)"/> (<c>x.index_fill_(dim, index, value_tensor)</c>).</summary>
    public Tensor IndexFill_(long dim, Tensor index, Tensor value) =>
        InPlace.Apply(this, s => s.IndexFill(dim, index, value), self =>
        {
            int d = Shapes.WrapDim(dim, self.Dim());
            IndexOps.CheckIndexFill(index);
            if (value.Dim() != 0)
                throw new ArgumentException(
                    $"index_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.Dim()} dimension(s).");
            IndexOps.IndexFillInto(self, d, index, value.Item());
        }, value);

    /// <summary>
    /// A copy with <paramref name="value"/> where <paramref name="mask"/> is true; mask and self broadcast
    /// (<c>x.masked_fill(mask, value)</c>).
    /// </summary>
    public Tensor MaskedFill(Tensor mask, Scalar value)
    {
        var (r, m) = IndexOps.MaskedFillPrepare(this, mask);
        r.Backend.MaskedFill(r, m, value);
        if (Graph.Needs(this))
            Graph.Record(r, "MaskedFillBackward0", [this], [mask], n => [n.Grad.MaskedFill(n.Saved(0), 0)]);
        return r;
    }

    /// <summary>
    /// A copy with a zero-dim tensor's value where <paramref name="mask"/> is true, differentiable in the value
    /// (<c>x.masked_fill(mask, value_tensor)</c>).
    /// </summary>
    public Tensor MaskedFill(Tensor mask, Tensor value)
    {
        IndexOps.CheckMaskedFillValue(value);
        var (r, m) = IndexOps.MaskedFillPrepare(this, mask);
        r.Backend.MaskedFill(r, m, value.Item());
        if (Graph.Needs(this, value))
            Graph.Record(r, "MaskedFillBackward1", [this, value], [mask], n =>
                [n.NeedsInputGrad(0) ? n.Grad.MaskedFill(n.Saved(0), 0) : null,
                 n.NeedsInputGrad(1) ? n.Grad.MaskedSelect(n.Saved(0)).Sum() : null]);
        return r;
    }

    /// <summary>In-place <see cref="MaskedFill(Tensor, Scalar)"/>; the mask must broadcast to this tensor's shape (<c>x.masked_fill_(mask, value)</c>).</summary>
    public Tensor MaskedFill_(Tensor mask, Scalar value) =>
        InPlace.Apply(this, s => s.MaskedFill(mask, value),
            self => self.Backend.MaskedFill(self, IndexOps.MaskFor(self, mask), value));

    /// <summary>In-place <see cref="MaskedFill(Tensor, Tensor)"/> (<c>x.masked_fill_(mask, value_tensor)</c>).</summary>
    public Tensor MaskedFill_(Tensor mask, Tensor value) =>
        InPlace.Apply(this, s => s.MaskedFill(mask, value), self =>
        {
            IndexOps.CheckMaskedFillValue(value);
            self.Backend.MaskedFill(self, IndexOps.MaskFor(self, mask), value.Item());
        }, value);

    /// <summary>The elements where the bool <paramref name="mask"/> is true, as a 1-D tensor; mask and self broadcast (<c>x.masked_select(mask)</c>).</summary>
    public Tensor MaskedSelect(Tensor mask)
    {
        if (mask.dtype is not (DType.Bool or DType.UInt8))
            throw new ArgumentException("masked_select: expected BoolTensor or ByteTensor for mask");
        var bshape = Shapes.Broadcast(shape, mask.shape);
        var self = Elementwise.Expand(this, bshape);
        var m = Elementwise.Expand(mask, bshape);
        Tensor r;
        using (Torch.NoGrad()) r = AdvancedIndex.Gather(self, [m]);
        if (Graph.Needs(this))
            Graph.Record(r, "MaskedSelectBackward0", [this], [mask], n =>
                [Torch.Zeros(bshape, n.Grad.dtype, n.Grad.Device).MaskedScatter(n.Saved(0), n.Grad)]);
        return r;
    }

    /// <summary>
    /// A copy where the positions at which <paramref name="mask"/> is true take the elements of
    /// <paramref name="source"/> in row-major order (<c>x.masked_scatter(mask, source)</c>); mask and self broadcast.
    /// </summary>
    public Tensor MaskedScatter(Tensor mask, Tensor source)
    {
        IndexOps.CheckMaskedScatter(this, mask, source);
        var bshape = Shapes.Broadcast(shape, mask.shape);
        var r = IndexOps.DenseCopy(this, bshape);
        IndexOps.MaskedScatterInto(r, Elementwise.Expand(mask, bshape), source);
        if (Graph.Needs(this, source))
        {
            var srcShape = source.shape;
            Graph.Record(r, "MaskedScatterBackward0", [this, source], [mask], n =>
                [n.NeedsInputGrad(0) ? n.Grad.MaskedFill(n.Saved(0), 0) : null,
                 n.NeedsInputGrad(1) ? IndexOps.MaskedScatterSourceGrad(n.Grad, n.Saved(0), srcShape) : null]);
        }
        return r;
    }

    /// <summary>In-place <see cref="MaskedScatter"/>; the mask must expand to this tensor's shape (<c>x.masked_scatter_(mask, source)</c>).</summary>
    public Tensor MaskedScatter_(Tensor mask, Tensor source) =>
        InPlace.Apply(this, s => s.MaskedScatter(mask, source), self =>
        {
            IndexOps.CheckMaskedScatter(self, mask, source);
            var st = Shapes.ExpandStrides(mask.shape, mask.strides, self.shape);
            IndexOps.MaskedScatterInto(self, new Tensor(mask.storage, (long[])self.shape.Clone(), st, mask.offset, mask.dtype, mask.version), source);
        }, source);

    /// <summary>The indices of the non-zero elements, one row per element (<c>torch.nonzero(x)</c>), int64 of shape (n, x.dim()).</summary>
    public Tensor Nonzero() => Backend.Nonzero(this);

    /// <summary>
    /// <c>torch.nonzero(x, as_tuple=True)</c>: one int64 vector of indices per dim (a zero-dim input counts as 1-D);
    /// with <paramref name="asTuple"/> false, the single 2-D result of <see cref="Nonzero()"/> in a one-element array.
    /// </summary>
    public Tensor[] Nonzero(bool asTuple)
    {
        if (!asTuple) return [Nonzero()];
        var nz = (Dim() == 0 ? AliasNoGrad([1]) : this).Nonzero();
        var r = new Tensor[nz.shape[1]];
        for (int i = 0; i < r.Length; i++) r[i] = nz.Select(1, i);
        return r;
    }

    /// <summary>The indices of the non-zero elements (<c>torch.argwhere(x)</c>), the same as <see cref="Nonzero()"/>.</summary>
    public Tensor Argwhere() => Nonzero();

    /// <summary>The elements at flat (row-major) positions <paramref name="index"/>, shaped like it (<c>x.take(index)</c>).</summary>
    public Tensor Take(Tensor index)
    {
        if (index.dtype != DType.Int64)
            throw new ArgumentException($"take(): Expected a long tensor for index, but got {index.dtype.ScalarTypeName()}");
        var src = IsContiguous() ? this : IndexOps.DenseCopy(this, contiguous: true);
        var r = Allocate((long[])index.shape.Clone(), dtype, Device);
        long numel = Numel();
        if (r.Numel() > 0)
            Backend.IndexGather(r, new Tensor(src.storage, (long[])index.shape.Clone(), new long[index.Dim()], src.offset, dtype),
                [index], [numel], [1], true, IndexOps.FlatError(numel));
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, "TakeBackward0", [this], [index],
                n => [Torch.Zeros(inShape, n.Grad.dtype, n.Grad.Device).Put(n.Saved(0), n.Grad, accumulate: true)]);
        }
        return r;
    }

    /// <summary>
    /// Values picked along <paramref name="dim"/> by <paramref name="indices"/>, which broadcasts against this tensor in
    /// the other dims; without a dim, from the flattened tensor (<c>torch.take_along_dim(x, indices, dim)</c>).
    /// </summary>
    public Tensor TakeAlongDim(Tensor indices, long? dim = null)
    {
        if (indices.dtype != DType.Int64)
            throw new ArgumentException(
                $"torch.take_along_dim(): dtype of indices should be Long but got {indices.dtype.ScalarTypeName()}");
        if (dim is not { } dm) return Reshape(-1).Gather(0, indices.Reshape(-1));
        if (Dim() != indices.Dim())
            throw new ArgumentException(
                $"torch.take_along_dim(): input and indices should have the same number of dimensions, but got {Dim()} " +
                $"dimensions for input, and {indices.Dim()} dimensions for indices");
        int d = Shapes.WrapDim(dm, Dim());
        var selfSizes = (long[])shape.Clone();
        selfSizes[d] = indices.shape[d];
        var b = Shapes.Broadcast(selfSizes, indices.shape);
        var ib = indices.Expand(b);
        b[d] = shape[d];
        return Expand(b).Gather(d, ib);
    }

    /// <summary>
    /// A copy with the elements of <paramref name="source"/> written at flat positions <paramref name="index"/> (added
    /// with <paramref name="accumulate"/>) (<c>x.put(index, source, accumulate=False)</c>).
    /// </summary>
    public Tensor Put(Tensor index, Tensor source, bool accumulate = false)
    {
        IndexOps.CheckPut(this, index, source);
        var r = IndexOps.DenseCopy(this, contiguous: true);
        IndexOps.PutInto(r, index, source, accumulate);
        if (Graph.Needs(this, source))
        {
            var srcShape = source.shape;
            Graph.Record(r, "PutBackward0", [this, source], [index, source], n =>
                [n.NeedsInputGrad(0) ? (accumulate ? n.Grad : n.Grad.Put(n.Saved(0), Torch.ZerosLike(n.Saved(1)), false)) : null,
                 n.NeedsInputGrad(1) ? n.Grad.Take(n.Saved(0)).Reshape(srcShape) : null]);
        }
        return r;
    }

    /// <summary>In-place <see cref="Put"/> (<c>x.put_(index, source, accumulate=False)</c>).</summary>
    public Tensor Put_(Tensor index, Tensor source, bool accumulate = false) =>
        InPlace.Apply(this, s => s.Put(index, source, accumulate), self =>
        {
            IndexOps.CheckPut(self, index, source);
            if (self.IsContiguous())
            {
                IndexOps.PutInto(self, index, source, accumulate);
                return;
            }
            var c = IndexOps.DenseCopy(self, contiguous: true);
            IndexOps.PutInto(c, index, source, accumulate);
            self.Backend.Copy(c, self);
        }, source);

    /// <summary>A view of the same storage with new geometry, without autograd history (internal plumbing).</summary>
    internal Tensor AliasNoGrad(long[] newShape, long[]? newStrides = null, long? newOffset = null) =>
        new(storage, newShape, newStrides ?? Shapes.ContiguousStrides(newShape), newOffset ?? offset, dtype, version);
}

public static partial class Torch
{
    /// <summary><c>torch.gather(input, dim, index)</c>.</summary>
    public static Tensor Gather(Tensor input, long dim, Tensor index, bool sparseGrad = false) => input.Gather(dim, index, sparseGrad);
    /// <summary><c>torch.scatter(input, dim, index, src, reduce)</c>.</summary>
    public static Tensor Scatter(Tensor input, long dim, Tensor index, Tensor src, string? reduce = null) => input.Scatter(dim, index, src, reduce);
    /// <summary><c>torch.scatter(input, dim, index, value, reduce)</c>.</summary>
    public static Tensor Scatter(Tensor input, long dim, Tensor index, Scalar value, string? reduce = null) => input.Scatter(dim, index, value, reduce);
    /// <summary><c>torch.scatter_add(input, dim, index, src)</c>.</summary>
    public static Tensor ScatterAdd(Tensor input, long dim, Tensor index, Tensor src) => input.ScatterAdd(dim, index, src);
    /// <summary><c>torch.scatter_reduce(input, dim, index, src, reduce, include_self=True)</c>.</summary>
    public static Tensor ScatterReduce(Tensor input, long dim, Tensor index, Tensor src, string reduce, bool includeSelf = true) =>
        input.ScatterReduce(dim, index, src, reduce, includeSelf);
    /// <summary><c>torch.index_select(input, dim, index)</c>.</summary>
    public static Tensor IndexSelect(Tensor input, long dim, Tensor index) => input.IndexSelect(dim, index);
    /// <summary><c>torch.index_add(input, dim, index, source, alpha=1)</c>.</summary>
    public static Tensor IndexAdd(Tensor input, long dim, Tensor index, Tensor source, Scalar? alpha = null) => input.IndexAdd(dim, index, source, alpha);
    /// <summary><c>torch.index_copy(input, dim, index, source)</c>.</summary>
    public static Tensor IndexCopy(Tensor input, long dim, Tensor index, Tensor source) => input.IndexCopy(dim, index, source);
    /// <summary><c>torch.index_fill(input, dim, index, value)</c>.</summary>
    public static Tensor IndexFill(Tensor input, long dim, Tensor index, Scalar value) => input.IndexFill(dim, index, value);
    /// <summary><c>torch.index_fill(input, dim, index, value_tensor)</c>.</summary>
    public static Tensor IndexFill(Tensor input, long dim, Tensor index, Tensor value) => input.IndexFill(dim, index, value);
    /// <summary><c>torch.masked_fill(input, mask, value)</c>.</summary>
    public static Tensor MaskedFill(Tensor input, Tensor mask, Scalar value) => input.MaskedFill(mask, value);
    /// <summary><c>torch.masked_fill(input, mask, value_tensor)</c>.</summary>
    public static Tensor MaskedFill(Tensor input, Tensor mask, Tensor value) => input.MaskedFill(mask, value);
    /// <summary><c>torch.masked_select(input, mask)</c>.</summary>
    public static Tensor MaskedSelect(Tensor input, Tensor mask) => input.MaskedSelect(mask);
    /// <summary><c>torch.masked_scatter(input, mask, source)</c>.</summary>
    public static Tensor MaskedScatter(Tensor input, Tensor mask, Tensor source) => input.MaskedScatter(mask, source);
    /// <summary><c>torch.nonzero(input)</c>.</summary>
    public static Tensor Nonzero(Tensor input) => input.Nonzero();
    /// <summary><c>torch.nonzero(input, as_tuple=True)</c>.</summary>
    public static Tensor[] Nonzero(Tensor input, bool asTuple) => input.Nonzero(asTuple);
    /// <summary><c>torch.argwhere(input)</c>.</summary>
    public static Tensor Argwhere(Tensor input) => input.Argwhere();
    /// <summary><c>torch.take(input, index)</c>.</summary>
    public static Tensor Take(Tensor input, Tensor index) => input.Take(index);
    /// <summary><c>torch.take_along_dim(input, indices, dim=None)</c>.</summary>
    public static Tensor TakeAlongDim(Tensor input, Tensor indices, long? dim = null) => input.TakeAlongDim(indices, dim);
    /// <summary><c>torch.put(input, index, source, accumulate=False)</c>.</summary>
    public static Tensor Put(Tensor input, Tensor index, Tensor source, bool accumulate = false) => input.Put(index, source, accumulate);
}
