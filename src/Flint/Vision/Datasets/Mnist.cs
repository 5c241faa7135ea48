using System.Buffers.Binary;
using System.IO.Compression;
using Flint.Vision.Transforms;

namespace Flint.Vision.Datasets;

/// <summary>Reads IDX files (MNIST's format), gzipped or raw (torchvision's <c>read_sn3_pascalvincent_tensor</c>).</summary>
public static class Idx
{
    /// <summary>The dims and the unsigned bytes of an IDX file of type 0x08 (ubyte).</summary>
    public static (int[] Dims, byte[] Data) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            bytes = ms.ToArray();
        }
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"{path} is not an IDX file (bad magic number)");
        if (bytes[2] != 0x08) throw new InvalidDataException($"{path}: IDX type 0x{bytes[2]:x2} is not unsigned bytes (0x08)");
        int nd = bytes[3];
        var dims = new int[nd];
        long count = 1;
        for (int i = 0; i < nd; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            count *= dims[i];
        }
        int start = 4 + 4 * nd;
        if (bytes.Length - start != count)
            throw new InvalidDataException($"{path}: header says {count} values but the file holds {bytes.Length - start}");
        return (dims, bytes[start..]);
    }
}

/// <summary>
/// MNIST (<c>torchvision.datasets.MNIST(root, train=True, transform=None, target_transform=None)</c>): 28x28 grey
/// images and labels from IDX files (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
/// <c>t10k-...</c>), gzipped or not, in <c>root</c>, <c>root/MNIST/raw</c> or <c>root/MNIST</c>. Nothing is
/// downloaded: missing files raise an error naming the paths looked at.
/// </summary>
public class MNIST<TImage> : VisionDataset<TImage>
{
    private readonly byte[] images;
    private readonly byte[] labels;
    private readonly int rows, cols;

    /// <summary>Loads the training (or test) split from <paramref name="root"/>.</summary>
    public MNIST(string root, bool train = true, Transform? transform = null, Func<long, long>? targetTransform = null)
        : this(root, train, transform, targetTransform, null) { }

    private protected MNIST(string root, bool train, Transform? transform, Func<long, long>? targetTransform, string? prefix)
        : base(root, transform, targetTransform)
    {
        Train = train;
        var split = prefix ?? (train ? "train" : "t10k");
        var (imageDims, img) = Idx.Read(Find(split + "-images-idx3-ubyte"));
        var (labelDims, lab) = Idx.Read(Find(split + "-labels-idx1-ubyte"));
        if (imageDims.Length != 3 || labelDims.Length != 1 || imageDims[0] != labelDims[0])
            throw new InvalidDataException($"IDX files disagree: images {string.Join("x", imageDims)}, labels {string.Join("x", labelDims)}");
        (images, labels, rows, cols) = (img, lab, imageDims[1], imageDims[2]);
    }

    /// <summary>Whether this is the training split (<c>dataset.train</c>).</summary>
    public bool Train { get; }

    /// <summary>Where the files are looked for, in order.</summary>
    protected virtual IEnumerable<string> SearchFolders()
    {
        var name = GetType().Name.Split('`')[0];
        return [Root, Path.Combine(Root, name, "raw"), Path.Combine(Root, name)];
    }

    /// <summary>How to get the files, said when they are missing.</summary>
    protected virtual string HowToGet => "Put the four IDX files (or their .gz) of the dataset's official site there";

    private string Find(string file)
    {
        var looked = new List<string>();
        foreach (var dir in SearchFolders())
            foreach (var candidate in new[] { Path.Combine(dir, file), Path.Combine(dir, file + ".gz") })
            {
                looked.Add(candidate);
                if (File.Exists(candidate)) return candidate;
            }
        throw Missing($"{GetType().Name.Split('`')[0]} file {file}", looked, HowToGet);
    }

    /// <summary>The class names (<c>dataset.classes</c>).</summary>
    public virtual IReadOnlyList<string> Classes { get; } =
        ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"];

    /// <summary>Class name to index (<c>dataset.class_to_idx</c>).</summary>
    public IReadOnlyDictionary<string, int> ClassToIdx => Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);

    /// <summary>All images as a uint8 tensor [N, rows, cols] (<c>dataset.data</c>).</summary>
    public Tensor Data => Torch.FromArray(images, labels.Length, rows, cols);

    /// <summary>All labels as an int64 tensor [N] (<c>dataset.targets</c>).</summary>
    public Tensor Targets => Torch.FromArray(labels.Select(b => (long)b).ToArray());

    /// <inheritdoc/>
    public override int Count => labels.Length;

    /// <inheritdoc/>
    protected override (Image Image, long Target) Load(int index)
    {
        int n = rows * cols;
        return (new Image(cols, rows, "L", images.AsSpan(index * n, n).ToArray()), labels[index]);
    }
}

/// <summary>
/// Fashion-MNIST (<c>torchvision.datasets.FashionMNIST</c>). With no root, it reads
/// <c>/usr/share/datasets/fashion-mnist</c> (Debian's <c>dataset-fashion-mnist</c>) when present, otherwise the
/// stratified subset shipped in the repository's <c>data/fashion-mnist-subset</c> (10,000 train and 2,000 test images).
/// </summary>
public class FashionMNIST<TImage> : MNIST<TImage>
{
    /// <summary>Debian's location of the full dataset.</summary>
    public const string SystemRoot = "/usr/share/datasets/fashion-mnist";

    /// <summary>Loads a split from <paramref name="root"/>, or from <see cref="DefaultRoot"/> when null.</summary>
    public FashionMNIST(string? root = null, bool train = true, Transform? transform = null, Func<long, long>? targetTransform = null)
        : base(root ?? DefaultRoot(), train, transform, targetTransform) { }

    /// <summary>The full dataset if installed, else the shipped subset (found by walking up from the program and the working folder).</summary>
    public static string DefaultRoot()
    {
        if (File.Exists(Path.Combine(SystemRoot, "train-images-idx3-ubyte.gz"))) return SystemRoot;
        return ShippedSubset() ?? SystemRoot;
    }

    /// <summary>The repository's <c>data/fashion-mnist-subset</c>, or null when not found.</summary>
    public static string? ShippedSubset()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var p = Path.Combine(dir.FullName, "data", "fashion-mnist-subset");
                if (File.Exists(Path.Combine(p, "train-images-idx3-ubyte.gz"))) return p;
            }
        return null;
    }

    /// <inheritdoc/>
    protected override string HowToGet =>
        "Install the full dataset with 'apt-get install dataset-fashion-mnist' (it goes to " + SystemRoot +
        "), or use the subset in the repository's data/fashion-mnist-subset";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Classes { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
}

/// <summary>Kuzushiji-MNIST (<c>torchvision.datasets.KMNIST</c>): the MNIST layout with ten hiragana classes.</summary>
public class KMNIST<TImage>(string root, bool train = true, Transform? transform = null, Func<long, long>? targetTransform = null)
    : MNIST<TImage>(root, train, transform, targetTransform)
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Classes { get; } = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"];
}

/// <summary>
/// EMNIST (<c>torchvision.datasets.EMNIST(root, split, train)</c>): files <c>emnist-{split}-train-images-idx3-ubyte</c>
/// and so on, split one of byclass, bymerge, balanced, letters, digits, mnist. Images are as stored in the files
/// (transposed, as torchvision also leaves them).
/// </summary>
public class EMNIST<TImage>(string root, string split, bool train = true, Transform? transform = null, Func<long, long>? targetTransform = null)
    : MNIST<TImage>(root, train, transform, targetTransform, CheckSplit(split) + (train ? "-train" : "-test"))
{
    private static readonly string[] Splits = ["byclass", "bymerge", "balanced", "letters", "digits", "mnist"];

    private static string CheckSplit(string split) => Splits.Contains(split) ? "emnist-" + split
        : throw new ArgumentException($"Unknown value '{split}' for argument split. Valid values are {{'{string.Join("', '", Splits)}'}}.");

    /// <summary>The split (<c>dataset.split</c>).</summary>
    public string Split { get; } = split;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Classes => Split switch
    {
        "digits" or "mnist" => Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(),
        "letters" => ["N/A", .. Enumerable.Range(0, 26).Select(i => ((char)('a' + i)).ToString())],
        "balanced" or "bymerge" => [.. "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabdefghnqrt".Select(c => c.ToString())],
        _ => [.. "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".Select(c => c.ToString())],
    };
}
