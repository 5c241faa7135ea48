using System.Reflection;
using Flint.Backends.Cuda;
using Flint.Kernels;

namespace Flint.Tests.Gpu;

/// <summary>Every kernel struct of Flint, found by reflection, with the CUDA sources the backend would generate for it.</summary>
internal static class KernelCatalog
{
    public static readonly DType[] AllDTypes =
        [DType.Float32, DType.Float64, DType.Float16, DType.BFloat16, DType.Int64, DType.Int32, DType.Int16, DType.Int8, DType.UInt8, DType.Bool];

    public static IEnumerable<Type> Implementing(Type kernelInterface) =>
        typeof(Tensor).Assembly.GetTypes().Where(t => t.IsValueType && kernelInterface.IsAssignableFrom(t)).OrderBy(t => t.FullName);

    public static string StaticString(Type t, string name) =>
        (string)t.GetProperty(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    /// <summary>The map expression of a reduction, which defaults to "x" when the struct has none.</summary>
    public static string CudaMap(Type t) =>
        t.GetProperty("CudaMap", BindingFlags.Public | BindingFlags.Static) is { } p ? (string)p.GetValue(null)! : "x";

    /// <summary>True if the backend accepts the kernel for the dtype (the CPU kernel's probe does not throw).</summary>
    public static bool Supports(Type kernel, string check, DType dt)
    {
        var method = typeof(KernelSupport).GetMethod(check)!.MakeGenericMethod(kernel);
        try
        {
            method.Invoke(null, [Activator.CreateInstance(kernel), dt]);
            return true;
        }
        catch (TargetInvocationException e) when (e.InnerException is NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Layout variants worth compiling: all contiguous with 32-bit indices, and strided/broadcast with 64-bit.</summary>
    public static IEnumerable<ElementwisePlan> Plans(int operands)
    {
        yield return ElementwisePlan.Of([4, 5], Enumerable.Range(0, operands).Select(_ => new long[] { 5, 1 }).ToArray());
        var strides = new long[operands][];
        for (int k = 0; k < operands; k++)
            strides[k] = (k % 3) switch { 0 => [1L << 31, 7, 1], 1 => [0, 0, 0], _ => [1, 3, 9] };
        yield return ElementwisePlan.Of([2, 3, 4], strides);
    }

    /// <summary>The source of every kernel variant the backend can generate, with a description of each.</summary>
    public static IEnumerable<(string Description, string Source)> AllSources()
    {
        foreach (var t in Implementing(typeof(IUnaryKernel)))
            foreach (var dt in AllDTypes.Where(d => Supports(t, nameof(KernelSupport.CheckUnary), d)))
                foreach (var plan in Plans(2))
                    yield return ($"unary {t.Name} {dt} {plan.VariantKey}",
                        KernelSource.Map(StaticString(t, "Cuda"), ["x"], CudaTypes.ComputeDType(dt), dt, [dt], plan, KernelFields.Of(t)));
        foreach (var t in Implementing(typeof(IBinaryKernel)))
            foreach (var dt in AllDTypes.Where(d => Supports(t, nameof(KernelSupport.CheckBinary), d)))
                foreach (var plan in Plans(3))
                    yield return ($"binary {t.Name} {dt} {plan.VariantKey}",
                        KernelSource.Map(StaticString(t, "Cuda"), ["a", "b"], CudaTypes.ComputeDType(dt), dt, [dt, dt], plan, KernelFields.Of(t)));
        foreach (var t in Implementing(typeof(ICompareKernel)))
            foreach (var dt in AllDTypes.Where(d => Supports(t, nameof(KernelSupport.CheckCompare), d)))
                foreach (var plan in Plans(3))
                    yield return ($"compare {t.Name} {dt} {plan.VariantKey}",
                        KernelSource.Map(StaticString(t, "Cuda"), ["a", "b"], CudaTypes.ComputeDType(dt), DType.Bool, [dt, dt], plan, KernelFields.Of(t)));
        foreach (var t in Implementing(typeof(ITernaryKernel)))
            foreach (var dt in AllDTypes.Where(d => Supports(t, nameof(KernelSupport.CheckTernary), d)))
                foreach (var plan in Plans(4))
                    yield return ($"ternary {t.Name} {dt} {plan.VariantKey}",
                        KernelSource.Map(StaticString(t, "Cuda"), ["a", "b", "c"], CudaTypes.ComputeDType(dt), dt, [dt, dt, dt], plan, KernelFields.Of(t)));
        (DType In, DType Acc)[] reductions =
        [
            (DType.Float32, DType.Float32), (DType.Float32, DType.Float64), (DType.Float64, DType.Float64), (DType.Float16, DType.Float32),
            (DType.BFloat16, DType.Float32), (DType.Int64, DType.Int64), (DType.Int32, DType.Int32), (DType.Int16, DType.Int16),
            (DType.Int8, DType.Int8), (DType.UInt8, DType.UInt8), (DType.Bool, DType.UInt8),
        ];
        foreach (var t in Implementing(typeof(IReduceKernel)))
            foreach (var (input, acc) in reductions)
                foreach (var threadPerOutput in new[] { false, true })
                {
                    var fields = KernelFields.Of(t);
                    var combine = StaticString(t, "Cuda");
                    yield return ($"reduce {t.Name} {input}->{acc} {(threadPerOutput ? "thread" : "block")}",
                        KernelSource.Reduce(combine, CudaMap(t), true, input, acc, threadPerOutput, threadPerOutput, fields));
                    if (!threadPerOutput)
                        yield return ($"reduce-merge {t.Name} {acc}", KernelSource.Reduce(combine, CudaMap(t), false, acc, acc, false, false, fields));
                }
        foreach (var from in AllDTypes)
            foreach (var to in AllDTypes)
                yield return ($"cast {from}->{to}", KernelSource.Cast(from, to, Plans(2).Last()));
        foreach (var dt in AllDTypes)
        {
            yield return ($"fill {dt}", KernelSource.Fill(dt, Plans(1).Last()));
            yield return ($"masked_fill {dt}", KernelSource.MaskedFill(dt, Plans(2).Last()));
            yield return ($"where {dt}", KernelSource.Where(dt, Plans(4).Last()));
        }
    }

    private static readonly HashSet<string> Sampled = [];

    /// <summary>
    /// The default sample: the first variant pair of each kernel struct (its first supported dtype), every cast from and
    /// to float32, and float32 fills; descriptions are "family Kernel DType variant".
    /// </summary>
    public static bool IsSample(string description)
    {
        var parts = description.Split(' ');
        return parts[0] switch
        {
            "cast" => parts[1].Contains("Float32", StringComparison.Ordinal),
            "fill" or "masked_fill" or "where" => parts[1] is "Float32" or "Bool",
            "reduce" or "reduce-merge" => parts[2] is "Float32->Float64" or "Int64->Int64" or "Float64",
            _ => FirstDType(parts[1], parts[2]),
        };
    }

    private static bool FirstDType(string kernel, string dtype)
    {
        lock (Sampled)
        {
            if (Sampled.Contains(kernel)) return Sampled.Contains(kernel + " " + dtype);
            Sampled.Add(kernel);
            Sampled.Add(kernel + " " + dtype);
            return true;
        }
    }

    /// <summary>
    /// Several generated kernels as one translation unit: the prelude once, then each kernel (the text after the prelude)
    /// in a namespace of its own, its entry point renamed, so one NVRTC compile checks them all.
    /// </summary>
    public static string Combine(IReadOnlyList<(string Description, string Source)> kernels)
    {
        const string end = "// ---- end of prelude ----";
        var sb = new System.Text.StringBuilder(CudaPrelude.Source);
        for (int i = 0; i < kernels.Count; i++)
        {
            var src = kernels[i].Source;
            var body = src[(src.IndexOf(end, StringComparison.Ordinal) + end.Length)..];
            body = body.Replace("namespace fl {", $"namespace fl {{ namespace k{i} {{ // {kernels[i].Description}", StringComparison.Ordinal)
                .Replace(KernelSource.EntryPoint, $"flint_kernel_{i}", StringComparison.Ordinal);
            sb.Append(body).Append("}\n");
        }
        return sb.ToString();
    }
}
