using System.Text.Json;
using Flint.Board;
using Flint.Examples.Scenarios;
using Flint.NN;
using Flint.Tests.Board;
using F = Flint.NN.Functional;

namespace Flint.Tests.Scenarios;

/// <summary>SCENARIOS.md V2: AddGraph(model, input) traces the model into the graph PyTorch's tracer draws.</summary>
public class GraphScenarioTests
{
    // tests/parity/board.py's Net, traced by PyTorch into tests/fixtures/board/inputs.json ("graph").
    private sealed class Net : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1 = new(1, 2, 3);
        private readonly Linear fc = new(8, 3);

        public override Tensor Forward(Tensor x) => fc.Call(F.MaxPool2d(F.Relu(conv1.Call(x)), 2).View(-1, 8));
    }

    private static List<JsonElement> PyTorchNodes()
    {
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "board", "inputs.json")));
        var graph = doc.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "graph");
        return graph.GetProperty("nodes").EnumerateArray().ToList();
    }

    [Fact]
    public void TraceHasPyTorchsScopesParametersAndShapes()
    {
        var graph = ModuleTracer.Trace(new Net(), Torch.Zeros(1, 1, 6, 6));
        var torch = PyTorchNodes();
        var io = graph.Nodes.Where(n => n.Op == "IO Node").ToList();
        Assert.Equal([1L, 1, 6, 6], io[0].OutputShape);
        Assert.StartsWith("input/", io[0].Name);
        Assert.Equal("output/output.1", io[1].Name);
        Assert.Equal(torch.Single(n => n.GetProperty("name").GetString() == "output/output.1").GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()),
            io[1].OutputShape);

        // The parameters, by scope and name, as PyTorch's prim::GetAttr nodes.
        var getAttrs = graph.Nodes.Where(n => n.Op == "prim::GetAttr").Select(n => (n.Name[..n.Name.LastIndexOf('/')], n.Attributes)).ToHashSet();
        var torchAttrs = torch.Where(n => n.GetProperty("op").GetString() == "prim::GetAttr")
            .Select(n => n.GetProperty("name").GetString()!).Select(n => n[..n.LastIndexOf('/')]).ToHashSet();
        Assert.Equal(torchAttrs, getAttrs.Select(a => a.Item1).ToHashSet());
        Assert.Contains(("Net/Conv2d[conv1]/weight", "{ name :  weight }"), getAttrs);

        // Each traced op sits in the scope PyTorch puts it in, with its output shape.
        var convolution = graph.Nodes.Single(n => n.Op == "aten::convolution");
        Assert.StartsWith("Net/Conv2d[conv1]/", convolution.Name);
        Assert.Equal([1L, 2, 4, 4], convolution.OutputShape);
        Assert.Contains("input/input.1", convolution.Inputs!);
        Assert.Contains("Net/Conv2d[conv1]/weight/weight", convolution.Inputs!);
        var relu = graph.Nodes.Single(n => n.Op == "aten::relu");
        Assert.Matches(@"^Net/\d+$", relu.Name);
        Assert.Equal([convolution.Name], relu.Inputs);
        var pool = graph.Nodes.Single(n => n.Op.StartsWith("aten::max_pool2d", StringComparison.Ordinal));
        Assert.Equal([1L, 2, 2, 2], pool.OutputShape);
        var view = graph.Nodes.Single(n => n.Op == "aten::view");
        Assert.Equal([1L, 8], view.OutputShape);
        var last = graph.Nodes.Single(n => n.Name == io[1].Inputs![0]);
        Assert.StartsWith("Net/Linear[fc]/", last.Name);
        Assert.Equal([1L, 3], last.OutputShape);
    }

    [Fact]
    public void NestedModulesAreNestedScopes()
    {
        var model = new Sequential(new Sequential(new Linear(4, 3), new ReLU()), new Linear(3, 2));
        var graph = ModuleTracer.Trace(model, Torch.Randn(5, 4));
        Assert.Contains(graph.Nodes, n => n.Name.StartsWith("Sequential/Sequential[0]/Linear[0]/", StringComparison.Ordinal) && n.Op != "prim::GetAttr");
        Assert.Contains(graph.Nodes, n => n.Name.StartsWith("Sequential/Sequential[0]/ReLU[1]/", StringComparison.Ordinal) && n.Op == "aten::relu");
        Assert.Contains(graph.Nodes, n => n.Name == "Sequential/Linear[1]/bias/bias");
    }

    [Fact]
    public void AtenNamesFollowPyTorch()
    {
        Assert.Equal("aten::convolution", ModuleTracer.AtenName("ConvolutionBackward0"));
        Assert.Equal("aten::max_pool2d_with_indices", ModuleTracer.AtenName("MaxPool2DWithIndicesBackward0"));
        Assert.Equal("aten::addmm", ModuleTracer.AtenName("AddmmBackward0"));
        Assert.Equal("aten::log_softmax", ModuleTracer.AtenName("LogSoftmaxBackward0"));
    }

    [Fact]
    public void V2_WritesTheGraphEvent()
    {
        var dir = BoardTestDirs.Make("v2-graph");
        Assert.Equal(0, new V2Graph().Run([dir], TextWriter.Null));
        var events = EventFileReader.ReadEvents(Directory.GetFiles(dir, "events.out.tfevents.*").Single());
        Assert.Contains(events, e => !e.GraphDef.IsEmpty);
    }
}
