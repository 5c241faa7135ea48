namespace Flint.Autograd;

/// <summary>An input slot of a node in the backward graph: gradients for that input flow to <see cref="Function"/>.</summary>
internal readonly record struct Edge(Node? Function, int InputNr)
{
    public bool IsValid => Function is not null;
}

/// <summary>
/// A function of the backward graph (<c>torch.autograd.graph.Node</c>, the object behind <c>x.grad_fn</c>): it takes
/// the gradients of its forward outputs and returns those of its forward inputs.
/// </summary>
public abstract class Node
{
    private static long sequence;

    internal Edge[] nextEdges = [];
    // Shape and dtype of each forward input, so that incoming gradients are summed to shape and cast as PyTorch does.
    internal long[][] inputShapes = [];
    internal DType[] inputDTypes = [];
    internal readonly long sequenceNr = Interlocked.Increment(ref sequence);
    internal List<Func<Tensor, Tensor?>>?[]? tensorPreHooks;
    private List<Action<Tensor?[], Tensor?[]>>? postHooks;

    /// <summary>The class name PyTorch gives this node, e.g. <c>MulBackward0</c>.</summary>
    public abstract string Name { get; }

    /// <summary>How many forward outputs (and so incoming gradients) the node has.</summary>
    internal abstract int NumOutputs { get; }

    /// <summary>The nodes gradients flow to next, with the input slot of each (<c>grad_fn.next_functions</c>).</summary>
    public IReadOnlyList<(Node? Node, int InputNr)> NextFunctions
    {
        get
        {
            var r = new (Node?, int)[nextEdges.Length];
            for (int i = 0; i < r.Length; i++) r[i] = (nextEdges[i].Function, nextEdges[i].InputNr);
            return r;
        }
    }

    /// <summary>Computes input gradients from output gradients (entries may be null for "no gradient").</summary>
    internal abstract Tensor?[] Apply(Tensor?[] gradOutputs);

    /// <summary>Frees saved tensors once the graph is no longer needed.</summary>
    internal virtual void ReleaseVariables() { }

    /// <summary>True if gradient for forward input <paramref name="i"/> is wanted (<c>ctx.needs_input_grad[i]</c>).</summary>
    public bool NeedsInputGrad(int i) => i < nextEdges.Length && nextEdges[i].IsValid;

    /// <summary>
    /// Registers a hook called after the node runs with its input gradients and output gradients
    /// (<c>grad_fn.register_hook</c>).
    /// </summary>
    public void RegisterHook(Action<Tensor?[], Tensor?[]> hook) => (postHooks ??= []).Add(hook);

    internal void RunPostHooks(Tensor?[] gradInputs, Tensor?[] gradOutputs)
    {
        if (postHooks is null) return;
        foreach (var h in postHooks) h(gradInputs, gradOutputs);
    }

    internal void AddTensorPreHook(int output, Func<Tensor, Tensor?> hook)
    {
        tensorPreHooks ??= new List<Func<Tensor, Tensor?>>?[NumOutputs];
        (tensorPreHooks[output] ??= []).Add(hook);
    }

    internal void SetInputs(ReadOnlySpan<Tensor?> inputs)
    {
        nextEdges = new Edge[inputs.Length];
        inputShapes = new long[inputs.Length][];
        inputDTypes = new DType[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i];
            if (t is null) { inputShapes[i] = []; continue; }
            nextEdges[i] = t.GradientEdge();
            inputShapes[i] = t.shape;
            inputDTypes[i] = t.dtype;
        }
    }

    /// <summary>Prints as PyTorch's repr: <c>&lt;MulBackward0 object&gt;</c>.</summary>
    public override string ToString() => $"<{Name} object>";
}

/// <summary>A node recorded by an op: its derivative formula over saved tensors.</summary>
internal sealed class FunctionNode : Node
{
    private readonly string name;
    private readonly int numOutputs;
    private Func<FunctionNode, Tensor?[]>? backward;
    private SavedTensor[] saved;
    private Tensor?[] grads = [];

    public FunctionNode(string name, int numOutputs, Tensor?[] save, Func<FunctionNode, Tensor?[]> backward)
    {
        this.name = name;
        this.numOutputs = numOutputs;
        this.backward = backward;
        saved = new SavedTensor[save.Length];
        for (int i = 0; i < save.Length; i++) saved[i] = new SavedTensor(save[i]);
    }

    public override string Name => name;

    internal override int NumOutputs => numOutputs;

    /// <summary>The gradient of output 0 (never null for single-output nodes).</summary>
    public Tensor Grad => grads[0]!;

    /// <summary>All output gradients; entries are null where an output received none.</summary>
    public Tensor?[] Grads => grads;

    /// <summary>The i-th saved tensor, checked against in-place changes since it was saved.</summary>
    public Tensor Saved(int i) => saved[i].Unpack(this);

    /// <summary>The i-th saved tensor, or null if null was saved.</summary>
    public Tensor? SavedOrNull(int i) => saved[i].UnpackOrNull(this);

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        if (backward is null) throw SavedTensor.Freed();
        grads = gradOutputs;
        try { return backward(this); }
        finally { grads = []; }
    }

    internal override void ReleaseVariables()
    {
        backward = null;
        foreach (var s in saved) s.Release();
    }
}

/// <summary>Adds incoming gradient into a leaf's <c>.grad</c> (PyTorch's <c>AccumulateGrad</c>).</summary>
internal sealed class AccumulateGrad : Node
{
    public readonly Tensor Variable;

    public AccumulateGrad(Tensor variable)
    {
        Variable = variable;
        inputShapes = [variable.shape];
        inputDTypes = [variable.dtype];
    }

    public override string Name => "AccumulateGrad";

    internal override int NumOutputs => 1;

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var g = gradOutputs[0];
        if (g is null) return [];
        if (Variable.hooks is not null)
            foreach (var h in Variable.hooks)
                g = h(g) ?? g;
        var old = Variable.grad;
        if (old is null)
            // Detached and owned: the incoming buffer may be shared with other consumers of the same gradient.
            Variable.grad = GradMode.IsEnabled && !g.IsSparse ? g.Clone() : SparseGradients.Own(g);
        else if (old.IsSparse || g.IsSparse)
            Variable.grad = GradMode.IsEnabled ? SparseGradients.Add(old, g) : SparseGradients.AccumulateInPlace(old, g);
        else if (GradMode.IsEnabled)
            Variable.grad = old.Add(g);
        else
            old.Add_(g);
        return [];
    }
}

/// <summary>A tensor kept for backward, with the version it had when saved (PyTorch's <c>SavedVariable</c>).</summary>
internal sealed class SavedTensor
{
    private Tensor? tensor;
    private readonly int version;
    private readonly bool wasNull;
    private bool released;

    public SavedTensor(Tensor? t)
    {
        tensor = t;
        wasNull = t is null;
        version = t?.version.Value ?? 0;
    }

    public Tensor Unpack(Node owner) =>
        UnpackOrNull(owner) ?? throw new InvalidOperationException($"{owner.Name}: a saved tensor is null");

    public Tensor? UnpackOrNull(Node owner)
    {
        if (released) throw Freed();
        if (wasNull) return null;
        var t = tensor!;
        if (t.version.Value != version)
        {
            var where = t.gradFn is { } fn ? $", which is output {t.outputNr} of {fn.Name}," : "";
            throw new InvalidOperationException(
                "one of the variables needed for gradient computation has been modified by an inplace operation: " +
                $"[{t.dtype.TensorTypeName()} {Shapes.Format(t.shape)}]{where} is at version {t.version.Value}; " +
                $"expected version {version} instead. Hint: the backtrace further above shows the operation that failed " +
                $"to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!");
        }
        return t;
    }

    public void Release()
    {
        released = true;
        tensor = null;
    }

    public static InvalidOperationException Freed() => new(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already " +
        "been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). " +
        "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access " +
        "saved tensors after calling backward.");
}
