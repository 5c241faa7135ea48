using System.Collections;
using Flint.Tests.Parity;

namespace Flint.Tests.Optim;

/// <summary>
/// Flint's optimizer checkpoints that tests/parity/optim_checkpoint.py loads in PyTorch: for each float64 case, the
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
