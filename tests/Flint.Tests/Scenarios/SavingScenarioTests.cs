using Flint.Examples.Scenarios;
using Flint.NN;

namespace Flint.Tests.Scenarios;

/// <summary>SCENARIOS.md S1-S4 (saving and loading) and P4, P7, P8 as assertions.</summary>
[Collection("DefaultGenerator")]
public class SavingScenarioTests
{
    [Fact]
    public void S1_S2_WholeModelAndStateDictRestoreTheSamePredictions()
    {
        var folder = Directory.CreateTempSubdirectory("flint-s1-test-").FullName;
        try
        {
            var (p1, p2, p3) = S1StateDict.Run(folder, TextWriter.Null);
            Assert.Equal(p1.ToArray<float>(), p2.ToArray<float>());
            Assert.Equal(p1.ToArray<float>(), p3.ToArray<float>());
            Assert.IsType<Sequential>(Torch.Load(Path.Combine(folder, "net.pkl"), weightsOnly: false));
            Assert.Throws<Flint.Serialization.CheckpointFormatException>(() => Torch.Load(Path.Combine(folder, "net.pkl")));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Theory]
    [InlineData("pt")]
    [InlineData("pth")]
    [InlineData("pkl")]
    public void S3_PyTorchsFilesLoadUnderEveryName(string ext)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "fixtures", "scenarios");
        var fx = ScenarioFixture.Load("s3");
        var net = S1StateDict.NewNet();
        Assert.Equal("<All keys matched successfully>",
            net.LoadStateDict(Torch.Load<OrderedDictionary<string, Tensor>>(Path.Combine(dir, "s3_net_params." + ext))).ToString());
        var x = Torch.Tensor(ScenarioFixture.Flat(fx.GetProperty("x")).Select(v => (float)v).ToArray()).Unsqueeze(1);
        using var noGrad = Torch.NoGrad();
        ParityAssert.Close(ScenarioFixture.Flat(fx.GetProperty("y")), net.Call(x).ToArray<float>().Select(v => (double)v).ToArray(), 1e-6);
    }

    [Fact]
    public void S4_ModulePrefixBothWays()
    {
        var parallel = new DataParallel(S1StateDict.NewNet());
        var saved = parallel.StateDict();
        Assert.All(saved.Keys, k => Assert.StartsWith("module.", k));
        var single = S1StateDict.NewNet();
        var e = Assert.Throws<InvalidOperationException>(() => single.LoadStateDict(saved));
        Assert.Contains("ConsumePrefixInStateDictIfPresent", e.Message);
        var stripped = new OrderedDictionary<string, Tensor>(saved);
        ModuleUtils.ConsumePrefixInStateDictIfPresent(stripped, "module.");
        single.LoadStateDict(stripped);
        var wrapped = new DataParallel(S1StateDict.NewNet());
        wrapped.Module.LoadStateDict(single.StateDict());
        var x = Torch.Randn(4, 1);
        Assert.Equal(parallel.Call(x).ToArray<float>(), single.Call(x).ToArray<float>());
        Assert.Equal(parallel.Call(x).ToArray<float>(), wrapped.Call(x).ToArray<float>());
    }

    [Fact]
    public void P4_LossFallsOverEpochs()
    {
        var sums = P4NllDataLoader.Train(30, TextWriter.Null);
        Assert.True(sums[^1] < sums[0], $"epoch loss {sums[0]} -> {sums[^1]}");
    }

    [Fact]
    public void P7_ValAveragesOverTheDataset()
    {
        var model = new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 4));
        var data = P7Evaluate.Clouds(10, 3);
        var loader = new Flint.Data.DataLoader<Tensor[]>(data, batchSize: 7);
        var criterion = new CrossEntropyLoss();
        var (loss, accuracy) = P7Evaluate.Val(model, loader, criterion);
        using var noGrad = Torch.NoGrad();
        var all = model.Call(data.Tensors[0]);
        Assert.Equal(criterion.Call(all, data.Tensors[1]).Item<float>(), loss, 5);
        Assert.Equal(all.Argmax(1).Eq(data.Tensors[1]).Sum().Item<long>() / 40.0, accuracy, 12);
        Assert.False(model.Training);
    }

    [Fact]
    public void P8_CurvesAreTheActivations()
    {
        var x = Torch.Linspace(-5, 5, 200, dtype: DType.Float64);
        var curves = P8Activations.Curves(x).ToDictionary(c => c.Name, c => c.Y.ToArray<double>());
        var xs = x.ToArray<double>();
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.Equal(Math.Max(0, xs[i]), curves["relu"][i], 12);
            Assert.Equal(1 / (1 + Math.Exp(-xs[i])), curves["sigmoid"][i], 12);
            Assert.Equal(Math.Tanh(xs[i]), curves["tanh"][i], 12);
            Assert.Equal(Math.Log(1 + Math.Exp(xs[i])), curves["softplus"][i], 12);
        }
    }
}
