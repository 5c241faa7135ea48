namespace Flint.Vision.Transforms;

/// <summary>
/// An image tensor [..., C, H, W] as float32 planes for the resampling loops of the tensor transforms, and back:
/// integer tensors are computed in float32 and rounded back (torchvision's <c>_cast_squeeze_in/_out</c>).
/// </summary>
internal sealed class Planes
{
    public Planes(Tensor img)
    {
        if (img.Dim() < 2) throw new ArgumentException($"Tensor is not a torch image.");
        Source = img;
        Lead = img.Shape.ToArray()[..^2];
        H = (int)img.Size(-2);
        W = (int)img.Size(-1);
        Count = (int)(img.Numel() / Math.Max(1L * H * W, 1));
        Data = img.To(DType.Float32).Contiguous().ToArray<float>();
    }

    public Tensor Source { get; }

    public long[] Lead { get; }

    public int H { get; }

    public int W { get; }

    public int Count { get; }

    public float[] Data { get; }

    public int Channels => Lead.Length == 0 ? 1 : (int)Lead[^1];

    /// <summary>A tensor of new planes (count x h x w) with this one's leading shape and dtype.</summary>
    public Tensor Make(float[] data, int h, int w)
    {
        var t = Torch.FromArray(data, [.. Lead, h, w]);
        if (Source.DType == DType.Float32) return t;
        if (Source.IsFloatingPoint()) return t.To(Source.DType);
        return t.Round().To(Source.DType);
    }
}

/// <summary>The resampling kernels of the tensor transforms (PyTorch's <c>interpolate</c> and <c>grid_sample</c>).</summary>
internal static class TensorResample
{
    /// <summary><c>interpolate(mode="bilinear", align_corners=False, antialias=False)</c> on planes.</summary>
    public static float[] Bilinear(Planes p, int oh, int ow)
    {
        var (y0, y1, ly) = LinearIndices(p.H, oh);
        var (x0, x1, lx) = LinearIndices(p.W, ow);
        var r = new float[p.Count * oh * ow];
        int plane = p.H * p.W;
        for (int n = 0; n < p.Count; n++)
            for (int y = 0; y < oh; y++)
            {
                int a = n * plane + y0[y] * p.W, b = n * plane + y1[y] * p.W;
                float h1 = ly[y], h0 = 1 - h1;
                for (int x = 0; x < ow; x++)
                {
                    float w1 = lx[x], w0 = 1 - w1;
                    r[(n * oh + y) * ow + x] = h0 * (w0 * p.Data[a + x0[x]] + w1 * p.Data[a + x1[x]]) +
                                               h1 * (w0 * p.Data[b + x0[x]] + w1 * p.Data[b + x1[x]]);
                }
            }
        return r;
    }

    private static (int[] I0, int[] I1, float[] Lambda) LinearIndices(int inSize, int outSize)
    {
        float scale = (float)inSize / outSize;
        var i0 = new int[outSize];
        var i1 = new int[outSize];
        var l = new float[outSize];
        for (int d = 0; d < outSize; d++)
        {
            float src = scale * (d + 0.5f) - 0.5f;
            if (src < 0) src = 0;
            int k = (int)src;
            i0[d] = k;
            i1[d] = k + (k < inSize - 1 ? 1 : 0);
            l[d] = Math.Clamp(src - k, 0f, 1f);
        }
        return (i0, i1, l);
    }

    /// <summary><c>interpolate(mode="bilinear", antialias=True)</c>: separable, support widened by the scale.</summary>
    public static float[] BilinearAntialias(Planes p, int oh, int ow)
    {
        var tmp = new float[p.Count * p.H * ow];
        var (xb, xw, xk) = AaWeights(p.W, ow);
        for (int row = 0; row < p.Count * p.H; row++)
            for (int x = 0; x < ow; x++)
            {
                float s = 0;
                int xmin = xb[2 * x], n = xb[2 * x + 1];
                for (int j = 0; j < n; j++) s += xw[x * xk + j] * p.Data[row * p.W + xmin + j];
                tmp[row * ow + x] = s;
            }
        var r = new float[p.Count * oh * ow];
        var (yb, yw, yk) = AaWeights(p.H, oh);
        for (int c = 0; c < p.Count; c++)
            for (int y = 0; y < oh; y++)
            {
                int ymin = yb[2 * y], n = yb[2 * y + 1];
                for (int x = 0; x < ow; x++)
                {
                    float s = 0;
                    for (int j = 0; j < n; j++) s += yw[y * yk + j] * tmp[(c * p.H + ymin + j) * ow + x];
                    r[(c * oh + y) * ow + x] = s;
                }
            }
        return r;
    }

    private static (int[] Bounds, float[] Weights, int K) AaWeights(int inSize, int outSize)
    {
        float scale = (float)inSize / outSize;
        float support = scale >= 1 ? scale : 1f;
        float invscale = scale >= 1 ? 1f / scale : 1f;
        int k = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var w = new float[outSize * k];
        for (int i = 0; i < outSize; i++)
        {
            float center = scale * (i + 0.5f);
            int xmin = Math.Max((int)(center - support + 0.5f), 0);
            int n = Math.Min((int)(center + support + 0.5f), inSize) - xmin;
            float total = 0;
            for (int j = 0; j < n; j++)
            {
                float x = Math.Abs((j + xmin - center + 0.5f) * invscale);
                float v = x < 1 ? 1 - x : 0;
                w[i * k + j] = v;
                total += v;
            }
            if (total != 0) for (int j = 0; j < n; j++) w[i * k + j] /= total;
            bounds[2 * i] = xmin;
            bounds[2 * i + 1] = n;
        }
        return (bounds, w, k);
    }

    /// <summary><c>interpolate(mode="nearest")</c>: source index <c>min(floor(dst * in / out), in - 1)</c>.</summary>
    public static float[] Nearest(Planes p, int oh, int ow)
    {
        var ys = NearestIndices(p.H, oh);
        var xs = NearestIndices(p.W, ow);
        var r = new float[p.Count * oh * ow];
        for (int n = 0; n < p.Count; n++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                    r[(n * oh + y) * ow + x] = p.Data[(n * p.H + ys[y]) * p.W + xs[x]];
        return r;
    }

    private static int[] NearestIndices(int inSize, int outSize)
    {
        var r = new int[outSize];
        float scale = (float)inSize / outSize;
        for (int d = 0; d < outSize; d++)
            r[d] = outSize == inSize ? d : outSize == 2 * inSize ? d >> 1 : Math.Min((int)(d * scale), inSize - 1);
        return r;
    }

    /// <summary>
    /// torchvision's tensor affine path: <c>_gen_affine_grid</c> from the inverse matrix, then <c>grid_sample</c>
    /// (zeros padding, align_corners=False) with a mask channel so that outside pixels take <paramref name="fill"/>.
    /// </summary>
    public static float[] Affine(Planes p, double[] matrix, int oh, int ow, InterpolationMode mode, float[]? fill)
    {
        int w = p.W, h = p.H;
        var theta = matrix.Select(v => (float)v).ToArray();
        // rescaled_theta = theta^T / [0.5 w, 0.5 h]
        float hw = 0.5f * w, hh = 0.5f * h;
        float r00 = theta[0] / hw, r10 = theta[1] / hw, r20 = theta[2] / hw;
        float r01 = theta[3] / hh, r11 = theta[4] / hh, r21 = theta[5] / hh;
        var xg = Torch.Linspace(-ow * 0.5 + 0.5, ow * 0.5 + 0.5 - 1, ow).ToArray<float>();
        var yg = Torch.Linspace(-oh * 0.5 + 0.5, oh * 0.5 + 0.5 - 1, oh).ToArray<float>();
        var r = new float[p.Count * oh * ow];
        int channels = p.Channels;
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                float gx = xg[x] * r00 + yg[y] * r10 + r20;
                float gy = xg[x] * r01 + yg[y] * r11 + r21;
                float ix = ((gx + 1) * w - 1) / 2, iy = ((gy + 1) * h - 1) / 2;
                for (int n = 0; n < p.Count; n++)
                {
                    int plane = n * h * w;
                    float v, m;
                    if (mode == InterpolationMode.Nearest)
                    {
                        int nx = (int)MathF.Round(ix, MidpointRounding.ToEven), ny = (int)MathF.Round(iy, MidpointRounding.ToEven);
                        bool inside = nx >= 0 && nx < w && ny >= 0 && ny < h;
                        v = inside ? p.Data[plane + ny * w + nx] : 0;
                        m = inside ? 1 : 0;
                    }
                    else
                    {
                        int x0 = (int)MathF.Floor(ix), y0 = (int)MathF.Floor(iy);
                        float tx = ix - x0, ty = iy - y0;
                        float Get(int yy, int xx) => xx >= 0 && xx < w && yy >= 0 && yy < h ? p.Data[plane + yy * w + xx] : 0;
                        float In(int yy, int xx) => xx >= 0 && xx < w && yy >= 0 && yy < h ? 1 : 0;
                        float nw = (1 - tx) * (1 - ty), ne = tx * (1 - ty), sw = (1 - tx) * ty, se = tx * ty;
                        v = Get(y0, x0) * nw + Get(y0, x0 + 1) * ne + Get(y0 + 1, x0) * sw + Get(y0 + 1, x0 + 1) * se;
                        m = In(y0, x0) * nw + In(y0, x0 + 1) * ne + In(y0 + 1, x0) * sw + In(y0 + 1, x0 + 1) * se;
                    }
                    if (fill is not null)
                    {
                        float f = fill.Length == 1 ? fill[0] : fill[n % channels];
                        v = mode == InterpolationMode.Nearest ? (m < 0.5f ? f : v) : v * m + (1.0f - m) * f;
                    }
                    r[(n * oh + y) * ow + x] = v;
                }
            }
        return r;
    }
}
