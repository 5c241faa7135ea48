using Flint.Autograd;
using Flint.Ops;

namespace Flint;

/// <summary>sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, unique, unique_consecutive, searchsorted, bucketize.</summary>
public partial class Tensor
{
    /// <summary>
    /// The elements sorted along <paramref name="dim"/> and their original indices (<c>x.sort(dim, descending, stable=)</c>).
    /// The sort is always stable; NaN sorts above every number. Naming <paramref name="stable"/> only changes the node
    /// name, as in PyTorch.
    /// </summary>
    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false, bool? stable = null) =>
        SortOps.Sort(this, dim, descending, stable is null ? "SortBackward0" : "SortBackward1");

    /// <summary>The indices that sort the elements along <paramref name="dim"/> (<c>x.argsort(dim, descending, stable=)</c>).</summary>
    public Tensor Argsort(long dim = -1, bool descending = false, bool stable = false) => SortOps.Sort(this, dim, descending, null).Indices;

    /// <summary>The elements sorted along dim 0 (<c>x.msort()</c>).</summary>
    public Tensor Msort() => SortOps.Sort(this, 0, false, "SortBackward0").Values;

    /// <summary>
    /// The <paramref name="k"/> largest (or smallest) elements along <paramref name="dim"/>, with their indices
    /// (<c>x.topk(k, dim, largest, sorted)</c>); NaN counts as the largest. Equal elements come in the order PyTorch's
    /// CPU kernel gives them.
    /// </summary>
    public (Tensor Values, Tensor Indices) Topk(long k, long dim = -1, bool largest = true, bool sorted = true) =>
        SortOps.Topk(this, k, dim, largest, sorted);

    /// <summary>
    /// The <paramref name="k"/>-th smallest element (1-based) along <paramref name="dim"/> and its index
    /// (<c>x.kthvalue(k, dim, keepdim)</c>); among equal elements the index PyTorch's quickselect gives.
    /// </summary>
    public (Tensor Values, Tensor Indices) Kthvalue(long k, long dim = -1, bool keepdim = false) =>
        SortOps.Select(this, SortOps.Selection.Kth, k, dim, keepdim);

    /// <summary>The lower median of all elements; NaN if any is NaN (<c>x.median()</c>).</summary>
    public Tensor Median() => SortOps.MedianAll(this, ignoreNan: false);

    /// <summary>
    /// The lower median along <paramref name="dim"/> and its index (<c>x.median(dim, keepdim)</c>): the element at
    /// position (n - 1) / 2 of a stable sort, or the first NaN of a lane holding one.
    /// </summary>
    public (Tensor Values, Tensor Indices) Median(long dim, bool keepdim = false) =>
        SortOps.Select(this, SortOps.Selection.Median, 0, dim, keepdim);

    /// <summary>The lower median of the non-NaN elements (<c>x.nanmedian()</c>).</summary>
    public Tensor Nanmedian() => SortOps.MedianAll(this, ignoreNan: true);

    /// <summary>The lower median of the non-NaN elements along <paramref name="dim"/> and its index (<c>x.nanmedian(dim, keepdim)</c>).</summary>
    public (Tensor Values, Tensor Indices) Nanmedian(long dim, bool keepdim = false) =>
        SortOps.Select(this, SortOps.Selection.NanMedian, 0, dim, keepdim);

    /// <summary>
    /// The most frequent value along <paramref name="dim"/> (the smallest of equally frequent ones) and the index of
    /// its last occurrence (<c>x.mode(dim, keepdim)</c>).
    /// </summary>
    public (Tensor Values, Tensor Indices) Mode(long dim = -1, bool keepdim = false) =>
        SortOps.Select(this, SortOps.Selection.Mode, 0, dim, keepdim);

    /// <summary>The sorted distinct elements of the flattened tensor (<c>x.unique()</c>).</summary>
    public Tensor Unique() => SortOps.Unique(this, false, false, false).Output;

    /// <summary>
    /// The distinct elements of the flattened tensor (<c>x.unique(sorted)</c>); they are sorted either way, which
    /// PyTorch allows for <c>sorted=False</c>.
    /// </summary>
    public Tensor Unique(bool sorted) => SortOps.Unique(this, false, false, false).Output;

    /// <summary>
    /// The sorted distinct elements with, on request, each element's index into them (shaped like this tensor) and
    /// each one's count (<c>x.unique(sorted, return_inverse, return_counts)</c>); outputs not asked for are null.
    /// </summary>
    public (Tensor Output, Tensor? InverseIndices, Tensor? Counts) Unique(bool sorted = true, bool returnInverse = false, bool returnCounts = false) =>
        SortOps.Unique(this, false, returnInverse, returnCounts);

    /// <summary>The flattened tensor with each run of equal elements collapsed to one (<c>x.unique_consecutive()</c>).</summary>
    public Tensor UniqueConsecutive() => SortOps.Unique(this, true, false, false).Output;

    /// <summary>
    /// Runs of equal elements collapsed to one, with each element's run index and each run's length on request
    /// (<c>x.unique_consecutive(return_inverse, return_counts)</c>); outputs not asked for are null.
    /// </summary>
    public (Tensor Output, Tensor? InverseIndices, Tensor? Counts) UniqueConsecutive(bool returnInverse, bool returnCounts = false) =>
        SortOps.Unique(this, true, returnInverse, returnCounts);
}

public static partial class Torch
{
    /// <summary><c>torch.sort(x, dim, descending, stable=)</c>.</summary>
    public static (Tensor Values, Tensor Indices) Sort(Tensor x, long dim = -1, bool descending = false, bool? stable = null) => x.Sort(dim, descending, stable);
    /// <summary><c>torch.argsort(x, dim, descending, stable=)</c>.</summary>
    public static Tensor Argsort(Tensor x, long dim = -1, bool descending = false, bool stable = false) => x.Argsort(dim, descending, stable);
    /// <summary><c>torch.msort(x)</c>.</summary>
    public static Tensor Msort(Tensor x) => x.Msort();
    /// <summary><c>torch.topk(x, k, dim, largest, sorted)</c>.</summary>
    public static (Tensor Values, Tensor Indices) Topk(Tensor x, long k, long dim = -1, bool largest = true, bool sorted = true) => x.Topk(k, dim, largest, sorted);
    /// <summary><c>torch.kthvalue(x, k, dim, keepdim)</c>.</summary>
    public static (Tensor Values, Tensor Indices) Kthvalue(Tensor x, long k, long dim = -1, bool keepdim = false) => x.Kthvalue(k, dim, keepdim);
    /// <summary><c>torch.median(x)</c>.</summary>
    public static Tensor Median(Tensor x) => x.Median();
    /// <summary><c>torch.median(x, dim, keepdim)</c>.</summary>
    public static (Tensor Values, Tensor Indices) Median(Tensor x, long dim, bool keepdim = false) => x.Median(dim, keepdim);
    /// <summary><c>torch.nanmedian(x)</c>.</summary>
    public static Tensor Nanmedian(Tensor x) => x.Nanmedian();
    /// <summary><c>torch.nanmedian(x, dim, keepdim)</c>.</summary>
    public static (Tensor Values, Tensor Indices) Nanmedian(Tensor x, long dim, bool keepdim = false) => x.Nanmedian(dim, keepdim);
    /// <summary><c>torch.mode(x, dim, keepdim)</c>.</summary>
    public static (Tensor Values, Tensor Indices) Mode(Tensor x, long dim = -1, bool keepdim = false) => x.Mode(dim, keepdim);
    /// <summary><c>torch.unique(x)</c>.</summary>
    public static Tensor Unique(Tensor x) => x.Unique();
    /// <summary><c>torch.unique(x, sorted)</c>.</summary>
    public static Tensor Unique(Tensor x, bool sorted) => x.Unique(sorted);
    /// <summary><c>torch.unique(x, sorted, return_inverse, return_counts)</c>.</summary>
    public static (Tensor Output, Tensor? InverseIndices, Tensor? Counts) Unique(Tensor x, bool sorted = true, bool returnInverse = false, bool returnCounts = false) =>
        x.Unique(sorted, returnInverse, returnCounts);
    /// <summary><c>torch.unique_consecutive(x)</c>.</summary>
    public static Tensor UniqueConsecutive(Tensor x) => x.UniqueConsecutive();
    /// <summary><c>torch.unique_consecutive(x, return_inverse, return_counts)</c>.</summary>
    public static (Tensor Output, Tensor? InverseIndices, Tensor? Counts) UniqueConsecutive(Tensor x, bool returnInverse, bool returnCounts = false) =>
        x.UniqueConsecutive(returnInverse, returnCounts);

    /// <summary>
    /// For each value, the index at which it would be inserted into <paramref name="sortedSequence"/> to keep it sorted
    /// (<c>torch.searchsorted(sorted_sequence, values, out_int32=, right=, side=, sorter=)</c>): the first such index, or
    /// the last with <paramref name="right"/> or side "right". A 1-D sequence serves every value; an N-D one holds a
    /// sequence per leading index of <paramref name="values"/>.
    /// </summary>
    public static Tensor Searchsorted(Tensor sortedSequence, Tensor values, bool outInt32 = false, bool right = false, string? side = null, Tensor? sorter = null) =>
        SortOps.Searchsorted(sortedSequence, values, outInt32, right, side, sorter);

    /// <summary>The insertion index of one number (<c>torch.searchsorted(sorted_sequence, scalar)</c>), as a 0-dim tensor.</summary>
    public static Tensor Searchsorted(Tensor sortedSequence, Scalar value, bool outInt32 = false, bool right = false, string? side = null, Tensor? sorter = null) =>
        SortOps.Searchsorted(sortedSequence, Elementwise.Wrap(value, ResultTypeState.Of(sortedSequence, value), sortedSequence.Device), outInt32, right, side, sorter);

    /// <summary>
    /// The index of the bucket of <paramref name="boundaries"/> (1-D, sorted) each element falls in
    /// (<c>torch.bucketize(input, boundaries, out_int32=, right=)</c>): boundaries[i-1] &lt; x &lt;= boundaries[i], or
    /// boundaries[i-1] &lt;= x &lt; boundaries[i] with <paramref name="right"/>.
    /// </summary>
    public static Tensor Bucketize(Tensor input, Tensor boundaries, bool outInt32 = false, bool right = false)
    {
        if (boundaries.Dim() != 1)
            throw new ArgumentException($"boundaries tensor must be 1 dimension, but got dim({boundaries.Dim()})");
        return SortOps.Searchsorted(boundaries, input, outInt32, right, null, null);
    }

    /// <summary>The bucket of one number (<c>torch.bucketize(scalar, boundaries)</c>), as a 0-dim tensor.</summary>
    public static Tensor Bucketize(Scalar input, Tensor boundaries, bool outInt32 = false, bool right = false) =>
        Bucketize(Elementwise.Wrap(input, ResultTypeState.Of(boundaries, input), boundaries.Device), boundaries, outInt32, right);
}

/// <summary>The implementations of sorting, selection and unique, with their derivatives.</summary>
internal static class SortOps
{
    public enum Selection { Kth, Median, NanMedian, Mode }

    public static (Tensor Values, Tensor Indices) Sort(Tensor x, long dim, bool descending, string? node)
    {
        int d = Shapes.WrapDim(dim, x.Dim());
        var src = Reduction.Dense(x);
        var values = Tensor.Allocate((long[])x.shape.Clone(), x.dtype, x.Device);
        var indices = Tensor.Allocate((long[])x.shape.Clone(), DType.Int64, x.Device);
        if (x.Numel() > 0) x.Backend.Sort(src, Reduction.Layout(src, d), descending, values, indices);
        if (node is not null && Graph.Needs(x)) ReductionOps.RecordSelect(x, node, values, indices, d, keepdim: true);
        return (values, indices);
    }

    public static (Tensor Values, Tensor Indices) Topk(Tensor x, long k, long dim, bool largest, bool sorted)
    {
        int d = Shapes.WrapDim(dim, x.Dim());
        long n = x.Dim() == 0 ? 1 : x.shape[d];
        if (k < 0 || k > n) throw new ArgumentException("selected index k out of range");
        var src = Reduction.Dense(x);
        var shape = Reduction.LaneShape(x, d, k);
        var values = Tensor.Allocate(shape, x.dtype, x.Device);
        var indices = Tensor.Allocate((long[])shape.Clone(), DType.Int64, x.Device);
        if (values.Numel() > 0) x.Backend.TopK(src, Reduction.Layout(src, d), k, largest, sorted, values, indices);
        if (Graph.Needs(x)) ReductionOps.RecordSelect(x, "TopkBackward0", values, indices, d, keepdim: true);
        return (values, indices);
    }

    public static (Tensor Values, Tensor Indices) Select(Tensor x, Selection what, long k, long dim, bool keepdim)
    {
        int d = Shapes.WrapDim(dim, x.Dim());
        var (name, node) = what switch
        {
            Selection.Kth => ("kthvalue", "KthvalueBackward0"),
            Selection.Median => ("median", "MedianBackward1"),
            Selection.NanMedian => ("nanmedian", "NanmedianBackward1"),
            _ => ("mode", "ModeBackward0"),
        };
        Reduction.CheckNonEmpty(x, Reduction.Mask(x, d), name);
        if (what == Selection.Kth && (k < 1 || k > (x.Dim() == 0 ? 1 : x.shape[d])))
            throw new ArgumentException($"kthvalue(): selected number k out of range for dimension {d}");
        var src = Reduction.Dense(x);
        var values = Tensor.Allocate(Reduction.LaneShape(x, d, 1), x.dtype, x.Device);
        var indices = Tensor.Allocate(Reduction.LaneShape(x, d, 1), DType.Int64, x.Device);
        if (values.Numel() > 0)
        {
            var layout = Reduction.Layout(src, d);
            switch (what)
            {
                case Selection.Kth: x.Backend.KthValue(src, layout, k, values, indices); break;
                case Selection.Median: x.Backend.Median(src, layout, false, values, indices); break;
                case Selection.NanMedian: x.Backend.Median(src, layout, true, values, indices); break;
                default: x.Backend.Mode(src, layout, values, indices); break;
            }
        }
        var v = Reduction.DropDim(values, d, keepdim);
        var i = Reduction.DropDim(indices, d, keepdim);
        if (Graph.Needs(x)) ReductionOps.RecordSelect(x, node, v, i, d, keepdim);
        return (v, i);
    }

    public static Tensor MedianAll(Tensor x, bool ignoreNan)
    {
        Tensor r;
        if (x.Numel() == 0)
        {
            if (x.dtype == DType.Bool) throw new NotSupportedException("\"median_cpu\" not implemented for 'Bool'");
            r = Torch.Full([], double.NaN, DType.Float64, x.Device).To(x.dtype);
        }
        else
        {
            var src = Reduction.Dense(x);
            r = Tensor.Allocate([], x.dtype, x.Device);
            var index = Tensor.Allocate([], DType.Int64, x.Device);
            x.Backend.Median(src, new Backends.DimLayout(1, x.Numel(), 1), ignoreNan, r, index);
        }
        if (Graph.Needs(x))
            Graph.Record(r, ignoreNan ? "NanmedianBackward0" : "MedianBackward0", [x], [x, r], n =>
                [ReductionOps.EvenlyDistribute(n.Grad, n.Saved(0), n.Saved(1))]);
        return r;
    }

    public static (Tensor Output, Tensor? InverseIndices, Tensor? Counts) Unique(Tensor x, bool consecutive, bool inverse, bool counts)
    {
        if (!consecutive && x.dtype is DType.Float16 or DType.BFloat16)
            throw new NotSupportedException($"\"unique\" not implemented for '{x.dtype.ScalarTypeName()}'");
        var (values, inv, cnt) = x.Backend.Unique(Reduction.Dense(x), consecutive, inverse, counts);
        if (inv is not null) inv = inv.Reshape(x.shape);
        if (Graph.Needs(x))
        {
            var (node, op) = consecutive ? ("UniqueConsecutiveBackward0", "unique_consecutive") : ("Unique2Backward0", "_unique2");
            Graph.Record(values, node, [x], [], _ =>
                throw new NotSupportedException($"the derivative for '{op}' is not implemented."));
        }
        return (values, inv, cnt);
    }

    public static Tensor Searchsorted(Tensor sorted, Tensor values, bool outInt32, bool right, string? side, Tensor? sorter)
    {
        if (side is not null)
        {
            if (side != "left" && side != "right")
                throw new ArgumentException($"torch.searchsorted(): side can only be 'left' or 'right' but got {side}");
            if (side == "left" && right)
                throw new ArgumentException("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
            right = side == "right";
        }
        if (sorted.Dim() == 0)
            throw new ArgumentException("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension");
        if (sorted.Dim() > 1 && (values.Dim() != sorted.Dim() || !sorted.shape.AsSpan(0, sorted.Dim() - 1).SequenceEqual(values.shape.AsSpan(0, values.Dim() - 1))))
            throw new ArgumentException(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input " +
                $"value tensor must match, but we got boundaries tensor {Shapes.Format(sorted.shape)} and input value tensor {Shapes.Format(values.shape)}");
        if (sorter is not null)
        {
            if (sorter.dtype != DType.Int64)
                throw new ArgumentException($"torch.searchsorted(): sorter must be a tensor of long dtype but got dtype {sorter.dtype.ScalarTypeName()}");
            if (!sorter.shape.AsSpan().SequenceEqual(sorted.shape))
                throw new ArgumentException(
                    $"torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor {Shapes.Format(sorted.shape)}and got sorter tensor {Shapes.Format(sorter.shape)}");
            long m = sorted.shape[^1];
            if (sorter.Numel() > 0 && (sorter.Min().Item<long>() < 0 || sorter.Max().Item<long>() >= m))
                throw new IndexOutOfRangeException($"torch.searchsorted(): sorter index out of range for a sequence of length {m}");
        }
        Elementwise.CheckSameDevice(sorted, values);
        var compute = DTypes.Promote(sorted.dtype, values.dtype);
        var seq = Reduction.Dense(sorted, compute);
        var vals = Reduction.Dense(values, compute);
        var output = Tensor.Allocate((long[])values.shape.Clone(), outInt32 ? DType.Int32 : DType.Int64, values.Device);
        long rows = sorted.Dim() == 1 ? 1 : Shapes.Numel(sorted.shape.AsSpan(0, sorted.Dim() - 1));
        if (output.Numel() > 0)
            sorted.Backend.SearchSorted(seq, vals, rows, right, sorter is null ? null : Reduction.Dense(sorter), output);
        return output;
    }
}
