using Flint.Autograd;
using Flint.Backends;
using Flint.Ops;

namespace Flint;

/// <summary>
/// C# subscripts with Python's meaning (<c>x[.., 0]</c>, <c>x[1..3]</c>, <c>x[^1]</c>, <c>x[Ellipsis, NewAxis]</c>,
/// <c>x[mask]</c>, <c>x[idx] = v</c>), advanced indexing (<c>index</c>, <c>index_put</c>) and the implicit conversion of
/// numbers to tensors that lets a subscript be assigned a number.
/// </summary>
public partial class Tensor
{
    // Set on zero-dim tensors made from a C# number: type promotion treats them as Python scalars.
    internal bool wrappedNumber;

    /// <summary>
    /// Python's subscript <c>x[i, j:k, ..., None, mask, idx]</c> (<c>__getitem__</c>/<c>__setitem__</c>). Reading gives a
    /// view sharing memory whenever PyTorch gives one (integers, slices, <c>...</c>, <c>None</c>) and a copy with
    /// tensor indices (advanced indexing, PyTorch's dim placement rules). Assigning a tensor (broadcast) or a number
    /// writes through, as <c>copy_</c> or <c>index_put_</c>; both are recorded by autograd.
    /// </summary>
    [System.Runtime.CompilerServices.IndexerName("Subscript")]
    public Tensor this[params TensorIndex[] indices]
    {
        get => Indexing.Get(this, indices);
        set => Indexing.Set(this, indices, value);
    }

    /// <summary>
    /// A copy with <paramref name="values"/> written (or added, with <paramref name="accumulate"/>) at the positions the
    /// index tensors name, as <c>x[indices] = values</c> (<c>x.index_put(indices, values, accumulate=False)</c>). A null
    /// entry stands for a full slice <c>:</c>.
    /// </summary>
    public Tensor IndexPut(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        var v = Indexing.ValuesFor(this, values);
        var r = IndexOps.DenseCopy(this);
        AdvancedIndex.Put(r, indices, v, accumulate);
        if (Graph.Needs(this, v))
        {
            var saved = (Tensor?[])indices.Clone();
            var valuesShape = v.shape;
            Graph.Record(r, "IndexPutBackward0", [this, v], saved, n =>
            {
                var idx = Indexing.Unpack(n, saved.Length);
                var g = n.Grad;
                return [n.NeedsInputGrad(0) ? (accumulate ? g : g.IndexPut(idx, Torch.Zeros(valuesShape, g.dtype, g.Device))) : null,
                        n.NeedsInputGrad(1) ? g.IndexWith(idx) : null];
            });
        }
        return r;
    }

    /// <summary>In-place <see cref="IndexPut"/> (<c>x.index_put_(indices, values, accumulate=False)</c>).</summary>
    public Tensor IndexPut_(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        var v = Indexing.ValuesFor(this, values);
        return InPlace.Apply(this, s => s.IndexPut(indices, v, accumulate), self => AdvancedIndex.Put(self, indices, v, accumulate), v);
    }

    /// <summary>Advanced indexing with tensors (ATen's <c>index</c>); null entries are full slices.</summary>
    internal Tensor IndexWith(Tensor?[] indices)
    {
        var r = AdvancedIndex.Gather(this, indices);
        if (Graph.Needs(this))
        {
            var saved = (Tensor?[])indices.Clone();
            var inShape = shape;
            Graph.Record(r, "IndexBackward0", [this], saved, n =>
                [Torch.Zeros(inShape, n.Grad.dtype, n.Grad.Device).IndexPut(Indexing.Unpack(n, saved.Length), n.Grad, accumulate: true)]);
        }
        return r;
    }

    /// <summary>A view of the whole tensor (<c>x.alias()</c>, what <c>x[...]</c> returns).</summary>
    internal Tensor Alias()
    {
        var r = AliasWith((long[])shape.Clone(), (long[])strides.Clone(), offset);
        if (Graph.Needs(this)) Graph.Record(r, "AliasBackward0", [this], [], n => [n.Grad]);
        return r;
    }

    /// <summary>A zero-dim float64 tensor holding a C# number, treated as a Python scalar by type promotion.</summary>
    public static implicit operator Tensor(double value) => Indexing.Wrapped(value, DType.Float64);

    /// <summary>A zero-dim tensor holding a C# number, treated as a Python scalar by type promotion.</summary>
    public static implicit operator Tensor(float value) => Indexing.Wrapped(value, DType.Float64);

    /// <summary>A zero-dim int64 tensor holding a C# number, treated as a Python scalar by type promotion.</summary>
    public static implicit operator Tensor(long value) => Indexing.Wrapped(value, DType.Int64);

    /// <summary>A zero-dim int64 tensor holding a C# number, treated as a Python scalar by type promotion.</summary>
    public static implicit operator Tensor(int value) => Indexing.Wrapped(value, DType.Int64);

    /// <summary>A zero-dim bool tensor holding a C# bool, treated as a Python scalar by type promotion.</summary>
    public static implicit operator Tensor(bool value) => Indexing.Wrapped(value, DType.Bool);

    /// <summary>A zero-dim tensor holding a <see cref="Scalar"/> (float64, int64 or bool by its kind).</summary>
    public static implicit operator Tensor(Scalar value) =>
        Indexing.Wrapped(value, value.IsFloatingPoint ? DType.Float64 : value.IsIntegral ? DType.Int64 : DType.Bool);
}

public static partial class Torch
{
    /// <summary><c>torch.index_put(input, indices, values, accumulate=False)</c>.</summary>
    public static Tensor IndexPut(Tensor input, Tensor?[] indices, Tensor values, bool accumulate = false) =>
        input.IndexPut(indices, values, accumulate);
}
