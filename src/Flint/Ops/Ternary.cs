using Flint.Autograd;
using Flint.Kernels;
using Flint.Ops;

namespace Flint;

/// <summary>
/// Ops of up to three tensors: lerp, addcmul, addcdiv and clamp/clip with number or tensor bounds (fused kernels,
/// so the optimizers' in-place updates make no temporaries), with in-place forms and derivatives.
/// </summary>
public partial class Tensor
{
    // ---- lerp ----

    /// <summary>this + weight * (end - this) for a number weight (<c>torch.lerp(start, end, weight)</c>); floats only.</summary>
    public Tensor Lerp(Tensor end, Scalar weight)
    {
        CheckLerpTypes(end, null, "lerp_kernel_scalar");
        var w = weight.ToDouble();
        var r = Elementwise.Binary(new LerpScalarKernel(w), this, end, dtype);
        if (Graph.Needs(this, end))
            Graph.Record(r, "LerpBackward0", [this, end], [], n =>
                [n.NeedsInputGrad(0) ? n.Grad.Mul(1 - w) : null, n.NeedsInputGrad(1) ? n.Grad.Mul(w) : null]);
        return r;
    }

    /// <summary>this + weight * (end - this) with a tensor weight, all broadcast (<c>torch.lerp(start, end, weight)</c>).</summary>
    public Tensor Lerp(Tensor end, Tensor weight)
    {
        CheckLerpTypes(end, weight, "lerp_kernel_tensor");
        var r = MathCommon.Ternary(new LerpKernel(), this, end, weight, dtype);
        if (Graph.Needs([this, end, weight]))
        {
            bool weightGrad = weight.RequiresGrad;
            Graph.Record(r, "LerpBackward1", [this, end, weight], [weightGrad ? this : null, weightGrad ? end : null, weight], static n =>
            {
                var w = n.Saved(2);
                return [n.NeedsInputGrad(0) ? n.Grad.Mul(w.Rsub(1)) : null,
                        n.NeedsInputGrad(1) ? n.Grad.Mul(w) : null,
                        n.NeedsInputGrad(2) ? n.Grad.Mul(n.Saved(1).Sub(n.Saved(0))) : null];
            });
        }
        return r;
    }

    /// <summary>In-place <see cref="Lerp(Tensor, Scalar)"/> (<c>x.lerp_(end, weight)</c>).</summary>
    public Tensor Lerp_(Tensor end, Scalar weight)
    {
        CheckLerpTypes(end, null, "lerp_kernel_scalar");
        return MathCommon.Binary_(this, new LerpScalarKernel(weight.ToDouble()), end, dtype, s => s.Lerp(end, weight));
    }

    /// <summary>In-place <see cref="Lerp(Tensor, Tensor)"/> (<c>x.lerp_(end, weight)</c>).</summary>
    public Tensor Lerp_(Tensor end, Tensor weight)
    {
        CheckLerpTypes(end, weight, "lerp_kernel_tensor");
        return MathCommon.Ternary_(this, new LerpKernel(), end, weight, dtype, s => s.Lerp(end, weight));
    }

    private void CheckLerpTypes(Tensor end, Tensor? weight, string kernel)
    {
        if (end.dtype != dtype)
            throw new ArgumentException(
                $"expected dtype {MathCommon.CppTypeName(dtype)} for `end` but got dtype {MathCommon.CppTypeName(end.dtype)}");
        if (weight is not null && weight.dtype != dtype)
            throw new ArgumentException(
                $"expected dtype {MathCommon.CppTypeName(dtype)} for `weight` but got dtype {MathCommon.CppTypeName(weight.dtype)}");
        if (!dtype.IsFloatingPoint()) throw MathCommon.NotImplemented(kernel, dtype);
    }

    // ---- addcmul, addcdiv ----

    /// <summary>this + value * tensor1 * tensor2, broadcast (<c>torch.addcmul(input, tensor1, tensor2, value=1)</c>).</summary>
    public Tensor Addcmul(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        var dt = AddcmulType(tensor1, tensor2);
        var v = value ?? 1;
        var r = MathCommon.Ternary(new AddcmulKernel(v.ToDouble()), this, tensor1, tensor2, dt);
        if (Graph.Needs([this, tensor1, tensor2]))
            Graph.Record(r, "AddcmulBackward0", [this, tensor1, tensor2],
                [tensor2.RequiresGrad ? tensor1 : null, tensor1.RequiresGrad ? tensor2 : null], n =>
                [n.NeedsInputGrad(0) ? n.Grad : null,
                 n.NeedsInputGrad(1) ? n.Grad.Mul(n.Saved(1).Mul(v)) : null,
                 n.NeedsInputGrad(2) ? n.Grad.Mul(n.Saved(0).Mul(v)) : null]);
        return r;
    }

    /// <summary>In-place <see cref="Addcmul"/> (<c>x.addcmul_(tensor1, tensor2, value=1)</c>), as optimizers use it.</summary>
    public Tensor Addcmul_(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        var dt = AddcmulType(tensor1, tensor2);
        return MathCommon.Ternary_(this, new AddcmulKernel((value ?? 1).ToDouble()), tensor1, tensor2, dt,
            s => s.Addcmul(tensor1, tensor2, value));
    }

    private DType AddcmulType(Tensor tensor1, Tensor tensor2)
    {
        var dt = MathCommon.ResultType(this, tensor1, tensor2);
        if (dt == DType.Bool) throw MathCommon.NotImplemented("addcmul_cpu_out", dt);
        return dt;
    }

    /// <summary>this + value * tensor1 / tensor2, broadcast (<c>torch.addcdiv(input, tensor1, tensor2, value=1)</c>).</summary>
    public Tensor Addcdiv(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        var dt = AddcdivType(tensor1, tensor2);
        var v = value ?? 1;
        var r = MathCommon.Ternary(new AddcdivKernel(v.ToDouble()), this, tensor1, tensor2, dt);
        if (Graph.Needs([this, tensor1, tensor2]))
            Graph.Record(r, "AddcdivBackward0", [this, tensor1, tensor2],
                [tensor2.RequiresGrad ? tensor1 : null, tensor2], n =>
                {
                    var t2 = n.Saved(1);
                    return [n.NeedsInputGrad(0) ? n.Grad : null,
                            n.NeedsInputGrad(1) ? n.Grad.Mul(v).Div(t2) : null,
                            n.NeedsInputGrad(2) ? n.Grad.Neg().Mul(v).Mul(n.Saved(0)).Div(t2.Mul(t2)) : null];
                });
        return r;
    }

    /// <summary>In-place <see cref="Addcdiv"/> (<c>x.addcdiv_(tensor1, tensor2, value=1)</c>), as optimizers use it.</summary>
    public Tensor Addcdiv_(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        var dt = AddcdivType(tensor1, tensor2);
        return MathCommon.Ternary_(this, new AddcdivKernel((value ?? 1).ToDouble()), tensor1, tensor2, dt,
            s => s.Addcdiv(tensor1, tensor2, value));
    }

    private DType AddcdivType(Tensor tensor1, Tensor tensor2)
    {
        if (tensor1.dtype.IsIntegral(includeBool: true) && tensor2.dtype.IsIntegral(includeBool: true))
            throw new ArgumentException(
                "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a " +
                "true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as " +
                "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as " +
                "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter " +
                "implementation: (input + value * tensor1 / tensor2), for all dtypes.");
        return MathCommon.ResultType(this, tensor1, tensor2);
    }

    // ---- clamp ----

    /// <summary>
    /// Limits every element to [min, max]; either bound may be omitted (<c>torch.clamp(x, min=None, max=None)</c>).
    /// With min &gt; max every element is max; a NaN bound (with both given) gives NaN.
    /// </summary>
    public Tensor Clamp(Scalar? min = null, Scalar? max = null)
    {
        var dt = ClampType(min, max);
        var r = ClampScalarNaN(min, max)
            ? Torch.FullLike(this, double.NaN, dt)
            : Elementwise.Unary(ClampKernelFor(min, max), this, dt);
        if (Graph.Needs(this))
            Graph.Record(r, "ClampBackward1", [this], [this], n =>
            {
                var x = n.Saved(0);
                Tensor mask = min is { } lo && max is { } hi ? x.Ge(lo).LogicalAnd(x.Le(hi)) : min is { } l ? x.Ge(l) : x.Le(max!.Value);
                return [Torch.Where(mask, n.Grad, 0.0)];
            });
        return r;
    }

    /// <summary>
    /// Limits every element to [min, max] with tensor bounds, broadcast; either may be null
    /// (<c>torch.clamp(x, min=tensor, max=tensor)</c>). Differentiable in all three.
    /// </summary>
    public Tensor Clamp(Tensor? min = null, Tensor? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("torch.clamp: At least one of 'min' or 'max' must not be None");
        var dt = MathCommon.ResultType(this, min, max);
        Tensor r;
        if (min is not null && max is not null)
        {
            if (dt == DType.Bool) throw MathCommon.NotImplemented("clamp_cpu", dt);
            r = MathCommon.Ternary(new ClampKernel(), this, min, max, dt);
        }
        else r = min is not null
            ? Elementwise.Binary(new MaximumKernel(), this, min, dt)
            : Elementwise.Binary(new MinimumKernel(), this, max!, dt);
        if (Graph.Needs([this, min, max]))
            Graph.Record(r, "ClampBackward0", [this, min, max], [this, min, max], static n =>
            {
                var x = n.Saved(0);
                var lo = n.SavedOrNull(1);
                var hi = n.SavedOrNull(2);
                var g = n.Grad;
                Tensor? gx = null, glo = null, ghi = null;
                if (n.NeedsInputGrad(0))
                {
                    var keep = lo is not null && hi is not null ? x.Ge(lo).LogicalAnd(x.Le(hi)) : lo is not null ? x.Ge(lo) : x.Le(hi!);
                    gx = Torch.Where(keep, g, 0.0);
                }
                if (lo is not null && hi is not null)
                {
                    if (n.NeedsInputGrad(1)) glo = Torch.Where(x.Lt(lo).LogicalAnd(lo.Lt(hi)), g, 0.0);
                    if (n.NeedsInputGrad(2)) ghi = Torch.Where(x.Gt(hi).LogicalOr(hi.Lt(lo)), g, 0.0);
                }
                else if (lo is not null && n.NeedsInputGrad(1)) glo = Torch.Where(x.Lt(lo), g, 0.0);
                else if (hi is not null && n.NeedsInputGrad(2)) ghi = Torch.Where(x.Gt(hi), g, 0.0);
                return [gx, glo, ghi];
            });
        return r;
    }

    /// <summary>In-place <see cref="Clamp(Scalar?, Scalar?)"/> (<c>x.clamp_(min, max)</c>).</summary>
    public Tensor Clamp_(Scalar? min = null, Scalar? max = null)
    {
        var dt = ClampType(min, max);
        if (!ResultTypeState.CanCast(dt, dtype))
            throw new InvalidOperationException(
                $"result type {dt.ScalarTypeName()} can't be cast to the desired output type {MathCommon.CppTypeName(dtype)}");
        var nan = ClampScalarNaN(min, max);
        var op = ClampKernelFor(min, max);
        return InPlace.Apply(this, s => s.Clamp(min, max), s =>
        {
            if (nan) s.Backend.Fill(s, double.NaN);
            else Elementwise.UnaryInto(op, s, s);
        });
    }

    /// <summary>In-place <see cref="Clamp(Tensor?, Tensor?)"/> (<c>x.clamp_(min=tensor, max=tensor)</c>).</summary>
    public Tensor Clamp_(Tensor? min = null, Tensor? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("torch.clamp: At least one of 'min' or 'max' must not be None");
        var dt = MathCommon.ResultType(this, min, max);
        if (min is not null && max is not null)
        {
            if (dt == DType.Bool) throw MathCommon.NotImplemented("clamp_cpu", dt);
            return MathCommon.Ternary_(this, new ClampKernel(), min, max, dt, s => s.Clamp(min, max));
        }
        return min is not null
            ? MathCommon.Binary_(this, new MaximumKernel(), min, dt, s => s.Clamp(min, null))
            : MathCommon.Binary_(this, new MinimumKernel(), max!, dt, s => s.Clamp(null, max));
    }

    /// <summary>Alias of <see cref="Clamp(Scalar?, Scalar?)"/> (<c>torch.clip</c>).</summary>
    public Tensor Clip(Scalar? min = null, Scalar? max = null) => Clamp(min, max);
    /// <summary>Alias of <see cref="Clamp(Tensor?, Tensor?)"/> (<c>torch.clip</c>).</summary>
    public Tensor Clip(Tensor? min = null, Tensor? max = null) => Clamp(min, max);
    /// <summary>Alias of <see cref="Clamp_(Scalar?, Scalar?)"/> (<c>x.clip_</c>).</summary>
    public Tensor Clip_(Scalar? min = null, Scalar? max = null) => Clamp_(min, max);
    /// <summary>Alias of <see cref="Clamp_(Tensor?, Tensor?)"/> (<c>x.clip_</c>).</summary>
    public Tensor Clip_(Tensor? min = null, Tensor? max = null) => Clamp_(min, max);

    /// <summary>Limits every element from below (<c>torch.clamp_min(x, min)</c>).</summary>
    public Tensor ClampMin(Scalar min)
    {
        var dt = MathCommon.ResultType(this, min);
        if (dt == DType.Bool) throw MathCommon.NotImplemented("clamp_min_cpu", dt);
        var r = Elementwise.Unary(new ClampScalarKernel(min.ToDouble(), 0, true, false), this, dt);
        if (Graph.Needs(this))
            Graph.Record(r, "ClampMinBackward0", [this], [this], n => [Torch.Where(n.Saved(0).Ge(min), n.Grad, 0.0)]);
        return r;
    }

    /// <summary>Limits every element from below by a tensor, broadcast (<c>torch.clamp_min(x, min)</c>).</summary>
    public Tensor ClampMin(Tensor min)
    {
        var r = Elementwise.Binary(new MaximumKernel(), this, min, ResultTypeState.Of(this, min));
        if (Graph.Needs(this, min))
            Graph.Record(r, "ClampMinBackward1", [this, min], [this, min], static n =>
            {
                Tensor x = n.Saved(0), lo = n.Saved(1);
                return [n.NeedsInputGrad(0) ? Torch.Where(x.Ge(lo), n.Grad, 0.0) : null,
                        n.NeedsInputGrad(1) ? Torch.Where(x.Lt(lo), n.Grad, 0.0) : null];
            });
        return r;
    }

    /// <summary>Limits every element from above (<c>torch.clamp_max(x, max)</c>).</summary>
    public Tensor ClampMax(Scalar max)
    {
        var dt = MathCommon.ResultType(this, max);
        if (dt == DType.Bool) throw MathCommon.NotImplemented("clamp_max_scalar_cpu", dt);
        var r = Elementwise.Unary(new ClampScalarKernel(0, max.ToDouble(), false, true), this, dt);
        if (Graph.Needs(this))
            Graph.Record(r, "ClampMaxBackward0", [this], [this], n => [Torch.Where(n.Saved(0).Le(max), n.Grad, 0.0)]);
        return r;
    }

    /// <summary>Limits every element from above by a tensor, broadcast (<c>torch.clamp_max(x, max)</c>).</summary>
    public Tensor ClampMax(Tensor max)
    {
        var r = Elementwise.Binary(new MinimumKernel(), this, max, ResultTypeState.Of(this, max));
        if (Graph.Needs(this, max))
            Graph.Record(r, "ClampMaxBackward1", [this, max], [this, max], static n =>
            {
                Tensor x = n.Saved(0), hi = n.Saved(1);
                return [n.NeedsInputGrad(0) ? Torch.Where(x.Le(hi), n.Grad, 0.0) : null,
                        n.NeedsInputGrad(1) ? Torch.Where(x.Gt(hi), n.Grad, 0.0) : null];
            });
        return r;
    }

    /// <summary>In-place <see cref="ClampMin(Scalar)"/> (<c>x.clamp_min_(min)</c>).</summary>
    public Tensor ClampMin_(Scalar min)
    {
        var dt = MathCommon.ResultType(this, min);
        if (dt == DType.Bool) throw MathCommon.NotImplemented("clamp_min_cpu", dt);
        return MathCommon.Unary_(this, new ClampScalarKernel(min.ToDouble(), 0, true, false), dt, s => s.ClampMin(min));
    }

    /// <summary>In-place <see cref="ClampMin(Tensor)"/> (<c>x.clamp_min_(min)</c>).</summary>
    public Tensor ClampMin_(Tensor min) =>
        MathCommon.Binary_(this, new MaximumKernel(), min, ResultTypeState.Of(this, min), s => s.ClampMin(min));

    /// <summary>In-place <see cref="ClampMax(Scalar)"/> (<c>x.clamp_max_(max)</c>).</summary>
    public Tensor ClampMax_(Scalar max)
    {
        var dt = MathCommon.ResultType(this, max);
        if (dt == DType.Bool) throw MathCommon.NotImplemented("clamp_max_scalar_cpu", dt);
        return MathCommon.Unary_(this, new ClampScalarKernel(0, max.ToDouble(), false, true), dt, s => s.ClampMax(max));
    }

    /// <summary>In-place <see cref="ClampMax(Tensor)"/> (<c>x.clamp_max_(max)</c>).</summary>
    public Tensor ClampMax_(Tensor max) =>
        MathCommon.Binary_(this, new MinimumKernel(), max, ResultTypeState.Of(this, max), s => s.ClampMax(max));

    private DType ClampType(Scalar? min, Scalar? max)
    {
        if (min is null && max is null) throw new ArgumentException("torch.clamp: At least one of 'min' or 'max' must not be None");
        var dt = MathCommon.ResultType(this, min, max);
        if (dt == DType.Bool)
            throw MathCommon.NotImplemented(min is not null && max is not null ? "clamp_scalar_cpu"
                : min is not null ? "clamp_min_cpu" : "clamp_max_scalar_cpu", dt);
        return dt;
    }

    // PyTorch fills the result with NaN when both bounds are given and one is NaN.
    private static bool ClampScalarNaN(Scalar? min, Scalar? max) =>
        min is { } lo && max is { } hi && (double.IsNaN(lo.ToDouble()) || double.IsNaN(hi.ToDouble()));

    private static ClampScalarKernel ClampKernelFor(Scalar? min, Scalar? max) =>
        new(min?.ToDouble() ?? 0, max?.ToDouble() ?? 0, min is not null, max is not null);
}

public static partial class Torch
{
    /// <summary><c>torch.lerp(start, end, weight)</c> with a number weight.</summary>
    public static Tensor Lerp(Tensor input, Tensor end, Scalar weight) => input.Lerp(end, weight);
    /// <summary><c>torch.lerp(start, end, weight)</c> with a tensor weight.</summary>
    public static Tensor Lerp(Tensor input, Tensor end, Tensor weight) => input.Lerp(end, weight);
    /// <summary><c>torch.addcmul(input, tensor1, tensor2, value=1)</c>.</summary>
    public static Tensor Addcmul(Tensor input, Tensor tensor1, Tensor tensor2, Scalar? value = null) => input.Addcmul(tensor1, tensor2, value);
    /// <summary><c>torch.addcdiv(input, tensor1, tensor2, value=1)</c>.</summary>
    public static Tensor Addcdiv(Tensor input, Tensor tensor1, Tensor tensor2, Scalar? value = null) => input.Addcdiv(tensor1, tensor2, value);
    /// <summary><c>torch.clamp(x, min, max)</c> with number bounds.</summary>
    public static Tensor Clamp(Tensor input, Scalar? min = null, Scalar? max = null) => input.Clamp(min, max);
    /// <summary><c>torch.clamp(x, min, max)</c> with tensor bounds.</summary>
    public static Tensor Clamp(Tensor input, Tensor? min = null, Tensor? max = null) => input.Clamp(min, max);
    /// <summary><c>torch.clamp_(x, min, max)</c>.</summary>
    public static Tensor Clamp_(Tensor input, Scalar? min = null, Scalar? max = null) => input.Clamp_(min, max);
    /// <summary><c>torch.clamp_(x, min, max)</c> with tensor bounds.</summary>
    public static Tensor Clamp_(Tensor input, Tensor? min = null, Tensor? max = null) => input.Clamp_(min, max);
    /// <summary><c>torch.clip(x, min, max)</c>.</summary>
    public static Tensor Clip(Tensor input, Scalar? min = null, Scalar? max = null) => input.Clamp(min, max);
    /// <summary><c>torch.clip(x, min, max)</c> with tensor bounds.</summary>
    public static Tensor Clip(Tensor input, Tensor? min = null, Tensor? max = null) => input.Clamp(min, max);
    /// <summary><c>torch.clip_(x, min, max)</c>.</summary>
    public static Tensor Clip_(Tensor input, Scalar? min = null, Scalar? max = null) => input.Clamp_(min, max);
    /// <summary><c>torch.clamp_min(x, min)</c>.</summary>
    public static Tensor ClampMin(Tensor input, Scalar min) => input.ClampMin(min);
    /// <summary><c>torch.clamp_min(x, min)</c> with a tensor bound.</summary>
    public static Tensor ClampMin(Tensor input, Tensor min) => input.ClampMin(min);
    /// <summary><c>torch.clamp_max(x, max)</c>.</summary>
    public static Tensor ClampMax(Tensor input, Scalar max) => input.ClampMax(max);
    /// <summary><c>torch.clamp_max(x, max)</c> with a tensor bound.</summary>
    public static Tensor ClampMax(Tensor input, Tensor max) => input.ClampMax(max);
    /// <summary><c>torch.clamp_min_(x, min)</c>.</summary>
    public static Tensor ClampMin_(Tensor input, Scalar min) => input.ClampMin_(min);
    /// <summary><c>torch.clamp_max_(x, max)</c>.</summary>
    public static Tensor ClampMax_(Tensor input, Scalar max) => input.ClampMax_(max);
}
