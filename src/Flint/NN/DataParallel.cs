using System.Runtime.ExceptionServices;
using Flint.Autograd;

namespace Flint.NN;

/// <summary>
/// Wraps a model for data-parallel execution on several GPUs of one machine (<c>nn.DataParallel</c>). The wrapped
/// model is the child <c>module</c>, so state-dict keys gain the <c>module.</c> prefix exactly as in PyTorch.
/// <para>
/// Each forward call splits the batch into <c>len(device_ids)</c> chunks along <see cref="Dim"/> (as
/// <c>Tensor.chunk</c>: fewer when the batch is smaller), copies chunk i to device i, runs a replica of the model
/// there — all replicas at once, one thread each — and concatenates the outputs on the output device. The model
/// must live on <c>device_ids[0]</c>; the replica there is the model itself, the others are copies whose parameters
/// are differentiable copies of the model's (as PyTorch's Broadcast), so backward sums every replica's gradient into
/// the model's parameters and one optimizer step updates them all. Buffers are copied to each replica for the call
/// (updates a replica makes to them, e.g. BatchNorm's running statistics on devices other than the first, are
/// dropped, as in PyTorch).
/// </para>
/// <para>
/// Without CUDA the module is called directly and <see cref="DeviceIds"/> is empty; with one device the input is moved
/// there and the module called, as PyTorch does.
/// </para>
/// </summary>
public sealed class DataParallel : Module<Tensor, Tensor>
{
    /// <summary>The wrapped model (<c>dp.module</c>), registered as the child <c>module</c>.</summary>
    public Module<Tensor, Tensor> Module;

    /// <summary>
    /// Wraps <paramref name="module"/> (<c>nn.DataParallel(module, device_ids, output_device, dim)</c>): all visible
    /// GPUs by default, outputs gathered on the first. With a single device the module is moved to it now.
    /// </summary>
    public DataParallel(Module<Tensor, Tensor> module, int[]? deviceIds = null, int? outputDevice = null, int dim = 0)
    {
        Module = module;
        Dim = dim;
        if (!Flint.Cuda.IsAvailable())
        {
            DeviceIds = [];
            return;
        }
        var ids = deviceIds ?? Enumerable.Range(0, Flint.Cuda.DeviceCount()).ToArray();
        if (ids.Length == 0) throw new ArgumentException("DataParallel needs at least one device id");
        DeviceIds = ids;
        OutputDevice = outputDevice ?? ids[0];
        if (ids.Length == 1) module.To(SourceDevice);
    }

    /// <summary>The GPUs the batch is split over (<c>device_ids</c>); empty without CUDA.</summary>
    public IReadOnlyList<int> DeviceIds { get; }

    /// <summary>Where outputs are gathered (<c>output_device</c>); null without CUDA.</summary>
    public int? OutputDevice { get; }

    /// <summary>The batch dim split across devices.</summary>
    public int Dim { get; }

    private Device SourceDevice => new(DeviceType.Cuda, DeviceIds[0]);

    /// <summary>Scatters the batch, runs the replicas in parallel and gathers their outputs (see the class summary).</summary>
    public override Tensor Forward(Tensor input)
    {
        if (DeviceIds.Count == 0) return Module.Call(input);
        var source = SourceDevice;
        foreach (var t in Module.Parameters().Concat(Module.Buffers()))
            if (t.Device != source)
                throw new InvalidOperationException(
                    $"module must have its parameters and buffers on device {source} (device_ids[0]) but found one of them on device: {t.Device}");
        if (DeviceIds.Count == 1) return Module.Call(input.To(source));

        var chunks = input.Chunk(DeviceIds.Count, Dim);
        var devices = new Device[chunks.Length];
        for (int i = 0; i < chunks.Length; i++)
        {
            devices[i] = new Device(DeviceType.Cuda, DeviceIds[i]);
            chunks[i] = chunks[i].To(devices[i]);
        }
        var replicas = Replicate(devices);
        var outputs = ParallelApply(replicas, chunks, devices);
        var target = new Device(DeviceType.Cuda, OutputDevice!.Value);
        return Torch.Cat(Array.ConvertAll(outputs, o => o.To(target)), Dim);
    }

    /// <summary>
    /// The model on each device (<c>torch.nn.parallel.replicate</c>): itself on the first, elsewhere a copy whose
    /// parameters are copies recorded by autograd (so gradients flow back to the model's parameters) and whose buffers
    /// are plain copies.
    /// </summary>
    private Module<Tensor, Tensor>[] Replicate(Device[] devices)
    {
        var replicas = new Module<Tensor, Tensor>[devices.Length];
        replicas[0] = Module;
        for (int i = 1; i < devices.Length; i++)
        {
            var memo = new Dictionary<object, object>(ReferenceEqualityComparer.Instance);
            foreach (var p in Module.Parameters())
            {
                if (memo.ContainsKey(p)) continue;
                var moved = p.To(devices[i]);
                // A non-leaf parameter: the copy's autograd node, so the replica's gradient reaches p.
                memo[p] = new Parameter(moved, requiresGrad: false) { gradFn = moved.gradFn, outputNr = moved.outputNr };
            }
            foreach (var b in Module.Buffers())
                if (!memo.ContainsKey(b))
                    using (Torch.NoGrad()) memo[b] = b.To(null, devices[i], copy: true);
            replicas[i] = (Module<Tensor, Tensor>)CopyModule(Module, memo);
        }
        return replicas;
    }

    // Runs replica i on chunk i, each on its own thread with device i current and this thread's grad mode
    // (torch.nn.parallel.parallel_apply); an exception of a replica is rethrown here.
    private static Tensor[] ParallelApply(Module<Tensor, Tensor>[] replicas, Tensor[] chunks, Device[] devices)
    {
        var gradEnabled = GradMode.IsEnabled;
        var tasks = new Task<Tensor>[replicas.Length];
        for (int i = 0; i < replicas.Length; i++)
        {
            int r = i;
            tasks[r] = Task.Factory.StartNew(() =>
            {
                using var mode = GradMode.Set(gradEnabled);
                Flint.Cuda.SetDevice(devices[r]);
                return replicas[r].Call(chunks[r]);
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return Array.ConvertAll(tasks, t => t.Result);
    }
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
