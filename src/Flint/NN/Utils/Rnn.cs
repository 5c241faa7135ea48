namespace Flint.NN;

/// <summary><c>torch.nn.utils</c>.</summary>
public static partial class Utils
{
    /// <summary>
    /// <c>torch.nn.utils.rnn</c>: packing variable-length sequences for the recurrent layers and padding them back.
    /// Every function is differentiable (gathers through <c>index_select</c>, joins through <c>cat</c>/<c>stack</c>).
    /// </summary>
    public static class Rnn
    {
        /// <summary>The inverse of a permutation, or null for null (<c>invert_permutation</c>).</summary>
        public static Tensor? InvertPermutation(Tensor? permutation)
        {
            if (permutation is null) return null;
            var output = Torch.EmptyLike(permutation);
            output.Scatter_(0, permutation, Torch.Arange(0, permutation.Numel(), device: permutation.Device));
            return output;
        }

        /// <summary>
        /// Packs a padded batch [T, B, *] (or [B, T, *] with <paramref name="batchFirst"/>) whose sequences have the
        /// given lengths (<c>pack_padded_sequence(input, lengths, batch_first, enforce_sorted)</c>). With
        /// <paramref name="enforceSorted"/> the lengths must be decreasing; otherwise the batch is sorted first and the
        /// order kept in the result's indices.
        /// </summary>
        public static PackedSequence PackPaddedSequence(Tensor input, Tensor lengths, bool batchFirst = false, bool enforceSorted = true)
        {
            lengths = lengths.To(DType.Int64, Device.CPU);
            Tensor? sortedIndices = null;
            if (!enforceSorted)
            {
                (lengths, sortedIndices) = lengths.Sort(descending: true);
                sortedIndices = sortedIndices.To(input.Device);
                input = input.IndexSelect(batchFirst ? 0 : 1, sortedIndices);
            }
            var (data, batchSizes) = Pack(input, lengths, batchFirst);
            return new PackedSequence(data, batchSizes, sortedIndices);
        }

        /// <summary>
        /// Packs a padded batch given its lengths as numbers (<c>pack_padded_sequence(input, [3, 2, 1], ...)</c>).
        /// </summary>
        public static PackedSequence PackPaddedSequence(Tensor input, long[] lengths, bool batchFirst = false, bool enforceSorted = true) =>
            PackPaddedSequence(input, Torch.Tensor(lengths), batchFirst, enforceSorted);

        // ATen's _pack_padded_sequence: the rows of step t are the first batch_sizes[t] sequences at t.
        private static (Tensor Data, Tensor BatchSizes) Pack(Tensor input, Tensor lengthsT, bool batchFirst)
        {
            if (batchFirst) input = input.Transpose(0, 1);
            if (lengthsT.Dim() != 1)
                throw new ArgumentException($"'lengths' argument should be a 1D CPU int64 tensor, but got {lengthsT.Dim()}D cpu Long tensor");
            var lengths = lengthsT.ToArray<long>();
            if (input.Dim() < 2) throw new ArgumentException($"input must have at least 2 dimensions, got {input.Dim()}");
            long steps = input.shape[0], batch = input.shape[1];
            if (lengths.Length != batch)
                throw new ArgumentException($"Expected `len(lengths)` to be equal to batch_size, but got {lengths.Length} (batch_size={batch})");
            if (batch == 0 || lengths[^1] <= 0)
                throw new ArgumentException(
                    "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
            for (int b = 1; b < lengths.Length; b++)
                if (lengths[b] > lengths[b - 1])
                    throw new ArgumentException(
                        "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass " +
                        "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if " +
                        "you do not need ONNX exportability.");
            if (lengths[0] > steps)
                throw new ArgumentException(
                    $"the longest sequence has length {lengths[0]} but the padded input has only {steps} time steps");
            var bs = new long[lengths[0]];
            var rows = new List<long>();
            for (long t = 0; t < bs.Length; t++)
            {
                long k = 0;
                while (k < batch && lengths[k] > t) k++;
                bs[t] = k;
                for (long b = 0; b < k; b++) rows.Add(t * batch + b);
            }
            var flat = input.Reshape([steps * batch, .. input.shape[2..]]);
            var data = flat.IndexSelect(0, Torch.Tensor(rows.ToArray()).To(input.Device));
            return (data, Torch.Tensor(bs));
        }

        /// <summary>
        /// Pads a packed batch back to [T, B, *] (or [B, T, *]) and returns it with the sequences' lengths
        /// (<c>pad_packed_sequence(sequence, batch_first, padding_value, total_length)</c>), in the order the batch had
        /// before packing.
        /// </summary>
        public static (Tensor Padded, Tensor Lengths) PadPackedSequence(PackedSequence sequence, bool batchFirst = false,
            double paddingValue = 0.0, long? totalLength = null)
        {
            var bs = sequence.BatchSizes.ToArray<long>();
            long maxLen = bs.Length;
            if (totalLength is { } tl)
            {
                if (tl < maxLen)
                    throw new ArgumentException(
                        "Expected total_length to be at least the length of the longest sequence in input, but got " +
                        $"total_length={tl} and max sequence length being {maxLen}");
                maxLen = tl;
            }
            var data = sequence.Data;
            long batch = bs.Length == 0 ? 0 : bs[0], n = data.shape[0];
            var trailing = data.shape[1..];
            // One gather from the packed rows plus a row of padding.
            var pad = Torch.Full(new Size([1, .. trailing]), paddingValue, data.DType, data.Device);
            var source = Torch.Cat([data, pad]);
            var index = new long[maxLen * batch];
            Array.Fill(index, n);
            var lengths = new long[batch];
            long off = 0;
            for (int t = 0; t < bs.Length; t++)
            {
                for (long b = 0; b < bs[t]; b++)
                {
                    index[t * batch + b] = off + b;
                    lengths[b] = t + 1;
                }
                off += bs[t];
            }
            var padded = source.IndexSelect(0, Torch.Tensor(index).To(data.Device)).View([maxLen, batch, .. trailing]);
            if (batchFirst) padded = padded.Transpose(0, 1);
            var lengthsT = Torch.Tensor(lengths);
            if (sequence.UnsortedIndices is { } unsorted)
                return (padded.IndexSelect(batchFirst ? 0 : 1, unsorted), lengthsT.IndexSelect(0, unsorted.Cpu()));
            return (padded, lengthsT);
        }

        /// <summary>
        /// Stacks sequences of shape [L_i, *] into one padded tensor [max L, B, *] (or [B, max L, *])
        /// (<c>pad_sequence(sequences, batch_first, padding_value)</c>).
        /// </summary>
        public static Tensor PadSequence(IEnumerable<Tensor> sequences, bool batchFirst = false, double paddingValue = 0.0)
        {
            var seqs = sequences.ToList();
            if (seqs.Count == 0) throw new ArgumentException("received an empty list of sequences");
            var trailing = seqs[0].shape[1..];
            long maxLen = seqs.Max(s => s.shape[0]);
            var rows = new List<Tensor>(seqs.Count);
            foreach (var s in seqs)
            {
                for (int d = 0; d < trailing.Length; d++)
                    if (s.shape.Length != trailing.Length + 1 || s.shape[d + 1] != trailing[d])
                        throw new ArgumentException(
                            $"The size of tensor a ({trailing[d]}) must match the size of tensor b ({(d + 1 < s.shape.Length ? s.shape[d + 1] : 1)}) " +
                            $"at non-singleton dimension {d + 1}");
                long len = s.shape[0];
                rows.Add(len == maxLen
                    ? s
                    : Torch.Cat([s, Torch.Full(new Size([maxLen - len, .. trailing]), paddingValue, s.DType, s.Device)]));
            }
            return Torch.Stack(rows, batchFirst ? 0 : 1);
        }

        /// <summary>Splits a padded batch back into its sequences (<c>unpad_sequence(padded_sequences, lengths, batch_first)</c>).</summary>
        public static Tensor[] UnpadSequence(Tensor paddedSequences, Tensor lengths, bool batchFirst = false)
        {
            var x = batchFirst ? paddedSequences : paddedSequences.Transpose(0, 1);
            var lens = lengths.ToArray<long>();
            var result = new Tensor[lens.Length];
            for (int i = 0; i < lens.Length; i++) result[i] = x.Select(0, i).Narrow(0, 0, lens[i]);
            return result;
        }

        /// <summary>Packs a list of sequences [L_i, *] (<c>pack_sequence(sequences, enforce_sorted)</c>).</summary>
        public static PackedSequence PackSequence(IEnumerable<Tensor> sequences, bool enforceSorted = true)
        {
            var seqs = sequences.ToList();
            var lengths = Torch.Tensor(seqs.Select(s => s.shape.Length == 0 ? 0L : s.shape[0]).ToArray());
            return PackPaddedSequence(PadSequence(seqs), lengths, enforceSorted: enforceSorted);
        }

        /// <summary>The sequences of a packed batch, in their original order (<c>unpack_sequence(packed_sequences)</c>).</summary>
        public static Tensor[] UnpackSequence(PackedSequence packedSequences)
        {
            var (padded, lengths) = PadPackedSequence(packedSequences, batchFirst: true);
            return UnpadSequence(padded, lengths, batchFirst: true);
        }
    }
}
