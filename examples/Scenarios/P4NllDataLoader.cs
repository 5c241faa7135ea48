using System.Globalization;
using Flint.Data;
using Flint.NN;
using Flint.Optim;
using F = Flint.NN.Functional;

namespace Flint.Examples.Scenarios;

/// <summary>
/// P4: the seeds' <c>torch.nn</c> walk-through: <c>Net</c> (10->5->2 with ReLU and <c>log_softmax(dim=1)</c>),
/// <c>NLLLoss</c>, SGD lr 0.1, a <c>DataLoader</c> over <c>list(zip(x_train, y_train))</c> with batch 10 and shuffling,
/// 100 epochs, printing <c>loss.item()</c> summed over each epoch.
/// </summary>
public sealed class P4NllDataLoader : IExample
{
    /// <inheritdoc/>
    public string Name => "p4";

    /// <inheritdoc/>
    public string Summary => "Net(10->5->2) + log_softmax + NLLLoss, SGD lr 0.1, DataLoader(zip(x, y), batch 10, shuffle), epochs (default 100)";

    /// <summary>The seeds' network.</summary>
    public sealed class Net : Module<Tensor, Tensor>
    {
        private readonly Linear fc1 = new(10, 5);
        private readonly Linear fc2 = new(5, 2);

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x) => F.LogSoftmax(fc2.Call(F.Relu(fc1.Call(x))), dim: 1);
    }

    /// <summary>Trains for <paramref name="epochs"/> epochs; returns the summed loss of each.</summary>
    public static double[] Train(int epochs, TextWriter o)
    {
        Torch.ManualSeed(0);
        var xTrain = Torch.Randn(100, 10);
        var yTrain = Torch.Randint(0, 2, [100]);
        var model = new Net();
        var optimizer = new SGD(model.Parameters(), lr: 0.1);
        var criterion = new NLLLoss();
        var zipped = Enumerable.Range(0, 100).Select(i => (xTrain[i], yTrain[i])).ToList();
        var loader = new DataLoader<(Tensor, Tensor)>(zipped, batchSize: 10, shuffle: true);
        var sums = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            double runningLoss = 0;
            foreach (var (xBatch, yBatch) in loader)
            {
                optimizer.ZeroGrad();
                var yPred = model.Call(xBatch);
                var loss = criterion.Call(yPred, yBatch);
                loss.Backward();
                optimizer.Step();
                runningLoss += loss.Item<float>();
            }
            sums[epoch] = runningLoss;
            if (epoch % 10 == 0 || epoch == epochs - 1) o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch}: Loss = {runningLoss}"));
        }
        return sums;
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        Train(args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100, o);
        return 0;
    }
}
