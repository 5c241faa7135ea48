namespace Flint.Backends.Cpu;

/// <summary>
/// How many threads CPU kernels use (<c>torch.set_num_threads</c>) and the rule that keeps small ops on the
/// calling thread, where a fork would cost more than it saves.
/// </summary>
internal static class Parallelism
{
    private static int numThreads = Environment.ProcessorCount;

    /// <summary>Below this many elements a memory-bound loop stays on one thread.</summary>
    public const long DefaultGrain = 1 << 15;

    public static int NumThreads
    {
        get => numThreads;
        set
        {
            if (value < 1) throw new ArgumentException($"Number of threads must be positive, got {value}");
            numThreads = value;
        }
    }

    // Kernels called from inside a parallel region must not fork again.
    [ThreadStatic] private static bool inParallelRegion;

    public static int ThreadsFor(long work, long grain = 0)
    {
        if (inParallelRegion) return 1;
        var g = grain > 0 ? grain : DefaultGrain;
        return (int)Math.Clamp(work / g, 1, numThreads);
    }

    /// <summary>
    /// Runs <paramref name="body"/>(t, count) for t in [0, count) on count threads, the caller taking one. An exception
    /// a thread throws is rethrown as itself (not wrapped in an AggregateException), as it would be on one thread.
    /// </summary>
    public static void For(int count, Action<int, int> body)
    {
        if (count <= 1)
        {
            body(0, 1);
            return;
        }
        try
        {
            System.Threading.Tasks.Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, t =>
            {
                var outer = inParallelRegion;
                inParallelRegion = true;
                try { body(t, count); }
                finally { inParallelRegion = outer; }
            });
        }
        catch (AggregateException ae) when (ae.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
        }
    }
}
