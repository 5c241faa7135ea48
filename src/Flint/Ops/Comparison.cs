using Flint.Autograd;
using Flint.Kernels;
using Flint.Ops;

namespace Flint;

/// <summary>
/// Comparisons giving bool tensors (eq, ne, lt, le, gt, ge and the operators &lt; &lt;= &gt; &gt;=), the float
/// predicates (isnan, isinf, isfinite, signbit ...), isclose/allclose and equal.
/// </summary>
public partial class Tensor
{
    private Tensor Compare<TOp>(TOp op, Tensor other) where TOp : struct, ICompareKernel => Elementwise.Compare(op, this, other);

    private Tensor Compare<TOp>(TOp op, Scalar other) where TOp : struct, ICompareKernel =>
        Elementwise.Compare(op, this, Elementwise.Wrap(other, ResultTypeState.Of(this, other), Device));

    // In-place comparison: the bool result written back in this tensor's dtype. Under autograd the result gets a node
    // with zero gradients, named as PyTorch's (EqBackward0 for a number, EqBackward1 for a tensor).
    private Tensor Compare_<TOp>(TOp op, Tensor other, string node) where TOp : struct, ICompareKernel
    {
        MathCommon.CheckInPlaceShape(this, other);
        return InPlace.Apply(this, s =>
        {
            var r = Elementwise.Cast(Elementwise.Compare(op, s, other), s.dtype, s.Device);
            if (Graph.Needs(s, other))
            {
                var shapes = (s.shape, other.shape);
                var types = (s.dtype, other.dtype);
                Graph.Record(r, node, [s, other], [], n =>
                    [n.NeedsInputGrad(0) ? Torch.Zeros(shapes.Item1, types.Item1, n.Grad.Device) : null,
                     n.NeedsInputGrad(1) ? Torch.Zeros(shapes.Item2, types.Item2, n.Grad.Device) : null]);
            }
            return r;
        }, s => InPlace.CopyData(Elementwise.Compare(op, s, other), s), other);
    }

    private Tensor Compare_<TOp>(TOp op, Scalar other, string node) where TOp : struct, ICompareKernel
    {
        var w = Elementwise.Wrap(other, ResultTypeState.Of(this, other), Device);
        return InPlace.Apply(this, s =>
        {
            var r = Elementwise.Cast(Elementwise.Compare(op, s, w), s.dtype, s.Device);
            if (Graph.Needs(s))
            {
                var shape = s.shape;
                var type = s.dtype;
                Graph.Record(r, node, [s], [], n => [Torch.Zeros(shape, type, n.Grad.Device)]);
            }
            return r;
        }, s => InPlace.CopyData(Elementwise.Compare(op, s, w), s));
    }

    /// <summary>this == other elementwise, as bool (<c>torch.eq</c>); use this, not <c>==</c>, which compares references.</summary>
    public Tensor Eq(Tensor other) => Compare(new EqKernel(), other);
    /// <summary>this == a number elementwise (<c>torch.eq(x, 1)</c>).</summary>
    public Tensor Eq(Scalar other) => Compare(new EqKernel(), other);
    /// <summary>this != other elementwise (<c>torch.ne</c>).</summary>
    public Tensor Ne(Tensor other) => Compare(new NeKernel(), other);
    /// <summary>this != a number elementwise (<c>torch.ne(x, 1)</c>).</summary>
    public Tensor Ne(Scalar other) => Compare(new NeKernel(), other);
    /// <summary>this &lt; other elementwise (<c>torch.lt</c>).</summary>
    public Tensor Lt(Tensor other) => Compare(new LtKernel(), other);
    /// <summary>this &lt; a number elementwise (<c>torch.lt(x, 1)</c>).</summary>
    public Tensor Lt(Scalar other) => Compare(new LtKernel(), other);
    /// <summary>this &lt;= other elementwise (<c>torch.le</c>).</summary>
    public Tensor Le(Tensor other) => Compare(new LeKernel(), other);
    /// <summary>this &lt;= a number elementwise (<c>torch.le(x, 1)</c>).</summary>
    public Tensor Le(Scalar other) => Compare(new LeKernel(), other);
    /// <summary>this &gt; other elementwise (<c>torch.gt</c>).</summary>
    public Tensor Gt(Tensor other) => Compare(new GtKernel(), other);
    /// <summary>this &gt; a number elementwise (<c>torch.gt(x, 1)</c>).</summary>
    public Tensor Gt(Scalar other) => Compare(new GtKernel(), other);
    /// <summary>this &gt;= other elementwise (<c>torch.ge</c>).</summary>
    public Tensor Ge(Tensor other) => Compare(new GeKernel(), other);
    /// <summary>this &gt;= a number elementwise (<c>torch.ge(x, 1)</c>).</summary>
    public Tensor Ge(Scalar other) => Compare(new GeKernel(), other);

    /// <summary>In-place <see cref="Eq(Tensor)"/>: 1 or 0 in this tensor's dtype (<c>x.eq_(other)</c>).</summary>
    public Tensor Eq_(Tensor other) => Compare_(new EqKernel(), other, "EqBackward1");
    /// <summary>In-place <see cref="Eq(Scalar)"/> (<c>x.eq_(1)</c>).</summary>
    public Tensor Eq_(Scalar other) => Compare_(new EqKernel(), other, "EqBackward0");
    /// <summary>In-place <see cref="Ne(Tensor)"/> (<c>x.ne_(other)</c>).</summary>
    public Tensor Ne_(Tensor other) => Compare_(new NeKernel(), other, "NeBackward1");
    /// <summary>In-place <see cref="Ne(Scalar)"/> (<c>x.ne_(1)</c>).</summary>
    public Tensor Ne_(Scalar other) => Compare_(new NeKernel(), other, "NeBackward0");
    /// <summary>In-place <see cref="Lt(Tensor)"/> (<c>x.lt_(other)</c>).</summary>
    public Tensor Lt_(Tensor other) => Compare_(new LtKernel(), other, "LtBackward1");
    /// <summary>In-place <see cref="Lt(Scalar)"/> (<c>x.lt_(1)</c>).</summary>
    public Tensor Lt_(Scalar other) => Compare_(new LtKernel(), other, "LtBackward0");
    /// <summary>In-place <see cref="Le(Tensor)"/> (<c>x.le_(other)</c>).</summary>
    public Tensor Le_(Tensor other) => Compare_(new LeKernel(), other, "LeBackward1");
    /// <summary>In-place <see cref="Le(Scalar)"/> (<c>x.le_(1)</c>).</summary>
    public Tensor Le_(Scalar other) => Compare_(new LeKernel(), other, "LeBackward0");
    /// <summary>In-place <see cref="Gt(Tensor)"/> (<c>x.gt_(other)</c>).</summary>
    public Tensor Gt_(Tensor other) => Compare_(new GtKernel(), other, "GtBackward1");
    /// <summary>In-place <see cref="Gt(Scalar)"/> (<c>x.gt_(1)</c>).</summary>
    public Tensor Gt_(Scalar other) => Compare_(new GtKernel(), other, "GtBackward0");
    /// <summary>In-place <see cref="Ge(Tensor)"/> (<c>x.ge_(other)</c>).</summary>
    public Tensor Ge_(Tensor other) => Compare_(new GeKernel(), other, "GeBackward1");
    /// <summary>In-place <see cref="Ge(Scalar)"/> (<c>x.ge_(1)</c>).</summary>
    public Tensor Ge_(Scalar other) => Compare_(new GeKernel(), other, "GeBackward0");

    /// <summary><c>a &lt; b</c> elementwise (<c>torch.lt</c>).</summary>
    public static Tensor operator <(Tensor a, Tensor b) => a.Lt(b);
    /// <summary><c>a &gt; b</c> elementwise (<c>torch.gt</c>).</summary>
    public static Tensor operator >(Tensor a, Tensor b) => a.Gt(b);
    /// <summary><c>a &lt;= b</c> elementwise (<c>torch.le</c>).</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => a.Le(b);
    /// <summary><c>a &gt;= b</c> elementwise (<c>torch.ge</c>).</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => a.Ge(b);
    /// <summary><c>a &lt; 1</c>.</summary>
    public static Tensor operator <(Tensor a, Scalar b) => a.Lt(b);
    /// <summary><c>a &gt; 1</c>.</summary>
    public static Tensor operator >(Tensor a, Scalar b) => a.Gt(b);
    /// <summary><c>a &lt;= 1</c>.</summary>
    public static Tensor operator <=(Tensor a, Scalar b) => a.Le(b);
    /// <summary><c>a &gt;= 1</c>.</summary>
    public static Tensor operator >=(Tensor a, Scalar b) => a.Ge(b);
    /// <summary><c>1 &lt; a</c>, i.e. a &gt; 1.</summary>
    public static Tensor operator <(Scalar a, Tensor b) => b.Gt(a);
    /// <summary><c>1 &gt; a</c>, i.e. a &lt; 1.</summary>
    public static Tensor operator >(Scalar a, Tensor b) => b.Lt(a);
    /// <summary><c>1 &lt;= a</c>, i.e. a &gt;= 1.</summary>
    public static Tensor operator <=(Scalar a, Tensor b) => b.Ge(a);
    /// <summary><c>1 &gt;= a</c>, i.e. a &lt;= 1.</summary>
    public static Tensor operator >=(Scalar a, Tensor b) => b.Le(a);

    // A predicate over floats; integer and bool tensors have a fixed answer.
    private Tensor Predicate<TOp>(TOp op, bool integerAnswer) where TOp : struct, ICompareKernel =>
        dtype.IsFloatingPoint()
            ? Elementwise.Compare(op, this, this)
            : Torch.Full(shape, integerAnswer, DType.Bool, Device);

    /// <summary>True where the element is NaN (<c>torch.isnan</c>).</summary>
    public Tensor IsNan() => Predicate(new IsNanKernel(), false);
    /// <summary>True where the element is ±inf (<c>torch.isinf</c>).</summary>
    public Tensor IsInf() => Predicate(new IsInfKernel(), false);
    /// <summary>True where the element is +inf (<c>torch.isposinf</c>).</summary>
    public Tensor IsPosInf() => Predicate(new IsPosInfKernel(), false);
    /// <summary>True where the element is -inf (<c>torch.isneginf</c>).</summary>
    public Tensor IsNegInf() => Predicate(new IsNegInfKernel(), false);
    /// <summary>True where the element is neither NaN nor infinite (<c>torch.isfinite</c>).</summary>
    public Tensor IsFinite() => Predicate(new IsFiniteKernel(), true);

    /// <summary>True where the sign bit is set, including -0.0 (<c>torch.signbit</c>).</summary>
    public Tensor Signbit() =>
        dtype == DType.Bool || dtype == DType.UInt8
            ? Torch.Full(shape, false, DType.Bool, Device)
            : Elementwise.Compare(new SignBitKernel(), this, this);

    /// <summary>
    /// True where |this - other| &lt;= atol + rtol * |other|, or the two are equal (both NaN counts when
    /// <paramref name="equalNan"/>) (<c>torch.isclose</c>). The dtypes must match.
    /// </summary>
    public Tensor IsClose(Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false)
    {
        if (dtype != other.dtype)
            throw new ArgumentException($"{dtype.ScalarTypeName()} did not match {other.dtype.ScalarTypeName()}");
        if (rtol < 0) throw new ArgumentException($"rtol must be greater than or equal to zero, but got {Fmt(rtol)}");
        if (atol < 0) throw new ArgumentException($"atol must be greater than or equal to zero, but got {Fmt(atol)}");
        // As PyTorch, bools are compared as the default float dtype (their difference must not wrap as uint8's does).
        if (dtype == DType.Bool)
            return Elementwise.Compare(new IsCloseKernel(rtol, atol, equalNan), To(DTypes.Default), other.To(DTypes.Default));
        return Elementwise.Compare(new IsCloseKernel(rtol, atol, equalNan), this, other);
    }

    /// <summary>True if every element is close to other's (<c>torch.allclose</c>); see <see cref="IsClose"/>.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false) =>
        MathCommon.AllTrue(IsClose(other, rtol, atol, equalNan));

    /// <summary>True if both have the same shape and equal elements (<c>torch.equal</c>); dtypes may differ.</summary>
    public bool Equal(Tensor other)
    {
        Elementwise.CheckSameDevice(this, other);
        return shape.AsSpan().SequenceEqual(other.shape) && MathCommon.AllTrue(Eq(other));
    }

    // Python's repr of a float in error messages: -1 prints as -1, 0.5 as 0.5.
    private static string Fmt(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

public static partial class Torch
{
    /// <summary><c>torch.eq(x, y)</c>.</summary>
    public static Tensor Eq(Tensor input, Tensor other) => input.Eq(other);
    /// <summary><c>torch.eq(x, 1)</c>.</summary>
    public static Tensor Eq(Tensor input, Scalar other) => input.Eq(other);
    /// <summary><c>torch.ne(x, y)</c>.</summary>
    public static Tensor Ne(Tensor input, Tensor other) => input.Ne(other);
    /// <summary><c>torch.ne(x, 1)</c>.</summary>
    public static Tensor Ne(Tensor input, Scalar other) => input.Ne(other);
    /// <summary><c>torch.lt(x, y)</c>.</summary>
    public static Tensor Lt(Tensor input, Tensor other) => input.Lt(other);
    /// <summary><c>torch.lt(x, 1)</c>.</summary>
    public static Tensor Lt(Tensor input, Scalar other) => input.Lt(other);
    /// <summary><c>torch.le(x, y)</c>.</summary>
    public static Tensor Le(Tensor input, Tensor other) => input.Le(other);
    /// <summary><c>torch.le(x, 1)</c>.</summary>
    public static Tensor Le(Tensor input, Scalar other) => input.Le(other);
    /// <summary><c>torch.gt(x, y)</c>.</summary>
    public static Tensor Gt(Tensor input, Tensor other) => input.Gt(other);
    /// <summary><c>torch.gt(x, 1)</c>.</summary>
    public static Tensor Gt(Tensor input, Scalar other) => input.Gt(other);
    /// <summary><c>torch.ge(x, y)</c>.</summary>
    public static Tensor Ge(Tensor input, Tensor other) => input.Ge(other);
    /// <summary><c>torch.ge(x, 1)</c>.</summary>
    public static Tensor Ge(Tensor input, Scalar other) => input.Ge(other);
    /// <summary><c>torch.isnan(x)</c>.</summary>
    public static Tensor IsNan(Tensor input) => input.IsNan();
    /// <summary><c>torch.isinf(x)</c>.</summary>
    public static Tensor IsInf(Tensor input) => input.IsInf();
    /// <summary><c>torch.isposinf(x)</c>.</summary>
    public static Tensor IsPosInf(Tensor input) => input.IsPosInf();
    /// <summary><c>torch.isneginf(x)</c>.</summary>
    public static Tensor IsNegInf(Tensor input) => input.IsNegInf();
    /// <summary><c>torch.isfinite(x)</c>.</summary>
    public static Tensor IsFinite(Tensor input) => input.IsFinite();
    /// <summary><c>torch.signbit(x)</c>.</summary>
    public static Tensor Signbit(Tensor input) => input.Signbit();
    /// <summary><c>torch.isclose(x, y, rtol=1e-05, atol=1e-08, equal_nan=False)</c>.</summary>
    public static Tensor IsClose(Tensor input, Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false) =>
        input.IsClose(other, rtol, atol, equalNan);
    /// <summary><c>torch.allclose(x, y, rtol=1e-05, atol=1e-08, equal_nan=False)</c>.</summary>
    public static bool AllClose(Tensor input, Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false) =>
        input.AllClose(other, rtol, atol, equalNan);
    /// <summary><c>torch.equal(x, y)</c>.</summary>
    public static bool Equal(Tensor input, Tensor other) => input.Equal(other);
}
