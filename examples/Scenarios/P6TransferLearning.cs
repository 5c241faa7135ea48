using Flint.Data;
using Flint.NN;
using Flint.Optim;
using Flint.Vision;
using Flint.Vision.Datasets;
using Flint.Vision.Transforms;

namespace Flint.Examples.Scenarios;

/// <summary>
/// P6: the seeds' transfer learning. resnet18 with its <c>fc</c> replaced by a two-class Linear of
/// <c>fc.InFeatures</c> inputs and everything else frozen; ImageFolder train/val sets with the seed's transforms
/// (RandomResizedCrop, RandomHorizontalFlip, ToTensor, Normalize; Resize, CenterCrop); CrossEntropyLoss and Adam;
/// train and val phases under <c>SetGradEnabled(phase == "train")</c> with running loss and accuracy; then one image
/// predicted with <c>Unsqueeze(0)</c>. Flint cannot download ImageNet weights, so the frozen backbone is randomly
/// initialised (pass <c>--weights resnet18-f37072fd.pth</c> to use torchvision's); the images are generated: warm-toned
/// "ants" and cool-toned "bees" with random shapes, which random features already separate.
/// </summary>
public sealed class P6TransferLearning : IExample
{
    public string Name => "p6";
    public string Summary => "transfer learning: resnet18 with a new fc, frozen backbone, ImageFolder train/val phases, predict one image";

    /// <summary>Settings: epochs, crop size (224 in the seed), training images per class, optional checkpoint.</summary>
    public sealed record Options(int Epochs = 4, int CropSize = 224, int TrainPerClass = 24, string? Weights = null);

    /// <summary>Per epoch and phase the loss and accuracy, and the class predicted for one validation image.</summary>
    public sealed record Result(List<(int Epoch, string Phase, double Loss, double Acc)> History, string Predicted, string Actual);

    public static Result Train(Options opt, TextWriter o)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "flint-p6-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            MakeImages(dataDir, opt.TrainPerClass);
            Torch.ManualSeed(0);
            var model = Models.Resnet18(weights: opt.Weights);
            model.RequiresGrad_(false);
            var numFeatures = model.Fc.InFeatures;
            model.Fc = new Linear(numFeatures, 2); // two classes

            int crop = opt.CropSize, resize = crop * 256 / 224;
            var dataTransforms = new Dictionary<string, Transform>
            {
                ["train"] = new Compose(new RandomResizedCrop(crop), new RandomHorizontalFlip(), new ToTensor(),
                    new Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])),
                ["val"] = new Compose(new Resize(resize), new CenterCrop(crop), new ToTensor(),
                    new Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])),
            };
            string[] phases = ["train", "val"];
            var imageDatasets = phases.ToDictionary(x => x, x => new ImageFolder<Tensor>(Path.Combine(dataDir, x), dataTransforms[x]));
            var dataloaders = phases.ToDictionary(x => x,
                x => new DataLoader<(Tensor, long)>(imageDatasets[x], batchSize: 4, shuffle: true, numWorkers: 2));
            var datasetSizes = phases.ToDictionary(x => x, x => imageDatasets[x].Count);

            var criterion = new CrossEntropyLoss();
            var optimizer = new Adam(model.Parameters(), lr: 0.001);
            var device = Torch.Device("cpu"); // the seed's "cuda:0" when available; this build has no CUDA backend
            model.To(device);
            var history = new List<(int, string, double, double)>();
            for (int epoch = 0; epoch < opt.Epochs; epoch++)
                foreach (var phase in phases)
                {
                    model.Train(phase == "train");
                    double runningLoss = 0;
                    long runningCorrects = 0;
                    foreach (var (images, targets) in dataloaders[phase])
                    {
                        var inputs = images.To(device);
                        var labels = targets.To(device);
                        optimizer.ZeroGrad();
                        using (Torch.SetGradEnabled(phase == "train"))
                        {
                            var outputs = model.Call(inputs);
                            var (_, preds) = Torch.Max(outputs, 1);
                            var loss = criterion.Call(outputs, labels);
                            if (phase == "train")
                            {
                                loss.Backward();
                                optimizer.Step();
                            }
                            runningLoss += loss.Item<double>() * inputs.Size(0);
                            runningCorrects += Torch.Sum(preds.Eq(labels.Data)).Item<long>();
                        }
                    }
                    double epochLoss = runningLoss / datasetSizes[phase];
                    double epochAcc = (double)runningCorrects / datasetSizes[phase];
                    o.WriteLine($"epoch {epoch + 1} {phase} Loss: {epochLoss:F4} Acc: {epochAcc:F4}");
                    history.Add((epoch + 1, phase, epochLoss, epochAcc));
                }

            // Predict one new image.
            var (path, actual) = imageDatasets["val"].Samples[0];
            var image = Image.Open(path).Convert("RGB");
            var imageTensor = dataTransforms["val"].Forward<Tensor>(image).To(device).Unsqueeze(0);
            model.Eval();
            Tensor output;
            using (Torch.NoGrad()) output = model.Call(imageTensor);
            var (_, pred) = Torch.Max(output, 1);
            var classes = imageDatasets["val"].Classes;
            var predicted = classes[(int)pred.Item<long>()];
            o.WriteLine($"prediction for {Path.GetFileName(path)}: {predicted} (class folder {classes[actual]})");
            return new Result(history, predicted, classes[actual]);
        }
        finally
        {
            Directory.Delete(dataDir, true);
        }
    }

    public int Run(string[] args, TextWriter o)
    {
        var opt = new Options();
        for (int i = 0; i + 1 < args.Length; i += 2)
            opt = args[i] switch
            {
                "--epochs" => opt with { Epochs = int.Parse(args[i + 1]) },
                "--size" => opt with { CropSize = int.Parse(args[i + 1]) },
                "--images" => opt with { TrainPerClass = int.Parse(args[i + 1]) },
                "--weights" => opt with { Weights = args[i + 1] },
                var a => throw new ArgumentException($"unknown option {a}; use --epochs, --size, --images, --weights"),
            };
        Train(opt, o);
        return 0;
    }

    // train/{ants,bees} and val/{ants,bees}: noisy pictures in warm (ants) or cool (bees) tones with a few random boxes.
    private static void MakeImages(string root, int trainPerClass)
    {
        var rng = new Random(0);
        foreach (var (split, count) in new[] { ("train", trainPerClass), ("val", Math.Max(4, trainPerClass / 2)) })
            foreach (var (cls, tone) in new[] { ("ants", new[] { 190, 110, 60 }), ("bees", new[] { 60, 120, 190 }) })
            {
                Directory.CreateDirectory(Path.Combine(root, split, cls));
                for (int i = 0; i < count; i++)
                {
                    int w = 72 + rng.Next(24), h = 64 + rng.Next(24);
                    var img = new Image(w, h, "RGB");
                    for (int p = 0; p < w * h; p++)
                        for (int c = 0; c < 3; c++)
                            img.Data[3 * p + c] = (byte)Math.Clamp(tone[c] + rng.Next(-50, 50), 0, 255);
                    for (int b = 0; b < 3; b++)
                    {
                        int x0 = rng.Next(w - 8), y0 = rng.Next(h - 8), bw = 4 + rng.Next(w / 3), bh = 4 + rng.Next(h / 3);
                        var shade = (byte)rng.Next(256);
                        for (int y = y0; y < Math.Min(h, y0 + bh); y++)
                            for (int x = x0; x < Math.Min(w, x0 + bw); x++)
                                img.Data[3 * (y * w + x) + rng.Next(3)] = shade;
                    }
                    img.Save(Path.Combine(root, split, cls, $"{cls}{i}.png"));
                }
            }
    }
}
