using System.Collections;

namespace Flint.Optim.LrScheduler;

/// <summary>
/// Runs schedulers one after another, switching at the milestone epochs (<c>lr_scheduler.SequentialLR</c>); at a
/// milestone the next scheduler starts from epoch 0.
/// </summary>
public sealed class SequentialLR : LRScheduler
{
    private readonly List<LRScheduler> schedulers;
    private List<long> milestones;

    /// <summary><c>SequentialLR(optimizer, schedulers, milestones, last_epoch=-1, verbose=False)</c>.</summary>
    public SequentialLR(Optimizer optimizer, IEnumerable<LRScheduler> schedulers, IEnumerable<long> milestones, long lastEpoch = -1, bool verbose = false)
        : base(optimizer)
    {
        this.schedulers = [.. schedulers];
        this.milestones = [.. milestones];
        for (int i = 0; i < this.schedulers.Count; i++)
        {
            if (!ReferenceEquals(this.schedulers[i].Optimizer, optimizer))
                throw new ArgumentException(
                    $"Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index {i} to be different than the optimizer passed in.");
            if (!ReferenceEquals(this.schedulers[i].Optimizer, this.schedulers[0].Optimizer))
                throw new ArgumentException(
                    $"Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and {i} to be different.");
        }
        if (this.milestones.Count != this.schedulers.Count - 1)
            throw new ArgumentException(
                "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, " +
                $"but got number of schedulers {this.schedulers.Count} and the number of milestones to be equal to {this.milestones.Count}");
        LastEpoch = lastEpoch + 1;
        Verbose = verbose;
        foreach (var g in optimizer.ParamGroups) g["lr"] = g["initial_lr"];
        foreach (var s in this.schedulers) s.LastEpoch -= 1;
        this.schedulers[0].InitialStep();
        lastLr = [.. this.schedulers[0].GetLastLr()];
    }

    /// <summary>The schedulers in order (<c>scheduler._schedulers</c>).</summary>
    public IReadOnlyList<LRScheduler> Schedulers => schedulers;

    /// <summary>Not used: the active scheduler computes the rates.</summary>
    public override IReadOnlyList<double> GetLr() => GetLastLr();

    /// <summary>Advances one epoch, stepping the scheduler whose turn it is (<c>scheduler.step()</c>).</summary>
    public override void Step()
    {
        LastEpoch++;
        int idx = milestones.Count(m => m <= LastEpoch);
        var scheduler = schedulers[idx];
        if (idx > 0 && milestones[idx - 1] == LastEpoch) scheduler.Step(0L);
        else scheduler.Step();
        lastLr = [.. scheduler.GetLastLr()];
    }

    /// <summary>Not supported, as in PyTorch: SequentialLR steps one epoch at a time.</summary>
    public override void Step(long epoch) =>
        throw new ArgumentException("SequentialLR.step() takes 1 positional argument but 2 were given");

    /// <summary>The state dict: milestones, epoch, last rates and each scheduler's own state dict.</summary>
    public override Dictionary<string, object?> StateDict() => new()
    {
        ["_milestones"] = milestones.Select(m => (object?)m).ToList(),
        ["last_epoch"] = LastEpoch,
        ["_last_lr"] = Boxed(lastLr),
        ["_schedulers"] = schedulers.Select(s => (object?)s.StateDict()).ToList(),
    };

    /// <inheritdoc/>
    public override void LoadStateDict(IDictionary stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        Read(stateDict, "_milestones", v => milestones = (PyValues.Items(v) ?? []).Select(x => PyValues.ToLong(x, "_milestones")).ToList());
        Read(stateDict, "last_epoch", v => LastEpoch = PyValues.ToLong(v, "last_epoch"));
        Read(stateDict, "_last_lr", v => lastLr = Doubles(v, "_last_lr"));
        Read(stateDict, "_schedulers", v =>
        {
            var list = PyValues.Items(v) ?? [];
            for (int i = 0; i < list.Count && i < schedulers.Count; i++)
                schedulers[i].LoadStateDict(list[i] as IDictionary ?? throw new ArgumentException("'_schedulers' must hold dicts"));
        });
    }
}

/// <summary>
/// Steps several schedulers together each epoch, their effects multiplying (<c>lr_scheduler.ChainedScheduler</c>).
/// </summary>
public sealed class ChainedScheduler : LRScheduler
{
    private readonly List<LRScheduler> schedulers;

    /// <summary><c>ChainedScheduler(schedulers)</c>; all must drive the same optimizer.</summary>
    public ChainedScheduler(IEnumerable<LRScheduler> schedulers) : this(schedulers.ToList()) { }

    private ChainedScheduler(List<LRScheduler> schedulers) : base(First(schedulers).Optimizer)
    {
        for (int i = 1; i < schedulers.Count; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, schedulers[0].Optimizer))
                throw new ArgumentException(
                    $"ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and {i} to be different");
        this.schedulers = schedulers;
        lastLr = schedulers[^1].Optimizer.ParamGroups.Select(g => g.Lr).ToList();
    }

    private static LRScheduler First(List<LRScheduler> s) =>
        s.Count > 0 ? s[0] : throw new ArgumentException("ChainedScheduler needs at least one scheduler");

    /// <summary>The chained schedulers (<c>scheduler._schedulers</c>).</summary>
    public IReadOnlyList<LRScheduler> Schedulers => schedulers;

    /// <summary>Not used: each chained scheduler computes its own rates.</summary>
    public override IReadOnlyList<double> GetLr() => GetLastLr();

    /// <summary>Steps every chained scheduler once (<c>scheduler.step()</c>).</summary>
    public override void Step()
    {
        foreach (var s in schedulers) s.Step();
        lastLr = schedulers[^1].Optimizer.ParamGroups.Select(g => g.Lr).ToList();
    }

    /// <summary>Not supported, as in PyTorch: ChainedScheduler steps one epoch at a time.</summary>
    public override void Step(long epoch) =>
        throw new ArgumentException("ChainedScheduler.step() takes 1 positional argument but 2 were given");

    /// <summary>The state dict: last rates and each scheduler's own state dict.</summary>
    public override Dictionary<string, object?> StateDict() => new()
    {
        ["_last_lr"] = Boxed(lastLr),
        ["_schedulers"] = schedulers.Select(s => (object?)s.StateDict()).ToList(),
    };

    /// <inheritdoc/>
    public override void LoadStateDict(IDictionary stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        Read(stateDict, "_last_lr", v => lastLr = Doubles(v, "_last_lr"));
        Read(stateDict, "_schedulers", v =>
        {
            var list = PyValues.Items(v) ?? [];
            for (int i = 0; i < list.Count && i < schedulers.Count; i++)
                schedulers[i].LoadStateDict(list[i] as IDictionary ?? throw new ArgumentException("'_schedulers' must hold dicts"));
        });
    }
}
