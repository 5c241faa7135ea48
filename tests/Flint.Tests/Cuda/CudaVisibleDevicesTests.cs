using Flint.Backends.Cuda;

namespace Flint.Tests.Gpu;

/// <summary>CUDA_VISIBLE_DEVICES as the driver reads it (scenario G2's way of choosing GPUs).</summary>
public class CudaVisibleDevicesTests
{
    [Theory]
    [InlineData("", new string[0])]
    [InlineData("0", new[] { "0" })]
    [InlineData("2,1", new[] { "2", "1" })]
    [InlineData(" 1 , 3 ", new[] { "1", "3" })]
    [InlineData("0,2,-1,1", new[] { "0", "2" })]
    [InlineData("-1", new string[0])]
    [InlineData("+3,007", new[] { "3", "7" })]
    [InlineData("1,x,2", new[] { "1" })]
    [InlineData("1,1", new string[0])]
    [InlineData("GPU-8932f937-d72c-4106-c12f-20bd9faed9f6,1", new[] { "GPU-8932f937-d72c-4106-c12f-20bd9faed9f6", "1" })]
    [InlineData("MIG-GPU-5c89852c/0/0", new[] { "MIG-GPU-5c89852c/0/0" })]
    public void ParsesAsTheDriverSelects(string value, string[] expected) =>
        Assert.Equal(expected, CudaVisibleDevices.Parse(value));

    [Fact]
    public void UnsetMeansEveryDevice() => Assert.Null(CudaVisibleDevices.Parse(null));
}
