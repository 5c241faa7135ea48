namespace Flint.Vision;

/// <summary>How pixels are resampled (<c>torchvision.transforms.InterpolationMode</c>, PIL's resampling filters).</summary>
public enum InterpolationMode
{
    /// <summary>Nearest neighbour (<c>InterpolationMode.NEAREST</c>, <c>PIL.Image.NEAREST</c>).</summary>
    Nearest,

    /// <summary>Bilinear (<c>InterpolationMode.BILINEAR</c>, <c>PIL.Image.BILINEAR</c>).</summary>
    Bilinear,

    /// <summary>Bicubic, a = -0.5 for images and -0.75 for tensors as in Pillow and PyTorch (<c>InterpolationMode.BICUBIC</c>).</summary>
    Bicubic,
}

/// <summary>Ways to flip or turn an image by quarter turns (<c>PIL.Image.Transpose</c>).</summary>
public enum Transpose
{
    /// <summary>Mirror left to right (<c>FLIP_LEFT_RIGHT</c>).</summary>
    FlipLeftRight,

    /// <summary>Mirror top to bottom (<c>FLIP_TOP_BOTTOM</c>).</summary>
    FlipTopBottom,

    /// <summary>A quarter turn counter-clockwise (<c>ROTATE_90</c>).</summary>
    Rotate90,

    /// <summary>A half turn (<c>ROTATE_180</c>).</summary>
    Rotate180,

    /// <summary>Three quarter turns counter-clockwise (<c>ROTATE_270</c>).</summary>
    Rotate270,
}

public sealed partial class Image
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>
    /// The image resized to <paramref name="width"/> x <paramref name="height"/> (<c>image.resize((w, h),
    /// resample)</c>) with Pillow's algorithms: bilinear and bicubic are separable convolutions whose support grows
    /// with the reduction factor (antialiasing), with 22-bit fixed-point weights; nearest samples
    /// <c>floor((x + 0.5) * in / out)</c>.
    /// </summary>
    public Image Resize(int width, int height, InterpolationMode interpolation = InterpolationMode.Bilinear)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"height and width must be > 0, got ({width}, {height})");
        if (width == Width && height == Height) return Copy();
        if (interpolation == InterpolationMode.Nearest)
            return Transform(width, height, [(double)Width / width, 0, 0, 0, (double)Height / height, 0]);
        Func<double, double> filter = interpolation == InterpolationMode.Bicubic ? BicubicFilter : BilinearFilter;
        double support = interpolation == InterpolationMode.Bicubic ? 2.0 : 1.0;
        var img = this;
        if (width != Width) img = img.ResampleHorizontal(width, filter, support);
        if (height != Height) img = img.ResampleVertical(height, filter, support);
        return img;
    }

    private static double BilinearFilter(double x)
    {
        if (x < 0) x = -x;
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double BicubicFilter(double x)
    {
        const double a = -0.5;
        if (x < 0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    // Pillow's precompute_coeffs + normalize_coeffs_8bpc: per output pixel, the first input index, the count and
    // the fixed-point weights.
    private static (int[] Bounds, int[] Weights, int KSize) Coefficients(int inSize, int outSize, Func<double, double> filter, double filterSupport)
    {
        double scale = (double)inSize / outSize, filterscale = Math.Max(scale, 1.0);
        double support = filterSupport * filterscale;
        int ksize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var weights = new int[outSize * ksize];
        var k = new double[ksize];
        double inv = 1.0 / filterscale;
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale, ww = 0;
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            for (int x = 0; x < xmax; x++)
            {
                double w = filter((x + xmin - center + 0.5) * inv);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++)
            {
                double v = ww != 0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = v < 0 ? (int)(-0.5 + v * (1 << PrecisionBits)) : (int)(0.5 + v * (1 << PrecisionBits));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return (bounds, weights, ksize);
    }

    private static byte Clip8(int v)
    {
        int s = v >> PrecisionBits;
        return s < 0 ? (byte)0 : s > 255 ? (byte)255 : (byte)s;
    }

    private Image ResampleHorizontal(int outWidth, Func<double, double> filter, double support)
    {
        var (bounds, weights, ksize) = Coefficients(Width, outWidth, filter, support);
        var dst = new Image(outWidth, Height, Mode);
        int c = Channels;
        var src = Data;
        var d = dst.Data;
        for (int y = 0; y < Height; y++)
        {
            int rowIn = y * Width * c, rowOut = y * outWidth * c;
            for (int xx = 0; xx < outWidth; xx++)
            {
                int xmin = bounds[xx * 2], xmax = bounds[xx * 2 + 1], kb = xx * ksize;
                for (int ch = 0; ch < c; ch++)
                {
                    int ss = 1 << (PrecisionBits - 1);
                    for (int x = 0; x < xmax; x++) ss += src[rowIn + (x + xmin) * c + ch] * weights[kb + x];
                    d[rowOut + xx * c + ch] = Clip8(ss);
                }
            }
        }
        return dst;
    }

    private Image ResampleVertical(int outHeight, Func<double, double> filter, double support)
    {
        var (bounds, weights, ksize) = Coefficients(Height, outHeight, filter, support);
        var dst = new Image(Width, outHeight, Mode);
        int rowLen = Width * Channels;
        var src = Data;
        var d = dst.Data;
        for (int yy = 0; yy < outHeight; yy++)
        {
            int ymin = bounds[yy * 2], ymax = bounds[yy * 2 + 1], kb = yy * ksize;
            for (int i = 0; i < rowLen; i++)
            {
                int ss = 1 << (PrecisionBits - 1);
                for (int y = 0; y < ymax; y++) ss += src[(y + ymin) * rowLen + i] * weights[kb + y];
                d[yy * rowLen + i] = Clip8(ss);
            }
        }
        return dst;
    }

    private static int Coord(double v) => v < 0.0 ? -1 : (int)v;

    /// <summary>
    /// The rectangle [left, right) x [upper, lower) (<c>image.crop((left, upper, right, lower))</c>); parts outside
    /// the image are black.
    /// </summary>
    public Image Crop(int left, int upper, int right, int lower)
    {
        int w = Math.Max(0, right - left), h = Math.Max(0, lower - upper), c = Channels;
        var dst = new Image(w, h, Mode);
        int x0 = Math.Max(left, 0), x1 = Math.Min(right, Width);
        if (x1 <= x0) return dst;
        for (int y = Math.Max(upper, 0); y < Math.Min(lower, Height); y++)
            Buffer.BlockCopy(Data, (y * Width + x0) * c, dst.Data, ((y - upper) * w + x0 - left) * c, (x1 - x0) * c);
        return dst;
    }

    /// <summary>The image flipped or turned by quarter turns (<c>image.transpose(method)</c>).</summary>
    public Image Transpose(Transpose method)
    {
        bool swap = method is Vision.Transpose.Rotate90 or Vision.Transpose.Rotate270;
        int w = swap ? Height : Width, h = swap ? Width : Height, c = Channels;
        var dst = new Image(w, h, Mode);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var (sx, sy) = method switch
                {
                    Vision.Transpose.FlipLeftRight => (Width - 1 - x, y),
                    Vision.Transpose.FlipTopBottom => (x, Height - 1 - y),
                    Vision.Transpose.Rotate90 => (Width - 1 - y, x),
                    Vision.Transpose.Rotate180 => (Width - 1 - x, Height - 1 - y),
                    _ => (y, Height - 1 - x),
                };
                Buffer.BlockCopy(Data, (sy * Width + sx) * c, dst.Data, (y * w + x) * c, c);
            }
        return dst;
    }

    /// <summary>
    /// An affine transform (<c>image.transform(size, Image.AFFINE, data, resample, fillcolor=fill)</c>): output
    /// pixel (x, y) samples the input at <c>(a*(x+0.5) + b*(y+0.5) + c, d*(x+0.5) + e*(y+0.5) + f)</c>, with
    /// Pillow's nearest (16.16 fixed point where it fits) or bilinear filter; pixels from outside take
    /// <paramref name="fill"/>.
    /// </summary>
    public Image Transform(int width, int height, IReadOnlyList<double> matrix, InterpolationMode interpolation = InterpolationMode.Nearest,
        byte[]? fill = null)
    {
        if (matrix.Count != 6) throw new ArgumentException("an affine transform takes 6 coefficients");
        var a = matrix.ToArray();
        int c = Channels;
        var dst = new Image(width, height, Mode);
        if (fill is { Length: > 0 })
            for (int i = 0; i < dst.Data.Length; i++) dst.Data[i] = fill[fill.Length == 1 ? 0 : i % c];
        if (interpolation == InterpolationMode.Bicubic)
            throw new ArgumentException("affine transforms support nearest and bilinear resampling");
        if (interpolation == InterpolationMode.Bilinear)
        {
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double xin = a[0] * (x + 0.5) + a[1] * (y + 0.5) + a[2];
                    double yin = a[3] * (x + 0.5) + a[4] * (y + 0.5) + a[5];
                    BilinearPixel(xin, yin, dst.Data, (y * width + x) * c);
                }
            return dst;
        }
        if (a[1] == 0 && a[3] == 0)
        {
            // ImagingScaleAffine keeps the fill colour where nothing is sampled.
            var scaled = ScaleNearestInto(dst, a);
            return scaled;
        }
        bool Fits(int px, int py) => Math.Abs(px * a[0] + py * a[1] + a[2]) < 32768.0 && Math.Abs(px * a[3] + py * a[4] + a[5]) < 32768.0;
        if (Fits(0, 0) && Fits(width, height) && Fits(0, height) && Fits(width, 0))
        {
            static int Fix(double v) => (int)Math.Floor(v * 65536.0 + 0.5);
            int a0 = Fix(a[0]), a1 = Fix(a[1]), a3 = Fix(a[3]), a4 = Fix(a[4]);
            int a2 = Fix(a[2] + a[0] * 0.5 + a[1] * 0.5), a5 = Fix(a[5] + a[3] * 0.5 + a[4] * 0.5);
            for (int y = 0; y < height; y++)
            {
                int xx = a2, yy = a5;
                for (int x = 0; x < width; x++)
                {
                    int xi = xx >> 16;
                    if (xi >= 0 && xi < Width)
                    {
                        int yi = yy >> 16;
                        if (yi >= 0 && yi < Height) Buffer.BlockCopy(Data, (yi * Width + xi) * c, dst.Data, (y * width + x) * c, c);
                    }
                    xx += a0;
                    yy += a3;
                }
                a2 += a1;
                a5 += a4;
            }
            return dst;
        }
        double xo = a[2] + a[1] * 0.5 + a[0] * 0.5, yo = a[5] + a[4] * 0.5 + a[3] * 0.5;
        for (int y = 0; y < height; y++)
        {
            double xx = xo, yy = yo;
            for (int x = 0; x < width; x++)
            {
                int xi = Coord(xx);
                if (xi >= 0 && xi < Width)
                {
                    int yi = Coord(yy);
                    if (yi >= 0 && yi < Height) Buffer.BlockCopy(Data, (yi * Width + xi) * c, dst.Data, (y * width + x) * c, c);
                }
                xx += a[0];
                yy += a[3];
            }
            xo += a[1];
            yo += a[4];
        }
        return dst;
    }

    private Image ScaleNearestInto(Image dst, double[] a)
    {
        int c = Channels, width = dst.Width;
        var xin = new int[width];
        double xo = a[2] + a[0] * 0.5, yo = a[5] + a[4] * 0.5;
        for (int x = 0; x < width; x++)
        {
            int xi = Coord(xo);
            xin[x] = xi >= 0 && xi < Width ? xi : -1;
            xo += a[0];
        }
        for (int y = 0; y < dst.Height; y++)
        {
            int yi = Coord(yo);
            yo += a[4];
            if (yi < 0 || yi >= Height) continue;
            for (int x = 0; x < width; x++)
                if (xin[x] >= 0) Buffer.BlockCopy(Data, (yi * Width + xin[x]) * c, dst.Data, (y * width + x) * c, c);
        }
        return dst;
    }

    // Pillow's bilinear_filter8 / bilinear_filter32RGB: edge rows and columns are clamped, the result truncated.
    private void BilinearPixel(double xin, double yin, byte[] dst, int at)
    {
        if (xin < 0.0 || xin >= Width || yin < 0.0 || yin >= Height) return;
        xin -= 0.5;
        yin -= 0.5;
        int x = xin < 0.0 ? (int)Math.Floor(xin) : (int)xin;
        int y = yin < 0.0 ? (int)Math.Floor(yin) : (int)yin;
        double dx = xin - x, dy = yin - y;
        int c = Channels;
        int x0 = Math.Clamp(x, 0, Width - 1), x1 = Math.Clamp(x + 1, 0, Width - 1);
        int yc = Math.Clamp(y, 0, Height - 1);
        bool hasNext = y + 1 >= 0 && y + 1 < Height;
        for (int b = 0; b < c; b++)
        {
            double p0 = Data[(yc * Width + x0) * c + b], p1 = Data[(yc * Width + x1) * c + b];
            double v1 = p0 + (p1 - p0) * dx;
            double v2 = v1;
            if (hasNext)
            {
                double q0 = Data[((y + 1) * Width + x0) * c + b], q1 = Data[((y + 1) * Width + x1) * c + b];
                v2 = q0 + (q1 - q0) * dx;
            }
            dst[at + b] = (byte)(v1 + (v2 - v1) * dy);
        }
    }

    /// <summary>
    /// The image turned by <paramref name="angle"/> degrees counter-clockwise about its centre (or
    /// <paramref name="center"/>) (<c>image.rotate(angle, resample, expand, center, fillcolor=fill)</c>), with
    /// Pillow's matrix, quarter-turn shortcuts and expanded size.
    /// </summary>
    public Image Rotate(double angle, InterpolationMode interpolation = InterpolationMode.Nearest, bool expand = false,
        (double X, double Y)? center = null, byte[]? fill = null)
    {
        angle = PyMod(angle, 360.0);
        if (center is null)
        {
            if (angle == 0) return Copy();
            if (angle == 180) return Transpose(Vision.Transpose.Rotate180);
            if ((angle == 90 || angle == 270) && (expand || Width == Height))
                return Transpose(angle == 90 ? Vision.Transpose.Rotate90 : Vision.Transpose.Rotate270);
        }
        double w = Width, h = Height;
        var (cx, cy) = center ?? (w / 2.0, h / 2.0);
        double rad = -angle * Math.PI / 180.0;
        var m = new[] { Math.Round(Math.Cos(rad), 15), Math.Round(Math.Sin(rad), 15), 0.0, Math.Round(-Math.Sin(rad), 15), Math.Round(Math.Cos(rad), 15), 0.0 };
        (double, double) Apply(double x, double y) => (m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]);
        (m[2], m[5]) = Apply(-cx, -cy);
        m[2] += cx;
        m[5] += cy;
        int nw = Width, nh = Height;
        if (expand)
        {
            var corners = new[] { Apply(0, 0), Apply(w, 0), Apply(w, h), Apply(0, h) };
            nw = (int)(Math.Ceiling(corners.Max(p => p.Item1)) - Math.Floor(corners.Min(p => p.Item1)));
            nh = (int)(Math.Ceiling(corners.Max(p => p.Item2)) - Math.Floor(corners.Min(p => p.Item2)));
            (m[2], m[5]) = Apply(-(nw - w) / 2.0, -(nh - h) / 2.0);
        }
        return Transform(nw, nh, m, interpolation, fill);
    }

    private static double PyMod(double a, double b)
    {
        double r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }
}
