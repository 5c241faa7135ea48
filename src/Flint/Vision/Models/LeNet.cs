using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Vision;

public static partial class Models
{
    /// <summary>
    /// The seeds' LeNet (PyTorch's tutorial <c>Net</c>): conv1 1→6 5x5, conv2 6→16 5x5, each followed by ReLU and 2x2
    /// max pooling, then fc1 400→120, fc2 120→84, fc3 84→classes, on 1x32x32 images.
    /// </summary>
    public sealed class LeNet : Module<Tensor, Tensor>
    {
        /// <summary><c>conv1</c>: Conv2d(1, 6, 5).</summary>
        public Conv2d Conv1 = new(1, 6, 5);

        /// <summary><c>conv2</c>: Conv2d(6, 16, 5).</summary>
        public Conv2d Conv2 = new(6, 16, 5);

        /// <summary><c>fc1</c>: Linear(400, 120).</summary>
        public Linear Fc1 = new(16 * 5 * 5, 120);

        /// <summary><c>fc2</c>: Linear(120, 84).</summary>
        public Linear Fc2 = new(120, 84);

        /// <summary><c>fc3</c>: Linear(84, classes).</summary>
        public Linear Fc3;

        /// <summary>A LeNet with <paramref name="numClasses"/> outputs.</summary>
        public LeNet(long numClasses = 10) => Fc3 = new Linear(84, numClasses);

        /// <inheritdoc/>
        public override Tensor Forward(Tensor x)
        {
            x = F.MaxPool2d(F.Relu(Conv1.Call(x)), (2, 2));
            x = F.MaxPool2d(F.Relu(Conv2.Call(x)), 2);
            x = x.View(-1, NumFlatFeatures(x));
            x = F.Relu(Fc1.Call(x));
            x = F.Relu(Fc2.Call(x));
            return Fc3.Call(x);
        }

        // The features per sample: the product of all dims but the batch (the seeds' num_flat_features).
        private static long NumFlatFeatures(Tensor x)
        {
            long n = 1;
            for (int d = 1; d < x.Dim(); d++) n *= x.Size(d);
            return n;
        }
    }
}
