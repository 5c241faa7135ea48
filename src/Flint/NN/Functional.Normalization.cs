using Flint.Autograd;
using Flint.Backends;
using Flint.Ops;

namespace Flint.NN;

public static partial class Functional
{
    // The dtype a norm kernel computes in: float32 and float64 themselves, bfloat16 (and float16 on CUDA) in float32;
    // others are PyTorch's error.
    private static DType NormCompute(Tensor x, string kernel)
    {
        MathCommon.CheckFloat(x, kernel);
        return x.DType is DType.Float32 or DType.Float64 ? x.DType : DType.Float32;
    }

    // A contiguous copy (or x itself) in the compute dtype, without history.
    private static Tensor Dense(Tensor x, DType compute)
    {
        using (Torch.NoGrad())
        {
            var c = Elementwise.Cast(x, compute, x.Device);
            return c.IsContiguous() ? c.Detach() : c.Contiguous();
        }
    }

    private static Tensor HostTensor(double[] values, DType dtype, Device device) =>
        Torch.FromArray(values, values.Length).To(dtype).To(device);

    private static double[] HostValues(Tensor t) => t.Detach().ToArray<double>();

    // A norm's flattened result (or input gradient) as a fresh tensor of like's dtype and shape, not a view of the
    // flattened one: relu_ on a view would need a CopySlices node.
    private static Tensor InShapeOf(Tensor flat, Tensor like) => Elementwise.Cast(flat, like.DType, like.Device).AliasNoGrad(like.shape);

    // ---- layer_norm ----

    /// <summary>
    /// Normalises over the last dims given by <paramref name="normalizedShape"/>: (x − mean) / √(var + eps), then the
    /// optional elementwise <paramref name="weight"/> and <paramref name="bias"/> (<c>F.layer_norm(input,
    /// normalized_shape, weight, bias, eps)</c>); one fused pass per row forward and backward.
    /// </summary>
    public static Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        var k = normalizedShape.Length;
        if (k < 1)
            throw new ArgumentException("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, " +
                                        $"but got normalized_shape = {Shapes.Format(normalizedShape)}");
        if (weight is not null && !weight.shape.AsSpan().SequenceEqual(normalizedShape))
            throw new ArgumentException("Expected weight to be of same shape as normalized_shape, but got weight of shape " +
                                        $"{Shapes.Format(weight.shape)} and normalized_shape = {Shapes.Format(normalizedShape)}");
        if (bias is not null && !bias.shape.AsSpan().SequenceEqual(normalizedShape))
            throw new ArgumentException("Expected bias to be of same shape as normalized_shape, but got bias of shape " +
                                        $"{Shapes.Format(bias.shape)} and normalized_shape = {Shapes.Format(normalizedShape)}");
        if (input.Dim() < k || !input.shape.AsSpan(input.Dim() - k).SequenceEqual(normalizedShape))
            throw new ArgumentException($"Given normalized_shape={Shapes.Format(normalizedShape)}, expected input with shape " +
                                        $"[*{string.Concat(normalizedShape.Select(s => ", " + s))}], but got input of size{Shapes.Format(input.shape)}");
        var compute = NormCompute(input, "LayerNormKernelImpl");
        long n = 1;
        foreach (var s in normalizedShape) n *= s;
        var m = n == 0 ? 0 : input.Numel() / n;
        var x2 = Dense(input, compute).View(m, n);
        var w2 = weight is null ? null : Dense(weight, compute).View(n);
        var b2 = bias is null ? null : Dense(bias, compute).View(n);
        var y = Tensor.Allocate([m, n], compute, input.Device);
        var mean = Tensor.Allocate([m], compute, input.Device);
        var rstd = Tensor.Allocate([m], compute, input.Device);
        if (y.Numel() > 0) y.Backend.LayerNorm(x2, w2, b2, eps, y, mean, rstd);
        var r = InShapeOf(y, input);
        var shape = (long[])normalizedShape.Clone();
        if (Graph.Needs([input, weight, bias]))
            Graph.Record(r, "NativeLayerNormBackward0", [input, weight, bias], [input, weight, bias, mean, rstd], node =>
            {
                Tensor x = node.Saved(0);
                Tensor? wt = node.SavedOrNull(1), bt = node.SavedOrNull(2);
                if (CreatingGraph)
                    return CompositeGrads(node, [x, wt, bt], xs => LayerNormComposite(xs[0]!, shape, xs[1], xs[2], eps));
                var dy = Dense(node.Grad, compute).View(m, n);
                var dx = node.NeedsInputGrad(0) ? Tensor.Allocate([m, n], compute, x.Device) : null;
                var dw = node.NeedsInputGrad(1) ? Tensor.Allocate([n], compute, x.Device) : null;
                var db = node.NeedsInputGrad(2) ? Tensor.Allocate([n], compute, x.Device) : null;
                if (m * n > 0)
                    x.Backend.LayerNormBackward(dy, Dense(x, compute).View(m, n), node.Saved(3), node.Saved(4),
                        wt is null ? null : Dense(wt, compute).View(n), dx, dw, db);
                else
                {
                    dw?.Zero_();
                    db?.Zero_();
                }
                return [dx is null ? null : InShapeOf(dx, x),
                        dw is null ? null : Elementwise.Cast(dw, wt!.DType, x.Device).View(shape),
                        db is null ? null : Elementwise.Cast(db, bt!.DType, x.Device).View(shape)];
            });
        return r;
    }

    private static Tensor LayerNormComposite(Tensor x, long[] normalizedShape, Tensor? weight, Tensor? bias, double eps)
    {
        var dims = Enumerable.Range(x.Dim() - normalizedShape.Length, normalizedShape.Length).Select(d => (long)d).ToArray();
        var centred = x.Sub(x.Mean(dims, keepdim: true));
        var y = centred.Mul(centred.Pow(2).Mean(dims, keepdim: true).Add(eps).Rsqrt());
        if (weight is not null) y = y.Mul(weight);
        if (bias is not null) y = y.Add(bias);
        return y;
    }

    // ---- batch_norm ----

    private static void VerifyBatchSize(Tensor input)
    {
        long prod = input.Size(0);
        for (int d = 2; d < input.Dim(); d++) prod *= input.Size(d);
        if (prod == 1)
            throw new ArgumentException($"Expected more than 1 value per channel when training, got input size {input.Shape}");
    }

    private static void CheckFeatures(string what, long features, Tensor? t)
    {
        if (t is not null && t.Numel() != features)
            throw new ArgumentException($"{what} should contain {features} elements not {t.Numel()}");
    }

    /// <summary>
    /// Batch normalisation over dim 1 (<c>F.batch_norm(input, running_mean, running_var, weight, bias, training,
    /// momentum, eps)</c>): in training the batch statistics normalise the input and update the running statistics in
    /// place (mean and unbiased variance, weighted by <paramref name="momentum"/>); otherwise the running statistics are
    /// used. Fused per-channel kernels forward and backward.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        if (training) VerifyBatchSize(input);
        return BatchNormCore(input, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    private static Tensor BatchNormCore(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum, double eps)
    {
        if (input.Dim() < 2)
            throw new ArgumentException($"Expected 2 or more dimensions (got {input.Dim()})");
        var c = input.Size(1);
        CheckFeatures("running_mean", c, runningMean);
        if (runningMean is null && !training) throw new ArgumentException("running_mean must be defined in evaluation mode");
        CheckFeatures("running_var", c, runningVar);
        if (runningVar is null && !training) throw new ArgumentException("running_var must be defined in evaluation mode");
        CheckFeatures("weight", c, weight);
        CheckFeatures("bias", c, bias);
        var compute = NormCompute(input, "batch_norm");
        var n = input.Size(0);
        var s = n * c == 0 ? 0 : input.Numel() / (n * c);
        var count = n * s;
        var x3 = Dense(input, compute).View(n, c, s);
        double[] mean, invstd;
        Tensor? y = null;
        if (training)
        {
            var meanT = Tensor.Allocate([c], DType.Float64, input.Device);
            var varT = Tensor.Allocate([c], DType.Float64, input.Device);
            if (input.Numel() > 0)
            {
                // The map into y runs inside the statistics pass, while each channel is in cache.
                var w = weight is null ? null : HostValues(weight);
                var b = bias is null ? null : HostValues(bias);
                y = Tensor.Allocate((long[])x3.shape.Clone(), compute, x3.Device);
                x3.Backend.NormStats(x3, meanT, varT, new ChannelMap((j, m, v) =>
                    ChannelCoefficients(m, 1 / Math.Sqrt(v + eps), w?[j], b?[j], compute), y));
            }
            else
            {
                meanT.Fill_(double.NaN);
                varT.Fill_(double.NaN);
            }
            mean = HostValues(meanT);
            var variance = HostValues(varT);
            invstd = variance.Select(v => 1 / Math.Sqrt(v + eps)).ToArray();
            UpdateRunningStats(runningMean, runningVar, mean, variance, count, momentum);
        }
        else
        {
            mean = HostValues(runningMean!);
            invstd = HostValues(runningVar!).Select(v => 1 / Math.Sqrt(v + eps)).ToArray();
        }
        y ??= ChannelScaleShift(x3, mean, invstd, weight, bias, compute);
        var r = InShapeOf(y, input);
        if (Graph.Needs([input, weight, bias]))
        {
            var saveMean = HostTensor(mean, DType.Float64, input.Device);
            var saveInvstd = HostTensor(invstd, DType.Float64, input.Device);
            Graph.Record(r, "NativeBatchNormBackward0", [input, weight, bias], [input, weight, bias, saveMean, saveInvstd], node =>
            {
                Tensor x = node.Saved(0), sm = node.Saved(3), si = node.Saved(4);
                Tensor? wt = node.SavedOrNull(1), bt = node.SavedOrNull(2);
                if (CreatingGraph)
                    return CompositeGrads(node, [x, wt, bt], xs => BatchNormComposite(xs[0]!, xs[1], xs[2], training ? null : sm, training ? null : si, eps));
                return BatchNormBackward(node, x, wt, bt, sm, si, training, compute);
            });
        }
        return r;
    }

    // y = x · α[c] + β[c] with α = invstd · w and β = b − mean · invstd · w, in the compute dtype as PyTorch rounds them.
    private static Tensor ChannelScaleShift(Tensor x3, double[] mean, double[] invstd, Tensor? weight, Tensor? bias, DType compute)
    {
        var c = mean.Length;
        var w = weight is null ? null : HostValues(weight);
        var b = bias is null ? null : HostValues(bias);
        var alpha = new double[c];
        var beta = new double[c];
        for (int j = 0; j < c; j++) (alpha[j], beta[j]) = ChannelCoefficients(mean[j], invstd[j], w?[j], b?[j], compute);
        var y = Tensor.Allocate((long[])x3.shape.Clone(), compute, x3.Device);
        if (y.Numel() > 0)
            y.Backend.ChannelAffine(x3, null, HostTensor(alpha, compute, x3.Device), null, HostTensor(beta, compute, x3.Device), y);
        return y;
    }

    // A channel's α = invstd · w and β = b − mean · invstd · w, in the compute dtype as PyTorch rounds them.
    private static (double Alpha, double Beta) ChannelCoefficients(double mean, double invstd, double? w, double? b, DType compute)
    {
        if (compute == DType.Float32)
        {
            float inv = (float)invstd, wj = (float)(w ?? 1), bj = (float)(b ?? 0), mj = (float)mean;
            return (inv * wj, bj - mj * inv * wj);
        }
        double wd = w ?? 1, bd = b ?? 0;
        return (invstd * wd, bd - mean * invstd * wd);
    }

    // running = momentum · batch + (1 − momentum) · running, the variance unbiased, in float64 as PyTorch's CPU kernel.
    private static void UpdateRunningStats(Tensor? runningMean, Tensor? runningVar, double[] mean, double[] variance, long count, double momentum)
    {
        using (Torch.NoGrad())
        {
            if (runningMean is not null)
            {
                var rm = HostValues(runningMean);
                for (int j = 0; j < rm.Length; j++) rm[j] = momentum * mean[j] + (1 - momentum) * rm[j];
                runningMean.Copy_(HostTensor(rm, runningMean.DType, runningMean.Device).View(runningMean.Shape));
            }
            if (runningVar is not null)
            {
                var rv = HostValues(runningVar);
                for (int j = 0; j < rv.Length; j++) rv[j] = momentum * variance[j] * count / (count - 1) + (1 - momentum) * rv[j];
                runningVar.Copy_(HostTensor(rv, runningVar.DType, runningVar.Device).View(runningVar.Shape));
            }
        }
    }

    private static Tensor?[] BatchNormBackward(FunctionNode node, Tensor x, Tensor? weight, Tensor? bias, Tensor saveMean, Tensor saveInvstd,
        bool training, DType compute)
    {
        long n = x.Size(0), c = x.Size(1), s = n * c == 0 ? 0 : x.Numel() / (n * c), count = n * s;
        var x3 = Dense(x, compute).View(n, c, s);
        var dy = Dense(node.Grad, compute).View(n, c, s);
        var sumDy = Tensor.Allocate([c], DType.Float64, x.Device);
        var dotp = Tensor.Allocate([c], DType.Float64, x.Device);
        if (x.Numel() > 0) x.Backend.NormSums(dy, x3, saveMean, sumDy, dotp);
        else
        {
            sumDy.Zero_();
            dotp.Zero_();
        }
        double[] sd = HostValues(sumDy), dp = HostValues(dotp), mean = HostValues(saveMean), invstd = HostValues(saveInvstd);
        var w = weight is null ? null : HostValues(weight);
        Tensor? dx = null;
        if (node.NeedsInputGrad(0))
        {
            double[] ca = new double[c], cb = new double[c], cc = new double[c];
            for (int j = 0; j < c; j++)
            {
                var wj = w?[j] ?? 1;
                ca[j] = invstd[j] * wj;
                if (!training) continue;
                // dx = (dy − Σdy/n − (x − mean) · k) · invstd · w with k = Σ dy·(x − mean) · invstd² / n.
                var kj = dp[j] * invstd[j] * invstd[j] / count;
                cb[j] = -kj * invstd[j] * wj;
                cc[j] = (-sd[j] / count + mean[j] * kj) * invstd[j] * wj;
            }
            var dx3 = Tensor.Allocate([n, c, s], compute, x.Device);
            if (dx3.Numel() > 0)
                x.Backend.ChannelAffine(dy, training ? x3 : null, HostTensor(ca, compute, x.Device),
                    training ? HostTensor(cb, compute, x.Device) : null, HostTensor(cc, compute, x.Device), dx3);
            dx = InShapeOf(dx3, x);
        }
        var dw = node.NeedsInputGrad(1) ? HostTensor(dp.Select((v, j) => v * invstd[j]).ToArray(), weight!.DType, x.Device) : null;
        var db = node.NeedsInputGrad(2) ? HostTensor(sd, bias!.DType, x.Device) : null;
        return [dx, dw, db];
    }

    private static Tensor BatchNormComposite(Tensor x, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningInvstd, double eps)
    {
        var dims = new List<long> { 0 };
        for (int d = 2; d < x.Dim(); d++) dims.Add(d);
        var shape = Enumerable.Repeat(1L, x.Dim()).ToArray();
        shape[1] = x.Size(1);
        Tensor y;
        if (runningMean is null)
        {
            var centred = x.Sub(x.Mean(dims.ToArray(), keepdim: true));
            y = centred.Mul(centred.Pow(2).Mean(dims.ToArray(), keepdim: true).Add(eps).Rsqrt());
        }
        else y = x.Sub(runningMean.To(x.DType).View(shape)).Mul(runningInvstd!.To(x.DType).View(shape));
        if (weight is not null) y = y.Mul(weight.View(shape));
        if (bias is not null) y = y.Add(bias.View(shape));
        return y;
    }

    // ---- instance_norm ----

    /// <summary>
    /// Instance normalisation: each (sample, channel) slice normalised by its own statistics (<c>F.instance_norm(input,
    /// running_mean, running_var, weight, bias, use_input_stats, momentum, eps)</c>), computed as PyTorch does by a
    /// batch norm over the input reshaped to [1, N·C, ...]; running statistics are averaged over the batch.
    /// </summary>
    public static Tensor InstanceNorm(Tensor input, Tensor? runningMean = null, Tensor? runningVar = null, Tensor? weight = null,
        Tensor? bias = null, bool useInputStats = true, double momentum = 0.1, double eps = 1e-5)
    {
        if (useInputStats)
        {
            long prod = 1;
            for (int d = 2; d < input.Dim(); d++) prod *= input.Size(d);
            if (prod == 1)
                throw new ArgumentException($"Expected more than 1 spatial element when training, got input size {input.Shape}");
        }
        if (!useInputStats && (runningMean is null || runningVar is null))
            throw new ArgumentException("Expected running_mean and running_var to be defined when use_input_stats is false");
        long b = input.Size(0), c = input.Size(1);
        var shape = input.shape.ToArray();
        shape[1] = b * c;
        shape[0] = 1;
        Tensor? Repeat(Tensor? t) => t?.Repeat(b);
        var rm = Repeat(runningMean);
        var rv = Repeat(runningVar);
        var output = BatchNormCore(input.Contiguous().View(shape), rm, rv, Repeat(weight), Repeat(bias), useInputStats, momentum, eps);
        using (Torch.NoGrad())
        {
            runningMean?.Copy_(rm!.View(b, c).Mean(0));
            runningVar?.Copy_(rv!.View(b, c).Mean(0));
        }
        return output.View(input.Shape);
    }

    // ---- group_norm ----

    /// <summary>
    /// Group normalisation: the channels are split into <paramref name="numGroups"/> groups and each (sample, group) is
    /// normalised by its own statistics, then the optional per-channel affine (<c>F.group_norm(input, num_groups, weight,
    /// bias, eps)</c>).
    /// </summary>
    public static Tensor GroupNorm(Tensor input, long numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        long n = input.Size(0), c = input.Size(1);
        long prod = n * c / numGroups;
        for (int dd = 2; dd < input.Dim(); dd++) prod *= input.Size(dd);
        if (prod == 1)
        {
            var sizes = new List<long> { n * c / numGroups, numGroups };
            for (int dd = 2; dd < input.Dim(); dd++) sizes.Add(input.Size(dd));
            throw new ArgumentException($"Expected more than 1 value per channel when training, got input size {Shapes.Format(sizes.ToArray())}");
        }
        if (c % numGroups != 0)
            throw new ArgumentException("Expected number of channels in input to be divisible by num_groups, but got input of shape " +
                                        $"{Shapes.Format(input.shape)} and num_groups={numGroups}");
        if (weight is not null && (weight.Dim() != 1 || weight.Numel() != c))
            throw new ArgumentException("Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape " +
                                        $"{Shapes.Format(weight.shape)} and input of shape {Shapes.Format(input.shape)}");
        if (bias is not null && (bias.Dim() != 1 || bias.Numel() != c))
            throw new ArgumentException("Expected bias to be a vector of size equal to the number of channels in input, but got bias of shape " +
                                        $"{Shapes.Format(bias.shape)} and input of shape {Shapes.Format(input.shape)}");
        var compute = NormCompute(input, "GroupNormKernelImpl");
        var s = n * c == 0 ? 0 : input.Numel() / (n * c);
        var g = numGroups;
        var d = c / g;
        var x = Dense(input, compute);
        var meanT = Tensor.Allocate([n * g], DType.Float64, input.Device);
        var varT = Tensor.Allocate([n * g], DType.Float64, input.Device);
        if (input.Numel() > 0) x.Backend.NormStats(x.View(1, n * g, d * s), meanT, varT);
        double[] mean = HostValues(meanT), rstd = HostValues(varT).Select(v => 1 / Math.Sqrt(Math.Max(v, 0) + eps)).ToArray();
        var w = weight is null ? null : HostValues(weight);
        var b = bias is null ? null : HostValues(bias);
        double[] scale = new double[n * c], shift = new double[n * c];
        for (long i = 0; i < n; i++)
            for (long ch = 0; ch < c; ch++)
            {
                var k = i * g + ch / d;
                var sc = Round(rstd[k] * (w?[ch] ?? 1), compute);
                scale[i * c + ch] = sc;
                shift[i * c + ch] = Round(-sc * Round(mean[k], compute) + (b?[ch] ?? 0), compute);
            }
        var y = Tensor.Allocate([1, n * c, s], compute, input.Device);
        if (y.Numel() > 0)
            y.Backend.ChannelAffine(x.View(1, n * c, s), null, HostTensor(scale, compute, input.Device), null, HostTensor(shift, compute, input.Device), y);
        var r = InShapeOf(y, input);
        if (Graph.Needs([input, weight, bias]))
        {
            var saveMean = HostTensor(mean, DType.Float64, input.Device);
            var saveRstd = HostTensor(rstd, DType.Float64, input.Device);
            Graph.Record(r, "NativeGroupNormBackward0", [input, weight, bias], [input, weight, bias, saveMean, saveRstd], node =>
            {
                Tensor xs = node.Saved(0);
                Tensor? wt = node.SavedOrNull(1), bt = node.SavedOrNull(2);
                if (CreatingGraph)
                    return CompositeGrads(node, [xs, wt, bt], v => GroupNormComposite(v[0]!, g, v[1], v[2], eps));
                return GroupNormBackward(node, xs, wt, bt, HostValues(node.Saved(3)), HostValues(node.Saved(4)), g, compute);
            });
        }
        return r;
    }

    private static double Round(double v, DType compute) => compute == DType.Float32 ? (float)v : v;

    private static Tensor?[] GroupNormBackward(FunctionNode node, Tensor x, Tensor? weight, Tensor? bias, double[] mean, double[] rstd,
        long g, DType compute)
    {
        long n = x.Size(0), c = x.Size(1), s = n * c == 0 ? 0 : x.Numel() / (n * c), d = c / g;
        var x3 = Dense(x, compute).View(1, n * c, s);
        var dy = Dense(node.Grad, compute).View(1, n * c, s);
        var dbT = Tensor.Allocate([n * c], DType.Float64, x.Device);
        var dsT = Tensor.Allocate([n * c], DType.Float64, x.Device);
        if (x.Numel() > 0) x.Backend.NormSums(dy, x3, null, dbT, dsT);
        else
        {
            dbT.Zero_();
            dsT.Zero_();
        }
        double[] db = HostValues(dbT), ds = HostValues(dsT);
        var w = weight is null ? null : HostValues(weight);
        Tensor? dx = null;
        if (node.NeedsInputGrad(0))
        {
            double[] c1 = new double[n * c], c2 = new double[n * c], c3 = new double[n * c];
            var scale = 1.0 / (d * s);
            for (long i = 0; i < n; i++)
                for (long grp = 0; grp < g; grp++)
                {
                    double dsVal = 0, dbVal = 0;
                    for (long ch = grp * d; ch < (grp + 1) * d; ch++)
                    {
                        var wj = w?[ch] ?? 1;
                        dsVal += ds[i * c + ch] * wj;
                        dbVal += db[i * c + ch] * wj;
                    }
                    var k = i * g + grp;
                    double mu = mean[k], rs = rstd[k];
                    var b2 = (dbVal * mu - dsVal) * rs * rs * rs * scale;
                    var b3 = -b2 * mu - dbVal * rs * scale;
                    for (long ch = grp * d; ch < (grp + 1) * d; ch++)
                    {
                        c1[i * c + ch] = rs * (w?[ch] ?? 1);
                        c2[i * c + ch] = b2;
                        c3[i * c + ch] = b3;
                    }
                }
            var dx3 = Tensor.Allocate([1, n * c, s], compute, x.Device);
            if (dx3.Numel() > 0)
                x.Backend.ChannelAffine(dy, x3, HostTensor(c1, compute, x.Device), HostTensor(c2, compute, x.Device), HostTensor(c3, compute, x.Device), dx3);
            dx = InShapeOf(dx3, x);
        }
        Tensor? dw = null, dbias = null;
        if (node.NeedsInputGrad(1))
        {
            var gw = new double[c];
            for (long i = 0; i < n; i++)
                for (long ch = 0; ch < c; ch++)
                {
                    var k = i * g + ch / d;
                    gw[ch] += (ds[i * c + ch] - db[i * c + ch] * mean[k]) * rstd[k];
                }
            dw = HostTensor(gw, weight!.DType, x.Device);
        }
        if (node.NeedsInputGrad(2))
        {
            var gb = new double[c];
            for (long i = 0; i < n; i++)
                for (long ch = 0; ch < c; ch++) gb[ch] += db[i * c + ch];
            dbias = HostTensor(gb, bias!.DType, x.Device);
        }
        return [dx, dw, dbias];
    }

    private static Tensor GroupNormComposite(Tensor x, long groups, Tensor? weight, Tensor? bias, double eps)
    {
        long n = x.Size(0), c = x.Size(1);
        var grouped = x.Reshape(n, groups, -1);
        var centred = grouped.Sub(grouped.Mean(-1, keepdim: true));
        var y = centred.Mul(centred.Pow(2).Mean(-1, keepdim: true).Add(eps).Rsqrt()).View(x.Shape);
        var shape = Enumerable.Repeat(1L, x.Dim()).ToArray();
        shape[1] = c;
        if (weight is not null) y = y.Mul(weight.View(shape));
        if (bias is not null) y = y.Add(bias.View(shape));
        return y;
    }

    // ---- local_response_norm ----

    /// <summary>
    /// Local response normalisation across channels (<c>F.local_response_norm(input, size, alpha, beta, k)</c>):
    /// x / (k + α · mean of x² over a window of <paramref name="size"/> neighbouring channels, zero-padded)^β.
    /// </summary>
    public static Tensor LocalResponseNorm(Tensor input, long size, double alpha = 1e-4, double beta = 0.75, double k = 1.0)
    {
        var dim = input.Dim();
        if (dim < 3)
            throw new ArgumentException($"Expected 3D or higher dimensionality                          input (got {dim} dimensions)");
        if (input.Numel() == 0) return input;
        var sq = input.Mul(input);
        var padShape = input.shape.ToArray();
        padShape[1] = size / 2;
        var front = Torch.Zeros(padShape, dtype: input.DType, device: input.Device);
        padShape[1] = (size - 1) / 2;
        var back = Torch.Zeros(padShape, dtype: input.DType, device: input.Device);
        var padded = Torch.Cat([front, sq, back], 1);
        var channels = input.Size(1);
        var window = padded.Narrow(1, 0, channels);
        for (long j = 1; j < size; j++) window = window.Add(padded.Narrow(1, j, channels));
        var div = window.Div(size).Mul(alpha).Add(k).Pow(beta);
        return input.Div(div);
    }
}
