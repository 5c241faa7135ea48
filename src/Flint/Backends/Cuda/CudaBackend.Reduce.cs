using Flint.Kernels;

namespace Flint.Backends.Cuda;

internal sealed partial class CudaBackend
{
    public void Reduce<TOp>(TOp op, Tensor x, Tensor output) where TOp : struct, IReduceKernel
    {
        var acc = output.dtype;
        if (acc is DType.Float16 or DType.BFloat16 or DType.Bool)
            throw new InvalidOperationException($"a reduction cannot accumulate in {acc.TorchName()}");
        long outN = output.Numel();
        if (outN == 0) return;
        var identity = IdentityBits(op, acc);
        if (x.Numel() == 0)
        {
            FillBits(output, identity);
            return;
        }

        // Kept and reduced dims of x (dims of size 1 are neither), each merged where memory allows.
        var kept = new List<(long Size, long Stride)>();
        var reduced = new List<(long Size, long Stride)>();
        for (int d = 0; d < x.shape.Length; d++)
        {
            if (x.shape[d] == 1) continue;
            if (output.shape[d] == 1) reduced.Add((x.shape[d], x.strides[d]));
            else kept.Add((x.shape[d], x.strides[d]));
        }
        reduced.Sort((p, q) => q.Stride.CompareTo(p.Stride));
        Merge(kept);
        Merge(reduced);
        long r = 1;
        foreach (var (size, _) in reduced) r *= size;

        long extent = 0;
        for (int d = 0; d < x.shape.Length; d++) extent += (x.shape[d] - 1) * x.strides[d];
        long innerKept = kept.Count > 0 ? kept[^1].Stride : long.MaxValue;
        long innerReduced = reduced.Count > 0 ? reduced[^1].Stride : long.MaxValue;
        bool threadPerOutput = outN >= 4096 && innerKept < innerReduced;

        int splits = 1;
        long chunk = Math.Max(r, 1);
        if (!threadPerOutput)
        {
            long target = (long)dev.MultiprocessorCount * 4;
            if (outN < target)
            {
                long wanted = (target + outN - 1) / outN;
                long useful = Math.Max(1, r / (KernelSource.ReduceBlockSize * 4));
                splits = (int)Math.Min(Math.Min(wanted, useful), 65535);
                chunk = (r + splits - 1) / splits;
                splits = (int)((r + chunk - 1) / chunk);
            }
            if (outN * splits > int.MaxValue)
                throw new NotSupportedException($"a CUDA reduction with {outN} outputs is too large for one launch");
        }
        bool wide = extent > int.MaxValue || r > int.MaxValue || outN * splits > int.MaxValue;

        var fields = KernelFields.Of(typeof(TOp));
        var values = FieldValues(op, fields);
        var stage1Out = splits == 1 ? output : Tensor.Allocate([outN * splits], acc, Device);
        var geometry = new ReduceGeometry();
        Describe(ref geometry, kept, reduced);
        var fn = dev.Kernels.Get(
            new KernelKey("reduce", typeof(TOp), x.dtype, acc, default, default, $"{(threadPerOutput ? 't' : 'b')}/{(wide ? 64 : 32)}"),
            () => KernelSource.Reduce(TOp.Cuda, TOp.CudaMap, true, x.dtype, acc, threadPerOutput, wide, fields));
        long grid = threadPerOutput ? Blocks(outN, KernelSource.ReduceBlockSize) : outN * splits;
        LaunchReduce(fn, grid, outN, r, chunk, splits, ref geometry, stage1Out, x, identity, values);
        if (splits == 1) return;

        // Stage 2: each output combines its partial results, which lie contiguous.
        var merge = new ReduceGeometry();
        Describe(ref merge, [(outN, splits)], [(splits, 1)]);
        var fn2 = dev.Kernels.Get(
            new KernelKey("reduce_merge", typeof(TOp), acc, acc, default, default, $"b/{(wide ? 64 : 32)}"),
            () => KernelSource.Reduce(TOp.Cuda, TOp.CudaMap, false, acc, acc, false, wide, fields));
        LaunchReduce(fn2, outN, outN, splits, splits, 1, ref merge, output, stage1Out, identity, values);
    }

    // Merges adjacent (size, stride) dims, outermost first, where the outer stride is the inner stride times its size.
    private static void Merge(List<(long Size, long Stride)> dims)
    {
        for (int i = dims.Count - 2; i >= 0; i--)
        {
            if (dims[i].Stride != dims[i + 1].Stride * dims[i + 1].Size) continue;
            dims[i] = (dims[i].Size * dims[i + 1].Size, dims[i + 1].Stride);
            dims.RemoveAt(i + 1);
        }
    }

    private static unsafe void Describe(ref ReduceGeometry g, List<(long Size, long Stride)> kept, List<(long Size, long Stride)> reduced)
    {
        if (kept.Count > CudaPrelude.MaxDims || reduced.Count > CudaPrelude.MaxDims)
            throw new NotSupportedException($"CUDA reductions index at most {CudaPrelude.MaxDims} dims");
        g.KeptDims = kept.Count;
        for (int d = 0; d < kept.Count; d++)
        {
            g.KeptSizes[d] = kept[d].Size;
            g.KeptStrides[d] = kept[d].Stride;
        }
        g.ReducedDims = reduced.Count;
        for (int d = 0; d < reduced.Count; d++)
        {
            g.ReducedSizes[d] = reduced[d].Size;
            g.ReducedStrides[d] = reduced[d].Stride;
        }
    }

    private unsafe void LaunchReduce(nint fn, long grid, long outN, long r, long chunk, int splits, ref ReduceGeometry geometry,
        Tensor output, Tensor input, long identity, long[] values)
    {
        var outPtr = Address(output);
        var inPtr = Address(input);
        var args = stackalloc void*[9 + values.Length];
        fixed (ReduceGeometry* g = &geometry)
        fixed (long* v = values)
        {
            args[0] = &outN;
            args[1] = &r;
            args[2] = &chunk;
            args[3] = &splits;
            args[4] = g;
            args[5] = &outPtr;
            args[6] = &inPtr;
            args[7] = &identity;
            for (int j = 0; j < values.Length; j++) args[8 + j] = &v[j];
            dev.Launch(fn, (uint)grid, KernelSource.ReduceBlockSize, 0, args);
        }
        GC.KeepAlive(output);
        GC.KeepAlive(input);
    }

    // The identity of a reduction in the accumulator dtype, as storage bits.
    private static long IdentityBits<TOp>(TOp op, DType acc) where TOp : struct, IReduceKernel => acc switch
    {
        DType.Float32 => (uint)BitConverter.SingleToInt32Bits(op.Identity<float>()),
        DType.Float64 => BitConverter.DoubleToInt64Bits(op.Identity<double>()),
        DType.Int64 => op.Identity<long>(),
        DType.Int32 => (uint)op.Identity<int>(),
        DType.Int16 => (ushort)op.Identity<short>(),
        DType.Int8 => (byte)op.Identity<sbyte>(),
        _ => op.Identity<byte>(),
    };

    // Every element of a tensor = the given storage bits.
    private void FillBits(Tensor dst, long bits)
    {
        var plan = ElementwisePlan.Of(dst);
        var fn = dev.Kernels.Get(new KernelKey("fill", null, dst.dtype, default, default, default, plan.VariantKey),
            () => KernelSource.Fill(dst.dtype, plan));
        LaunchElementwise(fn, plan, [dst], [bits]);
    }
}
