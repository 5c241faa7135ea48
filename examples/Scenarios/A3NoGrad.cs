namespace Flint.Examples.Scenarios;

/// <summary>A3: no_grad and set_grad_enabled.</summary>
public sealed class A3NoGrad : IExample
{
    public string Name => "a3";
    public string Summary => "with no_grad(): results don't require grad; set_grad_enabled(bool)";

    public int Run(string[] args, TextWriter o)
    {
        var x = Torch.Ones(3, requiresGrad: true);
        o.WriteLine((x * x).RequiresGrad);
        using (Torch.NoGrad())
            o.WriteLine(x.Pow(2).RequiresGrad);
        using (Torch.SetGradEnabled(false))
            o.WriteLine((x * 2).RequiresGrad);
        o.WriteLine((x * 2).RequiresGrad);
        return 0;
    }
}
