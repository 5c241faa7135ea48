using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>
/// A lookup table of <c>num_embeddings</c> vectors of size <c>embedding_dim</c> (<c>nn.Embedding(num_embeddings,
/// embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False)</c>). The
/// <c>weight</c> is drawn from N(0, 1), with the padding row zeroed.
/// </summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    /// <summary>The table [num_embeddings, embedding_dim] (<c>embedding.weight</c>).</summary>
    public Parameter Weight;

    /// <summary>
    /// <c>nn.Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
    /// scale_grad_by_freq=False, sparse=False, _weight=None, device=None, dtype=None)</c>.
    /// </summary>
    public Embedding(long numEmbeddings, long embeddingDim, long? paddingIdx = null, double? maxNorm = null, double normType = 2.0,
        bool scaleGradByFreq = false, bool sparse = false, Tensor? weight = null, Device? device = null, DType? dtype = null)
    {
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = F.WrapPaddingIdx(paddingIdx, numEmbeddings, "Padding_idx");
        MaxNorm = maxNorm;
        NormType = normType;
        ScaleGradByFreq = scaleGradByFreq;
        Sparse = sparse;
        if (weight is null)
        {
            this.Weight = new Parameter(Torch.Empty([numEmbeddings, embeddingDim], dtype: dtype, device: device));
            ResetParameters();
        }
        else
        {
            if (weight.Dim() != 2 || weight.Size(0) != numEmbeddings || weight.Size(1) != embeddingDim)
                throw new ArgumentException("Shape of weight does not match num_embeddings and embedding_dim");
            this.Weight = new Parameter(weight);
        }
    }

    /// <summary>
    /// An Embedding holding <paramref name="embeddings"/> (sharing its memory), frozen unless <paramref name="freeze"/> is
    /// false (<c>nn.Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
    /// scale_grad_by_freq=False, sparse=False)</c>).
    /// </summary>
    public static Embedding FromPretrained(Tensor embeddings, bool freeze = true, long? paddingIdx = null, double? maxNorm = null,
        double normType = 2.0, bool scaleGradByFreq = false, bool sparse = false)
    {
        if (embeddings.Dim() != 2) throw new ArgumentException("Embeddings parameter is expected to be 2-dimensional");
        var e = new Embedding(embeddings.Size(0), embeddings.Size(1), paddingIdx, maxNorm, normType, scaleGradByFreq, sparse, embeddings);
        e.Weight.RequiresGrad_(!freeze);
        return e;
    }

    /// <summary>Number of rows (<c>num_embeddings</c>).</summary>
    public long NumEmbeddings { get; }

    /// <summary>Size of each row (<c>embedding_dim</c>).</summary>
    public long EmbeddingDim { get; }

    /// <summary>The row that gets no gradient, wrapped to be non-negative, or null (<c>padding_idx</c>).</summary>
    public long? PaddingIdx { get; }

    /// <summary>Rows looked up with a larger norm are renormalised to this (<c>max_norm</c>).</summary>
    public double? MaxNorm { get; }

    /// <summary>The p of the max_norm norm (<c>norm_type</c>).</summary>
    public double NormType { get; }

    /// <summary>Whether gradients are divided by each row's frequency in the batch (<c>scale_grad_by_freq</c>).</summary>
    public bool ScaleGradByFreq { get; }

    /// <summary>Whether the weight's gradient is a row-sparse tensor (<c>sparse</c>).</summary>
    public bool Sparse { get; }

    /// <summary>Redraws the weight from N(0, 1) and zeroes the padding row (<c>reset_parameters()</c>).</summary>
    public void ResetParameters()
    {
        Init.Normal_(Weight);
        if (PaddingIdx is { } p)
            using (Torch.NoGrad()) Weight.Select(0, p).Fill_(0);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Embedding(input, Weight, PaddingIdx, MaxNorm, NormType, ScaleGradByFreq, Sparse);

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{NumEmbeddings}, {EmbeddingDim}";
        if (PaddingIdx is { } p) s += $", padding_idx={p}";
        if (MaxNorm is { } m) s += $", max_norm={F.Py(m)}";
        if (NormType != 2) s += $", norm_type={F.Py(NormType)}";
        if (ScaleGradByFreq) s += ", scale_grad_by_freq=True";
        if (Sparse) s += ", sparse=True";
        return s;
    }
}

/// <summary>
/// Sums, means or maxima of bags of embeddings (<c>nn.EmbeddingBag(num_embeddings, embedding_dim, max_norm=None,
/// norm_type=2.0, scale_grad_by_freq=False, mode='mean', sparse=False, include_last_offset=False, padding_idx=None)</c>);
/// the <c>weight</c> is drawn from N(0, 1), the padding row zeroed.
/// </summary>
public sealed class EmbeddingBag : Module<Tensor, Tensor>
{
    /// <summary>The table [num_embeddings, embedding_dim] (<c>embedding_bag.weight</c>).</summary>
    public Parameter Weight;

    /// <summary>
    /// <c>nn.EmbeddingBag(num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
    /// mode='mean', sparse=False, _weight=None, include_last_offset=False, padding_idx=None, device=None, dtype=None)</c>.
    /// </summary>
    public EmbeddingBag(long numEmbeddings, long embeddingDim, double? maxNorm = null, double normType = 2.0, bool scaleGradByFreq = false,
        string mode = "mean", bool sparse = false, Tensor? weight = null, bool includeLastOffset = false, long? paddingIdx = null,
        Device? device = null, DType? dtype = null)
    {
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        MaxNorm = maxNorm;
        NormType = normType;
        ScaleGradByFreq = scaleGradByFreq;
        PaddingIdx = F.WrapPaddingIdx(paddingIdx, numEmbeddings, "padding_idx");
        if (weight is null)
        {
            this.Weight = new Parameter(Torch.Empty([numEmbeddings, embeddingDim], dtype: dtype, device: device));
            ResetParameters();
        }
        else
        {
            if (weight.Dim() != 2 || weight.Size(0) != numEmbeddings || weight.Size(1) != embeddingDim)
                throw new ArgumentException("Shape of weight does not match num_embeddings and embedding_dim");
            this.Weight = new Parameter(weight);
        }
        Mode = mode;
        Sparse = sparse;
        IncludeLastOffset = includeLastOffset;
    }

    /// <summary>
    /// An EmbeddingBag holding <paramref name="embeddings"/>, frozen unless <paramref name="freeze"/> is false
    /// (<c>nn.EmbeddingBag.from_pretrained</c>).
    /// </summary>
    public static EmbeddingBag FromPretrained(Tensor embeddings, bool freeze = true, double? maxNorm = null, double normType = 2.0,
        bool scaleGradByFreq = false, string mode = "mean", bool sparse = false, bool includeLastOffset = false, long? paddingIdx = null)
    {
        if (embeddings.Dim() != 2) throw new ArgumentException("Embeddings parameter is expected to be 2-dimensional");
        var e = new EmbeddingBag(embeddings.Size(0), embeddings.Size(1), maxNorm, normType, scaleGradByFreq, mode, sparse, embeddings,
            includeLastOffset, paddingIdx);
        e.Weight.RequiresGrad_(!freeze);
        return e;
    }

    /// <summary>Number of rows (<c>num_embeddings</c>).</summary>
    public long NumEmbeddings { get; }

    /// <summary>Size of each row (<c>embedding_dim</c>).</summary>
    public long EmbeddingDim { get; }

    /// <summary>Rows looked up with a larger norm are renormalised to this (<c>max_norm</c>).</summary>
    public double? MaxNorm { get; }

    /// <summary>The p of the max_norm norm (<c>norm_type</c>).</summary>
    public double NormType { get; }

    /// <summary>Whether gradients are divided by each row's frequency (<c>scale_grad_by_freq</c>).</summary>
    public bool ScaleGradByFreq { get; }

    /// <summary>"sum", "mean" or "max" (<c>mode</c>).</summary>
    public string Mode { get; }

    /// <summary>Whether the weight's gradient is a row-sparse tensor (<c>sparse</c>).</summary>
    public bool Sparse { get; }

    /// <summary>Whether offsets carry a final end offset (<c>include_last_offset</c>).</summary>
    public bool IncludeLastOffset { get; }

    /// <summary>The row left out of every bag, wrapped to be non-negative, or null (<c>padding_idx</c>).</summary>
    public long? PaddingIdx { get; }

    /// <summary>Redraws the weight from N(0, 1) and zeroes the padding row (<c>reset_parameters()</c>).</summary>
    public void ResetParameters()
    {
        Init.Normal_(Weight);
        if (PaddingIdx is { } p)
            using (Torch.NoGrad()) Weight.Select(0, p).Fill_(0);
    }

    /// <summary>Bags of a 2-D input, one per row (<c>embedding_bag(input)</c>).</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>Bags of a 1-D input split at <paramref name="offsets"/> (<c>embedding_bag(input, offsets, per_sample_weights)</c>).</summary>
    public Tensor Forward(Tensor input, Tensor? offsets, Tensor? perSampleWeights = null) =>
        F.EmbeddingBag(input, Weight, offsets, MaxNorm, NormType, ScaleGradByFreq, Mode, Sparse, perSampleWeights, IncludeLastOffset, PaddingIdx);

    /// <summary>Runs the forward hooks and <see cref="Forward(Tensor, Tensor?, Tensor?)"/> (<c>embedding_bag(input, offsets, per_sample_weights)</c>).</summary>
    public Tensor Call(Tensor input, Tensor? offsets, Tensor? perSampleWeights = null) =>
        HasCallHooks ? Invoke([input, offsets, perSampleWeights], a => Forward((Tensor)a[0]!, (Tensor?)a[1], (Tensor?)a[2]))
            : Forward(input, offsets, perSampleWeights);

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{NumEmbeddings}, {EmbeddingDim}";
        if (MaxNorm is { } m) s += $", max_norm={F.Py(m)}";
        if (NormType != 2) s += $", norm_type={F.Py(NormType)}";
        if (ScaleGradByFreq) s += ", scale_grad_by_freq=True";
        s += $", mode={Mode}";
        if (PaddingIdx is { } p) s += $", padding_idx={p}";
        return s;
    }
}
