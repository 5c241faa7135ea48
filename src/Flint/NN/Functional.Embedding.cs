using Flint.Autograd;
using Flint.Ops;

namespace Flint.NN;

public static partial class Functional
{
    // Wraps a negative padding index as Embedding does; null stays null.
    internal static long? WrapPaddingIdx(long? paddingIdx, long numEmbeddings, string what)
    {
        if (paddingIdx is not { } p) return null;
        if (p > 0 && p >= numEmbeddings) throw new ArgumentException($"{what} must be within num_embeddings");
        if (p < 0)
        {
            if (p < -numEmbeddings) throw new ArgumentException($"{what} must be within num_embeddings");
            p += numEmbeddings;
        }
        return p;
    }

    private static void CheckIndices(Tensor indices, string op)
    {
        if (indices.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; " +
                                        $"but got {indices.DType.TensorTypeName()} instead (while checking arguments for {op})");
    }

    /// <summary>
    /// Rescales, in place and without history, each row of <paramref name="weight"/> named in <paramref name="indices"/>
    /// whose p-norm exceeds <paramref name="maxNorm"/> to that norm (<c>torch.embedding_renorm_</c>): the row is
    /// multiplied by max_norm / (norm + 1e-7).
    /// </summary>
    public static Tensor EmbeddingRenorm_(Tensor weight, Tensor indices, double maxNorm, double normType)
    {
        using (Torch.NoGrad())
        {
            var rows = indices.Contiguous().ToArray<long>().Distinct().Order();
            foreach (var i in rows)
            {
                var row = weight.Select(0, i);
                var norm = row.Norm(normType).Item<double>();
                if (norm > maxNorm) row.Mul_(maxNorm / (norm + 1e-7));
            }
        }
        return weight;
    }

    /// <summary>
    /// Looks up rows of <paramref name="weight"/> (<c>F.embedding(input, weight, padding_idx, max_norm, norm_type,
    /// scale_grad_by_freq, sparse)</c>): the result has the input's shape plus the embedding dim. The row
    /// <paramref name="paddingIdx"/> gets no gradient; <paramref name="maxNorm"/> renormalises the looked-up rows of the
    /// weight in place first; <paramref name="scaleGradByFreq"/> divides each row's gradient by its count in the batch;
    /// <paramref name="sparse"/> makes the weight's gradient a row-sparse COO tensor.
    /// </summary>
    public static Tensor Embedding(Tensor input, Tensor weight, long? paddingIdx = null, double? maxNorm = null, double normType = 2.0,
        bool scaleGradByFreq = false, bool sparse = false)
    {
        var pad = WrapPaddingIdx(paddingIdx, weight.Size(0), "Padding_idx") ?? -1;
        if (weight.Dim() != 2) throw new ArgumentException("'weight' must be 2-D");
        CheckIndices(input, "embedding");
        if (maxNorm is { } mn)
        {
            input = input.Contiguous();
            EmbeddingRenorm_(weight, input, mn, normType);
        }
        var flat = input.Reshape(-1);
        Tensor rows;
        using (Torch.NoGrad()) rows = weight.IndexSelect(0, flat);
        var r = rows.View([.. input.shape, weight.Size(1)]);
        long numWeights = weight.Size(0);
        if (Graph.Needs(weight))
            Graph.Record(r, "EmbeddingBackward0", [weight], [flat], n =>
                [sparse
                    ? EmbeddingSparseBackward(n.Grad, n.Saved(0), numWeights, pad, scaleGradByFreq)
                    : EmbeddingDenseBackward(n.Grad, n.Saved(0), numWeights, pad, scaleGradByFreq)]);
        return r;
    }

    // grad_weight[i] = Σ over positions looking up row i (except padding_idx) of the output gradient, each divided by the
    // row's count when scale_grad_by_freq; written in differentiable ops (index_add into zeros).
    private static Tensor EmbeddingDenseBackward(Tensor grad, Tensor indices, long numWeights, long paddingIdx, bool scaleGradByFreq)
    {
        var d = grad.Size(-1);
        var idx = indices.To(DType.Int64);
        var g = grad.Reshape(-1, d);
        if (paddingIdx >= 0) g = Torch.Where(idx.Ne(paddingIdx).Unsqueeze(1), g, 0.0);
        if (scaleGradByFreq) g = g.Div(IndexCounts(idx, numWeights, g.DType).IndexSelect(0, idx).Unsqueeze(1));
        return Torch.Zeros([numWeights, d], dtype: grad.DType, device: grad.Device).IndexAdd(0, idx, g);
    }

    private static Tensor IndexCounts(Tensor idx, long numWeights, DType dtype)
    {
        using (Torch.NoGrad())
            return Torch.Zeros([numWeights], dtype: dtype, device: idx.Device)
                .IndexAdd_(0, idx, Torch.Ones([idx.Numel()], dtype: dtype, device: idx.Device));
    }

    /// <summary>
    /// PyTorch's embedding_sparse_backward: the output gradient rows, with padding rows removed, as a row-sparse COO
    /// tensor of the weight's shape (uncoalesced: a row looked up twice appears twice).
    /// </summary>
    private static Tensor EmbeddingSparseBackward(Tensor grad, Tensor indices, long numWeights, long paddingIdx, bool scaleGradByFreq)
    {
        if (scaleGradByFreq)
            throw new InvalidOperationException("embedding_backward: scale_grad_by_freq not supported with sparse gradients");
        var d = grad.Size(-1);
        var idx = indices.To(DType.Int64);
        var values = grad.Reshape(-1, d);
        if (paddingIdx >= 0)
        {
            var keep = idx.Ne(paddingIdx);
            idx = idx[keep];
            values = values[keep];
        }
        return Tensor.MakeSparse(idx.Reshape(1, -1), values, [numWeights, d], coalesced: false);
    }

    // ---- embedding_bag ----

    /// <summary>
    /// Sums, averages or takes the elementwise max of bags of embeddings without materialising the lookups
    /// (<c>F.embedding_bag(input, weight, offsets, max_norm, norm_type, scale_grad_by_freq, mode, sparse,
    /// per_sample_weights, include_last_offset, padding_idx)</c>). A 2-D input is a batch of fixed-length bags; a 1-D
    /// input is split into bags at <paramref name="offsets"/>. Entries equal to <paramref name="paddingIdx"/> are left
    /// out (and not counted by "mean"); an empty bag gives zeros. <paramref name="perSampleWeights"/> (mode "sum" only)
    /// weight each looked-up row.
    /// </summary>
    public static Tensor EmbeddingBag(Tensor input, Tensor weight, Tensor? offsets = null, double? maxNorm = null, double normType = 2,
        bool scaleGradByFreq = false, string mode = "mean", bool sparse = false, Tensor? perSampleWeights = null,
        bool includeLastOffset = false, long? paddingIdx = null)
    {
        if (perSampleWeights is not null && !input.shape.AsSpan().SequenceEqual(perSampleWeights.shape))
            throw new ArgumentException($"embedding_bag: If per_sample_weights ({perSampleWeights.Shape}) is not None, then it must have the same " +
                                        $"shape as the input ({input.Shape})");
        if (input.Dim() == 2)
        {
            if (offsets is not null)
                throw new ArgumentException("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length " +
                                            "sequences. However, found offsets of type <class 'torch.Tensor'>");
            offsets = Torch.Arange(0, input.Numel(), input.Size(1), dtype: input.DType, device: input.Device);
            input = input.Reshape(-1);
            perSampleWeights = perSampleWeights?.Reshape(-1);
        }
        else if (input.Dim() == 1)
        {
            if (offsets is null) throw new ArgumentException("offsets has to be a 1D Tensor but got None");
            if (offsets.Dim() != 1) throw new ArgumentException("offsets has to be a 1D Tensor");
        }
        else throw new ArgumentException($"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.Dim()}");
        var modeId = mode switch
        {
            "sum" => 0,
            "mean" => 1,
            "max" => 2,
            _ => throw new ArgumentException("mode has to be one of sum, mean or max"),
        };
        if (modeId == 2 && scaleGradByFreq) throw new ArgumentException("max mode does not support scaling the gradient by the frequency");
        if (modeId == 2 && sparse) throw new ArgumentException("max mode does not support sparse weights");
        if (maxNorm is { } mn) EmbeddingRenorm_(weight, input, mn, normType);
        if (perSampleWeights is not null && modeId != 0)
            throw new NotSupportedException("embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' " +
                                            $"(got mode='{mode}'). Please open a feature request on GitHub.");
        if (weight.Dim() != 2) throw new ArgumentException("'weight' must be 2-D");
        CheckIndices(input, "embedding_bag");
        CheckIndices(offsets, "embedding_bag");
        long numWeights = weight.Size(0), d = weight.Size(1);
        long pad = -1;
        if (paddingIdx is { } p)
        {
            if (p < -numWeights || p >= numWeights)
                throw new ArgumentException($"padding_idx must be within the number of embeddings, -{numWeights} through {numWeights - 1}, but got {p}");
            pad = p < 0 ? p + numWeights : p;
        }
        var bags = EmbeddingBagLayout(input, offsets, includeLastOffset);
        var idxT = Torch.FromArray(bags.Indices, bags.Indices.Length).To(input.Device);
        var bagT = Torch.FromArray(bags.BagOf, bags.BagOf.Length).To(input.Device);
        var keep = bags.Indices.Select(i => i != pad).ToArray();
        var keepT = Torch.FromArray(keep, keep.Length).To(input.Device);
        var perBag = new double[bags.Count];
        for (int i = 0; i < keep.Length; i++)
            if (keep[i]) perBag[bags.BagOf[i]]++;

        Tensor output;
        long[]? maxRows = null;
        using (Torch.NoGrad())
        {
            if (modeId == 2) (output, maxRows) = EmbeddingBagMax(weight, bags, keep);
            else
            {
                var rows = weight.IndexSelect(0, idxT);
                if (perSampleWeights is not null) rows = rows.Mul(perSampleWeights.Narrow(0, 0, bags.Indices.Length).Unsqueeze(1));
                rows = Torch.Where(keepT.Unsqueeze(1), rows, 0.0).To(weight.DType);
                output = Torch.Zeros([bags.Count, d], dtype: weight.DType, device: weight.Device).IndexAdd_(0, bagT, rows);
                if (modeId == 1) output.Div_(HostTensor(perBag.Select(c => Math.Max(c, 1)).ToArray(), weight.DType, weight.Device).Unsqueeze(1));
            }
        }
        if (Graph.Needs(weight, perSampleWeights ?? weight))
            Graph.Record(output, "EmbeddingBagBackward0", [weight, perSampleWeights], [weight, perSampleWeights], n =>
            {
                var g = n.Grad;
                Tensor w = n.Saved(0);
                Tensor? gw = null, gpsw = null;
                if (modeId == 2)
                {
                    var flatIndex = new List<long>();
                    var flatGrad = new List<long>();
                    for (long b = 0; b < bags.Count; b++)
                        for (long j = 0; j < d; j++)
                            if (maxRows![b * d + j] >= 0)
                            {
                                flatIndex.Add(maxRows[b * d + j] * d + j);
                                flatGrad.Add(b * d + j);
                            }
                    var fi = Torch.FromArray(flatIndex.ToArray(), flatIndex.Count).To(g.Device);
                    var fg = Torch.FromArray(flatGrad.ToArray(), flatGrad.Count).To(g.Device);
                    gw = Torch.Zeros([numWeights * d], dtype: g.DType, device: g.Device).IndexAdd(0, fi, g.Reshape(-1).IndexSelect(0, fg))
                        .View(numWeights, d);
                    return [gw, null];
                }
                var gRows = g.IndexSelect(0, bagT);
                if (modeId == 1) gRows = gRows.Div(HostTensor(bags.BagOf.Select(b => Math.Max(perBag[b], 1)).ToArray(), g.DType, g.Device).Unsqueeze(1));
                gRows = Torch.Where(keepT.Unsqueeze(1), gRows, 0.0).To(g.DType);
                if (n.NeedsInputGrad(1))
                    gpsw = Torch.Where(keepT, gRows.Mul(w.IndexSelect(0, idxT)).Sum(1), 0.0).To(g.DType);
                if (n.NeedsInputGrad(0))
                {
                    var psw = n.SavedOrNull(1);
                    var rowsGrad = psw is null ? gRows : gRows.Mul(psw.Narrow(0, 0, bags.Indices.Length).Unsqueeze(1));
                    if (scaleGradByFreq) rowsGrad = rowsGrad.Div(HostTensor(BagFrequencyDivisors(bags.Indices), g.DType, g.Device).Unsqueeze(1));
                    gw = sparse
                        ? Tensor.MakeSparse(idxT[keepT].Reshape(1, -1), rowsGrad[keepT], [numWeights, d], coalesced: false)
                        : Torch.Zeros([numWeights, d], dtype: g.DType, device: g.Device).IndexAdd(0, idxT, rowsGrad);
                }
                if (gpsw is not null && perSampleWeights!.Numel() > bags.Indices.Length)
                    gpsw = Torch.Cat([gpsw, Torch.Zeros([perSampleWeights.Numel() - bags.Indices.Length], dtype: g.DType, device: g.Device)]);
                return [gw, gpsw];
            });
        return output;
    }

    // The divisor of each position's gradient under scale_grad_by_freq, as PyTorch 1.13's CPU embedding_bag backward
    // computes it: the rows are visited in sorted order and the k-th distinct row is divided by the count of the k-th
    // entry of the sorted indices (not of the row itself). For indices whose sorted order has no repeats before a row
    // this is the row's own count.
    private static double[] BagFrequencyDivisors(long[] indices)
    {
        var sorted = indices.Order().ToArray();
        var counts = new Dictionary<long, int>();
        foreach (var i in indices) counts[i] = counts.GetValueOrDefault(i) + 1;
        var divisor = new Dictionary<long, double>();
        int ordinal = 0;
        for (int k = 0; k < sorted.Length; k++)
            if (k == 0 || sorted[k] != sorted[k - 1]) divisor[sorted[k]] = counts[sorted[ordinal++]];
        return indices.Select(i => divisor[i]).ToArray();
    }

    private sealed record BagLayout(long[] Indices, long[] BagOf, long Count);

    // The bag of every index in use: offsets[0] must be 0 and the bags non-decreasing and within the input; the last bag
    // runs to the end of the input, or to the last offset with include_last_offset.
    private static BagLayout EmbeddingBagLayout(Tensor input, Tensor offsets, bool includeLastOffset)
    {
        var idx = input.Contiguous().ToArray<long>();
        var offs = offsets.Contiguous().ToArray<long>();
        if (includeLastOffset && offs.Length < 1) throw new ArgumentException("include_last_offset: number of offset should be at least 1");
        long count = includeLastOffset ? offs.Length - 1 : offs.Length;
        if (offs.Length > 0 && offs[0] != 0)
            throw new ArgumentException("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. " +
                                        $"However, got {offs[0]}");
        if (offs.Length > 0 && offs[^1] > idx.Length)
            throw new ArgumentException($"offsets[-1] can not be greater than input's length {idx.Length} but got offsets[-1] of {offs[^1]}");
        for (int k = 1; k < offs.Length; k++)
            if (offs[k] < offs[k - 1])
                throw new ArgumentException($"offsets must be non-decreasing, but offsets[{k}] = {offs[k]} is smaller than offsets[{k - 1}] = {offs[k - 1]}");
        var end = count == 0 ? 0 : includeLastOffset ? offs[^1] : idx.Length;
        var used = idx[..(int)end];
        var bagOf = new long[end];
        for (long b = 0; b < count; b++)
        {
            var stop = b + 1 < offs.Length ? Math.Min(offs[b + 1], end) : end;
            for (long i = offs[b]; i < stop; i++) bagOf[i] = b;
        }
        return new BagLayout(used, bagOf, count);
    }

    // Elementwise max over each bag's rows, the first occurrence winning ties (PyTorch's strict >), and the weight row of
    // each maximum (−1 for an empty bag, whose output is 0).
    private static (Tensor Output, long[] Rows) EmbeddingBagMax(Tensor weight, BagLayout bags, bool[] keep)
    {
        long numWeights = weight.Size(0), d = weight.Size(1);
        var w = weight.Contiguous().ToArray<double>();
        var outV = new double[bags.Count * d];
        var rows = new long[bags.Count * d];
        Array.Fill(rows, -1);
        for (long i = 0; i < bags.Indices.Length; i++)
        {
            if (!keep[i]) continue;
            var row = bags.Indices[i];
            if (row < 0 || row >= numWeights) throw new IndexOutOfRangeException("index out of range in self");
            var b = bags.BagOf[i];
            for (long j = 0; j < d; j++)
            {
                var v = w[row * d + j];
                var k = b * d + j;
                if (rows[k] < 0 || v > outV[k])
                {
                    outV[k] = v;
                    rows[k] = row;
                }
            }
        }
        return (Torch.FromArray(outV, bags.Count, d).To(weight.DType).To(weight.Device), rows);
    }
}
