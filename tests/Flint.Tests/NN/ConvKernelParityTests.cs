using Flint.Tests.Parity;

namespace Flint.Tests.NN;

/// <summary>
/// The CPU convolution kernel paths (direct few-channel kernels, the channels-in-lanes forward and weight gradient) against
/// tests/parity/nn_conv_kernels.py (PyTorch 1.13): outputs and input, weight and bias gradients on shapes that reach
/// each path with odd sizes, tails, strides, padding, dilation, groups and thread splits.
/// </summary>
public class ConvKernelParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("nn_conv_kernels");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("nn_conv_kernels", id, ConvParityTests.Op);
}
