using Flint.NN;
using Flint.Optim;
using F = Flint.NN.Functional;

namespace Flint.Tests.Gpu;

/// <summary>
/// The CUDA backend against the CPU backend, op by op (run on a machine with a GPU; skipped cleanly elsewhere):
/// every elementwise kernel family, reductions, matrix products, copies and casts, the host round trips, and a
/// training step. The CPU result is the reference; tolerances allow for the GPU math library's last bits and for
/// reductions summing in another order.
/// </summary>
public class GpuParityTests
{
    private static void RequireGpu() => Skip.IfNot(Cuda.IsAvailable(), "no usable CUDA GPU on this machine");

    private static Tensor Uniform(long[] shape, double lo, double hi, DType dt, int seed)
    {
        var g = new Generator().ManualSeed(seed);
        return (Torch.Rand(shape, generator: g, dtype: DType.Float64) * (hi - lo) + lo).To(dt);
    }

    private static void AssertClose(Tensor expected, Tensor actual, double rtol, double atol, string what)
    {
        Assert.True(actual.IsCuda, what + ": result is not on the GPU");
        var a = actual.Cpu();
        Assert.Equal(expected.Shape.ToArray(), a.Shape.ToArray());
        Assert.Equal(expected.DType, a.DType);
        var e = expected.To(DType.Float64).ToArray<double>();
        var g = a.To(DType.Float64).ToArray<double>();
        for (int i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i]) && double.IsNaN(g[i])) continue;
            if (e[i] == g[i]) continue;
            Assert.True(Math.Abs(e[i] - g[i]) <= atol + rtol * Math.Abs(e[i]), $"{what}: element {i} is {g[i]} on CUDA, {e[i]} on the CPU");
        }
    }

    private static (double Rtol, double Atol) Tolerance(DType dt) => dt switch
    {
        DType.Float64 => (1e-12, 1e-12),
        DType.Float32 => (2e-5, 1e-6),
        _ => (1e-2, 1e-3),
    };

    public static IEnumerable<object[]> UnaryOps() =>
        from op in new (string Name, double Lo, double Hi)[]
        {
            ("exp", -3, 3), ("exp2", -3, 3), ("expm1", -1, 1), ("log", 0.1, 4), ("log2", 0.1, 4), ("log10", 0.1, 4), ("log1p", -0.5, 3),
            ("sqrt", 0, 4), ("rsqrt", 0.1, 4), ("sin", -4, 4), ("cos", -4, 4), ("tan", -1.2, 1.2), ("asin", -0.95, 0.95),
            ("acos", -0.95, 0.95), ("atan", -4, 4), ("sinh", -3, 3), ("cosh", -3, 3), ("tanh", -3, 3), ("asinh", -3, 3),
            ("acosh", 1.1, 4), ("atanh", -0.9, 0.9), ("sigmoid", -6, 6), ("logit", 0.05, 0.95), ("erf", -2, 2), ("erfc", -2, 2),
            ("erfinv", -0.9, 0.9), ("reciprocal", 0.5, 3), ("frac", -5, 5), ("floor", -5, 5), ("ceil", -5, 5), ("trunc", -5, 5),
            ("round", -5, 5), ("round2", -5, 5), ("relu", -2, 2), ("abs", -2, 2), ("sign", -2, 2), ("neg", -2, 2), ("square", -2, 2),
            ("pow3.3", 0.1, 2), ("pow-0.5", 0.1, 2), ("clamp", -2, 2), ("nan_to_num", -2, 2), ("gelu", -3, 3), ("silu", -3, 3),
            ("softplus", -3, 3), ("leaky_relu", -2, 2), ("hardtanh", -2, 2), ("hardswish", -4, 4), ("elu", -2, 2), ("log_sigmoid", -3, 3),
        }
        from dt in new[] { DType.Float32, DType.Float64, DType.Float16 }
        select new object[] { op.Name, op.Lo, op.Hi, dt };

    private static Tensor ApplyUnary(string name, Tensor x) => name switch
    {
        "exp" => x.Exp(), "exp2" => x.Exp2(), "expm1" => x.Expm1(), "log" => x.Log(), "log2" => x.Log2(), "log10" => x.Log10(),
        "log1p" => x.Log1p(), "sqrt" => x.Sqrt(), "rsqrt" => x.Rsqrt(), "sin" => x.Sin(), "cos" => x.Cos(), "tan" => x.Tan(),
        "asin" => x.Asin(), "acos" => x.Acos(), "atan" => x.Atan(), "sinh" => x.Sinh(), "cosh" => x.Cosh(), "tanh" => x.Tanh(),
        "asinh" => x.Asinh(), "acosh" => x.Acosh(), "atanh" => x.Atanh(), "sigmoid" => x.Sigmoid(), "logit" => x.Logit(0.1),
        "erf" => x.Erf(), "erfc" => x.Erfc(), "erfinv" => x.Erfinv(), "reciprocal" => x.Reciprocal(), "frac" => x.Frac(),
        "floor" => x.Floor(), "ceil" => x.Ceil(), "trunc" => x.Trunc(), "round" => x.Round(), "round2" => x.Round(2),
        "relu" => x.Relu(), "abs" => x.Abs(), "sign" => x.Sign(), "neg" => x.Neg(), "square" => x.Square(),
        "pow3.3" => x.Pow(3.3), "pow-0.5" => x.Pow(-0.5), "clamp" => x.Clamp(-0.5, 1.25), "nan_to_num" => (x / x.Round()).NanToNum(),
        "gelu" => F.Gelu(x), "silu" => F.Silu(x), "softplus" => F.Softplus(x), "leaky_relu" => F.LeakyRelu(x, 0.1),
        "hardtanh" => F.Hardtanh(x), "hardswish" => F.Hardswish(x), "elu" => F.Elu(x), "log_sigmoid" => F.Logsigmoid(x),
        _ => throw new ArgumentException(name),
    };

    [SkippableTheory]
    [MemberData(nameof(UnaryOps))]
    public void UnaryOpsMatchTheCpu(string name, double lo, double hi, DType dt)
    {
        RequireGpu();
        // A transposed view exercises the strided kernels; the contiguous one the flat kernels.
        var x = Uniform([37, 29], lo, hi, dt, name.GetHashCode());
        var (rtol, atol) = Tolerance(dt);
        AssertClose(Reference(x, t => ApplyUnary(name, t)), ApplyUnary(name, x.Cuda()), rtol, atol, name);
        AssertClose(Reference(x.T(), t => ApplyUnary(name, t)), ApplyUnary(name, x.Cuda().T()), rtol, atol, name + " (transposed)");
    }

    // The CPU result, for float16 computed in float32 and rounded: PyTorch's CPU kernels of the activations, softmax
    // and norms have no float16 form (nor Flint's), its CUDA kernels compute float16 in float32.
    private static Tensor Reference(Tensor x, Func<Tensor, Tensor> f) =>
        x.DType == DType.Float16 ? f(x.To(DType.Float32)).To(DType.Float16) : f(x);

    [SkippableFact]
    public void FloatOnlyFunctionsTakeFloat16OnTheGpuAsPyTorchsCudaKernelsDo()
    {
        RequireGpu();
        var x = Uniform([6, 10, 5], -3, 3, DType.Float16, 21);
        var w = Uniform([10], 0.5, 1.5, DType.Float16, 22);
        var b = Uniform([10], -0.5, 0.5, DType.Float16, 23);
        var cases = new (string Name, Func<Tensor, Tensor> F)[]
        {
            ("softmax", t => t.Softmax(1)), ("log_softmax", t => t.LogSoftmax(2)), ("softmax last dim", t => F.Softmax(t, -1)),
            ("layer_norm", t => F.LayerNorm(t, [5])),
            ("batch_norm", t => F.BatchNorm(t, null, null, w.To(t.Device).To(t.DType), b.To(t.Device).To(t.DType), training: true)),
            ("group_norm", t => F.GroupNorm(t, 2)),
            ("hardtanh", t => F.Hardtanh(t, -1, 2)), ("threshold", t => F.Threshold(t, 0.5, -1)), ("relu6", t => F.Relu6(t)),
        };
        foreach (var (name, f) in cases)
        {
            Assert.Throws<NotSupportedException>(() => f(x));
            AssertClose(Reference(x, f), f(x.Cuda()), 1e-2, 2e-3, name);
        }
        // The gradient through a float16 softmax and layer norm on the GPU, against float32 on the CPU.
        var xg = x.Cuda().RequiresGrad_();
        (F.LayerNorm(xg.Softmax(1), [5]) * x.Cuda()).Sum().Backward();
        var xc = x.To(DType.Float32).RequiresGrad_();
        (F.LayerNorm(xc.Softmax(1), [5]) * x.To(DType.Float32)).Sum().Backward();
        AssertClose(xc.Grad!.To(DType.Float16), xg.Grad!, 2e-2, 1e-2, "softmax and layer_norm backward");
    }

    public static IEnumerable<object[]> BinaryOps() =>
        from name in new[]
        {
            "add", "add_alpha", "sub", "mul", "div", "div_trunc", "floor_divide", "remainder", "fmod", "pow", "maximum", "minimum",
            "fmax", "fmin", "atan2", "hypot", "xlogy", "lerp", "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or",
            "logical_xor", "isclose", "addcmul", "addcdiv", "lerp_tensor", "clamp_tensor", "where",
        }
        from dt in new[] { DType.Float32, DType.Float64, DType.Float16 }
        select new object[] { name, dt };

    private static Tensor ApplyBinary(string name, Tensor a, Tensor b) => name switch
    {
        "add" => a + b, "add_alpha" => a.Add(b, 2.5), "sub" => a - b, "mul" => a * b, "div" => a / b,
        "div_trunc" => a.Div(b, "trunc"), "floor_divide" => a.FloorDivide(b), "remainder" => a.Remainder(b), "fmod" => a.Fmod(b),
        "pow" => a.Abs().Pow(b), "maximum" => a.Maximum(b), "minimum" => a.Minimum(b), "fmax" => a.Fmax(b), "fmin" => a.Fmin(b),
        "atan2" => a.Atan2(b), "hypot" => a.Hypot(b), "xlogy" => a.Xlogy(b.Abs()), "lerp" => a.Lerp(b, 0.3),
        "eq" => a.Eq(a.Round()), "ne" => a.Ne(b), "lt" => a.Lt(b), "le" => a.Le(b), "gt" => a.Gt(b), "ge" => a.Ge(b),
        "logical_and" => a.Gt(0).LogicalAnd(b.Gt(0)), "logical_or" => a.Gt(0).LogicalOr(b.Gt(0)), "logical_xor" => a.LogicalXor(b.Gt(0)),
        "isclose" => a.IsClose(a + b * 1e-6), "addcmul" => a.Addcmul(b, a, 0.5), "addcdiv" => a.Addcdiv(b, b.Abs() + 1, 2),
        "lerp_tensor" => a.Lerp(b, (b + 2) / 4), "clamp_tensor" => a.Clamp(b - 1, b + 1), "where" => Torch.Where(a.Gt(b), a, b),
        _ => throw new ArgumentException(name),
    };

    [SkippableTheory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryAndTernaryOpsMatchTheCpuWithBroadcasting(string name, DType dt)
    {
        RequireGpu();
        var a = Uniform([23, 31], -3, 3, dt, 1);
        var b = Uniform([31], 0.5, 2.5, dt, 2) * (Uniform([31], 0, 1, DType.Float64, 3).Gt(0.5).To(dt) * 2 - 1);
        var (rtol, atol) = Tolerance(dt);
        AssertClose(ApplyBinary(name, a, b), ApplyBinary(name, a.Cuda(), b.Cuda()), rtol, atol, name);
        AssertClose(ApplyBinary(name, a.T(), b.Unsqueeze(1)), ApplyBinary(name, a.Cuda().T(), b.Cuda().Unsqueeze(1)), rtol, atol, name + " (transposed)");
        AssertClose(ApplyBinary(name, a, Torch.Tensor(1.5).To(dt)), ApplyBinary(name, a.Cuda(), Torch.Tensor(1.5).To(dt)), rtol, atol, name + " (cpu scalar)");
    }

    [SkippableFact]
    public void IntegerAndBoolOpsMatchTheCpu()
    {
        RequireGpu();
        var a = Torch.Randint(-50, 50, [64, 17], generator: new Generator().ManualSeed(4));
        var b = Torch.Randint(1, 9, [17], generator: new Generator().ManualSeed(5));
        foreach (var dt in new[] { DType.Int64, DType.Int32, DType.Int16, DType.Int8, DType.UInt8 })
        {
            var x = a.To(dt);
            var y = b.To(dt);
            var (gx, gy) = (x.Cuda(), y.Cuda());
            AssertClose(x + y, gx + gy, 0, 0, $"add {dt}");
            AssertClose(x * y, gx * gy, 0, 0, $"mul {dt}");
            AssertClose(x.Remainder(y), gx.Remainder(gy), 0, 0, $"remainder {dt}");
            AssertClose(x.FloorDivide(y), gx.FloorDivide(gy), 0, 0, $"floor_divide {dt}");
            AssertClose(x.Pow(y.Remainder(4)), gx.Pow(gy.Remainder(4)), 0, 0, $"pow {dt}");
            AssertClose(x.BitwiseAnd(y), gx.BitwiseAnd(gy), 0, 0, $"bitwise_and {dt}");
            AssertClose(x.BitwiseXor(y), gx.BitwiseXor(gy), 0, 0, $"bitwise_xor {dt}");
            AssertClose(x.Abs(), gx.Abs(), 0, 0, $"abs {dt}");
            AssertClose(x.Clamp(-7, 20), gx.Clamp(-7, 20), 0, 0, $"clamp {dt}");
            AssertClose(x.Lt(y), gx.Lt(gy), 0, 0, $"lt {dt}");
            AssertClose(x.Sum(), gx.Sum(), 0, 0, $"sum {dt}");
            AssertClose(x.Amax(0), gx.Amax(0), 0, 0, $"amax {dt}");
        }
        var m = a.Gt(0);
        AssertClose(m.LogicalNot(), m.Cuda().LogicalNot(), 0, 0, "logical_not");
        AssertClose(m.Any(1), m.Cuda().Any(1), 0, 0, "any");
        AssertClose(m.All(0), m.Cuda().All(0), 0, 0, "all");
        AssertClose(m.Sum(), m.Cuda().Sum(), 0, 0, "sum of bools");
        AssertClose(a.MaskedFill(m, -1), a.Cuda().MaskedFill(m.Cuda(), -1), 0, 0, "masked_fill");
    }

    public static IEnumerable<object[]> Reductions() =>
        from name in new[] { "sum", "sum0", "sum1", "sum02", "mean", "mean1k", "prod", "amax", "amin", "max1", "norm1", "norm2", "norm3",
                             "norminf", "std", "var1", "nansum", "logsumexp", "count_nonzero", "any", "all" }
        from dt in new[] { DType.Float32, DType.Float64, DType.Float16 }
        select new object[] { name, dt };

    private static Tensor ApplyReduction(string name, Tensor x) => name switch
    {
        "sum" => x.Sum(), "sum0" => x.Sum(0), "sum1" => x.Sum(1), "sum02" => x.Sum([0, 2]), "mean" => x.Mean(),
        "mean1k" => x.Mean(1, keepdim: true), "prod" => (x * 0.1 + 1).Prod(1), "amax" => x.Amax(), "amin" => x.Amin([0, 1]),
        "max1" => x.Max(1).Values, "norm1" => x.Norm(1), "norm2" => x.Norm(2, 2), "norm3" => x.Norm(3, 0),
        "norminf" => x.Norm(double.PositiveInfinity), "std" => x.Std(), "var1" => x.Var(1), "nansum" => (x / x.Round()).Nansum(),
        "logsumexp" => x.Logsumexp(2), "count_nonzero" => x.Round().CountNonzero(1), "any" => x.Round().Any(2), "all" => x.Round().All(0),
        _ => throw new ArgumentException(name),
    };

    [SkippableTheory]
    [MemberData(nameof(Reductions))]
    public void ReductionsMatchTheCpu(string name, DType dt)
    {
        RequireGpu();
        var (rtol, atol) = Tolerance(dt);
        rtol = Math.Max(rtol, dt == DType.Float32 ? 1e-4 : rtol);
        foreach (var shape in new long[][] { [3, 1000, 2], [70, 9, 33] })
        {
            var x = Uniform(shape, -2, 2, dt, 11);
            AssertClose(ApplyReduction(name, x), ApplyReduction(name, x.Cuda()), rtol, atol, $"{name} {Shapes.Format(shape)}");
            var p = x.Permute(2, 0, 1);
            AssertClose(ApplyReduction(name, p), ApplyReduction(name, p.Cuda()), rtol, atol, $"{name} permuted {Shapes.Format(shape)}");
        }
        // Large enough for the two-stage reduction.
        var big = Uniform([2, 1 << 20, 1], -1, 1, dt, 12);
        if (name is "sum" or "mean" or "amax" or "norm2" or "sum02")
            AssertClose(ApplyReduction(name, big), ApplyReduction(name, big.Cuda()), Math.Max(rtol, 1e-3), atol, name + " large");
    }

    [SkippableFact]
    public void MatrixProductsMatchTheCpu()
    {
        RequireGpu();
        foreach (var dt in new[] { DType.Float32, DType.Float64, DType.Float16, DType.BFloat16 })
        {
            var tol = dt switch { DType.Float64 => 1e-12, DType.Float32 => 1e-4, _ => 3e-2 };
            foreach (var (m, k, n) in new[] { (1, 1, 1), (5, 7, 3), (64, 33, 17), (1, 100, 40), (40, 100, 1), (128, 256, 96) })
            {
                var a = Uniform([m, k], -1, 1, dt, m + k);
                var b = Uniform([k, n], -1, 1, dt, k + n);
                AssertClose(a.MatMul(b), a.Cuda().MatMul(b.Cuda()), tol, tol, $"mm {m}x{k}x{n} {dt}");
                AssertClose(b.T().MatMul(a.T()), b.Cuda().T().MatMul(a.Cuda().T()), tol, tol, $"mm transposed {dt}");
                var v = Uniform([k], -1, 1, dt, 3);
                AssertClose(a.MatMul(v), a.Cuda().MatMul(v.Cuda()), tol, tol, $"mv {dt}");
            }
            var ba = Uniform([4, 9, 12], -1, 1, dt, 5);
            var bb = Uniform([12, 6], -1, 1, dt, 6);
            AssertClose(ba.MatMul(bb), ba.Cuda().MatMul(bb.Cuda()), tol, tol, $"batched with broadcast {dt}");
            AssertClose(ba.Bmm(ba.Transpose(1, 2)), ba.Cuda().Bmm(ba.Cuda().Transpose(1, 2)), tol, tol, $"bmm {dt}");
            var c = Uniform([9, 6], -1, 1, dt, 7);
            AssertClose(c.Addmm(ba[0], bb, beta: 0.5, alpha: 2), c.Cuda().Addmm(ba.Cuda()[0], bb.Cuda(), beta: 0.5, alpha: 2), tol, tol, $"addmm {dt}");
        }
        var e = Assert.Throws<NotSupportedException>(() => Torch.Ones(2, 2, dtype: DType.Int64).Cuda().MatMul(Torch.Ones(2, 2, dtype: DType.Int64).Cuda()));
        Assert.Equal("\"addmm_cuda\" not implemented for 'Long'", e.Message);
    }

    [SkippableFact]
    public void CopiesAndCastsMatchTheCpu()
    {
        RequireGpu();
        var src = Uniform([33, 65], -300, 300, DType.Float64, 8);
        src[0, 0] = Torch.Tensor(double.NaN);
        foreach (DType from in KernelCatalog.AllDTypes)
        {
            var x = src.To(from);
            var gx = x.Cuda();
            Assert.Equal(x.ToArray<double>(), gx.Cpu().ToArray<double>());
            AssertClose(x.T().Contiguous(), gx.T().Contiguous(), 0, 0, $"transposed copy {from}");
            AssertClose(x[.., 3..40], gx[.., 3..40].Clone(), 0, 0, $"sliced clone {from}");
            foreach (DType to in KernelCatalog.AllDTypes)
                AssertClose(x.To(to), gx.To(to), 0, 0, $"cast {from} -> {to}");
        }
        // Host to a strided device view, device to device, fills.
        var target = Torch.Zeros(65, 33, device: "cuda").T();
        target.Copy_(src.To(DType.Float32));
        AssertClose(src.To(DType.Float32), target, 0, 0, "host into a transposed view");
        AssertClose(Torch.Full([5, 3], 2.5, dtype: DType.BFloat16), Torch.Full([5, 3], 2.5, dtype: DType.BFloat16, device: "cuda"), 0, 0, "fill");
        var filled = Torch.Zeros(4, 6, dtype: DType.Float64, device: "cuda");
        filled.T().Fill_(-3);
        AssertClose(Torch.Full([4, 6], -3.0, dtype: DType.Float64), filled, 0, 0, "strided fill");
        if (Cuda.DeviceCount() > 1)
        {
            var other = src.Cuda(0).To(new Device(DeviceType.Cuda, 1));
            AssertClose(src, other, 0, 0, "device to device");
        }
    }

    [SkippableFact]
    public void PrimitivesWithoutKernelsRoundTripThroughTheHost()
    {
        RequireGpu();
        var x = Uniform([12, 40], -5, 5, DType.Float32, 9);
        var g = x.Cuda();
        AssertClose(x.Sort(1).Values, g.Sort(1).Values, 0, 0, "sort");
        AssertClose(x.Topk(5, 1).Indices, g.Topk(5, 1).Indices, 0, 0, "topk");
        AssertClose(x.Argmax(1), g.Argmax(1), 0, 0, "argmax");
        AssertClose(x.Cumsum(1), g.Cumsum(1), 1e-5, 1e-5, "cumsum");
        var idx = Torch.Tensor(new long[] { 3, 0, 3, 11 });
        AssertClose(x.IndexSelect(0, idx), g.IndexSelect(0, idx.Cuda()), 0, 0, "index_select");
        AssertClose(x.Gather(1, idx.View(4, 1).Expand(4, 2).Contiguous()), g.Gather(1, idx.Cuda().View(4, 1).Expand(4, 2).Contiguous()), 0, 0, "gather");
        AssertClose(x.Softmax(1), g.Softmax(1), 1e-5, 1e-6, "softmax");
        AssertClose(F.CrossEntropy(x, idx.Remainder(40).Repeat(3)), F.CrossEntropy(g, idx.Cuda().Remainder(40).Repeat(3)), 1e-5, 1e-6, "cross entropy");
        var conv = Uniform([2, 3, 9, 9], -1, 1, DType.Float32, 10);
        var w = Uniform([4, 3, 3, 3], -1, 1, DType.Float32, 11);
        AssertClose(F.Conv2d(conv, w), F.Conv2d(conv.Cuda(), w.Cuda()), 1e-4, 1e-5, "conv2d");
        AssertClose(F.MaxPool2d(conv, 2), F.MaxPool2d(conv.Cuda(), 2), 0, 0, "max_pool2d");
    }

    [SkippableFact]
    public void AFloat16ConvNetRunsOnTheGpuAsPyTorchsCudaKernelsDo()
    {
        RequireGpu();
        var x = Uniform([4, 3, 12, 12], -1, 1, DType.Float32, 31);
        var w1 = Uniform([6, 3, 3, 3], -0.4, 0.4, DType.Float32, 32);
        var b1 = Uniform([6], -0.1, 0.1, DType.Float32, 33);
        var wt = Uniform([6, 2, 2, 2], -0.4, 0.4, DType.Float32, 34);
        var lw = Uniform([5, 2], -0.5, 0.5, DType.Float32, 35);
        var target = Torch.Tensor(new long[] { 0, 3, 1, 4 });
        // Convolution (plain and transposed), max, average and adaptive pooling, then cross entropy.
        static Tensor Loss(Tensor x, Tensor w1, Tensor b1, Tensor wt, Tensor lw, Tensor target)
        {
            var h = F.MaxPool2d(F.Relu(F.Conv2d(x, w1, b1, padding: 1)), 2);
            h = F.AvgPool2d(F.ConvTranspose2d(F.AdaptiveMaxPool2d(h, 3), wt, stride: 2), 2);
            return F.CrossEntropy(F.Linear(F.AdaptiveAvgPool2d(h, 1).Flatten(1), lw), target);
        }
        var half = new[] { x, w1, b1, wt, lw }.Select(t => t.To(DType.Float16)).ToArray();
        Assert.Throws<NotSupportedException>(() => F.Conv2d(half[0], half[1]));
        var cpu = half.Select(t => t.To(DType.Float32).RequiresGrad_()).ToArray();
        var gpu = half.Select(t => t.Cuda().RequiresGrad_()).ToArray();
        var expected = Loss(cpu[0], cpu[1], cpu[2], cpu[3], cpu[4], target);
        var actual = Loss(gpu[0], gpu[1], gpu[2], gpu[3], gpu[4], target.Cuda());
        Assert.Equal(DType.Float16, actual.DType);
        AssertClose(expected.To(DType.Float16), actual, 1e-2, 1e-3, "loss");
        expected.Backward();
        actual.Backward();
        for (int i = 0; i < cpu.Length; i++)
            AssertClose(cpu[i].Grad!.To(DType.Float16), gpu[i].Grad!, 3e-2, 3e-3, $"gradient {i}");
    }

    private sealed class Mlp : Module<Tensor, Tensor>
    {
        public Linear fc1 = new(8, 32), fc2 = new(32, 3);

        public override Tensor Forward(Tensor x) => fc2.Forward(F.Relu(fc1.Forward(x)));
    }

    [SkippableFact]
    public void ATrainingStepOnTheGpuEqualsTheCpuStep()
    {
        RequireGpu();
        Torch.ManualSeed(1);
        var cpu = new Mlp();
        var gpu = (Mlp)cpu.DeepCopy();
        gpu.To(Torch.Device("cuda"));
        Assert.All(gpu.Parameters(), p => Assert.Equal(new Device(DeviceType.Cuda, 0), p.Device));
        var x = Uniform([16, 8], -1, 1, DType.Float32, 12);
        var y = Torch.Randint(0, 3, [16], generator: new Generator().ManualSeed(13));
        foreach (var (model, dev) in new[] { (cpu, Device.CPU), (gpu, Torch.Device("cuda")) })
        {
            var opt = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
            for (int step = 0; step < 3; step++)
            {
                opt.ZeroGrad();
                var loss = F.CrossEntropy(model.Forward(x.To(dev)), y.To(dev));
                loss.Backward();
                opt.Step();
            }
        }
        foreach (var ((name, p), (_, q)) in cpu.NamedParameters().Zip(gpu.NamedParameters()))
            AssertClose(p, q, 1e-4, 1e-6, name);
    }

    [SkippableFact]
    public void TheCachingAllocatorStaysFlatOverATrainingLoop()
    {
        RequireGpu();
        var model = new Mlp();
        model.Cuda();
        var opt = new Adam(model.Parameters(), lr: 1e-3);
        var x = Torch.Randn(64, 8, device: "cuda");
        var y = Torch.Randint(0, 3, [64], device: "cuda");
        long reservedAfterWarmup = 0;
        for (int step = 0; step < 60; step++)
        {
            opt.ZeroGrad();
            F.CrossEntropy(model.Forward(x), y).Backward();
            opt.Step();
            if (step == 10)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                reservedAfterWarmup = Cuda.MemoryReserved();
            }
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.True(Cuda.MemoryReserved() <= reservedAfterWarmup * 2, $"reserved grew from {reservedAfterWarmup} to {Cuda.MemoryReserved()}");
        Assert.True(Cuda.MemoryAllocated() <= Cuda.MemoryReserved());
        Assert.True(Cuda.MaxMemoryAllocated() >= Cuda.MemoryAllocated());
        Cuda.EmptyCache();
        Assert.True(Cuda.MemoryReserved() <= reservedAfterWarmup * 2);
    }

    [SkippableFact]
    public void ScenarioG1OnAGpu()
    {
        RequireGpu();
        Assert.True(Cuda.DeviceCount() >= 1);
        Assert.False(string.IsNullOrEmpty(Cuda.GetDeviceName()));
        Assert.Equal(0, Cuda.CurrentDevice());
        var x = Torch.Tensor(new[] { 1f, 2f }, device: "cuda");
        Assert.Equal(new Device(DeviceType.Cuda, 0), x.Device);
        Assert.Same(x, x.To("cuda"));
        Assert.Same(x, x.To("cuda:0"));
        Assert.Equal("tensor([1., 2.], device='cuda:0')", x.ToString());
        Assert.Equal("tensor([2., 4.], device='cuda:0')", (x * Torch.Tensor(2f)).ToString());
        var e = Assert.Throws<InvalidOperationException>(() => x.Cpu() + x);
        Assert.Equal("Expected all tensors to be on the same device, but found at least two devices, cpu and cuda:0!", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => x.To(new Device(DeviceType.Cuda, Cuda.DeviceCount())));
        Assert.StartsWith("CUDA error: invalid device ordinal", e.Message);
        Cuda.Synchronize();
        Assert.True(Cuda.MemoryAllocated() > 0);
        Cuda.ManualSeed(21);
        var r1 = Torch.Randn(5, device: "cuda").Cpu().ToArray<float>();
        Cuda.ManualSeed(21);
        Assert.Equal(r1, Torch.Randn(5, device: "cuda").Cpu().ToArray<float>());
    }

    [SkippableFact]
    public void DataParallelSplitsTheBatchOverGpusAndSumsGradients()
    {
        RequireGpu();
        Skip.If(Cuda.DeviceCount() < 2, "DataParallel over several GPUs needs two");
        Torch.ManualSeed(2);
        var single = new Mlp();
        var wrapped = new DataParallel((Mlp)single.DeepCopy());
        single.Cuda();
        wrapped.Module.Cuda();
        var x = Uniform([10, 8], -1, 1, DType.Float32, 14).Cuda();
        var ys = single.Forward(x);
        var yp = wrapped.Forward(x);
        AssertClose(ys.Cpu(), yp, 1e-5, 1e-6, "output");
        ys.Sum().Backward();
        yp.Sum().Backward();
        foreach (var ((name, p), (_, q)) in single.NamedParameters().Zip(wrapped.Module.NamedParameters()))
            AssertClose(p.Grad!.Cpu(), q.Grad!, 1e-4, 1e-6, name + ".grad");
    }
}
