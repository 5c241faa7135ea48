namespace Flint;

/// <summary>
/// A flat, untyped block of memory on one device that tensors view (<c>torch.UntypedStorage</c>).
/// Several tensors (views) may share one storage; the dtype belongs to each tensor.
/// </summary>
public abstract class Storage
{
    /// <summary>Size in bytes (<c>storage.nbytes()</c>).</summary>
    public long ByteCount { get; }

    /// <summary>The device the bytes live on.</summary>
    public abstract Device Device { get; }

    /// <summary>Creates a storage of <paramref name="byteCount"/> bytes.</summary>
    protected Storage(long byteCount) => ByteCount = byteCount;

    /// <summary>Copies the storage's bytes into host memory (used for saving and host interop).</summary>
    public abstract void CopyToHost(long byteOffset, Span<byte> destination);

    /// <summary>Copies host bytes into the storage.</summary>
    public abstract void CopyFromHost(ReadOnlySpan<byte> source, long byteOffset);
}

/// <summary>
/// Counts in-place writes to a storage's data as seen through a tensor and its views, so that autograd can
/// tell when a tensor saved for backward was changed afterwards (PyTorch's <c>_version</c>).
/// </summary>
internal sealed class VersionCounter
{
    public int Value;
}
