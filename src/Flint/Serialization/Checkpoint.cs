using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using Flint.Backends;
using Flint.Backends.Cpu;

namespace Flint.Serialization;

/// <summary>
/// Reads a <c>torch.save</c> checkpoint: the zip format (PyTorch 1.6 and later, any top folder, byteorder record,
/// protocols 2-5) or the legacy format of PyTorch before 1.6 (a sequence of pickles followed by raw storages).
/// Storages go straight from the file into tensor memory; everything is validated before it is allocated.
/// </summary>
internal static class CheckpointReader
{
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("119547037146038801333356");
    private const long LegacyProtocolVersion = 1001;

    public static object? Load(ByteSource source, Device? mapLocation)
    {
        long len = source.Length;
        if (len == 0) throw new CheckpointFormatException("the checkpoint file is empty");
        Span<byte> head = stackalloc byte[(int)Math.Min(len, 16)];
        source.Read(0, head);
        if (head.Length >= 4 && head[..4].SequenceEqual("PK\u0003\u0004"u8)) return LoadZip(source, mapLocation);
        if (head.Length >= 8 && head[..8].SequenceEqual("PYTORCH1"u8))
            throw new CheckpointFormatException("File is an unsupported archive format from the preview release.");
        if (head.Length >= 9 && head[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(head) < (ulong)len)
            throw new CheckpointFormatException("the file looks like a safetensors file; load it with Flint.Serialization.SafeTensors.Load");
        if (head[0] == 0x80) return LoadLegacy(source, mapLocation);
        if (len >= 262)
        {
            Span<byte> ustar = stackalloc byte[5];
            source.Read(257, ustar);
            if (ustar.SequenceEqual("ustar"u8))
                throw new CheckpointFormatException(
                    "the checkpoint is in the tar-based format of the earliest PyTorch releases, which Flint does not read; re-save it with a newer PyTorch");
        }
        throw new CheckpointFormatException(
            $"the file is not a PyTorch checkpoint: it starts with {Convert.ToHexString(head[..Math.Min(head.Length, 4)])}, " +
            "not a zip archive (torch.save since 1.6) or a pickle (the legacy format)");
    }

    private static Device Target(string location, Device? mapLocation)
    {
        if (mapLocation is { } map) return map;
        Device d;
        try
        {
            d = Device.Parse(location);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException(
                $"the checkpoint places a storage on '{location}', which Flint does not know; pass mapLocation to load it elsewhere", e);
        }
        if (d.IsCuda && CudaBackends.Factory is null)
            throw new InvalidOperationException(
                "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you are running " +
                "on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to map your storages to the CPU.");
        return d;
    }

    private static string Decode(object? v) => v switch
    {
        string s => s,
        byte[] b => System.Text.Encoding.ASCII.GetString(b),
        _ => throw new UnpicklingException($"expected a str in a persistent id, got {PyTypes.Name(v)}"),
    };

    private static (DType DType, int ItemSize) StorageDType(object? cls)
    {
        if (cls is not PyGlobal { Kind: GlobalKind.StorageClass } g)
            throw new UnpicklingException($"a persistent id names {PyTypes.Name(cls)} where a storage class belongs");
        if (g.DType is not { } dt)
            throw new CheckpointFormatException($"the checkpoint holds a {g.FullName}, a dtype Flint does not support");
        return (dt, dt.ElementSize());
    }

    private static long Bytes(long numel, int itemSize)
    {
        if (numel < 0) throw new UnpicklingException($"a storage has a negative element count {numel}");
        try
        {
            return checked(numel * itemSize);
        }
        catch (OverflowException e)
        {
            throw new UnpicklingException($"a storage of {numel} elements overflows 64-bit sizes", e);
        }
    }

    private static void SwapBytes(Storage storage, int itemSize)
    {
        if (itemSize == 1 || storage.ByteCount == 0) return;
        Span<byte> bytes;
        byte[]? host = null;
        if (storage is CpuStorage cpu) bytes = cpu.Bytes;
        else
        {
            host = new byte[storage.ByteCount];
            storage.CopyToHost(0, host);
            bytes = host;
        }
        switch (itemSize)
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(bytes), MemoryMarshal.Cast<byte, ushort>(bytes)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(bytes), MemoryMarshal.Cast<byte, uint>(bytes)); break;
            default: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(bytes), MemoryMarshal.Cast<byte, ulong>(bytes)); break;
        }
        if (host is not null) storage.CopyFromHost(host, 0);
    }

    private static object? LoadZip(ByteSource source, Device? mapLocation)
    {
        var zip = new TorchZipReader(source);
        if (zip.Find("constants.pkl") is not null || zip.HasPrefix("code/"))
            throw new CheckpointFormatException(
                "the file is a TorchScript archive (torch.jit.save); Flint reads torch.save checkpoints");
        var versionEntry = zip.Find(".data/version") ?? zip.Find("version")
            ?? throw new CheckpointFormatException($"the archive has no '{zip.Root}/version' record: it is not a torch.save checkpoint");
        var versionText = System.Text.Encoding.ASCII.GetString(zip.ReadAll(versionEntry, 64)).Trim();
        if (!long.TryParse(versionText, out var version) || version < 1)
            throw new CheckpointFormatException($"the archive's version record holds '{versionText}', not a format version");
        if (version > 10)
            throw new CheckpointFormatException(
                $"Attempted to read a PyTorch file with version {version}, but the maximum supported version for reading is 10.");
        bool bigEndian = false;
        if (zip.Find("byteorder") is { } order)
        {
            var text = System.Text.Encoding.ASCII.GetString(zip.ReadAll(order, 64));
            bigEndian = text switch
            {
                "little" => false,
                "big" => true,
                _ => throw new CheckpointFormatException($"the archive's byteorder record holds '{text}', not 'little' or 'big'"),
            };
        }
        var pkl = zip.Find("data.pkl")
            ?? throw new CheckpointFormatException($"the archive has no '{zip.Root}/data.pkl' record: it is not a torch.save checkpoint");
        var pickle = zip.ReadAll(pkl);

        var loaded = new Dictionary<string, Storage>(StringComparer.Ordinal);
        object PersistentLoad(object? pid)
        {
            if (pid is not object?[] { Length: 5 } t || Decode(t[0]) != "storage")
                throw new UnpicklingException($"persistent ids must be ('storage', class, key, location, numel), got {PyTypes.Name(pid)}");
            var (dtype, itemSize) = StorageDType(t[1]);
            var key = Decode(t[2]);
            var location = Decode(t[3]);
            if (t[4] is not long numel) throw new UnpicklingException($"a storage's element count must be an int, got {PyTypes.Name(t[4])}");
            var nbytes = Bytes(numel, itemSize);
            if (!loaded.TryGetValue(key, out var storage))
            {
                var entry = zip.Find("data/" + key)
                    ?? throw new CheckpointFormatException($"data.pkl refers to storage '{key}', but the archive has no record '{zip.Root}/data/{key}'");
                if (entry.Size != nbytes)
                    throw new CheckpointFormatException(
                        $"record '{entry.Name}' holds {entry.Size} bytes, but data.pkl declares {numel} {dtype.ShortName()} elements ({nbytes} bytes)");
                storage = Backend.For(Target(location, mapLocation)).Allocate(nbytes, zeroed: false);
                zip.ReadInto(entry, storage);
                if (bigEndian) SwapBytes(storage, itemSize);
                loaded[key] = storage;
            }
            else if (storage.ByteCount % itemSize != 0)
            {
                throw new CheckpointFormatException($"storage '{key}' of {storage.ByteCount} bytes cannot hold {dtype.ShortName()} elements");
            }
            return new StorageRef(storage, dtype, storage.ByteCount / itemSize, 0);
        }

        var raw = new Unpickler(new BoundedReader(new ByteSource.MemorySource(pickle), 0, pickle.Length), PersistentLoad).Load();
        return new PickleConverter().Convert(raw);
    }

    private static object NoPersistentIds(object? pid) =>
        throw new UnpicklingException("a persistent id appears where the legacy format allows none");

    private static object? LoadLegacy(ByteSource source, Device? mapLocation)
    {
        var reader = new BoundedReader(source, 0, source.Length);
        var magic = new Unpickler(reader, NoPersistentIds).Load();
        if (!(magic is BigInteger m && m == LegacyMagic))
            throw new CheckpointFormatException("Invalid magic number; corrupt file?");
        var protocol = new Unpickler(reader, NoPersistentIds).Load();
        if (protocol is not LegacyProtocolVersion)
            throw new CheckpointFormatException($"Invalid protocol version: {protocol}");
        if (new Unpickler(reader, NoPersistentIds).Load() is not PyDict sysInfo)
            throw new CheckpointFormatException("the legacy checkpoint's system-info record is not a dict");
        foreach (var (k, v) in sysInfo.Items)
            if (k is "little_endian" && v is false)
                throw new CheckpointFormatException("the legacy checkpoint was written on a big-endian machine, which Flint does not read");

        var storages = new Dictionary<string, (Storage Storage, DType DType, long Numel)>(StringComparer.Ordinal);
        long declared = 0;
        object PersistentLoad(object? pid)
        {
            if (pid is object?[] { Length: > 0 } p && p[0] is string or byte[] && Decode(p[0]) == "module")
                throw new CheckpointFormatException(
                    "the legacy checkpoint holds a pickled nn.Module (torch.save(model)); Flint loads state dicts (save model.state_dict())");
            if (pid is not object?[] { Length: 6 } t || Decode(t[0]) != "storage")
                throw new UnpicklingException($"legacy persistent ids must be ('storage', class, key, location, numel, view), got {PyTypes.Name(pid)}");
            var (dtype, itemSize) = StorageDType(t[1]);
            var key = Decode(t[2]);
            var location = Decode(t[3]);
            if (t[4] is not long numel) throw new UnpicklingException($"a storage's element count must be an int, got {PyTypes.Name(t[4])}");
            var nbytes = Bytes(numel, itemSize);
            if (!storages.TryGetValue(key, out var root))
            {
                // The data follows the pickles, with an 8-byte count each: a declared size must fit in what is left.
                if (nbytes > reader.Remaining - declared - 8)
                    throw new CheckpointFormatException(
                        $"the legacy checkpoint declares a storage of {nbytes} bytes, but only {reader.Remaining} bytes follow");
                declared += nbytes + 8;
                root = (Backend.For(Target(location, mapLocation)).Allocate(nbytes, zeroed: false), dtype, numel);
                storages[key] = root;
            }
            else if (root.DType != dtype)
            {
                throw new CheckpointFormatException($"legacy storage '{key}' is used as both {root.DType.ShortName()} and {dtype.ShortName()}");
            }
            if (t[5] is null) return new StorageRef(root.Storage, dtype, root.Numel, 0);
            if (t[5] is not object?[] { Length: 3 } view || view[1] is not long viewOffset || view[2] is not long viewSize
                || viewOffset < 0 || viewSize < 0 || viewOffset > root.Numel - viewSize)
                throw new UnpicklingException($"legacy storage '{key}' has an invalid view (offset, size) for its {root.Numel} elements");
            return new StorageRef(root.Storage, dtype, viewSize, viewOffset);
        }

        var raw = new Unpickler(reader, PersistentLoad).Load();
        if (new Unpickler(reader, NoPersistentIds).Load() is not List<object?> keys)
            throw new CheckpointFormatException("the legacy checkpoint's storage-key list is missing or not a list");
        var filled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var k in keys)
        {
            var key = Decode(k);
            if (!storages.TryGetValue(key, out var s))
                throw new CheckpointFormatException($"the legacy checkpoint lists data for storage '{key}', which no tensor uses");
            if (!filled.Add(key)) throw new CheckpointFormatException($"the legacy checkpoint lists storage '{key}' twice");
            var count = BinaryPrimitives.ReadInt64LittleEndian(reader.ReadBytes(8, "a storage's element count"));
            if (count != s.Numel)
                throw new CheckpointFormatException($"storage has wrong size: expected {s.Numel} got {count}");
            long at = reader.Position;
            reader.Skip(s.Storage.ByteCount, "a storage's data");
            ReadStorage(source, at, s.Storage);
        }
        foreach (var key in storages.Keys)
            if (!filled.Contains(key))
                throw new CheckpointFormatException($"the legacy checkpoint has no data for storage '{key}'");
        return new PickleConverter().Convert(raw);
    }

    private static void ReadStorage(ByteSource source, long at, Storage storage)
    {
        if (storage is CpuStorage cpu)
        {
            source.Read(at, cpu.Bytes);
            return;
        }
        var chunk = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(storage.ByteCount, 1), 1 << 22));
        try
        {
            for (long done = 0; done < storage.ByteCount;)
            {
                var n = (int)Math.Min(chunk.Length, storage.ByteCount - done);
                source.Read(at + done, chunk.AsSpan(0, n));
                storage.CopyFromHost(chunk.AsSpan(0, n), done);
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}

/// <summary>Writes a <c>torch.save</c> checkpoint in the zip format PyTorch 1.6 and later read.</summary>
internal static class CheckpointWriter
{
    public static void Save(object? obj, Stream output)
    {
        var pickler = new Pickler();
        var pickle = pickler.Dump(obj);
        var zip = new TorchZipWriter(output, "archive");
        zip.Write("data.pkl", pickle);
        zip.Write("byteorder", "little"u8);
        for (int i = 0; i < pickler.Storages.Count; i++)
            zip.Write("data/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), pickler.Storages[i]);
        zip.Write("version", "3\n"u8);
        zip.Finish();
    }
}

/// <summary>
/// Replaces a file only once its new content is complete: the content goes to a temporary file in the same folder,
/// is flushed to disk, and is renamed over the target. A failure at any point leaves the previous file as it was
/// and removes the temporary one.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Parent directory {dir} does not exist.");
        var temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // The original error matters more than a leftover temporary file.
            }
            throw;
        }
    }
}
