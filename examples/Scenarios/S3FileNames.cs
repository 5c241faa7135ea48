using Flint.NN;

namespace Flint.Examples.Scenarios;

/// <summary>
/// S3: <c>.pt</c>, <c>.pth</c> and <c>.pkl</c> are only names: the same state dict saved under each loads back equal,
/// and the files are PyTorch's own format (tests/parity/scenarios.py writes the same three with <c>torch.save</c>, and
/// the scenario test loads them here).
/// </summary>
public sealed class S3FileNames : IExample
{
    /// <inheritdoc/>
    public string Name => "s3";

    /// <inheritdoc/>
    public string Summary => "torch.save/torch.load under .pt, .pth and .pkl: the same PyTorch zip checkpoint";

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(5);
        var net = S1StateDict.NewNet();
        var folder = Directory.CreateTempSubdirectory("flint-s3-").FullName;
        try
        {
            foreach (var ext in new[] { "pt", "pth", "pkl" })
            {
                var path = Path.Combine(folder, "unet_weight_exp." + ext);
                Torch.Save(net.StateDict(), path);
                var loaded = Torch.Load<OrderedDictionary<string, Tensor>>(path);
                var copy = S1StateDict.NewNet();
                copy.LoadStateDict(loaded);
                bool same = net.StateDict().All(kv => kv.Value.Equal(loaded[kv.Key]));
                using var zip = System.IO.Compression.ZipFile.OpenRead(path);
                o.WriteLine($"{Path.GetFileName(path)}: {new FileInfo(path).Length:N0} bytes, a zip of {string.Join(", ", zip.Entries.Select(e => e.FullName).Take(3))}, ...; " +
                            $"{loaded.Count} tensors, equal: {same}");
            }
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
