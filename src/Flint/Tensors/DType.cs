using System.Numerics;

namespace Flint;

/// <summary>The element type of a tensor (PyTorch's <c>torch.dtype</c>).</summary>
public enum DType
{
    /// <summary>32-bit float, <c>torch.float32</c> / <c>torch.float</c> (the default).</summary>
    Float32,
    /// <summary>64-bit float, <c>torch.float64</c> / <c>torch.double</c>.</summary>
    Float64,
    /// <summary>16-bit IEEE float, <c>torch.float16</c> / <c>torch.half</c>.</summary>
    Float16,
    /// <summary>16-bit brain float, <c>torch.bfloat16</c>.</summary>
    BFloat16,
    /// <summary>64-bit signed integer, <c>torch.int64</c> / <c>torch.long</c>.</summary>
    Int64,
    /// <summary>32-bit signed integer, <c>torch.int32</c> / <c>torch.int</c>.</summary>
    Int32,
    /// <summary>16-bit signed integer, <c>torch.int16</c> / <c>torch.short</c>.</summary>
    Int16,
    /// <summary>8-bit signed integer, <c>torch.int8</c>.</summary>
    Int8,
    /// <summary>8-bit unsigned integer, <c>torch.uint8</c>.</summary>
    UInt8,
    /// <summary>Boolean, <c>torch.bool</c>.</summary>
    Bool,
}

/// <summary>Facts about each <see cref="DType"/> and PyTorch's type-promotion rules (<c>torch.promote_types</c>).</summary>
public static class DTypes
{
    /// <summary>Bytes per element (<c>dtype.itemsize</c>).</summary>
    public static int ElementSize(this DType t) => t switch
    {
        DType.Float64 or DType.Int64 => 8,
        DType.Float32 or DType.Int32 => 4,
        DType.Float16 or DType.BFloat16 or DType.Int16 => 2,
        _ => 1,
    };

    /// <summary>True for float32/64/16 and bfloat16 (<c>dtype.is_floating_point</c>).</summary>
    public static bool IsFloatingPoint(this DType t) => t is DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16;

    /// <summary>True for the integer types, and for bool when <paramref name="includeBool"/> is set.</summary>
    public static bool IsIntegral(this DType t, bool includeBool = false) =>
        t is DType.Int64 or DType.Int32 or DType.Int16 or DType.Int8 or DType.UInt8 || (includeBool && t == DType.Bool);

    /// <summary>True for the signed types (<c>dtype.is_signed</c>).</summary>
    public static bool IsSigned(this DType t) => t is not (DType.UInt8 or DType.Bool);

    /// <summary>PyTorch's printed name, e.g. <c>torch.float32</c>.</summary>
    public static string TorchName(this DType t) => "torch." + ShortName(t);

    /// <summary>The name after <c>torch.</c>: float32, int64, bool ...</summary>
    public static string ShortName(this DType t) => t switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Float16 => "float16",
        DType.BFloat16 => "bfloat16",
        DType.Int64 => "int64",
        DType.Int32 => "int32",
        DType.Int16 => "int16",
        DType.Int8 => "int8",
        DType.UInt8 => "uint8",
        _ => "bool",
    };

    /// <summary>The ScalarType name PyTorch uses in kernel errors: Float, Double, Long, Bool ...</summary>
    public static string ScalarTypeName(this DType t) => t switch
    {
        DType.Float32 => "Float",
        DType.Float64 => "Double",
        DType.Float16 => "Half",
        DType.BFloat16 => "BFloat16",
        DType.Int64 => "Long",
        DType.Int32 => "Int",
        DType.Int16 => "Short",
        DType.Int8 => "Char",
        DType.UInt8 => "Byte",
        _ => "Bool",
    };

    /// <summary>The legacy tensor type name, e.g. <c>torch.FloatTensor</c> (<c>x.type()</c>).</summary>
    public static string TensorTypeName(this DType t) => "torch." + ScalarTypeName(t) + "Tensor";

    /// <summary>The dtype for a legacy type name such as <c>torch.LongTensor</c> or <c>torch.float64</c>.</summary>
    public static DType Parse(string name)
    {
        var n = name.StartsWith("torch.", StringComparison.Ordinal) ? name[6..] : name;
        if (n.EndsWith("Tensor", StringComparison.Ordinal))
        {
            var s = n[..^6];
            foreach (DType t in Enum.GetValues<DType>())
                if (t.ScalarTypeName() == s) return t;
        }
        return n switch
        {
            "float32" or "float" => DType.Float32,
            "float64" or "double" => DType.Float64,
            "float16" or "half" => DType.Float16,
            "bfloat16" => DType.BFloat16,
            "int64" or "long" => DType.Int64,
            "int32" or "int" => DType.Int32,
            "int16" or "short" => DType.Int16,
            "int8" => DType.Int8,
            "uint8" => DType.UInt8,
            "bool" => DType.Bool,
            _ => throw new ArgumentException($"invalid type: '{name}'"),
        };
    }

    /// <summary>The CLR element type that stores this dtype.</summary>
    public static Type ClrType(this DType t) => t switch
    {
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Float16 => typeof(Half),
        DType.BFloat16 => typeof(BFloat16),
        DType.Int64 => typeof(long),
        DType.Int32 => typeof(int),
        DType.Int16 => typeof(short),
        DType.Int8 => typeof(sbyte),
        DType.UInt8 => typeof(byte),
        _ => typeof(bool),
    };

    /// <summary>The dtype stored as CLR type <typeparamref name="T"/>.</summary>
    public static DType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32 :
        typeof(T) == typeof(double) ? DType.Float64 :
        typeof(T) == typeof(Half) ? DType.Float16 :
        typeof(T) == typeof(BFloat16) ? DType.BFloat16 :
        typeof(T) == typeof(long) ? DType.Int64 :
        typeof(T) == typeof(int) ? DType.Int32 :
        typeof(T) == typeof(short) ? DType.Int16 :
        typeof(T) == typeof(sbyte) ? DType.Int8 :
        typeof(T) == typeof(byte) ? DType.UInt8 :
        typeof(T) == typeof(bool) ? DType.Bool :
        throw new ArgumentException($"{typeof(T).Name} is not a tensor element type");

    // bool < integral < floating; promotion never moves a value to a lower category.
    internal static int Category(this DType t) => t == DType.Bool ? 0 : t.IsFloatingPoint() ? 2 : 1;

    /// <summary>The smallest dtype both operands convert to without losing category (<c>torch.promote_types</c>).</summary>
    public static DType Promote(DType a, DType b)
    {
        if (a == b) return a;
        if (a == DType.Bool) return b;
        if (b == DType.Bool) return a;
        if (a.IsFloatingPoint() || b.IsFloatingPoint())
        {
            if (!b.IsFloatingPoint()) return a;
            if (!a.IsFloatingPoint()) return b;
            if (a == DType.Float64 || b == DType.Float64) return DType.Float64;
            return DType.Float32; // f16+bf16, f16+f32, bf16+f32
        }
        if (a == DType.UInt8 || b == DType.UInt8)
        {
            var other = a == DType.UInt8 ? b : a;
            return other == DType.Int8 ? DType.Int16 : other;
        }
        return a.ElementSize() >= b.ElementSize() ? a : b;
    }

    /// <summary>float32 unless changed (<c>torch.get_default_dtype</c>).</summary>
    public static DType Default { get; internal set; } = DType.Float32;
}
