using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Examples.Scenarios;

/// <summary>
/// M7: changing a model, as the seeds do: deep-copy a layer and change the copy, replace <c>model.fc</c> with a new
/// <c>Linear</c> for another number of classes (transfer learning, with the rest frozen), and give <c>forward</c> an
/// extra input or an extra output.
/// </summary>
public sealed class M7ModifyModel : IExample
{
    /// <inheritdoc/>
    public string Name => "m7";

    /// <inheritdoc/>
    public string Summary => "deepcopy a layer and change it; replace model.fc (transfer learning); extra forward input and output";

    /// <summary>A small classifier with a replaceable head <c>fc</c>.</summary>
    public sealed class Net : Module<Tensor, Tensor>
    {
        /// <summary>The feature extractor.</summary>
        public readonly Sequential features = new(new Linear(8, 16), new ReLU());

        /// <summary>The head (<c>model.fc</c>), replaced for a new task.</summary>
        public Linear fc = new(16, 10);

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x) => fc.Call(features.Call(x));
    }

    /// <summary>The same network with an extra input joined to the features before the head.</summary>
    public sealed class NetWithExtraInput : Module<Tensor, Tensor, Tensor>
    {
        /// <summary>The feature extractor.</summary>
        public readonly Sequential features = new(new Linear(8, 16), new ReLU());

        /// <summary>The head, one input wider for the extra variable.</summary>
        public readonly Linear fc = new(16 + 1, 10);

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x, Tensor addVariable) =>
            fc.Call(Torch.Cat([features.Call(x), addVariable.Unsqueeze(1)], 1));
    }

    /// <summary>The same network returning its features too (an extra output).</summary>
    public sealed class NetWithExtraOutput : Module<Tensor, (Tensor Logits, Tensor Features)>
    {
        /// <summary>The feature extractor.</summary>
        public readonly Sequential features = new(new Linear(8, 16), new ReLU());

        /// <summary>The head.</summary>
        public readonly Linear fc = new(16, 10);

        /// <inheritdoc/>
        public override (Tensor Logits, Tensor Features) Forward(Tensor x)
        {
            var h = features.Call(x);
            return (fc.Call(h), h);
        }
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(0);
        var x = Torch.Randn(4, 8);

        var layer = new Linear(8, 16);
        var copy = (Linear)layer.DeepCopy();
        using (Torch.NoGrad()) copy.Weight.Fill_(0.5);
        o.WriteLine($"deepcopy: copy.weight[0, 0] = {copy.Weight[0, 0].Item<float>()}, original unchanged: {layer.Weight[0, 0].Item<float>():F4}; " +
                    $"the same tensor: {ReferenceEquals(copy.Weight, layer.Weight)}");

        var model = new Net();
        o.WriteLine(model);
        model.RequiresGrad_(false);
        model.fc = new Linear(model.fc.InFeatures, 2);
        o.WriteLine($"after model.fc = Linear(model.fc.in_features, 2):\n{model}");
        o.WriteLine($"trainable: {string.Join(", ", model.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name))}; " +
                    $"output {model.Call(x).Shape}");

        var extraIn = new NetWithExtraInput();
        o.WriteLine($"forward(x, add_variable): {extraIn.Call(x, Torch.Ones(4)).Shape}");
        var extraOut = new NetWithExtraOutput();
        var (logits, features) = extraOut.Call(x);
        o.WriteLine($"forward returns (logits, features): {logits.Shape}, {features.Shape}; softmax row sums {F.Softmax(logits, 1).Sum(1)}");
        return 0;
    }
}
