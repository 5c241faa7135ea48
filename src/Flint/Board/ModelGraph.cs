namespace Flint.Board;

/// <summary>
/// One node of a <see cref="ModelGraph"/>: what PyTorch's <c>add_graph</c> turns into a TensorBoard NodeDef
/// (<c>_proto_graph.node_proto</c>).
/// </summary>
/// <param name="Name">The node's full scoped name; '/' separates the scopes TensorBoard folds into boxes, e.g.
/// <c>Net/Conv2d[conv1]/input.3</c>, <c>input/x</c>, <c>output/output.1</c>.</param>
/// <param name="Op">The operation: an op kind such as <c>aten::_convolution</c>, <c>prim::GetAttr</c> or
/// <c>prim::Constant</c>; <c>IO Node</c> for graph inputs and outputs; <c>UnSpecified</c> when unknown.</param>
/// <param name="Inputs">Full names of the nodes whose outputs this node reads, in argument order.</param>
/// <param name="OutputShape">The shape of the tensor the node produces, or null when it produces no tensor of
/// known shape (written as the <c>_output_shapes</c> attribute).</param>
/// <param name="Attributes">Free text shown with the node (PyTorch writes its attribute dict, e.g.
/// <c>{ name :  weight }</c>), written as the <c>attr</c> attribute.</param>
public sealed record GraphNode(string Name, string Op = "UnSpecified", IReadOnlyList<string>? Inputs = null,
    IReadOnlyList<long>? OutputShape = null, string Attributes = "");

/// <summary>
/// A model's computation graph as TensorBoard's graph dashboard shows it (what PyTorch's <c>add_graph</c> builds
/// from a <c>torch.jit</c> trace): nodes in order, each naming its inputs.
/// </summary>
/// <remarks>
/// To look like PyTorch's, a module tracer produces, in this order: one <c>IO Node</c> per used model input named
/// <c>input/&lt;name&gt;</c> with its shape; one <c>IO Node</c> per output named <c>output/output.&lt;i&gt;</c> (from
/// 1) whose input is the producing node; then one node per traced operation, named
/// <c>&lt;Model class&gt;/&lt;Class&gt;[&lt;attribute&gt;]/.../&lt;value name&gt;</c> after the module that ran it
/// (e.g. <c>Net/Conv2d[conv1]/73</c>, <c>Net/Linear[fc]/weight/weight</c>), with op <c>aten::&lt;op&gt;</c>,
/// <c>prim::Constant</c>, <c>prim::ListConstruct</c> or <c>prim::GetAttr</c> (parameters), the output shape for
/// tensor results only, and attributes as PyTorch prints them (<c>{ value : 1}</c>, <c>{ name :  weight }</c>,
/// <c>{}</c>).
/// </remarks>
/// <param name="Nodes">The nodes, inputs before the nodes that use them.</param>
/// <param name="Device">The device recorded in the run metadata; PyTorch always writes <c>/device:CPU:0</c>.</param>
public sealed record ModelGraph(IReadOnlyList<GraphNode> Nodes, string Device = "/device:CPU:0");
