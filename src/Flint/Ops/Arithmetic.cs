using Flint.Autograd;
using Flint.Kernels;
using Flint.Ops;

namespace Flint;

/// <summary>+, -, *, / with broadcasting, type promotion, in-place forms and derivatives.</summary>
public partial class Tensor
{
    /// <summary>this + alpha * other (<c>torch.add(x, other, alpha=1)</c>).</summary>
    public Tensor Add(Tensor other, Scalar? alpha = null)
    {
        var al = CheckAlpha(other.dtype, alpha);
        var r = Arith(new AddKernel(al), this, other);
        if (Graph.Needs(this, other)) RecordAdd(r, this, other, al);
        return r;
    }

    private static void RecordAdd(Tensor r, Tensor self, Tensor other, double al) =>
        Graph.Record(r, "AddBackward0", [self, other], [], n => [n.Grad, al == 1 ? n.Grad : n.Grad.Mul(al)]);

    /// <summary>this + alpha * other for a number (<c>torch.add(x, 2)</c>).</summary>
    public Tensor Add(Scalar other, Scalar? alpha = null)
    {
        var al = alpha?.ToDouble() ?? 1;
        var r = Arith(new AddKernel(1), this, other, al);
        if (Graph.Needs(this)) Graph.Record(r, "AddBackward0", [this], [], n => [n.Grad]);
        return r;
    }

    /// <summary>this - alpha * other (<c>torch.sub</c>).</summary>
    public Tensor Sub(Tensor other, Scalar? alpha = null)
    {
        if (dtype == DType.Bool && other.dtype == DType.Bool)
            throw new InvalidOperationException(
                "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.");
        var al = CheckAlpha(other.dtype, alpha);
        var r = Arith(new SubKernel(al), this, other);
        if (Graph.Needs(this, other)) RecordSub(r, this, other, al);
        return r;
    }

    private static void RecordSub(Tensor r, Tensor self, Tensor other, double al) =>
        Graph.Record(r, "SubBackward0", [self, other], [], n => [n.Grad, n.Grad.Mul(-al)]);

    /// <summary>this - alpha * other for a number.</summary>
    public Tensor Sub(Scalar other, Scalar? alpha = null)
    {
        var al = alpha?.ToDouble() ?? 1;
        var r = Arith(new SubKernel(1), this, other, al);
        if (Graph.Needs(this)) Graph.Record(r, "SubBackward0", [this], [], n => [n.Grad]);
        return r;
    }

    /// <summary>other - alpha * this (<c>torch.rsub</c>).</summary>
    public Tensor Rsub(Scalar other, Scalar? alpha = null)
    {
        var al = alpha?.ToDouble() ?? 1;
        var dt = ResultTypeState.Of(this, other);
        var r = Elementwise.Binary(new SubKernel(al), Elementwise.Wrap(other, dt, Device), this, dt);
        if (Graph.Needs(this)) Graph.Record(r, "RsubBackward1", [this], [], n => [n.Grad.Mul(-al)]);
        return r;
    }

    /// <summary>Elementwise product (<c>torch.mul</c>).</summary>
    public Tensor Mul(Tensor other)
    {
        var r = Arith(new MulKernel(), this, other);
        if (Graph.Needs(this, other))
            Graph.Record(r, "MulBackward0", [this, other], [this, other], n =>
                [n.NeedsInputGrad(0) ? n.Grad.Mul(n.Saved(1)) : null, n.NeedsInputGrad(1) ? n.Grad.Mul(n.Saved(0)) : null]);
        return r;
    }

    /// <summary>Product with a number (<c>x * 2</c>).</summary>
    public Tensor Mul(Scalar other)
    {
        var r = Arith(new MulKernel(), this, other);
        if (Graph.Needs(this)) Graph.Record(r, "MulBackward0", [this], [], n => [n.Grad.Mul(other)]);
        return r;
    }

    /// <summary>True division; integers give floats (<c>torch.div</c>, <c>torch.true_divide</c>).</summary>
    public Tensor Div(Tensor other)
    {
        var dt = ResultTypeState.Of(this, other);
        if (!dt.IsFloatingPoint()) dt = DTypes.Default;
        var r = Elementwise.Binary(new DivKernel(), this, other, dt);
        if (Graph.Needs(this, other))
            Graph.Record(r, "DivBackward0", [this, other], [this, other], n =>
            {
                var b = n.Saved(1);
                return [n.NeedsInputGrad(0) ? n.Grad.Div(b) : null,
                        n.NeedsInputGrad(1) ? n.Grad.Neg().Mul(n.Saved(0)).Div(b.Mul(b)) : null];
            });
        return r;
    }

    /// <summary>True division by a number.</summary>
    public Tensor Div(Scalar other)
    {
        var dt = ResultTypeState.Of(this, other);
        if (!dt.IsFloatingPoint()) dt = DTypes.Default;
        var r = Elementwise.Binary(new DivKernel(), this, Elementwise.Wrap(other, dt, Device), dt);
        if (Graph.Needs(this)) Graph.Record(r, "DivBackward0", [this], [], n => [n.Grad.Div(other)]);
        return r;
    }

    /// <summary>-x (<c>torch.neg</c>).</summary>
    public Tensor Neg()
    {
        if (dtype == DType.Bool)
            throw new InvalidOperationException(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        var r = Elementwise.Unary(new NegKernel(), this, dtype);
        if (Graph.Needs(this)) Graph.Record(r, "NegBackward0", [this], [], n => [n.Grad.Neg()]);
        return r;
    }

    /// <summary>In-place <see cref="Add(Tensor, Scalar?)"/> (<c>x.add_(other, alpha)</c>).</summary>
    public Tensor Add_(Tensor other, Scalar? alpha = null)
    {
        var al = CheckAlpha(other.dtype, alpha);
        return ArithInPlace(new AddKernel(al), other, s => s.Add(other, alpha), s => RecordAdd(s, s, other, al));
    }

    /// <summary>In-place add of a number.</summary>
    public Tensor Add_(Scalar other, Scalar? alpha = null) => Add_(WrapFor(other), alpha);

    /// <summary>In-place <see cref="Sub(Tensor, Scalar?)"/> (<c>x.sub_</c>).</summary>
    public Tensor Sub_(Tensor other, Scalar? alpha = null)
    {
        var al = CheckAlpha(other.dtype, alpha);
        return ArithInPlace(new SubKernel(al), other, s => s.Sub(other, alpha), s => RecordSub(s, s, other, al));
    }

    /// <summary>In-place subtraction of a number.</summary>
    public Tensor Sub_(Scalar other, Scalar? alpha = null) => Sub_(WrapFor(other), alpha);

    /// <summary>In-place product (<c>x.mul_</c>).</summary>
    public Tensor Mul_(Tensor other) => ArithInPlace(new MulKernel(), other, s => s.Mul(other));

    /// <summary>In-place product with a number.</summary>
    public Tensor Mul_(Scalar other) => Mul_(WrapFor(other));

    /// <summary>In-place true division (<c>x.div_</c>).</summary>
    public Tensor Div_(Tensor other) => ArithInPlace(new DivKernel(), other, s => s.Div(other));

    /// <summary>In-place true division by a number.</summary>
    public Tensor Div_(Scalar other) => Div_(WrapFor(other));

    /// <summary>In-place negation (<c>x.neg_()</c>).</summary>
    public Tensor Neg_() => Mul_(-1);

    // A number operand as a zero-dim tensor of the type it promotes to with this tensor.
    private Tensor WrapFor(Scalar s) => Elementwise.Wrap(s, ResultTypeState.Of(this, s), Device);

    // recordOnResult: the op's node recorded on x itself when its derivative needs nothing of x's old value.
    private Tensor ArithInPlace<TOp>(TOp op, Tensor other, Func<Tensor, Tensor> outOfPlace, Action<Tensor>? recordOnResult = null)
        where TOp : struct, IBinaryKernel
    {
        var compute = ResultTypeState.Of(this, other);
        if (op is DivKernel && !compute.IsFloatingPoint()) compute = DTypes.Default;
        ResultTypeState.CheckCanCast(compute, dtype);
        var b = Shapes.Broadcast(shape, other.shape);
        if (!b.AsSpan().SequenceEqual(shape))
            throw new ArgumentException(
                $"output with shape {Shapes.Format(shape)} doesn't match the broadcast shape {Shapes.Format(b)}");
        Action<Tensor> direct = self => Elementwise.BinaryInto(op, self, other, self, compute);
        return recordOnResult is null
            ? InPlace.Apply(this, outOfPlace, direct, other)
            : InPlace.ApplyOnResult(this, outOfPlace, direct, recordOnResult, other);
    }

    private static Tensor Arith<TOp>(TOp op, Tensor a, Tensor b) where TOp : struct, IBinaryKernel =>
        Elementwise.Binary(op, a, b, ResultTypeState.Of(a, b));

    // Tensor-number form: the number scaled by alpha (add/sub with alpha on a number is a + alpha*s).
    private static Tensor Arith<TOp>(TOp op, Tensor a, Scalar s, double alpha = 1) where TOp : struct, IBinaryKernel
    {
        var dt = ResultTypeState.Of(a, s);
        Scalar v = alpha == 1 ? s : s.IsFloatingPoint || dt.IsFloatingPoint() ? s.ToDouble() * alpha : (long)(s.ToLong() * alpha);
        return Elementwise.Binary(op, a, Elementwise.Wrap(v, dt, a.Device), dt);
    }

    private double CheckAlpha(DType otherType, Scalar? alpha)
    {
        if (alpha is not { } a) return 1;
        var dt = DTypes.Promote(dtype, otherType);
        if (a.IsFloatingPoint && !dt.IsFloatingPoint())
            throw new ArgumentException("For integral input tensors, argument alpha must not be a floating point number.");
        if (dt == DType.Bool && !a.IsBoolean)
            throw new ArgumentException("Boolean alpha only supported for Boolean results.");
        return a.ToDouble();
    }

    /// <summary><c>a + b</c>.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary><c>a + 2</c>.</summary>
    public static Tensor operator +(Tensor a, Scalar b) => a.Add(b);
    /// <summary><c>2 + a</c>.</summary>
    public static Tensor operator +(Scalar a, Tensor b) => b.Add(a);
    /// <summary><c>a - b</c>.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary><c>a - 2</c>.</summary>
    public static Tensor operator -(Tensor a, Scalar b) => a.Sub(b);
    /// <summary><c>2 - a</c>.</summary>
    public static Tensor operator -(Scalar a, Tensor b) => b.Rsub(a);
    /// <summary><c>a * b</c>.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary><c>a * 2</c>.</summary>
    public static Tensor operator *(Tensor a, Scalar b) => a.Mul(b);
    /// <summary><c>2 * a</c>.</summary>
    public static Tensor operator *(Scalar a, Tensor b) => b.Mul(a);
    /// <summary><c>a / b</c>.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary><c>a / 2</c>.</summary>
    public static Tensor operator /(Tensor a, Scalar b) => a.Div(b);
    /// <summary><c>2 / a</c>.</summary>
    public static Tensor operator /(Scalar a, Tensor b) => Elementwise.Wrap(a, ResultTypeState.Of(b, a), b.Device).Div(b);
    /// <summary><c>-a</c>.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
}

public static partial class Torch
{
    /// <summary><c>torch.add(x, y, alpha=1)</c>.</summary>
    public static Tensor Add(Tensor x, Tensor y, Scalar? alpha = null) => x.Add(y, alpha);
    /// <summary><c>torch.add(x, number)</c>.</summary>
    public static Tensor Add(Tensor x, Scalar y, Scalar? alpha = null) => x.Add(y, alpha);
    /// <summary><c>torch.sub(x, y, alpha=1)</c>.</summary>
    public static Tensor Sub(Tensor x, Tensor y, Scalar? alpha = null) => x.Sub(y, alpha);
    /// <summary><c>torch.sub(x, number)</c>.</summary>
    public static Tensor Sub(Tensor x, Scalar y, Scalar? alpha = null) => x.Sub(y, alpha);
    /// <summary><c>torch.rsub(x, number)</c>.</summary>
    public static Tensor Rsub(Tensor x, Scalar y, Scalar? alpha = null) => x.Rsub(y, alpha);
    /// <summary><c>torch.mul(x, y)</c>.</summary>
    public static Tensor Mul(Tensor x, Tensor y) => x.Mul(y);
    /// <summary><c>torch.mul(x, number)</c>.</summary>
    public static Tensor Mul(Tensor x, Scalar y) => x.Mul(y);
    /// <summary><c>torch.div(x, y)</c>.</summary>
    public static Tensor Div(Tensor x, Tensor y) => x.Div(y);
    /// <summary><c>torch.div(x, number)</c>.</summary>
    public static Tensor Div(Tensor x, Scalar y) => x.Div(y);
    /// <summary><c>torch.true_divide(x, y)</c>.</summary>
    public static Tensor TrueDivide(Tensor x, Tensor y) => x.Div(y);
    /// <summary><c>torch.neg(x)</c>.</summary>
    public static Tensor Neg(Tensor x) => x.Neg();
}
