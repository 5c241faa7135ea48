using Flint.Backends.Cpu;

namespace Flint.Tests.Backends;

/// <summary>
/// The accumulating plane scatter (max pooling's backward outside the 2x2 kernel, and the adjoint of every plane
/// gather): repeated indices add up, each thread clears and fills only its planes, and an index outside the plane,
/// negative ones included, is reported with its value.
/// </summary>
public class PlaneIndexTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void AccumulatesEveryPlanesValuesAtTheirIndices(DType dt)
    {
        const int planes = 64, size = 1024, per = 700;
        var rng = new Random(7);
        var values = new double[planes * per];
        var indices = new long[planes * per];
        var expected = new double[planes * size];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < per; i++)
            {
                values[p * per + i] = rng.Next(-8, 9) / 4.0;
                indices[p * per + i] = rng.Next(size / 2);
                expected[p * size + indices[p * per + i]] += values[p * per + i];
            }
        var src = Torch.Tensor(values).Reshape(planes, per).To(dt);
        var dst = Torch.Full([planes, size], double.NaN, dt);
        CpuBackend.Instance.PlaneScatter(src, Torch.Tensor(indices).Reshape(planes, per), dst, true, i => new ArgumentException($"bad {i}"));
        Assert.Equal(expected, dst.To(DType.Float64).ToArray<double>());
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(1024L)]
    public void ReportsAnIndexOutsideThePlane(long bad)
    {
        const int planes = 64, size = 1024, per = 700;
        var indices = new long[planes * per];
        indices[planes * per - 3] = bad;
        var e = Assert.Throws<ArgumentException>(() => CpuBackend.Instance.PlaneScatter(Torch.Ones(planes, per), Torch.Tensor(indices).Reshape(planes, per),
            Torch.Zeros(planes, size), true, i => new ArgumentException($"bad {i}")));
        Assert.Equal($"bad {bad}", e.Message);
    }
}
