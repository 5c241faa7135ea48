using Flint.Data;
using F = Flint.Vision.Transforms.Functional;

namespace Flint.Vision.Transforms;

/// <summary>
/// A data transform (torchvision's transform objects, called as <c>transform(img)</c>): takes an
/// <see cref="Image"/>, a tensor or what an earlier transform made, and returns the result. Random transforms draw
/// from their own generator when given one, otherwise from <see cref="DataLoader.CurrentGenerator"/> (the
/// worker's generator inside a loader worker, else the default generator), with torchvision's calls in its order.
/// </summary>
public abstract class Transform
{
    /// <summary>Applies the transform (<c>transform(img)</c>).</summary>
    public abstract object Forward(object input);

    /// <summary>Applies the transform and casts the result (a convenience for typed code).</summary>
    public T Forward<T>(object input) => Forward(input) is T t ? t
        : throw new InvalidCastException($"{GetType().Name} gave {Forward(input).GetType().Name}, not {typeof(T).Name}");

    /// <summary>PyTorch's repr of the transform.</summary>
    public override string ToString() => GetType().Name + "()";

    private protected static ArgumentException NotImage(object input) =>
        new($"img should be PIL Image or Tensor. Got {input?.GetType().Name ?? "None"}");
}

/// <summary>A transform defined for images and image tensors alike.</summary>
public abstract class ImageTransform : Transform
{
    /// <summary>Applies the transform to an image (torchvision's PIL path).</summary>
    public abstract Image Forward(Image img);

    /// <summary>Applies the transform to an image tensor [..., C, H, W] (torchvision's tensor path).</summary>
    public abstract Tensor Forward(Tensor img);

    /// <inheritdoc/>
    public override object Forward(object input) => input switch
    {
        Image i => Forward(i),
        Tensor t => Forward(t),
        _ => throw NotImage(input),
    };
}

/// <summary>A transform with random parameters.</summary>
public abstract class RandomImageTransform : ImageTransform
{
    private readonly Generator? generator;

    /// <summary>A random transform drawing from <paramref name="generator"/>, or from the current generator when null.</summary>
    protected RandomImageTransform(Generator? generator) => this.generator = generator;

    /// <summary>The generator the next draw uses.</summary>
    protected Generator Rng => generator ?? DataLoader.CurrentGenerator;

    /// <summary><c>torch.rand(1).item()</c>.</summary>
    protected float Rand() => Torch.Rand([1], Rng).Item<float>();

    /// <summary><c>torch.empty(1).uniform_(low, high).item()</c>.</summary>
    protected double Uniform(double low, double high) => Torch.Empty([1]).Uniform_(low, high, Rng).Item<float>();

    /// <summary><c>torch.randint(low, high, size=(1,)).item()</c>.</summary>
    protected int RandInt(int low, int high) => (int)Torch.Randint(low, high, [1], Rng).Item<long>();
}

/// <summary>Several transforms one after another (<c>transforms.Compose(transforms)</c>).</summary>
public sealed class Compose(params Transform[] transforms) : Transform
{
    /// <summary>The transforms in order (<c>compose.transforms</c>).</summary>
    public IReadOnlyList<Transform> Transforms { get; } = transforms ?? throw new ArgumentNullException(nameof(transforms));

    /// <inheritdoc/>
    public override object Forward(object input)
    {
        foreach (var t in Transforms) input = t.Forward(input);
        return input;
    }

    /// <summary>PyTorch's repr: one transform per line, indented by four spaces.</summary>
    public override string ToString() => "Compose(\n" + string.Concat(Transforms.Select(t => "    " + t + "\n")) + ")";
}

/// <summary>A user function as a transform (<c>transforms.Lambda(lambd)</c>).</summary>
public sealed class Lambda(Func<object, object> lambd) : Transform
{
    private readonly Func<object, object> lambd = lambd ?? throw new ArgumentNullException(nameof(lambd));

    /// <inheritdoc/>
    public override object Forward(object input) => lambd(input);
}

/// <summary>An image to a float32 tensor [C, H, W] in [0, 1] (<c>transforms.ToTensor()</c>).</summary>
public sealed class ToTensor : Transform
{
    /// <inheritdoc/>
    public override object Forward(object input) => input is Image i ? F.ToTensor(i) : throw new ArgumentException($"pic should be PIL Image or ndarray. Got {input?.GetType().Name}");

    /// <summary>Converts an image.</summary>
    public Tensor Forward(Image pic) => F.ToTensor(pic);
}

/// <summary>An image to a uint8 tensor [C, H, W] (<c>transforms.PILToTensor()</c>).</summary>
public sealed class PILToTensor : Transform
{
    /// <inheritdoc/>
    public override object Forward(object input) => input is Image i ? i.ToTensor() : throw new ArgumentException($"pic should be PIL Image. Got {input?.GetType().Name}");

    /// <summary>Converts an image.</summary>
    public Tensor Forward(Image pic) => pic.ToTensor();
}

/// <summary>A tensor back to an image (<c>transforms.ToPILImage(mode)</c>).</summary>
public sealed class ToImage(string? mode = null) : Transform
{
    /// <inheritdoc/>
    public override object Forward(object input) => input switch
    {
        Tensor t => Image.FromTensor(t, mode),
        Image i => mode is null ? i : i.Convert(mode),
        _ => throw new ArgumentException($"pic should be Tensor or ndarray. Got {input?.GetType().Name}."),
    };

    /// <summary>Converts a tensor.</summary>
    public Image Forward(Tensor pic) => Image.FromTensor(pic, mode);
}

/// <summary>Converts an image tensor's dtype, rescaling values (<c>transforms.ConvertImageDtype(dtype)</c>).</summary>
public sealed class ConvertImageDtype(DType dtype) : Transform
{
    /// <inheritdoc/>
    public override object Forward(object input) => input is Tensor t ? F.ConvertImageDtype(t, dtype) : throw NotImage(input);

    /// <summary>Converts a tensor.</summary>
    public Tensor Forward(Tensor image) => F.ConvertImageDtype(image, dtype);
}

/// <summary>Per-channel <c>(x - mean) / std</c> of a float tensor (<c>transforms.Normalize(mean, std, inplace)</c>).</summary>
public sealed class Normalize(IReadOnlyList<double> mean, IReadOnlyList<double> std, bool inplace = false) : Transform
{
    /// <summary>The means (<c>normalize.mean</c>).</summary>
    public IReadOnlyList<double> Mean { get; } = mean;

    /// <summary>The standard deviations (<c>normalize.std</c>).</summary>
    public IReadOnlyList<double> Std { get; } = std;

    /// <inheritdoc/>
    public override object Forward(object input) => input is Tensor t ? Forward(t) : throw new ArgumentException($"img should be Tensor Image. Got {input?.GetType().Name}");

    /// <summary>Normalizes a tensor.</summary>
    public Tensor Forward(Tensor tensor) => F.Normalize(tensor, Mean, Std, inplace);

    /// <inheritdoc/>
    public override string ToString() =>
        $"Normalize(mean={PyList(Mean)}, std={PyList(Std)})";

    internal static string PyList(IEnumerable<double> v) =>
        "[" + string.Join(", ", v.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
