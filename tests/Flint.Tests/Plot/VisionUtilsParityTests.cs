using Flint.Tests.Parity;
using Flint.Vision;
using StbImageSharp;

namespace Flint.Tests.Plot;

/// <summary>make_grid and save_image against torchvision 0.14 (tests/parity/plot.py).</summary>
public class VisionUtilsParityTests
{
    public static IEnumerable<object[]> GridCases => FixtureSet.Ids("plot/make_grid");
    public static IEnumerable<object[]> SaveCases => FixtureSet.Ids("plot/save_image");

    private static (double, double)? Range(Kwargs k) =>
        k.Doubles("value_range") is { } r ? (r[0], r[1]) : null;

    private static Tensor Grid(Tensor x, Kwargs k) => Utils.MakeGrid(x, nrow: (int)k.Long("nrow", 8),
        padding: (int)k.Long("padding", 2), normalize: k.Bool("normalize"), valueRange: Range(k),
        scaleEach: k.Bool("scale_each"), padValue: k.Double("pad_value"));

    [Theory]
    [MemberData(nameof(GridCases))]
    public void MakeGridMatchesTorchvision(string id) => ParityRunner.Run("plot/make_grid", id, name => name switch
    {
        "make_grid" => (x, k) => [Grid(x[0], k)],
        _ => throw new NotSupportedException(name),
    });

    [Theory]
    [MemberData(nameof(GridCases))]
    public void MakeGridValuesAreExact(string id)
    {
        var fx = FixtureSet.Load("plot/make_grid");
        var c = fx.Case(id);
        var input = fx.Tensor(c.GetProperty("inputs")[0]);
        var expected = fx.Tensor(c.GetProperty("outputs")[0]);
        var actual = Grid(input, new Kwargs(c.GetProperty("kwargs")));
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.ToArray<double>(), actual.ToArray<double>());
    }

    [Fact]
    public void MakeGridOfAListStacksIt()
    {
        var a = Torch.Rand(3, 2, 2);
        var b = Torch.Rand(3, 2, 2);
        var grid = Utils.MakeGrid([a, b], padding: 1);
        Assert.Equal(Utils.MakeGrid(Torch.Stack([a, b]), padding: 1).ToArray<float>(), grid.ToArray<float>());
        Assert.Equal(new long[] { 3, 4, 7 }, grid.Shape.ToArray());
    }

    [Theory]
    [MemberData(nameof(SaveCases))]
    public void SaveImageWritesTorchvisionsPixels(string id)
    {
        var fx = FixtureSet.Load("plot/save_image");
        var c = fx.Case(id);
        var input = fx.Tensor(c.GetProperty("inputs")[0]);
        var expected = fx.Tensor(c.GetProperty("outputs")[0]);
        var k = new Kwargs(c.GetProperty("kwargs"));
        var path = Path.Combine(Path.GetTempPath(), $"flint_save_image_{id}_{Guid.NewGuid():N}.png");
        try
        {
            Utils.SaveImage(input, path, nrow: (int)k.Long("nrow", 8), padding: (int)k.Long("padding", 2),
                normalize: k.Bool("normalize"), valueRange: Range(k), padValue: k.Double("pad_value"));
            var shape = expected.Shape.ToArray();
            var img = ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.Default);
            Assert.Equal((int)shape[0], img.Height);
            Assert.Equal((int)shape[1], img.Width);
            Assert.Equal(shape[2] == 4 ? ColorComponents.RedGreenBlueAlpha : ColorComponents.RedGreenBlue, img.SourceComp);
            Assert.Equal(expected.ToArray<byte>(), img.Data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SaveImageRecordsNoGradientAndRefusesOtherFormats()
    {
        var x = Torch.Rand(2, 3, 2, 2).RequiresGrad_();
        var path = Path.Combine(Path.GetTempPath(), $"flint_save_image_{Guid.NewGuid():N}.png");
        try
        {
            Utils.SaveImage(x, path);
            Assert.Null(x.Grad);
            Assert.True(File.Exists(path));
        }
        finally
        {
            File.Delete(path);
        }
        var e = Assert.Throws<ArgumentException>(() => Utils.SaveImage(x, "grid.jpg"));
        Assert.Contains("'.jpg'", e.Message);
        e = Assert.Throws<ArgumentException>(() => Utils.SaveImage(Torch.Rand(2, 2, 3, 3), "two.png"));
        Assert.Equal("Cannot handle this data type: (1, 1, 2), |u1", e.Message);
    }
}
