using System.Reflection;
using Flint.Backends.Cpu;
using Flint.Backends.Cuda;
using Flint.Kernels;

namespace Flint.Tests.Gpu;

/// <summary>
/// The generated CUDA kernels run on the CPU (<see cref="KernelEmulator"/>: g++ and an emulation of the CUDA
/// built-ins) through the backend's own argument marshalling and reduction planning, against the CPU backend: every
/// kernel struct on strided and broadcast operands (NaN and -0 included), every cast, where, masked fill, and the
/// reductions with both stages. This checks what the kernels compute, which compiling them cannot; it runs wherever
/// g++ is installed (Linux, macOS) and is skipped elsewhere. The GPU's math library may differ from the host's in the
/// last bits.
/// </summary>
public class KernelEmulationTests
{
    private static readonly double[] Values =
        [-2.5, -1, -0.75, -0.5, -0.0, 0, 0.25, 0.5, 0.9, 1, 1.5, 2, 3.25, double.NaN, -3, 7, 0.1, -0.1, 4, -6, 0.6, 1.25, -1.5, 2.75, 5, -0.3, 0.33, 9, -8, 0.05, 1.75, -2, 6.5];

    private static Tensor Input(long[] shape, DType dt, int shift, bool nonZero = false)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var v = new double[n];
        for (long i = 0; i < n; i++)
        {
            var x = Values[(i * 7 + shift) % Values.Length];
            if (!dt.IsFloatingPoint()) x = double.IsNaN(x) ? 3 : Math.Round(x * 3);
            if (nonZero && (x == 0 || double.IsNaN(x))) x = dt.IsFloatingPoint() ? 1.5 : 2;
            if (dt is DType.UInt8 or DType.Bool) x = Math.Abs(x) % (dt == DType.Bool ? 2 : 256);
            v[i] = x;
        }
        return Torch.FromArray(v, shape).To(dt);
    }

    // A kernel struct with its constructor's parameters set to distinct, ordinary values.
    private static object Make(Type t)
    {
        var ctor = t.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (ctor is null || ctor.GetParameters().Length == 0) return Activator.CreateInstance(t)!;
        var ps = ctor.GetParameters();
        var args = new object[ps.Length];
        for (int i = 0; i < ps.Length; i++)
            args[i] = Type.GetTypeCode(ps[i].ParameterType) switch
            {
                TypeCode.Double => 0.6 + 0.15 * i,
                TypeCode.Single => 0.6f + 0.15f * i,
                TypeCode.Boolean => i % 2 == 0,
                TypeCode.Int64 => 2L,
                TypeCode.Int32 => 2,
                _ => throw new NotSupportedException($"{t.Name}: constructor parameter of type {ps[i].ParameterType}"),
            };
        return ctor.Invoke(args);
    }

    private static long[] FieldValues(Type t, object op)
    {
        var fields = KernelFields.Of(t);
        var values = new long[fields.Length];
        var m = typeof(KernelEmulationTests).GetMethod(nameof(ValuesOf), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t);
        m.Invoke(null, [op, fields, values]);
        return values;
    }

    private static void ValuesOf<TOp>(TOp op, KernelField[] fields, long[] values) where TOp : struct =>
        KernelFields.Values(op, fields, values);

    private static unsafe ulong Address(Tensor t) => (ulong)(nint)t.Ptr;

    private sealed record Case(string Name, string Source, ElementwisePlan Plan, Tensor[] Operands, long[] Arguments, Tensor Expected, double Tol);

    private static void RunAll(List<Case> cases)
    {
        using var emulator = KernelEmulator.Compile(cases.Select(c => c.Source).ToList());
        var failures = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            KernelArguments.Elementwise(c.Plan, c.Operands.Select(Address).ToArray(), c.Arguments, 3, 5, emulator.Launcher(i));
            GC.KeepAlive(c.Operands);
            var e = c.Expected.To(DType.Float64).ToArray<double>();
            var a = c.Operands[0].To(DType.Float64).ToArray<double>();
            for (int k = 0; k < e.Length; k++)
            {
                if (e[k] == a[k] || (double.IsNaN(e[k]) && double.IsNaN(a[k]))) continue;
                if (Math.Abs(e[k] - a[k]) <= c.Tol * (1 + Math.Abs(e[k]))) continue;
                failures.Add($"{c.Name}: element {k} is {a[k]} in the kernel, {e[k]} on the CPU");
                break;
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static double Tolerance(DType dt) => dt switch { DType.Float64 => 1e-12, DType.Float32 => 2e-6, DType.Float16 or DType.BFloat16 => 1e-2, _ => 0 };

    private static readonly DType[] Tested = [DType.Float32, DType.Float64, DType.Float16, DType.Int64, DType.Int16, DType.UInt8];

    private static void Invoke(string method, Type kernel, object op, params object[] args) =>
        typeof(CpuBackend).GetMethod(method)!.MakeGenericMethod(kernel).Invoke(CpuBackend.Instance, [op, .. args]);

    [SkippableFact]
    public void UnaryKernelsComputeWhatTheCpuComputes()
    {
        Skip.IfNot(KernelEmulator.Available, KernelEmulator.Unavailable);
        var cases = new List<Case>();
        foreach (var t in KernelCatalog.Implementing(typeof(IUnaryKernel)))
            foreach (var dt in Tested.Where(d => KernelCatalog.Supports(t, nameof(KernelSupport.CheckUnary), d)))
            {
                var op = Make(t);
                var x = Input([7, 5], dt, t.Name.Length).T();
                var expected = Torch.Empty(5, 7, dtype: dt);
                Invoke(nameof(CpuBackend.Unary), t, op, x, expected);
                var y = Torch.Zeros(5, 7, dtype: dt);
                var plan = ElementwisePlan.Of(y, x);
                cases.Add(new($"{t.Name} {dt}", KernelSource.Map(KernelCatalog.StaticString(t, "Cuda"), ["x"], CudaTypes.ComputeDType(dt), dt, [dt],
                    plan, KernelFields.Of(t)), plan, [y, x], FieldValues(t, op), expected, Tolerance(dt)));
            }
        RunAll(cases);
    }

    // Gradient kernels of activations that are launched only by autograd, so only on floating-point tensors: PyTorch
    // refuses integers for them ("hardsigmoid_backward" not implemented for 'Long'), but their CPU span forms are
    // generic, so the backend's dtype probe accepts integers that no caller passes. No integer result of theirs is a
    // PyTorch result to compare (the CPU form truncates the 1/6 factor to 0 and wraps -3 in uint8; the CUDA one does not).
    private static readonly Type[] FloatingOnly = [typeof(HardsigmoidBackwardKernel), typeof(HardswishBackwardKernel)];

    [SkippableFact]
    public void BinaryAndComparisonKernelsComputeWhatTheCpuComputes()
    {
        Skip.IfNot(KernelEmulator.Available, KernelEmulator.Unavailable);
        var cases = new List<Case>();
        foreach (var (iface, check, compare) in new[] { (typeof(IBinaryKernel), nameof(KernelSupport.CheckBinary), false), (typeof(ICompareKernel), nameof(KernelSupport.CheckCompare), true) })
            foreach (var t in KernelCatalog.Implementing(iface))
                foreach (var dt in Tested.Where(d => KernelCatalog.Supports(t, check, d) && (d.IsFloatingPoint() || !FloatingOnly.Contains(t))))
                {
                    var op = Make(t);
                    var a = Input([5, 7], dt, 3);
                    var b = Input([7], dt, t.Name.Length, nonZero: true).Expand(5, 7);
                    var outType = compare ? DType.Bool : dt;
                    var expected = Torch.Empty(5, 7, dtype: outType);
                    Invoke(compare ? nameof(CpuBackend.Compare) : nameof(CpuBackend.Binary), t, op, a, b, expected);
                    var c = Torch.Zeros(5, 7, dtype: outType);
                    var plan = ElementwisePlan.Of(c, a, b);
                    cases.Add(new($"{t.Name} {dt}", KernelSource.Map(KernelCatalog.StaticString(t, "Cuda"), ["a", "b"], CudaTypes.ComputeDType(dt), outType,
                        [dt, dt], plan, KernelFields.Of(t)), plan, [c, a, b], FieldValues(t, op), expected, Tolerance(dt)));
                }
        RunAll(cases);
    }

    [SkippableFact]
    public void TernaryWhereMaskedFillAndCastKernelsComputeWhatTheCpuComputes()
    {
        Skip.IfNot(KernelEmulator.Available, KernelEmulator.Unavailable);
        var cases = new List<Case>();
        foreach (var t in KernelCatalog.Implementing(typeof(ITernaryKernel)))
            foreach (var dt in Tested.Where(d => KernelCatalog.Supports(t, nameof(KernelSupport.CheckTernary), d)))
            {
                var op = Make(t);
                var (a, b, w) = (Input([4, 6], dt, 1), Input([6], dt, 5, nonZero: true).Expand(4, 6), Input([6, 4], dt, 9, nonZero: true).T());
                var expected = Torch.Empty(4, 6, dtype: dt);
                Invoke(nameof(CpuBackend.Ternary), t, op, a, b, w, expected);
                var d = Torch.Zeros(4, 6, dtype: dt);
                var plan = ElementwisePlan.Of(d, a, b, w);
                cases.Add(new($"{t.Name} {dt}", KernelSource.Map(KernelCatalog.StaticString(t, "Cuda"), ["a", "b", "c"], CudaTypes.ComputeDType(dt), dt,
                    [dt, dt, dt], plan, KernelFields.Of(t)), plan, [d, a, b, w], FieldValues(t, op), expected, Tolerance(dt)));
            }
        var castSource = Input([6, 5], DType.Float64, 2) * 97.5;
        foreach (var from in KernelCatalog.AllDTypes)
            foreach (var to in KernelCatalog.AllDTypes)
            {
                var x = castSource.To(from).T();
                var expected = Torch.Empty(5, 6, dtype: to);
                CpuBackend.Instance.Copy(x, expected);
                var y = Torch.Zeros(5, 6, dtype: to);
                var plan = ElementwisePlan.Of(y, x);
                cases.Add(new($"cast {from}->{to}", KernelSource.Cast(from, to, plan), plan, [y, x], [], expected, 0));
            }
        foreach (var dt in KernelCatalog.AllDTypes)
        {
            var cond = Input([3, 8], DType.Bool, 4);
            var (x, y) = (Input([3, 8], dt, 1), Input([8], dt, 2).Expand(3, 8));
            var expected = Torch.Empty(3, 8, dtype: dt);
            CpuBackend.Instance.Where(cond, x, y, expected);
            var o = Torch.Zeros(3, 8, dtype: dt);
            var plan = ElementwisePlan.Of(o, cond, x, y);
            cases.Add(new($"where {dt}", KernelSource.Where(dt, plan), plan, [o, cond, x, y], [], expected, 0));

            var filled = Input([8, 3], dt, 6).T().Contiguous().T();
            var mask = Input([8], DType.Bool, 3).Expand(3, 8);
            var expectedFill = filled.Clone();
            CpuBackend.Instance.MaskedFill(expectedFill, mask, 2);
            var mplan = ElementwisePlan.Of(filled.shape, filled.strides, mask.strides);
            cases.Add(new($"masked_fill {dt}", KernelSource.MaskedFill(dt, mplan), mplan, [filled, mask], [CudaBackend.ScalarBits(2, dt)], expectedFill, 0));
        }
        RunAll(cases);
    }

    [SkippableFact]
    public void ReductionsComputeWhatTheCpuComputesInBothStagesAndBothKernels()
    {
        Skip.IfNot(KernelEmulator.Available, KernelEmulator.Unavailable);
        var runs = new List<(string Name, Type Kernel, object Op, Tensor X, Tensor Output, Tensor Expected, ReducePlan Plan)>();
        void Add(Type kernel, Tensor x, long[] outShape, DType acc)
        {
            var op = Make(kernel);
            var expected = Torch.Empty(outShape, dtype: acc);
            // float32 reduced in float64 means each element converted to float64 first (PyTorch's make_reduction casts
            // the input to the accumulation dtype), which the kernel does. The CPU backend instead reduces float32 blocks
            // and widens their results (a speed trade: float32-sized rounding), so its reference is the float64 input.
            var reference = x.dtype == DType.Float32 && acc == DType.Float64 ? x.To(DType.Float64) : x;
            Invoke(nameof(CpuBackend.Reduce), kernel, op, reference, expected);
            var plan = new ReducePlan(x.shape, x.strides, outShape, multiprocessors: 8, KernelSource.ReduceBlockSize);
            runs.Add(($"{kernel.Name} {x.dtype}->{acc} {Shapes.Format(x.shape)} -> {Shapes.Format(outShape)}", kernel, op, x,
                Torch.Zeros(outShape, dtype: acc), expected, plan));
        }
        foreach (var t in KernelCatalog.Implementing(typeof(IReduceKernel)))
        {
            Add(t, Input([3, 5000], DType.Float32, 1), [3, 1], DType.Float64);        // two stages
            Add(t, Input([7, 9, 4], DType.Float64, 2).Permute(2, 0, 1), [4, 1, 9], DType.Float64);
            Add(t, Input([10, 5000], DType.Int64, 3), [1, 5000], DType.Int64);       // a thread per output
            Add(t, Input([40, 30], DType.Float16, 4), [1, 1], DType.Float32);
        }
        Add(typeof(AnyKernel), Input([9, 11], DType.Bool, 5), [9, 1], DType.UInt8);
        Assert.Contains(runs, r => r.Plan.Splits > 1);
        Assert.Contains(runs, r => r.Plan.ThreadPerOutput);

        var sources = new List<string>();
        foreach (var r in runs)
        {
            var combine = KernelCatalog.StaticString(r.Kernel, "Cuda");
            var map = KernelCatalog.CudaMap(r.Kernel);
            var fields = KernelFields.Of(r.Kernel);
            var acc = r.Output.dtype;
            sources.Add(KernelSource.Reduce(combine, map, true, r.X.dtype, acc, r.Plan.ThreadPerOutput, r.Plan.Wide, fields));
            sources.Add(KernelSource.Reduce(combine, map, false, acc, acc, false, r.Plan.Wide, fields));
        }
        using var emulator = KernelEmulator.Compile(sources);
        var failures = new List<string>();
        for (int i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            var identity = typeof(CudaBackend).GetMethod("IdentityBits", BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(r.Kernel).Invoke(null, [r.Op, r.Output.dtype])!;
            var values = FieldValues(r.Kernel, r.Op);
            var stage1Out = r.Plan.Splits == 1 ? r.Output : Torch.Zeros(r.Plan.Outputs * r.Plan.Splits, dtype: r.Output.dtype);
            // One thread per block: the emulator runs a block's threads one after another, so the block tree needs one.
            var first = emulator.Launcher(2 * i);
            var second = emulator.Launcher(2 * i + 1);
            unsafe
            {
                KernelArguments.Reduce(r.Plan.First(7), Address(stage1Out), Address(r.X), (long)identity, values, (g, b, a) => first(g, 1, a));
                if (r.Plan.Splits > 1)
                    KernelArguments.Reduce(r.Plan.Second(), Address(r.Output), Address(stage1Out), (long)identity, values, (g, b, a) => second(g, 1, a));
            }
            GC.KeepAlive(stage1Out);
            var e = r.Expected.To(DType.Float64).ToArray<double>();
            var a = r.Output.To(DType.Float64).ToArray<double>();
            for (int k = 0; k < e.Length; k++)
            {
                if (e[k] == a[k] || (double.IsNaN(e[k]) && double.IsNaN(a[k]))) continue;
                if (Math.Abs(e[k] - a[k]) <= 1e-9 * (1 + Math.Abs(e[k]))) continue;
                failures.Add($"{r.Name}: output {k} is {a[k]} in the kernel, {e[k]} on the CPU");
                break;
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
