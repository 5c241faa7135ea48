using System.Globalization;

namespace Flint;

/// <summary>
/// A number passed where PyTorch takes a Python scalar (<c>at::Scalar</c>): a bool, an integer or a float.
/// Its kind matters for type promotion: <c>int_tensor * 2</c> stays integral, <c>int_tensor * 2.5</c> is float.
/// </summary>
public readonly struct Scalar
{
    private readonly double f;
    private readonly long i;

    /// <summary>Which of bool, integer or float the scalar holds.</summary>
    public ScalarKind Kind { get; }

    private Scalar(double f, long i, ScalarKind kind) { this.f = f; this.i = i; Kind = kind; }

    /// <summary>A float scalar.</summary>
    public static implicit operator Scalar(double v) => new(v, 0, ScalarKind.Float);
    /// <summary>A float scalar.</summary>
    public static implicit operator Scalar(float v) => new(v, 0, ScalarKind.Float);
    /// <summary>An integer scalar.</summary>
    public static implicit operator Scalar(long v) => new(v, v, ScalarKind.Int);
    /// <summary>An integer scalar.</summary>
    public static implicit operator Scalar(int v) => new(v, v, ScalarKind.Int);
    /// <summary>A bool scalar.</summary>
    public static implicit operator Scalar(bool v) => new(v ? 1 : 0, v ? 1 : 0, ScalarKind.Bool);

    /// <summary>The value as a double.</summary>
    public double ToDouble() => Kind == ScalarKind.Float ? f : i;

    /// <summary>The value as a long (floats truncate toward zero, as C++ casts do).</summary>
    public long ToLong() => Kind == ScalarKind.Float ? (long)f : i;

    /// <summary>The value as a bool (non-zero is true).</summary>
    public bool ToBool() => Kind == ScalarKind.Float ? f != 0 : i != 0;

    /// <summary>True if the scalar holds a float.</summary>
    public bool IsFloatingPoint => Kind == ScalarKind.Float;

    /// <summary>True if the scalar holds an integer.</summary>
    public bool IsIntegral => Kind == ScalarKind.Int;

    /// <summary>True if the scalar holds a bool.</summary>
    public bool IsBoolean => Kind == ScalarKind.Bool;

    /// <summary>The dtype a tensor made from this scalar gets: the default float, int64 or bool.</summary>
    public DType DefaultDType => Kind switch
    {
        ScalarKind.Float => DTypes.Default,
        ScalarKind.Int => DType.Int64,
        _ => DType.Bool,
    };

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ScalarKind.Float => f.ToString("R", CultureInfo.InvariantCulture),
        ScalarKind.Int => i.ToString(CultureInfo.InvariantCulture),
        _ => i != 0 ? "True" : "False",
    };
}

/// <summary>The kind of value a <see cref="Scalar"/> holds.</summary>
public enum ScalarKind
{
    /// <summary>A bool.</summary>
    Bool,
    /// <summary>An integer.</summary>
    Int,
    /// <summary>A float.</summary>
    Float,
}
