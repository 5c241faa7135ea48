using System.Text.Json;
using Flint.NN;
using Flint.Tests.Parity;
using F = Flint.NN.Functional;
using static Flint.Tests.NN.ConvParityTests;

namespace Flint.Tests.NN;

/// <summary>
/// Padding, interpolation and pixel shuffles against tests/parity/nn_resample.py (PyTorch 1.13): values, gradients,
/// second derivatives, uint8/bfloat16/int64/bool inputs.
/// </summary>
public class ResampleParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("nn_resample");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("nn_resample", id, Op);

    private static FloatTuple Scale(Kwargs k)
    {
        if (!k.Has("scale_factor")) return default;
        var e = k.Json("scale_factor");
        return e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(v => v.GetDouble()).ToArray() : e.GetDouble();
    }

    private static Tensor Pad(Tensor x, Kwargs k) =>
        F.Pad(x, Tuple(k, "pad").ToArray(), k.String("mode") ?? "constant", k.Has("value") ? k.Double("value") : null);

    private static Tensor Interpolate(Tensor x, Kwargs k) =>
        F.Interpolate(x, Tuple(k, "size"), Scale(k), k.String("mode") ?? "nearest",
            k.Has("align_corners") ? k.Bool("align_corners") : null,
            k.Has("recompute_scale_factor") ? k.Bool("recompute_scale_factor") : null);

    private static ParityRunner.OpFn Op(string name) => name switch
    {
        "pad" => (x, k) => [Pad(x[0], k)],
        "interpolate" => (x, k) => [Interpolate(x[0], k)],
        "pixel_shuffle" => (x, k) => [F.PixelShuffle(x[0], k.Long("upscale_factor"))],
        "pixel_unshuffle" => (x, k) => [F.PixelUnshuffle(x[0], k.Long("downscale_factor"))],
        "double_pad" => (x, k) => [Double(x[0], t => Pad(t, k))],
        "double_interpolate" => (x, k) => [Double(x[0], t => Interpolate(t, k))],
        "double_pixel_shuffle" => (x, k) => [Double(x[0], t => F.PixelShuffle(t, k.Long("upscale_factor")))],
        _ => throw new NotSupportedException(name),
    };

    private static Tensor Double(Tensor x, Func<Tensor, Tensor> op)
    {
        using var mode = Torch.EnableGrad();
        var y = op(x);
        return Torch.Autograd.Grad([y.Mul(y).Sum()], [x], createGraph: true)[0]!;
    }
}
