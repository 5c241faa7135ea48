using System.Text.Json;
using Flint.Examples.Scenarios;
using Flint.NN;
using Flint.Vision;

namespace Flint.Tests.Scenarios;

/// <summary>SCENARIOS.md P5, P6, M6 and M8, and the seeds' text classification, as assertions on the examples.</summary>
[Collection("DefaultGenerator")]
public class SequenceScenarioTests
{
    private static JsonElement P5Fixture(string head)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "nn_rnn_scenarios.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.GetProperty("p5").GetProperty(head).Clone();
    }

    // The seed's program from Torch.ManualSeed(0) follows PyTorch's run step for step: same initial weights (same
    // random stream), same losses every epoch, same prediction; its plain head cannot reach 14 (PyTorch: 8.62).
    [Fact]
    public void P5_SeedProgramFollowsPyTorch()
    {
        var expected = P5Fixture("plain");
        var run = P5TimeSeries.Train(residual: false, epochs: 100);
        var losses = expected.GetProperty("losses").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int e = 0; e < losses.Length; e++)
            Assert.True(Math.Abs(run.Losses[e] - losses[e]) <= 1e-4 * Math.Max(1, Math.Abs(losses[e])),
                $"epoch {e + 1}: loss {run.Losses[e]}, PyTorch {losses[e]}");
        Assert.Equal(expected.GetProperty("prediction").GetDouble(), run.Prediction, 3);
        Assert.Equal(14.0, run.True);
    }

    // The acceptance: after training, [11, 12, 13] predicts 14 within 1.0 (the residual head; PyTorch: 14.005).
    [Fact]
    public void P5_PredictsFourteen()
    {
        var expected = P5Fixture("residual");
        var run = P5TimeSeries.Train(residual: true, epochs: 100);
        Assert.InRange(run.Prediction, 13.0, 15.0);
        Assert.Equal(expected.GetProperty("prediction").GetDouble(), run.Prediction, 3);
    }

    // Transfer learning on generated two-class images: frozen backbone, new head, train/val phases; 90% validation
    // accuracy and a correct prediction for one image.
    [Fact]
    public void P6_TransferLearningReachesNinetyPercent()
    {
        var output = new StringWriter();
        var result = P6TransferLearning.Train(new P6TransferLearning.Options(Epochs: 8, CropSize: 32, TrainPerClass: 16), output);
        var val = result.History.Where(h => h.Phase == "val").ToList();
        Assert.Equal(8, val.Count);
        Assert.True(val[^1].Acc >= 0.9, output.ToString());
        Assert.True(val[^1].Loss < val[0].Loss, output.ToString());
        Assert.Equal(result.Actual, result.Predicted);
        Assert.Contains("train Loss:", output.ToString());
    }

    // Only the new head learns: the frozen backbone's weights do not move and get no gradients.
    [Fact]
    public void P6_FrozenBackboneGetsNoGradients()
    {
        var model = Models.Resnet18(numClasses: 10);
        model.RequiresGrad_(false);
        model.Fc = new Linear(model.Fc.InFeatures, 2);
        Assert.Equal(["fc.weight", "fc.bias"], model.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name));
        var before = model.Conv1.Weight.Detach().Clone();
        model.Call(Torch.Randn(2, 3, 32, 32)).Sum().Backward();
        Assert.Null(model.Conv1.Weight.Grad);
        Assert.NotNull(model.Fc.Weight.Grad);
        Assert.True(model.Conv1.Weight.Equal(before));
    }

    // The U-Net trains: the loss falls, new images are segmented (in eval mode, once BatchNorm's running statistics
    // have settled, some 30 steps at momentum 0.1), and the state dict round-trips through a file.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void M6_UNetTrainsSteps(bool bilinear)
    {
        var output = new StringWriter();
        var (losses, accuracy) = M6UNet.Train(30, 32, bilinear, output);
        Assert.True(losses[^1] < losses[0] * 0.8, string.Join(", ", losses));
        Assert.True(accuracy > 0.8, output.ToString());
        Assert.Contains("<All keys matched successfully>", output.ToString());
        Assert.Contains("loaded weights give the same output: True", output.ToString());
    }

    // torchvision-style constructors, fc.in_features and the pretrained refusal naming the checkpoint to fetch.
    [Fact]
    public void M8_ConstructorsAndFcInFeatures()
    {
        Assert.Equal(512, Models.Resnet18().Fc.InFeatures);
        Assert.Equal(512, Models.Resnet34(numClasses: 3).Fc.InFeatures);
        Assert.Equal(2048, Models.Resnet50().Fc.InFeatures);
        Assert.Equal(3, Models.Resnet34(numClasses: 3).Fc.OutFeatures);
        var e = Assert.Throws<InvalidOperationException>(() => Models.Resnet18(pretrained: true));
        Assert.Contains("resnet18-f37072fd.pth", e.Message);
        Assert.Contains("https://download.pytorch.org/models/resnet18-f37072fd.pth", e.Message);
        Assert.Throws<FileNotFoundException>(() => Models.Resnet18(weights: "/nonexistent/resnet18-f37072fd.pth"));
        Assert.Contains("expected value 1000 but got 2", Assert.Throws<ArgumentException>(() => Models.Alexnet(weights: "x.pth", numClasses: 2)).Message);
    }

    // Weights from a checkpoint file load by torchvision's names: a saved model reloads into a fresh one.
    [Fact]
    public void M8_LocalCheckpointLoads()
    {
        var model = Models.Resnet18(numClasses: 1000);
        var path = Path.Combine(Path.GetTempPath(), $"flint-resnet18-{Guid.NewGuid():N}.pth");
        try
        {
            Torch.Save(model.StateDict(), path);
            var loaded = Models.Resnet18(weights: path);
            model.Eval();
            loaded.Eval();
            var x = Torch.Randn(1, 3, 32, 32);
            using (Torch.NoGrad()) Assert.True(model.Call(x).Equal(loaded.Call(x)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public void TextClassificationLearnsSentiment(string model)
    {
        var output = new StringWriter();
        var result = TextClassification.Train(model, 4, ["A wonderful and brilliant film!", "Dull, boring and awful."], output);
        Assert.True(result.TestAccuracy >= 0.9, output.ToString());
        Assert.Equal([1L, 0L], result.Predictions);
    }
}
