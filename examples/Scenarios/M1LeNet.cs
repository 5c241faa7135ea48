using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Examples.Scenarios;

/// <summary>
/// M1: the seeds' LeNet <c>Net</c> (conv1 1->6 5x5, conv2 6->16 5x5, fc1 400->120, fc2 120->84, fc3 84->10,
/// <c>max_pool2d(relu(conv(x)), (2, 2))</c>, <c>view(-1, num_flat_features)</c>), printed exactly as PyTorch prints it,
/// its parameters listed and a 32x32 image run through it.
/// </summary>
public sealed class M1LeNet : IExample
{
    /// <inheritdoc/>
    public string Name => "m1";

    /// <inheritdoc/>
    public string Summary => "LeNet Net: print(net) as PyTorch prints it, parameters, a forward pass on 1x1x32x32";

    /// <summary>The seeds' network, field for field.</summary>
    public sealed class Net : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1 = new(1, 6, 5);
        private readonly Conv2d conv2 = new(6, 16, 5);
        private readonly Linear fc1 = new(16 * 5 * 5, 120);
        private readonly Linear fc2 = new(120, 84);
        private readonly Linear fc3 = new(84, 10);

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x)
        {
            x = F.MaxPool2d(F.Relu(conv1.Call(x)), (2, 2));
            x = F.MaxPool2d(F.Relu(conv2.Call(x)), 2);
            x = x.View(-1, NumFlatFeatures(x));
            x = F.Relu(fc1.Call(x));
            x = F.Relu(fc2.Call(x));
            return fc3.Call(x);
        }

        private static long NumFlatFeatures(Tensor x)
        {
            long n = 1;
            foreach (var s in x.Shape.ToArray()[1..]) n *= s;
            return n;
        }
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(0);
        var net = new Net();
        o.WriteLine(net);
        var parameters = net.Parameters().ToList();
        o.WriteLine($"{parameters.Count} parameters; conv1's weight {parameters[0].Size()}");
        foreach (var (name, p) in net.NamedParameters()) o.WriteLine($"  {name,-12} {p.Shape}");
        var input = Torch.Randn(1, 1, 32, 32);
        var output = net.Call(input);
        o.WriteLine(output);
        net.ZeroGrad();
        output.Backward(Torch.Randn(1, 10));
        o.WriteLine($"conv1.bias.grad after backward: {net.GetParameter("conv1.bias").Grad}");
        return 0;
    }
}
