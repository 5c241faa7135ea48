namespace Flint.Examples.Scenarios;

/// <summary>A1: requires_grad, grad_fn, backward with a gradient, and of a scalar mean (seed 004).</summary>
public sealed class A1Backward : IExample
{
    public string Name => "a1";
    public string Summary => "randn(3,3, requires_grad), grad_fn, y = x**2, y.backward(gradient), (y*y*3).mean().backward()";

    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(0);
        var x = Torch.Randn(3, 3, requiresGrad: true);
        o.WriteLine($"x.grad_fn: {x.GradFn?.ToString() ?? "None"}");
        var y = x.Pow(2);
        o.WriteLine($"y.grad_fn: {y.GradFn}");
        y.Backward(Torch.Randn(3, 3), retainGraph: true);
        var z = y * y * 3;
        var outp = z.Mean();
        o.WriteLine(outp);
        x.Grad = null;
        outp.Backward();
        o.WriteLine(x.Grad);
        o.WriteLine("analytic d(mean(3 x^4))/dx = 12 x^3 / 9:");
        o.WriteLine(x.Detach().Pow(3) * 12 / 9);
        return 0;
    }
}
