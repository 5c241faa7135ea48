using Flint.Autograd;
using Flint.Kernels;
using Flint.Ops;

namespace Flint;

/// <summary>
/// Elementwise math of two operands: pow, remainder/fmod, rounding division, atan2, maximum/minimum, fmax/fmin,
/// hypot and xlogy, with broadcasting, type promotion, in-place forms and derivatives.
/// </summary>
public partial class Tensor
{
    // ---- pow ----

    /// <summary>
    /// this to the power <paramref name="exponent"/> elementwise (<c>torch.pow(x, exponent)</c>); integer operands give
    /// an integer result (negative exponents give 1, ±1 or 0 as in PyTorch).
    /// </summary>
    public Tensor Pow(Tensor exponent)
    {
        var dt = ResultTypeState.Of(this, exponent);
        if (dt == DType.Bool) throw MathCommon.NotImplemented("pow", dt);
        var r = Elementwise.Binary(new PowKernel(), this, exponent, dt);
        if (Graph.Needs(this, exponent))
            Graph.Record(r, "PowBackward1", [this, exponent], [this, exponent, exponent.RequiresGrad ? r : null], n =>
            {
                Tensor x = n.Saved(0), e = n.Saved(1), g = n.Grad;
                Tensor? gx = null, ge = null;
                if (n.NeedsInputGrad(0))
                    gx = Torch.Where(e.Eq(0.0), 0.0, g.Mul(e.Mul(x.Pow(e.Sub(1)))));
                if (n.NeedsInputGrad(1))
                {
                    var zeroBase = x.Eq(0).LogicalAnd(e.Ge(0));
                    ge = g.Mul(Torch.Where(zeroBase, 0.0, n.Saved(2).Mul(x.Log())));
                }
                return [gx, ge];
            });
        return r;
    }

    /// <summary>
    /// this to a number's power (<c>torch.pow(x, 2.5)</c>, <c>x ** 2</c>): integer tensors with integer exponents stay
    /// integral, and a negative integer exponent is refused for them as in PyTorch.
    /// </summary>
    public Tensor Pow(Scalar exponent)
    {
        var dt = ResultTypeState.Of(this, exponent);
        CheckPowScalar(dt, exponent);
        var e = exponent.ToDouble();
        Tensor r;
        if (e == 0) r = Torch.OnesLike(this, dt);
        else if (e == 1)
        {
            var c = Elementwise.Cast(this, dt, Device);
            r = ReferenceEquals(c, this) ? CloneData() : c;
        }
        else r = Elementwise.Unary(new PowScalarKernel(e), this, dt);
        if (Graph.Needs(this))
            Graph.Record(r, "PowBackward0", [this], [e == 0 ? null : this], n =>
                [e == 0 ? Torch.ZerosLike(n.Grad) : n.Grad.Mul(n.Saved(0).Pow(e - 1).Mul(e))]);
        return r;
    }

    private static void CheckPowScalar(DType dt, Scalar exponent)
    {
        if (dt == DType.Bool) throw MathCommon.NotImplemented("pow", dt);
        if (dt.IsIntegral() && !exponent.IsFloatingPoint && exponent.ToLong() < 0)
            throw new ArgumentException("Integers to negative integer powers are not allowed.");
    }

    /// <summary>In-place <see cref="Pow(Tensor)"/> (<c>x.pow_(exponent)</c>).</summary>
    public Tensor Pow_(Tensor exponent)
    {
        var dt = ResultTypeState.Of(this, exponent);
        if (dt == DType.Bool) throw MathCommon.NotImplemented("pow", dt);
        return MathCommon.Binary_(this, new PowKernel(), exponent, dt, s => s.Pow(exponent));
    }

    /// <summary>In-place <see cref="Pow(Scalar)"/> (<c>x.pow_(2)</c>).</summary>
    public Tensor Pow_(Scalar exponent)
    {
        var dt = ResultTypeState.Of(this, exponent);
        if (dt != dtype && !ResultTypeState.CanCast(dt, dtype))
            throw new InvalidOperationException($"Found dtype {dtype.ScalarTypeName()} but expected {dt.ScalarTypeName()}");
        CheckPowScalar(dtype, exponent);
        var e = exponent.ToDouble();
        return InPlace.Apply(this, s => s.Pow(exponent), s =>
        {
            if (e == 0) s.Backend.Fill(s, 1);
            else if (e != 1) Elementwise.UnaryInto(new PowScalarKernel(e), s, s);
        });
    }

    // ---- remainder, fmod, floor division ----

    /// <summary>Python's modulus, with the sign of the divisor (<c>torch.remainder</c>, <c>a % b</c>).</summary>
    public Tensor Remainder(Tensor other)
    {
        var dt = DivisionType(other, "remainder_cpu");
        var r = Elementwise.Binary(new RemainderKernel(), this, other, dt);
        if (Graph.Needs(this, other))
        {
            bool saveAll = other.RequiresGrad;
            Graph.Record(r, "RemainderBackward1", [this, other], [saveAll ? this : null, saveAll ? other : null], n =>
                [n.Grad, n.NeedsInputGrad(1) ? n.Grad.Neg().Mul(n.Saved(0).Div(n.Saved(1), "floor")) : null]);
        }
        return r;
    }

    /// <summary>Python's modulus by a number (<c>torch.remainder(x, 2)</c>, <c>x % 2</c>).</summary>
    public Tensor Remainder(Scalar other)
    {
        var dt = DivisionType(other, "remainder_cpu");
        var r = Elementwise.Binary(new RemainderKernel(), this, Elementwise.Wrap(other, dt, Device), dt);
        if (Graph.Needs(this)) Graph.Record(r, "RemainderBackward0", [this], [], static n => [n.Grad]);
        return r;
    }

    /// <summary>In-place <see cref="Remainder(Tensor)"/> (<c>x.remainder_(other)</c>).</summary>
    public Tensor Remainder_(Tensor other) =>
        MathCommon.Binary_(this, new RemainderKernel(), other, DivisionType(other, "remainder_cpu"), s => s.Remainder(other));

    /// <summary>In-place <see cref="Remainder(Scalar)"/> (<c>x.remainder_(2)</c>).</summary>
    public Tensor Remainder_(Scalar other)
    {
        var dt = DivisionType(other, "remainder_cpu");
        return MathCommon.Binary_(this, new RemainderKernel(), Elementwise.Wrap(other, dt, Device), dt, s => s.Remainder(other));
    }

    /// <summary>C's fmod, with the sign of the dividend (<c>torch.fmod</c>).</summary>
    public Tensor Fmod(Tensor other)
    {
        var dt = DivisionType(other, "fmod_cpu");
        var r = Elementwise.Binary(new FmodKernel(), this, other, dt);
        if (Graph.Needs(this, other))
        {
            bool saveAll = other.RequiresGrad;
            Graph.Record(r, "FmodBackward1", [this, other], [saveAll ? this : null, saveAll ? other : null], n =>
                [n.Grad, n.NeedsInputGrad(1) ? n.Grad.Neg().Mul(n.Saved(0).Div(n.Saved(1), "trunc")) : null]);
        }
        return r;
    }

    /// <summary>C's fmod by a number (<c>torch.fmod(x, 2)</c>).</summary>
    public Tensor Fmod(Scalar other)
    {
        var dt = DivisionType(other, "fmod_cpu");
        var r = Elementwise.Binary(new FmodKernel(), this, Elementwise.Wrap(other, dt, Device), dt);
        if (Graph.Needs(this)) Graph.Record(r, "FmodBackward0", [this], [], static n => [n.Grad]);
        return r;
    }

    /// <summary>In-place <see cref="Fmod(Tensor)"/> (<c>x.fmod_(other)</c>).</summary>
    public Tensor Fmod_(Tensor other) =>
        MathCommon.Binary_(this, new FmodKernel(), other, DivisionType(other, "fmod_cpu"), s => s.Fmod(other));

    /// <summary>In-place <see cref="Fmod(Scalar)"/> (<c>x.fmod_(2)</c>).</summary>
    public Tensor Fmod_(Scalar other)
    {
        var dt = DivisionType(other, "fmod_cpu");
        return MathCommon.Binary_(this, new FmodKernel(), Elementwise.Wrap(other, dt, Device), dt, s => s.Fmod(other));
    }

    /// <summary>
    /// Division rounded down (<c>torch.floor_divide</c>, Python's <c>//</c>); integers stay integral. PyTorch has no
    /// derivative for it: backward through the result fails.
    /// </summary>
    public Tensor FloorDivide(Tensor other)
    {
        var dt = DivisionType(other, "div_floor_cpu");
        var r = Elementwise.Binary(new DivFloorKernel(), this, other, dt);
        if (Graph.Needs(this, other)) MathCommon.RecordNotImplemented(r, "floor_divide", this, other);
        return r;
    }

    /// <summary>Division by a number rounded down (<c>torch.floor_divide(x, 2)</c>).</summary>
    public Tensor FloorDivide(Scalar other)
    {
        var dt = DivisionType(other, "div_floor_cpu");
        var r = Elementwise.Binary(new DivFloorKernel(), this, Elementwise.Wrap(other, dt, Device), dt);
        if (Graph.Needs(this)) MathCommon.RecordNotImplemented(r, "floor_divide", this);
        return r;
    }

    /// <summary>In-place <see cref="FloorDivide(Tensor)"/> (<c>x.floor_divide_(other)</c>).</summary>
    public Tensor FloorDivide_(Tensor other) =>
        MathCommon.Binary_(this, new DivFloorKernel(), other, DivisionType(other, "div_floor_cpu"), s => s.FloorDivide(other));

    /// <summary>In-place <see cref="FloorDivide(Scalar)"/> (<c>x.floor_divide_(2)</c>).</summary>
    public Tensor FloorDivide_(Scalar other)
    {
        var dt = DivisionType(other, "div_floor_cpu");
        return MathCommon.Binary_(this, new DivFloorKernel(), Elementwise.Wrap(other, dt, Device), dt, s => s.FloorDivide(other));
    }

    /// <summary>
    /// Division with a rounding mode (<c>torch.div(x, other, rounding_mode=...)</c>): null is true division,
    /// "trunc" rounds toward zero and "floor" down; with a mode, integers stay integral.
    /// </summary>
    public Tensor Div(Tensor other, string? roundingMode)
    {
        if (roundingMode is null)
        {
            var ft = MathCommon.FloatType(ResultTypeState.Of(this, other));
            var q = Elementwise.Binary(new DivKernel(), this, other, ft);
            if (Graph.Needs(this, other))
                Graph.Record(q, "DivBackward2", [this, other], [other.RequiresGrad ? this : null, other], n =>
                {
                    var b = n.Saved(1);
                    return [n.NeedsInputGrad(0) ? n.Grad.Div(b) : null,
                            n.NeedsInputGrad(1) ? n.Grad.Neg().Mul(n.Saved(0)).Div(b.Mul(b)) : null];
                });
            return q;
        }
        var dt = RoundingDivisionType(ResultTypeState.Of(this, other), roundingMode, other);
        var r = roundingMode == "trunc"
            ? Elementwise.Binary(new DivTruncKernel(), this, other, dt)
            : Elementwise.Binary(new DivFloorKernel(), this, other, dt);
        if (Graph.Needs(this, other))
            Graph.Record(r, "DivBackward2", [this, other], [], static n =>
                [n.NeedsInputGrad(0) ? Torch.ZerosLike(n.Grad) : null, n.NeedsInputGrad(1) ? Torch.ZerosLike(n.Grad) : null]);
        return r;
    }

    /// <summary>Division by a number with a rounding mode (<c>torch.div(x, 2, rounding_mode="floor")</c>).</summary>
    public Tensor Div(Scalar other, string? roundingMode)
    {
        if (roundingMode is null)
        {
            var ft = MathCommon.FloatType(ResultTypeState.Of(this, other));
            var q = Elementwise.Binary(new DivKernel(), this, Elementwise.Wrap(other, ft, Device), ft);
            if (Graph.Needs(this)) Graph.Record(q, "DivBackward2", [this], [], n => [n.Grad.Div(other)]);
            return q;
        }
        var dt = ResultTypeState.Of(this, other);
        var w = Elementwise.Wrap(other, dt, Device);
        RoundingDivisionType(dt, roundingMode, w);
        var r = roundingMode == "trunc"
            ? Elementwise.Binary(new DivTruncKernel(), this, w, dt)
            : Elementwise.Binary(new DivFloorKernel(), this, w, dt);
        if (Graph.Needs(this)) Graph.Record(r, "DivBackward2", [this], [], static n => [Torch.ZerosLike(n.Grad)]);
        return r;
    }

    /// <summary>In-place <see cref="Div(Tensor, string?)"/> (<c>x.div_(other, rounding_mode=...)</c>).</summary>
    public Tensor Div_(Tensor other, string? roundingMode)
    {
        if (roundingMode is null)
            return MathCommon.Binary_(this, new DivKernel(), other, MathCommon.FloatType(ResultTypeState.Of(this, other)),
                s => s.Div(other, null));
        var dt = RoundingDivisionType(ResultTypeState.Of(this, other), roundingMode, other);
        return roundingMode == "trunc"
            ? MathCommon.Binary_(this, new DivTruncKernel(), other, dt, s => s.Div(other, roundingMode))
            : MathCommon.Binary_(this, new DivFloorKernel(), other, dt, s => s.Div(other, roundingMode));
    }

    /// <summary>In-place <see cref="Div(Scalar, string?)"/> (<c>x.div_(2, rounding_mode=...)</c>).</summary>
    public Tensor Div_(Scalar other, string? roundingMode)
    {
        if (roundingMode is null)
        {
            var ft = MathCommon.FloatType(ResultTypeState.Of(this, other));
            return MathCommon.Binary_(this, new DivKernel(), Elementwise.Wrap(other, ft, Device), ft, s => s.Div(other, null));
        }
        var dt = ResultTypeState.Of(this, other);
        var w = Elementwise.Wrap(other, dt, Device);
        RoundingDivisionType(dt, roundingMode, w);
        return roundingMode == "trunc"
            ? MathCommon.Binary_(this, new DivTruncKernel(), w, dt, s => s.Div(other, roundingMode))
            : MathCommon.Binary_(this, new DivFloorKernel(), w, dt, s => s.Div(other, roundingMode));
    }

    private static DType RoundingDivisionType(DType dt, string mode, Tensor divisor)
    {
        if (mode is not ("trunc" or "floor"))
            throw new ArgumentException(
                $"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'");
        if (dt == DType.Bool) throw MathCommon.NotImplemented($"div_{mode}_cpu", dt);
        MathCommon.CheckIntegerDivisor(divisor, dt);
        return dt;
    }

    private DType DivisionType(Tensor other, string kernel)
    {
        var dt = ResultTypeState.Of(this, other);
        if (dt == DType.Bool) throw MathCommon.NotImplemented(kernel, dt);
        MathCommon.CheckIntegerDivisor(other, dt);
        return dt;
    }

    private DType DivisionType(Scalar other, string kernel)
    {
        var dt = ResultTypeState.Of(this, other);
        if (dt == DType.Bool) throw MathCommon.NotImplemented(kernel, dt);
        MathCommon.CheckIntegerDivisor(Elementwise.Wrap(other, dt, Device), dt);
        return dt;
    }

    // ---- atan2, hypot, xlogy ----

    /// <summary>The angle of (other, this), atan2(this, other) (<c>torch.atan2</c>); integers give the default float dtype.</summary>
    public Tensor Atan2(Tensor other)
    {
        var dt = MathCommon.FloatType(ResultTypeState.Of(this, other));
        var r = Elementwise.Binary(new Atan2Kernel(), this, other, dt);
        if (Graph.Needs(this, other))
            Graph.Record(r, "Atan2Backward0", [this, other], [this, other], static n =>
            {
                Tensor x = n.Saved(0), y = n.Saved(1);
                var recip = x.Mul(x).Add(y.Mul(y)).Reciprocal();
                return [n.NeedsInputGrad(0) ? n.Grad.Mul(y).Mul(recip) : null,
                        n.NeedsInputGrad(1) ? n.Grad.Mul(x.Neg()).Mul(recip) : null];
            });
        return r;
    }

    /// <summary>In-place <see cref="Atan2"/> (<c>x.atan2_(other)</c>).</summary>
    public Tensor Atan2_(Tensor other) =>
        MathCommon.Binary_(this, new Atan2Kernel(), other, MathCommon.FloatType(ResultTypeState.Of(this, other)), s => s.Atan2(other));

    /// <summary>sqrt(this² + other²) without overflow (<c>torch.hypot</c>); floats only.</summary>
    public Tensor Hypot(Tensor other)
    {
        var dt = HypotType(other);
        var r = Elementwise.Binary(new HypotKernel(), this, other, dt);
        if (Graph.Needs(this, other))
            Graph.Record(r, "HypotBackward0", [this, other], [this, other, r], static n =>
            {
                var res = n.Saved(2);
                return [n.NeedsInputGrad(0) ? n.Grad.Mul(n.Saved(0)).Div(res) : null,
                        n.NeedsInputGrad(1) ? n.Grad.Mul(n.Saved(1)).Div(res) : null];
            });
        return r;
    }

    /// <summary>In-place <see cref="Hypot"/> (<c>x.hypot_(other)</c>).</summary>
    public Tensor Hypot_(Tensor other) => MathCommon.Binary_(this, new HypotKernel(), other, HypotType(other), s => s.Hypot(other));

    private DType HypotType(Tensor other)
    {
        var dt = ResultTypeState.Of(this, other);
        if (!dt.IsFloatingPoint()) throw MathCommon.NotImplemented("hypot_cpu", dt);
        return dt;
    }

    /// <summary>this * log(other), 0 where this is 0 (<c>torch.xlogy</c>); integers give the default float dtype.</summary>
    public Tensor Xlogy(Tensor other)
    {
        var dt = MathCommon.FloatType(ResultTypeState.Of(this, other));
        var r = Elementwise.Binary(new XlogyKernel(), this, other, dt);
        if (Graph.Needs(this, other))
            Graph.Record(r, "XlogyBackward0", [this, other], [this, other], static n =>
            {
                Tensor x = n.Saved(0), y = n.Saved(1);
                return [n.NeedsInputGrad(0) ? n.Grad.Mul(x.Ne(0).Xlogy(y)) : null,
                        n.NeedsInputGrad(1) ? n.Grad.Mul(x).Div(y) : null];
            });
        return r;
    }

    /// <summary>this * log(number) (<c>torch.xlogy(x, 2.0)</c>).</summary>
    public Tensor Xlogy(Scalar other)
    {
        var dt = MathCommon.FloatType(ResultTypeState.Of(this, other));
        var r = Elementwise.Binary(new XlogyKernel(), this, Elementwise.Wrap(other, dt, Device), dt);
        if (Graph.Needs(this))
            // As PyTorch's C++ formula, the number enters as a (non-wrapped) double tensor.
            Graph.Record(r, "XlogyBackward2", [this], [this], n =>
                [n.Grad.Mul(n.Saved(0).Ne(0).Xlogy(Torch.ScalarTensor(other.ToDouble(), DType.Float64, n.Grad.Device)))]);
        return r;
    }

    /// <summary>In-place <see cref="Xlogy(Tensor)"/> (<c>x.xlogy_(other)</c>).</summary>
    public Tensor Xlogy_(Tensor other) =>
        MathCommon.Binary_(this, new XlogyKernel(), other, MathCommon.FloatType(ResultTypeState.Of(this, other)), s => s.Xlogy(other));

    /// <summary>In-place <see cref="Xlogy(Scalar)"/> (<c>x.xlogy_(2.0)</c>).</summary>
    public Tensor Xlogy_(Scalar other)
    {
        var dt = MathCommon.FloatType(ResultTypeState.Of(this, other));
        return MathCommon.Binary_(this, new XlogyKernel(), Elementwise.Wrap(other, dt, Device), dt, s => s.Xlogy(other));
    }

    // ---- maximum, minimum, fmax, fmin ----

    /// <summary>Elementwise maximum, NaN-propagating (<c>torch.maximum</c>); ties share the gradient.</summary>
    public Tensor Maximum(Tensor other)
    {
        var r = Elementwise.Binary(new MaximumKernel(), this, other, ResultTypeState.Of(this, other));
        if (Graph.Needs(this, other))
            Graph.Record(r, "MaximumBackward0", [this, other], [this, other], static n =>
            {
                Tensor x = n.Saved(0), y = n.Saved(1), g = n.Grad;
                var shared = Torch.Where(x.Eq(y), g.Div(2), g);
                return [n.NeedsInputGrad(0) ? Torch.Where(x.Lt(y), 0.0, shared) : null,
                        n.NeedsInputGrad(1) ? Torch.Where(x.Gt(y), 0.0, shared) : null];
            });
        return r;
    }

    /// <summary>Elementwise minimum, NaN-propagating (<c>torch.minimum</c>); ties share the gradient.</summary>
    public Tensor Minimum(Tensor other)
    {
        var r = Elementwise.Binary(new MinimumKernel(), this, other, ResultTypeState.Of(this, other));
        if (Graph.Needs(this, other))
            Graph.Record(r, "MinimumBackward0", [this, other], [this, other], static n =>
            {
                Tensor x = n.Saved(0), y = n.Saved(1), g = n.Grad;
                var shared = Torch.Where(x.Eq(y), g.Div(2), g);
                return [n.NeedsInputGrad(0) ? Torch.Where(x.Gt(y), 0.0, shared) : null,
                        n.NeedsInputGrad(1) ? Torch.Where(x.Lt(y), 0.0, shared) : null];
            });
        return r;
    }

    /// <summary>Elementwise maximum ignoring NaN (<c>torch.fmax</c>).</summary>
    public Tensor Fmax(Tensor other)
    {
        var r = Elementwise.Binary(new FmaxKernel(), this, other, ResultTypeState.Of(this, other));
        if (Graph.Needs(this, other))
            Graph.Record(r, "FmaxBackward0", [this, other], [this, other], static n =>
            {
                Tensor x = n.Saved(0), y = n.Saved(1);
                var takesSelf = x.Ge(y).LogicalOr(y.IsNan());
                return [n.NeedsInputGrad(0) ? Torch.Where(takesSelf, n.Grad, 0.0) : null,
                        n.NeedsInputGrad(1) ? Torch.Where(takesSelf, 0.0, n.Grad) : null];
            });
        return r;
    }

    /// <summary>Elementwise minimum ignoring NaN (<c>torch.fmin</c>).</summary>
    public Tensor Fmin(Tensor other)
    {
        var r = Elementwise.Binary(new FminKernel(), this, other, ResultTypeState.Of(this, other));
        if (Graph.Needs(this, other))
            Graph.Record(r, "FminBackward0", [this, other], [this, other], static n =>
            {
                Tensor x = n.Saved(0), y = n.Saved(1);
                var takesSelf = x.Le(y).LogicalOr(y.IsNan());
                return [n.NeedsInputGrad(0) ? Torch.Where(takesSelf, n.Grad, 0.0) : null,
                        n.NeedsInputGrad(1) ? Torch.Where(takesSelf, 0.0, n.Grad) : null];
            });
        return r;
    }

    /// <summary><c>a % b</c>: Python's modulus (<c>torch.remainder</c>).</summary>
    public static Tensor operator %(Tensor a, Tensor b) => a.Remainder(b);
    /// <summary><c>a % 2</c>.</summary>
    public static Tensor operator %(Tensor a, Scalar b) => a.Remainder(b);
    /// <summary><c>5 % a</c>.</summary>
    public static Tensor operator %(Scalar a, Tensor b) => Torch.Remainder(a, b);
}

public static partial class Torch
{
    /// <summary><c>torch.pow(x, exponent)</c> with a tensor exponent.</summary>
    public static Tensor Pow(Tensor input, Tensor exponent) => input.Pow(exponent);

    /// <summary><c>torch.pow(x, 2.5)</c>.</summary>
    public static Tensor Pow(Tensor input, Scalar exponent) => input.Pow(exponent);

    /// <summary>A number to tensor powers (<c>torch.pow(2, x)</c>).</summary>
    public static Tensor Pow(Scalar self, Tensor exponent)
    {
        var dt = ResultTypeState.Of(exponent, self);
        if (dt == DType.Bool) throw MathCommon.NotImplemented("pow", dt);
        var r = Elementwise.Binary(new PowKernel(), Elementwise.Wrap(self, dt, exponent.Device), exponent, dt);
        if (Graph.Needs(exponent))
        {
            var b = self.ToDouble();
            Graph.Record(r, "PowBackward2", [exponent], [r, b == 0 ? exponent : null], n =>
            {
                var t = n.Saved(0).Mul(Math.Log(b));
                if (b == 0) t = Where(n.Saved(1).Ge(0), 0.0, t);
                return [n.Grad.Mul(t)];
            });
        }
        return r;
    }

    /// <summary><c>torch.remainder(x, other)</c>.</summary>
    public static Tensor Remainder(Tensor input, Tensor other) => input.Remainder(other);

    /// <summary><c>torch.remainder(x, 2)</c>.</summary>
    public static Tensor Remainder(Tensor input, Scalar other) => input.Remainder(other);

    /// <summary>A number modulo a tensor (<c>torch.remainder(5, x)</c>); PyTorch has no derivative for it.</summary>
    public static Tensor Remainder(Scalar self, Tensor other)
    {
        var dt = ResultTypeState.Of(other, self);
        if (dt == DType.Bool) throw MathCommon.NotImplemented("remainder_cpu", dt);
        MathCommon.CheckIntegerDivisor(other, dt);
        var r = Elementwise.Binary(new RemainderKernel(), Elementwise.Wrap(self, dt, other.Device), other, dt);
        if (Graph.Needs(other)) MathCommon.RecordNotImplemented(r, "remainder", other);
        return r;
    }

    /// <summary><c>torch.fmod(x, other)</c>.</summary>
    public static Tensor Fmod(Tensor input, Tensor other) => input.Fmod(other);
    /// <summary><c>torch.fmod(x, 2)</c>.</summary>
    public static Tensor Fmod(Tensor input, Scalar other) => input.Fmod(other);
    /// <summary><c>torch.floor_divide(x, other)</c>.</summary>
    public static Tensor FloorDivide(Tensor input, Tensor other) => input.FloorDivide(other);
    /// <summary><c>torch.floor_divide(x, 2)</c>.</summary>
    public static Tensor FloorDivide(Tensor input, Scalar other) => input.FloorDivide(other);
    /// <summary><c>torch.div(x, other, rounding_mode=...)</c>.</summary>
    public static Tensor Div(Tensor input, Tensor other, string? roundingMode) => input.Div(other, roundingMode);
    /// <summary><c>torch.div(x, 2, rounding_mode=...)</c>.</summary>
    public static Tensor Div(Tensor input, Scalar other, string? roundingMode) => input.Div(other, roundingMode);
    /// <summary><c>torch.atan2(x, other)</c>.</summary>
    public static Tensor Atan2(Tensor input, Tensor other) => input.Atan2(other);
    /// <summary><c>torch.hypot(x, other)</c>.</summary>
    public static Tensor Hypot(Tensor input, Tensor other) => input.Hypot(other);
    /// <summary><c>torch.xlogy(x, other)</c>.</summary>
    public static Tensor Xlogy(Tensor input, Tensor other) => input.Xlogy(other);
    /// <summary><c>torch.xlogy(x, 2.0)</c>.</summary>
    public static Tensor Xlogy(Tensor input, Scalar other) => input.Xlogy(other);

    /// <summary>A number times log of a tensor (<c>torch.xlogy(2.0, y)</c>).</summary>
    public static Tensor Xlogy(Scalar self, Tensor other)
    {
        var dt = MathCommon.FloatType(ResultTypeState.Of(other, self));
        var r = Elementwise.Binary(new XlogyKernel(), Elementwise.Wrap(self, dt, other.Device), other, dt);
        if (Graph.Needs(other))
            Graph.Record(r, "XlogyBackward1", [other], [other], n => [n.Grad.Mul(self).Div(n.Saved(0))]);
        return r;
    }

    /// <summary><c>torch.xlogy_(x, other)</c>.</summary>
    public static Tensor Xlogy_(Tensor input, Tensor other) => input.Xlogy_(other);
    /// <summary><c>torch.maximum(x, other)</c>.</summary>
    public static Tensor Maximum(Tensor input, Tensor other) => input.Maximum(other);
    /// <summary><c>torch.minimum(x, other)</c>.</summary>
    public static Tensor Minimum(Tensor input, Tensor other) => input.Minimum(other);
    /// <summary><c>torch.fmax(x, other)</c>.</summary>
    public static Tensor Fmax(Tensor input, Tensor other) => input.Fmax(other);
    /// <summary><c>torch.fmin(x, other)</c>.</summary>
    public static Tensor Fmin(Tensor input, Tensor other) => input.Fmin(other);
}
