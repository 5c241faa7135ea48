using System.Buffers.Binary;
using System.Numerics;

namespace Flint.Board;

/// <summary>
/// CRC-32C (Castagnoli) and TensorFlow's masked form of it, which guards every length and payload of a TFRecord
/// (tensorboard's <c>masked_crc32c</c>).
/// </summary>
internal static class Crc32C
{
    private const uint MaskDelta = 0xA282EAD8;

    /// <summary>The CRC-32C of <paramref name="data"/>; <c>Compute("123456789"u8) == 0xE3069283</c>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++)
            crc = BitOperations.Crc32C(crc, data[i]);
        return ~crc;
    }

    /// <summary>TensorFlow's masked CRC: <c>((c &gt;&gt; 15) | (c &lt;&lt; 17)) + 0xA282EAD8</c> of the CRC-32C <c>c</c>.</summary>
    public static uint Masked(ReadOnlySpan<byte> data)
    {
        uint c = Compute(data);
        return unchecked(((c >> 15) | (c << 17)) + MaskDelta);
    }
}
