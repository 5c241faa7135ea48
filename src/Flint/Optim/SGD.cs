namespace Flint.Optim;

/// <summary>
/// Stochastic gradient descent, optionally with momentum, dampening, Nesterov momentum and weight decay
/// (<c>torch.optim.SGD</c>), following PyTorch's single-tensor update:
/// <c>g = ±grad + wd·p; b = μ·b + (1−τ)·g (b = g on the first step); g = g + μ·b (Nesterov) or b; p −= lr·g</c>.
/// The state per parameter is <c>momentum_buffer</c> (null without momentum, as in PyTorch).
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>
    /// SGD over <paramref name="params"/> (<c>torch.optim.SGD(params, lr, momentum=0, dampening=0, weight_decay=0,
    /// nesterov=False, maximize=False, foreach=None, differentiable=False)</c>). <paramref name="lr"/> is required, as in
    /// PyTorch 1.13, unless every parameter group sets it.
    /// </summary>
    public SGD(IEnumerable<Tensor> @params, double? lr = null, double momentum = 0, double dampening = 0, double weightDecay = 0,
               bool nesterov = false, bool maximize = false, bool? @foreach = null, bool differentiable = false)
        : base(@params, MakeDefaults(lr, momentum, dampening, weightDecay, nesterov, maximize, @foreach, differentiable)) { }

    /// <summary>SGD over parameter groups, each with its own options; the arguments are the defaults.</summary>
    public SGD(IEnumerable<ParamGroup> paramGroups, double? lr = null, double momentum = 0, double dampening = 0, double weightDecay = 0,
               bool nesterov = false, bool maximize = false, bool? @foreach = null, bool differentiable = false)
        : base(paramGroups, MakeDefaults(lr, momentum, dampening, weightDecay, nesterov, maximize, @foreach, differentiable)) { }

    private static Dictionary<string, object?> MakeDefaults(double? lr, double momentum, double dampening, double weightDecay,
        bool nesterov, bool maximize, bool? @foreach, bool differentiable)
    {
        if (lr is { } l) OptionBuilder.Check(l >= 0, "learning rate", l);
        OptionBuilder.Check(momentum >= 0, "momentum value", OptionBuilder.IntLike(momentum));
        OptionBuilder.Check(weightDecay >= 0, "weight_decay value", OptionBuilder.IntLike(weightDecay));
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
        return new()
        {
            ["lr"] = lr is { } v ? v : Required,
            ["momentum"] = OptionBuilder.IntLike(momentum),
            ["dampening"] = OptionBuilder.IntLike(dampening),
            ["weight_decay"] = OptionBuilder.IntLike(weightDecay),
            ["nesterov"] = nesterov,
            ["maximize"] = maximize,
            ["foreach"] = @foreach,
            ["differentiable"] = differentiable,
        };
    }

    /// <inheritdoc/>
    protected override void OnStateLoaded()
    {
        foreach (var g in ParamGroups)
        {
            g.SetDefault("nesterov", false);
            g.SetDefault("maximize", false);
            g.SetDefault("foreach", null);
            g.SetDefault("differentiable", false);
        }
    }

    /// <summary>Performs one SGD step (<c>optimizer.step(closure)</c>) and returns the closure's loss, if any.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        var loss = EvaluateClosure(closure);
        using var mode = StepGradMode();
        foreach (var group in ParamGroups)
        {
            double weightDecay = group.GetDouble("weight_decay"), momentum = group.GetDouble("momentum");
            double lr = group.GetDouble("lr"), dampening = group.GetDouble("dampening");
            bool nesterov = group.GetBool("nesterov"), maximize = group.GetBool("maximize");
            foreach (var (p, grad) in WithGrads(group))
            {
                var state = State[p];
                var buf = state.TryGetValue("momentum_buffer", out var b) ? b as Tensor : null;
                if (grad.IsSparse)
                {
                    if (weightDecay != 0 || momentum != 0)
                        throw new InvalidOperationException(
                            "SGD supports sparse gradients only without momentum and weight decay in Flint");
                    SparseOps.AddRows_(p, grad, maximize ? lr : -lr);
                    state["momentum_buffer"] = buf;
                    continue;
                }
                if (FusedStep.Applies(p, grad, buf))
                {
                    bool newBuf = momentum != 0 && buf is null;
                    if (newBuf) buf = Torch.EmptyLike(p);
                    FusedStep.Sgd(p, grad, momentum != 0 ? buf : null, newBuf, lr, momentum, dampening, weightDecay, nesterov, maximize);
                    state["momentum_buffer"] = buf;
                    continue;
                }
                var dp = maximize ? grad.Neg() : grad;
                if (weightDecay != 0) dp = dp.Add(p, weightDecay);
                if (momentum != 0)
                {
                    if (buf is null) buf = Torch.Clone(dp).Detach();
                    else buf.Mul_(momentum).Add_(dp, 1 - dampening);
                    dp = nesterov ? dp.Add(buf, momentum) : buf;
                }
                p.Add_(dp, -lr);
                state["momentum_buffer"] = buf;
            }
        }
        return loss;
    }
}
