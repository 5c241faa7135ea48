using System.Text.Json;
using Flint.NN;
using Flint.Tests.Parity;

namespace Flint.Tests.NN;

/// <summary>
/// The convolution, pooling, padding and resampling layers against tests/parity/nn_conv_layers.py: each is built after
/// <c>Torch.ManualSeed(seed)</c> (in the DefaultGenerator collection, so no other test draws in between) and must print PyTorch's repr, hold PyTorch's default-initialised weight and bias, and
/// give PyTorch's output and input/weight/bias gradients.
/// </summary>
[Collection("DefaultGenerator")]
public class ConvLayerParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("nn_conv_layers");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("nn_conv_layers", id, _ => Run);

    private static Tensor[] Run(Tensor[] x, Kwargs k)
    {
        var args = k.Json("args").EnumerateArray().ToArray();
        var kw = k.Json("kwargs");
        var dtype = k.String("dtype") == "float64" ? DType.Float64 : (DType?)null;
        Torch.ManualSeed(k.Long("seed"));
        var m = Build(k.String("ctor")!, args, kw, dtype);
        Assert.Equal(k.String("repr"), m.ToString());
        var fwd = k.Json("forward");
        Tensor y = m switch
        {
            ConvTransposeNd t when fwd.TryGetProperty("output_size", out var os) =>
                t.Forward(x[0], os.EnumerateArray().Select(e => e.GetInt64()).ToArray()),
            Module<Tensor, Tensor> one => one.Forward(x[0]),
            Module<Tensor, Tensor, Tensor> two => two.Forward(x[0], x[1]),
            _ => throw new NotSupportedException(m.GetType().Name),
        };
        return [y, .. m.Parameters()];
    }

    private static IntTuple T(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(v => v.GetInt64()).ToArray() : e.GetInt64();

    private static IntTuple T(JsonElement kw, string name) => kw.TryGetProperty(name, out var e) ? T(e) : default;

    private static bool B(JsonElement kw, string name, bool fallback) => kw.TryGetProperty(name, out var e) ? e.GetBoolean() : fallback;

    private static long L(JsonElement kw, string name, long fallback) => kw.TryGetProperty(name, out var e) ? e.GetInt64() : fallback;

    private static string S(JsonElement kw, string name, string fallback) => kw.TryGetProperty(name, out var e) ? e.GetString()! : fallback;

    private static ConvPadding P(JsonElement kw) =>
        !kw.TryGetProperty("padding", out var e) ? default : e.ValueKind == JsonValueKind.String ? e.GetString()! : T(e);

    private static FloatTuple Scale(JsonElement kw) =>
        !kw.TryGetProperty("scale_factor", out var e) ? default
        : e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(v => v.GetDouble()).ToArray() : e.GetDouble();

    private static Scalar Number(JsonElement e) => e.GetRawText().Contains('.') ? (Scalar)e.GetDouble() : (Scalar)e.GetInt64();

    private static Module Build(string ctor, JsonElement[] a, JsonElement kw, DType? dtype) => ctor switch
    {
        "Conv1d" => new Conv1d(a[0].GetInt64(), a[1].GetInt64(), T(a[2]), T(kw, "stride"), P(kw), T(kw, "dilation"), L(kw, "groups", 1),
            B(kw, "bias", true), S(kw, "padding_mode", "zeros"), dtype: dtype),
        "Conv2d" => new Conv2d(a[0].GetInt64(), a[1].GetInt64(), T(a[2]), T(kw, "stride"), P(kw), T(kw, "dilation"), L(kw, "groups", 1),
            B(kw, "bias", true), S(kw, "padding_mode", "zeros"), dtype: dtype),
        "Conv3d" => new Conv3d(a[0].GetInt64(), a[1].GetInt64(), T(a[2]), T(kw, "stride"), P(kw), T(kw, "dilation"), L(kw, "groups", 1),
            B(kw, "bias", true), S(kw, "padding_mode", "zeros"), dtype: dtype),
        "ConvTranspose1d" => new ConvTranspose1d(a[0].GetInt64(), a[1].GetInt64(), T(a[2]), T(kw, "stride"), T(kw, "padding"),
            T(kw, "output_padding"), L(kw, "groups", 1), B(kw, "bias", true), T(kw, "dilation"), dtype: dtype),
        "ConvTranspose2d" => new ConvTranspose2d(a[0].GetInt64(), a[1].GetInt64(), T(a[2]), T(kw, "stride"), T(kw, "padding"),
            T(kw, "output_padding"), L(kw, "groups", 1), B(kw, "bias", true), T(kw, "dilation"), dtype: dtype),
        "ConvTranspose3d" => new ConvTranspose3d(a[0].GetInt64(), a[1].GetInt64(), T(a[2]), T(kw, "stride"), T(kw, "padding"),
            T(kw, "output_padding"), L(kw, "groups", 1), B(kw, "bias", true), T(kw, "dilation"), dtype: dtype),
        "MaxPool1d" => new MaxPool1d(T(a[0]), T(kw, "stride"), T(kw, "padding"), T(kw, "dilation"), B(kw, "return_indices", false),
            B(kw, "ceil_mode", false)),
        "MaxPool2d" => new MaxPool2d(T(a[0]), T(kw, "stride"), T(kw, "padding"), T(kw, "dilation"), B(kw, "return_indices", false),
            B(kw, "ceil_mode", false)),
        "AvgPool1d" => new AvgPool1d(T(a[0]), T(kw, "stride"), T(kw, "padding"), B(kw, "ceil_mode", false), B(kw, "count_include_pad", true)),
        "AvgPool2d" => new AvgPool2d(T(a[0]), T(kw, "stride"), T(kw, "padding"), B(kw, "ceil_mode", false), B(kw, "count_include_pad", true),
            kw.TryGetProperty("divisor_override", out var d) ? d.GetInt64() : null),
        "AdaptiveAvgPool1d" => new AdaptiveAvgPool1d(T(a[0])),
        "AdaptiveAvgPool2d" => new AdaptiveAvgPool2d(T(a[0])),
        "AdaptiveMaxPool1d" => new AdaptiveMaxPool1d(T(a[0]), B(kw, "return_indices", false)),
        "AdaptiveMaxPool2d" => new AdaptiveMaxPool2d(T(a[0]), B(kw, "return_indices", false)),
        "MaxUnpool2d" => new MaxUnpool2d(T(a[0]), T(kw, "stride"), T(kw, "padding")),
        "ZeroPad2d" => new ZeroPad2d(T(a[0])),
        "ConstantPad1d" => new ConstantPad1d(T(a[0]), Number(a[1])),
        "ConstantPad3d" => new ConstantPad3d(T(a[0]), Number(a[1])),
        "ReflectionPad1d" => new ReflectionPad1d(T(a[0])),
        "ReflectionPad2d" => new ReflectionPad2d(T(a[0])),
        "ReflectionPad3d" => new ReflectionPad3d(T(a[0])),
        "ReplicationPad1d" => new ReplicationPad1d(T(a[0])),
        "ReplicationPad2d" => new ReplicationPad2d(T(a[0])),
        "ReplicationPad3d" => new ReplicationPad3d(T(a[0])),
        "Upsample" => new Upsample(T(kw, "size"), Scale(kw), S(kw, "mode", "nearest"),
            kw.TryGetProperty("align_corners", out var ac) ? ac.GetBoolean() : null),
        "UpsamplingNearest2d" => new UpsamplingNearest2d(T(kw, "size"), Scale(kw)),
        "UpsamplingBilinear2d" => new UpsamplingBilinear2d(T(kw, "size"), Scale(kw)),
        "PixelShuffle" => new PixelShuffle(a[0].GetInt64()),
        "PixelUnshuffle" => new PixelUnshuffle(a[0].GetInt64()),
        "Unfold" => new Unfold(T(a[0]), T(kw, "dilation"), T(kw, "padding"), T(kw, "stride")),
        "Fold" => new Fold(T(a[0]), T(a[1]), T(kw, "dilation"), T(kw, "padding"), T(kw, "stride")),
        _ => throw new NotSupportedException(ctor),
    };
}
