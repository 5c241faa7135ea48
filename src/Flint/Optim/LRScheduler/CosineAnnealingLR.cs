using System.Collections;

namespace Flint.Optim.LrScheduler;

/// <summary>
/// Anneals each group's rate along a cosine from its initial rate to <c>eta_min</c> over <c>T_max</c> epochs, and back,
/// in PyTorch's recursive form (<c>lr_scheduler.CosineAnnealingLR</c>).
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    private long tMax;
    private double etaMin;

    /// <summary><c>CosineAnnealingLR(optimizer, T_max, eta_min=0, last_epoch=-1, verbose=False)</c>.</summary>
    public CosineAnnealingLR(Optimizer optimizer, long tMax, double etaMin = 0, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose)
    {
        this.tMax = tMax;
        this.etaMin = etaMin;
        InitialStep();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<double> GetLr()
    {
        var groups = Optimizer.ParamGroups;
        if (LastEpoch == 0) return GroupLrs();
        if (StepCount == 1 && LastEpoch > 0)
            return BaseLrs.Select(b => etaMin + (b - etaMin) * (1 + Math.Cos(LastEpoch * Math.PI / tMax)) / 2).ToList();
        if ((LastEpoch - 1 - tMax) % (2 * tMax) == 0)
            return groups.Select((g, i) => g.Lr + (BaseLrs[i] - etaMin) * (1 - Math.Cos(Math.PI / tMax)) / 2).ToList();
        return groups.Select(g => (1 + Math.Cos(Math.PI * LastEpoch / tMax)) / (1 + Math.Cos(Math.PI * (LastEpoch - 1) / tMax))
                                  * (g.Lr - etaMin) + etaMin).ToList();
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<double>? ClosedFormLr() =>
        BaseLrs.Select(b => etaMin + (b - etaMin) * (1 + Math.Cos(Math.PI * LastEpoch / tMax)) / 2).ToList();

    /// <inheritdoc/>
    protected override void SaveOwnState(Dictionary<string, object?> d)
    {
        d["T_max"] = tMax;
        d["eta_min"] = OptionBuilder.IntLike(etaMin);
    }

    /// <inheritdoc/>
    protected override void LoadOwnState(IDictionary d)
    {
        Read(d, "T_max", v => tMax = PyValues.ToLong(v, "T_max"));
        Read(d, "eta_min", v => etaMin = PyValues.ToDouble(v, "eta_min"));
    }
}

/// <summary>
/// Cosine annealing with warm restarts (SGDR): the rate falls along a cosine over <c>T_i</c> epochs, then restarts,
/// each period <c>T_mult</c> times the last (<c>lr_scheduler.CosineAnnealingWarmRestarts</c>). Accepts fractional
/// epochs through <see cref="Step(double)"/>.
/// </summary>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    private long t0, tI, tMult;
    private double etaMin;
    // T_cur: an int until a fractional epoch is given, as in Python.
    private double tCur;
    private bool tCurIsFloat;

    /// <summary><c>CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0, last_epoch=-1, verbose=False)</c>.</summary>
    public CosineAnnealingWarmRestarts(Optimizer optimizer, long t0, long tMult = 1, double etaMin = 0, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose)
    {
        if (t0 <= 0) throw new ArgumentException($"Expected positive integer T_0, but got {t0}");
        if (tMult < 1) throw new ArgumentException($"Expected integer T_mult >= 1, but got {tMult}");
        this.t0 = t0;
        tI = t0;
        this.tMult = tMult;
        this.etaMin = etaMin;
        tCur = lastEpoch;
        InitialStep();
    }

    /// <summary>The epochs since the last restart (<c>scheduler.T_cur</c>).</summary>
    public double TCur => tCur;

    /// <summary>The length of the current period (<c>scheduler.T_i</c>).</summary>
    public long TI => tI;

    /// <inheritdoc/>
    public override IReadOnlyList<double> GetLr() =>
        BaseLrs.Select(b => etaMin + (b - etaMin) * (1 + Math.Cos(Math.PI * tCur / tI)) / 2).ToList();

    /// <summary>Advances one epoch (<c>scheduler.step()</c>); this scheduler does not count its steps, as in PyTorch.</summary>
    public override void Step()
    {
        if (LastEpoch < 0)
        {
            StepTo(0L);
            return;
        }
        tCur += 1;
        if (tCur >= tI)
        {
            tCur -= tI;
            tI *= tMult;
        }
        LastEpoch += 1;
        SetRates(null);
    }

    /// <summary>Jumps to integer epoch <paramref name="epoch"/> (<c>scheduler.step(epoch)</c>).</summary>
    public override void Step(long epoch) => StepTo(epoch);

    /// <summary>Jumps to a possibly fractional epoch, e.g. <c>epoch + i / iters</c> within an epoch (<c>scheduler.step(epoch)</c>).</summary>
    public void Step(double epoch) => StepTo(epoch);

    private void StepTo(object epochValue)
    {
        double epoch = PyValues.ToDouble(epochValue, "epoch");
        bool isFloat = epochValue is double;
        if (epoch < 0) throw new ArgumentException($"Expected non-negative epoch, but got {FormatNumber(epochValue)}");
        if (epoch >= t0)
        {
            if (tMult == 1)
            {
                tCur = isFloat ? PyMod(epoch, t0) : (long)epoch % t0;
                tCurIsFloat = isFloat;
            }
            else
            {
                long n = (long)(Math.Log(epoch / t0 * (tMult - 1) + 1) / Math.Log(tMult));
                tCur = epoch - t0 * (Math.Pow(tMult, n) - 1) / (tMult - 1);
                tCurIsFloat = true;
                tI = t0 * (long)Math.Pow(tMult, n);
            }
        }
        else
        {
            tI = t0;
            tCur = epoch;
            tCurIsFloat = isFloat;
        }
        LastEpoch = (long)Math.Floor(epoch);
        SetRates(epochValue);
    }

    private static double PyMod(double a, double b)
    {
        var r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }

    private static string FormatNumber(object v) => v is double d ? PyValues.FloatRepr(d) : v.ToString()!;

    private void SetRates(object? epoch)
    {
        IReadOnlyList<double> values;
        values = GetLr();
        Apply(values, epoch);
    }

    /// <inheritdoc/>
    protected override void SaveOwnState(Dictionary<string, object?> d)
    {
        d["T_0"] = t0;
        d["T_i"] = tI;
        d["T_mult"] = tMult;
        d["eta_min"] = OptionBuilder.IntLike(etaMin);
        d["T_cur"] = tCurIsFloat ? tCur : (object)(long)tCur;
    }

    /// <inheritdoc/>
    protected override void LoadOwnState(IDictionary d)
    {
        Read(d, "T_0", v => t0 = PyValues.ToLong(v, "T_0"));
        Read(d, "T_i", v => tI = PyValues.ToLong(v, "T_i"));
        Read(d, "T_mult", v => tMult = PyValues.ToLong(v, "T_mult"));
        Read(d, "eta_min", v => etaMin = PyValues.ToDouble(v, "eta_min"));
        Read(d, "T_cur", v =>
        {
            tCur = PyValues.ToDouble(v, "T_cur");
            tCurIsFloat = v is double or float;
        });
    }
}
