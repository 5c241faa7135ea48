namespace Flint.Examples.Scenarios;

/// <summary>T3: arithmetic, in-place add, pow, cat, max along a dim, argmax, sum, mean, == and counting.</summary>
public sealed class T3Ops : IExample
{
    public string Name => "t3";
    public string Summary => "x+y, torch.add, y.add_(x), pow/**, *scalar, cat, max(x, dim) -> (values, indices), argmax, sum, mean, ==";

    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(0);
        var x = Torch.Rand(5, 3);
        var y = Torch.Rand(5, 3);
        o.WriteLine(x + y);
        o.WriteLine(Torch.Add(x, y));
        y.Add_(x);
        o.WriteLine(y);
        o.WriteLine(x.Pow(2) * 10);
        o.WriteLine(Torch.Cat([x, y], 0).Shape);
        var (values, indices) = Torch.Max(x, 1);
        o.WriteLine(values);
        o.WriteLine(indices);
        o.WriteLine(Torch.Argmax(x, 1));
        o.WriteLine($"{x.Sum()} {x.Mean()}");
        var pred = Torch.Tensor(new long[] { 1, 0, 2, 2 });
        var labels = Torch.Tensor(new long[] { 1, 1, 2, 0 });
        var correct = pred.Eq(labels);
        o.WriteLine(correct);
        o.WriteLine($"correct: {correct.Sum().Item<long>()}");
        return 0;
    }
}
