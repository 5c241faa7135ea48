namespace Flint.Vision;

/// <summary>How the border is filled by a pad (<c>padding_mode</c> of torchvision's <c>Pad</c>).</summary>
public enum PaddingMode
{
    /// <summary>A constant fill value (<c>"constant"</c>).</summary>
    Constant,

    /// <summary>The last value at the edge repeated (<c>"edge"</c>).</summary>
    Edge,

    /// <summary>Reflection without repeating the edge value (<c>"reflect"</c>): 2 1 | 1 2 3 4 | 3 2 ... as 3 2 1 2 3 4 3 2.</summary>
    Reflect,

    /// <summary>Reflection repeating the edge value (<c>"symmetric"</c>): 2 1 1 2 3 4 4 3.</summary>
    Symmetric,
}

public sealed partial class Image
{
    /// <summary>
    /// Pillow's <c>Image.blend(degenerate, image, factor)</c> as <c>ImageEnhance</c> uses it: per value
    /// <c>in1 + factor * (in2 - in1)</c> in single precision, truncated, clipped to 0..255 when extrapolating.
    /// </summary>
    internal Image BlendWith(Image degenerate, float factor)
    {
        var dst = new Image(Width, Height, Mode);
        var a = degenerate.Data;
        var b = Data;
        var d = dst.Data;
        bool interpolate = factor >= 0 && factor <= 1;
        for (int i = 0; i < d.Length; i++)
        {
            float v = a[i] + factor * (b[i] - a[i]);
            d[i] = interpolate ? (byte)v : v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)v;
        }
        return dst;
    }

    /// <summary>Brightness (<c>ImageEnhance.Brightness(image).enhance(factor)</c>): a blend with black.</summary>
    public Image AdjustBrightness(double factor) => BlendWith(new Image(Width, Height, Mode), (float)factor);

    /// <summary>
    /// Contrast (<c>ImageEnhance.Contrast(image).enhance(factor)</c>): a blend with the mean grey level,
    /// <c>int(mean + 0.5)</c> of the image converted to L.
    /// </summary>
    public Image AdjustContrast(double factor)
    {
        var grey = Mode == "L" ? Data : Convert("L").Data;
        long sum = 0;
        foreach (var v in grey) sum += v;
        int mean = (int)((double)sum / Math.Max(grey.Length, 1) + 0.5);
        var degenerate = New("L", Width, Height, (byte)mean).Convert(Mode);
        if (Mode == "RGBA") for (int i = 3; i < Data.Length; i += 4) degenerate.Data[i] = Data[i];
        return BlendWith(degenerate, (float)factor);
    }

    /// <summary>Saturation (<c>ImageEnhance.Color(image).enhance(factor)</c>): a blend with the grey image.</summary>
    public Image AdjustSaturation(double factor)
    {
        var degenerate = Convert("L").Convert(Mode);
        if (Mode == "RGBA") for (int i = 3; i < Data.Length; i += 4) degenerate.Data[i] = Data[i];
        return BlendWith(degenerate, (float)factor);
    }

    /// <summary>
    /// Hue shift as torchvision does it for PIL images (<c>adjust_hue</c>): convert to HSV with Pillow's
    /// arithmetic, add <c>uint8(hue_factor * 255)</c> to H modulo 256, convert back. L images are returned as they are.
    /// </summary>
    public Image AdjustHue(double hueFactor)
    {
        if (hueFactor < -0.5 || hueFactor > 0.5) throw new ArgumentException($"hue_factor ({hueFactor}) is not in [-0.5, 0.5].");
        if (Mode == "L") return Copy();
        var dst = Copy();
        byte shift = unchecked((byte)(int)(hueFactor * 255));
        int c = Channels;
        var d = dst.Data;
        for (int i = 0; i < d.Length; i += c)
        {
            var (h, s, v) = RgbToHsv(d[i], d[i + 1], d[i + 2]);
            h = unchecked((byte)(h + shift));
            (d[i], d[i + 1], d[i + 2]) = HsvToRgb(h, s, v);
        }
        return dst;
    }

    // Pillow's rgb2hsv_row, with C's float/double promotions.
    private static (byte H, byte S, byte V) RgbToHsv(byte r, byte g, byte b)
    {
        byte maxc = Math.Max(r, Math.Max(g, b)), minc = Math.Min(r, Math.Min(g, b));
        if (minc == maxc) return (0, 0, maxc);
        float cr = maxc - minc;
        float s = cr / maxc;
        float rc = (maxc - r) / cr, gc = (maxc - g) / cr, bc = (maxc - b) / cr;
        float h = r == maxc ? bc - gc : g == maxc ? (float)(2.0 + rc - bc) : (float)(4.0 + gc - rc);
        h = (float)((h / 6.0 + 1.0) % 1.0);
        return (Clip((int)(h * 255.0)), Clip((int)(s * 255.0)), maxc);
    }

    // Pillow's hsv2rgb.
    private static (byte R, byte G, byte B) HsvToRgb(byte h, byte s, byte v)
    {
        if (s == 0) return (v, v, v);
        int i = (int)Math.Floor((float)h * 6.0 / 255.0);
        float f = (float)((float)h * 6.0 / 255.0 - i);
        float fs = (float)(s / 255.0);
        byte p = Clip((int)Math.Round(v * (1.0 - fs), MidpointRounding.AwayFromZero));
        byte q = Clip((int)Math.Round(v * (1.0 - fs * f), MidpointRounding.AwayFromZero));
        byte t = Clip((int)Math.Round(v * (1.0 - fs * (1.0 - f)), MidpointRounding.AwayFromZero));
        return (i % 6) switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }

    private static byte Clip(int v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)v;

    /// <summary>
    /// The image with a border (torchvision's <c>pad</c> on a PIL image): <paramref name="left"/>,
    /// <paramref name="top"/>, <paramref name="right"/>, <paramref name="bottom"/> pixels filled by
    /// <paramref name="mode"/> (constant uses <paramref name="fill"/>, one value per channel or one for all).
    /// Negative amounts crop.
    /// </summary>
    public Image Pad(int left, int top, int right, int bottom, PaddingMode mode = PaddingMode.Constant, byte[]? fill = null)
    {
        // Negative padding crops first, as torchvision does.
        int cl = Math.Max(-left, 0), ct = Math.Max(-top, 0), cr = Math.Max(-right, 0), cb = Math.Max(-bottom, 0);
        var src = cl + ct + cr + cb > 0 ? Crop(cl, ct, Width - cr, Height - cb) : this;
        left = Math.Max(left, 0); top = Math.Max(top, 0); right = Math.Max(right, 0); bottom = Math.Max(bottom, 0);
        int w = src.Width + left + right, h = src.Height + top + bottom, c = Channels;
        var dst = new Image(w, h, Mode);
        var xs = PadIndex(src.Width, left, w, mode);
        var ys = PadIndex(src.Height, top, h, mode);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int at = (y * w + x) * c;
                if (xs[x] < 0 || ys[y] < 0)
                {
                    if (fill is { Length: > 0 }) for (int k = 0; k < c; k++) dst.Data[at + k] = fill[fill.Length == 1 ? 0 : k];
                    continue;
                }
                Buffer.BlockCopy(src.Data, (ys[y] * src.Width + xs[x]) * c, dst.Data, at, c);
            }
        return dst;
    }

    /// <summary>For each padded position, the source index (or -1 for the constant fill).</summary>
    internal static int[] PadIndex(int size, int before, int total, PaddingMode mode)
    {
        var r = new int[total];
        for (int i = 0; i < total; i++)
        {
            int j = i - before;
            if (j >= 0 && j < size) { r[i] = j; continue; }
            r[i] = mode switch
            {
                PaddingMode.Constant => -1,
                PaddingMode.Edge => Math.Clamp(j, 0, size - 1),
                PaddingMode.Reflect => Reflect(j, size),
                _ => Symmetric(j, size),
            };
        }
        return r;
    }

    private static int Reflect(int j, int n)
    {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        j = ((j % period) + period) % period;
        return j < n ? j : period - j;
    }

    private static int Symmetric(int j, int n)
    {
        int period = 2 * n;
        j = ((j % period) + period) % period;
        return j < n ? j : period - 1 - j;
    }
}
