using Flint.Backends.Cpu;

namespace Flint.Tests.Backends;

/// <summary>
/// CPU tensor memory starts on a 64-byte cache line whatever its size (slab-carved or pooled), so that vector loads of
/// a row never span two lines; the pooled arrays keep power-of-two sizes in their own size class.
/// </summary>
public class CpuStorageTests
{
    [Fact]
    public unsafe void StoragesStartOnACacheLine()
    {
        foreach (long n in new long[] { 1, 3, 100, 511, 512, 513, 1000, 4096, 5000, 65536, 100_003, 1 << 20 })
            for (int rep = 0; rep < 3; rep++)
            {
                var t = Torch.Empty(n);
                Assert.Equal(0, (long)t.Ptr & 63);
            }
    }

    [Fact]
    public void PowerOfTwoSizesKeepTheirSizeClass()
    {
        foreach (long bytes in new long[] { 4096, 1 << 20, 3 << 20, 4 << 20 })
        {
            Assert.Equal(bytes, BufferPool.SizeClass(bytes));
            Assert.Equal(bytes + BufferPool.AlignmentSlack, BufferPool.Rent(bytes).LongLength);
        }
    }
}
