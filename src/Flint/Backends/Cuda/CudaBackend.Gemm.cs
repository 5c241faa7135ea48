using Flint.Backends.Cuda.Native;
using Flint.Kernels;

namespace Flint.Backends.Cuda;

/// <summary>How one operand of a column-major cuBLAS call reads a strided matrix: transposed or not, and its leading dim.</summary>
internal readonly record struct BlasOperand(int Op, long Ld);

internal sealed partial class CudaBackend
{
    /// <summary>
    /// c[i] = alpha a[i] @ b[i] + beta c[i] through cuBLAS's strided-batched GEMM (float32, float64; float16 and bfloat16
    /// with float accumulation). cuBLAS is column-major: a row-major C (M x N) is the column-major C^T, so the call
    /// computes C^T = B^T A^T with the operands swapped; a column-major C is computed directly. Operands whose strides
    /// fit neither layout (or a leading dimension cuBLAS cannot take) are copied to contiguous temporaries first.
    /// Integer products are not implemented on CUDA, as in PyTorch.
    /// </summary>
    public unsafe void Gemm(Tensor a, Tensor b, Tensor c, Scalar alpha, Scalar beta)
    {
        if (a.shape.Length != 3 || b.shape.Length != 3 || c.shape.Length != 3)
            throw new ArgumentException("Gemm takes 3-D operands [batch, rows, columns]");
        if (a.dtype != c.dtype || b.dtype != c.dtype)
            throw new ArgumentException(
                $"expected scalar type {c.dtype.ScalarTypeName()} but found {(a.dtype != c.dtype ? a.dtype : b.dtype).ScalarTypeName()}");
        if (c.dtype is not (DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16))
            throw NotImplementedFor("addmm", c.dtype);
        long batch = c.shape[0], m = c.shape[1], n = c.shape[2], k = a.shape[2];
        if (a.shape[0] != batch || b.shape[0] != batch || a.shape[1] != m || b.shape[1] != k || b.shape[2] != n)
            throw new ArgumentException(
                $"Gemm shapes do not agree: {Shapes.Format(a.shape)} @ {Shapes.Format(b.shape)} -> {Shapes.Format(c.shape)}");
        if (batch == 0 || m == 0 || n == 0) return;
        if (k == 0 || alpha.ToDouble() == 0)
        {
            ScaleInPlace(c, beta);
            return;
        }
        foreach (var size in new[] { batch, m, n, k })
            if (size > int.MaxValue)
                throw new NotSupportedException($"cuBLAS takes 32-bit sizes, but this product has a dim of {size}");

        // A row-major-like C gives the swapped call; a column-major-like C the direct one; otherwise a temporary.
        var target = c;
        bool swapped;
        if (Resolve(n, m, c.strides[2], c.strides[1]) is { Op: CublasApi.OpN }) swapped = true;
        else if (Resolve(m, n, c.strides[1], c.strides[2]) is { Op: CublasApi.OpN }) swapped = false;
        else
        {
            target = Tensor.Allocate((long[])c.shape.Clone(), c.dtype, Device);
            if (beta.ToDouble() != 0) Copy(c, target);
            swapped = true;
        }
        if (batch > 1 && target.strides[0] == 0)
            throw new ArgumentException("Gemm's output must not overlap itself across the batch");

        // Operand X of the call and its logical (rows, cols, row stride, col stride).
        var (x, y) = swapped ? (b, a) : (a, b);
        long xr = swapped ? n : m, xc = k, yr = k, yc = swapped ? m : n;
        var xo = Operand(ref x, xr, xc, swapped);
        var yo = Operand(ref y, yr, yc, swapped);
        long ldc = swapped ? Resolve(n, m, target.strides[2], target.strides[1])!.Value.Ld
                           : Resolve(m, n, target.strides[1], target.strides[2])!.Value.Ld;
        int cm = (int)(swapped ? n : m), cn = (int)(swapped ? m : n);

        ulong px = Address(x), py = Address(y), pc = Address(target);
        long sx = x.strides[0], sy = y.strides[0], sc = target.strides[0];
        int count = (int)batch;
        var dtype = c.dtype;
        double alphaD = alpha.ToDouble(), betaD = beta.ToDouble();
        var api = CudaRuntime.Cublas;
        dev.WithBlas(h =>
        {
            int status;
            if (dtype == DType.Float64)
            {
                double al = alphaD, be = betaD;
                status = api.cublasDgemmStridedBatched(h, xo.Op, yo.Op, cm, cn, (int)k, &al, px, (int)xo.Ld, sx, py, (int)yo.Ld, sy,
                    &be, pc, (int)ldc, sc, count);
            }
            else if (dtype == DType.Float32)
            {
                float al = (float)alphaD, be = (float)betaD;
                status = api.cublasSgemmStridedBatched(h, xo.Op, yo.Op, cm, cn, (int)k, &al, px, (int)xo.Ld, sx, py, (int)yo.Ld, sy,
                    &be, pc, (int)ldc, sc, count);
            }
            else
            {
                float al = (float)alphaD, be = (float)betaD;
                int type = dtype == DType.Float16 ? CublasApi.DataR16F : CublasApi.DataR16BF;
                status = api.cublasGemmStridedBatchedEx(h, xo.Op, yo.Op, cm, cn, (int)k, &al, px, type, (int)xo.Ld, sx, py, type,
                    (int)yo.Ld, sy, &be, pc, type, (int)ldc, sc, count, CublasApi.Compute32F, CublasApi.GemmDefault);
            }
            CublasApi.Check(status, dtype == DType.Float64 ? "cublasDgemmStridedBatched" : dtype == DType.Float32
                ? "cublasSgemmStridedBatched" : "cublasGemmStridedBatchedEx");
        });
        GC.KeepAlive(x);
        GC.KeepAlive(y);
        if (!ReferenceEquals(target, c)) Copy(target, c);
        GC.KeepAlive(target);
    }

    // The operand for the call: op and leading dim of the matrix (rows x cols) the call reads, which is the tensor
    // itself (direct call) or its transpose (swapped call); a layout cuBLAS cannot read is made contiguous first.
    private BlasOperand Operand(ref Tensor t, long rows, long cols, bool transposed)
    {
        long rs = transposed ? t.strides[2] : t.strides[1], cs = transposed ? t.strides[1] : t.strides[2];
        if (Resolve(rows, cols, rs, cs) is { } o) return o;
        var dense = Tensor.Allocate((long[])t.shape.Clone(), t.dtype, Device);
        Copy(t, dense);
        t = dense;
        rs = transposed ? t.strides[2] : t.strides[1];
        cs = transposed ? t.strides[1] : t.strides[2];
        return Resolve(rows, cols, rs, cs)!.Value;
    }

    /// <summary>
    /// How cuBLAS (column-major) reads a rows x cols matrix whose element (i, j) is at i * rowStride + j * colStride:
    /// as stored (op N, leading dim colStride) when rows are unit-strided, as the transpose of the stored matrix (op T,
    /// leading dim rowStride) when columns are; null when neither fits (or the leading dim is too small).
    /// </summary>
    internal static BlasOperand? Resolve(long rows, long cols, long rowStride, long colStride)
    {
        if (rowStride == 1 || rows == 1)
        {
            long ld = cols == 1 ? Math.Max(1, rows) : colStride;
            if (ld >= Math.Max(1, rows) && ld <= int.MaxValue) return new BlasOperand(CublasApi.OpN, ld);
        }
        if (colStride == 1 || cols == 1)
        {
            long ld = rows == 1 ? Math.Max(1, cols) : rowStride;
            if (ld >= Math.Max(1, cols) && ld <= int.MaxValue) return new BlasOperand(CublasApi.OpT, ld);
        }
        return null;
    }

    // c = beta * c (beta == 0 writes zeros, ignoring NaN in c, as BLAS does).
    private void ScaleInPlace(Tensor c, Scalar beta)
    {
        if (beta.ToDouble() == 0)
        {
            Fill(c, 0);
            return;
        }
        if (beta.ToDouble() == 1) return;
        var factor = Tensor.Allocate([], c.dtype, Device);
        Fill(factor, beta);
        var plan = ElementwisePlan.Of(c.shape, c.strides, c.strides, new long[c.shape.Length]);
        var fn = dev.Kernels.Get(new KernelKey("binary", typeof(MulKernel), c.dtype, c.dtype, c.dtype, default, plan.VariantKey),
            () => KernelSource.Map(MulKernel.Cuda, ["a", "b"], CudaTypes.ComputeDType(c.dtype), c.dtype, [c.dtype, c.dtype], plan, []));
        LaunchElementwise(fn, plan, [c, c, factor], []);
    }
}
