using Flint.Board;

namespace Flint.Examples.Scenarios;

/// <summary>
/// V2: <c>writer.add_graph(model, images)</c>: the seeds' LeNet traced on a batch of images and written for
/// TensorBoard's Graphs tab, where each layer is a box (<c>Net/Conv2d[conv1]</c>, ...) holding its operations.
/// </summary>
public sealed class V2Graph : IExample
{
    /// <inheritdoc/>
    public string Name => "v2";

    /// <inheritdoc/>
    public string Summary => "add_graph(model, images): the LeNet's traced graph for TensorBoard's Graphs tab";

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        var logDir = args.Length > 0 ? args[0] : Path.Combine("runs", "lenet_graph");
        Torch.ManualSeed(0);
        var model = new M1LeNet.Net();
        var images = Torch.Randn(4, 1, 32, 32);
        var graph = ModuleTracer.Trace(model, images);
        foreach (var node in graph.Nodes)
            o.WriteLine($"{node.Name,-36} {node.Op,-34} {(node.OutputShape is null ? "" : "[" + string.Join(", ", node.OutputShape) + "]")}");
        var writer = new SummaryWriter(logDir);
        writer.AddGraph(model, images);
        writer.Close();
        o.WriteLine($"graph of {graph.Nodes.Count} nodes written to {writer.LogDir}");
        return 0;
    }
}
