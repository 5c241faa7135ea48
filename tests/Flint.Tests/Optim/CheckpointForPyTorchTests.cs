using System.Collections;
using Flint.Tests.Parity;

namespace Flint.Tests.Optim;

/// <summary>
/// Checkpoint files in both directions. PyTorch's (tests/fixtures/optim_checkpoints/pytorch, written by optim.py) load
/// with Torch.Load and resume in Flint. Flint's, which tests/parity/optim_checkpoint.py loads in PyTorch: for each float64 case, the
/// state dict after five steps, written with <c>Torch.Save</c>. The committed file must be what Flint writes today
/// (set FLINT_WRITE_FIXTURES=1 to rewrite them, then run the script, which resumes training in PyTorch from each
/// file and checks it continues as PyTorch's uninterrupted run).
/// </summary>
public class CheckpointForPyTorchTests
{
    public static IEnumerable<object[]> Cases =>
        OptimParityTests.StepCases.Where(c => ((string)c[0]).EndsWith("/f64", StringComparison.Ordinal));

    public static string FileName(string id) => id.Replace('/', '_') + ".pt";

    [Theory]
    [MemberData(nameof(Cases))]
    public void CommittedCheckpointIsWhatFlintWrites(string id)
    {
        var saved = OptimParityTests.StateAfterFiveSteps(id);
        if (Environment.GetEnvironmentVariable("FLINT_WRITE_FIXTURES") == "1")
        {
            var dir = Path.Combine(RepoRoot(), "tests", "fixtures", "optim_checkpoints");
            Directory.CreateDirectory(dir);
            Torch.Save(saved, Path.Combine(dir, FileName(id)));
        }
        var committed = Path.Combine(AppContext.BaseDirectory, "fixtures", "optim_checkpoints", FileName(id));
        Assert.True(File.Exists(committed), $"{committed} is missing: run the tests with FLINT_WRITE_FIXTURES=1");
        var tmp = Path.Combine(Path.GetTempPath(), $"flint-ckpt-{Guid.NewGuid():N}.pt");
        try
        {
            Torch.Save(saved, tmp);
            OptimValues.AssertSame(ToExpected(Torch.Load(committed)), Torch.Load(tmp), 0, FileName(id));
        }
        finally { File.Delete(tmp); }
    }

    public static IEnumerable<object[]> PyTorchFiles =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "fixtures", "optim_checkpoints", "pytorch"), "*.pt")
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(f => new object[] { f! });

    /// <summary>
    /// A checkpoint PyTorch wrote with <c>torch.save(optimizer.state_dict())</c> mid-run (tests/parity/optim.py) loads
    /// with <c>Torch.Load</c> into a fresh Flint optimizer, which then continues exactly as PyTorch's uninterrupted run.
    /// </summary>
    [Theory]
    [MemberData(nameof(PyTorchFiles))]
    public void ResumesFromPyTorchCheckpointFile(string file)
    {
        var name = file[..^3];
        var id = name[..name.IndexOf('_')] + "/" + name[(name.IndexOf('_') + 1)..name.LastIndexOf('_')] + "/" + name[(name.LastIndexOf('_') + 1)..];
        var loaded = (IDictionary)Torch.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "optim_checkpoints", "pytorch", file))!;
        OptimParityTests.ResumeFrom(id, loaded);
    }

    // Torch.Load's object model in the shape OptimValues.AssertSame expects on its left side.
    private static object? ToExpected(object? v)
    {
        switch (v)
        {
            case IDictionary d:
                var r = new Dictionary<object, object?>();
                foreach (DictionaryEntry e in d) r[e.Key] = ToExpected(e.Value);
                return r;
            case object?[] t: return t.Select(ToExpected).ToArray();
            case List<object?> l: return l.Select(ToExpected).ToList();
            default: return v;
        }
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Flint.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("Flint.sln not found above the test binaries");
    }
}
