namespace Flint.NN;

public static partial class Functional
{
    /// <summary>
    /// softmax(q kᵀ · scale + mask) v (<c>F.scaled_dot_product_attention(query, key, value, attn_mask=None,
    /// dropout_p=0.0, is_causal=False, scale=None)</c>): query [..., L, E], key [..., S, E], value [..., S, Ev] give
    /// [..., L, Ev]. A bool <paramref name="attnMask"/> marks the positions that take part (true) and may broadcast
    /// to [..., L, S]; a float one is added to the scores. <paramref name="isCausal"/> lets position i attend to
    /// positions up to i only. <paramref name="scale"/> defaults to 1/sqrt(E); dropout with probability
    /// <paramref name="dropoutP"/> is applied to the attention weights.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null,
        double dropoutP = 0.0, bool isCausal = false, double? scale = null)
    {
        if (query.Dim() < 2 || key.Dim() < 2 || value.Dim() < 2)
            throw new ArgumentException(
                $"scaled_dot_product_attention: expected query, key and value of at least 2 dimensions, got {query.Dim()}-D, {key.Dim()}-D and {value.Dim()}-D");
        if (query.Size(-1) != key.Size(-1))
            throw new ArgumentException(
                $"scaled_dot_product_attention: query and key must have the same embedding size, got {query.Size(-1)} and {key.Size(-1)}");
        if (key.Size(-2) != value.Size(-2))
            throw new ArgumentException(
                $"scaled_dot_product_attention: key and value must have the same sequence length, got {key.Size(-2)} and {value.Size(-2)}");
        if (isCausal && attnMask is not null)
            throw new ArgumentException("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
        long l = query.Size(-2), s = key.Size(-2);
        double factor = scale ?? 1.0 / Math.Sqrt(query.Size(-1));
        var scores = query.MatMul(key.Transpose(-2, -1)).Mul(factor);
        if (isCausal)
        {
            var causal = Torch.Ones(new Size(l, s), DType.Bool, query.Device).Tril();
            scores = scores.MaskedFill(causal.LogicalNot(), double.NegativeInfinity);
        }
        if (attnMask is not null)
        {
            if (attnMask.DType == DType.Bool) scores = scores.MaskedFill(attnMask.LogicalNot(), double.NegativeInfinity);
            else if (attnMask.IsFloatingPoint()) scores = scores.Add(attnMask);
            else
                throw new ArgumentException(
                    $"Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: {attnMask.DType.TorchName()} and query.dtype: {query.DType.TorchName()} instead.");
        }
        var weights = scores.Softmax(-1);
        if (dropoutP > 0.0) weights = Dropout(weights, dropoutP, training: true);
        return weights.MatMul(value);
    }

    /// <summary>
    /// The forward of <see cref="MultiheadAttention"/> (<c>F.multi_head_attention_forward</c>), as PyTorch 1.13 computes
    /// it: in-projection (packed or separate weights), optional bias_k/bias_v rows and a zero attention row, masks
    /// merged into one additive float mask, softmax(q kᵀ / sqrt(head_dim) + mask), dropout in training, the weighted
    /// values and the out-projection. Inputs are [L, N, E] (or unbatched [L, E]); returns the output and, when
    /// <paramref name="needWeights"/>, the attention weights (averaged over heads when
    /// <paramref name="averageAttnWeights"/>).
    /// </summary>
    public static (Tensor AttnOutput, Tensor? AttnOutputWeights) MultiHeadAttentionForward(
        Tensor query, Tensor key, Tensor value, long embedDimToCheck, long numHeads,
        Tensor? inProjWeight, Tensor? inProjBias, Tensor? biasK, Tensor? biasV, bool addZeroAttn, double dropoutP,
        Tensor outProjWeight, Tensor? outProjBias, bool training = true, Tensor? keyPaddingMask = null, bool needWeights = true,
        Tensor? attnMask = null, bool useSeparateProjWeight = false, Tensor? qProjWeight = null, Tensor? kProjWeight = null,
        Tensor? vProjWeight = null, Tensor? staticK = null, Tensor? staticV = null, bool averageAttnWeights = true)
    {
        bool isBatched = MhaShapeCheck(query, key, value, keyPaddingMask, attnMask, numHeads);
        if (!isBatched)
        {
            // Keep the "same tensor" relations that the in-projection uses.
            bool kv = ReferenceEquals(key, value), qk = ReferenceEquals(query, key);
            query = query.Unsqueeze(1);
            key = qk ? query : key.Unsqueeze(1);
            value = kv ? key : value.Unsqueeze(1);
            keyPaddingMask = keyPaddingMask?.Unsqueeze(0);
        }
        long tgtLen = query.Size(0), bsz = query.Size(1), embedDim = query.Size(2), srcLen = key.Size(0);
        if (keyPaddingMask is not null && keyPaddingMask.DType != DType.Bool && !keyPaddingMask.IsFloatingPoint())
            throw new ArgumentException("only bool and floating types of key_padding_mask are supported");
        if (embedDim != embedDimToCheck)
            throw new ArgumentException($"was expecting embedding dimension of {embedDimToCheck}, but got {embedDim}");
        long headDim = embedDim / numHeads;
        if (headDim * numHeads != embedDim) throw new ArgumentException($"embed_dim {embedDim} not divisible by num_heads {numHeads}");
        if (useSeparateProjWeight)
        {
            if (key.Size(0) != value.Size(0) || key.Size(1) != value.Size(1))
                throw new ArgumentException(
                    $"key's sequence and batch dims {new Size(key.Size(0), key.Size(1))} do not match value's {new Size(value.Size(0), value.Size(1))}");
        }
        else if (key.Shape != value.Shape)
            throw new ArgumentException($"key shape {key.Shape} does not match value shape {value.Shape}");

        Tensor q, k, v;
        if (!useSeparateProjWeight)
        {
            if (inProjWeight is null) throw new ArgumentException("use_separate_proj_weight is False but in_proj_weight is None");
            (q, k, v) = InProjectionPacked(query, key, value, inProjWeight, inProjBias);
        }
        else
        {
            if (qProjWeight is null) throw new ArgumentException("use_separate_proj_weight is True but q_proj_weight is None");
            if (kProjWeight is null) throw new ArgumentException("use_separate_proj_weight is True but k_proj_weight is None");
            if (vProjWeight is null) throw new ArgumentException("use_separate_proj_weight is True but v_proj_weight is None");
            Tensor? bq = null, bk = null, bv = null;
            if (inProjBias is not null)
            {
                var b = inProjBias.Chunk(3);
                (bq, bk, bv) = (b[0], b[1], b[2]);
            }
            q = Linear(query, qProjWeight, bq);
            k = Linear(key, kProjWeight, bk);
            v = Linear(value, vProjWeight, bv);
        }

        if (attnMask is not null)
        {
            if (attnMask.DType == DType.UInt8) attnMask = attnMask.To(DType.Bool);
            else if (!attnMask.IsFloatingPoint() && attnMask.DType != DType.Bool)
                throw new ArgumentException(
                    $"Only float, byte, and bool types are supported for attn_mask, not {attnMask.DType.TorchName()}");
            if (attnMask.Dim() == 2)
            {
                if (attnMask.Size(0) != tgtLen || attnMask.Size(1) != srcLen)
                    throw new ArgumentException(
                        $"The shape of the 2D attn_mask is {attnMask.Shape}, but should be ({tgtLen}, {srcLen}).");
                attnMask = attnMask.Unsqueeze(0);
            }
            else if (attnMask.Dim() == 3)
            {
                if (attnMask.Size(0) != bsz * numHeads || attnMask.Size(1) != tgtLen || attnMask.Size(2) != srcLen)
                    throw new ArgumentException(
                        $"The shape of the 3D attn_mask is {attnMask.Shape}, but should be ({bsz * numHeads}, {tgtLen}, {srcLen}).");
            }
            else throw new ArgumentException($"attn_mask's dimension {attnMask.Dim()} is not supported");
        }

        if (biasK is not null && biasV is not null)
        {
            if (staticK is not null) throw new ArgumentException("bias cannot be added to static key.");
            if (staticV is not null) throw new ArgumentException("bias cannot be added to static value.");
            k = Torch.Cat([k, biasK.Repeat(1, bsz, 1)]);
            v = Torch.Cat([v, biasV.Repeat(1, bsz, 1)]);
            if (attnMask is not null) attnMask = PadLast(attnMask);
            if (keyPaddingMask is not null) keyPaddingMask = PadLast(keyPaddingMask);
        }
        else if (biasK is not null || biasV is not null)
            throw new ArgumentException("bias_k and bias_v must be given together");

        q = q.Contiguous().View(tgtLen, bsz * numHeads, headDim).Transpose(0, 1);
        if (staticK is null) k = k.Contiguous().View(k.Size(0), bsz * numHeads, headDim).Transpose(0, 1);
        else
        {
            if (staticK.Size(0) != bsz * numHeads)
                throw new ArgumentException($"expecting static_k.size(0) of {bsz * numHeads}, but got {staticK.Size(0)}");
            if (staticK.Size(2) != headDim) throw new ArgumentException($"expecting static_k.size(2) of {headDim}, but got {staticK.Size(2)}");
            k = staticK;
        }
        if (staticV is null) v = v.Contiguous().View(v.Size(0), bsz * numHeads, headDim).Transpose(0, 1);
        else
        {
            if (staticV.Size(0) != bsz * numHeads)
                throw new ArgumentException($"expecting static_v.size(0) of {bsz * numHeads}, but got {staticV.Size(0)}");
            if (staticV.Size(2) != headDim) throw new ArgumentException($"expecting static_v.size(2) of {headDim}, but got {staticV.Size(2)}");
            v = staticV;
        }

        if (addZeroAttn)
        {
            var zeroShape = new Size(bsz * numHeads, 1, headDim);
            k = Torch.Cat([k, Torch.Zeros(zeroShape, k.DType, k.Device)], 1);
            v = Torch.Cat([v, Torch.Zeros(zeroShape, v.DType, v.Device)], 1);
            if (attnMask is not null) attnMask = PadLast(attnMask);
            if (keyPaddingMask is not null) keyPaddingMask = PadLast(keyPaddingMask);
        }
        srcLen = k.Size(1);

        if (keyPaddingMask is not null)
        {
            if (keyPaddingMask.Dim() != 2 || keyPaddingMask.Size(0) != bsz || keyPaddingMask.Size(1) != srcLen)
                throw new ArgumentException($"expecting key_padding_mask shape of ({bsz}, {srcLen}), but got {keyPaddingMask.Shape}");
            keyPaddingMask = keyPaddingMask.View(bsz, 1, 1, srcLen).Expand(-1, numHeads, -1, -1).Reshape(bsz * numHeads, 1, srcLen);
            if (attnMask is null) attnMask = keyPaddingMask;
            else if (attnMask.DType == DType.Bool) attnMask = attnMask.LogicalOr(keyPaddingMask);
            else attnMask = attnMask.MaskedFill(keyPaddingMask, double.NegativeInfinity);
        }
        if (attnMask is not null && attnMask.DType == DType.Bool)
            attnMask = Torch.ZerosLike(attnMask, q.DType).MaskedFill_(attnMask, double.NegativeInfinity);
        if (!training) dropoutP = 0.0;

        var qScaled = q.Div(Math.Sqrt(q.Size(2)));
        var weights = attnMask is not null
            ? Torch.Baddbmm(attnMask, qScaled, k.Transpose(-2, -1))
            : qScaled.Bmm(k.Transpose(-2, -1));
        weights = weights.Softmax(-1);
        if (dropoutP > 0.0) weights = Dropout(weights, dropoutP);
        var output = weights.Bmm(v);
        output = output.Transpose(0, 1).Contiguous().View(tgtLen * bsz, embedDim);
        output = Linear(output, outProjWeight, outProjBias);
        output = output.View(tgtLen, bsz, output.Size(1));
        if (!needWeights) return (isBatched ? output : output.Squeeze(1), null);
        weights = weights.View(bsz, numHeads, tgtLen, srcLen);
        if (averageAttnWeights) weights = weights.Sum(1).Div(numHeads);
        if (!isBatched)
        {
            output = output.Squeeze(1);
            weights = weights.Squeeze(0);
        }
        return (output, weights);
    }

    // PyTorch's _in_projection_packed: one product for self-attention, two when key is value.
    private static (Tensor Q, Tensor K, Tensor V) InProjectionPacked(Tensor q, Tensor k, Tensor v, Tensor w, Tensor? b)
    {
        long e = q.Size(-1);
        if (ReferenceEquals(k, v))
        {
            if (ReferenceEquals(q, k))
            {
                var c = Linear(q, w, b).Chunk(3, -1);
                return (c[0], c[1], c[2]);
            }
            var ws = w.Split([e, e * 2]);
            Tensor? bq = null, bkv = null;
            if (b is not null)
            {
                var bs = b.Split([e, e * 2]);
                (bq, bkv) = (bs[0], bs[1]);
            }
            var kv = Linear(k, ws[1], bkv).Chunk(2, -1);
            return (Linear(q, ws[0], bq), kv[0], kv[1]);
        }
        var wc = w.Chunk(3);
        Tensor? b0 = null, b1 = null, b2 = null;
        if (b is not null)
        {
            var bc = b.Chunk(3);
            (b0, b1, b2) = (bc[0], bc[1], bc[2]);
        }
        return (Linear(q, wc[0], b0), Linear(k, wc[1], b1), Linear(v, wc[2], b2));
    }

    // F.pad(mask, (0, 1)): one more column of zeros (false for a bool mask).
    private static Tensor PadLast(Tensor mask)
    {
        var shape = mask.Shape.ToArray();
        shape[^1] = 1;
        return Torch.Cat([mask, Torch.Zeros(new Size(shape), mask.DType, mask.Device)], -1);
    }

    // PyTorch's _mha_shape_check: batched (3-D) or unbatched (2-D) inputs and masks of matching rank.
    private static bool MhaShapeCheck(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask, Tensor? attnMask, long numHeads)
    {
        if (query.Dim() == 3)
        {
            if (key.Dim() != 3 || value.Dim() != 3)
                throw new ArgumentException(
                    $"For batched (3-D) `query`, expected `key` and `value` to be 3-D but found {key.Dim()}-D and {value.Dim()}-D tensors respectively");
            if (keyPaddingMask is not null && keyPaddingMask.Dim() != 2)
                throw new ArgumentException(
                    $"For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found {keyPaddingMask.Dim()}-D tensor instead");
            if (attnMask is not null && attnMask.Dim() is not (2 or 3))
                throw new ArgumentException(
                    $"For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {attnMask.Dim()}-D tensor instead");
            return true;
        }
        if (query.Dim() == 2)
        {
            if (key.Dim() != 2 || value.Dim() != 2)
                throw new ArgumentException(
                    $"For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found {key.Dim()}-D and {value.Dim()}-D tensors respectively");
            if (keyPaddingMask is not null && keyPaddingMask.Dim() != 1)
                throw new ArgumentException(
                    $"For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found {keyPaddingMask.Dim()}-D tensor instead");
            if (attnMask is not null)
            {
                if (attnMask.Dim() is not (2 or 3))
                    throw new ArgumentException(
                        $"For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {attnMask.Dim()}-D tensor instead");
                if (attnMask.Dim() == 3 && (attnMask.Size(0) != numHeads || attnMask.Size(1) != query.Size(0) || attnMask.Size(2) != key.Size(0)))
                    throw new ArgumentException(
                        $"Expected `attn_mask` shape to be ({numHeads}, {query.Size(0)}, {key.Size(0)}) but got {attnMask.Shape}");
            }
            return false;
        }
        throw new ArgumentException($"query should be unbatched 2D or batched 3D tensor but received {query.Dim()}-D query tensor");
    }
}
