namespace Flint;

public partial class Tensor
{
    /// <summary>
    /// The tensor as PyTorch prints it (<c>repr(x)</c>), e.g. <c>tensor([[1., 2.],\n        [3., 4.]])</c>, with the
    /// dtype, device, grad_fn and requires_grad suffixes PyTorch adds. Follows <see cref="Torch.SetPrintOptions"/>.
    /// </summary>
    public override string ToString() => TensorFormatter.Format(this);
}

public static partial class Torch
{
    /// <summary>
    /// Sets how tensors print (<c>torch.set_printoptions</c>). A profile ("default", "short" or "full") sets all four
    /// numeric options first; the other arguments then override it. As in PyTorch, <paramref name="sciMode"/> is
    /// always replaced: leaving it out restores automatic choice of scientific notation.
    /// </summary>
    public static void SetPrintOptions(int? precision = null, double? threshold = null, int? edgeitems = null,
        int? linewidth = null, string? profile = null, bool? sciMode = null)
    {
        var o = TensorFormatter.Options;
        switch (profile)
        {
            case null: break;
            case "default": o = o with { Precision = 4, Threshold = 1000, EdgeItems = 3, Linewidth = 80 }; break;
            case "short": o = o with { Precision = 2, Threshold = 1000, EdgeItems = 2, Linewidth = 80 }; break;
            case "full": o = o with { Precision = 4, Threshold = double.PositiveInfinity, EdgeItems = 3, Linewidth = 80 }; break;
            default: break; // PyTorch ignores an unknown profile name
        }
        TensorFormatter.Options = o with
        {
            Precision = precision ?? o.Precision,
            Threshold = threshold ?? o.Threshold,
            EdgeItems = edgeitems ?? o.EdgeItems,
            Linewidth = linewidth ?? o.Linewidth,
            SciMode = sciMode,
        };
    }

    /// <summary>The current print options (PyTorch's <c>torch._tensor_str.PRINT_OPTS</c>).</summary>
    public static PrintOptions GetPrintOptions() => TensorFormatter.Options;
}
