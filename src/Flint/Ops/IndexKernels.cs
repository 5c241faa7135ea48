using System.Numerics;
using System.Numerics.Tensors;
using Flint.Autograd;
using Flint.Backends;
using Flint.Kernels;

namespace Flint.Ops;

/// <summary>Checks, restriding and derivative helpers shared by the index ops.</summary>
internal static class IndexOps
{
    /// <summary>A copy of t (broadcast to <paramref name="shape"/> when given) with no history; dense like t unless <paramref name="contiguous"/>.</summary>
    public static Tensor DenseCopy(Tensor t, long[]? shape = null, bool contiguous = false)
    {
        var src = shape is null ? t : Elementwise.Expand(t, shape);
        var r = contiguous || shape is not null ? Tensor.Allocate((long[])src.shape.Clone(), t.dtype, t.Device) : t.EmptyLikeDense();
        r.Backend.Copy(src, r);
        return r;
    }

    // ATen's ensure_nonempty_*: a zero-dim tensor takes part in dim-wise index ops as a 1-D tensor of size 1.
    private static long[] NeShape(Tensor t) => t.shape.Length == 0 ? [1] : t.shape;
    private static long[] NeStrides(Tensor t) => t.shape.Length == 0 ? [1] : t.strides;

    public static long[] WithDim(Tensor t, int d, long size)
    {
        var s = (long[])NeShape(t).Clone();
        s[d] = size;
        return s;
    }

    private static Tensor Restrided(Tensor t, long[] shape, long[] strides) =>
        new(t.storage, shape, strides, t.offset, t.dtype, t.version);

    private static long[] ZeroAt(long[] strides, int d)
    {
        var s = (long[])strides.Clone();
        s[d] = 0;
        return s;
    }

    /// <summary>A 1-D int64 view or copy of a 0-dim or 1-D int32/int64 index.</summary>
    public static Tensor AsLongVector(Tensor index)
    {
        var i = index.dtype == DType.Int64 ? index : Elementwise.Cast(index, DType.Int64, index.Device);
        return i.Dim() == 0 ? i.AliasNoGrad([1], [0]) : i;
    }

    // An index vector laid along dim d of a tensor of `shape` (stride 0 elsewhere).
    private static Tensor AlongDim(Tensor idx, long[] shape, int d)
    {
        var st = new long[shape.Length];
        st[d] = idx.strides[0];
        return Restrided(idx, (long[])shape.Clone(), st);
    }

    public static IndexOutOfBounds DimError(int d) =>
        (i, _, size) => new IndexOutOfRangeException($"index {i} is out of bounds for dimension {d} with size {size}");

    public static IndexOutOfBounds FlatError(long numel) =>
        (i, _, _) => new IndexOutOfRangeException($"out of range: tried to access index {i} on a tensor of {numel} elements.");

    private static readonly IndexOutOfBounds InSelfError = (_, _, _) => new IndexOutOfRangeException("index out of range in self");

    // ---- gather / scatter ----

    public static void CheckGatherShape(Tensor self, int d, Tensor index)
    {
        var ss = NeShape(self);
        var iss = NeShape(index);
        if (ss.Length != iss.Length)
            throw new ArgumentException("Index tensor must have the same number of dimensions as input tensor");
        for (int i = 0; i < ss.Length; i++)
            if (i != d && iss[i] > ss[i])
                throw new ArgumentException(
                    $"Size does not match at dimension {i} expected index {Shapes.Format(index.shape)} to be smaller than self " +
                    $"{Shapes.Format(self.shape)} apart from dimension {d}");
    }

    public static void GatherInto(Tensor output, Tensor src, int d, Tensor index)
    {
        if (index.Numel() == 0) return;
        var ish = NeShape(index);
        output.Backend.IndexGather(output.AliasNoGrad((long[])ish.Clone()),
            Restrided(src, (long[])ish.Clone(), ZeroAt(NeStrides(src), d)),
            [Restrided(index, (long[])ish.Clone(), (long[])NeStrides(index).Clone())],
            [NeShape(src)[d]], [NeStrides(src)[d]], false, DimError(d));
    }

    public static ScatterMode ScatterModeOf(string? reduce) => reduce switch
    {
        null => ScatterMode.Assign,
        "add" => ScatterMode.Add,
        "multiply" => ScatterMode.Multiply,
        _ => throw new ArgumentException("reduce argument must be either add or multiply."),
    };

    public static void CheckScatterReduce(string reduce)
    {
        if (reduce is not ("sum" or "prod" or "mean" or "amax" or "amin"))
            throw new ArgumentException("reduce argument must be either sum, prod, mean, amax or amin.");
    }

    /// <summary>scatter's dtype and shape checks (ATen's scatter_gather_dtype_check and scatter_shape_check).</summary>
    public static void CheckScatter(Tensor self, int d, Tensor index, Tensor? src)
    {
        if (index.dtype != DType.Int64) throw new ArgumentException("scatter(): Expected dtype int64 for index");
        if (src is not null && src.dtype != self.dtype)
            throw new ArgumentException("scatter(): Expected self.dtype to be equal to src.dtype");
        if (index.Numel() == 0) return;
        var ss = NeShape(self);
        var iss = NeShape(index);
        if (ss.Length != iss.Length)
            throw new ArgumentException("Index tensor must have the same number of dimensions as self tensor");
        if (src is not null && NeShape(src).Length != iss.Length)
            throw new ArgumentException("Index tensor must have the same number of dimensions as src tensor");
        bool wrong = false;
        for (int i = 0; i < ss.Length; i++)
            if (i != d && iss[i] > ss[i]) wrong = true;
        if (!wrong && src is not null)
        {
            var srs = NeShape(src);
            for (int i = 0; i < ss.Length; i++)
                if (iss[i] > srs[i]) wrong = true;
        }
        if (!wrong) return;
        var msg = $"Expected index {Shapes.Format(index.shape)} to be smaller than self {Shapes.Format(self.shape)} apart from dimension {d}";
        throw new ArgumentException(src is null ? msg : msg + $" and to be smaller size than src {Shapes.Format(src.shape)}");
    }

    /// <summary>Scatters src (same dtype as target; a zero-dim src is a value broadcast everywhere) into target.</summary>
    public static void ScatterInto(Tensor target, int d, Tensor index, Tensor src, ScatterMode mode)
    {
        if (index.Numel() == 0) return;
        var ish = NeShape(index);
        var values = src.Dim() == 0 && index.Dim() > 0
            ? Restrided(src, (long[])ish.Clone(), new long[ish.Length])
            : Restrided(src, (long[])ish.Clone(), (long[])NeStrides(src).Clone());
        target.Backend.IndexScatter(Restrided(target, (long[])ish.Clone(), ZeroAt(NeStrides(target), d)), values,
            [Restrided(index, (long[])ish.Clone(), (long[])NeStrides(index).Clone())],
            [NeShape(target)[d]], [NeStrides(target)[d]], mode, false, DimError(d));
    }

    public static void ScatterReduceInto(Tensor target, int d, Tensor index, Tensor src, string reduce, bool includeSelf)
    {
        var dt = target.dtype;
        if (!includeSelf)
        {
            Scalar init = reduce switch
            {
                "prod" => 1,
                "amax" => Lowest(dt),
                "amin" => Highest(dt),
                _ => 0,
            };
            ScatterInto(target, d, index, Elementwise.Wrap(init, dt, target.Device), ScatterMode.Assign);
        }
        var mode = reduce switch
        {
            "prod" => ScatterMode.Multiply,
            "amax" => ScatterMode.Max,
            "amin" => ScatterMode.Min,
            _ => ScatterMode.Add,
        };
        ScatterInto(target, d, index, src, mode);
        if (reduce != "mean") return;
        // mean: divide by how many values met at each position (self counting once unless excluded).
        var count = Torch.Full(target.shape, includeSelf ? 1 : 0, dt, target.Device);
        ScatterInto(count, d, index, Elementwise.Wrap(1, dt, target.Device), ScatterMode.Add);
        count.Backend.MaskedFill(count, count.Eq(0), 1);
        Elementwise.BinaryInto(new MeanDivideKernel(), target, count, target, dt);
    }

    private static Scalar Lowest(DType dt) => dt switch
    {
        DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16 => double.NegativeInfinity,
        DType.Int64 => long.MinValue,
        DType.Int32 => int.MinValue,
        DType.Int16 => short.MinValue,
        DType.Int8 => sbyte.MinValue,
        DType.UInt8 => 0,
        _ => false,
    };

    private static Scalar Highest(DType dt) => dt switch
    {
        DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16 => double.PositiveInfinity,
        DType.Int64 => long.MaxValue,
        DType.Int32 => int.MaxValue,
        DType.Int16 => short.MaxValue,
        DType.Int8 => sbyte.MaxValue,
        DType.UInt8 => 255,
        _ => true,
    };

    /// <summary>PyTorch's scatter_reduce_backward (FunctionsManual.cpp), in differentiable ops.</summary>
    public static (Tensor Self, Tensor Src) ScatterReduceBackward(Tensor grad, Tensor self, int d, Tensor index, Tensor src,
        string reduce, bool includeSelf, Tensor result)
    {
        Tensor gradSelf, gradSrc;
        var dt = self.dtype;
        switch (reduce)
        {
            case "sum":
                gradSelf = grad;
                gradSrc = grad.Gather(d, index);
                break;
            case "prod":
            {
                var maskedSelf = self.MaskedFill(self.Eq(0), 1);
                var maskedSelfResult = maskedSelf.ScatterReduce(d, index, src, reduce, includeSelf);
                gradSelf = grad.Mul(maskedSelfResult).Div(maskedSelf);
                var srcZero = src.Eq(0);
                var srcNumZeros = Torch.ZerosLike(self).ScatterAdd(d, index, srcZero.To(dt)).Gather(d, index);
                var srcSingleZero = srcZero.LogicalAnd(srcNumZeros.Eq(1));
                var maskedSrc = src.MaskedFill(srcSingleZero, 1);
                var maskedSrcResult = self.ScatterReduce(d, index, maskedSrc, reduce, includeSelf);
                gradSrc = Where(srcSingleZero, grad.Mul(maskedSrcResult).Gather(d, index),
                    grad.Mul(result).Gather(d, index).Div(src.MaskedFill(srcZero, 1)));
                break;
            }
            case "mean":
            {
                var ones = includeSelf ? Torch.OnesLike(grad) : Torch.ZerosLike(grad);
                var n = ones.ScatterAdd(d, index, Torch.OnesLike(src));
                n = n.MaskedFill(n.Eq(0), 1);
                gradSelf = grad.Div(n);
                gradSrc = grad.Gather(d, index).Div(n.Gather(d, index));
                break;
            }
            default:
            {
                var value = result.Gather(d, index);
                var selfIsResult = self.Eq(result).To(dt);
                var srcIsResult = src.Eq(value).To(dt);
                var nToDistribute = selfIsResult.ScatterAdd(d, index, srcIsResult);
                var gradDistributed = grad.Div(nToDistribute);
                gradSelf = selfIsResult.Mul(gradDistributed);
                gradSrc = srcIsResult.Mul(gradDistributed.Gather(d, index));
                break;
            }
        }
        if (!includeSelf) gradSelf = gradSelf.Scatter(d, index, 0);
        return (gradSelf, gradSrc);
    }

    // where(mask, a, b) from masked fills, so NaN or inf in the unused branch never leaks.
    private static Tensor Where(Tensor mask, Tensor a, Tensor b) =>
        a.MaskedFill(mask.LogicalNot(), 0).Add(b.MaskedFill(mask, 0));

    public static void RecordNotImplemented(Tensor r, string op, Tensor self, Tensor? src) =>
        Graph.Record(r, "NotImplemented", [self, src], [],
            _ => throw new InvalidOperationException($"derivative for {op} is not implemented"));

    // ---- index_select / index_add / index_copy / index_fill ----

    public static void IndexSelectInto(Tensor output, Tensor src, int d, Tensor idx)
    {
        var osh = WithDim(src, d, idx.shape[0]);
        if (Shapes.Numel(osh) == 0) return;
        output.Backend.IndexGather(output.AliasNoGrad((long[])osh.Clone()),
            Restrided(src, (long[])osh.Clone(), ZeroAt(NeStrides(src), d)), [AlongDim(idx, osh, d)],
            [NeShape(src)[d]], [NeStrides(src)[d]], false,
            d == 0 || src.Dim() <= 1 ? InSelfError : (i, _, size) => new IndexOutOfRangeException($"INDICES element is out of DATA bounds, id={i} axis_dim={size}"));
    }

    public static Tensor CheckIndexAdd(Tensor self, int d, Tensor index, Tensor source)
    {
        if (index.Dim() > 1)
            throw new IndexOutOfRangeException(
                $"index_add_(): Index is supposed to be a vector, but got dim: {index.Dim()} with type: " +
                $"{index.dtype.ScalarTypeName()} and size: {Shapes.Format(index.shape)}");
        if (index.dtype is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"index_add_(): Expected dtype int32/int64 for index but got: {index.dtype.ScalarTypeName()}");
        if (self.dtype != source.dtype)
            throw new ArgumentException(
                $"index_add_(): self ({self.dtype.ScalarTypeName()}) and source ({source.dtype.ScalarTypeName()}) must have the same scalar type");
        var idx = AsLongVector(index);
        long n = idx.shape[0];
        long srcN = source.Dim() == 0 ? 1 : source.shape[d < source.Dim() ? d : 0];
        if (n != srcN)
            throw new ArgumentException(
                $"index_add_(): Number of indices ({n}) should be equal to source.size(dim): ({srcN}), for dim: {d}");
        CheckSliceBroadcast(self, d, source);
        return idx;
    }

    // index_add adds source slices into self slices with broadcasting: PyTorch's error names slice dims.
    private static void CheckSliceBroadcast(Tensor self, int d, Tensor source)
    {
        if (self.Dim() == 0 || source.Dim() == 0) return;
        var a = Shapes.RemoveAt(self.shape, d);
        var b = source.Dim() > d ? Shapes.RemoveAt(source.shape, d) : source.shape;
        var r = Shapes.Broadcast(a, b);
        if (!r.AsSpan().SequenceEqual(a))
            throw new ArgumentException(
                $"output with shape {Shapes.Format(a)} doesn't match the broadcast shape {Shapes.Format(r)}");
    }

    public static void IndexAddInto(Tensor target, int d, Tensor idx, Tensor source, Scalar? alpha)
    {
        var values = source;
        if (alpha is { } a && a.ToDouble() != 1)
            using (Torch.NoGrad()) values = source.Mul(a).To(target.dtype);
        ScatterAlongDim(target, d, idx, values, ScatterMode.Add, false, InSelfError);
    }

    // Writes source slices (source broadcast to the target's slice shape) at positions idx along d.
    private static void ScatterAlongDim(Tensor target, int d, Tensor idx, Tensor source, ScatterMode mode, bool negativeWraps,
        IndexOutOfBounds error)
    {
        var tsh = WithDim(target, d, idx.shape[0]);
        if (Shapes.Numel(tsh) == 0) return;
        var values = Restrided(source, (long[])tsh.Clone(), Shapes.ExpandStrides(source.shape, source.strides, tsh));
        target.Backend.IndexScatter(Restrided(target, (long[])tsh.Clone(), ZeroAt(NeStrides(target), d)), values,
            [AlongDim(idx, tsh, d)], [NeShape(target)[d]], [NeStrides(target)[d]], mode, negativeWraps, error);
    }

    public static void CheckIndexCopy(Tensor self, int d, Tensor index, Tensor source)
    {
        if (index.Dim() > 1)
            throw new IndexOutOfRangeException($"index_copy_(): Index should have dimension 1 or 0 (got {index.Dim()})");
        if (index.dtype != DType.Int64)
            throw new ArgumentException($"index_copy_(): Expected a long tensor for index, but got {index.dtype.ScalarTypeName()}");
        if (self.dtype != source.dtype)
            throw new ArgumentException(
                $"index_copy_(): self and source expected to have the same dtype, but got (self) {self.dtype.ScalarTypeName()} " +
                $"and (source) {source.dtype.ScalarTypeName()}");
        long n = index.Numel();
        long srcN = source.Dim() == 0 ? 1 : source.shape[d < source.Dim() ? d : 0];
        if (n != srcN)
            throw new IndexOutOfRangeException($"index_copy_(): Number of indices ({n}) should be equal to source.size(dim) ({srcN})");
        if (self.Dim() != source.Dim() && source.Dim() > 0 && self.Dim() > 0)
            throw new IndexOutOfRangeException(
                "index_copy_(): When source and destination are not scalars, their dimensionality must match. " +
                $"Source dimensionality ({source.Dim()}), destination dimensionality ({self.Dim()})");
        if (source.Dim() == 0 || self.Dim() == 0) return;
        for (int i = 0; i < self.Dim(); i++)
        {
            if (i == d || self.shape[i] == source.shape[i]) continue;
            throw new IndexOutOfRangeException(
                "index_copy_(): Source/destination tensor must have same slice shapes. " +
                $"Destination slice shape: {SliceText(self.shape, d)} at dimension {d} and source slice shape: " +
                $"{SliceText(source.shape, d)} at dimension 0.");
        }
    }

    private static string SliceText(long[] shape, int d) => string.Join(" ", Shapes.RemoveAt(shape, d));

    public static void IndexCopyInto(Tensor target, int d, Tensor index, Tensor source) =>
        ScatterAlongDim(target, d, AsLongVector(index), source, ScatterMode.Assign, false,
            (i, _, size) => new IndexOutOfRangeException($"index_copy_(): index {i} is out of bounds for dimension {d} with size {size}"));

    public static void CheckIndexFill(Tensor index)
    {
        if (index.dtype != DType.Int64) throw new IndexOutOfRangeException("index_fill_(): Expected dtype int64 for index.");
        if (index.Dim() > 1) throw new ArgumentException("Index has to be a vector/scalar");
    }

    public static void IndexFillInto(Tensor target, int d, Tensor index, Scalar value) =>
        ScatterAlongDim(target, d, AsLongVector(index), Elementwise.Wrap(value, target.dtype, target.Device), ScatterMode.Assign,
            true, DimError(d));

    /// <summary>The distinct values of an index, sorted (<c>torch._unique(index, sorted=False)</c>'s set).</summary>
    public static Tensor Unique(Tensor index)
    {
        var v = index.ToArray<long>();
        Array.Sort(v);
        int n = 0;
        for (int i = 0; i < v.Length; i++)
            if (i == 0 || v[i] != v[i - 1]) v[n++] = v[i];
        return Torch.FromArray(v[..n]);
    }

    // ---- masked ops ----

    /// <summary>The output (self broadcast with the mask, copied) and the mask as bool of the output's shape.</summary>
    public static (Tensor Output, Tensor Mask) MaskedFillPrepare(Tensor self, Tensor mask)
    {
        var bshape = Shapes.Broadcast(self.shape, mask.shape);
        var r = DenseCopy(self, bshape.AsSpan().SequenceEqual(self.shape) ? null : bshape);
        return (r, MaskFor(r, mask));
    }

    /// <summary>The mask as bool, broadcast to <paramref name="target"/>'s shape (PyTorch's in-place error otherwise).</summary>
    public static Tensor MaskFor(Tensor target, Tensor mask)
    {
        var b = Shapes.Broadcast(target.shape, mask.shape);
        if (!b.AsSpan().SequenceEqual(target.shape))
            throw new ArgumentException(
                $"output with shape {Shapes.Format(target.shape)} doesn't match the broadcast shape {Shapes.Format(b)}");
        var m = mask.dtype == DType.Bool ? mask : mask.Ne(0);
        return Elementwise.Expand(m, target.shape);
    }

    public static void CheckMaskedFillValue(Tensor value)
    {
        if (value.Dim() != 0)
            throw new ArgumentException(
                $"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.Dim()} dimension(s).");
    }

    public static void CheckMaskedScatter(Tensor self, Tensor mask, Tensor source)
    {
        if (mask.dtype is not (DType.Bool or DType.UInt8))
            throw new ArgumentException($"masked_scatter_ only supports boolean masks, but got mask with dtype {mask.dtype.ScalarTypeName()}");
        if (self.dtype != source.dtype)
            throw new ArgumentException(
                $"masked_scatter: expected self and source to have same dtypes but got{self.dtype.ScalarTypeName()} and {source.dtype.ScalarTypeName()}");
    }

    /// <summary>Writes source's leading elements, in row-major order, where the mask (of target's shape) is set.</summary>
    public static void MaskedScatterInto(Tensor target, Tensor mask, Tensor source)
    {
        var nz = target.Backend.Nonzero(mask);
        long count = nz.shape[0];
        if (count > source.Numel()) throw new ArgumentException("Number of elements of source < number of ones in mask");
        if (count == 0) return;
        var src = source.IsContiguous() ? source : DenseCopy(source, contiguous: true);
        var values = src.AliasNoGrad([count], [1]);
        int nd = target.Dim();
        var indices = new Tensor[nd];
        for (int k = 0; k < nd; k++) indices[k] = nz.AliasNoGrad([count], [nd], nz.offset + k);
        target.Backend.IndexScatter(Restrided(target, [count], [0]), values, indices, (long[])target.shape.Clone(),
            (long[])target.strides.Clone(), ScatterMode.Assign, true, DimError(0));
    }

    /// <summary>PyTorch's masked_scatter_backward: the gradient at the mask's positions, zero-padded to source's size.</summary>
    public static Tensor MaskedScatterSourceGrad(Tensor grad, Tensor mask, long[] sourceShape)
    {
        long numel = Shapes.Numel(sourceShape);
        var selected = grad.MaskedSelect(mask);
        long diff = numel - selected.Numel();
        if (diff > 0) selected = Torch.Cat([selected, Torch.Zeros([diff], grad.dtype, grad.Device)]);
        return selected.View(sourceShape);
    }

    // ---- take / put ----

    public static void CheckPut(Tensor self, Tensor index, Tensor source)
    {
        if (index.dtype != DType.Int64)
            throw new ArgumentException($"put_(): Expected a long tensor for index, but got {index.dtype.ScalarTypeName()}");
        if (self.dtype != source.dtype)
            throw new ArgumentException(
                $"put_(): self and source expected to have the same dtype, but got self.dtype = {self.dtype.ScalarTypeName()} " +
                $"and source.dtype = {source.dtype.ScalarTypeName()}");
        if (source.Numel() != index.Numel())
            throw new IndexOutOfRangeException(
                $"put_(): Expected source and index to have the same number of elements, but got source.numel() = {source.Numel()}, " +
                $"index.numel() = {index.Numel()}");
    }

    /// <summary>put_ into a contiguous target.</summary>
    public static void PutInto(Tensor target, Tensor index, Tensor source, bool accumulate)
    {
        long n = index.Numel();
        if (n == 0) return;
        long numel = target.Numel();
        var idx = index.IsContiguous() ? index : DenseCopy(index, contiguous: true);
        var src = source.IsContiguous() ? source : DenseCopy(source, contiguous: true);
        target.Backend.IndexScatter(Restrided(target, [n], [0]), src.AliasNoGrad([n], [1]), [idx.AliasNoGrad([n], [1])],
            [numel], [1], accumulate ? ScatterMode.Add : ScatterMode.Assign, true, FlatError(numel));
    }
}

/// <summary>scatter_reduce "mean"'s final division: true division for floats, floor division for integers.</summary>
internal readonly struct MeanDivideKernel : IBinaryKernel
{
    public static string Name => "div";
    public static string Cuda => "div_true_or_floor(a, b)";

    public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
        {
            TensorPrimitives.Divide(a, b, c);
            return;
        }
        for (int i = 0; i < c.Length; i++)
        {
            var q = a[i] / b[i];
            if (a[i] % b[i] != T.Zero && (a[i] < T.Zero) != (b[i] < T.Zero)) q -= T.One;
            c[i] = q;
        }
    }
}
