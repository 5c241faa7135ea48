using Flint.Backends.Cpu;

namespace Flint.Tests.Backends;

/// <summary>Scratch rows placed away from the 4 KB phases of the inputs they are stored beside.</summary>
public unsafe class PagePhasesTests
{
    [Theory]
    [InlineData(1024, 0x10000, 0x20040)]   // layer norm's rows, inputs at phases 0 and 64
    [InlineData(37, 0x3f80, 0x3f80)]        // a short row, both inputs at one phase near the page's end
    [InlineData(4096, 0x1234 * 4, 0x777 * 4)]
    public void RowsLieInTheBufferApartAndFarFromTheInputsPhases(int length, long first, long second)
    {
        var buffer = new float[PagePhases.Length<float>(3, length)];
        fixed (float* b = buffer)
        {
            Span<nint> rows = stackalloc nint[3];
            PagePhases.Place(b, rows, length, (nint)first, (nint)second);
            var placed = new List<(long Start, long End)>();
            foreach (var r in rows)
            {
                Assert.True(r >= (nint)b && r + length * sizeof(float) <= (nint)(b + buffer.Length), "row inside the buffer");
                Assert.Equal(0, r % 64);
                foreach (var input in new[] { first, second })
                {
                    long d = Math.Abs((r & 4095) - (input & 4095));
                    // Five phases on a 4 KB circle: each row at least 512 bytes from the inputs' phases.
                    Assert.True(Math.Min(d, 4096 - d) >= 512, $"row phase {r & 4095} near input phase {input & 4095}");
                }
                foreach (var (s, e) in placed) Assert.True(r >= e || r + length * sizeof(float) <= s, "rows overlap");
                placed.Add((r, r + length * sizeof(float)));
            }
        }
    }
}
