using Flint.NN;

namespace Flint.Vision;

public static partial class Models
{
    /// <summary>The block of ResNet-18/34 (<c>torchvision.models.resnet.BasicBlock</c>): two 3x3 convolutions and a shortcut.</summary>
    public sealed class BasicBlock : Module<Tensor, Tensor>
    {
        /// <summary>Channel expansion of the block's output (<c>expansion</c>).</summary>
        public const long Expansion = 1;

        /// <summary>The first 3x3 convolution, strided (<c>conv1</c>).</summary>
        public Conv2d Conv1;

        /// <summary><c>bn1</c>.</summary>
        public Module<Tensor, Tensor> Bn1;

        /// <summary><c>relu</c> (in place).</summary>
        public ReLU Relu;

        /// <summary>The second 3x3 convolution (<c>conv2</c>).</summary>
        public Conv2d Conv2;

        /// <summary><c>bn2</c>.</summary>
        public Module<Tensor, Tensor> Bn2;

        /// <summary>The shortcut's projection when the shape changes, else null (<c>downsample</c>).</summary>
        public Module<Tensor, Tensor>? Downsample => OptionalChild.Get<Module<Tensor, Tensor>>(this, "downsample");

        /// <summary>
        /// <c>BasicBlock(inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1, norm_layer=None)</c>.
        /// </summary>
        public BasicBlock(long inplanes, long planes, long stride = 1, Module<Tensor, Tensor>? downsample = null, long groups = 1,
            long baseWidth = 64, long dilation = 1, Func<long, Module<Tensor, Tensor>>? normLayer = null)
        {
            normLayer ??= c => new BatchNorm2d(c);
            if (groups != 1 || baseWidth != 64) throw new ArgumentException("BasicBlock only supports groups=1 and base_width=64");
            if (dilation > 1) throw new NotSupportedException("Dilation > 1 not supported in BasicBlock");
            Conv1 = Conv3x3(inplanes, planes, stride);
            Bn1 = normLayer(planes);
            Relu = new ReLU(inplace: true);
            Conv2 = Conv3x3(planes, planes);
            Bn2 = normLayer(planes);
            // Registered only when present: PyTorch's None attribute is not a child and is not printed.
            if (downsample is not null) RegisterModule("downsample", downsample);
            Stride = stride;
        }

        /// <summary>The first convolution's stride (<c>stride</c>).</summary>
        public long Stride { get; }

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x)
        {
            var identity = x;
            var output = Relu.Call(Bn1.Call(Conv1.Call(x)));
            output = Bn2.Call(Conv2.Call(output));
            if (Downsample is { } down) identity = down.Call(x);
            output = output.Add_(identity);
            return Relu.Call(output);
        }
    }

    /// <summary>
    /// The block of ResNet-50/101/152 (<c>torchvision.models.resnet.Bottleneck</c>): 1x1 reduce, strided 3x3, 1x1
    /// expand by 4, and a shortcut.
    /// </summary>
    public sealed class Bottleneck : Module<Tensor, Tensor>
    {
        /// <summary>Channel expansion of the block's output (<c>expansion</c>).</summary>
        public const long Expansion = 4;

        /// <summary>The 1x1 reduction (<c>conv1</c>).</summary>
        public Conv2d Conv1;

        /// <summary><c>bn1</c>.</summary>
        public Module<Tensor, Tensor> Bn1;

        /// <summary>The strided 3x3 convolution (<c>conv2</c>).</summary>
        public Conv2d Conv2;

        /// <summary><c>bn2</c>.</summary>
        public Module<Tensor, Tensor> Bn2;

        /// <summary>The 1x1 expansion (<c>conv3</c>).</summary>
        public Conv2d Conv3;

        /// <summary><c>bn3</c>.</summary>
        public Module<Tensor, Tensor> Bn3;

        /// <summary><c>relu</c> (in place).</summary>
        public ReLU Relu;

        /// <summary>The shortcut's projection when the shape changes, else null (<c>downsample</c>).</summary>
        public Module<Tensor, Tensor>? Downsample => OptionalChild.Get<Module<Tensor, Tensor>>(this, "downsample");

        /// <summary>
        /// <c>Bottleneck(inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1, norm_layer=None)</c>.
        /// </summary>
        public Bottleneck(long inplanes, long planes, long stride = 1, Module<Tensor, Tensor>? downsample = null, long groups = 1,
            long baseWidth = 64, long dilation = 1, Func<long, Module<Tensor, Tensor>>? normLayer = null)
        {
            normLayer ??= c => new BatchNorm2d(c);
            long width = (long)(planes * (baseWidth / 64.0)) * groups;
            Conv1 = Conv1x1(inplanes, width);
            Bn1 = normLayer(width);
            Conv2 = Conv3x3(width, width, stride, groups, dilation);
            Bn2 = normLayer(width);
            Conv3 = Conv1x1(width, planes * Expansion);
            Bn3 = normLayer(planes * Expansion);
            Relu = new ReLU(inplace: true);
            // Registered only when present: PyTorch's None attribute is not a child and is not printed.
            if (downsample is not null) RegisterModule("downsample", downsample);
            Stride = stride;
        }

        /// <summary>The 3x3 convolution's stride (<c>stride</c>).</summary>
        public long Stride { get; }

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x)
        {
            var identity = x;
            var output = Relu.Call(Bn1.Call(Conv1.Call(x)));
            output = Relu.Call(Bn2.Call(Conv2.Call(output)));
            output = Bn3.Call(Conv3.Call(output));
            if (Downsample is { } down) identity = down.Call(x);
            output = output.Add_(identity);
            return Relu.Call(output);
        }
    }

    /// <summary>3x3 convolution with padding, no bias (torchvision's <c>conv3x3</c>).</summary>
    private static Conv2d Conv3x3(long inPlanes, long outPlanes, long stride = 1, long groups = 1, long dilation = 1) =>
        new(inPlanes, outPlanes, 3, stride, dilation, dilation, groups, bias: false);

    /// <summary>1x1 convolution, no bias (torchvision's <c>conv1x1</c>).</summary>
    private static Conv2d Conv1x1(long inPlanes, long outPlanes, long stride = 1) => new(inPlanes, outPlanes, 1, stride, bias: false);

    /// <summary>
    /// A residual network (<c>torchvision.models.ResNet</c>): a 7x7 stem, four stages of residual blocks, global
    /// average pooling and the classifier <c>fc</c>. Replace <c>fc</c> for transfer learning:
    /// <c>model.fc = new Linear(model.fc.InFeatures, 2)</c>.
    /// </summary>
    public sealed class ResNet : Module<Tensor, Tensor>
    {
        private readonly Func<long, Module<Tensor, Tensor>> normLayer;
        private long inplanes = 64;
        private long dilation = 1;
        private readonly long groups;
        private readonly long baseWidth;

        /// <summary>The 7x7 stride-2 stem convolution (<c>conv1</c>).</summary>
        public Conv2d Conv1;

        /// <summary><c>bn1</c>.</summary>
        public Module<Tensor, Tensor> Bn1;

        /// <summary><c>relu</c>.</summary>
        public ReLU Relu;

        /// <summary>3x3 stride-2 max pooling (<c>maxpool</c>).</summary>
        public MaxPool2d Maxpool;

        /// <summary>Stage 1, 64 planes (<c>layer1</c>).</summary>
        public Sequential Layer1;

        /// <summary>Stage 2, 128 planes (<c>layer2</c>).</summary>
        public Sequential Layer2;

        /// <summary>Stage 3, 256 planes (<c>layer3</c>).</summary>
        public Sequential Layer3;

        /// <summary>Stage 4, 512 planes (<c>layer4</c>).</summary>
        public Sequential Layer4;

        /// <summary>Global average pooling (<c>avgpool</c>).</summary>
        public AdaptiveAvgPool2d Avgpool;

        /// <summary>The classifier (<c>fc</c>).</summary>
        public Linear Fc;

        /// <summary>
        /// <c>ResNet(block, layers, num_classes=1000, zero_init_residual=False, groups=1, width_per_group=64,
        /// replace_stride_with_dilation=None, norm_layer=None)</c> with <paramref name="bottleneck"/> choosing
        /// Bottleneck over BasicBlock; weights initialised as torchvision's (kaiming_normal_ fan_out for convolutions,
        /// ones and zeros for the norms, optionally zero for each block's last norm).
        /// </summary>
        public ResNet(bool bottleneck, long[] layers, long numClasses = 1000, bool zeroInitResidual = false, long groups = 1,
            long widthPerGroup = 64, bool[]? replaceStrideWithDilation = null, Func<long, Module<Tensor, Tensor>>? normLayer = null)
        {
            this.normLayer = normLayer ?? (c => new BatchNorm2d(c));
            replaceStrideWithDilation ??= [false, false, false];
            if (replaceStrideWithDilation.Length != 3)
                throw new ArgumentException(
                    $"replace_stride_with_dilation should be None or a 3-element tuple, got [{string.Join(", ", replaceStrideWithDilation)}]");
            if (layers.Length != 4) throw new ArgumentException($"layers should have 4 entries, got {layers.Length}");
            this.groups = groups;
            baseWidth = widthPerGroup;
            Bottlenecked = bottleneck;
            Conv1 = new Conv2d(3, inplanes, 7, 2, 3, bias: false);
            Bn1 = this.normLayer(inplanes);
            Relu = new ReLU(inplace: true);
            Maxpool = new MaxPool2d(3, 2, 1);
            Layer1 = MakeLayer(64, layers[0]);
            Layer2 = MakeLayer(128, layers[1], 2, replaceStrideWithDilation[0]);
            Layer3 = MakeLayer(256, layers[2], 2, replaceStrideWithDilation[1]);
            Layer4 = MakeLayer(512, layers[3], 2, replaceStrideWithDilation[2]);
            Avgpool = new AdaptiveAvgPool2d((1, 1));
            Fc = new Linear(512 * (bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion), numClasses);
            foreach (var m in Modules())
            {
                if (m is Conv2d conv) Init.KaimingNormal_(conv.Weight, mode: "fan_out", nonlinearity: "relu");
                else if (m is BatchNorm2d bn)
                {
                    Init.Constant_(bn.Weight!, 1);
                    Init.Constant_(bn.Bias!, 0);
                }
                else if (m is GroupNorm gn)
                {
                    Init.Constant_(gn.Weight!, 1);
                    Init.Constant_(gn.Bias!, 0);
                }
            }
            if (zeroInitResidual)
                foreach (var m in Modules())
                {
                    if (m is Bottleneck b && NormWeight(b.Bn3) is { } w3) Init.Constant_(w3, 0);
                    else if (m is BasicBlock bb && NormWeight(bb.Bn2) is { } w2) Init.Constant_(w2, 0);
                }
        }

        private static Parameter? NormWeight(Module m) => m switch
        {
            NormBase n => n.Weight,
            GroupNorm g => g.Weight,
            LayerNorm l => l.Weight,
            _ => null,
        };

        /// <summary>Whether the blocks are Bottlenecks (ResNet-50 and deeper) rather than BasicBlocks.</summary>
        public bool Bottlenecked { get; }

        private Sequential MakeLayer(long planes, long blocks, long stride = 1, bool dilate = false)
        {
            long expansion = Bottlenecked ? Bottleneck.Expansion : BasicBlock.Expansion;
            Sequential? down = null;
            long previousDilation = dilation;
            if (dilate)
            {
                dilation *= stride;
                stride = 1;
            }
            if (stride != 1 || inplanes != planes * expansion)
                down = new Sequential(Conv1x1(inplanes, planes * expansion, stride), normLayer(planes * expansion));
            var result = new Sequential();
            result.Append(Block(inplanes, planes, stride, down, previousDilation));
            inplanes = planes * expansion;
            for (long i = 1; i < blocks; i++) result.Append(Block(inplanes, planes, 1, null, dilation));
            return result;
        }

        private Module Block(long inp, long planes, long stride, Module<Tensor, Tensor>? down, long dil) => Bottlenecked
            ? new Bottleneck(inp, planes, stride, down, groups, baseWidth, dil, normLayer)
            : new BasicBlock(inp, planes, stride, down, groups, baseWidth, dil, normLayer);

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x)
        {
            x = Maxpool.Call(Relu.Call(Bn1.Call(Conv1.Call(x))));
            x = Layer4.Call(Layer3.Call(Layer2.Call(Layer1.Call(x))));
            x = Avgpool.Call(x).Flatten(1);
            return Fc.Call(x);
        }
    }

    private static ResNet Resnet(string arch, string file, bool bottleneck, long[] layers, bool pretrained, string? weights,
        long numClasses, bool zeroInitResidual, long groups = 1, long widthPerGroup = 64)
    {
        CheckClasses(weights, numClasses);
        return Pretrained(new ResNet(bottleneck, layers, numClasses, zeroInitResidual, groups, widthPerGroup), arch, file, pretrained, weights);
    }

    /// <summary>ResNet-18 (<c>torchvision.models.resnet18(weights=None)</c>); <paramref name="weights"/> is a local checkpoint to load.</summary>
    public static ResNet Resnet18(bool pretrained = false, string? weights = null, long numClasses = 1000, bool zeroInitResidual = false) =>
        Resnet("resnet18", "resnet18-f37072fd.pth", false, [2, 2, 2, 2], pretrained, weights, numClasses, zeroInitResidual);

    /// <summary>ResNet-34 (<c>torchvision.models.resnet34(weights=None)</c>).</summary>
    public static ResNet Resnet34(bool pretrained = false, string? weights = null, long numClasses = 1000, bool zeroInitResidual = false) =>
        Resnet("resnet34", "resnet34-b627a593.pth", false, [3, 4, 6, 3], pretrained, weights, numClasses, zeroInitResidual);

    /// <summary>ResNet-50 (<c>torchvision.models.resnet50(weights=None)</c>).</summary>
    public static ResNet Resnet50(bool pretrained = false, string? weights = null, long numClasses = 1000, bool zeroInitResidual = false) =>
        Resnet("resnet50", "resnet50-0676ba61.pth", true, [3, 4, 6, 3], pretrained, weights, numClasses, zeroInitResidual);

    /// <summary>ResNet-101 (<c>torchvision.models.resnet101(weights=None)</c>).</summary>
    public static ResNet Resnet101(bool pretrained = false, string? weights = null, long numClasses = 1000, bool zeroInitResidual = false) =>
        Resnet("resnet101", "resnet101-63fe2227.pth", true, [3, 4, 23, 3], pretrained, weights, numClasses, zeroInitResidual);

    /// <summary>ResNet-152 (<c>torchvision.models.resnet152(weights=None)</c>).</summary>
    public static ResNet Resnet152(bool pretrained = false, string? weights = null, long numClasses = 1000, bool zeroInitResidual = false) =>
        Resnet("resnet152", "resnet152-394f9c45.pth", true, [3, 8, 36, 3], pretrained, weights, numClasses, zeroInitResidual);

    /// <summary>ResNeXt-50 32x4d (<c>torchvision.models.resnext50_32x4d(weights=None)</c>).</summary>
    public static ResNet Resnext50_32x4d(bool pretrained = false, string? weights = null, long numClasses = 1000, bool zeroInitResidual = false) =>
        Resnet("resnext50_32x4d", "resnext50_32x4d-7cdf4587.pth", true, [3, 4, 6, 3], pretrained, weights, numClasses, zeroInitResidual, 32, 4);

    /// <summary>Wide ResNet-50-2 (<c>torchvision.models.wide_resnet50_2(weights=None)</c>).</summary>
    public static ResNet WideResnet50_2(bool pretrained = false, string? weights = null, long numClasses = 1000, bool zeroInitResidual = false) =>
        Resnet("wide_resnet50_2", "wide_resnet50_2-95faca4d.pth", true, [3, 4, 6, 3], pretrained, weights, numClasses, zeroInitResidual, 1, 128);
}
