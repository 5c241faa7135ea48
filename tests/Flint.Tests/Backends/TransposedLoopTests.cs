namespace Flint.Tests.Backends;

/// <summary>
/// Elementwise loops whose input runs across the output's rows (a transposed or permuted read) go by tiles through a
/// scratch copy: every element must land where the strides say, for float (register transposes when the tile is whole
/// blocks of 8, element copies at the edges), double, half, int64 and bytes, with outer dims, a second operand read in
/// order, and a broadcast one. Copies and single IEEE operations, so the expectation is exact.
/// </summary>
public class TransposedLoopTests
{
    private static float[] Values(long n, int seed)
    {
        var random = new Random(seed);
        var v = new float[n];
        for (long i = 0; i < n; i++) v[i] = (float)(random.NextDouble() * 8 - 4);
        return v;
    }

    [Theory]
    [InlineData(37, 45)]
    [InlineData(64, 256)]
    [InlineData(300, 520)]
    [InlineData(16, 1000)]
    public void TransposedCopiesLandInPlace(int rows, int cols)
    {
        var v = Values((long)rows * cols, rows + cols);
        var x = Torch.Tensor(v).View(rows, cols);
        foreach (var dt in new[] { DType.Float32, DType.Float64, DType.Float16, DType.Int64, DType.UInt8 })
        {
            var source = x.To(dt);
            var expected = source.ToArray<double>();
            var t = source.T().Contiguous().ToArray<double>();
            for (int i = 0; i < cols; i++)
                for (int j = 0; j < rows; j++)
                    Assert.True(expected[j * cols + i] == t[i * rows + j], $"{dt} [{rows}, {cols}] at ({i}, {j})");
        }
    }

    [Fact]
    public void PermutedCopiesKeepOuterDims()
    {
        const int a = 3, b = 40, c = 300;
        var v = Values(a * b * c, 5);
        var p = Torch.Tensor(v).View(a, b, c).Permute(0, 2, 1).Contiguous().ToArray<float>();
        for (int i = 0; i < a; i++)
            for (int k = 0; k < c; k++)
                for (int j = 0; j < b; j++)
                    Assert.Equal(v[(i * b + j) * c + k], p[(i * c + k) * b + j]);
    }

    [Fact]
    public void BinaryOpsMixTransposedOrderedAndBroadcastOperands()
    {
        const int rows = 200, cols = 300;
        var av = Values(cols * rows, 7);
        var bv = Values(rows * cols, 8);
        var rv = Values(cols, 9);
        var a = Torch.Tensor(av).View(cols, rows);
        var b = Torch.Tensor(bv).View(rows, cols);
        var r = Torch.Tensor(rv);
        var sum = b.Add(a.T()).ToArray<float>();
        var product = b.Mul(a.T()).Sub(r).ToArray<float>();
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                float at = av[j * rows + i], bij = bv[i * cols + j];
                Assert.Equal(bij + at, sum[i * cols + j]);
                Assert.Equal(bij * at - rv[j], product[i * cols + j]);
            }
    }
}
