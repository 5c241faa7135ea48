using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// A GEMM micro-kernel: the MR x NR tile <c>c = alpha * a·b + beta * c</c> over <c>kc</c> steps. <c>a</c> holds MR
/// contiguous values per step (a column of A), steps <c>lda</c> apart (MR for a packed panel, the column stride
/// when a column-major A is read in place); <c>b</c> holds NR values per step (a row of B), steps
/// <c>ldb</c> apart (NR for a packed panel, the row stride when B is read in place); <c>c</c> has row stride
/// <c>ldc</c> and unit column stride, and only its first <c>rows</c> rows are stored. Only its first <c>cols</c> columns
/// are needed: a kernel may compute and store all NR, or (a scratch tile's last panel) fewer. With beta == 0 the tile
/// is not read, so NaN in it is ignored (BLAS's rule).
/// The accumulators live in registers for the whole kc loop; each step is one load of B per vector, one broadcast
/// of A per row and MR x (NR / lanes) fused multiply-adds.
/// </summary>
internal unsafe interface IGemmKernel<T> where T : unmanaged
{
    /// <summary>Rows of the tile (broadcast side).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the tile (vector side).</summary>
    static abstract int NR { get; }

    /// <summary>True if a tile of fewer than MR rows takes only its rows' share of a full tile's time.</summary>
    static virtual bool PartialRows => false;

    static abstract void Run(long kc, T* a, long lda, T* b, long ldb, T* c, long ldc, T alpha, T beta, int rows, int cols);
}

/// <summary>
/// float or double, AVX-512: 14 rows x 2 vectors (14 x 32 floats or 14 x 16 doubles; 28 zmm accumulators, 2 for B,
/// 1 broadcast: 31 of the 32 registers). A partial tile (a product's last rows: m = 256 leaves 4, m = 64 leaves 8) runs
/// a kernel of only its rows' multiply-adds instead of the full 14 rows' time: up to 7 rows measured the float 1024
/// product 2% faster and ResNet's 256-channel weight gradients 2.5-3.5%; 8 to 13 rows the 64-channel Winograd layers
/// 5-10% (their last panel of output channels has 8). A last panel of at most one vector's columns runs one vector a row.
/// </summary>
internal readonly unsafe struct Avx512Kernel<T> : IGemmKernel<T> where T : unmanaged, INumber<T>
{
    private static int Lanes => Vector512<T>.Count;

    public static int MR => 14;
    public static int NR => 2 * Lanes;
    public static bool PartialRows => true;

    public static void Run(long kc, T* a, long lda, T* b, long ldb, T* c, long ldc, T alpha, T beta, int rows, int cols)
    {
        if (cols <= Lanes) Run<Count1>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows);
        else Run<Count2>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows);
    }

    // TV vectors a row: one for a last panel of at most one vector (odd float sizes leave 1 to 16: 257 leaves 1, 48 and
    // 80 leave 16), whose second vector's multiply-adds would be wasted.
    private static void Run<TV>(long kc, T* a, long lda, T* b, long ldb, T* c, long ldc, T alpha, T beta, int rows)
        where TV : struct, ICount
    {
        switch (rows)
        {
            case 1: Rows<Count1, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            case 2: Rows<Count2, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            case 3: Rows<Count3, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            case 4: Rows<Count4, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            case 5: Rows<Count5, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            case 6: Rows<Count6, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            case 7: Rows<Count7, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            case 8: Rows<Count8, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            case 9: Rows<Count9, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            case 10: Rows<Count10, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            case 11: Rows<Count11, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            case 12: Rows<Count12, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            case 13: Rows<Count13, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
            default: Rows<Count14, TV>(kc, a, lda, b, ldb, c, ldc, alpha, beta, rows); break;
        }
    }

    /// <summary>
    /// The multiply-adds of the tile's first TR rows and TV vectors (the rest of its accumulators unused), its first
    /// <paramref name="rows"/> stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TR, TV>(long kc, T* a, long lda, T* b, long ldb, T* c, long ldc, T alpha, T beta, int rows)
        where TR : struct, ICount where TV : struct, ICount
    {
        int r = TR.Value;
        bool two = TV.Value == 2;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<T> c90 = default, c91 = default, cA0 = default, cA1 = default, cB0 = default, cB1 = default;
        Vector512<T> cC0 = default, cC1 = default, cD0 = default, cD1 = default;
        // Bring the tile of C towards L1 while the k loop runs (its rows may share cache sets).
        for (int i = 0; i < rows; i++)
        {
            Sse.Prefetch0(c + i * ldc);
            Sse.Prefetch0(c + i * ldc + Lanes);
        }
        for (long p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = two ? Vector512.Load(b + Lanes) : default;
            var x = Vector512.Create(a[0]); c00 = MultiplyAdd(x, b0, c00); if (two) c01 = MultiplyAdd(x, b1, c01);
            if (r > 1) { x = Vector512.Create(a[1]); c10 = MultiplyAdd(x, b0, c10); if (two) c11 = MultiplyAdd(x, b1, c11); }
            if (r > 2) { x = Vector512.Create(a[2]); c20 = MultiplyAdd(x, b0, c20); if (two) c21 = MultiplyAdd(x, b1, c21); }
            if (r > 3) { x = Vector512.Create(a[3]); c30 = MultiplyAdd(x, b0, c30); if (two) c31 = MultiplyAdd(x, b1, c31); }
            if (r > 4) { x = Vector512.Create(a[4]); c40 = MultiplyAdd(x, b0, c40); if (two) c41 = MultiplyAdd(x, b1, c41); }
            if (r > 5) { x = Vector512.Create(a[5]); c50 = MultiplyAdd(x, b0, c50); if (two) c51 = MultiplyAdd(x, b1, c51); }
            if (r > 6) { x = Vector512.Create(a[6]); c60 = MultiplyAdd(x, b0, c60); if (two) c61 = MultiplyAdd(x, b1, c61); }
            if (r > 7) { x = Vector512.Create(a[7]); c70 = MultiplyAdd(x, b0, c70); if (two) c71 = MultiplyAdd(x, b1, c71); }
            if (r > 8) { x = Vector512.Create(a[8]); c80 = MultiplyAdd(x, b0, c80); if (two) c81 = MultiplyAdd(x, b1, c81); }
            if (r > 9) { x = Vector512.Create(a[9]); c90 = MultiplyAdd(x, b0, c90); if (two) c91 = MultiplyAdd(x, b1, c91); }
            if (r > 10) { x = Vector512.Create(a[10]); cA0 = MultiplyAdd(x, b0, cA0); if (two) cA1 = MultiplyAdd(x, b1, cA1); }
            if (r > 11) { x = Vector512.Create(a[11]); cB0 = MultiplyAdd(x, b0, cB0); if (two) cB1 = MultiplyAdd(x, b1, cB1); }
            if (r > 12) { x = Vector512.Create(a[12]); cC0 = MultiplyAdd(x, b0, cC0); if (two) cC1 = MultiplyAdd(x, b1, cC1); }
            if (r > 13) { x = Vector512.Create(a[13]); cD0 = MultiplyAdd(x, b0, cD0); if (two) cD1 = MultiplyAdd(x, b1, cD1); }
            a += lda;
            b += ldb;
        }
        var va = Vector512.Create(alpha);
        if (beta == T.Zero)
        {
            Vector512.Store(c00 * va, c); if (two) Vector512.Store(c01 * va, c + Lanes); if (rows == 1) return; c += ldc;
            Vector512.Store(c10 * va, c); if (two) Vector512.Store(c11 * va, c + Lanes); if (rows == 2) return; c += ldc;
            Vector512.Store(c20 * va, c); if (two) Vector512.Store(c21 * va, c + Lanes); if (rows == 3) return; c += ldc;
            Vector512.Store(c30 * va, c); if (two) Vector512.Store(c31 * va, c + Lanes); if (rows == 4) return; c += ldc;
            Vector512.Store(c40 * va, c); if (two) Vector512.Store(c41 * va, c + Lanes); if (rows == 5) return; c += ldc;
            Vector512.Store(c50 * va, c); if (two) Vector512.Store(c51 * va, c + Lanes); if (rows == 6) return; c += ldc;
            Vector512.Store(c60 * va, c); if (two) Vector512.Store(c61 * va, c + Lanes); if (rows == 7) return; c += ldc;
            Vector512.Store(c70 * va, c); if (two) Vector512.Store(c71 * va, c + Lanes); if (rows == 8) return; c += ldc;
            Vector512.Store(c80 * va, c); if (two) Vector512.Store(c81 * va, c + Lanes); if (rows == 9) return; c += ldc;
            Vector512.Store(c90 * va, c); if (two) Vector512.Store(c91 * va, c + Lanes); if (rows == 10) return; c += ldc;
            Vector512.Store(cA0 * va, c); if (two) Vector512.Store(cA1 * va, c + Lanes); if (rows == 11) return; c += ldc;
            Vector512.Store(cB0 * va, c); if (two) Vector512.Store(cB1 * va, c + Lanes); if (rows == 12) return; c += ldc;
            Vector512.Store(cC0 * va, c); if (two) Vector512.Store(cC1 * va, c + Lanes); if (rows == 13) return; c += ldc;
            Vector512.Store(cD0 * va, c); if (two) Vector512.Store(cD1 * va, c + Lanes);
            return;
        }
        var vb = Vector512.Create(beta);
        Update(c00, c01, c, va, vb, two); if (rows == 1) return; c += ldc;
        Update(c10, c11, c, va, vb, two); if (rows == 2) return; c += ldc;
        Update(c20, c21, c, va, vb, two); if (rows == 3) return; c += ldc;
        Update(c30, c31, c, va, vb, two); if (rows == 4) return; c += ldc;
        Update(c40, c41, c, va, vb, two); if (rows == 5) return; c += ldc;
        Update(c50, c51, c, va, vb, two); if (rows == 6) return; c += ldc;
        Update(c60, c61, c, va, vb, two); if (rows == 7) return; c += ldc;
        Update(c70, c71, c, va, vb, two); if (rows == 8) return; c += ldc;
        Update(c80, c81, c, va, vb, two); if (rows == 9) return; c += ldc;
        Update(c90, c91, c, va, vb, two); if (rows == 10) return; c += ldc;
        Update(cA0, cA1, c, va, vb, two); if (rows == 11) return; c += ldc;
        Update(cB0, cB1, c, va, vb, two); if (rows == 12) return; c += ldc;
        Update(cC0, cC1, c, va, vb, two); if (rows == 13) return; c += ldc;
        Update(cD0, cD1, c, va, vb, two);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(Vector512<T> x0, Vector512<T> x1, T* c, Vector512<T> va, Vector512<T> vb, bool two)
    {
        Vector512.Store(MultiplyAdd(Vector512.Load(c), vb, x0 * va), c);
        if (two) Vector512.Store(MultiplyAdd(Vector512.Load(c + Lanes), vb, x1 * va), c + Lanes);
    }

    // A fused multiply-add of T's vectors (float or double; the JIT keeps only T's branch).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MultiplyAdd(Vector512<T> x, Vector512<T> y, Vector512<T> z) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
}

/// <summary>float, 256-bit vectors (AVX2 + FMA): 6 x 16 (12 ymm accumulators, 2 for B, 1 broadcast: 15 of 16).</summary>
internal readonly unsafe struct Vec256F32Kernel : IGemmKernel<float>
{
    public static int MR => 6;
    public static int NR => 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(long kc, float* a, long lda, float* b, long ldb, float* c, long ldc, float alpha, float beta, int rows, int cols)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (long p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[0]); c00 = Vector256.MultiplyAddEstimate(x, b0, c00); c01 = Vector256.MultiplyAddEstimate(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Vector256.MultiplyAddEstimate(x, b0, c10); c11 = Vector256.MultiplyAddEstimate(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Vector256.MultiplyAddEstimate(x, b0, c20); c21 = Vector256.MultiplyAddEstimate(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Vector256.MultiplyAddEstimate(x, b0, c30); c31 = Vector256.MultiplyAddEstimate(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = Vector256.MultiplyAddEstimate(x, b0, c40); c41 = Vector256.MultiplyAddEstimate(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = Vector256.MultiplyAddEstimate(x, b0, c50); c51 = Vector256.MultiplyAddEstimate(x, b1, c51);
            a += lda;
            b += ldb;
        }
        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        bool read = beta != 0;
        Store(c00, c01, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c10, c11, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c20, c21, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c30, c31, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c40, c41, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c50, c51, c, va, vb, read);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> x0, Vector256<float> x1, float* c, Vector256<float> va, Vector256<float> vb, bool read)
    {
        if (read)
        {
            Vector256.Store(Vector256.MultiplyAddEstimate(Vector256.Load(c), vb, x0 * va), c);
            Vector256.Store(Vector256.MultiplyAddEstimate(Vector256.Load(c + 8), vb, x1 * va), c + 8);
        }
        else
        {
            Vector256.Store(x0 * va, c);
            Vector256.Store(x1 * va, c + 8);
        }
    }
}

/// <summary>double, 256-bit vectors (AVX2 + FMA): 6 x 8.</summary>
internal readonly unsafe struct Vec256F64Kernel : IGemmKernel<double>
{
    public static int MR => 6;
    public static int NR => 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(long kc, double* a, long lda, double* b, long ldb, double* c, long ldc, double alpha, double beta, int rows, int cols)
    {
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (long p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 4);
            var x = Vector256.Create(a[0]); c00 = Vector256.MultiplyAddEstimate(x, b0, c00); c01 = Vector256.MultiplyAddEstimate(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Vector256.MultiplyAddEstimate(x, b0, c10); c11 = Vector256.MultiplyAddEstimate(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Vector256.MultiplyAddEstimate(x, b0, c20); c21 = Vector256.MultiplyAddEstimate(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Vector256.MultiplyAddEstimate(x, b0, c30); c31 = Vector256.MultiplyAddEstimate(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = Vector256.MultiplyAddEstimate(x, b0, c40); c41 = Vector256.MultiplyAddEstimate(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = Vector256.MultiplyAddEstimate(x, b0, c50); c51 = Vector256.MultiplyAddEstimate(x, b1, c51);
            a += lda;
            b += ldb;
        }
        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        bool read = beta != 0;
        Store(c00, c01, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c10, c11, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c20, c21, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c30, c31, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c40, c41, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c50, c51, c, va, vb, read);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<double> x0, Vector256<double> x1, double* c, Vector256<double> va, Vector256<double> vb, bool read)
    {
        if (read)
        {
            Vector256.Store(Vector256.MultiplyAddEstimate(Vector256.Load(c), vb, x0 * va), c);
            Vector256.Store(Vector256.MultiplyAddEstimate(Vector256.Load(c + 4), vb, x1 * va), c + 4);
        }
        else
        {
            Vector256.Store(x0 * va, c);
            Vector256.Store(x1 * va, c + 4);
        }
    }
}

/// <summary>float, 128-bit vectors (SSE, NEON; the portable tier): 4 x 8.</summary>
internal readonly unsafe struct Vec128F32Kernel : IGemmKernel<float>
{
    public static int MR => 4;
    public static int NR => 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(long kc, float* a, long lda, float* b, long ldb, float* c, long ldc, float alpha, float beta, int rows, int cols)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (long p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var x = Vector128.Create(a[0]); c00 = Vector128.MultiplyAddEstimate(x, b0, c00); c01 = Vector128.MultiplyAddEstimate(x, b1, c01);
            x = Vector128.Create(a[1]); c10 = Vector128.MultiplyAddEstimate(x, b0, c10); c11 = Vector128.MultiplyAddEstimate(x, b1, c11);
            x = Vector128.Create(a[2]); c20 = Vector128.MultiplyAddEstimate(x, b0, c20); c21 = Vector128.MultiplyAddEstimate(x, b1, c21);
            x = Vector128.Create(a[3]); c30 = Vector128.MultiplyAddEstimate(x, b0, c30); c31 = Vector128.MultiplyAddEstimate(x, b1, c31);
            a += lda;
            b += ldb;
        }
        var va = Vector128.Create(alpha);
        var vb = Vector128.Create(beta);
        bool read = beta != 0;
        Store(c00, c01, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c10, c11, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c20, c21, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c30, c31, c, va, vb, read);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<float> x0, Vector128<float> x1, float* c, Vector128<float> va, Vector128<float> vb, bool read)
    {
        if (read)
        {
            Vector128.Store(Vector128.MultiplyAddEstimate(Vector128.Load(c), vb, x0 * va), c);
            Vector128.Store(Vector128.MultiplyAddEstimate(Vector128.Load(c + 4), vb, x1 * va), c + 4);
        }
        else
        {
            Vector128.Store(x0 * va, c);
            Vector128.Store(x1 * va, c + 4);
        }
    }
}

/// <summary>double, 128-bit vectors (the portable tier): 4 x 4.</summary>
internal readonly unsafe struct Vec128F64Kernel : IGemmKernel<double>
{
    public static int MR => 4;
    public static int NR => 4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(long kc, double* a, long lda, double* b, long ldb, double* c, long ldc, double alpha, double beta, int rows, int cols)
    {
        Vector128<double> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<double> c20 = default, c21 = default, c30 = default, c31 = default;
        for (long p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 2);
            var x = Vector128.Create(a[0]); c00 = Vector128.MultiplyAddEstimate(x, b0, c00); c01 = Vector128.MultiplyAddEstimate(x, b1, c01);
            x = Vector128.Create(a[1]); c10 = Vector128.MultiplyAddEstimate(x, b0, c10); c11 = Vector128.MultiplyAddEstimate(x, b1, c11);
            x = Vector128.Create(a[2]); c20 = Vector128.MultiplyAddEstimate(x, b0, c20); c21 = Vector128.MultiplyAddEstimate(x, b1, c21);
            x = Vector128.Create(a[3]); c30 = Vector128.MultiplyAddEstimate(x, b0, c30); c31 = Vector128.MultiplyAddEstimate(x, b1, c31);
            a += lda;
            b += ldb;
        }
        var va = Vector128.Create(alpha);
        var vb = Vector128.Create(beta);
        bool read = beta != 0;
        Store(c00, c01, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c10, c11, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c20, c21, c, va, vb, read); if (--rows == 0) return; c += ldc;
        Store(c30, c31, c, va, vb, read);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<double> x0, Vector128<double> x1, double* c, Vector128<double> va, Vector128<double> vb, bool read)
    {
        if (read)
        {
            Vector128.Store(Vector128.MultiplyAddEstimate(Vector128.Load(c), vb, x0 * va), c);
            Vector128.Store(Vector128.MultiplyAddEstimate(Vector128.Load(c + 2), vb, x1 * va), c + 2);
        }
        else
        {
            Vector128.Store(x0 * va, c);
            Vector128.Store(x1 * va, c + 2);
        }
    }
}
