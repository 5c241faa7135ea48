using Flint.Data;
using Flint.NN;
using Flint.Optim;

namespace Flint.Examples.Scenarios;

/// <summary>
/// P5: the seeds' LSTM time series. A sliding-window Dataset (3 steps) over 1..10, <c>LSTMNet</c> (LSTM input 1,
/// hidden 2, one layer, batch_first, zero h0/c0 detached) with a Linear head, MSELoss and Adam(lr 0.01) for 100 epochs
/// at batch 1, then eval() and no_grad() to predict the value after [11, 12, 13].
/// The seed's head (fc of the last output) learns 1..10 but cannot reach 14 (an LSTM's outputs are bounded; PyTorch
/// predicts 8.62 from seed 0, and so does this); a residual head (last value + fc) predicts 14.
/// </summary>
public sealed class P5TimeSeries : IExample
{
    public string Name => "p5";
    public string Summary => "LSTM time series: sliding windows over 1..10, LSTMNet + Linear, MSE + Adam, predict [11,12,13] -> 14";

    /// <summary>Windows of <c>sequenceLength</c> values and the value after them: x [3, 1], y [1].</summary>
    public sealed class TimeSeries(float[] data, int sequenceLength = 3) : Dataset<(Tensor, Tensor)>
    {
        public override int Count => data.Length - sequenceLength;

        public override (Tensor, Tensor) this[int idx] =>
            (Torch.Tensor(data[idx..(idx + sequenceLength)]).View(-1, 1), Torch.Tensor(new[] { data[idx + sequenceLength] }));
    }

    /// <summary>The seeds' LSTMNet; <paramref name="residual"/> adds the last input to the head's output.</summary>
    public sealed class LSTMNet : Module<Tensor, Tensor>
    {
        private readonly long hiddenSize, numLayers;
        private readonly bool residual;
        private readonly LSTM lstm;
        private readonly Linear fc;

        public LSTMNet(long inputSize, long hiddenSize, long numLayers, long outputSize, bool residual = false)
        {
            this.hiddenSize = hiddenSize;
            this.numLayers = numLayers;
            this.residual = residual;
            lstm = new LSTM(inputSize, hiddenSize, numLayers, batchFirst: true);
            fc = new Linear(hiddenSize, outputSize);
        }

        public override Tensor Forward(Tensor x)
        {
            var h0 = Torch.Zeros(numLayers, x.Size(0), hiddenSize).RequiresGrad_();
            var c0 = Torch.Zeros(numLayers, x.Size(0), hiddenSize).RequiresGrad_();
            var (output, (hn, cn)) = lstm.Call(x, (h0.Detach(), c0.Detach()));
            var last = fc.Call(output[.., -1, ..]);
            return residual ? x[.., -1, ..] + last : last;
        }
    }

    /// <summary>What one run produced: the last loss of each epoch and the prediction for [11, 12, 13].</summary>
    public sealed record Result(double[] Losses, double Prediction, double True);

    /// <summary>Trains from <c>Torch.ManualSeed(0)</c> as the seed does and predicts the next value after [11, 12, 13].</summary>
    public static Result Train(bool residual, int epochs, TextWriter? o = null)
    {
        Torch.ManualSeed(0);
        var dataloader = new DataLoader<(Tensor, Tensor)>(new TimeSeries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), batchSize: 1);
        var net = new LSTMNet(1, 2, 1, 1, residual);
        var criterion = new MSELoss();
        var optimizer = new Adam(net.Parameters(), lr: 0.01);
        var losses = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            Tensor? loss = null;
            foreach (var (x, y) in dataloader)
            {
                optimizer.ZeroGrad();
                var output = net.Call(x);
                loss = criterion.Call(output, y);
                loss.Backward();
                optimizer.Step();
            }
            losses[epoch] = loss!.Item<double>();
            if (o is not null && (epoch + 1) % 10 == 0) o.WriteLine($"Epoch {epoch + 1}, Loss {losses[epoch]}");
        }
        var (xTest, yTest) = new TimeSeries([11, 12, 13, 14])[0];
        net.Eval();
        double prediction;
        using (Torch.NoGrad()) prediction = net.Call(xTest.Unsqueeze(0)).Item<double>();
        return new Result(losses, prediction, yTest.Item<double>());
    }

    public int Run(string[] args, TextWriter o)
    {
        int epochs = args.Length > 0 ? int.Parse(args[0]) : 100;
        o.WriteLine("The seed's LSTMNet (fc of the last output):");
        var plain = Train(residual: false, epochs, o);
        o.WriteLine($"True value: {plain.True}, Predicted value: {plain.Prediction}");
        o.WriteLine("With a residual head (last value + fc), which extrapolates past the training range:");
        var residual = Train(residual: true, epochs, o);
        o.WriteLine($"True value: {residual.True}, Predicted value: {residual.Prediction}");
        return 0;
    }
}
