using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>
/// The out-projection of <see cref="MultiheadAttention"/> (<c>torch.nn.modules.linear.NonDynamicallyQuantizableLinear</c>):
/// a <see cref="Linear"/> under its own name, initialised and printed as one.
/// </summary>
public sealed class NonDynamicallyQuantizableLinear : Module<Tensor, Tensor>
{
    /// <summary>The weight [out_features, in_features] (<c>weight</c>).</summary>
    public Parameter weight;

    /// <summary>The bias [out_features], or null (<c>bias</c>).</summary>
    public Parameter? bias;

    /// <summary>A linear map drawn as <c>nn.Linear(in_features, out_features, bias)</c> draws its weights.</summary>
    public NonDynamicallyQuantizableLinear(long inFeatures, long outFeatures, bool bias = true, Device? device = null, DType? dtype = null)
    {
        var init = new Linear(inFeatures, outFeatures, bias, device, dtype);
        weight = init.weight;
        this.bias = init.bias;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>Size of each input sample (<c>in_features</c>).</summary>
    public long InFeatures { get; }

    /// <summary>Size of each output sample (<c>out_features</c>).</summary>
    public long OutFeatures { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Linear(input, weight, bias);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={(bias is not null ? "True" : "False")}";
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
    public Parameter? in_proj_weight;

    /// <summary>The query projection [E, E] when kdim or vdim differ from E (<c>q_proj_weight</c>).</summary>
    public Parameter? q_proj_weight;

    /// <summary>The key projection [E, kdim] when kdim or vdim differ from E (<c>k_proj_weight</c>).</summary>
    public Parameter? k_proj_weight;

    /// <summary>The value projection [E, vdim] when kdim or vdim differ from E (<c>v_proj_weight</c>).</summary>
    public Parameter? v_proj_weight;

    /// <summary>The projection biases [3 E], or null without bias (<c>in_proj_bias</c>).</summary>
    public Parameter? in_proj_bias;

    /// <summary>The output projection (<c>out_proj</c>).</summary>
    public NonDynamicallyQuantizableLinear out_proj;

    /// <summary>A learned key row appended to every sequence [1, 1, E], with add_bias_kv (<c>bias_k</c>).</summary>
    public Parameter? bias_k;

    /// <summary>A learned value row appended to every sequence [1, 1, E], with add_bias_kv (<c>bias_v</c>).</summary>
    public Parameter? bias_v;

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
            q_proj_weight = new Parameter(Torch.Empty(new Size(embedDim, embedDim), dtype, device));
            k_proj_weight = new Parameter(Torch.Empty(new Size(embedDim, Kdim), dtype, device));
            v_proj_weight = new Parameter(Torch.Empty(new Size(embedDim, Vdim), dtype, device));
        }
        else in_proj_weight = new Parameter(Torch.Empty(new Size(3 * embedDim, embedDim), dtype, device));
        if (bias) in_proj_bias = new Parameter(Torch.Empty(new Size(3 * embedDim), dtype, device));
        out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, bias, device, dtype);
        if (addBiasKv)
        {
            bias_k = new Parameter(Torch.Empty(new Size(1, 1, embedDim), dtype, device));
            bias_v = new Parameter(Torch.Empty(new Size(1, 1, embedDim), dtype, device));
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
        if (QkvSameEmbedDim) Init.XavierUniform_(in_proj_weight!);
        else
        {
            Init.XavierUniform_(q_proj_weight!);
            Init.XavierUniform_(k_proj_weight!);
            Init.XavierUniform_(v_proj_weight!);
        }
        if (in_proj_bias is not null)
        {
            Init.Constant_(in_proj_bias, 0.0);
            Init.Constant_(out_proj.bias!, 0.0);
        }
        if (bias_k is not null) Init.XavierNormal_(bias_k);
        if (bias_v is not null) Init.XavierNormal_(bias_v);
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
        var (output, weights) = F.MultiHeadAttentionForward(query, key, value, EmbedDim, NumHeads, in_proj_weight, in_proj_bias,
            bias_k, bias_v, AddZeroAttn, Dropout, out_proj.weight, out_proj.bias, Training, keyPaddingMask, needWeights, attnMask,
            useSeparateProjWeight: !QkvSameEmbedDim, qProjWeight: q_proj_weight, kProjWeight: k_proj_weight, vProjWeight: v_proj_weight,
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
