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

    // ---- convolution (IBackend.Conv.cs)
    public void ConvForward(Tensor x, Tensor w, Tensor? bias, Tensor y, ConvGeometry g) =>
        Host(h => Cpu.ConvForward(h[x], h[w], h.Optional(bias), h[y], g));

    public void ConvBackwardInput(Tensor gy, Tensor w, Tensor gx, ConvGeometry g) => Host(h => Cpu.ConvBackwardInput(h[gy], h[w], h[gx], g));

    public void ConvBackwardWeight(Tensor x, Tensor gy, Tensor gw, ConvGeometry g) => Host(h => Cpu.ConvBackwardWeight(h[x], h[gy], h[gw], g));

    public void Im2Col(Tensor x, Tensor col, ConvGeometry g) => Host(h => Cpu.Im2Col(h[x], h[col], g));

    public void Col2Im(Tensor col, Tensor x, ConvGeometry g) => Host(h => Cpu.Col2Im(h[col], h[x], g));

    // ---- pooling (IBackend.Pool.cs)
    public void MaxPool2d(Tensor x, Tensor y, Tensor indices, PoolGeometry g) => Host(h => Cpu.MaxPool2d(h[x], h[y], h[indices], g));

    public void MaxPool2dBackward(Tensor gy, Tensor indices, Tensor gx, PoolGeometry g, Func<long, Exception> outOfRange) =>
        Host(h => Cpu.MaxPool2dBackward(h[gy], h[indices], h[gx], g, outOfRange));

    public void AvgPool2d(Tensor x, Tensor y, PoolGeometry g) => Host(h => Cpu.AvgPool2d(h[x], h[y], g));

    public void AvgPool2dBackward(Tensor gy, Tensor gx, PoolGeometry g) => Host(h => Cpu.AvgPool2dBackward(h[gy], h[gx], g));

    public void AdaptiveAvgPool2d(Tensor x, Tensor y, PoolGeometry g) => Host(h => Cpu.AdaptiveAvgPool2d(h[x], h[y], g));

    public void AdaptiveAvgPool2dBackward(Tensor gy, Tensor gx, PoolGeometry g) => Host(h => Cpu.AdaptiveAvgPool2dBackward(h[gy], h[gx], g));

    public void AdaptiveMaxPool2d(Tensor x, Tensor y, Tensor indices, PoolGeometry g) =>
        Host(h => Cpu.AdaptiveMaxPool2d(h[x], h[y], h[indices], g));

    public void PlaneGather(Tensor src, Tensor index, Tensor dst, Func<long, Exception> outOfRange) =>
        Host(h => Cpu.PlaneGather(h[src], h[index], h[dst], outOfRange));

    public void PlaneScatter(Tensor src, Tensor index, Tensor dst, bool accumulate, Func<long, Exception> outOfRange) =>
        Host(h => Cpu.PlaneScatter(h[src], h[index], h[dst], accumulate, outOfRange));

    // ---- resampling (IBackend.Resample.cs)
    public void GatherMapped(Tensor x, Tensor y, long[][] maps) => Host(h => Cpu.GatherMapped(h[x], h[y], maps));

    public void ScatterMapped(Tensor gy, Tensor gx, long[][] maps) => Host(h => Cpu.ScatterMapped(h[gy], h[gx], maps));

    public void Interpolate(Tensor x, Tensor y, LinearMap[] maps) => Host(h => Cpu.Interpolate(h[x], h[y], maps));

    public void InterpolateBackward(Tensor gy, Tensor gx, LinearMap[] maps) => Host(h => Cpu.InterpolateBackward(h[gy], h[gx], maps));

    // ---- normalisation (IBackend.Norm.cs)
    public void NormStats(Tensor x, Tensor mean, Tensor var, ChannelMap? map = null) =>
        Host(h => Cpu.NormStats(h[x], h[mean], h[var], map is null ? null : map with { Output = h[map.Output] }));

    public void NormSums(Tensor dy, Tensor x, Tensor? mean, Tensor sumDy, Tensor sumDyX) =>
        Host(h => Cpu.NormSums(h[dy], h[x], h.Optional(mean), h[sumDy], h[sumDyX]));

    public void ChannelAffine(Tensor a, Tensor? b, Tensor ca, Tensor? cb, Tensor cc, Tensor y) =>
        Host(h => Cpu.ChannelAffine(h[a], h.Optional(b), h[ca], h.Optional(cb), h[cc], h[y]));

    public void LayerNorm(Tensor x, Tensor? weight, Tensor? bias, double eps, Tensor y, Tensor mean, Tensor rstd) =>
        Host(h => Cpu.LayerNorm(h[x], h.Optional(weight), h.Optional(bias), eps, h[y], h[mean], h[rstd]));

    public void LayerNormBackward(Tensor dy, Tensor x, Tensor mean, Tensor rstd, Tensor? weight, Tensor? dx, Tensor? dweight, Tensor? dbias) =>
        Host(h => Cpu.LayerNormBackward(h[dy], h[x], h[mean], h[rstd], h.Optional(weight), h.Optional(dx), h.Optional(dweight), h.Optional(dbias)));

    // ---- softmax (IBackend.Softmax.cs)
    public void Softmax(Tensor x, Tensor y, int dim, bool log) => Host(h => Cpu.Softmax(h[x], h[y], dim, log));

    public void SoftmaxBackward(Tensor grad, Tensor output, Tensor gradInput, int dim, bool log) =>
        Host(h => Cpu.SoftmaxBackward(h[grad], h[output], h[gradInput], dim, log));

    // ---- losses (IBackend.Loss.cs)
    public void MultilabelMarginLoss(Tensor input, Tensor target, Tensor loss, Tensor? gradient) =>
        Host(h => Cpu.MultilabelMarginLoss(h[input], h[target], h[loss], h.Optional(gradient)));

    public void CtcLoss(Tensor logProbs, Tensor targets, CtcLayout layout, Tensor negLogLikelihood, Tensor logAlpha) =>
        Host(h => Cpu.CtcLoss(h[logProbs], h[targets], layout, h[negLogLikelihood], h[logAlpha]));

    public void CtcLossBackward(Tensor gradOut, Tensor logProbs, Tensor targets, CtcLayout layout, Tensor negLogLikelihood,
        Tensor logAlpha, bool zeroInfinity, Tensor grad) =>
        Host(h => Cpu.CtcLossBackward(h[gradOut], h[logProbs], h[targets], layout, h[negLogLikelihood], h[logAlpha], zeroInfinity, h[grad]));

    // The recurrent layers take their op-built path off the CPU; these fused cells serve a direct call.
    public void LstmCell(Tensor gates, Tensor cPrev, Tensor c, Tensor h) => Host(x => Cpu.LstmCell(x[gates], x[cPrev], x[c], x[h]));

    public void LstmCellBackward(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates, Tensor dcPrev) =>
        Host(x => Cpu.LstmCellBackward(x[gates], x[cPrev], x[c], x[dh], x[dc], x[dGates], x[dcPrev]));

    public void GruCell(Tensor inputGates, Tensor hiddenGates, Tensor? hiddenBias, Tensor hPrev, Tensor gates, Tensor h) =>
        Host(x => Cpu.GruCell(x[inputGates], x[hiddenGates], x.Optional(hiddenBias), x[hPrev], x[gates], x[h]));

    public void GruCellBackward(Tensor gates, Tensor hiddenGates, Tensor hPrev, Tensor dh, Tensor dInputGates, Tensor dHiddenGates,
        Tensor dhPrev) =>
        Host(x => Cpu.GruCellBackward(x[gates], x[hiddenGates], x[hPrev], x[dh], x[dInputGates], x[dHiddenGates], x[dhPrev]));

    public void RnnCell(Tensor pre, Tensor h, bool relu) => Host(x => Cpu.RnnCell(x[pre], x[h], relu));

    public void RnnCellBackward(Tensor h, Tensor dh, Tensor dPre, bool relu) => Host(x => Cpu.RnnCellBackward(x[h], x[dh], x[dPre], relu));
}
