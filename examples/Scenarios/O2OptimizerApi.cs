using Flint.Optim;
using Flint.Optim.LrScheduler;

namespace Flint.Examples.Scenarios;

/// <summary>
/// O2: the Optimizer API the seeds list: <c>defaults</c>, <c>state</c>, <c>param_groups</c>, <c>zero_grad()</c>,
/// <c>step()</c>, <c>add_param_group()</c>, <c>state_dict()</c> / <c>load_state_dict()</c> through a checkpoint file,
/// adjusting the learning rate by hand and with a scheduler, and weight decay. tests/parity/scenarios.py runs the same
/// steps in PyTorch.
/// </summary>
public sealed class O2OptimizerApi : IExample
{
    /// <inheritdoc/>
    public string Name => "o2";

    /// <inheritdoc/>
    public string Summary => "optimizer.defaults/state/param_groups, zero_grad, step, add_param_group, state_dict round trip, lr, weight decay";

    /// <summary>The parameters after each of the five steps, and the optimizer at the end.</summary>
    public sealed record Trace(List<(double[] W1, double[] W2)> Steps, Optimizer Optimizer);

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        var path = Path.Combine(Path.GetTempPath(), $"flint-o2-{Environment.ProcessId}.pt");
        try
        {
            Run(o, path);
        }
        finally
        {
            File.Delete(path);
        }
        return 0;
    }

    /// <summary>Runs the walk-through, saving the optimizer's checkpoint to <paramref name="checkpoint"/>.</summary>
    public static Trace Run(TextWriter o, string checkpoint)
    {
        var w1 = Torch.Tensor(new double[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true);
        var w2 = Torch.Tensor(new[] { 0.5, -0.5 }, requiresGrad: true);
        Optimizer opt = new SGD([w1], lr: 0.1, momentum: 0.9, weightDecay: 0.01);
        var steps = new List<(double[], double[])>();
        void Step(Func<Tensor> loss)
        {
            opt.ZeroGrad();
            loss().Backward();
            opt.Step();
            steps.Add((w1.ToArray<double>(), w2.ToArray<double>()));
        }

        o.WriteLine($"optimizer.defaults = {{{string.Join(", ", opt.Defaults.Select(kv => $"'{kv.Key}': {Py(kv.Value)}"))}}}");
        o.WriteLine($"len(optimizer.state) = {opt.State.Count} before the first step");
        Step(() => w1.Pow(2).Sum());
        o.WriteLine($"after step 1, state of w1: {string.Join(", ", opt.State[w1].Keys)}");
        o.WriteLine(opt.State[w1]["momentum_buffer"]);

        opt.AddParamGroup(new ParamGroup([w2], [new("lr", 0.01)]));
        o.WriteLine($"\nadd_param_group: {opt.ParamGroups.Count} groups, lr {string.Join(" and ", opt.ParamGroups.Select(g => g.Lr))}, " +
                    $"the second took the default momentum {opt.ParamGroups[1].Momentum}");
        o.WriteLine(opt);
        Step(() => w1.Pow(2).Sum() + w2.Pow(3).Sum());

        Torch.Save(opt.StateDict(), checkpoint);
        opt = new SGD([w1], lr: 0.1, momentum: 0.9, weightDecay: 0.01);
        opt.AddParamGroup(new ParamGroup([w2], [new("lr", 0.01)]));
        opt.LoadStateDict(Torch.Load<Dictionary<string, object?>>(checkpoint));
        o.WriteLine($"\nstate_dict saved to {Path.GetFileName(checkpoint)} and loaded into a new SGD: keys " +
                    $"{string.Join(", ", opt.StateDict().Keys)}; momentum buffers for {opt.State.Count} parameters");
        Step(() => w1.Pow(2).Sum() + w2.Pow(3).Sum());

        foreach (var g in opt.ParamGroups) g.Lr *= 0.5;
        o.WriteLine($"learning rates halved by hand: {string.Join(", ", opt.ParamGroups.Select(g => g.Lr))}");
        Step(() => w1.Pow(2).Sum() + w2.Pow(3).Sum());

        var w1Before = w1.Detach().Clone();
        Step(() => (w1 * 0).Sum() + (w2 * 0).Sum());
        o.WriteLine($"a zero loss gradient still moves w1 (weight decay {opt.ParamGroups[0].WeightDecay} and momentum): " +
                    $"|w1| {w1Before.Norm().Item<double>():F4} -> {w1.Detach().Norm().Item<double>():F4}");

        var scheduler = new StepLR(opt, stepSize: 1, gamma: 0.1);
        scheduler.Step();
        o.WriteLine($"StepLR(step_size=1, gamma=0.1) after one step: {string.Join(", ", scheduler.GetLastLr())}");
        return new Trace(steps, opt);
    }

    private static string Py(object? v) => v switch
    {
        bool b => b ? "True" : "False",
        null => "None",
        double d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
