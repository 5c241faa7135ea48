namespace Flint.Examples.Scenarios;

/// <summary>T1: creating tensors (seeds 003 and 004).</summary>
public sealed class T1Creation : IExample
{
    public string Name => "t1";
    public string Summary => "Tensor creation: tensor(data), zeros/ones/eye/arange/linspace, rand/randn/normal, *_like, new_ones";

    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(0);
        var x = Torch.Rand(4, 3);
        var y = Torch.Zeros(4, 3, dtype: Torch.Long);
        var z = Torch.Zero_(x);
        o.WriteLine(y);
        o.WriteLine(z);
        o.WriteLine(Torch.Tensor(new long[] { 5, 6 }));
        o.WriteLine(Torch.Tensor(1.0, dtype: Torch.Float));
        var n = Torch.Tensor(new long[] { 5, 6 }).NewOnes([4, 3], dtype: Torch.Double);
        o.WriteLine(n);
        o.WriteLine(Torch.RandnLike(n, dtype: Torch.Float));
        o.WriteLine(Torch.Eye(3));
        o.WriteLine(Torch.Arange(0, 10, 2));
        o.WriteLine(Torch.Linspace(0, 1, 5));
        o.WriteLine(Torch.Randn(2, 3));
        o.WriteLine(Torch.Normal(Torch.Zeros(3), Torch.Ones(3)));
        o.WriteLine(Torch.Normal(2.0, 3.0, [2, 2]));
        o.WriteLine(Torch.Randperm(5));
        o.WriteLine(Torch.Randint(0, 10, [3]));
        o.WriteLine(Torch.ZerosLike(x));
        return 0;
    }
}
