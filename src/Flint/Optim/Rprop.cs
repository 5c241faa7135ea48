namespace Flint.Optim;

/// <summary>
/// Resilient backpropagation (<c>torch.optim.Rprop</c>): per-element step sizes grow by <c>etaplus</c> while the
/// gradient keeps its sign and shrink by <c>etaminus</c> when it flips (skipping that update), clamped to
/// <c>step_sizes</c>; <c>p −= sign(g) · step</c>. State: <c>step</c> (an int), <c>prev</c>, <c>step_size</c>.
/// </summary>
public sealed class Rprop : Optimizer
{
    /// <summary><c>torch.optim.Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), foreach=None, maximize=False)</c>.</summary>
    public Rprop(IEnumerable<Tensor> @params, double lr = 1e-2, (double, double)? etas = null, (double, double)? stepSizes = null,
                 bool? @foreach = null, bool maximize = false)
        : base(@params, MakeDefaults(lr, etas, stepSizes, @foreach, maximize)) { }

    /// <summary>Rprop over parameter groups; the arguments are the defaults for options a group does not set.</summary>
    public Rprop(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, (double, double)? etas = null, (double, double)? stepSizes = null,
                 bool? @foreach = null, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, etas, stepSizes, @foreach, maximize)) { }

    private static Dictionary<string, object?> MakeDefaults(double lr, (double, double)? etas, (double, double)? stepSizes, bool? @foreach, bool maximize)
    {
        OptionBuilder.Check(lr >= 0, "learning rate", lr);
        var (etaMinus, etaPlus) = etas ?? (0.5, 1.2);
        if (!(0.0 < etaMinus && etaMinus < 1.0 && 1.0 < etaPlus))
            throw new ArgumentException($"Invalid eta values: {PyValues.FloatRepr(etaMinus)}, {PyValues.FloatRepr(etaPlus)}");
        // PyTorch's default step_sizes=(1e-6, 50) holds an int maximum.
        object sizes = stepSizes is { } s ? s : (object)(1e-6, 50L);
        return new()
        {
            ["lr"] = lr,
            ["etas"] = (etaMinus, etaPlus),
            ["step_sizes"] = sizes,
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
    }

    /// <summary>Performs one Rprop step (<c>optimizer.step(closure)</c>) and returns the closure's loss, if any.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        var loss = EvaluateClosure(closure);
        using var mode = Torch.NoGrad();
        foreach (var group in ParamGroups)
        {
            var (etaMinus, etaPlus) = group.GetPair("etas");
            var (stepSizeMin, stepSizeMax) = group.GetPair("step_sizes");
            bool maximize = group.GetBool("maximize");
            foreach (var (p, g) in WithGrads(group))
            {
                if (g.IsSparse) throw new InvalidOperationException("Rprop does not support sparse gradients");
                var state = State[p];
                if (state.Count == 0)
                {
                    state["step"] = 0L;
                    state["prev"] = Torch.ZerosLike(p);
                    state["step_size"] = Torch.FullLike(g, group.Lr);
                }
                state["step"] = PyValues.ToLong(state["step"], "step") + 1;
                var prev = (Tensor)state["prev"]!;
                var stepSize = (Tensor)state["step_size"]!;
                var grad = maximize ? g.Neg() : g;
                var sign = grad.Mul(prev).Sign();
                sign.MaskedFill_(sign.Gt(0), etaPlus);
                sign.MaskedFill_(sign.Lt(0), etaMinus);
                sign.MaskedFill_(sign.Eq(0), 1);
                stepSize.Mul_(sign).Clamp_(stepSizeMin, stepSizeMax);
                grad = grad.Clone();
                grad.MaskedFill_(sign.Eq(etaMinus), 0);
                p.Addcmul_(grad.Sign(), stepSize, -1);
                prev.Copy_(grad);
            }
        }
        return loss;
    }
}
