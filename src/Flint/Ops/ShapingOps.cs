namespace Flint.Ops;

/// <summary>Copy kernels and derivative helpers of the shaping ops (no autograd of their own).</summary>
internal static class ShapingOps
{
    /// <summary>A contiguous copy of x reversed along <paramref name="dims"/>: one strided copy from a negative-stride alias.</summary>
    public static Tensor FlipCopy(Tensor x, int[] dims)
    {
        var st = (long[])x.strides.Clone();
        long off = x.offset;
        if (x.Numel() > 0)
            foreach (var d in dims)
            {
                if (d >= x.shape.Length) continue;
                off += (x.shape[d] - 1) * st[d];
                st[d] = -st[d];
            }
        var r = Tensor.Allocate((long[])x.shape.Clone(), x.dtype, x.Device);
        r.Backend.Copy(new Tensor(x.storage, (long[])x.shape.Clone(), st, off, x.dtype), r);
        return r;
    }

    /// <summary>x with dims a and b swapped in place of its geometry (the <c>transpose_</c> of rot90), no history.</summary>
    public static Tensor Swapped(Tensor x, int a, int b)
    {
        var sh = (long[])x.shape.Clone();
        var st = (long[])x.strides.Clone();
        (sh[a], sh[b]) = (sh[b], sh[a]);
        (st[a], st[b]) = (st[b], st[a]);
        return x.AliasNoGrad(sh, st);
    }

    /// <summary>A new tensor: x rolled by <paramref name="shift"/> along d (two strided copies).</summary>
    public static Tensor RollCopy(Tensor x, int d, long shift)
    {
        var r = Tensor.Allocate((long[])x.shape.Clone(), x.dtype, x.Device);
        long size = x.shape.Length == 0 ? 1 : x.shape[d];
        long s = size == 0 ? 0 : ((shift % size) + size) % size;
        if (s == 0 || x.shape.Length == 0)
        {
            r.Backend.Copy(x, r);
            return r;
        }
        r.Backend.Copy(Narrow(x, d, 0, size - s), Narrow(r, d, s, size - s));
        r.Backend.Copy(Narrow(x, d, size - s, s), Narrow(r, d, 0, s));
        return r;
    }

    private static Tensor Narrow(Tensor x, int d, long start, long length)
    {
        var sh = (long[])x.shape.Clone();
        sh[d] = length;
        return x.AliasNoGrad(sh, (long[])x.strides.Clone(), x.offset + start * x.strides[d]);
    }

    /// <summary>The geometry of <c>x.diagonal(offset, d1, d2)</c> as an alias without history.</summary>
    public static Tensor DiagonalView(Tensor x, long offset, int d1, int d2)
    {
        long diagSize = offset >= 0
            ? Math.Max(Math.Min(x.shape[d1], x.shape[d2] - offset), 0)
            : Math.Max(Math.Min(x.shape[d1] + offset, x.shape[d2]), 0);
        long off = x.offset;
        if (diagSize > 0) off += offset >= 0 ? offset * x.strides[d2] : -offset * x.strides[d1];
        var sh = new List<long>();
        var st = new List<long>();
        for (int i = 0; i < x.shape.Length; i++)
        {
            if (i == d1 || i == d2) continue;
            sh.Add(x.shape[i]);
            st.Add(x.strides[i]);
        }
        sh.Add(diagSize);
        st.Add(x.strides[d1] + x.strides[d2]);
        return x.AliasNoGrad(sh.ToArray(), st.ToArray(), off);
    }

    /// <summary>The gradient of diagonal: zeros of the input's shape with g written on the diagonal (differentiable in g).</summary>
    public static Tensor DiagonalScatter(Tensor g, long[] inShape, long offset, int d1, int d2)
    {
        var z = Torch.Zeros(inShape, g.dtype, g.Device);
        z.Diagonal(offset, d1, d2).Copy_(g);
        return z;
    }

    /// <summary>PyTorch's unfold_backward: every window's gradient added back at the positions it covers.</summary>
    public static Tensor UnfoldBackward(Tensor g, long[] inShape, int d, long size, long step)
    {
        if (inShape.Length == 0) return g.Reshape([]);
        long windows = g.shape[d];
        var idx = new long[windows * size];
        for (long w = 0; w < windows; w++)
            for (long k = 0; k < size; k++) idx[w * size + k] = w * step + k;
        var moved = g.Movedim(-1, d + 1);
        var flat = moved.Reshape([.. inShape[..d], windows * size, .. inShape[(d + 1)..]]);
        return Torch.Zeros(inShape, g.dtype, g.Device).IndexAdd(d, Torch.FromArray(idx), flat);
    }

    /// <summary>repeat_interleave's repeats tensor as counts, checked as PyTorch does.</summary>
    public static long[] RepeatCounts(Tensor repeats)
    {
        if (repeats.Dim() > 1) throw new ArgumentException("repeats must be 0-dim or 1-dim tensor");
        if (repeats.dtype is not (DType.Int64 or DType.Int32))
            throw new NotSupportedException($"\"repeat_interleave_cpu\" not implemented for '{repeats.dtype.ScalarTypeName()}'");
        var counts = repeats.ToArray<long>();
        foreach (var c in counts)
            if (c < 0) throw new ArgumentException("repeats can not be negative");
        return counts;
    }

    /// <summary>The index each output position reads: i repeated counts[i] times.</summary>
    public static Tensor InterleaveIndices(long[] counts, long? outputSize)
    {
        long total = 0;
        foreach (var c in counts) total += c;
        if (outputSize is { } o && o != total)
            throw new ArgumentException($"allocated size does not match required size: output_size {o}, required {total}");
        var idx = new long[total];
        long p = 0;
        for (long i = 0; i < counts.Length; i++)
            for (long k = 0; k < counts[i]; k++) idx[p++] = i;
        return Torch.FromArray(idx);
    }
}
