using System.Collections;
using System.Diagnostics;
using System.Globalization;
using Flint.Board;
using Flint.Data;
using Flint.NN;
using Flint.Optim;
using Flint.Plot;
using Flint.Vision;
using Flint.Vision.Datasets;
using Flint.Vision.Transforms;
using Spectre.Console;

namespace Flint.Examples.FashionMnist;

/// <summary>One epoch's numbers (the training pass's running loss and accuracy, then the validation pass's).</summary>
public sealed record EpochStats(int Epoch, double TrainLoss, double TrainAccuracy, double ValLoss, double ValAccuracy, double Seconds, double SamplesPerSecond);

/// <summary>What a run produced.</summary>
/// <param name="TestAccuracy">Accuracy on the test split (NaN when the run was stopped early).</param>
/// <param name="RunDir">The run's folder (TensorBoard event file, checkpoint, plot).</param>
/// <param name="Checkpoint">The checkpoint written last.</param>
/// <param name="Plot">The PNG of the loss and accuracy curves.</param>
/// <param name="Epochs">Every epoch so far, those of a resumed checkpoint included.</param>
/// <param name="Interrupted">True if Ctrl-C stopped the run.</param>
/// <param name="ClassCorrect">Correct test predictions per class.</param>
/// <param name="ClassTotal">Test images per class.</param>
public sealed record TrainingResult(double TestAccuracy, string RunDir, string Checkpoint, string Plot, IReadOnlyList<EpochStats> Epochs,
    bool Interrupted, long[] ClassCorrect, long[] ClassTotal);

/// <summary>
/// The main job's training loop: Fashion-MNIST through a <see cref="DataLoader{T}"/>, the LeNet CNN, cross-entropy and
/// SGD or Adam, a validation pass per epoch, TensorBoard logs, a PyTorch-format checkpoint each epoch (and on Ctrl-C),
/// the curves as a PNG, and the test accuracy with a per-class table.
/// </summary>
public sealed class Trainer(TrainingOptions options, TextWriter output)
{
    private volatile bool stopRequested;

    /// <summary>The checkpoint's file name inside the run folder.</summary>
    public const string CheckpointFile = "checkpoint.pt";

    /// <summary>The curves' file name inside the run folder.</summary>
    public const string PlotFile = "curves.png";

    /// <summary>Asks the loop to stop after the current batch and save a checkpoint (what Ctrl-C does).</summary>
    public void RequestStop() => stopRequested = true;

    private bool Interactive => !options.Plain && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    private IAnsiConsole MakeConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
    });

    // A line of text: through Spectre on a terminal, as it is elsewhere (Spectre would wrap it at 80 columns).
    private void Say(IAnsiConsole ui, string line)
    {
        if (Interactive) ui.MarkupLine(Markup.Escape(line));
        else output.WriteLine(line);
    }

    /// <summary>Trains, evaluates and writes everything; Ctrl-C stops after the current batch.</summary>
    public TrainingResult Run()
    {
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (stopRequested) return; // a second Ctrl-C ends the program at once
            e.Cancel = true;
            stopRequested = true;
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return Train();
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static string DataRoot(TrainingOptions o)
    {
        if (o.DataDir is { } dir) return dir;
        if (o.Subset)
            return FashionMNIST<Tensor>.ShippedSubset()
                ?? throw new DirectoryNotFoundException("the shipped subset data/fashion-mnist-subset was not found above the program or the working folder");
        return FashionMNIST<Tensor>.DefaultRoot();
    }

    private static IReadOnlyList<T> Limit<T>(IReadOnlyList<T> data, int limit) =>
        limit <= 0 || limit >= data.Count ? data : new Subset<T>(data, Enumerable.Range(0, limit).ToArray());

    private TrainingResult Train()
    {
        var o = options;
        if (o.Epochs < 1 || o.BatchSize < 1 || o.Lr <= 0 || o.Threads < 1 || o.Workers < 0)
            throw new ArgumentException("epochs, batch size, threads and the learning rate must be positive, workers not negative");
        var device = Torch.Device(o.Device);
        if (device.IsCuda && !Cuda.IsAvailable())
            throw new ArgumentException($"--device {o.Device}: CUDA is not available on this machine; use --device cpu");
        Torch.SetNumThreads(o.Threads);
        Torch.ManualSeed(o.Seed);
        var ui = MakeConsole();

        var root = DataRoot(o);
        var transform = new Compose(new ToTensor(), new Normalize([0.5], [0.5]));
        var trainAll = new FashionMNIST<Tensor>(root, train: true, transform: transform);
        var testSet = new FashionMNIST<Tensor>(root, train: false, transform: transform);
        long nVal = trainAll.Count / 10;
        var split = Datasets.RandomSplit(trainAll, [trainAll.Count - nVal, nVal], new Generator().ManualSeed(o.Seed));
        var trainData = Limit(split[0], o.Limit);
        var valData = Limit(split[1], o.Limit / 5);
        var testData = Limit(testSet, o.Limit / 5);
        var classes = trainAll.Classes;

        using var trainLoader = new DataLoader<(Tensor, long)>(trainData, batchSize: o.BatchSize, shuffle: true, numWorkers: o.Workers,
            generator: new Generator().ManualSeed(o.Seed), persistentWorkers: o.Workers > 0);
        using var valLoader = new DataLoader<(Tensor, long)>(valData, batchSize: 1000, numWorkers: o.Workers);
        using var testLoader = new DataLoader<(Tensor, long)>(testData, batchSize: 1000, numWorkers: o.Workers);

        var model = new LeNet();
        model.To(device);
        Optimizer optimizer = o.Optimizer switch
        {
            "adam" => new Adam(model.Parameters(), lr: o.Lr),
            "sgd" => new SGD(model.Parameters(), lr: o.Lr, momentum: 0.9),
            _ => throw new ArgumentException($"--optimizer must be adam or sgd, not '{o.Optimizer}'"),
        };
        var criterion = new CrossEntropyLoss();

        var history = new List<EpochStats>();
        int startEpoch = 1;
        string runDir;
        if (o.Resume is { } resume)
        {
            startEpoch = LoadCheckpoint(resume, model, optimizer, history) + 1;
            runDir = o.RunName is { } name ? Path.Combine(o.LogDir, name) : Path.GetDirectoryName(Path.GetFullPath(resume))!;
        }
        else runDir = Path.Combine(o.LogDir, o.RunName ?? $"fashion-mnist-{DateTime.Now:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(runDir);
        var checkpoint = Path.Combine(runDir, CheckpointFile);
        var plot = Path.Combine(runDir, PlotFile);

        Say(ui, $"Fashion-MNIST from {root}: {trainData.Count} train, {valData.Count} validation, {testData.Count} test images");
        Say(ui, $"{model.GetName()} ({model.Parameters().Sum(p => p.Numel()):N0} parameters) on {device}, " +
            $"{o.Optimizer} lr {o.Lr.ToString(CultureInfo.InvariantCulture)}, batch {o.BatchSize}, {o.Threads} threads, {o.Workers} workers");
        if (startEpoch > 1) Say(ui, $"resumed from {o.Resume} after epoch {startEpoch - 1}");
        Say(ui, $"logging to {runDir} (tensorboard --logdir {o.LogDir})");

        var writer = new SummaryWriter(runDir);
        long globalStep = (startEpoch - 1L) * trainLoader.Count;
        bool interrupted = false;
        try
        {
            var (sampleImages, _) = trainLoader.First();
            writer.AddImage("Fashion-MNIST/train batch", Vision.Utils.MakeGrid(sampleImages[..Math.Min(32, (int)sampleImages.Size(0))], normalize: true), startEpoch - 1);
            if (startEpoch == 1) writer.AddGraph(model, sampleImages.To(device));

            IProgressSink? sink = null;
            int Loop(IProgressSink s)
            {
                sink = s;
                for (int epoch = startEpoch; epoch <= o.Epochs; epoch++)
                {
                    var stats = TrainEpoch(epoch, model, optimizer, criterion, trainLoader, device, s, writer, ref globalStep);
                    if (stats is null)
                    {
                        interrupted = true;
                        SaveCheckpoint(checkpoint, epoch - 1, model, optimizer, history, o, classes, interrupted: true);
                        s.EndEpoch($"epoch {epoch}/{o.Epochs}  stopped by Ctrl-C; checkpoint saved");
                        break;
                    }
                    var (valLoss, valAcc, _, _) = Evaluate(model, criterion, valLoader, device, classes.Count);
                    var done = stats with { ValLoss = valLoss, ValAccuracy = valAcc };
                    history.Add(done);
                    writer.AddScalar("Loss/train", done.TrainLoss, epoch);
                    writer.AddScalar("Accuracy/train", done.TrainAccuracy, epoch);
                    writer.AddScalar("Loss/val", valLoss, epoch);
                    writer.AddScalar("Accuracy/val", valAcc, epoch);
                    writer.AddScalar("Throughput/samples_per_second", done.SamplesPerSecond, epoch);
                    writer.Flush();
                    SaveCheckpoint(checkpoint, epoch, model, optimizer, history, o, classes, interrupted: stopRequested);
                    SavePlot(plot, history);
                    s.EndEpoch(string.Create(CultureInfo.InvariantCulture,
                        $"epoch {epoch}/{o.Epochs}  train loss {done.TrainLoss:F4} acc {done.TrainAccuracy * 100:F2}%  val loss {valLoss:F4} acc {valAcc * 100:F2}%  " +
                        $"{done.Seconds:F1} s ({done.SamplesPerSecond:N0} samples/s)"));
                    if (stopRequested) break;
                }
                return 0;
            }
            if (Interactive) LiveProgress.Run(ui, Loop);
            else Loop(new LineProgress(output));

            if (interrupted || stopRequested)
            {
                interrupted = true;
                Say(ui, $"Stopped. Checkpoint: {checkpoint}; continue with --resume {checkpoint}");
                return new TrainingResult(double.NaN, runDir, checkpoint, plot, history, true, new long[classes.Count], new long[classes.Count]);
            }

            var (testLoss, testAcc, correct, total) = Evaluate(model, criterion, testLoader, device, classes.Count);
            writer.AddScalar("Accuracy/test", testAcc, o.Epochs);
            writer.AddScalar("Loss/test", testLoss, o.Epochs);
            writer.AddHparams(
                new Dictionary<string, object?> { ["optimizer"] = o.Optimizer, ["lr"] = o.Lr, ["batch_size"] = (long)o.BatchSize, ["epochs"] = (long)o.Epochs },
                new Dictionary<string, double> { ["hparam/test_accuracy"] = testAcc, ["hparam/test_loss"] = testLoss });
            ui.Write(ClassTable(classes, correct, total));
            Say(ui, string.Create(CultureInfo.InvariantCulture,
                $"Test accuracy: {testAcc * 100:F2}% ({correct.Sum()}/{total.Sum()}), test loss {testLoss:F4}"));
            Say(ui, $"Checkpoint: {checkpoint}");
            Say(ui, $"Curves: {plot}");
            Say(ui, $"TensorBoard: tensorboard --logdir {o.LogDir}");
            return new TrainingResult(testAcc, runDir, checkpoint, plot, history, false, correct, total);
        }
        finally
        {
            writer.Close();
        }
    }

    private EpochStats? TrainEpoch(int epoch, LeNet model, Optimizer optimizer, CrossEntropyLoss criterion,
        DataLoader<(Tensor, long)> loader, Device device, IProgressSink sink, SummaryWriter writer, ref long globalStep)
    {
        model.Train();
        int batches = loader.Count;
        sink.StartEpoch(epoch, options.Epochs, batches);
        double lossSum = 0;
        long correct = 0, seen = 0;
        int done = 0;
        var clock = Stopwatch.StartNew();
        foreach (var (images, labels) in loader)
        {
            var x = images.To(device);
            var y = labels.To(device);
            optimizer.ZeroGrad();
            var logits = model.Call(x);
            var loss = criterion.Call(logits, y);
            loss.Backward();
            optimizer.Step();

            long n = y.Size(0);
            double batchLoss = loss.Item<float>();
            lossSum += batchLoss * n;
            correct += logits.Detach().Argmax(1).Eq(y).Sum().Item<long>();
            seen += n;
            done++;
            globalStep++;
            if (globalStep % 50 == 0) writer.AddScalar("Loss/train_batch", batchLoss, globalStep);
            double elapsed = clock.Elapsed.TotalSeconds;
            var eta = TimeSpan.FromSeconds(elapsed / done * (batches - done));
            sink.Batch(epoch, options.Epochs, done, batches, lossSum / seen, (double)correct / seen, seen / elapsed, eta);
            if (stopRequested) return null;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new EpochStats(epoch, lossSum / seen, (double)correct / seen, double.NaN, double.NaN, seconds, seen / seconds);
    }

    /// <summary>Loss, accuracy and per-class counts over a loader, without gradients (the seeds' evaluation loop).</summary>
    public static (double Loss, double Accuracy, long[] Correct, long[] Total) Evaluate(Module<Tensor, Tensor> model,
        CrossEntropyLoss criterion, IEnumerable<Batch> loader, Device device, int classes)
    {
        model.Eval();
        double lossSum = 0;
        var correct = new long[classes];
        var total = new long[classes];
        using (Torch.NoGrad())
        {
            foreach (var (images, labels) in loader)
            {
                var x = images.To(device);
                var y = labels.To(device);
                var logits = model.Call(x);
                lossSum += criterion.Call(logits, y).Item<float>() * y.Size(0);
                var predicted = logits.Argmax(1).Cpu().ToArray<long>();
                var truth = y.Cpu().ToArray<long>();
                for (int i = 0; i < truth.Length; i++)
                {
                    total[truth[i]]++;
                    if (predicted[i] == truth[i]) correct[truth[i]]++;
                }
            }
        }
        model.Train();
        long n = total.Sum();
        return (lossSum / n, (double)correct.Sum() / n, correct, total);
    }

    private static Table ClassTable(IReadOnlyList<string> classes, long[] correct, long[] total)
    {
        var table = new Table().Title("Test accuracy per class")
            .AddColumn("class").AddColumn(new TableColumn("correct").RightAligned())
            .AddColumn(new TableColumn("images").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned());
        for (int c = 0; c < classes.Count; c++)
            table.AddRow(Markup.Escape(classes[c]), correct[c].ToString(CultureInfo.InvariantCulture), total[c].ToString(CultureInfo.InvariantCulture),
                total[c] == 0 ? "-" : (100.0 * correct[c] / total[c]).ToString("F1", CultureInfo.InvariantCulture) + "%");
        return table;
    }

    /// <summary>
    /// Writes PyTorch's "general checkpoint" (<c>{'epoch', 'model_state_dict', 'optimizer_state_dict', 'loss'}</c>, as in
    /// PyTorch's tutorial) plus the history of the curves and the settings, so <c>--resume</c> continues the plot.
    /// </summary>
    private static void SaveCheckpoint(string path, int epoch, LeNet model, Optimizer optimizer, List<EpochStats> history,
        TrainingOptions o, IReadOnlyList<string> classes, bool interrupted)
    {
        List<object?> Column(Func<EpochStats, double> f) => history.Select(h => (object?)f(h)).ToList();
        Torch.Save(new Dictionary<string, object?>
        {
            ["epoch"] = (long)epoch,
            ["model_state_dict"] = model.StateDict(),
            ["optimizer_state_dict"] = optimizer.StateDict(),
            ["loss"] = history.Count > 0 ? history[^1].TrainLoss : double.NaN,
            ["interrupted"] = interrupted,
            ["history"] = new Dictionary<string, object?>
            {
                ["epoch"] = history.Select(h => (object?)(long)h.Epoch).ToList(),
                ["train_loss"] = Column(h => h.TrainLoss), ["train_accuracy"] = Column(h => h.TrainAccuracy),
                ["val_loss"] = Column(h => h.ValLoss), ["val_accuracy"] = Column(h => h.ValAccuracy),
                ["seconds"] = Column(h => h.Seconds), ["samples_per_second"] = Column(h => h.SamplesPerSecond),
            },
            ["options"] = new Dictionary<string, object?>
            {
                ["optimizer"] = o.Optimizer, ["lr"] = o.Lr, ["batch_size"] = (long)o.BatchSize, ["seed"] = o.Seed,
            },
            ["classes"] = classes.Select(c => (object?)c).ToList(),
        }, path);
    }

    /// <summary>Restores model, optimizer and history from a checkpoint; returns the last completed epoch.</summary>
    private static int LoadCheckpoint(string path, LeNet model, Optimizer optimizer, List<EpochStats> history)
    {
        var ckpt = Torch.Load<Dictionary<string, object?>>(path);
        var state = ckpt.GetValueOrDefault("model_state_dict") as IDictionary
            ?? throw new InvalidDataException($"{path} has no model_state_dict");
        var entries = new List<KeyValuePair<string, Tensor>>();
        foreach (DictionaryEntry e in state) entries.Add(new((string)e.Key, (Tensor)e.Value!));
        model.LoadStateDict(entries);
        optimizer.LoadStateDict(ckpt["optimizer_state_dict"] as IDictionary ?? throw new InvalidDataException($"{path} has no optimizer_state_dict"));
        if (ckpt.TryGetValue("history", out var h) && h is IDictionary hist)
        {
            List<double> Col(string key) => ((IEnumerable)hist[key]!).Cast<object?>().Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToList();
            var epochs = Col("epoch");
            var (tl, ta, vl, va, sec, sps) = (Col("train_loss"), Col("train_accuracy"), Col("val_loss"), Col("val_accuracy"), Col("seconds"), Col("samples_per_second"));
            for (int i = 0; i < epochs.Count; i++) history.Add(new EpochStats((int)epochs[i], tl[i], ta[i], vl[i], va[i], sec[i], sps[i]));
        }
        return (int)Convert.ToInt64(ckpt["epoch"], CultureInfo.InvariantCulture);
    }

    /// <summary>Draws the loss and accuracy curves (train and validation) side by side and saves them as a PNG.</summary>
    public static void SavePlot(string path, IReadOnlyList<EpochStats> history)
    {
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        var fig = new Figure(figsize: (10, 4));
        var loss = fig.AddSubplot(1, 2, 1);
        loss.Plot(epochs, history.Select(h => h.TrainLoss).ToArray(), "o-", label: "train");
        loss.Plot(epochs, history.Select(h => h.ValLoss).ToArray(), "s-", label: "validation");
        loss.Title("Loss");
        loss.XLabel("epoch");
        loss.YLabel("cross-entropy");
        loss.Grid();
        loss.Legend();
        var acc = fig.AddSubplot(1, 2, 2);
        acc.Plot(epochs, history.Select(h => h.TrainAccuracy).ToArray(), "o-", label: "train");
        acc.Plot(epochs, history.Select(h => h.ValAccuracy).ToArray(), "s-", label: "validation");
        acc.Title("Accuracy");
        acc.XLabel("epoch");
        acc.YLabel("accuracy");
        acc.Grid();
        acc.Legend();
        fig.SaveFig(path);
    }
}
