using Flint.Board;
using Flint.Ops;

namespace Flint.NN;

public static partial class Functional
{
    /// <summary>
    /// x · Wᵀ + b (<c>F.linear(input, weight, bias)</c>): one fused addmm for 2-D input with a bias and for contiguous
    /// 3-D input (as PyTorch), otherwise matmul then the bias.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        if (bias is not null && input.Dim() == 2) return Torch.Addmm(bias, input, weight.T());
        if (bias is not null && input.Dim() == 3 && input.IsContiguous())
        {
            long a = input.Size(0), b = input.Size(1);
            var r = Torch.Addmm(bias, input.View(a * b, input.Size(2)), weight.T());
            return r.View(a, b, r.Size(1));
        }
        var output = input.MatMul(weight.T());
        return bias is null ? output : output.Add(bias);
    }

    /// <summary>
    /// x1ᵀ A x2 + b for each output feature (<c>F.bilinear(input1, input2, weight, bias)</c>): inputs [..., in1] and
    /// [..., in2], weight [out, in1, in2], bias [out]; computed as one matrix product and one batched product.
    /// </summary>
    public static Tensor Bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias = null)
    {
        if (input1.Dim() != input2.Dim())
            throw new ArgumentException($"bilinear(): input dimensions do not match: got {input1.Dim()} and {input2.Dim()}");
        for (int i = 0; i < input1.Dim() - 1; i++)
            if (input1.Size(i) != input2.Size(i))
                throw new ArgumentException($"bilinear(): input batch dimensions do not match at dim {i}: got {input1.Size(i)} and {input2.Size(i)}");
        if (input1.Size(-1) != weight.Size(1))
            throw new ArgumentException($"bilinear(): input1 size does not match weight size: got {input1.Size(-1)} but expected {weight.Size(1)}");
        if (input2.Size(-1) != weight.Size(2))
            throw new ArgumentException($"bilinear(): input2 size does not match weight size: got {input2.Size(-1)} but expected {weight.Size(2)}");
        if (bias is not null && bias.Size(0) != weight.Size(0))
            throw new ArgumentException($"bilinear(): bias size does not match weight size: got {bias.Size(0)} but expected {weight.Size(0)}");
        long o = weight.Size(0), i1 = weight.Size(1), i2 = weight.Size(2);
        var x1 = input1.Reshape(-1, i1);
        var x2 = input2.Reshape(-1, i2);
        var batch = x1.Size(0);
        // t[b, o, j] = Σ_i x1[b, i] W[o, i, j]; y[b, o] = Σ_j t[b, o, j] x2[b, j].
        var t = x1.MatMul(weight.Permute(1, 0, 2).Reshape(i1, o * i2)).View(batch, o, i2);
        var shape = input1.shape.ToArray();
        shape[^1] = o;
        var y = t.Bmm(x2.Unsqueeze(2)).Reshape(shape);
        return bias is null ? y : y.Add(bias);
    }

    /// <summary>
    /// One-hot rows of an int64 index tensor (<c>F.one_hot(tensor, num_classes)</c>); <paramref name="numClasses"/> -1
    /// infers max + 1. The result is int64 with one more dim.
    /// </summary>
    public static Tensor OneHot(Tensor tensor, long numClasses = -1)
    {
        if (tensor.DType != DType.Int64) throw new ArgumentException("one_hot is only applicable to index tensor.");
        if (tensor.Numel() == 0)
        {
            if (numClasses <= 0) throw new ArgumentException("Can not infer total number of classes from empty tensor.");
            return Torch.Empty([.. tensor.shape, numClasses], dtype: DType.Int64, device: tensor.Device);
        }
        using var _ = Torch.NoGrad();
        if (tensor.Min().Item<long>() < 0) throw new ArgumentException("Class values must be non-negative.");
        var max = tensor.Max().Item<long>();
        if (numClasses == -1) numClasses = max + 1;
        else if (max >= numClasses) throw new ArgumentException("Class values must be smaller than num_classes.");
        return Torch.Zeros([.. tensor.shape, numClasses], dtype: DType.Int64, device: tensor.Device).Scatter_(-1, tensor.Unsqueeze(-1), 1);
    }

    /// <summary>
    /// x / max(‖x‖_p, eps) along <paramref name="dim"/> (<c>F.normalize(input, p, dim, eps)</c>).
    /// </summary>
    public static Tensor Normalize(Tensor input, double p = 2.0, long dim = 1, double eps = 1e-12) =>
        input.Div(input.Norm(p, dim, keepdim: true).ClampMin(eps).ExpandAs(input));

    /// <summary>
    /// Cosine similarity along <paramref name="dim"/> (<c>F.cosine_similarity(x1, x2, dim, eps)</c>), computed as PyTorch
    /// 1.13 does: each input divided by its norm clamped to at least <paramref name="eps"/> (the clamp outside autograd),
    /// then the dot product.
    /// </summary>
    public static Tensor CosineSimilarity(Tensor x1, Tensor x2, long dim = 1, double eps = 1e-8)
    {
        var common = ResultTypeState.Of(x1, x2);
        if (!common.IsFloatingPoint())
            throw new ArgumentException($"expected common dtype to be floating point, yet common dtype is {common.ScalarTypeName()}");
        if (!x1.IsFloatingPoint()) x1 = x1.To(common);
        if (!x2.IsFloatingPoint()) x2 = x2.To(common);
        var shape = Shapes.Broadcast(x1.shape, x2.shape);
        x1 = x1.Expand(shape);
        x2 = x2.Expand(shape);
        var n1 = x1.Norm(2, dim, keepdim: true).Clone();
        var n2 = x2.Norm(2, dim, keepdim: true).Clone();
        using (Torch.NoGrad())
        {
            n1.ClampMin_(eps);
            n2.ClampMin_(eps);
        }
        return x1.Div(n1).Mul(x2.Div(n2)).Sum(dim);
    }

    /// <summary>
    /// ‖x1 − x2 + eps‖_p over the last dim (<c>F.pairwise_distance(x1, x2, p, eps, keepdim)</c>).
    /// </summary>
    public static Tensor PairwiseDistance(Tensor x1, Tensor x2, double p = 2.0, double eps = 1e-6, bool keepdim = false)
    {
        var last = Math.Max(x1.Dim(), x2.Dim()) - 1;
        return x1.Sub(x2).Add(eps).Norm(p, last, keepdim);
    }

    // ---- softmax family ----

    // PyTorch's implicit dim for softmax without one (deprecated there): 0 for 0-, 1- and 3-D input, else 1.
    private static long SoftmaxDim(Tensor input, long? dim) => dim ?? (input.Dim() is 0 or 1 or 3 ? 0 : 1);

    /// <summary>
    /// softmax along <paramref name="dim"/> (<c>F.softmax(input, dim, dtype)</c>); without a dim, PyTorch's implicit choice
    /// (0 for 0-, 1- and 3-D input, else 1).
    /// </summary>
    public static Tensor Softmax(Tensor input, long? dim = null, DType? dtype = null) => input.Softmax(SoftmaxDim(input, dim), dtype);

    /// <summary>log(softmax) along <paramref name="dim"/> (<c>F.log_softmax(input, dim, dtype)</c>).</summary>
    public static Tensor LogSoftmax(Tensor input, long? dim = null, DType? dtype = null) => input.LogSoftmax(SoftmaxDim(input, dim), dtype);

    /// <summary>softmax(−x) along <paramref name="dim"/> (<c>F.softmin(input, dim, dtype)</c>).</summary>
    public static Tensor Softmin(Tensor input, long? dim = null, DType? dtype = null) => input.Neg().Softmax(SoftmaxDim(input, dim), dtype);

    // Python's repr of a float, for module reprs and messages.
    internal static string Py(double v) => PythonFormat.Repr(v);
}
