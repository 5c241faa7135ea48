namespace Flint.Tests.Parity;

/// <summary>+ - * / neg sum mean against tests/parity/arithmetic.py.</summary>
public class ArithmeticParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("arithmetic");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("arithmetic", id, Op);

    private static ParityRunner.OpFn Op(string name) => name switch
    {
        "add" => (x, k) => [k.Has("alpha") ? x[0].Add(x[1], k.Double("alpha")) : x[0] + x[1]],
        "add_scalar" => (x, k) => [x[0] + k.Scalar(0)],
        "sub" => (x, k) => [k.Has("alpha") ? x[0].Sub(x[1], k.Double("alpha")) : x[0] - x[1]],
        "rsub_scalar" => (x, k) => [k.Scalar(0) - x[0]],
        "add_" => (x, k) => [(x[0] * 1).Add_(x[1], k.Double("alpha")).Mul(x[0])],
        "sub_" => (x, k) => [(x[0] * 1).Sub_(x[1], k.Double("alpha")).Exp()],
        "mul" => (x, k) => [x[0] * x[1]],
        "mul_scalar" => (x, k) => [x[0] * k.Scalar(0)],
        "div" => (x, k) => [x[0] / x[1]],
        "div_scalar" => (x, k) => [x[0] / k.Scalar(0)],
        "neg" => (x, k) => [-x[0]],
        "sum" => (x, k) => [x[0].Sum(k.Longs("dim"), k.Bool("keepdim"))],
        "mean" => (x, k) => [x[0].Mean(k.Longs("dim"), k.Bool("keepdim"))],
        _ => throw new NotSupportedException(name),
    };
}
