using System.Text.Json;

namespace Flint.Tests.Parity;

/// <summary>Subscripts, index_put and the index ops against tests/parity/indexing.py.</summary>
public class IndexingParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("indexing");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("indexing", id, Op);

    // The subscript a spec describes: ["i", n], ["s", start, stop, step], ["e"], ["n"], ["b", v], ["t", k].
    private static TensorIndex[] Subscript(Kwargs k, Tensor[] tensors) =>
        k.Json("spec").EnumerateArray().Select(item =>
        {
            var a = item.EnumerateArray().ToArray();
            return a[0].GetString() switch
            {
                "i" => (TensorIndex)a[1].GetInt64(),
                "s" => TensorIndex.Slice(OptLong(a[1]), OptLong(a[2]), OptLong(a[3])),
                "e" => TensorIndex.Ellipsis,
                "n" => TensorIndex.NewAxis,
                "b" => a[1].GetBoolean(),
                _ => tensors[a[1].GetInt32()],
            };
        }).ToArray();

    private static long? OptLong(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetInt64();

    private static Scalar ScalarOf(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => e.GetRawText().Contains('.') ? e.GetDouble() : e.GetInt64(),
    };

    private static Tensor SetItem(Tensor[] x, Kwargs k)
    {
        bool scalar = k.Bool("scalar_value");
        var y = x[0].Clone();
        Tensor value = scalar ? k.Scalar(0) : x[1];
        y[Subscript(k, x[(scalar ? 1 : 2)..])] = value;
        return y;
    }

    private static ParityRunner.OpFn Op(string name) => name switch
    {
        "getitem" => (x, k) => [x[0][Subscript(k, x[1..])]],
        "setitem" => (x, k) => [SetItem(x, k)],
        "index_put" => (x, k) => [x[0].IndexPut(x[1..^1], x[^1], k.Bool("accumulate"))],
        "gather" => (x, k) => [x[0].Gather(k.Long("dim"), x[1])],
        "scatter" => (x, k) => [x[0].Scatter(k.Long("dim"), x[1], x[2])],
        "scatter_value" => (x, k) => [x[0].Scatter(k.Long("dim"), x[1], k.Scalar(0))],
        "scatter_add" => (x, k) => [x[0].ScatterAdd(k.Long("dim"), x[1], x[2])],
        "scatter_reduce" => (x, k) => [x[0].ScatterReduce(k.Long("dim"), x[1], x[2], k.String("reduce")!, k.Bool("include_self", true))],
        "scatter_reduce_legacy" => (x, k) => [x[0].Scatter(k.Long("dim"), x[1], x[2], k.String("reduce"))],
        "index_select" => (x, k) => [x[0].IndexSelect(k.Long("dim"), x[1])],
        "index_add" => (x, k) => [x[0].IndexAdd(k.Long("dim"), x[1], x[2], k.Double("alpha", 1))],
        "index_copy" => (x, k) => [x[0].IndexCopy(k.Long("dim"), x[1], x[2])],
        "index_fill" => (x, k) => [x[0].IndexFill(k.Long("dim"), x[1], ScalarOf(k.Json("value")))],
        "index_fill_t" => (x, k) => [x[0].IndexFill(k.Long("dim"), x[1], x[2])],
        "masked_fill" => (x, k) => [x[0].MaskedFill(x[1], ScalarOf(k.Json("value")))],
        "masked_fill_t" => (x, k) => [x[0].MaskedFill(x[1], x[2])],
        "masked_select" => (x, k) => [x[0].MaskedSelect(x[1])],
        "masked_scatter" => (x, k) => [x[0].MaskedScatter(x[1], x[2])],
        "take" => (x, k) => [x[0].Take(x[1])],
        "take_along_dim" => (x, k) => [x[0].TakeAlongDim(x[1], k.Has("dim") ? k.Long("dim") : null)],
        "put" => (x, k) => [x[0].Put(x[1], x[2], k.Bool("accumulate"))],
        "nonzero" => (x, k) => [x[0].Nonzero()],
        "nonzero_tuple" => (x, k) => x[0].Nonzero(asTuple: true),
        "argwhere" => (x, k) => [x[0].Argwhere()],
        _ => throw new NotSupportedException(name),
    };
}
