using System.Runtime.CompilerServices;
using Flint.Backends.Cpu;
using Flint.Kernels;

namespace Flint.Backends.Cuda;

/// <summary>
/// The CUDA backend of one device. Elementwise primitives (unary, binary, comparison, ternary, where, masked fill),
/// copies with conversion, fills and reductions run kernels generated from the kernel structs' CUDA expressions and
/// compiled by NVRTC (<see cref="KernelSource"/>, <see cref="KernelCache"/>); matrix products go to cuBLAS. The
/// primitives without a CUDA kernel of their own (sorting, scans, index scatter/gather ...) run on the CPU backend
/// through <see cref="HostRoundTrip"/>: correct, but they copy their operands to the host and back, so they are slow.
/// Random fills are drawn on the host and copied (the op layer's generators are host generators).
/// </summary>
internal sealed partial class CudaBackend : IBackend
{
    private static readonly Lock Sync = new();
    private static CudaBackend?[] backends = [];

    private readonly CudaDevice dev;

    private CudaBackend(CudaDevice device) => dev = device;

    /// <summary>
    /// The backend of a CUDA device ("cuda" means the current device); throws PyTorch's error when CUDA cannot be used
    /// or the ordinal is not a visible device.
    /// </summary>
    public static CudaBackend For(Device device)
    {
        var index = device.Index < 0 ? Flint.Cuda.CurrentDevice() : device.Index;
        var all = backends;
        if (index >= 0 && index < all.Length && all[index] is { } existing) return existing;
        var d = CudaRuntime.Device(index);
        lock (Sync)
        {
            if (backends.Length <= index) Array.Resize(ref backends, CudaRuntime.DeviceCount);
            return backends[index] ??= new CudaBackend(d);
        }
    }

    /// <summary>The GPU this backend runs on.</summary>
    public CudaDevice CudaDevice => dev;

    public Device Device => dev.Device;

    public Storage Allocate(long byteCount, bool zeroed) => new CudaStorage(dev, byteCount, zeroed);

    // ------------------------------------------------------------------ operands and launches

    /// <summary>The device address of a tensor's element 0; the tensor must live on this device.</summary>
    private ulong Address(Tensor t)
    {
        if (t.storage is not CudaStorage s || s.CudaDevice != dev)
            throw new InvalidOperationException(
                $"Expected all tensors to be on the same device, but found at least two devices, {Device} and {t.Device}!");
        return s.Pointer + (ulong)(t.offset * t.dtype.ElementSize());
    }

    /// <summary>Blocks for a grid-stride loop over n elements: enough to fill the GPU, no more.</summary>
    private uint Blocks(long n, int blockSize) =>
        (uint)Math.Clamp((n + blockSize - 1) / blockSize, 1, (long)dev.MultiprocessorCount * 32);

    /// <summary>Launches an elementwise kernel: (n, geometry, operand pointers..., 8-byte arguments...).</summary>
    private unsafe void LaunchElementwise(nint function, ElementwisePlan plan, Tensor[] operands, ReadOnlySpan<long> arguments)
    {
        Span<ulong> pointers = stackalloc ulong[operands.Length];
        for (int k = 0; k < operands.Length; k++) pointers[k] = Address(operands[k]);
        KernelArguments.Elementwise(plan, pointers, arguments, Blocks(plan.Numel, KernelSource.BlockSize), KernelSource.BlockSize,
            (grid, block, args) => dev.Launch(function, grid, block, 0, args));
        GC.KeepAlive(operands);
    }

    /// <summary>The values of a kernel struct's fields as 8-byte kernel arguments.</summary>
    private static long[] FieldValues<TOp>(TOp op, KernelField[] fields) where TOp : struct
    {
        if (fields.Length == 0) return [];
        var values = new long[fields.Length];
        KernelFields.Values(op, fields, values);
        return values;
    }

    // ------------------------------------------------------------------ elementwise

    public void Unary<TOp>(TOp op, Tensor x, Tensor y) where TOp : struct, IUnaryKernel
    {
        KernelSupport.CheckUnary(op, y.dtype);
        var plan = ElementwisePlan.Of(y, x);
        if (plan.Numel == 0) return;
        var fields = KernelFields.Of(typeof(TOp));
        var fn = dev.Kernels.Get(new KernelKey("unary", typeof(TOp), y.dtype, x.dtype, default, default, plan.VariantKey),
            () => KernelSource.Map(TOp.Cuda, ["x"], CudaTypes.ComputeDType(y.dtype), y.dtype, [x.dtype], plan, fields));
        LaunchElementwise(fn, plan, [y, x], FieldValues(op, fields));
    }

    public void Binary<TOp>(TOp op, Tensor a, Tensor b, Tensor c) where TOp : struct, IBinaryKernel
    {
        KernelSupport.CheckBinary(op, c.dtype);
        var plan = ElementwisePlan.Of(c, a, b);
        if (plan.Numel == 0) return;
        var fields = KernelFields.Of(typeof(TOp));
        var fn = dev.Kernels.Get(new KernelKey("binary", typeof(TOp), c.dtype, a.dtype, b.dtype, default, plan.VariantKey),
            () => KernelSource.Map(TOp.Cuda, ["a", "b"], CudaTypes.ComputeDType(c.dtype), c.dtype, [a.dtype, b.dtype], plan, fields));
        LaunchElementwise(fn, plan, [c, a, b], FieldValues(op, fields));
    }

    public void Compare<TOp>(TOp op, Tensor a, Tensor b, Tensor c) where TOp : struct, ICompareKernel
    {
        KernelSupport.CheckCompare(op, a.dtype);
        var plan = ElementwisePlan.Of(c, a, b);
        if (plan.Numel == 0) return;
        var fields = KernelFields.Of(typeof(TOp));
        var fn = dev.Kernels.Get(new KernelKey("compare", typeof(TOp), c.dtype, a.dtype, b.dtype, default, plan.VariantKey),
            () => KernelSource.Map(TOp.Cuda, ["a", "b"], CudaTypes.ComputeDType(a.dtype), DType.Bool, [a.dtype, b.dtype], plan, fields));
        LaunchElementwise(fn, plan, [c, a, b], FieldValues(op, fields));
    }

    public void Ternary<TOp>(TOp op, Tensor a, Tensor b, Tensor c, Tensor d) where TOp : struct, ITernaryKernel
    {
        KernelSupport.CheckTernary(op, d.dtype);
        var plan = ElementwisePlan.Of(d, a, b, c);
        if (plan.Numel == 0) return;
        var fields = KernelFields.Of(typeof(TOp));
        var fn = dev.Kernels.Get(new KernelKey("ternary", typeof(TOp), d.dtype, a.dtype, b.dtype, c.dtype, plan.VariantKey),
            () => KernelSource.Map(TOp.Cuda, ["a", "b", "c"], CudaTypes.ComputeDType(d.dtype), d.dtype, [a.dtype, b.dtype, c.dtype], plan, fields));
        LaunchElementwise(fn, plan, [d, a, b, c], FieldValues(op, fields));
    }

    public void Where(Tensor condition, Tensor x, Tensor y, Tensor output)
    {
        var plan = ElementwisePlan.Of(output, condition, x, y);
        if (plan.Numel == 0) return;
        var fn = dev.Kernels.Get(new KernelKey("where", null, output.dtype, default, default, default, plan.VariantKey),
            () => KernelSource.Where(output.dtype, plan));
        LaunchElementwise(fn, plan, [output, condition, x, y], []);
    }

    public void MaskedFill(Tensor dst, Tensor mask, Scalar value)
    {
        var plan = ElementwisePlan.Of(dst.shape, dst.strides, mask.strides);
        if (plan.Numel == 0) return;
        var fn = dev.Kernels.Get(new KernelKey("masked_fill", null, dst.dtype, default, default, default, plan.VariantKey),
            () => KernelSource.MaskedFill(dst.dtype, plan));
        LaunchElementwise(fn, plan, [dst, mask], [ScalarBits(value, dst.dtype)]);
    }

    // ------------------------------------------------------------------ fill and copy

    public void Fill(Tensor dst, Scalar value)
    {
        var plan = ElementwisePlan.Of(dst);
        if (plan.Numel == 0) return;
        var bits = ScalarBits(value, dst.dtype);
        int size = dst.dtype.ElementSize();
        if (plan.Layouts[0] == OperandLayout.Contiguous && size <= 4)
        {
            dev.Memset(Address(dst), size, (uint)bits, plan.Numel);
            GC.KeepAlive(dst);
            return;
        }
        var fn = dev.Kernels.Get(new KernelKey("fill", null, dst.dtype, default, default, default, plan.VariantKey),
            () => KernelSource.Fill(dst.dtype, plan));
        LaunchElementwise(fn, plan, [dst], [bits]);
    }

    /// <summary>The storage bits of a number converted to a dtype as the CPU converts it (in the low bytes).</summary>
    internal static long ScalarBits(Scalar value, DType dt) => dt switch
    {
        DType.Float32 => (uint)BitConverter.SingleToInt32Bits(Cvt.FromScalar<float>(value)),
        DType.Float64 => BitConverter.DoubleToInt64Bits(Cvt.FromScalar<double>(value)),
        DType.Float16 => BitConverter.HalfToUInt16Bits(Cvt.FromScalar<Half>(value)),
        DType.BFloat16 => Cvt.FromScalar<BFloat16>(value).Bits,
        DType.Int64 => Cvt.FromScalar<long>(value),
        DType.Int32 => (uint)Cvt.FromScalar<int>(value),
        DType.Int16 => (ushort)Cvt.FromScalar<short>(value),
        DType.Int8 => (byte)Cvt.FromScalar<sbyte>(value),
        DType.UInt8 => Cvt.FromScalar<byte>(value),
        _ => Cvt.FromScalar<bool>(value) ? 1 : 0,
    };

    public void Copy(Tensor src, Tensor dst)
    {
        if (dst.Numel() == 0) return;
        if (src.storage is not CudaStorage from)
        {
            CopyFromHost(src, dst);
            return;
        }
        if (from.CudaDevice != dev)
        {
            CopyFromPeer(src, dst);
            return;
        }
        if (src.dtype == dst.dtype && src.IsContiguous() && dst.IsContiguous())
        {
            dev.CopyOnDevice(Address(dst), Address(src), dst.Numel() * dst.dtype.ElementSize());
            GC.KeepAlive(src);
            GC.KeepAlive(dst);
            return;
        }
        var plan = ElementwisePlan.Of(dst, src);
        var fn = dev.Kernels.Get(new KernelKey("cast", null, dst.dtype, src.dtype, default, default, plan.VariantKey),
            () => KernelSource.Cast(src.dtype, dst.dtype, plan));
        LaunchElementwise(fn, plan, [dst, src], []);
    }

    // Host to device: the host converts and lays out (CPU copy), then the bytes move in one transfer.
    private unsafe void CopyFromHost(Tensor src, Tensor dst)
    {
        var host = src;
        if (src.dtype != dst.dtype || !src.IsContiguous())
        {
            host = Tensor.Allocate((long[])dst.shape.Clone(), dst.dtype, Flint.Device.CPU);
            CpuBackend.Instance.Copy(src, host);
        }
        var bytes = new ReadOnlySpan<byte>(host.Ptr, checked((int)(host.Numel() * host.dtype.ElementSize())));
        if (dst.IsContiguous())
        {
            dst.storage.CopyFromHost(bytes, dst.offset * dst.dtype.ElementSize());
        }
        else
        {
            var staged = Tensor.Allocate((long[])dst.shape.Clone(), dst.dtype, Device);
            staged.storage.CopyFromHost(bytes, 0);
            Copy(staged, dst);
        }
        GC.KeepAlive(host);
    }

    // Another GPU to this one: the source device makes a contiguous copy of the right dtype, then a peer copy.
    private void CopyFromPeer(Tensor src, Tensor dst)
    {
        var source = src;
        var sourceBackend = src.Backend;
        if (src.dtype != dst.dtype || !src.IsContiguous())
        {
            source = Tensor.Allocate((long[])dst.shape.Clone(), dst.dtype, src.Device);
            sourceBackend.Copy(src, source);
        }
        var target = dst.IsContiguous() ? dst : Tensor.Allocate((long[])dst.shape.Clone(), dst.dtype, Device);
        var from = (CudaStorage)source.storage;
        dev.CopyFromPeer(Address(target), from.CudaDevice, from.Pointer + (ulong)(source.offset * source.dtype.ElementSize()),
            target.Numel() * target.dtype.ElementSize());
        GC.KeepAlive(source);
        if (!ReferenceEquals(target, dst)) Copy(target, dst);
    }

    /// <summary>Waits for this device's queued work.</summary>
    public void Synchronize() => dev.Synchronize();

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static NotSupportedException NotImplementedFor(string op, DType dtype) =>
        new($"\"{op}_cuda\" not implemented for '{dtype.ScalarTypeName()}'");
}
