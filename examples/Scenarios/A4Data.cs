namespace Flint.Examples.Scenarios;

/// <summary>A4: changing x.data is not recorded by autograd (seed 004).</summary>
public sealed class A4Data : IExample
{
    public string Name => "a4";
    public string Summary => "x.data *= 100 is not recorded: y = 2*x; y.backward() gives grad 2";

    public int Run(string[] args, TextWriter o)
    {
        var x = Torch.Ones(1, requiresGrad: true);
        o.WriteLine(x.Data);
        o.WriteLine(x.Data.RequiresGrad);
        var y = 2 * x;
        x.Data *= 100;
        y.Backward();
        o.WriteLine(x.Data);
        o.WriteLine(x.Grad);
        return 0;
    }
}
