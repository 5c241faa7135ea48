namespace Flint.Examples.Scenarios;

/// <summary>A2: gradients accumulate across backward calls until zeroed.</summary>
public sealed class A2Accumulation : IExample
{
    public string Name => "a2";
    public string Summary => "grad is None before backward, accumulates across backward calls, grad.zero_() resets it";

    public int Run(string[] args, TextWriter o)
    {
        var x = Torch.Ones(2, 2, requiresGrad: true);
        o.WriteLine($"before backward: {(x.Grad is null ? "None" : x.Grad.ToString())}");
        x.Sum().Backward();
        o.WriteLine(x.Grad);
        x.Sum().Backward();
        o.WriteLine(x.Grad);
        x.Grad!.Data.Zero_();
        x.Sum().Backward();
        o.WriteLine(x.Grad);
        return 0;
    }
}
