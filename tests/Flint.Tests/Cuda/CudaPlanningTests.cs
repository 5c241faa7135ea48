using Flint.Backends.Cuda;
using Flint.Backends.Cuda.Native;

namespace Flint.Tests.Gpu;

/// <summary>The host-side decisions of the CUDA backend that need no GPU: loop plans, cuBLAS layouts, NVRTC targets.</summary>
public class CudaPlanningTests
{
    [Fact]
    public void ContiguousOperandsCollapseToOneDim()
    {
        var p = ElementwisePlan.Of([2, 3, 4], [12, 4, 1], [12, 4, 1]);
        Assert.Equal([24L], p.Sizes);
        Assert.Equal([OperandLayout.Contiguous, OperandLayout.Contiguous], p.Layouts);
        Assert.Equal("cc/0/32", p.VariantKey);
    }

    [Fact]
    public void BroadcastNumbersAreScalarsAndTransposesAreStrided()
    {
        var p = ElementwisePlan.Of([4, 5], [5, 1], [1, 4], [0, 0]);
        Assert.Equal([4L, 5L], p.Sizes);
        Assert.Equal([OperandLayout.Contiguous, OperandLayout.Strided, OperandLayout.Scalar], p.Layouts);
        Assert.Equal([1L, 4L], p.Strides[1]);
        Assert.Equal(2, p.CompiledDims);
        Assert.Equal("cgs/2/32", p.VariantKey);
    }

    [Fact]
    public void DimsOfSizeOneDropAndMergeableDimsMerge()
    {
        // [2, 1, 3, 4] with a row broadcast along dim 0: dims 2 and 3 merge, dim 1 drops.
        var p = ElementwisePlan.Of([2, 1, 3, 4], [12, 12, 4, 1], [0, 99, 4, 1]);
        Assert.Equal([2L, 12L], p.Sizes);
        Assert.Equal([0L, 1L], p.Strides[1]);
        Assert.Equal(OperandLayout.Strided, p.Layouts[1]);
    }

    [Fact]
    public void ManyDimsReadTheirCountAtRunTimeAndLargeOffsetsNeed64Bits()
    {
        var p = ElementwisePlan.Of([2, 2, 2, 2, 2], [16, 8, 4, 2, 1], [1, 2, 4, 8, 16]);
        Assert.Equal(-1, p.CompiledDims);
        Assert.False(p.Wide);
        var wide = ElementwisePlan.Of([3, 2], [2, 1], [1L << 31, 1]);
        Assert.True(wide.Wide);
        Assert.EndsWith("/64", wide.VariantKey);
        Assert.True(ElementwisePlan.Of([1L << 31], [1]).Wide);
    }

    [Fact]
    public void EmptyAndSingleElementLoops()
    {
        Assert.Equal(0, ElementwisePlan.Of([3, 0], [0, 1], [1, 1]).Numel);
        var one = ElementwisePlan.Of([1, 1], [5, 7], [0, 0]);
        Assert.Equal(1, one.Numel);
        Assert.All(one.Layouts, l => Assert.Equal(OperandLayout.Contiguous, l));
    }

    [Theory]
    // rows, cols, row stride, col stride -> op, ld  (column-major: op N reads element (i, j) at i + j * ld)
    [InlineData(4, 3, 1, 4, CublasApi.OpN, 4)]    // column-major
    [InlineData(4, 3, 5, 1, CublasApi.OpT, 5)]    // row-major with padding
    [InlineData(4, 3, 1, 6, CublasApi.OpN, 6)]    // column-major with padding
    [InlineData(1, 3, 9, 1, CublasApi.OpN, 1)]    // one row: its stride does not matter (a 1 x 3 column-major matrix)
    [InlineData(4, 1, 1, 0, CublasApi.OpN, 4)]    // one column
    [InlineData(1, 1, 7, 7, CublasApi.OpN, 1)]
    public void MatricesMapOntoColumnMajorOperands(long rows, long cols, long rs, long cs, int op, long ld) =>
        Assert.Equal(new BlasOperand(op, ld), CudaBackend.Resolve(rows, cols, rs, cs));

    [Theory]
    [InlineData(4, 3, 3, 3)]   // overlapping rows
    [InlineData(4, 3, 0, 1)]   // rows broadcast
    [InlineData(4, 3, 2, 8)]   // neither dim unit-strided
    [InlineData(4, 3, 1, 2)]   // column-major but the leading dim is below the row count
    public void LayoutsCuBlasCannotReadAreRefused(long rows, long cols, long rs, long cs) =>
        Assert.Null(CudaBackend.Resolve(rows, cols, rs, cs));

    [Fact]
    public void NvrtcTargetsTheDeviceOrTheNewestArchitectureBelowIt()
    {
        int[] supported = [50, 52, 60, 61, 70, 75, 80, 86, 87, 89, 90];
        Assert.Equal(("sm_86", true), KernelCompiler.Target(86, supported, canEmitCubin: true));
        Assert.Equal(("compute_86", false), KernelCompiler.Target(86, supported, canEmitCubin: false));
        Assert.Equal(("compute_90", false), KernelCompiler.Target(100, supported, canEmitCubin: true));
        Assert.Equal(("compute_75", false), KernelCompiler.Target(77, supported, canEmitCubin: true));
        Assert.Equal(("compute_86", false), KernelCompiler.Target(86, [], canEmitCubin: true));
        var e = Assert.Throws<InvalidOperationException>(() => KernelCompiler.Target(35, supported, canEmitCubin: true));
        Assert.Contains("sm_35", e.Message);
    }

    [Fact]
    public void KernelCacheFolderFollowsTheEnvironment()
    {
        var old = Environment.GetEnvironmentVariable("FLINT_CUDA_CACHE");
        try
        {
            Environment.SetEnvironmentVariable("FLINT_CUDA_CACHE", "/tmp/flint-kernels");
            Assert.Equal("/tmp/flint-kernels", KernelCompiler.CacheFolder());
            Environment.SetEnvironmentVariable("FLINT_CUDA_CACHE", null);
            Assert.EndsWith(Path.Combine("flint", "cuda"), KernelCompiler.CacheFolder());
        }
        finally
        {
            Environment.SetEnvironmentVariable("FLINT_CUDA_CACHE", old);
        }
    }
}
