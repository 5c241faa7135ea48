namespace Flint.NN;

/// <summary>
/// <c>torch.nn.utils</c>: gradient clipping (<see cref="ClipGradNorm_(IEnumerable{Tensor}, double, double, bool)"/>,
/// <see cref="ClipGradValue_(IEnumerable{Tensor}, double)"/>) and flattening parameters to one vector and back
/// (<see cref="ParametersToVector"/>, <see cref="VectorToParameters"/>).
/// </summary>
public static partial class Utils
{
    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> in place so that their total norm (the
    /// <paramref name="normType"/>-norm of all gradients as one vector) is at most <paramref name="maxNorm"/>, and
    /// returns the total norm before clipping (<c>torch.nn.utils.clip_grad_norm_</c>). <paramref name="normType"/> may be
    /// <see cref="double.PositiveInfinity"/> for the largest absolute value. With <paramref name="errorIfNonfinite"/> a
    /// NaN or infinite total norm throws instead of scaling.
    /// </summary>
    public static Tensor ClipGradNorm_(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var grads = parameters.Where(p => p.Grad is not null).Select(p => p.Grad!).ToList();
        if (grads.Count == 0) return Torch.Tensor(0.0);
        var device = grads[0].Device;
        Tensor totalNorm;
        using (Torch.NoGrad())
        {
            if (double.IsPositiveInfinity(normType))
            {
                var norms = grads.Select(g => g.Detach().Abs().Max().To(device)).ToList();
                totalNorm = norms.Count == 1 ? norms[0] : Torch.Stack(norms).Max();
            }
            else
                totalNorm = Torch.Norm(Torch.Stack(grads.Select(g => Torch.Norm(g.Detach(), normType).To(device)).ToList()), normType);
            if (errorIfNonfinite && totalNorm.IsNan().LogicalOr(totalNorm.IsInf()).Item<bool>())
                throw new InvalidOperationException(
                    $"The total norm of order {Optim.PyValues.FloatRepr(normType)} for gradients from `parameters` is non-finite, so it " +
                    "cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set " +
                    "`error_if_nonfinite=False`");
            // max_norm / (total_norm + 1e-6): a Python float over a tensor is reciprocal() * max_norm.
            var clipCoef = totalNorm.Add(1e-6).Reciprocal().Mul(maxNorm);
            var clipCoefClamped = clipCoef.Clamp(max: 1.0);
            foreach (var g in grads) g.Detach().Mul_(clipCoefClamped.To(g.Device));
        }
        return totalNorm;
    }

    /// <summary>Clips the gradient of one tensor by its norm (<c>clip_grad_norm_(tensor, max_norm, ...)</c>).</summary>
    public static Tensor ClipGradNorm_(Tensor parameter, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false) =>
        ClipGradNorm_([parameter], maxNorm, normType, errorIfNonfinite);

    /// <summary>
    /// Clamps every gradient element of <paramref name="parameters"/> into [-<paramref name="clipValue"/>,
    /// <paramref name="clipValue"/>] in place (<c>torch.nn.utils.clip_grad_value_</c>).
    /// </summary>
    public static void ClipGradValue_(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var p in parameters)
            if (p.Grad is { } g)
                using (Torch.NoGrad())
                    g.Data.Clamp_(-clipValue, clipValue);
    }

    /// <summary>Clamps one tensor's gradient in place (<c>clip_grad_value_(tensor, clip_value)</c>).</summary>
    public static void ClipGradValue_(Tensor parameter, double clipValue) => ClipGradValue_([parameter], clipValue);
}
