namespace Flint.NN;

public abstract partial class Module
{
    private List<Func<Module, object?[], object?[]?>>? forwardPreHooks;
    private List<Func<Module, object?[], object?, object?>>? forwardHooks;

    /// <summary>
    /// Observes every module call on this thread (entering with the inputs, leaving with the output); used by tracers
    /// such as TensorBoard's AddGraph. Null when nobody listens.
    /// </summary>
    [ThreadStatic] internal static IModuleCallObserver? CallObserver;

    /// <summary>
    /// Registers a hook run before <c>Forward</c> with the inputs; returning non-null replaces them
    /// (<c>register_forward_pre_hook</c>).
    /// </summary>
    public RemovableHandle RegisterForwardPreHook(Func<Module, object?[], object?[]?> hook)
    {
        (forwardPreHooks ??= []).Add(hook);
        return new RemovableHandle(() => forwardPreHooks.Remove(hook));
    }

    /// <summary>
    /// Registers a hook run after <c>Forward</c> with the inputs and output; returning non-null replaces the output
    /// (<c>register_forward_hook</c>).
    /// </summary>
    public RemovableHandle RegisterForwardHook(Func<Module, object?[], object?, object?> hook)
    {
        (forwardHooks ??= []).Add(hook);
        return new RemovableHandle(() => forwardHooks.Remove(hook));
    }

    /// <summary>Runs hooks around a forward call (PyTorch's <c>_call_impl</c>).</summary>
    private protected TOut Invoke<TOut>(object?[] args, Func<object?[], TOut> forward)
    {
        if (forwardPreHooks is not null)
            foreach (var h in forwardPreHooks.ToArray())
                if (h(this, args) is { } replaced) args = replaced;
        var observer = CallObserver;
        observer?.Enter(this, args);
        var output = forward(args);
        observer?.Leave(this, output);
        if (forwardHooks is not null)
            foreach (var h in forwardHooks.ToArray())
                if (h(this, args, output) is TOut replaced) output = replaced;
        return output;
    }

    private protected bool HasCallHooks => forwardPreHooks is not null || forwardHooks is not null || CallObserver is not null;
}

/// <summary>Sees module calls (for graph tracing).</summary>
internal interface IModuleCallObserver
{
    void Enter(Module module, object?[] inputs);

    void Leave(Module module, object? output);
}

/// <summary>
/// A module with one input (<c>nn.Module</c> whose <c>forward(x)</c> takes one argument). Override
/// <see cref="Forward"/>; call <see cref="Call"/> (PyTorch's <c>module(x)</c>) to run hooks too.
/// </summary>
public abstract class Module<TIn, TOut> : Module
{
    /// <summary>The computation (<c>forward</c>).</summary>
    public abstract TOut Forward(TIn input);

    /// <summary>Runs forward hooks and <see cref="Forward"/> (<c>module(input)</c>).</summary>
    public TOut Call(TIn input) =>
        HasCallHooks ? Invoke([input], a => Forward((TIn)a[0]!)) : Forward(input);
}

/// <summary>A module with two inputs (<c>forward(a, b)</c>), e.g. losses and Bilinear.</summary>
public abstract class Module<T1, T2, TOut> : Module
{
    /// <summary>The computation (<c>forward</c>).</summary>
    public abstract TOut Forward(T1 input1, T2 input2);

    /// <summary>Runs forward hooks and <see cref="Forward"/> (<c>module(a, b)</c>).</summary>
    public TOut Call(T1 input1, T2 input2) =>
        HasCallHooks ? Invoke([input1, input2], a => Forward((T1)a[0]!, (T2)a[1]!)) : Forward(input1, input2);
}

/// <summary>A module with three inputs (<c>forward(a, b, c)</c>), e.g. attention and triplet losses.</summary>
public abstract class Module<T1, T2, T3, TOut> : Module
{
    /// <summary>The computation (<c>forward</c>).</summary>
    public abstract TOut Forward(T1 input1, T2 input2, T3 input3);

    /// <summary>Runs forward hooks and <see cref="Forward"/> (<c>module(a, b, c)</c>).</summary>
    public TOut Call(T1 input1, T2 input2, T3 input3) =>
        HasCallHooks
            ? Invoke([input1, input2, input3], a => Forward((T1)a[0]!, (T2)a[1]!, (T3)a[2]!))
            : Forward(input1, input2, input3);
}
