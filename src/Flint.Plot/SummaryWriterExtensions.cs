using Flint.Board;

namespace Flint.Plot;

/// <summary>TensorBoard's figure summaries: <c>SummaryWriter.add_figure</c>, which needs a plotting library.</summary>
public static class SummaryWriterExtensions
{
    /// <summary>
    /// Renders <paramref name="figure"/> and records it as an image (<c>writer.add_figure(tag, figure, global_step,
    /// close, walltime)</c>): the RGB pixels of the figure (alpha dropped, as <c>figure_to_image</c> does) go through
    /// <c>add_image</c> as a uint8 <c>CHW</c> tensor, so the summary is a PNG with colorspace 3.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">The series name.</param>
    /// <param name="figure">The figure.</param>
    /// <param name="globalStep">The step to record it at.</param>
    /// <param name="close">Close the figure afterwards (pyplot forgets it: <c>plt.close(figure)</c>).</param>
    /// <param name="walltime">Seconds since the epoch to record instead of now.</param>
    public static void AddFigure(this SummaryWriter writer, string tag, Figure figure, long? globalStep = null, bool close = true,
        double? walltime = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(figure);
        var image = figure.ToImageTensor();
        if (close) Plt.Close(figure);
        writer.AddImage(tag, image, globalStep, walltime, dataformats: "CHW");
    }

    /// <summary>
    /// Renders several figures of one size and records them as one image (<c>add_figure</c> with a list): the
    /// <c>N × 3 × H × W</c> stack goes through <c>add_image</c> with <c>NCHW</c>, tiled eight to a row.
    /// </summary>
    /// <inheritdoc cref="AddFigure(SummaryWriter, string, Figure, long?, bool, double?)"/>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">The series name.</param>
    /// <param name="figures">The figures, all the same size in pixels.</param>
    /// <param name="globalStep">The step to record it at.</param>
    /// <param name="close">Close each figure afterwards.</param>
    /// <param name="walltime">Seconds since the epoch to record instead of now.</param>
    public static void AddFigure(this SummaryWriter writer, string tag, IReadOnlyList<Figure> figures, long? globalStep = null,
        bool close = true, double? walltime = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(figures);
        var images = figures.Select(f =>
        {
            var image = f.ToImageTensor();
            if (close) Plt.Close(f);
            return image;
        }).ToArray();
        writer.AddImage(tag, Torch.Stack(images), globalStep, walltime, dataformats: "NCHW");
    }
}
