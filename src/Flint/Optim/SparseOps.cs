namespace Flint.Optim;

/// <summary>Row-sparse gradient helpers shared by the optimizers that accept sparse gradients.</summary>
internal static class SparseOps
{
    /// <summary><c>dense.add_(sparse, alpha)</c>: adds each stored row, scaled, into its row of <paramref name="dense"/>.</summary>
    public static void AddRows_(Tensor dense, Tensor sparse, double alpha)
    {
        var s = sparse.sparse!;
        dense.IndexAdd_(0, s.Indices.Reshape(-1), s.Values, alpha);
    }

    /// <summary>The rows <paramref name="rows"/> of <paramref name="dense"/> (<c>dense.sparse_mask(s)._values()</c>).</summary>
    public static Tensor GatherRows(Tensor dense, Tensor rows) => dense.IndexSelect(0, rows);

    /// <summary>Adds <paramref name="values"/>, scaled, into the rows <paramref name="rows"/> of <paramref name="dense"/>.</summary>
    public static void AddToRows_(Tensor dense, Tensor rows, Tensor values, double alpha = 1) => dense.IndexAdd_(0, rows, values, alpha);

    /// <summary><c>-grad</c> for a dense or a sparse gradient (a sparse one negates its values).</summary>
    public static Tensor Neg(Tensor grad) => grad.IsSparse
        ? Tensor.MakeSparse(grad.sparse!.Indices, grad.sparse.Values.Neg(), grad.shape, grad.sparse.Coalesced)
        : grad.Neg();
}
