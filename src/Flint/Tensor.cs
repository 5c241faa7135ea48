using System.Runtime.InteropServices;
using Flint.Autograd;
using Flint.Backends;
using Flint.Backends.Cpu;

namespace Flint;

/// <summary>
/// A multi-dimensional array on a device with dynamic autograd (<c>torch.Tensor</c>): a strided view
/// (shape, strides, storage offset) over a <see cref="Storage"/> that other views may share.
/// Ops live in the files of <c>Ops/</c>, each adding its methods to this partial class.
/// </summary>
public partial class Tensor
{
    internal Storage storage;
    internal long[] shape;
    internal long[] strides;
    internal long offset;
    internal DType dtype;
    internal VersionCounter version;

    // Autograd state. A leaf requires grad when requiresGrad is set; a non-leaf when it has a gradFn.
    internal bool requiresGrad;
    internal Node? gradFn;
    internal int outputNr;
    internal Tensor? grad;
    internal AccumulateGrad? gradAccumulator;
    internal List<Func<Tensor, Tensor?>>? hooks;
    internal bool retainsGrad;

    // Set on views: the tensor whose storage this one views, and the version when the view's history was made
    // (an in-place change of the base after that makes the view's grad_fn stale, as in PyTorch).
    internal Tensor? viewBase;
    internal int viewVersion;

    internal Tensor(Storage storage, long[] shape, long[] strides, long offset, DType dtype, VersionCounter? version = null)
    {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.dtype = dtype;
        this.version = version ?? new VersionCounter();
    }

    /// <summary>A new contiguous tensor with uninitialised (or zeroed) memory.</summary>
    internal static Tensor Allocate(long[] shape, DType dtype, Device device, bool zeroed = false)
    {
        Shapes.CheckNonNegative(shape);
        var bytes = Shapes.Numel(shape) * dtype.ElementSize();
        var storage = Flint.Backends.Backend.For(device).Allocate(bytes, zeroed);
        return new Tensor(storage, shape, Shapes.ContiguousStrides(shape), 0, dtype);
    }

    /// <summary>A new tensor with the same shape, dtype (unless given) and device, and a dense layout like this one's.</summary>
    internal Tensor EmptyLikeDense(DType? dt = null)
    {
        var t = dt ?? dtype;
        if (!IsContiguous() && Shapes.IsNonOverlappingAndDense(shape, strides))
        {
            // Keep the permutation of a transposed input, as PyTorch's TensorIterator does.
            var s = Flint.Backends.Backend.For(Device).Allocate(Numel() * t.ElementSize(), false);
            return new Tensor(s, (long[])shape.Clone(), DenseStridesLike(), 0, t);
        }
        return Allocate((long[])shape.Clone(), t, Device);
    }

    private long[] DenseStridesLike()
    {
        int n = shape.Length;
        var perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        // Innermost first: smallest stride first, ties broken by later dim first.
        Array.Sort(perm, (x, y) => strides[x] != strides[y] ? strides[x].CompareTo(strides[y]) : y.CompareTo(x));
        var r = new long[n];
        long acc = 1;
        foreach (var d in perm) { r[d] = acc; acc *= Math.Max(shape[d], 1); }
        return r;
    }

    internal IBackend Backend => Backends.Backend.For(storage.Device);

    /// <summary>The element type (<c>x.dtype</c>).</summary>
    public DType DType => dtype;

    /// <summary>Where the data lives (<c>x.device</c>).</summary>
    public Device Device => storage.Device;

    /// <summary>True if the data is on a GPU (<c>x.is_cuda</c>).</summary>
    public bool IsCuda => storage.Device.IsCuda;

    /// <summary>True if the dtype is a float type (<c>x.is_floating_point()</c>).</summary>
    public bool IsFloatingPoint() => dtype.IsFloatingPoint();

    /// <summary>The sizes (<c>x.shape</c>).</summary>
    public Size Shape => new((long[])shape.Clone());

    /// <summary>The sizes (<c>x.size()</c>).</summary>
    public Size Size() => Shape;

    /// <summary>The size of one dim, negative counting from the end (<c>x.size(dim)</c>).</summary>
    public long Size(int dim) => shape[Shapes.WrapDim(dim, shape.Length)];

    /// <summary>Number of dimensions (<c>x.dim()</c>).</summary>
    public int Dim() => shape.Length;

    /// <summary>Number of dimensions (<c>x.ndim</c>).</summary>
    public int NDim => shape.Length;

    /// <summary>Number of elements (<c>x.numel()</c>).</summary>
    public long Numel() => Shapes.Numel(shape);

    /// <summary>Bytes per element (<c>x.element_size()</c>).</summary>
    public int ElementSize() => dtype.ElementSize();

    /// <summary>Strides in elements (<c>x.stride()</c>).</summary>
    public long[] Stride() => (long[])strides.Clone();

    /// <summary>The stride of one dim (<c>x.stride(dim)</c>).</summary>
    public long Stride(int dim) => strides[Shapes.WrapDim(dim, shape.Length)];

    /// <summary>Offset of element 0 in the storage, in elements (<c>x.storage_offset()</c>).</summary>
    public long StorageOffset() => offset;

    /// <summary>The storage this tensor views (<c>x.untyped_storage()</c>).</summary>
    public Storage UntypedStorage() => storage;

    /// <summary>True if the elements are laid out in row-major order with no gaps (<c>x.is_contiguous()</c>).</summary>
    public bool IsContiguous() => Shapes.IsContiguous(shape, strides);

    /// <summary>The count of in-place changes made to this tensor's data (<c>x._version</c>).</summary>
    public int Version => version.Value;

    /// <summary>The tensor this one is a view of, or null (<c>x._base</c>).</summary>
    public Tensor? Base => viewBase;

    internal void BumpVersion() => version.Value++;

    /// <summary>Pointer to element 0 (CPU only).</summary>
    internal unsafe byte* Ptr
    {
        get
        {
            if (storage is not CpuStorage cs)
                throw new InvalidOperationException($"expected a CPU tensor, but got one on {Device}");
            return cs.Pointer + offset * dtype.ElementSize();
        }
    }

    internal void CheckElementType<T>() where T : unmanaged
    {
        if (DTypes.Of<T>() != dtype)
            throw new InvalidOperationException(
                $"the tensor's dtype is {dtype.TorchName()}, which is not stored as {typeof(T).Name}; convert with To({DTypes.Of<T>()}) first");
    }

    /// <summary>A copy of the elements in row-major order, converted to <typeparamref name="T"/> (the seeds' <c>.numpy()</c>).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var src = DTypes.Of<T>() == dtype && storage.Device.IsCpu ? this : To(DTypes.Of<T>(), Flint.Device.CPU);
        var c = src.Contiguous();
        var r = new T[c.Numel()];
        if (r.Length > 0) c.Data<T>().CopyTo(r);
        return r;
    }

    /// <summary>The value of a one-element tensor converted to <typeparamref name="T"/> (<c>x.item()</c>).</summary>
    public T Item<T>() where T : unmanaged
    {
        if (Numel() != 1)
            throw new InvalidOperationException(
                $"a Tensor with {Numel()} elements cannot be converted to Scalar");
        return ToArray<T>()[0];
    }

    /// <summary>The value of a one-element tensor as a <see cref="Scalar"/> of the tensor's kind.</summary>
    public Scalar Item() => dtype.IsFloatingPoint() ? Item<double>() : dtype == DType.Bool ? Item<bool>() : Item<long>();

    /// <summary>Replaces this tensor's storage and geometry with another's (<c>x.set_(other)</c>); used by <c>Data</c>'s setter.</summary>
    internal void SetData(Tensor src)
    {
        storage = src.storage;
        shape = (long[])src.shape.Clone();
        strides = (long[])src.strides.Clone();
        offset = src.offset;
        dtype = src.dtype;
    }

    /// <summary>
    /// The same data without autograd history and with its own version counter (<c>x.data</c>): changes made
    /// through it are not recorded. Assigning replaces this tensor's data, shape and dtype.
    /// </summary>
    public Tensor Data
    {
        get => new(storage, (long[])shape.Clone(), (long[])strides.Clone(), offset, dtype);
        set => SetData(value);
    }

    /// <summary>A view of this tensor's storage with a new shape and strides, sharing the version counter.</summary>
    internal Tensor AliasWith(long[] newShape, long[] newStrides, long newOffset) =>
        new(storage, newShape, newStrides, newOffset, dtype, version) { viewBase = viewBase ?? this };

    /// <summary>Reads host bytes for a contiguous tensor of any device.</summary>
    internal byte[] ToHostBytes()
    {
        var c = Contiguous();
        var bytes = new byte[c.Numel() * c.ElementSize()];
        c.storage.CopyToHost(c.offset * c.ElementSize(), bytes);
        return bytes;
    }

    /// <summary>Wraps host bytes (copied) as a tensor on <paramref name="device"/>.</summary>
    internal static Tensor FromHostBytes(ReadOnlySpan<byte> bytes, long[] shape, DType dtype, Device device)
    {
        var t = Allocate(shape, dtype, device);
        t.storage.CopyFromHost(bytes, 0);
        return t;
    }

    internal static Tensor FromSpan<T>(ReadOnlySpan<T> data, long[] shape, Device device) where T : unmanaged =>
        FromHostBytes(MemoryMarshal.AsBytes(data), shape, DTypes.Of<T>(), device);
}
