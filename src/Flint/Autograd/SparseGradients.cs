namespace Flint.Autograd;

/// <summary>
/// How the backward engine adds gradients when one of them is a row-sparse COO tensor (the gradient of
/// <c>Embedding(sparse: true)</c>), as PyTorch's InputBuffer and AccumulateGrad do: sparse + sparse concatenates the
/// stored rows (uncoalesced), sparse + dense gives a dense tensor with the rows added in.
/// </summary>
internal static class SparseGradients
{
    /// <summary>a + b where at least one is sparse, out of place.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        if (a.IsSparse && b.IsSparse) return Concat(a, b);
        var (dense, sparse) = a.IsSparse ? (b, a) : (a, b);
        var s = sparse.sparse!;
        return dense.IndexAdd(0, s.Indices.Reshape(-1), s.Values);
    }

    /// <summary>
    /// Accumulates <paramref name="g"/> into the leaf gradient <paramref name="old"/> without history, in place where
    /// PyTorch does (dense += sparse, sparse += sparse); returns the tensor that is now the gradient.
    /// </summary>
    public static Tensor AccumulateInPlace(Tensor old, Tensor g)
    {
        if (!old.IsSparse)
        {
            var s = g.sparse!;
            old.IndexAdd_(0, s.Indices.Reshape(-1), s.Values);
            return old;
        }
        if (!g.IsSparse) return Add(g, old);
        old.sparse = Concat(old, g).sparse;
        old.BumpVersion();
        return old;
    }

    /// <summary>An owned copy of an incoming gradient (dense or sparse) for a leaf's <c>.grad</c>.</summary>
    public static Tensor Own(Tensor g) => g.IsSparse ? g.SparseClone() : g.Detach().Clone();

    private static Tensor Concat(Tensor a, Tensor b)
    {
        SparseRows sa = a.sparse!, sb = b.sparse!;
        return Tensor.MakeSparse(Torch.Cat([sa.Indices, sb.Indices], 1), Torch.Cat([sa.Values, sb.Values.To(sa.Values.DType)], 0),
            a.shape, coalesced: false);
    }
}
