using System.Reflection;
using System.Runtime.Loader;
using Flint.NN;

namespace Flint.Tests.Gpu;

/// <summary>
/// torch.cuda without a usable GPU (scenario G1 on a CPU machine): availability is false, the statistics are zero,
/// seeding is remembered, and every entry point that needs a device throws PyTorch's error; CPU work never looks for
/// CUDA. The tests that assume no GPU skip themselves on a machine that has one.
/// </summary>
public class CudaAvailabilityTests
{
    private static readonly string[] DocumentedStarts =
    [
        "Found no NVIDIA driver on your system", "No CUDA GPUs are available", "CUDA driver initialization failed",
        "CUDA kernels are compiled with NVRTC", "CUDA matrix products use cuBLAS",
    ];

    private static void AssertCudaUnavailable(Action action)
    {
        var e = Assert.Throws<InvalidOperationException>(action);
        Assert.True(DocumentedStarts.Any(s => e.Message.StartsWith(s, StringComparison.Ordinal)), e.Message);
    }

    [SkippableFact]
    public void IsAvailableIsFalseAndStatisticsAreZero()
    {
        Skip.If(Cuda.IsAvailable(), "this machine has a usable GPU");
        Assert.False(Cuda.IsAvailable());
        Assert.False(Cuda.IsInitialized());
        Assert.Equal(0, Cuda.MemoryAllocated());
        Assert.Equal(0, Cuda.MemoryReserved());
        Assert.Equal(0, Cuda.MaxMemoryAllocated());
        Cuda.EmptyCache();
        Cuda.ResetPeakMemoryStats();
        Cuda.ManualSeed(7);
        Cuda.ManualSeedAll(7);
        Torch.ManualSeed(7);
        Assert.Null(Flint.Backends.CudaBackends.Factory);
    }

    [SkippableFact]
    public void EveryEntryPointThatNeedsADeviceThrowsPyTorchsError()
    {
        Skip.If(Cuda.IsAvailable(), "this machine has a usable GPU");
        var cpu = Torch.Ones(2, 3);
        AssertCudaUnavailable(() => Torch.Zeros(2, 3, device: "cuda"));
        AssertCudaUnavailable(() => Torch.Tensor(new float[] { 1, 2 }, device: Torch.Device("cuda")));
        AssertCudaUnavailable(() => Torch.Randn(4, device: "cuda:0"));
        AssertCudaUnavailable(() => cpu.Cuda());
        AssertCudaUnavailable(() => cpu.To("cuda:0"));
        AssertCudaUnavailable(() => cpu.To(DType.Float64, Torch.Device("cuda", 1)));
        AssertCudaUnavailable(() => Cuda.CurrentDevice());
        AssertCudaUnavailable(() => Cuda.SetDevice(0));
        AssertCudaUnavailable(() => Cuda.GetDeviceName());
        AssertCudaUnavailable(() => Cuda.GetDeviceCapability());
        AssertCudaUnavailable(() => Cuda.Synchronize());
        AssertCudaUnavailable(() => Cuda.InitialSeed());

        // A model that could not move stays whole on the CPU.
        var model = new Linear(3, 2);
        AssertCudaUnavailable(() => model.To("cuda"));
        AssertCudaUnavailable(() => model.Cuda());
        Assert.All(model.Parameters(), p => Assert.True(p.Device.IsCpu));
        Assert.Equal([2, 2], model.Forward(cpu).Shape.ToArray());
    }

    [Fact]
    public void DeviceStringsParseWithoutTouchingCuda()
    {
        var d = Torch.Device("cuda:1");
        Assert.Equal(DeviceType.Cuda, d.Type);
        Assert.Equal(1, d.Index);
        Assert.Equal("cuda:1", d.ToString());
        Assert.Equal("cuda", Torch.Device("cuda").ToString());
        Assert.Equal(new Device(DeviceType.Cuda, 2), Torch.Device("cuda", 2));
        var chosen = Torch.Device(Cuda.IsAvailable() ? "cuda" : "cpu");
        var x = Torch.Ones(2, 3).To(chosen);
        Assert.Equal(Cuda.IsAvailable() ? DeviceType.Cuda : DeviceType.Cpu, x.Device.Type);
        Assert.Same(x, x.To(chosen));
    }

    /// <summary>A storage that claims to live on a GPU, so device checks can be seen without one.</summary>
    private sealed class ElsewhereStorage(long bytes, Device device) : Storage(bytes)
    {
        public override Device Device => device;
        public override void CopyToHost(long byteOffset, Span<byte> destination) => throw new InvalidOperationException("not readable");
        public override void CopyFromHost(ReadOnlySpan<byte> source, long byteOffset) => throw new InvalidOperationException("not writable");
    }

    [Fact]
    public void AnOpOnTensorsOfTwoDevicesFailsWithPyTorchsError()
    {
        var gpu = new Tensor(new ElsewhereStorage(24, new Device(DeviceType.Cuda, 0)), [2, 3], [3, 1], 0, DType.Float32);
        var cpu = Torch.Ones(2, 3);
        var e = Assert.Throws<InvalidOperationException>(() => cpu.Add(gpu));
        Assert.Equal("Expected all tensors to be on the same device, but found at least two devices, cpu and cuda:0!", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => gpu.Mul(cpu));
        Assert.Equal("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => cpu.MatMul(gpu.T()));
        Assert.Equal("Expected all tensors to be on the same device, but found at least two devices, cpu and cuda:0!", e.Message);
        Assert.True(gpu.IsCuda);
        Assert.Equal(new Device(DeviceType.Cuda, 0), gpu.Device);
    }

    [Fact]
    public void CpuWorkNeverLooksForCuda()
    {
        // A fresh copy of Flint (its own statics) does CPU work; its CUDA runtime must not have been looked for.
        var context = new AssemblyLoadContext("flint-cpu-only", isCollectible: true);
        try
        {
            var flint = context.LoadFromAssemblyPath(typeof(Tensor).Assembly.Location);
            var torch = flint.GetType("Flint.Torch")!;
            var make = torch.GetMethods().First(m => m.Name == "Tensor" && m.GetParameters()[0].ParameterType == typeof(double));
            var t = make.Invoke(null, [1.5, null, null, false])!;
            var e = t.GetType().GetMethod("Exp", Type.EmptyTypes)!.Invoke(t, null)!;
            Assert.Contains("4.4817", e.ToString());
            var runtime = flint.GetType("Flint.Backends.Cuda.CudaRuntime")!;
            foreach (var name in new[] { "Driver", "Toolkit" })
            {
                var lazy = runtime.GetField(name, BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
                Assert.False((bool)lazy.GetType().GetProperty("IsValueCreated")!.GetValue(lazy)!, name + " was loaded by CPU work");
            }
        }
        finally
        {
            context.Unload();
        }
    }

    [SkippableFact]
    public void DataParallelWithoutCudaRunsTheModule()
    {
        Skip.If(Cuda.IsAvailable(), "this machine has a usable GPU");
        var model = new Linear(3, 2);
        var dp = new DataParallel(model, deviceIds: [0, 1]);
        Assert.Empty(dp.DeviceIds);
        Assert.Null(dp.OutputDevice);
        var x = Torch.Randn(4, 3);
        Assert.Equal(model.Forward(x).ToArray<float>(), dp.Forward(x).ToArray<float>());
    }
}
