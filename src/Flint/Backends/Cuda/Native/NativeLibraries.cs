using System.Runtime.InteropServices;

namespace Flint.Backends.Cuda.Native;

/// <summary>
/// Finds a native library among candidate names and paths with <see cref="NativeLibrary.TryLoad(string, out nint)"/>,
/// never at type load: the CUDA bindings call this only when a CUDA tensor is made or availability is asked.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>Loads the first candidate that loads; null when none does.</summary>
    public static nint? TryLoad(IEnumerable<string> candidates)
    {
        foreach (var name in candidates)
            if (NativeLibrary.TryLoad(name, out var handle))
                return handle;
        return null;
    }

    /// <summary>The address of an exported function, or an error naming the library and the symbol.</summary>
    public static nint Export(nint library, string libraryName, string symbol)
    {
        if (NativeLibrary.TryGetExport(library, symbol, out var address)) return address;
        throw new InvalidOperationException(
            $"{libraryName} has no export '{symbol}'; this CUDA installation is older than Flint supports (CUDA 11.2 or newer is needed)");
    }

    /// <summary>The address of an exported function, or zero when the library lacks it (features of newer versions).</summary>
    public static nint OptionalExport(nint library, string symbol) =>
        NativeLibrary.TryGetExport(library, symbol, out var address) ? address : 0;

    /// <summary>
    /// Candidate file names for a CUDA toolkit library: the versioned sonames (newest first) looked up by the dynamic
    /// loader, then the same names under $CUDA_PATH, $CUDA_HOME and /usr/local/cuda. On Windows, the DLL names.
    /// </summary>
    public static IReadOnlyList<string> ToolkitCandidates(string[] linuxNames, string[] windowsNames)
    {
        var names = OperatingSystem.IsWindows() ? windowsNames : linuxNames;
        var result = new List<string>(names);
        foreach (var root in ToolkitRoots())
            foreach (var name in names)
                result.Add(Path.Combine(root, OperatingSystem.IsWindows() ? "bin" : "lib64", name));
        return result;
    }

    private static IEnumerable<string> ToolkitRoots()
    {
        foreach (var variable in new[] { "CUDA_PATH", "CUDA_HOME" })
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } root)
                yield return root;
        if (!OperatingSystem.IsWindows()) yield return "/usr/local/cuda";
    }

    /// <summary>Reads a NUL-terminated UTF-8 string returned by a native library (null pointer: empty).</summary>
    public static unsafe string Utf8(byte* text) => text is null ? "" : Marshal.PtrToStringUTF8((nint)text) ?? "";
}
