namespace Flint.Optim;

/// <summary>
/// NAdam (<c>torch.optim.NAdam</c>): Adam with Nesterov momentum and a momentum schedule
/// <c>μ_t = β1·(1 − 0.5·0.96^(t·ψ))</c>. State: <c>step</c> and <c>mu_product</c> (float32 scalar tensors),
/// <c>exp_avg</c>, <c>exp_avg_sq</c>.
/// </summary>
public sealed class NAdam : Optimizer
{
    /// <summary><c>torch.optim.NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3, foreach=None)</c>.</summary>
    public NAdam(IEnumerable<Tensor> @params, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0,
                 double momentumDecay = 4e-3, bool? @foreach = null)
        : base(@params, MakeDefaults(lr, betas, eps, weightDecay, momentumDecay, @foreach)) { }

    /// <summary>NAdam over parameter groups; the arguments are the defaults for options a group does not set.</summary>
    public NAdam(IEnumerable<ParamGroup> paramGroups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 0, double momentumDecay = 4e-3, bool? @foreach = null)
        : base(paramGroups, MakeDefaults(lr, betas, eps, weightDecay, momentumDecay, @foreach)) { }

    private static Dictionary<string, object?> MakeDefaults(double lr, (double, double)? betas, double eps, double weightDecay,
        double momentumDecay, bool? @foreach)
    {
        var b = AdamCore.CheckCommon(lr, betas, eps, weightDecay);
        OptionBuilder.Check(momentumDecay >= 0, "momentum_decay value", momentumDecay);
        return new()
        {
            ["lr"] = lr,
            ["betas"] = b,
            ["eps"] = eps,
            ["weight_decay"] = OptionBuilder.IntLike(weightDecay),
            ["momentum_decay"] = momentumDecay,
            ["foreach"] = @foreach,
        };
    }

    /// <inheritdoc/>
    protected override void OnStateLoaded()
    {
        foreach (var g in ParamGroups) g.SetDefault("foreach", null);
        AdamCore.TensorSteps(this, "mu_product");
    }

    /// <summary>Performs one NAdam step (<c>optimizer.step(closure)</c>) and returns the closure's loss, if any.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        var loss = EvaluateClosure(closure);
        using var mode = Torch.NoGrad();
        foreach (var group in ParamGroups)
        {
            var (beta1, beta2) = group.Betas;
            double lr = group.Lr, eps = group.Eps, weightDecay = group.WeightDecay, momentumDecay = group.GetDouble("momentum_decay");
            foreach (var (p, g) in WithGrads(group))
            {
                if (g.IsSparse) throw new InvalidOperationException("NAdam does not support sparse gradients");
                var state = State[p];
                if (state.Count == 0)
                {
                    state["step"] = Torch.Tensor(0.0);
                    state["mu_product"] = Torch.Tensor(1.0);
                    state["exp_avg"] = Torch.ZerosLike(p);
                    state["exp_avg_sq"] = Torch.ZerosLike(p);
                }
                var expAvg = (Tensor)state["exp_avg"]!;
                var expAvgSq = (Tensor)state["exp_avg_sq"]!;
                var muProduct = (Tensor)state["mu_product"]!;
                var stepT = (Tensor)state["step"]!;
                stepT.Add_(1);
                double step = stepT.Item<double>();
                double biasCorrection2 = 1 - Math.Pow(beta2, step);
                var grad = weightDecay != 0 ? g.Add(p, weightDecay) : g;
                double mu = beta1 * (1.0 - 0.5 * Math.Pow(0.96, step * momentumDecay));
                double muNext = beta1 * (1.0 - 0.5 * Math.Pow(0.96, (step + 1) * momentumDecay));
                muProduct.Mul_(mu);
                var muProductNext = muProduct.Mul(mu).Mul(muNext);
                expAvg.Mul_(beta1).Add_(grad, 1 - beta1);
                expAvgSq.Mul_(beta2).Addcmul_(grad, grad, 1 - beta2);
                var denom = expAvgSq.Div(biasCorrection2).Sqrt_().Add_(eps);
                p.Addcdiv_(grad, denom, -lr * (1.0 - mu) / (1.0 - muProduct.Item<double>()));
                p.Addcdiv_(expAvg, denom, -lr * muNext / (1.0 - muProductNext.Item<double>()));
            }
        }
        return loss;
    }
}
