using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Flint.Backends.Cuda;

namespace Flint.Tests.Gpu;

/// <summary>
/// Runs generated CUDA kernels on the CPU: their source (prelude included) compiled as host C++ by g++ with a small
/// emulation of the CUDA built-ins, and a launcher per kernel that calls it for every (block, thread) of the grid in
/// turn, taking the same argument array cuLaunchKernel takes. Kernels that synchronise threads (the block reduction)
/// are correct only with one thread per block, which is how the tests launch them.
/// </summary>
internal sealed unsafe class KernelEmulator : IDisposable
{
    private const string Header = """
        #include <cmath>
        #include <cstring>
        #include <cstdint>
        #define __global__
        #define __device__
        #define __forceinline__ inline
        #define __shared__ static
        struct flint_dim3 { unsigned int x = 0, y = 1, z = 1; };
        static flint_dim3 blockIdx, threadIdx, blockDim, gridDim;
        static inline void __syncthreads() {}
        static inline float __uint_as_float(unsigned int u) { float f; std::memcpy(&f, &u, 4); return f; }
        static inline float __int_as_float(int u) { float f; std::memcpy(&f, &u, 4); return f; }
        static inline unsigned int __float_as_uint(float f) { unsigned int u; std::memcpy(&u, &f, 4); return u; }
        static inline long long __double_as_longlong(double d) { long long u; std::memcpy(&u, &d, 8); return u; }
        static inline double __longlong_as_double(long long u) { double d; std::memcpy(&d, &u, 8); return d; }
        static inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
        static inline double rsqrt(double x) { return 1.0 / sqrt(x); }
        static inline double erfinv(double y)
        {
            if (y <= -1.0) return y == -1.0 ? -INFINITY : NAN;
            if (y >= 1.0) return y == 1.0 ? INFINITY : NAN;
            // Winitzki's approximation (a = 0.147, 2 / (pi a) = 4.3307; w = -ln(1 - y^2)), then Newton steps on erf.
            double w = -log((1.0 - y) * (1.0 + y)), t = 4.3307 - w / 2;
            double x = copysign(sqrt(sqrt(t * t + w / 0.147) - t), y);
            for (int i = 0; i < 6; ++i) x -= (erf(x) - y) / (1.1283791670955126 * exp(-x * x));
            return x;
        }
        static inline float erfinvf(float y) { return (float)erfinv((double)y); }

        """;

    private readonly string folder;
    private readonly nint library;

    private KernelEmulator(string folder, nint library)
    {
        this.folder = folder;
        this.library = library;
    }

    /// <summary>True if g++ can be run and its output loaded as a shared library (Linux or macOS).</summary>
    public static bool Available { get; } = !OperatingSystem.IsWindows() && CanRun("g++");

    /// <summary>The reason to skip when <see cref="Available"/> is false.</summary>
    public const string Unavailable = "running CUDA kernels on the CPU needs g++ (on Linux or macOS), which is not installed";

    private static bool CanRun(string tool)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(tool, "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
            p!.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Compiles kernels (full sources from <see cref="KernelSource"/>); kernel i is launched by <see cref="Launcher"/>(i).</summary>
    public static KernelEmulator Compile(IReadOnlyList<string> sources)
    {
        const string end = "// ---- end of prelude ----";
        var sb = new StringBuilder(Header).Append(CudaPrelude.Source);
        for (int i = 0; i < sources.Count; i++)
        {
            var body = sources[i][(sources[i].IndexOf(end, StringComparison.Ordinal) + end.Length)..];
            var signature = Regex.Match(body, @"void " + KernelSource.EntryPoint + @"\(([^)]*)\)").Groups[1].Value;
            var args = signature.Split(", ").Select((p, k) =>
            {
                var decl = p.StartsWith("const ", StringComparison.Ordinal) ? p[6..] : p;
                var type = decl[..decl.LastIndexOf(' ')];
                return $"*({type}*)args[{k}]";
            });
            body = body.Replace("namespace fl {", $"namespace fl {{ namespace k{i} {{", StringComparison.Ordinal)
                .Replace(KernelSource.EntryPoint, $"kernel_{i}", StringComparison.Ordinal);
            // The launcher goes inside the kernel's namespace (its types are declared there), before the closing braces.
            int close = body.LastIndexOf('}');
            body = body[..close] +
                   $"extern \"C\" void launch_{i}(unsigned int grid, unsigned int block, void** args)\n{{\n" +
                   "    gridDim.x = grid; blockDim.x = block;\n" +
                   "    for (unsigned int b = 0; b < grid; ++b) for (unsigned int t = 0; t < block; ++t)\n" +
                   $"    {{ blockIdx.x = b; threadIdx.x = t; kernel_{i}({string.Join(", ", args)}); }}\n}}\n" +
                   body[close..] + "}\n";
            sb.Append(body);
        }
        var folder = Directory.CreateTempSubdirectory("flint-emulated-kernels-").FullName;
        var cpp = Path.Combine(folder, "kernels.cpp");
        var so = Path.Combine(folder, "kernels.so");
        File.WriteAllText(cpp, sb.ToString());
        var psi = new ProcessStartInfo("g++", $"-std=c++17 -O1 -w -shared -fPIC -o \"{so}\" \"{cpp}\"")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        var errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"g++ failed on {cpp}:\n{errors}");
        return new KernelEmulator(folder, NativeLibrary.Load(so));
    }

    /// <summary>The launcher of kernel i, with cuLaunchKernel's argument array.</summary>
    public KernelLauncher Launcher(int i)
    {
        var fn = (delegate* unmanaged<uint, uint, void**, void>)NativeLibrary.GetExport(library, $"launch_{i}");
        return (grid, block, args) => fn(grid, block, args);
    }

    public void Dispose()
    {
        NativeLibrary.Free(library);
        Directory.Delete(folder, recursive: true);
    }
}
