using Flint.Backends.Cuda;

namespace Flint.Tests.Gpu;

/// <summary>The caching allocator's size classes, reuse, statistics and out-of-memory path, over fake device memory.</summary>
public class CachingAllocatorTests
{
    /// <summary>Device memory of a fixed capacity that hands out increasing fake addresses.</summary>
    private sealed class FakeMemory(long capacity) : IDeviceMemory
    {
        private ulong next = 0x7000_0000_0000;
        private readonly Dictionary<ulong, long> live = [];
        public int Allocations, Frees;

        public int DeviceIndex => 3;
        public long InUse => live.Values.Sum();

        public ulong Allocate(long bytes)
        {
            if (InUse + bytes > capacity) return 0;
            Allocations++;
            var p = next;
            next += (ulong)bytes + 4096;
            live[p] = bytes;
            return p;
        }

        public void Free(ulong pointer)
        {
            Assert.True(live.Remove(pointer), "freed an address that was not allocated");
            Frees++;
        }

        public (long Free, long Total) MemoryInfo() => (capacity - InUse, capacity);
    }

    [Theory]
    [InlineData(0, 512)]
    [InlineData(1, 512)]
    [InlineData(512, 512)]
    [InlineData(513, 1024)]
    [InlineData(100_000, 100_352)]
    [InlineData(1 << 20, 1 << 20)]
    [InlineData((1 << 20) + 1, (1 << 20) + (1 << 17))]
    [InlineData(3 << 20, 3 << 20)]
    [InlineData((3 << 20) + 5, (3 << 20) + (1 << 18))]
    [InlineData(1_000_000_000, 1_006_632_960)]
    public void SizeClassesRoundUpToBlocksOrEighthsOfAPowerOfTwo(long bytes, long expected)
    {
        Assert.Equal(expected, CachingAllocator.SizeClass(bytes));
    }

    [Fact]
    public void SizeClassesWasteAtMostAnEighthAboveOneMebibyte()
    {
        for (long b = (1 << 20) + 1; b < 1L << 34; b = b * 5 / 3 + 7)
        {
            var c = CachingAllocator.SizeClass(b);
            Assert.True(c >= b && c - b <= b / 8, $"{b} -> {c}");
        }
    }

    [Fact]
    public void FreedBlocksAreReusedForTheirSizeClass()
    {
        var mem = new FakeMemory(1 << 30);
        var alloc = new CachingAllocator(mem);
        var a = alloc.Allocate(1000);
        var address = a.Pointer;
        Assert.Equal(1024, alloc.Allocated);
        Assert.Equal(1024, alloc.Reserved);
        a.Dispose();
        Assert.Equal(0, alloc.Allocated);
        Assert.Equal(1024, alloc.Reserved);
        Assert.Equal(1024, alloc.Cached);

        var b = alloc.Allocate(1020);
        Assert.Equal(address, b.Pointer);
        Assert.Equal(1, mem.Allocations);
        var c = alloc.Allocate(5000);
        Assert.NotEqual(address, c.Pointer);
        Assert.Equal(2, mem.Allocations);
        Assert.Equal(1024 + 5120, alloc.PeakAllocated);
        b.Dispose();
        c.Dispose();
        alloc.ResetPeak();
        Assert.Equal(0, alloc.PeakAllocated);
    }

    [Fact]
    public void ATrainingLikeLoopStopsAllocatingAfterItsFirstStep()
    {
        var mem = new FakeMemory(1L << 32);
        var alloc = new CachingAllocator(mem);
        long[] sizes = [4096 * 4, 128 * 4, 4096 * 4, 10 * 4, 64 * 128 * 4, 3_000_000, 64 * 128 * 4];
        long reservedAfterFirst = 0;
        for (int step = 0; step < 20; step++)
        {
            var live = sizes.Select(alloc.Allocate).ToList();
            foreach (var block in live) block.Dispose();
            if (step == 0) reservedAfterFirst = alloc.Reserved;
            Assert.Equal(reservedAfterFirst, alloc.Reserved);
            Assert.Equal(0, alloc.Allocated);
        }
        Assert.Equal(sizes.Length, mem.Allocations);
    }

    [Fact]
    public void EmptyCacheReturnsOnlyUnusedBlocks()
    {
        var mem = new FakeMemory(1 << 30);
        var alloc = new CachingAllocator(mem);
        var kept = alloc.Allocate(2 << 20);
        alloc.Allocate(4 << 20).Dispose();
        alloc.Allocate(600).Dispose();
        alloc.EmptyCache();
        Assert.Equal(2, mem.Frees);
        Assert.Equal(2 << 20, alloc.Reserved);
        Assert.Equal(0, alloc.Cached);
        Assert.Equal(2 << 20, mem.InUse);
        kept.Dispose();
    }

    [Fact]
    public void OutOfMemoryReleasesTheCacheThenFailsWithPyTorchsMessage()
    {
        var mem = new FakeMemory(10 << 20);
        var alloc = new CachingAllocator(mem);
        alloc.Allocate(6 << 20).Dispose();           // cached: 6 MiB of the 10
        var big = alloc.Allocate(8 << 20);           // fits only once the cache is released
        Assert.Equal(1, mem.Frees);
        Assert.Equal(8 << 20, alloc.Reserved);
        var e = Assert.Throws<OutOfMemoryException>(() => alloc.Allocate(3 << 20));
        Assert.Equal(
            "CUDA out of memory. Tried to allocate 3.00 MiB (GPU 3; 10.00 MiB total capacity; 8.00 MiB already allocated; " +
            "2.00 MiB free; 8.00 MiB reserved in total by Flint)", e.Message);
        big.Dispose();
    }

    [Fact]
    public void BlocksOfCollectedOwnersComeBackBeforeMemoryRunsOut()
    {
        var mem = new FakeMemory(8 << 20);
        var alloc = new CachingAllocator(mem);
        AllocateAndDrop(alloc);
        // The dropped block is only reachable by the GC; the allocator collects it instead of failing.
        using var again = alloc.Allocate(6 << 20);
        Assert.Equal(6 << 20, alloc.Allocated);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AllocateAndDrop(CachingAllocator alloc) => alloc.Allocate(6 << 20);

    [Theory]
    [InlineData(512, "512 bytes")]
    [InlineData(1536, "1.50 KiB")]
    [InlineData(20 << 20, "20.00 MiB")]
    [InlineData(3L << 30, "3.00 GiB")]
    public void BytesPrintAsPyTorchPrintsThem(long bytes, string text) => Assert.Equal(text, CachingAllocator.Format(bytes));
}
