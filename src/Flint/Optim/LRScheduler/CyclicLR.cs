using System.Collections;

namespace Flint.Optim.LrScheduler;

/// <summary>
/// Cycles each group's rate between <c>base_lr</c> and <c>max_lr</c> (and the momentum inversely) in triangular,
/// halving or exponentially shrinking cycles, stepped per batch (<c>lr_scheduler.CyclicLR</c>).
/// </summary>
public sealed class CyclicLR : LRScheduler
{
    private List<double> maxLrs;
    private double totalSize, stepRatio, gamma;
    private string mode, scaleMode;
    private readonly Func<double, double>? scaleFnCustom;
    private bool cycleMomentum;
    private List<double> baseMomentums = [], maxMomentums = [];

    /// <summary>
    /// <c>CyclicLR(optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode='triangular', gamma=1.0,
    /// scale_fn=None, scale_mode='cycle', cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1,
    /// verbose=False)</c>; <paramref name="mode"/> is <c>triangular</c>, <c>triangular2</c> or <c>exp_range</c>.
    /// </summary>
    public CyclicLR(Optimizer optimizer, PerGroup baseLr, PerGroup maxLr, double stepSizeUp = 2000, double? stepSizeDown = null,
                    string mode = "triangular", double gamma = 1.0, Func<double, double>? scaleFn = null, string scaleMode = "cycle",
                    bool cycleMomentum = true, PerGroup? baseMomentum = null, PerGroup? maxMomentum = null,
                    long lastEpoch = -1, bool verbose = false)
        : base(Prepare(optimizer, baseLr, lastEpoch), lastEpoch, verbose)
    {
        var baseLrs = baseLr.For(optimizer, "base_lr");
        maxLrs = maxLr.For(optimizer, "max_lr");
        double up = stepSizeUp, down = stepSizeDown ?? up;
        totalSize = up + down;
        stepRatio = up / totalSize;
        if (mode is not ("triangular" or "triangular2" or "exp_range") && scaleFn is null)
            throw new ArgumentException("mode is invalid and scale_fn is None");
        this.mode = mode;
        this.gamma = gamma;
        if (scaleFn is null)
            this.scaleMode = mode == "exp_range" ? "iterations" : "cycle";
        else
        {
            scaleFnCustom = scaleFn;
            this.scaleMode = scaleMode;
        }
        this.cycleMomentum = cycleMomentum;
        if (cycleMomentum)
        {
            if (!optimizer.Defaults.ContainsKey("momentum"))
                throw new ArgumentException("optimizer must support momentum with `cycle_momentum` option enabled");
            var bm = (baseMomentum ?? 0.8).For(optimizer, "base_momentum");
            if (lastEpoch == -1)
                for (int i = 0; i < bm.Count; i++) optimizer.ParamGroups[i]["momentum"] = bm[i];
            baseMomentums = optimizer.ParamGroups.Select(g => g.Momentum).ToList();
            maxMomentums = (maxMomentum ?? 0.9).For(optimizer, "max_momentum");
        }
        InitialStep();
        BaseLrs = baseLrs;
    }

    // PyTorch writes base_lr into the groups before the base constructor records initial_lr.
    private static Optimizer Prepare(Optimizer optimizer, PerGroup baseLr, long lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var lrs = baseLr.For(optimizer, "base_lr");
        if (lastEpoch == -1)
            for (int i = 0; i < lrs.Count; i++) optimizer.ParamGroups[i]["lr"] = lrs[i];
        return optimizer;
    }

    private double ScaleFn(double x)
    {
        if (scaleFnCustom is not null) return scaleFnCustom(x);
        return mode switch
        {
            "triangular" => 1.0,
            "triangular2" => 1 / Math.Pow(2.0, x - 1),
            _ => Math.Pow(gamma, x),
        };
    }

    /// <summary>The rates for the current iteration; also writes the cycled momentum into the groups (<c>get_lr()</c>).</summary>
    public override IReadOnlyList<double> GetLr()
    {
        double cycle = Math.Floor(1 + LastEpoch / totalSize);
        double x = 1.0 + LastEpoch / totalSize - cycle;
        double scaleFactor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
        double scaleArg = scaleMode == "cycle" ? cycle : LastEpoch;
        var lrs = new List<double>();
        for (int i = 0; i < BaseLrs.Count && i < maxLrs.Count; i++)
        {
            double baseHeight = (maxLrs[i] - BaseLrs[i]) * scaleFactor;
            lrs.Add(BaseLrs[i] + baseHeight * ScaleFn(scaleArg));
        }
        if (cycleMomentum)
        {
            var groups = Optimizer.ParamGroups;
            for (int i = 0; i < baseMomentums.Count && i < groups.Count; i++)
            {
                double baseHeight = (maxMomentums[i] - baseMomentums[i]) * scaleFactor;
                groups[i]["momentum"] = maxMomentums[i] - baseHeight * ScaleFn(scaleArg);
            }
        }
        return lrs;
    }

    /// <summary>The state as PyTorch 2.x saves it: the built-in scale function is not saved, a custom one as None.</summary>
    protected override void SaveOwnState(Dictionary<string, object?> d)
    {
        d["max_lrs"] = Boxed(maxLrs);
        d["total_size"] = totalSize;
        d["step_ratio"] = stepRatio;
        d["mode"] = mode;
        d["gamma"] = gamma;
        d["_scale_fn_custom"] = null;
        d["scale_mode"] = scaleMode;
        d["cycle_momentum"] = cycleMomentum;
        if (cycleMomentum)
        {
            d["base_momentums"] = Boxed(baseMomentums);
            d["max_momentums"] = Boxed(maxMomentums);
        }
    }

    /// <inheritdoc/>
    protected override void LoadOwnState(IDictionary d)
    {
        Read(d, "max_lrs", v => maxLrs = Doubles(v, "max_lrs"));
        Read(d, "total_size", v => totalSize = PyValues.ToDouble(v, "total_size"));
        Read(d, "step_ratio", v => stepRatio = PyValues.ToDouble(v, "step_ratio"));
        Read(d, "mode", v => mode = v as string ?? mode);
        Read(d, "gamma", v => gamma = PyValues.ToDouble(v, "gamma"));
        Read(d, "scale_mode", v => scaleMode = v as string ?? scaleMode);
        Read(d, "cycle_momentum", v => cycleMomentum = PyValues.ToBool(v, "cycle_momentum"));
        Read(d, "base_momentums", v => baseMomentums = Doubles(v, "base_momentums"));
        Read(d, "max_momentums", v => maxMomentums = Doubles(v, "max_momentums"));
    }
}
