using Flint.Backends;
using Flint.Kernels;

namespace Flint.Ops;

/// <summary>
/// The shared forward path of reductions, scans and sorts: dim wrapping, accumulation type, keepdim, the
/// [outer, size, inner] layout of lane primitives, and the shapes of their outputs and gradients.
/// </summary>
internal static class Reduction
{
    /// <summary>The dims to reduce; none given means all (as PyTorch's <c>dim=None</c> and <c>dim=[]</c>).</summary>
    public static bool[] Mask(Tensor x, ReadOnlySpan<long> dims)
    {
        var mask = new bool[x.Dim()];
        if (dims.Length == 0) Array.Fill(mask, true);
        foreach (var d in Shapes.WrapDims(dims, x.Dim())) if (x.Dim() > 0) mask[d] = true;
        return mask;
    }

    /// <summary>The mask of one dim (wrapped; a 0-dim tensor accepts 0 and -1).</summary>
    public static bool[] Mask(Tensor x, long dim) => Mask(x, [dim]);

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

    /// <summary>
    /// The dtype a CPU reduction accumulates in: float64 for float32 sums (see <see cref="IReduceKernel.Widens"/>),
    /// float32 for half types, byte for bool, the dtype itself otherwise.
    /// </summary>
    public static DType AccumulateType<TOp>(DType t) where TOp : struct, IReduceKernel => t switch
    {
        DType.Float32 => TOp.Widens ? DType.Float64 : DType.Float32,
        DType.Float16 or DType.BFloat16 => DType.Float32,
        DType.Bool => DType.UInt8,
        _ => t,
    };

    /// <summary>
    /// Reduces x over the masked dims with the kernel, accumulating in <paramref name="acc"/> (default:
    /// <see cref="AccumulateType{TOp}"/> of x's dtype); returns a tensor of <paramref name="result"/> dtype. No history.
    /// </summary>
    public static Tensor Run<TOp>(TOp op, Tensor x, bool[] mask, bool keepdim, DType result, DType? acc = null)
        where TOp : struct, IReduceKernel
    {
        var a = Tensor.Allocate(KeepShape(x, mask), acc ?? AccumulateType<TOp>(x.dtype), x.Device);
        x.Backend.Reduce(op, x, a);
        var r = Elementwise.Cast(a, result, x.Device);
        if (keepdim) return r;
        var shape = OutShape(x, mask, false);
        return new Tensor(r.storage, shape, Shapes.ContiguousStrides(shape), 0, r.dtype);
    }

    /// <summary>Gradient of a reduction: the output gradient with reduced dims restored, expanded to the input.</summary>
    public static Tensor ExpandGrad(Tensor g, bool[] mask, bool keepdim, long[] inputShape) =>
        Restore(g, mask, keepdim).Expand(inputShape);

    /// <summary>A reduced tensor with its reduced dims put back as size 1 (<c>unsqueeze_multiple</c>); differentiable.</summary>
    public static Tensor Restore(Tensor g, bool[] mask, bool keepdim)
    {
        if (!keepdim)
            for (int i = 0; i < mask.Length; i++)
                if (mask[i]) g = g.Unsqueeze(i);
        return g;
    }

    /// <summary>The number of elements each output of a reduction combines.</summary>
    public static long Count(Tensor x, bool[] mask)
    {
        long n = 1;
        for (int i = 0; i < mask.Length; i++) if (mask[i]) n *= x.shape[i];
        return n;
    }

    /// <summary>x itself if contiguous, otherwise a contiguous copy without history.</summary>
    public static Tensor Dense(Tensor x)
    {
        if (x.IsContiguous()) return x;
        var r = Tensor.Allocate((long[])x.shape.Clone(), x.dtype, x.Device);
        r.Backend.Copy(x, r);
        return r;
    }

    /// <summary>A contiguous copy of x converted to <paramref name="dtype"/>, or x itself when it already is one.</summary>
    public static Tensor Dense(Tensor x, DType dtype) => x.dtype == dtype ? Dense(x) : Elementwise.Cast(Dense(x), dtype, x.Device);

    /// <summary>x's shape with dim's size replaced by <paramref name="size"/> (a 0-dim tensor keeps no dims).</summary>
    public static long[] LaneShape(Tensor x, int dim, long size)
    {
        var s = (long[])x.shape.Clone();
        if (s.Length > 0) s[dim] = size;
        return s;
    }

    /// <summary>A contiguous [.., 1, ..] lane result viewed without its dim when !keepdim (no history).</summary>
    public static Tensor DropDim(Tensor r, int dim, bool keepdim)
    {
        if (keepdim || r.Dim() == 0) return r;
        var shape = Shapes.RemoveAt(r.shape, dim);
        return new Tensor(r.storage, shape, Shapes.ContiguousStrides(shape), r.offset, r.dtype);
    }

    /// <summary>The error of a reduction without identity over an empty dim (<c>max</c>, <c>amax</c>, <c>mode</c> ...).</summary>
    public static void CheckNonEmpty(Tensor x, bool[] mask, string name)
    {
        if (x.Numel() != 0) return;
        for (int i = 0; i < mask.Length; i++)
            if (mask[i] && x.shape[i] == 0)
                throw new IndexOutOfRangeException($"{name}(): Expected reduction dim {i} to have non-zero size.");
    }

    /// <summary>
    /// The layout of x (made contiguous) around <paramref name="dim"/>, for the lane primitives.
    /// </summary>
    public static DimLayout Layout(Tensor x, int dim) => DimLayout.Of(x.shape, dim);
}
