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
        Span<int> taken = stackalloc int[streams.Length + rows.Length];
        int used = 0;
        foreach (var s in streams) taken[used++] = (int)(s & (Page - 1));
        for (int k = 0; k < rows.Length; k++)
        {
            int best = 0, farthest = -1;
            for (int phase = 0; phase < Page; phase += Line)
            {
                int distance = Page;
                for (int j = 0; j < used; j++)
                {
                    int d = Math.Abs(phase - taken[j]);
                    distance = Math.Min(distance, Math.Min(d, Page - d));
                }
                if (distance > farthest) (best, farthest) = (phase, distance);
            }
            taken[used++] = best;
            byte* at = (byte*)buffer + k * region;
            rows[k] = (nint)(at + ((best - (nint)at) & (Page - 1)));
        }
    }
}
