namespace Flint.Tests.Parity;

/// <summary>Sorting and selection against tests/parity/sorting.py.</summary>
public class SortingParityTests
{
    public static IEnumerable<object[]> Cases => FixtureSet.Ids("sorting");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string id) => ParityRunner.Run("sorting", id, Op);

    private static Tensor[] Pair((Tensor A, Tensor B) t) => [t.A, t.B];

    private static Tensor[] Present((Tensor Output, Tensor? Inverse, Tensor? Counts) u) =>
        new[] { u.Output, u.Inverse, u.Counts }.Where(t => t is not null).Select(t => t!).ToArray();

    private static ParityRunner.OpFn Op(string name) => name switch
    {
        "sort" => (x, k) => k.Has("stable")
            ? Pair(x[0].Sort(k.Long("dim", -1), k.Bool("descending"), stable: k.Bool("stable")))
            : Pair(Torch.Sort(x[0], k.Long("dim", -1), k.Bool("descending"))),
        "argsort" => (x, k) => [x[0].Argsort(k.Long("dim", -1), k.Bool("descending"))],
        "msort" => (x, k) => [Torch.Msort(x[0])],
        "topk" => (x, k) => Pair(x[0].Topk(k.Long("k"), k.Long("dim", -1), k.Bool("largest", true), k.Bool("sorted", true))),
        "kthvalue" => (x, k) => Pair(Torch.Kthvalue(x[0], k.Long("k"), k.Long("dim", -1), k.Bool("keepdim"))),
        "median" => (x, k) => [x[0].Median()],
        "median_dim" => (x, k) => Pair(Torch.Median(x[0], k.Long("dim"), k.Bool("keepdim"))),
        "nanmedian" => (x, k) => [Torch.Nanmedian(x[0])],
        "nanmedian_dim" => (x, k) => Pair(x[0].Nanmedian(k.Long("dim"), k.Bool("keepdim"))),
        "mode" => (x, k) => Pair(x[0].Mode(k.Long("dim", -1), k.Bool("keepdim"))),
        "unique" => (x, k) => k.Has("return_inverse") || k.Has("return_counts")
            ? Present(x[0].Unique(returnInverse: k.Bool("return_inverse"), returnCounts: k.Bool("return_counts")))
            : [Torch.Unique(x[0])],
        "unique_consecutive" => (x, k) => Present(Torch.UniqueConsecutive(x[0], k.Bool("return_inverse"), k.Bool("return_counts"))),
        "searchsorted" => (x, k) => [Torch.Searchsorted(x[0], x[1], right: k.Bool("right"), side: k.String("side"))],
        "searchsorted_sorter" => (x, k) => [Torch.Searchsorted(x[0], x[1], right: k.Bool("right"), sorter: x[2])],
        "bucketize" => (x, k) => [Torch.Bucketize(x[0], x[1], outInt32: k.Bool("out_int32"), right: k.Bool("right"))],
        _ => throw new NotSupportedException(name),
    };
}
