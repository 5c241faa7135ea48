using System.Text;

namespace Flint.Backends.Cuda;

/// <summary>
/// Generates the CUDA C of Flint's kernels: one template per kind (elementwise map of 1 to 3 inputs, comparison,
/// copy with conversion, fill, masked fill, where, and the two-stage reduction), instantiated with a kernel struct's
/// expression, the dtypes and the layout variant of an <see cref="ElementwisePlan"/>. Every kernel is the extern "C"
/// function <see cref="EntryPoint"/> inside namespace <c>fl</c> (so the prelude's overloads hide the global math
/// functions), loops over the elements grid-stride, and reads its shape and strides from a <c>Geometry</c> argument.
/// </summary>
internal static class KernelSource
{
    /// <summary>The name of the kernel in every generated module.</summary>
    public const string EntryPoint = "flint_kernel";

    /// <summary>Threads per block of elementwise kernels.</summary>
    public const int BlockSize = 256;

    /// <summary>Threads per block of reduction kernels (a power of two: the block reduces as a tree).</summary>
    public const int ReduceBlockSize = 256;

    /// <summary>
    /// An elementwise map: <c>out = expression(inputs)</c>, inputs loaded into the compute type <c>T</c> under the names
    /// given (x; a, b; a, b, c), the result stored into the output's dtype (bool: a comparison's truth).
    /// </summary>
    public static string Map(string expression, string[] names, DType compute, DType output, DType[] inputs,
        ElementwisePlan plan, KernelField[] fields)
    {
        var body = new StringBuilder();
        body.Append("        typedef ").Append(CudaTypes.Compute(compute)).Append(" T;\n");
        for (int k = 0; k < names.Length; k++)
            body.Append("        const T ").Append(names[k]).Append(" = (T)(")
                .Append(CudaTypes.Load(inputs[k], $"_p{k + 1}[_o{k + 1}]")).Append(");\n");
        var value = output == DType.Bool ? $"(bool)({KernelFields.Rewrite(expression, fields)})" : $"(T)({KernelFields.Rewrite(expression, fields)})";
        body.Append("        _p0[_o0] = ").Append(CudaTypes.Store(output, value)).Append(";\n");
        var storage = new DType[inputs.Length + 1];
        storage[0] = output;
        inputs.CopyTo(storage, 1);
        return Elementwise(plan, storage, Array.ConvertAll(fields, f => f.Declaration), body.ToString());
    }

    /// <summary>out = in converted to out's dtype (<see cref="CudaTypes.Convert"/>).</summary>
    public static string Cast(DType from, DType to, ElementwisePlan plan) =>
        Elementwise(plan, [to, from], [], $"        _p0[_o0] = {CudaTypes.Convert(from, to, "_p1[_o1]")};\n");

    /// <summary>Every element of out = the value argument (its storage bits).</summary>
    public static string Fill(DType dt, ElementwisePlan plan) =>
        Elementwise(plan, [dt], [$"const {CudaTypes.Storage(dt)} _value"], "        _p0[_o0] = _value;\n");

    /// <summary>out = the value argument where the bool mask holds.</summary>
    public static string MaskedFill(DType dt, ElementwisePlan plan) =>
        Elementwise(plan, [dt, DType.Bool], [$"const {CudaTypes.Storage(dt)} _value"], "        if (_p1[_o1]) _p0[_o0] = _value;\n");

    /// <summary>out = condition ? x : y, elements copied as stored.</summary>
    public static string Where(DType dt, ElementwisePlan plan) =>
        Elementwise(plan, [dt, DType.Bool, dt, dt], [], "        _p0[_o0] = _p1[_o1] ? _p2[_o2] : _p3[_o3];\n");

    private static string Elementwise(ElementwisePlan plan, DType[] storage, string[] parameters, string body)
    {
        var idx = plan.Wide ? "long long" : "int";
        var sb = new StringBuilder(CudaPrelude.Source);
        sb.Append("namespace fl {\n");
        sb.Append("extern \"C\" __global__ void ").Append(EntryPoint).Append("(const long long _n, const Geometry _g");
        for (int k = 0; k < storage.Length; k++)
            sb.Append(k == 0 ? ", " : ", const ").Append(CudaTypes.Storage(storage[k])).Append("* _p").Append(k);
        foreach (var p in parameters) sb.Append(", ").Append(p);
        sb.Append(")\n{\n");
        sb.Append("    typedef ").Append(idx).Append(" idx_t;\n");
        sb.Append("    const long long _stride = (long long)blockDim.x * gridDim.x;\n");
        sb.Append("    for (long long _li = (long long)blockIdx.x * blockDim.x + threadIdx.x; _li < _n; _li += _stride)\n    {\n");
        sb.Append("        const idx_t _i = (idx_t)_li;\n");
        AppendOffsets(sb, plan.Layouts, plan.CompiledDims, "        ");
        sb.Append(body);
        sb.Append("    }\n}\n}\n");
        return sb.ToString();
    }

    // _o{k}: the element offset of operand k for linear index _i.
    private static void AppendOffsets(StringBuilder sb, OperandLayout[] layouts, int compiledDims, string indent)
    {
        var strided = new List<int>();
        for (int k = 0; k < layouts.Length; k++)
        {
            switch (layouts[k])
            {
                case OperandLayout.Contiguous: sb.Append(indent).Append("const idx_t _o").Append(k).Append(" = _i;\n"); break;
                case OperandLayout.Scalar: sb.Append(indent).Append("const idx_t _o").Append(k).Append(" = 0;\n"); break;
                default: strided.Add(k); break;
            }
        }
        if (strided.Count == 0) return;
        sb.Append(indent).Append("idx_t ").AppendJoin(", ", strided.Select(k => $"_o{k} = 0")).Append(";\n");
        var dims = compiledDims > 0 ? compiledDims.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(int)_g.ndim";
        sb.Append(indent).Append("{\n");
        sb.Append(indent).Append("    idx_t _rem = _i;\n");
        sb.Append(indent).Append("    #pragma unroll\n");
        sb.Append(indent).Append("    for (int _d = ").Append(dims).Append(" - 1; _d >= 0; --_d)\n");
        sb.Append(indent).Append("    {\n");
        sb.Append(indent).Append("        const idx_t _size = (idx_t)_g.sizes[_d];\n");
        sb.Append(indent).Append("        const idx_t _q = _rem / _size;\n");
        sb.Append(indent).Append("        const idx_t _c = _rem - _q * _size;\n");
        sb.Append(indent).Append("        _rem = _q;\n");
        foreach (var k in strided)
            sb.Append(indent).Append("        _o").Append(k).Append(" += _c * (idx_t)_g.strides[").Append(k).Append("][_d];\n");
        sb.Append(indent).Append("    }\n");
        sb.Append(indent).Append("}\n");
    }

    /// <summary>
    /// The reduction kernel: block b reduces the elements [s * chunk, (s + 1) * chunk) of output o = b / splits
    /// (s = b % splits) with the combine expression over <c>a</c> and <c>b</c>, each element converted to the
    /// accumulator type <c>T</c> and mapped by the map expression over <c>x</c> (unless <paramref name="map"/> is
    /// false: the second stage, which combines partial results). Threads stride over the chunk, then the block
    /// combines its partials as a tree in shared memory and thread 0 writes the result. With
    /// <paramref name="threadPerOutput"/> each thread instead reduces whole outputs serially, which reads memory
    /// coalesced when consecutive outputs are adjacent (a reduction over an outer dim).
    /// </summary>
    public static string Reduce(string combine, string mapExpression, bool map, DType input, DType accumulator,
        bool threadPerOutput, bool wide, KernelField[] fields)
    {
        var idx = wide ? "long long" : "int";
        var acc = CudaTypes.Storage(accumulator);
        var sb = new StringBuilder(CudaPrelude.Source);
        var combineCode = KernelFields.Rewrite(combine, fields);
        var mapCode = KernelFields.Rewrite(mapExpression, fields);
        sb.Append("namespace fl {\n");
        sb.Append("typedef ").Append(acc).Append(" T;\n");
        sb.Append("typedef ").Append(idx).Append(" idx_t;\n");
        var pdecl = string.Concat(fields.Select(f => ", " + f.Declaration));
        var pnames = string.Concat(fields.Select(f => ", " + f.Argument));
        sb.Append("__device__ __forceinline__ T _combine(const T a, const T b").Append(pdecl).Append(") { return (T)(").Append(combineCode).Append("); }\n");
        sb.Append("__device__ __forceinline__ T _map(const T x").Append(pdecl).Append(") { return (T)(").Append(map ? mapCode : "x").Append("); }\n");
        sb.Append("__device__ __forceinline__ idx_t _kept(const ReduceGeometry& g, idx_t o)\n{\n");
        AppendDecompose(sb, "keptDims", "keptSizes", "keptStrides", "o");
        sb.Append("}\n");
        sb.Append("__device__ __forceinline__ idx_t _reduced(const ReduceGeometry& g, idx_t r)\n{\n");
        AppendDecompose(sb, "reducedDims", "reducedSizes", "reducedStrides", "r");
        sb.Append("}\n");
        sb.Append("extern \"C\" __global__ void ").Append(EntryPoint)
            .Append("(const long long _outN, const long long _r, const long long _chunk, const int _splits, const ReduceGeometry _g, T* _out, const ")
            .Append(CudaTypes.Storage(input)).Append("* _in, const T _identity").Append(pdecl).Append(")\n{\n");
        var load = $"_map((T)({CudaTypes.Convert(input, accumulator, "_in[_base + _reduced(_g, (idx_t)_k)]")}){pnames})";
        if (threadPerOutput)
        {
            sb.Append("    const long long _stride = (long long)blockDim.x * gridDim.x;\n");
            sb.Append("    for (long long _o = (long long)blockIdx.x * blockDim.x + threadIdx.x; _o < _outN; _o += _stride)\n    {\n");
            sb.Append("        const idx_t _base = _kept(_g, (idx_t)_o);\n");
            sb.Append("        T _acc = _identity;\n");
            sb.Append("        for (long long _k = 0; _k < _r; ++_k) _acc = _combine(_acc, ").Append(load).Append(pnames).Append(");\n");
            sb.Append("        _out[_o] = _acc;\n    }\n}\n}\n");
            return sb.ToString();
        }
        sb.Append("    __shared__ T _partial[").Append(ReduceBlockSize).Append("];\n");
        sb.Append("    const long long _o = (long long)blockIdx.x / _splits;\n");
        sb.Append("    const long long _s = (long long)blockIdx.x % _splits;\n");
        sb.Append("    const idx_t _base = _kept(_g, (idx_t)_o);\n");
        sb.Append("    const long long _end = _r < (_s + 1) * _chunk ? _r : (_s + 1) * _chunk;\n");
        sb.Append("    T _acc = _identity;\n");
        sb.Append("    for (long long _k = _s * _chunk + threadIdx.x; _k < _end; _k += blockDim.x) _acc = _combine(_acc, ")
            .Append(load).Append(pnames).Append(");\n");
        sb.Append("    _partial[threadIdx.x] = _acc;\n");
        sb.Append("    __syncthreads();\n");
        sb.Append("    for (unsigned int _w = blockDim.x / 2; _w > 0; _w >>= 1)\n    {\n");
        sb.Append("        if (threadIdx.x < _w) _partial[threadIdx.x] = _combine(_partial[threadIdx.x], _partial[threadIdx.x + _w]").Append(pnames).Append(");\n");
        sb.Append("        __syncthreads();\n    }\n");
        sb.Append("    if (threadIdx.x == 0) _out[blockIdx.x] = _partial[0];\n}\n}\n");
        return sb.ToString();
    }

    private static void AppendDecompose(StringBuilder sb, string dims, string sizes, string strides, string index)
    {
        sb.Append("    idx_t _off = 0, _rem = ").Append(index).Append(";\n");
        sb.Append("    for (int _d = (int)g.").Append(dims).Append(" - 1; _d >= 0; --_d)\n    {\n");
        sb.Append("        const idx_t _size = (idx_t)g.").Append(sizes).Append("[_d];\n");
        sb.Append("        const idx_t _q = _rem / _size;\n");
        sb.Append("        _off += (_rem - _q * _size) * (idx_t)g.").Append(strides).Append("[_d];\n");
        sb.Append("        _rem = _q;\n    }\n");
        sb.Append("    return _off;\n");
    }
}
