using F = Flint.NN.Functional;

namespace Flint.NN;

/// <summary>
/// The common part of the padding layers (<c>torch.nn.modules.padding</c>): the (left, right, top, bottom, front, back)
/// amounts, expanded from one int for every side, and the F.pad mode they run.
/// </summary>
public abstract class PadNd : Module<Tensor, Tensor>
{
    private readonly string mode;

    /// <summary>The amounts per side, last dim first (<c>padding</c>).</summary>
    public long[] Padding { get; }

    private protected PadNd(int dims, IntTuple padding, string mode)
    {
        var a = padding.ToArray();
        Padding = a.Length == 1 ? Enumerable.Repeat(a[0], 2 * dims).ToArray() : a;
        if (Padding.Length != 2 * dims)
            throw new ArgumentException($"padding must be an int or a tuple of {2 * dims} ints, but got {IntTuple.PyTuple(a)}");
        this.mode = mode;
    }

    /// <summary>The fill value of constant padding.</summary>
    private protected virtual Scalar? Value => null;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Pad(input, Padding, mode, Value?.ToDouble());

    /// <inheritdoc/>
    public override string ExtraRepr() => IntTuple.PyTuple(Padding);
}

/// <summary>The common part of the constant padding layers: the fill value is printed with the padding.</summary>
public abstract class ConstantPadNd : PadNd
{
    private protected ConstantPadNd(int dims, IntTuple padding, Scalar value) : base(dims, padding, "constant") => FillValue = value;

    /// <summary>The fill value (<c>value</c>).</summary>
    public Scalar FillValue { get; }

    private protected override Scalar? Value => FillValue;

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"padding={IntTuple.PyTuple(Padding)}, value={(FillValue.IsFloatingPoint ? Board.PythonFormat.Repr(FillValue.ToDouble()) : FillValue.ToString())}";
}

/// <summary>Pads the last dim with a constant (<c>torch.nn.ConstantPad1d(padding, value)</c>).</summary>
public sealed class ConstantPad1d(IntTuple padding, Scalar value) : ConstantPadNd(1, padding, value);

/// <summary>Pads the last two dims with a constant (<c>torch.nn.ConstantPad2d(padding, value)</c>).</summary>
public sealed class ConstantPad2d(IntTuple padding, Scalar value) : ConstantPadNd(2, padding, value);

/// <summary>Pads the last three dims with a constant (<c>torch.nn.ConstantPad3d(padding, value)</c>).</summary>
public sealed class ConstantPad3d(IntTuple padding, Scalar value) : ConstantPadNd(3, padding, value);

/// <summary>Pads the last two dims with zeros (<c>torch.nn.ZeroPad2d(padding)</c>).</summary>
public sealed class ZeroPad2d(IntTuple padding) : PadNd(2, padding, "constant")
{
    private protected override Scalar? Value => 0.0;
}

/// <summary>Pads the last dim with its reflection (<c>torch.nn.ReflectionPad1d(padding)</c>).</summary>
public sealed class ReflectionPad1d(IntTuple padding) : PadNd(1, padding, "reflect");

/// <summary>Pads the last two dims with their reflection (<c>torch.nn.ReflectionPad2d(padding)</c>).</summary>
public sealed class ReflectionPad2d(IntTuple padding) : PadNd(2, padding, "reflect");

/// <summary>Pads the last three dims with their reflection (<c>torch.nn.ReflectionPad3d(padding)</c>).</summary>
public sealed class ReflectionPad3d(IntTuple padding) : PadNd(3, padding, "reflect");

/// <summary>Pads the last dim by repeating its edge (<c>torch.nn.ReplicationPad1d(padding)</c>).</summary>
public sealed class ReplicationPad1d(IntTuple padding) : PadNd(1, padding, "replicate");

/// <summary>Pads the last two dims by repeating their edges (<c>torch.nn.ReplicationPad2d(padding)</c>).</summary>
public sealed class ReplicationPad2d(IntTuple padding) : PadNd(2, padding, "replicate");

/// <summary>Pads the last three dims by repeating their edges (<c>torch.nn.ReplicationPad3d(padding)</c>).</summary>
public sealed class ReplicationPad3d(IntTuple padding) : PadNd(3, padding, "replicate");
