using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Examples.FashionMnist;

/// <summary>
/// The seeds' LeNet <c>Net</c> sized for 28x28 images: conv 1->6 5x5 with padding 2, max-pool 2, conv 6->16 5x5,
/// max-pool 2, then fully connected 400->120->84->10 with ReLU. Its state-dict keys (<c>conv1.weight</c>, ...,
/// <c>fc3.bias</c>) are those of the same class in PyTorch (tests/parity/fashion_mnist_torch.py).
/// </summary>
public sealed class LeNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = new(1, 6, 5, padding: 2);
    private readonly Conv2d conv2 = new(6, 16, 5);
    private readonly Linear fc1 = new(16 * 5 * 5, 120);
    private readonly Linear fc2 = new(120, 84);
    private readonly Linear fc3 = new(84, 10);

    /// <inheritdoc/>
    public override string GetName() => "Net";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        x = F.MaxPool2d(F.Relu(conv1.Call(x)), 2);
        x = F.MaxPool2d(F.Relu(conv2.Call(x)), 2);
        x = x.View(-1, 16 * 5 * 5);
        x = F.Relu(fc1.Call(x));
        x = F.Relu(fc2.Call(x));
        return fc3.Call(x);
    }
}
