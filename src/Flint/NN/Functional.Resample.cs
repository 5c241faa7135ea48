using Flint.Autograd;
using Flint.Backends;

namespace Flint.NN;

public static partial class Functional
{
    /// <summary>
    /// Pads the last dims of <paramref name="input"/> (<c>F.pad(input, pad, mode="constant", value=None)</c>): pad lists
    /// (left, right) amounts starting from the last dim. "constant" takes any number of dims and negative amounts
    /// (cropping); "reflect", "replicate" and "circular" pad the last 1, 2 or 3 dims of a batched or unbatched input.
    /// </summary>
    public static Tensor Pad(Tensor input, long[] pad, string mode = "constant", double? value = null)
    {
        if (mode is not ("constant" or "reflect" or "replicate" or "circular"))
            throw new NotSupportedException($"Unrecognised padding mode {mode}");
        if (pad.Length % 2 != 0) throw new ArgumentException("Padding length must be divisible by 2");
        if (pad.Length > input.Dim() * 2) throw new ArgumentException("Padding length too large");
        if (mode == "constant") return Padding.Constant(input, pad, value ?? 0);
        if (value is { } v && v != 0) throw new ArgumentException($"Padding mode \"{mode}\" doesn't take in value argument");
        int dims = pad.Length / 2, d = input.Dim();
        if (dims is < 1 or > 3 || (d != dims + 1 && d != dims + 2))
            throw new NotSupportedException("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
        return mode == "circular" ? Padding.Circular(input, pad) : Padding.Mapped(input, pad, mode == "reflect");
    }

    /// <summary>
    /// Resizes the spatial dims (<c>F.interpolate(input, size=None, scale_factor=None, mode="nearest",
    /// align_corners=None, recompute_scale_factor=None)</c>): modes "nearest", "nearest-exact", "linear" (3-D input),
    /// "bilinear" (4-D), "trilinear" (5-D) and "area" (adaptive average pooling; 1-D and 2-D); give exactly one of size and scaleFactor.
    /// "bicubic" and antialias are not available.
    /// </summary>
    public static Tensor Interpolate(Tensor input, IntTuple size = default, FloatTuple scaleFactor = default, string mode = "nearest",
        bool? alignCorners = null, bool? recomputeScaleFactor = null) =>
        Resampling.Interpolate(input, size, scaleFactor, mode, alignCorners, recomputeScaleFactor);

    /// <summary>
    /// Rearranges [*, C·r², H, W] into [*, C, H·r, W·r] (<c>F.pixel_shuffle(input, upscale_factor)</c>), the
    /// sub-pixel convolution's upsampling step.
    /// </summary>
    public static Tensor PixelShuffle(Tensor input, long upscaleFactor) => Resampling.PixelShuffle(input, upscaleFactor);

    /// <summary>The inverse of <see cref="PixelShuffle"/>: [*, C, H·r, W·r] into [*, C·r², H, W] (<c>F.pixel_unshuffle(input, downscale_factor)</c>).</summary>
    public static Tensor PixelUnshuffle(Tensor input, long downscaleFactor) => Resampling.PixelUnshuffle(input, downscaleFactor);
}

/// <summary>The padding ops: constant (any dims), index-mapped reflect/replicate, and circular as PyTorch composes it.</summary>
internal static class Padding
{
    /// <summary>ATen's constant_pad_nd: negative amounts crop; records <c>ConstantPadNdBackward0</c> (backward: the opposite pad).</summary>
    public static Tensor Constant(Tensor x, long[] pad, double value)
    {
        int lInp = x.Dim(), lPad = pad.Length / 2, lDiff = lInp - lPad;
        Tensor y;
        using (Torch.NoGrad())
        {
            var c = x;
            bool allNonPositive = true;
            for (int i = lDiff; i < lInp; i++)
            {
                int idx = 2 * (lInp - i - 1);
                if (pad[idx] < 0) c = c.Narrow(i, -pad[idx], c.shape[i] + pad[idx]);
                else if (pad[idx] != 0) allNonPositive = false;
                if (pad[idx + 1] < 0) c = c.Narrow(i, 0, c.shape[i] + pad[idx + 1]);
                else if (pad[idx + 1] != 0) allNonPositive = false;
            }
            if (allNonPositive) y = c.Clone();
            else
            {
                var shape = (long[])x.shape.Clone();
                for (int i = 0; i < lPad; i++)
                {
                    int idx = pad.Length - (i + 1) * 2;
                    long size = x.shape[lDiff + i], n = size + pad[idx] + pad[idx + 1];
                    if (n <= 0)
                        throw new ArgumentException(
                            $"The input size {size}, plus negative padding {pad[idx]} and {pad[idx + 1]} resulted in a negative output size, " +
                            $"which is invalid. Check dimension {lDiff + i} of your input.");
                    shape[lDiff + i] = n;
                }
                y = Tensor.Allocate(shape, x.dtype, x.Device);
                y.Backend.Fill(y, x.dtype.IsFloatingPoint() ? value : x.dtype == DType.Bool ? value != 0 : (long)value);
                var o = y;
                for (int i = lDiff; i < lInp; i++)
                {
                    int idx = 2 * (lInp - i - 1);
                    if (pad[idx] > 0) o = o.Narrow(i, pad[idx], o.shape[i] - pad[idx]);
                    if (pad[idx + 1] > 0) o = o.Narrow(i, 0, o.shape[i] - pad[idx + 1]);
                }
                o.Copy_(c);
            }
        }
        if (Graph.Needs(x))
        {
            var negated = pad.Select(v => -v).ToArray();
            Graph.Record(y, "ConstantPadNdBackward0", [x], [], n => [Constant(n.Grad, negated, 0)]);
        }
        return y;
    }

    /// <summary>PyTorch's _pad_circular: the input copied into the middle, then wrapped slices copied to the edges (CopySlices history).</summary>
    public static Tensor Circular(Tensor x, long[] pad)
    {
        int ndim = x.Dim() - 2;
        if (pad.Length + 4 != x.Dim() * 2)
            throw new ArgumentException($"Invalid padding size, expected {ndim * 2} but got {pad.Length}");
        var outShape = (long[])x.shape.Clone();
        for (int i = 0; i < ndim; i++)
        {
            long l = pad[2 * (ndim - i - 1)], r = pad[2 * (ndim - i - 1) + 1], size = x.shape[2 + i];
            outShape[2 + i] = size + l + r;
            if (l > size || r > size) throw new ArgumentException("Padding value causes wrapping around more than once.");
            if (outShape[2 + i] < 0) throw new ArgumentException("Negative padding value is resulting in an empty dimension");
        }
        var y = Torch.Empty(new Size(outShape), x.dtype, x.Device);
        Tensor outSlice = y, inSlice = x;
        for (int i = 0; i < ndim; i++)
        {
            int dim = ndim - i + 1;
            long l = pad[2 * i], r = pad[2 * i + 1];
            outSlice = outSlice.Slice(dim, Math.Max(l, 0), outShape[dim] - Math.Max(r, 0));
            inSlice = inSlice.Slice(dim, Math.Max(-l, 0), x.shape[dim] - Math.Max(-r, 0));
        }
        outSlice.Copy_(inSlice);
        for (int i = 0; i < ndim; i++)
        {
            int dim = ndim - i + 1;
            long l = pad[2 * i], r = pad[2 * i + 1];
            if (l > 0)
                y.Slice(dim, 0, l).Copy_(y.Slice(dim, outShape[dim] - l - Math.Max(r, 0), outShape[dim] - Math.Max(r, 0)));
            if (r > 0)
                y.Slice(dim, outShape[dim] - r, outShape[dim]).Copy_(y.Slice(dim, Math.Max(l, 0), Math.Max(l, 0) + r));
        }
        return y;
    }

    /// <summary>Reflection or replication padding of the last 1-3 dims through index maps.</summary>
    public static Tensor Mapped(Tensor x, long[] pad, bool reflect)
    {
        int dims = pad.Length / 2, d = x.Dim();
        string kind = reflect ? "Reflection" : "Replication";
        var spatial = x.shape[(d - dims)..];
        bool batched = d == dims + 2, legacy = reflect && dims < 3;
        var checkedDims = batched || legacy ? x.shape[1..] : x.shape;
        if (checkedDims.Any(v => v == 0))
        {
            if (legacy)
                throw new ArgumentException(
                    $"{dims + 1}D or {dims + 2}D (batch mode) tensor expected for input, but got: [ {x.dtype.TensorTypeName()}{{{string.Join(",", x.shape)}}} ]");
            throw new ArgumentException(
                $"Expected {dims + 1}D or {dims + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {Shapes.Format(x.shape)}");
        }
        string[] names = ["W", "H", "D"];
        if (reflect)
            for (int i = 0; i < dims; i++)
            {
                long l = pad[2 * i], r = pad[2 * i + 1], size = spatial[dims - 1 - i];
                if (l >= size || r >= size)
                    throw new ArgumentException(
                        $"Argument #{4 + 2 * i}: Padding size should be less than the corresponding input dimension, but got: padding ({l}, {r}) " +
                        $"at dimension {d - 1 - i} of input {(dims == 2 ? d.ToString() : Shapes.Format(x.shape))}");
            }
        var outSpatial = new long[dims];
        for (int i = 0; i < dims; i++) outSpatial[dims - 1 - i] = spatial[dims - 1 - i] + pad[2 * i] + pad[2 * i + 1];
        if (outSpatial.Any(v => v < 1))
        {
            var order = Enumerable.Range(0, dims).Select(i => names[dims - 1 - i]).ToArray();
            throw new ArgumentException(
                $"input ({string.Join(", ", order.Select((n, i) => $"{n}: {spatial[i]}"))}) is too small. Calculated output " +
                string.Join(" ", order.Select((n, i) => $"{n}: {outSpatial[i]}")));
        }
        bool supported = x.dtype is DType.Float32 or DType.Float64 || (reflect && dims == 3 && x.dtype is DType.Float16 or DType.BFloat16);
        if (!supported)
            throw new NotSupportedException(
                $"\"{(reflect ? "reflection" : "replication")}_pad{dims}d{(reflect ? "" : "_cpu")}\" not implemented for '{x.dtype.ScalarTypeName()}'");
        var maps = new long[3][];
        for (int k = 0; k < 3; k++) maps[k] = [0];
        for (int i = 0; i < dims; i++)
        {
            long size = spatial[dims - 1 - i], l = pad[2 * i];
            var m = new long[outSpatial[dims - 1 - i]];
            for (long o = 0; o < m.Length; o++)
            {
                long j = o - l;
                if (reflect)
                {
                    if (j < 0) j = -j;
                    if (j >= size) j = 2 * (size - 1) - j;
                }
                else j = Math.Clamp(j, 0, size - 1);
                m[o] = j;
            }
            maps[2 - i] = m;
        }
        return Resampling.Gather(x, maps, dims, [.. x.shape[..(d - dims)], .. outSpatial], $"{kind}Pad{dims}DBackward0",
            $"{kind}Pad{dims}DBackwardBackward0");
    }
}

/// <summary>Interpolation, nearest and linear upsampling, pixel shuffles: checks, index maps, backend calls, derivatives.</summary>
internal static class Resampling
{
    /// <summary>[P, D, H, W] views of a contiguous tensor whose last <paramref name="dims"/> dims are spatial.</summary>
    private static Tensor As4d(Tensor contiguous, int dims)
    {
        var s = contiguous.shape;
        long[] sp = [1, 1, 1];
        for (int i = 0; i < dims; i++) sp[3 - dims + i] = s[s.Length - dims + i];
        long planes = 1;
        for (int i = 0; i < s.Length - dims; i++) planes *= s[i];
        return LinearOp.Raw(contiguous, planes, sp[0], sp[1], sp[2]);
    }

    /// <summary>y = x gathered through per-dim maps (nearest, reflect, replicate), recording <paramref name="name"/>; adjoint: scatter-add.</summary>
    public static Tensor Gather(Tensor x, long[][] maps, int dims, long[] outShape, string name, string adjointName)
    {
        var inShape = x.shape;
        return LinearOp.Apply(x, [], t =>
        {
            var y = Tensor.Allocate((long[])outShape.Clone(), t.dtype, t.Device);
            if (y.Numel() > 0) t.Backend.GatherMapped(As4d(t.Contiguous(), dims), As4d(y, dims), maps);
            return y;
        }, name, (g, _) => Scatter(g, maps, dims, inShape, adjointName, name));
    }

    private static Tensor Scatter(Tensor gy, long[][] maps, int dims, long[] inShape, string name, string adjointName)
    {
        var outShape = gy.shape;
        return LinearOp.Apply(gy, [], t =>
        {
            var gx = Tensor.Allocate((long[])inShape.Clone(), t.dtype, t.Device);
            if (gx.Numel() > 0) t.Backend.ScatterMapped(As4d(t.Contiguous(), dims), As4d(gx, dims), maps);
            return gx;
        }, name, (g, _) => Gather(g, maps, dims, outShape, adjointName, name));
    }

    private static Tensor Linear(Tensor x, LinearMap[] maps, int dims, long[] outShape, string name, string adjointName)
    {
        var inShape = x.shape;
        return LinearOp.Apply(x, [], t =>
        {
            var y = Tensor.Allocate((long[])outShape.Clone(), t.dtype, t.Device);
            if (y.Numel() > 0) t.Backend.Interpolate(As4d(t.Contiguous(), dims), As4d(y, dims), maps);
            return y;
        }, name, (g, _) => LinearAdjoint(g, maps, dims, inShape, adjointName, name));
    }

    private static Tensor LinearAdjoint(Tensor gy, LinearMap[] maps, int dims, long[] inShape, string name, string adjointName)
    {
        var outShape = gy.shape;
        return LinearOp.Apply(gy, [], t =>
        {
            var gx = Tensor.Allocate((long[])inShape.Clone(), t.dtype, t.Device);
            if (gx.Numel() > 0) t.Backend.InterpolateBackward(As4d(t.Contiguous(), dims), As4d(gx, dims), maps);
            return gx;
        }, name, (g, _) => Linear(g, maps, dims, outShape, adjointName, name));
    }

    public static Tensor Interpolate(Tensor input, IntTuple size, FloatTuple scaleFactor, string mode, bool? alignCorners,
        bool? recomputeScaleFactor)
    {
        if (mode is "nearest" or "area" or "nearest-exact")
        {
            if (alignCorners is not null)
                throw new ArgumentException(
                    "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
        }
        else alignCorners ??= false;
        int dim = input.Dim() - 2;
        long[]? outputSize = null;
        double[]? scales = null;
        if (!size.IsNone && !scaleFactor.IsNone) throw new ArgumentException("only one of size or scale_factor should be defined");
        if (!size.IsNone)
        {
            var s = size.ToArray();
            if (s.Length != 1 && s.Length != dim)
                throw new ArgumentException(
                    $"Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of " +
                    $"{IntTuple.PyList(input.shape[2..])} and output size of {IntTuple.PyTuple(s)}. Please provide input tensor in " +
                    "(N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.");
            outputSize = s.Length == 1 ? Enumerable.Repeat(s[0], Math.Max(dim, 0)).ToArray() : s;
        }
        else if (!scaleFactor.IsNone)
        {
            var f = scaleFactor.ToArray();
            if (f.Length != 1 && f.Length != dim)
                throw new ArgumentException(
                    $"Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of " +
                    $"{IntTuple.PyList(input.shape[2..])} and scale_factor of shape {scaleFactor}. Please provide input tensor in " +
                    "(N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.");
            scales = f.Length == 1 ? Enumerable.Repeat(f[0], Math.Max(dim, 0)).ToArray() : f;
        }
        else throw new ArgumentException("either size or scale_factor should be defined");
        if (recomputeScaleFactor == true && !size.IsNone)
            throw new ArgumentException("recompute_scale_factor is not meaningful with an explicit size.");
        if (mode == "area" && outputSize is null) recomputeScaleFactor = true;
        if (recomputeScaleFactor == true)
        {
            outputSize = new long[dim];
            for (int i = 0; i < dim; i++) outputSize[i] = (long)Math.Floor(input.shape[i + 2] * scales![i]);
            scales = null;
        }
        int d = input.Dim();
        switch (mode)
        {
            case "nearest" when d is >= 3 and <= 5: return Upsample(input, outputSize, scales, Kind.Nearest, false);
            case "nearest-exact" when d is >= 3 and <= 5: return Upsample(input, outputSize, scales, Kind.NearestExact, false);
            case "area" when d == 3: return Functional.AdaptiveAvgPool1d(input, outputSize![0]);
            case "area" when d == 4: return Functional.AdaptiveAvgPool2d(input, outputSize!);
            case "linear" when d == 3:
            case "bilinear" when d == 4:
            case "trilinear" when d == 5:
                return Upsample(input, outputSize, scales, Kind.Linear, alignCorners!.Value);
        }
        if (mode == "bicubic" && d == 4)
            throw new NotSupportedException("interpolate: mode 'bicubic' is not available in Flint; use 'bilinear' or 'nearest'");
        string[] linear = ["linear", "bilinear", "trilinear"];
        int want = Array.IndexOf(linear, mode) + 3;
        if (want >= 3 && d is >= 3 and <= 5)
            throw new NotSupportedException($"Got {d}D input, but {mode} mode needs {want}D input");
        throw new NotSupportedException(
            $"Input Error: Only 3D, 4D and 5D input Tensors supported (got {d}D) for the modes: nearest | linear | bilinear | bicubic | " +
            $"trilinear | area | nearest-exact (got {mode})");
    }

    private enum Kind { Nearest, NearestExact, Linear }

    private static Tensor Upsample(Tensor x, long[]? outputSize, double[]? scales, Kind kind, bool alignCorners)
    {
        int dims = x.Dim() - 2;
        var inSize = x.shape[2..];
        var outSize = outputSize ?? inSize.Select((s, i) => (long)(s * scales![i])).ToArray();
        if (inSize.Any(v => v <= 0) || outSize.Any(v => v <= 0))
        {
            string[] names = dims switch { 1 => ["W"], 2 => ["H", "W"], _ => ["D", "H", "W"] };
            string Fmt(long[] v) => string.Join(", ", names.Select((n, i) => $"{n}: {v[i]}"));
            throw new ArgumentException(
                $"Input and output sizes should be greater than 0, but got input ({Fmt(inSize)}){(dims == 1 ? " and" : "")} output ({Fmt(outSize)})");
        }
        var dt = x.dtype;
        bool supported = kind == Kind.Linear
            ? dt is DType.Float32 or DType.Float64 or DType.BFloat16
            : dt is DType.Float32 or DType.Float64 or DType.BFloat16 or DType.UInt8;
        if (!supported)
            throw new NotSupportedException(
                $"\"{(kind == Kind.Linear ? "compute_indices_weights_linear" : "compute_indices_weights_nearest")}\" not implemented for '{dt.ScalarTypeName()}'");
        long[] outShape = [x.shape[0], x.shape[1], .. outSize];
        string[] linearNames = ["Linear1D", "Bilinear2D", "Trilinear3D"];
        string baseName = kind switch
        {
            Kind.Nearest => $"UpsampleNearest{dims}D",
            Kind.NearestExact => $"UpsampleNearestExact{dims}D",
            _ => "Upsample" + linearNames[dims - 1],
        };
        string name = baseName + "Backward1", adjoint = baseName + "BackwardBackward1";
        bool single = dt != DType.Float64;
        if (kind == Kind.Linear)
        {
            var lmaps = new LinearMap[3];
            for (int k = 0; k < 3; k++) lmaps[k] = LinearMap.Unit;
            for (int i = 0; i < dims; i++)
                lmaps[3 - dims + i] = LinearWeights(inSize[i], outSize[i], alignCorners, scales?[i], single);
            return Linear(x, lmaps, dims, outShape, name, adjoint);
        }
        var maps = new long[3][];
        for (int k = 0; k < 3; k++) maps[k] = [0];
        for (int i = 0; i < dims; i++)
            maps[3 - dims + i] = NearestIndices(inSize[i], outSize[i], scales?[i], kind == Kind.NearestExact);
        return Gather(x, maps, dims, outShape, name, adjoint);
    }

    // compute_scales_value<float>: 1/scale when a positive scale was given, else in/out, in float.
    private static float ScaleF(double? scale, long input, long output) =>
        scale is > 0 ? (float)(1.0 / scale.Value) : (float)input / output;

    private static double ScaleD(double? scale, long input, long output) =>
        scale is > 0 ? 1.0 / scale.Value : (double)input / output;

    private static long[] NearestIndices(long input, long output, double? scale, bool exact)
    {
        var m = new long[output];
        float s = ScaleF(scale, input, output);
        for (long o = 0; o < output; o++)
        {
            if (exact) m[o] = Math.Min((long)MathF.Floor((float)((o + 0.5) * s)), input - 1);
            else if (output == input) m[o] = o;
            else if (output == 2 * input) m[o] = o >> 1;
            else m[o] = Math.Min((long)MathF.Floor(o * s), input - 1);
        }
        return m;
    }

    // compute_source_index_and_lambda in the op's math type (float for float32 and bfloat16, double for float64).
    private static LinearMap LinearWeights(long input, long output, bool alignCorners, double? scale, bool single)
    {
        var i0 = new long[output];
        var i1 = new long[output];
        var l0 = new double[output];
        var l1 = new double[output];
        for (long o = 0; o < output; o++)
        {
            if (output == input)
            {
                (i0[o], i1[o], l0[o], l1[o]) = (o, o, 1, 0);
                continue;
            }
            double real;
            if (single)
            {
                float sc = alignCorners ? (output > 1 ? (float)(input - 1) / (output - 1) : 0f) : ScaleF(scale, input, output);
                float r = alignCorners ? sc * o : sc * (o + 0.5f) - 0.5f;
                real = !alignCorners && r < 0 ? 0 : r;
                long k = (long)(float)real;
                float lam = Math.Min(Math.Max((float)real - k, 0f), 1f);
                (i0[o], i1[o], l0[o], l1[o]) = (k, k + (k < input - 1 ? 1 : 0), 1f - lam, lam);
            }
            else
            {
                double sc = alignCorners ? (output > 1 ? (double)(input - 1) / (output - 1) : 0) : ScaleD(scale, input, output);
                real = alignCorners ? sc * o : sc * (o + 0.5) - 0.5;
                if (!alignCorners && real < 0) real = 0;
                long k = (long)real;
                double lam = Math.Min(Math.Max(real - k, 0), 1);
                (i0[o], i1[o], l0[o], l1[o]) = (k, k + (k < input - 1 ? 1 : 0), 1 - lam, lam);
            }
        }
        return new LinearMap(i0, i1, l0, l1);
    }

    public static Tensor PixelShuffle(Tensor x, long r)
    {
        if (x.Dim() < 3)
            throw new ArgumentException($"pixel_shuffle expects input to have at least 3 dimensions, but got input with {x.Dim()} dimension(s)");
        if (r <= 0) throw new ArgumentException($"pixel_shuffle expects a positive upscale_factor, but got {r}");
        long c = x.shape[^3], r2 = r * r;
        if (c % r2 != 0)
            throw new ArgumentException(
                $"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)={c} is not divisible by {r2}");
        long h = x.shape[^2], w = x.shape[^1], oc = c / r2;
        var batch = x.shape[..^3];
        int b = batch.Length;
        Tensor y;
        using (Torch.NoGrad())
            y = x.Reshape([.. batch, oc, r, r, h, w])
                .Permute([.. Enumerable.Range(0, b).Select(i => (long)i), b, b + 3, b + 1, b + 4, b + 2])
                .Contiguous()
                .View([.. batch, oc, h * r, w * r]);
        if (Graph.Needs(x)) Graph.Record(y, "PixelShuffleBackward0", [x], [], n => [PixelUnshuffle(n.Grad, r)]);
        return y;
    }

    public static Tensor PixelUnshuffle(Tensor x, long r)
    {
        if (x.Dim() < 3)
            throw new ArgumentException($"pixel_unshuffle expects input to have at least 3 dimensions, but got input with {x.Dim()} dimension(s)");
        if (r <= 0) throw new ArgumentException($"pixel_unshuffle expects a positive downscale_factor, but got {r}");
        long c = x.shape[^3], h = x.shape[^2], w = x.shape[^1];
        if (h % r != 0)
            throw new ArgumentException($"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h} is not divisible by {r}");
        if (w % r != 0)
            throw new ArgumentException($"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w} is not divisible by {r}");
        var batch = x.shape[..^3];
        int b = batch.Length;
        Tensor y;
        using (Torch.NoGrad())
            y = x.Reshape([.. batch, c, h / r, r, w / r, r])
                .Permute([.. Enumerable.Range(0, b).Select(i => (long)i), b, b + 2, b + 4, b + 1, b + 3])
                .Contiguous()
                .View([.. batch, c * r * r, h / r, w / r]);
        if (Graph.Needs(x)) Graph.Record(y, "PixelUnshuffleBackward0", [x], [], n => [PixelShuffle(n.Grad, r)]);
        return y;
    }
}
