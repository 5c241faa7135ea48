using Flint.Data;

namespace Flint.Tests.Data;

/// <summary>DataLoader properties: coverage per epoch, order, last batch, workers equal to none, errors.</summary>
public class DataLoaderTests
{
    /// <summary>The seeds' custom Dataset: sample i is (a row of 10 values, i).</summary>
    private sealed class Rows(int n) : Dataset<(Tensor Data, long Index)>
    {
        public override int Count => n;

        public override (Tensor Data, long Index) this[int index] =>
            (Torch.Full([10], (double)index), index);
    }

    private static List<long> Indices(IEnumerable<Batch> loader) =>
        loader.SelectMany(b => b[1].Tensor.ToArray<long>()).ToList();

    [Theory]
    [InlineData(25, 10, false, 0)]
    [InlineData(25, 10, true, 0)]
    [InlineData(25, 5, false, 2)]
    [InlineData(7, 3, false, 2)]
    [InlineData(100, 9, true, 3)]
    public void EverySampleExactlyOncePerEpoch(int n, int batchSize, bool shuffle, int workers)
    {
        var loader = new DataLoader<(Tensor, long)>(new Rows(n), batchSize: batchSize, shuffle: shuffle, numWorkers: workers,
            generator: new Generator().ManualSeed(1));
        var first = Indices(loader);
        var second = Indices(loader);
        Assert.Equal(Enumerable.Range(0, n).Select(i => (long)i), first.Order());
        Assert.Equal(Enumerable.Range(0, n).Select(i => (long)i), second.Order());
        if (shuffle) Assert.NotEqual(first, second); // a new epoch draws a new order
        else Assert.Equal(Enumerable.Range(0, n).Select(i => (long)i), first);
        Assert.Equal((n + batchSize - 1) / batchSize, loader.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void LastPartialBatchKeptOrDropped(int workers)
    {
        var keep = new DataLoader<(Tensor, long)>(new Rows(25), batchSize: 10, numWorkers: workers).ToList();
        Assert.Equal([10, 10, 5], keep.Select(b => (int)b[0].Tensor.Size(0)));
        var drop = new DataLoader<(Tensor, long)>(new Rows(25), batchSize: 10, dropLast: true, numWorkers: workers).ToList();
        Assert.Equal([10, 10], drop.Select(b => (int)b[0].Tensor.Size(0)));
        Assert.Equal(2, new DataLoader<(Tensor, long)>(new Rows(25), batchSize: 10, dropLast: true).Count);
    }

    [Fact]
    public void TuplesOfTensorsAndNumbersCollateToD2Shapes()
    {
        var loader = new DataLoader<(Tensor, long)>(new Rows(30), batchSize: 10, shuffle: true);
        var (data, index) = loader.First();
        Assert.Equal([10, 10], data.Shape.ToArray());
        Assert.Equal([10], index.Shape.ToArray());
        Assert.Equal(DType.Int64, index.DType);
        Assert.Equal(DType.Float32, data.DType);
        // Row i of the data holds the value i: the two parts stay aligned.
        Assert.Equal(index.ToArray<long>().Select(v => (float)v), data.Select(1, 0).ToArray<float>());
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 1)]
    [InlineData(2, 4)]
    public void WorkersGiveTheBatchesOfNoWorkersForTheSameSeed(int workers, int prefetch)
    {
        List<(float[], long[])> Run(int w)
        {
            var loader = new DataLoader<(Tensor, long)>(new Rows(53), batchSize: 4, shuffle: true, numWorkers: w,
                generator: new Generator().ManualSeed(99), prefetchFactor: w == 0 ? 2 : prefetch);
            var r = new List<(float[], long[])>();
            for (int epoch = 0; epoch < 2; epoch++)
                foreach (var (x, y) in loader) r.Add((x.Contiguous().ToArray<float>(), y.ToArray<long>()));
            loader.Dispose();
            return r;
        }
        var zero = Run(0);
        var many = Run(workers);
        Assert.Equal(zero.Count, many.Count);
        for (int i = 0; i < zero.Count; i++)
        {
            Assert.Equal(zero[i].Item1, many[i].Item1);
            Assert.Equal(zero[i].Item2, many[i].Item2);
        }
    }

    [Fact]
    public void WorkersLoadInParallel()
    {
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        var ds = new ListDataset<int>(Enumerable.Range(0, 40).ToList());
        var slow = new Lambda<int>(ds, i =>
        {
            threads[Environment.CurrentManagedThreadId] = true;
            Thread.Sleep(5);
            return i;
        });
        var loader = new DataLoader<int>(slow, batchSize: 2, numWorkers: 3);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), loader.SelectMany(b => b.Tensor.ToArray<long>()));
        Assert.Equal(3, threads.Count);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, threads.Keys);
    }

    [Fact]
    public void WorkersRunTheirKernelsOnOneThreadAsPyTorchsDo()
    {
        // PyTorch's workers call torch.set_num_threads(1); the loading thread keeps its threads.
        var ds = new ListDataset<int>(Enumerable.Range(0, 8).ToList());
        var threadsSeen = new Lambda<int>(ds, _ => Flint.Backends.Cpu.Parallelism.ThreadsFor(1L << 40));
        int saved = Torch.GetNumThreads();
        try
        {
            Torch.SetNumThreads(2);
            var loader = new DataLoader<int>(threadsSeen, batchSize: 4, numWorkers: 2);
            Assert.All(loader.SelectMany(b => b.Tensor.ToArray<long>()), n => Assert.Equal(1, n));
            Assert.Equal(2, Flint.Backends.Cpu.Parallelism.ThreadsFor(1L << 40));
        }
        finally
        {
            Torch.SetNumThreads(saved);
        }
    }

    private sealed class Lambda<T>(IReadOnlyList<T> inner, Func<T, T> f) : Dataset<T>
    {
        public override int Count => inner.Count;

        public override T this[int index] => f(inner[index]);
    }

    private sealed class Failing(int bad) : Dataset<Tensor>
    {
        public override int Count => 20;

        public override Tensor this[int index] =>
            index == bad ? throw new InvalidDataException($"sample {index} is broken") : Torch.Zeros(2);
    }

    [Fact]
    public void WorkerExceptionReachesTheCallerWithTheFailingIndex()
    {
        var loader = new DataLoader<Tensor>(new Failing(13), batchSize: 4, numWorkers: 2);
        int seen = 0;
        var ex = Assert.Throws<DataLoaderWorkerException>(() =>
        {
            foreach (var _ in loader) seen++;
        });
        Assert.Equal(13, ex.Index);
        Assert.Equal(1, ex.WorkerId); // batch 3 (indices 12..15) went to worker 1 round-robin
        Assert.IsType<InvalidDataException>(ex.InnerException);
        Assert.Contains("Caught InvalidDataException in DataLoader worker 1 while loading index 13", ex.Message);
        Assert.Contains("sample 13 is broken", ex.Message);
        Assert.Equal(3, seen); // the batches before it were delivered in order
        // Without workers the exception propagates as it is, as in PyTorch.
        Assert.Throws<InvalidDataException>(() => new DataLoader<Tensor>(new Failing(13), batchSize: 4).ToList());
    }

    [Fact]
    public void WorkerTimeout()
    {
        var slow = new Lambda<int>(new ListDataset<int>([1, 2, 3]), i =>
        {
            Thread.Sleep(400);
            return i;
        });
        var loader = new DataLoader<int>(slow, batchSize: 1, numWorkers: 1, timeout: 0.05);
        var ex = Assert.Throws<TimeoutException>(() => loader.First());
        Assert.Equal("DataLoader timed out after 0.05 seconds", ex.Message);
    }

    [Fact]
    public void BreakingOutOfAnEpochThenStartingAgain()
    {
        var loader = new DataLoader<(Tensor, long)>(new Rows(40), batchSize: 4, numWorkers: 2, persistentWorkers: true);
        Assert.Equal([0L, 1, 2, 3], loader.First()[1].Tensor.ToArray<long>());
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), Indices(loader));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), Indices(loader));
        loader.Dispose();
    }

    [Fact]
    public void WorkerInitFnRunsOnEachWorker()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<int>();
        var loader = new DataLoader<int>(Enumerable.Range(0, 12).ToList(), batchSize: 2, numWorkers: 3, workerInitFn: ids.Add);
        Assert.Equal(6, loader.Count());
        Assert.Equal([0, 1, 2], ids.Order());
    }

    private sealed class Stream(int n) : IterableDataset<int>, IReadOnlyCollection<int>
    {
        public int Count => n;

        public override IEnumerator<int> GetEnumerator()
        {
            // Split the stream between workers, as PyTorch's documentation shows with get_worker_info().
            var info = DataLoader.GetWorkerInfo();
            int id = info?.Id ?? 0, workers = info?.NumWorkers ?? 1;
            for (int i = id; i < n; i += workers) yield return i;
        }
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(2, false)]
    [InlineData(2, true)]
    public void IterableDatasets(int workers, bool dropLast)
    {
        var loader = new DataLoader<int>(new Stream(11), batchSize: 3, numWorkers: workers, dropLast: dropLast);
        var batches = loader.Select(b => b.Tensor.ToArray<long>()).ToList();
        var all = batches.SelectMany(b => b).Order().ToList();
        if (workers == 0)
        {
            Assert.Equal(dropLast ? 3 : 4, batches.Count);
            Assert.Equal(dropLast ? 9 : 11, all.Count);
        }
        else
        {
            // Worker 0 streams 0,2,..,10 (6 items), worker 1 streams 1,3,..,9 (5): batches alternate between them.
            Assert.Equal([0L, 2, 4], batches[0]);
            Assert.Equal([1L, 3, 5], batches[1]);
            // With drop_last, worker 1's last partial batch [7, 9] is dropped.
            Assert.Equal(dropLast ? [0L, 1, 2, 3, 4, 5, 6, 8, 10] : Enumerable.Range(0, 11).Select(i => (long)i).ToList(), all);
        }
        Assert.Equal(dropLast ? 3 : 4, loader.Count);
    }

    [Fact]
    public void NoAutomaticBatching()
    {
        var loader = new DataLoader<(Tensor, long)>(new Rows(3), batchSize: null);
        var items = loader.ToList();
        Assert.Equal(3, items.Count);
        Assert.Equal([10L], items[0][0].Tensor.Shape.ToArray());
        Assert.Equal(2L, items[2][1].Value);
        Assert.Equal(3, loader.Count);
    }

    [Fact]
    public void TypedCollateFunction()
    {
        var loader = new DataLoader<(Tensor, long), (Tensor, long[])>(new Rows(9), batch =>
            (Torch.Stack(batch.Select(s => s.Item1).ToList()), batch.Select(s => s.Item2).ToArray()), batchSize: 4, numWorkers: 2);
        var sizes = loader.Select(b => (b.Item1.Size(0), b.Item2.Length)).ToList();
        Assert.Equal([(4L, 4), (4L, 4), (1L, 1)], sizes);
    }

    [Fact]
    public void SamplerAndBatchSampler()
    {
        var data = Enumerable.Range(0, 10).ToList();
        var bySampler = new DataLoader<int>(data, batchSize: 3, sampler: new[] { 9, 8, 7, 1 });
        Assert.Equal([[9L, 8, 7], [1L]], bySampler.Select(b => b.Tensor.ToArray<long>()));
        var byBatches = new DataLoader<int>(data, batchSampler: new[] { new[] { 1, 2 }, new[] { 5 } });
        Assert.Equal([[1L, 2], [5L]], byBatches.Select(b => b.Tensor.ToArray<long>()));
    }

    [Fact]
    public void ArgumentErrorsUsePyTorchsWords()
    {
        var data = Enumerable.Range(0, 10).ToList();
        Assert.Equal("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.",
            Assert.Throws<ArgumentException>(() => new DataLoader<int>(data, numWorkers: -1)).Message);
        Assert.Equal("sampler option is mutually exclusive with shuffle",
            Assert.Throws<ArgumentException>(() => new DataLoader<int>(data, shuffle: true, sampler: new[] { 1 })).Message);
        Assert.Equal("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last",
            Assert.Throws<ArgumentException>(() => new DataLoader<int>(data, batchSize: 2, batchSampler: new[] { new[] { 1 } })).Message);
        Assert.Equal("persistent_workers option needs num_workers > 0",
            Assert.Throws<ArgumentException>(() => new DataLoader<int>(data, persistentWorkers: true)).Message);
        Assert.Equal("timeout option should be non-negative",
            Assert.Throws<ArgumentException>(() => new DataLoader<int>(data, timeout: -1)).Message);
        Assert.Equal("batch_size=None option disables auto-batching and is mutually exclusive with drop_last",
            Assert.Throws<ArgumentException>(() => new DataLoader<int>(data, batchSize: null, dropLast: true)).Message);
        Assert.StartsWith("prefetch_factor option could only be specified in multiprocessing",
            Assert.Throws<ArgumentException>(() => new DataLoader<int>(data, prefetchFactor: 4)).Message);
        Assert.Equal("batch_size should be a positive integer value, but got batch_size=0",
            Assert.Throws<ArgumentException>(() => new DataLoader<int>(data, batchSize: 0)).Message);
        Assert.Equal("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found <class 'System.Object'>",
            Assert.Throws<ArgumentException>(() => Collate.Default(new[] { new object() })).Message);
        Assert.Equal("each element in list of batch should be of equal size",
            Assert.Throws<InvalidOperationException>(() => Collate.Default(new[] { new[] { 1, 2 }, new[] { 3 } })).Message);
    }

    private sealed record Sample(Tensor Image, int Label, string Name);

    [Fact]
    public void RecordsCollateByProperty()
    {
        var samples = Enumerable.Range(0, 3).Select(i => new Sample(Torch.Ones(1, 2, 2), i, "n" + i)).ToList();
        var b = Collate.Default(samples);
        Assert.Equal(["Image", "Label", "Name"], b.Keys);
        Assert.Equal([3L, 1, 2, 2], b["Image"].Tensor.Shape.ToArray());
        Assert.Equal([0L, 1, 2], b["Label"].Tensor.ToArray<long>());
        Assert.Equal("n2", b["Name"][2].Value);
    }

    [Fact]
    public void DatasetsCompose()
    {
        var a = new ListDataset<int>([0, 1, 2]);
        var b = new ListDataset<int>([3, 4]);
        var both = a + b;
        Assert.Equal(5, both.Count);
        Assert.Equal([0, 1, 2, 3, 4], both.ToArray());
        Assert.Equal(4, both[-1]);
        Assert.Equal([3, 5], both.CumulativeSizes);
        Assert.Equal("absolute value of index should not exceed dataset length", Assert.Throws<ArgumentException>(() => both[-6]).Message);
        var sub = new Subset<int>(both, [4, 0]);
        Assert.Equal([4, 0], sub.ToArray());
        var td = new TensorDataset(Torch.Arange(6).View(3, 2), Torch.Arange(3));
        Assert.Equal(3, td.Count);
        Assert.Equal([4L, 5], td[2][0].ToArray<long>());
        Assert.Equal("Size mismatch between tensors", Assert.Throws<ArgumentException>(() => new TensorDataset(Torch.Zeros(3), Torch.Zeros(4))).Message);
        Assert.Equal("Sum of input lengths does not equal the length of the input dataset!",
            Assert.Throws<ArgumentException>(() => Datasets.RandomSplit(both, new long[] { 2, 2 })).Message);
        Assert.Equal([3, 2], Datasets.RandomSplit(both, [3, 2], new Generator().ManualSeed(0)).Select(p => p.Count));
        Assert.Equal([3, 2], Datasets.RandomSplit(both, [0.6, 0.4], new Generator().ManualSeed(0)).Select(p => p.Count));
        var (x, y) = new DataLoader<Tensor[]>(td, batchSize: 3).First();
        Assert.Equal([3L, 2], x.Shape.ToArray());
        Assert.Equal([3L], y.Shape.ToArray());
    }
}
