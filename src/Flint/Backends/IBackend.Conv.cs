namespace Flint.Backends;

/// <summary>
/// The sizes of one convolution with up to three spatial dims, right-aligned into (depth, height, width): a 1-D
/// convolution has depth and height 1, a 2-D one depth 1. Input [N, C, ID, IH, IW], weight [O, C / Groups, KD, KH, KW],
/// output [N, O, OD, OH, OW]. The same geometry describes unfold/fold (im2col/col2im), where O is unused.
/// </summary>
internal sealed class ConvGeometry
{
    public long N, C, O, Groups = 1;

    /// <summary>How many spatial dims the op has (1 to 3); the missing leading ones are 1.</summary>
    public int Dims = 3;
    public long ID = 1, IH = 1, IW = 1;
    public long KD = 1, KH = 1, KW = 1;
    public long OD = 1, OH = 1, OW = 1;
    public long SD = 1, SH = 1, SW = 1;
    public long PD, PH, PW;
    public long DD = 1, DH = 1, DW = 1;

    /// <summary>Input channels per group.</summary>
    public long Cg => C / Groups;

    /// <summary>Output channels per group.</summary>
    public long Og => O / Groups;

    /// <summary>Rows of the im2col matrix: the length of one output element's receptive field.</summary>
    public long K => Cg * KD * KH * KW;

    /// <summary>Output positions per channel.</summary>
    public long L => OD * OH * OW;

    /// <summary>Input positions per channel.</summary>
    public long InPlane => ID * IH * IW;

    /// <summary>True when the im2col matrix is the input itself: 1x1 kernels, stride 1, no padding.</summary>
    public bool IsPointwise => KD == 1 && KH == 1 && KW == 1 && SD == 1 && SH == 1 && SW == 1 && PD == 0 && PH == 0 && PW == 0;

    /// <summary>
    /// Builds the geometry from per-dim lists (one entry per spatial dim, 1 to 3 of them) and computes the output
    /// size <c>(in + 2 pad - dilation (k - 1) - 1) / stride + 1</c> of each dim.
    /// </summary>
    public static ConvGeometry Of(long n, long c, long o, long groups, long[] input, long[] kernel, long[] stride,
        long[] padding, long[] dilation)
    {
        var g = new ConvGeometry { N = n, C = c, O = o, Groups = groups, Dims = input.Length };
        int s = input.Length, off = 3 - s;
        var i3 = new long[] { 1, 1, 1 };
        var k3 = new long[] { 1, 1, 1 };
        var st = new long[] { 1, 1, 1 };
        var p3 = new long[3];
        var d3 = new long[] { 1, 1, 1 };
        for (int d = 0; d < s; d++)
        {
            i3[off + d] = input[d];
            k3[off + d] = kernel[d];
            st[off + d] = stride[d];
            p3[off + d] = padding[d];
            d3[off + d] = dilation[d];
        }
        (g.ID, g.IH, g.IW) = (i3[0], i3[1], i3[2]);
        (g.KD, g.KH, g.KW) = (k3[0], k3[1], k3[2]);
        (g.SD, g.SH, g.SW) = (st[0], st[1], st[2]);
        (g.PD, g.PH, g.PW) = (p3[0], p3[1], p3[2]);
        (g.DD, g.DH, g.DW) = (d3[0], d3[1], d3[2]);
        g.OD = OutSize(g.ID, g.KD, g.SD, g.PD, g.DD);
        g.OH = OutSize(g.IH, g.KH, g.SH, g.PH, g.DH);
        g.OW = OutSize(g.IW, g.KW, g.SW, g.PW, g.DW);
        return g;
    }

    /// <summary>The spatial output sizes, one per dim of the op.</summary>
    public long[] OutSizes => new[] { OD, OH, OW }[(3 - Dims)..];

    /// <summary>The spatial input sizes, one per dim of the op.</summary>
    public long[] InSizes => new[] { ID, IH, IW }[(3 - Dims)..];

    /// <summary>The output size of one dim of a convolution.</summary>
    public static long OutSize(long input, long kernel, long stride, long pad, long dilation) =>
        (input + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
}

internal partial interface IBackend
{
    /// <summary>
    /// The forward convolution (cross-correlation) <c>y = conv(x, w) + bias</c> of contiguous x [N, C, *in], w [O, C /
    /// groups, *k] and bias [O] (or null) into the contiguous y [N, O, *out], which is overwritten. Float and integer
    /// dtypes; bfloat16 accumulates in float.
    /// </summary>
    void ConvForward(Tensor x, Tensor w, Tensor? bias, Tensor y, ConvGeometry g);

    /// <summary>
    /// The input gradient of a convolution (its adjoint in x, also the forward pass of a transposed convolution):
    /// <c>gx = conv_transpose(gy, w)</c> with gy [N, O, *out], w [O, C / groups, *k] and gx [N, C, *in] contiguous;
    /// gx is overwritten (input positions no window reaches get 0).
    /// </summary>
    void ConvBackwardInput(Tensor gy, Tensor w, Tensor gx, ConvGeometry g);

    /// <summary>
    /// The weight gradient of a convolution: <c>gw[o, c, k] = Σ_n Σ_l gy[n, o, l] * x[n, c, l·s + k·d - p]</c> over
    /// contiguous x [N, C, *in] and gy [N, O, *out] into the contiguous gw [O, C / groups, *k], which is overwritten.
    /// </summary>
    void ConvBackwardWeight(Tensor x, Tensor gy, Tensor gw, ConvGeometry g);

    /// <summary>
    /// Unfold (im2col): the sliding blocks of contiguous x [N, C, *in] as the columns of col [N, C·Πk, L], contiguous,
    /// overwritten; padding positions give 0.
    /// </summary>
    void Im2Col(Tensor x, Tensor col, ConvGeometry g);

    /// <summary>Fold (col2im), the adjoint of <see cref="Im2Col"/>: sums the columns of col [N, C·Πk, L] back into x [N, C, *in], overwritten.</summary>
    void Col2Im(Tensor col, Tensor x, ConvGeometry g);
}
