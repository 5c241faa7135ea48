using StbImageSharp;
using StbImageWriteSharp;

namespace Flint.Vision;

/// <summary>
/// An 8-bit image held as interleaved rows (height x width x channels), the counterpart of a PIL
/// <c>Image.Image</c> that torchvision's transforms take: modes <c>"L"</c> (grey), <c>"RGB"</c> and <c>"RGBA"</c>.
/// PNG, JPEG and BMP are decoded with StbImageSharp and encoded with StbImageWriteSharp. The pixel operations
/// (convert, resize, crop, transpose, affine transform, rotate) follow Pillow's algorithms, so transforms on an
/// image give what torchvision gives on a PIL image.
/// </summary>
public sealed partial class Image
{
    /// <summary>A black (zeroed) image of the given size and mode (<c>PIL.Image.new(mode, (width, height))</c>).</summary>
    public Image(int width, int height, string mode = "RGB")
    {
        if (width < 0 || height < 0) throw new ArgumentException($"image size must not be negative, got ({width}, {height})");
        Channels = ChannelsOf(mode);
        Mode = mode;
        Width = width;
        Height = height;
        Data = new byte[checked(width * height * Channels)];
    }

    /// <summary>An image over existing interleaved pixel bytes (length width * height * channels of the mode).</summary>
    public Image(int width, int height, string mode, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Channels = ChannelsOf(mode);
        if (data.Length != (long)width * height * Channels)
            throw new ArgumentException($"{data.Length} bytes do not make a {width}x{height} {mode} image");
        Mode = mode;
        Width = width;
        Height = height;
        Data = data;
    }

    /// <summary>A new image filled with one colour (<c>PIL.Image.new(mode, size, color)</c>); one value per channel, or one for all.</summary>
    public static Image New(string mode, int width, int height, params byte[] color)
    {
        var im = new Image(width, height, mode);
        if (color.Length == 0) return im;
        if (color.Length != 1 && color.Length != im.Channels)
            throw new ArgumentException($"a {mode} colour has {im.Channels} values, got {color.Length}");
        var px = im.Data.AsSpan();
        for (int i = 0; i < px.Length; i++) px[i] = color[color.Length == 1 ? 0 : i % im.Channels];
        return im;
    }

    /// <summary>The width in pixels (<c>image.width</c>).</summary>
    public int Width { get; }

    /// <summary>The height in pixels (<c>image.height</c>).</summary>
    public int Height { get; }

    /// <summary>(width, height), as PIL's <c>image.size</c>.</summary>
    public (int Width, int Height) Size => (Width, Height);

    /// <summary>The mode (<c>image.mode</c>): <c>"L"</c>, <c>"RGB"</c> or <c>"RGBA"</c>.</summary>
    public string Mode { get; }

    /// <summary>Values per pixel: 1, 3 or 4 (<c>len(image.getbands())</c>).</summary>
    public int Channels { get; }

    /// <summary>The pixels, row by row, channels interleaved (what <c>numpy.asarray(image)</c> holds).</summary>
    public byte[] Data { get; }

    internal static int ChannelsOf(string mode) => mode switch
    {
        "L" => 1,
        "RGB" => 3,
        "RGBA" => 4,
        _ => throw new ArgumentException($"unsupported image mode '{mode}' (expected L, RGB or RGBA)"),
    };

    internal static string ModeOf(int channels) => channels switch
    {
        1 => "L",
        3 => "RGB",
        4 => "RGBA",
        _ => throw new ArgumentException($"an image has 1, 3 or 4 channels, got {channels}"),
    };

    /// <summary>
    /// Reads a PNG, JPEG or BMP file (<c>PIL.Image.open(path)</c>); grey files give mode L, colour RGB, with alpha
    /// RGBA (grey with alpha becomes RGBA). A missing file throws <see cref="FileNotFoundException"/>.
    /// </summary>
    public static Image Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"[Errno 2] No such file or directory: '{path}'", path);
        return Decode(File.ReadAllBytes(path));
    }

    /// <summary>Decodes PNG, JPEG or BMP bytes.</summary>
    public static Image Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ImageResult r;
        try
        {
            r = ImageResult.FromMemory(bytes, StbImageSharp.ColorComponents.Default);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"cannot identify image file: {ex.Message}", ex);
        }
        return r.Comp switch
        {
            StbImageSharp.ColorComponents.Grey => new Image(r.Width, r.Height, "L", r.Data),
            StbImageSharp.ColorComponents.RedGreenBlue => new Image(r.Width, r.Height, "RGB", r.Data),
            StbImageSharp.ColorComponents.RedGreenBlueAlpha => new Image(r.Width, r.Height, "RGBA", r.Data),
            _ => new Image(r.Width, r.Height, "RGBA", ImageResult.FromMemory(bytes, StbImageSharp.ColorComponents.RedGreenBlueAlpha).Data),
        };
    }

    /// <summary>
    /// Writes the image (<c>image.save(path)</c>), the format chosen by the extension: .png, .jpg/.jpeg
    /// (quality 75, PIL's default) or .bmp.
    /// </summary>
    public void Save(string path, int quality = 75)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        var format = ext switch
        {
            ".png" => "PNG",
            ".jpg" or ".jpeg" => "JPEG",
            ".bmp" => "BMP",
            _ => throw new ArgumentException($"unknown file extension: {ext}"),
        };
        File.WriteAllBytes(path, Encode(format, quality));
    }

    /// <summary>Encodes the image as <c>"PNG"</c>, <c>"JPEG"</c> or <c>"BMP"</c> bytes.</summary>
    public byte[] Encode(string format, int quality = 75)
    {
        using var ms = new MemoryStream();
        var writer = new ImageWriter();
        var comp = Channels switch
        {
            1 => StbImageWriteSharp.ColorComponents.Grey,
            3 => StbImageWriteSharp.ColorComponents.RedGreenBlue,
            _ => StbImageWriteSharp.ColorComponents.RedGreenBlueAlpha,
        };
        switch (format.ToUpperInvariant())
        {
            case "PNG": writer.WritePng(Data, Width, Height, comp, ms); break;
            case "JPEG" or "JPG": writer.WriteJpg(Data, Width, Height, comp, ms, quality); break;
            case "BMP": writer.WriteBmp(Data, Width, Height, comp, ms); break;
            default: throw new ArgumentException($"unknown image format '{format}' (expected PNG, JPEG or BMP)");
        }
        return ms.ToArray();
    }

    /// <summary>A copy with its own pixels (<c>image.copy()</c>).</summary>
    public Image Copy() => new(Width, Height, Mode, (byte[])Data.Clone());

    /// <summary>
    /// The image in another mode (<c>image.convert(mode)</c>) with Pillow's rules: RGB to L is
    /// <c>(R*19595 + G*38470 + B*7471 + 0x8000) &gt;&gt; 16</c> (ITU-R 601-2 luma), L to RGB repeats the grey,
    /// alpha is dropped or set to 255.
    /// </summary>
    public Image Convert(string mode)
    {
        int oc = ChannelsOf(mode);
        if (mode == Mode) return Copy();
        var dst = new Image(Width, Height, mode);
        var s = Data.AsSpan();
        var d = dst.Data.AsSpan();
        int n = Width * Height, ic = Channels;
        for (int p = 0; p < n; p++)
        {
            int si = p * ic, di = p * oc;
            if (oc == 1)
            {
                d[di] = ic == 1 ? s[si] : (byte)((s[si] * 19595 + s[si + 1] * 38470 + s[si + 2] * 7471 + 0x8000) >> 16);
                continue;
            }
            if (ic == 1) { d[di] = d[di + 1] = d[di + 2] = s[si]; }
            else { d[di] = s[si]; d[di + 1] = s[si + 1]; d[di + 2] = s[si + 2]; }
            if (oc == 4) d[di + 3] = ic == 4 ? s[si + 3] : (byte)255;
        }
        return dst;
    }

    /// <summary>
    /// The pixels as a uint8 tensor [channels, height, width] (torchvision's <c>pil_to_tensor</c>).
    /// </summary>
    public Tensor ToTensor()
    {
        var chw = new byte[Data.Length];
        int n = Width * Height, c = Channels;
        var s = Data.AsSpan();
        if (c == 1) s.CopyTo(chw);
        else
            for (int ch = 0; ch < c; ch++)
            {
                var plane = chw.AsSpan(ch * n, n);
                for (int p = 0; p < n; p++) plane[p] = s[p * c + ch];
            }
        return Torch.FromArray(chw, c, Height, Width);
    }

    /// <summary>
    /// An image from a [channels, height, width] (or [height, width]) tensor (torchvision's <c>to_pil_image</c>):
    /// floating tensors are scaled by 255 and truncated to uint8 (<c>pic.mul(255).byte()</c>); the mode is L, RGB
    /// or RGBA by channel count unless given.
    /// </summary>
    public static Image FromTensor(Tensor pic, string? mode = null)
    {
        ArgumentNullException.ThrowIfNull(pic);
        if (pic.Dim() is not (2 or 3)) throw new ArgumentException($"pic should be 2/3 dimensional. Got {pic.Dim()} dimensions.");
        if (pic.Dim() == 2) pic = pic.Unsqueeze(0);
        if (pic.Size(-3) > 4)
            throw new ArgumentException($"pic should not have > 4 channels. Got {pic.Size(-3)} channels.");
        var t = pic.IsFloatingPoint() ? pic.Mul(255).To(DType.UInt8) : pic.To(DType.UInt8);
        int c = (int)t.Size(0), h = (int)t.Size(1), w = (int)t.Size(2);
        var m = mode ?? (c == 2 ? throw new ArgumentException("2-channel (LA) images are not supported") : ModeOf(c));
        if (ChannelsOf(m) != c) throw new ArgumentException($"Input type {c}-channel does not match mode {m}");
        var planes = t.Contiguous().ToArray<byte>();
        var data = new byte[planes.Length];
        int n = w * h;
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < n; p++) data[p * c + ch] = planes[ch * n + p];
        return new Image(w, h, m, data);
    }

    /// <summary>A short description, as PIL's repr: mode and size.</summary>
    public override string ToString() => $"<Flint.Vision.Image image mode={Mode} size={Width}x{Height}>";
}
