using System.Collections;
using System.Reflection;
using System.Text.Json;
using Flint.Optim;
using Flint.Optim.LrScheduler;
using Flint.Tests.Parity;

namespace Flint.Tests.Optim;

/// <summary>
/// Every learning-rate scheduler against tests/parity/optim_sched.py: the rates (and cycled momentum) over 100 steps,
/// the final state dict, and resuming from PyTorch's optimizer and scheduler state dicts after step 50.
/// </summary>
public class SchedulerParityTests
{
    private const double Tol = 1e-13;
    private static FixtureSet Fx => FixtureSet.Load("optim_sched");

    public static IEnumerable<object[]> Cases =>
        Fx.Cases.Where(c => c.GetProperty("kind").GetString() == "sched")
            .Select(c => new object[] { c.GetProperty("id").GetString()! });

    public static IEnumerable<object[]> Errors =>
        Fx.Cases.Where(c => c.GetProperty("kind").GetString() == "error")
            .Select(c => new object[] { c.GetProperty("id").GetString()! });

    private static readonly Dictionary<string, Func<long, double>> Lambdas = new()
    {
        ["pow095"] = e => Math.Pow(0.95, e),
        ["const095"] = _ => 0.95,
        ["warmup10"] = e => Math.Min(1.0, (e + 1) / 10.0),
        ["inv_sqrt"] = e => 1.0 / Math.Pow(1 + e, 0.5),
    };

    internal static Optimizer MakeOptimizer(string kind)
    {
        var a = Torch.Zeros(2).RequiresGrad_();
        var b = Torch.Zeros(3).RequiresGrad_();
        if (kind == "adam")
            return new Adam([new ParamGroup([a]), new ParamGroup([b]) { Lr = 0.01, Betas = (0.8, 0.99) }], lr: 0.1);
        return new SGD([new ParamGroup([a]), new ParamGroup([b]) { Lr = 0.01, Momentum = 0.5 }], lr: 0.1, momentum: 0.9);
    }

    private static object Build(JsonElement spec, Optimizer opt)
    {
        var name = spec.GetProperty("name").GetString()!;
        var type = typeof(LRScheduler).Assembly.GetType("Flint.Optim.LrScheduler." + name)!;
        var kwargs = spec.TryGetProperty("kwargs", out var k) ? k : default;
        var subs = spec.TryGetProperty("schedulers", out var s)
            ? s.EnumerateArray().Select(x => (LRScheduler)Build(x, opt)).ToList()
            : null;
        if (name == "ChainedScheduler") return new ChainedScheduler(subs!);
        foreach (var ctor in type.GetConstructors())
        {
            var ps = ctor.GetParameters();
            var args = new object?[ps.Length];
            args[0] = opt;
            bool ok = true;
            for (int i = 1; i < ps.Length && ok; i++)
            {
                if (ps[i].Name == "schedulers") { args[i] = subs; continue; }
                var pyName = Snake(ps[i].Name!);
                if (kwargs.ValueKind == JsonValueKind.Object && kwargs.TryGetProperty(pyName, out var v))
                    ok = TryConvert(v, ps[i].ParameterType, out args[i]);
                else if (ps[i].HasDefaultValue) args[i] = ps[i].DefaultValue;
                else ok = false;
            }
            if (kwargs.ValueKind == JsonValueKind.Object)
                foreach (var kv in kwargs.EnumerateObject())
                    Assert.True(ps.Any(p => Snake(p.Name!) == kv.Name), $"{name} has no parameter for PyTorch's {kv.Name}");
            if (ok) return Invoke(ctor, args);
        }
        throw new InvalidOperationException($"no constructor of {name} fits {kwargs}");
    }

    private static object Invoke(ConstructorInfo ctor, object?[] args)
    {
        try { return ctor.Invoke(args); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static string Snake(string camel) => camel switch
    {
        "tMax" => "T_max",
        "t0" => "T_0",
        "tMult" => "T_mult",
        _ => string.Concat(camel.Select(ch => char.IsUpper(ch) ? "_" + char.ToLowerInvariant(ch) : ch.ToString())),
    };

    private static bool TryConvert(JsonElement v, Type t, out object? r)
    {
        var u = Nullable.GetUnderlyingType(t) ?? t;
        r = null;
        if (u == typeof(Func<long, double>))
        {
            if (v.ValueKind != JsonValueKind.String) return false;
            r = Lambdas[v.GetString()!];
            return true;
        }
        if (u == typeof(IEnumerable<Func<long, double>>))
        {
            if (v.ValueKind != JsonValueKind.Array) return false;
            r = v.EnumerateArray().Select(x => Lambdas[x.GetString()!]).ToList();
            return true;
        }
        if (u == typeof(PerGroup))
        {
            r = v.ValueKind == JsonValueKind.Array ? (PerGroup)v.EnumerateArray().Select(x => x.GetDouble()).ToArray() : (PerGroup)v.GetDouble();
            return true;
        }
        if (u == typeof(IEnumerable<long>))
        {
            r = v.EnumerateArray().Select(x => x.GetInt64()).ToList();
            return true;
        }
        if (u == typeof(double)) { r = v.GetDouble(); return true; }
        if (u == typeof(long)) { r = v.GetInt64(); return true; }
        if (u == typeof(bool)) { r = v.GetBoolean(); return true; }
        if (u == typeof(string)) { r = v.GetString(); return true; }
        throw new NotSupportedException(u.Name);
    }

    private static IReadOnlyList<double> LastLr(object s, Optimizer opt) =>
        s is ReduceLROnPlateau ? opt.ParamGroups.Select(g => g.Lr).ToList() : ((LRScheduler)s).GetLastLr();

    private static void StepOnce(object s, JsonElement c, int i)
    {
        if (s is ReduceLROnPlateau p) { p.Step(c.GetProperty("metrics")[i].GetDouble()); return; }
        var sched = (LRScheduler)s;
        if (c.GetProperty("epochs") is { ValueKind: JsonValueKind.Array } ep)
        {
            var e = ep[i];
            if (e.GetRawText().Contains('.')) ((CosineAnnealingWarmRestarts)sched).Step(e.GetDouble());
            else sched.Step(e.GetInt64());
            return;
        }
        sched.Step();
    }

    private static List<double> Momentum(Optimizer opt) =>
        opt.ParamGroups.Select(g => g.ContainsKey("betas") ? g.Betas.Beta1 : g.Momentum).ToList();

    private static void CheckRates(JsonElement c, int step, object s, Optimizer opt)
    {
        var id = c.GetProperty("id").GetString();
        var lrs = c.GetProperty("lrs")[step].EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var got = LastLr(s, opt);
        Assert.Equal(lrs.Length, got.Count);
        for (int g = 0; g < lrs.Length; g++)
            Assert.True(Math.Abs(lrs[g] - got[g]) <= Tol * Math.Abs(lrs[g]), $"{id} step {step} group {g}: lr {got[g]:R}, PyTorch {lrs[g]:R}");
        var moms = c.GetProperty("momentums")[step].EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var gm = Momentum(opt);
        for (int g = 0; g < moms.Length; g++)
            Assert.True(Math.Abs(moms[g] - gm[g]) <= Tol, $"{id} step {step} group {g}: momentum {gm[g]:R}, PyTorch {moms[g]:R}");
    }

    private static Dictionary<string, object?> StateOf(object s) =>
        s is ReduceLROnPlateau p ? p.StateDict() : ((LRScheduler)s).StateDict();

    [Theory]
    [MemberData(nameof(Cases))]
    public void RatesMatchPyTorch(string id)
    {
        var c = Fx.Case(id);
        var opt = MakeOptimizer(c.GetProperty("optimizer").GetString()!);
        var s = Build(c.GetProperty("spec"), opt);
        CheckRates(c, 0, s, opt);
        for (int i = 0; i < 100; i++)
        {
            opt.Step();
            StepOnce(s, c, i);
            CheckRates(c, i + 1, s, opt);
        }
        OptimValues.AssertSame(OptimValues.Decode(Fx, c.GetProperty("final")), StateOf(s), Tol, "state_dict");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ResumesFromPyTorchStateDicts(string id)
    {
        var c = Fx.Case(id);
        var opt = MakeOptimizer(c.GetProperty("optimizer").GetString()!);
        var s = Build(c.GetProperty("spec"), opt);
        var resume = c.GetProperty("resume");
        opt.LoadStateDict((IDictionary)OptimValues.Decode(Fx, resume.GetProperty("optimizer"))!);
        var sd = (IDictionary)OptimValues.Decode(Fx, resume.GetProperty("scheduler"))!;
        if (s is ReduceLROnPlateau p) p.LoadStateDict(sd);
        else ((LRScheduler)s).LoadStateDict(sd);
        CheckRates(c, 50, s, opt);
        for (int i = 50; i < 100; i++)
        {
            opt.Step();
            StepOnce(s, c, i);
            CheckRates(c, i + 1, s, opt);
        }
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public void ErrorsMatchPyTorch(string id)
    {
        var c = Fx.Case(id);
        var ex = Record.Exception(() => SchedulerErrors.Run(id));
        Assert.NotNull(ex);
        var msg = c.GetProperty("message").GetString()!;
        if (c.GetProperty("type").GetString() == "KeyError")
        {
            Assert.IsType<KeyNotFoundException>(ex);
            msg = msg[1..^1];
        }
        else Assert.IsType<ArgumentException>(ex);
        Assert.Equal(msg, ex.Message);
    }
}

/// <summary>The C# spelling of each error case in optim_sched.py.</summary>
internal static class SchedulerErrors
{
    private static Optimizer Sgd() => SchedulerParityTests.MakeOptimizer("sgd");

    public static void Run(string id)
    {
        switch (id)
        {
            case "error/plateau_mode": _ = new ReduceLROnPlateau(Sgd(), mode: "foo"); break;
            case "error/plateau_threshold_mode": _ = new ReduceLROnPlateau(Sgd(), thresholdMode: "bar"); break;
            case "error/plateau_factor": _ = new ReduceLROnPlateau(Sgd(), factor: 1.0); break;
            case "error/plateau_min_lrs": _ = new ReduceLROnPlateau(Sgd(), minLr: new[] { 0.1 }); break;
            case "error/cyclic_mode": _ = new CyclicLR(Sgd(), 0.01, 0.1, mode: "square"); break;
            case "error/cyclic_momentum": _ = new CyclicLR(SchedulerParityTests.MakeOptimizer("adam"), 0.01, 0.1); break;
            case "error/cyclic_max_lr": _ = new CyclicLR(Sgd(), 0.01, new[] { 0.1, 0.2, 0.3 }); break;
            case "error/onecycle_anneal": _ = new OneCycleLR(Sgd(), 0.1, totalSteps: 10, annealStrategy: "exp"); break;
            case "error/onecycle_totals": _ = new OneCycleLR(Sgd(), 0.1); break;
            case "error/onecycle_total_steps": _ = new OneCycleLR(Sgd(), 0.1, totalSteps: -3); break;
            case "error/onecycle_pct": _ = new OneCycleLR(Sgd(), 0.1, totalSteps: 10, pctStart: 1.5); break;
            case "error/onecycle_past_end":
                var s = new OneCycleLR(Sgd(), 0.1, totalSteps: 5);
                for (int i = 0; i < 6; i++) s.Step();
                break;
            case "error/constant_factor": _ = new ConstantLR(Sgd(), factor: 2.0); break;
            case "error/linear_start": _ = new LinearLR(Sgd(), startFactor: 1.5); break;
            case "error/linear_end": _ = new LinearLR(Sgd(), endFactor: -0.5); break;
            case "error/cawr_t0": _ = new CosineAnnealingWarmRestarts(Sgd(), 0); break;
            case "error/cawr_tmult": _ = new CosineAnnealingWarmRestarts(Sgd(), 10, tMult: 0); break;
            case "error/lambda_count": _ = new LambdaLR(Sgd(), [e => Math.Pow(0.95, e)]); break;
            case "error/resume_no_initial_lr": _ = new StepLR(Sgd(), 3, lastEpoch: 5); break;
            case "error/sequential_milestones":
                {
                    var opt = Sgd();
                    _ = new SequentialLR(opt, [new ConstantLR(opt), new ExponentialLR(opt, 0.9)], milestones: [2, 4]);
                    break;
                }
            case "error/sequential_optimizer":
                {
                    var opt = Sgd();
                    _ = new SequentialLR(opt, [new ConstantLR(opt), new ExponentialLR(Sgd(), 0.9)], milestones: [2]);
                    break;
                }
            default: throw new NotSupportedException(id);
        }
    }
}
