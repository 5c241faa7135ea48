using Flint.Plot;
using F = Flint.NN.Functional;

namespace Flint.Examples.Scenarios;

/// <summary>
/// P8: the seeds' activation functions relu, sigmoid, tanh and softplus over <c>linspace(-5, 5, 200)</c>, drawn as the
/// seeds' 2x2 figure (8x6 inches, red lines, their y limits and legends) to a PNG; softmax, which the seeds note cannot
/// be drawn the same way, is printed as probabilities summing to 1.
/// </summary>
public sealed class P8Activations : IExample
{
    /// <inheritdoc/>
    public string Name => "p8";

    /// <inheritdoc/>
    public string Summary => "relu, sigmoid, tanh, softplus over linspace(-5, 5, 200) as a 2x2 figure (p8_activations.png); softmax";

    /// <summary>The four curves, in the figure's order.</summary>
    public static (string Name, Tensor Y, double Bottom, double Top)[] Curves(Tensor x) =>
    [
        ("relu", Torch.Relu(x), -1, 5),
        ("sigmoid", Torch.Sigmoid(x), -0.2, 1.2),
        ("tanh", Torch.Tanh(x), -1.2, 1.2),
        ("softplus", F.Softplus(x), -0.2, 6),
    ];

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        var png = args.Length > 0 ? args[0] : "p8_activations.png";
        var x = Torch.Linspace(-5, 5, 200);
        var fig = new Figure(figsize: (8, 6));
        var curves = Curves(x);
        for (int i = 0; i < curves.Length; i++)
        {
            var (name, y, bottom, top) = curves[i];
            var ax = fig.AddSubplot(2, 2, i + 1);
            ax.Plot(x, y, color: "red", label: name);
            ax.YLim(bottom, top);
            ax.Legend("best");
        }
        fig.SaveFig(png);
        o.WriteLine($"figure saved to {png}");
        var logits = Torch.Tensor(new[] { 1.0f, 2.0f, 3.0f });
        var p = F.Softmax(logits, dim: 0);
        o.WriteLine($"softmax({logits}) = {p}, sum {p.Sum().Item<float>()}");
        return 0;
    }
}
