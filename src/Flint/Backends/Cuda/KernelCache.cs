using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Flint.Backends.Cuda.Native;

namespace Flint.Backends.Cuda;

/// <summary>What identifies a compiled kernel: its kind, the kernel struct (if any), dtypes and layout variant.</summary>
internal readonly record struct KernelKey(string Kind, Type? Op, DType D0, DType D1, DType D2, DType D3, string Variant);

/// <summary>
/// The kernels of one device, each compiled once per <see cref="KernelKey"/> and kept loaded: the first launch of a
/// variant generates its source, compiles it (or finds it in the on-disk cache) and loads the module into the
/// device's context; later launches find the function here.
/// </summary>
internal sealed class KernelCache(CudaDevice device)
{
    private readonly ConcurrentDictionary<KernelKey, Lazy<nint>> functions = new();

    /// <summary>The function for <paramref name="key"/>, compiling <paramref name="source"/>() on first use.</summary>
    public nint Get(KernelKey key, Func<string> source) =>
        functions.GetOrAdd(key, _ => new Lazy<nint>(() =>
        {
            var image = KernelCompiler.Compile(source(), device.Architecture, $"{key.Kind} {key.Op?.Name} {key.D0}");
            return device.LoadFunction(image, KernelSource.EntryPoint).Function;
        })).Value;

    /// <summary>Number of kernel variants loaded on this device.</summary>
    public int Count => functions.Count;
}

/// <summary>
/// Compiles generated CUDA C with NVRTC: to a CUBIN for the device's own architecture when this NVRTC supports it,
/// else to PTX for the newest architecture it supports below the device (the driver compiles that on load).
/// Compiled images are kept in memory per (source, architecture) and on disk under
/// <c>$FLINT_CUDA_CACHE</c>, else <c>$XDG_CACHE_HOME/flint/cuda</c> or <c>~/.cache/flint/cuda</c>, keyed by a hash of the
/// source, the options and the NVRTC version, so later runs skip compilation. The disk cache is best effort: a
/// folder that cannot be written only costs the compile.
/// </summary>
internal static class KernelCompiler
{
    private static readonly ConcurrentDictionary<(string, int), byte[]> Images = new();

    /// <summary>The folder compiled kernels are cached in.</summary>
    public static string CacheFolder()
    {
        if (Environment.GetEnvironmentVariable("FLINT_CUDA_CACHE") is { Length: > 0 } explicitFolder) return explicitFolder;
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "flint", "cuda");
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = xdg is { Length: > 0 } ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "flint", "cuda");
    }

    /// <summary>
    /// The NVRTC target for a device of architecture <paramref name="device"/> (e.g. 86) given the architectures NVRTC
    /// supports (empty when unknown): "sm_86" (a CUBIN) if supported, else "compute_NN" (PTX) for the newest one below.
    /// </summary>
    public static (string Target, bool Cubin) Target(int device, int[] supported, bool canEmitCubin)
    {
        if (supported.Length == 0) return ($"compute_{device}", false);
        if (canEmitCubin && Array.IndexOf(supported, device) >= 0) return ($"sm_{device}", true);
        var below = supported.Where(a => a <= device).DefaultIfEmpty(-1).Max();
        if (below < 0)
            throw new InvalidOperationException(
                $"this NVRTC cannot compile for the GPU's architecture sm_{device} (it supports sm_{supported.Min()} to sm_{supported.Max()}); " +
                "use an NVRTC from a CUDA toolkit that supports this GPU");
        return ($"compute_{below}", false);
    }

    /// <summary>The compiled image (CUBIN, or NUL-terminated PTX) of a kernel's source for an architecture.</summary>
    public static byte[] Compile(string source, int architecture, string description) =>
        Images.GetOrAdd((source, architecture), key => Compile(CudaRuntime.Nvrtc, key.Item1, key.Item2, description, diskCache: true));

    /// <summary>Compiles with a given NVRTC (which needs no GPU); the disk cache is optional.</summary>
    internal static unsafe byte[] Compile(NvrtcApi nvrtc, string source, int architecture, string description, bool diskCache)
    {
        var (target, cubin) = Target(architecture, nvrtc.SupportedArchitectures(), nvrtc.nvrtcGetCUBIN != null);
        string[] options = [$"--gpu-architecture={target}", "--std=c++17"];
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            source + "\n" + string.Join(' ', options) + "\nnvrtc " + nvrtc.Version()))).ToLowerInvariant();
        var path = Path.Combine(CacheFolder(), hash + (cubin ? ".cubin" : ".ptx"));
        if (diskCache && TryRead(path) is { } cached) return cached;

        nint program;
        var src = Encoding.UTF8.GetBytes(source + "\0");
        var name = "flint_kernel.cu\0"u8.ToArray();
        fixed (byte* s = src, n = name)
            nvrtc.Check(nvrtc.nvrtcCreateProgram(&program, s, n, 0, null, null), "nvrtcCreateProgram");
        try
        {
            var optionBytes = options.Select(o => Encoding.UTF8.GetBytes(o + "\0")).ToArray();
            var handles = optionBytes.Select(b => System.Runtime.InteropServices.GCHandle.Alloc(b, System.Runtime.InteropServices.GCHandleType.Pinned)).ToArray();
            int result;
            try
            {
                var pointers = stackalloc byte*[options.Length];
                for (int i = 0; i < options.Length; i++) pointers[i] = (byte*)handles[i].AddrOfPinnedObject();
                result = nvrtc.nvrtcCompileProgram(program, options.Length, pointers);
            }
            finally
            {
                foreach (var h in handles) h.Free();
            }
            if (result != 0)
            {
                var log = ProgramLog(nvrtc, program);
                var kernel = source.Contains("// ---- end of prelude ----", StringComparison.Ordinal)
                    ? source[(source.IndexOf("// ---- end of prelude ----", StringComparison.Ordinal) + 27)..]
                    : source;
                throw new InvalidOperationException(
                    $"NVRTC could not compile the CUDA kernel for {description} ({NativeLibraries.Utf8(nvrtc.nvrtcGetErrorString(result))}):\n{log}\n" +
                    $"Kernel (after the prelude of Backends/Cuda/CudaPrelude.cs):\n{kernel}");
            }
            nuint size;
            byte[] image;
            if (cubin)
            {
                nvrtc.Check(nvrtc.nvrtcGetCUBINSize(program, &size), "nvrtcGetCUBINSize");
                image = new byte[(int)size];
                fixed (byte* p = image) nvrtc.Check(nvrtc.nvrtcGetCUBIN(program, p), "nvrtcGetCUBIN");
            }
            else
            {
                nvrtc.Check(nvrtc.nvrtcGetPTXSize(program, &size), "nvrtcGetPTXSize");
                image = new byte[(int)size];
                fixed (byte* p = image) nvrtc.Check(nvrtc.nvrtcGetPTX(program, p), "nvrtcGetPTX");
            }
            if (diskCache) TryWrite(path, image);
            return image;
        }
        finally
        {
            nvrtc.nvrtcDestroyProgram(&program);
        }
    }

    private static unsafe string ProgramLog(NvrtcApi nvrtc, nint program)
    {
        nuint size;
        if (nvrtc.nvrtcGetProgramLogSize(program, &size) != 0 || size <= 1) return "";
        var log = new byte[(int)size];
        fixed (byte* p = log)
        {
            if (nvrtc.nvrtcGetProgramLog(program, p) != 0) return "";
            return NativeLibraries.Utf8(p);
        }
    }

    private static byte[]? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryWrite(string path, byte[] image)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllBytes(temp, image);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The disk cache is an optimisation: without it the kernel is compiled again next run.
        }
    }
}
