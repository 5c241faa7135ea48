using Flint.Autograd;

namespace Flint;

public static partial class Torch
{
    /// <summary>The functional autograd API (<c>torch.autograd</c>).</summary>
    public static class Autograd
    {
        /// <summary>
        /// Gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, returned instead of
        /// accumulated into <c>.Grad</c> (<c>torch.autograd.grad</c>). An input the outputs do not depend on gives
        /// null when <paramref name="allowUnused"/>, otherwise PyTorch's error.
        /// </summary>
        public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs = null,
            bool? retainGraph = null, bool createGraph = false, bool allowUnused = false)
        {
            var grads = new Tensor[outputs.Length];
            for (int i = 0; i < outputs.Length; i++)
            {
                var g = gradOutputs is not null && i < gradOutputs.Length ? gradOutputs[i] : null;
                if (g is null)
                {
                    if (outputs[i].Numel() != 1)
                        throw new InvalidOperationException("grad can be implicitly created only for scalar outputs");
                    g = Torch.OnesLike(outputs[i]);
                }
                grads[i] = g;
            }
            var edges = new Edge[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                if (!inputs[i].RequiresGrad)
                    throw new InvalidOperationException("One of the differentiated Tensors does not require grad");
                edges[i] = inputs[i].GradientEdge();
            }
            var result = Engine.Execute(outputs, grads, retainGraph ?? createGraph, createGraph, capture: edges);
            for (int i = 0; i < result.Length; i++)
            {
                if (result[i] is null && !allowUnused)
                    throw new InvalidOperationException(
                        "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
                if (result[i] is { } r && !createGraph) result[i] = r.Detach();
            }
            return result;
        }

        /// <summary>Gradient of one output with respect to inputs (<c>torch.autograd.grad(out, inputs)</c>).</summary>
        public static Tensor?[] Grad(Tensor output, Tensor[] inputs, Tensor? gradOutput = null,
            bool? retainGraph = null, bool createGraph = false, bool allowUnused = false) =>
            Grad([output], inputs, [gradOutput], retainGraph, createGraph, allowUnused);

        /// <summary>Backpropagates several outputs at once (<c>torch.autograd.backward</c>).</summary>
        public static void Backward(Tensor[] tensors, Tensor?[]? gradTensors = null, bool? retainGraph = null, bool createGraph = false)
        {
            var grads = new Tensor[tensors.Length];
            for (int i = 0; i < tensors.Length; i++)
                grads[i] = gradTensors?[i] ?? (tensors[i].Numel() == 1
                    ? Torch.OnesLike(tensors[i])
                    : throw new InvalidOperationException("grad can be implicitly created only for scalar outputs"));
            Engine.Execute(tensors, grads, retainGraph ?? createGraph, createGraph);
        }

        /// <summary>
        /// Compares analytical gradients with central finite differences (<c>torch.autograd.gradcheck</c>): every
        /// float64 input that requires grad is perturbed by <paramref name="eps"/>. Returns true, or throws (or
        /// returns false) naming the input and the worst entry.
        /// </summary>
        public static bool GradCheck(Func<Tensor[], Tensor[]> fn, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5,
            double rtol = 1e-3, bool raiseException = true) => GradChecker.Check(fn, inputs, eps, atol, rtol, raiseException);

        /// <summary>GradCheck for a function with one output.</summary>
        public static bool GradCheck(Func<Tensor[], Tensor> fn, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5,
            double rtol = 1e-3, bool raiseException = true) =>
            GradChecker.Check(xs => [fn(xs)], inputs, eps, atol, rtol, raiseException);
    }
}
