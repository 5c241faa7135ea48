using System.Collections.Concurrent;
using Flint.Backends.Cpu;
using Flint.Kernels;

namespace Flint.Backends.Cuda;

/// <summary>
/// Which dtypes a kernel struct supports is its CPU span forms' business (they throw PyTorch's "not implemented for"
/// error); the CUDA backend asks them once per (kernel, dtype) with a one-element probe, so both devices accept and
/// refuse the same dtypes with the same message (<c>"atan2_cuda" not implemented for 'Long'</c>).
/// </summary>
internal static class KernelSupport
{
    private static readonly ConcurrentDictionary<(Type, DType), Exception?> Verdicts = new();

    /// <summary>Throws the CPU kernel's error for a dtype it does not support, named for CUDA.</summary>
    public static void CheckUnary<TOp>(TOp op, DType dt) where TOp : struct, IUnaryKernel =>
        Check(typeof(TOp), dt, () =>
        {
            switch (dt)
            {
                case DType.Float32 or DType.Float16 or DType.BFloat16: op.Apply([0.5f], stackalloc float[1]); break;
                case DType.Float64: op.Apply([0.5], stackalloc double[1]); break;
                case DType.Int64 when TOp.SupportsIntegers: op.ApplyInteger<long>([1], stackalloc long[1]); break;
                case DType.Int32 when TOp.SupportsIntegers: op.ApplyInteger<int>([1], stackalloc int[1]); break;
                case DType.Int16 when TOp.SupportsIntegers: op.ApplyInteger<short>([1], stackalloc short[1]); break;
                case DType.Int8 when TOp.SupportsIntegers: op.ApplyInteger<sbyte>([1], stackalloc sbyte[1]); break;
                case DType.UInt8 when TOp.SupportsIntegers: op.ApplyInteger<byte>([1], stackalloc byte[1]); break;
                default: throw CpuBackend.NotImplementedFor(TOp.Name, dt);
            }
        });

    /// <summary>As <see cref="CheckUnary"/>, for a binary kernel computing in <paramref name="dt"/>'s compute type.</summary>
    public static void CheckBinary<TOp>(TOp op, DType dt) where TOp : struct, IBinaryKernel =>
        Check(typeof(TOp), dt, () =>
        {
            switch (CudaTypes.ComputeDType(dt))
            {
                case DType.Float32: op.Apply<float>([1f], [1f], stackalloc float[1]); break;
                case DType.Float64: op.Apply<double>([1.0], [1.0], stackalloc double[1]); break;
                case DType.Int64: op.Apply<long>([1], [1], stackalloc long[1]); break;
                case DType.Int32: op.Apply<int>([1], [1], stackalloc int[1]); break;
                case DType.Int16: op.Apply<short>([1], [1], stackalloc short[1]); break;
                case DType.Int8: op.Apply<sbyte>([1], [1], stackalloc sbyte[1]); break;
                default: op.Apply<byte>([1], [1], stackalloc byte[1]); break;
            }
        });

    /// <summary>As <see cref="CheckUnary"/>, for a comparison of operands of dtype <paramref name="dt"/>.</summary>
    public static void CheckCompare<TOp>(TOp op, DType dt) where TOp : struct, ICompareKernel =>
        Check(typeof(TOp), dt, () =>
        {
            Span<bool> r = stackalloc bool[1];
            switch (CudaTypes.ComputeDType(dt))
            {
                case DType.Float32: op.Apply<float>([1f], [1f], r); break;
                case DType.Float64: op.Apply<double>([1.0], [1.0], r); break;
                case DType.Int64: op.Apply<long>([1], [1], r); break;
                case DType.Int32: op.Apply<int>([1], [1], r); break;
                case DType.Int16: op.Apply<short>([1], [1], r); break;
                case DType.Int8: op.Apply<sbyte>([1], [1], r); break;
                default: op.Apply<byte>([1], [1], r); break;
            }
        });

    /// <summary>As <see cref="CheckUnary"/>, for a ternary kernel computing in <paramref name="dt"/>'s compute type.</summary>
    public static void CheckTernary<TOp>(TOp op, DType dt) where TOp : struct, ITernaryKernel =>
        Check(typeof(TOp), dt, () =>
        {
            switch (dt)
            {
                case DType.Float32 or DType.Float16 or DType.BFloat16: op.Apply<float>([1f], [1f], [1f], stackalloc float[1]); break;
                case DType.Float64: op.Apply<double>([1.0], [1.0], [1.0], stackalloc double[1]); break;
                case DType.Int64: op.Apply<long>([1], [1], [1], stackalloc long[1]); break;
                case DType.Int32: op.Apply<int>([1], [1], [1], stackalloc int[1]); break;
                case DType.Int16: op.Apply<short>([1], [1], [1], stackalloc short[1]); break;
                case DType.Int8: op.Apply<sbyte>([1], [1], [1], stackalloc sbyte[1]); break;
                case DType.UInt8: op.Apply<byte>([1], [1], [1], stackalloc byte[1]); break;
                default: throw CpuBackend.NotImplementedFor(TOp.Name, dt);
            }
        });

    private static void Check(Type op, DType dt, Action probe)
    {
        var verdict = Verdicts.GetOrAdd((op, dt), _ =>
        {
            try
            {
                probe();
                return null;
            }
            catch (NotSupportedException e)
            {
                return new NotSupportedException(ForCuda(e.Message), e);
            }
        });
        if (verdict is not null) throw new NotSupportedException(verdict.Message);
    }

    /// <summary>A CPU kernel's error message as the CUDA kernel's: <c>"exp_cpu"</c> becomes <c>"exp_cuda"</c>.</summary>
    public static string ForCuda(string message) => message.Replace("_cpu\"", "_cuda\"", StringComparison.Ordinal);
}
