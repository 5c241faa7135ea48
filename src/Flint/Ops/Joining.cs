using Flint.Autograd;

namespace Flint;

/// <summary>
/// Joining and splitting: cat/concat, stack, hstack, vstack, dstack, atleast_nd, split, tensor_split, chunk, unbind.
/// cat copies each input once into its slice of the output (a strided copy, converted to the promoted dtype);
/// the splits return views sharing memory.
/// </summary>
public partial class Tensor
{
    /// <summary>
    /// Views of consecutive pieces of <paramref name="splitSize"/> along <paramref name="dim"/> (the last may be
    /// smaller) (<c>x.split(split_size, dim=0)</c>).
    /// </summary>
    public Tensor[] Split(long splitSize, long dim = 0)
    {
        if (Dim() == 0) throw new ArgumentException("split expects at least a 1-dimensional tensor");
        int d = Shapes.WrapDim(dim, Dim());
        if (splitSize < 0) throw new ArgumentException($"split expects split_size be non-negative, but got split_size={splitSize}");
        long size = shape[d];
        if (splitSize == 0 && size != 0)
            throw new ArgumentException($"split_size can only be 0 if dimension size is 0, but got dimension size of {size}");
        long n = splitSize == 0 ? 1 : Math.Max((size + splitSize - 1) / splitSize, 1);
        var sizes = new long[n];
        Array.Fill(sizes, splitSize);
        sizes[^1] = splitSize - (splitSize * n - size);
        return SplitViews(d, sizes, "SplitBackward0");
    }

    /// <summary>Views of pieces of the given sizes along <paramref name="dim"/> (<c>x.split([sizes], dim=0)</c>).</summary>
    public Tensor[] Split(long[] splitSizes, long dim = 0) => SplitWithSizes(splitSizes, dim);

    /// <summary>Views of pieces of the given sizes along <paramref name="dim"/> (<c>x.split_with_sizes(split_sizes, dim=0)</c>).</summary>
    public Tensor[] SplitWithSizes(long[] splitSizes, long dim = 0)
    {
        if (Dim() == 0) throw new ArgumentException("split expects at least a 1-dimensional tensor");
        int d = Shapes.WrapDim(dim, Dim());
        long sum = 0;
        foreach (var s in splitSizes)
        {
            if (s < 0)
                throw new ArgumentException(
                    $"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={Shapes.Format(splitSizes)}");
            sum += s;
        }
        if (sum != shape[d])
            throw new ArgumentException(
                $"split_with_sizes expects split_sizes to sum exactly to {shape[d]} (input tensor's size at dimension {d}), " +
                $"but got split_sizes={Shapes.Format(splitSizes)}");
        return SplitViews(d, (long[])splitSizes.Clone(), "SplitWithSizesBackward0");
    }

    private Tensor[] SplitViews(int d, long[] sizes, string node)
    {
        var r = new Tensor[sizes.Length];
        long start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            var sh = (long[])shape.Clone();
            sh[d] = sizes[i];
            r[i] = AliasWith(sh, (long[])strides.Clone(), offset + start * strides[d]);
            start += sizes[i];
        }
        if (Graph.Needs(this))
        {
            var pieceShapes = Array.ConvertAll(r, t => t.shape);
            Graph.Record(r, node, [this], [], n =>
            {
                var g = new Tensor[pieceShapes.Length];
                Tensor? any = Array.Find(n.Grads, x => x is not null);
                for (int i = 0; i < g.Length; i++)
                    g[i] = n.Grads[i] ?? Torch.Zeros(pieceShapes[i], any!.dtype, any.Device);
                return [Torch.Cat(g, d)];
            });
        }
        return r;
    }

    /// <summary>
    /// <paramref name="chunks"/> views of equal size along <paramref name="dim"/> (the last may be smaller, and there
    /// may be fewer) (<c>x.chunk(chunks, dim=0)</c>).
    /// </summary>
    public Tensor[] Chunk(long chunks, long dim = 0)
    {
        if (Dim() == 0) throw new ArgumentException("chunk expects at least a 1-dimensional tensor");
        if (chunks <= 0) throw new ArgumentException($"chunk expects `chunks` to be greater than 0, got: {chunks}");
        int d = Shapes.WrapDim(dim, Dim());
        long size = shape[d];
        long splitSize = (size + chunks - 1) / chunks;
        if (splitSize == 0 && size == 0)
        {
            var sizes = new long[chunks];
            return SplitWithSizes(sizes, d);
        }
        return Split(splitSize, d);
    }

    /// <summary>
    /// <paramref name="sections"/> views along <paramref name="dim"/> whose sizes differ by at most one, the larger first
    /// (<c>x.tensor_split(sections, dim=0)</c>).
    /// </summary>
    public Tensor[] TensorSplit(long sections, long dim = 0)
    {
        if (Dim() == 0)
            throw new ArgumentException($"tensor_split expected at least a 1-dimensional tensor, but got a tensor with {Dim()} dims");
        if (sections <= 0) throw new ArgumentException($"number of sections must be larger than 0, got {sections}");
        int d = Shapes.WrapDim(dim, Dim());
        long size = shape[d], min = size / sections, extra = size % sections;
        var r = new Tensor[sections];
        long start = 0;
        for (long i = 0; i < sections; i++)
        {
            long len = i < extra ? min + 1 : min;
            r[i] = Slice(d, start, start + len);
            start += len;
        }
        return r;
    }

    /// <summary>Views split before each of <paramref name="indices"/> along <paramref name="dim"/> (<c>x.tensor_split(indices, dim=0)</c>).</summary>
    public Tensor[] TensorSplit(long[] indices, long dim = 0)
    {
        if (Dim() == 0)
            throw new ArgumentException($"tensor_split expected at least a 1-dimensional tensor, but got a tensor with {Dim()} dims");
        int d = Shapes.WrapDim(dim, Dim());
        var r = new Tensor[indices.Length + 1];
        long start = 0;
        for (int i = 0; i < indices.Length; i++)
        {
            r[i] = Slice(d, start, indices[i]);
            start = indices[i];
        }
        r[^1] = Slice(d, start, shape[d]);
        return r;
    }

    /// <summary>
    /// <see cref="TensorSplit(long, long)"/> with a zero-dim int64 tensor of sections or
    /// <see cref="TensorSplit(long[], long)"/> with a 1-D int64 tensor of indices
    /// (<c>x.tensor_split(tensor_indices_or_sections, dim=0)</c>).
    /// </summary>
    public Tensor[] TensorSplit(Tensor indicesOrSections, long dim = 0)
    {
        if (indicesOrSections.dtype != DType.Int64)
            throw new ArgumentException(
                $"tensor_split expected tensor_indices_or_sections to have dtype of long, but got {indicesOrSections.dtype.ScalarTypeName()}");
        if (indicesOrSections.Dim() > 1)
            throw new ArgumentException(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a " +
                $"tensor with {indicesOrSections.Dim()} dims");
        return indicesOrSections.Dim() == 0
            ? TensorSplit(indicesOrSections.Item<long>(), dim)
            : TensorSplit(indicesOrSections.ToArray<long>(), dim);
    }

    /// <summary>The views <c>x.select(dim, i)</c> for every i (<c>x.unbind(dim=0)</c>).</summary>
    public Tensor[] Unbind(long dim = 0)
    {
        if (Dim() == 0) throw new IndexOutOfRangeException("Dimension specified as 0 but tensor has no dimensions");
        int d = Shapes.WrapDim(dim, Dim());
        var sh = Shapes.RemoveAt(shape, d);
        var st = Shapes.RemoveAt(strides, d);
        var r = new Tensor[shape[d]];
        for (long i = 0; i < r.Length; i++) r[i] = AliasWith((long[])sh.Clone(), (long[])st.Clone(), offset + i * strides[d]);
        if (Graph.Needs(this) && r.Length > 0)
            Graph.Record(r, "UnbindBackward0", [this], [], n =>
            {
                var any = Array.Find(n.Grads, x => x is not null)!;
                var g = new Tensor[n.Grads.Length];
                for (int i = 0; i < g.Length; i++) g[i] = n.Grads[i] ?? Torch.Zeros(sh, any.dtype, any.Device);
                return [Torch.Stack(g, d)];
            });
        return r;
    }
}

public static partial class Torch
{
    /// <summary>
    /// Joins tensors along an existing dim (<c>torch.cat(tensors, dim=0)</c>): the other sizes must match; the result
    /// has the promoted dtype; 1-D empty tensors (size [0]) are skipped, as PyTorch's legacy rule allows.
    /// </summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("torch.cat(): expected a non-empty list of Tensors");
        Tensor? reference = null;
        var dt = tensors[0].dtype;
        var device = tensors[0].Device;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            if (t.Dim() == 0) throw new ArgumentException($"zero-dimensional tensor (at position {i}) cannot be concatenated");
            if (t.Device != device)
                throw new InvalidOperationException(
                    $"Expected all tensors to be on the same device, but found at least two devices, {device} and {t.Device}!");
            dt = DTypes.Promote(dt, t.dtype);
            if (reference is null && !IsLegacyEmpty(t)) reference = t;
        }
        if (reference is null) return Flint.Tensor.Allocate([0], dt, device);
        int d = Shapes.WrapDim(dim, reference.Dim());
        var outShape = (long[])reference.shape.Clone();
        outShape[d] = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            if (IsLegacyEmpty(t)) continue;
            if (t.Dim() != reference.Dim())
                throw new ArgumentException($"Tensors must have same number of dimensions: got {reference.Dim()} and {t.Dim()}");
            for (int k = 0; k < t.Dim(); k++)
                if (k != d && t.shape[k] != reference.shape[k])
                    throw new ArgumentException(
                        $"Sizes of tensors must match except in dimension {d}. Expected size {reference.shape[k]} but got size " +
                        $"{t.shape[k]} for tensor number {i} in the list.");
            outShape[d] += t.shape[d];
        }
        var r = Flint.Tensor.Allocate(outShape, dt, device);
        var offsets = new long[tensors.Count];
        var shapes = new long[tensors.Count][];
        var storageOffsets = new long[tensors.Count];
        long off = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            offsets[i] = off;
            shapes[i] = (long[])outShape.Clone();
            shapes[i][d] = IsLegacyEmpty(t) ? 0 : t.shape[d];
            storageOffsets[i] = r.offset + off * r.strides[d];
            off += shapes[i][d];
        }
        CopyPieces(r, tensors, shapes, r.strides, storageOffsets);
        var inputs = tensors.ToArray();
        if (Graph.Needs(inputs))
        {
            var sizes = Array.ConvertAll(inputs, t => IsLegacyEmpty(t) ? -1 : t.shape[d]);
            Graph.Record(r, "CatBackward0", inputs, [], n =>
            {
                var g = new Tensor?[sizes.Length];
                for (int i = 0; i < g.Length; i++)
                {
                    if (!n.NeedsInputGrad(i)) continue;
                    g[i] = sizes[i] < 0 ? Zeros([0], n.Grad.dtype, n.Grad.Device) : n.Grad.Narrow(d, offsets[i], sizes[i]);
                }
                return g;
            });
        }
        return r;
    }

    private static bool IsLegacyEmpty(Tensor t) => t.shape.Length == 1 && t.shape[0] == 0;

    // Copies pieces[i] into the region of r of shape shapes[i], r's strides and storage offset offsets[i]. Contiguous
    // CPU pieces of r's dtype going to contiguous regions (samples into their batch) are memory copies, which the
    // threads share by bytes once there are enough of them: one strided copy's dispatch costs more than copying a
    // small image, and one thread copies into a cold batch at a fraction of the memory bandwidth.
    private static unsafe void CopyPieces(Tensor r, IReadOnlyList<Tensor> pieces, long[][] shapes, long[] strides, long[] offsets)
    {
        var copies = new (nint Source, nint Destination, long Bytes)[pieces.Count];
        int count = 0;
        long total = 0;
        int size = r.dtype.ElementSize();
        for (int i = 0; i < pieces.Count; i++)
        {
            var t = pieces[i];
            if (t.Numel() == 0) continue;
            if (r.storage is Backends.Cpu.CpuStorage cs && t.storage is Backends.Cpu.CpuStorage && t.dtype == r.dtype
                && t.IsContiguous() && Shapes.IsContiguous(shapes[i], strides))
            {
                long bytes = t.Numel() * size;
                copies[count++] = ((nint)t.Ptr, (nint)(cs.Pointer + offsets[i] * size), bytes);
                total += bytes;
            }
            else r.Backend.Copy(t, r.AliasNoGrad((long[])shapes[i].Clone(), (long[])strides.Clone(), offsets[i]));
        }
        int threads = Backends.Cpu.Parallelism.ThreadsFor(total, ParallelCopyBytes);
        Backends.Cpu.Parallelism.For(threads, (thread, n) =>
        {
            // This thread's bytes [lo, hi) of the copies laid end to end.
            long lo = total * thread / n, hi = total * (thread + 1) / n, start = 0;
            for (int i = 0; i < count && start < hi; start += copies[i++].Bytes)
            {
                long from = Math.Max(lo, start), to = Math.Min(hi, start + copies[i].Bytes);
                if (from < to)
                    Buffer.MemoryCopy((byte*)copies[i].Source + (from - start), (byte*)copies[i].Destination + (from - start), to - from, to - from);
            }
        });
        GC.KeepAlive(pieces);
        GC.KeepAlive(r);
    }

    // Bytes of memory copies per thread before cat and stack split them.
    private const long ParallelCopyBytes = 64 << 10;

    /// <summary><c>torch.concat(tensors, dim=0)</c>, the same as <see cref="Cat"/>.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, long dim = 0) => Cat(tensors, dim);

    /// <summary>Joins tensors of one shape along a new dim (<c>torch.stack(tensors, dim=0)</c>).</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("stack expects a non-empty TensorList");
        var s0 = tensors[0].shape;
        var dt = tensors[0].dtype;
        for (int i = 1; i < tensors.Count; i++)
        {
            if (!tensors[i].shape.AsSpan().SequenceEqual(s0))
                throw new ArgumentException(
                    $"stack expects each tensor to be equal size, but got {Shapes.Format(s0)} at entry 0 and " +
                    $"{Shapes.Format(tensors[i].shape)} at entry {i}");
            dt = DTypes.Promote(dt, tensors[i].dtype);
        }
        int d = Shapes.WrapDim(dim, s0.Length + 1);
        var outShape = s0[..d].Append((long)tensors.Count).Concat(s0[d..]).ToArray();
        var r = Flint.Tensor.Allocate(outShape, dt, tensors[0].Device);
        var shapes = new long[tensors.Count][];
        var storageOffsets = new long[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            shapes[i] = s0;
            storageOffsets[i] = r.offset + i * r.strides[d];
        }
        CopyPieces(r, tensors, shapes, Shapes.RemoveAt(r.strides, d), storageOffsets);
        var inputs = tensors.ToArray();
        if (Graph.Needs(inputs))
            Graph.Record(r, "StackBackward0", inputs, [], n =>
            {
                var g = new Tensor?[inputs.Length];
                for (int i = 0; i < g.Length; i++)
                    if (n.NeedsInputGrad(i)) g[i] = n.Grad.Select(d, i);
                return g;
            });
        return r;
    }

    /// <summary>Stacks column-wise: cat along dim 1, or dim 0 for 1-D inputs (<c>torch.hstack(tensors)</c>).</summary>
    public static Tensor Hstack(IReadOnlyList<Tensor> tensors)
    {
        if (tensors.Count == 0) throw new ArgumentException("hstack expects a non-empty TensorList");
        var rep = Atleast1d(tensors);
        return Cat(rep, rep[0].Dim() == 1 ? 0 : 1);
    }

    /// <summary>Stacks row-wise: cat of the inputs made at least 2-D along dim 0 (<c>torch.vstack(tensors)</c>).</summary>
    public static Tensor Vstack(IReadOnlyList<Tensor> tensors)
    {
        if (tensors.Count == 0) throw new ArgumentException("vstack expects a non-empty TensorList");
        return Cat(Atleast2d(tensors), 0);
    }

    /// <summary>Stacks depth-wise: cat of the inputs made at least 3-D along dim 2 (<c>torch.dstack(tensors)</c>).</summary>
    public static Tensor Dstack(IReadOnlyList<Tensor> tensors)
    {
        if (tensors.Count == 0) throw new ArgumentException("dstack expects a non-empty TensorList");
        return Cat(Atleast3d(tensors), 2);
    }

    /// <summary>A zero-dim tensor as shape [1], others unchanged (<c>torch.atleast_1d(x)</c>).</summary>
    public static Tensor Atleast1d(Tensor x) => x.Dim() == 0 ? x.Reshape(1) : x;

    /// <summary>Each tensor made at least 1-D (<c>torch.atleast_1d(*tensors)</c>).</summary>
    public static Tensor[] Atleast1d(IReadOnlyList<Tensor> tensors) => tensors.Select(Atleast1d).ToArray();

    /// <summary>A zero-dim tensor as [1, 1], a 1-D one as a row [1, n] (<c>torch.atleast_2d(x)</c>).</summary>
    public static Tensor Atleast2d(Tensor x) => x.Dim() switch
    {
        0 => x.Reshape(1, 1),
        1 => x.Unsqueeze(0),
        _ => x,
    };

    /// <summary>Each tensor made at least 2-D (<c>torch.atleast_2d(*tensors)</c>).</summary>
    public static Tensor[] Atleast2d(IReadOnlyList<Tensor> tensors) => tensors.Select(Atleast2d).ToArray();

    /// <summary>A zero-dim tensor as [1, 1, 1], 1-D as [1, n, 1], 2-D as [m, n, 1] (<c>torch.atleast_3d(x)</c>).</summary>
    public static Tensor Atleast3d(Tensor x) => x.Dim() switch
    {
        0 => x.Reshape(1, 1, 1),
        1 => x.Unsqueeze(0).Unsqueeze(-1),
        2 => x.Unsqueeze(-1),
        _ => x,
    };

    /// <summary>Each tensor made at least 3-D (<c>torch.atleast_3d(*tensors)</c>).</summary>
    public static Tensor[] Atleast3d(IReadOnlyList<Tensor> tensors) => tensors.Select(Atleast3d).ToArray();

    /// <summary><c>torch.split(x, split_size, dim=0)</c>.</summary>
    public static Tensor[] Split(Tensor x, long splitSize, long dim = 0) => x.Split(splitSize, dim);

    /// <summary><c>torch.split(x, [sizes], dim=0)</c>.</summary>
    public static Tensor[] Split(Tensor x, long[] splitSizes, long dim = 0) => x.Split(splitSizes, dim);

    /// <summary><c>torch.chunk(x, chunks, dim=0)</c>.</summary>
    public static Tensor[] Chunk(Tensor x, long chunks, long dim = 0) => x.Chunk(chunks, dim);

    /// <summary><c>torch.tensor_split(x, sections, dim=0)</c>.</summary>
    public static Tensor[] TensorSplit(Tensor x, long sections, long dim = 0) => x.TensorSplit(sections, dim);

    /// <summary><c>torch.tensor_split(x, indices, dim=0)</c>.</summary>
    public static Tensor[] TensorSplit(Tensor x, long[] indices, long dim = 0) => x.TensorSplit(indices, dim);

    /// <summary><c>torch.tensor_split(x, tensor_indices_or_sections, dim=0)</c>.</summary>
    public static Tensor[] TensorSplit(Tensor x, Tensor indicesOrSections, long dim = 0) => x.TensorSplit(indicesOrSections, dim);

    /// <summary><c>torch.unbind(x, dim=0)</c>.</summary>
    public static Tensor[] Unbind(Tensor x, long dim = 0) => x.Unbind(dim);
}
