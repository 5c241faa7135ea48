using System.Globalization;
using System.Net;
using Flint.Board.Proto;

namespace Flint.Board;

/// <summary>
/// Writes TensorBoard event files (PyTorch's <c>torch.utils.tensorboard.SummaryWriter</c>). Each writer owns an
/// event file in <see cref="LogDir"/>, written in the background; <c>tensorboard --logdir runs</c> shows what it
/// records. Call <see cref="Close"/> (or dispose it) when done so that everything reaches the disk.
/// </summary>
/// <example>
/// <code>
/// using var writer = new SummaryWriter("runs/experiment1");
/// for (int step = 0; step &lt; 100; step++)
///     writer.AddScalar("Loss/train", loss, step);
/// </code>
/// </example>
public sealed partial class SummaryWriter : IDisposable
{
    private readonly Lock gate = new();
    private FileWriter? fileWriter;
    private Dictionary<string, FileWriter>? allWriters;
    private long? purgeStep;

    /// <summary>
    /// Creates a writer and its event file (<c>SummaryWriter(log_dir, comment, purge_step, max_queue, flush_secs,
    /// filename_suffix)</c>).
    /// </summary>
    /// <param name="logDir">Where to write; by default <c>runs/&lt;Mon&gt;&lt;dd&gt;_&lt;HH-mm-ss&gt;_&lt;hostname&gt;&lt;comment&gt;</c> (local time).</param>
    /// <param name="comment">Appended to the default <paramref name="logDir"/>; ignored when one is given.</param>
    /// <param name="purgeStep">After a crash at step T+X and a restart at T, events from step T on are hidden in
    /// TensorBoard (the file starts with a file-version and a session-start event at this step).</param>
    /// <param name="maxQueue">How many events may wait for the background writer before adding blocks.</param>
    /// <param name="flushSecs">How often, in seconds, written events are flushed to disk.</param>
    /// <param name="filenameSuffix">Appended to every event file's name.</param>
    public SummaryWriter(string? logDir = null, string comment = "", long? purgeStep = null, int maxQueue = 10,
        double flushSecs = 120, string filenameSuffix = "")
    {
        if (string.IsNullOrEmpty(logDir))
        {
            var now = DateTime.Now.ToString("MMMdd_HH-mm-ss", CultureInfo.InvariantCulture);
            logDir = Path.Combine("runs", now + "_" + Dns.GetHostName() + comment);
        }
        LogDir = logDir;
        this.purgeStep = purgeStep;
        MaxQueue = maxQueue;
        FlushSecs = flushSecs;
        FilenameSuffix = filenameSuffix;
        GetFileWriter();
    }

    /// <summary>The directory event files are written to (<c>log_dir</c>).</summary>
    public string LogDir { get; }

    /// <summary>The queue size given to each event file (<c>max_queue</c>).</summary>
    public int MaxQueue { get; }

    /// <summary>Seconds between background flushes (<c>flush_secs</c>).</summary>
    public double FlushSecs { get; }

    /// <summary>The suffix of event file names (<c>filename_suffix</c>).</summary>
    public string FilenameSuffix { get; }

    /// <summary>
    /// The bin edges <see cref="AddHistogram"/> uses by default (<c>default_bins</c>): 0 and ±1e-12·1.1^k up to 1e20,
    /// increasing.
    /// </summary>
    public static IReadOnlyList<double> DefaultBins => Histogram.DefaultBins;

    /// <summary>The directory event files are written to (<c>get_logdir()</c>).</summary>
    public string GetLogdir() => LogDir;

    /// <summary>The main file writer, (re)created when there is none (<c>_get_file_writer</c>).</summary>
    private FileWriter GetFileWriter()
    {
        lock (gate)
        {
            if (fileWriter is null || allWriters is null)
            {
                fileWriter = new FileWriter(LogDir, MaxQueue, FlushSecs, FilenameSuffix);
                allWriters = new Dictionary<string, FileWriter> { [fileWriter.GetLogdir()] = fileWriter };
                if (purgeStep is { } step)
                {
                    fileWriter.AddEvent(new Event { Step = step, FileVersion = "brain.Event:2" });
                    fileWriter.AddEvent(new Event { Step = step, SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start } });
                    purgeStep = null;
                }
            }
            return fileWriter;
        }
    }

    /// <summary>
    /// Records a scalar (<c>add_scalar</c>): <c>simple_value</c> (float32) under <paramref name="tag"/>, or with
    /// <paramref name="newStyle"/> a scalar tensor of the <c>scalars</c> plugin (float64 with
    /// <paramref name="doublePrecision"/>).
    /// </summary>
    /// <param name="tag">The series name, e.g. <c>Loss/train</c>.</param>
    /// <param name="scalarValue">The value.</param>
    /// <param name="globalStep">The step to record it at (none: step 0).</param>
    /// <param name="walltime">Seconds since the epoch to record instead of now.</param>
    /// <param name="newStyle">Write a tensor rather than <c>simple_value</c>.</param>
    /// <param name="doublePrecision">With <paramref name="newStyle"/>, keep float64.</param>
    public void AddScalar(string tag, double scalarValue, long? globalStep = null, double? walltime = null,
        bool newStyle = false, bool doublePrecision = false) =>
        GetFileWriter().AddSummary(Summaries.Scalar(tag, scalarValue, newStyle, doublePrecision), globalStep, walltime);

    /// <summary>Records the value of a one-element tensor as a scalar (<c>add_scalar</c> with a tensor).</summary>
    /// <inheritdoc cref="AddScalar(string, double, long?, double?, bool, bool)"/>
    public void AddScalar(string tag, Tensor scalarValue, long? globalStep = null, double? walltime = null,
        bool newStyle = false, bool doublePrecision = false) =>
        AddScalar(tag, Summaries.ScalarOf(scalarValue), globalStep, walltime, newStyle, doublePrecision);

    /// <summary>
    /// Records several scalars on one chart (<c>add_scalars</c>): each goes, under <paramref name="mainTag"/>, to
    /// its own run <c>&lt;logdir&gt;/&lt;mainTag with '/' as '_'&gt;_&lt;tag&gt;</c>, which has its own event file.
    /// </summary>
    /// <param name="mainTag">The chart's tag.</param>
    /// <param name="tagScalarDict">Series name to value, in order.</param>
    /// <param name="globalStep">The step to record them at.</param>
    /// <param name="walltime">Seconds since the epoch to record instead of now (the same for all).</param>
    public void AddScalars(string mainTag, IEnumerable<KeyValuePair<string, double>> tagScalarDict, long? globalStep = null,
        double? walltime = null)
    {
        double wt = walltime ?? WallClock.Now();
        var fwLogdir = GetFileWriter().GetLogdir();
        foreach (var (tag, value) in tagScalarDict)
        {
            var fwTag = fwLogdir + "/" + mainTag.Replace('/', '_') + "_" + tag;
            FileWriter fw;
            lock (gate)
            {
                var writers = allWriters ?? throw new InvalidOperationException("the writer was closed while adding scalars");
                if (!writers.TryGetValue(fwTag, out fw!))
                    writers[fwTag] = fw = new FileWriter(fwTag, MaxQueue, FlushSecs, FilenameSuffix);
            }
            fw.AddSummary(Summaries.Scalar(mainTag, value), globalStep, wt);
        }
    }

    /// <summary>
    /// Records a histogram of a tensor's values (<c>add_histogram</c>), counted into <paramref name="bins"/>
    /// (by default <see cref="DefaultBins"/>) and trimmed to the non-empty range as PyTorch does.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="values">Any tensor; its values are taken as float64.</param>
    /// <param name="globalStep">The step to record it at.</param>
    /// <param name="bins"><c>"tensorflow"</c> (default), a bin count, or bin edges.</param>
    /// <param name="walltime">Seconds since the epoch to record instead of now.</param>
    /// <param name="maxBins">Merge neighbouring bins until there are at most this many.</param>
    public void AddHistogram(string tag, Tensor values, long? globalStep = null, HistogramBins bins = default,
        double? walltime = null, int? maxBins = null) =>
        GetFileWriter().AddSummary(Summaries.Histogram(tag, values, bins, maxBins), globalStep, walltime);

    /// <summary>Records a histogram from precomputed statistics (<c>add_histogram_raw</c>).</summary>
    /// <param name="tag">The series name.</param>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="num">The number of values.</param>
    /// <param name="sum">Their sum.</param>
    /// <param name="sumSquares">The sum of their squares.</param>
    /// <param name="bucketLimits">Each bucket's right edge.</param>
    /// <param name="bucketCounts">Each bucket's count; as many as <paramref name="bucketLimits"/>.</param>
    /// <param name="globalStep">The step to record it at.</param>
    /// <param name="walltime">Seconds since the epoch to record instead of now.</param>
    public void AddHistogramRaw(string tag, double min, double max, double num, double sum, double sumSquares,
        IReadOnlyList<double> bucketLimits, IReadOnlyList<double> bucketCounts, long? globalStep = null, double? walltime = null)
    {
        if (bucketLimits.Count != bucketCounts.Count)
            throw new ArgumentException("len(bucket_limits) != len(bucket_counts), see the document.");
        GetFileWriter().AddSummary(Summaries.HistogramRaw(tag, min, max, num, sum, sumSquares, bucketLimits, bucketCounts),
            globalStep, walltime);
    }

    /// <summary>
    /// Records an image (<c>add_image</c>): a float tensor with values in [0, 1] (scaled by 255) or a uint8 tensor,
    /// laid out as <paramref name="dataformats"/> says (<c>CHW</c>, <c>HWC</c>, <c>HW</c>); one channel is shown as
    /// gray, four as RGBA. Encoded as PNG.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="imgTensor">The image.</param>
    /// <param name="globalStep">The step to record it at.</param>
    /// <param name="walltime">Seconds since the epoch to record instead of now.</param>
    /// <param name="dataformats">The order of the tensor's dims.</param>
    public void AddImage(string tag, Tensor imgTensor, long? globalStep = null, double? walltime = null, string dataformats = "CHW") =>
        GetFileWriter().AddSummary(Summaries.Image(tag, imgTensor, dataformats), globalStep, walltime);

    /// <summary>
    /// Records a batch of images as one image (<c>add_images</c>): <c>NCHW</c> (or <c>NHWC</c>) with 1 or 3
    /// channels, tiled eight to a row without padding as PyTorch's tensorboard <c>make_grid</c> does.
    /// </summary>
    /// <inheritdoc cref="AddImage"/>
    public void AddImages(string tag, Tensor imgTensor, long? globalStep = null, double? walltime = null, string dataformats = "NCHW") =>
        GetFileWriter().AddSummary(Summaries.Image(tag, imgTensor, dataformats), globalStep, walltime);

    /// <summary>Records text, shown as markdown (<c>add_text</c>): tag <c>&lt;tag&gt;/text_summary</c>, plugin <c>text</c>.</summary>
    /// <param name="tag">The series name.</param>
    /// <param name="textString">The text.</param>
    /// <param name="globalStep">The step to record it at.</param>
    /// <param name="walltime">Seconds since the epoch to record instead of now.</param>
    public void AddText(string tag, string textString, long? globalStep = null, double? walltime = null) =>
        GetFileWriter().AddSummary(Summaries.Text(tag, textString), globalStep, walltime);

    /// <summary>
    /// Records a precision-recall curve (<c>add_pr_curve</c>) from binary labels and predicted probabilities in
    /// [0, 1], at <paramref name="numThresholds"/> thresholds (at most 127).
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="labels">Ground truth, 0/1 or bool.</param>
    /// <param name="predictions">Probabilities that each element is positive, as many as the labels.</param>
    /// <param name="globalStep">The step to record it at.</param>
    /// <param name="numThresholds">How many thresholds to evaluate.</param>
    /// <param name="weights">Per-element weights (or one weight for all).</param>
    /// <param name="walltime">Seconds since the epoch to record instead of now.</param>
    public void AddPrCurve(string tag, Tensor labels, Tensor predictions, long? globalStep = null, int numThresholds = 127,
        Tensor? weights = null, double? walltime = null) =>
        GetFileWriter().AddSummary(Summaries.PrCurve(tag, labels, predictions, numThresholds, weights), globalStep, walltime);

    /// <summary>Records a precision-recall curve from precomputed counts (<c>add_pr_curve_raw</c>); all six have one length.</summary>
    /// <param name="tag">The series name.</param>
    /// <param name="truePositiveCounts">True positives per threshold.</param>
    /// <param name="falsePositiveCounts">False positives per threshold.</param>
    /// <param name="trueNegativeCounts">True negatives per threshold.</param>
    /// <param name="falseNegativeCounts">False negatives per threshold.</param>
    /// <param name="precision">Precision per threshold.</param>
    /// <param name="recall">Recall per threshold.</param>
    /// <param name="globalStep">The step to record it at.</param>
    /// <param name="numThresholds">The number of thresholds recorded in the plugin data (at most 127).</param>
    /// <param name="walltime">Seconds since the epoch to record instead of now.</param>
    public void AddPrCurveRaw(string tag, Tensor truePositiveCounts, Tensor falsePositiveCounts, Tensor trueNegativeCounts,
        Tensor falseNegativeCounts, Tensor precision, Tensor recall, long? globalStep = null, int numThresholds = 127,
        double? walltime = null)
    {
        double[][] rows = [.. new[] { truePositiveCounts, falsePositiveCounts, trueNegativeCounts, falseNegativeCounts, precision, recall }
            .Select(t => t.Detach().ToArray<double>())];
        GetFileWriter().AddSummary(Summaries.PrCurveRaw(tag, rows, numThresholds), globalStep, walltime);
    }

    /// <summary>
    /// Lays out the custom scalars dashboard (<c>add_custom_scalars</c>): category → chart title →
    /// (<c>"Multiline"</c>, tags) or (<c>"Margin"</c>, [value, lower, upper] tags).
    /// </summary>
    /// <param name="layout">The charts by category, in order.</param>
    public void AddCustomScalars(Dictionary<string, Dictionary<string, (string Kind, string[] Tags)>> layout) =>
        GetFileWriter().AddSummary(Summaries.CustomScalars(layout));

    /// <summary>One multiline chart of the given tags in the custom scalars dashboard (<c>add_custom_scalars_multilinechart</c>).</summary>
    /// <param name="tags">The series to draw.</param>
    /// <param name="category">The chart's category.</param>
    /// <param name="title">The chart's title.</param>
    public void AddCustomScalarsMultilinechart(string[] tags, string category = "default", string title = "untitled") =>
        AddCustomScalars(new() { [category] = new() { [title] = ("Multiline", tags) } });

    /// <summary>One margin chart (value, lower, upper) in the custom scalars dashboard (<c>add_custom_scalars_marginchart</c>).</summary>
    /// <param name="tags">Exactly three tags: the value and its lower and upper bounds.</param>
    /// <param name="category">The chart's category.</param>
    /// <param name="title">The chart's title.</param>
    public void AddCustomScalarsMarginchart(string[] tags, string category = "default", string title = "untitled")
    {
        if (tags.Length != 3) throw new ArgumentException($"a margin chart needs 3 tags, got {tags.Length}", nameof(tags));
        AddCustomScalars(new() { [category] = new() { [title] = ("Margin", tags) } });
    }

    /// <summary>
    /// Records a hyperparameter set and its metrics for the HParams dashboard (<c>add_hparams</c>): into the run
    /// <c>&lt;logdir&gt;/&lt;runName&gt;</c> (by default the current time in seconds), the experiment, session-start
    /// and session-end summaries, then each metric as a scalar.
    /// </summary>
    /// <param name="hparamDict">Name to value: a number, bool (recorded as a number, as PyTorch does), string,
    /// one-element tensor, or null (skipped).</param>
    /// <param name="metricDict">Metric tag to value.</param>
    /// <param name="hparamDomainDiscrete">Name to every value that hyperparameter can take (same kind as its value).</param>
    /// <param name="runName">The sub-run's name.</param>
    public void AddHparams(IReadOnlyDictionary<string, object?> hparamDict, IReadOnlyDictionary<string, double> metricDict,
        IReadOnlyDictionary<string, object[]>? hparamDomainDiscrete = null, string? runName = null)
    {
        var (exp, ssi, sei) = Summaries.HParams(hparamDict, metricDict.Keys, hparamDomainDiscrete);
        if (string.IsNullOrEmpty(runName)) runName = PythonFormat.Repr(WallClock.Now());
        var logdir = Path.Combine(GetFileWriter().GetLogdir(), runName);
        using var wHp = new SummaryWriter(logdir);
        var fw = wHp.GetFileWriter();
        fw.AddSummary(exp);
        fw.AddSummary(ssi);
        fw.AddSummary(sei);
        foreach (var (k, v) in metricDict) wHp.AddScalar(k, v);
    }

    /// <summary>Writes everything queued to disk, for every event file of this writer (<c>flush()</c>).</summary>
    public void Flush()
    {
        List<FileWriter> writers;
        lock (gate)
        {
            if (allWriters is null) return;
            writers = [.. allWriters.Values];
        }
        foreach (var w in writers) w.Flush();
    }

    /// <summary>
    /// Flushes and closes every event file (<c>close()</c>). Adding again afterwards starts a new event file in
    /// the same directory, as in PyTorch.
    /// </summary>
    public void Close()
    {
        List<FileWriter> writers;
        lock (gate)
        {
            if (allWriters is null) return;
            writers = [.. allWriters.Values];
            fileWriter = null;
            allWriters = null;
        }
        foreach (var w in writers)
        {
            w.Flush();
            w.Close();
        }
    }

    /// <summary>Closes the writer (the end of PyTorch's <c>with SummaryWriter() as w:</c>).</summary>
    public void Dispose() => Close();
}
