using System.Collections;
using System.Runtime.CompilerServices;

namespace Flint;

/// <summary>
/// The sizes of a tensor's dimensions (<c>torch.Size</c>). Prints as <c>torch.Size([2, 3])</c>; compares by value;
/// converts to and from <c>long[]</c>.
/// </summary>
[CollectionBuilder(typeof(Size), nameof(Create))]
public readonly struct Size : IReadOnlyList<long>, IEquatable<Size>
{
    /// <summary>Builds a Size from a collection expression such as <c>[2, 3]</c>.</summary>
    public static Size Create(ReadOnlySpan<long> dims) => new(dims.ToArray());

    private readonly long[]? dims;

    /// <summary>Wraps the given sizes (not copied: callers hand over ownership).</summary>
    public Size(params long[] dims) => this.dims = dims;

    private long[] D => dims ?? [];

    /// <summary>The size of dimension <paramref name="i"/>; negative indices count from the end.</summary>
    public long this[int i] => D[i < 0 ? i + D.Length : i];

    /// <summary>Number of dimensions (<c>len(size)</c>).</summary>
    public int Count => D.Length;

    /// <summary>Product of the sizes (<c>size.numel()</c>).</summary>
    public long Numel()
    {
        long n = 1;
        foreach (var d in D) n *= d;
        return n;
    }

    /// <summary>A copy of the sizes.</summary>
    public long[] ToArray() => (long[])D.Clone();

    /// <summary>The sizes as a span.</summary>
    public ReadOnlySpan<long> AsSpan() => D;

    /// <summary>Wraps an array as a Size.</summary>
    public static implicit operator Size(long[] dims) => new(dims);

    /// <summary>Converts int sizes.</summary>
    public static implicit operator Size(int[] dims) => new(Array.ConvertAll(dims, d => (long)d));

    /// <summary>A copy of the sizes as an array.</summary>
    public static implicit operator long[](Size s) => s.ToArray();

    /// <inheritdoc/>
    public IEnumerator<long> GetEnumerator() => ((IEnumerable<long>)D).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(Size other) => D.AsSpan().SequenceEqual(other.D);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Size s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in D) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(Size a, Size b) => a.Equals(b);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Size a, Size b) => !a.Equals(b);

    /// <summary>Prints as PyTorch: <c>torch.Size([2, 3])</c>.</summary>
    public override string ToString() => "torch.Size([" + string.Join(", ", D) + "])";
}
