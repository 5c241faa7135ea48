using Flint.Board.Proto;
using Google.Protobuf;

namespace Flint.Board;

/// <summary>
/// PyTorch's <c>torch.utils.tensorboard.writer.FileWriter</c>: stamps events with a wall time and step and hands
/// them to an <see cref="EventFileWriter"/>.
/// </summary>
internal sealed class FileWriter(string logDir, int maxQueue = 10, double flushSecs = 120, string filenameSuffix = "")
{
    private readonly EventFileWriter eventWriter = new(logDir, maxQueue, flushSecs, filenameSuffix);

    /// <summary>The directory the event file is written to (<c>get_logdir()</c>).</summary>
    public string GetLogdir() => eventWriter.LogDir;

    /// <summary>Sets the event's wall time (now, or <paramref name="walltime"/>) and step, then queues it (<c>add_event</c>).</summary>
    public void AddEvent(Event e, long? step = null, double? walltime = null)
    {
        e.WallTime = walltime ?? WallClock.Now();
        if (step is { } s) e.Step = s;
        eventWriter.AddEvent(e);
    }

    /// <summary>Wraps a summary in an event and queues it (<c>add_summary</c>).</summary>
    public void AddSummary(Summary summary, long? globalStep = null, double? walltime = null) =>
        AddEvent(new Event { Summary = summary }, globalStep, walltime);

    /// <summary>
    /// Queues a graph and its step statistics (<c>add_graph</c>): an event holding the serialized GraphDef, then one
    /// holding tagged run metadata <c>step1</c>.
    /// </summary>
    public void AddGraph(GraphDef graph, RunMetadata stepStats, double? walltime = null)
    {
        AddEvent(new Event { GraphDef = graph.ToByteString() }, null, walltime);
        AddEvent(new Event { TaggedRunMetadata = new TaggedRunMetadata { Tag = "step1", RunMetadata = stepStats.ToByteString() } },
            null, walltime);
    }

    /// <summary>Waits for queued events and flushes the file.</summary>
    public void Flush() => eventWriter.Flush();

    /// <summary>Flushes and closes the file.</summary>
    public void Close() => eventWriter.Close();
}
