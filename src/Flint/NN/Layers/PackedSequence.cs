namespace Flint.NN;

/// <summary>
/// A batch of variable-length sequences packed time step by time step (<c>torch.nn.utils.rnn.PackedSequence</c>):
/// <see cref="Data"/> holds the rows of step 0 (one per sequence still running), then step 1, ...;
/// <see cref="BatchSizes"/> (int64, on the CPU) how many sequences run at each step. Made by
/// <see cref="Utils.Rnn.PackPaddedSequence(Tensor, Tensor, bool, bool)"/> or <see cref="Utils.Rnn.PackSequence"/>
/// and accepted by <see cref="RNN"/>, <see cref="LSTM"/> and <see cref="GRU"/>.
/// </summary>
public sealed class PackedSequence
{
    /// <summary>The packed rows, [sum(batch_sizes), *] (<c>data</c>).</summary>
    public Tensor Data { get; }

    /// <summary>Sequences running at each time step (<c>batch_sizes</c>).</summary>
    public Tensor BatchSizes { get; }

    /// <summary>The order the batch was sorted into by decreasing length, or null if it came sorted (<c>sorted_indices</c>).</summary>
    public Tensor? SortedIndices { get; }

    /// <summary>The inverse of <see cref="SortedIndices"/>, restoring the caller's order (<c>unsorted_indices</c>).</summary>
    public Tensor? UnsortedIndices { get; }

    /// <summary>
    /// Wraps packed data (<c>PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)</c>); the unsorted
    /// indices default to the inverse permutation of the sorted ones. Batch sizes must be on the CPU.
    /// </summary>
    public PackedSequence(Tensor data, Tensor batchSizes, Tensor? sortedIndices = null, Tensor? unsortedIndices = null)
    {
        if (!batchSizes.Device.IsCpu)
            throw new ArgumentException(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never be created manually. " +
                "They should be instantiated by functions like pack_sequence and pack_padded_sequences in nn.utils.rnn. " +
                "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence");
        Data = data;
        BatchSizes = batchSizes;
        SortedIndices = sortedIndices;
        UnsortedIndices = unsortedIndices ?? Utils.Rnn.InvertPermutation(sortedIndices);
    }

    /// <summary>Unpacks as the Python named tuple does: <c>var (data, batchSizes, sorted, unsorted) = packed;</c>.</summary>
    public void Deconstruct(out Tensor data, out Tensor batchSizes, out Tensor? sortedIndices, out Tensor? unsortedIndices)
    {
        data = Data;
        batchSizes = BatchSizes;
        sortedIndices = SortedIndices;
        unsortedIndices = UnsortedIndices;
    }

    private PackedSequence WithData(Tensor data)
    {
        if (ReferenceEquals(data, Data)) return this;
        return new PackedSequence(data, BatchSizes, SortedIndices?.To(data.Device), UnsortedIndices?.To(data.Device));
    }

    /// <summary>Moves the data (and the index tensors) to a device; batch sizes stay on the CPU (<c>to(device)</c>).</summary>
    public PackedSequence To(Device device) => WithData(Data.To(device));

    /// <summary>Converts the data's dtype (<c>to(dtype)</c>).</summary>
    public PackedSequence To(DType dtype) => WithData(Data.To(dtype));

    /// <summary><c>cpu()</c>.</summary>
    public PackedSequence Cpu() => To(Device.CPU);

    /// <summary><c>cuda(device)</c>.</summary>
    public PackedSequence Cuda(int device = 0) => To(new Device(DeviceType.Cuda, device));

    /// <summary><c>double()</c>.</summary>
    public PackedSequence Double() => To(DType.Float64);

    /// <summary><c>float()</c>.</summary>
    public PackedSequence Float() => To(DType.Float32);

    /// <summary><c>half()</c>.</summary>
    public PackedSequence Half() => To(DType.Float16);

    /// <summary><c>long()</c>.</summary>
    public PackedSequence Long() => To(DType.Int64);

    /// <summary><c>int()</c>.</summary>
    public PackedSequence Int() => To(DType.Int32);

    /// <summary><c>short()</c>.</summary>
    public PackedSequence Short() => To(DType.Int16);

    /// <summary><c>char()</c>.</summary>
    public PackedSequence Char() => To(DType.Int8);

    /// <summary><c>byte()</c>.</summary>
    public PackedSequence Byte() => To(DType.UInt8);

    /// <summary>Whether the data is on a GPU (<c>is_cuda</c>).</summary>
    public bool IsCuda => Data.IsCuda;

    /// <summary>Prints as PyTorch's named tuple.</summary>
    public override string ToString() =>
        $"PackedSequence(data={Data}, batch_sizes={BatchSizes}, sorted_indices={SortedIndices?.ToString() ?? "None"}, " +
        $"unsorted_indices={UnsortedIndices?.ToString() ?? "None"})";
}
