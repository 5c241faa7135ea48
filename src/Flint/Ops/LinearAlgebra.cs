using Flint.Autograd;
using Flint.Ops;

namespace Flint;

/// <summary>
/// Matrix products: mm, bmm, mv, dot, vdot, matmul, the fused addmm/addmv/addr/addbmm/baddbmm (beta * input +
/// alpha * product in one GEMM pass), and the composites outer, inner, tensordot and kron. Every product runs
/// through the backend's GEMM primitive; derivatives are PyTorch's (tools/autograd/derivatives.yaml).
/// </summary>
public partial class Tensor
{
    /// <summary>
    /// The matrix product with broadcasting over batch dims (<c>torch.matmul(x, other)</c>, Python's <c>x @ other</c>):
    /// dot for two vectors, mv for matrix @ vector, mm for matrices, batched otherwise.
    /// </summary>
    public Tensor MatMul(Tensor other) => MatrixProducts.MatMul(this, other);

    /// <summary>The product of two matrices (<c>x.mm(mat2)</c>).</summary>
    public Tensor Mm(Tensor mat2) => MatrixProducts.Mm(this, mat2);

    /// <summary>The batched product of two 3-D tensors (<c>x.bmm(mat2)</c>).</summary>
    public Tensor Bmm(Tensor mat2) => MatrixProducts.Bmm(this, mat2);

    /// <summary>The product of a matrix and a vector (<c>x.mv(vec)</c>).</summary>
    public Tensor Mv(Tensor vec) => MatrixProducts.Mv(this, vec);

    /// <summary>The dot product of two 1-D tensors (<c>x.dot(other)</c>).</summary>
    public Tensor Dot(Tensor other) => MatrixProducts.Dot(this, other, "DotBackward0");

    /// <summary>The dot product, conjugating the first vector (<c>x.vdot(other)</c>; the same as dot for real dtypes).</summary>
    public Tensor Vdot(Tensor other) => MatrixProducts.Dot(this, other, "VdotBackward0");

    /// <summary>The sum-product over the last dims of both tensors (<c>x.inner(other)</c>).</summary>
    public Tensor Inner(Tensor other) => MatrixProducts.Inner(this, other);

    /// <summary>The outer product of two vectors (<c>x.outer(vec2)</c>).</summary>
    public Tensor Outer(Tensor vec2) => MatrixProducts.Outer(this, vec2);

    /// <summary>The outer product of two vectors (<c>x.ger(vec2)</c>, the old name of outer).</summary>
    public Tensor Ger(Tensor vec2) => MatrixProducts.Outer(this, vec2);

    /// <summary>The Kronecker product (<c>x.kron(other)</c>).</summary>
    public Tensor Kron(Tensor other) => MatrixProducts.Kron(this, other);

    /// <summary>beta * x + alpha * (mat1 @ mat2), x broadcast to the product's shape (<c>x.addmm(mat1, mat2, beta=1, alpha=1)</c>).</summary>
    public Tensor Addmm(Tensor mat1, Tensor mat2, Scalar? beta = null, Scalar? alpha = null) =>
        MatrixProducts.Addmm(this, mat1, mat2, beta ?? 1, alpha ?? 1);

    /// <summary>beta * x + alpha * (mat @ vec) (<c>x.addmv(mat, vec, beta=1, alpha=1)</c>).</summary>
    public Tensor Addmv(Tensor mat, Tensor vec, Scalar? beta = null, Scalar? alpha = null) =>
        MatrixProducts.Addmv(this, mat, vec, beta ?? 1, alpha ?? 1);

    /// <summary>beta * x + alpha * outer(vec1, vec2) (<c>x.addr(vec1, vec2, beta=1, alpha=1)</c>).</summary>
    public Tensor Addr(Tensor vec1, Tensor vec2, Scalar? beta = null, Scalar? alpha = null) =>
        MatrixProducts.Addr(this, vec1, vec2, beta ?? 1, alpha ?? 1);

    /// <summary>beta * x + alpha * sum over i of batch1[i] @ batch2[i] (<c>x.addbmm(batch1, batch2, beta=1, alpha=1)</c>).</summary>
    public Tensor Addbmm(Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null) =>
        MatrixProducts.Addbmm(this, batch1, batch2, beta ?? 1, alpha ?? 1);

    /// <summary>beta * x + alpha * (batch1 @ batch2) per batch entry (<c>x.baddbmm(batch1, batch2, beta=1, alpha=1)</c>).</summary>
    public Tensor Baddbmm(Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null) =>
        MatrixProducts.Baddbmm(this, batch1, batch2, beta ?? 1, alpha ?? 1);

    /// <summary>In-place <see cref="Addmm"/> (<c>x.addmm_(mat1, mat2, beta=1, alpha=1)</c>).</summary>
    public Tensor Addmm_(Tensor mat1, Tensor mat2, Scalar? beta = null, Scalar? alpha = null) =>
        MatrixProducts.ApplyInPlace(this, s => s.Addmm(mat1, mat2, beta, alpha), mat1, mat2);

    /// <summary>In-place <see cref="Addmv"/> (<c>x.addmv_(mat, vec, beta=1, alpha=1)</c>).</summary>
    public Tensor Addmv_(Tensor mat, Tensor vec, Scalar? beta = null, Scalar? alpha = null) =>
        MatrixProducts.ApplyInPlace(this, s => s.Addmv(mat, vec, beta, alpha), mat, vec);

    /// <summary>In-place <see cref="Addr"/> (<c>x.addr_(vec1, vec2, beta=1, alpha=1)</c>).</summary>
    public Tensor Addr_(Tensor vec1, Tensor vec2, Scalar? beta = null, Scalar? alpha = null) =>
        MatrixProducts.ApplyInPlace(this, s => s.Addr(vec1, vec2, beta, alpha), vec1, vec2);

    /// <summary>In-place <see cref="Addbmm"/> (<c>x.addbmm_(batch1, batch2, beta=1, alpha=1)</c>).</summary>
    public Tensor Addbmm_(Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null) =>
        MatrixProducts.ApplyInPlace(this, s => s.Addbmm(batch1, batch2, beta, alpha), batch1, batch2);

    /// <summary>In-place <see cref="Baddbmm"/> (<c>x.baddbmm_(batch1, batch2, beta=1, alpha=1)</c>).</summary>
    public Tensor Baddbmm_(Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null) =>
        MatrixProducts.ApplyInPlace(this, s => s.Baddbmm(batch1, batch2, beta, alpha), batch1, batch2);
}

public static partial class Torch
{
    /// <summary><c>torch.matmul(input, other)</c>.</summary>
    public static Tensor MatMul(Tensor input, Tensor other) => input.MatMul(other);

    /// <summary><c>torch.mm(input, mat2)</c>.</summary>
    public static Tensor Mm(Tensor input, Tensor mat2) => input.Mm(mat2);

    /// <summary><c>torch.bmm(input, mat2)</c>.</summary>
    public static Tensor Bmm(Tensor input, Tensor mat2) => input.Bmm(mat2);

    /// <summary><c>torch.mv(input, vec)</c>.</summary>
    public static Tensor Mv(Tensor input, Tensor vec) => input.Mv(vec);

    /// <summary><c>torch.dot(input, other)</c>.</summary>
    public static Tensor Dot(Tensor input, Tensor other) => input.Dot(other);

    /// <summary><c>torch.vdot(input, other)</c>.</summary>
    public static Tensor Vdot(Tensor input, Tensor other) => input.Vdot(other);

    /// <summary><c>torch.inner(input, other)</c>.</summary>
    public static Tensor Inner(Tensor input, Tensor other) => input.Inner(other);

    /// <summary><c>torch.outer(input, vec2)</c>.</summary>
    public static Tensor Outer(Tensor input, Tensor vec2) => input.Outer(vec2);

    /// <summary><c>torch.ger(input, vec2)</c>.</summary>
    public static Tensor Ger(Tensor input, Tensor vec2) => input.Outer(vec2);

    /// <summary><c>torch.kron(input, other)</c>.</summary>
    public static Tensor Kron(Tensor input, Tensor other) => input.Kron(other);

    /// <summary><c>torch.addmm(input, mat1, mat2, beta=1, alpha=1)</c>.</summary>
    public static Tensor Addmm(Tensor input, Tensor mat1, Tensor mat2, Scalar? beta = null, Scalar? alpha = null) =>
        input.Addmm(mat1, mat2, beta, alpha);

    /// <summary><c>torch.addmv(input, mat, vec, beta=1, alpha=1)</c>.</summary>
    public static Tensor Addmv(Tensor input, Tensor mat, Tensor vec, Scalar? beta = null, Scalar? alpha = null) =>
        input.Addmv(mat, vec, beta, alpha);

    /// <summary><c>torch.addr(input, vec1, vec2, beta=1, alpha=1)</c>.</summary>
    public static Tensor Addr(Tensor input, Tensor vec1, Tensor vec2, Scalar? beta = null, Scalar? alpha = null) =>
        input.Addr(vec1, vec2, beta, alpha);

    /// <summary><c>torch.addbmm(input, batch1, batch2, beta=1, alpha=1)</c>.</summary>
    public static Tensor Addbmm(Tensor input, Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null) =>
        input.Addbmm(batch1, batch2, beta, alpha);

    /// <summary><c>torch.baddbmm(input, batch1, batch2, beta=1, alpha=1)</c>.</summary>
    public static Tensor Baddbmm(Tensor input, Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null) =>
        input.Baddbmm(batch1, batch2, beta, alpha);

    /// <summary>
    /// Contracts the last <paramref name="dims"/> dims of <paramref name="a"/> with the first <paramref name="dims"/>
    /// dims of <paramref name="b"/> (<c>torch.tensordot(a, b, dims=2)</c>).
    /// </summary>
    public static Tensor Tensordot(Tensor a, Tensor b, long dims = 2)
    {
        if (dims < 0) throw new ArgumentException($"tensordot expects dims >= 0, but got dims={dims}");
        var da = new long[dims];
        var db = new long[dims];
        for (long i = 0; i < dims; i++)
        {
            da[i] = i - dims;
            db[i] = i;
        }
        return MatrixProducts.Tensordot(a, b, da, db);
    }

    /// <summary>Contracts dims <paramref name="dimsA"/> of a with dims <paramref name="dimsB"/> of b, pairwise (<c>torch.tensordot(a, b, dims=(dims_a, dims_b))</c>).</summary>
    public static Tensor Tensordot(Tensor a, Tensor b, long[] dimsA, long[] dimsB) => MatrixProducts.Tensordot(a, b, dimsA, dimsB);
}

/// <summary>Shape rules, checks with PyTorch's messages, backend calls and derivatives of the matrix products.</summary>
internal static class MatrixProducts
{
    public static Tensor Mm(Tensor self, Tensor mat2)
    {
        if (self.Dim() != 2) throw new ArgumentException("self must be a matrix");
        if (mat2.Dim() != 2) throw new ArgumentException("mat2 must be a matrix");
        CheckMultipliable(self, mat2);
        CheckOperands(self, mat2, "addmm_impl_cpu_");
        var r = Tensor.Allocate([self.shape[0], mat2.shape[1]], self.dtype, self.Device);
        Gemm(As3D(self), As3D(mat2), As3D(r), 1, 0);
        if (Graph.Needs(self, mat2))
            Graph.Record(r, "MmBackward0", [self, mat2], SavedFor(self, mat2), n =>
                [n.NeedsInputGrad(0) ? n.Grad.Mm(n.Saved(1).T()) : null,
                 n.NeedsInputGrad(1) ? n.Saved(0).T().Mm(n.Grad) : null]);
        return r;
    }

    public static Tensor Bmm(Tensor self, Tensor mat2)
    {
        CheckBatches(self, mat2);
        CheckOperands(self, mat2, "bmm");
        var r = Tensor.Allocate([self.shape[0], self.shape[1], mat2.shape[2]], self.dtype, self.Device);
        Gemm(self, mat2, r, 1, 0);
        if (Graph.Needs(self, mat2))
            Graph.Record(r, "BmmBackward0", [self, mat2], SavedFor(self, mat2), n =>
                [n.NeedsInputGrad(0) ? n.Grad.Bmm(n.Saved(1).Transpose(1, 2)) : null,
                 n.NeedsInputGrad(1) ? n.Saved(0).Transpose(1, 2).Bmm(n.Grad) : null]);
        return r;
    }

    public static Tensor Mv(Tensor self, Tensor vec)
    {
        if (self.Dim() != 2 || vec.Dim() != 1)
            throw new ArgumentException($"vector + matrix @ vector expected, got 1, {self.Dim()}, {vec.Dim()}");
        if (self.shape[1] != vec.shape[0])
            throw new ArgumentException(
                $"size mismatch, got {self.shape[0]}, {self.shape[0]}x{self.shape[1]},{vec.shape[0]}");
        CheckOperands(self, vec, "addmv_impl_cpu");
        var r = Tensor.Allocate([self.shape[0]], self.dtype, self.Device);
        Gemm(As3D(self), AsColumn(vec), AsColumn(r), 1, 0);
        if (Graph.Needs(self, vec))
            Graph.Record(r, "MvBackward0", [self, vec], SavedFor(self, vec), n =>
                [n.NeedsInputGrad(0) ? n.Grad.Outer(n.Saved(1)) : null,
                 n.NeedsInputGrad(1) ? n.Saved(0).T().Mv(n.Grad) : null]);
        return r;
    }

    public static Tensor Dot(Tensor self, Tensor other, string node)
    {
        if (self.Dim() != 1 || other.Dim() != 1)
            throw new ArgumentException($"1D tensors expected, but got {self.Dim()}D and {other.Dim()}D tensors");
        if (self.dtype != other.dtype)
            throw new ArgumentException(
                $"dot : expected both vectors to have same dtype, but found {self.dtype.ScalarTypeName()} and {other.dtype.ScalarTypeName()}");
        if (self.shape[0] != other.shape[0])
            throw new ArgumentException(
                $"inconsistent tensor size, expected tensor [{self.shape[0]}] and src [{other.shape[0]}] to have the same " +
                $"number of elements, but got {self.shape[0]} and {other.shape[0]} elements respectively");
        CheckOperands(self, other, "dot");
        var r = Tensor.Allocate([], self.dtype, self.Device);
        Gemm(AsRow(self), AsColumn(other), r.AliasRaw([1, 1, 1], [1, 1, 1]), 1, 0);
        if (Graph.Needs(self, other))
            Graph.Record(r, node, [self, other], SavedFor(self, other), n =>
                [n.NeedsInputGrad(0) ? n.Grad.Mul(n.Saved(1)) : null,
                 n.NeedsInputGrad(1) ? n.Grad.Mul(n.Saved(0)) : null]);
        return r;
    }

    public static Tensor MatMul(Tensor t1, Tensor t2)
    {
        int d1 = t1.Dim(), d2 = t2.Dim();
        if (d1 == 0 || d2 == 0)
            throw new ArgumentException($"both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D");
        if (d1 == 1 && d2 == 1) return t1.Dot(t2);
        if (d1 == 2 && d2 == 1) return t1.Mv(t2);
        if (d1 == 1 && d2 == 2) return SqueezeFirst(t1.Unsqueeze(0).Mm(t2));
        if (d1 == 2 && d2 == 2) return t1.Mm(t2);
        if (ShouldFold(t1, d2) || ShouldFold(t2, d1))
        {
            // A batch of matrices times one matrix or vector: fold the batch into the rows and use one mm/mv.
            bool transpose = d2 > d1;
            var a = transpose ? t2.MT : t1;
            var b = transpose ? (d1 == 2 ? t1.T() : t1) : t2;
            var sizes = a.shape;
            var outShape = new List<long>(sizes[..^1]);
            long folded = Shapes.Numel(sizes.AsSpan(0, sizes.Length - 1));
            var aFolded = a.Reshape(folded, sizes[^1]);
            if (b.Dim() == 2)
            {
                outShape.Add(b.shape[1]);
                var output = UnsafeView(aFolded.Mm(b), outShape.ToArray());
                return transpose ? output.MT.Contiguous() : output;
            }
            return UnsafeView(aFolded.Mv(b), outShape.ToArray());
        }
        // General case: broadcast the batch dims, flatten them, and run one bmm.
        long n = d1 > 1 ? t1.shape[^2] : 1;
        long m1 = t1.shape[^1];
        var batch1 = t1.shape[..Math.Max(d1 - 2, 0)];
        long m2 = d2 > 1 ? t2.shape[^2] : t2.shape[0];
        long p = d2 > 1 ? t2.shape[^1] : 1;
        var batch2 = t2.shape[..Math.Max(d2 - 2, 0)];
        var outBatch = Shapes.Broadcast(batch1, batch2);
        long batch = Shapes.Numel(outBatch);
        var e1 = t1.Expand([.. outBatch, n, m1]).Reshape(batch, n, m1);
        bool vectorRhs = d2 == 1;
        var e2 = vectorRhs
            ? t2.Expand([.. outBatch, m2]).Reshape(batch, m2).Unsqueeze(2)
            : t2.Expand([.. outBatch, m2, p]).Reshape(batch, m2, p);
        var shape = new List<long>(outBatch);
        if (d1 > 1) shape.Add(n);
        if (d2 > 1) shape.Add(p);
        var prod = e1.Bmm(e2);
        return UnsafeView(vectorRhs ? prod.Squeeze(-1) : prod, shape.ToArray());
    }

    // ATen's should_fold: a batch of matrices (not a permuted 3-D one whose last two dims are transposed) times
    // a matrix or vector folds into a single mm/mv.
    private static bool ShouldFold(Tensor t, int otherDim)
    {
        int d = t.Dim();
        if (d < 3 || (otherDim != 1 && otherDim != 2)) return false;
        return !(d == 3 && otherDim == 2 && t.strides[^1] != 1 && t.strides[0] == t.shape[1] * t.shape[2]);
    }

    public static Tensor Addmm(Tensor self, Tensor mat1, Tensor mat2, Scalar beta, Scalar alpha)
    {
        if (self.dtype != mat2.dtype) throw new ArgumentException("self and mat2 must have the same dtype");
        if (mat1.dtype != mat2.dtype) throw new ArgumentException("mat1 and mat2 must have the same dtype");
        if (mat1.Dim() != 2) throw new ArgumentException($"mat1 must be a matrix, got {mat1.Dim()}-D tensor");
        if (mat2.Dim() != 2) throw new ArgumentException($"mat2 must be a matrix, got {mat2.Dim()}-D tensor");
        CheckMultipliable(mat1, mat2);
        CheckOperands(mat1, mat2, "addmm_impl_cpu_");
        CheckDevice(self, mat1);
        long[] shape = [mat1.shape[0], mat2.shape[1]];
        var r = Start(self, shape, mat1.dtype, beta);
        Gemm(As3D(mat1), As3D(mat2), As3D(r), alpha, beta);
        if (Graph.Needs([self, mat1, mat2]))
            Graph.Record(r, "AddmmBackward0", [self, mat1, mat2], [null, .. SavedFor(mat1, mat2)], n =>
                [n.NeedsInputGrad(0) ? Scale(n.Grad, beta) : null,
                 n.NeedsInputGrad(1) ? Scale(n.Grad.Mm(n.Saved(2).T()), alpha) : null,
                 n.NeedsInputGrad(2) ? Scale(n.Saved(1).T().Mm(n.Grad), alpha) : null]);
        return r;
    }

    public static Tensor Addmv(Tensor self, Tensor mat, Tensor vec, Scalar beta, Scalar alpha)
    {
        if (mat.Dim() != 2 || vec.Dim() != 1 || self.Dim() > 1)
            throw new ArgumentException($"vector + matrix @ vector expected, got {self.Dim()}, {mat.Dim()}, {vec.Dim()}");
        if (mat.shape[1] != vec.shape[0] || (mat.shape[0] != self.Numel() && self.Numel() != 1))
            throw new ArgumentException(
                $"size mismatch, got {(self.Dim() == 1 ? self.shape[0] : 1)}, {mat.shape[0]}x{mat.shape[1]},{vec.shape[0]}");
        CheckOperands(mat, vec, "addmv_impl_cpu");
        CheckDevice(self, mat);
        var r = Start(self, [mat.shape[0]], mat.dtype, beta);
        Gemm(As3D(mat), AsColumn(vec), AsColumn(r), alpha, beta);
        if (Graph.Needs([self, mat, vec]))
            Graph.Record(r, "AddmvBackward0", [self, mat, vec], [null, .. SavedFor(mat, vec)], n =>
                [n.NeedsInputGrad(0) ? Scale(n.Grad, beta) : null,
                 n.NeedsInputGrad(1) ? Scale(n.Grad.Outer(n.Saved(2)), alpha) : null,
                 n.NeedsInputGrad(2) ? Scale(n.Saved(1).T().Mv(n.Grad), alpha) : null]);
        return r;
    }

    public static Tensor Addr(Tensor self, Tensor vec1, Tensor vec2, Scalar beta, Scalar alpha)
    {
        CheckVector(vec1, "vec1", "addr");
        CheckVector(vec2, "vec2", "addr");
        CheckDevice(vec1, vec2);
        CheckDevice(self, vec1);
        long[] shape = [vec1.shape[0], vec2.shape[0]];
        var selfExpanded = Elementwise.Expand(self, shape);
        var st = new ResultTypeState();
        st.Add(self);
        st.Add(vec1);
        st.Add(vec2);
        var dt = st.Result;
        CheckAddrScalar(dt, beta, "beta");
        CheckAddrScalar(dt, alpha, "alpha");
        Tensor r;
        using (Torch.NoGrad())
        {
            var v1 = Elementwise.Cast(vec1, dt, vec1.Device);
            var v2 = Elementwise.Cast(vec2, dt, vec2.Device);
            if (dt == DType.Bool)
            {
                r = alpha.ToBool() ? v1.Reshape(shape[0], 1).Mul(v2) : Torch.Zeros(shape, DType.Bool, self.Device);
                if (beta.ToBool()) r = r.Add(Elementwise.Cast(selfExpanded, dt, self.Device));
            }
            else
            {
                r = v1.Reshape(shape[0], 1).Mul(v2);
                if (alpha.ToDouble() != 1) r = r.Mul(alpha);
                if (beta.ToDouble() != 0) r = r.Add(Elementwise.Cast(selfExpanded, dt, self.Device).Mul(beta));
                r = Elementwise.Cast(r, dt, self.Device);
            }
        }
        if (Graph.Needs([self, vec1, vec2]))
            Graph.Record(r, "AddrBackward0", [self, vec1, vec2], [null, .. SavedFor(vec1, vec2)], n =>
            {
                var g = n.Grad;
                return [n.NeedsInputGrad(0) ? Scale(g, beta) : null,
                        n.NeedsInputGrad(1) ? Scale(g.Mv(n.Saved(2).To(g.dtype)), alpha) : null,
                        n.NeedsInputGrad(2) ? Scale(g.T().Mv(n.Saved(1).To(g.dtype)), alpha) : null];
            });
        return r;
    }

    public static Tensor Baddbmm(Tensor self, Tensor batch1, Tensor batch2, Scalar beta, Scalar alpha)
    {
        long[] shape = [batch1.Size(0), batch1.Size(1), batch2.Size(2)];
        Shapes.ExpandStrides(self.shape, self.strides, shape);
        CheckBatches(batch1, batch2);
        CheckOperands(batch1, batch2, "baddbmm");
        CheckDevice(self, batch1);
        var r = Start(self, shape, batch1.dtype, beta);
        Gemm(batch1, batch2, r, alpha, beta);
        if (Graph.Needs([self, batch1, batch2]))
            Graph.Record(r, "BaddbmmBackward0", [self, batch1, batch2], [null, .. SavedFor(batch1, batch2)], n =>
                [n.NeedsInputGrad(0) ? Scale(n.Grad, beta) : null,
                 n.NeedsInputGrad(1) ? Scale(n.Grad.Bmm(n.Saved(2).Transpose(1, 2)), alpha) : null,
                 n.NeedsInputGrad(2) ? Scale(n.Saved(1).Transpose(1, 2).Bmm(n.Grad), alpha) : null]);
        return r;
    }

    public static Tensor Addbmm(Tensor self, Tensor batch1, Tensor batch2, Scalar beta, Scalar alpha)
    {
        long[] shape = [batch1.Size(1), batch2.Size(2)];
        Shapes.ExpandStrides(self.shape, self.strides, shape);
        if (batch1.Dim() != 3) throw new ArgumentException("batch1 must be a 3D tensor");
        if (batch2.Dim() != 3) throw new ArgumentException("batch2 must be a 3D tensor");
        if (batch1.shape[0] != batch2.shape[0])
            throw new ArgumentException(
                $"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and {batch2.shape[0]}");
        if (batch1.shape[2] != batch2.shape[1])
            throw new ArgumentException(
                $"Incompatible matrix sizes for bmm ({batch1.shape[1]}x{batch1.shape[2]} and {batch2.shape[1]}x{batch2.shape[2]})");
        if (self.dtype != batch2.dtype) throw new ArgumentException("self and mat2 must have the same dtype");
        if (batch1.dtype != batch2.dtype) throw new ArgumentException("mat1 and mat2 must have the same dtype");
        CheckOperands(batch1, batch2, "addmm_impl_cpu_");
        CheckDevice(self, batch1);
        var r = Start(self, shape, batch1.dtype, beta);
        long count = batch1.shape[0];
        if (count == 0)
        {
            if (beta.ToDouble() != 0) r.Backend.Gemm(Empty3D(r, 0), Empty3D(r, 1), As3D(r), 1, beta);
        }
        else
        {
            // The batch sum accumulates into one output: the first product applies beta, the rest add.
            var acc = As3D(r);
            for (long i = 0; i < count; i++)
                Gemm(batch1.SelectRaw(i), batch2.SelectRaw(i), acc, alpha, i == 0 ? beta : 1);
        }
        if (Graph.Needs([self, batch1, batch2]))
        {
            long rows = batch1.shape[1], cols = batch2.shape[2];
            Graph.Record(r, "AddbmmBackward0", [self, batch1, batch2], [null, .. SavedFor(batch1, batch2)], n =>
            {
                var g = n.Grad;
                return [n.NeedsInputGrad(0) ? Scale(g, beta) : null,
                        n.NeedsInputGrad(1) ? Scale(g.Unsqueeze(0).Expand(count, rows, cols).Bmm(n.Saved(2).Transpose(1, 2)), alpha) : null,
                        n.NeedsInputGrad(2) ? Scale(n.Saved(1).Transpose(1, 2).Bmm(g.Unsqueeze(0).Expand(count, rows, cols)), alpha) : null];
            });
        }
        return r;
    }

    public static Tensor Outer(Tensor self, Tensor vec2)
    {
        CheckVector(self, "self", "outer");
        CheckVector(vec2, "vec2", "outer");
        return self.Reshape(self.shape[0], 1).Mul(vec2);
    }

    public static Tensor Inner(Tensor self, Tensor other)
    {
        CheckDevice(self, other);
        if (self.Dim() == 0 || other.Dim() == 0) return self.Mul(other);
        if (self.shape[^1] != other.shape[^1])
            throw new ArgumentException(
                $"inner() the last dimension must match on both input tensors but got shapes {Shapes.Format(self.shape)} and {Shapes.Format(other.shape)}");
        return Tensordot(self, other, [-1], [-1]);
    }

    public static Tensor Tensordot(Tensor a, Tensor b, long[] dimsA, long[] dimsB)
    {
        if (dimsA.Length != dimsB.Length) throw new ArgumentException("both dimension lists should have same length");
        long csize = 1;
        var t1 = a;
        var t2 = b;
        for (int i = 0; i < dimsA.Length; i++)
        {
            long s1 = a.Size((int)dimsA[i]), s2 = b.Size((int)dimsB[i]);
            if (s2 == 1) t1 = t1.Sum(dimsA[i], keepdim: true);
            else if (s1 == 1) t2 = t2.Sum(dimsB[i], keepdim: true);
            else
            {
                if (s1 != s2)
                    throw new ArgumentException(
                        $"contracted dimensions need to match, but first has size {s1} in dim {dimsA[i]} and second has size {s2} in dim {dimsB[i]}");
                csize *= s1;
            }
        }
        var c1 = Shapes.WrapDims(dimsA, a.Dim());
        var c2 = Shapes.WrapDims(dimsB, b.Dim());
        var p1 = new List<long>();
        var p2 = new List<long>();
        var rsizes = new List<long>();
        long size1 = 1, size2 = 1;
        for (int i = 0; i < a.Dim(); i++)
        {
            if (Array.IndexOf(c1, i) >= 0) continue;
            p1.Add(i);
            size1 *= t1.shape[i];
            rsizes.Add(t1.shape[i]);
        }
        foreach (var d in c1) p1.Add(d);
        foreach (var d in c2) p2.Add(d);
        for (int i = 0; i < b.Dim(); i++)
        {
            if (Array.IndexOf(c2, i) >= 0) continue;
            p2.Add(i);
            size2 *= t2.shape[i];
            rsizes.Add(t2.shape[i]);
        }
        t1 = t1.Permute(p1.ToArray()).Reshape(size1, csize);
        t2 = t2.Permute(p2.ToArray()).Reshape(csize, size2);
        return t1.Mm(t2).Reshape(rsizes.ToArray());
    }

    public static Tensor Kron(Tensor self, Tensor other)
    {
        int nd = Math.Max(self.Dim(), other.Dim());
        int padA = nd - self.Dim(), padB = nd - other.Dim();
        var aShape = new long[2 * nd];
        var bShape = new long[2 * nd];
        var rShape = new long[nd];
        for (int i = 0; i < nd; i++)
        {
            aShape[2 * i] = i >= padA ? self.shape[i - padA] : 1;
            aShape[2 * i + 1] = 1;
            bShape[2 * i] = 1;
            bShape[2 * i + 1] = i >= padB ? other.shape[i - padB] : 1;
            rShape[i] = aShape[2 * i] * bShape[2 * i + 1];
        }
        return UnsafeView(self.Reshape(aShape).Mul(other.Reshape(bShape)), rShape);
    }

    /// <summary>An in-place fused product: the out-of-place result written into x (history rebased onto it).</summary>
    public static Tensor ApplyInPlace(Tensor self, Func<Tensor, Tensor> outOfPlace, Tensor a, Tensor b)
    {
        return Ops.InPlace.Apply(self, outOfPlace, s =>
        {
            Tensor r;
            using (Torch.NoGrad()) r = outOfPlace(s);
            if (!r.shape.AsSpan().SequenceEqual(s.shape))
                throw new ArgumentException(
                    $"output with shape {Shapes.Format(s.shape)} doesn't match the broadcast shape {Shapes.Format(r.shape)}");
            Ops.InPlace.CopyData(r, s);
        }, a, b);
    }

    // ---- helpers ----

    // The result buffer of a fused op: beta * self broadcast to shape (self converted to the result dtype), or
    // uninitialised when beta == 0 (the GEMM then writes without reading, so NaN in self is ignored).
    private static Tensor Start(Tensor self, long[] shape, DType dtype, Scalar beta)
    {
        var expanded = Elementwise.Expand(self, shape);
        var r = Tensor.Allocate(shape, dtype, self.Device);
        if (beta.ToDouble() != 0) r.Backend.Copy(expanded, r);
        return r;
    }

    private static void Gemm(Tensor a, Tensor b, Tensor c, Scalar alpha, Scalar beta) =>
        c.Backend.Gemm(a, b, c, alpha, beta.ToDouble() == 0 ? 0 : beta);

    private static Tensor Scale(Tensor g, Scalar s) => s.ToDouble() == 1 ? g : g.Mul(s);

    // Save only what the backward will use: each operand is needed for the other's gradient.
    private static Tensor?[] SavedFor(Tensor a, Tensor b) => [b.RequiresGrad ? a : null, a.RequiresGrad ? b : null];

    private static void CheckMultipliable(Tensor mat1, Tensor mat2)
    {
        if (mat1.shape[1] != mat2.shape[0])
            throw new ArgumentException(
                $"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x{mat1.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})");
    }

    private static void CheckBatches(Tensor batch1, Tensor batch2)
    {
        if (batch1.Dim() != 3) throw new ArgumentException("batch1 must be a 3D tensor");
        if (batch2.Dim() != 3) throw new ArgumentException("batch2 must be a 3D tensor");
        long bs = batch1.shape[0], contraction = batch1.shape[2];
        if (batch2.shape[0] != bs || batch2.shape[1] != contraction)
            throw new ArgumentException(
                $"Expected size for first two dimensions of batch2 tensor to be: [{bs}, {contraction}] but got: [{batch2.shape[0]}, {batch2.shape[1]}].");
    }

    // Same device, same dtype (named as ATen's TensorArg check names them) and a dtype the product supports.
    private static void CheckOperands(Tensor first, Tensor second, string kernel)
    {
        CheckDevice(first, second);
        if (first.dtype != second.dtype)
            throw new ArgumentException(
                $"expected scalar type {first.dtype.ScalarTypeName()} but found {second.dtype.ScalarTypeName()}");
        if (first.dtype == DType.Bool)
            throw new NotSupportedException($"\"{kernel}\" not implemented for '{first.dtype.ScalarTypeName()}'");
    }

    private static void CheckDevice(Tensor a, Tensor b)
    {
        if (a.Device != b.Device)
            throw new InvalidOperationException(
                $"Expected all tensors to be on the same device, but found at least two devices, {a.Device} and {b.Device}!");
    }

    private static void CheckVector(Tensor t, string arg, string fn)
    {
        if (t.Dim() != 1) throw new ArgumentException($"{fn}: Expected 1-D argument {arg}, but got {t.Dim()}-D");
    }

    private static void CheckAddrScalar(DType dt, Scalar s, string name)
    {
        if (s.IsBoolean && dt != DType.Bool)
            throw new ArgumentException($"Boolean {name} only supported for Boolean results.");
        if (!dt.IsFloatingPoint() && s.IsFloatingPoint)
            throw new ArgumentException($"For integral input tensors, argument {name} must not be a floating point number.");
    }

    // Views for the backend without history: a matrix as a one-entry batch, a vector as a column or a row.
    private static Tensor As3D(Tensor m) => m.AliasRaw([1, m.shape[0], m.shape[1]], [0, m.strides[0], m.strides[1]]);

    private static Tensor AsColumn(Tensor v) => v.AliasRaw([1, v.shape[0], 1], [0, v.strides[0], 1]);

    private static Tensor AsRow(Tensor v) => v.AliasRaw([1, 1, v.shape[0]], [0, 1, v.strides[0]]);

    private static Tensor Empty3D(Tensor r, int side) =>
        r.AliasRaw(side == 0 ? [1, r.shape[0], 0] : [1, 0, r.shape[1]], [0, 0, 0]);

    private static Tensor SelectRaw(this Tensor t, long i) =>
        new(t.storage, [1, t.shape[1], t.shape[2]], [0, t.strides[1], t.strides[2]], t.offset + i * t.strides[0], t.dtype);

    private static Tensor AliasRaw(this Tensor t, long[] shape, long[] strides) => new(t.storage, shape, strides, t.offset, t.dtype);

    // ATen's _unsafe_view: the product's fresh buffer reshaped, not tracked as a view of it.
    internal static Tensor UnsafeView(Tensor t, long[] shape)
    {
        if (!t.IsContiguous()) t = t.Contiguous();
        var sh = Shapes.InferSize(shape, t.Numel());
        var r = new Tensor(t.storage, sh, Shapes.ContiguousStrides(sh), t.offset, t.dtype);
        if (Graph.Needs(t))
        {
            var inShape = t.shape;
            Graph.Record(r, "UnsafeViewBackward0", [t], [], n => [n.Grad.Reshape(inShape)]);
        }
        return r;
    }

    // matmul's in-place squeeze_(0) of the 1 x n product of a vector and a matrix.
    private static Tensor SqueezeFirst(Tensor t)
    {
        var r = new Tensor(t.storage, [t.shape[1]], [t.strides[1]], t.offset, t.dtype);
        if (Graph.Needs(t)) Graph.Record(r, "SqueezeBackward3", [t], [], n => [n.Grad.Unsqueeze(0)]);
        return r;
    }
}
