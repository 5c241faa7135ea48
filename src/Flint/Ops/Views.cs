using Flint.Autograd;

namespace Flint;

/// <summary>
/// Ops that return a view: a new shape/strides/offset over the same storage, sharing the version counter, with
/// <see cref="Tensor.Base"/> set. Writing through a view changes the original.
/// </summary>
public partial class Tensor
{
    /// <summary>A view with explicit geometry (<c>x.as_strided(size, stride, storage_offset)</c>).</summary>
    public Tensor AsStrided(Size size, Size stride, long? storageOffset = null)
    {
        var sh = size.ToArray();
        var st = stride.ToArray();
        if (sh.Length != st.Length)
            throw new ArgumentException($"mismatch in length of strides and shape");
        var off = storageOffset ?? offset;
        long maxIndex = off;
        for (int i = 0; i < sh.Length; i++)
        {
            if (sh[i] == 0) { maxIndex = -1; break; }
            if (st[i] < 0) throw new ArgumentException("as_strided: Negative strides are not supported at the moment, got strides: " + Shapes.Format(st));
            maxIndex += (sh[i] - 1) * st[i];
        }
        if (maxIndex >= 0 && (maxIndex + 1) * ElementSize() > storage.ByteCount)
            throw new ArgumentException(
                $"setStorage: sizes {Shapes.Format(sh)}, strides {Shapes.Format(st)}, storage offset {off}, and itemsize " +
                $"{ElementSize()} requiring a storage size of {(maxIndex + 1) * ElementSize()} are out of bounds for storage of size {storage.ByteCount}");
        var r = AliasWith(sh, st, off);
        if (Graph.Needs(this))
        {
            var (inShape, inStrides, inOffset) = (shape, strides, offset);
            Graph.Record(r, "AsStridedBackward0", [this], [],
                n => [AsStridedBackward(n.Grad, inShape, inStrides, inOffset, sh, st, off)]);
        }
        return r;
    }

    // PyTorch's as_strided_backward: the gradient is summed into a buffer laid out like the storage (elements the
    // output visits twice add up), then read back with the input's geometry, averaged where the input overlaps itself.
    private static Tensor AsStridedBackward(Tensor g, long[] inShape, long[] inStrides, long inOffset, long[] outShape, long[] outStrides, long outOffset)
    {
        long lo = Math.Min(inOffset, outOffset);
        var pIn = StoragePositions(inShape, inStrides, inOffset - lo);
        var pOut = StoragePositions(outShape, outStrides, outOffset - lo);
        long n = Math.Max(pIn.Length > 0 ? pIn.Max() : 0, pOut.Length > 0 ? pOut.Max() : 0) + 1;
        var buffer = Torch.Zeros([n], g.dtype, g.Device).IndexAdd(0, Torch.FromArray(pOut), g.Reshape(-1));
        var r = buffer.AsStrided(inShape, inStrides, inOffset - lo);
        if (pIn.Distinct().Count() == pIn.Length) return r;
        var count = Torch.Zeros([n], g.dtype, g.Device).IndexAdd(0, Torch.FromArray(pIn), Torch.Ones([pIn.LongLength], g.dtype, g.Device));
        return r.Div(count.AsStrided(inShape, inStrides, inOffset - lo));
    }

    private static long[] StoragePositions(long[] shape, long[] strides, long start)
    {
        var r = new long[Shapes.Numel(shape)];
        var idx = new long[shape.Length];
        for (long e = 0; e < r.Length; e++)
        {
            long p = start;
            for (int d = 0; d < shape.Length; d++) p += idx[d] * strides[d];
            r[e] = p;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return r;
    }

    /// <summary>
    /// The same data with a new shape, without copying; one dim may be -1 (<c>x.view(*shape)</c>). Fails like
    /// PyTorch when the strides do not allow it.
    /// </summary>
    public Tensor View(params long[] shape)
    {
        var sh = Shapes.InferSize(shape, Numel());
        var st = ViewStrides(sh) ?? throw new InvalidOperationException(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans across two " +
            "contiguous subspaces). Use .reshape(...) instead.");
        return ViewAs(sh, st, "ViewBackward0");
    }

    /// <summary>Reinterprets the shape as another tensor's (<c>x.view_as(other)</c>).</summary>
    public Tensor ViewAs(Tensor other) => View(other.shape);

    private Tensor ViewAs(long[] sh, long[] st, string nodeName)
    {
        var r = AliasWith(sh, st, offset);
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, nodeName, [this], [], n => [n.Grad.Reshape(inShape)]);
        }
        return r;
    }

    // ATen's computeStride: strides for viewing this geometry as newShape, or null if impossible.
    private long[]? ViewStrides(long[] newShape)
    {
        var newStrides = new long[newShape.Length];
        if (Numel() == 0)
            return Shapes.ContiguousStrides(newShape);
        if (shape.Length == 0)
        {
            Array.Fill(newStrides, 1L);
            return newStrides;
        }
        int viewD = newShape.Length - 1;
        long chunkBaseStride = strides.Length > 0 ? strides[^1] : 1;
        long tensorNumel = 1, viewNumel = 1;
        for (int tensorD = shape.Length - 1; tensorD >= 0; tensorD--)
        {
            tensorNumel *= shape[tensorD];
            if (tensorD == 0 || (shape[tensorD - 1] != 1 && strides[tensorD - 1] != tensorNumel * chunkBaseStride))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1))
                {
                    newStrides[viewD] = viewNumel * chunkBaseStride;
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (tensorD > 0)
                {
                    chunkBaseStride = strides[tensorD - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) return null;
        return newStrides;
    }

    /// <summary>
    /// A view with the new shape when the strides allow (<c>_reshape_alias</c>), otherwise a contiguous copy
    /// (<c>_unsafe_view(clone)</c>) (<c>x.reshape(*shape)</c>).
    /// </summary>
    public Tensor Reshape(params long[] shape)
    {
        var sh = Shapes.InferSize(shape, Numel());
        if (ViewStrides(sh) is { } st) return ViewAs(sh, st, "ReshapeAliasBackward0");
        var c = Contiguous();
        var r = new Tensor(c.storage, sh, Shapes.ContiguousStrides(sh), c.offset, dtype, c.version);
        if (Graph.Needs(c))
        {
            var inShape = c.shape;
            Graph.Record(r, "UnsafeViewBackward0", [c], [], n => [n.Grad.Reshape(inShape)]);
        }
        return r;
    }

    /// <summary>Reshapes to another tensor's shape (<c>x.reshape_as(other)</c>).</summary>
    public Tensor ReshapeAs(Tensor other) => Reshape(other.shape);

    /// <summary>
    /// A view with size-1 dims repeated to a larger shape, without copying; -1 keeps a size (<c>x.expand(*sizes)</c>).
    /// </summary>
    public Tensor Expand(params long[] sizes)
    {
        var target = (long[])sizes.Clone();
        int lead = target.Length - shape.Length;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] != -1) continue;
            if (i < lead)
                throw new ArgumentException(
                    $"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}");
            target[i] = shape[i - lead];
        }
        if (target.AsSpan().SequenceEqual(shape)) return ViewAs(target, (long[])strides.Clone(), "ExpandBackward0");
        var st = Shapes.ExpandStrides(shape, strides, target);
        var r = AliasWith(target, st, offset);
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, "ExpandBackward0", [this], [], n => [n.Grad.SumToSize(inShape)]);
        }
        return r;
    }

    /// <summary>Expands to another tensor's shape (<c>x.expand_as(other)</c>).</summary>
    public Tensor ExpandAs(Tensor other) => Expand(other.shape);

    /// <summary>Swaps two dims (<c>x.transpose(dim0, dim1)</c>).</summary>
    public Tensor Transpose(long dim0, long dim1)
    {
        int a = Shapes.WrapDim(dim0, Dim()), b = Shapes.WrapDim(dim1, Dim());
        var sh = (long[])shape.Clone();
        var st = (long[])strides.Clone();
        if (shape.Length > 0)
        {
            (sh[a], sh[b]) = (sh[b], sh[a]);
            (st[a], st[b]) = (st[b], st[a]);
        }
        var r = AliasWith(sh, st, offset);
        if (Graph.Needs(this)) Graph.Record(r, "TransposeBackward0", [this], [], n => [n.Grad.Transpose(a, b)]);
        return r;
    }

    /// <summary>Swaps two dims (<c>x.swapaxes(a, b)</c>).</summary>
    public Tensor Swapaxes(long axis0, long axis1) => Transpose(axis0, axis1);

    /// <summary>Transposes a tensor of at most 2 dims (<c>x.t()</c>).</summary>
    public Tensor T()
    {
        if (Dim() > 2) throw new ArgumentException($"t() expects a tensor with <= 2 dimensions, but self is {Dim()}D");
        if (Dim() < 2) return ViewAs((long[])shape.Clone(), (long[])strides.Clone(), "TBackward0");
        var r = AliasWith([shape[1], shape[0]], [strides[1], strides[0]], offset);
        if (Graph.Needs(this)) Graph.Record(r, "TBackward0", [this], [], n => [n.Grad.T()]);
        return r;
    }

    /// <summary>The transpose of the last two dims (<c>x.mT</c>).</summary>
    public Tensor MT => Transpose(-2, -1);

    /// <summary>Reorders dims (<c>x.permute(*dims)</c>).</summary>
    public Tensor Permute(params long[] dims)
    {
        if (dims.Length != Dim())
            throw new ArgumentException(
                $"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {Dim()} is not equal to len(dims) = {dims.Length}");
        var d = Shapes.WrapDims(dims, Dim());
        var sh = new long[d.Length];
        var st = new long[d.Length];
        var inverse = new long[d.Length];
        for (int i = 0; i < d.Length; i++)
        {
            sh[i] = shape[d[i]];
            st[i] = strides[d[i]];
            inverse[d[i]] = i;
        }
        var r = AliasWith(sh, st, offset);
        if (Graph.Needs(this)) Graph.Record(r, "PermuteBackward0", [this], [], n => [n.Grad.Permute(inverse)]);
        return r;
    }

    /// <summary>Removes all size-1 dims (<c>x.squeeze()</c>).</summary>
    public Tensor Squeeze()
    {
        var sh = new List<long>();
        var st = new List<long>();
        for (int i = 0; i < shape.Length; i++)
            if (shape[i] != 1) { sh.Add(shape[i]); st.Add(strides[i]); }
        var r = AliasWith(sh.ToArray(), st.ToArray(), offset);
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, "SqueezeBackward0", [this], [], n => [n.Grad.Reshape(inShape)]);
        }
        return r;
    }

    /// <summary>Removes dim if its size is 1, otherwise returns an unchanged view (<c>x.squeeze(dim)</c>).</summary>
    public Tensor Squeeze(long dim)
    {
        int d = Shapes.WrapDim(dim, Dim());
        if (shape.Length == 0 || shape[d] != 1)
            return ViewAs((long[])shape.Clone(), (long[])strides.Clone(), "SqueezeBackward1");
        var sh = Shapes.RemoveAt(shape, d);
        var st = Shapes.RemoveAt(strides, d);
        var r = AliasWith(sh, st, offset);
        if (Graph.Needs(this)) Graph.Record(r, "SqueezeBackward1", [this], [], n => [n.Grad.Unsqueeze(d)]);
        return r;
    }

    /// <summary>Inserts a size-1 dim at <paramref name="dim"/> (<c>x.unsqueeze(dim)</c>).</summary>
    public Tensor Unsqueeze(long dim)
    {
        int d = Shapes.WrapDim(dim, Dim() + 1);
        var sh = new List<long>(shape);
        var st = new List<long>(strides);
        long newStride = d < shape.Length ? shape[d] * strides[d] : 1;
        sh.Insert(d, 1);
        st.Insert(d, newStride);
        var r = AliasWith(sh.ToArray(), st.ToArray(), offset);
        if (Graph.Needs(this)) Graph.Record(r, "UnsqueezeBackward0", [this], [], n => [n.Grad.Squeeze(d)]);
        return r;
    }

    /// <summary>The slice at <paramref name="index"/> along <paramref name="dim"/>, removing that dim (<c>x.select(dim, index)</c>).</summary>
    public Tensor Select(long dim, long index)
    {
        if (Dim() == 0) throw new IndexOutOfRangeException("select() cannot be applied to a 0-dim tensor.");
        int d = Shapes.WrapDim(dim, Dim());
        long size = shape[d];
        if (index < -size || index >= size)
            throw new IndexOutOfRangeException(
                $"index {index} is out of bounds for dimension {d} with size {size}");
        long i = index < 0 ? index + size : index;
        var sh = Shapes.RemoveAt(shape, d);
        var st = Shapes.RemoveAt(strides, d);
        var r = AliasWith(sh, st, offset + i * strides[d]);
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, "SelectBackward0", [this], [], n =>
            {
                var g = n.Grad;
                var z = Torch.Zeros(inShape, g.dtype, g.Device);
                z.Select(d, i).Copy_(g);
                return [z];
            });
        }
        return r;
    }

    /// <summary>
    /// Elements start, start+step, ... before end along a dim (Python's <c>x[start:end:step]</c>); bounds clamp as in
    /// Python and negative values count from the end.
    /// </summary>
    public Tensor Slice(long dim, long? start = null, long? end = null, long step = 1)
    {
        if (Dim() == 0) throw new IndexOutOfRangeException("slice() cannot be applied to a 0-dim tensor.");
        if (step <= 0) throw new ArgumentException("slice step must be positive");
        int d = Shapes.WrapDim(dim, Dim());
        long size = shape[d];
        long s = start ?? 0, e = end ?? size;
        if (s < 0) s += size;
        if (e < 0) e += size;
        s = Math.Clamp(s, 0, size);
        e = Math.Clamp(e, s, size);
        long len = (e - s + step - 1) / step;
        var sh = (long[])shape.Clone();
        var st = (long[])strides.Clone();
        sh[d] = len;
        st[d] = strides[d] * step;
        var r = AliasWith(sh, st, offset + s * strides[d]);
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, "SliceBackward0", [this], [], n =>
            {
                var g = n.Grad;
                var z = Torch.Zeros(inShape, g.dtype, g.Device);
                z.Slice(d, s, e, step).Copy_(g);
                return [z];
            });
        }
        return r;
    }

    /// <summary><paramref name="length"/> elements from <paramref name="start"/> along a dim (<c>x.narrow(dim, start, length)</c>).</summary>
    public Tensor Narrow(long dim, long start, long length)
    {
        int d = Shapes.WrapDim(dim, Dim());
        long size = shape[d];
        if (start < -size || start > size)
            throw new IndexOutOfRangeException(
                $"start out of range (expected to be in range of [{-size}, {size}], but got {start})");
        if (start < 0) start += size;
        if (length < 0 || start + length > size)
            throw new ArgumentException($"start ({start}) + length ({length}) exceeds dimension size ({size}).");
        return Slice(d, start, start + length);
    }
}

public static partial class Torch
{
    /// <summary><c>torch.transpose(x, dim0, dim1)</c>.</summary>
    public static Tensor Transpose(Tensor x, long dim0, long dim1) => x.Transpose(dim0, dim1);

    /// <summary><c>torch.t(x)</c>.</summary>
    public static Tensor T(Tensor x) => x.T();

    /// <summary><c>torch.permute(x, dims)</c>.</summary>
    public static Tensor Permute(Tensor x, params long[] dims) => x.Permute(dims);

    /// <summary><c>torch.reshape(x, shape)</c>.</summary>
    public static Tensor Reshape(Tensor x, params long[] shape) => x.Reshape(shape);

    /// <summary><c>torch.squeeze(x)</c>.</summary>
    public static Tensor Squeeze(Tensor x) => x.Squeeze();

    /// <summary><c>torch.squeeze(x, dim)</c>.</summary>
    public static Tensor Squeeze(Tensor x, long dim) => x.Squeeze(dim);

    /// <summary><c>torch.unsqueeze(x, dim)</c>.</summary>
    public static Tensor Unsqueeze(Tensor x, long dim) => x.Unsqueeze(dim);

    /// <summary><c>torch.select(x, dim, index)</c>.</summary>
    public static Tensor Select(Tensor x, long dim, long index) => x.Select(dim, index);

    /// <summary><c>torch.narrow(x, dim, start, length)</c>.</summary>
    public static Tensor Narrow(Tensor x, long dim, long start, long length) => x.Narrow(dim, start, length);

    /// <summary><c>torch.as_strided(x, size, stride, storage_offset)</c>.</summary>
    public static Tensor AsStrided(Tensor x, Size size, Size stride, long? storageOffset = null) => x.AsStrided(size, stride, storageOffset);
}
