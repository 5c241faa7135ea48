using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Flint.Backends.Cpu;

namespace Flint.Serialization;

/// <summary>One entry of a zip archive's central directory.</summary>
internal sealed record ZipEntry(string Name, long LocalHeaderOffset, long Size, uint Crc32, int Method);

/// <summary>
/// Reads the zip container of a <c>torch.save</c> checkpoint (caffe2's <c>PyTorchStreamReader</c> over miniz): the
/// central directory (zip64 included), stored entries only, CRC-32 checked, every offset and size checked against
/// the file before anything is read or allocated.
/// </summary>
internal sealed class TorchZipReader
{
    private const uint LocalSig = 0x04034b50, CentralSig = 0x02014b50, EndSig = 0x06054b50, End64Sig = 0x06064b50, Locator64Sig = 0x07064b50;

    private readonly ByteSource source;
    private readonly long centralOffset;
    private readonly Dictionary<string, ZipEntry> byName = new(StringComparer.Ordinal);

    /// <summary>Entries in central-directory order.</summary>
    public List<ZipEntry> Entries { get; } = [];

    /// <summary>The single top folder every record lives in (<c>archive</c> in 2.x, the file's stem in 1.x).</summary>
    public string Root { get; }

    public TorchZipReader(ByteSource source)
    {
        this.source = source;
        long len = source.Length;
        if (len < 22) throw new CheckpointFormatException($"the file has {len} bytes, too few for a zip archive");
        int tailLength = (int)Math.Min(len, 22 + 0xFFFF);
        var tail = new byte[tailLength];
        source.Read(len - tailLength, tail);
        int at = -1;
        for (int i = tailLength - 22; i >= 0; i--)
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndSig
                && i + 22 + BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 20)) == tailLength)
            {
                at = i;
                break;
            }
        if (at < 0) throw new CheckpointFormatException("the zip archive has no end-of-central-directory record: the file is truncated or not a zip");
        long endPos = len - tailLength + at;
        var end = tail.AsSpan(at);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
        long cdSize = BinaryPrimitives.ReadUInt32LittleEndian(end[12..]);
        long cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
        long cdLimit = endPos;
        if (endPos >= 20)
        {
            Span<byte> loc = stackalloc byte[20];
            source.Read(endPos - 20, loc);
            if (BinaryPrimitives.ReadUInt32LittleEndian(loc) == Locator64Sig)
            {
                var z64 = BinaryPrimitives.ReadUInt64LittleEndian(loc[8..]);
                if (z64 > (ulong)(endPos - 20 - 56))
                    throw new CheckpointFormatException($"the zip64 end-of-central-directory offset {z64} lies outside the file");
                Span<byte> rec = stackalloc byte[56];
                source.Read((long)z64, rec);
                if (BinaryPrimitives.ReadUInt32LittleEndian(rec) != End64Sig)
                    throw new CheckpointFormatException($"no zip64 end-of-central-directory record at offset {z64}");
                var c64 = BinaryPrimitives.ReadUInt64LittleEndian(rec[32..]);
                var s64 = BinaryPrimitives.ReadUInt64LittleEndian(rec[40..]);
                var o64 = BinaryPrimitives.ReadUInt64LittleEndian(rec[48..]);
                if (c64 > (ulong)len || s64 > (ulong)len || o64 > (ulong)len)
                    throw new CheckpointFormatException("the zip64 end-of-central-directory record has sizes larger than the file");
                (count, cdSize, cdOffset, cdLimit) = ((long)c64, (long)s64, (long)o64, (long)z64);
            }
        }
        if (cdOffset + cdSize > cdLimit)
            throw new CheckpointFormatException(
                $"the zip central directory (offset {cdOffset}, {cdSize} bytes) runs past its end at {cdLimit}: the file is truncated or corrupt");
        if (count > cdSize / 46)
            throw new CheckpointFormatException($"the zip central directory claims {count} entries but has only {cdSize} bytes");
        if (cdSize > Array.MaxLength) throw new CheckpointFormatException($"the zip central directory of {cdSize} bytes is too large");
        centralOffset = cdOffset;
        var cd = new byte[cdSize];
        source.Read(cdOffset, cd);
        ParseCentralDirectory(cd, (int)count);
        if (Entries.Count == 0) throw new CheckpointFormatException("the zip archive contains no files");
        var first = Entries[0].Name;
        int slash = first.IndexOf('/');
        if (slash <= 0) throw new CheckpointFormatException($"file in archive is not in a subdirectory: {first}");
        Root = first[..slash];
    }

    private void ParseCentralDirectory(ReadOnlySpan<byte> cd, int count)
    {
        var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
        int p = 0;
        for (int k = 0; k < count; k++)
        {
            if (cd.Length - p < 46 || BinaryPrimitives.ReadUInt32LittleEndian(cd[p..]) != CentralSig)
                throw new CheckpointFormatException($"zip central directory entry {k} is corrupt");
            var h = cd[p..];
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
            ushort method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
            long csize = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
            long usize = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
            int nameLen = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
            int extraLen = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
            int commentLen = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
            long local = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
            if (46L + nameLen + extraLen + commentLen > cd.Length - p)
                throw new CheckpointFormatException($"zip central directory entry {k} runs past the directory");
            string name;
            try
            {
                name = utf8.GetString(h.Slice(46, nameLen));
            }
            catch (DecoderFallbackException e)
            {
                throw new CheckpointFormatException($"zip entry {k} has a name that is not valid UTF-8", e);
            }
            var extra = h.Slice(46 + nameLen, extraLen);
            while (extra.Length >= 4)
            {
                int id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
                int len = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
                if (len > extra.Length - 4) throw new CheckpointFormatException($"zip entry '{name}' has a corrupt extra field");
                if (id == 1)
                {
                    var z = extra.Slice(4, len);
                    ulong Next(ref ReadOnlySpan<byte> s)
                    {
                        if (s.Length < 8) throw new CheckpointFormatException($"zip entry '{name}' has a short zip64 extra field");
                        var v = BinaryPrimitives.ReadUInt64LittleEndian(s);
                        s = s[8..];
                        return v;
                    }
                    ulong u = (ulong)usize, c = (ulong)csize, o = (ulong)local;
                    if (usize == 0xFFFFFFFF) u = Next(ref z);
                    if (csize == 0xFFFFFFFF) c = Next(ref z);
                    if (local == 0xFFFFFFFF) o = Next(ref z);
                    if (u > long.MaxValue || c > long.MaxValue || o > long.MaxValue)
                        throw new CheckpointFormatException($"zip entry '{name}' has an impossible zip64 size or offset");
                    (usize, csize, local) = ((long)u, (long)c, (long)o);
                }
                extra = extra[(4 + len)..];
            }
            if ((flags & 1) != 0) throw new CheckpointFormatException($"zip entry '{name}' is encrypted");
            if (method == 0 && csize != usize) throw new CheckpointFormatException($"stored zip entry '{name}' has different compressed and uncompressed sizes");
            if (local + 30 > centralOffset || csize > centralOffset - local - 30)
                throw new CheckpointFormatException($"zip entry '{name}' lies outside the archive's data (offset {local}, {csize} bytes)");
            var entry = new ZipEntry(name, local, usize, crc, method);
            if (!byName.TryAdd(name, entry)) throw new CheckpointFormatException($"the zip archive holds '{name}' twice");
            Entries.Add(entry);
            p += 46 + nameLen + extraLen + commentLen;
        }
    }

    /// <summary>The record <c>&lt;root&gt;/<paramref name="name"/></c>, or null.</summary>
    public ZipEntry? Find(string name) => byName.GetValueOrDefault(Root + "/" + name);

    /// <summary>True if some record's name starts with <c>&lt;root&gt;/<paramref name="prefix"/></c>.</summary>
    public bool HasPrefix(string prefix)
    {
        var full = Root + "/" + prefix;
        return Entries.Exists(e => e.Name.StartsWith(full, StringComparison.Ordinal));
    }

    /// <summary>File offset of the entry's first data byte (read from its local header, and bounds-checked).</summary>
    public long DataOffset(ZipEntry e)
    {
        if (e.Method != 0)
            throw new CheckpointFormatException(
                $"zip entry '{e.Name}' is compressed (method {e.Method}); torch.save stores every record uncompressed");
        Span<byte> h = stackalloc byte[30];
        source.Read(e.LocalHeaderOffset, h);
        if (BinaryPrimitives.ReadUInt32LittleEndian(h) != LocalSig)
            throw new CheckpointFormatException($"zip entry '{e.Name}' has no local header at offset {e.LocalHeaderOffset}");
        long data = e.LocalHeaderOffset + 30 + BinaryPrimitives.ReadUInt16LittleEndian(h[26..]) + BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
        if (data + e.Size > centralOffset)
            throw new CheckpointFormatException($"the data of zip entry '{e.Name}' runs past the archive's data");
        return data;
    }

    /// <summary>The whole entry (a record held in memory), CRC-checked.</summary>
    public byte[] ReadAll(ZipEntry e, long maxSize = int.MaxValue)
    {
        if (e.Size > Math.Min(maxSize, Array.MaxLength))
            throw new CheckpointFormatException($"zip entry '{e.Name}' of {e.Size} bytes is larger than such a record can be");
        var bytes = new byte[e.Size];
        source.Read(DataOffset(e), bytes);
        CheckCrc(e, Crc32Folding.Hash(bytes));
        return bytes;
    }

    /// <summary>Reads the entry into a storage of the same byte count, CRC-checked.</summary>
    public unsafe void ReadInto(ZipEntry e, Storage destination)
    {
        long at = DataOffset(e);
        if (destination is CpuStorage cpu)
        {
            CheckCrc(e, ReadParts(at, cpu.Pointer, e.Size));
            return;
        }
        var crc = new Crc32();
        var chunk = ArrayPool<byte>.Shared.Rent((int)Math.Min(e.Size, 1 << 22));
        try
        {
            for (long done = 0; done < e.Size;)
            {
                var n = (int)Math.Min(chunk.Length, e.Size - done);
                source.Read(at + done, chunk.AsSpan(0, n));
                crc.Append(chunk.AsSpan(0, n));
                destination.CopyFromHost(chunk.AsSpan(0, n), done);
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        CheckCrc(e, crc.GetCurrentHashAsUInt32());
    }

    // Bytes [at, at + size) into dst, returning their CRC-32: split over threads where the source reads concurrently
    // (the kernel's copy, the page faults of fresh memory and the CRC, each a third of loading a large tensor, all
    // scale), the parts' CRCs combined.
    private unsafe uint ReadParts(long at, byte* dst, long size)
    {
        int parts = source.ConcurrentReads ? Parallelism.ThreadsFor(size, ParallelReadGrain) : 1;
        var crcs = new uint[parts];
        nint adst = (nint)dst;
        Parallelism.For(parts, (t, n) =>
        {
            uint part = 0;
            for (long done = size * t / n, end = size * (t + 1) / n; done < end;)
            {
                var span = new Span<byte>((byte*)adst + done, (int)Math.Min(end - done, Array.MaxLength));
                source.Read(at + done, span);
                part = Crc32Combine(part, Crc32Folding.Hash(span), span.Length);
                done += span.Length;
            }
            crcs[t] = part;
        });
        uint crc = 0;
        for (int t = 0; t < parts; t++) crc = Crc32Combine(crc, crcs[t], size * (t + 1) / parts - size * t / parts);
        return crc;
    }

    // Below this many bytes per thread a tensor is read on the calling thread.
    private const long ParallelReadGrain = 1 << 20;

    /// <summary>
    /// The CRC-32 of A followed by B from crc(A), crc(B) and B's length (zlib's crc32_combine): crc(A) is carried
    /// through len(B) zero bytes by squaring the one-zero-bit operator in GF(2), then B's CRC added.
    /// </summary>
    internal static uint Crc32Combine(uint crcA, uint crcB, long lengthB)
    {
        if (lengthB <= 0) return crcA;
        Span<uint> even = stackalloc uint[32], odd = stackalloc uint[32];
        odd[0] = 0xEDB88320u;
        for (int n = 1; n < 32; n++) odd[n] = 1u << (n - 1);
        Square(even, odd);
        Square(odd, even);
        while (true)
        {
            Square(even, odd);
            if ((lengthB & 1) != 0) crcA = Times(even, crcA);
            if ((lengthB >>= 1) == 0) break;
            Square(odd, even);
            if ((lengthB & 1) != 0) crcA = Times(odd, crcA);
            if ((lengthB >>= 1) == 0) break;
        }
        return crcA ^ crcB;

        static uint Times(ReadOnlySpan<uint> matrix, uint vector)
        {
            uint sum = 0;
            for (int i = 0; vector != 0; i++, vector >>= 1)
                if ((vector & 1) != 0) sum ^= matrix[i];
            return sum;
        }

        static void Square(Span<uint> square, ReadOnlySpan<uint> matrix)
        {
            for (int n = 0; n < 32; n++) square[n] = Times(matrix, matrix[n]);
        }
    }

    private static void CheckCrc(ZipEntry e, uint actual)
    {
        // A zero CRC is what writers that skip checksums (torch's compute_crc32=False) leave in the header.
        if (e.Crc32 != 0 && actual != e.Crc32)
            throw new CheckpointFormatException(
                $"CRC-32 mismatch in zip entry '{e.Name}' (stored {e.Crc32:X8}, computed {actual:X8}): the file is corrupt");
    }
}

/// <summary>
/// Writes the zip container of a <c>torch.save</c> checkpoint as caffe2's <c>PyTorchStreamWriter</c> does: stored
/// entries under one top folder, each entry's data at a 64-byte aligned offset (padding in an <c>FB</c> extra field),
/// CRC-32 in a data descriptor after the data (so nothing is seeked and storages stream straight from memory), and a
/// zip64 end record. Works on forward-only streams.
/// </summary>
internal sealed class TorchZipWriter
{
    private const int Alignment = 64;

    [ThreadStatic] private static long? zip64ThresholdOverride;

    /// <summary>
    /// Sizes and offsets at or above this are written in zip64 form (4 GiB - 1, as in the zip spec). Tests lower it on
    /// their own thread to produce zip64 records from small files.
    /// </summary>
    internal static long Zip64Threshold
    {
        get => zip64ThresholdOverride ?? uint.MaxValue;
        set => zip64ThresholdOverride = value;
    }

    private readonly Stream output;
    private readonly string root;
    private readonly List<(byte[] Name, long Offset, long Size, uint Crc)> written = [];
    private long position;

    public TorchZipWriter(Stream output, string root)
    {
        this.output = output;
        this.root = root;
    }

    private void Put(ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        position += bytes.Length;
    }

    private long Begin(string name, long size, out byte[] nameBytes)
    {
        nameBytes = Encoding.UTF8.GetBytes(root + "/" + name);
        long offset = position;
        bool zip64 = size >= Zip64Threshold;
        int zip64Extra = zip64 ? 20 : 0;
        long start = offset + 30 + nameBytes.Length + zip64Extra + 4;
        int pad = (int)((Alignment - start % Alignment) % Alignment);
        Span<byte> h = stackalloc byte[30];
        h.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], (ushort)(zip64 ? 45 : 0));
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 0x0808); // data descriptor follows; UTF-8 names
        BinaryPrimitives.WriteUInt16LittleEndian(h[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)(zip64Extra + 4 + pad));
        Put(h);
        Put(nameBytes);
        Span<byte> extra = stackalloc byte[zip64Extra + 4 + pad];
        extra.Clear();
        if (zip64)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 1);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 16);
        }
        extra[zip64Extra] = (byte)'F';
        extra[zip64Extra + 1] = (byte)'B';
        BinaryPrimitives.WriteUInt16LittleEndian(extra[(zip64Extra + 2)..], (ushort)pad);
        extra[(zip64Extra + 4)..].Fill((byte)'Z');
        Put(extra);
        return offset;
    }

    private void End(byte[] name, long offset, long size, uint crc)
    {
        bool zip64 = size >= Zip64Threshold;
        Span<byte> d = stackalloc byte[zip64 ? 24 : 16];
        BinaryPrimitives.WriteUInt32LittleEndian(d, 0x08074b50);
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], crc);
        if (zip64)
        {
            BinaryPrimitives.WriteInt64LittleEndian(d[8..], size);
            BinaryPrimitives.WriteInt64LittleEndian(d[16..], size);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(d[8..], (uint)size);
            BinaryPrimitives.WriteUInt32LittleEndian(d[12..], (uint)size);
        }
        Put(d);
        written.Add((name, offset, size, crc));
    }

    /// <summary>Writes a record held in memory.</summary>
    public void Write(string name, ReadOnlySpan<byte> data)
    {
        var offset = Begin(name, data.Length, out var nameBytes);
        Put(data);
        End(nameBytes, offset, data.Length, Crc32Folding.Hash(data));
    }

    /// <summary>Writes a storage's bytes, streamed from its memory (CPU) or in chunks through the host.</summary>
    public void Write(string name, Storage storage)
    {
        if (storage is CpuStorage cpu)
        {
            Write(name, cpu.Bytes);
            return;
        }
        long size = storage.ByteCount;
        var offset = Begin(name, size, out var nameBytes);
        var crc = new Crc32();
        var chunk = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(size, 1), 1 << 22));
        try
        {
            for (long done = 0; done < size;)
            {
                var n = (int)Math.Min(chunk.Length, size - done);
                storage.CopyToHost(done, chunk.AsSpan(0, n));
                crc.Append(chunk.AsSpan(0, n));
                Put(chunk.AsSpan(0, n));
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        End(nameBytes, offset, size, crc.GetCurrentHashAsUInt32());
    }

    /// <summary>Writes the central directory and the (zip64) end records.</summary>
    public void Finish()
    {
        long threshold = Zip64Threshold;
        long cdStart = position;
        Span<byte> header = stackalloc byte[46 + 28];
        foreach (var (name, offset, size, crc) in written)
        {
            bool bigSize = size >= threshold, bigOffset = offset >= threshold;
            int extraLen = bigSize || bigOffset ? 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) : 0;
            var h = header[..(46 + extraLen)];
            h.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(h, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(h[6..], (ushort)(extraLen > 0 ? 45 : 0));
            BinaryPrimitives.WriteUInt16LittleEndian(h[8..], 0x0808);
            BinaryPrimitives.WriteUInt32LittleEndian(h[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(h[20..], bigSize ? uint.MaxValue : (uint)size);
            BinaryPrimitives.WriteUInt32LittleEndian(h[24..], bigSize ? uint.MaxValue : (uint)size);
            BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(h[30..], (ushort)extraLen);
            BinaryPrimitives.WriteUInt32LittleEndian(h[42..], bigOffset ? uint.MaxValue : (uint)offset);
            if (extraLen > 0)
            {
                var x = h[46..];
                BinaryPrimitives.WriteUInt16LittleEndian(x, 1);
                BinaryPrimitives.WriteUInt16LittleEndian(x[2..], (ushort)(extraLen - 4));
                int p = 4;
                if (bigSize)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(x[p..], size);
                    BinaryPrimitives.WriteInt64LittleEndian(x[(p + 8)..], size);
                    p += 16;
                }
                if (bigOffset) BinaryPrimitives.WriteInt64LittleEndian(x[p..], offset);
            }
            Put(h[..46]);
            Put(name);
            Put(h[46..]);
        }
        long cdSize = position - cdStart, end64 = position;
        Span<byte> e = stackalloc byte[56 + 20 + 22];
        e.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(e, 0x06064b50);
        BinaryPrimitives.WriteInt64LittleEndian(e[4..], 44);
        BinaryPrimitives.WriteUInt16LittleEndian(e[12..], 0x031e);
        BinaryPrimitives.WriteUInt16LittleEndian(e[14..], 45);
        BinaryPrimitives.WriteInt64LittleEndian(e[24..], written.Count);
        BinaryPrimitives.WriteInt64LittleEndian(e[32..], written.Count);
        BinaryPrimitives.WriteInt64LittleEndian(e[40..], cdSize);
        BinaryPrimitives.WriteInt64LittleEndian(e[48..], cdStart);
        var loc = e[56..];
        BinaryPrimitives.WriteUInt32LittleEndian(loc, 0x07064b50);
        BinaryPrimitives.WriteInt64LittleEndian(loc[8..], end64);
        BinaryPrimitives.WriteUInt32LittleEndian(loc[16..], 1);
        var end = e[76..];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        ushort n16 = written.Count >= 0xFFFF ? (ushort)0xFFFF : (ushort)written.Count;
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], n16);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], n16);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], cdSize >= threshold ? uint.MaxValue : (uint)cdSize);
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], cdStart >= threshold ? uint.MaxValue : (uint)cdStart);
        Put(e);
        output.Flush();
    }
}
