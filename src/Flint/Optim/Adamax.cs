namespace Flint.Optim;

/// <summary>
/// Adamax (<c>torch.optim.Adamax</c>), Adam's infinity-norm variant: <c>u = max(β2·u, |g| + ε)</c>,
/// <c>p −= lr/(1−β1^t) · m / u</c>. State: <c>step</c> (float32 scalar tensor), <c>exp_avg</c>, <c>exp_inf</c>.
/// </summary>
public sealed class Adamax : Optimizer
{
    /// <summary><c>torch.optim.Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *, maximize=False)</c>.</summary>
    public Adamax(IEnumerable<Tensor> @params, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0,
                  bool? @foreach = null, bool maximize = false)
        : base(@params, MakeDefaults(lr, betas, eps, weightDecay, @foreach, maximize)) { }

    /// <summary>Adamax over parameter groups; the arguments are the defaults for options a group does not set.</summary>
    public Adamax(IEnumerable<ParamGroup> paramGroups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
                  double weightDecay = 0, bool? @foreach = null, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, betas, eps, weightDecay, @foreach, maximize)) { }

    private static Dictionary<string, object?> MakeDefaults(double lr, (double, double)? betas, double eps, double weightDecay,
        bool? @foreach, bool maximize) => new()
    {
        ["lr"] = lr,
        ["betas"] = AdamCore.CheckCommon(lr, betas, eps, weightDecay),
        ["eps"] = eps,
        ["weight_decay"] = OptionBuilder.IntLike(weightDecay),
        ["foreach"] = @foreach,
        ["maximize"] = maximize,
    };

    /// <inheritdoc/>
    protected override void OnStateLoaded()
    {
        foreach (var g in ParamGroups)
        {
            g.SetDefault("foreach", null);
            g.SetDefault("maximize", false);
        }
        AdamCore.TensorSteps(this);
    }

    /// <summary>Performs one Adamax step (<c>optimizer.step(closure)</c>) and returns the closure's loss, if any.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        var loss = EvaluateClosure(closure);
        using var mode = Torch.NoGrad();
        foreach (var group in ParamGroups)
        {
            var (beta1, beta2) = group.Betas;
            double eps = group.Eps, lr = group.Lr, weightDecay = group.WeightDecay;
            bool maximize = group.GetBool("maximize");
            foreach (var (p, g) in WithGrads(group))
            {
                if (g.IsSparse) throw new InvalidOperationException("Adamax does not support sparse gradients");
                var state = State[p];
                if (state.Count == 0)
                {
                    state["step"] = Torch.Tensor(0.0);
                    state["exp_avg"] = Torch.ZerosLike(p);
                    state["exp_inf"] = Torch.ZerosLike(p);
                }
                var expAvg = (Tensor)state["exp_avg"]!;
                var expInf = (Tensor)state["exp_inf"]!;
                var stepT = (Tensor)state["step"]!;
                var grad = maximize ? g.Neg() : g;
                stepT.Add_(1);
                double step = stepT.Item<double>();
                if (weightDecay != 0) grad = grad.Add(p, weightDecay);
                expAvg.Mul_(beta1).Add_(grad, 1 - beta1);
                // torch.amax(cat([exp_inf * beta2, |g| + eps]), 0): the elementwise maximum of the two.
                expInf.Mul_(beta2);
                expInf.Copy_(expInf.Maximum(grad.Abs().Add_(eps)));
                double clr = lr / (1 - Math.Pow(beta1, step));
                p.Addcdiv_(expAvg, expInf, -clr);
            }
        }
        return loss;
    }
}
