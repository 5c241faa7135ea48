using Flint.Board;

namespace Flint.Examples.Scenarios;

/// <summary>
/// V1: <c>SummaryWriter('runs/experiment1')</c> and <c>add_scalar</c> for Loss/train, Loss/test, Accuracy/train and
/// Accuracy/test over 100 steps, then <c>close()</c>; <c>tensorboard --logdir=runs</c> shows the four curves.
/// </summary>
public sealed class V1Scalars : IExample
{
    /// <inheritdoc/>
    public string Name => "v1";

    /// <inheritdoc/>
    public string Summary => "SummaryWriter(\"runs/experiment1\"): Loss/Accuracy train/test scalars over 100 steps";

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o) => Run(args.Length > 0 ? args[0] : Path.Combine("runs", "experiment1"), o);

    /// <summary>Writes the four curves under <paramref name="logDir"/> and returns 0.</summary>
    public static int Run(string logDir, TextWriter o)
    {
        Torch.ManualSeed(0);
        var writer = new SummaryWriter(logDir);
        for (int step = 0; step < 100; step++)
        {
            // Curves shaped like a training run: losses decay, accuracies rise, with a little noise.
            double t = step / 100.0;
            var noise = Torch.Rand(4).ToArray<float>();
            writer.AddScalar("Loss/train", 2.3 * Math.Exp(-3 * t) + 0.05 * noise[0], step);
            writer.AddScalar("Loss/test", 2.3 * Math.Exp(-2.5 * t) + 0.1 + 0.05 * noise[1], step);
            writer.AddScalar("Accuracy/train", 1 - 0.9 * Math.Exp(-4 * t) - 0.02 * noise[2], step);
            writer.AddScalar("Accuracy/test", 0.95 - 0.85 * Math.Exp(-3.5 * t) - 0.02 * noise[3], step);
        }
        writer.Close();
        o.WriteLine($"wrote 4 scalar curves x 100 steps to {writer.LogDir}; view them with: tensorboard --logdir={Path.GetDirectoryName(Path.GetFullPath(writer.LogDir))}");
        return 0;
    }
}
