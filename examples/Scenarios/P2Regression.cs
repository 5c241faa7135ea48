using System.Globalization;
using Flint.NN;
using Flint.Optim;
using Flint.Plot;
using F = Flint.NN.Functional;

namespace Flint.Examples.Scenarios;

/// <summary>
/// P2: the seeds' regression: <c>x = unsqueeze(linspace(-1, 1, 100), dim=1)</c>, <c>y = x.pow(2) + 0.2 * rand(x.size())</c>,
/// a 1-10-1 ReLU net trained by SGD (lr 0.2) on <c>MSELoss</c> for 200 steps; the loss falls, and the points with the
/// fitted curve are drawn to a PNG (the seeds' <c>plt.scatter</c> + <c>plt.plot(..., 'r-', lw=5)</c> + the loss text).
/// </summary>
public sealed class P2Regression : IExample
{
    /// <inheritdoc/>
    public string Name => "p2";

    /// <inheritdoc/>
    public string Summary => "regression y = x^2 + noise with Net(1,10,1), SGD lr 0.2, MSELoss, 200 steps; plot to p2_regression.png";

    /// <summary>The seeds' <c>Net(n_feature, n_hidden, n_output)</c>.</summary>
    public sealed class Net(int nFeature, int nHidden, int nOutput) : Module<Tensor, Tensor>
    {
        private readonly Linear hidden = new(nFeature, nHidden);
        private readonly Linear predict = new(nHidden, nOutput);

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x) => predict.Call(F.Relu(hidden.Call(x)));
    }

    /// <summary>Trains for <paramref name="steps"/> steps, draws the fit to <paramref name="png"/>; returns the losses.</summary>
    public static double[] Run(int steps, string png)
    {
        Torch.ManualSeed(1);
        var x = Torch.Unsqueeze(Torch.Linspace(-1, 1, 100), dim: 1);
        var y = x.Pow(2) + 0.2 * Torch.Rand(x.Size());
        var net = new Net(1, 10, 1);
        var optimizer = new SGD(net.Parameters(), lr: 0.2);
        var lossFunc = new MSELoss();
        var losses = new double[steps];
        Tensor prediction = x;
        for (int t = 0; t < steps; t++)
        {
            prediction = net.Call(x);
            var loss = lossFunc.Call(prediction, y);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            losses[t] = loss.Item<float>();
        }
        var fig = new Figure();
        var ax = fig.Gca();
        ax.Scatter(x, y);
        ax.Plot(x, prediction.Detach(), "r-", linewidth: 5);
        ax.Text(0.5, 0, string.Create(CultureInfo.InvariantCulture, $"Loss={losses[^1]:F4}"), fontsize: 20, color: "red");
        fig.SaveFig(png);
        return losses;
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        var png = args.Length > 0 ? args[0] : "p2_regression.png";
        var losses = Run(200, png);
        for (int t = 0; t < losses.Length; t += 40) o.WriteLine($"step {t,3}: loss {losses[t]:F4}");
        o.WriteLine($"step {losses.Length - 1,3}: loss {losses[^1]:F4}; plot saved to {png}");
        return 0;
    }
}
