using System.Text.Json;
using Flint.Tests.Parity;

namespace Flint.Tests.Tensors;

/// <summary>
/// Tensor.ToString() against repr() strings printed by PyTorch 1.13 (tests/parity/printing.py), compared exactly.
/// In the non-parallel collection because print options are global.
/// </summary>
[Collection("DefaultGenerator")]
public class PrintingTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("printing");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id)
    {
        var fx = FixtureSet.Load("printing");
        var c = fx.Case(id);
        var x = fx.Tensor(c.GetProperty("input"));
        var grad = c.GetProperty("grad").ValueKind == JsonValueKind.String ? c.GetProperty("grad").GetString() : null;
        if (grad is not null) x.RequiresGrad_();
        var view = c.GetProperty("view");
        if (view.ValueKind == JsonValueKind.String)
            x = view.GetString() == "t" ? x.T() : x.Slice(0, null, null, 2);
        if (grad == "mul") x = x * x;
        else if (grad == "sum") x = x.Sum();
        var o = c.GetProperty("options");
        try
        {
            Torch.SetPrintOptions(
                precision: o.GetProperty("precision").GetInt32(),
                threshold: o.GetProperty("threshold").ValueKind == JsonValueKind.String ? double.PositiveInfinity : o.GetProperty("threshold").GetDouble(),
                edgeitems: o.GetProperty("edgeitems").GetInt32(),
                linewidth: o.GetProperty("linewidth").GetInt32(),
                sciMode: o.GetProperty("sci_mode").ValueKind == JsonValueKind.Null ? null : o.GetProperty("sci_mode").GetBoolean());
            if (o.TryGetProperty("profile", out var profile)) Torch.SetPrintOptions(profile: profile.GetString());
            Assert.Equal(c.GetProperty("expected").GetString(), x.ToString());
        }
        finally
        {
            Torch.SetPrintOptions(profile: "default");
        }
    }

    [Fact]
    public void SetPrintOptionsFollowsPyTorch()
    {
        try
        {
            Torch.SetPrintOptions(precision: 2, sciMode: true);
            Assert.Equal(new PrintOptions(2, 1000, 3, 80, true), Torch.GetPrintOptions());
            // As in PyTorch, a call without sciMode resets it to automatic.
            Torch.SetPrintOptions(edgeitems: 5);
            Assert.Equal(new PrintOptions(2, 1000, 5, 80, null), Torch.GetPrintOptions());
            Torch.SetPrintOptions(profile: "short", linewidth: 100);
            Assert.Equal(new PrintOptions(2, 1000, 2, 100, null), Torch.GetPrintOptions());
            Torch.SetPrintOptions(profile: "full");
            Assert.Equal(new PrintOptions(4, double.PositiveInfinity, 3, 80, null), Torch.GetPrintOptions());
        }
        finally
        {
            Torch.SetPrintOptions(profile: "default");
        }
        Assert.Equal(new PrintOptions(), Torch.GetPrintOptions());
    }

    [Fact]
    public void SizeAndDTypePrintAsPyTorch()
    {
        Assert.Equal("torch.Size([2, 3])", Torch.Zeros(2, 3).Shape.ToString());
        Assert.Equal("torch.Size([])", Torch.Tensor(1.0).Shape.ToString());
        Assert.Equal("torch.float32", Torch.Zeros(1).DType.TorchName());
        Assert.Equal("torch.int64", Torch.Arange(3).DType.TorchName());
    }
}
