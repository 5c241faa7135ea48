using Flint.Autograd;
using Flint.Ops;

namespace Flint;

public partial class Tensor
{
    /// <summary>this where <paramref name="condition"/> holds, else <paramref name="other"/> (<c>x.where(condition, y)</c>).</summary>
    public Tensor Where(Tensor condition, Tensor other) => Torch.Where(condition, this, other);

    /// <summary>this where <paramref name="condition"/> holds, else a number (<c>x.where(condition, 0.0)</c>).</summary>
    public Tensor Where(Tensor condition, Scalar other) => Torch.Where(condition, this, other);
}

public static partial class Torch
{
    /// <summary>
    /// Elements of <paramref name="input"/> where <paramref name="condition"/> is true and of <paramref name="other"/>
    /// elsewhere, all three broadcast, the values promoted to a common dtype (<c>torch.where(condition, x, y)</c>);
    /// differentiable in x and y.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor input, Tensor other) =>
        WhereCore(condition, input, other, ResultTypeState.Of(input, other));

    /// <summary><c>torch.where(condition, x, 0.0)</c>: a number where the condition is false.</summary>
    public static Tensor Where(Tensor condition, Tensor input, Scalar other)
    {
        var dt = ResultTypeState.Of(input, other);
        return WhereCore(condition, input, Elementwise.Wrap(other, dt, input.Device), dt);
    }

    /// <summary><c>torch.where(condition, 1.0, y)</c>: a number where the condition is true.</summary>
    public static Tensor Where(Tensor condition, Scalar input, Tensor other)
    {
        var dt = ResultTypeState.Of(other, input);
        return WhereCore(condition, Elementwise.Wrap(input, dt, other.Device), other, dt);
    }

    /// <summary><c>torch.where(condition, 1.0, 0.0)</c>: numbers on both sides, of their common type.</summary>
    public static Tensor Where(Tensor condition, Scalar input, Scalar other)
    {
        var s = new ResultTypeState();
        s.Add(input);
        s.Add(other);
        var dt = s.Result;
        return WhereCore(condition, Elementwise.Wrap(input, dt, condition.Device), Elementwise.Wrap(other, dt, condition.Device), dt);
    }

    private static Tensor WhereCore(Tensor condition, Tensor x, Tensor y, DType dt)
    {
        if (condition.dtype is not (DType.Bool or DType.UInt8))
            throw new ArgumentException(
                $"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.dtype.ScalarTypeName()}");
        Elementwise.CheckSameDevice(condition, x);
        Elementwise.CheckSameDevice(x, y);
        var shape = Shapes.Broadcast(Shapes.Broadcast(condition.shape, x.shape), y.shape);
        var output = Elementwise.NewOutput(shape, dt, x, y);
        var dev = output.Device;
        var cond = Elementwise.Cast(condition, DType.Bool, dev);
        output.Backend.Where(Elementwise.Expand(cond, shape), Elementwise.Expand(Elementwise.Cast(x, dt, dev), shape),
            Elementwise.Expand(Elementwise.Cast(y, dt, dev), shape), output);
        if (Graph.Needs(x, y))
            Graph.Record(output, "WhereBackward0", [x, y], [cond], static n =>
            {
                var c = n.Saved(0);
                return [n.NeedsInputGrad(0) ? Where(c, n.Grad, 0.0) : null, n.NeedsInputGrad(1) ? Where(c, 0.0, n.Grad) : null];
            });
        return output;
    }
}
