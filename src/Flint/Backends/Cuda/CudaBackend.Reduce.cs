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

        var plan = new ReducePlan(x.shape, x.strides, output.shape, dev.MultiprocessorCount, KernelSource.ReduceBlockSize);
        var fields = KernelFields.Of(typeof(TOp));
        var values = FieldValues(op, fields);
        var width = plan.Wide ? 64 : 32;
        var stage1Out = plan.Splits == 1 ? output : Tensor.Allocate([plan.Outputs * plan.Splits], acc, Device);
        var fn = dev.Kernels.Get(
            new KernelKey("reduce", typeof(TOp), x.dtype, acc, default, default, $"{(plan.ThreadPerOutput ? 't' : 'b')}/{width}"),
            () => KernelSource.Reduce(TOp.Cuda, TOp.CudaMap, true, x.dtype, acc, plan.ThreadPerOutput, plan.Wide, fields));
        LaunchReduce(fn, plan.First(Blocks(plan.Outputs, KernelSource.ReduceBlockSize)), stage1Out, x, identity, values);
        if (plan.Splits == 1) return;

        // Stage 2: each output combines its partial results, which lie contiguous.
        var fn2 = dev.Kernels.Get(
            new KernelKey("reduce_merge", typeof(TOp), acc, acc, default, default, $"b/{width}"),
            () => KernelSource.Reduce(TOp.Cuda, TOp.CudaMap, false, acc, acc, false, plan.Wide, fields));
        LaunchReduce(fn2, plan.Second(), output, stage1Out, identity, values);
    }

    private unsafe void LaunchReduce(nint fn, ReduceStage stage, Tensor output, Tensor input, long identity, long[] values)
    {
        KernelArguments.Reduce(stage, Address(output), Address(input), identity, values,
            (grid, block, args) => dev.Launch(fn, grid, block, 0, args));
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
