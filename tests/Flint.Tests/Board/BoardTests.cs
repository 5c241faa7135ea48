using System.Text.RegularExpressions;
using Flint.Board;
using Flint.Board.Proto;
using Google.Protobuf;

namespace Flint.Tests.Board;

public class BoardTests
{
    [Fact]
    public void Crc32CCheckValue()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0xE3069283u, EventFileReader.Crc32C("123456789"u8));
        var data = new byte[61];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 37 + 11);
        for (int n = 0; n <= data.Length; n++)
            Assert.Equal(EventFileReader.MaskedCrc(data.AsSpan(0, n)), Crc32C.Masked(data.AsSpan(0, n)));
    }

    [Fact]
    public void EventFileNameAndFirstRecord()
    {
        var dir = BoardTestDirs.Make("name");
        double before = Math.Floor(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        using var w = new SummaryWriter(dir, filenameSuffix: ".v2");
        double after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var file = EventFileReader.EventFileIn(dir);
        var m = Regex.Match(Path.GetFileName(file), @"^events\.out\.tfevents\.(\d{10})\.(.+)\.(\d+)\.(\d+)\.v2$");
        Assert.True(m.Success, file);
        Assert.InRange(long.Parse(m.Groups[1].Value), before, after);
        Assert.Equal(System.Net.Dns.GetHostName(), m.Groups[2].Value);
        Assert.Equal(Environment.ProcessId.ToString(), m.Groups[3].Value);
        var events = EventFileReader.ReadEvents(file);
        var first = Assert.Single(events);
        Assert.Equal("brain.Event:2", first.FileVersion);
        Assert.InRange(first.WallTime, before, after + 1);
        Assert.Equal(dir, w.GetLogdir());
    }

    [Fact]
    public void EventsReachTheFileOnFlushAndClose()
    {
        var dir = BoardTestDirs.Make("flush");
        var w = new SummaryWriter(dir);
        var file = EventFileReader.EventFileIn(dir);
        for (int i = 0; i < 3; i++) w.AddScalar("loss", 1.0 / (i + 1), i);
        Assert.Single(EventFileReader.ReadEvents(file));   // buffered: flush_secs is 120
        w.Flush();
        var events = EventFileReader.ReadEvents(file);
        Assert.Equal(4, events.Count);
        Assert.Equal([0L, 1, 2], events.Skip(1).Select(e => e.Step));
        Assert.Equal([1f, 0.5f, 1f / 3], events.Skip(1).Select(e => e.Summary.Value[0].SimpleValue));
        w.AddText("note", "x", 7, walltime: 1234.5);
        w.Close();
        var last = EventFileReader.ReadEvents(file)[^1];
        Assert.Equal(1234.5, last.WallTime);
        Assert.Equal("note/text_summary", last.Summary.Value[0].Tag);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public void FlushSecsFlushesInTheBackground(double flushSecs)
    {
        var dir = BoardTestDirs.Make("flush_secs" + flushSecs);
        using var w = new SummaryWriter(dir, flushSecs: flushSecs);
        var file = EventFileReader.EventFileIn(dir);
        w.AddScalar("x", 2, 1);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (EventFileReader.ReadEvents(file).Count < 2 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.Equal(2, EventFileReader.ReadEvents(file).Count);
    }

    [Fact]
    public void ScenarioV1LossAndAccuracyOver100Steps()
    {
        var dir = BoardTestDirs.Make("experiment1");
        var writer = new SummaryWriter(dir);
        for (int nIter = 0; nIter < 100; nIter++)
        {
            writer.AddScalar("Loss/train", 1.0 / (nIter + 1), nIter);
            writer.AddScalar("Loss/test", 2.0 / (nIter + 1), nIter);
            writer.AddScalar("Accuracy/train", nIter / 100.0, nIter);
            writer.AddScalar("Accuracy/test", nIter / 200.0, nIter);
        }
        writer.Close();
        var events = EventFileReader.ReadEvents(EventFileReader.EventFileIn(dir)).Skip(1).ToList();
        Assert.Equal(400, events.Count);
        var byTag = events.GroupBy(e => e.Summary.Value.Single().Tag).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(["Accuracy/test", "Accuracy/train", "Loss/test", "Loss/train"], byTag.Keys.Order());
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), byTag["Loss/test"].Select(e => e.Step));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (float)(2.0 / (i + 1))), byTag["Loss/test"].Select(e => e.Summary.Value[0].SimpleValue));
    }

    [Fact]
    public void SmallQueueKeepsEveryEventInOrder()
    {
        var dir = BoardTestDirs.Make("queue");
        using (var w = new SummaryWriter(dir, maxQueue: 1))
            for (int i = 0; i < 200; i++) w.AddScalar("s", i, i);
        var events = EventFileReader.ReadEvents(EventFileReader.EventFileIn(dir));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), events.Skip(1).Select(e => e.Step));
    }

    [Fact]
    public void AddingAfterCloseStartsANewFile()
    {
        var dir = BoardTestDirs.Make("reopen");
        var w = new SummaryWriter(dir);
        w.AddScalar("a", 1, 0);
        w.Close();
        w.Close();
        w.AddScalar("a", 2, 1);
        w.Dispose();
        var files = Directory.GetFiles(dir, "events.out.tfevents.*").Order().ToArray();
        Assert.Equal(2, files.Length);
        var steps = files.Select(f => EventFileReader.ReadEvents(f)).Select(evs => evs.Skip(1).Single().Step).Order();
        Assert.Equal([0L, 1], steps);
    }

    [Fact]
    public void DefaultLogDirIsRunsDateHostComment()
    {
        var w = new SummaryWriter(comment: "_lr0.1");
        try
        {
            var name = Path.GetFileName(w.LogDir);
            Assert.Equal("runs", Path.GetDirectoryName(w.LogDir));
            Assert.Matches(@"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\d{2}_\d{2}-\d{2}-\d{2}_", name);
            Assert.EndsWith("_" + System.Net.Dns.GetHostName() + "_lr0.1", name);
            Assert.True(Directory.Exists(w.LogDir));
        }
        finally
        {
            w.Close();
            Directory.Delete(w.LogDir, recursive: true);
        }
    }

    [Fact]
    public void DefaultBinsArePyTorchs()
    {
        var b = SummaryWriter.DefaultBins;
        // PyTorch 1.13: len(w.default_bins) == 1549, w.default_bins.index(0) == 774, w.default_bins[-1] == 9.920775621859783e+19
        Assert.Equal(1549, b.Count);
        Assert.Equal(0.0, b[774]);
        Assert.Equal(1e-12, b[775]);
        Assert.Equal(-1e-12, b[773]);
        Assert.Equal(9.920775621859783e+19, b[^1]);
        Assert.Equal(-9.920775621859783e+19, b[0]);
        for (int i = 1; i < b.Count; i++) Assert.True(b[i - 1] < b[i]);
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0, "1.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1.5e16, "1.5e+16")]
    [InlineData(1e16, "1e+16")]
    [InlineData(9999999999999998.0, "9999999999999998.0")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(2.5e-7, "2.5e-07")]
    [InlineData((double)0.1f, "0.10000000149011612")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(1e22, "1e+22")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(100.0, "100.0")]
    [InlineData(12345.678, "12345.678")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(1234567890123456.7, "1234567890123456.8")]
    public void PythonFloatRepr(double x, string expected) => Assert.Equal(expected, PythonFormat.Repr(x));

    [Fact]
    public void ZFillKeepsTheSign()
    {
        Assert.Equal("00012", PythonFormat.ZFill("12", 5));
        Assert.Equal("-0012", PythonFormat.ZFill("-12", 5));
        Assert.Equal("123456", PythonFormat.ZFill("123456", 5));
    }

    [Fact]
    public void HandBuiltGraph()
    {
        var dir = BoardTestDirs.Make("graph");
        var graph = new ModelGraph([
            new GraphNode("input/x", "IO Node", [], [2, 4]),
            new GraphNode("Net/Linear[fc]/weight/weight.1", "prim::GetAttr", [], [3, 4], "{ name :  weight }"),
            new GraphNode("Net/Linear[fc]/5", "aten::linear", ["input/x", "Net/Linear[fc]/weight/weight.1"], [2, 3]),
            new GraphNode("Net/6", "prim::Constant"),
            new GraphNode("output/output.1", "IO Node", ["Net/Linear[fc]/5"], [2, 3]),
        ]);
        using (var w = new SummaryWriter(dir)) w.AddGraph(graph);
        var events = EventFileReader.ReadEvents(EventFileReader.EventFileIn(dir));
        Assert.Equal(3, events.Count);
        var def = GraphDef.Parser.ParseFrom(events[1].GraphDef);
        Assert.Equal(22, def.Versions.Producer);
        Assert.Equal(graph.Nodes.Select(n => n.Name), def.Node.Select(n => n.Name));
        Assert.Equal(graph.Nodes.Select(n => n.Op), def.Node.Select(n => n.Op));
        var linear = def.Node[2];
        Assert.Equal(["input/x", "Net/Linear[fc]/weight/weight.1"], linear.Input);
        Assert.Equal([2L, 3], linear.Attr["_output_shapes"].List.Shape.Single().Dim.Select(d => d.Size));
        Assert.Equal("", linear.Attr["attr"].S.ToStringUtf8());
        Assert.Equal("{ name :  weight }", def.Node[1].Attr["attr"].S.ToStringUtf8());
        Assert.False(def.Node[3].Attr.ContainsKey("_output_shapes"));
        Assert.Equal("step1", events[2].TaggedRunMetadata.Tag);
        var meta = RunMetadata.Parser.ParseFrom(events[2].TaggedRunMetadata.RunMetadata);
        Assert.Equal("/device:CPU:0", meta.StepStats.DevStats.Single().Device);
    }

    [Fact]
    public void ReaderRejectsCorruptRecords()
    {
        var dir = BoardTestDirs.Make("corrupt");
        using (var w = new SummaryWriter(dir)) w.AddScalar("a", 1, 0);
        var file = EventFileReader.EventFileIn(dir);
        var bytes = File.ReadAllBytes(file);
        bytes[^6] ^= 1;
        File.WriteAllBytes(file, bytes);
        Assert.Throws<InvalidDataException>(() => EventFileReader.ReadEvents(file));
    }

    [Fact]
    public void ErrorsNameTheProblem()
    {
        var dir = BoardTestDirs.Make("errors");
        using var w = new SummaryWriter(dir);
        var e = Assert.Throws<ArgumentException>(() => w.AddScalar("s", Torch.Zeros(2, 3)));
        Assert.Equal("Tensor should contain one element (0 dimensions). Was given size: 6 and 2 dimensions.", e.Message);
        e = Assert.Throws<ArgumentException>(() => w.AddImage("i", Torch.Zeros(3, 4), dataformats: "CHW"));
        Assert.Equal("size of input tensor and input format are different. tensor shape: (3, 4), input_format: CHW", e.Message);
        e = Assert.Throws<ArgumentException>(() => w.AddImage("i", Torch.Zeros(3, 4, 4), dataformats: "CCW"));
        Assert.StartsWith("You can not use the same dimension shordhand twice.", e.Message);
        e = Assert.Throws<ArgumentException>(() => w.AddHistogram("h", Torch.Zeros(0)));
        Assert.Equal("The input has no element.", e.Message);
        e = Assert.Throws<ArgumentException>(() => w.AddHistogramRaw("h", 0, 1, 1, 1, 1, [1.0], [1.0, 2.0]));
        Assert.Equal("len(bucket_limits) != len(bucket_counts), see the document.", e.Message);
        e = Assert.Throws<ArgumentException>(() => w.AddHistogram("h", Torch.Ones(4), bins: new[] { 1.0, 0.0 }));
        Assert.Equal("`bins` must increase monotonically, when an array", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            w.AddHparams(new Dictionary<string, object?> { ["x"] = new object() }, new Dictionary<string, double>()));
        Assert.Equal("value should be one of int, float, str, bool, or torch.Tensor", e.Message);
        e = Assert.Throws<ArgumentException>(() => w.AddHparams(new Dictionary<string, object?> { ["lr"] = 0.1 },
            new Dictionary<string, double>(), hparamDomainDiscrete: new Dictionary<string, object[]> { ["lr"] = [1] }));
        Assert.Equal("parameter: hparam_domain_discrete[lr] should be a list of same type as hparam_dict[lr].", e.Message);
        e = Assert.Throws<ArgumentException>(() => w.AddEmbedding(Torch.Zeros(2, 2, 2)));
        Assert.StartsWith("mat should be 2D", e.Message);
        e = Assert.Throws<ArgumentException>(() => w.AddEmbedding(Torch.Zeros(2, 2), metadata: new[] { "a" }));
        Assert.StartsWith("#labels should equal with #data points", e.Message);
        e = Assert.Throws<ArgumentException>(() => w.AddImages("b", Torch.Zeros(2, 4, 3, 3)));
        Assert.StartsWith("images must have 1 or 3 channels", e.Message);
    }

    [Fact]
    public void ScalarSummaryBytesAreTheProtobufEncoding()
    {
        // Summary{value{tag:"a" simple_value:1.0}}: field 1 (len 7) { field 1 "a", field 2 fixed32 1.0f }.
        var bytes = Summaries.Scalar("a", 1.0).ToByteArray();
        Assert.Equal(new byte[] { 0x0A, 0x08, 0x0A, 0x01, (byte)'a', 0x15, 0x00, 0x00, 0x80, 0x3F }, bytes);
    }
}
