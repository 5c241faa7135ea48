using Flint.Vision.Transforms;

namespace Flint.Vision.Datasets;

/// <summary>
/// CIFAR-10 from its binary batches (<c>torchvision.datasets.CIFAR10(root, train)</c> over
/// <c>cifar-10-batches-bin</c>): records of one label byte and 3072 bytes (R, G, B planes of 32x32), from
/// <c>data_batch_1..5.bin</c> or <c>test_batch.bin</c> in <c>root</c> or <c>root/cifar-10-batches-bin</c>.
/// </summary>
public class CIFAR10<TImage> : VisionDataset<TImage>
{
    private const int Pixels = 32 * 32;
    private readonly byte[] images;
    private readonly long[] labels;

    /// <summary>Loads the training (or test) batches from <paramref name="root"/>.</summary>
    public CIFAR10(string root, bool train = true, Transform? transform = null, Func<long, long>? targetTransform = null)
        : this(root, train, transform, targetTransform, "cifar-10-batches-bin",
            train ? [.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin")] : ["test_batch.bin"], 1, "batches.meta.txt") { }

    private protected CIFAR10(string root, bool train, Transform? transform, Func<long, long>? targetTransform, string folder,
        string[] files, int labelBytes, string meta) : base(root, transform, targetTransform)
    {
        Train = train;
        var dir = new[] { Path.Combine(root, folder), root }.FirstOrDefault(d => File.Exists(Path.Combine(d, files[0])))
            ?? throw Missing($"{GetType().Name.Split('`')[0]} batch {files[0]}", [Path.Combine(root, folder, files[0]), Path.Combine(root, files[0])],
                "Get the binary version of the dataset from its official site and unpack it there");
        var imgs = new List<byte>();
        var labs = new List<long>();
        int record = labelBytes + 3 * Pixels;
        foreach (var f in files)
        {
            var path = Path.Combine(dir, f);
            if (!File.Exists(path)) throw Missing($"CIFAR batch {f}", [path], "The batch files must all be present");
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length % record != 0) throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of {record}-byte records");
            for (int at = 0; at < bytes.Length; at += record)
            {
                labs.Add(bytes[at + labelBytes - 1]);
                imgs.AddRange(new ArraySegment<byte>(bytes, at + labelBytes, 3 * Pixels));
            }
        }
        images = [.. imgs];
        labels = [.. labs];
        var metaPath = Path.Combine(dir, meta);
        if (File.Exists(metaPath))
            Classes = File.ReadAllLines(metaPath).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
    }

    /// <summary>Whether this is the training split (<c>dataset.train</c>).</summary>
    public bool Train { get; }

    /// <summary>The class names (<c>dataset.classes</c>), from the batches' meta file when present.</summary>
    public IReadOnlyList<string> Classes { get; } = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Class name to index (<c>dataset.class_to_idx</c>).</summary>
    public IReadOnlyDictionary<string, int> ClassToIdx => Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);

    /// <summary>All images as a uint8 tensor [N, 32, 32, 3] (<c>dataset.data</c>, HWC as torchvision keeps it).</summary>
    public Tensor Data => Torch.FromArray(images, labels.Length, 3, 32, 32).Permute(0, 2, 3, 1).Contiguous();

    /// <summary>The labels (<c>dataset.targets</c>).</summary>
    public IReadOnlyList<long> Targets => labels;

    /// <inheritdoc/>
    public override int Count => labels.Length;

    /// <inheritdoc/>
    protected override (Image Image, long Target) Load(int index)
    {
        var px = new byte[3 * Pixels];
        int at = index * 3 * Pixels;
        for (int p = 0; p < Pixels; p++)
        {
            px[3 * p] = images[at + p];
            px[3 * p + 1] = images[at + Pixels + p];
            px[3 * p + 2] = images[at + 2 * Pixels + p];
        }
        return (new Image(32, 32, "RGB", px), labels[index]);
    }
}

/// <summary>
/// CIFAR-100 from its binary files (<c>cifar-100-binary/train.bin</c>, <c>test.bin</c>): records of a coarse and a
/// fine label byte and 3072 image bytes; the target is the fine label, as in torchvision.
/// </summary>
public class CIFAR100<TImage>(string root, bool train = true, Transform? transform = null, Func<long, long>? targetTransform = null)
    : CIFAR10<TImage>(root, train, transform, targetTransform, "cifar-100-binary", [train ? "train.bin" : "test.bin"], 2, "fine_label_names.txt");
