using Flint.NN;
using Flint.Optim;

namespace Flint.Tests.Optim;

/// <summary>The Optimizer API of scenario O2: defaults, state, param_groups, zero_grad, step(closure), add_param_group.</summary>
public class OptimizerApiTests
{
    private sealed class TwoParams : Module
    {
        public Parameter Weight = new(Torch.Ones(2, 3));
        public Parameter Bias = new(Torch.Zeros(2));
    }

    [Fact]
    public void AcceptsModuleParametersAndPlainLeaves()
    {
        var net = new TwoParams();
        var opt = new SGD(net.Parameters(), lr: 0.1, momentum: 0.9);
        Assert.Equal(2, opt.ParamGroups[0].Params.Count);
        Assert.Same(net.Weight, opt.ParamGroups[0].Params[0]);
        var leaf = Torch.Zeros(3).RequiresGrad_();
        opt.AddParamGroup(new ParamGroup([leaf]) { Lr = 0.5 });
        Assert.Equal(0.5, opt.ParamGroups[1].Lr);
        Assert.Equal(0.9, opt.ParamGroups[1]["momentum"]);
        Assert.Equal(0L, opt.ParamGroups[1]["dampening"]);
        Assert.Equal(["params", "lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "foreach", "differentiable"],
                     opt.ParamGroups[1].Keys);
    }

    [Fact]
    public void DefaultsHoldPyTorchsOptionsInOrder()
    {
        var opt = new Adam([Torch.Zeros(2).RequiresGrad_()]);
        Assert.Equal(["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "foreach", "capturable", "differentiable", "fused"],
                     opt.Defaults.Keys);
        Assert.Equal((0.9, 0.999), opt.ParamGroups[0].Betas);
        Assert.Equal(1e-3, opt.Defaults["lr"]);
    }

    [Fact]
    public void ZeroGradSetsToNoneByDefaultOrZeroesInPlace()
    {
        var p = Torch.Ones(3).RequiresGrad_();
        var opt = new SGD([p], lr: 0.1);
        p.Grad = Torch.Ones(3);
        opt.ZeroGrad();
        Assert.Null(p.Grad);
        var g = Torch.Full([3], 2.0);
        p.Grad = g;
        opt.ZeroGrad(setToNone: false);
        Assert.Same(g, p.Grad);
        Assert.Equal([0f, 0f, 0f], g.ToArray<float>());
    }

    [Fact]
    public void LrChangedInAGroupTakesEffectAtTheNextStep()
    {
        var p = Torch.Ones(1, dtype: DType.Float64).RequiresGrad_();
        var opt = new SGD([p], lr: 0.1);
        p.Grad = Torch.Ones(1, dtype: DType.Float64);
        opt.Step();
        Assert.Equal(0.9, p.Item<double>(), 15);
        opt.ParamGroups[0]["lr"] = 0.5;
        opt.Step();
        Assert.Equal(0.4, p.Item<double>(), 15);
        opt.ParamGroups[0].Lr = 0.25;
        opt.Step();
        Assert.Equal(0.15, p.Item<double>(), 15);
    }

    [Fact]
    public void StepRunsTheClosureWithGradientsAndReturnsItsLoss()
    {
        var p = Torch.Tensor(new[] { 3.0 }).RequiresGrad_();
        var opt = new SGD([p], lr: 0.1);
        using (Torch.NoGrad())
        {
            var loss = opt.Step(() =>
            {
                opt.ZeroGrad();
                var l = (p * p).Sum();
                l.Backward();
                return l;
            });
            Assert.Equal(9.0, loss!.Item<double>());
        }
        Assert.Equal(3.0 - 0.1 * 6.0, p.Item<double>(), 15);
        Assert.Null(opt.Step());
    }

    [Fact]
    public void StateIsCreatedOnFirstUseAndKeyedByParameter()
    {
        var a = Torch.Ones(2).RequiresGrad_();
        var b = Torch.Ones(2).RequiresGrad_();
        var opt = new Adam([a, b], lr: 0.1);
        Assert.Equal(0, opt.State.Count);
        a.Grad = Torch.Ones(2);
        opt.Step();
        Assert.True(opt.State.ContainsKey(a));
        Assert.False(opt.State.ContainsKey(b));
        Assert.Equal(["step", "exp_avg", "exp_avg_sq"], opt.State[a].Keys);
        Assert.Equal(1.0, ((Tensor)opt.State[a]["step"]!).Item<double>());
        Assert.Empty(opt.State[b]);
    }

    [Fact]
    public void StateDictNumbersParametersAcrossGroups()
    {
        var a = Torch.Ones(2).RequiresGrad_();
        var b = Torch.Ones(2).RequiresGrad_();
        var c = Torch.Ones(2).RequiresGrad_();
        var opt = new SGD([new ParamGroup([a, b]), new ParamGroup([c]) { Lr = 0.01 }], lr: 0.1, momentum: 0.5);
        c.Grad = Torch.Ones(2);
        opt.Step();
        var sd = opt.StateDict();
        var groups = (List<object?>)sd["param_groups"]!;
        Assert.Equal(new List<object?> { 0L, 1L }, ((Dictionary<string, object?>)groups[0]!)["params"]);
        Assert.Equal(new List<object?> { 2L }, ((Dictionary<string, object?>)groups[1]!)["params"]);
        var state = Assert.IsType<Dictionary<long, object?>>(sd["state"]);
        Assert.Equal([2L], state.Keys);
    }

    [Fact]
    public void BadParameterCollectionsFailAsInPyTorch()
    {
        var p = Torch.Zeros(2).RequiresGrad_();
        var set = Assert.Throws<ArgumentException>(() => new ParamGroup(new HashSet<Tensor> { p }));
        Assert.StartsWith("optimizer parameters need to be organized in ordered collections", set.Message);
        var lbfgs = new LBFGS([p]);
        Assert.Equal("LBFGS.step() missing 1 required positional argument: 'closure'",
                     Assert.Throws<ArgumentException>(() => lbfgs.Step()).Message);
        Assert.Throws<KeyNotFoundException>(() => lbfgs.ParamGroups[0]["nope"]);
    }

    [Fact]
    public void RowSparseTensorsCoalesceAndRefuseDenseAccess()
    {
        var idx = Torch.Tensor(new long[,] { { 2, 0, 2 } });
        var vals = Torch.Tensor(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var s = Torch.SparseCooTensor(idx, vals, new Size(4, 2));
        Assert.True(s.IsSparse);
        Assert.False(s.IsCoalesced());
        Assert.Equal("Cannot get indices on an uncoalesced tensor, please call .coalesce() first",
                     Assert.Throws<InvalidOperationException>(() => s.Indices()).Message);
        var c = s.Coalesce();
        Assert.Equal([0L, 2L], c.Indices().ToArray<long>());
        Assert.Equal([3f, 4f, 6f, 8f], c.Values().ToArray<float>());
        Assert.Equal([3f, 4f, 0f, 0f, 6f, 8f, 0f, 0f], s.ToDense().ToArray<float>());
        Assert.Throws<InvalidOperationException>(() => s.Add(1));
        Assert.Equal("size is inconsistent with indices: for dim 0, size is 4 but found index 5",
                     Assert.Throws<ArgumentException>(() => Torch.SparseCooTensor(Torch.Tensor(new long[,] { { 5 } }), Torch.Zeros(1, 2), new Size(4, 2))).Message);
        Assert.Equal("values has incorrect size, expected [1, 2], got [1, 3]",
                     Assert.Throws<ArgumentException>(() => Torch.SparseCooTensor(Torch.Tensor(new long[,] { { 1 } }), Torch.Zeros(1, 3), new Size(4, 2))).Message);
        var p = Torch.Zeros(4, 2).RequiresGrad_();
        p.Grad = s;
        new SparseAdam([p]).ZeroGrad(setToNone: false);
        Assert.Equal(0, p.Grad.Nnz());
    }
}
