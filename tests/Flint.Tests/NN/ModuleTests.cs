using Flint.NN;

namespace Flint.Tests.NN;

public class ModuleTests
{
    private sealed class Affine : Module<Tensor, Tensor>
    {
        public Parameter weight = new(Torch.Ones(3));
        public Parameter? bias = new(Torch.Zeros(3));

        public override Tensor Forward(Tensor x) => x * weight + bias!;

        public override string ExtraRepr() => "features=3";
    }

    private sealed class Net : Module<Tensor, Tensor>
    {
        public Parameter scale = new(Torch.Ones(1));
        public Affine a = new();
        public Affine b = new();
        [Buffer] public Tensor steps = Torch.Zeros(1, dtype: DType.Int64);
        [Buffer(persistent: false)] public Tensor scratch = Torch.Zeros(2);

        public override Tensor Forward(Tensor x) => b.Call(a.Call(x)) * scale;
    }

    private sealed class ListHolder : Module
    {
        public List<Affine> layers = [new Affine()];
    }

    [Fact]
    public void FieldsRegisterInOrderWithOwnEntriesFirst()
    {
        var n = new Net();
        Assert.Equal(["scale", "a.weight", "a.bias", "b.weight", "b.bias"], n.NamedParameters().Select(p => p.Name));
        Assert.Equal(["scale", "steps", "a.weight", "a.bias", "b.weight", "b.bias"], n.StateDict().Keys);
        Assert.Equal(["steps", "scratch"], n.NamedBuffers().Select(b => b.Name));
        Assert.Equal(["", "a", "b"], n.NamedModules().Select(m => m.Name));
    }

    [Fact]
    public void ReprMatchesPyTorchLayout()
    {
        var n = new Net();
        Assert.Equal("Net(\n  (a): Affine(features=3)\n  (b): Affine(features=3)\n)", n.ToString());
        var l = new ModuleList(new Affine(), new Affine());
        Assert.Equal("ModuleList(\n  (0): Affine(features=3)\n  (1): Affine(features=3)\n)", l.ToString());
        var pl = new ParameterList(new Parameter(Torch.Ones(1)));
        Assert.Equal("ParameterList(  (0): Parameter containing: [torch.float32 of size 1])", pl.ToString());
        var pd = new ParameterDict { ["k"] = new Parameter(Torch.Ones(2, 2)) };
        Assert.Equal("ParameterDict(  (k): Parameter containing: [torch.FloatTensor of size 2x2])", pd.ToString());
    }

    [Fact]
    public void ListFieldIsRefused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new ListHolder().Parameters().ToList());
        Assert.Contains("ModuleList", e.Message);
    }

    [Fact]
    public void ReassigningAFieldReplacesTheRegistration()
    {
        var n = new Net();
        var fresh = new Affine();
        n.b = fresh;
        Assert.Same(fresh.weight, n.GetParameter("b.weight"));
        n.a.bias = null;
        Assert.DoesNotContain("a.bias", n.StateDict().Keys);
    }

    [Fact]
    public void LoadStateDictReportsKeysAndShapes()
    {
        var n = new Net();
        var sd = n.StateDict();
        sd.Remove("scale");
        sd["extra"] = Torch.Ones(1);
        var r = n.LoadStateDict(sd, strict: false);
        Assert.Equal(["scale"], r.MissingKeys);
        Assert.Equal(["extra"], r.UnexpectedKeys);
        sd["a.weight"] = Torch.Ones(4);
        var e = Assert.Throws<InvalidOperationException>(() => n.LoadStateDict(sd));
        Assert.Equal(
            "Error(s) in loading state_dict for Net:\n\tMissing key(s) in state_dict: \"scale\". \n\tUnexpected key(s) in state_dict: \"extra\". \n\t" +
            "size mismatch for a.weight: copying a param with shape torch.Size([4]) from checkpoint, the shape in current model is torch.Size([3]).",
            e.Message);
    }

    [Fact]
    public void LoadStateDictCopiesValues()
    {
        var src = new Net();
        using (Torch.NoGrad()) src.a.weight.Fill_(5);
        var dst = new Net();
        dst.LoadStateDict(src.StateDict());
        Assert.Equal([5f, 5f, 5f], dst.a.weight.ToArray<float>());
        Assert.True(dst.a.weight.RequiresGrad);
    }

    [Fact]
    public void DeepCopyIsIndependent()
    {
        var n = new Net();
        var c = (Net)n.DeepCopy();
        using (Torch.NoGrad()) c.a.weight.Fill_(2);
        Assert.Equal([1f, 1f, 1f], n.a.weight.ToArray<float>());
        Assert.NotSame(n.a, c.a);
        var l = new ModuleList(new Affine());
        var lc = (ModuleList)l.DeepCopy();
        Assert.NotSame(l[0], lc[0]);
        Assert.Single(lc.Parameters().Take(1));
    }

    [Fact]
    public void TrainEvalAndHooks()
    {
        var n = new Net();
        n.Eval();
        Assert.False(n.a.Training);
        n.Train();
        Assert.True(n.b.Training);
        var calls = new List<string>();
        using var h = n.a.RegisterForwardHook((m, i, o) => { calls.Add("a"); return null; });
        n.a.RegisterForwardPreHook((m, i) => { calls.Add("pre"); return null; });
        n.Call(Torch.Ones(3));
        Assert.Equal(["pre", "a"], calls);
    }

    [Fact]
    public void ModuleListOps()
    {
        var l = new ModuleList(new Affine(), new Affine());
        var third = new Affine();
        l.Insert(0, third);
        Assert.Same(third, l[0]);
        Assert.Same(l[2], l[-1]);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"], l.NamedParameters().Select(p => p.Name));
        Assert.Equal(2, l[1..].Count);
    }

    [Fact]
    public void DataParallelPrefixes()
    {
        var dp = new DataParallel(new Affine());
        var sd = dp.StateDict();
        Assert.Equal(["module.weight", "module.bias"], sd.Keys);
        var plain = new Affine();
        var e = Assert.Throws<InvalidOperationException>(() => plain.LoadStateDict(sd));
        Assert.Contains("ConsumePrefixInStateDictIfPresent", e.Message);
        ModuleUtils.ConsumePrefixInStateDictIfPresent(sd, "module.");
        plain.LoadStateDict(sd);
    }
}

public class ModuleNamingTests
{
    private sealed class Cased : Module
    {
        public Parameter Weight = new(Torch.Ones(1));
        public Parameter WeightIhL0 = new(Torch.Ones(1));
        [Buffer] public Tensor RunningMean = Torch.Zeros(1);
        public Parameter fc_out = new(Torch.Ones(1));
        public Linear Fc1 = new(1, 1);
    }

    [Fact]
    public void NetCasedMembersRegisterUnderPyTorchsSnakeCaseNames()
    {
        Assert.Equal(["weight", "weight_ih_l0", "fc_out", "running_mean", "fc1.weight", "fc1.bias"], new Cased().StateDict().Keys);
        Assert.Equal("num_batches_tracked", Module.SnakeCase("NumBatchesTracked"));
        Assert.Equal("conv1", Module.SnakeCase("conv1"));
    }
}
