namespace Flint.Tests.Parity;

/// <summary>
/// Comparisons, logical and bitwise ops (with the C# operators), float predicates, isclose/allclose/equal and the
/// in-place comparison forms against tests/parity/comparison.py.
/// </summary>
public class ComparisonParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("comparison");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("comparison", id, name => MathParityTests.WithGradFn(Op(name)));

    private static ParityRunner.OpFn Op(string name) => name switch
    {
        "eq" => (x, k) => [x[0].Eq(x[1])],
        "ne" => (x, k) => [Torch.Ne(x[0], x[1])],
        "lt" => (x, k) => [x[0] < x[1]],
        "le" => (x, k) => [x[0] <= x[1]],
        "gt" => (x, k) => [x[0] > x[1]],
        "ge" => (x, k) => [x[0] >= x[1]],
        "eq_scalar" => (x, k) => [x[0].Eq(k.Scalar(0))],
        "ne_scalar" => (x, k) => [Torch.Ne(x[0], k.Scalar(0))],
        "lt_scalar" => (x, k) => [x[0] < k.Scalar(0)],
        "le_scalar" => (x, k) => [x[0] <= k.Scalar(0)],
        "gt_scalar" => (x, k) => [x[0] > k.Scalar(0)],
        "ge_scalar" => (x, k) => [x[0] >= k.Scalar(0)],
        "rlt" => (x, k) => [k.Scalar(0) < x[0]],
        "rge" => (x, k) => [k.Scalar(0) >= x[0]],
        "eq_" => (x, k) => [InPlaceBase(x[0]).Eq_(x[1])],
        "ne_" => (x, k) => [InPlaceBase(x[0]).Ne_(x[1])],
        "lt_" => (x, k) => [InPlaceBase(x[0]).Lt_(x[1])],
        "le_" => (x, k) => [InPlaceBase(x[0]).Le_(x[1])],
        "gt_" => (x, k) => [InPlaceBase(x[0]).Gt_(x[1])],
        "ge_" => (x, k) => [InPlaceBase(x[0]).Ge_(x[1])],
        "eq_scalar_" => (x, k) => [InPlaceBase(x[0]).Eq_(k.Scalar(0))],
        "ne_scalar_" => (x, k) => [InPlaceBase(x[0]).Ne_(k.Scalar(0))],
        "lt_scalar_" => (x, k) => [InPlaceBase(x[0]).Lt_(k.Scalar(0))],
        "le_scalar_" => (x, k) => [InPlaceBase(x[0]).Le_(k.Scalar(0))],
        "gt_scalar_" => (x, k) => [InPlaceBase(x[0]).Gt_(k.Scalar(0))],
        "ge_scalar_" => (x, k) => [InPlaceBase(x[0]).Ge_(k.Scalar(0))],
        "logical_and" => (x, k) => [x[0].LogicalAnd(x[1])],
        "logical_or" => (x, k) => [Torch.LogicalOr(x[0], x[1])],
        "logical_xor" => (x, k) => [x[0].LogicalXor(x[1])],
        "logical_not" => (x, k) => [Torch.LogicalNot(x[0])],
        "logical_and_" => (x, k) => [x[0].Clone().LogicalAnd_(x[1])],
        "logical_or_" => (x, k) => [x[0].Clone().LogicalOr_(x[1])],
        "logical_xor_" => (x, k) => [x[0].Clone().LogicalXor_(x[1])],
        "logical_not_" => (x, k) => [x[0].Clone().LogicalNot_()],
        "bitwise_and" => (x, k) => [x[0] & x[1]],
        "bitwise_or" => (x, k) => [x[0] | x[1]],
        "bitwise_xor" => (x, k) => [x[0] ^ x[1]],
        "bitwise_and_scalar" => (x, k) => [x[0] & k.Scalar(0)],
        "bitwise_or_scalar" => (x, k) => [x[0].BitwiseOr(k.Scalar(0))],
        "bitwise_xor_scalar" => (x, k) => [x[0] ^ k.Scalar(0)],
        "rbitwise_and" => (x, k) => [k.Scalar(0) & x[0]],
        "rbitwise_or" => (x, k) => [k.Scalar(0) | x[0]],
        "rbitwise_xor" => (x, k) => [k.Scalar(0) ^ x[0]],
        "bitwise_and_" => (x, k) => [x[0].Clone().BitwiseAnd_(x[1])],
        "bitwise_or_" => (x, k) => [x[0].Clone().BitwiseOr_(x[1])],
        "bitwise_xor_" => (x, k) => [x[0].Clone().BitwiseXor_(x[1])],
        "bitwise_not" => (x, k) => [~x[0]],
        "bitwise_not_" => (x, k) => [x[0].Clone().BitwiseNot_()],
        "isnan" => (x, k) => [x[0].IsNan()],
        "isinf" => (x, k) => [Torch.IsInf(x[0])],
        "isposinf" => (x, k) => [x[0].IsPosInf()],
        "isneginf" => (x, k) => [x[0].IsNegInf()],
        "isfinite" => (x, k) => [Torch.IsFinite(x[0])],
        "signbit" => (x, k) => [x[0].Signbit()],
        "isclose" => (x, k) => [x[0].IsClose(x[1], k.Double("rtol", 1e-05), k.Double("atol", 1e-08), k.Bool("equal_nan"))],
        "allclose" => (x, k) =>
            [Torch.Tensor(Torch.AllClose(x[0], x[1], k.Double("rtol", 1e-05), k.Double("atol", 1e-08), k.Bool("equal_nan")))],
        "equal" => (x, k) => [Torch.Tensor(x[0].Equal(x[1]))],
        _ => throw new NotSupportedException(name),
    };

    // PyTorch's cases run the in-place form on x * 1 (float, with history) or x.clone() (integers and bool).
    private static Tensor InPlaceBase(Tensor x) => x.IsFloatingPoint() ? x.Mul(1) : x.Clone();
}
