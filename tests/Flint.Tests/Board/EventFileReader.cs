using System.Buffers.Binary;
using Flint.Board.Proto;

namespace Flint.Tests.Board;

/// <summary>
/// Reads TensorBoard event files independently of Flint's writer: TFRecord framing with its own table-driven
/// CRC-32C (polynomial 0x82F63B78), every length and payload checksum verified, payloads parsed as Events.
/// </summary>
internal static class EventFileReader
{
    private static readonly uint[] Table = MakeTable();

    private static uint[] MakeTable()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }

    /// <summary>CRC-32C by table lookup, one byte at a time.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    /// <summary>TensorFlow's masked CRC.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint c = Crc32C(data);
        return unchecked(((c >> 15) | (c << 17)) + 0xA282EAD8u);
    }

    /// <summary>The payloads of every record in the file, checking both checksums of each.</summary>
    public static List<byte[]> ReadRecords(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var records = new List<byte[]>();
        int pos = 0;
        while (pos < bytes.Length)
        {
            if (bytes.Length - pos < 12) throw new InvalidDataException($"truncated record header at {pos}");
            var header = bytes.AsSpan(pos, 8);
            ulong len = BinaryPrimitives.ReadUInt64LittleEndian(header);
            uint lenCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 8, 4));
            if (lenCrc != MaskedCrc(header)) throw new InvalidDataException($"bad length checksum at {pos}");
            if ((ulong)(bytes.Length - pos - 12) < len + 4) throw new InvalidDataException($"truncated record at {pos}");
            var data = bytes.AsSpan(pos + 12, (int)len);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 12 + (int)len, 4));
            if (dataCrc != MaskedCrc(data)) throw new InvalidDataException($"bad data checksum at {pos}");
            records.Add(data.ToArray());
            pos += 12 + (int)len + 4;
        }
        return records;
    }

    /// <summary>Every event in the file, in order.</summary>
    public static List<Event> ReadEvents(string path) => [.. ReadRecords(path).Select(Event.Parser.ParseFrom)];

    /// <summary>The one event file directly in <paramref name="dir"/>.</summary>
    public static string EventFileIn(string dir)
    {
        var files = Directory.GetFiles(dir, "events.out.tfevents.*");
        Assert.True(files.Length == 1, $"expected one event file in {dir}, found {files.Length}");
        return files[0];
    }
}
