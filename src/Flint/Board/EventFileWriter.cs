using System.Collections.Concurrent;
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
/// when something was written, and on <see cref="Flush"/> and <see cref="Close"/>.
/// </summary>
internal sealed class EventFileWriter
{
    private static int globalUid = -1;

    private readonly RecordWriter writer;
    private readonly BlockingCollection<object> queue;
    private readonly Thread worker;
    private readonly double flushSecs;
    private readonly Lock gate = new();
    private volatile Exception? workerException;
    private bool closed;

    private static readonly object ShutdownSignal = new();

    /// <summary>Creates <paramref name="logdir"/> if needed and a new event file in it.</summary>
    public EventFileWriter(string logdir, int maxQueueSize = 10, double flushSecs = 120, string filenameSuffix = "")
    {
        if (maxQueueSize < 1)
            throw new ArgumentException($"maxsize must be positive for a bounded queue, got {maxQueueSize}", nameof(maxQueueSize));
        LogDir = logdir;
        Directory.CreateDirectory(logdir);
        FileName = Path.Combine(logdir, string.Create(CultureInfo.InvariantCulture,
            $"events.out.tfevents.{(long)WallClock.Now():D10}.{System.Net.Dns.GetHostName()}.{Environment.ProcessId}.{Interlocked.Increment(ref globalUid)}"))
            + filenameSuffix;
        writer = new RecordWriter(new FileStream(FileName, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16));
        queue = new BlockingCollection<object>(new ConcurrentQueue<object>(), maxQueueSize);
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
            queue.Add(bytes);
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
            queue.Add(done);
            while (!done.Task.Wait(50) && workerException is null) { }
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
            queue.Add(ShutdownSignal);
            worker.Join();
            queue.Dispose();
            writer.Close();
        }
    }

    private void CheckWorkerStatus()
    {
        if (workerException is { } e) ExceptionDispatchInfo.Throw(e);
    }

    private void Run()
    {
        double nextFlushTime = 0;
        bool hasPendingData = false;
        try
        {
            while (true)
            {
                double wait = nextFlushTime - WallClock.Now();
                if (queue.TryTake(out var item, wait > 0 ? TimeSpan.FromSeconds(wait) : TimeSpan.Zero))
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
            workerException = e;
            // Release everything still queued so that no Flush waits forever; later calls rethrow the exception.
            while (queue.TryTake(out var item))
                if (item is TaskCompletionSource flushed) flushed.TrySetResult();
        }
    }
}

/// <summary>Seconds since the Unix epoch as a double, like Python's <c>time.time()</c>.</summary>
internal static class WallClock
{
    /// <summary>The current time in seconds since 1970-01-01 UTC.</summary>
    public static double Now() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;
}
