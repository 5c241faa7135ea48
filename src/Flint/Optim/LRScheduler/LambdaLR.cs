using System.Collections;

namespace Flint.Optim.LrScheduler;

/// <summary>
/// Sets each group's rate to its initial rate times a function of the epoch (<c>lr_scheduler.LambdaLR</c>):
/// <c>lr = base_lr · lr_lambda(epoch)</c>.
/// </summary>
public sealed class LambdaLR : LRScheduler
{
    private readonly List<Func<long, double>> lrLambdas;

    /// <summary>One function for every group (<c>LambdaLR(optimizer, lr_lambda, last_epoch=-1, verbose=False)</c>).</summary>
    public LambdaLR(Optimizer optimizer, Func<long, double> lrLambda, long lastEpoch = -1, bool verbose = false)
        : this(optimizer, Enumerable.Repeat(lrLambda, optimizer.ParamGroups.Count).ToList(), lastEpoch, verbose) { }

    /// <summary>One function per group (<c>LambdaLR(optimizer, [f0, f1], ...)</c>).</summary>
    public LambdaLR(Optimizer optimizer, IEnumerable<Func<long, double>> lrLambda, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose)
    {
        lrLambdas = [.. lrLambda];
        if (lrLambdas.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lrLambdas.Count}");
        InitialStep();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double> GetLr() =>
        lrLambdas.Zip(BaseLrs, (f, b) => b * f(LastEpoch)).ToList();

    /// <inheritdoc/>
    protected override void SaveTrailingState(Dictionary<string, object?> d) =>
        d["lr_lambdas"] = Enumerable.Repeat<object?>(null, lrLambdas.Count).ToList();
}

/// <summary>
/// Multiplies each group's rate by a function of the epoch at every step after the first
/// (<c>lr_scheduler.MultiplicativeLR</c>): <c>lr = lr · lr_lambda(epoch)</c>.
/// </summary>
public sealed class MultiplicativeLR : LRScheduler
{
    private readonly List<Func<long, double>> lrLambdas;

    /// <summary>One function for every group (<c>MultiplicativeLR(optimizer, lr_lambda, last_epoch=-1, verbose=False)</c>).</summary>
    public MultiplicativeLR(Optimizer optimizer, Func<long, double> lrLambda, long lastEpoch = -1, bool verbose = false)
        : this(optimizer, Enumerable.Repeat(lrLambda, optimizer.ParamGroups.Count).ToList(), lastEpoch, verbose) { }

    /// <summary>One function per group.</summary>
    public MultiplicativeLR(Optimizer optimizer, IEnumerable<Func<long, double>> lrLambda, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose)
    {
        lrLambdas = [.. lrLambda];
        if (lrLambdas.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lrLambdas.Count}");
        InitialStep();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double> GetLr() => LastEpoch > 0
        ? lrLambdas.Zip(Optimizer.ParamGroups, (f, g) => g.Lr * f(LastEpoch)).ToList()
        : GroupLrs();

    /// <inheritdoc/>
    protected override void SaveTrailingState(Dictionary<string, object?> d) =>
        d["lr_lambdas"] = Enumerable.Repeat<object?>(null, lrLambdas.Count).ToList();
}

/// <summary>Decays each group's rate by <c>gamma</c> every <c>step_size</c> epochs (<c>lr_scheduler.StepLR</c>).</summary>
public sealed class StepLR : LRScheduler
{
    private long stepSize;
    private double gamma;

    /// <summary><c>StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1, verbose=False)</c>.</summary>
    public StepLR(Optimizer optimizer, long stepSize, double gamma = 0.1, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose)
    {
        this.stepSize = stepSize;
        this.gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double> GetLr()
    {
        if (LastEpoch == 0 || LastEpoch % stepSize != 0) return GroupLrs();
        return Optimizer.ParamGroups.Select(g => g.Lr * gamma).ToList();
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<double>? ClosedFormLr() =>
        BaseLrs.Select(b => b * Math.Pow(gamma, Math.Floor((double)LastEpoch / stepSize))).ToList();

    /// <inheritdoc/>
    protected override void SaveOwnState(Dictionary<string, object?> d)
    {
        d["step_size"] = stepSize;
        d["gamma"] = gamma;
    }

    /// <inheritdoc/>
    protected override void LoadOwnState(IDictionary d)
    {
        Read(d, "step_size", v => stepSize = PyValues.ToLong(v, "step_size"));
        Read(d, "gamma", v => gamma = PyValues.ToDouble(v, "gamma"));
    }
}

/// <summary>Decays each group's rate by <c>gamma</c> at each milestone epoch (<c>lr_scheduler.MultiStepLR</c>).</summary>
public sealed class MultiStepLR : LRScheduler
{
    // Python's Counter: milestone -> how many times it was given.
    private SortedDictionary<long, long> milestones;
    private double gamma;

    /// <summary><c>MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1, verbose=False)</c>.</summary>
    public MultiStepLR(Optimizer optimizer, IEnumerable<long> milestones, double gamma = 0.1, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose)
    {
        this.milestones = [];
        foreach (var m in milestones) this.milestones[m] = this.milestones.GetValueOrDefault(m) + 1;
        this.gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double> GetLr()
    {
        if (!milestones.TryGetValue(LastEpoch, out var count)) return GroupLrs();
        return Optimizer.ParamGroups.Select(g => g.Lr * Math.Pow(gamma, count)).ToList();
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<double>? ClosedFormLr()
    {
        long passed = milestones.Where(kv => kv.Key <= LastEpoch).Sum(kv => kv.Value);
        return BaseLrs.Select(b => b * Math.Pow(gamma, passed)).ToList();
    }

    /// <inheritdoc/>
    protected override void SaveOwnState(Dictionary<string, object?> d)
    {
        var counter = new Dictionary<object, object?>();
        foreach (var (m, c) in milestones) counter[m] = c;
        d["milestones"] = counter;
        d["gamma"] = gamma;
    }

    /// <inheritdoc/>
    protected override void LoadOwnState(IDictionary d)
    {
        Read(d, "milestones", v =>
        {
            var counter = v as IDictionary ?? throw new ArgumentException("'milestones' must be a dict of counts");
            milestones = [];
            foreach (DictionaryEntry e in counter)
                milestones[PyValues.ToLong(e.Key, "milestones")] = PyValues.ToLong(e.Value, "milestones");
        });
        Read(d, "gamma", v => gamma = PyValues.ToDouble(v, "gamma"));
    }
}

/// <summary>
/// Multiplies each group's rate by a constant factor until <c>total_iters</c> epochs have passed
/// (<c>lr_scheduler.ConstantLR</c>).
/// </summary>
public sealed class ConstantLR : LRScheduler
{
    private double factor;
    private long totalIters;

    /// <summary><c>ConstantLR(optimizer, factor=1/3, total_iters=5, last_epoch=-1, verbose=False)</c>.</summary>
    public ConstantLR(Optimizer optimizer, double factor = 1.0 / 3, long totalIters = 5, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose)
    {
        if (factor > 1.0 || factor < 0)
            throw new ArgumentException("Constant multiplicative factor expected to be between 0 and 1.");
        this.factor = factor;
        this.totalIters = totalIters;
        InitialStep();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double> GetLr()
    {
        if (LastEpoch == 0) return Optimizer.ParamGroups.Select(g => g.Lr * factor).ToList();
        if (LastEpoch > totalIters || LastEpoch != totalIters) return GroupLrs();
        return Optimizer.ParamGroups.Select(g => g.Lr * (1.0 / factor)).ToList();
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<double>? ClosedFormLr() =>
        BaseLrs.Select(b => b * (factor + (LastEpoch >= totalIters ? 1 : 0) * (1 - factor))).ToList();

    /// <inheritdoc/>
    protected override void SaveOwnState(Dictionary<string, object?> d)
    {
        d["factor"] = factor;
        d["total_iters"] = totalIters;
    }

    /// <inheritdoc/>
    protected override void LoadOwnState(IDictionary d)
    {
        Read(d, "factor", v => factor = PyValues.ToDouble(v, "factor"));
        Read(d, "total_iters", v => totalIters = PyValues.ToLong(v, "total_iters"));
    }
}

/// <summary>
/// Moves each group's rate factor linearly from <c>start_factor</c> to <c>end_factor</c> over <c>total_iters</c>
/// epochs (<c>lr_scheduler.LinearLR</c>).
/// </summary>
public sealed class LinearLR : LRScheduler
{
    private double startFactor, endFactor;
    private long totalIters;

    /// <summary><c>LinearLR(optimizer, start_factor=1/3, end_factor=1.0, total_iters=5, last_epoch=-1, verbose=False)</c>.</summary>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, long totalIters = 5,
                    long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose)
    {
        if (startFactor > 1.0 || startFactor < 0)
            throw new ArgumentException("Starting multiplicative factor expected to be between 0 and 1.");
        if (endFactor > 1.0 || endFactor < 0)
            throw new ArgumentException("Ending multiplicative factor expected to be between 0 and 1.");
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        InitialStep();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double> GetLr()
    {
        if (LastEpoch == 0) return Optimizer.ParamGroups.Select(g => g.Lr * startFactor).ToList();
        if (LastEpoch > totalIters) return GroupLrs();
        return Optimizer.ParamGroups.Select(g => g.Lr * (1.0 + (endFactor - startFactor) /
            (totalIters * startFactor + (LastEpoch - 1) * (endFactor - startFactor)))).ToList();
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<double>? ClosedFormLr() =>
        BaseLrs.Select(b => b * (startFactor + (endFactor - startFactor) * Math.Min(totalIters, LastEpoch) / totalIters)).ToList();

    /// <inheritdoc/>
    protected override void SaveOwnState(Dictionary<string, object?> d)
    {
        d["start_factor"] = startFactor;
        d["end_factor"] = endFactor;
        d["total_iters"] = totalIters;
    }

    /// <inheritdoc/>
    protected override void LoadOwnState(IDictionary d)
    {
        Read(d, "start_factor", v => startFactor = PyValues.ToDouble(v, "start_factor"));
        Read(d, "end_factor", v => endFactor = PyValues.ToDouble(v, "end_factor"));
        Read(d, "total_iters", v => totalIters = PyValues.ToLong(v, "total_iters"));
    }
}

/// <summary>Decays each group's rate by <c>gamma</c> every epoch (<c>lr_scheduler.ExponentialLR</c>).</summary>
public sealed class ExponentialLR : LRScheduler
{
    private double gamma;

    /// <summary><c>ExponentialLR(optimizer, gamma, last_epoch=-1, verbose=False)</c>.</summary>
    public ExponentialLR(Optimizer optimizer, double gamma, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose)
    {
        this.gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double> GetLr() =>
        LastEpoch == 0 ? GroupLrs() : Optimizer.ParamGroups.Select(g => g.Lr * gamma).ToList();

    /// <inheritdoc/>
    protected override IReadOnlyList<double>? ClosedFormLr() => BaseLrs.Select(b => b * Math.Pow(gamma, LastEpoch)).ToList();

    /// <inheritdoc/>
    protected override void SaveOwnState(Dictionary<string, object?> d) => d["gamma"] = gamma;

    /// <inheritdoc/>
    protected override void LoadOwnState(IDictionary d) => Read(d, "gamma", v => gamma = PyValues.ToDouble(v, "gamma"));
}

/// <summary>
/// Decays each group's rate polynomially to zero over <c>total_iters</c> epochs (<c>lr_scheduler.PolynomialLR</c>).
/// </summary>
public sealed class PolynomialLR : LRScheduler
{
    private long totalIters;
    private double power;

    /// <summary><c>PolynomialLR(optimizer, total_iters=5, power=1.0, last_epoch=-1, verbose=False)</c>.</summary>
    public PolynomialLR(Optimizer optimizer, long totalIters = 5, double power = 1.0, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose)
    {
        this.totalIters = totalIters;
        this.power = power;
        InitialStep();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double> GetLr()
    {
        if (LastEpoch == 0 || LastEpoch > totalIters) return GroupLrs();
        var decay = Math.Pow((1.0 - (double)LastEpoch / totalIters) / (1.0 - (double)(LastEpoch - 1) / totalIters), power);
        return Optimizer.ParamGroups.Select(g => g.Lr * decay).ToList();
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<double>? ClosedFormLr() =>
        BaseLrs.Select(b => b * Math.Pow(1.0 - (double)Math.Min(totalIters, LastEpoch) / totalIters, power)).ToList();

    /// <inheritdoc/>
    protected override void SaveOwnState(Dictionary<string, object?> d)
    {
        d["total_iters"] = totalIters;
        d["power"] = power;
    }

    /// <inheritdoc/>
    protected override void LoadOwnState(IDictionary d)
    {
        Read(d, "total_iters", v => totalIters = PyValues.ToLong(v, "total_iters"));
        Read(d, "power", v => power = PyValues.ToDouble(v, "power"));
    }
}
