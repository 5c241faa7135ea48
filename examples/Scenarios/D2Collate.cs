using Flint.Data;

namespace Flint.Examples.Scenarios;

/// <summary>D2: a batch of (tensor, number) samples collates to a tensor of shape [10, 10] and one of shape [10].</summary>
public sealed class D2Collate : IExample
{
    public string Name => "d2";
    public string Summary => "default collate: (data, index) samples give batches of shapes [10, 10] and [10]";

    private sealed class Indexed : Dataset<(Tensor Data, long Index)>
    {
        private readonly Tensor data = Torch.Randn(100, 10);

        public override int Count => 100;

        public override (Tensor Data, long Index) this[int index] => (data[index], index);
    }

    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(0);
        var loader = new DataLoader<(Tensor, long)>(new Indexed(), batchSize: 10, shuffle: true);
        foreach (var (data, index) in loader.Take(3))
            o.WriteLine($"data {data.Shape} {data.DType.TorchName()}, index {index.Shape} {index.DType.TorchName()}: {index}");
        var nested = Collate.Default(new[]
        {
            (Torch.Ones(2), 1.5, "a", new Dictionary<string, object> { ["k"] = 1 }),
            (Torch.Zeros(2), 2.5, "b", new Dictionary<string, object> { ["k"] = 2 }),
        });
        o.WriteLine($"nested: {nested}");
        return 0;
    }
}
