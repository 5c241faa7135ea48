using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>A save that fails part-way leaves the previous file intact and no temporary file behind.</summary>
public class AtomicSaveTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("flint-atomic-");

    public void Dispose() => dir.Delete(recursive: true);

    /// <summary>Passes writes through until <paramref name="limit"/> bytes, then fails as a full disk would.</summary>
    private sealed class FailingStream(Stream inner, long limit) : Stream
    {
        private long written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (written + buffer.Length > limit)
            {
                inner.Write(buffer[..(int)(limit - written)]);
                written = limit;
                throw new IOException("No space left on device");
            }
            inner.Write(buffer);
            written += buffer.Length;
        }
    }

    [Fact]
    public void FailureWhileWritingStoragesKeepsThePreviousFile()
    {
        var path = Path.Combine(dir.FullName, "model.pt");
        var old = FlintCheckpoints.LeNet();
        Torch.Save(old, path);
        var before = File.ReadAllBytes(path);

        var replacement = FlintCheckpoints.LeNet();
        foreach (var t in replacement.Values) t.Fill_(9);
        var e = Assert.Throws<IOException>(() =>
            AtomicFile.Write(path, stream => CheckpointWriter.Save(replacement, new FailingStream(stream, 100_000))));
        Assert.Equal("No space left on device", e.Message);

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.FullName));
        var back = Torch.Load<OrderedDictionary<string, Tensor>>(path);
        Assert.Equal(old["fc1.weight"].ToArray<float>(), back["fc1.weight"].ToArray<float>());
    }

    [Fact]
    public void FailureWhilePicklingKeepsThePreviousFile()
    {
        var path = Path.Combine(dir.FullName, "state.pth");
        Torch.Save(new Dictionary<string, object?> { ["epoch"] = 1L }, path);
        var before = File.ReadAllBytes(path);
        var bad = new Dictionary<string, object?> { ["weights"] = FlintCheckpoints.LeNet(), ["epoch"] = 2L, ["callback"] = new Action(() => { }) };
        Assert.Throws<ArgumentException>(() => Torch.Save(bad, path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.FullName));
        Assert.Equal(1L, Torch.Load<Dictionary<string, long>>(path)["epoch"]);
    }

    [Fact]
    public void NewFileAppearsOnlyWhenComplete()
    {
        var path = Path.Combine(dir.FullName, "new.pt");
        Assert.Throws<IOException>(() =>
            AtomicFile.Write(path, stream => CheckpointWriter.Save(FlintCheckpoints.LeNet(), new FailingStream(stream, 5000))));
        Assert.Empty(Directory.GetFiles(dir.FullName));
    }

    [Fact]
    public void MissingFolderIsReported()
    {
        var path = Path.Combine(dir.FullName, "no", "such", "dir", "m.pt");
        var e = Assert.Throws<DirectoryNotFoundException>(() => Torch.Save(1L, path));
        Assert.Contains("Parent directory", e.Message);
        Assert.Throws<FileNotFoundException>(() => Torch.Load(Path.Combine(dir.FullName, "absent.pt")));
    }
}
