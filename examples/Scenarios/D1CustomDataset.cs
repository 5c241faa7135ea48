using Flint.Data;

namespace Flint.Examples.Scenarios;

/// <summary>D1: a custom Dataset with Count and an indexer, a DataLoader with batch size, shuffle, workers and drop_last.</summary>
public sealed class D1CustomDataset : IExample
{
    public string Name => "d1";
    public string Summary => "custom Dataset (__len__/__getitem__), DataLoader(batch_size, shuffle, num_workers, drop_last), next(iter(loader))";

    /// <summary>The seeds' dataset: sample i is (x[i], y[i]) of two tensors.</summary>
    private sealed class MyDataset(Tensor x, Tensor y) : Dataset<(Tensor, Tensor)>
    {
        public override int Count => (int)x.Size(0);

        public override (Tensor, Tensor) this[int index] => (x[index], y[index]);
    }

    public int Run(string[] args, TextWriter o)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 25;
        Torch.ManualSeed(0);
        var dataset = new MyDataset(Torch.Arange(n).Float().Unsqueeze(1), Torch.Arange(n));
        o.WriteLine($"len(dataset) = {dataset.Count}");
        foreach (var dropLast in new[] { false, true })
        {
            var loader = new DataLoader<(Tensor, Tensor)>(dataset, batchSize: 10, shuffle: true, numWorkers: 2, dropLast: dropLast);
            o.WriteLine($"drop_last={dropLast}: len(loader) = {loader.Count}");
            for (int epoch = 0; epoch < 2; epoch++)
            {
                var seen = new List<long>();
                foreach (var (x, y) in loader)
                {
                    o.WriteLine($"  epoch {epoch}: x {x.Shape}, y {y.Shape}");
                    seen.AddRange(y.ToArray<long>());
                }
                o.WriteLine($"  epoch {epoch}: {seen.Count} samples, {seen.Distinct().Count()} distinct");
            }
        }
        var (first, labels) = new DataLoader<(Tensor, Tensor)>(dataset, batchSize: 4).First();
        o.WriteLine($"next(iter(loader)): {first.Shape} {labels}");
        return 0;
    }
}
