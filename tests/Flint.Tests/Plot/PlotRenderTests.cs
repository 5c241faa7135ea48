using Flint.Board;
using Flint.Plot;
using Flint.Tests.Board;
using StbImageSharp;

namespace Flint.Tests.Plot;

/// <summary>
/// The scenarios' plots rendered to PNG and read back: sizes, where the data's pixels are, class colours, image
/// pixels, and TensorBoard's add_figure.
/// </summary>
[Collection("DefaultGenerator")]
public class PlotRenderTests
{
    /// <summary>A rendered figure decoded as RGBA.</summary>
    private sealed class Png(byte[] png)
    {
        private readonly ImageResult img = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        public int Width => img.Width;
        public int Height => img.Height;

        public (byte R, byte G, byte B) this[int x, int y]
        {
            get
            {
                int i = 4 * (y * img.Width + x);
                return (img.Data[i], img.Data[i + 1], img.Data[i + 2]);
            }
        }

        /// <summary>How many pixels in the box around (x, y) have exactly this colour.</summary>
        public int Count((byte, byte, byte) color, int x0, int y0, int x1, int y1)
        {
            int n = 0;
            for (int y = Math.Max(0, y0); y < Math.Min(Height, y1); y++)
                for (int x = Math.Max(0, x0); x < Math.Min(Width, x1); x++)
                    if (this[x, y] == color) n++;
            return n;
        }

        public int Count(Func<(byte R, byte G, byte B), bool> pred, int x0, int y0, int x1, int y1)
        {
            int n = 0;
            for (int y = Math.Max(0, y0); y < Math.Min(Height, y1); y++)
                for (int x = Math.Max(0, x0); x < Math.Min(Width, x1); x++)
                    if (pred(this[x, y])) n++;
            return n;
        }
    }

    /// <summary>
    /// The pixel of data point (x, y) in a single-subplot figure: matplotlib's axes box spans 0.125–0.9 of the width
    /// and 0.11–0.88 of the height, from the bottom.
    /// </summary>
    private static (int X, int Y) PixelOf(Figure fig, Axes ax, double x, double y)
    {
        double w = fig.Figsize.Width * fig.Dpi, h = fig.Figsize.Height * fig.Dpi;
        var (l, r) = ax.GetXLim();
        var (b, t) = ax.GetYLim();
        double px = 0.125 * w + (x - l) / (r - l) * (0.9 - 0.125) * w;
        double py = (1 - 0.11) * h - (y - b) / (t - b) * (0.88 - 0.11) * h;
        return ((int)Math.Round(px), (int)Math.Round(py));
    }

    private static bool IsRed((byte R, byte G, byte B) c) => c.R > 200 && c.G < 60 && c.B < 60;

    [Fact]
    public void RegressionFitDrawsPointsLineAndText()
    {
        Torch.ManualSeed(1);
        var x = Torch.Linspace(-1, 1, 100).Unsqueeze(1);
        var y = x.Pow(2) + Torch.Rand(x.Shape) * 0.2;
        var fig = new Figure();
        var ax = fig.Gca();
        ax.Scatter(x, y);
        ax.Plot(x, x.Pow(2) + 0.1, "r-", linewidth: 5);
        ax.Text(0.5, 0, "Loss=0.0123", fontsize: 20, color: "red");
        var png = new Png(fig.ToPng());
        Assert.Equal((640, 480), (png.Width, png.Height));
        Assert.Equal((255, 255, 255), png[5, 5]);
        // The fit's middle point is under the thick red line; a scatter point is a C0 blue disc.
        var (fx, fy) = PixelOf(fig, ax, 0, 0.1);
        Assert.True(png.Count(IsRed, fx - 2, fy - 2, fx + 3, fy + 3) >= 20);
        var xs = x.ToArray<float>();
        var ys = y.ToArray<float>();
        var (sx, sy) = PixelOf(fig, ax, xs[0], ys[0]);
        Assert.True(png.Count((0x1f, 0x77, 0xb4), sx - 3, sy - 3, sx + 4, sy + 4) >= 9);
        // The text starts at (0.5, 0) and rises above its baseline.
        var (tx, ty) = PixelOf(fig, ax, 0.5, 0);
        Assert.True(png.Count(IsRed, tx, ty - 20, tx + 150, ty) >= 100);
        // Nothing is drawn far from the data: the empty top-left corner of the axes stays white.
        var (ex, ey) = PixelOf(fig, ax, -0.5, 1.1);
        Assert.Equal(0, png.Count(c => c != (255, 255, 255), ex - 5, ey - 5, ex + 5, ey + 5));
    }

    [Fact]
    public void ClassScatterUsesTwoDistinctRdYlGnColours()
    {
        Torch.ManualSeed(2);
        var n = Torch.Ones(100, 2);
        var x = Torch.Cat([Torch.Normal(n * 2, 1), Torch.Normal(n * -2, 1)], 0);
        var y = Torch.Cat([Torch.Zeros(100), Torch.Ones(100)]).Long();
        var fig = new Figure();
        var ax = fig.Gca();
        ax.Scatter(x[.., 0], x[.., 1], c: y, s: 100, linewidths: 0, cmap: "RdYlGn");
        var png = new Png(fig.ToPng());
        var red = ((byte)165, (byte)0, (byte)38);
        var green = ((byte)0, (byte)104, (byte)55);
        int all = png.Count(red, 0, 0, 640, 480);
        Assert.True(all > 2000, $"{all} class-0 pixels");
        Assert.True(png.Count(green, 0, 0, 640, 480) > 2000);
        // Class 0 lies around (2, 2), class 1 around (-2, -2); each point is drawn in its class's colour.
        var xs = x.ToArray<float>();
        for (int i = 0; i < 200; i += 37)
        {
            var (px, py) = PixelOf(fig, ax, xs[2 * i], xs[2 * i + 1]);
            var c = png[px, py];
            Assert.True(c == (i < 100 ? red : green) || c == (i < 100 ? green : red), $"point {i} drawn as {c}");
        }
        var (cx, cy) = PixelOf(fig, ax, 2, 2);
        var (dx, dy) = PixelOf(fig, ax, -2, -2);
        Assert.True(png.Count(red, cx - 40, cy - 40, cx + 40, cy + 40) > png.Count(green, cx - 40, cy - 40, cx + 40, cy + 40));
        Assert.True(png.Count(green, dx - 40, dy - 40, dx + 40, dy + 40) > png.Count(red, dx - 40, dy - 40, dx + 40, dy + 40));
    }

    [Fact]
    public void ActivationGridHasFourPanelsWithRedCurves()
    {
        var x = Torch.Linspace(-5, 5, 200);
        var fig = new Figure(figsize: (8, 6));
        var fns = new Func<Tensor, Tensor>[] { t => t.Relu(), t => t.Sigmoid(), t => t.Tanh(), t => (t.Exp() + 1).Log() };
        string[] names = ["relu", "sigmoid", "tanh", "softplus"];
        for (int i = 0; i < 4; i++)
        {
            var ax = fig.AddSubplot(2, 2, i + 1);
            ax.Plot(x, fns[i](x), color: "red", label: names[i]);
            ax.Legend();
        }
        var png = new Png(fig.ToPng());
        Assert.Equal((800, 600), (png.Width, png.Height));
        for (int i = 0; i < 4; i++)
        {
            int x0 = i % 2 * 400, y0 = i / 2 * 300;
            Assert.True(png.Count(IsRed, x0, y0, x0 + 400, y0 + 300) > 300, $"panel {i} has no curve");
            // A black frame: the left spine of each panel runs down its cell of matplotlib's grid (left 0.125, top
            // 0.88 of the figure; cells 0.775 / 2.2 wide and 0.77 / 2.2 high, 0.2 of a cell apart).
            double cellW = 0.775 * 800 / 2.2, cellH = 0.77 * 600 / 2.2;
            int spineX = (int)(0.125 * 800 + i % 2 * 1.2 * cellW), top = (int)(0.12 * 600 + i / 2 * 1.2 * cellH);
            int frame = png.Count(c => c.R < 60 && c.G < 60 && c.B < 60, spineX - 3, top + 20, spineX + 3, top + (int)cellH - 20);
            Assert.True(frame > 100, $"panel {i} has no frame ({frame})");
        }
        // Between the panels the page stays white.
        Assert.Equal(0, png.Count(c => c != (255, 255, 255), 0, 0, 800, 40));
    }

    [Fact]
    public void ImshowShowsChwAndHwcTensorsPixelForPixel()
    {
        Torch.ManualSeed(3);
        var chw = Torch.Rand(3, 4, 6);
        var a = new Figure();
        var ax = a.Gca();
        ax.Imshow(chw);
        var b = new Figure();
        b.Gca().Imshow(chw.Permute(1, 2, 0));
        var pngA = a.ToPng();
        Assert.Equal(pngA, b.ToPng());
        var png = new Png(pngA);
        var hwc = chw.Permute(1, 2, 0).Contiguous().ToArray<float>();
        for (int row = 0; row < 4; row++)
        {
            for (int col = 0; col < 6; col++)
            {
                var (px, py) = PixelOf(a, ax, col, row);
                int i = 3 * (row * 6 + col);
                var expected = ((byte)(hwc[i] * 255), (byte)(hwc[i + 1] * 255), (byte)(hwc[i + 2] * 255));
                Assert.Equal(expected, png[px, py]);
            }
        }
    }

    [Fact]
    public void ImshowOfUint8AndGrayscale()
    {
        var u8 = Torch.Tensor(new byte[,,] { { { 255, 0, 0 }, { 0, 255, 0 } }, { { 0, 0, 255 }, { 10, 20, 30 } } });
        var fig = new Figure();
        var ax = fig.Gca();
        ax.Imshow(u8);
        var png = new Png(fig.ToPng());
        var (px, py) = PixelOf(fig, ax, 1, 1);
        Assert.Equal(((byte)10, (byte)20, (byte)30), png[px, py]);

        var gray = new Figure();
        var gx = gray.Gca();
        gx.Imshow(Torch.Tensor(new float[,] { { 0, 1 }, { 2, 3 } }), cmap: "gray");
        png = new Png(gray.ToPng());
        (px, py) = PixelOf(gray, gx, 0, 0);
        Assert.Equal(((byte)0, (byte)0, (byte)0), png[px, py]);
        (px, py) = PixelOf(gray, gx, 1, 1);
        Assert.Equal(((byte)255, (byte)255, (byte)255), png[px, py]);
    }

    [Fact]
    public void ToImageTensorIsChwRgb()
    {
        var fig = new Figure(figsize: (2, 1.5), dpi: 50);
        fig.Gca().Plot(new double[] { 0, 1 }, new double[] { 0, 1 });
        var t = fig.ToImageTensor();
        Assert.Equal(DType.UInt8, t.DType);
        Assert.Equal(new long[] { 3, 75, 100 }, t.Shape.ToArray());
        var f = fig.ToImageTensor(DType.Float32);
        Assert.Equal(t.To(DType.Float32).Div(255).ToArray<float>(), f.ToArray<float>());
        var png = new Png(fig.ToPng());
        var data = t.ToArray<byte>();
        Assert.Equal((data[0], data[75 * 100], data[2 * 75 * 100]), png[0, 0]);
        Assert.Equal((100, 75), (png.Width, png.Height));
    }

    [Fact]
    public void SaveFigWritesPngAtTheRequestedDpi()
    {
        var fig = new Figure();
        fig.Gca().Plot(new double[] { 1, 3, 2 });
        var path = Path.Combine(Path.GetTempPath(), $"flint_fig_{Guid.NewGuid():N}.png");
        try
        {
            fig.SaveFig(path, dpi: 50);
            var png = new Png(File.ReadAllBytes(path));
            Assert.Equal((320, 240), (png.Width, png.Height));
        }
        finally
        {
            File.Delete(path);
        }
        var e = Assert.Throws<ArgumentException>(() => fig.SaveFig("out.pdf"));
        Assert.Equal("Format 'pdf' is not supported (supported formats: png)", e.Message);
    }

    [Fact]
    public void AddFigureWritesTheRenderedFigureAsAnRgbImage()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"flint_add_figure_{Guid.NewGuid():N}");
        try
        {
            var fig = new Figure(figsize: (3, 2));
            fig.Gca().Scatter(new double[] { 0, 1, 2 }, new double[] { 2, 0, 1 });
            var expected = fig.ToImageTensor().Permute(1, 2, 0).Contiguous().ToArray<byte>();
            var pair = new[] { new Figure(figsize: (1, 1), dpi: 40), new Figure(figsize: (1, 1), dpi: 40) };
            using (var writer = new SummaryWriter(dir))
            {
                writer.AddFigure("fig", fig, globalStep: 3);
                writer.AddFigure("pair", pair, globalStep: 4);
            }
            var events = EventFileReader.ReadEvents(EventFileReader.EventFileIn(dir));
            var one = events.Single(e => e.Summary?.Value.Any(v => v.Tag == "fig") == true);
            Assert.Equal(3, one.Step);
            var image = one.Summary.Value.Single().Image;
            Assert.Equal((200, 300, 3), (image.Height, image.Width, image.Colorspace));
            var decoded = ImageResult.FromMemory(image.EncodedImageString.ToByteArray(), ColorComponents.Default);
            Assert.Equal(ColorComponents.RedGreenBlue, decoded.SourceComp);
            Assert.Equal(expected, decoded.Data);

            var two = events.Single(e => e.Summary?.Value.Any(v => v.Tag == "pair") == true).Summary.Value.Single().Image;
            Assert.Equal((40, 80, 3), (two.Height, two.Width, two.Colorspace));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void WrongArgumentsGiveMatplotlibsErrors()
    {
        var ax = new Figure().Gca();
        var e = Assert.Throws<ArgumentException>(() => ax.Plot(Torch.Zeros(100, 1), Torch.Zeros(50)));
        Assert.Equal("x and y must have same first dimension, but have shapes (100, 1) and (50,)", e.Message);
        e = Assert.Throws<ArgumentException>(() => ax.Plot(Torch.Zeros(4, 2), Torch.Zeros(4)));
        Assert.StartsWith("x must be 1-D or a single column", e.Message);
        e = Assert.Throws<ArgumentException>(() => ax.Plot(new double[] { 1 }, "rf"));
        Assert.Equal("'rf' is not a valid format string (unrecognized character 'f')", e.Message);
        e = Assert.Throws<ArgumentException>(() => ax.Plot(new double[] { 1 }, "r--:"));
        Assert.Equal("'r--:' is not a valid format string (two linestyle symbols)", e.Message);
        e = Assert.Throws<ArgumentException>(() => ax.Plot(new double[] { 1 }, color: "reddish"));
        Assert.Equal("Invalid RGBA argument: 'reddish'", e.Message);
        e = Assert.Throws<ArgumentException>(() => ax.Scatter(new double[] { 1, 2 }, new double[] { 1 }));
        Assert.Equal("x and y must be the same size", e.Message);
        e = Assert.Throws<ArgumentException>(() => ax.Scatter(new double[] { 1, 2 }, new double[] { 1, 2 }, c: new double[] { 1, 2, 3 }));
        Assert.Equal("'c' argument has 3 elements, which is inconsistent with 'x' and 'y' with size 2.", e.Message);
        e = Assert.Throws<ArgumentException>(() => ax.Scatter(new double[] { 1 }, new double[] { 1 }, c: new double[] { 0 }, cmap: "jet"));
        Assert.StartsWith("'jet' is not a valid value for cmap; supported values are 'viridis'", e.Message);
        e = Assert.Throws<ArgumentException>(() => ax.Imshow(Torch.Zeros(2, 5, 6)));
        Assert.Equal("Invalid shape (2, 5, 6) for image data", e.Message);
        e = Assert.Throws<ArgumentException>(() => ax.Legend(loc: "top"));
        Assert.StartsWith("'top' is not a valid value for loc; supported values are 'upper right'", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Figure().AddSubplot(2, 2, 5));
        Assert.Equal("num must be 1 <= num <= 4, not 5", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Figure().AddSubplot(1000));
        Assert.Equal("Integer subplot specification must be a three-digit number, not 1000", e.Message);
    }

    [Fact]
    public void FormatStringsAndColoursParseAsMatplotlib()
    {
        var f = LineFormat.Parse("r-");
        Assert.Equal(("-", (char?)null, PlotColors.Parse("red")), (f.LineStyle, f.Marker, f.Color!.Value));
        f = LineFormat.Parse("ko");
        Assert.Equal((null, 'o', PlotColors.Parse("black")), (f.LineStyle, f.Marker, f.Color!.Value));
        f = LineFormat.Parse("C2--");
        Assert.Equal(("--", PlotColors.Hex(0x2ca02c)), (f.LineStyle, f.Color!.Value));
        f = LineFormat.Parse("0.5");
        Assert.Equal(PlotColors.Rgb(0.5, 0.5, 0.5), f.Color!.Value);
        Assert.Equal(PlotColors.Hex(0x008000), PlotColors.Parse("green"));
        Assert.Equal(PlotColors.Hex(0x808080), PlotColors.Parse("grey"));
        Assert.Equal(PlotColors.Hex(0x008000), PlotColors.Parse("g"));
        Assert.Equal(PlotColors.Hex(0xff7f0e), PlotColors.Parse("tab:orange"));
        Assert.Equal(PlotColors.Hex(0xaabbcc), PlotColors.Parse("#abc"));
    }

    [Fact]
    public void ColourCycleAdvancesOnlyForLinesWithoutAColour()
    {
        var fig = new Figure(figsize: (2, 2), dpi: 50);
        var ax = fig.Gca();
        ax.Plot(new double[] { 0, 1 }, new double[] { 0, 0 });
        ax.Plot(new double[] { 0, 1 }, new double[] { 1, 1 }, color: "k");
        ax.Plot(new double[] { 0, 1 }, new double[] { 2, 2 });
        var png = new Png(fig.ToPng());
        Assert.True(png.Count((0x1f, 0x77, 0xb4), 0, 0, 100, 100) > 10);
        Assert.True(png.Count((0xff, 0x7f, 0x0e), 0, 0, 100, 100) > 10);
        Assert.Equal(0, png.Count((0x2c, 0xa0, 0x2c), 0, 0, 100, 100));
    }
}
