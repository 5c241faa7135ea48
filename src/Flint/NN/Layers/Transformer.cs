using Flint.Autograd;
using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>
/// A child module that exists only when given (PyTorch's attribute set to None is no child: it is neither printed nor
/// in the state dict), registered by name and read back through a property.
/// </summary>
internal static class OptionalChild
{
    public static T? Get<T>(Module owner, string name) where T : Module
    {
        foreach (var (n, child) in owner.NamedChildren())
            if (n == name) return (T)child;
        return null;
    }

    public static void Set(Module owner, string name, Module? child)
    {
        if (child is not null) owner.RegisterModule(name, child);
    }
}

/// <summary>
/// The feed-forward activation of the transformer layers, as PyTorch's <c>activation</c> argument: the name "relu" or
/// "gelu", a function (<c>x =&gt; F.Gelu(x)</c>) or a module (<c>new GELU()</c>, registered as the layer's
/// <c>activation</c> child, as PyTorch registers it).
/// </summary>
public readonly struct TransformerActivation
{
    private readonly Func<Tensor, Tensor>? fn;
    private readonly string? name;

    private TransformerActivation(Func<Tensor, Tensor>? fn, Module<Tensor, Tensor>? module, string? name)
    {
        this.fn = fn;
        Module = module;
        this.name = name;
    }

    /// <summary>The activation as a module, when it was given as one.</summary>
    public Module<Tensor, Tensor>? Module { get; }

    /// <summary>"relu" or "gelu" (PyTorch's <c>_get_activation_fn</c>); any other name is an error.</summary>
    public static implicit operator TransformerActivation(string name) =>
        name is "relu" or "gelu" ? new(null, null, name) : throw new ArgumentException($"activation should be relu/gelu, not {name}");

    /// <summary>A unary function.</summary>
    public static implicit operator TransformerActivation(Func<Tensor, Tensor> fn) => new(fn, null, null);

    /// <summary>A module applied to the hidden features.</summary>
    public static implicit operator TransformerActivation(Module<Tensor, Tensor> module) => new(null, module, null);

    /// <summary>Whether it is ReLU or GELU (<c>activation_relu_or_gelu</c>), which PyTorch's fast paths require.</summary>
    internal bool IsReluOrGelu => name is not null || Module is ReLU or GELU;

    /// <summary>Applies the activation; <paramref name="module"/> is the layer's registered copy of a module activation.</summary>
    internal Tensor Apply(Tensor x, Module<Tensor, Tensor>? module) => name switch
    {
        "relu" => F.Relu(x),
        "gelu" => F.Gelu(x),
        _ => module is not null ? module.Call(x) : fn is not null ? fn(x) : F.Relu(x),
    };
}

/// <summary>
/// One encoder layer of the Transformer (<c>torch.nn.TransformerEncoderLayer</c>): self-attention then a feed-forward
/// block (linear1, activation, dropout, linear2), each with dropout, a residual connection and LayerNorm — after the
/// block, or before it with <c>normFirst</c>.
/// </summary>
public sealed class TransformerEncoderLayer : Module<Tensor, Tensor>
{
    /// <summary>The self-attention (<c>self_attn</c>).</summary>
    public MultiheadAttention SelfAttn;

    /// <summary>The first feed-forward layer, d_model to dim_feedforward (<c>linear1</c>).</summary>
    public Linear Linear1;

    /// <summary>Dropout inside the feed-forward block (<c>dropout</c>).</summary>
    public Dropout Dropout;

    /// <summary>The second feed-forward layer, dim_feedforward to d_model (<c>linear2</c>).</summary>
    public Linear Linear2;

    /// <summary>The norm around self-attention (<c>norm1</c>).</summary>
    public LayerNorm Norm1;

    /// <summary>The norm around the feed-forward block (<c>norm2</c>).</summary>
    public LayerNorm Norm2;

    /// <summary>Dropout after self-attention (<c>dropout1</c>).</summary>
    public Dropout Dropout1;

    /// <summary>Dropout after the feed-forward block (<c>dropout2</c>).</summary>
    public Dropout Dropout2;

    /// <summary>The activation when given as a module, else null (<c>activation</c>).</summary>
    public Module<Tensor, Tensor>? Activation => OptionalChild.Get<Module<Tensor, Tensor>>(this, "activation");

    private readonly TransformerActivation act;

    /// <summary>
    /// <c>nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
    /// layer_norm_eps=1e-05, batch_first=False, norm_first=False)</c>.
    /// </summary>
    public TransformerEncoderLayer(long dModel, long nhead, long dimFeedforward = 2048, double dropout = 0.1,
        TransformerActivation? activation = null, double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false,
        Device? device = null, DType? dtype = null)
    {
        SelfAttn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, device: device, dtype: dtype);
        Linear1 = new Linear(dModel, dimFeedforward, device: device, dtype: dtype);
        this.Dropout = new Dropout(dropout);
        Linear2 = new Linear(dimFeedforward, dModel, device: device, dtype: dtype);
        NormFirst = normFirst;
        Norm1 = new LayerNorm(dModel, layerNormEps, device: device, dtype: dtype);
        Norm2 = new LayerNorm(dModel, layerNormEps, device: device, dtype: dtype);
        Dropout1 = new Dropout(dropout);
        Dropout2 = new Dropout(dropout);
        act = activation ?? "relu";
        OptionalChild.Set(this, "activation", act.Module);
    }

    /// <summary>Whether LayerNorm comes before each block rather than after (<c>norm_first</c>).</summary>
    public bool NormFirst { get; }

    internal bool ActivationReluOrGelu => act.IsReluOrGelu;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor src) => Forward(src, null);

    /// <summary>
    /// Runs the layer over <paramref name="src"/> [S, N, E] (or batch first, or unbatched [S, E])
    /// (<c>forward(src, src_mask=None, src_key_padding_mask=None)</c>).
    /// </summary>
    public Tensor Forward(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask = null)
    {
        CheckPaddingMask(srcKeyPaddingMask);
        var x = src;
        if (NormFirst)
        {
            x = x.Add(SaBlock(Norm1.Call(x), srcMask, srcKeyPaddingMask));
            x = x.Add(FfBlock(Norm2.Call(x)));
        }
        else
        {
            x = Norm1.Call(x.Add(SaBlock(x, srcMask, srcKeyPaddingMask)));
            x = Norm2.Call(x.Add(FfBlock(x)));
        }
        return x;
    }

    /// <summary>Runs forward hooks and <see cref="Forward(Tensor, Tensor?, Tensor?)"/> (<c>layer(src, src_mask, src_key_padding_mask)</c>).</summary>
    public Tensor Call(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask = null) =>
        HasCallHooks ? Invoke([src, srcMask, srcKeyPaddingMask], a => Forward((Tensor)a[0]!, (Tensor?)a[1], (Tensor?)a[2]))
            : Forward(src, srcMask, srcKeyPaddingMask);

    private Tensor SaBlock(Tensor x, Tensor? attnMask, Tensor? keyPaddingMask) =>
        Dropout1.Call(SelfAttn.Call(x, x, x, keyPaddingMask, needWeights: false, attnMask: attnMask).AttnOutput);

    private Tensor FfBlock(Tensor x) => Dropout2.Call(Linear2.Call(Dropout.Call(act.Apply(Linear1.Call(x), Activation))));

    internal static void CheckPaddingMask(Tensor? mask)
    {
        if (mask is not null && mask.DType != DType.Bool && !mask.IsFloatingPoint())
            throw new ArgumentException("only bool and floating types of key_padding_mask are supported");
    }
}

/// <summary>
/// One decoder layer of the Transformer (<c>torch.nn.TransformerDecoderLayer</c>): self-attention, attention over the
/// encoder's output (<c>multihead_attn</c>) and a feed-forward block, each with dropout, a residual connection and
/// LayerNorm (before the block with <c>normFirst</c>).
/// </summary>
public sealed class TransformerDecoderLayer : Module<Tensor, Tensor, Tensor>
{
    /// <summary>The self-attention (<c>self_attn</c>).</summary>
    public MultiheadAttention SelfAttn;

    /// <summary>The attention over the memory (<c>multihead_attn</c>).</summary>
    public MultiheadAttention MultiheadAttn;

    /// <summary>The first feed-forward layer (<c>linear1</c>).</summary>
    public Linear Linear1;

    /// <summary>Dropout inside the feed-forward block (<c>dropout</c>).</summary>
    public Dropout Dropout;

    /// <summary>The second feed-forward layer (<c>linear2</c>).</summary>
    public Linear Linear2;

    /// <summary>The norm around self-attention (<c>norm1</c>).</summary>
    public LayerNorm Norm1;

    /// <summary>The norm around the memory attention (<c>norm2</c>).</summary>
    public LayerNorm Norm2;

    /// <summary>The norm around the feed-forward block (<c>norm3</c>).</summary>
    public LayerNorm Norm3;

    /// <summary>Dropout after self-attention (<c>dropout1</c>).</summary>
    public Dropout Dropout1;

    /// <summary>Dropout after the memory attention (<c>dropout2</c>).</summary>
    public Dropout Dropout2;

    /// <summary>Dropout after the feed-forward block (<c>dropout3</c>).</summary>
    public Dropout Dropout3;

    /// <summary>The activation when given as a module, else null (<c>activation</c>).</summary>
    public Module<Tensor, Tensor>? Activation => OptionalChild.Get<Module<Tensor, Tensor>>(this, "activation");

    private readonly TransformerActivation act;

    /// <summary>
    /// <c>nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
    /// layer_norm_eps=1e-05, batch_first=False, norm_first=False)</c>.
    /// </summary>
    public TransformerDecoderLayer(long dModel, long nhead, long dimFeedforward = 2048, double dropout = 0.1,
        TransformerActivation? activation = null, double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false,
        Device? device = null, DType? dtype = null)
    {
        SelfAttn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, device: device, dtype: dtype);
        MultiheadAttn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, device: device, dtype: dtype);
        Linear1 = new Linear(dModel, dimFeedforward, device: device, dtype: dtype);
        this.Dropout = new Dropout(dropout);
        Linear2 = new Linear(dimFeedforward, dModel, device: device, dtype: dtype);
        NormFirst = normFirst;
        Norm1 = new LayerNorm(dModel, layerNormEps, device: device, dtype: dtype);
        Norm2 = new LayerNorm(dModel, layerNormEps, device: device, dtype: dtype);
        Norm3 = new LayerNorm(dModel, layerNormEps, device: device, dtype: dtype);
        Dropout1 = new Dropout(dropout);
        Dropout2 = new Dropout(dropout);
        Dropout3 = new Dropout(dropout);
        act = activation ?? "relu";
        OptionalChild.Set(this, "activation", act.Module);
    }

    /// <summary>Whether LayerNorm comes before each block rather than after (<c>norm_first</c>).</summary>
    public bool NormFirst { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor tgt, Tensor memory) => Forward(tgt, memory, null);

    /// <summary>
    /// Runs the layer over <paramref name="tgt"/> attending to <paramref name="memory"/> (<c>forward(tgt, memory,
    /// tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None)</c>).
    /// </summary>
    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null)
    {
        var x = tgt;
        if (NormFirst)
        {
            x = x.Add(SaBlock(Norm1.Call(x), tgtMask, tgtKeyPaddingMask));
            x = x.Add(MhaBlock(Norm2.Call(x), memory, memoryMask, memoryKeyPaddingMask));
            x = x.Add(FfBlock(Norm3.Call(x)));
        }
        else
        {
            x = Norm1.Call(x.Add(SaBlock(x, tgtMask, tgtKeyPaddingMask)));
            x = Norm2.Call(x.Add(MhaBlock(x, memory, memoryMask, memoryKeyPaddingMask)));
            x = Norm3.Call(x.Add(FfBlock(x)));
        }
        return x;
    }

    /// <summary>Runs forward hooks and the full <c>Forward</c> (<c>layer(tgt, memory, ...)</c>).</summary>
    public Tensor Call(Tensor tgt, Tensor memory, Tensor? tgtMask, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null) =>
        HasCallHooks
            ? Invoke([tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask],
                a => Forward((Tensor)a[0]!, (Tensor)a[1]!, (Tensor?)a[2], (Tensor?)a[3], (Tensor?)a[4], (Tensor?)a[5]))
            : Forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);

    private Tensor SaBlock(Tensor x, Tensor? attnMask, Tensor? keyPaddingMask) =>
        Dropout1.Call(SelfAttn.Call(x, x, x, keyPaddingMask, needWeights: false, attnMask: attnMask).AttnOutput);

    private Tensor MhaBlock(Tensor x, Tensor mem, Tensor? attnMask, Tensor? keyPaddingMask) =>
        Dropout2.Call(MultiheadAttn.Call(x, mem, mem, keyPaddingMask, needWeights: false, attnMask: attnMask).AttnOutput);

    private Tensor FfBlock(Tensor x) => Dropout3.Call(Linear2.Call(Dropout.Call(act.Apply(Linear1.Call(x), Activation))));
}

/// <summary>
/// A stack of encoder layers (<c>torch.nn.TransformerEncoder(encoder_layer, num_layers, norm=None,
/// enable_nested_tensor=True, mask_check=True)</c>): <c>num_layers</c> deep copies of the layer and an optional final norm.
/// </summary>
public sealed class TransformerEncoder : Module<Tensor, Tensor>
{
    /// <summary>The layers (<c>layers</c>).</summary>
    public ModuleList Layers;

    /// <summary>The final norm, or null (<c>norm</c>).</summary>
    public Module<Tensor, Tensor>? Norm => OptionalChild.Get<Module<Tensor, Tensor>>(this, "norm");

    /// <summary>Stacks <paramref name="numLayers"/> copies of <paramref name="encoderLayer"/>.</summary>
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, long numLayers, Module<Tensor, Tensor>? norm = null,
        bool enableNestedTensor = true, bool maskCheck = true)
    {
        Layers = new ModuleList(Enumerable.Range(0, (int)numLayers).Select(_ => encoderLayer.DeepCopy()));
        NumLayers = numLayers;
        OptionalChild.Set(this, "norm", norm);
        EnableNestedTensor = enableNestedTensor;
        MaskCheck = maskCheck;
    }

    /// <summary>Number of layers (<c>num_layers</c>).</summary>
    public long NumLayers { get; }

    /// <summary>Whether padded inputs may take PyTorch's nested-tensor fast path in inference (<c>enable_nested_tensor</c>).</summary>
    public bool EnableNestedTensor { get; }

    /// <summary>Whether that path checks that the padding is at the end of each sequence (<c>mask_check</c>).</summary>
    public bool MaskCheck { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor src) => Forward(src, null);

    /// <summary>
    /// Runs the layers in turn, then the norm (<c>forward(src, mask=None, src_key_padding_mask=None)</c>). In inference
    /// with a left-aligned boolean padding mask, PyTorch runs the layers on the unpadded tokens only (as a nested tensor)
    /// and pads the result back with zeros to the longest sequence's length; so does this.
    /// </summary>
    public Tensor Forward(Tensor src, Tensor? mask, Tensor? srcKeyPaddingMask = null)
    {
        TransformerEncoderLayer.CheckPaddingMask(srcKeyPaddingMask);
        bool nested = NestedFastPath(src, mask, srcKeyPaddingMask);
        var output = src;
        foreach (var m in Layers)
            output = m switch
            {
                TransformerEncoderLayer l => l.Call(output, mask, srcKeyPaddingMask),
                Module<Tensor, Tensor> other => other.Call(output),
                _ => throw new InvalidOperationException($"TransformerEncoder layer {m.GetName()} does not map a Tensor to a Tensor"),
            };
        if (nested)
        {
            // to_padded_tensor(0.): zeros at the padding, and only as many steps as the longest sequence has.
            long longest = srcKeyPaddingMask!.LogicalNot().Sum(1).Max().Item<long>();
            output = output.MaskedFill(srcKeyPaddingMask.Unsqueeze(-1), 0.0).Narrow(1, 0, longest);
        }
        if (Norm is not null) output = Norm.Call(output);
        return output;
    }

    /// <summary>Runs forward hooks and <see cref="Forward(Tensor, Tensor?, Tensor?)"/>.</summary>
    public Tensor Call(Tensor src, Tensor? mask, Tensor? srcKeyPaddingMask = null) =>
        HasCallHooks ? Invoke([src, mask, srcKeyPaddingMask], a => Forward((Tensor)a[0]!, (Tensor?)a[1], (Tensor?)a[2]))
            : Forward(src, mask, srcKeyPaddingMask);

    // The conditions of PyTorch 1.13's "sparsity fast path" (why_not_sparsity_fast_path empty).
    private bool NestedFastPath(Tensor src, Tensor? mask, Tensor? kpm)
    {
        if (Layers.Count == 0 || Layers[0] is not TransformerEncoderLayer first) return false;
        var attn = first.SelfAttn;
        if (first.NormFirst || first.Training || !attn.BatchFirst || !attn.QkvSameEmbedDim || !first.ActivationReluOrGelu ||
            first.Norm1.Eps != first.Norm2.Eps || src.Dim() != 3 || !EnableNestedTensor || kpm is null || kpm.DType != DType.Bool ||
            mask is not null || attn.NumHeads % 2 == 1)
            return false;
        if (MaskCheck && !LeftAligned(kpm)) return false;
        if (GradMode.IsEnabled && (src.RequiresGrad || first.Parameters().Any(p => p.RequiresGrad))) return false;
        return true;
    }

    // Each row of the padding mask is some false entries followed only by true ones.
    private static bool LeftAligned(Tensor kpm)
    {
        var m = kpm.Contiguous().ToArray<bool>();
        long s = kpm.Size(-1);
        for (long r = 0; r < m.Length / Math.Max(s, 1); r++)
            for (long j = 1; j < s; j++)
                if (m[r * s + j - 1] && !m[r * s + j]) return false;
        return true;
    }
}

/// <summary>
/// A stack of decoder layers (<c>torch.nn.TransformerDecoder(decoder_layer, num_layers, norm=None)</c>).
/// </summary>
public sealed class TransformerDecoder : Module<Tensor, Tensor, Tensor>
{
    /// <summary>The layers (<c>layers</c>).</summary>
    public ModuleList Layers;

    /// <summary>The final norm, or null (<c>norm</c>).</summary>
    public Module<Tensor, Tensor>? Norm => OptionalChild.Get<Module<Tensor, Tensor>>(this, "norm");

    /// <summary>Stacks <paramref name="numLayers"/> copies of <paramref name="decoderLayer"/>.</summary>
    public TransformerDecoder(TransformerDecoderLayer decoderLayer, long numLayers, Module<Tensor, Tensor>? norm = null)
    {
        Layers = new ModuleList(Enumerable.Range(0, (int)numLayers).Select(_ => decoderLayer.DeepCopy()));
        NumLayers = numLayers;
        OptionalChild.Set(this, "norm", norm);
    }

    /// <summary>Number of layers (<c>num_layers</c>).</summary>
    public long NumLayers { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor tgt, Tensor memory) => Forward(tgt, memory, null);

    /// <summary>
    /// Runs the layers in turn, then the norm (<c>forward(tgt, memory, tgt_mask=None, memory_mask=None,
    /// tgt_key_padding_mask=None, memory_key_padding_mask=None)</c>).
    /// </summary>
    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null)
    {
        var output = tgt;
        foreach (var m in Layers)
            output = m switch
            {
                TransformerDecoderLayer l => l.Call(output, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask),
                Module<Tensor, Tensor, Tensor> other => other.Call(output, memory),
                _ => throw new InvalidOperationException($"TransformerDecoder layer {m.GetName()} does not take (tgt, memory)"),
            };
        if (Norm is not null) output = Norm.Call(output);
        return output;
    }

    /// <summary>Runs forward hooks and the full <c>Forward</c>.</summary>
    public Tensor Call(Tensor tgt, Tensor memory, Tensor? tgtMask, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null) =>
        HasCallHooks
            ? Invoke([tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask],
                a => Forward((Tensor)a[0]!, (Tensor)a[1]!, (Tensor?)a[2], (Tensor?)a[3], (Tensor?)a[4], (Tensor?)a[5]))
            : Forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
}

/// <summary>
/// The Transformer of "Attention Is All You Need" (<c>torch.nn.Transformer</c>): an encoder over the source and a decoder
/// over the target attending to it, each a stack of layers with a final LayerNorm; weights of two or more dims drawn
/// with xavier_uniform_.
/// </summary>
public sealed class Transformer : Module<Tensor, Tensor, Tensor>
{
    /// <summary>The encoder (<c>encoder</c>).</summary>
    public TransformerEncoder Encoder;

    /// <summary>The decoder (<c>decoder</c>).</summary>
    public TransformerDecoder Decoder;

    /// <summary>
    /// <c>nn.Transformer(d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
    /// dropout=0.1, activation=relu, custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-05, batch_first=False,
    /// norm_first=False)</c>.
    /// </summary>
    public Transformer(long dModel = 512, long nhead = 8, long numEncoderLayers = 6, long numDecoderLayers = 6,
        long dimFeedforward = 2048, double dropout = 0.1, TransformerActivation? activation = null,
        TransformerEncoder? customEncoder = null, TransformerDecoder? customDecoder = null, double layerNormEps = 1e-5,
        bool batchFirst = false, bool normFirst = false, Device? device = null, DType? dtype = null)
    {
        Encoder = customEncoder ?? new TransformerEncoder(
            new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, device, dtype),
            numEncoderLayers, new LayerNorm(dModel, layerNormEps, device: device, dtype: dtype));
        Decoder = customDecoder ?? new TransformerDecoder(
            new TransformerDecoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, device, dtype),
            numDecoderLayers, new LayerNorm(dModel, layerNormEps, device: device, dtype: dtype));
        foreach (var p in Parameters())
            if (p.Dim() > 1) Init.XavierUniform_(p);
        DModel = dModel;
        Nhead = nhead;
        BatchFirst = batchFirst;
    }

    /// <summary>Features of the model (<c>d_model</c>).</summary>
    public long DModel { get; }

    /// <summary>Attention heads (<c>nhead</c>).</summary>
    public long Nhead { get; }

    /// <summary>Whether inputs are [batch, seq, feature] (<c>batch_first</c>).</summary>
    public bool BatchFirst { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor src, Tensor tgt) => Forward(src, tgt, null);

    /// <summary>
    /// Encodes <paramref name="src"/> and decodes <paramref name="tgt"/> against it (<c>forward(src, tgt, src_mask=None,
    /// tgt_mask=None, memory_mask=None, src_key_padding_mask=None, tgt_key_padding_mask=None,
    /// memory_key_padding_mask=None)</c>).
    /// </summary>
    public Tensor Forward(Tensor src, Tensor tgt, Tensor? srcMask, Tensor? tgtMask = null, Tensor? memoryMask = null,
        Tensor? srcKeyPaddingMask = null, Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null)
    {
        bool isBatched = src.Dim() == 3;
        if (isBatched && src.Size(BatchFirst ? 0 : 1) != tgt.Size(BatchFirst ? 0 : 1))
            throw new ArgumentException("the batch number of src and tgt must be equal");
        if (src.Size(-1) != DModel || tgt.Size(-1) != DModel)
            throw new ArgumentException("the feature number of src and tgt must be equal to d_model");
        var memory = Encoder.Call(src, srcMask, srcKeyPaddingMask);
        return Decoder.Call(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    }

    /// <summary>Runs forward hooks and the full <c>Forward</c> (<c>transformer(src, tgt, ...)</c>).</summary>
    public Tensor Call(Tensor src, Tensor tgt, Tensor? srcMask, Tensor? tgtMask = null, Tensor? memoryMask = null,
        Tensor? srcKeyPaddingMask = null, Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null) =>
        HasCallHooks
            ? Invoke([src, tgt, srcMask, tgtMask, memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask, memoryKeyPaddingMask],
                a => Forward((Tensor)a[0]!, (Tensor)a[1]!, (Tensor?)a[2], (Tensor?)a[3], (Tensor?)a[4], (Tensor?)a[5], (Tensor?)a[6], (Tensor?)a[7]))
            : Forward(src, tgt, srcMask, tgtMask, memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask, memoryKeyPaddingMask);

    /// <summary>
    /// The causal mask [sz, sz]: -inf above the diagonal, 0 elsewhere (<c>Transformer.generate_square_subsequent_mask(sz)</c>).
    /// </summary>
    public static Tensor GenerateSquareSubsequentMask(long sz, Device? device = null) =>
        Torch.Full(new Size(sz, sz), double.NegativeInfinity, device: device).Triu(1);
}
