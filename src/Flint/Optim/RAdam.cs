namespace Flint.Optim;

/// <summary>
/// RAdam (<c>torch.optim.RAdam</c>): Adam with the variance of the adaptive rate rectified; while the approximated
/// SMA length <c>ρ_t ≤ 5</c> it takes plain momentum steps. State: <c>step</c> (float32 scalar tensor), <c>exp_avg</c>,
/// <c>exp_avg_sq</c>.
/// </summary>
public sealed class RAdam : Optimizer
{
    /// <summary><c>torch.optim.RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None)</c>.</summary>
    public RAdam(IEnumerable<Tensor> @params, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0,
                 bool? @foreach = null)
        : base(@params, MakeDefaults(lr, betas, eps, weightDecay, @foreach)) { }

    /// <summary>RAdam over parameter groups; the arguments are the defaults for options a group does not set.</summary>
    public RAdam(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 0, bool? @foreach = null)
        : base(paramGroups, MakeDefaults(lr, betas, eps, weightDecay, @foreach)) { }

    private static Dictionary<string, object?> MakeDefaults(double lr, (double, double)? betas, double eps, double weightDecay, bool? @foreach) => new()
    {
        ["lr"] = lr,
        ["betas"] = AdamCore.CheckCommon(lr, betas, eps, weightDecay),
        ["eps"] = eps,
        ["weight_decay"] = OptionBuilder.IntLike(weightDecay),
        ["foreach"] = @foreach,
    };

    /// <inheritdoc/>
    protected override void OnStateLoaded()
    {
        foreach (var g in ParamGroups) g.SetDefault("foreach", null);
        AdamCore.TensorSteps(this);
    }

    /// <summary>Performs one RAdam step (<c>optimizer.step(closure)</c>) and returns the closure's loss, if any.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        var loss = EvaluateClosure(closure);
        using var mode = Torch.NoGrad();
        foreach (var group in ParamGroups)
        {
            var (beta1, beta2) = group.Betas;
            double lr = group.Lr, eps = group.Eps, weightDecay = group.WeightDecay;
            foreach (var (p, g) in WithGrads(group))
            {
                if (g.IsSparse) throw new InvalidOperationException("RAdam does not support sparse gradients");
                var state = State[p];
                if (state.Count == 0)
                {
                    state["step"] = Torch.Tensor(0.0);
                    state["exp_avg"] = Torch.ZerosLike(p);
                    state["exp_avg_sq"] = Torch.ZerosLike(p);
                }
                var expAvg = (Tensor)state["exp_avg"]!;
                var expAvgSq = (Tensor)state["exp_avg_sq"]!;
                var stepT = (Tensor)state["step"]!;
                stepT.Add_(1);
                double step = stepT.Item<double>();
                double biasCorrection1 = 1 - Math.Pow(beta1, step);
                double biasCorrection2 = 1 - Math.Pow(beta2, step);
                var grad = weightDecay != 0 ? g.Add(p, weightDecay) : g;
                expAvg.Mul_(beta1).Add_(grad, 1 - beta1);
                expAvgSq.Mul_(beta2).Addcmul_(grad, grad, 1 - beta2);
                var biasCorrectedExpAvg = expAvg.Div(biasCorrection1);
                double rhoInf = 2 / (1 - beta2) - 1;
                double rhoT = rhoInf - 2 * step * Math.Pow(beta2, step) / biasCorrection2;
                if (rhoT > 5.0)
                {
                    double rect = Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
                    // math.sqrt(bc2) / tensor is Tensor.__rtruediv__: reciprocal() * number.
                    var adaptiveLr = expAvgSq.Sqrt().Add_(eps).Reciprocal_().Mul_(Math.Sqrt(biasCorrection2));
                    p.Add_(biasCorrectedExpAvg.Mul_(lr).Mul_(adaptiveLr).Mul_(rect), -1.0);
                }
                else p.Add_(biasCorrectedExpAvg.Mul_(lr), -1.0);
            }
        }
        return loss;
    }
}
