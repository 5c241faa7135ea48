using Flint.Tabular;
using Flint.Vision.Transforms;

namespace Flint.Vision.Datasets;

/// <summary>
/// Images in one sub-folder per class (<c>torchvision.datasets.ImageFolder(root, transform, target_transform,
/// loader, is_valid_file)</c>): classes are the sorted folder names, samples every file with an allowed extension
/// under them (walked in sorted order), each opened as RGB.
/// </summary>
public class ImageFolder<TImage> : VisionDataset<TImage>
{
    /// <summary>torchvision's <c>IMG_EXTENSIONS</c>.</summary>
    public static readonly IReadOnlyList<string> ImgExtensions = [".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"];

    private readonly Func<string, Image> loader;

    /// <summary>Scans <paramref name="root"/>; <paramref name="extensions"/> (lower case, with the dot) or <paramref name="isValidFile"/> choose the files.</summary>
    public ImageFolder(string root, Transform? transform = null, Func<long, long>? targetTransform = null, Func<string, Image>? loader = null,
        Func<string, bool>? isValidFile = null, IReadOnlyList<string>? extensions = null) : base(root, transform, targetTransform)
    {
        if (isValidFile is not null && extensions is not null)
            throw new ArgumentException("Both extensions and is_valid_file cannot be None or not None at the same time");
        this.loader = loader ?? (p => Image.Open(p).Convert("RGB"));
        var exts = extensions ?? (isValidFile is null ? ImgExtensions : null);
        Func<string, bool> valid = isValidFile ?? (p => exts!.Any(e => p.ToLowerInvariant().EndsWith(e, StringComparison.Ordinal)));
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"[Errno 2] No such file or directory: '{root}'");
        Classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (Classes.Count == 0) throw new FileNotFoundException($"Couldn't find any class folder in {root}.");
        ClassToIdx = Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var samples = new List<(string, int)>();
        var empty = new List<string>();
        foreach (var cls in Classes)
        {
            int before = samples.Count;
            foreach (var path in Walk(Path.Combine(root, cls)))
                if (valid(path)) samples.Add((path, ClassToIdx[cls]));
            if (samples.Count == before) empty.Add(cls);
        }
        if (empty.Count > 0)
        {
            var msg = $"Found no valid file for the classes {string.Join(", ", empty.Order(StringComparer.Ordinal))}. ";
            if (exts is not null) msg += $"Supported extensions are: {string.Join(", ", exts)}";
            throw new FileNotFoundException(msg);
        }
        Samples = samples;
        Targets = samples.Select(s => s.Item2).ToArray();
    }

    // os.walk in sorted order: the files of a folder, then its sub-folders, names sorted.
    private static IEnumerable<string> Walk(string dir)
    {
        foreach (var f in Directory.GetFiles(dir).Order(StringComparer.Ordinal)) yield return f;
        foreach (var d in Directory.GetDirectories(dir).Order(StringComparer.Ordinal))
            foreach (var f in Walk(d)) yield return f;
    }

    /// <summary>The class names, sorted (<c>dataset.classes</c>).</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Class name to index (<c>dataset.class_to_idx</c>).</summary>
    public IReadOnlyDictionary<string, int> ClassToIdx { get; }

    /// <summary>(path, class index) of every sample (<c>dataset.samples</c>, also <c>dataset.imgs</c>).</summary>
    public IReadOnlyList<(string Path, int ClassIndex)> Samples { get; }

    /// <summary>The class index of every sample (<c>dataset.targets</c>).</summary>
    public IReadOnlyList<int> Targets { get; }

    /// <inheritdoc/>
    public override int Count => Samples.Count;

    /// <inheritdoc/>
    protected override (Image Image, long Target) Load(int index) => (loader(Samples[index].Path), Samples[index].ClassIndex);
}

/// <summary>
/// The seeds' <c>MyDataset(data_dir, info_csv, image_list, transform)</c>: image names come from a text file, one
/// per line; each label is the first column of the CSV row whose index column (<c>Image_index</c> by default) equals the name;
/// images are opened as RGB from <c>dataDir</c>.
/// </summary>
public class ImageListDataset<TImage> : VisionDataset<TImage>
{
    private readonly string[] names;
    private readonly Dictionary<string, long> labels = [];

    /// <summary>Reads the list and the CSV of labels.</summary>
    public ImageListDataset(string dataDir, string infoCsv, string imageList, Transform? transform = null, string indexColumn = "Image_index")
        : base(dataDir, transform, null)
    {
        var info = Pandas.ReadCsv(infoCsv);
        var key = info.Columns[indexColumn];
        var label = info.Columns[0];
        for (long r = 0; r < info.Rows.Count; r++)
            labels[System.Convert.ToString(key[r], System.Globalization.CultureInfo.InvariantCulture)!] =
                System.Convert.ToInt64(label[r], System.Globalization.CultureInfo.InvariantCulture);
        names = File.ReadAllLines(imageList).Select(l => l.TrimEnd('\n', '\r')).Where(l => l.Length > 0).ToArray();
    }

    /// <summary>The image names in list order.</summary>
    public IReadOnlyList<string> ImageNames => names;

    /// <inheritdoc/>
    public override int Count => names.Length;

    /// <inheritdoc/>
    protected override (Image Image, long Target) Load(int index)
    {
        var name = names[index];
        if (!labels.TryGetValue(name, out var label)) throw new KeyNotFoundException($"no row of the label CSV has index '{name}'");
        return (Image.Open(Path.Combine(Root, name)).Convert("RGB"), label);
    }
}
