using Flint.NN;
using Flint.Optim;
using Flint.Vision;

namespace Flint.Examples.Scenarios;

/// <summary>
/// M6: a U-Net built from the blocks (Conv2d, BatchNorm2d, ReLU, MaxPool2d, ConvTranspose2d or bilinear Upsample,
/// <c>cat</c> along channels) trains on a toy segmentation task; its state dict is saved and loaded as the seed does
/// (<c>torch.save(unet.state_dict(), path)</c>, <c>unet.load_state_dict(torch.load(path))</c>).
/// </summary>
public sealed class M6UNet : IExample
{
    public string Name => "m6";
    public string Summary => "U-Net from Conv2d/BatchNorm2d/ReLU/MaxPool2d/ConvTranspose2d/cat trains steps; state dict saved and loaded";

    /// <summary>Toy segmentation: bright squares on noise, the target is the square mask.</summary>
    public static (Tensor Images, Tensor Masks) Batch(int n, int size, Generator g)
    {
        var images = Torch.Randn([n, 3, size, size], generator: g).Mul(0.3);
        var masks = Torch.Zeros(new Size(n, size, size), DType.Int64);
        var rng = new Random(n * 31 + size);
        using (Torch.NoGrad())
            for (int i = 0; i < n; i++)
            {
                int s = size / 4 + rng.Next(size / 4), y = rng.Next(size - s), x = rng.Next(size - s);
                images[i, .., y..(y + s), x..(x + s)].Add_(1.5);
                masks[i, y..(y + s), x..(x + s)].Fill_(1);
            }
        return (images, masks);
    }

    /// <summary>Trains <paramref name="steps"/> steps; returns the losses and the pixel accuracy after training.</summary>
    public static (double[] Losses, double Accuracy) Train(int steps, int size, bool bilinear, TextWriter o)
    {
        Torch.ManualSeed(0);
        var g = new Generator().ManualSeed(1);
        var unet = new Models.UNet(nChannels: 3, nClasses: 2, bilinear: bilinear, baseChannels: 8);
        o.WriteLine($"UNet(bilinear={bilinear}): {unet.Parameters().Sum(p => p.Numel())} parameters; first block:");
        o.WriteLine(unet.Inc);
        var criterion = new CrossEntropyLoss();
        var optimizer = new Adam(unet.Parameters(), lr: 0.01);
        var losses = new double[steps];
        for (int step = 0; step < steps; step++)
        {
            var (images, masks) = Batch(4, size, g);
            optimizer.ZeroGrad();
            var logits = unet.Call(images);
            var loss = criterion.Call(logits, masks);
            loss.Backward();
            optimizer.Step();
            losses[step] = loss.Item<double>();
            o.WriteLine($"step {step + 1}: output {logits.Shape}, loss {losses[step]:F4}");
        }

        unet.Eval();
        var (testImages, testMasks) = Batch(4, size, g);
        Tensor predicted;
        using (Torch.NoGrad()) predicted = unet.Call(testImages).Argmax(1);
        double accuracy = predicted.Eq(testMasks).Double().Mean().Item<double>();
        o.WriteLine($"pixel accuracy on new images: {accuracy:F3}");

        var path = Path.Combine(Path.GetTempPath(), $"flint-unet-{Environment.ProcessId}-{Guid.NewGuid():N}.pth");
        try
        {
            Torch.Save(unet.StateDict(), path);
            var loaded = new Models.UNet(3, 2, bilinear, 8);
            o.WriteLine(loaded.LoadStateDict(Torch.Load<OrderedDictionary<string, Tensor>>(path)));
            loaded.Eval();
            using (Torch.NoGrad())
                o.WriteLine($"loaded weights give the same output: {loaded.Call(testImages).Equal(unet.Call(testImages))}");
        }
        finally
        {
            File.Delete(path);
        }
        return (losses, accuracy);
    }

    public int Run(string[] args, TextWriter o)
    {
        int steps = args.Length > 0 ? int.Parse(args[0]) : 30;
        int size = args.Length > 1 ? int.Parse(args[1]) : 64;
        Train(steps, size, bilinear: false, o);
        return 0;
    }
}
