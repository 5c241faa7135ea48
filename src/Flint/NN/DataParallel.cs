namespace Flint.NN;

/// <summary>
/// Wraps a model for data-parallel execution (<c>nn.DataParallel</c>). The wrapped model is the child
/// <c>module</c>, so state-dict keys gain the <c>module.</c> prefix exactly as in PyTorch. On a machine without
/// several CUDA devices it runs the model directly, as PyTorch does.
/// </summary>
public sealed class DataParallel : Module<Tensor, Tensor>
{
    /// <summary>The wrapped model (<c>dp.module</c>).</summary>
    public Module<Tensor, Tensor> module;

    /// <summary>Wraps <paramref name="module"/> (<c>nn.DataParallel(module, device_ids, output_device, dim)</c>).</summary>
    public DataParallel(Module<Tensor, Tensor> module, int[]? deviceIds = null, int? outputDevice = null, int dim = 0)
    {
        this.module = module;
        DeviceIds = deviceIds ?? [];
        OutputDevice = outputDevice;
        Dim = dim;
    }

    /// <summary>The wrapped model.</summary>
    public Module<Tensor, Tensor> Module => module;

    /// <summary>The devices the batch is split over (<c>device_ids</c>).</summary>
    public IReadOnlyList<int> DeviceIds { get; }

    /// <summary>Where outputs are gathered (<c>output_device</c>).</summary>
    public int? OutputDevice { get; }

    /// <summary>The batch dim split across devices.</summary>
    public int Dim { get; }

    /// <summary>Runs the wrapped model on the whole batch.</summary>
    public override Tensor Forward(Tensor input) => module.Call(input);
}

/// <summary>Helpers of <c>torch.nn.modules.utils</c>.</summary>
public static class ModuleUtils
{
    /// <summary>
    /// Removes <paramref name="prefix"/> from every key that has it, in place and keeping order
    /// (<c>consume_prefix_in_state_dict_if_present</c>): loads a DataParallel checkpoint into a plain model.
    /// </summary>
    public static void ConsumePrefixInStateDictIfPresent(OrderedDictionary<string, Tensor> stateDict, string prefix)
    {
        var entries = stateDict.ToList();
        stateDict.Clear();
        foreach (var (k, v) in entries)
            stateDict[k.StartsWith(prefix, StringComparison.Ordinal) ? k[prefix.Length..] : k] = v;
    }
}
