using Flint.Kernels;

namespace Flint.Tests.Backends;

/// <summary>
/// Elementwise outputs with the stores streamed (<see cref="MathLoops.StreamingBytes"/> at 0): contiguous copies
/// (every byte arrives, whatever the element size, length and alignments), a vector form on 256-bit lanes (relu) and
/// binary ops with a broadcast operand (computed in chunks that stream out) and torch.where, against IEEE float results.
/// </summary>
[Collection("Streaming stores")]
public class StreamingStoreTests
{
    private static void Streamed(Action body)
    {
        var saved = MathLoops.StreamingBytes;
        MathLoops.StreamingBytes = 0;
        try
        {
            body();
        }
        finally
        {
            MathLoops.StreamingBytes = saved;
        }
    }

    [Fact]
    public void BroadcastSumsAndReluAreExactWhenStreamed() => Streamed(() =>
    {
        foreach (var (rows, cols) in new[] { (3, 16), (5, 1000), (2, 4099), (64, 64) })
        {
            var v = Enumerable.Range(0, rows * cols).Select(i => (i % 97) * 0.37f - 11).ToArray();
            var col = Enumerable.Range(0, rows).Select(i => i * 1.5f - 2).ToArray();
            var row = Enumerable.Range(0, cols).Select(i => i * 0.25f - 3).ToArray();
            var x = Torch.Tensor(v).View(rows, cols);
            var byScalar = x.Add(2.5).ToArray<float>();
            var byColumn = x.Add(Torch.Tensor(col).View(rows, 1)).ToArray<float>();
            var byRow = x.Mul(Torch.Tensor(row)).ToArray<float>();
            var relu = x.Relu().ToArray<float>();
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    int k = r * cols + c;
                    Assert.Equal(v[k] + 2.5f, byScalar[k]);
                    Assert.Equal(v[k] + col[r], byColumn[k]);
                    Assert.Equal(v[k] * row[c], byRow[k]);
                    Assert.Equal(Math.Max(v[k], 0f), relu[k]);
                }
        }
    });

    [Fact]
    public void AVectorFormStreamsAroundAnUnalignedOutput() => Streamed(() =>
    {
        // The kernel on spans: x and y at offsets that put them on different alignments, so that the unaligned head
        // vector, the aligned streamed body and the padded tail all run.
        foreach (int n in new[] { 8, 9, 100, 1031 })
            for (int offset = 0; offset < 8; offset++)
            {
                var x = Enumerable.Range(0, n + 1).Select(i => (i % 13) - 6.5f).ToArray();
                var y = new float[n + offset];
                new Flint.Kernels.ReluKernel().Apply(x.AsSpan(1), y.AsSpan(offset));
                for (int i = 0; i < n; i++) Assert.Equal(Math.Max(x[i + 1], 0f), y[i + offset]);
            }
    });

    [Fact]
    public void ClonesAreExactWhenStreamed() => Streamed(() =>
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
    });

    [Fact]
    public void WhereSelectsExactlyWhenStreamed() => Streamed(() =>
    {
        foreach (int n in new[] { 3, 8, 13, 1000 })
        {
            var v = Enumerable.Range(0, n).Select(i => (i % 11) - 5.25f).ToArray();
            var x = Torch.Tensor(v);
            var mask = x.Gt(0);
            var floats = Torch.Where(mask, x, -1.0).ToArray<float>();
            var doubles = Torch.Where(mask, 3.0, x.To(DType.Float64)).ToArray<double>();
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(v[i] > 0 ? v[i] : -1f, floats[i]);
                Assert.Equal(v[i] > 0 ? 3.0 : v[i], doubles[i]);
            }
        }
    });
}
