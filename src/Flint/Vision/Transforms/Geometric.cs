using F = Flint.Vision.Transforms.Functional;

namespace Flint.Vision.Transforms;

/// <summary>
/// Resizes to (h, w), or the shorter side to one size keeping the aspect ratio (<c>transforms.Resize(size,
/// interpolation=BILINEAR, max_size=None, antialias=None)</c>).
/// </summary>
public sealed class Resize : ImageTransform
{
    private readonly int[] size;

    /// <summary>The shorter side becomes <paramref name="size"/>.</summary>
    public Resize(int size, InterpolationMode interpolation = InterpolationMode.Bilinear, int? maxSize = null, bool? antialias = null)
        : this([size], interpolation, maxSize, antialias) { }

    /// <summary>The image becomes <paramref name="size"/> (height, width).</summary>
    public Resize((int Height, int Width) size, InterpolationMode interpolation = InterpolationMode.Bilinear, bool? antialias = null)
        : this([size.Height, size.Width], interpolation, null, antialias) { }

    private Resize(int[] size, InterpolationMode interpolation, int? maxSize, bool? antialias)
    {
        this.size = size;
        Interpolation = interpolation;
        MaxSize = maxSize;
        Antialias = antialias;
    }

    /// <summary>The size (one value: the shorter side; two: height and width).</summary>
    public IReadOnlyList<int> Size => size;

    /// <summary>The resampling (<c>resize.interpolation</c>).</summary>
    public InterpolationMode Interpolation { get; }

    /// <summary>The cap on the longer side (<c>resize.max_size</c>).</summary>
    public int? MaxSize { get; }

    /// <summary>Antialiasing for tensors (<c>resize.antialias</c>); images are always antialiased, as PIL does.</summary>
    public bool? Antialias { get; }

    /// <inheritdoc/>
    public override Image Forward(Image img) => F.Resize(img, size, Interpolation, MaxSize);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img) => F.Resize(img, size, Interpolation, MaxSize, Antialias);

    /// <inheritdoc/>
    public override string ToString() =>
        $"Resize(size={(size.Length == 1 ? size[0].ToString() : $"({size[0]}, {size[1]})")}, interpolation={Interpolation.ToString().ToLowerInvariant()}, max_size={(MaxSize?.ToString() ?? "None")}, antialias={(Antialias is null ? "None" : Antialias.Value ? "True" : "False")})";
}

/// <summary>Crops the centre (<c>transforms.CenterCrop(size)</c>), padding with zeros when the image is smaller.</summary>
public sealed class CenterCrop(int height, int width) : ImageTransform
{
    /// <summary>A square centre crop.</summary>
    public CenterCrop(int size) : this(size, size) { }

    /// <inheritdoc/>
    public override Image Forward(Image img) => F.CenterCrop(img, height, width);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img) => F.CenterCrop(img, height, width);

    /// <inheritdoc/>
    public override string ToString() => $"CenterCrop(size=({height}, {width}))";
}

/// <summary>
/// Crops at a random place (<c>transforms.RandomCrop(size, padding=None, pad_if_needed=False, fill=0,
/// padding_mode='constant')</c>): the top is <c>torch.randint(0, h - th + 1)</c>, then the left likewise.
/// </summary>
public sealed class RandomCrop(int height, int width, int[]? padding = null, bool padIfNeeded = false, double fill = 0,
    PaddingMode paddingMode = PaddingMode.Constant, Generator? generator = null) : RandomImageTransform(generator)
{
    /// <summary>A square random crop.</summary>
    public RandomCrop(int size, int[]? padding = null, bool padIfNeeded = false, double fill = 0,
        PaddingMode paddingMode = PaddingMode.Constant, Generator? generator = null)
        : this(size, size, padding, padIfNeeded, fill, paddingMode, generator) { }

    /// <summary>
    /// The crop's (top, left, height, width) for an image of the given size (<c>RandomCrop.get_params</c>).
    /// </summary>
    public (int Top, int Left, int Height, int Width) GetParams(int imageHeight, int imageWidth)
    {
        if (imageHeight < height || imageWidth < width)
            throw new ArgumentException($"Required crop size ({height}, {width}) is larger than input image size ({imageHeight}, {imageWidth})");
        if (imageHeight == height && imageWidth == width) return (0, 0, height, width);
        int i = RandInt(0, imageHeight - height + 1);
        int j = RandInt(0, imageWidth - width + 1);
        return (i, j, height, width);
    }

    /// <inheritdoc/>
    public override Image Forward(Image img)
    {
        if (padding is not null) img = F.Pad(img, padding, fill, paddingMode);
        if (padIfNeeded && img.Width < width) img = F.Pad(img, [width - img.Width, 0], fill, paddingMode);
        if (padIfNeeded && img.Height < height) img = F.Pad(img, [0, height - img.Height], fill, paddingMode);
        var (i, j, h, w) = GetParams(img.Height, img.Width);
        return F.Crop(img, i, j, h, w);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img)
    {
        if (padding is not null) img = F.Pad(img, padding, fill, paddingMode);
        if (padIfNeeded && img.Size(-1) < width) img = F.Pad(img, [width - (int)img.Size(-1), 0], fill, paddingMode);
        if (padIfNeeded && img.Size(-2) < height) img = F.Pad(img, [0, height - (int)img.Size(-2)], fill, paddingMode);
        var (i, j, h, w) = GetParams((int)img.Size(-2), (int)img.Size(-1));
        return F.Crop(img, i, j, h, w);
    }
}

/// <summary>
/// Crops a random area and aspect ratio, then resizes (<c>transforms.RandomResizedCrop(size, scale=(0.08, 1.0),
/// ratio=(3/4, 4/3), interpolation=BILINEAR)</c>), with torchvision's ten tries and centre-crop fallback.
/// </summary>
public sealed class RandomResizedCrop : RandomImageTransform
{
    private readonly int height, width;
    private readonly (double Min, double Max) scale, ratio;
    private readonly InterpolationMode interpolation;
    private readonly bool? antialias;

    /// <summary>A crop resized to <paramref name="size"/> x <paramref name="size"/>.</summary>
    public RandomResizedCrop(int size, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null,
        InterpolationMode interpolation = InterpolationMode.Bilinear, bool? antialias = null, Generator? generator = null)
        : this((size, size), scale, ratio, interpolation, antialias, generator) { }

    /// <summary>A crop resized to (height, width).</summary>
    public RandomResizedCrop((int Height, int Width) size, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null,
        InterpolationMode interpolation = InterpolationMode.Bilinear, bool? antialias = null, Generator? generator = null) : base(generator)
    {
        (height, width) = size;
        this.scale = scale ?? (0.08, 1.0);
        this.ratio = ratio ?? (3.0 / 4.0, 4.0 / 3.0);
        this.interpolation = interpolation;
        this.antialias = antialias;
    }

    /// <summary>The crop's (top, left, height, width) for an image of the given size (<c>RandomResizedCrop.get_params</c>).</summary>
    public (int Top, int Left, int Height, int Width) GetParams(int imageHeight, int imageWidth)
    {
        double area = (double)imageHeight * imageWidth;
        double logMin = Math.Log(ratio.Min), logMax = Math.Log(ratio.Max);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double targetArea = area * Uniform(scale.Min, scale.Max);
            double aspect = Math.Exp(Uniform(logMin, logMax));
            int w = (int)Math.Round(Math.Sqrt(targetArea * aspect), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(targetArea / aspect), MidpointRounding.ToEven);
            if (0 < w && w <= imageWidth && 0 < h && h <= imageHeight)
            {
                int i = RandInt(0, imageHeight - h + 1);
                int j = RandInt(0, imageWidth - w + 1);
                return (i, j, h, w);
            }
        }
        double inRatio = (double)imageWidth / imageHeight;
        int cw, ch;
        if (inRatio < Math.Min(ratio.Min, ratio.Max))
        {
            cw = imageWidth;
            ch = (int)Math.Round(cw / Math.Min(ratio.Min, ratio.Max), MidpointRounding.ToEven);
        }
        else if (inRatio > Math.Max(ratio.Min, ratio.Max))
        {
            ch = imageHeight;
            cw = (int)Math.Round(ch * Math.Max(ratio.Min, ratio.Max), MidpointRounding.ToEven);
        }
        else
        {
            cw = imageWidth;
            ch = imageHeight;
        }
        return ((imageHeight - ch) / 2, (imageWidth - cw) / 2, ch, cw);
    }

    /// <inheritdoc/>
    public override Image Forward(Image img)
    {
        var (i, j, h, w) = GetParams(img.Height, img.Width);
        return F.ResizedCrop(img, i, j, h, w, [height, width], interpolation);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img)
    {
        var (i, j, h, w) = GetParams((int)img.Size(-2), (int)img.Size(-1));
        return F.ResizedCrop(img, i, j, h, w, [height, width], interpolation, antialias);
    }
}

/// <summary>The four corner crops and the centre crop (<c>transforms.FiveCrop(size)</c>).</summary>
public sealed class FiveCrop(int height, int width) : Transform
{
    /// <summary>Square crops.</summary>
    public FiveCrop(int size) : this(size, size) { }

    /// <inheritdoc/>
    public override object Forward(object input) => input switch
    {
        Image i => Forward(i),
        Tensor t => Forward(t),
        _ => throw NotImage(input),
    };

    /// <summary>Five crops of an image: top-left, top-right, bottom-left, bottom-right, centre.</summary>
    public Image[] Forward(Image img) => F.FiveCrop(img, height, width);

    /// <summary>Five crops of an image tensor.</summary>
    public Tensor[] Forward(Tensor img) => F.FiveCrop(img, height, width);
}

/// <summary>Mirrors left to right with probability p (<c>transforms.RandomHorizontalFlip(p=0.5)</c>): <c>torch.rand(1) &lt; p</c>.</summary>
public sealed class RandomHorizontalFlip(double p = 0.5, Generator? generator = null) : RandomImageTransform(generator)
{
    /// <inheritdoc/>
    public override Image Forward(Image img) => Rand() < p ? F.Hflip(img) : img;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img) => Rand() < p ? F.Hflip(img) : img;

    /// <inheritdoc/>
    public override string ToString() => $"RandomHorizontalFlip(p={p.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
}

/// <summary>Mirrors top to bottom with probability p (<c>transforms.RandomVerticalFlip(p=0.5)</c>).</summary>
public sealed class RandomVerticalFlip(double p = 0.5, Generator? generator = null) : RandomImageTransform(generator)
{
    /// <inheritdoc/>
    public override Image Forward(Image img) => Rand() < p ? F.Vflip(img) : img;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img) => Rand() < p ? F.Vflip(img) : img;
}

/// <summary>Pads the borders (<c>transforms.Pad(padding, fill=0, padding_mode='constant')</c>).</summary>
public sealed class Pad(int[] padding, double fill = 0, PaddingMode paddingMode = PaddingMode.Constant) : ImageTransform
{
    /// <summary>The same padding on all sides.</summary>
    public Pad(int padding, double fill = 0, PaddingMode paddingMode = PaddingMode.Constant) : this([padding], fill, paddingMode) { }

    /// <inheritdoc/>
    public override Image Forward(Image img) => F.Pad(img, padding, fill, paddingMode);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img) => F.Pad(img, padding, fill, paddingMode);
}

/// <summary>
/// Rotates by a random angle in [min, max] degrees (<c>transforms.RandomRotation(degrees, interpolation=NEAREST,
/// expand=False, center=None, fill=0)</c>): the angle is <c>torch.empty(1).uniform_(min, max)</c>.
/// </summary>
public sealed class RandomRotation((double Min, double Max) degrees, InterpolationMode interpolation = InterpolationMode.Nearest,
    bool expand = false, (double X, double Y)? center = null, double fill = 0, Generator? generator = null) : RandomImageTransform(generator)
{
    /// <summary>An angle in [-degrees, degrees].</summary>
    public RandomRotation(double degrees, InterpolationMode interpolation = InterpolationMode.Nearest, bool expand = false,
        (double X, double Y)? center = null, double fill = 0, Generator? generator = null)
        : this(degrees < 0 ? throw new ArgumentException("If degrees is a single number, it must be positive.") : (-degrees, degrees),
            interpolation, expand, center, fill, generator) { }

    /// <summary>The angle of the next rotation (<c>RandomRotation.get_params</c>).</summary>
    public double GetParams() => Uniform(degrees.Min, degrees.Max);

    /// <inheritdoc/>
    public override Image Forward(Image img) => F.Rotate(img, GetParams(), interpolation, expand, center, [fill]);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img) =>
        F.Rotate(img, GetParams(), interpolation, expand, center, Enumerable.Repeat(fill, (int)img.Size(-3)).ToArray());
}

/// <summary>
/// A random affine map (<c>transforms.RandomAffine(degrees, translate=None, scale=None, shear=None,
/// interpolation=NEAREST, fill=0, center=None)</c>): angle, translation (fractions of the size), scale and shear
/// drawn in torchvision's order.
/// </summary>
public sealed class RandomAffine((double Min, double Max) degrees, (double X, double Y)? translate = null, (double Min, double Max)? scale = null,
    double[]? shear = null, InterpolationMode interpolation = InterpolationMode.Nearest, double fill = 0, (double X, double Y)? center = null,
    Generator? generator = null) : RandomImageTransform(generator)
{
    private readonly double[]? shears = shear switch
    {
        null => null,
        { Length: 1 } => [-shear[0], shear[0], 0, 0],
        { Length: 2 } => [shear[0], shear[1], 0, 0],
        { Length: 4 } => shear,
        _ => throw new ArgumentException("shear should be a single number or a sequence of 2 or 4 numbers"),
    };

    /// <summary>An angle in [-degrees, degrees].</summary>
    public RandomAffine(double degrees, (double X, double Y)? translate = null, (double Min, double Max)? scale = null, double[]? shear = null,
        InterpolationMode interpolation = InterpolationMode.Nearest, double fill = 0, (double X, double Y)? center = null, Generator? generator = null)
        : this((-degrees, degrees), translate, scale, shear, interpolation, fill, center, generator) { }

    /// <summary>The next map's (angle, translation, scale, shear) for an image of the given size (<c>RandomAffine.get_params</c>).</summary>
    public (double Angle, (int X, int Y) Translate, double Scale, (double X, double Y) Shear) GetParams(int width, int height)
    {
        double angle = Uniform(degrees.Min, degrees.Max);
        (int, int) t = (0, 0);
        if (translate is { } tr)
        {
            double maxDx = tr.X * width, maxDy = tr.Y * height;
            int tx = (int)Math.Round(Uniform(-maxDx, maxDx), MidpointRounding.ToEven);
            int ty = (int)Math.Round(Uniform(-maxDy, maxDy), MidpointRounding.ToEven);
            t = (tx, ty);
        }
        double s = scale is { } sc ? Uniform(sc.Min, sc.Max) : 1.0;
        double shx = 0, shy = 0;
        if (shears is not null)
        {
            shx = Uniform(shears[0], shears[1]);
            if (shear!.Length == 4) shy = Uniform(shears[2], shears[3]);
        }
        return (angle, t, s, (shx, shy));
    }

    /// <inheritdoc/>
    public override Image Forward(Image img)
    {
        var (a, t, s, sh) = GetParams(img.Width, img.Height);
        return F.Affine(img, a, t, s, sh, interpolation, [fill], center);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img)
    {
        var (a, t, s, sh) = GetParams((int)img.Size(-1), (int)img.Size(-2));
        return F.Affine(img, a, t, s, sh, interpolation, Enumerable.Repeat(fill, (int)img.Size(-3)).ToArray(), center);
    }
}
