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
    private static FixtureSet Fx => FixtureSet.Load("optim");

    private static IEnumerable<object[]> Select(string kind) =>
        Fx.Cases.Where(c => c.GetProperty("kind").GetString() == kind)
            .Select(c => new object[] { c.GetProperty("id").GetString()! });

    public static IEnumerable<object[]> StepCases => Select("optim");

    public static IEnumerable<object[]> LbfgsCases => Select("lbfgs");

    public static IEnumerable<object[]> SparseCases => Select("sparse");

    public static IEnumerable<object[]> ErrorCases => Select("error");

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

    /// <summary>
    /// Continues a case from a state dict PyTorch saved after step 5 (after step 2 for L-BFGS), with the parameters
    /// PyTorch had then, and checks every later step against PyTorch's uninterrupted run.
    /// </summary>
    internal static void ResumeFrom(string id, IDictionary stateDict)
    {
        var c = Fx.Case(id);
        double tol = OptimValues.Tol(c.GetProperty("dtype").GetString()!);
        switch (c.GetProperty("kind").GetString())
        {
            case "optim":
                {
                    var after5 = c.GetProperty("expected")[4].EnumerateArray().ToArray();
                    var r = Start(id, i => Fx.Tensor(after5[i]));
                    r.Opt.LoadStateDict(stateDict);
                    for (int s = 5; s < 10; s++)
                    {
                        DoStep(r, s);
                        CheckStep(r, s);
                    }
                    break;
                }
            case "lbfgs":
                {
                    var expected = c.GetProperty("expected").EnumerateArray().ToArray();
                    var x = Fx.Tensor(expected[1][0]).Clone().RequiresGrad_();
                    var opt = OptimFactory.Create("LBFGS", [x], c.GetProperty("kwargs"), null, Fx);
                    opt.LoadStateDict(stateDict);
                    Tensor Closure()
                    {
                        opt.ZeroGrad();
                        var loss = Rosenbrock(x);
                        loss.Backward();
                        return loss;
                    }
                    for (int s = 2; s < expected.Length; s++)
                    {
                        opt.Step(Closure);
                        OptimValues.AssertTensorClose(Fx.Tensor(expected[s][0]), x, tol, $"{id} step {s + 1}");
                    }
                    break;
                }
            case "sparse":
                {
                    var expected = c.GetProperty("expected").EnumerateArray().ToArray();
                    var grads = c.GetProperty("sparse_grads").EnumerateArray().ToArray();
                    var w = Fx.Tensor(expected[4][0]).Clone().RequiresGrad_();
                    var opt = OptimFactory.Create(c.GetProperty("optimizer").GetString()!, [w], c.GetProperty("kwargs"), null, Fx);
                    opt.LoadStateDict(stateDict);
                    for (int s = 5; s < grads.Length; s++)
                    {
                        w.Grad = Torch.SparseCooTensor(Fx.Tensor(grads[s].GetProperty("indices")), Fx.Tensor(grads[s].GetProperty("values")), w.Shape);
                        opt.Step();
                        OptimValues.AssertTensorClose(Fx.Tensor(expected[s][0]), w, tol, $"{id} step {s + 1}");
                    }
                    break;
                }
            default: throw new NotSupportedException(id);
        }
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

    /// <summary>The Rosenbrock function of tests/parity/optim.py, in the same operations.</summary>
    private static Tensor Rosenbrock(Tensor x)
    {
        var head = x.Slice(0, null, -1);
        var a = x.Slice(0, 1, null) - head * head;
        var b = 1 - head;
        return (100 * (a * a) + b * b).Sum();
    }

    /// <summary>The separable quadratic of tests/parity/optim.py.</summary>
    private static Tensor Quadratic(Tensor x)
    {
        var c = Torch.Tensor(new[] { 1.0, 4.0, 0.5, 9.0 }, x.DType);
        var m = Torch.Tensor(new[] { 0.3, -1.2, 2.0, 0.7 }, x.DType);
        var e = x - m;
        return (c * (e * e)).Sum();
    }

    [Theory]
    [MemberData(nameof(LbfgsCases))]
    public void LbfgsMatchesPyTorch(string id)
    {
        var c = Fx.Case(id);
        double tol = OptimValues.Tol(c.GetProperty("dtype").GetString()!);
        var x = Fx.Tensor(c.GetProperty("params")[0]).Clone().RequiresGrad_();
        var opt = OptimFactory.Create("LBFGS", [x], c.GetProperty("kwargs"), null, Fx);
        int evals = 0;
        Tensor Closure()
        {
            evals++;
            opt.ZeroGrad();
            var loss = c.GetProperty("function").GetString() == "rosenbrock" ? Rosenbrock(x) : Quadratic(x);
            loss.Backward();
            return loss;
        }
        var expected = c.GetProperty("expected").EnumerateArray().ToArray();
        var losses = c.GetProperty("losses").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var counts = c.GetProperty("evals").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        for (int s = 0; s < expected.Length; s++)
        {
            var loss = opt.Step(Closure)!;
            Assert.True(Math.Abs(loss.Item<double>() - losses[s]) <= tol * Math.Max(1, Math.Abs(losses[s])),
                $"{id} step {s + 1}: loss {loss.Item<double>():R}, PyTorch {losses[s]:R}");
            Assert.True(counts[s] == evals, $"{id} step {s + 1}: {evals} closure calls, PyTorch made {counts[s]}");
            OptimValues.AssertTensorClose(Fx.Tensor(expected[s][0]), x, tol, $"{id} step {s + 1}");
        }
        var st = opt.State[x];
        Assert.Equal(c.GetProperty("func_evals").GetInt64(), st["func_evals"]);
        Assert.Equal(c.GetProperty("n_iter").GetInt64(), st["n_iter"]);
        Assert.Equal(c.GetProperty("history").GetInt32(), ((List<object?>)st["old_dirs"]!).Count);
        OptimValues.AssertTensorClose(Fx.Tensor(c.GetProperty("d")), (Tensor)st["d"]!, tol, $"{id} d");
        // H_diag = y·s / y·y of the last, tiny curvature pair: in float32 it is rounding noise, so it is checked in float64.
        if (c.GetProperty("dtype").GetString() == "f64")
        {
            var hDiag = c.GetProperty("H_diag").GetDouble();
            var h = st["H_diag"] is Tensor ht ? ht.Item<double>() : Convert.ToDouble(st["H_diag"]);
            Assert.True(Math.Abs(h - hDiag) <= tol * Math.Max(1, Math.Abs(hDiag)), $"{id} H_diag {h:R}, PyTorch {hDiag:R}");
        }
        Assert.Equal(c.GetProperty("repr").GetString(), opt.ToString());
    }

    [Theory]
    [MemberData(nameof(SparseCases))]
    public void RowSparseGradientsMatchPyTorch(string id)
    {
        var c = Fx.Case(id);
        double tol = OptimValues.Tol(c.GetProperty("dtype").GetString()!);
        var w = Fx.Tensor(c.GetProperty("params")[0]).Clone().RequiresGrad_();
        var opt = OptimFactory.Create(c.GetProperty("optimizer").GetString()!, [w], c.GetProperty("kwargs"), null, Fx);
        var grads = c.GetProperty("sparse_grads").EnumerateArray().ToArray();
        var expected = c.GetProperty("expected").EnumerateArray().ToArray();
        for (int s = 0; s < grads.Length; s++)
        {
            w.Grad = Torch.SparseCooTensor(Fx.Tensor(grads[s].GetProperty("indices")), Fx.Tensor(grads[s].GetProperty("values")), w.Shape);
            opt.Step();
            OptimValues.AssertTensorClose(Fx.Tensor(expected[s][0]), w, tol, $"{id} step {s + 1}");
        }
        OptimValues.AssertSame(OptimValues.Decode(Fx, c.GetProperty("final")), opt.StateDict(), tol, "state_dict");
        Assert.Equal(c.GetProperty("repr").GetString(), opt.ToString());
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void ErrorsMatchPyTorch(string id)
    {
        var c = Fx.Case(id);
        var ex = Record.Exception(() => OptimErrors.Run(id));
        Assert.NotNull(ex);
        var expectedType = c.GetProperty("type").GetString() == "ValueError" ? typeof(ArgumentException) : typeof(InvalidOperationException);
        Assert.IsType(expectedType, ex);
        Assert.Equal(c.GetProperty("message").GetString(), ex.Message);
    }
}

/// <summary>The C# spelling of each error case in optim.py.</summary>
internal static class OptimErrors
{
    private static Tensor Leaf() => Torch.Randn(3).RequiresGrad_();

    public static void Run(string id)
    {
        switch (id)
        {
            case "error/sgd_lr": _ = new SGD([Leaf()], lr: -0.1); break;
            case "error/sgd_momentum": _ = new SGD([Leaf()], lr: 0.1, momentum: -0.5); break;
            case "error/sgd_nesterov": _ = new SGD([Leaf()], lr: 0.1, nesterov: true); break;
            case "error/sgd_required_lr": _ = new SGD([Leaf()]); break;
            case "error/adam_beta0": _ = new Adam([Leaf()], betas: (1.0, 0.999)); break;
            case "error/adam_beta1": _ = new Adam([Leaf()], betas: (0.9, -0.1)); break;
            case "error/adam_eps": _ = new Adam([Leaf()], eps: -1e-8); break;
            case "error/adam_fused_cpu": _ = new Adam([Leaf()], fused: true); break;
            case "error/adagrad_lr_decay": _ = new Adagrad([Leaf()], lrDecay: -0.5); break;
            case "error/adadelta_rho": _ = new Adadelta([Leaf()], rho: 1.5); break;
            case "error/rmsprop_alpha": _ = new RMSprop([Leaf()], alpha: -0.5); break;
            case "error/rprop_etas": _ = new Rprop([Leaf()], etas: (1.5, 1.2)); break;
            case "error/nadam_momentum_decay": _ = new NAdam([Leaf()], momentumDecay: -0.5); break;
            case "error/sparse_adam_lr": _ = new SparseAdam([Leaf()], lr: 0.0); break;
            case "error/empty": _ = new SGD(new List<Tensor>(), lr: 0.1); break;
            case "error/non_leaf": _ = new SGD([Leaf() * 2], lr: 0.1); break;
            case "error/two_groups":
                {
                    var p = Leaf();
                    _ = new SGD([new ParamGroup([p]), new ParamGroup([p])], lr: 0.1);
                    break;
                }
            case "error/lbfgs_groups": _ = new LBFGS([new ParamGroup([Leaf()]), new ParamGroup([Leaf()])]); break;
            case "error/sparse_adam_dense":
                {
                    var p = Leaf();
                    p.Grad = Torch.Randn(3);
                    new SparseAdam([p]).Step();
                    break;
                }
            case "error/adam_sparse":
                {
                    var p = Torch.Randn(4, 2).RequiresGrad_();
                    p.Grad = Torch.SparseCooTensor(Torch.Tensor(new long[,] { { 1 } }), Torch.Randn(1, 2), p.Shape);
                    new Adam([p]).Step();
                    break;
                }
            case "error/lbfgs_line_search":
                {
                    var p = Leaf();
                    var opt = new LBFGS([p], lineSearchFn: "backtracking");
                    opt.Step(() =>
                    {
                        opt.ZeroGrad();
                        var loss = (p * p).Sum();
                        loss.Backward();
                        return loss;
                    });
                    break;
                }
            case "error/adam_capturable_cpu":
                {
                    var p = Leaf();
                    p.Grad = Torch.Randn(3);
                    new Adam([p], capturable: true).Step();
                    break;
                }
            case "error/load_groups":
                new SGD([Leaf()], lr: 0.1).LoadStateDict(new SGD([new ParamGroup([Leaf()]), new ParamGroup([Leaf()])], lr: 0.1).StateDict());
                break;
            case "error/load_sizes":
                new SGD([Leaf()], lr: 0.1).LoadStateDict(new SGD([Leaf(), Leaf()], lr: 0.1).StateDict());
                break;
            default: throw new NotSupportedException(id);
        }
    }
}
