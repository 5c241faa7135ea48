using Flint.Autograd;
using Flint.Kernels;

namespace Flint.Ops;

/// <summary>
/// The shared steps of the math, comparison and logic ops: result dtypes, PyTorch's errors, in-place checks, the
/// three-operand elementwise path and the placeholder node of ops PyTorch does not differentiate.
/// </summary>
internal static class MathCommon
{
    /// <summary>The dtype float math gives: floats keep theirs, integers and bool give the default float dtype.</summary>
    public static DType FloatType(DType t) => t.IsFloatingPoint() ? t : DTypes.Default;

    /// <summary>torch.result_type over several tensors (null entries skipped).</summary>
    public static DType ResultType(params ReadOnlySpan<Tensor?> tensors)
    {
        var s = new ResultTypeState();
        foreach (var t in tensors)
            if (t is not null) s.Add(t);
        return s.Result;
    }

    /// <summary>torch.result_type of a tensor and optional numbers.</summary>
    public static DType ResultType(Tensor t, Scalar? a, Scalar? b = null)
    {
        var s = new ResultTypeState();
        s.Add(t);
        if (a is { } x) s.Add(x);
        if (b is { } y) s.Add(y);
        return s.Result;
    }

    /// <summary>
    /// Whether x is a floating-point CUDA tensor. PyTorch's CUDA kernels of the float-only functions (activations,
    /// softmax, norms, convolution, pooling, nll_loss) take every float dtype, where its CPU kernels lack float16 and
    /// some bfloat16.
    /// </summary>
    public static bool IsCudaFloat(Tensor x) => x.IsCuda && x.DType.IsFloatingPoint();

    /// <summary>
    /// PyTorch's error for a float-only kernel reached with a dtype it has no form for: float32 and float64 pass, bfloat16
    /// where the CPU kernel has it, and every float dtype on CUDA (<see cref="IsCudaFloat"/>).
    /// </summary>
    public static void CheckFloat(Tensor x, string kernel, bool bfloat16 = true)
    {
        if (x.DType is DType.Float32 or DType.Float64 || (bfloat16 && x.DType == DType.BFloat16) || IsCudaFloat(x)) return;
        throw NotImplemented(kernel, x.DType);
    }

    /// <summary>PyTorch's error for a kernel with no form for a dtype: <c>"abs_cpu" not implemented for 'Bool'</c>.</summary>
    public static NotSupportedException NotImplemented(string kernel, DType t) =>
        new($"\"{kernel}\" not implemented for '{t.ScalarTypeName()}'");

    /// <summary>The C++ type name PyTorch prints in dtype-mismatch errors (lerp's "long int", "c10::Half").</summary>
    public static string CppTypeName(DType t) => t switch
    {
        DType.Float32 => "float",
        DType.Float64 => "double",
        DType.Float16 => "c10::Half",
        DType.BFloat16 => "c10::BFloat16",
        DType.Int64 => "long int",
        DType.Int32 => "int",
        DType.Int16 => "short int",
        DType.Int8 => "signed char",
        DType.UInt8 => "unsigned char",
        _ => "bool",
    };

    /// <summary>An in-place op's output must already have the broadcast shape of all operands.</summary>
    public static void CheckInPlaceShape(Tensor self, params ReadOnlySpan<Tensor?> others)
    {
        long[] b = self.shape;
        foreach (var o in others)
            if (o is not null) b = Shapes.Broadcast(b, o.shape);
        if (!b.AsSpan().SequenceEqual(self.shape))
            throw new ArgumentException(
                $"output with shape {Shapes.Format(self.shape)} doesn't match the broadcast shape {Shapes.Format(b)}");
    }

    /// <summary>In-place unary op computed in <paramref name="compute"/> and written into self.</summary>
    public static Tensor Unary_<TOp>(Tensor self, TOp op, DType compute, Func<Tensor, Tensor> outOfPlace) where TOp : struct, IUnaryKernel
    {
        ResultTypeState.CheckCanCast(compute, self.dtype);
        if (compute == self.dtype)
            return InPlace.Apply(self, outOfPlace, s => Elementwise.UnaryInto(op, s, s));
        return InPlace.Apply(self, outOfPlace);
    }

    /// <summary>In-place binary op: castability, shape, then the kernel straight into self.</summary>
    public static Tensor Binary_<TOp>(Tensor self, TOp op, Tensor other, DType compute, Func<Tensor, Tensor> outOfPlace)
        where TOp : struct, IBinaryKernel
    {
        ResultTypeState.CheckCanCast(compute, self.dtype);
        CheckInPlaceShape(self, other);
        return InPlace.Apply(self, outOfPlace, s => Elementwise.BinaryInto(op, s, other, s, compute), other);
    }

    /// <summary>In-place ternary op: castability, shape, then the kernel straight into self.</summary>
    public static Tensor Ternary_<TOp>(Tensor self, TOp op, Tensor b, Tensor c, DType compute, Func<Tensor, Tensor> outOfPlace)
        where TOp : struct, ITernaryKernel
    {
        ResultTypeState.CheckCanCast(compute, self.dtype);
        CheckInPlaceShape(self, b, c);
        return InPlace.Apply(self, outOfPlace, s => TernaryInto(op, s, b, c, s, compute), b, c);
    }

    /// <summary>op(a, b, c) broadcast, computed in <paramref name="compute"/>, laid out like the first full-shape input.</summary>
    public static Tensor Ternary<TOp>(TOp op, Tensor a, Tensor b, Tensor c, DType compute) where TOp : struct, ITernaryKernel
    {
        Elementwise.CheckSameDevice(a, b);
        Elementwise.CheckSameDevice(a, c);
        var shape = Shapes.Broadcast(Shapes.Broadcast(a.shape, b.shape), c.shape);
        var output = c.shape.AsSpan().SequenceEqual(shape) && !a.shape.AsSpan().SequenceEqual(shape) && !b.shape.AsSpan().SequenceEqual(shape)
            ? c.EmptyLikeDense(compute)
            : Elementwise.NewOutput(shape, compute, a, b);
        TernaryInto(op, a, b, c, output, compute);
        return output;
    }

    /// <summary>output = op(a, b, c) with the operands broadcast to output's shape and computed in <paramref name="compute"/>.</summary>
    public static void TernaryInto<TOp>(TOp op, Tensor a, Tensor b, Tensor c, Tensor output, DType compute) where TOp : struct, ITernaryKernel
    {
        var dev = output.Device;
        var ea = Elementwise.Expand(Elementwise.Cast(a, compute, dev), output.shape);
        var eb = Elementwise.Expand(Elementwise.Cast(b, compute, dev), output.shape);
        var ec = Elementwise.Expand(Elementwise.Cast(c, compute, dev), output.shape);
        if (output.dtype == compute)
        {
            output.Backend.Ternary(op, ea, eb, ec, output);
            return;
        }
        var tmp = Tensor.Allocate((long[])output.shape.Clone(), compute, dev);
        output.Backend.Ternary(op, ea, eb, ec, tmp);
        output.Backend.Copy(tmp, output);
    }

    /// <summary>
    /// Records PyTorch's placeholder node for an op without a derivative (floor_divide, remainder of a number by a
    /// tensor): the result requires grad, and backward through it fails with PyTorch's message.
    /// </summary>
    public static void RecordNotImplemented(Tensor result, string atenName, params Tensor[] inputs) =>
        Graph.Record(result, "torch::autograd::NotImplemented", inputs, [],
            _ => throw new InvalidOperationException($"derivative for aten::{atenName} is not implemented"));

    /// <summary>
    /// PyTorch's error for integer division by zero, raised before the kernel runs (where it would surface from a worker
    /// thread). The divisor is checked in the compute type, so a number that wraps to zero there counts.
    /// </summary>
    public static void CheckIntegerDivisor(Tensor divisor, DType compute)
    {
        if (compute.IsFloatingPoint()) return;
        var d = Elementwise.Cast(divisor, compute, divisor.Device);
        if (AnyTrue(Elementwise.Compare(new EqKernel(), d, Elementwise.Wrap(0, compute, d.Device))))
            throw new DivideByZeroException("ZeroDivisionError");
    }

    /// <summary>True if every element of a bool tensor is true (true when empty).</summary>
    public static bool AllTrue(Tensor mask)
    {
        var c = mask.Cpu().Contiguous();
        return c.Numel() == 0 || !c.Data<bool>().Contains(false);
    }

    /// <summary>True if some element of a bool tensor is true.</summary>
    public static bool AnyTrue(Tensor mask)
    {
        var c = mask.Cpu().Contiguous();
        return c.Numel() > 0 && c.Data<bool>().Contains(true);
    }
}
