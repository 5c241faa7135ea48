using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint;

public static partial class Torch
{
    private static Tensor Finish(Tensor t, bool requiresGrad) => requiresGrad ? t.RequiresGrad_() : t;

    /// <summary>An uninitialised tensor (<c>torch.empty(size)</c>).</summary>
    public static Tensor Empty(Size size, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Finish(Flint.Tensor.Allocate(size.ToArray(), dtype ?? DTypes.Default, device ?? Flint.Device.CPU), requiresGrad);

    // The sizes-only overloads rank by how many sizes they take: a literal 0 also converts to the optional DType?,
    // so without a ranking Zeros(2, 0) would tie between (d0, dtype) and (d0, d1).
    /// <summary><c>torch.empty(d0)</c>.</summary>
    [OverloadResolutionPriority(1)]
    public static Tensor Empty(long d0, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Empty([d0], dtype, device, requiresGrad);
    /// <summary><c>torch.empty(d0, d1)</c>.</summary>
    [OverloadResolutionPriority(2)]
    public static Tensor Empty(long d0, long d1, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Empty([d0, d1], dtype, device, requiresGrad);
    /// <summary><c>torch.empty(d0, d1, d2)</c>.</summary>
    [OverloadResolutionPriority(3)]
    public static Tensor Empty(long d0, long d1, long d2, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Empty([d0, d1, d2], dtype, device, requiresGrad);
    /// <summary><c>torch.empty(d0, d1, d2, d3)</c>.</summary>
    [OverloadResolutionPriority(4)]
    public static Tensor Empty(long d0, long d1, long d2, long d3, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Empty([d0, d1, d2, d3], dtype, device, requiresGrad);

    /// <summary>An uninitialised tensor with the given strides (<c>torch.empty_strided</c>).</summary>
    public static Tensor EmptyStrided(Size size, Size stride, DType? dtype = null, Device? device = null)
    {
        var shape = size.ToArray();
        var strides = stride.ToArray();
        if (shape.Length != strides.Length)
            throw new ArgumentException($"mismatch in length of strides and shape");
        Shapes.CheckNonNegative(shape);
        var dt = dtype ?? DTypes.Default;
        long extent = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 0) { extent = 0; break; }
            extent += (shape[i] - 1) * strides[i];
        }
        var storage = Backends.Backend.For(device ?? Flint.Device.CPU).Allocate(extent * dt.ElementSize(), false);
        return new Tensor(storage, shape, strides, 0, dt);
    }

    /// <summary>A tensor of zeros (<c>torch.zeros(size)</c>).</summary>
    public static Tensor Zeros(Size size, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Full(size, 0, dtype ?? DTypes.Default, device, requiresGrad);

    /// <summary><c>torch.zeros(d0)</c>.</summary>
    [OverloadResolutionPriority(1)]
    public static Tensor Zeros(long d0, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Zeros([d0], dtype, device, requiresGrad);
    /// <summary><c>torch.zeros(d0, d1)</c>.</summary>
    [OverloadResolutionPriority(2)]
    public static Tensor Zeros(long d0, long d1, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Zeros([d0, d1], dtype, device, requiresGrad);
    /// <summary><c>torch.zeros(d0, d1, d2)</c>.</summary>
    [OverloadResolutionPriority(3)]
    public static Tensor Zeros(long d0, long d1, long d2, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Zeros([d0, d1, d2], dtype, device, requiresGrad);
    /// <summary><c>torch.zeros(d0, d1, d2, d3)</c>.</summary>
    [OverloadResolutionPriority(4)]
    public static Tensor Zeros(long d0, long d1, long d2, long d3, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Zeros([d0, d1, d2, d3], dtype, device, requiresGrad);

    /// <summary>A tensor of ones (<c>torch.ones(size)</c>).</summary>
    public static Tensor Ones(Size size, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Full(size, 1, dtype ?? DTypes.Default, device, requiresGrad);

    /// <summary><c>torch.ones(d0)</c>.</summary>
    [OverloadResolutionPriority(1)]
    public static Tensor Ones(long d0, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Ones([d0], dtype, device, requiresGrad);
    /// <summary><c>torch.ones(d0, d1)</c>.</summary>
    [OverloadResolutionPriority(2)]
    public static Tensor Ones(long d0, long d1, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Ones([d0, d1], dtype, device, requiresGrad);
    /// <summary><c>torch.ones(d0, d1, d2)</c>.</summary>
    [OverloadResolutionPriority(3)]
    public static Tensor Ones(long d0, long d1, long d2, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Ones([d0, d1, d2], dtype, device, requiresGrad);
    /// <summary><c>torch.ones(d0, d1, d2, d3)</c>.</summary>
    [OverloadResolutionPriority(4)]
    public static Tensor Ones(long d0, long d1, long d2, long d3, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Ones([d0, d1, d2, d3], dtype, device, requiresGrad);

    /// <summary>
    /// A tensor filled with a value (<c>torch.full(size, fill_value)</c>); without a dtype it is inferred from the
    /// value (float: the default dtype, integer: int64, bool: bool).
    /// </summary>
    public static Tensor Full(Size size, Scalar fillValue, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var dt = dtype ?? fillValue.DefaultDType;
        CheckConvertible(fillValue, dt, CppTypeName(dt));
        var t = Flint.Tensor.Allocate(size.ToArray(), dt, device ?? Flint.Device.CPU);
        t.Backend.Fill(t, fillValue);
        return Finish(t, requiresGrad);
    }

    /// <summary>
    /// PyTorch's <c>checked_convert</c>: a number that does not fit the dtype is an error (negative integers may wrap
    /// into unsigned types, infinities and NaN fit float types).
    /// </summary>
    private static void CheckConvertible(Scalar value, DType dt, string typeName)
    {
        if (dt == DType.Bool || dt == DType.Float64 || value.IsBoolean) return;
        bool overflow;
        if (dt.IsFloatingPoint())
        {
            double v = value.ToDouble();
            double max = dt switch { DType.Float32 => float.MaxValue, DType.Float16 => 65504.0, _ => 3.3895313892515355e38 };
            overflow = double.IsFinite(v) && (v < -max || v > max);
        }
        else if (value.IsFloatingPoint)
        {
            double v = value.ToDouble();
            var (lo, hi) = IntegerRange(dt);
            // 2^63 as a double: anything at or above it overflows int64.
            overflow = double.IsNaN(v) || v < lo || (dt == DType.Int64 ? v >= 9223372036854775808.0 : v > hi);
        }
        else
        {
            long v = value.ToLong();
            var (lo, hi) = IntegerRange(dt);
            overflow = dt == DType.UInt8 ? v > hi || -(decimal)v > hi : v < lo || v > hi;
        }
        if (overflow)
            throw new ArgumentException($"value cannot be converted to type {typeName} without overflow");
    }

    private static (long Lo, long Hi) IntegerRange(DType dt) => dt switch
    {
        DType.Int32 => (int.MinValue, int.MaxValue),
        DType.Int16 => (short.MinValue, short.MaxValue),
        DType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        DType.UInt8 => (byte.MinValue, byte.MaxValue),
        _ => (long.MinValue, long.MaxValue),
    };

    private static string CppTypeName(DType dt) => dt switch
    {
        DType.Float32 => "float",
        DType.Float16 => "at::Half",
        DType.BFloat16 => "at::BFloat16",
        DType.Int64 => "int64_t",
        DType.Int32 => "int",
        DType.Int16 => "int16_t",
        DType.Int8 => "int8_t",
        DType.UInt8 => "uint8_t",
        _ => dt.ShortName(),
    };

    /// <summary>The 2-D identity (<c>torch.eye(n, m)</c>).</summary>
    public static Tensor Eye(long n, long? m = null, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        if (n < 0) throw new ArgumentException($"n must be greater or equal to 0, got {n}");
        if (m < 0) throw new ArgumentException($"m must be greater or equal to 0, got {m}");
        var cols = m ?? n;
        var t = Zeros([n, cols], dtype, device);
        t.AsStrided([Math.Min(n, cols)], [cols + 1], 0).Fill_(1);
        return Finish(t, requiresGrad);
    }

    /// <summary>Zeros shaped like <paramref name="x"/> (<c>torch.zeros_like</c>).</summary>
    public static Tensor ZerosLike(Tensor x, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        FullLike(x, 0, dtype, device, requiresGrad);

    /// <summary>Ones shaped like <paramref name="x"/> (<c>torch.ones_like</c>).</summary>
    public static Tensor OnesLike(Tensor x, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        FullLike(x, 1, dtype, device, requiresGrad);

    /// <summary>A filled tensor shaped like <paramref name="x"/> (<c>torch.full_like</c>).</summary>
    public static Tensor FullLike(Tensor x, Scalar fillValue, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var dt = dtype ?? x.dtype;
        CheckConvertible(fillValue, dt, CppTypeName(dt));
        var t = EmptyLike(x, dt, device);
        t.Backend.Fill(t, fillValue);
        return Finish(t, requiresGrad);
    }

    /// <summary>
    /// Uninitialised, shaped like <paramref name="x"/> (<c>torch.empty_like</c>); a dense input's layout (e.g. a
    /// transpose) is kept, as PyTorch's preserve_format does.
    /// </summary>
    public static Tensor EmptyLike(Tensor x, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var dt = dtype ?? x.dtype;
        var dev = device ?? x.Device;
        var t = dev == x.Device ? x.EmptyLikeDense(dt) : Flint.Tensor.Allocate((long[])x.shape.Clone(), dt, dev);
        return Finish(t, requiresGrad);
    }

    /// <summary>
    /// A tensor from a C# array of any rank (<c>torch.tensor(data)</c>), copied. The dtype follows the element type
    /// (float[] is float32, double[] float64, int[] int32, long[] int64, bool[] bool ...) as NumPy arrays do,
    /// unless <paramref name="dtype"/> converts it.
    /// </summary>
    public static Tensor Tensor(Array data, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        var elem = data.GetType().GetElementType()!;
        DType? source = null;
        foreach (DType d in Enum.GetValues<DType>())
            if (d.ClrType() == elem) source = d;
        if (source is not { } src)
            throw new ArgumentException($"Could not infer dtype of {elem.Name}");
        var shape = new long[data.Rank];
        for (int i = 0; i < shape.Length; i++) shape[i] = data.GetLength(i);
        var bytes = MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(data),
            checked(data.Length * src.ElementSize()));
        var t = Flint.Tensor.FromHostBytes(bytes, shape, src, Flint.Device.CPU);
        return Finish(t.To(dtype ?? src, device ?? Flint.Device.CPU), requiresGrad);
    }

    /// <summary>
    /// A zero-dim tensor from a number (<c>torch.tensor(1.0)</c>): a C# double is a Python float (default dtype).
    /// </summary>
    public static Tensor Tensor(double value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        NumberTensor(value, dtype, device, requiresGrad);

    /// <summary>A zero-dim int64 tensor (<c>torch.tensor(3)</c>).</summary>
    public static Tensor Tensor(long value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        NumberTensor(value, dtype, device, requiresGrad);

    /// <summary>A zero-dim bool tensor (<c>torch.tensor(True)</c>).</summary>
    public static Tensor Tensor(bool value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        NumberTensor(value, dtype, device, requiresGrad);

    // torch.tensor(number): a number that does not fit an integer dtype is an error; floats overflow to inf.
    private static Tensor NumberTensor(Scalar value, DType? dtype, Device? device, bool requiresGrad)
    {
        var dt = dtype ?? value.DefaultDType;
        if (dt.IsIntegral()) CheckConvertible(value, dt, dt.ShortName());
        var t = Flint.Tensor.Allocate([], dt, device ?? Flint.Device.CPU);
        t.Backend.Fill(t, value);
        return Finish(t, requiresGrad);
    }

    /// <summary>A zero-dim tensor from a <see cref="Scalar"/>.</summary>
    public static Tensor ScalarTensor(Scalar value, DType? dtype = null, Device? device = null) => Full([], value, dtype, device);

    /// <summary>
    /// A tensor of the given shape from a flat array (copied), the C# counterpart of <c>torch.from_numpy</c>.
    /// Without a shape, a 1-D tensor.
    /// </summary>
    public static Tensor FromArray<T>(T[] data, params long[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        var s = shape.Length == 0 ? [data.LongLength] : shape;
        if (Shapes.Numel(s) != data.LongLength)
            throw new ArgumentException($"shape {Shapes.Format(s)} does not match the {data.LongLength} elements given");
        return Flint.Tensor.FromSpan<T>(data, s, Flint.Device.CPU);
    }

    /// <summary>
    /// Values from start to end (exclusive) by step (<c>torch.arange</c>): int64 when all three are integers,
    /// otherwise the default float dtype. The length is ceil((end - start) / step); values are computed as PyTorch's
    /// CPU kernel computes them (in double for float32, in blocks like its vectorised loop), so they match bit for bit.
    /// </summary>
    public static Tensor Arange(Scalar start, Scalar end, Scalar? step = null, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var st = step ?? 1;
        bool allInt = !start.IsFloatingPoint && !end.IsFloatingPoint && !st.IsFloatingPoint;
        var dt = dtype ?? (allInt ? DType.Int64 : DTypes.Default);
        if (dt == DType.Bool) throw new NotSupportedException("\"arange_cpu\" not implemented for 'Bool'");
        Tensor t;
        if (dt.IsIntegral())
        {
            long xs = ToLongChecked(start), xe = ToLongChecked(end), xd = ToLongChecked(st);
            if (xd == 0) throw new ArgumentException("step must be nonzero");
            if (!((xd > 0 && xe >= xs) || (xd < 0 && xe <= xs)))
                throw new ArgumentException("upper bound and larger bound inconsistent with step sign");
            double sized = dt == DType.Int64
                ? Math.Ceiling((double)(xe - xs) / xd)
                : Math.Ceiling((end.ToDouble() - start.ToDouble()) / st.ToDouble());
            var n = CheckRangeSize(sized);
            var v = new long[n];
            for (long i = 0; i < n; i++) v[i] = unchecked(xs + xd * i);
            t = FromArray(v);
        }
        else
        {
            bool half = dt is DType.Float16 or DType.BFloat16;
            double xs = start.ToDouble(), xe = end.ToDouble(), xd = st.ToDouble();
            if (half) { xs = (float)xs; xe = (float)xe; xd = (float)xd; }
            if (xd == 0 || double.IsNaN(xd)) throw new ArgumentException("step must be nonzero");
            if (!double.IsFinite(xs) || !double.IsFinite(xe))
                throw new ArgumentException($"unsupported range: {Sampling.Num(xs)} -> {Sampling.Num(xe)}");
            if (!((xd > 0 && xe >= xs) || (xd < 0 && xe <= xs)))
                throw new ArgumentException("upper bound and larger bound inconsistent with step sign");
            var n = CheckRangeSize(Math.Ceiling((end.ToDouble() - start.ToDouble()) / st.ToDouble()));
            t = FromArray(ArangeValues(n, xs, xd, dt));
        }
        return Finish(t.To(dt, device ?? Flint.Device.CPU), requiresGrad);
    }

    /// <summary>Values 0 .. end-1 (<c>torch.arange(end)</c>).</summary>
    public static Tensor Arange(Scalar end, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Arange(0, end, 1, dtype, device, requiresGrad);

    private static long ToLongChecked(Scalar s)
    {
        if (s.IsFloatingPoint && !(s.ToDouble() >= -9223372036854775808.0 && s.ToDouble() < 9223372036854775808.0))
            throw new ArgumentException("value cannot be converted to type int64_t without overflow");
        return s.ToLong();
    }

    private static long CheckRangeSize(double size)
    {
        if (!(size >= 0 && size <= long.MaxValue)) throw new ArgumentException("invalid size, possible overflow?");
        return (long)size;
    }

    /// <summary>The lanes of PyTorch's AVX2 <c>Vectorized&lt;T&gt;</c> for a dtype (32 bytes).</summary>
    private static int VectorLanes(DType dt) => 32 / dt.ElementSize();

    /// <summary>
    /// arange's kernel: blocks of two vectors whose base is start + step * idx and whose lanes add k * step (both
    /// fused multiply-adds in PyTorch's build), then a scalar tail; float32 computes in double, half types in float.
    /// Each value is rounded to the dtype.
    /// </summary>
    private static double[] ArangeValues(long n, double start, double step, DType dt)
    {
        var v = new double[n];
        int vs = VectorLanes(dt);
        double Acc(double a, double b, double c) =>
            dt is DType.Float16 or DType.BFloat16 ? MathF.FusedMultiplyAdd((float)a, (float)b, (float)c) : Math.FusedMultiplyAdd(a, b, c);
        long i = 0;
        for (; i <= n - 2 * vs; i += 2 * vs)
            for (long j = i; j < i + 2 * vs; j += vs)
            {
                double b = RoundTo(Acc(step, j, start), dt);
                for (int k = 0; k < vs; k++) v[j + k] = RoundTo(Acc(k, step, b), dt);
            }
        for (; i < n; i++) v[i] = RoundTo(Acc(step, i, start), dt);
        return v;
    }

    /// <summary>Rounds a value to a float dtype's precision (kept as the double holding it).</summary>
    private static double RoundTo(double x, DType dt) => dt switch
    {
        DType.Float32 => (float)x,
        DType.Float16 => (double)(Half)(float)x,
        DType.BFloat16 => (float)(BFloat16)(float)x,
        _ => x,
    };

    /// <summary>
    /// <paramref name="steps"/> evenly spaced values from start to end inclusive (<c>torch.linspace</c>): the first
    /// half counts up from start and the second down from end, in the result's precision and in the blocks of PyTorch's
    /// vectorised kernel, so values match bit for bit. Integer dtypes truncate.
    /// </summary>
    public static Tensor Linspace(double start, double end, long steps, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        if (steps < 0) throw new ArgumentException("number of steps must be non-negative");
        var dt = dtype ?? DTypes.Default;
        if (dt == DType.Bool) throw new NotSupportedException("\"linspace_cpu\" not implemented for 'Bool'");
        Tensor t;
        if (steps == 1) t = Full([1], start, dt);
        else if (dt.IsIntegral()) t = FromArray(LinspaceIntegers(start, end, steps, dt)).To(dt);
        else t = FromArray(LinspaceFloats(start, end, steps, dt)).To(dt);
        return Finish(t.To(null, device ?? Flint.Device.CPU), requiresGrad);
    }

    private static double[] LinspaceFloats(double startD, double endD, long steps, DType dt)
    {
        var v = new double[steps];
        if (steps == 0) return v;
        int vs = VectorLanes(dt);
        long half = steps / 2;
        if (dt == DType.Float64 || dt == DType.Float32)
        {
            // step_t is the dtype: float32 steps and sums are float operations.
            bool f = dt == DType.Float32;
            double start = RoundTo(startD, dt), end = RoundTo(endD, dt);
            double step = f ? (float)((float)end - (float)start) / (float)(steps - 1) : (end - start) / (steps - 1);
            double Scalar(long idx) => idx < half
                ? (f ? MathF.FusedMultiplyAdd((float)step, idx, (float)start) : Math.FusedMultiplyAdd(step, idx, start))
                : (f ? MathF.FusedMultiplyAdd(-(float)step, steps - idx - 1, (float)end) : Math.FusedMultiplyAdd(-step, steps - idx - 1, end));
            long i = 0;
            for (; i <= steps - 2 * vs; i += 2 * vs)
                for (long j = i; j < i + 2 * vs; j += vs)
                {
                    double b = Scalar(j);
                    for (int k = 0; k < vs; k++) v[j + k] = f ? (float)b + (float)k * (float)step : b + k * step;
                }
            for (; i < steps; i++) v[i] = Scalar(i);
            return v;
        }
        // Half and BFloat16: every operation rounds to the dtype.
        double R(double x) => RoundTo(x, dt);
        double s0 = R(startD), e0 = R(endD);
        double stp = R(R(e0 - s0) / R(steps - 1));
        double S(long idx) => idx < half ? R(s0 + R(stp * R(idx))) : R(e0 - R(stp * R(steps - idx - 1)));
        long i2 = 0;
        for (; i2 <= steps - 2 * vs; i2 += 2 * vs)
            for (long j = i2; j < i2 + 2 * vs; j += vs)
            {
                double b = S(j);
                for (int k = 0; k < vs; k++) v[j + k] = R(b + R(R(k) * stp));
            }
        for (; i2 < steps; i2++) v[i2] = S(i2);
        return v;
    }

    private static long[] LinspaceIntegers(double startD, double endD, long steps, DType dt)
    {
        var v = new long[steps];
        if (steps == 0) return v;
        long start = (long)startD, end = (long)endD;
        double step = ((double)end - start) / (steps - 1);
        int vs = VectorLanes(dt);
        long half = steps / 2;
        static long Cast(double x) => (long)x; // C++'s truncating static_cast
        double Scalar(long idx) => idx < half
            ? Math.FusedMultiplyAdd(step, idx, start)
            : Math.FusedMultiplyAdd(-step, steps - idx - 1, end);
        long i = 0;
        for (; i <= steps - 2 * vs; i += 2 * vs)
            for (long j = i; j < i + 2 * vs; j += vs)
            {
                // Vectorized<int>::arange takes its base as the integer type, then adds k * step in double.
                long b = Cast(Scalar(j));
                for (int k = 0; k < vs; k++) v[j + k] = Cast(b + k * step);
            }
        for (; i < steps; i++) v[i] = Cast(Scalar(i));
        return v;
    }

    /// <summary>
    /// base raised to <paramref name="steps"/> evenly spaced exponents (<c>torch.logspace</c>), computed in double as
    /// PyTorch's kernel does and then converted to the dtype.
    /// </summary>
    public static Tensor Logspace(double start, double end, long steps, double @base = 10.0, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        if (steps < 0) throw new ArgumentException("number of steps must be non-negative");
        var dt = dtype ?? DTypes.Default;
        if (dt is DType.Bool or DType.Float16)
            throw new NotSupportedException($"\"logspace_cpu\" not implemented for '{dt.ScalarTypeName()}'");
        var v = new double[steps];
        if (steps == 1) v[0] = Math.Pow(@base, start);
        else if (steps > 1)
        {
            // scalar_start / scalar_end are of the dtype; the step is their difference (in the dtype) over steps - 1.
            double s = dt.IsIntegral() ? (long)start : RoundTo(start, dt);
            double e = dt.IsIntegral() ? (long)end : RoundTo(end, dt);
            double step = (dt.IsIntegral() ? e - s : RoundTo(e - s, dt)) / (steps - 1);
            long half = steps / 2;
            for (long i = 0; i < steps; i++)
                v[i] = Math.Pow(@base, i < half ? s + step * i : e - step * (steps - i - 1));
        }
        var t = dt.IsIntegral() ? FromArray(v).To(dt) : FromArray(Array.ConvertAll(v, x => RoundTo(x, dt))).To(dt);
        return Finish(t.To(null, device ?? Flint.Device.CPU), requiresGrad);
    }
}

public partial class Tensor
{
    /// <summary>A new tensor of ones with this tensor's dtype and device unless given (<c>x.new_ones(size)</c>).</summary>
    public Tensor NewOnes(Size size, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Torch.Ones(size, dtype ?? this.dtype, device ?? Device, requiresGrad);

    /// <summary>A new tensor of zeros with this tensor's dtype and device unless given (<c>x.new_zeros(size)</c>).</summary>
    public Tensor NewZeros(Size size, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Torch.Zeros(size, dtype ?? this.dtype, device ?? Device, requiresGrad);

    /// <summary>A new uninitialised tensor with this tensor's dtype and device unless given (<c>x.new_empty(size)</c>).</summary>
    public Tensor NewEmpty(Size size, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Torch.Empty(size, dtype ?? this.dtype, device ?? Device, requiresGrad);

    /// <summary>A new filled tensor with this tensor's dtype and device unless given (<c>x.new_full(size, value)</c>).</summary>
    public Tensor NewFull(Size size, Scalar fillValue, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Torch.Full(size, fillValue, dtype ?? this.dtype, device ?? Device, requiresGrad);

    /// <summary>A copy of <paramref name="data"/> with this tensor's dtype and device unless given (<c>x.new_tensor(data)</c>).</summary>
    public Tensor NewTensor(Array data, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Torch.Tensor(data, dtype ?? this.dtype, device ?? Device, requiresGrad);

    /// <summary>A zero-dim tensor of a number with this tensor's dtype and device unless given (<c>x.new_tensor(3.5)</c>).</summary>
    public Tensor NewTensor(Scalar value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Torch.Full([], value, dtype ?? this.dtype, device ?? Device, requiresGrad);

    /// <summary><c>x.new_ones(d0)</c>.</summary>
    [OverloadResolutionPriority(1)]
    public Tensor NewOnes(long d0, DType? dtype = null, Device? device = null, bool requiresGrad = false) => NewOnes([d0], dtype, device, requiresGrad);
    /// <summary><c>x.new_ones(d0, d1)</c>.</summary>
    [OverloadResolutionPriority(2)]
    public Tensor NewOnes(long d0, long d1, DType? dtype = null, Device? device = null, bool requiresGrad = false) => NewOnes([d0, d1], dtype, device, requiresGrad);
    /// <summary><c>x.new_ones(d0, d1, d2)</c>.</summary>
    [OverloadResolutionPriority(3)]
    public Tensor NewOnes(long d0, long d1, long d2, DType? dtype = null, Device? device = null, bool requiresGrad = false) => NewOnes([d0, d1, d2], dtype, device, requiresGrad);
    /// <summary><c>x.new_ones(d0, d1, d2, d3)</c>.</summary>
    [OverloadResolutionPriority(4)]
    public Tensor NewOnes(long d0, long d1, long d2, long d3, DType? dtype = null, Device? device = null, bool requiresGrad = false) => NewOnes([d0, d1, d2, d3], dtype, device, requiresGrad);

    /// <summary><c>x.new_zeros(d0)</c>.</summary>
    [OverloadResolutionPriority(1)]
    public Tensor NewZeros(long d0, DType? dtype = null, Device? device = null, bool requiresGrad = false) => NewZeros([d0], dtype, device, requiresGrad);
    /// <summary><c>x.new_zeros(d0, d1)</c>.</summary>
    [OverloadResolutionPriority(2)]
    public Tensor NewZeros(long d0, long d1, DType? dtype = null, Device? device = null, bool requiresGrad = false) => NewZeros([d0, d1], dtype, device, requiresGrad);
    /// <summary><c>x.new_zeros(d0, d1, d2)</c>.</summary>
    [OverloadResolutionPriority(3)]
    public Tensor NewZeros(long d0, long d1, long d2, DType? dtype = null, Device? device = null, bool requiresGrad = false) => NewZeros([d0, d1, d2], dtype, device, requiresGrad);
    /// <summary><c>x.new_zeros(d0, d1, d2, d3)</c>.</summary>
    [OverloadResolutionPriority(4)]
    public Tensor NewZeros(long d0, long d1, long d2, long d3, DType? dtype = null, Device? device = null, bool requiresGrad = false) => NewZeros([d0, d1, d2, d3], dtype, device, requiresGrad);

    /// <summary><c>x.new_empty(d0)</c>.</summary>
    [OverloadResolutionPriority(1)]
    public Tensor NewEmpty(long d0, DType? dtype = null, Device? device = null, bool requiresGrad = false) => NewEmpty([d0], dtype, device, requiresGrad);
    /// <summary><c>x.new_empty(d0, d1)</c>.</summary>
    [OverloadResolutionPriority(2)]
    public Tensor NewEmpty(long d0, long d1, DType? dtype = null, Device? device = null, bool requiresGrad = false) => NewEmpty([d0, d1], dtype, device, requiresGrad);
    /// <summary><c>x.new_empty(d0, d1, d2)</c>.</summary>
    [OverloadResolutionPriority(3)]
    public Tensor NewEmpty(long d0, long d1, long d2, DType? dtype = null, Device? device = null, bool requiresGrad = false) => NewEmpty([d0, d1, d2], dtype, device, requiresGrad);
    /// <summary><c>x.new_empty(d0, d1, d2, d3)</c>.</summary>
    [OverloadResolutionPriority(4)]
    public Tensor NewEmpty(long d0, long d1, long d2, long d3, DType? dtype = null, Device? device = null, bool requiresGrad = false) => NewEmpty([d0, d1, d2, d3], dtype, device, requiresGrad);
}
