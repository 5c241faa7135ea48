using Flint.Autograd;

namespace Flint.Ops;

/// <summary>
/// The one implementation of in-place ops (<c>x.add_(y)</c>, <c>x.copy_(y)</c>, ...). Without autograd the op's
/// kernel writes straight into x. With autograd the result is computed out of place from a snapshot of x, written
/// into x's memory, and x's history is rebased onto the result's node; if x is a view, its base gets a
/// <c>CopySlices</c> node, as in PyTorch. Errors for leaves and views of leaves match PyTorch's.
/// </summary>
internal static class InPlace
{
    /// <summary>
    /// Runs an in-place op. <paramref name="outOfPlace"/> computes the new value from x's current value (with
    /// history); <paramref name="direct"/> writes it into x when no history is needed.
    /// </summary>
    public static Tensor Apply(Tensor self, Func<Tensor, Tensor> outOfPlace, Action<Tensor> direct, params ReadOnlySpan<Tensor?> others)
    {
        bool record = GradMode.IsEnabled && (self.RequiresGrad || Graph.Needs(others));
        if (!record)
        {
            direct(self);
            self.BumpVersion();
            return self;
        }
        CheckAllowed(self);
        var r = outOfPlace(self.Clone());
        WriteResult(self, r);
        return self;
    }

    /// <summary>
    /// Runs an in-place op whose derivative needs nothing of x's old value (add_, sub_, relu_, which save at most
    /// their result): the kernel writes straight into x in both modes, and with autograd <paramref name="record"/>
    /// then records the op's node with x as both its input (x's history so far) and its result. One pass over x
    /// instead of a snapshot, an out-of-place result and a copy back. A view takes the general path, since its base
    /// needs a CopySlices node.
    /// </summary>
    public static Tensor ApplyOnResult(Tensor self, Func<Tensor, Tensor> outOfPlace, Action<Tensor> direct, Action<Tensor> record,
        params ReadOnlySpan<Tensor?> others)
    {
        bool needed = GradMode.IsEnabled && (self.RequiresGrad || Graph.Needs(others));
        if (!needed || self.viewBase is not null) return Apply(self, outOfPlace, direct, others);
        CheckAllowed(self);
        direct(self);
        self.BumpVersion();
        record(self);
        return self;
    }

    /// <summary>In-place with a result computed out of place in both modes (for ops without a direct kernel).</summary>
    public static Tensor Apply(Tensor self, Func<Tensor, Tensor> outOfPlace, params ReadOnlySpan<Tensor?> others) =>
        Apply(self, outOfPlace, s =>
        {
            using (Torch.NoGrad()) CopyData(outOfPlace(s), s);
        }, others);

    public static void CheckAllowed(Tensor self)
    {
        if (!GradMode.IsEnabled) return;
        if (self.IsLeaf && self.requiresGrad)
            throw new InvalidOperationException("a leaf Variable that requires grad is being used in an in-place operation.");
        if (self.viewBase is { } b && b.IsLeaf && b.requiresGrad)
            throw new InvalidOperationException("a view of a leaf Variable that requires grad is being used in an in-place operation.");
    }

    /// <summary>Writes r into self's memory (broadcasting and casting as PyTorch's out= rules allow).</summary>
    public static void CopyData(Tensor r, Tensor self)
    {
        if (!r.shape.AsSpan().SequenceEqual(self.shape))
        {
            var b = Shapes.Broadcast(r.shape, self.shape);
            if (!b.AsSpan().SequenceEqual(self.shape))
                throw new ArgumentException(
                    $"output with shape {Shapes.Format(self.shape)} doesn't match the broadcast shape {Shapes.Format(b)}");
            r = Elementwise.Expand(r, self.shape);
        }
        ResultTypeState.CheckCanCast(r.dtype, self.dtype);
        self.Backend.Copy(r, self);
    }

    private static void WriteResult(Tensor self, Tensor r)
    {
        using (Torch.NoGrad()) CopyData(r, self);
        self.BumpVersion();
        if (!r.RequiresGrad) return;
        if (self.viewBase is { } b)
        {
            var shape = self.shape;
            var strides = self.strides;
            var rel = self.offset - b.offset;
            var baseStrides = b.strides;
            Graph.Record(b, "CopySlices", [b, r], [], n =>
            {
                var g = n.Grad;
                var full = Torch.EmptyStrided(g.shape, baseStrides, g.dtype, g.Device);
                full.Copy_(g);
                var region = full.AsStrided(shape, strides, full.offset + rel);
                var gr = region.Clone();
                region.Zero_();
                return [n.NeedsInputGrad(0) ? full : null, gr];
            });
            self.viewVersion = self.version.Value - 1; // stale: GradFn regenerates through the base
            _ = self.GradFn;
        }
        else
        {
            self.gradFn = r.gradFn;
            self.outputNr = r.outputNr;
        }
    }
}
