using System.Text.Json;
using Flint.Board;
using Flint.Board.Proto;
using Flint.Board.Proto.HParams;
using Flint.Tests.Parity;
using StbImageSharp;

namespace Flint.Tests.Board;

/// <summary>
/// Replays each case of tests/parity/board.py through Flint's SummaryWriter and compares what it wrote with the
/// log directory PyTorch's torch.utils.tensorboard wrote for the same calls (tests/fixtures/board/torch/&lt;case&gt;):
/// the same runs, the same events decoded field by field (wall times and the writer's name aside; images compared
/// as decoded pixels, histogram sums to 1e-12), the same projector files.
/// </summary>
public class BoardParityTests
{
    private static readonly FixtureSet Fx = FixtureSet.Load("board/inputs");
    private static readonly string TorchRoot = Path.Combine(AppContext.BaseDirectory, "fixtures", "board", "torch");

    public static IEnumerable<object[]> Cases() => FixtureSet.Ids("board/inputs");

    [Theory]
    [MemberData(nameof(Cases))]
    public void SameAsPyTorch(string id)
    {
        var dir = BoardTestDirs.Make("parity_" + id);
        var c = Fx.Case(id);
        using (var w = new SummaryWriter(dir, purgeStep: id == "purge" ? 5 : null, filenameSuffix: id == "purge" ? ".sfx" : ""))
            Write(id, c, w);
        AssertSameRun(Path.Combine(TorchRoot, id), dir);
        if (id == "purge") Assert.EndsWith(".sfx", EventFileReader.EventFileIn(dir));
    }

    private static Tensor T(JsonElement c, string key) => Fx.Tensor(c.GetProperty(key));

    private static void Write(string id, JsonElement c, SummaryWriter w)
    {
        switch (id)
        {
            case "scalars":
            {
                var loss = T(c, "loss").ToArray<float>();
                for (int i = 0; i < loss.Length; i++) w.AddScalar("Loss/train", loss[i], i);
                w.AddScalar("Accuracy/test", 0.1, 7);
                w.AddScalar("Accuracy/test", Torch.FromArray(new[] { 0.75f }, 1), 8);
                w.AddScalar("int", 3);
                w.AddScalar("new_style", 1.0 / 3.0, 2, newStyle: true);
                w.AddScalar("new_style_double", 1.0 / 3.0, 2, newStyle: true, doublePrecision: true);
                break;
            }
            case "scalars_multi":
            {
                int i = 0;
                foreach (var row in c.GetProperty("values").EnumerateArray())
                {
                    var v = row.EnumerateArray().Select(e => e.GetDouble()).ToArray();
                    w.AddScalars("run/14h", new Dictionary<string, double> { ["xsinx"] = v[0], ["xcosx"] = v[1] }, i++);
                }
                w.AddScalar("plain", 2.5, 1);
                break;
            }
            case "histograms":
            {
                w.AddHistogram("normal", T(c, "normal"), 0);
                w.AddHistogram("ints", T(c, "ints"), 1);
                w.AddHistogram("wide", T(c, "wide"), 2);
                w.AddHistogram("same", T(c, "same"), 3);
                w.AddHistogram("zero", T(c, "zero"), 4);
                w.AddHistogram("bins10", T(c, "normal"), 5, bins: 10);
                w.AddHistogram("bins_same", T(c, "same"), 6, bins: 4);
                w.AddHistogram("edges", T(c, "normal"), 7, bins: new[] { -1.0, -0.5, 0.0, 0.25, 3.0 });
                w.AddHistogram("max_bins", T(c, "normal"), 8, bins: 25, maxBins: 4);
                w.AddHistogram("tf_max_bins", T(c, "normal"), 9, maxBins: 30);
                w.AddHistogramRaw("raw", -1.0, 3.0, 6, 5.0, 13.0, [0.0, 1.0, 3.0], [1, 2, 3], 10);
                break;
            }
            case "images":
                w.AddImage("chw", T(c, "chw"), 0);
                w.AddImage("hwc_u8", T(c, "hwc_u8"), 1, dataformats: "HWC");
                w.AddImage("hw", T(c, "hw"), 2, dataformats: "HW");
                w.AddImage("gray", T(c, "gray"), 3);
                w.AddImage("rgba", T(c, "rgba"), 4);
                w.AddImage("wild", T(c, "wild"), 5);
                w.AddImages("batch", T(c, "batch"), 6);
                w.AddImages("batch1", T(c, "batch1"), 7);
                w.AddImages("nhwc", T(c, "nhwc"), 8, dataformats: "NHWC");
                break;
            case "text":
                w.AddText("note", "hello **world**", 0);
                w.AddText("unicode", "Grüße, 世界\nline two", 3);
                break;
            case "pr_curves":
                w.AddPrCurve("pr", T(c, "labels"), T(c, "preds"), 0);
                w.AddPrCurve("pr10", T(c, "labels"), T(c, "preds"), 1, numThresholds: 10);
                w.AddPrCurve("pr_weighted", T(c, "labels"), T(c, "preds"), 2, numThresholds: 20, weights: T(c, "weights"));
                w.AddPrCurve("pr_bool", T(c, "labels_b"), T(c, "preds64"), 3, numThresholds: 500);
                w.AddPrCurveRaw("raw", D(5, 3, 1), D(4, 2, 0), D(0, 2, 4), D(0, 2, 4), D(0.55, 0.6, 1.0), D(1.0, 0.6, 0.2), 4,
                    numThresholds: 3);
                break;
            case "hparams":
                w.AddHparams(new Dictionary<string, object?>
                {
                    ["lr"] = 0.1, ["bsize"] = 4, ["optimizer"] = "adam", ["nesterov"] = true, ["skip"] = null,
                    ["t"] = Torch.FromArray(new[] { 0.5f, 2.0f }, 2),
                }, new Dictionary<string, double> { ["hparam/accuracy"] = 0.875, ["hparam/loss"] = 2 }, runName: "run0");
                w.AddHparams(new Dictionary<string, object?> { ["lr"] = 0.01, ["opt"] = "sgd", ["depth"] = 3 },
                    new Dictionary<string, double> { ["hparam/accuracy"] = 0.5 },
                    hparamDomainDiscrete: new Dictionary<string, object[]> { ["opt"] = ["sgd", "adam"], ["depth"] = [2, 3, true] },
                    runName: "run1");
                break;
            case "embedding":
            {
                var labels = c.GetProperty("labels").EnumerateArray().Select(e => e.GetString()!).ToArray();
                w.AddEmbedding(T(c, "mat"), metadata: labels, labelImg: T(c, "imgs"));
                w.AddEmbedding(T(c, "mat64"), new[] { new object[] { "a", 1 }, new object[] { "b", 2 }, new object[] { "c", 3 } },
                    metadataHeader: ["name", "id"], labelImg: T(c, "imgs3"), globalStep: 3, tag: "feat/x%y");
                w.AddEmbedding(T(c, "mat_int"), globalStep: 12, tag: "ints");
                break;
            }
            case "graph":
            {
                var nodes = c.GetProperty("nodes").EnumerateArray().Select(n => new GraphNode(
                    n.GetProperty("name").GetString()!,
                    n.GetProperty("op").GetString()!,
                    [.. n.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()!)],
                    n.GetProperty("shape").ValueKind == JsonValueKind.Null ? null : [.. n.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64())],
                    n.GetProperty("attributes").GetString()!)).ToList();
                w.AddGraph(new ModelGraph(nodes));
                break;
            }
            case "custom_scalars":
                w.AddCustomScalars(new()
                {
                    ["Taiwan"] = new() { ["twse"] = ("Multiline", ["twse/0050", "twse/2330"]) },
                    ["USA"] = new() { ["dow"] = ("Margin", ["dow/aaa", "dow/bbb", "dow/ccc"]), ["nasdaq"] = ("Multiline", ["nasdaq/aaa"]) },
                });
                w.AddCustomScalarsMultilinechart(["a", "b"], category: "cat", title: "lines");
                w.AddCustomScalarsMarginchart(["v", "lo", "hi"]);
                break;
            case "purge":
                w.AddScalar("x", 1.0, 5);
                break;
            default:
                throw new ArgumentException($"no Flint replay for case {id}");
        }
    }

    private static Tensor D(params double[] v) => Torch.FromArray(v, v.Length);

    /// <summary>Compares two log directories: the same folders with event files, the same events, the same other files.</summary>
    internal static void AssertSameRun(string expectedDir, string actualDir)
    {
        var expectedFiles = Files(expectedDir);
        var actualFiles = Files(actualDir);
        Assert.Equal(expectedFiles.Keys.Order(), actualFiles.Keys.Order());
        foreach (var (rel, expectedPath) in expectedFiles)
        {
            var actualPath = actualFiles[rel];
            if (rel.EndsWith("events", StringComparison.Ordinal))
                AssertSameEvents(expectedPath, actualPath);
            else if (rel.EndsWith(".png", StringComparison.Ordinal))
                AssertSamePixels(File.ReadAllBytes(expectedPath), File.ReadAllBytes(actualPath), rel);
            else
                Assert.True(File.ReadAllBytes(expectedPath).AsSpan().SequenceEqual(File.ReadAllBytes(actualPath)),
                    $"{rel} differs:\n--- PyTorch\n{File.ReadAllText(expectedPath)}\n--- Flint\n{File.ReadAllText(actualPath)}");
        }
    }

    /// <summary>Relative path → file, with each event file named by its folder plus "events".</summary>
    private static Dictionary<string, string> Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f =>
        {
            var rel = Path.GetRelativePath(root, f).Replace('\\', '/');
            return Path.GetFileName(f).StartsWith("events.out.tfevents.", StringComparison.Ordinal)
                ? (Path.GetDirectoryName(rel) is { Length: > 0 } d ? d + "/" : "") + "events"
                : rel;
        });

    private static void AssertSameEvents(string expectedPath, string actualPath)
    {
        var expected = EventFileReader.ReadEvents(expectedPath);
        var actual = EventFileReader.ReadEvents(actualPath);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i].Clone(), actual[i].Clone());
            Assert.True(a.WallTime > 1e9, "wall time must be seconds since the epoch");
            Normalize(e, a);
            Assert.Equal(e, a);
        }
    }

    /// <summary>Compares the parts that are equal in meaning but not in bytes, then clears them.</summary>
    private static void Normalize(Event e, Event a)
    {
        foreach (var ev in new[] { e, a })
        {
            ev.WallTime = 0;
            ev.SourceMetadata = null;
        }
        if (e.WhatCase == Event.WhatOneofCase.GraphDef)
        {
            Assert.Equal(a.WhatCase, e.WhatCase);
            Assert.Equal(GraphDef.Parser.ParseFrom(e.GraphDef), GraphDef.Parser.ParseFrom(a.GraphDef));
            e.GraphDef = a.GraphDef = Google.Protobuf.ByteString.Empty;
        }
        if (e.WhatCase == Event.WhatOneofCase.TaggedRunMetadata)
        {
            Assert.Equal(a.WhatCase, e.WhatCase);
            Assert.Equal(RunMetadata.Parser.ParseFrom(e.TaggedRunMetadata.RunMetadata), RunMetadata.Parser.ParseFrom(a.TaggedRunMetadata.RunMetadata));
            e.TaggedRunMetadata.RunMetadata = a.TaggedRunMetadata.RunMetadata = Google.Protobuf.ByteString.Empty;
        }
        if (e.Summary is null || a.Summary is null) return;
        Assert.Equal(e.Summary.Value.Count, a.Summary.Value.Count);
        for (int k = 0; k < e.Summary.Value.Count; k++)
        {
            var (ev, av) = (e.Summary.Value[k], a.Summary.Value[k]);
            if (ev.Image is { } ei && av.Image is { } ai)
            {
                AssertSamePixels(ei.EncodedImageString.ToByteArray(), ai.EncodedImageString.ToByteArray(), ev.Tag);
                ei.EncodedImageString = ai.EncodedImageString = Google.Protobuf.ByteString.Empty;
            }
            if (ev.Histo is { } eh && av.Histo is { } ah)
            {
                Assert.Equal(eh.Sum, ah.Sum, 1e-12 * Math.Max(1, Math.Abs(eh.Sum)));
                Assert.Equal(eh.SumSquares, ah.SumSquares, 1e-12 * Math.Max(1, Math.Abs(eh.SumSquares)));
                eh.Sum = ah.Sum = eh.SumSquares = ah.SumSquares = 0;
            }
            if (ev.Metadata?.PluginData is { PluginName: "hparams" } ep && av.Metadata?.PluginData is { } ap)
            {
                Assert.Equal(HParamsPluginData.Parser.ParseFrom(ep.Content), HParamsPluginData.Parser.ParseFrom(ap.Content));
                ep.Content = ap.Content = Google.Protobuf.ByteString.Empty;
            }
        }
    }

    internal static void AssertSamePixels(byte[] expectedPng, byte[] actualPng, string what)
    {
        var e = ImageResult.FromMemory(expectedPng, ColorComponents.Default);
        var a = ImageResult.FromMemory(actualPng, ColorComponents.Default);
        Assert.True((e.Width, e.Height, e.SourceComp) == (a.Width, a.Height, a.SourceComp),
            $"{what}: PyTorch {e.Width}x{e.Height}x{e.SourceComp}, Flint {a.Width}x{a.Height}x{a.SourceComp}");
        Assert.True(e.Data.AsSpan().SequenceEqual(a.Data), $"{what}: pixels differ");
    }
}

/// <summary>Fresh directories for tests to write into: under the temp folder, or $FLINT_BOARD_OUT when set (kept for inspection).</summary>
internal static class BoardTestDirs
{
    public static string Make(string name)
    {
        var root = Environment.GetEnvironmentVariable("FLINT_BOARD_OUT") is { Length: > 0 } keep
            ? keep
            : Path.Combine(Path.GetTempPath(), "flint-board-tests-" + Environment.ProcessId);
        var dir = Path.Combine(root, name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
