namespace Flint.NN;

public static partial class Utils
{
    /// <summary>
    /// The parameters flattened and joined into one 1-D tensor, in order (<c>torch.nn.utils.parameters_to_vector</c>);
    /// differentiable. All parameters must be on one device.
    /// </summary>
    public static Tensor ParametersToVector(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Device? device = null;
        var vec = new List<Tensor>();
        foreach (var p in parameters)
        {
            device = CheckParamDevice(p, device);
            vec.Add(p.View(-1));
        }
        return Torch.Cat(vec);
    }

    /// <summary>
    /// Points each parameter's data at its slice of <paramref name="vec"/>, reshaped to the parameter's shape
    /// (<c>torch.nn.utils.vector_to_parameters</c>: <c>param.data = vec[i:i+n].view_as(param).data</c>), so the
    /// parameters then share <paramref name="vec"/>'s memory.
    /// </summary>
    public static void VectorToParameters(Tensor vec, IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(vec);
        ArgumentNullException.ThrowIfNull(parameters);
        Device? device = null;
        long pointer = 0;
        foreach (var p in parameters)
        {
            device = CheckParamDevice(p, device);
            long n = p.Numel();
            p.Data = vec.Slice(0, pointer, pointer + n).ViewAs(p).Data;
            pointer += n;
        }
    }

    private static Device CheckParamDevice(Tensor p, Device? old)
    {
        if (old is { } d && d != p.Device)
            throw new ArgumentException("Found two parameters on different devices, this is currently not supported.");
        return p.Device;
    }
}
