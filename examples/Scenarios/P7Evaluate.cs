using System.Globalization;
using Flint.Data;
using Flint.NN;
using Flint.Optim;

namespace Flint.Examples.Scenarios;

/// <summary>
/// P7: the seeds' <c>train(epoch)</c> / <c>val(epoch)</c> pair: <c>model.train()</c> and <c>model.eval()</c>, the
/// validation pass under <c>no_grad()</c> with <c>argmax(output, 1)</c>, <c>loss.item() * data.size(0)</c> summed and
/// divided by <c>len(loader.dataset)</c>, and the accuracy counted with <c>sum(preds == label)</c>; here on four
/// Gaussian clouds in 8 dimensions.
/// </summary>
public sealed class P7Evaluate : IExample
{
    /// <inheritdoc/>
    public string Name => "p7";

    /// <inheritdoc/>
    public string Summary => "train(epoch) / val(epoch): eval(), no_grad(), argmax, loss.item()*size(0) / len(dataset), accuracy";

    /// <summary>Four clouds of <paramref name="n"/> points each around fixed centres, labelled 0-3; the seed draws the points.</summary>
    public static TensorDataset Clouds(int n, long seed)
    {
        var centres = Torch.Randn([4, 8], generator: new Generator().ManualSeed(0)) * 2;
        var g = new Generator().ManualSeed(seed);
        var labels = Torch.Arange(4).RepeatInterleave(n);
        var points = centres.IndexSelect(0, labels) + Torch.Randn([4L * n, 8], generator: g);
        return new TensorDataset(points, labels);
    }

    /// <summary>The seeds' <c>val</c>: the mean loss over the dataset and the accuracy.</summary>
    public static (double Loss, double Accuracy) Val(Module<Tensor, Tensor> model, DataLoader<Tensor[]> loader, CrossEntropyLoss criterion)
    {
        model.Eval();
        double valLoss = 0;
        long runningAccu = 0;
        using (Torch.NoGrad())
        {
            foreach (var batch in loader)
            {
                var (data, label) = (batch[0].Tensor, batch[1].Tensor);
                var output = model.Call(data);
                var preds = Torch.Argmax(output, 1);
                var loss = criterion.Call(output, label);
                valLoss += loss.Item<float>() * data.Size(0);
                runningAccu += preds.Eq(label).Sum().Item<long>();
            }
        }
        int n = loader.Dataset.Count();
        return (valLoss / n, (double)runningAccu / n);
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(0);
        var trainLoader = new DataLoader<Tensor[]>(Clouds(100, 1), batchSize: 32, shuffle: true);
        var valLoader = new DataLoader<Tensor[]>(Clouds(25, 2), batchSize: 32);
        var model = new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 4));
        var criterion = new CrossEntropyLoss();
        var optimizer = new Adam(model.Parameters(), lr: 0.01);
        for (int epoch = 1; epoch <= 5; epoch++)
        {
            model.Train();
            double trainLoss = 0;
            foreach (var batch in trainLoader)
            {
                var (data, label) = (batch[0].Tensor, batch[1].Tensor);
                optimizer.ZeroGrad();
                var loss = criterion.Call(model.Call(data), label);
                loss.Backward();
                optimizer.Step();
                trainLoss += loss.Item<float>() * data.Size(0);
            }
            trainLoss /= trainLoader.Dataset.Count();
            var (valLoss, accuracy) = Val(model, valLoader, criterion);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Epoch: {epoch} \tTraining Loss: {trainLoss:F6} \tValidation Loss: {valLoss:F6} \tAccuracy: {accuracy:F4}"));
        }
        return 0;
    }
}
