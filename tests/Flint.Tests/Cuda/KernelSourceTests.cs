using System.Text.RegularExpressions;
using Flint.Backends.Cuda;
using Flint.Kernels;

namespace Flint.Tests.Gpu;

/// <summary>
/// The CUDA C the backend generates from kernel structs (checked as text here; <see cref="KernelCompilationTests"/>
/// compiles it where NVRTC is installed), the kernel-field binding, and the dtype support the CPU kernels decide.
/// </summary>
public class KernelSourceTests
{
    private const string PreludeEnd = "// ---- end of prelude ----";

    private static string Kernel(string source) => source[(source.IndexOf(PreludeEnd, StringComparison.Ordinal) + PreludeEnd.Length)..];

    [Fact]
    public void ExpOfContiguousFloat32IsOneLoadOneCallOneStore()
    {
        var plan = ElementwisePlan.Of([8], [1], [1]);
        var src = KernelSource.Map(ExpKernel.Cuda, ["x"], DType.Float32, DType.Float32, [DType.Float32], plan, []);
        Assert.StartsWith(CudaPrelude.Source, src);
        Assert.Equal("""

            namespace fl {
            extern "C" __global__ void flint_kernel(const long long _n, const Geometry _g, float* _p0, const float* _p1)
            {
                typedef int idx_t;
                const long long _stride = (long long)blockDim.x * gridDim.x;
                for (long long _li = (long long)blockIdx.x * blockDim.x + threadIdx.x; _li < _n; _li += _stride)
                {
                    const idx_t _i = (idx_t)_li;
                    const idx_t _o0 = _i;
                    const idx_t _o1 = _i;
                    typedef float T;
                    const T x = (T)(_p1[_o1]);
                    _p0[_o0] = (float)((T)(exp(x)));
                }
            }
            }

            """, Kernel(src).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void HalfOperandsComputeInFloatAndStridedOnesIndexThroughTheGeometry()
    {
        var plan = ElementwisePlan.Of([4, 5], [5, 1], [1, 4], [0, 0]);
        var src = Kernel(KernelSource.Map(AddKernel.Cuda, ["a", "b"], DType.Float32, DType.Float16, [DType.Float16, DType.Float16],
            plan, KernelFields.Of(typeof(AddKernel))));
        Assert.Contains("unsigned short* _p0, const unsigned short* _p1, const unsigned short* _p2, const double p_alpha)", src);
        Assert.Contains("const idx_t _o0 = _i;", src);
        Assert.Contains("const idx_t _o2 = 0;", src);
        Assert.Contains("for (int _d = 2 - 1; _d >= 0; --_d)", src);
        Assert.Contains("_o1 += _c * (idx_t)_g.strides[1][_d];", src);
        Assert.Contains("const T a = (T)(fl::h2f(_p1[_o1]));", src);
        Assert.Contains("_p0[_o0] = fl::f2h((float)((T)(a + (T)p_alpha * b)));", src);
    }

    [Fact]
    public void ComparisonsStoreBoolsAndFieldsSharingFunctionNamesStayDistinct()
    {
        var plan = ElementwisePlan.Of([3], [1], [1], [1]);
        var cmp = Kernel(KernelSource.Map(IsCloseKernel.Cuda, ["a", "b"], DType.Float64, DType.Bool, [DType.Float64, DType.Float64],
            plan, KernelFields.Of(typeof(IsCloseKernel))));
        Assert.Contains("const double p_rtol, const double p_atol, const int p_equalNan)", cmp);
        Assert.Contains("_p0[_o0] = (unsigned char)(((bool)(isclose(a, b, p_rtol, p_atol, p_equalNan))) != 0);", cmp);

        var clamp = Kernel(KernelSource.Map(ClampScalarKernel.Cuda, ["x"], DType.Int64, DType.Int64, [DType.Int64],
            ElementwisePlan.Of([3], [1], [1]), KernelFields.Of(typeof(ClampScalarKernel))));
        Assert.Contains("clamp_scalar(x, p_min, p_max, p_hasMin, p_hasMax)", clamp);
        Assert.Equal("gelu(x, p_tanh) + tanh(p_tanh2)",
            KernelFields.Rewrite("gelu(x, tanh) + tanh(tanh2)", [Field("tanh"), Field("tanh2")]));
        Assert.Equal("x * 1e-5 + p_e * 2.5f - 0x1e", KernelFields.Rewrite("x * 1e-5 + e * 2.5f - 0x1e", [Field("e")]));
        Assert.Equal("g.sizes[0] + p_sizes", KernelFields.Rewrite("g.sizes[0] + sizes", [Field("sizes")]));
    }

    private static KernelField Field(string name) =>
        new(name, typeof(KernelSourceTests).GetField(nameof(Dummy), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!, FieldKind.Real);

    private static readonly double Dummy = 0;

    [Fact]
    public void CastsFollowTheCpuConversions()
    {
        Assert.Equal("(int)fl::f2ll((double)(x))", CudaTypes.Convert(DType.Float32, DType.Int32, "x"));
        Assert.Equal("(unsigned char)((fl::bf2f(x)) != 0)", CudaTypes.Convert(DType.BFloat16, DType.Bool, "x"));
        Assert.Equal("fl::f2h((float)(x))", CudaTypes.Convert(DType.Float64, DType.Float16, "x"));
        Assert.Equal("(signed char)(long long)(x)", CudaTypes.Convert(DType.Int64, DType.Int8, "x"));
        Assert.Equal("(float)(double)(x)", CudaTypes.Convert(DType.Int64, DType.Float32, "x"));
        Assert.Equal("x", CudaTypes.Convert(DType.Bool, DType.Bool, "x"));
    }

    [Fact]
    public void ReductionsCombineInSharedMemoryAfterMappingInTheAccumulatorType()
    {
        var fields = KernelFields.Of(typeof(SumPowAbsKernel));
        var src = Kernel(KernelSource.Reduce(SumPowAbsKernel.Cuda, SumPowAbsKernel.CudaMap, true, DType.Float16, DType.Float32,
            threadPerOutput: false, wide: false, fields));
        Assert.Contains("typedef float T;", src);
        Assert.Contains("__device__ __forceinline__ T _combine(const T a, const T b, const double p_p) { return (T)(a + b); }", src);
        Assert.Contains("__device__ __forceinline__ T _map(const T x, const double p_p) { return (T)((T)pow((double)fabs(x), p_p)); }", src);
        Assert.Contains("const unsigned short* _in, const T _identity, const double p_p)", src);
        Assert.Contains("_acc = _combine(_acc, _map((T)(fl::h2f(_in[_base + _reduced(_g, (idx_t)_k)])), p_p), p_p);", src);
        Assert.Contains("__shared__ T _partial[256];", src);
        Assert.Contains("if (threadIdx.x == 0) _out[blockIdx.x] = _partial[0];", src);

        var merge = Kernel(KernelSource.Reduce(MaxKernel.Cuda, "x", false, DType.Float64, DType.Float64, false, true, []));
        Assert.Contains("typedef long long idx_t;", merge);
        Assert.Contains("{ return (T)(x); }", merge);
        Assert.Contains("{ return (T)(fmax_nan(a, b)); }", merge);

        var serial = Kernel(KernelSource.Reduce(SumKernel.Cuda, "x", true, DType.Float32, DType.Float64, true, false, []));
        Assert.Contains("for (long long _k = 0; _k < _r; ++_k)", serial);
        Assert.DoesNotContain("__shared__", serial);
    }

    [Fact]
    public void KernelFieldsAreReadFromPrimaryConstructorsAndExplicitFields()
    {
        var add = KernelFields.Of(typeof(AddKernel));
        Assert.Equal(["alpha"], add.Select(f => f.Name));
        var clamp = KernelFields.Of(typeof(ClampScalarKernel));
        Assert.Equal(["min", "max", "hasMin", "hasMax"], clamp.Select(f => f.Name));
        Assert.Equal([FieldKind.Real, FieldKind.Real, FieldKind.Boolean, FieldKind.Boolean], clamp.Select(f => f.Kind));
        Span<long> values = stackalloc long[4];
        KernelFields.Values(new ClampScalarKernel(-1.5, 2, true, false), clamp, values);
        Assert.Equal(-1.5, BitConverter.Int64BitsToDouble(values[0]));
        Assert.Equal(2.0, BitConverter.Int64BitsToDouble(values[1]));
        Assert.Equal(1, values[2]);
        Assert.Equal(0, values[3]);
        Assert.Equal([FieldKind.Integer], KernelFields.Of(typeof(RoundDecimalsKernel)).Select(f => f.Kind));
        Assert.Equal("alpha", KernelFields.CleanName("<alpha>P"));
        Assert.Equal("Scale", KernelFields.CleanName("<Scale>k__BackingField"));
    }

    [Fact]
    public void DTypeSupportIsTheCpuKernelsWithCudaNames()
    {
        var e = Assert.Throws<NotSupportedException>(() => KernelSupport.CheckBinary(new Atan2Kernel(), DType.Int64));
        Assert.Equal("\"atan2_cuda\" not implemented for 'Long'", e.Message);
        e = Assert.Throws<NotSupportedException>(() => KernelSupport.CheckUnary(new ExpKernel(), DType.Int32));
        Assert.Equal("\"exp_cuda\" not implemented for 'Int'", e.Message);
        e = Assert.Throws<NotSupportedException>(() => KernelSupport.CheckUnary(new BitwiseNotKernel(), DType.Float32));
        Assert.Contains("bitwise_not_cuda", e.Message);
        KernelSupport.CheckUnary(new NegKernel(), DType.Int8);
        KernelSupport.CheckBinary(new AddKernel(1), DType.Bool);
        KernelSupport.CheckCompare(new EqKernel(), DType.BFloat16);
        KernelSupport.CheckTernary(new ClampKernel(), DType.Int16);
    }

    /// <summary>
    /// Every kernel struct's CUDA expressions name only what a generated kernel defines: its operands, <c>T</c>, its
    /// own fields, functions of the prelude, and INFINITY/NAN. A kernel added with an unknown name fails here, on any
    /// machine, rather than at its first NVRTC compile on a GPU.
    /// </summary>
    [Fact]
    public void EveryKernelExpressionNamesOnlyKnownIdentifiers()
    {
        var known = new HashSet<string>(["T", "INFINITY", "NAN", "bool", "float", "double", "int", "long", "short", "char", "unsigned", "signed"]);
        foreach (Match m in Regex.Matches(CudaPrelude.Source, @"__forceinline__\s+[\w\s<>]*?\b(\w+)\s*\("))
            known.Add(m.Groups[1].Value);
        foreach (Match m in Regex.Matches(CudaPrelude.Source, @"^FL_\w+\((\w+),", RegexOptions.Multiline))
            known.Add(m.Groups[1].Value);
        Assert.Contains("exp", known);
        Assert.Contains("fmax_nan", known);
        Assert.Contains("bitwise_and", known);

        var failures = new List<string>();
        void Check(Type t, string expression, params string[] operands)
        {
            var fields = KernelFields.Of(t).Select(f => f.Name).ToHashSet();
            foreach (var token in CudaTokens.Scan(expression).Where(k => k.Kind == CudaTokenKind.Identifier))
            {
                var name = expression.Substring(token.Start, token.Length);
                if (!known.Contains(name) && !fields.Contains(name) && !operands.Contains(name))
                    failures.Add($"{t.Name}: '{name}' in \"{expression}\"");
            }
        }
        foreach (var t in KernelCatalog.Implementing(typeof(IUnaryKernel))) Check(t, KernelCatalog.StaticString(t, "Cuda"), "x");
        foreach (var t in KernelCatalog.Implementing(typeof(IBinaryKernel))) Check(t, KernelCatalog.StaticString(t, "Cuda"), "a", "b");
        foreach (var t in KernelCatalog.Implementing(typeof(ICompareKernel))) Check(t, KernelCatalog.StaticString(t, "Cuda"), "a", "b");
        foreach (var t in KernelCatalog.Implementing(typeof(ITernaryKernel))) Check(t, KernelCatalog.StaticString(t, "Cuda"), "a", "b", "c");
        foreach (var t in KernelCatalog.Implementing(typeof(IReduceKernel)))
        {
            Check(t, KernelCatalog.StaticString(t, "Cuda"), "a", "b");
            Check(t, KernelCatalog.CudaMap(t), "x");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
