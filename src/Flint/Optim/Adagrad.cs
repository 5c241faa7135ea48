namespace Flint.Optim;

/// <summary>
/// Adagrad (<c>torch.optim.Adagrad</c>): <c>s += g²; p −= lr/(1 + (t−1)·lr_decay) · g / (√s + ε)</c>. State, created
/// when a group joins (as PyTorch's constructor does): <c>step</c> (float32 scalar tensor) and <c>sum</c> (filled with
/// <c>initial_accumulator_value</c>). Row-sparse gradients update only their rows.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>
    /// <c>torch.optim.Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
    /// foreach=None, *, maximize=False)</c>.
    /// </summary>
    public Adagrad(IEnumerable<Tensor> @params, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0,
                   double eps = 1e-10, bool? @foreach = null, bool maximize = false)
        : base(@params, MakeDefaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, @foreach, maximize)) { }

    /// <summary>Adagrad over parameter groups; the arguments are the defaults for options a group does not set.</summary>
    public Adagrad(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
                   double initialAccumulatorValue = 0, double eps = 1e-10, bool? @foreach = null, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, @foreach, maximize)) { }

    private static Dictionary<string, object?> MakeDefaults(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue,
        double eps, bool? @foreach, bool maximize)
    {
        OptionBuilder.Check(lr >= 0, "learning rate", lr);
        OptionBuilder.Check(lrDecay >= 0, "lr_decay value", OptionBuilder.IntLike(lrDecay));
        OptionBuilder.Check(weightDecay >= 0, "weight_decay value", OptionBuilder.IntLike(weightDecay));
        OptionBuilder.Check(initialAccumulatorValue >= 0, "initial_accumulator_value value", OptionBuilder.IntLike(initialAccumulatorValue));
        OptionBuilder.Check(eps >= 0, "epsilon value", eps);
        return new()
        {
            ["lr"] = lr,
            ["lr_decay"] = OptionBuilder.IntLike(lrDecay),
            ["eps"] = eps,
            ["weight_decay"] = OptionBuilder.IntLike(weightDecay),
            ["initial_accumulator_value"] = OptionBuilder.IntLike(initialAccumulatorValue),
            ["foreach"] = @foreach,
            ["maximize"] = maximize,
        };
    }

    /// <summary>Creates each new parameter's <c>step</c> and <c>sum</c>, as PyTorch's constructor does for its groups.</summary>
    protected override void OnParamGroupAdded(ParamGroup group)
    {
        double init = group.GetDouble("initial_accumulator_value");
        foreach (var p in group.Params)
        {
            var state = State[p];
            state["step"] = Torch.Tensor(0.0);
            state["sum"] = Torch.FullLike(p, init);
        }
    }

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

    /// <summary>Performs one Adagrad step (<c>optimizer.step(closure)</c>) and returns the closure's loss, if any.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        var loss = EvaluateClosure(closure);
        using var mode = Torch.NoGrad();
        foreach (var group in ParamGroups)
        {
            double lr = group.Lr, weightDecay = group.WeightDecay, lrDecay = group.GetDouble("lr_decay"), eps = group.Eps;
            bool maximize = group.GetBool("maximize");
            foreach (var (p, g) in WithGrads(group))
            {
                var state = State[p];
                var stateSum = (Tensor)state["sum"]!;
                var stepT = (Tensor)state["step"]!;
                stepT.Add_(1);
                double step = stepT.Item<double>();
                double clr = lr / (1 + (step - 1) * lrDecay);
                if (FusedStep.Applies(p, g, stateSum))
                {
                    FusedStep.Adagrad(p, g, stateSum, clr, eps, weightDecay, maximize);
                    continue;
                }
                var grad = maximize ? SparseOps.Neg(g) : g;
                if (weightDecay != 0)
                {
                    if (grad.IsSparse) throw new InvalidOperationException("weight_decay option is not compatible with sparse gradients");
                    grad = grad.Add(p, weightDecay);
                }
                if (grad.IsSparse)
                {
                    var c = grad.Coalesce();
                    var rows = c.Indices().Reshape(-1);
                    var values = c.Values();
                    SparseOps.AddToRows_(stateSum, rows, values.Mul(values));
                    var stdValues = SparseOps.GatherRows(stateSum, rows).Sqrt_().Add_(eps);
                    SparseOps.AddToRows_(p, rows, values.Div(stdValues), -clr);
                }
                else
                {
                    stateSum.Addcmul_(grad, grad, 1);
                    var std = stateSum.Sqrt().Add_(eps);
                    p.Addcdiv_(grad, std, -clr);
                }
            }
        }
        return loss;
    }
}
