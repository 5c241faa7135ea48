namespace Flint.Backends.Cuda;

/// <summary>How each dtype is stored, computed and converted in generated CUDA C.</summary>
internal static class CudaTypes
{
    /// <summary>The C type of an element in memory (half types as their 16 bits, bool as a byte).</summary>
    public static string Storage(DType dt) => dt switch
    {
        DType.Float32 => "float",
        DType.Float64 => "double",
        DType.Float16 or DType.BFloat16 => "unsigned short",
        DType.Int64 => "long long",
        DType.Int32 => "int",
        DType.Int16 => "short",
        DType.Int8 => "signed char",
        DType.UInt8 or DType.Bool => "unsigned char",
        _ => throw new NotSupportedException($"dtype {dt} has no CUDA storage type"),
    };

    /// <summary>The type kernels compute in: float for the half types (as the CPU kernels), a byte for bool.</summary>
    public static string Compute(DType dt) => dt is DType.Float16 or DType.BFloat16 ? "float" : Storage(dt);

    /// <summary>The dtype kernels compute in for a storage dtype (float32 for the half types, uint8 for bool).</summary>
    public static DType ComputeDType(DType dt) => dt switch
    {
        DType.Float16 or DType.BFloat16 => DType.Float32,
        DType.Bool => DType.UInt8,
        _ => dt,
    };

    /// <summary>An element read from memory (<paramref name="value"/>), in the compute type.</summary>
    public static string Load(DType dt, string value) => dt switch
    {
        DType.Float16 => $"fl::h2f({value})",
        DType.BFloat16 => $"fl::bf2f({value})",
        _ => value,
    };

    /// <summary>A compute-type value (<paramref name="value"/>) as the element to write to memory.</summary>
    public static string Store(DType dt, string value) => dt switch
    {
        DType.Float16 => $"fl::f2h((float)({value}))",
        DType.BFloat16 => $"fl::f2bf((float)({value}))",
        DType.Bool => $"(unsigned char)(({value}) != 0)",
        _ => $"({Storage(dt)})({value})",
    };

    /// <summary>
    /// An element of dtype <paramref name="from"/> converted to dtype <paramref name="to"/> with C++ cast semantics, as
    /// the CPU's conversions: anything non-zero (NaN too) is true; float16, bfloat16 and float32 go through float;
    /// floats truncate toward zero into integers through int64 (NaN giving INT64_MIN); integers wrap.
    /// </summary>
    public static string Convert(DType from, DType to, string value)
    {
        if (from == to) return value;
        if (to == DType.Bool) return $"(unsigned char)(({Load(from, value)}) != 0)";
        if (from is DType.Float32 or DType.Float16 or DType.BFloat16)
        {
            var f = from == DType.Float32 ? value : Load(from, value);
            return to switch
            {
                DType.Float32 => f,
                DType.Float64 => $"(double)({f})",
                DType.Float16 => $"fl::f2h({f})",
                DType.BFloat16 => $"fl::f2bf({f})",
                _ => $"({Storage(to)})fl::f2ll((double)({f}))",
            };
        }
        if (from == DType.Float64)
            return to switch
            {
                DType.Float32 => $"(float)({value})",
                DType.Float16 => $"fl::f2h((float)({value}))",
                DType.BFloat16 => $"fl::f2bf((float)({value}))",
                _ => $"({Storage(to)})fl::f2ll({value})",
            };
        // From an integer or bool.
        return to switch
        {
            DType.Float32 => $"(float)(double)({value})",
            DType.Float64 => $"(double)({value})",
            DType.Float16 => $"fl::f2h((float)(double)({value}))",
            DType.BFloat16 => $"fl::f2bf((float)(double)({value}))",
            _ => $"({Storage(to)})(long long)({value})",
        };
    }
}
