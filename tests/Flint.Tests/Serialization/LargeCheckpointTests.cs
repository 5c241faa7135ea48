using System.Diagnostics;
using Xunit.Abstractions;

namespace Flint.Tests.Serialization;

/// <summary>
/// A 100 MB state dict saves and loads at disk speed: storage bytes stream straight between tensor memory and the
/// file, so neither direction holds a second copy of the data.
/// </summary>
public class LargeCheckpointTests(ITestOutputHelper output)
{
    [Fact]
    public void HundredMegabyteStateDictStreams()
    {
        const int tensors = 25, elements = 1 << 20;
        var sd = new OrderedDictionary<string, Tensor>();
        for (int i = 0; i < tensors; i++) sd.Add($"layer{i}.weight", Torch.Full([1024, elements / 1024], i + 0.5f));
        double megabytes = tensors * (double)elements * 4 / 1e6;
        var dir = Directory.CreateTempSubdirectory("flint-large-");
        try
        {
            var path = Path.Combine(dir.FullName, "large.pt");
            Torch.Save(sd, path);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            Torch.Save(sd, path);
            var save = sw.Elapsed;
            long saveAllocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

            allocated = GC.GetAllocatedBytesForCurrentThread();
            sw.Restart();
            var back = Torch.Load<OrderedDictionary<string, Tensor>>(path);
            var load = sw.Elapsed;
            long loadAllocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

            output.WriteLine($"save {megabytes:F0} MB: {save.TotalMilliseconds:F0} ms ({megabytes / save.TotalSeconds:F0} MB/s), " +
                             $"allocated {saveAllocated / 1e6:F1} MB");
            output.WriteLine($"load {megabytes:F0} MB: {load.TotalMilliseconds:F0} ms ({megabytes / load.TotalSeconds:F0} MB/s), " +
                             $"allocated {loadAllocated / 1e6:F1} MB");
            Assert.Equal(sd.Keys, back.Keys);
            Assert.Equal(24.5f, back["layer24.weight"].Select(0, 1023).Select(0, 1023).Item<float>());
            Assert.True(saveAllocated < 8e6, $"save allocated {saveAllocated} bytes: storage bytes must stream, not be copied");
            Assert.True(loadAllocated < megabytes * 1e6 + 8e6, $"load allocated {loadAllocated} bytes beyond the tensors themselves");
            Assert.True(save < TimeSpan.FromSeconds(20) && load < TimeSpan.FromSeconds(20), $"save {save}, load {load}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
