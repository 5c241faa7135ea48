using Flint.NN;
using Flint.Tests.Parity;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

/// <summary>
/// Every loss of torch.nn.functional against tests/parity/nn_loss.py: values, input and target gradients, PyTorch's
/// grad_fn names, for each reduction and option, float32 and float64 (float64 cases also pass gradcheck).
/// </summary>
public class LossParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("nn_loss");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("nn_loss", id, name => MathParityTests.WithGradFn(Op(name)));

    private static ParityRunner.OpFn Op(string name) => name switch
    {
        "l1_loss" => (x, k) => [F.L1Loss(x[0], x[1], k.String("reduction")!)],
        "mse_loss" => (x, k) => [F.MseLoss(x[0], x[1], k.String("reduction")!)],
        "smooth_l1_loss" => (x, k) => [F.SmoothL1Loss(x[0], x[1], k.String("reduction")!, k.Double("beta", 1.0))],
        "huber_loss" => (x, k) => [F.HuberLoss(x[0], x[1], k.String("reduction")!, k.Double("delta", 1.0))],
        "bce" => (x, k) => [F.BinaryCrossEntropy(x[0], x[1], x.Length > 2 ? x[2] : null, k.String("reduction")!)],
        "bce_logits" => (x, k) =>
        {
            int i = 2;
            var w = k.Bool("weight") ? x[i++] : null;
            var pw = k.Bool("pos_weight") ? x[i] : null;
            return [F.BinaryCrossEntropyWithLogits(x[0], x[1], w, k.String("reduction")!, pw)];
        },
        "soft_margin" => (x, k) => [F.SoftMarginLoss(x[0], x[1], k.String("reduction")!)],
        "hinge_embedding" => (x, k) => [F.HingeEmbeddingLoss(x[0], x[1], k.Double("margin"), k.String("reduction")!)],
        "margin_ranking" => (x, k) => [F.MarginRankingLoss(x[0], x[1], x[2], k.Double("margin"), k.String("reduction")!)],
        "cosine_embedding" => (x, k) => [F.CosineEmbeddingLoss(x[0], x[1], x[2], k.Double("margin"), k.String("reduction")!)],
        "poisson_nll" => (x, k) =>
            [F.PoissonNllLoss(x[0], x[1], k.Bool("log_input"), k.Bool("full"), k.Double("eps"), k.String("reduction")!)],
        "gaussian_nll" => (x, k) => [F.GaussianNllLoss(x[0], x[1], x[2], k.Bool("full"), k.Double("eps"), k.String("reduction")!)],
        "kl_div" => (x, k) => [F.KlDiv(x[0], x[1], k.String("reduction")!, k.Bool("log_target"))],
        "nll_loss" => (x, k) =>
            [F.NllLoss(x[0], x[1], x.Length > 2 ? x[2] : null, k.Long("ignore_index", -100), k.String("reduction")!)],
        "cross_entropy" => (x, k) =>
            [F.CrossEntropy(x[0], x[1], x.Length > 2 ? x[2] : null, k.Long("ignore_index", -100), k.String("reduction")!,
                k.Double("label_smoothing"))],
        "multi_margin" => (x, k) =>
            [F.MultiMarginLoss(x[0], x[1], k.Long("p"), k.Double("margin"), x.Length > 2 ? x[2] : null, k.String("reduction")!)],
        "multilabel_margin" => (x, k) => [F.MultilabelMarginLoss(x[0], x[1], k.String("reduction")!)],
        "multilabel_soft_margin" => (x, k) =>
            [F.MultilabelSoftMarginLoss(x[0], x[1], x.Length > 2 ? x[2] : null, k.String("reduction")!)],
        "triplet" => (x, k) =>
            [F.TripletMarginLoss(x[0], x[1], x[2], k.Double("margin"), k.Double("p"), k.Double("eps"), k.Bool("swap"),
                k.String("reduction")!)],
        "triplet_distance" => (x, k) =>
            [F.TripletMarginWithDistanceLoss(x[0], x[1], x[2],
                k.String("distance") == "l1" ? (u, v) => u.Sub(v).Abs().Sum(-1) : null,
                k.Double("margin"), k.Bool("swap"), k.String("reduction")!)],
        "ctc" => (x, k) =>
        {
            var logProbs = F.LogSoftmax(x[0], -1);
            var il = k.Longs("input_lengths")!;
            var tl = k.Longs("target_lengths")!;
            var (blank, reduction, zi) = (k.Long("blank"), k.String("reduction")!, k.Bool("zero_infinity"));
            return k.Bool("tensor_lengths")
                ? [F.CtcLoss(logProbs, x[1], Torch.Tensor(il), Torch.Tensor(tl), blank, reduction, zi)]
                : [F.CtcLoss(logProbs, x[1], il, tl, blank, reduction, zi)];
        },
        "first_derivative" => (x, k) =>
        {
            // gradcheck's numerical pass runs under no_grad; the first derivative itself needs autograd.
            using var _ = Torch.EnableGrad();
            var loss = Op(k.String("loss")!)(x, k)[0];
            return [Torch.Autograd.Grad(loss, [x[0]], Torch.OnesLike(loss), createGraph: true)[0]!];
        },
        _ => throw new NotSupportedException(name),
    };
}
