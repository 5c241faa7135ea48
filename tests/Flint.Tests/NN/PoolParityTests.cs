using Flint.Tests.Parity;
using F = Flint.NN.Functional;
using static Flint.Tests.NN.ConvParityTests;

namespace Flint.Tests.NN;

/// <summary>
/// Max, average, adaptive pooling and max unpooling against tests/parity/nn_pool.py (PyTorch 1.13): values, indices,
/// gradients, second derivatives, NaN propagation, int64 and bfloat16 inputs.
/// </summary>
public class PoolParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("nn_pool");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("nn_pool", id, Op);

    private static long[]? Longs(Kwargs k, string name) => k.Has(name) ? Tuple(k, name).ToArray() : null;

    private static ParityRunner.OpFn Op(string name) => name switch
    {
        "max_pool2d" => (x, k) => [F.MaxPool2d(x[0], Tuple(k, "kernel_size"), Tuple(k, "stride"), Tuple(k, "padding"), Tuple(k, "dilation"),
            k.Bool("ceil_mode"))],
        "max_pool2d_with_indices" => (x, k) =>
        {
            var (y, i) = F.MaxPool2dWithIndices(x[0], Tuple(k, "kernel_size"), Tuple(k, "stride"), Tuple(k, "padding"), Tuple(k, "dilation"),
                k.Bool("ceil_mode"));
            return [y, i];
        },
        "max_pool1d" => (x, k) => [F.MaxPool1d(x[0], Tuple(k, "kernel_size"), Tuple(k, "stride"), Tuple(k, "padding"), Tuple(k, "dilation"),
            k.Bool("ceil_mode"))],
        "max_pool1d_with_indices" => (x, k) =>
        {
            var (y, i) = F.MaxPool1dWithIndices(x[0], Tuple(k, "kernel_size"), Tuple(k, "stride"), Tuple(k, "padding"), Tuple(k, "dilation"),
                k.Bool("ceil_mode"));
            return [y, i];
        },
        "avg_pool2d" => (x, k) => [F.AvgPool2d(x[0], Tuple(k, "kernel_size"), Tuple(k, "stride"), Tuple(k, "padding"), k.Bool("ceil_mode"),
            k.Bool("count_include_pad", true), k.Has("divisor_override") ? k.Long("divisor_override") : null)],
        "avg_pool1d" => (x, k) => [F.AvgPool1d(x[0], Tuple(k, "kernel_size"), Tuple(k, "stride"), Tuple(k, "padding"), k.Bool("ceil_mode"),
            k.Bool("count_include_pad", true))],
        "adaptive_avg_pool2d" => (x, k) => [F.AdaptiveAvgPool2d(x[0], Tuple(k, "output_size"))],
        "adaptive_avg_pool1d" => (x, k) => [F.AdaptiveAvgPool1d(x[0], Tuple(k, "output_size"))],
        "adaptive_max_pool2d" => (x, k) => [F.AdaptiveMaxPool2d(x[0], Tuple(k, "output_size"))],
        "adaptive_max_pool2d_with_indices" => (x, k) =>
        {
            var (y, i) = F.AdaptiveMaxPool2dWithIndices(x[0], Tuple(k, "output_size"));
            return [y, i];
        },
        "adaptive_max_pool1d" => (x, k) => [F.AdaptiveMaxPool1d(x[0], Tuple(k, "output_size"))],
        "max_unpool2d" => (x, k) => [F.MaxUnpool2d(x[0], x[1], Tuple(k, "kernel_size"), Tuple(k, "stride"), Tuple(k, "padding"),
            Longs(k, "output_size"))],
        "max_unpool1d" => (x, k) => [F.MaxUnpool1d(x[0], x[1], Tuple(k, "kernel_size"), Tuple(k, "stride"), Tuple(k, "padding"),
            Longs(k, "output_size"))],
        "double_max_pool2d" => (x, k) => [Double(x[0], t => F.MaxPool2d(t, Tuple(k, "kernel_size"), Tuple(k, "stride"), Tuple(k, "padding")))],
        "double_avg_pool2d" => (x, k) => [Double(x[0], t => F.AvgPool2d(t, Tuple(k, "kernel_size"), Tuple(k, "stride"), Tuple(k, "padding")))],
        "double_adaptive_avg_pool2d" => (x, k) => [Double(x[0], t => F.AdaptiveAvgPool2d(t, Tuple(k, "output_size")))],
        "double_adaptive_max_pool2d" => (x, k) => [Double(x[0], t => F.AdaptiveMaxPool2d(t, Tuple(k, "output_size")))],
        _ => throw new NotSupportedException(name),
    };

    // d/dx sum(pool(x)^2), kept differentiable so the runner's backward is a second derivative.
    private static Tensor Double(Tensor x, Func<Tensor, Tensor> pool)
    {
        using var mode = Torch.EnableGrad();
        var y = pool(x);
        return Torch.Autograd.Grad([y.Mul(y).Sum()], [x], createGraph: true)[0]!;
    }
}
