namespace Flint.Optim;

/// <summary>The update rule Adam and AdamW share (PyTorch's <c>_single_tensor_adam</c> / <c>_single_tensor_adamw</c>).</summary>
internal static class AdamCore
{
    /// <summary>
    /// One step of every parameter of <paramref name="group"/> with a gradient. <paramref name="decoupled"/> selects
    /// AdamW (weight decay applied to the parameter) over Adam (added to the gradient).
    /// </summary>
    public static void Step(Optimizer opt, ParamGroup group, bool decoupled)
    {
        var (beta1, beta2) = group.Betas;
        double lr = group.Lr, eps = group.Eps, weightDecay = group.WeightDecay;
        bool amsgrad = group.GetBool("amsgrad"), maximize = group.GetBool("maximize");
        bool capturable = group.GetBool("capturable");
        bool differentiable = group.TryGetValue("differentiable", out var d) && PyValues.ToBool(d, "differentiable");
        foreach (var p in group.Params)
        {
            if (p.Grad is not { } g) continue;
            if (g.IsSparse)
                throw new InvalidOperationException(decoupled
                    ? "AdamW does not support sparse gradients"
                    : "Adam does not support sparse gradients, please consider SparseAdam instead");
            var state = opt.State[p];
            if (state.Count == 0)
            {
                bool tensorStep = PyValues.ToBool(opt.Defaults["capturable"], "capturable")
                                  || (!decoupled && PyValues.ToBool(opt.Defaults["fused"], "fused"));
                state["step"] = tensorStep
                    ? Torch.Zeros([1], DType.Float32, p.Device)
                    : Torch.Tensor(0.0);
                state["exp_avg"] = Torch.ZerosLike(p);
                state["exp_avg_sq"] = Torch.ZerosLike(p);
                if (amsgrad) state["max_exp_avg_sq"] = Torch.ZerosLike(p);
            }
            var expAvg = (Tensor)state["exp_avg"]!;
            var expAvgSq = (Tensor)state["exp_avg_sq"]!;
            var stepT = (Tensor)state["step"]!;
            var maxExpAvgSq = amsgrad ? (Tensor)state["max_exp_avg_sq"]! : null;
            if (capturable && !(p.IsCuda && stepT.IsCuda))
                throw new InvalidOperationException("If capturable=True, params and state_steps must be CUDA tensors.");
            if (!capturable && FusedStep.Applies(p, g, expAvg, expAvgSq, maxExpAvgSq))
            {
                stepT.Add_(1);
                var (stepSize, biasCorrection2Sqrt) = BiasCorrections(lr, beta1, beta2, stepT.Item<double>());
                FusedStep.Adam(p, g, expAvg, expAvgSq, maxExpAvgSq, decoupled, lr, beta1, beta2, eps, weightDecay, maximize,
                    stepSize, biasCorrection2Sqrt);
                continue;
            }
            var grad = maximize ? g.Neg() : g;
            if (decoupled)
            {
                stepT.Add_(1);
                p.Mul_(1 - lr * weightDecay);
            }
            else
            {
                stepT.Add_(1);
                if (weightDecay != 0) grad = grad.Add(p, weightDecay);
            }
            expAvg.Mul_(beta1).Add_(grad, 1 - beta1);
            expAvgSq.Mul_(beta2).Addcmul_(grad, grad, 1 - beta2);
            if (capturable || (!decoupled && differentiable))
            {
                // Bias corrections as tensors of the step's dtype, as PyTorch computes them for CUDA graphs and autograd.
                var biasCorrection1 = Torch.Pow(beta1, stepT).Rsub(1);
                var biasCorrection2 = Torch.Pow(beta2, stepT).Rsub(1);
                var stepSizeNeg = ScalarOver(lr, biasCorrection1).Neg();
                var biasCorrection2Sqrt = biasCorrection2.Sqrt();
                Tensor denom;
                if (amsgrad)
                {
                    var current = differentiable ? maxExpAvgSq!.Clone() : maxExpAvgSq!;
                    maxExpAvgSq!.Copy_(current.Maximum(expAvgSq));
                    denom = maxExpAvgSq.Sqrt().Div(biasCorrection2Sqrt.Mul(stepSizeNeg)).Add_(ScalarOver(eps, stepSizeNeg));
                }
                else
                    denom = expAvgSq.Sqrt().Div(biasCorrection2Sqrt.Mul(stepSizeNeg)).Add_(ScalarOver(eps, stepSizeNeg));
                p.Addcdiv_(expAvg, denom);
            }
            else
            {
                var (stepSize, biasCorrection2Sqrt) = BiasCorrections(lr, beta1, beta2, stepT.Item<double>());
                Tensor denom;
                if (amsgrad)
                {
                    maxExpAvgSq!.Copy_(maxExpAvgSq.Maximum(expAvgSq));
                    denom = maxExpAvgSq.Sqrt().Div_(biasCorrection2Sqrt).Add_(eps);
                }
                else denom = expAvgSq.Sqrt().Div_(biasCorrection2Sqrt).Add_(eps);
                p.Addcdiv_(expAvg, denom, -stepSize);
            }
        }
    }

    // PyTorch's float bias corrections: step_size = lr / (1 - β1^t) and √(1 - β2^t).
    private static (double StepSize, double BiasCorrection2Sqrt) BiasCorrections(double lr, double beta1, double beta2, double step) =>
        (lr / (1 - Math.Pow(beta1, step)), Math.Sqrt(1 - Math.Pow(beta2, step)));

    // A Python float divided by a tensor: Python's float.__truediv__ defers to Tensor.__rtruediv__, reciprocal() * x.
    private static Tensor ScalarOver(double x, Tensor t) => t.Reciprocal().Mul(x);

    /// <summary>Validation shared by the Adam family's constructors, with PyTorch's messages.</summary>
    public static (double, double) CheckCommon(double lr, (double, double)? betas, double eps, double weightDecay)
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
        OptionBuilder.Check(lr >= 0, "learning rate", lr);
        OptionBuilder.Check(eps >= 0, "epsilon value", eps);
        OptionBuilder.Check(b1 >= 0 && b1 < 1, "beta parameter at index 0", b1);
        OptionBuilder.Check(b2 >= 0 && b2 < 1, "beta parameter at index 1", b2);
        OptionBuilder.Check(weightDecay >= 0, "weight_decay value", OptionBuilder.IntLike(weightDecay));
        return (b1, b2);
    }

    /// <summary>Upgrades a checkpoint whose <c>step</c> values are numbers to 1.13's tensor steps.</summary>
    public static void TensorSteps(Optimizer opt, params string[] alsoTensor)
    {
        var states = opt.State.Select(kv => kv.Value).ToList();
        if (states.Count == 0) return;
        if (states[0].GetValueOrDefault("step") is not Tensor)
            foreach (var s in states)
                if (s.TryGetValue("step", out var v)) s["step"] = Torch.Tensor(PyValues.ToDouble(v, "step"));
        foreach (var key in alsoTensor)
            if (states[0].GetValueOrDefault(key) is not Tensor)
                foreach (var s in states)
                    if (s.TryGetValue(key, out var v)) s[key] = Torch.Tensor(PyValues.ToDouble(v, key));
    }
}
