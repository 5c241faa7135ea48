namespace Flint.Optim;

/// <summary>
/// RMSprop (<c>torch.optim.RMSprop</c>): <c>v = α·v + (1−α)·g²</c>, optionally centered (subtracting the squared
/// running mean of g) and with momentum; <c>p −= lr · g / (√v + ε)</c>. State: <c>step</c> (an int),
/// <c>square_avg</c>, <c>momentum_buffer</c> (with momentum), <c>grad_avg</c> (centered).
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>
    /// <c>torch.optim.RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
    /// foreach=None, maximize=False, differentiable=False)</c>.
    /// </summary>
    public RMSprop(IEnumerable<Tensor> @params, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
                   double momentum = 0, bool centered = false, bool? @foreach = null, bool maximize = false, bool differentiable = false)
        : base(@params, MakeDefaults(lr, alpha, eps, weightDecay, momentum, centered, @foreach, maximize, differentiable)) { }

    /// <summary>RMSprop over parameter groups; the arguments are the defaults for options a group does not set.</summary>
    public RMSprop(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
                   double momentum = 0, bool centered = false, bool? @foreach = null, bool maximize = false, bool differentiable = false)
        : base(paramGroups, MakeDefaults(lr, alpha, eps, weightDecay, momentum, centered, @foreach, maximize, differentiable)) { }

    private static Dictionary<string, object?> MakeDefaults(double lr, double alpha, double eps, double weightDecay, double momentum,
        bool centered, bool? @foreach, bool maximize, bool differentiable)
    {
        OptionBuilder.Check(lr >= 0, "learning rate", lr);
        OptionBuilder.Check(eps >= 0, "epsilon value", eps);
        OptionBuilder.Check(momentum >= 0, "momentum value", OptionBuilder.IntLike(momentum));
        OptionBuilder.Check(weightDecay >= 0, "weight_decay value", OptionBuilder.IntLike(weightDecay));
        OptionBuilder.Check(alpha >= 0, "alpha value", alpha);
        return new()
        {
            ["lr"] = lr,
            ["momentum"] = OptionBuilder.IntLike(momentum),
            ["alpha"] = alpha,
            ["eps"] = eps,
            ["centered"] = centered,
            ["weight_decay"] = OptionBuilder.IntLike(weightDecay),
            ["foreach"] = @foreach,
            ["maximize"] = maximize,
            ["differentiable"] = differentiable,
        };
    }

    /// <inheritdoc/>
    protected override void OnStateLoaded()
    {
        foreach (var g in ParamGroups)
        {
            g.SetDefault("momentum", 0L);
            g.SetDefault("centered", false);
            g.SetDefault("foreach", null);
            g.SetDefault("maximize", false);
            g.SetDefault("differentiable", false);
        }
    }

    /// <summary>Performs one RMSprop step (<c>optimizer.step(closure)</c>) and returns the closure's loss, if any.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        var loss = EvaluateClosure(closure);
        using var mode = StepGradMode();
        foreach (var group in ParamGroups)
        {
            double lr = group.Lr, alpha = group.GetDouble("alpha"), eps = group.Eps, weightDecay = group.WeightDecay;
            double momentum = group.Momentum;
            bool centered = group.GetBool("centered"), maximize = group.GetBool("maximize"), differentiable = group.GetBool("differentiable");
            foreach (var (p, g) in WithGrads(group))
            {
                if (g.IsSparse) throw new InvalidOperationException("RMSprop does not support sparse gradients");
                var state = State[p];
                if (state.Count == 0)
                {
                    state["step"] = 0L;
                    state["square_avg"] = Torch.ZerosLike(p);
                    if (momentum > 0) state["momentum_buffer"] = Torch.ZerosLike(p);
                    if (centered) state["grad_avg"] = Torch.ZerosLike(p);
                }
                if (differentiable && state["step"] is Tensor) throw new InvalidOperationException("`step` can't be a tensor");
                state["step"] = PyValues.ToLong(state["step"], "step") + 1;
                var squareAvg = (Tensor)state["square_avg"]!;
                var gradAvgState = centered ? (Tensor)state["grad_avg"]! : null;
                var bufState = momentum > 0 ? (Tensor)state["momentum_buffer"]! : null;
                if (FusedStep.Applies(p, g, squareAvg, gradAvgState, bufState))
                {
                    FusedStep.RmsProp(p, g, squareAvg, gradAvgState, bufState, lr, alpha, eps, weightDecay, momentum, maximize);
                    continue;
                }
                var grad = maximize ? g.Neg() : g;
                if (weightDecay != 0) grad = grad.Add(p, weightDecay);
                squareAvg.Mul_(alpha).Addcmul_(grad, grad, 1 - alpha);
                Tensor avg;
                if (centered)
                {
                    var gradAvg = (Tensor)state["grad_avg"]!;
                    gradAvg.Mul_(alpha).Add_(grad, 1 - alpha);
                    avg = squareAvg.Addcmul(gradAvg, gradAvg, -1).Sqrt_();
                }
                else avg = squareAvg.Sqrt();
                avg = differentiable ? avg.Add(eps) : avg.Add_(eps);
                if (momentum > 0)
                {
                    var buf = (Tensor)state["momentum_buffer"]!;
                    buf.Mul_(momentum).Addcdiv_(grad, avg);
                    p.Add_(buf, -lr);
                }
                else p.Addcdiv_(grad, avg, -lr);
            }
        }
        return loss;
    }
}
