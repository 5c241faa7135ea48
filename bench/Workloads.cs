using Flint;
using Flint.Data;
using Flint.NN;
using Flint.Optim;
using Flint.Vision.Datasets;
using Flint.Vision.Transforms;
using F = Flint.NN.Functional;

/// <summary>
/// The workloads, named identically in bench/pytorch_bench.py. Each row's work (flops, bytes moved, ops or samples)
/// lets the report give throughput and the fraction of the measured ceiling. Units: "flop" (fp32 arithmetic),
/// "flop64" (fp64: half the fp32 ceiling), "flop1" (one thread: the one-thread ceiling), "byte" (memory traffic:
/// the copy bandwidth), "op" and "sample" (time per item, no ceiling).
/// </summary>
internal static class Workloads
{
    public static void Register(Action<string, Action, double, string> run)
    {
        Gemm(run);
        RegisterConvolutions(run);
        MemoryBound(run);
        Operators(run);
        SmallOps(run);
        Threads(run);
        Training(run);
        DataLoading(run);
        Sequence(run);
        Serialization(run);
    }

    // ---- 1. GEMM: square sizes 32..4096, the four transpose layouts, fp64, odd and skinny shapes, batched.
    private static void Gemm(Action<string, Action, double, string> run)
    {
        void Product(string name, long m, long k, long n, DType dtype, bool ta = false, bool tb = false, long batch = 0)
        {
            // Transposed operands are views of contiguous [k, m] / [n, k] storage, as a layer's weight.T is.
            Tensor Operand(long r, long c, bool t, long bt) =>
                bt > 0 ? (t ? Torch.Randn([bt, c, r], dtype: dtype).Transpose(1, 2) : Torch.Randn([bt, r, c], dtype: dtype))
                       : (t ? Torch.Randn([c, r], dtype: dtype).T() : Torch.Randn([r, c], dtype: dtype));
            var a = Operand(m, k, ta, batch);
            var b = Operand(k, n, tb, batch);
            // Products under 2^22 multiply-adds (a few microseconds) run several times per timed sample, as in
            // pytorch_bench.py, so that the timer's own cost and a cold first call do not dominate.
            long macs = Math.Max(batch, 1) * m * n * k, reps = Math.Max(1, (1L << 22) / macs);
            run(name, () =>
            {
                for (long i = 0; i < reps; i++) a.MatMul(b);
            }, 2.0 * macs * reps, dtype == DType.Float64 ? "flop64" : "flop");
        }
        foreach (var s in new long[] { 32, 64, 128, 256, 512, 1024, 2048, 4096 })
            Product($"gemm/fp32_nn_{s}", s, s, s, DType.Float32);
        foreach (var (tag, ta, tb) in new[] { ("nt", false, true), ("tn", true, false), ("tt", true, true) })
            foreach (var s in new long[] { 256, 1024 })
                Product($"gemm/fp32_{tag}_{s}", s, s, s, DType.Float32, ta, tb);
        foreach (var s in new long[] { 256, 1024, 2048 })
            Product($"gemm/fp64_nn_{s}", s, s, s, DType.Float64);
        Product("gemm/fp64_tn_1024", 1024, 1024, 1024, DType.Float64, ta: true);
        Product("gemm/fp32_odd_257", 257, 257, 257, DType.Float32);
        Product("gemm/fp32_odd_1000x999x1001", 1000, 999, 1001, DType.Float32);
        Product("gemm/fp32_skinny_64x784x256", 64, 784, 256, DType.Float32, tb: true);
        Product("gemm/fp32_skinny_4096x4096x64", 4096, 4096, 64, DType.Float32);
        Product("gemm/fp32_skinny_64x4096x4096", 64, 4096, 4096, DType.Float32);
        Product("gemm/fp32_skinny_4096x64x4096", 4096, 64, 4096, DType.Float32);
        Product("gemm/fp32_gemv_1x4096x4096", 1, 4096, 4096, DType.Float32);
        Product("gemm/fp32_bmm_64x128x128x128", 128, 128, 128, DType.Float32, batch: 64);
        Product("gemm/fp32_bmm_512x32x64x32", 32, 64, 32, DType.Float32, batch: 512);
        Product("gemm/fp64_bmm_64x128x128x128", 128, 128, 128, DType.Float64, batch: 64);
    }

    // ---- 2. Convolutions: forward, input gradient and weight gradient of LeNet's layers and of typical CNN blocks.
    private static void RegisterConvolutions(Action<string, Action, double, string> run)
    {
        (string Name, long[] X, long[] W, long Stride, long Padding, long Groups)[] shapes =
        [
            ("lenet_conv1", [64, 1, 32, 32], [6, 1, 5, 5], 1, 0, 1),
            ("lenet_conv1_pad2", [64, 1, 28, 28], [6, 1, 5, 5], 1, 2, 1),
            ("lenet_conv2", [64, 6, 14, 14], [16, 6, 5, 5], 1, 0, 1),
            ("3x3_64_32x64x32x32", [32, 64, 32, 32], [64, 64, 3, 3], 1, 1, 1),
            ("1x1_64to128_32x64x32x32", [32, 64, 32, 32], [128, 64, 1, 1], 1, 0, 1),
            ("3x3s2_64to128_32x64x32x32", [32, 64, 32, 32], [128, 64, 3, 3], 2, 1, 1),
            ("grouped3x3_g8_32x64x32x32", [32, 64, 32, 32], [64, 8, 3, 3], 1, 1, 8),
            ("depthwise3x3_32x64x32x32", [32, 64, 32, 32], [64, 1, 3, 3], 1, 1, 64),
            // ResNet-18's convolutions at batch 8 on 224x224 (seq/resnet18_b8_224_fwd_bwd, layer by layer).
            ("resnet18_conv1_7x7s2", [8, 3, 224, 224], [64, 3, 7, 7], 2, 3, 1),
            ("resnet18_l1_3x3_64", [8, 64, 56, 56], [64, 64, 3, 3], 1, 1, 1),
            ("resnet18_l2_3x3s2_64to128", [8, 64, 56, 56], [128, 64, 3, 3], 2, 1, 1),
            ("resnet18_l2_3x3_128", [8, 128, 28, 28], [128, 128, 3, 3], 1, 1, 1),
            ("resnet18_l2_down_1x1s2", [8, 64, 56, 56], [128, 64, 1, 1], 2, 0, 1),
            ("resnet18_l3_3x3s2_128to256", [8, 128, 28, 28], [256, 128, 3, 3], 2, 1, 1),
            ("resnet18_l3_3x3_256", [8, 256, 14, 14], [256, 256, 3, 3], 1, 1, 1),
            ("resnet18_l3_down_1x1s2", [8, 128, 28, 28], [256, 128, 1, 1], 2, 0, 1),
            ("resnet18_l4_3x3s2_256to512", [8, 256, 14, 14], [512, 256, 3, 3], 2, 1, 1),
            ("resnet18_l4_3x3_512", [8, 512, 7, 7], [512, 512, 3, 3], 1, 1, 1),
            ("resnet18_l4_down_1x1s2", [8, 256, 14, 14], [512, 256, 1, 1], 2, 0, 1),
        ];
        foreach (var (name, xs, ws, stride, padding, groups) in shapes)
        {
            var x = Torch.Randn(new Size(xs));
            var w = Torch.Randn(new Size(ws));
            var y = F.Conv2d(x, w, null, stride, padding, 1, groups);
            double flops = 2.0 * y.Numel() * ws[1] * ws[2] * ws[3];
            var gy = Torch.RandnLike(y);
            run($"conv/{name}/forward", () => F.Conv2d(x, w, null, stride, padding, 1, groups), flops, "flop");
            var xg = x.Detach().RequiresGrad_();
            var yx = F.Conv2d(xg, w, null, stride, padding, 1, groups);
            run($"conv/{name}/input_grad", () => Torch.Autograd.Grad([yx], [xg], [gy], retainGraph: true), flops, "flop");
            var wg = w.Detach().RequiresGrad_();
            var yw = F.Conv2d(x, wg, null, stride, padding, 1, groups);
            run($"conv/{name}/weight_grad", () => Torch.Autograd.Grad([yw], [wg], [gy], retainGraph: true), flops, "flop");
        }
        // LeNet's activation + pooling blocks (forward, and forward + backward).
        foreach (var (name, shape) in new[] { ("lenet1", new long[] { 64, 6, 28, 28 }), ("lenet2", new long[] { 64, 16, 10, 10 }) })
        {
            var x = Torch.Randn(new Size(shape));
            var xg = x.Detach().RequiresGrad_();
            var p = F.MaxPool2d(F.Relu(xg), 2);
            var gp = Torch.RandnLike(p);
            run($"pool/relu_maxpool2_{name}/forward", () => F.MaxPool2d(F.Relu(x), 2), x.Numel() * 4.0 * 1.25, "byte");
            run($"pool/relu_maxpool2_{name}/backward", () => Torch.Autograd.Grad([p], [xg], [gp], retainGraph: true), x.Numel() * 4.0 * 2.25, "byte");
        }
    }

    // ---- 3. Memory-bound ops: elementwise, broadcasting, reductions over each dim, softmax, norms. Work is the
    // minimum traffic (each input read once, the output written once).
    private static void MemoryBound(Action<string, Action, double, string> run)
    {
        const long n = 16L << 20;
        var a = Torch.Randn(n);
        var b = Torch.Randn(n);
        var sq = Torch.Randn(4096, 4096);
        var sqT = sq.T();
        var row = Torch.Randn(4096);
        var col = Torch.Randn(4096, 1);
        var cube = Torch.Randn(256, 256, 256);
        run("memory/clone_16M", () => a.Clone(), 2.0 * n * 4, "byte");
        run("elementwise/add_16M", () => a.Add(b), 3.0 * n * 4, "byte");
        run("elementwise/mul_16M", () => a.Mul(b), 3.0 * n * 4, "byte");
        run("elementwise/add_scalar_16M", () => a.Add(1.5), 2.0 * n * 4, "byte");
        run("elementwise/relu_16M", () => a.Relu(), 2.0 * n * 4, "byte");
        run("elementwise/exp_16M", () => a.Exp(), 2.0 * n * 4, "byte");
        run("elementwise/add_inplace_16M", () => a.Add_(b), 3.0 * n * 4, "byte");
        run("elementwise/add_transposed_4096", () => sqT.Add(sqT), 3.0 * sq.Numel() * 4, "byte");
        run("elementwise/add_rowbroadcast_4096", () => sq.Add(row), 2.0 * sq.Numel() * 4, "byte");
        run("elementwise/add_colbroadcast_4096", () => sq.Add(col), 2.0 * sq.Numel() * 4, "byte");
        var mask = a.Gt(0);
        run("elementwise/where_scalar_16M", () => Torch.Where(mask, a, 0.0), n * (1 + 4 + 4.0), "byte");
        run("reduction/sum_all_16M", () => a.Sum(), n * 4.0, "byte");
        run("reduction/sum_rows_4096", () => sq.Sum(1), sq.Numel() * 4.0, "byte");
        run("reduction/sum_cols_4096", () => sq.Sum(0), sq.Numel() * 4.0, "byte");
        for (int d = 0; d < 3; d++)
        {
            int dim = d;
            run($"reduction/sum_dim{dim}_256x256x256", () => cube.Sum(dim), cube.Numel() * 4.0, "byte");
        }
        run("reduction/amax_rows_4096", () => sq.Amax(1), sq.Numel() * 4.0, "byte");
        run("reduction/mean_cols_4096", () => sq.Mean(0), sq.Numel() * 4.0, "byte");
        run("softmax/last_4096x4096", () => sq.Softmax(1), 2.0 * sq.Numel() * 4, "byte");
        run("softmax/first_4096x4096", () => sq.Softmax(0), 2.0 * sq.Numel() * 4, "byte");
        run("softmax/log_softmax_last_4096x4096", () => sq.LogSoftmax(1), 2.0 * sq.Numel() * 4, "byte");
        // A segmentation network's class scores: log_softmax over dim 1 of [N, classes, H, W], and its backward.
        var seg = Torch.Randn(32, 21, 128, 128);
        run("softmax/log_softmax_dim1_32x21x128x128", () => seg.LogSoftmax(1), 2.0 * seg.Numel() * 4, "byte");
        var segx = seg.Detach().RequiresGrad_();
        var segy = segx.LogSoftmax(1);
        var segg = Torch.RandnLike(segy);
        run("softmax/log_softmax_dim1_backward_32x21x128x128", () => Torch.Autograd.Grad([segy], [segx], [segg], retainGraph: true),
            3.0 * seg.Numel() * 4, "byte");
        var lnw = Torch.Randn(4096);
        var lnb = Torch.Randn(4096);
        run("norm/layer_norm_4096x4096", () => F.LayerNorm(sq, [4096], lnw, lnb), 2.0 * sq.Numel() * 4, "byte");
        var img = Torch.Randn(32, 64, 64, 64);
        var rm = Torch.Zeros(64);
        var rv = Torch.Ones(64);
        var bnw = Torch.Randn(64);
        var bnb = Torch.Randn(64);
        run("norm/batch_norm_train_32x64x64x64", () => F.BatchNorm(img, rm, rv, bnw, bnb, training: true), 2.0 * img.Numel() * 4, "byte");
        run("norm/batch_norm_eval_32x64x64x64", () => F.BatchNorm(img, rm, rv, bnw, bnb, training: false), 2.0 * img.Numel() * 4, "byte");
        // BatchNorm1d's input: channels as columns of [N, C].
        var flat = Torch.Randn(4096, 1024);
        var (rm1, rv1, bnw1, bnb1) = (Torch.Zeros(1024), Torch.Ones(1024), Torch.Randn(1024), Torch.Randn(1024));
        run("norm/batch_norm1d_train_4096x1024", () => F.BatchNorm(flat, rm1, rv1, bnw1, bnb1, training: true), 2.0 * flat.Numel() * 4, "byte");
        var flatx = flat.Detach().RequiresGrad_();
        var flaty = F.BatchNorm(flatx, rm1, rv1, bnw1, bnb1, training: true);
        var flatg = Torch.RandnLike(flaty);
        run("norm/batch_norm1d_backward_4096x1024", () => Torch.Autograd.Grad([flaty], [flatx], [flatg], retainGraph: true),
            3.0 * flat.Numel() * 4, "byte");
        // A full training-mode layer norm round trip (forward + backward) on a transformer-sized activation.
        var xl = Torch.Randn(8192, 1024).RequiresGrad_();
        var wl = Torch.Ones(1024).RequiresGrad_();
        var bl = Torch.Zeros(1024).RequiresGrad_();
        var yl = F.LayerNorm(xl, [1024], wl, bl);
        var gl = Torch.RandnLike(yl);
        run("norm/layer_norm_backward_8192x1024", () => Torch.Autograd.Grad([yl], [xl, wl, bl], [gl], retainGraph: true), 3.0 * xl.Numel() * 4, "byte");
        // Optimizer steps on 1M parameters: bytes are the parameter, gradient and state tensors read and written.
        foreach (var (name, make, tensors) in new (string, Func<Tensor, Optimizer>, int)[]
                 {
                     ("sgd_1M", p => new SGD([p], lr: 0.01), 3),
                     ("sgd_momentum_1M", p => new SGD([p], lr: 0.01, momentum: 0.9), 5),
                     ("adam_1M", p => new Adam([p], lr: 1e-3), 7),
                 })
        {
            var p = Torch.Randn(1L << 20).RequiresGrad_();
            p.Grad = Torch.Randn(1L << 20);
            var opt = make(p);
            run($"optim/{name}", () => opt.Step(), tensors * (1L << 20) * 4.0, "byte");
        }
        // Layout and lookup: a transposed copy, an embedding's forward and backward (rows gathered, then added back).
        run("memory/transpose_copy_4096", () => sq.T().Contiguous(), 2.0 * sq.Numel() * 4, "byte");
        var table = Torch.Randn(50000, 256).RequiresGrad_();
        var tokens = Torch.Randint(0, 50000, [64, 128]);
        var looked = F.Embedding(tokens, table);
        var lookedGrad = Torch.RandnLike(looked);
        run("memory/embedding_64x128x256", () => F.Embedding(tokens, table.Detach()), 2.0 * looked.Numel() * 4, "byte");
        run("memory/embedding_backward_64x128x256", () => Torch.Autograd.Grad([looked], [table], [lookedGrad], retainGraph: true),
            2.0 * looked.Numel() * 4, "byte");
        // Sampling on the default generator (one Mersenne stream, on one thread in both): bytes are the output's.
        var drawn = Torch.Empty(4L << 20);
        run("random/bernoulli_4M", () => drawn.Bernoulli_(0.9), drawn.Numel() * 4.0, "byte");
        run("random/normal_4M", () => drawn.Normal_(), drawn.Numel() * 4.0, "byte");
        run("random/dropout_4M", () => F.Dropout(drawn, 0.1, true), 2.0 * drawn.Numel() * 4, "byte");
    }

    // ---- 3b. Operators outside the hot paths above, each once far behind PyTorch (a branch per element, a sort of
    // every element, a composite's extra passes): the rows keep them measured. Bytes are the output's, or the input's
    // for reductions and selections.
    private static void Operators(Action<string, Action, double, string> run)
    {
        var m = Torch.Randn(4096, 1024);
        var x = Torch.Randn(4L << 20);
        var mask = x.Gt(0.5);
        var columns = Torch.Randint(0, 1024, [4096, 100]);
        run("ops/gather_4096x100", () => m.Gather(1, columns), columns.Numel() * 4.0, "byte");
        var rows = Torch.Randint(0, 1024, [4096]);
        run("ops/index_add_4096x1024", () => Torch.Zeros(1024, 1024).IndexAdd(0, rows, m), m.Numel() * 4.0, "byte");
        var labels = Torch.Randint(0, 1000, [1L << 20]);
        run("ops/unique_1M", () => labels.Unique(), labels.Numel() * 8.0, "byte");
        run("ops/topk10_4096x1024", () => m.Topk(10, 1), m.Numel() * 4.0, "byte");
        run("ops/nonzero_4M", () => mask.Nonzero(), mask.Numel() * 1.0, "byte");
        run("ops/masked_fill_4M", () => x.MaskedFill(mask, 0.0), 2.0 * x.Numel() * 4, "byte");
        run("ops/cumsum_4096x1024", () => m.Cumsum(1), 2.0 * m.Numel() * 4, "byte");
        run("ops/remainder_4M", () => x.Remainder(0.7), 2.0 * x.Numel() * 4, "byte");
        var planes = Torch.Randn(8, 64, 64, 64);
        run("ops/upsample_bilinear_8x64x64_to_128", () => F.Interpolate(planes, new long[] { 128, 128 }, mode: "bilinear", alignCorners: false),
            8.0 * 64 * 128 * 128 * 4, "byte");
        var logits = Torch.Randn(4096, 1000).RequiresGrad_();
        var classes = Torch.Randint(0, 1000, [4096]);
        run("ops/cross_entropy_fwd_bwd_4096x1000", () => Torch.Autograd.Grad([F.CrossEntropy(logits, classes)], [logits]),
            2.0 * logits.Numel() * 4, "byte");
        var predicted = Torch.Randn(4096, 1024).RequiresGrad_();
        run("ops/mse_fwd_bwd_4096x1024", () => Torch.Autograd.Grad([F.MseLoss(predicted, m)], [predicted]), 3.0 * m.Numel() * 4, "byte");
    }

    // ---- 4. Small tensors: the fixed cost of one op, with and without an autograd record, and the seed's step.
    private static void SmallOps(Action<string, Action, double, string> run)
    {
        var one = Torch.Ones(1);
        run("overhead/add_1elem", () =>
        {
            for (int i = 0; i < 1000; i++) one.Add(one);
        }, 1000, "op");
        var leaf = Torch.Ones(1).RequiresGrad_();
        run("overhead/add_1elem_autograd", () =>
        {
            for (int i = 0; i < 1000; i++) leaf.Add(leaf);
        }, 1000, "op");
        var small = Torch.Ones(4, 4);
        run("overhead/matmul_4x4", () =>
        {
            for (int i = 0; i < 1000; i++) small.MatMul(small);
        }, 1000, "op");
        run("overhead/sum_16elem", () =>
        {
            for (int i = 0; i < 1000; i++) small.Sum();
        }, 1000, "op");

        // The seed scenario: Linear(1, 1) + Adam + MSE on a batch of 16 points, one step per op.
        Torch.ManualSeed(0);
        var model = new Linear(1, 1);
        var opt = new Adam(model.Parameters(), lr: 0.01);
        var x = Torch.Randn(16, 1);
        var y = x.Mul(2).Add(1);
        run("small/linear1_adam_mse_step", () =>
        {
            for (int i = 0; i < 100; i++)
            {
                opt.ZeroGrad();
                var loss = F.MseLoss(model.Call(x), y);
                loss.Backward();
                opt.Step();
            }
        }, 100, "op");

        var parts = Enumerable.Range(0, 64).Select(_ => Torch.Randn(1, 28, 28)).ToArray();
        run("small/stack_64x1x28x28", () => Torch.Stack(parts), 64, "sample");
    }

    // ---- 5. Thread scaling: the same large ops on one thread (the two-thread figures are the rows above).
    private static void Threads(Action<string, Action, double, string> run)
    {
        var m1 = Torch.Randn(2048, 2048);
        var m2 = Torch.Randn(2048, 2048);
        var big = Torch.Randn(16L << 20);
        var sq = Torch.Randn(4096, 4096);
        var x = Torch.Randn(32, 64, 32, 32);
        var w = Torch.Randn(64, 64, 3, 3);
        foreach (var threads in new[] { 1, 2 })
        {
            int t = threads;
            string s = t == 1 ? "1thread" : "2threads";
            void On(Action body)
            {
                Torch.SetNumThreads(t);
                try { body(); }
                finally { Torch.SetNumThreads(2); }
            }
            run($"threads/matmul_2048_{s}", () => On(() => m1.MatMul(m2)), 2.0 * 2048 * 2048 * 2048, t == 1 ? "flop1" : "flop");
            run($"threads/conv3x3_64_forward_{s}", () => On(() => F.Conv2d(x, w, null, 1, 1)), 2.0 * 32 * 64 * 32 * 32 * 64 * 9,
                t == 1 ? "flop1" : "flop");
            run($"threads/exp_16M_{s}", () => On(() => big.Exp()), 2.0 * big.Numel() * 4, "byte");
            run($"threads/softmax_4096x4096_{s}", () => On(() => sq.Softmax(1)), 2.0 * sq.Numel() * 4, "byte");
        }
    }

    // ---- 6. Training steps (zero_grad, forward, loss, backward, optimizer step) at batch 64, and one epoch of LeNet
    // on Fashion-MNIST's 60,000 training images held in memory (shuffled batches of 64, Adam lr 0.002).
    private static void Training(Action<string, Action, double, string> run)
    {
        Torch.ManualSeed(0);
        var mlp = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
        var mlpOpt = new SGD(mlp.Parameters(), lr: 0.01, momentum: 0.9);
        var xm = Torch.Randn(64, 784);
        var ym = Torch.Randint(0, 10, [64]);
        run("train/mlp_784_256_10_b64_step", () =>
        {
            mlpOpt.ZeroGrad();
            F.CrossEntropy(mlp.Call(xm), ym).Backward();
            mlpOpt.Step();
        }, 1, "op");

        var lenet = LeNet();
        var opt = new Adam(lenet.Parameters(), lr: 0.002);
        var xl = Torch.Randn(64, 1, 28, 28);
        var yl = Torch.Randint(0, 10, [64]);
        run("train/lenet_b64_step", () =>
        {
            opt.ZeroGrad();
            F.CrossEntropy(lenet.Call(xl), yl).Backward();
            opt.Step();
        }, 1, "op");

        if (!File.Exists(Path.Combine(FashionMNIST<Tensor>.SystemRoot, "train-images-idx3-ubyte.gz"))) return;
        var ds = new FashionMNIST<Tensor>(FashionMNIST<Tensor>.SystemRoot, train: true);
        var images = ds.Data.To(DType.Float32).Div(255).Sub(0.2860).Div(0.3530).Unsqueeze(1);
        var labels = ds.Targets;
        long count = images.Size(0);
        var model = LeNet();
        var epochOpt = new Adam(model.Parameters(), lr: 0.002);
        run("train/lenet_fashion_mnist_epoch", () =>
        {
            var perm = Torch.Randperm(count);
            for (long i = 0; i < count; i += 64)
            {
                var idx = perm.Slice(0, i, Math.Min(i + 64, count));
                epochOpt.ZeroGrad();
                F.CrossEntropy(model.Call(images.IndexSelect(0, idx)), labels.IndexSelect(0, idx)).Backward();
                epochOpt.Step();
            }
        }, count, "sample");
    }

    /// <summary>The main job's LeNet (examples/FashionMnist/LeNet.cs) as a Sequential.</summary>
    private static Sequential LeNet() => new(
        new Conv2d(1, 6, 5, padding: 2), new ReLU(), new MaxPool2d(2),
        new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(16 * 5 * 5, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10));

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
        run("seq/resnet18_b8_224_fwd_only", () => resnet.Call(images), 8 * 1.82e9, "flop");
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

    // ---- Serialization (issue 6): torch.save and torch.load of a 100 MB state dict (25 float32 tensors of 1M
    // elements) to and from a file in the temp folder; work is the tensor bytes.
    private static void Serialization(Action<string, Action, double, string> run)
    {
        var state = new Dictionary<string, Tensor>();
        for (int i = 0; i < 25; i++) state[$"layer{i}.weight"] = Torch.Randn(1024, 1024);
        var path = Path.Combine(Path.GetTempPath(), $"flint-bench-{Environment.ProcessId}.pt");
        const double bytes = 25.0 * 1024 * 1024 * 4;
        Torch.Save(state, path);
        run("serialization/save_100MB", () => Torch.Save(state, path), bytes, "byte");
        run("serialization/load_100MB", () => Torch.Load(path), bytes, "byte");
        File.Delete(path);
    }
}
