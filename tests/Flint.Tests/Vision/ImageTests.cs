using Flint.Vision;

namespace Flint.Tests.Vision;

/// <summary>The image type: codecs, modes and tensor conversion.</summary>
public class ImageTests
{
    [Theory]
    [InlineData("png")]
    [InlineData("bmp")]
    public void LosslessFormatsRoundTrip(string format)
    {
        var img = new Image(5, 3, "RGB", Enumerable.Range(0, 45).Select(i => (byte)(i * 5)).ToArray());
        var back = Image.Decode(img.Encode(format));
        Assert.Equal("RGB", back.Mode);
        Assert.Equal(img.Data, back.Data);
        var grey = Image.Decode(img.Convert("L").Encode("png"));
        Assert.Equal("L", grey.Mode);
    }

    [Fact]
    public void JpegRoundTripIsClose()
    {
        var img = Image.New("RGB", 16, 16, 120, 60, 200);
        var back = Image.Decode(img.Encode("JPEG", 95));
        Assert.Equal((16, 16), back.Size);
        Assert.All(back.Data.Zip(img.Data), p => Assert.InRange(Math.Abs(p.First - p.Second), 0, 4));
    }

    [Fact]
    public void ModesAndTensors()
    {
        var rgb = new Image(2, 1, "RGB", [255, 0, 0, 10, 20, 30]);
        // Pillow's L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16
        Assert.Equal([76, 18], rgb.Convert("L").Data); // what PIL gives for these two pixels
        Assert.Equal([255, 0, 0, 255, 10, 20, 30, 255], rgb.Convert("RGBA").Data);
        var t = rgb.ToTensor();
        Assert.Equal([3L, 1, 2], t.Shape.ToArray());
        Assert.Equal([255, 10, 0, 20, 0, 30], t.ToArray<byte>());
        Assert.Equal(rgb.Data, Image.FromTensor(t).Data);
        Assert.Equal("pic should be 2/3 dimensional. Got 4 dimensions.", Assert.Throws<ArgumentException>(() => Image.FromTensor(Torch.Zeros(1, 1, 1, 1))).Message);
        Assert.Throws<FileNotFoundException>(() => Image.Open("/nonexistent/x.png"));
        Assert.Throws<InvalidDataException>(() => Image.Decode([1, 2, 3]));
    }
}
