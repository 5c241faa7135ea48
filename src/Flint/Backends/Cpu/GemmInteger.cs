using System.Numerics;

namespace Flint.Backends.Cpu;

/// <summary>
/// Integer matrix products (PyTorch supports them on the CPU): plain loops in the storage type, wrapping on
/// overflow as C++ integer arithmetic does. Each row of C accumulates k-outer into a scratch row so that B is read
/// along its rows; rows are split over threads for large products.
/// </summary>
internal static unsafe class GemmInteger
{
    private const long ParallelGrain = 1L << 18;

    public static void Run<T>(in GemmProblem p, long alpha, long beta) where T : unmanaged, IBinaryInteger<T>
    {
        if (p.Batch == 0 || p.M == 0 || p.N == 0) return;
        T al = T.CreateTruncating(alpha), be = T.CreateTruncating(beta);
        long rows = p.Batch * p.M;
        int threads = Parallelism.ThreadsFor(rows * p.N * Math.Max(p.K, 1), ParallelGrain);
        var q = p;
        Parallelism.For(threads, (t, n) =>
        {
            T* acc = GemmWorkspace.Get<T>(GemmWorkspace.Accumulator, q.N);
            for (long r = rows * t / n; r < rows * (t + 1) / n; r++) Row(q, r / q.M, r % q.M, acc, al, be);
        });
    }

    private static void Row<T>(in GemmProblem p, long batch, long i, T* acc, T alpha, T beta) where T : unmanaged, IBinaryInteger<T>
    {
        T* a = (T*)p.A + batch * p.Abs + i * p.Ars;
        T* b = (T*)p.B + batch * p.Bbs;
        T* c = (T*)p.C + batch * p.Cbs + i * p.Crs;
        long n = p.N;
        for (long j = 0; j < n; j++) acc[j] = T.Zero;
        for (long k = 0; k < p.K; k++)
        {
            var aik = a[k * p.Acs];
            T* bk = b + k * p.Brs;
            for (long j = 0; j < n; j++) acc[j] += aik * bk[j * p.Bcs];
        }
        for (long j = 0; j < n; j++)
        {
            T* cj = c + j * p.Ccs;
            var v = alpha * acc[j];
            *cj = beta == T.Zero ? v : v + beta * *cj;
        }
    }
}
