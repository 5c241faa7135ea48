namespace Flint.Backends.Cuda.Native;

/// <summary>
/// NVRTC (<c>nvrtc.h</c>), the CUDA C++ runtime compiler, as unmanaged function pointers. Programs are <c>nint</c>
/// (nvrtcProgram), results <c>int</c> (nvrtcResult, 0 = NVRTC_SUCCESS). CUBIN output (<c>nvrtcGetCUBIN</c>, CUDA
/// 11.1+) and the list of supported architectures (CUDA 11.2+) are used when present; otherwise PTX is produced.
/// </summary>
internal sealed unsafe class NvrtcApi
{
    /// <summary>The names NVRTC is looked for under, newest first.</summary>
    public static readonly IReadOnlyList<string> LibraryNames = NativeLibraries.ToolkitCandidates(
        ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"],
        ["nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll"]);

    /// <summary>NVRTC_ERROR_COMPILATION.</summary>
    public const int ErrorCompilation = 6;

    public readonly delegate* unmanaged<int*, int*, int> nvrtcVersion;
    public readonly delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int> nvrtcCreateProgram;
    public readonly delegate* unmanaged<nint*, int> nvrtcDestroyProgram;
    public readonly delegate* unmanaged<nint, int, byte**, int> nvrtcCompileProgram;
    public readonly delegate* unmanaged<nint, nuint*, int> nvrtcGetPTXSize;
    public readonly delegate* unmanaged<nint, byte*, int> nvrtcGetPTX;
    public readonly delegate* unmanaged<nint, nuint*, int> nvrtcGetProgramLogSize;
    public readonly delegate* unmanaged<nint, byte*, int> nvrtcGetProgramLog;
    public readonly delegate* unmanaged<int, byte*> nvrtcGetErrorString;
    /// <summary>Null before CUDA 11.1.</summary>
    public readonly delegate* unmanaged<nint, nuint*, int> nvrtcGetCUBINSize;
    /// <summary>Null before CUDA 11.1.</summary>
    public readonly delegate* unmanaged<nint, byte*, int> nvrtcGetCUBIN;
    /// <summary>Null before CUDA 11.2.</summary>
    public readonly delegate* unmanaged<int*, int> nvrtcGetNumSupportedArchs;
    /// <summary>Null before CUDA 11.2.</summary>
    public readonly delegate* unmanaged<int*, int> nvrtcGetSupportedArchs;

    private NvrtcApi(nint lib)
    {
        const string L = "libnvrtc";
        nvrtcVersion = (delegate* unmanaged<int*, int*, int>)NativeLibraries.Export(lib, L, "nvrtcVersion");
        nvrtcCreateProgram = (delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int>)NativeLibraries.Export(lib, L, "nvrtcCreateProgram");
        nvrtcDestroyProgram = (delegate* unmanaged<nint*, int>)NativeLibraries.Export(lib, L, "nvrtcDestroyProgram");
        nvrtcCompileProgram = (delegate* unmanaged<nint, int, byte**, int>)NativeLibraries.Export(lib, L, "nvrtcCompileProgram");
        nvrtcGetPTXSize = (delegate* unmanaged<nint, nuint*, int>)NativeLibraries.Export(lib, L, "nvrtcGetPTXSize");
        nvrtcGetPTX = (delegate* unmanaged<nint, byte*, int>)NativeLibraries.Export(lib, L, "nvrtcGetPTX");
        nvrtcGetProgramLogSize = (delegate* unmanaged<nint, nuint*, int>)NativeLibraries.Export(lib, L, "nvrtcGetProgramLogSize");
        nvrtcGetProgramLog = (delegate* unmanaged<nint, byte*, int>)NativeLibraries.Export(lib, L, "nvrtcGetProgramLog");
        nvrtcGetErrorString = (delegate* unmanaged<int, byte*>)NativeLibraries.Export(lib, L, "nvrtcGetErrorString");
        nvrtcGetCUBINSize = (delegate* unmanaged<nint, nuint*, int>)NativeLibraries.OptionalExport(lib, "nvrtcGetCUBINSize");
        nvrtcGetCUBIN = (delegate* unmanaged<nint, byte*, int>)NativeLibraries.OptionalExport(lib, "nvrtcGetCUBIN");
        nvrtcGetNumSupportedArchs = (delegate* unmanaged<int*, int>)NativeLibraries.OptionalExport(lib, "nvrtcGetNumSupportedArchs");
        nvrtcGetSupportedArchs = (delegate* unmanaged<int*, int>)NativeLibraries.OptionalExport(lib, "nvrtcGetSupportedArchs");
    }

    /// <summary>Binds NVRTC, or returns null when no candidate loads.</summary>
    public static NvrtcApi? TryLoad() => NativeLibraries.TryLoad(LibraryNames) is { } lib ? new NvrtcApi(lib) : null;

    /// <summary>"major.minor" of the loaded NVRTC.</summary>
    public string Version()
    {
        int major = 0, minor = 0;
        Check(nvrtcVersion(&major, &minor), "nvrtcVersion");
        return $"{major}.{minor}";
    }

    /// <summary>The virtual architectures this NVRTC compiles for (e.g. 50, 52 ... 90), newest last; empty if unknown.</summary>
    public int[] SupportedArchitectures()
    {
        if (nvrtcGetNumSupportedArchs == null || nvrtcGetSupportedArchs == null) return [];
        int n = 0;
        Check(nvrtcGetNumSupportedArchs(&n), "nvrtcGetNumSupportedArchs");
        var archs = new int[n];
        fixed (int* p = archs) Check(nvrtcGetSupportedArchs(p), "nvrtcGetSupportedArchs");
        return archs;
    }

    /// <summary>Throws with NVRTC's description of a failed call.</summary>
    public void Check(int result, string call)
    {
        if (result != 0)
            throw new InvalidOperationException($"NVRTC error: {NativeLibraries.Utf8(nvrtcGetErrorString(result))} (in {call})");
    }
}
