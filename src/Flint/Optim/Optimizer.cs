using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;
using Flint.Autograd;

namespace Flint.Optim;

/// <summary>
/// The base of every optimizer (<c>torch.optim.Optimizer</c>): parameter groups with per-group options, per-parameter
/// state, <c>zero_grad</c>, <c>step</c>, <c>add_param_group</c> and a state dict in PyTorch's structure (state keyed by
/// parameter index, groups listing parameter indices), so checkpoints move between Flint and PyTorch.
/// </summary>
public abstract class Optimizer
{
    /// <summary>
    /// Marks an option with no default that every parameter group must give (PyTorch's <c>required</c>, e.g. SGD's
    /// <c>lr</c> in 1.13).
    /// </summary>
    public static readonly object Required = new RequiredParameter();

    private sealed class RequiredParameter
    {
        public override string ToString() => "<required parameter>";
    }

    /// <summary>Creates an optimizer over <paramref name="params"/> in one group with <paramref name="defaults"/>.</summary>
    protected Optimizer(IEnumerable<Tensor> @params, IEnumerable<KeyValuePair<string, object?>> defaults)
    {
        ArgumentNullException.ThrowIfNull(@params);
        Defaults = ToOrdered(defaults);
        var list = @params.ToList();
        if (list.Count == 0) throw new ArgumentException("optimizer got an empty parameter list");
        AddParamGroup(new ParamGroup(list));
    }

    /// <summary>Creates an optimizer over parameter groups, each taking <paramref name="defaults"/> for the options it lacks.</summary>
    protected Optimizer(IEnumerable<ParamGroup> paramGroups, IEnumerable<KeyValuePair<string, object?>> defaults)
    {
        ArgumentNullException.ThrowIfNull(paramGroups);
        Defaults = ToOrdered(defaults);
        var list = paramGroups.ToList();
        if (list.Count == 0) throw new ArgumentException("optimizer got an empty parameter list");
        foreach (var g in list) AddParamGroup(g);
    }

    private static OrderedDictionary<string, object?> ToOrdered(IEnumerable<KeyValuePair<string, object?>> d)
    {
        var r = new OrderedDictionary<string, object?>();
        foreach (var kv in d) r[kv.Key] = kv.Value;
        return r;
    }

    /// <summary>The default option values, used by groups that do not set them (<c>optimizer.defaults</c>).</summary>
    public OrderedDictionary<string, object?> Defaults { get; }

    /// <summary>Per-parameter state, keyed by parameter (<c>optimizer.state</c>).</summary>
    public OptimizerState State { get; private set; } = new();

    /// <summary>The parameter groups (<c>optimizer.param_groups</c>).</summary>
    public List<ParamGroup> ParamGroups { get; private set; } = [];

    /// <summary>
    /// Performs one optimization step (<c>optimizer.step(closure)</c>); the closure, if given, re-evaluates the model
    /// with gradients enabled and returns the loss, which is returned.
    /// </summary>
    public abstract Tensor? Step(Func<Tensor>? closure = null);

    /// <summary>Runs the closure with gradients enabled, as <c>with torch.enable_grad(): loss = closure()</c>.</summary>
    protected static Tensor? EvaluateClosure(Func<Tensor>? closure)
    {
        if (closure is null) return null;
        using (Torch.EnableGrad()) return closure();
    }

    /// <summary>
    /// Enters the grad mode a step runs in: off, or on when the optimizer was built with <c>differentiable: true</c>
    /// (PyTorch's <c>_use_grad_for_differentiable</c>).
    /// </summary>
    protected GradModeScope StepGradMode() => Torch.SetGradEnabled(IsDifferentiable);

    private bool IsDifferentiable => Defaults.TryGetValue("differentiable", out var d) && PyValues.ToBool(d, "differentiable");

    /// <summary>
    /// Resets the gradients of all optimized tensors (<c>optimizer.zero_grad(set_to_none)</c>). The default
    /// <paramref name="setToNone"/> is PyTorch 2.x's (true; 1.13 defaulted to false), matching <c>Module.ZeroGrad</c>.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var group in ParamGroups)
            foreach (var p in group.Params)
            {
                if (p.Grad is not { } g) continue;
                if (setToNone) { p.Grad = null; continue; }
                if (g.GradFn is not null) g.Detach_();
                else g.RequiresGrad_(false);
                using (Torch.NoGrad())
                {
                    if (g.IsSparse) g.SparseZero_();
                    else g.Zero_();
                }
            }
    }

    /// <summary>
    /// Adds a parameter group, filling options it lacks from <see cref="Defaults"/> (<c>optimizer.add_param_group</c>);
    /// useful when fine-tuning unfreezes layers. Fails as PyTorch does for non-leaf tensors, a missing required
    /// option, or a parameter already in another group.
    /// </summary>
    public void AddParamGroup(ParamGroup paramGroup)
    {
        ArgumentNullException.ThrowIfNull(paramGroup);
        foreach (var p in paramGroup.Params)
        {
            ArgumentNullException.ThrowIfNull(p, "params");
            if (!IsDifferentiable && !(p.IsLeaf || p.RetainsGrad))
                throw new ArgumentException("can't optimize a non-leaf Tensor");
        }
        foreach (var (name, value) in Defaults)
        {
            if (ReferenceEquals(value, Required) && !paramGroup.ContainsKey(name))
                throw new ArgumentException(
                    "parameter group didn't specify a value of required optimization parameter " + name);
            paramGroup.SetDefault(name, value);
        }
        var own = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in paramGroup.Params) own.Add(p);
        if (own.Count != paramGroup.Params.Count)
            Console.Error.WriteLine(
                "UserWarning: optimizer contains a parameter group with duplicate parameters; in future, this will cause " +
                "an error; see github.com/pytorch/pytorch/issues/40967 for more information");
        foreach (var g in ParamGroups)
            foreach (var p in g.Params)
                if (own.Contains(p)) throw new ArgumentException("some parameters appear in more than one parameter group");
        ParamGroups.Add(paramGroup);
        OnParamGroupAdded(paramGroup);
    }

    /// <summary>Called after a group joins (Adagrad sets up its accumulators here, as its constructor does in PyTorch).</summary>
    protected virtual void OnParamGroupAdded(ParamGroup group) { }

    /// <summary>
    /// The optimizer's state as PyTorch's <c>state_dict()</c> builds it: <c>{"state": {index: {name: value}},
    /// "param_groups": [{option: value, ..., "params": [index, ...]}]}</c>, parameters numbered in group order. State
    /// tensors are shared, not copied, as in PyTorch. The containers are those <c>Torch.Load</c> gives for the same
    /// checkpoint: <c>Dictionary&lt;string, object?&gt;</c> for the top level, the groups and each parameter's state,
    /// <c>Dictionary&lt;long, object?&gt;</c> for <c>state</c>, <c>List&lt;object?&gt;</c> for lists; tuple options
    /// such as <c>betas</c> are tuples. Pass it to <c>Torch.Save</c> to write a checkpoint PyTorch loads.
    /// </summary>
    public Dictionary<string, object?> StateDict()
    {
        var mapping = new Dictionary<Tensor, long>(ReferenceEqualityComparer.Instance);
        long start = 0;
        var groups = new List<object?>();
        foreach (var g in ParamGroups)
        {
            var packed = new Dictionary<string, object?>();
            foreach (var key in g.OptionKeys) packed[key] = g[key];
            var indices = new List<object?>();
            long i = start;
            foreach (var p in g.Params)
            {
                mapping.TryAdd(p, i);
                i++;
            }
            foreach (var p in g.Params) indices.Add(mapping[p]);
            packed["params"] = indices;
            start += indices.Count;
            groups.Add(packed);
        }
        // Int keys: Dictionary<long, object?>, the type Torch.Load gives an optimizer's 'state'.
        IDictionary state = State.Unmapped.Keys.All(k => k is long)
            ? new Dictionary<long, object?>()
            : new Dictionary<object, object?>();
        foreach (var (p, s) in State)
        {
            if (!mapping.TryGetValue(p, out var index))
                throw new KeyNotFoundException("optimizer state holds a tensor that is in no parameter group");
            state[index] = s;
        }
        foreach (var (k, v) in State.Unmapped) state[k] = v;
        return new Dictionary<string, object?> { ["state"] = state, ["param_groups"] = groups };
    }

    /// <summary>
    /// Loads state saved by <see cref="StateDict"/> here or by PyTorch (<c>optimizer.load_state_dict</c>): the groups
    /// must match in number and size; values are deep-copied and state tensors (other than <c>step</c>) converted to
    /// their parameter's dtype (for float parameters) and device; group options are replaced by the saved ones.
    /// </summary>
    public void LoadStateDict(IDictionary stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var saved = (IDictionary)DeepCopy(stateDict)!;
        var savedGroups = PyValues.Items(Get(saved, "param_groups"))
            ?? throw new ArgumentException("param_groups must be a list of dicts");
        if (savedGroups.Count != ParamGroups.Count)
            throw new ArgumentException("loaded state dict has a different number of parameter groups");
        var savedGroupDicts = savedGroups.Select(g => g as IDictionary
            ?? throw new ArgumentException("param_groups must be a list of dicts")).ToList();
        for (int i = 0; i < ParamGroups.Count; i++)
        {
            var ps = PyValues.Items(Get(savedGroupDicts[i], "params"))
                ?? throw new ArgumentException("a saved parameter group's params must be a list of indices");
            if (ps.Count != ParamGroups[i].Params.Count)
                throw new ArgumentException("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
        }
        var idMap = new Dictionary<object, Tensor>();
        for (int i = 0; i < ParamGroups.Count; i++)
        {
            var ps = PyValues.Items(Get(savedGroupDicts[i], "params"))!;
            for (int j = 0; j < ps.Count; j++) idMap[NormalizeKey(ps[j])] = ParamGroups[i].Params[j];
        }
        var state = new OptimizerState();
        if (Get(saved, "state") is IDictionary savedState)
            foreach (DictionaryEntry e in savedState)
            {
                if (idMap.TryGetValue(NormalizeKey(e.Key), out var p))
                {
                    var values = e.Value as IDictionary
                        ?? throw new ArgumentException($"the state of parameter {e.Key} must be a dict");
                    var s = state[p];
                    foreach (DictionaryEntry kv in values)
                    {
                        var name = kv.Key as string ?? throw new ArgumentException("state names must be strings");
                        s[name] = Cast(p, kv.Value, name);
                    }
                }
                else state.Unmapped[e.Key] = e.Value;
            }
        var groups = new List<ParamGroup>();
        for (int i = 0; i < ParamGroups.Count; i++)
        {
            var ng = new ParamGroup(ParamGroups[i].Params);
            foreach (DictionaryEntry kv in savedGroupDicts[i])
            {
                var name = kv.Key as string ?? throw new ArgumentException("group option names must be strings");
                if (name != "params") ng[name] = kv.Value;
            }
            groups.Add(ng);
        }
        State = state;
        ParamGroups = groups;
        Defaults.TryAdd("differentiable", false);
        OnStateLoaded();
    }

    /// <summary>
    /// Called after <see cref="LoadStateDict"/>: an optimizer fills group options missing from older checkpoints and
    /// upgrades state kept in older forms (PyTorch's <c>__setstate__</c>).
    /// </summary>
    protected virtual void OnStateLoaded() { }

    private static object? Get(IDictionary d, string key) =>
        d.Contains(key) ? d[key] : throw new KeyNotFoundException($"KeyError: '{key}'");

    private static object NormalizeKey(object? k) => k switch
    {
        int or long or short or byte or sbyte or uint => Convert.ToInt64(k),
        null => throw new ArgumentException("state dict keys must not be None"),
        _ => k,
    };

    // PyTorch's cast(): tensors follow their parameter's dtype (float parameters only) and device, except "step".
    private static object? Cast(Tensor param, object? value, string? key)
    {
        switch (value)
        {
            case Tensor t:
                if (key != "step")
                {
                    if (param.IsFloatingPoint()) t = t.To(param.DType);
                    t = t.To(param.Device);
                }
                return t;
            case IDictionary d:
                {
                    var r = new Dictionary<object, object?>();
                    foreach (DictionaryEntry e in d) r[e.Key] = Cast(param, e.Value, e.Key as string);
                    return r;
                }
            case string or ITuple: return value;
            case Array a:
                {
                    // A tuple (as Torch.Load gives it): keep it a tuple.
                    var r = new object?[a.Length];
                    for (int i = 0; i < a.Length; i++) r[i] = Cast(param, a.GetValue(i), null);
                    return r;
                }
            case IList l:
                {
                    var r = new List<object?>(l.Count);
                    foreach (var v in l) r.Add(Cast(param, v, null));
                    return r;
                }
            default: return value;
        }
    }

    /// <summary>A deep copy of a state-dict value (<c>copy.deepcopy</c>): tensors cloned, containers rebuilt.</summary>
    private static object? DeepCopy(object? value)
    {
        switch (value)
        {
            case Tensor t:
                if (t.IsSparse) return t.SparseClone();
                using (Torch.NoGrad()) return t.Detach().Clone();
            case string: return value;
            case IDictionary d:
                {
                    var r = (IDictionary)Activator.CreateInstance(d.GetType())!;
                    foreach (DictionaryEntry e in d) r[e.Key] = DeepCopy(e.Value);
                    return r;
                }
            case ITuple tuple when value.GetType().IsValueType: return value;
            case Array a:
                {
                    var r = (Array)a.Clone();
                    for (int i = 0; i < a.Length; i++) r.SetValue(DeepCopy(a.GetValue(i)), i);
                    return r;
                }
            case IList l:
                {
                    var r = (IList)Activator.CreateInstance(l.GetType())!;
                    foreach (var v in l) r.Add(DeepCopy(v));
                    return r;
                }
            default: return value;
        }
    }

    /// <summary>The parameters of a group that have a gradient, with it (the <c>if p.grad is not None</c> loop).</summary>
    protected static IEnumerable<(Tensor Param, Tensor Grad)> WithGrads(ParamGroup group)
    {
        foreach (var p in group.Params)
            if (p.Grad is { } g) yield return (p, g);
    }

    /// <summary>A group's options as PyTorch prints them: <c>SGD (\nParameter Group 0\n    dampening: 0\n ...)</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(GetType().Name).Append(" (");
        for (int i = 0; i < ParamGroups.Count; i++)
        {
            sb.Append('\n').Append("Parameter Group ").Append(i).Append('\n');
            foreach (var key in ParamGroups[i].OptionKeys.Order(StringComparer.Ordinal))
                sb.Append("    ").Append(key).Append(": ").Append(PyValues.Str(ParamGroups[i][key])).Append('\n');
        }
        return sb.Append(')').ToString();
    }
}
