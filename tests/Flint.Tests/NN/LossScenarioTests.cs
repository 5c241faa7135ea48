using Flint.NN;
using Flint.Tests.Parity;

namespace Flint.Tests.NN;

/// <summary>
/// Scenario L1 (SCENARIOS.md): every loss named there — and the other torch.nn losses — built as a module with
/// PyTorch's defaults and called on small inputs gives PyTorch's value, gradients and grad_fn name
/// (tests/parity/nn_loss_scenario.py; float32, and float64 with gradcheck).
/// </summary>
public class LossScenarioTests
{
    private static readonly string[] Named =
    [
        "BCELoss", "CrossEntropyLoss", "L1Loss", "MSELoss", "SmoothL1Loss", "PoissonNLLLoss", "KLDivLoss",
        "MarginRankingLoss", "MultiLabelMarginLoss", "SoftMarginLoss", "MultiMarginLoss", "TripletMarginLoss",
        "HingeEmbeddingLoss", "CosineEmbeddingLoss", "CTCLoss", "NLLLoss",
    ];

    [Fact]
    public void ScenarioL1_EveryNamedLossEqualsPyTorch()
    {
        var ids = FixtureSet.Ids("nn_loss_l1").Select(o => (string)o[0]).ToList();
        foreach (var name in Named)
            foreach (var dt in new[] { "f32", "f64" })
                Assert.Contains($"{name}_{dt}", ids);
        foreach (var id in ids)
            ParityRunner.Run("nn_loss_l1", id, name => MathParityTests.WithGradFn(Module(name)));
    }

    // A fresh module of the class PyTorch names, with its defaults, called as module(...).
    private static ParityRunner.OpFn Module(string name) => name switch
    {
        "CTCLoss" => (x, k) =>
            [new CTCLoss().Call(Functional.LogSoftmax(x[0], 2), x[1], k.Longs("input_lengths")!, k.Longs("target_lengths")!)],
        "MarginRankingLoss" => Three(new MarginRankingLoss()),
        "CosineEmbeddingLoss" => Three(new CosineEmbeddingLoss()),
        "GaussianNLLLoss" => Three(new GaussianNLLLoss()),
        "TripletMarginLoss" => Three(new TripletMarginLoss()),
        "TripletMarginWithDistanceLoss" => Three(new TripletMarginWithDistanceLoss()),
        _ => Two(name switch
        {
            "BCELoss" => new BCELoss(),
            "BCEWithLogitsLoss" => new BCEWithLogitsLoss(),
            "CrossEntropyLoss" => new CrossEntropyLoss(),
            "NLLLoss" => new NLLLoss(),
            "L1Loss" => new L1Loss(),
            "MSELoss" => new MSELoss(),
            "SmoothL1Loss" => new SmoothL1Loss(),
            "HuberLoss" => new HuberLoss(),
            "PoissonNLLLoss" => new PoissonNLLLoss(),
            "KLDivLoss" => new KLDivLoss(),
            "MultiLabelMarginLoss" => new MultiLabelMarginLoss(),
            "MultiLabelSoftMarginLoss" => new MultiLabelSoftMarginLoss(),
            "SoftMarginLoss" => new SoftMarginLoss(),
            "MultiMarginLoss" => new MultiMarginLoss(),
            "HingeEmbeddingLoss" => new HingeEmbeddingLoss(),
            _ => throw new NotSupportedException(name),
        }),
    };

    private static ParityRunner.OpFn Two(Module<Tensor, Tensor, Tensor> m) => (x, _) => [m.Call(x[0], x[1])];

    private static ParityRunner.OpFn Three(Module<Tensor, Tensor, Tensor, Tensor> m) => (x, _) => [m.Call(x[0], x[1], x[2])];
}
