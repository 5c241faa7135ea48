using Flint.Examples;

namespace Flint.Tests.Examples;

/// <summary>Scenarios D1-D5 run as examples and print what PyTorch's versions print.</summary>
public class DataScenarioTests
{
    private static string Run(string name, params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, Catalog.All.Single(e => e.Name == name).Run(args, output));
        return output.ToString();
    }

    [Fact]
    public void D1EverySampleOncePerEpochLastBatchKeptOrDropped()
    {
        var o = Run("d1", "23");
        Assert.Contains("drop_last=False: len(loader) = 3", o);
        Assert.Contains("epoch 1: 23 samples, 23 distinct", o);
        Assert.Contains("x torch.Size([3, 1]), y torch.Size([3])", o);
        Assert.Contains("drop_last=True: len(loader) = 2", o);
        Assert.Contains("epoch 0: 20 samples, 20 distinct", o);
        Assert.Contains("next(iter(loader)): torch.Size([4, 1]) tensor([0, 1, 2, 3])", o);
    }

    [Fact]
    public void D2CollatesToShapes10x10And10()
    {
        var o = Run("d2");
        Assert.Contains("data torch.Size([10, 10]) torch.float32, index torch.Size([10]) torch.int64", o);
        Assert.Contains("tensor([1.5000, 2.5000], dtype=torch.float64), ['a', 'b'], {'k': tensor([1, 2])}]", o);
    }

    [Fact]
    public void D3WorkersGiveTheSameBatches()
    {
        var o = Run("d3");
        Assert.Contains("loaded by workers [0, 1]", o);
        Assert.Contains("same batches: True", o);
    }

    [Fact]
    public void D4HouseTiny()
    {
        var o = Run("d4");
        Assert.Contains("(tensor([[3., 1., 0.],\n        [2., 0., 1.],\n        [4., 0., 1.],\n        [3., 0., 1.]], dtype=torch.float64),\n tensor([127500, 106000, 178100, 140000]))", o.Replace("\r\n", "\n"));
    }

    [Fact]
    public void D5ImageFolderImageListAndFashionMnist()
    {
        var o = Run("d5");
        Assert.Contains("classes cat, dog; class_to_idx cat: 0, dog: 1", o);
        Assert.Contains("12 train and 4 val images", o);
        Assert.Contains("train batch torch.Size([4, 3, 24, 24])", o);
        Assert.Contains("one image for prediction: torch.Size([1, 3, 24, 24]), label 0", o);
        Assert.Contains("image list + CSV: 3 images, batch torch.Size([2, 3, 16, 16]), labels tensor([0, 0])", o);
        // 10,000 from Debian's full dataset, or 2,000 from the subset shipped in data/ where it is not installed.
        Assert.Matches(@"FashionMNIST test split: (10000|2000) images from .*; batch torch.Size\(\[64, 1, 28, 28\]\)", o);
    }
}
