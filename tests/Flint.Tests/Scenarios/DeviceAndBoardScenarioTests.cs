using Flint.Examples.Scenarios;
using Flint.Tests.Board;

namespace Flint.Tests.Scenarios;

/// <summary>SCENARIOS.md G1 (devices) and V1 (SummaryWriter scalars) as assertions.</summary>
[Collection("DefaultGenerator")]
public class DeviceAndBoardScenarioTests
{
    /// <summary>A storage that claims to live on a CUDA device, to build a tensor an op must refuse to mix.</summary>
    private sealed class FakeCudaStorage(long bytes) : Storage(bytes)
    {
        public override Device Device => new(DeviceType.Cuda, 0);

        public override void CopyToHost(long byteOffset, Span<byte> destination) => throw new InvalidOperationException("no CUDA here");

        public override void CopyFromHost(ReadOnlySpan<byte> source, long byteOffset) => throw new InvalidOperationException("no CUDA here");
    }

    [SkippableFact]
    public void G1_DeviceSelectionAndParsing()
    {
        Skip.If(Cuda.IsAvailable(), "this machine has a usable GPU");
        var device = Torch.Device(Cuda.IsAvailable() ? "cuda" : "cpu");
        Assert.Equal(Device.CPU, device);
        var second = Torch.Device("cuda:1");
        Assert.Equal((DeviceType.Cuda, 1), (second.Type, second.Index));
        Assert.Equal("cuda:1", second.ToString());
        var x = Torch.Tensor(new[] { 1f, 2f });
        Assert.Same(x, x.To(device));
    }

    [SkippableFact]
    public void G1_CudaWithoutCudaFailsClearly()
    {
        Skip.If(Cuda.IsAvailable(), "this machine has a usable GPU");
        var x = Torch.Tensor(new[] { 1f, 2f });
        var e = Assert.Throws<InvalidOperationException>(() => x.To(Torch.Device("cuda")));
        Assert.Matches("^(Found no NVIDIA driver on your system|No CUDA GPUs are available|CUDA kernels are compiled with NVRTC|CUDA matrix products use cuBLAS)", e.Message);
        Assert.Throws<InvalidOperationException>(() => Torch.Zeros(2, device: "cuda:1"));
    }

    [Fact]
    public void G1_MixingDevicesFailsWithPyTorchsMessage()
    {
        var cpu = Torch.Ones(2);
        var cuda = new Tensor(new FakeCudaStorage(8), [2], [1], 0, DType.Float32);
        var e = Assert.Throws<InvalidOperationException>(() => cpu + cuda);
        Assert.Equal("Expected all tensors to be on the same device, but found at least two devices, cpu and cuda:0!", e.Message);
    }

    [SkippableFact]
    public void G1_ExampleRuns()
    {
        Skip.If(Cuda.IsAvailable(), "this machine has a usable GPU");
        var o = new StringWriter();
        Assert.Equal(0, new G1Devices().Run([], o));
        Assert.Contains("There is no GPU available.", o.ToString());
        Assert.Contains("type Cuda, index 1", o.ToString());
    }

    [Fact]
    public void V1_FourCurvesOverHundredSteps()
    {
        var dir = BoardTestDirs.Make("v1-scenario");
        Assert.Equal(0, V1Scalars.Run(dir, TextWriter.Null));
        var file = Assert.Single(Directory.GetFiles(dir, "events.out.tfevents.*"));
        var scalars = EventFileReader.ReadEvents(file).Where(e => e.Summary is not null).ToList();
        var byTag = scalars.GroupBy(e => e.Summary.Value.Single().Tag).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(["Accuracy/test", "Accuracy/train", "Loss/test", "Loss/train"], byTag.Keys.Order());
        foreach (var (_, events) in byTag) Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), events.Select(e => e.Step));
        Assert.True(byTag["Loss/train"][^1].Summary.Value[0].SimpleValue < byTag["Loss/train"][0].Summary.Value[0].SimpleValue);
    }
}
