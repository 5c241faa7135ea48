using Flint.Backends.Cuda;

namespace Flint.Tests.Gpu;

/// <summary>
/// Compiles the kernels the CUDA backend generates with NVRTC, which needs no GPU: the tests run wherever an NVRTC
/// library loads (a CUDA toolkit, or Debian's libnvrtc11.2) and are skipped elsewhere. By default every kernel struct
/// is compiled for its first supported dtype in both layout variants (one translation unit per family, sm_80);
/// with FLINT_CUDA_EXHAUSTIVE=1 (tests/cuda/run_gpu_checks.sh sets it) every dtype, for sm_80 and the oldest
/// architecture the NVRTC supports (CUDA 13 dropped sm_70).
/// </summary>
public class KernelCompilationTests
{
    private static readonly Lazy<List<(string Description, string Source)>> Sources = new(() => KernelCatalog.AllSources().ToList());

    public static IEnumerable<object[]> Families() =>
        new[] { "unary", "binary", "compare", "ternary", "reduce", "cast", "fill", "masked_fill", "where" }.Select(f => new object[] { f });

    [SkippableTheory]
    [MemberData(nameof(Families))]
    public void EveryGeneratedKernelCompiles(string family)
    {
        var nvrtc = CudaRuntime.NvrtcIfPresent;
        Skip.If(nvrtc is null, "NVRTC is not installed");
        var exhaustive = Environment.GetEnvironmentVariable("FLINT_CUDA_EXHAUSTIVE") == "1";
        var kernels = Sources.Value.Where(k => k.Description.Split(' ')[0].Split('-')[0] == family)
            .Where(k => exhaustive || KernelCatalog.IsSample(k.Description)).ToList();
        Assert.NotEmpty(kernels);
        // One translation unit per family keeps the NVRTC runs few.
        var source = KernelCatalog.Combine(kernels);
        foreach (var arch in exhaustive ? new[] { nvrtc!.SupportedArchitectures().Min(), 80 } : [80])
        {
            var image = KernelCompiler.Compile(nvrtc!, source, arch, family, diskCache: false);
            Assert.NotEmpty(image);
        }
    }

    [SkippableFact]
    public void OneKernelCompilesToPtxForAnArchitectureNvrtcOnlyKnowsVirtually()
    {
        var nvrtc = CudaRuntime.NvrtcIfPresent;
        Skip.If(nvrtc is null, "NVRTC is not installed");
        var newest = nvrtc!.SupportedArchitectures().Max();
        var source = Sources.Value.First(k => k.Description.StartsWith("unary ExpKernel Float32", StringComparison.Ordinal)).Source;
        var ptx = KernelCompiler.Compile(nvrtc, source, newest + 1, "exp", diskCache: false);
        var text = System.Text.Encoding.ASCII.GetString(ptx);
        Assert.Contains(".entry flint_kernel", text);
        Assert.Equal(0, ptx[^1]);
    }
}
