using Flint.Autograd;
using Flint.Kernels;

namespace Flint.Ops;

/// <summary>The shared forward path of reductions along dims: dim wrapping, accumulation type, keepdim.</summary>
internal static class Reduction
{
    /// <summary>The dims to reduce; none given means all (as PyTorch's <c>dim=None</c>).</summary>
    public static bool[] Mask(Tensor x, ReadOnlySpan<long> dims)
    {
        var mask = new bool[x.Dim()];
        if (dims.Length == 0) Array.Fill(mask, true);
        foreach (var d in Shapes.WrapDims(dims, x.Dim())) if (x.Dim() > 0) mask[d] = true;
        return mask;
    }

    public static long[] KeepShape(Tensor x, bool[] mask)
    {
        var s = (long[])x.shape.Clone();
        for (int i = 0; i < s.Length; i++) if (mask[i]) s[i] = 1;
        return s;
    }

    public static long[] OutShape(Tensor x, bool[] mask, bool keepdim)
    {
        if (keepdim) return KeepShape(x, mask);
        var r = new List<long>(x.Dim());
        for (int i = 0; i < x.Dim(); i++) if (!mask[i]) r.Add(x.shape[i]);
        return r.ToArray();
    }

    /// <summary>The accumulation dtype the CPU kernels use for a storage dtype.</summary>
    public static DType AccumulateType(DType t) => t switch
    {
        DType.Float16 or DType.BFloat16 => DType.Float32,
        DType.Bool => DType.UInt8,
        _ => t,
    };

    /// <summary>Reduces x (already of the compute dtype) over the masked dims; returns a tensor of <paramref name="result"/> dtype.</summary>
    public static Tensor Run<TOp>(TOp op, Tensor x, bool[] mask, bool keepdim, DType result) where TOp : struct, IReduceKernel
    {
        var acc = Tensor.Allocate(KeepShape(x, mask), AccumulateType(x.dtype), x.Device);
        x.Backend.Reduce(op, x, acc);
        var r = Elementwise.Cast(acc, result, x.Device);
        return keepdim ? r : new Tensor(r.storage, OutShape(x, mask, false), Shapes.ContiguousStrides(OutShape(x, mask, false)), 0, r.dtype);
    }

    /// <summary>Gradient of a reduction: the output gradient with reduced dims restored, expanded to the input.</summary>
    public static Tensor ExpandGrad(Tensor g, bool[] mask, bool keepdim, long[] inputShape)
    {
        if (!keepdim)
            for (int i = 0; i < mask.Length; i++)
                if (mask[i]) g = g.Unsqueeze(i);
        return g.Expand(inputShape);
    }
}
