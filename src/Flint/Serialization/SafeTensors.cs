using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text;
using System.Text.Json;
using Flint.Backends.Cpu;

namespace Flint.Serialization;

/// <summary>
/// The safetensors format (huggingface <c>safetensors.torch</c>): an 8-byte little-endian header length, a JSON
/// header naming each tensor's dtype, shape and byte range, then the raw little-endian bytes. Files are loaded by
/// memory mapping and checked against every rule of the reference implementation before a tensor is made: header
/// size (at most 100 MB, inside the file), UTF-8 JSON object, known dtypes, byte ranges in order with no overlap or
/// hole that cover the buffer exactly and match <c>numel * itemsize</c>. A violation throws
/// <see cref="CheckpointFormatException"/>.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderSize = 100_000_000;
    private const string MetadataKey = "__metadata__";

    private readonly record struct Entry(string Name, DType DType, long[] Shape, long Begin, long End);

    // safetensors' Dtype enum order (increasing alignment); files sort tensors by it, descending, then by name.
    private static readonly string[] AllDTypes =
        ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"];

    private static string Name(DType t) => t switch
    {
        DType.Float64 => "F64",
        DType.Float32 => "F32",
        DType.Float16 => "F16",
        DType.BFloat16 => "BF16",
        DType.Int64 => "I64",
        DType.Int32 => "I32",
        DType.Int16 => "I16",
        DType.Int8 => "I8",
        DType.UInt8 => "U8",
        _ => "BOOL",
    };

    private static DType Parse(string name, string tensor) => name switch
    {
        "F64" => DType.Float64,
        "F32" => DType.Float32,
        "F16" => DType.Float16,
        "BF16" => DType.BFloat16,
        "I64" => DType.Int64,
        "I32" => DType.Int32,
        "I16" => DType.Int16,
        "I8" => DType.Int8,
        "U8" => DType.UInt8,
        "BOOL" => DType.Bool,
        _ when Array.IndexOf(AllDTypes, name) >= 0 || name is "F8_E8M0" or "F4" or "F6_E2M3" or "F6_E3M2" or "C64" =>
            throw new CheckpointFormatException($"safetensors: tensor '{tensor}' has dtype {name}, which Flint does not support"),
        _ => throw new CheckpointFormatException($"safetensors: tensor '{tensor}' has an unknown dtype '{name}'"),
    };

    /// <summary>Orders strings by their UTF-8 bytes (Rust's <c>String</c> order, Python's code-point order).</summary>
    private static int Utf8Compare(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    /// <summary>
    /// Saves tensors to a safetensors file (<c>safetensors.torch.save_file(tensors, filename, metadata)</c>), written to a
    /// temporary file and renamed over <paramref name="path"/> when complete. Each tensor's elements are stored in
    /// row-major order whatever its strides; tensors are laid out as the reference writer does (by dtype alignment,
    /// largest first, then by name), so the bytes equal those of <c>safetensors</c> for the same tensors.
    /// </summary>
    /// <param name="tensors">Name and tensor pairs, e.g. an <c>OrderedDictionary&lt;string, Tensor&gt;</c>; names must be unique.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="metadata">Optional string-to-string header metadata (<c>__metadata__</c>).</param>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path,
        IEnumerable<KeyValuePair<string, string>>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = tensors.ToList();
        var meta = metadata?.ToList();
        AtomicFile.Write(path, stream => Write(entries, stream, meta));
    }

    /// <summary>Saves tensors in the safetensors format to a stream (<c>safetensors.torch.save</c>, written to a stream).</summary>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, Stream stream,
        IEnumerable<KeyValuePair<string, string>>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(stream);
        Write(tensors.ToList(), stream, metadata?.ToList());
    }

    private static void Write(List<KeyValuePair<string, Tensor>> tensors, Stream stream, List<KeyValuePair<string, string>>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, t) in tensors)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(t, name);
            if (name == MetadataKey) throw new ArgumentException($"a tensor cannot be named '{MetadataKey}'");
            if (!names.Add(name)) throw new ArgumentException($"the tensor name '{name}' appears twice");
        }
        tensors.Sort((a, b) =>
        {
            int byAlignment = Array.IndexOf(AllDTypes, Name(b.Value.dtype)).CompareTo(Array.IndexOf(AllDTypes, Name(a.Value.dtype)));
            return byAlignment != 0 ? byAlignment : Utf8Compare(a.Key, b.Key);
        });
        var json = new StringBuilder("{");
        if (metadata is not null)
        {
            json.Append('"').Append(MetadataKey).Append("\":{");
            for (int i = 0; i < metadata.Count; i++)
            {
                if (i > 0) json.Append(',');
                JsonString(json, metadata[i].Key ?? throw new ArgumentNullException(nameof(metadata)));
                json.Append(':');
                JsonString(json, metadata[i].Value ?? throw new ArgumentException($"metadata '{metadata[i].Key}' is null"));
            }
            json.Append('}');
            if (tensors.Count > 0) json.Append(',');
        }
        long offset = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            var (name, t) = tensors[i];
            long bytes = t.Numel() * t.ElementSize();
            if (i > 0) json.Append(',');
            JsonString(json, name);
            json.Append(":{\"dtype\":\"").Append(Name(t.dtype)).Append("\",\"shape\":[")
                .AppendJoin(',', t.shape).Append("],\"data_offsets\":[").Append(offset).Append(',').Append(offset + bytes).Append("]}");
            offset += bytes;
        }
        json.Append('}');
        var header = Encoding.UTF8.GetBytes(json.ToString());
        int padding = (8 - header.Length % 8) % 8;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(header.Length + padding));
        stream.Write(length);
        stream.Write(header);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        foreach (var (_, t) in tensors) WriteData(stream, t);
        stream.Flush();
    }

    private static unsafe void WriteData(Stream stream, Tensor t)
    {
        var c = t.Contiguous();
        long bytes = c.Numel() * c.ElementSize();
        if (bytes == 0) return;
        if (c.storage is CpuStorage) stream.Write(new ReadOnlySpan<byte>(c.Ptr, checked((int)bytes)));
        else stream.Write(c.ToHostBytes());
    }

    // serde_json's escaping: quote, backslash and control characters; everything else as UTF-8.
    private static void JsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ': sb.Append("\\u00").Append(((int)ch).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)); break;
                default: sb.Append(ch); break;
            }
        }
        sb.Append('"');
    }

    /// <summary>
    /// Loads every tensor of a safetensors file, by memory mapping (<c>safetensors.torch.load_file(filename, device)</c>),
    /// as a dictionary ordered by name.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="device">Where the tensors go; null is the CPU.</param>
    /// <exception cref="CheckpointFormatException">The file breaks a rule of the format.</exception>
    public static unsafe OrderedDictionary<string, Tensor> Load(string path, Device? device = null) =>
        WithMappedFile(path, (p, length) => Read(p, length, device ?? Device.CPU));

    /// <summary>Loads tensors from safetensors bytes held in memory (<c>safetensors.torch.load(data)</c>).</summary>
    public static unsafe OrderedDictionary<string, Tensor> Load(ReadOnlySpan<byte> data, Device? device = null)
    {
        fixed (byte* p = data) return Read(p, data.Length, device ?? Device.CPU);
    }

    /// <summary>
    /// The string-to-string <c>__metadata__</c> of a safetensors file's header, or null when it has none
    /// (<c>safe_open(filename).metadata()</c>). The whole header is validated.
    /// </summary>
    public static unsafe Dictionary<string, string>? LoadMetadata(string path) =>
        WithMappedFile(path, (p, length) => Header(p, length).Metadata);

    private unsafe delegate T MappedReader<T>(byte* pointer, long length);

    private static unsafe T WithMappedFile<T>(string path, MappedReader<T> read)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        long length = file.Length;
        if (length < 8)
            throw new CheckpointFormatException($"safetensors: the file has {length} bytes, fewer than the 8-byte header length");
        using var map = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        using var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        try
        {
            return read(p + view.PointerOffset, length);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    private static unsafe OrderedDictionary<string, Tensor> Read(byte* p, long length, Device device)
    {
        var (entries, _, dataStart) = Header(p, length);
        entries.Sort((a, b) => Utf8Compare(a.Name, b.Name));
        var result = new OrderedDictionary<string, Tensor>(entries.Count);
        foreach (var e in entries)
        {
            var t = Tensor.Allocate(e.Shape, e.DType, device);
            long n = e.End - e.Begin;
            byte* src = p + dataStart + e.Begin;
            if (t.storage is CpuStorage cpu)
            {
                new ReadOnlySpan<byte>(src, checked((int)n)).CopyTo(cpu.Bytes);
            }
            else
            {
                for (long done = 0; done < n;)
                {
                    int chunk = (int)Math.Min(n - done, 1 << 24);
                    t.storage.CopyFromHost(new ReadOnlySpan<byte>(src + done, chunk), done);
                    done += chunk;
                }
            }
            result.Add(e.Name, t);
        }
        return result;
    }

    private static unsafe (List<Entry> Entries, Dictionary<string, string>? Metadata, long DataStart) Header(byte* p, long length)
    {
        if (length < 8)
            throw new CheckpointFormatException($"safetensors: the data has {length} bytes, fewer than the 8-byte header length");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(p, 8));
        if (n > MaxHeaderSize)
            throw new CheckpointFormatException($"safetensors: the header claims {n} bytes, more than the 100 MB limit");
        if ((long)n > length - 8)
            throw new CheckpointFormatException($"safetensors: the header of {n} bytes runs past the end of the file ({length} bytes)");
        var header = new ReadOnlySpan<byte>(p + 8, (int)n);
        if (!System.Text.Unicode.Utf8.IsValid(header))
            throw new CheckpointFormatException("safetensors: the header is not valid UTF-8");
        if (header.Length == 0 || header[0] != (byte)'{')
            throw new CheckpointFormatException("safetensors: the header does not start with '{'");
        var (entries, metadata) = ParseJson(header);
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long start = 0;
        foreach (var e in entries)
        {
            if (e.Begin != start || e.End < e.Begin)
                throw new CheckpointFormatException(
                    $"safetensors: tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}], but the previous tensor ends at {start} " +
                    "(byte ranges must follow each other with no gap or overlap)");
            start = e.End;
            long bytes;
            try
            {
                long numel = 1;
                foreach (var d in e.Shape) numel = checked(numel * d);
                bytes = checked(numel * e.DType.ElementSize());
            }
            catch (OverflowException ex)
            {
                throw new CheckpointFormatException($"safetensors: the shape of tensor '{e.Name}' overflows 64-bit sizes", ex);
            }
            if (e.End - e.Begin != bytes)
                throw new CheckpointFormatException(
                    $"safetensors: tensor '{e.Name}' of dtype {Name(e.DType)} and shape [{string.Join(", ", e.Shape)}] needs {bytes} bytes, " +
                    $"but its data_offsets span {e.End - e.Begin}");
        }
        if (start != length - 8 - (long)n)
            throw new CheckpointFormatException(
                $"safetensors: the tensors cover {start} bytes, but the file holds {length - 8 - (long)n} bytes of data after the header");
        return (entries, metadata, 8 + (long)n);
    }

    private static (List<Entry>, Dictionary<string, string>?) ParseJson(ReadOnlySpan<byte> header)
    {
        var entries = new List<Entry>();
        Dictionary<string, string>? metadata = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            reader.Read();
            Expect(ref reader, JsonTokenType.StartObject, "the header");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString()!;
                if (!seen.Add(name)) throw new CheckpointFormatException($"safetensors: the header names '{name}' twice");
                reader.Read();
                if (name == MetadataKey)
                {
                    if (reader.TokenType == JsonTokenType.Null) continue;
                    Expect(ref reader, JsonTokenType.StartObject, MetadataKey);
                    metadata = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var key = reader.GetString()!;
                        reader.Read();
                        Expect(ref reader, JsonTokenType.String, $"{MetadataKey}['{key}']");
                        if (!metadata.TryAdd(key, reader.GetString()!))
                            throw new CheckpointFormatException($"safetensors: {MetadataKey} names '{key}' twice");
                    }
                    continue;
                }
                entries.Add(ParseEntry(ref reader, name));
            }
            if (reader.Read()) throw new CheckpointFormatException("safetensors: the header has data after its JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"safetensors: the header is not valid JSON: {e.Message}", e);
        }
        return (entries, metadata);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type)
            throw new CheckpointFormatException($"safetensors: {what} should be a JSON {type}, but is a {reader.TokenType}");
    }

    private static long Unsigned(ref Utf8JsonReader reader, string what)
    {
        Expect(ref reader, JsonTokenType.Number, what);
        if (!reader.TryGetInt64(out var v) || v < 0)
            throw new CheckpointFormatException($"safetensors: {what} must be a non-negative integer");
        return v;
    }

    private static Entry ParseEntry(ref Utf8JsonReader reader, string name)
    {
        Expect(ref reader, JsonTokenType.StartObject, $"tensor '{name}'");
        string? dtype = null;
        long[]? shape = null, offsets = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var field = reader.GetString();
            reader.Read();
            switch (field)
            {
                case "dtype":
                    Expect(ref reader, JsonTokenType.String, $"the dtype of tensor '{name}'");
                    dtype = reader.GetString();
                    break;
                case "shape":
                case "data_offsets":
                    Expect(ref reader, JsonTokenType.StartArray, $"the {field} of tensor '{name}'");
                    var values = new List<long>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        values.Add(Unsigned(ref reader, $"an element of the {field} of tensor '{name}'"));
                    if (field == "shape") shape = [.. values];
                    else offsets = [.. values];
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw new CheckpointFormatException($"safetensors: tensor '{name}' lacks {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}");
        if (offsets.Length != 2)
            throw new CheckpointFormatException($"safetensors: the data_offsets of tensor '{name}' must be [begin, end], not {offsets.Length} numbers");
        return new Entry(name, Parse(dtype, name), shape, offsets[0], offsets[1]);
    }
}
