using Flint.NN;

namespace Flint.Examples.Scenarios;

/// <summary>
/// S4: checkpoints of a <c>DataParallel</c>-wrapped model carry keys prefixed <c>module.</c>; loading one into a plain
/// model fails with a hint, and works after stripping the prefix
/// (<c>consume_prefix_in_state_dict_if_present</c>) or by wrapping the model; and the reverse, a plain checkpoint
/// into a wrapped model through <c>model.module</c>.
/// </summary>
public sealed class S4DataParallel : IExample
{
    /// <inheritdoc/>
    public string Name => "s4";

    /// <inheritdoc/>
    public string Summary => "DataParallel checkpoints: 'module.' keys into a single-device model (strip or wrap) and the reverse";

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(0);
        var folder = Directory.CreateTempSubdirectory("flint-s4-").FullName;
        try
        {
            var parallel = new DataParallel(S1StateDict.NewNet());
            var path = Path.Combine(folder, "multi_gpu.pth");
            Torch.Save(parallel.StateDict(), path);
            o.WriteLine($"DataParallel keys: {string.Join(", ", parallel.StateDict().Keys)}");

            var single = S1StateDict.NewNet();
            try
            {
                single.LoadStateDict(Torch.Load<OrderedDictionary<string, Tensor>>(path));
            }
            catch (InvalidOperationException e)
            {
                o.WriteLine($"loading it into a plain model:\n{e.Message}");
            }
            var stripped = Torch.Load<OrderedDictionary<string, Tensor>>(path);
            ModuleUtils.ConsumePrefixInStateDictIfPresent(stripped, "module.");
            o.WriteLine($"after stripping 'module.': {single.LoadStateDict(stripped)}");
            o.WriteLine($"into a wrapped copy: {new DataParallel(S1StateDict.NewNet()).LoadStateDict(Torch.Load<OrderedDictionary<string, Tensor>>(path))}");

            var plainPath = Path.Combine(folder, "single_gpu.pth");
            Torch.Save(single.StateDict(), plainPath);
            var wrapped = new DataParallel(S1StateDict.NewNet());
            o.WriteLine($"plain checkpoint into model.module of a wrapped model: {wrapped.Module.LoadStateDict(Torch.Load<OrderedDictionary<string, Tensor>>(plainPath))}");
            var x = Torch.Randn(3, 1);
            o.WriteLine($"all three predict the same: {parallel.Call(x).Equal(single.Call(x)) && single.Call(x).Equal(wrapped.Call(x))}");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
