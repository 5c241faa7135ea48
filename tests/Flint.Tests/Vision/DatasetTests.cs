using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using Flint.Data;
using Flint.Vision;
using Flint.Vision.Datasets;
using Flint.Vision.Transforms;

namespace Flint.Tests.Vision;

/// <summary>IDX readers on the real Fashion-MNIST files and the shipped subset; CIFAR, ImageFolder and image-list datasets on files made here.</summary>
public class DatasetTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("flint-datasets").FullName;

    public void Dispose()
    {
        Directory.Delete(dir, true);
        GC.SuppressFinalize(this);
    }

    private static JsonElement Expected(string key)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "data", "idx.json")));
        return doc.RootElement.GetProperty(key).Clone();
    }

    private static void CheckAgainstNumPy(MNIST<Image> ds, string key)
    {
        var e = Expected(key);
        Assert.Equal(e.GetProperty("count").GetInt32(), ds.Count);
        var hist = new long[10];
        foreach (var t in ds.Targets.ToArray<long>()) hist[t]++;
        Assert.Equal(e.GetProperty("histogram").EnumerateArray().Select(v => v.GetInt64()), hist);
        Assert.Equal(e.GetProperty("first_labels").EnumerateArray().Select(v => v.GetInt64()), Enumerable.Range(0, 10).Select(i => ds[i].Target));
        Assert.Equal(e.GetProperty("first_image_sum").GetInt64(), ds[0].Image.Data.Sum(b => (long)b));
        Assert.Equal(e.GetProperty("last_image_sum").GetInt64(), ds[-1].Image.Data.Sum(b => (long)b));
        Assert.Equal(e.GetProperty("pixel_sum").GetInt64(), ds.Data.Sum(dtype: DType.Int64).Item<long>());
        Assert.Equal([ds.Count, 28L, 28], ds.Data.Shape.ToArray());
    }

    [Fact]
    public void FashionMnistFullDatasetCountsAndHistograms()
    {
        if (!File.Exists(Path.Combine(FashionMNIST<Image>.SystemRoot, "train-images-idx3-ubyte.gz"))) return; // needs Debian's dataset-fashion-mnist
        CheckAgainstNumPy(new FashionMNIST<Image>(FashionMNIST<Image>.SystemRoot), "full_train");
        CheckAgainstNumPy(new FashionMNIST<Image>(FashionMNIST<Image>.SystemRoot, train: false), "full_t10k");
    }

    [Fact]
    public void ShippedSubsetIsStratified()
    {
        var root = FashionMNIST<Image>.ShippedSubset();
        Assert.NotNull(root);
        CheckAgainstNumPy(new FashionMNIST<Image>(root), "subset_train");
        CheckAgainstNumPy(new FashionMNIST<Image>(root, train: false), "subset_t10k");
    }

    [Fact]
    public void FashionMnistWithTransformsInALoader()
    {
        var ds = new FashionMNIST<Tensor>(train: false, transform: new Compose(new ToTensor(), new Normalize([0.5], [0.5])));
        Assert.Equal("T-shirt/top", ds.Classes[0]);
        Assert.Equal(9, ds.ClassToIdx["Ankle boot"]);
        var (x, y) = new DataLoader<(Tensor, long)>(ds, batchSize: 64, numWorkers: 2).First();
        Assert.Equal([64L, 1, 28, 28], x.Shape.ToArray());
        Assert.Equal([64L], y.Shape.ToArray());
        Assert.InRange(x.Contiguous().ToArray<float>().Min(), -1f, -0.99f);
    }

    private static byte[] IdxBytes(byte dims, int[] shape, byte[] data)
    {
        var b = new byte[4 + 4 * dims + data.Length];
        b[2] = 0x08;
        b[3] = dims;
        for (int i = 0; i < dims; i++) BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4 + 4 * i), shape[i]);
        data.CopyTo(b, 4 + 4 * dims);
        return b;
    }

    [Fact]
    public void MnistReadsRawOrGzippedIdxUnderRootOrRaw()
    {
        var raw = Path.Combine(dir, "MNIST", "raw");
        Directory.CreateDirectory(raw);
        var pixels = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)i).ToArray();
        File.WriteAllBytes(Path.Combine(raw, "t10k-images-idx3-ubyte"), IdxBytes(3, [3, 4, 5], pixels));
        using (var gz = new GZipStream(File.Create(Path.Combine(raw, "t10k-labels-idx1-ubyte.gz")), CompressionLevel.Fastest))
            gz.Write(IdxBytes(1, [3], [7, 1, 3]));
        var ds = new MNIST<Tensor>(dir, train: false, transform: new PILToTensor(), targetTransform: t => t + 10);
        Assert.Equal(3, ds.Count);
        var (img, target) = ds[1];
        Assert.Equal(11, target);
        Assert.Equal([1L, 4, 5], img.Shape.ToArray());
        Assert.Equal(20, img[0, 0, 0].Item<byte>());
        var ex = Assert.Throws<FileNotFoundException>(() => new MNIST<Image>(dir, train: true));
        Assert.Contains(Path.Combine(dir, "MNIST", "raw", "train-images-idx3-ubyte.gz"), ex.Message);
        Assert.Contains("nothing is downloaded", ex.Message);
        var bad = Path.Combine(dir, "bad");
        Directory.CreateDirectory(bad);
        File.WriteAllBytes(Path.Combine(bad, "t10k-images-idx3-ubyte"), [1, 2, 3, 4]);
        File.WriteAllBytes(Path.Combine(bad, "t10k-labels-idx1-ubyte"), IdxBytes(1, [1], [0]));
        Assert.Throws<InvalidDataException>(() => new KMNIST<Image>(bad, train: false));
        Assert.Equal("Unknown value 'foo' for argument split. Valid values are {'byclass', 'bymerge', 'balanced', 'letters', 'digits', 'mnist'}.",
            Assert.Throws<ArgumentException>(() => new EMNIST<Image>(dir, "foo")).Message);
    }

    [Fact]
    public void Cifar10BinaryBatches()
    {
        var folder = Path.Combine(dir, "cifar-10-batches-bin");
        Directory.CreateDirectory(folder);
        var rec = new byte[2 * 3073];
        rec[0] = 4;
        for (int i = 0; i < 3072; i++) rec[1 + i] = (byte)(i / 1024 * 100 + 1); // R=1, G=101, B=201 planes
        rec[3073] = 9;
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), rec);
        var ds = new CIFAR10<Image>(dir, train: false);
        Assert.Equal(2, ds.Count);
        var (img, label) = ds[0];
        Assert.Equal(4, label);
        Assert.Equal(9, ds[1].Target);
        Assert.Equal([1, 101, 201], img.Data[..3]);
        Assert.Equal([2L, 32, 32, 3], ds.Data.Shape.ToArray());
        Assert.Equal("deer", ds.Classes[4]);
        Assert.Throws<FileNotFoundException>(() => new CIFAR10<Image>(dir, train: true));
    }

    [Fact]
    public void ImageFolderScansClassFoldersInSortedOrder()
    {
        foreach (var (cls, files) in new[] { ("dog", new[] { "b.png", "a.jpg", "notes.txt" }), ("cat", new[] { "z.bmp", "sub/y.PNG" }) })
            foreach (var f in files)
            {
                var path = Path.Combine(dir, "train", cls, f);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                if (f.EndsWith(".txt")) File.WriteAllText(path, "x");
                else Image.New("L", 3, 2, 50).Save(path);
            }
        var ds = new ImageFolder<Tensor>(Path.Combine(dir, "train"), transform: new ToTensor());
        Assert.Equal(["cat", "dog"], ds.Classes);
        Assert.Equal(0, ds.ClassToIdx["cat"]);
        Assert.Equal(["z.bmp", "y.PNG", "a.jpg", "b.png"], ds.Samples.Select(s => Path.GetFileName(s.Path)));
        Assert.Equal([0, 0, 1, 1], ds.Targets);
        var (x, y) = ds[2];
        Assert.Equal([3L, 2, 3], x.Shape.ToArray()); // opened as RGB
        Assert.Equal(1, y);
        var pngOnly = new ImageFolder<Image>(Path.Combine(dir, "train"), extensions: [".png"]);
        Assert.Equal(2, pngOnly.Count);
        Directory.CreateDirectory(Path.Combine(dir, "train", "empty"));
        var ex = Assert.Throws<FileNotFoundException>(() => new ImageFolder<Image>(Path.Combine(dir, "train")));
        Assert.StartsWith("Found no valid file for the classes empty. Supported extensions are: .jpg, .jpeg", ex.Message);
        Directory.CreateDirectory(Path.Combine(dir, "none"));
        Assert.Equal($"Couldn't find any class folder in {Path.Combine(dir, "none")}.",
            Assert.Throws<FileNotFoundException>(() => new ImageFolder<Image>(Path.Combine(dir, "none"))).Message);
    }

    [Fact]
    public void ImageListWithCsvOfLabels()
    {
        Image.New("RGB", 4, 4, 10, 20, 30).Save(Path.Combine(dir, "a.png"));
        Image.New("L", 4, 4, 99).Save(Path.Combine(dir, "b.png"));
        File.WriteAllText(Path.Combine(dir, "info.csv"), "label,Image_index\n3,b.png\n5,a.png\n");
        File.WriteAllText(Path.Combine(dir, "list.txt"), "a.png\nb.png\n");
        var ds = new ImageListDataset<Image>(dir, Path.Combine(dir, "info.csv"), Path.Combine(dir, "list.txt"));
        Assert.Equal(2, ds.Count);
        Assert.Equal(5, ds[0].Target);
        Assert.Equal(3, ds[1].Target);
        Assert.Equal("RGB", ds[1].Image.Mode);
        Assert.Equal([99, 99, 99], ds[1].Image.Data[..3]);
    }
}
