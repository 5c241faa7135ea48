using System.Text.Json;
using Flint.Tests.Parity;

namespace Flint.Tests.Tensors;

/// <summary>
/// Creation ops against tests/parity/creation.py: dtype, shape, strides and every value bit for bit; plus PyTorch's
/// errors for bad arguments.
/// </summary>
public class CreationTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("creation");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id)
    {
        var fx = FixtureSet.Load("creation");
        var c = fx.Case(id);
        var k = new Kwargs(c.GetProperty("kwargs"));
        var outs = Run(c.GetProperty("op").GetString()!, k, c.GetProperty("kwargs"));
        var expected = c.GetProperty("outputs").EnumerateArray().ToArray();
        var strides = c.GetProperty("strides").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, outs.Length);
        for (int i = 0; i < outs.Length; i++)
        {
            var e = fx.Tensor(expected[i]);
            var what = $"{id} output {i}";
            Assert.True(e.DType == outs[i].DType, $"{what}: dtype {outs[i].DType}, expected {e.DType}");
            Assert.True(e.Shape == outs[i].Shape, $"{what}: shape {outs[i].Shape}, expected {e.Shape}");
            Assert.Equal(strides[i].EnumerateArray().Select(s => s.GetInt64()).ToArray(), outs[i].Stride());
            var ev = e.ToArray<double>();
            var av = outs[i].ToArray<double>();
            for (int j = 0; j < ev.Length; j++)
                Assert.True(ev[j].Equals(av[j]), $"{what}: element {j} is {av[j]:R}, PyTorch gives {ev[j]:R}");
        }
    }

    [Fact]
    public void ALiteralZeroSizeIsASizeNotADType()
    {
        // torch.zeros(2, 0) is an empty [2, 0] tensor; a literal 0 also converts to DType?, which must not win.
        Assert.Equal(new long[] { 2, 0 }, Torch.Zeros(2, 0).Shape.ToArray());
        Assert.Equal(new long[] { 3, 0, 2 }, Torch.Ones(3, 0, 2).Shape.ToArray());
        Assert.Equal(new long[] { 1, 2, 3, 0 }, Torch.Empty(1, 2, 3, 0).Shape.ToArray());
        var t = Torch.Ones(4, dtype: DType.Float64);
        Assert.Equal(new long[] { 0, 5 }, t.NewZeros(0, 5).Shape.ToArray());
        Assert.Equal(DType.Float64, t.NewOnes(2, 0).DType);
        Assert.Equal(DType.Int64, Torch.Zeros(2, DType.Int64).DType);
        Assert.Equal(new long[] { 2 }, Torch.Zeros(2, DType.Int64).Shape.ToArray());
    }

    private static DType? Dt(Kwargs k) => k.String("dtype") is { } d ? DTypes.Parse(d) : null;

    private static Scalar Num(JsonElement e)
    {
        if (e.ValueKind is JsonValueKind.True or JsonValueKind.False) return e.GetBoolean();
        var raw = e.GetRawText();
        if (e.TryGetInt64(out var l) && !raw.Contains('.') && !raw.Contains('e')) return l;
        return e.GetDouble();
    }

    private static Tensor[] Run(string op, Kwargs k, JsonElement raw)
    {
        var x32 = Torch.Ones(2, dtype: DType.Int32);
        var xt = Torch.Zeros(3, 2, dtype: DType.Float64).T();
        switch (op)
        {
            case "arange":
            {
                var a = raw.GetProperty("args").EnumerateArray().Select(Num).ToArray();
                return [a.Length == 1 ? Torch.Arange(a[0], Dt(k)) : Torch.Arange(a[0], a[1], a.Length > 2 ? a[2] : null, Dt(k))];
            }
            case "linspace": return [Torch.Linspace(k.Double("start"), k.Double("end"), k.Long("steps"), Dt(k))];
            case "logspace": return [Torch.Logspace(k.Double("start"), k.Double("end"), k.Long("steps"), k.Double("base"), Dt(k))];
            case "eye": return [Torch.Eye(k.Long("n"), k.Has("m") ? k.Long("m") : null, Dt(k))];
            case "full": return [Torch.Full(k.Longs("shape")!, Num(raw.GetProperty("value")), Dt(k))];
            case "zeros": return [Torch.Zeros(k.Longs("shape")!, Dt(k))];
            case "ones": return [Torch.Ones(k.Longs("shape")!, Dt(k))];
            case "tensor": return [Torch.Tensor(BuildArray(raw.GetProperty("data"), Dt(k)!.Value))];
            case "tensor_convert": return [Torch.Tensor(BuildArray(raw.GetProperty("data"), Dt(k)!.Value), DType.Float64)];
            case "scalar":
            {
                var v = raw.GetProperty("value");
                var d = Dt(k);
                return [v.ValueKind is JsonValueKind.True or JsonValueKind.False ? Torch.Tensor(v.GetBoolean(), d)
                    : v.GetRawText().Contains('.') ? Torch.Tensor(v.GetDouble(), d) : Torch.Tensor(v.GetInt64(), d)];
            }
            case "new_ones": return [x32.NewOnes(4, 3), x32.NewOnes(2, dtype: DType.Float64)];
            case "new_zeros": return [x32.NewZeros(2, 3, 4), x32.NewZeros(1, 2, 1, 2, dtype: DType.Bool)];
            case "new_full": return [x32.NewFull([2, 2], 7), x32.NewFull([3], 2.9)];
            case "new_tensor": return [x32.NewTensor(new[] { 1.7, -2.2 }), x32.NewTensor(3.5), x32.NewTensor(new[] { 1.5 }, DType.Float64)];
            case "zeros_like": return [Torch.ZerosLike(xt), Torch.ZerosLike(xt, DType.Int32)];
            case "ones_like": return [Torch.OnesLike(xt), Torch.OnesLike(xt, DType.Bool)];
            case "full_like": return [Torch.FullLike(xt, 7), Torch.FullLike(xt.Int(), 2.7)];
            default: throw new NotSupportedException(op);
        }
    }

    /// <summary>A rank-k C# array of the dtype's element type from nested JSON lists.</summary>
    private static Array BuildArray(JsonElement data, DType dtype)
    {
        var shape = new List<int>();
        for (var e = data; e.ValueKind == JsonValueKind.Array; e = e[0]) shape.Add(e.GetArrayLength());
        var arr = Array.CreateInstance(dtype.ClrType(), shape.ToArray());
        var idx = new int[shape.Count];
        void Fill(JsonElement e, int d)
        {
            if (d == shape.Count)
            {
                object v = dtype switch
                {
                    DType.Float32 => (float)e.GetDouble(),
                    DType.Float64 => e.GetDouble(),
                    DType.Float16 => (Half)e.GetDouble(),
                    DType.Int64 => e.GetInt64(),
                    DType.Int32 => e.GetInt32(),
                    DType.Int16 => e.GetInt16(),
                    DType.Int8 => e.GetSByte(),
                    DType.UInt8 => e.GetByte(),
                    _ => e.GetBoolean(),
                };
                arr.SetValue(v, idx);
                return;
            }
            for (int i = 0; i < shape[d]; i++)
            {
                idx[d] = i;
                Fill(e[i], d + 1);
            }
        }
        Fill(data, 0);
        return arr;
    }

    [Theory]
    [InlineData("arange_sign", "upper bound and larger bound inconsistent with step sign")]
    [InlineData("arange_zero", "step must be nonzero")]
    [InlineData("arange_inf", "unsupported range: 0 -> inf")]
    [InlineData("arange_int_step", "step must be nonzero")]
    [InlineData("linspace_neg", "number of steps must be non-negative")]
    [InlineData("eye_n", "n must be greater or equal to 0, got -1")]
    [InlineData("eye_m", "m must be greater or equal to 0, got -1")]
    [InlineData("full_u8", "value cannot be converted to type uint8_t without overflow")]
    [InlineData("full_f32", "value cannot be converted to type float without overflow")]
    [InlineData("full_i64", "value cannot be converted to type int64_t without overflow")]
    [InlineData("full_half", "value cannot be converted to type at::Half without overflow")]
    [InlineData("full_nan_int", "value cannot be converted to type int without overflow")]
    [InlineData("zeros_neg", "Trying to create tensor with negative dimension -1: [-1]")]
    [InlineData("tensor_u8", "value cannot be converted to type uint8 without overflow")]
    [InlineData("tensor_i32", "value cannot be converted to type int32 without overflow")]
    public void ErrorsAsPyTorch(string what, string message)
    {
        Action act = what switch
        {
            "arange_sign" => () => Torch.Arange(0, 10, -1),
            "arange_zero" => () => Torch.Arange(0, 10, 0),
            "arange_inf" => () => Torch.Arange(0, double.PositiveInfinity),
            "arange_int_step" => () => Torch.Arange(0.5, 3.9, 0.7, DType.Int64),
            "linspace_neg" => () => Torch.Linspace(0, 1, -1),
            "eye_n" => () => Torch.Eye(-1),
            "eye_m" => () => Torch.Eye(2, -1),
            "full_u8" => () => Torch.Full([2], 300, DType.UInt8),
            "full_f32" => () => Torch.Full([2], 1e40, DType.Float32),
            "full_i64" => () => Torch.Full([2], 1e20, DType.Int64),
            "full_half" => () => Torch.Full([2], 70000, DType.Float16),
            "full_nan_int" => () => Torch.Full([2], double.NaN, DType.Int32),
            "zeros_neg" => () => Torch.Zeros(-1),
            "tensor_u8" => () => Torch.Tensor(300, DType.UInt8),
            "tensor_i32" => () => Torch.Tensor(1e20, DType.Int32),
            _ => throw new NotSupportedException(what),
        };
        var ex = Assert.ThrowsAny<Exception>(act);
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void UnsupportedDtypesNameTheKernel()
    {
        Assert.Equal("\"arange_cpu\" not implemented for 'Bool'", Assert.Throws<NotSupportedException>(() => Torch.Arange(5, DType.Bool)).Message);
        Assert.Equal("\"linspace_cpu\" not implemented for 'Bool'", Assert.Throws<NotSupportedException>(() => Torch.Linspace(0, 1, 3, DType.Bool)).Message);
        Assert.Equal("\"logspace_cpu\" not implemented for 'Half'", Assert.Throws<NotSupportedException>(() => Torch.Logspace(0, 1, 3, dtype: DType.Float16)).Message);
    }

    [Fact]
    public void NumberTensorsOverflowFloatsToInfinityAsPyTorch()
    {
        Assert.Equal(float.PositiveInfinity, Torch.Tensor(1e40, DType.Float32).Item<float>());
        Assert.Equal(Half.PositiveInfinity, Torch.Tensor(1e6, DType.Float16).Item<Half>());
        Assert.Equal(2L, Torch.Tensor(2.5, DType.Int64).Item<long>());
        Assert.Equal((byte)255, Torch.Tensor(-1, DType.UInt8).Item<byte>());
        Assert.True(Torch.Tensor(5, DType.Bool).Item<bool>());
    }

    [Fact]
    public void NegativeIntegersWrapIntoUInt8AsInPyTorch()
    {
        Assert.Equal(new byte[] { 255, 255 }, Torch.Full([2], -1, DType.UInt8).ToArray<byte>());
        Assert.Equal(new byte[] { 1 }, Torch.Full([1], -255, DType.UInt8).ToArray<byte>());
        Assert.Throws<ArgumentException>(() => Torch.Full([1], -257, DType.UInt8));
    }

    [Fact]
    public void CreationHonoursRequiresGradAndDevice()
    {
        var a = Torch.Arange(0.0, 3.0, requiresGrad: true);
        Assert.True(a.RequiresGrad);
        Assert.True(a.IsLeaf);
        Assert.Equal(Device.CPU, Torch.Linspace(0, 1, 4, device: Device.CPU).Device);
        Assert.Throws<InvalidOperationException>(() => Torch.Arange(3, requiresGrad: true));
    }
}
