using System.Collections;
using System.Text.Json;
using Flint.Optim;
using Flint.Tests.Parity;

namespace Flint.Tests.Optim;

/// <summary>
/// Every optimizer against tests/parity/optim.py: ten steps on fixed parameters and gradients give PyTorch's parameters
/// after each step and its final state dict (float64 to 1e-10, float32 to 1e-6); resuming from PyTorch's state dict
/// after step 5, or from Flint's own, continues exactly as the uninterrupted run.
/// </summary>
public class OptimParityTests
{
    private static readonly HashSet<string> Implemented = ["SGD"];

    private static FixtureSet Fx => FixtureSet.Load("optim");

    private static IEnumerable<object[]> Select(string kind) =>
        Fx.Cases.Where(c => c.GetProperty("kind").GetString() == kind &&
                            Implemented.Contains(c.GetProperty("optimizer").GetString()!))
            .Select(c => new object[] { c.GetProperty("id").GetString()! });

    public static IEnumerable<object[]> StepCases => Select("optim");

    private sealed record Run(JsonElement Case, double Tol, List<Tensor> Params, Optimizer Opt);

    private static List<Tensor> MakeParams(JsonElement c, Func<int, Tensor> value)
    {
        bool rg = c.GetProperty("requires_grad").GetBoolean();
        var n = c.GetProperty("params").GetArrayLength();
        var ps = new List<Tensor>();
        for (int i = 0; i < n; i++)
        {
            var v = value(i);
            // The third parameter, when present, is a transposed (non-contiguous) leaf, as in the script.
            var p = i == 2 ? v.T().Contiguous().T() : v.Clone();
            ps.Add(rg ? p.RequiresGrad_() : p);
        }
        return ps;
    }

    private static Run Start(string id, Func<int, Tensor>? value = null)
    {
        var c = Fx.Case(id);
        var inits = c.GetProperty("params").EnumerateArray().ToArray();
        var ps = MakeParams(c, value ?? (i => Fx.Tensor(inits[i])));
        var groups = c.TryGetProperty("groups", out var g) ? g : (JsonElement?)null;
        var opt = OptimFactory.Create(c.GetProperty("optimizer").GetString()!, ps, c.GetProperty("kwargs"), groups, Fx);
        return new Run(c, OptimValues.Tol(c.GetProperty("dtype").GetString()!), ps, opt);
    }

    private static void DoStep(Run r, int step)
    {
        var c = r.Case;
        if (c.GetProperty("set_lr") is { ValueKind: JsonValueKind.Array } setLr && setLr[0].GetInt32() == step)
        {
            var lrs = setLr[1].EnumerateArray().ToArray();
            for (int i = 0; i < lrs.Length; i++) r.Opt.ParamGroups[i]["lr"] = lrs[i].GetDouble();
        }
        var grads = c.GetProperty("grads")[step].EnumerateArray().ToArray();
        for (int i = 0; i < r.Params.Count; i++)
            r.Params[i].Grad = grads[i].ValueKind == JsonValueKind.Null ? null : Fx.Tensor(grads[i]);
        r.Opt.Step();
    }

    private static void CheckStep(Run r, int step)
    {
        var exp = r.Case.GetProperty("expected")[step].EnumerateArray().ToArray();
        for (int i = 0; i < r.Params.Count; i++)
            OptimValues.AssertTensorClose(Fx.Tensor(exp[i]), r.Params[i], r.Tol, $"{r.Case.GetProperty("id")} step {step + 1} param {i}");
    }

    [Theory]
    [MemberData(nameof(StepCases))]
    public void TenStepsMatchPyTorch(string id)
    {
        var r = Start(id);
        for (int s = 0; s < 10; s++)
        {
            DoStep(r, s);
            CheckStep(r, s);
        }
        OptimValues.AssertSame(OptimValues.Decode(Fx, r.Case.GetProperty("final")), r.Opt.StateDict(), r.Tol, "state_dict");
        Assert.Equal(r.Case.GetProperty("repr").GetString(), r.Opt.ToString());
    }

    [Theory]
    [MemberData(nameof(StepCases))]
    public void ResumesFromPyTorchStateDict(string id)
    {
        var c = Fx.Case(id);
        var after5 = c.GetProperty("expected")[4].EnumerateArray().ToArray();
        var r = Start(id, i => Fx.Tensor(after5[i]));
        r.Opt.LoadStateDict((IDictionary)OptimValues.Decode(Fx, c.GetProperty("resume"))!);
        for (int s = 5; s < 10; s++)
        {
            DoStep(r, s);
            CheckStep(r, s);
        }
    }

    [Theory]
    [MemberData(nameof(StepCases))]
    public void ResumesThroughCheckpointFile(string id)
    {
        var r = Start(id);
        for (int s = 0; s < 5; s++) DoStep(r, s);
        var path = Path.Combine(Path.GetTempPath(), $"flint-optim-{Guid.NewGuid():N}.pt");
        try
        {
            Torch.Save(r.Opt.StateDict(), path);
            var loaded = (IDictionary)Torch.Load(path)!;
            // The file holds exactly PyTorch's structure: the state dict PyTorch had after the same five steps.
            OptimValues.AssertSame(OptimValues.Decode(Fx, r.Case.GetProperty("resume")), loaded, r.Tol, "checkpoint");
            var r2 = Start(id, i => r.Params[i].Detach());
            r2.Opt.LoadStateDict(loaded);
            for (int s = 5; s < 10; s++)
            {
                DoStep(r2, s);
                CheckStep(r2, s);
            }
        }
        finally { File.Delete(path); }
    }

    /// <summary>Flint's state dict after the case's first five steps.</summary>
    internal static Dictionary<string, object?> StateAfterFiveSteps(string id)
    {
        var r = Start(id);
        for (int s = 0; s < 5; s++) DoStep(r, s);
        return r.Opt.StateDict();
    }

    [Theory]
    [MemberData(nameof(StepCases))]
    public void ResumesFromOwnStateDict(string id)
    {
        var r = Start(id);
        for (int s = 0; s < 5; s++) DoStep(r, s);
        var saved = r.Opt.StateDict();
        var r2 = Start(id, i => r.Params[i].Detach());
        r2.Opt.LoadStateDict(saved);
        for (int s = 5; s < 10; s++)
        {
            DoStep(r2, s);
            CheckStep(r2, s);
        }
    }
}
