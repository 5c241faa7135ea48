using Flint.Examples.FashionMnist;
using Flint.Tests.Board;

namespace Flint.Tests.Examples;

/// <summary>The main job at small size: its outputs, its checkpoint's format, resuming, stopping early, its CLI.</summary>
public class FashionMnistJobTests
{
    private static TrainingOptions Small(string logDir, string run, int epochs = 1) => new()
    {
        Subset = true, Epochs = epochs, Limit = 320, BatchSize = 32, Workers = 1, Threads = 2, LogDir = logDir, RunName = run, Plain = true,
    };

    [Fact]
    public void WritesEventsCheckpointPlotAndReportsPerClass()
    {
        var dir = BoardTestDirs.Make("fashion-mnist-outputs");
        var output = new StringWriter();
        var result = new Trainer(Small(dir, "run"), output).Run();
        var text = output.ToString();
        Assert.Contains("Test accuracy per class", text);
        Assert.Matches(@"Test accuracy: \d+\.\d\d% \(\d+/64\)", text);
        Assert.Contains("Ankle boot", text);
        Assert.Equal(64, result.ClassTotal.Sum());
        Assert.InRange(result.TestAccuracy, 0, 1);
        Assert.NotEmpty(Directory.GetFiles(result.RunDir, "events.out.tfevents.*"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(result.Plot)[..4]);

        var events = EventFileReader.ReadEvents(Directory.GetFiles(result.RunDir, "events.out.tfevents.*").Single());
        var tags = events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value).Select(v => v.Tag).ToHashSet();
        Assert.Superset(new HashSet<string> { "Loss/train", "Accuracy/train", "Loss/val", "Accuracy/val", "Accuracy/test" }, tags);

        // PyTorch's general checkpoint: epoch, model_state_dict with the LeNet keys, optimizer_state_dict, loss.
        var ckpt = Torch.Load<Dictionary<string, object?>>(result.Checkpoint);
        Assert.Equal(1L, ckpt["epoch"]);
        var model = Assert.IsType<OrderedDictionary<string, object?>>(ckpt["model_state_dict"]);
        Assert.Equal(["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"],
            model.Keys);
        var optimizer = Assert.IsType<Dictionary<string, object?>>(ckpt["optimizer_state_dict"]);
        Assert.Equal(10, Assert.IsType<Dictionary<long, object?>>(optimizer["state"]).Count);
        Assert.IsType<double>(ckpt["loss"]);
    }

    [Fact]
    public void ResumeContinuesFromTheCheckpoint()
    {
        var dir = BoardTestDirs.Make("fashion-mnist-resume");
        var first = new Trainer(Small(dir, "run", epochs: 1), TextWriter.Null).Run();
        var output = new StringWriter();
        var resumed = new Trainer(Small(dir, "run", epochs: 2) with { Resume = first.Checkpoint, RunName = null }, output).Run();
        Assert.Contains("resumed from", output.ToString());
        Assert.DoesNotContain("epoch 1/2", output.ToString());
        Assert.Equal([1, 2], resumed.Epochs.Select(e => e.Epoch));
        Assert.Equal(first.Epochs[0].TrainLoss, resumed.Epochs[0].TrainLoss);
        Assert.Equal(first.RunDir, resumed.RunDir);
        Assert.Equal(2L, Torch.Load<Dictionary<string, object?>>(resumed.Checkpoint)["epoch"]);
    }

    [Fact]
    public void StopRequestSavesACheckpointAfterTheCurrentBatch()
    {
        var dir = BoardTestDirs.Make("fashion-mnist-stop");
        var trainer = new Trainer(Small(dir, "run", epochs: 3), TextWriter.Null);
        trainer.RequestStop();
        var result = trainer.Run();
        Assert.True(result.Interrupted);
        Assert.True(double.IsNaN(result.TestAccuracy));
        var ckpt = Torch.Load<Dictionary<string, object?>>(result.Checkpoint);
        Assert.Equal(true, ckpt["interrupted"]);
        Assert.Equal(0L, ckpt["epoch"]);
    }

    [Fact]
    public void CommandLineListsItsOptionsAndRefusesBadOnes()
    {
        var job = new FashionMnistJob();
        var help = new StringWriter();
        Assert.Equal(0, job.Run(["--help"], help));
        foreach (var option in new[] { "--epochs", "--batch-size", "--lr", "--optimizer", "--device", "--data-dir", "--seed", "--resume", "--threads", "--workers" })
            Assert.Contains(option, help.ToString());
        var bad = new StringWriter();
        Assert.NotEqual(0, job.Run(["--optimizer", "rmsprop"], bad));
        Assert.Contains("rmsprop", bad.ToString());
        var cuda = new StringWriter();
        Assert.Equal(1, job.Run(["--device", "cuda", "--subset", "--limit", "32"], cuda));
        Assert.Contains("CUDA is not available", cuda.ToString());
    }
}
