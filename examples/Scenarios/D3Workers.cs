using Flint.Data;

namespace Flint.Examples.Scenarios;

/// <summary>D3: num_workers &gt; 0 loads in parallel and gives the same batches as 0 workers for the same seed.</summary>
public sealed class D3Workers : IExample
{
    public string Name => "d3";
    public string Summary => "num_workers=2 loads on worker threads and gives the batches of num_workers=0 for the same seed";

    private sealed class Slow : Dataset<(Tensor, long)>
    {
        public override int Count => 64;

        public override (Tensor, long) this[int index]
        {
            get
            {
                Thread.Sleep(2); // a stand-in for decoding a file
                var worker = DataLoader.GetWorkerInfo()?.Id ?? -1;
                return (Torch.Full([3], (double)index), worker);
            }
        }
    }

    public int Run(string[] args, TextWriter o)
    {
        var batches = new Dictionary<int, List<float[]>>();
        foreach (var workers in new[] { 0, 2 })
        {
            var loader = new DataLoader<(Tensor, long)>(new Slow(), batchSize: 8, shuffle: true, numWorkers: workers,
                generator: new Generator().ManualSeed(42));
            var sw = System.Diagnostics.Stopwatch.StartNew();
            batches[workers] = [];
            var ids = new SortedSet<long>();
            foreach (var (x, worker) in loader)
            {
                batches[workers].Add(x.Contiguous().ToArray<float>());
                foreach (var w in worker.ToArray<long>()) ids.Add(w);
            }
            o.WriteLine($"num_workers={workers}: {batches[workers].Count} batches in {sw.ElapsedMilliseconds} ms, loaded by workers [{string.Join(", ", ids)}]");
        }
        bool same = batches[0].Count == batches[2].Count && batches[0].Zip(batches[2]).All(p => p.First.SequenceEqual(p.Second));
        o.WriteLine($"same batches: {same}");
        return same ? 0 : 1;
    }
}
