using Flint.NN;
using Flint.Optim;

namespace Flint.Examples.Scenarios;

/// <summary>
/// P1: the seeds' first autograd program: <c>Linear(1, 1)</c>, Adam with lr 0.01 and <c>MSELoss</c> pull the output at
/// <c>x = 1</c> toward 3 for 100 steps, then <c>print(model.state_dict())</c> shows PyTorch's
/// <c>OrderedDict([('weight', tensor([[...]])), ('bias', tensor([...]))])</c>. The weights start at 0.5 and -0.3 so the
/// result can be checked against PyTorch's (tests/parity/scenarios.py).
/// </summary>
public sealed class P1FitLine : IExample
{
    /// <inheritdoc/>
    public string Name => "p1";

    /// <inheritdoc/>
    public string Summary => "Linear(1,1) + Adam(lr=0.01) + MSELoss, 100 steps; print(model.state_dict()) as an OrderedDict";

    /// <summary>Trains and returns the model and the loss of every step.</summary>
    public static (Linear Model, double[] Losses) Fit()
    {
        var x = Torch.Tensor(new[] { 1.0f }, requiresGrad: true);
        var model = new Linear(1, 1);
        Init.Constant_(model.Weight, 0.5);
        Init.Constant_(model.Bias!, -0.3);
        var optimizer = new Adam(model.Parameters(), lr: 0.01);
        var criterion = new MSELoss();
        var losses = new double[100];
        for (int i = 0; i < 100; i++)
        {
            optimizer.ZeroGrad();
            var output = model.Call(x);
            var loss = criterion.Call(output, Torch.Tensor(new[] { 3.0f }));
            loss.Backward();
            optimizer.Step();
            losses[i] = loss.Item<float>();
        }
        return (model, losses);
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        var (model, losses) = Fit();
        o.WriteLine($"loss {losses[0]:F4} -> {losses[^1]:F4}");
        o.WriteLine(model.StateDict());
        return 0;
    }
}
