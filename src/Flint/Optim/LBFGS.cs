namespace Flint.Optim;

/// <summary>
/// L-BFGS (<c>torch.optim.LBFGS</c>), a quasi-Newton method that re-evaluates the model several times per step: pass a
/// closure that clears the gradients, computes the loss, calls <c>Backward()</c> and returns it. Supports one
/// parameter group, a fixed step or the strong Wolfe line search. The arithmetic follows PyTorch's: scalars that are
/// tensors there (curvature pairs, step lengths) are 0-dim tensors of the parameters' dtype here too.
/// </summary>
public sealed class LBFGS : Optimizer
{
    /// <summary>
    /// <c>torch.optim.LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
    /// history_size=100, line_search_fn=None)</c>; <paramref name="maxEval"/> defaults to <c>max_iter * 5 // 4</c> and
    /// <paramref name="lineSearchFn"/> may be <c>"strong_wolfe"</c>.
    /// </summary>
    public LBFGS(IEnumerable<Tensor> @params, double lr = 1, long maxIter = 20, long? maxEval = null, double toleranceGrad = 1e-7,
                 double toleranceChange = 1e-9, long historySize = 100, string? lineSearchFn = null)
        : base(@params, MakeDefaults(lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn)) => CheckOneGroup();

    /// <summary>L-BFGS over a single parameter group (more than one fails, as in PyTorch).</summary>
    public LBFGS(IEnumerable<ParamGroup> paramGroups, double lr = 1, long maxIter = 20, long? maxEval = null, double toleranceGrad = 1e-7,
                 double toleranceChange = 1e-9, long historySize = 100, string? lineSearchFn = null)
        : base(paramGroups, MakeDefaults(lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn)) => CheckOneGroup();

    private static Dictionary<string, object?> MakeDefaults(double lr, long maxIter, long? maxEval, double toleranceGrad,
        double toleranceChange, long historySize, string? lineSearchFn) => new()
    {
        ["lr"] = OptionBuilder.IntLike(lr),
        ["max_iter"] = maxIter,
        ["max_eval"] = maxEval ?? maxIter * 5 / 4,
        ["tolerance_grad"] = toleranceGrad,
        ["tolerance_change"] = toleranceChange,
        ["history_size"] = historySize,
        ["line_search_fn"] = lineSearchFn,
    };

    private void CheckOneGroup()
    {
        if (ParamGroups.Count != 1) throw new ArgumentException("LBFGS doesn't support per-parameter options (parameter groups)");
    }

    private List<Tensor> Params => ParamGroups[0].Params;

    private Tensor GatherFlatGrad()
    {
        var views = new List<Tensor>();
        foreach (var p in Params)
        {
            if (p.Grad is not { } g) views.Add(Torch.Zeros(p.Numel(), p.DType, p.Device));
            else if (g.IsSparse) views.Add(g.ToDense().View(-1));
            else views.Add(g.View(-1));
        }
        return Torch.Cat(views, 0);
    }

    private void AddGrad(Num stepSize, Tensor update)
    {
        long offset = 0;
        double alpha = stepSize.ToDouble();
        foreach (var p in Params)
        {
            long numel = p.Numel();
            p.Add_(update.Slice(0, offset, offset + numel).ViewAs(p), alpha);
            offset += numel;
        }
    }

    private List<Tensor> CloneParam() => Params.Select(p => p.IsContiguous() ? p.Clone() : p.Contiguous()).ToList();

    private void SetParam(List<Tensor> data)
    {
        for (int i = 0; i < Params.Count; i++) Params[i].Copy_(data[i]);
    }

    private static double CallClosure(Func<Tensor> closure)
    {
        using (Torch.EnableGrad()) return closure().Item<double>();
    }

    private (double Loss, Tensor FlatGrad) DirectionalEvaluate(Func<Tensor> closure, List<Tensor> x, Num t, Tensor d)
    {
        AddGrad(t, d);
        double loss = CallClosure(closure);
        var flatGrad = GatherFlatGrad();
        SetParam(x);
        return (loss, flatGrad);
    }

    /// <summary>
    /// Runs up to <c>max_iter</c> L-BFGS iterations (<c>optimizer.step(closure)</c>) and returns the loss of the first
    /// closure call. The closure is required.
    /// </summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        if (closure is null) throw new ArgumentException("LBFGS.step() missing 1 required positional argument: 'closure'");
        using var mode = Torch.NoGrad();
        var group = ParamGroups[0];
        var lr = Num.From(group["lr"]);
        long maxIter = group.GetLong("max_iter"), maxEval = group.GetLong("max_eval"), historySize = group.GetLong("history_size");
        double toleranceGrad = group.GetDouble("tolerance_grad"), toleranceChange = group.GetDouble("tolerance_change");
        var lineSearchFn = group["line_search_fn"] as string;

        var state = State[Params[0]];
        state.TryAdd("func_evals", 0L);
        state.TryAdd("n_iter", 0L);

        Tensor origLoss;
        using (Torch.EnableGrad()) origLoss = closure();
        double loss = origLoss.Item<double>();
        long currentEvals = 1;
        state["func_evals"] = (long)state["func_evals"]! + 1;

        var flatGrad = GatherFlatGrad();
        bool optCond = flatGrad.Abs().Max().Le(toleranceGrad).Item<bool>();
        if (optCond) return origLoss;

        var d = state.GetValueOrDefault("d") as Tensor;
        var t = Num.From(state.GetValueOrDefault("t"));
        var oldDirs = Tensors(state.GetValueOrDefault("old_dirs"));
        var oldStps = Tensors(state.GetValueOrDefault("old_stps"));
        var ro = Tensors(state.GetValueOrDefault("ro"));
        var hDiag = state.GetValueOrDefault("H_diag");
        var prevFlatGrad = state.GetValueOrDefault("prev_flat_grad") as Tensor;
        var prevLoss = state.GetValueOrDefault("prev_loss");

        long nIter = 0;
        while (nIter < maxIter)
        {
            nIter++;
            long stateIter = (long)state["n_iter"]! + 1;
            state["n_iter"] = stateIter;

            if (stateIter == 1)
            {
                d = flatGrad.Neg();
                oldDirs = [];
                oldStps = [];
                ro = [];
                hDiag = 1L;
            }
            else
            {
                var y = flatGrad.Sub(prevFlatGrad!);
                var s = t.MulInto(d!);
                var ys = y.Dot(s);
                if (ys.Gt(1e-10).Item<bool>())
                {
                    if (oldDirs!.Count == historySize)
                    {
                        oldDirs.RemoveAt(0);
                        oldStps!.RemoveAt(0);
                        ro!.RemoveAt(0);
                    }
                    oldDirs.Add(y);
                    oldStps!.Add(s);
                    // 1. / ys is Tensor.__rtruediv__: ys.reciprocal() * 1.
                    ro!.Add(ys.Reciprocal().Mul(1.0));
                    hDiag = ys.Div(y.Dot(y));
                }
                int numOld = oldDirs!.Count;
                if (!state.ContainsKey("al")) state["al"] = Enumerable.Repeat<object?>(null, (int)historySize).ToList();
                var al = (List<object?>)state["al"]!;
                var q = flatGrad.Neg();
                for (int i = numOld - 1; i >= 0; i--)
                {
                    var ali = oldStps![i].Dot(q).Mul(ro![i]);
                    al[i] = ali;
                    q.Add_(oldDirs[i], ali.Neg().Item<double>());
                }
                var r = hDiag switch
                {
                    Tensor h => q.Mul(h),
                    long l => q.Mul(l),
                    _ => q.Mul(PyValues.ToDouble(hDiag, "H_diag")),
                };
                d = r;
                for (int i = 0; i < numOld; i++)
                {
                    var beI = oldDirs[i].Dot(r).Mul(ro![i]);
                    r.Add_(oldStps![i], ((Tensor)al[i]!).Sub(beI).Item<double>());
                }
            }

            if (prevFlatGrad is null) prevFlatGrad = flatGrad.Clone();
            else prevFlatGrad.Copy_(flatGrad);
            prevLoss = loss;

            if (stateIter == 1)
            {
                // min(1., 1. / flat_grad.abs().sum()) * lr
                var inv = new Num(1.0) / new Num(flatGrad.Abs().Sum());
                t = Num.Min(1.0, inv) * lr;
            }
            else t = lr;

            var gtd = flatGrad.Dot(d!);
            if (gtd.Gt(-toleranceChange).Item<bool>()) break;

            long lsFuncEvals = 0;
            if (lineSearchFn is not null)
            {
                if (lineSearchFn != "strong_wolfe") throw new InvalidOperationException("only 'strong_wolfe' is supported");
                var xInit = CloneParam();
                (double, Tensor) ObjFunc(List<Tensor> x, Num tt, Tensor dd) => DirectionalEvaluate(closure, x, tt, dd);
                (loss, flatGrad, t, lsFuncEvals) = StrongWolfe(ObjFunc, xInit, t, d!, loss, flatGrad, gtd, toleranceChange);
                AddGrad(t, d!);
                optCond = flatGrad.Abs().Max().Le(toleranceGrad).Item<bool>();
            }
            else
            {
                AddGrad(t, d!);
                if (nIter != maxIter)
                {
                    loss = CallClosure(closure);
                    flatGrad = GatherFlatGrad();
                    optCond = flatGrad.Abs().Max().Le(toleranceGrad).Item<bool>();
                    lsFuncEvals = 1;
                }
            }
            currentEvals += lsFuncEvals;
            state["func_evals"] = (long)state["func_evals"]! + lsFuncEvals;

            if (nIter == maxIter) break;
            if (currentEvals >= maxEval) break;
            if (optCond) break;
            if (t.MulInto(d!).Abs().Max().Le(toleranceChange).Item<bool>()) break;
            if (Math.Abs(loss - PyValues.ToDouble(prevLoss, "prev_loss")) < toleranceChange) break;
        }

        state["d"] = d;
        state["t"] = t.ToObject();
        state["old_dirs"] = oldDirs?.Cast<object?>().ToList();
        state["old_stps"] = oldStps?.Cast<object?>().ToList();
        state["ro"] = ro?.Cast<object?>().ToList();
        state["H_diag"] = hDiag;
        state["prev_flat_grad"] = prevFlatGrad;
        state["prev_loss"] = prevLoss;
        return origLoss;
    }

    private static List<Tensor>? Tensors(object? v) => v is null ? null : (PyValues.Items(v) ?? []).Select(x => (Tensor)x!).ToList();

    // PyTorch's _cubic_interpolate: the minimiser of the cubic through two points with derivatives, clamped to bounds.
    private static Num CubicInterpolate(Num x1, Num f1, Num g1, Num x2, Num f2, Num g2, (Num Min, Num Max)? bounds = null)
    {
        var (xminBound, xmaxBound) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1));
        var d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        var d2Square = d1.Pow2() - g1 * g2;
        if (d2Square >= 0)
        {
            var d2 = d2Square.Sqrt();
            Num minPos = x1 <= x2
                ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            return Num.Min(Num.Max(minPos, xminBound), xmaxBound);
        }
        return (xminBound + xmaxBound) / 2.0;
    }

    // PyTorch's _strong_wolfe line search, step for step.
    private static (double Loss, Tensor Grad, Num T, long Evals) StrongWolfe(
        Func<List<Tensor>, Num, Tensor, (double, Tensor)> objFunc, List<Tensor> x, Num t, Tensor d, double f, Tensor g, Tensor gtd,
        double toleranceChange, double c1 = 1e-4, double c2 = 0.9, int maxLs = 25)
    {
        var dNorm = d.Abs().Max();
        g = g.Clone();
        var (fNew, gNew) = objFunc(x, t, d);
        long lsFuncEvals = 1;
        var gtdNew = gNew.Dot(d);

        Num tPrev = 0L, fPrev = f, gtdPrev = gtd;
        var gPrev = g;
        bool done = false;
        int lsIter = 0;
        Num[] bracket = [], bracketF = [], bracketGtd = [];
        Tensor[] bracketG = [];
        while (lsIter < maxLs)
        {
            if (new Num(fNew) > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev))
            {
                bracket = [tPrev, t];
                bracketF = [fPrev, fNew];
                bracketG = [gPrev, gNew.Clone()];
                bracketGtd = [gtdPrev, gtdNew];
                break;
            }
            if (new Num(gtdNew).Abs() <= -c2 * new Num(gtd))
            {
                bracket = [t];
                bracketF = [fNew];
                bracketG = [gNew];
                done = true;
                break;
            }
            if (new Num(gtdNew) >= 0)
            {
                bracket = [tPrev, t];
                bracketF = [fPrev, fNew];
                bracketG = [gPrev, gNew.Clone()];
                bracketGtd = [gtdPrev, gtdNew];
                break;
            }
            var minStep = t + 0.01 * (t - tPrev);
            var maxStep = t * 10;
            var tmp = t;
            t = CubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, (minStep, maxStep));
            tPrev = tmp;
            fPrev = fNew;
            gPrev = gNew.Clone();
            gtdPrev = gtdNew;
            (fNew, gNew) = objFunc(x, t, d);
            lsFuncEvals++;
            gtdNew = gNew.Dot(d);
            lsIter++;
        }
        if (lsIter == maxLs)
        {
            bracket = [0L, t];
            bracketF = [f, fNew];
            bracketG = [g, gNew];
        }

        bool insufProgress = false;
        var (lowPos, highPos) = bracketF[0] <= bracketF[^1] ? (0, 1) : (1, 0);
        while (!done && lsIter < maxLs)
        {
            if ((bracket[1] - bracket[0]).Abs() * dNorm < toleranceChange) break;
            t = CubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
            var bMax = Num.Max(bracket[0], bracket[1]);
            var bMin = Num.Min(bracket[0], bracket[1]);
            var eps = 0.1 * (bMax - bMin);
            if (Num.Min(bMax - t, t - bMin) < eps)
            {
                if (insufProgress || t >= bMax || t <= bMin)
                {
                    t = (t - bMax).Abs() < (t - bMin).Abs() ? bMax - eps : bMin + eps;
                    insufProgress = false;
                }
                else insufProgress = true;
            }
            else insufProgress = false;

            (fNew, gNew) = objFunc(x, t, d);
            lsFuncEvals++;
            gtdNew = gNew.Dot(d);
            lsIter++;

            if (new Num(fNew) > f + c1 * t * gtd || new Num(fNew) >= bracketF[lowPos])
            {
                bracket[highPos] = t;
                bracketF[highPos] = fNew;
                bracketG[highPos] = gNew.Clone();
                bracketGtd[highPos] = gtdNew;
                (lowPos, highPos) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
            }
            else
            {
                if (new Num(gtdNew).Abs() <= -c2 * new Num(gtd)) done = true;
                else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0)
                {
                    bracket[highPos] = bracket[lowPos];
                    bracketF[highPos] = bracketF[lowPos];
                    bracketG[highPos] = bracketG[lowPos];
                    bracketGtd[highPos] = bracketGtd[lowPos];
                }
                bracket[lowPos] = t;
                bracketF[lowPos] = fNew;
                bracketG[lowPos] = gNew.Clone();
                bracketGtd[lowPos] = gtdNew;
            }
        }
        return (bracketF[lowPos].ToDouble(), bracketG[lowPos], bracket[lowPos], lsFuncEvals);
    }

    /// <summary>
    /// A number as Python holds it in PyTorch's L-BFGS: a float (or int), or a 0-dim tensor. Arithmetic and comparisons
    /// follow Python: two numbers give a number; a tensor operand gives a tensor op, so precision and rounding are the
    /// tensor dtype's (a number divided by a tensor is <c>reciprocal() * number</c>, as <c>Tensor.__rtruediv__</c>).
    /// </summary>
    private readonly struct Num
    {
        private readonly double d;
        private readonly bool isInt;
        private readonly Tensor? t;

        public Num(double value) { d = value; isInt = false; t = null; }
        public Num(Tensor value) { d = 0; isInt = false; t = value; }
        private Num(long value) { d = value; isInt = true; t = null; }

        public static implicit operator Num(double v) => new(v);
        public static implicit operator Num(long v) => new(v);
        public static implicit operator Num(Tensor v) => new(v);

        public static Num From(object? v) => v switch
        {
            null => new Num(0.0),
            Tensor x => new Num(x),
            long or int => new Num(Convert.ToInt64(v)),
            _ => new Num(PyValues.ToDouble(v, "t")),
        };

        public object ToObject() => t is not null ? t : isInt ? (long)d : d;

        public double ToDouble() => t?.Item<double>() ?? d;

        private Scalar S => isInt ? (Scalar)(long)d : d;

        /// <summary>d.mul(t): a tensor scaled by this number (a 0-dim tensor or a scalar).</summary>
        public Tensor MulInto(Tensor x) => t is not null ? x.Mul(t) : x.Mul(S);

        public static Num operator +(Num a, Num b) =>
            a.t is null && b.t is null ? Both(a, b, a.d + b.d) : a.t is not null ? (b.t is not null ? a.t.Add(b.t) : a.t.Add(b.S)) : b.t!.Add(a.S);

        public static Num operator -(Num a, Num b) =>
            a.t is null && b.t is null ? Both(a, b, a.d - b.d) : a.t is not null ? (b.t is not null ? a.t.Sub(b.t) : a.t.Sub(b.S)) : b.t!.Rsub(a.S);

        public static Num operator *(Num a, Num b) =>
            a.t is null && b.t is null ? Both(a, b, a.d * b.d) : a.t is not null ? (b.t is not null ? a.t.Mul(b.t) : a.t.Mul(b.S)) : b.t!.Mul(a.S);

        public static Num operator /(Num a, Num b) =>
            a.t is null && b.t is null ? new Num(a.d / b.d) : a.t is not null ? (b.t is not null ? a.t.Div(b.t) : a.t.Div(b.S)) : b.t!.Reciprocal().Mul(a.S);

        public static Num operator -(Num a) => a.t is not null ? a.t.Neg() : a.isInt ? new Num(-(long)a.d) : new Num(-a.d);

        private static Num Both(Num a, Num b, double r) => a.isInt && b.isInt ? new Num((long)r) : new Num(r);

        public Num Abs() => t is not null ? t.Abs() : isInt ? new Num(Math.Abs((long)d)) : new Num(Math.Abs(d));

        public Num Sqrt() => t is not null ? t.Sqrt() : new Num(Math.Sqrt(d));

        public Num Pow2() => t is not null ? t.Pow(2) : isInt ? new Num((long)d * (long)d) : new Num(Math.Pow(d, 2));

        private static bool Compare(Num a, Num b, Func<double, double, bool> numbers, Func<Tensor, Tensor, Tensor> tt,
                                    Func<Tensor, Scalar, Tensor> ts, Func<Tensor, Scalar, Tensor> st)
        {
            if (a.t is null && b.t is null) return numbers(a.d, b.d);
            if (a.t is not null) return (b.t is not null ? tt(a.t, b.t) : ts(a.t, b.S)).Item<bool>();
            return st(b.t!, a.S).Item<bool>();
        }

        public static bool operator <(Num a, Num b) => Compare(a, b, (x, y) => x < y, (x, y) => x.Lt(y), (x, y) => x.Lt(y), (x, y) => x.Gt(y));
        public static bool operator >(Num a, Num b) => Compare(a, b, (x, y) => x > y, (x, y) => x.Gt(y), (x, y) => x.Gt(y), (x, y) => x.Lt(y));
        public static bool operator <=(Num a, Num b) => Compare(a, b, (x, y) => x <= y, (x, y) => x.Le(y), (x, y) => x.Le(y), (x, y) => x.Ge(y));
        public static bool operator >=(Num a, Num b) => Compare(a, b, (x, y) => x >= y, (x, y) => x.Ge(y), (x, y) => x.Ge(y), (x, y) => x.Le(y));

        /// <summary>Python's <c>min(a, b)</c>: a unless b &lt; a.</summary>
        public static Num Min(Num a, Num b) => b < a ? b : a;

        /// <summary>Python's <c>max(a, b)</c>: a unless b &gt; a.</summary>
        public static Num Max(Num a, Num b) => b > a ? b : a;
    }
}
