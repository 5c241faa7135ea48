namespace Flint.Optim;

/// <summary>
/// Averaged SGD (<c>torch.optim.ASGD</c>): SGD with a decaying rate <c>η_t = lr / (1 + λ·lr·t)^α</c> and, from step
/// <c>t0</c>, a running average <c>ax</c> of the iterates. State: <c>step</c>, <c>eta</c>, <c>mu</c> (float32 scalar
/// tensors) and <c>ax</c>.
/// </summary>
public sealed class ASGD : Optimizer
{
    /// <summary><c>torch.optim.ASGD(params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None, maximize=False)</c>.</summary>
    public ASGD(IEnumerable<Tensor> @params, double lr = 1e-2, double lambd = 1e-4, double alpha = 0.75, double t0 = 1e6, double weightDecay = 0,
                bool? @foreach = null, bool maximize = false)
        : base(@params, MakeDefaults(lr, lambd, alpha, t0, weightDecay, @foreach, maximize)) { }

    /// <summary>ASGD over parameter groups; the arguments are the defaults for options a group does not set.</summary>
    public ASGD(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double lambd = 1e-4, double alpha = 0.75, double t0 = 1e6,
                double weightDecay = 0, bool? @foreach = null, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, lambd, alpha, t0, weightDecay, @foreach, maximize)) { }

    private static Dictionary<string, object?> MakeDefaults(double lr, double lambd, double alpha, double t0, double weightDecay,
        bool? @foreach, bool maximize)
    {
        OptionBuilder.Check(lr >= 0, "learning rate", lr);
        OptionBuilder.Check(weightDecay >= 0, "weight_decay value", OptionBuilder.IntLike(weightDecay));
        return new()
        {
            ["lr"] = lr,
            ["lambd"] = lambd,
            ["alpha"] = alpha,
            ["t0"] = t0,
            ["weight_decay"] = OptionBuilder.IntLike(weightDecay),
            ["foreach"] = @foreach,
            ["maximize"] = maximize,
        };
    }

    /// <inheritdoc/>
    protected override void OnStateLoaded()
    {
        foreach (var g in ParamGroups)
        {
            g.SetDefault("foreach", null);
            g.SetDefault("maximize", false);
        }
        AdamCore.TensorSteps(this, "eta", "mu");
    }

    /// <summary>Performs one ASGD step (<c>optimizer.step(closure)</c>) and returns the closure's loss, if any.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        var loss = EvaluateClosure(closure);
        using var mode = Torch.NoGrad();
        foreach (var group in ParamGroups)
        {
            double lr = group.Lr, lambd = group.GetDouble("lambd"), alpha = group.GetDouble("alpha"), t0 = group.GetDouble("t0");
            double weightDecay = group.WeightDecay;
            bool maximize = group.GetBool("maximize");
            foreach (var (p, g) in WithGrads(group))
            {
                if (g.IsSparse) throw new InvalidOperationException("ASGD does not support sparse gradients");
                var state = State[p];
                if (state.Count == 0)
                {
                    state["step"] = Torch.Tensor(0.0);
                    state["eta"] = Torch.Tensor(lr);
                    state["mu"] = Torch.Tensor(1.0);
                    state["ax"] = Torch.ZerosLike(p);
                }
                var mu = (Tensor)state["mu"]!;
                var ax = (Tensor)state["ax"]!;
                var eta = (Tensor)state["eta"]!;
                var stepT = (Tensor)state["step"]!;
                var grad = maximize ? g.Neg() : g;
                stepT.Add_(1);
                double step = stepT.Item<double>();
                if (weightDecay != 0) grad = grad.Add(p, weightDecay);
                double etaValue = eta.Item<double>();
                p.Mul_(1 - lambd * etaValue);
                p.Add_(grad, -etaValue);
                if (mu.Item<double>() != 1) ax.Add_(p.Sub(ax).Mul(mu));
                else ax.Copy_(p);
                eta.Copy_(Torch.Tensor(lr / Math.Pow(1 + lambd * lr * step, alpha)));
                mu.Copy_(Torch.Tensor(1 / Math.Max(1, step - t0)));
            }
        }
        return loss;
    }
}
