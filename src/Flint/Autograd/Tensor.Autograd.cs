using Flint.Autograd;

namespace Flint;

public partial class Tensor
{
    /// <summary>
    /// True if gradients are computed for this tensor (<c>x.requires_grad</c>). Only leaves can be changed; setting
    /// it on a non-float tensor fails as in PyTorch.
    /// </summary>
    public bool RequiresGrad
    {
        get => requiresGrad || gradFn is not null;
        set => RequiresGrad_(value);
    }

    /// <summary>Sets <see cref="RequiresGrad"/> in place and returns this tensor (<c>x.requires_grad_()</c>).</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        if (!IsLeaf && !requiresGrad)
            throw new InvalidOperationException(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable " +
                "in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
        if (requiresGrad && !dtype.IsFloatingPoint())
            throw new InvalidOperationException("only Tensors of floating point dtype can require gradients");
        this.requiresGrad = requiresGrad && IsLeaf;
        return this;
    }

    /// <summary>The accumulated gradient of a leaf, or null before any backward (<c>x.grad</c>).</summary>
    public Tensor? Grad
    {
        get => grad;
        set
        {
            if (value is not null && !value.shape.AsSpan().SequenceEqual(shape))
                throw new ArgumentException(
                    $"assigned grad has data of a different size: {Shapes.Format(value.shape)} vs {Shapes.Format(shape)}");
            grad = value;
        }
    }

    /// <summary>The node that made this tensor, or null for a leaf (<c>x.grad_fn</c>).</summary>
    public Node? GradFn
    {
        get
        {
            // A view whose base changed in place since the view's history was recorded gets history through the base.
            if (viewBase is { } b && viewVersion != version.Value && b.RequiresGrad)
            {
                viewVersion = version.Value;
                if (!(b.IsLeaf && gradFn is null)) RegenerateViewHistory(b);
            }
            return gradFn;
        }
    }

    /// <summary>True if the tensor was not made by a recorded op (<c>x.is_leaf</c>).</summary>
    public bool IsLeaf => gradFn is null;

    /// <summary>True if <see cref="RetainGrad"/> was called on this non-leaf (<c>x.retains_grad</c>).</summary>
    public bool RetainsGrad => retainsGrad;

    /// <summary>
    /// Computes the gradient of this tensor with respect to the graph leaves and accumulates it into their
    /// <c>.Grad</c> (<c>x.backward(gradient, retain_graph, create_graph, inputs)</c>).
    /// </summary>
    public void Backward(Tensor? gradient = null, bool? retainGraph = null, bool createGraph = false, Tensor[]? inputs = null)
    {
        if (gradient is null)
        {
            if (Numel() != 1) throw new InvalidOperationException("grad can be implicitly created only for scalar outputs");
            gradient = Torch.OnesLike(this);
        }
        else if (!gradient.shape.AsSpan().SequenceEqual(shape))
            throw new ArgumentException(
                $"Mismatch in shape: grad_output[0] has a shape of {gradient.Shape} and output[0] has a shape of {Shape}.");
        HashSet<Node>? only = null;
        if (inputs is not null)
        {
            only = new HashSet<Node>(ReferenceEqualityComparer.Instance);
            foreach (var t in inputs)
                if (t.GradientEdge().Function is { } f) only.Add(f);
        }
        Engine.Execute([this], [gradient], retainGraph ?? createGraph, createGraph, accumulateOnly: only);
    }

    /// <summary>
    /// Registers a hook called with this tensor's gradient during backward; a non-null return replaces it
    /// (<c>x.register_hook</c>).
    /// </summary>
    public RemovableHandle RegisterHook(Func<Tensor, Tensor?> hook)
    {
        if (!RequiresGrad)
            throw new InvalidOperationException("cannot register a hook on a tensor that doesn't require gradient");
        if (gradFn is { } fn)
        {
            fn.AddTensorPreHook(outputNr, hook);
            return new RemovableHandle(() => fn.tensorPreHooks![outputNr]!.Remove(hook));
        }
        (hooks ??= []).Add(hook);
        return new RemovableHandle(() => hooks.Remove(hook));
    }

    /// <summary>Keeps the gradient of this non-leaf in <see cref="Grad"/> during backward (<c>x.retain_grad()</c>).</summary>
    public void RetainGrad()
    {
        if (!RequiresGrad) throw new InvalidOperationException("can't retain_grad on Tensor that has requires_grad=False");
        if (IsLeaf || retainsGrad) return;
        retainsGrad = true;
        gradFn!.AddTensorPreHook(outputNr, g =>
        {
            using (Torch.NoGrad())
                grad = grad is null ? g.Clone() : grad.Add(g);
            return null;
        });
    }

    /// <summary>The same data, cut from the graph: a new leaf that shares storage and version counter (<c>x.detach()</c>).</summary>
    public Tensor Detach() => new(storage, (long[])shape.Clone(), (long[])strides.Clone(), offset, dtype, version);

    /// <summary>Cuts this tensor from the graph in place, making it a leaf (<c>x.detach_()</c>).</summary>
    public Tensor Detach_()
    {
        if (viewBase is not null && viewBase.RequiresGrad)
            throw new InvalidOperationException(
                "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) " +
                "for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and " +
                "hence detach_() cannot be called on these gradients. To fix this error, please refer to the " +
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.");
        gradFn = null;
        requiresGrad = false;
        return this;
    }

    /// <summary>Where gradient for this tensor goes: its grad_fn output, its AccumulateGrad, or nowhere.</summary>
    internal Edge GradientEdge()
    {
        if (GradFn is { } fn) return new Edge(fn, outputNr);
        if (requiresGrad) return new Edge(gradAccumulator ??= new AccumulateGrad(this), 0);
        return default;
    }

    private void RegenerateViewHistory(Tensor b)
    {
        var geometry = (Shape: shape, Strides: strides, Offset: offset - b.offset);
        Graph.Record(this, "AsStridedBackward0", [b], [],
            n => [AsStridedScatterGrad(n.Grad, b.shape, b.strides, geometry.Shape, geometry.Strides, geometry.Offset)]);
    }

    /// <summary>
    /// The gradient of <c>base.as_strided(shape, strides, offset)</c> with respect to base: the incoming gradient
    /// placed into a zero tensor laid out as base.
    /// </summary>
    internal static Tensor AsStridedScatterGrad(Tensor g, long[] baseShape, long[] baseStrides, long[] shape, long[] strides, long offset)
    {
        var full = Torch.EmptyStrided(baseShape, baseStrides, g.dtype, g.Device).Zero_();
        full.AsStrided(shape, strides, full.offset + offset).Copy_(g);
        return full;
    }
}

/// <summary>A handle that removes a registered hook (<c>torch.utils.hooks.RemovableHandle</c>).</summary>
public sealed class RemovableHandle : IDisposable
{
    private Action? remove;

    internal RemovableHandle(Action remove) => this.remove = remove;

    /// <summary>Unregisters the hook (<c>handle.remove()</c>).</summary>
    public void Remove()
    {
        remove?.Invoke();
        remove = null;
    }

    /// <summary>Same as <see cref="Remove"/>.</summary>
    public void Dispose() => Remove();
}
