using Flint.NN;
using Flint.Tests.Parity;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

/// <summary>
/// Scenario M1 of SCENARIOS.md: PyTorch tutorial's LeNet written as in API.md. It prints exactly PyTorch's text, names
/// its state-dict entries as PyTorch does, and (built after the same seed) gives PyTorch's output, loss, gradients and
/// post-step output (tests/parity/nn_conv_scenario.py).
/// </summary>
[Collection("DefaultGenerator")]
public class ConvScenarioTests
{
    private sealed class Net : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1 = new(1, 6, 5);
        private readonly Conv2d conv2 = new(6, 16, 5);
        private readonly Linear fc1 = new(16 * 5 * 5, 120), fc2 = new(120, 84), fc3 = new(84, 10);

        public Conv2d Conv1 => conv1;

        public Conv2d Conv2 => conv2;

        public Linear Fc3 => fc3;

        public override Tensor Forward(Tensor x)
        {
            x = F.MaxPool2d(F.Relu(conv1.Forward(x)), (2, 2));
            x = F.MaxPool2d(F.Relu(conv2.Forward(x)), 2);
            x = x.View(-1, NumFlatFeatures(x));
            x = F.Relu(fc1.Forward(x));
            x = F.Relu(fc2.Forward(x));
            return fc3.Forward(x);
        }

        private static long NumFlatFeatures(Tensor x)
        {
            long n = 1;
            foreach (var s in x.Shape.Skip(1)) n *= s;
            return n;
        }
    }

    private const string Printed =
        "Net(\n" +
        "  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))\n" +
        "  (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))\n" +
        "  (fc1): Linear(in_features=400, out_features=120, bias=True)\n" +
        "  (fc2): Linear(in_features=120, out_features=84, bias=True)\n" +
        "  (fc3): Linear(in_features=84, out_features=10, bias=True)\n" +
        ")";

    [Fact]
    public void PrintsExactlyPyTorchsText()
    {
        var net = new Net();
        Assert.Equal(Printed, net.ToString());
        var fx = FixtureSet.Load("nn_conv_scenario").Case("lenet");
        Assert.Equal(fx.GetProperty("kwargs").GetProperty("repr").GetString(), net.ToString());
    }

    [Fact]
    public void StateDictKeysAreLeNets()
    {
        var net = new Net();
        Assert.Equal(["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias",
            "fc3.weight", "fc3.bias"], net.StateDict().Keys);
        Assert.Equal(new long[] { 6, 1, 5, 5 }, net.Conv1.Weight.Shape.ToArray());
        Assert.Equal(10, net.Parameters().Count());
    }

    [Fact]
    public void ForwardBackwardAndStepMatchPyTorch() => ParityRunner.Run("nn_conv_scenario", "lenet", _ => (x, k) =>
    {
        Torch.ManualSeed(0);
        var net = new Net();
        var output = net.Forward(x[0]);
        var diff = output.Sub(x[1]);
        var loss = diff.Mul(diff).Mean();
        net.ZeroGrad();
        loss.Backward();
        Tensor[] grads = [net.Conv1.Weight.Grad!, net.Conv1.Bias!.Grad!, net.Conv2.Weight.Grad!, net.Conv2.Bias!.Grad!, net.Fc3.Bias!.Grad!];
        using (Torch.NoGrad())
            foreach (var p in net.Parameters()) p.Sub_(p.Grad!.Mul(0.01));
        Tensor after;
        using (Torch.NoGrad()) after = net.Forward(x[0]);
        return [output.Detach(), loss.Detach(), .. grads, after];
    });

    [Fact]
    public void GradFnNamesArePyTorchs()
    {
        var x = Torch.Randn(1, 1, 32, 32);
        var conv = new Conv2d(1, 6, 5);
        var y = conv.Forward(x);
        Assert.Equal("ConvolutionBackward0", y.GradFn!.Name);
        Assert.Equal("MaxPool2DWithIndicesBackward0", F.MaxPool2d(y, 2).GradFn!.Name);
        Assert.Equal("SqueezeBackward1", F.MaxPool1d(y.Flatten(2), 2).GradFn!.Name);
        Assert.Equal("AvgPool2DBackward0", F.AvgPool2d(y, 2).GradFn!.Name);
        Assert.Equal("AdaptiveAvgPool2DBackward0", F.AdaptiveAvgPool2d(y, 3).GradFn!.Name);
        Assert.Equal("MeanBackward1", F.AdaptiveAvgPool2d(y, 1).GradFn!.Name);
        Assert.Equal("AdaptiveMaxPool2DBackward0", F.AdaptiveMaxPool2d(y, 3).GradFn!.Name);
        Assert.Equal("ConstantPadNdBackward0", F.Pad(y, [1, 1]).GradFn!.Name);
        Assert.Equal("ReflectionPad2DBackward0", F.Pad(y, [1, 1, 1, 1], "reflect").GradFn!.Name);
        Assert.Equal("ReplicationPad1DBackward0", F.Pad(y.Flatten(2), [1, 1], "replicate").GradFn!.Name);
        Assert.Equal("CopySlices", F.Pad(y, [1, 1, 1, 1], "circular").GradFn!.Name);
        Assert.Equal("UpsampleNearest2DBackward1", F.Interpolate(y, scaleFactor: 2).GradFn!.Name);
        Assert.Equal("UpsampleBilinear2DBackward1", F.Interpolate(y, scaleFactor: 2, mode: "bilinear").GradFn!.Name);
        Assert.Equal("UpsampleNearestExact2DBackward1", F.Interpolate(y, scaleFactor: 2, mode: "nearest-exact").GradFn!.Name);
        Assert.Equal("UpsampleLinear1DBackward1", F.Interpolate(y.Flatten(2), scaleFactor: 2, mode: "linear").GradFn!.Name);
        Assert.Equal("PixelShuffleBackward0", F.PixelShuffle(y.Narrow(1, 0, 4), 2).GradFn!.Name);
        Assert.Equal("PixelUnshuffleBackward0", F.PixelUnshuffle(y, 2).GradFn!.Name);
        Assert.Equal("Im2ColBackward0", F.Unfold(y, 2).GradFn!.Name);
        Assert.Equal("Col2ImBackward0", F.Fold(F.Unfold(y, 2), 28, 2).GradFn!.Name);
        var (values, indices) = F.MaxPool2dWithIndices(y, 2);
        Assert.Equal("MaxUnpool2DBackward0", F.MaxUnpool2d(values, indices, 2).GradFn!.Name);
        var grads = Torch.Autograd.Grad([y.Mul(y).Sum()], [conv.Weight], createGraph: true);
        Assert.Equal("ConvolutionBackwardBackward0", grads[0]!.GradFn!.Name);
    }
}
