using System.Collections;

namespace Flint.Optim.LrScheduler;

/// <summary>
/// The 1cycle policy: the rate rises from <c>max_lr / div_factor</c> to <c>max_lr</c> and anneals to far below the
/// start, the momentum (or Adam's beta1) moving inversely, stepped per batch (<c>lr_scheduler.OneCycleLR</c>).
/// </summary>
public sealed class OneCycleLR : LRScheduler
{
    // EndStep is a Python float for the first phases and an int (total_steps - 1) for the last one.
    private sealed record Phase(double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum, bool IntEnd = false);

    private long totalSteps;
    private List<Phase> phases;
    private string annealStrategy;
    private bool cycleMomentum, useBeta1;

    /// <summary>
    /// <c>OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
    /// anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, div_factor=25.0,
    /// final_div_factor=1e4, three_phase=False, last_epoch=-1, verbose=False)</c>.
    /// </summary>
    public OneCycleLR(Optimizer optimizer, PerGroup maxLr, long? totalSteps = null, long? epochs = null, long? stepsPerEpoch = null,
                      double pctStart = 0.3, string annealStrategy = "cos", bool cycleMomentum = true, PerGroup? baseMomentum = null,
                      PerGroup? maxMomentum = null, double divFactor = 25.0, double finalDivFactor = 1e4, bool threePhase = false,
                      long lastEpoch = -1, bool verbose = false)
        : base(Prepare(optimizer, maxLr, totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum,
                       baseMomentum ?? 0.85, maxMomentum ?? 0.95, divFactor, finalDivFactor, lastEpoch), lastEpoch, verbose)
    {
        this.totalSteps = TotalSteps(totalSteps, epochs, stepsPerEpoch);
        phases = threePhase
            ? [new(pctStart * this.totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
               new(2 * pctStart * this.totalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
               new(this.totalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum", true)]
            : [new(pctStart * this.totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
               new(this.totalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum", true)];
        this.annealStrategy = annealStrategy;
        this.cycleMomentum = cycleMomentum;
        useBeta1 = optimizer.Defaults.ContainsKey("betas");
        InitialStep();
    }

    private static long TotalSteps(long? totalSteps, long? epochs, long? stepsPerEpoch)
    {
        if (totalSteps is null && epochs is null && stepsPerEpoch is null)
            throw new ArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch)");
        if (totalSteps is { } t)
        {
            if (t <= 0) throw new ArgumentException($"Expected positive integer total_steps, but got {t}");
            return t;
        }
        if (epochs is not { } e || e <= 0) throw new ArgumentException($"Expected positive integer epochs, but got {PyValues.Str(epochs)}");
        if (stepsPerEpoch is not { } s || s <= 0)
            throw new ArgumentException($"Expected positive integer steps_per_epoch, but got {PyValues.Str(stepsPerEpoch)}");
        return e * s;
    }

    // The checks and group setup PyTorch does before its base constructor runs.
    private static Optimizer Prepare(Optimizer optimizer, PerGroup maxLr, long? totalSteps, long? epochs, long? stepsPerEpoch,
        double pctStart, string annealStrategy, bool cycleMomentum, PerGroup baseMomentum, PerGroup maxMomentum,
        double divFactor, double finalDivFactor, long lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        TotalSteps(totalSteps, epochs, stepsPerEpoch);
        if (pctStart < 0 || pctStart > 1)
            throw new ArgumentException($"Expected float between 0 and 1 pct_start, but got {PyValues.FloatRepr(pctStart)}");
        if (annealStrategy is not ("cos" or "linear"))
            throw new ArgumentException($"anneal_strategy must by one of 'cos' or 'linear', instead got {annealStrategy}");
        var maxLrs = maxLr.For(optimizer, "max_lr");
        if (lastEpoch == -1)
            for (int i = 0; i < maxLrs.Count; i++)
            {
                var g = optimizer.ParamGroups[i];
                g["initial_lr"] = maxLrs[i] / divFactor;
                g["max_lr"] = maxLrs[i];
                g["min_lr"] = g.InitialLr / finalDivFactor;
            }
        if (cycleMomentum)
        {
            if (!optimizer.Defaults.ContainsKey("momentum") && !optimizer.Defaults.ContainsKey("betas"))
                throw new ArgumentException("optimizer must support momentum with `cycle_momentum` option enabled");
            bool beta1 = optimizer.Defaults.ContainsKey("betas");
            var maxMs = maxMomentum.For(optimizer, "max_momentum");
            var baseMs = baseMomentum.For(optimizer, "base_momentum");
            if (lastEpoch == -1)
                for (int i = 0; i < maxMs.Count; i++)
                {
                    var g = optimizer.ParamGroups[i];
                    if (beta1) g["betas"] = (maxMs[i], g.Betas.Beta2);
                    else g["momentum"] = maxMs[i];
                    g["max_momentum"] = maxMs[i];
                    g["base_momentum"] = baseMs[i];
                }
        }
        return optimizer;
    }

    private double Anneal(double start, double end, double pct) => annealStrategy == "cos"
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;

    /// <summary>The rates for the current step; also writes the momentum or beta1 into the groups (<c>get_lr()</c>).</summary>
    public override IReadOnlyList<double> GetLr()
    {
        long stepNum = LastEpoch;
        if (stepNum > totalSteps)
            throw new ArgumentException($"Tried to step {stepNum + 1} times. The specified number of total steps is {totalSteps}");
        var lrs = new List<double>();
        foreach (var group in Optimizer.ParamGroups)
        {
            double startStep = 0, lr = 0, momentum = 0;
            for (int i = 0; i < phases.Count; i++)
            {
                var phase = phases[i];
                if (stepNum <= phase.EndStep || i == phases.Count - 1)
                {
                    double pct = (stepNum - startStep) / (phase.EndStep - startStep);
                    lr = Anneal(group.GetDouble(phase.StartLr), group.GetDouble(phase.EndLr), pct);
                    if (cycleMomentum)
                        momentum = Anneal(group.GetDouble(phase.StartMomentum), group.GetDouble(phase.EndMomentum), pct);
                    break;
                }
                startStep = phase.EndStep;
            }
            lrs.Add(lr);
            if (cycleMomentum)
            {
                if (useBeta1) group["betas"] = (momentum, group.Betas.Beta2);
                else group["momentum"] = momentum;
            }
        }
        return lrs;
    }

    /// <summary>
    /// The state as PyTorch 2.x saves it (the annealing function by name, <c>_anneal_func_type</c>, since 1.13's bound
    /// method cannot be pickled).
    /// </summary>
    protected override void SaveOwnState(Dictionary<string, object?> d)
    {
        d["total_steps"] = totalSteps;
        d["_schedule_phases"] = phases.Select(p => (object?)new Dictionary<string, object?>
        {
            ["end_step"] = p.IntEnd ? (object)(long)p.EndStep : p.EndStep,
            ["start_lr"] = p.StartLr,
            ["end_lr"] = p.EndLr,
            ["start_momentum"] = p.StartMomentum,
            ["end_momentum"] = p.EndMomentum,
        }).ToList();
        d["_anneal_func_type"] = annealStrategy;
        d["cycle_momentum"] = cycleMomentum;
        if (cycleMomentum) d["use_beta1"] = useBeta1;
    }

    /// <inheritdoc/>
    protected override void LoadOwnState(IDictionary d)
    {
        Read(d, "total_steps", v => totalSteps = PyValues.ToLong(v, "total_steps"));
        Read(d, "_schedule_phases", v =>
        {
            var list = PyValues.Items(v) ?? throw new ArgumentException("'_schedule_phases' must be a list of dicts");
            phases = list.Select(x =>
            {
                var p = x as IDictionary ?? throw new ArgumentException("'_schedule_phases' must be a list of dicts");
                return new Phase(PyValues.ToDouble(p["end_step"], "end_step"), (string)p["start_lr"]!, (string)p["end_lr"]!,
                                 (string)p["start_momentum"]!, (string)p["end_momentum"]!, p["end_step"] is long or int);
            }).ToList();
        });
        Read(d, "_anneal_func_type", v => annealStrategy = v as string ?? annealStrategy);
        Read(d, "cycle_momentum", v => cycleMomentum = PyValues.ToBool(v, "cycle_momentum"));
        Read(d, "use_beta1", v => useBeta1 = PyValues.ToBool(v, "use_beta1"));
    }
}
