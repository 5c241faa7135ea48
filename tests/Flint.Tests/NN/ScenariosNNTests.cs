using Flint.NN;
using Flint.Tests.Parity;

namespace Flint.Tests.NN;

/// <summary>
/// Scenarios M2 (parameters, named_parameters, ParameterList, ParameterDict), M4 (kaiming_normal_, constant_) and M5
/// (train/eval switching Dropout and BatchNorm) of SCENARIOS.md, against tests/parity/nn_scenarios.py.
/// </summary>
[Collection("DefaultGenerator")]
public class ScenariosNNTests
{
    private static FixtureSet Fx => FixtureSet.Load("nn_scenarios");

    private sealed class MyModel : Module<Tensor, Tensor>
    {
        public Parameter scale = new(Torch.Ones(1));
        public Linear fc = new(4, 3);
        public ParameterList weights = new(new Parameter(Torch.Randn(3, 3)), new Parameter(Torch.Randn(3, 3)));
        public ParameterDict extra = new() { ["left"] = new Parameter(Torch.Randn(3)), ["right"] = new Parameter(Torch.Zeros(2, 3)) };
        [Buffer] public Tensor steps = Torch.Zeros(1);

        public override Tensor Forward(Tensor x)
        {
            x = fc.Call(x) * scale;
            foreach (var w in weights) x = Torch.Relu(x.MatMul(w));
            return x + extra["left"];
        }
    }

    [Fact]
    public void M2_ParametersAreRegisteredAndListed()
    {
        var c = Fx.Case("m2");
        Torch.ManualSeed(0);
        var model = new MyModel();
        var named = model.NamedParameters().ToList();
        var expected = c.GetProperty("named_parameters").EnumerateArray().ToArray();
        Assert.Equal(expected.Select(e => e.GetProperty("name").GetString()), named.Select(p => p.Name));
        for (int i = 0; i < expected.Length; i++) ParityRunner.AssertClose(Fx.Tensor(expected[i]), named[i].Parameter, named[i].Name);
        Assert.Equal(model.Parameters().Select(p => p), named.Select(p => p.Parameter));
        Assert.Equal(c.GetProperty("num_parameters").GetInt64(), model.Parameters().Sum(p => p.Numel()));
        Assert.Equal(c.GetProperty("state_dict").EnumerateArray().Select(e => e.GetString()), model.StateDict().Keys);
        Assert.Equal(c.GetProperty("repr").GetString(), model.ToString());

        var x = Fx.Tensor(c.GetProperty("input"));
        var output = model.Call(x);
        ParityRunner.AssertClose(Fx.Tensor(c.GetProperty("output")), output, "m2 output");
        output.Sum().Backward();
        var hasGrad = c.GetProperty("has_grad").EnumerateArray().Select(e => e.GetBoolean()).ToArray();
        var grads = c.GetProperty("grads").EnumerateArray().ToArray();
        for (int i = 0; i < named.Count; i++)
        {
            Assert.Equal(hasGrad[i], named[i].Parameter.Grad is not null);
            if (hasGrad[i]) ParityRunner.AssertClose(Fx.Tensor(grads[i]), named[i].Parameter.Grad!, $"grad of {named[i].Name}");
        }
        // A parameter assigned later replaces the registration, as Python attribute assignment does.
        model.scale = new Parameter(Torch.Full([1], 2.0));
        Assert.Same(model.scale, model.GetParameter("scale"));
        Assert.Equal(2f, model.NamedParameters().First().Parameter.Item<float>());
    }

    [Fact]
    public void M4_KaimingNormalAndConstantInitialisers()
    {
        var c = Fx.Case("m4");
        Torch.ManualSeed(42);
        var convWeight = new Parameter(Torch.Empty(16, 6, 5, 5));
        Init.KaimingNormal_(convWeight.Data);
        var linear = new Linear(120, 84);
        Init.Constant_(linear.Weight.Data, 0.3);
        ParityRunner.AssertClose(Fx.Tensor(c.GetProperty("conv_weight")), convWeight, "kaiming_normal_ weight");
        ParityRunner.AssertClose(Fx.Tensor(c.GetProperty("linear_weight")), linear.Weight, "constant_ weight");
        ParityRunner.AssertClose(Fx.Tensor(c.GetProperty("linear_bias")), linear.Bias!, "linear bias (default init)");
        Assert.True(linear.Weight.IsLeaf && linear.Weight.RequiresGrad && linear.Weight.GradFn is null);
        // kaiming_normal_ (fan_in 150, leaky_relu with a = 0): std √(2/150).
        Assert.Equal(Math.Sqrt(2.0 / 150), convWeight.Std().Item<float>(), 0.01);
    }

    [Fact]
    public void M5_TrainAndEvalSwitchDropoutAndBatchNorm()
    {
        var c = Fx.Case("m5");
        Torch.ManualSeed(5);
        var model = new Sequential(new Linear(4, 8), new BatchNorm1d(8), new ReLU(), new Dropout(0.5), new Linear(8, 2));
        var x = Fx.Tensor(c.GetProperty("input"));
        Tensor? firstEval = null;
        foreach (var step in c.GetProperty("steps").EnumerateArray())
        {
            var train = step.GetProperty("mode").GetString() == "train";
            if (train) model.Train();
            else model.Eval();
            Assert.Equal(step.GetProperty("training").EnumerateArray().Select(e => e.GetBoolean()), model.Modules().Select(m => m.Training));
            Torch.ManualSeed(step.GetProperty("seed").GetInt64());
            Tensor y;
            using (Torch.SetGradEnabled(train)) y = model.Call(x);
            ParityRunner.AssertClose(Fx.Tensor(step.GetProperty("output")), y, $"m5 {step.GetProperty("mode").GetString()} output");
            foreach (var b in step.GetProperty("buffers").EnumerateArray())
                ParityRunner.AssertClose(Fx.Tensor(b), model.NamedBuffers().Single(n => n.Name == b.GetProperty("name").GetString()).Buffer,
                    $"m5 buffer {b.GetProperty("name").GetString()}");
            if (!train)
            {
                // Evaluation is deterministic: no dropout, running statistics unchanged.
                Assert.False(y.RequiresGrad);
                if (firstEval is null) firstEval = y;
                else Assert.True(firstEval.Equal(y));
            }
        }
        var state = model.StateDict();
        foreach (var s in c.GetProperty("state").EnumerateArray())
            ParityRunner.AssertClose(Fx.Tensor(s), state[s.GetProperty("name").GetString()!], $"m5 state {s.GetProperty("name").GetString()}");
    }
}
