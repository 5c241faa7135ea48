using StbImageWriteSharp;

namespace Flint.Vision;

/// <summary>
/// <c>torchvision.utils</c>: tiling a batch of images into one (<see cref="MakeGrid(Tensor, int, int, bool, ValueTuple{double, double}?, bool, double)"/>)
/// and writing it to an image file (<see cref="SaveImage(Tensor, string, int, int, bool, ValueTuple{double, double}?, bool, double)"/>).
/// </summary>
public static class Utils
{
    /// <summary>
    /// Tiles images into a grid (<c>torchvision.utils.make_grid(tensor, nrow, padding, normalize, value_range,
    /// scale_each, pad_value)</c>): <c>B × C × H × W</c> images (or one <c>C × H × W</c> / <c>H × W</c> image; one channel
    /// is repeated to three) laid out <paramref name="nrow"/> to a row, <paramref name="padding"/> pixels of
    /// <paramref name="padValue"/> around each, as a <c>C × H' × W'</c> tensor of the input's dtype. A single image is
    /// returned without padding. Differentiable: the grid is built with <c>narrow(...).copy_(...)</c>.
    /// </summary>
    /// <param name="tensor">The images.</param>
    /// <param name="nrow">Images per row.</param>
    /// <param name="padding">Pixels between and around the images.</param>
    /// <param name="normalize">Shift and scale the values to [0, 1] by <paramref name="valueRange"/>, or by the least
    /// and greatest value.</param>
    /// <param name="valueRange">(min, max) used to normalize; values outside are clipped first.</param>
    /// <param name="scaleEach">Normalize each image by its own least and greatest value.</param>
    /// <param name="padValue">The value of the padding pixels.</param>
    public static Tensor MakeGrid(Tensor tensor, int nrow = 8, int padding = 2, bool normalize = false,
        (double Min, double Max)? valueRange = null, bool scaleEach = false, double padValue = 0.0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dim() == 2)
            tensor = tensor.Unsqueeze(0);
        if (tensor.Dim() == 3)
        {
            if (tensor.Size(0) == 1)
                tensor = Torch.Cat([tensor, tensor, tensor], 0);
            tensor = tensor.Unsqueeze(0);
        }
        if (tensor.Dim() == 4 && tensor.Size(1) == 1)
            tensor = Torch.Cat([tensor, tensor, tensor], 1);

        if (normalize)
        {
            tensor = tensor.Clone();
            if (scaleEach)
                for (long i = 0; i < tensor.Size(0); i++)
                    NormRange(tensor.Select(0, i), valueRange);
            else
                NormRange(tensor, valueRange);
        }

        if (tensor.Size(0) == 1)
            return tensor.Squeeze(0);

        long nmaps = tensor.Size(0);
        long xmaps = Math.Min(nrow, nmaps);
        long ymaps = (long)Math.Ceiling((double)nmaps / xmaps);
        long height = tensor.Size(2) + padding, width = tensor.Size(3) + padding;
        long numChannels = tensor.Size(1);
        var grid = tensor.NewFull(new Size([numChannels, height * ymaps + padding, width * xmaps + padding]), padValue);
        long k = 0;
        for (long y = 0; y < ymaps; y++)
        {
            for (long x = 0; x < xmaps; x++)
            {
                if (k >= nmaps)
                    break;
                grid.Narrow(1, y * height + padding, height - padding)
                    .Narrow(2, x * width + padding, width - padding)
                    .Copy_(tensor.Select(0, k));
                k++;
            }
        }
        return grid;
    }

    /// <summary>Stacks equally sized images and tiles them (<c>make_grid</c> given a list of tensors).</summary>
    /// <inheritdoc cref="MakeGrid(Tensor, int, int, bool, ValueTuple{double, double}?, bool, double)"/>
    public static Tensor MakeGrid(IReadOnlyList<Tensor> tensor, int nrow = 8, int padding = 2, bool normalize = false,
        (double Min, double Max)? valueRange = null, bool scaleEach = false, double padValue = 0.0) =>
        MakeGrid(Torch.Stack(tensor, 0), nrow, padding, normalize, valueRange, scaleEach, padValue);

    /// <summary><c>norm_range</c>: clamps <paramref name="img"/> in place to [low, high] and maps it onto [0, 1].</summary>
    private static void NormRange(Tensor img, (double Min, double Max)? valueRange)
    {
        var (low, high) = valueRange ?? MinMax(img);
        img.Clamp_(low, high);
        img.Sub_(low).Div_(Math.Max(high - low, 1e-5));
    }

    /// <summary><c>(float(t.min()), float(t.max()))</c>; NaN when the tensor holds one, as <c>torch.min</c> gives.</summary>
    private static (double, double) MinMax(Tensor t)
    {
        if (t.Numel() == 0)
            throw new ArgumentException(
                "min(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
        var values = t.Detach().ToArray<double>();
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (double.IsNaN(v)) return (double.NaN, double.NaN);
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        return (lo, hi);
    }

    /// <summary>
    /// Writes images to a PNG file (<c>torchvision.utils.save_image(tensor, fp, **make_grid_kwargs)</c>): the
    /// <see cref="MakeGrid(Tensor, int, int, bool, ValueTuple{double, double}?, bool, double)"/> of
    /// <paramref name="tensor"/>, values in [0, 1] scaled by 255 and rounded (<c>mul(255).add_(0.5).clamp_(0, 255)</c>
    /// then uint8), three channels as RGB and four as RGBA. Gradients are not recorded.
    /// </summary>
    /// <param name="tensor">The image or batch of images, values in [0, 1].</param>
    /// <param name="fp">The file path; its extension must be <c>.png</c>.</param>
    /// <param name="nrow">Images per row.</param>
    /// <param name="padding">Pixels between and around the images.</param>
    /// <param name="normalize">Map the values onto [0, 1] first.</param>
    /// <param name="valueRange">(min, max) used to normalize.</param>
    /// <param name="scaleEach">Normalize each image by its own range.</param>
    /// <param name="padValue">The value of the padding pixels.</param>
    public static void SaveImage(Tensor tensor, string fp, int nrow = 8, int padding = 2, bool normalize = false,
        (double Min, double Max)? valueRange = null, bool scaleEach = false, double padValue = 0.0)
    {
        ArgumentNullException.ThrowIfNull(fp);
        var ext = Path.GetExtension(fp);
        if (!ext.Equals(".png", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"SaveImage writes PNG files; the extension '{ext}' of {fp} names another format");
        using (Torch.NoGrad())
        {
            var grid = MakeGrid(tensor, nrow, padding, normalize, valueRange, scaleEach, padValue);
            var ndarr = grid.Mul(255).Add_(0.5).Clamp_(0, 255).Permute(1, 2, 0).To(DType.UInt8, Device.CPU);
            long channels = ndarr.Size(2);
            if (channels is not (3 or 4))
                throw new ArgumentException($"Cannot handle this data type: (1, 1, {channels}), |u1");
            var bytes = ndarr.ToArray<byte>();
            int h = checked((int)ndarr.Size(0)), w = checked((int)ndarr.Size(1));
            var components = channels == 3 ? ColorComponents.RedGreenBlue : ColorComponents.RedGreenBlueAlpha;
            using var stream = File.Create(fp);
            new ImageWriter().WritePng(bytes, w, h, components, stream);
        }
    }

    /// <summary>Stacks equally sized images and writes their grid (<c>save_image</c> given a list of tensors).</summary>
    /// <inheritdoc cref="SaveImage(Tensor, string, int, int, bool, ValueTuple{double, double}?, bool, double)"/>
    public static void SaveImage(IReadOnlyList<Tensor> tensor, string fp, int nrow = 8, int padding = 2, bool normalize = false,
        (double Min, double Max)? valueRange = null, bool scaleEach = false, double padValue = 0.0)
    {
        using (Torch.NoGrad())
            SaveImage(Torch.Stack(tensor, 0), fp, nrow, padding, normalize, valueRange, scaleEach, padValue);
    }
}
