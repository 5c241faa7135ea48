using Flint.Optim;

namespace Flint.Tests.Optim;

/// <summary>
/// The one-pass CPU updates (FusedStep) against the tensor-op path, which the parity fixtures check against PyTorch:
/// the same optimizer runs on a contiguous parameter (fused) and on a transposed copy of it (non-contiguous, so every
/// update goes through tensor ops) with the same gradients. The parameters have an odd number of elements, some large
/// enough to be split over threads, so vector bodies, chunk edges and scalar tails are all exercised. Parameters, state and
/// version counters must agree.
/// </summary>
[Collection("DefaultGenerator")]
public class FusedStepTests
{
    private static readonly Dictionary<string, Func<Tensor, Optimizer>> Makers = new()
    {
        ["sgd"] = p => new SGD([p], lr: 0.1),
        ["sgd_wd_maximize"] = p => new SGD([p], lr: 0.1, weightDecay: 0.01, maximize: true),
        ["sgd_momentum_dampening"] = p => new SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.02),
        ["sgd_nesterov"] = p => new SGD([p], lr: 0.05, momentum: 0.8, nesterov: true),
        ["adam"] = p => new Adam([p], lr: 0.01),
        ["adam_all"] = p => new Adam([p], lr: 0.01, betas: (0.8, 0.99), eps: 1e-6, weightDecay: 0.1, amsgrad: true, maximize: true),
        ["adamw"] = p => new AdamW([p], lr: 0.01),
        ["adamw_amsgrad"] = p => new AdamW([p], lr: 0.02, weightDecay: 0.05, amsgrad: true),
        ["rmsprop"] = p => new RMSprop([p], lr: 0.01),
        ["rmsprop_momentum"] = p => new RMSprop([p], lr: 0.01, momentum: 0.5, maximize: true),
        ["rmsprop_all"] = p => new RMSprop([p], lr: 0.01, alpha: 0.9, eps: 1e-6, weightDecay: 0.1, momentum: 0.5, centered: true, maximize: true),
        ["adagrad"] = p => new Adagrad([p], lr: 0.1),
        ["adagrad_all"] = p => new Adagrad([p], lr: 0.1, lrDecay: 0.01, weightDecay: 0.1, eps: 1e-8, maximize: true),
    };

    // Every case on 257 x 263 (one thread); a rich case of each optimizer also on 719 x 733, which is over twice the
    // per-thread grain, so the update is split in two. The large RMSprop run is neither centered nor weight-decayed:
    // √(s − c²) and d = −g + wd·p cancel somewhere among half a million random elements, where one rounding of
    // difference between the paths (a fused multiply-add or not) is magnified past any fixed tolerance.
    public static IEnumerable<object[]> Cases =>
        (from name in Makers.Keys from dtype in new[] { DType.Float32, DType.Float64 } select new object[] { name, dtype, 257, 263 })
        .Concat(from name in new[] { "sgd_momentum_dampening", "adam_all", "adamw_amsgrad", "rmsprop_momentum", "adagrad_all" }
                select new object[] { name, DType.Float32, 719, 733 });

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedUpdateMatchesTensorOps(string name, DType dtype, int rows, int cols)
    {
        Torch.ManualSeed(7);
        var init = Torch.Randn([rows, cols], dtype: dtype);
        var fused = init.Clone().RequiresGrad_();
        var ops = init.T().Contiguous().T().RequiresGrad_();
        Assert.True(fused.IsContiguous());
        Assert.False(ops.IsContiguous());
        var optFused = Makers[name](fused);
        var optOps = Makers[name](ops);
        // Centered RMSprop divides by √(s − c²), which cancels where s ≈ c²: one rounding of difference between the
        // paths (a fused multiply-add in one, separate ones in the other) grows there, most in float32.
        double tol = dtype == DType.Float32 ? name == "rmsprop_all" ? 1e-4 : 1e-5 : 1e-12;
        for (int step = 0; step < 2; step++)
        {
            var g = Torch.Randn([rows, cols], dtype: dtype);
            fused.Grad = g;
            ops.Grad = g.Clone();
            optFused.Step();
            optOps.Step();
            OptimValues.AssertTensorClose(ops, fused, tol, $"{name} step {step + 1}");
            Assert.Equal(ops.Version, fused.Version);
        }
        var stateOps = optOps.State[ops];
        var stateFused = optFused.State[fused];
        Assert.Equal(stateOps.Keys.Order(), stateFused.Keys.Order());
        foreach (var (key, value) in stateOps)
        {
            if (value is not Tensor t || t.Numel() == 1) continue;
            var f = (Tensor)stateFused[key]!;
            Assert.True(f.IsContiguous(), key);
            OptimValues.AssertTensorClose(t, f, tol, $"{name} state {key}");
            Assert.Equal(t.Version, f.Version);
        }
    }

    [Fact]
    public void DifferentiableStepKeepsTheTensorOpPath()
    {
        // differentiable=True runs the update under autograd, which a fused pass would bypass: PyTorch (and the op
        // path) refuse the in-place update of a leaf that requires grad.
        var p = Torch.Randn(40).RequiresGrad_();
        p.Grad = Torch.Ones(40);
        var opt = new SGD([p], lr: 0.1, momentum: 0.9, differentiable: true);
        var e = Assert.Throws<InvalidOperationException>(() => opt.Step());
        Assert.Equal("a leaf Variable that requires grad is being used in an in-place operation.", e.Message);
    }
}
