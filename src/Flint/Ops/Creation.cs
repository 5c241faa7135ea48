using System.Runtime.InteropServices;

namespace Flint;

public static partial class Torch
{
    private static Tensor Finish(Tensor t, bool requiresGrad) => requiresGrad ? t.RequiresGrad_() : t;

    /// <summary>An uninitialised tensor (<c>torch.empty(size)</c>).</summary>
    public static Tensor Empty(Size size, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Finish(Flint.Tensor.Allocate(size.ToArray(), dtype ?? DTypes.Default, device ?? Flint.Device.CPU), requiresGrad);

    /// <summary><c>torch.empty(d0)</c>.</summary>
    public static Tensor Empty(long d0, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Empty([d0], dtype, device, requiresGrad);
    /// <summary><c>torch.empty(d0, d1)</c>.</summary>
    public static Tensor Empty(long d0, long d1, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Empty([d0, d1], dtype, device, requiresGrad);
    /// <summary><c>torch.empty(d0, d1, d2)</c>.</summary>
    public static Tensor Empty(long d0, long d1, long d2, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Empty([d0, d1, d2], dtype, device, requiresGrad);
    /// <summary><c>torch.empty(d0, d1, d2, d3)</c>.</summary>
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
    public static Tensor Zeros(long d0, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Zeros([d0], dtype, device, requiresGrad);
    /// <summary><c>torch.zeros(d0, d1)</c>.</summary>
    public static Tensor Zeros(long d0, long d1, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Zeros([d0, d1], dtype, device, requiresGrad);
    /// <summary><c>torch.zeros(d0, d1, d2)</c>.</summary>
    public static Tensor Zeros(long d0, long d1, long d2, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Zeros([d0, d1, d2], dtype, device, requiresGrad);
    /// <summary><c>torch.zeros(d0, d1, d2, d3)</c>.</summary>
    public static Tensor Zeros(long d0, long d1, long d2, long d3, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Zeros([d0, d1, d2, d3], dtype, device, requiresGrad);

    /// <summary>A tensor of ones (<c>torch.ones(size)</c>).</summary>
    public static Tensor Ones(Size size, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Full(size, 1, dtype ?? DTypes.Default, device, requiresGrad);

    /// <summary><c>torch.ones(d0)</c>.</summary>
    public static Tensor Ones(long d0, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Ones([d0], dtype, device, requiresGrad);
    /// <summary><c>torch.ones(d0, d1)</c>.</summary>
    public static Tensor Ones(long d0, long d1, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Ones([d0, d1], dtype, device, requiresGrad);
    /// <summary><c>torch.ones(d0, d1, d2)</c>.</summary>
    public static Tensor Ones(long d0, long d1, long d2, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Ones([d0, d1, d2], dtype, device, requiresGrad);
    /// <summary><c>torch.ones(d0, d1, d2, d3)</c>.</summary>
    public static Tensor Ones(long d0, long d1, long d2, long d3, DType? dtype = null, Device? device = null, bool requiresGrad = false) => Ones([d0, d1, d2, d3], dtype, device, requiresGrad);

    /// <summary>
    /// A tensor filled with a value (<c>torch.full(size, fill_value)</c>); without a dtype it is inferred from the
    /// value (float: the default dtype, integer: int64, bool: bool).
    /// </summary>
    public static Tensor Full(Size size, Scalar fillValue, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var t = Flint.Tensor.Allocate(size.ToArray(), dtype ?? fillValue.DefaultDType, device ?? Flint.Device.CPU);
        t.Backend.Fill(t, fillValue);
        return Finish(t, requiresGrad);
    }

    /// <summary>The 2-D identity (<c>torch.eye(n, m)</c>).</summary>
    public static Tensor Eye(long n, long? m = null, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
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
    public static Tensor FullLike(Tensor x, Scalar fillValue, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Full(x.shape.ToArray(), fillValue, dtype ?? x.dtype, device ?? x.Device, requiresGrad);

    /// <summary>Uninitialised, shaped like <paramref name="x"/> (<c>torch.empty_like</c>).</summary>
    public static Tensor EmptyLike(Tensor x, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Empty(x.shape.ToArray(), dtype ?? x.dtype, device ?? x.Device, requiresGrad);

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
        Full([], value, dtype, device, requiresGrad);

    /// <summary>A zero-dim int64 tensor (<c>torch.tensor(3)</c>).</summary>
    public static Tensor Tensor(long value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Full([], value, dtype, device, requiresGrad);

    /// <summary>A zero-dim bool tensor (<c>torch.tensor(True)</c>).</summary>
    public static Tensor Tensor(bool value, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Full([], value, dtype, device, requiresGrad);

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
    /// otherwise the default float dtype.
    /// </summary>
    public static Tensor Arange(Scalar start, Scalar end, Scalar? step = null, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var st = step ?? 1;
        bool allInt = !start.IsFloatingPoint && !end.IsFloatingPoint && !st.IsFloatingPoint;
        var dt = dtype ?? (allInt ? DType.Int64 : DTypes.Default);
        double s = start.ToDouble(), e = end.ToDouble(), d = st.ToDouble();
        if (d == 0) throw new ArgumentException("step must be nonzero");
        if (double.IsInfinity(s) || double.IsInfinity(e) || double.IsNaN(s) || double.IsNaN(e))
            throw new ArgumentException($"unsupported range: {start} -> {end}");
        if ((d > 0 && e < s) || (d < 0 && e > s))
            throw new ArgumentException("upper bound and larger bound inconsistent with step sign");
        long n = allInt && dt.IsIntegral()
            ? (end.ToLong() - start.ToLong() + st.ToLong() - Math.Sign(st.ToLong())) / st.ToLong()
            : (long)Math.Ceiling((e - s) / d);
        var values = new double[n];
        for (long i = 0; i < n; i++) values[i] = s + i * d;
        return Finish(FromArray(values).To(dt, device ?? Flint.Device.CPU), requiresGrad);
    }

    /// <summary>Values 0 .. end-1 (<c>torch.arange(end)</c>).</summary>
    public static Tensor Arange(Scalar end, DType? dtype = null, Device? device = null, bool requiresGrad = false) =>
        Arange(0, end, 1, dtype, device, requiresGrad);

    /// <summary>
    /// <paramref name="steps"/> evenly spaced values from start to end inclusive (<c>torch.linspace</c>), computed
    /// in the result's precision with PyTorch's two-sided formula so values match bit for bit.
    /// </summary>
    public static Tensor Linspace(double start, double end, long steps, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        if (steps < 0) throw new ArgumentException("number of steps must be non-negative");
        var dt = dtype ?? DTypes.Default;
        Tensor t;
        if (dt == DType.Float64 || dt.IsIntegral())
        {
            var v = new double[steps];
            double step = steps > 1 ? (end - start) / (steps - 1) : 0;
            long half = steps / 2;
            for (long i = 0; i < steps; i++) v[i] = i < half ? start + step * i : end - step * (steps - i - 1);
            t = FromArray(v);
        }
        else
        {
            var v = new float[steps];
            float fs = (float)start, fe = (float)end;
            float step = steps > 1 ? (fe - fs) / (steps - 1) : 0;
            long half = steps / 2;
            for (long i = 0; i < steps; i++) v[i] = i < half ? fs + step * i : fe - step * (steps - i - 1);
            t = FromArray(v);
        }
        return Finish(t.To(dt, device ?? Flint.Device.CPU), requiresGrad);
    }

    /// <summary>base raised to <paramref name="steps"/> evenly spaced exponents (<c>torch.logspace</c>).</summary>
    public static Tensor Logspace(double start, double end, long steps, double @base = 10.0, DType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var dt = dtype ?? DTypes.Default;
        var v = new double[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        long half = steps / 2;
        for (long i = 0; i < steps; i++)
            v[i] = Math.Pow(@base, i < half ? start + step * i : end - step * (steps - i - 1));
        return Finish(FromArray(v).To(dt, device ?? Flint.Device.CPU), requiresGrad);
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
}
