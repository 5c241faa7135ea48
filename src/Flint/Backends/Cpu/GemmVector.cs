using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Backends.Cpu;

/// <summary>
/// Matrix-vector products for the GEMM driver (mv, dot, and any product with one row or column):
/// y = alpha * A x + beta * y for an m x k matrix. Rows contiguous (or neither way): dot products four rows at a
/// time, sharing each load of x. Columns contiguous: y accumulates four columns at a time. Operands of another
/// storage type or layout are converted into workspace buffers first; accumulation is in the compute type.
/// </summary>
internal static unsafe class GemmVector
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TS, T>(TS* a, long ars, long acs, TS* x, long xs, TS* y, long ys, long m, long k, T alpha, T beta)
        where TS : unmanaged where T : unmanaged, INumber<T>
    {
        T* xv;
        if (typeof(TS) == typeof(T) && xs == 1) xv = (T*)x;
        else
        {
            xv = GemmWorkspace.Get<T>(GemmWorkspace.Vector, k);
            for (long i = 0; i < k; i++) xv[i] = Cvt.To<TS, T>(x[i * xs]);
        }
        if (ars == 1 && acs != 1)
            ByColumns(a, acs, xv, y, ys, m, k, alpha, beta);
        else
            ByRows(a, ars, acs, xv, y, ys, m, k, alpha, beta);
    }

    private static void ByRows<TS, T>(TS* a, long ars, long acs, T* x, TS* y, long ys, long m, long k, T alpha, T beta)
        where TS : unmanaged where T : unmanaged, INumber<T>
    {
        bool direct = typeof(TS) == typeof(T) && acs == 1;
        T* buf = direct ? null : GemmWorkspace.Get<T>(GemmWorkspace.Row, 4 * k);
        T* sums = stackalloc T[4];
        for (long i = 0; i < m; i += 4)
        {
            int rows = (int)Math.Min(4, m - i);
            T* rowsAt;
            long ld;
            if (direct)
            {
                rowsAt = (T*)(a + i * ars);
                ld = ars;
            }
            else
            {
                for (int r = 0; r < rows; r++)
                {
                    TS* src = a + (i + r) * ars;
                    T* dst = buf + r * k;
                    for (long j = 0; j < k; j++) dst[j] = Cvt.To<TS, T>(src[j * acs]);
                }
                rowsAt = buf;
                ld = k;
            }
            DotRows(rowsAt, ld, rows, x, k, sums);
            for (int r = 0; r < rows; r++) Store(y + (i + r) * ys, sums[r], alpha, beta);
        }
    }

    // sums[r] = row r . x for up to four rows; missing rows alias row 0 and their sums are ignored.
    private static void DotRows<T>(T* a, long lda, int rows, T* x, long k, T* sums) where T : unmanaged, INumber<T>
    {
        T* r0 = a, r1 = rows > 1 ? a + lda : a, r2 = rows > 2 ? a + 2 * lda : a, r3 = rows > 3 ? a + 3 * lda : a;
        Vector<T> s0 = default, s1 = default, s2 = default, s3 = default;
        int vl = Vector<T>.Count;
        long j = 0;
        for (; j + vl <= k; j += vl)
        {
            var xv = Vector.Load(x + j);
            s0 += Vector.Load(r0 + j) * xv;
            s1 += Vector.Load(r1 + j) * xv;
            s2 += Vector.Load(r2 + j) * xv;
            s3 += Vector.Load(r3 + j) * xv;
        }
        T t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
        for (; j < k; j++)
        {
            var xj = x[j];
            t0 += r0[j] * xj;
            t1 += r1[j] * xj;
            t2 += r2[j] * xj;
            t3 += r3[j] * xj;
        }
        sums[0] = t0;
        sums[1] = t1;
        sums[2] = t2;
        sums[3] = t3;
    }

    private static void ByColumns<TS, T>(TS* a, long acs, T* x, TS* y, long ys, long m, long k, T alpha, T beta)
        where TS : unmanaged where T : unmanaged, INumber<T>
    {
        T* acc = GemmWorkspace.Get<T>(GemmWorkspace.Accumulator, m);
        new Span<T>(acc, checked((int)m)).Clear();
        bool direct = typeof(TS) == typeof(T);
        T* buf = direct ? null : GemmWorkspace.Get<T>(GemmWorkspace.Row, 4 * m);
        for (long j = 0; j < k; j += 4)
        {
            int cols = (int)Math.Min(4, k - j);
            T* c0;
            long ld;
            if (direct)
            {
                c0 = (T*)(a + j * acs);
                ld = acs;
            }
            else
            {
                for (int c = 0; c < cols; c++)
                {
                    TS* src = a + (j + c) * acs;
                    T* dst = buf + c * m;
                    for (long i = 0; i < m; i++) dst[i] = Cvt.To<TS, T>(src[i]);
                }
                c0 = buf;
                ld = m;
            }
            if (cols == 4) Axpy4(acc, c0, ld, x + j, m);
            else
                for (int c = 0; c < cols; c++) Axpy1(acc, c0 + c * ld, x[j + c], m);
        }
        for (long i = 0; i < m; i++) Store(y + i * ys, acc[i], alpha, beta);
    }

    // acc += x[0] * c0 + x[1] * c1 + x[2] * c2 + x[3] * c3 (four columns ld apart).
    private static void Axpy4<T>(T* acc, T* c0, long ld, T* x, long m) where T : unmanaged, INumber<T>
    {
        T* c1 = c0 + ld, c2 = c1 + ld, c3 = c2 + ld;
        T x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
        Vector<T> v0 = new(x0), v1 = new(x1), v2 = new(x2), v3 = new(x3);
        int vl = Vector<T>.Count;
        long i = 0;
        for (; i + vl <= m; i += vl)
        {
            var s = Vector.Load(acc + i) + Vector.Load(c0 + i) * v0 + Vector.Load(c1 + i) * v1
                + Vector.Load(c2 + i) * v2 + Vector.Load(c3 + i) * v3;
            s.Store(acc + i);
        }
        for (; i < m; i++) acc[i] += c0[i] * x0 + c1[i] * x1 + c2[i] * x2 + c3[i] * x3;
    }

    private static void Axpy1<T>(T* acc, T* c0, T x0, long m) where T : unmanaged, INumber<T>
    {
        var v0 = new Vector<T>(x0);
        int vl = Vector<T>.Count;
        long i = 0;
        for (; i + vl <= m; i += vl) (Vector.Load(acc + i) + Vector.Load(c0 + i) * v0).Store(acc + i);
        for (; i < m; i++) acc[i] += c0[i] * x0;
    }

    private static void Store<TS, T>(TS* y, T v, T alpha, T beta) where TS : unmanaged where T : unmanaged, INumber<T>
    {
        v *= alpha;
        *y = Cvt.To<T, TS>(beta == T.Zero ? v : v + beta * Cvt.To<TS, T>(*y));
    }
}
