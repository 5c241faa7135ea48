using System.Collections;

namespace Flint.Data;

/// <summary>
/// A map-style dataset (<c>torch.utils.data.Dataset</c>): a number of samples (<c>__len__</c>) and the sample at an
/// index (<c>__getitem__</c>). Derive from it and override <see cref="Count"/> and the indexer. Any
/// <see cref="IReadOnlyList{T}"/> (a list of tuples, the seeds' <c>list(zip(x, y))</c>) is also accepted wherever a
/// dataset is, through <see cref="ListDataset{T}"/>.
/// </summary>
public abstract class Dataset<T> : IReadOnlyList<T>
{
    /// <summary>The number of samples (<c>__len__</c>).</summary>
    public abstract int Count { get; }

    /// <summary>The sample at <paramref name="index"/> (<c>__getitem__</c>).</summary>
    public abstract T this[int index] { get; }

    /// <summary>Both datasets one after the other (<c>dataset + other</c>, a <see cref="ConcatDataset{T}"/>).</summary>
    public static ConcatDataset<T> operator +(Dataset<T> left, Dataset<T> right) => new([left, right]);

    /// <summary>The samples in index order (Python's iteration of a map-style dataset through <c>__getitem__</c>).</summary>
    public IEnumerator<T> GetEnumerator()
    {
        int n = Count;
        for (int i = 0; i < n; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// An iterable-style dataset (<c>torch.utils.data.IterableDataset</c>): a stream of samples. With several loader
/// workers, each worker enumerates its own copy, so split the stream with <see cref="DataLoader.GetWorkerInfo"/>
/// as in PyTorch.
/// </summary>
public abstract class IterableDataset<T> : IEnumerable<T>
{
    /// <summary>A new pass over the samples (<c>__iter__</c>).</summary>
    public abstract IEnumerator<T> GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A dataset over any list of samples (PyTorch accepts a plain list, such as <c>list(zip(x, y))</c>).</summary>
public sealed class ListDataset<T> : Dataset<T>
{
    private readonly IReadOnlyList<T> items;

    /// <summary>A dataset whose sample <c>i</c> is <c>items[i]</c>.</summary>
    public ListDataset(IReadOnlyList<T> items) => this.items = items ?? throw new ArgumentNullException(nameof(items));

    /// <inheritdoc/>
    public override int Count => items.Count;

    /// <inheritdoc/>
    public override T this[int index] => items[index];
}

/// <summary>
/// Samples that are rows of tensors (<c>torch.utils.data.TensorDataset(*tensors)</c>): sample <c>i</c> is
/// <c>tensor[i]</c> of each tensor, as an array (PyTorch's tuple).
/// </summary>
public sealed class TensorDataset : Dataset<Tensor[]>
{
    /// <summary>A dataset of the rows of <paramref name="tensors"/>, which must agree in their first size.</summary>
    public TensorDataset(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("TensorDataset needs at least one tensor");
        foreach (var t in tensors)
            if (t.Dim() == 0 || t.Size(0) != tensors[0].Size(0))
                throw new ArgumentException("Size mismatch between tensors");
        Tensors = tensors;
    }

    /// <summary>The tensors (<c>dataset.tensors</c>).</summary>
    public IReadOnlyList<Tensor> Tensors { get; }

    /// <inheritdoc/>
    public override int Count => checked((int)Tensors[0].Size(0));

    /// <inheritdoc/>
    public override Tensor[] this[int index]
    {
        get
        {
            var r = new Tensor[Tensors.Count];
            for (int i = 0; i < r.Length; i++) r[i] = Tensors[i].Select(0, index);
            return r;
        }
    }
}

/// <summary>Several datasets one after another (<c>torch.utils.data.ConcatDataset(datasets)</c>).</summary>
public sealed class ConcatDataset<T> : Dataset<T>
{
    private readonly IReadOnlyList<T>[] datasets;
    private readonly int[] cumulative;

    /// <summary>Concatenates <paramref name="datasets"/> in order.</summary>
    public ConcatDataset(IEnumerable<IReadOnlyList<T>> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        this.datasets = datasets.ToArray();
        if (this.datasets.Length == 0) throw new ArgumentException("datasets should not be an empty iterable");
        cumulative = new int[this.datasets.Length];
        int s = 0;
        for (int i = 0; i < cumulative.Length; i++) cumulative[i] = s = checked(s + this.datasets[i].Count);
    }

    /// <summary>The datasets (<c>dataset.datasets</c>).</summary>
    public IReadOnlyList<IReadOnlyList<T>> Datasets => datasets;

    /// <summary>The running totals of the datasets' lengths (<c>dataset.cumulative_sizes</c>).</summary>
    public IReadOnlyList<int> CumulativeSizes => cumulative;

    /// <inheritdoc/>
    public override int Count => cumulative[^1];

    /// <summary>The sample at <paramref name="index"/>; a negative index counts from the end, as in PyTorch.</summary>
    public override T this[int index]
    {
        get
        {
            if (index < 0)
            {
                if (-(long)index > Count) throw new ArgumentException("absolute value of index should not exceed dataset length");
                index += Count;
            }
            // bisect_right: the first dataset whose cumulative size exceeds the index.
            int lo = 0, hi = cumulative.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >> 1;
                if (index < cumulative[mid]) hi = mid; else lo = mid + 1;
            }
            if (lo == cumulative.Length) throw new IndexOutOfRangeException($"index {index} is out of range for a dataset of length {Count}");
            return datasets[lo][lo == 0 ? index : index - cumulative[lo - 1]];
        }
    }
}

/// <summary>The samples of a dataset at the given indices (<c>torch.utils.data.Subset(dataset, indices)</c>).</summary>
public sealed class Subset<T> : Dataset<T>
{
    /// <summary>A view of <paramref name="dataset"/> whose sample <c>i</c> is <c>dataset[indices[i]]</c>.</summary>
    public Subset(IReadOnlyList<T> dataset, IReadOnlyList<int> indices)
    {
        Dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        Indices = indices ?? throw new ArgumentNullException(nameof(indices));
    }

    /// <summary>The whole dataset (<c>subset.dataset</c>).</summary>
    public IReadOnlyList<T> Dataset { get; }

    /// <summary>The chosen indices (<c>subset.indices</c>).</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <inheritdoc/>
    public override int Count => Indices.Count;

    /// <inheritdoc/>
    public override T this[int index] => Dataset[Indices[index]];
}

/// <summary>Dataset helpers of <c>torch.utils.data</c>.</summary>
public static class Datasets
{
    /// <summary>
    /// Splits a dataset at random into non-overlapping subsets of the given lengths
    /// (<c>torch.utils.data.random_split(dataset, lengths, generator)</c>); the permutation is
    /// <c>torch.randperm(n, generator)</c>, so a seeded generator gives PyTorch's split.
    /// </summary>
    public static Subset<T>[] RandomSplit<T>(IReadOnlyList<T> dataset, IReadOnlyList<long> lengths, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(lengths);
        long total = 0;
        foreach (var l in lengths) total += l;
        if (total != dataset.Count)
            throw new ArgumentException("Sum of input lengths does not equal the length of the input dataset!");
        var perm = Torch.Randperm(total, generator ?? Generator.Default).ToArray<long>();
        var result = new Subset<T>[lengths.Count];
        long offset = 0;
        for (int i = 0; i < result.Length; i++)
        {
            var idx = new int[lengths[i]];
            for (int j = 0; j < idx.Length; j++) idx[j] = (int)perm[offset + j];
            offset += lengths[i];
            result[i] = new Subset<T>(dataset, idx);
        }
        return result;
    }

    /// <summary>
    /// Splits a dataset at random by fractions that sum to 1 (<c>random_split(dataset, [0.8, 0.2], generator)</c>):
    /// each length is <c>floor(n * fraction)</c>, and the remainder is added one by one round-robin, as in PyTorch.
    /// </summary>
    public static Subset<T>[] RandomSplit<T>(IReadOnlyList<T> dataset, IReadOnlyList<double> fractions, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(fractions);
        double sum = 0;
        foreach (var f in fractions) sum += f;
        // math.isclose(sum, 1) with its default relative tolerance 1e-9, and sum <= 1.
        if (!(Math.Abs(sum - 1) <= 1e-9 * Math.Max(1, Math.Abs(sum)) && sum <= 1))
        {
            var asLengths = new long[fractions.Count];
            for (int i = 0; i < asLengths.Length; i++)
            {
                if (fractions[i] != Math.Floor(fractions[i]))
                    throw new ArgumentException("Sum of input lengths does not equal the length of the input dataset!");
                asLengths[i] = (long)fractions[i];
            }
            return RandomSplit(dataset, asLengths, generator);
        }
        var lengths = new long[fractions.Count];
        long assigned = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            if (fractions[i] < 0 || fractions[i] > 1) throw new ArgumentException($"Fraction at index {i} is not between 0 and 1");
            lengths[i] = (long)Math.Floor(dataset.Count * fractions[i]);
            assigned += lengths[i];
        }
        for (long i = 0; i < dataset.Count - assigned; i++) lengths[i % lengths.Length]++;
        return RandomSplit(dataset, lengths, generator);
    }
}
