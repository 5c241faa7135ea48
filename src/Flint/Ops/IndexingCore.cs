using Flint.Autograd;
using Flint.Backends;

namespace Flint.Ops;

/// <summary>Python's <c>__getitem__</c>/<c>__setitem__</c> (torch/csrc/autograd/python_variable_indexing.cpp).</summary>
internal static class Indexing
{
    public static Tensor Wrapped(Scalar value, DType dtype)
    {
        var t = Elementwise.Wrap(value, dtype, Device.CPU);
        t.wrappedNumber = true;
        return t;
    }

    public static Tensor?[] Unpack(FunctionNode n, int count)
    {
        var r = new Tensor?[count];
        for (int i = 0; i < count; i++) r[i] = n.SavedOrNull(i);
        return r;
    }

    /// <summary>Values for index_put: a wrapped number converts to self's dtype; a tensor must match it.</summary>
    public static Tensor ValuesFor(Tensor self, Tensor values)
    {
        if (values.wrappedNumber) return Elementwise.Cast(values, self.dtype, self.Device);
        if (values.dtype != self.dtype)
            throw new ArgumentException(
                $"Index put requires the source and destination dtypes match, got {self.dtype.ScalarTypeName()} for the " +
                $"destination and {values.dtype.ScalarTypeName()} for the source.");
        return values;
    }

    public static Tensor Get(Tensor self, TensorIndex[] items)
    {
        if (items.Length == 1 && items[0].kind == TensorIndex.Kind.Int && self.Dim() == 0)
            throw new IndexOutOfRangeException(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a " +
                "0-dim tensor to a number");
        var (result, tensors) = ApplySlicing(self, items, optimizeFullSlices: false);
        if (tensors is not null) return result.IndexWith(tensors.ToArray());
        return ReferenceEquals(result, self) ? self.Alias() : result;
    }

    public static void Set(Tensor self, TensorIndex[] items, Tensor value)
    {
        if (items.Length == 1 && items[0].kind == TensorIndex.Kind.Bool && items[0].value == 0) return;
        var (sliced, tensors) = ApplySlicing(self, items, optimizeFullSlices: true);
        if (value.wrappedNumber) value = Elementwise.Cast(value, self.dtype, self.Device);
        if (tensors is null)
        {
            CopyTo(sliced, value);
            return;
        }
        var stripped = StripLeadingOnes(value.shape);
        if (stripped.Length != value.Dim()) value = value.View(stripped);
        sliced.IndexPut_(tensors.ToArray(), value);
    }

    // at::indexing::copy_to
    private static void CopyTo(Tensor dst, Tensor src)
    {
        if (dst.shape.AsSpan().SequenceEqual(src.shape))
        {
            dst.Copy_(src);
            return;
        }
        if (src.Dim() == 0)
        {
            dst.Fill_(src);
            return;
        }
        var view = src.View(StripLeadingOnes(src.shape));
        Shapes.ExpandStrides(view.shape, view.strides, dst.shape);
        dst.Copy_(view);
    }

    // slicePrefix1sSize: drop leading size-1 dims of a value, so x[0] = ones(1, 3) works for a row of 3.
    private static long[] StripLeadingOnes(long[] shape)
    {
        int i = 0;
        while (i < shape.Length && shape[i] == 1) i++;
        return shape[i..];
    }

    private static int SpecifiedDims(TensorIndex[] items)
    {
        int n = 0;
        foreach (var it in items)
            n += it.kind switch
            {
                TensorIndex.Kind.Int or TensorIndex.Kind.Slice => 1,
                TensorIndex.Kind.Tensor => it.tensor!.dtype is DType.Bool or DType.UInt8 ? it.tensor.Dim() : 1,
                _ => 0,
            };
        return n;
    }

    /// <summary>
    /// Applies ints, slices, ellipsis and None as views, and collects tensor indices at the dims they index
    /// (applySlicing); a multi-dim mask advances the dim by one, as in PyTorch.
    /// </summary>
    private static (Tensor Result, List<Tensor?>? Tensors) ApplySlicing(Tensor self, TensorIndex[] items, bool optimizeFullSlices)
    {
        int specified = SpecifiedDims(items);
        if (specified > self.Dim())
            throw new IndexOutOfRangeException($"too many indices for tensor of dimension {self.Dim()}");
        var result = self;
        int dim = 0, realDim = 0;
        List<Tensor?>? tensors = null;
        void Record(Tensor t, ref int d)
        {
            tensors ??= [];
            while (tensors.Count <= d) tensors.Add(null);
            tensors[d] = t;
            d++;
        }
        foreach (var it in items)
        {
            switch (it.kind)
            {
                case TensorIndex.Kind.Int:
                    result = Select(result, dim, it.IntIn(result.shape[dim]), realDim);
                    realDim++;
                    break;
                case TensorIndex.Kind.Slice:
                    if (it.step == 0) throw new ArgumentException("slice step cannot be zero");
                    if (it.step < 0) throw new ArgumentException("step must be greater than zero");
                    long len = result.shape[dim];
                    if (!(optimizeFullSlices && (it.start ?? 0) == 0 && it.stop == len && it.step == 1))
                        result = result.Slice(dim, it.start, it.stop, it.step);
                    dim++;
                    realDim++;
                    break;
                case TensorIndex.Kind.Ellipsis:
                    dim += self.Dim() - specified;
                    realDim += self.Dim() - specified;
                    break;
                case TensorIndex.Kind.None:
                    result = result.Unsqueeze(dim);
                    dim++;
                    break;
                case TensorIndex.Kind.Bool:
                    result = result.Unsqueeze(dim);
                    Record(BoolIndex(it.value != 0), ref dim);
                    break;
                default:
                {
                    var t = it.tensor!;
                    if (t.Dim() == 0 && t.dtype.IsIntegral(includeBool: true))
                    {
                        if (t.dtype is not (DType.Bool or DType.UInt8))
                        {
                            result = Select(result, dim, t.Item<long>(), realDim);
                            realDim++;
                        }
                        else
                        {
                            result = result.Unsqueeze(dim);
                            Record(BoolIndex(t.Item<long>() != 0), ref dim);
                        }
                    }
                    else
                    {
                        Record(t, ref dim);
                        realDim++;
                    }
                    break;
                }
            }
        }
        return (result, tensors);
    }

    private static Tensor Select(Tensor t, int dim, long index, int realDim)
    {
        long size = t.shape[dim];
        if (index < -size || index >= size)
            throw new IndexOutOfRangeException($"index {index} is out of bounds for dimension {realDim} with size {size}");
        return t.Select(dim, index);
    }

    // True indexes one element of a new size-1 dim, False none (boolToIndexingTensor).
    private static Tensor BoolIndex(bool value) => value ? Torch.Zeros([1], DType.Int64) : Torch.Empty([0], DType.Int64);
}

/// <summary>
/// ATen's advanced indexing (TensorAdvancedIndexing.cpp, make_info): masks become their nonzero coordinates, the
/// index tensors broadcast together, indexed dims that are not adjacent move to the front, and self is restrided
/// so that the indexed dims are replaced by the broadcast index shape (stride 0). The backend then gathers or
/// scatters with one offset per element.
/// </summary>
internal static class AdvancedIndex
{
    private sealed record Info(Tensor Src, Tensor[] Indices, long[] Sizes, long[] Strides, long[] ResultShape);

    private static readonly IndexOutOfBounds Error = (i, k, size) => new IndexOutOfRangeException(size == 0
        ? "index is out of bounds for dimension with size 0"
        : $"index {i} is out of bounds for dimension {k} with size {size}");

    /// <summary><c>self[indices]</c> as a new tensor (no history).</summary>
    public static Tensor Gather(Tensor self, Tensor?[] indices)
    {
        var info = Make(self, indices);
        var r = Tensor.Allocate(info.ResultShape, self.dtype, self.Device);
        if (r.Numel() > 0) self.Backend.IndexGather(r, info.Src, info.Indices, info.Sizes, info.Strides, true, Error);
        return r;
    }

    /// <summary><c>self[indices] = values</c> (or <c>+=</c>) in place, values broadcast to the indexing result (no history).</summary>
    public static void Put(Tensor self, Tensor?[] indices, Tensor values, bool accumulate)
    {
        // x[mask] = value with a bool mask of x's shape is a masked fill, as ATen's index_put_ takes it: no list of the
        // mask's positions to scatter through (4M floats with the clone before it: 9.2 -> 1.3 ms, PyTorch 6.1).
        if (!accumulate && indices is [{ dtype: DType.Bool } mask] && values.Dim() == 0 && mask.shape.AsSpan().SequenceEqual(self.shape)
            && mask.Device == self.Device && values.Device == self.Device)
        {
            self.Backend.MaskedFill(self, mask, Elementwise.Cast(values, self.dtype, self.Device).Item());
            return;
        }
        var info = Make(self, indices);
        if (!IsExpandable(values.shape, info.ResultShape))
            throw new ArgumentException(
                $"shape mismatch: value tensor of shape {Shapes.Format(values.shape)} cannot be broadcast to indexing result " +
                $"of shape {Shapes.Format(info.ResultShape)}");
        if (Shapes.Numel(info.ResultShape) == 0) return;
        var v = Elementwise.Cast(values, self.dtype, self.Device);
        var ve = new Tensor(v.storage, info.ResultShape, Shapes.ExpandStrides(v.shape, v.strides, info.ResultShape), v.offset, v.dtype, v.version);
        self.Backend.IndexScatter(info.Src, ve, info.Indices, info.Sizes, info.Strides,
            accumulate ? ScatterMode.Add : ScatterMode.Assign, true, Error);
    }

    private static bool IsExpandable(long[] shape, long[] target)
    {
        if (shape.Length > target.Length) return false;
        for (int i = 0; i < shape.Length; i++)
        {
            long s = shape[^(i + 1)], t = target[^(i + 1)];
            if (s != t && s != 1) return false;
        }
        return true;
    }

    private static Info Make(Tensor self, Tensor?[] indices)
    {
        int nd = self.Dim();
        if (indices.Length > nd)
            throw new IndexOutOfRangeException($"too many indices for tensor of dimension {nd} (got {indices.Length})");
        var list = new List<Tensor?>(nd);
        foreach (var t in indices)
        {
            if (t is null)
            {
                list.Add(null);
                continue;
            }
            if (t.dtype is not (DType.Int64 or DType.Bool or DType.UInt8))
                throw new IndexOutOfRangeException("tensors used as indices must be long, byte or bool tensors");
            if (t.dtype == DType.Int64)
            {
                list.Add(t);
                continue;
            }
            for (int j = 0; j < t.Dim(); j++)
            {
                int srcIdx = list.Count + j;
                if (srcIdx >= nd || t.shape[j] != self.shape[srcIdx])
                    throw new IndexOutOfRangeException(
                        $"The shape of the mask {Shapes.Format(t.shape)} at index {j} does not match the shape of the indexed " +
                        $"tensor {Shapes.Format(self.shape)} at index {srcIdx}");
            }
            var nz = self.Backend.Nonzero(t);
            for (int j = 0; j < t.Dim(); j++)
                list.Add(nz.AliasNoGrad([nz.shape[0]], [t.Dim()], nz.offset + j));
        }
        if (list.Count > nd)
            throw new IndexOutOfRangeException($"too many indices for tensor of dimension {nd} (got {list.Count})");

        long[] bshape = [];
        bool any = false;
        foreach (var t in list)
        {
            if (t is null) continue;
            try { bshape = any ? Shapes.Broadcast(bshape, t.shape) : t.shape; }
            catch (ArgumentException)
            {
                var shapes = list.Where(x => x is not null).Select(x => Shapes.Format(x!.shape));
                throw new IndexOutOfRangeException(
                    "shape mismatch: indexing tensors could not be broadcast together with shapes " + string.Join(", ", shapes));
            }
            any = true;
        }
        while (list.Count < nd) list.Add(null);

        // Indexed dims that are not adjacent go to the front, in order (transposeToFront).
        int first = list.FindIndex(t => t is not null), last = list.FindLastIndex(t => t is not null);
        var srcShape = self.shape;
        var srcStrides = self.strides;
        if (first >= 0 && list.GetRange(first, last - first + 1).Any(t => t is null))
        {
            var perm = Enumerable.Range(0, nd).Where(d => list[d] is not null).Concat(Enumerable.Range(0, nd).Where(d => list[d] is null)).ToArray();
            srcShape = perm.Select(d => self.shape[d]).ToArray();
            srcStrides = perm.Select(d => self.strides[d]).ToArray();
            list = perm.Select(d => list[d]).ToList();
            first = 0;
        }
        int before = Math.Max(first, 0);
        int count = list.Count(t => t is not null);
        int after = nd - before - count;

        var resultShape = srcShape[..before].Concat(bshape).Concat(srcShape[(before + count)..]).ToArray();
        var restrides = srcStrides[..before].Concat(new long[bshape.Length]).Concat(srcStrides[(before + count)..]).ToArray();
        var src = new Tensor(self.storage, resultShape, restrides, self.offset, self.dtype, self.version);
        var sizes = new long[count];
        var strides = new long[count];
        var idx = new Tensor[count];
        for (int k = 0; k < count; k++)
        {
            var t = list[before + k]!;
            sizes[k] = srcShape[before + k];
            strides[k] = srcStrides[before + k];
            var te = Shapes.ExpandStrides(t.shape, t.strides, bshape);
            var st = new long[before].Concat(te).Concat(new long[after]).ToArray();
            idx[k] = new Tensor(t.storage, (long[])resultShape.Clone(), st, t.offset, t.dtype, t.version);
        }
        return new Info(src, idx, sizes, strides, resultShape);
    }
}
