namespace Flint.Examples.Scenarios;

/// <summary>T2: tensors to and from C# arrays (the seeds' from_numpy / .numpy()), item(), type conversions.</summary>
public sealed class T2HostInterop : IExample
{
    public string Name => "t2";
    public string Summary => "Host arrays both ways, item(), type(LongTensor), double(), float(), long()";

    public int Run(string[] args, TextWriter o)
    {
        var g = new long[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        var h = Torch.Tensor(g);
        o.WriteLine(h);
        var flat = Torch.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var back = flat.ToArray<float>();
        o.WriteLine(string.Join(", ", back));
        flat.Data<float>()[0] = 100;
        o.WriteLine(flat);
        o.WriteLine(Torch.Tensor(3.5).Item<double>());
        o.WriteLine(flat.Type(Torch.Long).Type());
        o.WriteLine(flat.Type("torch.FloatTensor").Type());
        o.WriteLine(h.Double().DType.TorchName());
        o.WriteLine(h.Float().DType.TorchName());
        o.WriteLine(flat.Long().DType.TorchName());
        return 0;
    }
}
