using Flint.Autograd;
using Flint.Ops;

namespace Flint;

public partial class Tensor
{
    /// <summary>
    /// Copies <paramref name="src"/> (broadcast, converted) into this tensor (<c>x.copy_(src)</c>); differentiable
    /// with respect to src.
    /// </summary>
    public Tensor Copy_(Tensor src) =>
        InPlace.Apply(this, s => Overwrite(s, src, "CopyBackwards"), self => InPlace.CopyData(src, self), src);

    /// <summary>Sets every element to <paramref name="value"/> (<c>x.fill_(value)</c>).</summary>
    public Tensor Fill_(Scalar value) =>
        InPlace.Apply(this, s =>
        {
            var r = Torch.FullLike(s, value);
            if (Graph.Needs(s)) Graph.Record(r, "FillBackward2", [s], [], n => [Torch.ZerosLike(n.Grad)]);
            return r;
        }, self => self.Backend.Fill(self, value));

    /// <summary>Sets every element to a zero-dim tensor's value (<c>x.fill_(tensor)</c>), differentiable in it.</summary>
    public Tensor Fill_(Tensor value)
    {
        if (value.Dim() != 0)
            throw new ArgumentException(
                $"fill_ only supports 0-dimension value tensor but got tensor with {value.Dim()} dimensions.");
        return InPlace.Apply(this, s => Overwrite(s, value, "FillBackward3"), self => InPlace.CopyData(value, self), value);
    }

    // The new value of an in-place overwrite of s by src, recorded so that s's old history gets zero gradient and src
    // gets the incoming one (summed and cast to its shape and dtype by the engine).
    private static Tensor Overwrite(Tensor s, Tensor src, string node)
    {
        Tensor r;
        using (Torch.NoGrad()) r = src.Expand(s.shape).To(s.dtype, s.Device, copy: true);
        if (Graph.Needs(s, src))
        {
            var srcDevice = src.Device;
            Graph.Record(r, node, [s, src], [], n =>
                [n.NeedsInputGrad(0) ? Torch.ZerosLike(n.Grad) : null, n.NeedsInputGrad(1) ? n.Grad.To(srcDevice) : null]);
        }
        return r;
    }

    /// <summary>Sets every element to zero (<c>x.zero_()</c>).</summary>
    public Tensor Zero_() => Fill_(0);

    /// <summary>A copy with its own memory, laid out like this tensor when dense (<c>x.clone()</c>).</summary>
    public Tensor Clone()
    {
        var r = EmptyLikeDense();
        r.Backend.Copy(this, r);
        if (Graph.Needs(this)) Graph.Record(r, "CloneBackward0", [this], [], n => [n.Grad]);
        return r;
    }

    /// <summary>This tensor if row-major contiguous, otherwise a contiguous copy (<c>x.contiguous()</c>).</summary>
    public Tensor Contiguous()
    {
        if (IsContiguous()) return this;
        var r = Allocate((long[])shape.Clone(), dtype, Device);
        r.Backend.Copy(this, r);
        if (Graph.Needs(this)) Graph.Record(r, "CloneBackward0", [this], [], n => [n.Grad]);
        return r;
    }

    /// <summary>
    /// This tensor converted to a dtype and/or moved to a device (<c>x.to(dtype)</c>, <c>x.to(device)</c>);
    /// returns this tensor when nothing changes, unless <paramref name="copy"/>.
    /// </summary>
    public Tensor To(DType? dtype = null, Device? device = null, bool copy = false)
    {
        var dt = dtype ?? this.dtype;
        var dev = device is { } d ? Flint.Cuda.Concrete(d) : Device;
        if (dt == this.dtype && dev == Device && !copy) return this;
        var r = dev == Device ? EmptyLikeDense(dt) : Allocate((long[])shape.Clone(), dt, dev);
        r.Backend.Copy(this, r);
        if (Graph.Needs(this) && dt.IsFloatingPoint())
        {
            var srcType = this.dtype;
            var srcDevice = Device;
            Graph.Record(r, "ToCopyBackward0", [this], [], n => [n.Grad.To(srcType, srcDevice)]);
        }
        return r;
    }

    /// <summary>Moves to a device (<c>x.to(device)</c>).</summary>
    public Tensor To(Device device) => To(null, device);

    /// <summary>Converts to a dtype (<c>x.to(dtype)</c>).</summary>
    public Tensor To(DType dtype) => To(dtype, null);

    /// <summary>Matches another tensor's dtype and device (<c>x.to(other)</c>).</summary>
    public Tensor To(Tensor other) => To(other.dtype, other.Device);

    /// <summary><c>x.float()</c>.</summary>
    public Tensor Float() => To(DType.Float32);
    /// <summary><c>x.double()</c>.</summary>
    public Tensor Double() => To(DType.Float64);
    /// <summary><c>x.half()</c>.</summary>
    public Tensor Half() => To(DType.Float16);
    /// <summary><c>x.bfloat16()</c>.</summary>
    public Tensor BFloat16() => To(DType.BFloat16);
    /// <summary><c>x.long()</c>.</summary>
    public Tensor Long() => To(DType.Int64);
    /// <summary><c>x.int()</c>.</summary>
    public Tensor Int() => To(DType.Int32);
    /// <summary><c>x.short()</c>.</summary>
    public Tensor Short() => To(DType.Int16);
    /// <summary><c>x.char()</c>.</summary>
    public Tensor Char() => To(DType.Int8);
    /// <summary><c>x.byte()</c>.</summary>
    public Tensor Byte() => To(DType.UInt8);
    /// <summary><c>x.bool()</c>.</summary>
    public Tensor Bool() => To(DType.Bool);

    /// <summary>Copies to host memory (<c>x.cpu()</c>).</summary>
    public Tensor Cpu() => To(Flint.Device.CPU);

    /// <summary>Copies to a GPU (<c>x.cuda()</c>, default device 0).</summary>
    public Tensor Cuda(int device = 0) => To(new Device(DeviceType.Cuda, device));

    /// <summary>The legacy type name, e.g. <c>torch.FloatTensor</c> (<c>x.type()</c>).</summary>
    public string Type() => dtype.TensorTypeName();

    /// <summary>Converts to a dtype (<c>x.type(torch.LongTensor)</c>).</summary>
    public Tensor Type(DType dtype) => To(dtype);

    /// <summary>Converts to the dtype named by a legacy type string such as "torch.LongTensor" (<c>x.type(str)</c>).</summary>
    public Tensor Type(string typeName) => To(DTypes.Parse(typeName));

    /// <summary>Converts to another tensor's dtype (<c>x.type_as(other)</c>).</summary>
    public Tensor TypeAs(Tensor other) => To(other.dtype);
}

public static partial class Torch
{
    /// <summary>Sets every element of <paramref name="x"/> to zero and returns it (<c>torch.zero_(x)</c>).</summary>
    public static Tensor Zero_(Tensor x) => x.Zero_();

    /// <summary><c>torch.clone(x)</c>.</summary>
    public static Tensor Clone(Tensor x) => x.Clone();
}
