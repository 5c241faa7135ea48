using System.Text.Json;
using Flint.Vision;
using Flint.Vision.Transforms;

namespace Flint.Tests.Vision;

/// <summary>
/// Random transform parameters drawn from the default generator after <c>Torch.ManualSeed</c> equal torchvision's
/// (same calls, same order, same Mersenne Twister stream); transforms compose as torchvision's do.
/// </summary>
[Collection("DefaultGenerator")]
public class TransformRandomTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Params = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "transforms", "cases.json")));
        return doc.RootElement.GetProperty("params").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("value").Clone());
    });

    private static double[] Values(string id) => Params.Value[id].EnumerateArray()
        .Select(v => v.ValueKind switch { JsonValueKind.True => 1.0, JsonValueKind.False => 0.0, _ => v.GetDouble() }).ToArray();

    [Fact]
    public void RandomParametersFollowTorchvisionsDraws()
    {
        Torch.ManualSeed(3);
        var rrc = new RandomResizedCrop(10).GetParams(37, 45);
        Assert.Equal(Values("rrc"), new double[] { rrc.Top, rrc.Left, rrc.Height, rrc.Width });

        Torch.ManualSeed(4);
        var crop = new RandomCrop(20, 30).GetParams(37, 45);
        Assert.Equal(Values("random_crop"), new double[] { crop.Top, crop.Left, crop.Height, crop.Width });

        Torch.ManualSeed(5);
        var (angle, t, s, sh) = new RandomAffine((-30.0, 30.0), (0.1, 0.2), (0.8, 1.2), [-5.0, 5.0, -3.0, 3.0]).GetParams(45, 37);
        var expected = Values("affine");
        Assert.Equal(expected[0], angle, 5);
        Assert.Equal(expected[1], t.X);
        Assert.Equal(expected[2], t.Y);
        Assert.Equal(expected[3], s, 5);
        Assert.Equal(expected[4], sh.X, 5);
        Assert.Equal(expected[5], sh.Y, 5);

        Torch.ManualSeed(6);
        var (order, b, c, sat, h) = new ColorJitter(0.4, 0.3, 0.5, 0.1).GetParams();
        var j = Values("jitter");
        Assert.Equal(j[..4], order.Select(v => (double)v));
        Assert.Equal(j[4], b!.Value, 5);
        Assert.Equal(j[5], c!.Value, 5);
        Assert.Equal(j[6], sat!.Value, 5);
        Assert.Equal(j[7], h!.Value, 5);

        Torch.ManualSeed(7);
        var flip = new RandomHorizontalFlip();
        var img = Image.New("L", 2, 1, 0);
        img.Data[1] = 9;
        var flips = Enumerable.Range(0, 8).Select(_ => flip.Forward(img).Data[0] == 9 ? 1.0 : 0.0).ToArray();
        Assert.Equal(Values("flips"), flips);

        Torch.ManualSeed(8);
        Assert.Equal(Values("rotation")[0], new RandomRotation((-40.0, 25.0)).GetParams(), 5);

        Torch.ManualSeed(9);
        var er = new RandomErasing().GetParams(Torch.Zeros(3, 37, 45));
        Assert.Equal(Values("erasing"), new double[] { er.I, er.J, er.H, er.W });
    }

    [Fact]
    public void ComposeChainsImageAndTensorTransforms()
    {
        var img = Image.New("RGB", 40, 30, 10, 20, 30);
        var t = new Compose(new Resize(20), new CenterCrop(16), new ToTensor(), new Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]));
        var x = t.Forward<Tensor>(img);
        Assert.Equal([3L, 16, 16], x.Shape.ToArray());
        Assert.Equal((10 / 255f - 0.5f) / 0.5f, x[0, 0, 0].Item<float>(), 6);
        Assert.Equal("Compose(\n    Resize(size=20, interpolation=bilinear, max_size=None, antialias=None)\n    CenterCrop(size=(16, 16))\n    ToTensor()\n    Normalize(mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5])\n)", t.ToString());
        var back = new ToImage().Forward(Torch.Full([3, 2, 2], 0.5));
        Assert.Equal(127, back.Data[0]);
        Assert.Equal("RGB", back.Mode);
        var lambda = new Lambda(o => ((Tensor)o).Mul(2));
        Assert.Equal(2f, lambda.Forward<Tensor>(Torch.Ones(1)).Item<float>());
    }

    [Fact]
    public void ErrorsUseTorchvisionsWords()
    {
        Assert.Equal("std evaluated to zero after conversion to torch.float32, leading to division by zero.",
            Assert.Throws<ArgumentException>(() => Functional.Normalize(Torch.Zeros(3, 2, 2), [0, 0, 0], [1, 0, 1])).Message);
        Assert.Equal("Required crop size (50, 50) is larger than input image size (37, 45)",
            Assert.Throws<ArgumentException>(() => new RandomCrop(50).GetParams(37, 45)).Message);
        Assert.Equal("Requested crop size (40, 40) is bigger than input size (37, 45)",
            Assert.Throws<ArgumentException>(() => Functional.FiveCrop(Torch.Zeros(3, 37, 45), 40, 40)).Message);
        Assert.Equal("img should be PIL Image or Tensor. Got String",
            Assert.Throws<ArgumentException>(() => new RandomHorizontalFlip().Forward((object)"x")).Message);
    }

    [Fact]
    public void RandomCropPadsIfNeededAndRandomErasingErases()
    {
        var crop = new RandomCrop(8, padding: [2], padIfNeeded: true, generator: new Generator().ManualSeed(1));
        Assert.Equal([3L, 8, 8], crop.Forward(Torch.Ones(3, 4, 5)).Shape.ToArray());
        var erase = new RandomErasing(p: 1, generator: new Generator().ManualSeed(2));
        var x = erase.Forward(Torch.Ones(3, 20, 20));
        Assert.True(x.Eq(0).Sum().Item<long>() > 0);
        var blur = new GaussianBlur(3, generator: new Generator().ManualSeed(3)).Forward(Image.New("L", 5, 5, 100));
        Assert.All(blur.Data, v => Assert.Equal(100, v));
    }
}
