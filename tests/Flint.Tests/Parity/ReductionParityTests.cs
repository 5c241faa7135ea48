namespace Flint.Tests.Parity;

/// <summary>Reductions and scans against tests/parity/reductions.py.</summary>
public class ReductionParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("reductions");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("reductions", id, Op);

    private static DType? Dtype(Kwargs k) => k.String("dtype") is { } s ? DTypes.Parse(s) : null;

    private static long? OptLong(Kwargs k, string name) => k.Has(name) ? k.Long(name) : null;

    private static bool? OptBool(Kwargs k, string name) => k.Has(name) ? k.Bool(name) : null;

    // p arrives as Python's str(p) ("2", "0.5", "inf", "-inf"): JSON has no infinities.
    private static double P(Kwargs k) => k.String("p") switch
    {
        null => 2,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        var s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static ParityRunner.OpFn Op(string name) => name switch
    {
        "sum" => (x, k) => [x[0].Sum(k.Longs("dim"), k.Bool("keepdim"), Dtype(k))],
        "mean" => (x, k) => [x[0].Mean(k.Longs("dim"), k.Bool("keepdim"), Dtype(k))],
        "prod" => (x, k) => [x[0].Prod(OptLong(k, "dim"), k.Bool("keepdim"), Dtype(k))],
        "max" => (x, k) => [x[0].Max()],
        "min" => (x, k) => [Torch.Min(x[0])],
        "max_dim" => (x, k) => { var (v, i) = x[0].Max(k.Long("dim"), k.Bool("keepdim")); return [v, i]; },
        "min_dim" => (x, k) => { var (v, i) = Torch.Min(x[0], k.Long("dim"), k.Bool("keepdim")); return [v, i]; },
        "amax" => (x, k) => [x[0].Amax(k.Longs("dim"), k.Bool("keepdim"))],
        "amin" => (x, k) => [Torch.Amin(x[0], k.Longs("dim"), k.Bool("keepdim"))],
        "aminmax" => (x, k) => { var (lo, hi) = Torch.Aminmax(x[0], OptLong(k, "dim"), k.Bool("keepdim")); return [lo, hi]; },
        "argmax" => (x, k) => [x[0].Argmax(OptLong(k, "dim"), k.Bool("keepdim"))],
        "argmin" => (x, k) => [Torch.Argmin(x[0], OptLong(k, "dim"), k.Bool("keepdim"))],
        "var" => (x, k) => [x[0].Var(k.Longs("dim"), OptBool(k, "unbiased"), k.Bool("keepdim"), k.Has("correction") ? k.Double("correction") : null)],
        "std" => (x, k) => [Torch.Std(x[0], k.Longs("dim"), OptBool(k, "unbiased"), k.Bool("keepdim"), k.Has("correction") ? k.Double("correction") : null)],
        "var_mean" => (x, k) => { var (v, m) = Torch.VarMean(x[0], k.Longs("dim"), OptBool(k, "unbiased"), k.Bool("keepdim")); return [v, m]; },
        "std_mean" => (x, k) => { var (s, m) = Torch.StdMean(x[0], k.Longs("dim"), OptBool(k, "unbiased"), k.Bool("keepdim")); return [s, m]; },
        "norm" => (x, k) => [x[0].Norm(P(k), k.Longs("dim"), k.Bool("keepdim"))],
        "norm_fro" => (x, k) => [Torch.Norm(x[0], "fro", k.Longs("dim"), k.Bool("keepdim"))],
        "logsumexp" => (x, k) => [x[0].Logsumexp(k.Longs("dim")!, k.Bool("keepdim"))],
        "all" => (x, k) => [k.Longs("dim") is { } d ? x[0].All(d, k.Bool("keepdim")) : x[0].All()],
        "any" => (x, k) => [k.Longs("dim") is { } d ? Torch.Any(x[0], d, k.Bool("keepdim")) : Torch.Any(x[0])],
        "count_nonzero" => (x, k) => [x[0].CountNonzero(k.Longs("dim"))],
        "nansum" => (x, k) => [x[0].Nansum(k.Longs("dim"), k.Bool("keepdim"))],
        "nanmean" => (x, k) => [Torch.Nanmean(x[0], k.Longs("dim"), k.Bool("keepdim"))],
        "cumsum" => (x, k) => [x[0].Cumsum(k.Long("dim"), Dtype(k))],
        "cumprod" => (x, k) => [Torch.Cumprod(x[0], k.Long("dim"))],
        "cummax" => (x, k) => { var (v, i) = x[0].Cummax(k.Long("dim")); return [v, i]; },
        "cummin" => (x, k) => { var (v, i) = Torch.Cummin(x[0], k.Long("dim")); return [v, i]; },
        "logcumsumexp" => (x, k) => [x[0].Logcumsumexp(k.Long("dim"))],
        _ => throw new NotSupportedException(name),
    };
}
