namespace Flint.Tests.Parity;

/// <summary>Views, shaping and joining ops against tests/parity/shaping.py.</summary>
public class ShapingParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("shaping");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("shaping", id, Op);

    private static long? OptLong(Kwargs k, string name) => k.Has(name) ? k.Long(name) : null;

    private static ParityRunner.OpFn Op(string name) => name switch
    {
        "view" => (x, k) => [x[0].View(k.Longs("shape")!)],
        "reshape" => (x, k) => [x[0].Reshape(k.Longs("shape")!)],
        "permute" => (x, k) => [x[0].Permute(k.Longs("dims")!)],
        "transpose" => (x, k) => [x[0].Transpose(k.Long("dim0"), k.Long("dim1"))],
        "expand" => (x, k) => [x[0].Expand(k.Longs("sizes")!)],
        "squeeze" => (x, k) => [k.Has("dim") ? x[0].Squeeze(k.Long("dim")) : x[0].Squeeze()],
        "unsqueeze" => (x, k) => [x[0].Unsqueeze(k.Long("dim"))],
        "select" => (x, k) => [x[0].Select(k.Long("dim"), k.Long("index"))],
        "narrow" => (x, k) => [x[0].Narrow(k.Long("dim"), k.Long("start"), k.Long("length"))],
        "as_strided" => (x, k) => [x[0].AsStrided(k.Longs("size")!, k.Longs("stride")!, k.Long("offset"))],
        "flatten" => (x, k) => [x[0].Flatten(k.Long("start", 0), k.Long("end", -1))],
        "unflatten" => (x, k) => [x[0].Unflatten(k.Long("dim"), k.Longs("sizes")!)],
        "movedim" => (x, k) => [x[0].Movedim(k.Longs("src")!, k.Longs("dst")!)],
        "repeat" => (x, k) => [x[0].Repeat(k.Longs("repeats")!)],
        "tile" => (x, k) => [x[0].Tile(k.Longs("dims")!)],
        "repeat_interleave" => (x, k) => [x[0].RepeatInterleave(k.Long("repeats"), OptLong(k, "dim"))],
        "repeat_interleave_t" => (x, k) => [x[0].RepeatInterleave(x[1], OptLong(k, "dim"))],
        "cat" => (x, k) => [Torch.Cat(x, k.Long("dim", 0))],
        "stack" => (x, k) => [Torch.Stack(x, k.Long("dim", 0))],
        "hstack" => (x, k) => [Torch.Hstack(x)],
        "vstack" => (x, k) => [Torch.Vstack(x)],
        "dstack" => (x, k) => [Torch.Dstack(x)],
        "split" => (x, k) => x[0].Split(k.Long("size"), k.Long("dim", 0)),
        "split_sizes" => (x, k) => x[0].Split(k.Longs("sizes")!, k.Long("dim", 0)),
        "chunk" => (x, k) => x[0].Chunk(k.Long("chunks"), k.Long("dim", 0)),
        "tensor_split" => (x, k) => x[0].TensorSplit(k.Long("sections"), k.Long("dim", 0)),
        "tensor_split_idx" => (x, k) => x[0].TensorSplit(k.Longs("indices")!, k.Long("dim", 0)),
        "unbind" => (x, k) => x[0].Unbind(k.Long("dim", 0)),
        "flip" => (x, k) => [x[0].Flip(k.Longs("dims")!)],
        "fliplr" => (x, k) => [x[0].Fliplr()],
        "flipud" => (x, k) => [x[0].Flipud()],
        "roll" => (x, k) => [x[0].Roll(k.Longs("shifts")!, k.Longs("dims"))],
        "rot90" => (x, k) => [x[0].Rot90(k.Long("k", 1), k.Longs("dims"))],
        "tril" => (x, k) => [x[0].Tril(k.Long("diagonal", 0))],
        "triu" => (x, k) => [x[0].Triu(k.Long("diagonal", 0))],
        "diag" => (x, k) => [x[0].Diag(k.Long("diagonal", 0))],
        "diagonal" => (x, k) => [x[0].Diagonal(k.Long("offset", 0), k.Long("dim1", 0), k.Long("dim2", 1))],
        "diag_embed" => (x, k) => [x[0].DiagEmbed(k.Long("offset", 0), k.Long("dim1", -2), k.Long("dim2", -1))],
        "unfold" => (x, k) => [x[0].Unfold(k.Long("dim"), k.Long("size"), k.Long("step"))],
        _ => throw new NotSupportedException(name),
    };
}
