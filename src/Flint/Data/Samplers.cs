using System.Collections;

namespace Flint.Data;

/// <summary>
/// A source of dataset indices (<c>torch.utils.data.Sampler</c>): each enumeration is one epoch's order.
/// </summary>
public abstract class Sampler<T> : IEnumerable<T>
{
    /// <summary>The number of items one epoch yields (<c>__len__</c>).</summary>
    public abstract int Count { get; }

    /// <summary>One epoch's items (<c>__iter__</c>).</summary>
    public abstract IEnumerator<T> GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Indices 0, 1, ..., n-1 in order (<c>torch.utils.data.SequentialSampler(data_source)</c>).</summary>
public sealed class SequentialSampler : Sampler<int>
{
    private readonly Func<int> length;

    /// <summary>Samples 0 .. <paramref name="count"/>-1 in order.</summary>
    public SequentialSampler(int count) : this(() => count) { }

    private SequentialSampler(Func<int> length) => this.length = length;

    /// <summary>Samples the indices of a dataset in order; its length is read at each epoch.</summary>
    public static SequentialSampler Of<T>(IReadOnlyCollection<T> dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return new SequentialSampler(() => dataSource.Count);
    }

    /// <inheritdoc/>
    public override int Count => length();

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        int n = length();
        for (int i = 0; i < n; i++) yield return i;
    }
}

/// <summary>
/// Indices in random order (<c>torch.utils.data.RandomSampler(data_source, replacement, num_samples, generator)</c>):
/// without replacement, <c>torch.randperm(n)</c> per pass; with replacement, <c>torch.randint(n)</c> in chunks of 32.
/// Without a generator, each epoch seeds a fresh one from the default generator, as PyTorch does, so
/// <c>Torch.ManualSeed</c> makes the order reproducible.
/// </summary>
public sealed class RandomSampler : Sampler<int>
{
    private readonly Func<int> length;
    private readonly int? numSamples;

    /// <summary>Samples the indices of a dataset of <paramref name="count"/> items at random.</summary>
    public RandomSampler(int count, bool replacement = false, int? numSamples = null, Generator? generator = null)
        : this(() => count, replacement, numSamples, generator) { }

    private RandomSampler(Func<int> length, bool replacement, int? numSamples, Generator? generator)
    {
        this.length = length;
        this.numSamples = numSamples;
        Replacement = replacement;
        Generator = generator;
        if (Count <= 0)
            throw new ArgumentException($"num_samples should be a positive integer value, but got num_samples={Count}");
    }

    /// <summary>Samples the indices of <paramref name="dataSource"/> at random; its length is read at each epoch.</summary>
    public static RandomSampler Of<T>(IReadOnlyCollection<T> dataSource, bool replacement = false, int? numSamples = null,
        Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return new RandomSampler(() => dataSource.Count, replacement, numSamples, generator);
    }

    /// <summary>Whether indices are drawn with replacement (<c>sampler.replacement</c>).</summary>
    public bool Replacement { get; }

    /// <summary>The generator the order is drawn from (<c>sampler.generator</c>); null draws a seed per epoch.</summary>
    public Generator? Generator { get; }

    /// <summary>The number of indices per epoch (<c>sampler.num_samples</c>): the dataset's length unless given.</summary>
    public override int Count => numSamples ?? length();

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        int n = length();
        var g = Generator ?? new Generator().ManualSeed(DrawSeed(null));
        int total = Count;
        if (Replacement)
        {
            for (int c = 0; c < total / 32; c++)
                foreach (var i in Torch.Randint(n, [32], g).ToArray<long>()) yield return (int)i;
            foreach (var i in Torch.Randint(n, [total % 32], g).ToArray<long>()) yield return (int)i;
        }
        else
        {
            for (int c = 0; c < total / n; c++)
                foreach (var i in Torch.Randperm(n, g).ToArray<long>()) yield return (int)i;
            var last = Torch.Randperm(n, g).ToArray<long>();
            for (int k = 0; k < total % n; k++) yield return (int)last[k];
        }
    }

    /// <summary><c>int(torch.empty((), dtype=torch.int64).random_(generator=g).item())</c>.</summary>
    internal static long DrawSeed(Generator? g) => Torch.Empty([], DType.Int64).Random_(g).Item<long>();
}

/// <summary>
/// The given indices in random order (<c>torch.utils.data.SubsetRandomSampler(indices, generator)</c>), permuted by
/// <c>torch.randperm(len(indices), generator)</c>.
/// </summary>
public sealed class SubsetRandomSampler : Sampler<int>
{
    /// <summary>Samples <paramref name="indices"/> in a random order each epoch.</summary>
    public SubsetRandomSampler(IReadOnlyList<int> indices, Generator? generator = null)
    {
        Indices = indices ?? throw new ArgumentNullException(nameof(indices));
        Generator = generator;
    }

    /// <summary>The indices sampled (<c>sampler.indices</c>).</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>The generator (<c>sampler.generator</c>); null uses the default generator.</summary>
    public Generator? Generator { get; }

    /// <inheritdoc/>
    public override int Count => Indices.Count;

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        foreach (var i in Torch.Randperm(Indices.Count, Generator).ToArray<long>()) yield return Indices[(int)i];
    }
}

/// <summary>
/// Indices drawn with the given weights (<c>torch.utils.data.WeightedRandomSampler(weights, num_samples,
/// replacement, generator)</c>), by <c>torch.multinomial</c> over the weights as float64.
/// </summary>
public sealed class WeightedRandomSampler : Sampler<int>
{
    private readonly int numSamples;

    /// <summary>Draws <paramref name="numSamples"/> indices with probability proportional to <paramref name="weights"/>.</summary>
    public WeightedRandomSampler(IReadOnlyList<double> weights, int numSamples, bool replacement = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (numSamples <= 0)
            throw new ArgumentException($"num_samples should be a positive integer value, but got num_samples={numSamples}");
        Weights = Torch.FromArray(weights.ToArray());
        this.numSamples = numSamples;
        Replacement = replacement;
        Generator = generator;
    }

    /// <summary>Draws with the weights of a 1-D tensor (converted to float64).</summary>
    public WeightedRandomSampler(Tensor weights, int numSamples, bool replacement = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (numSamples <= 0)
            throw new ArgumentException($"num_samples should be a positive integer value, but got num_samples={numSamples}");
        if (weights.Dim() != 1)
            throw new ArgumentException($"weights should be a 1d sequence but given weights have shape {PyShape(weights)}");
        Weights = weights.To(DType.Float64);
        this.numSamples = numSamples;
        Replacement = replacement;
        Generator = generator;
    }

    /// <summary>The weights as a float64 tensor (<c>sampler.weights</c>).</summary>
    public Tensor Weights { get; }

    /// <summary>Whether indices may repeat (<c>sampler.replacement</c>).</summary>
    public bool Replacement { get; }

    /// <summary>The generator (<c>sampler.generator</c>); null uses the default generator.</summary>
    public Generator? Generator { get; }

    /// <inheritdoc/>
    public override int Count => numSamples;

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        foreach (var i in Torch.Multinomial(Weights, numSamples, Replacement, Generator).ToArray<long>()) yield return (int)i;
    }

    private static string PyShape(Tensor t)
    {
        var s = t.Shape.ToArray();
        return s.Length == 1 ? $"({s[0]},)" : "(" + string.Join(", ", s) + ")";
    }
}

/// <summary>
/// Groups the indices of another sampler into batches (<c>torch.utils.data.BatchSampler(sampler, batch_size,
/// drop_last)</c>); the last, smaller batch is kept unless <c>dropLast</c>.
/// </summary>
public sealed class BatchSampler : Sampler<int[]>
{
    /// <summary>Batches of <paramref name="batchSize"/> indices from <paramref name="sampler"/>.</summary>
    public BatchSampler(IEnumerable<int> sampler, int batchSize, bool dropLast)
    {
        Sampler = sampler ?? throw new ArgumentNullException(nameof(sampler));
        if (batchSize <= 0)
            throw new ArgumentException($"batch_size should be a positive integer value, but got batch_size={batchSize}");
        BatchSize = batchSize;
        DropLast = dropLast;
    }

    /// <summary>The sampler of single indices (<c>batch_sampler.sampler</c>).</summary>
    public IEnumerable<int> Sampler { get; }

    /// <summary>The batch size (<c>batch_sampler.batch_size</c>).</summary>
    public int BatchSize { get; }

    /// <summary>Whether a last, smaller batch is dropped (<c>batch_sampler.drop_last</c>).</summary>
    public bool DropLast { get; }

    /// <summary>The number of batches: <c>len(sampler) // batch_size</c>, or rounded up when the last is kept.</summary>
    public override int Count
    {
        get
        {
            int n = Sampler switch
            {
                Sampler<int> s => s.Count,
                IReadOnlyCollection<int> c => c.Count,
                _ => throw new InvalidOperationException("the sampler of this BatchSampler has no length"),
            };
            return DropLast ? n / BatchSize : (n + BatchSize - 1) / BatchSize;
        }
    }

    /// <inheritdoc/>
    public override IEnumerator<int[]> GetEnumerator()
    {
        var batch = new int[BatchSize];
        int k = 0;
        foreach (var i in Sampler)
        {
            batch[k++] = i;
            if (k == BatchSize)
            {
                yield return batch;
                batch = new int[BatchSize];
                k = 0;
            }
        }
        if (k > 0 && !DropLast) yield return batch[..k];
    }
}
