using System.Numerics;
using System.Numerics.Tensors;
using Flint.Autograd;
using Flint.Backends;
using Flint.Kernels;

namespace Flint.Ops;

/// <summary>
/// The elementwise and index ops that the reductions' derivatives (and a few forwards: logsumexp, norm, std) are
/// written in, each differentiable with PyTorch's node name so that <c>createGraph</c> gives higher derivatives.
/// They are internal to this family; the public elementwise API lives with the math ops.
/// </summary>
internal static class ReductionMath
{
    public static Tensor Exp(Tensor x)
    {
        var r = Elementwise.Unary(new ExpKernel(), x, x.dtype);
        if (Graph.Needs(x)) Graph.Record(r, "ExpBackward0", [x], [r], n => [n.Grad.Mul(n.Saved(0))]);
        return r;
    }

    public static Tensor Log(Tensor x)
    {
        var r = Elementwise.Unary(new LogKernel(), x, x.dtype);
        if (Graph.Needs(x)) Graph.Record(r, "LogBackward0", [x], [x], n => [n.Grad.Div(n.Saved(0))]);
        return r;
    }

    public static Tensor Abs(Tensor x)
    {
        var r = Elementwise.Unary(new AbsKernel(), x, x.dtype);
        if (Graph.Needs(x)) Graph.Record(r, "AbsBackward0", [x], [x], n => [n.Grad.Mul(Sgn(n.Saved(0)))]);
        return r;
    }

    public static Tensor Sgn(Tensor x)
    {
        var r = Elementwise.Unary(new SgnKernel(), x, x.dtype);
        if (Graph.Needs(x)) Graph.Record(r, "SgnBackward0", [x], [], n => [Torch.ZerosLike(n.Grad)]);
        return r;
    }

    public static Tensor Sqrt(Tensor x)
    {
        var r = Elementwise.Unary(new SqrtKernel(), x, x.dtype);
        if (Graph.Needs(x)) Graph.Record(r, "SqrtBackward0", [x], [r], n => [n.Grad.Div(n.Saved(0).Mul(2))]);
        return r;
    }

    public static Tensor Pow(Tensor x, double p)
    {
        var r = Elementwise.Unary(new PowKernel(p), x, x.dtype);
        if (Graph.Needs(x))
            Graph.Record(r, "PowBackward0", [x], [x], n =>
                [p == 0 ? Torch.ZerosLike(n.Grad) : n.Grad.Mul(Pow(n.Saved(0), p - 1).Mul(p))]);
        return r;
    }

    /// <summary>x with <paramref name="value"/> where mask is true (<c>x.masked_fill(mask, value)</c>).</summary>
    public static Tensor MaskedFill(Tensor x, Tensor mask, double value)
    {
        var r = Elementwise.Binary(new MaskedFillKernel(value), x, mask, x.dtype);
        if (Graph.Needs(x)) Graph.Record(r, "MaskedFillBackward0", [x], [mask], n => [MaskedFill(n.Grad, n.Saved(0), 0)]);
        return r;
    }

    public static Tensor Eq(Tensor a, Tensor b) => Elementwise.Compare(new EqKernel(), a, b);

    public static Tensor Eq(Tensor a, Scalar b) => Elementwise.Compare(new EqKernel(), a, Elementwise.Wrap(b, ResultTypeState.Of(a, b), a.Device));

    public static Tensor Ne(Tensor a, Scalar b) => Elementwise.Compare(new NeKernel(), a, Elementwise.Wrap(b, ResultTypeState.Of(a, b), a.Device));

    public static Tensor Gt(Tensor a, Scalar b) => Elementwise.Compare(new GtKernel(), a, Elementwise.Wrap(b, ResultTypeState.Of(a, b), a.Device));

    public static Tensor Lt(Tensor a, Scalar b) => Elementwise.Compare(new LtKernel(), a, Elementwise.Wrap(b, ResultTypeState.Of(a, b), a.Device));

    public static Tensor IsNan(Tensor x) => Elementwise.Compare(new NeKernel(), x, x);

    public static Tensor LogicalOr(Tensor a, Tensor b) => Elementwise.Compare(new OrKernel(), a, b);

    public static Tensor LogicalNot(Tensor a) => Eq(a, false);

    /// <summary>
    /// out[.., j, ..] = x[.., index[.., j, ..], ..] along <paramref name="dim"/> (<c>x.gather(dim, index)</c>); index has
    /// x's shape except along dim.
    /// </summary>
    public static Tensor GatherDim(Tensor x, int dim, Tensor index)
    {
        var src = Reduction.Dense(x);
        var idx = Reduction.Dense(index);
        var r = Tensor.Allocate((long[])idx.shape.Clone(), x.dtype, x.Device);
        long k = idx.Dim() == 0 ? 1 : idx.shape[dim];
        x.Backend.GatherLanes(src, DimLayout.Of(src.shape, dim), idx, k, r);
        if (Graph.Needs(x))
        {
            var shape = x.shape;
            Graph.Record(r, "GatherBackward0", [x], [index], n => [ScatterAddDim(shape, dim, n.Saved(0), n.Grad)]);
        }
        return r;
    }

    /// <summary>A zero tensor of <paramref name="shape"/> with src added at index along dim (<c>zeros.scatter_add(dim, index, src)</c>).</summary>
    public static Tensor ScatterAddDim(long[] shape, int dim, Tensor index, Tensor src)
    {
        var s = Reduction.Dense(src);
        var idx = Reduction.Dense(index);
        var r = Torch.Zeros(shape, src.dtype, src.Device);
        long k = idx.Dim() == 0 ? 1 : idx.shape[dim];
        r.Backend.ScatterAddLanes(s, DimLayout.Of(shape, dim), idx, k, r);
        if (Graph.Needs(src)) Graph.Record(r, "ScatterAddBackward0", [src], [index], n => [GatherDim(n.Grad, dim, n.Saved(0))]);
        return r;
    }

    private readonly struct ExpKernel : IUnaryKernel
    {
        public static string Name => "exp";
        public static string Cuda => "exp(x)";
        public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Exp(x, y);
        public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Exp(x, y);
    }

    private readonly struct LogKernel : IUnaryKernel
    {
        public static string Name => "log";
        public static string Cuda => "log(x)";
        public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Log(x, y);
        public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Log(x, y);
    }

    private readonly struct AbsKernel : IUnaryKernel
    {
        public static string Name => "abs";
        public static string Cuda => "fabs(x)";
        public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Abs(x, y);
        public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Abs(x, y);
    }

    private readonly struct SqrtKernel : IUnaryKernel
    {
        public static string Name => "sqrt";
        public static string Cuda => "sqrt(x)";
        public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sqrt(x, y);
        public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Sqrt(x, y);
    }

    // sgn: -1, 0 or 1, NaN stays NaN.
    private readonly struct SgnKernel : IUnaryKernel
    {
        public static string Name => "sgn";
        public static string Cuda => "(isnan(x) ? x : (x > 0) - (x < 0))";
        public void Apply(ReadOnlySpan<float> x, Span<float> y) => Sign(x, y);
        public void Apply(ReadOnlySpan<double> x, Span<double> y) => Sign(x, y);

        private static void Sign<T>(ReadOnlySpan<T> x, Span<T> y) where T : INumber<T>
        {
            for (int i = 0; i < x.Length; i++)
                y[i] = T.IsNaN(x[i]) ? x[i] : x[i] > T.Zero ? T.One : x[i] < T.Zero ? -T.One : T.Zero;
        }
    }

    private readonly struct PowKernel(double p) : IUnaryKernel
    {
        public static string Name => "pow";
        public static string Cuda => "pow(x, p)";
        public void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Pow(x, (float)p, y);
        public void Apply(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Pow(x, p, y);
    }

    // c = b != 0 ? value : a, with b the mask converted to a's type.
    private readonly struct MaskedFillKernel(double value) : IBinaryKernel
    {
        public static string Name => "masked_fill";
        public static string Cuda => "(b != 0 ? value : a)";
        public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c) where T : unmanaged, INumber<T>
        {
            var v = T.CreateSaturating(value);
            for (int i = 0; i < c.Length; i++) c[i] = b[i] != T.Zero ? v : a[i];
        }
    }

    private readonly struct EqKernel : ICompareKernel
    {
        public static string Name => "eq";
        public static string Cuda => "a == b";
        public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < c.Length; i++) c[i] = a[i] == b[i];
        }
    }

    private readonly struct NeKernel : ICompareKernel
    {
        public static string Name => "ne";
        public static string Cuda => "a != b";
        public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < c.Length; i++) c[i] = a[i] != b[i];
        }
    }

    private readonly struct GtKernel : ICompareKernel
    {
        public static string Name => "gt";
        public static string Cuda => "a > b";
        public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < c.Length; i++) c[i] = a[i] > b[i];
        }
    }

    private readonly struct LtKernel : ICompareKernel
    {
        public static string Name => "lt";
        public static string Cuda => "a < b";
        public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < c.Length; i++) c[i] = a[i] < b[i];
        }
    }

    private readonly struct OrKernel : ICompareKernel
    {
        public static string Name => "logical_or";
        public static string Cuda => "(a != 0) || (b != 0)";
        public void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> c) where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < c.Length; i++) c[i] = a[i] != T.Zero || b[i] != T.Zero;
        }
    }
}
