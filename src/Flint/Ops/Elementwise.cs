using Flint.Kernels;

namespace Flint.Ops;

/// <summary>
/// The shared forward path of elementwise ops: device check, broadcasting, type promotion and casting, output
/// allocation with the inputs' layout, then one backend call. Ops add their derivative on top.
/// </summary>
internal static class Elementwise
{
    public static void CheckSameDevice(Tensor a, Tensor b)
    {
        if (a.Device == b.Device) return;
        // A zero-dim CPU tensor may meet a CUDA tensor, as in PyTorch.
        if ((a.Device.IsCpu && a.shape.Length == 0) || (b.Device.IsCpu && b.shape.Length == 0)) return;
        throw new InvalidOperationException(
            $"Expected all tensors to be on the same device, but found at least two devices, {a.Device} and {b.Device}!");
    }

    /// <summary>x itself if already of dtype <paramref name="dt"/> on <paramref name="device"/>, else a converted copy (no history).</summary>
    public static Tensor Cast(Tensor x, DType dt, Device device)
    {
        if (x.dtype == dt && x.Device == device) return x;
        var r = Tensor.Allocate((long[])x.shape.Clone(), dt, device);
        r.Backend.Copy(x, r);
        return r;
    }

    /// <summary>A view of x with the target shape, stride 0 along broadcast dims (no history).</summary>
    public static Tensor Expand(Tensor x, long[] shape)
    {
        if (x.shape.AsSpan().SequenceEqual(shape)) return x;
        return new Tensor(x.storage, shape, Shapes.ExpandStrides(x.shape, x.strides, shape), x.offset, x.dtype, x.version);
    }

    /// <summary>An output of the broadcast shape, laid out like the first same-shaped dense input.</summary>
    public static Tensor NewOutput(long[] shape, DType dt, Tensor a, Tensor? b = null)
    {
        if (a.shape.AsSpan().SequenceEqual(shape)) return a.EmptyLikeDense(dt);
        if (b is not null && b.shape.AsSpan().SequenceEqual(shape)) return b.EmptyLikeDense(dt);
        return Tensor.Allocate(shape, dt, a.Device);
    }

    public static Tensor Unary<TOp>(TOp op, Tensor x, DType dt) where TOp : struct, IUnaryKernel
    {
        var src = Cast(x, dt, x.Device);
        var y = src.EmptyLikeDense(dt);
        y.Backend.Unary(op, src, y);
        return y;
    }

    /// <summary>out = op(x) into an existing tensor of x's shape.</summary>
    public static void UnaryInto<TOp>(TOp op, Tensor x, Tensor output) where TOp : struct, IUnaryKernel
    {
        var src = Cast(x, output.dtype, output.Device);
        output.Backend.Unary(op, src, output);
    }

    /// <summary>op(a, b) computed in <paramref name="compute"/>, result of dtype <paramref name="result"/> (default: the same).</summary>
    public static Tensor Binary<TOp>(TOp op, Tensor a, Tensor b, DType compute, DType? result = null) where TOp : struct, IBinaryKernel
    {
        CheckSameDevice(a, b);
        var shape = Shapes.Broadcast(a.shape, b.shape);
        var output = NewOutput(shape, result ?? compute, a, b);
        BinaryInto(op, a, b, output, compute);
        return output;
    }

    /// <summary>output = op(a, b), with a and b broadcast to output's shape and computed in <paramref name="compute"/>.</summary>
    public static void BinaryInto<TOp>(TOp op, Tensor a, Tensor b, Tensor output, DType compute) where TOp : struct, IBinaryKernel
    {
        var dev = output.Device;
        var ea = Expand(Cast(a, compute, dev), output.shape);
        var eb = Expand(Cast(b, compute, dev), output.shape);
        if (output.dtype == compute)
        {
            output.Backend.Binary(op, ea, eb, output);
            return;
        }
        var tmp = Tensor.Allocate((long[])output.shape.Clone(), compute, dev);
        output.Backend.Binary(op, ea, eb, tmp);
        output.Backend.Copy(tmp, output);
    }

    /// <summary>A bool tensor op(a, b) computed in the promoted type.</summary>
    public static Tensor Compare<TOp>(TOp op, Tensor a, Tensor b) where TOp : struct, ICompareKernel
    {
        CheckSameDevice(a, b);
        var compute = ResultTypeState.Of(a, b);
        var shape = Shapes.Broadcast(a.shape, b.shape);
        var output = NewOutput(shape, DType.Bool, a, b);
        var dev = output.Device;
        output.Backend.Compare(op, Expand(Cast(a, compute, dev), shape), Expand(Cast(b, compute, dev), shape), output);
        return output;
    }

    /// <summary>A zero-dim tensor for a number operand, as PyTorch wraps Python scalars.</summary>
    public static Tensor Wrap(Scalar s, DType dt, Device device)
    {
        var t = Tensor.Allocate([], dt, device);
        t.Backend.Fill(t, s);
        return t;
    }
}
