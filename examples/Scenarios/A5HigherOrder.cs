namespace Flint.Examples.Scenarios;

/// <summary>A5: detach, requires_grad_, and a Hessian through create_graph.</summary>
public sealed class A5HigherOrder : IExample
{
    public string Name => "a5";
    public string Summary => "detach(), requires_grad_(), second derivatives (a Hessian) via create_graph";

    public int Run(string[] args, TextWriter o)
    {
        var x = Torch.Tensor(new double[] { 1, 2, 3 }).RequiresGrad_();
        var d = (x * 2).Detach();
        o.WriteLine($"detached requires_grad: {d.RequiresGrad}, grad_fn: {d.GradFn?.ToString() ?? "None"}");
        // f(x) = sum(x^3) + x0*x1; Hessian = diag(6x) + [[0,1,0],[1,0,0],[0,0,0]]
        var f = x.Pow(3).Sum() + x[0] * x[1];
        var g = Torch.Autograd.Grad(f, [x], createGraph: true)[0]!;
        var rows = new Tensor[3];
        for (int i = 0; i < 3; i++)
            rows[i] = Torch.Autograd.Grad(g[i], [x], retainGraph: true)[0]!;
        o.WriteLine(Torch.Stack(rows));
        return 0;
    }
}
