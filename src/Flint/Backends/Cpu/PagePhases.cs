namespace Flint.Backends.Cpu;

/// <summary>
/// Scratch rows placed by their page phase (address mod 4 KB). A load whose address matches a pending store's in its low
/// 12 bits waits for that store (4K aliasing), so a kernel that stores into a scratch row while it reads its inputs at
/// the same offsets runs at a speed set by where the allocator happened to put the row: softmax's worker thread took 27%
/// longer than the calling thread on the same rows.
/// </summary>
internal static unsafe class PagePhases
{
    private const int Page = 4096, Line = 64;

    /// <summary>Elements of T that a buffer needs to hold <paramref name="count"/> rows of <paramref name="length"/> elements, each at any phase.</summary>
    public static int Length<T>(int count, int length) where T : unmanaged => checked((int)(count * Region<T>(length) / sizeof(T) + 1));

    // Bytes per row: a page longer than the row (cache lines), so that it can start at any phase.
    private static long Region<T>(int length) where T : unmanaged => ((long)length * sizeof(T) + Page + Line - 1) / Line * Line;

    /// <summary>
    /// Places <c>rows.Length</c> rows of <paramref name="length"/> elements in the (pinned) <paramref name="buffer"/> of
    /// <see cref="Length{T}"/> elements, writing their addresses to <paramref name="rows"/>. Each row starts at the
    /// cache-line phase farthest from the phases of <paramref name="streams"/> (the inputs the kernel reads at the rows'
    /// offsets) and of the rows before it.
    /// </summary>
    public static void Place<T>(T* buffer, Span<nint> rows, int length, params ReadOnlySpan<nint> streams) where T : unmanaged
    {
        long region = Region<T>(length);
        Span<int> phases = stackalloc int[rows.Length];
        Spread(phases, streams);
        for (int k = 0; k < rows.Length; k++) rows[k] = (nint)At((byte*)buffer + k * region, phases[k]);
    }

    /// <summary>
    /// Picks <c>phases.Length</c> cache-line phases, each the midpoint of the widest gap left on the 4 KB circle by the
    /// phases of <paramref name="streams"/> and of the phases picked before it.
    /// </summary>
    public static void Spread(Span<int> phases, params ReadOnlySpan<nint> streams)
    {
        Span<int> taken = stackalloc int[streams.Length + phases.Length];
        int used = 0;
        foreach (var s in streams) Insert(taken, ref used, (int)(s & (Page - 1)));
        for (int k = 0; k < phases.Length; k++)
        {
            int best = 0, widest = -1;
            for (int j = 0; j < used; j++)
            {
                int from = taken[j], gap = (j + 1 < used ? taken[j + 1] : taken[0] + Page) - from;
                if (gap > widest) (best, widest) = ((from + gap / 2) & (Page - Line), gap);
            }
            phases[k] = best;
            Insert(taken, ref used, best);
        }
    }

    // Keeps taken[..used] sorted.
    private static void Insert(Span<int> taken, ref int used, int phase)
    {
        int j = used++;
        for (; j > 0 && taken[j - 1] > phase; j--) taken[j] = taken[j - 1];
        taken[j] = phase;
    }

    /// <summary>Bytes of a region in which a chunk of <paramref name="chunkBytes"/> can start at any phase (see <see cref="At"/>).</summary>
    public static int ChunkRegion(int chunkBytes) => chunkBytes + Page;

    /// <summary>The address in <paramref name="region"/> (of <see cref="ChunkRegion"/> bytes or a row's <see cref="Length{T}"/>) at <paramref name="phase"/> mod 4 KB.</summary>
    public static byte* At(byte* region, long phase) => region + ((phase - (nint)region) & (Page - 1));
}
