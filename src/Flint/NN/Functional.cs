using Flint.Autograd;
using Flint.Ops;

namespace Flint.NN;

/// <summary>
/// The functional interface of the layers (<c>torch.nn.functional</c>); write <c>using F = Flint.NN.Functional;</c>
/// and call <c>F.Relu(x)</c>, <c>F.Linear(x, w, b)</c>, <c>F.Softmax(x, 1)</c>. Split by family over partial files.
/// </summary>
public static partial class Functional
{
    /// <summary>
    /// The input gradients of a fused op when the backward itself must be differentiable (<c>create_graph</c>): the
    /// op's composite form is recomputed from the saved inputs and differentiated with autograd, so any order of
    /// derivative is exact. Entries are null where <paramref name="n"/> needs no gradient.
    /// </summary>
    internal static Tensor?[] CompositeGrads(FunctionNode n, Tensor?[] inputs, Func<Tensor?[], Tensor> composite)
    {
        var wanted = new List<int>();
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is not null && n.NeedsInputGrad(i)) wanted.Add(i);
        var result = new Tensor?[inputs.Length];
        if (wanted.Count == 0) return result;
        var y = composite(inputs);
        var grads = Torch.Autograd.Grad([y], wanted.Select(i => inputs[i]!).ToArray(), [n.Grad], createGraph: true, allowUnused: true);
        for (int k = 0; k < wanted.Count; k++) result[wanted[k]] = grads[k] ?? Torch.ZerosLike(inputs[wanted[k]]!);
        return result;
    }

    /// <summary>True while a backward pass records its own history (<c>create_graph=True</c>).</summary>
    internal static bool CreatingGraph => GradMode.IsEnabled;
}
