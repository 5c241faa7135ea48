using F = Flint.Vision.Transforms.Functional;

namespace Flint.Vision.Transforms;

/// <summary>
/// Random brightness, contrast, saturation and hue (<c>transforms.ColorJitter(brightness=0, contrast=0,
/// saturation=0, hue=0)</c>): the order is <c>torch.randperm(4)</c>, then each factor is drawn uniformly from
/// [max(0, 1 - v), 1 + v] (hue from [-v, v]), as <c>ColorJitter.get_params</c> draws them.
/// </summary>
public sealed class ColorJitter : RandomImageTransform
{
    private readonly (double Min, double Max)? brightness, contrast, saturation, hue;

    /// <summary>Jitter amounts as torchvision takes single numbers.</summary>
    public ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0, Generator? generator = null)
        : base(generator)
    {
        this.brightness = Range(brightness, "brightness");
        this.contrast = Range(contrast, "contrast");
        this.saturation = Range(saturation, "saturation");
        if (hue < 0 || hue > 0.5) throw new ArgumentException($"If hue is a single number, it must be non negative.");
        this.hue = hue == 0 ? null : (-hue, hue);
    }

    private static (double, double)? Range(double v, string name)
    {
        if (v < 0) throw new ArgumentException($"If {name} is a single number, it must be non negative.");
        return v == 0 ? null : (Math.Max(0, 1 - v), 1 + v);
    }

    /// <summary>The order of the four adjustments and their factors (<c>ColorJitter.get_params</c>); null factors are skipped.</summary>
    public (int[] Order, double? Brightness, double? Contrast, double? Saturation, double? Hue) GetParams()
    {
        var order = Torch.Randperm(4, Rng).ToArray<long>().Select(v => (int)v).ToArray();
        double? b = brightness is { } br ? Uniform(br.Min, br.Max) : null;
        double? c = contrast is { } ct ? Uniform(ct.Min, ct.Max) : null;
        double? s = saturation is { } st ? Uniform(st.Min, st.Max) : null;
        double? h = hue is { } hu ? Uniform(hu.Min, hu.Max) : null;
        return (order, b, c, s, h);
    }

    /// <inheritdoc/>
    public override Image Forward(Image img)
    {
        var (order, b, c, s, h) = GetParams();
        foreach (var fn in order)
            img = fn switch
            {
                0 when b is { } v => F.AdjustBrightness(img, v),
                1 when c is { } v => F.AdjustContrast(img, v),
                2 when s is { } v => F.AdjustSaturation(img, v),
                3 when h is { } v => F.AdjustHue(img, v),
                _ => img,
            };
        return img;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img)
    {
        var (order, b, c, s, h) = GetParams();
        foreach (var fn in order)
            img = fn switch
            {
                0 when b is { } v => F.AdjustBrightness(img, v),
                1 when c is { } v => F.AdjustContrast(img, v),
                2 when s is { } v => F.AdjustSaturation(img, v),
                3 when h is { } v => F.AdjustHue(img, v),
                _ => img,
            };
        return img;
    }
}

/// <summary>To grey with 1 or 3 channels (<c>transforms.Grayscale(num_output_channels=1)</c>).</summary>
public sealed class Grayscale(int numOutputChannels = 1) : ImageTransform
{
    /// <inheritdoc/>
    public override Image Forward(Image img) => F.RgbToGrayscale(img, numOutputChannels);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img) => F.RgbToGrayscale(img, numOutputChannels);
}

/// <summary>To grey, keeping the channel count, with probability p (<c>transforms.RandomGrayscale(p=0.1)</c>).</summary>
public sealed class RandomGrayscale(double p = 0.1, Generator? generator = null) : RandomImageTransform(generator)
{
    /// <inheritdoc/>
    public override Image Forward(Image img) => Rand() < p ? F.RgbToGrayscale(img, img.Channels == 1 ? 1 : 3) : img;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img) => Rand() < p ? F.RgbToGrayscale(img, (int)img.Size(-3)) : img;
}

/// <summary>
/// A Gaussian blur with sigma drawn from [min, max] (<c>transforms.GaussianBlur(kernel_size, sigma=(0.1, 2.0))</c>).
/// </summary>
public sealed class GaussianBlur((int X, int Y) kernelSize, (double Min, double Max)? sigma = null, Generator? generator = null)
    : RandomImageTransform(generator)
{
    private readonly (double Min, double Max) sigma = sigma ?? (0.1, 2.0);

    /// <summary>A square kernel.</summary>
    public GaussianBlur(int kernelSize, (double Min, double Max)? sigma = null, Generator? generator = null)
        : this((kernelSize, kernelSize), sigma, generator) { }

    /// <summary>The next sigma (<c>GaussianBlur.get_params</c>).</summary>
    public double GetParams() => Uniform(sigma.Min, sigma.Max);

    /// <inheritdoc/>
    public override Image Forward(Image img)
    {
        double s = GetParams();
        return F.GaussianBlur(img, kernelSize, (s, s));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor img)
    {
        double s = GetParams();
        return F.GaussianBlur(img, kernelSize, (s, s));
    }
}

/// <summary>
/// Erases a random rectangle of a tensor with probability p (<c>transforms.RandomErasing(p=0.5, scale=(0.02, 0.33),
/// ratio=(0.3, 3.3), value=0, inplace=False)</c>); a null value fills with standard normal noise (<c>value='random'</c>).
/// </summary>
public sealed class RandomErasing(double p = 0.5, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null,
    double[]? value = null, bool random = false, bool inplace = false, Generator? generator = null) : Transform
{
    private readonly (double Min, double Max) scale = scale ?? (0.02, 0.33);
    private readonly (double Min, double Max) ratio = ratio ?? (0.3, 3.3);
    private readonly double[] value = value ?? [0];

    private Generator Rng => generator ?? Data.DataLoader.CurrentGenerator;

    /// <inheritdoc/>
    public override object Forward(object input) => input is Tensor t ? Forward(t) : throw new ArgumentException($"img should be Tensor Image. Got {input?.GetType().Name}");

    /// <summary>The rectangle (top, left, height, width) and its values (<c>RandomErasing.get_params</c>).</summary>
    public (int I, int J, int H, int W, Tensor V) GetParams(Tensor img)
    {
        int c = (int)img.Size(-3), ih = (int)img.Size(-2), iw = (int)img.Size(-1);
        double area = (double)ih * iw;
        double logMin = Math.Log(ratio.Min), logMax = Math.Log(ratio.Max);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double eraseArea = area * Torch.Empty([1]).Uniform_(scale.Min, scale.Max, Rng).Item<float>();
            double aspect = Math.Exp(Torch.Empty([1]).Uniform_(logMin, logMax, Rng).Item<float>());
            int h = (int)Math.Round(Math.Sqrt(eraseArea * aspect), MidpointRounding.ToEven);
            int w = (int)Math.Round(Math.Sqrt(eraseArea / aspect), MidpointRounding.ToEven);
            if (!(h < ih && w < iw)) continue;
            var v = random ? Torch.Empty([c, h, w]).Normal_(0, 1, Rng) : Torch.FromArray(value.Select(x => (float)x).ToArray()).View(-1, 1, 1);
            int i = (int)Torch.Randint(0, ih - h + 1, [1], Rng).Item<long>();
            int j = (int)Torch.Randint(0, iw - w + 1, [1], Rng).Item<long>();
            return (i, j, h, w, v);
        }
        return (0, 0, ih, iw, img);
    }

    /// <summary>Erases a rectangle of <paramref name="img"/> (or returns it unchanged).</summary>
    public Tensor Forward(Tensor img)
    {
        if (Torch.Rand([1], Rng).Item<float>() >= p) return img;
        if (!random && value.Length != 1 && value.Length != img.Size(-3))
            throw new ArgumentException($"If value is a sequence, it should have either a single value or {img.Size(-3)} (number of input channels)");
        var (i, j, h, w, v) = GetParams(img);
        return Functional.Erase(img, i, j, h, w, v, inplace);
    }
}
