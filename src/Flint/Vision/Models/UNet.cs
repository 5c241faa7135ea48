using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Vision;

public static partial class Models
{
    /// <summary>(Conv2d 3x3 → BatchNorm2d → ReLU) twice, the U-Net's unit (<c>DoubleConv</c>).</summary>
    public sealed class DoubleConv : Module<Tensor, Tensor>
    {
        /// <summary>The six layers (<c>double_conv</c>).</summary>
        public Sequential double_conv; // lower case: a member cannot share its class's name

        /// <summary>Two convolutions from <paramref name="inChannels"/> through <paramref name="midChannels"/> (default: out) to <paramref name="outChannels"/>.</summary>
        public DoubleConv(long inChannels, long outChannels, long? midChannels = null)
        {
            long mid = midChannels ?? outChannels;
            double_conv = new Sequential(
                new Conv2d(inChannels, mid, 3, padding: 1, bias: false), new BatchNorm2d(mid), new ReLU(inplace: true),
                new Conv2d(mid, outChannels, 3, padding: 1, bias: false), new BatchNorm2d(outChannels), new ReLU(inplace: true));
        }

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x) => double_conv.Call(x);
    }

    /// <summary>2x2 max pooling then a <see cref="DoubleConv"/>: one step down the U (<c>Down</c>).</summary>
    public sealed class Down : Module<Tensor, Tensor>
    {
        /// <summary>The pooling and the convolutions (<c>maxpool_conv</c>).</summary>
        public Sequential MaxpoolConv;

        /// <summary>Halves the resolution and maps <paramref name="inChannels"/> to <paramref name="outChannels"/>.</summary>
        public Down(long inChannels, long outChannels) =>
            MaxpoolConv = new Sequential(new MaxPool2d(2), new DoubleConv(inChannels, outChannels));

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x) => MaxpoolConv.Call(x);
    }

    /// <summary>
    /// One step up the U (<c>Up</c>): upsample (bilinear, or a 2x2 transposed convolution), pad to the skip
    /// connection's size, concatenate it along channels and apply a <see cref="DoubleConv"/>.
    /// </summary>
    public sealed class Up : Module<Tensor, Tensor, Tensor>
    {
        /// <summary>The upsampling (<c>up</c>): Upsample or ConvTranspose2d.</summary>
        public Module<Tensor, Tensor> up; // lower case: a member cannot share its class's name

        /// <summary>The convolutions after the concatenation (<c>conv</c>).</summary>
        public DoubleConv Conv;

        /// <summary>Doubles the resolution; <paramref name="bilinear"/> chooses interpolation over a transposed convolution.</summary>
        public Up(long inChannels, long outChannels, bool bilinear = true)
        {
            if (bilinear)
            {
                up = new Upsample(scaleFactor: 2, mode: "bilinear", alignCorners: true);
                Conv = new DoubleConv(inChannels, outChannels, inChannels / 2);
            }
            else
            {
                up = new ConvTranspose2d(inChannels, inChannels / 2, 2, 2);
                Conv = new DoubleConv(inChannels, outChannels);
            }
        }

        /// <summary>Upsamples <paramref name="x1"/> and joins it with the skip connection <paramref name="x2"/>.</summary>
        public override Tensor Forward(Tensor x1, Tensor x2)
        {
            x1 = up.Call(x1);
            long diffY = x2.Size(2) - x1.Size(2), diffX = x2.Size(3) - x1.Size(3);
            x1 = F.Pad(x1, [diffX / 2, diffX - diffX / 2, diffY / 2, diffY - diffY / 2]);
            return Conv.Call(Torch.Cat([x2, x1], 1));
        }
    }

    /// <summary>The final 1x1 convolution to class scores (<c>OutConv</c>).</summary>
    public sealed class OutConv : Module<Tensor, Tensor>
    {
        /// <summary><c>conv</c>: Conv2d(in, classes, 1).</summary>
        public Conv2d Conv;

        /// <summary>Maps <paramref name="inChannels"/> to <paramref name="outChannels"/> per pixel.</summary>
        public OutConv(long inChannels, long outChannels) => Conv = new Conv2d(inChannels, outChannels, 1);

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x) => Conv.Call(x);
    }

    /// <summary>
    /// U-Net for segmentation (Ronneberger et al.; the widely used PyTorch layout of milesial/Pytorch-UNet): an encoder
    /// of <see cref="DoubleConv"/> and four <see cref="Down"/> steps, a decoder of four <see cref="Up"/> steps joined to
    /// the encoder's maps by skip connections, and an <see cref="OutConv"/>. <c>baseChannels</c> (64 in the paper) sets
    /// the width; each level down doubles it.
    /// </summary>
    public sealed class UNet : Module<Tensor, Tensor>
    {
        /// <summary><c>inc</c>.</summary>
        public DoubleConv Inc;

        /// <summary><c>down1</c>.</summary>
        public Down Down1;

        /// <summary><c>down2</c>.</summary>
        public Down Down2;

        /// <summary><c>down3</c>.</summary>
        public Down Down3;

        /// <summary><c>down4</c>.</summary>
        public Down Down4;

        /// <summary><c>up1</c>.</summary>
        public Up Up1;

        /// <summary><c>up2</c>.</summary>
        public Up Up2;

        /// <summary><c>up3</c>.</summary>
        public Up Up3;

        /// <summary><c>up4</c>.</summary>
        public Up Up4;

        /// <summary><c>outc</c>.</summary>
        public OutConv Outc;

        /// <summary>A U-Net from <paramref name="nChannels"/> input channels to <paramref name="nClasses"/> score maps.</summary>
        public UNet(long nChannels, long nClasses, bool bilinear = false, long baseChannels = 64)
        {
            NChannels = nChannels;
            NClasses = nClasses;
            Bilinear = bilinear;
            long c = baseChannels, factor = bilinear ? 2 : 1;
            Inc = new DoubleConv(nChannels, c);
            Down1 = new Down(c, 2 * c);
            Down2 = new Down(2 * c, 4 * c);
            Down3 = new Down(4 * c, 8 * c);
            Down4 = new Down(8 * c, 16 * c / factor);
            Up1 = new Up(16 * c, 8 * c / factor, bilinear);
            Up2 = new Up(8 * c, 4 * c / factor, bilinear);
            Up3 = new Up(4 * c, 2 * c / factor, bilinear);
            Up4 = new Up(2 * c, c, bilinear);
            Outc = new OutConv(c, nClasses);
        }

        /// <summary>Input channels (<c>n_channels</c>).</summary>
        public long NChannels { get; }

        /// <summary>Output score maps (<c>n_classes</c>).</summary>
        public long NClasses { get; }

        /// <summary>Whether upsampling is bilinear rather than a transposed convolution (<c>bilinear</c>).</summary>
        public bool Bilinear { get; }

        /// <summary>Maps [N, n_channels, H, W] to [N, n_classes, H, W].</summary>
        public override Tensor Forward(Tensor x)
        {
            var x1 = Inc.Call(x);
            var x2 = Down1.Call(x1);
            var x3 = Down2.Call(x2);
            var x4 = Down3.Call(x3);
            var x5 = Down4.Call(x4);
            x = Up1.Call(x5, x4);
            x = Up2.Call(x, x3);
            x = Up3.Call(x, x2);
            x = Up4.Call(x, x1);
            return Outc.Call(x);
        }
    }
}
