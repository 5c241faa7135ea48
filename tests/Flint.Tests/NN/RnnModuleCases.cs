using System.Text.Json;
using Flint.NN;
using Flint.Tests.Parity;

namespace Flint.Tests.NN;

/// <summary>
/// Runs a module case written by tests/parity/nn_rnn_modules.py: builds the module, loads PyTorch's state dict by name,
/// runs the forward on PyTorch's inputs, compares every output, backpropagates PyTorch's output gradients and compares
/// the gradients of the inputs and of every weight; the state dict's keys must be PyTorch's, in PyTorch's order.
/// </summary>
public static class ModuleCases
{
    /// <summary>The case ids of a fixture set that satisfy <paramref name="keep"/>, for MemberData.</summary>
    public static IEnumerable<object[]> Ids(string set, Func<JsonElement, bool>? keep = null) =>
        FixtureSet.Load(set).Cases.Where(c => keep is null || keep(c)).Select(c => new object[] { c.GetProperty("id").GetString()! });

    /// <summary>
    /// Builds a case's module with PyTorch's weights loaded (null when the case has no module); with
    /// <paramref name="fill"/>, a case that stores no weights gets them from that function instead.
    /// </summary>
    public static Module? Build(JsonElement c, FixtureSet fx, Func<JsonElement, Kwargs, Module?> make, Action<Module>? fill = null)
    {
        var m = make(c, new Kwargs(c.GetProperty("kwargs")));
        if (m is null) return null;
        if (c.GetProperty("dtype").GetString() == "float64") m.Double();
        if (fill is not null) fill(m);
        else
        {
            var state = c.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => fx.Tensor(p.Value));
            m.LoadStateDict(state);
            Assert.Equal(c.GetProperty("params").EnumerateObject().Select(p => p.Name), m.StateDict().Keys);
        }
        m.Train(c.GetProperty("train").GetBoolean());
        return m;
    }

    /// <summary>The case's inputs by name; floating ones require grad when the case records gradients.</summary>
    public static Dictionary<string, Tensor> Inputs(JsonElement c, FixtureSet fx)
    {
        bool grads = c.TryGetProperty("grads", out _);
        return c.GetProperty("inputs").EnumerateObject().ToDictionary(p => p.Name, p =>
        {
            var t = fx.Tensor(p.Value);
            return grads && t.IsFloatingPoint() ? t.RequiresGrad_() : t;
        });
    }

    /// <summary>
    /// Runs case <paramref name="id"/> of <paramref name="set"/> end to end; <paramref name="tol"/> and
    /// <paramref name="tol64"/> are the float32 and float64 tolerances.
    /// </summary>
    public static void Run(string set, string id, Func<JsonElement, Kwargs, Module?> make,
        Func<JsonElement, Module?, Func<string, Tensor?>, Tensor?[]> forward, double? tol = null, Action<Module>? fill = null,
        double tol64 = 1e-9)
    {
        var fx = FixtureSet.Load(set);
        var c = fx.Case(id);
        var module = Build(c, fx, make, fill);
        var inputs = Inputs(c, fx);
        Tensor? In(string n) => inputs.GetValueOrDefault(n);
        var call = new Kwargs(c.GetProperty("call"));
        Tensor?[] outs;
        if (call.Bool("no_grad"))
            using (Torch.NoGrad()) outs = forward(c, module, In);
        else outs = forward(c, module, In);

        var expected = c.GetProperty("outputs").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, outs.Length);
        double t = c.GetProperty("dtype").GetString() == "float64" ? tol64 : tol ?? 2e-5;
        for (int k = 0; k < outs.Length; k++)
        {
            if (expected[k].ValueKind == JsonValueKind.Null)
            {
                Assert.True(outs[k] is null, $"{id}: output {k} should be None");
                continue;
            }
            Assert.True(outs[k] is not null, $"{id}: output {k} is missing");
            ParityRunner.AssertClose(fx.Tensor(expected[k]), outs[k]!, $"{id} output {k}", t);
        }

        if (!c.TryGetProperty("grads", out var gradsE)) return;
        Tensor? total = null;
        var gouts = c.GetProperty("grad_outputs").EnumerateArray().ToArray();
        for (int k = 0; k < gouts.Length; k++)
        {
            if (gouts[k].ValueKind == JsonValueKind.Null) continue;
            var term = outs[k]!.Mul(fx.Tensor(gouts[k])).Sum();
            total = total is null ? term : total.Add(term);
        }
        total!.Backward();
        var ps = module?.NamedParameters().ToDictionary(p => p.Name, p => (Tensor)p.Parameter) ?? [];
        foreach (var g in gradsE.EnumerateObject())
        {
            var actual = g.Name.StartsWith("in:", StringComparison.Ordinal) ? inputs[g.Name[3..]].Grad : ps[g.Name].Grad;
            Assert.True(actual is not null, $"{id}: {g.Name} got no gradient");
            ParityRunner.AssertClose(fx.Tensor(g.Value), actual!, $"{id} grad of {g.Name}", t);
        }
    }
}
