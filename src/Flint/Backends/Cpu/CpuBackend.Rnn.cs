using System.Numerics;
using System.Runtime.Intrinsics;
using Flint.Kernels;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public unsafe void LstmCell(Tensor gates, Tensor cPrev, Tensor c, Tensor h)
    {
        long n = gates.shape[0], hs = c.shape[^1];
        var g = RnnRows.Of(gates, n, 4 * hs, gates.dtype);
        var cp = RnnRows.Of(cPrev, n, hs, gates.dtype);
        var co = RnnRows.Of(c, n, hs, gates.dtype);
        var ho = RnnRows.Of(h, n, hs, gates.dtype);
        int H = (int)hs;
        RnnRows.For(n, 8 * hs, gates.dtype, (lo, hi) =>
        {
            for (long r = lo; r < hi; r++)
                if (gates.dtype == DType.Float32) RnnMath.Lstm(g.Row<float>(r), cp.Row<float>(r), co.Row<float>(r), ho.Row<float>(r), H);
                else RnnMath.Lstm(g.Row<double>(r), cp.Row<double>(r), co.Row<double>(r), ho.Row<double>(r), H);
        });
        GC.KeepAlive(gates); GC.KeepAlive(cPrev); GC.KeepAlive(c); GC.KeepAlive(h);
    }

    public unsafe void LstmCellBackward(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates, Tensor dcPrev)
    {
        long n = gates.shape[0], hs = c.shape[^1];
        var dt = gates.dtype;
        var g = RnnRows.Of(gates, n, 4 * hs, dt);
        var cp = RnnRows.Of(cPrev, n, hs, dt);
        var co = RnnRows.Of(c, n, hs, dt);
        var dhr = RnnRows.Of(dh, n, hs, dt);
        var dcr = RnnRows.Of(dc, n, hs, dt);
        var dg = RnnRows.Of(dGates, n, 4 * hs, dt);
        var dcp = RnnRows.Of(dcPrev, n, hs, dt);
        int H = (int)hs;
        RnnRows.For(n, 12 * hs, dt, (lo, hi) =>
        {
            for (long r = lo; r < hi; r++)
                if (dt == DType.Float32)
                    RnnMath.LstmBackward(g.Row<float>(r), cp.Row<float>(r), co.Row<float>(r), dhr.Row<float>(r), dcr.Row<float>(r),
                        dg.Row<float>(r), dcp.Row<float>(r), H);
                else
                    RnnMath.LstmBackward(g.Row<double>(r), cp.Row<double>(r), co.Row<double>(r), dhr.Row<double>(r), dcr.Row<double>(r),
                        dg.Row<double>(r), dcp.Row<double>(r), H);
        });
        GC.KeepAlive(gates); GC.KeepAlive(cPrev); GC.KeepAlive(c); GC.KeepAlive(dh); GC.KeepAlive(dc);
        GC.KeepAlive(dGates); GC.KeepAlive(dcPrev);
    }

    public unsafe void GruCell(Tensor inputGates, Tensor hiddenGates, Tensor? hiddenBias, Tensor hPrev, Tensor gates, Tensor h)
    {
        long n = inputGates.shape[0], hs = h.shape[^1];
        var dt = inputGates.dtype;
        var ig = RnnRows.Of(inputGates, n, 3 * hs, dt);
        var hg = RnnRows.Of(hiddenGates, n, 3 * hs, dt);
        var hp = RnnRows.Of(hPrev, n, hs, dt);
        var ga = RnnRows.Of(gates, n, 3 * hs, dt);
        var ho = RnnRows.Of(h, n, hs, dt);
        RnnRows bias = default;
        if (hiddenBias is not null)
        {
            if (hiddenBias.shape.Length != 1 || hiddenBias.shape[0] != 3 * hs || hiddenBias.dtype != dt || (hs > 0 && hiddenBias.strides[0] != 1))
                throw new ArgumentException($"GRU cell: expected a contiguous hidden bias of size {3 * hs}, got {Shapes.Format(hiddenBias.shape)}");
            bias = new RnnRows((nint)hiddenBias.Ptr, 0);
        }
        int H = (int)hs;
        bool hasBias = hiddenBias is not null;
        RnnRows.For(n, 10 * hs, dt, (lo, hi) =>
        {
            for (long r = lo; r < hi; r++)
                if (dt == DType.Float32)
                    RnnMath.Gru(ig.Row<float>(r), hg.Row<float>(r), hasBias ? bias.Row<float>(0) : null, hp.Row<float>(r),
                        ga.Row<float>(r), ho.Row<float>(r), H);
                else
                    RnnMath.Gru(ig.Row<double>(r), hg.Row<double>(r), hasBias ? bias.Row<double>(0) : null, hp.Row<double>(r),
                        ga.Row<double>(r), ho.Row<double>(r), H);
        });
        GC.KeepAlive(inputGates); GC.KeepAlive(hiddenGates); GC.KeepAlive(hiddenBias); GC.KeepAlive(hPrev);
        GC.KeepAlive(gates); GC.KeepAlive(h);
    }

    public unsafe void GruCellBackward(Tensor gates, Tensor hiddenGates, Tensor hPrev, Tensor dh, Tensor dInputGates,
        Tensor dHiddenGates, Tensor dhPrev)
    {
        long n = gates.shape[0], hs = hPrev.shape[^1];
        var dt = gates.dtype;
        var ga = RnnRows.Of(gates, n, 3 * hs, dt);
        var hg = RnnRows.Of(hiddenGates, n, 3 * hs, dt);
        var hp = RnnRows.Of(hPrev, n, hs, dt);
        var dhr = RnnRows.Of(dh, n, hs, dt);
        var dig = RnnRows.Of(dInputGates, n, 3 * hs, dt);
        var dhg = RnnRows.Of(dHiddenGates, n, 3 * hs, dt);
        var dhp = RnnRows.Of(dhPrev, n, hs, dt);
        int H = (int)hs;
        RnnRows.For(n, 12 * hs, dt, (lo, hi) =>
        {
            for (long r = lo; r < hi; r++)
                if (dt == DType.Float32)
                    RnnMath.GruBackward(ga.Row<float>(r), hg.Row<float>(r), hp.Row<float>(r), dhr.Row<float>(r), dig.Row<float>(r),
                        dhg.Row<float>(r), dhp.Row<float>(r), H);
                else
                    RnnMath.GruBackward(ga.Row<double>(r), hg.Row<double>(r), hp.Row<double>(r), dhr.Row<double>(r), dig.Row<double>(r),
                        dhg.Row<double>(r), dhp.Row<double>(r), H);
        });
        GC.KeepAlive(gates); GC.KeepAlive(hiddenGates); GC.KeepAlive(hPrev); GC.KeepAlive(dh);
        GC.KeepAlive(dInputGates); GC.KeepAlive(dHiddenGates); GC.KeepAlive(dhPrev);
    }

    public unsafe void RnnCell(Tensor pre, Tensor h, bool relu)
    {
        long n = pre.shape[0], hs = h.shape[^1];
        var dt = pre.dtype;
        var p = RnnRows.Of(pre, n, hs, dt);
        var ho = RnnRows.Of(h, n, hs, dt);
        int H = (int)hs;
        RnnRows.For(n, 2 * hs, dt, (lo, hi) =>
        {
            for (long r = lo; r < hi; r++)
                if (dt == DType.Float32) RnnMath.Rnn(p.Row<float>(r), ho.Row<float>(r), H, relu);
                else RnnMath.Rnn(p.Row<double>(r), ho.Row<double>(r), H, relu);
        });
        GC.KeepAlive(pre); GC.KeepAlive(h);
    }

    public unsafe void RnnCellBackward(Tensor h, Tensor dh, Tensor dPre, bool relu)
    {
        long n = h.shape[0], hs = h.shape[^1];
        var dt = h.dtype;
        var ho = RnnRows.Of(h, n, hs, dt);
        var dhr = RnnRows.Of(dh, n, hs, dt);
        var dp = RnnRows.Of(dPre, n, hs, dt);
        int H = (int)hs;
        RnnRows.For(n, 3 * hs, dt, (lo, hi) =>
        {
            for (long r = lo; r < hi; r++)
                if (dt == DType.Float32) RnnMath.RnnBackward(ho.Row<float>(r), dhr.Row<float>(r), dp.Row<float>(r), H, relu);
                else RnnMath.RnnBackward(ho.Row<double>(r), dhr.Row<double>(r), dp.Row<double>(r), H, relu);
        });
        GC.KeepAlive(h); GC.KeepAlive(dh); GC.KeepAlive(dPre);
    }
}

/// <summary>The rows of a 2-D CPU operand of the recurrent cell kernels: a base pointer and a row stride in elements.</summary>
internal readonly record struct RnnRows(nint Base, long Stride)
{
    public unsafe T* Row<T>(long r) where T : unmanaged => (T*)Base + r * Stride;

    /// <summary>Checks an operand (2-D [rows, width], the cell's dtype, unit column stride) and takes its rows.</summary>
    public static unsafe RnnRows Of(Tensor t, long rows, long width, DType dtype)
    {
        if (dtype != DType.Float32 && dtype != DType.Float64)
            throw CpuBackend.NotImplementedFor("rnn_cell", dtype);
        if (t.dtype != dtype)
            throw new ArgumentException($"expected scalar type {dtype.ScalarTypeName()} but found {t.dtype.ScalarTypeName()}");
        if (t.shape.Length != 2 || t.shape[0] != rows || t.shape[1] != width)
            throw new ArgumentException($"recurrent cell operand: expected shape [{rows}, {width}], got {Shapes.Format(t.shape)}");
        if (width > 1 && t.strides[1] != 1)
            throw new ArgumentException("recurrent cell operand: rows must be contiguous");
        return new RnnRows((nint)t.Ptr, t.strides[0]);
    }

    /// <summary>Runs <paramref name="body"/> over row ranges, on several threads when the step is large.</summary>
    public static void For(long rows, long workPerRow, DType dtype, Action<long, long> body)
    {
        int threads = rows < 2 ? 1 : Math.Min(Parallelism.ThreadsFor(rows * workPerRow * (dtype == DType.Float64 ? 2 : 1)), (int)rows);
        if (threads <= 1)
        {
            body(0, rows);
            return;
        }
        Parallelism.For(threads, (t, count) => body(rows * t / count, rows * (t + 1) / count));
    }
}

/// <summary>
/// The per-row math of the fused recurrent cells: one pass over a row's gates, with AVX (Vector256) for float and
/// the same formulas in scalar form for double and the tail. The formulas follow PyTorch's cells (ATen RNN.cpp).
/// </summary>
internal static unsafe class RnnMath
{
    private static Vector256<float> Sig(Vector256<float> x) => VectorMath.Sigmoid<FloatLanes256, Vector256<float>>(x);

    private static Vector256<float> Tanh(Vector256<float> x) => VectorMath.Tanh<FloatLanes256, Vector256<float>>(x);

    private static T Sig<T>(T x) where T : IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));

    private static bool Vectorize<T>() => typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated;

    public static void Lstm<T>(T* g, T* cp, T* c, T* h, int H) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vectorize<T>())
        {
            float* gf = (float*)g, cpf = (float*)cp, cf = (float*)c, hf = (float*)h;
            for (; j <= H - 8; j += 8)
            {
                var i = Sig(Vector256.Load(gf + j));
                var f = Sig(Vector256.Load(gf + H + j));
                var gg = Tanh(Vector256.Load(gf + 2 * H + j));
                var o = Sig(Vector256.Load(gf + 3 * H + j));
                i.Store(gf + j);
                f.Store(gf + H + j);
                gg.Store(gf + 2 * H + j);
                o.Store(gf + 3 * H + j);
                var cv = f * Vector256.Load(cpf + j) + i * gg;
                cv.Store(cf + j);
                (o * Tanh(cv)).Store(hf + j);
            }
        }
        for (; j < H; j++)
        {
            T i = Sig(g[j]), f = Sig(g[H + j]), gg = T.Tanh(g[2 * H + j]), o = Sig(g[3 * H + j]);
            g[j] = i;
            g[H + j] = f;
            g[2 * H + j] = gg;
            g[3 * H + j] = o;
            var cv = f * cp[j] + i * gg;
            c[j] = cv;
            h[j] = o * T.Tanh(cv);
        }
    }

    public static void LstmBackward<T>(T* g, T* cp, T* c, T* dh, T* dc, T* dg, T* dcp, int H)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vectorize<T>())
        {
            float* gf = (float*)g, cpf = (float*)cp, cf = (float*)c, dhf = (float*)dh, dcf = (float*)dc, dgf = (float*)dg, dcpf = (float*)dcp;
            var one = Vector256<float>.One;
            for (; j <= H - 8; j += 8)
            {
                var i = Vector256.Load(gf + j);
                var f = Vector256.Load(gf + H + j);
                var gg = Vector256.Load(gf + 2 * H + j);
                var o = Vector256.Load(gf + 3 * H + j);
                var tc = Tanh(Vector256.Load(cf + j));
                var dhv = Vector256.Load(dhf + j);
                var dct = Vector256.Load(dcf + j) + dhv * o * (one - tc * tc);
                (dct * gg * i * (one - i)).Store(dgf + j);
                (dct * Vector256.Load(cpf + j) * f * (one - f)).Store(dgf + H + j);
                (dct * i * (one - gg * gg)).Store(dgf + 2 * H + j);
                (dhv * tc * o * (one - o)).Store(dgf + 3 * H + j);
                (dct * f).Store(dcpf + j);
            }
        }
        for (; j < H; j++)
        {
            T i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j];
            var tc = T.Tanh(c[j]);
            var dct = dc[j] + dh[j] * o * (T.One - tc * tc);
            dg[j] = dct * gg * i * (T.One - i);
            dg[H + j] = dct * cp[j] * f * (T.One - f);
            dg[2 * H + j] = dct * i * (T.One - gg * gg);
            dg[3 * H + j] = dh[j] * tc * o * (T.One - o);
            dcp[j] = dct * f;
        }
    }

    public static void Gru<T>(T* ig, T* hg, T* b, T* hp, T* gates, T* h, int H) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vectorize<T>())
        {
            float* igf = (float*)ig, hgf = (float*)hg, bf = (float*)b, hpf = (float*)hp, gf = (float*)gates, hf = (float*)h;
            for (; j <= H - 8; j += 8)
            {
                var hr = Vector256.Load(hgf + j);
                var hz = Vector256.Load(hgf + H + j);
                var hn = Vector256.Load(hgf + 2 * H + j);
                if (bf != null)
                {
                    hr += Vector256.Load(bf + j);
                    hz += Vector256.Load(bf + H + j);
                    hn += Vector256.Load(bf + 2 * H + j);
                    hn.Store(hgf + 2 * H + j);
                }
                var r = Sig(Vector256.Load(igf + j) + hr);
                var z = Sig(Vector256.Load(igf + H + j) + hz);
                var nn = Tanh(Vector256.Load(igf + 2 * H + j) + r * hn);
                r.Store(gf + j);
                z.Store(gf + H + j);
                nn.Store(gf + 2 * H + j);
                ((Vector256.Load(hpf + j) - nn) * z + nn).Store(hf + j);
            }
        }
        for (; j < H; j++)
        {
            T hr = hg[j], hz = hg[H + j], hn = hg[2 * H + j];
            if (b != null)
            {
                hr += b[j];
                hz += b[H + j];
                hn += b[2 * H + j];
                hg[2 * H + j] = hn;
            }
            T r = Sig(ig[j] + hr), z = Sig(ig[H + j] + hz);
            var nn = T.Tanh(ig[2 * H + j] + r * hn);
            gates[j] = r;
            gates[H + j] = z;
            gates[2 * H + j] = nn;
            h[j] = (hp[j] - nn) * z + nn;
        }
    }

    public static void GruBackward<T>(T* gates, T* hg, T* hp, T* dh, T* dig, T* dhg, T* dhp, int H)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vectorize<T>())
        {
            float* gf = (float*)gates, hgf = (float*)hg, hpf = (float*)hp, dhf = (float*)dh, digf = (float*)dig, dhgf = (float*)dhg, dhpf = (float*)dhp;
            var one = Vector256<float>.One;
            for (; j <= H - 8; j += 8)
            {
                var r = Vector256.Load(gf + j);
                var z = Vector256.Load(gf + H + j);
                var nn = Vector256.Load(gf + 2 * H + j);
                var dhv = Vector256.Load(dhf + j);
                var dz = dhv * (Vector256.Load(hpf + j) - nn) * z * (one - z);
                var dn = dhv * (one - z) * (one - nn * nn);
                var dr = dn * Vector256.Load(hgf + 2 * H + j) * r * (one - r);
                dr.Store(digf + j);
                dz.Store(digf + H + j);
                dn.Store(digf + 2 * H + j);
                dr.Store(dhgf + j);
                dz.Store(dhgf + H + j);
                (dn * r).Store(dhgf + 2 * H + j);
                (dhv * z).Store(dhpf + j);
            }
        }
        for (; j < H; j++)
        {
            T r = gates[j], z = gates[H + j], nn = gates[2 * H + j], dhv = dh[j];
            var dz = dhv * (hp[j] - nn) * z * (T.One - z);
            var dn = dhv * (T.One - z) * (T.One - nn * nn);
            var dr = dn * hg[2 * H + j] * r * (T.One - r);
            dig[j] = dr;
            dig[H + j] = dz;
            dig[2 * H + j] = dn;
            dhg[j] = dr;
            dhg[H + j] = dz;
            dhg[2 * H + j] = dn * r;
            dhp[j] = dhv * z;
        }
    }

    public static void Rnn<T>(T* pre, T* h, int H, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vectorize<T>())
        {
            float* pf = (float*)pre, hf = (float*)h;
            for (; j <= H - 8; j += 8)
            {
                var x = Vector256.Load(pf + j);
                (relu ? Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x) : Tanh(x)).Store(hf + j);
            }
        }
        for (; j < H; j++)
            h[j] = relu ? (pre[j] < T.Zero ? T.Zero : pre[j]) : T.Tanh(pre[j]);
    }

    public static void RnnBackward<T>(T* h, T* dh, T* dpre, int H, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vectorize<T>())
        {
            float* hf = (float*)h, dhf = (float*)dh, df = (float*)dpre;
            for (; j <= H - 8; j += 8)
            {
                var hv = Vector256.Load(hf + j);
                var d = Vector256.Load(dhf + j);
                (relu ? Vector256.ConditionalSelect(Vector256.GreaterThan(hv, Vector256<float>.Zero), d, Vector256<float>.Zero)
                      : d * (Vector256<float>.One - hv * hv)).Store(df + j);
            }
        }
        for (; j < H; j++)
            dpre[j] = relu ? (h[j] > T.Zero ? dh[j] : T.Zero) : dh[j] * (T.One - h[j] * h[j]);
    }
}
