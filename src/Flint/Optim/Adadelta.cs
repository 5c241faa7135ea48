namespace Flint.Optim;

/// <summary>
/// Adadelta (<c>torch.optim.Adadelta</c>): running averages of squared gradients and squared updates,
/// <c>Δ = √(u + ε)/√(v + ε) · g; p −= lr·Δ</c>. State: <c>step</c> (an int), <c>square_avg</c>, <c>acc_delta</c>.
/// </summary>
public sealed class Adadelta : Optimizer
{
    /// <summary><c>torch.optim.Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, maximize=False)</c>.</summary>
    public Adadelta(IEnumerable<Tensor> @params, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0,
                    bool? @foreach = null, bool maximize = false)
        : base(@params, MakeDefaults(lr, rho, eps, weightDecay, @foreach, maximize)) { }

    /// <summary>Adadelta over parameter groups; the arguments are the defaults for options a group does not set.</summary>
    public Adadelta(IEnumerable<ParamGroup> paramGroups, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0,
                    bool? @foreach = null, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, rho, eps, weightDecay, @foreach, maximize)) { }

    private static Dictionary<string, object?> MakeDefaults(double lr, double rho, double eps, double weightDecay, bool? @foreach, bool maximize)
    {
        OptionBuilder.Check(lr >= 0, "learning rate", lr);
        OptionBuilder.Check(rho >= 0 && rho <= 1, "rho value", rho);
        OptionBuilder.Check(eps >= 0, "epsilon value", eps);
        OptionBuilder.Check(weightDecay >= 0, "weight_decay value", OptionBuilder.IntLike(weightDecay));
        return new()
        {
            ["lr"] = lr,
            ["rho"] = rho,
            ["eps"] = eps,
            ["weight_decay"] = OptionBuilder.IntLike(weightDecay),
            ["maximize"] = maximize,
            ["foreach"] = @foreach,
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
    }

    /// <summary>Performs one Adadelta step (<c>optimizer.step(closure)</c>) and returns the closure's loss, if any.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        var loss = EvaluateClosure(closure);
        using var mode = Torch.NoGrad();
        foreach (var group in ParamGroups)
        {
            double lr = group.Lr, rho = group.GetDouble("rho"), eps = group.Eps, weightDecay = group.WeightDecay;
            bool maximize = group.GetBool("maximize");
            foreach (var (p, g) in WithGrads(group))
            {
                if (g.IsSparse) throw new InvalidOperationException("Adadelta does not support sparse gradients");
                var state = State[p];
                if (state.Count == 0)
                {
                    state["step"] = 0L;
                    state["square_avg"] = Torch.ZerosLike(p);
                    state["acc_delta"] = Torch.ZerosLike(p);
                }
                var squareAvg = (Tensor)state["square_avg"]!;
                var accDelta = (Tensor)state["acc_delta"]!;
                state["step"] = PyValues.ToLong(state["step"], "step") + 1;
                var grad = maximize ? g.Neg() : g;
                if (weightDecay != 0) grad = grad.Add(p, weightDecay);
                squareAvg.Mul_(rho).Addcmul_(grad, grad, 1 - rho);
                var std = squareAvg.Add(eps).Sqrt_();
                var delta = accDelta.Add(eps).Sqrt_().Div_(std).Mul_(grad);
                accDelta.Mul_(rho).Addcmul_(delta, delta, 1 - rho);
                p.Add_(delta, -lr);
            }
        }
        return loss;
    }
}
