using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Flint.Serialization;

/// <summary>
/// Writes the <c>data.pkl</c> of a checkpoint: pickle protocol 2 with only the opcodes and globals that
/// <c>torch.load(weights_only=True)</c> reads, laid out as Python's pickler and <c>torch.save</c> lay them out
/// (tensors as <c>torch._utils._rebuild_tensor_v2</c> over a persistent storage id, one key per shared storage, in
/// first-use order). Shared objects are written once and referenced through the memo, so identity survives a load.
/// </summary>
internal sealed class Pickler
{
    private const int MaxDepth = 1000;
    private const int BatchSize = 1000;

    private readonly ArrayBufferWriter<byte> output = new(1 << 12);
    private readonly Dictionary<object, int> memo = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> globals = new(StringComparer.Ordinal);
    private readonly Dictionary<Storage, (int Key, DType DType)> storageKeys = new(ReferenceEqualityComparer.Instance);
    private int nextMemo;
    private ModuleWriter? modules;

    /// <summary>The storages the pickle refers to; storage <c>i</c> has key <c>"i"</c>.</summary>
    public List<Storage> Storages { get; } = [];

    /// <summary>Pickles <paramref name="obj"/> and returns the bytes.</summary>
    public byte[] Dump(object? obj)
    {
        Op(0x80);
        Op(2);
        Save(obj, 0);
        Op((byte)'.');
        return output.WrittenSpan.ToArray();
    }

    private void Op(byte b) => output.Write([b]);

    private void Raw(ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private void Put(object? obj)
    {
        int index = nextMemo++;
        if (obj is not null) memo[obj] = index;
        if (index < 256)
        {
            Raw([(byte)'q', (byte)index]);
        }
        else
        {
            Span<byte> b = [(byte)'r', 0, 0, 0, 0];
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], index);
            Raw(b);
        }
    }

    private bool TryGet(object obj)
    {
        if (!memo.TryGetValue(obj, out var index)) return false;
        if (index < 256)
        {
            Raw([(byte)'h', (byte)index]);
        }
        else
        {
            Span<byte> b = [(byte)'j', 0, 0, 0, 0];
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], index);
            Raw(b);
        }
        return true;
    }

    private void Global(string module, string name)
    {
        var full = module + "\n" + name;
        if (globals.TryGetValue(full, out var index))
        {
            if (index < 256) Raw([(byte)'h', (byte)index]);
            else
            {
                Span<byte> b = [(byte)'j', 0, 0, 0, 0];
                BinaryPrimitives.WriteInt32LittleEndian(b[1..], index);
                Raw(b);
            }
            return;
        }
        Op((byte)'c');
        Raw(Encoding.ASCII.GetBytes(full + "\n"));
        globals[full] = nextMemo;
        Put(null);
    }

    private void Save(object? obj, int depth)
    {
        if (depth > MaxDepth)
            throw new ArgumentException(
                $"the object nests deeper than {MaxDepth} levels (or holds a cycle through arrays or tuples), which Torch.Save cannot pickle");
        switch (obj)
        {
            case null: Op((byte)'N'); return;
            case bool b: Op(b ? (byte)0x88 : (byte)0x89); return;
            case sbyte v: Int(v); return;
            case byte v: Int(v); return;
            case short v: Int(v); return;
            case ushort v: Int(v); return;
            case int v: Int(v); return;
            case uint v: Int(v); return;
            case long v: Int(v); return;
            case ulong v: if (v <= long.MaxValue) Int((long)v); else Long(v); return;
            case BigInteger v: if (v >= long.MinValue && v <= long.MaxValue) Int((long)v); else Long(v); return;
            case double v: Float(v); return;
            case float v: Float(v); return;
            case Half v: Float((double)v); return;
            case BFloat16 v: Float((double)v); return;
            case string s: String(s); return;
            case byte[] bytes: Bytes(bytes); return;
            case Tensor t: Tensor(t); return;
            case Size size:
                Global("torch", "Size");
                Ints(size.AsSpan());
                Op(0x85);
                Op((byte)'R');
                return;
            case Device d:
                Global("torch", "device");
                String(d.IsCpu ? "cpu" : "cuda");
                if (d.Index >= 0)
                {
                    Int(d.Index);
                    Op(0x86);
                }
                else
                {
                    Op(0x85);
                }
                Op((byte)'R');
                return;
            case DType dt: Global("torch", dt.ShortName()); return;
            case Complex c:
                Global("__builtin__", "complex");
                Float(c.Real);
                Float(c.Imaginary);
                Op(0x86);
                Op((byte)'R');
                return;
            case IDictionary dict: Dict(dict, depth); return;
            case ITuple tuple:
                var items = new object?[tuple.Length];
                for (int i = 0; i < items.Length; i++) items[i] = tuple[i];
                Tuple(items, tuple.GetType().IsValueType ? null : tuple, depth);
                return;
            case Array array when array.Rank == 1:
                var elements = new object?[array.Length];
                for (int i = 0; i < elements.Length; i++) elements[i] = array.GetValue(i);
                Tuple(elements, array, depth);
                return;
            case IList list: List(list, depth); return;
            case NN.Module module: Save((modules ??= new ModuleWriter()).Describe(module), depth); return;
        }
        if (IsSet(obj.GetType()))
        {
            Set((IEnumerable)obj, depth);
            return;
        }
        throw new ArgumentException(
            $"Torch.Save cannot pickle an object of type {obj.GetType().FullName}: it saves tensors, numbers, bools, strings, " +
            "byte arrays, null, Size, Device, DType, Complex, dictionaries, lists, one-dimensional arrays, tuples and sets");
    }

    private static bool IsSet(Type t)
    {
        foreach (var i in t.GetInterfaces())
            if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISet<>)) return true;
        return false;
    }

    private void Int(long v)
    {
        if (v is >= 0 and < 256)
        {
            Raw([(byte)'K', (byte)v]);
        }
        else if (v is >= 0 and < 65536)
        {
            Span<byte> b = [(byte)'M', 0, 0];
            BinaryPrimitives.WriteUInt16LittleEndian(b[1..], (ushort)v);
            Raw(b);
        }
        else if (v is >= int.MinValue and <= int.MaxValue)
        {
            Span<byte> b = [(byte)'J', 0, 0, 0, 0];
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], (int)v);
            Raw(b);
        }
        else
        {
            Long(v);
        }
    }

    private void Long(BigInteger v)
    {
        var bytes = v.ToByteArray();
        if (bytes.Length < 256)
        {
            Raw([0x8a, (byte)bytes.Length]);
        }
        else
        {
            Span<byte> b = [0x8b, 0, 0, 0, 0];
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], bytes.Length);
            Raw(b);
        }
        Raw(bytes);
    }

    private void Float(double v)
    {
        Span<byte> b = [(byte)'G', 0, 0, 0, 0, 0, 0, 0, 0];
        BinaryPrimitives.WriteDoubleBigEndian(b[1..], v);
        Raw(b);
    }

    private void String(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Span<byte> b = [(byte)'X', 0, 0, 0, 0];
        BinaryPrimitives.WriteInt32LittleEndian(b[1..], bytes.Length);
        Raw(b);
        Raw(bytes);
    }

    private void Bytes(byte[] bytes)
    {
        // Protocol 2 has no bytes opcode; Python writes _codecs.encode(latin1 text, 'latin1'), which
        // torch.load(weights_only=True) allows.
        if (TryGet(bytes)) return;
        Global("_codecs", "encode");
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = (char)bytes[i];
        String(new string(chars));
        String("latin1");
        Op(0x86);
        Op((byte)'R');
        Put(bytes);
    }

    private void Ints(ReadOnlySpan<long> values)
    {
        if (values.Length == 0)
        {
            Op((byte)')');
            return;
        }
        if (values.Length > 3) Op((byte)'(');
        foreach (var v in values) Int(v);
        Op(values.Length switch { 1 => 0x85, 2 => 0x86, 3 => 0x87, _ => (byte)'t' });
    }

    private void Tuple(object?[] items, object? identity, int depth)
    {
        if (identity is not null && TryGet(identity)) return;
        if (items.Length == 0)
        {
            Op((byte)')');
            return;
        }
        if (items.Length > 3) Op((byte)'(');
        foreach (var item in items) Save(item, depth + 1);
        Op(items.Length switch { 1 => 0x85, 2 => 0x86, 3 => 0x87, _ => (byte)'t' });
        Put(identity);
    }

    private void List(IList list, int depth)
    {
        if (TryGet(list)) return;
        Op((byte)']');
        Put(list);
        var items = new List<object?>(list.Count);
        foreach (var item in list) items.Add(item);
        Appends(items, depth);
    }

    private void Appends(List<object?> items, int depth)
    {
        for (int start = 0; start < items.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, items.Count - start);
            if (n > 1) Op((byte)'(');
            for (int i = start; i < start + n; i++) Save(items[i], depth + 1);
            Op(n > 1 ? (byte)'e' : (byte)'a');
        }
    }

    private void Set(IEnumerable set, int depth)
    {
        if (TryGet(set)) return;
        Global("__builtin__", "set");
        Op((byte)']');
        Put(null);
        var items = new List<object?>();
        foreach (var item in set) items.Add(item);
        Appends(items, depth);
        Op(0x85);
        Op((byte)'R');
        Put(set);
    }

    private static bool IsOrdered(IDictionary dict)
    {
        if (dict is System.Collections.Specialized.OrderedDictionary) return true;
        for (var t = dict.GetType(); t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(OrderedDictionary<,>)) return true;
        return false;
    }

    private void Dict(IDictionary dict, int depth)
    {
        if (TryGet(dict)) return;
        if (IsOrdered(dict))
        {
            Global("collections", "OrderedDict");
            Op((byte)')');
            Op((byte)'R');
        }
        else
        {
            Op((byte)'}');
        }
        Put(dict);
        var entries = new List<DictionaryEntry>(dict.Count);
        foreach (DictionaryEntry e in dict) entries.Add(e);
        for (int start = 0; start < entries.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, entries.Count - start);
            if (n > 1) Op((byte)'(');
            for (int i = start; i < start + n; i++)
            {
                Save(entries[i].Key, depth + 1);
                Save(entries[i].Value, depth + 1);
            }
            Op(n > 1 ? (byte)'u' : (byte)'s');
        }
    }

    private void Tensor(Tensor t)
    {
        if (TryGet(t)) return;
        var storage = t.storage;
        if (!storageKeys.TryGetValue(storage, out var info))
        {
            if (storage.ByteCount % t.ElementSize() != 0)
                throw new ArgumentException(
                    $"a storage of {storage.ByteCount} bytes cannot be saved as {t.dtype.TorchName()} elements of {t.ElementSize()} bytes");
            info = (Storages.Count, t.dtype);
            storageKeys[storage] = info;
            Storages.Add(storage);
        }
        else if (info.DType != t.dtype)
        {
            throw new InvalidOperationException("Cannot save multiple tensors or storages that view the same data as different types");
        }
        var device = t.Device;
        Global("torch._utils", "_rebuild_tensor_v2");
        Op((byte)'(');
        Op((byte)'(');
        String("storage");
        Global("torch", TorchGlobals.StorageClassName(t.dtype));
        String(info.Key.ToString(System.Globalization.CultureInfo.InvariantCulture));
        String(device.IsCpu ? "cpu" : "cuda:" + Math.Max(device.Index, 0));
        Int(storage.ByteCount / t.ElementSize());
        Op((byte)'t');
        Op((byte)'Q');
        Int(t.offset);
        Ints(t.shape);
        Ints(t.strides);
        Op(t.RequiresGrad ? (byte)0x88 : (byte)0x89);
        Global("collections", "OrderedDict");
        Op((byte)')');
        Op((byte)'R');
        Op((byte)'t');
        Op((byte)'R');
        Put(t);
    }
}
