using Flint.Examples.Scenarios;
using Flint.NN;

namespace Flint.Tests.Scenarios;

/// <summary>SCENARIOS.md M1, M3, M7 (structure) and P1-P3 (training programs) as assertions.</summary>
[Collection("DefaultGenerator")]
public class ModelScenarioTests
{
    [Fact]
    public void M1_PrintsExactlyAsPyTorch()
    {
        Assert.Equal("""
            Net(
              (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))
              (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))
              (fc1): Linear(in_features=400, out_features=120, bias=True)
              (fc2): Linear(in_features=120, out_features=84, bias=True)
              (fc3): Linear(in_features=84, out_features=10, bias=True)
            )
            """, new M1LeNet.Net().ToString());
        Assert.Equal([1L, 10], new M1LeNet.Net().Call(Torch.Randn(1, 1, 32, 32)).Shape.ToArray());
    }

    // PyTorch 1.13's print() of the seeds' containers (python3 -c "print(nn.Sequential(...))").
    private const string Positional = """
        Sequential(
          (0): Linear(in_features=784, out_features=256, bias=True)
          (1): ReLU()
          (2): Linear(in_features=256, out_features=10, bias=True)
        )
        """;

    [Fact]
    public void M3_ContainersPrintAndRunAsPyTorch()
    {
        Assert.Equal(Positional, M3Containers.Positional().ToString());
        Assert.Equal("""
            Sequential(
              (fc1): Linear(in_features=784, out_features=256, bias=True)
              (relu1): ReLU()
              (fc2): Linear(in_features=256, out_features=10, bias=True)
            )
            """, M3Containers.Named().ToString());
        var list = M3Containers.List();
        Assert.Equal("Linear(in_features=256, out_features=10, bias=True)", list[-1].ToString());
        Assert.Equal(Positional.Replace("Sequential", "ModuleList"), list.ToString());
        var dict = M3Containers.Dict();
        Assert.Equal("Linear(in_features=784, out_features=256, bias=True)", dict["linear"].ToString());
        Assert.Same(dict["output"], dict.GetSubmodule("output"));
        Assert.Equal("""
            ModuleDict(
              (linear): Linear(in_features=784, out_features=256, bias=True)
              (act): ReLU()
              (output): Linear(in_features=256, out_features=10, bias=True)
            )
            """, dict.ToString());
        Assert.Equal(["linear.weight", "linear.bias", "output.weight", "output.bias"], dict.StateDict().Keys);
    }

    [Fact]
    public void M3_MySequentialEqualsSequential()
    {
        var seq = M3Containers.Positional();
        var mine = new M3Containers.MySequential(seq[0], seq[1], seq[2]);
        Assert.Equal(Positional.Replace("Sequential", "MySequential"), mine.ToString());
        Assert.Equal(seq.StateDict().Keys, mine.StateDict().Keys);
        var x = Torch.Randn(3, 784);
        Assert.Equal(seq.Call(x).ToArray<float>(), mine.Call(x).ToArray<float>());
        var model = new M3Containers.ListModel(M3Containers.List());
        Assert.Equal(["modulelist.0.weight", "modulelist.0.bias", "modulelist.2.weight", "modulelist.2.bias"], model.StateDict().Keys);
        Assert.Equal([3L, 10], model.Call(x).Shape.ToArray());
    }

    [Fact]
    public void M7_DeepCopyReplaceHeadExtraInputsAndOutputs()
    {
        var layer = new Linear(8, 16);
        var before = layer.Weight.ToArray<float>();
        var copy = (Linear)layer.DeepCopy();
        using (Torch.NoGrad()) copy.Weight.Fill_(0.5);
        Assert.Equal(before, layer.Weight.ToArray<float>());
        Assert.NotSame(layer.Weight, copy.Weight);

        var model = new M7ModifyModel.Net();
        model.RequiresGrad_(false);
        model.fc = new Linear(model.fc.InFeatures, 2);
        Assert.Contains("(fc): Linear(in_features=16, out_features=2, bias=True)", model.ToString());
        Assert.Equal([2L, 16], model.StateDict()["fc.weight"].Shape.ToArray());
        Assert.Equal(["fc.weight", "fc.bias"], model.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name));
        Assert.Equal([4L, 2], model.Call(Torch.Randn(4, 8)).Shape.ToArray());

        Assert.Equal([4L, 10], new M7ModifyModel.NetWithExtraInput().Call(Torch.Randn(4, 8), Torch.Ones(4)).Shape.ToArray());
        var (logits, features) = new M7ModifyModel.NetWithExtraOutput().Call(Torch.Randn(4, 8));
        Assert.Equal([4L, 10], logits.Shape.ToArray());
        Assert.Equal([4L, 16], features.Shape.ToArray());
    }

    [Fact]
    public void P1_FitEqualsPyTorchAndPrintsItsOrderedDict()
    {
        var fx = ScenarioFixture.Load("p1");
        var (model, losses) = P1FitLine.Fit();
        ParityAssert.Close(ScenarioFixture.Flat(fx.GetProperty("losses")), losses, 1e-5);
        Assert.Equal(fx.GetProperty("weight").GetDouble(), model.Weight.Item<float>(), 5);
        Assert.Equal(fx.GetProperty("bias").GetDouble(), model.Bias!.Item<float>(), 5);
        Assert.Equal(fx.GetProperty("repr").GetString(), model.StateDict().ToString());
    }

    [Fact]
    public void P2_LossFallsAndThePlotIsWritten()
    {
        var png = Path.Combine(Path.GetTempPath(), $"flint-p2-{Guid.NewGuid():N}.png");
        try
        {
            var losses = P2Regression.Run(200, png);
            Assert.True(losses[^1] < losses[0] / 5, $"loss {losses[0]} -> {losses[^1]}");
            Assert.True(new FileInfo(png).Length > 1000);
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public void P3_ReachesAccuracyOne()
    {
        var png = Path.Combine(Path.GetTempPath(), $"flint-p3-{Guid.NewGuid():N}.png");
        try
        {
            var (steps, accuracy) = P3Classification.Run(png);
            Assert.Equal(1.0, accuracy);
            Assert.InRange(steps, 1, 1000);
            Assert.True(File.Exists(png));
        }
        finally
        {
            File.Delete(png);
        }
    }
}
