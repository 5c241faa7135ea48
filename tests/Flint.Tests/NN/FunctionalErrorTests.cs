using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

/// <summary>
/// PyTorch 1.13's error messages for wrong calls of torch.nn.functional and the layers (texts copied from running
/// PyTorch), and the dtypes each CPU kernel refuses.
/// </summary>
[Collection("DefaultGenerator")]
public class FunctionalErrorTests
{
    private static void Throws<TE>(string message, Action call) where TE : Exception =>
        Assert.Equal(message, Assert.Throws<TE>(call).Message);

    [Fact]
    public void ActivationArguments()
    {
        var x = Torch.Randn(2, 3);
        Throws<ArgumentException>("ZeroDivisionError: alpha cannot be 0 for CELU", () => F.Celu(x, 0.0));
        Throws<ArgumentException>("lambda must be greater or equal to 0, but found to be -0.5.", () => F.Softshrink(x, -0.5));
        Throws<ArgumentException>("approximate argument must be either none or tanh.", () => F.Gelu(x, "foo"));
        Throws<ArgumentException>("Halving dimension must be even, but dimension 1 is size 3", () => F.Glu(x));
        Throws<ArgumentException>("glu does not support scalars because halving size must be even", () => F.Glu(Torch.Tensor(1.0)));
        Throws<IndexOutOfRangeException>("Dimension out of range (expected to be in range of [-2, 1], but got 5)", () => F.Glu(x, 5));
        Throws<ArgumentException>("Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and channel size = 3.",
            () => F.Prelu(x, Torch.Ones(2)));
        Throws<ArgumentException>("prelu: Expected `weight` to be a scalar or 1D tensor, but got ndim = 2", () => F.Prelu(x, Torch.Ones(3, 1)));
        Throws<ArgumentException>("Not allow zero-dim input tensor.", () => F.Prelu(Torch.Tensor(1.0), Torch.Ones(2)));
        Throws<ArgumentException>("Lower bound should be less than or equal to the upper bound", () => F.Rrelu(x, 0.5, 0.1, training: true));
        Throws<IndexOutOfRangeException>("Dimension out of range (expected to be in range of [-2, 1], but got 2)", () => F.Softmax(x, 2));
        Throws<NotSupportedException>("Bool inputs not supported for hardtanh", () => F.Hardtanh(Torch.Ones(2, dtype: DType.Bool)));
    }

    [Theory]
    [InlineData(DType.Float16, "Half")]
    [InlineData(DType.Int64, "Long")]
    [InlineData(DType.Bool, "Bool")]
    public void KernelsRefuseDTypesAsPyTorch(DType dtype, string name)
    {
        var x = Torch.Tensor(new long[,] { { 1, -2 }, { 3, 4 } }).To(dtype);
        void Refused(string kernel, Func<Tensor> call) => Throws<NotSupportedException>($"\"{kernel}\" not implemented for '{name}'", () => call());
        Refused("leaky_relu_cpu", () => F.LeakyRelu(x));
        Refused("elu_cpu", () => F.Elu(x));
        Refused("elu_cpu", () => F.Selu(x));
        Refused("GeluKernelImpl", () => F.Gelu(x));
        Refused("silu_cpu", () => F.Silu(x));
        Refused("mish_cpu", () => F.Mish(x));
        Refused("softplus_cpu", () => F.Softplus(x));
        Refused("softshrink_cpu", () => F.Softshrink(x));
        Refused("hardshrink_cpu", () => F.Hardshrink(x));
        Refused("hardsigmoid_cpu", () => F.Hardsigmoid(x));
        Refused("hardswish_cpu", () => F.Hardswish(x));
        Refused("log_sigmoid_cpu", () => F.Logsigmoid(x));
        Refused("softmax_lastdim_kernel_impl", () => F.Softmax(x, 1));
        Refused("log_softmax_lastdim_kernel_impl", () => F.LogSoftmax(x, 1));
        Refused("softmax_kernel_impl", () => F.Softmax(x, 0));
        Refused("glu_cpu", () => F.Glu(x));
        Refused("prelu_cpu", () => F.Prelu(x, Torch.Ones(1, dtype: dtype)));
        Refused("LayerNormKernelImpl", () => F.LayerNorm(x, [2]));
        if (dtype != DType.Int64) Refused("threshold_cpu", () => F.Threshold(x, 1, 2));
        if (dtype == DType.Float16) Refused("clamp_scalar_cpu", () => F.Hardtanh(x));
    }

    [Fact]
    public void IntegersGoThroughThresholdAndHardtanh()
    {
        var x = Torch.Tensor(new long[] { 1, -2, 3, 7 });
        Assert.Equal([2L, 2, 3, 7], F.Threshold(x, 1, 2).ToArray<long>());
        Assert.Equal([1L, -1, 1, 1], F.Hardtanh(x).ToArray<long>());
        Assert.Equal([1L, 0, 3, 6], F.Relu6(x).ToArray<long>());
        Assert.Equal(DType.BFloat16, F.Gelu(Torch.Randn(3).To(DType.BFloat16)).DType);
    }

    [Fact]
    public void NormArguments()
    {
        var x = Torch.Randn(2, 3);
        Throws<ArgumentException>("Expected more than 1 value per channel when training, got input size torch.Size([1, 3])",
            () => F.BatchNorm(Torch.Randn(1, 3), null, null, training: true));
        Throws<ArgumentException>("running_mean must be defined in evaluation mode", () => F.BatchNorm(x, null, null));
        Throws<ArgumentException>("running_mean should contain 3 elements not 2", () => F.BatchNorm(x, Torch.Zeros(2), Torch.Ones(3), training: true));
        Throws<ArgumentException>("weight should contain 3 elements not 2",
            () => F.BatchNorm(x, Torch.Zeros(3), Torch.Ones(3), Torch.Ones(2), training: true));
        Throws<ArgumentException>("bias should contain 3 elements not 2",
            () => F.BatchNorm(x, Torch.Zeros(3), Torch.Ones(3), null, Torch.Ones(2), training: true));
        var y = Torch.Randn(2, 3, 4);
        Throws<ArgumentException>("Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[2, 3, 4]", () => F.LayerNorm(y, [3]));
        Throws<ArgumentException>("Expected weight to be of same shape as normalized_shape, but got weight of shape [3] and normalized_shape = [4]",
            () => F.LayerNorm(y, [4], Torch.Ones(3)));
        Throws<ArgumentException>("Expected bias to be of same shape as normalized_shape, but got bias of shape [3] and normalized_shape = [4]",
            () => F.LayerNorm(y, [4], null, Torch.Ones(3)));
        Throws<ArgumentException>("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []",
            () => F.LayerNorm(y, []));
        Throws<ArgumentException>("Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 3, 4] and num_groups=2",
            () => F.GroupNorm(y, 2));
        Throws<ArgumentException>("Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [3] and input of shape [2, 4, 4]",
            () => F.GroupNorm(Torch.Randn(2, 4, 4), 2, Torch.Ones(3)));
        Throws<ArgumentException>("Expected more than 1 value per channel when training, got input size [1, 2]", () => F.GroupNorm(Torch.Randn(1, 2), 2));
        Throws<ArgumentException>("Expected more than 1 spatial element when training, got input size torch.Size([2, 3, 1])",
            () => F.InstanceNorm(Torch.Randn(2, 3, 1)));
        Throws<ArgumentException>("Expected running_mean and running_var to be defined when use_input_stats is false",
            () => F.InstanceNorm(y, useInputStats: false));
        Throws<ArgumentException>("Expected 3D or higher dimensionality                          input (got 2 dimensions)", () => F.LocalResponseNorm(x, 2));
        Throws<ArgumentException>("expected 4D input (got 2D input)", () => new BatchNorm2d(3).Call(x));
        Throws<ArgumentException>("expected 2D or 3D input (got 4D input)", () => new BatchNorm1d(3).Call(Torch.Randn(2, 3, 1, 1)));
        Throws<ArgumentException>("expected 3D or 4D input (got 2D input)", () => new InstanceNorm2d(3).Call(x));
        Throws<ArgumentException>("num_channels must be divisible by num_groups", () => new GroupNorm(3, 4));
    }

    [Fact]
    public void DropoutArguments()
    {
        var x = Torch.Randn(2, 3);
        Throws<ArgumentException>("dropout probability has to be between 0 and 1, but got 1.5", () => F.Dropout(x, 1.5));
        Throws<ArgumentException>("dropout probability has to be between 0 and 1, but got -0.1", () => new Dropout(-0.1));
        Throws<ArgumentException>("dropout1d: Expected 2D or 3D input, but received a 4D input. Note that dropout1d exists to provide channel-wise " +
                                  "dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).",
            () => F.Dropout1d(Torch.Randn(2, 2, 2, 2)));
        Assert.Same(x, F.Dropout(x, 0.5, training: false));
        Assert.Same(x, F.Dropout(x, 0.0));
    }

    [Fact]
    public void EmbeddingAndLinearArguments()
    {
        var w = Torch.Randn(4, 3);
        Throws<ArgumentException>("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got " +
                                  "torch.FloatTensor instead (while checking arguments for embedding)", () => F.Embedding(Torch.Tensor(new[] { 1f }), w));
        Throws<IndexOutOfRangeException>("index out of range in self", () => F.Embedding(Torch.Tensor(new long[] { 5 }), w));
        Throws<ArgumentException>("Padding_idx must be within num_embeddings", () => F.Embedding(Torch.Tensor(new long[] { 1 }), w, paddingIdx: 5));
        Throws<ArgumentException>("'weight' must be 2-D", () => F.Embedding(Torch.Tensor(new long[,] { { 1 } }), Torch.Ones(3)));
        Throws<ArgumentException>("padding_idx must be within the number of embeddings, -4 through 3, but got 7",
            () => F.EmbeddingBag(Torch.Tensor(new long[] { 1, 2 }), w, Torch.Tensor(new long[] { 0 }), paddingIdx: 7));
        Throws<ArgumentException>("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got 1",
            () => F.EmbeddingBag(Torch.Tensor(new long[] { 1, 2 }), w, Torch.Tensor(new long[] { 1 })));
        Throws<ArgumentException>("offsets[-1] can not be greater than input's length 2 but got offsets[-1] of 3",
            () => F.EmbeddingBag(Torch.Tensor(new long[] { 1, 2 }), w, Torch.Tensor(new long[] { 0, 3 })));
        Throws<ArgumentException>("mode has to be one of sum, mean or max",
            () => F.EmbeddingBag(Torch.Tensor(new long[] { 1, 2 }), w, Torch.Tensor(new long[] { 0 }), mode: "foo"));
        Throws<NotSupportedException>("embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' " +
                                      "(got mode='mean'). Please open a feature request on GitHub.",
            () => F.EmbeddingBag(Torch.Tensor(new long[] { 1, 2 }), w, Torch.Tensor(new long[] { 0 }), perSampleWeights: Torch.Ones(2)));
        Throws<ArgumentException>("offsets has to be a 1D Tensor but got None", () => F.EmbeddingBag(Torch.Tensor(new long[] { 1, 2 }), w));
        Throws<ArgumentException>("embedding_bag: If per_sample_weights (torch.Size([3])) is not None, then it must have the same shape as the input (torch.Size([2]))",
            () => F.EmbeddingBag(Torch.Tensor(new long[] { 1, 2 }), w, Torch.Tensor(new long[] { 0 }), mode: "sum", perSampleWeights: Torch.Ones(3)));
        Throws<ArgumentException>("max mode does not support scaling the gradient by the frequency",
            () => F.EmbeddingBag(Torch.Tensor(new long[] { 1, 2 }), w, Torch.Tensor(new long[] { 0 }), mode: "max", scaleGradByFreq: true));
        Throws<ArgumentException>("include_last_offset: number of offset should be at least 1",
            () => F.EmbeddingBag(Torch.Tensor(new long[] { 1, 2 }), w, Torch.Zeros(0, dtype: DType.Int64), includeLastOffset: true));
        Throws<InvalidOperationException>("embedding_backward: scale_grad_by_freq not supported with sparse gradients",
            () => F.Embedding(Torch.Tensor(new long[] { 1 }), w.Clone().RequiresGrad_(), scaleGradByFreq: true, sparse: true).Sum().Backward());

        var x = Torch.Randn(2, 3);
        Throws<ArgumentException>("bilinear(): input2 size does not match weight size: got 4 but expected 3",
            () => F.Bilinear(x, Torch.Randn(2, 4), Torch.Randn(5, 3, 3)));
        Throws<ArgumentException>("bilinear(): input batch dimensions do not match at dim 0: got 2 and 3",
            () => F.Bilinear(x, Torch.Randn(3, 3), Torch.Randn(5, 3, 3)));
        Throws<ArgumentException>("bilinear(): bias size does not match weight size: got 4 but expected 5",
            () => F.Bilinear(x, Torch.Randn(2, 3), Torch.Randn(5, 3, 3), Torch.Randn(4)));
        Throws<ArgumentException>("one_hot is only applicable to index tensor.", () => F.OneHot(Torch.Tensor(new[] { 1f, 2f })));
        Throws<ArgumentException>("Class values must be non-negative.", () => F.OneHot(Torch.Tensor(new long[] { -1, 2 })));
        Throws<ArgumentException>("Class values must be smaller than num_classes.", () => F.OneHot(Torch.Tensor(new long[] { 1, 2 }), 2));
        Throws<ArgumentException>("Can not infer total number of classes from empty tensor.", () => F.OneHot(Torch.Zeros(0, dtype: DType.Int64)));
        Throws<ArgumentException>("expected common dtype to be floating point, yet common dtype is Long",
            () => F.CosineSimilarity(Torch.Tensor(new long[] { 1, 2 }), Torch.Tensor(new long[] { 1, 2 })));
    }

    [Fact]
    public void EmbeddingMaxNormRenormalisesRowsInPlace()
    {
        var w = Torch.Tensor(new float[,] { { 3, 4 }, { 0.3f, 0.4f }, { 6, 8 } });
        var version = w.Version;
        F.Embedding(Torch.Tensor(new long[] { 0, 1, 0 }), w, maxNorm: 1.0);
        Assert.True(w.Version > version);
        Assert.Equal(1.0, w[0].Norm().Item<float>(), 5);
        Assert.Equal([0.3f, 0.4f], w[1].ToArray<float>());
        Assert.Equal([6f, 8f], w[2].ToArray<float>());
    }
}
