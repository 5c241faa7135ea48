namespace Flint.Backends.Cuda;

/// <summary>
/// Device memory for tensors: a block of a device's caching allocator, held by a SafeHandle, so the memory returns to
/// the cache when the last tensor viewing it is collected (and the GC is told about its size while it lives).
/// </summary>
internal sealed class CudaStorage : Storage
{
    private readonly DeviceBlock block;

    public CudaStorage(CudaDevice device, long byteCount, bool zeroed)
        : base(byteCount)
    {
        CudaDevice = device;
        block = device.Allocator.Allocate(byteCount);
        if (zeroed && byteCount > 0) device.Memset(block.Pointer, 1, 0, byteCount);
    }

    /// <summary>The GPU the bytes live on.</summary>
    public CudaDevice CudaDevice { get; }

    public override Device Device => CudaDevice.Device;

    /// <summary>The device address of byte 0 (valid while this storage is reachable).</summary>
    public ulong Pointer => block.Pointer;

    /// <summary>Keeps the block alive until this point of the caller (pair with uses of <see cref="Pointer"/>).</summary>
    public void KeepAlive() => GC.KeepAlive(block);

    public override void CopyToHost(long byteOffset, Span<byte> destination)
    {
        CheckRange(byteOffset, destination.Length);
        CudaDevice.CopyToHost(block.Pointer + (ulong)byteOffset, destination);
        GC.KeepAlive(block);
    }

    public override void CopyFromHost(ReadOnlySpan<byte> source, long byteOffset)
    {
        CheckRange(byteOffset, source.Length);
        CudaDevice.CopyToDevice(block.Pointer + (ulong)byteOffset, source);
        GC.KeepAlive(block);
    }

    private void CheckRange(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > ByteCount)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"bytes [{offset}, {offset + length}) are outside the {ByteCount}-byte CUDA storage");
    }
}
