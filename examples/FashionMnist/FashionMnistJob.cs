using System.CommandLine;
using System.CommandLine.Help;

namespace Flint.Examples.FashionMnist;

/// <summary>
/// The main job, the README's first command (<c>dotnet run -c Release --project examples -- fashion-mnist</c>): trains
/// the LeNet CNN on Fashion-MNIST with a live progress bar, a validation pass per epoch, TensorBoard logs under
/// <c>runs/&lt;name&gt;</c>, a checkpoint in PyTorch's format, a PNG of the curves, and the test accuracy per class.
/// Options as listed by <c>--help</c>.
/// </summary>
public sealed class FashionMnistJob : IExample
{
    /// <inheritdoc/>
    public string Name => "fashion-mnist";

    /// <inheritdoc/>
    public string Summary => "the main job: LeNet on Fashion-MNIST with progress, TensorBoard, checkpoint, plot (--help for options)";

    /// <summary>The command line: every option of <see cref="TrainingOptions"/>.</summary>
    public static (Command Command, Func<ParseResult, TrainingOptions> Bind) Define()
    {
        var d = new TrainingOptions();
        var epochs = new Option<int>("--epochs", "-e") { Description = "epochs to train", DefaultValueFactory = _ => d.Epochs };
        var batchSize = new Option<int>("--batch-size", "-b") { Description = "training batch size", DefaultValueFactory = _ => d.BatchSize };
        var lr = new Option<double>("--lr") { Description = "learning rate", DefaultValueFactory = _ => d.Lr };
        var optimizer = new Option<string>("--optimizer", "-o") { Description = "adam, or sgd (momentum 0.9)", DefaultValueFactory = _ => d.Optimizer };
        optimizer.AcceptOnlyFromAmong("adam", "sgd");
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => d.Device };
        var dataDir = new Option<string?>("--data-dir") { Description = "folder of the four IDX files (default: /usr/share/datasets/fashion-mnist if installed, else the shipped subset)" };
        var subset = new Option<bool>("--subset") { Description = "use the shipped 10,000/2,000-image subset even if the full dataset is installed" };
        var seed = new Option<long>("--seed") { Description = "seed of the weights, shuffling and validation split", DefaultValueFactory = _ => d.Seed };
        var resume = new Option<string?>("--resume") { Description = "continue from a checkpoint written by this job" };
        var threads = new Option<int>("--threads") { Description = "compute threads", DefaultValueFactory = _ => d.Threads };
        var workers = new Option<int>("--workers") { Description = "DataLoader workers", DefaultValueFactory = _ => d.Workers };
        var logDir = new Option<string>("--log-dir") { Description = "folder of the runs (tensorboard --logdir)", DefaultValueFactory = _ => d.LogDir };
        var runName = new Option<string?>("--run-name") { Description = "the run's folder under --log-dir (default: fashion-mnist-<date>-<time>)" };
        var limit = new Option<int>("--limit") { Description = "use at most this many training images (a fifth as many validation and test images); 0 for all" };
        var plain = new Option<bool>("--plain") { Description = "print progress as lines even on a terminal" };
        var command = new Command("fashion-mnist", "Train a LeNet CNN on Fashion-MNIST: progress, TensorBoard logs, checkpoint, plot, test accuracy per class.")
        {
            epochs, batchSize, lr, optimizer, device, dataDir, subset, seed, resume, threads, workers, logDir, runName, limit, plain,
        };
        command.Options.Add(new HelpOption());
        return (command, r => new TrainingOptions
        {
            Epochs = r.GetValue(epochs), BatchSize = r.GetValue(batchSize), Lr = r.GetValue(lr), Optimizer = r.GetValue(optimizer)!,
            Device = r.GetValue(device)!, DataDir = r.GetValue(dataDir), Subset = r.GetValue(subset), Seed = r.GetValue(seed),
            Resume = r.GetValue(resume), Threads = r.GetValue(threads), Workers = r.GetValue(workers), LogDir = r.GetValue(logDir)!,
            RunName = r.GetValue(runName), Limit = r.GetValue(limit), Plain = r.GetValue(plain),
        });
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter output)
    {
        var (command, bind) = Define();
        int code = 0;
        command.SetAction(r =>
        {
            try
            {
                var result = new Trainer(bind(r), output).Run();
                code = result.Interrupted ? 130 : 0;
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
            {
                output.WriteLine($"fashion-mnist: {e.Message}");
                code = 1;
            }
            return code;
        });
        var parsed = command.Parse(args);
        var exit = parsed.Invoke(new InvocationConfiguration { Output = output, Error = output });
        return exit != 0 ? exit : code;
    }
}
