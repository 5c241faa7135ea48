using Flint.NN;

namespace Flint.Vision;

public static partial class Models
{
    /// <summary>
    /// A VGG network (<c>torchvision.models.VGG</c>): convolutional <c>features</c>, 7x7 adaptive average pooling and
    /// a three-layer <c>classifier</c> with dropout.
    /// </summary>
    public sealed class VGG : Module<Tensor, Tensor>
    {
        /// <summary>The convolutional layers (<c>features</c>).</summary>
        public Sequential Features;

        /// <summary>Pooling to 7x7 (<c>avgpool</c>).</summary>
        public AdaptiveAvgPool2d Avgpool;

        /// <summary>The classifier: Linear(25088, 4096), ReLU, Dropout, Linear(4096, 4096), ReLU, Dropout, Linear(4096, classes) (<c>classifier</c>).</summary>
        public Sequential Classifier;

        /// <summary>
        /// <c>VGG(features, num_classes=1000, init_weights=True, dropout=0.5)</c>; with <paramref name="initWeights"/>,
        /// convolutions get kaiming_normal_ (fan_out), norms ones and zeros, linear layers N(0, 0.01), biases zero.
        /// </summary>
        public VGG(Sequential features, long numClasses = 1000, bool initWeights = true, double dropout = 0.5)
        {
            this.Features = features;
            Avgpool = new AdaptiveAvgPool2d((7, 7));
            Classifier = new Sequential(
                new Linear(512 * 7 * 7, 4096), new ReLU(true), new Dropout(dropout),
                new Linear(4096, 4096), new ReLU(true), new Dropout(dropout),
                new Linear(4096, numClasses));
            if (!initWeights) return;
            foreach (var m in Modules())
                switch (m)
                {
                    case Conv2d conv:
                        Init.KaimingNormal_(conv.Weight, mode: "fan_out", nonlinearity: "relu");
                        if (conv.Bias is not null) Init.Constant_(conv.Bias, 0);
                        break;
                    case BatchNorm2d bn:
                        Init.Constant_(bn.Weight!, 1);
                        Init.Constant_(bn.Bias!, 0);
                        break;
                    case Linear linear:
                        Init.Normal_(linear.Weight, 0, 0.01);
                        Init.Constant_(linear.Bias!, 0);
                        break;
                }
        }

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x) => Classifier.Call(Avgpool.Call(Features.Call(x)).Flatten(1));
    }

    private static readonly Dictionary<string, long[]> VggConfigs = new()
    {
        // 0 stands for "M", a 2x2 max pooling.
        ["A"] = [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
        ["B"] = [64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
        ["D"] = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0],
        ["E"] = [64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0],
    };

    /// <summary>
    /// VGG's feature layers from a configuration (<c>torchvision.models.vgg.make_layers(cfg, batch_norm)</c>): each
    /// number is a 3x3 convolution of that many channels (with BatchNorm when asked) and ReLU; each 0 (torchvision's
    /// "M") a 2x2 max pooling.
    /// </summary>
    public static Sequential MakeLayers(IEnumerable<long> cfg, bool batchNorm = false)
    {
        var layers = new Sequential();
        long inChannels = 3;
        foreach (var v in cfg)
        {
            if (v == 0)
            {
                layers.Append(new MaxPool2d(2, 2));
                continue;
            }
            layers.Append(new Conv2d(inChannels, v, 3, padding: 1));
            if (batchNorm) layers.Append(new BatchNorm2d(v));
            layers.Append(new ReLU(inplace: true));
            inChannels = v;
        }
        return layers;
    }

    private static VGG Vgg(string cfg, bool batchNorm, string arch, string file, bool pretrained, string? weights, long numClasses, double dropout)
    {
        CheckClasses(weights, numClasses);
        return Pretrained(new VGG(MakeLayers(VggConfigs[cfg], batchNorm), numClasses, weights is null, dropout), arch, file, pretrained, weights);
    }

    /// <summary>VGG-11 (<c>torchvision.models.vgg11(weights=None)</c>); <paramref name="weights"/> is a local checkpoint to load.</summary>
    public static VGG Vgg11(bool pretrained = false, string? weights = null, long numClasses = 1000, double dropout = 0.5) =>
        Vgg("A", false, "vgg11", "vgg11-8a719046.pth", pretrained, weights, numClasses, dropout);

    /// <summary>VGG-11 with BatchNorm (<c>torchvision.models.vgg11_bn(weights=None)</c>).</summary>
    public static VGG Vgg11Bn(bool pretrained = false, string? weights = null, long numClasses = 1000, double dropout = 0.5) =>
        Vgg("A", true, "vgg11_bn", "vgg11_bn-6002323d.pth", pretrained, weights, numClasses, dropout);

    /// <summary>VGG-13 (<c>torchvision.models.vgg13(weights=None)</c>).</summary>
    public static VGG Vgg13(bool pretrained = false, string? weights = null, long numClasses = 1000, double dropout = 0.5) =>
        Vgg("B", false, "vgg13", "vgg13-19584684.pth", pretrained, weights, numClasses, dropout);

    /// <summary>VGG-13 with BatchNorm (<c>torchvision.models.vgg13_bn(weights=None)</c>).</summary>
    public static VGG Vgg13Bn(bool pretrained = false, string? weights = null, long numClasses = 1000, double dropout = 0.5) =>
        Vgg("B", true, "vgg13_bn", "vgg13_bn-abd245e5.pth", pretrained, weights, numClasses, dropout);

    /// <summary>VGG-16 (<c>torchvision.models.vgg16(weights=None)</c>).</summary>
    public static VGG Vgg16(bool pretrained = false, string? weights = null, long numClasses = 1000, double dropout = 0.5) =>
        Vgg("D", false, "vgg16", "vgg16-397923af.pth", pretrained, weights, numClasses, dropout);

    /// <summary>VGG-16 with BatchNorm (<c>torchvision.models.vgg16_bn(weights=None)</c>).</summary>
    public static VGG Vgg16Bn(bool pretrained = false, string? weights = null, long numClasses = 1000, double dropout = 0.5) =>
        Vgg("D", true, "vgg16_bn", "vgg16_bn-6c64b313.pth", pretrained, weights, numClasses, dropout);

    /// <summary>VGG-19 (<c>torchvision.models.vgg19(weights=None)</c>).</summary>
    public static VGG Vgg19(bool pretrained = false, string? weights = null, long numClasses = 1000, double dropout = 0.5) =>
        Vgg("E", false, "vgg19", "vgg19-dcbb9e9d.pth", pretrained, weights, numClasses, dropout);

    /// <summary>VGG-19 with BatchNorm (<c>torchvision.models.vgg19_bn(weights=None)</c>).</summary>
    public static VGG Vgg19Bn(bool pretrained = false, string? weights = null, long numClasses = 1000, double dropout = 0.5) =>
        Vgg("E", true, "vgg19_bn", "vgg19_bn-c79401a0.pth", pretrained, weights, numClasses, dropout);
}
