using Flint.Serialization;

namespace Flint;

public static partial class Torch
{
    /// <summary>
    /// Saves an object to a file in PyTorch's zip checkpoint format (<c>torch.save(obj, f)</c>); PyTorch 1.6 and later
    /// read it with <c>torch.load</c>, <c>weights_only=True</c> included. Any extension works (<c>.pt</c>, <c>.pth</c>,
    /// <c>.pkl</c>, <c>.bin</c>). The file is written to a temporary file in the same folder and renamed over
    /// <paramref name="path"/> when complete, so a failure never leaves a half-written checkpoint or loses the old one.
    /// </summary>
    /// <param name="obj">
    /// What to save: a <see cref="Flint.Tensor"/> (saved with its storage, offset and strides, so views of one storage
    /// stay views after a load), <c>null</c>, bool, integers (any size, <see cref="System.Numerics.BigInteger"/>
    /// included), floats, strings, <c>byte[]</c>, <see cref="Flint.Size"/>, <see cref="Flint.Device"/>,
    /// <see cref="Flint.DType"/>, <see cref="System.Numerics.Complex"/>, and containers of these:
    /// <c>OrderedDictionary&lt;K, V&gt;</c> is saved as <c>collections.OrderedDict</c> (what <c>state_dict()</c>
    /// returns), any other <see cref="System.Collections.IDictionary"/> as a dict, an <see cref="System.Collections.IList"/>
    /// as a list, a one-dimensional array or a <c>ValueTuple</c> as a tuple, an <c>ISet&lt;T&gt;</c> as a set; and a
    /// <see cref="NN.Module"/>, saved whole (structure and weights, <c>torch.save(model, PATH)</c>) as
    /// <see cref="ModuleSerialization"/> describes.
    /// </param>
    /// <param name="path">The file to write.</param>
    /// <exception cref="ArgumentException">The object holds something that cannot be pickled.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void Save(object? obj, string path) => AtomicFile.Write(path, stream => CheckpointWriter.Save(obj, stream));

    /// <summary>
    /// Saves an object to a stream in PyTorch's zip checkpoint format (<c>torch.save(obj, buffer)</c>). The stream need
    /// not be seekable. See <see cref="Save(object?, string)"/> for what can be saved.
    /// </summary>
    public static void Save(object? obj, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckpointWriter.Save(obj, stream);
    }

    /// <summary>
    /// Loads an object saved by <c>torch.save</c> (PyTorch 1.6 and later's zip format, or the legacy format before it)
    /// or by <see cref="Save(object?, string)"/> (<c>torch.load(f, map_location, weights_only=True)</c>). Loading never
    /// runs code from the file: only the classes and functions <c>weights_only=True</c> allows are understood, and a
    /// malformed, truncated or hostile file throws <see cref="CheckpointFormatException"/>.
    /// <para>The loaded object model:</para>
    /// <list type="bullet">
    /// <item>tensors are <see cref="Flint.Tensor"/>s; tensors that shared a storage share one again (views stay views);
    /// an <c>nn.Parameter</c> loads as a tensor with <see cref="Flint.Tensor.RequiresGrad"/> set;</item>
    /// <item><c>collections.OrderedDict</c> is <c>OrderedDictionary&lt;K, object?&gt;</c> and a dict is
    /// <c>Dictionary&lt;K, object?&gt;</c>, where K is <c>string</c> when every key is a str (or there is none),
    /// <c>long</c> when every key is an int, else <c>object</c>: a state dict is an
    /// <c>OrderedDictionary&lt;string, object?&gt;</c> of tensors, an optimizer's <c>'state'</c> a
    /// <c>Dictionary&lt;long, object?&gt;</c>; the <c>_metadata</c> attribute of a state dict is not kept;</item>
    /// <item>a list is <c>List&lt;object?&gt;</c>, a tuple <c>object?[]</c>, a set or frozenset <c>HashSet&lt;object?&gt;</c>;</item>
    /// <item>an int is <c>long</c> (<see cref="System.Numerics.BigInteger"/> beyond 64 bits), a float <c>double</c>, a
    /// bool <c>bool</c>, a str <c>string</c>, bytes <c>byte[]</c>, None <c>null</c>, complex
    /// <see cref="System.Numerics.Complex"/>;</item>
    /// <item><c>torch.Size</c>, <c>torch.device</c> and dtypes are <see cref="Flint.Size"/>, <see cref="Flint.Device"/>
    /// and <see cref="Flint.DType"/>;</item>
    /// <item>a whole model saved by Flint (<c>Torch.Save(model, PATH)</c>) is rebuilt as its <see cref="NN.Module"/>, as
    /// <see cref="ModuleSerialization"/> describes, only when asked for with <paramref name="weightsOnly"/> false or
    /// through <see cref="Load{T}(string, Device?, bool?)"/> with a module type: rebuilding lets the file choose which of
    /// the program's Module classes are built, so, as PyTorch 2.6's <c>weights_only=True</c> default, a plain load refuses
    /// it.</item>
    /// </list>
    /// Objects shared in the file are shared after the load. <see cref="Load{T}(string, Device?, bool?)"/> converts the result
    /// to a static type.
    /// </summary>
    /// <param name="path">The checkpoint; any extension (<c>.pt</c>, <c>.pth</c>, <c>.pkl</c>, <c>.bin</c>).</param>
    /// <param name="mapLocation">
    /// The device every storage is loaded onto (<c>map_location</c>); null keeps the device recorded in the file.
    /// </param>
    /// <param name="weightsOnly">
    /// True (the default, <c>weights_only=True</c>): tensors and containers only; a whole saved model is refused with
    /// a message saying how to load it. False: whole models are rebuilt.
    /// </param>
    /// <exception cref="CheckpointFormatException">The file is not a valid checkpoint (<see cref="UnpicklingException"/>
    /// for a bad or disallowed pickle).</exception>
    public static object? Load(string path, Device? mapLocation = null, bool weightsOnly = true)
    {
        using var source = ByteSource.OpenFile(path);
        return Finish(CheckpointReader.Load(source, mapLocation), weightsOnly);
    }

    /// <summary>
    /// Loads a checkpoint from a stream, from its current position (<c>torch.load(buffer)</c>). A stream that cannot
    /// seek is read into memory first. See <see cref="Load(string, Device?, bool)"/> for the object model.
    /// </summary>
    public static object? Load(Stream stream, Device? mapLocation = null, bool weightsOnly = true)
    {
        using var source = ByteSource.From(stream);
        return Finish(CheckpointReader.Load(source, mapLocation), weightsOnly);
    }

    private static object? Finish(object? loaded, bool weightsOnly)
    {
        if (!weightsOnly) return ModuleSerialization.RestoreModules(loaded);
        if (ModuleReader.FirstModuleType(loaded) is { } type)
            throw new CheckpointFormatException(
                $"Weights only load failed: the checkpoint holds a whole model ({type}), and rebuilding it lets the file " +
                $"choose which Module classes are built. If you trust the file, load it with Torch.Load<{type}>(path) or " +
                "Torch.Load(path, weightsOnly: false); otherwise load its 'state_dict' entry into a model you construct.");
        return loaded;
    }

    /// <summary>
    /// Loads a checkpoint and converts it to <typeparamref name="T"/> (a Module type rebuilds a whole saved model unless
    /// <paramref name="weightsOnly"/> says otherwise), e.g.
    /// <c>Torch.Load&lt;OrderedDictionary&lt;string, Tensor&gt;&gt;("model.pt")</c> for a state dict or
    /// <c>Torch.Load&lt;Dictionary&lt;string, object?&gt;&gt;("optim.pt")</c>. Dictionaries, lists, tuples and numbers
    /// convert recursively to the requested generic collection and numeric types.
    /// </summary>
    /// <exception cref="InvalidCastException">The loaded object does not fit <typeparamref name="T"/>.</exception>
    public static T Load<T>(string path, Device? mapLocation = null, bool? weightsOnly = null) =>
        LoadedObjects.Convert<T>(Load(path, mapLocation, weightsOnly ?? !typeof(NN.Module).IsAssignableFrom(typeof(T))));

    /// <summary>Loads a checkpoint from a stream and converts it to <typeparamref name="T"/> (see <see cref="Load{T}(string, Device?, bool?)"/>).</summary>
    public static T Load<T>(Stream stream, Device? mapLocation = null, bool? weightsOnly = null) =>
        LoadedObjects.Convert<T>(Load(stream, mapLocation, weightsOnly ?? !typeof(NN.Module).IsAssignableFrom(typeof(T))));
}
