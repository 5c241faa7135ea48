using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Flint.Serialization;

/// <summary>
/// Random-access bytes a reader parses: a file (positional reads, no shared cursor), a seekable stream from its
/// position at open, or memory. Every read past the end is a truncated file and throws
/// <see cref="CheckpointFormatException"/>.
/// </summary>
internal abstract class ByteSource : IDisposable
{
    /// <summary>Number of bytes.</summary>
    public abstract long Length { get; }

    /// <summary>Fills <paramref name="destination"/> with the bytes at <paramref name="offset"/>.</summary>
    public void Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset > Length || destination.Length > Length - offset)
            throw new CheckpointFormatException(
                $"the file is truncated: {destination.Length} bytes at offset {offset} were expected, but the file has {Length} bytes");
        if (destination.Length > 0) ReadCore(offset, destination);
    }

    /// <summary>Whether <see cref="Read"/> may be called from several threads at once (positional reads, memory).</summary>
    public virtual bool ConcurrentReads => false;

    /// <summary>Reads a range known to lie inside the source.</summary>
    protected abstract void ReadCore(long offset, Span<byte> destination);

    /// <inheritdoc/>
    public virtual void Dispose() { }

    /// <summary>A source over a seekable stream (from its current position), or over a copy of a forward-only one.</summary>
    public static ByteSource From(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("the stream is not readable", nameof(stream));
        if (stream.CanSeek) return new StreamSource(stream);
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new MemorySource(copy.GetBuffer().AsMemory(0, checked((int)copy.Length)));
    }

    /// <summary>A source over a file, read with positional reads.</summary>
    public static ByteSource OpenFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new FileSource(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess));
    }

    private sealed class FileSource(SafeFileHandle handle) : ByteSource
    {
        private readonly long length = RandomAccess.GetLength(handle);

        public override long Length => length;

        public override bool ConcurrentReads => true;

        protected override void ReadCore(long offset, Span<byte> destination)
        {
            while (destination.Length > 0)
            {
                var n = RandomAccess.Read(handle, destination, offset);
                if (n <= 0)
                    throw new CheckpointFormatException($"the file ended early at offset {offset} (was it truncated while being read?)");
                destination = destination[n..];
                offset += n;
            }
        }

        public override void Dispose() => handle.Dispose();
    }

    private sealed class StreamSource(Stream stream) : ByteSource
    {
        private readonly long start = stream.Position;

        public override long Length => stream.Length - start;

        protected override void ReadCore(long offset, Span<byte> destination)
        {
            stream.Seek(start + offset, SeekOrigin.Begin);
            try
            {
                stream.ReadExactly(destination);
            }
            catch (EndOfStreamException e)
            {
                throw new CheckpointFormatException($"the stream ended early at offset {offset}", e);
            }
        }
    }

    internal sealed class MemorySource(ReadOnlyMemory<byte> memory) : ByteSource
    {
        public override long Length => memory.Length;

        public override bool ConcurrentReads => true;

        protected override void ReadCore(long offset, Span<byte> destination) =>
            memory.Span.Slice((int)offset, destination.Length).CopyTo(destination);
    }
}

/// <summary>
/// A forward reader over a range of a <see cref="ByteSource"/> with a small buffer, for pickles: every length it is
/// asked for is checked against the bytes left in the range before anything is allocated.
/// </summary>
internal sealed class BoundedReader
{
    private readonly ByteSource source;
    private readonly long end;
    private readonly byte[] buffer;
    private long bufferStart;
    private int bufferLength;
    private long position;

    public BoundedReader(ByteSource source, long start, long end, int bufferSize = 1 << 16)
    {
        this.source = source;
        this.end = end;
        position = start;
        bufferStart = start;
        buffer = new byte[(int)Math.Clamp(end - start, 16, bufferSize)];
    }

    /// <summary>Offset of the next byte in the source.</summary>
    public long Position => position;

    /// <summary>Bytes left before the end of the range.</summary>
    public long Remaining => end - position;

    private void Fill()
    {
        bufferStart = position;
        bufferLength = (int)Math.Min(buffer.Length, end - position);
        source.Read(position, buffer.AsSpan(0, bufferLength));
    }

    private void Require(long n, string what)
    {
        if (n < 0 || n > Remaining)
            throw new UnpicklingException(
                $"{what} needs {n} bytes at offset {position}, but only {Remaining} are left: the data is truncated or corrupt");
        if (n > Array.MaxLength)
            throw new UnpicklingException($"{what} of {n} bytes at offset {position} is larger than any object Flint can hold");
    }

    public byte ReadByte(string what)
    {
        Require(1, what);
        if (position < bufferStart || position >= bufferStart + bufferLength) Fill();
        return buffer[position++ - bufferStart];
    }

    /// <summary>The next <paramref name="n"/> bytes; the span is valid until the next read.</summary>
    public ReadOnlySpan<byte> ReadBytes(long n, string what)
    {
        Require(n, what);
        int count = (int)n;
        if (n <= buffer.Length)
        {
            if (position < bufferStart || position + n > bufferStart + bufferLength) Fill();
            var span = buffer.AsSpan((int)(position - bufferStart), count);
            position += n;
            return span;
        }
        var big = GC.AllocateUninitializedArray<byte>(count);
        source.Read(position, big);
        position += n;
        return big;
    }

    /// <summary>Bytes up to (not including) the next newline, at most <paramref name="maxLength"/> of them.</summary>
    public ReadOnlySpan<byte> ReadLine(int maxLength, string what)
    {
        var start = position;
        var line = new List<byte>();
        while (true)
        {
            var b = ReadByte(what);
            if (b == (byte)'\n') return CollectionsMarshal.AsSpan(line);
            if (line.Count >= maxLength)
                throw new UnpicklingException($"{what} at offset {start} is longer than {maxLength} bytes");
            line.Add(b);
        }
    }

    public void Skip(long n, string what)
    {
        Require(n, what);
        position += n;
    }
}
