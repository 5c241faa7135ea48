using Flint.NN;

namespace Flint.Examples.Scenarios;

/// <summary>M2: parameters(), named_parameters(), Parameter registered by assignment, ParameterList, ParameterDict.</summary>
public sealed class M2Parameters : IExample
{
    public string Name => "m2";
    public string Summary => "parameters(), named_parameters(), Parameter fields, ParameterList and ParameterDict";

    private sealed class MyModel : Module<Tensor, Tensor>
    {
        public Parameter scale = new(Torch.Ones(1));
        public Linear fc = new(4, 3);
        public ParameterList weights = new(new Parameter(Torch.Randn(3, 3)), new Parameter(Torch.Randn(3, 3)));
        public ParameterDict extra = new() { ["left"] = new Parameter(Torch.Randn(3)), ["right"] = new Parameter(Torch.Zeros(2, 3)) };

        public override Tensor Forward(Tensor x)
        {
            x = fc.Call(x) * scale;
            foreach (var w in weights) x = Torch.Relu(x.MatMul(w));
            return x + extra["left"];
        }
    }

    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(0);
        var net = new MyModel();
        o.WriteLine(net);
        foreach (var (name, p) in net.NamedParameters()) o.WriteLine($"{name} {p.Shape}");
        var parameters = net.Parameters().ToList();
        o.WriteLine($"{parameters.Count} parameters, {parameters.Sum(p => p.Numel())} values");
        net.Call(Torch.Randn(2, 4)).Sum().Backward();
        o.WriteLine(net.fc.Weight.Grad);
        return 0;
    }
}
