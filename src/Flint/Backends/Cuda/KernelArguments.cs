namespace Flint.Backends.Cuda;

/// <summary>Launches a kernel given its argument array (cuLaunchKernel's <c>kernelParams</c>) and grid and block sizes.</summary>
internal unsafe delegate void KernelLauncher(uint grid, uint block, void** args);

/// <summary>
/// The argument arrays of Flint's kernels, built as cuLaunchKernel takes them (an array of pointers to each argument's
/// value) in the order <see cref="KernelSource"/> declares the parameters. Kept apart from the driver so the same code
/// can drive an emulation of the kernels in tests.
/// </summary>
internal static unsafe class KernelArguments
{
    /// <summary>An elementwise kernel: (n, geometry, operand pointers..., 8-byte arguments...).</summary>
    public static void Elementwise(ElementwisePlan plan, ReadOnlySpan<ulong> operands, ReadOnlySpan<long> arguments, uint grid,
        uint block, KernelLauncher launch)
    {
        var geometry = new Geometry();
        plan.Fill(ref geometry);
        long n = plan.Numel;
        var args = stackalloc void*[2 + operands.Length + arguments.Length];
        var pointers = stackalloc ulong[operands.Length];
        var values = stackalloc long[Math.Max(arguments.Length, 1)];
        args[0] = &n;
        args[1] = &geometry;
        for (int k = 0; k < operands.Length; k++)
        {
            pointers[k] = operands[k];
            args[2 + k] = &pointers[k];
        }
        for (int j = 0; j < arguments.Length; j++)
        {
            values[j] = arguments[j];
            args[2 + operands.Length + j] = &values[j];
        }
        launch(grid, block, args);
    }

    /// <summary>A reduction kernel: (outN, r, chunk, splits, geometry, out, in, identity, 8-byte arguments...).</summary>
    public static void Reduce(in ReduceStage stage, ulong output, ulong input, long identity, ReadOnlySpan<long> arguments,
        KernelLauncher launch)
    {
        var geometry = stage.Geometry;
        long outN = stage.Outputs, r = stage.Reduced, chunk = stage.Chunk;
        int splits = stage.Splits;
        var args = stackalloc void*[8 + arguments.Length];
        var values = stackalloc long[Math.Max(arguments.Length, 1)];
        args[0] = &outN;
        args[1] = &r;
        args[2] = &chunk;
        args[3] = &splits;
        args[4] = &geometry;
        args[5] = &output;
        args[6] = &input;
        args[7] = &identity;
        for (int j = 0; j < arguments.Length; j++)
        {
            values[j] = arguments[j];
            args[8 + j] = &values[j];
        }
        launch(stage.Grid, KernelSource.ReduceBlockSize, args);
    }
}

/// <summary>One launch of the reduction kernel: its grid, geometry, sizes and whether it maps elements first.</summary>
internal readonly record struct ReduceStage(uint Grid, ReduceGeometry Geometry, long Outputs, long Reduced, long Chunk, int Splits);

/// <summary>
/// How a reduction runs on the GPU: x's dims split into kept ones (addressing the outputs, in order, merged where memory
/// allows) and reduced ones (sorted by stride, merged); then either one thread per output reducing serially (when
/// consecutive outputs are adjacent in memory and there are many, so reads coalesce), or blocks that each reduce a
/// chunk of one output's elements, with a second stage combining the chunks' partial results when one output is
/// split over several blocks to fill the GPU.
/// </summary>
internal sealed class ReducePlan
{
    /// <summary>Number of outputs.</summary>
    public long Outputs { get; }

    /// <summary>Elements combined into each output.</summary>
    public long Reduced { get; }

    /// <summary>True for the serial thread-per-output kernel.</summary>
    public bool ThreadPerOutput { get; }

    /// <summary>Blocks each output is split over (1: no second stage).</summary>
    public int Splits { get; }

    /// <summary>Elements each block reduces.</summary>
    public long Chunk { get; }

    /// <summary>True when indexing needs 64 bits.</summary>
    public bool Wide { get; }

    /// <summary>The kept dims (size, stride), outermost first.</summary>
    public IReadOnlyList<(long Size, long Stride)> Kept { get; }

    /// <summary>The reduced dims (size, stride), largest stride first.</summary>
    public IReadOnlyList<(long Size, long Stride)> ReducedDims { get; }

    /// <summary>Plans the reduction of a tensor of <paramref name="shape"/> and <paramref name="strides"/> into <paramref name="outputShape"/>.</summary>
    public ReducePlan(long[] shape, long[] strides, long[] outputShape, int multiprocessors, int blockSize)
    {
        var kept = new List<(long Size, long Stride)>();
        var reduced = new List<(long Size, long Stride)>();
        long outN = 1, extent = 0;
        for (int d = 0; d < shape.Length; d++)
        {
            outN *= outputShape[d];
            extent += (shape[d] - 1) * strides[d];
            if (shape[d] == 1) continue;
            if (outputShape[d] == 1) reduced.Add((shape[d], strides[d]));
            else kept.Add((shape[d], strides[d]));
        }
        reduced.Sort((p, q) => q.Stride.CompareTo(p.Stride));
        Merge(kept);
        Merge(reduced);
        long r = 1;
        foreach (var (size, _) in reduced) r *= size;
        Outputs = outN;
        Reduced = r;
        Kept = kept;
        ReducedDims = reduced;

        long innerKept = kept.Count > 0 ? kept[^1].Stride : long.MaxValue;
        long innerReduced = reduced.Count > 0 ? reduced[^1].Stride : long.MaxValue;
        ThreadPerOutput = outN >= 4096 && innerKept < innerReduced;
        Splits = 1;
        Chunk = Math.Max(r, 1);
        if (!ThreadPerOutput)
        {
            long target = (long)multiprocessors * 4;
            if (outN < target)
            {
                long wanted = (target + outN - 1) / outN;
                long useful = Math.Max(1, r / (blockSize * 4));
                long splits = Math.Min(Math.Min(wanted, useful), 65535);
                Chunk = (r + splits - 1) / splits;
                Splits = (int)((r + Chunk - 1) / Chunk);
            }
            if (outN * Splits > int.MaxValue)
                throw new NotSupportedException($"a CUDA reduction with {outN} outputs is too large for one launch");
        }
        Wide = extent > int.MaxValue || r > int.MaxValue || outN * Splits > int.MaxValue;
    }

    // Merges adjacent (size, stride) dims, outermost first, where the outer stride is the inner stride times its size.
    private static void Merge(List<(long Size, long Stride)> dims)
    {
        for (int i = dims.Count - 2; i >= 0; i--)
        {
            if (dims[i].Stride != dims[i + 1].Stride * dims[i + 1].Size) continue;
            dims[i] = (dims[i].Size * dims[i + 1].Size, dims[i + 1].Stride);
            dims.RemoveAt(i + 1);
        }
    }

    /// <summary>The first (or only) launch, over x; <paramref name="gridForThreads"/> is the grid of the serial kernel.</summary>
    public ReduceStage First(uint gridForThreads) =>
        new(ThreadPerOutput ? gridForThreads : (uint)(Outputs * Splits), Describe(Kept, ReducedDims), Outputs, Reduced, Chunk, Splits);

    /// <summary>The second launch, combining each output's <see cref="Splits"/> contiguous partial results.</summary>
    public ReduceStage Second() => new((uint)Outputs, Describe([(Outputs, Splits)], [(Splits, 1)]), Outputs, Splits, Splits, 1);

    private static unsafe ReduceGeometry Describe(IReadOnlyList<(long Size, long Stride)> kept, IReadOnlyList<(long Size, long Stride)> reduced)
    {
        if (kept.Count > CudaPrelude.MaxDims || reduced.Count > CudaPrelude.MaxDims)
            throw new NotSupportedException($"CUDA reductions index at most {CudaPrelude.MaxDims} dims");
        var g = new ReduceGeometry { KeptDims = kept.Count, ReducedDims = reduced.Count };
        for (int d = 0; d < kept.Count; d++)
        {
            g.KeptSizes[d] = kept[d].Size;
            g.KeptStrides[d] = kept[d].Stride;
        }
        for (int d = 0; d < reduced.Count; d++)
        {
            g.ReducedSizes[d] = reduced[d].Size;
            g.ReducedStrides[d] = reduced[d].Stride;
        }
        return g;
    }
}
