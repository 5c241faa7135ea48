using System.Buffers.Binary;

namespace Flint.Board;

/// <summary>
/// Frames byte strings as TFRecords (tensorboard's <c>RecordWriter</c>): <c>u64 length</c>, <c>u32 masked CRC of
/// the length bytes</c>, the data, <c>u32 masked CRC of the data</c>, all little-endian.
/// </summary>
internal sealed class RecordWriter(Stream stream)
{
    /// <summary>Appends one record holding <paramref name="data"/>.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    /// <summary>Pushes buffered records to the operating system.</summary>
    public void Flush() => stream.Flush();

    /// <summary>Flushes and closes the underlying stream.</summary>
    public void Close()
    {
        stream.Flush();
        stream.Dispose();
    }
}
