namespace Flint.Autograd;

/// <summary>
/// How an op records its derivative: <c>if (Graph.Needs(a, b)) Graph.Record(result, "MulBackward0", [a, b], [a, b],
/// n => [...])</c>. The backward is written in differentiable tensor ops over <c>n.Grad</c> and <c>n.Saved(i)</c>,
/// so running it with grad mode on (create_graph) records second-order history for free.
/// </summary>
internal static class Graph
{
    public static bool Needs(Tensor a) => GradMode.IsEnabled && a.RequiresGrad;

    public static bool Needs(Tensor a, Tensor b) => GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad);

    public static bool Needs(ReadOnlySpan<Tensor?> ts)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in ts)
            if (t is not null && t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Makes a node and attaches it as the history of <paramref name="output"/>.</summary>
    public static FunctionNode Record(Tensor output, string name, Tensor?[] inputs, Tensor?[] saved,
        Func<FunctionNode, Tensor?[]> backward) => Record([output], name, inputs, saved, backward);

    /// <summary>Makes a node with several outputs; integer outputs (indices) get no history, as in PyTorch.</summary>
    public static FunctionNode Record(Tensor[] outputs, string name, Tensor?[] inputs, Tensor?[] saved,
        Func<FunctionNode, Tensor?[]> backward)
    {
        var node = new FunctionNode(name, outputs.Length, saved, backward);
        node.SetInputs(inputs);
        for (int i = 0; i < outputs.Length; i++)
        {
            var o = outputs[i];
            if (!o.dtype.IsFloatingPoint()) continue;
            o.gradFn = node;
            o.outputNr = i;
            o.viewVersion = o.version.Value;
        }
        return node;
    }
}
