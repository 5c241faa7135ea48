using System.Numerics;

namespace Flint.Serialization;

/// <summary>A Python dict or <c>collections.OrderedDict</c> while it is being unpickled (keys are typed afterwards).</summary>
internal sealed class PyDict(bool ordered)
{
    public readonly bool Ordered = ordered;
    public readonly List<KeyValuePair<object?, object?>> Items = [];
}

/// <summary>A Python set or frozenset while it is being unpickled.</summary>
internal sealed class PySet(bool frozen)
{
    public readonly bool Frozen = frozen;
    public readonly List<object?> Items = [];
}

/// <summary>
/// A storage a persistent id named: the loaded bytes, the dtype the file gives them, their element count, and (for
/// legacy storage views) the element offset of the view inside <see cref="Storage"/>.
/// </summary>
internal sealed class StorageRef(Storage storage, DType dtype, long numel, long elementOffset)
{
    public readonly Storage Storage = storage;
    public readonly DType DType = dtype;
    public readonly long Numel = numel;
    public readonly long ElementOffset = elementOffset;
}

/// <summary>Python's type names for values met while unpickling, for error messages.</summary>
internal static class PyTypes
{
    public static string Name(object? o) => o switch
    {
        null => "NoneType",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        object?[] => "tuple",
        List<object?> => "list",
        PyDict d => d.Ordered ? "collections.OrderedDict" : "dict",
        PySet s => s.Frozen ? "frozenset" : "set",
        Tensor => "torch.Tensor",
        StorageRef => "torch storage",
        PyGlobal g => g.FullName,
        Size => "torch.Size",
        Device => "torch.device",
        DType => "torch.dtype",
        Complex => "complex",
        _ => o.GetType().Name,
    };
}
