using Flint;
using Flint.Data;
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