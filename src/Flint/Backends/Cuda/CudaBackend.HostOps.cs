namespace Flint.Backends.Cuda;

// The primitives that run on the CPU backend through a host round trip (HostRoundTrip: correct, but each call copies
// its operands' storages to the host and the changed ones back). One line per primitive; a primitive that gets a CUDA
// kernel moves out of this file.
internal sealed partial class CudaBackend
{
    // ---- index (IBackend.Index.cs); MaskedFill has a kernel (CudaBackend.cs)
    public void IndexGather(Tensor output, Tensor src, Tensor[] indices, long[] indexSizes, long[] indexStrides, bool negativeWraps,
        IndexOutOfBounds error) => Host(h => Cpu.IndexGather(h[output], h[src], h[indices], indexSizes, indexStrides, negativeWraps, error));

    public void IndexScatter(Tensor dst, Tensor values, Tensor[] indices, long[] indexSizes, long[] indexStrides, ScatterMode mode,
        bool negativeWraps, IndexOutOfBounds error) =>
        Host(h => Cpu.IndexScatter(h[dst], h[values], h[indices], indexSizes, indexStrides, mode, negativeWraps, error));

    public Tensor Nonzero(Tensor x) => Host(h => h.ToDevice(Cpu.Nonzero(h[x])));

    public void Triangle(Tensor src, Tensor dst, long diagonal, bool upper) => Host(h => Cpu.Triangle(h[src], h[dst], diagonal, upper));

    // ---- scans (IBackend.Scan.cs)
    public void Scan(ScanKind kind, Tensor x, DimLayout layout, bool reverse, Tensor output) =>
        Host(h => Cpu.Scan(kind, h[x], layout, reverse, h[output]));

    public void CumExtreme(bool max, Tensor x, DimLayout layout, Tensor values, Tensor indices) =>
        Host(h => Cpu.CumExtreme(max, h[x], layout, h[values], h[indices]));

    public void ProdOthers(Tensor x, DimLayout layout, Tensor output) => Host(h => Cpu.ProdOthers(h[x], layout, h[output]));

    public void CumprodGrad(Tensor x, Tensor grad, DimLayout layout, Tensor output) =>
        Host(h => Cpu.CumprodGrad(h[x], h[grad], layout, h[output]));

    // ---- sorting and lane reductions (IBackend.Sort.cs)
    public void ArgReduce(bool max, Tensor x, DimLayout layout, Tensor? values, Tensor indices) =>
        Host(h => Cpu.ArgReduce(max, h[x], layout, h.Optional(values), h[indices]));

    public void GatherLanes(Tensor x, DimLayout layout, Tensor index, long k, Tensor output) =>
        Host(h => Cpu.GatherLanes(h[x], layout, h[index], k, h[output]));

    public void ScatterAddLanes(Tensor src, DimLayout layout, Tensor index, long k, Tensor output) =>
        Host(h => Cpu.ScatterAddLanes(h[src], layout, h[index], k, h[output]));

    public void Sort(Tensor x, DimLayout layout, bool descending, Tensor values, Tensor indices) =>
        Host(h => Cpu.Sort(h[x], layout, descending, h[values], h[indices]));

    public void TopK(Tensor x, DimLayout layout, long k, bool largest, bool sorted, Tensor values, Tensor indices) =>
        Host(h => Cpu.TopK(h[x], layout, k, largest, sorted, h[values], h[indices]));

    public void KthValue(Tensor x, DimLayout layout, long k, Tensor values, Tensor indices) =>
        Host(h => Cpu.KthValue(h[x], layout, k, h[values], h[indices]));

    public void Median(Tensor x, DimLayout layout, bool ignoreNan, Tensor values, Tensor indices) =>
        Host(h => Cpu.Median(h[x], layout, ignoreNan, h[values], h[indices]));

    public void Mode(Tensor x, DimLayout layout, Tensor values, Tensor indices) => Host(h => Cpu.Mode(h[x], layout, h[values], h[indices]));

    public (Tensor Values, Tensor? Inverse, Tensor? Counts) Unique(Tensor x, bool consecutive, bool inverse, bool counts) =>
        Host(h =>
        {
            var (v, i, c) = Cpu.Unique(h[x], consecutive, inverse, counts);
            return (h.ToDevice(v), h.ToDeviceOptional(i), h.ToDeviceOptional(c));
        });

    public void SearchSorted(Tensor sorted, Tensor values, long rows, bool right, Tensor? sorter, Tensor output) =>
        Host(h => Cpu.SearchSorted(h[sorted], h[values], rows, right, h.Optional(sorter), h[output]));
}
