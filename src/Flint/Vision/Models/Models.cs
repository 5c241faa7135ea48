using Flint.NN;

namespace Flint.Vision;

/// <summary>
/// The vision model zoo (<c>torchvision.models</c>): <see cref="Resnet18"/> and the ResNet family, <see cref="Vgg16"/>
/// and the VGG family, <see cref="Alexnet"/>, plus the seeds' <see cref="LeNet"/> and a <see cref="UNet"/>. Module
/// and parameter names are torchvision's, so its checkpoints load with <c>LoadStateDict</c>. Flint cannot download
/// pretrained weights: pass the path of a local checkpoint file (the <c>.pth</c> torchvision downloads) as
/// <c>weights</c>; <c>pretrained: true</c> without one fails with a message naming the file to fetch.
/// </summary>
public static partial class Models
{
    /// <summary>
    /// Loads torchvision's ImageNet weights from <paramref name="weights"/> (a local checkpoint) into
    /// <paramref name="model"/>, as torchvision's builders do after download; refuses <paramref name="pretrained"/>
    /// without a file, since nothing can be downloaded.
    /// </summary>
    private static T Pretrained<T>(T model, string arch, string file, bool pretrained, string? weights) where T : Module
    {
        if (weights is null)
        {
            if (pretrained)
                throw new InvalidOperationException(
                    $"{arch}(pretrained: true): Flint does not download weights. Fetch {file} from " +
                    $"https://download.pytorch.org/models/{file} and pass its path as weights: \"{file}\" (or call " +
                    "model.LoadStateDict(Torch.Load<OrderedDictionary<string, Tensor>>(path))).");
            return model;
        }
        if (!File.Exists(weights))
            throw new FileNotFoundException(
                $"{arch}: the checkpoint '{weights}' does not exist; torchvision's is {file} from https://download.pytorch.org/models/{file}",
                weights);
        model.LoadStateDict(Torch.Load<OrderedDictionary<string, Tensor>>(weights));
        return model;
    }

    /// <summary>torchvision's check that pretrained weights are loaded into a model of their own class count.</summary>
    private static void CheckClasses(string? weights, long numClasses)
    {
        if (weights is not null && numClasses != 1000)
            throw new ArgumentException($"The parameter 'num_classes' expected value 1000 but got {numClasses} instead.");
    }
}
