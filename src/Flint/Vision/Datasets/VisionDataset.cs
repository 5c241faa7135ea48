using Flint.Data;
using Flint.Vision.Transforms;

namespace Flint.Vision.Datasets;

/// <summary>
/// The base of the image datasets (<c>torchvision.datasets.VisionDataset</c>): sample <c>i</c> is
/// <c>(transform(image), targetTransform(target))</c>. <typeparamref name="TImage"/> is what the transform makes
/// (<see cref="Image"/> without a transform, <see cref="Tensor"/> after <c>ToTensor</c>).
/// </summary>
public abstract class VisionDataset<TImage> : Dataset<(TImage Image, long Target)>
{
    /// <summary>Keeps the root folder and the transforms.</summary>
    protected VisionDataset(string root, Transform? transform, Func<long, long>? targetTransform)
    {
        Root = root;
        Transform = transform;
        TargetTransform = targetTransform;
    }

    /// <summary>The folder the data is read from (<c>dataset.root</c>).</summary>
    public string Root { get; }

    /// <summary>The image transform (<c>dataset.transform</c>).</summary>
    public Transform? Transform { get; }

    /// <summary>The target transform (<c>dataset.target_transform</c>).</summary>
    public Func<long, long>? TargetTransform { get; }

    /// <summary>The raw image and target at <paramref name="index"/>, before the transforms.</summary>
    protected abstract (Image Image, long Target) Load(int index);

    /// <inheritdoc/>
    public override (TImage Image, long Target) this[int index]
    {
        get
        {
            if (index < 0) index += Count;
            if (index < 0 || index >= Count) throw new IndexOutOfRangeException($"index {index} is out of range for a dataset of {Count} samples");
            var (img, target) = Load(index);
            object x = Transform is null ? img : Transform.Forward(img);
            if (x is not TImage t)
                throw new InvalidCastException($"the transform made a {x.GetType().Name}, but this dataset gives {typeof(TImage).Name}; " +
                    $"declare the dataset with {x.GetType().Name} as its image type");
            return (t, TargetTransform is null ? target : TargetTransform(target));
        }
    }

    /// <summary>A missing-data error naming every path looked at and how to get the files.</summary>
    internal static FileNotFoundException Missing(string what, IEnumerable<string> looked, string howToGet) =>
        new($"{what} not found. Looked at:\n  " + string.Join("\n  ", looked) + "\n" + howToGet + " (nothing is downloaded).");
}
