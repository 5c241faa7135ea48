using Flint;
using static Flint.TensorIndex;

namespace Flint.Tests.Ops;

/// <summary>
/// Views share memory, subscripts read and write as in PyTorch, errors carry PyTorch's wording; the T4/T5 scenarios
/// of SCENARIOS.md (view(16), view(-1, 8), unsqueeze, squeeze, indexing shares memory, clone does not).
/// </summary>
public class IndexingTests
{
    private static Tensor Arange(long n, params long[] shape) => Torch.Arange(n, dtype: DType.Float32).View(shape).Clone();

    // ---- T4: shapes ----

    [Fact]
    public void T4_ViewSixteenAndInferred()
    {
        var x = Arange(16, 4, 4);
        var y = x.View(16);
        var z = x.View(-1, 8);
        Assert.Equal(new Size(4, 4), x.Shape);
        Assert.Equal(new Size(4, 4), x.Size());
        Assert.Equal(new Size(16), y.Size());
        Assert.Equal(new Size(2, 8), z.Size());
        Assert.Same(x, y.Base);
        Assert.Equal(x.ToArray<float>(), z.ToArray<float>());
    }

    [Fact]
    public void T4_UnsqueezeSqueezeTranspose()
    {
        var x = Torch.Zeros(2, 3);
        Assert.Equal(new Size(2, 1, 3), x.Unsqueeze(1).Shape);
        Assert.Equal(new Size(2, 3), x.Squeeze(0).Shape); // dim 0 has size 2: no-op
        Assert.Equal(new Size(2, 3), x.Unsqueeze(1).Squeeze(1).Shape);
        Assert.Equal(new Size(3, 2), x.Transpose(0, 1).Shape);
        Assert.Equal("SqueezeBackward1", Torch.Zeros(2, 3, requiresGrad: true).Squeeze(0).GradFn!.Name);
    }

    // ---- T5: memory ----

    [Fact]
    public void T5_IndexingAndViewShareMemoryCloneDoesNot()
    {
        var x = Torch.Zeros(3, 4);
        var row = x[1];
        var col = x[.., 2];
        var flat = x.View(12);
        var c = x.Clone();
        row.Fill_(5);
        col.Fill_(7);
        flat[0] = 9.0;
        Assert.Equal(new float[] { 9, 0, 7, 0, 5, 5, 7, 5, 0, 0, 7, 0 }, x.ToArray<float>());
        Assert.Equal(new float[12], c.ToArray<float>());
        x[0, 0] = -1;
        Assert.Equal(-1f, flat[0].Item<float>());
        Assert.Same(x, row.Base);
        Assert.Same(x, col.Base);
        Assert.Null(c.Base);
    }

    [Fact]
    public void AdvancedIndexingCopies()
    {
        var x = Arange(6, 2, 3);
        var picked = x[Torch.Tensor(new long[] { 1, 0 })];
        picked.Fill_(0);
        Assert.Equal(15f, x.Sum().Item<float>());
        Assert.Null(picked.Base);
    }

    // ---- reading ----

    [Fact]
    public void RangesIndicesAndSteps()
    {
        var x = Arange(24, 2, 3, 4);
        Assert.Equal(new float[] { 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23 }, x[^1].ToArray<float>());
        Assert.Equal(x[-1].ToArray<float>(), x[^1].ToArray<float>());
        Assert.Equal(new Size(2, 2, 4), x[.., 1..3].Shape);
        Assert.Equal(new float[] { 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23 }, x[.., 1..].ToArray<float>());
        Assert.Equal(new float[] { 1, 9, 13, 21 }, x[.., Slice(null, null, 2), Slice(1, null, 3)].ToArray<float>());
        Assert.Equal(new float[] { 3, 7, 11, 15, 19, 23 }, x[Ellipsis, -1].ToArray<float>());
        Assert.Equal(new Size(2, 3, 4, 1), x[Ellipsis, NewAxis].Shape);
        Assert.Equal(new Size(1, 2, 3, 4), x[Torch.NewAxis].Shape);
        Assert.Equal(new Size(2, 0, 4), x[.., 2..1].Shape);
        Assert.Equal(new Size(2, 2, 4), x[.., ^2..].Shape);
        Assert.Equal(new Size(2, 2, 4), x[.., 1..10].Shape);
        Assert.Equal(5f, x[0, 1, 1].Item<float>());
        Assert.Equal(new Size(), x[0, 1, 1].Shape);
    }

    [Fact]
    public void AdvancedIndexPlacement()
    {
        var x = Arange(24, 2, 3, 4);
        var i01 = Torch.Tensor(new long[] { 0, 1 });
        var i12 = Torch.Tensor(new long[] { 1, 2 });
        // Adjacent advanced indices stay in place; separated ones move to the front.
        Assert.Equal(new float[] { 1, 6, 13, 18 }, x[.., i01, i12].ToArray<float>());
        Assert.Equal(new Size(2, 2), x[.., i01, i12].Shape);
        var sep = x[i01, .., i12];
        Assert.Equal(new Size(2, 3), sep.Shape);
        Assert.Equal(new float[] { 1, 5, 9, 14, 18, 22 }, sep.ToArray<float>());
        Assert.Equal(new Size(3, 2), x[0, .., i12].Shape);
        Assert.Equal(new Size(1, 2, 1, 4), x[NewAxis, .., Torch.Tensor(new long[] { 1 })].Shape);
        Assert.Equal(new Size(2, 2, 3, 4), x[Torch.Tensor(new long[,] { { 0, 1 }, { 1, 0 } })].Shape);
        Assert.Equal(new float[] { 12, 13, 14, 15, 0, 1, 2, 3 }, x[Torch.Tensor(new long[] { 1, 0 }), 0].ToArray<float>());
        Assert.Equal(new float[] { 20, 21, 22, 23 }, x[Torch.Tensor(new long[] { -1 }), -1].ToArray<float>());
        Assert.Equal(new float[] { 0, 2 }, x[0, 0, new long[] { 0, 2 }].ToArray<float>());
    }

    [Fact]
    public void MaskIndexing()
    {
        var x = Arange(6, 2, 3);
        var mask = Torch.Tensor(new bool[,] { { true, false, true }, { false, true, true } });
        Assert.Equal(new float[] { 0, 2, 4, 5 }, x[mask].ToArray<float>());
        Assert.Equal(new float[] { 0, 2, 4, 5 }, x.MaskedSelect(mask).ToArray<float>());
        var rows = Torch.Tensor(new[] { false, true });
        Assert.Equal(new Size(1, 3), x[rows].Shape);
        Assert.Equal(new Size(2, 2), x[.., Torch.Tensor(new[] { true, false, true })].Shape);
        Assert.Equal(new Size(1, 2, 3), x[true].Shape);
        Assert.Equal(new Size(0, 2, 3), x[false].Shape);
    }

    // ---- writing ----

    [Fact]
    public void CompoundAssignmentAndEmptyIndices()
    {
        var x = Arange(12, 3, 4);
        x[Torch.Tensor(new long[] { 0, 1 }), Torch.Tensor(new long[] { 1, 2 })] += 5;
        Assert.Equal(new float[] { 0, 6, 2, 3, 4, 5, 11, 7, 8, 9, 10, 11 }, x.ToArray<float>());
        x[1..3, 0] *= 2;
        Assert.Equal(new float[] { 0, 6, 2, 3, 8, 5, 11, 7, 16, 9, 10, 11 }, x.ToArray<float>());
        Assert.Equal(new Size(0, 4), x[Torch.Empty([0], DType.Int64)].Shape);
        Assert.Equal(new Size(0, 4), x.IndexSelect(0, Torch.Empty([0], DType.Int64)).Shape);
        Assert.Equal(new Size(4, 0), Torch.Zeros([2, 0]).Repeat(2, 3).Shape);
        Assert.Equal(3, Torch.Zeros(0, 2).Chunk(3).Length);
        Assert.Equal(5f, Torch.Tensor(5.0f).Gather(0, Torch.Tensor(0L)).Item<float>());
    }

    [Fact]
    public void AssignNumbersAndTensors()
    {
        var x = Torch.Zeros(3, 4);
        x[1] = 2.5;
        x[.., 0] = Torch.Tensor(new float[] { 1, 2, 3 });
        x[2, 1..3] = Torch.Tensor(new float[,] { { 8, 9 } }); // leading 1 stripped
        Assert.Equal(new float[] { 1, 0, 0, 0, 2, 2.5f, 2.5f, 2.5f, 3, 8, 9, 0 }, x.ToArray<float>());

        var l = Torch.Zeros(3, 4, DType.Int64);
        l[Torch.Ones(3, 4, DType.Bool)] = 2.7; // a number converts to the tensor's dtype
        Assert.All(l.ToArray<long>(), v => Assert.Equal(2L, v));

        var d = Torch.Zeros(2, DType.Float64);
        d[0] = 0.1;
        Assert.Equal(0.1, d[0].Item<double>());
    }

    [Fact]
    public void AssignAdvancedAndAccumulate()
    {
        var x = Torch.Zeros(3);
        x[Torch.Tensor(new long[] { 0, 0, 1 })] = Torch.Tensor(new float[] { 1, 2, 3 });
        Assert.Equal(new float[] { 2, 3, 0 }, x.ToArray<float>());
        var y = Torch.Zeros(3);
        y.IndexPut_([Torch.Tensor(new long[] { 0, 0, 1 })], Torch.Tensor(new float[] { 1, 2, 3 }), accumulate: true);
        Assert.Equal(new float[] { 3, 3, 0 }, y.ToArray<float>());
        var z = Torch.Zeros(2, 3);
        z[Torch.Tensor(new[,] { { true, false, true }, { false, false, true } })] = 4;
        Assert.Equal(new float[] { 4, 0, 4, 0, 0, 4 }, z.ToArray<float>());
        z[.., Torch.Tensor(new long[] { 1 })] = Torch.Tensor(new float[] { 7, 8 }).View(2, 1);
        Assert.Equal(new float[] { 4, 7, 4, 0, 8, 4 }, z.ToArray<float>());
    }

    [Fact]
    public void AssignIsDifferentiable()
    {
        var a = Torch.Ones(3, 4, requiresGrad: true);
        var v = Torch.Tensor(new float[] { 10, 20, 30, 40 }, requiresGrad: true);
        var y = a * 2;
        y[1] = v;
        Assert.Equal("CopySlices", y.GradFn!.Name);
        var w = a * 3;
        w[Torch.Tensor(new long[] { 0, 2 })] = v;
        Assert.Equal("IndexPutBackward0", w.GradFn!.Name);
        (y.Sum() + w.Sum()).Backward();
        // a: rows 0 and 2 of y (2 each) + row 1 of w (3); v: once through y, twice through w.
        Assert.Equal(new float[] { 2, 2, 2, 2, 3, 3, 3, 3, 2, 2, 2, 2 }, a.Grad!.ToArray<float>());
        Assert.Equal(new float[] { 3, 3, 3, 3 }, v.Grad!.ToArray<float>());
    }

    [Fact]
    public void OverwriteCutsOldHistory()
    {
        var a = Torch.Ones(2, 3, requiresGrad: true);
        var y = a * 2;
        y[0] = 5.0;
        y.Sum().Backward();
        Assert.Equal(new float[] { 0, 0, 0, 2, 2, 2 }, a.Grad!.ToArray<float>());
        var b = Torch.Ones(3, requiresGrad: true);
        var z = b * 2;
        z.Fill_(1);
        Assert.Equal("FillBackward2", z.GradFn!.Name);
        z.Sum().Backward();
        Assert.Equal(new float[] { 0, 0, 0 }, b.Grad!.ToArray<float>());
    }

    [Fact]
    public void GradFnNamesAndViews()
    {
        var x = Arange(12, 3, 4).RequiresGrad_();
        Assert.Equal("SelectBackward0", x[0].GradFn!.Name);
        Assert.Equal("SliceBackward0", x[1..3].GradFn!.Name);
        Assert.Equal("UnsqueezeBackward0", x[NewAxis].GradFn!.Name);
        Assert.Equal("AliasBackward0", x[Ellipsis].GradFn!.Name);
        Assert.Same(x, x[Ellipsis].Base);
        Assert.Equal("IndexBackward0", x[Torch.Tensor(new long[] { 0 })].GradFn!.Name);
        Assert.Equal("ReshapeAliasBackward0", x.Flatten().GradFn!.Name);
        Assert.Equal("UnsafeViewBackward0", x.T().Flatten().GradFn!.Name);
        Assert.Equal("DiagonalBackward0", x.Diagonal().GradFn!.Name);
        Assert.Same(x, x.Diagonal().Base);
        Assert.Same(x, x.Unfold(1, 2, 1).Base);
        Assert.Same(x, x.Movedim(0, 1).Base);
        Assert.Same(x, x.Unflatten(1, 2, 2).Base);
        var parts = x.Split(2);
        Assert.Equal("SplitBackward0", parts[0].GradFn!.Name);
        Assert.Same(x, parts[1].Base);
        Assert.Same(parts[0].GradFn, parts[1].GradFn);
        Assert.Equal("UnbindBackward0", x.Unbind()[2].GradFn!.Name);
    }

    [Fact]
    public void GradFnNamesMatchPyTorch()
    {
        var x = Arange(12, 3, 4).RequiresGrad_();
        var i = Torch.Tensor(new long[] { 0, 2 });
        var col = Torch.Tensor(new long[,] { { 0 }, { 1 }, { 2 } });
        var src = Torch.Ones(3, 1, requiresGrad: true);
        var v = Torch.Tensor(2.0f, requiresGrad: true);
        var m = Torch.Tensor(new[] { true, false, true, false });
        var cases = new (string Name, Func<Tensor> Make)[]
        {
            ("UnsafeViewBackward0", () => x.T().Reshape(12)),
            ("ViewBackward0", () => x.Unflatten(1, 2, 2)),
            ("PermuteBackward0", () => x.Movedim(0, 1)),
            ("TransposeBackward0", () => x.Swapdims(0, 1)),
            ("RepeatBackward0", () => x.Repeat(2, 1)),
            ("RepeatBackward0", () => x.Tile(2)),
            ("IndexSelectBackward0", () => x.RepeatInterleave(2, 0)),
            ("IndexSelectBackward0", () => x.RepeatInterleave(Torch.Tensor(new long[] { 1, 2, 0 }), 0)),
            ("CatBackward0", () => Torch.Cat([x, x])),
            ("CatBackward0", () => Torch.Hstack([x, x])),
            ("CatBackward0", () => Torch.Dstack([x, x])),
            ("StackBackward0", () => Torch.Stack([x, x])),
            ("SplitWithSizesBackward0", () => x.Split([1L, 3L], 1)[0]),
            ("SplitBackward0", () => x.Chunk(2)[0]),
            ("SliceBackward0", () => x.TensorSplit(3, 1)[0]),
            ("FlipBackward0", () => x.Fliplr()),
            ("RollBackward0", () => x.Roll(1)),
            ("Rot90Backward0", () => x.Rot90()),
            ("TrilBackward0", () => x.Tril()),
            ("TriuBackward0", () => x.Triu(1)),
            ("DiagBackward0", () => x.Diag(1)),
            ("DiagEmbedBackward0", () => x.DiagEmbed()),
            ("UnfoldBackward0", () => x.Unfold(1, 2, 1)),
            ("GatherBackward0", () => x.Gather(1, col)),
            ("GatherBackward0", () => x.TakeAlongDim(col, 1)),
            ("ScatterBackward0", () => x.Scatter(1, col, src)),
            ("ScatterBackward1", () => x.Scatter(1, col, 2.0)),
            ("NotImplemented", () => x.Scatter(1, col, 2.0, "multiply")),
            ("ScatterAddBackward0", () => x.ScatterAdd(1, col, src)),
            ("ScatterReduceBackward0", () => x.ScatterReduce(1, col, src, "amax")),
            ("IndexAddBackward0", () => x.IndexAdd(1, i, Torch.Ones(3, 2))),
            ("IndexCopyBackward0", () => x.IndexCopy(1, i, Torch.Ones(3, 2))),
            ("IndexFillBackward0", () => x.IndexFill(1, i, 2.0)),
            ("IndexFillBackward1", () => x.IndexFill(1, i, v)),
            ("IndexPutBackward0", () => x.IndexPut([i], Torch.Ones(4))),
            ("MaskedFillBackward0", () => x.MaskedFill(m, 2.0)),
            ("MaskedFillBackward1", () => x.MaskedFill(m, v)),
            ("MaskedSelectBackward0", () => x.MaskedSelect(m)),
            ("MaskedScatterBackward0", () => x.MaskedScatter(m, Torch.Ones(12))),
            ("TakeBackward0", () => x.Take(i)),
            ("PutBackward0", () => x.Put(i, Torch.Ones(2))),
            ("IndexBackward0", () => x[true]),
        };
        foreach (var (name, make) in cases) Assert.Equal(name, make().GradFn!.Name);
        Assert.Null(x.Nonzero().GradFn);
        Assert.Same(x, x.Flatten(1, 1));
    }

    [Fact]
    public void NonzeroListsEveryNonzeroPositionInOrder()
    {
        // Random masks with zeros leading and trailing (the compaction stops at the last nonzero), in one and two dims.
        var random = new Random(3);
        var v = new float[997];
        for (int i = 5; i < v.Length - 7; i++) v[i] = random.Next(3) == 0 ? (float)random.NextDouble() + 0.5f : 0;
        foreach (var shape in new long[][] { [997], [1, 997] })
        {
            var got = Torch.Tensor(v).View(shape).Gt(0).Nonzero().ToArray<long>();
            var want = new List<long>();
            for (int i = 0; i < v.Length; i++)
                if (v[i] > 0)
                {
                    if (shape.Length == 2) want.Add(0);
                    want.Add(i);
                }
            Assert.Equal(want.ToArray(), got);
        }
        Assert.Equal([0, 1], Torch.Zeros(4).Nonzero().shape);
        Assert.Equal(new long[] { 0, 1, 2, 3 }, Torch.Ones(4).Nonzero().ToArray<long>());
    }

    [Fact]
    public void ViewsOfSplitsAndDiagonalsWriteThrough()
    {
        var x = Torch.Zeros(3, 3);
        x.Diagonal().Fill_(1);
        Assert.Equal(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, x.ToArray<float>());
        x.Chunk(3, 1)[2].Fill_(4);
        Assert.Equal(new float[] { 1, 0, 4, 0, 1, 4, 0, 0, 4 }, x.ToArray<float>());
        x.Unfold(0, 2, 1)[1, 0, 1] = 9;
        Assert.Equal(9f, x[2, 0].Item<float>());
    }

    // ---- in-place forms ----

    [Fact]
    public void InPlaceIndexOpsWriteIntoSelfAndViews()
    {
        var idx = Torch.Tensor(new long[,] { { 1 }, { 0 } });
        var x = Torch.Zeros(2, 3);
        Assert.Same(x, x.Scatter_(1, idx, 5.0));
        x.ScatterAdd_(1, idx, Torch.Ones(2, 1));
        x.Scatter_(1, idx, Torch.Full([2, 1], 2.0), "multiply");
        Assert.Equal(new float[] { 0, 12, 0, 12, 0, 0 }, x.ToArray<float>());
        x.IndexFill_(1, Torch.Tensor(new long[] { 2 }), -1);
        x.IndexAdd_(0, Torch.Tensor(new long[] { 1, 1 }), Torch.Ones(2, 3), alpha: 0.5);
        Assert.Equal(new float[] { 0, 12, -1, 13, 1, 0 }, x.ToArray<float>());
        x.MaskedFill_(Torch.Tensor(new[] { true, false, false }), 7);
        x.IndexCopy_(1, Torch.Tensor(new long[] { 1 }), Torch.Tensor(new float[,] { { 3 }, { 4 } }));
        x.Put_(Torch.Tensor(new long[] { 5 }), Torch.Tensor(new float[] { 9 }), accumulate: true);
        Assert.Equal(new float[] { 7, 3, -1, 7, 4, 9 }, x.ToArray<float>());
        x.MaskedScatter_(Torch.Tensor(new[,] { { false, true, false }, { true, false, false } }), Torch.Tensor(new float[] { 8, 6 }));
        x.ScatterReduce_(1, idx, Torch.Tensor(new float[,] { { 100 }, { -100 } }), "amax");
        Assert.Equal(new float[] { 7, 100, -1, 6, 4, 9 }, x.ToArray<float>());
        // Through a view: the base changes.
        var col = x[.., 2];
        col.IndexPut_([Torch.Tensor(new long[] { 0 })], Torch.Tensor(new float[] { 42 }));
        Assert.Equal(42f, x[0, 2].Item<float>());
        Assert.Equal(new float[] { 7, 100, 42, 6, 4, 9 }, x.ToArray<float>());
        Assert.Same(x, x.Triu_(1));
        Assert.Equal(new float[] { 0, 100, 42, 0, 0, 9 }, x.ToArray<float>());
        x.T().Tril_(-1);
        Assert.Equal(new float[] { 0, 100, 42, 0, 0, 9 }, x.ToArray<float>());
        x.Tril_();
        Assert.Equal(new float[6], x.ToArray<float>());
    }

    [Fact]
    public void InPlaceOnNonLeafRecordsTheOp()
    {
        var a = Torch.Ones(2, 3, requiresGrad: true);
        var y = a * 2;
        y.IndexFill_(1, Torch.Tensor(new long[] { 0 }), 0);
        Assert.Equal("IndexFillBackward0", y.GradFn!.Name);
        y.MaskedFill_(Torch.Tensor(new[] { false, false, true }), 0);
        Assert.Equal("MaskedFillBackward0", y.GradFn!.Name);
        y.Sum().Backward();
        Assert.Equal(new float[] { 0, 2, 0, 0, 2, 0 }, a.Grad!.ToArray<float>());
        var leaf = Torch.Ones(3, requiresGrad: true);
        var ex = Assert.Throws<InvalidOperationException>(() => leaf[0] = 1.0);
        Assert.Equal("a view of a leaf Variable that requires grad is being used in an in-place operation.", ex.Message);
    }

    [Fact]
    public void SecondDerivativeThroughIndexing()
    {
        var x = Torch.Tensor(new double[] { 1, 2, 3 }, requiresGrad: true);
        var idx = Torch.Tensor(new long[] { 0, 2, 2 });
        var picked = x[idx];
        var f = (picked * picked * picked).Sum(); // x0^3 + 2 x2^3
        var g = Torch.Autograd.Grad(f, [x], createGraph: true)[0]!;
        Assert.Equal(new double[] { 3, 0, 54 }, g.ToArray<double>());
        var h = Torch.Autograd.Grad(g.Sum(), [x])[0]!;
        Assert.Equal(new double[] { 6, 0, 36 }, h.ToArray<double>());
        var y = x.Gather(0, idx).Repeat(2);
        var gy = Torch.Autograd.Grad((y * y).Sum(), [x], createGraph: true)[0]!;
        Assert.Equal(new double[] { 4, 0, 24 }, gy.ToArray<double>());
        Assert.Equal(new double[] { 4, 0, 8 }, Torch.Autograd.Grad(gy.Sum(), [x])[0]!.ToArray<double>());
    }


    [Fact]
    public void CatAndStackOfLargeBatchesSplitTheirCopiesOverThreads()
    {
        int saved = Torch.GetNumThreads();
        try
        {
            Torch.SetNumThreads(2);
            // Pieces of uneven sizes, so the threads' byte ranges start and end inside pieces; one piece is a transposed
            // view and one is float64 (strided and converting copies beside the memory copies), one is legacy-empty.
            long[] sizes = [1, 40_001, 7, 0, 30_000, 24, 90_000];
            var pieces = new Tensor[sizes.Length];
            long start = 0;
            for (int i = 0; i < sizes.Length; i++)
            {
                pieces[i] = Torch.Arange(start, start + sizes[i], dtype: DType.Float32);
                start += sizes[i];
            }
            var strided = Torch.Zeros(sizes[4], 2);
            strided.Select(1, 0).Copy_(pieces[4]);
            pieces[4] = strided.Select(1, 0);
            pieces[5] = pieces[5].To(DType.Float64);
            Assert.Equal(Torch.Arange(start, dtype: DType.Float64).ToArray<double>(), Torch.Cat(pieces).ToArray<double>());

            var images = new Tensor[64];
            for (int i = 0; i < images.Length; i++) images[i] = Torch.Arange(i * 784, (i + 1) * 784, dtype: DType.Float32).View(1, 28, 28);
            images[5] = images[5].Transpose(1, 2).Contiguous().Transpose(1, 2);
            var batch = Torch.Stack(images);
            Assert.Equal(new long[] { 64, 1, 28, 28 }, batch.Shape);
            Assert.Equal(Torch.Arange(64 * 784, dtype: DType.Float32).ToArray<float>(), batch.ToArray<float>());
            var columns = Torch.Stack(images, 3);
            Assert.Equal(new long[] { 1, 28, 28, 64 }, columns.Shape);
            var expected = new float[64 * 784];
            for (int p = 0; p < 784; p++)
                for (int i = 0; i < 64; i++) expected[p * 64 + i] = i * 784 + p;
            Assert.Equal(expected, columns.ToArray<float>());
        }
        finally
        {
            Torch.SetNumThreads(saved);
        }
    }
    // ---- errors ----

    [Fact]
    public void ErrorsUsePyTorchWording()
    {
        var x = Torch.Zeros(3, 4);
        Err<IndexOutOfRangeException>("index 5 is out of bounds for dimension 0 with size 3", () => x[5]);
        Err<IndexOutOfRangeException>("index 7 is out of bounds for dimension 1 with size 4", () => x[0, 7]);
        Err<IndexOutOfRangeException>("index 5 is out of bounds for dimension 0 with size 3", () => x[Torch.Tensor(new long[] { 5 })]);
        Err<IndexOutOfRangeException>("index 7 is out of bounds for dimension 0 with size 4", () => x[.., Torch.Tensor(new long[] { 7 })]);
        Err<IndexOutOfRangeException>("index is out of bounds for dimension with size 0", () => Torch.Zeros(0, 4)[Torch.Tensor(new long[] { 0 })]);
        Err<IndexOutOfRangeException>("too many indices for tensor of dimension 2", () => x[0, 0, 0]);
        Err<IndexOutOfRangeException>(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number",
            () => Torch.Tensor(1.0)[0]);
        Err<IndexOutOfRangeException>("tensors used as indices must be long, byte or bool tensors",
            () => x[Torch.Tensor(new float[] { 1 })]);
        Err<IndexOutOfRangeException>(
            "The shape of the mask [3, 3] at index 1 does not match the shape of the indexed tensor [3, 4] at index 1",
            () => x[Torch.Ones(3, 3, DType.Bool)]);
        Err<IndexOutOfRangeException>("shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]",
            () => x[Torch.Tensor(new long[] { 0, 1 }), Torch.Tensor(new long[] { 0, 1, 2 })]);
        Err<ArgumentException>("step must be greater than zero", () => x[Slice(null, null, -1)]);
        Err<ArgumentException>("slice step cannot be zero", () => x[Slice(null, null, 0)]);
        Err<ArgumentException>("Index put requires the source and destination dtypes match, got Float for the destination and Double for the source.",
            () => x[Torch.Tensor(new long[] { 1 })] = Torch.Ones(1, DType.Float64));
        Err<ArgumentException>("shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [1, 4]",
            () => x[Torch.Tensor(new long[] { 1 })] = Torch.Ones(3));
        Err<ArgumentException>(
            "The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]",
            () => x[0..2] = Torch.Ones(3));
        Err<ArgumentException>(
            "Sizes of tensors must match except in dimension 1. Expected size 3 but got size 4 for tensor number 1 in the list.",
            () => Torch.Cat([Torch.Zeros(3, 2), Torch.Zeros(4, 2)], 1));
        Err<ArgumentException>("Tensors must have same number of dimensions: got 2 and 1", () => Torch.Cat([x, Torch.Zeros(4)]));
        Err<ArgumentException>("zero-dimensional tensor (at position 0) cannot be concatenated",
            () => Torch.Cat([Torch.Tensor(1.0), Torch.Tensor(2.0)]));
        Err<ArgumentException>("torch.cat(): expected a non-empty list of Tensors", () => Torch.Cat(Array.Empty<Tensor>()));
        Err<ArgumentException>("stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1",
            () => Torch.Stack([Torch.Zeros(2, 3), Torch.Zeros(2, 4)]));
        Err<IndexOutOfRangeException>("index out of range in self", () => x.IndexSelect(0, Torch.Tensor(new long[] { 5 })));
        Err<IndexOutOfRangeException>("index out of range in self", () => x.IndexSelect(0, Torch.Tensor(new long[] { -1 })));
        Err<IndexOutOfRangeException>("INDICES element is out of DATA bounds, id=4 axis_dim=4", () => x.IndexSelect(1, Torch.Tensor(new long[] { 4 })));
        Err<IndexOutOfRangeException>("index -1 is out of bounds for dimension 1 with size 4",
            () => x.Gather(1, Torch.Tensor(new long[,] { { -1 } })));
        Err<IndexOutOfRangeException>("index -1 is out of bounds for dimension 1 with size 4",
            () => x.ScatterAdd(1, Torch.Tensor(new long[,] { { -1 } }), Torch.Ones(1, 1)));
        Err<IndexOutOfRangeException>("index out of range in self", () => x.IndexAdd(1, Torch.Tensor(new long[] { -1 }), Torch.Ones(3, 1)));
        Err<IndexOutOfRangeException>("index_copy_(): index -1 is out of bounds for dimension 1 with size 4",
            () => x.IndexCopy(1, Torch.Tensor(new long[] { -1 }), Torch.Ones(3, 1)));
        Err<IndexOutOfRangeException>("index -5 is out of bounds for dimension 1 with size 4", () => x.IndexFill(1, Torch.Tensor(new long[] { -5 }), 1));
        Err<IndexOutOfRangeException>("out of range: tried to access index -13 on a tensor of 12 elements.",
            () => x.Take(Torch.Tensor(new long[] { -13 })));
        Err<IndexOutOfRangeException>("index 5 is out of bounds for dimension 1 with size 4",
            () => x.Gather(1, Torch.Tensor(new long[,] { { 5 } })));
        Err<ArgumentException>("gather(): Expected dtype int64 for index", () => x.Gather(1, Torch.Zeros(new long[] { 3, 1 }, DType.Int32)));
        Err<ArgumentException>("scatter(): Expected self.dtype to be equal to src.dtype",
            () => x.Scatter(1, Torch.Zeros(new long[] { 1, 1 }, DType.Int64), Torch.Ones(1, 1, DType.Float64)));
        Err<ArgumentException>(
            "Expected index [4, 1] to be smaller than self [3, 4] apart from dimension 1 and to be smaller size than src [4, 1]",
            () => x.Scatter(1, Torch.Zeros(new long[] { 4, 1 }, DType.Int64), Torch.Ones(4, 1)));
        Err<ArgumentException>("reduce argument must be either add or multiply.",
            () => x.Scatter(1, Torch.Zeros(new long[] { 1, 1 }, DType.Int64), 1.0, "max"));
        Err<ArgumentException>("reduce argument must be either sum, prod, mean, amax or amin.",
            () => x.ScatterReduce(1, Torch.Zeros(new long[] { 1, 1 }, DType.Int64), Torch.Ones(1, 1), "max"));
        Err<IndexOutOfRangeException>("out of range: tried to access index 12 on a tensor of 12 elements.",
            () => x.Take(Torch.Tensor(new long[] { 12 })));
        Err<ArgumentException>("Number of elements of source < number of ones in mask",
            () => x.MaskedScatter(Torch.Ones(3, 4, DType.Bool), Torch.Ones(5)));
        Err<ArgumentException>("split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at dimension 0), but got split_sizes=[1, 1]",
            () => x.Split([1L, 1L]));
        Err<ArgumentException>("shifts and dimensions must align. shifts: 2, dims:1", () => x.Roll([1L, 2L], [0L]));
        Err<ArgumentException>("maximum size for tensor at dimension 1 is 4 but size is 5", () => x.Unfold(1, 5, 1));
        Err<ArgumentException>("flatten() has invalid args: start_dim cannot come after end_dim", () => x.Flatten(1, 0));
        Err<ArgumentException>("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor", () => x.Repeat(2));
        var g = Torch.Zeros(3, 4, requiresGrad: true);
        var ex = Assert.Throws<InvalidOperationException>(() =>
            g.Mul(1).Scatter(1, Torch.Zeros(new long[] { 3, 1 }, DType.Int64), Torch.Ones(3, 1), "add").Sum().Backward());
        Assert.Equal("derivative for aten::scatter is not implemented", ex.Message);
    }

    private static void Err<T>(string message, Func<object> f) where T : Exception =>
        Assert.Equal(message, Assert.Throws<T>(f).Message);

    private static void Err<T>(string message, Action f) where T : Exception =>
        Assert.Equal(message, Assert.Throws<T>(f).Message);
}
