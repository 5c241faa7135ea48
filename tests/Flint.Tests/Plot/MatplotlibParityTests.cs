using System.Text.Json;
using Flint.Plot;

namespace Flint.Tests.Plot;

/// <summary>Colormaps, ticks, autoscaled limits and legend placement against matplotlib (tests/parity/plot.py).</summary>
public class MatplotlibParityTests
{
    private static readonly Lazy<JsonElement> Fixture = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "plot", "matplotlib.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.Clone();
    });

    private static double[] Doubles(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];

    [Theory]
    [InlineData("viridis")]
    [InlineData("viridis_r")]
    [InlineData("gray")]
    [InlineData("gray_r")]
    [InlineData("RdYlGn")]
    [InlineData("RdYlGn_r")]
    public void ColormapEntriesMatchMatplotlib(string name)
    {
        var c = Fixture.Value.GetProperty("colormaps").GetProperty(name);
        var xs = Doubles(c.GetProperty("x"));
        var bytes = c.GetProperty("bytes").EnumerateArray().ToArray();
        var floats = c.GetProperty("float").EnumerateArray().ToArray();
        var map = Colormap.Get(name);
        var rgba = new byte[4];
        for (int i = 0; i < xs.Length; i++)
        {
            map.Bytes(xs[i], rgba);
            Assert.Equal(bytes[i].EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray(), rgba);
            var f = Doubles(floats[i]);
            var color = map[xs[i]];
            Assert.Equal(PlotColors.ToByte(f[0]), color.R);
            Assert.Equal(PlotColors.ToByte(f[1]), color.G);
            Assert.Equal(PlotColors.ToByte(f[2]), color.B);
        }
    }

    [Fact]
    public void TicksAndLabelsMatchAutoLocatorAndScalarFormatter()
    {
        foreach (var c in Fixture.Value.GetProperty("ticks").EnumerateArray())
        {
            double lo = c.GetProperty("vmin").GetDouble(), hi = c.GetProperty("vmax").GetDouble();
            bool isX = c.GetProperty("is_x").GetBoolean();
            int nbins = Ticks.TickSpace(c.GetProperty("length").GetDouble(), 10, isX);
            var (locs, labels) = Ticks.Make(lo, hi, nbins);
            var expected = Doubles(c.GetProperty("ticks"));
            string what = $"({lo}, {hi}) {(isX ? "x" : "y")}";
            Assert.True(expected.Length == locs.Length, $"{what}: ticks [{string.Join(", ", locs)}], matplotlib [{string.Join(", ", expected)}]");
            for (int i = 0; i < locs.Length; i++)
                Assert.True(Math.Abs(expected[i] - locs[i]) <= 1e-9 * Math.Max(1, Math.Abs(hi - lo)), $"{what}: tick {i} {locs[i]} vs {expected[i]}");
            // The formatter's offset (e.g. "+3") is not drawn by Flint.Plot: those labels differ by design.
            if (c.GetProperty("offset").GetString() == "")
                Assert.Equal(c.GetProperty("labels").EnumerateArray().Select(v => v.GetString()!).ToArray(), labels);
        }
    }

    [Fact]
    public void ActivationSubplotsHaveMatplotlibsLimitsAndBestLegends()
    {
        var x = Torch.Linspace(-5, 5, 200);
        var fig = new Figure(figsize: (8, 6));
        var fns = new Func<Tensor, Tensor>[] { t => t.Relu(), t => t.Sigmoid(), t => t.Tanh(), t => (t.Exp() + 1).Log() };
        var p8 = Fixture.Value.GetProperty("scenes").GetProperty("p8").EnumerateArray().ToArray();
        for (int i = 0; i < 4; i++)
        {
            var ax = fig.AddSubplot(221 + i);
            ax.Plot(x, fns[i](x), color: "red", label: p8[i].GetProperty("name").GetString());
            var ylim = Doubles(p8[i].GetProperty("ylim"));
            ax.YLim((ylim[0], ylim[1]));
            ax.Legend(loc: "best");
            var xlim = Doubles(p8[i].GetProperty("xlim"));
            var (l, r) = ax.GetXLim();
            Assert.Equal(xlim[0], l, 1e-6);
            Assert.Equal(xlim[1], r, 1e-6);
            Assert.Equal((ylim[0], ylim[1]), ax.GetYLim());
            Assert.Equal(p8[i].GetProperty("legend").GetString(), ax.LegendLocation());
        }
    }

    [Fact]
    public void ScatterAutoscalesWithMatplotlibsMargins()
    {
        var p2 = Fixture.Value.GetProperty("scenes").GetProperty("p2");
        var ax = new Figure().Gca();
        ax.Scatter(Doubles(p2.GetProperty("x")), Doubles(p2.GetProperty("y")));
        var (xl, xr) = ax.GetXLim();
        var (yb, yt) = ax.GetYLim();
        var ex = Doubles(p2.GetProperty("xlim"));
        var ey = Doubles(p2.GetProperty("ylim"));
        Assert.Equal(ex[0], xl, 1e-9);
        Assert.Equal(ex[1], xr, 1e-9);
        Assert.Equal(ey[0], yb, 1e-9);
        Assert.Equal(ey[1], yt, 1e-9);
    }

    [Fact]
    public void ImageLimitsStickToItsEdgesWithRowZeroOnTop()
    {
        var s = Fixture.Value.GetProperty("scenes").GetProperty("imshow");
        var ax = new Figure().Gca();
        ax.Imshow(Torch.Zeros(s.GetProperty("h").GetInt32(), s.GetProperty("w").GetInt32(), 3));
        var line = s.GetProperty("line").EnumerateArray().Select(Doubles).ToArray();
        ax.Plot(line[0], line[1]);
        var ex = Doubles(s.GetProperty("xlim"));
        var ey = Doubles(s.GetProperty("ylim"));
        Assert.Equal((ex[0], ex[1]), ax.GetXLim());
        Assert.Equal((ey[0], ey[1]), ax.GetYLim());
    }
}
