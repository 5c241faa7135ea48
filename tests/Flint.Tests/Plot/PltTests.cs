using Flint.Plot;

namespace Flint.Tests.Plot;

/// <summary>The pyplot state machine, used as the seeds use it (all in one class: pyplot's state is global).</summary>
public class PltTests
{
    [Fact]
    public void SeedActivationScriptPortsLineByLine()
    {
        Plt.CloseAll();
        var x = Torch.Linspace(-5, 5, 200);
        var fig = Plt.Figure(1, figsize: (8, 6));
        Plt.Subplot(221);
        Plt.Plot(x, Torch.Relu(x), color: "red", label: "relu");
        Plt.YLim((-1, 5));
        Plt.Legend(loc: "best");
        Plt.Subplot(222);
        Plt.Plot(x, Torch.Sigmoid(x), color: "red", label: "sigmoid");
        Plt.YLim((-0.2, 1.2));
        Plt.Legend(loc: "best");
        Assert.Same(fig, Plt.Figure(1));
        Assert.Equal(2, fig.Axes.Count);
        Assert.Same(fig.Axes[0], Plt.Subplot(2, 2, 1));
        Assert.Equal((-1.0, 5.0), fig.Axes[0].GetYLim());
        Assert.Equal("upper left", fig.Axes[0].LegendLocation());
        var path = Path.Combine(Path.GetTempPath(), $"flint_plt_{Guid.NewGuid():N}.png");
        try
        {
            Plt.SaveFig(path);
            var img = StbImageSharp.ImageResult.FromMemory(File.ReadAllBytes(path));
            Assert.Equal((800, 600), (img.Width, img.Height));
        }
        finally
        {
            File.Delete(path);
        }
        Plt.Close();
        Assert.Empty(Plt.GetFignums());
    }

    [Fact]
    public void ClaClearsTheAxesForTheNextFrame()
    {
        Plt.CloseAll();
        var fig = Plt.Figure(figsize: (2, 2), dpi: 50);
        Assert.Equal([1], Plt.GetFignums());
        Plt.Scatter(new double[] { 0, 1 }, new double[] { 0, 1 });
        Plt.Plot(new double[] { 0, 1 }, new double[] { 0, 1 }, "r-", linewidth: 5);
        Plt.Title("frame 0");
        Plt.Cla();
        Assert.Equal((0.0, 1.0), Plt.Gca().GetXLim());
        var empty = new Figure(figsize: (2, 2), dpi: 50);
        empty.Gca();
        Assert.Equal(empty.ToImageTensor().ToArray<byte>(), fig.ToImageTensor().ToArray<byte>());
        Plt.Figure(5);
        Assert.Equal([1, 5], Plt.GetFignums());
        Plt.Close(1);
        Assert.Same(Plt.Gcf(), Plt.Figure(5));
        Plt.Clf();
        Assert.Empty(Plt.Gcf().Axes);
        Plt.CloseAll();
        Assert.Empty(Plt.GetFignums());
    }
}
