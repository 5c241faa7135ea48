using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Flint.Kernels;

namespace Flint.Backends.Cpu;

/// <summary>
/// The normalisation primitives (batch, group, instance and layer norm): per-channel statistics and sums over an
/// [N, C, S] view with float64 accumulation, a per-channel affine map, and fused layer norm forward and backward over
/// rows. Rows or channels are split over threads; each thread owns its outputs, or its own partial sums that are
/// merged afterwards.
/// </summary>
internal sealed partial class CpuBackend
{
    // Float partial sums are flushed into float64 every this many elements (or rows), bounding float rounding.
    private const int NormBlock = 1024;
    private const int NormColumns = 256;

    private static (long N, long C, long S) NormGeometry(Tensor x) => (x.shape[0], x.shape[1], x.shape[2]);

    public unsafe void NormStats(Tensor x, Tensor mean, Tensor var, ChannelMap? map = null)
    {
        var (n, c, s) = NormGeometry(x);
        var coefficients = map?.Coefficients;
        if (x.dtype == DType.Float32)
            NormStatsImpl((float*)x.Ptr, (double*)mean.Ptr, (double*)var.Ptr, n, c, s, coefficients, map is null ? null : (float*)map.Output.Ptr);
        else NormStatsImpl((double*)x.Ptr, (double*)mean.Ptr, (double*)var.Ptr, n, c, s, coefficients, map is null ? null : (double*)map.Output.Ptr);
        GC.KeepAlive(x);
        GC.KeepAlive(mean);
        GC.KeepAlive(var);
        GC.KeepAlive(map?.Output);
    }

    public unsafe void NormSums(Tensor dy, Tensor x, Tensor? mean, Tensor sumDy, Tensor sumDyX)
    {
        var (n, c, s) = NormGeometry(x);
        double* pm = mean is null ? null : (double*)mean.Ptr;
        if (x.dtype == DType.Float32) NormSumsImpl((float*)dy.Ptr, (float*)x.Ptr, pm, (double*)sumDy.Ptr, (double*)sumDyX.Ptr, n, c, s);
        else NormSumsImpl((double*)dy.Ptr, (double*)x.Ptr, pm, (double*)sumDy.Ptr, (double*)sumDyX.Ptr, n, c, s);
        GC.KeepAlive(dy);
        GC.KeepAlive(x);
        GC.KeepAlive(mean);
        GC.KeepAlive(sumDy);
        GC.KeepAlive(sumDyX);
    }

    public unsafe void ChannelAffine(Tensor a, Tensor? b, Tensor ca, Tensor? cb, Tensor cc, Tensor y)
    {
        var (n, c, s) = NormGeometry(a);
        if (a.dtype == DType.Float32)
            ChannelAffineImpl((float*)a.Ptr, b is null ? null : (float*)b.Ptr, (float*)ca.Ptr, cb is null ? null : (float*)cb.Ptr,
                (float*)cc.Ptr, (float*)y.Ptr, n, c, s);
        else
            ChannelAffineImpl((double*)a.Ptr, b is null ? null : (double*)b.Ptr, (double*)ca.Ptr, cb is null ? null : (double*)cb.Ptr,
                (double*)cc.Ptr, (double*)y.Ptr, n, c, s);
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(ca);
        GC.KeepAlive(cb);
        GC.KeepAlive(cc);
        GC.KeepAlive(y);
    }

    public unsafe void LayerNorm(Tensor x, Tensor? weight, Tensor? bias, double eps, Tensor y, Tensor mean, Tensor rstd)
    {
        long m = x.shape[0], n = x.shape[1];
        if (x.dtype == DType.Float32)
            LayerNormImpl((float*)x.Ptr, weight is null ? null : (float*)weight.Ptr, bias is null ? null : (float*)bias.Ptr, (float)eps,
                (float*)y.Ptr, (float*)mean.Ptr, (float*)rstd.Ptr, m, n);
        else
            LayerNormImpl((double*)x.Ptr, weight is null ? null : (double*)weight.Ptr, bias is null ? null : (double*)bias.Ptr, eps,
                (double*)y.Ptr, (double*)mean.Ptr, (double*)rstd.Ptr, m, n);
        GC.KeepAlive(x);
        GC.KeepAlive(weight);
        GC.KeepAlive(bias);
        GC.KeepAlive(y);
        GC.KeepAlive(mean);
        GC.KeepAlive(rstd);
    }

    public unsafe void LayerNormBackward(Tensor dy, Tensor x, Tensor mean, Tensor rstd, Tensor? weight, Tensor? dx, Tensor? dweight, Tensor? dbias)
    {
        long m = x.shape[0], n = x.shape[1];
        if (x.dtype == DType.Float32)
            LayerNormBackwardImpl((float*)dy.Ptr, (float*)x.Ptr, (float*)mean.Ptr, (float*)rstd.Ptr, weight is null ? null : (float*)weight.Ptr,
                dx is null ? null : (float*)dx.Ptr, dweight is null ? null : (float*)dweight.Ptr, dbias is null ? null : (float*)dbias.Ptr, m, n);
        else
            LayerNormBackwardImpl((double*)dy.Ptr, (double*)x.Ptr, (double*)mean.Ptr, (double*)rstd.Ptr, weight is null ? null : (double*)weight.Ptr,
                dx is null ? null : (double*)dx.Ptr, dweight is null ? null : (double*)dweight.Ptr, dbias is null ? null : (double*)dbias.Ptr, m, n);
        GC.KeepAlive(dy);
        GC.KeepAlive(x);
        GC.KeepAlive(mean);
        GC.KeepAlive(rstd);
        GC.KeepAlive(weight);
        GC.KeepAlive(dx);
        GC.KeepAlive(dweight);
        GC.KeepAlive(dbias);
    }

    // Σ of a span, in float64, from float partial sums of NormBlock elements.
    private static unsafe double BlockSum<T>(ReadOnlySpan<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (FloatRows<T>())
            fixed (T* p = v) return RowSum((float*)p, null, v.Length, 0f, false);
        double s = 0;
        for (int i = 0; i < v.Length; i += NormBlock)
            s += double.CreateTruncating(TensorPrimitives.Sum(v.Slice(i, Math.Min(NormBlock, v.Length - i))));
        return s;
    }

    // Σ (v − m)² in float64, from float partial sums over chunks centred in a scratch buffer (of NormColumns).
    private static unsafe double CentredSquares<T>(ReadOnlySpan<T> v, T m, Span<T> scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (FloatRows<T>())
            fixed (T* p = v) return RowSum((float*)p, null, v.Length, float.CreateTruncating(m), true);
        double s = 0;
        for (int i = 0; i < v.Length; i += scratch.Length)
        {
            var part = scratch[..Math.Min(scratch.Length, v.Length - i)];
            TensorPrimitives.Subtract(v.Slice(i, part.Length), m, part);
            s += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(part));
        }
        return s;
    }

    // Σ dy · (x − m) in float64, from float partial dot products over chunks of the scratch buffer's length (NormColumns).
    private static unsafe double CentredDot<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> x, T m, Span<T> scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (FloatRows<T>())
            fixed (T* pd = dy, px = x) return RowSum((float*)px, (float*)pd, x.Length, float.CreateTruncating(m), true);
        double s = 0;
        for (int i = 0; i < x.Length; i += scratch.Length)
        {
            var part = scratch[..Math.Min(scratch.Length, x.Length - i)];
            TensorPrimitives.Subtract(x.Slice(i, part.Length), m, part);
            s += double.CreateTruncating(TensorPrimitives.Dot<T>(dy.Slice(i, part.Length), part));
        }
        return s;
    }

    private static unsafe void NormStatsImpl<T>(T* x, double* mean, double* var, long n, long c, long s,
        Func<long, double, double, (double Scale, double Shift)>? coefficients, T* y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint px = (nint)x, pm = (nint)mean, pv = (nint)var, py = (nint)y;
        double count = n * s;
        if (s == 1 && c > 1)
        {
            var (mu, m2) = ColumnMoments(x, n, c);
            for (long j = 0; j < c; j++)
            {
                mean[j] = mu[j];
                var[j] = m2[j] / count;
            }
            if (coefficients is null) return;
            // Channels are columns here: the map is a second pass.
            var (scale, shift) = (new T[c], new T[c]);
            for (long j = 0; j < c; j++)
            {
                var (a, b) = coefficients(j, ((double*)pm)[j], ((double*)pv)[j]);
                (scale[j], shift[j]) = (T.CreateTruncating(a), T.CreateTruncating(b));
            }
            fixed (T* ps = scale, pc = shift) ChannelAffineImpl((T*)px, null, ps, null, pc, (T*)py, n, c, 1);
            return;
        }
        bool stream = coefficients is not null && Streams<T>((T*)py, n * c, s);
        var len = checked((int)s);
        ForRange(c, n * c * s, (lo, hi) =>
        {
            Span<T> scratch = stackalloc T[NormColumns];
            for (long ch = lo; ch < hi; ch++)
            {
                double sum = 0;
                for (long b = 0; b < n; b++)
                    sum += BlockSum(new ReadOnlySpan<T>((T*)px + (b * c + ch) * s, len));
                var m = T.CreateTruncating(sum / count);
                double sq = 0;
                for (long b = 0; b < n; b++)
                    sq += CentredSquares(new ReadOnlySpan<T>((T*)px + (b * c + ch) * s, len), m, scratch);
                ((double*)pm)[ch] = double.CreateTruncating(m);
                ((double*)pv)[ch] = sq / count;
                if (coefficients is null) continue;
                // The channel's rows were just read twice and are still in cache: map them now, prefetching the next
                // channel's rows for its statistics.
                var (a, sh) = coefficients(ch, ((double*)pm)[ch], ((double*)pv)[ch]);
                for (long b = 0; b < n; b++)
                {
                    long row = (b * c + ch) * s;
                    if (FloatRows<T>())
                        StoreRow(new AffineOut((float*)px + row, (float)a, (float)sh, null, 0), (float*)py + row, len, stream, (float*)px + row + s, null);
                    else ScaleShift(new ReadOnlySpan<T>((T*)px + row, len), T.CreateTruncating(a), T.CreateTruncating(sh), new Span<T>((T*)py + row, len));
                }
            }
        });
    }

    private static unsafe void NormSumsImpl<T>(T* dy, T* x, double* mean, double* sumDy, double* sumDyX, long n, long c, long s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint pdy = (nint)dy, px = (nint)x, pm = (nint)mean, psd = (nint)sumDy, psx = (nint)sumDyX;
        if (s == 1 && c > 1)
        {
            var mt = new T[c];
            for (long j = 0; j < c; j++) mt[j] = pm == 0 ? T.Zero : T.CreateTruncating(mean[j]);
            ColumnGradientSums(dy, x, mt, n, c, new Span<double>(sumDy, (int)c), new Span<double>(sumDyX, (int)c));
            // The sums were about the mean rounded to T: Σ dy · (x − mean) = Σ dy · (x − m) + (m − mean) Σ dy.
            if (pm != 0)
                for (long j = 0; j < c; j++) sumDyX[j] += (double.CreateTruncating(mt[j]) - mean[j]) * sumDy[j];
            return;
        }
        var len = checked((int)s);
        ForRange(c, n * c * s, (lo, hi) =>
        {
            Span<T> scratch = stackalloc T[NormColumns];
            for (long ch = lo; ch < hi; ch++)
            {
                var m = pm == 0 ? T.Zero : T.CreateTruncating(((double*)pm)[ch]);
                double sd = 0, sx = 0;
                for (long b = 0; b < n; b++)
                {
                    var off = (b * c + ch) * s;
                    var g = new ReadOnlySpan<T>((T*)pdy + off, len);
                    sd += BlockSum(g);
                    sx += CentredDot(g, new ReadOnlySpan<T>((T*)px + off, len), m, scratch);
                }
                ((double*)psd)[ch] = sd;
                ((double*)psx)[ch] = pm == 0 ? sx : sx + (double.CreateTruncating(m) - ((double*)pm)[ch]) * sd;
            }
        });
    }

    // Column sums of the [n, c] matrix v over the columns [c0, c0 + acc.Length) of d = v − centre (centre indexed by
    // column, or d = v without one): into acc Σ d, Σ d² (square) or Σ dy · d, and into factors, unless empty, the sums
    // of the other factor, Σ d or Σ dy. They are accumulated in float rows (part: 2 · acc.Length) flushed to float64
    // every NormBlock rows.
    private static unsafe void ColumnSums<T>(T* v, long n, long c, long c0, Span<double> acc, Span<double> factors, T[] part, T[]? centre,
        bool square, T* dy) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = acc.Length;
        if (FloatRows<T>())
        {
            fixed (T* pp = part, pc = centre)
            {
                float* fc = pc == null ? null : (float*)pc + c0, fd = dy == null ? null : (float*)dy + c0;
                if (Vector512.IsHardwareAccelerated)
                    ColumnSums<FloatLanes512, Vector512<float>>((float*)v + c0, n, c, acc, factors, (float*)pp, fc, square, fd);
                else ColumnSums<FloatLanes256, Vector256<float>>((float*)v + c0, n, c, acc, factors, (float*)pp, fc, square, fd);
            }
            return;
        }
        acc.Clear();
        factors.Clear();
        Span<T> tmp = stackalloc T[w], ps = part.AsSpan(0, w), pf = part.AsSpan(w, w);
        for (long r0 = 0; r0 < n; r0 += NormBlock)
        {
            part.AsSpan(0, 2 * w).Clear();
            for (long r = r0; r < Math.Min(n, r0 + NormBlock); r++)
            {
                var row = new ReadOnlySpan<T>(v + r * c + c0, w);
                if (centre is not null) TensorPrimitives.Subtract(row, new ReadOnlySpan<T>(centre, (int)c0, w), tmp);
                else row.CopyTo(tmp);
                if (dy is null && !square)
                {
                    TensorPrimitives.Add(ps, tmp, ps);
                    continue;
                }
                ReadOnlySpan<T> g = dy is null ? tmp : new ReadOnlySpan<T>(dy + r * c + c0, w);
                if (!factors.IsEmpty) TensorPrimitives.Add(pf, g, pf);
                TensorPrimitives.MultiplyAdd(g, tmp, ps, ps);
            }
            for (int j = 0; j < w; j++) acc[j] += double.CreateTruncating(ps[j]);
            if (!factors.IsEmpty)
                for (int j = 0; j < w; j++) factors[j] += double.CreateTruncating(pf[j]);
        }
    }

    // The float form of ColumnSums: float partial sums over NormBlock rows in one vector loop per four rows, each a
    // quarter of the rows apart (four adjacent rows lost the prefetchers in the column reductions, MappedColumns); the
    // rows left over go one at a time.
    private static unsafe void ColumnSums<TL, TV>(float* v, long n, long c, Span<double> acc, Span<double> factors, float* part, float* centre,
        bool square, float* dy) where TL : IFloatLanes<TV> where TV : struct
    {
        int w = acc.Length, step = TL.Count, wv = w / step * step;
        float* pf = factors.IsEmpty ? null : part + w;
        bool product = square || dy != null;
        acc.Clear();
        factors.Clear();
        for (long r0 = 0; r0 < n; r0 += NormBlock)
        {
            new Span<float>(part, 2 * w).Clear();
            long rows = Math.Min(NormBlock, n - r0), q = rows / 4;
            // Rows r0 .. r0 + q each lead a quad (r, r + q, r + 2q, r + 3q); then the rows from r0 + 4q go singly.
            for (long r = r0; r < r0 + rows; r = r + 1 == r0 + q ? r0 + 4 * q : r + 1)
            {
                bool quad = r < r0 + q;
                long gap = quad ? q * c : 0;
                float* x0 = v + r * c, d0 = dy == null ? null : dy + r * c;
                int j = 0;
                for (; j < wv; j += step)
                {
                    var cj = centre == null ? default : TL.Load(in centre[j], 0);
                    var t = Term<TL, TV>(x0 + j, d0 == null ? null : d0 + j, cj, centre != null, square, out var g);
                    if (quad)
                    {
                        var t1 = Term<TL, TV>(x0 + gap + j, d0 == null ? null : d0 + gap + j, cj, centre != null, square, out var g1);
                        var t2 = Term<TL, TV>(x0 + 2 * gap + j, d0 == null ? null : d0 + 2 * gap + j, cj, centre != null, square, out var g2);
                        var t3 = Term<TL, TV>(x0 + 3 * gap + j, d0 == null ? null : d0 + 3 * gap + j, cj, centre != null, square, out var g3);
                        t = TL.Add(TL.Add(t, t1), TL.Add(t2, t3));
                        if (pf != null) g = TL.Add(TL.Add(g, g1), TL.Add(g2, g3));
                    }
                    if (pf != null) TL.Store(TL.Add(TL.Load(in pf[j], 0), g), ref pf[j], 0);
                    TL.Store(TL.Add(t, TL.Load(in part[j], 0)), ref part[j], 0);
                }
                for (; j < w; j++)
                    for (long k = 0; k < (quad ? 4 : 1); k++)
                    {
                        float x = x0[k * gap + j] - (centre == null ? 0 : centre[j]);
                        float g = dy == null ? x : d0[k * gap + j];
                        if (pf != null) pf[j] += g;
                        part[j] += product ? g * x : x;
                    }
            }
            for (int j = 0; j < w; j++) acc[j] += part[j];
            if (pf != null)
                for (int j = 0; j < w; j++) factors[j] += pf[j];
        }
    }

    // One row's term of ColumnSums at a vector: d = x − centre (or x), and g · d with g = dy or d (product), or d.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe TV Term<TL, TV>(float* x, float* dy, TV centre, bool centred, bool square, out TV g)
        where TL : IFloatLanes<TV> where TV : struct
    {
        var d = TL.Load(in *x, 0);
        if (centred) d = TL.Subtract(d, centre);
        g = dy != null ? TL.Load(in *dy, 0) : d;
        return dy != null || square ? TL.Multiply(g, d) : d;
    }

    // Bytes of one block of rows in ColumnBlocks: a block read from memory stays in L2 for the block's later sums.
    private const int ColumnBlockBytes = 256 << 10;
    private const int ColumnChunk = 2048;

    // The threads that ColumnBlocks splits the rows of a [n, c] input over.
    private static int ColumnThreads(long n, long c) => (int)Math.Max(1, Math.Min(Parallelism.ThreadsFor(n * c), n));

    // Walks the rows of a [n, c] input for per-column sums: thread t of `threads` takes the rows [n t / threads,
    // n (t + 1) / threads), in column chunks of at most ColumnChunk (each row's part one long strip) and blocks of
    // ColumnBlockBytes; body(t, rows before the block in the thread's range, first row, rows, c0, width) runs each block,
    // so that several sums over one block read memory once. Split by columns instead, each thread read 1 KB strips of
    // every row.
    private static void ColumnBlocks(long n, long c, int elementSize, int threads, Action<int, long, long, long, long, int> body) =>
        Parallelism.For(threads, (t, count) =>
        {
            long r0 = n * t / count, r1 = n * (t + 1) / count;
            for (long c0 = 0; c0 < c; c0 += ColumnChunk)
            {
                int w = (int)Math.Min(ColumnChunk, c - c0);
                long rows = Math.Clamp(ColumnBlockBytes / ((long)w * elementSize), 1, NormBlock);
                for (long b = r0; b < r1; b += rows) body(t, b - r0, b, Math.Min(rows, r1 - b), c0, w);
            }
        });

    // Per-column mean and Σ (v − mean)² of a [n, c] input in one pass over memory. A thread's first block of rows (per
    // column chunk) takes two passes while it is in L2: its mean, then its squares about that mean. Each later block
    // sums d = v − (the mean so far) and d² in one pass, which holds its digits since the mean so far is near the
    // block's; and the blocks' (count, mean, squares) merge exactly (Chan, Golub and LeVeque), then the threads' in
    // order. On [4096, 1024] the statistics took 0.62-0.82 ms in two passes over the whole input, 0.46-0.55 ms so
    // (alternating in one process); the benchmark's training row went from 1.40 to 1.32 of PyTorch.
    private static unsafe (double[] Mean, double[] Squares) ColumnMoments<T>(T* v, long n, long c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int threads = ColumnThreads(n, c);
        var (means, squares, parts, centres) = (new double[threads][], new double[threads][], new T[threads][], new T[threads][]);
        for (int t = 0; t < threads; t++)
            (means[t], squares[t], parts[t], centres[t]) = (new double[c], new double[c], new T[2 * Math.Min(ColumnChunk, c)], new T[c]);
        nint pv = (nint)v;
        ColumnBlocks(n, c, sizeof(T), threads, (t, before, b, rows, c0, w) =>
        {
            Span<double> bs = stackalloc double[w], bq = stackalloc double[w], tmp = stackalloc double[w];
            Span<double> mean = means[t].AsSpan((int)c0, w), sq = squares[t].AsSpan((int)c0, w);
            var centre = centres[t].AsSpan((int)c0, w);
            T* block = (T*)pv + b * c;
            if (before == 0)
            {
                // About the first row, the float sums stay small and keep their digits.
                new ReadOnlySpan<T>(block + c0, w).CopyTo(centre);
                ColumnSums(block, rows, c, c0, bs, default, parts[t], centres[t], false, null);
                TensorPrimitives.ConvertTruncating<T, double>(centre, tmp);
                TensorPrimitives.MultiplyAdd(bs, 1.0 / rows, tmp, mean);
                // Squares about the mean rounded to T add rows · (half an ulp)² at most.
                TensorPrimitives.ConvertTruncating(mean, centre);
                ColumnSums(block, rows, c, c0, sq, default, parts[t], centres[t], true, null);
                return;
            }
            TensorPrimitives.ConvertTruncating(mean, centre);
            ColumnSums(block, rows, c, c0, bq, bs, parts[t], centres[t], true, null);
            // With the block's Σ d and Σ d² about the centre: its mean is centre + Σ d / rows, its squares Σ d² − (Σ d)² / rows.
            TensorPrimitives.Multiply(bs, bs, tmp);
            TensorPrimitives.MultiplyAdd(tmp, -1.0 / rows, bq, bq);
            TensorPrimitives.ConvertTruncating<T, double>(centre, tmp);
            TensorPrimitives.MultiplyAdd(bs, 1.0 / rows, tmp, bs);
            MergeMoments(mean, sq, before, bs, bq, rows, tmp);
        });
        var scratch = new double[c];
        for (int t = 1; t < threads; t++)
        {
            long before = n * t / threads;
            MergeMoments(means[0], squares[0], before, means[t], squares[t], n * (t + 1) / threads - before, scratch);
        }
        // A column holding ±∞ or NaN has non-finite squares, and its shifts and merges may have turned an infinite mean
        // into NaN: its mean is then the plain sum's (±∞ or NaN) and its squares NaN, as PyTorch's.
        for (long j = 0; j < c; j++)
        {
            if (double.IsFinite(squares[0][j])) continue;
            double sum = 0;
            for (long r = 0; r < n; r++) sum += double.CreateTruncating(v[r * c + j]);
            (means[0][j], squares[0][j]) = (sum / n, double.NaN);
        }
        return (means[0], squares[0]);
    }

    // Merges the per-column moments of nb values (means mb, centred squares qb) into those of na values (ma, qa): the
    // pairwise update of Chan, Golub and LeVeque, exact in real arithmetic.
    private static void MergeMoments(Span<double> ma, Span<double> qa, long na, ReadOnlySpan<double> mb, ReadOnlySpan<double> qb, long nb,
        Span<double> scratch)
    {
        double total = na + nb;
        var delta = scratch[..ma.Length];
        TensorPrimitives.Subtract(mb, ma, delta);
        TensorPrimitives.MultiplyAdd(delta, nb / total, ma, ma);
        TensorPrimitives.Multiply(delta, delta, delta);
        TensorPrimitives.MultiplyAdd(delta, na * nb / total, qa, qa);
        TensorPrimitives.Add(qa, qb, qa);
    }

    // Per-column Σ dy and Σ dy · (x − centre) of two [n, c] inputs, both in one pass (two passes, re-reading dy, took
    // 0.82-1.57 ms on [4096, 1024] against 0.64-0.87 ms, alternating in one process).
    private static unsafe void ColumnGradientSums<T>(T* dy, T* x, T[] centre, long n, long c, Span<double> sumDy, Span<double> sumDyX)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int threads = ColumnThreads(n, c);
        var (sums, dots, parts) = (new double[threads][], new double[threads][], new T[threads][]);
        for (int t = 0; t < threads; t++) (sums[t], dots[t], parts[t]) = (new double[c], new double[c], new T[2 * Math.Min(ColumnChunk, c)]);
        nint pd = (nint)dy, px = (nint)x;
        ColumnBlocks(n, c, sizeof(T), threads, (t, _, b, rows, c0, w) =>
        {
            Span<double> bs = stackalloc double[w], bd = stackalloc double[w];
            ColumnSums((T*)px + b * c, rows, c, c0, bd, bs, parts[t], centre, false, (T*)pd + b * c);
            Span<double> s = sums[t].AsSpan((int)c0, w), d = dots[t].AsSpan((int)c0, w);
            TensorPrimitives.Add(s, bs, s);
            TensorPrimitives.Add(d, bd, d);
        });
        sums[0].CopyTo(sumDy);
        dots[0].CopyTo(sumDyX);
        for (int t = 1; t < threads; t++)
        {
            TensorPrimitives.Add(sumDy, sums[t], sumDy);
            TensorPrimitives.Add(sumDyX, dots[t], sumDyX);
        }
    }

    // Splits [0, items) over threads by the total element work.
    private static void ForRange(long items, long work, Action<long, long> body)
    {
        int threads = (int)Math.Min(Parallelism.ThreadsFor(work), Math.Max(items, 1));
        Parallelism.For(threads, (t, count) =>
        {
            body(items * t / count, items * (t + 1) / count);
            // The rows StoreRow streamed are weakly ordered stores: one fence a thread orders them before the join.
            if (Sse.IsSupported) Sse.StoreFence();
        });
    }

    private static unsafe void ChannelAffineImpl<T>(T* a, T* b, T* ca, T* cb, T* cc, T* y, long n, long c, long s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint pa = (nint)a, pb = (nint)b, pca = (nint)ca, pcb = (nint)cb, pcc = (nint)cc, py = (nint)y;
        if (s == 1)
        {
            var w = checked((int)c);
            bool streamRows = Streams<T>(y, n, c);
            ForRange(n, n * c, (lo, hi) =>
            {
                ReadOnlySpan<T> vca = new((T*)pca, w), vcc = new((T*)pcc, w);
                for (long r = lo; r < hi; r++)
                {
                    if (FloatRows<T>())
                    {
                        // One pass per row (two library calls re-read y, 51% of BatchNorm1d's backward).
                        float* ar = (float*)pa + r * c, br = pb == 0 ? null : (float*)pb + r * c;
                        StoreRow(new ColumnAffineOut(ar, (float*)pca, (float*)pcc, br, (float*)pcb), (float*)py + r * c, w, streamRows,
                            ar + c, br == null ? null : br + c);
                        continue;
                    }
                    var yr = new Span<T>((T*)py + r * c, w);
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>((T*)pa + r * c, w), vca, vcc, yr);
                    if (pb != 0) TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>((T*)pb + r * c, w), new ReadOnlySpan<T>((T*)pcb, w), yr, yr);
                }
            });
            return;
        }
        var len = checked((int)s);
        bool stream = Streams<T>(y, n * c, s);
        ForRange(n * c, n * c * s, (lo, hi) =>
        {
            for (long r = lo; r < hi; r++)
            {
                var ch = r % c;
                if (FloatRows<T>())
                {
                    StoreRow(new AffineOut((float*)pa + r * s, float.CreateTruncating(((T*)pca)[ch]), float.CreateTruncating(((T*)pcc)[ch]),
                            pb == 0 ? null : (float*)pb + r * s, pb == 0 ? 0 : float.CreateTruncating(((T*)pcb)[ch])),
                        (float*)py + r * s, len, stream, (float*)pa + (r + 1) * s, pb == 0 ? null : (float*)pb + (r + 1) * s);
                    continue;
                }
                var yr = new Span<T>((T*)py + r * s, len);
                ScaleShift(new ReadOnlySpan<T>((T*)pa + r * s, len), ((T*)pca)[ch], ((T*)pcc)[ch], yr);
                if (pb != 0) TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>((T*)pb + r * s, len), ((T*)pcb)[ch], yr, yr);
            }
        });
    }

    private static unsafe void LayerNormImpl<T>(T* x, T* w, T* b, T eps, T* y, T* mean, T* rstd, long m, long n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint px = (nint)x, pw = (nint)w, pb = (nint)b, py = (nint)y, pm = (nint)mean, pr = (nint)rstd;
        var len = checked((int)n);
        bool stream = Streams<T>(y, m, n);
        ForRange(m, m * n, (lo, hi) =>
        {
            Span<T> scratch = stackalloc T[NormColumns];
            for (long r = lo; r < hi; r++)
            {
                var xr = new ReadOnlySpan<T>((T*)px + r * n, len);
                var yr = new Span<T>((T*)py + r * n, len);
                var mu = T.CreateTruncating(BlockSum(xr) / n);
                var variance = T.CreateTruncating(CentredSquares(xr, mu, scratch) / n);
                var rs = T.One / T.Sqrt(T.Max(variance, T.Zero) + eps);
                ((T*)pm)[r] = mu;
                ((T*)pr)[r] = rs;
                if (FloatRows<T>())
                {
                    StoreRow(new LayerNormOut((float*)px + r * n, (float*)pw, (float*)pb, float.CreateTruncating(rs), float.CreateTruncating(-rs * mu)),
                        (float*)py + r * n, len, stream, (float*)px + (r + 1) * n, null);
                    continue;
                }
                ScaleShift(xr, rs, -rs * mu, yr);
                if (pw != 0 && pb != 0) TensorPrimitives.MultiplyAdd(yr, new ReadOnlySpan<T>((T*)pw, len), new ReadOnlySpan<T>((T*)pb, len), yr);
                else if (pw != 0) TensorPrimitives.Multiply(yr, new ReadOnlySpan<T>((T*)pw, len), yr);
                else if (pb != 0) TensorPrimitives.Add(yr, new ReadOnlySpan<T>((T*)pb, len), yr);
            }
        });
    }

    private static unsafe void LayerNormBackwardImpl<T>(T* dy, T* x, T* mean, T* rstd, T* w, T* dx, T* dw, T* db, long m, long n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint pdy = (nint)dy, px = (nint)x, pm = (nint)mean, pr = (nint)rstd, pw = (nint)w, pdx = (nint)dx, pdw = (nint)dw, pdb = (nint)db;
        var len = checked((int)n);
        var scale = T.One / T.CreateTruncating(n);
        int threads = (int)Math.Min(Parallelism.ThreadsFor(m * n), Math.Max(m, 1));
        bool stream = dx is not null && Streams<T>(dx, m, n);
        var partialW = pdw == 0 ? null : new nint[threads];
        var partialB = pdb == 0 ? null : new nint[threads];
        var handles = new GCHandle[threads];
        try
        {
            Parallelism.For(threads, (t, count) =>
            {
                // The rows this thread stores into as it reads dy and x, away from their 4 KB phases (see PagePhases);
                // pinned until the partial sums are merged.
                handles[t] = GCHandle.Alloc(new T[PagePhases.Length<T>(3, len)], GCHandleType.Pinned);
                Span<nint> rows = stackalloc nint[3];
                PagePhases.Place((T*)handles[t].AddrOfPinnedObject(), rows, len, pdy, px);
                T* pgw = (T*)rows[0], paw = partialW is null ? null : (T*)(partialW[t] = rows[1]), pab = partialB is null ? null : (T*)(partialB[t] = rows[2]);
                var gw = new Span<T>(pgw, len);
                // x · rstd − mean · rstd, for the generic (non-float) rows only.
                var centred = FloatRows<T>() ? null : new T[len];
                var accW = paw == null ? default : new Span<T>(paw, len);
                var accB = pab == null ? default : new Span<T>(pab, len);
                for (long r = m * t / count; r < m * (t + 1) / count; r++)
                {
                    var g = new ReadOnlySpan<T>((T*)pdy + r * n, len);
                    var xr = new ReadOnlySpan<T>((T*)px + r * n, len);
                    T mu = ((T*)pm)[r], a = ((T*)pr)[r], ds, dbs;
                    if (FloatRows<T>())
                    {
                        var (fds, fdbs) = LayerNormGradSums((float*)pdy + r * n, (float*)px + r * n, (float*)pw, float.CreateTruncating(a),
                            float.CreateTruncating(-mu * a), (float*)paw, (float*)pab, pdx == 0 ? null : (float*)pgw, len);
                        (ds, dbs) = (T.CreateTruncating(fds), T.CreateTruncating(fdbs));
                    }
                    else
                    {
                        if (paw != null)
                        {
                            // dweight += dy · (x − mean) · rstd, evaluated as dy · (x · rstd − mean · rstd).
                            ScaleShift(xr, a, -mu * a, centred);
                            TensorPrimitives.MultiplyAdd(g, centred, accW, accW);
                        }
                        if (pab != null) TensorPrimitives.Add(accB, g, accB);
                        if (pdx == 0) continue;
                        if (pw != 0) TensorPrimitives.Multiply(g, new ReadOnlySpan<T>((T*)pw, len), gw);
                        else g.CopyTo(gw);
                        (ds, dbs) = (TensorPrimitives.Dot<T>(gw, xr), TensorPrimitives.Sum<T>(gw));
                    }
                    if (pdx == 0) continue;
                    var bc = (dbs * mu - ds) * a * a * a * scale;
                    var cc = -bc * mu - dbs * a * scale;
                    if (FloatRows<T>())
                    {
                        StoreRow(new LayerNormGradOut((float*)pgw, (float*)px + r * n, float.CreateTruncating(a), float.CreateTruncating(cc),
                            float.CreateTruncating(bc)), (float*)pdx + r * n, len, stream, (float*)pdy + (r + 1) * n, (float*)px + (r + 1) * n);
                        continue;
                    }
                    var dxr = new Span<T>((T*)pdx + r * n, len);
                    ScaleShift(gw, a, cc, dxr);
                    TensorPrimitives.MultiplyAdd(xr, bc, dxr, dxr);
                }
                if (stream && Sse.IsSupported) Sse.StoreFence();
            });
            if (partialW is not null) MergePartials<T>(partialW, new Span<T>((T*)pdw, len));
            if (partialB is not null) MergePartials<T>(partialB, new Span<T>((T*)pdb, len));
        }
        finally
        {
            foreach (var h in handles)
                if (h.IsAllocated) h.Free();
        }
    }

    // Float rows take the vector row loop below (double keeps TensorPrimitives' passes).
    private static bool FloatRows<T>() => typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated;

    // Whether the float rows of an [m, n] output are written past the caches (MathLoops.StreamingBytes per thread), which
    // needs every row aligned to a 512-bit vector.
    private static unsafe bool Streams<T>(T* y, long m, long n) where T : unmanaged =>
        FloatRows<T>() && (nint)y % 64 == 0 && n % 16 == 0
        && MathLoops.Streams(m * n * sizeof(float), (int)Math.Min(Parallelism.ThreadsFor(m * n), Math.Max(m, 1)));

    // A float output row's formula, at a vector of positions or at one (the tail). Each product and sum is rounded on
    // its own, as in PyTorch's vectorised kernels.
    private interface INormRow
    {
        TV At<TL, TV>(int i) where TL : IFloatLanes<TV> where TV : struct;

        float At(int i);
    }

    // Layer norm: (x · rstd + (−rstd · mean)) · w + b, w and b optional.
    private readonly unsafe struct LayerNormOut(float* x, float* w, float* b, float scale, float shift) : INormRow
    {
        public TV At<TL, TV>(int i) where TL : IFloatLanes<TV> where TV : struct
        {
            var v = TL.Add(TL.Multiply(TL.Load(in x[i], 0), TL.Splat(scale)), TL.Splat(shift));
            if (w != null) v = TL.Multiply(v, TL.Load(in w[i], 0));
            return b != null ? TL.Add(v, TL.Load(in b[i], 0)) : v;
        }

        public float At(int i)
        {
            var v = x[i] * scale + shift;
            if (w != null) v *= w[i];
            return b != null ? v + b[i] : v;
        }
    }

    // The per-column affine map of a [n, c] row (channels as columns): a · ca + cc, plus b · cb when there is a second
    // input, each product and sum rounded as the two library calls it replaces rounded them.
    private readonly unsafe struct ColumnAffineOut(float* a, float* ca, float* cc, float* b, float* cb) : INormRow
    {
        public TV At<TL, TV>(int i) where TL : IFloatLanes<TV> where TV : struct
        {
            var v = TL.Add(TL.Multiply(TL.Load(in a[i], 0), TL.Load(in ca[i], 0)), TL.Load(in cc[i], 0));
            return b != null ? TL.Add(TL.Multiply(TL.Load(in b[i], 0), TL.Load(in cb[i], 0)), v) : v;
        }

        public float At(int i)
        {
            var v = a[i] * ca[i] + cc[i];
            return b != null ? b[i] * cb[i] + v : v;
        }
    }

    // Layer norm's input gradient: (g · rstd + cc) + x · bc, g the weighted output gradient.
    private readonly unsafe struct LayerNormGradOut(float* g, float* x, float a, float cc, float bc) : INormRow
    {
        public TV At<TL, TV>(int i) where TL : IFloatLanes<TV> where TV : struct =>
            TL.Add(TL.Multiply(TL.Load(in x[i], 0), TL.Splat(bc)), TL.Add(TL.Multiply(TL.Load(in g[i], 0), TL.Splat(a)), TL.Splat(cc)));

        public float At(int i) => x[i] * bc + (g[i] * a + cc);
    }

    // A channel's affine map: x · scale + shift, plus b · k when there is a second input.
    private readonly unsafe struct AffineOut(float* x, float scale, float shift, float* b, float k) : INormRow
    {
        public TV At<TL, TV>(int i) where TL : IFloatLanes<TV> where TV : struct
        {
            var v = TL.Add(TL.Multiply(TL.Load(in x[i], 0), TL.Splat(scale)), TL.Splat(shift));
            return b != null ? TL.Add(TL.Multiply(TL.Load(in b[i], 0), TL.Splat(k)), v) : v;
        }

        public float At(int i)
        {
            var v = x[i] * scale + shift;
            return b != null ? b[i] * k + v : v;
        }
    }

    // One pass over a float row of layer norm's backward: dweight += dy · (x · rstd + shift) and dbias += dy (each
    // when asked), gw = dy · w (w optional) kept for the input gradient, and Σ gw · x and Σ gw returned.
    /// <summary>
    /// The float form of <see cref="BlockSum{T}"/>, <see cref="CentredSquares{T}"/> and <see cref="CentredDot{T}"/>: Σ x of
    /// a row, or with <paramref name="centred"/> Σ (x − m)², or Σ g · (x − m) where <paramref name="g"/> is given, summed
    /// in float over blocks (NormBlock elements for Σ x, NormColumns for the centred sums) and in float64 across them, in
    /// one vector pass (their library call per block took a third of layer norm's time on a 4096-wide row).
    /// </summary>
    private static unsafe double RowSum(float* x, float* g, int n, float m, bool centred) =>
        Vector512.IsHardwareAccelerated ? RowSum<FloatLanes512, Vector512<float>>(x, g, n, m, centred)
            : RowSum<FloatLanes256, Vector256<float>>(x, g, n, m, centred);

    private static unsafe double RowSum<TL, TV>(float* x, float* g, int n, float m, bool centred)
        where TL : IFloatLanes<TV> where TV : struct
    {
        double total = 0;
        int step = TL.Count, blockSize = centred ? NormColumns : NormBlock;
        var vm = TL.Splat(m);
        for (int b = 0; b < n; b += blockSize)
        {
            int end = Math.Min(n, b + blockSize), i = b;
            TV s0 = TL.Splat(0f), s1 = s0;
            for (; i <= end - 2 * step; i += 2 * step)
            {
                var v0 = TL.Load(in x[i], 0);
                var v1 = TL.Load(in x[i], (nuint)step);
                if (!centred)
                {
                    s0 = TL.Add(s0, v0);
                    s1 = TL.Add(s1, v1);
                    continue;
                }
                v0 = TL.Subtract(v0, vm);
                v1 = TL.Subtract(v1, vm);
                s0 = TL.Fma(g == null ? v0 : TL.Load(in g[i], 0), v0, s0);
                s1 = TL.Fma(g == null ? v1 : TL.Load(in g[i], (nuint)step), v1, s1);
            }
            float block = TL.Sum(TL.Add(s0, s1));
            for (; i < end; i++) block += !centred ? x[i] : (g == null ? x[i] - m : g[i]) * (x[i] - m);
            total += block;
        }
        return total;
    }

    private static unsafe (float Dot, float Sum) LayerNormGradSums(float* g, float* x, float* w, float scale, float shift,
        float* accW, float* accB, float* gw, int n) =>
        Vector512.IsHardwareAccelerated
            ? LayerNormGradSums<FloatLanes512, Vector512<float>>(g, x, w, scale, shift, accW, accB, gw, n)
            : LayerNormGradSums<FloatLanes256, Vector256<float>>(g, x, w, scale, shift, accW, accB, gw, n);

    private static unsafe (float Dot, float Sum) LayerNormGradSums<TL, TV>(float* g, float* x, float* w, float scale, float shift,
        float* accW, float* accB, float* gw, int n) where TL : IFloatLanes<TV> where TV : struct
    {
        TV dot = TL.Splat(0f), sum = dot;
        int step = TL.Count, i = 0;
        for (; i <= n - step; i += step)
        {
            var gv = TL.Load(in g[i], 0);
            var xv = TL.Load(in x[i], 0);
            if (accW != null)
                TL.Store(TL.Add(TL.Multiply(gv, TL.Add(TL.Multiply(xv, TL.Splat(scale)), TL.Splat(shift))), TL.Load(in accW[i], 0)), ref accW[i], 0);
            if (accB != null) TL.Store(TL.Add(TL.Load(in accB[i], 0), gv), ref accB[i], 0);
            if (gw == null) continue;
            var gwv = w != null ? TL.Multiply(gv, TL.Load(in w[i], 0)) : gv;
            TL.Store(gwv, ref gw[i], 0);
            dot = TL.Add(dot, TL.Multiply(gwv, xv));
            sum = TL.Add(sum, gwv);
        }
        float d = TL.Sum(dot), s = TL.Sum(sum);
        for (; i < n; i++)
        {
            if (accW != null) accW[i] = g[i] * (x[i] * scale + shift) + accW[i];
            if (accB != null) accB[i] += g[i];
            if (gw == null) continue;
            gw[i] = w != null ? g[i] * w[i] : g[i];
            d += gw[i] * x[i];
            s += gw[i];
        }
        return (d, s);
    }

    // y[i] = f(i) over a row of n floats, streamed when asked, prefetching the next rows of up to two inputs (which
    // the next row's statistics read first) a cache line per 16 outputs, into L2: into L1 they evicted the row, weight
    // and bias being read where L1 is 32 KB (layer norm 4.2 -> 3.8 ms, its backward 4.0 -> 3.45 ms, alternating).
    // Streamed rows are not fenced here but once per thread by the caller: a fence per 4 KB row drained the write-
    // combining buffers 2048 times a thread (BatchNorm1d training on [4096, 1024] 1.39-1.46 -> 1.17-1.26 ms).
    private static unsafe void StoreRow<TF>(TF f, float* y, int n, bool stream, float* next0, float* next1) where TF : struct, INormRow
    {
        if (Vector512.IsHardwareAccelerated) StoreRow<TF, FloatLanes512, Vector512<float>>(f, y, n, stream, next0, next1);
        else StoreRow<TF, FloatLanes256, Vector256<float>>(f, y, n, stream, next0, next1);
    }

    private static unsafe void StoreRow<TF, TL, TV>(TF f, float* y, int n, bool stream, float* next0, float* next1)
        where TF : struct, INormRow where TL : IFloatLanes<TV> where TV : struct
    {
        int step = TL.Count, i = 0;
        for (; i <= n - step; i += step)
        {
            if (Sse.IsSupported && i % 16 == 0)
            {
                Sse.Prefetch1(next0 + i);
                if (next1 != null) Sse.Prefetch1(next1 + i);
            }
            if (stream) TL.StoreStreaming(f.At<TL, TV>(i), ref y[i], 0);
            else TL.Store(f.At<TL, TV>(i), ref y[i], 0);
        }
        for (; i < n; i++) y[i] = f.At(i);
    }

    // dst = x · scale + shift (a product then a sum, as PyTorch's vectorised kernels round them).
    private static void ScaleShift<T>(ReadOnlySpan<T> x, T scale, T shift, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Multiply(x, scale, dst);
        TensorPrimitives.Add(dst, shift, dst);
    }

    // dst = the sum of the threads' rows of dst.Length elements at these addresses, in thread order.
    private static unsafe void MergePartials<T>(nint[] partials, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        new ReadOnlySpan<T>((T*)partials[0], dst.Length).CopyTo(dst);
        for (int t = 1; t < partials.Length; t++) TensorPrimitives.Add(dst, new ReadOnlySpan<T>((T*)partials[t], dst.Length), dst);
    }
}
