using Flint.NN;

namespace Flint.Examples.Scenarios;

/// <summary>
/// G1: choosing a device as the seeds do (<c>device = cuda if available else cpu</c>), parsing <c>cuda:1</c>, moving
/// tensors and a model with <c>To(device)</c>, and the errors for a CUDA tensor on a machine without CUDA and for an
/// op mixing devices.
/// </summary>
public sealed class G1Devices : IExample
{
    /// <inheritdoc/>
    public string Name => "g1";

    /// <inheritdoc/>
    public string Summary => "cuda.is_available(), device(\"cuda\" if available else \"cpu\"), device(\"cuda:1\"), x.to(device), model.to(device)";

    /// <summary>A model with a parameter and a buffer, both moved by <c>To(device)</c>.</summary>
    private sealed class Scaler : Module<Tensor, Tensor>
    {
        private readonly Parameter weight = new(Torch.Ones(10, 1));
        [Buffer] private readonly Tensor scale = Torch.Tensor(0.5);

        public override Tensor Forward(Tensor x) => x.MatMul(weight) * scale;
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        o.WriteLine(Cuda.IsAvailable() ? "There is a GPU available." : "There is no GPU available.");
        var device = Torch.Device(Cuda.IsAvailable() ? "cuda" : "cpu");
        o.WriteLine($"device = {device}");
        var second = Torch.Device("cuda:1");
        o.WriteLine($"torch.device(\"cuda:1\"): type {second.Type}, index {second.Index}");

        var x = Torch.Tensor(new[] { 1.0f, 2.0f }).To(device);
        o.WriteLine($"x = {x} on {x.Device}");
        var model = new Scaler();
        model.To(device);
        var data = Torch.Randn(100, 10).To(device);
        o.WriteLine($"model parameters on {string.Join(", ", model.Parameters().Select(p => p.Device))}, " +
                    $"buffers on {string.Join(", ", model.Buffers().Select(b => b.Device))}; output {model.Call(data).Shape} on {device}");

        if (Cuda.IsAvailable())
        {
            try
            {
                _ = x.Cpu() + x.Cuda();
            }
            catch (InvalidOperationException e)
            {
                o.WriteLine($"cpu + cuda: {e.Message}");
            }
        }
        else
        {
            try
            {
                _ = Torch.Tensor(new[] { 1.0f, 2.0f }, device: "cuda");
            }
            catch (InvalidOperationException e)
            {
                o.WriteLine($"torch.tensor([1., 2.], device=\"cuda\"): {e.Message}");
            }
        }
        return 0;
    }
}
