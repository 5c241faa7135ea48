using System.Globalization;
using System.Text;
using Flint.Autograd;
using Flint.NN;

namespace Flint.Board;

/// <summary>
/// Traces a model into a <see cref="ModelGraph"/> for TensorBoard's graph dashboard, as PyTorch's <c>add_graph</c>
/// does with <c>torch.jit.trace</c>: the model runs once on the example input with gradients recorded, every module
/// call is watched, and the recorded operations are named after the module that ran them
/// (<c>Net/Conv2d[conv1]/3</c>) with PyTorch's op names (<c>aten::convolution</c>, <c>aten::relu</c>,
/// <c>aten::max_pool2d_with_indices</c>, <c>aten::view</c>, <c>aten::addmm</c>), the model's parameters as
/// <c>prim::GetAttr</c> nodes and the input and output as <c>IO Node</c>s.
/// </summary>
/// <remarks>
/// The graph is read from the operations autograd records, so operations that record none (those on tensors that need
/// no gradient, such as <c>argmax</c>, or inside <c>NoGrad</c>) are not shown, and constants PyTorch lists as
/// <c>prim::Constant</c> nodes (kernel sizes, strides) are not nodes here. Modules run through <c>Call</c> (PyTorch's
/// <c>module(x)</c>) are seen; a sub-module whose <c>Forward</c> is called directly counts as part of its caller.
/// </remarks>
public static class ModuleTracer
{
    private sealed class Observer : IModuleCallObserver
    {
        private readonly Tensor probe = Torch.Zeros([], requiresGrad: true);
        private readonly Stack<(Module Module, long Start)> open = new();

        public readonly List<(Module Module, long Start, long End)> Calls = [];

        // A node made now carries the next sequence number, so it marks this moment in the record.
        private long Now()
        {
            using (Torch.EnableGrad()) return probe.Mul(1).GradFn!.sequenceNr;
        }

        public void Enter(Module module, object?[] inputs) => open.Push((module, Now()));

        public void Leave(Module module, object? output)
        {
            var (m, start) = open.Pop();
            Calls.Add((m, start, Now()));
        }
    }

    /// <summary>Runs <paramref name="model"/> on <paramref name="input"/> and returns the graph it computed.</summary>
    /// <param name="model">The model (<c>add_graph(model, input_to_model)</c>'s model).</param>
    /// <param name="input">An example input; its values do not matter, its shape does.</param>
    public static ModelGraph Trace(Module<Tensor, Tensor> model, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        var leaf = input.Detach().Clone().RequiresGrad_();
        var observer = new Observer();
        var previous = Module.CallObserver;
        Module.CallObserver = observer;
        Tensor output;
        try
        {
            using (Torch.EnableGrad()) output = model.Call(leaf);
        }
        finally
        {
            Module.CallObserver = previous;
        }
        if (output.GradFn is null)
            throw new InvalidOperationException("add_graph: the model's output does not depend on its input through operations autograd records");

        var paths = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, m) in model.NamedModules()) paths.TryAdd(m, name);
        var paramNames = new Dictionary<Tensor, (string Owner, string Name)>(ReferenceEqualityComparer.Instance);
        foreach (var (name, p) in model.NamedParameters())
        {
            var dot = name.LastIndexOf('.');
            paramNames.TryAdd(p, dot < 0 ? ("", name) : (name[..dot], name[(dot + 1)..]));
        }
        string rootName = model.GetName();
        string Scope(Module? m)
        {
            if (m is null || !paths.TryGetValue(m, out var path) || path.Length == 0) return rootName;
            var sb = new StringBuilder(rootName);
            Module current = model;
            foreach (var part in path.Split('.'))
            {
                current = current.GetSubmodule(part);
                sb.Append('/').Append(current.GetName()).Append('[').Append(part).Append(']');
            }
            return sb.ToString();
        }
        string ScopeOfPath(string path) => path.Length == 0 ? rootName : Scope(model.GetSubmodule(path));

        // Every node behind the output, in the order the forward pass made them.
        var nodes = new List<Node>();
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>();
        stack.Push(output.GradFn);
        seen.Add(output.GradFn);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            nodes.Add(n);
            foreach (var e in n.nextEdges)
                if (e.Function is { } next && seen.Add(next)) stack.Push(next);
        }
        var ops = nodes.Where(n => n is not AccumulateGrad).OrderBy(n => n.sequenceNr).ToList();

        // The shape each node produced, as its consumers recorded it.
        var shapes = new Dictionary<Node, long[]>(ReferenceEqualityComparer.Instance) { [output.GradFn] = output.shape };
        foreach (var n in nodes)
            for (int i = 0; i < n.nextEdges.Length; i++)
                if (n.nextEdges[i].Function is { } producer) shapes.TryAdd(producer, n.inputShapes[i]);

        Module? Owner(long seq)
        {
            Module? best = null;
            long width = long.MaxValue;
            foreach (var (m, start, end) in observer.Calls)
                if (seq > start && seq < end && end - start < width) (best, width) = (m, end - start);
            return best;
        }

        var graph = new List<GraphNode>();
        var names = new Dictionary<Node, string>(ReferenceEqualityComparer.Instance);
        const string inputName = "input/input.1";
        graph.Add(new GraphNode(inputName, "IO Node", [], leaf.shape));
        var outputIndex = graph.Count;
        graph.Add(new GraphNode("output/output.1", "IO Node", [], output.shape));
        var leaves = new Dictionary<Tensor, Node>(ReferenceEqualityComparer.Instance);
        foreach (var n in nodes)
            if (n is AccumulateGrad acc) leaves.TryAdd(acc.Variable, n);
        if (leaves.TryGetValue(leaf, out var inputNode)) names[inputNode] = inputName;
        foreach (var (p, pn) in paramNames)
        {
            if (!leaves.TryGetValue(p, out var n)) continue;
            var name = $"{ScopeOfPath(pn.Owner)}/{pn.Name}/{pn.Name}";
            names[n] = name;
            graph.Add(new GraphNode(name, "prim::GetAttr", [], null, $"{{ name :  {pn.Name} }}"));
        }
        int id = 1;
        foreach (var n in ops)
        {
            var name = $"{Scope(Owner(n.sequenceNr))}/{id++.ToString(CultureInfo.InvariantCulture)}";
            names[n] = name;
            var inputs = n.nextEdges.Where(e => e.Function is not null && names.ContainsKey(e.Function)).Select(e => names[e.Function!]).ToList();
            graph.Add(new GraphNode(name, AtenName(n.Name), inputs, shapes.GetValueOrDefault(n), "{}"));
        }
        graph[outputIndex] = graph[outputIndex] with { Inputs = [names[output.GradFn]] };
        return new ModelGraph(graph);
    }

    /// <summary>PyTorch's op name for an autograd node: <c>ConvolutionBackward0</c> becomes <c>aten::convolution</c>.</summary>
    public static string AtenName(string nodeName)
    {
        var name = nodeName;
        int cut = name.LastIndexOf("Backward", StringComparison.Ordinal);
        if (cut > 0) name = name[..cut];
        var sb = new StringBuilder("aten::");
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool boundary = i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])));
            if (boundary && name[i - 1] != '_') sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}

public sealed partial class SummaryWriter
{
    /// <summary>
    /// Records a model's graph for the graphs dashboard (<c>add_graph(model, input_to_model)</c>): the model runs once on
    /// <paramref name="inputToModel"/> and <see cref="ModuleTracer"/> turns what it computed into the graph.
    /// </summary>
    public void AddGraph(Module<Tensor, Tensor> model, Tensor inputToModel) => AddGraph(ModuleTracer.Trace(model, inputToModel));
}
