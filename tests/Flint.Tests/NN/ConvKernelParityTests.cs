using Flint.Backends.Cpu;
using Flint.Tests.Parity;

namespace Flint.Tests.NN;

/// <summary>
/// The CPU convolution kernel paths (direct few-channel kernels, the channels-in-lanes forward and weight gradient) against
/// tests/parity/nn_conv_kernels.py (PyTorch 1.13): outputs and input, weight and bias gradients on shapes that reach
/// each path with odd sizes, tails, strides, padding, dilation, groups and thread splits.
/// </summary>
public class ConvKernelParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("nn_conv_kernels");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("nn_conv_kernels", id, ConvParityTests.Op);

    public static IEnumerable<object[]> StridedCases => Cases.Where(c => ((string)c[0]).StartsWith("stride", StringComparison.Ordinal));

    /// <summary>The strided layers' im2col and col2im (or spread) one band of a single output row at a time.</summary>
    [Theory]
    [MemberData(nameof(StridedCases))]
    public void StridedLayersInRowBands(string id) =>
        RunWithTilesOfOneByte(id, v => CpuBackend.ImageTileBytes = v, CpuBackend.DefaultImageTileBytes);

    public static IEnumerable<object[]> SmallPlaneCases => Cases.Where(c => ((string)c[0]).StartsWith("small_plane", StringComparison.Ordinal));

    /// <summary>The small-plane layers on tiles of one image each: the weight gradient then sums over several tiles.</summary>
    [Theory]
    [MemberData(nameof(SmallPlaneCases))]
    public void SmallPlanesInOneImageTiles(string id) =>
        RunWithTilesOfOneByte(id, v => CpuBackend.BatchTileBytes = v, CpuBackend.DefaultBatchTileBytes);

    public static IEnumerable<object[]> WinogradCases => Cases.Where(c => ((string)c[0]).StartsWith("winograd", StringComparison.Ordinal));

    /// <summary>
    /// The Winograd layers' weight gradients however few their tiles, summed over blocks of 32 tiles (the forward and
    /// input gradient take them at any size).
    /// </summary>
    [Theory]
    [MemberData(nameof(WinogradCases))]
    public void WinogradWeightGradientsInBlocksOf32Tiles(string id)
    {
        WinogradConvKernels.WeightMinTiles = 1;
        WinogradConvKernels.WeightBlockBytes = 1;
        try
        {
            ParityRunner.Run("nn_conv_kernels", id, ConvParityTests.Op);
        }
        finally
        {
            WinogradConvKernels.WeightMinTiles = WinogradConvKernels.DefaultWeightMinTiles;
            WinogradConvKernels.WeightBlockBytes = WinogradConvKernels.DefaultWeightBlockBytes;
        }
    }

    public static IEnumerable<object[]> PositionCases => Cases.Where(c =>
        ((string)c[0]).StartsWith("spread_rows", StringComparison.Ordinal) || ((string)c[0]).StartsWith("small_plane", StringComparison.Ordinal));

    /// <summary>
    /// The layers whose GEMM's rows are positions or im2col rows, with every product split over two threads: the work
    /// fused into the GEMM (the fold, the transpose into y) then runs on both, on blocks that may cut images between
    /// them, and the spread after it reads rows both threads wrote.
    /// </summary>
    [Theory]
    [MemberData(nameof(PositionCases))]
    public void PositionLayersOnTwoThreads(string id)
    {
        int saved = Torch.GetNumThreads();
        Torch.SetNumThreads(2);
        GemmDriver.ParallelGrain = 1;
        try
        {
            ParityRunner.Run("nn_conv_kernels", id, ConvParityTests.Op);
        }
        finally
        {
            GemmDriver.ParallelGrain = GemmDriver.DefaultParallelGrain;
            Torch.SetNumThreads(saved);
        }
    }

    // Runs a case with a tile budget (set through `setTileBytes`) of one byte, the fewest images or rows per tile.
    private static void RunWithTilesOfOneByte(string id, Action<long> setTileBytes, long defaultBytes)
    {
        setTileBytes(1);
        try
        {
            ParityRunner.Run("nn_conv_kernels", id, ConvParityTests.Op);
        }
        finally
        {
            setTileBytes(defaultBytes);
        }
    }
}
