using Flint;
using Flint.Data;
using Flint.NN;
using Flint.Vision.Datasets;
using Flint.Vision.Transforms;

/// <summary>
/// The workloads, named identically in bench/pytorch_bench.py. Each row's work (flops or bytes moved) lets the
/// report give throughput and the fraction of the measured ceiling.
/// </summary>
internal static class Workloads
{
    public static void Register(Action<string, Action, double, string> run)
    {
        const long n = 16L << 20;
        var a = Torch.Ones(n);
        var b = Torch.Ones(n);
        var sq = Torch.Ones(4096, 4096);
        var sqT = sq.T();
        run("elementwise/add_16M", () => a.Add(b), 3.0 * n * 4, "byte");
        run("elementwise/mul_16M", () => a.Mul(b), 3.0 * n * 4, "byte");
        run("elementwise/add_transposed_4096", () => sqT.Add(sqT), 3.0 * sq.Numel() * 4, "byte");
        run("reduction/sum_rows_4096", () => sq.Sum(1), sq.Numel() * 4.0, "byte");
        run("reduction/sum_cols_4096", () => sq.Sum(0), sq.Numel() * 4.0, "byte");
        run("reduction/sum_all_16M", () => a.Sum(), n * 4.0, "byte");

        foreach (var size in new[] { 256, 1024, 2048 })
        {
            var m1 = Torch.Randn(size, size);
            var m2 = Torch.Randn(size, size);
            run($"matmul/fp32_{size}", () => m1.MatMul(m2), 2.0 * size * size * size, "flop");
        }

        var one = Torch.Ones(1);
        run("overhead/add_1elem", () =>
        {
            for (int i = 0; i < 1000; i++) one.Add(one);
        }, 1000, "op");

        RegisterConvolutions(run);
        DataLoading(run);
        Sequence(run);
    }

    // Convolutions: forward, input gradient and weight gradient of LeNet's layers and of typical CNN blocks.
    private static void RegisterConvolutions(Action<string, Action, double, string> run)
    {
        (string Name, long[] X, long[] W, long Stride, long Padding, long Groups)[] shapes =
        [
            ("lenet_conv1", [64, 1, 32, 32], [6, 1, 5, 5], 1, 0, 1),
            ("lenet_conv2", [64, 6, 14, 14], [16, 6, 5, 5], 1, 0, 1),
            ("3x3_64_32x64x32x32", [32, 64, 32, 32], [64, 64, 3, 3], 1, 1, 1),
            ("1x1_64to128_32x64x32x32", [32, 64, 32, 32], [128, 64, 1, 1], 1, 0, 1),
            ("3x3s2_64to128_32x64x32x32", [32, 64, 32, 32], [128, 64, 3, 3], 2, 1, 1),
            ("depthwise3x3_32x64x32x32", [32, 64, 32, 32], [64, 1, 3, 3], 1, 1, 64),
        ];
        foreach (var (name, xs, ws, stride, padding, groups) in shapes)
        {
            var x = Torch.Randn(new Size(xs));
            var w = Torch.Randn(new Size(ws));
            var y = Flint.NN.Functional.Conv2d(x, w, null, stride, padding, 1, groups);
            double flops = 2.0 * y.Numel() * ws[1] * ws[2] * ws[3];
            var gy = Torch.RandnLike(y);
            run($"conv/{name}/forward", () => Flint.NN.Functional.Conv2d(x, w, null, stride, padding, 1, groups), flops, "flop");
            var xg = x.Detach().RequiresGrad_();
            var yx = Flint.NN.Functional.Conv2d(xg, w, null, stride, padding, 1, groups);
            run($"conv/{name}/input_grad", () => Torch.Autograd.Grad([yx], [xg], [gy], retainGraph: true), flops, "flop");
            var wg = w.Detach().RequiresGrad_();
            var yw = Flint.NN.Functional.Conv2d(x, wg, null, stride, padding, 1, groups);
            run($"conv/{name}/weight_grad", () => Torch.Autograd.Grad([yw], [wg], [gy], retainGraph: true), flops, "flop");
        }
    }

    // ---- sequence models: recurrent layers, attention, the vision zoo (same names in pytorch_bench.py) ----
    private static void Sequence(Action<string, Action, double, string> run)
    {
        Torch.ManualSeed(0);
        var lstm = new LSTM(128, 256);
        var xs = Torch.Randn(35, 20, 128);
        // Forward: 35 steps of [20, 128+256] @ [128+256, 1024]; backward twice that.
        double lstmFlops = 3 * 2.0 * 35 * 20 * (128 + 256) * 4 * 256;
        run("seq/lstm_128x256_b20_t35_fwd_bwd", () =>
        {
            lstm.ZeroGrad();
            var (o, _) = lstm.Call(xs);
            o.Sum().Backward();
        }, lstmFlops, "flop");

        // TransformerEncoderLayer(d_model 256, 8 heads, feed-forward 2048), sequence 128, batch 16, in training.
        var layer = new TransformerEncoderLayer(256, 8);
        var src = Torch.Randn(128, 16, 256);
        // Per token: in-projection 3*256^2, out 256^2, feed-forward 2*256*2048 (x2 flops); attention 2*128*256 (x2).
        double encFlops = 2.0 * 128 * 16 * (4 * 256 * 256 + 2 * 256 * 2048 + 2 * 128 * 256);
        run("seq/transformer_encoder_layer_d256_h8_s128_b16_fwd_bwd", () =>
        {
            layer.ZeroGrad();
            layer.Call(src).Sum().Backward();
        }, 3 * encFlops, "flop");
        run("seq/transformer_encoder_layer_d256_h8_s128_b16_eval", () =>
        {
            layer.Eval();
            using (Torch.NoGrad()) layer.Call(src);
            layer.Train();
        }, encFlops, "flop");

        // ResNet-18 training step on a batch of 8 ImageNet-sized images (1.82 GFLOP forward per image, backward twice).
        var resnet = Flint.Vision.Models.Resnet18();
        var images = Torch.Randn(8, 3, 224, 224);
        run("seq/resnet18_b8_224_fwd_bwd", () =>
        {
            resnet.ZeroGrad();
            resnet.Call(images).Sum().Backward();
        }, 3 * 8 * 1.82e9, "flop");
    }

    // ---- Data loading (issue 5): one epoch of Fashion-MNIST's test split (10,000 images) with ToTensor + Normalize,
    // batch 64, shuffled, with 0 and 2 workers; work is the number of samples (us/op = microseconds per sample).
    private static void DataLoading(Action<string, Action, double, string> run)
    {
        var ds = new FashionMNIST<Tensor>(train: false, transform: new Compose(new ToTensor(), new Normalize([0.2860], [0.3530])));
        foreach (var workers in new[] { 0, 2 })
        {
            var loader = new DataLoader<(Tensor, long)>(ds, batchSize: 64, shuffle: true, numWorkers: workers);
            run($"dataloader/fashion_mnist_workers{workers}", () =>
            {
                foreach (var _ in loader) { }
            }, ds.Count, "op");
        }
    }
}