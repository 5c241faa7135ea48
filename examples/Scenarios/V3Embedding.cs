using Flint.Board;
using Flint.Vision.Datasets;
using Flint.Vision.Transforms;

namespace Flint.Examples.Scenarios;

/// <summary>
/// V3: <c>add_embedding(features, metadata=labels, label_img=images)</c> for TensorBoard's projector: 100 Fashion-MNIST
/// test images as 784-long feature vectors, their class names as metadata and the images themselves as the sprite.
/// </summary>
public sealed class V3Embedding : IExample
{
    /// <inheritdoc/>
    public string Name => "v3";

    /// <inheritdoc/>
    public string Summary => "add_embedding(features, metadata=class names, label_img=images) of 100 Fashion-MNIST images";

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        var logDir = args.Length > 0 ? args[0] : Path.Combine("runs", "fashion_mnist_embedding");
        var data = new FashionMNIST<Tensor>(FashionMNIST<Tensor>.ShippedSubset() ?? FashionMNIST<Tensor>.DefaultRoot(), train: false, transform: new ToTensor());
        var samples = Enumerable.Range(0, 100).Select(i => data[i]).ToList();
        var images = Torch.Stack(samples.Select(s => s.Image).ToArray());
        var labels = samples.Select(s => data.Classes[(int)s.Target]).ToList();
        var features = images.View(-1, 28 * 28);
        var writer = new SummaryWriter(logDir);
        writer.AddEmbedding(features, metadata: labels, labelImg: images);
        writer.Close();
        o.WriteLine($"embedding of {features.Size(0)} x {features.Size(1)} with labels ({string.Join(", ", labels.Distinct().Take(4))}, ...) " +
                    $"and a {images.Size(0)}-image sprite written to {writer.LogDir}; tensorboard --logdir {Path.GetDirectoryName(Path.GetFullPath(writer.LogDir))}, Projector tab");
        return 0;
    }
}
