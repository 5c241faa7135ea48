using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Flint.Kernels;

namespace Flint.Backends.Cpu;

/// <summary>The element map of a sum-like reduction, applied after widening to float64.</summary>
internal interface ISumMap
{
    static abstract Vector512<double> Map(Vector512<double> v);
    static abstract double Map(double v);

    /// <summary>The map in float32 (the square is summed in float64 instead, where it cannot overflow).</summary>
    static abstract Vector512<float> Map(Vector512<float> v);
}

internal readonly struct IdentityMap : ISumMap
{
    public static Vector512<double> Map(Vector512<double> v) => v;
    public static double Map(double v) => v;
    public static Vector512<float> Map(Vector512<float> v) => v;
}

internal readonly struct NanZeroMap : ISumMap
{
    public static Vector512<double> Map(Vector512<double> v) => Vector512.ConditionalSelect(Vector512.Equals(v, v), v, Vector512<double>.Zero);
    public static double Map(double v) => double.IsNaN(v) ? 0 : v;
    public static Vector512<float> Map(Vector512<float> v) => Vector512.ConditionalSelect(Vector512.Equals(v, v), v, Vector512<float>.Zero);
}

internal readonly struct AbsMap : ISumMap
{
    public static Vector512<double> Map(Vector512<double> v) => Vector512.Abs(v);
    public static double Map(double v) => Math.Abs(v);
    public static Vector512<float> Map(Vector512<float> v) => Vector512.Abs(v);
}

internal readonly struct SquareMap : ISumMap
{
    public static Vector512<double> Map(Vector512<double> v) => v * v;
    public static double Map(double v) => v * v;
    public static Vector512<float> Map(Vector512<float> v) => v * v;
}

/// <summary>
/// AVX-512 reductions of one contiguous run of float32 or float64 values, as torch.sum / nansum / norm / amax / amin
/// reduce along a contiguous dim: sums keep independent float64 accumulators (no serial add chain, and more accurate
/// than PyTorch's float32 cascade), fed by float32 partials of 16 values per lane for float32 rows; max and min keep four
/// vector accumulators and a NaN flag, so that a NaN anywhere makes the result NaN as in PyTorch.
/// </summary>
internal static unsafe class ReduceSimd
{
    /// <summary>True when the row kernels below serve the reduction TOp from TS into TC.</summary>
    public static bool Serves<TOp, TS, TC>() where TOp : struct, IReduceKernel =>
        Avx512F.IsSupported && (IsSum<TOp>() ? typeof(TC) == typeof(double) && (typeof(TS) == typeof(float) || typeof(TS) == typeof(double))
            : IsExtreme<TOp>() && typeof(TS) == typeof(TC) && (typeof(TS) == typeof(float) || typeof(TS) == typeof(double)));

    private static bool IsSum<TOp>() => typeof(TOp) == typeof(SumKernel) || typeof(TOp) == typeof(NanSumKernel)
        || typeof(TOp) == typeof(SumAbsKernel) || typeof(TOp) == typeof(SumSquaresKernel);

    private static bool IsExtreme<TOp>() => typeof(TOp) == typeof(MaxKernel) || typeof(TOp) == typeof(MinKernel);

    /// <summary>The reduction of x[0..n) for a TOp that <see cref="Serves{TOp, TS, TC}"/> accepts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TC Row<TOp, TS, TC>(TS* x, long n) where TOp : struct, IReduceKernel where TC : unmanaged where TS : unmanaged
    {
        if (typeof(TOp) == typeof(MaxKernel) || typeof(TOp) == typeof(MinKernel))
        {
            bool max = typeof(TOp) == typeof(MaxKernel);
            if (typeof(TS) == typeof(float)) { float r = Extreme((float*)x, n, max); return Unsafe.As<float, TC>(ref r); }
            double d = Extreme((double*)x, n, max);
            return Unsafe.As<double, TC>(ref d);
        }
        double s = typeof(TOp) == typeof(NanSumKernel) ? Sum<TS, NanZeroMap>(x, n)
            : typeof(TOp) == typeof(SumAbsKernel) ? Sum<TS, AbsMap>(x, n)
            : typeof(TOp) == typeof(SumSquaresKernel) ? Sum<TS, SquareMap>(x, n)
            : Sum<TS, IdentityMap>(x, n);
        return Unsafe.As<double, TC>(ref s);
    }

    // Rows of at most this many float32 values are summed sixteen at a time (RowSums): each lane of a row's float32
    // accumulator then adds at most 16 values, as in SumBlocks.
    private const int ShortRow = 256;

    /// <summary>True when <see cref="RowSums{TOp, TS, TC}"/> takes rows of <paramref name="n"/> values for the reduction TOp from TS into TC.</summary>
    public static bool ServesRowSums<TOp, TS, TC>(long n) where TOp : struct, IReduceKernel =>
        Serves<TOp, TS, TC>() && typeof(TS) == typeof(float) && IsSum<TOp>() && typeof(TOp) != typeof(SumSquaresKernel) && n <= ShortRow;

    /// <summary>
    /// output[r] = the reduction of x[r·n .. r·n + n) for r &lt; count, for rows that <see cref="ServesRowSums{TOp, TS, TC}"/>
    /// accepts. Sixteen rows at a time: each row's values are added in one float32 vector, and the sixteen vectors are
    /// widened to float64 and summed across their lanes together, a transposing tree of permutes and additions, so that
    /// the horizontal sum costs a few instructions a row instead of a dozen (rows of 256: a sixth of the work per value).
    /// </summary>
    public static void RowSums<TOp, TS, TC>(TS* x, long n, TC* output, long count) where TOp : struct, IReduceKernel where TS : unmanaged where TC : unmanaged
    {
        if (typeof(TOp) == typeof(NanSumKernel)) RowSums<NanZeroMap>((float*)x, n, (double*)output, count);
        else if (typeof(TOp) == typeof(SumAbsKernel)) RowSums<AbsMap>((float*)x, n, (double*)output, count);
        else RowSums<IdentityMap>((float*)x, n, (double*)output, count);
    }

    private static void RowSums<TMap>(float* x, long n, double* output, long count) where TMap : ISumMap
    {
        long r = 0;
        Span<Vector512<double>> d = stackalloc Vector512<double>[16];
        var tail = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create((int)(n % 16))).AsSingle();
        long full = n / 16 * 16;
        for (; r + 16 <= count; r += 16)
        {
            for (int q = 0; q < 16; q++)
            {
                float* row = x + (r + q) * n;
                var a = Vector512<float>.Zero;
                for (long j = 0; j < full; j += 16) a += TMap.Map(Vector512.Load(row + j));
                if (full < n) a += TMap.Map(Avx512F.MaskLoad(row + full, tail, Vector512<float>.Zero));
                d[q] = Avx512F.ConvertToVector512Double(a.GetLower()) + Avx512F.ConvertToVector512Double(a.GetUpper());
            }
            // Pairs of vectors of R rows with 2h partials each into one of 2R rows with h partials each.
            for (int step = 0, width = 16; step < 3; step++, width /= 2)
            {
                Vector512<long> low = Tree[2 * step], high = Tree[2 * step + 1];
                for (int q = 0; q < width / 2; q++)
                    d[q] = Avx512F.PermuteVar8x64x2(d[2 * q], low, d[2 * q + 1]) + Avx512F.PermuteVar8x64x2(d[2 * q], high, d[2 * q + 1]);
            }
            d[0].Store(output + r);
            d[1].Store(output + r + 8);
        }
        for (; r < count; r++) output[r] = Sum<float, TMap>(x + r * n, n);
    }

    // The permutes of RowSums' tree steps (h = 4, 2, 1), low and high.
    private static readonly Vector512<long>[] Tree =
        [TreeIndex(4, false), TreeIndex(4, true), TreeIndex(2, false), TreeIndex(2, true), TreeIndex(1, false), TreeIndex(1, true)];

    // The permute of a tree step: output lane i (row i / h, partial i % h) takes the partial (low) or the partial h
    // further on (high) of its row in the first operand (rows below R = 4 / h) or the second (index 8 and up).
    private static Vector512<long> TreeIndex(int h, bool high)
    {
        Span<long> lanes = stackalloc long[8];
        int rows = 4 / h;
        for (int i = 0; i < 8; i++)
        {
            int q = i / h, k = i % h + (high ? h : 0);
            lanes[i] = q < rows ? q * 2 * h + k : 8 + (q - rows) * 2 * h + k;
        }
        return Vector512.Create<long>(lanes);
    }

    /// <summary>True when <see cref="Columns{TOp, TS}"/> serves the sum-like reduction TOp from TS into TC.</summary>
    public static bool ServesColumns<TOp, TS, TC>() where TOp : struct, IReduceKernel =>
        Avx512F.IsSupported && IsSum<TOp>() && typeof(TC) == typeof(double) && (typeof(TS) == typeof(float) || typeof(TS) == typeof(double));

    /// <summary>
    /// acc[i] += sum over r &lt; rows of map(x[r * stride + i]) for i &lt; m, in float64: four rows, a quarter of the
    /// rows apart, are added in registers before each update of the (L1-resident) accumulator row.
    /// </summary>
    public static void Columns<TOp, TS>(double* acc, TS* x, long stride, long rows, int m) where TOp : struct, IReduceKernel where TS : unmanaged
    {
        if (typeof(TOp) == typeof(NanSumKernel)) MappedColumns<TS, NanZeroMap>(acc, x, stride, rows, m);
        else if (typeof(TOp) == typeof(SumAbsKernel)) MappedColumns<TS, AbsMap>(acc, x, stride, rows, m);
        else if (typeof(TOp) == typeof(SumSquaresKernel)) MappedColumns<TS, SquareMap>(acc, x, stride, rows, m);
        else MappedColumns<TS, IdentityMap>(acc, x, stride, rows, m);
    }

    private static void MappedColumns<TS, TMap>(double* acc, TS* x, long stride, long rows, int m) where TS : unmanaged where TMap : ISumMap
    {
        // Four streams far apart: adjacent rows of a contiguous block, read four lines at a time within one page,
        // ran at half the memory's speed (the prefetchers lose them).
        long q = rows / 4, r = 0;
        for (; r < q; r++)
        {
            TS* p0 = x + r * stride, p1 = p0 + q * stride, p2 = p1 + q * stride, p3 = p2 + q * stride;
            int i = 0;
            // float32 maps exact there: the four rows added in float32, then widened (half the instructions of widening
            // each element; a partial of four values).
            if (typeof(TS) == typeof(float) && typeof(TMap) != typeof(SquareMap))
                for (; i + 16 <= m; i += 16)
                {
                    var s = (TMap.Map(Vector512.Load((float*)p0 + i)) + TMap.Map(Vector512.Load((float*)p1 + i)))
                        + (TMap.Map(Vector512.Load((float*)p2 + i)) + TMap.Map(Vector512.Load((float*)p3 + i)));
                    (Vector512.Load(acc + i) + Avx512F.ConvertToVector512Double(s.GetLower())).Store(acc + i);
                    (Vector512.Load(acc + i + 8) + Avx512F.ConvertToVector512Double(s.GetUpper())).Store(acc + i + 8);
                }
            for (; i + 8 <= m; i += 8)
                (Vector512.Load(acc + i) + ((TMap.Map(Load(p0, i)) + TMap.Map(Load(p1, i))) + (TMap.Map(Load(p2, i)) + TMap.Map(Load(p3, i)))))
                    .Store(acc + i);
            for (; i < m; i++) acc[i] += (Scalar<TS, TMap>(p0, i) + Scalar<TS, TMap>(p1, i)) + (Scalar<TS, TMap>(p2, i) + Scalar<TS, TMap>(p3, i));
        }
        for (r = 4 * q; r < rows; r++)
        {
            TS* p = x + r * stride;
            int i = 0;
            for (; i + 8 <= m; i += 8) (Vector512.Load(acc + i) + TMap.Map(Load(p, i))).Store(acc + i);
            for (; i < m; i++) acc[i] += Scalar<TS, TMap>(p, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Scalar<TS, TMap>(TS* x, long i) where TS : unmanaged where TMap : ISumMap =>
        TMap.Map(typeof(TS) == typeof(float) ? ((float*)x)[i] : ((double*)x)[i]);

    // Eight float64 vectors (64 float32 or float64 elements) a step.
    private static double Sum<TS, TMap>(TS* x, long n) where TS : unmanaged where TMap : ISumMap
    {
        if (typeof(TS) == typeof(float) && typeof(TMap) != typeof(SquareMap) && n >= Block) return SumBlocks<TMap>((float*)x, n);
        var a0 = Vector512<double>.Zero;
        var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
        long i = 0;
        for (; i + 64 <= n; i += 64)
        {
            a0 += TMap.Map(Load(x, i));
            a1 += TMap.Map(Load(x, i + 8));
            a2 += TMap.Map(Load(x, i + 16));
            a3 += TMap.Map(Load(x, i + 24));
            a4 += TMap.Map(Load(x, i + 32));
            a5 += TMap.Map(Load(x, i + 40));
            a6 += TMap.Map(Load(x, i + 48));
            a7 += TMap.Map(Load(x, i + 56));
        }
        for (; i + 8 <= n; i += 8) a0 += TMap.Map(Load(x, i));
        double s = Vector512.Sum((a0 + a1) + (a2 + a3) + ((a4 + a5) + (a6 + a7)));
        for (; i < n; i++) s += Scalar<TS, TMap>(x, i);
        return s;
    }

    private const int Block = 1024;

    // float32 sums in blocks: each lane adds 16 of a block's values in float32, then the block's partial sums are widened
    // and added in float64. Half the instructions per byte of widening every element: a memory-bound float32 sum
    // ran 20% slower than PyTorch's all-float32 one (fewer loads in flight), and each float32 partial of 16 values keeps
    // the result far closer to the exact sum than PyTorch's.
    private static double SumBlocks<TMap>(float* x, long n) where TMap : ISumMap
    {
        var d0 = Vector512<double>.Zero;
        var d1 = d0; var d2 = d0; var d3 = d0;
        long i = 0;
        for (; i + Block <= n; i += Block)
        {
            var a0 = Vector512<float>.Zero;
            var a1 = a0; var a2 = a0; var a3 = a0;
            for (long j = i; j < i + Block; j += 64)
            {
                a0 += TMap.Map(Vector512.Load(x + j));
                a1 += TMap.Map(Vector512.Load(x + j + 16));
                a2 += TMap.Map(Vector512.Load(x + j + 32));
                a3 += TMap.Map(Vector512.Load(x + j + 48));
            }
            d0 += Avx512F.ConvertToVector512Double(a0.GetLower()) + Avx512F.ConvertToVector512Double(a0.GetUpper());
            d1 += Avx512F.ConvertToVector512Double(a1.GetLower()) + Avx512F.ConvertToVector512Double(a1.GetUpper());
            d2 += Avx512F.ConvertToVector512Double(a2.GetLower()) + Avx512F.ConvertToVector512Double(a2.GetUpper());
            d3 += Avx512F.ConvertToVector512Double(a3.GetLower()) + Avx512F.ConvertToVector512Double(a3.GetUpper());
        }
        return Vector512.Sum((d0 + d1) + (d2 + d3)) + Sum<float, TMap>(x + i, n - i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Load<TS>(TS* x, long i) where TS : unmanaged =>
        typeof(TS) == typeof(float) ? Avx512F.ConvertToVector512Double(Vector256.Load((float*)x + i)) : Vector512.Load((double*)x + i);

    // Four vector accumulators of MaxNative/MinNative; NaN is tracked on the side (the native forms drop it).
    private static T Extreme<T>(T* x, long n, bool max) where T : unmanaged, INumber<T>
    {
        int w = Vector512<T>.Count;
        if (n < w)
        {
            var r = x[0];
            for (long k = 1; k < n; k++) r = max ? T.Max(r, x[k]) : T.Min(r, x[k]);
            if (n > 0 && !T.IsNaN(r)) for (long k = 0; k < n; k++) if (T.IsNaN(x[k])) return x[k];
            return r;
        }
        var a0 = Vector512.Load(x);
        var a1 = a0; var a2 = a0; var a3 = a0;
        var nan = Vector512<T>.Zero;
        long i = 0;
        for (; i + 4 * w <= n; i += 4 * w)
        {
            var v0 = Vector512.Load(x + i);
            var v1 = Vector512.Load(x + i + w);
            var v2 = Vector512.Load(x + i + 2 * w);
            var v3 = Vector512.Load(x + i + 3 * w);
            nan |= Unordered(v0, v1) | Unordered(v2, v3);
            a0 = max ? Vector512.MaxNative(a0, v0) : Vector512.MinNative(a0, v0);
            a1 = max ? Vector512.MaxNative(a1, v1) : Vector512.MinNative(a1, v1);
            a2 = max ? Vector512.MaxNative(a2, v2) : Vector512.MinNative(a2, v2);
            a3 = max ? Vector512.MaxNative(a3, v3) : Vector512.MinNative(a3, v3);
        }
        for (; i + w <= n; i += w) Step(ref a0, ref nan, Vector512.Load(x + i), max);
        // The last (overlapping) vector covers the tail; max and min are idempotent.
        if (i < n) Step(ref a0, ref nan, Vector512.Load(x + n - w), max);
        if (nan != Vector512<T>.Zero) return T.CreateTruncating(double.NaN);
        a0 = max ? Vector512.MaxNative(Vector512.MaxNative(a0, a1), Vector512.MaxNative(a2, a3))
            : Vector512.MinNative(Vector512.MinNative(a0, a1), Vector512.MinNative(a2, a3));
        var s = a0.GetElement(0);
        for (int k = 1; k < w; k++) s = max ? T.Max(s, a0.GetElement(k)) : T.Min(s, a0.GetElement(k));
        return s;
    }

    // Lanes where a or b is NaN, in one comparison (a quarter of the instructions of testing each for v == v).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Unordered<T>(Vector512<T> a, Vector512<T> b) =>
        typeof(T) == typeof(float) ? Avx512F.CompareUnordered(a.AsSingle(), b.AsSingle()).As<float, T>()
        : typeof(T) == typeof(double) ? Avx512F.CompareUnordered(a.AsDouble(), b.AsDouble()).As<double, T>()
        : ~(Vector512.Equals(a, a) & Vector512.Equals(b, b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<T>(ref Vector512<T> a, ref Vector512<T> nan, Vector512<T> v, bool max)
    {
        nan |= ~Vector512.Equals(v, v);
        a = max ? Vector512.MaxNative(a, v) : Vector512.MinNative(a, v);
    }
}
