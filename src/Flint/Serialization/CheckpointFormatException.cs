namespace Flint.Serialization;

/// <summary>
/// A checkpoint (a <c>torch.save</c> zip or legacy file, or a safetensors file) is malformed, truncated, hostile or
/// uses a feature Flint does not read. The message names the problem and where it was found. Raised by
/// <see cref="Torch.Load(string, Device?, bool)"/> and <see cref="SafeTensors.Load(string, Device?)"/> instead of a crash, a
/// hang, a huge allocation or a half-built object. It is an <see cref="IOException"/> (.NET's
/// <see cref="InvalidDataException"/>, the natural base, is sealed).
/// </summary>
public class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public CheckpointFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that revealed the problem.</summary>
    public CheckpointFormatException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// The pickle inside a checkpoint is malformed, or names a class or function outside the allow-list of what
/// <c>torch.load(weights_only=True)</c> accepts (PyTorch's <c>pickle.UnpicklingError</c>). Flint's unpickler never
/// runs code from a file: it builds tensors, containers and numbers only.
/// </summary>
public sealed class UnpicklingException : CheckpointFormatException
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public UnpicklingException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that revealed the problem.</summary>
    public UnpicklingException(string message, Exception innerException) : base(message, innerException) { }
}
