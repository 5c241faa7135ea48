using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Flint.Backends.Cpu;

/// <summary>
/// How many threads CPU kernels use (<c>torch.set_num_threads</c>), the rule that keeps small ops on the calling
/// thread, and the workers that run a parallel region.
/// </summary>
/// <remarks>
/// The workers are Flint's own threads that spin for a while after each region before they sleep, as OpenMP's do
/// under libtorch: consecutive ops of a training step find them awake and a region starts in about a microsecond.
/// On the thread pool (<c>Parallel.For</c>) a step's regions kept finding its threads asleep: 18% of a LeNet step's CPU
/// was in the scheduler, and the step took 2.1-2.4 ms against 1.65-1.95 ms here. A region started while another
/// thread's region holds the workers runs on the thread pool.
/// </remarks>
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

    /// <summary>
    /// Keeps every kernel the calling thread runs from now on to that thread: a DataLoader worker's, as PyTorch's workers
    /// call <c>torch.set_num_threads(1)</c>. Several workers each forking regions took the workers from one another, and
    /// the training thread.
    /// </summary>
    public static void KeepThreadSerial() => inParallelRegion = true;

    public static int ThreadsFor(long work, long grain = 0)
    {
        if (inParallelRegion) return 1;
        var g = grain > 0 ? grain : DefaultGrain;
        return (int)Math.Clamp(work / g, 1, numThreads);
    }

    /// <summary>
    /// The width (a multiple of 16) of the column chunks that <paramref name="outer"/> blocks of <paramref name="width"/>
    /// columns are cut into, at most <paramref name="maxWidth"/>: where there are few chunks, their count is made a
    /// multiple of <paramref name="threads"/>, since one chunk more would keep the other threads idle for its time.
    /// </summary>
    public static long ChunkWidth(long outer, long width, long maxWidth, int threads)
    {
        long chunks = (width + maxWidth - 1) / maxWidth;
        if (outer * chunks < 4 * threads)
            while (outer * chunks % threads != 0) chunks++;
        return (width + chunks - 1) / chunks + 15 & ~15L;
    }

    /// <summary>
    /// Runs <paramref name="body"/>(t, count) for t in [0, count) on up to count threads, the caller taking part. An
    /// exception a thread throws is rethrown as itself (not wrapped in an AggregateException), as it would be on one
    /// thread.
    /// </summary>
    public static void For(int count, Action<int, int> body)
    {
        if (count <= 1)
        {
            body(0, 1);
            return;
        }
        if (!inParallelRegion && Workers.TryRun(count, body)) return;
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, t => RunPart(body, t, count));
        }
        catch (AggregateException ae) when (ae.InnerException is { } inner)
        {
            ExceptionDispatchInfo.Capture(inner).Throw();
        }
    }

    private static void RunPart(Action<int, int> body, int t, int count)
    {
        var outer = inParallelRegion;
        inParallelRegion = true;
        try { body(t, count); }
        finally { inParallelRegion = outer; }
    }

    /// <summary>
    /// One parallel region: its parts are claimed one at a time by whichever thread comes first. Its end is signalled
    /// on the region itself, so that a worker late from one region cannot wake the caller of the next.
    /// </summary>
    private sealed class Region(Action<int, int> body, int count)
    {
        private readonly int count = count;
        private int next;
        private int unfinished = count;
        private Exception? error;

        public bool Finished => Volatile.Read(ref unfinished) == 0;

        /// <summary>Runs parts until none is left to claim.</summary>
        public void RunParts()
        {
            for (int t = Interlocked.Increment(ref next) - 1; t < count; t = Interlocked.Increment(ref next) - 1)
            {
                try { RunPart(body, t, count); }
                catch (Exception e) { Interlocked.CompareExchange(ref error, e, null); }
                if (Interlocked.Decrement(ref unfinished) == 0)
                    lock (this) Monitor.PulseAll(this);
            }
        }

        /// <summary>Returns once every part has finished: spins for a while, then blocks.</summary>
        public void AwaitEnd(long spinTicks)
        {
            long deadline = Stopwatch.GetTimestamp() + spinTicks;
            for (int i = 0; !Finished; i++)
            {
                Thread.SpinWait(4);
                if ((i & 255) != 255 || Stopwatch.GetTimestamp() <= deadline) continue;
                lock (this)
                    while (!Finished) Monitor.Wait(this);
            }
        }

        public void RethrowError()
        {
            if (error is { } e) ExceptionDispatchInfo.Capture(e).Throw();
        }
    }

    /// <summary>The dedicated worker threads, shared by one region at a time.</summary>
    private static class Workers
    {
        // How long a worker spins for the next region (and the caller for its region's end) before it blocks: longer
        // than the serial gaps between a training step's ops, short enough not to hold a core through idle time.
        private static readonly long SpinTicks = Stopwatch.Frequency / 5000;

        private static readonly object growLock = new();
        private static readonly SemaphoreSlim wake = new(0);
        private static int busy;
        private static int started;
        private static int sleepers;
        private static Region? current;
        private static long generation;

        public static bool TryRun(int count, Action<int, int> body)
        {
            if (Interlocked.CompareExchange(ref busy, 1, 0) != 0) return false;
            try
            {
                Start(Math.Min(count, numThreads) - 1);
                var region = new Region(body, count);
                Volatile.Write(ref current, region);
                Interlocked.Increment(ref generation);
                int sleeping = Interlocked.Exchange(ref sleepers, 0);
                if (sleeping > 0) wake.Release(sleeping);
                region.RunParts();
                region.AwaitEnd(SpinTicks);
                Volatile.Write(ref current, null);
                region.RethrowError();
                return true;
            }
            finally { Volatile.Write(ref busy, 0); }
        }

        private static void Start(int workers)
        {
            if (Volatile.Read(ref started) >= workers) return;
            lock (growLock)
            {
                for (; started < workers; started++)
                    new Thread(Work) { IsBackground = true, Name = $"Flint worker {started + 1}" }.Start();
            }
        }

        private static void Work()
        {
            long seen = Volatile.Read(ref generation);
            while (true)
            {
                seen = AwaitRegion(seen);
                Volatile.Read(ref current)?.RunParts();
            }
        }

        // Spins until the generation moves past seen, then sleeps on the semaphore; returns the generation seen.
        private static long AwaitRegion(long seen)
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            for (int i = 0; ; i++)
            {
                long now = Volatile.Read(ref generation);
                if (now != seen) return now;
                Thread.SpinWait(4);
                if ((i & 255) != 255 || Stopwatch.GetTimestamp() <= deadline) continue;
                Interlocked.Increment(ref sleepers);
                // A region published between the last check and the increment finds no sleeper to wake.
                if (Volatile.Read(ref generation) == seen) wake.Wait();
                deadline = Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}
