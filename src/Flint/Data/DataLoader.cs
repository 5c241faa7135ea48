using System.Collections;

namespace Flint.Data;

/// <summary>
/// Iterates a dataset in batches (<c>torch.utils.data.DataLoader</c>) and gives each batch as the collate function
/// makes it. Map-style datasets (any <see cref="IReadOnlyList{T}"/>, <see cref="Dataset{T}"/> included) are read
/// through a sampler; iterable datasets are read in order. Each enumeration is one epoch. With
/// <c>numWorkers &gt; 0</c>, worker threads load and collate whole batches in parallel, up to
/// <c>prefetchFactor</c> batches each ahead of the consumer, and the batches come back in sampler order, so
/// they equal those of <c>numWorkers: 0</c>. Worker <c>i</c> has its own generator seeded with
/// <c>base_seed + i</c>, where <c>base_seed</c> is drawn from <c>generator</c> when an epoch's iterator is made,
/// as PyTorch draws it; random transforms use it (see <see cref="DataLoader.GetWorkerInfo"/>). Tensor ops in a worker
/// run on that worker's thread alone, as PyTorch's workers run with <c>torch.set_num_threads(1)</c>.
/// </summary>
/// <typeparam name="T">The sample type.</typeparam>
/// <typeparam name="TBatch">What the collate function makes of a list of samples.</typeparam>
public class DataLoader<T, TBatch> : IEnumerable<TBatch>, IDisposable
{
    private readonly IReadOnlyList<T>? mapDataset;
    private readonly IterableDataset<T>? iterableDataset;
    private readonly Func<IReadOnlyList<T>, TBatch> collate;
    private readonly Func<T, TBatch> convert;
    private WorkerPool<T, TBatch>? persistentPool;

    /// <summary>
    /// A loader over a map-style dataset (<c>DataLoader(dataset, batch_size=1, shuffle=None, sampler=None,
    /// batch_sampler=None, num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
    /// worker_init_fn=None, generator=None, *, prefetch_factor=2, persistent_workers=False)</c>).
    /// <paramref name="batchSize"/> null turns automatic batching off: each sample is then given to
    /// <paramref name="collateFn"/> alone, as a one-item list.
    /// </summary>
    public DataLoader(IReadOnlyList<T> dataset, Func<IReadOnlyList<T>, TBatch> collateFn, int? batchSize = 1, bool shuffle = false,
        IEnumerable<int>? sampler = null, IEnumerable<int[]>? batchSampler = null, int numWorkers = 0, bool pinMemory = false,
        bool dropLast = false, double timeout = 0, Action<int>? workerInitFn = null, Generator? generator = null,
        int prefetchFactor = 2, bool persistentWorkers = false)
        : this(dataset, null, collateFn ?? throw new ArgumentNullException(nameof(collateFn)), s => collateFn([s]), batchSize, shuffle,
            sampler, batchSampler, numWorkers, pinMemory, dropLast, timeout, workerInitFn, generator, prefetchFactor, persistentWorkers)
    {
    }

    /// <summary>
    /// A loader over an iterable dataset (<c>DataLoader(iterable_dataset, batch_size, ...)</c>): samples are taken
    /// in the dataset's order; each worker enumerates its own copy.
    /// </summary>
    public DataLoader(IterableDataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collateFn, int? batchSize = 1, int numWorkers = 0,
        bool pinMemory = false, bool dropLast = false, double timeout = 0, Action<int>? workerInitFn = null, Generator? generator = null,
        int prefetchFactor = 2, bool persistentWorkers = false)
        : this(null, dataset, collateFn ?? throw new ArgumentNullException(nameof(collateFn)), s => collateFn([s]), batchSize, false,
            null, null, numWorkers, pinMemory, dropLast, timeout, workerInitFn, generator, prefetchFactor, persistentWorkers)
    {
    }

    private protected DataLoader(IReadOnlyList<T>? map, IterableDataset<T>? iterable, Func<IReadOnlyList<T>, TBatch> collate,
        Func<T, TBatch> convert, int? batchSize, bool shuffle, IEnumerable<int>? sampler, IEnumerable<int[]>? batchSampler,
        int numWorkers, bool pinMemory, bool dropLast, double timeout, Action<int>? workerInitFn, Generator? generator,
        int prefetchFactor, bool persistentWorkers)
    {
        if (map is null && iterable is null) throw new ArgumentNullException("dataset");
        if (numWorkers < 0)
            throw new ArgumentException("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
        if (timeout < 0) throw new ArgumentException("timeout option should be non-negative");
        if (numWorkers == 0 && prefetchFactor != 2)
            throw new ArgumentException("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing.");
        if (prefetchFactor <= 0) throw new ArgumentException($"prefetch_factor should be positive, but got {prefetchFactor}");
        if (persistentWorkers && numWorkers == 0) throw new ArgumentException("persistent_workers option needs num_workers > 0");
        if (sampler is not null && shuffle) throw new ArgumentException("sampler option is mutually exclusive with shuffle");
        if (batchSampler is not null)
        {
            if (batchSize != 1 || shuffle || sampler is not null || dropLast)
                throw new ArgumentException("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last");
            batchSize = null;
        }
        else if (batchSize is null && dropLast)
            throw new ArgumentException("batch_size=None option disables auto-batching and is mutually exclusive with drop_last");

        mapDataset = map;
        iterableDataset = iterable;
        this.collate = collate;
        this.convert = convert;
        NumWorkers = numWorkers;
        PrefetchFactor = prefetchFactor;
        PinMemory = pinMemory;
        Timeout = timeout;
        WorkerInitFn = workerInitFn;
        PersistentWorkers = persistentWorkers;
        Generator = generator;
        DropLast = dropLast;
        if (map is not null)
        {
            sampler ??= shuffle ? RandomSampler.Of(map, generator: generator) : SequentialSampler.Of(map);
            if (batchSize is { } bs && batchSampler is null) batchSampler = new BatchSampler(sampler, bs, dropLast);
        }
        Sampler = sampler;
        BatchSampler = batchSampler;
        BatchSize = batchSize;
    }

    /// <summary>The dataset (<c>loader.dataset</c>): a map-style list or an <see cref="IterableDataset{T}"/>.</summary>
    public IEnumerable<T> Dataset => (IEnumerable<T>?)mapDataset ?? iterableDataset!;

    /// <summary>The batch size (<c>loader.batch_size</c>); null when batching is off or a batch sampler is given.</summary>
    public int? BatchSize { get; }

    /// <summary>Whether a last, smaller batch is dropped (<c>loader.drop_last</c>).</summary>
    public bool DropLast { get; }

    /// <summary>The sampler of single indices (<c>loader.sampler</c>); null for an iterable dataset.</summary>
    public IEnumerable<int>? Sampler { get; }

    /// <summary>The sampler of index batches (<c>loader.batch_sampler</c>); null when batching is off.</summary>
    public IEnumerable<int[]>? BatchSampler { get; }

    /// <summary>The number of worker threads (<c>loader.num_workers</c>).</summary>
    public int NumWorkers { get; }

    /// <summary>Batches each worker loads ahead (<c>loader.prefetch_factor</c>).</summary>
    public int PrefetchFactor { get; }

    /// <summary>Kept for PyTorch's signature (<c>loader.pin_memory</c>); CPU tensors here are already pinned managed memory.</summary>
    public bool PinMemory { get; }

    /// <summary>Seconds to wait for a batch from the workers before failing (<c>loader.timeout</c>); 0 waits forever.</summary>
    public double Timeout { get; }

    /// <summary>Called with the worker id on each worker thread before it loads anything (<c>worker_init_fn</c>).</summary>
    public Action<int>? WorkerInitFn { get; }

    /// <summary>Whether workers stay alive between epochs (<c>loader.persistent_workers</c>).</summary>
    public bool PersistentWorkers { get; }

    /// <summary>The generator for the shuffle order and the workers' base seed (<c>loader.generator</c>).</summary>
    public Generator? Generator { get; }

    /// <summary>
    /// The number of batches per epoch (<c>len(loader)</c>). For an iterable dataset it needs the dataset to be an
    /// <see cref="IReadOnlyCollection{T}"/>, and is its length divided by the batch size.
    /// </summary>
    public int Count
    {
        get
        {
            if (iterableDataset is not null)
            {
                if (iterableDataset is not IReadOnlyCollection<T> sized)
                    throw new InvalidOperationException($"object of type '{iterableDataset.GetType().Name}' has no len()");
                int length = sized.Count;
                return BatchSize is not { } bs ? length : DropLast ? length / bs : (length + bs - 1) / bs;
            }
            if (BatchSampler is not null)
                return BatchSampler switch
                {
                    Sampler<int[]> s => s.Count,
                    IReadOnlyCollection<int[]> c => c.Count,
                    _ => throw new InvalidOperationException("the batch sampler of this DataLoader has no length"),
                };
            return Sampler switch
            {
                Sampler<int> s => s.Count,
                IReadOnlyCollection<int> c => c.Count,
                _ => throw new InvalidOperationException("the sampler of this DataLoader has no length"),
            };
        }
    }

    /// <summary>
    /// Starts an epoch (<c>iter(loader)</c>). The workers' base seed is drawn here, before the sampler draws its
    /// order, as in PyTorch; with persistent workers it is drawn once, for the first epoch.
    /// </summary>
    public IEnumerator<TBatch> GetEnumerator()
    {
        if (NumWorkers == 0)
        {
            RandomSampler.DrawSeed(Generator);
            return SingleThreaded();
        }
        if (PersistentWorkers)
        {
            persistentPool ??= new WorkerPool<T, TBatch>(this, RandomSampler.DrawSeed(Generator));
            return persistentPool.Epoch(disposeAtEnd: false);
        }
        return new WorkerPool<T, TBatch>(this, RandomSampler.DrawSeed(Generator)).Epoch(disposeAtEnd: true);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Stops persistent workers, if any (PyTorch stops them when the loader is collected).</summary>
    public void Dispose()
    {
        persistentPool?.Dispose();
        persistentPool = null;
        GC.SuppressFinalize(this);
    }

    private IEnumerator<TBatch> SingleThreaded()
    {
        if (mapDataset is not null)
        {
            if (BatchSampler is not null)
            {
                foreach (var indices in BatchSampler) yield return Fetch(indices);
            }
            else
            {
                foreach (var i in Sampler!) yield return convert(mapDataset[i]);
            }
            yield break;
        }
        using var e = iterableDataset!.GetEnumerator();
        while (true)
        {
            var (ok, batch) = FetchIterable(e);
            if (!ok) yield break;
            yield return batch!;
        }
    }

    internal IReadOnlyList<T>? MapDataset => mapDataset;

    internal IterableDataset<T>? IterableSource => iterableDataset;

    internal TBatch Fetch(int[] indices)
    {
        var samples = new T[indices.Length];
        for (int k = 0; k < samples.Length; k++) samples[k] = mapDataset![indices[k]];
        return collate(samples);
    }

    internal TBatch CollateSamples(IReadOnlyList<T> samples) => collate(samples);

    internal TBatch FetchOne(int index) => convert(mapDataset![index]);

    // Takes the next batch from an iterable dataset's enumerator: false once it is exhausted, or when only a
    // partial batch is left and drop_last is set (PyTorch's _IterableDatasetFetcher).
    internal (bool Ok, TBatch? Batch) FetchIterable(IEnumerator<T> e)
    {
        if (BatchSize is not { } bs) return e.MoveNext() ? (true, convert(e.Current)) : (false, default);
        var samples = new List<T>(bs);
        while (samples.Count < bs && e.MoveNext()) samples.Add(e.Current);
        if (samples.Count == 0 || (DropLast && samples.Count < bs)) return (false, default);
        return (true, collate(samples));
    }
}

/// <summary>
/// A loader whose batches are made by <see cref="Collate.Default{T}"/> (<c>DataLoader(dataset, batch_size=1,
/// shuffle=False, ...)</c> with its default <c>collate_fn</c>): tensors stacked, numbers turned into tensors,
/// through tuples, lists, dictionaries and records. <c>foreach (var (data, target) in loader)</c> reads
/// two-part samples.
/// </summary>
public class DataLoader<T> : DataLoader<T, Batch>
{
    /// <summary>
    /// A loader over a map-style dataset, or any list of samples (<c>DataLoader(dataset, batch_size=1,
    /// shuffle=False, sampler=None, batch_sampler=None, num_workers=0, collate_fn=None, pin_memory=False,
    /// drop_last=False, timeout=0, worker_init_fn=None, generator=None, *, prefetch_factor=2,
    /// persistent_workers=False)</c>). <paramref name="batchSize"/> null turns automatic batching off
    /// (samples pass through <see cref="Collate.Convert{T}"/>).
    /// </summary>
    public DataLoader(IReadOnlyList<T> dataset, int? batchSize = 1, bool shuffle = false, IEnumerable<int>? sampler = null,
        IEnumerable<int[]>? batchSampler = null, int numWorkers = 0, Func<IReadOnlyList<T>, Batch>? collateFn = null,
        bool pinMemory = false, bool dropLast = false, double timeout = 0, Action<int>? workerInitFn = null,
        Generator? generator = null, int prefetchFactor = 2, bool persistentWorkers = false)
        : base(dataset ?? throw new ArgumentNullException(nameof(dataset)), null, collateFn ?? Collate.Default,
            collateFn is null ? Collate.Convert : s => collateFn([s]), batchSize, shuffle, sampler, batchSampler, numWorkers,
            pinMemory, dropLast, timeout, workerInitFn, generator, prefetchFactor, persistentWorkers)
    {
    }

    /// <summary>A loader over an iterable dataset (<c>DataLoader(iterable_dataset, batch_size, ...)</c>).</summary>
    public DataLoader(IterableDataset<T> dataset, int? batchSize = 1, int numWorkers = 0, Func<IReadOnlyList<T>, Batch>? collateFn = null,
        bool pinMemory = false, bool dropLast = false, double timeout = 0, Action<int>? workerInitFn = null,
        Generator? generator = null, int prefetchFactor = 2, bool persistentWorkers = false)
        : base(null, dataset ?? throw new ArgumentNullException(nameof(dataset)), collateFn ?? Collate.Default,
            collateFn is null ? Collate.Convert : s => collateFn([s]), batchSize, false, null, null, numWorkers,
            pinMemory, dropLast, timeout, workerInitFn, generator, prefetchFactor, persistentWorkers)
    {
    }
}

/// <summary>What a loader's worker thread is (<c>torch.utils.data.get_worker_info()</c>'s <c>WorkerInfo</c>).</summary>
public sealed class WorkerInfo
{
    internal WorkerInfo(int id, int numWorkers, long seed, object dataset)
    {
        Id = id;
        NumWorkers = numWorkers;
        Seed = seed;
        Dataset = dataset;
        Generator = new Generator().ManualSeed(seed);
    }

    /// <summary>This worker's index, 0 .. NumWorkers-1 (<c>info.id</c>).</summary>
    public int Id { get; }

    /// <summary>The number of workers (<c>info.num_workers</c>).</summary>
    public int NumWorkers { get; }

    /// <summary>This worker's seed, <c>base_seed + id</c> (<c>info.seed</c>).</summary>
    public long Seed { get; }

    /// <summary>The dataset this worker reads (<c>info.dataset</c>).</summary>
    public object Dataset { get; }

    /// <summary>
    /// This worker's generator, seeded with <see cref="Seed"/>: PyTorch seeds a worker process's global generator
    /// so; worker threads share the global one, so each has this instead, and Flint's random transforms use it.
    /// </summary>
    public Generator Generator { get; }
}

/// <summary>Loader-wide functions of <c>torch.utils.data</c>.</summary>
public static class DataLoader
{
    [ThreadStatic] private static WorkerInfo? current;

    /// <summary>
    /// The worker running the calling thread, or null outside a loader's workers
    /// (<c>torch.utils.data.get_worker_info()</c>).
    /// </summary>
    public static WorkerInfo? GetWorkerInfo() => current;

    /// <summary>
    /// The generator random data transforms draw from when given none: the worker's own inside a loader worker,
    /// otherwise the default generator (PyTorch's global generator in either process).
    /// </summary>
    public static Generator CurrentGenerator => current?.Generator ?? Generator.Default;

    internal static void SetWorker(WorkerInfo? info) => current = info;
}

/// <summary>
/// A sample or collate failure on a loader worker thread (PyTorch re-raises it in the main process as
/// <c>Caught ... in DataLoader worker process N</c>); the original exception is the inner exception.
/// </summary>
public sealed class DataLoaderWorkerException : Exception
{
    internal DataLoaderWorkerException(int workerId, int? index, Exception inner)
        : base($"Caught {inner.GetType().Name} in DataLoader worker {workerId}" +
               (index is { } i ? $" while loading index {i}" : "") + $".\nOriginal message: {inner.Message}", inner)
    {
        WorkerId = workerId;
        Index = index;
    }

    /// <summary>The worker that failed.</summary>
    public int WorkerId { get; }

    /// <summary>The dataset index whose loading failed; null when collating or reading an iterable dataset failed.</summary>
    public int? Index { get; }
}
