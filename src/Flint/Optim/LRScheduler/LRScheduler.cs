using System.Collections;
using System.Globalization;

namespace Flint.Optim.LrScheduler;

/// <summary>
/// The base of the epoch-based learning-rate schedulers (<c>torch.optim.lr_scheduler.LRScheduler</c>, 1.13's
/// <c>_LRScheduler</c>). Construction records each group's <c>initial_lr</c> and takes the first step (epoch 0);
/// each <see cref="Step()"/> then advances <see cref="LastEpoch"/> and writes the new rates into the optimizer's groups.
/// Call it after <c>optimizer.Step()</c>, as in PyTorch 1.1 and later.
/// </summary>
public abstract class LRScheduler
{
    /// <summary>Attaches to <paramref name="optimizer"/>; with <paramref name="lastEpoch"/> = -1 records each group's <c>initial_lr</c>.</summary>
    protected LRScheduler(Optimizer optimizer, long lastEpoch = -1, bool verbose = false)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        if (lastEpoch == -1)
            foreach (var g in optimizer.ParamGroups) g.SetDefault("initial_lr", g["lr"]);
        else
            for (int i = 0; i < optimizer.ParamGroups.Count; i++)
                if (!optimizer.ParamGroups[i].ContainsKey("initial_lr"))
                    throw new KeyNotFoundException(
                        $"param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer");
        BaseLrs = optimizer.ParamGroups.Select(g => g.InitialLr).ToList();
        LastEpoch = lastEpoch;
        Verbose = verbose;
    }

    /// <summary>For schedulers that only drive others (<c>ChainedScheduler</c>, <c>SequentialLR</c>): no base setup.</summary>
    private protected LRScheduler(Optimizer optimizer)
    {
        Optimizer = optimizer;
        BaseLrs = [];
    }

    /// <summary>The optimizer whose learning rates this scheduler sets (<c>scheduler.optimizer</c>).</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Each group's starting learning rate (<c>scheduler.base_lrs</c>).</summary>
    public List<double> BaseLrs { get; protected set; }

    /// <summary>The index of the last epoch (<c>scheduler.last_epoch</c>); -1 before the first step.</summary>
    public long LastEpoch { get; set; }

    /// <summary>Prints a message at each update (<c>verbose</c>).</summary>
    public bool Verbose { get; set; }

    /// <summary>Steps taken, the one made on construction included (<c>scheduler._step_count</c>).</summary>
    protected long StepCount { get; set; }

    /// <summary>True while <see cref="Step()"/> computes rates (PyTorch's <c>_get_lr_called_within_step</c>).</summary>
    protected bool GetLrCalledWithinStep { get; private set; }

    private protected List<double> lastLr = [];

    /// <summary>The learning rates the last step set, one per group (<c>scheduler.get_last_lr()</c>).</summary>
    public IReadOnlyList<double> GetLastLr() => lastLr;

    /// <summary>
    /// The rates for the current <see cref="LastEpoch"/> in the chainable form, from the groups' current rates
    /// (<c>scheduler.get_lr()</c>); to read the rates, use <see cref="GetLastLr"/>.
    /// </summary>
    public abstract IReadOnlyList<double> GetLr();

    /// <summary>The rates in closed form for an explicit epoch, where the scheduler has one (<c>_get_closed_form_lr</c>).</summary>
    protected virtual IReadOnlyList<double>? ClosedFormLr() => null;

    /// <summary>Takes the step the constructor takes in PyTorch (<c>_initial_step</c>); derived constructors call it last.</summary>
    protected internal void InitialStep()
    {
        StepCount = 0;
        Step();
    }

    /// <summary>Advances one epoch and sets each group's learning rate (<c>scheduler.step()</c>).</summary>
    public virtual void Step()
    {
        StepCount++;
        LastEpoch++;
        IReadOnlyList<double> values;
        GetLrCalledWithinStep = true;
        try { values = GetLr(); }
        finally { GetLrCalledWithinStep = false; }
        Apply(values, null);
    }

    /// <summary>
    /// Jumps to <paramref name="epoch"/> and sets the rates in closed form where the scheduler has one
    /// (<c>scheduler.step(epoch)</c>, deprecated in PyTorch).
    /// </summary>
    public virtual void Step(long epoch)
    {
        StepCount++;
        LastEpoch = epoch;
        IReadOnlyList<double> values;
        GetLrCalledWithinStep = true;
        try { values = ClosedFormLr() ?? GetLr(); }
        finally { GetLrCalledWithinStep = false; }
        Apply(values, epoch);
    }

    private protected void Apply(IReadOnlyList<double> values, object? epoch)
    {
        var groups = Optimizer.ParamGroups;
        int n = Math.Min(groups.Count, values.Count);
        for (int i = 0; i < n; i++)
        {
            groups[i]["lr"] = values[i];
            PrintLr(Verbose, i, values[i], epoch);
        }
        lastLr = groups.Select(g => g.Lr).ToList();
    }

    /// <summary>Prints PyTorch's verbose message for a group's new rate (<c>print_lr</c>).</summary>
    /// <remarks><paramref name="epoch"/> is null, a <see cref="long"/> (printed <c>%.5d</c>) or a <see cref="double"/> (<c>%.2f</c>).</remarks>
    protected static void PrintLr(bool verbose, int group, double lr, object? epoch)
    {
        if (!verbose) return;
        var rate = lr.ToString("0.0000e+00", CultureInfo.InvariantCulture);
        if (epoch is null)
            Console.WriteLine($"Adjusting learning rate of group {group} to {rate}.");
        else
            Console.WriteLine($"Epoch {FormatEpoch(epoch)}: adjusting learning rate of group {group} to {rate}.");
    }

    /// <summary>An epoch as PyTorch prints it: <c>%.2f</c> for a float, <c>%.5d</c> for an int.</summary>
    protected static string FormatEpoch(object epoch) => epoch is double e
        ? e.ToString("0.00", CultureInfo.InvariantCulture)
        : PyValues.ToLong(epoch, "epoch").ToString("00000", CultureInfo.InvariantCulture);

    /// <summary>The current rates of the optimizer's groups.</summary>
    protected List<double> GroupLrs() => Optimizer.ParamGroups.Select(g => g.Lr).ToList();

    /// <summary>
    /// The scheduler's state as PyTorch's <c>state_dict()</c> holds it (its attributes but the optimizer, by their
    /// Python names, in PyTorch's order), for checkpoints that move between Flint and PyTorch.
    /// </summary>
    public virtual Dictionary<string, object?> StateDict()
    {
        var d = new Dictionary<string, object?>();
        SaveOwnState(d);
        d["base_lrs"] = Boxed(BaseLrs);
        d["last_epoch"] = LastEpoch;
        d["verbose"] = Verbose;
        d["_step_count"] = StepCount;
        d["_get_lr_called_within_step"] = false;
        d["_last_lr"] = Boxed(lastLr);
        SaveTrailingState(d);
        return d;
    }

    /// <summary>Restores state saved by <see cref="StateDict"/> here or by PyTorch (<c>scheduler.load_state_dict</c>).</summary>
    public virtual void LoadStateDict(IDictionary stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        LoadOwnState(stateDict);
        if (stateDict.Contains("base_lrs")) BaseLrs = Doubles(stateDict["base_lrs"], "base_lrs");
        if (stateDict.Contains("last_epoch")) LastEpoch = PyValues.ToLong(stateDict["last_epoch"], "last_epoch");
        if (stateDict.Contains("verbose")) Verbose = PyValues.ToBool(stateDict["verbose"], "verbose");
        if (stateDict.Contains("_step_count")) StepCount = PyValues.ToLong(stateDict["_step_count"], "_step_count");
        if (stateDict.Contains("_last_lr")) lastLr = Doubles(stateDict["_last_lr"], "_last_lr");
    }

    /// <summary>Writes the attributes PyTorch sets before the base constructor runs (they come first in its state dict).</summary>
    protected virtual void SaveOwnState(Dictionary<string, object?> d) { }

    /// <summary>Writes attributes PyTorch appends after the base ones (LambdaLR's <c>lr_lambdas</c>).</summary>
    protected virtual void SaveTrailingState(Dictionary<string, object?> d) { }

    /// <summary>Reads this scheduler's own attributes from a state dict, when present.</summary>
    protected virtual void LoadOwnState(IDictionary d) { }

    /// <summary>A list of numbers as a state-dict value (a Python list of floats).</summary>
    protected static List<object?> Boxed(IEnumerable<double> xs) => xs.Select(x => (object?)x).ToList();

    /// <summary>A state-dict list of numbers as doubles.</summary>
    protected static List<double> Doubles(object? v, string name) =>
        (PyValues.Items(v) ?? throw new ArgumentException($"'{name}' must be a list of numbers")).Select(x => PyValues.ToDouble(x, name)).ToList();

    /// <summary>Reads a number if the state dict has it.</summary>
    protected static void Read(IDictionary d, string key, Action<object?> set)
    {
        if (d.Contains(key)) set(d[key]);
    }
}

/// <summary>
/// A value given once for all parameter groups or once per group, as PyTorch's scheduler arguments that take a float
/// or a list (<c>max_lr</c>, <c>base_momentum</c>, <c>min_lr</c>): converts from a <see cref="double"/> or a
/// <see cref="double"/> array.
/// </summary>
public readonly struct PerGroup
{
    private readonly double single;
    private readonly double[]? values;

    private PerGroup(double single, double[]? values) { this.single = single; this.values = values; }

    /// <summary>One value for every group.</summary>
    public static implicit operator PerGroup(double v) => new(v, null);

    /// <summary>One value per group, in group order.</summary>
    public static implicit operator PerGroup(double[] v) => new(0, v ?? throw new ArgumentNullException(nameof(v)));

    /// <summary>One value per group, in group order.</summary>
    public static implicit operator PerGroup(List<double> v) => new(0, (v ?? throw new ArgumentNullException(nameof(v))).ToArray());

    /// <summary>The values for each of the optimizer's groups; a list of another length fails with PyTorch's message.</summary>
    public List<double> For(Optimizer optimizer, string name)
    {
        int n = optimizer.ParamGroups.Count;
        if (values is null) return Enumerable.Repeat(single, n).ToList();
        if (values.Length != n)
            throw new ArgumentException($"expected {n} values for {name}, got {values.Length}");
        return [.. values];
    }

    /// <summary>True if one value per group was given.</summary>
    public bool IsList => values is not null;

    /// <summary>The given values (one for all groups, or one per group).</summary>
    public IReadOnlyList<double> Values => values ?? [single];
}
