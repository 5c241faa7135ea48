using Flint.NN;
using Flint.Vision;

namespace Flint.Examples.Scenarios;

/// <summary>
/// M8: torchvision-style constructors — <c>Models.Resnet18()</c> and the ResNet family, <c>Vgg16()</c> and the VGGs,
/// <c>Alexnet()</c> — with <c>model.fc.InFeatures</c>, replacing the head, and what <c>pretrained: true</c> says when
/// no checkpoint file is given.
/// </summary>
public sealed class M8Zoo : IExample
{
    public string Name => "m8";
    public string Summary => "torchvision-style models: resnet18/34/50/101/152, vgg11-19 (+bn), alexnet; model.fc.in_features; pretrained";

    private static readonly Dictionary<string, Func<Module<Tensor, Tensor>>> Builders = new()
    {
        ["resnet18"] = () => Models.Resnet18(),
        ["resnet34"] = () => Models.Resnet34(),
        ["resnet50"] = () => Models.Resnet50(),
        ["resnet101"] = () => Models.Resnet101(),
        ["resnet152"] = () => Models.Resnet152(),
        ["vgg11"] = () => Models.Vgg11(),
        ["vgg16_bn"] = () => Models.Vgg16Bn(),
        ["alexnet"] = () => Models.Alexnet(),
    };

    public int Run(string[] args, TextWriter o)
    {
        Torch.ManualSeed(0);
        var names = args.Length > 0 ? args : Builders.Keys.ToArray();
        var image = Torch.Randn(1, 3, 224, 224);
        foreach (var name in names)
        {
            var model = Builders[name]();
            model.Eval();
            Tensor output;
            using (Torch.NoGrad()) output = model.Call(image);
            o.WriteLine($"{name}: {model.Parameters().Sum(p => p.Numel()):N0} parameters, output {output.Shape}");
        }

        var resnet = Models.Resnet18();
        var numFeatures = resnet.Fc.InFeatures;
        o.WriteLine($"resnet18: model.fc.in_features = {numFeatures}");
        resnet.Fc = new Linear(numFeatures, 2); // a two-class head for transfer learning
        o.WriteLine($"after replacing fc: {resnet.Fc}");
        o.WriteLine($"(layer1) of resnet18:\n{resnet.Layer1}");
        try
        {
            Models.Resnet152(pretrained: true);
        }
        catch (InvalidOperationException e)
        {
            o.WriteLine($"resnet152(pretrained: true): {e.Message}");
        }
        return 0;
    }
}
