using SPColor = ScottPlot.Color;

namespace Flint.Plot;

/// <summary>What an <see cref="Axes"/> holds to draw: the artists of matplotlib's <c>Axes._children</c>.</summary>
internal abstract class Artist;

/// <summary>A <c>Line2D</c> from <c>plot</c>: points joined in order, with an optional marker at each.</summary>
internal sealed class LineArtist(double[] x, double[] y) : Artist
{
    public double[] X { get; } = x;
    public double[] Y { get; } = y;
    public SPColor Color { get; init; }
    public string? LineStyle { get; init; }
    public double LineWidth { get; init; }
    public char? Marker { get; init; }
    public double MarkerSize { get; init; }
    public string? Label { get; init; }
}

/// <summary>A <c>PathCollection</c> from <c>scatter</c>: one marker per point, each with its colour.</summary>
internal sealed class ScatterArtist(double[] x, double[] y, SPColor[] colors) : Artist
{
    public double[] X { get; } = x;
    public double[] Y { get; } = y;
    public SPColor[] Colors { get; } = colors;
    public char Marker { get; init; }
    public double Size { get; init; }
    public string? Label { get; init; }
}

/// <summary>An <c>AxesImage</c> from <c>imshow</c>: RGBA pixels, row 0 at the top, pixel centres at integers.</summary>
internal sealed class ImageArtist(byte[] rgba, int height, int width) : Artist
{
    public byte[] Rgba { get; } = rgba;
    public int Height { get; } = height;
    public int Width { get; } = width;
}

/// <summary>A <c>Text</c> at data coordinates, its left end on the baseline at the point.</summary>
internal sealed class TextArtist(double x, double y, string text) : Artist
{
    public double X { get; } = x;
    public double Y { get; } = y;
    public string Text { get; } = text;
    public double FontSize { get; init; }
    public SPColor Color { get; init; }
}
