using Flint.NN;

namespace Flint.Examples.Scenarios;

/// <summary>M4: nn.init.kaiming_normal_ on a convolution weight and constant_ on a linear weight, and the others.</summary>
public sealed class M4Init : IExample
{
    public string Name => "m4";
    public string Summary => "Init.KaimingNormal_(conv.weight.Data), Init.Constant_(linear.weight.Data, 0.3) and the other initialisers";

    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(42);
        var convWeight = new Parameter(Torch.Empty(6, 1, 5, 5));
        Init.KaimingNormal_(convWeight.Data);
        o.WriteLine(convWeight.Data[0]);
        var linear = new Linear(120, 84);
        Init.Constant_(linear.Weight.Data, 0.3);
        o.WriteLine(linear.Weight.Data);
        var w = Torch.Empty(4, 6);
        o.WriteLine($"xavier_uniform_: {Init.XavierUniform_(w, gain: Init.CalculateGain("relu"))}");
        o.WriteLine($"orthogonal_: {Init.Orthogonal_(w)}");
        o.WriteLine($"trunc_normal_: {Init.TruncNormal_(w, std: 0.02)}");
        o.WriteLine($"eye_: {Init.Eye_(w)}");
        return 0;
    }
}
