using Flint.Board.Proto;
using Google.Protobuf;

namespace Flint.Board;

public sealed partial class SummaryWriter
{
    /// <summary>
    /// Records a model graph for the graphs dashboard (<c>add_graph</c>): a GraphDef of the graph's nodes
    /// (producer version 22, as PyTorch writes), then run metadata tagged <c>step1</c> naming
    /// <see cref="ModelGraph.Device"/>.
    /// </summary>
    /// <param name="graph">The nodes, e.g. from tracing a module.</param>
    /// <param name="walltime">Seconds since the epoch to record instead of now.</param>
    public void AddGraph(ModelGraph graph, double? walltime = null)
    {
        var def = new GraphDef { Versions = new VersionDef { Producer = 22 } };
        foreach (var n in graph.Nodes) def.Node.Add(NodeProto(n));
        var stepStats = new RunMetadata { StepStats = new StepStats { DevStats = { new DeviceStepStats { Device = graph.Device } } } };
        GetFileWriter().AddGraph(def, stepStats, walltime);
    }

    /// <summary>
    /// <c>node_proto</c>: name, op, inputs, the attribute <c>attr</c> holding <see cref="GraphNode.Attributes"/> and,
    /// for a known shape, <c>_output_shapes</c> holding a list of that one shape.
    /// </summary>
    private static NodeDef NodeProto(GraphNode n)
    {
        var node = new NodeDef { Name = n.Name, Op = n.Op };
        if (n.Inputs is not null) node.Input.AddRange(n.Inputs);
        node.Attr["attr"] = new AttrValue { S = ByteString.CopyFromUtf8(n.Attributes) };
        if (n.OutputShape is not null)
        {
            var shape = new TensorShapeProto();
            foreach (var d in n.OutputShape) shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
            node.Attr["_output_shapes"] = new AttrValue { List = new AttrValue.Types.ListValue { Shape = { shape } } };
        }
        return node;
    }
}
