using System.Text.Json;
using Flint.Data;
using static Flint.Tests.Data.LoaderFixtures;

namespace Flint.Tests.Data;

/// <summary>Orders, splits, seeds and collated structures equal to PyTorch's for the same seeds.</summary>
[Collection("DefaultGenerator")]
public class DataLoaderParityTests
{
    private static int[][] Batches(DataLoader<int> loader) =>
        loader.Select(b => b.Tensor.ToArray<long>().Select(v => (int)v).ToArray()).ToArray();

    private static int[][] Expected(JsonElement epoch) => epoch.EnumerateArray().Select(Ints).ToArray();

    public static IEnumerable<object[]> ShuffleGenerator => Ids("shuffle_generator");

    [Theory]
    [MemberData(nameof(ShuffleGenerator))]
    public void ShuffleWithGeneratorIsPyTorchsOrder(string id)
    {
        var c = Case(id);
        int n = c.GetProperty("n").GetInt32();
        var g = new Generator().ManualSeed(c.GetProperty("seed").GetInt64());
        var epochs = c.GetProperty("epochs").EnumerateArray().ToArray();
        foreach (var workers in new[] { 0, 2 })
        {
            g.ManualSeed(c.GetProperty("seed").GetInt64());
            foreach (var epoch in epochs)
            {
                var loader = new DataLoader<int>(Enumerable.Range(0, n).ToList(), batchSize: c.GetProperty("batch_size").GetInt32(),
                    shuffle: true, dropLast: c.GetProperty("drop_last").GetBoolean(), generator: g, numWorkers: workers);
                Assert.Equal(Expected(epoch), Batches(loader));
            }
        }
    }

    [Fact]
    public void PersistentWorkersDrawTheBaseSeedOnce()
    {
        var c = Case("persistent_shuffle");
        using var loader = new DataLoader<int>(Enumerable.Range(0, c.GetProperty("n").GetInt32()).ToList(),
            batchSize: c.GetProperty("batch_size").GetInt32(), shuffle: true, numWorkers: 2, persistentWorkers: true,
            generator: new Generator().ManualSeed(c.GetProperty("seed").GetInt64()));
        foreach (var epoch in c.GetProperty("epochs").EnumerateArray())
            Assert.Equal(Expected(epoch), Batches(loader));
    }

    public static IEnumerable<object[]> ShuffleGlobal => Ids("shuffle_global");

    [Theory]
    [MemberData(nameof(ShuffleGlobal))]
    public void ShuffleWithManualSeedIsPyTorchsOrder(string id)
    {
        var c = Case(id);
        Torch.ManualSeed(c.GetProperty("seed").GetInt64());
        var loader = new DataLoader<int>(Enumerable.Range(0, c.GetProperty("n").GetInt32()).ToList(),
            batchSize: c.GetProperty("batch_size").GetInt32(), shuffle: true);
        foreach (var epoch in c.GetProperty("epochs").EnumerateArray())
            Assert.Equal(Expected(epoch), Batches(loader));
    }

    public static IEnumerable<object[]> Replacement => Ids("random_replacement").Concat(Ids("random_numsamples"));

    [Theory]
    [MemberData(nameof(Replacement))]
    public void RandomSamplerWithReplacementOrNumSamples(string id)
    {
        var c = Case(id);
        var g = new Generator().ManualSeed(c.GetProperty("seed").GetInt64());
        var sampler = new RandomSampler(c.GetProperty("n").GetInt32(), replacement: c.GetProperty("kind").GetString() == "random_replacement",
            numSamples: c.GetProperty("num_samples").GetInt32(), generator: g);
        Assert.Equal(Ints(c.GetProperty("order")), sampler.ToArray());
        Assert.Equal(c.GetProperty("num_samples").GetInt32(), sampler.Count);
    }

    [Fact]
    public void SubsetRandomSampler()
    {
        var c = Case("subset_random");
        var s = new SubsetRandomSampler(Ints(c.GetProperty("indices")), new Generator().ManualSeed(c.GetProperty("seed").GetInt64()));
        Assert.Equal(Ints(c.GetProperty("order")), s.ToArray());
    }

    public static IEnumerable<object[]> Weighted => Ids("weighted");

    [Theory]
    [MemberData(nameof(Weighted))]
    public void WeightedRandomSampler(string id)
    {
        var c = Case(id);
        var w = c.GetProperty("weights").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var s = new WeightedRandomSampler(w, c.GetProperty("num_samples").GetInt32(), c.GetProperty("replacement").GetBoolean(),
            new Generator().ManualSeed(c.GetProperty("seed").GetInt64()));
        Assert.Equal(Ints(c.GetProperty("order")), s.ToArray());
    }

    public static IEnumerable<object[]> Splits => Ids("random_split");

    [Theory]
    [MemberData(nameof(Splits))]
    public void RandomSplit(string id)
    {
        var c = Case(id);
        var data = Enumerable.Range(0, c.GetProperty("n").GetInt32()).ToList();
        var g = new Generator().ManualSeed(c.GetProperty("seed").GetInt64());
        var lengths = c.GetProperty("lengths").EnumerateArray().ToArray();
        Subset<int>[] parts = lengths.All(l => l.ValueKind == JsonValueKind.Number && l.TryGetInt64(out _))
            ? Datasets.RandomSplit(data, lengths.Select(l => l.GetInt64()).ToArray(), g)
            : Datasets.RandomSplit(data, lengths.Select(l => l.GetDouble()).ToArray(), g);
        var expected = c.GetProperty("parts").EnumerateArray().Select(Ints).ToArray();
        Assert.Equal(expected, parts.Select(p => p.ToArray()).ToArray());
    }

    [Fact]
    public void BatchSamplerKeepsOrDropsTheLastBatch()
    {
        var c = Case("batch_sampler");
        Assert.Equal(c.GetProperty("keep").EnumerateArray().Select(Ints).ToArray(), new BatchSampler(SequentialSampler.Of(Enumerable.Range(0, 10).ToList()), 3, false).ToArray());
        Assert.Equal(c.GetProperty("drop").EnumerateArray().Select(Ints).ToArray(), new BatchSampler(new SequentialSampler(10), 3, true).ToArray());
        Assert.Equal(4, new BatchSampler(new SequentialSampler(10), 3, false).Count);
        Assert.Equal(3, new BatchSampler(new SequentialSampler(10), 3, true).Count);
    }

    private sealed class SeedDataset : Dataset<Tensor>
    {
        public override int Count => 8;

        public override Tensor this[int index]
        {
            get
            {
                var info = DataLoader.GetWorkerInfo()!;
                return Torch.FromArray(new long[] { index, info.Id, info.Seed });
            }
        }
    }

    [Fact]
    public void WorkerIdsAndSeedsAreBaseSeedPlusId()
    {
        var c = Case("worker_seeds");
        var loader = new DataLoader<Tensor>(new SeedDataset(), batchSize: 2, numWorkers: 2,
            generator: new Generator().ManualSeed(c.GetProperty("seed").GetInt64()));
        var got = loader.Select(b => b.Tensor.ToArray<long>()).ToArray();
        var expected = c.GetProperty("batches").EnumerateArray()
            .Select(b => b.EnumerateArray().SelectMany(r => Longs(r)).ToArray()).ToArray();
        Assert.Equal(expected, got);
        Assert.Null(DataLoader.GetWorkerInfo());
    }

    private static void AssertLike(JsonElement expected, Batch got)
    {
        if (expected.TryGetProperty("tensor", out var dt))
        {
            Assert.True(got.IsTensor);
            Assert.Equal(dt.GetString(), got.Tensor.DType.ShortName());
            Assert.Equal(Longs(expected.GetProperty("shape")), got.Tensor.Shape.ToArray());
            var values = expected.GetProperty("values").EnumerateArray()
                .Select(v => v.ValueKind switch { JsonValueKind.True => 1.0, JsonValueKind.False => 0.0, _ => v.GetDouble() }).ToArray();
            Assert.Equal(values, got.Tensor.To(DType.Float64).Contiguous().ToArray<double>());
        }
        else if (expected.TryGetProperty("list", out var list))
        {
            Assert.True(got.IsList);
            var items = list.EnumerateArray().ToArray();
            Assert.Equal(items.Length, got.Count);
            for (int i = 0; i < items.Length; i++) AssertLike(items[i], got[i]);
        }
        else if (expected.TryGetProperty("dict", out var dict))
        {
            Assert.True(got.IsDictionary);
            Assert.Equal(dict.EnumerateObject().Select(p => p.Name).ToArray(), got.Keys.ToArray());
            foreach (var p in dict.EnumerateObject()) AssertLike(p.Value, got[p.Name]);
        }
        else Assert.Equal(expected.GetProperty("value").GetString(), got.Value);
    }

    [Fact]
    public void DefaultCollateOfNestedStructures()
    {
        var samples = Enumerable.Range(0, 4).Select(i => (
            Torch.Full([2, 3], (double)i),
            i,
            0.5 * i,
            true,
            "s" + i,
            new Dictionary<string, object> { ["a"] = Torch.FromArray(new long[] { i, i }), ["b"] = new List<object> { i, (double)i } }))
            .ToList();
        AssertLike(Case("collate_nested").GetProperty("result"), Collate.Default(samples));
    }
}
