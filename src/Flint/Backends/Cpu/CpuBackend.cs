using Flint.Kernels;

namespace Flint.Backends.Cpu;

/// <summary>
/// The CPU backend: managed pinned storage, strided loops over span kernels (TensorPrimitives where it has the
/// op), split over threads for large tensors. Other primitive families live in the other CpuBackend.*.cs files.
/// </summary>
internal sealed partial class CpuBackend : IBackend
{
    public static readonly CpuBackend Instance = new();

    public Device Device => Device.CPU;

    public Storage Allocate(long byteCount, bool zeroed) => new CpuStorage(byteCount, zeroed);

    public void Copy(Tensor src, Tensor dst)
    {
        if (!src.Device.IsCpu)
        {
            // Device to host: the source backend stages the bytes, then this copies with conversion.
            var staged = Tensor.FromHostBytes(src.ToHostBytes(), (long[])src.shape.Clone(), src.dtype, Device.CPU);
            Copy(staged, dst);
            return;
        }
        Dispatch.Copy(src, dst);
    }

    public void Fill(Tensor dst, Scalar value) => Dispatch.Fill(dst, value);

    public void Unary<TOp>(TOp op, Tensor x, Tensor y) where TOp : struct, IUnaryKernel
    {
        switch (y.dtype)
        {
            case DType.Float32: StridedLoop.Run(new UnaryFloatRow<TOp, float> { Op = op }, [y, x]); break;
            case DType.Float64: StridedLoop.Run(new UnaryDoubleRow<TOp> { Op = op }, [y, x]); break;
            case DType.Float16: StridedLoop.Run(new UnaryFloatRow<TOp, Half> { Op = op }, [y, x]); break;
            case DType.BFloat16: StridedLoop.Run(new UnaryFloatRow<TOp, BFloat16> { Op = op }, [y, x]); break;
            case DType.Int64 when TOp.SupportsIntegers: StridedLoop.Run(new UnaryIntegerRow<TOp, long> { Op = op }, [y, x]); break;
            case DType.Int32 when TOp.SupportsIntegers: StridedLoop.Run(new UnaryIntegerRow<TOp, int> { Op = op }, [y, x]); break;
            case DType.Int16 when TOp.SupportsIntegers: StridedLoop.Run(new UnaryIntegerRow<TOp, short> { Op = op }, [y, x]); break;
            case DType.Int8 when TOp.SupportsIntegers: StridedLoop.Run(new UnaryIntegerRow<TOp, sbyte> { Op = op }, [y, x]); break;
            case DType.UInt8 when TOp.SupportsIntegers: StridedLoop.Run(new UnaryIntegerRow<TOp, byte> { Op = op }, [y, x]); break;
            default: throw NotImplementedFor(TOp.Name, y.dtype);
        }
    }

    // Whether an elementwise output's threads each write at least MathLoops.StreamingBytes.
    private static bool StreamsOutput(Tensor output) =>
        MathLoops.Streams(output.Numel() * output.dtype.ElementSize(), Parallelism.ThreadsFor(output.Numel()));

    public void Binary<TOp>(TOp op, Tensor a, Tensor b, Tensor c) where TOp : struct, IBinaryKernel
    {
        switch (c.dtype)
        {
            case DType.Float32: StridedLoop.Run(new BinaryRow<TOp, float, float> { Op = op, Stream = StreamsOutput(c) }, [c, a, b]); break;
            case DType.Float64: StridedLoop.Run(new BinaryRow<TOp, double, double> { Op = op }, [c, a, b]); break;
            case DType.Float16: StridedLoop.Run(new BinaryRow<TOp, Half, float> { Op = op }, [c, a, b]); break;
            case DType.BFloat16: StridedLoop.Run(new BinaryRow<TOp, BFloat16, float> { Op = op }, [c, a, b]); break;
            case DType.Int64: StridedLoop.Run(new BinaryRow<TOp, long, long> { Op = op }, [c, a, b]); break;
            case DType.Int32: StridedLoop.Run(new BinaryRow<TOp, int, int> { Op = op }, [c, a, b]); break;
            case DType.Int16: StridedLoop.Run(new BinaryRow<TOp, short, short> { Op = op }, [c, a, b]); break;
            case DType.Int8: StridedLoop.Run(new BinaryRow<TOp, sbyte, sbyte> { Op = op }, [c, a, b]); break;
            case DType.UInt8: StridedLoop.Run(new BinaryRow<TOp, byte, byte> { Op = op }, [c, a, b]); break;
            case DType.Bool: StridedLoop.Run(new BinaryRow<TOp, bool, byte> { Op = op }, [c, a, b]); break;
        }
    }

    public void Compare<TOp>(TOp op, Tensor a, Tensor b, Tensor c) where TOp : struct, ICompareKernel
    {
        switch (a.dtype)
        {
            case DType.Float32: StridedLoop.Run(new CompareRow<TOp, float, float> { Op = op }, [c, a, b]); break;
            case DType.Float64: StridedLoop.Run(new CompareRow<TOp, double, double> { Op = op }, [c, a, b]); break;
            case DType.Float16: StridedLoop.Run(new CompareRow<TOp, Half, float> { Op = op }, [c, a, b]); break;
            case DType.BFloat16: StridedLoop.Run(new CompareRow<TOp, BFloat16, float> { Op = op }, [c, a, b]); break;
            case DType.Int64: StridedLoop.Run(new CompareRow<TOp, long, long> { Op = op }, [c, a, b]); break;
            case DType.Int32: StridedLoop.Run(new CompareRow<TOp, int, int> { Op = op }, [c, a, b]); break;
            case DType.Int16: StridedLoop.Run(new CompareRow<TOp, short, short> { Op = op }, [c, a, b]); break;
            case DType.Int8: StridedLoop.Run(new CompareRow<TOp, sbyte, sbyte> { Op = op }, [c, a, b]); break;
            case DType.UInt8: StridedLoop.Run(new CompareRow<TOp, byte, byte> { Op = op }, [c, a, b]); break;
            case DType.Bool: StridedLoop.Run(new CompareRow<TOp, bool, byte> { Op = op }, [c, a, b]); break;
        }
    }

    /// <summary>PyTorch's error for a kernel that has no form for a dtype.</summary>
    internal static NotSupportedException NotImplementedFor(string op, DType dtype) =>
        new($"\"{op}_cpu\" not implemented for '{dtype.ScalarTypeName()}'");
}
