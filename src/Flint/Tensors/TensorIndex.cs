namespace Flint;

/// <summary>
/// One item of a tensor subscript, as Python's <c>x[...]</c> takes them: an integer (negative counts from the end;
/// C#'s <c>^1</c> too), a slice (a C# range <c>1..3</c> or <see cref="Slice"/> with a step), <see cref="Ellipsis"/>
/// (<c>...</c>), <see cref="NewAxis"/> (<c>None</c>), a bool, or a tensor (int64 indices or a bool mask). Converts
/// implicitly from each, so <c>x[.., 0]</c>, <c>x[1..3]</c>, <c>x[^1]</c>, <c>x[Ellipsis, NewAxis]</c> and
/// <c>x[mask]</c> read as in PyTorch.
/// </summary>
public readonly struct TensorIndex
{
    internal enum Kind { Int, Slice, Ellipsis, None, Bool, Tensor }

    internal readonly Kind kind;
    // Int: the index (fromEnd: C#'s ^value). Slice: start, stop (null = open) and step. Bool: value.
    internal readonly long value;
    internal readonly bool fromEnd;
    internal readonly long? start, stop;
    internal readonly long step;
    internal readonly Tensor? tensor;

    private TensorIndex(Kind kind, long value = 0, bool fromEnd = false, long? start = null, long? stop = null, long step = 1,
        Tensor? tensor = null)
    {
        this.kind = kind;
        this.value = value;
        this.fromEnd = fromEnd;
        this.start = start;
        this.stop = stop;
        this.step = step;
        this.tensor = tensor;
    }

    /// <summary>Python's <c>...</c>: as many full slices as the other items leave dims.</summary>
    public static readonly TensorIndex Ellipsis = new(Kind.Ellipsis);

    /// <summary>Python's <c>None</c> in a subscript (<c>numpy.newaxis</c>): inserts a dim of size 1.</summary>
    public static readonly TensorIndex NewAxis = new(Kind.None);

    /// <summary>Python's <c>None</c> in a subscript; the same as <see cref="NewAxis"/>.</summary>
    public static readonly TensorIndex None = NewAxis;

    /// <summary>
    /// Python's slice <c>start:stop:step</c>; null bounds are open, negative ones count from the end and out-of-range
    /// ones clamp. The step must be positive.
    /// </summary>
    public static TensorIndex Slice(long? start = null, long? stop = null, long? step = null) =>
        new(Kind.Slice, start: start, stop: stop, step: step ?? 1);

    /// <summary>An integer index; negative values count from the end (<c>x[-1]</c>).</summary>
    public static implicit operator TensorIndex(long index) => new(Kind.Int, index);

    /// <summary>An integer index; negative values count from the end.</summary>
    public static implicit operator TensorIndex(int index) => new(Kind.Int, index);

    /// <summary>A C# index: <c>x[^1]</c> is the last element, as <c>x[-1]</c>.</summary>
    public static implicit operator TensorIndex(Index index) => new(Kind.Int, index.Value, index.IsFromEnd);

    /// <summary>A C# range as a slice: <c>x[1..3]</c> is <c>x[1:3]</c>, <c>x[..]</c> is <c>x[:]</c>, <c>x[^2..]</c> is <c>x[-2:]</c>.</summary>
    public static implicit operator TensorIndex(Range range)
    {
        var s = range.Start;
        var e = range.End;
        long? start = s.IsFromEnd ? (s.Value == 0 ? long.MaxValue : -(long)s.Value) : s.Value;
        long? stop = e.IsFromEnd ? (e.Value == 0 ? null : -(long)e.Value) : e.Value;
        return new(Kind.Slice, start: start, stop: stop);
    }

    /// <summary>Python's <c>True</c>/<c>False</c> in a subscript: a new dim of size 1 (or 0).</summary>
    public static implicit operator TensorIndex(bool value) => new(Kind.Bool, value ? 1 : 0);

    /// <summary>A tensor index: int64 indices (advanced indexing) or a bool mask.</summary>
    public static implicit operator TensorIndex(Tensor index) => new(Kind.Tensor, tensor: index);

    /// <summary>A list of indices, as Python's <c>x[[0, 2]]</c>.</summary>
    public static implicit operator TensorIndex(long[] indices) => new(Kind.Tensor, tensor: Torch.FromArray((long[])indices.Clone()));

    /// <summary>A list of indices, as Python's <c>x[[0, 2]]</c>.</summary>
    public static implicit operator TensorIndex(int[] indices) => new(Kind.Tensor, tensor: Torch.FromArray(Array.ConvertAll(indices, i => (long)i)));

    /// <summary>The integer this index names in a dim of <paramref name="size"/> (C#'s ^0 is one past the end).</summary>
    internal long IntIn(long size) => fromEnd ? (value == 0 ? size : -value) : value;

    /// <summary>As Python prints it: <c>0</c>, <c>1:3:2</c>, <c>...</c>, <c>None</c>, <c>True</c>, <c>tensor(...)</c>.</summary>
    public override string ToString() => kind switch
    {
        Kind.Int => fromEnd ? "^" + value : value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Kind.Slice => $"{start}:{stop}" + (step != 1 ? $":{step}" : ""),
        Kind.Ellipsis => "...",
        Kind.None => "None",
        Kind.Bool => value != 0 ? "True" : "False",
        _ => tensor!.ToString() ?? "",
    };
}

public static partial class Torch
{
    /// <summary>Python's <c>...</c> in a subscript (<see cref="TensorIndex.Ellipsis"/>), for <c>using static Flint.Torch;</c>.</summary>
    public static readonly TensorIndex Ellipsis = TensorIndex.Ellipsis;

    /// <summary>Python's <c>None</c> in a subscript (<see cref="TensorIndex.NewAxis"/>).</summary>
    public static readonly TensorIndex NewAxis = TensorIndex.NewAxis;
}
