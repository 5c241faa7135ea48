using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;

namespace Flint.NN;

/// <summary>
/// The base of every layer and model (<c>torch.nn.Module</c>). Fields of type <see cref="Module"/> and
/// <see cref="Parameter"/>, and <see cref="Tensor"/> fields marked <see cref="BufferAttribute"/>, register themselves
/// under the field's name in declaration order — no registration call — and reassigning a field replaces the
/// registration, as Python's attribute assignment does. <see cref="RegisterModule"/>, <see cref="RegisterParameter"/>
/// and <see cref="RegisterBuffer"/> add entries by name for containers and dynamic models.
/// </summary>
[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.NonPublicFields | DynamicallyAccessedMemberTypes.PublicFields)]
public abstract partial class Module
{
    private static readonly ConcurrentDictionary<Type, MemberSlot[]> SlotCache = new();

    // Registrations made by name (containers, RegisterX calls); field registrations are read live from fields.
    private OrderedDictionary<string, Parameter?> namedParameters = new();
    private OrderedDictionary<string, Tensor?> namedBuffers = new();
    private OrderedDictionary<string, Module?> namedModules = new();
    private HashSet<string> nonPersistent = new();

    /// <summary>True in training mode, false after <see cref="Eval"/> (<c>module.training</c>).</summary>
    public bool Training { get; private set; } = true;

    private enum SlotKind { Module, Parameter, Buffer }

    private sealed record MemberSlot(string Name, FieldInfo Field, SlotKind Kind, bool Persistent);

    private MemberSlot[] Slots => SlotCache.GetOrAdd(GetType(), FindSlots);

    private static MemberSlot[] FindSlots([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.NonPublicFields | DynamicallyAccessedMemberTypes.PublicFields)] Type type)
    {
        var chain = new List<Type>();
        for (var t = type; t is not null && t != typeof(Module); t = t.BaseType) chain.Add(t);
        chain.Reverse();
        var slots = new List<MemberSlot>();
        foreach (var t in chain)
        {
            var fields = t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
            Array.Sort(fields, (a, b) => a.MetadataToken.CompareTo(b.MetadataToken));
            foreach (var f in fields)
            {
                var name = FieldName(f);
                if (typeof(Module).IsAssignableFrom(f.FieldType)) slots.Add(new(name, f, SlotKind.Module, true));
                else if (f.FieldType == typeof(Parameter)) slots.Add(new(name, f, SlotKind.Parameter, true));
                else if (f.GetCustomAttribute<BufferAttribute>() is { } b)
                {
                    if (!typeof(Tensor).IsAssignableFrom(f.FieldType))
                        throw new InvalidOperationException($"[Buffer] field '{name}' of {t.Name} must be of type Tensor");
                    slots.Add(new(name, f, SlotKind.Buffer, b.Persistent));
                }
                else if (t.Assembly != typeof(Module).Assembly && HoldsModules(f.FieldType))
                    throw new InvalidOperationException(
                        $"Field '{name}' of {t.Name} holds modules in a {f.FieldType.Name}, which Flint cannot see: their " +
                        "parameters would be missing from Parameters(), StateDict() and To(device). Use ModuleList (or " +
                        "ModuleDict / ParameterList) instead, as in PyTorch.");
            }
        }
        return slots.ToArray();
    }

    // Auto-properties compile to "<Name>k__BackingField": register them under the property name. A .NET-cased name
    // (Weight, RunningMean, WeightIhL0) registers under PyTorch's snake_case (weight, running_mean, weight_ih_l0), so
    // state-dict keys are PyTorch's; a name that starts in lower case (conv1, fc_out) is kept as written.
    private static string FieldName(FieldInfo f)
    {
        var n = f.Name;
        if (n.StartsWith('<') && n.IndexOf('>') is var close and > 0) n = n[1..close];
        return SnakeCase(n);
    }

    internal static string SnakeCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0])) return name;
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]))) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool HoldsModules(Type t)
    {
        if (t.IsArray) return typeof(Module).IsAssignableFrom(t.GetElementType()) || t.GetElementType() == typeof(Parameter);
        if (!t.IsGenericType || !typeof(IEnumerable).IsAssignableFrom(t)) return false;
        foreach (var a in t.GetGenericArguments())
            if (typeof(Module).IsAssignableFrom(a) || a == typeof(Parameter)) return true;
        return false;
    }

    /// <summary>This module's own parameters (not its children's), fields first then registered ones, nulls kept.</summary>
    private IEnumerable<(string Name, Parameter? Value)> OwnParameters()
    {
        foreach (var s in Slots)
            if (s.Kind == SlotKind.Parameter) yield return (s.Name, (Parameter?)s.Field.GetValue(this));
        foreach (var kv in namedParameters) yield return (kv.Key, kv.Value);
    }

    private IEnumerable<(string Name, Tensor? Value, bool Persistent)> OwnBuffers()
    {
        foreach (var s in Slots)
            if (s.Kind == SlotKind.Buffer) yield return (s.Name, (Tensor?)s.Field.GetValue(this), s.Persistent);
        foreach (var kv in namedBuffers) yield return (kv.Key, kv.Value, !nonPersistent.Contains(kv.Key));
    }

    private IEnumerable<(string Name, Module? Value)> OwnModules()
    {
        foreach (var s in Slots)
            if (s.Kind == SlotKind.Module) yield return (s.Name, (Module?)s.Field.GetValue(this));
        foreach (var kv in namedModules) yield return (kv.Key, kv.Value);
    }

    private void CheckNewName(string name, string what)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException($"{what} name can't be empty string \"\"");
        if (name.Contains('.')) throw new ArgumentException($"{what} name can't contain \".\", got: {name}");
        foreach (var s in Slots)
            if (s.Name == name) throw new ArgumentException($"attribute '{name}' already exists");
    }

    /// <summary>Adds or replaces a child module under <paramref name="name"/> (<c>register_module</c> / <c>add_module</c>).</summary>
    public void RegisterModule(string name, Module? module)
    {
        CheckNewName(name, "module");
        if (namedParameters.ContainsKey(name) || namedBuffers.ContainsKey(name))
            throw new ArgumentException($"attribute '{name}' already exists");
        namedModules[name] = module;
    }

    /// <summary>Same as <see cref="RegisterModule"/> (<c>add_module</c>).</summary>
    public void AddModule(string name, Module? module) => RegisterModule(name, module);

    /// <summary>Adds or replaces a parameter under <paramref name="name"/> (<c>register_parameter</c>).</summary>
    public void RegisterParameter(string name, Parameter? parameter)
    {
        CheckNewName(name, "parameter");
        if (namedModules.ContainsKey(name) || namedBuffers.ContainsKey(name))
            throw new ArgumentException($"attribute '{name}' already exists");
        namedParameters[name] = parameter;
    }

    /// <summary>Adds or replaces a buffer under <paramref name="name"/> (<c>register_buffer(name, tensor, persistent)</c>).</summary>
    public void RegisterBuffer(string name, Tensor? tensor, bool persistent = true)
    {
        CheckNewName(name, "buffer");
        if (namedModules.ContainsKey(name) || namedParameters.ContainsKey(name))
            throw new ArgumentException($"attribute '{name}' already exists");
        namedBuffers[name] = tensor;
        if (persistent) nonPersistent.Remove(name);
        else nonPersistent.Add(name);
    }

    /// <summary>Replaces the value of a registered or field-held buffer (used by layers that update running stats).</summary>
    protected internal void SetBuffer(string name, Tensor? value)
    {
        foreach (var s in Slots)
            if (s.Name == name && s.Kind == SlotKind.Buffer) { s.Field.SetValue(this, value); return; }
        if (!namedBuffers.ContainsKey(name)) throw new ArgumentException($"no buffer named '{name}'");
        namedBuffers[name] = value;
    }

    /// <summary>Removes a name registered with RegisterModule/RegisterParameter/RegisterBuffer.</summary>
    protected internal bool Unregister(string name) =>
        namedModules.Remove(name) | namedParameters.Remove(name) | namedBuffers.Remove(name);

    /// <summary>Direct children with their names, in registration order (<c>named_children()</c>).</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var (n, m) in OwnModules())
            if (m is not null && seen.Add(m)) yield return (n, m);
    }

    /// <summary>Direct children (<c>children()</c>).</summary>
    public IEnumerable<Module> Children()
    {
        foreach (var (_, m) in NamedChildren()) yield return m;
    }

    /// <summary>
    /// This module and all below it, depth first, each once, with dotted names (<c>named_modules()</c>).
    /// </summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "", bool removeDuplicate = true)
    {
        var memo = removeDuplicate ? new HashSet<Module>(ReferenceEqualityComparer.Instance) : null;
        return NamedModulesImpl(memo, prefix);
    }

    private IEnumerable<(string, Module)> NamedModulesImpl(HashSet<Module>? memo, string prefix)
    {
        if (memo is not null && !memo.Add(this)) yield break;
        yield return (prefix, this);
        foreach (var (n, m) in OwnModules())
        {
            if (m is null) continue;
            foreach (var x in m.NamedModulesImpl(memo, prefix.Length == 0 ? n : prefix + "." + n)) yield return x;
        }
    }

    /// <summary>This module and all below it (<c>modules()</c>).</summary>
    public IEnumerable<Module> Modules()
    {
        foreach (var (_, m) in NamedModules()) yield return m;
    }

    /// <summary>Parameters with dotted names, each once (<c>named_parameters(prefix, recurse)</c>).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(string prefix = "", bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var mods = recurse ? NamedModules(prefix) : [(prefix, this)];
        foreach (var (mp, m) in mods)
            foreach (var (n, p) in m.OwnParameters())
                if (p is not null && seen.Add(p)) yield return (mp.Length == 0 ? n : mp + "." + n, p);
    }

    /// <summary>All parameters, each once (<c>parameters(recurse)</c>).</summary>
    public IEnumerable<Parameter> Parameters(bool recurse = true)
    {
        foreach (var (_, p) in NamedParameters(recurse: recurse)) yield return p;
    }

    /// <summary>Buffers with dotted names (<c>named_buffers(prefix, recurse)</c>).</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "", bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var mods = recurse ? NamedModules(prefix) : [(prefix, this)];
        foreach (var (mp, m) in mods)
            foreach (var (n, b, _) in m.OwnBuffers())
                if (b is not null && seen.Add(b)) yield return (mp.Length == 0 ? n : mp + "." + n, b);
    }

    /// <summary>All buffers (<c>buffers(recurse)</c>).</summary>
    public IEnumerable<Tensor> Buffers(bool recurse = true)
    {
        foreach (var (_, b) in NamedBuffers(recurse: recurse)) yield return b;
    }

    /// <summary>The sub-module at a dotted path such as "layer1.0.conv1" (<c>get_submodule</c>).</summary>
    public Module GetSubmodule(string target)
    {
        if (target.Length == 0) return this;
        Module m = this;
        foreach (var part in target.Split('.'))
        {
            Module? next = null;
            foreach (var (n, c) in m.OwnModules())
                if (n == part) next = c;
            m = next ?? throw new ArgumentException($"{m.GetName()} has no attribute `{part}`");
        }
        return m;
    }

    /// <summary>The parameter at a dotted path (<c>get_parameter</c>).</summary>
    public Parameter GetParameter(string target)
    {
        var dot = target.LastIndexOf('.');
        var owner = dot < 0 ? this : GetSubmodule(target[..dot]);
        var name = target[(dot + 1)..];
        foreach (var (n, p) in owner.OwnParameters())
            if (n == name && p is not null) return p;
        throw new ArgumentException($"{owner.GetName()} has no parameter `{name}`");
    }

    /// <summary>Sets training mode here and below (<c>train(mode)</c>); returns this module.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var m in Modules()) m.Training = mode;
        return this;
    }

    /// <summary>Sets evaluation mode (<c>eval()</c>): Dropout stops dropping, BatchNorm uses running stats.</summary>
    public Module Eval() => Train(false);

    /// <summary>Sets requires_grad on every parameter (<c>requires_grad_(requires_grad)</c>); used to freeze layers.</summary>
    public Module RequiresGrad_(bool requiresGrad = true)
    {
        foreach (var p in Parameters()) p.RequiresGrad_(requiresGrad);
        return this;
    }

    /// <summary>Clears the gradients of all parameters (<c>zero_grad(set_to_none=True)</c>, PyTorch 2's default).</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            if (p.Grad is null) continue;
            if (setToNone) p.Grad = null;
            else
            {
                if (p.Grad.IsSparse) p.Grad.SparseZero_();
                else
                    using (Torch.NoGrad()) p.Grad = p.Grad.Detach().Zero_();
            }
        }
    }

    /// <summary>Calls <paramref name="fn"/> on every sub-module and then this one (<c>apply(fn)</c>).</summary>
    public Module Apply(Action<Module> fn)
    {
        foreach (var c in Children()) c.Apply(fn);
        fn(this);
        return this;
    }

    /// <summary>
    /// Converts parameters and buffers in place (their data is replaced, so optimizers holding them see the change),
    /// as PyTorch's <c>_apply</c>. Gradients follow.
    /// </summary>
    private Module ApplyToTensors(Func<Tensor, Tensor> convert, bool floatsOnly)
    {
        foreach (var m in Modules())
        {
            foreach (var (_, p, _) in m.OwnBuffers().ToList())
                if (p is not null && (!floatsOnly || p.IsFloatingPoint()))
                    using (Torch.NoGrad()) p.Data = convert(p);
            foreach (var (_, p) in m.OwnParameters().ToList())
            {
                if (p is null || (floatsOnly && !p.IsFloatingPoint())) continue;
                using (Torch.NoGrad())
                {
                    p.Data = convert(p.Data);
                    if (p.Grad is { } g) p.Grad = convert(g);
                }
            }
        }
        return this;
    }

    /// <summary>Moves parameters and buffers to a device (<c>to(device)</c>).</summary>
    public Module To(Device device) => ApplyToTensors(t => t.To(device), floatsOnly: false);

    /// <summary>Casts floating-point parameters and buffers (<c>to(dtype)</c>).</summary>
    public Module To(DType dtype)
    {
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={dtype.TorchName()}");
        return ApplyToTensors(t => t.To(dtype), floatsOnly: true);
    }

    /// <summary>Moves and casts (<c>to(device, dtype)</c>).</summary>
    public Module To(Device device, DType dtype) => To(device).To(dtype);

    /// <summary><c>module.float()</c>.</summary>
    public Module Float() => To(DType.Float32);
    /// <summary><c>module.double()</c>.</summary>
    public Module Double() => To(DType.Float64);
    /// <summary><c>module.half()</c>.</summary>
    public Module Half() => To(DType.Float16);
    /// <summary><c>module.bfloat16()</c>.</summary>
    public Module BFloat16() => To(DType.BFloat16);
    /// <summary><c>module.cpu()</c>.</summary>
    public Module Cpu() => To(Device.CPU);
    /// <summary><c>module.cuda(device)</c>.</summary>
    public Module Cuda(int device = 0) => To(new Device(DeviceType.Cuda, device));

    /// <summary>
    /// Parameters and persistent buffers by dotted name, sharing memory with the module
    /// (<c>state_dict()</c>): own entries first, then each child's, as PyTorch orders them.
    /// </summary>
    public OrderedDict<string, Tensor> StateDict(string prefix = "", bool keepVars = false)
    {
        var d = new OrderedDict<string, Tensor>();
        SaveToStateDict(d, prefix, keepVars);
        return d;
    }

    private void SaveToStateDict(OrderedDictionary<string, Tensor> d, string prefix, bool keepVars)
    {
        foreach (var (n, p) in OwnParameters())
            if (p is not null) d[prefix + n] = keepVars ? p : p.Detach();
        foreach (var (n, b, persistent) in OwnBuffers())
            if (b is not null && persistent) d[prefix + n] = keepVars ? b : b.Detach();
        foreach (var (n, m) in OwnModules())
            m?.SaveToStateDict(d, prefix + n + ".", keepVars);
    }

    /// <summary>
    /// Copies values into parameters and buffers by name (<c>load_state_dict(state_dict, strict)</c>); returns the
    /// missing and unexpected keys, and with <paramref name="strict"/> throws PyTorch's error listing them and any
    /// size mismatch. A checkpoint saved from DataParallel (keys prefixed <c>module.</c>) gets a hint.
    /// </summary>
    public IncompatibleKeys LoadStateDict(IEnumerable<KeyValuePair<string, Tensor>> stateDict, bool strict = true)
    {
        var given = new OrderedDictionary<string, Tensor>();
        foreach (var kv in stateDict) given[kv.Key] = kv.Value;
        var own = StateDict(keepVars: true);
        var missing = new List<string>();
        var errors = new List<string>();
        foreach (var (key, target) in own)
        {
            if (!given.TryGetValue(key, out var src)) { missing.Add(key); continue; }
            if (!src.shape.AsSpan().SequenceEqual(target.shape))
            {
                errors.Add($"size mismatch for {key}: copying a param with shape {src.Shape} from checkpoint, " +
                           $"the shape in current model is {target.Shape}.");
                continue;
            }
            using (Torch.NoGrad()) target.Copy_(src);
        }
        var unexpected = new List<string>();
        foreach (var key in given.Keys)
            if (!own.ContainsKey(key)) unexpected.Add(key);
        if (strict)
        {
            if (unexpected.Count > 0)
                errors.Insert(0, $"Unexpected key(s) in state_dict: {string.Join(", ", unexpected.Select(k => $"\"{k}\""))}. ");
            if (missing.Count > 0)
                errors.Insert(0, $"Missing key(s) in state_dict: {string.Join(", ", missing.Select(k => $"\"{k}\""))}. ");
        }
        if (errors.Count > 0)
        {
            var msg = $"Error(s) in loading state_dict for {GetName()}:\n\t{string.Join("\n\t", errors)}";
            var hint = DataParallelHint(missing, unexpected);
            throw new InvalidOperationException(hint is null ? msg : msg + "\n" + hint);
        }
        return new IncompatibleKeys(missing, unexpected);
    }

    private static string? DataParallelHint(List<string> missing, List<string> unexpected)
    {
        if (missing.Count == 0 || unexpected.Count == 0) return null;
        if (unexpected.All(k => k.StartsWith("module.", StringComparison.Ordinal)))
            return "Hint: the checkpoint was saved from a DataParallel-wrapped model (keys start with \"module.\"); strip the " +
                   "prefix with ModuleUtils.ConsumePrefixInStateDictIfPresent(stateDict, \"module.\") or load it into new DataParallel(model).";
        if (missing.All(k => k.StartsWith("module.", StringComparison.Ordinal)))
            return "Hint: this model is wrapped in DataParallel (its keys start with \"module.\") but the checkpoint is not; load " +
                   "it into the wrapped model (dataParallel.Module.LoadStateDict(...)).";
        return null;
    }

    /// <summary>The class name PyTorch prints for this module (<c>_get_name()</c>).</summary>
    public virtual string GetName()
    {
        var n = GetType().Name;
        var tick = n.IndexOf('`');
        return tick < 0 ? n : n[..tick];
    }

    /// <summary>The layer's own settings printed inside its parentheses (<c>extra_repr()</c>).</summary>
    public virtual string ExtraRepr() => "";

    /// <summary>Prints the module tree exactly as PyTorch's <c>repr(module)</c>.</summary>
    public override string ToString()
    {
        var extra = ExtraRepr();
        var extraLines = extra.Length == 0 ? [] : extra.Split('\n');
        var childLines = new List<string>();
        foreach (var (n, m) in OwnModules())
            childLines.Add("(" + n + "): " + AddIndent(m?.ToString() ?? "None", 2));
        var lines = extraLines.Concat(childLines).ToList();
        var sb = new StringBuilder(GetName()).Append('(');
        if (lines.Count > 0)
        {
            if (extraLines.Length == 1 && childLines.Count == 0) sb.Append(extraLines[0]);
            else sb.Append("\n  ").Append(string.Join("\n  ", lines)).Append('\n');
        }
        return sb.Append(')').ToString();
    }

    private static string AddIndent(string s, int spaces)
    {
        var lines = s.Split('\n');
        if (lines.Length == 1) return s;
        var pad = new string(' ', spaces);
        return lines[0] + "\n" + string.Join("\n", lines.Skip(1).Select(l => pad + l));
    }

    /// <summary>
    /// A deep copy with its own parameters, buffers and sub-modules (<c>copy.deepcopy(module)</c>). Fields that are
    /// modules or tensors are copied deeply; other fields are copied as values (reference-type fields are shared).
    /// </summary>
    public Module DeepCopy() => DeepCopyImpl(new Dictionary<object, object>(ReferenceEqualityComparer.Instance));

    private Module DeepCopyImpl(Dictionary<object, object> memo)
    {
        if (memo.TryGetValue(this, out var done)) return (Module)done;
        var copy = (Module)MemberwiseClone();
        memo[this] = copy;
        for (var t = GetType(); t is not null && t != typeof(object); t = t.BaseType)
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var v = f.GetValue(this);
                if (v is Module m) f.SetValue(copy, m.DeepCopyImpl(memo));
                else if (v is Tensor tv) f.SetValue(copy, CopyTensor(tv, memo));
            }
        copy.namedModules = new();
        foreach (var (k, v) in namedModules) copy.namedModules[k] = v?.DeepCopyImpl(memo);
        copy.namedParameters = new();
        foreach (var (k, v) in namedParameters) copy.namedParameters[k] = v is null ? null : (Parameter)CopyTensor(v, memo);
        copy.namedBuffers = new();
        foreach (var (k, v) in namedBuffers) copy.namedBuffers[k] = v is null ? null : CopyTensor(v, memo);
        copy.nonPersistent = new HashSet<string>(nonPersistent);
        copy.forwardHooks = null;
        copy.forwardPreHooks = null;
        copy.OnDeepCopied(memo);
        return copy;
    }

    /// <summary>Lets containers copy their own collections after a deep copy.</summary>
    private protected virtual void OnDeepCopied(Dictionary<object, object> memo) { }

    private protected static Module CopyModule(Module m, Dictionary<object, object> memo) => m.DeepCopyImpl(memo);

    private protected static Tensor CopyTensor(Tensor t, Dictionary<object, object> memo)
    {
        if (memo.TryGetValue(t, out var done)) return (Tensor)done;
        Tensor c;
        using (Torch.NoGrad())
            c = t is Parameter p ? new Parameter(p.Detach().Clone(), p.RequiresGrad) : t.Detach().Clone().RequiresGrad_(t.RequiresGrad && t.IsLeaf);
        memo[t] = c;
        return c;
    }
}

/// <summary>The keys <see cref="Module.LoadStateDict"/> did not match (<c>_IncompatibleKeys</c>).</summary>
public sealed record IncompatibleKeys(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys)
{
    /// <summary>Prints as PyTorch: <c>&lt;All keys matched successfully&gt;</c> or the two lists.</summary>
    public override string ToString() =>
        MissingKeys.Count == 0 && UnexpectedKeys.Count == 0
            ? "<All keys matched successfully>"
            : $"_IncompatibleKeys(missing_keys=[{string.Join(", ", MissingKeys.Select(k => $"'{k}'"))}], " +
              $"unexpected_keys=[{string.Join(", ", UnexpectedKeys.Select(k => $"'{k}'"))}])";
}
