using Flint.Autograd;
using Flint.Ops;

namespace Flint;

/// <summary>
/// Shaping ops: flatten, unflatten, movedim, repeat, repeat_interleave, tile, flip, roll, rot90, tril/triu, diag,
/// diagonal, diag_embed and unfold. Those PyTorch returns as views (flatten when possible, unflatten, movedim,
/// diagonal, unfold) share memory; the rest copy once through the backend.
/// </summary>
public partial class Tensor
{
    /// <summary>
    /// Merges dims <paramref name="startDim"/>..<paramref name="endDim"/> into one, as a view when the strides allow
    /// (<c>x.flatten(start_dim=0, end_dim=-1)</c>); a zero-dim tensor becomes shape [1].
    /// </summary>
    public Tensor Flatten(long startDim = 0, long endDim = -1)
    {
        if (Dim() == 0) return Reshape(1);
        int s = Shapes.WrapDim(startDim, Dim()), e = Shapes.WrapDim(endDim, Dim());
        if (s > e) throw new ArgumentException("flatten() has invalid args: start_dim cannot come after end_dim");
        if (s == e) return this;
        long merged = Shapes.Numel(shape.AsSpan(s, e - s + 1));
        return Reshape([.. shape[..s], merged, .. shape[(e + 1)..]]);
    }

    /// <summary>Splits dim <paramref name="dim"/> into <paramref name="sizes"/> (one may be -1), as a view (<c>x.unflatten(dim, sizes)</c>).</summary>
    public Tensor Unflatten(long dim, params long[] sizes)
    {
        int d = Shapes.WrapDim(dim, Dim());
        if (sizes.Length == 0) throw new ArgumentException("unflatten: sizes must be non-empty");
        long size = Dim() == 0 ? 1 : shape[d];
        long[] inner;
        if (Array.IndexOf(sizes, -1L) >= 0) inner = Shapes.InferSize(sizes, size);
        else
        {
            if (Shapes.Numel(sizes) != size)
                throw new ArgumentException(
                    $"unflatten: Provided sizes {Shapes.Format(sizes)} don't multiply up to the size of dim {d} ({size}) in the input tensor");
            inner = (long[])sizes.Clone();
        }
        return View([.. shape[..d], .. inner, .. shape[Math.Min(d + 1, shape.Length)..]]);
    }

    /// <summary>Moves dim <paramref name="source"/> to position <paramref name="destination"/>, as a view (<c>x.movedim(source, destination)</c>).</summary>
    public Tensor Movedim(long source, long destination) => Movedim([source], [destination]);

    /// <summary>Moves several dims to new positions, the others keeping their order, as a view (<c>x.movedim(source, destination)</c>).</summary>
    public Tensor Movedim(long[] source, long[] destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException(
                $"movedim: Invalid source or destination dims: source ({Shapes.Format(source)} dims) should contain the same number " +
                $"of dims as destination ({Shapes.Format(destination)} dims)");
        int nd = Dim();
        var src = new int[source.Length];
        var dst = new int[destination.Length];
        for (int i = 0; i < src.Length; i++)
        {
            src[i] = Shapes.WrapDim(source[i], nd);
            dst[i] = Shapes.WrapDim(destination[i], nd);
        }
        if (src.Distinct().Count() != src.Length)
            throw new ArgumentException($"movedim: repeated dim in `source` ({Shapes.Format(source)})");
        if (dst.Distinct().Count() != dst.Length)
            throw new ArgumentException($"movedim: repeated dim in `destination` ({Shapes.Format(destination)})");
        if (nd == 0) return Alias();
        // The moved dims take their destinations; the others fill the free positions in their original order.
        var order = new long[nd];
        Array.Fill(order, -1);
        for (int i = 0; i < src.Length; i++) order[dst[i]] = src[i];
        int next = 0;
        for (int i = 0; i < nd; i++)
        {
            if (order[i] >= 0) continue;
            while (Array.IndexOf(src, next) >= 0) next++;
            order[i] = next++;
        }
        return Permute(order);
    }

    /// <summary><c>x.moveaxis(source, destination)</c>, the same as <see cref="Movedim(long, long)"/>.</summary>
    public Tensor Moveaxis(long source, long destination) => Movedim(source, destination);

    /// <summary><c>x.moveaxis(source, destination)</c>, the same as <see cref="Movedim(long[], long[])"/>.</summary>
    public Tensor Moveaxis(long[] source, long[] destination) => Movedim(source, destination);

    /// <summary><c>x.swapdims(dim0, dim1)</c>, the same as <see cref="Transpose"/>.</summary>
    public Tensor Swapdims(long dim0, long dim1) => Transpose(dim0, dim1);

    /// <summary>
    /// The tensor tiled <paramref name="repeats"/>[i] times along each dim; extra leading repeats add dims
    /// (<c>x.repeat(*sizes)</c>).
    /// </summary>
    public Tensor Repeat(params long[] repeats)
    {
        if (repeats.Length < Dim())
            throw new ArgumentException("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
        int n = repeats.Length, lead = n - Dim();
        var padded = new long[n];
        var pstrides = new long[n];
        for (int i = 0; i < n; i++)
        {
            padded[i] = i < lead ? 1 : shape[i - lead];
            pstrides[i] = i < lead ? 0 : strides[i - lead];
        }
        var target = new long[n];
        for (int i = 0; i < n; i++)
        {
            if (repeats[i] < 0) throw new ArgumentException($"Trying to create tensor with negative dimension {repeats[i]}: {Shapes.Format(repeats)}");
            target[i] = padded[i] * repeats[i];
        }
        var r = Allocate(target, dtype, Device);
        if (r.Numel() > 0)
        {
            // r viewed as [r0, p0, r1, p1, ...]: the source broadcast along each r_i.
            var tstr = r.strides;
            var vshape = new long[2 * n];
            var vstr = new long[2 * n];
            var sstr = new long[2 * n];
            for (int i = 0; i < n; i++)
            {
                vshape[2 * i] = repeats[i];
                vshape[2 * i + 1] = padded[i];
                vstr[2 * i] = padded[i] * tstr[i];
                vstr[2 * i + 1] = tstr[i];
                sstr[2 * i + 1] = pstrides[i];
            }
            r.Backend.Copy(new Tensor(storage, vshape, sstr, offset, dtype), r.AliasNoGrad(vshape, vstr));
        }
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, "RepeatBackward0", [this], [], g =>
            {
                var split = new long[2 * n];
                var sumDims = new long[n];
                for (int i = 0; i < n; i++)
                {
                    split[2 * i] = repeats[i];
                    split[2 * i + 1] = padded[i];
                    sumDims[i] = 2 * i;
                }
                return [g.Grad.Reshape(split).Sum(sumDims).Reshape(inShape)];
            });
        }
        return r;
    }

    /// <summary>
    /// <see cref="Repeat"/> with <paramref name="dims"/> padded by leading ones when shorter than the tensor's rank
    /// (<c>x.tile(dims)</c>).
    /// </summary>
    public Tensor Tile(params long[] dims)
    {
        if (dims.Length >= Dim()) return Repeat(dims);
        var r = new long[Dim()];
        Array.Fill(r, 1L);
        dims.CopyTo(r, Dim() - dims.Length);
        return Repeat(r);
    }

    /// <summary>
    /// Each element (or slice along <paramref name="dim"/>) repeated <paramref name="repeats"/> times in place; without a
    /// dim the tensor is flattened first (<c>x.repeat_interleave(repeats, dim=None, output_size=None)</c>).
    /// </summary>
    public Tensor RepeatInterleave(long repeats, long? dim = null, long? outputSize = null)
    {
        if (repeats < 0) throw new ArgumentException("repeats can not be negative");
        var input = dim is null ? Flatten() : this;
        int d = dim is { } dd ? Shapes.WrapDim(dd, Dim()) : 0;
        long n = input.Dim() == 0 ? 1 : input.shape[d];
        var counts = new long[n];
        Array.Fill(counts, repeats);
        return input.IndexSelect(d, ShapingOps.InterleaveIndices(counts, outputSize));
    }

    /// <summary>
    /// Slice i along <paramref name="dim"/> repeated <paramref name="repeats"/>[i] times (a 1-element tensor repeats
    /// all alike) (<c>x.repeat_interleave(repeats_tensor, dim=None, output_size=None)</c>).
    /// </summary>
    public Tensor RepeatInterleave(Tensor repeats, long? dim = null, long? outputSize = null)
    {
        var input = dim is null ? Flatten() : this;
        int d = dim is { } dd ? Shapes.WrapDim(dd, Dim()) : 0;
        long n = input.Dim() == 0 ? 1 : input.shape[d];
        var counts = ShapingOps.RepeatCounts(repeats);
        if (counts.Length == 1 && n != 1)
        {
            var c = counts[0];
            counts = new long[n];
            Array.Fill(counts, c);
        }
        else if (counts.Length != n) throw new ArgumentException("repeats must have the same size as input along dim");
        return input.IndexSelect(d, ShapingOps.InterleaveIndices(counts, outputSize));
    }

    /// <summary>A copy with the order of elements reversed along each of <paramref name="dims"/> (<c>x.flip(dims)</c>).</summary>
    public Tensor Flip(params long[] dims)
    {
        var ds = Shapes.WrapDims(dims, Dim());
        var r = ShapingOps.FlipCopy(this, ds);
        if (Graph.Needs(this)) Graph.Record(r, "FlipBackward0", [this], [], n => [n.Grad.Flip(dims)]);
        return r;
    }

    /// <summary>Reverses dim 1 (<c>x.fliplr()</c>); needs at least 2 dims.</summary>
    public Tensor Fliplr()
    {
        if (Dim() < 2) throw new ArgumentException("Input must be >= 2-d.");
        return Flip(1);
    }

    /// <summary>Reverses dim 0 (<c>x.flipud()</c>); needs at least 1 dim.</summary>
    public Tensor Flipud()
    {
        if (Dim() < 1) throw new ArgumentException("Input must be >= 1-d.");
        return Flip(0);
    }

    /// <summary>
    /// Rolls elements by <paramref name="shifts"/> along <paramref name="dim"/>, wrapping around; without a dim the
    /// flattened tensor is rolled and the shape restored (<c>x.roll(shifts, dims=None)</c>).
    /// </summary>
    public Tensor Roll(long shifts, long? dim = null) => Roll([shifts], dim is { } d ? [d] : []);

    /// <summary>Rolls along several dims at once (<c>x.roll(shifts, dims)</c>).</summary>
    public Tensor Roll(long[] shifts, long[]? dims = null)
    {
        dims ??= [];
        if (shifts.Length == 0) throw new ArgumentException("`shifts` required");
        if (!(dims.Length == 0 && shifts.Length == 1) && shifts.Length != dims.Length)
            throw new ArgumentException($"shifts and dimensions must align. shifts: {shifts.Length}, dims:{dims.Length}");
        Tensor r;
        if (dims.Length == 0)
        {
            var flat = IsContiguous() ? AliasNoGrad([Numel()]) : IndexOps.DenseCopy(this, contiguous: true).AliasNoGrad([Numel()]);
            r = ShapingOps.RollCopy(flat, 0, shifts[0]).AliasNoGrad((long[])shape.Clone());
        }
        else
        {
            r = this;
            for (int i = 0; i < dims.Length; i++) r = ShapingOps.RollCopy(r, Shapes.WrapDim(dims[i], Dim()), shifts[i]);
            if (ReferenceEquals(r, this)) r = IndexOps.DenseCopy(this);
        }
        if (Graph.Needs(this))
        {
            var back = Array.ConvertAll(shifts, s => -s);
            Graph.Record(r, "RollBackward0", [this], [], n => [n.Grad.Roll(back, dims)]);
        }
        return r;
    }

    /// <summary>
    /// Rotates by 90° <paramref name="k"/> times in the plane of <paramref name="dims"/> (default [0, 1]), from the
    /// first dim towards the second (<c>x.rot90(k=1, dims=[0, 1])</c>).
    /// </summary>
    public Tensor Rot90(long k = 1, long[]? dims = null)
    {
        dims ??= [0, 1];
        int nd = Dim();
        if (dims.Length != 2) throw new ArgumentException($"expected total rotation dims == 2, but got dims = {dims.Length}");
        if (nd < 2) throw new ArgumentException($"expected total dims >= 2, but got total dims = {nd}");
        if (dims[0] == dims[1] || Math.Abs(dims[0] - dims[1]) == nd)
            throw new ArgumentException($"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}");
        if (dims[0] >= nd || dims[0] < -nd) throw new ArgumentException($"Rotation dim0 out of range, dim0 = {dims[0]}");
        if (dims[1] >= nd || dims[1] < -nd) throw new ArgumentException($"Rotation dim1 out of range, dim1 = {dims[1]}");
        int d0 = Shapes.WrapDim(dims[0], nd), d1 = Shapes.WrapDim(dims[1], nd);
        Tensor r = (((k % 4) + 4) % 4) switch
        {
            1 => ShapingOps.Swapped(ShapingOps.FlipCopy(this, [d1]), d0, d1),
            2 => ShapingOps.FlipCopy(this, [d0, d1]),
            3 => ShapingOps.Swapped(ShapingOps.FlipCopy(this, [d0]), d0, d1),
            _ => IndexOps.DenseCopy(this, contiguous: true),
        };
        if (Graph.Needs(this)) Graph.Record(r, "Rot90Backward0", [this], [], n => [n.Grad.Rot90(-k, dims)]);
        return r;
    }

    /// <summary>The lower triangle of the last two dims, the rest zeroed (<c>x.tril(diagonal=0)</c>).</summary>
    public Tensor Tril(long diagonal = 0) => Triangle(diagonal, upper: false);

    /// <summary>The upper triangle of the last two dims, the rest zeroed (<c>x.triu(diagonal=0)</c>).</summary>
    public Tensor Triu(long diagonal = 0) => Triangle(diagonal, upper: true);

    /// <summary>In-place <see cref="Tril"/> (<c>x.tril_(diagonal=0)</c>).</summary>
    public Tensor Tril_(long diagonal = 0)
    {
        Shapes.WrapDim(-2, Dim());
        return InPlace.Apply(this, s => s.Tril(diagonal), self => self.Backend.Triangle(self, self, diagonal, false));
    }

    /// <summary>In-place <see cref="Triu"/> (<c>x.triu_(diagonal=0)</c>).</summary>
    public Tensor Triu_(long diagonal = 0)
    {
        Shapes.WrapDim(-2, Dim());
        return InPlace.Apply(this, s => s.Triu(diagonal), self => self.Backend.Triangle(self, self, diagonal, true));
    }

    private Tensor Triangle(long diagonal, bool upper)
    {
        Shapes.WrapDim(-2, Dim());
        var r = EmptyLikeDense();
        r.Backend.Triangle(this, r, diagonal, upper);
        if (Graph.Needs(this))
            Graph.Record(r, upper ? "TriuBackward0" : "TrilBackward0", [this], [],
                n => [upper ? n.Grad.Triu(diagonal) : n.Grad.Tril(diagonal)]);
        return r;
    }

    /// <summary>
    /// From a vector, the square matrix with it on diagonal <paramref name="diagonal"/>; from a matrix, that diagonal
    /// as a vector (copied) (<c>x.diag(diagonal=0)</c>).
    /// </summary>
    public Tensor Diag(long diagonal = 0)
    {
        Tensor r;
        if (Dim() == 1)
        {
            long size = shape[0] + Math.Abs(diagonal);
            r = Torch.Zeros([size, size], dtype, Device);
            r.Backend.Copy(this, ShapingOps.DiagonalView(r, diagonal, 0, 1));
        }
        else if (Dim() == 2) r = IndexOps.DenseCopy(ShapingOps.DiagonalView(this, diagonal, 0, 1));
        else throw new ArgumentException("matrix or a vector expected");
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, "DiagBackward0", [this], [], n => [inShape.Length == 1
                ? n.Grad.Diagonal(diagonal)
                : ShapingOps.DiagonalScatter(n.Grad, inShape, diagonal, 0, 1)]);
        }
        return r;
    }

    /// <summary>
    /// The diagonal at <paramref name="offset"/> of the planes spanned by <paramref name="dim1"/> and
    /// <paramref name="dim2"/>, as a view whose last dim runs along it (<c>x.diagonal(offset=0, dim1=0, dim2=1)</c>).
    /// </summary>
    public Tensor Diagonal(long offset = 0, long dim1 = 0, long dim2 = 1)
    {
        int d1 = Shapes.WrapDim(dim1, Dim()), d2 = Shapes.WrapDim(dim2, Dim());
        if (d1 == d2) throw new ArgumentException($"diagonal dimensions cannot be identical {dim1}, {dim2}");
        var v = ShapingOps.DiagonalView(this, offset, d1, d2);
        var r = AliasWith(v.shape, v.strides, v.offset);
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, "DiagonalBackward0", [this], [], n => [ShapingOps.DiagonalScatter(n.Grad, inShape, offset, d1, d2)]);
        }
        return r;
    }

    /// <summary>
    /// Tensors whose diagonals (at <paramref name="offset"/>, in the planes of <paramref name="dim1"/> and
    /// <paramref name="dim2"/>) hold the last dim of this one, zeros elsewhere (<c>x.diag_embed(offset=0, dim1=-2, dim2=-1)</c>).
    /// </summary>
    public Tensor DiagEmbed(long offset = 0, long dim1 = -2, long dim2 = -1)
    {
        int nd = Dim() + 1;
        int d1 = Shapes.WrapDim(dim1, nd), d2 = Shapes.WrapDim(dim2, nd);
        if (d1 == d2) throw new ArgumentException($"diagonal dimensions cannot be identical {dim1}, {dim2}");
        long n = Math.Abs(offset) + shape[^1];
        var sizes = shape[..^1].ToList();
        sizes.Insert(Math.Min(d1, d2), n);
        sizes.Insert(Math.Max(d1, d2), n);
        var r = Torch.Zeros(sizes.ToArray(), dtype, Device);
        r.Backend.Copy(this, ShapingOps.DiagonalView(r, offset, d1, d2));
        if (Graph.Needs(this)) Graph.Record(r, "DiagEmbedBackward0", [this], [], g => [g.Grad.Diagonal(offset, d1, d2)]);
        return r;
    }

    /// <summary>
    /// A view of all windows of <paramref name="size"/> elements, <paramref name="step"/> apart, along
    /// <paramref name="dimension"/>; the window runs along a new last dim (<c>x.unfold(dimension, size, step)</c>).
    /// </summary>
    public Tensor Unfold(long dimension, long size, long step)
    {
        int d = Shapes.WrapDim(dimension, Dim());
        long max = Dim() == 0 ? 1 : shape[d];
        if (size > max) throw new ArgumentException($"maximum size for tensor at dimension {d} is {max} but size is {size}");
        if (size < 0) throw new ArgumentException($"size is {size} but must be >= 0");
        if (step <= 0) throw new ArgumentException($"step is {step} but must be > 0");
        long[] sh, st;
        if (Dim() == 0)
        {
            sh = [size];
            st = [1];
        }
        else
        {
            sh = [.. shape, size];
            st = [.. strides, strides[d]];
            sh[d] = (max - size) / step + 1;
            st[d] = step * strides[d];
        }
        var r = AliasWith(sh, st, offset);
        if (Graph.Needs(this))
        {
            var inShape = shape;
            Graph.Record(r, "UnfoldBackward0", [this], [], n => [ShapingOps.UnfoldBackward(n.Grad, inShape, d, size, step)]);
        }
        return r;
    }
}

public static partial class Torch
{
    /// <summary><c>torch.flatten(x, start_dim=0, end_dim=-1)</c>.</summary>
    public static Tensor Flatten(Tensor x, long startDim = 0, long endDim = -1) => x.Flatten(startDim, endDim);
    /// <summary><c>torch.unflatten(x, dim, sizes)</c>.</summary>
    public static Tensor Unflatten(Tensor x, long dim, params long[] sizes) => x.Unflatten(dim, sizes);
    /// <summary><c>torch.movedim(x, source, destination)</c>.</summary>
    public static Tensor Movedim(Tensor x, long source, long destination) => x.Movedim(source, destination);
    /// <summary><c>torch.movedim(x, source, destination)</c> with several dims.</summary>
    public static Tensor Movedim(Tensor x, long[] source, long[] destination) => x.Movedim(source, destination);
    /// <summary><c>torch.moveaxis(x, source, destination)</c>.</summary>
    public static Tensor Moveaxis(Tensor x, long source, long destination) => x.Movedim(source, destination);
    /// <summary><c>torch.moveaxis(x, source, destination)</c> with several dims.</summary>
    public static Tensor Moveaxis(Tensor x, long[] source, long[] destination) => x.Movedim(source, destination);
    /// <summary><c>torch.swapdims(x, dim0, dim1)</c>.</summary>
    public static Tensor Swapdims(Tensor x, long dim0, long dim1) => x.Transpose(dim0, dim1);
    /// <summary><c>torch.tile(x, dims)</c>.</summary>
    public static Tensor Tile(Tensor x, params long[] dims) => x.Tile(dims);
    /// <summary><c>torch.repeat_interleave(x, repeats, dim=None, output_size=None)</c>.</summary>
    public static Tensor RepeatInterleave(Tensor x, long repeats, long? dim = null, long? outputSize = null) =>
        x.RepeatInterleave(repeats, dim, outputSize);
    /// <summary><c>torch.repeat_interleave(x, repeats_tensor, dim=None, output_size=None)</c>.</summary>
    public static Tensor RepeatInterleave(Tensor x, Tensor repeats, long? dim = null, long? outputSize = null) =>
        x.RepeatInterleave(repeats, dim, outputSize);

    /// <summary>
    /// <c>torch.repeat_interleave(repeats)</c>: index i repeated <paramref name="repeats"/>[i] times, as int64, e.g.
    /// [2, 1] gives [0, 0, 1].
    /// </summary>
    public static Tensor RepeatInterleave(Tensor repeats, long? outputSize = null) =>
        ShapingOps.InterleaveIndices(ShapingOps.RepeatCounts(repeats), outputSize);

    /// <summary><c>torch.flip(x, dims)</c>.</summary>
    public static Tensor Flip(Tensor x, params long[] dims) => x.Flip(dims);
    /// <summary><c>torch.fliplr(x)</c>.</summary>
    public static Tensor Fliplr(Tensor x) => x.Fliplr();
    /// <summary><c>torch.flipud(x)</c>.</summary>
    public static Tensor Flipud(Tensor x) => x.Flipud();
    /// <summary><c>torch.roll(x, shifts, dims=None)</c>.</summary>
    public static Tensor Roll(Tensor x, long shifts, long? dim = null) => x.Roll(shifts, dim);
    /// <summary><c>torch.roll(x, shifts, dims)</c> along several dims.</summary>
    public static Tensor Roll(Tensor x, long[] shifts, long[]? dims = null) => x.Roll(shifts, dims);
    /// <summary><c>torch.rot90(x, k=1, dims=[0, 1])</c>.</summary>
    public static Tensor Rot90(Tensor x, long k = 1, long[]? dims = null) => x.Rot90(k, dims);
    /// <summary><c>torch.tril(x, diagonal=0)</c>.</summary>
    public static Tensor Tril(Tensor x, long diagonal = 0) => x.Tril(diagonal);
    /// <summary><c>torch.triu(x, diagonal=0)</c>.</summary>
    public static Tensor Triu(Tensor x, long diagonal = 0) => x.Triu(diagonal);
    /// <summary><c>torch.diag(x, diagonal=0)</c>.</summary>
    public static Tensor Diag(Tensor x, long diagonal = 0) => x.Diag(diagonal);
    /// <summary><c>torch.diagonal(x, offset=0, dim1=0, dim2=1)</c>.</summary>
    public static Tensor Diagonal(Tensor x, long offset = 0, long dim1 = 0, long dim2 = 1) => x.Diagonal(offset, dim1, dim2);
    /// <summary><c>torch.diag_embed(x, offset=0, dim1=-2, dim2=-1)</c>.</summary>
    public static Tensor DiagEmbed(Tensor x, long offset = 0, long dim1 = -2, long dim2 = -1) => x.DiagEmbed(offset, dim1, dim2);
}
