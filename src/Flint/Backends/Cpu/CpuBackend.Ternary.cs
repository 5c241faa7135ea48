using System.Numerics;
using Flint.Kernels;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Ternary<TOp>(TOp op, Tensor a, Tensor b, Tensor c, Tensor d) where TOp : struct, ITernaryKernel
    {
        switch (d.dtype)
        {
            case DType.Float32: StridedLoop.Run(new TernaryRow<TOp, float, float> { Op = op }, [d, a, b, c]); break;
            case DType.Float64: StridedLoop.Run(new TernaryRow<TOp, double, double> { Op = op }, [d, a, b, c]); break;
            case DType.Float16: StridedLoop.Run(new TernaryRow<TOp, Half, float> { Op = op }, [d, a, b, c]); break;
            case DType.BFloat16: StridedLoop.Run(new TernaryRow<TOp, BFloat16, float> { Op = op }, [d, a, b, c]); break;
            case DType.Int64: StridedLoop.Run(new TernaryRow<TOp, long, long> { Op = op }, [d, a, b, c]); break;
            case DType.Int32: StridedLoop.Run(new TernaryRow<TOp, int, int> { Op = op }, [d, a, b, c]); break;
            case DType.Int16: StridedLoop.Run(new TernaryRow<TOp, short, short> { Op = op }, [d, a, b, c]); break;
            case DType.Int8: StridedLoop.Run(new TernaryRow<TOp, sbyte, sbyte> { Op = op }, [d, a, b, c]); break;
            case DType.UInt8: StridedLoop.Run(new TernaryRow<TOp, byte, byte> { Op = op }, [d, a, b, c]); break;
            default: throw NotImplementedFor(TOp.Name, d.dtype);
        }
    }

    public void Where(Tensor condition, Tensor x, Tensor y, Tensor output)
    {
        var v = new WhereVisitor(condition, x, y, output);
        Dispatch.On(output.dtype, ref v);
    }

    private readonly struct WhereVisitor(Tensor condition, Tensor x, Tensor y, Tensor output) : ITypeVisitor
    {
        public void Visit<T>() where T : unmanaged => StridedLoop.Run(new WhereRow<T>(), [output, condition, x, y]);
    }
}

/// <summary>d = op(a, b, c): storage type TS, computed in TC (float for half types, TS otherwise).</summary>
internal unsafe struct TernaryRow<TOp, TS, TC> : IRowKernel
    where TOp : struct, ITernaryKernel where TS : unmanaged where TC : unmanaged, INumber<TC>
{
    public TOp Op;

    public void Run(byte** p, long* s, long n)
    {
        if (Rows.IsDirect<TS, TC>(s[0]) && Rows.IsDirect<TS, TC>(s[1]) && Rows.IsDirect<TS, TC>(s[2]) &&
            Rows.IsDirect<TS, TC>(s[3]) && n <= int.MaxValue)
        {
            Op.Apply(new ReadOnlySpan<TC>(p[1], (int)n), new ReadOnlySpan<TC>(p[2], (int)n), new ReadOnlySpan<TC>(p[3], (int)n),
                new Span<TC>(p[0], (int)n));
            return;
        }
        TC* ba = stackalloc TC[Rows.Chunk];
        TC* bb = stackalloc TC[Rows.Chunk];
        TC* bc = stackalloc TC[Rows.Chunk];
        TC* bd = stackalloc TC[Rows.Chunk];
        for (long i = 0; i < n; i += Rows.Chunk)
        {
            int m = (int)Math.Min(Rows.Chunk, n - i);
            var a = Rows.Read<TS, TC>(p[1] + i * s[1], s[1], m, ba);
            var b = Rows.Read<TS, TC>(p[2] + i * s[2], s[2], m, bb);
            var c = Rows.Read<TS, TC>(p[3] + i * s[3], s[3], m, bc);
            bool direct = Rows.IsDirect<TS, TC>(s[0]);
            var d = direct ? new Span<TC>(p[0] + i * s[0], m) : new Span<TC>(bd, m);
            Op.Apply(a, b, c, d);
            if (!direct) Rows.Write<TC, TS>(bd, p[0] + i * s[0], s[0], m);
        }
    }
}

/// <summary>
/// out = cond ? x : y over one storage type; cond is bool. Contiguous operands are used in place; strided or broadcast
/// ones (a number as x or y has stride 0) go through chunk buffers.
/// </summary>
internal unsafe struct WhereRow<T> : IRowKernel where T : unmanaged
{
    public void Run(byte** p, long* s, long n)
    {
        T* bx = stackalloc T[Rows.Chunk];
        T* by = stackalloc T[Rows.Chunk];
        T* bo = stackalloc T[Rows.Chunk];
        bool* bc = stackalloc bool[Rows.Chunk];
        for (long i = 0; i < n; i += Rows.Chunk)
        {
            int m = (int)Math.Min(Rows.Chunk, n - i);
            var x = Rows.Read<T, T>(p[2] + i * s[2], s[2], m, bx);
            var y = Rows.Read<T, T>(p[3] + i * s[3], s[3], m, by);
            var c = Rows.Read<bool, bool>(p[1] + i * s[1], s[1], m, bc);
            bool direct = s[0] == sizeof(T);
            var o = direct ? new Span<T>(p[0] + i * s[0], m) : new Span<T>(bo, m);
            for (int k = 0; k < m; k++) o[k] = c[k] ? x[k] : y[k];
            if (!direct) Rows.Write<T, T>(bo, p[0] + i * s[0], s[0], m);
        }
    }
}
