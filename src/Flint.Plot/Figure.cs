using SkiaSharp;

namespace Flint.Plot;

/// <summary>
/// A figure (matplotlib's <c>matplotlib.figure.Figure</c>): a white page <see cref="Figsize"/> inches at
/// <see cref="Dpi"/> dots per inch, holding subplots laid out on a grid. Saved as PNG with <see cref="SaveFig"/>,
/// or turned into an image tensor with <see cref="ToImageTensor"/> (for <c>SummaryWriter.AddFigure</c>).
/// </summary>
/// <example>
/// <code>
/// var fig = new Figure(figsize: (8, 6));
/// var ax = fig.AddSubplot(2, 2, 1);
/// ax.Plot(x, Torch.Relu(x), color: "red", label: "relu");
/// ax.YLim((-1, 5));
/// ax.Legend(loc: "best");
/// fig.SaveFig("activations.png");
/// </code>
/// </example>
public sealed class Figure
{
    private readonly List<Axes> axes = [];
    private Axes? current;

    /// <summary>Creates an empty figure (<c>Figure(figsize=(6.4, 4.8), dpi=100)</c>).</summary>
    /// <param name="figsize">(width, height) in inches.</param>
    /// <param name="dpi">Dots per inch.</param>
    public Figure((double Width, double Height)? figsize = null, double? dpi = null)
    {
        var (w, h) = figsize ?? (Style.FigWidth, Style.FigHeight);
        double d = dpi ?? Style.Dpi;
        if (!(w > 0 && h > 0 && double.IsFinite(w) && double.IsFinite(h)))
            throw new ArgumentException($"figure size must be positive finite not ({w}, {h})");
        if (!(d > 0 && double.IsFinite(d))) throw new ArgumentException($"dpi must be positive finite not {d}");
        Figsize = (w, h);
        Dpi = d;
    }

    /// <summary>The size in inches (<c>fig.get_size_inches()</c>).</summary>
    public (double Width, double Height) Figsize { get; }

    /// <summary>Dots per inch (<c>fig.dpi</c>).</summary>
    public double Dpi { get; }

    /// <summary>The subplots, in the order they were added (<c>fig.axes</c>).</summary>
    public IReadOnlyList<Axes> Axes => axes;

    /// <summary>
    /// Adds the subplot at <paramref name="index"/> (1-based, row by row) of an <paramref name="nrows"/> ×
    /// <paramref name="ncols"/> grid and makes it current (<c>fig.add_subplot(nrows, ncols, index)</c>).
    /// </summary>
    /// <param name="nrows">Rows of the grid.</param>
    /// <param name="ncols">Columns of the grid.</param>
    /// <param name="index">Which cell, from 1 at the top left to nrows · ncols.</param>
    public Axes AddSubplot(int nrows, int ncols, int index)
    {
        Check(nrows, ncols, index);
        var ax = new Axes(this, nrows, ncols, index);
        axes.Add(ax);
        current = ax;
        return ax;
    }

    /// <summary>Adds a subplot given as three digits, rows–columns–index (<c>fig.add_subplot(221)</c>).</summary>
    /// <param name="pos">A number from 111 to 999.</param>
    public Axes AddSubplot(int pos)
    {
        var (r, c, i) = Digits(pos);
        return AddSubplot(r, c, i);
    }

    /// <summary>The current axes, creating a single subplot when there is none (<c>fig.gca()</c>).</summary>
    public Axes Gca() => current ?? AddSubplot(1, 1, 1);

    /// <summary>Makes <paramref name="ax"/>, one of this figure's axes, current (<c>fig.sca(ax)</c>).</summary>
    /// <param name="ax">The axes.</param>
    public void Sca(Axes ax)
    {
        if (!axes.Contains(ax)) throw new ArgumentException("Axes should be in the figure");
        current = ax;
    }

    /// <summary>Removes every subplot (<c>fig.clf()</c>).</summary>
    public void Clf()
    {
        axes.Clear();
        current = null;
    }

    /// <summary>
    /// The subplot at (<paramref name="nrows"/>, <paramref name="ncols"/>, <paramref name="index"/>), reusing one
    /// already there, as <c>plt.subplot</c> does.
    /// </summary>
    internal Axes Subplot(int nrows, int ncols, int index)
    {
        Check(nrows, ncols, index);
        var ax = axes.FirstOrDefault(a => a.Rows == nrows && a.Cols == ncols && a.Index == index);
        if (ax is null) return AddSubplot(nrows, ncols, index);
        current = ax;
        return ax;
    }

    internal static (int, int, int) Digits(int pos)
    {
        if (pos < 111 || pos > 999)
            throw new ArgumentException($"Integer subplot specification must be a three-digit number, not {pos}");
        return (pos / 100, pos / 10 % 10, pos % 10);
    }

    private static void Check(int nrows, int ncols, int index)
    {
        if (nrows <= 0) throw new ArgumentException($"Number of rows must be a positive integer, not {nrows}");
        if (ncols <= 0) throw new ArgumentException($"Number of columns must be a positive integer, not {ncols}");
        if (index < 1 || index > nrows * ncols)
            throw new ArgumentException($"num must be 1 <= num <= {nrows * ncols}, not {index}");
    }

    /// <summary>The size in pixels at <paramref name="dpi"/> (<c>int(inches · dpi)</c>, as Agg's canvas).</summary>
    private (int W, int H) PixelSize(double dpi) => ((int)(Figsize.Width * dpi), (int)(Figsize.Height * dpi));

    /// <summary>Renders the figure: a white page, then each subplot drawn on a layer of its own.</summary>
    private SKImage Render(double dpi)
    {
        var (w, h) = PixelSize(dpi);
        if (w < 1 || h < 1) throw new ArgumentException($"the figure is {w}x{h} pixels at dpi {dpi}; it must be at least 1x1");
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        surface.Canvas.Clear(SKColors.White);
        foreach (var ax in axes)
        {
            using var layer = SKSurface.Create(info);
            layer.Canvas.Clear(SKColors.Transparent);
            ax.Render(layer.Canvas, w, h, dpi);
            layer.Draw(surface.Canvas, 0, 0, null);
        }
        return surface.Snapshot();
    }

    /// <summary>
    /// Writes the figure as a PNG file (<c>fig.savefig(fname, dpi=)</c>); the format comes from the name's extension,
    /// and only <c>.png</c> (or none, which adds it) is written.
    /// </summary>
    /// <param name="fname">The file path.</param>
    /// <param name="dpi">Dots per inch for this file (default: the figure's).</param>
    public void SaveFig(string fname, double? dpi = null)
    {
        var ext = Path.GetExtension(fname);
        if (ext.Length == 0) fname += ".png";
        else if (!ext.Equals(".png", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Format '{ext[1..]}' is not supported (supported formats: png)");
        File.WriteAllBytes(fname, ToPng(dpi));
    }

    /// <summary>The figure as PNG bytes (<c>savefig(buf, format='png')</c>).</summary>
    /// <param name="dpi">Dots per inch (default: the figure's).</param>
    public byte[] ToPng(double? dpi = null)
    {
        using var image = Render(dpi ?? Dpi);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// The rendered figure as a <c>3 × H × W</c> RGB image tensor, what PyTorch's <c>figure_to_image</c> returns (the
    /// Agg canvas's RGBA with alpha dropped, channels first): uint8 by default, or with a floating
    /// <paramref name="dtype"/> the values divided by 255.
    /// </summary>
    /// <param name="dtype"><see cref="DType.UInt8"/>, or a floating type for values in [0, 1].</param>
    /// <param name="dpi">Dots per inch (default: the figure's).</param>
    public Tensor ToImageTensor(DType dtype = DType.UInt8, double? dpi = null)
    {
        if (dtype != DType.UInt8 && !dtype.IsFloatingPoint())
            throw new ArgumentException($"an image tensor is uint8 or floating point, not {dtype}");
        using var image = Render(dpi ?? Dpi);
        int w = image.Width, h = image.Height;
        // The page is opaque, so premultiplied RGBA is the plain RGBA that Agg's buffer_rgba() gives.
        using var pixmap = image.PeekPixels();
        var rgba = pixmap.GetPixelSpan();
        var chw = new byte[3 * h * w];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < h * w; i++)
                chw[c * h * w + i] = rgba[4 * i + c];
        var t = Torch.FromArray(chw, 3, h, w);
        return dtype == DType.UInt8 ? t : t.To(dtype).Div(255);
    }
}
