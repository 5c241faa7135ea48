using Flint.Plot;
using Flint.Vision.Datasets;
using Flint.Vision.Transforms;

namespace Flint.Examples.Scenarios;

/// <summary>
/// V4: showing an image tensor, as the seeds' <c>imshow(images[0].transpose(1, 2, 0))</c>: a batch of Fashion-MNIST
/// images made into a grid (<c>torchvision.utils.make_grid</c>), moved from CHW to HWC with <c>Permute(1, 2, 0)</c>
/// and drawn with <c>imshow</c> to a PNG, next to one image alone with its class as the title.
/// </summary>
public sealed class V4ShowImage : IExample
{
    /// <inheritdoc/>
    public string Name => "v4";

    /// <inheritdoc/>
    public string Summary => "imshow(make_grid(images).permute(1, 2, 0)) and one image with its class, to v4_images.png";

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        var png = args.Length > 0 ? args[0] : "v4_images.png";
        var data = new FashionMNIST<Tensor>(FashionMNIST<Tensor>.ShippedSubset() ?? FashionMNIST<Tensor>.DefaultRoot(), train: false,
            transform: new Compose(new ToTensor(), new Normalize([0.5], [0.5])));
        var samples = Enumerable.Range(0, 16).Select(i => data[i]).ToList();
        var images = Torch.Stack(samples.Select(s => s.Image).ToArray());
        var grid = Vision.Utils.MakeGrid(images / 2 + 0.5, nrow: 8);
        var fig = new Figure(figsize: (10, 4));
        var left = fig.AddSubplot(1, 2, 1);
        left.Imshow(grid.Permute(1, 2, 0));
        left.Title("make_grid(images)");
        var right = fig.AddSubplot(1, 2, 2);
        right.Imshow((images[0] / 2 + 0.5).Permute(1, 2, 0).Squeeze(2), cmap: "gray");
        right.Title(data.Classes[(int)samples[0].Target]);
        fig.SaveFig(png);
        o.WriteLine($"images {images.Shape} -> grid {grid.Shape} -> HWC {grid.Permute(1, 2, 0).Shape}; figure saved to {png}");
        return 0;
    }
}
