using System.Text.Json;

namespace Flint.Tests.Parity;

/// <summary>
/// Runs one fixture case: builds the inputs (leaves, then the recorded view), calls the Flint op that the case's
/// op name maps to, compares every output with PyTorch's, backpropagates PyTorch's random output gradient and
/// compares the input gradients; float64 cases marked for it also pass a numerical gradcheck.
/// </summary>
public static class ParityRunner
{
    /// <summary>A Flint call for an op name: inputs (after views) and the case's kwargs to outputs.</summary>
    public delegate Tensor[] OpFn(Tensor[] inputs, Kwargs kwargs);

    public static void Run(string set, string id, Func<string, OpFn> ops)
    {
        var fx = FixtureSet.Load(set);
        var c = fx.Case(id);
        var fn = ops(c.GetProperty("op").GetString()!);
        var kwargs = new Kwargs(c.GetProperty("kwargs"));
        var specs = c.GetProperty("inputs").EnumerateArray().ToArray();
        var leaves = new Tensor?[specs.Length];
        var scalars = new JsonElement?[specs.Length];
        for (int i = 0; i < specs.Length; i++)
        {
            if (specs[i].TryGetProperty("scalar", out var s)) { scalars[i] = s; continue; }
            var t = fx.Tensor(specs[i]);
            if (specs[i].GetProperty("requires_grad").GetBoolean()) t.RequiresGrad_();
            leaves[i] = t;
        }
        var args = BuildArgs(specs, leaves, scalars);
        var outs = fn(args.Tensors, kwargs.WithScalars(args.Scalars));
        var expected = c.GetProperty("outputs").EnumerateArray().ToArray();
        Assert.True(outs.Length >= expected.Length, $"{id}: expected {expected.Length} outputs, got {outs.Length}");
        double? tol = c.TryGetProperty("tol", out var tolE) ? tolE.GetDouble() : null;
        for (int k = 0; k < expected.Length; k++)
            AssertClose(fx.Tensor(expected[k]), outs[k], $"{id} output {k}", tol);

        if (!c.TryGetProperty("grads", out var gradsE)) return;
        var gouts = c.GetProperty("grad_outputs").EnumerateArray().ToArray();
        Tensor? total = null;
        for (int k = 0; k < gouts.Length; k++)
        {
            if (gouts[k].ValueKind == JsonValueKind.Null) continue;
            var term = outs[k].Mul(fx.Tensor(gouts[k])).Sum();
            total = total is null ? term : total.Add(term);
        }
        total!.Backward();
        var grads = gradsE.EnumerateArray().ToArray();
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i].ValueKind == JsonValueKind.Null) continue;
            Assert.True(leaves[i]!.Grad is not null, $"{id}: input {i} got no gradient");
            AssertClose(fx.Tensor(grads[i]), leaves[i]!.Grad!, $"{id} grad of input {i}", tol);
        }

        if (c.TryGetProperty("gradcheck", out var gc) && gc.GetBoolean())
        {
            var inputs = leaves.Select(l => l is null ? Torch.Zeros(1) : l.Detach().Clone().RequiresGrad_(l.RequiresGrad)).ToArray();
            Torch.Autograd.GradCheck(xs =>
            {
                var a = BuildArgs(specs, xs, scalars);
                return fn(a.Tensors, kwargs.WithScalars(a.Scalars));
            }, inputs);
        }
    }

    private static (Tensor[] Tensors, JsonElement?[] Scalars) BuildArgs(JsonElement[] specs, Tensor?[] leaves, JsonElement?[] scalars)
    {
        var ts = new List<Tensor>();
        for (int i = 0; i < specs.Length; i++)
        {
            if (scalars[i] is not null) continue;
            var t = leaves[i]!;
            var view = specs[i].GetProperty("view");
            if (view.ValueKind == JsonValueKind.String)
                t = view.GetString() switch
                {
                    "t" => t.Transpose(-2, -1),
                    "s" => t.Slice(0, null, null, 2),
                    var v => throw new NotSupportedException(v),
                };
            ts.Add(t);
        }
        return (ts.ToArray(), scalars.Where(s => s is not null).ToArray());
    }

    /// <summary>Same dtype and shape, values within float32 ~1e-5 / float64 ~1e-10 relative (NaN equal NaN).</summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what, double? tol = null)
    {
        Assert.True(expected.DType == actual.DType, $"{what}: dtype {actual.DType}, expected {expected.DType}");
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}");
        var (rtol, atol) = expected.DType switch
        {
            DType.Float64 => (1e-10, 1e-12),
            DType.Float32 => (1e-5, 1e-6),
            DType.Float16 => (1e-3, 1e-3),
            DType.BFloat16 => (1e-2, 1e-2),
            _ => (0.0, 0.0),
        };
        if (tol is { } t) { rtol = Math.Max(rtol, t); atol = Math.Max(atol, t); }
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        for (int i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
            if (e[i] == a[i]) continue;
            Assert.True(Math.Abs(e[i] - a[i]) <= atol + rtol * Math.Abs(e[i]),
                $"{what}: element {i} is {a[i]:R}, PyTorch gives {e[i]:R}");
        }
    }
}

/// <summary>A case's keyword arguments, plus its plain-number inputs in order.</summary>
public sealed class Kwargs(JsonElement json, JsonElement?[]? scalars = null)
{
    private readonly JsonElement?[] scalars = scalars ?? [];

    public Kwargs WithScalars(JsonElement?[] s) => new(json, s);

    /// <summary>A keyword argument as raw JSON, for structured arguments (an index spec).</summary>
    public JsonElement Json(string name) => json.GetProperty(name);

    public bool Has(string name) => json.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public double Double(string name, double fallback = 0) => Has(name) ? json.GetProperty(name).GetDouble() : fallback;

    public long Long(string name, long fallback = 0) => Has(name) ? json.GetProperty(name).GetInt64() : fallback;

    public bool Bool(string name, bool fallback = false) => Has(name) ? json.GetProperty(name).GetBoolean() : fallback;

    public string? String(string name) => Has(name) ? json.GetProperty(name).GetString() : null;

    public long[]? Longs(string name) => Has(name) ? json.GetProperty(name).EnumerateArray().Select(e => e.GetInt64()).ToArray() : null;

    public double[]? Doubles(string name) => Has(name) ? json.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;

    /// <summary>The i-th plain-number input as a Scalar of its JSON kind (integer or float).</summary>
    public Scalar Scalar(int i)
    {
        var e = scalars[i]!.Value;
        if (e.ValueKind is JsonValueKind.True or JsonValueKind.False) return e.GetBoolean();
        var raw = e.GetRawText();
        if (e.TryGetInt64(out var l) && !raw.Contains('.') && !raw.Contains('e')) return l;
        return e.GetDouble();
    }
}
