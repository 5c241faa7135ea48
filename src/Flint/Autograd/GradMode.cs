namespace Flint.Autograd;

/// <summary>
/// Whether ops record autograd history on this thread (<c>torch.is_grad_enabled()</c>). Per thread, as in
/// PyTorch, so DataLoader workers and inference threads never disturb training.
/// </summary>
public static class GradMode
{
    [ThreadStatic] private static bool disabled;

    /// <summary>True when new ops record their history (<c>torch.is_grad_enabled()</c>).</summary>
    public static bool IsEnabled
    {
        get => !disabled;
        internal set => disabled = !value;
    }

    /// <summary>Sets the mode and returns a scope that restores the previous mode when disposed.</summary>
    internal static GradModeScope Set(bool enabled)
    {
        var scope = new GradModeScope(IsEnabled);
        IsEnabled = enabled;
        return scope;
    }
}

/// <summary>
/// Restores the previous grad mode when disposed; returned by <c>Torch.NoGrad()</c>, <c>Torch.EnableGrad()</c> and
/// <c>Torch.SetGradEnabled(bool)</c> so they work both as statements and in a <c>using</c> block.
/// </summary>
public sealed class GradModeScope : IDisposable
{
    private readonly bool previous;
    private bool disposed;

    internal GradModeScope(bool previous) => this.previous = previous;

    /// <summary>Puts back the grad mode that was in force before this scope.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        GradMode.IsEnabled = previous;
    }
}
