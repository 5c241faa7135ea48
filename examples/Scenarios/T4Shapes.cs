namespace Flint.Examples.Scenarios;

/// <summary>T4: shapes — size(), view with -1, unsqueeze, squeeze, transpose.</summary>
public sealed class T4Shapes : IExample
{
    public string Name => "t4";
    public string Summary => "shape, size(), view(16), view(-1, 8), unsqueeze(1), squeeze(0)/squeeze(1), transpose";

    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(0);
        var x = Torch.Randn(4, 4);
        var y = x.View(16);
        var z = x.View(-1, 8);
        o.WriteLine($"{x.Size()} {y.Size()} {z.Size()}");
        var a = Torch.Ones(2, 3);
        var r = a.Unsqueeze(1);
        o.WriteLine(r.Shape);
        o.WriteLine(r.Squeeze(0).Shape);
        o.WriteLine(r.Squeeze(1).Shape);
        o.WriteLine(a.Transpose(0, 1).Shape);
        return 0;
    }
}
