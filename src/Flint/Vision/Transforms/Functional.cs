namespace Flint.Vision.Transforms;

/// <summary>
/// <c>torchvision.transforms.functional</c>: each function takes an <see cref="Image"/> (the PIL path, computed
/// with Pillow's algorithms) or an image tensor [..., C, H, W] (the tensor path, computed as torchvision's
/// tensor functions compute it).
/// </summary>
public static class Functional
{
    /// <summary><c>F.hflip(img)</c>: mirror left to right.</summary>
    public static Image Hflip(Image img) => img.Transpose(Transpose.FlipLeftRight);

    /// <summary><c>F.hflip(img)</c> on a tensor: <c>img.flip(-1)</c>.</summary>
    public static Tensor Hflip(Tensor img) => img.Flip(-1);

    /// <summary><c>F.vflip(img)</c>: mirror top to bottom.</summary>
    public static Image Vflip(Image img) => img.Transpose(Transpose.FlipTopBottom);

    /// <summary><c>F.vflip(img)</c> on a tensor: <c>img.flip(-2)</c>.</summary>
    public static Tensor Vflip(Tensor img) => img.Flip(-2);

    /// <summary><c>F.crop(img, top, left, height, width)</c>; parts outside the image are zero.</summary>
    public static Image Crop(Image img, int top, int left, int height, int width) => img.Crop(left, top, left + width, top + height);

    /// <summary><c>F.crop(img, top, left, height, width)</c> on a tensor; parts outside the image are zero.</summary>
    public static Tensor Crop(Tensor img, int top, int left, int height, int width)
    {
        int h = (int)img.Size(-2), w = (int)img.Size(-1);
        int right = left + width, bottom = top + height;
        if (left >= 0 && top >= 0 && right <= w && bottom <= h)
            return img.Narrow(-2, top, height).Narrow(-1, left, width);
        var shape = img.Shape.ToArray();
        shape[^2] = height;
        shape[^1] = width;
        var r = Torch.Zeros(new Size(shape), img.DType);
        int y0 = Math.Max(top, 0), y1 = Math.Min(bottom, h), x0 = Math.Max(left, 0), x1 = Math.Min(right, w);
        if (y1 > y0 && x1 > x0)
            r.Narrow(-2, y0 - top, y1 - y0).Narrow(-1, x0 - left, x1 - x0).Copy_(img.Narrow(-2, y0, y1 - y0).Narrow(-1, x0, x1 - x0));
        return r;
    }

    /// <summary>
    /// The top-left corner of a centred crop as <c>F.center_crop</c> computes it: <c>int(round((size - crop) / 2))</c>
    /// with Python's round-half-to-even.
    /// </summary>
    private static (int Top, int Left) CenterOffsets(int h, int w, int ch, int cw) =>
        ((int)Math.Round((h - ch) / 2.0, MidpointRounding.ToEven), (int)Math.Round((w - cw) / 2.0, MidpointRounding.ToEven));

    /// <summary><c>F.center_crop(img, [h, w])</c>: pads with zeros first when the crop is larger.</summary>
    public static Image CenterCrop(Image img, int height, int width)
    {
        if (width > img.Width || height > img.Height)
        {
            img = img.Pad(width > img.Width ? (width - img.Width) / 2 : 0, height > img.Height ? (height - img.Height) / 2 : 0,
                width > img.Width ? (width - img.Width + 1) / 2 : 0, height > img.Height ? (height - img.Height + 1) / 2 : 0);
            if (width == img.Width && height == img.Height) return img;
        }
        var (t, l) = CenterOffsets(img.Height, img.Width, height, width);
        return Crop(img, t, l, height, width);
    }

    /// <summary><c>F.center_crop(img, [h, w])</c> on a tensor.</summary>
    public static Tensor CenterCrop(Tensor img, int height, int width)
    {
        int h = (int)img.Size(-2), w = (int)img.Size(-1);
        if (width > w || height > h)
        {
            img = Pad(img, [width > w ? (width - w) / 2 : 0, height > h ? (height - h) / 2 : 0,
                width > w ? (width - w + 1) / 2 : 0, height > h ? (height - h + 1) / 2 : 0]);
            h = (int)img.Size(-2);
            w = (int)img.Size(-1);
            if (width == w && height == h) return img;
        }
        var (t, l) = CenterOffsets(h, w, height, width);
        return Crop(img, t, l, height, width);
    }

    /// <summary>
    /// The output size of <c>F.resize</c>: two values are (h, w); one value sets the shorter side to it and the
    /// longer to <c>int(size * long / short)</c>, capped by <paramref name="maxSize"/>.
    /// </summary>
    public static (int Height, int Width) ResizedSize(int h, int w, IReadOnlyList<int> size, int? maxSize = null)
    {
        if (size.Count == 2)
        {
            if (maxSize is not null)
                throw new ArgumentException("maxSize should only be passed if size specifies the length of the smaller edge, i.e. size should be an int or a sequence of length 1 in torchscript mode.");
            return (size[0], size[1]);
        }
        if (size.Count != 1) throw new ArgumentException($"Size must be an int or a 1 or 2 element tuple/list, not a {size.Count} element tuple/list");
        int shortSide = Math.Min(w, h), longSide = Math.Max(w, h);
        int requested = size[0];
        if (shortSide == requested && maxSize is null) return (h, w);
        int newShort = requested, newLong = (int)((long)requested * longSide / shortSide);
        if (maxSize is { } m)
        {
            if (m <= requested)
                throw new ArgumentException($"max_size = {m} must be strictly greater than the requested size for the smaller edge size = {requested}");
            if (newLong > m)
            {
                newShort = (int)((long)m * newShort / newLong);
                newLong = m;
            }
        }
        return w <= h ? (newLong, newShort) : (newShort, newLong);
    }

    /// <summary>
    /// <c>F.resize(img, size, interpolation, max_size)</c> on an image: Pillow's resampling (always antialiased for
    /// bilinear and bicubic).
    /// </summary>
    public static Image Resize(Image img, IReadOnlyList<int> size, InterpolationMode interpolation = InterpolationMode.Bilinear, int? maxSize = null)
    {
        var (oh, ow) = ResizedSize(img.Height, img.Width, size, maxSize);
        if (oh == img.Height && ow == img.Width) return img;
        return img.Resize(ow, oh, interpolation);
    }

    /// <summary>
    /// <c>F.resize(img, size, interpolation, max_size, antialias)</c> on a tensor: <c>interpolate</c> with
    /// align_corners=False; <paramref name="antialias"/> (default false in torchvision 0.14) widens bilinear's
    /// support when shrinking. Integer tensors are computed in float32 and rounded back.
    /// </summary>
    public static Tensor Resize(Tensor img, IReadOnlyList<int> size, InterpolationMode interpolation = InterpolationMode.Bilinear,
        int? maxSize = null, bool? antialias = null)
    {
        int h = (int)img.Size(-2), w = (int)img.Size(-1);
        var (oh, ow) = ResizedSize(h, w, size, maxSize);
        if (oh == h && ow == w) return img;
        bool aa = antialias ?? false;
        if (aa && interpolation == InterpolationMode.Nearest)
            throw new ArgumentException("Antialias option is supported for bilinear and bicubic interpolation modes only");
        var p = new Planes(img);
        var data = interpolation switch
        {
            InterpolationMode.Nearest => TensorResample.Nearest(p, oh, ow),
            InterpolationMode.Bilinear => aa ? TensorResample.BilinearAntialias(p, oh, ow) : TensorResample.Bilinear(p, oh, ow),
            _ => throw new ArgumentException("bicubic resizing is supported for images; use bilinear or nearest for tensors"),
        };
        return p.Make(data, oh, ow);
    }

    /// <summary><c>F.resized_crop(img, top, left, height, width, size, interpolation)</c>: crop, then resize.</summary>
    public static Image ResizedCrop(Image img, int top, int left, int height, int width, IReadOnlyList<int> size,
        InterpolationMode interpolation = InterpolationMode.Bilinear) =>
        Resize(Crop(img, top, left, height, width), size, interpolation);

    /// <summary><c>F.resized_crop</c> on a tensor.</summary>
    public static Tensor ResizedCrop(Tensor img, int top, int left, int height, int width, IReadOnlyList<int> size,
        InterpolationMode interpolation = InterpolationMode.Bilinear, bool? antialias = null) =>
        Resize(Crop(img, top, left, height, width), size, interpolation, null, antialias);

    private static (int L, int T, int R, int B) Ltrb(IReadOnlyList<int> padding) => padding.Count switch
    {
        1 => (padding[0], padding[0], padding[0], padding[0]),
        2 => (padding[0], padding[1], padding[0], padding[1]),
        4 => (padding[0], padding[1], padding[2], padding[3]),
        _ => throw new ArgumentException($"Padding must be an int or a 1, 2, or 4 element tuple, not a {padding.Count} element tuple"),
    };

    /// <summary>
    /// <c>F.pad(img, padding, fill, padding_mode)</c> on an image: padding is one value (all sides), two (left/right,
    /// top/bottom) or four (left, top, right, bottom).
    /// </summary>
    public static Image Pad(Image img, IReadOnlyList<int> padding, double fill = 0, PaddingMode paddingMode = PaddingMode.Constant)
    {
        var (l, t, r, b) = Ltrb(padding);
        return img.Pad(l, t, r, b, paddingMode, [(byte)fill]);
    }

    /// <summary><c>F.pad(img, padding, fill, padding_mode)</c> on a tensor.</summary>
    public static Tensor Pad(Tensor img, IReadOnlyList<int> padding, double fill = 0, PaddingMode paddingMode = PaddingMode.Constant)
    {
        var (l, t, r, b) = Ltrb(padding);
        int h = (int)img.Size(-2), w = (int)img.Size(-1);
        if (l < 0 || t < 0 || r < 0 || b < 0)
        {
            int cl = Math.Max(-l, 0), ct = Math.Max(-t, 0), cr = Math.Max(-r, 0), cb = Math.Max(-b, 0);
            img = img.Narrow(-2, ct, h - ct - cb).Narrow(-1, cl, w - cl - cr);
            (l, t, r, b, h, w) = (Math.Max(l, 0), Math.Max(t, 0), Math.Max(r, 0), Math.Max(b, 0), h - ct - cb, w - cl - cr);
        }
        if (paddingMode == PaddingMode.Reflect && (l >= w || r >= w || t >= h || b >= h))
            throw new ArgumentException($"Padding size should be less than the corresponding input dimension, but got: padding ({l}, {r}) at dimension 3 of input [{h}, {w}]");
        int oh = h + t + b, ow = w + l + r;
        var xs = Image.PadIndex(w, l, ow, paddingMode);
        var ys = Image.PadIndex(h, t, oh, paddingMode);
        var rows = Torch.FromArray(ys.Select(i => (long)Math.Max(i, 0)).ToArray());
        var cols = Torch.FromArray(xs.Select(i => (long)Math.Max(i, 0)).ToArray());
        var r0 = img.IndexSelect(-2, rows).IndexSelect(-1, cols);
        if (paddingMode != PaddingMode.Constant) return r0;
        var outside = Torch.FromArray(ys.Select(i => i < 0).ToArray()).View(oh, 1).LogicalOr(Torch.FromArray(xs.Select(i => i < 0).ToArray()).View(1, ow));
        return Torch.Where(outside, Torch.ScalarTensor(fill, img.DType), r0);
    }

    /// <summary>
    /// <c>F.rotate(img, angle, interpolation, expand, center, fill)</c> on an image: Pillow's <c>rotate</c>
    /// (counter-clockwise degrees) with the fill colour outside.
    /// </summary>
    public static Image Rotate(Image img, double angle, InterpolationMode interpolation = InterpolationMode.Nearest, bool expand = false,
        (double X, double Y)? center = null, IReadOnlyList<double>? fill = null) =>
        img.Rotate(angle, interpolation, expand, center, FillBytes(fill, img.Channels));

    /// <summary><c>F.rotate</c> on a tensor: the inverse matrix of <c>-angle</c> through <c>grid_sample</c>.</summary>
    public static Tensor Rotate(Tensor img, double angle, InterpolationMode interpolation = InterpolationMode.Nearest, bool expand = false,
        (double X, double Y)? center = null, IReadOnlyList<double>? fill = null)
    {
        int w = (int)img.Size(-1), h = (int)img.Size(-2);
        double cx = 0, cy = 0;
        if (center is { } c) (cx, cy) = (c.X - w * 0.5, c.Y - h * 0.5);
        var m = InverseAffineMatrix(cx, cy, -angle, 0, 0, 1.0, 0, 0);
        int ow = w, oh = h;
        if (expand) (ow, oh) = AffineOutputSize(m, w, h);
        var p = new Planes(img);
        return p.Make(TensorResample.Affine(p, m, oh, ow, interpolation, fill?.Select(v => (float)v).ToArray()), oh, ow);
    }

    /// <summary>
    /// <c>F.affine(img, angle, translate, scale, shear, interpolation, fill, center)</c> on an image: Pillow's affine
    /// transform with torchvision's inverse matrix about the centre <c>(w * 0.5, h * 0.5)</c>.
    /// </summary>
    public static Image Affine(Image img, double angle, (int X, int Y) translate, double scale, (double X, double Y) shear,
        InterpolationMode interpolation = InterpolationMode.Nearest, IReadOnlyList<double>? fill = null, (double X, double Y)? center = null)
    {
        CheckScale(scale);
        var (cx, cy) = center ?? (img.Width * 0.5, img.Height * 0.5);
        var m = InverseAffineMatrix(cx, cy, angle, translate.X, translate.Y, scale, shear.X, shear.Y);
        return img.Transform(img.Width, img.Height, m, interpolation, FillBytes(fill, img.Channels));
    }

    /// <summary><c>F.affine</c> on a tensor, through <c>grid_sample</c>.</summary>
    public static Tensor Affine(Tensor img, double angle, (int X, int Y) translate, double scale, (double X, double Y) shear,
        InterpolationMode interpolation = InterpolationMode.Nearest, IReadOnlyList<double>? fill = null, (double X, double Y)? center = null)
    {
        CheckScale(scale);
        int w = (int)img.Size(-1), h = (int)img.Size(-2);
        double cx = 0, cy = 0;
        if (center is { } c) (cx, cy) = (c.X - w * 0.5, c.Y - h * 0.5);
        var m = InverseAffineMatrix(cx, cy, angle, translate.X, translate.Y, scale, shear.X, shear.Y);
        var p = new Planes(img);
        return p.Make(TensorResample.Affine(p, m, h, w, interpolation, fill?.Select(v => (float)v).ToArray()), h, w);
    }

    private static void CheckScale(double scale)
    {
        if (scale <= 0) throw new ArgumentException("Argument scale should be positive");
    }

    private static byte[]? FillBytes(IReadOnlyList<double>? fill, int channels) =>
        fill is null ? null : fill.Select(v => (byte)v).ToArray() is { } b && (b.Length == 1 || b.Length == channels) ? b
            : throw new ArgumentException($"The number of elements in 'fill' does not match the number of channels of the image ({fill.Count} != {channels})");

    /// <summary>torchvision's <c>_get_inverse_affine_matrix(center, angle, translate, scale, shear)</c>.</summary>
    internal static double[] InverseAffineMatrix(double cx, double cy, double angle, double tx, double ty, double scale, double shearX, double shearY)
    {
        double rot = angle * Math.PI / 180, sx = shearX * Math.PI / 180, sy = shearY * Math.PI / 180;
        double a = Math.Cos(rot - sy) / Math.Cos(sy);
        double b = -Math.Cos(rot - sy) * Math.Tan(sx) / Math.Cos(sy) - Math.Sin(rot);
        double c = Math.Sin(rot - sy) / Math.Cos(sy);
        double d = -Math.Sin(rot - sy) * Math.Tan(sx) / Math.Cos(sy) + Math.Cos(rot);
        var m = new[] { d / scale, -b / scale, 0.0, -c / scale, a / scale, 0.0 };
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
        m[2] += cx;
        m[5] += cy;
        return m;
    }

    // torchvision's _compute_affine_output_size (tensor rotate with expand): the corners through the matrix in
    // float32, shifted to [0, w] x [0, h], truncated to 1e-4 before ceil and floor.
    private static (int W, int H) AffineOutputSize(double[] m, int w, int h)
    {
        var t = m.Select(v => (float)v).ToArray();
        float[,] pts = { { -0.5f * w, -0.5f * h }, { -0.5f * w, 0.5f * h }, { 0.5f * w, 0.5f * h }, { 0.5f * w, -0.5f * h } };
        float minX = float.MaxValue, maxX = float.MinValue, minY = float.MaxValue, maxY = float.MinValue;
        for (int k = 0; k < 4; k++)
        {
            float x = pts[k, 0] * t[0] + pts[k, 1] * t[1] + t[2], y = pts[k, 0] * t[3] + pts[k, 1] * t[4] + t[5];
            minX = Math.Min(minX, x); maxX = Math.Max(maxX, x); minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
        }
        minX += w * 0.5f; maxX += w * 0.5f; minY += h * 0.5f; maxY += h * 0.5f;
        const float tol = 1e-4f;
        float cmaxX = MathF.Ceiling(MathF.Truncate(maxX / tol) * tol), cminX = MathF.Floor(MathF.Truncate(minX / tol) * tol);
        float cmaxY = MathF.Ceiling(MathF.Truncate(maxY / tol) * tol), cminY = MathF.Floor(MathF.Truncate(minY / tol) * tol);
        return ((int)(cmaxX - cminX), (int)(cmaxY - cminY));
    }

    /// <summary><c>F.rgb_to_grayscale(img, num_output_channels)</c> on an image: Pillow's L conversion.</summary>
    public static Image RgbToGrayscale(Image img, int numOutputChannels = 1)
    {
        if (numOutputChannels is not (1 or 3)) throw new ArgumentException("num_output_channels should be either 1 or 3");
        var l = img.Convert("L");
        return numOutputChannels == 1 ? l : l.Convert("RGB");
    }

    /// <summary>
    /// <c>F.rgb_to_grayscale</c> on a tensor: <c>(0.2989 r + 0.587 g + 0.114 b).to(img.dtype)</c>, repeated to 3
    /// channels if asked.
    /// </summary>
    public static Tensor RgbToGrayscale(Tensor img, int numOutputChannels = 1)
    {
        if (numOutputChannels is not (1 or 3)) throw new ArgumentException("num_output_channels should be either 1 or 3");
        int c = (int)img.Size(-3);
        if (c == 1) return numOutputChannels == 1 ? img.Clone() : img.Expand([.. img.Shape.ToArray()[..^3], 3, img.Size(-2), img.Size(-1)]).Contiguous();
        if (c != 3) throw new ArgumentException($"Input image tensor permitted channel values are [1, 3], but found {c}");
        var r = img.Select(-3, 0);
        var g = img.Select(-3, 1);
        var b = img.Select(-3, 2);
        var l = r.Mul(0.2989).Add(g.Mul(0.587)).Add(b.Mul(0.114)).To(img.DType).Unsqueeze(-3);
        return numOutputChannels == 3 ? l.Expand([.. img.Shape.ToArray()[..^3], 3, img.Size(-2), img.Size(-1)]).Contiguous() : l;
    }

    private static double Bound(Tensor img) => img.IsFloatingPoint() ? 1.0 : 255.0;

    // torchvision's _blend: (ratio * img1 + (1 - ratio) * img2).clamp(0, bound).to(img1.dtype).
    private static Tensor Blend(Tensor img1, Tensor img2, double ratio) =>
        img1.Mul(ratio).Add(img2.Mul(1.0 - ratio)).Clamp(0, Bound(img1)).To(img1.DType);

    private static void CheckFactor(double factor, string name)
    {
        if (factor < 0) throw new ArgumentException($"{name} ({factor}) is not non-negative.");
    }

    /// <summary><c>F.adjust_brightness(img, brightness_factor)</c>.</summary>
    public static Image AdjustBrightness(Image img, double factor)
    {
        CheckFactor(factor, "brightness_factor");
        return img.AdjustBrightness(factor);
    }

    /// <summary><c>F.adjust_brightness</c> on a tensor: a blend with zeros.</summary>
    public static Tensor AdjustBrightness(Tensor img, double factor)
    {
        CheckFactor(factor, "brightness_factor");
        return Blend(img, Torch.ZerosLike(img), factor);
    }

    /// <summary><c>F.adjust_contrast(img, contrast_factor)</c>.</summary>
    public static Image AdjustContrast(Image img, double factor)
    {
        CheckFactor(factor, "contrast_factor");
        return img.AdjustContrast(factor);
    }

    /// <summary><c>F.adjust_contrast</c> on a tensor: a blend with the mean of the grey image.</summary>
    public static Tensor AdjustContrast(Tensor img, double factor)
    {
        CheckFactor(factor, "contrast_factor");
        var dtype = img.IsFloatingPoint() ? img.DType : DType.Float32;
        var grey = img.Size(-3) == 3 ? RgbToGrayscale(img) : img;
        var mean = grey.To(dtype).Mean([-3, -2, -1], keepdim: true);
        return Blend(img, mean, factor);
    }

    /// <summary><c>F.adjust_saturation(img, saturation_factor)</c>.</summary>
    public static Image AdjustSaturation(Image img, double factor)
    {
        CheckFactor(factor, "saturation_factor");
        return img.AdjustSaturation(factor);
    }

    /// <summary><c>F.adjust_saturation</c> on a tensor: a blend with the grey image (grey tensors are returned as they are).</summary>
    public static Tensor AdjustSaturation(Tensor img, double factor)
    {
        CheckFactor(factor, "saturation_factor");
        if (img.Size(-3) == 1) return img;
        return Blend(img, RgbToGrayscale(img), factor);
    }

    /// <summary><c>F.adjust_hue(img, hue_factor)</c>, hue_factor in [-0.5, 0.5].</summary>
    public static Image AdjustHue(Image img, double factor) => img.AdjustHue(factor);

    /// <summary>
    /// <c>F.adjust_hue</c> on a tensor: RGB to HSV in float, shift H modulo 1, back to RGB; uint8 tensors go
    /// through <c>convert_image_dtype</c> both ways.
    /// </summary>
    public static Tensor AdjustHue(Tensor img, double factor)
    {
        if (factor < -0.5 || factor > 0.5) throw new ArgumentException($"hue_factor ({factor}) is not in [-0.5, 0.5].");
        if (img.Size(-3) == 1) return img;
        var orig = img.DType;
        var f = ConvertImageDtype(img, DType.Float32);
        var p = new Planes(f);
        int n = (int)(f.Numel() / (3L * p.H * p.W)), plane = p.H * p.W;
        var d = p.Data;
        for (int b = 0; b < n; b++)
            for (int i = 0; i < plane; i++)
            {
                int ri = b * 3 * plane + i, gi = ri + plane, bi = gi + plane;
                float r = d[ri], g = d[gi], bl = d[bi];
                float maxc = Math.Max(r, Math.Max(g, bl)), minc = Math.Min(r, Math.Min(g, bl));
                bool eqc = maxc == minc;
                float cr = maxc - minc;
                float s = cr / (eqc ? 1f : maxc);
                float crDivisor = eqc ? 1f : cr;
                float rc = (maxc - r) / crDivisor, gc = (maxc - g) / crDivisor, bc = (maxc - bl) / crDivisor;
                float hr = maxc == r ? bc - gc : 0f;
                float hg = maxc == g && maxc != r ? 2.0f + rc - bc : 0f;
                float hb = maxc != g && maxc != r ? 4.0f + gc - rc : 0f;
                float h = hr + hg + hb;
                h = PyModF(h / 6.0f + 1.0f, 1.0f);
                h = PyModF(h + (float)factor, 1.0f);
                float v = maxc;
                float i6 = MathF.Floor(h * 6.0f);
                float ff = h * 6.0f - i6;
                int ii = (int)i6 % 6;
                float pp = Math.Clamp(v * (1.0f - s), 0f, 1f);
                float qq = Math.Clamp(v * (1.0f - s * ff), 0f, 1f);
                float tt = Math.Clamp(v * (1.0f - s * (1.0f - ff)), 0f, 1f);
                (d[ri], d[gi], d[bi]) = ii switch
                {
                    0 => (v, tt, pp),
                    1 => (qq, v, pp),
                    2 => (pp, v, tt),
                    3 => (pp, qq, v),
                    4 => (tt, pp, v),
                    _ => (v, pp, qq),
                };
            }
        var result = Torch.FromArray(d, f.Shape.ToArray());
        return ConvertImageDtype(result, orig);
    }

    private static float PyModF(float a, float b)
    {
        float r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }

    /// <summary>
    /// <c>F.gaussian_blur(img, kernel_size, sigma)</c> on a tensor: a separable Gaussian kernel
    /// (<c>linspace</c>, <c>exp(-0.5 (x / sigma)^2)</c>, normalised), reflect padding, computed in float32.
    /// </summary>
    public static Tensor GaussianBlur(Tensor img, (int X, int Y) kernelSize, (double X, double Y) sigma)
    {
        if (kernelSize.X <= 0 || kernelSize.Y <= 0 || kernelSize.X % 2 == 0 || kernelSize.Y % 2 == 0)
            throw new ArgumentException($"kernel_size should have odd and positive integers. Got ({kernelSize.X}, {kernelSize.Y})");
        if (sigma.X <= 0 || sigma.Y <= 0) throw new ArgumentException($"sigma should have positive values. Got ({sigma.X}, {sigma.Y})");
        var kx = Kernel1d(kernelSize.X, sigma.X);
        var ky = Kernel1d(kernelSize.Y, sigma.Y);
        var padded = new Planes(Pad(img.To(DType.Float32), [kernelSize.X / 2, kernelSize.Y / 2, kernelSize.X / 2, kernelSize.Y / 2], 0, PaddingMode.Reflect));
        var p = new Planes(img);
        int h = p.H, w = p.W, pw = padded.W;
        var r = new float[p.Count * h * w];
        for (int n = 0; n < p.Count; n++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    float s = 0;
                    for (int i = 0; i < ky.Length; i++)
                        for (int j = 0; j < kx.Length; j++)
                            s += padded.Data[(n * padded.H + y + i) * pw + x + j] * (ky[i] * kx[j]);
                    r[(n * h + y) * w + x] = s;
                }
        return p.Make(r, h, w);
    }

    private static float[] Kernel1d(int size, double sigma)
    {
        double half = (size - 1) * 0.5;
        var x = Torch.Linspace(-half, half, size).ToArray<float>();
        var pdf = x.Select(v => MathF.Exp(-0.5f * MathF.Pow(v / (float)sigma, 2))).ToArray();
        float sum = 0;
        foreach (var v in pdf) sum += v;
        return pdf.Select(v => v / sum).ToArray();
    }

    /// <summary><c>F.gaussian_blur</c> on an image: through the tensor path, as torchvision does.</summary>
    public static Image GaussianBlur(Image img, (int X, int Y) kernelSize, (double X, double Y) sigma) =>
        Image.FromTensor(GaussianBlur(img.ToTensor(), kernelSize, sigma), img.Mode);

    /// <summary>
    /// <c>F.erase(img, i, j, h, w, v, inplace)</c>: the rectangle rows i..i+h, columns j..j+w set to
    /// <paramref name="v"/> (broadcast).
    /// </summary>
    public static Tensor Erase(Tensor img, int i, int j, int h, int w, Tensor v, bool inplace = false)
    {
        if (!inplace) img = img.Clone();
        img.Narrow(-2, i, h).Narrow(-1, j, w).Copy_(v.To(img.DType));
        return img;
    }

    /// <summary>
    /// <c>F.normalize(tensor, mean, std, inplace)</c>: <c>(x - mean[c]) / std[c]</c> per channel of a float tensor.
    /// </summary>
    public static Tensor Normalize(Tensor tensor, IReadOnlyList<double> mean, IReadOnlyList<double> std, bool inplace = false)
    {
        if (!tensor.IsFloatingPoint()) throw new ArgumentException($"Input tensor should be a float tensor. Got {tensor.DType.TorchName()}.");
        if (tensor.Dim() < 3)
            throw new ArgumentException($"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = {tensor.Shape}");
        var dt = tensor.DType;
        var m = mean.Select(v => dt == DType.Float32 ? (float)v : v).ToArray();
        var s = std.Select(v => dt == DType.Float32 ? (float)v : v).ToArray();
        if (s.Any(v => v == 0))
            throw new ArgumentException($"std evaluated to zero after conversion to {dt.TorchName()}, leading to division by zero.");
        int c = (int)tensor.Size(-3);
        if ((m.Length != 1 && m.Length != c) || (s.Length != 1 && s.Length != c))
            throw new ArgumentException($"The size of tensor a ({Math.Max(m.Length, s.Length)}) must match the size of tensor b ({c}) at non-singleton dimension 0");
        var result = inplace ? tensor : tensor.Clone();
        if (dt == DType.Float32 && result.IsContiguous() && result.Device.IsCpu)
        {
            // The per-channel loop computes (x - m) / s in float32 exactly as sub_ then div_ do.
            var span = result.Data<float>();
            int plane = (int)(result.Size(-2) * result.Size(-1));
            for (int start = 0, ch = 0; start < span.Length; start += plane, ch = (ch + 1) % c)
            {
                float mv = (float)m[m.Length == 1 ? 0 : ch], sv = (float)s[s.Length == 1 ? 0 : ch];
                var seg = span.Slice(start, plane);
                System.Numerics.Tensors.TensorPrimitives.Subtract(seg, mv, seg);
                System.Numerics.Tensors.TensorPrimitives.Divide(seg, sv, seg);
            }
            return result;
        }
        var mt = Torch.FromArray(m.Select(v => (double)v).ToArray()).To(dt).View(-1, 1, 1);
        var st = Torch.FromArray(s.Select(v => (double)v).ToArray()).To(dt).View(-1, 1, 1);
        return result.Sub_(mt).Div_(st);
    }

    /// <summary><c>F.to_tensor(pic)</c>: a float32 tensor [C, H, W] with values / 255.</summary>
    public static Tensor ToTensor(Image pic)
    {
        int n = pic.Width * pic.Height, c = pic.Channels;
        var data = new float[pic.Data.Length];
        var src = pic.Data;
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < n; p++) data[ch * n + p] = src[p * c + ch] / 255f;
        return Torch.FromArray(data, c, pic.Height, pic.Width);
    }

    /// <summary><c>F.pil_to_tensor(pic)</c>: a uint8 tensor [C, H, W].</summary>
    public static Tensor PilToTensor(Image pic) => pic.ToTensor();

    /// <summary><c>F.to_pil_image(pic, mode)</c>: a tensor back to an image.</summary>
    public static Image ToPilImage(Tensor pic, string? mode = null) => Image.FromTensor(pic, mode);

    /// <summary>
    /// <c>F.convert_image_dtype(image, dtype)</c>: uint8 to float divides by 255; float to uint8 multiplies by
    /// <c>255 + 1 - 0.001</c> and truncates; between integer types by bit shifts.
    /// </summary>
    public static Tensor ConvertImageDtype(Tensor image, DType dtype)
    {
        if (image.DType == dtype) return image;
        if (image.IsFloatingPoint())
        {
            if (dtype.IsFloatingPoint()) return image.To(dtype);
            if ((image.DType == DType.Float32 && dtype is DType.Int32 or DType.Int64) || (image.DType == DType.Float64 && dtype == DType.Int64))
                throw new ArgumentException($"The cast from {image.DType.TorchName()} to {dtype.TorchName()} cannot be performed safely.");
            const double eps = 1e-3;
            double max = MaxValue(dtype);
            return image.Mul(max + 1.0 - eps).To(dtype);
        }
        double inMax = MaxValue(image.DType);
        if (dtype.IsFloatingPoint()) return image.To(dtype).Div(inMax);
        double outMax = MaxValue(dtype);
        if (inMax > outMax)
        {
            long factor = (long)((inMax + 1) / (outMax + 1));
            return image.Div(factor, "floor").To(dtype);
        }
        long up = (long)((outMax + 1) / (inMax + 1));
        return image.To(dtype).Mul(up);
    }

    private static double MaxValue(DType t) => t switch
    {
        DType.UInt8 => 255,
        DType.Int8 => 127,
        DType.Int16 => 32767,
        DType.Int32 => int.MaxValue,
        DType.Int64 => long.MaxValue,
        DType.Bool => 1,
        _ => 1,
    };

    /// <summary>
    /// <c>F.five_crop(img, size)</c>: the four corner crops and the centre crop, in torchvision's order
    /// (top-left, top-right, bottom-left, bottom-right, centre).
    /// </summary>
    public static T[] FiveCrop<T>(T img, int height, int width) where T : class
    {
        var (ih, iw) = img switch
        {
            Image i => (i.Height, i.Width),
            Tensor t => ((int)t.Size(-2), (int)t.Size(-1)),
            _ => throw new ArgumentException($"img should be an Image or a Tensor. Got {typeof(T).Name}"),
        };
        if (width > iw || height > ih)
            throw new ArgumentException($"Requested crop size ({height}, {width}) is bigger than input size ({ih}, {iw})");
        T Cut(int top, int left) => img is Image im ? (T)(object)Crop(im, top, left, height, width) : (T)(object)Crop((Tensor)(object)img, top, left, height, width);
        T center = img is Image ci ? (T)(object)CenterCrop(ci, height, width) : (T)(object)CenterCrop((Tensor)(object)img, height, width);
        return [Cut(0, 0), Cut(0, iw - width), Cut(ih - height, 0), Cut(ih - height, iw - width), center];
    }
}
