namespace Flint;

/// <summary>PyTorch's alternative names for math and comparison ops (NumPy spellings and the like).</summary>
public partial class Tensor
{
    /// <summary>Alias of <see cref="Abs"/> (<c>x.absolute()</c>).</summary>
    public Tensor Absolute() => Abs();
    /// <summary>Alias of <see cref="Asin"/> (<c>x.arcsin()</c>).</summary>
    public Tensor Arcsin() => Asin();
    /// <summary>Alias of <see cref="Acos"/> (<c>x.arccos()</c>).</summary>
    public Tensor Arccos() => Acos();
    /// <summary>Alias of <see cref="Atan"/> (<c>x.arctan()</c>).</summary>
    public Tensor Arctan() => Atan();
    /// <summary>Alias of <see cref="Asinh"/> (<c>x.arcsinh()</c>).</summary>
    public Tensor Arcsinh() => Asinh();
    /// <summary>Alias of <see cref="Acosh"/> (<c>x.arccosh()</c>).</summary>
    public Tensor Arccosh() => Acosh();
    /// <summary>Alias of <see cref="Atanh"/> (<c>x.arctanh()</c>).</summary>
    public Tensor Arctanh() => Atanh();
    /// <summary>Alias of <see cref="Atan2"/> (<c>x.arctan2(other)</c>).</summary>
    public Tensor Arctan2(Tensor other) => Atan2(other);
    /// <summary>Alias of <see cref="Trunc"/> (<c>x.fix()</c>).</summary>
    public Tensor Fix() => Trunc();
    /// <summary>Alias of <see cref="Neg"/> (<c>x.negative()</c>).</summary>
    public Tensor Negative() => Neg();
    /// <summary>Alias of <see cref="Gt(Tensor)"/> (<c>x.greater(other)</c>).</summary>
    public Tensor Greater(Tensor other) => Gt(other);
    /// <summary>Alias of <see cref="Gt(Scalar)"/> (<c>x.greater(1)</c>).</summary>
    public Tensor Greater(Scalar other) => Gt(other);
    /// <summary>Alias of <see cref="Ge(Tensor)"/> (<c>x.greater_equal(other)</c>).</summary>
    public Tensor GreaterEqual(Tensor other) => Ge(other);
    /// <summary>Alias of <see cref="Ge(Scalar)"/> (<c>x.greater_equal(1)</c>).</summary>
    public Tensor GreaterEqual(Scalar other) => Ge(other);
    /// <summary>Alias of <see cref="Lt(Tensor)"/> (<c>x.less(other)</c>).</summary>
    public Tensor Less(Tensor other) => Lt(other);
    /// <summary>Alias of <see cref="Lt(Scalar)"/> (<c>x.less(1)</c>).</summary>
    public Tensor Less(Scalar other) => Lt(other);
    /// <summary>Alias of <see cref="Le(Tensor)"/> (<c>x.less_equal(other)</c>).</summary>
    public Tensor LessEqual(Tensor other) => Le(other);
    /// <summary>Alias of <see cref="Le(Scalar)"/> (<c>x.less_equal(1)</c>).</summary>
    public Tensor LessEqual(Scalar other) => Le(other);
    /// <summary>Alias of <see cref="Ne(Tensor)"/> (<c>x.not_equal(other)</c>).</summary>
    public Tensor NotEqual(Tensor other) => Ne(other);
    /// <summary>Alias of <see cref="Ne(Scalar)"/> (<c>x.not_equal(1)</c>).</summary>
    public Tensor NotEqual(Scalar other) => Ne(other);
}

public static partial class Torch
{
    /// <summary><c>torch.absolute(x)</c>.</summary>
    public static Tensor Absolute(Tensor input) => input.Abs();
    /// <summary><c>torch.arcsin(x)</c>.</summary>
    public static Tensor Arcsin(Tensor input) => input.Asin();
    /// <summary><c>torch.arccos(x)</c>.</summary>
    public static Tensor Arccos(Tensor input) => input.Acos();
    /// <summary><c>torch.arctan(x)</c>.</summary>
    public static Tensor Arctan(Tensor input) => input.Atan();
    /// <summary><c>torch.arcsinh(x)</c>.</summary>
    public static Tensor Arcsinh(Tensor input) => input.Asinh();
    /// <summary><c>torch.arccosh(x)</c>.</summary>
    public static Tensor Arccosh(Tensor input) => input.Acosh();
    /// <summary><c>torch.arctanh(x)</c>.</summary>
    public static Tensor Arctanh(Tensor input) => input.Atanh();
    /// <summary><c>torch.arctan2(x, other)</c>.</summary>
    public static Tensor Arctan2(Tensor input, Tensor other) => input.Atan2(other);
    /// <summary><c>torch.fix(x)</c>.</summary>
    public static Tensor Fix(Tensor input) => input.Trunc();
    /// <summary><c>torch.negative(x)</c>.</summary>
    public static Tensor Negative(Tensor input) => input.Neg();
    /// <summary><c>torch.greater(x, other)</c>.</summary>
    public static Tensor Greater(Tensor input, Tensor other) => input.Gt(other);
    /// <summary><c>torch.greater_equal(x, other)</c>.</summary>
    public static Tensor GreaterEqual(Tensor input, Tensor other) => input.Ge(other);
    /// <summary><c>torch.less(x, other)</c>.</summary>
    public static Tensor Less(Tensor input, Tensor other) => input.Lt(other);
    /// <summary><c>torch.less_equal(x, other)</c>.</summary>
    public static Tensor LessEqual(Tensor input, Tensor other) => input.Le(other);
    /// <summary><c>torch.not_equal(x, other)</c>.</summary>
    public static Tensor NotEqual(Tensor input, Tensor other) => input.Ne(other);
}
