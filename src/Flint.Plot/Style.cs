using SkiaSharp;

namespace Flint.Plot;

/// <summary>matplotlib's default <c>rcParams</c> that Flint.Plot draws with; sizes in points (1/72 inch).</summary>
internal static class Style
{
    /// <summary><c>font.size</c>: tick labels, axis labels, legend and text.</summary>
    public const double FontSize = 10;

    /// <summary><c>axes.titlesize</c> ('large', 1.2 × 10).</summary>
    public const double TitleSize = 12;

    /// <summary><c>axes.titlepad</c>: the gap between the axes and the title.</summary>
    public const double TitlePad = 6;

    /// <summary><c>lines.markeredgewidth</c>: the edge drawn around a line's markers, in their colour.</summary>
    public const double MarkerEdgeWidth = 1;

    /// <summary><c>lines.linewidth</c>.</summary>
    public const double LineWidth = 1.5;

    /// <summary><c>lines.markersize</c>.</summary>
    public const double MarkerSize = 6;

    /// <summary><c>axes.linewidth</c> and <c>xtick.major.width</c>.</summary>
    public const double AxesLineWidth = 0.8;

    /// <summary><c>xtick.major.size</c>.</summary>
    public const double TickSize = 3.5;

    /// <summary><c>axes.xmargin</c> and <c>axes.ymargin</c>.</summary>
    public const double Margin = 0.05;

    /// <summary><c>image.cmap</c>.</summary>
    public const string Cmap = "viridis";

    /// <summary><c>figure.figsize</c> in inches.</summary>
    public const double FigWidth = 6.4, FigHeight = 4.8;

    /// <summary><c>figure.dpi</c>.</summary>
    public const double Dpi = 100;

    /// <summary><c>figure.subplot.*</c>: the grid's edges as fractions of the figure, and the gaps between cells as
    /// fractions of a cell.</summary>
    public const double Left = 0.125, Right = 0.9, Bottom = 0.11, Top = 0.88, WSpace = 0.2, HSpace = 0.2;

    private static readonly Lazy<string> Font = new(() =>
    {
        using var typeface = SKFontManager.Default.MatchFamily("DejaVu Sans");
        return typeface is not null ? "DejaVu Sans" : ScottPlot.Fonts.Default;
    });

    /// <summary>matplotlib's <c>font.family</c>, DejaVu Sans, where the system has it; else ScottPlot's default font.</summary>
    public static string FontName => Font.Value;
}
