using ScottPlot;
using SkiaSharp;
using SPColor = ScottPlot.Color;

namespace Flint.Plot;

/// <summary>
/// One subplot of a <see cref="Figure"/> (matplotlib's <c>matplotlib.axes.Axes</c>): lines, scatter points, images and
/// text in data coordinates, with matplotlib's default look — autoscaled limits with 5% margins, ticks from
/// <c>AutoLocator</c>, a frame of four spines, no grid, the tab10 colour cycle and a legend placed where it covers the
/// least data. Drawn by ScottPlot when the figure is saved.
/// </summary>
public sealed class Axes
{
    private readonly List<Artist> artists = [];
    private int lineCycle, patchCycle;
    private double? xMin, xMax, yMin, yMax;
    private bool yInverted, aspectEqual, grid;
    private string title = "", xLabel = "", yLabel = "";
    private double titleSize = Style.TitleSize, xLabelSize = Style.FontSize, yLabelSize = Style.FontSize;
    private (string Loc, double FontSize)? legend;

    internal Axes(Figure figure, int nrows, int ncols, int index)
    {
        Figure = figure;
        (Rows, Cols, Index) = (nrows, ncols, index);
    }

    /// <summary>The figure this axes belongs to (<c>ax.figure</c>).</summary>
    public Figure Figure { get; }

    internal int Rows { get; }
    internal int Cols { get; }
    internal int Index { get; }

    /// <summary>
    /// Draws <paramref name="y"/> against its index 0, 1, 2, … (<c>ax.plot(y, fmt)</c>).
    /// </summary>
    /// <inheritdoc cref="Plot(ArrayLike, ArrayLike, string, string?, string?, double?, string?, string?, double?)"/>
    public void Plot(ArrayLike y, string fmt = "", string? color = null, string? label = null, double? linewidth = null,
        string? linestyle = null, string? marker = null, double? markersize = null)
    {
        var ys = y.Column("y");
        Plot(Enumerable.Range(0, ys.Length).Select(i => (double)i).ToArray(), y, fmt, color, label, linewidth, linestyle,
            marker, markersize);
    }

    /// <summary>
    /// Draws a line through the points (x[i], y[i]) (<c>ax.plot(x, y, fmt, color=, label=, linewidth=, ...)</c>): each
    /// of <paramref name="x"/> and <paramref name="y"/> 1-D or one column (<c>N × 1</c>), as long as the other. Points
    /// with a NaN or infinite coordinate break the line. matplotlib's aliases <c>c</c> and <c>lw</c> are
    /// <paramref name="color"/> and <paramref name="linewidth"/> here.
    /// </summary>
    /// <param name="x">The x coordinates.</param>
    /// <param name="y">The y coordinates.</param>
    /// <param name="fmt">A format string such as <c>"r-"</c>, <c>"ko"</c>, <c>"C1--"</c>: colour, line style, marker.</param>
    /// <param name="color">The colour (<c>'red'</c>, <c>'r'</c>, <c>'C0'</c>, <c>'#ff0000'</c>); by default the next of
    /// the colour cycle.</param>
    /// <param name="label">The legend entry; none when null or starting with <c>_</c>.</param>
    /// <param name="linewidth">The width in points (<c>lines.linewidth</c>, 1.5).</param>
    /// <param name="linestyle"><c>-</c>, <c>--</c>, <c>-.</c>, <c>:</c> or <c>None</c>; overrides the format string's.</param>
    /// <param name="marker">A marker symbol (<c>o . s ^ v D + x * | _ ,</c>); overrides the format string's.</param>
    /// <param name="markersize">The marker size in points (<c>lines.markersize</c>, 6).</param>
    public void Plot(ArrayLike x, ArrayLike y, string fmt = "", string? color = null, string? label = null,
        double? linewidth = null, string? linestyle = null, string? marker = null, double? markersize = null)
    {
        var xs = x.Column("x");
        var ys = y.Column("y");
        if (xs.Length != ys.Length)
            throw new ArgumentException(
                $"x and y must have same first dimension, but have shapes {x.ShapeText} and {y.ShapeText}");
        var format = LineFormat.Parse(fmt);
        var style = linestyle is null ? format.LineStyle : LineFormat.NormalizeStyle(linestyle);
        char? mark = format.Marker;
        if (marker is not null)
        {
            var m = LineFormat.Parse(marker);
            if (marker.Length != 1 || m.Marker is null)
                throw new ArgumentException($"Unrecognized marker style '{marker}'");
            mark = m.Marker;
        }
        var c = color is not null ? PlotColors.Parse(color) : format.Color ?? PlotColors.Cycle[lineCycle++ % PlotColors.Cycle.Length];
        artists.Add(new LineArtist(xs, ys)
        {
            Color = c,
            LineStyle = style,
            LineWidth = linewidth ?? Style.LineWidth,
            Marker = mark,
            MarkerSize = markersize ?? Style.MarkerSize,
            Label = label,
        });
    }

    /// <summary>
    /// Draws a marker at each point (x[i], y[i]) (<c>ax.scatter(x, y, s=, c=, marker=, cmap=, vmin=, vmax=, alpha=,
    /// linewidths=, label=)</c>); <paramref name="x"/> and <paramref name="y"/> of any shape with the same number of
    /// values (flattened, as matplotlib does). Colours: <paramref name="c"/> values mapped through
    /// <paramref name="cmap"/> between <paramref name="vmin"/> and <paramref name="vmax"/> (by default their least and
    /// greatest), or one <paramref name="color"/>, or the next colour of the cycle. matplotlib's <c>lw</c> is
    /// <paramref name="linewidths"/>: markers have an edge of their own colour that wide, so each is
    /// <c>sqrt(s) + linewidths</c> points across.
    /// </summary>
    /// <param name="x">The x coordinates.</param>
    /// <param name="y">The y coordinates.</param>
    /// <param name="s">The marker area in points² (<c>lines.markersize ** 2</c>, 36).</param>
    /// <param name="c">One value per point, coloured by <paramref name="cmap"/> (e.g. class labels).</param>
    /// <param name="color">One colour for every point, when <paramref name="c"/> is not given.</param>
    /// <param name="marker">The marker symbol (<c>o</c> by default).</param>
    /// <param name="cmap">The colormap name for <paramref name="c"/>: <c>viridis</c> (default), <c>RdYlGn</c>,
    /// <c>gray</c>, each also reversed with <c>_r</c>.</param>
    /// <param name="vmin">The value drawn with the colormap's first colour.</param>
    /// <param name="vmax">The value drawn with the colormap's last colour.</param>
    /// <param name="alpha">Opacity in [0, 1].</param>
    /// <param name="linewidths">The marker edge width in points (<c>lines.linewidth</c>, 1.5).</param>
    /// <param name="label">The legend entry.</param>
    public void Scatter(ArrayLike x, ArrayLike y, double? s = null, ArrayLike? c = null, string? color = null,
        string marker = "o", string? cmap = null, double? vmin = null, double? vmax = null, double? alpha = null,
        double? linewidths = null, string? label = null)
    {
        var xs = x.Values;
        var ys = y.Values;
        if (xs.Length != ys.Length) throw new ArgumentException("x and y must be the same size");
        var m = LineFormat.Parse(marker);
        if (marker.Length != 1 || m.Marker is null) throw new ArgumentException($"Unrecognized marker style '{marker}'");
        SPColor[] colors;
        if (c is { } values)
        {
            var cv = values.Values;
            if (cv.Length != xs.Length)
                throw new ArgumentException(
                    $"'c' argument has {cv.Length} elements, which is inconsistent with 'x' and 'y' with size {xs.Length}.");
            var map = Colormap.Get(cmap ?? Style.Cmap);
            var (lo, hi) = Norm(cv, vmin, vmax);
            colors = [.. cv.Select(v => map[hi == lo ? 0 : (v - lo) / (hi - lo)])];
        }
        else
        {
            var one = color is not null ? PlotColors.Parse(color) : PlotColors.Cycle[patchCycle++ % PlotColors.Cycle.Length];
            colors = [.. Enumerable.Repeat(one, xs.Length)];
        }
        if (alpha is { } a)
            for (int i = 0; i < colors.Length; i++) colors[i] = colors[i].WithAlpha(colors[i].A / 255.0 * a);
        double area = s ?? Style.MarkerSize * Style.MarkerSize;
        artists.Add(new ScatterArtist(xs, ys, colors)
        {
            Marker = m.Marker.Value,
            Size = Math.Sqrt(area) + (linewidths ?? Style.LineWidth),
            Label = label,
        });
    }

    /// <summary><c>Normalize(vmin, vmax)</c> limits: the given ones, else the finite least and greatest value.</summary>
    private static (double Lo, double Hi) Norm(double[] values, double? vmin, double? vmax)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        double lo = vmin ?? (finite.Length > 0 ? finite.Min() : 0);
        double hi = vmax ?? (finite.Length > 0 ? finite.Max() : 0);
        if (lo > hi) throw new ArgumentException("minvalue must be less than or equal to maxvalue");
        return (lo, hi);
    }

    /// <summary>
    /// Shows an image (<c>ax.imshow(X, cmap=, vmin=, vmax=)</c>): <c>H × W</c> values coloured by <paramref name="cmap"/>
    /// (viridis by default; <c>gray</c> for grayscale), or <c>H × W × 3</c> (RGB) / <c>H × W × 4</c> (RGBA) colours —
    /// floats in [0, 1] or integers in [0, 255], values outside clipped. A tensor in PyTorch's <c>C × H × W</c> layout
    /// (1, 3 or 4 channels first, and not 1, 3 or 4 last) is taken as such, so <c>images[0]</c> shows as
    /// <c>images[0].permute(1, 2, 0)</c> does. Pixel centres lie at integer coordinates, row 0 at the top, and the
    /// axes keep square pixels (<c>aspect='equal'</c>).
    /// </summary>
    /// <param name="X">The image tensor.</param>
    /// <param name="cmap">The colormap of a one-channel image.</param>
    /// <param name="vmin">The value drawn with the colormap's first colour (default: the least value).</param>
    /// <param name="vmax">The value drawn with the colormap's last colour (default: the greatest value).</param>
    public void Imshow(Tensor X, string? cmap = null, double? vmin = null, double? vmax = null)
    {
        ArgumentNullException.ThrowIfNull(X);
        var img = X.Detach();
        var shape = img.Shape.ToArray();
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        if (shape.Length == 3 && shape[2] is not (1 or 3 or 4) && shape[0] is 1 or 3 or 4)
        {
            img = img.Permute(1, 2, 0);
            shape = img.Shape.ToArray();
        }
        if (shape.Length == 3 && shape[2] == 1)
        {
            img = img.Squeeze(2);
            shape = img.Shape.ToArray();
        }
        if (!(shape.Length == 2 || (shape.Length == 3 && shape[2] is 3 or 4)))
            throw new ArgumentException($"Invalid shape {shapeText} for image data");
        int h = checked((int)shape[0]), w = checked((int)shape[1]);
        var values = img.ToArray<double>();
        var rgba = new byte[h * w * 4];
        if (shape.Length == 2)
        {
            var map = Colormap.Get(cmap ?? Style.Cmap);
            var (lo, hi) = Norm(values, vmin, vmax);
            for (int i = 0; i < values.Length; i++)
                map.Bytes(hi == lo ? 0 : (values[i] - lo) / (hi - lo), rgba.AsSpan(4 * i, 4));
        }
        else
        {
            int ch = (int)shape[2];
            bool isFloat = img.DType.IsFloatingPoint();
            for (int p = 0; p < h * w; p++)
            {
                for (int k = 0; k < 4; k++)
                {
                    if (k == 3 && ch == 3) { rgba[4 * p + 3] = 255; continue; }
                    double v = values[p * ch + k];
                    rgba[4 * p + k] = isFloat
                        ? (byte)(double.IsNaN(v) ? 0 : Math.Clamp(v, 0, 1) * 255)
                        : (byte)Math.Clamp(v, 0, 255);
                }
            }
        }
        artists.Add(new ImageArtist(rgba, h, w));
        yInverted = true;
        aspectEqual = true;
    }

    /// <summary>
    /// Writes <paramref name="s"/> with its left end on the baseline at data point (x, y) (<c>ax.text(x, y, s,
    /// fontdict={'size': ..., 'color': ...})</c>); text does not change the limits.
    /// </summary>
    /// <param name="x">The x coordinate.</param>
    /// <param name="y">The y coordinate.</param>
    /// <param name="s">The text.</param>
    /// <param name="fontsize">The size in points (10).</param>
    /// <param name="color">The colour (black).</param>
    public void Text(double x, double y, string s, double? fontsize = null, string? color = null) =>
        artists.Add(new TextArtist(x, y, s)
        {
            FontSize = fontsize ?? Style.FontSize,
            Color = color is null ? Colors.Black : PlotColors.Parse(color),
        });

    /// <summary>Sets the title shown above the axes (<c>ax.set_title(label)</c>; 12 points).</summary>
    /// <param name="label">The title.</param>
    /// <param name="fontsize">The size in points.</param>
    public void Title(string label, double? fontsize = null) => (title, titleSize) = (label, fontsize ?? Style.TitleSize);

    /// <summary>Sets the x-axis label (<c>ax.set_xlabel(xlabel)</c>).</summary>
    /// <param name="xlabel">The label.</param>
    /// <param name="fontsize">The size in points (10).</param>
    public void XLabel(string xlabel, double? fontsize = null) => (xLabel, xLabelSize) = (xlabel, fontsize ?? Style.FontSize);

    /// <summary>Sets the y-axis label (<c>ax.set_ylabel(ylabel)</c>).</summary>
    /// <param name="ylabel">The label.</param>
    /// <param name="fontsize">The size in points (10).</param>
    public void YLabel(string ylabel, double? fontsize = null) => (yLabel, yLabelSize) = (ylabel, fontsize ?? Style.FontSize);

    /// <summary>
    /// Shows a legend of the labelled lines and scatters (<c>ax.legend(loc=)</c>); with none labelled nothing is
    /// shown, as matplotlib does (it warns "No artists with labels found to put in legend").
    /// </summary>
    /// <param name="loc"><c>best</c> (the place covering the fewest data points and lines), <c>upper right</c>,
    /// <c>upper left</c>, <c>lower left</c>, <c>lower right</c>, <c>right</c>, <c>center left</c>,
    /// <c>center right</c>, <c>lower center</c>, <c>upper center</c> or <c>center</c>.</param>
    /// <param name="fontsize">The size in points (10).</param>
    public void Legend(string loc = "best", double? fontsize = null)
    {
        if (loc != "best" && LegendPlacement.Alignment(loc) is null)
            throw new ArgumentException(
                $"'{loc}' is not a valid value for loc; supported values are {string.Join(", ", LegendPlacement.Codes.Select(n => $"'{n}'"))}");
        legend = (loc, fontsize ?? Style.FontSize);
    }

    /// <summary>
    /// Sets the x limits (<c>ax.set_xlim(left, right)</c>); a bound left null stays automatic. Left greater than right
    /// inverts the axis.
    /// </summary>
    /// <param name="left">The value at the left edge.</param>
    /// <param name="right">The value at the right edge.</param>
    public void XLim(double? left = null, double? right = null) => (xMin, xMax) = (left ?? xMin, right ?? xMax);

    /// <summary>Sets the x limits from a pair (<c>ax.set_xlim((left, right))</c>).</summary>
    /// <param name="limits">(left, right).</param>
    public void XLim((double Left, double Right) limits) => XLim(limits.Left, limits.Right);

    /// <summary>
    /// Sets the y limits (<c>ax.set_ylim(bottom, top)</c>); a bound left null stays automatic. Bottom greater than top
    /// inverts the axis.
    /// </summary>
    /// <param name="bottom">The value at the bottom edge.</param>
    /// <param name="top">The value at the top edge.</param>
    public void YLim(double? bottom = null, double? top = null) => (yMin, yMax) = (bottom ?? yMin, top ?? yMax);

    /// <summary>Sets the y limits from a pair (<c>ax.set_ylim((bottom, top))</c>, as in <c>plt.ylim((-1, 5))</c>).</summary>
    /// <param name="limits">(bottom, top).</param>
    public void YLim((double Bottom, double Top) limits) => YLim(limits.Bottom, limits.Top);

    /// <summary>The x limits as drawn (<c>ax.get_xlim()</c>): the set ones, or the data's with margins.</summary>
    public (double Left, double Right) GetXLim() => ViewLimits().X;

    /// <summary>The y limits as drawn (<c>ax.get_ylim()</c>): the set ones, or the data's with margins.</summary>
    public (double Bottom, double Top) GetYLim() => ViewLimits().Y;

    /// <summary>Shows or hides grid lines at the major ticks (<c>ax.grid(visible)</c>).</summary>
    /// <param name="visible">Whether to draw them.</param>
    public void Grid(bool visible = true) => grid = visible;

    /// <summary>Clears the axes (<c>ax.cla()</c>): data, labels, title, limits, legend and colour cycle.</summary>
    public void Cla()
    {
        artists.Clear();
        lineCycle = patchCycle = 0;
        xMin = xMax = yMin = yMax = null;
        yInverted = aspectEqual = grid = false;
        title = xLabel = yLabel = "";
        titleSize = Style.TitleSize;
        xLabelSize = yLabelSize = Style.FontSize;
        legend = null;
    }

    /// <summary>The view limits: set ones, else autoscaled (<c>autoscale_view</c> with 5% margins and images' sticky edges).</summary>
    private ((double, double) X, (double, double) Y) ViewLimits()
    {
        var (dx0, dx1, dy0, dy1) = DataLimits();
        var sx = new List<double>();
        var sy = new List<double>();
        foreach (var im in artists.OfType<ImageArtist>())
        {
            sx.AddRange([-0.5, im.Width - 0.5]);
            sy.AddRange([-0.5, im.Height - 0.5]);
        }
        var x = Autoscale(dx0, dx1, sx);
        var y = Autoscale(dy0, dy1, sy);
        var xv = (xMin ?? x.Lo, xMax ?? x.Hi);
        var yv = (yMin ?? (yInverted ? y.Hi : y.Lo), yMax ?? (yInverted ? y.Lo : y.Hi));
        return (xv, yv);
    }

    /// <summary>The finite extent of the lines, scatter points and images (<c>dataLim</c>); NaN when empty.</summary>
    private (double X0, double X1, double Y0, double Y1) DataLimits()
    {
        double x0 = double.PositiveInfinity, x1 = double.NegativeInfinity, y0 = x0, y1 = x1;
        void Add(double x, double y, bool pair)
        {
            if (pair && !(double.IsFinite(x) && double.IsFinite(y))) return;
            if (double.IsFinite(x)) { x0 = Math.Min(x0, x); x1 = Math.Max(x1, x); }
            if (double.IsFinite(y)) { y0 = Math.Min(y0, y); y1 = Math.Max(y1, y); }
        }
        foreach (var a in artists)
        {
            switch (a)
            {
                case LineArtist l:
                    for (int i = 0; i < l.X.Length; i++) Add(l.X[i], l.Y[i], false);
                    break;
                case ScatterArtist s:
                    for (int i = 0; i < s.X.Length; i++) Add(s.X[i], s.Y[i], true);
                    break;
                case ImageArtist im:
                    Add(-0.5, -0.5, true);
                    Add(im.Width - 0.5, im.Height - 0.5, true);
                    break;
            }
        }
        return x0 > x1 ? (double.NaN, double.NaN, double.NaN, double.NaN) : (x0, x1, y0, y1);
    }

    /// <summary>
    /// One axis of <c>Axes.autoscale_view</c>: (0, 1) with no data, else the data interval made non-singular, widened by
    /// 5% each side but not past a sticky edge (an image border) that the data interval reaches.
    /// </summary>
    private static (double Lo, double Hi) Autoscale(double lo, double hi, List<double> stickies)
    {
        if (double.IsNaN(lo)) return (0, 1);
        (lo, hi) = Ticks.Nonsingular(lo, hi, 0.05);
        stickies.Sort();
        double tol = 1e-5 * Math.Max(Math.Max(Math.Abs(lo), Math.Abs(hi)), Math.Abs(hi - lo));
        double? loBound = null, hiBound = null;
        foreach (var s in stickies)
        {
            if (s < lo + tol) loBound = s;
            if (s > hi - tol && hiBound is null) hiBound = s;
        }
        double delta = (hi - lo) * Style.Margin;
        if (!double.IsFinite(delta)) delta = 0;
        double a = lo - delta, b = hi + delta;
        if (loBound is { } lb) a = Math.Max(a, lb);
        if (hiBound is { } hb) b = Math.Min(b, hb);
        return Ticks.Nonsingular(a, b, 1e-12, 1e-13);
    }

    /// <summary>
    /// The data area in points from the figure's top-left corner: the subplot's cell of the figure's grid
    /// (<c>SubplotParams</c> left 0.125, right 0.9, bottom 0.11, top 0.88, wspace and hspace 0.2), shrunk about its
    /// centre to square data units for an image.
    /// </summary>
    private PixelRect DataRect(double figW, double figH, (double, double) xl, (double, double) yl)
    {
        double totW = (Style.Right - Style.Left) * figW, totH = (Style.Top - Style.Bottom) * figH;
        double cellW = totW / (Cols + Style.WSpace * (Cols - 1)), cellH = totH / (Rows + Style.HSpace * (Rows - 1));
        int row = (Index - 1) / Cols, col = (Index - 1) % Cols;
        double left = Style.Left * figW + col * cellW * (1 + Style.WSpace);
        double top = (1 - Style.Top) * figH + row * cellH * (1 + Style.HSpace);
        double w = cellW, h = cellH;
        if (aspectEqual)
        {
            double dx = Math.Abs(xl.Item2 - xl.Item1), dy = Math.Abs(yl.Item2 - yl.Item1);
            if (dx > 0 && dy > 0)
            {
                double boxAspect = dy / dx;
                if (h / w > boxAspect) { double nh = w * boxAspect; top += (h - nh) / 2; h = nh; }
                else { double nw = h / boxAspect; left += (w - nw) / 2; w = nw; }
            }
        }
        return new PixelRect((float)left, (float)(left + w), (float)(top + h), (float)top);
    }

    /// <summary>Draws the axes onto <paramref name="canvas"/>, a transparent layer the size of the figure.</summary>
    internal void Render(SKCanvas canvas, int widthPx, int heightPx, double dpi)
    {
        double scale = dpi / 72;
        double figW = widthPx / scale, figH = heightPx / scale;
        var (xl, yl) = ViewLimits();
        var rect = DataRect(figW, figH, xl, yl);
        using var plot = new ScottPlot.Plot { ScaleFactor = scale };
        plot.FigureBackground.Color = Colors.Transparent;
        plot.DataBackground.Color = Colors.White;
        plot.Layout.Fixed(rect);
        plot.Axes.SetLimits(xl.Item1, xl.Item2, yl.Item1, yl.Item2);
        StyleAxes(plot, rect, xl, yl);
        foreach (var a in artists) AddArtist(plot, a, rect);
        AddLegend(plot, rect, xl, yl);
        canvas.Save();
        plot.Render(canvas, new PixelRect(0, widthPx, heightPx, 0));
        canvas.Restore();
        DrawTexts(canvas, scale, rect, xl, yl);
    }

    /// <summary>
    /// Draws the text artists over the axes, unclipped as matplotlib's are, each starting at its point on the baseline
    /// (<c>ha='left'</c>, <c>va='baseline'</c>).
    /// </summary>
    private void DrawTexts(SKCanvas canvas, double scale, PixelRect rect, (double, double) xl, (double, double) yl)
    {
        using var typeface = SKTypeface.FromFamilyName(Style.FontName);
        using var paint = new SKPaint { IsAntialias = true };
        foreach (var t in artists.OfType<TextArtist>())
        {
            var (px, py) = ToPoints(t.X, t.Y, rect, xl, yl);
            if (!float.IsFinite(px) || !float.IsFinite(py)) continue;
            using var font = new SKFont(typeface, (float)(t.FontSize * scale)) { Edging = SKFontEdging.Antialias };
            paint.Color = new SKColor(t.Color.R, t.Color.G, t.Color.B, t.Color.A);
            canvas.DrawText(t.Text, (float)(px * scale), (float)(py * scale), SKTextAlign.Left, font, paint);
        }
    }

    /// <summary>A data point's position in points from the figure's top-left corner.</summary>
    private static (float X, float Y) ToPoints(double x, double y, PixelRect rect, (double, double) xl, (double, double) yl) =>
        ((float)(rect.Left + (x - xl.Item1) / (xl.Item2 - xl.Item1) * rect.Width),
         (float)(rect.Bottom - (y - yl.Item1) / (yl.Item2 - yl.Item1) * rect.Height));

    /// <summary>matplotlib's look on a ScottPlot plot: spines, outward ticks from <see cref="Ticks"/>, fonts, labels, title, grid.</summary>
    private void StyleAxes(ScottPlot.Plot plot, PixelRect rect, (double, double) xl, (double, double) yl)
    {
        string font = Style.FontName;
        plot.HideGrid();
        foreach (var axis in new ScottPlot.IAxis[] { plot.Axes.Bottom, plot.Axes.Left, plot.Axes.Top, plot.Axes.Right })
        {
            axis.FrameLineStyle.Width = (float)Style.AxesLineWidth;
            axis.FrameLineStyle.Color = Colors.Black;
            // matplotlib snaps spines, ticks and grid lines to whole pixels.
            axis.FrameLineStyle.AntiAlias = false;
            axis.MajorTickStyle.AntiAlias = false;
            axis.MajorTickStyle.Length = (float)Style.TickSize;
            axis.MajorTickStyle.Width = (float)Style.AxesLineWidth;
            axis.MajorTickStyle.Color = Colors.Black;
            axis.MinorTickStyle.Length = 0;
            axis.TickLabelStyle.FontSize = (float)Style.FontSize;
            axis.TickLabelStyle.FontName = font;
            axis.TickLabelStyle.ForeColor = Colors.Black;
            axis.Label.FontName = font;
            axis.Label.Bold = false;
            axis.Label.ForeColor = Colors.Black;
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
        }
        var (xt, xlab) = Ticks.Make(xl.Item1, xl.Item2, Ticks.TickSpace(rect.Width, Style.FontSize, true));
        var (yt, ylab) = Ticks.Make(yl.Item1, yl.Item2, Ticks.TickSpace(rect.Height, Style.FontSize, false));
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xt, xlab);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(yt, ylab);
        plot.Axes.Bottom.Label.Text = xLabel;
        plot.Axes.Bottom.Label.FontSize = (float)xLabelSize;
        plot.Axes.Left.Label.Text = yLabel;
        plot.Axes.Left.Label.FontSize = (float)yLabelSize;
        // The top spine has no ticks: its panel is the title's gap (axes.titlepad, 6 points).
        plot.Axes.Top.MinimumSize = plot.Axes.Top.MaximumSize = (float)Style.TitlePad;
        plot.Axes.Title.VerticalPadding = 0;
        plot.Axes.Title.Label.Text = title;
        plot.Axes.Title.Label.FontSize = (float)titleSize;
        plot.Axes.Title.Label.FontName = font;
        plot.Axes.Title.Label.Bold = false;
        if (grid)
        {
            plot.ShowGrid();
            plot.Grid.MajorLineColor = PlotColors.Hex(0xb0b0b0);
            plot.Grid.MajorLineWidth = (float)Style.AxesLineWidth;
            plot.Grid.XAxisStyle.MajorLineStyle.AntiAlias = false;
            plot.Grid.YAxisStyle.MajorLineStyle.AntiAlias = false;
        }
    }

    /// <summary>Adds one artist as ScottPlot plottables (text is drawn afterwards, unclipped).</summary>
    private void AddArtist(ScottPlot.Plot plot, Artist artist, PixelRect rect)
    {
        switch (artist)
        {
            case LineArtist l:
                bool labelled = false;
                foreach (var (xs, ys) in FiniteRuns(l.X, l.Y))
                {
                    var sc = plot.Add.Scatter(xs, ys, l.Color);
                    sc.LineWidth = l.LineStyle is null ? 0 : (float)l.LineWidth;
                    sc.LinePattern = l.LineStyle is null ? LinePattern.Solid : LineFormat.Pattern(l.LineStyle, l.LineWidth);
                    sc.MarkerShape = l.Marker is { } m ? LineFormat.Shape(m) : MarkerShape.None;
                    // A line's markers carry an edge of lines.markeredgewidth in their colour around the filled shape.
                    sc.MarkerSize = l.Marker is { } mk
                        ? (float)(LineFormat.Size(mk, l.MarkerSize, Figure.Dpi) + (LineFormat.IsFilled(mk) ? Style.MarkerEdgeWidth : 0))
                        : 0;
                    sc.MarkerLineWidth = (float)Style.MarkerEdgeWidth;
                    if (!labelled && IsLegendLabel(l.Label)) { sc.LegendText = l.Label!; labelled = true; }
                }
                break;
            case ScatterArtist s:
                bool named = false;
                foreach (var group in Enumerable.Range(0, s.X.Length)
                             .Where(i => double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i]))
                             .GroupBy(i => s.Colors[i].ARGB))
                {
                    var idx = group.ToArray();
                    var mk = plot.Add.Markers(idx.Select(i => s.X[i]).ToArray(), idx.Select(i => s.Y[i]).ToArray(),
                        LineFormat.Shape(s.Marker), (float)LineFormat.Size(s.Marker, s.Size, Figure.Dpi), s.Colors[idx[0]]);
                    if (!named && IsLegendLabel(s.Label)) { mk.LegendText = s.Label!; named = true; }
                }
                break;
            case ImageArtist im:
                using (var bmp = new SKBitmap(new SKImageInfo(im.Width, im.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul)))
                {
                    System.Runtime.InteropServices.Marshal.Copy(im.Rgba, 0, bmp.GetPixels(), im.Rgba.Length);
                    var ir = plot.Add.ImageRect(new ScottPlot.Image(bmp),
                        new CoordinateRect(-0.5, im.Width - 0.5, im.Height - 0.5, -0.5));
                    ir.AntiAlias = rect.Width * Figure.Dpi / 72 < im.Width;
                }
                break;
        }
    }

    /// <summary>Whether matplotlib puts <paramref name="label"/> in a legend (set, not starting with an underscore).</summary>
    private static bool IsLegendLabel(string? label) => !string.IsNullOrEmpty(label) && !label.StartsWith('_');

    /// <summary>The runs of consecutive points with finite coordinates (a NaN breaks a matplotlib line).</summary>
    private static IEnumerable<(double[] X, double[] Y)> FiniteRuns(double[] x, double[] y)
    {
        int i = 0;
        while (i < x.Length)
        {
            while (i < x.Length && !(double.IsFinite(x[i]) && double.IsFinite(y[i]))) i++;
            int start = i;
            while (i < x.Length && double.IsFinite(x[i]) && double.IsFinite(y[i])) i++;
            if (i > start) yield return (x[start..i], y[start..i]);
        }
    }

    /// <summary>Shows ScottPlot's legend with matplotlib's paddings and frame, at the requested or best location.</summary>
    private void AddLegend(ScottPlot.Plot plot, PixelRect rect, (double, double) xl, (double, double) yl)
    {
        if (legend is not { } lg) return;
        var labels = LegendLabels();
        if (labels.Length == 0) return;
        double fs = lg.FontSize;
        var lp = plot.Legend;
        lp.IsVisible = true;
        lp.FontSize = (float)fs;
        lp.FontName = Style.FontName;
        lp.FontColor = Colors.Black;
        lp.OutlineColor = PlotColors.Rgb(0.8, 0.8, 0.8);
        lp.OutlineWidth = 1;
        lp.BackgroundColor = Colors.White.WithAlpha(0.8);
        lp.ShadowColor = Colors.Transparent;
        lp.ShadowOffset = new PixelOffset(0, 0);
        lp.Margin = new PixelPadding((float)(0.5 * fs));
        lp.Padding = new PixelPadding((float)(0.4 * fs));
        lp.SymbolWidth = (float)(2 * fs);
        lp.SymbolPadding = (float)(0.8 * fs);
        lp.InterItemPadding = new PixelPadding(0, 0, (float)(0.25 * fs), (float)(0.25 * fs));
        lp.Alignment = LegendPlacement.Alignment(LegendLocation(labels, rect, xl, yl))!.Value;
    }

    /// <summary>The legend's location name (<c>best</c> resolved), or null when no legend is shown.</summary>
    internal string? LegendLocation()
    {
        var labels = LegendLabels();
        if (legend is null || labels.Length == 0) return null;
        var (xl, yl) = ViewLimits();
        var rect = DataRect(Figure.Figsize.Width * 72, Figure.Figsize.Height * 72, xl, yl);
        return LegendLocation(labels, rect, xl, yl);
    }

    private string LegendLocation(string[] labels, PixelRect rect, (double, double) xl, (double, double) yl) =>
        legend!.Value.Loc == "best" ? LegendPlacement.Best(this, labels, legend.Value.FontSize, rect, xl, yl) : legend.Value.Loc;

    private string[] LegendLabels() =>
        [.. artists.Select(a => a switch { LineArtist l => l.Label, ScatterArtist s => s.Label, _ => null })
            .Where(IsLegendLabel).Select(l => l!)];

    /// <summary>The display points (in points, y down) of each line's vertices and each scatter point, for "best".</summary>
    internal (List<(float X, float Y)[]> Lines, List<(float X, float Y)> Points) DisplayData(PixelRect rect,
        (double, double) xl, (double, double) yl)
    {
        float Px(double x) => ToPoints(x, yl.Item1, rect, xl, yl).X;
        float Py(double y) => ToPoints(xl.Item1, y, rect, xl, yl).Y;
        var lines = new List<(float, float)[]>();
        var points = new List<(float, float)>();
        foreach (var a in artists)
        {
            if (a is LineArtist l)
                foreach (var (xs, ys) in FiniteRuns(l.X, l.Y))
                    lines.Add([.. xs.Select((x, i) => (Px(x), Py(ys[i])))]);
            else if (a is ScatterArtist s)
                for (int i = 0; i < s.X.Length; i++)
                    if (double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i])) points.Add((Px(s.X[i]), Py(s.Y[i])));
        }
        return (lines, points);
    }
}
