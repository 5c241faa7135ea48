namespace Flint;

/// <summary>
/// PyTorch's result-type rule (<c>torch.result_type</c>, ATen's <c>ResultTypeState</c>): tensors with dimensions
/// decide first; zero-dim tensors and plain numbers only raise the category (bool &lt; integer &lt; float), so
/// <c>int32_tensor * 2</c> stays int32, <c>int32_tensor * 2.5</c> is float32 and <c>half_tensor * 2.5</c> stays half.
/// </summary>
internal struct ResultTypeState
{
    private DType? dim, zero, wrapped;

    public void Add(Tensor t)
    {
        // A tensor made from a C# number counts as a Python scalar (ATen's is_wrapped_number).
        if (t.wrappedNumber) wrapped = Promote(wrapped, t.dtype.IsFloatingPoint() ? DTypes.Default : t.dtype);
        else if (t.shape.Length > 0) dim = Promote(dim, t.dtype);
        else zero = Promote(zero, t.dtype);
    }

    public void Add(Scalar s) => wrapped = Promote(wrapped, s.DefaultDType);

    private static DType Promote(DType? a, DType b) => a is { } x ? DTypes.Promote(x, b) : b;

    public readonly DType Result =>
        Combine(dim, Combine(zero, wrapped)) ?? DTypes.Default;

    private static DType? Combine(DType? higher, DType? lower)
    {
        if (higher is not { } h) return lower;
        if (lower is not { } l) return h;
        if (h.IsFloatingPoint()) return h;
        if (h == DType.Bool || l.IsFloatingPoint()) return DTypes.Promote(h, l);
        return h;
    }

    public static DType Of(Tensor a, Tensor b)
    {
        var s = new ResultTypeState();
        s.Add(a);
        s.Add(b);
        return s.Result;
    }

    public static DType Of(Tensor a, Scalar b)
    {
        var s = new ResultTypeState();
        s.Add(a);
        s.Add(b);
        return s.Result;
    }

    /// <summary>Whether a value of type <paramref name="from"/> may be written into <paramref name="to"/> (<c>torch.can_cast</c>).</summary>
    public static bool CanCast(DType from, DType to)
    {
        if (from.IsFloatingPoint() && to.IsIntegral()) return false;
        if (from != DType.Bool && to == DType.Bool) return false;
        return true;
    }

    public static void CheckCanCast(DType result, DType output)
    {
        if (!CanCast(result, output))
            throw new InvalidOperationException(
                $"result type {result.ScalarTypeName()} can't be cast to the desired output type {output.ScalarTypeName()}");
    }
}
