using System.Text.Json;
using Flint.NN;
using Flint.Tests.Parity;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

/// <summary>
/// Convolutions, transposed convolutions, unfold/fold and their second derivatives against tests/parity/nn_conv.py
/// (PyTorch 1.13): outputs, input/weight/bias gradients, gradcheck for float64.
/// </summary>
public class ConvParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("nn_conv");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("nn_conv", id, Op);

    /// <summary>A keyword argument that PyTorch takes as an int or a tuple; default when absent.</summary>
    internal static IntTuple Tuple(Kwargs k, string name)
    {
        if (!k.Has(name)) return default;
        var e = k.Json(name);
        return e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(v => v.GetInt64()).ToArray() : e.GetInt64();
    }

    private static ConvPadding Padding(Kwargs k) =>
        k.Has("padding") && k.Json("padding").ValueKind == JsonValueKind.String ? k.String("padding")! : Tuple(k, "padding");

    private static Tensor? Bias(Tensor[] x) => x.Length > 2 ? x[2] : null;

    internal static ParityRunner.OpFn Op(string name) => name switch
    {
        "conv1d" => (x, k) => [F.Conv1d(x[0], x[1], Bias(x), Tuple(k, "stride"), Padding(k), Tuple(k, "dilation"), k.Long("groups", 1))],
        "conv2d" => (x, k) => [F.Conv2d(x[0], x[1], Bias(x), Tuple(k, "stride"), Padding(k), Tuple(k, "dilation"), k.Long("groups", 1))],
        "conv3d" => (x, k) => [F.Conv3d(x[0], x[1], Bias(x), Tuple(k, "stride"), Padding(k), Tuple(k, "dilation"), k.Long("groups", 1))],
        "conv_transpose1d" => (x, k) => [F.ConvTranspose1d(x[0], x[1], Bias(x), Tuple(k, "stride"), Tuple(k, "padding"),
            Tuple(k, "output_padding"), k.Long("groups", 1), Tuple(k, "dilation"))],
        "conv_transpose2d" => (x, k) => [F.ConvTranspose2d(x[0], x[1], Bias(x), Tuple(k, "stride"), Tuple(k, "padding"),
            Tuple(k, "output_padding"), k.Long("groups", 1), Tuple(k, "dilation"))],
        "conv_transpose3d" => (x, k) => [F.ConvTranspose3d(x[0], x[1], Bias(x), Tuple(k, "stride"), Tuple(k, "padding"),
            Tuple(k, "output_padding"), k.Long("groups", 1), Tuple(k, "dilation"))],
        "unfold" => (x, k) => [F.Unfold(x[0], Tuple(k, "kernel_size"), Tuple(k, "dilation"), Tuple(k, "padding"), Tuple(k, "stride"))],
        "fold" => (x, k) => [F.Fold(x[0], Tuple(k, "output_size"), Tuple(k, "kernel_size"), Tuple(k, "dilation"), Tuple(k, "padding"),
            Tuple(k, "stride"))],
        "double_conv2d_x" => (x, k) => [DoubleConv(x, k, 0)],
        "double_conv2d_w" => (x, k) => [DoubleConv(x, k, 1)],
        "double_conv2d_b" => (x, k) => [DoubleConv(x, k, 2)],
        "double_conv_transpose2d_w" => (x, k) =>
        {
            using var mode = Torch.EnableGrad();
            var y = F.ConvTranspose2d(x[0], x[1], stride: Tuple(k, "stride"), outputPadding: Tuple(k, "output_padding"));
            return [Torch.Autograd.Grad([y.Mul(y).Sum()], [x[1]], createGraph: true)[0]!];
        },
        _ => throw new NotSupportedException(name),
    };

    // d/d(input `which`) of sum(conv2d(x, w, b)^2), kept differentiable so the runner's backward is a second derivative.
    private static Tensor DoubleConv(Tensor[] x, Kwargs k, int which)
    {
        using var mode = Torch.EnableGrad();
        var y = F.Conv2d(x[0], x[1], x[2], Tuple(k, "stride"), Tuple(k, "padding"));
        return Torch.Autograd.Grad([y.Mul(y).Sum()], [x[which]], createGraph: true)[0]!;
    }
}
