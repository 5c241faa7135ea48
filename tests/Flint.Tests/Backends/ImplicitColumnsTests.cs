using Flint.Backends;
using Flint.Backends.Cpu;

namespace Flint.Tests.Backends;

/// <summary>
/// The implicit im2col operand of the small-plane convolution forward (<see cref="ImplicitColumns{T}"/>) packs exactly
/// the panels that packing the unfolded matrix col^T would (the unfold itself is checked against PyTorch's), for any
/// rows and steps a GEMM block asks: padding, strides 1 to 3, dilation, 1-D to 3-D, runs that cross output rows and
/// images, partial panels and a thread's share of the rows.
/// </summary>
public unsafe class ImplicitColumnsTests
{
    // input sizes, kernel, stride, padding, dilation (one entry per spatial dim)
    public static IEnumerable<object[]> Geometries() =>
    [
        [new long[] { 14, 14 }, new long[] { 3, 3 }, new long[] { 1, 1 }, new long[] { 1, 1 }, new long[] { 1, 1 }],
        [new long[] { 7, 7 }, new long[] { 3, 3 }, new long[] { 1, 1 }, new long[] { 1, 1 }, new long[] { 1, 1 }],
        [new long[] { 9, 11 }, new long[] { 3, 3 }, new long[] { 2, 2 }, new long[] { 1, 1 }, new long[] { 1, 1 }],
        [new long[] { 8, 13 }, new long[] { 2, 4 }, new long[] { 1, 3 }, new long[] { 0, 1 }, new long[] { 1, 1 }],
        [new long[] { 10, 9 }, new long[] { 3, 2 }, new long[] { 1, 1 }, new long[] { 1, 2 }, new long[] { 2, 1 }],
        [new long[] { 6, 6 }, new long[] { 3, 3 }, new long[] { 1, 1 }, new long[] { 0, 0 }, new long[] { 1, 1 }],
        [new long[] { 4, 5, 4 }, new long[] { 2, 3, 2 }, new long[] { 1, 2, 1 }, new long[] { 1, 1, 1 }, new long[] { 1, 1, 1 }],
        [new long[] { 19 }, new long[] { 5 }, new long[] { 2 }, new long[] { 2 }, new long[] { 1 }],
    ];

    [Theory]
    [MemberData(nameof(Geometries))]
    public void PacksTheUnfoldedColumns(long[] input, long[] kernel, long[] stride, long[] padding, long[] dilation)
    {
        Check<float>(DType.Float32, input, kernel, stride, padding, dilation);
        Check<double>(DType.Float64, input, kernel, stride, padding, dilation);
    }

    private static void Check<T>(DType dt, long[] input, long[] kernel, long[] stride, long[] padding, long[] dilation)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        const long n = 3, c = 5;
        var g = ConvGeometry.Of(n, c, 1, 1, input, kernel, stride, padding, dilation);
        var x = Torch.Randn(new long[] { n, c }.Concat(input).ToArray(), dtype: dt);
        var col = Torch.Empty(n, g.K, g.L, dt);
        CpuBackend.Instance.Im2Col(x, col, g);
        // col^T [n·L, K]: row n·L + l, step k at col[n, k, l].
        var colT = col.Permute(0, 2, 1).Contiguous();
        var padded = Torch.Empty(ImplicitColumns<T>.PaddedElements(g, n), dt);
        T* source = (T*)x.Ptr;
        if (ImplicitColumns<T>.NeedsPad(g))
        {
            ImplicitColumns<T>.Pad((T*)x.Ptr, (T*)padded.Ptr, g, n);
            source = (T*)padded.Ptr;
        }
        long rows = n * g.L, steps = g.K;
        var left = new ImplicitColumns<T>(source, g);
        // Blocks as the GEMM asks them: from a row inside the matrix, over a range of steps, some panels partial.
        foreach (var (first, i, count, p, kc, mr) in new (long, long, int, long, int, int)[]
                 {
                     (0, 0, (int)rows, 0, (int)steps, 14), (0, 3, (int)Math.Min(rows - 3, 29), 1, (int)steps - 1, 14),
                     (5, 2, (int)Math.Min(rows - 7, 20), 2, (int)Math.Min(steps - 2, 7), 6), (rows - 4, 0, 4, 0, (int)steps, 4),
                 })
        {
            var expected = new T[(count + mr - 1) / mr * mr * kc + 64];
            var actual = new T[expected.Length];
            fixed (T* e = expected, a = actual)
            {
                GemmPacking.Pack((T*)colT.Ptr + (first + i) * steps + p, steps, 1, count, kc, mr, e);
                left.From(first).Pack(i, count, p, kc, mr, a);
            }
            Assert.Equal(expected[..^64], actual[..^64]);
        }
        GC.KeepAlive(x); GC.KeepAlive(colT); GC.KeepAlive(padded);
    }
}
