using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Flint.Autograd;
using Flint.Backends.Cpu;
using Flint.Ops;

namespace Flint;

public static partial class Torch
{
    /// <summary>The generator random functions use when none is given (<c>torch.default_generator</c>).</summary>
    public static Generator DefaultGenerator => Generator.Default;

    /// <summary>Seeds the default generator, and those of the CUDA devices, and returns it (<c>torch.manual_seed(seed)</c>).</summary>
    public static Generator ManualSeed(long seed)
    {
        Flint.Cuda.ManualSeedAll(seed);
        return Generator.Default.ManualSeed(seed);
    }

    /// <summary>Seeds the default generator (and the CUDA devices') from OS entropy and returns the seed (<c>torch.seed()</c>).</summary>
    public static ulong Seed()
    {
        var seed = Generator.Default.Seed();
        Flint.Cuda.ManualSeedAll(unchecked((long)seed));
        return seed;
    }

    /// <summary>The default generator's seed (<c>torch.initial_seed()</c>).</summary>
    public static ulong InitialSeed() => Generator.Default.InitialSeed();

    /// <summary>The default generator's state as a uint8 tensor (<c>torch.get_rng_state()</c>).</summary>
    public static Tensor GetRngState() => Generator.Default.GetState();

    /// <summary>Restores the default generator's state (<c>torch.set_rng_state(state)</c>).</summary>
    public static void SetRngState(Tensor newState) => Generator.Default.SetState(newState);

    // ---- rand ----

    /// <summary>Uniform samples in [0, 1) (<c>torch.rand(size)</c>).</summary>
    public static Tensor Rand(Size size, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var t = Flint.Tensor.Allocate(size.ToArray(), dtype ?? DTypes.Default, device ?? Flint.Device.CPU);
        Sampling.Uniform(t, 0, 1, generator);
        return Finish(t, requiresGrad);
    }

    /// <summary><c>torch.rand(d0)</c>.</summary>
    public static Tensor Rand(long d0, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Rand([d0], generator, dtype, device, requiresGrad);
    /// <summary><c>torch.rand(d0, d1)</c>.</summary>
    public static Tensor Rand(long d0, long d1, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Rand([d0, d1], generator, dtype, device, requiresGrad);
    /// <summary><c>torch.rand(d0, d1, d2)</c>.</summary>
    public static Tensor Rand(long d0, long d1, long d2, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Rand([d0, d1, d2], generator, dtype, device, requiresGrad);
    /// <summary><c>torch.rand(d0, d1, d2, d3)</c>.</summary>
    public static Tensor Rand(long d0, long d1, long d2, long d3, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Rand([d0, d1, d2, d3], generator, dtype, device, requiresGrad);

    /// <summary>
    /// Uniform samples in [0, 1) shaped like <paramref name="x"/> (<c>torch.rand_like</c>); the generator is a Flint
    /// addition (PyTorch's rand_like always uses the default one).
    /// </summary>
    public static Tensor RandLike(Tensor x, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null)
    {
        var t = EmptyLike(x, dtype, device);
        Sampling.Uniform(t, 0, 1, generator);
        return Finish(t, requiresGrad);
    }

    // ---- randn ----

    /// <summary>Standard normal samples (<c>torch.randn(size)</c>).</summary>
    public static Tensor Randn(Size size, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var t = Flint.Tensor.Allocate(size.ToArray(), dtype ?? DTypes.Default, device ?? Flint.Device.CPU);
        Sampling.Normal(t, 0, 1, generator);
        return Finish(t, requiresGrad);
    }

    /// <summary><c>torch.randn(d0)</c>.</summary>
    public static Tensor Randn(long d0, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Randn([d0], generator, dtype, device, requiresGrad);
    /// <summary><c>torch.randn(d0, d1)</c>.</summary>
    public static Tensor Randn(long d0, long d1, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Randn([d0, d1], generator, dtype, device, requiresGrad);
    /// <summary><c>torch.randn(d0, d1, d2)</c>.</summary>
    public static Tensor Randn(long d0, long d1, long d2, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Randn([d0, d1, d2], generator, dtype, device, requiresGrad);
    /// <summary><c>torch.randn(d0, d1, d2, d3)</c>.</summary>
    public static Tensor Randn(long d0, long d1, long d2, long d3, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Randn([d0, d1, d2, d3], generator, dtype, device, requiresGrad);

    /// <summary>
    /// Standard normal samples shaped like <paramref name="x"/> (<c>torch.randn_like</c>); the generator is a Flint
    /// addition.
    /// </summary>
    public static Tensor RandnLike(Tensor x, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null)
    {
        var t = EmptyLike(x, dtype, device);
        Sampling.Normal(t, 0, 1, generator);
        return Finish(t, requiresGrad);
    }

    // ---- randint ----

    /// <summary>Integers drawn uniformly from [0, high) (<c>torch.randint(high, size)</c>); int64 unless a dtype is given.</summary>
    public static Tensor Randint(long high, Size size, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Randint(0, high, size, generator, dtype, device, requiresGrad);

    /// <summary>Integers drawn uniformly from [low, high) (<c>torch.randint(low, high, size)</c>).</summary>
    public static Tensor Randint(long low, long high, Size size, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var t = Flint.Tensor.Allocate(size.ToArray(), dtype ?? DType.Int64, device ?? Flint.Device.CPU);
        Sampling.RandomFromTo(t, low, high, generator);
        return Finish(t, requiresGrad);
    }

    /// <summary>
    /// Integers from [0, high) shaped like <paramref name="x"/>, of its dtype unless given (<c>torch.randint_like</c>);
    /// the generator is a Flint addition.
    /// </summary>
    public static Tensor RandintLike(Tensor x, long high, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null) =>
        RandintLike(x, 0, high, dtype, device, requiresGrad, generator);

    /// <summary>Integers from [low, high) shaped like <paramref name="x"/> (<c>torch.randint_like(x, low, high)</c>).</summary>
    public static Tensor RandintLike(Tensor x, long low, long high, DType? dtype = null, Device? device = null, bool requiresGrad = false, Generator? generator = null)
    {
        var t = EmptyLike(x, dtype, device);
        Sampling.RandomFromTo(t, low, high, generator);
        return Finish(t, requiresGrad);
    }

    // ---- normal ----

    /// <summary>
    /// One normal sample per element with the given means and standard deviations, broadcast together
    /// (<c>torch.normal(mean, std)</c>); the result has <paramref name="mean"/>'s dtype.
    /// </summary>
    public static Tensor Normal(Tensor mean, Tensor std, Generator? generator = null)
    {
        Sampling.CheckStdTensor(std);
        var shape = Shapes.Broadcast(mean.shape, std.shape);
        var r = Flint.Tensor.Allocate(shape, mean.dtype, mean.Device);
        using (NoGrad())
        {
            Sampling.Normal(r, 0, 1, generator);
            r.Mul_(std).Add_(mean);
        }
        if (Graph.Needs(mean, std))
            Graph.Record(r, "NormalBackward3", [mean, std], [], n => [ZerosLike(n.Grad), ZerosLike(n.Grad)]);
        return r;
    }

    /// <summary>Normal samples with per-element means and one standard deviation (<c>torch.normal(mean, std=1.0)</c>).</summary>
    public static Tensor Normal(Tensor mean, double std = 1.0, Generator? generator = null)
    {
        Sampling.CheckStd(std);
        var r = Flint.Tensor.Allocate((long[])mean.shape.Clone(), mean.dtype, mean.Device);
        using (NoGrad())
        {
            Sampling.Normal(r, 0, std, generator);
            r.Add_(mean);
        }
        if (Graph.Needs(mean)) Graph.Record(r, "NormalBackward1", [mean], [], n => [ZerosLike(n.Grad)]);
        return r;
    }

    /// <summary>Normal samples with one mean and per-element standard deviations (<c>torch.normal(mean, std)</c>).</summary>
    public static Tensor Normal(double mean, Tensor std, Generator? generator = null)
    {
        Sampling.CheckStdTensor(std);
        var meanTensor = Full([], mean, std.dtype, std.Device);
        var r = Flint.Tensor.Allocate((long[])std.shape.Clone(), std.dtype, std.Device);
        using (NoGrad())
        {
            Sampling.Normal(r, 0, 1, generator);
            r.Mul_(std).Add_(meanTensor);
        }
        if (Graph.Needs(std)) Graph.Record(r, "NormalBackward2", [std], [], n => [ZerosLike(n.Grad)]);
        return r;
    }

    /// <summary>Normal samples of one mean and standard deviation in a new tensor (<c>torch.normal(mean, std, size)</c>).</summary>
    public static Tensor Normal(double mean, double std, Size size, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        Sampling.CheckStd(std);
        var t = Flint.Tensor.Allocate(size.ToArray(), dtype ?? DTypes.Default, device ?? Flint.Device.CPU);
        Sampling.Normal(t, mean, std, generator);
        return Finish(t, requiresGrad);
    }

    // ---- randperm ----

    /// <summary>A random permutation of 0 .. n-1 (<c>torch.randperm(n)</c>), int64 unless a dtype is given.</summary>
    public static Tensor Randperm(long n, Generator? generator = null, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var dt = dtype ?? DType.Int64;
        Shapes.CheckNonNegative([n]);
        if (dt == DType.Bool) throw Sampling.NotImplemented("randperm", dt);
        Sampling.CheckMaxIntWithPrecision(n, dt);
        var values = new long[n];
        for (long i = 0; i < n; i++) values[i] = i;
        var g = generator ?? Flint.Cuda.DefaultGeneratorFor(device ?? Flint.Device.CPU);
        lock (g.Sync)
        {
            for (long i = 0; i < n - 1; i++)
            {
                long z = (long)(g.NextUInt32() % (ulong)(n - i));
                (values[i], values[z + i]) = (values[z + i], values[i]);
            }
        }
        var t = FromArray(values).To(dt, device ?? Flint.Device.CPU);
        return Finish(t, requiresGrad);
    }

    // ---- bernoulli / multinomial ----

    /// <summary>0/1 samples with the probabilities in <paramref name="input"/> (<c>torch.bernoulli(input)</c>).</summary>
    public static Tensor Bernoulli(Tensor input, Generator? generator = null)
    {
        var r = Flint.Tensor.Allocate((long[])input.shape.Clone(), input.dtype, input.Device);
        Sampling.BernoulliTensor(r, input, generator);
        if (Graph.Needs(input)) Graph.Record(r, "BernoulliBackward0", [input], [], n => [ZerosLike(n.Grad)]);
        return r;
    }

    /// <summary>0/1 samples with probability <paramref name="p"/>, shaped and typed like <paramref name="input"/> (<c>torch.bernoulli(input, p)</c>).</summary>
    public static Tensor Bernoulli(Tensor input, double p, Generator? generator = null)
    {
        var r = Flint.Tensor.Allocate((long[])input.shape.Clone(), input.dtype, input.Device);
        Sampling.BernoulliScalar(r, p, generator);
        return r;
    }

    /// <summary>
    /// Indices sampled from the categorical distributions in the rows of <paramref name="input"/> (1-D or 2-D,
    /// non-negative weights) (<c>torch.multinomial(input, num_samples, replacement)</c>).
    /// </summary>
    public static Tensor Multinomial(Tensor input, long numSamples, bool replacement = false, Generator? generator = null) =>
        Sampling.Multinomial(input, numSamples, replacement, generator);
}

public partial class Tensor
{
    /// <summary>Fills with uniform samples from [from, to) (<c>x.uniform_(from, to)</c>).</summary>
    public Tensor Uniform_(double from = 0, double to = 1, Generator? generator = null) =>
        Sampling.InPlace(this, "UniformBackward0", null, t => Sampling.Uniform(t, from, to, generator));

    /// <summary>Fills with normal samples (<c>x.normal_(mean, std)</c>).</summary>
    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        Sampling.CheckStd(std);
        return Sampling.InPlace(this, "NormalBackward0", null, t => Sampling.Normal(t, mean, std, generator));
    }

    /// <summary>Fills with 0/1 samples that are 1 with probability <paramref name="p"/> (<c>x.bernoulli_(p)</c>).</summary>
    public Tensor Bernoulli_(double p = 0.5, Generator? generator = null) =>
        Sampling.InPlace(this, "BernoulliBackward2", null, t => Sampling.BernoulliScalar(t, p, generator));

    /// <summary>Fills with 0/1 samples that are 1 with the probabilities of <paramref name="p"/>, broadcast (<c>x.bernoulli_(p)</c>).</summary>
    public Tensor Bernoulli_(Tensor p, Generator? generator = null) =>
        Sampling.InPlace(this, "BernoulliBackward1", p, t => Sampling.BernoulliTensor(t, p, generator));

    /// <summary>0/1 samples with this tensor's probabilities (<c>x.bernoulli()</c>).</summary>
    public Tensor Bernoulli(Generator? generator = null) => Torch.Bernoulli(this, generator);

    /// <summary>0/1 samples with probability <paramref name="p"/>, shaped like this tensor (<c>x.bernoulli(p)</c>).</summary>
    public Tensor Bernoulli(double p, Generator? generator = null) => Torch.Bernoulli(this, p, generator);

    /// <summary>
    /// Fills with integers uniform over [0, 2^mantissa] for floats and [0, max] for integers (<c>x.random_()</c>).
    /// </summary>
    public Tensor Random_(Generator? generator = null) =>
        Sampling.InPlace(this, "RandomBackward2", null, t => Sampling.RandomDefault(t, generator));

    /// <summary>
    /// Fills with integers uniform over [0, to) (<c>x.random_(to)</c>). To pass a generator, use
    /// <c>Random_(0, to, generator)</c>: a generator argument here would make <c>Random_(from, null)</c> ambiguous.
    /// </summary>
    public Tensor Random_(long to) =>
        Sampling.InPlace(this, "RandomBackward1", null, t => Sampling.RandomFromTo(t, 0, to, null));

    /// <summary>
    /// Fills with integers uniform over [from, to), or [from, the dtype's largest integer] when
    /// <paramref name="to"/> is null (<c>x.random_(from, to)</c>).
    /// </summary>
    public Tensor Random_(long from, long? to, Generator? generator = null) =>
        Sampling.InPlace(this, "RandomBackward0", null, t => Sampling.RandomFromTo(t, from, to, generator));

    /// <summary>Fills with exponential samples of rate <paramref name="lambd"/> (<c>x.exponential_(lambd)</c>).</summary>
    public Tensor Exponential_(double lambd = 1, Generator? generator = null)
    {
        if (!(lambd >= 0))
            throw new ArgumentException($"exponential_ expects lambda >= 0.0, but found lambda={Sampling.Num(lambd)}");
        return Sampling.InPlace(this, "ExponentialBackward0", null, t => Sampling.Exponential(t, lambd, generator));
    }

    /// <summary>Fills with geometric samples (trials to first success) of success probability <paramref name="p"/> (<c>x.geometric_(p)</c>).</summary>
    public Tensor Geometric_(double p, Generator? generator = null)
    {
        if (!(p > 0 && p < 1))
            throw new ArgumentException($"geometric_ expects p to be in (0, 1), but got p={Sampling.Num(p)}");
        return Sampling.InPlace(this, "GeometricBackward0", null, t => Sampling.Geometric(t, p, generator));
    }

    /// <summary>Fills with samples of exp(N(mean, std²)) (<c>x.log_normal_(mean, std)</c>).</summary>
    public Tensor LogNormal_(double mean = 1, double std = 2, Generator? generator = null)
    {
        if (!(std > 0))
            throw new ArgumentException($"log_normal_ expects std > 0.0, but found std={Sampling.Num(std)}");
        return Sampling.InPlace(this, "LogNormalBackward0", null, t => Sampling.LogNormal(t, mean, std, generator));
    }

    /// <summary>Fills with Cauchy samples of location <paramref name="median"/> and scale <paramref name="sigma"/> (<c>x.cauchy_(median, sigma)</c>).</summary>
    public Tensor Cauchy_(double median = 0, double sigma = 1, Generator? generator = null) =>
        Sampling.InPlace(this, "CauchyBackward0", null, t => Sampling.Cauchy(t, median, sigma, generator));

    /// <summary>Indices sampled from this tensor's rows of weights (<c>x.multinomial(num_samples, replacement)</c>).</summary>
    public Tensor Multinomial(long numSamples, bool replacement = false, Generator? generator = null) =>
        Torch.Multinomial(this, numSamples, replacement, generator);
}

/// <summary>
/// PyTorch's CPU sampling kernels: the same draws from the generator, in the same element order (TensorIterator's),
/// with the same float arithmetic (including the fused multiply-adds of PyTorch's AVX2 build), so a seeded Flint
/// program sees PyTorch's numbers. Values are produced on the host and copied to other devices.
/// </summary>
internal static unsafe class Sampling
{
    /// <summary>A number as C++ streams print it in PyTorch's messages (6 significant digits).</summary>
    public static string Num(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        var s = v.ToString("G6", CultureInfo.InvariantCulture);
        int e = s.IndexOf('E');
        if (e < 0) return s;
        // C++ writes e+20 / e-07: a sign and at least two digits.
        var mant = s[..e];
        var exp = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
        return mant + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }

    public static NotSupportedException NotImplemented(string name, DType dt) =>
        new($"\"{name}\" not implemented for '{dt.ScalarTypeName()}'");

    public static void CheckStd(double std)
    {
        if (!(std >= 0)) throw new ArgumentException($"normal expects std >= 0.0, but found std {Num(std)}");
    }

    public static void CheckStdTensor(Tensor std)
    {
        if (std.Numel() == 0) return;
        foreach (var v in std.ToArray<double>())
            if (!(v >= 0)) throw new ArgumentException("normal expects all elements of std >= 0.0");
    }

    /// <summary>
    /// The in-place form of a sampler: without history it fills <paramref name="self"/> directly; with history the
    /// samples carry a node whose gradient is zero (PyTorch's <c>UniformBackward0</c> and friends).
    /// </summary>
    public static Tensor InPlace(Tensor self, string node, Tensor? other, Action<Tensor> fill) =>
        Ops.InPlace.Apply(self, s =>
        {
            var r = s.EmptyLikeDense();
            using (Torch.NoGrad()) fill(r);
            Graph.Record(r, node, [s, other], [], n => [Torch.ZerosLike(n.Grad), null]);
            return r;
        }, fill, other);

    // ---------------------------------------------------------------- element order

    /// <summary>
    /// TensorIterator's order of dims for a tensor (and an input of the same shape): outermost first, sorted by
    /// stride as PyTorch's <c>reorder_dimensions</c> does, so a transposed tensor is filled in memory order.
    /// </summary>
    private static long[] IterationPermutation(Tensor t, Tensor? input)
    {
        int n = t.shape.Length;
        var perm = new int[n]; // innermost first, as TensorIterator's perm_
        for (int i = 0; i < n; i++) perm[i] = n - 1 - i;
        int ShouldSwap(int d0, int d1)
        {
            foreach (var s in input is null ? [t.strides] : new[] { t.strides, input.strides })
            {
                long s0 = s[d0], s1 = s[d1];
                if (s0 == 0 || s1 == 0) continue;
                if (s0 < s1) return -1;
                if (s0 > s1) return 1;
                if (t.shape[d0] > t.shape[d1]) return 1;
            }
            return 0;
        }
        for (int i = 1; i < n; i++)
        {
            int d1 = i;
            for (int d0 = i - 1; d0 >= 0; d0--)
            {
                int c = ShouldSwap(perm[d0], perm[d1]);
                if (c > 0)
                {
                    (perm[d0], perm[d1]) = (perm[d1], perm[d0]);
                    d1 = d0;
                }
                else if (c < 0) break;
            }
        }
        var outerFirst = new long[n];
        for (int i = 0; i < n; i++) outerFirst[i] = perm[n - 1 - i];
        return outerFirst;
    }

    /// <summary>
    /// Runs <paramref name="fill"/> on a contiguous CPU tensor whose row-major order is <paramref name="t"/>'s
    /// TensorIterator order, then writes it into t (directly when t is already such a tensor).
    /// </summary>
    private static void InOrder(Tensor t, Action<Tensor> fill)
    {
        if (t.Numel() == 0) return;
        var view = t.IsContiguous() ? t : t.Permute(IterationPermutation(t, null));
        if (view.IsContiguous() && view.Device.IsCpu)
        {
            fill(view);
            return;
        }
        var tmp = Tensor.Allocate((long[])view.shape.Clone(), t.dtype, Device.CPU);
        fill(tmp);
        view.Backend.Copy(tmp, view);
    }

    /// <summary>Runs a per-element sampler producing doubles, converted to t's dtype as C++'s static_cast does.</summary>
    private static void FillDoubles<TS>(Tensor t, Generator? generator, TS sampler) where TS : struct, IDoubleSampler =>
        FillWith(t, generator, (dst, g) => new DoubleFill<TS>(dst, g, sampler));

    /// <summary>Runs a per-element sampler producing integers, converted to t's dtype.</summary>
    private static void FillLongs<TS>(Tensor t, Generator? generator, TS sampler) where TS : struct, ILongSampler =>
        FillWith(t, generator, (dst, g) => new LongFill<TS>(dst, g, sampler));

    /// <summary>Runs the fill <paramref name="make"/> builds over t's elements in order, holding the generator.</summary>
    private static void FillWith<TV>(Tensor t, Generator? generator, Func<Tensor, Generator, TV> make) where TV : struct, ITypeVisitor
    {
        var g = generator ?? Flint.Cuda.DefaultGeneratorFor(t.Device);
        InOrder(t, dst =>
        {
            lock (g.Sync)
            {
                var v = make(dst, g);
                Dispatch.On(dst.dtype, ref v);
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T StoreDouble<T>(double d) where T : unmanaged
    {
        // c10::Half and BFloat16 convert from float, so a double goes through float first.
        if (typeof(T) == typeof(Half)) { var h = (Half)(float)d; return Unsafe.As<Half, T>(ref h); }
        if (typeof(T) == typeof(BFloat16)) { var b = (BFloat16)(float)d; return Unsafe.As<BFloat16, T>(ref b); }
        return Cvt.FromDouble<T>(d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T StoreLong<T>(long l) where T : unmanaged
    {
        if (typeof(T) == typeof(Half)) { var h = (Half)(float)l; return Unsafe.As<Half, T>(ref h); }
        if (typeof(T) == typeof(BFloat16)) { var b = (BFloat16)(float)l; return Unsafe.As<BFloat16, T>(ref b); }
        if (typeof(T) == typeof(float)) { var f = (float)l; return Unsafe.As<float, T>(ref f); }
        if (typeof(T) == typeof(double)) { var d = (double)l; return Unsafe.As<double, T>(ref d); }
        return Cvt.FromLong<T>(l);
    }

    internal interface IDoubleSampler
    {
        double Next(Generator g);
    }

    internal interface ILongSampler
    {
        long Next(Generator g);
    }

    private readonly struct DoubleFill<TS>(Tensor dst, Generator g, TS sampler) : ITypeVisitor where TS : struct, IDoubleSampler
    {
        public void Visit<T>() where T : unmanaged
        {
            var p = (T*)dst.Ptr;
            var s = sampler;
            long n = dst.Numel();
            for (long i = 0; i < n; i++) p[i] = StoreDouble<T>(s.Next(g));
        }
    }

    private readonly struct LongFill<TS>(Tensor dst, Generator g, TS sampler) : ITypeVisitor where TS : struct, ILongSampler
    {
        public void Visit<T>() where T : unmanaged
        {
            var p = (T*)dst.Ptr;
            var s = sampler;
            long n = dst.Numel();
            for (long i = 0; i < n; i++) p[i] = StoreLong<T>(s.Next(g));
        }
    }

    // ---------------------------------------------------------------- uniform

    public static void Uniform(Tensor t, double from, double to, Generator? generator)
    {
        var dt = t.dtype;
        if (!dt.IsFloatingPoint()) throw NotImplemented("check_uniform_bounds", dt);
        double min = dt switch { DType.Float32 => float.MinValue, DType.Float16 => (double)System.Half.MinValue, DType.BFloat16 => -3.3895313892515355e38, _ => double.MinValue };
        double max = -min;
        if (!(from >= min && from <= max)) throw new ArgumentException($"from is out of bounds for {MathCommon.CppTypeName(dt)}");
        if (!(to >= min && to <= max)) throw new ArgumentException($"to is out of bounds for {MathCommon.CppTypeName(dt)}");
        if (!(from <= to))
            throw new ArgumentException($"uniform_ expects to return a [from, to) range, but found from={Num(from)} > to={Num(to)}");
        if (!(to - from <= max))
            throw new ArgumentException(
                $"uniform_ expects to-from <= std::numeric_limits<{dt.ScalarTypeName()}>::max(), but found to={Num(to)} and from={Num(from)} which result in to-from to exceed the limit");
        var g = generator ?? Flint.Cuda.DefaultGeneratorFor(t.Device);
        InOrder(t, dst =>
        {
            long n = dst.Numel();
            lock (g.Sync)
            {
                switch (dt)
                {
                    case DType.Float32:
                    {
                        float f = (float)from;
                        UniformFloats((float*)dst.Ptr, n, f, (float)to - f, g);
                        break;
                    }
                    case DType.Float64:
                        UniformDoubles((double*)dst.Ptr, n, from, to - from, g);
                        break;
                    case DType.Float16:
                    {
                        var hf = (Half)(float)from;
                        float f = (float)hf, range = (float)(Half)((float)(Half)(float)to - f);
                        var p = (Half*)dst.Ptr;
                        for (long i = 0; i < n; i++)
                            p[i] = (Half)MathF.FusedMultiplyAdd((g.NextUInt32() & 0x7FF) * (1f / 2048), range, f);
                        break;
                    }
                    default:
                    {
                        float f = (float)(BFloat16)(float)from, range = (float)(BFloat16)((float)(BFloat16)(float)to - f);
                        var p = (BFloat16*)dst.Ptr;
                        for (long i = 0; i < n; i++)
                            p[i] = (BFloat16)MathF.FusedMultiplyAdd((g.NextUInt32() & 0xFF) * (1f / 256), range, f);
                        break;
                    }
                }
            }
        });
    }

    private const int Block = 512;

    /// <summary>p[i] = fma(u24 * 2^-24, range, from) for the next n draws: uniform_real_distribution&lt;float&gt;.</summary>
    private static void UniformFloats(float* p, long n, float from, float range, Generator g)
    {
        uint* raw = stackalloc uint[Block];
        var vr = Vector256.Create(range);
        var vf = Vector256.Create(from);
        var mask = Vector256.Create((1u << 24) - 1);
        var scale = Vector256.Create(1.0f / (1u << 24));
        for (long i = 0; i < n; i += Block)
        {
            int m = (int)Math.Min(Block, n - i);
            g.NextUInt32s(new Span<uint>(raw, m));
            var o = p + i;
            int j = 0;
            for (; j <= m - 8; j += 8)
            {
                var x = Vector256.ConvertToSingle((Vector256.Load(raw + j) & mask).AsInt32()) * scale;
                Vector256.FusedMultiplyAdd(x, vr, vf).Store(o + j);
            }
            for (; j < m; j++) o[j] = MathF.FusedMultiplyAdd((raw[j] & ((1u << 24) - 1)) * (1.0f / (1u << 24)), range, from);
        }
    }

    /// <summary>p[i] = fma(u53 * 2^-53, range, from) for the next n 64-bit draws: uniform_real_distribution&lt;double&gt;.</summary>
    private static void UniformDoubles(double* p, long n, double from, double range, Generator g)
    {
        uint* raw = stackalloc uint[2 * Block];
        for (long i = 0; i < n; i += Block)
        {
            int m = (int)Math.Min(Block, n - i);
            g.NextUInt32s(new Span<uint>(raw, 2 * m));
            var o = p + i;
            for (int j = 0; j < m; j++)
            {
                ulong v = ((ulong)raw[2 * j] << 32 | raw[2 * j + 1]) & ((1UL << 53) - 1);
                o[j] = Math.FusedMultiplyAdd(v * (1.0 / (1UL << 53)), range, from);
            }
        }
    }

    // ---------------------------------------------------------------- normal

    public static void Normal(Tensor t, double mean, double std, Generator? generator)
    {
        var dt = t.dtype;
        if (!dt.IsFloatingPoint()) throw NotImplemented("normal_kernel_cpu", dt);
        CheckStd(std);
        var g = generator ?? Flint.Cuda.DefaultGeneratorFor(t.Device);
        long n = t.Numel();
        if (n >= 16 && t.IsContiguous())
        {
            // PyTorch's normal_fill: uniforms first, then Box-Muller on blocks of 16 in place.
            InOrder(t, dst =>
            {
                lock (g.Sync)
                {
                    switch (dt)
                    {
                        case DType.Float32: NormalFillFloat((float*)dst.Ptr, n, (float)mean, (float)std, g); break;
                        case DType.Float64: NormalFillDouble((double*)dst.Ptr, n, mean, std, g); break;
                        case DType.Float16: NormalFillHalf((Half*)dst.Ptr, n, (Half)(float)mean, (Half)(float)std, g); break;
                        default: NormalFillBFloat16((BFloat16*)dst.Ptr, n, (BFloat16)(float)mean, (BFloat16)(float)std, g); break;
                    }
                }
            });
            return;
        }
        FillDoubles(t, g, new NormalSampler(mean, std));
    }

    private readonly struct NormalSampler(double mean, double std) : IDoubleSampler
    {
        public double Next(Generator g) => Math.FusedMultiplyAdd(g.NextNormal(), std, mean);
    }

    private static void NormalFillFloat(float* data, long size, float mean, float std, Generator g)
    {
        UniformFloats(data, size, 0, 1, g);
        for (long i = 0; i < size - 15; i += 16) NormalFill16Float(data + i, mean, std);
        if (size % 16 != 0)
        {
            var tail = data + size - 16;
            for (int i = 0; i < 16; i++) tail[i] = g.NextSingle();
            NormalFill16Float(tail, mean, std);
        }
    }

    /// <summary>
    /// Box-Muller on 16 uniforms as PyTorch's <c>normal_fill_16_AVX2</c> computes it: Pommier's log and sincos
    /// approximations (avx_mathfun.h) with the multiply-adds GCC fuses in PyTorch's AVX2 build, so the floats match bit
    /// for bit.
    /// </summary>
    private static void NormalFill16Float(float* data, float mean, float std)
    {
        var one = Vector256.Create(1.0f);
        var u1 = one - Vector256.Load(data);
        var u2 = Vector256.Load(data + 8);
        var radius = Vector256.Sqrt(Log(u1) * Vector256.Create(-2.0f));
        var theta = Vector256.Create((float)(2.0 * Math.PI)) * u2;
        SinCos(theta, out var sin, out var cos);
        var m = Vector256.Create(mean);
        var s = Vector256.Create(std);
        Vector256.FusedMultiplyAdd(radius * cos, s, m).Store(data);
        Vector256.FusedMultiplyAdd(radius * sin, s, m).Store(data + 8);
    }

    // log256_ps for arguments in [2^-24, 1] (so no denormal or invalid-input handling is needed).
    private static Vector256<float> Log(Vector256<float> x)
    {
        var one = Vector256.Create(1.0f);
        var imm0 = Vector256.ShiftRightLogical(x.AsInt32(), 23) - Vector256.Create(0x7f);
        x = (x.AsInt32() & Vector256.Create(~0x7f800000)).AsSingle() | Vector256.Create(0.5f);
        var e = Vector256.ConvertToSingle(imm0) + one;
        var mask = Vector256.LessThan(x, Vector256.Create(0.707106781186547524f));
        var tmp = x & mask;
        x -= one;
        e -= one & mask;
        x = tmp + x;
        var y = Vector256.Create(7.0376836292E-2f);
        y = Vector256.FusedMultiplyAdd(y, x, Vector256.Create(-1.1514610310E-1f));
        y = Vector256.FusedMultiplyAdd(y, x, Vector256.Create(1.1676998740E-1f));
        y = Vector256.FusedMultiplyAdd(y, x, Vector256.Create(-1.2420140846E-1f));
        y = Vector256.FusedMultiplyAdd(y, x, Vector256.Create(1.4249322787E-1f));
        y = Vector256.FusedMultiplyAdd(y, x, Vector256.Create(-1.6668057665E-1f));
        y = Vector256.FusedMultiplyAdd(y, x, Vector256.Create(2.0000714765E-1f));
        y = Vector256.FusedMultiplyAdd(y, x, Vector256.Create(-2.4999993993E-1f));
        y = Vector256.FusedMultiplyAdd(y, x, Vector256.Create(3.3333331174E-1f));
        var z = x * x;
        y *= x;
        y = Vector256.FusedMultiplyAdd(y, z, e * Vector256.Create(-2.12194440e-4f));
        y -= z * Vector256.Create(0.5f);
        x += y;
        return Vector256.FusedMultiplyAdd(e, Vector256.Create(0.693359375f), x);
    }

    // sincos256_ps for non-negative arguments below 2 pi.
    private static void SinCos(Vector256<float> x, out Vector256<float> sin, out Vector256<float> cos)
    {
        var signMask = Vector256.Create(unchecked((int)0x80000000)).AsSingle();
        var signSin = x & signMask;
        x = Vector256.AndNot(x, signMask);
        var j = Vector256.ConvertToInt32(x * Vector256.Create(1.27323954473516f));
        j = (j + Vector256.Create(1)) & Vector256.Create(~1);
        var y = Vector256.ConvertToSingle(j);
        var swapSignSin = Vector256.ShiftLeft(j & Vector256.Create(4), 29).AsSingle();
        var polyMask = Vector256.Equals(j & Vector256.Create(2), Vector256<int>.Zero).AsSingle();
        x = Vector256.FusedMultiplyAdd(y, Vector256.Create(-0.78515625f), x);
        x = Vector256.FusedMultiplyAdd(y, Vector256.Create(-2.4187564849853515625e-4f), x);
        x = Vector256.FusedMultiplyAdd(y, Vector256.Create(-3.77489497744594108e-8f), x);
        var signCos = Vector256.ShiftLeft(Vector256.AndNot(Vector256.Create(4), j - Vector256.Create(2)), 29).AsSingle();
        signSin ^= swapSignSin;
        var z = x * x;
        var yc = Vector256.FusedMultiplyAdd(Vector256.Create(2.443315711809948E-005f), z, Vector256.Create(-1.388731625493765E-003f));
        yc = Vector256.FusedMultiplyAdd(yc, z, Vector256.Create(4.166664568298827E-002f));
        var half = z * Vector256.Create(0.5f);
        yc *= z;
        yc = Vector256.FusedMultiplyAdd(yc, z, -half);
        yc += Vector256.Create(1.0f);
        var ys = Vector256.FusedMultiplyAdd(Vector256.Create(-1.9515295891E-4f), z, Vector256.Create(8.3321608736E-3f));
        ys = Vector256.FusedMultiplyAdd(ys, z, Vector256.Create(-1.6666654611E-1f));
        ys = z * ys;
        ys = Vector256.FusedMultiplyAdd(ys, x, x);
        var sin2 = polyMask & ys;
        var sin1 = Vector256.AndNot(yc, polyMask);
        ys -= sin2;
        yc -= sin1;
        sin = (sin2 + sin1) ^ signSin;
        cos = (ys + yc) ^ signCos;
    }

    private static void NormalFillDouble(double* data, long size, double mean, double std, Generator g)
    {
        UniformDoubles(data, size, 0, 1, g);
        for (long i = 0; i < size - 15; i += 16) NormalFill16Double(data + i, mean, std);
        if (size % 16 != 0)
        {
            var tail = data + size - 16;
            for (int i = 0; i < 16; i++) tail[i] = g.NextDouble();
            NormalFill16Double(tail, mean, std);
        }
    }

    private static void NormalFill16Double(double* data, double mean, double std)
    {
        for (int j = 0; j < 8; j++)
        {
            double radius = Math.Sqrt(-2 * Math.Log(1 - data[j]));
            double theta = 2.0 * Math.PI * data[j + 8];
            var (sin, cos) = Math.SinCos(theta);
            data[j] = Math.FusedMultiplyAdd(radius * cos, std, mean);
            data[j + 8] = Math.FusedMultiplyAdd(radius * sin, std, mean);
        }
    }

    private static void NormalFillHalf(Half* data, long size, Half mean, Half std, Generator g)
    {
        for (long i = 0; i < size; i++) data[i] = (Half)((g.NextUInt32() & 0x7FF) * (1f / 2048));
        for (long i = 0; i < size - 15; i += 16) NormalFill16Half(data + i, mean, std);
        if (size % 16 != 0)
        {
            var tail = data + size - 16;
            for (int i = 0; i < 16; i++) tail[i] = (Half)((g.NextUInt32() & 0x7FF) * (1f / 2048));
            NormalFill16Half(tail, mean, std);
        }
    }

    // normal_fill_16<c10::Half>: Half arithmetic goes through float and rounds on each Half assignment.
    private static void NormalFill16Half(Half* data, Half mean, Half std)
    {
        for (int j = 0; j < 8; j++)
        {
            var u1 = (Half)(1f - (float)data[j]);
            var radius = (Half)MathF.Sqrt(-2 * MathF.Log((float)u1));
            var theta = (Half)(float)(2.0 * Math.PI * (float)data[j + 8]);
            float r = (float)radius;
            data[j] = (Half)MathF.FusedMultiplyAdd(r * MathF.Cos((float)theta), (float)std, (float)mean);
            data[j + 8] = (Half)MathF.FusedMultiplyAdd(r * MathF.Sin((float)theta), (float)std, (float)mean);
        }
    }

    private static void NormalFillBFloat16(BFloat16* data, long size, BFloat16 mean, BFloat16 std, Generator g)
    {
        for (long i = 0; i < size; i++) data[i] = (BFloat16)((g.NextUInt32() & 0xFF) * (1f / 256));
        for (long i = 0; i < size - 15; i += 16) NormalFill16BFloat16(data + i, mean, std);
        if (size % 16 != 0)
        {
            var tail = data + size - 16;
            for (int i = 0; i < 16; i++) tail[i] = (BFloat16)((g.NextUInt32() & 0xFF) * (1f / 256));
            NormalFill16BFloat16(tail, mean, std);
        }
    }

    // normal_fill_16<c10::BFloat16>: c10's BFloat16 math overloads round to bfloat16 after every operation.
    private static void NormalFill16BFloat16(BFloat16* data, BFloat16 mean, BFloat16 std)
    {
        static BFloat16 B(float f) => (BFloat16)f;
        for (int j = 0; j < 8; j++)
        {
            var u1 = B(1f - (float)data[j]);
            var radius = B(MathF.Sqrt((float)B(-2f * (float)B(MathF.Log((float)u1)))));
            var theta = B((float)(2.0 * Math.PI * (float)data[j + 8]));
            var c = B(MathF.Cos((float)theta));
            var s = B(MathF.Sin((float)theta));
            data[j] = B((float)B((float)B((float)radius * (float)c) * (float)std) + (float)mean);
            data[j + 8] = B((float)B((float)B((float)radius * (float)s) * (float)std) + (float)mean);
        }
    }

    // ---------------------------------------------------------------- other distributions

    public static void Exponential(Tensor t, double lambd, Generator? generator)
    {
        if (!t.dtype.IsFloatingPoint()) throw NotImplemented("exponential_cpu", t.dtype);
        FillDoubles(t, generator, new ExponentialSampler(lambd));
    }

    private readonly struct ExponentialSampler(double lambd) : IDoubleSampler
    {
        public double Next(Generator g) => -1.0 / lambd * Math.Log(1.0 - g.NextDouble());
    }

    public static void Geometric(Tensor t, double p, Generator? generator)
    {
        if (t.dtype == DType.Bool) throw NotImplemented("geometric_cpu", t.dtype);
        FillDoubles(t, generator, new GeometricSampler(p));
    }

    private readonly struct GeometricSampler(double p) : IDoubleSampler
    {
        public double Next(Generator g) => Math.Ceiling(Math.Log(g.NextDouble()) / Math.Log(1.0 - p));
    }

    public static void LogNormal(Tensor t, double mean, double std, Generator? generator)
    {
        if (!t.dtype.IsFloatingPoint()) throw NotImplemented("log_normal_cpu", t.dtype);
        FillDoubles(t, generator, new LogNormalSampler(mean, std));
    }

    private readonly struct LogNormalSampler(double mean, double std) : IDoubleSampler
    {
        public double Next(Generator g) => Math.Exp(Math.FusedMultiplyAdd(g.NextNormal(), std, mean));
    }

    public static void Cauchy(Tensor t, double median, double sigma, Generator? generator)
    {
        if (!t.dtype.IsFloatingPoint()) throw NotImplemented("cauchy_cpu", t.dtype);
        FillDoubles(t, generator, new CauchySampler(median, sigma));
    }

    private readonly struct CauchySampler(double median, double sigma) : IDoubleSampler
    {
        public double Next(Generator g) => Math.FusedMultiplyAdd(sigma, Math.Tan(Math.PI * (g.NextDouble() - 0.5)), median);
    }

    // ---------------------------------------------------------------- bernoulli

    public static void BernoulliScalar(Tensor t, double p, Generator? generator)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"bernoulli_ expects p to be in [0, 1], but got p={Num(p)}");
        if (t.dtype == DType.Float16) throw NotImplemented("bernoulli_scalar_cpu_", t.dtype);
        FillWith(t, generator, (dst, g) => new BernoulliFill(dst, g, p));
    }

    // bernoulli_distribution<double>: a uniform double (53 bits of two draws, as NextDouble) below p gives 1. The draws
    // come a block at a time, tempered by vectors, and the comparison is made without a branch: u · 2^-53 < p exactly
    // when the integer u < ⌈p · 2^53⌉ (both products exact). A draw per call and a branch per element (mispredicted
    // as often as the mask is random) took most of dropout's time: 2M floats 24 -> 1.5 ms.
    private readonly struct BernoulliFill(Tensor dst, Generator g, double p) : ITypeVisitor
    {
        public void Visit<T>() where T : unmanaged
        {
            var o = (T*)dst.Ptr;
            long n = dst.Numel();
            uint* raw = stackalloc uint[2 * Block];
            ulong bound = (ulong)Math.Ceiling(p * (1UL << 53));
            for (long i = 0; i < n; i += Block)
            {
                int m = (int)Math.Min(Block, n - i);
                g.NextUInt32s(new Span<uint>(raw, 2 * m));
                int j = typeof(T) == typeof(float) || typeof(T) == typeof(double) ? Lanes<T>(raw, o + i, m, bound) : 0;
                for (; j < m; j++)
                {
                    ulong u = ((ulong)raw[2 * j] << 32 | raw[2 * j + 1]) & ((1UL << 53) - 1);
                    // u and bound are below 2^63: the difference's sign bit is u < bound.
                    o[i + j] = StoreDouble<T>((u - bound) >> 63);
                }
            }
        }

        // Eight float or four double outputs a step from pairs of draws read as 64-bit lanes (second draw high, so their
        // halves are swapped); returns the outputs done.
        private static int Lanes<T>(uint* raw, T* o, int m, ulong bound) where T : unmanaged
        {
            if (!Vector256.IsHardwareAccelerated) return 0;
            var mask = Vector256.Create((1L << 53) - 1);
            var limit = Vector256.Create((long)bound);
            int j = 0;
            if (typeof(T) == typeof(float))
            {
                var onef = Vector256.Create(1f).AsInt32();
                for (; j + 8 <= m; j += 8)
                {
                    var lo = Below(Vector256.Load((long*)raw + j), mask, limit);
                    var hi = Below(Vector256.Load((long*)raw + j + 4), mask, limit);
                    (Vector256.Narrow(lo, hi) & onef).AsSingle().Store((float*)o + j);
                }
                return j;
            }
            var oned = Vector256.Create(1.0).AsInt64();
            for (; j + 4 <= m; j += 4) (Below(Vector256.Load((long*)raw + j), mask, limit) & oned).AsDouble().Store((double*)o + j);
            return j;
        }

        // All ones where the pair's 53 bits are below the bound.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<long> Below(Vector256<long> pairs, Vector256<long> mask, Vector256<long> limit)
        {
            var u = (Vector256.ShiftLeft(pairs, 32) | Vector256.ShiftRightLogical(pairs, 32)) & mask;
            return Vector256.LessThan(u, limit);
        }
    }

    public static void BernoulliTensor(Tensor t, Tensor p, Generator? generator)
    {
        if (t.dtype == DType.Float16) throw NotImplemented("bernoulli_tensor_cpu_self_", t.dtype);
        if (p.dtype is not (DType.Float32 or DType.Float64 or DType.BFloat16)) throw NotImplemented("bernoulli_tensor_cpu_p_", p.dtype);
        if (t.Numel() == 0) return;
        var pe = p.Detach().To(Device.CPU).Expand(t.shape);
        var perm = IterationPermutation(t, pe);
        var view = t.Permute(perm);
        var probs = pe.Permute(perm).ToArray<double>();
        var tmp = Tensor.Allocate((long[])view.shape.Clone(), t.dtype, Device.CPU);
        var g = generator ?? Flint.Cuda.DefaultGeneratorFor(t.Device);
        lock (g.Sync)
        {
            var v = new BernoulliTensorFill(tmp, g, probs, p.dtype == DType.Float64);
            Dispatch.On(tmp.dtype, ref v);
        }
        view.Backend.Copy(tmp, view);
    }

    private readonly struct BernoulliTensorFill(Tensor dst, Generator g, double[] probs, bool isDouble) : ITypeVisitor
    {
        public void Visit<T>() where T : unmanaged
        {
            var p = (T*)dst.Ptr;
            for (int i = 0; i < probs.Length; i++)
            {
                var pv = probs[i];
                if (!(pv >= 0 && pv <= 1))
                    throw new ArgumentException("Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
                bool hit = isDouble ? g.NextDouble() < pv : g.NextSingle() < (float)pv;
                p[i] = StoreLong<T>(hit ? 1 : 0);
            }
        }
    }

    // ---------------------------------------------------------------- random_

    public static void RandomDefault(Tensor t, Generator? generator)
    {
        switch (t.dtype)
        {
            case DType.Bool: FillLongs(t, generator, new RandomBitsSampler(0, false)); break;
            case DType.Int64: FillLongs(t, generator, new RandomBitsSampler((ulong)long.MaxValue + 1, true)); break;
            case DType.Float64: FillLongs(t, generator, new RandomBitsSampler((1UL << 53) + 1, true)); break;
            case DType.Float32: FillLongs(t, generator, new RandomBitsSampler((1UL << 24) + 1, false)); break;
            case DType.Float16: FillLongs(t, generator, new RandomBitsSampler((1UL << 11) + 1, false)); break;
            case DType.BFloat16: FillLongs(t, generator, new RandomBitsSampler((1UL << 8) + 1, false)); break;
            default: FillLongs(t, generator, new RandomBitsSampler((ulong)MaxInt(t.dtype) + 1, false)); break;
        }
    }

    // uniform_int_distribution: val % modulus, or the lowest bit for bool (modulus 0).
    private readonly struct RandomBitsSampler(ulong modulus, bool wide) : ILongSampler
    {
        public long Next(Generator g)
        {
            ulong v = wide ? g.NextUInt64() : g.NextUInt32();
            return modulus == 0 ? (long)(v & 1) : (long)(v % modulus);
        }
    }

    private static long MaxInt(DType dt) => dt switch
    {
        DType.Int64 => long.MaxValue,
        DType.Int32 => int.MaxValue,
        DType.Int16 => short.MaxValue,
        DType.Int8 => sbyte.MaxValue,
        DType.UInt8 => byte.MaxValue,
        _ => 1,
    };

    private static long MinInt(DType dt) => dt switch
    {
        DType.Int64 => long.MinValue,
        DType.Int32 => int.MinValue,
        DType.Int16 => short.MinValue,
        DType.Int8 => sbyte.MinValue,
        _ => 0,
    };

    private static int Digits(DType dt) => dt switch
    {
        DType.Float32 => 24,
        DType.Float64 => 53,
        DType.Float16 => 11,
        _ => 8,
    };

    private static long CastThroughFloat(long v, DType dt) => dt switch
    {
        DType.Float32 => (long)(float)v,
        DType.Float64 => (long)(double)v,
        DType.Float16 => (long)(float)(Half)(float)v,
        _ => (long)(float)(BFloat16)(float)v,
    };

    // PyTorch's update_from / update_to: move a bound that the float dtype cannot hold to the next representable value inside the range.
    private static long UpdateFrom(long from, DType dt)
    {
        long fromPlus1 = CastThroughFloat(from + 1, dt);
        if (fromPlus1 < from)
        {
            long f = Math.Abs(from + 1);
            int n = 0;
            while ((f >>= 1) != 0) ++n;
            from = fromPlus1 + (1L << (n - Digits(dt) + 1));
        }
        return from;
    }

    private static long UpdateTo(long to, DType dt)
    {
        long toMinus1 = CastThroughFloat(to - 1, dt);
        if (toMinus1 >= to)
        {
            long f = Math.Abs(to - 1);
            int n = 0;
            while ((f >>= 1) != 0) ++n;
            to = toMinus1 - (1L << (n - Digits(dt) + 1));
        }
        return to;
    }

    private static void CheckInRange(long from, long toInc, DType dt)
    {
        if (dt.IsFloatingPoint())
        {
            double max = dt switch { DType.Float32 => float.MaxValue, DType.Float16 => 65504.0, DType.BFloat16 => 3.3895313892515355e38, _ => double.MaxValue };
            if (!(from >= -max && from <= max)) throw new ArgumentException($"from is out of bounds for {MathCommon.CppTypeName(dt)}");
            if (!(toInc >= -max && toInc <= max)) throw new ArgumentException($"to - 1 is out of bounds for {MathCommon.CppTypeName(dt)}");
            return;
        }
        if (from < MinInt(dt) || from > MaxInt(dt)) throw new ArgumentException($"from is out of bounds for {MathCommon.CppTypeName(dt)}");
        if (toInc < MinInt(dt) || toInc > MaxInt(dt)) throw new ArgumentException($"to - 1 is out of bounds for {MathCommon.CppTypeName(dt)}");
    }

    /// <summary>PyTorch's <c>random_from_to_impl</c>: [from, to), or [from, the dtype's largest integer] when to is null.</summary>
    public static void RandomFromTo(Tensor t, long from, long? to, Generator? generator)
    {
        var dt = t.dtype;
        ulong range;
        if (to is { } end)
        {
            if (from >= end)
                throw new ArgumentException($"random_ expects 'from' to be less than 'to', but got from={from} >= to={end}");
            if (dt.IsFloatingPoint())
            {
                from = UpdateFrom(from, dt);
                end = UpdateTo(end, dt);
                if (from >= end)
                    throw new ArgumentException(
                        $"random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from={from} >= to={end}");
            }
            CheckInRange(from, end - 1, dt);
            range = unchecked((ulong)end - (ulong)from);
        }
        else if (from != long.MinValue)
        {
            long toInc;
            if (dt.IsFloatingPoint())
            {
                toInc = 1L << Digits(dt);
                from = UpdateFrom(from, dt);
                if (from >= toInc)
                    throw new ArgumentException(
                        $"random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, but got from={from} > to_inc={toInc}");
            }
            else toInc = MaxInt(dt);
            CheckInRange(from, toInc, dt);
            range = unchecked((ulong)toInc - (ulong)from + 1);
        }
        else
        {
            if (dt is not (DType.Int64 or DType.Float64 or DType.Float32 or DType.BFloat16))
                throw new ArgumentException("random_full_64_bits_range_kernel_cpu handles only int64, double, float and bfloat16");
            FillLongs(t, generator, new FullRangeSampler());
            return;
        }
        bool wide = (dt is DType.Int64 or DType.Float64 or DType.Float32 or DType.BFloat16) && range >= 1UL << 32;
        FillLongs(t, generator, new FromToSampler(range, from, wide));
    }

    private readonly struct FromToSampler(ulong range, long from, bool wide) : ILongSampler
    {
        public long Next(Generator g) => unchecked((long)((wide ? g.NextUInt64() : g.NextUInt32()) % range + (ulong)from));
    }

    private readonly struct FullRangeSampler : ILongSampler
    {
        public long Next(Generator g) => unchecked((long)g.NextUInt64());
    }

    /// <summary>PyTorch's check that n fits the dtype's consecutive integers (randperm).</summary>
    public static void CheckMaxIntWithPrecision(long n, DType dt)
    {
        switch (dt)
        {
            case DType.Float16 when n > 2049: throw new ArgumentException("n cannot be greater than 2049 for Half type.");
            case DType.Float32 when n > (1L << 24) + 1: throw new ArgumentException("n cannot be greater than 2^24+1 for Float type.");
            case DType.Float64 when n > (1L << 53) + 1: throw new ArgumentException("n cannot be greater than 2^53+1 for Double type.");
        }
        if (dt.IsFloatingPoint()) return;
        if (n - 1 > MaxInt(dt))
            throw new ArgumentException($"value cannot be converted to type {CppIntName(dt)} without overflow");
    }

    private static string CppIntName(DType dt) => dt switch
    {
        DType.Int32 => "int32_t",
        DType.Int16 => "int16_t",
        DType.Int8 => "int8_t",
        DType.UInt8 => "uint8_t",
        _ => "int64_t",
    };

    // ---------------------------------------------------------------- multinomial

    public static Tensor Multinomial(Tensor input, long numSamples, bool replacement, Generator? generator)
    {
        if (input.Dim() is < 1 or > 2) throw new ArgumentException("prob_dist must be 1 or 2 dim");
        if (!input.dtype.IsFloatingPoint())
            throw new ArgumentException($"multinomial only supports floating-point dtypes for input, got: {input.dtype.ScalarTypeName()}");
        if (input.dtype == DType.Float16) throw new NotSupportedException("multinomial is not implemented for half on CPU");
        if (numSamples <= 0) throw new ArgumentException("cannot sample n_sample <= 0 samples");
        long categories = input.Size(-1);
        if (!replacement && numSamples > categories)
            throw new ArgumentException("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
        if (categories > 1 << 24) throw new ArgumentException("number of categories cannot exceed 2^24");
        long rows = input.Dim() == 2 ? input.Size(0) : 1;
        long[] outShape = input.Dim() == 2 ? [rows, numSamples] : [numSamples];
        var result = new long[rows * numSamples];
        var g = generator ?? Flint.Cuda.DefaultGeneratorFor(input.Device);
        if (result.Length > 0)
        {
            if (!replacement) SampleWithoutReplacement(input, numSamples, rows, categories, result, g);
            else SampleWithReplacement(input, numSamples, rows, categories, result, g);
        }
        return Torch.FromArray(result, outShape).To(null, input.Device);
    }

    // The exponential trick PyTorch uses: argmax / top-k of p / q with q ~ Exp(1) drawn over a tensor like input.
    private static void SampleWithoutReplacement(Tensor input, long numSamples, long rows, long categories, long[] result, Generator g)
    {
        var p = input.Detach().To(Device.CPU);
        var pv = p.ToArray<double>();
        bool anyBad = false;
        foreach (var v in pv) anyBad |= !(v >= 0 && v < double.PositiveInfinity);
        if (anyBad) throw new ArgumentException("probability tensor contains either `inf`, `nan` or element < 0");
        var q = p.EmptyLikeDense();
        using (Torch.NoGrad())
        {
            var rowSums = input.Dim() == 1 ? p.Sum().Unsqueeze(0) : p.Sum(1);
            foreach (var s in rowSums.ToArray<double>())
                if (s == 0) throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0)");
            Exponential(q, 1, g);
            q = p.Div(q);
        }
        var ratio = q.ToArray<double>();
        var order = new int[categories];
        for (long r = 0; r < rows; r++)
        {
            long rowBase = r * categories;
            for (int i = 0; i < categories; i++) order[i] = i;
            // Largest first; NaN above everything as in PyTorch's topk; ties keep the lower index first.
            Array.Sort(order, (a, b) =>
            {
                double x = ratio[rowBase + a], y = ratio[rowBase + b];
                if (double.IsNaN(x) != double.IsNaN(y)) return double.IsNaN(x) ? -1 : 1;
                int c = y.CompareTo(x);
                return c != 0 ? c : a.CompareTo(b);
            });
            for (long k = 0; k < numSamples; k++) result[r * numSamples + k] = order[k];
        }
    }

    // PyTorch's multinomial_with_replacement kernel: normalised cumulative sums in the input's precision
    // (float for half types), one double uniform per sample, binary search.
    private static void SampleWithReplacement(Tensor input, long numSamples, long rows, long categories, long[] result, Generator g)
    {
        var pv = input.Detach().ToArray<double>();
        bool dbl = input.dtype == DType.Float64;
        var cum = new double[categories];
        lock (g.Sync)
        {
            for (long r = 0; r < rows; r++)
            {
                double sum = 0;
                for (long j = 0; j < categories; j++)
                {
                    double val = pv[r * categories + j];
                    if (!(val >= 0)) throw new ArgumentException("invalid multinomial distribution (encountering probability entry < 0)");
                    if (double.IsInfinity(val))
                        throw new ArgumentException("invalid multinomial distribution (encountering probability entry = infinity or NaN)");
                    sum = dbl ? sum + val : (float)sum + (float)val;
                    cum[j] = sum;
                }
                if (!(sum > 0)) throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0)");
                for (long j = 0; j < categories; j++) cum[j] = dbl ? cum[j] / sum : (float)cum[j] / (float)sum;
                cum[categories - 1] = 1;
                for (long k = 0; k < numSamples; k++)
                {
                    double u = g.NextDouble();
                    long left = 0, right = categories;
                    while (right - left > 0)
                    {
                        long mid = left + (right - left) / 2;
                        if (cum[mid] < u) left = mid + 1;
                        else right = mid;
                    }
                    result[r * numSamples + k] = left;
                }
            }
        }
    }
}
