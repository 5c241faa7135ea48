using System.Globalization;
using Flint.Optim;

namespace Flint.Examples.Scenarios;

/// <summary>
/// O1: every optimizer PyTorch names (ASGD, Adadelta, Adagrad, Adam, AdamW, Adamax, LBFGS, NAdam, RAdam, RMSprop,
/// Rprop, SGD with and without momentum, SparseAdam) takes five steps on the same float64 problem,
/// <c>loss(W) = Σ c·(W − t)² + 0.1·Σ W⁴</c> from the same start; the losses and final weights are printed.
/// tests/parity/scenarios.py runs the same steps in PyTorch.
/// </summary>
public sealed class O1Optimizers : IExample
{
    /// <inheritdoc/>
    public string Name => "o1";

    /// <inheritdoc/>
    public string Summary => "every torch.optim optimizer, 5 steps on the same numbers: losses and final weights";

    /// <summary>The starting weights, the target and the per-entry weights of the loss.</summary>
    public static readonly double[,] W0 = { { 1.0, -1.5 }, { 0.5, 2.0 }, { -0.3, 0.8 } };
    private static readonly double[,] T = { { 0.5, 0.0 }, { 1.0, -1.0 }, { 0.0, 0.5 } };
    private static readonly double[,] C = { { 1.0, 2.0 }, { 3.0, 0.5 }, { 1.0, 1.0 } };

    /// <summary>Steps each optimizer takes.</summary>
    public const int Steps = 5;

    /// <summary>The optimizers in the order they run, by the name printed.</summary>
    public static IReadOnlyList<(string Name, Func<Tensor, Optimizer> Make)> Optimizers { get; } =
    [
        ("SGD", w => new SGD([w], lr: 0.05)),
        ("SGD(momentum)", w => new SGD([w], lr: 0.05, momentum: 0.9, nesterov: true)),
        ("ASGD", w => new ASGD([w], lr: 0.05, t0: 2)),
        ("Adadelta", w => new Adadelta([w], lr: 1.0)),
        ("Adagrad", w => new Adagrad([w], lr: 0.1)),
        ("Adam", w => new Adam([w], lr: 0.1)),
        ("AdamW", w => new AdamW([w], lr: 0.1, weightDecay: 0.1)),
        ("Adamax", w => new Adamax([w], lr: 0.1)),
        ("LBFGS", w => new LBFGS([w], lr: 1, maxIter: 4, lineSearchFn: "strong_wolfe")),
        ("NAdam", w => new NAdam([w], lr: 0.1)),
        ("RAdam", w => new RAdam([w], lr: 0.1)),
        ("RMSprop", w => new RMSprop([w], lr: 0.01)),
        ("Rprop", w => new Rprop([w], lr: 0.05)),
        ("SparseAdam", w => new SparseAdam([w], lr: 0.1)),
    ];

    private static Tensor Loss(Tensor w)
    {
        var t = Torch.Tensor(T, dtype: DType.Float64);
        var c = Torch.Tensor(C, dtype: DType.Float64);
        return (w - t).Pow(2).Mul(c).Sum() + w.Pow(4).Sum() * 0.1;
    }

    /// <summary>Runs one optimizer for <see cref="Steps"/> steps: the loss before each step and the final weights.</summary>
    public static (double[] Losses, Tensor Weight) Run(string name)
    {
        var make = Optimizers.Single(o => o.Name == name).Make;
        var w = Torch.Tensor(W0, dtype: DType.Float64, requiresGrad: true);
        var opt = make(w);
        var losses = new double[Steps];
        Tensor Closure()
        {
            opt.ZeroGrad();
            var loss = Loss(w);
            loss.Backward();
            if (opt is SparseAdam)
            {
                // Only rows 0 and 2, as an Embedding(sparse: true) looking up ids [0, 2] would give.
                var rows = Torch.Tensor(new long[,] { { 0, 2 } });
                w.Grad = Torch.SparseCooTensor(rows, w.Grad!.IndexSelect(0, rows[0]), w.Size());
            }
            return loss;
        }
        for (int s = 0; s < Steps; s++)
        {
            if (opt is LBFGS) losses[s] = opt.Step(Closure)!.Item<double>();
            else
            {
                losses[s] = Closure().Item<double>();
                opt.Step();
            }
        }
        return (losses, w.Detach());
    }

    /// <inheritdoc/>
    public int Run(string[] args, TextWriter o)
    {
        o.WriteLine($"loss(W) = sum(c * (W - t)^2) + 0.1 * sum(W^4), W0 = {Torch.Tensor(W0, dtype: DType.Float64)}\n");
        foreach (var (name, _) in Optimizers)
        {
            var (losses, w) = Run(name);
            o.WriteLine($"{name,-14} loss {string.Join(" -> ", losses.Select(l => l.ToString("F4", CultureInfo.InvariantCulture)))}");
            o.WriteLine($"{"",-14} W = {w.ToString().Replace("\n", "\n" + new string(' ', 19))}");
        }
        return 0;
    }
}
