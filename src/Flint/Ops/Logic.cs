using Flint.Kernels;
using Flint.Ops;

namespace Flint;

/// <summary>
/// Logical ops (any dtype in, bool out; non-zero is true) and bitwise ops on integers and bool, with the C#
/// operators &amp;, |, ^ and ~.
/// </summary>
public partial class Tensor
{
    // In-place logical op: the bool result written back as 1/0 in this tensor's dtype.
    private Tensor Logical_<TOp>(TOp op, Tensor other) where TOp : struct, ICompareKernel
    {
        MathCommon.CheckInPlaceShape(this, other);
        return InPlace.Apply(this, s => Elementwise.Cast(Elementwise.Compare(op, s, other), s.dtype, s.Device),
            s => InPlace.CopyData(Elementwise.Compare(op, s, other), s), other);
    }

    /// <summary>True where both are non-zero (<c>torch.logical_and</c>).</summary>
    public Tensor LogicalAnd(Tensor other) => Elementwise.Compare(new LogicalAndKernel(), this, other);
    /// <summary>True where either is non-zero (<c>torch.logical_or</c>).</summary>
    public Tensor LogicalOr(Tensor other) => Elementwise.Compare(new LogicalOrKernel(), this, other);
    /// <summary>True where exactly one is non-zero (<c>torch.logical_xor</c>).</summary>
    public Tensor LogicalXor(Tensor other) => Elementwise.Compare(new LogicalXorKernel(), this, other);
    /// <summary>True where the element is zero (<c>torch.logical_not</c>).</summary>
    public Tensor LogicalNot() => Elementwise.Compare(new LogicalNotKernel(), this, this);

    /// <summary>In-place <see cref="LogicalAnd"/>, keeping this tensor's dtype (<c>x.logical_and_(other)</c>).</summary>
    public Tensor LogicalAnd_(Tensor other) => Logical_(new LogicalAndKernel(), other);
    /// <summary>In-place <see cref="LogicalOr"/>, keeping this tensor's dtype (<c>x.logical_or_(other)</c>).</summary>
    public Tensor LogicalOr_(Tensor other) => Logical_(new LogicalOrKernel(), other);
    /// <summary>In-place <see cref="LogicalXor"/>, keeping this tensor's dtype (<c>x.logical_xor_(other)</c>).</summary>
    public Tensor LogicalXor_(Tensor other) => Logical_(new LogicalXorKernel(), other);

    /// <summary>In-place <see cref="LogicalNot"/>, keeping this tensor's dtype (<c>x.logical_not_()</c>).</summary>
    public Tensor LogicalNot_() =>
        InPlace.Apply(this, static s => Elementwise.Cast(s.LogicalNot(), s.dtype, s.Device),
            static s => InPlace.CopyData(s.LogicalNot(), s));

    private DType BitwiseType(DType dt, string kernel)
    {
        if (dt.IsFloatingPoint()) throw MathCommon.NotImplemented(kernel, dt);
        return dt;
    }

    private Tensor Bitwise<TOp>(TOp op, Tensor other, string kernel) where TOp : struct, IBinaryKernel =>
        Elementwise.Binary(op, this, other, BitwiseType(ResultTypeState.Of(this, other), kernel));

    private Tensor Bitwise<TOp>(TOp op, Scalar other, string kernel) where TOp : struct, IBinaryKernel
    {
        var dt = BitwiseType(ResultTypeState.Of(this, other), kernel);
        return Elementwise.Binary(op, this, Elementwise.Wrap(other, dt, Device), dt);
    }

    private Tensor Bitwise_<TOp>(TOp op, Tensor other, string kernel, Func<Tensor, Tensor> outOfPlace) where TOp : struct, IBinaryKernel =>
        MathCommon.Binary_(this, op, other, BitwiseType(ResultTypeState.Of(this, other), kernel), outOfPlace);

    private Tensor Bitwise_<TOp>(TOp op, Scalar other, string kernel, Func<Tensor, Tensor> outOfPlace) where TOp : struct, IBinaryKernel
    {
        var dt = BitwiseType(ResultTypeState.Of(this, other), kernel);
        return MathCommon.Binary_(this, op, Elementwise.Wrap(other, dt, Device), dt, outOfPlace);
    }

    /// <summary>Bitwise AND of integers, logical AND of bools (<c>torch.bitwise_and</c>, <c>a &amp; b</c>).</summary>
    public Tensor BitwiseAnd(Tensor other) => Bitwise(new BitwiseAndKernel(), other, "bitwise_and_cpu");
    /// <summary>Bitwise AND with a number (<c>x &amp; 3</c>).</summary>
    public Tensor BitwiseAnd(Scalar other) => Bitwise(new BitwiseAndKernel(), other, "bitwise_and_cpu");
    /// <summary>Bitwise OR of integers, logical OR of bools (<c>torch.bitwise_or</c>, <c>a | b</c>).</summary>
    public Tensor BitwiseOr(Tensor other) => Bitwise(new BitwiseOrKernel(), other, "bitwise_or_cpu");
    /// <summary>Bitwise OR with a number (<c>x | 3</c>).</summary>
    public Tensor BitwiseOr(Scalar other) => Bitwise(new BitwiseOrKernel(), other, "bitwise_or_cpu");
    /// <summary>Bitwise XOR of integers, logical XOR of bools (<c>torch.bitwise_xor</c>, <c>a ^ b</c>).</summary>
    public Tensor BitwiseXor(Tensor other) => Bitwise(new BitwiseXorKernel(), other, "bitwise_xor_cpu");
    /// <summary>Bitwise XOR with a number (<c>x ^ 3</c>).</summary>
    public Tensor BitwiseXor(Scalar other) => Bitwise(new BitwiseXorKernel(), other, "bitwise_xor_cpu");

    /// <summary>In-place <see cref="BitwiseAnd(Tensor)"/> (<c>x.bitwise_and_(other)</c>, <c>x &amp;= y</c>).</summary>
    public Tensor BitwiseAnd_(Tensor other) => Bitwise_(new BitwiseAndKernel(), other, "bitwise_and_cpu", s => s.BitwiseAnd(other));
    /// <summary>In-place <see cref="BitwiseAnd(Scalar)"/>.</summary>
    public Tensor BitwiseAnd_(Scalar other) => Bitwise_(new BitwiseAndKernel(), other, "bitwise_and_cpu", s => s.BitwiseAnd(other));
    /// <summary>In-place <see cref="BitwiseOr(Tensor)"/> (<c>x.bitwise_or_(other)</c>).</summary>
    public Tensor BitwiseOr_(Tensor other) => Bitwise_(new BitwiseOrKernel(), other, "bitwise_or_cpu", s => s.BitwiseOr(other));
    /// <summary>In-place <see cref="BitwiseOr(Scalar)"/>.</summary>
    public Tensor BitwiseOr_(Scalar other) => Bitwise_(new BitwiseOrKernel(), other, "bitwise_or_cpu", s => s.BitwiseOr(other));
    /// <summary>In-place <see cref="BitwiseXor(Tensor)"/> (<c>x.bitwise_xor_(other)</c>).</summary>
    public Tensor BitwiseXor_(Tensor other) => Bitwise_(new BitwiseXorKernel(), other, "bitwise_xor_cpu", s => s.BitwiseXor(other));
    /// <summary>In-place <see cref="BitwiseXor(Scalar)"/>.</summary>
    public Tensor BitwiseXor_(Scalar other) => Bitwise_(new BitwiseXorKernel(), other, "bitwise_xor_cpu", s => s.BitwiseXor(other));

    /// <summary>Bitwise complement of integers, logical not of bools (<c>torch.bitwise_not</c>, <c>~x</c>).</summary>
    public Tensor BitwiseNot()
    {
        if (dtype == DType.Bool) return LogicalNot();
        BitwiseType(dtype, "bitwise_not_cpu");
        return Elementwise.Unary(new BitwiseNotKernel(), this, dtype);
    }

    /// <summary>In-place <see cref="BitwiseNot"/> (<c>x.bitwise_not_()</c>).</summary>
    public Tensor BitwiseNot_()
    {
        if (dtype == DType.Bool) return LogicalNot_();
        BitwiseType(dtype, "bitwise_not_cpu");
        return MathCommon.Unary_(this, new BitwiseNotKernel(), dtype, static s => s.BitwiseNot());
    }

    /// <summary><c>a &amp; b</c> (<c>torch.bitwise_and</c>).</summary>
    public static Tensor operator &(Tensor a, Tensor b) => a.BitwiseAnd(b);
    /// <summary><c>a &amp; 3</c>.</summary>
    public static Tensor operator &(Tensor a, Scalar b) => a.BitwiseAnd(b);
    /// <summary><c>3 &amp; a</c>.</summary>
    public static Tensor operator &(Scalar a, Tensor b) => b.BitwiseAnd(a);
    /// <summary><c>a | b</c> (<c>torch.bitwise_or</c>).</summary>
    public static Tensor operator |(Tensor a, Tensor b) => a.BitwiseOr(b);
    /// <summary><c>a | 3</c>.</summary>
    public static Tensor operator |(Tensor a, Scalar b) => a.BitwiseOr(b);
    /// <summary><c>3 | a</c>.</summary>
    public static Tensor operator |(Scalar a, Tensor b) => b.BitwiseOr(a);
    /// <summary><c>a ^ b</c> (<c>torch.bitwise_xor</c>).</summary>
    public static Tensor operator ^(Tensor a, Tensor b) => a.BitwiseXor(b);
    /// <summary><c>a ^ 3</c>.</summary>
    public static Tensor operator ^(Tensor a, Scalar b) => a.BitwiseXor(b);
    /// <summary><c>3 ^ a</c>.</summary>
    public static Tensor operator ^(Scalar a, Tensor b) => b.BitwiseXor(a);

    /// <summary><c>~a</c>: bitwise not of integers, logical not of bools (<c>torch.bitwise_not</c>).</summary>
    public static Tensor operator ~(Tensor a)
    {
        if (a.dtype.IsFloatingPoint())
            throw new ArgumentException("~ (operator.invert) is only implemented on integer and Boolean-type tensors");
        return a.BitwiseNot();
    }
}

public static partial class Torch
{
    /// <summary><c>torch.logical_and(x, y)</c>.</summary>
    public static Tensor LogicalAnd(Tensor input, Tensor other) => input.LogicalAnd(other);
    /// <summary><c>torch.logical_or(x, y)</c>.</summary>
    public static Tensor LogicalOr(Tensor input, Tensor other) => input.LogicalOr(other);
    /// <summary><c>torch.logical_xor(x, y)</c>.</summary>
    public static Tensor LogicalXor(Tensor input, Tensor other) => input.LogicalXor(other);
    /// <summary><c>torch.logical_not(x)</c>.</summary>
    public static Tensor LogicalNot(Tensor input) => input.LogicalNot();
    /// <summary><c>torch.bitwise_and(x, y)</c>.</summary>
    public static Tensor BitwiseAnd(Tensor input, Tensor other) => input.BitwiseAnd(other);
    /// <summary><c>torch.bitwise_and(x, 3)</c>.</summary>
    public static Tensor BitwiseAnd(Tensor input, Scalar other) => input.BitwiseAnd(other);
    /// <summary><c>torch.bitwise_or(x, y)</c>.</summary>
    public static Tensor BitwiseOr(Tensor input, Tensor other) => input.BitwiseOr(other);
    /// <summary><c>torch.bitwise_or(x, 3)</c>.</summary>
    public static Tensor BitwiseOr(Tensor input, Scalar other) => input.BitwiseOr(other);
    /// <summary><c>torch.bitwise_xor(x, y)</c>.</summary>
    public static Tensor BitwiseXor(Tensor input, Tensor other) => input.BitwiseXor(other);
    /// <summary><c>torch.bitwise_xor(x, 3)</c>.</summary>
    public static Tensor BitwiseXor(Tensor input, Scalar other) => input.BitwiseXor(other);
    /// <summary><c>torch.bitwise_not(x)</c>.</summary>
    public static Tensor BitwiseNot(Tensor input) => input.BitwiseNot();
}
