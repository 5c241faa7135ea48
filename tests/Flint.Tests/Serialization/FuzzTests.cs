using System.Diagnostics;
using Flint.Serialization;
using Xunit.Abstractions;

namespace Flint.Tests.Serialization;

/// <summary>
/// Mutates and truncates valid checkpoints and safetensors files (fixed seed, thousands of variants): each variant
/// either loads or throws <see cref="CheckpointFormatException"/>, within a time and allocation bound; never another
/// exception, a crash or a hang. Pickle-level variants are re-wrapped in a valid archive (correct CRC) so that the
/// unpickler, not the checksum, meets the damage.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20250611;
    private static readonly TimeSpan PerVariant = TimeSpan.FromSeconds(2);
    private const long AllocationBound = 64L << 20;

    private static readonly byte[] Opcodes = "(.012NJKMGXTUBC)t]ae}suchqrjRbQ"u8.ToArray()
        .Concat(new byte[] { 0x80, 0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x93, 0x94, 0x95, 0x96 })
        .ToArray();

    private sealed class Tally
    {
        public int Loaded, Refused;
        public TimeSpan Slowest;
        public readonly List<string> Failures = [];
    }

    private static void Run(string what, byte[] data, Func<byte[], object?> load, Tally tally)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        try
        {
            load(data);
            tally.Loaded++;
        }
        catch (CheckpointFormatException)
        {
            tally.Refused++;
        }
        catch (Exception e)
        {
            tally.Failures.Add($"{what}: {e.GetType().Name}: {e.Message}");
        }
        sw.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (sw.Elapsed > tally.Slowest) tally.Slowest = sw.Elapsed;
        if (sw.Elapsed > PerVariant) tally.Failures.Add($"{what}: took {sw.Elapsed.TotalSeconds:F2} s");
        if (allocated > AllocationBound) tally.Failures.Add($"{what}: allocated {allocated >> 20} MB");
    }

    private static byte[] Mutate(Random rng, byte[] src, bool pickle)
    {
        var d = (byte[])src.Clone();
        switch (rng.Next(pickle ? 7 : 5))
        {
            case 0:
                for (int k = rng.Next(1, 5); k > 0; k--) d[rng.Next(d.Length)] ^= (byte)rng.Next(1, 256);
                return d;
            case 1:
                return d[..rng.Next(d.Length)];
            case 2:
            {
                int at = rng.Next(Math.Max(1, d.Length - 8));
                ulong[] interesting = [0, 1, 0x7F, 0xFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, (ulong)d.Length, ulong.MaxValue, 1UL << 40];
                var v = BitConverter.GetBytes(interesting[rng.Next(interesting.Length)]);
                v.AsSpan(0, Math.Min(rng.Next(2) == 0 ? 4 : 8, d.Length - at)).CopyTo(d.AsSpan(at));
                return d;
            }
            case 3:
            {
                int at = rng.Next(d.Length), n = Math.Min(rng.Next(1, 17), d.Length - at);
                return [.. d[..at], .. d[(at + n)..]];
            }
            case 4:
            {
                int at = rng.Next(d.Length);
                var extra = new byte[rng.Next(1, 17)];
                rng.NextBytes(extra);
                return [.. d[..at], .. extra, .. d[at..]];
            }
            case 5:
                for (int k = rng.Next(1, 4); k > 0; k--) d[rng.Next(d.Length)] = Opcodes[rng.Next(Opcodes.Length)];
                return d;
            default:
            {
                int at = rng.Next(d.Length), n = Math.Min(rng.Next(1, 64), d.Length - at);
                int to = rng.Next(d.Length);
                return [.. d[..to], .. d.AsSpan(at, n).ToArray(), .. d[to..]];
            }
        }
    }

    /// <summary>The archive with its data.pkl replaced (every other record kept), CRCs recomputed.</summary>
    private static byte[] Rewrap(byte[] checkpoint, byte[] pickle)
    {
        var source = new ByteSource.MemorySource(checkpoint);
        var reader = new TorchZipReader(source);
        using var ms = new MemoryStream();
        var writer = new TorchZipWriter(ms, reader.Root);
        foreach (var e in reader.Entries)
            writer.Write(e.Name[(reader.Root.Length + 1)..], e.Name.EndsWith("/data.pkl", StringComparison.Ordinal) ? pickle : reader.ReadAll(e));
        writer.Finish();
        return ms.ToArray();
    }

    private void Report(string name, Tally tally)
    {
        output.WriteLine($"{name}: {tally.Loaded} loaded, {tally.Refused} refused cleanly, slowest {tally.Slowest.TotalMilliseconds:F1} ms");
        Assert.True(tally.Failures.Count == 0, string.Join("\n", tally.Failures.Take(20)));
    }

    private static object? LoadCheckpoint(byte[] b) => Torch.Load(new MemoryStream(b));

    [Fact]
    public void MutatedArchivesFailCleanly()
    {
        var rng = new Random(Seed);
        var files = new[] { "views.pt", "params.pt", "adam.bin", "v2x.pt", "bigendian.pt", "dtypes.pkl", "flint_views.pt" }
            .Select(f => (f, File.ReadAllBytes(TypedJson.Fixture(f)))).ToArray();
        var tally = new Tally();
        for (int i = 0; i < 1500; i++)
        {
            var (name, bytes) = files[i % files.Length];
            Run($"{name} variant {i}", Mutate(rng, bytes, pickle: false), LoadCheckpoint, tally);
        }
        Report("archives", tally);
    }

    [Fact]
    public void MutatedPicklesFailCleanly()
    {
        var rng = new Random(Seed + 1);
        var files = new[] { "views.pt", "params.pt", "adam.bin", "nested.pt", "proto4.pt", "v2x.pt", "flint_nested.pt", "flint_adam.pt" }
            .Select(f =>
            {
                var bytes = File.ReadAllBytes(TypedJson.Fixture(f));
                var reader = new TorchZipReader(new ByteSource.MemorySource(bytes));
                return (f, bytes, reader.ReadAll(reader.Find("data.pkl")!));
            }).ToArray();
        var tally = new Tally();
        for (int i = 0; i < 2500; i++)
        {
            var (name, bytes, pickle) = files[i % files.Length];
            Run($"{name} pickle variant {i}", Rewrap(bytes, Mutate(rng, pickle, pickle: true)), LoadCheckpoint, tally);
        }
        Report("pickles", tally);
    }

    [Fact]
    public void MutatedLegacyFilesFailCleanly()
    {
        var rng = new Random(Seed + 2);
        var bytes = File.ReadAllBytes(TypedJson.Fixture("legacy.pt"));
        var tally = new Tally();
        for (int i = 0; i < 1000; i++) Run($"legacy variant {i}", Mutate(rng, bytes, pickle: true), LoadCheckpoint, tally);
        Report("legacy", tally);
    }

    [Fact]
    public void MutatedSafeTensorsFailCleanly()
    {
        var rng = new Random(Seed + 3);
        var files = new[] { "reference.safetensors", "flint.safetensors", "nometa.safetensors" }
            .Select(f => (f, File.ReadAllBytes(TypedJson.Fixture(f)))).ToArray();
        var tally = new Tally();
        for (int i = 0; i < 1500; i++)
        {
            var (name, bytes) = files[i % files.Length];
            var variant = Mutate(rng, bytes, pickle: false);
            if (i % 2 == 1 && bytes.Length > 16)
            {
                // Aim at the JSON header: swap in structural characters.
                variant = (byte[])bytes.Clone();
                int headerEnd = (int)Math.Min(8 + BitConverter.ToInt64(bytes), bytes.Length);
                for (int k = rng.Next(1, 4); k > 0; k--) variant[rng.Next(8, headerEnd)] = "{}[],:\"0123456789-.eE \\"u8[rng.Next(23)];
            }
            Run($"{name} variant {i}", variant, b => SafeTensors.Load(b), tally);
        }
        var path = Path.GetTempFileName();
        try
        {
            for (int i = 0; i < 100; i++)
            {
                File.WriteAllBytes(path, Mutate(rng, files[0].Item2, pickle: false));
                Run($"mapped variant {i}", [], _ => SafeTensors.Load(path), tally);
            }
        }
        finally
        {
            File.Delete(path);
        }
        Report("safetensors", tally);
    }
}
