namespace Flint.Optim;

/// <summary>
/// Adam for row-sparse gradients (<c>torch.optim.SparseAdam</c>), such as <c>Embedding(sparse: true)</c> produces:
/// only the rows present in the gradient have their moments and values updated ("lazy Adam"). State: <c>step</c>
/// (an int), <c>exp_avg</c>, <c>exp_avg_sq</c>. A dense gradient fails with PyTorch's error.
/// </summary>
public sealed class SparseAdam : Optimizer
{
    /// <summary><c>torch.optim.SparseAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False)</c>.</summary>
    public SparseAdam(IEnumerable<Tensor> @params, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, bool maximize = false)
        : base(CheckDense(@params), MakeDefaults(lr, betas, eps, maximize)) { }

    /// <summary>SparseAdam over parameter groups; the arguments are the defaults for options a group does not set.</summary>
    public SparseAdam(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, bool maximize = false)
        : base(CheckDense(paramGroups), MakeDefaults(lr, betas, eps, maximize)) { }

    private static Dictionary<string, object?> MakeDefaults(double lr, (double, double)? betas, double eps, bool maximize)
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
        OptionBuilder.Check(lr > 0, "learning rate", lr);
        OptionBuilder.Check(eps > 0, "epsilon value", eps);
        OptionBuilder.Check(b1 >= 0 && b1 < 1, "beta parameter at index 0", b1);
        OptionBuilder.Check(b2 >= 0 && b2 < 1, "beta parameter at index 1", b2);
        return new() { ["lr"] = lr, ["betas"] = (b1, b2), ["eps"] = eps, ["maximize"] = maximize };
    }

    private static List<Tensor> CheckDense(IEnumerable<Tensor> ps)
    {
        var list = ps.ToList();
        var bad = list.Select((p, i) => (p, i)).Where(x => x.p.IsSparse).Select(x => x.i.ToString()).ToList();
        if (bad.Count > 0)
            throw new ArgumentException($"Sparse params at indices [{string.Join(", ", bad)}]: SparseAdam requires dense parameter tensors");
        return list;
    }

    private static List<ParamGroup> CheckDense(IEnumerable<ParamGroup> groups)
    {
        var list = groups.ToList();
        var bad = new List<string>();
        for (int i = 0; i < list.Count; i++)
            for (int j = 0; j < list[i].Params.Count; j++)
                if (list[i].Params[j].IsSparse) bad.Add($"[{i}, {j}]");
        if (bad.Count > 0)
            throw new ArgumentException($"Sparse params at indices [{string.Join(", ", bad)}]: SparseAdam requires dense parameter tensors");
        return list;
    }

    /// <summary>Performs one SparseAdam step (<c>optimizer.step(closure)</c>) and returns the closure's loss, if any.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        var loss = EvaluateClosure(closure);
        using var mode = Torch.NoGrad();
        foreach (var group in ParamGroups)
        {
            double eps = group.Eps, lr = group.Lr;
            var (beta1, beta2) = group.Betas;
            bool maximize = group.TryGetValue("maximize", out var m) && PyValues.ToBool(m, "maximize");
            foreach (var (p, g) in WithGrads(group))
            {
                if (!g.IsSparse)
                    throw new InvalidOperationException("SparseAdam does not support dense gradients, please consider Adam instead");
                var state = State[p];
                if (state.Count == 0)
                {
                    state["step"] = 0L;
                    state["exp_avg"] = Torch.ZerosLike(p);
                    state["exp_avg_sq"] = Torch.ZerosLike(p);
                }
                var expAvg = (Tensor)state["exp_avg"]!;
                var expAvgSq = (Tensor)state["exp_avg_sq"]!;
                long step = PyValues.ToLong(state["step"], "step") + 1;
                state["step"] = step;
                // The update is non-linear, so duplicate rows are summed first.
                var grad = (maximize ? SparseOps.Neg(g) : g).Coalesce();
                var rows = grad.Indices().Reshape(-1);
                var values = grad.Values();
                // old <- b * old + (1 - b) * new, written as old += (1 - b) * (new - old) on the gradient's rows.
                var oldExpAvg = SparseOps.GatherRows(expAvg, rows);
                var expAvgUpdate = values.Sub(oldExpAvg).Mul_(1 - beta1);
                SparseOps.AddToRows_(expAvg, rows, expAvgUpdate);
                var oldExpAvgSq = SparseOps.GatherRows(expAvgSq, rows);
                var expAvgSqUpdate = values.Pow(2).Sub_(oldExpAvgSq).Mul_(1 - beta2);
                SparseOps.AddToRows_(expAvgSq, rows, expAvgSqUpdate);
                var numer = expAvgUpdate.Add_(oldExpAvg);
                expAvgSqUpdate.Add_(oldExpAvgSq);
                var denom = expAvgSqUpdate.Sqrt_().Add_(eps);
                double biasCorrection1 = 1 - Math.Pow(beta1, step);
                double biasCorrection2 = 1 - Math.Pow(beta2, step);
                double stepSize = lr * Math.Sqrt(biasCorrection2) / biasCorrection1;
                SparseOps.AddToRows_(p, rows, numer.Div_(denom).Mul(-stepSize));
            }
        }
        return loss;
    }
}
