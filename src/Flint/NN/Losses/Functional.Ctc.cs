using Flint.Autograd;
using Flint.Backends;
using Flint.Ops;
using static Flint.NN.LossSupport;

namespace Flint.NN;

public static partial class Functional
{
    /// <summary>
    /// The Connectionist Temporal Classification loss: -log Σ over alignments of log_probs (T, N, C) — or (T, C) for
    /// one sequence — to targets, padded (N, S) or concatenated (Σ target_lengths), with per-sequence lengths
    /// (<c>torch.nn.functional.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction='mean',
    /// zero_infinity=False)</c>). 'mean' divides each loss by its target length before averaging. As in PyTorch, the
    /// gradient is the one for log_probs produced by log_softmax, and there is no second derivative.
    /// </summary>
    public static Tensor CtcLoss(Tensor logProbs, Tensor targets, Tensor inputLengths, Tensor targetLengths, long blank = 0,
        string reduction = "mean", bool zeroInfinity = false)
    {
        var r = Parse(reduction);
        if (!inputLengths.DType.IsIntegral()) throw new ArgumentException("input_lengths must be integral");
        if (!targetLengths.DType.IsIntegral()) throw new ArgumentException("target_lengths must be integral");
        return Ctc(logProbs, targets, inputLengths.Flatten().ToArray<long>(), targetLengths.Flatten().ToArray<long>(), blank, r,
            zeroInfinity);
    }

    /// <summary>
    /// <see cref="CtcLoss(Tensor, Tensor, Tensor, Tensor, long, string, bool)"/> with the lengths as numbers
    /// (<c>ctc_loss(log_probs, targets, input_lengths=[...], target_lengths=[...])</c>).
    /// </summary>
    public static Tensor CtcLoss(Tensor logProbs, Tensor targets, long[] inputLengths, long[] targetLengths, long blank = 0,
        string reduction = "mean", bool zeroInfinity = false) =>
        Ctc(logProbs, targets, inputLengths, targetLengths, blank, Parse(reduction), zeroInfinity);

    private static Tensor Ctc(Tensor logProbs, Tensor targets, long[] inputLengths, long[] targetLengths, long blank,
        LossReduction r, bool zeroInfinity)
    {
        bool batched = logProbs.Dim() == 3;
        var lp = batched ? logProbs : logProbs.Unsqueeze(1);
        Tensor tg;
        using (Torch.NoGrad()) tg = targets.Long().Contiguous();
        var layout = CtcCheck(lp, tg, inputLengths, targetLengths, blank);
        var res = CtcForward(lp, tg, layout, zeroInfinity);
        if (zeroInfinity) res = Torch.Where(res.Eq(double.PositiveInfinity), Torch.Zeros([], res.DType, res.Device), res);
        return r switch
        {
            LossReduction.Mean => res.Div(Torch.Tensor(targetLengths, res.DType, res.Device).ClampMin(1)).Mean(),
            LossReduction.Sum => res.Sum(),
            _ => batched ? res : res.Squeeze(0),
        };
    }

    // _ctc_loss: the alpha recursion, recorded as one node whose backward runs the beta recursion.
    private static Tensor CtcForward(Tensor lp, Tensor tg, CtcLayout layout, bool zeroInfinity)
    {
        Tensor nll, logAlpha, lpc;
        using (Torch.NoGrad())
        {
            lpc = lp.Contiguous();
            long batch = lp.Size(1), maxT = lp.Size(0);
            nll = Torch.Empty([batch], lp.DType, lp.Device);
            logAlpha = Torch.Empty([batch, maxT, 2 * layout.MaxTargetLength + 1], lp.DType, lp.Device);
            lp.Backend.CtcLoss(lpc, tg, layout, nll, logAlpha);
        }
        if (Graph.Needs(lp))
            Graph.Record(nll, "CtcLossBackward0", [lp], [lpc, tg, nll, logAlpha], n =>
            {
                var (x, t, loss, alpha) = (n.Saved(0), n.Saved(1), n.Saved(2), n.Saved(3));
                Tensor grad;
                using (Torch.NoGrad())
                {
                    grad = Torch.Empty(x.Shape, x.DType, x.Device);
                    x.Backend.CtcLossBackward(n.Grad.Contiguous(), x, t, layout, loss, alpha, zeroInfinity, grad);
                }
                if (Graph.Needs(n.Grad, x)) MathCommon.RecordNotImplemented(grad, "_ctc_loss_backward", n.Grad, x);
                return [grad];
            });
        return nll;
    }

    // The argument checks of ATen's ctc_loss_cpu, and the layout of the targets.
    private static CtcLayout CtcCheck(Tensor lp, Tensor tg, long[] inputLengths, long[] targetLengths, long blank)
    {
        const string Where = " (while checking arguments for ctc_loss_cpu)";
        if (lp.Dim() != 3)
            throw new ArgumentException(
                $"Expected 3-dimensional tensor, but got {lp.Dim()}-dimensional tensor for argument #1 'log_probs'{Where}");
        if (tg.Dim() is < 1 or > 2)
            throw new ArgumentException(
                $"Expected 1 to 2 dimensions, but got {tg.Dim()}-dimensional tensor for argument #2 'targets'{Where}");
        if (lp.DType is not (DType.Float32 or DType.Float64)) throw NotImplemented("ctc_loss_cpu", lp.DType);
        long maxT = lp.Size(0), batch = lp.Size(1), classes = lp.Size(2);
        if (blank < 0 || blank >= classes) throw new ArgumentException("blank must be in label range");
        if (inputLengths.Length != batch) throw new ArgumentException("input_lengths must be of size batch_size");
        if (targetLengths.Length != batch) throw new ArgumentException("target_lengths must be of size batch_size");
        var offsets = new long[batch];
        long maxTarget = 0, stride;
        foreach (var l in targetLengths)
        {
            if (l < 0) throw new ArgumentException($"Expected target_lengths to have non-negative values, but got value {l}{Where}");
            maxTarget = Math.Max(maxTarget, l);
        }
        if (tg.Dim() == 1)
        {
            long pos = 0;
            for (int b = 0; b < batch; b++)
            {
                offsets[b] = pos;
                pos += targetLengths[b];
            }
            stride = 1;
            if (tg.Size(0) != pos)
                throw new ArgumentException(
                    $"Expected tensor to have size {pos} at dimension 0, but got size {tg.Size(0)} for argument #2 'targets'{Where}");
        }
        else
        {
            stride = 1;
            for (int b = 0; b < batch; b++) offsets[b] = b * tg.Size(1);
            if (tg.Size(0) != batch)
                throw new ArgumentException(
                    $"Expected tensor to have size {batch} at dimension 0, but got size {tg.Size(0)} for argument #2 'targets'{Where}");
            if (tg.Size(1) < maxTarget)
                throw new ArgumentException(
                    $"Expected tensor to have size at least {maxTarget} at dimension 1, but got size {tg.Size(1)} for " +
                    $"argument #2 'targets'{Where}");
        }
        foreach (var l in inputLengths)
        {
            if (l > maxT)
                throw new ArgumentException($"Expected input_lengths to have value at most {maxT}, but got value {l}{Where}");
            if (l < 0) throw new ArgumentException($"Expected input_lengths to have non-negative values, but got value {l}{Where}");
        }
        var labels = tg.Flatten().ToArray<long>();
        for (int b = 0; b < batch; b++)
            for (long s = 0; s < targetLengths[b]; s++)
            {
                var label = labels[offsets[b] + s * stride];
                if (label < 0 || label >= classes) throw new IndexOutOfRangeException($"Target {label} is out of bounds.");
            }
        return new CtcLayout(inputLengths, targetLengths, offsets, stride, maxTarget, blank);
    }
}
