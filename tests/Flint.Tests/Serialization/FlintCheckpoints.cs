using System.Numerics;

namespace Flint.Tests.Serialization;

/// <summary>
/// The objects Flint saves as committed fixtures (tests/fixtures/serialization/flint_*.pt), built deterministically
/// so the same bytes come out on every run; tests/parity/verify_flint_checkpoints.py loads each in PyTorch.
/// </summary>
internal static class FlintCheckpoints
{
    /// <summary>Deterministic values of a dtype and shape, varied by <paramref name="seed"/>.</summary>
    public static Tensor Values(int seed, DType dtype, params long[] shape) => Values(seed, dtype, false, shape);

    private static Tensor Values(int seed, DType dtype, bool positive, long[] shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        var v = new double[n];
        for (long i = 0; i < n; i++)
        {
            var x = Math.Round(Math.Sin(seed * 1.7 + i * 0.37) * 3, 4);
            v[i] = positive ? Math.Abs(x) : x;
        }
        return Torch.FromArray(v, shape).To(dtype);
    }

    public static OrderedDictionary<string, Tensor> LeNet()
    {
        var sd = new OrderedDictionary<string, Tensor>();
        int seed = 0;
        void Add(string name, params long[] shape) => sd.Add(name, Values(seed++, DType.Float32, shape));
        Add("conv1.weight", 6, 1, 5, 5);
        Add("conv1.bias", 6);
        Add("conv2.weight", 16, 6, 5, 5);
        Add("conv2.bias", 16);
        Add("fc1.weight", 120, 400);
        Add("fc1.bias", 120);
        Add("fc2.weight", 84, 120);
        Add("fc2.bias", 84);
        Add("fc3.weight", 10, 84);
        Add("fc3.bias", 10);
        return sd;
    }

    public static OrderedDictionary<string, Tensor> DTypes() => new()
    {
        ["float32"] = Torch.FromArray([0f, -0f, 1.5f, -2.25f, float.MaxValue, float.Epsilon, float.PositiveInfinity, float.NegativeInfinity, float.NaN]),
        ["float64"] = Torch.FromArray([0.0, -0.0, 0.1, -1e-308, double.MaxValue, double.Epsilon, double.PositiveInfinity, double.NaN]),
        ["float16"] = Torch.FromArray([(Half)0, (Half)(-0.0), (Half)1, Half.MaxValue, Half.Epsilon, (Half)(-3.5), Half.PositiveInfinity, Half.NaN]),
        ["bfloat16"] = Torch.FromArray([BFloat16.FromBits(0), BFloat16.FromBits(0x8000), (BFloat16)1f, BFloat16.FromBits(0x7F7F),
            (BFloat16)(-3.5f), BFloat16.FromBits(0x7F80), BFloat16.FromBits(0x7FC0)]),
        ["int64"] = Torch.FromArray([0L, 1, -1, long.MaxValue, long.MinValue]),
        ["int32"] = Torch.FromArray([0, 1, -1, int.MaxValue, int.MinValue]),
        ["int16"] = Torch.FromArray(new short[] { 0, 1, -1, short.MaxValue, short.MinValue }),
        ["int8"] = Torch.FromArray(new sbyte[] { 0, 1, -1, sbyte.MaxValue, sbyte.MinValue }),
        ["uint8"] = Torch.FromArray(new byte[] { 0, 1, 127, 128, 255 }),
        ["bool"] = Torch.FromArray([true, false, true, true]),
        ["matrix"] = Values(1, DType.Float64, 3, 4),
        ["scalar"] = Torch.ScalarTensor(3.5),
        ["int_scalar"] = Torch.ScalarTensor(7L),
        ["empty"] = Torch.Zeros(0, 3),
        ["empty_int"] = Torch.Zeros(2, 0, dtype: DType.Int32),
    };

    public static Dictionary<string, object?> Views()
    {
        var b = Values(2, DType.Float32, 4, 6);
        var twice = Values(3, DType.Float64, 5);
        var shorts = Torch.Arange(10, dtype: DType.Int16);
        return new()
        {
            ["base"] = b,
            ["row"] = b.Select(0, 1),
            ["col"] = b.Select(1, 2),
            ["t"] = b.T(),
            ["block"] = b.Slice(0, 1, 3).Slice(1, 2, 5),
            ["step"] = b.Slice(0, null, null, 2).Slice(1, null, null, 3),
            ["flat"] = b.View(-1).Slice(0, 5, 11),
            ["expanded"] = Torch.Arange(3.0).Expand(4, 3),
            ["noncontig_alone"] = Values(4, DType.Float32, 3, 4).T(),
            ["offset_only"] = Torch.Arange(10).Slice(0, 7),
            ["permuted"] = Torch.Arange(24, dtype: DType.Int32).View(2, 3, 4).Permute(2, 0, 1),
            ["twice_a"] = twice,
            ["twice_b"] = twice,
            ["shorts"] = new object?[] { shorts, shorts.Slice(0, 2, 5), shorts.Slice(0, null, null, 3) },
        };
    }

    /// <summary>An Adam <c>state_dict()</c> for <c>Sequential(Linear(4, 3), ReLU(), Linear(3, 2))</c>, as PyTorch 1.13 writes it.</summary>
    public static Dictionary<string, object?> Adam()
    {
        long[][] shapes = [[3, 4], [3], [2, 3], [2]];
        var state = new Dictionary<long, object?>();
        for (int i = 0; i < shapes.Length; i++)
            state[i] = new Dictionary<string, object?>
            {
                ["step"] = Torch.ScalarTensor(3.0, DType.Float32),
                ["exp_avg"] = Values(10 + i, DType.Float32, shapes[i]),
                ["exp_avg_sq"] = Values(20 + i, DType.Float32, true, shapes[i]),
            };
        var group = new Dictionary<string, object?>
        {
            ["lr"] = 0.001,
            ["betas"] = (0.9, 0.999),
            ["eps"] = 1e-08,
            ["weight_decay"] = 0,
            ["amsgrad"] = false,
            ["maximize"] = false,
            ["foreach"] = null,
            ["capturable"] = false,
            ["differentiable"] = false,
            ["fused"] = false,
            ["params"] = new List<object?> { 0L, 1L, 2L, 3L },
        };
        return new() { ["state"] = state, ["param_groups"] = new List<object?> { group } };
    }

    public static Dictionary<string, object?> Nested()
    {
        var shared = new List<object?> { 1L, 2L, 3L };
        var recursive = new List<object?>();
        recursive.Add(recursive);
        return new()
        {
            ["ints"] = new List<object?> { 0, 1, 255, 256, 65535, 65536, -1, -129, int.MaxValue, int.MinValue, 2147483648L,
                long.MaxValue, long.MinValue, ulong.MaxValue, BigInteger.Pow(2, 70), -BigInteger.Pow(2, 100),
                BigInteger.Pow(10, 40), BigInteger.Pow(7, 700), (byte)7, (short)-7 },
            ["floats"] = new List<object?> { 0.0, -0.0, 1.5, 1e-300, 1e300, double.PositiveInfinity, double.NegativeInfinity,
                double.NaN, 0.1, 0.1f, (Half)2.5 },
            ["bools"] = (true, false),
            ["none"] = null,
            ["str"] = "h\u00e9llo \u2713 \U0001d11e",
            ["empty_str"] = "",
            ["bytes"] = new byte[] { 0, 1, 255, 97, 98, 99 },
            ["empty_bytes"] = Array.Empty<byte>(),
            ["tuple0"] = Array.Empty<object?>(),
            ["tuple1"] = new object?[] { 1L },
            ["tuple5"] = (1, 2, 3, 4, "five"),
            ["long_array"] = new long[] { 4, 5, 6 },
            ["int_list"] = new List<int> { 7, 8 },
            ["size"] = new Size(2, 3),
            ["size0"] = new Size(),
            ["dev_cpu"] = Device.CPU,
            ["dev_cuda"] = new Device(DeviceType.Cuda, 1),
            ["dtype"] = DType.Float16,
            ["dtypes"] = new List<object?> { DType.Float32, DType.Int64, DType.Bool, DType.BFloat16, DType.UInt8 },
            ["set"] = new HashSet<object?> { 1L, 2L, "a" },
            ["complex"] = new Complex(1.5, -2),
            ["int_keys"] = new Dictionary<long, object?> { [1] = "a", [-5] = "b", [1L << 40] = "c" },
            ["mixed_keys"] = new Dictionary<object, object?> { [1L] = "x", ["k"] = "y", [2.5] = "z" },
            ["odict_int"] = new OrderedDictionary<long, string> { [3] = "c", [1] = "a" },
            ["empty_dict"] = new Dictionary<string, object?>(),
            ["empty_list"] = new List<object?>(),
            ["empty_odict"] = new OrderedDictionary<string, object?>(),
            ["shared_a"] = shared,
            ["shared_b"] = shared,
            ["recursive"] = recursive,
            ["nested"] = new Dictionary<string, object?>
            {
                ["a"] = new Dictionary<string, object?> { ["b"] = new List<object?> { (1, new List<object?> { 2L, null }) } },
            },
            ["tensors"] = new List<object?> { Torch.Arange(3), Torch.ScalarTensor(2.5) },
            ["big_list"] = Enumerable.Range(0, 2500).Select(i => (object?)(long)i).ToList(),
            ["big_dict"] = Enumerable.Range(0, 1200).ToDictionary(i => "k" + i, i => (object?)(long)i),
        };
    }

    public static OrderedDictionary<string, Tensor> Zip64() => new()
    {
        ["w"] = Values(30, DType.Float32, 3, 4),
        ["b"] = Values(31, DType.Int64, 5),
    };

    /// <summary>Name of each Flint-written fixture and how to build the object it holds.</summary>
    public static readonly (string Name, Func<object?> Build)[] All =
    [
        ("flint_lenet", LeNet),
        ("flint_dtypes", DTypes),
        ("flint_views", Views),
        ("flint_adam", Adam),
        ("flint_nested", Nested),
        ("flint_resnet_resaved", () => Torch.Load(TypedJson.Fixture("resnet.pt"))),
        ("flint_legacy_resaved", () => Torch.Load(TypedJson.Fixture("legacy.pt"))),
        ("flint_optimizer_resaved", () => Torch.Load(TypedJson.Fixture("adam.bin"))),
    ];
}
