namespace Flint.Plot;

/// <summary>
/// matplotlib's <c>pyplot</c> state machine, for porting scripts line by line: a current figure and current axes that
/// <c>Plt.Plot</c>, <c>Plt.Scatter</c>, <c>Plt.Legend</c>… draw on, and figures numbered as <c>plt.figure(num)</c>
/// numbers them. One state for the whole process, as pyplot has. There is no window: <c>plt.show()</c>,
/// <c>plt.ion()</c> and <c>plt.pause()</c> have no counterpart; save with <see cref="SaveFig"/> instead.
/// </summary>
/// <example>
/// <code>
/// Plt.Figure(1, figsize: (8, 6));
/// Plt.Subplot(221);
/// Plt.Plot(x, yRelu, color: "red", label: "relu");
/// Plt.YLim((-1, 5));
/// Plt.Legend(loc: "best");
/// Plt.SaveFig("activations.png");
/// </code>
/// </example>
public static class Plt
{
    private static readonly Lock Gate = new();
    private static readonly SortedDictionary<int, Figure> Figures = [];
    private static Figure? current;

    /// <summary>
    /// Makes figure <paramref name="num"/> current, creating it when it does not exist (<c>plt.figure(num, figsize,
    /// dpi)</c>); with no number, a new figure numbered one past the highest.
    /// </summary>
    /// <param name="num">The figure's number.</param>
    /// <param name="figsize">(width, height) in inches for a new figure.</param>
    /// <param name="dpi">Dots per inch for a new figure.</param>
    public static Figure Figure(int? num = null, (double Width, double Height)? figsize = null, double? dpi = null)
    {
        lock (Gate)
        {
            int n = num ?? (Figures.Count == 0 ? 1 : Figures.Keys.Max() + 1);
            if (!Figures.TryGetValue(n, out var fig))
                Figures[n] = fig = new Figure(figsize, dpi);
            current = fig;
            return fig;
        }
    }

    /// <summary>The current figure, creating figure 1 when there is none (<c>plt.gcf()</c>).</summary>
    public static Figure Gcf()
    {
        lock (Gate) return current ?? Figure();
    }

    /// <summary>The current axes of the current figure (<c>plt.gca()</c>).</summary>
    public static Axes Gca() => Gcf().Gca();

    /// <summary>
    /// Makes the subplot at (<paramref name="nrows"/>, <paramref name="ncols"/>, <paramref name="index"/>) of the current
    /// figure current, reusing one already there (<c>plt.subplot(nrows, ncols, index)</c>).
    /// </summary>
    /// <param name="nrows">Rows of the grid.</param>
    /// <param name="ncols">Columns of the grid.</param>
    /// <param name="index">Which cell, from 1 at the top left.</param>
    public static Axes Subplot(int nrows, int ncols, int index) => Gcf().Subplot(nrows, ncols, index);

    /// <summary>A subplot given as three digits (<c>plt.subplot(221)</c>).</summary>
    /// <param name="pos">Rows, columns and index as one number.</param>
    public static Axes Subplot(int pos)
    {
        var (r, c, i) = global::Flint.Plot.Figure.Digits(pos);
        return Subplot(r, c, i);
    }

    /// <summary><c>plt.plot(y, fmt, ...)</c> on the current axes.</summary>
    /// <inheritdoc cref="Axes.Plot(ArrayLike, string, string?, string?, double?, string?, string?, double?)"/>
    public static void Plot(ArrayLike y, string fmt = "", string? color = null, string? label = null, double? linewidth = null,
        string? linestyle = null, string? marker = null, double? markersize = null) =>
        Gca().Plot(y, fmt, color, label, linewidth, linestyle, marker, markersize);

    /// <summary><c>plt.plot(x, y, fmt, ...)</c> on the current axes.</summary>
    /// <inheritdoc cref="Axes.Plot(ArrayLike, ArrayLike, string, string?, string?, double?, string?, string?, double?)"/>
    public static void Plot(ArrayLike x, ArrayLike y, string fmt = "", string? color = null, string? label = null,
        double? linewidth = null, string? linestyle = null, string? marker = null, double? markersize = null) =>
        Gca().Plot(x, y, fmt, color, label, linewidth, linestyle, marker, markersize);

    /// <summary><c>plt.scatter(x, y, s, c, ...)</c> on the current axes.</summary>
    /// <inheritdoc cref="Axes.Scatter"/>
    public static void Scatter(ArrayLike x, ArrayLike y, double? s = null, ArrayLike? c = null, string? color = null,
        string marker = "o", string? cmap = null, double? vmin = null, double? vmax = null, double? alpha = null,
        double? linewidths = null, string? label = null) =>
        Gca().Scatter(x, y, s, c, color, marker, cmap, vmin, vmax, alpha, linewidths, label);

    /// <summary><c>plt.imshow(X, cmap, vmin, vmax)</c> on the current axes.</summary>
    /// <inheritdoc cref="Axes.Imshow"/>
    public static void Imshow(Tensor X, string? cmap = null, double? vmin = null, double? vmax = null) =>
        Gca().Imshow(X, cmap, vmin, vmax);

    /// <summary><c>plt.text(x, y, s, fontdict={'size':, 'color':})</c> on the current axes.</summary>
    /// <inheritdoc cref="Axes.Text"/>
    public static void Text(double x, double y, string s, double? fontsize = null, string? color = null) =>
        Gca().Text(x, y, s, fontsize, color);

    /// <summary><c>plt.title(label)</c>.</summary>
    /// <inheritdoc cref="Axes.Title"/>
    public static void Title(string label, double? fontsize = null) => Gca().Title(label, fontsize);

    /// <summary><c>plt.xlabel(xlabel)</c>.</summary>
    /// <inheritdoc cref="Axes.XLabel"/>
    public static void XLabel(string xlabel, double? fontsize = null) => Gca().XLabel(xlabel, fontsize);

    /// <summary><c>plt.ylabel(ylabel)</c>.</summary>
    /// <inheritdoc cref="Axes.YLabel"/>
    public static void YLabel(string ylabel, double? fontsize = null) => Gca().YLabel(ylabel, fontsize);

    /// <summary><c>plt.legend(loc=)</c>.</summary>
    /// <inheritdoc cref="Axes.Legend"/>
    public static void Legend(string loc = "best", double? fontsize = null) => Gca().Legend(loc, fontsize);

    /// <summary><c>plt.xlim(left, right)</c>.</summary>
    /// <inheritdoc cref="Axes.XLim(double?, double?)"/>
    public static void XLim(double? left = null, double? right = null) => Gca().XLim(left, right);

    /// <summary><c>plt.xlim((left, right))</c>.</summary>
    /// <inheritdoc cref="Axes.XLim(ValueTuple{double, double})"/>
    public static void XLim((double Left, double Right) limits) => Gca().XLim(limits);

    /// <summary><c>plt.ylim(bottom, top)</c>.</summary>
    /// <inheritdoc cref="Axes.YLim(double?, double?)"/>
    public static void YLim(double? bottom = null, double? top = null) => Gca().YLim(bottom, top);

    /// <summary><c>plt.ylim((bottom, top))</c>.</summary>
    /// <inheritdoc cref="Axes.YLim(ValueTuple{double, double})"/>
    public static void YLim((double Bottom, double Top) limits) => Gca().YLim(limits);

    /// <summary><c>plt.grid(visible)</c>.</summary>
    /// <inheritdoc cref="Axes.Grid"/>
    public static void Grid(bool visible = true) => Gca().Grid(visible);

    /// <summary>Clears the current axes (<c>plt.cla()</c>).</summary>
    public static void Cla() => Gca().Cla();

    /// <summary>Clears the current figure (<c>plt.clf()</c>).</summary>
    public static void Clf() => Gcf().Clf();

    /// <summary>Saves the current figure (<c>plt.savefig(fname, dpi=)</c>).</summary>
    /// <inheritdoc cref="global::Flint.Plot.Figure.SaveFig"/>
    public static void SaveFig(string fname, double? dpi = null) => Gcf().SaveFig(fname, dpi);

    /// <summary>Closes the current figure (<c>plt.close()</c>): pyplot forgets it.</summary>
    public static void Close()
    {
        lock (Gate)
            if (current is not null) Close(current);
    }

    /// <summary>Closes figure number <paramref name="num"/> (<c>plt.close(num)</c>).</summary>
    /// <param name="num">The figure's number.</param>
    public static void Close(int num)
    {
        lock (Gate)
            if (Figures.TryGetValue(num, out var fig)) Close(fig);
    }

    /// <summary>Closes <paramref name="figure"/> (<c>plt.close(fig)</c>); one pyplot does not know is left alone.</summary>
    /// <param name="figure">The figure.</param>
    public static void Close(Figure figure)
    {
        lock (Gate)
        {
            foreach (var key in Figures.Where(kv => kv.Value == figure).Select(kv => kv.Key).ToArray())
                Figures.Remove(key);
            if (current == figure) current = Figures.Count == 0 ? null : Figures.Last().Value;
        }
    }

    /// <summary>Closes every figure (<c>plt.close('all')</c>).</summary>
    public static void CloseAll()
    {
        lock (Gate)
        {
            Figures.Clear();
            current = null;
        }
    }

    /// <summary>The numbers of the open figures (<c>plt.get_fignums()</c>).</summary>
    public static int[] GetFignums()
    {
        lock (Gate) return [.. Figures.Keys];
    }
}
