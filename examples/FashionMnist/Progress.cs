using System.Globalization;
using Spectre.Console;

namespace Flint.Examples.FashionMnist;

/// <summary>Where the training loop reports progress: a live bar on a terminal, lines elsewhere.</summary>
internal interface IProgressSink
{
    /// <summary>An epoch of <paramref name="batches"/> batches begins.</summary>
    void StartEpoch(int epoch, int epochs, int batches);

    /// <summary>After each batch: the running loss and accuracy of the epoch, throughput and time left in the epoch.</summary>
    void Batch(int epoch, int epochs, int done, int batches, double loss, double accuracy, double samplesPerSecond, TimeSpan eta);

    /// <summary>The epoch ended (its summary line).</summary>
    void EndEpoch(string summary);
}

/// <summary>Formats of the progress text shared by both sinks.</summary>
internal static class ProgressText
{
    public static string Describe(int epoch, int epochs, int done, int batches, double loss, double accuracy, double samplesPerSecond) =>
        string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch}/{epochs}  batch {done,4}/{batches}  loss {loss:F4}  acc {accuracy * 100,5:F1}%  {samplesPerSecond,6:N0} samples/s");

    public static string Time(TimeSpan t) =>
        t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}

/// <summary>Progress as lines: about ten per epoch, then the epoch's summary (for logs, pipes and tests).</summary>
internal sealed class LineProgress(TextWriter output) : IProgressSink
{
    private int nextReport;

    public void StartEpoch(int epoch, int epochs, int batches) => nextReport = Math.Max(1, batches / 10);

    public void Batch(int epoch, int epochs, int done, int batches, double loss, double accuracy, double samplesPerSecond, TimeSpan eta)
    {
        if (done < nextReport && done != batches) return;
        nextReport = done + Math.Max(1, batches / 10);
        output.WriteLine($"{ProgressText.Describe(epoch, epochs, done, batches, loss, accuracy, samplesPerSecond)}  ETA {ProgressText.Time(eta)}");
    }

    public void EndEpoch(string summary) => output.WriteLine(summary);
}

/// <summary>A live Spectre.Console progress bar per epoch, with loss, accuracy, samples/s and the time left.</summary>
internal sealed class LiveProgress(ProgressContext context) : IProgressSink
{
    private ProgressTask? task;

    /// <summary>Runs <paramref name="body"/> under a live display on <paramref name="console"/>.</summary>
    public static T Run<T>(IAnsiConsole console, Func<IProgressSink, T> body) =>
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => body(new LiveProgress(ctx)));

    public void StartEpoch(int epoch, int epochs, int batches) =>
        task = context.AddTask(Markup.Escape($"epoch {epoch}/{epochs}"), maxValue: batches);

    public void Batch(int epoch, int epochs, int done, int batches, double loss, double accuracy, double samplesPerSecond, TimeSpan eta)
    {
        if (task is null) return;
        task.Description = Markup.Escape(ProgressText.Describe(epoch, epochs, done, batches, loss, accuracy, samplesPerSecond));
        task.Value = done;
    }

    public void EndEpoch(string summary)
    {
        if (task is null) return;
        task.Description = Markup.Escape(summary);
        task.StopTask();
    }
}
