using System.Buffers.Binary;
using System.Text;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>Builds pickles and checkpoint archives byte by byte, for hostile-input tests.</summary>
internal static class Pk
{
    /// <summary>Concatenates parts: an int or char is one byte, a string its ASCII bytes, a byte[] itself.</summary>
    public static byte[] Cat(params object[] parts)
    {
        var r = new List<byte>();
        foreach (var p in parts)
        {
            switch (p)
            {
                case int b: r.Add(checked((byte)b)); break;
                case char c: r.Add(checked((byte)c)); break;
                case string s: r.AddRange(Encoding.ASCII.GetBytes(s)); break;
                case byte[] bytes: r.AddRange(bytes); break;
                default: throw new ArgumentException(p.GetType().Name);
            }
        }
        return [.. r];
    }

    public static byte[] Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        var len = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, b.Length);
        return Cat('X', len, b);
    }

    public static byte[] Int(int v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, v);
        return Cat('J', b);
    }

    public static byte[] Global(string module, string name) => Cat('c', module + "\n" + name + "\n");

    public static byte[] Ints(params int[] values) =>
        Cat('(', Cat(values.Select(v => (object)Int(v)).ToArray()), 't');

    /// <summary><c>_rebuild_tensor_v2</c> over storage <paramref name="key"/> of <paramref name="numel"/> elements.</summary>
    public static byte[] Tensor(int offset, int[] size, int[] stride, bool requiresGrad = false, string storage = "FloatStorage",
        int numel = 4, string key = "0", string location = "cpu") =>
        Cat(Global("torch._utils", "_rebuild_tensor_v2"),
            '(', '(', Str("storage"), Global("torch", storage), Str(key), Str(location), Int(numel), 't', 'Q',
            Int(offset), Ints(size), Ints(stride), requiresGrad ? 0x88 : 0x89,
            Global("collections", "OrderedDict"), ')', 'R', 't', 'R');

    /// <summary>A whole pickle: PROTO 2, the body, STOP.</summary>
    public static byte[] Pickle(params object[] body) => Cat(0x80, 2, Cat(body), '.');

    /// <summary>A checkpoint archive holding a pickle and raw storage records.</summary>
    public static byte[] Zip(byte[] pickle, params (string Key, byte[] Data)[] storages)
    {
        using var ms = new MemoryStream();
        var zip = new TorchZipWriter(ms, "archive");
        zip.Write("data.pkl", pickle);
        foreach (var (key, data) in storages) zip.Write("data/" + key, data);
        zip.Write("version", "3\n"u8);
        zip.Finish();
        return ms.ToArray();
    }

    public static object? Load(byte[] checkpoint) => Torch.Load(new MemoryStream(checkpoint));
}
