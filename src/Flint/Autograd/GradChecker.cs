namespace Flint.Autograd;

/// <summary>Numerical versus analytical Jacobians, column by column (PyTorch's slow-mode gradcheck).</summary>
internal static class GradChecker
{
    public static bool Check(Func<Tensor[], Tensor[]> fn, Tensor[] inputs, double eps, double atol, double rtol, bool raise)
    {
        var diffIdx = new List<int>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].RequiresGrad) continue;
            if (inputs[i].dtype != DType.Float64)
                throw new ArgumentException(
                    $"Input #{i} requires gradient and is not a double precision floating point. gradcheck needs float64 inputs.");
            diffIdx.Add(i);
        }
        var outputs = fn(inputs);
        var outFloat = new List<Tensor>();
        foreach (var o in outputs) if (o.IsFloatingPoint()) outFloat.Add(o);
        long totalOut = 0;
        foreach (var o in outFloat) totalOut += o.Numel();

        foreach (var i in diffIdx)
        {
            var x = inputs[i];
            long n = x.Numel();
            var numerical = new double[n, totalOut];
            var analytical = new double[n, totalOut];

            // Numerical: perturb each input element through a no-history alias of the same memory.
            bool aliased = x.IsContiguous();
            for (long j = 0; j < n; j++)
            {
                var plus = Perturb(fn, inputs, i, j, eps, aliased);
                var minus = Perturb(fn, inputs, i, j, -eps, aliased);
                for (long k = 0; k < totalOut; k++) numerical[j, k] = (plus[k] - minus[k]) / (2 * eps);
            }

            // Analytical: one backward per output element.
            long col = 0;
            foreach (var o in outFloat)
            {
                for (long k = 0; k < o.Numel(); k++, col++)
                {
                    if (!o.RequiresGrad) continue;
                    var onehot = Torch.Zeros(o.Shape, o.DType, o.Device);
                    onehot.View(-1).Select(0, k).Fill_(1);
                    var g = Torch.Autograd.Grad([o], [x], [onehot], retainGraph: true, allowUnused: true)[0];
                    if (g is null) continue;
                    var gv = g.Contiguous().ToArray<double>();
                    for (long j = 0; j < n; j++) analytical[j, col] = gv[j];
                }
            }

            for (long j = 0; j < n; j++)
                for (long k = 0; k < totalOut; k++)
                {
                    double a = analytical[j, k], nu = numerical[j, k];
                    if (Math.Abs(a - nu) <= atol + rtol * Math.Abs(nu)) continue;
                    if (!raise) return false;
                    throw new InvalidOperationException(
                        $"Jacobian mismatch for output {k} with respect to input {i} element {j},\nnumerical:{nu}\nanalytical:{a}\n");
                }
        }
        return true;
    }

    private static double[] Perturb(Func<Tensor[], Tensor[]> fn, Tensor[] inputs, int i, long j, double delta, bool aliased)
    {
        var x = inputs[i];
        var args = (Tensor[])inputs.Clone();
        using var _ = Torch.NoGrad();
        Tensor changed;
        if (aliased)
        {
            changed = x.Data;
        }
        else
        {
            changed = x.Detach().Clone();
            args[i] = changed;
        }
        var cell = changed.View(-1).Select(0, j);
        var orig = cell.Item<double>();
        cell.Fill_(orig + delta);
        var outs = fn(args);
        // Read the outputs before restoring the input: a view output shares the input's memory.
        var r = new List<double>();
        foreach (var o in outs)
            if (o.IsFloatingPoint()) r.AddRange(o.Double().Contiguous().ToArray<double>());
        cell.Fill_(orig);
        return r.ToArray();
    }
}
