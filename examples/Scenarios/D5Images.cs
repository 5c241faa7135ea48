using Flint.Data;
using Flint.Vision;
using Flint.Vision.Datasets;
using Flint.Vision.Transforms;

namespace Flint.Examples.Scenarios;

/// <summary>D5: ImageFolder, a dataset of an image list plus a CSV of labels (images opened as RGB), transforms, MNIST-style data.</summary>
public sealed class D5Images : IExample
{
    public string Name => "d5";
    public string Summary => "ImageFolder (a folder per class), image list + CSV of labels opened as RGB, transforms, FashionMNIST";

    public int Run(string[] args, TextWriter o)
    {
        var root = Path.Combine(Path.GetTempPath(), "flint-d5-" + Environment.ProcessId);
        try
        {
            MakeImages(root);
            var trainTransform = new Compose(new RandomResizedCrop(24), new RandomHorizontalFlip(), new ToTensor(),
                new Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]));
            var valTransform = new Compose(new Resize(28), new CenterCrop(24), new ToTensor(),
                new Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]));
            var train = new ImageFolder<Tensor>(Path.Combine(root, "train"), trainTransform);
            var val = new ImageFolder<Tensor>(Path.Combine(root, "val"), valTransform);
            o.WriteLine($"classes {string.Join(", ", train.Classes)}; class_to_idx {string.Join(", ", train.ClassToIdx.Select(p => $"{p.Key}: {p.Value}"))}");
            o.WriteLine($"{train.Count} train and {val.Count} val images; first sample {train.Samples[0].Path} -> {train.Samples[0].ClassIndex}");
            foreach (var (x, y) in new DataLoader<(Tensor, long)>(train, batchSize: 4, shuffle: true, numWorkers: 2))
                o.WriteLine($"train batch {x.Shape} labels {y}");
            var (img, label) = val[0];
            o.WriteLine($"one image for prediction: {img.Unsqueeze(0).Shape}, label {label}");

            var listed = new ImageListDataset<Tensor>(Path.Combine(root, "train", "cat"), Path.Combine(root, "info.csv"),
                Path.Combine(root, "list.txt"), new Compose(new Resize((16, 16)), new ToTensor()));
            var (li, ll) = new DataLoader<(Tensor, long)>(listed, batchSize: 2).First();
            o.WriteLine($"image list + CSV: {listed.Count} images, batch {li.Shape}, labels {ll}");

            var fashion = new FashionMNIST<Tensor>(train: false, transform: new Compose(new ToTensor(), new Normalize([0.5], [0.5])));
            var (fx, fy) = new DataLoader<(Tensor, long)>(fashion, batchSize: 64, shuffle: true, numWorkers: 2).First();
            o.WriteLine($"FashionMNIST test split: {fashion.Count} images from {fashion.Root}; batch {fx.Shape}, first label {fashion.Classes[(int)fy[0].Item<long>()]}");
            return 0;
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    // Small coloured pictures in train/{cat,dog} and val/{cat,dog}, plus an image list and a CSV of labels.
    private static void MakeImages(string root)
    {
        var rng = new Random(0);
        foreach (var split in new[] { "train", "val" })
            foreach (var (cls, colour) in new[] { ("cat", (byte)200), ("dog", (byte)60) })
            {
                Directory.CreateDirectory(Path.Combine(root, split, cls));
                for (int i = 0; i < (split == "train" ? 6 : 2); i++)
                {
                    var img = new Image(32, 30, "RGB");
                    for (int p = 0; p < img.Data.Length; p++) img.Data[p] = (byte)Math.Clamp(colour + rng.Next(-40, 40), 0, 255);
                    img.Save(Path.Combine(root, split, cls, $"{cls}{i}.{(i % 2 == 0 ? "png" : "jpg")}"));
                }
            }
        File.WriteAllLines(Path.Combine(root, "list.txt"), ["cat0.png", "cat1.jpg", "cat2.png"]);
        File.WriteAllText(Path.Combine(root, "info.csv"), "label,Image_index\n0,cat0.png\n0,cat1.jpg\n1,cat2.png\n");
    }
}
