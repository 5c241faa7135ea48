namespace Flint;

/// <summary>Shape arithmetic shared by every op: broadcasting, strides, dim wrapping, with PyTorch's error texts.</summary>
internal static class Shapes
{
    public static long Numel(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return n;
    }

    public static long[] ContiguousStrides(ReadOnlySpan<long> shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= Math.Max(shape[i], 1);
        }
        return s;
    }

    public static bool IsContiguous(ReadOnlySpan<long> shape, ReadOnlySpan<long> strides)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 0) return true;
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /// <summary>True if the view covers a dense block with no element visited twice (any dim order).</summary>
    public static bool IsNonOverlappingAndDense(ReadOnlySpan<long> shape, ReadOnlySpan<long> strides)
    {
        int n = shape.Length;
        if (n == 1) return shape[0] < 2 || strides[0] == 1;
        Span<int> perm = stackalloc int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        // Insertion sort by stride (stable); size-1 dims are ignored below.
        for (int i = 1; i < n; i++)
        {
            var p = perm[i];
            int j = i - 1;
            while (j >= 0 && strides[perm[j]] > strides[p]) { perm[j + 1] = perm[j]; j--; }
            perm[j + 1] = p;
        }
        long expected = 1;
        foreach (var d in perm)
        {
            if (shape[d] == 1) continue;
            if (shape[d] == 0) return true;
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /// <summary>Wraps a possibly negative dim into [0, ndim) with PyTorch's IndexError text.</summary>
    public static int WrapDim(long dim, int ndim)
    {
        var n = Math.Max(ndim, 1);
        if (dim < -n || dim >= n)
            throw new IndexOutOfRangeException(
                $"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})");
        return (int)(dim < 0 ? dim + n : dim);
    }

    /// <summary>Wraps a list of dims, refusing repeats as PyTorch does.</summary>
    public static int[] WrapDims(ReadOnlySpan<long> dims, int ndim)
    {
        var r = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            r[i] = WrapDim(dims[i], ndim);
            for (int j = 0; j < i; j++)
                if (r[j] == r[i])
                    throw new ArgumentException($"dim {r[i]} appears multiple times in the list of dims");
        }
        return r;
    }

    public static long[] Broadcast(ReadOnlySpan<long> a, ReadOnlySpan<long> b)
    {
        int n = Math.Max(a.Length, b.Length);
        var r = new long[n];
        for (int i = 0; i < n; i++)
        {
            int ia = a.Length - n + i, ib = b.Length - n + i;
            long da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
            if (da == db || db == 1) r[i] = da;
            else if (da == 1) r[i] = db;
            else
                throw new ArgumentException(
                    $"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i}");
        }
        return r;
    }

    /// <summary>Strides that view a tensor of <paramref name="shape"/> as <paramref name="target"/> (0 on broadcast dims).</summary>
    public static long[] ExpandStrides(ReadOnlySpan<long> shape, ReadOnlySpan<long> strides, ReadOnlySpan<long> target)
    {
        int n = target.Length, k = shape.Length;
        if (k > n)
            throw new ArgumentException(
                $"expand: the number of sizes provided ({n}) must be greater or equal to the number of dimensions in the tensor ({k})");
        var r = new long[n];
        for (int i = n - 1; i >= 0; i--)
        {
            int j = i - (n - k);
            if (j < 0) { r[i] = 0; continue; }
            if (shape[j] == target[i]) r[i] = strides[j];
            else if (shape[j] == 1) r[i] = 0;
            else
                throw new ArgumentException(
                    $"The expanded size of the tensor ({target[i]}) must match the existing size ({shape[j]}) at non-singleton " +
                    $"dimension {i}.  Target sizes: [{string.Join(", ", target.ToArray())}].  Tensor sizes: [{string.Join(", ", shape.ToArray())}]");
        }
        return r;
    }

    /// <summary>Resolves a single -1 in a requested view/reshape shape.</summary>
    public static long[] InferSize(ReadOnlySpan<long> requested, long numel)
    {
        var r = requested.ToArray();
        int infer = -1;
        long prod = 1;
        for (int i = 0; i < r.Length; i++)
        {
            if (r[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException("only one dimension can be inferred");
                infer = i;
            }
            else if (r[i] < 0) throw new ArgumentException($"invalid shape dimension {r[i]}");
            else prod *= r[i];
        }
        if (infer >= 0 && prod != 0 && numel % prod == 0) r[infer] = numel / prod;
        else if (infer >= 0 && prod == 0 && numel == 0)
            throw new ArgumentException(
                $"cannot reshape tensor of 0 elements into shape {Format(requested)} because the unspecified dimension size -1 can be any value and is ambiguous");
        if ((infer >= 0 && (prod == 0 || numel % prod != 0)) || (infer < 0 && prod != numel))
            throw new ArgumentException($"shape '{Format(requested)}' is invalid for input of size {numel}");
        return r;
    }

    public static long[] RemoveAt(long[] a, int i)
    {
        var r = new long[a.Length - 1];
        Array.Copy(a, 0, r, 0, i);
        Array.Copy(a, i + 1, r, i, a.Length - i - 1);
        return r;
    }

    public static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    public static long[] ToLongs(ReadOnlySpan<int> a)
    {
        var r = new long[a.Length];
        for (int i = 0; i < a.Length; i++) r[i] = a[i];
        return r;
    }

    public static void CheckNonNegative(ReadOnlySpan<long> shape)
    {
        foreach (var d in shape)
            if (d < 0)
                throw new ArgumentException($"Trying to create tensor with negative dimension {d}: {Format(shape)}");
    }
}
