using System.Numerics;

namespace Flint.Serialization;

/// <summary>What an allow-listed global is.</summary>
internal enum GlobalKind
{
    OrderedDict,
    RebuildTensor,
    RebuildTensorV2,
    RebuildTensorV3,
    RebuildParameter,
    RebuildParameterWithState,
    RebuildFromTypeV2,
    StorageClass,
    DTypeValue,
    Size,
    Device,
    Set,
    FrozenSet,
    Complex,
    CodecsEncode,
    ByteArray,
    Bytes,
    TensorClass,
    ParameterClass,
}

/// <summary>An allow-listed class or function named by GLOBAL / STACK_GLOBAL (never looked up, never run as code).</summary>
internal sealed class PyGlobal(string fullName, GlobalKind kind, DType? dtype = null)
{
    public readonly string FullName = fullName;
    public readonly GlobalKind Kind = kind;

    /// <summary>The dtype of a storage class or dtype value; null for storage classes of dtypes Flint lacks (complex, quantized).</summary>
    public readonly DType? DType = dtype;

    public override string ToString() => FullName;
}

/// <summary>
/// The allow-list of globals a checkpoint may name, and what calling each one builds: the set
/// <c>torch.load(weights_only=True)</c> accepts for plain checkpoints (rebuild functions, storage classes, dtypes,
/// <c>collections.OrderedDict</c>, <c>torch.Size</c>, <c>torch.device</c>, sets, complex numbers and bytes).
/// Anything else is refused with <see cref="UnpicklingException"/>.
/// </summary>
internal static class TorchGlobals
{
    private static readonly Dictionary<string, PyGlobal> Allowed = Build();

    /// <summary>
    /// Builds the object an <c>nn.Parameter</c> loads as, from its data and <c>requires_grad</c>. Until Flint has a
    /// Parameter type it is the data tensor with <see cref="Tensor.RequiresGrad"/> set; the nn layer may replace it.
    /// </summary>
    internal static Func<Tensor, bool, object> ParameterFactory { get; set; } = DefaultParameter;

    private static object DefaultParameter(Tensor data, bool requiresGrad)
    {
        var t = new Tensor(data.storage, (long[])data.shape.Clone(), (long[])data.strides.Clone(), data.offset, data.dtype);
        SetRequiresGrad(t, requiresGrad);
        return t;
    }

    private static Dictionary<string, PyGlobal> Build()
    {
        var d = new Dictionary<string, PyGlobal>(StringComparer.Ordinal);
        void Add(string name, GlobalKind kind, DType? dt = null) => d[name] = new PyGlobal(name, kind, dt);

        Add("collections.OrderedDict", GlobalKind.OrderedDict);
        Add("torch._utils._rebuild_tensor", GlobalKind.RebuildTensor);
        Add("torch._utils._rebuild_tensor_v2", GlobalKind.RebuildTensorV2);
        Add("torch._utils._rebuild_tensor_v3", GlobalKind.RebuildTensorV3);
        Add("torch._utils._rebuild_parameter", GlobalKind.RebuildParameter);
        Add("torch._utils._rebuild_parameter_with_state", GlobalKind.RebuildParameterWithState);
        Add("torch._tensor._rebuild_from_type_v2", GlobalKind.RebuildFromTypeV2);
        Add("torch.Size", GlobalKind.Size);
        Add("torch.device", GlobalKind.Device);
        Add("torch.Tensor", GlobalKind.TensorClass);
        Add("torch.nn.parameter.Parameter", GlobalKind.ParameterClass);
        Add("builtins.set", GlobalKind.Set);
        Add("builtins.frozenset", GlobalKind.FrozenSet);
        Add("builtins.complex", GlobalKind.Complex);
        Add("builtins.bytearray", GlobalKind.ByteArray);
        Add("builtins.bytes", GlobalKind.Bytes);
        Add("_codecs.encode", GlobalKind.CodecsEncode);

        foreach (DType t in Enum.GetValues<DType>())
        {
            Add("torch." + t.ShortName(), GlobalKind.DTypeValue, t);
            var storage = StorageClassName(t);
            Add("torch." + storage, GlobalKind.StorageClass, t);
            Add("torch.cuda." + storage, GlobalKind.StorageClass, t);
        }
        Add("torch.UntypedStorage", GlobalKind.StorageClass, DType.UInt8);
        foreach (var unsupported in new[] { "ComplexFloatStorage", "ComplexDoubleStorage", "ComplexHalfStorage", "QInt8Storage",
                     "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage", "UInt16Storage", "UInt32Storage",
                     "UInt64Storage", "Float8_e4m3fnStorage", "Float8_e5m2Storage" })
        {
            Add("torch." + unsupported, GlobalKind.StorageClass);
            Add("torch.cuda." + unsupported, GlobalKind.StorageClass);
        }
        return d;
    }

    /// <summary>The legacy storage class PyTorch pickles for a dtype: <c>FloatStorage</c>, <c>LongStorage</c> ...</summary>
    public static string StorageClassName(DType t) => t.ScalarTypeName() + "Storage";

    /// <summary>Resolves a GLOBAL's module and name (with Python 2's module names mapped as pickle does) or refuses it.</summary>
    public static PyGlobal Resolve(string module, string name)
    {
        if (module == "__builtin__") module = "builtins";
        else if (module == "copy_reg") module = "copyreg";
        var full = module + "." + name;
        if (Allowed.TryGetValue(full, out var g)) return g;
        var hint = module.StartsWith("__torch__", StringComparison.Ordinal)
            ? " This looks like a TorchScript archive (torch.jit.save); Flint reads torch.save checkpoints."
            : module.StartsWith("torch.nn.modules", StringComparison.Ordinal) || module.StartsWith("torch.optim", StringComparison.Ordinal)
                ? " The checkpoint holds a pickled Python object (e.g. torch.save(model)); save model.state_dict() instead."
                : "";
        throw new UnpicklingException(
            $"Unsupported global: GLOBAL {full} is not on the allow-list of torch.load(weights_only=True); Flint never imports or runs code from a checkpoint.{hint}");
    }

    /// <summary>Applies an allow-listed callable (REDUCE) to its argument tuple.</summary>
    public static object Call(PyGlobal f, object?[] args)
    {
        switch (f.Kind)
        {
            case GlobalKind.OrderedDict:
                Arity(f, args, 0, 0);
                return new PyDict(ordered: true);
            case GlobalKind.RebuildTensor:
                Arity(f, args, 4, 4);
                return RebuildTensor(f, args, requiresGrad: false);
            case GlobalKind.RebuildTensorV2:
                Arity(f, args, 6, 7);
                CheckHooks(f, args[5]);
                return RebuildTensor(f, args, Bool(f, args[4], "requires_grad"));
            case GlobalKind.RebuildTensorV3:
                Arity(f, args, 7, 8);
                CheckHooks(f, args[5]);
                if (args[6] is not PyGlobal { Kind: GlobalKind.DTypeValue } dtypeGlobal)
                    throw new UnpicklingException($"{f.FullName}: expected a dtype as argument 7, got {PyTypes.Name(args[6])}");
                var v3 = RebuildTensor(f, args, Bool(f, args[4], "requires_grad"));
                if (v3.dtype != dtypeGlobal.DType)
                    throw new UnpicklingException($"{f.FullName}: the storage holds {v3.dtype.TorchName()} but the tensor is {dtypeGlobal.FullName}");
                return v3;
            case GlobalKind.RebuildParameter:
                Arity(f, args, 3, 3);
                CheckHooks(f, args[2]);
                return Parameter(f, args[0], args[1]);
            case GlobalKind.RebuildParameterWithState:
                Arity(f, args, 4, 4);
                CheckHooks(f, args[2]);
                return Parameter(f, args[0], args[1]);
            case GlobalKind.RebuildFromTypeV2:
                Arity(f, args, 4, 4);
                if (args[0] is not PyGlobal inner || inner.Kind is not (GlobalKind.RebuildTensor or GlobalKind.RebuildTensorV2
                        or GlobalKind.RebuildTensorV3 or GlobalKind.RebuildParameter or GlobalKind.RebuildParameterWithState))
                    throw new UnpicklingException($"{f.FullName}: argument 1 must be a tensor rebuild function, got {PyTypes.Name(args[0])}");
                if (args[1] is not PyGlobal { Kind: GlobalKind.TensorClass or GlobalKind.ParameterClass })
                    throw new UnpicklingException($"{f.FullName}: only torch.Tensor and torch.nn.Parameter can be rebuilt, got {PyTypes.Name(args[1])}");
                if (args[2] is not object?[] innerArgs)
                    throw new UnpicklingException($"{f.FullName}: argument 3 must be a tuple, got {PyTypes.Name(args[2])}");
                // args[3] holds Python attributes of a tensor subclass; Flint tensors have none to restore.
                return Call(inner, innerArgs);
            case GlobalKind.Size:
                Arity(f, args, 0, 1);
                return new Size(args.Length == 0 ? [] : Ints(f, args[0], "sizes", allowNegative: true));
            case GlobalKind.Device:
                Arity(f, args, 1, 2);
                return MakeDevice(f, args);
            case GlobalKind.Set:
            case GlobalKind.FrozenSet:
                Arity(f, args, 0, 1);
                var set = new PySet(f.Kind == GlobalKind.FrozenSet);
                if (args.Length == 1) set.Items.AddRange(Sequence(f, args[0]));
                return set;
            case GlobalKind.Complex:
                Arity(f, args, 0, 2);
                return new Complex(args.Length > 0 ? Real(f, args[0]) : 0, args.Length > 1 ? Real(f, args[1]) : 0);
            case GlobalKind.CodecsEncode:
                Arity(f, args, 2, 2);
                return Latin1(f, args[0], args[1]);
            case GlobalKind.ByteArray:
            case GlobalKind.Bytes:
                Arity(f, args, 0, 2);
                if (args.Length == 0) return Array.Empty<byte>();
                if (args[0] is byte[] b && args.Length == 1) return b.ToArray();
                if (args.Length == 2) return Latin1(f, args[0], args[1]);
                throw new UnpicklingException($"{f.FullName}: unsupported argument {PyTypes.Name(args[0])}");
            default:
                throw new UnpicklingException($"{f.FullName} is not callable in a checkpoint");
        }
    }

    /// <summary>Applies NEWOBJ: <c>cls.__new__(cls, *args)</c>, for the classes whose construction is data-only.</summary>
    public static object New(PyGlobal cls, object?[] args)
    {
        switch (cls.Kind)
        {
            case GlobalKind.ParameterClass:
                Arity(cls, args, 0, 2);
                if (args.Length == 0) throw new UnpicklingException($"{cls.FullName}: a Parameter needs its data");
                return Parameter(cls, args[0], args.Length > 1 ? args[1] : true);
            case GlobalKind.OrderedDict:
            case GlobalKind.Set:
            case GlobalKind.FrozenSet:
            case GlobalKind.Complex:
            case GlobalKind.Size:
            case GlobalKind.Device:
                return Call(cls, args);
            default:
                throw new UnpicklingException($"NEWOBJ can only create allow-listed classes, got {cls.FullName}");
        }
    }

    private static void Arity(PyGlobal f, object?[] args, int min, int max)
    {
        if (args.Length < min || args.Length > max)
            throw new UnpicklingException(min == max
                ? $"{f.FullName} takes {min} arguments, but the checkpoint passes {args.Length}"
                : $"{f.FullName} takes {min} to {max} arguments, but the checkpoint passes {args.Length}");
    }

    private static void CheckHooks(PyGlobal f, object? hooks)
    {
        if (hooks is not (null or PyDict))
            throw new UnpicklingException($"{f.FullName}: backward_hooks must be an OrderedDict, got {PyTypes.Name(hooks)}");
    }

    private static bool Bool(PyGlobal f, object? v, string what) => v switch
    {
        bool b => b,
        _ => throw new UnpicklingException($"{f.FullName}: {what} must be a bool, got {PyTypes.Name(v)}"),
    };

    private static long Int(PyGlobal f, object? v, string what) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new UnpicklingException($"{f.FullName}: {what} must be an int, got {PyTypes.Name(v)}"),
    };

    private static double Real(PyGlobal f, object? v) => v switch
    {
        double d => d,
        long l => l,
        _ => throw new UnpicklingException($"{f.FullName}: expected a number, got {PyTypes.Name(v)}"),
    };

    private static IEnumerable<object?> Sequence(PyGlobal f, object? v) => v switch
    {
        List<object?> l => l,
        object?[] t => t,
        _ => throw new UnpicklingException($"{f.FullName}: expected a list or tuple, got {PyTypes.Name(v)}"),
    };

    private static long[] Ints(PyGlobal f, object? v, string what, bool allowNegative)
    {
        if (v is not object?[] t)
            throw new UnpicklingException($"{f.FullName}: {what} must be a tuple of ints, got {PyTypes.Name(v)}");
        var r = new long[t.Length];
        for (int i = 0; i < t.Length; i++)
        {
            r[i] = Int(f, t[i], what);
            if (!allowNegative && r[i] < 0)
                throw new UnpicklingException($"{f.FullName}: {what} must not be negative, got {r[i]} at dim {i}");
        }
        return r;
    }

    private static byte[] Latin1(PyGlobal f, object? text, object? encoding)
    {
        if (text is not string s || encoding is not string enc)
            throw new UnpicklingException($"{f.FullName}: expected (str, encoding), got ({PyTypes.Name(text)}, {PyTypes.Name(encoding)})");
        if (enc is not ("latin1" or "latin-1" or "iso-8859-1"))
            throw new UnpicklingException($"{f.FullName}: only the latin1 encoding is allowed, got '{enc}'");
        var r = new byte[s.Length];
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] > 0xFF)
                throw new UnpicklingException($"{f.FullName}: character U+{(int)s[i]:X4} cannot be encoded as latin1");
            r[i] = (byte)s[i];
        }
        return r;
    }

    private static Device MakeDevice(PyGlobal f, object?[] args)
    {
        if (args[0] is not string type)
            throw new UnpicklingException($"{f.FullName}: the device type must be a str, got {PyTypes.Name(args[0])}");
        var spec = args.Length == 2 && args[1] is not null ? type + ":" + Int(f, args[1], "the device index") : type;
        try
        {
            return Device.Parse(spec);
        }
        catch (ArgumentException e)
        {
            throw new UnpicklingException($"{f.FullName}: {e.Message}", e);
        }
    }

    private static object Parameter(PyGlobal f, object? data, object? requiresGrad)
    {
        if (data is not Tensor t)
            throw new UnpicklingException($"{f.FullName}: the parameter's data must be a tensor, got {PyTypes.Name(data)}");
        var rg = Bool(f, requiresGrad, "requires_grad");
        if (rg && !t.dtype.IsFloatingPoint())
            throw new UnpicklingException(
                $"{f.FullName}: only Tensors of floating point dtype can require gradients, but the parameter is {t.dtype.TorchName()}");
        return ParameterFactory(t, rg);
    }

    internal static void SetRequiresGrad(Tensor t, bool requiresGrad)
    {
        if (requiresGrad && !t.dtype.IsFloatingPoint())
            throw new UnpicklingException(
                $"only Tensors of floating point dtype can require gradients, but a {t.dtype.TorchName()} tensor in the checkpoint has requires_grad=True");
        t.requiresGrad = requiresGrad;
    }

    /// <summary>
    /// <c>_rebuild_tensor_v2(storage, storage_offset, size, stride, ...)</c>: a view over the loaded storage, after
    /// checking that every element it can reach lies inside the storage.
    /// </summary>
    private static Tensor RebuildTensor(PyGlobal f, object?[] args, bool requiresGrad)
    {
        if (args[0] is not StorageRef storage)
            throw new UnpicklingException($"{f.FullName}: argument 1 must be a storage, got {PyTypes.Name(args[0])}");
        var offset = Int(f, args[1], "storage_offset");
        if (offset < 0) throw new UnpicklingException($"{f.FullName}: storage_offset must not be negative, got {offset}");
        var size = Ints(f, args[2], "size", allowNegative: false);
        var stride = Ints(f, args[3], "stride", allowNegative: false);
        if (size.Length != stride.Length)
            throw new UnpicklingException(
                $"{f.FullName}: size has {size.Length} dims but stride has {stride.Length}");
        try
        {
            long numel = 1, last = offset;
            for (int i = 0; i < size.Length; i++) numel = checked(numel * size[i]);
            if (numel > 0)
                for (int i = 0; i < size.Length; i++) last = checked(last + (size[i] - 1) * stride[i]);
            if (numel > 0 && last >= storage.Numel)
                throw new UnpicklingException(
                    $"{f.FullName}: a tensor of size [{string.Join(", ", size)}], stride [{string.Join(", ", stride)}] and offset {offset} " +
                    $"reaches element {last}, but its storage has {storage.Numel} elements");
        }
        catch (OverflowException e)
        {
            throw new UnpicklingException($"{f.FullName}: the tensor's size and stride overflow 64-bit arithmetic", e);
        }
        var t = new Tensor(storage.Storage, size, stride, storage.ElementOffset + offset, storage.DType);
        SetRequiresGrad(t, requiresGrad);
        return t;
    }
}
