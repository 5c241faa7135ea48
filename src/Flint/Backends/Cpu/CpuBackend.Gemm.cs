namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Gemm(Tensor a, Tensor b, Tensor c, Scalar alpha, Scalar beta)
    {
        var p = Problem(a, b, c);
        switch (c.dtype)
        {
            case DType.Float32: GemmDriver.Run<float>(p, alpha.ToDouble(), beta.ToDouble()); break;
            case DType.Float64: GemmDriver.Run<double>(p, alpha.ToDouble(), beta.ToDouble()); break;
            case DType.Float16: GemmDriver.Run<Half>(p, alpha.ToDouble(), beta.ToDouble()); break;
            case DType.BFloat16: GemmDriver.Run<BFloat16>(p, alpha.ToDouble(), beta.ToDouble()); break;
            case DType.Int64: GemmInteger.Run<long>(p, alpha.ToLong(), beta.ToLong()); break;
            case DType.Int32: GemmInteger.Run<int>(p, alpha.ToLong(), beta.ToLong()); break;
            case DType.Int16: GemmInteger.Run<short>(p, alpha.ToLong(), beta.ToLong()); break;
            case DType.Int8: GemmInteger.Run<sbyte>(p, alpha.ToLong(), beta.ToLong()); break;
            case DType.UInt8: GemmInteger.Run<byte>(p, alpha.ToLong(), beta.ToLong()); break;
            default: throw new NotSupportedException($"\"addmm_impl_cpu_\" not implemented for '{c.dtype.ScalarTypeName()}'");
        }
    }

    /// <summary>The raw form of a batched product of 3-D CPU tensors, checked for agreeing shapes and one dtype.</summary>
    internal static unsafe GemmProblem Problem(Tensor a, Tensor b, Tensor c)
    {
        if (a.shape.Length != 3 || b.shape.Length != 3 || c.shape.Length != 3)
            throw new ArgumentException("Gemm takes 3-D operands [batch, rows, columns]");
        if (a.dtype != c.dtype || b.dtype != c.dtype)
            throw new ArgumentException(
                $"expected scalar type {c.dtype.ScalarTypeName()} but found {(a.dtype != c.dtype ? a.dtype : b.dtype).ScalarTypeName()}");
        var p = new GemmProblem
        {
            A = (nint)a.Ptr, Abs = a.strides[0], Ars = a.strides[1], Acs = a.strides[2],
            B = (nint)b.Ptr, Bbs = b.strides[0], Brs = b.strides[1], Bcs = b.strides[2],
            C = (nint)c.Ptr, Cbs = c.strides[0], Crs = c.strides[1], Ccs = c.strides[2],
            Batch = c.shape[0], M = c.shape[1], N = c.shape[2], K = a.shape[2],
        };
        if (a.shape[0] != p.Batch || b.shape[0] != p.Batch || a.shape[1] != p.M || b.shape[1] != p.K || b.shape[2] != p.N)
            throw new ArgumentException(
                $"Gemm shapes do not agree: {Shapes.Format(a.shape)} @ {Shapes.Format(b.shape)} -> {Shapes.Format(c.shape)}");
        return p;
    }
}
