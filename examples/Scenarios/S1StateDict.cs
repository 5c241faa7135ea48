using Flint.NN;
using Flint.Optim;

namespace Flint.Examples.Scenarios;

/// <summary>
/// S1 and S2, as the seeds save networks: <c>torch.save(net1, 'net.pkl')</c> (the whole model) and
/// <c>torch.save(net1.state_dict(), 'net_params.pkl')</c> (its parameters); then <c>restore_net</c> loads the whole model
/// without building it, and <c>restore_params</c> builds a new <c>Sequential</c> and loads the parameters into it
/// (<c>load_state_dict(load(PATH))</c>, then <c>eval()</c>). All three nets predict the same.
/// </summary>
public sealed class S1StateDict : IExample
{
    /// <inheritdoc/>
    public string Name => "s1";

    /// <inheritdoc/>
    public string Summary => "save(net) and save(net.state_dict()); restore the whole net and the params into a new Sequential";

    /// <summary>The seeds' regression net.</summary>
    public static Sequential NewNet() => new(new Linear(1, 10), new ReLU(), new Linear(10, 1));

    /// <summary>Trains net1, saves it both ways into <paramref name="folder"/>, restores both; returns the three predictions.</summary>
    public static (Tensor Net1, Tensor Net2, Tensor Net3) Run(string folder, TextWriter o)
    {
        Torch.ManualSeed(1);
        var x = Torch.Unsqueeze(Torch.Linspace(-1, 1, 100), dim: 1);
        var y = x.Pow(2) + 0.2 * Torch.Rand(x.Size());
        var net1 = NewNet();
        var optimizer = new SGD(net1.Parameters(), lr: 0.5);
        var lossFunc = new MSELoss();
        for (int t = 0; t < 100; t++)
        {
            var loss = lossFunc.Call(net1.Call(x), y);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }
        var whole = Path.Combine(folder, "net.pkl");
        var parameters = Path.Combine(folder, "net_params.pkl");
        Torch.Save(net1, whole);
        Torch.Save(net1.StateDict(), parameters);
        o.WriteLine($"saved the whole net to {whole} ({new FileInfo(whole).Length:N0} bytes) and its parameters to {parameters} ({new FileInfo(parameters).Length:N0} bytes)");

        var net2 = Torch.Load<Sequential>(whole);
        net2.Eval();
        o.WriteLine($"restore_net: {net2.GetType().Name} rebuilt from the file:\n{net2}");

        var net3 = NewNet();
        o.WriteLine(net3.LoadStateDict(Torch.Load<OrderedDictionary<string, Tensor>>(parameters)));
        net3.Eval();
        using var noGrad = Torch.NoGrad();
        return (net1.Call(x), net2.Call(x), net3.Call(x));
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        var folder = Directory.CreateTempSubdirectory("flint-s1-").FullName;
        try
        {
            var (p1, p2, p3) = Run(folder, o);
            o.WriteLine($"net1, net2 and net3 predict the same: {p1.Equal(p2) && p1.Equal(p3)}");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
