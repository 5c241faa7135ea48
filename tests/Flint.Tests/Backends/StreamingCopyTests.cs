using Flint.Kernels;

namespace Flint.Tests.Backends;

/// <summary>
/// Contiguous copies (clone) with the stores streamed (<see cref="MathLoops.StreamingBytes"/> at 0): every byte
/// arrives, whatever the element size, length and the source's and destination's alignment.
/// </summary>
[Collection("Streaming stores")]
public class StreamingCopyTests
{
    [Fact]
    public void ClonesAreExactWhenStreamed()
    {
        var saved = MathLoops.StreamingBytes;
        MathLoops.StreamingBytes = 0;
        try
        {
            foreach (int n in new[] { 1, 15, 16, 17, 1000, 4099 })
                for (int offset = 0; offset < 3; offset++)
                {
                    var v = new float[n + offset];
                    for (int i = 0; i < v.Length; i++) v[i] = i * 0.5f - 7;
                    var src = Torch.Tensor(v).Narrow(0, offset, n);
                    Assert.Equal(v.Skip(offset).ToArray(), src.Clone().ToArray<float>());
                    var bytes = Enumerable.Range(0, n + offset).Select(i => (byte)(i * 7)).ToArray();
                    var b = Torch.Tensor(bytes).Narrow(0, offset, n);
                    Assert.Equal(bytes.Skip(offset).ToArray(), b.Clone().ToArray<byte>());
                    var longs = Enumerable.Range(0, n + offset).Select(i => (long)i * 1_000_000_007L).ToArray();
                    Assert.Equal(longs.Skip(offset).ToArray(), Torch.Tensor(longs).Narrow(0, offset, n).Clone().ToArray<long>());
                }
        }
        finally
        {
            MathLoops.StreamingBytes = saved;
        }
    }
}
