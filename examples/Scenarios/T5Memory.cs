namespace Flint.Examples.Scenarios;

/// <summary>T5: views and indexing share memory, clone does not; broadcasting.</summary>
public sealed class T5Memory : IExample
{
    public string Name => "t5";
    public string Summary => "Indexing and view share memory with the source, clone() does not; broadcasting";

    public int Run(string[] args, TextWriter o)
    {
        var x = Torch.Zeros(4, 4);
        var row = x[0];
        row.Fill_(1);
        var v = x.View(16);
        v[5] = 7;
        o.WriteLine(x);
        var c = x.Clone();
        c.Fill_(-1);
        o.WriteLine($"after clone().fill_(-1): x.sum() = {x.Sum().Item<float>()}");
        var a = Torch.Arange(1, 3).View(1, 2);
        var b = Torch.Arange(1, 4).View(3, 1);
        o.WriteLine(a + b);
        return 0;
    }
}
