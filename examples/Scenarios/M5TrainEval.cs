using Flint.NN;

namespace Flint.Examples.Scenarios;

/// <summary>M5: model.train() and model.eval() switch Dropout and BatchNorm.</summary>
public sealed class M5TrainEval : IExample
{
    public string Name => "m5";
    public string Summary => "Train() makes Dropout drop and BatchNorm use batch statistics; Eval() makes both deterministic";

    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(5);
        var model = new Sequential(new Linear(4, 8), new BatchNorm1d(8), new ReLU(), new Dropout(0.5), new Linear(8, 2));
        var x = Torch.Randn(6, 4);
        model.Train();
        o.WriteLine($"train: {model.Call(x)[0]}");
        o.WriteLine($"train again (new dropout mask): {model.Call(x)[0]}");
        var bn = (BatchNorm1d)model[1];
        o.WriteLine($"running_mean after two batches: {bn.RunningMean}, num_batches_tracked {bn.NumBatchesTracked!.Item<long>()}");
        model.Eval();
        using (Torch.NoGrad())
        {
            o.WriteLine($"eval: {model.Call(x)[0]}");
            o.WriteLine($"eval again (same): {model.Call(x)[0]}");
        }
        o.WriteLine($"running_mean unchanged by eval: {bn.RunningMean}");
        return 0;
    }
}
