using System.Runtime.CompilerServices;
using Flint.Backends.Cpu;

namespace Flint.Backends.Cuda;

/// <summary>
/// Runs a CPU primitive on CUDA tensors by a round trip through host memory — the slow path for primitives without a
/// CUDA kernel of their own. Each CUDA storage a tensor argument views is mirrored whole into host memory the first
/// time the body asks for it (<c>h[t]</c> gives the host tensor with t's shape, strides and offset, so aliasing
/// between arguments is kept); the body runs the CPU backend on the mirrors; afterwards every mirror whose bytes
/// changed is written back (only the changed byte range). Results the CPU primitive returns go to the device with
/// <see cref="ToDevice"/>. Adding a primitive to the CUDA backend this way is one line:
/// <code>public void Sort(Tensor x, DimLayout l, bool d, Tensor v, Tensor i) => Host(h => Cpu.Sort(h[x], l, d, h[v], h[i]));</code>
/// </summary>
internal sealed class HostRoundTrip
{
    private sealed class Mirror(CudaStorage device, CpuStorage host, byte[] snapshot)
    {
        public readonly CudaStorage Device = device;
        public readonly CpuStorage Host = host;
        public readonly byte[] Snapshot = snapshot;
    }

    private readonly Dictionary<Storage, Mirror> mirrors = new(ReferenceEqualityComparer.Instance);
    private readonly Device device;

    private HostRoundTrip(Device device) => this.device = device;

    /// <summary>Runs <paramref name="body"/> on host mirrors of CUDA tensors and writes changed storages back.</summary>
    public static void Run(Device device, Action<HostRoundTrip> body)
    {
        var h = new HostRoundTrip(device);
        body(h);
        h.WriteBack();
    }

    /// <summary>As <see cref="Run(Device, Action{HostRoundTrip})"/>, for a primitive that returns something.</summary>
    public static T Run<T>(Device device, Func<HostRoundTrip, T> body)
    {
        var h = new HostRoundTrip(device);
        var result = body(h);
        h.WriteBack();
        return result;
    }

    /// <summary>The host view of a tensor: itself when on the host, else the same view of its storage's mirror.</summary>
    public Tensor this[Tensor t] => t.storage is CudaStorage s
        ? new Tensor(MirrorOf(s).Host, (long[])t.shape.Clone(), (long[])t.strides.Clone(), t.offset, t.dtype)
        : t;

    /// <summary>Host views of several tensors.</summary>
    public Tensor[] this[Tensor[] ts] => Array.ConvertAll(ts, t => this[t]);

    /// <summary>The host view of an optional tensor.</summary>
    public Tensor? Optional(Tensor? t) => t is null ? null : this[t];

    /// <summary>A host result moved to the device the primitive was called for.</summary>
    public Tensor ToDevice(Tensor hostResult) => hostResult.To(device);

    /// <summary>An optional host result moved to the device.</summary>
    public Tensor? ToDeviceOptional(Tensor? hostResult) => hostResult?.To(device);

    private Mirror MirrorOf(CudaStorage s)
    {
        if (mirrors.TryGetValue(s, out var m)) return m;
        var host = new CpuStorage(s.ByteCount, zeroed: false);
        s.CopyToHost(0, host.Bytes);
        m = new Mirror(s, host, host.Bytes.ToArray());
        mirrors[s] = m;
        return m;
    }

    private void WriteBack()
    {
        foreach (var m in mirrors.Values)
        {
            var now = m.Host.Bytes;
            int first = now.CommonPrefixLength(m.Snapshot);
            if (first == now.Length) continue;
            int last = now.Length - 1;
            while (now[last] == m.Snapshot[last]) last--;
            m.Device.CopyFromHost(now[first..(last + 1)], first);
        }
        GC.KeepAlive(mirrors);
    }
}

internal sealed partial class CudaBackend
{
    private static CpuBackend Cpu => CpuBackend.Instance;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Host(Action<HostRoundTrip> body) => HostRoundTrip.Run(Device, body);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private T Host<T>(Func<HostRoundTrip, T> body) => HostRoundTrip.Run(Device, body);
}
