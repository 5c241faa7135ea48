using System.Text.Json;
using Flint.NN;
using Flint.Tests.NN;
using Flint.Tests.Parity;
using Flint.Vision;

namespace Flint.Tests.Vision.Models;

/// <summary>
/// The model zoo against torchvision 0.14 (tests/parity/zoo.py): every model's state-dict names and shapes, parameter
/// count and printed form at the default settings, and forward outputs (with input and weight gradients in training)
/// with identical weights, which both sides derive from the same integer hash of each entry's position.
/// </summary>
public class ZooParityTests
{
    private const string Set = "zoo";

    // The VGGs take seconds each to build (130M weights drawn at random): two are built whole, the other six are
    // checked through their feature layers, the only part that differs between them.
    private static readonly string[] VggFeaturesOnly = ["vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19"];

    private static string Id(JsonElement c) => c.GetProperty("id").GetString()!;

    public static IEnumerable<object[]> NameIds => ModuleCases.Ids(Set, c =>
        Id(c).StartsWith("names/", StringComparison.Ordinal) && !VggFeaturesOnly.Contains(c.GetProperty("arch").GetString()));

    public static IEnumerable<object[]> VggFeatureIds => ModuleCases.Ids(Set, c =>
        Id(c).StartsWith("names/", StringComparison.Ordinal) && VggFeaturesOnly.Contains(c.GetProperty("arch").GetString()));

    public static IEnumerable<object[]> ForwardIds => ModuleCases.Ids(Set, c => c.GetProperty("id").GetString()!.StartsWith("forward/", StringComparison.Ordinal));

    /// <summary>The model named as torchvision names its builder, with the fixture's keyword arguments.</summary>
    internal static Module Create(string arch, Kwargs kw)
    {
        long classes = kw.Long("num_classes", arch == "lenet" ? 10 : 1000);
        return arch switch
        {
            "lenet" => new Flint.Vision.Models.LeNet(classes),
            "alexnet" => Flint.Vision.Models.Alexnet(numClasses: classes),
            "vgg11" => Flint.Vision.Models.Vgg11(numClasses: classes),
            "vgg11_bn" => Flint.Vision.Models.Vgg11Bn(numClasses: classes),
            "vgg13" => Flint.Vision.Models.Vgg13(numClasses: classes),
            "vgg13_bn" => Flint.Vision.Models.Vgg13Bn(numClasses: classes),
            "vgg16" => Flint.Vision.Models.Vgg16(numClasses: classes),
            "vgg16_bn" => Flint.Vision.Models.Vgg16Bn(numClasses: classes),
            "vgg19" => Flint.Vision.Models.Vgg19(numClasses: classes),
            "vgg19_bn" => Flint.Vision.Models.Vgg19Bn(numClasses: classes),
            "resnet18" => Flint.Vision.Models.Resnet18(numClasses: classes),
            "resnet34" => Flint.Vision.Models.Resnet34(numClasses: classes),
            "resnet50" => Flint.Vision.Models.Resnet50(numClasses: classes),
            "resnet101" => Flint.Vision.Models.Resnet101(numClasses: classes),
            "resnet152" => Flint.Vision.Models.Resnet152(numClasses: classes),
            "resnext50_32x4d" => Flint.Vision.Models.Resnext50_32x4d(numClasses: classes),
            "wide_resnet50_2" => Flint.Vision.Models.WideResnet50_2(numClasses: classes),
            "unet" => new Flint.Vision.Models.UNet(3, 2, kw.Bool("bilinear"), kw.Long("base_channels", 64)),
            _ => throw new NotSupportedException(arch),
        };
    }

    /// <summary>
    /// The fixtures' weights: element i of state-dict entry k is h / 32768 - 1 with h = (i * 40503 + k * 9973) mod 65536,
    /// scaled per kind of entry exactly as tests/parity/zoo.py scales it.
    /// </summary>
    internal static void Fill(Module m)
    {
        using var _ = Torch.NoGrad();
        int k = 0;
        foreach (var (name, t) in m.StateDict())
        {
            if (!name.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            {
                long n = t.Numel();
                double scale = t.Dim() >= 2 ? Math.Sqrt(6.0 / (n / t.Size(0))) : 0;
                int kind = name.EndsWith("running_var", StringComparison.Ordinal) ? 0
                    : name.EndsWith("running_mean", StringComparison.Ordinal) ? 1
                    : t.Dim() >= 2 ? 2
                    : name.EndsWith("weight", StringComparison.Ordinal) ? 3 : 4;
                var values = new float[n];
                for (long i = 0; i < n; i++)
                {
                    double v = ((i * 40503 + k * 9973L) % 65536 - 32768) / 32768.0;
                    values[i] = (float)(kind switch
                    {
                        0 => 1 + 0.25 * (v + 1),
                        1 => 0.1 * v,
                        2 => v * scale,
                        3 => 1 + 0.1 * v,
                        _ => 0.1 * v,
                    });
                }
                t.Copy_(Torch.FromArray(values, t.Shape.ToArray()));
            }
            k++;
        }
    }

    [Theory]
    [MemberData(nameof(NameIds))]
    public void NamesShapesAndPrintMatchTorchvision(string id)
    {
        var c = FixtureSet.Load(Set).Case(id);
        var m = Create(c.GetProperty("arch").GetString()!, new Kwargs(c.GetProperty("kwargs")));
        var expected = c.GetProperty("state_dict").EnumerateArray()
            .Select(e => (e[0].GetString()!, string.Join(",", e[1].EnumerateArray().Select(d => d.GetInt64())))).ToList();
        var actual = m.StateDict().Select(kv => (kv.Key, string.Join(",", kv.Value.Shape.ToArray()))).ToList();
        Assert.Equal(expected, actual);
        Assert.Equal(c.GetProperty("num_parameters").GetInt64(), m.Parameters().Sum(p => p.Numel()));
        Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
    }

    [Theory]
    [MemberData(nameof(VggFeatureIds))]
    public void VggFeaturesMatchTorchvision(string id)
    {
        var fx = FixtureSet.Load(Set);
        var c = fx.Case(id);
        var arch = c.GetProperty("arch").GetString()!;
        long[] cfg = arch[..5] switch
        {
            "vgg11" => [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
            "vgg13" => [64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
            "vgg16" => [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0],
            _ => [64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0],
        };
        var features = Flint.Vision.Models.MakeLayers(cfg, arch.EndsWith("_bn", StringComparison.Ordinal));
        var expected = c.GetProperty("state_dict").EnumerateArray()
            .Select(e => (e[0].GetString()!, string.Join(",", e[1].EnumerateArray().Select(d => d.GetInt64())))).ToList();
        var actual = features.StateDict("features.").Select(kv => (kv.Key, string.Join(",", kv.Value.Shape.ToArray()))).ToList();
        Assert.Equal(expected.Where(e => e.Item1.StartsWith("features.", StringComparison.Ordinal)), actual);
        // The rest (avgpool, classifier) is common to every VGG: the same as VGG-11's, checked whole above.
        var vgg11 = fx.Case("names/vgg11").GetProperty("state_dict").EnumerateArray()
            .Select(e => (e[0].GetString()!, string.Join(",", e[1].EnumerateArray().Select(d => d.GetInt64()))))
            .Where(e => !e.Item1.StartsWith("features.", StringComparison.Ordinal));
        Assert.Equal(vgg11, expected.Where(e => !e.Item1.StartsWith("features.", StringComparison.Ordinal)));
        Assert.Contains("(features): " + features.ToString().Replace("\n", "\n  "), c.GetProperty("repr").GetString());
    }

    // In training mode BatchNorm normalises the deepest maps over a handful of values (8 per channel at batch 2), which
    // magnifies rounding: float32 training cases get 1e-2 and their float64 twins 1e-7 (eval: 2e-4 and 1e-9).
    [Theory]
    [MemberData(nameof(ForwardIds))]
    public void ForwardAndGradientsMatchTorchvision(string id)
    {
        bool train = id.Contains("/train", StringComparison.Ordinal);
        ModuleCases.Run(Set, id, (c, kw) => Create(c.GetProperty("module").GetString()!, kw),
            (_, m, In) => [((Module<Tensor, Tensor>)m!).Call(In("x")!)], tol: train ? 1e-2 : 2e-4, fill: Fill, tol64: train ? 1e-7 : 1e-9);
    }
}
