using System.Globalization;
using Flint.NN;
using Flint.Optim;
using Flint.Plot;
using F = Flint.NN.Functional;

namespace Flint.Examples.Scenarios;

/// <summary>
/// P3: the seeds' classification: two Gaussian clouds <c>normal(±2 * ones(100, 2), 1)</c> labelled 0 and 1, joined with
/// <c>cat</c>; a 2-10-2 net with SGD (lr 0.02) on <c>CrossEntropyLoss</c> until the accuracy of
/// <c>max(softmax(out), 1)[1]</c> reaches 1.0; the clouds coloured by prediction are drawn to a PNG.
/// </summary>
public sealed class P3Classification : IExample
{
    /// <inheritdoc/>
    public string Name => "p3";

    /// <inheritdoc/>
    public string Summary => "two Gaussian clouds, Net(2,10,2), SGD lr 0.02, CrossEntropyLoss until accuracy 1.0; scatter to p3_classification.png";

    /// <summary>Trains until every point is classified right (at most <paramref name="maxSteps"/> steps); returns the steps taken and the final accuracy.</summary>
    public static (int Steps, double Accuracy) Run(string png, int maxSteps = 1000)
    {
        Torch.ManualSeed(1);
        var nData = Torch.Ones(100, 2);
        var x0 = Torch.Normal(2 * nData, 1);
        var y0 = Torch.Zeros(100);
        var x1 = Torch.Normal(-2 * nData, 1);
        var y1 = Torch.Ones(100);
        var x = Torch.Cat([x0, x1], 0).Type(DType.Float32);
        var y = Torch.Cat([y0, y1]).Type(DType.Int64);

        var net = new P2Regression.Net(2, 10, 2);
        var optimizer = new SGD(net.Parameters(), lr: 0.02);
        var lossFunc = new CrossEntropyLoss();
        double accuracy = 0;
        Tensor prediction = y;
        int t = 0;
        while (t < maxSteps)
        {
            var outp = net.Call(x);
            var loss = lossFunc.Call(outp, y);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            t++;
            prediction = Torch.Max(F.Softmax(outp, 1), 1).Indices;
            accuracy = prediction.Eq(y).Sum().Item<long>() / 200.0;
            if (accuracy >= 1) break;
        }
        var fig = new Figure();
        var ax = fig.Gca();
        ax.Scatter(x[.., 0], x[.., 1], c: prediction, s: 100, cmap: "RdYlGn");
        ax.Text(1.5, -3, $"Epoch={t}", fontsize: 20, color: "red");
        ax.Text(0.5, -4, string.Create(CultureInfo.InvariantCulture, $"Accuracy={accuracy:F4}"), fontsize: 20, color: "red");
        fig.SaveFig(png);
        return (t, accuracy);
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        var png = args.Length > 0 ? args[0] : "p3_classification.png";
        var (steps, accuracy) = Run(png);
        o.WriteLine($"accuracy {accuracy:F4} after {steps} steps; plot saved to {png}");
        return accuracy >= 1 ? 0 : 1;
    }
}
