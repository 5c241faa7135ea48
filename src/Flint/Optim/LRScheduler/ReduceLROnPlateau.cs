using System.Collections;

namespace Flint.Optim.LrScheduler;

/// <summary>
/// Cuts the learning rate by <c>factor</c> when a metric has stopped improving for <c>patience</c> epochs
/// (<c>lr_scheduler.ReduceLROnPlateau</c>); step it with the metric, e.g. the validation loss.
/// </summary>
public sealed class ReduceLROnPlateau
{
    private double factor, threshold, eps;
    private List<double> minLrs;
    private long patience, cooldown, cooldownCounter, numBadEpochs;
    private string mode, thresholdMode;
    private double best, modeWorse;
    private List<double> lastLr = [];

    /// <summary>
    /// <c>ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10, threshold=1e-4, threshold_mode='rel',
    /// cooldown=0, min_lr=0, eps=1e-8, verbose=False)</c>.
    /// </summary>
    public ReduceLROnPlateau(Optimizer optimizer, string mode = "min", double factor = 0.1, long patience = 10, double threshold = 1e-4,
                             string thresholdMode = "rel", long cooldown = 0, PerGroup? minLr = null, double eps = 1e-8, bool verbose = false)
    {
        if (factor >= 1.0) throw new ArgumentException("Factor should be < 1.0.");
        this.factor = factor;
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        var ml = minLr ?? 0.0;
        if (ml.IsList && ml.Values.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"expected {optimizer.ParamGroups.Count} min_lrs, got {ml.Values.Count}");
        minLrs = ml.For(optimizer, "min_lr");
        minLrIsInt = minLr is null;
        this.patience = patience;
        Verbose = verbose;
        this.cooldown = cooldown;
        this.mode = mode;
        this.threshold = threshold;
        this.thresholdMode = thresholdMode;
        this.eps = eps;
        LastEpoch = 0;
        InitIsBetter(mode, threshold, thresholdMode);
        Reset();
    }

    // min_lr=0 is a Python int in PyTorch's state dict.
    private bool minLrIsInt;

    /// <summary>The optimizer whose learning rates this scheduler cuts (<c>scheduler.optimizer</c>).</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The last epoch counted (<c>scheduler.last_epoch</c>).</summary>
    public long LastEpoch { get; private set; }

    /// <summary>Prints a message at each cut (<c>verbose</c>).</summary>
    public bool Verbose { get; set; }

    /// <summary>The best metric seen (<c>scheduler.best</c>).</summary>
    public double Best => best;

    /// <summary>Epochs since the last improvement (<c>scheduler.num_bad_epochs</c>).</summary>
    public long NumBadEpochs => numBadEpochs;

    /// <summary>True while cooling down after a cut (<c>scheduler.in_cooldown</c>).</summary>
    public bool InCooldown => cooldownCounter > 0;

    /// <summary>The learning rates after the last step (<c>scheduler.get_last_lr()</c>, PyTorch 2.x; 1.13's <c>_last_lr</c>).</summary>
    public IReadOnlyList<double> GetLastLr() => lastLr;

    private void Reset()
    {
        best = modeWorse;
        cooldownCounter = 0;
        numBadEpochs = 0;
    }

    /// <summary>Records the epoch's metric and cuts the rates after <c>patience</c> epochs without improvement (<c>scheduler.step(metrics)</c>).</summary>
    public void Step(double metrics, long? epoch = null)
    {
        double current = metrics;
        LastEpoch = epoch ?? LastEpoch + 1;
        if (IsBetter(current, best))
        {
            best = current;
            numBadEpochs = 0;
        }
        else numBadEpochs++;
        if (InCooldown)
        {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > patience)
        {
            ReduceLr(LastEpoch);
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
        lastLr = Optimizer.ParamGroups.Select(g => g.Lr).ToList();
    }

    /// <summary>Steps with a one-element tensor metric, e.g. a loss (<c>float(metrics)</c>).</summary>
    public void Step(Tensor metrics, long? epoch = null) => Step(metrics.Item<double>(), epoch);

    private void ReduceLr(long epoch)
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            double oldLr = groups[i].Lr;
            double newLr = Math.Max(oldLr * factor, minLrs[i]);
            if (oldLr - newLr > eps)
            {
                groups[i]["lr"] = newLr;
                if (Verbose)
                    Console.WriteLine($"Epoch {epoch:00000}: reducing learning rate of group {i} to " +
                                      newLr.ToString("0.0000e+00", System.Globalization.CultureInfo.InvariantCulture) + ".");
            }
        }
    }

    /// <summary>Whether <paramref name="a"/> improves on <paramref name="best"/> by the threshold (<c>is_better</c>).</summary>
    public bool IsBetter(double a, double best) => (mode, thresholdMode) switch
    {
        ("min", "rel") => a < best * (1.0 - threshold),
        ("min", "abs") => a < best - threshold,
        ("max", "rel") => a > best * (threshold + 1.0),
        _ => a > best + threshold,
    };

    private void InitIsBetter(string mode, double threshold, string thresholdMode)
    {
        if (mode is not ("min" or "max")) throw new ArgumentException("mode " + mode + " is unknown!");
        if (thresholdMode is not ("rel" or "abs")) throw new ArgumentException("threshold mode " + thresholdMode + " is unknown!");
        modeWorse = mode == "min" ? double.PositiveInfinity : double.NegativeInfinity;
        this.mode = mode;
        this.threshold = threshold;
        this.thresholdMode = thresholdMode;
    }

    /// <summary>The scheduler's attributes, as PyTorch's <c>state_dict()</c> holds them.</summary>
    public Dictionary<string, object?> StateDict() => new()
    {
        ["factor"] = factor,
        ["min_lrs"] = minLrs.Select(m => minLrIsInt ? OptionBuilder.IntLike(m) : (object?)m).ToList(),
        ["patience"] = patience,
        ["verbose"] = Verbose,
        ["cooldown"] = cooldown,
        ["cooldown_counter"] = cooldownCounter,
        ["mode"] = mode,
        ["threshold"] = threshold,
        ["threshold_mode"] = thresholdMode,
        ["best"] = best,
        ["num_bad_epochs"] = numBadEpochs,
        ["mode_worse"] = modeWorse,
        ["eps"] = eps,
        ["last_epoch"] = LastEpoch,
        ["_last_lr"] = lastLr.Select(x => (object?)x).ToList(),
    };

    /// <summary>Restores state saved here or by PyTorch (<c>scheduler.load_state_dict</c>).</summary>
    public void LoadStateDict(IDictionary stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        void Read(string k, Action<object?> set) { if (stateDict.Contains(k)) set(stateDict[k]); }
        Read("factor", v => factor = PyValues.ToDouble(v, "factor"));
        Read("min_lrs", v =>
        {
            var items = PyValues.Items(v) ?? throw new ArgumentException("'min_lrs' must be a list");
            minLrs = items.Select(x => PyValues.ToDouble(x, "min_lrs")).ToList();
            minLrIsInt = items.All(x => x is long or int);
        });
        Read("patience", v => patience = PyValues.ToLong(v, "patience"));
        Read("verbose", v => Verbose = PyValues.ToBool(v, "verbose"));
        Read("cooldown", v => cooldown = PyValues.ToLong(v, "cooldown"));
        Read("cooldown_counter", v => cooldownCounter = PyValues.ToLong(v, "cooldown_counter"));
        Read("mode", v => mode = v as string ?? mode);
        Read("threshold", v => threshold = PyValues.ToDouble(v, "threshold"));
        Read("threshold_mode", v => thresholdMode = v as string ?? thresholdMode);
        Read("best", v => best = PyValues.ToDouble(v, "best"));
        Read("num_bad_epochs", v => numBadEpochs = PyValues.ToLong(v, "num_bad_epochs"));
        Read("mode_worse", v => modeWorse = PyValues.ToDouble(v, "mode_worse"));
        Read("eps", v => eps = PyValues.ToDouble(v, "eps"));
        Read("last_epoch", v => LastEpoch = PyValues.ToLong(v, "last_epoch"));
        Read("_last_lr", v => lastLr = (PyValues.Items(v) ?? []).Select(x => PyValues.ToDouble(x, "_last_lr")).ToList());
        InitIsBetter(mode, threshold, thresholdMode);
    }
}
