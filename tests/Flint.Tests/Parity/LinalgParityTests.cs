namespace Flint.Tests.Parity;

/// <summary>Matrix products, fused adds, tensordot, kron and einsum against tests/parity/linalg.py.</summary>
public class LinalgParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("linalg");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("linalg", id, Op);

    private static ParityRunner.OpFn Op(string name) => name switch
    {
        "mm" => (x, k) => [x[0].Mm(x[1])],
        "bmm" => (x, k) => [Torch.Bmm(x[0], x[1])],
        "mv" => (x, k) => [x[0].Mv(x[1])],
        "dot" => (x, k) => [Torch.Dot(x[0], x[1])],
        "vdot" => (x, k) => [x[0].Vdot(x[1])],
        "outer" => (x, k) => [Torch.Outer(x[0], x[1])],
        "ger" => (x, k) => [x[0].Ger(x[1])],
        "inner" => (x, k) => [Torch.Inner(x[0], x[1])],
        "matmul" => (x, k) => [x[0].MatMul(x[1])],
        "addmm" => (x, k) => [Torch.Addmm(x[0], x[1], x[2], Number(k, "beta"), Number(k, "alpha"))],
        "addmv" => (x, k) => [x[0].Addmv(x[1], x[2], Number(k, "beta"), Number(k, "alpha"))],
        "addr" => (x, k) => [Torch.Addr(x[0], x[1], x[2], Number(k, "beta"), Number(k, "alpha"))],
        "addbmm" => (x, k) => [x[0].Addbmm(x[1], x[2], Number(k, "beta"), Number(k, "alpha"))],
        "baddbmm" => (x, k) => [Torch.Baddbmm(x[0], x[1], x[2], Number(k, "beta"), Number(k, "alpha"))],
        "tensordot" => (x, k) => [k.Has("dims")
            ? Torch.Tensordot(x[0], x[1], k.Long("dims"))
            : Torch.Tensordot(x[0], x[1], k.Longs("dims_a")!, k.Longs("dims_b")!)],
        "kron" => (x, k) => [x[0].Kron(x[1])],
        "einsum" => (x, k) => [Torch.Einsum(k.String("equation")!, x)],
        _ => throw new NotSupportedException(name),
    };

    // alpha/beta as given; an integer product truncates them, as PyTorch converts scalars to the dtype.
    private static Scalar? Number(Kwargs k, string name) => k.Has(name) ? k.Double(name) : null;
}
