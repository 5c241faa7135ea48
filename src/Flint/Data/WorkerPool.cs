using System.Collections.Concurrent;
using System.Diagnostics;

namespace Flint.Data;

/// <summary>
/// The worker threads of one loader (PyTorch's <c>_MultiProcessingDataLoaderIter</c>, with threads for processes):
/// batch tasks go round-robin to the workers' queues, at most <c>prefetch_factor * num_workers</c> ahead of the
/// consumer, and results are handed out in task order. A task is a batch of indices (map-style) or a request for
/// the next batch of the worker's own pass over an iterable dataset.
/// </summary>
internal sealed class WorkerPool<T, TBatch> : IDisposable
{
    private sealed record WorkItem(int Epoch, int Index, int[]? Indices);

    private sealed record Result(int Epoch, TBatch? Data, Exception? Error, bool Stopped);

    private readonly DataLoader<T, TBatch> loader;
    private readonly BlockingCollection<WorkItem>[] queues;
    private readonly Thread[] threads;
    private readonly object gate = new();
    private readonly Dictionary<int, Result> results = [];
    private int epoch;
    private bool disposed;

    public WorkerPool(DataLoader<T, TBatch> loader, long baseSeed)
    {
        this.loader = loader;
        int n = loader.NumWorkers;
        queues = new BlockingCollection<WorkItem>[n];
        threads = new Thread[n];
        for (int w = 0; w < n; w++)
        {
            queues[w] = [];
            var info = new WorkerInfo(w, n, baseSeed + w, loader.Dataset);
            threads[w] = new Thread(() => Work(info)) { IsBackground = true, Name = $"DataLoader worker {w}" };
            threads[w].Start();
        }
    }

    private void Work(WorkerInfo info)
    {
        DataLoader.SetWorker(info);
        Backends.Cpu.Parallelism.KeepThreadSerial();
        var queue = queues[info.Id];
        Exception? initError = null;
        try
        {
            loader.WorkerInitFn?.Invoke(info.Id);
        }
        catch (Exception ex)
        {
            initError = ex;
        }
        IEnumerator<T>? stream = null;
        int streamEpoch = -1;
        bool exhausted = false;
        try
        {
            foreach (var item in queue.GetConsumingEnumerable())
            {
                if (item.Epoch != Volatile.Read(ref epoch)) continue; // a task of an abandoned epoch
                Result result;
                int? failing = null;
                try
                {
                    if (initError is not null) throw initError;
                    if (loader.MapDataset is not null)
                    {
                        if (item.Indices!.Length == 1 && loader.BatchSampler is null)
                        {
                            failing = item.Indices[0];
                            result = new(item.Epoch, loader.FetchOne(item.Indices[0]), null, false);
                        }
                        else
                        {
                            var samples = new T[item.Indices.Length];
                            for (int k = 0; k < samples.Length; k++)
                            {
                                failing = item.Indices[k];
                                samples[k] = loader.MapDataset[item.Indices[k]];
                            }
                            failing = null;
                            result = new(item.Epoch, loader.CollateSamples(samples), null, false);
                        }
                    }
                    else
                    {
                        if (streamEpoch != item.Epoch)
                        {
                            stream?.Dispose();
                            stream = loader.IterableSource!.GetEnumerator();
                            streamEpoch = item.Epoch;
                            exhausted = false;
                        }
                        var (ok, batch) = exhausted ? (false, default) : loader.FetchIterable(stream!);
                        exhausted = !ok;
                        result = new(item.Epoch, batch, null, !ok);
                    }
                }
                catch (Exception ex)
                {
                    result = new(item.Epoch, default, new DataLoaderWorkerException(info.Id, failing, ex), false);
                }
                lock (gate)
                {
                    if (item.Epoch == epoch)
                    {
                        results[item.Index] = result;
                        Monitor.PulseAll(gate);
                    }
                }
            }
        }
        finally
        {
            stream?.Dispose();
            DataLoader.SetWorker(null);
        }
    }

    /// <summary>One epoch: sends tasks, yields results in order; disposes the pool at the end unless persistent.</summary>
    public IEnumerator<TBatch> Epoch(bool disposeAtEnd)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        int myEpoch;
        lock (gate)
        {
            myEpoch = ++epoch;
            results.Clear();
        }
        return Run(myEpoch, disposeAtEnd);
    }

    private IEnumerator<TBatch> Run(int myEpoch, bool disposeAtEnd)
    {
        int n = queues.Length;
        var active = Enumerable.Repeat(true, n).ToArray();
        var taskWorker = new List<int>();
        int nextWorker = 0, sent = 0, received = 0;
        IEnumerator<int[]>? tasks = null;
        if (loader.MapDataset is not null)
            tasks = loader.BatchSampler is not null ? loader.BatchSampler.GetEnumerator() : loader.Sampler!.Select(i => new[] { i }).GetEnumerator();
        bool tasksLeft = true;

        bool TryPut()
        {
            if (!tasksLeft) return false;
            int[]? indices = null;
            if (tasks is not null)
            {
                if (!tasks.MoveNext())
                {
                    tasksLeft = false;
                    return false;
                }
                indices = tasks.Current;
            }
            for (int k = 0; k < n; k++)
            {
                int w = (nextWorker + k) % n;
                if (!active[w]) continue;
                nextWorker = (w + 1) % n;
                taskWorker.Add(w);
                queues[w].Add(new WorkItem(myEpoch, sent++, indices));
                return true;
            }
            tasksLeft = false;
            return false;
        }

        try
        {
            for (int k = 0; k < loader.PrefetchFactor * n; k++)
                if (!TryPut()) break;
            while (received < sent)
            {
                var r = Wait(received);
                int w = taskWorker[received++];
                if (r.Stopped)
                {
                    active[w] = false;
                    TryPut();
                    continue;
                }
                TryPut();
                if (r.Error is not null) throw r.Error;
                yield return r.Data!;
            }
        }
        finally
        {
            tasks?.Dispose();
            if (disposeAtEnd) Dispose();
            else lock (gate) if (epoch == myEpoch) results.Clear();
        }
    }

    private Result Wait(int index)
    {
        var sw = Stopwatch.StartNew();
        lock (gate)
        {
            while (true)
            {
                if (results.Remove(index, out var r)) return r;
                if (loader.Timeout > 0)
                {
                    var left = TimeSpan.FromSeconds(loader.Timeout) - sw.Elapsed;
                    if (left <= TimeSpan.Zero || !Monitor.Wait(gate, left) && !results.ContainsKey(index))
                        throw new TimeoutException($"DataLoader timed out after {loader.Timeout.ToString(System.Globalization.CultureInfo.InvariantCulture)} seconds");
                }
                else Monitor.Wait(gate);
            }
        }
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        lock (gate)
        {
            epoch++;
            results.Clear();
        }
        foreach (var q in queues) q.CompleteAdding();
    }
}
