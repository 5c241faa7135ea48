namespace Flint.Tests.Ops;

/// <summary>
/// Reductions, scans and sorts beyond the parity fixtures: PyTorch's node names and error texts, second derivatives
/// (against PyTorch's values and a numerical gradgradcheck), float32 accuracy on long sums, and edge shapes.
/// </summary>
public class ReductionTests
{
    private static Tensor T(double[,] v) => Torch.Tensor(v);

    private static Tensor Arange(long n, DType dtype = DType.Float64) => Torch.Arange(n, dtype: dtype);

    // ---- node names (checked against PyTorch 1.13) ----

    public static IEnumerable<object[]> NodeNames =>
    [
        ["ProdBackward0", (Func<Tensor, Tensor>)(x => x.Prod())],
        ["ProdBackward1", (Func<Tensor, Tensor>)(x => x.Prod(1))],
        ["MaxBackward1", (Func<Tensor, Tensor>)(x => x.Max())],
        ["MaxBackward0", (Func<Tensor, Tensor>)(x => x.Max(1).Values)],
        ["MinBackward1", (Func<Tensor, Tensor>)(x => x.Min())],
        ["MinBackward0", (Func<Tensor, Tensor>)(x => x.Min(0).Values)],
        ["AmaxBackward0", (Func<Tensor, Tensor>)(x => x.Amax())],
        ["AminBackward0", (Func<Tensor, Tensor>)(x => x.Amin(1))],
        ["torch::autograd::NotImplemented", (Func<Tensor, Tensor>)(x => x.Aminmax().Min)],
        ["StdBackward0", (Func<Tensor, Tensor>)(x => x.Std())],
        ["VarBackward0", (Func<Tensor, Tensor>)(x => x.Var(1, correction: 0))],
        ["StdMeanBackward0", (Func<Tensor, Tensor>)(x => Torch.StdMean(x).Std)],
        ["VarMeanBackward0", (Func<Tensor, Tensor>)(x => Torch.VarMean(x, 1).Mean)],
        ["NormBackward1", (Func<Tensor, Tensor>)(x => x.Norm())],
        ["NormBackward1", (Func<Tensor, Tensor>)(x => x.Norm("fro", [1]))],
        ["LogsumexpBackward0", (Func<Tensor, Tensor>)(x => x.Logsumexp(1))],
        ["NansumBackward0", (Func<Tensor, Tensor>)(x => x.Nansum())],
        ["DivBackward0", (Func<Tensor, Tensor>)(x => x.Nanmean())],
        ["CumsumBackward0", (Func<Tensor, Tensor>)(x => x.Cumsum(1))],
        ["CumprodBackward0", (Func<Tensor, Tensor>)(x => x.Cumprod(0))],
        ["CummaxBackward0", (Func<Tensor, Tensor>)(x => x.Cummax(1).Values)],
        ["CumminBackward0", (Func<Tensor, Tensor>)(x => x.Cummin(1).Values)],
        ["LogcumsumexpBackward0", (Func<Tensor, Tensor>)(x => x.Logcumsumexp(1))],
        ["SortBackward0", (Func<Tensor, Tensor>)(x => x.Sort().Values)],
        ["SortBackward1", (Func<Tensor, Tensor>)(x => x.Sort(stable: true).Values)],
        ["SortBackward0", (Func<Tensor, Tensor>)(x => x.Msort())],
        ["TopkBackward0", (Func<Tensor, Tensor>)(x => x.Topk(2).Values)],
        ["KthvalueBackward0", (Func<Tensor, Tensor>)(x => x.Kthvalue(2).Values)],
        ["MedianBackward0", (Func<Tensor, Tensor>)(x => x.Median())],
        ["MedianBackward1", (Func<Tensor, Tensor>)(x => x.Median(1).Values)],
        ["NanmedianBackward0", (Func<Tensor, Tensor>)(x => x.Nanmedian())],
        ["NanmedianBackward1", (Func<Tensor, Tensor>)(x => x.Nanmedian(1).Values)],
        ["ModeBackward0", (Func<Tensor, Tensor>)(x => x.Mode().Values)],
        ["Unique2Backward0", (Func<Tensor, Tensor>)(x => x.Unique())],
        ["UniqueConsecutiveBackward0", (Func<Tensor, Tensor>)(x => x.UniqueConsecutive())],
    ];

    [Theory]
    [MemberData(nameof(NodeNames))]
    public void NodeNamesArePyTorchs(string name, Func<Tensor, Tensor> op)
    {
        var x = Torch.Tensor(new double[,] { { 1, 5, 3, 2 }, { 4, -1, 0.5, 6 }, { 2, 2, 7, -3 } }, requiresGrad: true);
        Assert.Equal(name, op(x).GradFn!.Name);
    }

    [Fact]
    public void IndicesCarryNoHistory()
    {
        var x = Torch.Ones(2, 3, requiresGrad: true);
        Assert.Null(x.Max(1).Indices.GradFn);
        Assert.Null(x.Sort().Indices.GradFn);
        Assert.Null(x.Cummax(0).Indices.GradFn);
        Assert.False(x.Argmax().RequiresGrad);
    }

    // ---- errors (PyTorch's texts) ----

    [Fact]
    public void EmptyReductionsWithoutIdentityThrow()
    {
        var empty = Torch.Zeros(0);
        var rows = Torch.Zeros(0, 3);
        Assert.Equal("max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
            Assert.Throws<InvalidOperationException>(() => empty.Max()).Message);
        Assert.Equal("max(): Expected reduction dim 0 to have non-zero size.", Assert.Throws<IndexOutOfRangeException>(() => rows.Max(0)).Message);
        Assert.Equal("amax(): Expected reduction dim 0 to have non-zero size.", Assert.Throws<IndexOutOfRangeException>(() => rows.Amax(0)).Message);
        Assert.Equal("argmax(): Expected reduction dim to be specified for input.numel() == 0.",
            Assert.Throws<IndexOutOfRangeException>(() => empty.Argmax()).Message);
        Assert.Equal("argmax(): Expected reduction dim 0 to have non-zero size.", Assert.Throws<IndexOutOfRangeException>(() => rows.Argmax(0)).Message);
        Assert.Equal("median(): Expected reduction dim 0 to have non-zero size.", Assert.Throws<IndexOutOfRangeException>(() => rows.Median(0)).Message);
        Assert.Equal("kthvalue(): Expected reduction dim 0 to have non-zero size.", Assert.Throws<IndexOutOfRangeException>(() => rows.Kthvalue(1, 0)).Message);
        Assert.Equal("mode(): Expected reduction dim 0 to have non-zero size.", Assert.Throws<IndexOutOfRangeException>(() => empty.Mode()).Message);
        Assert.Equal("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.",
            Assert.Throws<InvalidOperationException>(() => empty.Aminmax()).Message);
        Assert.Equal("aminmax: Expected reduction dim 0 to have non-zero size.", Assert.Throws<IndexOutOfRangeException>(() => rows.Aminmax(0)).Message);
    }

    [Fact]
    public void EmptyReductionsWithIdentityOrAlongOtherDims()
    {
        var rows = Torch.Zeros(0, 3);
        Assert.Equal(new long[] { 0 }, rows.Amax(1).Shape.ToArray());
        Assert.Equal(new long[] { 0 }, rows.Max(1).Indices.Shape.ToArray());
        Assert.Equal(new long[] { 0 }, rows.Argmax(1).Shape.ToArray());
        Assert.Equal(new float[] { 1, 1, 1 }, rows.Prod(0).ToArray<float>());
        Assert.Equal(new long[] { 0, 3 }, rows.Sort(0).Values.Shape.ToArray());
        Assert.Equal(new long[] { 0, 3 }, rows.Cumsum(0).Shape.ToArray());
        Assert.Equal(new long[] { 0, 3 }, rows.Cummax(0).Indices.Shape.ToArray());
        Assert.Equal(new long[] { 0, 3 }, rows.Topk(0, 0).Values.Shape.ToArray());
        Assert.True(float.IsNaN(Torch.Zeros(0).Median().Item<float>()));
        Assert.True(float.IsNaN(Torch.Zeros(0).Std().Item<float>()));
        Assert.True(float.IsNaN(Torch.Zeros(1).Var().Item<float>()));
        Assert.Equal(float.NegativeInfinity, Torch.Zeros(0).Logsumexp(0).Item<float>());
        Assert.Equal(long.MinValue, Torch.Zeros(0, dtype: DType.Int64).Median().Item<long>());
    }

    [Fact]
    public void ArgumentErrors()
    {
        var x = Torch.Ones(3, 4);
        Assert.Equal("selected index k out of range", Assert.Throws<ArgumentException>(() => x.Topk(5)).Message);
        Assert.Equal("selected index k out of range", Assert.Throws<ArgumentException>(() => x.Topk(-1)).Message);
        Assert.Equal("kthvalue(): selected number k out of range for dimension 1", Assert.Throws<ArgumentException>(() => x.Kthvalue(0)).Message);
        Assert.Equal("Dimension out of range (expected to be in range of [-2, 1], but got 5)",
            Assert.Throws<IndexOutOfRangeException>(() => x.Max(5)).Message);
        Assert.Equal("Dimension out of range (expected to be in range of [-2, 1], but got 2)",
            Assert.Throws<IndexOutOfRangeException>(() => x.Cumsum(2)).Message);
        Assert.Equal("dim 1 appears multiple times in the list of dims", Assert.Throws<ArgumentException>(() => x.Var([1, 1])).Message);
        Assert.Equal("dim 0 appears multiple times in the list of dims", Assert.Throws<ArgumentException>(() => x.CountNonzero([0, 0])).Message);
        Assert.Equal("only valid string values are 'fro' and 'nuc', found foo", Assert.Throws<ArgumentException>(() => x.Norm("foo")).Message);
        Assert.Equal("Expected at most 2 dimensions, but got 3 dimensions instead.",
            Assert.Throws<ArgumentException>(() => Torch.Ones(2, 2, 2).Norm("fro", [0, 1, 2])).Message);
        Assert.Throws<ArgumentException>(() => x.Std(unbiased: true, correction: 1));
    }

    [Fact]
    public void DtypeErrors()
    {
        var i = Torch.Tensor(new long[,] { { 1, 2 }, { 3, 4 } });
        Assert.Equal("std and var only support floating point and complex dtypes", Assert.Throws<InvalidOperationException>(() => i.Std()).Message);
        Assert.Equal("std and var only support floating point and complex dtypes", Assert.Throws<InvalidOperationException>(() => Torch.VarMean(i)).Message);
        Assert.Equal("norm(): input dtype should be either floating point or complex. Got Long instead.",
            Assert.Throws<InvalidOperationException>(() => i.Norm()).Message);
        Assert.Equal("nanmean(): expected input to have floating point dtype but got Long",
            Assert.Throws<InvalidOperationException>(() => i.Nanmean()).Message);
        Assert.Equal("\"logcumsumexp_out_cpu\" not implemented for 'Long'", Assert.Throws<NotSupportedException>(() => i.Logcumsumexp(0)).Message);
        var b = Torch.Tensor(new[] { true, false });
        Assert.Equal("\"argmax_cpu\" not implemented for 'Bool'", Assert.Throws<NotSupportedException>(() => b.Argmax()).Message);
        Assert.Equal("\"argmin_cpu\" not implemented for 'Bool'", Assert.Throws<NotSupportedException>(() => b.Argmin(0)).Message);
        Assert.Equal("\"median_cpu\" not implemented for 'Bool'", Assert.Throws<NotSupportedException>(() => b.Median()).Message);
        Assert.Equal("\"unique\" not implemented for 'Half'", Assert.Throws<NotSupportedException>(() => Torch.Ones(2, dtype: DType.Float16).Unique()).Message);
    }

    [Fact]
    public void NonDifferentiableOpsFailInBackward()
    {
        var x = Torch.Tensor(new double[] { 3, 1, 3 }, requiresGrad: true);
        Assert.Equal("derivative for aten::aminmax is not implemented",
            Assert.Throws<InvalidOperationException>(() => x.Aminmax().Max.Backward()).Message);
        Assert.Equal("the derivative for '_unique2' is not implemented.",
            Assert.Throws<NotSupportedException>(() => x.Unique().Sum().Backward()).Message);
        Assert.Equal("the derivative for 'unique_consecutive' is not implemented.",
            Assert.Throws<NotSupportedException>(() => x.UniqueConsecutive().Sum().Backward()).Message);
    }

    [Fact]
    public void SearchsortedErrors()
    {
        var s = Torch.Tensor(new float[] { 1, 3, 5 });
        var v = Torch.Tensor(new float[] { 2 });
        Assert.Equal("torch.searchsorted(): side can only be 'left' or 'right' but got foo",
            Assert.Throws<ArgumentException>(() => Torch.Searchsorted(s, v, side: "foo")).Message);
        Assert.Equal("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True",
            Assert.Throws<ArgumentException>(() => Torch.Searchsorted(s, v, right: true, side: "left")).Message);
        Assert.Equal("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension",
            Assert.Throws<ArgumentException>(() => Torch.Searchsorted(Torch.Tensor(1.0), v)).Message);
        Assert.Equal("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [2, 3] and input value tensor [3, 2]",
            Assert.Throws<ArgumentException>(() => Torch.Searchsorted(Torch.Zeros(2, 3), Torch.Zeros(3, 2))).Message);
        Assert.Equal("torch.searchsorted(): sorter must be a tensor of long dtype but got dtype Int",
            Assert.Throws<ArgumentException>(() => Torch.Searchsorted(s, v, sorter: Torch.Tensor(new[] { 0, 1, 2 }))).Message);
        Assert.Equal("torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor [3]and got sorter tensor [2]",
            Assert.Throws<ArgumentException>(() => Torch.Searchsorted(s, v, sorter: Torch.Tensor(new long[] { 0, 1 }))).Message);
        Assert.Equal("boundaries tensor must be 1 dimension, but got dim(2)",
            Assert.Throws<ArgumentException>(() => Torch.Bucketize(v, Torch.Zeros(2, 2))).Message);
    }

    // ---- results PyTorch gives that the fixtures do not cover ----

    [Fact]
    public void ScalarForms()
    {
        var s = Torch.Tensor(new float[] { 1, 3, 5, 7, 9 });
        Assert.Equal(3L, Torch.Searchsorted(s, 6).Item<long>());
        Assert.Equal(0, Torch.Searchsorted(s, 6).Dim());
        Assert.Equal(2L, Torch.Bucketize(4, s).Item<long>());
        Assert.Equal(DType.Int32, Torch.Bucketize(4, s, outInt32: true).DType);
        var z = Torch.Tensor(5.0);
        Assert.Equal(0L, z.Max(0).Indices.Item<long>());
        Assert.Equal(0, z.Max(0, keepdim: true).Values.Dim());
        Assert.Equal(5.0, z.Sort().Values.Item<double>());
        Assert.Equal(5.0, z.Kthvalue(1).Values.Item<double>());
        Assert.Equal(5.0, z.Cumsum(0).Item<double>());
        Assert.Equal(0L, z.Cummax(0).Indices.Item<long>());
        var (u, inv, cnt) = z.Unique(returnInverse: true, returnCounts: true);
        Assert.Equal(new double[] { 5 }, u.ToArray<double>());
        Assert.Equal(0, inv!.Dim());
        Assert.Equal(new long[] { 1 }, cnt!.ToArray<long>());
        Assert.Equal(new long[] { 1, 1 }, Torch.Ones(2, 3).Argmax(keepdim: true).Shape.ToArray());
    }

    [Fact]
    public void UniqueOverloads()
    {
        var x = Torch.Tensor(new long[] { 3, 1, 3 });
        Assert.Equal(new long[] { 1, 3 }, x.Unique().ToArray<long>());
        Assert.Equal(new long[] { 1, 3 }, x.Unique(sorted: false).ToArray<long>());
        var (output, inverse, counts) = x.Unique(returnCounts: true);
        Assert.Equal(new long[] { 1, 3 }, output.ToArray<long>());
        Assert.Null(inverse);
        Assert.Equal(new long[] { 1, 2 }, counts!.ToArray<long>());
    }

    [Fact]
    public void KthvalueTiesFollowPyTorchQuickselect()
    {
        // torch.tensor([3., 1., 3., 2., 1., 3., 2.]).kthvalue(k) for k = 1..7 gives indices 4, 1, 3, 6?, ... as below.
        var t = Torch.Tensor(new float[] { 3, 1, 3, 2, 1, 3, 2 });
        Assert.Equal(4L, t.Kthvalue(1).Indices.Item<long>());
        Assert.Equal(1L, t.Kthvalue(2).Indices.Item<long>());
        Assert.Equal(3L, t.Kthvalue(3).Indices.Item<long>());
        Assert.Equal(5L, t.Kthvalue(5).Indices.Item<long>());
        Assert.Equal(0L, t.Kthvalue(7).Indices.Item<long>());
        Assert.Equal(6L, t.Median(0).Indices.Item<long>());
        Assert.Equal(5L, t.Mode(0).Indices.Item<long>());
    }

    [Fact]
    public void InPlaceScans()
    {
        // Values from PyTorch: y = x * 1; y.cumsum_(0); y.sum().backward() gives x.grad [[2, 2], [1, 1]].
        var x = Torch.Tensor(new float[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true);
        var y = x.Mul(1);
        y.Cumsum_(0);
        Assert.Equal("CumsumBackward0", y.GradFn!.Name);
        Assert.Equal(new float[] { 1, 2, 4, 6 }, y.ToArray<float>());
        y.Sum().Backward();
        Assert.Equal(new float[] { 2, 2, 1, 1 }, x.Grad!.ToArray<float>());
        var i = Torch.Tensor(new[] { 1, 2, 3 });
        Assert.Same(i, i.Cumsum_(0));
        Assert.Equal(DType.Int32, i.DType);
        Assert.Equal(new[] { 1, 3, 6 }, i.ToArray<int>());
        var p = Torch.Tensor(new float[,] { { 1, 2 }, { 3, 4 } }).Cumprod_(1);
        Assert.Equal(new float[] { 1, 2, 3, 12 }, p.ToArray<float>());
    }

    // ---- second derivatives ----

    // grad of sum(op(x)) with create_graph, then backward of sum(grad * w), w = 0.1, 0.2, ...; values from PyTorch.
    private static (double[] Grad, double[] GradGrad) SecondOrder(Tensor x0, Func<Tensor, Tensor> op)
    {
        var x = x0.Detach().Clone().RequiresGrad_();
        var g = Torch.Autograd.Grad(op(x).Sum(), [x], createGraph: true)[0]!;
        var w = Torch.Arange(1, x.Numel() + 1, dtype: DType.Float64).Reshape(x.shape).Mul(0.1);
        g.Mul(w).Sum().Backward();
        return (g.Detach().ToArray<double>(), x.Grad!.ToArray<double>());
    }

    private static void Close(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-9, $"element {i}: {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public void ProdSecondDerivativeWithZeros()
    {
        var z = T(new double[,] { { 1, 0, 3 }, { 2, 4, 5 } });
        var (g, gg) = SecondOrder(z, x => x.Prod(1));
        Close([0, 3, 0, 20, 10, 8], g);
        Close([0.6, 0.6, 0.2, 4.9, 3.2, 2.6], gg);
        (g, gg) = SecondOrder(z, x => x.Prod());
        Close([0, 120, 0, 0, 0, 0], g);
        Close([24, 77.4, 8, 12, 6, 4.8], gg);
    }

    [Fact]
    public void CumprodSecondDerivativeWithZeros()
    {
        var z = T(new double[,] { { 1, 0, 3, 2 }, { 0, 0, 2, -1 } });
        var (g, gg) = SecondOrder(z, x => x.Cumprod(1));
        Close([1, 10, 0, 0, 1, 0, 0, 0], g);
        Close([2, 3.1, 0.6, 0.6, 0.6, 0.5, 0, 0], gg);
    }

    public static IEnumerable<object[]> TwiceDifferentiable =>
    [
        ["prod", (Func<Tensor, Tensor>)(x => x.Prod(1))],
        ["prod_zero", (Func<Tensor, Tensor>)(x => x.Mul(Torch.Tensor(new double[,] { { 1, 0, 1, 1 }, { 1, 1, 1, 1 }, { 0, 1, 1, 0 } })).Prod(0))],
        ["max_dim", (Func<Tensor, Tensor>)(x => x.Max(1).Values.Mul(x.Max(1).Values))],
        ["amax", (Func<Tensor, Tensor>)(x => x.Amax(0).Pow2())],
        ["var", (Func<Tensor, Tensor>)(x => x.Var(1))],
        ["std", (Func<Tensor, Tensor>)(x => x.Std([0, 1], correction: 0))],
        ["std_mean", (Func<Tensor, Tensor>)(x => Torch.StdMean(x, 1).Std.Mul(Torch.StdMean(x, 1).Mean))],
        ["norm2", (Func<Tensor, Tensor>)(x => x.Norm(2, 1))],
        ["norm1.5", (Func<Tensor, Tensor>)(x => x.Norm(1.5))],
        ["norm3", (Func<Tensor, Tensor>)(x => x.Norm(3, [0]))],
        ["logsumexp", (Func<Tensor, Tensor>)(x => x.Logsumexp(1))],
        ["cumsum", (Func<Tensor, Tensor>)(x => x.Cumsum(0).Pow2())],
        ["cumprod", (Func<Tensor, Tensor>)(x => x.Cumprod(1))],
        ["cumprod_zero", (Func<Tensor, Tensor>)(x => x.Mul(Torch.Tensor(new double[,] { { 1, 0, 1, 1 }, { 1, 1, 1, 1 }, { 0, 1, 1, 0 } })).Cumprod(1))],
        ["logcumsumexp", (Func<Tensor, Tensor>)(x => x.Logcumsumexp(1))],
        ["cummax", (Func<Tensor, Tensor>)(x => x.Cummax(1).Values.Pow2())],
        ["sort", (Func<Tensor, Tensor>)(x => x.Sort(0).Values.Pow2())],
        ["topk", (Func<Tensor, Tensor>)(x => x.Topk(2).Values.Pow2())],
        ["median", (Func<Tensor, Tensor>)(x => x.Median().Pow2())],
        ["nansum", (Func<Tensor, Tensor>)(x => x.Nansum(1).Pow2())],
    ];

    [Theory]
    [MemberData(nameof(TwiceDifferentiable))]
    public void GradGradCheck(string name, Func<Tensor, Tensor> op)
    {
        var x = Torch.Tensor(new double[,] { { 0.3, -1.2, 0.8, 1.7 }, { -0.4, 0.9, 2.1, -1.5 }, { 1.1, 0.2, -0.7, 0.6 } }, requiresGrad: true);
        Assert.True(Torch.Autograd.GradCheck(xs => op(xs[0]), [x]), name);
        Assert.True(Torch.Autograd.GradCheck(xs => FirstDerivative(op, xs[0]), [x]), name);
    }

    // The gradient of sum(op(x)) with history (gradgradcheck's function). GradCheck evaluates its perturbed inputs
    // with grad mode off; they get a leaf of their own here.
    private static Tensor FirstDerivative(Func<Tensor, Tensor> op, Tensor x)
    {
        using var mode = Torch.EnableGrad();
        var leaf = x.RequiresGrad ? x : x.Detach().RequiresGrad_();
        return Torch.Autograd.Grad(op(leaf).Sum(), [leaf], createGraph: true)[0]!;
    }

    // ---- accuracy and layouts ----

    [Fact]
    public void LongFloat32SumsAreAccurate()
    {
        var rng = new Random(7);
        var data = new float[1 << 21];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1 + 0.25);
        double exact = 0;
        foreach (var v in data) exact += v;
        var x = Torch.FromArray(data);
        Assert.True(Math.Abs(x.Sum().Item<float>() - exact) <= 1e-6 * Math.Abs(exact));
        Assert.True(Math.Abs(x.Mean().Item<float>() - exact / data.Length) <= 1e-6 * Math.Abs(exact / data.Length));

        // Across rows (reducing dim 0 of [N, 4]) and through a transposed view.
        var m = x.View(-1, 4);
        var cols = m.Sum(0).ToArray<float>();
        var colsT = m.T().Sum(1).ToArray<float>();
        for (int c = 0; c < 4; c++)
        {
            double e = 0;
            for (int r = c; r < data.Length; r += 4) e += data[r];
            Assert.True(Math.Abs(cols[c] - e) <= 1e-6 * Math.Abs(e), $"column {c}");
            Assert.True(Math.Abs(colsT[c] - e) <= 1e-6 * Math.Abs(e), $"transposed column {c}");
        }
    }

    [Fact]
    public void LongFloat32CumsumIsAccurate()
    {
        var data = new float[100_000];
        for (int i = 0; i < data.Length; i++) data[i] = 0.1f;
        var c = Torch.FromArray(data).Cumsum(0).ToArray<float>();
        Assert.Equal((float)(data.Length * (double)0.1f), c[^1]);
    }

    [Fact]
    public void LargeLanesSplitOverThreadsAgree()
    {
        var x = Torch.Linspace(-3, 5, 600 * 700, dtype: DType.Float64).Reshape(600, 700);
        var xt = x.T();
        Assert.Equal(x.Amax(1).ToArray<double>(), xt.Amax(0).ToArray<double>());
        Assert.Equal(x.Argmax(1).ToArray<long>(), xt.Argmax(0).ToArray<long>());
        Assert.Equal(x.Sort(1, descending: true).Indices.ToArray<long>(), xt.Sort(0, descending: true).Indices.T().Contiguous().ToArray<long>());
        Assert.Equal(x.Cumsum(1).ToArray<double>(), xt.Cumsum(0).T().Contiguous().ToArray<double>());
        Assert.Equal(699L, x.Argmax(1).ToArray<long>()[17]);
    }

    [Fact]
    public void HalfTypesComputeInFloat()
    {
        var h = Torch.Tensor(new float[] { 1, 2, 3, 4 }).To(DType.Float16);
        Assert.Equal(DType.Float16, h.Sum().DType);
        Assert.Equal(10f, h.Sum().Item<float>());
        Assert.Equal(new float[] { 1, 3, 6, 10 }, h.Cumsum(0).ToArray<float>());
        var b = Torch.Tensor(new float[] { 3, 1, 2 }).To(DType.BFloat16);
        Assert.Equal(DType.BFloat16, b.Amax().DType);
        Assert.Equal(3f, b.Max().Item<float>());
        Assert.Equal(new long[] { 1, 2, 0 }, b.Argsort().ToArray<long>());
        Assert.Equal(2f, b.Median().Item<float>());
    }
}

internal static class ReductionTestOps
{
    /// <summary>x * x, differentiable (a square that the reduction tests can apply twice).</summary>
    public static Tensor Pow2(this Tensor x) => x.Mul(x);
}

/// <summary>Long contiguous lanes take vectorised paths; these pin their tie, NaN and signed-zero rules to ATen's.</summary>
public class VectorisedLaneTests
{
    [Fact]
    public void ArgmaxOfLongLanesKeepsFirstTieFirstNaNAndFirstZero()
    {
        var v = new float[300];
        for (int i = 0; i < v.Length; i++) v[i] = (i * 37) % 101 - 50;
        v[40] = 99; v[170] = 99; v[290] = 99;
        var x = Torch.FromArray(v);
        Assert.Equal(40L, x.Argmax().Item<long>());
        Assert.Equal(40L, x.Max(0).Indices.Item<long>());
        v[7] = -99; v[150] = -99;
        Assert.Equal(7L, Torch.FromArray(v).Argmin(0).Item<long>());
        v[200] = float.NaN; v[250] = float.NaN;
        var (values, indices) = Torch.FromArray(v).Min(0);
        Assert.True(float.IsNaN(values.Item<float>()));
        Assert.Equal(200L, indices.Item<long>());
        var zeros = new double[100];
        Array.Fill(zeros, -1.0);
        zeros[10] = -0.0; zeros[60] = 0.0;
        Assert.Equal(10L, Torch.FromArray(zeros).Argmax().Item<long>());
        Array.Fill(zeros, 1.0);
        zeros[10] = 0.0; zeros[60] = -0.0;
        Assert.Equal(10L, Torch.FromArray(zeros).Argmin().Item<long>());
    }

    [Fact]
    public void RowBlocksMatchThePlainPath()
    {
        // [2, 300, 70] summed over dim 1 takes the row-block path; through a transposed view it takes the general one.
        var x = Torch.Linspace(-2, 3, 2 * 300 * 70, dtype: DType.Float64).Reshape(2, 300, 70);
        var viaBlock = x.Sum(1).ToArray<double>();
        var viaPlan = x.Transpose(1, 2).Contiguous().Transpose(1, 2).Sum(1).ToArray<double>();
        for (int i = 0; i < viaBlock.Length; i++) Assert.Equal(viaPlan[i], viaBlock[i], 9);
        var f = x.To(DType.Float32);
        var fb = f.Sum(1).ToArray<float>();
        for (int i = 0; i < fb.Length; i++) Assert.True(Math.Abs(fb[i] - viaPlan[i]) <= 1e-6 * Math.Abs(viaPlan[i]) + 1e-4);
        Assert.Equal(x.Amax(1).ToArray<double>(), x.Transpose(1, 2).Contiguous().Amax(2).ToArray<double>());
        Assert.Equal(new long[] { 2, 70 }, x.Prod(1).Shape.ToArray());
    }
}
