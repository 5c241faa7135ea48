using System.IO.Hashing;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>
/// The folded CRC-32 against System.IO.Hashing's on random data of lengths around every boundary of the fold (the
/// 1 KiB threshold, 256-byte loop steps, 64-byte blocks, leftovers of 0 to 63 bytes) and on a few megabytes, at
/// aligned and unaligned starts; a flipped bit anywhere changes it.
/// </summary>
public class Crc32FoldingTests
{
    [Fact]
    public void MatchesSystemIoHashing()
    {
        var rng = new Random(5);
        var data = new byte[(3 << 20) + 200];
        rng.NextBytes(data);
        var lengths = new List<int> { 0, 1, 4, 255, 1023, 1024, 1025, 1087, 1088, 1279, 1280, 1281, 4096, 65_537, 3 << 20 };
        for (int i = 0; i < 200; i++) lengths.Add(1024 + rng.Next(4096));
        foreach (var n in lengths)
            foreach (var offset in new[] { 0, 1, 13, 64 })
            {
                var span = data.AsSpan(offset, n);
                Assert.Equal(Crc32.HashToUInt32(span), Crc32Folding.Hash(span));
            }
    }

    [Fact]
    public void AFlippedBitChangesIt()
    {
        var data = new byte[5000];
        new Random(6).NextBytes(data);
        uint clean = Crc32Folding.Hash(data);
        foreach (var at in new[] { 0, 3, 64, 255, 256, 2047, 4990, 4999 })
        {
            data[at] ^= 0x10;
            Assert.NotEqual(clean, Crc32Folding.Hash(data));
            data[at] ^= 0x10;
        }
        Assert.Equal(clean, Crc32Folding.Hash(data));
    }
}
