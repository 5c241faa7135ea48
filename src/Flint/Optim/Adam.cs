namespace Flint.Optim;

/// <summary>
/// Adam (<c>torch.optim.Adam</c>): running averages of the gradient and its square with bias correction,
/// <c>p −= lr/(1−β1^t) · m / (√v / √(1−β2^t) + ε)</c>, with optional L2 weight decay, AMSGrad and maximization.
/// State per parameter: <c>step</c> (a float32 scalar tensor, as in PyTorch 1.13), <c>exp_avg</c>, <c>exp_avg_sq</c>
/// and, with AMSGrad, <c>max_exp_avg_sq</c>. With <c>differentiable: true</c> the step runs with autograd on and computes
/// the bias corrections as tensors, as PyTorch does; <c>capturable</c> and <c>fused</c> need CUDA parameters.
/// </summary>
public sealed class Adam : Optimizer
{
    /// <summary>
    /// <c>torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
    /// foreach=None, maximize=False, capturable=False, differentiable=False, fused=False)</c>.
    /// </summary>
    public Adam(IEnumerable<Tensor> @params, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0,
                bool amsgrad = false, bool? @foreach = null, bool maximize = false, bool capturable = false, bool differentiable = false,
                bool fused = false)
        : base(@params, MakeDefaults(lr, betas, eps, weightDecay, amsgrad, @foreach, maximize, capturable, differentiable, fused)) => CheckFused();

    /// <summary>Adam over parameter groups; the arguments are the defaults for options a group does not set.</summary>
    public Adam(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false, bool? @foreach = null, bool maximize = false, bool capturable = false,
                bool differentiable = false, bool fused = false)
        : base(paramGroups, MakeDefaults(lr, betas, eps, weightDecay, amsgrad, @foreach, maximize, capturable, differentiable, fused)) => CheckFused();

    private static Dictionary<string, object?> MakeDefaults(double lr, (double, double)? betas, double eps, double weightDecay,
        bool amsgrad, bool? @foreach, bool maximize, bool capturable, bool differentiable, bool fused) => new()
    {
        ["lr"] = lr,
        ["betas"] = AdamCore.CheckCommon(lr, betas, eps, weightDecay),
        ["eps"] = eps,
        ["weight_decay"] = OptionBuilder.IntLike(weightDecay),
        ["amsgrad"] = amsgrad,
        ["maximize"] = maximize,
        ["foreach"] = @foreach,
        ["capturable"] = capturable,
        ["differentiable"] = differentiable,
        ["fused"] = fused,
    };

    private void CheckFused()
    {
        if (!PyValues.ToBool(Defaults["fused"], "fused")) return;
        if (PyValues.ToBool(Defaults["differentiable"], "differentiable"))
            throw new InvalidOperationException("`fused` cannot be `differentiable`");
        foreach (var g in ParamGroups)
            foreach (var p in g.Params)
                if (!(p.IsCuda && p.IsFloatingPoint()))
                    throw new InvalidOperationException("FusedAdam requires all the params to be CUDA, floating point");
    }

    /// <inheritdoc/>
    protected override void OnStateLoaded()
    {
        foreach (var g in ParamGroups)
        {
            g.SetDefault("amsgrad", false);
            g.SetDefault("maximize", false);
            g.SetDefault("foreach", null);
            g.SetDefault("capturable", false);
            g.SetDefault("differentiable", false);
            g.SetDefault("fused", false);
        }
        AdamCore.TensorSteps(this);
    }

    /// <summary>Performs one Adam step (<c>optimizer.step(closure)</c>) and returns the closure's loss, if any.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        var loss = EvaluateClosure(closure);
        using var mode = StepGradMode();
        foreach (var group in ParamGroups) AdamCore.Step(this, group, decoupled: false);
        return loss;
    }
}

/// <summary>
/// AdamW (<c>torch.optim.AdamW</c>): Adam with decoupled weight decay, <c>p ← p·(1 − lr·λ)</c> before the Adam update.
/// The state is Adam's.
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary>
    /// <c>torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
    /// maximize=False, foreach=None, capturable=False)</c>.
    /// </summary>
    public AdamW(IEnumerable<Tensor> @params, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 1e-2,
                 bool amsgrad = false, bool maximize = false, bool? @foreach = null, bool capturable = false)
        : base(@params, MakeDefaults(lr, betas, eps, weightDecay, amsgrad, maximize, @foreach, capturable)) { }

    /// <summary>AdamW over parameter groups; the arguments are the defaults for options a group does not set.</summary>
    public AdamW(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false, bool? @foreach = null, bool capturable = false)
        : base(paramGroups, MakeDefaults(lr, betas, eps, weightDecay, amsgrad, maximize, @foreach, capturable)) { }

    private static Dictionary<string, object?> MakeDefaults(double lr, (double, double)? betas, double eps, double weightDecay,
        bool amsgrad, bool maximize, bool? @foreach, bool capturable) => new()
    {
        ["lr"] = lr,
        ["betas"] = AdamCore.CheckCommon(lr, betas, eps, weightDecay),
        ["eps"] = eps,
        ["weight_decay"] = weightDecay,
        ["amsgrad"] = amsgrad,
        ["foreach"] = @foreach,
        ["maximize"] = maximize,
        ["capturable"] = capturable,
    };

    /// <inheritdoc/>
    protected override void OnStateLoaded()
    {
        foreach (var g in ParamGroups)
        {
            g.SetDefault("amsgrad", false);
            g.SetDefault("maximize", false);
            g.SetDefault("foreach", null);
            g.SetDefault("capturable", false);
        }
        AdamCore.TensorSteps(this);
    }

    /// <summary>Performs one AdamW step (<c>optimizer.step(closure)</c>) and returns the closure's loss, if any.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        var loss = EvaluateClosure(closure);
        using var mode = Torch.NoGrad();
        foreach (var group in ParamGroups) AdamCore.Step(this, group, decoupled: true);
        return loss;
    }
}
