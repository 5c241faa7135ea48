namespace Flint.NN;

/// <summary>
/// A tensor that is a module parameter (<c>torch.nn.Parameter</c>): a leaf that requires grad by default and is
/// registered by the module that holds it in a field.
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> (sharing its memory) as a parameter (<c>nn.Parameter(data, requires_grad)</c>).</summary>
    public Parameter(Tensor data, bool requiresGrad = true)
        : base(data.storage, (long[])data.shape.Clone(), (long[])data.strides.Clone(), data.offset, data.dtype, data.version)
    {
        if (requiresGrad) RequiresGrad_();
    }

    /// <summary>Prints as PyTorch: <c>Parameter containing:</c> and the tensor.</summary>
    public override string ToString() => "Parameter containing:\n" + base.ToString();
}

/// <summary>
/// Marks a <see cref="Tensor"/> field of a module as a buffer (PyTorch's <c>register_buffer</c>): saved in the
/// state dict (unless not persistent) and moved by <c>To(device)</c>, but not a parameter.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class BufferAttribute(bool persistent = true) : Attribute
{
    /// <summary>Whether the buffer is part of the state dict.</summary>
    public bool Persistent { get; } = persistent;
}
