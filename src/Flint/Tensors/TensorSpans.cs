namespace Flint;

/// <summary>
/// Host access to tensor elements. An extension so that <c>x.Data&lt;T&gt;()</c> (a span) and PyTorch's
/// <c>x.data</c> property (<see cref="Tensor.Data"/>) can both carry the name.
/// </summary>
public static class TensorSpans
{
    /// <summary>
    /// A span over the elements of a contiguous CPU tensor (the seeds' <c>.numpy()</c> without a copy); writes go
    /// to the tensor.
    /// </summary>
    public static unsafe Span<T> Data<T>(this Tensor t) where T : unmanaged
    {
        t.CheckElementType<T>();
        if (!t.IsContiguous())
            throw new InvalidOperationException("Data<T>() needs a contiguous tensor; call Contiguous() first");
        if (!t.Device.IsCpu)
            throw new InvalidOperationException($"Data<T>() needs a CPU tensor, but this one is on {t.Device}; call Cpu() first");
        return new Span<T>(t.Ptr, checked((int)t.Numel()));
    }
}
