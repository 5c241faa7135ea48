namespace Flint.Tests.Parity;

/// <summary>
/// Matrix products, fused adds, tensordot, kron and einsum against tests/parity/linalg.py; their error messages and
/// grad_fn names as PyTorch 1.13 gives them (strings copied from running it).
/// </summary>
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
        "double_mm" => (x, k) => [SquaredGrad(x, (a, b) => a.Mm(b))],
        "double_bmm" => (x, k) => [SquaredGrad(x, (a, b) => a.Bmm(b))],
        "double_mv" => (x, k) => [SquaredGrad(x, (a, b) => a.Mv(b))],
        "double_dot" => (x, k) => [SquaredGrad(x, (a, b) => a.Dot(b))],
        "double_matmul" => (x, k) => [SquaredGrad(x, (a, b) => a.MatMul(b))],
        "double_addmm" => (x, k) => [SquaredGrad(x, (a, b) => Torch.Addmm(b.Select(0, 0), a, b, 0.5, 2.0))],
        "double_einsum" => (x, k) => [SquaredGrad(x, (a, b) => Torch.Einsum("iij,jk->ik", a, b))],
        _ => throw new NotSupportedException(name),
    };

    // alpha/beta as given; an integer product truncates them, as PyTorch converts scalars to the dtype.
    private static Scalar? Number(Kwargs k, string name) => k.Has(name) ? k.Double(name) : null;

    // d/da sum(product(a, b)^2), kept differentiable (create_graph) so the runner's backward is a second derivative.
    // Grad mode is forced on, as torch.enable_grad() would, since gradcheck evaluates the function without it.
    private static Tensor SquaredGrad(Tensor[] x, Func<Tensor, Tensor, Tensor> product)
    {
        using var mode = Torch.EnableGrad();
        var o = product(x[0], x[1]);
        return Torch.Autograd.Grad([o.Mul(o).Sum()], [x[0]], createGraph: true)[0]!;
    }

    private static Tensor R(params long[] shape) => Torch.Ones(new Size(shape), requiresGrad: true);

    private static Tensor D(params long[] shape) => Torch.Ones(new Size(shape), DType.Float64);

    private static Tensor L(params long[] shape) => Torch.Ones(new Size(shape), DType.Int64);

    private static Tensor B(params long[] shape) => Torch.Ones(new Size(shape), DType.Bool);

    public static IEnumerable<object[]> Errors() => ErrorCases.Select((c, i) => new object[] { i, c.Message });

    private static readonly (Func<Tensor> Call, string Message)[] ErrorCases =
    [
        (() => R(64, 400).Mm(R(256, 120)), "mat1 and mat2 shapes cannot be multiplied (64x400 and 256x120)"),
        (() => R(64, 400).MatMul(R(256, 120)), "mat1 and mat2 shapes cannot be multiplied (64x400 and 256x120)"),
        (() => R(2, 64, 400).MatMul(R(256, 120)), "mat1 and mat2 shapes cannot be multiplied (128x400 and 256x120)"),
        (() => R(2, 64, 400).MatMul(R(2, 256, 120)),
            "Expected size for first two dimensions of batch2 tensor to be: [2, 400] but got: [2, 256]."),
        (() => R(2, 64, 400).MatMul(R(3, 400, 120)),
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
        (() => R(3).MatMul(R(4)),
            "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively"),
        (() => R(2, 3).MatMul(R(4)), "size mismatch, got 2, 2x3,4"),
        (() => R(3).MatMul(R(4, 5)), "mat1 and mat2 shapes cannot be multiplied (1x3 and 4x5)"),
        (() => R().MatMul(R(3)), "both arguments to matmul need to be at least 1D, but they are 0D and 1D"),
        (() => L(2, 3).MatMul(R(3)), "expected scalar type Long but found Float"),
        (() => R(3).Mm(R(3, 4)), "self must be a matrix"),
        (() => R(2, 3).Mm(R(2, 3, 4)), "mat2 must be a matrix"),
        (() => R(2, 3).Mm(D(3, 4)), "expected scalar type Float but found Double"),
        (() => D(2, 3).Mm(R(3, 4)), "expected scalar type Double but found Float"),
        (() => R(2, 3).Bmm(R(2, 3, 4)), "batch1 must be a 3D tensor"),
        (() => R(2, 2, 3).Bmm(R(2, 3)), "batch2 must be a 3D tensor"),
        (() => R(2, 2, 3).Bmm(R(2, 4, 4)), "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4]."),
        (() => R(2, 2, 3).Bmm(R(3, 3, 4)), "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [3, 3]."),
        (() => R(3).Mv(R(3)), "vector + matrix @ vector expected, got 1, 1, 1"),
        (() => R(2, 3).Mv(R(3, 1)), "vector + matrix @ vector expected, got 1, 2, 2"),
        (() => R(2, 3).Mv(R(4)), "size mismatch, got 2, 2x3,4"),
        (() => D(2, 3).Mv(R(3)), "expected scalar type Double but found Float"),
        (() => R(3, 1).Dot(R(3)), "1D tensors expected, but got 2D and 1D tensors"),
        (() => R(3).Dot(D(3)), "dot : expected both vectors to have same dtype, but found Float and Double"),
        (() => R(3).Vdot(R(4)),
            "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively"),
        (() => R(2, 3).Inner(R(4, 2)), "inner() the last dimension must match on both input tensors but got shapes [2, 3] and [4, 2]"),
        (() => R(3, 1).Outer(R(4)), "outer: Expected 1-D argument self, but got 2-D"),
        (() => R(3).Outer(R()), "outer: Expected 1-D argument vec2, but got 0-D"),
        (() => R(3).Addmm(R(2, 3), R(3, 4)),
            "The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]"),
        (() => D(2, 4).Addmm(R(2, 3), R(3, 4)), "self and mat2 must have the same dtype"),
        (() => R(2, 4).Addmm(D(2, 3), R(3, 4)), "mat1 and mat2 must have the same dtype"),
        (() => R(2, 4).Addmm(R(3), R(3, 4)), "mat1 must be a matrix, got 1-D tensor"),
        (() => R(2, 4).Addmm(R(2, 3), R(3)), "mat2 must be a matrix, got 1-D tensor"),
        (() => R(3).Addmv(R(2, 3), R(3)), "size mismatch, got 3, 2x3,3"),
        (() => R(2, 1).Addmv(R(2, 3), R(3)), "vector + matrix @ vector expected, got 2, 2, 1"),
        (() => R(2).Addmv(R(2, 3, 1), R(3)), "vector + matrix @ vector expected, got 1, 3, 1"),
        (() => R(2, 4).Addbmm(R(2, 2, 3), R(3, 3, 4)), "batch1 and batch2 must have same number of batches, got 2 and 3"),
        (() => R(2, 4).Addbmm(R(2, 2, 3), R(2, 4, 4)), "Incompatible matrix sizes for bmm (2x3 and 4x4)"),
        (() => R(2, 4).Addbmm(R(2, 3), R(2, 3, 4)),
            "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0.  Target sizes: [3, 4].  Tensor sizes: [2, 4]"),
        (() => R(2, 4).Addbmm(R(2, 2, 3), D(2, 3, 4)), "self and mat2 must have the same dtype"),
        (() => R(5, 3, 4).Baddbmm(R(5, 2, 3), R(5, 3, 4)),
            "The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [5, 2, 4].  Tensor sizes: [5, 3, 4]"),
        (() => R(2, 2, 4).Baddbmm(R(2, 2, 3), R(2, 4, 4)),
            "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4]."),
        (() => R(2, 4).Addr(R(2, 1), R(4)), "addr: Expected 1-D argument vec1, but got 2-D"),
        (() => R(3, 4).Addr(R(2), R(4)),
            "The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 0.  Target sizes: [2, 4].  Tensor sizes: [3, 4]"),
        (() => L(2, 2).Addr(L(2), L(2), beta: 0.5), "For integral input tensors, argument beta must not be a floating point number."),
        (() => R(2, 2).Addr(R(2), R(2), alpha: true), "Boolean alpha only supported for Boolean results."),
        (() => Torch.Tensordot(R(2, 3), R(4, 5), 1),
            "contracted dimensions need to match, but first has size 3 in dim -1 and second has size 4 in dim 0"),
        (() => Torch.Tensordot(R(2, 3), R(3, 5), [0], [1, 0]), "both dimension lists should have same length"),
        (() => Torch.Tensordot(R(2, 3), R(3, 5), -1), "tensordot expects dims >= 0, but got dims=-1"),
        (() => Torch.Tensordot(R(2, 3), R(3, 5), 3), "Dimension out of range (expected to be in range of [-2, 1], but got -3)"),
        (() => B(2, 3).Mm(B(3, 4)), "\"addmm_impl_cpu_\" not implemented for 'Bool'"),
        (() => B(2, 2, 3).Bmm(B(2, 3, 4)), "\"bmm\" not implemented for 'Bool'"),
        (() => B(2, 3).Mv(B(3)), "\"addmv_impl_cpu\" not implemented for 'Bool'"),
        (() => B(3).Dot(B(3)), "\"dot\" not implemented for 'Bool'"),
        (() => B(2, 2, 4).Baddbmm(B(2, 2, 3), B(2, 3, 4)), "\"baddbmm\" not implemented for 'Bool'"),
        (() => Torch.Einsum("ij,jk", R(2, 3), R(4, 4)),
            "einsum(): subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3"),
        (() => Torch.Einsum("ij->", R(2, 3, 4)),
            "einsum(): the number of subscripts in the equation (2) does not match the number of dimensions (3) for operand 0 and no ellipsis was given"),
        (() => Torch.Einsum("...ijk", R(2, 3)),
            "einsum(): the number of subscripts in the equation (3) is more than the number of dimensions (2) for operand 0"),
        (() => Torch.Einsum("i->j", R(2)), "einsum(): output subscript j does not appear in the equation for any input operand"),
        (() => Torch.Einsum("ij->ii", R(2, 2)), "einsum(): output subscript i appears more than once in the output"),
        (() => Torch.Einsum("i,j", R(2)), "einsum(): fewer operands were provided than specified in the equation"),
        (() => Torch.Einsum("ij,jk->ik", R(2, 3), R(3, 4), R(4)), "einsum(): more operands were provided than specified in the equation"),
        (() => Torch.Einsum("a..b", R(2, 3)), "einsum(): found '.' for operand 0 that is not part of any ellipsis"),
        (() => Torch.Einsum("...a...", R(2, 3)), "einsum(): found '.' for operand 0 for which an ellipsis was already found"),
        (() => Torch.Einsum("i->i->", R(2)), "einsum(): invalid subscript given at index 4 in the equation string, subscripts must be in [a-zA-Z]"),
        (() => Torch.Einsum("a-b", R(2, 2)), "einsum(): invalid subscript given at index 1 in the equation string, subscripts must be in [a-zA-Z]"),
        (() => Torch.Einsum("ij->i.j", R(2, 3)), "einsum(): found '.' for output that is not part of any ellipsis (...)"),
        (() => Torch.Einsum("...ij,...jk", R(2, 3, 3), R(4, 3, 3)),
            "einsum(): dimension 0 covered by ellipsis in operand 1has size 4 which does not broadcast with previously seen ellipsis with size 2 for the respective dimension"),
        (() => Torch.Einsum("ii", R(2, 3)), "einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2"),
        (() => Torch.Einsum("i"), "einsum(): must provide at least one operand"),
    ];

    [Theory]
    [MemberData(nameof(Errors))]
    public void ErrorsMatchPyTorch(int index, string message)
    {
        var e = Assert.ThrowsAny<Exception>(ErrorCases[index].Call);
        Assert.Equal(message, e.Message);
    }

    public static IEnumerable<object[]> GradFns() => GradFnCases.Select((c, i) => new object[] { i, c.Name });

    private static readonly (Func<Tensor> Call, string Name)[] GradFnCases =
    [
        (() => R(3).MatMul(R(3)), "DotBackward0"),
        (() => R(2, 3).MatMul(R(3)), "MvBackward0"),
        (() => R(3).MatMul(R(3, 4)), "SqueezeBackward3"),
        (() => R(2, 3).MatMul(R(3, 4)), "MmBackward0"),
        (() => R(5, 2, 3).MatMul(R(3)), "UnsafeViewBackward0"),
        (() => R(5, 2, 3).MatMul(R(3, 4)), "UnsafeViewBackward0"),
        (() => R(5, 3, 2).Transpose(1, 2).MatMul(R(3, 4)), "UnsafeViewBackward0"),
        (() => R(3).MatMul(R(5, 3, 4)), "UnsafeViewBackward0"),
        (() => R(2, 3).MatMul(R(5, 3, 4)), "CloneBackward0"),
        (() => R(5, 2, 3).MatMul(R(5, 3, 4)), "UnsafeViewBackward0"),
        (() => R(2, 1, 2, 3).MatMul(R(5, 3, 4)), "UnsafeViewBackward0"),
        (() => R(2, 2, 3).Bmm(R(2, 3, 4)), "BmmBackward0"),
        (() => R(3).Vdot(R(3)), "VdotBackward0"),
        (() => R(3).Outer(R(4)), "MulBackward0"),
        (() => R().Inner(R(4, 3)), "MulBackward0"),
        (() => R(2, 4).Addmm(R(2, 3), R(3, 4)), "AddmmBackward0"),
        (() => R(2).Addmv(R(2, 3), R(3)), "AddmvBackward0"),
        (() => R(2, 3).Addr(R(2), R(3)), "AddrBackward0"),
        (() => R(2, 4).Addbmm(R(5, 2, 3), R(5, 3, 4)), "AddbmmBackward0"),
        (() => R(5, 2, 4).Baddbmm(R(5, 2, 3), R(5, 3, 4)), "BaddbmmBackward0"),
        (() => R(2, 3).Kron(R(4, 5)), "UnsafeViewBackward0"),
        (() => Torch.Einsum("ij,jk->ik", R(2, 3), R(3, 4)), "ViewBackward0"),
        (() => Torch.Einsum("ii", R(3, 3)), "SumBackward1"),
        (() => Torch.Einsum("ii->i", R(3, 3)), "PermuteBackward0"),
        (() => Torch.Einsum("iij->j", R(2, 2, 3)), "SumBackward1"),
        (() => Torch.Einsum("i,j->ij", R(2), R(3)), "MulBackward0"),
        (() => Torch.Einsum("ij->ji", R(2, 3)), "PermuteBackward0"),
        (() => Torch.Einsum("i,i->", R(3), R(3)), "ViewBackward0"),
    ];

    [Theory]
    [MemberData(nameof(GradFns))]
    public void GradFnNamesMatchPyTorch(int index, string name) => Assert.Equal(name, GradFnCases[index].Call().GradFn!.Name);

    [Fact]
    public void ResultTypes()
    {
        // PyTorch: addmv and baddbmm convert the input to the product's dtype; outer and addr promote; einsum's
        // elementwise products promote too; integer products stay integral.
        Assert.Equal(DType.Float32, D(2).Addmv(R(2, 3), R(3)).DType);
        Assert.Equal(DType.Float32, D(2, 2, 4).Baddbmm(R(2, 2, 3), R(2, 3, 4)).DType);
        Assert.Equal(DType.Float32, L(3).Outer(R(3)).DType);
        Assert.Equal(DType.Float64, R(3, 3).Addr(R(3), D(3)).DType);
        Assert.Equal(DType.Float32, Torch.Einsum("i,j->ij", L(3), R(3)).DType);
        Assert.Equal(DType.Int64, L(2, 3).MatMul(L(3, 4)).DType);
        Assert.Equal(DType.Float32, R().Inner(L(3)).DType);
        Assert.Equal(DType.Bool, B(2, 2).Addr(B(2), B(2), beta: 2).DType);
    }

    [Fact]
    public void BetaZeroIgnoresNaNInTheInput()
    {
        var nan = Torch.Full([2, 2], double.NaN);
        Assert.Equal([3f, 3f, 3f, 3f], nan.Addmm(Torch.Ones(2, 3), Torch.Ones(3, 2), beta: 0).ToArray<float>());
        Assert.Equal([3f, 3f], Torch.Full([2], double.NaN).Addmv(Torch.Ones(2, 3), Torch.Ones(3), beta: 0).ToArray<float>());
        Assert.Equal([3f, 3f, 3f, 3f],
            Torch.Full([1, 2, 2], double.NaN).Baddbmm(Torch.Ones(1, 2, 3), Torch.Ones(1, 3, 2), beta: 0).ToArray<float>());
        // An empty batch sum leaves beta * input.
        Assert.Equal([6f, 6f], Torch.Full([1, 2], 3.0).Addbmm(Torch.Zeros([0, 1, 3]), Torch.Zeros([0, 3, 2]), beta: 2).ToArray<float>());
    }

    [Fact]
    public void InPlaceFusedProducts()
    {
        var x = Torch.Ones(2, 2);
        var a = Torch.Tensor(new float[,] { { 1, 2 }, { 3, 4 } });
        Assert.Same(x, x.Addmm_(a, a, beta: 2, alpha: 0.5));
        Assert.Equal([5.5f, 7f, 9.5f, 13f], x.ToArray<float>());
        Assert.Equal(1, x.Version);
        // The input may alias an operand: the product is taken before the write.
        var y = a.Clone();
        y.Addmm_(y, y);
        Assert.Equal([8f, 12f, 18f, 26f], y.ToArray<float>());
        // With autograd the history goes through the fused node.
        var w = Torch.Ones(new Size(2, 2), requiresGrad: true);
        var h = w.Mul(1);
        h.Addmm_(a, w);
        Assert.Equal("AddmmBackward0", h.GradFn!.Name);
        h.Sum().Backward();
        Assert.Equal([5f, 5f, 7f, 7f], w.Grad!.ToArray<float>());
    }
}
