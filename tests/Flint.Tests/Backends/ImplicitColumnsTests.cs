using Flint.Backends;
using Flint.Backends.Cpu;

namespace Flint.Tests.Backends;

/// <summary>
/// The implicit im2col operand of the small-plane convolution forward (<see cref="ImplicitColumns{T}"/>) packs exactly
/// the panels that packing the unfolded matrix col^T would (the unfold itself is checked against PyTorch's), for any
/// rows and steps a GEMM block asks: padding, strides 1 to 3 (rows split into even and odd columns at stride 2),
/// dilation, 1-D to 3-D, runs that cross output rows and images, partial panels and a thread's share of the rows; and the weight gradient's operands, the same columns with
/// lanes = taps (<see cref="ImplicitColumns{T}.ByTap"/>) and the output gradient's planes (<see cref="ImagePlanes{T}"/>).
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
        // column stride 2, rows split into even and odd columns: without padding, and with a dilation of 2 (every tap
        // in the even half)
        [new long[] { 9, 12 }, new long[] { 2, 3 }, new long[] { 2, 2 }, new long[] { 0, 0 }, new long[] { 1, 1 }],
        [new long[] { 10, 13 }, new long[] { 3, 3 }, new long[] { 1, 2 }, new long[] { 1, 2 }, new long[] { 1, 2 }],
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
        T* source = (T*)x.Ptr, end = source + x.Numel();
        if (ImplicitColumns<T>.NeedsPad(g))
        {
            ImplicitColumns<T>.Pad((T*)x.Ptr, (T*)padded.Ptr, g, n);
            source = (T*)padded.Ptr;
            end = source + padded.Numel();
        }
        long rows = n * g.L, steps = g.K;
        // Blocks as the GEMM asks them: from a row inside the matrix, over a range of steps, some panels partial.
        SamePanels(ImplicitColumns<T>.ByPosition(source, end, g), (T*)colT.Ptr, steps,
        [
            (0, 0, (int)rows, 0, (int)steps, 14), (0, 3, (int)Math.Min(rows - 3, 29), 1, (int)steps - 1, 14),
            (5, 2, (int)Math.Min(rows - 7, 20), 2, (int)Math.Min(steps - 2, 7), 6), (rows - 4, 0, 4, 0, (int)steps, 4),
        ]);
        // The same matrix with lanes = taps (the weight gradient's right operand), in panels of 32, 16 and 14 lanes,
        // over step ranges that start and end inside output rows and images.
        var colK = col.Permute(1, 0, 2).Reshape(g.K, rows).Contiguous();
        SamePanels(ImplicitColumns<T>.ByTap(source, end, g), (T*)colK.Ptr, rows,
        [
            (0, 0, (int)steps, 0, (int)rows, 32), (1, 2, (int)steps - 3, 3, (int)rows - 5, 16),
            (0, 5, (int)Math.Min(steps - 5, 20), 7, (int)Math.Min(rows - 7, 40), 14),
        ]);
        GC.KeepAlive(x); GC.KeepAlive(colT); GC.KeepAlive(colK); GC.KeepAlive(padded);
    }

    [Fact]
    public void ImagePlanesPackTheBatchAsOneMatrix()
    {
        const long n = 3, o = 19, l = 23;
        var y = Torch.Randn(n, o, l);
        var m = y.Permute(1, 0, 2).Reshape(o, n * l).Contiguous();
        SamePanels(new ImagePlanes<float>((float*)y.Ptr, o, l), (float*)m.Ptr, n * l, [(0, 0, 19, 0, 69, 14), (2, 1, 15, 5, 50, 32), (0, 3, 16, 22, 25, 16)]);
        GC.KeepAlive(y); GC.KeepAlive(m);
    }

    // Each block (operand from lane `first`, lanes [i, i + count), steps [p, p + kc), panels of w) packs as the same
    // block of the explicit row-major matrix m (lane stride ld, unit step stride) does.
    private static void SamePanels<T, TO>(TO operand, T* m, long ld, (long First, long I, int Count, long P, int Kc, int W)[] blocks)
        where T : unmanaged where TO : struct, IGemmOperand<TO>
    {
        foreach (var (first, i, count, p, kc, w) in blocks)
        {
            var expected = new T[(count + w - 1) / w * w * kc + 64];
            var actual = new T[expected.Length];
            fixed (T* e = expected, a = actual)
            {
                GemmPacking.Pack(m + (first + i) * ld + p, ld, 1, count, kc, w, e);
                operand.From(first).Pack(i, count, p, kc, w, a);
            }
            Assert.Equal(expected[..^64], actual[..^64]);
        }
    }
}
