using Flint.NN;

namespace Flint.Vision;

public static partial class Models
{
    /// <summary>
    /// AlexNet (<c>torchvision.models.AlexNet</c>): five convolutions with max pooling in <c>features</c>, 6x6 adaptive
    /// average pooling and a three-layer <c>classifier</c> with dropout.
    /// </summary>
    public sealed class AlexNet : Module<Tensor, Tensor>
    {
        /// <summary>The convolutional layers (<c>features</c>).</summary>
        public Sequential Features;

        /// <summary>Pooling to 6x6 (<c>avgpool</c>).</summary>
        public AdaptiveAvgPool2d Avgpool;

        /// <summary>The classifier (<c>classifier</c>).</summary>
        public Sequential Classifier;

        /// <summary><c>AlexNet(num_classes=1000, dropout=0.5)</c>, layers initialised by their own defaults.</summary>
        public AlexNet(long numClasses = 1000, double dropout = 0.5)
        {
            Features = new Sequential(
                new Conv2d(3, 64, 11, 4, 2), new ReLU(true), new MaxPool2d(3, 2),
                new Conv2d(64, 192, 5, padding: 2), new ReLU(true), new MaxPool2d(3, 2),
                new Conv2d(192, 384, 3, padding: 1), new ReLU(true),
                new Conv2d(384, 256, 3, padding: 1), new ReLU(true),
                new Conv2d(256, 256, 3, padding: 1), new ReLU(true), new MaxPool2d(3, 2));
            Avgpool = new AdaptiveAvgPool2d((6, 6));
            Classifier = new Sequential(
                new Dropout(dropout), new Linear(256 * 6 * 6, 4096), new ReLU(true),
                new Dropout(dropout), new Linear(4096, 4096), new ReLU(true),
                new Linear(4096, numClasses));
        }

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x) => Classifier.Call(Avgpool.Call(Features.Call(x)).Flatten(1));
    }

    /// <summary>AlexNet (<c>torchvision.models.alexnet(weights=None)</c>); <paramref name="weights"/> is a local checkpoint to load.</summary>
    public static AlexNet Alexnet(bool pretrained = false, string? weights = null, long numClasses = 1000, double dropout = 0.5)
    {
        CheckClasses(weights, numClasses);
        return Pretrained(new AlexNet(numClasses, dropout), "alexnet", "alexnet-owt-7be5be79.pth", pretrained, weights);
    }
}
