namespace Flint;

/// <summary>
/// Row-sparse COO tensors (<c>torch.sparse_coo_tensor</c> with one sparse dim): the gradient layout that
/// <c>Embedding(sparse: true)</c> produces and <c>SparseAdam</c>, <c>Adagrad</c> and <c>SGD</c> consume. Such a tensor
/// has the dense shape <c>size</c>, int64 <c>indices</c> of shape <c>[1, nnz]</c> naming rows of dim 0 (duplicates
/// allowed until <see cref="Coalesce"/>), and <c>values</c> of shape <c>[nnz, size[1], ...]</c> holding those rows. It
/// has no dense storage: dense ops on it fail rather than read memory.
/// </summary>
/// <remarks>
/// What <c>Embedding(numEmbeddings, dim, sparse: true)</c> must produce, as PyTorch's <c>embedding_backward</c> does:
/// the weight's gradient is <c>Torch.SparseCooTensor(indices, values, weight.Shape)</c>, uncoalesced, where
/// <c>indices</c> is the input's indices flattened in order to shape <c>[1, n]</c> (repeats kept; positions equal to
/// <c>padding_idx</c> dropped) and <c>values</c> is the output gradient reshaped to <c>[n, dim]</c> in the weight's
/// dtype (rows of dropped positions removed with them). Accumulating a second sparse gradient into an existing sparse
/// <c>.Grad</c> concatenates indices and values (PyTorch's sparse + sparse, still uncoalesced); the autograd engine's
/// AccumulateGrad needs that case, and <c>ZeroGrad(setToNone: false)</c> empties a sparse gradient.
/// </remarks>
public partial class Tensor
{
    internal SparseRows? sparse;

    /// <summary>True for a sparse COO tensor (<c>x.is_sparse</c>).</summary>
    public bool IsSparse => sparse is not null;

    /// <summary>The number of sparse dims, 1 for row-sparse tensors (<c>x.sparse_dim()</c>); 0 for dense tensors.</summary>
    public long SparseDim() => sparse is null ? 0 : 1;

    /// <summary>The number of dense dims of the values (<c>x.dense_dim()</c>): <c>ndim - sparse_dim</c>.</summary>
    public long DenseDim() => sparse is null ? shape.Length : shape.Length - 1;

    /// <summary>The number of stored rows, duplicates included (<c>x._nnz()</c>).</summary>
    public long Nnz() => RequireSparse("_nnz").Indices.shape[1];

    /// <summary>True if indices are sorted and unique (<c>x.is_coalesced()</c>).</summary>
    public bool IsCoalesced() => RequireSparse("is_coalesced").Coalesced;

    /// <summary>The row indices, shape <c>[1, nnz]</c>, of a coalesced sparse tensor (<c>x.indices()</c>).</summary>
    public Tensor Indices()
    {
        var s = RequireSparse("indices");
        if (!s.Coalesced) throw new InvalidOperationException("Cannot get indices on an uncoalesced tensor, please call .coalesce() first");
        return s.Indices;
    }

    /// <summary>The stored rows, shape <c>[nnz, ...]</c>, of a coalesced sparse tensor (<c>x.values()</c>).</summary>
    public Tensor Values()
    {
        var s = RequireSparse("values");
        if (!s.Coalesced) throw new InvalidOperationException("Cannot get values on an uncoalesced tensor, please call .coalesce() first");
        return s.Values;
    }

    /// <summary>
    /// The same sparse tensor with sorted, unique indices, duplicate rows summed (<c>x.coalesce()</c>); returns this
    /// tensor if already coalesced.
    /// </summary>
    public Tensor Coalesce()
    {
        var s = RequireSparse("coalesce");
        if (s.Coalesced) return this;
        var idx = s.Indices.Contiguous().ToArray<long>();
        // Sorted unique rows; each stored row is summed into its slot, duplicates in their original order.
        var unique = idx.Distinct().Order().ToArray();
        var slot = new long[idx.Length];
        for (int k = 0; k < idx.Length; k++) slot[k] = Array.BinarySearch(unique, idx[k]);
        var valShape = (long[])s.Values.shape.Clone();
        valShape[0] = unique.Length;
        Tensor values;
        using (Torch.NoGrad())
            values = Torch.Zeros(valShape, s.Values.dtype, s.Values.Device)
                .IndexAdd_(0, Torch.FromArray(slot, slot.Length).To(s.Values.Device), s.Values);
        var indices = Torch.FromArray(unique, 1, unique.Length).To(s.Indices.Device);
        return MakeSparse(indices, values, shape, coalesced: true);
    }

    /// <summary>The dense tensor this sparse tensor stands for, duplicate rows summed (<c>x.to_dense()</c>).</summary>
    public Tensor ToDense()
    {
        var s = RequireSparse("to_dense");
        var dense = Torch.Zeros(shape, s.Values.dtype, s.Values.Device);
        using (Torch.NoGrad()) dense.IndexAdd_(0, s.Indices.Reshape(-1), s.Values);
        return dense;
    }

    /// <summary>Empties a sparse tensor in place (its <c>zero_()</c>): no stored rows.</summary>
    internal void SparseZero_()
    {
        var s = RequireSparse("zero_");
        var valShape = (long[])s.Values.shape.Clone();
        valShape[0] = 0;
        sparse = new SparseRows(Torch.Zeros([1, 0], DType.Int64, s.Indices.Device), Allocate(valShape, s.Values.dtype, s.Values.Device), true);
        BumpVersion();
    }

    /// <summary>A copy of a sparse tensor with its own indices and values.</summary>
    internal Tensor SparseClone()
    {
        var s = RequireSparse("clone");
        using (Torch.NoGrad())
            return MakeSparse(s.Indices.Clone(), s.Values.Detach().Clone(), shape, s.Coalesced);
    }

    private SparseRows RequireSparse(string op) =>
        sparse ?? throw new InvalidOperationException($"{op} expected a sparse COO tensor, but got a dense (strided) one");

    internal static Tensor MakeSparse(Tensor indices, Tensor values, long[] size, bool coalesced) =>
        new(new SparseStorage(values.Device), (long[])size.Clone(), Shapes.ContiguousStrides(size), 0, values.dtype)
        {
            sparse = new SparseRows(indices, values, coalesced),
        };
}

public static partial class Torch
{
    /// <summary>
    /// A row-sparse COO tensor of dense shape <paramref name="size"/> whose rows <paramref name="indices"/> (int64,
    /// shape <c>[1, nnz]</c>) hold <paramref name="values"/> (shape <c>[nnz, size[1], ...]</c>)
    /// (<c>torch.sparse_coo_tensor(indices, values, size)</c> with one sparse dim). Indices may repeat; repeated rows add.
    /// </summary>
    public static Tensor SparseCooTensor(Tensor indices, Tensor values, Size size)
    {
        var dims = size.ToArray();
        if (indices.Dim() != 2)
            throw new ArgumentException($"indices must be sparse_dim x nnz, but got: {Shapes.Format(indices.shape)}");
        if (indices.DType != DType.Int64)
            throw new ArgumentException($"indices must be an int64 tensor");
        if (indices.shape[0] != 1)
            throw new ArgumentException(
                $"only row-sparse COO tensors (sparse_dim 1) are supported, but indices have sparse_dim {indices.shape[0]}");
        if (dims.Length < 1) throw new ArgumentException("a sparse COO tensor needs at least one dim");
        long nnz = indices.shape[1];
        var expect = new long[dims.Length];
        expect[0] = nnz;
        Array.Copy(dims, 1, expect, 1, dims.Length - 1);
        if (!values.shape.AsSpan().SequenceEqual(expect))
            throw new ArgumentException(
                $"values has incorrect size, expected {Shapes.Format(expect)}, got {Shapes.Format(values.shape)}");
        foreach (var i in indices.Contiguous().ToArray<long>())
        {
            if (i < 0) throw new ArgumentException($"found negative index {i} for dim 0");
            if (i >= dims[0]) throw new ArgumentException($"size is inconsistent with indices: for dim 0, size is {dims[0]} but found index {i}");
        }
        return Flint.Tensor.MakeSparse(indices, values, dims, coalesced: false);
    }
}

/// <summary>The parts of a row-sparse COO tensor.</summary>
internal sealed record SparseRows(Tensor Indices, Tensor Values, bool Coalesced);

/// <summary>Stands in for the storage of a sparse tensor, which has none: any dense access fails loudly.</summary>
internal sealed class SparseStorage(Device device) : Storage(0)
{
    public override Device Device => device;

    public override void CopyToHost(long byteOffset, Span<byte> destination) =>
        throw new InvalidOperationException("Cannot access storage of SparseTensorImpl");

    public override void CopyFromHost(ReadOnlySpan<byte> source, long byteOffset) =>
        throw new InvalidOperationException("Cannot access storage of SparseTensorImpl");
}
