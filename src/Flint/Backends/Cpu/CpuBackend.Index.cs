using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void IndexGather(Tensor output, Tensor src, Tensor[] indices, long[] indexSizes, long[] indexStrides, bool negativeWraps,
        IndexOutOfBounds error)
    {
        var v = new IndexGatherVisitor(output, src, indices, indexStrides, new IndexBounds(indexSizes, negativeWraps, error));
        Dispatch.On(output.dtype, ref v);
    }

    public void IndexScatter(Tensor dst, Tensor values, Tensor[] indices, long[] indexSizes, long[] indexStrides, ScatterMode mode,
        bool negativeWraps, IndexOutOfBounds error)
    {
        var v = new IndexScatterVisitor(dst, values, indices, indexStrides, mode, new IndexBounds(indexSizes, negativeWraps, error));
        Dispatch.On(dst.dtype, ref v);
    }

    public Tensor Nonzero(Tensor x)
    {
        var v = new NonzeroVisitor(x);
        Dispatch.On(x.dtype, ref v);
        return v.Result.Value!;
    }

    public void MaskedFill(Tensor dst, Tensor mask, Scalar value)
    {
        var v = new MaskedFillVisitor(dst, mask, value);
        Dispatch.On(dst.dtype, ref v);
    }

    public void Triangle(Tensor src, Tensor dst, long diagonal, bool upper)
    {
        var v = new TriangleVisitor(src, dst, diagonal, upper);
        Dispatch.On(dst.dtype, ref v);
    }

    // Operand order of the index loops: output/destination, source/values, then the index tensors.
    private static Tensor[] IndexOperands(Tensor first, Tensor second, Tensor[] indices)
    {
        var ops = new Tensor[2 + indices.Length];
        ops[0] = first;
        ops[1] = second;
        indices.CopyTo(ops, 2);
        return ops;
    }

    private static long[] ByteStrides(long[] strides, DType dtype)
    {
        var r = new long[strides.Length];
        for (int i = 0; i < r.Length; i++) r[i] = strides[i] * dtype.ElementSize();
        return r;
    }

    private readonly struct IndexGatherVisitor(Tensor output, Tensor src, Tensor[] indices, long[] strides, IndexBounds bounds)
        : ITypeVisitor
    {
        public void Visit<T>() where T : unmanaged
        {
            var row = new IndexGatherRow<T> { ByteStrides = ByteStrides(strides, output.dtype), Bounds = bounds };
            StridedLoop.Run(row, IndexOperands(output, src, indices));
        }
    }

    private readonly struct IndexScatterVisitor(Tensor dst, Tensor values, Tensor[] indices, long[] strides, ScatterMode mode,
        IndexBounds bounds) : ITypeVisitor
    {
        public void Visit<T>() where T : unmanaged
        {
            var bs = ByteStrides(strides, dst.dtype);
            // Walk in the order of the values, on one thread: duplicates then combine in a fixed order.
            var plan = new LoopPlan(IndexOperands(dst, values, indices), orderBy: 1);
            if (plan.Numel == 0) return;
            switch (mode)
            {
                case ScatterMode.Assign: Run(plan, new IndexScatterRow<T, AssignOp> { ByteStrides = bs, Bounds = bounds }); break;
                case ScatterMode.Add: Run(plan, new IndexScatterRow<T, AddOp> { ByteStrides = bs, Bounds = bounds }); break;
                case ScatterMode.Multiply: Run(plan, new IndexScatterRow<T, MulOp> { ByteStrides = bs, Bounds = bounds }); break;
                case ScatterMode.Max: Run(plan, new IndexScatterRow<T, MaxOp> { ByteStrides = bs, Bounds = bounds }); break;
                default: Run(plan, new IndexScatterRow<T, MinOp> { ByteStrides = bs, Bounds = bounds }); break;
            }
        }

        private static unsafe void Run<TRow>(LoopPlan plan, TRow row) where TRow : struct, IRowKernel => plan.RunRange(ref row, 0, plan.Numel);
    }

    private sealed class Box<T>
    {
        public T? Value;
    }

    private readonly struct NonzeroVisitor(Tensor x) : ITypeVisitor
    {
        public readonly Box<Tensor> Result = new();

        public unsafe void Visit<T>() where T : unmanaged
        {
            var c = x;
            if (!x.IsContiguous())
            {
                c = Tensor.Allocate((long[])x.shape.Clone(), x.dtype, Device.CPU);
                Dispatch.Copy(x, c);
            }
            long n = c.Numel();
            var data = (T*)c.Ptr;
            // Without branches on the values: a mask's entries are as good as random, and a mispredicted branch per
            // element made nonzero of 4M bools 2.6 times PyTorch's time.
            long count = 0;
            for (long i = 0; i < n; i++) count += NonZero(data[i]) ? 1 : 0;
            int nd = x.shape.Length;
            var r = Tensor.Allocate([count, nd], DType.Int64, Device.CPU);
            Result.Value = r;
            if (count == 0 || nd == 0) return;
            var coords = (long*)r.Ptr;
            if (nd == 1)
            {
                // Every position is written where the next nonzero one would go, and kept when it is nonzero.
                for (long i = 0, at = 0; at < count; i++)
                {
                    coords[at] = i;
                    at += NonZero(data[i]) ? 1 : 0;
                }
                return;
            }
            var idx = new long[nd];
            var shape = x.shape;
            for (long i = 0, at = 0; at < count; i++)
            {
                long* row = coords + at * nd;
                for (int d = 0; d < nd; d++) row[d] = idx[d];
                at += NonZero(data[i]) ? 1 : 0;
                for (int d = nd - 1; d >= 0; d--)
                {
                    if (++idx[d] < shape[d]) break;
                    idx[d] = 0;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool NonZero<T>(T v) where T : unmanaged =>
            Cvt.IsFloat<T>() ? Cvt.ToDouble(v) != 0 : Cvt.ToLong(v) != 0;
    }

    private readonly struct MaskedFillVisitor(Tensor dst, Tensor mask, Scalar value) : ITypeVisitor
    {
        public unsafe void Visit<T>() where T : unmanaged
        {
            // 4- and 8-byte values go through where's vector selects, dst = where(mask, value, dst): a branch per
            // element is mispredicted on a random mask (4M floats: 6.9 -> 1.3 ms with the copy before it).
            if (sizeof(T) is 4 or 8 && mask.dtype == DType.Bool)
            {
                var filler = Tensor.Allocate([], dst.dtype, Device.CPU);
                *(T*)filler.Ptr = Cvt.FromScalar<T>(value);
                StridedLoop.Run(new WhereRow<T>(), [dst, mask, filler.Expand(dst.shape), dst]);
                GC.KeepAlive(filler);
                return;
            }
            StridedLoop.Run(new MaskedFillRow<T> { Value = Cvt.FromScalar<T>(value) }, [dst, mask]);
        }
    }

    private readonly struct TriangleVisitor(Tensor src, Tensor dst, long diagonal, bool upper) : ITypeVisitor
    {
        public unsafe void Visit<T>() where T : unmanaged
        {
            int nd = dst.shape.Length;
            long rows = dst.shape[nd - 2], cols = dst.shape[nd - 1];
            if (rows == 0 || cols == 0) return;
            long batch = dst.Numel() / (rows * cols);
            long srs = src.strides[nd - 2], scs = src.strides[nd - 1], drs = dst.strides[nd - 2], dcs = dst.strides[nd - 1];
            T* sp = (T*)src.Ptr, dp = (T*)dst.Ptr;
            for (long b = 0; b < batch; b++)
            {
                long so = 0, dof = 0, rem = b;
                for (int d = nd - 3; d >= 0; d--)
                {
                    long i = rem % dst.shape[d];
                    rem /= dst.shape[d];
                    so += i * src.strides[d];
                    dof += i * dst.strides[d];
                }
                for (long i = 0; i < rows; i++)
                {
                    T* s = sp + so + i * srs;
                    T* o = dp + dof + i * drs;
                    // Columns kept: j - i <= diagonal (lower) or j - i >= diagonal (upper).
                    long split = Math.Clamp(upper ? i + diagonal : i + diagonal + 1, 0, cols);
                    long keepFrom = upper ? split : 0, keepTo = upper ? cols : split;
                    for (long j = 0; j < cols; j++)
                        o[j * dcs] = j >= keepFrom && j < keepTo ? s[j * scs] : default;
                }
            }
        }
    }
}

/// <summary>The valid range of each index operand and how an index outside it is reported.</summary>
internal sealed class IndexBounds(long[] sizes, bool negativeWraps, IndexOutOfBounds error)
{
    public readonly long[] Sizes = sizes;
    public readonly bool NegativeWraps = negativeWraps;
    public readonly IndexOutOfBounds Error = error;
}

/// <summary>Reads the indices of one element and returns the byte offset they address, or throws PyTorch's error.</summary>
internal static unsafe class IndexOffsets
{
    /// <summary>Whether every index operand stays put along the row (stride 0), so that one offset serves it.</summary>
    public static bool Constant(long* s, IndexBounds bounds)
    {
        for (int k = 0; k < bounds.Sizes.Length; k++)
            if (s[2 + k] != 0) return false;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Of(byte** p, long* s, long i, long[] byteStrides, IndexBounds bounds)
    {
        long off = 0;
        var sizes = bounds.Sizes;
        for (int k = 0; k < sizes.Length; k++)
        {
            long idx = *(long*)(p[2 + k] + i * s[2 + k]);
            long size = sizes[k];
            if (idx >= size || idx < (bounds.NegativeWraps ? -size : 0)) throw bounds.Error(idx, k, size);
            if (idx < 0) idx += size;
            off += idx * byteStrides[k];
        }
        return off;
    }
}

/// <summary>output[e] = src[e + offset(indices[e])].</summary>
internal unsafe struct IndexGatherRow<T> : IRowKernel where T : unmanaged
{
    public long[] ByteStrides;
    public IndexBounds Bounds;

    public void Run(byte** p, long* s, long n)
    {
        byte* o = p[0], src = p[1];
        long so = s[0], ss = s[1];
        if (IndexOffsets.Constant(s, Bounds))
        {
            // One index for the whole row (index_select's and embedding's rows): one check, then a copy.
            src += IndexOffsets.Of(p, s, 0, ByteStrides, Bounds);
            if (so == sizeof(T) && ss == sizeof(T)) Buffer.MemoryCopy(src, o, n * sizeof(T), n * sizeof(T));
            else
                for (long i = 0; i < n; i++) *(T*)(o + i * so) = *(T*)(src + i * ss);
            return;
        }
        if (Bounds.Sizes.Length == 1)
        {
            // One index operand (gather, take_along_dim): an index in range is used as it is; any other goes through
            // the general path, which wraps it or throws PyTorch's error.
            byte* ip = p[2];
            long si = s[2], size = Bounds.Sizes[0], step = ByteStrides[0];
            for (long i = 0; i < n; i++)
            {
                long idx = *(long*)(ip + i * si);
                long at = (ulong)idx < (ulong)size ? idx * step : IndexOffsets.Of(p, s, i, ByteStrides, Bounds);
                *(T*)(o + i * so) = *(T*)(src + i * ss + at);
            }
            return;
        }
        for (long i = 0; i < n; i++)
            *(T*)(o + i * so) = *(T*)(src + i * ss + IndexOffsets.Of(p, s, i, ByteStrides, Bounds));
    }
}

/// <summary>dst[e + offset(indices[e])] = op(that, values[e]).</summary>
internal unsafe struct IndexScatterRow<T, TOp> : IRowKernel where T : unmanaged where TOp : struct, IScatterOp
{
    public long[] ByteStrides;
    public IndexBounds Bounds;

    public void Run(byte** p, long* s, long n)
    {
        byte* d = p[0], v = p[1];
        long sd = s[0], sv = s[1];
        if (IndexOffsets.Constant(s, Bounds))
        {
            // One index for the whole row (index_add's and embedding's backward rows): one check, then the row.
            d += IndexOffsets.Of(p, s, 0, ByteStrides, Bounds);
            if (typeof(TOp) == typeof(AddOp) && typeof(T) == typeof(float) && sd == sizeof(float) && sv == sizeof(float) && n <= int.MaxValue)
            {
                var row = new Span<float>(d, (int)n);
                TensorPrimitives.Add(row, new ReadOnlySpan<float>(v, (int)n), row);
                return;
            }
            for (long i = 0; i < n; i++)
            {
                T* q = (T*)(d + i * sd);
                *q = TOp.Combine(*q, *(T*)(v + i * sv));
            }
            return;
        }
        for (long i = 0; i < n; i++)
        {
            T* q = (T*)(d + i * sd + IndexOffsets.Of(p, s, i, ByteStrides, Bounds));
            *q = TOp.Combine(*q, *(T*)(v + i * sv));
        }
    }
}

/// <summary>dst = value where mask.</summary>
internal unsafe struct MaskedFillRow<T> : IRowKernel where T : unmanaged
{
    public T Value;

    public void Run(byte** p, long* s, long n)
    {
        byte* d = p[0], m = p[1];
        long sd = s[0], sm = s[1];
        for (long i = 0; i < n; i++)
            if (*(m + i * sm) != 0) *(T*)(d + i * sd) = Value;
    }
}

/// <summary>How a scatter combines the destination element with the incoming value, for every storage type.</summary>
internal interface IScatterOp
{
    static abstract T Combine<T>(T dst, T value) where T : unmanaged;
}

internal readonly struct AssignOp : IScatterOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Combine<T>(T dst, T value) where T : unmanaged => value;
}

internal readonly struct AddOp : IScatterOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Combine<T>(T a, T b) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Cvt.FromDouble<T>(Cvt.ToDouble(a) + Cvt.ToDouble(b));
        if (Cvt.IsFloat<T>()) return Cvt.FromFloat<T>(Cvt.ToFloat(a) + Cvt.ToFloat(b));
        if (typeof(T) == typeof(bool)) return Cvt.FromLong<T>(Cvt.ToLong(a) | Cvt.ToLong(b));
        return Cvt.FromLong<T>(Cvt.ToLong(a) + Cvt.ToLong(b));
    }
}

internal readonly struct MulOp : IScatterOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Combine<T>(T a, T b) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Cvt.FromDouble<T>(Cvt.ToDouble(a) * Cvt.ToDouble(b));
        if (Cvt.IsFloat<T>()) return Cvt.FromFloat<T>(Cvt.ToFloat(a) * Cvt.ToFloat(b));
        if (typeof(T) == typeof(bool)) return Cvt.FromLong<T>(Cvt.ToLong(a) & Cvt.ToLong(b));
        return Cvt.FromLong<T>(Cvt.ToLong(a) * Cvt.ToLong(b));
    }
}

// NaN in the value wins; NaN already in the destination stays (std::max(dst, value) as ATen's scatter kernels do).
internal readonly struct MaxOp : IScatterOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Combine<T>(T a, T b) where T : unmanaged
    {
        if (Cvt.IsFloat<T>())
        {
            double x = Cvt.ToDouble(a), y = Cvt.ToDouble(b);
            return double.IsNaN(y) || x < y ? b : a;
        }
        return Cvt.ToLong(a) < Cvt.ToLong(b) ? b : a;
    }
}

internal readonly struct MinOp : IScatterOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Combine<T>(T a, T b) where T : unmanaged
    {
        if (Cvt.IsFloat<T>())
        {
            double x = Cvt.ToDouble(a), y = Cvt.ToDouble(b);
            return double.IsNaN(y) || y < x ? b : a;
        }
        return Cvt.ToLong(b) < Cvt.ToLong(a) ? b : a;
    }
}
