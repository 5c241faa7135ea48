using StbImageWriteSharp;

namespace Flint.Board;

/// <summary>
/// PyTorch's image path for TensorBoard (<c>_utils.convert_to_HWC</c>, <c>_utils.make_grid</c>,
/// <c>summary.image</c>/<c>make_image</c>): any layout to height × width × channels, batches tiled eight
/// to a row, values scaled to bytes and encoded as PNG.
/// </summary>
internal static class Images
{
    /// <summary>A row-major image: <c>Data</c> holds <c>H × W × C</c> values (HWC) or <c>C × H × W</c> (CHW).</summary>
    internal readonly record struct Image(float[] Data, int H, int W, int C);

    /// <summary>
    /// <c>convert_to_HWC(tensor, input_format)</c>: permutes the tensor to HWC after checking the format; a batch
    /// (<c>N</c> in the format) becomes a grid of <see cref="MakeGrid"/>; one channel, or no channel, becomes three.
    /// </summary>
    public static Image ToHwc(Tensor tensor, string dataformats)
    {
        var shape = tensor.Shape.ToArray();
        if (dataformats.Distinct().Count() != dataformats.Length)
            throw new ArgumentException($"You can not use the same dimension shordhand twice. input_format: {dataformats}");
        if (shape.Length != dataformats.Length)
            throw new ArgumentException(
                $"size of input tensor and input format are different. tensor shape: {PyTuple(shape)}, input_format: {dataformats}");
        var fmt = dataformats.ToUpperInvariant();
        string target = fmt.Length switch
        {
            4 => "NCHW",
            3 => "HWC",
            2 => "HW",
            _ => throw new ArgumentException($"dataformats must have 2, 3 or 4 letters (HW, CHW/HWC, NCHW/NHWC), got {dataformats}"),
        };
        var perm = target.Select(c => (long)fmt.IndexOf(c)).ToArray();
        if (perm.Contains(-1))
            throw new ArgumentException($"dataformats {dataformats} must use the letters of {target}");
        var t = tensor.Detach().Permute(perm);
        var data = t.ToArray<float>();
        var s = t.Shape.ToArray();
        switch (fmt.Length)
        {
            case 4:
            {
                var grid = MakeGrid(data, (int)s[0], (int)s[1], (int)s[2], (int)s[3], 8, out int gh, out int gw);
                return ChwToHwc(new Image(grid, gh, gw, 3));
            }
            case 3:
                return s[2] == 1 ? Gray3((int)s[0], (int)s[1], data) : new Image(data, (int)s[0], (int)s[1], (int)s[2]);
            default:
                return Gray3((int)s[0], (int)s[1], data);
        }
    }

    /// <summary>
    /// <c>make_grid(I, ncols)</c> of torch.utils.tensorboard: <c>N × C × H × W</c> images (C 1 or 3; one channel is
    /// repeated to three) tiled row by row, <c>min(N, ncols)</c> to a row, no padding; returns the
    /// <c>3 × gh × gw</c> canvas (zero where no image falls).
    /// </summary>
    public static T[] MakeGrid<T>(T[] nchw, int n, int c, int h, int w, int ncols, out int gh, out int gw) where T : unmanaged
    {
        if (c != 1 && c != 3)
            throw new ArgumentException($"images must have 1 or 3 channels to be tiled into a grid, got {c} (shape [{n}, {c}, {h}, {w}])");
        ncols = Math.Min(n, ncols);
        int nrows = ncols == 0 ? 0 : (n + ncols - 1) / ncols;
        gh = h * nrows;
        gw = w * ncols;
        var canvas = new T[3 * gh * gw];
        for (int i = 0; i < n; i++)
        {
            int y0 = i / ncols * h, x0 = i % ncols * w;
            for (int ch = 0; ch < 3; ch++)
            {
                int srcCh = c == 1 ? 0 : ch;
                for (int y = 0; y < h; y++)
                {
                    var src = nchw.AsSpan(((i * c + srcCh) * h + y) * w, w);
                    src.CopyTo(canvas.AsSpan((ch * gh + y0 + y) * gw + x0, w));
                }
            }
        }
        return canvas;
    }

    /// <summary>CHW to HWC.</summary>
    public static Image ChwToHwc(Image chw)
    {
        var (d, c, h, w) = (chw.Data, chw.C, chw.H, chw.W);
        var r = new float[d.Length];
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    r[(y * w + x) * c + ch] = d[(ch * h + y) * w + x];
        return new Image(r, h, w, c);
    }

    private static Image Gray3(int h, int w, float[] gray)
    {
        var r = new float[h * w * 3];
        for (int i = 0; i < h * w; i++) r[3 * i] = r[3 * i + 1] = r[3 * i + 2] = gray[i];
        return new Image(r, h, w, 3);
    }

    /// <summary>
    /// <c>(tensor.astype(float32) * scale).astype(uint8)</c>: float32 products truncated toward zero and wrapped to
    /// a byte as numpy's cast does on x86 (NaN and magnitudes from 2^31 give 0).
    /// </summary>
    public static byte[] ToBytes(float[] values, float scale)
    {
        var r = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i] * scale;
            r[i] = float.IsNaN(v) || v >= 2147483648f || v < -2147483648f ? (byte)0 : unchecked((byte)(int)v);
        }
        return r;
    }

    /// <summary>PNG bytes of an 8-bit HWC image with 1 (L), 2 (LA), 3 (RGB) or 4 (RGBA) channels.</summary>
    public static byte[] EncodePng(byte[] hwc, int h, int w, int c)
    {
        var comp = c switch
        {
            1 => ColorComponents.Grey,
            2 => ColorComponents.GreyAlpha,
            3 => ColorComponents.RedGreenBlue,
            4 => ColorComponents.RedGreenBlueAlpha,
            _ => throw new ArgumentException($"Cannot handle this data type: an image with {c} channels (1 to 4 can be encoded)"),
        };
        using var ms = new MemoryStream();
        new ImageWriter().WritePng(hwc, w, h, comp, ms);
        return ms.ToArray();
    }

    /// <summary>Python's text form of a shape tuple: <c>(3,)</c>, <c>(3, 8, 10)</c>.</summary>
    internal static string PyTuple(long[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
}
