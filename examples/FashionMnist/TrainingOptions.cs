namespace Flint.Examples.FashionMnist;

/// <summary>The main job's settings, from its command line (see <see cref="FashionMnistJob"/>).</summary>
public sealed record TrainingOptions
{
    /// <summary>Epochs to train (counting those a resumed checkpoint already did).</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Training batch size.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Learning rate.</summary>
    public double Lr { get; init; } = 2e-3;

    /// <summary>"adam" or "sgd" (with momentum 0.9).</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Folder of the four IDX files; null picks the installed dataset, else the shipped subset.</summary>
    public string? DataDir { get; init; }

    /// <summary>Use the repository's shipped subset even when the full dataset is installed.</summary>
    public bool Subset { get; init; }

    /// <summary>Seed of weights, shuffling and the validation split.</summary>
    public long Seed { get; init; }

    /// <summary>A checkpoint to continue from.</summary>
    public string? Resume { get; init; }

    /// <summary>Compute threads (<c>torch.set_num_threads</c>).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>DataLoader workers.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Where runs are written (TensorBoard's <c>--logdir</c>).</summary>
    public string LogDir { get; init; } = "runs";

    /// <summary>The run's folder name under <see cref="LogDir"/>; null makes one from the date and time.</summary>
    public string? RunName { get; init; }

    /// <summary>Use at most this many training images (and a fifth as many validation and test images); 0 for all.</summary>
    public int Limit { get; init; }

    /// <summary>Plain line-by-line progress even on a terminal.</summary>
    public bool Plain { get; init; }
}
