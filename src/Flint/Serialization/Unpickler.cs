using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Flint.Serialization;

/// <summary>
/// A pickle virtual machine that builds data only (PyTorch's <c>_weights_only_unpickler</c>, with every bound
/// checked): protocols 0-5 as <c>torch.save</c> writes them. GLOBAL and STACK_GLOBAL resolve through the allow-list
/// of <see cref="TorchGlobals"/>; REDUCE, NEWOBJ and BUILD apply only allow-listed constructors; every length is
/// checked against the bytes left, and marks, memo entries and nesting are capped. The result is the raw graph
/// (<see cref="PyDict"/>, lists, tuples as <c>object?[]</c>, tensors, numbers); <see cref="PickleConverter"/> turns it
/// into the public object model.
/// </summary>
internal sealed class Unpickler
{
    /// <summary>Deepest nesting of marks (and of containers, in <see cref="PickleConverter"/>).</summary>
    public const int MaxDepth = 1000;

    /// <summary>Most memo entries one pickle may create.</summary>
    public const int MaxMemo = 1 << 24;

    private const int MaxLine = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly BoundedReader input;
    private readonly Func<object?, object> persistentLoad;
    private readonly List<object?> stack = [];
    private readonly List<int> marks = [];
    private readonly Dictionary<long, object?> memo = [];

    /// <param name="input">The pickle's bytes.</param>
    /// <param name="persistentLoad">Resolves a BINPERSID id (a storage) to the object it stands for.</param>
    public Unpickler(BoundedReader input, Func<object?, object> persistentLoad)
    {
        this.input = input;
        this.persistentLoad = persistentLoad;
    }

    private UnpicklingException Error(string message, long at) => new($"{message} (pickle byte {at})");

    private object? Pop(long at)
    {
        int floor = marks.Count > 0 ? marks[^1] : 0;
        if (stack.Count <= floor) throw Error("the pickle pops from an empty stack", at);
        var v = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return v;
    }

    private object? Top(long at)
    {
        int floor = marks.Count > 0 ? marks[^1] : 0;
        if (stack.Count <= floor) throw Error("the pickle reads the top of an empty stack", at);
        return stack[^1];
    }

    private object?[] PopMark(long at)
    {
        if (marks.Count == 0) throw Error("the pickle closes a MARK that was never opened", at);
        int m = marks[^1];
        marks.RemoveAt(marks.Count - 1);
        var items = stack.GetRange(m, stack.Count - m).ToArray();
        stack.RemoveRange(m, stack.Count - m);
        return items;
    }

    private void Memoize(long index, long at)
    {
        if (memo.Count >= MaxMemo && !memo.ContainsKey(index))
            throw Error($"the pickle's memo grows past {MaxMemo} entries", at);
        memo[index] = Top(at);
    }

    private string Utf8(ReadOnlySpan<byte> bytes, long at)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new UnpicklingException($"a string in the pickle is not valid UTF-8 (pickle byte {at})", e);
        }
    }

    private static object Normalize(BigInteger v) => v >= long.MinValue && v <= long.MaxValue ? (long)v : v;

    private object DecodeLong(ReadOnlySpan<byte> b)
    {
        if (b.Length == 0) return 0L;
        if (b.Length <= 8)
        {
            long v = 0;
            for (int i = b.Length - 1; i >= 0; i--) v = (v << 8) | b[i];
            int shift = 64 - 8 * b.Length;
            return shift == 0 ? v : (v << shift) >> shift;
        }
        return Normalize(new BigInteger(b, isUnsigned: false, isBigEndian: false));
    }

    /// <summary>Runs the pickle to its STOP and returns the object it built.</summary>
    public object? Load()
    {
        while (true)
        {
            long at = input.Position;
            byte op = input.ReadByte("an opcode");
            switch (op)
            {
                case 0x80: // PROTO
                    var proto = input.ReadByte("PROTO");
                    if (proto > 5) throw Error($"unsupported pickle protocol {proto}", at);
                    break;
                case 0x95: // FRAME: a buffering hint; its bytes are ordinary opcodes
                    var frame = BinaryPrimitives.ReadUInt64LittleEndian(input.ReadBytes(8, "FRAME"));
                    if (frame > (ulong)input.Remaining) throw Error($"a FRAME of {frame} bytes runs past the end of the pickle", at);
                    break;
                case (byte)'.': // STOP
                    if (marks.Count != 0) throw Error("the pickle stops inside an open MARK", at);
                    if (stack.Count != 1) throw Error($"the pickle stops with {stack.Count} objects on the stack instead of 1", at);
                    return stack[0];
                case (byte)'(': // MARK
                    if (marks.Count >= MaxDepth) throw Error($"the pickle nests deeper than {MaxDepth} levels", at);
                    marks.Add(stack.Count);
                    break;
                case (byte)'0': // POP
                    Pop(at);
                    break;
                case (byte)'1': // POP_MARK
                    PopMark(at);
                    break;
                case (byte)'2': // DUP
                    stack.Add(Top(at));
                    break;
                case (byte)'N':
                    stack.Add(null);
                    break;
                case 0x88:
                    stack.Add(true);
                    break;
                case 0x89:
                    stack.Add(false);
                    break;
                case (byte)'J': // BININT
                    stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(input.ReadBytes(4, "BININT")));
                    break;
                case (byte)'K': // BININT1
                    stack.Add((long)input.ReadByte("BININT1"));
                    break;
                case (byte)'M': // BININT2
                    stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(input.ReadBytes(2, "BININT2")));
                    break;
                case 0x8a: // LONG1
                    stack.Add(DecodeLong(input.ReadBytes(input.ReadByte("LONG1"), "LONG1")));
                    break;
                case 0x8b: // LONG4
                    var n4 = BinaryPrimitives.ReadInt32LittleEndian(input.ReadBytes(4, "LONG4"));
                    if (n4 < 0) throw Error("LONG4 has a negative length", at);
                    stack.Add(DecodeLong(input.ReadBytes(n4, "LONG4")));
                    break;
                case (byte)'G': // BINFLOAT
                    stack.Add(BinaryPrimitives.ReadDoubleBigEndian(input.ReadBytes(8, "BINFLOAT")));
                    break;
                case (byte)'X': // BINUNICODE
                    stack.Add(Utf8(input.ReadBytes(BinaryPrimitives.ReadUInt32LittleEndian(input.ReadBytes(4, "BINUNICODE")), "BINUNICODE"), at));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    stack.Add(Utf8(input.ReadBytes(input.ReadByte("SHORT_BINUNICODE"), "SHORT_BINUNICODE"), at));
                    break;
                case 0x8d: // BINUNICODE8
                    stack.Add(Utf8(input.ReadBytes(Length8(at), "BINUNICODE8"), at));
                    break;
                case (byte)'T': // BINSTRING (Python 2 str, decoded as torch.load does with encoding='utf-8')
                    var ns = BinaryPrimitives.ReadInt32LittleEndian(input.ReadBytes(4, "BINSTRING"));
                    if (ns < 0) throw Error("BINSTRING has a negative length", at);
                    stack.Add(Utf8(input.ReadBytes(ns, "BINSTRING"), at));
                    break;
                case (byte)'U': // SHORT_BINSTRING
                    stack.Add(Utf8(input.ReadBytes(input.ReadByte("SHORT_BINSTRING"), "SHORT_BINSTRING"), at));
                    break;
                case (byte)'B': // BINBYTES
                    stack.Add(input.ReadBytes(BinaryPrimitives.ReadUInt32LittleEndian(input.ReadBytes(4, "BINBYTES")), "BINBYTES").ToArray());
                    break;
                case (byte)'C': // SHORT_BINBYTES
                    stack.Add(input.ReadBytes(input.ReadByte("SHORT_BINBYTES"), "SHORT_BINBYTES").ToArray());
                    break;
                case 0x8e: // BINBYTES8
                case 0x96: // BYTEARRAY8
                    stack.Add(input.ReadBytes(Length8(at), "BINBYTES8").ToArray());
                    break;
                case (byte)')':
                    stack.Add(Array.Empty<object?>());
                    break;
                case (byte)'t':
                    stack.Add(PopMark(at));
                    break;
                case 0x85: // TUPLE1
                    stack.Add(new[] { Pop(at) });
                    break;
                case 0x86: // TUPLE2
                {
                    var b = Pop(at);
                    var a = Pop(at);
                    stack.Add(new[] { a, b });
                    break;
                }
                case 0x87: // TUPLE3
                {
                    var c = Pop(at);
                    var b = Pop(at);
                    var a = Pop(at);
                    stack.Add(new[] { a, b, c });
                    break;
                }
                case (byte)']':
                    stack.Add(new List<object?>());
                    break;
                case (byte)'a': // APPEND
                {
                    var item = Pop(at);
                    ListTarget(at).Add(item);
                    break;
                }
                case (byte)'e': // APPENDS
                {
                    var items = PopMark(at);
                    ListTarget(at).AddRange(items);
                    break;
                }
                case (byte)'}':
                    stack.Add(new PyDict(ordered: false));
                    break;
                case (byte)'s': // SETITEM
                {
                    var v = Pop(at);
                    var k = Pop(at);
                    DictTarget(at).Items.Add(new(k, v));
                    break;
                }
                case (byte)'u': // SETITEMS
                {
                    var items = PopMark(at);
                    if (items.Length % 2 != 0) throw Error("SETITEMS has a key without a value", at);
                    var d = DictTarget(at);
                    for (int i = 0; i < items.Length; i += 2) d.Items.Add(new(items[i], items[i + 1]));
                    break;
                }
                case 0x8f: // EMPTY_SET
                    stack.Add(new PySet(frozen: false));
                    break;
                case 0x90: // ADDITEMS
                {
                    var items = PopMark(at);
                    if (Top(at) is not PySet { Frozen: false } set) throw Error($"ADDITEMS on a {PyTypes.Name(Top(at))}", at);
                    set.Items.AddRange(items);
                    break;
                }
                case 0x91: // FROZENSET
                {
                    var set = new PySet(frozen: true);
                    set.Items.AddRange(PopMark(at));
                    stack.Add(set);
                    break;
                }
                case (byte)'c': // GLOBAL
                {
                    var module = Utf8(input.ReadLine(MaxLine, "GLOBAL"), at);
                    var name = Utf8(input.ReadLine(MaxLine, "GLOBAL"), at);
                    stack.Add(Resolve(module, name, at));
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop(at);
                    var module = Pop(at);
                    if (module is not string m || name is not string nm)
                        throw Error($"STACK_GLOBAL needs two strings, got {PyTypes.Name(module)} and {PyTypes.Name(name)}", at);
                    stack.Add(Resolve(m, nm, at));
                    break;
                }
                case (byte)'R': // REDUCE
                {
                    var args = Pop(at);
                    var f = Top(at);
                    if (f is not PyGlobal g) throw Error($"REDUCE calls a {PyTypes.Name(f)}, which is not an allow-listed function", at);
                    if (args is not object?[] tuple) throw Error($"REDUCE's arguments must be a tuple, got {PyTypes.Name(args)}", at);
                    stack[^1] = Apply(() => TorchGlobals.Call(g, tuple), at);
                    break;
                }
                case 0x81: // NEWOBJ
                {
                    var args = Pop(at);
                    var cls = Pop(at);
                    if (cls is not PyGlobal g) throw Error($"NEWOBJ instantiates a {PyTypes.Name(cls)}, which is not an allow-listed class", at);
                    if (args is not object?[] tuple) throw Error($"NEWOBJ's arguments must be a tuple, got {PyTypes.Name(args)}", at);
                    stack.Add(Apply(() => TorchGlobals.New(g, tuple), at));
                    break;
                }
                case (byte)'b': // BUILD
                {
                    var state = Pop(at);
                    var inst = Top(at);
                    // An OrderedDict's state is its instance __dict__ (a state dict's _metadata: per-module versions).
                    // Flint keeps the items and drops the attributes, as FORMATS.md allows.
                    if (inst is not PyDict { Ordered: true })
                        throw Error($"BUILD is only allowed on an OrderedDict, not on a {PyTypes.Name(inst)}", at);
                    if (state is not (null or PyDict or object?[]))
                        throw Error($"BUILD state of an OrderedDict must be a dict, got {PyTypes.Name(state)}", at);
                    break;
                }
                case (byte)'Q': // BINPERSID
                {
                    var pid = Pop(at);
                    stack.Add(Apply(() => persistentLoad(pid), at));
                    break;
                }
                case (byte)'q': // BINPUT
                    Memoize(input.ReadByte("BINPUT"), at);
                    break;
                case (byte)'r': // LONG_BINPUT
                    Memoize(BinaryPrimitives.ReadUInt32LittleEndian(input.ReadBytes(4, "LONG_BINPUT")), at);
                    break;
                case 0x94: // MEMOIZE
                    Memoize(memo.Count, at);
                    break;
                case (byte)'h': // BINGET
                    stack.Add(Get(input.ReadByte("BINGET"), at));
                    break;
                case (byte)'j': // LONG_BINGET
                    stack.Add(Get(BinaryPrimitives.ReadUInt32LittleEndian(input.ReadBytes(4, "LONG_BINGET")), at));
                    break;
                default:
                    throw Error($"unsupported pickle opcode 0x{op:X2}", at);
            }
        }
    }

    private long Length8(long at)
    {
        var n = BinaryPrimitives.ReadUInt64LittleEndian(input.ReadBytes(8, "a 64-bit length"));
        if (n > (ulong)input.Remaining) throw Error($"a length of {n} bytes runs past the end of the pickle", at);
        return (long)n;
    }

    private object? Get(long index, long at) =>
        memo.TryGetValue(index, out var v) ? v : throw Error($"the pickle reads memo entry {index}, which was never stored", at);

    private PyGlobal Resolve(string module, string name, long at)
    {
        try
        {
            return TorchGlobals.Resolve(module, name);
        }
        catch (UnpicklingException e)
        {
            throw new UnpicklingException($"{e.Message} (pickle byte {at})", e);
        }
    }

    private List<object?> ListTarget(long at) =>
        Top(at) as List<object?> ?? throw Error($"APPEND(S) is only allowed on a list, not on a {PyTypes.Name(Top(at))}", at);

    private PyDict DictTarget(long at) =>
        Top(at) as PyDict ?? throw Error($"SETITEM(S) is only allowed on a dict, not on a {PyTypes.Name(Top(at))}", at);

    private static object Apply(Func<object> f, long at)
    {
        try
        {
            return f();
        }
        catch (UnpicklingException e)
        {
            throw new UnpicklingException($"{e.Message} (pickle byte {at})", e);
        }
    }
}
