namespace Flint.Backends.Cpu;

/// <summary>A generic action over one storage type, chosen at run time from a dtype by <see cref="Dispatch.On"/>.</summary>
internal interface ITypeVisitor
{
    void Visit<T>() where T : unmanaged;
}

/// <summary>Turns run-time dtypes into generic instantiations, once, instead of a switch in every kernel.</summary>
internal static class Dispatch
{
    public static void On<TV>(DType dtype, ref TV v) where TV : struct, ITypeVisitor
    {
        switch (dtype)
        {
            case DType.Float32: v.Visit<float>(); break;
            case DType.Float64: v.Visit<double>(); break;
            case DType.Float16: v.Visit<Half>(); break;
            case DType.BFloat16: v.Visit<BFloat16>(); break;
            case DType.Int64: v.Visit<long>(); break;
            case DType.Int32: v.Visit<int>(); break;
            case DType.Int16: v.Visit<short>(); break;
            case DType.Int8: v.Visit<sbyte>(); break;
            case DType.UInt8: v.Visit<byte>(); break;
            default: v.Visit<bool>(); break;
        }
    }

    public static void Copy(Tensor src, Tensor dst)
    {
        var v = new CopySrc(src, dst);
        On(src.dtype, ref v);
    }

    public static void Fill(Tensor dst, Scalar value)
    {
        var v = new FillVisitor(dst, value);
        On(dst.dtype, ref v);
    }

    private readonly struct CopySrc(Tensor src, Tensor dst) : ITypeVisitor
    {
        public void Visit<TS>() where TS : unmanaged
        {
            var v = new CopyDst<TS>(src, dst);
            On(dst.dtype, ref v);
        }
    }

    private readonly struct CopyDst<TS>(Tensor src, Tensor dst) : ITypeVisitor where TS : unmanaged
    {
        public void Visit<TD>() where TD : unmanaged => StridedLoop.Run(new CopyRow<TS, TD>(), [dst, src]);
    }

    private readonly struct FillVisitor(Tensor dst, Scalar value) : ITypeVisitor
    {
        public void Visit<T>() where T : unmanaged =>
            StridedLoop.Run(new FillRow<T> { Value = Cvt.FromScalar<T>(value) }, [dst]);
    }
}
