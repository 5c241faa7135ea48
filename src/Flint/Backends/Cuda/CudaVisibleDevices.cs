using System.Runtime.InteropServices;
using Flint.Backends.Cuda.Native;

namespace Flint.Backends.Cuda;

/// <summary>
/// <c>CUDA_VISIBLE_DEVICES</c>, which the driver reads once, at <c>cuInit</c>: a comma-separated list of device
/// ordinals or UUIDs (<c>GPU-...</c>, <c>MIG-...</c>) that become devices 0, 1, ... in that order. Flint parses it only
/// to explain an empty device list; the selection itself is the driver's. Setting the variable from C#
/// (<c>Environment.SetEnvironmentVariable</c>) before CUDA is first used works as <c>os.environ[...] = ...</c> does in
/// Python: on Linux .NET keeps its own copy of the environment, so the value is copied into the native one first.
/// </summary>
internal static class CudaVisibleDevices
{
    public const string Variable = "CUDA_VISIBLE_DEVICES";

    /// <summary>
    /// The entries the driver will enumerate, in order: null when the variable is unset (every device). As the driver
    /// does, parsing stops at the first entry that is neither a non-negative ordinal nor a UUID, so "0,2,-1,1" is
    /// [0, 2] and "" or "-1" is empty. A repeated entry makes the whole list empty (the driver then sees no device).
    /// </summary>
    public static IReadOnlyList<string>? Parse(string? value)
    {
        if (value is null) return null;
        var entries = new List<string>();
        foreach (var raw in value.Split(','))
        {
            var e = raw.Trim();
            if (e.StartsWith("GPU-", StringComparison.Ordinal) || e.StartsWith("MIG-", StringComparison.Ordinal))
            {
                if (e.Length == 4) break;
            }
            else
            {
                var digits = e.StartsWith('+') ? e[1..] : e;
                if (digits.Length == 0 || !digits.All(char.IsAsciiDigit) || !int.TryParse(digits, out var ordinal)) break;
                e = ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            if (entries.Contains(e)) return [];
            entries.Add(e);
        }
        return entries;
    }

    /// <summary>Why no device is visible, when the variable explains it (for the "No CUDA GPUs are available" error).</summary>
    public static string? ExplainNoDevice()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        return Parse(value) is { Count: 0 } ? $"{Variable}='{value}' makes no device visible" : null;
    }

    /// <summary>Copies the managed value of the variable into the native environment the driver reads (Linux).</summary>
    public static unsafe void PublishToNativeEnvironment()
    {
        if (OperatingSystem.IsWindows()) return; // SetEnvironmentVariable already changes the process environment
        var managed = Environment.GetEnvironmentVariable(Variable);
        if (NativeLibraries.TryLoad(["libc.so.6", "libc"]) is not { } libc) return;
        var getenv = (delegate* unmanaged<byte*, byte*>)NativeLibraries.OptionalExport(libc, "getenv");
        var setenv = (delegate* unmanaged<byte*, byte*, int, int>)NativeLibraries.OptionalExport(libc, "setenv");
        var unsetenv = (delegate* unmanaged<byte*, int>)NativeLibraries.OptionalExport(libc, "unsetenv");
        if (getenv == null || setenv == null || unsetenv == null) return;
        var name = Marshal.StringToCoTaskMemUTF8(Variable);
        try
        {
            var native = getenv((byte*)name) is var p && p != null ? NativeLibraries.Utf8(p) : null;
            if (native == managed) return;
            if (managed is null) unsetenv((byte*)name);
            else
            {
                var value = Marshal.StringToCoTaskMemUTF8(managed);
                try { setenv((byte*)name, (byte*)value, 1); }
                finally { Marshal.FreeCoTaskMem(value); }
            }
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }
}
