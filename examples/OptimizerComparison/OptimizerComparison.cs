using System.Globalization;
using Flint.NN;
using Flint.Optim;

namespace Flint.Examples.OptimizerComparison;

/// <summary>
/// The seed's optimizer comparison (SGD, Momentum, AdaGrad, RMSProp, Adam): five copies of one small regression net
/// fit <c>y = x² + 0.1·noise</c> on 1000 points in shuffled mini-batches, each with its own optimizer, and the loss
/// curves are summarised per epoch.
/// </summary>
public sealed class OptimizerComparison : IExample
{
    /// <inheritdoc/>
    public string Name => "optimizers";

    /// <inheritdoc/>
    public string Summary => "SGD, Momentum, AdaGrad, RMSprop and Adam on the same regression: loss per epoch";

    /// <summary>The 1-20-1 ReLU net of the seed (<c>hidden = Linear(1, 20)</c>, <c>predict = Linear(20, 1)</c>).</summary>
    private sealed class Net : Module<Tensor, Tensor>
    {
        private readonly Linear hidden = new(1, 20);
        private readonly Linear predict = new(20, 1);

        public override Tensor Forward(Tensor x) => predict.Call(Functional.Relu(hidden.Call(x)));
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter output) =>
        Run(output, args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 12);

    /// <summary>Trains the five nets for <paramref name="epochs"/> epochs and writes each one's loss per epoch.</summary>
    public static int Run(TextWriter output, int epochs)
    {
        const double lr = 0.01;
        const int batchSize = 32;
        Torch.ManualSeed(1);
        var x = Torch.Linspace(-1, 1, 1000).Unsqueeze(1);
        var y = x.Pow(2).Add(Torch.Normal(0, 1, x.Size()).Mul(0.1));

        var nets = Enumerable.Range(0, 5).Select(_ => new Net()).ToArray();
        var names = new[] { "SGD", "Momentum", "AdaGrad", "RMSprop", "Adam" };
        var optimizers = new Optimizer[]
        {
            new SGD(nets[0].Parameters(), lr: lr),
            new SGD(nets[1].Parameters(), lr: lr, momentum: 0.8),
            new Adagrad(nets[2].Parameters(), lr: lr),
            new RMSprop(nets[3].Parameters(), lr: lr, alpha: 0.9),
            new Adam(nets[4].Parameters(), lr: lr, betas: (0.9, 0.99)),
        };
        var lossFunc = new MSELoss();
        var epochLoss = new double[names.Length, epochs];
        var lastBatch = new double[names.Length];
        long n = x.Size(0);
        int batches = (int)((n + batchSize - 1) / batchSize);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var order = Torch.Randperm(n);
            for (int b = 0; b < batches; b++)
            {
                var idx = order.Slice(0, b * batchSize, Math.Min(n, (b + 1) * batchSize));
                var bx = x.IndexSelect(0, idx);
                var by = y.IndexSelect(0, idx);
                for (int k = 0; k < nets.Length; k++)
                {
                    var loss = lossFunc.Call(nets[k].Call(bx), by);
                    optimizers[k].ZeroGrad();
                    loss.Backward();
                    optimizers[k].Step();
                    lastBatch[k] = loss.Item<double>();
                    epochLoss[k, epoch] += lastBatch[k] / batches;
                }
            }
        }

        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"Fitting y = x^2 + 0.1*noise: 1000 points, batch {batchSize}, lr {lr}, {epochs} epochs (mean MSE per epoch)"));
        output.Write("epoch ");
        foreach (var name in names) output.Write($"{name,10}");
        output.WriteLine();
        for (int e = 0; e < epochs; e++)
        {
            output.Write($"{e + 1,5} ");
            for (int k = 0; k < names.Length; k++) output.Write(epochLoss[k, e].ToString("0.000000", inv).PadLeft(10));
            output.WriteLine();
        }
        output.WriteLine();
        for (int k = 0; k < names.Length; k++)
        {
            double first = epochLoss[k, 0], last = epochLoss[k, epochs - 1];
            output.WriteLine(string.Create(inv,
                $"{names[k],-9} first epoch {first:0.000000}  last epoch {last:0.000000}  last batch {lastBatch[k]:0.000000}  ({(first - last) / first * 100:0}% lower)"));
        }
        return 0;
    }
}
