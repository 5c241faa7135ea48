namespace Flint;

/// <summary>The kind of a device (<c>torch.device.type</c>).</summary>
public enum DeviceType
{
    /// <summary>Host memory and CPU kernels.</summary>
    Cpu,
    /// <summary>An NVIDIA GPU.</summary>
    Cuda,
}

/// <summary>Where a tensor's storage lives (<c>torch.device</c>): "cpu", "cuda" or "cuda:N".</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    /// <summary>The host.</summary>
    public static readonly Device CPU = new(DeviceType.Cpu);

    /// <summary>Parses "cpu", "cuda", "cuda:1" (<c>torch.device(str)</c>).</summary>
    public static Device Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var s = spec.Trim();
        var colon = s.IndexOf(':');
        var kind = colon < 0 ? s : s[..colon];
        int index = -1;
        if (colon >= 0 && (!int.TryParse(s[(colon + 1)..], out index) || index < 0))
            throw new ArgumentException($"Invalid device string: '{spec}'");
        return kind switch
        {
            "cpu" => new Device(DeviceType.Cpu, colon < 0 ? -1 : index),
            "cuda" => new Device(DeviceType.Cuda, index),
            _ => throw new ArgumentException(
                $"Expected one of cpu, cuda device type at start of device string: {spec}"),
        };
    }

    /// <summary>Converts a device string, so that APIs taking a <see cref="Device"/> also take "cuda:0".</summary>
    public static implicit operator Device(string spec) => Parse(spec);

    /// <summary>The device as PyTorch prints it inside <c>device(...)</c>: "cpu", "cuda:0".</summary>
    public override string ToString() =>
        (Type == DeviceType.Cpu ? "cpu" : "cuda") + (Index >= 0 ? ":" + Index : "");

    /// <summary>True if the device is the host.</summary>
    public bool IsCpu => Type == DeviceType.Cpu;

    /// <summary>True if the device is a GPU.</summary>
    public bool IsCuda => Type == DeviceType.Cuda;
}
