using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>
/// The out-projection of <see cref="MultiheadAttention"/> (<c>torch.nn.modules.linear.NonDynamicallyQuantizableLinear</c>):
/// a <see cref="Linear"/> under its own name, initialised and printed as one.
/// </summary>
public sealed class NonDynamicallyQuantizableLinear : Module<Tensor, Tensor>
{
    /// <summary>The weight [out_features, in_features] (<c>weight</c>).</summary>
    public Parameter Weight;

    /// <summary>The bias [out_features], or null (<c>bias</c>).</summary>
    public Parameter? Bias;

    /// <summary>A linear map drawn as <c>nn.Linear(in_features, out_features, bias)</c> draws its weights.</summary>
    public NonDynamicallyQuantizableLinear(long inFeatures, long outFeatures, bool bias = true, Device? device = null, DType? dtype = null)
    {
        var init = new Linear(inFeatures, outFeatures, bias, device, dtype);
        Weight = init.Weight;
        this.Bias = init.Bias;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>Size of each input sample (<c>in_features</c>).</summary>
    public long InFeatures { get; }

    /// <summary>Size of each output sample (<c>out_features</c>).</summary>
    public long OutFeatures { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Linear(input, Weight, Bias);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")}";
}

/// <summary>
/// Multi-head attention (<c>torch.nn.MultiheadAttention</c>): the query, key and value are projected, split into
/// <c>num_heads</c> heads, attended with softmax(q kᵀ / sqrt(head_dim) + mask) and joined by <c>out_proj</c>. Weights
/// carry PyTorch's names (<c>in_proj_weight</c> or <c>q_proj_weight</c>/<c>k_proj_weight</c>/<c>v_proj_weight</c> when
/// kdim/vdim differ, <c>in_proj_bias</c>, <c>bias_k</c>, <c>bias_v</c>, <c>out_proj.weight</c>, <c>out_proj.bias</c>).
/// </summary>
public sealed class MultiheadAttention : Module<Tensor, Tensor, Tensor, (Tensor AttnOutput, Tensor? AttnOutputWeights)>
{
    /// <summary>The packed query/key/value projection [3 E, E] when kdim = vdim = E, else null (<c>in_proj_weight</c>).</summary>
    public Parameter? InProjWeight;

    /// <summary>The query projection [E, E] when kdim or vdim differ from E (<c>q_proj_weight</c>).</summary>
    public Parameter? QProjWeight;

    /// <summary>The key projection [E, kdim] when kdim or vdim differ from E (<c>k_proj_weight</c>).</summary>
    public Parameter? KProjWeight;

    /// <summary>The value projection [E, vdim] when kdim or vdim differ from E (<c>v_proj_weight</c>).</summary>
    public Parameter? VProjWeight;

    /// <summary>The projection biases [3 E], or null without bias (<c>in_proj_bias</c>).</summary>
    public Parameter? InProjBias;

    /// <summary>The output projection (<c>out_proj</c>).</summary>
    public NonDynamicallyQuantizableLinear OutProj;

    /// <summary>A learned key row appended to every sequence [1, 1, E], with add_bias_kv (<c>bias_k</c>).</summary>
    public Parameter? BiasK;

    /// <summary>A learned value row appended to every sequence [1, 1, E], with add_bias_kv (<c>bias_v</c>).</summary>
    public Parameter? BiasV;

    /// <summary>
    /// Multi-head attention (<c>nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
    /// add_zero_attn=False, kdim=None, vdim=None, batch_first=False)</c>), initialised as PyTorch: the out-projection
    /// as a Linear, then xavier_uniform_ projections, zero biases and xavier_normal_ bias_k/bias_v.
    /// </summary>
    public MultiheadAttention(long embedDim, long numHeads, double dropout = 0.0, bool bias = true, bool addBiasKv = false,
        bool addZeroAttn = false, long? kdim = null, long? vdim = null, bool batchFirst = false, Device? device = null, DType? dtype = null)
    {
        EmbedDim = embedDim;
        Kdim = kdim ?? embedDim;
        Vdim = vdim ?? embedDim;
        NumHeads = numHeads;
        Dropout = dropout;
        BatchFirst = batchFirst;
        HeadDim = embedDim / numHeads;
        AddZeroAttn = addZeroAttn;
        if (HeadDim * numHeads != embedDim) throw new ArgumentException("embed_dim must be divisible by num_heads");
        if (!QkvSameEmbedDim)
        {
            QProjWeight = new Parameter(Torch.Empty(new Size(embedDim, embedDim), dtype, device));
            KProjWeight = new Parameter(Torch.Empty(new Size(embedDim, Kdim), dtype, device));
            VProjWeight = new Parameter(Torch.Empty(new Size(embedDim, Vdim), dtype, device));
        }
        else InProjWeight = new Parameter(Torch.Empty(new Size(3 * embedDim, embedDim), dtype, device));
        if (bias) InProjBias = new Parameter(Torch.Empty(new Size(3 * embedDim), dtype, device));
        OutProj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, bias, device, dtype);
        if (addBiasKv)
        {
            BiasK = new Parameter(Torch.Empty(new Size(1, 1, embedDim), dtype, device));
            BiasV = new Parameter(Torch.Empty(new Size(1, 1, embedDim), dtype, device));
        }
        ResetParameters();
    }

    /// <summary>Total dimension of the model (<c>embed_dim</c>).</summary>
    public long EmbedDim { get; }

    /// <summary>Features of the key (<c>kdim</c>).</summary>
    public long Kdim { get; }

    /// <summary>Features of the value (<c>vdim</c>).</summary>
    public long Vdim { get; }

    /// <summary>Parallel attention heads (<c>num_heads</c>).</summary>
    public long NumHeads { get; }

    /// <summary>Dropout probability on the attention weights in training (<c>dropout</c>).</summary>
    public double Dropout { get; }

    /// <summary>Whether inputs are [batch, seq, feature] (<c>batch_first</c>).</summary>
    public bool BatchFirst { get; }

    /// <summary>Features per head, embed_dim / num_heads (<c>head_dim</c>).</summary>
    public long HeadDim { get; }

    /// <summary>Whether a zero row is appended to key and value (<c>add_zero_attn</c>).</summary>
    public bool AddZeroAttn { get; }

    /// <summary>Whether query, key and value share embed_dim, so one packed projection serves (<c>_qkv_same_embed_dim</c>).</summary>
    public bool QkvSameEmbedDim => Kdim == EmbedDim && Vdim == EmbedDim;

    private void ResetParameters()
    {
        if (QkvSameEmbedDim) Init.XavierUniform_(InProjWeight!);
        else
        {
            Init.XavierUniform_(QProjWeight!);
            Init.XavierUniform_(KProjWeight!);
            Init.XavierUniform_(VProjWeight!);
        }
        if (InProjBias is not null)
        {
            Init.Constant_(InProjBias, 0.0);
            Init.Constant_(OutProj.Bias!, 0.0);
        }
        if (BiasK is not null) Init.XavierNormal_(BiasK);
        if (BiasV is not null) Init.XavierNormal_(BiasV);
    }

    /// <inheritdoc/>
    public override (Tensor AttnOutput, Tensor? AttnOutputWeights) Forward(Tensor query, Tensor key, Tensor value) =>
        Forward(query, key, value, null);

    /// <summary>
    /// Attends <paramref name="query"/> [L, N, E] to <paramref name="key"/> [S, N, kdim] and <paramref name="value"/>
    /// [S, N, vdim] (batch first with <see cref="BatchFirst"/>, or unbatched [L, E]) (<c>forward(query, key, value,
    /// key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True)</c>).
    /// <paramref name="keyPaddingMask"/> [N, S] marks keys to ignore (true, or a float added to the scores);
    /// <paramref name="attnMask"/> [L, S] or [N * num_heads, L, S] marks pairs that may not attend (true) or is added.
    /// Returns the output and, with <paramref name="needWeights"/>, the attention weights.
    /// </summary>
    public (Tensor AttnOutput, Tensor? AttnOutputWeights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true)
    {
        bool isBatched = query.Dim() == 3;
        if (keyPaddingMask is not null && keyPaddingMask.DType != DType.Bool && !keyPaddingMask.IsFloatingPoint())
            throw new ArgumentException("only bool and floating types of key_padding_mask are supported");
        if (BatchFirst && isBatched)
        {
            // Transpose while keeping the "same tensor" relations the in-projection relies on.
            if (ReferenceEquals(key, value))
            {
                if (ReferenceEquals(query, key)) query = key = value = query.Transpose(1, 0);
                else
                {
                    query = query.Transpose(1, 0);
                    key = value = key.Transpose(1, 0);
                }
            }
            else
            {
                query = query.Transpose(1, 0);
                key = key.Transpose(1, 0);
                value = value.Transpose(1, 0);
            }
        }
        var (output, weights) = F.MultiHeadAttentionForward(query, key, value, EmbedDim, NumHeads, InProjWeight, InProjBias,
            BiasK, BiasV, AddZeroAttn, Dropout, OutProj.Weight, OutProj.Bias, Training, keyPaddingMask, needWeights, attnMask,
            useSeparateProjWeight: !QkvSameEmbedDim, qProjWeight: QProjWeight, kProjWeight: KProjWeight, vProjWeight: VProjWeight,
            averageAttnWeights: averageAttnWeights);
        return (BatchFirst && isBatched ? output.Transpose(1, 0) : output, weights);
    }

    /// <summary>Runs forward hooks and <see cref="Forward(Tensor, Tensor, Tensor, Tensor?, bool, Tensor?, bool)"/> (<c>mha(query, key, value, ...)</c>).</summary>
    public (Tensor AttnOutput, Tensor? AttnOutputWeights) Call(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true) =>
        HasCallHooks
            ? Invoke([query, key, value, keyPaddingMask, needWeights, attnMask, averageAttnWeights],
                a => Forward((Tensor)a[0]!, (Tensor)a[1]!, (Tensor)a[2]!, (Tensor?)a[3], (bool)a[4]!, (Tensor?)a[5], (bool)a[6]!))
            : Forward(query, key, value, keyPaddingMask, needWeights, attnMask, averageAttnWeights);
}
