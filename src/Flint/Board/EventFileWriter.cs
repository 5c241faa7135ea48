using System.Globalization;
using System.Runtime.ExceptionServices;
using Flint.Board.Proto;
using Google.Protobuf;

namespace Flint.Board;

/// <summary>
/// Writes <see cref="Event"/> records to one event file (tensorboard's <c>EventFileWriter</c>, which PyTorch's
/// <c>FileWriter</c> wraps). The file is <c>&lt;logdir&gt;/events.out.tfevents.&lt;unix seconds&gt;.&lt;hostname&gt;.&lt;pid&gt;.&lt;counter&gt;&lt;suffix&gt;</c>
/// and starts with an event holding <c>file_version = "brain.Event:2"</c>. Events are serialized at once and handed
/// to a background thread through a queue of <c>maxQueueSize</c> entries (a full queue blocks the caller); the
/// thread frames them as records and flushes the file to the operating system every <c>flushSecs</c> seconds
/// when something was written, and on <see cref="Flush"/> and <see cref="Close"/>. A failure of the thread (a full
/// disk) is rethrown by the next call.
/// </summary>
internal sealed class EventFileWriter
{
    private static int globalUid = -1;

    private readonly RecordWriter writer;
    private readonly Queue<object> queue = new();
    private readonly int maxQueueSize;
    private readonly object sync = new();
    private readonly Thread worker;
    private readonly double flushSecs;
    private readonly Lock gate = new();
    private Exception? workerException;
    private bool closed;

    private static readonly object ShutdownSignal = new();

    /// <summary>Creates <paramref name="logdir"/> if needed and a new event file in it.</summary>
    public EventFileWriter(string logdir, int maxQueueSize = 10, double flushSecs = 120, string filenameSuffix = "")
    {
        if (maxQueueSize < 1)
            throw new ArgumentException($"max_queue must be positive, got {maxQueueSize}", nameof(maxQueueSize));
        LogDir = logdir;
        Directory.CreateDirectory(logdir);
        FileName = Path.Combine(logdir, string.Create(CultureInfo.InvariantCulture,
            $"events.out.tfevents.{(long)WallClock.Now():D10}.{System.Net.Dns.GetHostName()}.{Environment.ProcessId}.{Interlocked.Increment(ref globalUid)}"))
            + filenameSuffix;
        writer = new RecordWriter(new FileStream(FileName, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16));
        this.maxQueueSize = maxQueueSize;
        this.flushSecs = flushSecs;
        worker = new Thread(Run) { IsBackground = true, Name = "Flint.Board event writer" };
        worker.Start();
        AddEvent(new Event
        {
            WallTime = WallClock.Now(),
            FileVersion = "brain.Event:2",
            SourceMetadata = new SourceMetadata { Writer = "flint.board" },
        });
        Flush();
    }

    /// <summary>The directory the event file is in.</summary>
    public string LogDir { get; }

    /// <summary>The event file's full path.</summary>
    public string FileName { get; }

    /// <summary>Queues an event for writing; blocks while the queue is full.</summary>
    public void AddEvent(Event e)
    {
        var bytes = e.ToByteArray();
        lock (gate)
        {
            CheckWorkerStatus();
            if (closed) throw new IOException("Writer is closed");
            Put(bytes);
            CheckWorkerStatus();
        }
    }

    /// <summary>Waits until every event queued before this call is written, then flushes the file.</summary>
    public void Flush()
    {
        lock (gate)
        {
            CheckWorkerStatus();
            if (closed) throw new IOException("Writer is closed");
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Put(done);
            done.Task.Wait();
            CheckWorkerStatus();
        }
    }

    /// <summary>Writes what is queued, stops the background thread and closes the file. A second call does nothing.</summary>
    public void Close()
    {
        lock (gate)
        {
            if (closed) return;
            closed = true;
            Put(ShutdownSignal);
            worker.Join();
            writer.Close();
        }
    }

    /// <summary>Adds an item, waiting while <c>maxQueueSize</c> items are pending (Python's <c>queue.put</c>).</summary>
    private void Put(object item)
    {
        lock (sync)
        {
            while (queue.Count >= maxQueueSize && workerException is null) Monitor.Wait(sync);
            if (workerException is not null)
            {
                (item as TaskCompletionSource)?.TrySetResult();
                return;
            }
            queue.Enqueue(item);
            if (queue.Count == 1) Monitor.PulseAll(sync);   // the worker waits only on an empty queue
        }
    }

    private void CheckWorkerStatus()
    {
        if (Volatile.Read(ref workerException) is { } e) ExceptionDispatchInfo.Throw(e);
    }

    /// <summary>
    /// The background loop (tensorboard's <c>_AsyncWriterThread._run</c>): takes everything queued at once, writes
    /// it, and flushes the file when <c>flushSecs</c> have passed since the last flush and something was written.
    /// </summary>
    private void Run()
    {
        double nextFlushTime = 0;
        bool hasPendingData = false;
        var batch = new List<object>();
        try
        {
            while (true)
            {
                lock (sync)
                {
                    double wait = nextFlushTime - WallClock.Now();
                    if (queue.Count == 0)
                    {
                        // Sleep until the next flush is due, or (nothing to flush) until an item arrives.
                        if (wait > 0) Monitor.Wait(sync, TimeSpan.FromSeconds(Math.Min(wait, 1e6)));
                        else if (!hasPendingData) Monitor.Wait(sync);
                    }
                    while (queue.Count > 0) batch.Add(queue.Dequeue());
                    Monitor.PulseAll(sync);
                }
                foreach (var item in batch)
                {
                    if (ReferenceEquals(item, ShutdownSignal)) return;
                    if (item is TaskCompletionSource flushed)
                    {
                        writer.Flush();
                        hasPendingData = false;
                        flushed.TrySetResult();
                    }
                    else
                    {
                        writer.Write((byte[])item);
                        hasPendingData = true;
                    }
                }
                batch.Clear();
                double now = WallClock.Now();
                if (now > nextFlushTime)
                {
                    if (hasPendingData)
                    {
                        writer.Flush();
                        hasPendingData = false;
                    }
                    nextFlushTime = now + flushSecs;
                }
            }
        }
        catch (Exception e)
        {
            // Release every waiter: queued flushes complete, blocked adds return; later calls rethrow the exception.
            lock (sync)
            {
                Volatile.Write(ref workerException, e);
                foreach (var item in batch.Concat(queue))
                    (item as TaskCompletionSource)?.TrySetResult();
                queue.Clear();
                Monitor.PulseAll(sync);
            }
        }
    }
}

/// <summary>Seconds since the Unix epoch as a double, like Python's <c>time.time()</c>.</summary>
internal static class WallClock
{
    /// <summary>The current time in seconds since 1970-01-01 UTC.</summary>
    public static double Now() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;
}
