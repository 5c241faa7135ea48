namespace Flint.Optim;

/// <summary>Row-sparse gradient helpers shared by the optimizers that accept sparse gradients.</summary>
internal static class SparseOps
{
    /// <summary><c>dense.add_(sparse, alpha)</c>: adds each stored row, scaled, into its row of <paramref name="dense"/>.</summary>
    public static void AddRows_(Tensor dense, Tensor sparse, double alpha)
    {
        var s = sparse.sparse!;
        var idx = s.Indices.Contiguous().ToArray<long>();
        for (int k = 0; k < idx.Length; k++) dense.Select(0, idx[k]).Add_(s.Values.Select(0, k), alpha);
    }

    /// <summary>The rows of <paramref name="dense"/> named by a coalesced sparse tensor's indices (<c>dense.sparse_mask(s)._values()</c>).</summary>
    public static Tensor GatherRows(Tensor dense, long[] rows)
    {
        var shape = (long[])dense.shape.Clone();
        shape[0] = rows.Length;
        var r = Torch.Empty(shape, dense.DType, dense.Device);
        for (int k = 0; k < rows.Length; k++) r.Select(0, k).Copy_(dense.Select(0, rows[k]));
        return r;
    }

    /// <summary>Adds <paramref name="values"/> row by row into the rows <paramref name="rows"/> of <paramref name="dense"/>.</summary>
    public static void AddToRows_(Tensor dense, long[] rows, Tensor values)
    {
        for (int k = 0; k < rows.Length; k++) dense.Select(0, rows[k]).Add_(values.Select(0, k));
    }
}
