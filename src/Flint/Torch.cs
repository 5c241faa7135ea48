using Flint.Autograd;
using Flint.Backends.Cpu;

namespace Flint;

/// <summary>
/// The <c>torch</c> namespace as a static class: creation, math, grad mode, seeding, threads. Op families add
/// their functions to this partial class in the files of <c>Ops/</c>.
/// </summary>
public static partial class Torch
{
    /// <summary><c>torch.float32</c>.</summary>
    public const DType Float32 = DType.Float32;
    /// <summary><c>torch.float</c>.</summary>
    public const DType Float = DType.Float32;
    /// <summary><c>torch.float64</c>.</summary>
    public const DType Float64 = DType.Float64;
    /// <summary><c>torch.double</c>.</summary>
    public const DType Double = DType.Float64;
    /// <summary><c>torch.float16</c>.</summary>
    public const DType Float16 = DType.Float16;
    /// <summary><c>torch.half</c>.</summary>
    public const DType Half = DType.Float16;
    /// <summary><c>torch.bfloat16</c>.</summary>
    public const DType BFloat16 = DType.BFloat16;
    /// <summary><c>torch.int64</c>.</summary>
    public const DType Int64 = DType.Int64;
    /// <summary><c>torch.long</c>.</summary>
    public const DType Long = DType.Int64;
    /// <summary><c>torch.int32</c>.</summary>
    public const DType Int32 = DType.Int32;
    /// <summary><c>torch.int</c>.</summary>
    public const DType Int = DType.Int32;
    /// <summary><c>torch.int16</c>.</summary>
    public const DType Int16 = DType.Int16;
    /// <summary><c>torch.short</c>.</summary>
    public const DType Short = DType.Int16;
    /// <summary><c>torch.int8</c>.</summary>
    public const DType Int8 = DType.Int8;
    /// <summary><c>torch.uint8</c>.</summary>
    public const DType UInt8 = DType.UInt8;
    /// <summary><c>torch.bool</c>.</summary>
    public const DType Bool = DType.Bool;

    /// <summary>A device from a string such as "cpu", "cuda" or "cuda:1" (<c>torch.device</c>).</summary>
    public static Device Device(string spec) => Flint.Device.Parse(spec);

    /// <summary>A device of a type and index (<c>torch.device("cuda", 1)</c>).</summary>
    public static Device Device(string type, int index) => Flint.Device.Parse(type + ":" + index);

    /// <summary>Turns off history recording until the returned scope is disposed (<c>with torch.no_grad():</c>).</summary>
    public static GradModeScope NoGrad() => GradMode.Set(false);

    /// <summary>Turns on history recording until the returned scope is disposed (<c>with torch.enable_grad():</c>).</summary>
    public static GradModeScope EnableGrad() => GradMode.Set(true);

    /// <summary>
    /// Sets grad mode; disposing the returned scope restores the previous mode (<c>torch.set_grad_enabled</c>, usable
    /// as a call or in <c>using</c>).
    /// </summary>
    public static GradModeScope SetGradEnabled(bool enabled) => GradMode.Set(enabled);

    /// <summary>True if ops record history on this thread (<c>torch.is_grad_enabled()</c>).</summary>
    public static bool IsGradEnabled() => GradMode.IsEnabled;

    /// <summary>Sets the threads CPU kernels use (<c>torch.set_num_threads</c>).</summary>
    public static void SetNumThreads(int n) => Parallelism.NumThreads = n;

    /// <summary>The threads CPU kernels use (<c>torch.get_num_threads</c>).</summary>
    public static int GetNumThreads() => Parallelism.NumThreads;

    /// <summary>The dtype float factories use (<c>torch.get_default_dtype</c>).</summary>
    public static DType GetDefaultDtype() => DTypes.Default;

    /// <summary>Sets the default float dtype to float32 or float64 (<c>torch.set_default_dtype</c>).</summary>
    public static void SetDefaultDtype(DType d)
    {
        if (!d.IsFloatingPoint())
            throw new ArgumentException("only floating-point types are supported as the default type");
        DTypes.Default = d;
    }

    /// <summary>The dtype an op on these operands produces (<c>torch.result_type</c>).</summary>
    public static DType ResultType(Tensor a, Tensor b) => ResultTypeState.Of(a, b);

    /// <summary>The dtype an op on a tensor and a number produces (<c>torch.result_type</c>).</summary>
    public static DType ResultType(Tensor a, Scalar b) => ResultTypeState.Of(a, b);

    /// <summary>The smallest dtype both convert to (<c>torch.promote_types</c>).</summary>
    public static DType PromoteTypes(DType a, DType b) => DTypes.Promote(a, b);

    /// <summary>Whether a cast is allowed by type promotion (<c>torch.can_cast</c>).</summary>
    public static bool CanCast(DType from, DType to) => ResultTypeState.CanCast(from, to);
}
