using Flint.Autograd;
using Flint.Backends;
using Flint.Kernels;

namespace Flint.NN;

/// <summary>The recurrence of a recurrent layer (PyTorch's <c>mode</c> strings RNN_TANH, RNN_RELU, LSTM, GRU).</summary>
internal enum RnnMode { RnnTanh, RnnRelu, Lstm, Gru }

/// <summary>The weights of one layer in one direction: w_ih, w_hh, b_ih, b_hh (optional) and LSTM's w_hr (optional).</summary>
internal sealed record RnnWeights(Tensor WIh, Tensor WHh, Tensor? BIh, Tensor? BHh, Tensor? WHr);

/// <summary>
/// The time steps of a layer's input, held as rows: step t is rows [Off[t], Off[t] + Bs[t]) of a [N, features]
/// matrix, with non-increasing batch sizes (PyTorch's packed layout; a padded batch has Bs[t] = B for every t).
/// </summary>
internal sealed class RnnSteps
{
    public readonly long[] Bs;
    public readonly long[] Off;

    public RnnSteps(long[] batchSizes)
    {
        Bs = batchSizes;
        Off = new long[batchSizes.Length];
        long acc = 0;
        for (int t = 0; t < batchSizes.Length; t++)
        {
            Off[t] = acc;
            acc += batchSizes[t];
        }
        Rows = acc;
    }

    public int T => Bs.Length;

    /// <summary>Total rows N.</summary>
    public long Rows { get; }

    /// <summary>The batch size B (that of the first step).</summary>
    public long Batch => Bs.Length == 0 ? 0 : Bs[0];

    /// <summary>Steps in the order a direction processes them.</summary>
    public IEnumerable<int> Order(bool reverse)
    {
        for (int i = 0; i < T; i++) yield return reverse ? T - 1 - i : i;
    }

    /// <summary>The step processed before <paramref name="t"/>, or -1.</summary>
    public int Previous(int t, bool reverse) => reverse ? (t + 1 < T ? t + 1 : -1) : t - 1;
}

/// <summary>
/// One recurrent layer in one direction over all time steps. On the CPU (float32/float64) it is one autograd node:
/// the input products of all steps in one GEMM, then per step one GEMM with W_hh and one fused cell kernel
/// (<c>IBackend.LstmCell</c> and relatives); its backward runs the steps in reverse with the fused cell backward and
/// finishes with one GEMM per weight. Elsewhere, and for a differentiable backward (<c>create_graph</c>), the same
/// layer is built from tensor ops as PyTorch's native CPU path builds it.
/// </summary>
internal static class RnnLayer
{
    /// <summary>Tests set this (per thread) to run the op-built path where the fused one would run.</summary>
    [ThreadStatic] internal static bool ForceComposite;

    public static (Tensor Output, Tensor H, Tensor? C) Run(RnnMode mode, Tensor x, RnnSteps s, bool reverse, Tensor h0, Tensor? c0, RnnWeights w)
    {
        if (x.dtype != w.WIh.dtype || x.dtype != w.WHh.dtype)
            throw new ArgumentException("mat1 and mat2 must have the same dtype");
        if (h0.dtype != x.dtype || (c0 is not null && c0.dtype != x.dtype))
            throw new ArgumentException(
                $"Expected hidden size tensors of dtype {x.dtype.TorchName()} to match the input, got {h0.dtype.TorchName()}");
        bool fused = !ForceComposite && x.Device.IsCpu && x.dtype is DType.Float32 or DType.Float64 &&
                     AllOn(x.Device, x.dtype, h0, c0, w.WIh, w.WHh, w.BIh, w.BHh, w.WHr);
        return fused ? Fused(mode, x, s, reverse, h0, c0, w) : Composite(mode, x, s, reverse, h0, c0, w);
    }

    private static bool AllOn(Device device, DType dtype, params Tensor?[] ts)
    {
        foreach (var t in ts)
            if (t is not null && (t.Device != device || t.dtype != dtype)) return false;
        return true;
    }

    private static string NodeName(RnnMode mode) => mode switch
    {
        RnnMode.Lstm => "LstmBackward0",
        RnnMode.Gru => "GruBackward0",
        RnnMode.RnnTanh => "RnnTanhBackward0",
        _ => "RnnReluBackward0",
    };

    // ---- raw views and products on internal buffers (no autograd) ----

    private static Tensor Rows(Tensor t, long start, long count) =>
        t.AliasWith([count, t.shape[1]], [t.strides[0], t.strides[1]], t.offset + start * t.strides[0]);

    private static Tensor Tr(Tensor t) => t.AliasWith([t.shape[1], t.shape[0]], [t.strides[1], t.strides[0]], t.offset);

    private static Tensor As3(Tensor t) => t.AliasWith([1, t.shape[0], t.shape[1]], [0, t.strides[0], t.strides[1]], t.offset);

    /// <summary>c = a @ b + beta * c.</summary>
    private static void Gemm(IBackend be, Tensor a, Tensor b, Tensor c, double beta)
    {
        if (c.shape[0] == 0 || c.shape[1] == 0) return;
        be.Gemm(As3(a), As3(b), As3(c), 1.0, beta);
    }

    private static Tensor Alloc(long rows, long cols, Tensor like, bool zeroed = false) =>
        Tensor.Allocate([rows, cols], like.dtype, like.Device, zeroed);

    /// <summary>Fills step t's rows of a state buffer: from the previous step's rows, then the initial state.</summary>
    private static void Route(IBackend be, Tensor dst, Tensor src, Tensor init, RnnSteps s, int t, bool reverse)
    {
        int p = s.Previous(t, reverse);
        long k = s.Bs[t], kp = p < 0 ? 0 : Math.Min(k, s.Bs[p]);
        if (kp > 0) be.Copy(Rows(src, s.Off[p], kp), Rows(dst, s.Off[t], kp));
        if (kp < k) be.Copy(Rows(init, kp, k - kp), Rows(dst, s.Off[t] + kp, k - kp));
    }

    /// <summary>The reverse of <see cref="Route"/> for gradients: adds into the previous step's rows, sets the initial state's.</summary>
    private static void Unroute(IBackend be, Tensor grad, Tensor dBuf, Tensor dInit, RnnSteps s, int t, bool reverse)
    {
        int p = s.Previous(t, reverse);
        long k = s.Bs[t], kp = p < 0 ? 0 : Math.Min(k, s.Bs[p]);
        if (kp > 0)
        {
            var d = Rows(dBuf, s.Off[p], kp);
            be.Binary(new AddKernel(1), d, Rows(grad, 0, kp), d);
        }
        if (kp < k) be.Copy(Rows(grad, kp, k - kp), Rows(dInit, kp, k - kp));
    }

    /// <summary>Each sequence's state after its last step: the rows where sequences end.</summary>
    private static Tensor Finals(IBackend be, Tensor buf, RnnSteps s, bool reverse)
    {
        var r = Alloc(s.Batch, buf.shape[1], buf);
        if (reverse)
        {
            if (s.T > 0) be.Copy(Rows(buf, s.Off[0], s.Bs[0]), r);
            return r;
        }
        for (int t = 0; t < s.T; t++)
        {
            long next = t + 1 < s.T ? s.Bs[t + 1] : 0;
            if (s.Bs[t] > next) be.Copy(Rows(buf, s.Off[t] + next, s.Bs[t] - next), Rows(r, next, s.Bs[t] - next));
        }
        return r;
    }

    /// <summary>Adds the gradient of the final states into the rows they were read from.</summary>
    private static void AddFinals(IBackend be, Tensor g, Tensor dBuf, RnnSteps s, bool reverse)
    {
        for (int t = 0; t < s.T; t++)
        {
            long next = reverse ? 0 : (t + 1 < s.T ? s.Bs[t + 1] : 0);
            long count = s.Bs[t] - next;
            if (count > 0)
            {
                var d = Rows(dBuf, s.Off[t] + next, count);
                be.Binary(new AddKernel(1), d, Rows(g, next, count), d);
            }
            if (reverse) break;
        }
    }

    private static (Tensor Output, Tensor H, Tensor? C) Fused(RnnMode mode, Tensor x, RnnSteps s, bool reverse, Tensor h0, Tensor? c0, RnnWeights w)
    {
        var be = x.Backend;
        long g = w.WIh.shape[0];
        long chunks = mode switch { RnnMode.Lstm => 4, RnnMode.Gru => 3, _ => 1 };
        long hs = g / chunks, hout = w.WHr?.shape[0] ?? hs, n = s.Rows;
        bool relu = mode == RnnMode.RnnRelu;
        Tensor pre, outBuf, hprev, hN;
        Tensor? cBuf = null, cprev = null, mBuf = null, hg = null, gates = null, cN = null;
        using (Torch.NoGrad())
        {
            // The input products of every step in one GEMM, biases included (b_hh too, except for GRU's hidden gates).
            pre = Alloc(n, g, x);
            Tensor? bias = w.BIh is null ? null : mode == RnnMode.Gru || w.BHh is null ? w.BIh : w.BIh.Add(w.BHh);
            if (bias is not null) be.Copy(bias.AliasWith([n, g], [0, bias.strides[0]], bias.offset), pre);
            Gemm(be, x, Tr(w.WIh), pre, bias is null ? 0 : 1);
            outBuf = Alloc(n, hout, x);
            hprev = Alloc(n, hout, x);
            if (mode == RnnMode.Lstm)
            {
                cBuf = Alloc(n, hs, x);
                cprev = Alloc(n, hs, x);
                if (w.WHr is not null) mBuf = Alloc(n, hs, x);
            }
            if (mode == RnnMode.Gru)
            {
                hg = Alloc(n, g, x);
                gates = Alloc(n, g, x);
            }
            var bhh = mode == RnnMode.Gru ? w.BHh?.Contiguous() : null;
            var whhT = Tr(w.WHh);
            foreach (var t in s.Order(reverse))
            {
                long off = s.Off[t], k = s.Bs[t];
                Route(be, hprev, outBuf, h0, s, t, reverse);
                var hp = Rows(hprev, off, k);
                switch (mode)
                {
                    case RnnMode.Lstm:
                        Route(be, cprev!, cBuf!, c0!, s, t, reverse);
                        Gemm(be, hp, whhT, Rows(pre, off, k), 1);
                        be.LstmCell(Rows(pre, off, k), Rows(cprev!, off, k), Rows(cBuf!, off, k), Rows(mBuf ?? outBuf, off, k));
                        if (mBuf is not null) Gemm(be, Rows(mBuf, off, k), Tr(w.WHr!), Rows(outBuf, off, k), 0);
                        break;
                    case RnnMode.Gru:
                        Gemm(be, hp, whhT, Rows(hg!, off, k), 0);
                        be.GruCell(Rows(pre, off, k), Rows(hg!, off, k), bhh, hp, Rows(gates!, off, k), Rows(outBuf, off, k));
                        break;
                    default:
                        Gemm(be, hp, whhT, Rows(pre, off, k), 1);
                        be.RnnCell(Rows(pre, off, k), Rows(outBuf, off, k), relu);
                        break;
                }
            }
            hN = Finals(be, outBuf, s, reverse);
            if (cBuf is not null) cN = Finals(be, cBuf, s, reverse);
        }

        Tensor?[] inputs = [x, h0, c0, w.WIh, w.WHh, w.BIh, w.BHh, w.WHr];
        if (Graph.Needs(inputs))
        {
            Tensor[] outputs = cN is null ? [outBuf, hN] : [outBuf, hN, cN];
            Tensor?[] saved = [x, h0, c0, w.WIh, w.WHh, w.BIh, w.BHh, w.WHr, pre, hprev, outBuf, cBuf, cprev, mBuf, hg, gates];
            Graph.Record(outputs, NodeName(mode), inputs, saved, nd => Backward(nd, mode, s, reverse, hs, hout));
        }
        return (outBuf, hN, cN);
    }

    private static Tensor?[] Backward(FunctionNode nd, RnnMode mode, RnnSteps s, bool reverse, long hs, long hout)
    {
        var ins = new Tensor?[8];
        for (int i = 0; i < 8; i++) ins[i] = nd.SavedOrNull(i);
        if (GradMode.IsEnabled) return CompositeGrads(nd, mode, s, reverse, ins);

        var x = ins[0]!;
        var w = new RnnWeights(ins[3]!, ins[4]!, ins[5], ins[6], ins[7]);
        Tensor pre = nd.Saved(8), hprev = nd.Saved(9), outBuf = nd.Saved(10);
        Tensor? cBuf = nd.SavedOrNull(11), cprev = nd.SavedOrNull(12), mBuf = nd.SavedOrNull(13);
        Tensor? hg = nd.SavedOrNull(14), gates = nd.SavedOrNull(15);
        var be = x.Backend;
        long n = s.Rows, b = s.Batch, g = pre.shape[1];
        var grads = nd.Grads;
        Tensor? gOut = grads[0], gH = grads.Length > 1 ? grads[1] : null, gC = grads.Length > 2 ? grads[2] : null;
        bool relu = mode == RnnMode.RnnRelu;

        var dH = Alloc(n, hout, x, zeroed: gOut is null);
        if (gOut is not null) be.Copy(gOut, dH);
        if (gH is not null) AddFinals(be, gH, dH, s, reverse);
        Tensor? dC = null, dc0 = null, dCprev = null, dM = null, dHG = null;
        if (mode == RnnMode.Lstm)
        {
            dC = Alloc(n, hs, x, zeroed: true);
            if (gC is not null) AddFinals(be, gC, dC, s, reverse);
            dc0 = Alloc(b, hs, x);
            dCprev = Alloc(b, hs, x);
            if (mBuf is not null) dM = Alloc(b, hs, x);
        }
        var dG = Alloc(n, g, x);
        if (mode == RnnMode.Gru) dHG = Alloc(n, g, x);
        var dHprev = Alloc(b, hout, x);
        var dh0 = Alloc(b, hout, x);

        foreach (var t in s.Order(!reverse))
        {
            long off = s.Off[t], k = s.Bs[t];
            var dhStep = Rows(dH, off, k);
            var dhp = Rows(dHprev, 0, k);
            switch (mode)
            {
                case RnnMode.Lstm:
                    if (dM is not null)
                    {
                        Gemm(be, dhStep, w.WHr!, Rows(dM, 0, k), 0);
                        dhStep = Rows(dM, 0, k);
                    }
                    be.LstmCellBackward(Rows(pre, off, k), Rows(cprev!, off, k), Rows(cBuf!, off, k), dhStep, Rows(dC!, off, k),
                        Rows(dG, off, k), Rows(dCprev!, 0, k));
                    Gemm(be, Rows(dG, off, k), w.WHh, dhp, 0);
                    Unroute(be, Rows(dCprev!, 0, k), dC!, dc0!, s, t, reverse);
                    break;
                case RnnMode.Gru:
                    be.GruCellBackward(Rows(gates!, off, k), Rows(hg!, off, k), Rows(hprev, off, k), dhStep, Rows(dG, off, k),
                        Rows(dHG!, off, k), dhp);
                    Gemm(be, Rows(dHG!, off, k), w.WHh, dhp, 1);
                    break;
                default:
                    be.RnnCellBackward(Rows(outBuf, off, k), dhStep, Rows(dG, off, k), relu);
                    Gemm(be, Rows(dG, off, k), w.WHh, dhp, 0);
                    break;
            }
            Unroute(be, dhp, dH, dh0, s, t, reverse);
        }

        var dGh = dHG ?? dG;
        return
        [
            nd.NeedsInputGrad(0) ? dG.Mm(w.WIh) : null,
            nd.NeedsInputGrad(1) ? dh0 : null,
            nd.NeedsInputGrad(2) ? dc0 : null,
            nd.NeedsInputGrad(3) ? dG.T().Mm(x) : null,
            nd.NeedsInputGrad(4) ? dGh.T().Mm(hprev) : null,
            nd.NeedsInputGrad(5) ? dG.Sum(0) : null,
            nd.NeedsInputGrad(6) ? dGh.Sum(0) : null,
            nd.NeedsInputGrad(7) && mBuf is not null ? dH.T().Mm(mBuf) : null,
        ];
    }

    /// <summary>
    /// The input gradients when the backward must itself be differentiable (<c>create_graph</c>): the layer is rebuilt
    /// from tensor ops over the saved inputs and differentiated by autograd.
    /// </summary>
    private static Tensor?[] CompositeGrads(FunctionNode nd, RnnMode mode, RnnSteps s, bool reverse, Tensor?[] ins)
    {
        var result = new Tensor?[ins.Length];
        var wanted = new List<int>();
        for (int i = 0; i < ins.Length; i++)
            if (ins[i] is not null && nd.NeedsInputGrad(i)) wanted.Add(i);
        if (wanted.Count == 0) return result;
        var (o, h, c) = Composite(mode, ins[0]!, s, reverse, ins[1]!, ins[2], new RnnWeights(ins[3]!, ins[4]!, ins[5], ins[6], ins[7]));
        Tensor?[] outs = [o, h, c];
        var roots = new List<Tensor>();
        var rootGrads = new List<Tensor?>();
        for (int k = 0; k < nd.Grads.Length; k++)
            if (nd.Grads[k] is { } gk && outs[k] is { } ok)
            {
                roots.Add(ok);
                rootGrads.Add(gk);
            }
        if (roots.Count == 0) return result;
        var grads = Torch.Autograd.Grad(roots.ToArray(), wanted.Select(i => ins[i]!).ToArray(), rootGrads.ToArray(),
            createGraph: true, allowUnused: true);
        for (int k = 0; k < wanted.Count; k++) result[wanted[k]] = grads[k] ?? Torch.ZerosLike(ins[wanted[k]]!);
        return result;
    }

    // ---- the op-built layer ----

    /// <summary>
    /// The layer from tensor ops, as PyTorch's native CPU path: one product for every step's input, then per step the
    /// cell (<see cref="Cell"/>); finished sequences keep their last state, the reverse direction adds sequences as
    /// they start.
    /// </summary>
    public static (Tensor Output, Tensor H, Tensor? C) Composite(RnnMode mode, Tensor x, RnnSteps s, bool reverse, Tensor h0, Tensor? c0, RnnWeights w)
    {
        var ig = Functional.Linear(x, w.WIh, w.BIh);
        var outs = new Tensor[s.T];
        var finalsH = new List<Tensor>();
        var finalsC = new List<Tensor>();
        long first = reverse ? s.Bs[s.T - 1] : s.Batch;
        var h = first == h0.shape[0] ? h0 : h0.Narrow(0, 0, first);
        var c = c0 is null ? null : first == c0.shape[0] ? c0 : c0.Narrow(0, 0, first);
        foreach (var t in s.Order(reverse))
        {
            long k = s.Bs[t], rows = h.shape[0];
            if (!reverse && k < rows)
            {
                finalsH.Add(h.Narrow(0, k, rows - k));
                h = h.Narrow(0, 0, k);
                if (c is not null)
                {
                    finalsC.Add(c.Narrow(0, k, rows - k));
                    c = c.Narrow(0, 0, k);
                }
            }
            else if (reverse && k > rows)
            {
                h = Torch.Cat([h, h0.Narrow(0, rows, k - rows)]);
                if (c is not null) c = Torch.Cat([c, c0!.Narrow(0, rows, k - rows)]);
            }
            (h, c) = Cell(mode, ig.Narrow(0, s.Off[t], k), h, c, w);
            outs[t] = h;
        }
        var output = s.T == 1 ? outs[0] : Torch.Cat(outs);
        if (reverse) return (output, h, c);
        finalsH.Add(h);
        finalsH.Reverse();
        Tensor? cN = null;
        if (c is not null)
        {
            finalsC.Add(c);
            finalsC.Reverse();
            cN = finalsC.Count == 1 ? finalsC[0] : Torch.Cat(finalsC);
        }
        return (output, finalsH.Count == 1 ? finalsH[0] : Torch.Cat(finalsH), cN);
    }

    /// <summary>
    /// One step of a cell from tensor ops, as ATen's LSTMCell/GRUCell/SimpleCell: <paramref name="gi"/> is the input's
    /// product (with b_ih), the hidden product (with b_hh) is added here.
    /// </summary>
    public static (Tensor H, Tensor? C) Cell(RnnMode mode, Tensor gi, Tensor h, Tensor? c, RnnWeights w)
    {
        var hg = Functional.Linear(h, w.WHh, w.BHh);
        switch (mode)
        {
            case RnnMode.Lstm:
            {
                var ch = hg.Add(gi).Chunk(4, 1);
                Tensor i = ch[0].Sigmoid(), f = ch[1].Sigmoid(), g = ch[2].Tanh(), o = ch[3].Sigmoid();
                var cy = f.Mul(c!).Add(i.Mul(g));
                var hy = o.Mul(cy.Tanh());
                if (w.WHr is not null) hy = hy.MatMul(w.WHr.T());
                return (hy, cy);
            }
            case RnnMode.Gru:
            {
                var ci = gi.Chunk(3, 1);
                var chh = hg.Chunk(3, 1);
                var r = chh[0].Add(ci[0]).Sigmoid();
                var z = chh[1].Add(ci[1]).Sigmoid();
                var nn = ci[2].Add(chh[2].Mul(r)).Tanh();
                return (h.Sub(nn).Mul(z).Add(nn), null);
            }
            case RnnMode.RnnTanh:
                return (hg.Add(gi).Tanh(), null);
            default:
                return (hg.Add(gi).Relu(), null);
        }
    }
}
