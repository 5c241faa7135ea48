namespace Flint.Autograd;

/// <summary>
/// Runs the backward graph (PyTorch's <c>torch/csrc/autograd/engine.cpp</c>): counts dependencies from the roots,
/// then executes each node once all gradients for it have arrived, later-created nodes first.
/// </summary>
internal static class Engine
{
    /// <summary>
    /// Backpropagates <paramref name="grads"/> from <paramref name="roots"/>. With <paramref name="capture"/> the
    /// gradients reaching those edges are returned instead of accumulated into leaves (<c>torch.autograd.grad</c>);
    /// <paramref name="accumulateOnly"/> limits accumulation to those leaves (<c>backward(inputs=...)</c>).
    /// </summary>
    public static Tensor?[] Execute(Tensor[] roots, Tensor[] grads, bool keepGraph, bool createGraph,
        Edge[]? capture = null, HashSet<Node>? accumulateOnly = null)
    {
        var rootEdges = new Edge[roots.Length];
        for (int i = 0; i < roots.Length; i++)
        {
            var e = roots[i].GradientEdge();
            if (!e.IsValid)
                throw new InvalidOperationException($"element {i} of tensors does not require grad and does not have a grad_fn");
            rootEdges[i] = e;
        }

        var deps = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var needed = capture is null ? null : NeededNodes(rootEdges, capture);
        var stack = new Stack<Node>();
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        foreach (var e in rootEdges)
            if (seen.Add(e.Function!)) stack.Push(e.Function!);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            foreach (var e in n.nextEdges)
            {
                if (e.Function is not { } next) continue;
                if (needed is not null && !needed.Contains(next)) continue;
                deps[next] = deps.GetValueOrDefault(next) + 1;
                if (seen.Add(next)) stack.Push(next);
            }
        }

        var captured = capture is null ? [] : new Tensor?[capture.Length];
        var buffers = new Dictionary<Node, Tensor?[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < roots.Length; i++)
            AddToBuffer(buffers, rootEdges[i], grads[i]);

        var ready = new PriorityQueue<Node, long>();
        var started = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        foreach (var e in rootEdges)
            if (!deps.ContainsKey(e.Function!) && started.Add(e.Function!))
                ready.Enqueue(e.Function!, -e.Function!.sequenceNr);

        using var mode = GradMode.Set(createGraph);
        while (ready.Count > 0)
        {
            var node = ready.Dequeue();
            if (!buffers.Remove(node, out var inputs)) inputs = new Tensor?[node.NumOutputs];
            RunPreHooks(node, inputs);
            if (capture is not null)
                for (int c = 0; c < capture.Length; c++)
                    if (ReferenceEquals(capture[c].Function, node) && inputs[capture[c].InputNr] is { } g)
                        captured[c] = g;

            Tensor?[] outputs;
            bool skip = node is AccumulateGrad && (capture is not null || (accumulateOnly is not null && !accumulateOnly.Contains(node)));
            if (skip || Array.TrueForAll(inputs, g => g is null))
                outputs = new Tensor?[node.nextEdges.Length];
            else
            {
                outputs = node.Apply(inputs);
                node.RunPostHooks(outputs, inputs);
            }
            if (!keepGraph) node.ReleaseVariables();

            for (int i = 0; i < node.nextEdges.Length; i++)
            {
                var e = node.nextEdges[i];
                if (e.Function is not { } next || !deps.ContainsKey(next)) continue;
                if (i < outputs.Length && outputs[i] is { } g)
                    AddToBuffer(buffers, e, Validate(node, i, g));
                if (--deps[next] == 0)
                {
                    deps.Remove(next);
                    ready.Enqueue(next, next is AccumulateGrad ? long.MinValue : -next.sequenceNr);
                }
            }
        }
        return captured;
    }

    private static void RunPreHooks(Node node, Tensor?[] inputs)
    {
        if (node.tensorPreHooks is null) return;
        for (int o = 0; o < inputs.Length && o < node.tensorPreHooks.Length; o++)
        {
            if (node.tensorPreHooks[o] is not { } hooks || inputs[o] is not { } g) continue;
            foreach (var h in hooks) g = h(g) ?? g;
            inputs[o] = g;
        }
    }

    // The nodes that lie on a path from the roots to one of the captured edges.
    private static HashSet<Node> NeededNodes(Edge[] roots, Edge[] capture)
    {
        var targets = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        foreach (var c in capture) targets.Add(c.Function!);
        var memo = new Dictionary<Node, bool>(ReferenceEqualityComparer.Instance);
        var result = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        // Iterative post-order DFS; the graph is a DAG.
        var stack = new Stack<(Node node, int next)>();
        foreach (var r in roots)
        {
            if (memo.ContainsKey(r.Function!)) continue;
            stack.Push((r.Function!, 0));
            while (stack.Count > 0)
            {
                var (n, idx) = stack.Pop();
                if (idx < n.nextEdges.Length)
                {
                    stack.Push((n, idx + 1));
                    if (n.nextEdges[idx].Function is { } c && !memo.ContainsKey(c)) stack.Push((c, 0));
                    continue;
                }
                bool need = targets.Contains(n);
                foreach (var e in n.nextEdges)
                    if (e.Function is { } c && memo.TryGetValue(c, out var cn) && cn) need = true;
                memo[n] = need;
                if (need) result.Add(n);
            }
        }
        return result;
    }

    private static void AddToBuffer(Dictionary<Node, Tensor?[]> buffers, Edge e, Tensor g)
    {
        var node = e.Function!;
        if (!buffers.TryGetValue(node, out var buf))
            buffers[node] = buf = new Tensor?[node.NumOutputs];
        buf[e.InputNr] = buf[e.InputNr] is { } old ? (old.IsSparse || g.IsSparse ? SparseGradients.Add(old, g) : old.Add(g)) : g;
    }

    // Sums a broadcast gradient back to the input's shape and casts it to the input's dtype (validate_outputs).
    private static Tensor Validate(Node node, int i, Tensor g)
    {
        var shape = node.inputShapes[i];
        if (!g.shape.AsSpan().SequenceEqual(shape))
        {
            if (!IsExpandableTo(shape, g.shape))
                throw new InvalidOperationException(
                    $"Function {node.Name} returned an invalid gradient at index {i} - got {Shapes.Format(g.shape)} " +
                    $"but expected shape compatible with {Shapes.Format(shape)}");
            g = g.SumToSize(shape);
        }
        if (g.dtype != node.inputDTypes[i] && node.inputDTypes[i].IsFloatingPoint()) g = g.To(node.inputDTypes[i]);
        return g;
    }

    private static bool IsExpandableTo(long[] shape, long[] target)
    {
        if (shape.Length > target.Length) return false;
        for (int i = 0; i < shape.Length; i++)
        {
            var s = shape[shape.Length - 1 - i];
            var t = target[target.Length - 1 - i];
            if (s != t && s != 1) return false;
        }
        return true;
    }
}
