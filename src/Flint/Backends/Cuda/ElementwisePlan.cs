using System.Runtime.InteropServices;

namespace Flint.Backends.Cuda;

/// <summary>How a kernel finds an operand's element for linear index i.</summary>
internal enum OperandLayout : byte
{
    /// <summary>Row-major and dense over the iteration shape: element i.</summary>
    Contiguous = (byte)'c',
    /// <summary>One value broadcast everywhere (every stride 0): element 0.</summary>
    Scalar = (byte)'s',
    /// <summary>Anything else: offsets from the coordinates of i and the operand's strides.</summary>
    Strided = (byte)'g',
}

/// <summary>
/// The iteration space of an elementwise kernel: the common shape with its dims collapsed where every operand allows
/// (dims of size 1 dropped, adjacent dims merged when each operand's outer stride is its inner stride times the inner
/// size), the per-operand strides over it, how each operand is addressed, and whether 32-bit indexing suffices. The
/// layout classes, the number of dims (when an operand is strided) and the index width together pick the compiled
/// kernel variant, so the common cases (all contiguous, a broadcast number) need no division.
/// </summary>
internal sealed class ElementwisePlan
{
    /// <summary>Number of elements.</summary>
    public long Numel { get; }

    /// <summary>Collapsed sizes, outermost first.</summary>
    public long[] Sizes { get; }

    /// <summary>Per operand, its strides (in elements) over <see cref="Sizes"/>.</summary>
    public long[][] Strides { get; }

    /// <summary>Per operand, its addressing.</summary>
    public OperandLayout[] Layouts { get; }

    /// <summary>True when an index or offset needs 64 bits.</summary>
    public bool Wide { get; }

    private ElementwisePlan(long numel, long[] sizes, long[][] strides, OperandLayout[] layouts, bool wide)
    {
        Numel = numel;
        Sizes = sizes;
        Strides = strides;
        Layouts = layouts;
        Wide = wide;
    }

    /// <summary>Plans a loop over <paramref name="shape"/> for operands with the given strides (one array per operand).</summary>
    public static ElementwisePlan Of(ReadOnlySpan<long> shape, params long[][] operandStrides)
    {
        int ops = operandStrides.Length;
        long numel = 1;
        foreach (var s in shape) numel *= s;
        var sizes = new List<long>();
        var strides = new List<long>[ops];
        for (int k = 0; k < ops; k++) strides[k] = [];
        if (numel > 1)
        {
            for (int d = 0; d < shape.Length; d++)
            {
                if (shape[d] == 1) continue;
                sizes.Add(shape[d]);
                for (int k = 0; k < ops; k++) strides[k].Add(operandStrides[k][d]);
            }
            // Merge from the innermost dim outwards.
            for (int d = sizes.Count - 2; d >= 0; d--)
            {
                bool mergeable = true;
                for (int k = 0; k < ops && mergeable; k++)
                    mergeable = strides[k][d] == strides[k][d + 1] * sizes[d + 1];
                if (!mergeable) continue;
                sizes[d] *= sizes[d + 1];
                sizes.RemoveAt(d + 1);
                for (int k = 0; k < ops; k++)
                {
                    strides[k][d] = strides[k][d + 1];
                    strides[k].RemoveAt(d + 1);
                }
            }
        }
        var sizeArray = sizes.ToArray();
        var contiguous = new long[sizeArray.Length];
        for (long acc = 1, d = sizeArray.Length - 1; d >= 0; d--)
        {
            contiguous[d] = acc;
            acc *= sizeArray[d];
        }
        var layouts = new OperandLayout[ops];
        var strideArrays = new long[ops][];
        bool wide = numel > int.MaxValue;
        for (int k = 0; k < ops; k++)
        {
            var s = strides[k].ToArray();
            strideArrays[k] = s;
            long extent = 0;
            for (int d = 0; d < s.Length; d++) extent += (sizeArray[d] - 1) * s[d];
            wide |= extent > int.MaxValue;
            layouts[k] = numel <= 1 || s.AsSpan().SequenceEqual(contiguous) ? OperandLayout.Contiguous
                : Array.TrueForAll(s, v => v == 0) ? OperandLayout.Scalar
                : OperandLayout.Strided;
        }
        return new ElementwisePlan(numel, sizeArray, strideArrays, layouts, wide);
    }

    /// <summary>Plans a loop over tensors of one shape (the first is the output).</summary>
    public static ElementwisePlan Of(params Tensor[] operands) =>
        Of(operands[0].shape, Array.ConvertAll(operands, t => t.strides));

    /// <summary>True when some operand is addressed through its strides.</summary>
    public bool AnyStrided => Array.IndexOf(Layouts, OperandLayout.Strided) >= 0;

    /// <summary>
    /// The dims a kernel variant is compiled for: 0 when no operand is strided, the exact count up to 4 (loops
    /// unrolled), -1 for "read it from the geometry" above that.
    /// </summary>
    public int CompiledDims => !AnyStrided ? 0 : Sizes.Length <= 4 ? Sizes.Length : -1;

    /// <summary>The variant key: layout letters, compiled dims and index width, e.g. "cgs/2/32".</summary>
    public string VariantKey
    {
        get
        {
            Span<char> letters = stackalloc char[Layouts.Length];
            for (int k = 0; k < Layouts.Length; k++) letters[k] = (char)Layouts[k];
            return $"{letters}/{CompiledDims}/{(Wide ? 64 : 32)}";
        }
    }

    /// <summary>Fills the kernel's Geometry argument.</summary>
    public unsafe void Fill(ref Geometry g)
    {
        if (Sizes.Length > CudaPrelude.MaxDims)
            throw new NotSupportedException(
                $"CUDA kernels index at most {CudaPrelude.MaxDims} dims, but this operation needs {Sizes.Length} after merging dims");
        g.NDim = Sizes.Length;
        for (int d = 0; d < Sizes.Length; d++)
        {
            g.Sizes[d] = Sizes[d];
            for (int k = 0; k < Strides.Length; k++) g.Strides[k * CudaPrelude.MaxDims + d] = Strides[k][d];
        }
    }
}

/// <summary>The C layout of the prelude's <c>Geometry</c> kernel argument.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Geometry
{
    public long NDim;
    public fixed long Sizes[CudaPrelude.MaxDims];
    public fixed long Strides[CudaPrelude.MaxOperands * CudaPrelude.MaxDims];
}

/// <summary>The C layout of the prelude's <c>ReduceGeometry</c> kernel argument.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ReduceGeometry
{
    public long KeptDims;
    public fixed long KeptSizes[CudaPrelude.MaxDims];
    public fixed long KeptStrides[CudaPrelude.MaxDims];
    public long ReducedDims;
    public fixed long ReducedSizes[CudaPrelude.MaxDims];
    public fixed long ReducedStrides[CudaPrelude.MaxDims];
}
